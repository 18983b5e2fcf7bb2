//! The live dashboard driven in a real terminal (tmux): it shows the fixture
//! home's totals, notices a turn appended to an existing session file (by
//! its file event, or on `r`), quits on `q` with exit code 0 and leaves the
//! alternate screen.

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
fn an_appended_turn_shows_without_a_key_or_the_timer() {
    if !tmux_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (home, command) = dashboard_on_fixture_copy(tmp.path());
    // The safety net is an hour away, and no key is pressed: only the file
    // event can bring the new turn (the timer's polling is tested in
    // process: `openusage-tui` `live::tests::watching`).
    write_settings(&home, r#"{"ui":{"refresh_interval_seconds":3600}}"#);
    let tmux = Tmux::start(120, 40, &command);
    let screen = tmux.wait_for("the first load", |s| s.contains("969K total"));
    assert!(!screen.contains("polling"), "{screen}");
    append_turn(&home);
    let screen = tmux.wait_for("the refresh the write brought", |s| {
        s.contains("1.97M total")
    });
    assert!(screen.contains("23 all · 4 today · 11 in 7d"), "{screen}");
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
        s.contains("23 all · 3 today · 11 in 7d") && s.contains("969K total")
    });

    // The timer is an hour away: the file event or `r` (whichever comes
    // first; the other finds nothing new) brings the new turn.
    append_turn(&home);
    tmux.keys("r");
    // 968,899 + 1,000,000 tokens; C1 now also active today; $2.67 + $1.50.
    let screen = tmux.wait_for("the refreshed totals", |s| s.contains("1.97M total"));
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
    // Closing the view kept what it learnt for the next run.
    let cached = std::fs::read_dir(home.join(".cache/openusage"))
        .map(|d| d.flatten().count())
        .unwrap_or(0);
    assert!(cached > 0, "the live view wrote no cache when it closed");
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

/// The process whose parent is `parent` and whose name is `openusage`.
fn child_openusage(parent: u32) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = &stat[open + 1..close];
        let ppid = stat[close + 1..].split_whitespace().nth(1);
        if comm == "openusage" && ppid == Some(parent.to_string().as_str()) {
            return Some(pid);
        }
    }
    None
}

/// The dashboard run by `sh` (which, unlike bash, does not reset the
/// terminal's modes after a command), then the terminal's modes saved;
/// the pane then stays alive (a dead pane shows no cursor).
fn dashboard_under_sh(tmp: &Path) -> String {
    let home = tmp.join("home");
    copy_tree(&fixture("pi/home"), &home);
    write_settings(&home, r#"{"ui":{"refresh_interval_seconds":3600}}"#);
    let script = tmp.join("run.sh");
    std::fs::write(
        &script,
        format!(
            "env -i HOME={} TERM=xterm-256color PATH= {} --now 2026-11-20T12:00:00Z dashboard\n\
             echo EXIT:$? > {}.tmp\n\
             stty -a > {}\n\
             mv {}.tmp {}\n\
             exec sleep 60\n",
            quote(&home),
            quote(binary()),
            quote(&tmp.join("exit")),
            quote(&tmp.join("stty")),
            quote(&tmp.join("exit")),
            quote(&tmp.join("exit")),
        ),
    )
    .unwrap();
    format!("sh {}", quote(&script))
}

/// Sends `signal` to the dashboard once `ready` holds on its screen, then
/// checks that it exited with 128 + the signal's number and left the
/// terminal as it found it: main screen, cursor shown, line mode and echo.
fn signal_restores_the_terminal(signal: &str, number: i32, ready: impl Fn(&str) -> bool) {
    let tmp = tempfile::tempdir().unwrap();
    let command = dashboard_under_sh(tmp.path());
    let tmux = Tmux::start(120, 40, &command);
    let pid = dashboard_pid(&tmux);
    tmux.wait_for("the dashboard", ready);
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit_file = tmp.path().join("exit");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !exit_file.exists() {
        assert!(
            Instant::now() < deadline,
            "SIG{signal}: the dashboard did not exit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let exit = std::fs::read_to_string(&exit_file).unwrap();
    assert_eq!(exit.trim(), format!("EXIT:{}", 128 + number), "SIG{signal}");
    let pane = |format: &str| tmux.run(&["display-message", "-p", "-t", "t", format]);
    assert_eq!(
        pane("#{alternate_on}").trim(),
        "0",
        "SIG{signal}: alternate screen"
    );
    assert_eq!(
        pane("#{cursor_flag}").trim(),
        "1",
        "SIG{signal}: cursor hidden"
    );
    let stty = std::fs::read_to_string(tmp.path().join("stty")).unwrap();
    let modes: Vec<&str> = stty.split([' ', ';', '\n']).collect();
    for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(
            modes.contains(&mode),
            "SIG{signal}: {mode} is off (raw mode left on):\n{stty}"
        );
    }
    assert!(
        !tmux.screen().contains("openusage ·"),
        "SIG{signal}: the dashboard was left on screen"
    );
}

fn loaded(screen: &str) -> bool {
    screen.contains("969K total")
}

#[test]
fn sigterm_restores_the_terminal() {
    if !tmux_available() {
        return;
    }
    signal_restores_the_terminal("TERM", 15, loaded);
}

#[test]
fn sighup_restores_the_terminal() {
    if !tmux_available() {
        return;
    }
    signal_restores_the_terminal("HUP", 1, loaded);
}

#[test]
fn sigint_restores_the_terminal() {
    if !tmux_available() {
        return;
    }
    signal_restores_the_terminal("INT", 2, loaded);
}

#[test]
fn a_signal_as_soon_as_the_view_opens_restores_the_terminal() {
    if !tmux_available() {
        return;
    }
    // Whatever is on the screen: the first load may still be running.
    signal_restores_the_terminal("TERM", 15, |screen| screen.contains("openusage ·"));
}

/// The cache files under `home`, each with its inode: a save writes a new
/// file and renames it into place, so an inode that stays is a file that
/// was not written again.
fn cache_files(home: &Path) -> Vec<(std::path::PathBuf, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut files = Vec::new();
    let mut dirs = vec![home.join(".cache/openusage")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                dirs.push(entry.path());
            } else {
                files.push((entry.path(), meta.ino()));
            }
        }
    }
    files.sort();
    files
}

/// The pid of the dashboard running in `tmux`'s pane.
fn dashboard_pid(tmux: &Tmux) -> u32 {
    let shell: u32 = tmux
        .run(&["display-message", "-p", "-t", "t", "#{pane_pid}"])
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(pid) = child_openusage(shell) {
            return pid;
        }
        assert!(Instant::now() < deadline, "the dashboard did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_killed_dashboard_keeps_its_first_read_and_the_next_start_reads_the_cache() {
    if !tmux_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (home, command) = dashboard_on_fixture_copy(tmp.path());
    write_settings(&home, r#"{"ui":{"refresh_interval_seconds":3600}}"#);
    let tmux = Tmux::start(120, 40, &command);
    let pid = dashboard_pid(&tmux);
    tmux.wait_for("the first load", loaded);
    // The first collection is saved as soon as it is done; SIGKILL leaves
    // no way out but what was saved before it.
    let deadline = Instant::now() + Duration::from_secs(10);
    // Both files: the readings, and the counting saved just after them.
    while cache_files(&home).len() < 2 {
        assert!(
            Instant::now() < deadline,
            "nothing saved after the first load"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let saved = cache_files(&home);
    assert!(
        Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
    drop(tmux);

    // The second start finds every file as the cache remembers it: nothing
    // is read again, so nothing changed, so quitting writes no cache file.
    let tmux = Tmux::start(120, 40, &command);
    tmux.wait_for("the second start", loaded);
    tmux.keys("q");
    let exit = tmp.path().join("exit");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&exit)
        .unwrap_or_default()
        .ends_with('\n')
    {
        assert!(Instant::now() < deadline, "the dashboard did not exit on q");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        cache_files(&home),
        saved,
        "the second start wrote its cache again"
    );
}
