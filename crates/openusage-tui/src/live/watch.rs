//! Watching what the source reads, so the view refreshes when a file
//! changes rather than on a timer: file events (`notify`: inotify, FSEvents,
//! ReadDirectoryChangesW) are filtered, coalesced over [`DEBOUNCE`] and sent
//! to the loop as one [`Msg::Changed`].
//!
//! The watches are (re)armed on the collector's thread before every
//! collection, so a change made before a watch existed is read by the
//! collection that follows it. A directory that does not exist yet is
//! watched through its nearest existing ancestor, for that directory's
//! appearing alone. When events cannot be had (no watcher on this system, a
//! watch refused, the inotify watch limit reached, an error from the
//! watcher), the watcher is dropped for good and the loop is told: it then
//! relies on its timer alone, which is the polling.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use notify::event::{Event, EventKind, ModifyKind};
use notify::{ErrorKind, RecommendedWatcher, RecursiveMode, Watcher};
use openusage_core::Watched;

use super::Msg;

/// How long events are gathered after the first before the loop hears of
/// them: a burst of writes (a turn written in parts, a copied folder)
/// makes one refresh.
pub(super) const DEBOUNCE: Duration = Duration::from_millis(50);

/// What file events arrive as.
type Events = Sender<notify::Result<Event>>;

/// How a watcher is made: the system's own, or (in tests) one that fails.
pub(super) type Make = fn(Events) -> notify::Result<Box<dyn Watcher + Send>>;

/// The system's watcher.
pub(super) fn native(events: Events) -> notify::Result<Box<dyn Watcher + Send>> {
    let watcher = RecommendedWatcher::new(events, notify::Config::default())?;
    Ok(Box::new(watcher))
}

/// One directory watched: the path given to the watcher, how deep, and the
/// identity it had then (a directory removed and made again is watched
/// anew).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    path: PathBuf,
    recursive: bool,
    id: Option<Identity>,
}

/// What the event filter compares event paths with.
#[derive(Debug, Default)]
struct Filter {
    dirs: Vec<Watched>,
    /// Where the source writes itself (its cache): never a change.
    own: Option<PathBuf>,
    /// Watched directories (or their ancestors) removed or renamed since
    /// the last arming: their watches went with them, whatever the
    /// directory now at that path.
    gone: Vec<PathBuf>,
}

/// The watches of one view; lives on the collector's thread.
pub(super) struct Watch {
    make: Make,
    watcher: Option<Box<dyn Watcher + Send>>,
    armed: Vec<Target>,
    filter: Arc<Mutex<Filter>>,
    /// Set once events can no longer be had; whoever sets it tells the loop.
    failed: Arc<AtomicBool>,
    tx: Sender<Msg>,
}

impl Watch {
    /// No watch yet: the first [`arm`](Watch::arm) makes the watcher.
    pub(super) fn new(make: Make, tx: Sender<Msg>, own: Option<PathBuf>) -> Watch {
        let filter = Filter {
            dirs: Vec::new(),
            own,
            gone: Vec::new(),
        };
        Watch {
            make,
            watcher: None,
            armed: Vec::new(),
            filter: Arc::new(Mutex::new(filter)),
            failed: Arc::new(AtomicBool::new(false)),
            tx,
        }
    }

    /// Watches `dirs` (and nothing else), making the watcher on first use;
    /// with nothing to watch, or when watching fails, the loop is told that
    /// it polls.
    pub(super) fn arm(&mut self, dirs: Vec<Watched>) {
        if dirs.is_empty() {
            self.fail();
        }
        if self.failed.load(Ordering::SeqCst) {
            self.watcher = None;
            return;
        }
        if self.watcher.is_none() {
            match self.start() {
                Ok(watcher) => {
                    self.watcher = Some(watcher);
                    let _ = self.tx.send(Msg::Watching(true));
                }
                Err(_) => return self.fail(),
            }
        }
        let targets = targets(&dirs);
        let gone = {
            let mut filter = lock(&self.filter);
            filter.dirs = dirs;
            std::mem::take(&mut filter.gone)
        };
        self.armed
            .retain(|t| !gone.iter().any(|g| t.path.starts_with(g)));
        if self.rewatch(targets).is_err() {
            self.fail();
            self.watcher = None;
        }
    }

    /// The watcher, with the thread that filters and gathers its events.
    fn start(&self) -> notify::Result<Box<dyn Watcher + Send>> {
        let (events, rx) = mpsc::channel();
        let watcher = (self.make)(events)?;
        let gather = Gather {
            filter: Arc::clone(&self.filter),
            failed: Arc::clone(&self.failed),
            tx: self.tx.clone(),
        };
        thread::spawn(move || gather.run(&rx));
        Ok(watcher)
    }

    /// Unwatches what is no longer wanted, then watches what is new. A
    /// directory gone in between is left for the next arming.
    fn rewatch(&mut self, targets: Vec<Target>) -> notify::Result<()> {
        let Some(watcher) = self.watcher.as_mut() else {
            return Ok(());
        };
        for gone in self.armed.iter().filter(|t| !targets.contains(t)) {
            // Already gone with its directory, perhaps: nothing to undo then.
            let _ = watcher.unwatch(&gone.path);
        }
        let mut armed = Vec::with_capacity(targets.len());
        for target in targets {
            if self.armed.contains(&target) {
                armed.push(target);
                continue;
            }
            let mode = match target.recursive {
                true => RecursiveMode::Recursive,
                false => RecursiveMode::NonRecursive,
            };
            match watcher.watch(&target.path, mode) {
                Ok(()) => armed.push(target),
                Err(e) if matches!(e.kind, ErrorKind::PathNotFound) => {}
                Err(e) => {
                    self.armed = armed;
                    return Err(e);
                }
            }
        }
        self.armed = armed;
        Ok(())
    }

    /// Events can no longer be had: the loop polls from now on.
    fn fail(&self) {
        if !self.failed.swap(true, Ordering::SeqCst) {
            let _ = self.tx.send(Msg::Watching(false));
        }
    }
}

/// What to watch for `dirs`: each directory that exists, else its nearest
/// existing ancestor (alone, not what is below it), each once, and none
/// that a recursive one already covers (watching a directory twice, or a
/// folder inside a watched tree, would change or undo the first watch).
fn targets(dirs: &[Watched]) -> Vec<Target> {
    let all = wanted(dirs);
    let covered = |t: &Target| {
        all.iter().any(|r| {
            r.recursive
                && r != t
                && t.path.starts_with(&r.path)
                && (t.path != r.path || !t.recursive)
        })
    };
    all.iter().filter(|t| !covered(t)).cloned().collect()
}

fn wanted(dirs: &[Watched]) -> Vec<Target> {
    let mut targets: Vec<Target> = Vec::new();
    for dir in dirs {
        let target = match identity(&dir.path) {
            Some(id) => Target {
                path: dir.path.clone(),
                recursive: dir.recursive,
                id: Some(id),
            },
            None => match dir
                .path
                .ancestors()
                .skip(1)
                .find_map(|a| Some((a, identity(a)?)))
            {
                Some((ancestor, id)) => Target {
                    path: ancestor.to_path_buf(),
                    recursive: false,
                    id: Some(id),
                },
                None => continue,
            },
        };
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    targets
}

/// A directory's device, inode and birth time where the system keeps one
/// (an inode number is soon reused for a directory made again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity(u64, u64, Option<SystemTime>);

fn identity(path: &Path) -> Option<Identity> {
    let meta = fs::metadata(path).ok().filter(fs::Metadata::is_dir)?;
    let born = meta.created().ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Identity(meta.dev(), meta.ino(), born))
    }
    #[cfg(not(unix))]
    {
        Some(Identity(0, 0, born))
    }
}

fn lock(filter: &Mutex<Filter>) -> std::sync::MutexGuard<'_, Filter> {
    filter.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The thread between the watcher and the loop.
struct Gather {
    filter: Arc<Mutex<Filter>>,
    failed: Arc<AtomicBool>,
    tx: Sender<Msg>,
}

impl Gather {
    /// Until the watcher is dropped or the loop is gone: waits for an event
    /// that counts, gathers the rest for [`DEBOUNCE`], tells the loop once.
    fn run(self, rx: &Receiver<notify::Result<Event>>) {
        while let Ok(first) = rx.recv() {
            if !self.counts(first) {
                continue;
            }
            let until = Instant::now() + DEBOUNCE;
            loop {
                match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                    Ok(Err(_)) => self.fail(),
                    Ok(Ok(event)) => note_gone(&event, &mut lock(&self.filter)),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            if self.tx.send(Msg::Changed).is_err() {
                return;
            }
        }
    }

    /// Whether an event may change what the source reads. An error means
    /// events may have been lost (the watch limit reached while a new
    /// folder was being watched): the loop polls from then on, after one
    /// refresh for what may have been missed.
    fn counts(&self, event: notify::Result<Event>) -> bool {
        match event {
            Ok(event) => {
                let mut filter = lock(&self.filter);
                note_gone(&event, &mut filter);
                changes(&event, &filter)
            }
            Err(_) => {
                self.fail();
                true
            }
        }
    }

    fn fail(&self) {
        if !self.failed.swap(true, Ordering::SeqCst) {
            let _ = self.tx.send(Msg::Watching(false));
        }
    }
}

/// Whether `event` may change what is read: not a file merely opened or
/// read (the collection itself does that), and about a watched directory,
/// a file in it, or an ancestor of one (a directory that appears), but not
/// in the source's own directory. An event without a path (the system's
/// queue overflowed) counts.
fn changes(event: &Event, filter: &Filter) -> bool {
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    if event.paths.is_empty() {
        return true;
    }
    event
        .paths
        .iter()
        .any(|path| concerns(path, &filter.dirs) && !own(path, filter.own.as_deref()))
}

/// Notes a watched directory, or an ancestor of one, removed or renamed.
fn note_gone(event: &Event, filter: &mut Filter) {
    if !matches!(
        event.kind,
        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    ) {
        return;
    }
    for path in &event.paths {
        if filter.dirs.iter().any(|d| d.path.starts_with(path)) && !filter.gone.contains(path) {
            filter.gone.push(path.clone());
        }
    }
}

fn concerns(path: &Path, dirs: &[Watched]) -> bool {
    dirs.iter().any(|dir| {
        let inside = match dir.recursive {
            true => path.starts_with(&dir.path),
            false => path == dir.path || path.parent() == Some(&dir.path),
        };
        inside || dir.path.starts_with(path)
    })
}

/// Whether `path` is in `own` (the cache directory), also when a watched
/// directory reaches it through a symbolic link.
fn own(path: &Path, own: Option<&Path>) -> bool {
    let Some(own) = own else {
        return false;
    };
    if path.starts_with(own) {
        return true;
    }
    let real = |p: &Path| fs::canonicalize(p).ok();
    match (path.parent().and_then(real), real(own)) {
        (Some(parent), Some(own)) => parent.starts_with(own),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, RemoveKind, RenameMode};

    fn event(kind: EventKind, path: &Path) -> Event {
        Event::new(kind).add_path(path.to_path_buf())
    }

    fn filter(dirs: &[(&Path, bool)], own: Option<&Path>) -> Filter {
        Filter {
            dirs: dirs
                .iter()
                .map(|(p, recursive)| Watched {
                    path: p.to_path_buf(),
                    recursive: *recursive,
                })
                .collect(),
            own: own.map(Path::to_path_buf),
            gone: Vec::new(),
        }
    }

    #[test]
    fn reading_a_file_is_no_change_and_writing_one_is() {
        let f = filter(&[(Path::new("/h/.pi/agent/sessions"), true)], None);
        let file = Path::new("/h/.pi/agent/sessions/--w--/a.jsonl");
        let open = event(EventKind::Access(AccessKind::Any), file);
        assert!(!changes(&open, &f));
        let write = event(EventKind::Modify(ModifyKind::Any), file);
        assert!(changes(&write, &f));
        // The system's queue overflowed: anything may have changed.
        assert!(changes(&Event::new(EventKind::Other), &f));
    }

    #[test]
    fn only_paths_that_can_be_read_or_lead_to_a_directory_count() {
        let f = filter(
            &[
                (Path::new("/h/.omp/agent/sessions"), true),
                (Path::new("/h/.pi/agent"), false),
            ],
            None,
        );
        let created = |p: &str| event(EventKind::Create(CreateKind::Any), Path::new(p));
        // The home watched for `.omp` to appear: other files there do not count.
        assert!(!changes(&created("/h/.bash_history"), &f));
        assert!(changes(&created("/h/.omp"), &f));
        // A flat directory: its own files count, those below do not.
        assert!(changes(&created("/h/.pi/agent/a.jsonl"), &f));
        assert!(!changes(&created("/h/.pi/agent/sessions/x/a.jsonl"), &f));
        assert!(changes(&created("/h/.omp/agent/sessions/x/y/a.jsonl"), &f));
    }

    #[cfg(unix)]
    #[test]
    fn the_sources_own_directory_does_not_count_even_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let root = tmp.path().join("root");
        fs::create_dir_all(&cache).unwrap();
        fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(&cache, root.join("linked")).unwrap();
        let f = filter(&[(&root, true)], Some(&cache));
        let modify = |p: &Path| event(EventKind::Modify(ModifyKind::Any), p);
        assert!(!changes(&modify(&root.join("linked/pi-pi-1.bin")), &f));
        assert!(changes(&modify(&root.join("a.jsonl")), &f));
    }

    #[test]
    fn a_watched_directory_removed_or_renamed_is_noted() {
        let mut f = filter(&[(Path::new("/h/.pi/agent/sessions"), true)], None);
        let removed = |p: &str| event(EventKind::Remove(RemoveKind::Any), Path::new(p));
        note_gone(&removed("/h/.pi/agent/sessions/w/a.jsonl"), &mut f);
        assert!(f.gone.is_empty(), "a file is no watch");
        note_gone(&removed("/h/.pi/agent/sessions"), &mut f);
        let renamed = event(
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            Path::new("/h/.pi"),
        );
        note_gone(&renamed, &mut f);
        assert_eq!(
            f.gone,
            [
                PathBuf::from("/h/.pi/agent/sessions"),
                PathBuf::from("/h/.pi")
            ]
        );
    }

    #[test]
    fn a_missing_directory_is_watched_through_its_nearest_ancestor() {
        let tmp = tempfile::tempdir().unwrap();
        let there = tmp.path().join("there");
        fs::create_dir(&there).unwrap();
        let dirs = [
            Watched {
                path: there.clone(),
                recursive: true,
            },
            Watched {
                path: tmp.path().join("a/b/c"),
                recursive: true,
            },
            Watched {
                path: tmp.path().join("d"),
                recursive: true,
            },
        ];
        let found: Vec<(PathBuf, bool)> = targets(&dirs)
            .into_iter()
            .map(|t| (t.path, t.recursive))
            .collect();
        assert_eq!(found, [(there, true), (tmp.path().to_path_buf(), false)]);
    }

    #[test]
    fn a_directory_inside_a_watched_tree_is_not_watched_again() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("tree/inner")).unwrap();
        let watched = |p: &str, recursive| Watched {
            path: tmp.path().join(p),
            recursive,
        };
        let dirs = [
            watched("tree/inner", true),
            watched("tree", true),
            // Missing: its nearest ancestor is the tree itself.
            watched("tree/later", true),
            watched("tree", false),
        ];
        let found: Vec<(PathBuf, bool)> = targets(&dirs)
            .into_iter()
            .map(|t| (t.path, t.recursive))
            .collect();
        assert_eq!(found, [(tmp.path().join("tree"), true)]);
    }
}
