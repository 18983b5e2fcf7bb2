//! `openusage detect`: the tools and accounts found on this machine.

use openusage_core::{About, SCHEMA_VERSION};
use serde::Serialize;
use serde_json::{Value, json};

use super::Context;
use crate::error::{Error, Result};
use crate::terminal::table;
use openusage_tui::text::clean;

pub fn run(ctx: &Context<'_>, as_json: bool) -> Result<String> {
    let tools: Vec<(&str, String, String)> = ctx
        .registry
        .detect(ctx.env)
        .into_iter()
        .flat_map(|(provider, d)| {
            d.tools
                .into_iter()
                .map(move |t| (provider, t.name, t.path.display().to_string()))
        })
        .collect();
    let accounts: Vec<Row> = ctx
        .accounts()?
        .iter()
        .map(|a| Row {
            id: a.config.id.clone(),
            provider: a.config.provider.clone(),
            source: a.source.as_str(),
            dirs: a
                .dirs(ctx.env)
                .iter()
                .map(|d| d.display().to_string())
                .collect(),
        })
        .collect();
    if as_json {
        return to_json(&tools, &accounts);
    }
    let looked_for = About::looked_for(&ctx.registry.about());
    Ok(to_text(&tools, &accounts, &looked_for))
}

struct Row {
    id: String,
    provider: String,
    source: &'static str,
    dirs: Vec<String>,
}

/// `detect --json`: a struct, so that `schema_version` comes first, as in
/// the snapshot and report documents.
#[derive(Serialize)]
struct Document {
    schema_version: u32,
    tools: Vec<Value>,
    accounts: Vec<Value>,
}

fn to_json(tools: &[(&str, String, String)], accounts: &[Row]) -> Result<String> {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tools: tools
            .iter()
            .map(|(provider, name, path)| json!({"provider": provider, "name": name, "path": path}))
            .collect(),
        accounts: accounts
            .iter()
            .map(
                |a| json!({"id": a.id, "provider": a.provider, "source": a.source, "dirs": a.dirs}),
            )
            .collect(),
    };
    crate::json_out::to_string_pretty(&doc)
        .map(|text| text + "\n")
        .map_err(|source| Error::Json {
            what: "detection",
            source,
        })
}

fn to_text(tools: &[(&str, String, String)], accounts: &[Row], looked_for: &str) -> String {
    let mut out = String::new();
    if tools.is_empty() {
        out.push_str("No agent tools found on PATH.\n");
    } else {
        let mut rows = vec![cells(["TOOL", "PROVIDER", "PATH"])];
        rows.extend(
            tools
                .iter()
                .map(|(provider, name, path)| cells([name, provider, path])),
        );
        out.push_str(&table(&rows));
    }
    out.push('\n');
    if accounts.is_empty() {
        out.push_str("No accounts: no agent data found and none configured.\n");
        out.push_str(&format!("Looked for: {}.\n", clean(looked_for)));
        return out;
    }
    let mut rows = vec![cells(["ACCOUNT", "PROVIDER", "SOURCE", "DATA DIRECTORIES"])];
    for a in accounts {
        let first = a.dirs.first().map_or("(none found)", String::as_str);
        rows.push(cells([&a.id, &a.provider, a.source, first]));
        rows.extend(a.dirs.iter().skip(1).map(|d| cells(["", "", "", d])));
    }
    out.push_str(&table(&rows));
    out
}

fn cells<const N: usize>(texts: [&str; N]) -> Vec<String> {
    texts.iter().map(|t| clean(t)).collect()
}
