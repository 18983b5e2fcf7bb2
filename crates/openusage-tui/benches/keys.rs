//! How long the live view takes to answer a key, from the key press to the
//! frame drawn, with 100,000 model and workspace rows (each row its own
//! model and workspace): `cargo bench -p openusage-tui`. The target is
//! under 100 ms for every key (docs/performance.md).

// Benchmark setup: a failure should fail loudly.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration};
use divan::Bencher;
use openusage_core::{ModelUsage, Snapshot, Status};
use openusage_tui::view::Pages;
use openusage_tui::{App, Page};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn main() {
    divan::main();
}

const ROWS: usize = 100_000;

/// One account with `ROWS` model rows, each its own model and workspace,
/// and a year of daily series.
fn account() -> Snapshot {
    let now = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .unwrap()
        .to_utc();
    let mut s = Snapshot::new("pi", "pi", now, Status::Ok, "");
    s.model_usage = (0..ROWS)
        .map(|i| {
            let tokens = (i as u64 % 997 + 1) * 1_000;
            serde_json::from_value::<ModelUsage>(serde_json::json!({
                "raw_model_id": format!("vendor/model-{i:06}"),
                "dimensions": {
                    "upstream_provider": format!("provider-{}", i % 50),
                    "workspace_label": format!("workspace-{i:06}"),
                },
                "input_tokens": tokens / 2,
                "output_tokens": tokens / 2,
                "cache_read_tokens": 0,
                "cache_write_tokens": 0,
                "total_tokens": tokens,
                "requests": 3,
                "cost_usd": 0.25,
            }))
            .unwrap()
        })
        .collect();
    let today = now.date_naive();
    for series in ["tokens", "sessions"] {
        let points = (0..365)
            .map(|back| {
                serde_json::from_value(serde_json::json!({
                    "date": today - Duration::days(back),
                    "value": back * 10 + 1,
                }))
                .unwrap()
            })
            .collect();
        s.daily_series.insert(series.to_owned(), points);
    }
    s
}

/// The live view after its first frame: the page built, as when a key
/// arrives.
struct View {
    app: App,
    pages: Pages,
    terminal: Terminal<TestBackend>,
}

impl View {
    fn new(page: Page) -> View {
        let mut view = View {
            app: App::with_snapshots(page, vec![account()]),
            pages: Pages::default(),
            terminal: Terminal::new(TestBackend::new(120, 40)).unwrap(),
        };
        view.frame();
        view
    }

    fn frame(&mut self) {
        let View {
            app,
            pages,
            terminal,
        } = self;
        terminal.draw(|frame| pages.draw(frame, app)).unwrap();
    }

    /// A key press and the frame that answers it.
    fn press(&mut self, code: KeyCode) {
        self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.frame();
    }
}

/// `j` on the analytics page: a row further down the page already built.
#[divan::bench(sample_count = 50)]
fn analytics_scroll(bencher: Bencher) {
    let mut view = View::new(Page::Analytics);
    bencher.bench_local(|| view.press(KeyCode::Char('j')));
}

/// `w` on the analytics page: another window, so the page is built again
/// (the 100,000 rows grouped, the charts summed).
#[divan::bench(sample_count = 20)]
fn analytics_window(bencher: Bencher) {
    let mut view = View::new(Page::Analytics);
    bencher.bench_local(|| view.press(KeyCode::Char('w')));
}

/// Tab, back and forth: each press builds the other page.
#[divan::bench(sample_count = 20)]
fn switch_page(bencher: Bencher) {
    let mut view = View::new(Page::Analytics);
    bencher.bench_local(|| view.press(KeyCode::Tab));
}

/// An idle tick's frame: nothing changed, nothing is built.
#[divan::bench(sample_count = 50)]
fn idle_frame(bencher: Bencher) {
    let mut view = View::new(Page::Analytics);
    bencher.bench_local(|| view.frame());
}

/// A refresh's new data arriving on the analytics page: the rows grouped
/// again (once per collection, not per key).
#[divan::bench(sample_count = 10)]
fn new_data(bencher: Bencher) {
    let mut view = View::new(Page::Analytics);
    let snapshots = vec![account()];
    bencher
        .with_inputs(|| snapshots.clone())
        .bench_local_values(|s| {
            view.app.set_snapshots(s);
            view.frame();
        });
}
