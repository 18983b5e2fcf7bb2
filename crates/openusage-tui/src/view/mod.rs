//! Drawing: every function here is a function of [`App`] (and a width, and
//! for the live view a height). The page body is drawn at its full height
//! into its own buffer; the live view shows a scrolled slice of it, its tiles
//! grown into the screen's height; `--once` prints all of it, the tiles as
//! compact cards.

mod agents;
pub mod analytics;
mod chrome;
mod help;
mod layout;
mod limits;
pub mod table;
pub mod tall;
pub mod tile;

pub use chrome::{footer, header};
use layout::Tiles;
pub use layout::tile_rects;

use std::sync::Arc;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use openusage_core::{About, humanize};

use crate::analytics::{Analytics, Tables};
use crate::state::{App, Loading, Page, Viewport, Window};
use crate::text::clean;

/// The page body at full height for `width` columns, the tiles as compact
/// cards (`--once` prints it).
pub fn body(app: &App, width: u16) -> Buffer {
    match build(app, width, None, None, None) {
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

/// Builds the body for a screen of `rows` body rows (`None`: no screen);
/// `tiles` and `tables`, when given, hold the tiles' lines already laid
/// out for this size and data, and the analytics tables already grouped for
/// this data.
fn build(
    app: &App,
    width: u16,
    rows: Option<u16>,
    tiles: Option<&Tiles>,
    tables: Option<&Arc<Tables>>,
) -> Body {
    match (app.snapshots(), app.page) {
        (None, _) => Body::Lines(loading_lines(app)),
        (Some([]), _) => Body::Lines(no_accounts(app)),
        (Some(s), Page::Dashboard) => {
            let laid;
            let tiles = match tiles {
                Some(tiles) => tiles,
                None => {
                    laid = Tiles::new(app, s, width, rows);
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

fn text_body(lines: &[Line<'static>], width: u16) -> Buffer {
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    Paragraph::new(lines.to_vec()).render(buf.area, &mut buf);
    buf
}

fn loading_lines(app: &App) -> Vec<Line<'static>> {
    let (files, found) = match app.loading {
        Loading::Reading { files, found } => (files, found),
        Loading::Idle => (0, 0),
    };
    vec![
        Line::default(),
        Line::from(Span::styled(
            format!(
                "  Reading your agents' history… {}",
                humanize::files_of(files, found)
            ),
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
    /// The screen's body rows, on the dashboard (tiles grow into them).
    rows: Option<u16>,
    /// The selected tile, on the dashboard.
    selected: Option<usize>,
    /// The window, on the analytics page.
    window: Option<Window>,
    /// Files read of files found so far, while the first load is shown.
    files: Option<(u64, u64)>,
    /// Whether there is data yet.
    loaded: bool,
}

impl Key {
    fn new(app: &App, width: u16, rows: u16) -> Key {
        let dashboard = app.page == Page::Dashboard;
        Key {
            data: app.data_version(),
            page: app.page,
            width,
            rows: dashboard.then_some(rows),
            selected: dashboard.then_some(app.selected),
            window: (!dashboard).then_some(app.window),
            files: match (app.snapshots(), app.loading) {
                (None, Loading::Reading { files, found }) => Some((files, found)),
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
        self.update(app, view.width, view.height);
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

    /// Builds the body for `app` on a body of `width` × `rows` if what it
    /// shows changed.
    fn update(&mut self, app: &App, width: u16, rows: u16) {
        let key = Key::new(app, width, rows);
        if self.body.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        match (app.snapshots(), app.page) {
            (Some(s), Page::Dashboard) => {
                let stale = self
                    .tiles
                    .as_ref()
                    .is_none_or(|t| t.data != key.data || t.width != width || t.rows != key.rows);
                if stale {
                    self.tiles = Some(Tiles::new(app, s, width, key.rows));
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
        let body = build(app, width, key.rows, self.tiles.as_ref(), tables);
        self.body = Some((key, body));
    }
}

/// Keeps the scroll within what may be shown, and notes in `app` what
/// was: on the dashboard, the selected tile stays in view (a screenful of it
/// when it is taller), shown from its top after a move to it.
fn scroll_into_view(app: &mut App, tiles: Option<&Tiles>, body_height: u16, view_height: u16) {
    let end = body_height.saturating_sub(view_height);
    let tile = tiles
        .filter(|_| app.page == Page::Dashboard)
        .and_then(|t| t.rects.get(app.selected));
    let (first, last) = match tile {
        Some(rect) => {
            let (first, last) = layout::tile_range(*rect, view_height);
            if app.reveal_top && rect.height > view_height {
                app.scroll = rect.y;
            }
            (first.min(end), last.min(end))
        }
        None => (0, end),
    };
    app.reveal_top = false;
    app.scroll = app.scroll.clamp(first, last);
    app.viewport = Viewport {
        rows: view_height,
        range: (first, last),
    };
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
    use super::layout::MAX_BODY;
    use super::*;
    use chrono::DateTime;
    use openusage_core::{Snapshot, Status};

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
