//! Counting usage across rollouts: each event once, whichever files copy it,
//! and a fork or sub-agent's inherited opening total never again.

use chrono::{DateTime, Utc};
use openusage_core::aggregate::Counted;
use openusage_core::usage::{Origin, Record, Tokens, kind};
use openusage_core::{DiagnosticKey, Metric, metric};
use openusage_files::counting_order;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::entry::Totals;
use crate::file::{self, CopyKey, FileScan, UsageRecord};
use crate::limits::{self, Reading};

/// The diagnostic counting `token_count` events that went below the
/// high-water baseline without a restart (see [`file::Step::Stale`]).
pub const SNAPSHOTS_STALE: DiagnosticKey = DiagnosticKey::new("snapshots_stale");

/// Counts the records of `scans`, files in counting order (session start,
/// then path), the first occurrence of a [`CopyKey`] winning. In a rollout
/// that names a parent, a first record that is no copy of one of the
/// parent's counts only its own turn (see `opening`). Adds the
/// `snapshots_stale` diagnostic, summed over all files.
pub fn count<'a>(scans: impl IntoIterator<Item = &'a FileScan>, mut counted: Counted) -> Counted {
    let mut scans: Vec<&FileScan> = scans.into_iter().collect();
    scans.sort_by(|a, b| counting_order((a.started, &a.path), (b.started, &b.path)));
    let mut sessions: FxHashMap<&str, Vec<&FileScan>> = FxHashMap::default();
    for scan in &scans {
        sessions.entry(&scan.session).or_default().push(scan);
    }
    let mut seen: FxHashSet<&CopyKey> = FxHashSet::default();
    counted.zero = scans.iter().map(|s| s.records_zero).sum();
    let stale = scans.iter().map(|s| s.snapshots_stale).sum();
    let mut reasoning = 0;
    let mut readings = Readings::default();
    for scan in &scans {
        let opening = opening(scan, &sessions);
        let mut copies = Vec::with_capacity(scan.records.len());
        for (i, r) in scan.records.iter().enumerate() {
            let copy = !seen.insert(&r.key);
            copies.push(copy);
            if copy {
                counted.duplicate += 1;
                continue;
            }
            let (tokens, r_reasoning) = match opening {
                Some(at) if at == i => own_turn(r),
                _ => (r.tokens, r.reasoning),
            };
            if tokens.is_zero() {
                counted.zero += 1;
                continue;
            }
            let workspace = r.workspace();
            counted.aggregator.add(&Record {
                kind: kind::ASSISTANT,
                subkind: None,
                response_model: None,
                session: &scan.session,
                at: scan.when(r),
                model: &r.model,
                upstream_provider: r.provider.as_deref(),
                workspace: workspace.as_deref(),
                tokens,
                cache_write_1h: 0,
                cost_usd: None,
                origin: Origin {
                    cwd: r.cwd.as_deref(),
                    ..Origin::default()
                },
            });
            reasoning += r_reasoning;
            counted.counted += 1;
        }
        readings.take(scan, &copies);
    }
    counted.limit_metrics = readings.metrics(counted.now);
    if reasoning > 0 {
        let metric = Metric::count(reasoning, "tokens", "all-time");
        counted
            .extra_metrics
            .push((metric::TOTAL_REASONING_TOKENS, metric));
    }
    counted.extra_diagnostics.push((SNAPSHOTS_STALE, stale));
    counted
}

/// The latest reading of each limit over the files, each with when it was
/// observed, taken only from readings that came with counted events.
#[derive(Default)]
struct Readings<'a> {
    latest: Vec<(&'a Reading, DateTime<Utc>)>,
}

impl<'a> Readings<'a> {
    /// Takes the readings of `scan` whose record (the latest at or before
    /// them; `copies[i]`: record `i` was a copy) was counted. One before
    /// any record goes with the file's first record in a rollout that
    /// names a parent (whose copied prefix it may belong to), and is taken
    /// in one that names none; in a child with no records it is not taken.
    /// A later reading replaces an earlier one; at the same time, the later
    /// file in counting order wins.
    fn take(&mut self, scan: &'a FileScan, copies: &[bool]) {
        for seen in &scan.limits {
            let record = match seen.after.checked_sub(1) {
                Some(i) => Some(i),
                None if scan.parents.is_empty() => None,
                None if copies.is_empty() => continue,
                None => Some(0),
            };
            if record.is_some_and(|i| copies.get(i).copied().unwrap_or(true)) {
                continue;
            }
            let at = seen.at.unwrap_or(scan.mtime);
            let id = &seen.reading.limit_id;
            match self.latest.iter_mut().find(|(r, _)| &r.limit_id == id) {
                Some(old) if old.1 > at => {}
                Some(old) => *old = (&seen.reading, at),
                None => self.latest.push((&seen.reading, at)),
            }
        }
    }

    fn metrics(&self, now: DateTime<Utc>) -> Vec<(String, Metric)> {
        let mut out: Vec<(String, Metric)> = self
            .latest
            .iter()
            .flat_map(|(reading, at)| limits::metrics(reading, *at, now))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// The index of the opening record of a rollout whose meta names a parent
/// (a fork, a sub-agent), when that record may carry the parent's history in
/// its totals: the rollout's first record, unless it is a copy of one of the
/// parent's records (the parent found by session id among `sessions`;
/// nothing is a copy when it is not there). When the rollout opens with a
/// copied history, its first record of its own is measured from the copied
/// totals, as any record is, and there is no opening.
fn opening(scan: &FileScan, sessions: &FxHashMap<&str, Vec<&FileScan>>) -> Option<usize> {
    let first = scan.records.first()?;
    let copied = scan
        .parents
        .iter()
        .filter_map(|id| sessions.get(id.as_str()))
        .flatten()
        .any(|parent| parent.records.iter().any(|r| r.key == first.key));
    (!scan.parents.is_empty() && !copied).then_some(0)
}

/// What an opening record counts: its own `last_token_usage`, capped at its
/// totals, when its totals are larger in input, cached input or output
/// (they hold history it inherited); else what it added as any record.
fn own_turn(r: &UsageRecord) -> (Tokens, u64) {
    let totals = r.key.totals;
    let last = r.key.last.unwrap_or_default();
    let parts = |t: Totals| [t.input, t.cached_input, t.output];
    let inherited = parts(totals).iter().zip(parts(last)).any(|(t, l)| *t > l);
    if !inherited {
        return (r.tokens, r.reasoning);
    }
    file::buckets(file::capped(last, totals))
}
