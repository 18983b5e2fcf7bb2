//! A tile's limit gauges: one line per limit reading (a metric in
//! `percent` with a window), for tiles whose provider asks for them.

use chrono::{DateTime, Duration, Utc};
use openusage_core::{Metric, Snapshot};
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
/// A reading older than this says its age.
const STALE_AFTER: Duration = Duration::hours(1);

/// The gauge lines of `s`'s limit readings: the main limit before the
/// others (by id), each one's primary window before its secondary.
pub fn lines(s: &Snapshot, width: usize) -> Vec<Line<'static>> {
    let mut limits: Vec<(Order, &Metric)> = s
        .metrics
        .iter()
        .filter(|(_, m)| m.unit == "percent" && !m.window.is_empty())
        .map(|(key, m)| (order(key), m))
        .collect();
    limits.sort_by(|a, b| a.0.cmp(&b.0));
    let labels: Vec<String> = limits.iter().map(|(o, m)| label(o, m)).collect();
    // One column for every label, so the gauges start together.
    let column = labels
        .iter()
        .map(|l| text::width(l) + 1)
        .fold(LABEL, usize::max);
    let texts: Vec<Texts> = limits.iter().map(|(_, m)| texts(s, m)).collect();
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
        .zip(limits.iter().zip(texts))
        .map(|(label, ((_, m), t))| line(&text::pad_right(label, column), m, t, cells))
        .collect()
}

/// `Limit 5h` for the main limit, `Limit <id> 1h` for another.
fn label(order: &Order, m: &Metric) -> String {
    match &order.id {
        None => format!("Limit {}", text::clean(&m.window)),
        Some(id) => format!(
            "Limit {} {}",
            text::fit(&text::clean(id), ID),
            text::clean(&m.window)
        ),
    }
}

/// Where a limit metric sorts: `rate_limit_primary` is the main limit's
/// first window, `rate_limit_<id>_secondary` the second window of `<id>`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    /// `None` for the main limit, which sorts first.
    id: Option<String>,
    rank: u8,
}

fn order(key: &str) -> Order {
    let (group, rank) = if let Some(group) = key.strip_suffix("_primary") {
        (group, 0)
    } else if let Some(group) = key.strip_suffix("_secondary") {
        (group, 1)
    } else {
        (key, 2)
    };
    let id = match group.strip_prefix("rate_limit") {
        Some("") => None,
        Some(rest) => Some(rest.trim_start_matches('_').to_owned()),
        None => Some(group.to_owned()),
    };
    Order { id, rank }
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

fn texts(s: &Snapshot, m: &Metric) -> Texts {
    let as_of = s.timestamp;
    let age = m
        .observed_at
        .filter(|at| as_of - *at > STALE_AFTER)
        .map(|at| format!(" · read {} ago", span(as_of - at)));
    // The percent belongs to a window that has started again.
    let since = m
        .resets_at
        .filter(|r| m.reset_passed || *r < as_of)
        .map(|r| format!("reset since {}", clock(s, r)));
    let mut tail = format!(" {}%", percent(m.used.as_f64()));
    if let Some(reset) = m.resets_at {
        tail.push_str(&format!(" · resets in {}", span(reset - as_of)));
    }
    Texts { since, tail, age }
}

/// One gauge line of `cells` cells, `label` already padded to its column.
fn line(label: &str, m: &Metric, t: Texts, cells: usize) -> Line<'static> {
    let mut spans = vec![Span::raw(label.to_owned())];
    match t.since {
        Some(since) => spans.push(Span::styled(since, Style::new().fg(Color::Gray))),
        None => {
            let used = m.used.as_f64();
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

/// `used` percent as a whole number, within 0 to 100 (a reading can say
/// more than 100, or nothing sensible).
fn percent(used: f64) -> String {
    let used = if used.is_finite() { used } else { 0.0 };
    format!("{:.0}", used.max(0.0))
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

/// `at` on the snapshot's wall clock: the time of day, with the date when
/// it is not the snapshot's day.
fn clock(s: &Snapshot, at: DateTime<Utc>) -> String {
    let zone = s.zone();
    let wall = zone.wall_clock(at);
    match wall.split_once(' ') {
        Some((_, time)) if zone.date(at) == s.today() => time.to_owned(),
        _ => wall,
    }
}

/// A length of time in whole minutes: `13m`, `2h 13m`, `4d 12h`.
fn span(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) if d > Duration::zero() => "<1m".to_owned(),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use openusage_core::{Metric, Snapshot, Status};

    use super::{lines, span};

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

    #[test]
    fn lengths_of_time_read_in_minutes_hours_and_days() {
        let cases = [
            (Duration::zero(), "0m"),
            (Duration::seconds(59), "<1m"),
            (Duration::minutes(59), "59m"),
            (Duration::minutes(60), "1h"),
            (Duration::minutes(133), "2h 13m"),
            (Duration::hours(24), "1d"),
            (Duration::minutes(25 * 60 + 30), "1d 1h"),
            (Duration::minutes(-5), "0m"),
        ];
        for (d, text) in cases {
            assert_eq!(span(d), text, "{d:?}");
        }
    }
}
