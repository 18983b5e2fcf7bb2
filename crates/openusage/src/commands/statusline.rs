//! `openusage statusline`: one short line for shell prompts, tmux and
//! editor status bars, from the cache (a warm run reads no transcript
//! again). By default today's cost and tokens over every account shown,
//! the active 5-hour block's time left and burn rate, and every limit
//! reading; `--format` picks and arranges the values (see
//! [`crate::template`]). It never waits on stdin unless `--stdin`
//! is given, and then only briefly ([`given`]); it prints no escape code
//! unless `--color` asks, and no transcript text unmade inert.

mod given;

use chrono::{DateTime, Utc};
use openusage_core::blocks::{self, Block};
use openusage_core::humanize::{self, count};
use openusage_core::limits::{self, span};
use openusage_core::pricing::CostMode;
use openusage_core::report::{self, Filter, Period, Range, Source};
use openusage_core::{Collected, Snapshot};
use openusage_tui::text::clean;

use super::{Context, Output, accounts_for, collect_once};
use crate::cli::Statusline;
use crate::error::Result;
use crate::template;

pub use given::{WAIT, read_within};

/// Between the parts of the default line.
const SEPARATOR: &str = " · ";

/// Prints the line; `stdin` is what `--stdin` read (`None` without it).
pub fn run(ctx: &Context<'_>, args: &Statusline, stdin: Option<Vec<u8>>) -> Result<Output> {
    // A bad template is an error before anything is read.
    let template = args.format.as_deref().map(template::parse).transpose()?;
    let (given, note) = stdin.as_deref().map(given::parse).unwrap_or_default();
    if let Some(note) = note {
        eprintln!("openusage: note: {}", clean(&note));
    }
    let collected = collect_once(ctx, accounts_for(ctx, args.provider.as_deref())?);
    let values = Values::new(ctx, &collected, given.as_ref(), args.color);
    let line = match template {
        Some(pieces) => template::fill(&pieces, |name| values.get(name)),
        None => values.default_line(),
    };
    // One line whatever a template or a value held: a status bar shows
    // only the first.
    let line = line.replace(['\n', '\r'], " ");
    Ok(format!("{line}\n").into())
}

/// Everything a line can show, worked out once.
struct Values {
    mode: CostMode,
    today: report::Sums,
    /// The active block of the account last active, if any is active.
    block: Option<Block>,
    limits: Vec<Limits>,
    model: Option<String>,
    session: Option<report::Sums>,
    color: bool,
}

/// One account's limit readings, as the line says them.
struct Limits {
    account: String,
    readings: Vec<Said>,
}

/// One limit reading: `5h 31%` for the main limit, `bengalfox 1h 7%` for
/// another, `5h reset` once its window started again.
struct Said {
    /// The main limit's (no id).
    main: bool,
    /// `5h`, `bengalfox 1h`, made inert.
    label: String,
    percent: u64,
    passed: bool,
}

impl Values {
    fn new(
        ctx: &Context<'_>,
        collected: &[Collected],
        given: Option<&given::Given>,
        color: bool,
    ) -> Self {
        let now = ctx.clock.now();
        let sources: Vec<Source<'_>> = collected.iter().map(Source::from).collect();
        let today = ctx.zone.date(now);
        let range = Range {
            since: Some(today),
            until: Some(today),
        };
        let filter = Filter::default();
        let today = report::by_period(&sources, Period::Day, range, &filter, false).total;
        let session = given
            .and_then(|g| g.session_id.as_deref())
            .and_then(|id| session(&sources, id));
        Values {
            mode: ctx.pricing.mode,
            today,
            block: active_block(&sources, now),
            limits: collected
                .iter()
                .filter_map(|c| limits(&c.snapshot))
                .collect(),
            model: given.and_then(given::Given::model).map(clean),
            session,
            color,
        }
    }

    /// The value of one placeholder, `None` when there is none to show.
    fn get(&self, name: &str) -> Option<String> {
        let block = self.block.as_ref();
        let live = block.and_then(|b| b.live);
        // The first main limit's windows: the first account's readings
        // without an id.
        let main = |n| {
            let first = self.limits.first()?;
            let said = first.readings.iter().filter(|r| r.main).nth(n)?;
            Some(self.percent(said))
        };
        match name {
            "today_cost" => Some(self.cost(&self.today.usage)),
            "today_tokens" => Some(count(self.today.usage.tokens.total())),
            "today_requests" => Some(humanize::grouped(self.today.usage.requests)),
            "block_remaining" => live.map(|l| span(l.remaining)),
            "block_elapsed" => live.map(|l| span(l.elapsed)),
            "block_tokens" => block.map(|b| count(b.usage.tokens.total())),
            "block_cost" => block.map(|b| self.cost(&b.usage)),
            "block_burn" => live.map(|l| format!("{}/h", count(l.burn.tokens_per_hour as u64))),
            "block_cost_burn" => live
                .and_then(|l| l.burn.cost_usd_per_hour)
                .map(|c| format!("{}/h", humanize::money(c))),
            "block_projected" => live.map(|l| count(l.projection.total_tokens.round() as u64)),
            "limits" => (!self.limits.is_empty()).then(|| self.limits_text()),
            "limit_primary" => main(0),
            "limit_secondary" => main(1),
            "model" => self.model.clone(),
            "session_cost" => self.session.as_ref().map(|s| self.cost(&s.usage)),
            "session_tokens" => self.session.as_ref().map(|s| count(s.usage.tokens.total())),
            _ => None,
        }
    }

    fn cost(&self, usage: &openusage_core::usage::Usage) -> String {
        humanize::cost_cell(usage, self.mode)
    }

    /// `Opus · session $0.42 · today $12.34 · 1.23M tok · block 2h 13m left
    /// · 450K/h · codex 5h 31% 7d 12%`: each part only when it has a value.
    fn default_line(&self) -> String {
        let get = |name| self.get(name);
        let mut parts: Vec<String> = Vec::new();
        parts.extend(get("model"));
        if let (Some(cost), Some(tokens)) = (get("session_cost"), get("session_tokens")) {
            parts.push(format!("session {cost} {tokens} tok"));
        }
        let (cost, tokens) = (get("today_cost"), get("today_tokens"));
        parts.push(format!(
            "today {} {} tok",
            cost.unwrap_or_default(),
            tokens.unwrap_or_default()
        ));
        if let Some(left) = get("block_remaining") {
            let mut block = format!("block {left} left");
            if let Some(burn) = get("block_burn") {
                block.push_str(&format!(" {burn}"));
            }
            parts.push(block);
        }
        parts.extend(get("limits"));
        parts.join(SEPARATOR)
    }

    /// `codex 5h 31% 7d 12%`, accounts apart by the separator.
    fn limits_text(&self) -> String {
        let accounts = self.limits.iter().map(|l| {
            let readings = l
                .readings
                .iter()
                .map(|r| format!("{} {}", r.label, self.percent(r)));
            let mut words = vec![clean(&l.account)];
            words.extend(readings);
            words.join(" ")
        });
        accounts.collect::<Vec<_>>().join(SEPARATOR)
    }

    /// `31%`, `reset` once the window started again; coloured as the
    /// tile's gauges are when `--color` asks.
    fn percent(&self, said: &Said) -> String {
        if said.passed {
            return "reset".to_owned();
        }
        let text = format!("{}%", said.percent);
        if !self.color {
            return text;
        }
        let code = match said.percent {
            p if p >= 90 => 31,
            p if p >= 70 => 33,
            _ => 32,
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

/// The active block of the account whose latest record is latest: the
/// one being worked in.
fn active_block(sources: &[Source<'_>], now: DateTime<Utc>) -> Option<Block> {
    blocks::blocks(sources, now)
        .into_iter()
        .filter(Block::is_active)
        .max_by_key(|b| b.last)
}

/// The session `id` over every account and day, if any counted.
fn session(sources: &[Source<'_>], id: &str) -> Option<report::Sums> {
    let all = report::by_session(sources, Range::default(), &Filter::default(), false);
    all.rows
        .into_iter()
        .find(|row| row.session_id == id)
        .map(|row| row.sums)
}

/// The limit readings of `s`; `None` when it has none.
fn limits(s: &Snapshot) -> Option<Limits> {
    let readings: Vec<Said> = limits::readings(s)
        .iter()
        .map(|r| Said {
            main: r.id.is_none(),
            label: clean(&r.window_label()),
            percent: r.percent(),
            passed: r.reset_passed,
        })
        .collect();
    (!readings.is_empty()).then(|| Limits {
        account: s.account_id.clone(),
        readings,
    })
}
