//! What each file held at its last reading, so that collecting again reads
//! only what changed: nothing for an unchanged file, only the new bytes for
//! a file that grew (transcripts are appended to), the whole file when it was
//! replaced, shrank or changed where it had already been read.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::fxhash::{FxHashMap, FxHashSet, fnv1a};
use crate::lines;

/// A provider's reading of one file, built line by line, so that reading
/// can stop at any line and go on later from the same state.
pub trait Incremental: Clone {
    /// Takes the next complete line.
    fn line(&mut self, line: &[u8]);
    /// The file's modification time now, which dates what carries no
    /// timestamp of its own.
    fn set_mtime(&mut self, mtime: DateTime<Utc>);
}

/// Feeds every line of `reader` to `scan`, the unfinished last one too:
/// a whole first reading at once (tests, benchmarks).
pub fn read_all<S: Incremental>(
    mut scan: S,
    reader: impl Read,
    mtime: DateTime<Utc>,
) -> io::Result<S> {
    scan.set_mtime(mtime);
    lines::for_each_line(reader, |line| {
        scan.line(line);
        std::ops::ControlFlow::Continue(())
    })?;
    Ok(scan)
}

/// The format of a saved cache; a file of another format is ignored. Raise
/// it whenever a provider's reading changes shape or meaning. (The file is
/// postcard, which has no field names: a reading of another shape simply
/// fails to decode and is ignored too.)
pub const FORMAT: u32 = 8;

/// How many bytes at the start, and just before where reading stopped, are
/// checked to tell "appended to" from "rewritten".
const CHECKED: u64 = 256;

/// Readings by canonical path (hashed as bytes: `Path`'s own hashing walks
/// its components, which showed in refresh profiles).
#[derive(Debug)]
pub struct ScanCache<S> {
    files: Mutex<FxHashMap<OsString, Entry<S>>>,
    /// Something was read or forgotten since the last save.
    changed: AtomicBool,
    /// The saved cache was looked for already.
    loaded: AtomicBool,
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
    /// Hashes of the first bytes and of the bytes just before `offset`.
    head: (u64, u64),
    tail: u64,
}

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    unix: (u64, u64, i64, i64),
}

impl Stamp {
    fn of(meta: &Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            unix: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
            },
        }
    }

    /// The same file (not a replacement), as far as the platform tells.
    fn same_file(&self, other: &Stamp) -> bool {
        #[cfg(unix)]
        return self.unix.0 == other.unix.0 && self.unix.1 == other.unix.1;
        #[cfg(not(unix))]
        return true;
    }
}

impl<S: Incremental> ScanCache<S> {
    /// The reading of `path`: the remembered one when the file is unchanged;
    /// the remembered one continued with the new lines when the file only
    /// grew; else a reading from `start()`. Only regular files are read.
    pub fn scan(&self, path: &Path, start: impl FnOnce() -> S) -> io::Result<Arc<S>> {
        let stamp = Stamp::of(&fs::metadata(path)?);
        let known = self
            .lock()
            .get(path.as_os_str())
            .map(|e| (e.stamp, Arc::clone(&e.full), e.resume()));
        if let Some((seen, full, _)) = &known {
            if *seen == stamp {
                return Ok(Arc::clone(full));
            }
        }
        let mut file = File::open(path)?;
        // The stamp of the handle we read, taken before reading: if the file
        // grows meanwhile, the next stamp differs and the rest is read then.
        let meta = file.metadata()?;
        if !meta.is_file() {
            // Replaced by a FIFO or device since the walk: never read those.
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        let stamp = Stamp::of(&meta);
        let resume = match known {
            Some((seen, _, resume))
                if seen.same_file(&stamp) && resume.fits(&mut file, meta.len())? =>
            {
                Some(resume)
            }
            _ => None,
        };
        let (state, offset) = match resume {
            Some(r) => ((*r.committed).clone(), r.offset),
            None => (start(), 0),
        };
        let entry = read_from(&mut file, state, offset, &meta, stamp)?;
        let full = Arc::clone(&entry.full);
        self.lock().insert(path.as_os_str().to_owned(), entry);
        self.changed.store(true, Ordering::Relaxed);
        Ok(full)
    }
}

/// A saved cache: its format, whose readings it holds, and the entries.
#[derive(Serialize, Deserialize)]
struct Saved<S> {
    format: u32,
    /// Which reader wrote it (`pi`): a reading is only good for its reader.
    reader: String,
    files: Vec<SavedEntry<S>>,
}

/// An [`Entry`] as saved: `full` only when it differs from `committed`.
#[derive(Serialize, Deserialize)]
struct SavedEntry<S> {
    path: PathBuf,
    stamp: Stamp,
    committed: S,
    full: Option<S>,
    offset: u64,
    head: (u64, u64),
    tail: u64,
}

impl<S: Clone + Serialize + for<'de> Deserialize<'de>> ScanCache<S> {
    /// Saves the cache to `path` when anything changed since it was loaded
    /// or last saved.
    pub fn save_if_changed(&self, path: &Path, reader: &str) -> io::Result<()> {
        if self.changed.swap(false, Ordering::Relaxed) {
            self.save(path, reader)?;
        }
        Ok(())
    }

    /// The first time only: fills an empty cache from what `reader` saved
    /// at `path` (see [`ScanCache::load`]).
    pub fn load_once(&self, path: &Path, reader: &str) {
        if self.loaded.swap(true, Ordering::Relaxed) || !self.lock().is_empty() {
            return;
        }
        let saved = ScanCache::load(path, reader);
        let files = std::mem::take(&mut *saved.lock());
        *self.lock() = files;
    }

    /// Writes the cache to `path` atomically (a temporary file renamed over
    /// it), so a crash or a second process never leaves half a cache.
    pub fn save(&self, path: &Path, reader: &str) -> io::Result<()> {
        let saved = Saved {
            format: FORMAT,
            reader: reader.to_owned(),
            files: self
                .lock()
                .iter()
                .map(|(path, e)| e.saved(Path::new(path)))
                .collect(),
        };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
        let bytes = postcard::to_stdvec(&saved).map_err(io::Error::other)?;
        fs::write(&tmp, bytes)?;
        fs::rename(&tmp, path)
    }

    /// The cache saved at `path` by `reader`; empty when the file is
    /// missing, unreadable, corrupt, of another format or another reader's.
    pub fn load(path: &Path, reader: &str) -> Self {
        let saved: Option<Saved<S>> = fs::read(path)
            .ok()
            .and_then(|b| postcard::from_bytes(&b).ok());
        let files = match saved {
            Some(s) if s.format == FORMAT && s.reader == reader => {
                s.files.into_iter().map(Entry::restored).collect()
            }
            _ => FxHashMap::default(),
        };
        ScanCache::with(files)
    }
}

impl<S: Clone> Entry<S> {
    fn saved(&self, path: &Path) -> SavedEntry<S> {
        SavedEntry {
            path: path.to_path_buf(),
            stamp: self.stamp,
            committed: (*self.committed).clone(),
            full: (!Arc::ptr_eq(&self.committed, &self.full)).then(|| (*self.full).clone()),
            offset: self.offset,
            head: self.head,
            tail: self.tail,
        }
    }

    fn restored(saved: SavedEntry<S>) -> (OsString, Entry<S>) {
        let committed = Arc::new(saved.committed);
        let full = saved.full.map_or_else(|| Arc::clone(&committed), Arc::new);
        let entry = Entry {
            stamp: saved.stamp,
            committed,
            full,
            offset: saved.offset,
            head: saved.head,
            tail: saved.tail,
        };
        (saved.path.into_os_string(), entry)
    }
}

impl<S> ScanCache<S> {
    fn with(files: FxHashMap<OsString, Entry<S>>) -> Self {
        ScanCache {
            files: Mutex::new(files),
            changed: AtomicBool::new(false),
            loaded: AtomicBool::new(false),
        }
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
    /// True when the file still holds, unchanged, the bytes that were read:
    /// it is no shorter, and its first bytes and the bytes before the
    /// resume point hash as they did.
    fn fits(&self, file: &mut File, len: u64) -> io::Result<bool> {
        if len < self.offset {
            return Ok(false);
        }
        let (head_len, head_hash) = self.head;
        Ok(hash_range(file, 0, head_len)? == head_hash
            && hash_range(file, self.offset.saturating_sub(CHECKED), self.offset)? == self.tail)
    }
}

/// Reads `file` from `offset` into `state`, the unfinished last line into a
/// copy of it, and records where to resume.
fn read_from<S: Incremental>(
    file: &mut File,
    mut state: S,
    offset: u64,
    meta: &Metadata,
    stamp: Stamp,
) -> io::Result<Entry<S>> {
    let mtime = meta
        .modified()
        .map(DateTime::<Utc>::from)
        .unwrap_or(DateTime::UNIX_EPOCH);
    state.set_mtime(mtime);
    file.seek(SeekFrom::Start(offset))?;
    let mut unfinished: Option<Vec<u8>> = None;
    let complete = lines::split(&mut *file, |line, ended| {
        if ended {
            state.line(line);
        } else {
            unfinished = Some(line.to_vec());
        }
        std::ops::ControlFlow::Continue(())
    })?;
    let offset = offset + complete;
    let committed = Arc::new(state);
    let full = match unfinished {
        Some(line) => {
            let mut full = (*committed).clone();
            full.line(&line);
            Arc::new(full)
        }
        None => Arc::clone(&committed),
    };
    let head_len = offset.min(CHECKED);
    Ok(Entry {
        stamp,
        committed,
        full,
        offset,
        head: (head_len, hash_range(file, 0, head_len)?),
        tail: hash_range(file, offset.saturating_sub(CHECKED), offset)?,
    })
}

/// FNV-1a of the bytes `from..to` of `file`.
fn hash_range(file: &mut File, from: u64, to: u64) -> io::Result<u64> {
    let mut bytes = vec![0u8; usize::try_from(to.saturating_sub(from)).unwrap_or(0)];
    file.seek(SeekFrom::Start(from))?;
    file.read_exact(&mut bytes)?;
    Ok(fnv1a(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reading that keeps its lines, and counts how many it was fed.
    #[derive(Clone, Debug, Default, PartialEq)]
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
        let first = cache.scan(&path, Lines::default).unwrap();
        let again = cache.scan(&path, Lines::default).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
    }

    #[test]
    fn an_appended_file_is_read_from_where_it_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, "one\ntwo\n").unwrap();
        let cache = ScanCache::default();
        assert_eq!(cache.scan(&path, Lines::default).unwrap().fed, 2);
        append(&path, "three\n");
        let grown = cache.scan(&path, Lines::default).unwrap();
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
            lines(&cache.scan(&path, Lines::default).unwrap()),
            ["one", "hal"]
        );
        append(&path, "f\n");
        assert_eq!(
            lines(&cache.scan(&path, Lines::default).unwrap()),
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
        assert_eq!(lines(&cache.scan(&path, Lines::default).unwrap()), ["one"]);
        // Rewritten at the start, then grown (a title slot changed).
        fs::write(&path, "ONE\nmore\n").unwrap();
        assert_eq!(
            lines(&cache.scan(&path, Lines::default).unwrap()),
            ["ONE", "more"]
        );
        // Replaced by rename with a longer file that starts the same.
        let tmp = dir.path().join("s.tmp");
        fs::write(&tmp, "ONE\nmore\nand more\n").unwrap();
        fs::rename(&tmp, &path).unwrap();
        let replaced = cache.scan(&path, Lines::default).unwrap();
        assert_eq!(lines(&replaced), ["ONE", "more", "and more"]);
        assert_eq!(replaced.fed, 3, "a new inode is read whole");
    }

    #[test]
    fn forgotten_files_are_read_again_and_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, "one\n").unwrap();
        let cache = ScanCache::default();
        let first = cache.scan(&path, Lines::default).unwrap();
        cache.retain(&[]);
        assert!(!Arc::ptr_eq(
            &first,
            &cache.scan(&path, Lines::default).unwrap()
        ));
        assert!(cache.scan(dir.path(), Lines::default).is_err());
    }
}
