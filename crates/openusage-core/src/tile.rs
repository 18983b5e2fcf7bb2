//! What a provider's dashboard tile shows besides the rows every tile has.
//! A provider declares it ([`Provider::tile`](crate::Provider::tile)); the
//! host renders any provider from it without naming one.

#![deny(missing_docs)]

use crate::keys::MetricKey;

/// The tile of one provider's accounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TileSpec {
    /// Token sums the provider counts apart from the four buckets (Codex's
    /// reasoning tokens): shown in the tile's token split after output,
    /// when the snapshot has the metric.
    pub extra_tokens: &'static [TokenRow],
    /// Draw a gauge for each limit reading: every metric whose `unit` is
    /// `percent` and that has a `window` (Codex's `rate_limit_*`).
    pub limits: bool,
}

impl TileSpec {
    /// A tile with extra token rows.
    pub const fn with_extra_tokens(extra_tokens: &'static [TokenRow]) -> Self {
        TileSpec {
            extra_tokens,
            limits: false,
        }
    }

    /// The same tile, with a gauge line for each limit reading.
    pub const fn with_limits(self) -> Self {
        TileSpec {
            limits: true,
            ..self
        }
    }
}

/// One labelled token sum in a tile's token split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRow {
    /// What people read before the number (`reasoning`).
    pub label: &'static str,
    /// The metric holding the number.
    pub metric: MetricKey,
}
