//! The openusage provider for Anthropic's Claude Code.
//!
//! Claude Code keeps one JSONL transcript per session under
//! `~/.claude/projects/<project>/` (or `~/.config/claude/projects/`, or
//! `$CLAUDE_CONFIG_DIR/projects`). Assistant records carry the API's usage;
//! streaming writes several records for one response and resuming copies
//! records into a new transcript, so responses are counted once by message
//! and request id. `/advisor` calls inside a response (its usage
//! iterations) count once each under their own model, and sub-agent records
//! embedded in older `progress` lines count like the sub-agent's own. The
//! behaviour is specified in `docs/providers/claude-code.md`.
//!
//! - [`entry`]: what one line means;
//! - [`file`](mod@file): one transcript into usage records;
//! - [`count`]: records into responses, each once;
//! - this module: the [`Provider`], and the [`FileAgent`] hooks through
//!   which `openusage-files` reads its accounts.

pub mod count;
pub mod entry;
pub mod file;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use openusage_core::aggregate::Counted;
use openusage_core::{
    AccountConfig, AccountError, AccountReader, Detection, Env, LoadContext, Provider,
};
use openusage_files::{FileAccount, FileAgent, Root};

/// The Claude Code provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaudeCodeProvider;

/// A Claude Code account: `extra.projects_dir` (when set, the only root
/// read) and what it remembers of its files.
pub type ClaudeCodeAccount = FileAccount<ClaudeCodeProvider>;

/// `<dir>/projects` for each comma-separated entry of `$CLAUDE_CONFIG_DIR`
/// when it is set, else `~/.claude/projects` and `<config dir>/claude/projects`
/// (`$XDG_CONFIG_HOME`, by default `~/.config`).
pub fn default_roots(env: &Env) -> Vec<PathBuf> {
    if let Some(dirs) = env.var("CLAUDE_CONFIG_DIR") {
        return dirs
            .to_string_lossy()
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| {
                env.cwd()
                    .join(env.expand_tilde(Path::new(d)))
                    .join("projects")
            })
            .collect();
    }
    let Some(home) = env.home() else {
        return Vec::new();
    };
    vec![
        home.join(".claude/projects"),
        home.join(".config/claude/projects"),
    ]
}

impl Provider for ClaudeCodeProvider {
    fn id(&self) -> &'static str {
        Self::ID
    }

    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn looks_in(&self) -> &'static str {
        "~/.claude"
    }

    fn detect(&self, env: &Env) -> Detection {
        openusage_files::detect(self, env)
    }

    fn load_account(
        &self,
        config: &AccountConfig,
        ctx: &LoadContext<'_>,
    ) -> Result<Box<dyn AccountReader>, AccountError> {
        Ok(Box::new(ClaudeCodeAccount::load(*self, config, ctx)?))
    }
}

impl FileAgent for ClaudeCodeProvider {
    type Scan = file::FileScan;
    type Seen = ();

    const ID: &'static str = "claude_code";
    const NAME: &'static str = "Claude Code";
    const BINARY: &'static str = "claude";
    const DIR_OPTION: &'static str = "projects_dir";
    const ROOT_NAME: &'static str = "projects directory";
    /// 2: records keep their hour-long cache writes; 3: dropped lines count
    /// only the lines examined (issue 18).
    const CACHE_FORMAT: u32 = 3;
    // Counting uses only the readings, their tags and the `Counted`'s
    // zone and prices, never its `now`, and adds nothing of its own.
    const KEEPS_COUNTING: bool = true;

    fn default_roots(&self, env: &Env) -> Vec<Root> {
        default_roots(env).into_iter().map(Root::tree).collect()
    }

    fn start(&self, path: &Path) -> file::FileScan {
        file::FileScan::new(path)
    }

    fn count(&self, scans: &[Arc<file::FileScan>], counted: Counted) -> Counted {
        count::count(scans.iter().map(|s| &**s), counted)
    }
}

#[cfg(test)]
mod tests;
