//! The analytics page: daily charts over the window and the usage tables.

use chrono::NaiveDate;
use openusage_core::humanize;
use openusage_core::pricing::CostMode;
use openusage_core::usage::Usage;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::table::{self, left, right};
use crate::analytics::{Analytics, Row};
use crate::chart;
use crate::state::Window;
use crate::text::{self, clean, percent, wrap_words};

const SHARE_BAR: usize = 16;
const MAX_BAR_WIDTH: usize = 3;
/// The most rows a table shows; the rest are summed on one line under it,
/// so the page stays a page (and quick to build) with 100,000 models.
pub const MAX_ROWS: usize = 500;

/// The page's lines for `width` columns.
pub fn lines(a: &Analytics, window: Window, mode: CostMode, width: usize) -> Vec<Line<'static>> {
    let Some(span) = a.span else {
        return vec![Line::from("No accounts to show.")];
    };
    let tokens = Chart {
        title: "Tokens per day",
        values: &a.tokens_per_day,
        height: 6,
        span,
        window,
        total: true,
        number: humanize::count,
    };
    // A session active on several days counts on each: no honest total.
    let sessions = Chart {
        title: "Sessions per day",
        values: &a.sessions_per_day,
        height: 4,
        span,
        window,
        total: false,
        number: humanize::grouped,
    };
    let mut out = tokens.lines(width);
    out.push(Line::default());
    out.extend(sessions.lines(width));
    out.push(Line::default());
    let t = &a.tables;
    if t.total_tokens == 0 {
        out.push(Line::from("No usage recorded in the accounts shown."));
        return out;
    }
    out.push(heading("Models (all time)"));
    out.extend(models(&t.models, t.total_tokens, mode, width));
    out.extend(rest(&t.models, t.total_tokens, "model", "models"));
    out.push(Line::default());
    out.push(heading("Workspaces (all time)"));
    out.extend(workspaces(&t.workspaces, t.total_tokens, mode, width));
    out.extend(rest(
        &t.workspaces,
        t.total_tokens,
        "workspace",
        "workspaces",
    ));
    out.push(Line::default());
    out.push(heading("Agents (all time)"));
    out.extend(agents(&t.agents, t.total_tokens, mode, width));
    out.extend(rest(&t.agents, t.total_tokens, "agent", "agents"));
    out.push(Line::default());
    out.push(heading("Upstream providers (all time)"));
    out.extend(upstreams(&t.upstreams, t.total_tokens, width));
    out.extend(rest(&t.upstreams, t.total_tokens, "provider", "providers"));
    out
}

/// The rows a table shows: the first [`MAX_ROWS`].
fn shown(rows: &[Row]) -> &[Row] {
    &rows[..rows.len().min(MAX_ROWS)]
}

/// The line that sums the rows past [`MAX_ROWS`], when there are any.
fn rest(rows: &[Row], total: u64, one: &str, many: &str) -> Option<Line<'static>> {
    let hidden = rows.get(MAX_ROWS..).filter(|r| !r.is_empty())?;
    let tokens = hidden
        .iter()
        .fold(0u64, |sum, r| sum.saturating_add(r.tokens));
    Some(Line::styled(
        format!(
            "… and {} more {}: {} tokens, {}",
            humanize::grouped(hidden.len() as u64),
            if hidden.len() == 1 { one } else { many },
            humanize::count(tokens),
            percent(tokens, total)
        ),
        Style::new().fg(Color::Gray),
    ))
}

fn heading(text: &str) -> Line<'static> {
    Line::from(Span::styled(
        text.to_owned(),
        Style::new().add_modifier(Modifier::BOLD),
    ))
}

/// A daily bar chart over the window, with its dates underneath (the
/// analytics page's, and a tall tile's).
pub(super) struct Chart<'a> {
    pub title: &'static str,
    /// One value per day of `span`.
    pub values: &'a [u64],
    /// Rows of bars.
    pub height: usize,
    pub span: (NaiveDate, NaiveDate),
    pub window: Window,
    /// Whether the values add up to something meaningful.
    pub total: bool,
    /// How a value is written: shortened for tokens, whole for sessions.
    pub number: fn(u64) -> String,
}

impl Chart<'_> {
    pub fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let (buckets, days_per_bar) = chart::bucket(self.values, width);
        let mut notes = vec![self.window.label().to_owned()];
        if self.total {
            notes.push(format!(
                "total {}",
                (self.number)(self.values.iter().fold(0u64, |s, v| s.saturating_add(*v)))
            ));
        }
        // The busiest single day, even when a bar sums several.
        notes.push(format!(
            "peak {}/day",
            (self.number)(self.values.iter().copied().max().unwrap_or(0))
        ));
        if days_per_bar > 1 {
            notes.push(format!("{days_per_bar} days a bar"));
        }
        // Notes go from the end until the title line fits.
        while notes.len() > 1 && self.title.len() + 2 + text::width(&notes.join(" · ")) > width {
            notes.pop();
        }
        let mut out = vec![Line::from(vec![
            Span::styled(self.title, Style::new().add_modifier(Modifier::BOLD)),
            Span::styled(
                format!("  {}", notes.join(" · ")),
                Style::new().fg(Color::Gray),
            ),
        ])];
        // Few bars on a wide screen: draw each up to three columns wide.
        let times = (width / buckets.len().max(1)).clamp(1, MAX_BAR_WIDTH);
        let bars = chart::widen(chart::bars(&buckets, self.height), times);
        out.extend(
            bars.into_iter()
                .map(|row| Line::from(Span::styled(row, Style::new().fg(Color::Cyan)))),
        );
        let (first, last) = (self.span.0.to_string(), self.span.1.to_string());
        let drawn = buckets.len() * times;
        let gap = drawn.max(first.len() + last.len() + 1) - first.len() - last.len();
        out.push(Line::from(Span::styled(
            format!("{first}{}{last}", " ".repeat(gap)),
            Style::new().fg(Color::Gray),
        )));
        out
    }
}

/// A row's cost cell (see [`humanize::cost_cell`]); a dash when it has none.
fn cost(r: &Row, mode: CostMode) -> String {
    match humanize::cost_cell(&r.costs, mode).as_str() {
        "-" => "–".to_owned(),
        cell => cell.to_owned(),
    }
}

fn models(rows: &[Row], total: u64, mode: CostMode, width: usize) -> Vec<Line<'static>> {
    let columns = [
        left("MODEL", 9),
        left("PROVIDER", 7),
        right("TOKENS", 9),
        right("IN", 3),
        right("OUT", 3),
        right("CACHE R", 2),
        right("CACHE W", 2),
        right("REQ", 5),
        right("COST", 6),
        right("SHARE", 8),
    ];
    let cells = shown(rows)
        .iter()
        .map(|r| {
            vec![
                clean(&r.name),
                r.provider.as_deref().map(clean).unwrap_or_default(),
                humanize::count(r.tokens),
                humanize::count(r.input),
                humanize::count(r.output),
                humanize::count(r.cache_read),
                humanize::count(r.cache_write),
                humanize::grouped(r.requests),
                cost(r, mode),
                percent(r.tokens, total),
            ]
        })
        .collect::<Vec<_>>();
    let mut lines = table::lines(&columns, &cells, width);
    // One note per mark the cells use, for every row (not only those shown).
    let mut all = Usage::default();
    for r in rows {
        all.add(&r.costs);
    }
    for note in humanize::cost_notes(&all, mode) {
        for part in wrap_words(&note, width) {
            lines.push(Line::styled(part, Style::new().fg(Color::Gray)));
        }
    }
    lines
}

fn workspaces(rows: &[Row], total: u64, mode: CostMode, width: usize) -> Vec<Line<'static>> {
    named("WORKSPACE", rows, total, mode, width)
}

/// The agents that wrote the usage (Pi's `pi` and `omp`; another
/// provider's usage under the provider's id).
fn agents(rows: &[Row], total: u64, mode: CostMode, width: usize) -> Vec<Line<'static>> {
    named("AGENT", rows, total, mode, width)
}

/// A table of rows known by a name only: tokens, requests, cost, share.
fn named(
    header: &'static str,
    rows: &[Row],
    total: u64,
    mode: CostMode,
    width: usize,
) -> Vec<Line<'static>> {
    let columns = [
        left(header, 9),
        right("TOKENS", 9),
        right("REQ", 5),
        right("COST", 6),
        right("SHARE", 8),
    ];
    let cells = shown(rows)
        .iter()
        .map(|r| {
            vec![
                clean(&r.name),
                humanize::count(r.tokens),
                humanize::grouped(r.requests),
                cost(r, mode),
                percent(r.tokens, total),
            ]
        })
        .collect::<Vec<_>>();
    table::lines(&columns, &cells, width)
}

fn upstreams(rows: &[Row], total: u64, width: usize) -> Vec<Line<'static>> {
    let columns = [
        left("PROVIDER", 9),
        right("TOKENS", 9),
        right("REQ", 5),
        right("SHARE", 8),
        left("", 1),
    ];
    let cells = shown(rows)
        .iter()
        .map(|r| {
            let filled =
                (r.tokens as f64 / total.max(1) as f64 * SHARE_BAR as f64).round() as usize;
            vec![
                clean(&r.name),
                humanize::count(r.tokens),
                humanize::grouped(r.requests),
                percent(r.tokens, total),
                format!(
                    "{}{}",
                    "█".repeat(filled),
                    "░".repeat(SHARE_BAR - filled.min(SHARE_BAR))
                ),
            ]
        })
        .collect::<Vec<_>>();
    table::lines(&columns, &cells, width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Tables;
    use std::sync::Arc;

    fn row(i: u64) -> Row {
        Row {
            name: format!("model-{i}"),
            tokens: 1_000 + i,
            requests: 1,
            ..Row::default()
        }
    }

    #[test]
    fn a_table_shows_at_most_its_cap_and_sums_the_rest_on_one_line() {
        let models: Vec<Row> = (0..1_200).rev().map(row).collect();
        let total = models.iter().map(|r| r.tokens).sum();
        let tables = Tables {
            models: models.clone(),
            workspaces: models[..3].to_vec(),
            agents: Vec::new(),
            upstreams: Vec::new(),
            total_tokens: total,
        };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let a = Analytics {
            span: Some((day, day)),
            tokens_per_day: vec![total],
            sessions_per_day: vec![1],
            tables: Arc::new(tables),
        };
        let lines: Vec<String> = lines(&a, Window::Days7, CostMode::Auto, 100)
            .iter()
            .map(ToString::to_string)
            .collect();
        let shown = lines.iter().filter(|l| l.starts_with("model-")).count();
        // 500 model rows and the 3 workspace rows.
        assert_eq!(shown, MAX_ROWS + 3);
        let hidden: u64 = models[MAX_ROWS..].iter().map(|r| r.tokens).sum();
        let rest = format!(
            "… and 700 more models: {} tokens, {}",
            humanize::count(hidden),
            percent(hidden, total)
        );
        assert!(lines.contains(&rest), "{rest}");
        assert!(!lines.iter().any(|l| l.contains("more workspaces")));
    }

    #[test]
    fn the_peak_is_the_busiest_day_even_when_a_bar_sums_several() {
        // 60 days on 40 columns: two days a bar. Every day holds 1 but days
        // 10 and 11, which share a bar, hold 50 and 60: that bar sums 110,
        // the busiest day is 60, and the total is 58 + 110 = 168.
        let mut values = vec![1u64; 60];
        (values[10], values[11]) = (50, 60);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let chart = Chart {
            title: "T",
            values: &values,
            height: 1,
            span: (day - chrono::Duration::days(59), day),
            window: Window::All,
            total: true,
            number: humanize::count,
        };
        assert_eq!(chart::bucket(&values, 40).1, 2);
        let lines = chart.lines(40);
        // "· 2 days a bar" does not fit 40 columns and is left out.
        assert_eq!(lines[0].to_string(), "T  all · total 168 · peak 60/day");
    }
}
