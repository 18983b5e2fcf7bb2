//! Plain-text output for the non-interactive commands. Untrusted text is
//! made inert by [`openusage_tui::text::clean`] before it gets here.
//!
//! Widths are display columns ([`openusage_tui::text::width`]: two for CJK
//! and most emoji), and cells are padded by hand: a format width
//! (`{:<width$}`) is limited to `u16` and would panic on a longer cell.

use openusage_tui::text::{char_width, fit, pad_left, pad_right, width, wrap_words};

/// The most columns a cell shows; a longer one ends in `…`. The JSON output
/// carries the whole text.
pub const MAX_CELL: usize = 256;

/// Lays out rows as columns separated by two spaces, each as wide as its
/// widest cell; the last column is not padded.
pub fn table(rows: &[Vec<String>]) -> String {
    table_aligned(rows, &[])
}

/// [`table`], with the columns whose index `right` lists (numbers) aligned
/// to the right.
pub fn table_aligned(rows: &[Vec<String>], right: &[usize]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|cell| fit(cell, MAX_CELL)).collect())
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let width = widths[c];
            match (right.contains(&c), c + 1 < row.len()) {
                (true, _) => line.push_str(&pad_left(cell, width)),
                (false, true) => line.push_str(&pad_right(cell, width)),
                (false, false) => line.push_str(cell),
            }
            if c + 1 < row.len() {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
/// `text` with every line wider than `columns` wrapped at spaces
/// (continuation lines indented by two), and a word wider than a line
/// broken where the line ends: the notes under a table fit any width.
/// Lines that fit are left exactly as they are.
pub fn fit_lines(text: &str, columns: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if width(line) <= columns {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        for wrapped in wrap_words(line, columns) {
            for piece in broken(&wrapped, columns) {
                out.push_str(piece.trim_end());
                out.push('\n');
            }
        }
    }
    out
}

/// `line` in pieces of at most `columns` columns, the pieces after the
/// first indented by two; at least one character a piece, so it ends.
fn broken(line: &str, columns: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for c in line.chars() {
        let full = width(&current) + char_width(c) > columns;
        if full && !current.trim().is_empty() {
            pieces.push(std::mem::take(&mut current));
            current.push_str(if columns > 4 { "  " } else { "" });
        }
        current.push(c);
    }
    pieces.push(current);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_to_the_widest_cell() {
        let rows = vec![
            vec!["ID".to_owned(), "PROVIDER".to_owned(), "DIRS".to_owned()],
            vec!["pi-work".to_owned(), "pi".to_owned(), "/a".to_owned()],
        ];
        assert_eq!(
            table(&rows),
            "ID       PROVIDER  DIRS\npi-work  pi        /a\n"
        );
    }

    #[test]
    fn number_columns_align_right() {
        let rows = vec![
            vec!["DAY".to_owned(), "TOKENS".to_owned(), "COST".to_owned()],
            vec![
                "2026-11-20".to_owned(),
                "1,500".to_owned(),
                "$0.10".to_owned(),
            ],
            vec!["TOTAL".to_owned(), "12".to_owned(), "$10.00".to_owned()],
        ];
        assert_eq!(
            table_aligned(&rows, &[1, 2]),
            "DAY         TOKENS    COST\n2026-11-20   1,500   $0.10\nTOTAL           12  $10.00\n"
        );
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let rows = vec![
            vec!["MODEL".to_owned(), "TOKENS".to_owned()],
            vec!["日本語".to_owned(), "1".to_owned()],
            vec!["gpt-5".to_owned(), "22".to_owned()],
        ];
        assert_eq!(
            table_aligned(&rows, &[1]),
            "MODEL   TOKENS\n日本語       1\ngpt-5       22\n"
        );
    }

    #[test]
    fn a_cell_longer_than_a_format_width_allows_is_cut_not_a_panic() {
        let long = "m".repeat(70_000);
        let rows = vec![
            vec!["MODEL".to_owned(), "TOKENS".to_owned()],
            vec![long.clone(), "1".to_owned()],
            vec![long, "2".to_owned()],
        ];
        let text = table_aligned(&rows, &[1]);
        for line in text.lines() {
            assert!(width(line) <= MAX_CELL + 2 + 6, "{}", line.len());
        }
        assert!(text.contains("m…"), "{text}");
        assert!(text.ends_with("2\n"), "{text}");
    }

    #[test]
    fn long_lines_wrap_at_spaces_and_long_words_break() {
        let text =
            "TABLE  1  2\n* 3 requests with no recorded cost and no list price: not in the cost.\n";
        assert_eq!(
            fit_lines(text, 30),
            "TABLE  1  2\n* 3 requests with no recorded\n  cost and no list price: not\n  in the cost.\n"
        );
        let path = "note: pi (pi): not found: /home/someone/a-very-long-folder-name/sessions";
        let fitted = fit_lines(path, 20);
        assert_eq!(
            fitted,
            "note: pi (pi): not\n  found:\n  /home/someone/a-ve\n  ry-long-folder-nam\n  e/sessions\n"
        );
        for line in fitted.lines() {
            assert!(width(line) <= 20, "{line}");
        }
        // Two columns wide: one character a line, never a loop.
        assert!(fit_lines("日本語", 1).lines().count() == 3);
    }
}
