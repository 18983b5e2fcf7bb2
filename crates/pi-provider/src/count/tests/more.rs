//! Counting on after files grew ([`count_more`]) gives exactly what a full
//! counting of the grown files gives, or declines and leaves `seen` alone.

use super::*;
use openusage_core::pricing::Pricing;
use openusage_files::Grown;

/// The counting of `scans`, filled into a snapshot, with its ledger.
fn filled(counted: Counted) -> (Snapshot, String) {
    let mut snap = Snapshot::new("pi", "pi", now(), Status::Ok, "");
    let ledger = counted.aggregator.fill(&mut snap);
    (snap, format!("{ledger:?}"))
}

fn full(scans: &[&FileScan]) -> (Snapshot, String) {
    let tagged = scans.iter().map(|s| (*s, None));
    filled(count_seen(tagged, Counted::new(now(), Zone::Utc)).0)
}

/// Counts `before`, then counts on to `after` (the same files, each grown
/// or not), as the account does: through the kept form of the counting.
fn on(before: &[&FileScan], after: &[&FileScan]) -> (Option<(Snapshot, String)>, usize, usize) {
    let tagged = before.iter().map(|s| (*s, None));
    let (counted, mut seen) = count_seen(tagged, Counted::new(now(), Zone::Utc));
    let kept = counted.keep().unwrap();
    let restored = || kept.restore(now(), Zone::Utc, Pricing::none());
    let grown: Vec<Grown<'_, FileScan>> = before
        .iter()
        .zip(after)
        .filter(|(b, a)| b != a)
        .map(|(before, after)| Grown {
            before: *before,
            after: *after,
            tag: None,
        })
        .collect();
    let seen_before = seen.keys.len();
    let counted = count_more(&mut seen, &grown, restored).map(filled);
    (counted, seen_before, seen.keys.len())
}

fn parent() -> Vec<String> {
    vec![
        header("parent", "2026-11-19T09:00:00Z"),
        turn("a1", Some(1), 100),
        turn("a2", Some(2), 200),
    ]
}

fn other() -> Vec<String> {
    vec![
        header("other", "2026-11-19T10:00:00Z"),
        turn("o1", Some(5), 7),
    ]
}

fn grown(mut lines: Vec<String>, more: &[String]) -> Vec<String> {
    lines.extend_from_slice(more);
    lines
}

#[test]
fn turns_appended_to_the_last_file_are_counted_on_exactly_as_a_full_counting() {
    // b's header is the later one: b is last in counting order.
    let (a, b) = (file("/s/a.jsonl", &parent()), file("/s/b.jsonl", &other()));
    let more = [
        turn("o2", Some(6), 8),
        header("second", "2026-11-19T12:00:00Z"),
        turn("s1", Some(9), 9),
    ];
    let b2 = file("/s/b.jsonl", &grown(other(), &more));
    // a gains a line that is no turn: it only grew, and adds nothing.
    let a2 = file(
        "/s/a.jsonl",
        &grown(parent(), &[r#"{"type":"custom"}"#.to_owned()]),
    );
    let (counted, seen_before, seen_after) = on(&[&a, &b], &[&a2, &b2]);
    // The same snapshot and the same ledger, sessions and models numbered alike.
    assert_eq!(counted, Some(full(&[&a2, &b2])));
    assert_eq!(seen_after, seen_before + 2);
}

#[test]
fn turns_appended_to_an_earlier_file_are_left_to_a_full_counting() {
    // Counted on, a's new turn would be added after b's: float sums and
    // the ledger's numbering would come out in another order.
    let (a, b) = (file("/s/a.jsonl", &parent()), file("/s/b.jsonl", &other()));
    let a2 = file("/s/a.jsonl", &grown(parent(), &[turn("a3", Some(3), 30)]));
    assert_eq!(on(&[&a, &b], &[&a2, &b]).0, None);
    let b2 = file("/s/b.jsonl", &grown(other(), &[turn("o2", Some(6), 8)]));
    assert_eq!(on(&[&a, &b], &[&a2, &b2]).0, None);
}

#[test]
fn a_turn_repeated_within_what_was_appended_counts_once() {
    let a = file("/s/a.jsonl", &parent());
    let twice = [turn("a3", Some(3), 30), turn("a3", Some(3), 30)];
    let a2 = file("/s/a.jsonl", &grown(parent(), &twice));
    let (counted, ..) = on(&[&a], &[&a2]);
    let (snap, ledger) = counted.unwrap();
    assert_eq!((snap.clone(), ledger), full(&[&a2]));
    assert_eq!(
        snap.metrics["total_tokens"].used,
        MetricValue::Count(101 + 201 + 31)
    );
}

#[test]
fn a_new_turn_that_copies_one_seen_before_is_left_to_a_full_counting() {
    // b's new turn is a copy of a's first: which copy wins depends on the
    // files' order, which counting on does not know.
    let (a, b) = (file("/s/a.jsonl", &parent()), file("/s/b.jsonl", &other()));
    let b2 = file("/s/b.jsonl", &grown(other(), &[turn("a1", Some(1), 100)]));
    let (counted, seen_before, seen_after) = on(&[&a, &b], &[&a, &b2]);
    assert_eq!(counted, None);
    assert_eq!(seen_after, seen_before, "seen is left as it was");
}

#[test]
fn a_file_that_did_not_only_grow_is_left_to_a_full_counting() {
    let a = file("/s/a.jsonl", &parent());
    let changed = [
        // an old turn rewritten
        vec![
            parent()[0].clone(),
            turn("a1", Some(1), 999),
            parent()[2].clone(),
        ],
        // a turn deleted
        parent()[..2].to_vec(),
        // a name appended: the session's title changes for its old turns
        grown(
            parent(),
            &[r#"{"type":"session_info","name":"renamed"}"#.to_owned()],
        ),
        // another header: the file's place in the order moves
        grown(
            vec![header("parent", "2026-11-19T08:00:00Z")],
            &parent()[1..],
        ),
    ];
    for lines in changed {
        let a2 = file("/s/a.jsonl", &lines);
        let (counted, seen_before, seen_after) = on(&[&a], &[&a2]);
        assert_eq!(counted, None, "{lines:?}");
        assert_eq!(seen_after, seen_before);
    }
    // Another file at the same place in walk order.
    let other_file = file("/s/z.jsonl", &grown(parent(), &[turn("a3", Some(3), 30)]));
    assert_eq!(on(&[&a], &[&other_file]).0, None);
}

#[test]
fn turns_dated_by_the_file_s_time_are_left_to_a_full_counting_when_it_moved() {
    let undated = r#"{"type":"message","id":"u1","message":{"role":"assistant","provider":"anthropic","model":"m","usage":{"input":5,"output":1,"cacheRead":0,"cacheWrite":0,"cost":{"total":0.1}}}}"#;
    let lines = grown(parent(), &[undated.to_owned()]);
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    let read = |lines: &[String], mtime| {
        scan_reader(Path::new("/s/a.jsonl"), lines.join("\n").as_bytes(), mtime).unwrap()
    };
    let a = read(&lines, at("2026-11-19T10:00:00Z"));
    assert!(
        a.turns.iter().any(|t| t.at.is_none()),
        "the fixture has an undated turn"
    );
    let more = grown(lines.clone(), &[turn("a3", Some(3), 30)]);
    let a2 = read(&more, at("2026-11-20T11:00:00Z"));
    assert_eq!(on(&[&a], &[&a2]).0, None);
    // With the time unchanged, its turns stay where they were.
    let a3 = read(&more, at("2026-11-19T10:00:00Z"));
    assert_eq!(on(&[&a], &[&a3]).0, Some(full(&[&a3])));
}

#[test]
fn a_file_without_a_header_then_and_now_counts_nothing_and_one_that_gains_it_is_counted_afresh() {
    let headless = vec![turn("h1", Some(1), 5)];
    let (a, h) = (file("/s/a.jsonl", &parent()), file("/s/h.jsonl", &headless));
    let h2 = file(
        "/s/h.jsonl",
        &grown(headless.clone(), &[turn("h2", Some(2), 5)]),
    );
    assert_eq!(on(&[&a, &h], &[&a, &h2]).0, Some(full(&[&a, &h2])));
    let gained = file(
        "/s/h.jsonl",
        &grown(vec![header("h", "2026-11-19T09:30:00Z")], &headless),
    );
    assert_eq!(on(&[&a, &h], &[&a, &gained]).0, None);
}
