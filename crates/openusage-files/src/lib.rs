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
//! - the kept counting (the `counting` module): an account's last counting
//!   with a fingerprint of the files' stamps it was made from, so that an
//!   unchanged tree is answered after the walk alone, without decoding a
//!   reading or counting a turn;
//! - [`Grown`] and [`FileAgent::count_more`]: in an account collected again
//!   in one process (a live view), files that only grew are counted on from
//!   the last counting, their new turns alone, where the agent can be sure
//!   that gives what a full counting would;
//! - [`read_roots`] / [`Reading`]: every file read (or remembered) on every
//!   core, the counters of what was read and dropped, and the status they
//!   make;
//! - [`FileAccount`] / [`FileAgent`]: an account of such a provider, with
//!   its directory options, ready to collect.
//!
//! The line reading itself (long lines, validation, compressed files) is the
//! `openusage-jsonl` crate.
//!
//! # Example
//!
//! A whole provider of files: its agent writes `~/.toy/sessions/*.jsonl`,
//! one line `{"tokens": N}` per reply, and each file is a session.
//!
//! ```
//! use std::path::Path;
//! use std::sync::Arc;
//!
//! use chrono::{DateTime, Utc};
//! use openusage_core::aggregate::Counted;
//! use openusage_core::usage::{Record, Tokens, kind};
//! use openusage_core::{
//!     AccountConfig, AccountError, AccountReader, Detection, Env, LoadContext, Provider,
//! };
//! use openusage_files::{FileAccount, FileAgent, Incremental, Root, Scanned};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Clone, Copy)]
//! struct Toy;
//!
//! /// What one file held: its replies' tokens, and the lines that were no JSON.
//! #[derive(Debug, Clone, Default, Serialize, Deserialize)]
//! struct ToyFile {
//!     session: String,
//!     mtime: Option<DateTime<Utc>>,
//!     replies: Vec<u64>,
//!     dropped: u64,
//! }
//!
//! impl Incremental for ToyFile {
//!     fn line(&mut self, line: &[u8]) {
//!         match serde_json::from_slice::<serde_json::Value>(line) {
//!             Ok(v) => self.replies.extend(v["tokens"].as_u64()),
//!             Err(_) => self.dropped += 1,
//!         }
//!     }
//!     fn set_mtime(&mut self, mtime: DateTime<Utc>) {
//!         self.mtime = Some(mtime);
//!     }
//!     // Every line that matters holds the string "tokens".
//!     fn words(&self) -> Option<&'static [&'static [u8]]> {
//!         Some(&[b"tokens"])
//!     }
//!     fn oversized(&mut self) {
//!         self.dropped += 1;
//!     }
//! }
//!
//! impl Scanned for ToyFile {
//!     fn skipped(&self) -> bool { false }
//!     fn lines_dropped(&self) -> u64 { self.dropped }
//!     fn lines_oversized(&self) -> u64 { 0 }
//! }
//!
//! impl FileAgent for Toy {
//!     type Scan = ToyFile;
//!     type Seen = ();
//!     const ID: &'static str = "toy";
//!     const NAME: &'static str = "Toy";
//!     const BINARY: &'static str = "toy";
//!     const DIR_OPTION: &'static str = "sessions_dir";
//!     const ROOT_NAME: &'static str = "sessions directory";
//!     const CACHE_FORMAT: u32 = 1;
//!
//!     fn default_roots(&self, env: &Env) -> Vec<Root> {
//!         env.home().map(|h| Root::tree(h.join(".toy/sessions"))).into_iter().collect()
//!     }
//!     fn start(&self, path: &Path) -> ToyFile {
//!         let session = path.file_stem().map(|s| s.to_string_lossy().into_owned());
//!         ToyFile { session: session.unwrap_or_default(), ..ToyFile::default() }
//!     }
//!     fn count(&self, files: &[Arc<ToyFile>], mut counted: Counted) -> Counted {
//!         for file in files {
//!             for &output in &file.replies {
//!                 counted.aggregator.add(&Record {
//!                     session: &file.session,
//!                     at: file.mtime.unwrap_or(DateTime::UNIX_EPOCH),
//!                     model: "toy-1",
//!                     upstream_provider: None,
//!                     workspace: None,
//!                     kind: kind::ASSISTANT,
//!                     subkind: None,
//!                     response_model: None,
//!                     tokens: Tokens { output, ..Tokens::default() },
//!                     cache_write_1h: 0,
//!                     cost_usd: None,
//!                     origin: Default::default(),
//!                 });
//!                 counted.counted += 1;
//!             }
//!         }
//!         counted
//!     }
//! }
//!
//! impl Provider for Toy {
//!     fn id(&self) -> &'static str { Toy::ID }
//!     fn name(&self) -> &'static str { Toy::NAME }
//!     fn looks_in(&self) -> &'static str { "~/.toy" }
//!     fn detect(&self, env: &Env) -> Detection {
//!         openusage_files::detect(self, env)
//!     }
//!     fn load_account(
//!         &self,
//!         config: &AccountConfig,
//!         ctx: &LoadContext<'_>,
//!     ) -> Result<Box<dyn AccountReader>, AccountError> {
//!         Ok(Box::new(FileAccount::load(*self, config, ctx)?))
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let home = tempfile::tempdir()?;
//! std::fs::create_dir_all(home.path().join(".toy/sessions"))?;
//! std::fs::write(
//!     home.path().join(".toy/sessions/s1.jsonl"),
//!     // Two bad lines: only the one that holds the word is examined.
//!     "{\"tokens\": 40}\nnot json\n{\"tokens\": oops\n{\"tokens\": 2}\n",
//! )?;
//! let env = Env::new(home.path());
//! let mut registry = openusage_core::Registry::new();
//! registry.register(Toy);
//! let accounts = registry.accounts(&env, &openusage_core::Settings::default())?;
//! let now = chrono::DateTime::UNIX_EPOCH;
//! let snapshot = openusage_core::collect_once(accounts[0].reader(), &env, now);
//! assert_eq!(snapshot.count(openusage_core::metric::TOTAL_TOKENS), Some(42));
//! assert_eq!(snapshot.diagnostics["lines_dropped"], 1);
//! assert_eq!(snapshot.message, "1 session, 42 tokens");
//! # Ok(())
//! # }
//! ```

mod agent;
mod cache;
mod counting;
mod files;
mod grown;
mod stable_hash;
mod stamp;
mod walk;

pub use agent::{EXTRA_DIRS_OPTION, FileAccount, FileAgent, detect};
pub use cache::disk::{path_bytes, remove_abandoned};
pub use cache::{FORMAT, Incremental, ScanCache, read_all, read_all_with};
pub use files::{Diagnostics, Reading, Scanned, counting_order, read_roots};
pub use grown::Grown;
pub use walk::Root;
