//! The openusage provider for Pi and its Oh My Pi fork.
//!
//! Reads the JSONL session transcripts both agents keep (under
//! `~/.pi/agent/sessions`, `~/.omp/agent/sessions` and the other places
//! [`roots`] lists) and turns every usage record (assistant turns, tool
//! results, summaries, side calls) into a snapshot, counting records copied
//! by forks once. The behaviour is specified in `docs/providers/pi.md`.
//!
//! - [`roots`]: where sessions are found;
//! - [`entry`]: what one line means;
//! - [`turn`]: a usage record, and its identity across copies;
//! - [`file`](mod@file): one file into sessions and turns;
//! - [`count`]: turns across files, copies once;
//! - this module: the [`Provider`], and the [`FileAgent`] hooks through
//!   which `openusage-files` reads its accounts.

pub mod count;
pub mod entry;
pub mod file;
pub mod roots;
pub mod turn;

use std::path::Path;
use std::sync::Arc;

use openusage_core::aggregate::Counted;
use openusage_core::{
    AccountConfig, AccountError, AccountReader, Detection, Env, LoadContext, Provider, Tool,
};
use openusage_files::{FileAccount, FileAgent, Grown, Root};

/// Oh My Pi's binary.
pub const OMP_BINARY: &str = "omp";

/// The Pi / Oh My Pi provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct PiProvider;

/// A Pi account: `extra.sessions_dir` (when set, read instead of the
/// default roots), `extra.extra_dirs` (read as well) and what it remembers
/// of its files.
pub type PiAccount = FileAccount<PiProvider>;

impl Provider for PiProvider {
    fn id(&self) -> &'static str {
        Self::ID
    }

    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn looks_in(&self) -> &'static str {
        "~/.pi, ~/.omp"
    }

    /// Pi's roots or `pi` binary, as for any file agent; and Oh My Pi's
    /// `omp` binary, listed as a tool and registering the account as `pi`
    /// does (its sessions are this provider's too).
    fn detect(&self, env: &Env) -> Detection {
        let mut detection = openusage_files::detect(self, env);
        if let Some(path) = env.which(OMP_BINARY) {
            detection.tools.push(Tool {
                name: OMP_BINARY.to_owned(),
                path,
            });
            if detection.accounts.is_empty() {
                detection
                    .accounts
                    .push(AccountConfig::new(Self::ID, Self::ID));
            }
        }
        detection
    }

    fn load_account(
        &self,
        config: &AccountConfig,
        ctx: &LoadContext<'_>,
    ) -> Result<Box<dyn AccountReader>, AccountError> {
        Ok(Box::new(PiAccount::load(*self, config, ctx)?))
    }
}

impl FileAgent for PiProvider {
    type Scan = file::FileScan;
    type Seen = count::Seen;

    const ID: &'static str = "pi";
    const NAME: &'static str = "Pi";
    const BINARY: &'static str = "pi";
    const DIR_OPTION: &'static str = "sessions_dir";
    const ROOT_NAME: &'static str = "sessions directory";
    /// 2: readings keep each session's cwd and titles and whether the file
    /// opens with a title record; 3: a reading's dropped lines count only
    /// the lines it examined (issue 18), so older readings would count more.
    const CACHE_FORMAT: u32 = 3;
    // Counting uses only the readings, their tags and the `Counted`'s
    // zone and prices, never its `now`, and adds nothing of its own.
    const KEEPS_COUNTING: bool = true;

    fn default_roots(&self, env: &Env) -> Vec<Root> {
        roots::default_roots(env)
    }

    fn start(&self, path: &Path) -> file::FileScan {
        file::FileScan::new(path)
    }

    fn count(&self, scans: &[Arc<file::FileScan>], counted: Counted) -> Counted {
        count::count(scans.iter().map(|s| &**s), counted)
    }

    fn count_tagged(
        &self,
        scans: &[Arc<file::FileScan>],
        tags: &[Option<&'static str>],
        counted: Counted,
    ) -> Counted {
        let tagged = scans
            .iter()
            .enumerate()
            .map(|(i, s)| (&**s, tags.get(i).copied().flatten()));
        count::count_tagged(tagged, counted)
    }

    fn count_seen(
        &self,
        scans: &[Arc<file::FileScan>],
        tags: &[Option<&'static str>],
        counted: Counted,
    ) -> (Counted, Option<count::Seen>) {
        let tagged = scans
            .iter()
            .enumerate()
            .map(|(i, s)| (&**s, tags.get(i).copied().flatten()));
        let (counted, seen) = count::count_seen(tagged, counted);
        (counted, Some(seen))
    }

    fn count_more(
        &self,
        seen: &mut count::Seen,
        grown: &[Grown<'_, file::FileScan>],
        counted: impl FnOnce() -> Option<Counted>,
    ) -> Option<Counted> {
        count::count_more(seen, grown, counted)
    }
}

#[cfg(test)]
mod agent_tests;
#[cfg(test)]
mod tests;
