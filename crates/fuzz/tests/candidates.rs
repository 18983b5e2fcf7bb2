//! The lines a reader skips unexamined never change its reading: for each
//! provider, transcripts made of real records, noise, records written
//! before the header or the file's first timestamp, words inside other
//! lines' strings, and then cut, byte-flipped, with a word spelled by an
//! escape or split by a newline, are read three ways by the targets of
//! `openusage_fuzz` (plainly, every line examined in full, every line
//! streamed), which compare the whole readings and fail on any difference
//! but fewer lines dropped. `PROPTEST_CASES` raises the number of cases.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every word any reader names, and some every line holds: the ones a
/// mutation spells with an escape or splits.
const WORDS: [&str; 16] = [
    "session",
    "session_info",
    "model_change",
    "title_change",
    "title",
    "usage",
    "assistant",
    "toolResult",
    "token_count",
    "session_meta",
    "turn_context",
    "id",
    "progress",
    "type",
    "message",
    "timestamp",
];

/// What is done to one line.
#[derive(Debug, Clone)]
enum Mutation {
    None,
    /// Cut after this many bytes (modulo its length).
    Cut(usize),
    /// This byte replaced by another.
    Flip(usize, u8),
    /// The `n`th word found on it has one letter written `\u00XX`.
    Escape(usize, usize),
    /// The `n`th word found on it split by a newline.
    Split(usize),
    /// The line quoted inside a user message's string.
    Quoted,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let flip = prop::sample::select(vec![
        b'"', b'\\', b'{', b'}', b',', b':', b' ', b'u', b'0', 0x00, 0x01, 0xff,
    ]);
    prop_oneof![
        6 => Just(Mutation::None),
        1 => any::<usize>().prop_map(Mutation::Cut),
        1 => (any::<usize>(), flip).prop_map(|(at, b)| Mutation::Flip(at, b)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(n, k)| Mutation::Escape(n, k)),
        1 => any::<usize>().prop_map(Mutation::Split),
        1 => Just(Mutation::Quoted),
    ]
}

/// Where the words of `line` are, in order.
fn word_spans(line: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for w in WORDS {
        let w = w.as_bytes();
        for at in 0..line.len().saturating_sub(w.len() - 1) {
            if &line[at..at + w.len()] == w {
                spans.push((at, at + w.len()));
            }
        }
    }
    spans.sort_unstable();
    spans
}

fn apply(line: &str, m: &Mutation) -> Vec<u8> {
    let mut b = line.as_bytes().to_vec();
    let len = b.len().max(1);
    match *m {
        Mutation::None => {}
        Mutation::Cut(at) => b.truncate(at % len),
        Mutation::Flip(at, byte) => {
            if let Some(c) = b.get_mut(at % len) {
                *c = byte;
            }
        }
        Mutation::Escape(n, k) => {
            // In every place the word is on the line, from the last.
            let spans = word_spans(&b);
            if let Some(&(s, e)) = spans.get(n % spans.len().max(1)) {
                let word = b[s..e].to_vec();
                let at = k % (e - s);
                let escape = format!("\\u{:04x}", word[at]);
                let starts: Vec<usize> = spans
                    .iter()
                    .filter(|(s, e)| b[*s..*e] == word)
                    .map(|&(s, _)| s)
                    .collect();
                for s in starts.into_iter().rev() {
                    b.splice(s + at..=s + at, escape.bytes());
                }
            }
        }
        Mutation::Split(n) => {
            let spans = word_spans(&b);
            if let Some(&(s, e)) = spans.get(n % spans.len().max(1)) {
                b.insert(s + (e - s) / 2, b'\n');
            }
        }
        Mutation::Quoted => {
            let quoted = serde_json::to_string(line).unwrap();
            b = format!(r#"{{"type":"message","message":{{"role":"user","content":{quoted}}}}}"#)
                .into_bytes();
        }
    }
    b
}

/// A transcript: `before` lines, then `start`, then `after` lines, each
/// mutated.
fn transcript(
    before: Vec<(String, Mutation)>,
    start: &str,
    after: Vec<(String, Mutation)>,
    end_newline: bool,
) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (line, m) in before {
        bytes.extend(apply(&line, &m));
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(start.as_bytes());
    bytes.push(b'\n');
    for (line, m) in after {
        bytes.extend(apply(&line, &m));
        bytes.push(b'\n');
    }
    if !end_newline {
        bytes.pop();
    }
    bytes
}

fn n() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 1u64..1000, 1000u64..2_000_000]
}

fn pi_line() -> impl Strategy<Value = String> {
    let ts = (0u32..60).prop_map(|s| format!("2026-11-19T10:00:{s:02}.000Z"));
    prop_oneof![
        (n(), n(), n(), ts.clone(), 0u32..9).prop_map(|(i, o, r, ts, id)| format!(
            r#"{{"type":"message","id":"e{id}","timestamp":"{ts}","message":{{"role":"assistant","provider":"anthropic","model":"m{id}","usage":{{"input":{i},"output":{o},"cacheRead":{r},"cost":{{"total":0.5}}}}}}}}"#
        )),
        (n(), ts.clone()).prop_map(|(i, ts)| format!(
            r#"{{"type":"message","id":"t1","timestamp":"{ts}","message":{{"role":"toolResult","usage":{{"input":{i},"output":1}}}}}}"#
        )),
        (n(), prop::sample::select(vec!["compaction", "branch_summary", "model_usage", "usage"]))
            .prop_map(|(i, ty)| format!(
                r#"{{"type":"{ty}","id":"c1","timestamp":"2026-11-19T11:00:00.000Z","kind":"cache_warm","usage":{{"input":{i},"output":2}}}}"#
            )),
        (0u32..3).prop_map(|m| format!(r#"{{"type":"model_change","provider":"openai","modelId":"gpt-{m}"}}"#)),
        Just(r#"{"type":"title_change","title":"A new title"}"#.to_owned()),
        Just(r#"{"type":"session_info","name":"named"}"#.to_owned()),
        Just(r#"{"type":"title","title":"slot"}"#.to_owned()),
        Just(r#"{"type":"session","version":3,"id":"s2","timestamp":"2026-11-19T12:00:00.000Z","cwd":"/home/a/q"}"#.to_owned()),
        Just(r#"{"type":"message","message":{"role":"user","content":"the usage of this session: \"usage\" assistant"}}"#.to_owned()),
        Just(r#"{"type":"message","message":{"role":"toolResult","content":[{"text":"no counts"}]}}"#.to_owned()),
        "[ -~]{0,30}",
    ]
}

const PI_HEADER: &str = r#"{"type":"session","version":3,"id":"s1","timestamp":"2026-11-19T10:00:00.000Z","cwd":"/home/a/p","title":"t"}"#;

fn codex_line() -> impl Strategy<Value = String> {
    let ts = (0u32..60).prop_map(|s| format!("2026-11-19T10:01:{s:02}.000Z"));
    prop_oneof![
        (n(), n(), n(), ts.clone()).prop_map(|(i, c, o, ts)| format!(
            r#"{{"timestamp":"{ts}","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{},"cached_input_tokens":{c},"output_tokens":{o},"reasoning_output_tokens":0,"total_tokens":1}},"last_token_usage":{{"input_tokens":{i},"output_tokens":1}}}},"rate_limits":{{"primary":{{"used_percent":12.0,"window_minutes":300,"resets_at":1795180000}}}}}}}}"#,
            i + c
        )),
        (ts.clone(), 0u32..3).prop_map(|(ts, m)| format!(
            r#"{{"timestamp":"{ts}","type":"turn_context","payload":{{"cwd":"/home/a/w{m}","model":"gpt-5.{m}"}}}}"#
        )),
        ts.clone().prop_map(|ts| format!(
            r#"{{"timestamp":"{ts}","type":"session_meta","payload":{{"id":"c2","timestamp":"{ts}","cwd":"/home/a/o","model_provider":"other","forked_from_id":"c0"}}}}"#
        )),
        Just(r#"{"id":"old-1","timestamp":"2025-06-01T10:00:00.000Z","instructions":"be brief"}"#.to_owned()),
        ts.clone().prop_map(|ts| format!(
            r#"{{"timestamp":"{ts}","type":"response_item","payload":{{"type":"message","role":"assistant","content":[{{"type":"output_text","text":"token_count and session_meta"}}]}}}}"#
        )),
        Just(r#"{"type":"event_msg","payload":{"type":"agent_message","message":"no time"}}"#.to_owned()),
        "[ -~]{0,30}",
    ]
}

const CODEX_META: &str = r#"{"timestamp":"2026-11-19T10:00:00.000Z","type":"session_meta","payload":{"id":"c1","timestamp":"2026-11-19T10:00:00.000Z","cwd":"/home/a/p","model_provider":"openai","source":{"subagent":{"thread_spawn":{"parent_thread_id":"c9"}}}}}"#;

fn claude_line() -> impl Strategy<Value = String> {
    let ts = (0u32..60).prop_map(|s| format!("2026-11-19T10:02:{s:02}.000Z"));
    prop_oneof![
        (n(), n(), n(), ts.clone(), 0u32..5).prop_map(|(i, o, r, ts, id)| format!(
            r#"{{"sessionId":"s1","cwd":"/home/a/p","type":"assistant","requestId":"req_{id}","costUSD":0.25,"message":{{"id":"msg_{id}","role":"assistant","model":"claude-sonnet-4-5","usage":{{"input_tokens":{i},"cache_read_input_tokens":{r},"output_tokens":{o}}}}},"timestamp":"{ts}"}}"#
        )),
        (n(), ts.clone()).prop_map(|(i, ts)| format!(
            r#"{{"type":"progress","sessionId":"s1","timestamp":"{ts}","data":{{"type":"agent_progress","message":{{"type":"assistant","requestId":"req_sub","message":{{"id":"msg_sub","model":"claude-haiku-4-5","usage":{{"input_tokens":{i},"output_tokens":3}}}}}}}}}}"#
        )),
        ts.clone().prop_map(|ts| format!(
            r#"{{"type":"user","sessionId":"s1","timestamp":"{ts}","message":{{"role":"user","content":"what did the assistant say about progress?"}}}}"#
        )),
        Just(r#"{"type":"summary","summary":"no time, no usage"}"#.to_owned()),
        "[ -~]{0,30}",
    ]
}

const CLAUDE_START: &str = r#"{"type":"user","sessionId":"s1","timestamp":"2026-11-19T10:00:00.000Z","message":{"role":"user","content":"hi"}}"#;

fn mutated(
    line: impl Strategy<Value = String>,
    most: usize,
) -> impl Strategy<Value = Vec<(String, Mutation)>> {
    prop::collection::vec((line, mutation()), 0..most)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn a_pi_reading_is_the_reading_of_every_line(
        before in mutated(pi_line(), 3),
        after in mutated(pi_line(), 24),
        end_newline in any::<bool>(),
    ) {
        openusage_fuzz::pi(&transcript(before, PI_HEADER, after, end_newline));
    }

    #[test]
    fn a_codex_reading_is_the_reading_of_every_line(
        before in mutated(codex_line(), 3),
        after in mutated(codex_line(), 24),
        end_newline in any::<bool>(),
    ) {
        openusage_fuzz::codex(&transcript(before, CODEX_META, after, end_newline));
    }

    #[test]
    fn a_claude_reading_is_the_reading_of_every_line(
        before in mutated(claude_line(), 3),
        after in mutated(claude_line(), 24),
        end_newline in any::<bool>(),
    ) {
        openusage_fuzz::claude(&transcript(before, CLAUDE_START, after, end_newline));
    }
}
