//! The openusage provider for OpenAI's Codex CLI.
//!
//! Codex writes one JSONL "rollout" per session under
//! `$CODEX_HOME/sessions/YYYY/MM/DD/`, and may later compress a cold one to
//! `rollout-….jsonl.zst` beside it. Its usage comes as `token_count`
//! events whose totals are cumulative per session; this provider turns them
//! into per-turn deltas against a high-water baseline (older snapshots
//! written again add nothing), counts an event copied into another rollout
//! (a fork) once, and a fork's or sub-agent's inherited opening total never.
//! The behaviour is specified in `docs/providers/codex.md`.
//!
//! - [`entry`]: what one line means;
//! - [`file`](mod@file): one rollout into a session and its usage deltas;
//! - [`count`]: deltas across files, copies once, openings of children;
//! - this module: the [`Provider`], and the [`FileAgent`] hooks through
//!   which `openusage-files` reads its accounts.

pub mod count;
pub mod entry;
pub mod file;
pub mod limits;

use std::path::Path;
use std::sync::Arc;

use openusage_core::aggregate::Counted;
use openusage_core::{
    AccountConfig, AccountError, AccountReader, Detection, Env, LoadContext, Provider, TileSpec,
    TokenRow, metric,
};
use openusage_files::{FileAccount, FileAgent, Root};

/// The Codex CLI provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct CodexProvider;

/// A Codex account: `extra.sessions_dir` (when set, the only root read) and
/// what it remembers of its files.
pub type CodexAccount = FileAccount<CodexProvider>;

impl Provider for CodexProvider {
    fn id(&self) -> &'static str {
        Self::ID
    }

    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn looks_in(&self) -> &'static str {
        "~/.codex"
    }

    /// Codex counts reasoning tokens (a part of output) apart, and records
    /// rate-limit readings.
    fn tile(&self) -> TileSpec {
        const EXTRA: &[TokenRow] = &[TokenRow {
            label: "reasoning",
            metric: metric::TOTAL_REASONING_TOKENS,
        }];
        TileSpec::with_extra_tokens(EXTRA).with_limits()
    }

    fn detect(&self, env: &Env) -> Detection {
        openusage_files::detect(self, env)
    }

    fn load_account(
        &self,
        config: &AccountConfig,
        ctx: &LoadContext<'_>,
    ) -> Result<Box<dyn AccountReader>, AccountError> {
        Ok(Box::new(CodexAccount::load(*self, config, ctx)?))
    }
}

impl FileAgent for CodexProvider {
    type Scan = file::FileScan;
    type Seen = ();

    const ID: &'static str = "codex";
    const NAME: &'static str = "Codex";
    const BINARY: &'static str = "codex";
    const DIR_OPTION: &'static str = "sessions_dir";
    const ROOT_NAME: &'static str = "sessions directory";
    /// 2: records keep the working directory, not only its label; 3: each
    /// file keeps its latest rate-limit reading per limit; 4: dropped lines
    /// count only the lines examined (issue 18).
    const CACHE_FORMAT: u32 = 4;
    /// Plain rollouts, and those Codex compressed (`rollout-….jsonl.zst`,
    /// read through the decoder). A rollout caught as both while Codex
    /// compresses or decompresses it holds the same events twice: the copy
    /// key counts them once.
    const ENDINGS: &'static [&'static str] = &["jsonl", "jsonl.zst"];

    /// `$CODEX_HOME` (`~` expanded; else `~/.codex`) `/sessions`, and
    /// `/archived_sessions`, where archiving a conversation moves its file
    /// (moved, never copied, so nothing counts twice).
    fn default_roots(&self, env: &Env) -> Vec<Root> {
        let base = match env.var("CODEX_HOME") {
            Some(dir) => Some(env.cwd().join(env.expand_tilde(Path::new(dir)))),
            None => env.home().map(|h| h.join(".codex")),
        };
        base.into_iter()
            .flat_map(|b| [b.join("sessions"), b.join("archived_sessions")])
            .map(Root::tree)
            .collect()
    }

    fn start(&self, path: &Path) -> file::FileScan {
        let mut scan = file::FileScan::new(path);
        // `x.jsonl.zst` is named `x` until its meta names it, as `x.jsonl` is.
        if openusage_jsonl::compressed::is_compressed(path) {
            if let Some(plain) = scan.session.strip_suffix(".jsonl") {
                scan.session = plain.to_owned();
            }
        }
        scan
    }

    fn count(&self, scans: &[Arc<file::FileScan>], counted: Counted) -> Counted {
        count::count(scans.iter().map(|s| &**s), counted)
    }
}

#[cfg(test)]
mod compressed_tests;
#[cfg(test)]
mod limits_tests;
#[cfg(test)]
mod tests;
