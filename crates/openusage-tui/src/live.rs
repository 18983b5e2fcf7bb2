//! The interactive view: a loop that owns the terminal, with the collection
//! on a thread of its own so the screen never freezes while history is read.
//!
//! Every way out restores the terminal: the terminal is held by a guard
//! (`Tty`) whose `Drop` restores it, so returning, failing and panicking
//! all pass through it; SIGTERM, SIGHUP and SIGINT are turned into messages
//! that end the loop the same way; a collector that panics ends the loop
//! with an error rather than leaving it drawing on a restored terminal.

use std::fmt;
use std::io::{self, Stdout};
use std::panic;
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

mod collector;

use crate::view::Pages;
use collector::Collector;
pub use collector::SAVE_EVERY;

/// Where snapshots come from. Collecting may take long (a first read of
/// years of history); it runs on its own thread.
pub trait Source: Send + 'static {
    /// Collects every account shown, reporting files read to `progress`.
    fn collect(&mut self, progress: &Progress) -> Vec<Snapshot>;

    /// Keeps what was learnt for the next run; returns notes for the user
    /// (a cache that could not be written). Called on the collector's
    /// thread, never during a collection: after the first collection, at
    /// most every [`SAVE_EVERY`] after that, and when the view closes (by
    /// the collector's guard, whatever way the view ends, but not after a
    /// collection panicked).
    fn save(&mut self) -> Vec<String> {
        Vec::new()
    }
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
    app.loading = Loading::Reading { files: 0, found: 0 };
    collector.request()?;
    let mut last_refresh = Instant::now();
    let mut dirty = true;
    loop {
        if let Loading::Reading { .. } = app.loading {
            let now = Loading::Reading {
                files: collector.progress.files_read(),
                found: collector.progress.found(),
            };
            if now != app.loading {
                app.loading = now;
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
            app.loading = Loading::Reading { files: 0, found: 0 };
            dirty = true;
            collector.request()?;
        }
    }
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
    use std::sync::atomic::AtomicUsize;

    fn key(c: char) -> Msg {
        Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    }

    /// A source that hands out the same snapshots, or runs `collect`.
    struct Fake<F: FnMut() -> Vec<Snapshot> + Send + 'static> {
        collect: F,
        saves: Arc<AtomicUsize>,
    }

    impl<F: FnMut() -> Vec<Snapshot> + Send + 'static> Source for Fake<F> {
        fn collect(&mut self, _: &Progress) -> Vec<Snapshot> {
            (self.collect)()
        }
        fn save(&mut self) -> Vec<String> {
            self.saves.fetch_add(1, Ordering::SeqCst);
            Vec::new()
        }
    }

    fn fake<F: FnMut() -> Vec<Snapshot> + Send + 'static>(
        collect: F,
    ) -> (Fake<F>, Arc<AtomicUsize>) {
        let saves = Arc::new(AtomicUsize::new(0));
        let source = Fake {
            collect,
            saves: Arc::clone(&saves),
        };
        (source, saves)
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
        start_saving_every(source, page, tick, SAVE_EVERY)
    }

    fn start_saving_every(
        source: impl Source,
        page: Page,
        tick: Duration,
        every: Duration,
    ) -> (Sender<Msg>, Receiver<Result<Stats, Error>>) {
        let (tx, rx) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let collector_tx = tx.clone();
        thread::spawn(move || {
            let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
            let collector = Collector::spawn_saving_every(source, collector_tx, every);
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
        let (source, saves) = fake(|| panic!("cannot read the history"));
        let (_tx, done) = start(source, Page::Dashboard, TICK);
        match finished(&done) {
            Err(Error::Collector(why)) => assert_eq!(why, "cannot read the history"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            saves.load(Ordering::SeqCst),
            0,
            "a failed source is not saved"
        );
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
        let (source, saves) = fake(move || {
            let _ = wait.lock().unwrap().recv();
            Vec::new()
        });
        let (tx, done) = start(source, Page::Dashboard, TICK);
        thread::sleep(Duration::from_millis(50));
        tx.send(Msg::Signal(15)).unwrap();
        assert!(matches!(finished(&done), Err(Error::Signal(15))));
        assert!(
            saves.load(Ordering::SeqCst) == 0,
            "a busy source is not waited for"
        );
        drop(hold);
    }

    /// Waits until `saves` reaches `n` (at most 20 s).
    fn saved(saves: &AtomicUsize, n: usize) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if saves.load(Ordering::SeqCst) >= n {
                return true;
            }
            thread::sleep(Duration::from_millis(5));
        }
        false
    }

    #[test]
    fn the_first_collection_is_kept_at_once_and_quitting_keeps_the_rest() {
        let (source, saves) = fake(|| vec![account(1)]);
        let (tx, done) = start(source, Page::Dashboard, Duration::from_millis(5));
        // A session killed now would find the cold read in the cache.
        assert!(saved(&saves, 1), "the first collection was not saved");
        thread::sleep(Duration::from_millis(50));
        assert_eq!(
            saves.load(Ordering::SeqCst),
            1,
            "refreshes wait for SAVE_EVERY"
        );
        tx.send(key('q')).unwrap();
        assert!(finished(&done).is_ok_and(|s| s.idle));
        assert_eq!(
            saves.load(Ordering::SeqCst),
            2,
            "and once more on the way out"
        );
    }

    #[test]
    fn a_running_view_saves_again_once_the_interval_has_passed() {
        let (source, saves) = fake(|| vec![account(1)]);
        let every = Duration::ZERO;
        let (tx, done) =
            start_saving_every(source, Page::Dashboard, Duration::from_millis(5), every);
        assert!(saved(&saves, 1));
        tx.send(key('r')).unwrap();
        assert!(saved(&saves, 2), "the refresh was not saved");
        tx.send(key('q')).unwrap();
        assert!(finished(&done).is_ok());
        assert_eq!(saves.load(Ordering::SeqCst), 3);
    }

    /// A source whose saving panics.
    struct BadSave;

    impl Source for BadSave {
        fn collect(&mut self, _: &Progress) -> Vec<Snapshot> {
            vec![account(1)]
        }
        fn save(&mut self) -> Vec<String> {
            panic!("disk on fire")
        }
    }

    #[test]
    fn a_save_that_panics_costs_the_cache_not_the_view() {
        let (tx, done) = start(BadSave, Page::Dashboard, Duration::from_millis(5));
        // Refreshes still work after the save that failed.
        for _ in 0..3 {
            thread::sleep(Duration::from_millis(100));
            tx.send(key('r')).unwrap();
        }
        thread::sleep(Duration::from_millis(100));
        tx.send(key('q')).unwrap();
        assert!(finished(&done).is_ok_and(|s| s.idle));
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
