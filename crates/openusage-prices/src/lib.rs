//! List prices by model, for the records whose agent recorded no usable
//! cost: LiteLLM's price table (`model_prices_and_context_window.json` from
//! github.com/BerriAI/litellm, as shipped in the `litellm` package on PyPI),
//! embedded in the binary, the user's own prices, and free local models,
//! behind [`openusage_core::pricing::Prices`].
//!
//! # Matching
//!
//! [`PriceTable::lookup`](openusage_core::pricing::Prices::lookup) tries, in
//! this order, and takes the first hit; it never guesses (no prefix or
//! similarity matching):
//!
//! 1. the user's prices, by the exact model id ([`PriceEntry::User`]);
//! 2. a local upstream provider ([`LOCAL_PROVIDERS`], any case): the model
//!    costs nothing ([`PriceEntry::Local`]);
//! 3. the table key equal to the model id;
//! 4. `{upstream}/{model}` as a table key (e.g. `anthropic/claude-sonnet-4-5`),
//!    with the upstream in lower case and, for the providers LiteLLM spells
//!    differently, its spelling ([`PROVIDER_ALIASES`]);
//! 5. normalisations of the id, each tried alone and then as
//!    `{upstream}/{id}`, in this order: lower case; a `provider/` prefix
//!    removed, after each `/` in turn (`openrouter/anthropic/claude-x` →
//!    `anthropic/claude-x` → `claude-x`); a trailing release date removed
//!    (`-20250929`, `-2025-09-29`, `@20250929`); Claude's dotted versions
//!    written with dashes (`claude-sonnet-4.5` → `claude-sonnet-4-5`, as
//!    OpenRouter and Pi spell them);
//! 6. the retired models LiteLLM no longer lists under Anthropic's API, by
//!    the normalised id ([`RETIRED`]).
//!
//! The entry returned names the table key that matched
//! ([`PriceEntry::Table`]).

#![deny(missing_docs)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use openusage_core::pricing::{Lookup, Price, PriceEntry, Prices, Tier, UserPrice};
use serde::Deserialize;

/// The trimmed price table (`scripts/update-prices.sh` writes it).
const DATA: &str = include_str!("../data/prices.json");

/// The table's columns, in USD per million tokens, in the order the data
/// file writes them.
const COLUMNS: [&str; 9] = [
    "input",
    "output",
    "cache_read",
    "cache_write",
    "cache_write_1h",
    "input_above_200k",
    "output_above_200k",
    "cache_read_above_200k",
    "cache_write_above_200k",
];

/// Upstream providers that serve models on the user's own machine: a record
/// served by one of them costs nothing, whatever its model (compared
/// without regard to case).
pub const LOCAL_PROVIDERS: &[&str] = &[
    "ollama",
    "lmstudio",
    "llama.cpp",
    "llamacpp",
    "vllm",
    "local",
];

/// Upstream providers as agents name them (Pi's names) → the prefix
/// LiteLLM's keys use for the same service, tried after the name itself.
pub const PROVIDER_ALIASES: &[(&str, &str)] = &[
    ("google", "gemini"),
    ("google-vertex", "vertex_ai"),
    ("amazon-bedrock", "bedrock"),
    ("azure-openai-responses", "azure"),
    ("vercel-ai-gateway", "vercel_ai_gateway"),
];

/// Anthropic models LiteLLM dropped from its Anthropic API entries once
/// they were retired, which old transcripts still name (model id without
/// its date → the table key priced the same): the Amazon Bedrock entries
/// of the same models, at the same list prices as Anthropic's API.
pub const RETIRED: &[(&str, &str)] = &[
    ("claude-opus-4-1", "anthropic.claude-opus-4-1-20250805-v1:0"),
    ("claude-opus-4", "anthropic.claude-opus-4-20250514-v1:0"),
    ("claude-opus-4-0", "anthropic.claude-opus-4-20250514-v1:0"),
    ("claude-sonnet-4", "anthropic.claude-sonnet-4-20250514-v1:0"),
    (
        "claude-sonnet-4-0",
        "anthropic.claude-sonnet-4-20250514-v1:0",
    ),
];

/// Where the embedded prices come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Source {
    /// The table and the package it was taken from.
    pub name: String,
    /// The package version (`1.110.2`).
    pub version: String,
    /// The day it was downloaded (`YYYY-MM-DD`).
    pub retrieved: String,
}

/// The embedded table, parsed.
#[derive(Debug, Default)]
struct Table {
    source: Source,
    /// Every row priced (rows without an input and an output price are
    /// dropped while parsing).
    models: HashMap<String, Row>,
}

/// The data file as written.
#[derive(Deserialize)]
struct Raw {
    source: String,
    version: String,
    retrieved: String,
    columns: Vec<String>,
    models: HashMap<String, Row>,
}

/// One row of the data file, priced as it is read (no second map to fill).
#[derive(Deserialize)]
#[serde(from = "[Option<f64>; 9]")]
#[derive(Debug)]
struct Row(Option<Price>);

impl From<[Option<f64>; 9]> for Row {
    fn from(row: [Option<f64>; 9]) -> Row {
        Row(price_of(&row))
    }
}

/// Parses the data file; an error when its layout is not the one expected.
fn parse(data: &str) -> Result<Table, String> {
    let raw: Raw = serde_json::from_str(data).map_err(|e| e.to_string())?;
    if raw.columns != COLUMNS {
        return Err(format!("unexpected columns {:?}", raw.columns));
    }
    let mut models = raw.models;
    models.retain(|_, row| row.0.is_some());
    Ok(Table {
        source: Source {
            name: raw.source,
            version: raw.version,
            retrieved: raw.retrieved,
        },
        models,
    })
}

/// One row (USD per million tokens) as a [`Price`] (USD per token); `None`
/// without an input and an output price.
fn price_of(row: &[Option<f64>; 9]) -> Option<Price> {
    let per_token = |x: Option<f64>| x.filter(|x| x.is_finite() && *x >= 0.0).map(|x| x / 1e6);
    let [
        input,
        output,
        cache_read,
        cache_write,
        cache_write_1h,
        li,
        lo,
        lcr,
        lcw,
    ] = row.map(per_token);
    Some(Price {
        input: input?,
        output: output?,
        cache_read,
        cache_write,
        cache_write_1h,
        long_context: match (li, lo) {
            (Some(input), Some(output)) => Some(Tier {
                input,
                output,
                cache_read: lcr,
                cache_write: lcw,
            }),
            _ => None,
        },
    })
}

/// The embedded table, parsed on first use; empty if it does not parse (the
/// crate's tests catch that).
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| parse(DATA).unwrap_or_default())
}

/// Where the embedded prices come from (LiteLLM, its version, the day).
pub fn source() -> &'static Source {
    &table().source
}

/// Parses the embedded table afresh (not the copy kept for lookups) and
/// tells how many models it prices: what the first lookup of a run pays,
/// for the benchmark (`cargo bench -p openusage-prices`).
pub fn parse_embedded() -> Result<usize, String> {
    parse(DATA).map(|table| table.models.len())
}

/// How many models the embedded table prices.
pub fn model_count() -> usize {
    table().models.len()
}

/// The prices records are estimated at: the embedded LiteLLM table, the
/// user's own prices over it, and local models free (see the crate docs for
/// the matching rules).
#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    user: HashMap<String, Price>,
}

impl PriceTable {
    /// The embedded table alone.
    pub fn new() -> Self {
        PriceTable::default()
    }

    /// The user's own prices, by exact model id, over the table.
    pub fn with_user_prices(
        mut self,
        prices: impl IntoIterator<Item = (String, UserPrice)>,
    ) -> Self {
        self.user.extend(
            prices
                .into_iter()
                .map(|(model, price)| (model, price.per_token())),
        );
        self
    }

    /// What `openusage prices MODEL` prints: the entry `model` resolves to
    /// and its prices per million tokens, or why it has none.
    pub fn describe(&self, model: &str, upstream: Option<&str>) -> String {
        let src = source();
        let Some(found) = self.lookup(model, upstream) else {
            return format!(
                "{model}: no price (not in LiteLLM {}; add one under \"prices\" in the settings)",
                src.version
            );
        };
        let mut out = match &found.entry {
            PriceEntry::Table(key) => {
                format!(
                    "{model} → {key} (LiteLLM {}, {})\n",
                    src.version, src.retrieved
                )
            }
            PriceEntry::User => format!("{model} → your price (settings \"prices\")\n"),
            PriceEntry::Local => {
                let up = upstream.unwrap_or_default().trim();
                return format!("{model} → local ({up}): free\n");
            }
        };
        let p = found.price;
        let m = |x: f64| per_million(x * 1e6);
        let line = |out: &mut String, name: &str, x: f64, extra: &str| {
            let _ = writeln!(out, "  {name:<12}{:>7} / M tokens{extra}", m(x));
        };
        line(&mut out, "input", p.input, "");
        line(&mut out, "output", p.output, "");
        line(
            &mut out,
            "cache read",
            p.cache_read.unwrap_or(p.input),
            fallback(p.cache_read),
        );
        let hour = p.cache_write_1h.unwrap_or(2.0 * p.input);
        let hour = format!(" (1 hour: {})", m(hour));
        let write = p.cache_write.unwrap_or(p.input);
        let extra = format!("{}{hour}", fallback(p.cache_write));
        line(&mut out, "cache write", write, &extra);
        if let Some(t) = p.long_context {
            let _ = writeln!(
                out,
                "  above 200k input tokens: input {}, output {}, cache read {}, cache write {}",
                m(t.input),
                m(t.output),
                m(t.cache_read.unwrap_or(t.input)),
                m(t.cache_write.unwrap_or(t.input)),
            );
        }
        out
    }
}

/// A note for a price the table lacks (the input price stands in).
fn fallback(price: Option<f64>) -> &'static str {
    if price.is_some() {
        ""
    } else {
        " (input price)"
    }
}

/// True when `upstream` serves models locally (see [`LOCAL_PROVIDERS`]).
pub fn is_local(upstream: &str) -> bool {
    let upstream = upstream.trim();
    LOCAL_PROVIDERS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(upstream))
}

impl Prices for PriceTable {
    fn lookup(&self, model: &str, upstream_provider: Option<&str>) -> Option<Lookup> {
        if let Some(price) = self.user.get(model) {
            return Some(Lookup {
                entry: PriceEntry::User,
                price: *price,
            });
        }
        let upstream = upstream_provider.map(str::trim).filter(|u| !u.is_empty());
        if upstream.is_some_and(is_local) {
            return Some(Lookup {
                entry: PriceEntry::Local,
                price: Price::default(),
            });
        }
        let models = &table().models;
        let prefixes = upstream.map(prefixes).unwrap_or_default();
        let found = |key: &str| {
            let (key, row) = models.get_key_value(key)?;
            Some(Lookup {
                entry: PriceEntry::Table(key.clone()),
                price: row.0?,
            })
        };
        let ids = candidates(model);
        for id in &ids {
            if let Some(hit) = found(id) {
                return Some(hit);
            }
            for prefix in &prefixes {
                if let Some(hit) = found(&format!("{prefix}/{id}")) {
                    return Some(hit);
                }
            }
        }
        ids.iter().find_map(|id| {
            let (_, key) = RETIRED.iter().find(|(name, _)| name == id)?;
            found(key)
        })
    }
}

/// The prefixes `{upstream}/` is tried with: its name in lower case, then
/// LiteLLM's spelling of it.
fn prefixes(upstream: &str) -> Vec<String> {
    let lower = upstream.to_ascii_lowercase();
    let alias = PROVIDER_ALIASES
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, alias)| (*alias).to_owned());
    std::iter::once(lower).chain(alias).collect()
}

/// The ids `model` is looked up as, in order: itself, then each
/// normalisation (see the crate docs), without repeats.
fn candidates(model: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let push = |ids: &mut Vec<String>, id: String| {
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    };
    push(&mut ids, model.to_owned());
    push(&mut ids, model.to_lowercase());
    for i in 0..ids.len() {
        let id = ids[i].clone();
        for (at, _) in id.match_indices('/') {
            push(&mut ids, id[at + 1..].to_owned());
        }
    }
    for i in 0..ids.len() {
        if let Some(undated) = strip_date(&ids[i]) {
            let undated = undated.to_owned();
            push(&mut ids, undated);
        }
    }
    for i in 0..ids.len() {
        if let Some(dashed) = claude_dashes(&ids[i]) {
            push(&mut ids, dashed);
        }
    }
    ids
}

/// `id` without a trailing release date (`-20250929`, `-2025-09-29`,
/// `@20250929`).
fn strip_date(id: &str) -> Option<&str> {
    // Only ASCII bytes are compared before slicing, so every cut is at a
    // character boundary.
    let b = id.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let n = b.len();
    if n > 9
        && digits(&b[n - 8..])
        && b[n - 8..].starts_with(b"20")
        && matches!(b[n - 9], b'-' | b'@')
    {
        return Some(&id[..n - 9]);
    }
    if n > 11 {
        let t = &b[n - 11..];
        let date = t[0] == b'-'
            && t[5] == b'-'
            && t[8] == b'-'
            && digits(&t[1..5])
            && digits(&t[6..8])
            && digits(&t[9..])
            && t[1..].starts_with(b"20");
        if date {
            return Some(&id[..n - 11]);
        }
    }
    None
}

/// A Claude id's dotted version with dashes (`claude-sonnet-4.5` →
/// `claude-sonnet-4-5`); `None` for other ids or without a dot between
/// digits.
fn claude_dashes(id: &str) -> Option<String> {
    if !id.starts_with("claude-") {
        return None;
    }
    let b = id.as_bytes();
    let mut changed = false;
    let out: String = id
        .char_indices()
        .map(|(i, c)| {
            let between_digits = c == '.'
                && i > 0
                && b[i - 1].is_ascii_digit()
                && b.get(i + 1).is_some_and(u8::is_ascii_digit);
            if between_digits {
                changed = true;
                '-'
            } else {
                c
            }
        })
        .collect();
    changed.then_some(out)
}

#[cfg(test)]
mod tests;

/// A price per million tokens with as many decimals as it has, at least two
/// and at most six: `$3.00`, `$0.125`, `$0.0375`.
fn per_million(usd: f64) -> String {
    let text = format!("{usd:.6}");
    let (whole, decimals) = text.split_once('.').unwrap_or((&text, ""));
    let kept = decimals.trim_end_matches('0');
    format!("${whole}.{kept:0<2}")
}
