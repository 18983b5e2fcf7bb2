//! The loop, the collector and the watches, on a test terminal.

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

fn fake<F: FnMut() -> Vec<Snapshot> + Send + 'static>(collect: F) -> (Fake<F>, Arc<AtomicUsize>) {
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
    let setup = Setup {
        every,
        ..Setup::default()
    };
    start_with(source, page, tick, setup)
}

/// How a test view saves, watches and refreshes.
struct Setup {
    every: Duration,
    make: watch::Make,
    refresh_every: Duration,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            every: SAVE_EVERY,
            make: watch::native,
            refresh_every: Duration::from_secs(3600),
        }
    }
}

fn start_with(
    source: impl Source,
    page: Page,
    tick: Duration,
    setup: Setup,
) -> (Sender<Msg>, Receiver<Result<Stats, Error>>) {
    let (tx, rx) = mpsc::channel();
    let (done_tx, done) = mpsc::channel();
    let collector_tx = tx.clone();
    thread::spawn(move || {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        let collector = Collector::spawn_with(source, collector_tx, setup.every, setup.make);
        let options = Options {
            page,
            refresh_every: setup.refresh_every,
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
    let (tx, done) = start_saving_every(source, Page::Dashboard, Duration::from_millis(5), every);
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
    // Idle, the loop sleeps until the safety net is due (an hour).
    assert_eq!(stats.idle_ticks, 0, "{stats:?}");
    // The loading page, the analytics page, the one for the next window.
    assert_eq!(stats.builds, 3, "{stats:?}");
    // The loading frame, again with the word that the view polls (this
    // source watches nothing), the page, three keys; no tick drew.
    assert!(stats.polling, "{stats:?}");
    assert_eq!(stats.frames, 6, "{stats:?}");
}

mod watching;
