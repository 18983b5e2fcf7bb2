//! Reading every transcript under an account's roots: the walk, the scan
//! cache, progress, and the counters and status every provider reports the
//! same way. What a file *means* stays with each provider (its reading,
//! built line by line, and its counting).

use std::cmp::Ordering;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cache::{Incremental, NotTranscript, Outcome, ScanCache};
use crate::walk::{self, Found, Problem, Root};
use openusage_core::Progress;
use openusage_core::aggregate::Totals;
use openusage_core::diagnostic;
use openusage_core::snapshot::Snapshot;
use openusage_core::status::{self, Places, Wording};

/// How many unreadable paths the diagnostics list by name.
const MAX_LISTED_PROBLEMS: usize = 20;

/// What a provider's reading of one file must tell the shared counters.
pub trait Scanned {
    /// The file was read but is not a transcript (no header, for Pi).
    fn skipped(&self) -> bool;
    /// Lines that were not JSON objects.
    fn lines_dropped(&self) -> u64;
    /// Lines that could matter but were too long to read (see
    /// [`crate::cache::Incremental::oversized`]).
    fn lines_oversized(&self) -> u64;
}

/// Counters that say what was read and what was dropped, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Diagnostics {
    /// Files opened and read to the end (skipped ones included).
    pub files_read: u64,
    pub files_skipped: u64,
    /// Files that could not be opened or read, and compressed files that
    /// could not be decompressed to the end (what was read of those counts).
    pub files_unreadable: u64,
    /// Entries named like transcripts that are not regular files on a real
    /// filesystem (FIFOs, devices, sockets, files of procfs or sysfs, links
    /// to any of them), found so by the walk or on opening: never read.
    pub files_special: u64,
    pub dirs_unreadable: u64,
    pub lines_dropped: u64,
    /// Lines that could matter but were too long to read (a skeleton over
    /// [`openusage_jsonl::lines::MAX_HELD`]): what they held is not counted, and the
    /// message says the numbers may be short.
    pub lines_oversized: u64,
    /// Usage records whose four buckets were all 0.
    pub turns_zero: u64,
    /// Copies of a usage record already counted.
    pub turns_duplicate: u64,
    pub turns_counted: u64,
}

/// What reading the files of a counting found in them: the part of the
/// [`Diagnostics`] kept with a counting (see the `counting` module).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCounts {
    pub files_read: u64,
    pub files_skipped: u64,
    pub lines_dropped: u64,
    pub lines_oversized: u64,
}

/// The files under an account's roots, read (or remembered) one by one.
#[derive(Debug)]
pub struct Reading<S> {
    /// One reading per file read, in canonical path order.
    pub scans: Vec<Arc<S>>,
    /// For each of `scans`, the index (in the roots walked) of the first
    /// root its file was found under.
    pub scan_roots: Vec<usize>,
    pub diagnostics: Diagnostics,
    found: Found,
    problems: Vec<Problem>,
}

/// Reads every file under `roots` whose name ends in `.{ending}` for one of
/// `endings` through `cache` (a new reading begins as `start(path)`),
/// counting each file in `progress`. A file that cannot be read is counted
/// and listed; it never stops the others. A compressed file that could not
/// be read to its end is counted and listed the same way, and what was read
/// of it (see `Outcome::stopped`) is kept.
pub fn read_roots<S: Scanned + Incremental + Send + Sync>(
    roots: &[Root],
    endings: &[&str],
    cache: &ScanCache<S>,
    progress: &Progress,
    start: impl Fn(&Path) -> S + Sync,
) -> Reading<S> {
    read_found(walk::find_files(roots, endings), cache, progress, start)
}

/// [`read_roots`] of what a walk found.
pub(crate) fn read_found<S: Scanned + Incremental + Send + Sync>(
    found: Found,
    cache: &ScanCache<S>,
    progress: &Progress,
    start: impl Fn(&Path) -> S + Sync,
) -> Reading<S> {
    let mut diagnostics = Diagnostics {
        dirs_unreadable: found.dirs_unreadable.len() as u64,
        files_special: found.files_special,
        ..Diagnostics::default()
    };
    let mut problems = found.dirs_unreadable.clone();
    progress.files_found(found.files.len() as u64);
    // Files are independent until counting: read them on every core. The
    // results come back in path order whatever order they finish in.
    let stamps = (found.stamps.len() == found.files.len()).then_some(&found.stamps);
    let scanned: Vec<io::Result<Outcome<S>>> = found
        .files
        .par_iter()
        .enumerate()
        .map(|(i, path)| {
            let stamp = stamps.map(|s| s[i]);
            let scan = cache.scan_found(path, stamp, || start(path));
            progress.file_read();
            scan
        })
        .collect();
    let mut scans = Vec::with_capacity(found.files.len());
    let mut scan_roots = Vec::with_capacity(found.files.len());
    let places = found.files.iter().zip(&found.file_roots);
    for ((path, &root), scan) in places.zip(scanned) {
        match scan {
            Ok(Outcome { scan, stopped }) => {
                match stopped {
                    None => diagnostics.files_read += 1,
                    Some(reason) => {
                        diagnostics.files_unreadable += 1;
                        problems.push(Problem {
                            path: path.clone(),
                            reason: reason.to_string(),
                        });
                    }
                }
                diagnostics.files_skipped += u64::from(scan.skipped());
                diagnostics.lines_dropped += scan.lines_dropped();
                diagnostics.lines_oversized += scan.lines_oversized();
                scans.push(scan);
                scan_roots.push(root);
            }
            // Not a transcript after all (swapped since the walk): counted,
            // never read.
            Err(e) if NotTranscript::is(&e) => diagnostics.files_special += 1,
            Err(e) => {
                diagnostics.files_unreadable += 1;
                problems.push(Problem {
                    path: path.clone(),
                    reason: e.to_string(),
                });
            }
        }
    }
    cache.retain(&found.files);
    Reading {
        scans,
        scan_roots,
        diagnostics,
        found,
        problems,
    }
}

impl<S> Reading<S> {
    /// The files `found` as a kept counting read them (`counts`): nothing
    /// is read, and no reading is at hand (`scans` is empty).
    pub(crate) fn remembered(found: Found, counts: FileCounts, progress: &Progress) -> Self {
        progress.files_found(found.files.len() as u64);
        for _ in &found.files {
            progress.file_read();
        }
        let diagnostics = Diagnostics {
            dirs_unreadable: found.dirs_unreadable.len() as u64,
            files_special: found.files_special,
            files_read: counts.files_read,
            files_skipped: counts.files_skipped,
            lines_dropped: counts.lines_dropped,
            lines_oversized: counts.lines_oversized,
            ..Diagnostics::default()
        };
        Reading {
            scans: Vec::new(),
            scan_roots: Vec::new(),
            diagnostics,
            problems: found.dirs_unreadable.clone(),
            found,
        }
    }

    /// What reading found in the files, when every file found was read to
    /// its end (else `None`: a counting with an unreadable file is not
    /// kept, as what went wrong may not go wrong again).
    pub(crate) fn file_counts(&self) -> Option<FileCounts> {
        let d = &self.diagnostics;
        let whole = d.files_unreadable == 0 && self.scans.len() == self.found.files.len();
        whole.then_some(FileCounts {
            files_read: d.files_read,
            files_skipped: d.files_skipped,
            lines_dropped: d.lines_dropped,
            lines_oversized: d.lines_oversized,
        })
    }

    /// Sets the snapshot's status and message from what the walk found and
    /// `totals` (see [`status::describe`]), and writes the diagnostics.
    /// `named` are the roots the settings named: their absence is told even
    /// when other roots were read.
    pub fn finish(
        &self,
        snapshot: &mut Snapshot,
        totals: &Totals,
        words: Wording<'_>,
        named: &[PathBuf],
    ) {
        let missing = &self.found.roots_missing;
        let absent: Vec<PathBuf> = missing
            .iter()
            .filter(|p| named.contains(p))
            .cloned()
            .collect();
        let found = match self.found.roots_unreadable.first() {
            Some(bad) => Places::Unreadable {
                place: &bad.path,
                reason: &bad.reason,
            },
            None if !self.found.any_root() => Places::Missing { looked: missing },
            None => Places::Read { absent: &absent },
        };
        let oversized = self.diagnostics.lines_oversized;
        status::describe(snapshot, found, totals, oversized, words);
        let problems = self.problems.iter().chain(&self.found.roots_unreadable);
        write_diagnostics(snapshot, &self.diagnostics, problems);
    }
}

fn write_diagnostics<'a>(
    snapshot: &mut Snapshot,
    d: &Diagnostics,
    problems: impl Iterator<Item = &'a Problem>,
) {
    for (name, value) in [
        (diagnostic::FILES_READ, d.files_read),
        (diagnostic::FILES_SKIPPED, d.files_skipped),
        (diagnostic::FILES_UNREADABLE, d.files_unreadable),
        (diagnostic::FILES_SPECIAL, d.files_special),
        (diagnostic::DIRS_UNREADABLE, d.dirs_unreadable),
        (diagnostic::LINES_DROPPED, d.lines_dropped),
        (diagnostic::LINES_OVERSIZED, d.lines_oversized),
        (diagnostic::TURNS_ZERO, d.turns_zero),
        (diagnostic::TURNS_DUPLICATE, d.turns_duplicate),
        (diagnostic::TURNS_COUNTED, d.turns_counted),
    ] {
        snapshot.set_diagnostic(name, value);
    }
    let listed: Vec<Value> = problems
        .take(MAX_LISTED_PROBLEMS)
        .map(|p| Value::from(format!("{}: {}", p.path.display(), p.reason)))
        .collect();
    if !listed.is_empty() {
        snapshot.set_diagnostic(diagnostic::UNREADABLE, listed);
    }
}

/// The order files are counted in, so that the first copy of a record wins
/// the same way whatever order the walk found the files in: by start instant
/// (a file whose start is unknown after all whose start is known), then by
/// canonical path compared as bytes.
pub fn counting_order(
    (a_start, a_path): (Option<DateTime<Utc>>, &Path),
    (b_start, b_path): (Option<DateTime<Utc>>, &Path),
) -> Ordering {
    match (a_start, b_start) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| {
        a_path
            .as_os_str()
            .as_encoded_bytes()
            .cmp(b_path.as_os_str().as_encoded_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use openusage_core::Status;

    fn at(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    /// A reading that counts lines, and oversized ones apart; every line
    /// holding `usage` matters.
    #[derive(Debug, Clone, Default)]
    struct Count {
        lines: u64,
        oversized: u64,
    }

    impl Incremental for Count {
        fn line(&mut self, _: &[u8]) {
            self.lines += 1;
        }
        fn set_mtime(&mut self, _: DateTime<Utc>) {}
        fn words(&self) -> Option<&'static [&'static [u8]]> {
            Some(&[b"usage"])
        }
        fn oversized(&mut self) {
            self.oversized += 1;
        }
    }

    impl Scanned for Count {
        fn skipped(&self) -> bool {
            false
        }
        fn lines_dropped(&self) -> u64 {
            0
        }
        fn lines_oversized(&self) -> u64 {
            self.oversized
        }
    }

    fn read(found: Found, cache: &ScanCache<Count>) -> Reading<Count> {
        read_found(found, cache, &Progress::default(), |_| Count::default())
    }

    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_fifo_after_the_walk_is_counted_and_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        std::fs::write(&path, "{}\n").unwrap();
        let found = walk::find_files(&[Root::tree(dir.path())], &["jsonl"]);
        assert_eq!(found.files.len(), 1, "a regular file when walked");
        std::fs::remove_file(&path).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.unwrap().success(), "mkfifo is needed for this test");
        // The reading ends (a blocking open would wait for a writer forever).
        let reading = read(found, &ScanCache::default());
        assert!(reading.scans.is_empty());
        assert_eq!(reading.diagnostics.files_special, 1);
        assert_eq!(reading.diagnostics.files_unreadable, 0);
        assert_eq!(reading.diagnostics.files_read, 0);
    }

    #[test]
    fn progress_counts_the_files_found_and_each_file_read() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.jsonl", "b.jsonl", "c.jsonl", "notes.txt"] {
            std::fs::write(dir.path().join(name), "{}\n").unwrap();
        }
        let progress = Progress::default();
        let roots = [Root::tree(dir.path())];
        let cache = ScanCache::default();
        read_roots(&roots, &["jsonl"], &cache, &progress, |_| Count::default());
        assert_eq!((progress.files_read(), progress.found()), (3, 3));
        // A second account's walk adds to both.
        read_roots(&roots, &["txt"], &cache, &progress, |_| Count::default());
        assert_eq!((progress.files_read(), progress.found()), (4, 4));
        progress.reset();
        assert_eq!((progress.files_read(), progress.found()), (0, 0));
    }

    #[test]
    fn lines_too_long_to_read_are_counted_and_the_message_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let values = vec!["1"; 10_000].join(",");
        let text = format!("{{\"usage\":[{values}]}}\n{{\"other\":[{values}]}}\n{{\"usage\":2}}\n");
        std::fs::write(dir.path().join("s.jsonl"), text).unwrap();
        let limits = openusage_jsonl::lines::Limits {
            gathered: 1024,
            held: 4096,
            string: 64,
        };
        let cache = ScanCache::default().with_line_limits(limits);
        let found = walk::find_files(&[Root::tree(dir.path())], &["jsonl"]);
        let reading = read(found, &cache);
        // The line naming `usage` is told; the other long one cannot matter.
        assert_eq!(reading.diagnostics.lines_oversized, 1);
        assert_eq!(reading.scans[0].lines, 1);
        let totals = Totals {
            sessions: 1,
            tokens: openusage_core::usage::Tokens::default(),
            cost_usd: None,
            saturated: 0,
        };
        let mut snapshot = Snapshot::new("t", "t", Utc::now(), Status::Ok, "");
        let words = Wording {
            agent: "T",
            root: "root",
            home: None,
        };
        reading.finish(&mut snapshot, &totals, words, &[]);
        assert_eq!(snapshot.status, Status::Ok);
        assert!(
            snapshot
                .message
                .ends_with("; 1 line too long to read: usage may be undercounted"),
            "{}",
            snapshot.message
        );
        assert_eq!(snapshot.diagnostics["lines_oversized"], 1);
    }

    #[test]
    fn files_are_counted_by_start_then_by_path_bytes() {
        let mut files = [
            (None, Path::new("/a/unknown.jsonl")),
            (at("2026-11-20T10:00:00Z"), Path::new("/z/later.jsonl")),
            (at("2026-11-20T09:00:00Z"), Path::new("/x/y.jsonl")),
            (at("2026-11-20T09:00:00Z"), Path::new("/x-y/f.jsonl")),
        ];
        files.sort_by(|a, b| counting_order(*a, *b));
        let order: Vec<_> = files.iter().map(|(_, p)| p.to_str().unwrap()).collect();
        // '-' (0x2d) sorts before '/' (0x2f) as bytes.
        assert_eq!(
            order,
            [
                "/x-y/f.jsonl",
                "/x/y.jsonl",
                "/z/later.jsonl",
                "/a/unknown.jsonl"
            ]
        );
    }
}
