//! 5-hour blocks (ccusage's "billing blocks"), made from the ledgers' hour
//! sums: a block starts at its first record's time floored to the UTC hour
//! and lasts five hours; the first record at or after its end starts the
//! next one. Blocks are per account.
//!
//! Because a block starts and ends on a UTC hour, whole hours fall in or
//! out of it, so the ledger's per-hour sums give the same blocks as the
//! records would.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::ledger::{HourRow, Ledger};
use crate::report::{ModelName, Source};
use crate::usage::{Usage, add_cost};

/// How long a block lasts.
pub const LENGTH: TimeDelta = TimeDelta::hours(5);

/// How far back `--recent` reaches: blocks that ended within it.
pub const RECENT: TimeDelta = TimeDelta::days(3);

/// The shortest time a burn rate is measured over, so a block whose first
/// record is seconds old does not project an absurd rate.
pub const MIN_BURN_SPAN: TimeDelta = TimeDelta::minutes(1);

/// One 5-hour block of one account.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub provider_id: String,
    pub account_id: String,
    /// The first record's time floored to the UTC hour.
    pub start: DateTime<Utc>,
    /// `start` + 5 hours.
    pub end: DateTime<Utc>,
    /// The earliest and latest record in the block.
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub usage: Usage,
    /// Per model, most tokens first (ties by name).
    pub models: Vec<(ModelName, Usage)>,
    /// Present on the active block only: now is before its end.
    pub live: Option<Live>,
}

/// What the active block has done so far and where it is heading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Live {
    /// now − start (0 if now is before the start).
    pub elapsed: TimeDelta,
    /// end − now.
    pub remaining: TimeDelta,
    pub burn: Burn,
    pub projection: Projection,
}

/// Tokens and cost per hour, over max(now − first record, 1 minute).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Burn {
    pub tokens_per_hour: f64,
    /// Of the known cost (recorded + estimated); `None` when there is none.
    pub cost_usd_per_hour: Option<f64>,
}

/// The block's totals at its end if the burn rate holds:
/// current + burn × remaining.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pub total_tokens: f64,
    pub cost_usd: Option<f64>,
}

impl Block {
    pub fn is_active(&self) -> bool {
        self.live.is_some()
    }

    /// Recorded + estimated cost; `None` when neither is known.
    pub fn known_cost(&self) -> Option<f64> {
        known_cost(&self.usage)
    }
}

fn known_cost(usage: &Usage) -> Option<f64> {
    let mut sum = usage.cost_usd;
    add_cost(&mut sum, usage.estimated_cost_usd);
    sum
}

/// Every block of every source, oldest first (ties by provider, then
/// account), with the active ones (now before their end) made live.
pub fn blocks(sources: &[Source<'_>], now: DateTime<Utc>) -> Vec<Block> {
    let mut all: Vec<Block> = sources.iter().flat_map(|s| of_source(s, now)).collect();
    all.sort_by(|a, b| {
        (a.start, &a.provider_id, &a.account_id).cmp(&(b.start, &b.provider_id, &b.account_id))
    });
    all
}

/// The blocks of one account.
fn of_source(source: &Source<'_>, now: DateTime<Utc>) -> Vec<Block> {
    // By hour; a stable sort keeps the ledger's order within an hour, so
    // float sums come out the same every run.
    let mut hours: Vec<&HourRow> = source.ledger.hours.iter().collect();
    hours.sort_by_key(|h| h.hour);
    let mut out = Vec::new();
    let mut current: Option<Builder> = None;
    for hour in hours {
        if let Some(open) = current.take_if(|b| hour.hour >= b.end) {
            out.push(open.finish(source, now));
        }
        current
            .get_or_insert_with(|| Builder::new(hour))
            .add(source.ledger, hour);
    }
    out.extend(current.map(|b| b.finish(source, now)));
    out
}

/// A block being summed.
struct Builder {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    usage: Usage,
    models: BTreeMap<ModelName, Usage>,
}

impl Builder {
    fn new(hour: &HourRow) -> Self {
        Builder {
            start: hour.hour,
            // Checked: `+` panics past chrono's last instant.
            end: (hour.hour.checked_add_signed(LENGTH)).unwrap_or(DateTime::<Utc>::MAX_UTC),
            first: hour.first,
            last: hour.last,
            usage: Usage::default(),
            models: BTreeMap::new(),
        }
    }

    fn add(&mut self, ledger: &Ledger, hour: &HourRow) {
        self.first = self.first.min(hour.first);
        self.last = self.last.max(hour.last);
        self.usage.add(&hour.usage);
        let Some(key) = ledger.models.get(hour.model as usize) else {
            return;
        };
        let name = ModelName {
            model: key.model.clone(),
            upstream_provider: key.upstream_provider.clone(),
        };
        self.models.entry(name).or_default().add(&hour.usage);
    }

    fn finish(self, source: &Source<'_>, now: DateTime<Utc>) -> Block {
        let mut models: Vec<(ModelName, Usage)> = self.models.into_iter().collect();
        models.sort_by(|(na, a), (nb, b)| {
            let (ta, tb) = (a.tokens.total(), b.tokens.total());
            tb.cmp(&ta).then_with(|| na.cmp(nb))
        });
        let mut block = Block {
            provider_id: source.provider_id.to_owned(),
            account_id: source.account_id.to_owned(),
            start: self.start,
            end: self.end,
            first: self.first,
            last: self.last,
            usage: self.usage,
            models,
            live: None,
        };
        if now < block.end {
            block.live = Some(live(&block, now));
        }
        block
    }
}

/// Elapsed, remaining, burn rate and projection of a block active at `now`.
fn live(block: &Block, now: DateTime<Utc>) -> Live {
    let elapsed = (now - block.start).max(TimeDelta::zero());
    let remaining = block.end - now;
    let span = hours((now - block.first).max(MIN_BURN_SPAN));
    let tokens = block.usage.tokens.total() as f64;
    let cost = block.known_cost();
    let burn = Burn {
        tokens_per_hour: tokens / span,
        cost_usd_per_hour: cost.map(|c| c / span),
    };
    let left = hours(remaining);
    Live {
        elapsed,
        remaining,
        burn,
        projection: Projection {
            total_tokens: tokens + burn.tokens_per_hour * left,
            cost_usd: cost.zip(burn.cost_usd_per_hour).map(|(c, r)| c + r * left),
        },
    }
}

/// A span in hours.
fn hours(span: TimeDelta) -> f64 {
    span.num_milliseconds() as f64 / 3_600_000.0
}

/// The blocks `--recent` keeps: active, or ended within [`RECENT`] of now.
pub fn recent(blocks: Vec<Block>, now: DateTime<Utc>) -> Vec<Block> {
    let since = now
        .checked_sub_signed(RECENT)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    blocks
        .into_iter()
        .filter(|b| b.is_active() || b.end >= since)
        .collect()
}

/// The largest total of tokens of a block that is not active: what
/// `--token-limit max` measures against; `None` when there is none.
pub fn max_past_total(blocks: &[Block]) -> Option<u64> {
    let past = blocks.iter().filter(|b| !b.is_active());
    past.map(|b| b.usage.tokens.total()).max()
}

/// `total` as a percent of `limit` (`None` for a zero limit).
pub fn percent_of(total: u64, limit: u64) -> Option<f64> {
    (limit > 0).then(|| total as f64 * 100.0 / limit as f64)
}

#[cfg(test)]
mod tests;
