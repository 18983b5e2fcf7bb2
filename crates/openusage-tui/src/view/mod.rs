//! Drawing: every function here is a function of [`App`] (and a width).
//! The page body is drawn at its full height into its own buffer; the live
//! view shows a scrolled slice of it, `--once` prints all of it.

pub mod analytics;
mod help;
pub mod table;
pub mod tile;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::analytics::Analytics;
use crate::state::{App, Loading, Page};

/// The top line: where you are and how fresh the numbers are. Parts are
/// left out from the end rather than letting the line overflow `width`.
pub fn header(app: &App, width: u16) -> Line<'static> {
    let page = match app.page {
        Page::Dashboard => "Dashboard".to_owned(),
        Page::Analytics => format!("Analytics · window {}", app.window.label()),
    };
    let mut spans = vec![
        Span::styled("openusage", Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" · {page}")),
    ];
    if let (Loading::Reading { files }, Some(_)) = (app.loading, &app.snapshots) {
        spans.push(Span::styled(
            format!(" · refreshing ({files} files)"),
            Style::new().fg(Color::Yellow),
        ));
    }
    if let Some(snapshots) = &app.snapshots {
        let accounts =
            openusage_core::humanize::plural(snapshots.len() as u64, "account", "accounts");
        spans.push(Span::raw(format!(" · {accounts}")));
        if let Some(latest) = snapshots.iter().max_by_key(|s| s.timestamp) {
            let zone = latest.zone();
            spans.push(Span::styled(
                format!(" · as of {} {zone}", zone.wall_clock(latest.timestamp)),
                Style::new().fg(Color::Gray),
            ));
        }
    }
    while spans.len() > 2 && spans.iter().map(Span::width).sum::<usize>() > usize::from(width) {
        spans.pop();
    }
    Line::from(spans)
}

/// The bottom line: the keys, in as many words as `width` allows.
pub fn footer(app: &App, width: u16) -> Line<'static> {
    let other = match app.page {
        Page::Dashboard => "analytics",
        Page::Analytics => "dashboard",
    };
    let variants = [
        format!("q quit · r refresh · Tab {other} · w window · j/k move · ? help"),
        "q quit · r refresh · Tab page · w window · ? help".to_owned(),
        "q quit · ? help".to_owned(),
    ];
    let text = variants
        .iter()
        .find(|v| v.chars().count() <= usize::from(width))
        .unwrap_or(&variants[2]);
    Line::from(Span::styled(text.clone(), Style::new().fg(Color::Gray)))
}

/// The page body at full height for `width` columns.
pub fn body(app: &App, width: u16) -> Buffer {
    match (&app.snapshots, app.page) {
        (None, _) => text_body(&loading_lines(app), width),
        (Some(s), _) if s.is_empty() => text_body(&no_accounts(), width),
        (Some(s), Page::Dashboard) => dashboard(s, app.selected, width),
        (Some(s), Page::Analytics) => {
            let a = Analytics::new(s, app.window);
            text_body(&analytics::lines(&a, app.window, usize::from(width)), width)
        }
    }
}

/// Where each tile goes in the dashboard body: as many columns of at
/// least [`tile::MIN_WIDTH`] as fit (one on narrow terminals), rows as tall
/// as their tallest tile.
pub fn tile_rects(snapshots: &[openusage_core::Snapshot], width: u16) -> Vec<Rect> {
    let columns = (width / tile::MIN_WIDTH).clamp(1, snapshots.len().max(1) as u16);
    let tile_width = width / columns;
    let mut rects = Vec::with_capacity(snapshots.len());
    let mut y = 0;
    for row in snapshots.chunks(usize::from(columns)) {
        let height = row
            .iter()
            .map(|s| tile::height(s, tile_width))
            .max()
            .unwrap_or(0);
        for (i, _) in row.iter().enumerate() {
            let x = i as u16 * tile_width;
            // The last column takes what division left over.
            let w = if i + 1 == usize::from(columns) {
                width - x
            } else {
                tile_width
            };
            rects.push(Rect::new(x, y, w, height));
        }
        y += height;
    }
    rects
}

fn dashboard(snapshots: &[openusage_core::Snapshot], selected: usize, width: u16) -> Buffer {
    let rects = tile_rects(snapshots, width);
    let height = rects.iter().map(|r| r.bottom()).max().unwrap_or(0);
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    for (i, (snapshot, rect)) in snapshots.iter().zip(&rects).enumerate() {
        tile::render(snapshot, i == selected, *rect, &mut buf);
    }
    buf
}

fn text_body(lines: &[Line<'static>], width: u16) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, width, lines.len() as u16));
    Paragraph::new(lines.to_vec()).render(buf.area, &mut buf);
    buf
}

fn loading_lines(app: &App) -> Vec<Line<'static>> {
    let files = match app.loading {
        Loading::Reading { files } => files,
        Loading::Idle => 0,
    };
    vec![
        Line::default(),
        Line::from(Span::styled(
            format!("  Reading your agents' history… {files} files read"),
            Style::new().fg(Color::Yellow),
        )),
    ]
}

fn no_accounts() -> Vec<Line<'static>> {
    vec![
        Line::from("No accounts: no agent data was found on this machine and none is configured."),
        Line::from("Looked for: Pi (~/.pi, ~/.omp), Codex (~/.codex), Claude Code (~/.claude)."),
        Line::from("Run `openusage detect` to see what was found."),
    ]
}

/// Draws the live view: header, the visible slice of the body, footer, and
/// the key help on top when open. Keeps the selected tile in view.
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    let area = frame.area();
    if area.height < 3 {
        return;
    }
    frame.render_widget(
        Paragraph::new(header(app, area.width)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let view = Rect::new(area.x, area.y + 1, area.width, area.height - 2);
    let body = body(app, view.width);
    scroll_into_view(app, &body, view.height);
    copy_rows(&body, app.scroll, frame.buffer_mut(), view);
    frame.render_widget(
        Paragraph::new(footer(app, area.width)),
        Rect::new(area.x, area.bottom() - 1, area.width, 1),
    );
    if app.help {
        help::render(frame.buffer_mut(), area);
    }
}

fn scroll_into_view(app: &mut App, body: &Buffer, view_height: u16) {
    if let (Page::Dashboard, Some(snapshots)) = (app.page, &app.snapshots) {
        if let Some(rect) = tile_rects(snapshots, body.area.width).get(app.selected) {
            if rect.y < app.scroll {
                app.scroll = rect.y;
            } else if rect.bottom() > app.scroll + view_height {
                app.scroll = rect.bottom().saturating_sub(view_height).min(rect.y);
            }
        }
    }
    app.scroll = app.scroll.min(body.area.height.saturating_sub(view_height));
}

/// Copies body rows `from..` into `target` at `view`.
fn copy_rows(body: &Buffer, from: u16, target: &mut Buffer, view: Rect) {
    for dy in 0..view.height.min(body.area.height.saturating_sub(from)) {
        for x in 0..view.width.min(body.area.width) {
            if let (Some(cell), Some(slot)) = (
                body.cell((x, from + dy)),
                target.cell_mut((view.x + x, view.y + dy)),
            ) {
                *slot = cell.clone();
            }
        }
    }
}
