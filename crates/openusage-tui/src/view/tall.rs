//! The tall tile: what a tile shows when the screen gives it the height
//! (a daily chart of several rows, more models, the top workspaces, the
//! latest sessions), as the Go openusage's dashboard fills its grid. A tile
//! given less height keeps the compact card of [`super::tile::lines`].

use std::collections::BTreeMap;

use chrono::Duration;
use openusage_core::pricing::CostMode;
use openusage_core::{Snapshot, TileSpec, humanize, series};
use ratatui::text::Line;

use super::analytics::Chart;
use super::table::{self, left, right};
use super::tile;
use crate::state::Window;
use crate::text::{clean, fit, percent};

/// The fewest rows of bars worth a tall tile: less, and the compact card's
/// one-line sparkline says as much.
const MIN_CHART: usize = 6;
/// The most rows of bars; more height is left blank.
const MAX_CHART: usize = 12;
/// How many models, workspaces and latest sessions a tall tile lists, most
/// first; a tile takes the first that fits its height.
const LISTS: [Lists; 4] = [
    Lists {
        models: 10,
        workspaces: 5,
        sessions: 5,
    },
    Lists {
        models: 10,
        workspaces: 5,
        sessions: 0,
    },
    Lists {
        models: 10,
        workspaces: 0,
        sessions: 0,
    },
    Lists {
        models: 5,
        workspaces: 0,
        sessions: 0,
    },
];
/// Characters of a session id shown for a session with no other name.
const SHORT_ID: usize = 8;
/// The widest a session's name is shown, so that one long title does not
/// push its time and tokens to the far edge of a wide tile.
const MAX_NAME: usize = 48;

/// How many rows each of a tall tile's tables may have.
struct Lists {
    models: usize,
    workspaces: usize,
    sessions: usize,
}
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
    let (models, tables, chart_rows) = LISTS.iter().find_map(|lists| {
        let models = tile::top_models(s, lists.models, width);
        let tables = [
            top_workspaces(s, lists.workspaces, width),
            latest_sessions(s, lists.sessions, width),
        ];
        // A blank line before the chart, its title and dates, the models;
        // a blank line before each other table that has rows.
        let mut fixed = head.len() + 3 + 1 + models.len();
        for table in tables.iter().filter(|t| !t.is_empty()) {
            fixed += 1 + table.len();
        }
        let room = rows.checked_sub(fixed)?.min(MAX_CHART);
        (room >= MIN_CHART).then_some((models, tables, room))
    })?;
    let mut out = head;
    out.push(Line::default());
    out.extend(chart(s, chart_rows, width));
    out.push(Line::default());
    out.extend(models);
    for table in tables.into_iter().filter(|t| !t.is_empty()) {
        out.push(Line::default());
        out.extend(table);
    }
    Some(out)
}

/// The `n` sessions last active latest: their name (title, else workspace,
/// else the start of the session id), when, and their tokens; with the
/// agent of each when the sessions name more than one.
fn latest_sessions(s: &Snapshot, n: usize, width: usize) -> Vec<Line<'static>> {
    let sessions = &s.recent_sessions[..n.min(s.recent_sessions.len())];
    if sessions.is_empty() {
        return Vec::new();
    }
    let zone = s.zone();
    let mut agents: Vec<_> = sessions.iter().map(|r| r.agent.as_deref()).collect();
    agents.sort_unstable();
    agents.dedup();
    let with_agent = agents.len() > 1;
    let cells: Vec<Vec<String>> = sessions
        .iter()
        .map(|r| {
            let name = r
                .title
                .as_deref()
                .or(r.workspace_label.as_deref())
                .map_or_else(
                    || r.session_id.chars().take(SHORT_ID).collect(),
                    str::to_owned,
                );
            let mut row = vec![fit(&clean(&name), MAX_NAME)];
            if with_agent {
                row.push(r.agent.as_deref().map(clean).unwrap_or_default());
            }
            row.push(zone.wall_clock(r.last_activity));
            row.push(humanize::count(r.total_tokens));
            row
        })
        .collect();
    let mut columns = vec![left("LATEST SESSIONS", 9)];
    if with_agent {
        columns.push(left("AGENT", 3));
    }
    columns.extend([left("LAST ACTIVE", 5), right("TOKENS", 8)]);
    table::lines(&columns, &cells, width)
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
