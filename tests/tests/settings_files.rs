//! A settings file that is not a small regular file is a settings error,
//! said at once: a FIFO never blocks the program, `/dev/zero` never fills
//! its memory, a huge file is not read, and text from the file (a key with
//! an escape sequence in it) prints inert. (Part of issue #12.)
//!
//! What does not exist is said, with where it was looked for: a settings
//! file named by `$OPENUSAGE_CONFIG`, a directory the settings name.
//! (Part of issue #15.)

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openusage_e2e::{fixture, openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";

/// Runs the command with `--config path` and returns (exit code, stdout,
/// stderr), failing if it takes more than a few seconds: a hang is a bug.
fn run_with_config(home: &Path, config: &Path) -> (i32, String, String) {
    let mut child = openusage(home)
        .arg("--config")
        .arg(config)
        .arg("snapshot")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("openusage --config {} hung", config.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_settings_error(home: &Path, config: &Path, says: &str) {
    // Built (when stale) before the clock starts.
    openusage_e2e::binary();
    let started = Instant::now();
    let (code, out, err) = run_with_config(home, config);
    assert_eq!(code, 2, "{}: {err}", config.display());
    assert_eq!(out, "");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains(&format!("settings file {}", config.display())),
        "the file is named: {err}"
    );
    assert!(err.contains(says), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_settings_file_is_an_error_not_a_hang() {
    let home = tempfile::tempdir().unwrap();
    let fifo = home.path().join("settings.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Nobody ever writes to it: a blocking open or read would wait forever.
    assert_settings_error(home.path(), &fifo, "not a regular file (a FIFO)");
}

#[cfg(unix)]
#[test]
fn dev_zero_as_the_settings_file_is_an_error_not_a_growing_read() {
    let home = tempfile::tempdir().unwrap();
    assert_settings_error(
        home.path(),
        Path::new("/dev/zero"),
        "not a regular file (a device)",
    );
    // A link to it under an innocent name is the same.
    let link = home.path().join("settings.json");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    assert_settings_error(home.path(), &link, "not a regular file (a device)");
}

#[test]
fn a_settings_file_over_a_mebibyte_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let big = home.path().join("settings.json");
    // Valid JSON of 2 MiB: refused for its size, never parsed.
    let mut text = br#"{"accounts":[]}"#.to_vec();
    text.resize(2 * 1024 * 1024, b' ');
    std::fs::write(&big, &text).unwrap();
    assert_settings_error(home.path(), &big, "larger than 1 MiB");
}

#[test]
fn a_directory_as_the_settings_file_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    assert_settings_error(home.path(), home.path(), "not a regular file (a directory)");
}

#[test]
fn escape_sequences_in_a_settings_error_print_inert() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("settings.json");
    // Keys with ESC (a colour change), the 8-bit CSI and a zero-width space:
    // serde names the unknown key in its message.
    std::fs::write(
        &path,
        r#"{"\u001b[31mred\u009b2J\u200b": 1, "accounts": [{"id": "a\u0007", "provider": "pi", "x": 1}]}"#,
    )
    .unwrap();
    let (code, _, err) = run_with_config(home.path(), &path);
    assert_eq!(code, 2, "{err}");
    assert!(
        !err.chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{200b}'),
        "raw control characters on stderr: {err:?}"
    );
    assert!(err.contains(r"\u{1b}[31mred\u{9b}2J\u{200b}"), "{err}");
    // A settings file whose own name carries an escape is named inert too.
    let odd = home.path().join("odd\u{1b}]0;title\u{7}.json");
    std::fs::write(&odd, "{").unwrap();
    let (code, _, err) = run_with_config(home.path(), &odd);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains(r"odd\u{1b}]0;title\u{7}.json"), "{err}");
}

/// `snapshot --json` of `home` with the settings `text` at
/// `~/.config/openusage/settings.json`: (exit code, the one snapshot,
/// stderr).
fn snapshot_with(home: &Path, text: &str) -> (i32, serde_json::Value, String) {
    let path = home.join(".config/openusage/settings.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = run(openusage(home).args(["--now", NOW, "snapshot", "--json"]));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    (code, doc["snapshots"][0].clone(), err)
}

#[test]
fn a_missing_sessions_dir_is_named_as_the_user_wrote_it() {
    let home = tempfile::tempdir().unwrap();
    let settings = r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"sessions_dir":"~/backups/laptop-sessions"}}]}"#;
    let (code, snap, err) = snapshot_with(home.path(), settings);
    assert_eq!(code, 0, "{err}");
    assert_eq!(snap["status"], "unknown");
    assert_eq!(
        snap["message"],
        "Pi sessions directory not found: ~/backups/laptop-sessions"
    );
}

#[test]
fn a_missing_extra_dir_is_named_beside_what_was_read() {
    let home = tempfile::tempdir().unwrap();
    let sessions = fixture("demo/sessions");
    let settings = serde_json::json!({"detect": false, "accounts": [{
        "id": "pi", "provider": "pi",
        "extra": {"sessions_dir": sessions, "extra_dirs": ["~/old-laptop/pi-sessions"]}
    }]});
    let (code, snap, err) = snapshot_with(home.path(), &settings.to_string());
    assert_eq!(code, 0, "{err}");
    // The sessions were read; the status stays ok, the message says what
    // was not there.
    assert_eq!(snap["status"], "ok");
    assert!(snap["metrics"]["total_tokens"]["used"].as_u64().unwrap() > 0);
    let message = snap["message"].as_str().unwrap();
    assert!(
        message.ends_with("; Pi sessions directory not found: ~/old-laptop/pi-sessions"),
        "{message}"
    );
    // The dashboard's tile says it too, under the numbers it did read.
    let (code, tile, err) =
        run(openusage(home.path()).args(["--now", NOW, "dashboard", "--once", "--width", "120"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        tile.contains("Pi sessions directory not found: ~/old-laptop/pi-sessions"),
        "{tile}"
    );
    assert!(tile.contains("Tokens"), "{tile}");
    // An extra directory that exists is not named.
    let old = home.path().join("old-laptop/pi-sessions");
    std::fs::create_dir_all(&old).unwrap();
    let (_, snap, _) = snapshot_with(home.path(), &settings.to_string());
    assert!(
        !snap["message"].as_str().unwrap().contains("not found"),
        "{snap}"
    );
}

#[test]
fn a_settings_file_named_by_openusage_config_that_does_not_exist_is_a_note() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = run(openusage(home.path())
        .env("OPENUSAGE_CONFIG", "/nonexistent/openusage.json")
        .args(["--now", NOW, "snapshot", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"snapshots\""), "{out}");
    assert_eq!(
        err,
        "openusage: note: settings file /nonexistent/openusage.json (from $OPENUSAGE_CONFIG) \
         does not exist; using detected accounts\n"
    );
}
