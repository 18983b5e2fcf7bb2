//! Codex rules: cumulative totals into deltas, repeats, resets, copies.

use openusage_core::Zone;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use openusage_core::usage::Tokens;
use openusage_core::{MetricValue, Status};

use super::*;
use crate::file::scan_reader;
use openusage_core::{AccountConfig, LoadContext, Provider, collect_once};
use openusage_files::FileAgent;

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

/// A token_count event with these totals and last turn (input, cached,
/// output, reasoning, total).
fn event(ts: &str, totals: [u64; 5], last: Option<[u64; 5]>) -> String {
    let usage = |[i, c, o, r, t]: [u64; 5]| {
        format!(
            r#"{{"input_tokens":{i},"cached_input_tokens":{c},"output_tokens":{o},"reasoning_output_tokens":{r},"total_tokens":{t}}}"#
        )
    };
    let last = last
        .map(|l| format!(r#","last_token_usage":{}"#, usage(l)))
        .unwrap_or_default();
    format!(
        r#"{{"timestamp":"{ts}","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{}{last},"model_context_window":272000}},"rate_limits":{{"limit_id":"codex"}}}}}}"#,
        usage(totals)
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
    assert_eq!(s.records[0].workspace().as_deref(), Some("api"));
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
fn totals_that_go_down_to_a_new_count_restart_from_its_last_turn() {
    let s = scan(
        "/s/a.jsonl",
        &[
            meta("s1", "2026-11-20T09:00:00.000Z"),
            count_event(T1, 5000, 4000, 500, 0),
            // Codex counted afresh: the totals are the last turn itself.
            event(T2, [300, 0, 20, 0, 320], Some([300, 0, 20, 0, 320])),
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
    assert_eq!(s.snapshots_stale, 0);
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
        .map(|r| (r.model.as_str(), r.cwd.as_deref(), r.workspace()))
        .collect();
    // The first event came before any model: it takes the next one named.
    let (api, web) = ("/home/alice/code/api", "/home/alice/code/web");
    assert_eq!(
        seen,
        [
            ("gpt-5.1-codex-max", Some(api), Some("api".to_owned())),
            ("gpt-5.1-codex-max", Some(web), Some("web".to_owned()))
        ]
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
            r#"{"type":"event_msg","payload":{"type":"token_count","#.to_owned(),
            count_event("2025-06-01T10:00:05.000Z", 40, 0, 4, 0),
        ],
    );
    assert_eq!(s.session, "old-1");
    // After the file's first timestamp only a line that could be a meta,
    // turn context or token count is examined: the cut token count is
    // dropped, the other bad line passed over unvalidated.
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
    let counted = count::count([&copy, &original], Counted::new(now(), Zone::Utc));
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
    let snap = collect_once(&*account, &env, now());
    // 200 input + 800 cached + 100 output.
    assert_eq!(snap.message, "1 session, 1.10K tokens");
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
    let snap = collect_once(&*account, &env, now());
    assert_eq!(
        (snap.status, snap.message.as_str()),
        (
            Status::Unknown,
            "Codex sessions directory not found: ~/.codex/sessions, ~/.codex/archived_sessions"
        )
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
        fork.records[1].workspace().as_deref(),
        Some("api"),
        "a later meta changes nothing"
    );
    let counted = count::count([&fork, &parent], Counted::new(now(), Zone::Utc));
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

fn tok(input: u64, cache_read: u64, output: u64) -> Tokens {
    Tokens {
        input,
        output,
        cache_read,
        cache_write: 0,
    }
}

/// A sub-agent's meta: `source.subagent.thread_spawn.parent_thread_id`.
fn subagent_meta(id: &str, parent: &str, ts: &str) -> String {
    format!(
        r#"{{"timestamp":"{ts}","type":"session_meta","payload":{{"id":"{id}","timestamp":"{ts}","cwd":"/home/alice/code/api","originator":"codex_cli_rs","cli_version":"0.150.0","source":{{"subagent":{{"thread_spawn":{{"parent_thread_id":"{parent}","depth":1,"agent_nickname":"Euclid","agent_role":"explorer"}}}}}},"model_provider":"openai"}}}}"#
    )
}

/// A fork's meta: `forked_from_id`.
fn fork_meta(id: &str, parent: &str, ts: &str) -> String {
    format!(
        r#"{{"timestamp":"{ts}","type":"session_meta","payload":{{"id":"{id}","forked_from_id":"{parent}","timestamp":"{ts}","cwd":"/home/alice/code/api","originator":"codex_cli_rs","cli_version":"0.150.0","source":"cli","model_provider":"openai"}}}}"#
    )
}

#[test]
fn a_stale_snapshot_adds_nothing_and_does_not_move_the_baseline() {
    let s = scan(
        "/s/a.jsonl",
        &[
            meta("s1", "2026-11-20T09:00:00.000Z"),
            event(T1, [1000, 0, 100, 0, 1100], Some([1000, 0, 100, 0, 1100])),
            event(T2, [2000, 0, 200, 0, 2200], Some([1000, 0, 100, 0, 1100])),
            // An older snapshot written again (another limit_id's refresh):
            // below the baseline in every bucket, not a new count.
            event(T2, [1000, 0, 100, 0, 1100], Some([1000, 0, 100, 0, 1100])),
            event(T3, [2500, 0, 250, 0, 2750], Some([500, 0, 50, 0, 550])),
        ],
    );
    // The last event is measured from 2000/200, not from the stale 1000/100.
    assert_eq!(
        tokens(&s),
        [tok(1000, 0, 100), tok(1000, 0, 100), tok(500, 0, 50)]
    );
    assert_eq!(s.snapshots_stale, 1);
}

#[test]
fn the_same_totals_again_are_a_repeat_not_a_stale_snapshot() {
    let s = scan(
        "/s/a.jsonl",
        &[
            event(T1, [1000, 0, 100, 0, 1100], Some([1000, 0, 100, 0, 1100])),
            // After a compaction Codex recomputes the last turn, not the total.
            event(T2, [1000, 0, 100, 0, 1100], Some([0, 0, 0, 0, 9342])),
        ],
    );
    assert_eq!(tokens(&s), [tok(1000, 0, 100)]);
    assert_eq!((s.snapshots_stale, s.records_zero), (0, 0));
}

#[test]
fn a_mixed_snapshot_is_stale_and_the_next_is_measured_from_the_baseline() {
    // Numbers of two interleaved counters in one rollout (cc-switch #5854):
    // the second has more input but less output than the baseline.
    let s = scan(
        "/s/a.jsonl",
        &[
            event(
                T1,
                [76_780_408, 73_010_432, 243_036, 0, 77_023_444],
                Some([175_074, 169_728, 6_827, 0, 181_901]),
            ),
            event(
                T2,
                [87_709_262, 83_563_008, 240_919, 0, 87_950_181],
                Some([151_258, 147_200, 87, 0, 151_345]),
            ),
            event(
                T3,
                [76_962_538, 73_180_160, 243_258, 0, 77_205_796],
                Some([182_130, 169_728, 222, 0, 182_352]),
            ),
        ],
    );
    assert_eq!(s.snapshots_stale, 1);
    // 76.8M counted once; then the growth of the first counter only:
    // 182130 input (169728 cached), 222 output = its last turn.
    assert_eq!(
        tokens(&s),
        [
            tok(76_780_408 - 73_010_432, 73_010_432, 243_036),
            tok(182_130 - 169_728, 169_728, 222)
        ]
    );
}

#[test]
fn a_restart_counts_its_last_turn_never_the_whole_history_again() {
    let s = scan(
        "/s/a.jsonl",
        &[
            event(
                T1,
                [9000, 8000, 900, 0, 9900],
                Some([9000, 8000, 900, 0, 9900]),
            ),
            // A stale snapshot first: it moves nothing.
            event(T2, [5000, 4000, 500, 0, 5500], Some([100, 0, 10, 0, 110])),
            // Then a new count, below the baseline.
            event(T2, [400, 0, 40, 0, 440], Some([400, 0, 40, 0, 440])),
            // Growth is measured from the restart, not from 9000/900.
            event(T3, [1400, 500, 90, 0, 1490], Some([1000, 500, 50, 0, 1050])),
        ],
    );
    assert_eq!(
        tokens(&s),
        [tok(1000, 8000, 900), tok(400, 0, 40), tok(500, 500, 50)]
    );
    assert_eq!(s.snapshots_stale, 1);
}

#[test]
fn a_context_overflow_restarts_from_the_window_fill_and_adds_no_buckets() {
    let s = scan(
        "/s/a.jsonl",
        &[
            event(T1, [10203, 0, 414, 0, 10617], Some([5391, 0, 118, 0, 5509])),
            // fill_to_context_window: {0,0,0,0,window}, last = window - total.
            event(T2, [0, 0, 0, 0, 32768], Some([0, 0, 0, 0, 22151])),
            event(T3, [5000, 0, 100, 0, 37868], Some([5000, 0, 100, 0, 5100])),
        ],
    );
    assert_eq!(tokens(&s), [tok(10203, 0, 414), tok(5000, 0, 100)]);
    assert_eq!((s.records_zero, s.snapshots_stale), (1, 0));
}

#[test]
fn a_sub_agent_whose_parent_is_gone_counts_only_its_own_opening_turn() {
    let child = scan(
        "/s/child.jsonl",
        &[
            subagent_meta("child", "gone-parent", "2026-11-20T10:00:00.000Z"),
            context("gpt-5.1-codex", "/home/alice/code/api"),
            // Opens on the parent's cumulative total plus its own first turn.
            event(
                T1,
                [51_000, 40_800, 2_100, 640, 53_100],
                Some([1_000, 800, 100, 64, 1_100]),
            ),
            event(
                T2,
                [53_000, 42_400, 2_300, 700, 55_300],
                Some([2_000, 1_600, 200, 60, 2_200]),
            ),
        ],
    );
    assert_eq!(child.parents, ["gone-parent"]);
    let counted = count::count([&child], Counted::new(now(), Zone::Utc));
    assert_eq!(counted.counted, 2);
    // 1000 in (800 cached) + 100 out, then 2000 in (1600 cached) + 200 out.
    assert_eq!(
        counted.aggregator.totals().tokens,
        tok(200 + 400, 800 + 1600, 100 + 200)
    );
}

#[test]
fn the_opening_turn_is_capped_at_the_totals() {
    let child = scan(
        "/s/child.jsonl",
        &[
            fork_meta("child", "gone-parent", "2026-11-20T10:00:00.000Z"),
            // A last turn larger than the totals in one bucket: capped.
            event(
                T1,
                [50_000, 300, 2_000, 0, 52_000],
                Some([1_000, 800, 100, 0, 1_100]),
            ),
        ],
    );
    let counted = count::count([&child], Counted::new(now(), Zone::Utc));
    assert_eq!(counted.aggregator.totals().tokens, tok(700, 300, 100));
}

#[test]
fn a_sub_agent_counting_from_zero_is_counted_whole() {
    // Totals equal the last turn: nothing was inherited.
    let child = scan(
        "/s/child.jsonl",
        &[
            subagent_meta("child", "gone-parent", "2026-11-20T10:00:00.000Z"),
            event(
                T1,
                [14_700, 0, 300, 0, 15_000],
                Some([14_700, 0, 300, 0, 15_000]),
            ),
        ],
    );
    let counted = count::count([&child], Counted::new(now(), Zone::Utc));
    assert_eq!(counted.aggregator.totals().tokens, tok(14_700, 0, 300));
}

#[test]
fn a_fork_opening_on_an_inherited_total_with_its_parent_present_counts_its_own_turn() {
    let parent = scan(
        "/s/parent.jsonl",
        &[
            meta("parent", "2026-11-19T09:00:00.000Z"),
            event(
                T1,
                [40_000, 30_000, 1_500, 0, 41_500],
                Some([40_000, 30_000, 1_500, 0, 41_500]),
            ),
        ],
    );
    // No copied history: the first event already holds the parent's total.
    let child = scan(
        "/s/child.jsonl",
        &[
            r#"{"timestamp":"2026-11-20T10:00:00.000Z","type":"session_meta","payload":{"id":"child","parent_thread_id":"parent","timestamp":"2026-11-20T10:00:00.000Z","cwd":"/w","source":"vscode"}}"#.to_owned(),
            event(
                T2,
                [41_000, 30_800, 1_600, 0, 42_600],
                Some([1_000, 800, 100, 0, 1_100]),
            ),
        ],
    );
    assert_eq!(child.parents, ["parent"]);
    let counted = count::count([&child, &parent], Counted::new(now(), Zone::Utc));
    assert_eq!((counted.counted, counted.duplicate), (2, 0));
    assert_eq!(
        counted.aggregator.totals().tokens,
        tok(10_000 + 200, 30_000 + 800, 1_500 + 100)
    );
}

#[test]
fn a_fork_with_its_parents_full_history_copied_keeps_the_copy_rule() {
    let history = [
        event(T1, [1000, 0, 100, 0, 1100], Some([1000, 0, 100, 0, 1100])),
        event(
            T2,
            [2500, 1000, 300, 0, 2800],
            Some([1500, 1000, 200, 0, 1700]),
        ),
    ];
    let parent = scan(
        "/s/parent.jsonl",
        &[
            meta("parent", "2026-11-19T09:00:00.000Z"),
            history[0].clone(),
            history[1].clone(),
        ],
    );
    let mut lines = vec![
        fork_meta("fork", "parent", "2026-11-20T10:00:00.000Z"),
        meta("parent", "2026-11-19T09:00:00.000Z"),
    ];
    lines.extend(history.iter().cloned());
    // Its own turn is measured from the copied totals (a last turn that
    // disagrees shows which one is used).
    lines.push(event(
        T3,
        [3000, 1200, 350, 0, 3350],
        Some([9, 9, 9, 0, 18]),
    ));
    let fork = scan("/s/fork.jsonl", &lines);
    let counted = count::count([&fork, &parent], Counted::new(now(), Zone::Utc));
    assert_eq!((counted.counted, counted.duplicate), (3, 2));
    assert_eq!(counted.aggregator.totals().tokens, tok(1800, 1200, 350));

    // The parent gone, its copied history counts under the fork, as before.
    let counted = count::count([&fork], Counted::new(now(), Zone::Utc));
    assert_eq!((counted.counted, counted.duplicate), (3, 0));
    assert_eq!(counted.aggregator.totals().tokens, tok(1800, 1200, 350));
}

#[test]
fn the_parent_is_named_by_the_first_meta_only_and_never_as_itself() {
    let s = scan(
        "/s/a.jsonl",
        &[
            r#"{"timestamp":"2026-11-20T10:00:00.000Z","type":"session_meta","payload":{"id":"me","forked_from_id":"me","parent_thread_id":"p1","timestamp":"2026-11-20T10:00:00.000Z","source":{"subagent":{"thread_spawn":{"parent_thread_id":"p1"}}}}}"#.to_owned(),
            subagent_meta("p1", "p0", "2026-11-19T10:00:00.000Z"),
        ],
    );
    assert_eq!(s.parents, ["p1"]);
    let plain = scan("/s/b.jsonl", &[meta("s1", "2026-11-20T09:00:00.000Z")]);
    assert!(plain.parents.is_empty());
}

#[test]
fn events_before_the_first_model_take_the_next_one_named() {
    let lines = [
        meta("s1", "2026-11-20T09:00:00.000Z"),
        count_event(T1, 10, 0, 1, 0),
        count_event(T2, 20, 0, 2, 0),
        context("gpt-5.1-codex", "/home/alice/code/api"),
        count_event(T3, 30, 0, 3, 0),
        context("gpt-5.1-codex-max", "/home/alice/code/api"),
        count_event("2026-11-20T09:03:05.000Z", 40, 0, 4, 0),
    ];
    let s = scan("/s/a.jsonl", &lines);
    let models: Vec<&str> = s.records.iter().map(|r| r.model.as_str()).collect();
    assert_eq!(
        models,
        [
            "gpt-5.1-codex",
            "gpt-5.1-codex",
            "gpt-5.1-codex",
            "gpt-5.1-codex-max"
        ]
    );
    let none = scan("/s/b.jsonl", &lines[..3]);
    assert!(none.records.iter().all(|r| r.model == file::UNKNOWN_MODEL));
}

#[test]
fn a_reading_resumed_from_the_cache_equals_a_fresh_one() {
    use openusage_files::ScanCache;
    let lines = [
        meta("s1", "2026-11-20T09:00:00.000Z"),
        event(T1, [1000, 0, 100, 0, 1100], Some([1000, 0, 100, 0, 1100])),
        event(T1, [2000, 0, 200, 0, 2200], Some([1000, 0, 100, 0, 1100])),
        event(T2, [1500, 0, 150, 0, 1650], Some([500, 0, 50, 0, 550])),
        context("gpt-5.1-codex", "/home/alice/code/api"),
        event(T3, [2600, 0, 260, 0, 2860], Some([600, 0, 60, 0, 660])),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rollout.jsonl");
    let cache: ScanCache<file::FileScan> = ScanCache::default();
    // Read after every line, half a line too, as a refresh would while Codex writes.
    let mut text = String::new();
    for line in &lines {
        let half = line.len() / 2;
        fs::write(&path, format!("{text}{}", &line[..half])).unwrap();
        cache.scan(&path, || file::FileScan::new(&path)).unwrap();
        text.push_str(line);
        text.push('\n');
        fs::write(&path, &text).unwrap();
        cache.scan(&path, || file::FileScan::new(&path)).unwrap();
    }
    let cached = cache
        .scan(&path, || file::FileScan::new(&path))
        .unwrap()
        .scan;
    let fresh = scan_reader(&path, text.as_bytes(), cached.mtime).unwrap();
    assert_eq!(*cached, fresh);
    assert_eq!(fresh.snapshots_stale, 1);
    assert!(fresh.records.iter().all(|r| r.model == "gpt-5.1-codex"));
    assert_eq!(
        tokens(&fresh),
        [tok(1000, 0, 100), tok(1000, 0, 100), tok(600, 0, 60)]
    );
}

#[test]
fn stale_snapshots_show_in_the_snapshots_diagnostics() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".codex/sessions/2026/11/20");
    fs::create_dir_all(&dir).unwrap();
    let lines = [
        meta("s1", "2026-11-20T09:00:00.000Z"),
        event(T1, [2000, 0, 200, 0, 2200], Some([2000, 0, 200, 0, 2200])),
        event(T2, [1000, 0, 100, 0, 1100], Some([900, 0, 90, 0, 990])),
    ];
    fs::write(dir.join("rollout-s1.jsonl"), lines.join("\n") + "\n").unwrap();
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
    let snap = collect_once(&*account, &env, now());
    assert_eq!(snap.diagnostics["snapshots_stale"], 1);
    assert_eq!(snap.diagnostics["turns_counted"], 1);
}

/// Long lines from 1 KiB, skeletons held up to 1 MiB.
const SMALL: openusage_jsonl::lines::Limits = openusage_jsonl::lines::Limits {
    gathered: 1024,
    held: 1 << 20,
    string: 4096,
};

#[test]
fn multi_megabyte_lines_around_token_counts_change_nothing_and_one_too_long_to_hold_is_told() {
    let output = format!(
        r#"{{"timestamp":"{T1}","type":"response_item","payload":{{"type":"function_call_output","call_id":"c1","output":"{}"}}}}"#,
        "x".repeat(5 << 20)
    );
    let lines = [
        meta("s1", "2026-11-20T09:00:00.000Z"),
        context("gpt-5.1-codex", "/home/alice/code/api"),
        output.clone(),
        count_event(T1, 1000, 800, 100, 40),
        output,
        count_event(T2, 2500, 2000, 300, 90),
    ];
    let read = |limits| {
        openusage_files::read_all_with(
            file::FileScan::new(Path::new("/s/a.jsonl")),
            lines.join("\n").as_bytes(),
            DateTime::UNIX_EPOCH,
            limits,
        )
        .unwrap()
    };
    let whole = scan("/s/a.jsonl", &lines);
    assert_eq!(tokens(&whole).len(), 2);
    for s in [read(openusage_jsonl::lines::Limits::default()), read(SMALL)] {
        assert_eq!(tokens(&s), tokens(&whole));
        assert_eq!((s.lines_dropped, s.lines_oversized), (0, 0));
    }
    // A token count whose rate limits run to 3 MiB of values: too long
    // to hold, and told.
    let values = vec!["0"; 3 << 19].join(",");
    let huge = count_event(T3, 4000, 3000, 400, 100).replace(
        r#""rate_limits":null"#,
        &format!(r#""rate_limits":[{values}]"#),
    );
    let mut more = lines.to_vec();
    more.push(huge);
    let s = openusage_files::read_all_with(
        file::FileScan::new(Path::new("/s/a.jsonl")),
        more.join("\n").as_bytes(),
        DateTime::UNIX_EPOCH,
        SMALL,
    )
    .unwrap();
    assert_eq!(tokens(&s), tokens(&whole));
    assert_eq!((s.lines_dropped, s.lines_oversized), (0, 1));
}
