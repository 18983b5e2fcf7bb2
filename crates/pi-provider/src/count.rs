//! Counting turns across files: each turn once, whichever files copy it.
//!
//! Pi's `/fork` and `/clone` and Oh My Pi's fork copy the parent's entries,
//! usage included, into a new file. Files are put in a fixed order (first
//! header's timestamp, then canonical path as bytes) and the first occurrence
//! of a turn's copy key ([`crate::turn::Key`]) wins, so the result does not depend on the order
//! the walk found the files in.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use openusage_core::aggregate::Counted;
use openusage_core::usage::{Origin, Record};
use openusage_files::{Grown, counting_order};
use rustc_hash::FxHashSet;

use crate::file::{FileScan, FileTurn};
use crate::roots;
use crate::turn::Key;

/// Counts the turns of `scans`, none found under a tagged root (files
/// without a header are ignored).
pub fn count<'a>(scans: impl IntoIterator<Item = &'a FileScan>, counted: Counted) -> Counted {
    count_tagged(scans.into_iter().map(|s| (s, None)), counted)
}

/// Counts the turns of `scans`, each with the tag of the root its file was
/// first found under ([`roots::OMP`] for Oh My Pi's), which with the file's
/// title record says which agent wrote it ([`agent`]).
pub fn count_tagged<'a>(
    scans: impl IntoIterator<Item = (&'a FileScan, Option<&'a str>)>,
    counted: Counted,
) -> Counted {
    count_seen(scans, counted).0
}

/// [`count_tagged`], and the copy key of every turn seen (counted or
/// copied), to count on from with [`count_more`].
pub fn count_seen<'a>(
    scans: impl IntoIterator<Item = (&'a FileScan, Option<&'a str>)>,
    mut counted: Counted,
) -> (Counted, Seen) {
    let mut scans: Vec<(&FileScan, &str)> = scans
        .into_iter()
        .filter(|(s, _)| !s.skipped())
        .map(|(s, tag)| (s, agent(s, tag)))
        .collect();
    scans.sort_by(|(a, _), (b, _)| file_order(a, b));
    // Sized once for every turn: grown by doubling, the set would hold its
    // old table and the new one at once, half again its size, at the
    // moment the most is held.
    let turns = scans.iter().map(|(s, _)| s.turns.len()).sum();
    let mut seen = Seen {
        keys: FxHashSet::with_capacity_and_hasher(turns, Default::default()),
        last: scans.last().map(|(s, _)| owned_order_key(s)),
    };
    counted.zero = scans.iter().map(|(s, _)| s.turns_zero).sum();
    for (scan, agent) in scans {
        add_turns(&mut counted, &mut seen, scan, agent, &scan.turns);
    }
    (counted, seen)
}

/// What a counting saw: the copy key of every turn, counted or copied, and
/// the place in counting order of the last file.
#[derive(Debug, Default)]
pub struct Seen {
    keys: FxHashSet<Key>,
    last: Option<(Option<DateTime<Utc>>, PathBuf)>,
}

/// Counts `turns` of `scan` (written by `agent`) into `counted`: a turn
/// whose copy key was seen before is a copy, counted as such only.
fn add_turns(
    counted: &mut Counted,
    seen: &mut Seen,
    scan: &FileScan,
    agent: &str,
    turns: &[FileTurn],
) {
    for t in turns {
        if let Some(key) = t.key {
            if !seen.keys.insert(key) {
                counted.duplicate += 1;
                continue;
            }
        }
        let session = &scan.sessions[t.session as usize];
        let names = scan.names_of(t);
        counted.aggregator.add(&Record {
            session: &session.id,
            at: scan.when(t),
            model: &names.model,
            upstream_provider: names.provider.as_deref(),
            workspace: session.workspace.as_deref(),
            kind: t.kind.name(),
            subkind: names.subkind.as_deref(),
            response_model: names.response_model.as_deref(),
            tokens: t.tokens,
            cache_write_1h: 0,
            cost_usd: t.cost_usd,
            origin: Origin {
                agent: Some(agent),
                title: scan.title(t.session as usize),
                cwd: session.cwd.as_deref(),
            },
        });
        counted.counted += 1;
    }
}

/// Counts on from a counting of the readings before `grown` (which left
/// `seen`, and which `counted()` gives again): the turns the last file in
/// counting order added, when every file only grew, no other file gained a
/// turn, and no new turn copies a turn seen before; else `None`, `seen`
/// untouched. (See `FileAgent::count_more` for the protocol.)
///
/// Only the last file may gain turns so that every sum is added up in the
/// order a full counting adds it (costs are floating point, and the ledger
/// numbers sessions and models as they are met): the file a live session
/// writes is usually the last, as its header is the latest. A new turn
/// that copies one seen before is left to a full counting too: which copy
/// wins depends on where the other sits in file order. Forks are new
/// files, which a full counting takes anyway.
pub fn count_more(
    seen: &mut Seen,
    grown: &[Grown<'_, FileScan>],
    counted: impl FnOnce() -> Option<Counted>,
) -> Option<Counted> {
    // A file without a header then and now was never counted.
    let grown: Vec<&Grown<'_, FileScan>> = grown
        .iter()
        .filter(|g| !(g.before.skipped() && g.after.skipped()))
        .collect();
    if !grown.iter().all(|g| only_grew(g.before, g.after)) {
        return None;
    }
    let gaining: Vec<&&Grown<'_, FileScan>> =
        grown.iter().filter(|g| !new_turns(g).is_empty()).collect();
    let last = seen.last.as_ref().map(|(at, path)| (*at, path.as_path()));
    match gaining.as_slice() {
        [] => {}
        [g] if Some(order_key(g.after)) == last => {}
        _ => return None,
    }
    let copies = gaining
        .iter()
        .flat_map(|g| new_turns(g))
        .any(|t| t.key.is_some_and(|k| seen.keys.contains(&k)));
    if copies {
        return None;
    }
    let mut counted = counted()?;
    for g in &grown {
        counted.zero += g.after.turns_zero - g.before.turns_zero;
    }
    for g in gaining {
        let agent = agent(g.after, g.tag);
        add_turns(&mut counted, seen, g.after, agent, new_turns(g));
    }
    Some(counted)
}

/// The turns `g`'s file gained.
fn new_turns<'a>(g: &Grown<'a, FileScan>) -> &'a [FileTurn] {
    &g.after.turns[g.before.turns.len()..]
}

/// True when `after` is a later reading of the same file as `before` that
/// only adds to it: every turn, session and name counted before as it was,
/// with the same title and agent, and no turn dated by the file's time
/// while that time moved.
fn only_grew(before: &FileScan, after: &FileScan) -> bool {
    let (turns, sessions) = (before.turns.len(), before.sessions.len());
    // Each whole-file check only once the cheap ones have passed.
    let same_titles = || (0..sessions).all(|s| before.title(s) == after.title(s));
    let dated_alike = || before.mtime == after.mtime || before.turns.iter().all(|t| t.at.is_some());
    before.path == after.path
        && !before.skipped()
        && before.first_header == after.first_header
        && before.titled == after.titled
        && after.turns_zero >= before.turns_zero
        && after.turns.get(..turns) == Some(&before.turns[..])
        && after.sessions.get(..sessions) == Some(&before.sessions[..])
        && after.names.get(..before.names.len()) == Some(&before.names[..])
        && same_titles()
        && dated_alike()
}

/// The agent that wrote a file: Oh My Pi when the file was first found
/// under one of its roots or opens with its title record, else Pi.
pub fn agent(scan: &FileScan, tag: Option<&str>) -> &'static str {
    if tag == Some(roots::OMP) || scan.titled {
        roots::OMP
    } else {
        roots::PI
    }
}

/// First header timestamp, then canonical path (see [`counting_order`]).
fn file_order(a: &FileScan, b: &FileScan) -> Ordering {
    counting_order(order_key(a), order_key(b))
}

/// [`order_key`], owned.
fn owned_order_key(scan: &FileScan) -> (Option<DateTime<Utc>>, PathBuf) {
    let (at, path) = order_key(scan);
    (at, path.to_path_buf())
}

fn order_key(scan: &FileScan) -> (Option<DateTime<Utc>>, &Path) {
    (
        scan.first_header.as_ref().and_then(|h| h.started),
        scan.path.as_path(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::scan_reader;
    use openusage_core::Zone;
    use openusage_core::usage::Tokens;
    use openusage_core::{MetricValue, Snapshot, Status};
    use std::path::Path;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn file(path: &str, lines: &[String]) -> FileScan {
        scan_reader(
            Path::new(path),
            lines.join("\n").as_bytes(),
            DateTime::UNIX_EPOCH,
        )
        .unwrap()
    }

    fn header(id: &str, started: &str) -> String {
        format!(
            r#"{{"type":"session","version":3,"id":"{id}","timestamp":"{started}","cwd":"/home/a/{id}"}}"#
        )
    }

    /// A turn with entry id `id`, message timestamp `ms` (or none) and `input` tokens.
    fn turn(id: &str, ms: Option<u64>, input: u64) -> String {
        let msg_ts = ms
            .map(|ms| format!(r#","timestamp":{ms}"#))
            .unwrap_or_default();
        format!(
            r#"{{"type":"message","id":"{id}","timestamp":"2026-11-19T10:00:00.000Z","message":{{"role":"assistant","provider":"anthropic","model":"m","usage":{{"input":{input},"output":1,"cacheRead":0,"cacheWrite":0,"cost":{{"total":0.25}}}}{msg_ts}}}}}"#
        )
    }

    fn used(counted: Counted, metric: &str) -> MetricValue {
        let mut snap = Snapshot::new("pi", "pi", now(), Status::Ok, "");
        counted.aggregator.fill(&mut snap);
        snap.metrics[metric].used
    }

    mod more;

    fn parent_and_fork() -> (FileScan, FileScan) {
        let parent = file(
            "/s/b-parent.jsonl",
            &[
                header("parent", "2026-11-19T09:00:00Z"),
                turn("a1", Some(1), 100),
                turn("a2", Some(2), 200),
            ],
        );
        let fork = file(
            "/s/a-fork.jsonl",
            &[
                header("fork", "2026-11-19T11:00:00Z"),
                turn("a1", Some(1), 100),
                turn("a2", Some(2), 200),
                turn("b1", Some(3), 50),
            ],
        );
        (parent, fork)
    }

    #[test]
    fn copied_turns_count_once_and_the_fork_keeps_its_own_turns() {
        let (parent, fork) = parent_and_fork();
        let counted = count(&[fork, parent], Counted::new(now(), Zone::Utc));
        assert_eq!((counted.counted, counted.duplicate), (3, 2));
        assert_eq!(
            counted.aggregator.totals().tokens,
            Tokens {
                input: 350,
                output: 3,
                ..Tokens::default()
            }
        );
        assert_eq!(counted.aggregator.totals().cost_usd, Some(0.75));
        assert_eq!(used(counted, "total_sessions"), MetricValue::Count(2));
    }

    #[test]
    fn the_result_does_not_depend_on_the_order_files_arrive_in() {
        let (parent, fork) = parent_and_fork();
        let a = count(
            &[parent.clone(), fork.clone()],
            Counted::new(now(), Zone::Utc),
        );
        let b = count(&[fork, parent], Counted::new(now(), Zone::Utc));
        assert_eq!(a.aggregator.totals(), b.aggregator.totals());
        let mut sa = Snapshot::new("pi", "pi", now(), Status::Ok, "");
        let mut sb = sa.clone();
        a.aggregator.fill(&mut sa);
        b.aggregator.fill(&mut sb);
        assert_eq!(sa, sb);
    }

    #[test]
    fn the_earlier_header_wins_so_a_fork_holding_only_copies_does_not_count() {
        let parent = file(
            "/s/z.jsonl",
            &[
                header("parent", "2026-11-19T09:00:00Z"),
                turn("a1", Some(1), 100),
            ],
        );
        let copy = file(
            "/s/a.jsonl",
            &[
                header("copy", "2026-11-19T10:00:00Z"),
                turn("a1", Some(1), 100),
            ],
        );
        let counted = count(&[copy, parent], Counted::new(now(), Zone::Utc));
        assert_eq!(counted.duplicate, 1);
        assert_eq!(used(counted, "total_sessions"), MetricValue::Count(1));
    }

    #[test]
    fn an_unparseable_header_timestamp_sorts_after_every_parseable_one() {
        let odd = file(
            "/s/a.jsonl",
            &[header("odd", "yesterday"), turn("a1", Some(1), 100)],
        );
        let late = file(
            "/s/b.jsonl",
            &[
                header("late", "2030-01-01T00:00:00Z"),
                turn("a1", Some(1), 100),
            ],
        );
        let counted = count(&[odd, late], Counted::new(now(), Zone::Utc));
        assert_eq!(counted.duplicate, 1);
        let mut snap = Snapshot::new("pi", "pi", now(), Status::Ok, "");
        counted.aggregator.fill(&mut snap);
        assert_eq!(snap.model_usage[0].dimensions["workspace_label"], "late");
    }

    #[test]
    fn equal_header_times_fall_back_to_the_path_as_bytes() {
        // '-' (0x2d) sorts before '/' (0x2f) as bytes, though not by path components.
        let a = file(
            "/s/x-y/f.jsonl",
            &[
                header("dash", "2026-11-19T09:00:00Z"),
                turn("a1", Some(1), 100),
            ],
        );
        let b = file(
            "/s/x/y.jsonl",
            &[
                header("slash", "2026-11-19T09:00:00Z"),
                turn("a1", Some(1), 100),
            ],
        );
        let counted = count(&[b, a], Counted::new(now(), Zone::Utc));
        let mut snap = Snapshot::new("pi", "pi", now(), Status::Ok, "");
        counted.aggregator.fill(&mut snap);
        assert_eq!(snap.model_usage[0].dimensions["workspace_label"], "dash");
    }

    #[test]
    fn without_a_message_timestamp_the_entry_id_and_line_timestamp_identify_a_turn() {
        let a = file(
            "/s/a.jsonl",
            &[header("a", "2026-11-19T09:00:00Z"), turn("e1", None, 10)],
        );
        let b = file(
            "/s/b.jsonl",
            &[
                header("b", "2026-11-19T10:00:00Z"),
                turn("e1", None, 10),
                turn("e2", None, 10),
            ],
        );
        let counted = count(&[a, b], Counted::new(now(), Zone::Utc));
        assert_eq!((counted.counted, counted.duplicate), (2, 1));
    }

    #[test]
    fn turns_with_neither_key_are_each_unique() {
        let bare = r#"{"type":"message","timestamp":"2026-11-19T10:00:00Z","message":{"role":"assistant","usage":{"input":5}}}"#;
        let a = file(
            "/s/a.jsonl",
            &[
                header("a", "2026-11-19T09:00:00Z"),
                bare.to_owned(),
                bare.to_owned(),
            ],
        );
        let counted = count(&[a], Counted::new(now(), Zone::Utc));
        assert_eq!((counted.counted, counted.duplicate), (2, 0));
    }

    #[test]
    fn a_file_written_twice_over_itself_counts_once() {
        let once = [
            header("s", "2026-11-19T09:00:00Z"),
            turn("a1", Some(1), 100),
        ];
        let twice: Vec<String> = once.iter().chain(once.iter()).cloned().collect();
        let counted = count(
            &[file("/s/a.jsonl", &twice)],
            Counted::new(now(), Zone::Utc),
        );
        assert_eq!((counted.counted, counted.duplicate), (1, 1));
    }

    #[test]
    fn same_timestamp_but_different_usage_is_a_different_turn() {
        let a = file(
            "/s/a.jsonl",
            &[
                header("s", "2026-11-19T09:00:00Z"),
                turn("a1", Some(1), 100),
                turn("a1", Some(1), 101),
            ],
        );
        assert_eq!(count(&[a], Counted::new(now(), Zone::Utc)).counted, 2);
    }

    /// A session's id, agent, title and cwd.
    type Origins = (String, Option<String>, Option<String>, Option<String>);

    /// The [`Origins`] of each session that counted.
    fn sessions(counted: Counted) -> Vec<Origins> {
        let mut snap = Snapshot::new("pi", "pi", now(), Status::Ok, "");
        let ledger = counted.aggregator.fill(&mut snap);
        ledger
            .sessions
            .into_iter()
            .map(|s| (s.id, s.agent, s.title, s.cwd))
            .collect()
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn a_fork_copied_across_agents_counts_once_for_the_earlier_file_s_agent() {
        // A Pi session, forked into Oh My Pi's tree (the fork opens with a
        // title record, as Oh My Pi's files do).
        let parent = file(
            "/s/pi.jsonl",
            &[
                header("parent", "2026-11-19T09:00:00Z"),
                turn("a1", Some(1), 100),
            ],
        );
        let mut fork_lines = vec![r#"{"type":"title","v":1,"title":"Forked"}"#.to_owned()];
        fork_lines.extend([
            header("fork", "2026-11-19T11:00:00Z"),
            turn("a1", Some(1), 100),
            turn("b1", Some(3), 50),
        ]);
        let fork = file("/s/omp.jsonl", &fork_lines);
        assert_eq!(agent(&fork, None), "omp");
        let counted = count_tagged(
            [(&fork, Some(roots::OMP)), (&parent, None)],
            Counted::new(now(), Zone::Utc),
        );
        assert_eq!((counted.counted, counted.duplicate), (2, 1));
        let mut snap = Snapshot::new("pi", "pi", now(), Status::Ok, "");
        counted.aggregator.fill(&mut snap);
        let mut rows: Vec<_> = snap
            .model_usage
            .iter()
            .map(|m| (m.dimensions["agent"].as_str(), m.input_tokens))
            .collect();
        rows.sort();
        assert_eq!(rows, [("omp", 50), ("pi", 100)]);
        // And back: an Oh My Pi parent's copy in a later Pi file is Oh My Pi's.
        let omp_parent = file(
            "/s/b.jsonl",
            &[
                header("op", "2026-11-19T08:00:00Z"),
                turn("a1", Some(1), 100),
            ],
        );
        let pi_fork = file(
            "/s/a.jsonl",
            &[
                header("pf", "2026-11-19T12:00:00Z"),
                turn("a1", Some(1), 100),
            ],
        );
        let counted = count_tagged(
            [(&pi_fork, None), (&omp_parent, Some(roots::OMP))],
            Counted::new(now(), Zone::Utc),
        );
        assert_eq!(
            sessions(counted),
            [("op".to_owned(), some("omp"), None, some("/home/a/op"))]
        );
    }

    #[test]
    fn records_carry_their_file_s_agent_and_their_session_s_title_and_cwd() {
        let lines = [
            header("first", "2026-11-19T09:00:00Z"),
            turn("a1", Some(1), 100),
            r#"{"type":"session_info","id":"i1","timestamp":"2026-11-19T10:00:00Z","name":"Named later"}"#.to_owned(),
            header("second", "2026-11-19T09:30:00Z"),
            turn("a2", Some(2), 100),
        ];
        let counted = count(
            &[file("/s/a.jsonl", &lines)],
            Counted::new(now(), Zone::Utc),
        );
        assert_eq!(
            sessions(counted),
            [
                (
                    "first".to_owned(),
                    some("pi"),
                    some("Named later"),
                    some("/home/a/first")
                ),
                (
                    "second".to_owned(),
                    some("pi"),
                    None,
                    some("/home/a/second")
                ),
            ]
        );
    }

    #[test]
    fn copies_of_summaries_and_tool_results_count_once_and_kinds_show_apart() {
        let compaction = r#"{"type":"compaction","id":"c1","timestamp":"2026-11-19T10:30:00.000Z","usage":{"input":7,"output":3}}"#;
        let tool = r#"{"type":"message","id":"t1","timestamp":"2026-11-19T10:31:00.000Z","message":{"role":"toolResult","usage":{"input":11,"output":0},"timestamp":9}}"#;
        let lines = |id: &str, started: &str| {
            vec![
                header(id, started),
                turn("a1", Some(1), 100),
                compaction.to_owned(),
                tool.to_owned(),
            ]
        };
        let parent = file("/s/parent.jsonl", &lines("parent", "2026-11-19T09:00:00Z"));
        let fork = file("/s/fork.jsonl", &lines("fork", "2026-11-19T11:00:00Z"));
        let counted = count(&[fork, parent], Counted::new(now(), Zone::Utc));
        assert_eq!((counted.counted, counted.duplicate), (3, 3));
        let mut snap = Snapshot::new("pi", "pi", now(), Status::Ok, "");
        counted.aggregator.fill(&mut snap);
        let kinds: Vec<_> = snap
            .usage_by_kind
            .iter()
            .map(|k| (k.kind.as_str(), k.requests, k.total_tokens))
            .collect();
        assert_eq!(
            kinds,
            [
                ("assistant", 1, 101),
                ("compaction", 1, 10),
                ("tool_result", 1, 11)
            ]
        );
    }
}
