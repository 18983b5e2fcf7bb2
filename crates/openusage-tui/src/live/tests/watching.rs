//! File events bring refreshes; without them the view polls.

use super::*;
use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicUsize;

/// A source that reads every file of a directory (as a collection
/// opens transcripts) and counts its collections; the first may wait
/// for the test.
struct Dir {
    watched: Watched,
    collections: Arc<AtomicUsize>,
    /// Told when the first collection starts; it then waits for `go`.
    first: Option<(Sender<()>, Receiver<()>)>,
}

impl Source for Dir {
    fn collect(&mut self, _: &Progress) -> Vec<Snapshot> {
        if let Some((started, go)) = self.first.take() {
            let _ = started.send(());
            let _ = go.recv();
        }
        if let Ok(entries) = fs::read_dir(&self.watched.path) {
            for entry in entries.flatten() {
                let _ = fs::read(entry.path());
            }
        }
        self.collections.fetch_add(1, Ordering::SeqCst);
        Vec::new()
    }
    fn watched(&self) -> Vec<Watched> {
        vec![self.watched.clone()]
    }
}

fn dir(path: &Path) -> (Dir, Arc<AtomicUsize>) {
    let collections = Arc::new(AtomicUsize::new(0));
    let source = Dir {
        watched: Watched {
            path: path.to_path_buf(),
            recursive: true,
        },
        collections: Arc::clone(&collections),
        first: None,
    };
    (source, collections)
}

/// Waits until `n` reaches `want` (at most 10 s: a time-out, not a
/// speed limit).
fn reaches(n: &AtomicUsize, want: usize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if n.load(Ordering::SeqCst) >= want {
            return true;
        }
        thread::sleep(Duration::from_millis(5));
    }
    false
}

fn quit(tx: &Sender<Msg>, done: &Receiver<Result<Stats, Error>>) -> Stats {
    tx.send(key('q')).unwrap();
    finished(done).unwrap()
}

#[test]
fn a_file_written_where_the_source_reads_brings_a_refresh() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.jsonl"), "{}\n").unwrap();
    let (source, collections) = dir(tmp.path());
    let (tx, done) = start_with(source, Page::Dashboard, TICK, Setup::default());
    assert!(reaches(&collections, 1));
    // Reading the files (opening, closing) is no change.
    thread::sleep(Duration::from_millis(300));
    assert_eq!(collections.load(Ordering::SeqCst), 1);
    fs::create_dir(tmp.path().join("sub")).unwrap();
    fs::write(tmp.path().join("sub/b.jsonl"), "{}\n").unwrap();
    assert!(reaches(&collections, 2), "no refresh after a write");
    let stats = quit(&tx, &done);
    assert!(!stats.polling, "{stats:?}");
}

#[test]
fn a_directory_that_appears_later_is_watched_once_it_does() {
    let tmp = tempfile::tempdir().unwrap();
    let later = tmp.path().join("later/sessions");
    let (source, collections) = dir(&later);
    let (tx, done) = start_with(source, Page::Dashboard, TICK, Setup::default());
    assert!(reaches(&collections, 1));
    fs::create_dir_all(&later).unwrap();
    assert!(reaches(&collections, 2), "its appearing was not heard");
    // Let the refresh that armed the new watch end, then write in it.
    thread::sleep(Duration::from_millis(300));
    let before = collections.load(Ordering::SeqCst);
    fs::write(later.join("a.jsonl"), "{}\n").unwrap();
    assert!(reaches(&collections, before + 1), "a write in it was not");
    quit(&tx, &done);
}

#[test]
fn a_directory_removed_and_made_again_is_watched_again() {
    let tmp = tempfile::tempdir().unwrap();
    let sessions = tmp.path().join("sessions");
    fs::create_dir(&sessions).unwrap();
    let (source, collections) = dir(&sessions);
    let (tx, done) = start_with(source, Page::Dashboard, TICK, Setup::default());
    assert!(reaches(&collections, 1));
    fs::remove_dir_all(&sessions).unwrap();
    fs::create_dir(&sessions).unwrap();
    assert!(reaches(&collections, 2), "the removal was not heard");
    thread::sleep(Duration::from_millis(300));
    let before = collections.load(Ordering::SeqCst);
    fs::write(sessions.join("a.jsonl"), "{}\n").unwrap();
    assert!(
        reaches(&collections, before + 1),
        "the new directory is not watched"
    );
    quit(&tx, &done);
}

#[test]
fn a_change_during_a_collection_brings_one_more_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut source, collections) = dir(tmp.path());
    let (started, started_rx) = mpsc::channel();
    let (go, go_rx) = mpsc::channel();
    source.first = Some((started, go_rx));
    let (tx, done) = start_with(source, Page::Dashboard, TICK, Setup::default());
    started_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    fs::write(tmp.path().join("a.jsonl"), "{}\n").unwrap();
    // Heard of (and coalesced) while the first collection still runs.
    thread::sleep(watch::DEBOUNCE * 4);
    go.send(()).unwrap();
    assert!(reaches(&collections, 2), "the change was lost");
    quit(&tx, &done);
}

fn no_watcher(
    _: std::sync::mpsc::Sender<notify::Result<notify::Event>>,
) -> notify::Result<Box<dyn notify::Watcher + Send>> {
    Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch))
}

#[test]
fn without_file_events_the_view_polls_at_the_safety_net_period() {
    let tmp = tempfile::tempdir().unwrap();
    let (source, collections) = dir(tmp.path());
    let setup = Setup {
        make: no_watcher,
        refresh_every: Duration::from_millis(100),
        ..Setup::default()
    };
    let (tx, done) = start_with(source, Page::Dashboard, TICK, setup);
    assert!(reaches(&collections, 4), "the timer did not poll");
    let stats = quit(&tx, &done);
    assert!(stats.polling, "{stats:?}");
}

#[test]
fn a_source_that_watches_nothing_polls() {
    let tmp = tempfile::tempdir().unwrap();
    let (source, collections) = dir(tmp.path());
    let (tx, done) = start(Polled(source), Page::Dashboard, TICK);
    assert!(reaches(&collections, 1));
    let stats = quit(&tx, &done);
    assert!(stats.polling, "{stats:?}");
}

/// The same source, watching nothing.
struct Polled(Dir);

impl Source for Polled {
    fn collect(&mut self, progress: &Progress) -> Vec<Snapshot> {
        self.0.collect(progress)
    }
}
