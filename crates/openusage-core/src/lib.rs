//! openusage-core: what every openusage provider and the host share.
//!
//! - [`provider`]: the [`Provider`] trait (detect, load account config,
//!   collect snapshot) and its small value types;
//! - [`agent`]: [`FileAgent`], everything a provider of JSONL files shares,
//!   so such a provider says only where its files are and what they mean;
//! - [`registry`]: the providers the host knows and the merge of detected and
//!   configured accounts;
//! - [`settings`]: the settings file, and [`options`]: an account's `extra`;
//! - [`env`](mod@env) and [`clock`]: the seams through which providers see the
//!   machine and the time, so tests never touch the real ones;
//! - [`snapshot`]: the types that serialise to the JSON contract;
//! - [`walk`], [`cache`], [`files`], [`lines`], [`compressed`], [`scan`], [`json`],
//!   [`aggregate`], [`humanize`]: the reading, counting and summing every
//!   provider needs, written once;
//! - [`ledger`] and [`report`]: what was counted, by session, day and model,
//!   and the daily, weekly, monthly and session reports made from it;
//! - [`zone`]: where days start.

pub mod agent;
pub mod aggregate;
pub mod cache;
pub mod clock;
pub mod compressed;
pub mod env;
pub mod files;
pub mod fxhash;
pub mod humanize;
pub mod instant;
pub mod json;
pub mod ledger;
pub mod lines;
pub mod open;
pub mod options;
pub mod provider;
pub mod registry;
pub mod report;
pub mod scan;
pub mod settings;
pub mod snapshot;
pub mod walk;
pub mod workspace;
pub mod zone;

pub use agent::{FileAccount, FileAgent};
pub use clock::{Clock, FixedClock, SystemClock};
pub use env::Env;
pub use provider::{
    AccountError, CollectContext, Collected, Detection, LoadContext, Progress, Provider, Tool,
    collect_once,
};
pub use registry::{Account, Registry, Source};
pub use settings::{AccountConfig, Settings, SettingsError, UiSettings};
pub use snapshot::{
    DailyPoint, KindUsage, Metric, MetricValue, ModelUsage, SCHEMA_VERSION, Snapshot,
    SnapshotReport, Status,
};
pub use walk::Root;
pub use workspace::label as workspace_label;
pub use zone::{UnknownZone, Zone};
