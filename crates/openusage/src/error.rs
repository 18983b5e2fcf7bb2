//! Why a command failed, each with the exit code it deserves: 2 for what
//! the user asked or wrote wrong (flags, settings), 1 for what went wrong
//! while running, 128 + n when signal n ended the live view.
//!
//! A variant keeps the error it came from (`source`), and its message is
//! the one line `main` prints after `openusage: `.

use std::io;
use std::path::PathBuf;

use chrono::NaiveDate;
use openusage_core::{SettingsError, UnknownZone};
use openusage_tui::live;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The settings file cannot be read or says something wrong (the
    /// message names the file).
    #[error(transparent)]
    Settings(#[from] SettingsError),

    /// `--timezone` names no zone we know.
    #[error("--timezone: {0}")]
    Timezone(#[from] UnknownZone),

    /// `--provider` names no provider of this build.
    #[error("unknown provider {id:?} (known: {known})")]
    UnknownProvider { id: String, known: String },

    /// `--since` is after `--until`: the range holds no day.
    #[error("--since {since} is after --until {until}")]
    EmptyRange { since: NaiveDate, until: NaiveDate },

    /// `statusline --format` holds what is no template.
    #[error("{0}")]
    Format(String),

    /// `-o`/`--force` given to a report that writes no file.
    #[error("-o/--output and --force are for `report html` only")]
    PageOnly,

    /// The page's file exists and `--force` was not given.
    #[error("{} exists: add --force to replace it, or choose another file with -o", path.display())]
    PageExists { path: PathBuf },

    /// The page's file is there but is no regular file (a directory, a
    /// device): never replaced, whatever `--force` says.
    #[error("{} is not a regular file: choose another file with -o", path.display())]
    PageTarget { path: PathBuf },

    /// The page could not be written (nothing was left in its place).
    #[error("cannot write {}: {source}", path.display())]
    PageWrite {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// A document (`what`: the report, the snapshot) cannot be encoded.
    #[error("cannot encode the {what} as JSON: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },

    /// The live view failed, or a signal ended it (after it restored the
    /// terminal).
    #[error(transparent)]
    Live(#[from] live::Error),

    /// Standard output was closed when the program started.
    #[error("cannot write output: standard output is closed")]
    StdoutClosed,

    /// Writing the output failed (a full disk, a file size limit).
    #[error("cannot write output: {0}")]
    Output(#[source] io::Error),
}

impl Error {
    /// What the process exits with.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Settings(_)
            | Error::Timezone(_)
            | Error::UnknownProvider { .. }
            | Error::EmptyRange { .. }
            | Error::Format(_)
            | Error::PageOnly
            | Error::PageExists { .. }
            | Error::PageTarget { .. } => 2,
            Error::Live(live::Error::Signal(n)) => u8::try_from(128 + n).unwrap_or(1),
            Error::Json { .. }
            | Error::Live(_)
            | Error::StdoutClosed
            | Error::Output(_)
            | Error::PageWrite { .. } => 1,
        }
    }

    /// Whether the user should be told: a signal's exit code says it all,
    /// as it does for a process a shell killed.
    pub fn is_silent(&self) -> bool {
        matches!(self, Error::Live(live::Error::Signal(_)))
    }
}

/// An account's readings could not be saved for the next run. Not a
/// failure of the command: it costs the next run some speed, and is
/// printed as a note.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the cache of {provider} account {account:?} in {}: {source}", dir.display())]
pub struct CacheNotSaved {
    pub provider: String,
    pub account: String,
    pub dir: PathBuf,
    #[source]
    pub source: io::Error,
}
