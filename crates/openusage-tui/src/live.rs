//! The interactive view: a loop that owns the terminal, with the collection
//! on a thread of its own so the screen never freezes while history is read.
//!
//! Every way out restores the terminal: the terminal is held by a guard
//! (`Tty`) whose `Drop` restores it, so returning, failing and panicking
//! all pass through it; SIGTERM, SIGHUP and SIGINT are turned into messages
//! that end the loop the same way; a collector that panics ends the loop
//! with an error rather than leaving it drawing on a restored terminal.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Stdout};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use openusage_core::pricing::CostMode;
use openusage_core::{About, Progress, Snapshot};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{self, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use crate::state::{Action, App, Loading, Page};
use crate::view::Pages;

/// Where snapshots come from. Collecting may take long (a first read of
/// years of history); it runs on its own thread.
pub trait Source: Send + 'static {
    /// Collects every account shown, reporting files read to `progress`.
    fn collect(&mut self, progress: &Progress) -> Vec<Snapshot>;

    /// Called once when the view closes (to keep what was learnt).
    fn close(&mut self) {}
}

/// How the live view behaves.
#[derive(Debug, Clone)]
pub struct Options {
    pub page: Page,
    /// Time between automatic refreshes.
    pub refresh_every: Duration,
    /// The registered providers (see [`App::providers`]).
    pub providers: Vec<About>,
    /// Which costs the views show.
    pub cost: CostMode,
}

/// Why the live view ended, other than the user quitting.
#[derive(Debug)]
pub enum Error {
    /// The terminal could not be set up, drawn on or read.
    Terminal(io::Error),
    /// Collecting the usage failed (the collector panicked or stopped).
    Collector(String),
    /// A signal (SIGTERM, SIGHUP, SIGINT) ended the view; the number.
    Signal(i32),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Terminal(e) => write!(f, "terminal: {e}"),
            Error::Collector(why) => write!(f, "collecting usage failed: {why}"),
            Error::Signal(n) => write!(f, "stopped by signal {n}"),
        }
    }
}

impl std::error::Error for Error {}

/// What the loop hears about.
#[derive(Debug)]
enum Msg {
    Input(Event),
    Collected(Vec<Snapshot>),
    /// The collector failed and is gone.
    Failed(String),
    Signal(i32),
}

/// How often the loop wakes while waiting, to show the progress of a
/// collection and to start the timed refresh. An idle tick draws nothing.
const TICK: Duration = Duration::from_millis(200);

/// How long closing the view waits for the source to keep what it learnt.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// Runs the dashboard until the user quits. The terminal is restored on
/// every way out: quitting, an error, a panic, a signal.
pub fn run(source: impl Source, options: Options) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel();
    // Listening before the terminal changes: a signal from then on ends
    // the loop, which restores the terminal on its way out.
    let signals = signals::listen(tx.clone()).map_err(Error::Terminal)?;
    let mut tty = match Tty::enter() {
        Ok(tty) => tty,
        Err(e) => {
            signals.close();
            return Err(Error::Terminal(e));
        }
    };
    spawn_input(tx.clone());
    let collector = Collector::spawn(source, tx);
    let result = event_loop(&mut tty.terminal, &collector, &rx, options, TICK);
    drop(tty);
    // Quitting (or a signal) while no collection runs: the source keeps
    // what it learnt for the next run. A collection still running is not
    // waited for.
    let keep = match &result {
        Ok(stats) => stats.idle,
        Err(Error::Signal(_)) => collector.idle(),
        Err(_) => false,
    };
    if keep {
        collector.close(CLOSE_WAIT, &rx);
    }
    signals.close();
    result.map(|_| ())
}

/// What the loop counted, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stats {
    /// Waits that ended with nothing to do.
    ticks: u64,
    /// Frames drawn.
    frames: u64,
    /// Page bodies built.
    builds: u64,
    /// Whether no collection was running at the end.
    idle: bool,
}

/// The loop: draws when something changed, reads keys, starts refreshes,
/// and ends on quit, on a signal or when the collection fails.
fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    collector: &Collector,
    rx: &Receiver<Msg>,
    options: Options,
    tick: Duration,
) -> Result<Stats, Error>
where
    B::Error: Send + Sync + 'static,
{
    let mut app = App::new(options.page)
        .with_providers(options.providers.clone())
        .with_cost(options.cost);
    let mut pages = Pages::default();
    let mut stats = Stats::default();
    app.loading = Loading::Reading { files: 0 };
    collector.request()?;
    let mut last_refresh = Instant::now();
    let mut dirty = true;
    loop {
        if let Loading::Reading { files: shown } = app.loading {
            let files = collector.progress.files_read();
            if files != shown {
                app.loading = Loading::Reading { files };
                dirty = true;
            }
        }
        if dirty {
            terminal
                .draw(|frame| pages.draw(frame, &mut app))
                .map_err(|e| Error::Terminal(io::Error::other(e)))?;
            stats.frames += 1;
            stats.builds = pages.builds();
            dirty = false;
        }
        let refresh = match rx.recv_timeout(tick) {
            Ok(Msg::Input(Event::Key(key))) => {
                dirty = true;
                match app.on_key(key) {
                    Action::Quit => {
                        stats.idle = app.loading == Loading::Idle;
                        return Ok(stats);
                    }
                    Action::Refresh => true,
                    Action::None => false,
                }
            }
            Ok(Msg::Input(Event::Resize(..))) => {
                dirty = true;
                false
            }
            Ok(Msg::Input(_)) => false,
            Ok(Msg::Collected(snapshots)) => {
                app.set_snapshots(snapshots);
                app.loading = Loading::Idle;
                collector.busy.set(false);
                last_refresh = Instant::now();
                dirty = true;
                false
            }
            Ok(Msg::Failed(why)) => return Err(Error::Collector(why)),
            Ok(Msg::Signal(n)) => return Err(Error::Signal(n)),
            Err(RecvTimeoutError::Timeout) => {
                stats.ticks += 1;
                last_refresh.elapsed() >= options.refresh_every
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::Collector("the collector stopped".to_owned()));
            }
        };
        if refresh && app.loading == Loading::Idle {
            collector.progress.reset();
            app.loading = Loading::Reading { files: 0 };
            dirty = true;
            collector.request()?;
        }
    }
}

/// The collector: a thread that collects once per request and sends the
/// snapshots back. A panic in the source is caught and reported as
/// [`Msg::Failed`]: the loop ends with it, never waits forever.
struct Collector {
    requests: Option<Sender<()>>,
    progress: Arc<Progress>,
    /// Whether a collection was requested and has not come back.
    busy: Cell<bool>,
    /// Told once the source has been closed.
    closed: Receiver<()>,
}

impl Collector {
    fn spawn(mut source: impl Source, tx: Sender<Msg>) -> Collector {
        let (requests, rx) = mpsc::channel::<()>();
        let (closed_tx, closed) = mpsc::channel();
        let progress = Arc::new(Progress::default());
        let shared = Arc::clone(&progress);
        thread::spawn(move || {
            while rx.recv().is_ok() {
                let collected = panic::catch_unwind(AssertUnwindSafe(|| source.collect(&shared)));
                let msg = match collected {
                    Ok(snapshots) => Msg::Collected(snapshots),
                    Err(payload) => Msg::Failed(panic_text(payload.as_ref())),
                };
                let failed = matches!(msg, Msg::Failed(_));
                if tx.send(msg).is_err() || failed {
                    return;
                }
            }
            // The view closed: keep what was learnt. A panic here is the
            // source's own; the view is gone and the process is ending.
            if panic::catch_unwind(AssertUnwindSafe(|| source.close())).is_ok() {
                let _ = closed_tx.send(());
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
    fn request(&self) -> Result<(), Error> {
        self.busy.set(true);
        self.requests
            .as_ref()
            .and_then(|r| r.send(()).ok())
            .ok_or_else(|| Error::Collector("the collector stopped".to_owned()))
    }

    fn idle(&self) -> bool {
        !self.busy.get()
    }

    /// Ends the collector, letting the source keep what it learnt; waits
    /// at most `wait` for that, and no longer once a signal arrives on `rx`
    /// (the terminal is back to normal: Ctrl-C must still end the program).
    fn close(mut self, wait: Duration, rx: &Receiver<Msg>) {
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

/// Terminal events, read on their own thread; it ends with the process.
fn spawn_input(tx: Sender<Msg>) {
    thread::spawn(move || {
        while let Ok(event) = event::read() {
            if tx.send(Msg::Input(event)).is_err() {
                return;
            }
        }
    });
}

/// The terminal as the live view needs it (raw mode, the alternate screen)
/// for as long as this lives; dropping it restores the terminal and shows
/// the cursor. While it lives, a panic on the thread that made it restores
/// the terminal before the panic message is printed, so the message lands
/// on the screen the user sees.
struct Tty {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    _restore: Restore,
}

impl Tty {
    fn enter() -> io::Result<Tty> {
        let active = Arc::new(AtomicBool::new(true));
        let ui = thread::current().id();
        let hook_active = Arc::clone(&active);
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if thread::current().id() == ui && hook_active.swap(false, Ordering::SeqCst) {
                restore();
            }
            previous(info);
        }));
        // Made first: should a step below fail, dropping it undoes the
        // steps before.
        let guard = Restore { active };
        enable_raw_mode()?;
        execute!(io::stdout(), EnterAlternateScreen)?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(Tty {
            terminal,
            _restore: guard,
        })
    }
}

/// Restores the terminal when dropped (the last field of [`Tty`], so
/// dropped after the terminal itself).
struct Restore {
    /// Whether the panic hook should still restore the terminal.
    active: Arc<AtomicBool>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        self.active.store(false, Ordering::SeqCst);
        restore();
    }
}

/// Raw mode off, the main screen back, the cursor shown. Errors are
/// ignored: the terminal may be gone (SIGHUP), and nothing else is left to
/// do with it.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
}

/// SIGTERM, SIGHUP and SIGINT, as messages to the loop.
#[cfg(unix)]
mod signals {
    use std::io;
    use std::sync::mpsc::Sender;
    use std::thread;

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::{Handle, Signals};

    use super::Msg;

    pub struct Listening(Handle);

    /// Starts listening; from now on these signals no longer kill the
    /// process but arrive as [`Msg::Signal`].
    pub fn listen(tx: Sender<Msg>) -> io::Result<Listening> {
        let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT])?;
        let handle = signals.handle();
        thread::spawn(move || {
            for n in signals.forever() {
                if tx.send(Msg::Signal(n)).is_err() {
                    return;
                }
            }
        });
        Ok(Listening(handle))
    }

    impl Listening {
        pub fn close(self) {
            self.0.close();
        }
    }
}

#[cfg(not(unix))]
mod signals {
    use std::io;
    use std::sync::mpsc::Sender;

    use super::Msg;

    pub struct Listening;

    pub fn listen(_: Sender<Msg>) -> io::Result<Listening> {
        Ok(Listening)
    }

    impl Listening {
        pub fn close(self) {}
    }
}

/// The terminal's width in columns, when standard output is one.
pub fn terminal_width() -> Option<u16> {
    ratatui::crossterm::terminal::size().ok().map(|(w, _)| w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use openusage_core::{ModelUsage, Status};
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::sync::Mutex;

    fn key(c: char) -> Msg {
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    }

    /// A source that hands out the same snapshots, or runs `collect`.
    struct Fake<F: FnMut() -> Vec<Snapshot> + Send + 'static> {
        collect: F,
        closed: Arc<AtomicBool>,
    }

    impl<F: FnMut() -> Vec<Snapshot> + Send + 'static> Source for Fake<F> {
        fn collect(&mut self, _: &Progress) -> Vec<Snapshot> {
            (self.collect)()
        }
        fn close(&mut self) {
            self.closed.store(true, Ordering::SeqCst);
        }
    }

    fn fake<F: FnMut() -> Vec<Snapshot> + Send + 'static>(
        collect: F,
    ) -> (Fake<F>, Arc<AtomicBool>) {
        let closed = Arc::new(AtomicBool::new(false));
        let source = Fake {
            collect,
            closed: Arc::clone(&closed),
        };
        (source, closed)
    }

    /// An account with `rows` model rows, each its own model and workspace.
    fn account(rows: usize) -> Snapshot {
        let mut s = Snapshot::new("pi", "pi", DateTime::UNIX_EPOCH, Status::Ok, "");
        s.model_usage = (0..rows)
            .map(|i| {
                let mut m: ModelUsage =
                    serde_json::from_value(serde_json::json!({"raw_model_id": format!("model-{i}"), "dimensions": {"workspace_label": format!("w{i}")}, "input_tokens": i, "output_tokens": 1, "cache_read_tokens": 0, "cache_write_tokens": 0, "total_tokens": i + 1, "requests": 1}))
                        .unwrap();
                m.cost_usd = Some(0.01);
                m
            })
            .collect();
        s
    }

    /// Runs the loop on a test terminal in a thread of its own; returns
    /// the channel to send it messages and where its result arrives.
    fn start(
        source: impl Source,
        page: Page,
        tick: Duration,
    ) -> (Sender<Msg>, Receiver<Result<Stats, Error>>) {
        let (tx, rx) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let collector_tx = tx.clone();
        thread::spawn(move || {
            let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
            let collector = Collector::spawn(source, collector_tx);
            let options = Options {
                page,
                refresh_every: Duration::from_secs(3600),
                providers: Vec::new(),
                cost: CostMode::Auto,
            };
            let result = event_loop(&mut terminal, &collector, &rx, options, tick);
            if matches!(result, Ok(Stats { idle: true, .. })) {
                collector.close(CLOSE_WAIT, &rx);
            }
            let _ = done_tx.send(result);
        });
        (tx, done)
    }

    fn finished(done: &Receiver<Result<Stats, Error>>) -> Result<Stats, Error> {
        done.recv_timeout(Duration::from_secs(20))
            .expect("the loop ended within 20 s")
    }

    #[test]
    fn a_collector_that_panics_ends_the_loop_with_an_error() {
        let (source, closed) = fake(|| panic!("cannot read the history"));
        let (_tx, done) = start(source, Page::Dashboard, TICK);
        match finished(&done) {
            Err(Error::Collector(why)) => assert_eq!(why, "cannot read the history"),
            other => panic!("{other:?}"),
        }
        assert!(!closed.load(Ordering::SeqCst));
    }

    #[test]
    fn a_collector_that_panics_on_a_refresh_ends_the_loop_too() {
        let mut calls = 0;
        let (source, _) = fake(move || {
            calls += 1;
            assert!(calls < 2, "the refresh failed");
            vec![account(1)]
        });
        let (tx, done) = start(source, Page::Dashboard, Duration::from_millis(5));
        thread::sleep(Duration::from_millis(100));
        tx.send(key('r')).unwrap();
        match finished(&done) {
            Err(Error::Collector(why)) => assert!(why.contains("the refresh failed"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_signal_during_the_first_load_ends_the_loop() {
        // A first load that never finishes.
        let (hold, wait) = mpsc::channel::<()>();
        let wait = Mutex::new(wait);
        let (source, closed) = fake(move || {
            let _ = wait.lock().unwrap().recv();
            Vec::new()
        });
        let (tx, done) = start(source, Page::Dashboard, TICK);
        thread::sleep(Duration::from_millis(50));
        tx.send(Msg::Signal(15)).unwrap();
        assert!(matches!(finished(&done), Err(Error::Signal(15))));
        assert!(
            !closed.load(Ordering::SeqCst),
            "a busy source is not waited for"
        );
        drop(hold);
    }

    #[test]
    fn quitting_lets_the_source_keep_what_it_learnt() {
        let (source, closed) = fake(|| vec![account(1)]);
        let (tx, done) = start(source, Page::Dashboard, Duration::from_millis(5));
        thread::sleep(Duration::from_millis(100));
        tx.send(key('q')).unwrap();
        assert!(finished(&done).is_ok_and(|s| s.idle));
        assert!(closed.load(Ordering::SeqCst));
    }

    #[test]
    fn an_idle_tick_builds_no_page_and_draws_nothing() {
        let snapshots = vec![account(20_000)];
        let (source, _) = fake(move || snapshots.clone());
        let (tx, done) = start(source, Page::Analytics, Duration::from_millis(2));
        // The first load, then many idle ticks.
        thread::sleep(Duration::from_millis(800));
        // Scrolling shows another part of the page already built.
        tx.send(key('j')).unwrap();
        tx.send(key('j')).unwrap();
        // Another window is another page.
        tx.send(key('w')).unwrap();
        thread::sleep(Duration::from_millis(100));
        tx.send(key('q')).unwrap();
        let stats = finished(&done).unwrap();
        assert!(stats.ticks >= 20, "{stats:?}");
        // The loading page, the analytics page, the one for the next window.
        assert_eq!(stats.builds, 3, "{stats:?}");
        // The loading frame, the page, three keys; no tick drew.
        assert_eq!(stats.frames, 5, "{stats:?}");
    }
}
