//! The analytics page's numbers, summed over the accounts shown. Computed
//! from snapshots only (`daily_series`, `model_usage`): the files are never
//! read again.

use openusage_core::aggregate::{Tokens, add_cost};
use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use openusage_core::Snapshot;

use crate::state::Window;

/// Everything the analytics page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Analytics {
    /// First and last day of the window (inclusive); `None` with no data.
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// One value per day of the span, zero-filled.
    pub tokens_per_day: Vec<u64>,
    pub sessions_per_day: Vec<u64>,
    pub models: Vec<Row>,
    pub workspaces: Vec<Row>,
    pub upstreams: Vec<Row>,
    /// All-time total tokens (the denominator of every share).
    pub total_tokens: u64,
}

/// One row of a usage table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub name: String,
    /// The upstream provider, for model rows.
    pub provider: Option<String>,
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
    pub tokens: u64,
    pub requests: u64,
    pub cost: Option<f64>,
    /// Requests recorded at $0 with tokens used: no price was known.
    pub unpriced: u64,
    /// Requests that recorded no cost at all.
    pub uncosted: u64,
}

impl Analytics {
    /// Sums `snapshots`. The window ends on the latest snapshot's UTC date;
    /// `all` starts at the earliest day any series has.
    pub fn new(snapshots: &[Snapshot], window: Window) -> Self {
        let span = span(snapshots, window);
        let (tokens_per_day, sessions_per_day) = match span {
            Some((from, to)) => (
                daily(snapshots, "tokens", from, to),
                daily(snapshots, "sessions", from, to),
            ),
            None => (Vec::new(), Vec::new()),
        };
        let usage = snapshots.iter().flat_map(|s| &s.model_usage);
        let dimension = |m: &openusage_core::ModelUsage, key: &str| m.dimensions.get(key).cloned();
        Analytics {
            span,
            tokens_per_day,
            sessions_per_day,
            models: group(usage.clone(), |m| {
                (m.raw_model_id.clone(), dimension(m, "upstream_provider"))
            }),
            workspaces: group(usage.clone(), |m| {
                (
                    dimension(m, "workspace_label").unwrap_or_else(|| "(none)".to_owned()),
                    None,
                )
            }),
            upstreams: group(usage.clone(), |m| {
                (
                    dimension(m, "upstream_provider").unwrap_or_else(|| "(unknown)".to_owned()),
                    None,
                )
            }),
            total_tokens: usage.fold(0, |sum: u64, m| sum.saturating_add(m.total_tokens)),
        }
    }
}

fn span(snapshots: &[Snapshot], window: Window) -> Option<(NaiveDate, NaiveDate)> {
    let to = snapshots.iter().map(Snapshot::today).max()?;
    let from = match window.days() {
        Some(days) => to - Duration::days(i64::from(days) - 1),
        None => snapshots
            .iter()
            .flat_map(|s| s.daily_series.values().flatten())
            .map(|p| p.date)
            .min()
            .unwrap_or(to)
            .min(to),
    };
    Some((from, to))
}

/// The named series summed over snapshots, one value per day from `from`
/// to `to`.
fn daily(snapshots: &[Snapshot], series: &str, from: NaiveDate, to: NaiveDate) -> Vec<u64> {
    let mut by_day: HashMap<NaiveDate, u64> = HashMap::new();
    for point in snapshots
        .iter()
        .filter_map(|s| s.daily_series.get(series))
        .flatten()
    {
        let day = by_day.entry(point.date).or_default();
        *day = day.saturating_add(point.value);
    }
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| by_day.get(&d).copied().unwrap_or(0))
        .collect()
}

/// Rows grouped by `key` (name, provider), largest first, ties by name.
fn group<'a>(
    usage: impl Iterator<Item = &'a openusage_core::ModelUsage>,
    key: impl Fn(&openusage_core::ModelUsage) -> (String, Option<String>),
) -> Vec<Row> {
    let mut rows: BTreeMap<(String, Option<String>), Row> = BTreeMap::new();
    for m in usage {
        let (name, provider) = key(m);
        let row = rows
            .entry((name.clone(), provider.clone()))
            .or_insert_with(|| Row {
                name,
                provider,
                ..Row::default()
            });
        // Sums saturate as the snapshot's own do, so a row's tokens stay
        // the exact sum of its buckets and no cost becomes infinite.
        let mut sum = Tokens {
            input: row.input,
            output: row.output,
            cache_read: row.cache_read,
            cache_write: row.cache_write,
        };
        sum.add(&Tokens {
            input: m.input_tokens,
            output: m.output_tokens,
            cache_read: m.cache_read_tokens,
            cache_write: m.cache_write_tokens,
        });
        (row.input, row.output) = (sum.input, sum.output);
        (row.cache_read, row.cache_write) = (sum.cache_read, sum.cache_write);
        row.tokens = sum.total();
        row.requests = row.requests.saturating_add(m.requests);
        row.unpriced = row.unpriced.saturating_add(m.unpriced_requests);
        row.uncosted = row.uncosted.saturating_add(m.uncosted_requests);
        add_cost(&mut row.cost, m.cost_usd);
    }
    let mut rows: Vec<Row> = rows.into_values().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.tokens));
    rows
}
