//! The Codex rollouts whose totals go back down, and the sub-agents that
//! open on their parent's history (fixtures/codex/replays): the snapshot
//! worked out by hand in its EXPECTED.md, read fresh and read again from the
//! cache.

use openusage_e2e::{assert_json_eq, fixture, fixture_json, snapshot_json, tree_state};

const NOW: &str = "2026-11-20T12:00:00Z";

#[test]
fn the_codex_replays_home_gives_the_hand_checked_snapshot_fresh_and_cached() {
    let home = fixture("codex/replays/home");
    let before = tree_state(&home);
    let expected = fixture_json("codex/replays/expected/snapshot-codex.json");
    // The second run reads the readings the first one saved.
    for run_number in 1..=2 {
        let actual = snapshot_json(&home, &["--now", NOW], "codex");
        assert_json_eq(&actual, &expected, &format!("run {run_number}"));
    }
    assert_eq!(tree_state(&home), before, "the fixture home was changed");
}
