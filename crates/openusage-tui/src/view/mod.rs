//! Drawing: every function here is a function of [`App`] (and a width).
//! The page body is drawn at its full height into its own buffer; the live
//! view shows a scrolled slice of it, `--once` prints all of it.

pub mod analytics;
mod help;
pub mod table;
pub mod tile;

use std::sync::Arc;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use openusage_core::{About, Snapshot};

use crate::analytics::{Analytics, Tables};
use crate::state::{App, Loading, Page, Window};
use crate::text::clean;

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
    if let (Loading::Reading { files }, Some(_)) = (app.loading, app.snapshots()) {
        spans.push(Span::styled(
            format!(" · refreshing ({files} files)"),
            Style::new().fg(Color::Yellow),
        ));
    }
    if let Some(snapshots) = app.snapshots() {
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

/// The page body at full height for `width` columns (`--once` prints it).
pub fn body(app: &App, width: u16) -> Buffer {
    match build(app, width, None, None) {
        Body::Lines(lines) => text_body(&lines, width),
        Body::Tiles(buf) => buf,
    }
}

/// A page body built for one width: what is expensive to make (grouping
/// every model row, laying out the tiles), made once and then only shown.
#[derive(Debug)]
enum Body {
    /// A text page: lines that each fit the width.
    Lines(Vec<Line<'static>>),
    /// The dashboard: the tiles, drawn.
    Tiles(Buffer),
}

impl Body {
    fn height(&self) -> u16 {
        match self {
            Body::Lines(lines) => u16::try_from(lines.len()).unwrap_or(u16::MAX),
            Body::Tiles(buf) => buf.area.height,
        }
    }

    /// Draws rows `from..` into `target` at `view`: only those rows.
    fn render(&self, from: u16, target: &mut Buffer, view: Rect) {
        match self {
            Body::Lines(lines) => {
                let from = usize::from(from).min(lines.len());
                let to = (from + usize::from(view.height)).min(lines.len());
                Paragraph::new(lines[from..to].to_vec()).render(view, target);
            }
            Body::Tiles(buf) => copy_rows(buf, from, target, view),
        }
    }
}

/// Builds the body; `tiles` and `tables`, when given, hold the tiles'
/// lines already laid out for this width and data, and the analytics
/// tables already grouped for this data.
fn build(app: &App, width: u16, tiles: Option<&Tiles>, tables: Option<&Arc<Tables>>) -> Body {
    match (app.snapshots(), app.page) {
        (None, _) => Body::Lines(loading_lines(app)),
        (Some([]), _) => Body::Lines(no_accounts(app)),
        (Some(s), Page::Dashboard) => {
            let laid;
            let tiles = match tiles {
                Some(tiles) => tiles,
                None => {
                    laid = Tiles::new(app, s, width);
                    &laid
                }
            };
            Body::Tiles(tiles.draw(s, app.selected, width))
        }
        (Some(s), Page::Analytics) => {
            let tables = tables.map_or_else(|| Arc::new(Tables::new(s)), Arc::clone);
            let a = Analytics::with_tables(s, app.window, tables);
            Body::Lines(analytics::lines(
                &a,
                app.window,
                app.cost,
                usize::from(width),
            ))
        }
    }
}

/// The tiles' content and places for one width and one set of snapshots:
/// the selection changes only a border, so moving it redraws these.
#[derive(Debug)]
struct Tiles {
    data: u64,
    width: u16,
    lines: Vec<Vec<Line<'static>>>,
    rects: Vec<Rect>,
}

impl Tiles {
    fn new(app: &App, snapshots: &[Snapshot], width: u16) -> Tiles {
        let inner = tile::inner(width_of_tiles(snapshots, width));
        let lines: Vec<_> = snapshots
            .iter()
            .map(|s| tile::lines(s, &app.tile_spec(&s.provider_id), app.cost, inner))
            .collect();
        let heights: Vec<u16> = lines.iter().map(|l| tile::height_of(l.len())).collect();
        Tiles {
            data: app.data_version(),
            width,
            rects: place(&heights, width),
            lines,
        }
    }

    fn draw(&self, snapshots: &[Snapshot], selected: usize, width: u16) -> Buffer {
        let height = self.rects.iter().map(|r| r.bottom()).max().unwrap_or(0);
        let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
        for (i, ((snapshot, lines), rect)) in snapshots
            .iter()
            .zip(&self.lines)
            .zip(&self.rects)
            .enumerate()
        {
            tile::render_lines(snapshot, lines.clone(), i == selected, *rect, &mut buf);
        }
        buf
    }
}

/// How many tile columns fit: as many of at least [`tile::MIN_WIDTH`] as
/// fit (one on narrow terminals), never more than there are tiles.
fn columns(count: usize, width: u16) -> u16 {
    (width / tile::MIN_WIDTH).clamp(1, u16::try_from(count.max(1)).unwrap_or(u16::MAX))
}

/// The width of a tile (all but the last column's, which takes what
/// division left over).
fn width_of_tiles(snapshots: &[Snapshot], width: u16) -> u16 {
    width / columns(snapshots.len(), width)
}

/// Where each tile goes in the dashboard body: in columns, rows as tall as
/// their tallest tile. Tiles that would start past the tallest body a
/// buffer can hold are not placed.
fn place(heights: &[u16], width: u16) -> Vec<Rect> {
    let columns = columns(heights.len(), width);
    let tile_width = width / columns;
    let mut rects = Vec::with_capacity(heights.len());
    let mut y: u16 = 0;
    for row in heights.chunks(usize::from(columns)) {
        let height = row.iter().copied().max().unwrap_or(0).min(MAX_BODY - y);
        for i in 0..row.len() as u16 {
            let x = i * tile_width;
            // The last column takes what division left over.
            let w = if i + 1 == columns {
                width - x
            } else {
                tile_width
            };
            rects.push(Rect::new(x, y, w, height));
        }
        y += height;
        if y >= MAX_BODY {
            break;
        }
    }
    rects
}

/// The tallest body built: more rows than any screen shows, little enough
/// that a buffer of them is quick to make.
const MAX_BODY: u16 = 10_000;

/// Where each tile goes in the dashboard body: as many columns of at
/// least [`tile::MIN_WIDTH`] as fit (one on narrow terminals), rows as tall
/// as their tallest tile.
pub fn tile_rects(app: &App, width: u16) -> Vec<Rect> {
    let snapshots = app.snapshots().unwrap_or_default();
    Tiles::new(app, snapshots, width).rects
}

fn text_body(lines: &[Line<'static>], width: u16) -> Buffer {
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
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

fn no_accounts(app: &App) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(
        "No accounts: no agent data was found on this machine and none is configured.",
    )];
    if !app.providers.is_empty() {
        let places = clean(&About::looked_for(&app.providers));
        lines.push(Line::from(format!("Looked for: {places}.")));
    }
    lines.push(Line::from("Run `openusage detect` to see what was found."));
    lines
}

/// Draws the live view once (for tests; the live view keeps its [`Pages`]).
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    Pages::default().draw(frame, app);
}

/// What a page is built from, besides its data: a change of any of these
/// (or of the data) builds the page again; nothing else does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    data: u64,
    page: Page,
    width: u16,
    /// The selected tile, on the dashboard.
    selected: Option<usize>,
    /// The window, on the analytics page.
    window: Option<Window>,
    /// Files read so far, while the first load is shown.
    files: Option<u64>,
    /// Whether there is data yet.
    loaded: bool,
}

impl Key {
    fn new(app: &App, width: u16) -> Key {
        let dashboard = app.page == Page::Dashboard;
        Key {
            data: app.data_version(),
            page: app.page,
            width,
            selected: dashboard.then_some(app.selected),
            window: (!dashboard).then_some(app.window),
            files: match (app.snapshots(), app.loading) {
                (None, Loading::Reading { files }) => Some(files),
                _ => None,
            },
            loaded: app.snapshots().is_some(),
        }
    }
}

/// The live view's pages, kept between frames: a page is built again only
/// when its data, its width or what it shows (page, window, selection)
/// changed, so an idle tick or a scroll costs a copy of what is on screen.
/// One `Pages` serves one [`App`]: it tells data apart by
/// [`App::data_version`].
#[derive(Debug, Default)]
pub struct Pages {
    body: Option<(Key, Body)>,
    tiles: Option<Tiles>,
    /// The analytics tables, and the data they were grouped from.
    tables: Option<(u64, Arc<Tables>)>,
    builds: u64,
}

impl Pages {
    /// How many times a page body was built.
    pub fn builds(&self) -> u64 {
        self.builds
    }

    /// Draws the live view: header, the visible slice of the body, footer,
    /// and the key help on top when open. Keeps the selected tile in view.
    pub fn draw(&mut self, frame: &mut Frame<'_>, app: &mut App) {
        let area = frame.area();
        if area.height < 3 {
            return;
        }
        frame.render_widget(
            Paragraph::new(header(app, area.width)),
            Rect::new(area.x, area.y, area.width, 1),
        );
        let view = Rect::new(area.x, area.y + 1, area.width, area.height - 2);
        self.update(app, view.width);
        if let Some((_, body)) = &self.body {
            scroll_into_view(app, self.tiles.as_ref(), body.height(), view.height);
            body.render(app.scroll, frame.buffer_mut(), view);
        }
        frame.render_widget(
            Paragraph::new(footer(app, area.width)),
            Rect::new(area.x, area.bottom() - 1, area.width, 1),
        );
        if app.help {
            help::render(frame.buffer_mut(), area);
        }
    }

    /// Builds the body for `app` at `width` if what it shows changed.
    fn update(&mut self, app: &App, width: u16) {
        let key = Key::new(app, width);
        if self.body.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        match (app.snapshots(), app.page) {
            (Some(s), Page::Dashboard) => {
                let stale = self
                    .tiles
                    .as_ref()
                    .is_none_or(|t| t.data != key.data || t.width != width);
                if stale {
                    self.tiles = Some(Tiles::new(app, s, width));
                }
            }
            (Some(s), Page::Analytics) => {
                if self
                    .tables
                    .as_ref()
                    .is_none_or(|(data, _)| *data != key.data)
                {
                    self.tables = Some((key.data, Arc::new(Tables::new(s))));
                }
            }
            (None, _) => {}
        }
        self.builds += 1;
        let tables = self.tables.as_ref().map(|(_, t)| t);
        self.body = Some((key, build(app, width, self.tiles.as_ref(), tables)));
    }
}

fn scroll_into_view(app: &mut App, tiles: Option<&Tiles>, body_height: u16, view_height: u16) {
    if let (Page::Dashboard, Some(tiles)) = (app.page, tiles) {
        if let Some(rect) = tiles.rects.get(app.selected) {
            if rect.y < app.scroll {
                app.scroll = rect.y;
            } else if rect.bottom() > app.scroll.saturating_add(view_height) {
                app.scroll = rect.bottom().saturating_sub(view_height).min(rect.y);
            }
        }
    }
    app.scroll = app.scroll.min(body_height.saturating_sub(view_height));
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use openusage_core::Status;

    #[test]
    fn thousands_of_tiles_make_a_body_of_bounded_height() {
        let tile = Snapshot::new(
            "pi",
            "pi",
            DateTime::UNIX_EPOCH,
            Status::Unknown,
            "not found",
        );
        let app = App::with_snapshots(Page::Dashboard, vec![tile; 12_000]);
        for width in [60, 200] {
            let body = body(&app, width);
            assert_eq!(body.area.height, MAX_BODY, "{width}");
        }
    }

    #[test]
    fn the_same_page_is_built_once_however_often_it_is_drawn() {
        let tile = Snapshot::new("pi", "pi", DateTime::UNIX_EPOCH, Status::Unknown, "x");
        let mut app = App::with_snapshots(Page::Dashboard, vec![tile.clone(); 3]);
        let mut pages = Pages::default();
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 20)).unwrap();
        let mut draw = |app: &mut App, pages: &mut Pages| {
            terminal.draw(|f| pages.draw(f, app)).unwrap();
        };
        for _ in 0..5 {
            draw(&mut app, &mut pages);
        }
        assert_eq!(pages.builds(), 1);
        app.window = Window::All; // not shown on the dashboard
        app.scroll = 1;
        draw(&mut app, &mut pages);
        assert_eq!(pages.builds(), 1);
        app.selected = 1;
        draw(&mut app, &mut pages);
        assert_eq!(pages.builds(), 2, "the selection is drawn on the page");
        app.set_snapshots(vec![tile; 2]);
        draw(&mut app, &mut pages);
        assert_eq!(pages.builds(), 3, "new data");
        app.page = Page::Analytics;
        draw(&mut app, &mut pages);
        app.window = Window::Days7;
        draw(&mut app, &mut pages);
        draw(&mut app, &mut pages);
        assert_eq!(pages.builds(), 5);
    }
}
