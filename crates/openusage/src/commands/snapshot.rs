//! `openusage snapshot`: every account's usage, as JSON or one line each.

use openusage_core::limits;
use openusage_core::{SCHEMA_VERSION, Snapshot, SnapshotReport, Status};

use super::{Context, Output, accounts_for, collect_once, shortfall};
use crate::error::{Error, Result};
use crate::terminal::table;
use openusage_tui::text::clean;

pub fn run(
    ctx: &Context<'_>,
    as_json: bool,
    provider: Option<&str>,
    allow_partial: bool,
) -> Result<Output> {
    let snapshots = collect(ctx, provider)?;
    let notes = notes(&snapshots);
    let partial = shortfall::partial(&snapshots, allow_partial);
    let text = match as_json {
        true => json(ctx, snapshots)?,
        false => summary(&snapshots),
    };
    Ok(shortfall::finish(text, &notes, as_json, partial))
}

fn json(ctx: &Context<'_>, snapshots: Vec<Snapshot>) -> Result<String> {
    let report = SnapshotReport {
        schema_version: SCHEMA_VERSION,
        generated_at: ctx.clock.now(),
        snapshots,
    };
    let text = crate::json_out::to_string_pretty(&report).map_err(|source| Error::Json {
        what: "snapshot",
        source,
    })?;
    Ok(text + "\n")
}

/// The accounts that fell short, and what they skipped. An `unknown`
/// account (nothing found) is no shortfall: the table says it already.
fn notes(snapshots: &[Snapshot]) -> Vec<String> {
    let error = snapshots.iter().filter(|s| s.status == Status::Error);
    let errors = error.map(shortfall::message_note);
    errors
        .chain(snapshots.iter().filter_map(shortfall::skipped_note))
        .collect()
}

fn collect(ctx: &Context<'_>, provider: Option<&str>) -> Result<Vec<Snapshot>> {
    let collected = collect_once(ctx, accounts_for(ctx, provider)?);
    Ok(collected.into_iter().map(|c| c.snapshot).collect())
}

fn summary(snapshots: &[Snapshot]) -> String {
    if snapshots.is_empty() {
        return "No accounts: no agent data found and none configured (see `openusage detect`).\n"
            .to_owned();
    }
    let mut rows = vec![vec![
        "ACCOUNT".to_owned(),
        "PROVIDER".to_owned(),
        "STATUS".to_owned(),
        "SUMMARY".to_owned(),
    ]];
    rows.extend(snapshots.iter().map(|s| {
        vec![
            clean(&s.account_id),
            clean(&s.provider_id),
            status_word(s.status).to_owned(),
            clean(&s.message),
        ]
    }));
    let mut out = table(&rows);
    for s in snapshots {
        out.push_str(&limits_line(s));
    }
    out
}

/// `Limits of codex (plus): 5h 31%, resets in 2h 13m · 7d 45%, resets in
/// 4d 12h · 12.5 credits` under the table, for an account with limit
/// readings or credits.
fn limits_line(s: &Snapshot) -> String {
    let readings = limits::readings(s);
    let mut said: Vec<String> = readings
        .iter()
        .map(|r| clean(&limits::sentence(s, r)))
        .collect();
    said.extend(limits::credits(s).iter().map(|c| clean(c)));
    if said.is_empty() {
        return String::new();
    }
    let plan = limits::plan(s).map(|p| format!(" ({})", clean(p)));
    format!(
        "Limits of {}{}: {}\n",
        clean(&s.account_id),
        plan.unwrap_or_default(),
        said.join(" · ")
    )
}

/// The status as the JSON spells it: `ok`, `unknown`, `error`.
fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Unknown => "unknown",
        Status::Error => "error",
    }
}
