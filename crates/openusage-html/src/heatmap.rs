//! The calendar heatmap: one row of weeks per calendar year, a square per
//! day, its shade the day's tokens. Hand-written SVG (see `lib.rs`).

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use openusage_core::humanize;

use crate::numbers::Span;

const CELL: u32 = 11;
const STEP: u32 = 13;
/// Room for the weekday names on the left and the months on top.
const LEFT: u32 = 36;
const TOP: u32 = 16;

/// Where `day` sits in its year's grid: the column of its week (weeks
/// start on Monday; the week of 1 January is column 0) and the row of its
/// weekday (Monday 0 to Sunday 6).
pub fn cell(day: NaiveDate) -> (u32, u32) {
    let jan1 = NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day);
    let offset = jan1.weekday().num_days_from_monday();
    (
        (day.ordinal0() + offset) / 7,
        day.weekday().num_days_from_monday(),
    )
}

/// The shade of a day: 0 for none, else 1 to 4 by the square root of its
/// share of the busiest day, so quiet days still show beside a heavy one.
pub fn level(tokens: u64, max: u64) -> u8 {
    if tokens == 0 || max == 0 {
        return 0;
    }
    let root = (tokens as f64 / max as f64).sqrt();
    (1 + (root * 4.0) as u8).min(4)
}

/// One SVG per calendar year of `span`, a whole year's grid each (as a
/// year fits on one screen); each day of the span a shaded square with its
/// date and tokens as a tooltip, the year's other days faint and bare.
/// `days` holds the tokens of the days with usage.
pub fn svg(span: &Span, days: &BTreeMap<NaiveDate, u64>) -> String {
    let max = days.values().copied().max().unwrap_or(0);
    let mut out = String::new();
    for year in span.from.year()..=span.to.year() {
        out.push_str(&year_svg(year, span, days, max));
    }
    out
}

fn year_svg(year: i32, span: &Span, days: &BTreeMap<NaiveDate, u64>, max: u64) -> String {
    let width = LEFT + 53 * STEP;
    let height = TOP + 7 * STEP;
    let mut out = format!(
        r#"<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="Tokens per day in {year}"><text class="year" x="0" y="11">{year}</text>"#
    );
    for (row, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri")] {
        let y = TOP + row * STEP + 9;
        let _ = write!(out, r#"<text class="axis" x="0" y="{y}">{name}</text>"#);
    }
    let Some(jan1) = NaiveDate::from_ymd_opt(year, 1, 1) else {
        return String::new();
    };
    for day in jan1.iter_days().take_while(|d| d.year() == year) {
        let (col, row) = cell(day);
        let (x, y) = (LEFT + col * STEP, TOP + row * STEP);
        if day.day() == 1 {
            let month = day.format("%b");
            let _ = write!(out, r#"<text class="axis" x="{x}" y="11">{month}</text>"#);
        }
        if day < span.from || day > span.to {
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" class="out"/>"#
            );
            continue;
        }
        let tokens = days.get(&day).copied().unwrap_or(0);
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" class="l{}"><title>{day}: {} tokens</title></rect>"#,
            level(tokens, max),
            humanize::count(tokens)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn days_sit_in_their_week_column_and_weekday_row() {
        // 1 January 2026 is a Thursday: column 0, row 3. Monday the 5th
        // opens column 1. 31 December 2026 is a Thursday: (364 + 3) / 7 = 52.
        assert_eq!(cell(day("2026-01-01")), (0, 3));
        assert_eq!(cell(day("2026-01-04")), (0, 6));
        assert_eq!(cell(day("2026-01-05")), (1, 0));
        assert_eq!(cell(day("2026-11-20")), (46, 4));
        assert_eq!(cell(day("2026-12-31")), (52, 3));
        // 2024 starts on a Monday and is a leap year: 31 December is the
        // 366th day, a Tuesday, (365 + 0) / 7 = 52.
        assert_eq!(cell(day("2024-01-01")), (0, 0));
        assert_eq!(cell(day("2024-12-31")), (52, 1));
        // 2023 starts on a Sunday: its first column holds one day.
        assert_eq!(cell(day("2023-01-01")), (0, 6));
        assert_eq!(cell(day("2023-01-02")), (1, 0));
    }

    #[test]
    fn shades_rise_with_the_square_root_of_the_share() {
        assert_eq!(level(0, 100), 0);
        assert_eq!(level(100, 100), 4);
        // sqrt(0.25) = 0.5 → 1 + 2 = 3; sqrt(0.01) = 0.1 → 1.
        assert_eq!(level(25, 100), 3);
        assert_eq!(level(1, 100), 1);
        assert_eq!(level(5, 0), 0);
    }

    #[test]
    fn a_span_draws_one_square_per_day_and_one_grid_per_year() {
        let span = Span {
            from: day("2025-12-30"),
            to: day("2026-01-02"),
            cut: false,
        };
        let days = BTreeMap::from([(day("2026-01-01"), 1_340_000)]);
        let out = svg(&span, &days);
        // 2025 and 2026, each a whole grid: 365 squares, the span's 2 + 2
        // days in colour, the rest faint.
        assert_eq!(out.matches("<svg").count(), 2);
        assert_eq!(out.matches("<rect").count(), 730);
        assert_eq!(out.matches(r#"class="out""#).count(), 726);
        assert!(out.contains(r#"class="l4"><title>2026-01-01: 1.34M tokens</title>"#));
        assert_eq!(out.matches(r#"class="l0""#).count(), 3);
    }
}
