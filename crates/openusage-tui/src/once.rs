//! `--once`: the page drawn one time as text, for scripts, CI and the
//! README. Plain text, or with ANSI colours when asked for.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Paragraph, Widget};

use crate::state::App;
use crate::view;

/// The header, a blank line and the whole body, `width` columns wide.
pub fn render(app: &App, width: u16, color: bool) -> String {
    let body = view::body(app, width);
    let mut page = Buffer::empty(Rect::new(0, 0, width, body.area.height + 2));
    Paragraph::new(view::header(app, width)).render(Rect::new(0, 0, width, 1), &mut page);
    for y in 0..body.area.height {
        for x in 0..width {
            if let (Some(cell), Some(slot)) = (body.cell((x, y)), page.cell_mut((x, y + 2))) {
                *slot = cell.clone();
            }
        }
    }
    to_text(&page, color)
}

/// A buffer as lines of text, trailing spaces trimmed.
pub fn to_text(buf: &Buffer, color: bool) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut style = Style::reset();
        // Cells under the second column of a wide character hold a blank
        // that the terminal never shows: printing it would shift the rest.
        let mut hidden = 0;
        for x in 0..buf.area.width {
            let Some(cell) = buf.cell((x, y)) else {
                continue;
            };
            if hidden > 0 {
                hidden -= 1;
                continue;
            }
            if color && cell.style() != style {
                style = cell.style();
                line.push_str(&sgr(style));
            }
            line.push_str(cell.symbol());
            hidden = crate::text::width(cell.symbol()).saturating_sub(1);
        }
        if color {
            line.push_str("\x1b[0m");
        }
        let trimmed = if color {
            trim_colored(&line)
        } else {
            line.trim_end().to_owned()
        };
        out.push_str(&trimmed);
        out.push('\n');
    }
    out
}

/// Drops trailing blanks, keeping the final reset.
fn trim_colored(line: &str) -> String {
    let body = line.strip_suffix("\x1b[0m").unwrap_or(line);
    format!("{}\x1b[0m", body.trim_end())
}

/// The SGR escape that selects `style` from a reset state.
fn sgr(style: Style) -> String {
    let mut codes = vec!["0".to_owned()];
    if style.add_modifier.contains(Modifier::BOLD) {
        codes.push("1".to_owned());
    }
    if let Some(fg) = style.fg.and_then(color_code) {
        codes.push(fg.to_string());
    }
    format!("\x1b[{}m", codes.join(";"))
}

fn color_code(color: Color) -> Option<u8> {
    Some(match color {
        Color::Red => 31,
        Color::Green => 32,
        Color::Yellow => 33,
        Color::Cyan => 36,
        Color::Gray => 37,
        Color::DarkGray => 90,
        _ => return None,
    })
}
