//! The key help, drawn over the page.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

pub const KEYS: [(&str, &str); 9] = [
    ("q, Esc", "quit"),
    ("r", "refresh now"),
    ("Tab", "dashboard ⇄ analytics"),
    ("w", "analytics window: 7d, 30d, 90d, all"),
    ("j/k, ↓/↑", "next/previous tile; scroll analytics"),
    ("h/l, ←/→", "previous/next tile"),
    ("PgDn/PgUp", "a page; within a tile, then the next"),
    ("g, Home", "back to the top"),
    ("?", "this help (any key closes it)"),
];

pub fn render(buf: &mut Buffer, area: Rect) {
    let width = 58.min(area.width);
    let height = (KEYS.len() as u16 + 2).min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let lines: Vec<Line<'_>> = KEYS
        .iter()
        .map(|(k, what)| Line::from(format!(" {k:<13} {what}")))
        .collect();
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(Style::new().fg(Color::Cyan))
                .title(Line::styled(
                    " keys ",
                    Style::new().add_modifier(Modifier::BOLD),
                )),
        )
        .render(rect, buf);
}
