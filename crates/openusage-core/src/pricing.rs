//! What a record would cost at list prices, for the records whose agent
//! recorded no usable cost (and for every record, when the user asks to
//! compare): the [`Prices`] a provider of price tables implements, the
//! [`Price`] of one model, and the rule that turns a record's tokens into
//! dollars ([`Price::cost`]).
//!
//! The aggregator asks once per model it meets, then prices each record
//! from its tokens, so a request above the long-context threshold is
//! charged at its tier as the providers bill it.

#![deny(missing_docs)]

use std::fmt;
use std::sync::Arc;

use crate::usage::Record;

/// Requests whose input side (input + cache read + cache write) is above
/// this many tokens are charged at a model's long-context prices, when it
/// has them.
pub const LONG_CONTEXT: u64 = 200_000;

/// The list prices of one model, in USD per token.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Price {
    /// Input tokens not read from or written to a cache.
    pub input: f64,
    /// Output tokens (reasoning included).
    pub output: f64,
    /// Tokens read from a prompt cache; the input price when absent.
    pub cache_read: Option<f64>,
    /// Tokens written to a prompt cache (5-minute lifetime); the input
    /// price when absent.
    pub cache_write: Option<f64>,
    /// Tokens written to a prompt cache for an hour; twice the input price
    /// when absent (as Anthropic bills them).
    pub cache_write_1h: Option<f64>,
    /// The prices of requests above [`LONG_CONTEXT`] input tokens.
    pub long_context: Option<Tier>,
}

/// A model's prices for long requests, in USD per token.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Tier {
    /// Input tokens.
    pub input: f64,
    /// Output tokens.
    pub output: f64,
    /// Cache reads; the tier's input price when absent.
    pub cache_read: Option<f64>,
    /// Cache writes; the tier's input price when absent.
    pub cache_write: Option<f64>,
}

impl Price {
    /// What `record` costs at these prices: each bucket at its price, the
    /// hour-long cache writes (`cache_write_1h`, part of the cache writes)
    /// at theirs, and the whole request at the long-context tier when its
    /// input side is above [`LONG_CONTEXT`] and the model has one. (Hour
    /// writes in a long request cost twice the tier's input price.)
    pub fn cost(&self, record: &Record<'_>) -> f64 {
        let t = &record.tokens;
        let input_side = t
            .input
            .saturating_add(t.cache_read)
            .saturating_add(t.cache_write);
        let hour = record.cache_write_1h.min(t.cache_write);
        let minutes = t.cache_write - hour;
        let n = |tokens: u64| tokens as f64;
        match self.long_context.filter(|_| input_side > LONG_CONTEXT) {
            Some(tier) => {
                n(t.input) * tier.input
                    + n(t.output) * tier.output
                    + n(t.cache_read) * tier.cache_read.unwrap_or(tier.input)
                    + n(minutes) * tier.cache_write.unwrap_or(tier.input)
                    + n(hour) * 2.0 * tier.input
            }
            None => {
                n(t.input) * self.input
                    + n(t.output) * self.output
                    + n(t.cache_read) * self.cache_read.unwrap_or(self.input)
                    + n(minutes) * self.cache_write.unwrap_or(self.input)
                    + n(hour) * self.cache_write_1h.unwrap_or(2.0 * self.input)
            }
        }
    }
}

/// Where a model's price came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PriceEntry {
    /// The entry of the price table, by its key.
    Table(String),
    /// The user's own price (settings `prices`).
    User,
    /// A model run locally: it costs nothing.
    Local,
}

impl PriceEntry {
    /// The table key, `user` or `local`, as the JSON contract writes it.
    pub fn as_str(&self) -> &str {
        match self {
            PriceEntry::Table(key) => key,
            PriceEntry::User => "user",
            PriceEntry::Local => "local",
        }
    }
}

/// A model's price and where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lookup {
    /// Where the price came from.
    pub entry: PriceEntry,
    /// The price.
    pub price: Price,
}

/// List prices by model: a price table, the user's own prices, or none.
pub trait Prices: Send + Sync + fmt::Debug {
    /// The price of `model` as an agent recorded it, served by
    /// `upstream_provider` when the agent recorded one; `None` when nothing
    /// matches (never a guess).
    fn lookup(&self, model: &str, upstream_provider: Option<&str>) -> Option<Lookup>;
}

/// No prices at all: nothing is estimated.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPrices;

impl Prices for NoPrices {
    fn lookup(&self, _: &str, _: Option<&str>) -> Option<Lookup> {
        None
    }
}

/// A price the user gives in the settings (`prices`), in USD per million
/// tokens; it overrides the price table for that model id.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPrice {
    /// Input tokens.
    pub input: f64,
    /// Output tokens.
    pub output: f64,
    /// Cache reads; the input price when absent.
    #[serde(default)]
    pub cache_read: Option<f64>,
    /// Cache writes; the input price when absent.
    #[serde(default)]
    pub cache_write: Option<f64>,
}

impl UserPrice {
    /// The same price per token.
    pub fn per_token(&self) -> Price {
        let m = |usd_per_million: f64| usd_per_million / 1e6;
        Price {
            input: m(self.input),
            output: m(self.output),
            cache_read: self.cache_read.map(m),
            cache_write: self.cache_write.map(m),
            cache_write_1h: None,
            long_context: None,
        }
    }

    /// Every figure is a finite number, not below 0.
    pub fn is_valid(&self) -> bool {
        [
            Some(self.input),
            Some(self.output),
            self.cache_read,
            self.cache_write,
        ]
        .into_iter()
        .flatten()
        .all(|x| x.is_finite() && x >= 0.0)
    }
}

/// Which costs the views show; the JSON carries recorded and estimated
/// costs whatever the mode (and `calculated_cost_usd` in `calculate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CostMode {
    /// Recorded costs, and list-price estimates for the records without.
    #[default]
    Auto,
    /// Only what the agents recorded.
    Recorded,
    /// Every record at list price.
    Calculate,
}

impl CostMode {
    /// The mode of this name (`auto`, `recorded`, `calculate`).
    pub fn from_name(name: &str) -> Option<CostMode> {
        match name {
            "auto" => Some(CostMode::Auto),
            "recorded" => Some(CostMode::Recorded),
            "calculate" => Some(CostMode::Calculate),
            _ => None,
        }
    }

    /// The mode's name.
    pub fn name(self) -> &'static str {
        match self {
            CostMode::Auto => "auto",
            CostMode::Recorded => "recorded",
            CostMode::Calculate => "calculate",
        }
    }
}

/// The prices records are estimated with, and the mode costs are shown in.
#[derive(Debug, Clone)]
pub struct Pricing {
    /// The prices.
    pub prices: Arc<dyn Prices>,
    /// The mode.
    pub mode: CostMode,
}

impl Pricing {
    /// No prices: nothing is estimated (what tests of one provider use).
    pub fn none() -> Self {
        Pricing {
            prices: Arc::new(NoPrices),
            mode: CostMode::Auto,
        }
    }

    /// The price of a record's model: the model that answered when the
    /// agent recorded one apart (a router's choice), else the model asked
    /// for.
    pub fn lookup(&self, record: &Record<'_>) -> Option<Lookup> {
        record
            .response_model
            .and_then(|answered| self.prices.lookup(answered, record.upstream_provider))
            .or_else(|| self.prices.lookup(record.model, record.upstream_provider))
    }

    /// [`Pricing::lookup`] of a model's records (a record's price depends
    /// on nothing else of it).
    pub fn lookup_model(&self, key: &crate::usage::ModelKey) -> Option<Lookup> {
        let upstream = key.upstream_provider.as_deref();
        key.response_model
            .as_deref()
            .and_then(|answered| self.prices.lookup(answered, upstream))
            .or_else(|| self.prices.lookup(&key.model, upstream))
    }
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::{Tokens, kind};
    use chrono::DateTime;

    fn record(tokens: Tokens, hour: u64) -> Record<'static> {
        Record {
            session: "s",
            at: DateTime::UNIX_EPOCH,
            model: "m",
            upstream_provider: None,
            workspace: None,
            kind: kind::ASSISTANT,
            subkind: None,
            response_model: None,
            tokens,
            cache_write_1h: hour,
            cost_usd: None,
            origin: Default::default(),
        }
    }

    /// Prices of $3 / $15 / $0.30 / $3.75 per million, $6 and $22.50 per
    /// million above 200k input tokens.
    fn sonnet() -> Price {
        Price {
            input: 3e-6,
            output: 15e-6,
            cache_read: Some(0.3e-6),
            cache_write: Some(3.75e-6),
            cache_write_1h: None,
            long_context: Some(Tier {
                input: 6e-6,
                output: 22.5e-6,
                cache_read: Some(0.6e-6),
                cache_write: Some(7.5e-6),
            }),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn each_bucket_at_its_price_and_hour_writes_at_twice_the_input_price() {
        let tokens = Tokens {
            input: 1_000,
            output: 2_000,
            cache_read: 10_000,
            cache_write: 4_000,
        };
        // 1000×3 + 2000×15 + 10000×0.3 + 3000×3.75 + 1000×6 = 53,250 µ$.
        assert!(close(sonnet().cost(&record(tokens, 1_000)), 0.05325));
    }

    #[test]
    fn a_request_above_200k_input_tokens_is_charged_whole_at_the_tier() {
        let at_edge = Tokens {
            input: 100_000,
            output: 1_000,
            cache_read: 100_000,
            cache_write: 0,
        };
        // Exactly 200k: base prices. 100000×3 + 1000×15 + 100000×0.3 µ$.
        assert!(close(sonnet().cost(&record(at_edge, 0)), 0.345));
        let above = Tokens {
            input: 100_001,
            ..at_edge
        };
        // 100001×6 + 1000×22.5 + 100000×0.6 µ$ = 682,506 µ$.
        assert!(close(sonnet().cost(&record(above, 0)), 0.682506));
    }

    #[test]
    fn missing_cache_prices_fall_back_to_the_input_price() {
        let plain = Price {
            input: 1e-6,
            output: 2e-6,
            ..Price::default()
        };
        let tokens = Tokens {
            input: 10,
            output: 10,
            cache_read: 10,
            cache_write: 10,
        };
        // 10×1 + 10×2 + 10×1 + 5×1 + 5×2 µ$.
        assert!(close(plain.cost(&record(tokens, 5)), 55e-6));
    }
}
