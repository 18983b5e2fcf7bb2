//! The interactive view: a loop that owns the terminal, with the collection
//! on a thread of its own so the screen never freezes while history is read.
//!
//! A refresh starts when a file the source reads changes (file events,
//! coalesced: `live::watch`), on `r`, and every [`Options::refresh_every`] as a
//! safety net, which is the polling too where events cannot be had. With
//! nothing changing the loop sleeps until that period ends: no thread wakes
//! in between.
//!
//! Every way out restores the terminal: the terminal is held by a guard
//! (`Tty`) whose `Drop` restores it, so returning, failing and panicking
//! all pass through it; SIGTERM, SIGHUP and SIGINT are turned into messages
//! that end the loop the same way; a collector that panics ends the loop
//! with an error rather than leaving it drawing on a restored terminal.

use std::fmt;
use std::io::{self, Stdout};
use std::panic;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use openusage_core::pricing::CostMode;
use openusage_core::{About, Progress, Snapshot, Watched};
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
mod watch;

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

    /// The directories whose changes may change what `collect` returns,
    /// asked before each collection; none by default, and then the view
    /// re-collects only on its timer (it polls).
    fn watched(&self) -> Vec<Watched> {
        Vec::new()
    }

    /// A directory the source writes in itself (its cache), whose changes
    /// are never a reason to refresh, even when a watched directory reaches
    /// it; asked once.
    fn writes_in(&self) -> Option<PathBuf> {
        None
    }
}

/// How the live view behaves.
#[derive(Debug, Clone)]
pub struct Options {
    pub page: Page,
    /// Time between refreshes when nothing else started one: the safety
    /// net for changes no file event told of, and the polling when events
    /// cannot be had.
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
    /// A file the source reads changed (one message for a burst).
    Changed,
    /// Whether file events are watched (false: the view polls).
    Watching(bool),
    /// The collector failed and is gone.
    Failed(String),
    Signal(i32),
}

/// How often the loop wakes while a collection runs, to show its progress.
/// Idle, it sleeps until the safety-net refresh is due.
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
    /// Of those, the waits that ended while no collection ran.
    idle_ticks: u64,
    /// Collections asked for.
    requests: u64,
    /// Frames drawn.
    frames: u64,
    /// Page bodies built.
    builds: u64,
    /// Whether no collection was running at the end.
    idle: bool,
    /// Whether the view was told it polls (no file events).
    polling: bool,
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
    stats.requests += 1;
    let mut last_refresh = Instant::now();
    let mut dirty = true;
    // A change heard of during a collection: one more follows it.
    let mut pending = false;
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
        let wait = match app.loading {
            Loading::Idle => options.refresh_every.saturating_sub(last_refresh.elapsed()),
            Loading::Reading { .. } => tick,
        };
        let refresh = match rx.recv_timeout(wait) {
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
                std::mem::take(&mut pending)
            }
            Ok(Msg::Changed) if app.loading == Loading::Idle => true,
            Ok(Msg::Changed) => {
                pending = true;
                false
            }
            Ok(Msg::Watching(watching)) => {
                app.polling = (!watching).then_some(options.refresh_every);
                stats.polling = !watching;
                dirty = true;
                false
            }
            Ok(Msg::Failed(why)) => return Err(Error::Collector(why)),
            Ok(Msg::Signal(n)) => return Err(Error::Signal(n)),
            Err(RecvTimeoutError::Timeout) => {
                stats.ticks += 1;
                if app.loading == Loading::Idle {
                    stats.idle_ticks += 1;
                }
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
            stats.requests += 1;
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
mod tests;
