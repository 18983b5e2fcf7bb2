//! A session file and a session directory the user may not read: both are
//! reported in the diagnostics, by name, and everything else is counted.
//!
//! Root reads through permission bits, so when the tests run as root (as CI
//! does) openusage is started as the `nobody` user through `setpriv`. When
//! that is impossible (no `setpriv`, or `nobody` cannot reach the binary)
//! the test says why and skips; as any other user it runs directly.

#![cfg(unix)]

use std::fs;

use openusage_e2e::unprivileged::{chmod, unprivileged};
use openusage_e2e::{copy_tree, fixture, run};

#[test]
fn an_unreadable_file_and_directory_are_reported_and_the_rest_counted() {
    let tmp = tempfile::tempdir().unwrap();
    chmod(tmp.path(), 0o755);
    let home = tmp.path().join("home");
    fs::create_dir(&home).unwrap();
    copy_tree(&fixture("adversarial/nuls/home"), &home);
    let projects = home.join(".pi/agent/sessions");
    let webapp = projects.join("--home-alice-code-webapp--");
    fs::remove_file(webapp.join("nuls.jsonl")).unwrap();
    let good = fs::read(webapp.join("good.jsonl")).unwrap();
    let secret_file = webapp.join("secret.jsonl");
    fs::write(&secret_file, &good).unwrap();
    let secret_dir = projects.join("--home-alice-code-secret--");
    fs::create_dir(&secret_dir).unwrap();
    fs::write(secret_dir.join("hidden.jsonl"), &good).unwrap();
    chmod(&secret_file, 0o000);
    chmod(&secret_dir, 0o000);

    let mut cmd = match unprivileged(&home) {
        Ok(cmd) => cmd,
        Err(why) => {
            eprintln!("skipped: {why}; permissions cannot be tested here");
            chmod(&secret_dir, 0o755);
            return;
        }
    };
    let (code, out, err) = run(cmd.args([
        "--now",
        "2026-11-20T12:00:00Z",
        "--no-cache",
        "snapshot",
        "--json",
        "--provider",
        "pi",
    ]));
    chmod(&secret_dir, 0o755); // so the temporary home can be removed
    // Printed whole, and exit 1: not everything could be read (exit_codes.rs).
    assert_eq!(code, 1, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let snap = &doc["snapshots"][0];
    let d = &snap["diagnostics"];
    // Only good.jsonl is read: 1,500 tokens.
    assert_eq!(snap["metrics"]["total_tokens"]["used"], 1500, "{snap}");
    assert_eq!(d["files_read"], 1, "{d}");
    assert_eq!(d["files_unreadable"], 1, "{d}");
    assert_eq!(d["dirs_unreadable"], 1, "{d}");
    let listed = d["unreadable"].to_string();
    assert!(listed.contains("secret.jsonl"), "{listed}");
    assert!(listed.contains("--home-alice-code-secret--"), "{listed}");
    assert_eq!(snap["status"], "ok");
}
