//! `openusage blocks`: each account's 5-hour blocks (see
//! [`openusage_core::blocks`]) as a table in the chosen zone, or JSON.

use chrono::{DateTime, TimeDelta, Utc};
use openusage_core::blocks::{self, Block, Burn, Projection};
use openusage_core::humanize::{self, grouped};
use openusage_core::pricing::CostMode;
use openusage_core::report::Source;
use openusage_core::usage::Usage;
use openusage_core::{SCHEMA_VERSION, Zone};
use openusage_tui::text::clean;
use serde::Serialize;

use super::report_json::{Model, UsageFields};
use super::{Context, Output, accounts_for, collect_once, report, shortfall};
use crate::cli::{Blocks, TokenLimit};
use crate::error::{Error, Result};
use crate::terminal::table_aligned;

pub fn run(ctx: &Context<'_>, args: &Blocks) -> Result<Output> {
    let collected = collect_once(ctx, accounts_for(ctx, args.provider.as_deref())?);
    let sources: Vec<Source<'_>> = collected.iter().map(Source::from).collect();
    let now = ctx.clock.now();
    let all = blocks::blocks(&sources, now);
    // `max` measures against every past block, shown or not.
    let limit = match args.token_limit {
        Some(TokenLimit::Tokens(n)) => Some(n),
        Some(TokenLimit::Max) => blocks::max_past_total(&all),
        None => None,
    };
    let shown = match (args.active, args.recent) {
        (true, _) => all.into_iter().filter(Block::is_active).collect(),
        (false, true) => blocks::recent(all, now),
        (false, false) => all,
    };
    let text = match args.json {
        true => json(&shown, limit)?,
        false => table(ctx, &shown, limit, args),
    };
    let snapshots = collected.iter().map(|c| &c.snapshot);
    let partial = shortfall::partial(snapshots, args.allow_partial);
    let notes = report::notes(&collected);
    Ok(shortfall::finish(text, &notes, args.json, partial))
}

/// The document `blocks --json` prints.
#[derive(Debug, Serialize)]
struct Document<'a> {
    schema_version: u32,
    blocks: Vec<JsonBlock<'a>>,
}

/// One block; `burn_rate` and `projection` on the active block only,
/// `token_limit` and `percent_of_limit` only with `--token-limit`.
#[derive(Debug, Serialize)]
struct JsonBlock<'a> {
    provider_id: &'a str,
    account_id: &'a str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    first_activity: DateTime<Utc>,
    last_activity: DateTime<Utc>,
    active: bool,
    #[serde(flatten)]
    usage: UsageFields,
    models: Vec<Model<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    elapsed_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remaining_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    burn_rate: Option<JsonBurn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    projection: Option<JsonProjection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    percent_of_limit: Option<f64>,
}

#[derive(Debug, Serialize)]
struct JsonBurn {
    tokens_per_hour: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_usd_per_hour: Option<f64>,
}

#[derive(Debug, Serialize)]
struct JsonProjection {
    total_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    percent_of_limit: Option<f64>,
}

impl<'a> JsonBlock<'a> {
    fn new(block: &'a Block, limit: Option<u64>) -> Self {
        let live = block.live;
        let total = block.usage.tokens.total();
        JsonBlock {
            provider_id: &block.provider_id,
            account_id: &block.account_id,
            start: block.start,
            end: block.end,
            first_activity: block.first,
            last_activity: block.last,
            active: live.is_some(),
            usage: UsageFields::from(&block.usage),
            models: block.models.iter().map(Model::from).collect(),
            elapsed_minutes: live.map(|l| l.elapsed.num_minutes()),
            remaining_minutes: live.map(|l| l.remaining.num_minutes()),
            burn_rate: live.map(|l| burn(&l.burn)),
            projection: live.map(|l| projection(&l.projection, limit)),
            token_limit: limit,
            percent_of_limit: limit.and_then(|n| blocks::percent_of(total, n)),
        }
    }
}

fn burn(b: &Burn) -> JsonBurn {
    JsonBurn {
        tokens_per_hour: b.tokens_per_hour,
        cost_usd_per_hour: b.cost_usd_per_hour,
    }
}

/// Projected tokens are whole tokens: rounded to the nearest.
fn projection(p: &Projection, limit: Option<u64>) -> JsonProjection {
    let tokens = p.total_tokens.round() as u64;
    JsonProjection {
        total_tokens: tokens,
        cost_usd: p.cost_usd,
        percent_of_limit: limit.and_then(|n| blocks::percent_of(tokens, n)),
    }
}

fn json(shown: &[Block], limit: Option<u64>) -> Result<String> {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        blocks: shown.iter().map(|b| JsonBlock::new(b, limit)).collect(),
    };
    crate::json_out::to_string_pretty(&doc)
        .map(|text| text + "\n")
        .map_err(|source| Error::Json {
            what: "blocks",
            source,
        })
}

/// `at` in `zone` with its offset, so the hour a clock change repeats is
/// told apart: `2026-10-25 02:00 +01:00`.
fn local(zone: Zone, at: DateTime<Utc>) -> String {
    const FORMAT: &str = "%Y-%m-%d %H:%M %:z";
    match zone {
        Zone::Utc => at.format(FORMAT).to_string(),
        Zone::Named(tz) => at.with_timezone(&tz).format(FORMAT).to_string(),
    }
}

/// `2h 05m`.
fn span(d: TimeDelta) -> String {
    let minutes = d.num_minutes().max(0);
    format!("{}h {:02}m", minutes / 60, minutes % 60)
}

fn title(zone: Zone, args: &Blocks) -> String {
    let which = match (args.active, args.recent) {
        (true, _) => "Active 5-hour blocks",
        (false, true) => "5-hour blocks of the last 3 days",
        (false, false) => "5-hour blocks",
    };
    format!("{which} · {zone}")
}

fn table(ctx: &Context<'_>, shown: &[Block], limit: Option<u64>, args: &Blocks) -> String {
    let (zone, mode) = (ctx.zone, ctx.pricing.mode);
    let title = title(zone, args);
    if shown.is_empty() {
        return format!("{title}\nNo blocks.\n");
    }
    let mut heads = vec!["START", "END", "PROVIDER", "ACCOUNT", "REQUESTS"];
    heads.extend(["INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE", "TOTAL"]);
    if limit.is_some() {
        heads.push("% OF LIMIT");
    }
    heads.extend(["COST", "MODELS"]);
    let mut rows: Vec<Vec<String>> = vec![heads.into_iter().map(String::from).collect()];
    // Numbers from REQUESTS to COST are right-aligned; MODELS is last.
    let right: Vec<usize> = (4..rows[0].len() - 1).collect();
    rows.extend(shown.iter().map(|b| row(zone, mode, b, limit)));
    let mut out = format!("{title}\n\n{}", table_aligned(&rows, &right));
    // The marks of the cost column, explained as the reports do.
    let mut total = Usage::default();
    shown.iter().for_each(|b| {
        total.add(&b.usage);
    });
    for note in humanize::cost_notes(&total, mode) {
        out.push_str(&format!("{note}\n"));
    }
    for block in shown {
        out.push_str(&live_lines(zone, block, limit));
    }
    out
}

fn row(zone: Zone, mode: CostMode, b: &Block, limit: Option<u64>) -> Vec<String> {
    let t = &b.usage.tokens;
    let mut cells = vec![
        local(zone, b.start) + if b.is_active() { " *" } else { "" },
        local(zone, b.end),
        clean(&b.provider_id),
        clean(&b.account_id),
        grouped(b.usage.requests),
    ];
    cells.extend([t.input, t.output, t.cache_read, t.cache_write, t.total()].map(grouped));
    if let Some(n) = limit {
        cells.push(percent(blocks::percent_of(t.total(), n)));
    }
    cells.push(humanize::cost_cell(&b.usage, mode));
    let names: Vec<String> = b.models.iter().map(|(n, _)| clean(&n.model)).collect();
    cells.push(names.join(", "));
    cells
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "-".to_owned(), |p| format!("{p:.1}%"))
}

/// Under the table, for the active block (marked `*`): elapsed and
/// remaining time, burn rate and projection.
fn live_lines(zone: Zone, b: &Block, limit: Option<u64>) -> String {
    let Some(live) = b.live else {
        return String::new();
    };
    let (burn, proj) = (live.burn, live.projection);
    let tokens = proj.total_tokens.round() as u64;
    let mut projected = format!("{} tokens", grouped(tokens));
    if let Some(cost) = proj.cost_usd {
        projected.push_str(&format!(", {}", humanize::money(cost)));
    }
    if let Some(p) = limit.and_then(|n| blocks::percent_of(tokens, n)) {
        projected.push_str(&format!(" ({p:.1}% of the limit)"));
    }
    let mut rate = format!("{} tokens/h", grouped(burn.tokens_per_hour.round() as u64));
    if let Some(cost) = burn.cost_usd_per_hour {
        rate.push_str(&format!(", {}/h", humanize::money(cost)));
    }
    format!(
        "\n* Active ({} {}, {}): {} elapsed, {} left; burn rate {rate}; projected by {}: {projected}\n",
        clean(&b.provider_id),
        clean(&b.account_id),
        local(zone, b.start),
        span(live.elapsed),
        span(live.remaining),
        local(zone, b.end),
    )
}
