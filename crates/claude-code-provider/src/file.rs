//! Reading one transcript file into its usage records.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use openusage_files::Scanned;
use openusage_files::{self as cache, Incremental};

use crate::entry::{self, Entry, UsageLine};

/// What one transcript contributes, before streamed and copied records are
/// merged across files. Built line by line ([`Incremental`]), so a
/// transcript that grew is read on from where its last reading stopped.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FileScan {
    #[serde(with = "openusage_files::path_bytes")]
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

    /// What reading lines keeps true: a cost is finite and not negative.
    /// (A reading holds no index into its own lists: an advisor call's
    /// `nth` names the call, it points nowhere.)
    fn consistent(&self) -> bool {
        self.records
            .iter()
            .all(|r| r.cost_usd.is_none_or(|c| c.is_finite() && c >= 0.0))
    }
}

/// Reads a whole transcript from `reader` at once (tests, benchmarks).
pub fn scan_reader(path: &Path, reader: impl Read, mtime: DateTime<Utc>) -> io::Result<FileScan> {
    cache::read_all(FileScan::new(path), reader, mtime)
}

#[cfg(test)]
mod consistency_tests {
    use super::*;

    #[test]
    fn a_reading_holds_together_and_one_with_a_cost_out_of_range_does_not() {
        let line = r#"{"sessionId":"s","type":"assistant","costUSD":0.25,"message":{"id":"m","role":"assistant","model":"x","usage":{"input_tokens":3,"output_tokens":1}},"timestamp":"2026-11-20T09:00:00.000Z"}"#;
        let read = || scan_reader(Path::new("/s.jsonl"), line.as_bytes(), DateTime::UNIX_EPOCH);
        let scan = read().unwrap();
        assert_eq!(scan.records[0].cost_usd, Some(0.25));
        assert!(scan.consistent());
        for cost in [f64::NAN, f64::INFINITY, -0.5] {
            let mut scan = read().unwrap();
            scan.records[0].cost_usd = Some(cost);
            assert!(!scan.consistent(), "{cost}");
        }
    }
}
