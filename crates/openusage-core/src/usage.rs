//! The usage every provider counts, in the terms every report shares: the
//! four token [`Tokens`] buckets, one counted [`Record`], the sums of a group
//! of records ([`Usage`]), the [`kind`]s of record and the [`ModelKey`] usage
//! is split by. The aggregator, the ledger and the snapshot all build on
//! these and on nothing of each other's.

use chrono::{DateTime, Utc};

/// The four token buckets every agent reports in some form.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
}

impl Tokens {
    /// The most a sum of one bucket holds: a quarter of `u64::MAX`, so the
    /// four together never overflow and [`Tokens::total`] is always the
    /// exact sum of the buckets shown beside it.
    pub const MAX_SUM: u64 = u64::MAX / 4;

    /// input + output + cache read + cache write. Exact for sums made by
    /// [`Tokens::add`]; saturating for buckets built otherwise.
    pub fn total(&self) -> u64 {
        self.input
            .saturating_add(self.output)
            .saturating_add(self.cache_read)
            .saturating_add(self.cache_write)
    }

    pub fn is_zero(&self) -> bool {
        *self == Tokens::default()
    }

    /// Adds `other` bucket by bucket, each sum saturating at
    /// [`Tokens::MAX_SUM`]; true when one did.
    pub fn add(&mut self, other: &Tokens) -> bool {
        let mut saturated = false;
        for (sum, part) in [
            (&mut self.input, other.input),
            (&mut self.output, other.output),
            (&mut self.cache_read, other.cache_read),
            (&mut self.cache_write, other.cache_write),
        ] {
            let exact = sum.checked_add(part).filter(|s| *s <= Self::MAX_SUM);
            saturated |= exact.is_none();
            *sum = exact.unwrap_or(Self::MAX_SUM);
        }
        saturated
    }
}

/// What a group of records adds up to: tokens, how many records, how many
/// of them were unpriced or recorded no cost, and the cost recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    pub tokens: Tokens,
    pub requests: u64,
    /// Records whose recorded cost is exactly 0 although they used tokens:
    /// the agent had no price for the model (a local or custom model), so
    /// their cost is unknown, not free.
    pub unpriced: u64,
    /// Records that used tokens and recorded no cost at all (the agent
    /// writes none, as Codex and Claude Code, or the field is missing or
    /// unusable): absent is not zero, so `cost_usd` does not cover them.
    pub uncosted: u64,
    /// Sum of the recorded costs (unpriced zeros included); `None` when no
    /// record recorded one.
    pub cost_usd: Option<f64>,
    /// Sum of the list-price estimates of the unpriced and uncosted records
    /// whose model has a price; `None` when there was none to make.
    pub estimated_cost_usd: Option<f64>,
    /// Unpriced or uncosted records whose model has no price either: their
    /// cost is unknown.
    pub unknown_cost: u64,
    /// Every record at list price, when the cost mode asks for it
    /// (`calculate`); `None` otherwise, or when no record has a price.
    pub calculated_cost_usd: Option<f64>,
    /// Records whose model has no list price (whatever they recorded):
    /// what a sum at list price leaves out.
    pub unlisted: u64,
    /// Records of models run locally (priced at $0 as such).
    pub local: u64,
}

/// What one record costs besides what its agent recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RecordCost {
    /// Its list-price estimate, when it needs one (unpriced or uncosted)
    /// and its model has a price.
    pub estimated: Option<f64>,
    /// It needs an estimate and its model has no price.
    pub unknown: bool,
    /// Its cost at list price, when asked for and its model has a price.
    pub calculated: Option<f64>,
    /// Its model has no list price.
    pub unlisted: bool,
    /// Its model runs locally.
    pub local: bool,
}

impl Usage {
    /// Adds one record, with what it costs besides its recorded cost; true
    /// when a sum saturated.
    pub(crate) fn add_record(&mut self, record: &Record<'_>, cost: &RecordCost) -> bool {
        self.requests += 1;
        self.unpriced += u64::from(record.is_unpriced());
        self.uncosted += u64::from(record.is_uncosted());
        self.unknown_cost += u64::from(cost.unknown);
        self.unlisted += u64::from(cost.unlisted);
        self.local += u64::from(cost.local);
        let tokens = self.tokens.add(&record.tokens);
        add_cost(&mut self.cost_usd, record.cost_usd)
            | add_cost(&mut self.estimated_cost_usd, cost.estimated)
            | add_cost(&mut self.calculated_cost_usd, cost.calculated)
            | tokens
    }

    /// Adds another group's sums to this one; true when a sum saturated.
    pub fn add(&mut self, other: &Usage) -> bool {
        self.requests += other.requests;
        self.unpriced += other.unpriced;
        self.uncosted += other.uncosted;
        self.unknown_cost += other.unknown_cost;
        self.unlisted += other.unlisted;
        self.local += other.local;
        let tokens = self.tokens.add(&other.tokens);
        add_cost(&mut self.cost_usd, other.cost_usd)
            | add_cost(&mut self.estimated_cost_usd, other.estimated_cost_usd)
            | add_cost(&mut self.calculated_cost_usd, other.calculated_cost_usd)
            | tokens
    }
}

/// One counted usage record, after the provider has applied its own rules
/// for what counts and dropped copies.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The id of the session the record belongs to.
    pub session: &'a str,
    pub at: DateTime<Utc>,
    pub model: &'a str,
    pub upstream_provider: Option<&'a str>,
    pub workspace: Option<&'a str>,
    /// What kind of call the usage is of ([`kind`]).
    pub kind: &'static str,
    /// What the agent itself calls the operation, when a kind carries such
    /// a name (Pi's `usage` entries: `cache_warm`, or any later name).
    pub subkind: Option<&'a str>,
    /// The model that answered, when the agent records it apart from the
    /// model asked for (a router such as `openrouter/auto`).
    pub response_model: Option<&'a str>,
    pub tokens: Tokens,
    /// The part of `tokens.cache_write` written to the cache for an hour
    /// rather than five minutes (Claude Code records the split): priced
    /// apart (see [`crate::pricing::Price::cost`]); 0 when not recorded.
    pub cache_write_1h: u64,
    /// The cost the agent recorded, when it recorded one.
    pub cost_usd: Option<f64>,
    /// Which agent wrote it and in which session and place, beyond the
    /// provider (Pi or Oh My Pi; a title; the full working directory).
    pub origin: Origin<'a>,
}

/// What a record's session says about where it comes from, when the
/// provider knows: every field may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origin<'a> {
    /// The agent within the provider that wrote the record, for a provider
    /// that stands for more than one (Pi's `pi` and `omp`).
    pub agent: Option<&'a str>,
    /// The session's title as the agent recorded it (never text of the
    /// transcript: a name the user or the agent gave the session).
    pub title: Option<&'a str>,
    /// The session's working directory as recorded, in full (the
    /// workspace is its last segment).
    pub cwd: Option<&'a str>,
}

impl Record<'_> {
    /// A recorded cost of exactly 0 for a record that used tokens.
    pub fn is_unpriced(&self) -> bool {
        self.cost_usd == Some(0.0) && !self.tokens.is_zero()
    }

    /// Its recorded cost does not say what it cost: unpriced or uncosted.
    pub fn needs_estimate(&self) -> bool {
        self.is_unpriced() || self.is_uncosted()
    }

    /// No cost recorded for a record that used tokens.
    pub fn is_uncosted(&self) -> bool {
        self.cost_usd.is_none() && !self.tokens.is_zero()
    }
}

/// The kinds of usage records, as snapshots and reports name them.
pub mod kind {
    /// A model's reply in the conversation: the one kind every agent has.
    pub const ASSISTANT: &str = "assistant";
    /// Model work done inside a tool call (Pi's `toolResult` usage).
    pub const TOOL_RESULT: &str = "tool_result";
    /// The summariser call that compacted the context.
    pub const COMPACTION: &str = "compaction";
    /// The summariser call that summarised an abandoned branch.
    pub const BRANCH_SUMMARY: &str = "branch_summary";
    /// A side call outside the conversation (Oh My Pi: titles and the like).
    pub const MODEL_USAGE: &str = "model_usage";
    /// Usage outside any model response (Pi's `usage` entries, such as its
    /// cache warmer's); the agent's own name for it is the record's subkind.
    pub const USAGE: &str = "usage";
    /// A call to a second, stronger model made inside a reply (Claude
    /// Code's `/advisor`, recorded as an `advisor_message` usage iteration).
    pub const ADVISOR: &str = "advisor";

    /// Every kind above.
    pub const ALL: [&str; 7] = [
        ASSISTANT,
        TOOL_RESULT,
        COMPACTION,
        BRANCH_SUMMARY,
        MODEL_USAGE,
        USAGE,
        ADVISOR,
    ];

    /// The kind named `name`, when it is one of [`ALL`]: a kind read back
    /// from a saved counting is one of the constants again, or nothing.
    pub fn named(name: &str) -> Option<&'static str> {
        ALL.into_iter().find(|k| *k == name)
    }

    /// A kind, as a field that is saved names its type: serde's derive
    /// takes a field written `&'static str` for one borrowed from the
    /// input, which a kind read back is not (it is one of [`ALL`]).
    pub type Kind = &'static str;

    /// Serde for a kind as its name; a name that is no kind does not
    /// decode. For a [`Kind`] field: `#[serde(with = "kind::serde")]`.
    pub mod serde {
        use serde::de::Error;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes the kind's name.
        pub fn serialize<S: Serializer>(kind: &&'static str, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(kind)
        }

        /// Reads a name written by [`serialize`].
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
            let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            super::named(&name).ok_or_else(|| D::Error::custom("not a kind of usage"))
        }
    }
}

/// A model as usage is split by: its id, upstream provider, workspace, the
/// model that answered (when the agent records one apart) and the agent
/// that wrote the records (for a provider that stands for several).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ModelKey {
    pub model: String,
    pub upstream_provider: Option<String>,
    pub workspace: Option<String>,
    pub response_model: Option<String>,
    pub agent: Option<String>,
}

impl ModelKey {
    pub(crate) fn of(record: &Record<'_>) -> Self {
        ModelKey {
            model: record.model.to_owned(),
            upstream_provider: record.upstream_provider.map(str::to_owned),
            workspace: record.workspace.map(str::to_owned),
            response_model: record.response_model.map(str::to_owned),
            agent: record.origin.agent.map(str::to_owned),
        }
    }
}

/// Adds a recorded cost (finite, >= 0) to a sum; true when it saturated.
/// The sum saturates at `f64::MAX`, as token sums saturate: two costs of
/// `1e308` would otherwise make it infinite, which a snapshot cannot show
/// (JSON has no infinity).
pub fn add_cost(sum: &mut Option<f64>, cost: Option<f64>) -> bool {
    let Some(c) = cost else { return false };
    let exact = sum.unwrap_or(0.0) + c;
    *sum = Some(exact.min(f64::MAX));
    !exact.is_finite()
}
