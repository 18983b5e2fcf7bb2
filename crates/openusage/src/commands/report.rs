//! `openusage report daily|weekly|monthly|session|project`: usage per
//! period, session or project, as an aligned table or JSON, from the same
//! collection the snapshots come from.

use std::io::IsTerminal;

use chrono::Weekday;
use openusage_core::humanize::{self, grouped};
use openusage_core::keys::diagnostic;
use openusage_core::pricing::CostMode;
use openusage_core::report::{
    self, Filter, Period, PeriodReport, ProjectReport, Range, SessionReport, Source, Sums,
};
use openusage_core::usage::Usage;
use openusage_core::{Collected, SCHEMA_VERSION, Status};
use openusage_tui::text::clean;
use serde::Serialize;

use super::report_json::{self, Document};
use super::report_layout::{self, Layout};
use super::{Context, Output, accounts_for, collect_once, shortfall};
use crate::cli::{Order, Report, ReportBy, WeekStart};
use crate::error::{Error, Result};
use crate::terminal::fit_lines;

pub fn run(ctx: &Context<'_>, args: &Report) -> Result<Output> {
    if let (Some(since), Some(until)) = (args.since, args.until) {
        if since > until {
            return Err(Error::EmptyRange { since, until });
        }
    }
    match args.by {
        ReportBy::Html => return super::report_html::run(ctx, args),
        _ if args.output.is_some() || args.force => return Err(Error::PageOnly),
        _ => {}
    }
    let collected = collect_once(ctx, accounts_for(ctx, args.provider.as_deref())?);
    // The terminal's width when stdout is one: a table on screen fits it.
    // A terminal that says it has no columns says nothing.
    let terminal = std::io::stdout()
        .is_terminal()
        .then(openusage_tui::live::terminal_width)
        .flatten()
        .filter(|&w| w > 0);
    render(ctx, args, &collected, terminal)
}

/// The report of `collected`, fitted to `--width`, else to `terminal` (the
/// terminal's width, when stdout is one).
pub(super) fn render(
    ctx: &Context<'_>,
    args: &Report,
    collected: &[Collected],
    terminal: Option<u16>,
) -> Result<Output> {
    let range = Range {
        since: args.since,
        until: args.until,
    };
    let layout = Layout {
        width: args.width.or(terminal).map(usize::from),
        compact: args.compact,
    };
    let sources: Vec<Source<'_>> = collected.iter().map(Source::from).collect();
    let head = Head {
        ctx,
        args,
        range,
        layout,
    };
    let out = table_or_json(&head, &sources, &filter(ctx, args))?;
    let snapshots = collected.iter().map(|c| &c.snapshot);
    let partial = shortfall::partial(snapshots, args.allow_partial);
    let mut output = shortfall::finish(out, &notes(collected), args.json, partial);
    // Every line fits, the title and the notes under the table included.
    if let (false, Some(width)) = (args.json, layout.width) {
        output.text = fit_lines(&output.text, width);
    }
    Ok(output)
}

/// The sessions `--agent` and `--project` keep.
pub(super) fn filter(ctx: &Context<'_>, args: &Report) -> Filter {
    Filter {
        agent: args.agent.clone(),
        project: (args.project.as_deref()).map(|p| report::Project::parse(p, ctx.env)),
    }
}

/// The report `head` says, of the sessions `filter` keeps, in its order.
fn table_or_json(head: &Head<'_>, sources: &[Source<'_>], filter: &Filter) -> Result<String> {
    let (args, range) = (head.args, head.range);
    // The core reports periods oldest first, sessions newest first and
    // projects largest first.
    let reverse = |default: Order| order(args) != default;
    match (period(args), args.by) {
        (Some(period), _) => {
            let mut report = report::by_period(sources, period, range, filter, args.breakdown);
            if reverse(Order::Asc) {
                report.rows.reverse();
            }
            match args.json {
                true => head.json(
                    report.rows.iter().map(report_json::Period::from).collect(),
                    &report.total,
                ),
                false => Ok(periods_table(head, &report)),
            }
        }
        (None, ReportBy::Project) => {
            let mut report = report::by_project(sources, range, filter, args.breakdown);
            if reverse(Order::Desc) {
                report.rows.reverse();
            }
            match args.json {
                true => head.json(
                    report.rows.iter().map(report_json::Project::from).collect(),
                    &report.total,
                ),
                false => Ok(projects_table(head, &report)),
            }
        }
        (None, _) => {
            let mut report = report::by_session(sources, range, filter, args.breakdown);
            if reverse(Order::Desc) {
                report.rows.reverse();
            }
            match args.json {
                true => head.json(
                    report.rows.iter().map(report_json::Session::from).collect(),
                    &report.total,
                ),
                false => Ok(sessions_table(head, &report)),
            }
        }
    }
}

/// The order of the rows: `--order`, else oldest first for periods,
/// newest first for sessions and largest first for projects.
fn order(args: &Report) -> Order {
    match (args.order, args.by) {
        (Some(order), _) => order,
        (None, ReportBy::Session | ReportBy::Project) => Order::Desc,
        (None, _) => Order::Asc,
    }
}

fn period(args: &Report) -> Option<Period> {
    match args.by {
        ReportBy::Daily => Some(Period::Day),
        ReportBy::Weekly => Some(Period::Week(match args.week_start {
            WeekStart::Monday => Weekday::Mon,
            WeekStart::Sunday => Weekday::Sun,
        })),
        ReportBy::Monthly => Some(Period::Month),
        ReportBy::Session | ReportBy::Project | ReportBy::Html => None,
    }
}

/// What every report says about itself.
struct Head<'a> {
    ctx: &'a Context<'a>,
    args: &'a Report,
    range: Range,
    layout: Layout,
}

impl Head<'_> {
    fn name(&self) -> &'static str {
        match self.args.by {
            ReportBy::Daily => "daily",
            ReportBy::Weekly => "weekly",
            ReportBy::Monthly => "monthly",
            ReportBy::Session => "session",
            ReportBy::Project => "project",
            ReportBy::Html => "html",
        }
    }

    /// `Daily usage · UTC · 2026-11-01 to 2026-11-20`.
    fn title(&self) -> String {
        let what = match self.args.by {
            ReportBy::Daily => "Daily usage".to_owned(),
            ReportBy::Weekly => {
                format!("Weekly usage (weeks start {})", self.args.week_start.name())
            }
            ReportBy::Monthly => "Monthly usage".to_owned(),
            ReportBy::Session => "Sessions".to_owned(),
            ReportBy::Project => "Projects".to_owned(),
            ReportBy::Html => "Usage".to_owned(),
        };
        // Said for sessions and projects always, for periods when not the
        // usual oldest first.
        let what = match (order(self.args), self.args.by) {
            (Order::Desc, ReportBy::Project) => format!("{what}, largest first"),
            (Order::Asc, ReportBy::Project) => format!("{what}, smallest first"),
            (Order::Desc, _) => format!("{what}, newest first"),
            (Order::Asc, ReportBy::Session) => format!("{what}, oldest first"),
            (Order::Asc, _) => what,
        };
        let mut title = format!("{what} · {}", self.ctx.zone);
        for (flag, value) in [("agent", &self.args.agent), ("project", &self.args.project)] {
            if let Some(value) = value {
                title.push_str(&format!(" · {flag} {}", clean(value)));
            }
        }
        match (self.range.since, self.range.until) {
            (Some(s), Some(u)) => title.push_str(&format!(" · {s} to {u}")),
            (Some(s), None) => title.push_str(&format!(" · from {s}")),
            (None, Some(u)) => title.push_str(&format!(" · until {u}")),
            (None, None) => {}
        }
        title
    }

    /// The document for these `rows` and their `total`.
    fn json<R: Serialize>(&self, rows: Vec<R>, total: &Sums) -> Result<String> {
        let doc = Document {
            schema_version: SCHEMA_VERSION,
            generated_at: self.ctx.clock.now(),
            report: self.name(),
            timezone: self.ctx.zone.name(),
            since: self.range.since,
            until: self.range.until,
            week_start: (self.args.by == ReportBy::Weekly).then(|| self.args.week_start.as_str()),
            agent: self.args.agent.as_deref(),
            project: self.args.project.as_deref(),
            rows,
            total: report_json::Total::from(total),
        };
        crate::json_out::to_string_pretty(&doc)
            .map(|text| text + "\n")
            .map_err(|source| Error::Json {
                what: "report",
                source,
            })
    }
}

/// The token and cost columns of one row, costs in `mode`.
fn usage_cells(usage: &Usage, mode: CostMode) -> Vec<String> {
    let t = &usage.tokens;
    vec![
        grouped(t.input),
        grouped(t.output),
        grouped(t.cache_read),
        grouped(t.cache_write),
        grouped(t.total()),
        humanize::cost_cell(usage, mode),
    ]
}

const USAGE_HEADS: [&str; 6] = [
    "INPUT",
    "OUTPUT",
    "CACHE READ",
    "CACHE WRITE",
    "TOTAL",
    "COST",
];

/// The model rows under a row, indented.
fn model_rows(sums: &Sums, lead: usize, mode: CostMode, rows: &mut Vec<Vec<String>>) {
    for (name, usage) in &sums.models {
        let label = match &name.upstream_provider {
            Some(p) => format!("  {} ({})", clean(&name.model), clean(p)),
            None => format!("  {}", clean(&name.model)),
        };
        let mut row = vec![label];
        row.extend(std::iter::repeat_n(String::new(), lead));
        row.extend(usage_cells(usage, mode));
        rows.push(row);
    }
}

fn periods_table(head: &Head<'_>, report: &PeriodReport) -> String {
    let first = match head.args.by {
        ReportBy::Weekly => "WEEK OF",
        ReportBy::Monthly => "MONTH",
        _ => "DATE",
    };
    let mut rows = vec![
        [first, "SESSIONS"]
            .into_iter()
            .chain(USAGE_HEADS)
            .map(String::from)
            .collect(),
    ];
    for row in &report.rows {
        let mut cells = vec![row.label.clone(), grouped(row.sums.sessions)];
        cells.extend(usage_cells(&row.sums.usage, head.ctx.pricing.mode));
        rows.push(cells);
        model_rows(&row.sums, 1, head.ctx.pricing.mode, &mut rows);
    }
    let mut total = vec!["TOTAL".to_owned(), grouped(report.total.sessions)];
    total.extend(usage_cells(&report.total.usage, head.ctx.pricing.mode));
    rows.push(total);
    finish(head, rows, &[1, 2, 3, 4, 5, 6, 7], &report.total)
}

/// The TITLE column is there only when a session in the table has a title
/// (most agents name none).
fn sessions_table(head: &Head<'_>, report: &SessionReport) -> String {
    let zone = head.ctx.zone;
    let titled = report.rows.iter().any(|r| r.title.is_some());
    let heads = [
        "LAST ACTIVITY",
        "FIRST ACTIVITY",
        "AGENT",
        "PROVIDER",
        "SESSION",
        "TITLE",
        "WORKSPACE",
        "TURNS",
    ];
    let mut rows = vec![
        heads
            .into_iter()
            .filter(|h| titled || *h != "TITLE")
            .chain(USAGE_HEADS)
            .map(String::from)
            .collect(),
    ];
    // The column of turns, where the numbers start.
    let turns = if titled { 7 } else { 6 };
    for row in &report.rows {
        let mut cells = vec![
            zone.wall_clock(row.last),
            zone.wall_clock(row.first),
            clean(&row.agent),
            clean(&row.provider_id),
            clean(&row.session_id),
        ];
        if titled {
            cells.push(row.title.as_deref().map_or_else(String::new, clean));
        }
        cells.push(
            row.workspace
                .as_deref()
                .map_or_else(|| "-".to_owned(), clean),
        );
        cells.push(grouped(row.sums.usage.requests));
        cells.extend(usage_cells(&row.sums.usage, head.ctx.pricing.mode));
        rows.push(cells);
        model_rows(&row.sums, turns, head.ctx.pricing.mode, &mut rows);
    }
    let sessions = openusage_core::humanize::plural(report.total.sessions, "session", "sessions");
    let mut total = vec![format!("TOTAL ({sessions})")];
    total.extend(std::iter::repeat_n(String::new(), turns - 1));
    total.push(grouped(report.total.usage.requests));
    total.extend(usage_cells(&report.total.usage, head.ctx.pricing.mode));
    rows.push(total);
    let right: Vec<usize> = (turns..turns + 7).collect();
    finish(head, rows, &right, &report.total)
}

/// A project is named by its directory as recorded, else by its
/// workspace label, else `-`.
fn projects_table(head: &Head<'_>, report: &ProjectReport) -> String {
    let zone = head.ctx.zone;
    let mut rows = vec![
        ["PROJECT", "SESSIONS", "FIRST ACTIVITY", "LAST ACTIVITY"]
            .into_iter()
            .chain(USAGE_HEADS)
            .map(String::from)
            .collect(),
    ];
    for row in &report.rows {
        let name = row.cwd.as_deref().or(row.workspace.as_deref());
        let mut cells = vec![
            name.map_or_else(|| "-".to_owned(), clean),
            grouped(row.sums.sessions),
            zone.wall_clock(row.first),
            zone.wall_clock(row.last),
        ];
        cells.extend(usage_cells(&row.sums.usage, head.ctx.pricing.mode));
        rows.push(cells);
        model_rows(&row.sums, 3, head.ctx.pricing.mode, &mut rows);
    }
    let mut total = vec!["TOTAL".to_owned(), grouped(report.total.sessions)];
    total.extend(std::iter::repeat_n(String::new(), 2));
    total.extend(usage_cells(&report.total.usage, head.ctx.pricing.mode));
    rows.push(total);
    finish(head, rows, &[1, 4, 5, 6, 7, 8, 9], &report.total)
}

/// Title, table (without the cost column when no cost was recorded) and
/// the footnotes on requests whose cost the column does not hold.
fn finish(head: &Head<'_>, mut rows: Vec<Vec<String>>, right: &[usize], total: &Sums) -> String {
    if total.usage.requests == 0 {
        return format!("{}\nNo usage recorded in this range.\n", head.title());
    }
    let mode = head.ctx.pricing.mode;
    if !humanize::has_cost(&total.usage, mode) {
        rows.iter_mut().for_each(|r| {
            r.pop();
        });
    }
    let table = report_layout::table(&rows, right, head.layout);
    let mut out = format!("{}\n\n{table}", head.title());
    let notes = humanize::cost_notes(&total.usage, mode);
    if !notes.is_empty() {
        out.push_str(&format!("\n{}\n", notes.join("\n")));
    }
    out
}

/// Accounts that could not be read fully, or not at all, and accounts
/// whose sums saturated (their message says the figures are lower bounds),
/// each named with its message; then what was skipped of each, by path. A
/// report is never silently short.
pub(super) fn notes(collected: &[Collected]) -> Vec<String> {
    let told = |c: &&Collected| {
        c.snapshot.status != Status::Ok
            || c.snapshot.diagnostic(diagnostic::SUMS_SATURATED).is_some()
    };
    let messages = collected
        .iter()
        .filter(told)
        .map(|c| shortfall::message_note(&c.snapshot));
    let skipped = collected
        .iter()
        .filter_map(|c| shortfall::skipped_note(&c.snapshot));
    messages.chain(skipped).collect()
}
