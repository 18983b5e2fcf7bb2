//! openusage-core: what every openusage crate shares, and nothing else.
//!
//! **The plugin API**, through which the host drives providers it never
//! names:
//! - [`Provider`]: one agent (detect, describe, load an account) and
//!   [`AccountReader`]: one of its accounts (collect, save); the call order
//!   and a whole provider are in [`Provider`]'s documentation;
//! - [`Registry`]: the providers the host knows and the merge of detected
//!   and configured [`Account`]s;
//! - [`settings`]: the settings file, and [`options`]: an account's `extra`;
//! - [`Env`], [`Clock`] and [`open`]: the seams through which providers see
//!   the machine, the time and the files, so tests never touch the real
//!   ones;
//! - [`keys`]: the names of metrics, diagnostics, series and dimensions, as
//!   types every producer and consumer shares; [`TileSpec`]: what a
//!   provider's tile shows, declared by the provider; [`status`]: the status
//!   and message wording every provider shares.
//!
//! **The usage model**, which every provider fills the same way:
//! - [`usage`]: tokens, one counted record, sums and kinds of records;
//! - [`aggregate`]: records into a snapshot and a ledger, in one pass;
//! - [`snapshot`]: the types that serialise to the JSON contract;
//! - [`ledger`] and [`report`]: what was counted, by session, day and model,
//!   and the daily, weekly, monthly, session and project reports made from
//!   it; [`blocks`]: the 5-hour blocks made from the ledgers' hour sums;
//!   [`limits`]: a snapshot's limit readings, in the order views show them;
//! - [`pricing`]: list prices ([`pricing::Prices`]) and what a record costs
//!   at them, for the records whose agent recorded no cost;
//! - [`zone`]: where days start; [`humanize`]: numbers for people.
//!
//! Reading files is not here: `openusage-files` finds and reads an account's
//! files incrementally, `openusage-jsonl` reads their lines.

pub mod aggregate;
pub mod blocks;
mod clock;
mod env;
pub mod humanize;
pub mod keys;
pub mod ledger;
pub mod limits;
pub mod open;
pub mod options;
pub mod pricing;
mod provider;
mod registry;
pub mod report;
mod saved;
pub mod settings;
pub mod snapshot;
pub mod status;
mod tile;
pub mod usage;
mod workspace;
pub mod zone;

pub use clock::{Clock, FixedClock, SystemClock};
pub use env::Env;
pub use keys::{
    DiagnosticKey, DimensionKey, MetricKey, SeriesKey, diagnostic, dimension, metric, series,
};
pub use provider::{
    About, AccountError, AccountReader, CollectContext, Collected, Detection, LoadContext,
    Progress, Provider, Tool, Watched, collect_once,
};
pub use registry::{Account, Registry, Source};
pub use settings::{AccountConfig, Settings, SettingsError, UiSettings};
pub use snapshot::{
    DailyPoint, KindUsage, Metric, MetricValue, ModelUsage, RECENT_SESSIONS, RecentSession,
    SCHEMA_VERSION, Snapshot, SnapshotReport, Status,
};
pub use tile::{TileSpec, TokenRow};
pub use workspace::label as workspace_label;
pub use zone::{UnknownZone, Zone};
