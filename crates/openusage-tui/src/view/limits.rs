//! A tile's limit gauges: one line per limit reading (a metric in
//! `percent` with a window), for tiles whose provider asks for them.

use openusage_core::Snapshot;
use openusage_core::limits::{self, Reading};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::text;

/// The label column, as wide as the tile's other labels.
const LABEL: usize = 12;
/// The most of a limit's id a label shows (an id is outside data).
const ID: usize = 24;
const MIN_GAUGE: usize = 8;
/// Past this a wider gauge reads no better.
const MAX_GAUGE: usize = 40;

/// The gauge lines of `s`'s limit readings, in [`limits::readings`]' order.
pub fn lines(s: &Snapshot, width: usize) -> Vec<Line<'static>> {
    let readings = limits::readings(s);
    let labels: Vec<String> = readings.iter().map(label).collect();
    // One column for every label, so the gauges start together.
    let column = labels
        .iter()
        .map(|l| text::width(l) + 1)
        .fold(LABEL, usize::max);
    let texts: Vec<Texts> = readings.iter().map(|r| texts(s, r)).collect();
    // One gauge width for every line, so their fill compares at a glance:
    // what the longest text leaves.
    let cells = texts
        .iter()
        .filter(|t| t.since.is_none())
        .map(|t| width.saturating_sub(column + text::width(&t.tail) + t.age_width()))
        .min()
        .unwrap_or(0)
        .clamp(MIN_GAUGE, MAX_GAUGE);
    labels
        .iter()
        .zip(readings.iter().zip(texts))
        .map(|(label, (r, t))| line(&text::pad_right(label, column), r, t, cells))
        .collect()
}

/// `Limit 5h` for the main limit, `Limit <id> 1h` for another.
fn label(r: &Reading<'_>) -> String {
    let window = text::clean(&r.metric.window);
    match r.id {
        None => format!("Limit {window}"),
        Some(id) => format!("Limit {} {window}", text::fit(&text::clean(id), ID)),
    }
}

/// The words of one gauge line.
struct Texts {
    /// `reset since …` when the window has started again since the reading.
    since: Option<String>,
    /// ` 31% · resets in 2h 13m`, after the gauge.
    tail: String,
    /// ` · read 3h ago`, when the reading is old.
    age: Option<String>,
}

impl Texts {
    fn age_width(&self) -> usize {
        self.age.as_deref().map_or(0, text::width)
    }
}

fn texts(s: &Snapshot, r: &Reading<'_>) -> Texts {
    let w = r.words(s);
    let mut tail = format!(" {}", w.percent);
    if let Some(within) = &w.resets_in {
        tail.push_str(&format!(" · resets in {within}"));
    }
    Texts {
        since: w.reset_since.map(|at| format!("reset since {at}")),
        tail,
        age: w.age.map(|age| format!(" · read {age} ago")),
    }
}

/// One gauge line of `cells` cells, `label` already padded to its column.
fn line(label: &str, r: &Reading<'_>, t: Texts, cells: usize) -> Line<'static> {
    let mut spans = vec![Span::raw(label.to_owned())];
    match t.since {
        Some(since) => spans.push(Span::styled(since, Style::new().fg(Color::Gray))),
        None => {
            let used = r.metric.used.as_f64();
            spans.push(Span::styled(
                gauge(used, cells),
                Style::new().fg(color(used)),
            ));
            spans.push(Span::raw(t.tail));
        }
    }
    spans.extend(
        t.age
            .map(|a| Span::styled(a, Style::new().fg(Color::Yellow))),
    );
    Line::from(spans)
}

fn gauge(used: f64, cells: usize) -> String {
    let share = if used.is_finite() {
        (used / 100.0).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let full = ((share * cells as f64).round() as usize).min(cells);
    format!("{}{}", "█".repeat(full), "░".repeat(cells - full))
}

fn color(used: f64) -> Color {
    match used {
        u if u >= 90.0 => Color::Red,
        u if u >= 70.0 => Color::Yellow,
        _ => Color::Green,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use openusage_core::{Metric, Snapshot, Status};

    use super::lines;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    /// A snapshot taken at 12:00 UTC on 20 November 2026 with `metrics`.
    fn snapshot(metrics: Vec<(&str, Metric)>) -> Snapshot {
        let mut s = Snapshot::new("x", "x", at("2026-11-20T12:00:00Z"), Status::Ok, "");
        for (key, m) in metrics {
            s.metrics.insert(key.to_owned(), m);
        }
        s
    }

    fn limit(used: f64, window: &str, resets: &str, observed: &str) -> Metric {
        Metric::percent_of_limit(used, window, Some(at(resets)), Some(at(observed)))
    }

    fn texts(s: &Snapshot, width: usize) -> Vec<String> {
        lines(s, width).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_fresh_reading_shows_its_gauge_and_the_time_to_its_reset() {
        // Observed 30 minutes ago (no age); reset at 14:13, 2h 13m after
        // the snapshot's 12:00. The tail ` 31% · resets in 2h 13m` is 23
        // columns; 51 - 12 - 23 leaves 16 cells, 31 % of them 4.96 → 5.
        let s = snapshot(vec![(
            "rate_limit_primary",
            limit(31.0, "5h", "2026-11-20T14:13:00Z", "2026-11-20T11:30:00Z"),
        )]);
        assert_eq!(
            texts(&s, 51),
            ["Limit 5h    █████░░░░░░░░░░░ 31% · resets in 2h 13m"]
        );
    }

    #[test]
    fn an_old_reading_says_its_age_and_a_narrow_tile_keeps_eight_cells() {
        // Read at 09:00, 3 h before 12:00; reset 4 d 12 h 30 min ahead,
        // shown in days and hours. 45 % of 8 cells is 3.6 → 4.
        let s = snapshot(vec![(
            "rate_limit_secondary",
            limit(45.0, "7d", "2026-11-25T00:30:00Z", "2026-11-20T09:00:00Z"),
        )]);
        assert_eq!(
            texts(&s, 20),
            ["Limit 7d    ████░░░░ 45% · resets in 4d 12h · read 3h ago"]
        );
    }

    #[test]
    fn a_passed_reset_replaces_the_percent_with_its_time() {
        let mut m = limit(31.0, "5h", "2026-11-20T11:30:00Z", "2026-11-20T10:30:00Z");
        m.reset_passed = true;
        let s = snapshot(vec![("rate_limit_primary", m)]);
        assert_eq!(
            texts(&s, 80),
            ["Limit 5h    reset since 11:30 · read 1h 30m ago"]
        );
    }

    #[test]
    fn the_reset_time_is_on_the_snapshots_wall_clock() {
        // Berlin is UTC+1 in November: 23:00Z on the 19th is midnight on
        // the 20th, the snapshot's day there (12:00Z is 13:00); 22:00Z is
        // still the 19th and says its date.
        let mut s = snapshot(vec![
            (
                "rate_limit_primary",
                limit(5.0, "5h", "2026-11-19T23:00:00Z", "2026-11-20T11:30:00Z"),
            ),
            (
                "rate_limit_secondary",
                limit(5.0, "7d", "2026-11-19T22:00:00Z", "2026-11-20T11:30:00Z"),
            ),
        ]);
        s.timezone = "Europe/Berlin".to_owned();
        assert_eq!(
            texts(&s, 80),
            [
                "Limit 5h    reset since 00:00",
                "Limit 7d    reset since 2026-11-19 23:00",
            ]
        );
    }

    #[test]
    fn the_main_limit_comes_first_and_the_others_by_id() {
        let m = |window| limit(10.0, window, "2026-11-20T12:30:00Z", "2026-11-20T11:30:00Z");
        let s = snapshot(vec![
            ("rate_limit_secondary", m("7d")),
            ("rate_limit_codex_bengalfox_primary", m("1h")),
            ("rate_limit_primary", m("5h")),
            (
                "rate_limit_credits",
                Metric::amount(12.5, "credits", "current"),
            ),
            ("share", Metric::amount(50.0, "percent", "")),
        ]);
        let lines = texts(&s, 60);
        let heads: Vec<&str> = lines
            .iter()
            .map(|l| l.split(['█', '░']).next().unwrap())
            .collect();
        let labels: Vec<&str> = heads.iter().map(|h| h.trim_end()).collect();
        assert_eq!(labels, ["Limit 5h", "Limit 7d", "Limit codex_bengalfox 1h"]);
        // The longest label and a space set the column every gauge starts in.
        assert!(
            heads
                .iter()
                .all(|h| h.len() == "Limit codex_bengalfox 1h ".len())
        );
        // And every gauge is as wide as the longest text leaves room for:
        // 60 - 25 - ` 10% · resets in 30m` (20) = 15 cells.
        let cells = |l: &String| l.chars().filter(|c| matches!(c, '█' | '░')).count();
        assert!(lines.iter().all(|l| cells(l) == 15), "{lines:#?}");
    }
}
