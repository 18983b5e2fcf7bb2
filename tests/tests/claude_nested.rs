//! Claude Code usage that is not on an assistant line of its own: `/advisor`
//! calls inside a response's `usage.iterations`, and sub-agent records
//! embedded in `progress` lines (Claude Code before 2.1.71). The fixture
//! `fixtures/claude/nested` and every number of it are explained in its
//! `EXPECTED.md`.

use openusage_e2e::{
    assert_json_eq, copy_tree, fixture, fixture_json, openusage, run, snapshot_json, tree_state,
};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

fn snapshot(home: &std::path::Path) -> Value {
    snapshot_json(home, &["--now", NOW], "claude_code")
}

fn expected() -> Value {
    fixture_json("claude/nested/expected/snapshot-claude.json")
}

#[test]
fn advisor_calls_and_progress_lines_give_the_hand_checked_snapshot_cold_and_warm() {
    let home = fixture("claude/nested/home");
    let before = tree_state(&home);
    let expected = expected();
    // The second run reads the saved cache.
    assert_json_eq(&snapshot(&home), &expected, "first run");
    assert_json_eq(&snapshot(&home), &expected, "second run, from the cache");
    assert_eq!(tree_state(&home), before, "the fixture home was changed");

    // A report counts the advisor calls as requests too.
    let (code, out, err) = run(openusage(&home).args(["--now", NOW, "report", "daily", "--json"]));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let total = &report["total"];
    assert_eq!(
        (&total["requests"], &total["total_tokens"]),
        (&Value::from(12), &Value::from(615_797))
    );
}

#[test]
fn without_the_sub_agent_transcript_its_progress_lines_count_the_same_requests() {
    let home = tempfile::tempdir().unwrap();
    copy_tree(&fixture("claude/nested/home"), home.path());
    let agent = home.path().join(
        ".claude/projects/-home-alice-code-ledger/8c3f5a21-4d7e-4b90-a6c2-1e9f0d7b3a58/subagents/agent-a7c41e09b2d5f3816.jsonl",
    );
    std::fs::remove_file(&agent).unwrap();
    // Same requests and tokens; one file fewer, and its two records are no
    // longer duplicates of the progress lines.
    let mut expected = expected();
    let diagnostics = &mut expected["snapshots"][0]["diagnostics"];
    diagnostics["files_read"] = 2.into();
    diagnostics["turns_duplicate"] = 10.into();
    assert_json_eq(
        &snapshot(home.path()),
        &expected,
        "without agent-a7c41e09b2d5f3816.jsonl",
    );
}
