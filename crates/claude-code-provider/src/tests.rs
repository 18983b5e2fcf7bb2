//! Claude Code rules: streamed records and copied transcripts count once.

use openusage_core::Zone;
use std::fs;
use std::path::Path;

use chrono::DateTime;
use openusage_core::aggregate::Tokens;
use openusage_core::{MetricValue, Status};

use super::*;
use crate::file::scan_reader;
use openusage_core::{AccountConfig, LoadContext, Provider, collect_once};

fn now() -> chrono::DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .unwrap()
        .to_utc()
}

/// An assistant record of response `msg`/`req` with (input, output, cache read, cache write).
fn assistant(
    session: &str,
    ts: &str,
    msg: &str,
    req: Option<&str>,
    usage: (u64, u64, u64, u64),
) -> String {
    let request = req
        .map(|r| format!(r#""requestId":"{r}","#))
        .unwrap_or_default();
    let (i, o, r, w) = usage;
    format!(
        r#"{{"parentUuid":"p","isSidechain":false,"userType":"external","cwd":"/home/alice/code/webapp","sessionId":"{session}","version":"2.0.30","type":"assistant",{request}"message":{{"id":"{msg}","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"ok"}}],"stop_reason":null,"usage":{{"input_tokens":{i},"cache_creation_input_tokens":{w},"cache_read_input_tokens":{r},"output_tokens":{o},"service_tier":"standard"}}}},"uuid":"u","timestamp":"{ts}"}}"#
    )
}

fn scan(path: &str, lines: &[String]) -> file::FileScan {
    scan_reader(
        Path::new(path),
        lines.join("\n").as_bytes(),
        DateTime::UNIX_EPOCH,
    )
    .unwrap()
}

#[test]
fn streamed_records_of_one_response_count_once_with_the_largest_buckets() {
    let s = scan(
        "/p/s1.jsonl",
        &[
            assistant(
                "s1",
                "2026-11-20T09:00:00.000Z",
                "msg_1",
                Some("req_1"),
                (3, 2, 1000, 200),
            ),
            assistant(
                "s1",
                "2026-11-20T09:00:01.000Z",
                "msg_1",
                Some("req_1"),
                (3, 250, 1000, 200),
            ),
            assistant(
                "s1",
                "2026-11-20T09:00:02.000Z",
                "msg_2",
                Some("req_2"),
                (5, 10, 1200, 0),
            ),
        ],
    );
    let counted = count::count([&s], now(), Zone::Utc);
    assert_eq!((counted.counted, counted.duplicate), (2, 1));
    assert_eq!(
        counted.aggregator.totals().tokens,
        Tokens {
            input: 8,
            output: 260,
            cache_read: 2200,
            cache_write: 200
        }
    );
}

#[test]
fn a_resumed_transcript_copying_responses_adds_only_its_new_ones() {
    let first = scan(
        "/p/b.jsonl",
        &[assistant(
            "s1",
            "2026-11-19T09:00:00.000Z",
            "msg_1",
            Some("req_1"),
            (10, 10, 0, 0),
        )],
    );
    let resumed = scan(
        "/p/a.jsonl",
        &[
            assistant(
                "s2",
                "2026-11-19T09:00:00.000Z",
                "msg_1",
                Some("req_1"),
                (10, 10, 0, 0),
            ),
            assistant(
                "s2",
                "2026-11-20T10:00:00.000Z",
                "msg_9",
                Some("req_9"),
                (1, 1, 0, 0),
            ),
        ],
    );
    // Same start instant: the path decides, and a.jsonl comes first.
    let counted = count::count([&first, &resumed], now(), Zone::Utc);
    assert_eq!((counted.counted, counted.duplicate), (2, 1));
    assert_eq!(
        counted.aggregator.totals().sessions,
        1,
        "both responses belong to s2, seen first"
    );
}

#[test]
fn the_cache_creation_breakdown_counts_when_the_flat_field_says_less() {
    let line = assistant("s1", "2026-11-20T09:00:00Z", "msg_1", Some("req_1"), (1, 1, 0, 0)).replace(
        r#""service_tier":"standard""#,
        r#""service_tier":"standard","cache_creation":{"ephemeral_5m_input_tokens":300,"ephemeral_1h_input_tokens":20}"#,
    );
    let s = scan("/p/s.jsonl", &[line]);
    assert_eq!(s.records[0].tokens.cache_write, 320);
}

#[test]
fn records_without_ids_are_each_their_own_request() {
    let bare = r#"{"type":"assistant","sessionId":"s1","timestamp":"2026-11-20T09:00:00Z","message":{"model":"claude-opus-4-1","usage":{"input_tokens":4,"output_tokens":4}}}"#;
    let s = scan("/p/s.jsonl", &[bare.to_owned(), bare.to_owned()]);
    let counted = count::count([&s], now(), Zone::Utc);
    assert_eq!((counted.counted, counted.duplicate), (2, 0));
    // message.id alone is a key too.
    let s = scan(
        "/p/s.jsonl",
        &[
            assistant("s1", "2026-11-20T09:00:00Z", "msg_7", None, (1, 1, 0, 0)),
            assistant("s1", "2026-11-20T09:00:01Z", "msg_7", None, (1, 1, 0, 0)),
        ],
    );
    assert_eq!(count::count([&s], now(), Zone::Utc).counted, 1);
}

#[test]
fn synthetic_zero_records_user_records_and_bad_lines_do_not_count() {
    let synthetic = r#"{"type":"assistant","sessionId":"s1","timestamp":"2026-11-20T09:00:00Z","isApiErrorMessage":true,"message":{"id":"x","model":"<synthetic>","usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}"#;
    let user = r#"{"type":"user","sessionId":"s1","timestamp":"2026-11-20T08:59:00Z","message":{"role":"user","content":"hi","usage":{"input_tokens":9}}}"#;
    let s = scan(
        "/p/s.jsonl",
        &[user.to_owned(), synthetic.to_owned(), "{oops".to_owned()],
    );
    assert_eq!(s.lines_dropped, 1);
    assert_eq!(
        s.started.map(|t| t.to_rfc3339()),
        Some("2026-11-20T08:59:00+00:00".to_owned())
    );
    let counted = count::count([&s], now(), Zone::Utc);
    assert_eq!((counted.counted, counted.zero), (0, 1));
}

#[test]
fn collecting_names_anthropic_and_records_cost_only_when_written() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".claude/projects/-home-alice-code-webapp");
    fs::create_dir_all(&dir).unwrap();
    let with_cost = assistant(
        "s1",
        "2026-11-20T09:00:00.000Z",
        "msg_1",
        Some("req_1"),
        (100, 50, 0, 0),
    )
    .replace(
        r#""type":"assistant","#,
        r#""type":"assistant","costUSD":0.25,"#,
    );
    fs::write(dir.join("s1.jsonl"), with_cost + "\n").unwrap();
    let env = Env::new(home.path());
    let ctx = LoadContext {
        env: &env,
        base_dir: None,
    };
    let account = ClaudeCodeProvider
        .load_account(&AccountConfig::new("claude_code", "claude_code"), &ctx)
        .unwrap();
    let snap = collect_once(&ClaudeCodeProvider, &account, &env, now());
    assert_eq!(snap.message, "1 session, 150 tokens, $0.25");
    assert_eq!(
        snap.model_usage[0].dimensions["upstream_provider"],
        "anthropic"
    );
    assert_eq!(snap.model_usage[0].dimensions["workspace_label"], "webapp");
    assert_eq!(snap.metrics["sessions_today"].used, MetricValue::Count(1));
    assert_eq!(ClaudeCodeProvider.detect(&env).accounts.len(), 1);
}

#[test]
fn the_config_dir_variable_lists_roots() {
    let env = Env::new("/h").with_var("CLAUDE_CONFIG_DIR", "~/a, /b");
    assert_eq!(
        default_roots(&env),
        [Path::new("/h/a/projects"), Path::new("/b/projects")]
    );
    let env = Env::new("/h");
    assert_eq!(
        default_roots(&env),
        [
            Path::new("/h/.claude/projects"),
            Path::new("/h/.config/claude/projects")
        ]
    );
    let snap_env = tempfile::tempdir().unwrap();
    let env = Env::new(snap_env.path());
    let account = ClaudeCodeAccount::new("claude_code", None);
    let snap = collect_once(&ClaudeCodeProvider, &account, &env, now());
    assert_eq!(
        (snap.status, snap.message.as_str()),
        (Status::Unknown, "Claude Code projects directory not found")
    );
}
