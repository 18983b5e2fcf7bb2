//! The fuzz targets of openusage: each provider's session-file reader fed
//! arbitrary bytes, then counted, summarised and reported, with the
//! invariants that must hold for any input checked. A broken invariant
//! panics, which is what a fuzzer looks for.
//!
//! Each target also reads the input two more ways and compares the whole
//! reading (every field, strings included) with the plain one: with every
//! line examined in full (the reference: no line is skipped for holding
//! none of the reader's words), and with every line streamed as a long
//! one. Only `lines_dropped` may differ, and only be smaller than the
//! reference's: a line that cannot matter is skipped unvalidated.
//!
//! The same functions run in two harnesses, so a target is written once:
//! - `fuzz/` (cargo-fuzz, nightly): `cargo +nightly fuzz run pi`, for as long
//!   as you like (see docs/reliability.md);
//! - `tests/bounded.rs` (stable, in `cargo test`): a few thousand inputs made
//!   by mutating the fixtures' real lines, so CI always fuzzes a little.

use std::path::Path;

use chrono::{DateTime, Utc};
use openusage_core::aggregate::Counted;
use openusage_core::ledger::Ledger;
use openusage_core::report::{self, Filter, Period, Range, Source};
use openusage_core::snapshot::{MetricValue, Snapshot, Status};
use openusage_core::{Zone, metric, series};
use std::fmt::Debug;
use std::ops::ControlFlow;

use openusage_files::Incremental;
use openusage_jsonl::lines::{self, Limits, Sink};

/// Every line read as a long one (streamed, searched for its reader's
/// words, handed on as its skeleton), with strings kept whole: the reading
/// must be the same as the plain one, but for fewer lines dropped (a line
/// that cannot matter is skipped unvalidated).
const STREAMED: Limits = Limits {
    gathered: 0,
    held: usize::MAX,
    string: usize::MAX,
};

/// `data` read as every line streamed (see [`STREAMED`]).
fn streamed<S: Incremental>(start: S, data: &[u8]) -> S {
    let read = openusage_files::read_all_with(start, data, now(), STREAMED);
    read.unwrap_or_else(|e| panic!("reading from memory failed: {e}"))
}

/// `data` read with every line examined, whatever words the reader names:
/// what the plain reading must agree with.
fn every_line<S: Incremental>(mut start: S, data: &[u8]) -> S {
    start.set_mtime(now());
    let read = lines::split(data, Limits::default(), &mut EveryLine(&mut start));
    read.unwrap_or_else(|e| panic!("reading from memory failed: {e}"));
    start
}

/// Every line, the unfinished last one too, into one reading, none skipped.
struct EveryLine<'a, S>(&'a mut S);

impl<S: Incremental> Sink for EveryLine<'_, S> {
    fn line(&mut self, line: &[u8], _: bool) -> ControlFlow<()> {
        self.0.line(line);
        ControlFlow::Continue(())
    }
    fn words(&self) -> Option<&'static [&'static [u8]]> {
        None
    }
    fn oversized(&mut self, _: bool) -> ControlFlow<()> {
        self.0.oversized();
        ControlFlow::Continue(())
    }
}

/// `data` read plainly, after checking that the reading equals, but for
/// fewer lines dropped, the one with every line examined and the one with
/// every line streamed. `dropped` is the reading's `lines_dropped`.
pub fn read_checked<S>(start: impl Fn() -> S, data: &[u8], dropped: fn(&mut S) -> &mut u64) -> S
where
    S: Incremental + PartialEq + Debug,
{
    let read = openusage_files::read_all(start(), data, now());
    let mut plain = read.unwrap_or_else(|e| panic!("reading from memory failed: {e}"));
    let mut reference = every_line(start(), data);
    let mut again = streamed(start(), data);
    let (all, own) = (*dropped(&mut reference), *dropped(&mut plain));
    for (what, reading) in [("plain", &mut plain), ("streamed", &mut again)] {
        let fewer = dropped(reading);
        assert!(*fewer <= all, "{what}: more dropped than with every line");
        *fewer = all;
        assert_eq!(*reading, reference, "{what}: not the reading of every line");
    }
    *dropped(&mut plain) = own;
    plain
}

/// The zone a target counts in, chosen by the input so that every zone is
/// exercised: UTC, one that shifts by daylight saving, and the one furthest
/// east of UTC (an instant must convert in each).
pub fn zone(data: &[u8]) -> Zone {
    match data.len() % 3 {
        0 => Zone::Utc,
        1 => Zone::Named(chrono_tz::Tz::Europe__Warsaw),
        _ => Zone::Named(chrono_tz::Tz::Pacific__Kiritimati),
    }
}

/// The instant every target counts at.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_176_000, 0).unwrap_or_default()
}

/// Reads `data` as one Pi / Oh My Pi transcript and checks the invariants.
pub fn pi(data: &[u8]) {
    use pi_provider::file::FileScan;
    let start = || FileScan::new(Path::new("/f.jsonl"));
    let scan = read_checked(start, data, |s: &mut FileScan| &mut s.lines_dropped);
    let turns = scan.turns.len() as u64;
    let counted = pi_provider::count::count([&scan], Counted::new(now(), zone(data)));
    assert!(counted.counted <= turns, "more turns counted than read");
    check(counted, lines(data));
}

/// Reads `data` as one Codex rollout and checks the invariants.
pub fn codex(data: &[u8]) {
    use codex_provider::file::FileScan;
    let start = || FileScan::new(Path::new("/f.jsonl"));
    let scan = read_checked(start, data, |s: &mut FileScan| &mut s.lines_dropped);
    check(
        codex_provider::count::count([&scan], Counted::new(now(), zone(data))),
        lines(data),
    );
}

/// Reads `data` as one Claude Code transcript and checks the invariants.
/// A line holds one response and the `/advisor` calls inside it, each a
/// record of its own.
pub fn claude(data: &[u8]) {
    use claude_code_provider::file::FileScan;
    let start = || FileScan::new(Path::new("/f.jsonl"));
    let scan = read_checked(start, data, |s: &mut FileScan| &mut s.lines_dropped);
    let advisors: u64 = scan.records.iter().map(|r| r.advisors.len() as u64).sum();
    check(
        claude_code_provider::count::count([&scan], Counted::new(now(), zone(data))),
        lines(data) + advisors,
    );
}

fn lines(data: &[u8]) -> u64 {
    data.split(|&b| b == b'\n').count() as u64
}

/// What holds for every input: at most `lines` records (one per line, plus
/// the advisor calls a Claude Code line holds); the snapshot's
/// parts agree with each other (totals, per-model rows, kinds, daily
/// series); costs are finite and never negative; and a report over the
/// ledger has the snapshot's totals.
fn check(counted: Counted, lines: u64) {
    assert!(counted.counted <= lines, "more records than lines");
    let records = counted.counted;
    let mut snapshot = Snapshot::new("p", "a", now(), Status::Ok, "");
    let ledger = counted.aggregator.fill(&mut snapshot);
    let count = |key| snapshot.count(key).unwrap_or(0);
    let total = count(metric::TOTAL_TOKENS);
    let parts = [
        metric::TOTAL_INPUT_TOKENS,
        metric::TOTAL_OUTPUT_TOKENS,
        metric::TOTAL_CACHE_READ,
        metric::TOTAL_CACHE_WRITE,
    ];
    let sum = parts.iter().fold(0u64, |s, p| s.saturating_add(count(*p)));
    assert_eq!(total, sum, "total is not the sum of the buckets");
    let cost = snapshot.metric(metric::TOTAL_COST_USD).map(|m| m.used);
    if let Some(MetricValue::Amount(cost)) = cost {
        assert!(cost.is_finite() && cost >= 0.0, "cost {cost}");
    }
    let requests: u64 = snapshot.model_usage.iter().map(|m| m.requests).sum();
    assert_eq!(requests, records, "model rows do not add up to the records");
    let by_kind: u64 = snapshot.usage_by_kind.iter().map(|k| k.requests).sum();
    assert_eq!(by_kind, records, "kinds do not add up to the records");
    let daily = snapshot.series(series::TOKENS).iter();
    let daily_total = daily.fold(0u64, |s, p| s.saturating_add(p.value));
    assert_eq!(
        daily_total, total,
        "daily tokens do not add up to the total"
    );
    let sessions = count(metric::TOTAL_SESSIONS);
    assert!(count(metric::SESSIONS_TODAY) <= sessions);
    assert!(count(metric::SESSIONS_7D) <= sessions);
    check_report(&ledger, total, records, sessions);
}

fn check_report(ledger: &Ledger, total: u64, records: u64, sessions: u64) {
    let source = Source {
        provider_id: "p",
        account_id: "a",
        ledger,
    };
    let all = Filter::default();
    let report = report::by_period(&[source], Period::Month, Range::default(), &all, true);
    let sums = &report.total;
    assert_eq!(sums.usage.tokens.total(), total, "report tokens");
    assert_eq!(sums.usage.requests, records, "report requests");
    assert_eq!(sums.sessions, sessions, "report sessions");
    // Every session is in one project: the projects add up to the total.
    let projects = report::by_project(&[source], Range::default(), &all, false);
    let by_project: u64 = projects
        .rows
        .iter()
        .map(|r| r.sums.usage.tokens.total())
        .sum();
    assert_eq!(by_project, total, "project tokens");
    assert_eq!(projects.total.sessions, sessions, "project sessions");
}
