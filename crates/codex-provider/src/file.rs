//! Reading one rollout file: the session it records and its usage, turned
//! from cumulative totals into per-turn deltas.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use openusage_core::usage::Tokens;
use openusage_files::Scanned;
use openusage_files::{self as cache, Incremental};
use rustc_hash::FxHashSet;

use crate::entry::{self, Entry, Totals};
use crate::limits::Reading;

/// Model id used when no `turn_context` named one.
pub const UNKNOWN_MODEL: &str = "unknown";

/// What one rollout contributes, before copies across files are removed.
/// Built line by line ([`Incremental`]), so a rollout that grew is read on
/// from where its last reading stopped.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileScan {
    #[serde(with = "openusage_files::path_bytes")]
    pub path: PathBuf,
    /// The file's modification time, which dates events without a timestamp.
    pub mtime: DateTime<Utc>,
    /// `session_meta`'s id, else the file name without `.jsonl`.
    pub session: String,
    /// When the session started: the meta's timestamp, else the first line's.
    pub started: Option<DateTime<Utc>>,
    /// The sessions the first `session_meta` names as this one's parent (a
    /// fork's or sub-agent's); empty for a session of its own.
    pub parents: Vec<String>,
    /// Non-zero usage records in line order.
    pub records: Vec<UsageRecord>,
    pub lines_dropped: u64,
    /// Lines that could matter but were too long to read.
    #[serde(default)]
    pub lines_oversized: u64,
    /// Records whose buckets were all zero (a delta of reasoning alone).
    pub records_zero: u64,
    /// `token_count` events below the high-water baseline that are not a
    /// restart (see [`Step`]): they added nothing.
    pub snapshots_stale: u64,
    /// The latest rate-limit reading of each limit in the file, one per
    /// `limit_id`, from events that were not stale (see [`LimitSeen`]).
    #[serde(default)]
    pub limits: Vec<LimitSeen>,
    state: State,
}

/// A limit's latest reading in one rollout, and where it stands among the
/// file's records, so that counting can tell a fork's copy from its own.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LimitSeen {
    pub reading: Reading,
    /// The event's timestamp; `None`: the file's mtime.
    pub at: Option<DateTime<Utc>>,
    /// How many of the file's records came at or before the event: the
    /// reading belongs with record `after - 1` (counted or a copy).
    pub after: usize,
}

/// One turn's usage: what a `token_count` event added to the baseline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UsageRecord {
    /// The event's timestamp; `None`: the file's mtime (see [`FileScan::when`]).
    pub at: Option<DateTime<Utc>>,
    /// The latest model named before the event; for an event before any,
    /// the first model named after it in the file (filled in when that line
    /// is read); [`UNKNOWN_MODEL`] while the file has named none.
    pub model: String,
    pub provider: Option<String>,
    /// The working directory as the latest `session_meta` or `turn_context`
    /// before the event recorded it.
    pub cwd: Option<String>,
    pub tokens: Tokens,
    /// Reasoning tokens, a part of `tokens.output`.
    pub reasoning: u64,
    /// How a copy of this event in another file is recognised.
    pub key: CopyKey,
}

impl UsageRecord {
    /// The workspace label: the last segment of the working directory.
    pub fn workspace(&self) -> Option<String> {
        self.cwd
            .as_deref()
            .and_then(openusage_core::workspace_label)
    }
}

/// A `token_count` event's identity across rollouts: its cumulative totals
/// and its last turn's counts. A fork repeats its parent's lines with new
/// timestamps but these numbers verbatim, and two unrelated sessions
/// practically never share all ten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CopyKey {
    pub totals: Totals,
    pub last: Option<Totals>,
}

impl Scanned for FileScan {
    fn skipped(&self) -> bool {
        false
    }

    fn lines_dropped(&self) -> u64 {
        self.lines_dropped
    }

    fn lines_oversized(&self) -> u64 {
        self.lines_oversized
    }
}

/// Where a session stands while its lines are read.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
struct State {
    /// The high-water mark of the cumulative totals: what the next event is
    /// measured from (see [`step`]).
    baseline: Totals,
    /// The events read so far that began a count (their totals equal their
    /// last turn, or fill the context window): one written again later is
    /// an old snapshot, not a restart.
    starts: FxHashSet<CopyKey>,
    /// The latest model named; `None` until the first, and then every
    /// record so far carries [`UNKNOWN_MODEL`] until it is named.
    model: Option<String>,
    cwd: Option<String>,
    provider: Option<String>,
    seen_meta: bool,
}

impl FileScan {
    /// A reading of the rollout at `path` before its first line; the
    /// session is named after the file until a meta record names it.
    pub fn new(path: &Path) -> Self {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        FileScan {
            path: path.to_path_buf(),
            mtime: DateTime::UNIX_EPOCH,
            session: stem,
            started: None,
            parents: Vec::new(),
            records: Vec::new(),
            lines_dropped: 0,
            lines_oversized: 0,
            records_zero: 0,
            snapshots_stale: 0,
            limits: Vec::new(),
            state: State::default(),
        }
    }

    /// When a record happened: its own timestamp, else the file's mtime.
    pub fn when(&self, record: &UsageRecord) -> DateTime<Utc> {
        record.at.unwrap_or(self.mtime)
    }
}

impl Incremental for FileScan {
    fn line(&mut self, line: &[u8]) {
        // Until the file's first timestamp is known every line is read whole.
        let line = if self.started.is_none() {
            entry::decode(line)
        } else {
            entry::decode_relevant(line)
        };
        if self.started.is_none() {
            self.started = line.at;
        }
        match line.entry {
            Entry::Undecodable => self.lines_dropped += 1,
            // A fork repeats its parent's meta after its own: the first is the file's.
            Entry::Meta(meta) if !self.state.seen_meta => {
                self.state.seen_meta = true;
                if let Some(id) = meta.id {
                    self.session = id;
                }
                self.started = meta.started.or(self.started);
                self.state.cwd = meta.cwd;
                self.state.provider = meta.model_provider;
                self.parents = meta.parents;
            }
            Entry::Meta(_) => {}
            Entry::TurnContext { cwd, model } => {
                self.state.cwd = cwd.or(self.state.cwd.take());
                if let Some(model) = model {
                    self.name_model(model);
                }
            }
            Entry::TokenCount {
                totals,
                last,
                limits,
            } => {
                // A stale snapshot's reading is as old as its totals.
                let fresh =
                    totals.is_none_or(|totals| self.record(CopyKey { totals, last }, line.at));
                if let (true, Some(reading)) = (fresh, limits) {
                    self.note_limit(reading, line.at);
                }
            }
            Entry::Other => {}
        }
    }

    fn set_mtime(&mut self, mtime: DateTime<Utc>) {
        self.mtime = mtime;
    }

    /// Until the file's first timestamp every line is examined (any record
    /// may date the file); then only lines holding one of the words every
    /// meta, turn context and token count line holds.
    fn words(&self) -> Option<&'static [&'static [u8]]> {
        self.started.map(|_| entry::words())
    }

    fn oversized(&mut self) {
        self.lines_oversized += 1;
    }

    /// What reading lines keeps true: no record is zero, and each limit
    /// reading goes with a record the file holds (or with none yet).
    fn consistent(&self) -> bool {
        let records = self.records.len();
        self.records.iter().all(|r| !r.tokens.is_zero())
            && self.limits.iter().all(|l| l.after <= records)
    }
}

/// Reads a whole rollout from `reader` at once (tests, benchmarks).
pub fn scan_reader(path: &Path, reader: impl Read, mtime: DateTime<Utc>) -> io::Result<FileScan> {
    cache::read_all(FileScan::new(path), reader, mtime)
}

impl FileScan {
    /// The model from here on. The first one named is also the model of
    /// every record before it (a session's turns before its first
    /// `turn_context` ran on the model it then names).
    fn name_model(&mut self, model: String) {
        if self.state.model.is_none() {
            for record in &mut self.records {
                record.model.clone_from(&model);
            }
        }
        self.state.model = Some(model);
    }

    /// Keeps `reading` as its limit's latest in this file.
    fn note_limit(&mut self, reading: Reading, at: Option<DateTime<Utc>>) {
        let seen = LimitSeen {
            reading,
            at,
            after: self.records.len(),
        };
        let id = &seen.reading.limit_id;
        match self.limits.iter_mut().find(|l| &l.reading.limit_id == id) {
            Some(old) => *old = seen,
            None => self.limits.push(seen),
        }
    }

    /// Turns one cumulative `token_count` into a record of what it added;
    /// `false` when the event was a stale snapshot.
    fn record(&mut self, key: CopyKey, at: Option<DateTime<Utc>>) -> bool {
        let again = self.state.starts.contains(&key);
        let delta = match step(self.state.baseline, key.totals, key.last, again) {
            Step::Repeat => return true,
            Step::Stale => {
                self.snapshots_stale += 1;
                return false;
            }
            Step::Growth(delta) | Step::Restart(delta) => delta,
        };
        self.state.baseline = key.totals;
        if starts_count(key.totals, key.last) {
            self.state.starts.insert(key);
        }
        if delta == Totals::default() {
            return true; // the same event written again
        }
        let (tokens, reasoning) = buckets(delta);
        if tokens.is_zero() {
            self.records_zero += 1;
            return true;
        }
        let state = &self.state;
        self.records.push(UsageRecord {
            at,
            model: state
                .model
                .clone()
                .unwrap_or_else(|| UNKNOWN_MODEL.to_owned()),
            provider: state.provider.clone(),
            cwd: state.cwd.clone(),
            tokens,
            reasoning,
            key,
        });
        true
    }
}

/// Codex's counts as openusage's buckets, and the reasoning part of the
/// output.
pub fn buckets(counts: Totals) -> (Tokens, u64) {
    let tokens = Tokens {
        // Codex's input includes the cached part; our input bucket does not.
        input: counts.input.saturating_sub(counts.cached_input),
        output: counts.output,
        cache_read: counts.cached_input,
        cache_write: 0,
    };
    (tokens, counts.reasoning_output)
}

/// What a `token_count` event is, measured against the high-water
/// `baseline` of the file's earlier events. Only input, cached input and
/// output are compared (reasoning is part of output, the total their sum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Equal to the baseline in all five: Codex wrote the same totals again.
    Repeat,
    /// Otherwise at or above the baseline in all three: it adds the
    /// difference (reasoning and total never below zero) and becomes the
    /// baseline.
    Growth(Totals),
    /// Below the baseline in one at least, and Codex started counting
    /// afresh: its totals equal its `last_token_usage` (a new count), or
    /// have the context-overflow shape `{0, 0, 0, 0, total}`, and the file
    /// did not hold this same event before. It adds its `last_token_usage`
    /// (capped at its totals) and becomes the baseline.
    Restart(Totals),
    /// Below the baseline in one at least and no restart (an older snapshot
    /// written again, or another counter's): adds nothing, moves nothing.
    Stale,
}

/// Classifies `totals` (with their `last` turn) against `baseline`; `again`:
/// the file held this very event (all ten numbers) before, so it cannot
/// start a count.
pub fn step(baseline: Totals, totals: Totals, last: Option<Totals>, again: bool) -> Step {
    let parts = |t: Totals| [t.input, t.cached_input, t.output];
    let (b, t) = (parts(baseline), parts(totals));
    if t.iter().zip(&b).all(|(t, b)| t >= b) {
        if totals == baseline {
            return Step::Repeat;
        }
        return Step::Growth(Totals {
            input: totals.input - baseline.input,
            cached_input: totals.cached_input - baseline.cached_input,
            output: totals.output - baseline.output,
            reasoning_output: totals
                .reasoning_output
                .saturating_sub(baseline.reasoning_output),
            total: totals.total.saturating_sub(baseline.total),
        });
    }
    if starts_count(totals, last) && !again {
        return Step::Restart(capped(last.unwrap_or_default(), totals));
    }
    Step::Stale
}

/// Whether an event has the shape of the start of a count: its totals equal
/// its last turn (a new count), or are `{0, 0, 0, 0, total}` (the context
/// window filled after an overflow, `fill_to_context_window`).
fn starts_count(totals: Totals, last: Option<Totals>) -> bool {
    let overflow = Totals {
        total: totals.total,
        ..Totals::default()
    };
    last == Some(totals) || (totals.total > 0 && totals == overflow)
}

/// `counts`, each no larger than the same one in `cap`.
pub fn capped(counts: Totals, cap: Totals) -> Totals {
    Totals {
        input: counts.input.min(cap.input),
        cached_input: counts.cached_input.min(cap.cached_input),
        output: counts.output.min(cap.output),
        reasoning_output: counts.reasoning_output.min(cap.reasoning_output),
        total: counts.total.min(cap.total),
    }
}

#[cfg(test)]
mod consistency_tests {
    use super::*;

    #[test]
    fn a_reading_holds_together_and_one_with_a_zero_record_does_not() {
        let line = r#"{"timestamp":"2026-11-20T09:00:00.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":2,"reasoning_output_tokens":0,"total_tokens":12}}}}"#;
        let mut scan =
            scan_reader(Path::new("/r.jsonl"), line.as_bytes(), DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(scan.records.len(), 1);
        assert!(scan.consistent());
        let mut beyond = scan.clone();
        beyond.limits.push(LimitSeen {
            reading: Reading {
                limit_id: None,
                primary: None,
                secondary: None,
                plan_type: None,
                credits: None,
            },
            at: None,
            after: 2,
        });
        assert!(
            !beyond.consistent(),
            "a reading after a record the file lacks"
        );
        scan.records[0].tokens = Tokens::default();
        assert!(!scan.consistent());
    }
}
