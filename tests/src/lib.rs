//! Helpers for the end-to-end tests: find (or build) the real `openusage`
//! binary and run it against a fixture home with a pinned clock.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    workspace().join("fixtures").join(rel)
}

/// The `openusage` binary of this build profile. `cargo test --workspace`
/// does not build the plain binary of a package that has no integration
/// test of its own, so it is built here once when missing or stale.
pub fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test> -> target/<profile>/openusage
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>");
        let target_dir = profile_dir.parent().expect("target dir");
        let profile = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("debug");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut build = Command::new(cargo);
        build.current_dir(workspace()).args([
            "build",
            "--quiet",
            "-p",
            "openusage",
            "--bin",
            "openusage",
        ]);
        build.arg("--target-dir").arg(target_dir);
        if profile == "release" {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build");
        assert!(
            status.success(),
            "cargo build of the openusage binary failed"
        );
        profile_dir.join(format!("openusage{}", std::env::consts::EXE_SUFFIX))
    })
}

/// A command for the binary with a clean environment: `HOME` set to `home`,
/// an empty `PATH` (no agent binaries), the cache in a directory of its own
/// for that home (never inside a fixture), and nothing else from the
/// caller's environment that could leak the real home in.
pub fn openusage(home: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", "")
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", cache_home(home));
    cmd
}

/// A cache directory outside `home`, one per home and test process.
pub fn cache_home(home: &Path) -> PathBuf {
    let key = home
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    let process = format!("openusage-e2e-{}", std::process::id());
    std::env::temp_dir()
        .join(process)
        .join(format!("{key:016x}"))
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run openusage");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// `openusage [flags] snapshot --json --provider <provider>` on `home`,
/// parsed; fails the test unless it exits 0.
pub fn snapshot_json(home: &Path, flags: &[&str], provider: &str) -> serde_json::Value {
    let (code, out, err) =
        run(openusage(home)
            .args(flags)
            .args(["snapshot", "--json", "--provider", provider]));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("snapshot JSON")
}

/// The JSON document `fixtures/<rel>`.
pub fn fixture_json(rel: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixture(rel)).expect("read the fixture");
    serde_json::from_str(&text).expect("fixture JSON")
}

/// Fails the test with the first difference (see [`json_diff`]), naming `what`.
pub fn assert_json_eq(actual: &serde_json::Value, expected: &serde_json::Value, what: &str) {
    if let Some(difference) = json_diff(actual, expected) {
        panic!("{what}: {difference}\n\nactual:\n{actual:#}");
    }
}

/// Compares two JSON documents: equal structure, equal strings and
/// integers, floats within a relative 1e-9 (costs are float sums whose last
/// bits depend on the order of addition). Returns the first difference.
pub fn json_diff(actual: &serde_json::Value, expected: &serde_json::Value) -> Option<String> {
    diff_at("$", actual, expected)
}

fn diff_at(path: &str, a: &serde_json::Value, e: &serde_json::Value) -> Option<String> {
    use serde_json::Value::{Array, Number, Object};
    match (a, e) {
        (Number(x), Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            let close = (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
            (!close).then(|| format!("{path}: {x} != expected {y}"))
        }
        (Array(xs), Array(ys)) => {
            if xs.len() != ys.len() {
                return Some(format!(
                    "{path}: {} items != expected {}",
                    xs.len(),
                    ys.len()
                ));
            }
            xs.iter()
                .zip(ys)
                .enumerate()
                .find_map(|(i, (x, y))| diff_at(&format!("{path}[{i}]"), x, y))
        }
        (Object(xs), Object(ys)) => {
            for key in ys.keys() {
                if !xs.contains_key(key) {
                    return Some(format!("{path}: missing key {key:?}"));
                }
            }
            for (key, x) in xs {
                let Some(y) = ys.get(key) else {
                    return Some(format!("{path}: unexpected key {key:?} = {x}"));
                };
                if let Some(d) = diff_at(&format!("{path}.{key}"), x, y) {
                    return Some(d);
                }
            }
            None
        }
        _ => (a != e).then(|| format!("{path}: {a} != expected {e}")),
    }
}

/// A digest of every file and directory under `root` (path, type, size,
/// mtime, content, link target), to prove a command wrote nothing there.
pub fn tree_state(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    visit(root, root, &mut out);
    out.sort();
    out
}

fn visit(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let mtime = meta
            .modified()
            .ok()
            .map(|t| format!("{t:?}"))
            .unwrap_or_default();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            out.push(format!("link {rel} -> {target} {mtime}"));
        } else if meta.is_dir() {
            out.push(format!("dir {rel} {mtime}"));
            visit(root, &path, out);
        } else {
            let content = std::fs::read(&path).unwrap_or_default();
            out.push(format!(
                "file {rel} {} {mtime} {:x}",
                meta.len(),
                fnv1a(&content)
            ));
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Copies a fixture tree to `to`, symbolic links as links, so a test can
/// change the copy and never the checked-in fixture.
#[cfg(unix)]
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
        } else if kind.is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Running openusage as a user that permission bits apply to.
///
/// Root reads and writes through permission bits, so when the tests run as
/// root (as CI does) openusage is started as the `nobody` user through
/// `setpriv`. When that is impossible (no `setpriv`, or `nobody` cannot
/// reach the binary) [`unprivileged::unprivileged`] says why, and the test
/// skips; as any other user it runs directly.
#[cfg(unix)]
pub mod unprivileged {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use crate::{binary, openusage};

    const NOBODY: &str = "65534";

    pub fn running_as_root() -> bool {
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
    pub fn unprivileged(home: &Path) -> Result<Command, String> {
        if !running_as_root() {
            return Ok(openusage(home));
        }
        let setpriv = setpriv().ok_or("running as root and setpriv is not installed")?;
        // A copy beside the home, so the binary is reachable by `nobody`
        // wherever the checkout lives.
        let copy = home.with_extension("openusage");
        fs::copy(binary(), &copy).map_err(|e| format!("copy the binary: {e}"))?;
        chmod(&copy, 0o755);
        // A thread of this test process that forked while the copy was
        // open for writing holds it open until its child execs: executing
        // the copy meanwhile fails with "Text file busy". That lasts a
        // moment; the probe waits it out.
        let mut probe = as_nobody(&setpriv, &copy, home)
            .arg("--version")
            .output()
            .map_err(|e| format!("setpriv: {e}"))?;
        for _ in 0..100 {
            if probe.status.success() || !String::from_utf8_lossy(&probe.stderr).contains("busy") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            probe = as_nobody(&setpriv, &copy, home)
                .arg("--version")
                .output()
                .map_err(|e| format!("setpriv: {e}"))?;
        }
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

    pub fn chmod(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }
}
