//! The last counting of an account, kept with what it was counted from, so
//! that an unchanged tree is answered without decoding a single reading or
//! counting a single turn: the walk and a `stat` of every file prove nothing
//! changed, and the kept counting ([`Kept`]) is filled at the new `now`.
//!
//! What it was counted from is a fingerprint ([`Inputs`]) of: the owner
//! (provider, its reading format, account), [`FORMAT`] and
//! [`KEPT_FORMAT`], the agent's own settings (its `Debug` form), the line
//! limits, and every file found, in walk order, with the tag of its root
//! and its stamp (size, mtime, device and inode, ctime) as the walk's
//! `stat` found it, before reading. The zone, cost mode and prices are checked by
//! [`Kept::restore`]. A file that changes while it is read has another
//! stamp at the next run, which then counts afresh: a stale counting is
//! never taken for a fresh one, only the other way round.
//!
//! Kept in memory (a live view's next refresh) and in a file of its own
//! beside the readings (`<provider>-<account>-<hash>.counted.bin`): the
//! format, the checksum, then postcard of a [`Saved`]. A file that fails
//! any check is ignored and the files are read and counted as without it.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use openusage_core::aggregate::{KEPT_FORMAT, Kept};
use serde::{Deserialize, Serialize};

use crate::cache::disk::{sealed, unsealed, write_atomically};
use crate::files::FileCounts;
use crate::walk::{Found, Root};

/// The layout of a kept counting's file (the [`Saved`] around the
/// [`Kept`]); raise it whenever that changes.
pub const FORMAT: u32 = 1;

/// The fingerprint of what a counting was made from: 128 bits of hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs(u64, u64);

impl Inputs {
    /// The fingerprint of the files `found` under `roots`, with the stamps
    /// the walk found them with, for a counting by `owner` with `settings`
    /// (the agent's own and the reading limits, in any stable form); `None`
    /// for a walk that kept no stamps.
    pub fn of(found: &Found, roots: &[Root], owner: &str, settings: &str) -> Option<Inputs> {
        if found.stamps.len() != found.files.len() {
            return None;
        }
        let mut bytes = Vec::with_capacity(found.files.len() * 128);
        for part in [owner, settings] {
            push(&mut bytes, part.as_bytes());
        }
        bytes.extend(FORMAT.to_le_bytes());
        bytes.extend(KEPT_FORMAT.to_le_bytes());
        let places = found.files.iter().zip(&found.file_roots);
        for ((path, &root), stamp) in places.zip(&found.stamps) {
            push(&mut bytes, path.as_os_str().as_encoded_bytes());
            let tag = roots.get(root).and_then(|r| r.tag).unwrap_or("");
            push(&mut bytes, tag.as_bytes());
            stamp.push_bytes(&mut bytes);
        }
        let hash = |seed| twox_hash::XxHash64::oneshot(seed, &bytes);
        Some(Inputs(hash(0), hash(1)))
    }
}

/// `part` with its length before it, so that no two lists of parts make
/// the same bytes.
fn push(bytes: &mut Vec<u8>, part: &[u8]) {
    bytes.extend((part.len() as u64).to_le_bytes());
    bytes.extend_from_slice(part);
}

/// A counting and what it was made from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Counting {
    pub inputs: Inputs,
    /// What reading the files counted (files read and skipped, lines
    /// dropped and too long).
    pub files: FileCounts,
    pub kept: Kept,
}

/// A kept counting's file: whose it is, and the counting.
#[derive(Serialize, Deserialize)]
struct Saved<O, C> {
    owner: O,
    counting: C,
}

/// An account's last counting: in memory, loaded from its file the first
/// time it is asked for, and saved when it changed.
#[derive(Debug, Default)]
pub struct LastCounting {
    last: Mutex<Option<Arc<Counting>>>,
    loaded: AtomicBool,
    changed: AtomicBool,
}

impl LastCounting {
    /// The last counting when it was made from `inputs`: the one in memory,
    /// else (the first time only) the one `owner` saved at `path`.
    pub fn made_from(
        &self,
        inputs: Inputs,
        path: Option<&Path>,
        owner: &str,
    ) -> Option<Arc<Counting>> {
        if let Some(path) = path {
            if !self.loaded.swap(true, Ordering::Relaxed) && self.lock().is_none() {
                *self.lock() = load(path, owner).map(Arc::new);
            }
        }
        self.lock().clone().filter(|c| c.inputs == inputs)
    }

    /// Remembers `counting` as the last one, and gives it back shared.
    pub fn set(&self, counting: Counting) -> Arc<Counting> {
        let counting = Arc::new(counting);
        *self.lock() = Some(counting.clone());
        self.changed.store(true, Ordering::Relaxed);
        counting
    }

    /// Writes the last counting to `path` for `owner` when it changed since
    /// it was loaded or saved (atomically, as the readings are); one that
    /// fails is tried again at the next save.
    pub fn save_if_changed(&self, path: &Path, owner: &str) -> io::Result<()> {
        if !self.changed.swap(false, Ordering::Relaxed) {
            return Ok(());
        }
        let Some(counting) = self.lock().clone() else {
            return Ok(());
        };
        let saved = Saved {
            owner,
            counting: &*counting,
        };
        let written = sealed(FORMAT, &saved).and_then(|bytes| write_atomically(path, &bytes));
        if written.is_err() {
            self.changed.store(true, Ordering::Relaxed);
        }
        written
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Arc<Counting>>> {
        // Replaced whole, so a panic elsewhere cannot leave half of one.
        self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The counting `owner` saved at `path`, when the file passes every check.
fn load(path: &Path, owner: &str) -> Option<Counting> {
    let saved: Saved<String, Counting> = unsealed(path, FORMAT)?;
    (saved.owner == owner).then_some(saved.counting)
}
