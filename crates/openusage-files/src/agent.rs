//! A provider whose agent keeps its usage in files under a few directories
//! composes its `impl Provider` from the pieces here: it implements
//! [`FileAgent`] (where its files are, what one file means, how readings
//! are counted), detects with [`detect`], and returns a [`FileAccount`] of
//! itself from `load_account`. The account does the rest when the host
//! collects it:
//!
//! 1. the cache on disk is loaded, the first time only;
//! 2. [`read_roots`](crate::read_roots) walks the roots and reads each file
//!    through the [`ScanCache`] (a new file's reading begins as
//!    [`FileAgent::start`]);
//! 3. [`FileAgent::count`] counts every reading, copies once;
//! 4. the aggregator fills the snapshot, and the reading's counters and
//!    the shared wording ([`openusage_core::status`]) its status, message
//!    and diagnostics.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use openusage_core::Env;
use openusage_core::aggregate::Counted;
use openusage_core::options;
use openusage_core::settings::AccountConfig;
use openusage_core::snapshot::{Snapshot, Status};
use openusage_core::status::Wording;
use openusage_core::{
    AccountError, AccountReader, CollectContext, Collected, Detection, LoadContext, Watched,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::cache::{Incremental, ScanCache};
use crate::counting::{Counting, Inputs, LastCounting};
use crate::files::{self, Reading, Scanned};
use crate::grown::Grown;
use crate::walk::{self, Found, Root};
use on::CountingOn;

mod on;

/// What a provider of files says about its agent's files; the hooks
/// [`FileAccount`] calls, in the order its module overview gives.
pub trait FileAgent: Send + Sync + fmt::Debug + 'static {
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
    /// Options of the provider's own, besides [`FileAgent::DIR_OPTION`] and
    /// [`EXTRA_DIRS_OPTION`]: accepted by [`FileAccount::load`], read by the
    /// provider into the agent value it passes there.
    const OPTIONS: &'static [&'static str] = &[];
    /// What its roots are called in status messages (`sessions directory`).
    const ROOT_NAME: &'static str;
    /// The endings of the file names read below its roots, without the
    /// leading dot. A name ending in `.zst` is decompressed as it is read
    /// (see [`openusage_jsonl::compressed`]).
    const ENDINGS: &'static [&'static str] = &["jsonl"];
    /// The version of [`FileAgent::Scan`]'s shape in the cache on disk:
    /// raise it whenever that shape changes, and readings saved by an
    /// earlier version are read again instead of misread. (The engine's own
    /// shapes have their version, [`crate::cache::FORMAT`].) Raise it too
    /// when [`FileAgent::count`] changes what it makes of the same readings:
    /// a kept counting (see [`FileAgent::KEEPS_COUNTING`]) is of this
    /// format.
    const CACHE_FORMAT: u32;
    /// True when [`FileAgent::count`] depends on nothing but the readings,
    /// their tags, the agent's settings (its `Debug` form) and what the
    /// `Counted` it is given prices and dates with, never on its `now`, and
    /// adds no metrics or diagnostics of its own: then an unchanged tree is
    /// answered from the last counting, kept in memory and on disk, without
    /// decoding a reading or counting again.
    const KEEPS_COUNTING: bool = false;

    /// The directories read when the account names none, whether or not
    /// they exist.
    fn default_roots(&self, env: &Env) -> Vec<Root>;

    /// The reading of a file before its first line.
    fn start(&self, path: &Path) -> Self::Scan;

    /// Counts the usage of every file read, copies once, into `counted`
    /// (which places days and prices records) and returns it.
    fn count(&self, scans: &[Arc<Self::Scan>], counted: Counted) -> Counted;

    /// [`FileAgent::count`], told for each reading the tag of the root its
    /// file was first found under ([`Root::tag`]): for an agent whose roots
    /// say who wrote their files. By default the tags are not looked at.
    fn count_tagged(
        &self,
        scans: &[Arc<Self::Scan>],
        tags: &[Option<&'static str>],
        counted: Counted,
    ) -> Counted {
        let _ = tags;
        self.count(scans, counted)
    }

    /// What a counting leaves behind for [`FileAgent::count_more`] (Pi: the
    /// copy key of every turn); `()` for an agent that always counts
    /// afresh.
    type Seen: Send + Sync + 'static;

    /// [`FileAgent::count_tagged`], and what it leaves behind to count on
    /// from; by default nothing, so every change is counted afresh.
    fn count_seen(
        &self,
        scans: &[Arc<Self::Scan>],
        tags: &[Option<&'static str>],
        counted: Counted,
    ) -> (Counted, Option<Self::Seen>) {
        (self.count_tagged(scans, tags, counted), None)
    }

    /// Counts on after files only grew. The protocol, for an account
    /// collected again in one process, which keeps the state between
    /// collections:
    ///
    /// 1. a full counting ([`FileAgent::count_seen`]) left `seen`, and
    ///    `counted()` gives that counting again (its kept form, restored at
    ///    the new `now`; `None` when it cannot be, as with another zone):
    ///    the agent calls it once it found it can count on, so a change it
    ///    declines costs no restoring; every later call got `seen` back as
    ///    the previous one left it;
    /// 2. the same number of files were found, under the same roots, and
    ///    `grown` holds, in walk order, each reading that is not the very
    ///    one counted before, paired with that one by position: the agent
    ///    checks that each pair is the same file and that the new reading
    ///    only adds to the old (same header, same sessions and titles,
    ///    every old turn as it was);
    /// 3. it returns the counting of the readings now, exactly what a
    ///    full counting of them would give, with `seen` brought up to date;
    ///    or `None`, with `seen` untouched, when it cannot be sure of that
    ///    (a pair that is not an append, a new turn that copies one counted
    ///    before): then every reading is counted afresh.
    ///
    /// By default always `None`.
    fn count_more(
        &self,
        seen: &mut Self::Seen,
        grown: &[Grown<'_, Self::Scan>],
        counted: impl FnOnce() -> Option<Counted>,
    ) -> Option<Counted> {
        let _ = (seen, grown, counted);
        None
    }
}

/// The account option listing directories read besides the others.
pub const EXTRA_DIRS_OPTION: &str = "extra_dirs";

/// The usual detection of a file agent: one account of the provider's id
/// when any of its default roots exists or its binary is on `PATH`.
pub fn detect<A: FileAgent>(agent: &A, env: &Env) -> Detection {
    let roots: Vec<PathBuf> = agent
        .default_roots(env)
        .into_iter()
        .map(|r| r.path)
        .collect();
    Detection::of_agent(env, A::BINARY, A::ID, &roots)
}

/// An account of a [`FileAgent`]: its id, the directory its settings name
/// (else the agent's default roots are read), the extra directories they
/// add, and what it remembers of its files between collections.
#[derive(Debug)]
pub struct FileAccount<A: FileAgent> {
    agent: A,
    pub id: String,
    /// The directory option, resolved; when set, it replaces the defaults.
    pub dir: Option<PathBuf>,
    /// `extra_dirs`, resolved: read as well, whichever of the above is.
    pub extra_dirs: Vec<PathBuf>,
    pub scans: ScanCache<A::Scan>,
    /// The last counting, and what it was made from.
    last: LastCounting,
    /// The last counting with what the agent needs to count on from it,
    /// when the account is collected again in this process.
    on: CountingOn<A>,
}

impl<A: FileAgent> FileAccount<A> {
    /// An account `id` reading `dir` (else the default roots).
    pub fn new(agent: A, id: &str, dir: Option<PathBuf>) -> Self {
        FileAccount {
            agent,
            id: id.to_owned(),
            dir,
            extra_dirs: Vec::new(),
            scans: ScanCache::default(),
            last: LastCounting::default(),
            on: CountingOn::default(),
        }
    }

    /// The account an `accounts[]` entry describes: its directory option and
    /// `extra_dirs` resolved (relative paths against the settings file's
    /// directory); any option but those and [`FileAgent::OPTIONS`] is an
    /// error naming the key.
    pub fn load(
        agent: A,
        config: &AccountConfig,
        ctx: &LoadContext<'_>,
    ) -> Result<Self, AccountError> {
        let known: Vec<&str> = [A::DIR_OPTION, EXTRA_DIRS_OPTION]
            .into_iter()
            .chain(A::OPTIONS.iter().copied())
            .collect();
        options::only_known(config, A::ID, &known)?;
        let dir = options::directory(config, A::DIR_OPTION, ctx)?;
        let mut account = FileAccount::new(agent, &config.id, dir);
        account.extra_dirs = options::directories(config, EXTRA_DIRS_OPTION, ctx)?;
        Ok(account)
    }

    /// The configured directory, else the agent's default roots; then the
    /// extra directories. (A file reachable from two roots is still read
    /// once.)
    pub fn roots(&self, env: &Env) -> Vec<Root> {
        let mut roots = match &self.dir {
            Some(dir) => vec![Root::tree(dir)],
            None => self.agent.default_roots(env),
        };
        roots.extend(self.extra_dirs.iter().map(Root::tree));
        roots
    }

    /// The directories the settings named: the directory option and
    /// `extra_dirs`.
    fn named(&self) -> Vec<PathBuf> {
        self.dir.iter().chain(&self.extra_dirs).cloned().collect()
    }

    fn cache_file(&self, dir: &Path) -> PathBuf {
        cache_file(dir, A::ID, &self.id)
    }

    /// The kept counting's file, beside the readings'.
    fn counting_file(&self, dir: &Path) -> PathBuf {
        self.cache_file(dir).with_extension("counted.bin")
    }

    /// What counting the files `found` is made from, when the agent's
    /// counting can be kept at all.
    fn inputs(&self, found: &Found, roots: &[Root]) -> Option<Inputs> {
        if !A::KEEPS_COUNTING {
            return None;
        }
        let settings = format!("{:?} {:?}", self.agent, self.scans.settings());
        Inputs::of(found, roots, &self.cache_owner(), &settings)
    }

    /// The counting of the files `found`, and what reading them found: the
    /// last counting when it was made from `inputs`, else a reading of
    /// every file (through the cache) and a counting, kept when it can be.
    fn count(
        &self,
        found: Found,
        roots: &[Root],
        inputs: Option<Inputs>,
        ctx: &CollectContext<'_>,
    ) -> (Reading<A::Scan>, Counted) {
        let (now, pricing) = (ctx.clock.now(), ctx.pricing.clone());
        let counting_file = ctx.cache_dir.map(|dir| self.counting_file(dir));
        let last = inputs.and_then(|i| {
            self.last
                .made_from(i, counting_file.as_deref(), &self.cache_owner())
        });
        if let Some(last) = last {
            let counts = last.files;
            if let Some(counted) = last.kept.clone().restore(now, ctx.zone, pricing.clone()) {
                return (Reading::remembered(found, counts, ctx.progress), counted);
            }
        }
        if let Some(dir) = ctx.cache_dir {
            self.scans
                .load_once(&self.cache_file(dir), &self.cache_owner());
        }
        let reading = files::read_found(found, &self.scans, ctx.progress, |path| {
            self.agent.start(path)
        });
        let tags: Vec<Option<&'static str>> = reading
            .scan_roots
            .iter()
            .map(|&i| roots.get(i).and_then(|r| r.tag))
            .collect();
        let scans = &reading.scans;
        let on = self
            .on
            .count(&self.agent, scans, &tags, now, ctx.zone, &pricing);
        let counted_on = on.is_some();
        let (counted, seen) = match on {
            Some(counted) => (counted, None),
            None => {
                let start = Counted::priced(now, ctx.zone, pricing);
                self.agent.count_seen(scans, &tags, start)
            }
        };
        let kept = inputs.zip(reading.file_counts()).zip(counted.keep());
        let Some(((inputs, files), kept)) = kept else {
            self.on.clear();
            return (reading, counted);
        };
        let counting = self.last.set(Counting {
            inputs,
            files,
            kept,
        });
        match seen {
            _ if counted_on => self.on.advance(scans, counting),
            Some(seen) if ctx.again => self.on.set(scans, tags, seen, counting),
            _ => self.on.clear(),
        }
        (reading, counted)
    }

    fn cache_owner(&self) -> String {
        cache_owner(A::ID, A::CACHE_FORMAT, &self.id)
    }
}

impl<A: FileAgent> AccountReader for FileAccount<A> {
    /// Reads every file under the account's roots (through its cache),
    /// counts, and builds the snapshot with the shared metrics, status,
    /// message and diagnostics.
    fn collect(&self, ctx: &CollectContext<'_>) -> Collected {
        let now = ctx.clock.now();
        let roots = self.roots(ctx.env);
        let found = walk::find_files(&roots, A::ENDINGS);
        let inputs = self.inputs(&found, &roots);
        let (mut reading, counted) = self.count(found, &roots, inputs, ctx);
        reading.diagnostics.turns_zero = counted.zero;
        reading.diagnostics.turns_counted = counted.counted;
        reading.diagnostics.turns_duplicate = counted.duplicate;
        let totals = counted.aggregator.totals();
        let mut snapshot = Snapshot::new(A::ID, &self.id, now, Status::Ok, "");
        snapshot.timezone = ctx.zone.name().to_owned();
        let ledger = counted.aggregator.fill(&mut snapshot);
        if !snapshot.metrics.is_empty() {
            for (key, metric) in counted.extra_metrics {
                snapshot.set_metric(key, metric);
            }
            snapshot.metrics.extend(counted.limit_metrics);
        }
        let wording = Wording {
            agent: A::NAME,
            root: A::ROOT_NAME,
            home: ctx.env.home(),
        };
        reading.finish(&mut snapshot, &totals, wording, &self.named());
        for (key, value) in counted.extra_diagnostics {
            snapshot.set_diagnostic(key, value);
        }
        Collected { snapshot, ledger }
    }

    fn dirs(&self, env: &Env) -> Vec<PathBuf> {
        self.roots(env)
            .into_iter()
            .map(|r| r.path)
            .filter(|p| p.exists())
            .collect()
    }

    /// Every root, whether it exists yet or not, as deep as it is walked.
    fn watched(&self, env: &Env) -> Vec<Watched> {
        self.roots(env)
            .into_iter()
            .map(|r| Watched {
                path: r.path,
                recursive: r.recursive,
            })
            .collect()
    }

    fn save(&self, cache_dir: &Path) -> io::Result<()> {
        let owner = self.cache_owner();
        let readings = self
            .scans
            .save_if_changed(&self.cache_file(cache_dir), &owner);
        let counting = self
            .last
            .save_if_changed(&self.counting_file(cache_dir), &owner);
        readings.and(counting)
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
    let hash = crate::stable_hash::fnv1a(account.as_bytes());
    dir.join(format!("{provider}-{safe}-{:08x}.bin", hash as u32))
}

/// Whose readings a cache file holds: they are good only for the reader
/// that made them, in the shape of its `format`, and for the account they
/// were made for.
fn cache_owner(provider: &str, format: u32, account: &str) -> String {
    format!("{provider}@{format}/{account}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use chrono::{DateTime, Utc};
    use openusage_core::usage::{Record, Tokens, kind};
    use openusage_core::{FixedClock, Progress};
    use serde::Deserialize;

    /// An agent whose files hold one number a line, a reply of that many
    /// output tokens each, and which says how often it counted (in a
    /// counter of each test's own: tests run side by side).
    #[derive(Clone, Copy)]
    struct Tally(&'static AtomicUsize);

    impl fmt::Debug for Tally {
        // The agent's `Debug` form is part of a counting's fingerprint:
        // the counter is no setting.
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Tally")
        }
    }

    #[derive(Debug, Clone, Default, Serialize, Deserialize)]
    struct Numbers {
        session: String,
        replies: Vec<u64>,
    }

    impl Incremental for Numbers {
        fn line(&mut self, line: &[u8]) {
            let n = std::str::from_utf8(line)
                .ok()
                .and_then(|l| l.trim().parse::<u64>().ok());
            self.replies.extend(n);
        }
        fn set_mtime(&mut self, _: DateTime<Utc>) {}
        fn words(&self) -> Option<&'static [&'static [u8]]> {
            None
        }
        fn oversized(&mut self) {}
    }

    impl Scanned for Numbers {
        fn skipped(&self) -> bool {
            false
        }
        fn lines_dropped(&self) -> u64 {
            0
        }
        fn lines_oversized(&self) -> u64 {
            0
        }
    }

    impl FileAgent for Tally {
        type Scan = Numbers;
        type Seen = ();
        const ID: &'static str = "tally";
        const NAME: &'static str = "Tally";
        const BINARY: &'static str = "tally";
        const DIR_OPTION: &'static str = "dir";
        const ROOT_NAME: &'static str = "directory";
        const CACHE_FORMAT: u32 = 1;
        const KEEPS_COUNTING: bool = true;

        fn default_roots(&self, _: &Env) -> Vec<Root> {
            Vec::new()
        }
        fn start(&self, path: &Path) -> Numbers {
            let session = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            Numbers {
                session: session.unwrap_or_default(),
                replies: Vec::new(),
            }
        }
        fn count(&self, files: &[Arc<Numbers>], counted: Counted) -> Counted {
            self.0.fetch_add(1, Ordering::SeqCst);
            add_replies(files.iter().map(|f| (&f.session, &f.replies[..])), counted)
        }
        fn count_seen(
            &self,
            files: &[Arc<Numbers>],
            _: &[Option<&'static str>],
            counted: Counted,
        ) -> (Counted, Option<()>) {
            (self.count(files, counted), Some(()))
        }
        /// Counts the replies each file gained, when it only gained some.
        fn count_more(
            &self,
            _: &mut (),
            grown: &[Grown<'_, Numbers>],
            counted: impl FnOnce() -> Option<Counted>,
        ) -> Option<Counted> {
            for g in grown {
                if !g.after.replies.starts_with(&g.before.replies)
                    || g.after.session != g.before.session
                {
                    return None;
                }
            }
            let more = grown
                .iter()
                .map(|g| (&g.after.session, &g.after.replies[g.before.replies.len()..]));
            Some(add_replies(more, counted()?))
        }
    }

    /// Counts each reply of each session into `counted`.
    fn add_replies<'a>(
        files: impl Iterator<Item = (&'a String, &'a [u64])>,
        mut counted: Counted,
    ) -> Counted {
        for (session, replies) in files {
            for &output in replies {
                counted.aggregator.add(&Record {
                    session,
                    at: DateTime::UNIX_EPOCH,
                    model: "m",
                    upstream_provider: None,
                    workspace: None,
                    kind: kind::ASSISTANT,
                    subkind: None,
                    response_model: None,
                    tokens: Tokens {
                        output,
                        ..Tokens::default()
                    },
                    cache_write_1h: 0,
                    cost_usd: None,
                    origin: Default::default(),
                });
                counted.counted += 1;
            }
        }
        counted
    }

    /// Collects `account` with the cache directory `cache`, and says whether
    /// it counted.
    fn collect(account: &FileAccount<Tally>, cache: Option<&Path>) -> (Snapshot, bool) {
        collect_with(account, cache, false)
    }

    /// [`collect`], for an account collected `again` in this process or not.
    fn collect_with(
        account: &FileAccount<Tally>,
        cache: Option<&Path>,
        again: bool,
    ) -> (Snapshot, bool) {
        let env = Env::new(Path::new("/nonexistent"));
        let clock = FixedClock(DateTime::UNIX_EPOCH);
        let progress = Progress::default();
        let ctx = CollectContext {
            cache_dir: cache,
            again,
            ..CollectContext::new(&env, &clock, &progress)
        };
        let countings = account.agent.0;
        let before = countings.load(Ordering::SeqCst);
        let snapshot = account.collect(&ctx).snapshot;
        (snapshot, countings.load(Ordering::SeqCst) != before)
    }

    fn tokens(snapshot: &Snapshot) -> Option<u64> {
        snapshot.count(openusage_core::metric::TOTAL_TOKENS)
    }

    #[test]
    fn a_file_dated_before_1970_is_kept_like_any_other() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("files");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("old.jsonl");
        std::fs::write(&file, "3\n").unwrap();
        let before = std::time::SystemTime::UNIX_EPOCH - std::time::Duration::from_secs(86_400);
        let handle = std::fs::File::options().write(true).open(&file).unwrap();
        handle.set_modified(before).unwrap();
        static COUNTINGS: AtomicUsize = AtomicUsize::new(0);
        let account = FileAccount::new(Tally(&COUNTINGS), "t", Some(dir));
        assert!(collect(&account, None).1);
        let (again, counted) = collect(&account, None);
        assert!(!counted, "its stamp makes a fingerprint too");
        assert_eq!(tokens(&again), Some(3));
    }

    #[test]
    fn an_unchanged_tree_is_not_counted_again_in_process_or_from_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, cache) = (tmp.path().join("files"), tmp.path().join("cache"));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.jsonl");
        std::fs::write(&file, "1\n2\n").unwrap();
        std::fs::write(dir.join("b.jsonl"), "4\n").unwrap();
        static COUNTINGS: AtomicUsize = AtomicUsize::new(0);
        let tally = Tally(&COUNTINGS);
        let account = FileAccount::new(tally, "t", Some(dir.clone()));
        let (first, counted) = collect(&account, Some(&cache));
        assert!(counted);
        assert_eq!(tokens(&first), Some(7));
        // Nothing changed: the walk and the stamps say so, and the last
        // counting answers.
        let (again, counted) = collect(&account, Some(&cache));
        assert!(!counted, "counted again with nothing changed");
        assert_eq!(again, first);
        account.save(&cache).unwrap();
        // A new process: the kept counting is read from disk.
        let fresh = FileAccount::new(tally, "t", Some(dir.clone()));
        let (from_disk, counted) = collect(&fresh, Some(&cache));
        assert!(!counted, "the saved counting was not used");
        assert_eq!(from_disk, first);
        // Each change is counted: an append, a touch, a removal.
        std::fs::write(&file, "1\n2\n8\n").unwrap();
        let (grown, counted) = collect(&fresh, Some(&cache));
        assert!(counted);
        assert_eq!(tokens(&grown), Some(15));
        let later = std::fs::metadata(&file).unwrap().modified().unwrap();
        let handle = std::fs::File::options().write(true).open(&file).unwrap();
        handle
            .set_modified(later + std::time::Duration::from_secs(5))
            .unwrap();
        let (touched, counted) = collect(&fresh, Some(&cache));
        assert!(counted, "a touched file is counted again");
        assert_eq!(touched, grown);
        std::fs::remove_file(dir.join("b.jsonl")).unwrap();
        let (removed, counted) = collect(&fresh, Some(&cache));
        assert!(counted);
        assert_eq!(tokens(&removed), Some(11));
        // Another account keeps its own counting, never this one.
        fresh.save(&cache).unwrap();
        let other = FileAccount::new(tally, "u", Some(dir.clone()));
        assert!(collect(&other, Some(&cache)).1);
    }

    #[test]
    fn collected_again_an_append_is_counted_on_and_anything_else_afresh() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("files");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.jsonl");
        std::fs::write(&file, "1\n2\n").unwrap();
        std::fs::write(dir.join("b.jsonl"), "4\n").unwrap();
        static COUNTINGS: AtomicUsize = AtomicUsize::new(0);
        let tally = Tally(&COUNTINGS);
        let account = FileAccount::new(tally, "t", Some(dir.clone()));
        let (first, counted) = collect_with(&account, None, true);
        assert!(counted);
        assert_eq!(tokens(&first), Some(7));
        // An append: the agent counts on from the last counting.
        std::fs::write(&file, "1\n2\n8\n").unwrap();
        let (grown, counted) = collect_with(&account, None, true);
        assert!(!counted, "counted afresh after an append");
        assert_eq!(tokens(&grown), Some(15));
        let fresh = FileAccount::new(tally, "t", Some(dir.clone()));
        assert_eq!(grown, collect(&fresh, None).0);
        // And again from there.
        std::fs::write(dir.join("b.jsonl"), "4\n16\n").unwrap();
        let (twice, counted) = collect_with(&account, None, true);
        assert!(!counted);
        assert_eq!(tokens(&twice), Some(31));
        // What the agent declines (a rewritten line), a new file and a
        // removed one are counted afresh.
        std::fs::write(&file, "1\n3\n8\n").unwrap();
        let (rewritten, counted) = collect_with(&account, None, true);
        assert!(counted);
        assert_eq!(tokens(&rewritten), Some(32));
        std::fs::write(dir.join("c.jsonl"), "64\n").unwrap();
        assert!(collect_with(&account, None, true).1);
        std::fs::remove_file(dir.join("c.jsonl")).unwrap();
        assert!(collect_with(&account, None, true).1);
        // Not collected again: nothing is kept to count on from.
        let once = FileAccount::new(tally, "t", Some(dir.clone()));
        assert!(collect(&once, None).1);
        std::fs::write(&file, "1\n3\n8\n5\n").unwrap();
        assert!(collect(&once, None).1, "counted on without `again`");
    }

    #[test]
    fn cache_file_names_are_short_distinct_and_the_same_as_before_for_short_ids() {
        let dir = Path::new("/c");
        // The name earlier versions gave a short id, so their file is
        // replaced rather than left behind.
        assert_eq!(
            cache_file(dir, "pi", "default"),
            dir.join(format!(
                "pi-default-{:08x}.bin",
                crate::stable_hash::fnv1a(b"default") as u32
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
