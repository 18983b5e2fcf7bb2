//! One account's tile: a function of its snapshot.

use std::collections::BTreeMap;

use chrono::Duration;
use openusage_core::pricing::CostMode;
use openusage_core::{MetricKey, Snapshot, Status, TileSpec, diagnostic, humanize, metric, series};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph, Widget};

use super::table::{self, left, right};
use crate::chart;
use crate::text::{self, clean, fit, percent};

/// The narrowest a tile gets beside another: two side by side from 160
/// columns, three from 240 (a narrower tile would wrap its figures).
pub const MIN_WIDTH: u16 = 80;
/// The most tiles side by side.
pub const MAX_COLUMNS: u16 = 3;
/// Days the sparkline covers, ending on the snapshot's date.
const SPARK_DAYS: i64 = 30;
const TOP_MODELS: usize = 5;
const LABEL: usize = 12;
/// The most lines a tile gives its status message; a longer one is cut.
const MESSAGE_LINES: usize = 6;

/// The tile's height for `width` columns, borders included.
pub fn height(snapshot: &Snapshot, spec: &TileSpec, mode: CostMode, width: u16) -> u16 {
    height_of(lines(snapshot, spec, mode, inner(width)).len())
}

/// The height of a tile of `lines` content lines, borders included.
pub fn height_of(lines: usize) -> u16 {
    u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2)
}

/// Draws the tile into `area`.
pub fn render(
    snapshot: &Snapshot,
    spec: &TileSpec,
    mode: CostMode,
    selected: bool,
    area: Rect,
    buf: &mut Buffer,
) {
    render_lines(
        snapshot,
        lines(snapshot, spec, mode, inner(area.width)),
        selected,
        area,
        buf,
    );
}

/// Draws the tile into `area` with its content `lines` already laid out.
pub fn render_lines(
    snapshot: &Snapshot,
    lines: Vec<Line<'static>>,
    selected: bool,
    area: Rect,
    buf: &mut Buffer,
) {
    let border = if selected {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    let mut title = clean(&snapshot.account_id);
    if snapshot.provider_id != snapshot.account_id {
        title = format!("{title} ({})", clean(&snapshot.provider_id));
    }
    // Room for the corners, the spaces around the title and the status.
    let title = fit(&title, usize::from(area.width).saturating_sub(14));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(border)
        .padding(Padding::horizontal(1))
        .title(Span::styled(
            format!(" {title} "),
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .title(Line::from(status_span(snapshot.status)).right_aligned());
    Paragraph::new(lines).block(block).render(area, buf);
}

/// Content width: borders and one column of padding on each side.
pub fn inner(width: u16) -> usize {
    usize::from(width.saturating_sub(4))
}

fn status_span(status: Status) -> Span<'static> {
    let (text, color) = match status {
        Status::Ok => (" ok ", Color::Green),
        Status::Unknown => (" unknown ", Color::Yellow),
        Status::Error => (" error ", Color::Red),
    };
    Span::styled(text, Style::new().fg(color))
}

/// The tile's content lines for an inner width of `width`: the rows every
/// tile has, and those `spec` adds. The compact card: what `--once` prints,
/// and what a tile shows when the screen gives it little height.
pub fn lines(s: &Snapshot, spec: &TileSpec, mode: CostMode, width: usize) -> Vec<Line<'static>> {
    let mut out = head(s, spec, mode, width);
    if s.metrics.is_empty() {
        return out;
    }
    out.push(sparkline(s, width));
    out.extend(dropped_lines(s, width));
    out.extend(top_models(s, TOP_MODELS, width));
    out
}

/// What the reading dropped, in a row of its own (none when nothing was).
pub(super) fn dropped_lines(s: &Snapshot, width: usize) -> Vec<Line<'static>> {
    match dropped(s) {
        Some(dropped) => wrap(
            Some("Dropped"),
            &dropped,
            width,
            Style::new().fg(Color::Yellow),
        ),
        None => Vec::new(),
    }
}

/// What of the status message the tile shows: all of it when the account
/// is not `ok` or has no numbers; else only what follows the summary (the
/// lines below say the summary again), the notes the status appends after
/// `; ` such as a settings directory not found or lines too long to read.
fn told(s: &Snapshot) -> Option<&str> {
    if s.status != Status::Ok || s.metrics.is_empty() {
        return Some(&s.message);
    }
    s.message.split_once("; ").map(|(_summary, notes)| notes)
}

/// The tile's first lines: its status message when it has one, then its
/// sessions, tokens and cost (when it has metrics).
pub(super) fn head(
    s: &Snapshot,
    spec: &TileSpec,
    mode: CostMode,
    width: usize,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(told) = told(s) {
        let color = if s.status == Status::Error {
            Color::Red
        } else {
            Color::Yellow
        };
        let message = fit(&clean(told), width.max(1) * MESSAGE_LINES);
        out.extend(
            wrap(None, &[message], width, Style::new().fg(color))
                .into_iter()
                .take(MESSAGE_LINES),
        );
    }
    if s.metrics.is_empty() {
        return out;
    }
    // Every snapshot with metrics has these (the aggregator writes them).
    let n = |key: MetricKey| s.metric(key).map_or(0, |m| m.used.as_f64() as u64);
    let h = |key: MetricKey| humanize::count(n(key));
    let g = |key: MetricKey| humanize::grouped(n(key));
    out.extend(wrap(
        Some("Sessions"),
        &[
            format!("{} all", g(metric::TOTAL_SESSIONS)),
            format!("{} today", g(metric::SESSIONS_TODAY)),
            format!("{} in 7d", g(metric::SESSIONS_7D)),
        ],
        width,
        Style::new(),
    ));
    out.extend(wrap(
        Some("Tokens"),
        &[format!("{} total", h(metric::TOTAL_TOKENS))],
        width,
        Style::new(),
    ));
    let mut split = vec![
        format!("in {}", h(metric::TOTAL_INPUT_TOKENS)),
        format!("out {}", h(metric::TOTAL_OUTPUT_TOKENS)),
    ];
    // Sums the provider counts apart (reasoning, a part of output), when
    // this snapshot has them.
    for row in spec.extra_tokens {
        if s.metric(row.metric).is_some() {
            split.push(format!("{} {}", row.label, h(row.metric)));
        }
    }
    split.push(format!("cache read {}", h(metric::TOTAL_CACHE_READ)));
    split.push(format!("cache write {}", h(metric::TOTAL_CACHE_WRITE)));
    out.extend(wrap(Some(""), &split, width, Style::new().fg(Color::Gray)));
    let cost = cost_pieces(s, mode);
    if !cost.is_empty() {
        out.extend(wrap(Some("Cost"), &cost, width, Style::new()));
    }
    if let Some(agents) = super::agents::shares(s) {
        out.extend(wrap(Some("Agents"), &agents, width, Style::new()));
    }
    if spec.limits {
        out.extend(super::limits::lines(s, width));
    }
    out
}

/// `label` (in a column of its own; `None`: no column) then `items` joined
/// by ` · `, wrapped under the first item. Never wider than `width`.
fn wrap(label: Option<&str>, items: &[String], width: usize, style: Style) -> Vec<Line<'static>> {
    let (label, indent) = match label {
        Some(label) => (label, LABEL),
        None => ("", 0),
    };
    let mut lines = Vec::new();
    let mut current = text::pad_right(label, indent);
    let mut empty = true;
    for item in items {
        let sep = if empty { "" } else { " · " };
        if !empty && text::width(&current) + sep.len() + text::width(item) > width {
            lines.push(current);
            current = " ".repeat(indent);
            empty = true;
        }
        if !empty {
            current.push_str(" · ");
        }
        current.push_str(item);
        empty = false;
    }
    lines.push(current);
    lines
        .into_iter()
        .flat_map(|l| hard_wrap(&l, width))
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// Breaks a line wider than `width` columns (a long message) into pieces.
fn hard_wrap(line: &str, width: usize) -> Vec<String> {
    if width == 0 || text::width(line) <= width {
        return vec![line.to_owned()];
    }
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = text::char_width(c);
        if used + w > width && !piece.is_empty() {
            pieces.push(piece.trim_end().to_owned());
            piece.clear();
            used = 0;
        }
        piece.push(c);
        used += w;
    }
    pieces.push(piece.trim_end().to_owned());
    pieces
}

fn sparkline(s: &Snapshot, width: usize) -> Line<'static> {
    let today = s.today();
    let by_day: BTreeMap<_, _> = s
        .series(series::TOKENS)
        .iter()
        .map(|p| (p.date, p.value))
        .collect();
    let days = (SPARK_DAYS as usize).min(width.saturating_sub(LABEL));
    let values: Vec<u64> = (0..days as i64)
        .rev()
        .map(|back| {
            by_day
                .get(&(today - Duration::days(back)))
                .copied()
                .unwrap_or(0)
        })
        .collect();
    let bars = chart::bars(&values, 1).pop().unwrap_or_default();
    let peak = values.iter().copied().max().unwrap_or(0);
    let mut spans = vec![
        Span::raw(text::pad_right(&format!("Last {days}d"), LABEL)),
        Span::styled(bars, Style::new().fg(Color::Cyan)),
    ];
    let note = format!("  peak {}/day", humanize::count(peak));
    if LABEL + days + note.chars().count() <= width {
        spans.push(Span::styled(note, Style::new().fg(Color::Gray)));
    }
    Line::from(spans)
}

/// The tile's cost line in `mode`, never showing an estimate as recorded:
/// `$29.73 recorded + ~$4.10 estimated`, and the requests the figure leaves
/// out; empty when there is no cost to show.
fn cost_pieces(s: &Snapshot, mode: CostMode) -> Vec<String> {
    let amount = |key| s.metric(key).map(|m| m.used.as_f64());
    let requests = |n: u64| humanize::plural(n, "request", "requests");
    let count = |key| s.count(key).unwrap_or(0);
    let mut pieces = Vec::new();
    match mode {
        CostMode::Recorded => {
            let Some(recorded) = amount(metric::TOTAL_COST_USD) else {
                return pieces;
            };
            pieces.push(format!("{} recorded", humanize::money(recorded)));
            // Requests recorded at $0 with tokens used had no price: their
            // cost is unknown, and saying so keeps the total from reading
            // as complete. Records that wrote no cost are not in it either.
            if let Some(n) = s.count(metric::UNPRICED_REQUESTS) {
                pieces.push(format!("{} unpriced", requests(n)));
            }
            if let Some(n) = s.count(metric::UNCOSTED_REQUESTS) {
                pieces.push(format!("{} without cost", requests(n)));
            }
        }
        CostMode::Auto => {
            let recorded = amount(metric::TOTAL_COST_USD);
            let estimated = amount(metric::ESTIMATED_COST_USD).filter(|e| *e > 0.0);
            let figure = match (recorded, estimated) {
                (Some(r), Some(e)) => Some(format!(
                    "{} recorded + ~{} estimated",
                    humanize::money(r),
                    humanize::money(e)
                )),
                (Some(r), None) => Some(format!("{} recorded", humanize::money(r))),
                (None, Some(e)) => Some(format!("~{} estimated", humanize::money(e))),
                (None, None) => None,
            };
            pieces.extend(figure);
            let unknown = count(metric::UNKNOWN_COST_REQUESTS);
            if unknown > 0 {
                pieces.push(format!("{} of unknown cost", requests(unknown)));
            }
        }
        CostMode::Calculate => {
            let Some(at_list) = amount(metric::CALCULATED_COST_USD) else {
                return pieces;
            };
            pieces.push(format!("~{} at list price", humanize::money(at_list)));
            let unlisted: u64 = s
                .model_usage
                .iter()
                .filter(|m| m.price_entry.is_none())
                .fold(0, |sum, m| sum.saturating_add(m.requests));
            if unlisted > 0 {
                pieces.push(format!("{} without a list price", requests(unlisted)));
            }
        }
    }
    pieces
}

/// What the reading dropped, when it dropped anything.
fn dropped(s: &Snapshot) -> Option<Vec<String>> {
    let count = |key| s.diagnostic(key).and_then(|v| v.as_u64()).unwrap_or(0);
    let items: Vec<String> = [
        (diagnostic::LINES_DROPPED, "bad line", "bad lines"),
        (
            diagnostic::FILES_SKIPPED,
            "file without header",
            "files without header",
        ),
        (
            diagnostic::FILES_UNREADABLE,
            "unreadable file",
            "unreadable files",
        ),
        (
            diagnostic::DIRS_UNREADABLE,
            "unreadable folder",
            "unreadable folders",
        ),
    ]
    .iter()
    .filter(|(key, ..)| count(*key) > 0)
    .map(|(key, one, many)| humanize::plural(count(*key), one, many))
    .collect();
    (!items.is_empty()).then_some(items)
}

/// The `n` largest models by tokens over every workspace, with their share.
pub(super) fn top_models(s: &Snapshot, n: usize, width: usize) -> Vec<Line<'static>> {
    let models = crate::analytics::models(std::slice::from_ref(s));
    let total = models
        .iter()
        .fold(0u64, |sum, m| sum.saturating_add(m.tokens));
    let rows: Vec<Vec<String>> = models
        .iter()
        .take(n)
        .map(|m| {
            vec![
                clean(&m.name),
                m.provider.as_deref().map(clean).unwrap_or_default(),
                humanize::count(m.tokens),
                percent(m.tokens, total),
            ]
        })
        .collect();
    let columns = [
        left("TOP MODELS", 9),
        left("PROVIDER", 3),
        right("TOKENS", 8),
        right("SHARE", 5),
    ];
    table::lines(&columns, &rows, width)
}
