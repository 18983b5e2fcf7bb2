//! The contract between the host and one agent's reader.

#![deny(missing_docs)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::env::Env;
use crate::ledger::Ledger;
use crate::pricing::Pricing;
use crate::settings::AccountConfig;
use crate::snapshot::Snapshot;
use crate::tile::TileSpec;
use crate::zone::Zone;

/// One coding agent as the host sees it: who it is, whether it is installed,
/// and how to read one of its accounts.
///
/// The trait is object safe: the [`Registry`](crate::Registry) keeps every
/// provider as a `Box<dyn Provider>`, and each provider crate writes its own
/// `impl Provider`. The call order is:
///
/// 1. [`detect`](Provider::detect) once per command, unless the settings turn
///    detection off: the accounts found on this machine;
/// 2. [`load_account`](Provider::load_account) for each detected and each
///    configured account: validates its options (an error names the key)
///    and returns the account's [`AccountReader`];
/// 3. [`AccountReader::collect`] as often as the host refreshes, then
///    [`AccountReader::save`] once before the host exits.
///
/// Implementations hold no global state: everything about the machine comes
/// from the [`Env`] and the time from the [`Clock`]. They never panic on bad
/// data, never open a network connection and never write under the agent's
/// directories.
///
/// # Example
///
/// A provider that reads no files: it reports a fixed message.
///
/// ```
/// use openusage_core::{
///     AccountConfig, AccountError, AccountReader, CollectContext, Collected, Detection, Env,
///     LoadContext, Provider, Registry, Settings, Snapshot, Status,
/// };
///
/// #[derive(Debug)]
/// struct Hello;
///
/// #[derive(Debug)]
/// struct HelloAccount(String);
///
/// impl Provider for Hello {
///     fn id(&self) -> &'static str { "hello" }
///     fn name(&self) -> &'static str { "Hello" }
///     fn looks_in(&self) -> &'static str { "nowhere" }
///     fn detect(&self, _env: &Env) -> Detection {
///         Detection { accounts: vec![AccountConfig::new("hello", "hello")], tools: vec![] }
///     }
///     fn load_account(
///         &self,
///         config: &AccountConfig,
///         _ctx: &LoadContext<'_>,
///     ) -> Result<Box<dyn AccountReader>, AccountError> {
///         Ok(Box::new(HelloAccount(config.id.clone())))
///     }
/// }
///
/// impl AccountReader for HelloAccount {
///     fn collect(&self, ctx: &CollectContext<'_>) -> Collected {
///         let now = ctx.clock.now();
///         Collected::empty(Snapshot::new("hello", &self.0, now, Status::Ok, "Hello"))
///     }
/// }
///
/// let mut registry = Registry::new();
/// registry.register(Hello);
/// let accounts = registry.accounts(&Env::new("/home/u"), &Settings::default()).unwrap();
/// let now = chrono::DateTime::UNIX_EPOCH;
/// let snapshot = openusage_core::collect_once(accounts[0].reader(), &Env::new("/home/u"), now);
/// assert_eq!(snapshot.message, "Hello");
/// ```
pub trait Provider: Send + Sync + 'static {
    /// Stable id used in settings and JSON (`pi`).
    fn id(&self) -> &'static str;

    /// Name for people (`Pi`).
    fn name(&self) -> &'static str;

    /// Where the provider looks, for people, when nothing was found
    /// (`~/.pi, ~/.omp`).
    fn looks_in(&self) -> &'static str;

    /// What the provider's dashboard tile shows besides the rows every tile
    /// has; the host renders it without knowing the provider.
    fn tile(&self) -> TileSpec {
        TileSpec::default()
    }

    /// Is the agent installed here? Which accounts and tools are there?
    fn detect(&self, env: &Env) -> Detection;

    /// Validates one `accounts[]` entry, including its `extra` options, and
    /// returns the reader of that account.
    fn load_account(
        &self,
        config: &AccountConfig,
        ctx: &LoadContext<'_>,
    ) -> Result<Box<dyn AccountReader>, AccountError>;
}

/// What the host may show of a provider without reading anything: in the
/// views' "looked for" line and to lay out its tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct About {
    /// The provider's id ([`Provider::id`]).
    pub id: &'static str,
    /// Its name for people ([`Provider::name`]).
    pub name: &'static str,
    /// Where it looks, for people (`~/.pi, ~/.omp`).
    pub looks_in: &'static str,
    /// What its tiles show ([`Provider::tile`]).
    pub tile: TileSpec,
}

impl About {
    /// What `provider` says of itself.
    pub fn of(provider: &dyn Provider) -> Self {
        About {
            id: provider.id(),
            name: provider.name(),
            looks_in: provider.looks_in(),
            tile: provider.tile(),
        }
    }

    /// `Pi (~/.pi, ~/.omp), Codex (~/.codex)`: where each of `providers`
    /// looks, in their order.
    pub fn looked_for(providers: &[About]) -> String {
        let places: Vec<String> = providers
            .iter()
            .map(|p| format!("{} ({})", p.name, p.looks_in))
            .collect();
        places.join(", ")
    }
}

/// One account of a provider, ready to be read as often as the host asks.
///
/// An account keeps what it learnt between calls (so a second
/// [`collect`](AccountReader::collect) may re-read only what changed), which
/// is why it is shared by reference and must be `Sync`.
pub trait AccountReader: Send + Sync + fmt::Debug {
    /// Reads the account's data. Problems with the data are reported in the
    /// snapshot's status and diagnostics, never as a panic.
    fn collect(&self, ctx: &CollectContext<'_>) -> Collected;

    /// The data directories this account reads that exist now: what
    /// `openusage detect` shows next to the account. None by default.
    fn dirs(&self, env: &Env) -> Vec<PathBuf> {
        let _ = env;
        Vec::new()
    }

    /// Where a change may change what [`collect`](AccountReader::collect)
    /// returns, for a live view that refreshes when they change: the
    /// directories it reads, whether they exist yet or not. None by default:
    /// a view then learns of changes only by collecting again on its timer.
    fn watched(&self, env: &Env) -> Vec<Watched> {
        let _ = env;
        Vec::new()
    }

    /// Keeps what the account learnt of its data under `cache_dir`, so the
    /// next run starts warm. Readers that learn nothing keep nothing.
    fn save(&self, cache_dir: &Path) -> std::io::Result<()> {
        let _ = cache_dir;
        Ok(())
    }
}

/// A directory whose changes may change what an account reads
/// ([`AccountReader::watched`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Watched {
    /// The directory (it may not exist yet).
    pub path: PathBuf,
    /// Whether what happens in the directories below it counts too, or only
    /// in the directory itself.
    pub recursive: bool,
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
    /// The binary's name (`pi`).
    pub name: String,
    /// Where it was found.
    pub path: PathBuf,
}

/// What `load_account` may use besides the entry itself.
#[derive(Debug, Clone, Copy)]
pub struct LoadContext<'a> {
    /// The machine: home, variables, `PATH`.
    pub env: &'a Env,
    /// The directory of the settings file, against which relative paths
    /// resolve; `None` for detected accounts.
    pub base_dir: Option<&'a Path>,
}

/// What `collect` may use.
#[derive(Clone, Copy)]
pub struct CollectContext<'a> {
    /// The machine: home, variables, `PATH`.
    pub env: &'a Env,
    /// The time (`now`), which tests pin.
    pub clock: &'a dyn Clock,
    /// Where days start (today, daily series, reports).
    pub zone: Zone,
    /// The list prices records without a usable recorded cost are
    /// estimated with, and the cost mode.
    pub pricing: &'a Pricing,
    /// Where to report files read, so a long first load can show progress.
    pub progress: &'a Progress,
    /// The directory where readings are kept between runs (under the
    /// user's cache directory); `None` with `--no-cache`.
    pub cache_dir: Option<&'a Path>,
    /// The account will be collected again in this process (a live view's
    /// refreshes): it may then keep in memory what makes counting after a
    /// small change cheap, which a one-shot command would only pay for.
    pub again: bool,
}

/// No prices, for contexts that name none.
static NO_PRICING: LazyLock<Pricing> = LazyLock::new(Pricing::none);

impl<'a> CollectContext<'a> {
    /// A context with UTC days, no prices and no cache on disk; change the
    /// fields that differ (`CollectContext { zone, ..CollectContext::new(…) }`).
    pub fn new(env: &'a Env, clock: &'a dyn Clock, progress: &'a Progress) -> Self {
        CollectContext {
            env,
            clock,
            zone: Zone::Utc,
            pricing: &NO_PRICING,
            progress,
            cache_dir: None,
            again: false,
        }
    }
}

impl fmt::Debug for CollectContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CollectContext")
            .field("env", &self.env)
            .field("now", &self.clock.now())
            .field("zone", &self.zone)
            .field("progress", &self.progress)
            .field("again", &self.again)
            .finish()
    }
}

/// Collects `account` once at `now`, without progress reporting, a cache
/// on disk or prices: what tests and tools that drive one provider directly
/// need. Days are UTC days.
pub fn collect_once(account: &dyn AccountReader, env: &Env, now: DateTime<Utc>) -> Snapshot {
    let clock = crate::clock::FixedClock(now);
    let progress = Progress::default();
    account
        .collect(&CollectContext::new(env, &clock, &progress))
        .snapshot
}

/// What collecting an account gives: the snapshot, and the ledger of the
/// same counting that reports are made from.
#[derive(Debug, Clone)]
pub struct Collected {
    /// The account's usage, in the shape of the JSON contract.
    pub snapshot: Snapshot,
    /// The same counting by session, day and model, for reports.
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

/// Counters of files found and files read that a collector bumps and a UI
/// thread reads. Accounts are walked one after another, so the files found
/// grow as each account's folders are walked.
#[derive(Debug, Default)]
pub struct Progress {
    files_read: AtomicU64,
    files_found: AtomicU64,
}

impl Progress {
    /// Counts one more file read.
    pub fn file_read(&self) {
        self.files_read.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `n` more files found, to be read.
    pub fn files_found(&self, n: u64) {
        self.files_found.fetch_add(n, Ordering::Relaxed);
    }

    /// Files read since this counter was made or last reset.
    pub fn files_read(&self) -> u64 {
        self.files_read.load(Ordering::Relaxed)
    }

    /// Files found since this counter was made or last reset.
    pub fn found(&self) -> u64 {
        self.files_found.load(Ordering::Relaxed)
    }

    /// Starts counting again from zero.
    pub fn reset(&self) {
        self.files_read.store(0, Ordering::Relaxed);
        self.files_found.store(0, Ordering::Relaxed);
    }
}

/// A bad account entry: which key, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct AccountError {
    /// The offending key, such as `extra.sessions_dir`.
    pub key: String,
    /// What is wrong with it.
    pub message: String,
}

impl AccountError {
    /// The error for `key`.
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        AccountError {
            key: key.into(),
            message: message.into(),
        }
    }
}
