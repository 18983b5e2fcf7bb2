//! The names of a snapshot's figures, as types: every producer (the
//! aggregator, the file reader, a provider's own counters) and every
//! consumer (the tile, analytics, reports, tests) names a figure through one
//! of these constants, so a renamed figure is renamed everywhere at once and
//! a misspelt one does not compile. The JSON contract names them by the
//! strings they hold.

#![deny(missing_docs)]

use std::fmt;

/// Defines a key type: a name the JSON contract uses, wrapped so that keys
/// of one kind cannot be passed where another kind is meant.
macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(&'static str);

        impl $name {
            /// A key of this name; the constants below are the ones in use.
            pub const fn new(name: &'static str) -> Self {
                $name(name)
            }

            /// The name, as the JSON contract writes it.
            pub const fn as_str(self) -> &'static str {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
    };
}

key_type!(
    /// The name of a figure in a snapshot's `metrics`.
    MetricKey
);
key_type!(
    /// The name of a counter in a snapshot's `diagnostics`.
    DiagnosticKey
);
key_type!(
    /// The name of a series in a snapshot's `daily_series`.
    SeriesKey
);
key_type!(
    /// The name of a dimension of a model record (`dimensions`).
    DimensionKey
);

/// The metrics every provider's snapshot has (when anything was counted),
/// and those some providers add.
pub mod metric {
    use super::MetricKey;

    /// Sessions with at least one counted record, all time.
    pub const TOTAL_SESSIONS: MetricKey = MetricKey::new("total_sessions");
    /// Sessions with a record today (in the snapshot's zone).
    pub const SESSIONS_TODAY: MetricKey = MetricKey::new("sessions_today");
    /// Sessions with a record in the last 7 days.
    pub const SESSIONS_7D: MetricKey = MetricKey::new("sessions_7d");
    /// Input tokens (not read from or written to a cache), all time.
    pub const TOTAL_INPUT_TOKENS: MetricKey = MetricKey::new("total_input_tokens");
    /// Output tokens, all time.
    pub const TOTAL_OUTPUT_TOKENS: MetricKey = MetricKey::new("total_output_tokens");
    /// Tokens read from a prompt cache, all time.
    pub const TOTAL_CACHE_READ: MetricKey = MetricKey::new("total_cache_read");
    /// Tokens written to a prompt cache, all time.
    pub const TOTAL_CACHE_WRITE: MetricKey = MetricKey::new("total_cache_write");
    /// The four buckets' sum, all time.
    pub const TOTAL_TOKENS: MetricKey = MetricKey::new("total_tokens");
    /// The sum of the costs the agent recorded.
    pub const TOTAL_COST_USD: MetricKey = MetricKey::new("total_cost_usd");
    /// Records whose recorded cost is exactly 0 although they used tokens.
    pub const UNPRICED_REQUESTS: MetricKey = MetricKey::new("unpriced_requests");
    /// Records that used tokens and recorded no cost at all.
    pub const UNCOSTED_REQUESTS: MetricKey = MetricKey::new("uncosted_requests");
    /// The list-price estimates of the records whose agent recorded no
    /// usable cost (unpriced or uncosted) and whose model has a price.
    pub const ESTIMATED_COST_USD: MetricKey = MetricKey::new("estimated_cost_usd");
    /// Unpriced or uncosted records whose model has no price either.
    pub const UNKNOWN_COST_REQUESTS: MetricKey = MetricKey::new("unknown_cost_requests");
    /// Every record at list price (in the `calculate` cost mode only).
    pub const CALCULATED_COST_USD: MetricKey = MetricKey::new("calculated_cost_usd");
    /// Reasoning tokens, a part of output that some agents count apart.
    pub const TOTAL_REASONING_TOKENS: MetricKey = MetricKey::new("total_reasoning_tokens");
    /// The main rate limit's first (shorter) window, as a percent used (Codex).
    pub const RATE_LIMIT_PRIMARY: MetricKey = MetricKey::new("rate_limit_primary");
    /// The main rate limit's second (longer) window (Codex).
    pub const RATE_LIMIT_SECONDARY: MetricKey = MetricKey::new("rate_limit_secondary");
    /// The credit balance reported with the main rate limit (Codex).
    pub const RATE_LIMIT_CREDITS: MetricKey = MetricKey::new("rate_limit_credits");
}

/// The counters of what was read and dropped.
pub mod diagnostic {
    use super::DiagnosticKey;

    /// Files read to the end (skipped ones included).
    pub const FILES_READ: DiagnosticKey = DiagnosticKey::new("files_read");
    /// Files read that are not transcripts (no header).
    pub const FILES_SKIPPED: DiagnosticKey = DiagnosticKey::new("files_skipped");
    /// Files that could not be opened or read to the end.
    pub const FILES_UNREADABLE: DiagnosticKey = DiagnosticKey::new("files_unreadable");
    /// Entries named like transcripts that are no regular files: never read.
    pub const FILES_SPECIAL: DiagnosticKey = DiagnosticKey::new("files_special");
    /// Directories that could not be listed.
    pub const DIRS_UNREADABLE: DiagnosticKey = DiagnosticKey::new("dirs_unreadable");
    /// Lines that are not JSON objects.
    pub const LINES_DROPPED: DiagnosticKey = DiagnosticKey::new("lines_dropped");
    /// Lines that could matter but were too long to read.
    pub const LINES_OVERSIZED: DiagnosticKey = DiagnosticKey::new("lines_oversized");
    /// Usage records whose four buckets were all 0.
    pub const TURNS_ZERO: DiagnosticKey = DiagnosticKey::new("turns_zero");
    /// Copies of a usage record already counted.
    pub const TURNS_DUPLICATE: DiagnosticKey = DiagnosticKey::new("turns_duplicate");
    /// Usage records counted.
    pub const TURNS_COUNTED: DiagnosticKey = DiagnosticKey::new("turns_counted");
    /// The paths that could not be read, with the reason (at most 20).
    pub const UNREADABLE: DiagnosticKey = DiagnosticKey::new("unreadable");
    /// Sums that reached their bound: the figures are at least what is shown.
    pub const SUMS_SATURATED: DiagnosticKey = DiagnosticKey::new("sums_saturated");
}

/// The daily series.
pub mod series {
    use super::SeriesKey;

    /// Sessions with a record, per day.
    pub const SESSIONS: SeriesKey = SeriesKey::new("sessions");
    /// Tokens, per day.
    pub const TOKENS: SeriesKey = SeriesKey::new("tokens");
}

/// The dimensions a model record is split by, besides its model id.
pub mod dimension {
    use super::DimensionKey;

    /// The provider that served the model (`anthropic`), as the agent recorded it.
    pub const UPSTREAM_PROVIDER: DimensionKey = DimensionKey::new("upstream_provider");
    /// The project the session ran in, shortened for people.
    pub const WORKSPACE_LABEL: DimensionKey = DimensionKey::new("workspace_label");
    /// The model that answered, when the agent records it apart from the model asked for.
    pub const RESPONSE_MODEL: DimensionKey = DimensionKey::new("response_model");
    /// The agent within the provider that wrote the records (Pi: `pi` or
    /// `omp`); absent for providers that stand for one agent.
    pub const AGENT: DimensionKey = DimensionKey::new("agent");
}
