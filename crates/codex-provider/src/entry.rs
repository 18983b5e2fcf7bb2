//! Decoding one line of a Codex rollout into what it means for usage.

use chrono::{DateTime, Utc};
use openusage_jsonl::json;
use openusage_jsonl::scan;
use serde_json::value::RawValue;

use crate::limits::{self, Reading};

/// What one line is, as far as usage is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Not a JSON object.
    Undecodable,
    /// The session's meta record: `session_meta` (current format) or the
    /// bare first-line object `{"id","timestamp",...}` (2025 format).
    Meta(Meta),
    /// `turn_context`: the model and working directory from here on.
    TurnContext {
        cwd: Option<String>,
        model: Option<String>,
    },
    /// A `token_count` event: its cumulative totals (`None`: no totals)
    /// and the last turn's own counts, which together identify the event.
    TokenCount {
        totals: Option<Totals>,
        last: Option<Totals>,
        /// The rate-limit reading it carries (`rate_limits`), if any.
        limits: Option<Reading>,
    },
    Other,
}

/// A session's meta record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    pub id: Option<String>,
    pub cwd: Option<String>,
    pub model_provider: Option<String>,
    pub started: Option<DateTime<Utc>>,
    /// The sessions it names as its parent, in this order, each once:
    /// `forked_from_id`, `parent_thread_id`, and
    /// `source.subagent.thread_spawn.parent_thread_id`.
    pub parents: Vec<String>,
}

/// Cumulative token counts of a session, as a `token_count` event carries
/// them in `info.total_token_usage` (bucket rule applied to each).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Totals {
    pub input: u64,
    pub cached_input: u64,
    pub output: u64,
    pub reasoning_output: u64,
    pub total: u64,
}

/// A line: its entry and its own `timestamp`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub entry: Entry,
    /// The line's `timestamp` when it parses as RFC 3339.
    pub at: Option<DateTime<Utc>>,
}

/// Every meta, turn context and token count line holds one of these as a
/// string (the 2025 meta line its `id` key).
const WORDS: [&[u8]; 4] = [b"token_count", b"session_meta", b"turn_context", b"id"];

/// `WORDS`: what a long line must hold to be examined once the file's
/// start is known (see [`openusage_files::Incremental::words`]).
pub fn words() -> &'static [&'static [u8]] {
    &WORDS
}

/// Decodes only what matters once the file's start is known: a line that
/// cannot be a usage-relevant record is checked for being JSON and no more.
pub fn decode_relevant(line: &[u8]) -> Line {
    let entry = match scan::classify(line, &WORDS) {
        None => Entry::Undecodable,
        Some(false) => Entry::Other,
        Some(true) => return decode(line),
    };
    Line { entry, at: None }
}

/// Decodes one line. Never fails: a field of the wrong type spoils only itself.
pub fn decode(line: &[u8]) -> Line {
    let text = String::from_utf8_lossy(line);
    let undecodable = Line {
        entry: Entry::Undecodable,
        at: None,
    };
    if !scan::is_object(line) {
        return undecodable;
    }
    let Some([ty, timestamp, payload, id]) =
        json::fields(&text, &["type", "timestamp", "payload", "id"])
    else {
        return undecodable;
    };
    let at = timestamp.and_then(json::rfc3339);
    let entry = match ty.and_then(json::string).as_deref() {
        Some("session_meta") => payload.map_or(Entry::Other, |p| Entry::Meta(meta(p.get()))),
        Some("turn_context") => payload.map_or(Entry::Other, turn_context),
        Some("event_msg") => payload
            .and_then(|p| token_count(p, at))
            .unwrap_or(Entry::Other),
        // The 2025 format opened with a bare meta object and no `type`.
        None if id.and_then(json::string).is_some() => Entry::Meta(meta(&text)),
        _ => Entry::Other,
    };
    Line { entry, at }
}

/// The meta fields of a JSON object's text.
fn meta(object: &str) -> Meta {
    let Some([id, cwd, provider, timestamp, forked_from, parent, source]) = json::fields(
        object,
        &[
            "id",
            "cwd",
            "model_provider",
            "timestamp",
            "forked_from_id",
            "parent_thread_id",
            "source",
        ],
    ) else {
        return Meta::default();
    };
    // `source` is a string (`"cli"`, `"exec"`) except for a sub-agent:
    // `{"subagent": {"thread_spawn": {"parent_thread_id": ...}}}`.
    let spawned_by = source
        .and_then(|s| json::field(s.get(), "subagent"))
        .and_then(|s| json::field(s.get(), "thread_spawn"))
        .and_then(|s| json::field(s.get(), "parent_thread_id"));
    let id = string(id);
    let mut parents: Vec<String> = Vec::new();
    for named in [forked_from, parent, spawned_by] {
        let Some(named) = json::trimmed(named) else {
            continue;
        };
        if Some(&named) != id.as_ref() && !parents.contains(&named) {
            parents.push(named);
        }
    }
    Meta {
        id,
        cwd: string(cwd),
        model_provider: json::trimmed(provider),
        started: timestamp.and_then(json::rfc3339),
        parents,
    }
}

fn turn_context(payload: &RawValue) -> Entry {
    let Some([cwd, model]) = json::fields(payload.get(), &["cwd", "model"]) else {
        return Entry::Other;
    };
    Entry::TurnContext {
        cwd: string(cwd),
        model: json::trimmed(model),
    }
}

fn token_count(payload: &RawValue, at: Option<DateTime<Utc>>) -> Option<Entry> {
    let [ty, info, rate_limits] = json::fields(payload.get(), &["type", "info", "rate_limits"])?;
    if ty.and_then(json::string).as_deref() != Some("token_count") {
        return None;
    }
    let usage = |name: &str| {
        info.and_then(|i| json::field(i.get(), name))
            .and_then(totals)
    };
    Some(Entry::TokenCount {
        totals: usage("total_token_usage"),
        last: usage("last_token_usage"),
        limits: rate_limits.and_then(|r| limits::parse(r, at)),
    })
}

fn totals(raw: &RawValue) -> Option<Totals> {
    let [input, cached, output, reasoning, total] = json::fields(
        raw.get(),
        &[
            "input_tokens",
            "cached_input_tokens",
            "output_tokens",
            "reasoning_output_tokens",
            "total_tokens",
        ],
    )?;
    Some(Totals {
        input: json::count(input),
        cached_input: json::count(cached),
        output: json::count(output),
        reasoning_output: json::count(reasoning),
        total: json::count(total),
    })
}

fn string(raw: Option<&RawValue>) -> Option<String> {
    raw.and_then(json::string).map(|s| s.into_owned())
}
