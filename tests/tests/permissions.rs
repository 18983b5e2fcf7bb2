//! A session file and a session directory the user may not read: both are
//! reported in the diagnostics, by name, and everything else is counted.
//!
//! Root reads through permission bits, so when the tests run as root (as CI
//! does) openusage is started as the `nobody` user through `setpriv`. When
//! that is impossible (no `setpriv`, or `nobody` cannot reach the binary)
//! the test says why and skips; as any other user it runs directly.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use openusage_e2e::{binary, copy_tree, fixture, openusage, run};

const NOBODY: &str = "65534";

fn running_as_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

fn setpriv() -> Option<PathBuf> {
    ["/usr/bin/setpriv", "/bin/setpriv"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// `openusage` for `home` as a user that permissions apply to, or why not.
fn unprivileged(home: &Path) -> Result<Command, String> {
    if !running_as_root() {
        return Ok(openusage(home));
    }
    let setpriv = setpriv().ok_or("running as root and setpriv is not installed")?;
    // A copy beside the home, so the binary is reachable by `nobody`
    // wherever the checkout lives.
    let copy = home.with_extension("openusage");
    fs::copy(binary(), &copy).map_err(|e| format!("copy the binary: {e}"))?;
    chmod(&copy, 0o755);
    let probe = as_nobody(&setpriv, &copy, home)
        .arg("--version")
        .output()
        .map_err(|e| format!("setpriv: {e}"))?;
    if !probe.status.success() {
        return Err(format!(
            "the nobody user cannot run {}: {}",
            copy.display(),
            String::from_utf8_lossy(&probe.stderr).trim()
        ));
    }
    Ok(as_nobody(&setpriv, &copy, home))
}

/// The same command as [`openusage`], environment and all, run as `nobody`
/// from the copy `bin` of the binary.
fn as_nobody(setpriv: &Path, bin: &Path, home: &Path) -> Command {
    let direct = openusage(home);
    let mut cmd = Command::new(setpriv);
    cmd.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups", "--"])
        .arg(bin)
        .env_clear();
    for (key, value) in direct.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

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
    assert_eq!(code, 0, "{err}");
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
