//! `openusage snapshot`: every account's usage, as JSON or one line each.

use openusage_core::{SCHEMA_VERSION, Snapshot, SnapshotReport, Status};

use super::{Context, accounts_for, collect_once};
use crate::error::{Error, Result};
use crate::terminal::table;
use openusage_tui::text::clean;

pub fn run(ctx: &Context<'_>, as_json: bool, provider: Option<&str>) -> Result<String> {
    let snapshots = collect(ctx, provider)?;
    if as_json {
        let report = SnapshotReport {
            schema_version: SCHEMA_VERSION,
            generated_at: ctx.clock.now(),
            snapshots,
        };
        let text = crate::json_out::to_string_pretty(&report).map_err(|source| Error::Json {
            what: "snapshot",
            source,
        })?;
        return Ok(text + "\n");
    }
    Ok(summary(&snapshots))
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
    table(&rows)
}

/// The status as the JSON spells it: `ok`, `unknown`, `error`.
fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Unknown => "unknown",
        Status::Error => "error",
    }
}
