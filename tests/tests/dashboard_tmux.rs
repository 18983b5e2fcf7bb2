//! The live dashboard driven in a real terminal (tmux): it shows the fixture
//! home's totals, notices a turn appended to an existing session file on
//! `r`, quits on `q` with exit code 0 and leaves the alternate screen.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use openusage_e2e::{binary, copy_tree, fixture};

/// One tmux server of our own, killed when the test ends however it ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(width: u16, height: u16, command: &str) -> Tmux {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmux = Tmux {
            socket: format!("openusage-e2e-{}-{n}", std::process::id()),
        };
        let size = [width.to_string(), height.to_string()];
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            &size[0],
            "-y",
            &size[1],
            command,
        ]);
        tmux.run(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn keys(&self, keys: &str) {
        self.run(&["send-keys", "-t", "t", keys]);
    }

    /// Waits until `check` holds on the screen, or fails with the screen.
    fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("tmux is required for this test; .ci/run installs it");
    }
    if !found {
        eprintln!("skipped: tmux is not installed (apt-get install tmux)");
    }
    found
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

const APPENDED: &str = r#"{"type":"message","id":"e2e00001","timestamp":"2026-11-20T11:00:00.000Z","message":{"role":"assistant","content":[{"type":"text","text":"done"}],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":1000000,"output":0,"cacheRead":0,"cacheWrite":0,"cost":{"total":1.5}},"timestamp":1795172400000}}"#;

/// A copy of the Pi fixture home and the command that runs the dashboard
/// on it, writing its exit code to `<tmp>/exit`.
fn dashboard_on_fixture_copy(tmp: &Path) -> (std::path::PathBuf, String) {
    let home = tmp.join("home");
    copy_tree(&fixture("pi/home"), &home);
    let command = format!(
        "env -i HOME={} TERM=xterm-256color PATH= {} --now 2026-11-20T12:00:00Z dashboard; echo EXIT:$? > {}",
        quote(&home),
        quote(binary()),
        quote(&tmp.join("exit")),
    );
    (home, command)
}

/// Appends one turn of 1,000,000 input tokens and $1.50, dated today, to
/// session C1 (workspace cli): only that file changes, no folder does.
fn append_turn(home: &Path) {
    let file = home.join(".pi/agent/sessions/--home-alice-code-cli--/2026-11-14T16-20-00-000Z_1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e.jsonl");
    let mut text = std::fs::read(&file).unwrap();
    assert_eq!(
        text.last(),
        Some(&b'\n'),
        "the fixture file ends with a complete line"
    );
    text.extend_from_slice(APPENDED.as_bytes());
    text.push(b'\n');
    std::fs::write(&file, text).unwrap();
}

fn write_settings(home: &Path, text: &str) {
    let settings = home.join(".config/openusage/settings.json");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, text).unwrap();
}

#[test]
fn the_dashboard_refreshes_on_a_timer_from_the_settings() {
    if !tmux_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (home, command) = dashboard_on_fixture_copy(tmp.path());
    write_settings(&home, r#"{"ui":{"refresh_interval_seconds":1}}"#);
    let tmux = Tmux::start(120, 40, &command);
    tmux.wait_for("the first load", |s| s.contains("968.9k total"));
    append_turn(&home);
    // No key pressed: the one-second timer picks the new turn up.
    tmux.wait_for("the timed refresh", |s| s.contains("2M total"));
    tmux.keys("q");
}

#[test]
fn the_dashboard_refreshes_on_r_and_quits_cleanly_on_q() {
    if !tmux_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (home, command) = dashboard_on_fixture_copy(tmp.path());
    write_settings(&home, r#"{"ui":{"refresh_interval_seconds":3600}}"#);
    let exit_file = tmp.path().join("exit");
    let tmux = Tmux::start(120, 40, &command);

    // The fixture's hand-checked totals (fixtures/pi/EXPECTED.md).
    tmux.wait_for("the first load", |s| {
        s.contains("23 all · 3 today · 11 in 7d") && s.contains("968.9k total")
    });

    // The timer is an hour away: what changes now is `r`'s doing.
    append_turn(&home);
    tmux.keys("r");
    // 968,899 + 1,000,000 tokens; C1 now also active today; $2.67 + $1.50.
    let screen = tmux.wait_for("the refreshed totals", |s| s.contains("2M total"));
    assert!(screen.contains("23 all · 4 today · 11 in 7d"), "{screen}");
    assert!(screen.contains("$4.17 recorded"), "{screen}");

    tmux.keys("Tab");
    tmux.wait_for("the analytics page", |s| {
        s.contains("Analytics · window 30d") && s.contains("Models (all time)")
    });

    tmux.keys("q");
    let deadline = Instant::now() + Duration::from_secs(10);
    // The shell creates the file before `echo` fills it: wait for the line.
    let exit_line = || std::fs::read_to_string(&exit_file).unwrap_or_default();
    while !exit_line().ends_with('\n') {
        assert!(
            Instant::now() < deadline,
            "the dashboard did not exit on q:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(exit_line().trim(), "EXIT:0");
    assert_eq!(
        tmux.run(&["display-message", "-p", "-t", "t", "#{alternate_on}"])
            .trim(),
        "0"
    );
    assert!(
        !tmux.screen().contains("openusage ·"),
        "the dashboard was left on screen"
    );
}
