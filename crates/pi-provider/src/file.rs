//! Reading one transcript file into sessions and turns.

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use openusage_core::usage::Tokens;
use openusage_files::Scanned;
use openusage_files::{self as cache, Incremental};

use crate::entry::{self, Entry, Header, Model};
use crate::turn::{Key, Kind, Turn, UNKNOWN_MODEL};

/// Everything one file contributes, before copies across files are removed.
/// Built line by line ([`Incremental`]), so a file that grew is read on
/// from where its last reading stopped.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileScan {
    /// Canonical path; the tie-breaker when ordering files.
    #[serde(with = "openusage_files::path_bytes")]
    pub path: PathBuf,
    /// The file's modification time, which dates turns without a timestamp.
    pub mtime: DateTime<Utc>,
    /// `None` when the file has no session header: it was skipped whole.
    pub first_header: Option<Header>,
    /// Sessions in file order; turns point into this list.
    pub sessions: Vec<Header>,
    /// What each session's later records named it, beside its header.
    pub named: Vec<Named>,
    /// The file opens with Oh My Pi's title record (its title slot): Oh
    /// My Pi wrote it.
    pub titled: bool,
    /// The title slot's title (trimmed, non-empty): the first session's.
    pub slot_title: Option<String>,
    /// Non-zero turns in line order, with their session.
    pub turns: Vec<FileTurn>,
    /// The names turns are attributed to, each combination held once;
    /// turns point into this list.
    pub names: Vec<Names>,
    pub lines_dropped: u64,
    /// Lines that could matter but were too long to read.
    #[serde(default)]
    pub lines_oversized: u64,
    pub turns_zero: u64,
    /// The current session's model: records that name none are its.
    current: Option<Model>,
    /// The first record was not a header: nothing after it is looked at.
    stopped: bool,
    /// Where each of `names` sits: rebuilt after a reading is loaded.
    #[serde(skip)]
    index: NameIndex,
}

/// A session's names from records after its header, the latest of each.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Named {
    /// Oh My Pi's last `title_change` with a title.
    pub changed: Option<String>,
    /// Pi's last `session_info` name (an empty or missing one clears it).
    pub name: Option<String>,
}

/// The model, upstream provider, subkind and answering model of a turn.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Names {
    pub model: Arc<str>,
    pub provider: Option<Arc<str>>,
    pub subkind: Option<Arc<str>>,
    pub response_model: Option<Arc<str>>,
}

/// The number of each of a file's [`Names`]. A file usually names a
/// handful, but a hostile one may name a new model on every line: a hash
/// map keeps that linear (a list searched each time was quadratic). The
/// names are the file's text, so the map uses the standard library's
/// randomly keyed hasher: FxHash collisions can be crafted, and would make
/// it quadratic again. Not part of a reading's value: two readings with the
/// same names are equal whether or not their index was built.
#[derive(Debug, Clone, Default)]
struct NameIndex(HashMap<Names, u32>);

impl PartialEq for NameIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A counted-to-be turn as a file keeps it: its numbers, the digest of its
/// copy key and where its session and names sit. Kept small: a home holds
/// millions.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileTurn {
    pub tokens: Tokens,
    pub key: Option<Key>,
    pub cost_usd: Option<f64>,
    /// The turn's own time; `None`: the file's mtime ([`FileScan::when`]).
    pub at: Option<DateTime<Utc>>,
    /// Index into [`FileScan::sessions`].
    pub session: u32,
    /// Index into [`FileScan::names`].
    pub names: u32,
    pub kind: Kind,
}

impl FileScan {
    /// A reading of the file at `path` before its first line.
    pub fn new(path: &Path) -> Self {
        FileScan {
            path: path.to_path_buf(),
            mtime: DateTime::UNIX_EPOCH,
            first_header: None,
            sessions: Vec::new(),
            named: Vec::new(),
            titled: false,
            slot_title: None,
            turns: Vec::new(),
            names: Vec::new(),
            lines_dropped: 0,
            lines_oversized: 0,
            turns_zero: 0,
            current: None,
            stopped: false,
            index: NameIndex::default(),
        }
    }

    /// True when the file had no session header and was skipped.
    pub fn skipped(&self) -> bool {
        self.first_header.is_none()
    }

    /// When a turn happened: its own timestamp, else the file's mtime.
    pub fn when(&self, turn: &FileTurn) -> DateTime<Utc> {
        turn.at.unwrap_or(self.mtime)
    }

    /// The title of session `session`: Oh My Pi's title slot (the first
    /// session's), else its last `title_change`, else its header's
    /// `title`; else Pi's last `session_info` name. Never anything else.
    pub fn title(&self, session: usize) -> Option<&str> {
        let named = self.named.get(session);
        let slot = self.slot_title.as_deref().filter(|_| session == 0);
        slot.or_else(|| named?.changed.as_deref())
            .or_else(|| self.sessions.get(session)?.title.as_deref())
            .or_else(|| named?.name.as_deref())
    }

    /// The names `turn` is attributed to.
    pub fn names_of(&self, turn: &FileTurn) -> &Names {
        // `names` is only ever indexed by the numbers `number` gave out.
        &self.names[turn.names as usize]
    }

    /// The number of `names`, adding them when new.
    fn number(&mut self, names: Names) -> u32 {
        if self.index.0.len() != self.names.len() {
            let numbered = self.names.iter().cloned().zip(0..);
            self.index.0 = numbered.collect();
        }
        if let Some(&n) = self.index.0.get(&names) {
            return n;
        }
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(names.clone());
        self.index.0.insert(names, n);
        n
    }
}

impl FileScan {
    /// Adds a turn of the current session (a zero one is only counted).
    fn push(&mut self, turn: Turn) {
        if turn.tokens.is_zero() {
            self.turns_zero += 1;
            return;
        }
        let key = turn.copy_key().map(|k| k.digest());
        let names = self.number(Names {
            model: turn.model,
            provider: turn.provider,
            subkind: turn.subkind,
            response_model: turn.response_model,
        });
        let session = self.sessions.len().saturating_sub(1);
        self.turns.push(FileTurn {
            tokens: turn.tokens,
            key,
            cost_usd: turn.cost_usd,
            at: turn.at,
            session: u32::try_from(session).unwrap_or(u32::MAX),
            names,
            kind: turn.kind,
        });
    }
}

impl Scanned for FileScan {
    fn skipped(&self) -> bool {
        FileScan::skipped(self)
    }

    fn lines_dropped(&self) -> u64 {
        self.lines_dropped
    }

    fn lines_oversized(&self) -> u64 {
        self.lines_oversized
    }
}

/// The first record must be a session header; leading title records and
/// undecodable lines are passed over. When the first other record is not a
/// header the file is skipped and nothing after it is looked at. A later
/// header starts a new session, with the model its header names (if any)
/// until a `model_change`.
impl Incremental for FileScan {
    fn line(&mut self, line: &[u8]) {
        if self.stopped {
            return;
        }
        match entry::decode(line) {
            Entry::Undecodable => self.lines_dropped += 1,
            Entry::Header(header) => {
                self.first_header.get_or_insert_with(|| header.clone());
                self.current = header.model.clone();
                self.sessions.push(header);
                self.named.push(Named::default());
            }
            Entry::Title(title) if self.sessions.is_empty() => {
                if !self.titled {
                    self.titled = true;
                    self.slot_title = title;
                }
            }
            _ if self.sessions.is_empty() => self.stopped = true,
            Entry::ModelChange(model) => self.current = Some(model),
            Entry::TitleChange(Some(title)) => {
                if let Some(named) = self.named.last_mut() {
                    named.changed = Some(title);
                }
            }
            Entry::SessionInfo(name) => {
                if let Some(named) = self.named.last_mut() {
                    named.name = name;
                }
            }
            Entry::Turn(turn) => self.push(turn),
            Entry::Unattributed(mut turn) => {
                let current = self.current.as_ref();
                turn.model = current.map_or_else(|| Arc::from(UNKNOWN_MODEL), |m| m.model.clone());
                turn.provider = current.and_then(|m| m.provider.clone());
                self.push(turn);
            }
            Entry::Title(_) | Entry::TitleChange(None) | Entry::Other => {}
        }
    }

    fn set_mtime(&mut self, mtime: DateTime<Utc>) {
        self.mtime = mtime;
    }

    /// Until the header, any line decides (a record other than a title or
    /// header skips the file): every line is examined. Then only lines
    /// holding one of the words every record that matters holds; and once
    /// the file is skipped, none.
    fn words(&self) -> Option<&'static [&'static [u8]]> {
        if self.stopped {
            Some(&[])
        } else if self.sessions.is_empty() {
            None
        } else {
            Some(entry::words())
        }
    }

    fn oversized(&mut self) {
        if !self.stopped {
            self.lines_oversized += 1;
        }
    }

    /// Vectors grow by doubling, so a file read cold held up to twice its
    /// turns' size; and the index of names only serves the lines still to
    /// come (`FileScan::number` rebuilds it when the file grows). A home
    /// keeps every file's reading at once: both given back here.
    fn settle(&mut self) {
        self.turns.shrink_to_fit();
        self.sessions.shrink_to_fit();
        self.named.shrink_to_fit();
        self.names.shrink_to_fit();
        self.index = NameIndex::default();
    }

    /// What reading lines keeps true: every turn's session is one of the
    /// file's, in file order, and its names one of the file's; no turn is
    /// zero; a cost is finite and not negative; each session has its names;
    /// the first header is the
    /// first session's; a file that stopped at its first record has no
    /// session.
    fn consistent(&self) -> bool {
        let mut previous = 0;
        let turns = self.turns.iter().all(|t| {
            let session = t.session as usize;
            let fits = (previous..self.sessions.len()).contains(&session)
                && (t.names as usize) < self.names.len()
                && !t.tokens.is_zero()
                && t.cost_usd.is_none_or(|c| c.is_finite() && c >= 0.0);
            previous = session;
            fits
        });
        turns
            && self.named.len() == self.sessions.len()
            && self.first_header.as_ref() == self.sessions.first()
            && (!self.stopped || self.sessions.is_empty())
    }
}

/// Reads a whole transcript from `reader` at once (tests, benchmarks).
pub fn scan_reader(path: &Path, reader: impl Read, mtime: DateTime<Utc>) -> io::Result<FileScan> {
    cache::read_all(FileScan::new(path), reader, mtime)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MTIME: &str = "2026-01-02T03:04:05Z";

    fn scan_text(text: &str) -> FileScan {
        scan_bytes(text.as_bytes())
    }

    fn scan_bytes(bytes: &[u8]) -> FileScan {
        let mtime = DateTime::parse_from_rfc3339(MTIME).unwrap().to_utc();
        scan_reader(Path::new("/s/f.jsonl"), bytes, mtime).unwrap()
    }

    fn header(id: &str, cwd: &str) -> String {
        format!(
            r#"{{"type":"session","version":3,"id":"{id}","timestamp":"2026-03-10T08:00:00.000Z","cwd":"{cwd}"}}"#
        )
    }

    fn turn(input: u64, ts: u64) -> String {
        format!(
            r#"{{"type":"message","id":"e{ts}","timestamp":"2026-03-10T08:00:{:02}.000Z","message":{{"role":"assistant","content":[],"provider":"anthropic","model":"m","usage":{{"input":{input},"output":0,"cacheRead":0,"cacheWrite":0}},"timestamp":{ts}}}}}"#,
            ts % 60
        )
    }

    fn inputs(scan: &FileScan) -> Vec<(usize, u64)> {
        scan.turns
            .iter()
            .map(|t| (t.session as usize, t.tokens.input))
            .collect()
    }

    #[test]
    fn title_lines_blank_lines_and_bad_lines_before_the_header_are_passed_over() {
        let text = [
            r#"{"type":"title","v":1,"title":"Fix login","pad":"    "}"#,
            "",
            "{not json",
            &header("s1", "/home/a/webapp"),
            &turn(10, 1),
        ]
        .join("\n");
        let scan = scan_text(&text);
        assert!(!scan.skipped());
        assert_eq!(inputs(&scan), [(0, 10)]);
        assert_eq!(scan.lines_dropped, 1);
    }

    #[test]
    fn a_file_whose_first_record_is_not_a_header_is_skipped_whole() {
        let scan = scan_text(&[turn(10, 1), header("s1", "/a"), turn(20, 2)].join("\n"));
        assert!(scan.skipped());
        assert!(scan.turns.is_empty() && scan.sessions.is_empty());
        assert!(scan_text("").skipped());
        assert!(scan_text(r#"{"type":"title","title":"only a title"}"#).skipped());
        // A header whose id is not a string is not a header.
        assert!(
            scan_text(&[r#"{"type":"session","id":1}"#.to_owned(), turn(1, 1)].join("\n"))
                .skipped()
        );
    }

    #[test]
    fn a_later_header_starts_a_new_session_with_its_own_workspace() {
        let text = [
            header("s1", "/a/first"),
            turn(1, 1),
            header("s2", "/a/second"),
            turn(2, 2),
        ]
        .join("\n");
        let scan = scan_text(&text);
        assert_eq!(inputs(&scan), [(0, 1), (1, 2)]);
        assert_eq!(scan.sessions[1].workspace.as_deref(), Some("second"));
        assert_eq!(scan.first_header.unwrap().id, "s1");
    }

    #[test]
    fn a_bad_line_that_could_matter_is_dropped_alone_and_the_others_passed_over() {
        let text = format!(
            "{}\r\n{}\r\n{{\"type\":\"message\",\"message\":\r\n{}\n   \n{{\"usage\":\n{}",
            header("s1", "/a"),
            turn(1, 1),
            turn(2, 2),
            &turn(3, 3)[..40]
        );
        let scan = scan_text(&text);
        assert_eq!(inputs(&scan), [(0, 1), (0, 2)]);
        // Only the broken line that names `usage` could matter, and is
        // examined and dropped. The other broken line, the line of spaces
        // (not empty, so it does not decode) and the half-written last
        // line (cut before its usage) name no word the reader acts on
        // after the header: passed over, unvalidated.
        assert_eq!(scan.lines_dropped, 1);
    }

    #[test]
    fn a_complete_last_line_without_newline_counts() {
        let scan = scan_text(&format!("{}\n{}", header("s1", "/a"), turn(5, 1)));
        assert_eq!(inputs(&scan), [(0, 5)]);
    }

    #[test]
    fn zero_turns_are_dropped_and_counted() {
        let scan = scan_text(&[header("s1", "/a"), turn(0, 1), turn(4, 2)].join("\n"));
        assert_eq!(inputs(&scan), [(0, 4)]);
        assert_eq!(scan.turns_zero, 1);
    }

    #[test]
    fn a_huge_line_does_not_disturb_the_lines_around_it() {
        let image = format!(
            r#"{{"type":"message","message":{{"role":"user","content":[{{"type":"image","data":"{}"}}]}}}}"#,
            "A".repeat(20 * 1024 * 1024)
        );
        let text = [header("s1", "/a"), turn(1, 1), image, turn(2, 2)].join("\n");
        assert_eq!(inputs(&scan_text(&text)), [(0, 1), (0, 2)]);
    }

    /// A tool result carrying its own usage, its output `output` long.
    fn tool_result(output: &str, input: u64) -> String {
        format!(
            r#"{{"type":"message","id":"t{input}","timestamp":"2026-03-10T08:00:30.000Z","message":{{"role":"toolResult","content":[{{"type":"text","text":"{output}"}}],"usage":{{"input":{input},"output":0,"cacheRead":0,"cacheWrite":0}},"timestamp":30}}}}"#
        )
    }

    fn scan_with(text: &str, limits: openusage_jsonl::lines::Limits) -> FileScan {
        let mtime = DateTime::parse_from_rfc3339(MTIME).unwrap().to_utc();
        cache::read_all_with(
            FileScan::new(Path::new("/s/f.jsonl")),
            text.as_bytes(),
            mtime,
            limits,
        )
        .unwrap()
    }

    /// Long lines from 1 KiB, skeletons held up to 1 MiB.
    const SMALL: openusage_jsonl::lines::Limits = openusage_jsonl::lines::Limits {
        gathered: 1024,
        held: 1 << 20,
        string: 4096,
    };

    #[test]
    fn a_multi_megabyte_tool_result_with_usage_is_counted() {
        let big = tool_result(&"x".repeat(5 << 20), 9);
        let text = [header("s1", "/a"), turn(1, 1), big, turn(2, 2)].join("\n");
        // As it is read for real, and with every long line over the held
        // bound: its output is a string, cut, so its usage is read all the
        // same.
        for scan in [scan_text(&text), scan_with(&text, SMALL)] {
            assert_eq!(inputs(&scan), [(0, 1), (0, 9), (0, 2)]);
            assert_eq!((scan.lines_dropped, scan.lines_oversized), (0, 0));
        }
    }

    #[test]
    fn a_line_too_long_to_hold_is_counted_only_when_it_could_matter() {
        // 3 MiB of small values: a skeleton as long as the line, over the
        // 1 MiB held.
        let values = vec!["0"; 3 << 19].join(",");
        let tool = format!(
            r#"{{"type":"message","message":{{"role":"toolResult","content":[{values}],"usage":{{"input":5}}}}}}"#
        );
        let user =
            format!(r#"{{"type":"message","message":{{"role":"user","content":[{values}]}}}}"#);
        let text = [header("s1", "/a"), turn(1, 1), tool, user, turn(2, 2)].join("\n");
        let scan = scan_with(&text, SMALL);
        assert_eq!(inputs(&scan), [(0, 1), (0, 2)]);
        assert_eq!(scan.lines_oversized, 1, "the user line cannot matter");
        assert_eq!(scan.lines_dropped, 0);
        // A long line that cannot decode and names no word: skipped
        // unvalidated, not dropped; one that names a word: dropped.
        let garbage = "\u{1}".repeat(4096);
        let text = [
            header("s1", "/a"),
            garbage.clone(),
            format!("\"usage\"{garbage}"),
        ]
        .join("\n");
        let scan = scan_with(&text, SMALL);
        assert_eq!((scan.lines_dropped, scan.lines_oversized), (1, 0));
    }

    #[test]
    fn before_the_header_every_long_line_is_examined() {
        // A long record without any word before the header still decides
        // that the file is no session; long garbage there is dropped.
        let user = format!(
            r#"{{"type":"message","message":{{"role":"user","content":"{}"}}}}"#,
            "x".repeat(4096)
        );
        let skipped = scan_with(&[user, header("s1", "/a"), turn(1, 1)].join("\n"), SMALL);
        assert!(skipped.skipped());
        let garbage = "\u{1}".repeat(4096);
        let read = scan_with(&[garbage, header("s1", "/a"), turn(1, 1)].join("\n"), SMALL);
        assert_eq!(inputs(&read), [(0, 1)]);
        assert_eq!(read.lines_dropped, 1);
    }

    #[test]
    fn turns_without_any_timestamp_are_dated_by_the_file_mtime() {
        let bare = r#"{"type":"message","message":{"role":"assistant","usage":{"input":1}}}"#;
        let scan = scan_text(&[header("s1", "/a"), bare.to_owned()].join("\n"));
        assert_eq!(
            scan.when(&scan.turns[0]).to_rfc3339(),
            "2026-01-02T03:04:05+00:00"
        );
    }

    /// A compaction entry using `input` tokens, naming no model.
    fn compaction(id: &str, input: u64) -> String {
        format!(
            r#"{{"type":"compaction","id":"{id}","timestamp":"2026-03-10T09:00:00.000Z","summary":"s","usage":{{"input":{input},"output":1}}}}"#
        )
    }

    fn models(scan: &FileScan) -> Vec<(String, Option<String>)> {
        scan.turns
            .iter()
            .map(|t| {
                let turn = scan.names_of(t);
                (
                    turn.model.to_string(),
                    turn.provider.as_deref().map(str::to_owned),
                )
            })
            .collect()
    }

    #[test]
    fn records_that_name_no_model_are_the_current_model_s_of_their_session() {
        let text = [
            header("s1", "/a"),
            compaction("c0", 5),
            r#"{"type":"model_change","provider":"openai","modelId":"gpt-5"}"#.to_owned(),
            compaction("c1", 6),
            r#"{"type":"model_change","model":"anthropic/claude-haiku-4-5"}"#.to_owned(),
            compaction("c2", 7),
            // A new session starts without a model.
            header("s2", "/a"),
            compaction("c3", 8),
            // Pi's first format names the model in the header.
            r#"{"type":"session","id":"s3","provider":"google","modelId":"gemini-2.5-pro"}"#
                .to_owned(),
            compaction("c4", 9),
        ]
        .join("\n");
        let scan = scan_text(&text);
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            models(&scan),
            [
                ("unknown".to_owned(), None),
                ("gpt-5".to_owned(), some("openai")),
                ("claude-haiku-4-5".to_owned(), some("anthropic")),
                ("unknown".to_owned(), None),
                ("gemini-2.5-pro".to_owned(), some("google")),
            ]
        );
        assert_eq!(scan.turns[4].session, 2);
    }

    #[test]
    fn the_current_model_survives_a_refresh_that_resumes_mid_file() {
        let first = [
            header("s1", "/a"),
            r#"{"type":"model_change","provider":"openai","modelId":"gpt-5"}"#.to_owned(),
        ]
        .join("\n")
            + "\n";
        let mut scan = scan_text(&first);
        // The reading is kept (as the cache keeps it: serialised) and goes on.
        let kept: FileScan = serde_json::from_str(&serde_json::to_string(&scan).unwrap()).unwrap();
        scan = kept;
        scan.line(compaction("c1", 5).as_bytes());
        assert_eq!(
            models(&scan),
            [("gpt-5".to_owned(), Some("openai".to_owned()))]
        );
    }

    fn model(id: &str) -> String {
        format!(r#"{{"type":"model_change","provider":"p","modelId":"{id}"}}"#)
    }

    #[test]
    fn a_settled_reading_keeps_no_spare_room_and_reads_on_as_if_never_settled() {
        let first = [
            header("s1", "/a"),
            model("a"),
            compaction("c1", 1),
            model("b"),
            compaction("c2", 2),
            compaction("c3", 3),
        ];
        let rest = [
            model("a"),
            compaction("c4", 4),
            model("c"),
            compaction("c5", 5),
        ];
        let mut settled = scan_text(&(first.join("\n") + "\n"));
        assert_eq!(settled.turns.capacity(), settled.turns.len());
        assert_eq!(settled.names.capacity(), settled.names.len());
        assert!(settled.index.0.is_empty());
        for line in &rest {
            settled.line(line.as_bytes());
        }
        let whole = scan_text(&[&first[..], &rest[..]].concat().join("\n"));
        // Model `a` is found again after the index was given back: three
        // names, not four.
        assert_eq!(settled.names.len(), 3);
        assert_eq!(settled, whole);
    }
}

#[cfg(test)]
mod origin_tests {
    use super::*;

    fn scan(lines: &[&str]) -> FileScan {
        scan_reader(
            Path::new("/s/f.jsonl"),
            lines.join("\n").as_bytes(),
            DateTime::UNIX_EPOCH,
        )
        .unwrap()
    }

    const SLOT: &str = r#"{"type":"title","v":1,"title":"  Fix login  ","updatedAt":"2026-03-10T08:00:00.000Z","pad":"   "}"#;
    const EMPTY_SLOT: &str =
        r#"{"type":"title","v":1,"title":"","updatedAt":"2026-03-10T08:00:00.000Z","pad":"   "}"#;
    const HEADER: &str =
        r#"{"type":"session","id":"s1","timestamp":"2026-03-10T08:00:00.000Z","cwd":"/a/api"}"#;
    const TITLED_HEADER: &str = r#"{"type":"session","id":"s1","title":"From header","timestamp":"2026-03-10T08:00:00.000Z","cwd":"/a/api"}"#;

    fn change(title: &str) -> String {
        format!(
            r#"{{"type":"title_change","id":"t","timestamp":"2026-03-10T08:01:00.000Z","title":{title},"source":"user"}}"#
        )
    }

    fn info(name: &str) -> String {
        format!(
            r#"{{"type":"session_info","id":"i","timestamp":"2026-03-10T08:01:00.000Z"{name}}}"#
        )
    }

    fn titles(scan: &FileScan) -> Vec<Option<&str>> {
        (0..scan.sessions.len()).map(|i| scan.title(i)).collect()
    }

    #[test]
    fn oh_my_pi_s_title_slot_comes_first_then_the_last_title_change_then_the_header() {
        let (a, b) = (change(r#""First""#), change(r#"" Second ""#));
        let slotted = scan(&[SLOT, TITLED_HEADER, &a, &b]);
        assert!(slotted.titled);
        assert_eq!(titles(&slotted), [Some("Fix login")]);
        // An empty slot: the latest title change, trimmed.
        assert_eq!(
            titles(&scan(&[EMPTY_SLOT, TITLED_HEADER, &a, &b])),
            [Some("Second")]
        );
        // No change with a title: the header's.
        let bad = change("42");
        let blank = change(r#""  ""#);
        assert_eq!(
            titles(&scan(&[EMPTY_SLOT, TITLED_HEADER, &bad, &blank])),
            [Some("From header")]
        );
        // A change with no title does not clear an earlier one.
        assert_eq!(titles(&scan(&[TITLED_HEADER, &a, &bad])), [Some("First")]);
        let untitled = scan(&[EMPTY_SLOT, HEADER]);
        assert!(untitled.titled, "an empty slot is still Oh My Pi's record");
        assert_eq!(titles(&untitled), [None]);
    }

    #[test]
    fn pi_s_last_session_info_name_is_the_title_and_an_empty_or_missing_one_clears_it() {
        let named = info(r#","name":" Refactor auth ""#);
        let renamed = info(r#","name":"Auth, take two""#);
        let cleared = info(r#","name":"""#);
        let missing = info("");
        let not_text = info(r#","name":7"#);
        assert_eq!(titles(&scan(&[HEADER, &named])), [Some("Refactor auth")]);
        assert_eq!(
            titles(&scan(&[HEADER, &named, &renamed])),
            [Some("Auth, take two")]
        );
        for clear in [&cleared, &missing, &not_text] {
            assert_eq!(titles(&scan(&[HEADER, &named, clear])), [None], "{clear}");
            assert_eq!(
                titles(&scan(&[HEADER, &named, clear, &renamed])),
                [Some("Auth, take two")]
            );
        }
        let plain = scan(&[HEADER]);
        assert!(!plain.titled);
        assert_eq!(titles(&plain), [None]);
    }

    #[test]
    fn each_header_segment_has_its_own_title_and_cwd_and_the_slot_is_the_first_s() {
        let second = r#"{"type":"session","id":"s2","timestamp":"2026-03-10T09:00:00.000Z","cwd":"/b/api/"}"#;
        let third = r#"{"type":"session","id":"s3","cwd":""}"#;
        let fourth = r#"{"type":"session","id":"s4","cwd":7}"#;
        let (one, two) = (info(r#","name":"One""#), info(r#","name":"Two""#));
        let file = scan(&[SLOT, HEADER, &one, second, &two, third, fourth]);
        assert_eq!(titles(&file), [Some("Fix login"), Some("Two"), None, None]);
        let plain = scan(&[HEADER, &one, second, &two, third]);
        assert_eq!(titles(&plain), [Some("One"), Some("Two"), None]);
        // The cwd as recorded (a trailing separator kept), none when empty
        // or not a string; the workspace stays its last segment.
        let cwds: Vec<_> = file.sessions.iter().map(|h| h.cwd.as_deref()).collect();
        assert_eq!(cwds, [Some("/a/api"), Some("/b/api/"), None, None]);
        assert_eq!(file.sessions[1].workspace.as_deref(), Some("api"));
    }

    #[test]
    fn a_title_record_after_the_header_or_a_title_change_before_it_changes_nothing_or_skips() {
        let late = scan(&[HEADER, SLOT]);
        assert!(!late.titled);
        assert_eq!(titles(&late), [None]);
        assert!(scan(&[&change(r#""x""#), HEADER]).skipped());
        assert!(scan(&[&info(r#","name":"x""#), HEADER]).skipped());
    }

    #[test]
    fn titles_survive_a_refresh_that_resumes_mid_file() {
        let mut file = scan(&[SLOT, HEADER]);
        file = serde_json::from_str(&serde_json::to_string(&file).unwrap()).unwrap();
        file.line(change(r#""Later""#).as_bytes());
        assert!(file.titled && file.consistent());
        assert_eq!(titles(&file), [Some("Fix login")]);
        let mut pi = scan(&[HEADER]);
        pi = serde_json::from_str(&serde_json::to_string(&pi).unwrap()).unwrap();
        pi.line(info(r#","name":"Later""#).as_bytes());
        assert_eq!(titles(&pi), [Some("Later")]);
    }
}

#[cfg(test)]
mod consistency_tests {
    use openusage_core::usage::Tokens;

    use super::*;

    /// Two sessions with a turn each.
    const TEXT: &str = concat!(
        r#"{"type":"session","id":"s1","timestamp":"2026-03-10T08:00:00.000Z","cwd":"/a"}"#,
        "\n",
        r#"{"type":"message","id":"e1","timestamp":"2026-03-10T08:00:01.000Z","message":{"role":"assistant","content":[],"provider":"p","model":"m","usage":{"input":5,"output":1,"cost":{"total":0.5}},"timestamp":1}}"#,
        "\n",
        r#"{"type":"session","id":"s2","timestamp":"2026-03-10T09:00:00.000Z","cwd":"/b"}"#,
        "\n",
        r#"{"type":"message","id":"e2","timestamp":"2026-03-10T09:00:01.000Z","message":{"role":"assistant","content":[],"provider":"p","model":"m","usage":{"input":7,"output":1},"timestamp":2}}"#,
        "\n",
    );

    fn read() -> FileScan {
        scan_reader(
            Path::new("/s/f.jsonl"),
            TEXT.as_bytes(),
            DateTime::UNIX_EPOCH,
        )
        .unwrap()
    }

    #[test]
    fn a_reading_holds_together_and_a_tampered_one_does_not() {
        let scan = read();
        assert_eq!((scan.sessions.len(), scan.turns.len()), (2, 2));
        assert!(scan.consistent());
        assert!(FileScan::new(Path::new("/s/empty.jsonl")).consistent());
        type Tamper = fn(&mut FileScan);
        let tampered: [(&str, Tamper); 11] = [
            ("a session past the list", |s| s.turns[1].session = 2),
            ("a session far past it", |s| s.turns[0].session = u32::MAX),
            ("names past the list", |s| s.turns[0].names = 7),
            ("sessions out of file order", |s| {
                s.turns[0].session = 1;
                s.turns[1].session = 0;
            }),
            ("a zero turn", |s| s.turns[0].tokens = Tokens::default()),
            ("a cost that is no number", |s| {
                s.turns[0].cost_usd = Some(f64::NAN);
            }),
            ("a negative cost", |s| s.turns[0].cost_usd = Some(-1.0)),
            ("no first header", |s| s.first_header = None),
            ("no sessions", |s| s.sessions.clear()),
            ("a session without its names", |s| {
                s.named.pop();
            }),
            ("stopped with sessions", |s| s.stopped = true),
        ];
        for (what, tamper) in tampered {
            let mut scan = read();
            tamper(&mut scan);
            assert!(!scan.consistent(), "{what}");
        }
    }
}
