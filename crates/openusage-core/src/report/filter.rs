//! Which sessions a report keeps: `--agent` and `--project`.

use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::ledger::SessionInfo;

/// The sessions a report keeps; the default keeps every one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only sessions of this agent (see [`agent_of`]).
    pub agent: Option<String>,
    pub project: Option<Project>,
}

/// A project a report is limited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Project {
    /// Sessions whose workspace label is this one.
    Label(String),
    /// Sessions whose working directory is this one or lies below it,
    /// compared component by component.
    Path(PathBuf),
}

impl Project {
    /// `name` as the user gave it: a path when it starts with `/` or `~`
    /// (`~` and `~/…` are the home of `env`), else a workspace label.
    pub fn parse(name: &str, env: &Env) -> Project {
        match name.starts_with('/') || name.starts_with('~') {
            true => Project::Path(env.expand_tilde(Path::new(name))),
            false => Project::Label(name.to_owned()),
        }
    }

    fn holds(&self, info: &SessionInfo) -> bool {
        match self {
            Project::Label(label) => info.workspace.as_deref() == Some(label.as_str()),
            // `Path::starts_with` compares whole components: `/a/api` is
            // below `/a/api` and holds `/a/api/x`, not `/a/apix`.
            Project::Path(prefix) => info
                .cwd
                .as_deref()
                .is_some_and(|cwd| Path::new(cwd).starts_with(prefix)),
        }
    }
}

impl Filter {
    /// Whether the session `info`, of an account of `provider_id`, is kept.
    pub fn keeps(&self, provider_id: &str, info: &SessionInfo) -> bool {
        self.agent
            .as_deref()
            .is_none_or(|agent| agent_of(provider_id, info) == agent)
            && self.project.as_ref().is_none_or(|p| p.holds(info))
    }
}

/// The agent a session is shown under: the one that wrote it, for a
/// provider that stands for several (Pi's `pi` and `omp`), else the
/// provider's id.
pub fn agent_of<'a>(provider_id: &'a str, info: &'a SessionInfo) -> &'a str {
    info.agent.as_deref().unwrap_or(provider_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(workspace: Option<&str>, cwd: Option<&str>, agent: Option<&str>) -> SessionInfo {
        SessionInfo {
            id: "s".to_owned(),
            workspace: workspace.map(str::to_owned),
            agent: agent.map(str::to_owned),
            title: None,
            cwd: cwd.map(str::to_owned),
        }
    }

    fn project(name: &str) -> Filter {
        Filter {
            agent: None,
            project: Some(Project::parse(name, &Env::new("/home/a"))),
        }
    }

    #[test]
    fn a_name_is_a_label_and_a_slash_or_tilde_makes_it_a_path() {
        let env = Env::new("/home/a");
        assert_eq!(Project::parse("api", &env), Project::Label("api".into()));
        assert_eq!(
            Project::parse("~/api", &env),
            Project::Path("/home/a/api".into())
        );
        assert_eq!(Project::parse("~", &env), Project::Path("/home/a".into()));
        assert_eq!(
            Project::parse("/srv/api", &env),
            Project::Path("/srv/api".into())
        );
        // Another user's home cannot be looked up: taken as written.
        assert_eq!(
            Project::parse("~bob/api", &env),
            Project::Path("~bob/api".into())
        );
    }

    #[test]
    fn a_path_holds_itself_and_what_lies_below_it_whole_components_only() {
        let at = |cwd| session(Some("x"), Some(cwd), None);
        let api = project("/home/a/api");
        assert!(api.keeps("pi", &at("/home/a/api")));
        assert!(api.keeps("pi", &at("/home/a/api/")));
        assert!(api.keeps("pi", &at("/home/a/api/web")));
        assert!(!api.keeps("pi", &at("/home/a/apix")));
        assert!(!api.keeps("pi", &at("/home/b/api")));
        assert!(!project("/home/a/ap").keeps("pi", &at("/home/a/api")));
        assert!(project("~/api").keeps("pi", &at("/home/a/api/web")));
        // No cwd recorded: no path holds it.
        assert!(!api.keeps("pi", &session(Some("api"), None, None)));
    }

    #[test]
    fn a_label_is_compared_whole_and_an_agent_falls_back_to_the_provider() {
        let s = session(Some("api"), Some("/srv/api"), None);
        assert!(project("api").keeps("codex", &s));
        assert!(!project("ap").keeps("codex", &s));
        let agent = |name: &str| Filter {
            agent: Some(name.to_owned()),
            project: None,
        };
        assert!(agent("codex").keeps("codex", &s));
        assert!(!agent("pi").keeps("codex", &s));
        let omp = session(None, None, Some("omp"));
        assert!(agent("omp").keeps("pi", &omp));
        assert!(!agent("pi").keeps("pi", &omp));
        assert!(Filter::default().keeps("pi", &omp));
    }
}
