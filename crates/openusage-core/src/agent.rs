//! Agents whose usage lives in JSONL files under a few directories (all of
//! them, so far). Such a provider says where its files are, what one file
//! means and how to count; [`FileAgent`] gives it the whole [`Provider`]:
//! detection, the directory option, the scan cache, the shared counters,
//! status and metrics.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::aggregate::Counted;
use crate::cache::{Incremental, ScanCache};
use crate::env::Env;
use crate::files::{self, Scanned, Wording};
use crate::options;
use crate::provider::{AccountError, CollectContext, Collected, Detection, LoadContext, Provider};
use crate::settings::AccountConfig;
use crate::snapshot::{Snapshot, Status};
use crate::walk::Root;
use crate::zone::Zone;

/// An agent that keeps its transcripts as `.jsonl` files (or as other
/// endings it names, compressed ones included).
pub trait FileAgent: Send + Sync + 'static {
    /// What reading one file yields, line by line.
    type Scan: Scanned
        + Incremental
        + Serialize
        + DeserializeOwned
        + Send
        + Sync
        + fmt::Debug
        + 'static;

    /// Provider id, also the id of the account detection registers (`pi`).
    const ID: &'static str;
    /// Name for people (`Pi`), as status messages use it.
    const NAME: &'static str;
    /// The agent's binary; found on `PATH`, it makes detection register the account.
    const BINARY: &'static str;
    /// The account option naming the one directory to read instead of the
    /// defaults (`sessions_dir`).
    const DIR_OPTION: &'static str;
    /// What its roots are called in status messages (`sessions directory`).
    const ROOT_NAME: &'static str;
    /// The endings of the file names read below its roots, without the
    /// leading dot. A name ending in `.zst` is decompressed as it is read
    /// (see [`crate::compressed`]).
    const ENDINGS: &'static [&'static str] = &["jsonl"];

    /// The directories read when the account names none, whether or not
    /// they exist.
    fn default_roots(&self, env: &Env) -> Vec<Root>;

    /// The reading of a file before its first line.
    fn start(&self, path: &Path) -> Self::Scan;

    /// Counts the usage of every file read, copies once; `now` and `zone`
    /// place days.
    fn count(&self, scans: &[Arc<Self::Scan>], now: DateTime<Utc>, zone: Zone) -> Counted;
}

/// The account option listing directories read besides the others.
pub const EXTRA_DIRS_OPTION: &str = "extra_dirs";

/// An account of a [`FileAgent`]: its id, the directory its settings name
/// (else the agent's default roots are read), the extra directories they
/// add, and what it remembers of its files between collections.
#[derive(Debug)]
pub struct FileAccount<S> {
    pub id: String,
    /// The directory option, resolved; when set, it replaces the defaults.
    pub dir: Option<PathBuf>,
    /// `extra_dirs`, resolved: read as well, whichever of the above is.
    pub extra_dirs: Vec<PathBuf>,
    pub scans: ScanCache<S>,
}

impl<S> FileAccount<S> {
    pub fn new(id: &str, dir: Option<PathBuf>) -> Self {
        FileAccount {
            id: id.to_owned(),
            dir,
            extra_dirs: Vec::new(),
            scans: ScanCache::default(),
        }
    }

    /// The configured directory, else `defaults`; then the extra
    /// directories. (A file reachable from two roots is still read once.)
    pub fn roots(&self, defaults: impl FnOnce() -> Vec<Root>) -> Vec<Root> {
        let mut roots = match &self.dir {
            Some(dir) => vec![Root::tree(dir)],
            None => defaults(),
        };
        roots.extend(self.extra_dirs.iter().map(Root::tree));
        roots
    }
}

impl<A: FileAgent> Provider for A {
    type Account = FileAccount<A::Scan>;

    fn id(&self) -> &'static str {
        A::ID
    }

    fn name(&self) -> &'static str {
        A::NAME
    }

    fn detect(&self, env: &Env) -> Detection {
        let roots: Vec<PathBuf> = self
            .default_roots(env)
            .into_iter()
            .map(|r| r.path)
            .collect();
        Detection::of_agent(env, A::BINARY, A::ID, &roots)
    }

    fn load_account(
        &self,
        config: &AccountConfig,
        ctx: &LoadContext<'_>,
    ) -> Result<Self::Account, AccountError> {
        options::only_known(config, A::ID, &[A::DIR_OPTION, EXTRA_DIRS_OPTION])?;
        let mut account =
            FileAccount::new(&config.id, options::directory(config, A::DIR_OPTION, ctx)?);
        account.extra_dirs = options::directories(config, EXTRA_DIRS_OPTION, ctx)?;
        Ok(account)
    }

    fn account_dirs(&self, account: &Self::Account, env: &Env) -> Vec<PathBuf> {
        let roots = account.roots(|| self.default_roots(env));
        roots
            .into_iter()
            .map(|r| r.path)
            .filter(|p| p.exists())
            .collect()
    }

    /// Reads every file under the account's roots (through its cache),
    /// counts, and builds the snapshot with the shared metrics, status,
    /// message and diagnostics.
    fn save(&self, account: &Self::Account, cache_dir: &Path) -> io::Result<()> {
        account.scans.save_if_changed(
            &cache_file(cache_dir, A::ID, &account.id),
            &cache_owner(A::ID, &account.id),
        )
    }

    fn collect(&self, account: &Self::Account, ctx: &CollectContext<'_>) -> Collected {
        let now = ctx.clock.now();
        if let Some(dir) = ctx.cache_dir {
            account.scans.load_once(
                &cache_file(dir, A::ID, &account.id),
                &cache_owner(A::ID, &account.id),
            );
        }
        let roots = account.roots(|| self.default_roots(ctx.env));
        let mut reading =
            files::read_roots(&roots, A::ENDINGS, &account.scans, ctx.progress, |path| {
                self.start(path)
            });
        let counted = self.count(&reading.scans, now, ctx.zone);
        reading.diagnostics.turns_zero = counted.zero;
        reading.diagnostics.turns_counted = counted.counted;
        reading.diagnostics.turns_duplicate = counted.duplicate;
        let totals = counted.aggregator.totals();
        let mut snapshot = Snapshot::new(A::ID, &account.id, now, Status::Ok, "");
        snapshot.timezone = ctx.zone.name().to_owned();
        let ledger = counted.aggregator.fill(&mut snapshot);
        if !snapshot.metrics.is_empty() {
            snapshot.metrics.extend(counted.extra_metrics);
        }
        let wording = Wording {
            agent: A::NAME,
            root: A::ROOT_NAME,
        };
        reading.finish(&mut snapshot, &totals, wording);
        for (name, value) in counted.extra_diagnostics {
            snapshot.diagnostics.insert(name, value.into());
        }
        if totals.saturated > 0 {
            snapshot
                .diagnostics
                .insert("sums_saturated".to_owned(), totals.saturated.into());
        }
        Collected { snapshot, ledger }
    }
}

/// The longest part of an account id kept in its cache file's name.
const NAMED: usize = 64;

/// `<cache dir>/<provider>-<account>-<hash>.bin`: the account id made safe
/// for a file name (anything but letters, digits, `.`, `-` and `_` becomes
/// `_`) and cut to its first [`NAMED`] characters, so that any id makes a
/// name well within every file system's limit; the hash of the whole id
/// keeps two ids from sharing a file. (Were two to share one all the same,
/// neither would take the other's readings: see [`cache_owner`].)
fn cache_file(dir: &Path, provider: &str, account: &str) -> PathBuf {
    let safe: String = account
        .chars()
        .take(NAMED)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = crate::fxhash::fnv1a(account.as_bytes());
    dir.join(format!("{provider}-{safe}-{:08x}.bin", hash as u32))
}

/// Whose readings a cache file holds: they are good only for the reader
/// that made them, and for the account they were made for.
fn cache_owner(provider: &str, account: &str) -> String {
    format!("{provider}/{account}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_file_names_are_short_distinct_and_the_same_as_before_for_short_ids() {
        let dir = Path::new("/c");
        // The name earlier versions gave a short id, so their file is
        // replaced rather than left behind.
        assert_eq!(
            cache_file(dir, "pi", "default"),
            dir.join(format!(
                "pi-default-{:08x}.bin",
                crate::fxhash::fnv1a(b"default") as u32
            ))
        );
        let long = "é/".repeat(200);
        let name = cache_file(dir, "pi", &long);
        let name = name.file_name().unwrap().to_str().unwrap();
        assert!(name.len() <= 3 + NAMED + 1 + 8 + 4, "{name}");
        assert!(name.starts_with(&format!("pi-{}-", "_".repeat(NAMED))));
        assert_ne!(
            cache_file(dir, "pi", &format!("{}a", "x".repeat(100))),
            cache_file(dir, "pi", &format!("{}b", "x".repeat(100)))
        );
    }
}
