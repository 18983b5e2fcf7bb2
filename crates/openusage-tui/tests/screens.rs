//! Rendering on ratatui's TestBackend, compared with checked-in screens: the
//! `insta` snapshots in `tests/snapshots/screens__<name>.snap` (the screen is
//! everything after the second `---` line).
//!
//! The input is the hand-checked Pi fixture snapshot
//! (fixtures/pi/expected/snapshot-pi.json) with its pinned clock, so every
//! number on these screens can be traced to fixtures/pi/EXPECTED.md. A
//! changed or missing screen fails the test and leaves the new one beside the
//! old as `.snap.new` (with `CI` set, nothing is written). After an intended
//! change, `cargo insta review` (cargo-insta) shows each diff to accept or
//! reject; without cargo-insta, `INSTA_UPDATE=always cargo test -p
//! openusage-tui --test screens` rewrites the snapshots in place: read the
//! diff before committing it.

// Helpers below are test code too: a failed read should fail the test loudly.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use openusage_core::{About, Metric, Snapshot, SnapshotReport, Status, TileSpec};
use openusage_tui::state::{Action, TILES_ELSEWHERE, WINDOW_ELSEWHERE};
use openusage_tui::view::Pages;
use openusage_tui::{App, Page, Window, once, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pi_fixture() -> Vec<Snapshot> {
    let text =
        std::fs::read_to_string(workspace().join("fixtures/pi/expected/snapshot-pi.json")).unwrap();
    serde_json::from_str::<SnapshotReport>(&text)
        .unwrap()
        .snapshots
}

/// The live view drawn once on a TestBackend tall enough for the whole body.
fn screen(app: &mut App, width: u16) -> String {
    let height = view::body(app, width).area.height + 2;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    once::to_text(terminal.backend().buffer(), false)
}

fn assert_screen(name: &str, actual: &str) {
    // insta compares screens with trailing whitespace trimmed (and, for old
    // snapshot formats, leading newlines): the edges are checked here, so a
    // screen that gains or loses a blank line at either end still fails.
    assert!(
        actual.starts_with(|c: char| !c.is_whitespace()),
        "screen {name} starts with a blank: {actual:?}"
    );
    assert!(
        actual.ends_with('\n') && !actual[..actual.len() - 1].ends_with(char::is_whitespace),
        "screen {name} does not end in exactly one newline: {actual:?}"
    );
    insta::assert_snapshot!(name, actual);
}

fn no_line_wider_than(text: &str, width: usize) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= width,
            "line wider than {width}: {line:?}"
        );
    }
}

#[test]
fn the_pi_tile_at_120_and_60_columns() {
    for width in [120, 60] {
        let mut app = App::with_snapshots(Page::Dashboard, pi_fixture());
        let text = screen(&mut app, width);
        no_line_wider_than(&text, usize::from(width));
        assert_screen(&format!("dashboard-pi-{width}"), &text);
    }
}

/// A tile whose provider asks for limit gauges, with the readings
/// fixtures/codex/limits/EXPECTED.md derives for 12:00 on 20 November
/// 2026 and nothing else: the main limit's 5-hour window reset at 11:30
/// (read at 10:30), its 7-day window at 45 % (resets 25 November 00:00),
/// and a second limit (`codex_bengalfox`, 1 hour, 7 %, read at 10:00,
/// resets 12:30). `tests/tests/codex_limits.rs` checks the same lines
/// end to end, from the fixture's files.
#[test]
fn a_tile_draws_its_limit_gauges_at_100_columns() {
    let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
    let limit = |used, window, resets, observed| {
        Metric::percent_of_limit(used, window, Some(at(resets)), Some(at(observed)))
    };
    let mut s = Snapshot::new(
        "limited",
        "limited",
        at("2026-11-20T12:00:00Z"),
        Status::Ok,
        "",
    );
    let mut primary = limit(31.0, "5h", "2026-11-20T11:30:00Z", "2026-11-20T10:30:00Z");
    primary.reset_passed = true;
    let metrics = [
        ("rate_limit_primary", primary),
        (
            "rate_limit_secondary",
            limit(45.0, "7d", "2026-11-25T00:00:00Z", "2026-11-20T10:30:00Z"),
        ),
        (
            "rate_limit_codex_bengalfox_primary",
            limit(7.0, "1h", "2026-11-20T12:30:00Z", "2026-11-20T10:00:00Z"),
        ),
    ];
    for (key, m) in metrics {
        s.metrics.insert(key.to_owned(), m);
    }
    let about = About {
        id: "limited",
        name: "Limited",
        looks_in: "~/.limited",
        tile: TileSpec::with_extra_tokens(&[]).with_limits(),
    };
    let mut app = App::with_snapshots(Page::Dashboard, vec![s]).with_providers(vec![about]);
    let text = screen(&mut app, 100);
    no_line_wider_than(&text, 100);
    assert_screen("dashboard-limits-100", &text);
}

#[test]
fn the_analytics_page_at_120_and_60_columns() {
    for width in [120, 60] {
        let mut app = App::with_snapshots(Page::Analytics, pi_fixture());
        let text = screen(&mut app, width);
        no_line_wider_than(&text, usize::from(width));
        assert_screen(&format!("analytics-pi-{width}"), &text);
    }
}

#[test]
fn the_all_window_buckets_days_to_fit_narrow_screens() {
    let mut app = App::with_snapshots(Page::Analytics, pi_fixture());
    app.window = Window::All;
    let text = screen(&mut app, 60);
    no_line_wider_than(&text, 60);
    assert_screen("analytics-pi-all-60", &text);
}

/// A second account that was not found, and hostile text in the first.
fn two_accounts() -> Vec<Snapshot> {
    let mut pi = pi_fixture().remove(0);
    pi.model_usage[0].raw_model_id = "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}model".to_owned();
    let missing = Snapshot::new(
        "pi",
        "pi-work",
        pi.timestamp,
        Status::Unknown,
        "Pi sessions directory not found",
    );
    vec![pi, missing]
}

#[test]
fn tiles_sit_side_by_side_at_160_and_reflow_to_one_column_below() {
    for (width, name) in [(160, "dashboard-two-160"), (60, "dashboard-two-60")] {
        let mut app = App::with_snapshots(Page::Dashboard, two_accounts());
        let text = screen(&mut app, width);
        no_line_wider_than(&text, usize::from(width));
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "escape sequences reached the screen"
        );
        assert!(
            text.contains("evil\\u{1b}]0;pwned\\u{7}"),
            "hostile text is shown inert:\n{text}"
        );
        assert_screen(name, &text);
    }
}

#[test]
fn once_output_has_no_escape_codes_unless_asked() {
    let app = App::with_snapshots(Page::Dashboard, two_accounts());
    let plain = once::render(&app, 100, false);
    assert!(!plain.contains('\u{1b}'));
    let colored = once::render(&app, 100, true);
    assert!(colored.contains(";32m ok "), "status ok in green");
    // The only escapes are our own SGR sequences: the hostile ones were cleaned.
    assert!(!colored.contains("\u{1b}]0;") && !colored.contains("\u{1b}[2J"));
}

#[test]
fn the_first_load_shows_files_read_of_files_found() {
    let mut app = App::new(Page::Dashboard);
    app.loading = openusage_tui::state::Loading::Reading {
        files: 1234,
        found: 4321,
    };
    let mut terminal = Terminal::new(TestBackend::new(60, 8)).unwrap();
    terminal.draw(|frame| view::draw(frame, &mut app)).unwrap();
    let text = once::to_text(terminal.backend().buffer(), false);
    assert!(
        text.contains("Reading your agents' history… 1,234 of 4,321 files"),
        "{text}"
    );
}

/// Text no tile or table expects: a 70,000-character model, CJK and emoji
/// names, a zero-width space disguising a real model, and a second account
/// with an id and an error message 70,000 characters long.
fn strange_accounts() -> Vec<Snapshot> {
    let mut pi = pi_fixture().remove(0);
    pi.model_usage[0].raw_model_id = format!("claude-{}", "x".repeat(70_000));
    pi.model_usage[1].raw_model_id = "日本語モデル-😀".to_owned();
    pi.model_usage[2].raw_model_id = "claude\u{200b}-sonnet-4-5".to_owned();
    for m in &mut pi.model_usage[3..] {
        m.dimensions
            .insert("workspace_label".to_owned(), "ウェブアプリ".to_owned());
    }
    let broken = Snapshot::new(
        "pi",
        &"a".repeat(70_000),
        pi.timestamp,
        Status::Error,
        format!("cannot read {}", "/very/long/path".repeat(5_000)),
    );
    vec![pi, broken]
}

fn display_width(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(line)
}

#[test]
fn long_wide_and_invisible_text_keeps_every_line_within_the_screen() {
    for (page, width, name) in [
        (Page::Dashboard, 120, "dashboard-strange-120"),
        (Page::Dashboard, 60, "dashboard-strange-60"),
        (Page::Analytics, 100, "analytics-strange-100"),
    ] {
        let mut app = App::with_snapshots(page, strange_accounts());
        let text = screen(&mut app, width);
        for line in text.lines() {
            assert!(
                display_width(line) <= usize::from(width),
                "{name}: {} columns: {line}",
                display_width(line)
            );
        }
        assert!(!text.contains('\u{200b}'), "{name}: the disguise is shown");
        assert!(
            text.contains("claude\\u{200b}-sonnet-4-5"),
            "{name}:\n{text}"
        );
        assert!(text.contains("日本語モデル-😀"), "{name}:\n{text}");
        if page == Page::Dashboard {
            // Every tile border line ends on the same column as its top.
            let tile_lines: Vec<usize> = text
                .lines()
                .filter(|l| l.starts_with('│') || l.starts_with('╭'))
                .map(|l| display_width(l.trim_end_matches(|c| c != '│' && c != '╮')))
                .collect();
            assert!(
                tile_lines.windows(2).all(|w| w[0] == w[1]),
                "{name}:\n{text}"
            );
            // The message is cut to a few lines, not 5,000 of them.
            assert!(text.lines().count() < 60, "{name}:\n{text}");
        }
        assert_screen(name, &text);
    }
}

/// A live view on a `width` × `height` terminal, drawn as keys come: the
/// pages are kept between frames as the live loop keeps them.
struct Live {
    app: App,
    pages: Pages,
    terminal: Terminal<TestBackend>,
}

impl Live {
    fn new(app: App, width: u16, height: u16) -> Live {
        let mut live = Live {
            app,
            pages: Pages::default(),
            terminal: Terminal::new(TestBackend::new(width, height)).unwrap(),
        };
        live.draw();
        live
    }

    fn draw(&mut self) -> String {
        let (app, pages) = (&mut self.app, &mut self.pages);
        self.terminal.draw(|frame| pages.draw(frame, app)).unwrap();
        once::to_text(self.terminal.backend().buffer(), false)
    }

    /// Presses `code`, draws, and returns what the loop is told and the screen.
    fn press(&mut self, code: KeyCode) -> (Action, String) {
        let action = self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        (action, self.draw())
    }
}

/// The lines of the first tile on `screen`, borders included.
fn first_tile_lines(screen: &str) -> usize {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.starts_with('╭')).unwrap();
    let bottom = lines.iter().position(|l| l.starts_with('╰')).unwrap();
    bottom - top + 1
}

#[test]
fn one_account_fills_a_tall_screen_and_keeps_the_compact_card_on_a_small_one() {
    let mut live = Live::new(App::with_snapshots(Page::Dashboard, pi_fixture()), 130, 45);
    let tall = live.draw();
    no_line_wider_than(&tall, 130);
    let used = first_tile_lines(&tall);
    assert!(used >= 30, "the tile uses {used} of 43 lines:\n{tall}");
    assert!(used <= 43, "and no more than the screen gives it");
    assert!(tall.contains("TOP WORKSPACES") && tall.contains("Tokens per day"));
    assert_screen("dashboard-pi-130x45", &tall);

    let mut live = Live::new(App::with_snapshots(Page::Dashboard, pi_fixture()), 80, 24);
    let small = live.draw();
    assert!(small.contains("Last 30d") && !small.contains("TOP WORKSPACES"));
    assert_screen("dashboard-pi-80x24", &small);
}

/// `n` accounts: the fixture's, under other names.
fn accounts(n: usize) -> Vec<Snapshot> {
    let pi = pi_fixture().remove(0);
    (0..n)
        .map(|i| {
            let mut s = pi.clone();
            s.account_id = format!("pi-{}", i + 1);
            s
        })
        .collect()
}

#[test]
fn from_160_columns_tiles_sit_in_two_columns_and_share_the_height() {
    for (n, width, height, name) in [
        (2, 160, 45, "dashboard-two-160x45"),
        (3, 180, 60, "dashboard-three-180x60"),
    ] {
        let mut live = Live::new(
            App::with_snapshots(Page::Dashboard, accounts(n)),
            width,
            height,
        );
        let text = live.draw();
        no_line_wider_than(&text, usize::from(width));
        let tops = text.lines().filter(|l| l.starts_with('╭')).count();
        assert_eq!(tops, n.div_ceil(2), "{name}: two tiles a row:\n{text}");
        assert_screen(name, &text);
    }
}

#[test]
fn page_down_scrolls_within_a_tile_taller_than_the_screen() {
    let mut live = Live::new(App::with_snapshots(Page::Dashboard, accounts(2)), 80, 12);
    let top = live.draw();
    assert!(top.contains("╭ pi-1"), "{top}");
    let (_, down) = live.press(KeyCode::PageDown);
    // The compact card at 80 columns: sessions, tokens, their split, cost,
    // the agents (pi and omp), the sparkline, dropped, the models' header
    // and five models (13 lines), borders: 15 lines, 10 on screen; a page
    // (9 rows) stops at row 5.
    assert_eq!(live.app.scroll, 5, "a page, clamped to the tile's end");
    assert!(down.contains("╰") && !down.contains("╭"), "{down}");
    assert_screen("dashboard-scrolled-80x12", &down);
    let (_, next) = live.press(KeyCode::PageDown);
    assert_eq!(live.app.selected, 1, "past the end: the next tile");
    assert!(next.contains("╭ pi-2"), "from its top:\n{next}");
    let (_, back) = live.press(KeyCode::PageUp);
    assert_eq!(live.app.selected, 0, "past the top: the previous tile");
    assert_eq!(back, down, "shown from its end");
    live.press(KeyCode::PageUp);
    assert_eq!(live.app.scroll, 0);
    assert_eq!(live.draw(), top);
}

#[test]
fn q_closes_the_help_and_only_the_help() {
    let mut live = Live::new(App::with_snapshots(Page::Dashboard, pi_fixture()), 80, 24);
    let before = live.draw();
    let (_, help) = live.press(KeyCode::Char('?'));
    assert!(help.contains("any key closes it"), "{help}");
    let (action, after) = live.press(KeyCode::Char('q'));
    assert_eq!(action, Action::None);
    assert_eq!(after, before);
    assert_eq!(live.press(KeyCode::Char('q')).0, Action::Quit);
}

#[test]
fn keys_of_the_other_page_say_where_they_act() {
    let mut live = Live::new(App::with_snapshots(Page::Dashboard, pi_fixture()), 80, 24);
    let (_, screen) = live.press(KeyCode::Char('w'));
    assert_eq!(screen.lines().last(), Some(WINDOW_ELSEWHERE));
    live.press(KeyCode::Tab);
    let (_, screen) = live.press(KeyCode::Char('h'));
    assert_eq!(screen.lines().last(), Some(TILES_ELSEWHERE));
    assert!(
        screen.starts_with("openusage · Analytics · window 30d"),
        "w changed nothing"
    );
}

#[test]
fn the_header_keeps_the_time_zone_at_any_width() {
    let app = App::with_snapshots(Page::Analytics, pi_fixture());
    for (width, expected) in [
        (
            100,
            "openusage · Analytics · window 30d · 1 account · as of 2026-11-20 12:00 UTC",
        ),
        (60, "openusage · Analytics · window 30d · 12:00 UTC"),
        (40, "Analytics · window 30d · 12:00 UTC"),
        (30, "Analytics · window 30d · UTC"),
    ] {
        assert_eq!(view::header(&app, width).to_string(), expected, "{width}");
    }
}

#[test]
fn whole_counts_carry_thousands_separators_as_in_the_reports() {
    let mut pi = pi_fixture().remove(0);
    let sessions = pi.metrics.get_mut("total_sessions").unwrap();
    sessions.used = openusage_core::MetricValue::Count(6415);
    pi.diagnostics
        .insert("lines_dropped".to_owned(), serde_json::json!(12_345));
    let app = App::with_snapshots(Page::Dashboard, vec![pi]);
    let text = once::render(&app, 100, false);
    assert!(text.contains("Sessions    6,415 all · 3 today"), "{text}");
    assert!(text.contains("12,345 bad lines"), "{text}");
}

/// The Pi fixture as Pi and Oh My Pi together would give it, in Warsaw
/// time: the usage of workspace `shop` (130,359 + 18,075 + 13,380 =
/// 161,814 tokens) written by `omp`, the rest (968,899 − 161,814 =
/// 807,085) by `pi`, so the split is 83% and 17%; and six latest sessions.
fn two_agents() -> Vec<Snapshot> {
    let mut pi = pi_fixture().remove(0);
    pi.timezone = "Europe/Warsaw".to_owned();
    for m in &mut pi.model_usage {
        let agent = match m.dimensions.get("workspace_label").map(String::as_str) {
            Some("shop") => "omp",
            _ => "pi",
        };
        m.dimensions.insert("agent".to_owned(), agent.to_owned());
    }
    pi.recent_sessions = serde_json::from_value(serde_json::json!([
        {"session_id": "0b7e6f5a-omp", "agent": "omp", "title": "Fix checkout rounding",
         "workspace_label": "shop", "last_activity": "2026-11-20T11:42:00Z", "total_tokens": 48213},
        {"session_id": "1c2d3e4f-pi", "agent": "pi", "workspace_label": "webapp",
         "last_activity": "2026-11-20T09:05:00Z", "total_tokens": 152300},
        {"session_id": "2a9b8c7d-omp", "agent": "omp", "title": "Release notes for v2.3",
         "workspace_label": "shop", "last_activity": "2026-11-19T23:30:00Z", "total_tokens": 9870},
        {"session_id": "7f3a9c2e-5b1d-4e8a-9c3f-0d2e4b6a8f10", "agent": "pi",
         "last_activity": "2026-11-19T14:00:00Z", "total_tokens": 1200},
        {"session_id": "3d4e5f6a-pi", "agent": "pi",
         "title": "Move the legacy billing service onto the new queue with retries and a dead-letter topic",
         "workspace_label": "legacy", "last_activity": "2026-11-18T08:00:00Z", "total_tokens": 250},
        {"session_id": "4e5f6a7b-pi", "agent": "pi", "title": "Not in the tile: the sixth",
         "workspace_label": "webapp", "last_activity": "2026-11-17T08:00:00Z", "total_tokens": 999}
    ]))
    .unwrap();
    vec![pi]
}

#[test]
fn a_tile_splits_its_tokens_by_agent_and_lists_the_latest_sessions_when_tall() {
    let mut live = Live::new(App::with_snapshots(Page::Dashboard, two_agents()), 130, 45);
    let tall = live.draw();
    no_line_wider_than(&tall, 130);
    assert!(tall.contains("Agents      pi 83% · omp 17%"), "{tall}");
    // Times in Warsaw (UTC+1 in November): 23:30 UTC is the next day there.
    assert!(tall.contains("2026-11-20 00:30"), "{tall}");
    assert!(
        !tall.contains("the sixth"),
        "five sessions at most:\n{tall}"
    );
    assert_screen("dashboard-agents-130x45", &tall);

    let mut live = Live::new(App::with_snapshots(Page::Dashboard, two_agents()), 80, 24);
    let small = live.draw();
    assert!(small.contains("Agents      pi 83% · omp 17%"), "{small}");
    assert!(!small.contains("LATEST SESSIONS"), "{small}");
    assert_screen("dashboard-agents-80x24", &small);
}

#[test]
fn the_analytics_page_has_a_row_per_agent() {
    let mut app = App::with_snapshots(Page::Analytics, two_agents());
    let text = screen(&mut app, 120);
    no_line_wider_than(&text, 120);
    assert_screen("analytics-agents-120", &text);
}
