//! The Codex rollouts whose totals go back down, and the sub-agents that
//! open on their parent's history (fixtures/codex/replays): the snapshot
//! worked out by hand in its EXPECTED.md, read fresh and read again from the
//! cache.

use openusage_e2e::{fixture, json_diff, openusage, run, tree_state};

const NOW: &str = "2026-11-20T12:00:00Z";

#[test]
fn the_codex_replays_home_gives_the_hand_checked_snapshot_fresh_and_cached() {
    let home = fixture("codex/replays/home");
    let before = tree_state(&home);
    let text =
        std::fs::read_to_string(fixture("codex/replays/expected/snapshot-codex.json")).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The second run reads the readings the first one saved.
    for run_number in 1..=2 {
        let (code, out, err) =
            run(openusage(&home).args(["--now", NOW, "snapshot", "--json", "--provider", "codex"]));
        assert_eq!(code, 0, "{err}");
        let actual: serde_json::Value = serde_json::from_str(&out).unwrap();
        if let Some(difference) = json_diff(&actual, &expected) {
            panic!(
                "run {run_number}: snapshot differs from fixtures/codex/replays/expected/snapshot-codex.json: {difference}\n\nactual:\n{out}"
            );
        }
    }
    assert_eq!(tree_state(&home), before, "the fixture home was changed");
}
