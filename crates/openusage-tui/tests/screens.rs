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

use openusage_core::{Snapshot, SnapshotReport, Status};
use openusage_tui::{App, Page, Window, once, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

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
fn tiles_sit_side_by_side_at_120_and_reflow_to_one_column_at_60() {
    for (width, name) in [(120, "dashboard-two-120"), (60, "dashboard-two-60")] {
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
fn the_first_load_shows_how_many_files_were_read() {
    let mut app = App::new(Page::Dashboard);
    app.loading = openusage_tui::state::Loading::Reading { files: 1234 };
    let mut terminal = Terminal::new(TestBackend::new(60, 8)).unwrap();
    terminal.draw(|frame| view::draw(frame, &mut app)).unwrap();
    let text = once::to_text(terminal.backend().buffer(), false);
    assert!(
        text.contains("Reading your agents' history… 1234 files read"),
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
