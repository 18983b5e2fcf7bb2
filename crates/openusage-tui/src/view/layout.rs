//! Where the tiles go on the dashboard, and how tall each is: the screen's
//! width decides the columns, its height how much each tile shows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use openusage_core::Snapshot;

use super::{tall, tile};
use crate::state::App;

/// The tiles' content and places for one width, one height and one set of
/// snapshots: the selection changes only a border, so moving it redraws
/// these.
#[derive(Debug)]
pub(super) struct Tiles {
    pub data: u64,
    pub width: u16,
    pub rows: Option<u16>,
    lines: Vec<Vec<Line<'static>>>,
    pub rects: Vec<Rect>,
}

impl Tiles {
    /// The tiles for `width` columns; with `rows`, the screen's body rows,
    /// each row of tiles grows into its share of them.
    pub fn new(app: &App, snapshots: &[Snapshot], width: u16, rows: Option<u16>) -> Tiles {
        let inner = tile::inner(width_of_tiles(snapshots.len(), width));
        let budget = rows.map(|r| usize::from(tile_rows(snapshots.len(), width, r)));
        let lines: Vec<_> = snapshots
            .iter()
            .map(|s| {
                let spec = app.tile_spec(&s.provider_id);
                // Content lines within the share: borders take two.
                let content = budget.map(|b| b.saturating_sub(2));
                tall::lines(s, &spec, app.cost, inner, content)
            })
            .collect();
        let heights: Vec<u16> = lines.iter().map(|l| tile::height_of(l.len())).collect();
        Tiles {
            data: app.data_version(),
            width,
            rows,
            rects: place(&heights, width),
            lines,
        }
    }

    pub fn draw(&self, snapshots: &[Snapshot], selected: usize, width: u16) -> Buffer {
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
/// fit (one on narrow terminals), at most [`tile::MAX_COLUMNS`], never more
/// than there are tiles.
fn columns(count: usize, width: u16) -> u16 {
    let most = u16::try_from(count.max(1)).unwrap_or(u16::MAX);
    (width / tile::MIN_WIDTH).clamp(1, tile::MAX_COLUMNS.min(most))
}

/// The width of a tile (all but the last column's, which takes what
/// division left over).
fn width_of_tiles(count: usize, width: u16) -> u16 {
    width / columns(count, width)
}

/// The screen rows one row of tiles may take: an equal share of `rows`.
fn tile_rows(count: usize, width: u16, rows: u16) -> u16 {
    let columns = usize::from(columns(count, width));
    let tile_rows = u16::try_from(count.div_ceil(columns).max(1)).unwrap_or(u16::MAX);
    rows / tile_rows
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
pub(super) const MAX_BODY: u16 = 10_000;

/// The scroll positions that keep the selected tile in view on a screen of
/// `view` rows: all of it when it fits, else a screenful within it.
pub(super) fn tile_range(rect: Rect, view: u16) -> (u16, u16) {
    let (top, end) = (rect.y, rect.bottom().saturating_sub(view));
    (top.min(end), top.max(end))
}

/// Where each tile goes in the dashboard body drawn for `rows` body rows
/// (`None`: as `--once` prints it).
pub fn tile_rects(app: &App, width: u16, rows: Option<u16>) -> Vec<Rect> {
    let snapshots = app.snapshots().unwrap_or_default();
    Tiles::new(app, snapshots, width, rows).rects
}
