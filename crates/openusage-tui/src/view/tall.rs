//! The tall tile: what a tile shows when the screen gives it the height
//! (a daily chart of several rows, more models, the top workspaces), as the
//! Go openusage's dashboard fills its grid. A tile given less height keeps
//! the compact card of [`super::tile::lines`].

use std::collections::BTreeMap;

use chrono::Duration;
use openusage_core::pricing::CostMode;
use openusage_core::{Snapshot, TileSpec, humanize, series};
use ratatui::text::Line;

use super::analytics::Chart;
use super::table::{self, left, right};
use super::tile;
use crate::state::Window;
use crate::text::{clean, percent};

/// The fewest rows of bars worth a tall tile: less, and the compact card's
/// one-line sparkline says as much.
const MIN_CHART: usize = 6;
/// The most rows of bars; more height is left blank.
const MAX_CHART: usize = 12;
/// How many models and workspaces a tall tile lists, most first; a tile
/// takes the first that fits its height.
const LISTS: [(usize, usize); 3] = [(10, 5), (10, 0), (5, 0)];
/// The days the chart covers, ending on the snapshot's day.
const WINDOW: Window = Window::Days30;

/// The tile's content lines for an inner `width` within `rows` lines: the
/// tall tile when it fits, else the compact card.
pub fn lines(
    s: &Snapshot,
    spec: &TileSpec,
    mode: CostMode,
    width: usize,
    rows: Option<usize>,
) -> Vec<Line<'static>> {
    rows.filter(|_| !s.metrics.is_empty())
        .and_then(|rows| tall(s, spec, mode, width, rows))
        .unwrap_or_else(|| tile::lines(s, spec, mode, width))
}

/// The tall tile within `rows` lines, with the chart as tall as the rest
/// leaves room for; `None` when even the shortest lists leave too little.
fn tall(
    s: &Snapshot,
    spec: &TileSpec,
    mode: CostMode,
    width: usize,
    rows: usize,
) -> Option<Vec<Line<'static>>> {
    let mut head = tile::head(s, spec, mode, width);
    head.extend(tile::dropped_lines(s, width));
    let (models, workspaces, chart_rows) = LISTS.iter().find_map(|&(m, w)| {
        let models = tile::top_models(s, m, width);
        let workspaces = top_workspaces(s, w, width);
        // A blank line before the chart, its title and dates, the models.
        let mut fixed = head.len() + 3 + 1 + models.len();
        if !workspaces.is_empty() {
            fixed += 1 + workspaces.len();
        }
        let room = rows.checked_sub(fixed)?.min(MAX_CHART);
        (room >= MIN_CHART).then_some((models, workspaces, room))
    })?;
    let mut out = head;
    out.push(Line::default());
    out.extend(chart(s, chart_rows, width));
    out.push(Line::default());
    out.extend(models);
    if !workspaces.is_empty() {
        out.push(Line::default());
        out.extend(workspaces);
    }
    Some(out)
}

/// Tokens per day over the last 30 days, `rows` rows of bars.
fn chart(s: &Snapshot, rows: usize, width: usize) -> Vec<Line<'static>> {
    let to = s.today();
    let from = to - Duration::days(i64::from(WINDOW.days().unwrap_or(30)) - 1);
    let by_day: BTreeMap<_, _> = s
        .series(series::TOKENS)
        .iter()
        .map(|p| (p.date, p.value))
        .collect();
    let values: Vec<u64> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|d| by_day.get(&d).copied().unwrap_or(0))
        .collect();
    Chart {
        title: "Tokens per day",
        values: &values,
        height: rows,
        span: (from, to),
        window: WINDOW,
        total: true,
        number: humanize::count,
    }
    .lines(width)
}

/// The `n` largest workspaces by tokens, with their share of the tile's.
fn top_workspaces(s: &Snapshot, n: usize, width: usize) -> Vec<Line<'static>> {
    if n == 0 {
        return Vec::new();
    }
    let rows = crate::analytics::workspaces(std::slice::from_ref(s));
    let total = rows
        .iter()
        .fold(0u64, |sum, r| sum.saturating_add(r.tokens));
    let cells: Vec<Vec<String>> = rows
        .iter()
        .take(n)
        .map(|r| {
            vec![
                clean(&r.name),
                humanize::count(r.tokens),
                percent(r.tokens, total),
            ]
        })
        .collect();
    if cells.is_empty() {
        return Vec::new();
    }
    let columns = [
        left("TOP WORKSPACES", 9),
        right("TOKENS", 8),
        right("SHARE", 5),
    ];
    table::lines(&columns, &cells, width)
}
