//! A process writes transcripts (new files, appended turns, lines written in
//! two halves with a pause between) while openusage refreshes over and over
//! through the same accounts the dashboard keeps. Every refresh counts only
//! whole turns, each exactly once; when the writer stops, the last refresh
//! equals a fresh full reading.

use std::fs;
use std::path::Path;
use std::process::Command;

use chrono::DateTime;
use openusage_core::{
    Account, CollectContext, Env, FixedClock, Progress, Registry, Settings, Snapshot,
};
use pi_provider::PiProvider;

const FILES: usize = 4;
const TURNS: usize = 60;

fn accounts(env: &Env) -> Vec<Account> {
    let mut registry = Registry::new();
    registry.register(PiProvider);
    registry.accounts(env, &Settings::default()).unwrap()
}

fn collect(account: &Account, env: &Env) -> Snapshot {
    let now = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .unwrap()
        .to_utc();
    let progress = Progress::default();
    let clock = FixedClock(now);
    account
        .collect(&CollectContext::new(env, &clock, &progress))
        .snapshot
}

/// What the writer published in `<progress>.<what>` (0 before it did).
fn published(progress: &Path, what: &str) -> u64 {
    fs::read_to_string(progress.with_extension(what))
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0)
}

fn input_tokens(s: &Snapshot) -> u64 {
    s.metrics
        .get("total_input_tokens")
        .map_or(0, |m| m.used.as_f64() as u64)
}

#[test]
fn refreshing_while_a_writer_appends_counts_whole_turns_only_and_ends_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let sessions = home.join(".pi/agent/sessions/--home-alice-code-live--");
    fs::create_dir_all(&sessions).unwrap();
    let progress = tmp.path().join("progress");
    let env = Env::new(&home);
    let kept = accounts(&env);
    let pi = &kept[0];

    let mut writer = Command::new(env!("CARGO_BIN_EXE_transcript-writer"))
        .arg(&sessions)
        .arg(&progress)
        .args([FILES.to_string(), TURNS.to_string()])
        .spawn()
        .unwrap();
    let mut refreshes = 0;
    let mut last = 0;
    let mut saw_half_lines = 0;
    loop {
        let finished = writer.try_wait().unwrap().is_some();
        let before = published(&progress, "complete");
        let snapshot = collect(pi, &env);
        let after = published(&progress, "started");
        // Every turn is 1 input token: the tokens are the turns counted.
        let counted = input_tokens(&snapshot);
        assert!(
            before <= counted && counted <= after,
            "refresh {refreshes}: {counted} turns counted, {before} were whole before and {after} begun after"
        );
        assert!(counted >= last, "refresh {refreshes}: the count went back");
        assert_eq!(snapshot.diagnostics["turns_duplicate"], 0);
        // A half line seen at the end of a file is a line that does not
        // decode (yet): dropped and counted, never a turn.
        if snapshot.diagnostics["lines_dropped"] != 0 {
            saw_half_lines += 1;
        }
        last = counted;
        refreshes += 1;
        if finished {
            break;
        }
    }
    assert!(writer.wait().unwrap().success());
    assert_eq!(last, (FILES * TURNS) as u64);
    assert!(
        refreshes > 10,
        "only {refreshes} refreshes ran during the writing"
    );
    eprintln!("{refreshes} refreshes, {saw_half_lines} of them met a half line");

    let refreshed = collect(pi, &env);
    let fresh = collect(&accounts(&env)[0], &env);
    assert_eq!(
        serde_json::to_value(&refreshed).unwrap(),
        serde_json::to_value(&fresh).unwrap(),
        "the last refresh differs from a fresh reading"
    );
    // The half lines were all finished: nothing is dropped in the end.
    assert_eq!(fresh.diagnostics["lines_dropped"], 0);
    assert_eq!(fresh.diagnostics["turns_counted"], (FILES * TURNS) as u64);
}
