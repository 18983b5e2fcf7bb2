//! Codex rules: cumulative totals into deltas, repeats, resets, copies.

use openusage_core::Zone;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use openusage_core::aggregate::Tokens;
use openusage_core::{MetricValue, Status};

use super::*;
use crate::file::scan_reader;
use openusage_core::{AccountConfig, FileAgent, LoadContext, Provider, collect_once};

fn now() -> chrono::DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .unwrap()
        .to_utc()
}

fn meta(id: &str, ts: &str) -> String {
    format!(
        r#"{{"timestamp":"{ts}","type":"session_meta","payload":{{"id":"{id}","timestamp":"{ts}","cwd":"/home/alice/code/api","originator":"codex_cli_rs","cli_version":"0.58.0","instructions":null,"model_provider":"openai"}}}}"#
    )
}

fn context(model: &str, cwd: &str) -> String {
    format!(
        r#"{{"timestamp":"2026-11-20T09:00:01.000Z","type":"turn_context","payload":{{"cwd":"{cwd}","approval_policy":"on-request","sandbox_policy":{{"mode":"workspace-write"}},"model":"{model}","effort":"medium","summary":"auto"}}}}"#
    )
}

/// A token_count event with cumulative totals (input, cached, output, reasoning).
fn count_event(ts: &str, input: u64, cached: u64, output: u64, reasoning: u64) -> String {
    let total = input + output;
    format!(
        r#"{{"timestamp":"{ts}","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{input},"cached_input_tokens":{cached},"output_tokens":{output},"reasoning_output_tokens":{reasoning},"total_tokens":{total}}},"last_token_usage":{{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1,"reasoning_output_tokens":0,"total_tokens":2}},"model_context_window":272000}},"rate_limits":null}}}}"#
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

fn tokens(scan: &file::FileScan) -> Vec<Tokens> {
    scan.records.iter().map(|r| r.tokens).collect()
}

const T1: &str = "2026-11-20T09:00:05.000Z";
const T2: &str = "2026-11-20T09:01:05.000Z";
const T3: &str = "2026-11-20T09:02:05.000Z";

#[test]
fn cumulative_totals_become_per_turn_deltas_with_cached_input_split_out() {
    let s = scan(
        "/s/a.jsonl",
        &[
            meta("s1", "2026-11-20T09:00:00.000Z"),
            context("gpt-5.1-codex", "/home/alice/code/api"),
            count_event(T1, 1000, 800, 100, 40),
            count_event(T2, 2500, 2000, 300, 90),
        ],
    );
    assert_eq!(s.session, "s1");
    assert_eq!(
        tokens(&s),
        [
            Tokens {
                input: 200,
                output: 100,
                cache_read: 800,
                cache_write: 0
            },
            Tokens {
                input: 300,
                output: 200,
                cache_read: 1200,
                cache_write: 0
            },
        ]
    );
    assert_eq!(s.records[1].reasoning, 50);
    assert_eq!(s.records[0].model, "gpt-5.1-codex");
    assert_eq!(s.records[0].provider.as_deref(), Some("openai"));
    assert_eq!(s.records[0].workspace.as_deref(), Some("api"));
}

#[test]
fn a_repeated_event_adds_nothing_and_null_info_is_no_event() {
    let null_info = r#"{"timestamp":"2026-11-20T09:00:06.000Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{}}}"#;
    let s = scan(
        "/s/a.jsonl",
        &[
            meta("s1", "2026-11-20T09:00:00.000Z"),
            count_event(T1, 1000, 0, 100, 0),
            null_info.to_owned(),
            count_event(T2, 1000, 0, 100, 0),
            count_event(T3, 1500, 0, 150, 0),
        ],
    );
    assert_eq!(
        tokens(&s),
        [
            Tokens {
                input: 1000,
                output: 100,
                ..Tokens::default()
            },
            Tokens {
                input: 500,
                output: 50,
                ..Tokens::default()
            },
        ]
    );
    assert_eq!(s.records_zero, 0);
}

#[test]
fn totals_that_go_down_start_counting_again_from_zero() {
    let s = scan(
        "/s/a.jsonl",
        &[
            meta("s1", "2026-11-20T09:00:00.000Z"),
            count_event(T1, 5000, 4000, 500, 0),
            count_event(T2, 300, 0, 20, 0),
            count_event(T3, 700, 100, 50, 0),
        ],
    );
    assert_eq!(
        tokens(&s),
        [
            Tokens {
                input: 1000,
                output: 500,
                cache_read: 4000,
                cache_write: 0
            },
            Tokens {
                input: 300,
                output: 20,
                ..Tokens::default()
            },
            Tokens {
                input: 300,
                output: 30,
                cache_read: 100,
                cache_write: 0
            },
        ]
    );
}

#[test]
fn the_model_and_workspace_follow_the_latest_turn_context() {
    let s = scan(
        "/s/a.jsonl",
        &[
            meta("s1", "2026-11-20T09:00:00.000Z"),
            count_event(T1, 10, 0, 1, 0),
            context("gpt-5.1-codex-max", "/home/alice/code/web"),
            count_event(T2, 20, 0, 2, 0),
        ],
    );
    let seen: Vec<_> = s
        .records
        .iter()
        .map(|r| (r.model.as_str(), r.workspace.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [("unknown", Some("api")), ("gpt-5.1-codex-max", Some("web"))]
    );
}

#[test]
fn the_old_bare_meta_line_names_the_session_and_bad_lines_are_dropped_alone() {
    let s = scan(
        "/s/rollout-2025-06-01T10-00-00-abc.jsonl",
        &[
            r#"{"id":"old-1","timestamp":"2025-06-01T10:00:00.000Z","instructions":"be brief"}"#
                .to_owned(),
            "{broken".to_owned(),
            count_event("2025-06-01T10:00:05.000Z", 40, 0, 4, 0),
        ],
    );
    assert_eq!(s.session, "old-1");
    assert_eq!(s.lines_dropped, 1);
    assert_eq!(
        tokens(&s),
        [Tokens {
            input: 40,
            output: 4,
            ..Tokens::default()
        }]
    );
    let nameless = scan("/s/rollout-x.jsonl", &[count_event(T1, 1, 0, 1, 0)]);
    assert_eq!(nameless.session, "rollout-x");
}

#[test]
fn events_copied_into_another_rollout_count_once_for_the_earlier_session() {
    let original = scan(
        "/s/b.jsonl",
        &[
            meta("first", "2026-11-19T09:00:00.000Z"),
            count_event(T1, 1000, 0, 100, 0),
        ],
    );
    let copy = scan(
        "/s/a.jsonl",
        &[
            meta("second", "2026-11-20T10:00:00.000Z"),
            count_event(T1, 1000, 0, 100, 0),
            count_event(T3, 1600, 0, 160, 0),
        ],
    );
    let counted = count::count([&copy, &original], now(), Zone::Utc);
    assert_eq!((counted.counted, counted.duplicate), (2, 1));
    let totals = counted.aggregator.totals();
    assert_eq!(
        totals.tokens,
        Tokens {
            input: 1600,
            output: 160,
            ..Tokens::default()
        }
    );
    assert_eq!(totals.sessions, 2);
}

#[test]
fn collecting_reports_reasoning_and_no_cost() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".codex/sessions/2026/11/20");
    fs::create_dir_all(&dir).unwrap();
    let lines = [
        meta("s1", "2026-11-20T09:00:00.000Z"),
        context("gpt-5.1-codex", "/home/alice/code/api"),
        count_event(T1, 1000, 800, 100, 40),
    ];
    fs::write(
        dir.join("rollout-2026-11-20T09-00-00-s1.jsonl"),
        lines.join("\n") + "\n",
    )
    .unwrap();
    let env = Env::new(home.path());
    let account = CodexProvider
        .load_account(
            &AccountConfig::new("codex", "codex"),
            &LoadContext {
                env: &env,
                base_dir: None,
            },
        )
        .unwrap();
    let snap = collect_once(&CodexProvider, &account, &env, now());
    // 200 input + 800 cached + 100 output.
    assert_eq!(snap.message, "1 session, 1.1k tokens");
    assert_eq!(
        snap.metrics["total_reasoning_tokens"].used,
        MetricValue::Count(40)
    );
    assert!(!snap.metrics.contains_key("total_cost_usd"));
    assert_eq!(
        CodexProvider.detect(&env).accounts,
        [AccountConfig::new("codex", "codex")]
    );
    let empty = tempfile::tempdir().unwrap();
    let env = Env::new(empty.path());
    let snap = collect_once(&CodexProvider, &account, &env, now());
    assert_eq!(
        (snap.status, snap.message.as_str()),
        (Status::Unknown, "Codex sessions directory not found")
    );
    assert!(CodexProvider.detect(&env).accounts.is_empty());
}

#[test]
fn a_fork_repeating_its_parents_events_with_new_timestamps_counts_them_once() {
    let parent = scan(
        "/s/b.jsonl",
        &[
            meta("parent", "2026-11-19T09:00:00.000Z"),
            count_event(T1, 1000, 0, 100, 0),
        ],
    );
    // Codex stamps every copied line with the time of the fork, and repeats
    // the parent's meta after the fork's own.
    let fork = scan(
        "/s/a.jsonl",
        &[
            meta("fork", "2026-11-20T10:00:00.000Z"),
            meta("parent", "2026-11-19T09:00:00.000Z")
                .replace("/home/alice/code/api", "/elsewhere"),
            count_event("2026-11-20T10:00:00.500Z", 1000, 0, 100, 0),
            count_event(T3, 1600, 0, 160, 0),
        ],
    );
    assert_eq!(
        fork.session, "fork",
        "the first meta names the file's session"
    );
    assert_eq!(
        fork.records[1].workspace.as_deref(),
        Some("api"),
        "a later meta changes nothing"
    );
    let counted = count::count([&fork, &parent], now(), Zone::Utc);
    assert_eq!((counted.counted, counted.duplicate), (2, 1));
    assert_eq!(
        counted.aggregator.totals().tokens,
        Tokens {
            input: 1600,
            output: 160,
            ..Tokens::default()
        }
    );
}

#[test]
fn sessions_and_archived_sessions_are_read_under_codex_home() {
    let env = Env::new("/h");
    let roots = |env: &Env| -> Vec<PathBuf> {
        CodexProvider
            .default_roots(env)
            .into_iter()
            .map(|r| r.path)
            .collect()
    };
    assert_eq!(
        roots(&env),
        [
            Path::new("/h/.codex/sessions"),
            Path::new("/h/.codex/archived_sessions")
        ]
    );
    let env = Env::new("/h").with_var("CODEX_HOME", "~/cx");
    assert_eq!(
        roots(&env),
        [
            Path::new("/h/cx/sessions"),
            Path::new("/h/cx/archived_sessions")
        ]
    );
}
