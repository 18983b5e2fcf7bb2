//! Claude Code rules: streamed records and copied transcripts count once.

use openusage_core::Zone;
use std::fs;
use std::path::Path;

use chrono::DateTime;
use openusage_core::usage::Tokens;
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
    let counted = count::count([&s], Counted::new(now(), Zone::Utc));
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
    let counted = count::count([&first, &resumed], Counted::new(now(), Zone::Utc));
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
    let counted = count::count([&s], Counted::new(now(), Zone::Utc));
    assert_eq!((counted.counted, counted.duplicate), (2, 0));
    // message.id alone is a key too.
    let s = scan(
        "/p/s.jsonl",
        &[
            assistant("s1", "2026-11-20T09:00:00Z", "msg_7", None, (1, 1, 0, 0)),
            assistant("s1", "2026-11-20T09:00:01Z", "msg_7", None, (1, 1, 0, 0)),
        ],
    );
    assert_eq!(
        count::count([&s], Counted::new(now(), Zone::Utc)).counted,
        1
    );
}

#[test]
fn synthetic_zero_records_user_records_and_bad_lines_do_not_count() {
    let synthetic = r#"{"type":"assistant","sessionId":"s1","timestamp":"2026-11-20T09:00:00Z","isApiErrorMessage":true,"message":{"id":"x","model":"<synthetic>","usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}"#;
    let user = r#"{"type":"user","sessionId":"s1","timestamp":"2026-11-20T08:59:00Z","message":{"role":"user","content":"hi","usage":{"input_tokens":9}}}"#;
    let s = scan(
        "/p/s.jsonl",
        &[
            user.to_owned(),
            synthetic.to_owned(),
            "{oops".to_owned(),
            r#"{"type":"assistant","#.to_owned(),
        ],
    );
    // Of the two bad lines after the file's start only the one that could
    // be a usage record (it holds "assistant") is examined, and dropped.
    assert_eq!(s.lines_dropped, 1);
    assert_eq!(
        s.started.map(|t| t.to_rfc3339()),
        Some("2026-11-20T08:59:00+00:00".to_owned())
    );
    let counted = count::count([&s], Counted::new(now(), Zone::Utc));
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
    let snap = collect_once(&*account, &env, now());
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
    let account = ClaudeCodeAccount::new(ClaudeCodeProvider, "claude_code", None);
    let snap = collect_once(&account, &env, now());
    assert_eq!(
        (snap.status, snap.message.as_str()),
        (
            Status::Unknown,
            "Claude Code projects directory not found: ~/.claude/projects, ~/.config/claude/projects"
        )
    );
}

/// `line` (from [`assistant`]) with `usage.iterations` set to `iterations`.
fn with_iterations(line: &str, iterations: &str) -> String {
    line.replace(
        r#""service_tier":"standard""#,
        &format!(r#""service_tier":"standard","iterations":{iterations}"#),
    )
}

/// The three iterations of a response that consulted the advisor once:
/// two main-model calls around one advisor call (ccusage#1115's shape).
const ADVISED: &str = r#"[{"type":"message","input_tokens":1,"output_tokens":45,"cache_read_input_tokens":900,"cache_creation_input_tokens":100},{"type":"advisor_message","model":"claude-opus-4-7","input_tokens":15000,"output_tokens":700,"cache_read_input_tokens":0,"cache_creation_input_tokens":0},{"type":"message","input_tokens":2,"output_tokens":205,"cache_read_input_tokens":1000,"cache_creation_input_tokens":100}]"#;

fn snapshot(counted: openusage_core::aggregate::Counted) -> openusage_core::snapshot::Snapshot {
    let mut snap = openusage_core::snapshot::Snapshot::new("p", "a", now(), Status::Ok, "");
    counted.aggregator.fill(&mut snap);
    snap
}

/// (kind, requests, total tokens) of each `usage_by_kind` row.
fn kinds(snap: &openusage_core::snapshot::Snapshot) -> Vec<(String, u64, u64)> {
    snap.usage_by_kind
        .iter()
        .map(|k| (k.kind.clone(), k.requests, k.total_tokens))
        .collect()
}

#[test]
fn an_advisor_call_counts_once_per_response_under_its_own_model() {
    let record = |ts: &str, usage| assistant("s1", ts, "msg_1", Some("req_1"), usage);
    // Streamed as three records: the first written before the usage had
    // its iterations, the second with a partial advisor output count.
    let partial = ADVISED.replace(r#""output_tokens":700"#, r#""output_tokens":12"#);
    let s = scan(
        "/p/s1.jsonl",
        &[
            record("2026-11-20T09:00:00.000Z", (3, 9, 1900, 200)),
            with_iterations(
                &record("2026-11-20T09:00:01.000Z", (3, 250, 1900, 200)),
                &partial,
            ),
            with_iterations(
                &record("2026-11-20T09:00:02.000Z", (3, 250, 1900, 200)),
                ADVISED,
            ),
        ],
    );
    assert_eq!(s.records[2].advisors.len(), 1);
    let counted = count::count([&s], Counted::new(now(), Zone::Utc));
    assert_eq!((counted.counted, counted.duplicate), (2, 2));
    let snap = snapshot(counted);
    // 3+250+1900+200 = 2353; the advisor's largest buckets 15000+700.
    assert_eq!(
        kinds(&snap),
        [
            ("advisor".to_owned(), 1, 15700),
            ("assistant".to_owned(), 1, 2353)
        ]
    );
    let advisor = snap
        .model_usage
        .iter()
        .find(|m| m.raw_model_id == "claude-opus-4-7")
        .unwrap();
    assert_eq!((advisor.input_tokens, advisor.output_tokens), (15000, 700));
    assert_eq!(advisor.dimensions["workspace_label"], "webapp");
}

#[test]
fn each_advisor_call_of_a_response_counts_and_a_missing_model_is_the_records_advisor_model() {
    let two = r#"[{"type":"advisor_message","model":" claude-opus-4-8 ","input_tokens":10,"output_tokens":2},{"type":"message","input_tokens":1},{"type":"advisor_message","input_tokens":20,"output_tokens":3,"cache_read_input_tokens":5}]"#;
    let line = with_iterations(
        &assistant(
            "s1",
            "2026-11-20T09:00:00Z",
            "msg_1",
            Some("req_1"),
            (1, 1, 0, 0),
        ),
        two,
    )
    .replace(
        r#""type":"assistant","#,
        r#""type":"assistant","advisorModel":"claude-opus-4-7","#,
    );
    let s = scan("/p/s.jsonl", &[line.clone(), line]);
    let advisors: Vec<_> = s.records[0]
        .advisors
        .iter()
        .map(|a| (a.nth, a.model.as_deref(), a.tokens.total()))
        .collect();
    assert_eq!(
        advisors,
        [
            (0, Some("claude-opus-4-8"), 12),
            (1, Some("claude-opus-4-7"), 28)
        ]
    );
    let counted = count::count([&s], Counted::new(now(), Zone::Utc));
    assert_eq!((counted.counted, counted.duplicate), (3, 1));
    assert_eq!(kinds(&snapshot(counted))[0], ("advisor".to_owned(), 2, 40));
}

#[test]
fn malformed_iterations_spoil_only_themselves() {
    let base = assistant(
        "s1",
        "2026-11-20T09:00:00Z",
        "msg_1",
        Some("req_1"),
        (4, 6, 0, 0),
    );
    for iterations in [
        "null",
        r#"{"type":"advisor_message"}"#,
        r#"[1,"advisor_message",null,{"type":"message","model":"x","input_tokens":9}]"#,
    ] {
        let s = scan("/p/s.jsonl", &[with_iterations(&base, iterations)]);
        assert!(s.records[0].advisors.is_empty(), "{iterations}");
        assert_eq!(s.records[0].tokens.total(), 10);
    }
    // Bad buckets count as 0, an advisor call without any model is `unknown`,
    // and one whose buckets are all 0 is dropped like an empty response.
    let odd = r#"[{"type":"advisor_message","input_tokens":"many","output_tokens":5},{"type":"advisor_message","model":"claude-opus-4-7"}]"#;
    let s = scan("/p/s.jsonl", &[with_iterations(&base, odd)]);
    let counted = count::count([&s], Counted::new(now(), Zone::Utc));
    assert_eq!((counted.counted, counted.zero), (2, 1));
    let snap = snapshot(counted);
    let unknown = snap
        .model_usage
        .iter()
        .find(|m| m.raw_model_id == "unknown")
        .unwrap();
    assert_eq!((unknown.input_tokens, unknown.output_tokens), (0, 5));
}

/// A `progress` line of Claude Code before 2.1.71: a sub-agent's assistant
/// record in `data.message`, with its own `timestamp` and `requestId` and
/// without `sessionId` or `cwd`, which the line around it has.
fn progress(ts: &str, inner: &str) -> String {
    format!(
        r#"{{"parentUuid":"p","isSidechain":false,"userType":"external","cwd":"/home/alice/code/webapp","sessionId":"s1","version":"2.1.56","gitBranch":"main","type":"progress","data":{{"message":{inner},"normalizedMessages":[],"type":"agent_progress","prompt":"Find the tests","agentId":"a4f9c2e"}},"toolUseID":"agent_msg_01","parentToolUseID":"toolu_01","uuid":"u9","timestamp":"{ts}"}}"#
    )
}

/// A sub-agent's assistant record as `data.message` holds it.
fn embedded(ts: &str, msg: &str, req: &str, usage: (u64, u64, u64, u64)) -> String {
    let (i, o, r, w) = usage;
    format!(
        r#"{{"type":"assistant","timestamp":"{ts}","message":{{"model":"claude-haiku-4-5-20251001","id":"{msg}","type":"message","role":"assistant","content":[],"usage":{{"input_tokens":{i},"cache_creation_input_tokens":{w},"cache_read_input_tokens":{r},"output_tokens":{o}}}}},"requestId":"{req}","uuid":"nested"}}"#
    )
}

#[test]
fn a_progress_line_counts_the_sub_agent_record_it_carries() {
    let user = r#"{"type":"user","sessionId":"s1","timestamp":"2026-11-20T08:59:00Z","message":{"role":"user","content":"hi"}}"#;
    let bash = r#"{"type":"progress","sessionId":"s1","timestamp":"2026-11-20T09:00:00Z","data":{"type":"bash_progress","output":"ok"}}"#;
    let user_inner = r#"{"type":"user","timestamp":"2026-11-20T09:00:01Z","message":{"role":"user","content":"x","usage":{"input_tokens":7}}}"#;
    let s = scan(
        "/p/s1.jsonl",
        &[
            user.to_owned(),
            bash.to_owned(),
            progress("2026-11-20T09:00:01.001Z", user_inner),
            progress(
                "2026-11-20T09:00:02.001Z",
                &embedded(
                    "2026-11-20T09:00:02.000Z",
                    "msg_s",
                    "req_s",
                    (8, 90, 0, 4000),
                ),
            ),
        ],
    );
    assert_eq!(
        s.records.len(),
        1,
        "only the assistant record carries usage"
    );
    let r = &s.records[0];
    assert_eq!(
        r.key,
        Some(entry::RequestKey::MessageAndRequest(
            "msg_s".to_owned(),
            "req_s".to_owned()
        ))
    );
    assert_eq!(
        r.at.map(|t| t.to_rfc3339()),
        Some("2026-11-20T09:00:02+00:00".to_owned()),
        "the embedded record's own timestamp"
    );
    assert_eq!(
        (r.session.as_deref(), r.cwd.as_deref()),
        (Some("s1"), Some("/home/alice/code/webapp")),
        "taken from the line around it"
    );
    assert_eq!(
        count::count([&s], Counted::new(now(), Zone::Utc)).counted,
        1
    );
}

#[test]
fn a_progress_record_and_the_sub_agent_transcripts_own_record_count_once() {
    let parent = scan(
        "/p/s1.jsonl",
        &[progress(
            "2026-11-20T09:00:02.001Z",
            &embedded(
                "2026-11-20T09:00:02.000Z",
                "msg_s",
                "req_s",
                (8, 90, 0, 4000),
            ),
        )],
    );
    let own = r#"{"parentUuid":null,"isSidechain":true,"userType":"external","cwd":"/home/alice/code/webapp","sessionId":"s1","version":"2.1.56","agentId":"a4f9c2e","type":"assistant","requestId":"req_s","message":{"id":"msg_s","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[],"usage":{"input_tokens":8,"cache_creation_input_tokens":4000,"cache_read_input_tokens":0,"output_tokens":90}},"uuid":"u1","timestamp":"2026-11-20T09:00:02.000Z"}"#;
    let agent = scan("/p/s1/subagents/agent-a4f9c2e.jsonl", &[own.to_owned()]);
    for files in [[&parent, &agent], [&agent, &parent]] {
        let counted = count::count(files, Counted::new(now(), Zone::Utc));
        assert_eq!((counted.counted, counted.duplicate), (1, 1));
        assert_eq!(counted.aggregator.totals().tokens.total(), 4098);
    }
}

#[test]
fn a_progress_line_is_read_past_the_files_start_too() {
    // After the first timestamp only lines holding `assistant` or
    // `progress` are decoded: an embedded record without a `type` holds
    // neither word but the line's own `type`.
    let inner = r#"{"timestamp":"2026-11-20T09:00:02Z","requestId":"req_s","message":{"id":"msg_s","model":"claude-haiku-4-5-20251001","usage":{"input_tokens":1,"output_tokens":2}}}"#;
    let first = r#"{"type":"user","sessionId":"s1","timestamp":"2026-11-20T08:59:00Z","message":{"role":"user","content":"hi"}}"#;
    let s = scan(
        "/p/s1.jsonl",
        &[
            first.to_owned(),
            progress("2026-11-20T09:00:02.001Z", inner),
        ],
    );
    assert_eq!(s.records.len(), 1);
    assert_eq!(
        entry::decode_usage(progress("t", inner).as_bytes()),
        entry::decode(progress("t", inner).as_bytes())
    );
}

#[test]
fn a_request_takes_its_model_from_the_first_record_that_names_one() {
    let first = assistant(
        "s1",
        "2026-11-20T09:00:00Z",
        "msg_1",
        Some("req_1"),
        (5, 2, 0, 0),
    )
    .replace(r#""model":"claude-sonnet-4-5-20250929","#, "");
    let second = assistant(
        "s1",
        "2026-11-20T09:00:01Z",
        "msg_1",
        Some("req_1"),
        (5, 40, 0, 0),
    )
    .replace("claude-sonnet-4-5-20250929", " ");
    let third = assistant(
        "s1",
        "2026-11-20T09:00:02Z",
        "msg_1",
        Some("req_1"),
        (5, 40, 0, 0),
    );
    let s = scan("/p/s.jsonl", &[first.clone(), second, third]);
    assert_eq!(s.records[0].model, None);
    assert_eq!(s.records[1].model, None, "blank is no model");
    let snap = snapshot(count::count([&s], Counted::new(now(), Zone::Utc)));
    assert_eq!(snap.model_usage.len(), 1);
    assert_eq!(
        snap.model_usage[0].raw_model_id,
        "claude-sonnet-4-5-20250929"
    );
    assert_eq!(snap.model_usage[0].total_tokens, 45);
    // No record names one: `unknown`.
    let s = scan("/p/s.jsonl", &[first]);
    let snap = snapshot(count::count([&s], Counted::new(now(), Zone::Utc)));
    assert_eq!(snap.model_usage[0].raw_model_id, "unknown");
}

/// Long lines from 1 KiB, skeletons held up to 1 MiB.
const SMALL: openusage_jsonl::lines::Limits = openusage_jsonl::lines::Limits {
    gathered: 1024,
    held: 1 << 20,
    string: 4096,
};

fn scan_with(lines: &[String], limits: openusage_jsonl::lines::Limits) -> file::FileScan {
    openusage_files::read_all_with(
        file::FileScan::new(Path::new("/p/s.jsonl")),
        lines.join("\n").as_bytes(),
        DateTime::UNIX_EPOCH,
        limits,
    )
    .unwrap()
}

#[test]
fn a_multi_megabyte_record_with_usage_is_counted_and_one_too_long_to_hold_is_told() {
    let first = assistant("s1", "2026-11-20T09:00:00Z", "msg_1", None, (1, 1, 0, 0));
    // A response whose text is 5 MB: its usage is read, at the real limits
    // and with skeletons held to 1 MiB alike (the text is one string, cut).
    let big = assistant("s1", "2026-11-20T09:00:01Z", "msg_2", None, (7, 7, 0, 0)).replace(
        r#""text":"ok""#,
        &format!(r#""text":"{}""#, "x".repeat(5 << 20)),
    );
    for s in [
        scan("/p/s.jsonl", &[first.clone(), big.clone()]),
        scan_with(&[first.clone(), big], SMALL),
    ] {
        let inputs: Vec<u64> = s.records.iter().map(|r| r.tokens.input).collect();
        assert_eq!(inputs, [1, 7]);
        assert_eq!((s.lines_dropped, s.lines_oversized), (0, 0));
    }
    // 3 MiB of small values in a response: too long to hold, and told;
    // the same in a user record cannot matter.
    let values = vec!["0"; 3 << 19].join(",");
    let held = assistant("s1", "2026-11-20T09:00:02Z", "msg_3", None, (9, 9, 0, 0))
        .replace(r#""text":"ok""#, &format!(r#""values":[{values}]"#));
    let user = format!(r#"{{"type":"user","message":{{"content":[{values}]}}}}"#);
    let s = scan_with(&[first, held, user], SMALL);
    assert_eq!(s.records.len(), 1);
    assert_eq!((s.lines_dropped, s.lines_oversized), (0, 1));
}
