//! What each file held at its last reading, so that collecting again reads
//! only what changed: nothing for an unchanged file, only the new bytes for
//! a file that grew (transcripts are appended to), the whole file when it was
//! replaced, shrank or changed where it had already been read.
//!
//! A compressed file (`.zst`, see [`compressed`]) is never appended to: it is
//! read whole through the decoder whenever its stamp changes, and never
//! resumed from an offset (an offset into the decompressed bytes means
//! nothing in the file on disk).
//!
//! What tells "appended to" from "rewritten": a file is resumed only when
//! its stamp (size, mtime, device and inode, ctime) changed, it is the same
//! file (device and inode), it is larger than at its last reading, and the
//! checked bytes of what was read hash as they did: the first KiB, the last
//! KiB before the resume point, and 16 windows of 256 bytes spread evenly
//! between (about 6 KiB in all, read with one positioned read each; every
//! byte of a file whose read part is at most 8 KiB). Anything else is read
//! whole again. What this can still miss: a rewrite of the same file that
//! leaves it larger than at its last reading and changes only bytes outside
//! the checked windows (a same-length edit of a number in the middle of a
//! large transcript, then an append), and a change that leaves the stamp
//! exactly as it was (only possible where the filesystem keeps no ctime, or
//! keeps times coarser than the interval between the write and the reading
//! before it). `--no-cache` reads everything whole.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, Metadata};
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};

use openusage_jsonl::compressed::{self, Decompressed};
use openusage_jsonl::lines;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::stable_hash::fnv1a;
use crate::stamp::Stamp;

pub(crate) mod disk;

/// A provider's reading of one file, built line by line, so that reading
/// can stop at any line and go on later from the same state.
///
/// The call protocol, for each pass over a file (the first, or a resume
/// after the file grew):
///
/// 1. the reading is [`FileAgent::start`](crate::FileAgent::start)'s, or a
///    clone of the reading kept after the last complete line of the
///    previous pass;
/// 2. [`set_mtime`](Incremental::set_mtime) once, before any line;
/// 3. for every line, in file order: a line up to [`lines::GATHERED`]
///    bytes goes to [`line`](Incremental::line); before a longer one,
///    [`words`](Incremental::words) is asked, and the line is then skipped
///    (it holds none of the words), handed to `line` as its skeleton, or
///    counted through [`oversized`](Incremental::oversized) (too long to
///    read);
/// 4. an unfinished last line (no newline yet) is given to a clone, which
///    is what the snapshot counts now; the reading kept for the next pass
///    stops before it.
///
/// A reading is thrown away and built again from `start` whenever the file
/// was replaced or rewritten; it never sees a line twice.
pub trait Incremental: Clone {
    /// Takes the next complete line (a long one as its skeleton, see
    /// [`lines`]).
    fn line(&mut self, line: &[u8]);
    /// The file's modification time now, which dates what carries no
    /// timestamp of its own.
    fn set_mtime(&mut self, mtime: DateTime<Utc>);
    /// What a line must hold for this reading to examine it now: one of
    /// the words every line that matters holds as a whole JSON string, key
    /// or value (see [`lines::Sink::words`]); other lines are not handed
    /// on. `None` (where any line could matter, as before a file's first
    /// record): every line is examined.
    fn words(&self) -> Option<&'static [&'static [u8]]>;
    /// A long line that could matter but was too long to read (its
    /// skeleton over [`lines::MAX_HELD`]): to be counted, so the account
    /// can say its numbers may be short.
    fn oversized(&mut self);

    /// The end of what the file holds now was read: a chance to give back
    /// what was reserved for growth, since a home keeps thousands of
    /// readings at once. More lines may follow when the file grows.
    fn settle(&mut self) {}

    /// Whether a reading decoded from a saved cache holds together: every
    /// index it keeps points into its own lists, and whatever else its
    /// lines always make true is true. A cache holding a reading that does
    /// not is ignored whole (see the `disk` module). A reading built by
    /// [`line`](Incremental::line) always does.
    fn consistent(&self) -> bool {
        true
    }
}

/// Feeds every line of `reader` to `scan`, the unfinished last one too:
/// a whole first reading at once (tests, benchmarks).
pub fn read_all<S: Incremental>(scan: S, reader: impl Read, mtime: DateTime<Utc>) -> io::Result<S> {
    read_all_with(scan, reader, mtime, lines::Limits::default())
}

/// [`read_all`] with other [`lines::Limits`] (tests make long lines
/// cheaply).
pub fn read_all_with<S: Incremental>(
    mut scan: S,
    reader: impl Read,
    mtime: DateTime<Utc>,
    limits: lines::Limits,
) -> io::Result<S> {
    scan.set_mtime(mtime);
    lines::split(reader, limits, &mut Whole(&mut scan))?;
    scan.settle();
    Ok(scan)
}

/// Every line of a reader, the unfinished last one too, into one reading.
struct Whole<'a, S>(&'a mut S);

impl<S: Incremental> lines::Sink for Whole<'_, S> {
    fn line(&mut self, line: &[u8], _: bool) -> ControlFlow<()> {
        self.0.line(line);
        ControlFlow::Continue(())
    }
    fn words(&self) -> Option<&'static [&'static [u8]]> {
        self.0.words()
    }
    fn oversized(&mut self, _: bool) -> ControlFlow<()> {
        self.0.oversized();
        ControlFlow::Continue(())
    }
}

/// The format of a saved cache's own layout (see the `disk` module: the header and
/// the entries around each reading), written first in the file; a file of
/// another format is ignored whole. Raise it whenever that layout changes
/// shape or meaning. A provider's readings have their own version,
/// [`FileAgent::CACHE_FORMAT`](crate::FileAgent::CACHE_FORMAT), part of the
/// owner string (`provider@format/account`) a file must match to be used.
/// Neither can be left to decoding: the payload is postcard, which has no
/// field names, so bytes of another shape may decode, into wrong values.
/// The checksum catches only damaged bytes, and the consistency checks
/// ([`Incremental::consistent`]) only readings that cannot hold together.
pub const FORMAT: u32 = 12;

/// How many bytes at the start, and just before where reading stopped, are
/// checked to tell "appended to" from "rewritten".
const CHECKED: u64 = 1024;

/// How many windows, spread evenly across what was read, are checked too.
const WINDOWS: u64 = 16;

/// How many bytes each of those windows is.
const WINDOW: u64 = 256;

/// Up to this many bytes read, all of them are checked.
const CHECKED_WHOLE: u64 = 8 * 1024;

/// Readings by canonical path (hashed as bytes: `Path`'s own hashing walks
/// its components, which showed in refresh profiles).
#[derive(Debug)]
pub struct ScanCache<S> {
    files: Mutex<FxHashMap<OsString, Entry<S>>>,
    /// Something was read or forgotten since the last save.
    changed: AtomicBool,
    /// The saved cache was looked for already.
    loaded: AtomicBool,
    /// The most a compressed file may decompress to
    /// ([`compressed::MAX_DECOMPRESSED_BYTES`] unless a test lowers it).
    max_decompressed: u64,
    /// How long lines are read (the defaults unless a test lowers them).
    limits: lines::Limits,
}

/// Why a path was not read: it is not a regular file on a real filesystem
/// (a FIFO, device or socket swapped in since the walk, or a file of procfs
/// or sysfs). Such a file is never read as a transcript, whatever its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotTranscript(pub String);

impl std::fmt::Display for NotTranscript {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotTranscript {}

impl NotTranscript {
    /// True when `error` is one.
    pub fn is(error: &io::Error) -> bool {
        error.get_ref().is_some_and(|e| e.is::<NotTranscript>())
    }

    fn error(why: impl Into<String>) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, NotTranscript(why.into()))
    }
}

/// What reading one file gave.
#[derive(Debug)]
pub struct Outcome<S> {
    /// The reading: of the whole file, or, when `stopped`, of its complete
    /// lines before the point where reading failed.
    pub scan: Arc<S>,
    /// Why a compressed file could not be read to its end (corrupt, cut
    /// short, inflating past the bound). The same on every collection until
    /// the file changes. Never set for a plain file: one that cannot be read
    /// is an error.
    pub stopped: Option<Arc<str>>,
}

impl<S> Default for ScanCache<S> {
    fn default() -> Self {
        ScanCache::with(FxHashMap::default())
    }
}

#[derive(Debug)]
struct Entry<S> {
    stamp: Stamp,
    /// The state after the last complete line, where reading resumes.
    committed: Arc<S>,
    /// The state with the unfinished last line too (the same as
    /// `committed` when the file ends with a newline): what is counted.
    full: Arc<S>,
    /// Bytes up to and including the last newline.
    offset: u64,
    /// Hashes of the first bytes, and of the bytes checked across what
    /// was read up to `offset` (see [`checked_ranges`]). (A compressed
    /// file, never resumed, has offset 0, hashes of nothing, and
    /// `committed` the same as `full`.)
    head: (u64, u64),
    tail: u64,
    /// See [`Outcome::stopped`].
    stopped: Option<Arc<str>>,
}

impl<S: Incremental> ScanCache<S> {
    /// The reading of `path`: the remembered one when the file is unchanged;
    /// the remembered one continued with the new lines when the file only
    /// grew (see the module's documentation); else a reading from
    /// `start()`. Only regular files on a real filesystem are read: anything
    /// else is a `NotTranscript` error, found without blocking. A
    /// compressed file (see [`compressed::is_compressed`]) is read whole
    /// through the decoder whenever it changed.
    pub fn scan(&self, path: &Path, start: impl FnOnce() -> S) -> io::Result<Outcome<S>> {
        let meta = fs::metadata(path)?;
        if !meta.is_file() {
            return Err(NotTranscript::error("not a regular file"));
        }
        let stamp = Stamp::of(&meta);
        let known = self
            .lock()
            .get(path.as_os_str())
            .map(|e| (e.stamp, e.outcome(), e.resume()));
        let known = match known {
            Some((seen, outcome, _)) if seen == stamp => return Ok(outcome),
            Some((seen, _, resume)) => Some((seen, resume)),
            None => None,
        };
        // The stamp of the handle we read, taken before reading: if the file
        // grows meanwhile, the next stamp differs and the rest is read then.
        let (mut file, meta) = open_transcript(path)?;
        let stamp = Stamp::of(&meta);
        let entry = if compressed::is_compressed(path) {
            read_compressed(
                file,
                start(),
                &meta,
                stamp,
                self.max_decompressed,
                self.limits,
            )?
        } else {
            // Only a file that grew can have been appended to: one whose
            // stamp changed at the same size or smaller was rewritten.
            let resume = match known {
                Some((seen, resume))
                    if seen.same_file(&stamp)
                        && stamp.len > seen.len
                        && resume.fits(&file, meta.len())? =>
                {
                    Some(resume)
                }
                _ => None,
            };
            let (state, offset) = match resume {
                Some(r) => ((*r.committed).clone(), r.offset),
                None => (start(), 0),
            };
            read_from(&mut file, state, offset, &meta, stamp, self.limits)?
        };
        let outcome = entry.outcome();
        self.lock().insert(path.as_os_str().to_owned(), entry);
        self.changed.store(true, Ordering::Relaxed);
        Ok(outcome)
    }

    /// [`ScanCache::scan`] of a file the walk just found with `stamp`: the
    /// reading made at that very stamp is taken without a second `stat` of
    /// the file. A file that changes after the walk is read at the next
    /// collection, whose walk sees its new stamp, as kept countings are
    /// (`counting.rs`).
    pub(crate) fn scan_found(
        &self,
        path: &Path,
        stamp: Option<Stamp>,
        start: impl FnOnce() -> S,
    ) -> io::Result<Outcome<S>> {
        if let Some(stamp) = stamp {
            let files = self.lock();
            let known = files.get(path.as_os_str()).filter(|e| e.stamp == stamp);
            if let Some(entry) = known {
                return Ok(entry.outcome());
            }
        }
        self.scan(path, start)
    }
}

impl<S> ScanCache<S> {
    fn with(files: FxHashMap<OsString, Entry<S>>) -> Self {
        ScanCache {
            files: Mutex::new(files),
            changed: AtomicBool::new(false),
            loaded: AtomicBool::new(false),
            max_decompressed: compressed::MAX_DECOMPRESSED_BYTES,
            limits: lines::Limits::default(),
        }
    }

    /// The same cache with other limits on long lines (tests lower them to
    /// make long lines cheaply).
    pub fn with_line_limits(mut self, limits: lines::Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same cache with another bound on what one compressed file may
    /// decompress to (tests lower it to build a decompression bomb cheaply).
    pub fn with_max_decompressed(mut self, bytes: u64) -> Self {
        self.max_decompressed = bytes;
        self
    }

    /// How this cache reads lines and compressed files, in a stable form:
    /// part of what a kept counting was made from.
    pub(crate) fn settings(&self) -> String {
        format!("{:?} {}", self.limits, self.max_decompressed)
    }

    /// Forgets every file not in `paths` (deleted or moved away).
    pub fn retain(&self, paths: &[PathBuf]) {
        let keep: FxHashSet<&OsStr> = paths.iter().map(|p| p.as_os_str()).collect();
        let mut files = self.lock();
        let before = files.len();
        files.retain(|path, _| keep.contains(path.as_os_str()));
        if files.len() != before {
            self.changed.store(true, Ordering::Relaxed);
        }
    }

    fn lock(&self) -> MutexGuard<'_, FxHashMap<OsString, Entry<S>>> {
        // Entries are inserted whole, so a panic elsewhere cannot leave a
        // half-written one behind the poison.
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Where and from what state a grown file's reading can go on.
struct Resume<S> {
    committed: Arc<S>,
    offset: u64,
    head: (u64, u64),
    tail: u64,
}

impl<S> Entry<S> {
    fn outcome(&self) -> Outcome<S> {
        Outcome {
            scan: Arc::clone(&self.full),
            stopped: self.stopped.clone(),
        }
    }

    fn resume(&self) -> Resume<S> {
        Resume {
            committed: Arc::clone(&self.committed),
            offset: self.offset,
            head: self.head,
            tail: self.tail,
        }
    }
}

impl<S> Resume<S> {
    /// True when the file still holds, unchanged, the bytes that were read,
    /// as far as the checked ones tell: it is no shorter, and its first
    /// bytes and the bytes of [`checked_ranges`] hash as they did.
    fn fits(&self, file: &File, len: u64) -> io::Result<bool> {
        if len < self.offset {
            return Ok(false);
        }
        let (head_len, head_hash) = self.head;
        Ok(hash_ranges(file, &[(0, head_len)])? == head_hash
            && hash_ranges(file, &checked_ranges(self.offset))? == self.tail)
    }
}

/// The byte ranges of the first `offset` bytes of a file that are checked
/// before resuming after them: all of them up to [`CHECKED_WHOLE`]; else
/// [`WINDOWS`] windows of [`WINDOW`] bytes spread evenly, and the last
/// [`CHECKED`] bytes. Made from `offset` alone, so they need not be saved.
fn checked_ranges(offset: u64) -> Vec<(u64, u64)> {
    if offset <= CHECKED_WHOLE {
        return vec![(0, offset)];
    }
    let mut ranges: Vec<(u64, u64)> = (1..=WINDOWS)
        .map(|i| {
            let from = offset / (WINDOWS + 1) * i;
            (from, (from + WINDOW).min(offset))
        })
        .collect();
    ranges.push((offset - CHECKED, offset));
    ranges
}

/// Opens `path` for reading a transcript without blocking on a FIFO or a
/// device, and refuses anything but a regular file on a real filesystem:
/// its type and filesystem are asked of the open handle, so a path swapped
/// since the walk cannot slip one in. The handle's metadata is returned
/// too.
fn open_transcript(path: &Path) -> io::Result<(File, Metadata)> {
    let file = openusage_core::open::nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(NotTranscript::error("not a regular file"));
    }
    if let Some(fs) = crate::walk::pseudo_filesystem_of(&file) {
        return Err(NotTranscript::error(format!(
            "a file of the {fs} filesystem, never a transcript"
        )));
    }
    openusage_core::open::blocking(&file)?;
    Ok((file, meta))
}

/// Reads `file` from `offset` into `state`, the unfinished last line into a
/// copy of it, and records where to resume.
fn read_from<S: Incremental>(
    file: &mut File,
    mut state: S,
    offset: u64,
    meta: &Metadata,
    stamp: Stamp,
    limits: lines::Limits,
) -> io::Result<Entry<S>> {
    state.set_mtime(mtime(meta));
    file.seek(SeekFrom::Start(offset))?;
    let (committed, full, complete) = feed(&mut *file, state, limits);
    let offset = offset + complete?;
    let head_len = offset.min(CHECKED);
    Ok(Entry {
        stamp,
        committed,
        full,
        offset,
        head: (head_len, hash_ranges(file, &[(0, head_len)])?),
        tail: hash_ranges(file, &checked_ranges(offset))?,
        stopped: None,
    })
}

/// Reads the compressed `file` whole, through the decoder, into `state`.
///
/// When the data cannot be decoded to its end (corrupt, cut short, or
/// inflating past `limit` bytes), the reading keeps the complete lines
/// decoded before that point: each was decoded from the file as it is, so
/// what they add up to is exact for the part read. The exception is a
/// content checksum that does not match: the bytes are known to be wrong
/// somewhere, so nothing is kept. Either way the entry says why it stopped.
/// An error of the file itself (not of its data) is returned, as for a
/// plain file.
fn read_compressed<S: Incremental>(
    file: File,
    mut state: S,
    meta: &Metadata,
    stamp: Stamp,
    limit: u64,
    limits: lines::Limits,
) -> io::Result<Entry<S>> {
    state.set_mtime(mtime(meta));
    let initial = state.clone();
    let mut decoder = Decompressed::new(BufReader::new(file), limit);
    // Decompressed lines are split as plain ones: no longer held.
    let (_, full, read) = feed(&mut decoder, state, limits);
    let (full, stopped) = match read {
        Ok(_) => (full, None),
        Err(e) if compressed::is_checksum_mismatch(&e) => (
            Arc::new(initial),
            Some(format!("{e}; nothing in it is counted")),
        ),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            let at = decoder.bytes_out();
            let why = format!(
                "{e} (after {at} decompressed bytes; the complete lines before are counted)"
            );
            (full, Some(why))
        }
        Err(e) => return Err(e),
    };
    let nothing = fnv1a(&[]);
    Ok(Entry {
        stamp,
        committed: Arc::clone(&full),
        full,
        offset: 0,
        head: (0, nothing),
        tail: nothing,
        stopped: stopped.map(Arc::from),
    })
}

/// Feeds every complete line of `reader` to `state`, and the unfinished last
/// one to a copy of it. Returns the state after the last complete line, the
/// state with the unfinished line too, and the bytes up to and including the
/// last newline, or the error that stopped the reading (the lines before it
/// were fed; an unfinished line before an error is not).
fn feed<S: Incremental>(
    reader: impl Read,
    state: S,
    limits: lines::Limits,
) -> (Arc<S>, Arc<S>, io::Result<u64>) {
    let mut sink = Committed {
        state,
        unfinished: None,
    };
    let complete = lines::split(reader, limits, &mut sink);
    sink.state.settle();
    let committed = Arc::new(sink.state);
    let full = match sink.unfinished {
        Some(unfinished) => {
            let mut full = (*committed).clone();
            match unfinished {
                Unfinished::Line(line) => full.line(&line),
                Unfinished::Oversized => full.oversized(),
            }
            full.settle();
            Arc::new(full)
        }
        None => Arc::clone(&committed),
    };
    (committed, full, complete)
}

/// The complete lines into a reading, the unfinished last one aside.
struct Committed<S> {
    state: S,
    unfinished: Option<Unfinished>,
}

/// The unfinished last line of a file.
enum Unfinished {
    Line(Vec<u8>),
    Oversized,
}

impl<S: Incremental> lines::Sink for Committed<S> {
    fn line(&mut self, line: &[u8], ended: bool) -> ControlFlow<()> {
        if ended {
            self.state.line(line);
        } else {
            self.unfinished = Some(Unfinished::Line(line.to_vec()));
        }
        ControlFlow::Continue(())
    }
    fn words(&self) -> Option<&'static [&'static [u8]]> {
        self.state.words()
    }
    fn oversized(&mut self, ended: bool) -> ControlFlow<()> {
        if ended {
            self.state.oversized();
        } else {
            self.unfinished = Some(Unfinished::Oversized);
        }
        ControlFlow::Continue(())
    }
}

/// The file's modification time, which dates what carries no timestamp
/// (the epoch when it cannot be read or lies outside the accepted range).
fn mtime(meta: &Metadata) -> DateTime<Utc> {
    meta.modified()
        .ok()
        .and_then(openusage_jsonl::instant::from_system_time)
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// FNV-1a of the bytes of `ranges` of `file`, one after the other, each
/// read with one positioned read (the file's position is left alone).
fn hash_ranges(file: &File, ranges: &[(u64, u64)]) -> io::Result<u64> {
    let len: u64 = ranges
        .iter()
        .map(|(from, to)| to.saturating_sub(*from))
        .sum();
    let mut bytes = vec![0u8; usize::try_from(len).unwrap_or(0)];
    let mut at = 0;
    for &(from, to) in ranges {
        let n = usize::try_from(to.saturating_sub(from)).unwrap_or(0);
        read_exact_at(file, &mut bytes[at..at + n], from)?;
        at += n;
    }
    Ok(fnv1a(&bytes))
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(mut file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    /// A reading that keeps its lines, and counts how many it was fed.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Lines {
        lines: Vec<String>,
        fed: usize,
    }

    impl Incremental for Lines {
        fn line(&mut self, line: &[u8]) {
            self.lines.push(String::from_utf8_lossy(line).into_owned());
            self.fed += 1;
        }
        fn set_mtime(&mut self, _: DateTime<Utc>) {}
        fn words(&self) -> Option<&'static [&'static [u8]]> {
            None
        }
        fn oversized(&mut self) {
            self.lines.push("<oversized>".to_owned());
            self.fed += 1;
        }
    }

    fn lines(scan: &Lines) -> Vec<&str> {
        scan.lines.iter().map(String::as_str).collect()
    }

    fn append(path: &Path, text: &str) {
        use std::io::Write;
        let mut f = fs::OpenOptions::new().append(true).open(path).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    #[test]
    fn an_unchanged_file_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, "one\n").unwrap();
        let cache = ScanCache::default();
        let first = cache.scan(&path, Lines::default).unwrap().scan;
        let again = cache.scan(&path, Lines::default).unwrap().scan;
        assert!(Arc::ptr_eq(&first, &again));
    }

    #[test]
    fn an_appended_file_is_read_from_where_it_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, "one\ntwo\n").unwrap();
        let cache = ScanCache::default();
        assert_eq!(cache.scan(&path, Lines::default).unwrap().scan.fed, 2);
        append(&path, "three\n");
        let grown = cache.scan(&path, Lines::default).unwrap().scan;
        assert_eq!(lines(&grown), ["one", "two", "three"]);
        assert_eq!(grown.fed, 3, "only the new line was read");
    }

    #[test]
    fn an_unfinished_last_line_is_read_again_once_it_is_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, "one\nhal").unwrap();
        let cache = ScanCache::default();
        assert_eq!(
            lines(&cache.scan(&path, Lines::default).unwrap().scan),
            ["one", "hal"]
        );
        append(&path, "f\n");
        assert_eq!(
            lines(&cache.scan(&path, Lines::default).unwrap().scan),
            ["one", "half"]
        );
    }

    #[test]
    fn a_shrunk_rewritten_or_replaced_file_is_read_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let cache = ScanCache::default();
        fs::write(&path, "one\ntwo\n").unwrap();
        cache.scan(&path, Lines::default).unwrap();
        // Shrunk (a branch deleted).
        fs::write(&path, "one\n").unwrap();
        assert_eq!(
            lines(&cache.scan(&path, Lines::default).unwrap().scan),
            ["one"]
        );
        // Rewritten at the start, then grown (a title slot changed).
        fs::write(&path, "ONE\nmore\n").unwrap();
        assert_eq!(
            lines(&cache.scan(&path, Lines::default).unwrap().scan),
            ["ONE", "more"]
        );
        // Replaced by rename with a longer file that starts the same.
        let tmp = dir.path().join("s.tmp");
        fs::write(&tmp, "ONE\nmore\nand more\n").unwrap();
        fs::rename(&tmp, &path).unwrap();
        let replaced = cache.scan(&path, Lines::default).unwrap().scan;
        assert_eq!(lines(&replaced), ["ONE", "more", "and more"]);
        assert_eq!(replaced.fed, 3, "a new inode is read whole");
    }

    /// Sets the file's mtime `secs` seconds later than it is.
    fn later_mtime(path: &Path, secs: u64) {
        let f = fs::OpenOptions::new().write(true).open(path).unwrap();
        let mtime = f.metadata().unwrap().modified().unwrap();
        f.set_modified(mtime + std::time::Duration::from_secs(secs))
            .unwrap();
    }

    /// Overwrites bytes of `path` at `at`, in place (same inode).
    fn overwrite(path: &Path, at: u64, bytes: &[u8]) {
        use std::io::Write;
        let mut f = fs::OpenOptions::new().write(true).open(path).unwrap();
        f.seek(SeekFrom::Start(at)).unwrap();
        f.write_all(bytes).unwrap();
    }

    #[test]
    fn a_rewrite_in_place_at_the_same_size_is_read_whole() {
        // `cp variant.jsonl session.jsonl`, `rsync --inplace`: the same
        // inode, the same size, a middle the old checks never looked at.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let text = numbered(2000);
        fs::write(&path, &text).unwrap();
        let cache = ScanCache::default();
        assert_eq!(cache.scan(&path, Lines::default).unwrap().scan.fed, 2000);
        let ino = |p: &Path| Stamp::of(&fs::metadata(p).unwrap());
        let before = ino(&path);
        let variant = text.replace("line 1000\n", "LINE 1000\n");
        fs::write(&path, &variant).unwrap();
        later_mtime(&path, 5);
        assert!(before.same_file(&ino(&path)), "rewritten in place");
        let again = cache.scan(&path, Lines::default).unwrap().scan;
        assert_eq!(again.fed, 2000, "read whole");
        assert_eq!(again.lines[1000], "LINE 1000");
        // Only touched: read whole too, and the same.
        later_mtime(&path, 10);
        let touched = cache.scan(&path, Lines::default).unwrap().scan;
        assert_eq!(touched.fed, 2000);
        assert_eq!(touched.lines, again.lines);
    }

    #[test]
    fn a_grown_file_rewritten_in_a_checked_window_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        let text = numbered(2000);
        let len = text.len() as u64;
        fs::write(&path, &text).unwrap();
        let cache = ScanCache::default();
        cache.scan(&path, Lines::default).unwrap();
        // One of the windows spread across what was read, then an append.
        let (at, _) = checked_ranges(len)[8];
        assert!(at > CHECKED && at < len - CHECKED, "a middle window");
        let at = at + u64::from(text.as_bytes()[at as usize] == b'\n');
        overwrite(&path, at, b"X");
        append(&path, "more\n");
        let read = cache.scan(&path, Lines::default).unwrap().scan;
        assert_eq!(read.fed, 2001, "read whole");
        assert!(read.lines.iter().any(|l| l.contains('X')));
        // A rewrite just before the resume point, then an append.
        let len = fs::metadata(&path).unwrap().len();
        overwrite(&path, len - 3, b"RE");
        append(&path, "and more\n");
        let read = cache.scan(&path, Lines::default).unwrap().scan;
        assert_eq!(read.fed, 2002, "read whole");
        assert_eq!(read.lines[2000], "moRE");
        // A plain append is still read from where reading stopped.
        append(&path, "last\n");
        let read = cache.scan(&path, Lines::default).unwrap().scan;
        assert_eq!(read.fed, 2003);
        assert_eq!(read.lines.len(), 2003);
    }

    #[test]
    fn the_checked_windows_cover_small_files_whole_and_stay_small() {
        assert_eq!(checked_ranges(0), [(0, 0)]);
        assert_eq!(checked_ranges(CHECKED_WHOLE), [(0, CHECKED_WHOLE)]);
        for offset in [CHECKED_WHOLE + 1, 1 << 20, 1 << 40] {
            let ranges = checked_ranges(offset);
            let bytes: u64 = ranges.iter().map(|(a, b)| b - a).sum();
            assert_eq!(ranges.len() as u64, WINDOWS + 1);
            assert!(bytes <= WINDOWS * WINDOW + CHECKED, "{bytes}");
            assert!(ranges.iter().all(|&(a, b)| a < b && b <= offset));
            assert_eq!(ranges.last(), Some(&(offset - CHECKED, offset)));
        }
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.unwrap().success(), "mkfifo is needed for this test");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_swapped_in_for_a_known_file_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, "one\n").unwrap();
        let cache = ScanCache::default();
        cache.scan(&path, Lines::default).unwrap();
        fs::remove_file(&path).unwrap();
        mkfifo(&path);
        let err = cache.scan(&path, Lines::default).unwrap_err();
        assert!(NotTranscript::is(&err), "{err}");
        // Opened as the walk would meet it after a swap: at once, refused.
        let err = open_transcript(&path).unwrap_err();
        assert!(NotTranscript::is(&err), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn files_of_procfs_are_refused_on_opening() {
        let dir = tempfile::tempdir().unwrap();
        for target in ["/proc/self/pagemap", "/proc/self/status"] {
            let path = dir.path().join("x.jsonl");
            let _ = fs::remove_file(&path);
            std::os::unix::fs::symlink(target, &path).unwrap();
            let err = ScanCache::default()
                .scan(&path, Lines::default)
                .unwrap_err();
            assert!(NotTranscript::is(&err), "{target}: {err}");
            assert!(err.to_string().contains("proc"), "{err}");
        }
    }

    #[test]
    fn long_lines_are_read_within_the_limits_plain_or_compressed() {
        let limits = lines::Limits {
            gathered: 1024,
            held: 64 * 1024,
            string: 64,
        };
        let dir = tempfile::tempdir().unwrap();
        // A line of 1 MB in a string: read as its skeleton. A line of 1 MB
        // of values: too long to hold, and told.
        let image = format!("{{\"image\":\"{}\"}}", "A".repeat(1 << 20));
        let values = format!("{{\"n\":[{}]}}", vec!["1"; 1 << 19].join(","));
        let text = format!("one\n{image}\n{values}\ntwo\n{values}");
        let expected = [
            "one".to_owned(),
            format!("{{\"image\":\"{}\"}}", "A".repeat(64)),
            "<oversized>".to_owned(),
            "two".to_owned(),
            "<oversized>".to_owned(),
        ];
        let plain = dir.path().join("s.jsonl");
        fs::write(&plain, &text).unwrap();
        let packed = dir.path().join("s.jsonl.zst");
        fs::write(
            &packed,
            compressed::frames::raw(text.as_bytes(), 100_000, 20),
        )
        .unwrap();
        for path in [plain, packed] {
            let cache = ScanCache::default().with_line_limits(limits);
            let read = cache.scan(&path, Lines::default).unwrap();
            assert!(read.stopped.is_none());
            assert_eq!(lines(&read.scan), expected, "{}", path.display());
        }
    }

    #[test]
    fn forgotten_files_are_read_again_and_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, "one\n").unwrap();
        let cache = ScanCache::default();
        let first = cache.scan(&path, Lines::default).unwrap().scan;
        cache.retain(&[]);
        assert!(!Arc::ptr_eq(
            &first,
            &cache.scan(&path, Lines::default).unwrap().scan
        ));
        assert!(cache.scan(dir.path(), Lines::default).is_err());
    }

    /// `n` numbered lines, as a compressed file holds them.
    fn numbered(n: usize) -> String {
        (0..n).map(|i| format!("line {i:04}\n")).collect()
    }

    fn zst(text: &str) -> Vec<u8> {
        compressed::frames::raw(text.as_bytes(), 1024, 10)
    }

    #[test]
    fn a_compressed_file_is_read_whole_through_the_decoder_and_never_resumed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl.zst");
        fs::write(&path, zst("one\ntwo\n")).unwrap();
        let cache = ScanCache::default();
        let first = cache.scan(&path, Lines::default).unwrap();
        assert_eq!(lines(&first.scan), ["one", "two"]);
        assert!(first.stopped.is_none());
        let again = cache.scan(&path, Lines::default).unwrap();
        assert!(Arc::ptr_eq(&first.scan, &again.scan), "unchanged: not read");
        // A second frame appended in place (zstd allows it): the file grew,
        // but an offset into the decompressed bytes means nothing on disk,
        // so the whole file is read again, from the start.
        let mut grown = fs::read(&path).unwrap();
        grown.extend(zst("three\n"));
        fs::write(&path, grown).unwrap();
        let grown = cache.scan(&path, Lines::default).unwrap().scan;
        assert_eq!(lines(&grown), ["one", "two", "three"]);
        assert_eq!(grown.fed, 3, "read whole, not resumed");
        // Rewritten shorter.
        fs::write(&path, zst("ONE\n")).unwrap();
        assert_eq!(
            lines(&cache.scan(&path, Lines::default).unwrap().scan),
            ["ONE"]
        );
    }

    #[test]
    fn a_compressed_file_cut_short_keeps_its_complete_lines_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl.zst");
        let text = numbered(1000);
        let whole = zst(&text);
        fs::write(&path, &whole[..whole.len() / 2]).unwrap();
        let cache = ScanCache::default();
        let cut = cache.scan(&path, Lines::default).unwrap();
        let why = cut.stopped.clone().expect("stopped");
        assert!(why.contains("corrupt or truncated"), "{why}");
        assert!(why.contains("complete lines before are counted"), "{why}");
        let all: Vec<&str> = text.lines().collect();
        let read = lines(&cut.scan);
        // The decoder hands out a block once the window behind it is full,
        // so the last block or two before the cut are not among them.
        assert!(read.len() > 300, "{} lines", read.len());
        assert_eq!(read, all[..read.len()], "the complete lines, in order");
        // The same on the next collection, without reading again.
        let again = cache.scan(&path, Lines::default).unwrap();
        assert!(Arc::ptr_eq(&cut.scan, &again.scan));
        assert_eq!(again.stopped, cut.stopped);
        // And after a save and a load.
        let saved = dir.path().join("cache.bin");
        cache.save(&saved, "t").unwrap();
        let loaded: ScanCache<Lines> = ScanCache::load(&saved, "t");
        let restored = loaded.scan(&path, Lines::default).unwrap();
        assert_eq!(restored.stopped, cut.stopped);
        assert_eq!(restored.scan.fed, cut.scan.fed);
        // Repaired: read whole, nothing said.
        fs::write(&path, &whole).unwrap();
        let repaired = cache.scan(&path, Lines::default).unwrap();
        assert!(repaired.stopped.is_none());
        assert_eq!(repaired.scan.fed, 1000);
    }

    #[test]
    fn a_decompression_bomb_is_read_up_to_the_bound_and_no_further() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.jsonl.zst");
        // 64 RLE blocks of 128 KiB of newlines then one line: 8 MiB from a
        // few hundred bytes; the bound, lowered to 1 MiB, stops it.
        let mut blocks: Vec<compressed::frames::Block<'_>> = (0..64)
            .map(|_| compressed::frames::Block::Rle(b'\n', 128 * 1024))
            .collect();
        blocks.insert(0, compressed::frames::Block::Raw(b"first\n"));
        blocks.push(compressed::frames::Block::Raw(b"never\n"));
        fs::write(&path, compressed::frames::frame(&blocks, 20, None)).unwrap();
        assert!(fs::metadata(&path).unwrap().len() < 400);
        let cache = ScanCache::default().with_max_decompressed(1 << 20);
        let read = cache.scan(&path, Lines::default).unwrap();
        let why = read.stopped.expect("stopped at the bound");
        assert!(why.contains("more than 1048576 bytes"), "{why}");
        assert!(why.contains("after 1048576 decompressed bytes"), "{why}");
        assert_eq!(lines(&read.scan), ["first"]);
    }

    #[test]
    fn a_compressed_file_whose_checksum_is_wrong_counts_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl.zst");
        let block = compressed::frames::Block::Raw(b"one\ntwo\n");
        fs::write(&path, compressed::frames::frame(&[block], 10, Some(0))).unwrap();
        let cache = ScanCache::default();
        let read = cache.scan(&path, Lines::default).unwrap();
        let why = read.stopped.expect("stopped");
        assert!(why.contains("checksum"), "{why}");
        assert!(why.contains("nothing in it is counted"), "{why}");
        assert_eq!(read.scan.fed, 0);
    }

    #[test]
    fn a_plain_file_that_is_zstd_inside_is_read_as_plain() {
        // Compression goes by the name: a `.jsonl` is never decoded.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, zst("one\n")).unwrap();
        let read = ScanCache::default().scan(&path, Lines::default).unwrap();
        assert!(read.stopped.is_none());
        assert_ne!(lines(&read.scan), ["one"]);
    }
}
