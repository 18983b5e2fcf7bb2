//! Report tables that fit the terminal. When the width is known (stdout is
//! a terminal, or `--width N`), the full table is kept while it fits; then
//! session ids are shortened to a unique prefix; then columns are dropped,
//! least important first, in the order of [`drop_step`]. Below
//! [`COMPACT_BELOW`] columns, and anywhere with `--compact`, a table starts
//! from the compact layout: ids shortened, the provider, title and two
//! cache columns dropped.
//! Text cells are cut (`…`) only when every column that may go is gone.

use std::collections::HashMap;

use openusage_tui::text::{fit, width};

use crate::terminal::{MAX_CELL, table_aligned};

/// Widths below which a table starts from the compact layout.
pub const COMPACT_BELOW: usize = 100;

/// The shortest a session id is cut to (before its `…`).
const MIN_ID: usize = 8;

/// The narrowest a text column is cut to when nothing else can go.
const MIN_TEXT: usize = 8;

/// The stage of the compact layout: ids shortened (stage 1), steps 1 to 4
/// dropped (stages 2 to 5).
const COMPACT_STAGE: usize = 5;

/// The last drop step.
const LAST_STEP: usize = 9;

/// How a report's table is laid out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    /// The columns every line must fit in; `None` when piped without
    /// `--width`.
    pub width: Option<usize>,
    /// `--compact`: the compact layout at any width.
    pub compact: bool,
}

/// When a column is dropped (step 1 first); `None` for columns that stay:
/// the first column (the period, last activity or project), the session
/// id, the total and the cost. The provider goes first (the agent says it
/// but for Pi's two), the title next (long, and the id names the session).
/// INPUT and OUTPUT go together: TOTAL still counts them; so do a
/// project's FIRST and LAST ACTIVITY.
fn drop_step(head: &str) -> Option<usize> {
    match head {
        "PROVIDER" => Some(1),
        "TITLE" => Some(2),
        "CACHE WRITE" => Some(3),
        "CACHE READ" => Some(4),
        "INPUT" | "OUTPUT" => Some(5),
        "FIRST ACTIVITY" | "LAST ACTIVITY" => Some(6),
        "TURNS" | "SESSIONS" => Some(7),
        "AGENT" => Some(8),
        "WORKSPACE" => Some(9),
        _ => None,
    }
}

/// The header of the column of session ids.
const ID_HEAD: &str = "SESSION";

/// `rows` (the header first) as a table laid out by `layout`; the columns
/// `right` lists are aligned to the right.
pub fn table(rows: &[Vec<String>], right: &[usize], layout: Layout) -> String {
    let start = match (layout.compact, layout.width) {
        (false, None) => return table_aligned(rows, right),
        (true, _) => COMPACT_STAGE,
        (false, Some(w)) if w < COMPACT_BELOW => COMPACT_STAGE,
        (false, Some(_)) => 0,
    };
    let Some(limit) = layout.width else {
        let (rows, right) = at_stage(rows, right, start);
        return table_aligned(&rows, &right);
    };
    let last = LAST_STEP + 1;
    for stage in start..last {
        let (rows, right) = at_stage(rows, right, stage);
        let text = table_aligned(&rows, &right);
        if widest(&text) <= limit {
            return text;
        }
    }
    // Every column that may go is gone: narrow what is left, if need be.
    let (rows, right) = at_stage(rows, right, last);
    let text = table_aligned(&rows, &right);
    match widest(&text) <= limit {
        true => text,
        false => squeezed(rows, &right, limit),
    }
}

/// The widest line of `text`, in columns.
fn widest(text: &str) -> usize {
    text.lines().map(width).max().unwrap_or(0)
}

/// The table at `stage`: 0 is the full table, 1 has session ids
/// shortened, and each stage after drops the columns of one more step.
fn at_stage(rows: &[Vec<String>], right: &[usize], stage: usize) -> (Vec<Vec<String>>, Vec<usize>) {
    let Some(head) = rows.first() else {
        return (Vec::new(), Vec::new());
    };
    // The first column names the row: it always stays.
    let kept: Vec<usize> = (0..head.len())
        .filter(|&c| c == 0 || drop_step(&head[c]).is_none_or(|step| step >= stage))
        .collect();
    let ids = head
        .iter()
        .position(|h| h == ID_HEAD)
        .filter(|_| stage >= 1);
    let short = ids.map(|c| short_ids(rows.iter().skip(1).filter_map(|r| r.get(c))));
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            kept.iter()
                .filter_map(|&c| {
                    let cell = row.get(c)?;
                    match (&short, Some(c) == ids && i > 0) {
                        (Some(short), true) => short.get(cell).cloned(),
                        _ => None,
                    }
                    .or_else(|| Some(cell.clone()))
                })
                .collect()
        })
        .collect();
    let right = kept
        .iter()
        .enumerate()
        .filter(|(_, c)| right.contains(c))
        .map(|(i, _)| i)
        .collect();
    (rows, right)
}

/// Each id cut to its shortest prefix of at least [`MIN_ID`] characters
/// that no other id starts with, then `…`; an id that is no longer stays
/// whole. The shortened ids stay distinct: no shown prefix begins another.
fn short_ids<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, String> {
    let mut ids: Vec<Vec<char>> = ids.map(|id| id.chars().collect()).collect();
    ids.sort();
    ids.dedup();
    let common = |a: &[char], b: &[char]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let mut short = HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        let before = i.checked_sub(1).map_or(0, |j| common(&ids[j], id));
        let after = ids.get(i + 1).map_or(0, |next| common(next, id));
        let keep = (before.max(after) + 1).max(MIN_ID);
        let whole: String = id.iter().collect();
        let shown = match keep < id.len() {
            true => id[..keep].iter().collect::<String>() + "…",
            false => whole.clone(),
        };
        short.insert(whole, shown);
    }
    short
}

/// The table with its text columns (left-aligned) narrowed, widest first,
/// down to [`MIN_TEXT`] until the table fits `limit`; a line that still does
/// not fit (nothing left to narrow) is cut, ending in `…`.
fn squeezed(mut rows: Vec<Vec<String>>, right: &[usize], limit: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths: Vec<usize> = (0..columns)
        .map(|c| {
            let cells = rows.iter().filter_map(|r| r.get(c));
            cells.map(|s| width(s).min(MAX_CELL)).max().unwrap_or(0)
        })
        .collect();
    let total = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
    for _ in 0..total.saturating_sub(limit) {
        let text = (0..columns).filter(|c| !right.contains(c) && widths[*c] > MIN_TEXT);
        let Some(c) = text.max_by_key(|&c| (widths[c], std::cmp::Reverse(c))) else {
            break;
        };
        widths[c] -= 1;
    }
    for row in &mut rows {
        for (c, cell) in row.iter_mut().enumerate() {
            if !right.contains(&c) {
                *cell = fit(cell, widths[c]);
            }
        }
    }
    table_aligned(&rows, right)
        .lines()
        .map(|line| fit(line, limit) + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn ids_keep_a_unique_prefix_of_eight_characters_at_least() {
        let ids = strings(&[
            "01a1f86b-05e0",
            "01a1f838-6c9a",
            "01a1f86b-05e1",
            "short",
            "abcdefgh",
            "abcdefghij",
            "01a1f86b-05e0",
        ]);
        let short = short_ids(ids.iter());
        assert_eq!(short["01a1f86b-05e0"], "01a1f86b-05e0");
        assert_eq!(short["01a1f86b-05e1"], "01a1f86b-05e1");
        assert_eq!(short["01a1f838-6c9a"], "01a1f838…");
        assert_eq!(short["short"], "short");
        assert_eq!(short["abcdefgh"], "abcdefgh");
        assert_eq!(short["abcdefghij"], "abcdefghi…");
        assert_eq!(short.len(), 6);
    }

    #[test]
    fn columns_go_in_their_order_and_right_alignment_follows_them() {
        let rows = vec![
            strings(&["DAY", "INPUT", "CACHE READ", "CACHE WRITE", "TOTAL"]),
            strings(&["d", "1", "2", "3", "6"]),
        ];
        let (rows2, right) = at_stage(&rows, &[1, 2, 3, 4], 4);
        assert_eq!(rows2[0], strings(&["DAY", "INPUT", "CACHE READ", "TOTAL"]));
        assert_eq!(right, [1, 2, 3]);
        let (rows4, right) = at_stage(&rows, &[1, 2, 3, 4], 6);
        assert_eq!(rows4, [strings(&["DAY", "TOTAL"]), strings(&["d", "6"])]);
        assert_eq!(right, [1]);
        // A project's activity goes, but not the last activity that
        // names a session's row.
        let projects = vec![strings(&["PROJECT", "LAST ACTIVITY", "TOTAL"])];
        assert_eq!(
            at_stage(&projects, &[2], 7).0[0],
            strings(&["PROJECT", "TOTAL"])
        );
        let sessions = vec![strings(&["LAST ACTIVITY", "TITLE", "PROVIDER", "TOTAL"])];
        let (kept, _) = at_stage(&sessions, &[3], 3);
        assert_eq!(kept[0], strings(&["LAST ACTIVITY", "TOTAL"]));
    }

    #[test]
    fn piped_without_width_the_table_is_the_full_one() {
        let rows = vec![
            strings(&["SESSION", "CACHE READ", "TOTAL"]),
            strings(&["0123456789abcdef", "2", "6"]),
        ];
        assert_eq!(
            table(&rows, &[1, 2], Layout::default()),
            table_aligned(&rows, &[1, 2])
        );
        // Compact without a width: ids shortened, the cache column gone.
        let compact = Layout {
            width: None,
            compact: true,
        };
        assert_eq!(
            table(&rows, &[1, 2], compact),
            "SESSION    TOTAL\n01234567…      6\n"
        );
    }

    #[test]
    fn text_is_cut_only_when_no_column_is_left_to_drop() {
        let rows = vec![
            strings(&["MONTH", "TOTAL", "COST"]),
            strings(&["  a-very-long-model-name", "1,234", "$1.00"]),
        ];
        let at = |width| {
            let layout = Layout {
                width: Some(width),
                compact: false,
            };
            table(&rows, &[1, 2], layout)
        };
        // 22 = 8 (the model, cut) + 2 + 5 + 2 + 5 (TOTAL and COST, whole).
        assert_eq!(at(22), "MONTH     TOTAL   COST\n  a-ver…  1,234  $1.00\n");
        // Narrower, nothing is left to narrow: the lines are cut, visibly.
        assert_eq!(at(20), "MONTH     TOTAL   C…\n  a-ver…  1,234  $1…\n");
    }
}
