//! The contract between the host and one agent's reader.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::env::Env;
use crate::ledger::Ledger;
use crate::settings::AccountConfig;
use crate::snapshot::Snapshot;
use crate::zone::Zone;

/// One coding agent's reader: finds its data, validates its account
/// options, and turns its files into a [`Snapshot`].
///
/// Implementations hold no global state: everything about the machine comes
/// from the [`Env`] and the time from the [`Clock`]. They never panic on bad
/// data, never open a network connection and never write under the agent's
/// directories.
pub trait Provider: Send + Sync + 'static {
    /// The account type `load_account` produces and `collect` reads.
    type Account: Send + Sync + fmt::Debug + 'static;

    /// Stable id used in settings and JSON (`pi`).
    fn id(&self) -> &'static str;

    /// Name for people (`Pi`).
    fn name(&self) -> &'static str;

    /// Is the agent installed here? Which accounts and tools are there?
    fn detect(&self, env: &Env) -> Detection;

    /// Validates one `accounts[]` entry, including its `extra` options.
    fn load_account(
        &self,
        config: &AccountConfig,
        ctx: &LoadContext<'_>,
    ) -> Result<Self::Account, AccountError>;

    /// The data directories this account reads that exist now: what
    /// `openusage detect` shows next to the account.
    fn account_dirs(&self, account: &Self::Account, env: &Env) -> Vec<PathBuf>;

    /// Keeps what the account learnt of its files under `cache_dir`, so the
    /// next run starts warm. Providers that learn nothing keep nothing.
    fn save(&self, account: &Self::Account, cache_dir: &Path) -> std::io::Result<()> {
        let _ = (account, cache_dir);
        Ok(())
    }

    /// Reads the account's data. Problems with the data are reported in the
    /// snapshot's status and diagnostics, never as a panic.
    fn collect(&self, account: &Self::Account, ctx: &CollectContext<'_>) -> Collected;
}

/// What detection found for one provider.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detection {
    /// Accounts to register; a configured account with the same id replaces one.
    pub accounts: Vec<AccountConfig>,
    /// Binaries of the agent found on `PATH`.
    pub tools: Vec<Tool>,
}

impl Detection {
    /// The usual detection: one account `account` (of the provider of the
    /// same id) when any of `roots` exists or `binary` is on `PATH`.
    pub fn of_agent(env: &Env, binary: &str, account: &str, roots: &[PathBuf]) -> Detection {
        let tools: Vec<Tool> = env
            .which(binary)
            .map(|path| Tool {
                name: binary.to_owned(),
                path,
            })
            .into_iter()
            .collect();
        let accounts = if !tools.is_empty() || roots.iter().any(|r| r.exists()) {
            vec![AccountConfig::new(account, account)]
        } else {
            Vec::new()
        };
        Detection { accounts, tools }
    }
}

/// A binary found on `PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    pub name: String,
    pub path: PathBuf,
}

/// What `load_account` may use besides the entry itself.
#[derive(Debug, Clone, Copy)]
pub struct LoadContext<'a> {
    pub env: &'a Env,
    /// The directory of the settings file, against which relative paths
    /// resolve; `None` for detected accounts.
    pub base_dir: Option<&'a Path>,
}

/// What `collect` may use.
#[derive(Clone, Copy)]
pub struct CollectContext<'a> {
    pub env: &'a Env,
    pub clock: &'a dyn Clock,
    /// Where days start (today, daily series, reports).
    pub zone: Zone,
    /// Where to report files read, so a long first load can show progress.
    pub progress: &'a Progress,
    /// The directory where readings are kept between runs (under the
    /// user's cache directory); `None` with `--no-cache`.
    pub cache_dir: Option<&'a Path>,
}

impl fmt::Debug for CollectContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CollectContext")
            .field("env", &self.env)
            .field("now", &self.clock.now())
            .field("zone", &self.zone)
            .field("progress", &self.progress)
            .finish()
    }
}

/// Collects `account` once at `now`, without progress reporting or a cache
/// on disk: what tests and tools that drive one provider directly need.
/// Days are UTC days.
pub fn collect_once<P: Provider>(
    provider: &P,
    account: &P::Account,
    env: &Env,
    now: DateTime<Utc>,
) -> Snapshot {
    let clock = crate::clock::FixedClock(now);
    let progress = Progress::default();
    let ctx = CollectContext {
        env,
        clock: &clock,
        zone: Zone::Utc,
        progress: &progress,
        cache_dir: None,
    };
    provider.collect(account, &ctx).snapshot
}

/// What collecting an account gives: the snapshot, and the ledger of the
/// same counting that reports are made from.
#[derive(Debug, Clone)]
pub struct Collected {
    pub snapshot: Snapshot,
    pub ledger: Ledger,
}

impl Collected {
    /// A snapshot with nothing counted behind it.
    pub fn empty(snapshot: Snapshot) -> Self {
        Collected {
            snapshot,
            ledger: Ledger::default(),
        }
    }
}

/// A counter of files read that a collector bumps and a UI thread reads.
#[derive(Debug, Default)]
pub struct Progress {
    files_read: AtomicU64,
}

impl Progress {
    /// Counts one more file read.
    pub fn file_read(&self) {
        self.files_read.fetch_add(1, Ordering::Relaxed);
    }

    /// Files read since this counter was made or last reset.
    pub fn files_read(&self) -> u64 {
        self.files_read.load(Ordering::Relaxed)
    }

    /// Starts counting again from zero.
    pub fn reset(&self) {
        self.files_read.store(0, Ordering::Relaxed);
    }
}

/// A bad account entry: which key, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct AccountError {
    /// The offending key, such as `extra.sessions_dir`.
    pub key: String,
    pub message: String,
}

impl AccountError {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        AccountError {
            key: key.into(),
            message: message.into(),
        }
    }
}
