//! The page: its head and style, then each section in turn.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use openusage_core::blocks::{self, Block};
use openusage_core::humanize::{self, cost_notes, grouped, has_cost};
use openusage_core::pricing::CostMode;
use openusage_core::report::{self, Filter, Period, PeriodReport, Range, Source};
use openusage_core::usage::Usage;
use openusage_core::{Snapshot, Zone};

use crate::bars::{self, Chart};
use crate::escape::{escape, short};
use crate::numbers::{self, Span, Stacks};
use crate::{heatmap, live, tables};

/// The stylesheet, inline: the page fetches nothing.
const STYLE: &str = include_str!("page.css");
/// The most characters of a model's name in a legend.
const LEGEND: usize = 40;

/// What the page is made from: the ledgers and snapshots of one
/// collection, and the choices of the command line.
#[derive(Debug)]
pub struct Input<'a> {
    /// Every account's ledger (see [`report::Source`]).
    pub sources: &'a [Source<'a>],
    /// Every account's snapshot, for the limit readings.
    pub snapshots: &'a [&'a Snapshot],
    pub range: Range,
    /// The sessions kept (`--agent`, `--project`).
    pub filter: &'a Filter,
    /// The filters as the user gave them, for the title: `agent omp`.
    pub scope: &'a [String],
    pub zone: Zone,
    pub mode: CostMode,
    pub now: DateTime<Utc>,
    /// Accounts that could not be read fully, and what was skipped: said
    /// at the top of the page.
    pub notes: &'a [String],
}

/// The whole page, one self-contained HTML document.
pub fn render(input: &Input<'_>) -> String {
    let (sources, range, filter) = (input.sources, input.range, input.filter);
    let daily = report::by_period(sources, Period::Day, range, filter, true);
    let today = input.zone.date(input.now);
    let (first, last) = (daily.rows.first(), daily.rows.last());
    let span = Span::new(
        range.since,
        range.until,
        first.map(|r| r.start),
        last.map(|r| r.start),
        today,
    );
    let mut out = head(input);
    notes(&mut out, input.notes);
    cards(
        &mut out,
        &daily.total.usage,
        daily.total.sessions,
        input.mode,
    );
    if daily.total.usage.requests == 0 {
        out.push_str("<p>No usage recorded in this range.</p>");
    } else {
        heatmap_section(&mut out, &span, &daily, input.mode);
        bars_section(&mut out, input, &span, &daily);
        breakdowns(&mut out, input, &daily);
    }
    now_section(&mut out, input);
    out.push_str("</main></body></html>\n");
    out
}

fn head(input: &Input<'_>) -> String {
    let mut title = format!("Usage · {}", input.zone);
    for s in input.scope {
        let _ = write!(title, " · {}", escape(s));
    }
    match (input.range.since, input.range.until) {
        (Some(s), Some(u)) => title.push_str(&format!(" · {s} to {u}")),
        (Some(s), None) => title.push_str(&format!(" · from {s}")),
        (None, Some(u)) => title.push_str(&format!(" · until {u}")),
        (None, None) => {}
    }
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>openusage · {title}</title><style>{STYLE}</style></head><body><main><header><h1>openusage</h1><p class="sub">{title} · costs: {} · as of {}</p></header>"#,
        input.mode.name(),
        input.zone.wall_clock(input.now)
    )
}

fn notes(out: &mut String, notes: &[String]) {
    if notes.is_empty() {
        return;
    }
    out.push_str(r#"<section class="notes"><h2>Not read fully</h2>"#);
    for note in notes {
        // Escaped line by line: the newlines are ours, the text is not.
        let lines: Vec<String> = note.lines().map(escape).collect();
        let _ = write!(out, "<pre>{}</pre>", lines.join("\n"));
    }
    out.push_str("</section>");
}

/// The summary cards: sessions, requests, each bucket, the total, and the
/// cost: in the mode's words, then recorded and estimated apart.
fn cards(out: &mut String, total: &Usage, sessions: u64, mode: CostMode) {
    let t = &total.tokens;
    out.push_str(r#"<section class="cards">"#);
    let counts = [
        ("sessions", "Sessions", sessions),
        ("requests", "Requests", total.requests),
        ("total_tokens", "Tokens", t.total()),
        ("input_tokens", "Input", t.input),
        ("output_tokens", "Output", t.output),
        ("cache_read_tokens", "Cache read", t.cache_read),
        ("cache_write_tokens", "Cache write", t.cache_write),
    ];
    for (key, name, n) in counts {
        let _ = write!(
            out,
            r#"<div class="card" data-key="{key}" data-value="{n}"><div class="label">{name}</div><div class="big">{}</div><div class="exact">{}</div></div>"#,
            humanize::count(n),
            grouped(n)
        );
    }
    let _ = write!(
        out,
        r#"<div class="card cost"><div class="label">Cost ({})</div><div class="big">{}</div>"#,
        mode.name(),
        escape(&humanize::cost_cell(total, mode))
    );
    let parts = [
        ("cost_usd", "recorded by the agents", total.cost_usd),
        (
            "estimated_cost_usd",
            "estimated at list price",
            total.estimated_cost_usd,
        ),
        (
            "calculated_cost_usd",
            "all at list price",
            total.calculated_cost_usd,
        ),
    ];
    for (key, words, value) in parts {
        if let Some(v) = value {
            let _ = write!(
                out,
                r#"<div class="exact" data-key="{key}" data-value="{v}">{} {words}</div>"#,
                escape(&humanize::money(v))
            );
        }
    }
    out.push_str("</div></section>");
    let notes = cost_notes(total, mode);
    if !notes.is_empty() {
        out.push_str(r#"<ul class="costnotes">"#);
        notes
            .iter()
            .for_each(|n| out.push_str(&format!("<li>{}</li>", escape(n))));
        out.push_str("</ul>");
    }
}

fn heatmap_section(out: &mut String, span: &Span, daily: &PeriodReport, mode: CostMode) {
    let days: BTreeMap<NaiveDate, u64> = daily
        .rows
        .iter()
        .map(|r| (r.start, r.sums.usage.tokens.total()))
        .collect();
    let _ = write!(
        out,
        r#"<section><h2>Tokens per day</h2><p class="sub">{} to {}; darker is more.{}</p><div class="chart">{}</div><details><summary>Every day with usage, as a table</summary>{}</details></section>"#,
        span.from,
        span.to,
        match span.cut {
            true => " Earlier days are in the table only.",
            false => "",
        },
        heatmap::svg(span, &days),
        tables::days(daily, mode)
    );
}

/// How a period is named under a bar and in the bars' table.
fn labeller(period: Period) -> fn(NaiveDate) -> String {
    match period {
        Period::Day => |d| d.format("%b %d").to_string(),
        Period::Week(_) => |d| format!("wk {}", d.format("%b %d")),
        Period::Month => |d| d.format("%Y-%m").to_string(),
    }
}

fn bars_section(out: &mut String, input: &Input<'_>, span: &Span, daily: &PeriodReport) {
    let period = span.period();
    let range = Range {
        since: Some(span.from),
        until: Some(span.to),
    };
    let rows = match period {
        Period::Day => daily.rows.clone(),
        p => report::by_period(input.sources, p, range, input.filter, true).rows,
    };
    let stacks = numbers::stacks(&span.starts(period), &rows, &daily.total.models, input.mode);
    let names: Vec<String> = stacks.names.iter().map(|n| short(n, LEGEND)).collect();
    let shown = Stacks { names, ..stacks };
    let label = labeller(period);
    let per = match period {
        Period::Day => "day",
        Period::Week(_) => "week (from Monday)",
        Period::Month => "month",
    };
    let tokens = Chart {
        what: "Tokens per period, by model",
        names: &shown.names,
        bars: shown
            .bars
            .iter()
            .map(|b| (b.start, b.tokens.iter().map(|&t| t as f64).collect()))
            .collect(),
        label,
        value: |v| humanize::count(v.round() as u64),
    };
    let _ = write!(
        out,
        r#"<section><h2>Tokens per {per}, by model</h2><div class="chart">{}</div>{}<details><summary>The same, as a table</summary>{}</details></section>"#,
        bars::svg(&tokens),
        bars::legend(&shown.names),
        tables::stacks(
            &shown,
            label,
            |b, s| grouped(b.tokens[s]),
            |b| grouped(b.tokens.iter().sum())
        )
    );
    if !has_cost(&daily.total.usage, input.mode) {
        return;
    }
    let cost = Chart {
        what: "Cost per period, by model",
        bars: shown
            .bars
            .iter()
            .map(|b| (b.start, b.cost.clone()))
            .collect(),
        value: |v| humanize::usd(v),
        ..tokens
    };
    let _ = write!(
        out,
        r#"<section><h2>Cost per {per}, by model ({})</h2><div class="chart">{}</div>{}<details><summary>The same, as a table</summary>{}</details></section>"#,
        input.mode.name(),
        bars::svg(&cost),
        bars::legend(&shown.names),
        tables::stacks(
            &shown,
            label,
            |b, s| humanize::usd(b.cost[s]),
            |b| { humanize::usd(b.cost.iter().sum()) }
        )
    );
}

fn breakdowns(out: &mut String, input: &Input<'_>, daily: &PeriodReport) {
    let (sources, range, filter) = (input.sources, input.range, input.filter);
    let whole = daily.total.usage.tokens.total();
    let projects = report::by_project(sources, range, filter, false);
    let sessions = report::by_session(sources, range, filter, false);
    let _ = write!(
        out,
        r#"<section><h2>Models</h2>{}</section><section><h2>Projects</h2>{}</section><section><h2>Agents</h2>{}</section><section><h2>Latest sessions</h2>{}</section>"#,
        tables::models(&daily.total.models, whole, input.mode),
        tables::projects(&projects, input.mode),
        tables::agents(&sessions, input.mode),
        tables::sessions(&sessions, input.zone, input.mode)
    );
}

/// The limit readings and the active blocks, when there are any.
fn now_section(out: &mut String, input: &Input<'_>) {
    let limits = live::limits(input.snapshots, input.zone);
    let active: Vec<Block> = blocks::blocks(input.sources, input.now)
        .into_iter()
        .filter(Block::is_active)
        .collect();
    let blocks = live::blocks(&active, input.zone, input.mode);
    if !limits.is_empty() {
        let _ = write!(out, r#"<section><h2>Limits</h2>{limits}</section>"#);
    }
    if !blocks.is_empty() {
        let _ = write!(
            out,
            r#"<section><h2>Active 5-hour block</h2><p class="sub">Every session of the account, whatever the filters.</p>{blocks}</section>"#
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_without_usage_has_zero_cards_no_chart_and_says_so() {
        let now = "2026-11-20T12:00:00Z".parse().unwrap();
        let page = render(&Input {
            sources: &[],
            snapshots: &[],
            range: Range::default(),
            filter: &Filter::default(),
            scope: &["agent <b>".to_owned()],
            zone: Zone::Utc,
            mode: CostMode::Auto,
            now,
            notes: &["note: a (pi): skipped <1> file:\n  /h/x\n".to_owned()],
        });
        assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
        assert!(page.contains(r#"data-key="total_tokens" data-value="0""#));
        assert!(page.contains("No usage recorded in this range."));
        assert!(!page.contains("<svg"));
        // The scope and the notes come from outside: escaped, the notes'
        // own line breaks kept.
        assert!(page.contains("agent &lt;b&gt;"));
        assert!(page.contains("<pre>note: a (pi): skipped &lt;1&gt; file:\n  /h/x</pre>"));
    }
}
