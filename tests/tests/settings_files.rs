//! A settings file that is not a small regular file is a settings error,
//! said at once: a FIFO never blocks the program, `/dev/zero` never fills
//! its memory, a huge file is not read, and text from the file (a key with
//! an escape sequence in it) prints inert. (Part of issue #12.)

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openusage_e2e::openusage;

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
