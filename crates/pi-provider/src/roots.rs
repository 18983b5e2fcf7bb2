//! Where Pi and Oh My Pi keep their sessions.

use std::fs;
use std::path::{Path, PathBuf};

use openusage_core::Env;
use openusage_files::Root;

/// The default roots, in this order (each is read only if it exists, and a
/// file reachable from two of them is read once):
/// - Pi: `<agent dir>/sessions`, where the agent dir is
///   `$PI_CODING_AGENT_DIR` when set (with `~` expanded), else `~/.pi/agent`;
/// - Pi: `$PI_CODING_AGENT_SESSION_DIR`, when set;
/// - Pi: the agent dir itself, its own files only, when it holds any
///   `*.jsonl` (Pi 0.30.0 wrote sessions there by mistake);
/// - Oh My Pi: `~/.omp/agent/sessions`;
/// - Oh My Pi profiles: `~/.omp/profiles/<name>/agent/sessions`, by name;
/// - Oh My Pi under XDG: `$XDG_DATA_HOME/omp/sessions`, when the variable is
///   set and `$XDG_DATA_HOME/omp` exists (Oh My Pi then keeps its data there).
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
    roots.extend(agent_dir.filter(|a| holds_transcripts(a)).map(Root::flat));
    if let Some(home) = env.home() {
        roots.push(Root::tree(home.join(".omp/agent/sessions")));
        roots.extend(
            profiles(&home.join(".omp/profiles"))
                .into_iter()
                .map(Root::tree),
        );
    }
    if let Some(data) = env.var("XDG_DATA_HOME") {
        let omp = absolute(env, Path::new(data)).join("omp");
        if omp.is_dir() {
            roots.push(Root::tree(omp.join("sessions")));
        }
    }
    roots
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
    fn an_agent_dir_without_transcripts_is_not_a_root() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join(".pi/agent/sessions")).unwrap();
        fs::write(tmp.path().join(".pi/agent/settings.json"), "{}").unwrap();
        let env = Env::new(tmp.path());
        assert!(paths(&env).iter().all(|(_, recursive)| *recursive));
    }
}
