//! Token usage of assistant turns, shaped the way each provider reports it,
//! with the cost Pi would compute at list price.

use crate::catalog::{Model, UsageStyle};
use crate::json::{push_f64, push_key, push_u64};
use crate::rng::Rng;

/// The four buckets of one turn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
}

impl Usage {
    /// The usage of a request whose prompt is `context` tokens already sent
    /// (so cached, mostly) plus `fresh` new ones, answered with `output`.
    /// `output` is at least 1, so no turn is ever all zeros: every turn this
    /// corpus writes is one a tracker must count.
    pub fn for_turn(
        rng: &mut Rng,
        style: UsageStyle,
        context: u64,
        fresh: u64,
        output: u64,
    ) -> Usage {
        let output = output.max(1);
        let hit = rng.chance(0.93);
        match style {
            UsageStyle::Anthropic if hit => Usage {
                input: rng.range(1, 40),
                output,
                cache_read: context,
                cache_write: fresh,
            },
            UsageStyle::Anthropic => Usage {
                input: rng.range(1, 40),
                output,
                cache_read: 0,
                cache_write: context + fresh,
            },
            UsageStyle::OpenAi => {
                let cached = if hit { context / 128 * 128 } else { 0 };
                Usage {
                    input: context + fresh - cached,
                    output,
                    cache_read: cached,
                    cache_write: 0,
                }
            }
            UsageStyle::Google => Usage {
                input: context + fresh,
                output,
                cache_read: if hit { context } else { 0 },
                cache_write: 0,
            },
        }
    }

    /// `totalTokens` as the provider reports it: the four buckets for
    /// Anthropic, the provider's own total elsewhere (so not always their
    /// sum, which a tracker must not assume).
    pub fn total(&self, style: UsageStyle) -> u64 {
        match style {
            UsageStyle::Anthropic => self.input + self.output + self.cache_read + self.cache_write,
            UsageStyle::OpenAi => self.input + self.output + self.cache_read,
            UsageStyle::Google => self.input + self.output,
        }
    }

    /// Adds another turn's buckets (a sub-agent's sum).
    pub fn add(&mut self, other: &Usage) {
        self.input += other.input;
        self.output += other.output;
        self.cache_read += other.cache_read;
        self.cache_write += other.cache_write;
    }

    /// The cost [`Self::push_json`] records, in billionths of a dollar and
    /// without its float rounding: each list price is a whole number of
    /// thousandths of a dollar per million tokens.
    pub fn cost_nano_usd(&self, model: &Model) -> u64 {
        let buckets = [self.input, self.output, self.cache_read, self.cache_write];
        buckets
            .iter()
            .zip(model.price)
            .map(|(&tokens, price)| {
                let milli = (price * 1000.0).round();
                debug_assert!(
                    (milli - price * 1000.0).abs() < 1e-6,
                    "{} costs whole thousandths",
                    model.id
                );
                tokens * milli as u64
            })
            .sum()
    }

    /// Appends the usage object, `{"input":…,"cost":{…}}`, cost at `model`'s
    /// list price (per million tokens), summed in Pi's order.
    pub fn push_json(&self, buf: &mut Vec<u8>, model: &Model) {
        const NAMES: [&str; 4] = ["input", "output", "cacheRead", "cacheWrite"];
        let buckets = [self.input, self.output, self.cache_read, self.cache_write];
        buf.push(b'{');
        for (name, value) in NAMES.iter().zip(buckets) {
            push_key(buf, name);
            push_u64(buf, value);
            buf.push(b',');
        }
        push_key(buf, "totalTokens");
        push_u64(buf, self.total(model.style));
        buf.extend_from_slice(b",\"cost\":{");
        let mut total = 0.0;
        for ((name, value), price) in NAMES.iter().zip(buckets).zip(model.price) {
            let cost = value as f64 * price / 1_000_000.0;
            total += cost;
            push_key(buf, name);
            push_f64(buf, cost);
            buf.push(b',');
        }
        push_key(buf, "total");
        push_f64(buf, total);
        buf.extend_from_slice(b"}}");
    }
}
