//! Where Pi and Oh My Pi keep their sessions.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use openusage_core::Env;
use openusage_files::Root;

/// The agent of Pi's files, as records and model rows name it.
pub const PI: &str = "pi";
/// The agent of Oh My Pi's files, and the tag of its roots.
pub const OMP: &str = "omp";

/// The default roots, in this order (each is read only if it exists, and a
/// file reachable from two of them is read once):
/// - Pi: `<agent dir>/sessions`, where the agent dir is
///   `$PI_CODING_AGENT_DIR` when set (with `~` expanded), else `~/.pi/agent`;
/// - Pi: `$PI_CODING_AGENT_SESSION_DIR`, when set;
/// - Pi: the `sessionDir` of `<agent dir>/settings.json`, when it is
///   absolute or starts with `~` ([`session_dir_setting`]);
/// - Pi: the agent dir itself, its own files only, when it holds any
///   `*.jsonl` (Pi 0.30.0 wrote sessions there by mistake);
/// - Oh My Pi: `~/.omp/agent/sessions`;
/// - Oh My Pi profiles: `~/.omp/profiles/<name>/agent/sessions`, by name;
/// - Oh My Pi under XDG: `$XDG_DATA_HOME/omp/sessions`, when the variable is
///   set and `$XDG_DATA_HOME/omp` exists (Oh My Pi then keeps its data there).
///
/// Oh My Pi's roots are tagged [`OMP`]: their files are Oh My Pi's.
pub fn default_roots(env: &Env) -> Vec<Root> {
    let mut roots = Vec::new();
    let agent_dir = match env.var("PI_CODING_AGENT_DIR") {
        Some(dir) => Some(absolute(env, Path::new(dir))),
        None => env.home().map(|h| h.join(".pi/agent")),
    };
    roots.extend(agent_dir.iter().map(|a| Root::tree(a.join("sessions"))));
    if let Some(dir) = env.var("PI_CODING_AGENT_SESSION_DIR") {
        roots.push(Root::tree(absolute(env, Path::new(dir))));
    }
    let setting = agent_dir
        .as_deref()
        .and_then(|a| session_dir_setting(env, a));
    roots.extend(setting.map(Root::tree));
    roots.extend(agent_dir.filter(|a| holds_transcripts(a)).map(Root::flat));
    let mut omp = Vec::new();
    if let Some(home) = env.home() {
        omp.push(home.join(".omp/agent/sessions"));
        omp.extend(profiles(&home.join(".omp/profiles")));
    }
    if let Some(data) = env.var("XDG_DATA_HOME") {
        let data = absolute(env, Path::new(data)).join("omp");
        if data.is_dir() {
            omp.push(data.join("sessions"));
        }
    }
    roots.extend(omp.into_iter().map(|p| Root::tree(p).tagged(OMP)));
    roots
}

/// The most of Pi's settings file read: the size of our own settings'
/// limit, far more than any real one.
const MAX_SETTINGS_BYTES: u64 = openusage_core::settings::MAX_SETTINGS_BYTES;

/// Pi's `sessionDir` setting, from `<agent dir>/settings.json`: where Pi
/// writes new sessions when neither `--session-dir` nor
/// `$PI_CODING_AGENT_SESSION_DIR` says otherwise. Followed when it is
/// absolute, `~` or starts with `~/` (Pi expands those two alone); a
/// relative path is Pi's cwd's, different for every project, so it is not.
/// The file is Pi's, not ours: when it is missing, unreadable, not a
/// regular file, over 1 MiB, not JSON or holds no string
/// there, the setting is simply not followed. Never written; a project's
/// `.pi/settings.json` is never read.
pub fn session_dir_setting(env: &Env, agent_dir: &Path) -> Option<PathBuf> {
    let bytes = read_small(&agent_dir.join("settings.json"))?;
    // Pi strips a byte order mark before parsing.
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let settings: serde_json::Value = serde_json::from_slice(text).ok()?;
    let dir = Path::new(settings.get("sessionDir")?.as_str()?);
    let dir = env.expand_tilde(dir);
    dir.is_absolute().then_some(dir)
}

/// A regular file's bytes, if it is one of at most [`MAX_SETTINGS_BYTES`]:
/// opened without blocking and its type asked of the handle, so a FIFO or
/// device in its place is never waited on or read.
fn read_small(path: &Path) -> Option<Vec<u8>> {
    let file = openusage_core::open::nonblocking(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_SETTINGS_BYTES {
        return None;
    }
    openusage_core::open::blocking(&file).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_SETTINGS_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_SETTINGS_BYTES).then_some(bytes)
}

fn absolute(env: &Env, path: &Path) -> PathBuf {
    env.cwd().join(env.expand_tilde(path))
}

/// Whether `dir` directly holds a `*.jsonl` file (or a link to one).
fn holds_transcripts(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        e.file_name().to_string_lossy().ends_with(".jsonl")
            && fs::metadata(e.path()).is_ok_and(|m| m.is_file())
    })
}

/// `<profiles>/<name>/agent/sessions` for every profile, sorted by name.
fn profiles(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path().join("agent/sessions"))
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(env: &Env) -> Vec<(PathBuf, bool)> {
        default_roots(env)
            .into_iter()
            .map(|r| (r.path, r.recursive))
            .collect()
    }

    fn tree(path: &Path) -> (PathBuf, bool) {
        (path.to_path_buf(), true)
    }

    #[test]
    fn defaults_are_pi_then_oh_my_pi_under_home() {
        let env = Env::new("/home/alice");
        assert_eq!(
            paths(&env),
            [
                tree(Path::new("/home/alice/.pi/agent/sessions")),
                tree(Path::new("/home/alice/.omp/agent/sessions")),
            ]
        );
    }

    #[test]
    fn the_agent_dir_variable_replaces_pi_s_root_only_and_expands_tilde() {
        let env = Env::new("/home/alice").with_var("PI_CODING_AGENT_DIR", "~/alt/agent");
        assert_eq!(
            paths(&env),
            [
                tree(Path::new("/home/alice/alt/agent/sessions")),
                tree(Path::new("/home/alice/.omp/agent/sessions")),
            ]
        );
    }

    #[test]
    fn the_session_dir_variable_adds_a_root() {
        let env = Env::new("/home/alice").with_var("PI_CODING_AGENT_SESSION_DIR", "~/s");
        assert_eq!(paths(&env)[1], tree(Path::new("/home/alice/s")));
    }

    #[test]
    fn stray_files_profiles_and_xdg_data_are_roots_when_they_exist() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        let xdg = home.join("data");
        fs::create_dir_all(home.join(".pi/agent")).unwrap();
        fs::write(home.join(".pi/agent/2025-12-01_x.jsonl"), "").unwrap();
        for profile in ["work", "play"] {
            fs::create_dir_all(home.join(".omp/profiles").join(profile)).unwrap();
        }
        let env = Env::new(home).with_var("XDG_DATA_HOME", &xdg);
        let without_xdg_omp = paths(&env);
        fs::create_dir_all(xdg.join("omp")).unwrap();
        assert_eq!(
            paths(&env),
            [
                tree(&home.join(".pi/agent/sessions")),
                (home.join(".pi/agent"), false),
                tree(&home.join(".omp/agent/sessions")),
                tree(&home.join(".omp/profiles/play/agent/sessions")),
                tree(&home.join(".omp/profiles/work/agent/sessions")),
                tree(&xdg.join("omp/sessions")),
            ]
        );
        assert_eq!(
            without_xdg_omp.len(),
            5,
            "no XDG root without $XDG_DATA_HOME/omp"
        );
    }

    #[test]
    fn oh_my_pi_s_roots_alone_are_tagged() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        fs::create_dir_all(home.join(".omp/profiles/work")).unwrap();
        fs::create_dir_all(home.join("data/omp")).unwrap();
        let env = Env::new(home)
            .with_var("PI_CODING_AGENT_SESSION_DIR", "/s")
            .with_var("XDG_DATA_HOME", home.join("data"));
        let tags: Vec<Option<&str>> = default_roots(&env).iter().map(|r| r.tag).collect();
        assert_eq!(tags, [None, None, Some(OMP), Some(OMP), Some(OMP)]);
    }

    /// Pi's settings file in `agent`, holding `text`.
    fn settings(agent: &Path, text: &str) {
        fs::create_dir_all(agent).unwrap();
        fs::write(agent.join("settings.json"), text).unwrap();
    }

    #[test]
    fn the_session_dir_setting_is_followed_when_absolute_or_under_home() {
        let tmp = tempfile::tempdir().unwrap();
        let agent = tmp.path().join("agent");
        let env = Env::new("/home/alice");
        let setting = |text: &str| {
            settings(&agent, text);
            session_dir_setting(&env, &agent)
        };
        let some = |p: &str| Some(PathBuf::from(p));
        assert_eq!(setting(r#"{"sessionDir":"/data/pi"}"#), some("/data/pi"));
        assert_eq!(
            setting(r#"{"sessionDir":"~/pi-sessions"}"#),
            some("/home/alice/pi-sessions")
        );
        assert_eq!(setting(r#"{"sessionDir":"~"}"#), some("/home/alice"));
        // Pi strips a byte order mark; the last of a repeated key wins.
        assert_eq!(setting("\u{feff}{\"sessionDir\":\"/bom\"}"), some("/bom"));
        assert_eq!(
            setting(r#"{"sessionDir":"/a","sessionDir":"/b"}"#),
            some("/b")
        );
        // Relative paths are each project's; `~user` is not expanded by Pi.
        for ignored in [
            r#"{"sessionDir":"sessions"}"#,
            r#"{"sessionDir":"./s"}"#,
            r#"{"sessionDir":"~bob/s"}"#,
            r#"{"sessionDir":""}"#,
            r#"{"sessionDir":5}"#,
            r#"{"sessionDir":null}"#,
            r#"{"theme":"dark"}"#,
            r#"["/data/pi"]"#,
            r#"{"sessionDir":"/data/pi""#,
            "",
        ] {
            assert_eq!(setting(ignored), None, "{ignored}");
        }
    }

    #[test]
    fn a_missing_oversized_or_special_settings_file_is_passed_over_without_waiting() {
        let tmp = tempfile::tempdir().unwrap();
        let env = Env::new("/home/alice");
        let agent = tmp.path().join("agent");
        assert_eq!(session_dir_setting(&env, &agent), None, "no agent dir");
        fs::create_dir_all(agent.join("settings.json")).unwrap();
        assert_eq!(session_dir_setting(&env, &agent), None, "a directory");
        fs::remove_dir(agent.join("settings.json")).unwrap();
        let padding = " ".repeat(MAX_SETTINGS_BYTES as usize);
        settings(&agent, &format!(r#"{{"sessionDir":"/big"}}{padding}"#));
        assert_eq!(session_dir_setting(&env, &agent), None, "over the limit");
        fs::remove_file(agent.join("settings.json")).unwrap();
        #[cfg(unix)]
        {
            let made = std::process::Command::new("mkfifo")
                .arg(agent.join("settings.json"))
                .status();
            assert!(made.unwrap().success(), "mkfifo is needed for this test");
            // A FIFO with no writer: opening it for reading would wait forever.
            assert_eq!(session_dir_setting(&env, &agent), None, "a FIFO");
        }
    }

    #[test]
    fn the_session_dir_setting_is_a_pi_root_after_the_variable() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path();
        settings(&home.join(".pi/agent"), r#"{"sessionDir":"~/moved"}"#);
        let env = Env::new(home).with_var("PI_CODING_AGENT_SESSION_DIR", "/s");
        assert_eq!(
            paths(&env),
            [
                tree(&home.join(".pi/agent/sessions")),
                tree(Path::new("/s")),
                tree(&home.join("moved")),
                tree(&home.join(".omp/agent/sessions")),
            ]
        );
        // The agent dir variable moves the settings file with it.
        settings(&home.join("alt"), r#"{"sessionDir":"/alt-moved"}"#);
        let env = Env::new(home).with_var("PI_CODING_AGENT_DIR", "~/alt");
        assert_eq!(paths(&env)[1], tree(Path::new("/alt-moved")));
    }

    #[test]
    fn an_agent_dir_without_transcripts_is_not_a_root() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join(".pi/agent/sessions")).unwrap();
        fs::write(tmp.path().join(".pi/agent/settings.json"), "{}").unwrap();
        let env = Env::new(tmp.path());
        assert!(paths(&env).iter().all(|(_, recursive)| *recursive));
    }
}
