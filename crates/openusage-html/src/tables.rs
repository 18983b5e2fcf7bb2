//! The tables: per day (the heatmap's text), per period and model (the
//! bars' text), and per model, project and agent with their shares.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use openusage_core::Zone;
use openusage_core::humanize::{cost_cell, grouped};
use openusage_core::pricing::CostMode;
use openusage_core::report::{ModelName, PeriodReport, ProjectReport, SessionReport};
use openusage_core::usage::Usage;

use crate::escape::{escape, short};
use crate::numbers::{Stacks, cost, share};

/// The most rows a table of models, projects or agents names; the rest
/// are one row, so the page's size does not grow with them.
pub const MAX_ROWS: usize = 50;
/// The most characters of a name a table shows.
const NAME: usize = 200;

/// A cost as a `data-cost` attribute (empty when there is none): the
/// number as JSON writes it, for tests and scripts.
fn data_cost(usage: &Usage, mode: CostMode) -> String {
    cost(usage, mode).map_or_else(String::new, |c| format!(r#" data-cost="{c}""#))
}

/// The numeric cells every usage row ends with.
fn usage_cells(out: &mut String, usage: &Usage, whole: u64, mode: CostMode) {
    let t = &usage.tokens;
    let _ = write!(
        out,
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        grouped(usage.requests),
        grouped(t.input),
        grouped(t.output),
        grouped(t.cache_read),
        grouped(t.cache_write),
        grouped(t.total()),
        share(t.total(), whole),
        // `<$0.01`: our words, escaped all the same.
        escape(&cost_cell(usage, mode))
    );
}

const USAGE_HEADS: &str = "<th>Requests</th><th>Input</th><th>Output</th><th>Cache read</th><th>Cache write</th><th>Total tokens</th><th>Share</th><th>Cost</th>";

/// Tokens per day with usage: the heatmap's text.
pub fn days(report: &PeriodReport, mode: CostMode) -> String {
    let whole = report.total.usage.tokens.total();
    let mut out =
        format!("<table><thead><tr><th>Day</th><th>Sessions</th>{USAGE_HEADS}</tr></thead><tbody>");
    for row in &report.rows {
        let u = &row.sums.usage;
        let _ = write!(
            out,
            r#"<tr data-day="{}" data-sessions="{}" data-total-tokens="{}"{}><td>{}</td><td>{}</td>"#,
            row.start,
            row.sums.sessions,
            u.tokens.total(),
            data_cost(u, mode),
            row.start,
            grouped(row.sums.sessions)
        );
        usage_cells(&mut out, u, whole, mode);
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// The bars' text: a row per period, a column per series, and the total.
pub fn stacks(
    stacks: &Stacks,
    label: fn(NaiveDate) -> String,
    value: impl Fn(&crate::numbers::Bar, usize) -> String,
    total: impl Fn(&crate::numbers::Bar) -> String,
) -> String {
    let mut out = String::from("<table><thead><tr><th>Period</th>");
    for name in &stacks.names {
        let _ = write!(out, "<th>{name}</th>");
    }
    out.push_str("<th>Total</th></tr></thead><tbody>");
    for bar in &stacks.bars {
        let _ = write!(out, "<tr><td>{}</td>", label(bar.start));
        for s in 0..stacks.names.len() {
            let _ = write!(out, "<td>{}</td>", value(bar, s));
        }
        let _ = write!(out, "<td>{}</td></tr>", total(bar));
    }
    out.push_str("</tbody></table>");
    out
}

/// One row per model (its upstream provider beside it), largest first.
pub fn models(models: &[(ModelName, Usage)], whole: u64, mode: CostMode) -> String {
    let mut out = format!(
        "<table><thead><tr><th>Model</th><th class=name>Provider</th>{USAGE_HEADS}</tr></thead><tbody>"
    );
    for (name, usage) in models.iter().take(MAX_ROWS) {
        let provider = name
            .upstream_provider
            .as_deref()
            .map_or_else(String::new, escape);
        let _ = write!(
            out,
            r#"<tr data-model="{}" data-total-tokens="{}"{}><td class="name">{}</td><td class="name">{provider}</td>"#,
            escape(&name.model),
            usage.tokens.total(),
            data_cost(usage, mode),
            short(&name.model, NAME)
        );
        usage_cells(&mut out, usage, whole, mode);
        out.push_str("</tr>");
    }
    let rest = models.iter().skip(MAX_ROWS).map(|(_, u)| u);
    rest_row(&mut out, rest, "models", 2, whole, mode);
    out.push_str("</tbody></table>");
    out
}

/// One row per project (its directory, else its workspace label).
pub fn projects(report: &ProjectReport, mode: CostMode) -> String {
    let whole = report.total.usage.tokens.total();
    let mut out = format!(
        "<table><thead><tr><th>Project</th><th>Sessions</th>{USAGE_HEADS}</tr></thead><tbody>"
    );
    for row in report.rows.iter().take(MAX_ROWS) {
        let name = row
            .cwd
            .as_deref()
            .or(row.workspace.as_deref())
            .unwrap_or("-");
        let u = &row.sums.usage;
        let _ = write!(
            out,
            r#"<tr data-project="{}" data-total-tokens="{}"{}><td class="name">{}</td><td>{}</td>"#,
            escape(name),
            u.tokens.total(),
            data_cost(u, mode),
            short(name, NAME),
            grouped(row.sums.sessions)
        );
        usage_cells(&mut out, u, whole, mode);
        out.push_str("</tr>");
    }
    let rest = report.rows.iter().skip(MAX_ROWS).map(|r| &r.sums.usage);
    rest_row(&mut out, rest, "projects", 2, whole, mode);
    out.push_str("</tbody></table>");
    out
}

/// One row per agent, summed from the session report's rows.
pub fn agents(report: &SessionReport, mode: CostMode) -> String {
    let whole = report.total.usage.tokens.total();
    let mut by: BTreeMap<&str, (u64, Usage)> = BTreeMap::new();
    for row in &report.rows {
        let (sessions, usage) = by.entry(row.agent.as_str()).or_default();
        *sessions += 1;
        usage.add(&row.sums.usage);
    }
    let mut rows: Vec<(&str, (u64, Usage))> = by.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1.1
            .tokens
            .total()
            .cmp(&a.1.1.tokens.total())
            .then(a.0.cmp(b.0))
    });
    let mut out = format!(
        "<table><thead><tr><th>Agent</th><th>Sessions</th>{USAGE_HEADS}</tr></thead><tbody>"
    );
    for (agent, (sessions, usage)) in rows.iter().take(MAX_ROWS) {
        let _ = write!(
            out,
            r#"<tr data-agent="{}" data-sessions="{sessions}" data-total-tokens="{}"{}><td class="name">{}</td><td>{}</td>"#,
            escape(agent),
            usage.tokens.total(),
            data_cost(usage, mode),
            short(agent, NAME),
            grouped(*sessions)
        );
        usage_cells(&mut out, usage, whole, mode);
        out.push_str("</tr>");
    }
    let rest = rows.iter().skip(MAX_ROWS).map(|(_, (_, u))| u);
    rest_row(&mut out, rest, "agents", 2, whole, mode);
    out.push_str("</tbody></table>");
    out
}

/// How many of the latest sessions the page lists.
pub const LATEST: usize = 20;

/// The latest sessions (last activity first): when, agent, title,
/// workspace, tokens and cost.
pub fn sessions(report: &SessionReport, zone: Zone, mode: CostMode) -> String {
    let whole = report.total.usage.tokens.total();
    let mut out = format!(
        "<table><thead><tr><th>Last activity</th><th class=name>Agent</th><th class=name>Title</th><th class=name>Workspace</th>{USAGE_HEADS}</tr></thead><tbody>"
    );
    for row in report.rows.iter().take(LATEST) {
        let u = &row.sums.usage;
        let name =
            |text: &Option<String>| text.as_deref().map_or_else(String::new, |t| short(t, NAME));
        let _ = write!(
            out,
            r#"<tr data-session="{}" data-total-tokens="{}"><td>{}</td><td class="name">{}</td><td class="name">{}</td><td class="name">{}</td>"#,
            escape(&row.session_id),
            u.tokens.total(),
            zone.wall_clock(row.last),
            short(&row.agent, NAME),
            name(&row.title),
            name(&row.workspace),
        );
        usage_cells(&mut out, u, whole, mode);
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// `and N more <what>`, with their sums, when a table left rows out.
fn rest_row<'a>(
    out: &mut String,
    rest: impl Iterator<Item = &'a Usage>,
    what: &str,
    lead: usize,
    whole: u64,
    mode: CostMode,
) {
    let mut sum = Usage::default();
    let n = rest.map(|u| sum.add(u)).count();
    if n == 0 {
        return;
    }
    let _ = write!(
        out,
        r#"<tr class="rest"><td>and {} more {what}</td>"#,
        grouped(n as u64)
    );
    (1..lead).for_each(|_| out.push_str("<td></td>"));
    usage_cells(out, &sum, whole, mode);
    out.push_str("</tr>");
}
