//! Decoding one line of a Claude Code transcript.

use chrono::{DateTime, Utc};
use openusage_core::usage::Tokens;
use openusage_jsonl::json;
use openusage_jsonl::scan;
use serde_json::value::RawValue;

/// Model id used when no record of a request (or of an advisor call) names one.
pub const UNKNOWN_MODEL: &str = "unknown";

/// What one line is, as far as usage is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Not a JSON object.
    Undecodable,
    /// An assistant record with a usage object, written on its own line or
    /// embedded in a `progress` line.
    Usage {
        /// The line's own `timestamp`, which dates the file's start.
        line_at: Option<DateTime<Utc>>,
        usage: Box<UsageLine>,
    },
    /// Any other record; its timestamp still dates the file's start.
    Other { at: Option<DateTime<Utc>> },
}

/// An assistant record's usage, before streamed copies are merged.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UsageLine {
    pub at: Option<DateTime<Utc>>,
    pub session: Option<String>,
    pub cwd: Option<String>,
    /// `message.model`, trimmed; `None` when missing or empty (a later
    /// record of the same request may name it).
    pub model: Option<String>,
    pub tokens: Tokens,
    /// The part of the cache writes kept for an hour
    /// (`cache_creation.ephemeral_1h_input_tokens`), priced apart.
    #[serde(default)]
    pub cache_write_1h: u64,
    /// `costUSD`, written by older versions.
    pub cost_usd: Option<f64>,
    /// Which API response this record belongs to.
    pub key: Option<RequestKey>,
    /// The `/advisor` calls inside the response (`usage.iterations[]` of
    /// type `advisor_message`), which the top-level usage leaves out.
    pub advisors: Vec<AdvisorUsage>,
}

/// One `advisor_message` iteration of a record's usage.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AdvisorUsage {
    /// Its place among the record's advisor iterations (0 for the first):
    /// the same call in another streamed record of the response has the same.
    pub nth: u32,
    /// The iteration's `model`, else the record's `advisorModel`, trimmed.
    pub model: Option<String>,
    pub tokens: Tokens,
}

/// The identity of one API response across its streamed records and across
/// transcripts that copy it (resume, fork).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RequestKey {
    MessageAndRequest(String, String),
    Message(String),
}

/// Every usage record holds one of these as a string: `assistant` (its
/// `type`) or `progress` (the `type` of a line that embeds a sub-agent's
/// record). Advisor iterations are inside assistant records.
const WORDS: [&[u8]; 2] = [b"assistant", b"progress"];

/// `WORDS`: what a long line must hold to be examined once the file's
/// start is known (see [`openusage_files::Incremental::words`]).
pub fn words() -> &'static [&'static [u8]] {
    &WORDS
}

/// Decodes only what matters once the file's start is known: a line that
/// cannot be a usage record is checked for being JSON and no more.
pub fn decode_usage(line: &[u8]) -> Entry {
    match scan::classify(line, &WORDS) {
        None => Entry::Undecodable,
        Some(false) => Entry::Other { at: None },
        Some(true) => decode(line),
    }
}

/// The fields of a transcript record that usage is read from.
const RECORD: [&str; 8] = [
    "type",
    "timestamp",
    "sessionId",
    "cwd",
    "requestId",
    "costUSD",
    "message",
    "advisorModel",
];

/// [`RECORD`] and `data`, where a `progress` line holds a sub-agent's record.
const LINE: [&str; 9] = [
    "type",
    "timestamp",
    "sessionId",
    "cwd",
    "requestId",
    "costUSD",
    "message",
    "advisorModel",
    "data",
];

/// A record's fields as raw JSON (see [`RECORD`]).
#[derive(Clone, Copy)]
struct Record<'a> {
    ty: Option<&'a RawValue>,
    timestamp: Option<&'a RawValue>,
    session: Option<&'a RawValue>,
    cwd: Option<&'a RawValue>,
    request: Option<&'a RawValue>,
    cost: Option<&'a RawValue>,
    message: Option<&'a RawValue>,
    advisor_model: Option<&'a RawValue>,
}

impl<'a> Record<'a> {
    fn new(
        [
            ty,
            timestamp,
            session,
            cwd,
            request,
            cost,
            message,
            advisor_model,
        ]: [Option<&'a RawValue>; 8],
    ) -> Self {
        Record {
            ty,
            timestamp,
            session,
            cwd,
            request,
            cost,
            message,
            advisor_model,
        }
    }

    fn is(&self, ty: &str) -> bool {
        self.ty.and_then(json::string).as_deref() == Some(ty)
    }
}

/// Decodes one line. Never fails: a field of the wrong type spoils only itself.
pub fn decode(line: &[u8]) -> Entry {
    if !scan::is_object(line) {
        return Entry::Undecodable;
    }
    let text = String::from_utf8_lossy(line);
    let Some(fields) = json::fields(&text, &LINE) else {
        return Entry::Undecodable;
    };
    let [head @ .., data] = fields;
    let outer = Record::new(head);
    let line_at = outer.timestamp.and_then(json::rfc3339);
    let usage = if outer.is("assistant") {
        usage(&outer)
    } else if outer.is("progress") {
        data.and_then(|d| json::field(d.get(), "message"))
            .and_then(|inner| embedded(inner, &outer))
    } else {
        None
    };
    match usage {
        Some(usage) => Entry::Usage {
            line_at,
            usage: Box::new(usage),
        },
        None => Entry::Other { at: line_at },
    }
}

/// The sub-agent record a `progress` line (`data.type` `agent_progress`,
/// written up to Claude Code 2.1.70) carries in `data.message`: an
/// assistant record of its own, with `timestamp`, `requestId` and `message`.
/// A field it lacks is taken from the line around it.
fn embedded(inner: &RawValue, outer: &Record<'_>) -> Option<UsageLine> {
    let inner = Record::new(json::fields(inner.get(), &RECORD)?);
    if inner.ty.is_some() && !inner.is("assistant") {
        return None;
    }
    usage(&Record {
        timestamp: inner.timestamp.or(outer.timestamp),
        session: inner.session.or(outer.session),
        cwd: inner.cwd.or(outer.cwd),
        request: inner.request.or(outer.request),
        ..inner
    })
}

/// The usage of an assistant record, when its `message.usage` is an object.
fn usage(record: &Record<'_>) -> Option<UsageLine> {
    let [id, model, usage] = record
        .message
        .and_then(|m| json::fields(m.get(), &["id", "model", "usage"]))?;
    let (tokens, hour, iterations) = usage.and_then(tokens)?;
    let id = string(id);
    let key = match (id, string(record.request)) {
        (Some(id), Some(request)) => Some(RequestKey::MessageAndRequest(id, request)),
        (Some(id), None) => Some(RequestKey::Message(id)),
        (None, _) => None,
    };
    let advisor_model = json::trimmed(record.advisor_model);
    Some(UsageLine {
        at: record.timestamp.and_then(json::rfc3339),
        session: string(record.session),
        cwd: string(record.cwd),
        model: json::trimmed(model),
        tokens,
        cache_write_1h: hour,
        cost_usd: record
            .cost
            .and_then(json::number)
            .filter(|c| c.is_finite() && *c >= 0.0)
            .map(|c| c + 0.0),
        key,
        advisors: iterations.map_or_else(Vec::new, |i| advisors(i, advisor_model.as_deref())),
    })
}

/// A usage object's four buckets, how many of its cache writes are kept
/// for an hour, and its `iterations` when it has them. `None` when `usage`
/// is not an object.
fn tokens(usage: &RawValue) -> Option<(Tokens, u64, Option<&RawValue>)> {
    let names = [
        "input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
        "cache_creation",
        "iterations",
    ];
    let [
        input,
        output,
        cache_read,
        cache_write,
        breakdown,
        iterations,
    ] = json::fields(usage.get(), &names)?;
    let tokens = Tokens {
        input: json::count(input),
        output: json::count(output),
        cache_read: json::count(cache_read),
        // Versions before 2.1.152 could write 0 here while the per-TTL
        // breakdown held the real count: take whichever is larger.
        cache_write: json::count(cache_write).max(breakdown.map_or(0, cache_creation_sum)),
    };
    let hour = breakdown.map_or(0, one_hour).min(tokens.cache_write);
    Some((tokens, hour, iterations))
}

/// The `advisor_message` entries of `usage.iterations`, each with its own
/// model (else `advisor_model`, the record's `advisorModel`) and buckets.
/// Anything that is not an array, and entries that are not objects or of
/// another type, are skipped.
fn advisors(iterations: &RawValue, advisor_model: Option<&str>) -> Vec<AdvisorUsage> {
    let Ok(entries) = serde_json::from_str::<Vec<&RawValue>>(iterations.get()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries {
        let Some([ty, model]) = json::fields(entry.get(), &["type", "model"]) else {
            continue;
        };
        if ty.and_then(json::string).as_deref() != Some("advisor_message") {
            continue;
        }
        let Some((tokens, _, _)) = tokens(entry) else {
            continue;
        };
        found.push(AdvisorUsage {
            nth: u32::try_from(found.len()).unwrap_or(u32::MAX),
            model: json::trimmed(model).or_else(|| advisor_model.map(str::to_owned)),
            tokens,
        });
    }
    found
}

/// The sum of `cache_creation`'s per-TTL counts (`ephemeral_5m_input_tokens`, ...).
fn cache_creation_sum(breakdown: &RawValue) -> u64 {
    let names = ["ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"];
    let [five_minutes, one_hour] = json::fields(breakdown.get(), &names).unwrap_or_default();
    json::count(five_minutes).saturating_add(json::count(one_hour))
}

/// `cache_creation.ephemeral_1h_input_tokens`.
fn one_hour(breakdown: &RawValue) -> u64 {
    let [hour] = json::fields(breakdown.get(), &["ephemeral_1h_input_tokens"]).unwrap_or_default();
    json::count(hour)
}

fn string(raw: Option<&RawValue>) -> Option<String> {
    raw.and_then(json::string).map(|s| s.into_owned())
}
