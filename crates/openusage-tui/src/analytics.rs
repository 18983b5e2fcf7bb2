//! The analytics page's numbers, summed over the accounts shown. Computed
//! from snapshots only (`daily_series`, `model_usage`): the files are never
//! read again.

use openusage_core::usage::{Tokens, Usage};
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use openusage_core::{ModelUsage, SeriesKey, Snapshot, dimension, series};

use crate::state::Window;

/// Everything the analytics page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Analytics {
    /// First and last day of the window (inclusive); `None` with no data.
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// One value per day of the span, zero-filled.
    pub tokens_per_day: Vec<u64>,
    pub sessions_per_day: Vec<u64>,
    /// The all-time tables: the same for every window.
    pub tables: Arc<Tables>,
}

/// The usage tables, all time: they do not depend on the window, so the
/// live view groups the rows once per collection, not once per window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tables {
    pub models: Vec<Row>,
    pub workspaces: Vec<Row>,
    pub agents: Vec<Row>,
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
    /// The row's costs: recorded, estimated, at list price, and the
    /// requests each leaves out.
    pub costs: Usage,
}

impl Analytics {
    /// Sums `snapshots`. The window ends on the latest of the snapshots'
    /// days ([`Snapshot::today`]: the day each was taken, in its own time
    /// zone); `all` starts at the earliest day any series has.
    pub fn new(snapshots: &[Snapshot], window: Window) -> Self {
        Analytics::with_tables(snapshots, window, Arc::new(Tables::new(snapshots)))
    }

    /// [`Analytics::new`] with the tables already grouped.
    pub fn with_tables(snapshots: &[Snapshot], window: Window, tables: Arc<Tables>) -> Self {
        let span = span(snapshots, window);
        let (tokens_per_day, sessions_per_day) = match span {
            Some((from, to)) => (
                daily(snapshots, series::TOKENS, from, to),
                daily(snapshots, series::SESSIONS, from, to),
            ),
            None => (Vec::new(), Vec::new()),
        };
        Analytics {
            span,
            tokens_per_day,
            sessions_per_day,
            tables,
        }
    }
}

impl Tables {
    /// Every model row of `snapshots`, grouped four ways.
    pub fn new(snapshots: &[Snapshot]) -> Self {
        let usage = || snapshots.iter().flat_map(|s| &s.model_usage);
        Tables {
            models: models(snapshots),
            workspaces: workspaces(snapshots),
            agents: agents(snapshots),
            upstreams: group(rows(snapshots), |_, m| {
                (
                    m.dimension(dimension::UPSTREAM_PROVIDER)
                        .unwrap_or("(unknown)"),
                    None,
                )
            }),
            total_tokens: usage().fold(0u64, |sum, m| sum.saturating_add(m.total_tokens)),
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
fn daily(snapshots: &[Snapshot], series: SeriesKey, from: NaiveDate, to: NaiveDate) -> Vec<u64> {
    let mut by_day: HashMap<NaiveDate, u64> = HashMap::new();
    for point in snapshots.iter().flat_map(|s| s.series(series)) {
        let day = by_day.entry(point.date).or_default();
        *day = day.saturating_add(point.value);
    }
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| by_day.get(&d).copied().unwrap_or(0))
        .collect()
}

/// The model rows of `snapshots`, one per model and upstream provider,
/// largest first.
pub fn models(snapshots: &[Snapshot]) -> Vec<Row> {
    group(rows(snapshots), |_, m| {
        (
            m.raw_model_id.as_str(),
            m.dimension(dimension::UPSTREAM_PROVIDER),
        )
    })
}

/// The workspace rows of `snapshots`, largest first; `(none)` for usage
/// that names no workspace.
pub fn workspaces(snapshots: &[Snapshot]) -> Vec<Row> {
    group(rows(snapshots), |_, m| {
        (
            m.dimension(dimension::WORKSPACE_LABEL).unwrap_or("(none)"),
            None,
        )
    })
}

/// The agent rows of `snapshots`, largest first: the agent that wrote the
/// usage (`dimensions.agent`, as Pi tells `pi` from `omp`), else the
/// snapshot's provider, which is then its only agent.
pub fn agents(snapshots: &[Snapshot]) -> Vec<Row> {
    group(rows(snapshots), |s, m| {
        (
            m.dimension(dimension::AGENT)
                .unwrap_or(s.provider_id.as_str()),
            None,
        )
    })
}

/// Every model row of `snapshots`, with the snapshot it belongs to.
fn rows(snapshots: &[Snapshot]) -> impl Iterator<Item = (&Snapshot, &ModelUsage)> {
    snapshots
        .iter()
        .flat_map(|s| s.model_usage.iter().map(move |m| (s, m)))
}

/// Rows grouped by `key` (name, provider), largest first, ties by name.
///
/// Grouped by sorting, not hashing: names come from files anyone may have
/// written, and no choice of them can make a sort slow. The sort is stable,
/// so each row adds its costs up in the order the snapshots list them.
fn group<'a>(
    usage: impl Iterator<Item = (&'a Snapshot, &'a ModelUsage)>,
    key: impl Fn(&'a Snapshot, &'a ModelUsage) -> (&'a str, Option<&'a str>),
) -> Vec<Row> {
    let mut keyed: Vec<_> = usage.map(|(s, m)| (key(s, m), m)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rows: Vec<Row> = Vec::new();
    let mut last = None;
    for ((name, provider), m) in keyed {
        if last != Some((name, provider)) {
            last = Some((name, provider));
            rows.push(Row {
                name: name.to_owned(),
                provider: provider.map(str::to_owned),
                ..Row::default()
            });
        }
        let Some(row) = rows.last_mut() else {
            continue;
        };
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
        row.costs.add(&m.usage());
    }
    // Stable: rows of equal tokens stay in name order.
    rows.sort_by_key(|r| std::cmp::Reverse(r.tokens));
    rows
}
