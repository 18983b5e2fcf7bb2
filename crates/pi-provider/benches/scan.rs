//! The hot functions of a cold scan, one line and one file at a time:
//! `cargo bench -p pi-provider`. Whole-program figures come from
//! `scripts/bench.sh` (see docs/performance.md).

use std::hint::black_box;
use std::path::Path;

use chrono::DateTime;
use divan::Bencher;
use divan::counter::BytesCount;
use openusage_jsonl::scan;
use pi_provider::{entry, file};

fn main() {
    divan::main();
}

const ASSISTANT: &str = r#"{"type":"message","id":"b2c3d4e5","parentId":"a1b2c3d4","timestamp":"2026-03-10T08:15:07.412Z","message":{"role":"assistant","content":[{"type":"thinking","thinking":"The login handler compares the hashed password before it checks whether the account is locked, so a locked account still leaks timing. I should reorder the checks and add a test.","thinkingSignature":"EqQBCkYIBxgCKkDx"},{"type":"text","text":"Let me look at the handler."},{"type":"toolCall","id":"toolu_01ABC","name":"read","arguments":{"path":"src/login.ts"}}],"api":"anthropic-messages","provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":3,"output":212,"cacheRead":18234,"cacheWrite":1432,"totalTokens":19881,"cost":{"input":0.000009,"output":0.00318,"cacheRead":0.0054702,"cacheWrite":0.00537,"total":0.0140292}},"stopReason":"toolUse","timestamp":1773130502001}}"#;

/// A tool result of `size` bytes of code-like text with JSON escapes.
fn tool_result(size: usize) -> String {
    let chunk = r#"export function login(user: User, password: string) {\n  if (!user) {\n    throw new Error(\"no such user\");\n  }\n  return verify(user.hash, password) \u2192 ok;\n}\n"#;
    let text = chunk.repeat(size / chunk.len() + 1);
    format!(
        r#"{{"type":"message","id":"c3d4e5f6","parentId":"b2c3d4e5","timestamp":"2026-03-10T08:15:07.460Z","message":{{"role":"toolResult","toolCallId":"toolu_01ABC","toolName":"read","content":[{{"type":"text","text":"{text}"}}],"isError":false,"timestamp":1773130507455}}}}"#
    )
}

#[divan::bench]
fn decode_assistant_line(bencher: Bencher) {
    bencher
        .counter(BytesCount::of_str(ASSISTANT))
        .bench(|| entry::decode(black_box(ASSISTANT.as_bytes())));
}

#[divan::bench(args = [1_000, 30_000, 3_000_000])]
fn decode_tool_result_line(bencher: Bencher, size: usize) {
    let line = tool_result(size);
    bencher
        .counter(BytesCount::of_str(&line))
        .bench(|| entry::decode(black_box(line.as_bytes())));
}

#[divan::bench(args = [30_000])]
fn validate_tool_result_line(bencher: Bencher, size: usize) {
    let line = tool_result(size);
    bencher
        .counter(BytesCount::of_str(&line))
        .bench(|| scan::is_object(black_box(line.as_bytes())));
}

/// A session of 200 turns: a header, then tool results and assistant lines.
#[divan::bench]
fn scan_a_session_file(bencher: Bencher) {
    let header = r#"{"type":"session","version":3,"id":"7d2c9e41","timestamp":"2026-03-10T08:15:02.114Z","cwd":"/home/alice/code/webapp"}"#;
    let mut text = format!("{header}\n");
    for i in 0..200 {
        text.push_str(&tool_result(8_000 + (i % 7) * 3_000));
        text.push('\n');
        text.push_str(&ASSISTANT.replace(
            "1773130502001",
            &(1_773_130_502_001u64 + i as u64).to_string(),
        ));
        text.push('\n');
    }
    let path = Path::new("/bench/s.jsonl");
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| file::scan_reader(path, black_box(text.as_bytes()), DateTime::UNIX_EPOCH));
}
