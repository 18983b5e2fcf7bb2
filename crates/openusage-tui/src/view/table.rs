//! Text tables that fit the width they are given: the first column gives up
//! characters (ending in `…`) down to a minimum, then whole columns of the
//! lowest priority are left out, so no line ever wraps.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::text::{self, fit};

/// One column: its header, alignment and how much it matters (a higher
/// `keep` is dropped later).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub right: bool,
    pub keep: u8,
}

pub const fn left(header: &'static str, keep: u8) -> Column {
    Column {
        header,
        right: false,
        keep,
    }
}

pub const fn right(header: &'static str, keep: u8) -> Column {
    Column {
        header,
        right: true,
        keep,
    }
}

const GAP: usize = 2;
const MIN_FIRST: usize = 12;
/// The widest any column but the first is laid out (a cell wider is cut):
/// one hostile provider name must not push every number off the table.
const MAX_OTHER: usize = 32;

/// The header line and one line per row, within `width` columns.
pub fn lines(columns: &[Column], rows: &[Vec<String>], width: usize) -> Vec<Line<'static>> {
    let mut shown: Vec<usize> = (0..columns.len()).collect();
    let natural = |c: usize| {
        let widest = rows
            .iter()
            .map(|r| r.get(c).map_or(0, |s| text::width(s)))
            .chain([text::width(columns[c].header)])
            .max()
            .unwrap_or(0);
        if c == 0 {
            widest
        } else {
            widest.min(MAX_OTHER)
        }
    };
    let mut widths: Vec<usize> = (0..columns.len()).map(natural).collect();
    loop {
        let others: usize = shown.iter().skip(1).map(|&c| widths[c] + GAP).sum();
        let room = width.saturating_sub(others);
        if room >= widths[0].min(MIN_FIRST) || shown.len() == 1 {
            widths[0] = widths[0].min(room);
            break;
        }
        // Drop the least important column (the last of equals), never the first.
        let Some(pos) = (1..shown.len()).min_by_key(|&i| (columns[shown[i]].keep, usize::MAX - i))
        else {
            break;
        };
        shown.remove(pos);
    }
    let render = |cells: &[String], style: Style| {
        let mut line = String::new();
        for (i, &c) in shown.iter().enumerate() {
            let cell = fit(cells.get(c).map_or("", String::as_str), widths[c]);
            if i > 0 {
                line.push_str(&" ".repeat(GAP));
            }
            if columns[c].right {
                line.push_str(&text::pad_left(&cell, widths[c]));
            } else if i + 1 < shown.len() {
                line.push_str(&text::pad_right(&cell, widths[c]));
            } else {
                line.push_str(&cell);
            }
        }
        Line::from(Span::styled(line.trim_end().to_owned(), style))
    };
    let header: Vec<String> = columns.iter().map(|c| c.header.to_owned()).collect();
    let mut out = vec![render(&header, Style::new().add_modifier(Modifier::BOLD))];
    out.extend(rows.iter().map(|r| render(r, Style::new())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    const COLS: [Column; 3] = [left("MODEL", 9), right("TOKENS", 9), right("CACHE", 1)];

    fn rows() -> Vec<Vec<String>> {
        vec![vec![
            "claude-sonnet-4-5".into(),
            "1.2M".into(),
            "900k".into(),
        ]]
    }

    #[test]
    fn wide_tables_align_columns() {
        // Columns 17, 6 and 5 wide, two spaces apart; numbers right-aligned.
        assert_eq!(
            text(&lines(&COLS, &rows(), 80)),
            [
                "MODEL              TOKENS  CACHE",
                "claude-sonnet-4-5    1.2M   900k"
            ]
        );
    }

    #[test]
    fn narrow_tables_shorten_the_first_column_then_drop_columns() {
        // 30 = 15 (model, cut) + 2 + 6 (TOKENS) + 2 + 5 (CACHE).
        assert_eq!(
            text(&lines(&COLS, &rows(), 30)),
            [
                "MODEL            TOKENS  CACHE",
                "claude-sonnet-…    1.2M   900k"
            ]
        );
        // At 22 the model column would drop below 12: CACHE goes first.
        let narrow = text(&lines(&COLS, &rows(), 22));
        assert_eq!(narrow, ["MODEL           TOKENS", "claude-sonnet…    1.2M"]);
        assert!(narrow.iter().all(|l| l.chars().count() <= 22));
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let rows = vec![
            vec!["日本語モデル".into(), "1.2M".into(), "900k".into()],
            vec!["gpt".into(), "5".into(), "6".into()],
        ];
        let out = text(&lines(&COLS, &rows, 80));
        assert_eq!(
            out,
            [
                "MODEL         TOKENS  CACHE",
                "日本語モデル    1.2M   900k",
                "gpt                5      6"
            ]
        );
        let narrow = text(&lines(&COLS, &rows, 24));
        assert!(
            narrow.iter().all(|l| crate::text::width(l) <= 24),
            "{narrow:?}"
        );
    }

    #[test]
    fn a_huge_cell_is_cut_and_never_widens_the_table() {
        let huge = "m".repeat(70_000);
        let rows = vec![vec![huge.clone(), huge.clone(), "1".into()]];
        let out = text(&lines(&COLS, &rows, 60));
        assert!(out.iter().all(|l| l.chars().count() <= 60), "{out:?}");
        assert!(out[1].contains('…'), "{out:?}");
        // The other columns stay: the long one is cut to its cap.
        assert!(
            out[0].contains("TOKENS") && out[0].contains("CACHE"),
            "{out:?}"
        );
    }
}
