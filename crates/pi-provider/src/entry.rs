//! Decoding one line of a Pi / Oh My Pi transcript into what it means for
//! usage: a header, a usage record, a change of model, or something we pass
//! over.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use openusage_jsonl::json;
use openusage_jsonl::scan::{self, Capture};
use serde_json::value::RawValue;

use crate::turn::{self, Kind, Source, Turn};

/// What one line is, as far as usage is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Not a JSON object (bad JSON, half-written, nested too deep, `42`).
    Undecodable,
    /// Oh My Pi's title slot, written before the header, with its title
    /// (trimmed; `None` when empty or not a string).
    Title(Option<String>),
    /// `{"type":"session","id":<string>}`: starts a session.
    Header(Header),
    /// A usage record that names its model (an assistant turn always does:
    /// one without a model is the model `unknown`).
    Turn(Turn),
    /// A usage record that names no model (a tool result, a summary, a side
    /// call): it is the session's current model's; the turn's model and
    /// provider are to be replaced.
    Unattributed(Turn),
    /// `model_change`: the session's model from here on.
    ModelChange(Model),
    /// Oh My Pi's `title_change`: the session's title from here on (`None`
    /// when its `title` is empty or not a string).
    TitleChange(Option<String>),
    /// Pi's `session_info`: its `name` is the session's name from here on,
    /// `None` (empty, missing) clearing it.
    SessionInfo(Option<String>),
    /// Any other record.
    Other,
}

/// A session header.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    pub id: String,
    /// The header's `timestamp` when it parses as RFC 3339.
    pub started: Option<DateTime<Utc>>,
    /// The final segment of `cwd`, when there is one.
    pub workspace: Option<String>,
    /// `cwd` exactly as recorded; `None` when empty or not a string.
    #[serde(default)]
    pub cwd: Option<String>,
    /// Oh My Pi's `title` in the header (trimmed, non-empty).
    #[serde(default)]
    pub title: Option<String>,
    /// The model the header names (Pi's first format: `provider`,
    /// `modelId`), the session's model until a `model_change`.
    #[serde(default)]
    pub model: Option<Model>,
}

/// A model and its upstream provider, as a `model_change` names them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Model {
    pub model: Arc<str>,
    pub provider: Option<Arc<str>>,
}

/// Every line that matters holds one of these as a string: the types of
/// headers, title slots, title changes, session names, model changes and
/// entries with usage, and the roles of messages with usage.
const WORDS: [&[u8]; 11] = [
    b"session",
    b"title",
    b"title_change",
    b"session_info",
    b"assistant",
    b"toolResult",
    b"compaction",
    b"branch_summary",
    b"model_usage",
    b"model_change",
    b"usage",
];

/// Once the header is known, a line matters only when it is another
/// header, a model change, a title change, a session name, or holds usage:
/// every usage-bearing record (an assistant turn, a tool result, a
/// compaction, a branch summary, a side call, a usage entry) has its
/// counts under a `usage` key, and nothing else is read of a record without
/// one. (A title slot after the header is passed over.)
const MATTERS: [&[u8]; 5] = [
    b"session",
    b"session_info",
    b"model_change",
    b"title_change",
    b"usage",
];

/// `MATTERS`: the whole strings one of which a line must hold to be
/// examined once the header is known (see
/// [`openusage_files::Incremental::words`]).
pub fn words() -> &'static [&'static [u8]] {
    &MATTERS
}

/// Where the values a line is read from sit in it.
const PATHS: [&[&[u8]]; 17] = [
    &[b"type"],
    &[b"id"],
    &[b"timestamp"],
    &[b"cwd"],
    &[b"message", b"role"],
    &[b"message", b"usage"],
    &[b"message", b"model"],
    &[b"message", b"provider"],
    &[b"message", b"timestamp"],
    &[b"usage"],
    &[b"model"],
    &[b"provider"],
    &[b"modelId"],
    &[b"kind"],
    &[b"message", b"responseModel"],
    &[b"title"],
    &[b"name"],
];

/// The raw values of one line that decide what it is.
#[derive(Default)]
struct Fields<'a> {
    ty: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
    timestamp: Option<&'a RawValue>,
    cwd: Option<&'a RawValue>,
    /// `usage`, `model`, `provider` and `modelId` of the entry itself.
    usage: Option<&'a RawValue>,
    model: Option<&'a RawValue>,
    provider: Option<&'a RawValue>,
    model_id: Option<&'a RawValue>,
    /// A `usage` entry's own name for the operation (`cache_warm`).
    kind: Option<&'a RawValue>,
    /// The `title` of a title slot, `title_change` or header.
    title: Option<&'a RawValue>,
    /// The `name` of a `session_info`.
    name: Option<&'a RawValue>,
    message: MessageFields<'a>,
}

/// The same, of its `message`.
#[derive(Default)]
struct MessageFields<'a> {
    role: Option<&'a RawValue>,
    usage: Option<&'a RawValue>,
    model: Option<&'a RawValue>,
    provider: Option<&'a RawValue>,
    timestamp: Option<&'a RawValue>,
    /// The model that answered, when not the one asked for.
    response_model: Option<&'a RawValue>,
}

/// Decodes one line. Never fails: a line that is not a JSON object is
/// [`Entry::Undecodable`], and a field of the wrong type spoils only itself.
pub fn decode(line: &[u8]) -> Entry {
    // Most bytes are tool output and user content: a line that holds none
    // of the words a line that matters must hold is none of them. For the
    // others one pass finds the few values that matter.
    match scan::capture(line, &WORDS, &PATHS) {
        Capture::Undecodable => Entry::Undecodable,
        Capture::Irrelevant => Entry::Other,
        Capture::Found(spans) => {
            // Found means valid UTF-8 (else Unsure): checked, not converted.
            let Ok(text) = std::str::from_utf8(line) else {
                return decode_slowly(line);
            };
            let raw = |i: usize| {
                let (a, b) = spans[i]?;
                serde_json::from_str::<&RawValue>(text.get(a..b)?).ok()
            };
            entry(&Fields {
                ty: raw(0),
                id: raw(1),
                timestamp: raw(2),
                cwd: raw(3),
                message: MessageFields {
                    role: raw(4),
                    usage: raw(5),
                    model: raw(6),
                    provider: raw(7),
                    timestamp: raw(8),
                    response_model: raw(14),
                },
                usage: raw(9),
                model: raw(10),
                provider: raw(11),
                model_id: raw(12),
                kind: raw(13),
                title: raw(15),
                name: raw(16),
            })
        }
        Capture::Unsure => decode_slowly(line),
    }
}

/// The full decoder, for lines whose keys hold escapes or whose bytes are
/// not UTF-8 (invalid UTF-8 must not drop the line; it reads as U+FFFD).
fn decode_slowly(line: &[u8]) -> Entry {
    let text = String::from_utf8_lossy(line);
    let names = [
        "type",
        "id",
        "timestamp",
        "message",
        "cwd",
        "usage",
        "model",
        "provider",
        "modelId",
        "kind",
        "title",
        "name",
    ];
    let Some(
        [
            ty,
            id,
            timestamp,
            message,
            cwd,
            usage,
            model,
            provider,
            model_id,
            kind,
            title,
            name,
        ],
    ) = json::fields(&text, &names)
    else {
        return Entry::Undecodable;
    };
    let names = [
        "role",
        "usage",
        "model",
        "provider",
        "timestamp",
        "responseModel",
    ];
    let [role, m_usage, m_model, m_provider, m_ts, m_response] = message
        .and_then(|m| json::fields(m.get(), &names))
        .unwrap_or_default();
    entry(&Fields {
        ty,
        id,
        timestamp,
        cwd,
        usage,
        model,
        provider,
        model_id,
        kind,
        title,
        name,
        message: MessageFields {
            role,
            usage: m_usage,
            model: m_model,
            provider: m_provider,
            timestamp: m_ts,
            response_model: m_response,
        },
    })
}

fn entry(f: &Fields<'_>) -> Entry {
    let ty = f.ty.and_then(json::string);
    let of_entry = |kind| usage_of_entry(f, kind).unwrap_or(Entry::Other);
    match ty.as_deref() {
        Some("title") => Entry::Title(json::trimmed(f.title)),
        Some("session") => header(f).map_or(Entry::Other, Entry::Header),
        Some("message") => usage_of_message(f).unwrap_or(Entry::Other),
        Some("compaction") => of_entry(Kind::Compaction),
        Some("branch_summary") => of_entry(Kind::BranchSummary),
        Some("model_usage") => of_entry(Kind::ModelUsage),
        // Pi's usage outside model responses (its cache warmer's, and any
        // later `kind`: Pi's docs say to treat unknown kinds as usage).
        Some("usage") => of_entry(Kind::Usage),
        Some("model_change") => model(f).map_or(Entry::Other, Entry::ModelChange),
        Some("title_change") => Entry::TitleChange(json::trimmed(f.title)),
        Some("session_info") => Entry::SessionInfo(json::trimmed(f.name)),
        _ => Entry::Other,
    }
}

fn header(f: &Fields<'_>) -> Option<Header> {
    let id = f.id.and_then(json::string)?;
    let cwd = f.cwd.and_then(json::string).filter(|c| !c.is_empty());
    Some(Header {
        id: id.into_owned(),
        started: f.timestamp.and_then(json::rfc3339),
        workspace: cwd.as_deref().and_then(openusage_core::workspace_label),
        cwd: cwd.map(|c| c.into_owned()),
        title: json::trimmed(f.title),
        model: model(f),
    })
}

/// An assistant message's usage, or a tool result's.
fn usage_of_message(f: &Fields<'_>) -> Option<Entry> {
    let m = &f.message;
    let kind = match m.role.and_then(json::string).as_deref() {
        Some("assistant") => Kind::Assistant,
        Some("toolResult") => Kind::ToolResult,
        _ => return None,
    };
    let turn = turn::read(&Source {
        kind,
        usage: m.usage?,
        model: m.model,
        provider: m.provider,
        msg_ts: m.timestamp,
        id: f.id,
        timestamp: f.timestamp,
        subkind: None,
        response_model: m.response_model,
    })?;
    let named = kind == Kind::Assistant || json::trimmed(m.model).is_some();
    Some(if named {
        Entry::Turn(turn)
    } else {
        Entry::Unattributed(turn)
    })
}

/// The `usage` of a compaction, branch summary, side call or usage entry. Only the
/// entry's own: usage inside `retainedTail` or `preserveData` belongs to
/// the copies of earlier messages those hold, and is never looked at.
fn usage_of_entry(f: &Fields<'_>, kind: Kind) -> Option<Entry> {
    let turn = turn::read(&Source {
        kind,
        usage: f.usage?,
        model: f.model,
        provider: f.provider,
        msg_ts: None,
        id: f.id,
        timestamp: f.timestamp,
        subkind: f.kind.filter(|_| kind == Kind::Usage),
        response_model: None,
    })?;
    Some(if json::trimmed(f.model).is_some() {
        Entry::Turn(turn)
    } else {
        Entry::Unattributed(turn)
    })
}

/// The model a `model_change` (or a first-format header) names: Pi's
/// `provider` and `modelId`, or Oh My Pi's `model` as `provider/id` (an id
/// that itself holds `/` keeps it: only the first one separates).
fn model(f: &Fields<'_>) -> Option<Model> {
    let provider = json::trimmed(f.provider);
    let (model, provider) = match (json::trimmed(f.model_id), json::trimmed(f.model)) {
        (Some(id), _) => (id, provider),
        (None, Some(model)) if provider.is_some() => (model, provider),
        (None, Some(model)) => match model.split_once('/') {
            Some((p, id)) if !p.trim().is_empty() && !id.trim().is_empty() => {
                (id.trim().to_owned(), Some(p.trim().to_owned()))
            }
            _ => (model, None),
        },
        (None, None) => return None,
    };
    Some(Model {
        model: Arc::from(model.as_str()),
        provider: provider.map(|p| Arc::from(p.as_str())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turn::{CopyKey, Scalar, UNKNOWN_MODEL};
    use openusage_core::usage::Tokens;

    fn turn_of(line: &str) -> Turn {
        match decode(line.as_bytes()) {
            Entry::Turn(t) => t,
            other => panic!("not a turn: {other:?}"),
        }
    }

    /// An assistant line with the given `usage` object.
    fn with_usage(usage: &str) -> String {
        format!(
            r#"{{"type":"message","id":"b2c3d4e5","timestamp":"2026-03-10T08:15:07.412Z","message":{{"role":"assistant","content":[],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{usage},"timestamp":1773130502001}}}}"#
        )
    }

    fn buckets(usage: &str) -> Tokens {
        turn_of(&with_usage(usage)).tokens
    }

    #[test]
    fn a_real_assistant_line_is_a_turn_with_its_four_buckets_and_cost() {
        let t = turn_of(&with_usage(
            r#"{"input":3,"output":212,"cacheRead":18234,"cacheWrite":1432,"totalTokens":19881,"cost":{"input":0.000009,"total":0.0140292}}"#,
        ));
        assert_eq!(
            t.tokens,
            Tokens {
                input: 3,
                output: 212,
                cache_read: 18234,
                cache_write: 1432
            }
        );
        assert_eq!(t.cost_usd, Some(0.0140292));
        assert_eq!(&*t.model, "claude-sonnet-4-5");
        assert_eq!(t.provider.as_deref(), Some("anthropic"));
        assert_eq!(t.at.unwrap().to_rfc3339(), "2026-03-10T08:15:07.412+00:00");
    }

    #[test]
    fn bad_buckets_count_as_zero_and_fractions_truncate() {
        assert_eq!(
            buckets(r#"{"input":-5,"output":"12","cacheRead":1e400,"cacheWrite":12.9}"#),
            Tokens {
                cache_write: 12,
                ..Tokens::default()
            }
        );
        assert_eq!(
            buckets(
                r#"{"input":18446744073709551616,"output":-0,"cacheRead":null,"cacheWrite":[1]}"#
            ),
            Tokens::default()
        );
        assert_eq!(
            buckets(r#"{"input":9007199254740992,"output":0.99}"#),
            Tokens {
                input: 9_007_199_254_740_992,
                ..Tokens::default()
            }
        );
        assert_eq!(buckets(r#"{"input":9007199254740994}"#), Tokens::default());
        assert_eq!(
            buckets(r#"{"output":7}"#),
            Tokens {
                output: 7,
                ..Tokens::default()
            }
        );
    }

    #[test]
    fn cost_is_recorded_only_when_a_finite_non_negative_number() {
        let cost = |c: &str| turn_of(&with_usage(&format!(r#"{{"input":1,"cost":{c}}}"#))).cost_usd;
        assert_eq!(cost(r#"{"total":0.5}"#), Some(0.5));
        assert_eq!(cost(r#"{"total":0}"#), Some(0.0));
        assert_eq!(
            cost(r#"{"total":-0}"#).map(f64::is_sign_positive),
            Some(true)
        );
        assert_eq!(cost(r#"{"total":-0.1}"#), None);
        assert_eq!(cost(r#"{"total":"0.5"}"#), None);
        assert_eq!(cost(r#"{"total":1e400}"#), None);
        assert_eq!(cost(r#"{"input":0.5}"#), None);
        assert_eq!(cost(r#"0.5"#), None);
    }

    #[test]
    fn only_assistant_messages_with_a_usage_object_are_turns() {
        let user = r#"{"type":"message","message":{"role":"user","usage":{"input":5}}}"#;
        let no_usage = r#"{"type":"message","message":{"role":"assistant"}}"#;
        let usage_string = r#"{"type":"message","message":{"role":"assistant","usage":"5"}}"#;
        let not_message = r#"{"type":"custom","message":{"role":"assistant","usage":{"input":5}}}"#;
        let message_not_object = r#"{"type":"message","message":[1]}"#;
        for line in [
            user,
            no_usage,
            usage_string,
            not_message,
            message_not_object,
        ] {
            assert_eq!(decode(line.as_bytes()), Entry::Other, "{line}");
        }
    }

    #[test]
    fn lines_that_are_not_json_objects_do_not_decode() {
        let deep = format!(
            r#"{{"type":"message","x":{}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        for line in [
            "{\"type\":\"message\",",
            "42",
            "[]",
            "not json",
            deep.as_str(),
        ] {
            assert_eq!(decode(line.as_bytes()), Entry::Undecodable, "{line}");
        }
    }

    #[test]
    fn invalid_utf8_and_lone_surrogates_never_drop_a_line() {
        let mut line = with_usage(r#"{"input":1}"#).into_bytes();
        let at = line
            .windows(11)
            .position(|w| w == b"\"content\":[")
            .unwrap()
            + 11;
        line.splice(at..at, b"\"bad \xff\xfe bytes\"".iter().copied());
        assert!(
            std::str::from_utf8(&line).is_err(),
            "the test line must not be UTF-8"
        );
        let Entry::Turn(t) = decode(&line) else {
            panic!("invalid UTF-8 dropped the line")
        };
        assert_eq!(t.tokens.input, 1);

        let t = turn_of(&with_usage(r#"{"input":1}"#).replace("claude-sonnet-4-5", r"gpt-5\ud83d"));
        assert_eq!(&*t.model, "gpt-5\u{FFFD}");
        let mut raw_model = with_usage(r#"{"input":1}"#).into_bytes();
        let at = raw_model.windows(6).position(|w| w == b"claude").unwrap();
        raw_model[at] = 0xC3; // a lead byte with no continuation
        let Entry::Turn(t) = decode(&raw_model) else {
            panic!("dropped")
        };
        assert_eq!(&*t.model, "\u{FFFD}laude-sonnet-4-5");
    }

    #[test]
    fn model_and_provider_are_trimmed_and_missing_model_is_unknown() {
        let line = with_usage(r#"{"input":1}"#)
            .replace(r#""claude-sonnet-4-5""#, r#""  claude-sonnet-4-5 ""#)
            .replace(r#""anthropic""#, r#"" ""#);
        let t = turn_of(&line);
        assert_eq!((&*t.model, t.provider), ("claude-sonnet-4-5", None));
        let t =
            turn_of(&with_usage(r#"{"input":1}"#).replace(r#""model":"claude-sonnet-4-5","#, ""));
        assert_eq!(&*t.model, UNKNOWN_MODEL);
        let t = turn_of(&with_usage(r#"{"input":1}"#).replace(r#""claude-sonnet-4-5""#, "42"));
        assert_eq!(&*t.model, UNKNOWN_MODEL);
    }

    #[test]
    fn timestamps_fall_back_from_the_line_to_the_message() {
        let at = |line: String| turn_of(&line).at.map(|t| t.to_rfc3339());
        let base = with_usage(r#"{"input":1}"#);
        assert_eq!(
            at(base.replace("2026-03-10T08:15:07.412Z", "2026-11-20T01:30:00+02:00")),
            Some("2026-11-19T23:30:00+00:00".to_owned())
        );
        // No zone: not RFC 3339, so the message's Unix milliseconds are used.
        let expected = Some("2026-03-10T08:15:02.001+00:00".to_owned());
        assert_eq!(
            at(base.replace("2026-03-10T08:15:07.412Z", "2026-03-10T08:15:07")),
            expected
        );
        assert_eq!(
            at(base.replace(r#""timestamp":"2026-03-10T08:15:07.412Z","#, "")),
            expected
        );
        let no_line_ts = base.replace(r#""timestamp":"2026-03-10T08:15:07.412Z","#, "");
        assert_eq!(
            at(no_line_ts.replace("1773130502001", "1.773130502e12")),
            Some("2026-03-10T08:15:02+00:00".to_owned())
        );
        assert_eq!(
            at(no_line_ts.replace("1773130502001", "1773130502001.5")),
            None
        );
        assert_eq!(
            at(no_line_ts.replace("1773130502001", r#""1773130502001""#)),
            None
        );
    }

    #[test]
    fn copy_keys_use_the_message_timestamp_else_the_entry_id() {
        let base = with_usage(r#"{"input":3,"output":4}"#);
        let base_turn = turn_of(&base);
        let Some(CopyKey::Message {
            kind: Kind::Assistant,
            timestamp,
            provider,
            model,
            tokens,
        }) = base_turn.copy_key()
        else {
            panic!("expected a message key")
        };
        assert_eq!(*timestamp, Scalar::Number(1_773_130_502_001f64.to_bits()));
        assert_eq!((provider, model), (Some("anthropic"), "claude-sonnet-4-5"));
        assert_eq!(
            tokens,
            Tokens {
                input: 3,
                output: 4,
                ..Tokens::default()
            }
        );
        // 1.773130502001e12 is the same number, so the same key.
        let same = base.replace("1773130502001", "1.773130502001e12");
        assert_eq!(turn_of(&same).copy_key(), base_turn.copy_key());

        let no_msg_ts = base.replace(r#","timestamp":1773130502001"#, "");
        let ts = Scalar::Text("2026-03-10T08:15:07.412Z".to_owned());
        assert_eq!(
            turn_of(&no_msg_ts).copy_key(),
            Some(CopyKey::Entry {
                kind: Kind::Assistant,
                id: "b2c3d4e5",
                timestamp: Some(&ts)
            })
        );
        let null_msg_ts = base.replace("1773130502001", "null");
        assert_eq!(
            turn_of(&null_msg_ts).copy_key(),
            turn_of(&no_msg_ts).copy_key()
        );
        let no_id = no_msg_ts.replace(r#""id":"b2c3d4e5","#, "");
        assert_eq!(turn_of(&no_id).copy_key(), None);
        let numeric_id = no_msg_ts.replace(r#""b2c3d4e5""#, "7");
        assert_eq!(turn_of(&numeric_id).copy_key(), None);
    }

    #[test]
    fn headers_need_a_string_id_and_carry_start_and_workspace() {
        let h = decode(br#"{"type":"session","version":3,"id":"7d2c","timestamp":"2026-03-10T08:15:02.114Z","cwd":"/home/alice/code/webapp"}"#);
        let Entry::Header(h) = h else { panic!("{h:?}") };
        assert_eq!(h.id, "7d2c");
        assert_eq!(h.workspace.as_deref(), Some("webapp"));
        assert!(h.started.is_some());
        assert_eq!(decode(br#"{"type":"session","id":5}"#), Entry::Other);
        assert_eq!(
            decode(br#"{"type":"title","v":1,"title":"x"}"#),
            Entry::Title(Some("x".to_owned()))
        );
        let Entry::Header(h) = decode(br#"{"type":"session","id":"x","timestamp":"soon"}"#) else {
            panic!()
        };
        assert_eq!((h.started, h.workspace), (None, None));
    }

    fn entry_of(line: &str) -> Entry {
        decode(line.as_bytes())
    }

    const USAGE: &str =
        r#"{"input":10,"output":20,"cacheRead":30,"cacheWrite":40,"cost":{"total":0.5}}"#;

    #[test]
    fn tool_results_summaries_and_side_calls_are_usage_records_of_their_kind() {
        let tool = format!(
            r#"{{"type":"message","id":"t1","timestamp":"2026-03-10T08:15:07.460Z","message":{{"role":"toolResult","toolName":"subagent","usage":{USAGE},"timestamp":1773130507455}}}}"#
        );
        let compaction = format!(
            r#"{{"type":"compaction","id":"c1","timestamp":"2026-03-10T09:40:00.000Z","summary":"…","usage":{USAGE}}}"#
        );
        let branch = format!(
            r#"{{"type":"branch_summary","id":"b1","timestamp":"2026-03-10T10:00:00.000Z","fromId":"root","usage":{USAGE}}}"#
        );
        let side = format!(
            r#"{{"type":"model_usage","id":"m1","timestamp":"2026-03-10T10:00:01.000Z","purpose":"title","api":"openai-responses","provider":"openai","model":"gpt-5-mini","usage":{USAGE}}}"#
        );
        let tokens = Tokens {
            input: 10,
            output: 20,
            cache_read: 30,
            cache_write: 40,
        };
        for (line, kind) in [
            (&tool, Kind::ToolResult),
            (&compaction, Kind::Compaction),
            (&branch, Kind::BranchSummary),
        ] {
            let Entry::Unattributed(t) = entry_of(line) else {
                panic!("{line}")
            };
            assert_eq!((t.kind, t.tokens, t.cost_usd), (kind, tokens, Some(0.5)));
        }
        let Entry::Turn(t) = entry_of(&side) else {
            panic!("{side}")
        };
        assert_eq!(t.kind, Kind::ModelUsage);
        assert_eq!(
            (&*t.model, t.provider.as_deref()),
            ("gpt-5-mini", Some("openai"))
        );
        // A tool result that names its model is attributed to it.
        let named = tool.replace(r#""toolName""#, r#""model":"haiku","toolName""#);
        let Entry::Turn(t) = entry_of(&named) else {
            panic!("{named}")
        };
        assert_eq!((&*t.model, t.provider), ("haiku", None));
    }

    #[test]
    fn entries_without_a_message_timestamp_are_identified_by_id_and_timestamp() {
        let line = format!(
            r#"{{"type":"compaction","id":"c1","timestamp":"2026-03-10T09:40:00.000Z","usage":{USAGE}}}"#
        );
        let Entry::Unattributed(t) = entry_of(&line) else {
            panic!()
        };
        let ts = Scalar::Text("2026-03-10T09:40:00.000Z".to_owned());
        assert_eq!(
            t.copy_key(),
            Some(CopyKey::Entry {
                kind: Kind::Compaction,
                id: "c1",
                timestamp: Some(&ts)
            })
        );
        assert_eq!(
            t.at,
            DateTime::parse_from_rfc3339("2026-03-10T09:40:00Z")
                .ok()
                .map(|t| t.to_utc())
        );
    }

    #[test]
    fn usage_inside_copies_and_task_details_is_never_a_record() {
        let assistant = format!(
            r#"{{"role":"assistant","provider":"anthropic","model":"m","usage":{USAGE},"timestamp":1}}"#
        );
        // A compaction without usage of its own, holding copies that have some.
        let retained = format!(
            r#"{{"type":"compaction","id":"c1","timestamp":"2026-03-10T09:40:00.000Z","retainedTail":[{assistant}],"preserveData":{{"messages":[{assistant}]}}}}"#
        );
        assert_eq!(entry_of(&retained), Entry::Other);
        // A task tool's result carries its sub-agents' sums in details.
        let task = format!(
            r#"{{"type":"message","id":"t1","message":{{"role":"toolResult","toolName":"task","details":{{"usage":{USAGE}}},"timestamp":5}}}}"#
        );
        assert_eq!(entry_of(&task), Entry::Other);
    }

    /// Pi 1.6.0's `UsageEntry`, as its docs/session-format.md shows it.
    const CACHE_WARM: &str = r#"{"type":"usage","id":"f6g7h8i9","parentId":"e5f6g7h8","timestamp":"2024-12-03T14:08:00.000Z","kind":"cache_warm","provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":0,"output":0,"cacheRead":50000,"cacheWrite":0,"totalTokens":50000,"cost":{"input":0,"output":0,"cacheRead":0.015,"cacheWrite":0,"total":0.015}}}"#;

    #[test]
    fn usage_entries_are_records_of_kind_usage_with_their_own_kind_kept() {
        let Entry::Turn(t) = entry_of(CACHE_WARM) else {
            panic!("not a turn")
        };
        assert_eq!(t.kind, Kind::Usage);
        assert_eq!(t.subkind.as_deref(), Some("cache_warm"));
        assert_eq!(
            (&*t.model, t.provider.as_deref()),
            ("claude-sonnet-4-5", Some("anthropic"))
        );
        assert_eq!(t.tokens.cache_read, 50_000);
        assert_eq!(t.cost_usd, Some(0.015));
        let ts = Scalar::Text("2024-12-03T14:08:00.000Z".to_owned());
        assert_eq!(
            t.copy_key(),
            Some(CopyKey::Entry {
                kind: Kind::Usage,
                id: "f6g7h8i9",
                timestamp: Some(&ts)
            })
        );
        // An unknown kind is usage all the same; no model: the session's.
        let other = CACHE_WARM
            .replace("cache_warm", "prefetch")
            .replace(r#""provider":"anthropic","model":"claude-sonnet-4-5","#, "");
        let Entry::Unattributed(t) = entry_of(&other) else {
            panic!("{other}")
        };
        assert_eq!(
            (t.kind, t.subkind.as_deref()),
            (Kind::Usage, Some("prefetch"))
        );
        // No kind at all: still usage, without a subkind.
        let bare = CACHE_WARM.replace(r#""kind":"cache_warm","#, "");
        let Entry::Turn(t) = entry_of(&bare) else {
            panic!("{bare}")
        };
        assert_eq!((t.kind, t.subkind), (Kind::Usage, None));
        // Only a usage entry has a subkind: a side call's `kind` is not one.
        let side = CACHE_WARM.replace(r#""type":"usage""#, r#""type":"model_usage""#);
        let Entry::Turn(t) = entry_of(&side) else {
            panic!("{side}")
        };
        assert_eq!((t.kind, t.subkind), (Kind::ModelUsage, None));
    }

    #[test]
    fn a_message_timestamp_of_zero_is_no_timestamp() {
        let base = with_usage(r#"{"input":3,"output":4}"#).replace("1773130502001", "0");
        let t = turn_of(&base);
        let ts = Scalar::Text("2026-03-10T08:15:07.412Z".to_owned());
        assert_eq!(
            t.copy_key(),
            Some(CopyKey::Entry {
                kind: Kind::Assistant,
                id: "b2c3d4e5",
                timestamp: Some(&ts)
            })
        );
        // Two records stamped 0 with the same usage are not copies.
        let other = base
            .replace("b2c3d4e5", "c3d4e5f6")
            .replace("08:15:07.412Z", "08:16:00.000Z");
        assert_ne!(turn_of(&other).copy_key(), t.copy_key());
        // Time: the line's; without it, none (the file's mtime applies).
        assert_eq!(t.at.unwrap().to_rfc3339(), "2026-03-10T08:15:07.412+00:00");
        let no_line_ts = base.replace(r#""timestamp":"2026-03-10T08:15:07.412Z","#, "");
        assert_eq!(turn_of(&no_line_ts).at, None);
        let zero_float = base.replace(r#""timestamp":0}"#, r#""timestamp":0.0}"#);
        assert_eq!(turn_of(&zero_float).copy_key(), t.copy_key());
    }

    #[test]
    fn orchestration_tokens_are_added_back_to_their_buckets() {
        let t = turn_of(&with_usage(
            r#"{"input":100,"output":20,"cacheRead":300,"cacheWrite":5,"orchestration":{"input":7,"output":3,"cacheRead":40}}"#,
        ));
        assert_eq!(
            t.tokens,
            Tokens {
                input: 107,
                output: 23,
                cache_read: 340,
                cache_write: 5
            }
        );
        let bad = turn_of(&with_usage(
            r#"{"input":1,"orchestration":{"input":-7,"output":"3","cacheWrite":9}}"#,
        ));
        assert_eq!(
            bad.tokens,
            Tokens {
                input: 1,
                ..Tokens::default()
            }
        );
        let not_object = turn_of(&with_usage(r#"{"input":1,"orchestration":5}"#));
        assert_eq!(not_object.tokens.input, 1);
    }

    #[test]
    fn the_answering_model_is_kept_beside_the_model_asked_for() {
        let line = with_usage(r#"{"input":1}"#).replace(
            r#""model":"claude-sonnet-4-5","#,
            r#""model":"openrouter/auto","responseModel":" anthropic/claude-sonnet-4.5 ","#,
        );
        let t = turn_of(&line);
        assert_eq!(&*t.model, "openrouter/auto");
        assert_eq!(
            t.response_model.as_deref(),
            Some("anthropic/claude-sonnet-4.5")
        );
        assert_eq!(turn_of(&with_usage(r#"{"input":1}"#)).response_model, None);
    }

    #[test]
    fn model_changes_name_pi_s_provider_and_model_id_or_oh_my_pi_s_pair() {
        let model = |line: &str| match entry_of(line) {
            Entry::ModelChange(m) => (m.model.to_string(), m.provider.map(|p| p.to_string())),
            other => panic!("{line}: {other:?}"),
        };
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            model(r#"{"type":"model_change","provider":"openai","modelId":"gpt-5.1-codex"}"#),
            ("gpt-5.1-codex".to_owned(), some("openai"))
        );
        assert_eq!(
            model(
                r#"{"type":"model_change","model":"anthropic/claude-sonnet-4-5","role":"default"}"#
            ),
            ("claude-sonnet-4-5".to_owned(), some("anthropic"))
        );
        assert_eq!(
            model(r#"{"type":"model_change","model":"openrouter/qwen/qwen3-coder"}"#),
            ("qwen/qwen3-coder".to_owned(), some("openrouter"))
        );
        assert_eq!(
            model(r#"{"type":"model_change","model":"local-llm"}"#),
            ("local-llm".to_owned(), None)
        );
        assert_eq!(
            entry_of(r#"{"type":"model_change","modelId":7}"#),
            Entry::Other
        );
    }
}
