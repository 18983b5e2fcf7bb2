//! `snapshot` and `report` on a home they cannot read fully: everything
//! they could read is printed, the account and what was skipped are named
//! (under the table, or on stderr beside JSON), and the exit code is 1;
//! `--allow-partial` keeps 0. Data the readers drop on purpose (files that
//! are no transcripts, lines that are not JSON) is never a shortfall.
//!
//! Permission bits do not stop root: as in permissions.rs, the unreadable
//! cases run as the `nobody` user when the tests run as root, and skip
//! (saying why) when that is impossible.

#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};

use openusage_e2e::unprivileged::{chmod, unprivileged};
use openusage_e2e::{copy_tree, fixture, openusage, run};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

/// The hand-checked Pi fixture home (fixtures/pi/EXPECTED.md, 7.3: 23
/// sessions, 968,899 tokens), copied where `nobody` can read it.
fn pi_home(tmp: &Path) -> PathBuf {
    chmod(tmp, 0o755);
    let home = tmp.join("home");
    copy_tree(&fixture("pi/home"), &home);
    home
}

/// Runs `args` on `home` as a user that permissions apply to; `None` (the
/// test skips) when that cannot be done here.
fn as_user(home: &Path, args: &[&str]) -> Option<(i32, String, String)> {
    match unprivileged(home) {
        Ok(mut cmd) => Some(run(cmd.args(["--now", NOW, "--no-cache"]).args(args))),
        Err(why) => {
            eprintln!("skipped: {why}; permissions cannot be tested here");
            None
        }
    }
}

fn total_tokens(report: &str) -> u64 {
    let doc: Value = serde_json::from_str(report).unwrap();
    doc["total"]["total_tokens"].as_u64().unwrap()
}

#[test]
fn an_unreadable_session_file_is_named_and_exits_1_after_everything_is_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(tmp.path());
    let secret = home.join(".pi/agent/sessions/--home-alice-code-cli--/secret.jsonl");
    fs::write(&secret, "{}\n").unwrap();
    chmod(&secret, 0o000);
    let Some((code, out, err)) = as_user(&home, &["report", "daily"]) else {
        return;
    };
    assert_eq!(code, 1, "{err}");
    // The whole table, then the note naming the account and the file.
    assert!(out.starts_with("Daily usage · UTC\n"), "{out}");
    let (table, notes) = out.split_once("\n\nnote: ").unwrap();
    assert!(table.contains("\nTOTAL "), "{out}");
    assert!(table.contains("968,899"), "the hand-checked total: {out}");
    assert!(
        notes.starts_with("pi (pi): skipped 1 unreadable file:\n")
            && notes.contains(&format!("  {}: ", secret.display())),
        "{notes}"
    );
    assert!(err.contains("--allow-partial"), "{err}");

    // JSON: the whole document on stdout, the note on stderr.
    let (code, out, err) = as_user(&home, &["daily", "--json"]).unwrap();
    assert_eq!(code, 1, "{err}");
    assert_eq!(total_tokens(&out), 968_899);
    assert!(
        err.contains("openusage: note: pi (pi): skipped 1 unreadable file:\n")
            && err.contains(&secret.display().to_string()),
        "{err}"
    );

    // The snapshot: the table, then the note; JSON as above.
    let (code, out, err) = as_user(&home, &["snapshot"]).unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with("ACCOUNT"), "{out}");
    assert!(
        out.contains("\n\nnote: pi (pi): skipped 1 unreadable file:\n"),
        "{out}"
    );
    let (code, out, err) = as_user(&home, &["snapshot", "-j"]).unwrap();
    assert_eq!(code, 1, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["snapshots"][0]["diagnostics"]["files_unreadable"], 1);
    assert!(
        err.contains("note: pi (pi): skipped 1 unreadable file"),
        "{err}"
    );

    // --allow-partial: the same output, exit 0.
    for args in [
        &["report", "daily", "--allow-partial"][..],
        &["session", "--json", "--allow-partial"][..],
        &["snapshot", "--allow-partial"][..],
    ] {
        let (code, out, err) = as_user(&home, args).unwrap();
        assert_eq!(code, 0, "{args:?}: {err}");
        let told = if args.contains(&"--json") { &err } else { &out };
        assert!(
            told.contains("skipped 1 unreadable file"),
            "{args:?}: {told}"
        );
        assert!(!err.contains("--allow-partial"), "{err}");
    }
    chmod(&secret, 0o644);
}

#[test]
fn an_unreadable_sessions_directory_is_an_error_named_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(tmp.path());
    // One of the Pi account's two roots (Oh My Pi's); the other is read.
    let root = home.join(".omp/agent/sessions");
    chmod(&root, 0o000);
    let result = as_user(&home, &["monthly"]);
    let snapshot = as_user(&home, &["snapshot", "--json"]);
    chmod(&root, 0o755);
    let (Some((code, out, err)), Some((snap_code, snap, snap_err))) = (result, snapshot) else {
        return;
    };
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("\nTOTAL "), "{out}");
    // The home is shown as `~`, as in every message that names a place.
    let note = "note: pi (pi): Cannot read Pi sessions directory ~/.omp/agent/sessions: ";
    assert!(out.contains(note), "{out}");
    assert_eq!(snap_code, 1, "{snap_err}");
    let doc: Value = serde_json::from_str(&snap).unwrap();
    assert_eq!(doc["snapshots"][0]["status"], "error");
    assert!(snap_err.contains(note), "{snap_err}");
}

#[test]
fn a_clean_home_exits_0_with_no_notes() {
    let home = fixture("pi/home");
    for args in [
        &["snapshot"][..],
        &["snapshot", "--json"][..],
        &["report", "daily"][..],
        &["weekly", "--json"][..],
        &["session"][..],
    ] {
        let (code, out, err) = run(openusage(&home).args(["--now", NOW]).args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            !out.contains("note:") && !err.contains("note:"),
            "{out}{err}"
        );
    }
}

#[test]
fn files_that_are_no_transcripts_and_dropped_lines_never_change_the_exit_code() {
    // nuls: a file without a header whose one line does not decode;
    // control-char: a line that is not JSON; links: links named like
    // sessions to /dev/zero and to nothing (never opened).
    for (case, diagnostic) in [
        ("nuls", "files_skipped"),
        ("control-char", "lines_dropped"),
        ("links", "files_special"),
    ] {
        let home = fixture(&format!("adversarial/{case}/home"));
        let (code, out, err) = run(openusage(&home).args(["--now", NOW, "snapshot", "--json"]));
        assert_eq!(code, 0, "{case}: {err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        let d = &doc["snapshots"][0]["diagnostics"];
        assert!(d[diagnostic].as_u64().unwrap() > 0, "{case}: {d}");
        let (code, _, err) = run(openusage(&home).args(["--now", NOW, "daily"]));
        assert_eq!(code, 0, "{case}: {err}");
    }
}
