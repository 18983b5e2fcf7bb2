//! openusage-files: finding and reading an account's transcript files
//! incrementally. A provider whose agent writes files composes this crate
//! into its own `impl Provider`; it says where the files are ([`Root`]s),
//! what one file means (a reading built line by line, implementing
//! [`Scanned`] and [`Incremental`]) and how readings are counted; this crate
//! does the rest:
//!
//! - [`Root`]: where files are looked for; every directory below is
//!   entered once, special files are refused;
//! - [`ScanCache`]: what each file held at its last reading, so a refresh
//!   reads only appended bytes, and its copy on disk between runs;
//! - [`read_roots`] / [`Reading`]: every file read (or remembered) on every
//!   core, the counters of what was read and dropped, and the status they
//!   make;
//! - [`FileAccount`] / [`FileAgent`]: an account of such a provider, with
//!   its directory options, ready to collect.
//!
//! The line reading itself (long lines, validation, compressed files) is the
//! `openusage-jsonl` crate.

mod agent;
mod cache;
mod files;
mod stable_hash;
mod walk;

pub use agent::{EXTRA_DIRS_OPTION, FileAccount, FileAgent, detect};
pub use cache::disk::{path_bytes, remove_abandoned};
pub use cache::{FORMAT, Incremental, ScanCache, read_all, read_all_with};
pub use files::{Diagnostics, Reading, Scanned, counting_order, read_roots};
pub use walk::Root;
