//! Properties of the readers over generated transcripts: whatever the
//! transcript, nothing panics, no total is negative, a file cut at any byte
//! never counts more than the whole file, and appending one new record adds
//! exactly its tokens. `PROPTEST_CASES` raises the number of cases.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use openusage_core::Zone;
use openusage_core::aggregate::Counted;
use openusage_core::snapshot::{Snapshot, Status};
use openusage_core::usage::Tokens;
use openusage_fuzz::now;
use proptest::prelude::*;

/// `PROPTEST_CASES` when set, else `default` (a fixed number of cases would
/// override the variable).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What counting some bytes gave: records, the four buckets, the cost.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sums {
    records: u64,
    tokens: Tokens,
    cost: f64,
}

fn sums(counted: Counted) -> Sums {
    let records = counted.counted;
    let totals = counted.aggregator.totals();
    let mut snapshot = Snapshot::new("p", "a", now(), Status::Ok, "");
    counted.aggregator.fill(&mut snapshot);
    let cost = totals.cost_usd.unwrap_or(0.0);
    assert!(cost >= 0.0 && cost.is_finite());
    Sums {
        records,
        tokens: totals.tokens,
        cost,
    }
}

fn pi(data: &[u8]) -> Sums {
    let scan = pi_provider::file::scan_reader(Path::new("/f.jsonl"), data, now()).unwrap();
    sums(pi_provider::count::count(
        [&scan],
        Counted::new(now(), Zone::Utc),
    ))
}

fn codex(data: &[u8]) -> Sums {
    let scan = codex_provider::file::scan_reader(Path::new("/f.jsonl"), data, now()).unwrap();
    sums(codex_provider::count::count(
        [&scan],
        Counted::new(now(), Zone::Utc),
    ))
}

fn claude(data: &[u8]) -> Sums {
    let path = Path::new("/f.jsonl");
    let scan = claude_code_provider::file::scan_reader(path, data, now()).unwrap();
    sums(claude_code_provider::count::count(
        [&scan],
        Counted::new(now(), Zone::Utc),
    ))
}

/// `whole`'s counts bound `part`'s, bucket by bucket.
fn at_most(part: Sums, whole: Sums) -> bool {
    let (p, w) = (part.tokens, whole.tokens);
    part.records <= whole.records
        && p.input <= w.input
        && p.output <= w.output
        && p.cache_read <= w.cache_read
        && p.cache_write <= w.cache_write
        && part.cost <= whole.cost + 1e-9
}

fn added(before: Sums, after: Sums) -> Tokens {
    let (b, a) = (before.tokens, after.tokens);
    Tokens {
        input: a.input - b.input,
        output: a.output - b.output,
        cache_read: a.cache_read - b.cache_read,
        cache_write: a.cache_write - b.cache_write,
    }
}

fn bucket() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 1u64..1000, 1000u64..2_000_000]
}

fn four() -> impl Strategy<Value = (u64, u64, u64, u64)> {
    (bucket(), bucket(), bucket(), bucket())
}

fn model() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "claude-sonnet-4-5",
        "gpt-5",
        "  gpt-5 ",
        "",
        "qwen3:8b",
    ])
}

fn usage((i, o, r, w): (u64, u64, u64, u64), cost: Option<u32>) -> String {
    let cost = cost
        .map(|c| format!(r#","cost":{{"total":{}}}"#, f64::from(c) / 1000.0))
        .unwrap_or_default();
    format!(r#"{{"input":{i},"output":{o},"cacheRead":{r},"cacheWrite":{w}{cost}}}"#)
}

/// One Pi line of any kind that matters, or noise.
fn pi_line(n: usize) -> impl Strategy<Value = String> {
    let id = format!("e{n:07}");
    let ts = format!("2026-11-19T10:{:02}:{:02}.000Z", n / 60 % 60, n % 60);
    let ms = 1_795_168_800_000u64 + n as u64 * 1000;
    let (id2, ts2, id3, ts3) = (id.clone(), ts.clone(), id.clone(), ts.clone());
    prop_oneof![
        4 => (four(), model(), proptest::option::of(0u32..5000), any::<bool>()).prop_map(
            move |(b, m, c, with_ms)| {
                let msg_ts = if with_ms { format!(r#","timestamp":{ms}"#) } else { String::new() };
                format!(
                    r#"{{"type":"message","id":"{id}","timestamp":"{ts}","message":{{"role":"assistant","provider":"anthropic","model":"{m}","usage":{}{msg_ts}}}}}"#,
                    usage(b, c)
                )
            }
        ),
        1 => (four(), proptest::option::of(0u32..5000)).prop_map(move |(b, c)| format!(
            r#"{{"type":"message","id":"{id2}","timestamp":"{ts2}","message":{{"role":"toolResult","toolName":"t","usage":{}}}}}"#,
            usage(b, c)
        )),
        1 => (four(), prop::sample::select(vec!["compaction", "branch_summary", "model_usage"]))
            .prop_map(move |(b, ty)| format!(
                r#"{{"type":"{ty}","id":"{id3}","timestamp":"{ts3}","usage":{},"retainedTail":[{{"role":"assistant","usage":{{"input":999999}}}}]}}"#,
                usage(b, None)
            )),
        1 => model().prop_map(|m| format!(r#"{{"type":"model_change","provider":"openai","modelId":"{m}"}}"#)),
        1 => Just(r#"{"type":"message","message":{"role":"user","content":"hi"}}"#.to_owned()),
        1 => "[ -~]{0,40}",
    ]
}

/// A Pi transcript: a header and up to 30 lines.
fn pi_transcript() -> impl Strategy<Value = Vec<String>> {
    (0usize..30).prop_flat_map(|n| {
        let lines: Vec<_> = (0..n).map(pi_line).collect();
        lines.prop_map(|mut lines| {
            let header = r#"{"type":"session","version":3,"id":"s1","timestamp":"2026-11-19T10:00:00.000Z","cwd":"/home/a/p"}"#;
            lines.insert(0, header.to_owned());
            lines
        })
    })
}

/// Lines joined into a file, some lines split in two or joined to the next.
fn with_damage(lines: &[String], damage: &[(usize, bool)]) -> Vec<u8> {
    let mut lines: Vec<String> = lines.to_vec();
    for &(at, split) in damage {
        if lines.len() < 2 {
            break;
        }
        let i = 1 + at % (lines.len() - 1);
        if split && lines[i].len() > 1 {
            let cut = lines[i].len() / 2;
            if lines[i].is_char_boundary(cut) {
                let tail = lines[i].split_off(cut);
                lines.insert(i + 1, tail);
            }
        } else if i + 1 < lines.len() {
            let next = lines.remove(i + 1);
            lines[i].push_str(&next);
        }
    }
    let mut bytes = lines.join("\n").into_bytes();
    bytes.push(b'\n');
    bytes
}

proptest! {
    // Every byte of every case is a reading of the file: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(cases(12)))]

    // Lines may be split in two (each half undecodable), not joined: a cut
    // right after the first object of two joined ones would make a valid
    // line the whole file does not have, in any line-based reader.
    #[test]
    fn a_pi_file_cut_at_any_byte_never_counts_more_than_the_whole(
        lines in pi_transcript(),
        splits in prop::collection::vec(0usize..64, 0..3),
    ) {
        let damage: Vec<(usize, bool)> = splits.into_iter().map(|at| (at, true)).collect();
        let bytes = with_damage(&lines, &damage);
        let whole = pi(&bytes);
        for k in 0..=bytes.len() {
            let part = pi(&bytes[..k]);
            prop_assert!(at_most(part, whole), "cut at {k}: {part:?} > {whole:?}");
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn split_and_joined_pi_lines_break_no_invariant(
        lines in pi_transcript(),
        damage in prop::collection::vec((0usize..64, any::<bool>()), 0..4),
    ) {
        openusage_fuzz::pi(&with_damage(&lines, &damage));
    }

    #[test]
    fn appending_a_new_pi_turn_adds_exactly_its_tokens(
        lines in pi_transcript(),
        b in four(),
    ) {
        prop_assume!(b != (0, 0, 0, 0));
        let mut bytes = with_damage(&lines, &[]);
        let before = pi(&bytes);
        // A fresh message timestamp: no earlier turn can share its copy key.
        let turn = format!(
            r#"{{"type":"message","id":"new","timestamp":"2026-11-19T23:00:00.000Z","message":{{"role":"assistant","provider":"p","model":"m","usage":{},"timestamp":1795201200123}}}}"#,
            usage(b, None)
        );
        bytes.extend_from_slice(turn.as_bytes());
        bytes.push(b'\n');
        let after = pi(&bytes);
        prop_assert_eq!(after.records, before.records + 1);
        prop_assert_eq!(added(before, after), Tokens { input: b.0, output: b.1, cache_read: b.2, cache_write: b.3 });
    }

    #[test]
    fn a_codex_rollout_cut_anywhere_counts_no_more_and_a_new_event_adds_its_delta(
        steps in prop::collection::vec((0u64..5000, 0u64..5000, 0u64..5000), 1..12),
        cut in any::<prop::sample::Index>(),
        next in (1u64..5000, 0u64..5000, 1u64..5000),
    ) {
        let (mut input, mut cached, mut output) = (0u64, 0u64, 0u64);
        let mut lines = vec![codex_meta()];
        for (n, (di, dc, d_o)) in steps.iter().enumerate() {
            // Cached input is part of input, as Codex counts it.
            (input, cached, output) = (input + di + dc, cached + dc, output + d_o);
            lines.push(codex_event(n, input, cached, output));
        }
        let mut bytes = lines.join("\n").into_bytes();
        bytes.push(b'\n');
        let whole = codex(&bytes);
        let k = cut.index(bytes.len() + 1);
        prop_assert!(at_most(codex(&bytes[..k]), whole));

        let (di, dc, d_o) = next;
        bytes.extend_from_slice(codex_event(99, input + di + dc, cached + dc, output + d_o).as_bytes());
        bytes.push(b'\n');
        let after = codex(&bytes);
        prop_assert_eq!(after.records, whole.records + 1);
        prop_assert_eq!(added(whole, after), Tokens { input: di, output: d_o, cache_read: dc, cache_write: 0 });
    }

    #[test]
    fn a_claude_transcript_cut_anywhere_counts_no_more_and_a_new_request_adds_its_usage(
        requests in prop::collection::vec(four(), 0..12),
        cut in any::<prop::sample::Index>(),
        next in four(),
    ) {
        prop_assume!(next != (0, 0, 0, 0));
        let lines: Vec<String> = requests
            .iter()
            .enumerate()
            .map(|(n, &u)| claude_record(n, u))
            .collect();
        let mut bytes = lines.join("\n").into_bytes();
        bytes.push(b'\n');
        let whole = claude(&bytes);
        let k = cut.index(bytes.len() + 1);
        prop_assert!(at_most(claude(&bytes[..k]), whole));

        bytes.extend_from_slice(claude_record(99, next).as_bytes());
        bytes.push(b'\n');
        let after = claude(&bytes);
        prop_assert_eq!(after.records, whole.records + 1);
        prop_assert_eq!(added(whole, after), Tokens { input: next.0, output: next.1, cache_read: next.2, cache_write: next.3 });
    }
}

fn codex_meta() -> String {
    r#"{"timestamp":"2026-11-19T10:00:00.000Z","type":"session_meta","payload":{"id":"c1","timestamp":"2026-11-19T10:00:00.000Z","cwd":"/home/a/p","model_provider":"openai"}}"#.to_owned()
}

/// A token_count event with these cumulative totals.
fn codex_event(n: usize, input: u64, cached: u64, output: u64) -> String {
    format!(
        r#"{{"timestamp":"2026-11-19T10:{:02}:{:02}.000Z","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{input},"cached_input_tokens":{cached},"output_tokens":{output},"reasoning_output_tokens":0,"total_tokens":{}}},"last_token_usage":{{"input_tokens":{n},"cached_input_tokens":0,"output_tokens":1,"reasoning_output_tokens":0,"total_tokens":{}}}}}}}}}"#,
        n / 60 % 60,
        n % 60,
        input + output,
        n + 1
    )
}

/// One Claude Code API response, message and request ids of its own.
fn claude_record(n: usize, (i, o, r, w): (u64, u64, u64, u64)) -> String {
    format!(
        r#"{{"sessionId":"s1","cwd":"/home/a/p","type":"assistant","requestId":"req_{n}","message":{{"id":"msg_{n}","role":"assistant","model":"claude-sonnet-4-5","usage":{{"input_tokens":{i},"cache_creation_input_tokens":{w},"cache_read_input_tokens":{r},"output_tokens":{o}}}}},"uuid":"u{n}","timestamp":"2026-11-19T10:00:{:02}.000Z"}}"#,
        n % 60
    )
}
