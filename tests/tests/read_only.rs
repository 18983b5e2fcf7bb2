//! openusage never writes where the agents keep their data: every command,
//! on every fixture home, leaves every file and directory under `fixtures/`
//! as it was (content, size, mtime, link targets, no new entries). The cache
//! goes to the run's own cache directory, outside the home.

use std::path::{Path, PathBuf};

use openusage_e2e::{fixture, openusage, run, tree_state};

const NOW: &str = "2026-11-20T12:00:00Z";

/// Every command a user can run that reads agent data.
const COMMANDS: &[&[&str]] = &[
    &["detect"],
    &["detect", "--json"],
    &["snapshot"],
    &["snapshot", "--json"],
    &["dashboard", "--once", "--width", "100"],
    &["analytics", "--once", "--width", "100"],
    &["report", "daily"],
    &["report", "session", "--json", "--breakdown"],
];

/// Every fixture home, with the settings file it is read with (if any).
fn homes() -> Vec<(PathBuf, Option<PathBuf>)> {
    // pi-agents holds Pi's own settings.json, which openusage reads and must not touch.
    let agents = ["pi", "pi-agents", "codex", "claude", "claude/nested"];
    let mut homes: Vec<(PathBuf, Option<PathBuf>)> = agents
        .iter()
        .map(|agent| (fixture(&format!("{agent}/home")), None))
        .collect();
    let adversarial = fixture("adversarial");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&adversarial)
        .unwrap()
        .map(|entry| entry.unwrap().path().join("home"))
        .filter(|home| home.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 8,
        "the adversarial homes are there: {cases:?}"
    );
    homes.extend(cases.into_iter().map(|home| (home, None)));
    // The demo is read through its settings file, from an empty home.
    let demo = Some(fixture("demo/settings.json"));
    homes.push((fixture("demo"), demo));
    homes
}

fn run_command(home: &Path, settings: Option<&Path>, args: &[&str], no_cache: bool) {
    let mut cmd = openusage(home);
    cmd.args(["--now", NOW]);
    if let Some(settings) = settings {
        cmd.arg("--config").arg(settings);
    }
    if no_cache {
        cmd.arg("--no-cache");
    }
    let (code, _, err) = run(cmd.args(args));
    assert_eq!(code, 0, "{} {args:?}: {err}", home.display());
}

#[test]
fn no_command_changes_anything_under_the_fixture_homes() {
    let fixtures = fixture("");
    let before = tree_state(&fixtures);
    assert!(before.len() > 100, "the fixture trees are there");
    for (home, settings) in homes() {
        for args in COMMANDS {
            for no_cache in [false, true] {
                run_command(&home, settings.as_deref(), args, no_cache);
                let after = tree_state(&fixtures);
                if after != before {
                    let changed: Vec<_> = after.iter().filter(|e| !before.contains(e)).collect();
                    let gone: Vec<_> = before.iter().filter(|e| !after.contains(e)).collect();
                    panic!(
                        "{} {args:?} (no_cache {no_cache}) changed the fixtures: new/changed {changed:?}, gone {gone:?}",
                        home.display()
                    );
                }
            }
        }
    }
}
