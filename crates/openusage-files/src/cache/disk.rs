//! The cache on disk: one file of readings per account (and its kept
//! counting beside it, sealed the same way: see [`sealed`] and the
//! `counting` module), read back once at the start of a run and trusted
//! only as far as it checks out.
//!
//! A file is [`FORMAT`] (4 bytes, little-endian), the XXH64 checksum of the
//! rest (8 bytes, little-endian), then the payload: postcard of a `Saved`.
//! A file that is larger than [`MAX_BYTES`] or not a regular file, of
//! another format, whose checksum does not match, that does not decode to
//! its last byte, that another reader or account wrote, or that holds an
//! entry or a reading that does not hold together (see
//! [`Incremental::consistent`]) is ignored whole: every file is read afresh
//! and the next save replaces it.
//!
//! A save writes a new file beside the old one, under a name no one can
//! guess, created exclusively and readable by the user alone, and renames it
//! over the old: a reader sees the old cache or the new one, never half of
//! either. A save that fails removes its temporary file; one that was
//! killed leaves it, and [`remove_abandoned`] removes it later, once it is
//! clearly no concurrent run's.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{CHECKED, Entry, FORMAT, Incremental, ScanCache};
use crate::stamp::Stamp;
use rustc_hash::FxHashMap;

/// The largest cache file read back; a larger one is ignored (and none
/// larger is written).
pub const MAX_BYTES: u64 = 1 << 30;

/// How old a temporary file left in the cache directory must be before
/// [`remove_abandoned`] takes it for abandoned: far longer than any save
/// takes, so a concurrent run's is never touched.
pub const ABANDONED_AFTER: Duration = Duration::from_secs(30 * 60);

/// What sits between a cache file's name stem and the random part of its
/// temporary files' names (`pi-default-89ab0123.tmp.x7Yq2LmB`).
const TMP: &str = ".tmp.";

/// Bytes before the payload: the format and the checksum.
const HEADER: usize = 4 + 8;

/// A saved cache: whose readings it holds, and its entries. Saved with
/// borrowed parts (`&str`, `&OsStr`, `&S`), loaded into owned ones.
#[derive(Serialize, Deserialize)]
#[serde(bound(
    serialize = "O: Serialize, E: Serialize",
    deserialize = "O: Deserialize<'de>, E: Deserialize<'de>"
))]
struct Saved<O, E> {
    /// Which reader, for which account, wrote it (`pi/default`): a reading
    /// is only good for its reader, and an account's for its own settings.
    owner: O,
    files: Vec<E>,
}

/// An [`Entry`] as saved: `full` only when it differs from `committed`.
#[derive(Serialize, Deserialize)]
#[serde(bound(
    serialize = "P: AsRef<OsStr>, R: Serialize, T: Serialize",
    deserialize = "P: From<OsString>, R: Deserialize<'de>, T: Deserialize<'de>"
))]
struct SavedEntry<P, R, T> {
    #[serde(with = "path_bytes")]
    path: P,
    stamp: Stamp,
    committed: R,
    full: Option<R>,
    offset: u64,
    head: (u64, u64),
    tail: u64,
    stopped: Option<T>,
}

/// What a cache file decodes to.
type Loaded<S> = Saved<String, SavedEntry<OsString, S, String>>;

impl<S: Incremental + Serialize + DeserializeOwned> ScanCache<S> {
    /// Saves the cache to `path` when anything changed since it was loaded
    /// or last saved. A save that fails leaves it marked changed, so a later
    /// call tries again.
    pub fn save_if_changed(&self, path: &Path, owner: &str) -> io::Result<()> {
        if self.changed.swap(false, Ordering::Relaxed) {
            if let Err(e) = self.save(path, owner) {
                self.changed.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
        Ok(())
    }

    /// The first time only: fills an empty cache from what `owner` saved
    /// at `path` (see [`ScanCache::load`]).
    pub fn load_once(&self, path: &Path, owner: &str) {
        if self.loaded.swap(true, Ordering::Relaxed) || !self.lock().is_empty() {
            return;
        }
        let saved = ScanCache::load(path, owner);
        let files = std::mem::take(&mut *saved.lock());
        *self.lock() = files;
    }

    /// Writes the cache to `path` for `owner` (the reader's id and the
    /// account's, as [`ScanCache::load`] is given them), atomically; the
    /// directory is created, readable by the user alone, when missing.
    pub fn save(&self, path: &Path, owner: &str) -> io::Result<()> {
        let bytes = {
            let files = self.lock();
            let saved = Saved {
                owner,
                files: files
                    .iter()
                    .map(|(path, e)| e.saved(path))
                    .collect::<Vec<_>>(),
            };
            sealed(FORMAT, &saved)?
        };
        write_atomically(path, &bytes)
    }

    /// The cache `owner` saved at `path`; empty when the file is missing,
    /// unreadable, too large, not a regular file, or fails any check (see
    /// this module's overview).
    pub fn load(path: &Path, owner: &str) -> Self {
        let files = unsealed(path, FORMAT)
            .and_then(|saved| restored(saved, owner))
            .unwrap_or_default();
        ScanCache::with(files)
    }
}

/// The bytes of a cache file of `format` holding `payload`: the format,
/// the checksum of the rest, then postcard of `payload`; an error when
/// they would be more than [`MAX_BYTES`].
pub(crate) fn sealed(format: u32, payload: &impl Serialize) -> io::Result<Vec<u8>> {
    let mut bytes = postcard::to_extend(payload, vec![0; HEADER]).map_err(io::Error::other)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(io::Error::other(format!(
            "the cache would be larger than {MAX_BYTES} bytes"
        )));
    }
    let sum = checksum(&bytes[HEADER..]);
    bytes[..4].copy_from_slice(&format.to_le_bytes());
    bytes[4..HEADER].copy_from_slice(&sum.to_le_bytes());
    Ok(bytes)
}

/// What the cache file at `path` holds, when it is of `format`, its
/// checksum matches and it decodes to its last byte (see [`read_limited`]
/// for which files are read at all).
pub(crate) fn unsealed<T: DeserializeOwned>(path: &Path, format: u32) -> Option<T> {
    let bytes = read_limited(path)?;
    let (found, rest) = bytes.split_first_chunk::<4>()?;
    let (sum, payload) = rest.split_first_chunk::<8>()?;
    if u32::from_le_bytes(*found) != format || u64::from_le_bytes(*sum) != checksum(payload) {
        return None;
    }
    let (value, trailing) = postcard::take_from_bytes(payload).ok()?;
    trailing.is_empty().then_some(value)
}

fn checksum(payload: &[u8]) -> u64 {
    twox_hash::XxHash64::oneshot(0, payload)
}

/// The entries of a decoded cache file, when `owner` wrote it and every
/// one holds together.
fn restored<S: Incremental>(
    saved: Loaded<S>,
    owner: &str,
) -> Option<FxHashMap<OsString, Entry<S>>> {
    if saved.owner != owner {
        return None;
    }
    saved.files.into_iter().map(Entry::restored).collect()
}

/// The bytes of the regular file at `path`, when it is one and no larger
/// than [`MAX_BYTES`]. Opened without blocking (a FIFO put there must not
/// hang the run), its type and size taken from the open handle.
fn read_limited(path: &Path) -> Option<Vec<u8>> {
    let file = openusage_core::open::nonblocking(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    openusage_core::open::blocking(&file).ok()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
    // The file may grow while it is read: never past the bound.
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_BYTES).then_some(bytes)
}

impl<S: Incremental> Entry<S> {
    fn saved<'a>(&'a self, path: &'a OsStr) -> SavedEntry<&'a OsStr, &'a S, &'a str> {
        SavedEntry {
            path,
            stamp: self.stamp,
            committed: &*self.committed,
            full: (!Arc::ptr_eq(&self.committed, &self.full)).then_some(&*self.full),
            offset: self.offset,
            head: self.head,
            tail: self.tail,
            stopped: self.stopped.as_deref(),
        }
    }

    /// The entry a saved one describes, when it holds together: a path, a
    /// checked head no longer than [`CHECKED`] nor than the bytes read, and
    /// readings that are [`consistent`](Incremental::consistent).
    fn restored(saved: SavedEntry<OsString, S, String>) -> Option<(OsString, Entry<S>)> {
        let holds = !saved.path.is_empty()
            && saved.head.0 <= saved.offset.min(CHECKED)
            && saved.committed.consistent()
            && saved.full.as_ref().is_none_or(Incremental::consistent);
        if !holds {
            return None;
        }
        let committed = Arc::new(saved.committed);
        let full = saved.full.map_or_else(|| Arc::clone(&committed), Arc::new);
        let entry = Entry {
            stamp: saved.stamp,
            committed,
            full,
            offset: saved.offset,
            head: saved.head,
            tail: saved.tail,
            stopped: saved.stopped.map(Arc::from),
        };
        Some((saved.path, entry))
    }
}

/// Writes `bytes` to a new temporary file beside `path` and renames it over
/// `path`. The temporary file is created exclusively under a random name
/// (never through a link planted there), readable by the user alone, and
/// removed again when anything fails.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    create_private_dir(dir)?;
    let mut prefix = path.file_stem().unwrap_or_default().to_os_string();
    prefix.push(TMP);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .rand_bytes(8)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // On failure the error holds the temporary file, and dropping it
    // removes it.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Creates `dir` and any missing parent, each readable by the user alone
/// (a directory that exists is left as it is).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Removes the temporary files of saves that never finished (killed, or
/// the machine stopped) from the cache directory `dir`: regular files named
/// like one (`<stem>.tmp.<letters and digits>`) and last written more than
/// `ABANDONED_AFTER` (30 minutes) ago. A fresh one may be a concurrent run's save and
/// is left alone; nothing else is touched, and nothing is followed.
pub fn remove_abandoned(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let abandoned = is_temporary(&entry.file_name())
            && entry.file_type().is_ok_and(|t| t.is_file())
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age > ABANDONED_AFTER);
        if abandoned {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A name a save's temporary file has: what follows the last `.tmp.` is
/// letters and digits only (a random part, or an older version's pid), so
/// a cache file whose account id holds `.tmp.` is not one.
fn is_temporary(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    let Some(at) = name.windows(TMP.len()).rposition(|w| w == TMP.as_bytes()) else {
        return false;
    };
    let random = &name[at + TMP.len()..];
    at > 0 && !random.is_empty() && random.iter().all(u8::is_ascii_alphanumeric)
}

/// Serde for paths as their bytes (on Windows, their UTF-16 units), so that
/// a file name that is not UTF-8 is kept like any other. For a reading's
/// path: `#[serde(with = "openusage_files::cache::path_bytes")]`.
pub mod path_bytes {
    use std::ffi::{OsStr, OsString};

    use serde::{Deserializer, Serializer};

    /// Writes `path` as bytes.
    pub fn serialize<P, S>(path: &P, serializer: S) -> Result<S::Ok, S::Error>
    where
        P: AsRef<OsStr> + ?Sized,
        S: Serializer,
    {
        imp::serialize(path.as_ref(), serializer)
    }

    /// Reads a path written by [`serialize`].
    pub fn deserialize<'de, P, D>(deserializer: D) -> Result<P, D::Error>
    where
        P: From<OsString>,
        D: Deserializer<'de>,
    {
        imp::deserialize(deserializer).map(P::from)
    }

    #[cfg(unix)]
    mod imp {
        use std::ffi::{OsStr, OsString};
        use std::fmt;
        use std::os::unix::ffi::{OsStrExt, OsStringExt};

        use serde::de::{SeqAccess, Visitor};
        use serde::{Deserializer, Serializer};

        pub fn serialize<S: Serializer>(path: &OsStr, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(path.as_bytes())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<OsString, D::Error> {
            deserializer
                .deserialize_byte_buf(Bytes)
                .map(OsString::from_vec)
        }

        /// Bytes as a binary format writes them, or as a list of numbers
        /// (JSON).
        struct Bytes;

        impl<'de> Visitor<'de> for Bytes {
            type Value = Vec<u8>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a path as bytes")
            }

            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }

            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(b) = seq.next_element()? {
                    bytes.push(b);
                }
                Ok(bytes)
            }
        }
    }

    #[cfg(windows)]
    mod imp {
        use std::ffi::{OsStr, OsString};
        use std::os::windows::ffi::{OsStrExt, OsStringExt};

        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        pub fn serialize<S: Serializer>(path: &OsStr, serializer: S) -> Result<S::Ok, S::Error> {
            path.encode_wide()
                .collect::<Vec<u16>>()
                .serialize(serializer)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<OsString, D::Error> {
            Vec::<u16>::deserialize(deserializer).map(|wide| OsString::from_wide(&wide))
        }
    }

    #[cfg(not(any(unix, windows)))]
    mod imp {
        use std::ffi::{OsStr, OsString};

        use serde::{Deserialize, Deserializer, Serialize, Serializer, ser::Error};

        pub fn serialize<S: Serializer>(path: &OsStr, serializer: S) -> Result<S::Ok, S::Error> {
            path.to_str()
                .ok_or_else(|| S::Error::custom("a path that is not UTF-8"))?
                .serialize(serializer)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<OsString, D::Error> {
            String::deserialize(deserializer).map(OsString::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::path::PathBuf;

    use chrono::{DateTime, Utc};

    use super::*;

    /// A reading that keeps its lines; it holds together unless a line is
    /// `bad` (as a reading whose index points nowhere does not).
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Lines {
        lines: Vec<String>,
    }

    impl Incremental for Lines {
        fn line(&mut self, line: &[u8]) {
            self.lines.push(String::from_utf8_lossy(line).into_owned());
        }
        fn set_mtime(&mut self, _: DateTime<Utc>) {}
        fn words(&self) -> Option<&'static [&'static [u8]]> {
            None
        }
        fn oversized(&mut self) {}
        fn consistent(&self) -> bool {
            !self.lines.iter().any(|l| l == "bad")
        }
    }

    /// The reading of a file that must not be read again.
    fn never() -> Lines {
        panic!("read again: the saved reading was not used")
    }

    fn len(cache: &ScanCache<Lines>) -> usize {
        cache.lock().len()
    }

    /// A directory with two transcripts read into a cache saved at
    /// `<dir>/cache/t.bin`; returns the directory, the files and the path.
    fn saved() -> (tempfile::TempDir, Vec<PathBuf>, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![dir.path().join("a.jsonl"), dir.path().join("b.jsonl")];
        fs::write(&files[0], "one\ntwo\n").unwrap();
        fs::write(&files[1], "three\nhal").unwrap();
        let cache = ScanCache::default();
        for file in &files {
            cache.scan(file, Lines::default).unwrap();
        }
        let path = dir.path().join("cache/t.bin");
        cache.save(&path, "t/a").unwrap();
        (dir, files, path)
    }

    #[test]
    fn a_saved_cache_is_used_as_it_was_left() {
        let (_dir, files, path) = saved();
        let loaded: ScanCache<Lines> = ScanCache::load(&path, "t/a");
        assert_eq!(len(&loaded), 2);
        let a = loaded.scan(&files[0], never).unwrap().scan;
        assert_eq!(a.lines, ["one", "two"]);
        let b = loaded.scan(&files[1], never).unwrap().scan;
        assert_eq!(b.lines, ["three", "hal"], "the unfinished line too");
        // Grown: read on from where it stopped, not from the start.
        fs::OpenOptions::new()
            .append(true)
            .open(&files[1])
            .unwrap()
            .write_all(b"f\n")
            .unwrap();
        let b = loaded.scan(&files[1], never).unwrap().scan;
        assert_eq!(b.lines, ["three", "half"]);
        // Another owner's (another reader's, or another account's) is not.
        assert_eq!(len(&ScanCache::<Lines>::load(&path, "t/b")), 0);
        assert_eq!(len(&ScanCache::<Lines>::load(&path, "u/a")), 0);
    }

    #[test]
    fn every_flipped_byte_and_every_cut_is_caught() {
        let (_dir, _files, path) = saved();
        let good = fs::read(&path).unwrap();
        assert_eq!(len(&ScanCache::<Lines>::load(&path, "t/a")), 2);
        for at in 0..good.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[at] ^= flip;
                fs::write(&path, &bad).unwrap();
                let loaded: ScanCache<Lines> = ScanCache::load(&path, "t/a");
                assert_eq!(len(&loaded), 0, "byte {at} ^ {flip:#x} was trusted");
            }
            fs::write(&path, &good[..at]).unwrap();
            assert_eq!(
                len(&ScanCache::<Lines>::load(&path, "t/a")),
                0,
                "cut at {at}"
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        fs::write(&path, &longer).unwrap();
        assert_eq!(len(&ScanCache::<Lines>::load(&path, "t/a")), 0);
    }

    /// `files` as a cache would hold them, saved with a good checksum.
    fn save_entries(path: &Path, files: FxHashMap<OsString, Entry<Lines>>) {
        ScanCache::with(files).save(path, "t/a").unwrap();
    }

    fn entry(reading: Lines, offset: u64, head: (u64, u64)) -> Entry<Lines> {
        let reading = Arc::new(reading);
        Entry {
            stamp: Stamp {
                len: offset,
                modified: None,
                #[cfg(unix)]
                unix: (0, 0, 0, 0),
            },
            committed: Arc::clone(&reading),
            full: reading,
            offset,
            head,
            tail: 0,
            stopped: None,
        }
    }

    #[test]
    fn a_cache_whose_checksum_holds_but_whose_entries_do_not_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.bin");
        let fine = || (OsString::from("/f"), entry(Lines::default(), 300, (256, 0)));
        let load = || len(&ScanCache::<Lines>::load(&path, "t/a"));
        save_entries(&path, [fine()].into_iter().collect());
        assert_eq!(load(), 1);
        let bad_reading = Lines {
            lines: vec!["bad".to_owned()],
        };
        for wrong in [
            // A reading that does not hold together (its own hook says so).
            entry(bad_reading, 4, (4, 0)),
            // A head longer than what is checked: resuming would allocate it.
            entry(Lines::default(), 1 << 40, (1 << 40, 0)),
            // A head longer than the bytes read.
            entry(Lines::default(), 10, (11, 0)),
        ] {
            let files = [fine(), (OsString::from("/g"), wrong)]
                .into_iter()
                .collect();
            save_entries(&path, files);
            assert_eq!(load(), 0, "the whole cache is dropped");
        }
        // An inconsistent `full` beside a good `committed`.
        let mut e = entry(Lines::default(), 4, (4, 0));
        e.full = Arc::new(Lines {
            lines: vec!["bad".to_owned()],
        });
        save_entries(&path, [(OsString::from("/g"), e)].into_iter().collect());
        assert_eq!(load(), 0);
        // An empty path.
        save_entries(
            &path,
            [(OsString::new(), entry(Lines::default(), 0, (0, 0)))]
                .into_iter()
                .collect(),
        );
        assert_eq!(load(), 0);
    }

    #[test]
    fn a_cache_that_is_not_a_regular_file_or_too_large_is_ignored_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let load = |path: &Path| len(&ScanCache::<Lines>::load(path, "t/a"));
        // A directory.
        assert_eq!(load(dir.path()), 0);
        // Missing.
        assert_eq!(load(&dir.path().join("missing")), 0);
        // Over 1 GiB (sparse: nothing is written, and nothing is read).
        let huge = dir.path().join("huge.bin");
        File::create(&huge).unwrap().set_len(MAX_BYTES + 1).unwrap();
        assert_eq!(load(&huge), 0);
        // A FIFO with no writer: opening it for reading would block.
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo.bin");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(
                made.is_ok_and(|s| s.success()),
                "mkfifo is needed for this test"
            );
            let (done, wait) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = done.send(load_fifo(&fifo));
            });
            let loaded = wait.recv_timeout(Duration::from_secs(20));
            assert_eq!(loaded, Ok(0), "loading from a FIFO hung");
        }
    }

    #[cfg(unix)]
    fn load_fifo(path: &Path) -> usize {
        len(&ScanCache::<Lines>::load(path, "t/a"))
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_save_that_fails_leaves_no_temporary_file_and_is_tried_again() {
        let (dir, files, _) = saved();
        let cache = ScanCache::default();
        cache.scan(&files[0], Lines::default).unwrap();
        let path = dir.path().join("cache/blocked.bin");
        fs::create_dir_all(path.join("inside")).unwrap();
        assert!(cache.save_if_changed(&path, "t/a").is_err());
        assert_eq!(names(&dir.path().join("cache")), ["blocked.bin", "t.bin"]);
        // Still marked changed: once the way is clear, the next call saves.
        fs::remove_dir_all(&path).unwrap();
        cache.save_if_changed(&path, "t/a").unwrap();
        assert_eq!(len(&ScanCache::<Lines>::load(&path, "t/a")), 1);
    }

    #[cfg(unix)]
    #[test]
    fn directories_made_are_private_and_so_is_the_file() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, _, path) = saved();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join("cache")), 0o700);
        assert_eq!(mode(&path), 0o600);
        let nested = dir.path().join("x/y/z");
        create_private_dir(&nested).unwrap();
        for p in ["x", "x/y", "x/y/z"] {
            assert_eq!(mode(&dir.path().join(p)), 0o700, "{p}");
        }
        // A file left readable by an earlier version is replaced by a private one.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let cache: ScanCache<Lines> = ScanCache::load(&path, "t/a");
        cache.save(&path, "t/a").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_old_temporary_name_is_not_followed() {
        let (dir, _, path) = saved();
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep me").unwrap();
        // The name earlier versions wrote to: predictable from the pid.
        let planted = path.with_extension(format!("tmp.{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let cache: ScanCache<Lines> = ScanCache::load(&path, "t/a");
        cache.save(&path, "t/a").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(fs::symlink_metadata(&planted).unwrap().is_symlink());
        assert_eq!(len(&ScanCache::<Lines>::load(&path, "t/a")), 2);
    }

    #[test]
    fn only_abandoned_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let long_ago = SystemTime::now() - ABANDONED_AFTER - Duration::from_secs(60);
        let make = |name: &str, old: bool| {
            let file = File::create(dir.path().join(name)).unwrap();
            if old {
                file.set_modified(long_ago).unwrap();
            }
        };
        make("pi-default-0123abcd.tmp.x7Yq2LmB", true); // a killed save
        make("pi-default-0123abcd.tmp.41234", true); // an older version's
        make("pi-default-0123abcd.tmp.Zz9y8X7w", false); // a concurrent run's
        make("pi-default-0123abcd.bin", true); // a cache
        make("pi-a.tmp.b-0123abcd.bin", true); // a cache whose id holds `.tmp.`
        make("notes.tmp.", true);
        fs::create_dir(dir.path().join("d.tmp.1")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/nonexistent", dir.path().join("l.tmp.1")).unwrap();
        remove_abandoned(dir.path());
        let mut kept = vec![
            "d.tmp.1",
            "notes.tmp.",
            "pi-a.tmp.b-0123abcd.bin",
            "pi-default-0123abcd.bin",
            "pi-default-0123abcd.tmp.Zz9y8X7w",
        ];
        #[cfg(unix)]
        kept.insert(1, "l.tmp.1");
        assert_eq!(names(dir.path()), kept);
        // A directory that does not exist is nothing to clean.
        remove_abandoned(&dir.path().join("missing"));
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_is_saved_and_found_again() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(OsStr::from_bytes(b"caf\xe9.jsonl"));
        fs::write(&file, "one\n").unwrap();
        let cache = ScanCache::default();
        cache.scan(&file, Lines::default).unwrap();
        let path = dir.path().join("t.bin");
        cache.save(&path, "t/a").unwrap();
        let loaded: ScanCache<Lines> = ScanCache::load(&path, "t/a");
        assert_eq!(loaded.scan(&file, never).unwrap().scan.lines, ["one"]);
    }
}
