//! A usage record of a Pi / Oh My Pi transcript (a "turn", whatever its
//! kind), and how copies of it in forked files are recognised.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use openusage_core::usage::{Tokens, kind};
use openusage_jsonl::{instant, json};
use serde_json::value::RawValue;

/// Model id used when an assistant turn names none.
pub const UNKNOWN_MODEL: &str = "unknown";

/// What a record's usage was spent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// An assistant message: `message.usage`.
    Assistant,
    /// A tool's own model calls: a `toolResult` message's `message.usage`.
    ToolResult,
    /// The summariser call of a `compaction` entry: its `usage`.
    Compaction,
    /// The summariser call of a `branch_summary` entry: its `usage`.
    BranchSummary,
    /// An Oh My Pi side call (titles and the like): a `model_usage` entry.
    ModelUsage,
    /// Usage outside any model response: a Pi `usage` entry (its cache
    /// warmer's `cache_warm`, or any later `kind`).
    Usage,
}

impl Kind {
    /// The name snapshots and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Assistant => kind::ASSISTANT,
            Kind::ToolResult => kind::TOOL_RESULT,
            Kind::Compaction => kind::COMPACTION,
            Kind::BranchSummary => kind::BRANCH_SUMMARY,
            Kind::ModelUsage => kind::MODEL_USAGE,
            Kind::Usage => kind::USAGE,
        }
    }
}

/// A usage record, before the file-level rules (zero, copies) apply.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Turn {
    pub kind: Kind,
    /// The first timestamp that parses: the line's, then the message's;
    /// `None` when neither does (the caller falls back to the file's mtime).
    pub at: Option<DateTime<Utc>>,
    /// Shared by every turn of a file that names the same model: a file
    /// holds thousands of turns and a handful of names.
    pub model: Arc<str>,
    pub provider: Option<Arc<str>>,
    pub tokens: Tokens,
    pub cost_usd: Option<f64>,
    /// A `usage` entry's own `kind` (`cache_warm`), shown beside the kind.
    #[serde(default)]
    pub subkind: Option<Arc<str>>,
    /// The model that answered (`responseModel`), when recorded.
    #[serde(default)]
    pub response_model: Option<Arc<str>>,
    /// What, besides its kind, model, provider and buckets, identifies the
    /// turn across files; `None`: nothing does (see [`Turn::copy_key`]).
    pub identity: Option<Identity>,
}

/// The part of a turn's copy key that its other fields do not hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Identity {
    /// The message's `timestamp`.
    Message { timestamp: Scalar },
    /// No message timestamp, but the line has a string `id`: it and the
    /// line's `timestamp` as written.
    Entry {
        id: String,
        timestamp: Option<Scalar>,
    },
}

/// The identity of a turn across files (forks copy turns verbatim),
/// borrowed from the turn so that a turn keeps its names once. The kind is
/// part of it: records of different kinds are never copies of each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CopyKey<'a> {
    /// The message has a `timestamp`: it and the usage identify the turn.
    Message {
        kind: Kind,
        timestamp: &'a Scalar,
        provider: Option<&'a str>,
        model: &'a str,
        tokens: Tokens,
    },
    /// No message timestamp, but the line has a string `id`.
    Entry {
        kind: Kind,
        id: &'a str,
        timestamp: Option<&'a Scalar>,
    },
}

/// A [`CopyKey`] reduced to 128 bits (xxh3): what a file keeps per turn
/// instead of the key's strings. Two different keys share a digest with a
/// probability of about n² / 2^129 for n turns: for 10^9 turns, 10^-21.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Key([u64; 2]);

impl CopyKey<'_> {
    /// The digest of the key: every part written unambiguously (a tag per
    /// variant and per option, strings with their length) and hashed.
    pub fn digest(&self) -> Key {
        let mut bytes = Vec::with_capacity(96);
        match self {
            CopyKey::Message {
                kind,
                timestamp,
                provider,
                model,
                tokens,
            } => {
                bytes.extend([0, *kind as u8]);
                put_scalar(&mut bytes, Some(timestamp));
                put_str(&mut bytes, *provider);
                put_str(&mut bytes, Some(model));
                for n in [
                    tokens.input,
                    tokens.output,
                    tokens.cache_read,
                    tokens.cache_write,
                ] {
                    bytes.extend(n.to_le_bytes());
                }
            }
            CopyKey::Entry {
                kind,
                id,
                timestamp,
            } => {
                bytes.extend([1, *kind as u8]);
                put_str(&mut bytes, Some(id));
                put_scalar(&mut bytes, *timestamp);
            }
        }
        let h = xxhash_rust::xxh3::xxh3_128(&bytes);
        Key([h as u64, (h >> 64) as u64])
    }
}

fn put_str(bytes: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => bytes.push(0),
        Some(s) => {
            bytes.push(1);
            bytes.extend((s.len() as u64).to_le_bytes());
            bytes.extend(s.as_bytes());
        }
    }
}

fn put_scalar(bytes: &mut Vec<u8>, s: Option<&Scalar>) {
    match s {
        None => bytes.push(0),
        Some(Scalar::Number(bits)) => {
            bytes.push(1);
            bytes.extend(bits.to_le_bytes());
        }
        Some(Scalar::Text(t)) => {
            bytes.push(2);
            put_str(bytes, Some(t));
        }
        Some(Scalar::Raw(r)) => {
            bytes.push(3);
            put_str(bytes, Some(r));
        }
    }
}

impl Turn {
    /// How copies of this turn in other files are recognised; `None` when
    /// nothing identifies it (it is then unique).
    pub fn copy_key(&self) -> Option<CopyKey<'_>> {
        let kind = self.kind;
        Some(match self.identity.as_ref()? {
            Identity::Message { timestamp } => CopyKey::Message {
                kind,
                timestamp,
                provider: self.provider.as_deref(),
                model: &self.model,
                tokens: self.tokens,
            },
            Identity::Entry { id, timestamp } => CopyKey::Entry {
                kind,
                id,
                timestamp: timestamp.as_ref(),
            },
        })
    }
}

/// A JSON value compared by meaning where that is cheap: numbers by value
/// (`1.7e12` equals `1700000000000`), strings decoded, anything else as its
/// raw text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Scalar {
    Number(u64),
    Text(String),
    Raw(String),
}

/// The raw values a usage record is read from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'a> {
    pub kind: Kind,
    /// The usage object.
    pub usage: &'a RawValue,
    pub model: Option<&'a RawValue>,
    pub provider: Option<&'a RawValue>,
    /// The message's `timestamp` (records that are messages).
    pub msg_ts: Option<&'a RawValue>,
    /// The line's `id` and `timestamp`.
    pub id: Option<&'a RawValue>,
    pub timestamp: Option<&'a RawValue>,
    /// A `usage` entry's `kind`.
    pub subkind: Option<&'a RawValue>,
    /// A message's `responseModel`.
    pub response_model: Option<&'a RawValue>,
}

/// The record `src` describes, with `model` and `provider` as named there
/// (the model `unknown` when it names none); `None` when the usage is not
/// an object.
pub(crate) fn read(src: &Source<'_>) -> Option<Turn> {
    let [input, output, cache_read, cache_write, cost, orchestration] = json::fields(
        src.usage.get(),
        &[
            "input",
            "output",
            "cacheRead",
            "cacheWrite",
            "cost",
            "orchestration",
        ],
    )?;
    let mut tokens = Tokens {
        input: json::count(input),
        output: json::count(output),
        cache_read: json::count(cache_read),
        cache_write: json::count(cache_write),
    };
    // Oh My Pi moves part of a request's tokens out of the buckets into
    // `usage.orchestration`; the request used both.
    if let Some(moved) = orchestration.and_then(orchestration_tokens) {
        tokens.add(&moved);
    }
    let model = Arc::from(json::trimmed(src.model).as_deref().unwrap_or(UNKNOWN_MODEL));
    let provider = json::trimmed(src.provider).map(|p| Arc::from(p.as_str()));
    let msg_ts = src.msg_ts.filter(|t| !is_absent(t));
    let identity = match msg_ts {
        Some(ts) => Some(Identity::Message {
            timestamp: scalar(ts),
        }),
        None => src.id.and_then(json::string).map(|id| Identity::Entry {
            id: id.into_owned(),
            timestamp: src.timestamp.map(scalar),
        }),
    };
    Some(Turn {
        kind: src.kind,
        at: src
            .timestamp
            .and_then(json::rfc3339)
            .or_else(|| msg_ts.and_then(unix_millis)),
        model,
        provider,
        tokens,
        cost_usd: cost
            .and_then(|c| json::field(c.get(), "total"))
            .and_then(recorded_cost),
        subkind: json::trimmed(src.subkind).map(|k| Arc::from(k.as_str())),
        response_model: json::trimmed(src.response_model).map(|m| Arc::from(m.as_str())),
        identity,
    })
}

/// A message timestamp that says nothing: `null`, `0` (Oh My Pi's stats
/// treat 0 as absent; two records stamped 0 are not copies of each other),
/// or a number of milliseconds outside the accepted range ([`instant`]),
/// which no time zone could show.
fn is_absent(raw: &RawValue) -> bool {
    match json::number(raw) {
        Some(0.0) => true,
        Some(_) => unix_millis(raw).is_none() && is_whole_millis(raw),
        None => json::is_null(raw),
    }
}

/// A finite number with an integral value (a whole count of milliseconds).
fn is_whole_millis(raw: &RawValue) -> bool {
    json::number(raw).is_some_and(|ms| ms.is_finite() && ms.fract() == 0.0)
}

/// The buckets of `usage.orchestration` (`input`, `output`, `cacheRead`;
/// Oh My Pi writes no cache writes there), by the usual bucket rule.
fn orchestration_tokens(raw: &RawValue) -> Option<Tokens> {
    let [input, output, cache_read] = json::fields(raw.get(), &["input", "output", "cacheRead"])?;
    Some(Tokens {
        input: json::count(input),
        output: json::count(output),
        cache_read: json::count(cache_read),
        cache_write: 0,
    })
}

/// `usage.cost.total` counts when it is a finite number >= 0.
fn recorded_cost(raw: &RawValue) -> Option<f64> {
    // Adding 0.0 turns -0 into 0, so a sum never prints as "-0.0".
    json::number(raw)
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v + 0.0)
}

/// Unix milliseconds: a number with an integral value (`1.7e12` too), in
/// the accepted range ([`instant`]).
fn unix_millis(raw: &RawValue) -> Option<DateTime<Utc>> {
    let ms = json::number(raw)?;
    if !ms.is_finite() || ms.fract() != 0.0 || ms.abs() > i64::MAX as f64 {
        return None;
    }
    instant::from_millis(ms as i64)
}

fn scalar(raw: &RawValue) -> Scalar {
    if let Some(n) = json::number(raw) {
        return Scalar::Number((n + 0.0).to_bits());
    }
    match json::string(raw) {
        Some(text) => Scalar::Text(text.into_owned()),
        None => Scalar::Raw(raw.get().to_owned()),
    }
}
