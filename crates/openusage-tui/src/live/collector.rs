//! The collector: a thread that collects once per request and sends the
//! snapshots back, and that keeps what the source learnt by construction:
//! the source lives in a [`Keeper`] whose `Drop` saves it, so every way the
//! thread ends (the view closing, the loop gone) saves, except a panic in
//! the source, after which its state is not trusted.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use openusage_core::Progress;

use super::watch::{self, Make, Watch};
use super::{Error, Msg, Source};

/// How often a running view saves what it learnt, at most: a session that
/// is killed (SIGKILL, a crash of the terminal) loses at most this much of
/// reading. The first collection, which may be a cold read of years of
/// history, is saved as soon as it is done.
pub const SAVE_EVERY: Duration = Duration::from_secs(60);

pub(super) struct Collector {
    requests: Option<Sender<()>>,
    pub(super) progress: Arc<Progress>,
    /// Whether a collection was requested and has not come back.
    pub(super) busy: Cell<bool>,
    /// Told once the source has been saved for the last time.
    closed: Receiver<()>,
}

impl Collector {
    pub(super) fn spawn(source: impl Source, tx: Sender<Msg>) -> Collector {
        Collector::spawn_with(source, tx, SAVE_EVERY, watch::native)
    }

    /// A collector saving at most every `every`, watching through the
    /// watchers `make` makes.
    pub(super) fn spawn_with(
        source: impl Source,
        tx: Sender<Msg>,
        every: Duration,
        make: Make,
    ) -> Collector {
        let (requests, rx) = mpsc::channel::<()>();
        let (closed_tx, closed) = mpsc::channel();
        let progress = Arc::new(Progress::default());
        let shared = Arc::clone(&progress);
        thread::spawn(move || {
            let mut watch = Watch::new(make, tx.clone(), source.writes_in());
            let mut keeper = Keeper::new(source, every, closed_tx);
            while rx.recv().is_ok() {
                // Armed before reading: what changes from here on is
                // either read now or heard of.
                watch.arm(keeper.watched());
                if !keeper.collect(&shared, &tx) {
                    return;
                }
            }
        });
        Collector {
            requests: Some(requests),
            progress,
            busy: Cell::new(false),
            closed,
        }
    }

    /// Asks for one collection.
    pub(super) fn request(&self) -> Result<(), Error> {
        self.busy.set(true);
        self.requests
            .as_ref()
            .and_then(|r| r.send(()).ok())
            .ok_or_else(|| Error::Collector("the collector stopped".to_owned()))
    }

    pub(super) fn idle(&self) -> bool {
        !self.busy.get()
    }

    /// Ends the collector, whose keeper then saves the source; waits at
    /// most `wait` for that, and no longer once a signal arrives on `rx`
    /// (the terminal is back to normal: Ctrl-C must still end the program).
    pub(super) fn close(mut self, wait: Duration, rx: &Receiver<Msg>) {
        self.requests = None;
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            match self.closed.recv_timeout(Duration::from_millis(20)) {
                Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {}
            }
            if rx.try_iter().any(|m| matches!(m, Msg::Signal(_))) {
                return;
            }
        }
    }
}

/// The source, saved after its first collection, then at most every
/// `every`, and when dropped, unless a collection panicked.
struct Keeper<S: Source> {
    source: S,
    every: Duration,
    last_save: Option<Instant>,
    /// A collection panicked: what the source holds is not saved.
    poisoned: bool,
    /// A save panicked: the source is not saved again (it still collects).
    unsaveable: bool,
    closed: Sender<()>,
}

impl<S: Source> Keeper<S> {
    fn new(source: S, every: Duration, closed: Sender<()>) -> Keeper<S> {
        Keeper {
            source,
            every,
            last_save: None,
            poisoned: false,
            unsaveable: false,
            closed,
        }
    }

    /// What the source reads, to watch; nothing (so polling) should
    /// asking panic.
    fn watched(&self) -> Vec<openusage_core::Watched> {
        panic::catch_unwind(AssertUnwindSafe(|| self.source.watched())).unwrap_or_default()
    }

    /// One collection, sent on `tx`; false when the thread should end (the
    /// loop is gone, or the source panicked).
    fn collect(&mut self, progress: &Progress, tx: &Sender<Msg>) -> bool {
        let collected = panic::catch_unwind(AssertUnwindSafe(|| self.source.collect(progress)));
        let msg = match collected {
            Ok(snapshots) => Msg::Collected(snapshots),
            Err(payload) => {
                self.poisoned = true;
                Msg::Failed(panic_text(payload.as_ref()))
            }
        };
        if tx.send(msg).is_err() || self.poisoned {
            return false;
        }
        if self.last_save.is_none_or(|at| at.elapsed() >= self.every) {
            // The terminal is the view's: what a save has to say waits for
            // the last save, which tries again (a failed save stays due).
            let _ = self.save();
        }
        true
    }

    fn save(&mut self) -> Vec<String> {
        self.last_save = Some(Instant::now());
        if self.unsaveable {
            return Vec::new();
        }
        match panic::catch_unwind(AssertUnwindSafe(|| self.source.save())) {
            Ok(notes) => notes,
            Err(payload) => {
                self.unsaveable = true;
                vec![format!(
                    "the cache was not saved: {}",
                    panic_text(payload.as_ref())
                )]
            }
        }
    }
}

impl<S: Source> Drop for Keeper<S> {
    fn drop(&mut self) {
        if self.poisoned {
            return;
        }
        // The view has closed and the terminal is restored (the loop drops
        // it before it lets the collector go): notes go to stderr now.
        for note in self.save() {
            eprintln!("openusage: note: {note}");
        }
        let _ = self.closed.send(());
    }
}

/// A panic's message, from its payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        return (*text).to_owned();
    }
    if let Some(text) = payload.downcast_ref::<String>() {
        return text.clone();
    }
    "the collector panicked".to_owned()
}
