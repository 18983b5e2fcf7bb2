//! Reading one transcript file into its usage records.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use openusage_core::cache::{self, Incremental};
use openusage_core::files::Scanned;

use crate::entry::{self, Entry, UsageLine};

/// What one transcript contributes, before streamed and copied records are
/// merged across files. Built line by line ([`Incremental`]), so a
/// transcript that grew is read on from where its last reading stopped.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileScan {
    pub path: PathBuf,
    /// The file's modification time, which dates records without a timestamp.
    pub mtime: DateTime<Utc>,
    /// The first timestamp in the file: the counting order's first key.
    pub started: Option<DateTime<Utc>>,
    /// The file name without `.jsonl`, the session of records without `sessionId`.
    pub stem: String,
    /// Usage records in line order.
    pub records: Vec<UsageLine>,
    pub lines_dropped: u64,
    /// Lines that could matter but were too long to read.
    #[serde(default)]
    pub lines_oversized: u64,
}

impl FileScan {
    /// A reading of the transcript at `path` before its first line.
    pub fn new(path: &Path) -> Self {
        FileScan {
            path: path.to_path_buf(),
            mtime: DateTime::UNIX_EPOCH,
            started: None,
            stem: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            records: Vec::new(),
            lines_dropped: 0,
            lines_oversized: 0,
        }
    }

    /// When a record happened: its own timestamp, else the file's mtime.
    pub fn when(&self, record: &UsageLine) -> DateTime<Utc> {
        record.at.unwrap_or(self.mtime)
    }
}

impl Scanned for FileScan {
    fn skipped(&self) -> bool {
        false
    }

    fn lines_dropped(&self) -> u64 {
        self.lines_dropped
    }

    fn lines_oversized(&self) -> u64 {
        self.lines_oversized
    }
}

impl Incremental for FileScan {
    fn line(&mut self, line: &[u8]) {
        // Until the file's first timestamp is known every line is read whole.
        let entry = if self.started.is_none() {
            entry::decode(line)
        } else {
            entry::decode_usage(line)
        };
        match entry {
            Entry::Undecodable => self.lines_dropped += 1,
            Entry::Other { at } => self.started = self.started.or(at),
            Entry::Usage { line_at, usage } => {
                self.started = self.started.or(line_at);
                self.records.push(*usage);
            }
        }
    }

    fn set_mtime(&mut self, mtime: DateTime<Utc>) {
        self.mtime = mtime;
    }

    /// Until the file's first timestamp every line is examined (any record
    /// may date the file); then only lines holding `assistant` or
    /// `progress`, as every usage record does.
    fn words(&self) -> Option<&'static [&'static [u8]]> {
        self.started.map(|_| entry::words())
    }

    fn oversized(&mut self) {
        self.lines_oversized += 1;
    }
}

/// Reads a whole transcript from `reader` at once (tests, benchmarks).
pub fn scan_reader(path: &Path, reader: impl Read, mtime: DateTime<Utc>) -> io::Result<FileScan> {
    cache::read_all(FileScan::new(path), reader, mtime)
}
