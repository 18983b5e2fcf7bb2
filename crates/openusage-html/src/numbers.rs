//! What the charts and tables show, taken from the reports' sums: the cost
//! in the chosen mode, shares, the span the charts cover and the models
//! the stacked bars name. Nothing here counts records: the reports did.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use openusage_core::pricing::CostMode;
use openusage_core::report::{ModelName, Period, PeriodRow};
use openusage_core::usage::Usage;

/// How many models the stacked bars name; the rest are one "other" part.
pub const TOP_MODELS: usize = 5;
/// The calendar years the heatmap (and the bars) cover at most, the last
/// ones of the range: a range that hostile timestamps stretch over
/// centuries still makes a page of bounded size. The tables hold every day.
pub const MAX_YEARS: i32 = 10;

/// A group's cost in `mode` as a number: recorded (`recorded`), recorded
/// plus list-price estimates (`auto`), everything at list price
/// (`calculate`). `None` when the mode has no figure for it.
pub fn cost(usage: &Usage, mode: CostMode) -> Option<f64> {
    match mode {
        CostMode::Recorded => usage.cost_usd,
        CostMode::Auto => match (usage.cost_usd, usage.estimated_cost_usd) {
            (None, None) => None,
            (r, e) => Some(r.unwrap_or(0.0) + e.unwrap_or(0.0)),
        },
        CostMode::Calculate => usage.calculated_cost_usd,
    }
}

/// `part` as a share of `whole`, in percent with one decimal: `12.5%`.
pub fn share(part: u64, whole: u64) -> String {
    match whole {
        0 => "-".to_owned(),
        w => format!("{:.1}%", part as f64 * 100.0 / w as f64),
    }
}

/// The days the charts cover, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days with usage before `from` that the charts leave out (the
    /// [`MAX_YEARS`] bound).
    pub cut: bool,
}

impl Span {
    /// From `since` (else the first day with usage, else `today`) to
    /// `until` (else the later of `today` and the last day with usage),
    /// at most the last [`MAX_YEARS`] calendar years of it.
    pub fn new(
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        first: Option<NaiveDate>,
        last: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Span {
        let from = since.or(first).unwrap_or(today);
        let to = until.unwrap_or_else(|| last.map_or(today, |l| l.max(today)));
        let to = to.max(from);
        let earliest = NaiveDate::from_ymd_opt(to.year() - (MAX_YEARS - 1), 1, 1).unwrap_or(from);
        Span {
            from: from.max(earliest),
            to,
            cut: first.is_some_and(|f| f < earliest),
        }
    }

    /// The bars' period: days up to four months, weeks (from Monday) up to
    /// three years, months beyond; at most about 160 bars either way.
    pub fn period(&self) -> Period {
        match (self.to - self.from).num_days() + 1 {
            ..=120 => Period::Day,
            121..=1098 => Period::Week(Weekday::Mon),
            _ => Period::Month,
        }
    }

    /// The start of every period of the span, in order, empty ones too.
    pub fn starts(&self, period: Period) -> Vec<NaiveDate> {
        let mut starts = Vec::new();
        let mut at = period.start(self.from);
        while at <= self.to {
            starts.push(at);
            let next = match period {
                Period::Day => at.checked_add_days(Days::new(1)),
                Period::Week(_) => at.checked_add_days(Days::new(7)),
                Period::Month => at.checked_add_months(Months::new(1)),
            };
            match next {
                Some(n) => at = n,
                None => break,
            }
        }
        starts
    }
}

/// The stacked bars: which series each bar is split into, and each bar's
/// parts, tokens and cost, in the order of `names`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stacks {
    /// The named models, largest first, then `other models` when there are
    /// more than [`TOP_MODELS`].
    pub names: Vec<String>,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub start: NaiveDate,
    pub tokens: Vec<u64>,
    pub cost: Vec<f64>,
}

/// The bars of `starts` from `rows` (a report by the same period, with
/// its breakdown by model), split by the first [`TOP_MODELS`] of
/// `models` (the whole range's, largest first) and the rest together.
pub fn stacks(
    starts: &[NaiveDate],
    rows: &[PeriodRow],
    models: &[(ModelName, Usage)],
    mode: CostMode,
) -> Stacks {
    let top: Vec<&ModelName> = models.iter().take(TOP_MODELS).map(|(n, _)| n).collect();
    let mut names: Vec<String> = top.iter().map(|n| label(n, &top)).collect();
    if models.len() > TOP_MODELS {
        names.push("other models".to_owned());
    }
    let mut rows = rows.iter().peekable();
    let bars = starts
        .iter()
        .map(|&start| {
            let mut bar = Bar {
                start,
                tokens: vec![0; names.len()],
                cost: vec![0.0; names.len()],
            };
            while let Some(row) = rows.next_if(|r| r.start <= start) {
                if row.start < start {
                    continue;
                }
                for (name, usage) in &row.sums.models {
                    let part = top.iter().position(|t| *t == name).unwrap_or(TOP_MODELS);
                    if let (Some(t), Some(c)) = (bar.tokens.get_mut(part), bar.cost.get_mut(part)) {
                        *t = t.saturating_add(usage.tokens.total());
                        *c += cost(usage, mode).unwrap_or(0.0);
                    }
                }
            }
            bar
        })
        .collect();
    Stacks { names, bars }
}

/// A model's name in the legend: its id, and its upstream provider when
/// another named model has the same id.
fn label(name: &ModelName, top: &[&ModelName]) -> String {
    let twins = top.iter().filter(|t| t.model == name.model).count();
    match (&name.upstream_provider, twins) {
        (Some(p), 2..) => format!("{} ({p})", name.model),
        _ => name.model.clone(),
    }
}

#[cfg(test)]
mod tests {
    use openusage_core::report::Sums;
    use openusage_core::usage::Tokens;

    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn usage(tokens: u64, cost: f64) -> Usage {
        Usage {
            tokens: Tokens {
                input: tokens,
                ..Tokens::default()
            },
            requests: 1,
            cost_usd: Some(cost),
            ..Usage::default()
        }
    }

    fn model(name: &str) -> ModelName {
        ModelName {
            model: name.to_owned(),
            upstream_provider: None,
        }
    }

    fn row(start: &str, models: &[(&str, u64)]) -> PeriodRow {
        let models: Vec<(ModelName, Usage)> = models
            .iter()
            .map(|(m, t)| (model(m), usage(*t, *t as f64 / 100.0)))
            .collect();
        PeriodRow {
            label: start.to_owned(),
            start: day(start),
            sums: Sums {
                sessions: 1,
                usage: Usage::default(),
                models,
            },
        }
    }

    #[test]
    fn the_top_five_models_are_named_and_the_rest_grouped() {
        // Seven models over the range, largest first: a to g.
        let all: Vec<(ModelName, Usage)> = [70, 60, 50, 40, 30, 20, 10]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g"])
            .map(|(t, m)| (model(m), usage(*t, 0.0)))
            .collect();
        let rows = [
            row("2026-11-01", &[("a", 30), ("f", 5), ("g", 7)]),
            row("2026-11-03", &[("b", 60), ("e", 30), ("f", 15), ("g", 3)]),
        ];
        let starts = [day("2026-11-01"), day("2026-11-02"), day("2026-11-03")];
        let s = stacks(&starts, &rows, &all, CostMode::Recorded);
        assert_eq!(s.names, ["a", "b", "c", "d", "e", "other models"]);
        // Day 1: a 30, other 5 + 7 = 12; day 2 empty; day 3: b 60, e 30,
        // other 15 + 3 = 18.
        assert_eq!(s.bars[0].tokens, [30, 0, 0, 0, 0, 12]);
        assert_eq!(s.bars[1].tokens, [0; 6]);
        assert_eq!(s.bars[2].tokens, [0, 60, 0, 0, 30, 18]);
        assert_eq!(s.bars[2].cost, [0.0, 0.6, 0.0, 0.0, 0.3, 0.18]);
        // Five models or fewer: no "other" part.
        let few = stacks(&starts, &rows[..1], &all[..2], CostMode::Recorded);
        assert_eq!(few.names, ["a", "b"]);
    }

    #[test]
    fn the_span_runs_from_the_first_day_to_today_and_keeps_ten_years() {
        let today = day("2026-11-20");
        let s = Span::new(
            None,
            None,
            Some(day("2026-10-07")),
            Some(day("2026-11-20")),
            today,
        );
        assert_eq!((s.from, s.to, s.cut), (day("2026-10-07"), today, false));
        assert_eq!(s.period(), Period::Day);
        // The flags win; a range over 120 days has weekly bars.
        let s = Span::new(
            Some(day("2026-01-01")),
            Some(day("2026-12-31")),
            None,
            None,
            today,
        );
        assert_eq!(s.period(), Period::Week(Weekday::Mon));
        assert_eq!(s.starts(s.period()).first(), Some(&day("2025-12-29")));
        assert_eq!(s.starts(s.period()).len(), 53);
        // A record dated 1970 leaves the charts at 2017-01-01, said so.
        let s = Span::new(None, None, Some(day("1970-01-01")), Some(today), today);
        assert_eq!((s.from, s.cut), (day("2017-01-01"), true));
        assert_eq!(s.period(), Period::Month);
        assert_eq!(s.starts(Period::Month).len(), 12 * 9 + 11);
    }

    #[test]
    fn costs_follow_the_mode_and_shares_have_one_decimal() {
        let u = Usage {
            cost_usd: Some(1.0),
            estimated_cost_usd: Some(0.5),
            ..Usage::default()
        };
        assert_eq!(cost(&u, CostMode::Recorded), Some(1.0));
        assert_eq!(cost(&u, CostMode::Auto), Some(1.5));
        assert_eq!(cost(&u, CostMode::Calculate), None);
        assert_eq!(share(1, 8), "12.5%");
        assert_eq!(share(1, 0), "-");
    }
}
