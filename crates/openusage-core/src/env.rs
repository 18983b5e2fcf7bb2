//! The process environment as a value, so that nothing reads the real home,
//! variables or `PATH` behind a test's back.

#![deny(missing_docs)]

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// What a provider may know about the machine it runs on: the home directory,
/// environment variables, the working directory and the standard per-user
/// directories.
///
/// Production code builds one with [`Env::from_process`]; tests build one with
/// [`Env::new`] so that they never see the real home of whoever runs them.
#[derive(Debug, Clone, Default)]
pub struct Env {
    home: Option<PathBuf>,
    vars: HashMap<OsString, OsString>,
    cwd: PathBuf,
    config_dir: Option<PathBuf>,
    cache_dir: Option<PathBuf>,
}

impl Env {
    /// An environment with the given home and no variables. The config and
    /// cache directories follow the XDG defaults under that home until a
    /// variable says otherwise (see [`Env::with_var`]).
    pub fn new(home: impl Into<PathBuf>) -> Self {
        let mut env = Env {
            home: Some(home.into()),
            cwd: PathBuf::from("/"),
            ..Env::default()
        };
        env.derive_user_dirs();
        env
    }

    /// The environment of this process. The home directory is `$HOME` when it
    /// is set and not empty (end-to-end tests point it at a fixture), else
    /// what the platform says.
    pub fn from_process() -> Self {
        let vars: HashMap<OsString, OsString> = std::env::vars_os().collect();
        let home = vars
            .get(OsStr::new("HOME"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(dirs::home_dir);
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let mut env = Env {
            home,
            vars,
            cwd,
            config_dir: None,
            cache_dir: None,
        };
        env.derive_user_dirs();
        env
    }

    /// Sets a variable (builder style, for tests).
    pub fn with_var(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.vars.insert(key.into(), value.into());
        self.derive_user_dirs();
        self
    }

    /// Sets the working directory (builder style, for tests).
    pub fn with_cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = cwd.into();
        self
    }

    /// The home directory, when one is known.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// The working directory the process started in.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// A variable's value; a variable set to the empty string reads as unset,
    /// as most shells users write `FOO= cmd` to mean "no FOO".
    pub fn var(&self, key: &str) -> Option<&OsStr> {
        self.vars
            .get(OsStr::new(key))
            .map(OsString::as_os_str)
            .filter(|v| !v.is_empty())
    }

    /// `<config dir>`: `$XDG_CONFIG_HOME`, else `~/.config` (Linux layout).
    pub fn config_dir(&self) -> Option<&Path> {
        self.config_dir.as_deref()
    }

    /// `<cache dir>`: `$XDG_CACHE_HOME`, else `~/.cache` (Linux layout).
    pub fn cache_dir(&self) -> Option<&Path> {
        self.cache_dir.as_deref()
    }

    /// Expands a leading `~` or `~/` to the home directory. `~user` is left
    /// alone: we cannot look other users up without reading system files.
    pub fn expand_tilde(&self, path: &Path) -> PathBuf {
        let Some(home) = self.home() else {
            return path.to_path_buf();
        };
        match path.strip_prefix("~") {
            Ok(rest) if rest.as_os_str().is_empty() => home.to_path_buf(),
            Ok(rest) => home.join(rest),
            Err(_) => path.to_path_buf(),
        }
    }

    /// Finds an executable on this environment's `PATH` (never the process's).
    pub fn which(&self, binary: &str) -> Option<PathBuf> {
        let path = self.var("PATH")?;
        which::which_in(binary, Some(path), &self.cwd).ok()
    }

    fn derive_user_dirs(&mut self) {
        let xdg = |key: &str, fallback: &str| -> Option<PathBuf> {
            self.var(key)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| self.home.as_ref().map(|h| h.join(fallback)))
        };
        let (config_dir, cache_dir) = (
            xdg("XDG_CONFIG_HOME", ".config"),
            xdg("XDG_CACHE_HOME", ".cache"),
        );
        self.config_dir = config_dir;
        self.cache_dir = cache_dir;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expands_only_alone_or_before_a_separator() {
        let env = Env::new("/home/alice");
        assert_eq!(env.expand_tilde(Path::new("~")), Path::new("/home/alice"));
        assert_eq!(
            env.expand_tilde(Path::new("~/.pi/agent")),
            Path::new("/home/alice/.pi/agent")
        );
        assert_eq!(env.expand_tilde(Path::new("~bob/x")), Path::new("~bob/x"));
        assert_eq!(env.expand_tilde(Path::new("/abs/~")), Path::new("/abs/~"));
    }

    #[test]
    fn empty_variables_read_as_unset() {
        let env = Env::new("/h").with_var("PI_CODING_AGENT_DIR", "");
        assert_eq!(env.var("PI_CODING_AGENT_DIR"), None);
    }

    #[test]
    fn user_dirs_follow_xdg_variables_and_fall_back_under_home() {
        let env = Env::new("/h");
        assert_eq!(env.config_dir(), Some(Path::new("/h/.config")));
        let env = env.with_var("XDG_CONFIG_HOME", "/xdg/conf");
        assert_eq!(env.config_dir(), Some(Path::new("/xdg/conf")));
        // The XDG spec says relative values are invalid and must be ignored.
        let env = Env::new("/h").with_var("XDG_CACHE_HOME", "rel/cache");
        assert_eq!(env.cache_dir(), Some(Path::new("/h/.cache")));
    }

    #[test]
    fn which_searches_only_this_environments_path() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("pi");
        std::fs::write(&bin, "#!/bin/sh\n").unwrap();
        make_executable(&bin);
        let env = Env::new("/h").with_var("PATH", dir.path());
        assert_eq!(env.which("pi"), Some(bin));
        assert_eq!(Env::new("/h").which("pi"), None);
    }

    #[cfg(unix)]
    fn make_executable(path: &Path) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    #[cfg(not(unix))]
    fn make_executable(_: &Path) {}
}
