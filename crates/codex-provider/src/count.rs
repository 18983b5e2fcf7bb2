//! Counting usage across rollouts: each event once, whichever files copy it.

use chrono::{DateTime, Utc};
use openusage_core::Metric;
use openusage_core::Zone;
use openusage_core::aggregate::{Counted, Record, kind};
use openusage_core::files::counting_order;
use openusage_core::fxhash::FxHashSet;

use crate::file::{CopyKey, FileScan};

/// Counts the records of `scans`, files in counting order (session start,
/// then path), the first occurrence of a [`CopyKey`] winning.
pub fn count<'a>(
    scans: impl IntoIterator<Item = &'a FileScan>,
    now: DateTime<Utc>,
    zone: Zone,
) -> Counted {
    let mut scans: Vec<&FileScan> = scans.into_iter().collect();
    scans.sort_by(|a, b| counting_order((a.started, &a.path), (b.started, &b.path)));
    let mut seen: FxHashSet<&CopyKey> = FxHashSet::default();
    let mut counted = Counted::new(now, zone);
    counted.zero = scans.iter().map(|s| s.records_zero).sum();
    let mut reasoning = 0;
    for scan in scans {
        for r in &scan.records {
            if !seen.insert(&r.key) {
                counted.duplicate += 1;
                continue;
            }
            counted.aggregator.add(&Record {
                kind: kind::ASSISTANT,
                subkind: None,
                response_model: None,
                session: &scan.session,
                at: scan.when(r),
                model: &r.model,
                upstream_provider: r.provider.as_deref(),
                workspace: r.workspace.as_deref(),
                tokens: r.tokens,
                cost_usd: None,
            });
            reasoning += r.reasoning;
            counted.counted += 1;
        }
    }
    if reasoning > 0 {
        let metric = Metric::count(reasoning, "tokens", "all-time");
        counted
            .extra_metrics
            .push(("total_reasoning_tokens".to_owned(), metric));
    }
    counted
}
