//! The sibling providers on their hand-checked fixture homes, and all three
//! agents in one home: detected together, collected together, shown together.

use openusage_e2e::{copy_tree, fixture, json_diff, openusage, run, tree_state};

const NOW: &str = "2026-11-20T12:00:00Z";

fn snapshot_matches(home: &str, provider: &str, expected: &str) {
    let home = fixture(home);
    let before = tree_state(&home);
    let (code, out, err) =
        run(openusage(&home).args(["--now", NOW, "snapshot", "--json", "--provider", provider]));
    assert_eq!(code, 0, "{err}");
    let actual: serde_json::Value = serde_json::from_str(&out).unwrap();
    let expected_text = std::fs::read_to_string(fixture(expected)).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&expected_text).unwrap();
    if let Some(difference) = json_diff(&actual, &expected) {
        panic!(
            "{provider}: snapshot differs from fixtures/{expected}: {difference}\n\nactual:\n{out}"
        );
    }
    assert_eq!(
        tree_state(&home),
        before,
        "{provider}: the fixture home was changed"
    );
}

#[test]
fn the_claude_code_fixture_home_gives_the_hand_checked_snapshot() {
    snapshot_matches(
        "claude/home",
        "claude_code",
        "claude/expected/snapshot-claude.json",
    );
}

#[test]
fn the_codex_fixture_home_gives_the_hand_checked_snapshot() {
    snapshot_matches("codex/home", "codex", "codex/expected/snapshot-codex.json");
}

/// One home holding all three agents' fixture data.
fn home_with_three_agents() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    for agent in ["pi", "codex", "claude"] {
        copy_tree(&fixture(&format!("{agent}/home")), home.path());
    }
    home
}

fn expected_snapshot(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixture(path)).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["snapshots"][0].clone()
}

#[test]
fn three_agents_in_one_home_are_detected_collected_and_shown_together() {
    let home = home_with_three_agents();
    let (code, out, err) = run(openusage(home.path()).args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    let detect: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = detect["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["pi", "codex", "claude_code"]);
    let claude_dirs = detect["accounts"][2]["dirs"].as_array().unwrap().len();
    assert_eq!(
        claude_dirs, 2,
        "~/.claude/projects and ~/.config/claude/projects"
    );

    let (code, out, err) = run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json"]));
    assert_eq!(code, 0, "{err}");
    let actual: serde_json::Value = serde_json::from_str(&out).unwrap();
    let expected = serde_json::json!({
        "schema_version": 1,
        "generated_at": NOW,
        "snapshots": [
            expected_snapshot("pi/expected/snapshot-pi.json"),
            expected_snapshot("codex/expected/snapshot-codex.json"),
            expected_snapshot("claude/expected/snapshot-claude.json"),
        ],
    });
    if let Some(difference) = json_diff(&actual, &expected) {
        panic!("the three snapshots differ from the three hand-checked ones: {difference}");
    }

    let (code, screen, err) =
        run(openusage(home.path()).args(["--now", NOW, "dashboard", "--once", "--width", "120"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        screen.starts_with("openusage · Dashboard · 3 accounts"),
        "{screen}"
    );
    for tile in ["╭ pi ", "╭ codex ", "╭ claude_code "] {
        assert!(screen.contains(tile), "no {tile} tile:\n{screen}");
    }
    for total in ["969K total", "337K total", "1.25M total"] {
        assert!(screen.contains(total), "no {total}:\n{screen}");
    }
}
