//! One directory's listing, made apart from the walk's state, so that the
//! directories of one depth are listed on all cores: the `stat` of every
//! entry is most of what a warm run costs (issue 18: a third of it at 4 GB,
//! 25,975 files), and it parallelises. The walk then takes the listings in,
//! in the order it queued the directories, so what it finds does not depend
//! on which core listed what.

use std::ffi::OsStr;
use std::fs::{self, Metadata};
use std::io;
use std::path::PathBuf;

use super::{Dir, Problem};

/// An entry of a directory that the walk takes in.
pub(super) enum Item {
    /// A directory, or a link to one, met while listing recursively: the
    /// path it was reached by, its canonical path and its metadata.
    Dir {
        path: PathBuf,
        canonical: PathBuf,
        meta: Metadata,
    },
    /// A name with a wanted ending that is a file or a link to one: its
    /// canonical path and its metadata (links followed), whatever kind of
    /// file the walk then finds it is.
    File { canonical: PathBuf, meta: Metadata },
    /// A name with a wanted ending that is neither a regular file nor a
    /// link (a FIFO, a socket, a device): never opened.
    Special,
}

/// What listing one directory found.
pub(super) struct Listing {
    pub items: Vec<Item>,
    /// Why the listing stopped before its end, if it did (the entries
    /// before it are in `items`).
    pub problem: Option<Problem>,
}

/// What reading a queued directory gave: its listing, the reason it could
/// not be listed, or `None` when it is gone since it was queued.
pub(super) fn read(dir: &Dir, suffixes: &[String]) -> Option<Result<Listing, Problem>> {
    match fs::read_dir(&dir.path) {
        Ok(entries) => Some(Ok(list(dir, entries, true, suffixes))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => Some(Err(Problem {
            path: dir.path.clone(),
            reason: e.to_string(),
        })),
    }
}

/// The wanted files of `dir` (whose `entries` are open), and its
/// subdirectories when `recursive`.
pub(super) fn list(
    dir: &Dir,
    entries: fs::ReadDir,
    recursive: bool,
    suffixes: &[String],
) -> Listing {
    let mut listing = Listing {
        items: Vec::new(),
        problem: None,
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                listing.problem = Some(Problem {
                    path: dir.path.clone(),
                    reason: e.to_string(),
                });
                break;
            }
        };
        // The entry's own type, from the listing (no link followed).
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let wanted = wanted(&name, suffixes);
        if kind.is_dir() {
            if !recursive {
                continue;
            }
            if let Ok(meta) = entry.metadata() {
                let canonical = dir.canonical.join(&name);
                let path = entry.path();
                listing.items.push(Item::Dir {
                    path,
                    canonical,
                    meta,
                });
            }
        } else if kind.is_symlink() {
            if let Some(item) = link(entry.path(), wanted, recursive) {
                listing.items.push(item);
            }
        } else if wanted {
            if !kind.is_file() {
                listing.items.push(Item::Special);
            } else if let Ok(meta) = entry.metadata() {
                let canonical = dir.canonical.join(&name);
                listing.items.push(Item::File { canonical, meta });
            }
        }
    }
    listing
}

/// A link at `path`, followed: a directory to enter when `recursive`, a
/// file when its name is `wanted`; `None` for anything else, and for
/// dangling links and link loops.
fn link(path: PathBuf, wanted: bool, recursive: bool) -> Option<Item> {
    if !wanted && !recursive {
        return None;
    }
    let meta = fs::metadata(&path).ok()?;
    let wanted_here = if meta.is_dir() { recursive } else { wanted };
    if !wanted_here {
        return None;
    }
    let canonical = fs::canonicalize(&path).ok()?;
    Some(if meta.is_dir() {
        Item::Dir {
            path,
            canonical,
            meta,
        }
    } else {
        Item::File { canonical, meta }
    })
}

/// Whether `name` ends with one of `suffixes`.
fn wanted(name: &OsStr, suffixes: &[String]) -> bool {
    let name = name.as_encoded_bytes();
    suffixes.iter().any(|s| name.ends_with(s.as_bytes()))
}
