//! Finding transcript files under a set of roots.

use std::collections::hash_map::Entry;
use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::stamp::Stamp;
use listing::{Item, Listing};

mod listing;

/// What walking a set of roots found.
#[derive(Debug, Default)]
pub struct Found {
    /// Regular files with a wanted ending, by canonical (symlink-resolved)
    /// path, each file once however many roots, links, hard links or bind
    /// mounts lead to it (see [`find_files`]). Sorted by the bytes of the
    /// path.
    pub files: Vec<PathBuf>,
    /// For each of `files`, the index (in the roots given) of the first
    /// root it was found under: the roots are walked in order, so a file
    /// reachable from two roots belongs to the earlier one, whichever of
    /// its names is kept.
    pub file_roots: Vec<usize>,
    /// For each of `files`, its stamp as the walk found it (links
    /// followed): what a kept counting is checked against, without a
    /// second `stat`.
    pub(crate) stamps: Vec<Stamp>,
    /// Roots that exist and were walked (as given, before canonicalisation).
    pub roots_read: Vec<PathBuf>,
    /// Roots that exist but could not be walked, with the reason.
    pub roots_unreadable: Vec<Problem>,
    /// Roots that do not exist (or are dangling links), as given.
    pub roots_missing: Vec<PathBuf>,
    /// Directories below a root that could not be listed; their siblings
    /// were still walked.
    pub dirs_unreadable: Vec<Problem>,
    /// Directories listed: each directory (by device and inode) at most
    /// once per walk, whatever links lead to it, so a walk's time is linear
    /// in the number of distinct directories and files.
    pub dirs_entered: u64,
    /// Directories below a root that are on a pseudo filesystem (procfs,
    /// sysfs, ...; see [`pseudo_filesystem`]): never entered.
    pub dirs_special: u64,
    /// Entries with a wanted ending that are not regular files on a real
    /// filesystem (a FIFO, a device, a socket, a link to one, or a file of
    /// procfs or sysfs such as `/proc/self/pagemap`): never opened.
    pub files_special: u64,
    /// Further names of a file already found (a second hard link, a link to
    /// a file, the same file through a bind mount): read once, under the
    /// first of its names.
    pub files_aliased: u64,
}

/// A path and what went wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub reason: String,
}

impl Found {
    /// True when at least one root exists, readable or not.
    pub fn any_root(&self) -> bool {
        !self.roots_read.is_empty() || !self.roots_unreadable.is_empty()
    }
}

/// A directory to look for transcripts in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Root {
    pub path: PathBuf,
    /// Whether directories below it are looked in too (Pi's stray
    /// `~/.pi/agent/*.jsonl` are looked for in that directory alone: the
    /// sessions directory below it is a root of its own).
    pub recursive: bool,
    /// What the provider calls the files first found under it (Pi: `omp`
    /// for Oh My Pi's roots); `None` for a root the settings name.
    pub tag: Option<&'static str>,
}

impl Root {
    /// A directory walked with everything below it.
    pub fn tree(path: impl Into<PathBuf>) -> Self {
        Root {
            path: path.into(),
            recursive: true,
            tag: None,
        }
    }

    /// A directory whose own files alone are read.
    pub fn flat(path: impl Into<PathBuf>) -> Self {
        Root {
            path: path.into(),
            recursive: false,
            tag: None,
        }
    }

    /// The same root, its files tagged `tag` (see [`Root::tag`]).
    pub fn tagged(self, tag: &'static str) -> Self {
        Root {
            tag: Some(tag),
            ..self
        }
    }
}

/// Walks every root (recursively unless it is flat), following symbolic
/// links, and collects the regular files whose name ends in `.{ending}` for
/// one of `endings` (`jsonl`, `jsonl.zst`).
///
/// - A root that does not exist (or is a dangling link) is passed over; one
///   that exists but is not a readable directory, or is on a pseudo
///   filesystem, goes to `roots_unreadable`.
/// - Links are followed, and each directory, identified by its device and
///   inode, is listed at most once per walk whatever links lead to it: link
///   loops end, and a "diamond" of links (two links from each level to the
///   next) costs one listing per level, not one per path. (A directory first
///   listed for a flat root is listed again, whole, for a recursive one.)
/// - Directories on a pseudo filesystem (procfs, sysfs, devpts, debugfs,
///   cgroup, ...) are never entered: a link to `/proc` or `/` ends.
/// - Only regular files on a real filesystem are taken: a FIFO or device
///   named `x.jsonl`, or a link to `/proc/self/pagemap`, is never opened
///   (counted in `files_special`), so it cannot hang or bloat the reader.
/// - A file is identified by its device and inode, not by its path: a file
///   reachable under several names (hard links, links to it, bind mounts)
///   is found once, under the name that sorts first as bytes among its
///   canonical paths; the others are counted in `files_aliased`.
pub fn find_files(roots: &[Root], endings: &[&str]) -> Found {
    let mut walk = Walk {
        suffixes: endings.iter().map(|e| format!(".{e}")).collect(),
        ..Walk::default()
    };
    for (index, root) in roots.iter().enumerate() {
        walk.current = index;
        walk.root(root);
    }
    walk.finish()
}

/// What identifies a file or directory whatever its name: its device and
/// inode. (Elsewhere, its canonical path.)
#[cfg(unix)]
type Id = (u64, u64);
#[cfg(not(unix))]
type Id = PathBuf;

#[cfg(unix)]
fn id_of(meta: &Metadata, _canonical: &Path) -> Id {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn id_of(_meta: &Metadata, canonical: &Path) -> Id {
    canonical.to_path_buf()
}

/// A directory waiting to be listed: the path it was reached by, and its
/// canonical path (the prefix of the canonical paths of its files).
struct Dir {
    path: PathBuf,
    canonical: PathBuf,
}

#[derive(Default)]
struct Walk {
    suffixes: Vec<String>,
    /// Directories listed with everything below them.
    entered: FxHashSet<Id>,
    /// Directories listed alone (a flat root).
    listed_flat: FxHashSet<Id>,
    /// Whether each device seen is a pseudo filesystem, by its number.
    pseudo: FxHashMap<u64, Option<&'static str>>,
    /// Each file found: its canonical path, id, the root it was found
    /// under and its stamp.
    files: Vec<(PathBuf, Id, usize, Stamp)>,
    /// The index of the root being walked.
    current: usize,
    found: Found,
}

impl Walk {
    fn root(&mut self, root: &Root) {
        let meta = match fs::metadata(&root.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return self.found.roots_missing.push(root.path.clone());
            }
            Err(e) => return self.unreadable_root(root, e.to_string()),
            Ok(meta) if !meta.is_dir() => {
                return self.unreadable_root(root, "not a directory".to_owned());
            }
            Ok(meta) => meta,
        };
        if let Some(fs) = self.pseudo(&root.path, &meta) {
            let reason = format!("on a {fs} filesystem, which holds no transcripts");
            return self.unreadable_root(root, reason);
        }
        let canonical = match fs::canonicalize(&root.path) {
            Ok(canonical) => canonical,
            Err(e) => return self.unreadable_root(root, e.to_string()),
        };
        let id = id_of(&meta, &canonical);
        if root.recursive {
            if !self.entered.insert(id) {
                // Already listed whole under another root.
                self.found.roots_read.push(root.path.clone());
                return;
            }
        } else if self.entered.contains(&id) || !self.listed_flat.insert(id) {
            self.found.roots_read.push(root.path.clone());
            return;
        }
        let dir = Dir {
            path: root.path.clone(),
            canonical,
        };
        // A root that cannot be listed is the root's problem, not a
        // directory's below it.
        let entries = match fs::read_dir(&dir.path) {
            Ok(entries) => entries,
            Err(e) => return self.unreadable_root(root, e.to_string()),
        };
        self.found.roots_read.push(root.path.clone());
        let mut pending = Vec::new();
        let first = listing::list(&dir, entries, root.recursive, &self.suffixes);
        self.take(first, &mut pending);
        // Depth by depth: the directories queued are listed on all cores,
        // then taken in in the order they were queued.
        while !pending.is_empty() {
            let suffixes = &self.suffixes;
            let listings: Vec<_> = pending
                .par_iter()
                .map(|dir| listing::read(dir, suffixes))
                .collect();
            pending.clear();
            for listed in listings.into_iter().flatten() {
                match listed {
                    Ok(listing) => self.take(listing, &mut pending),
                    Err(problem) => self.found.dirs_unreadable.push(problem),
                }
            }
        }
    }

    fn unreadable_root(&mut self, root: &Root, reason: String) {
        self.found.roots_unreadable.push(Problem {
            path: root.path.clone(),
            reason,
        });
    }

    /// Takes in one directory's listing: its wanted files, and its
    /// subdirectories queued in `pending` (unless entered already).
    fn take(&mut self, listing: Listing, pending: &mut Vec<Dir>) {
        self.found.dirs_entered += 1;
        for item in listing.items {
            match item {
                Item::Dir {
                    path,
                    canonical,
                    meta,
                } => self.enter(path, canonical, &meta, pending),
                Item::File { canonical, meta } => self.file(canonical, &meta),
                Item::Special => self.found.files_special += 1,
            }
        }
        self.found.dirs_unreadable.extend(listing.problem);
    }

    /// Queues a directory met below a root, unless it was entered already
    /// or is on a pseudo filesystem.
    fn enter(
        &mut self,
        path: PathBuf,
        canonical: PathBuf,
        meta: &Metadata,
        pending: &mut Vec<Dir>,
    ) {
        if self.pseudo(&path, meta).is_some() {
            self.found.dirs_special += 1;
            return;
        }
        if self.entered.insert(id_of(meta, &canonical)) {
            pending.push(Dir { path, canonical });
        }
    }

    /// A file with a wanted ending, `meta` being the file's own (links
    /// followed).
    fn file(&mut self, canonical: PathBuf, meta: &Metadata) {
        if !meta.is_file() || self.pseudo(&canonical, meta).is_some() {
            self.found.files_special += 1;
            return;
        }
        let id = id_of(meta, &canonical);
        self.files
            .push((canonical, id, self.current, Stamp::of(meta)));
    }

    /// The name of the pseudo filesystem `path` (whose metadata is `meta`)
    /// is on, if it is on one; asked of the system once per device.
    fn pseudo(&mut self, path: &Path, meta: &Metadata) -> Option<&'static str> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            *self
                .pseudo
                .entry(meta.dev())
                .or_insert_with(|| pseudo_filesystem_at(path))
        }
        #[cfg(not(unix))]
        {
            let _ = (path, meta);
            None
        }
    }

    /// The files, sorted by path bytes, each file (by id) once: under its
    /// first path in that order, with the first root any of its names was
    /// found under.
    fn finish(mut self) -> Found {
        // Sorted as bytes: cheaper than comparing paths component by
        // component, and the order counting breaks ties in.
        self.files.sort_unstable_by(|(a, ..), (b, ..)| {
            a.as_os_str()
                .as_encoded_bytes()
                .cmp(b.as_os_str().as_encoded_bytes())
        });
        // Where each file (by id) sits in `files`.
        let mut kept: FxHashMap<Id, usize> = FxHashMap::default();
        let mut files: Vec<PathBuf> = Vec::with_capacity(self.files.len());
        let mut file_roots: Vec<usize> = Vec::with_capacity(self.files.len());
        let mut stamps: Vec<Stamp> = Vec::with_capacity(self.files.len());
        for (path, id, root, stamp) in self.files {
            match kept.entry(id) {
                Entry::Vacant(slot) => {
                    slot.insert(files.len());
                    files.push(path);
                    file_roots.push(root);
                    stamps.push(stamp);
                }
                Entry::Occupied(slot) => {
                    let earliest = &mut file_roots[*slot.get()];
                    *earliest = (*earliest).min(root);
                    // The same path twice (a directory listed for a flat
                    // root and again for a recursive one) is no alias.
                    if files.last() != Some(&path) {
                        self.found.files_aliased += 1;
                    }
                }
            }
        }
        self.found.files = files;
        self.found.file_roots = file_roots;
        self.found.stamps = stamps;
        self.found
    }
}

/// The pseudo filesystems (by the magic number `statfs` reports) whose
/// files are never transcripts, whatever type they claim: reading them can
/// block, never end, or return what the kernel makes up on the spot.
#[cfg(any(target_os = "linux", target_os = "android"))]
const PSEUDO_FILESYSTEMS: [(u32, &str); 22] = [
    (0x9fa0, "proc"),
    (0x6265_6572, "sysfs"),
    (0x1cd1, "devpts"),
    (0x6462_6720, "debugfs"),
    (0x7472_6163, "tracefs"),
    (0x0027_e0eb, "cgroup"),
    (0x6367_7270, "cgroup2"),
    (0x7363_6673, "securityfs"),
    (0xf97c_ff8c, "selinuxfs"),
    (0x4341_5d53, "smackfs"),
    (0xcafe_4a11, "bpf"),
    (0x6165_676c, "pstore"),
    (0xde5e_81e4, "efivarfs"),
    (0x6265_6570, "configfs"),
    (0x6573_5543, "fusectl"),
    (0x4249_4e4d, "binfmt_misc"),
    (0x6e73_6673, "nsfs"),
    (0x1980_0202, "mqueue"),
    (0x0765_5821, "resctrl"),
    (0x5049_5045, "pipefs"),
    (0x534f_434b, "sockfs"),
    (0x0904_1934, "anon_inodefs"),
];

/// The name of the pseudo filesystem with the magic number `magic`, if it
/// is one (see [`PSEUDO_FILESYSTEMS`]).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn pseudo_filesystem(magic: u32) -> Option<&'static str> {
    PSEUDO_FILESYSTEMS
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, name)| *name)
}

/// The pseudo filesystem `path` is on, if any (an error says nothing).
#[cfg(unix)]
fn pseudo_filesystem_at(path: &Path) -> Option<&'static str> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let magic = rustix::fs::statfs(path).ok()?.f_type;
        // Every magic number fits in 32 bits; the field's width and
        // signedness vary with the architecture.
        pseudo_filesystem(magic as u32)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = path;
        None
    }
}

/// The pseudo filesystem the open `file` is on, if any (an error says
/// nothing). Asked of the handle, so a path swapped after the walk cannot
/// slip a file of procfs in.
pub fn pseudo_filesystem_of(file: &fs::File) -> Option<&'static str> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let magic = rustix::fs::fstatfs(file).ok()?.f_type;
        pseudo_filesystem(magic as u32)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = file;
        None
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b"{}\n").unwrap();
    }

    #[test]
    fn finds_nested_files_with_the_extension_only() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("sessions");
        touch(&root.join("--proj--/a.jsonl"));
        touch(&root.join("-code-app/s/agent.jsonl"));
        touch(&root.join("--proj--/a.json"));
        touch(&root.join("--proj--/a.jsonl.bak"));
        let found = find_files(&[Root::tree(&root)], &["jsonl"]);
        let names: Vec<_> = found
            .files
            .iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a.jsonl", "agent.jsonl"]);
        assert_eq!(found.roots_read, [root]);
        assert_eq!(found.dirs_entered, 4);
    }

    /// Directories of one depth are listed on all cores: a wide and deep
    /// tree gives every file once, in path order, with its stamp, and each
    /// directory listed once, however the listings were shared out.
    #[test]
    fn a_wide_tree_listed_on_all_cores_gives_each_file_once_in_path_order() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("sessions");
        let mut want = Vec::new();
        for w in 0..40 {
            for depth in 0..3 {
                let dir = (0..=depth).fold(root.join(format!("w{w:02}")), |d, i| {
                    if i == 0 { d } else { d.join(format!("d{i}")) }
                });
                let file = dir.join(format!("s{depth}.jsonl"));
                touch(&file);
                touch(&dir.join("notes.txt"));
                want.push(fs::canonicalize(&file).unwrap());
            }
        }
        want.sort();
        let found = find_files(&[Root::tree(&root)], &["jsonl"]);
        assert_eq!(found.files, want);
        assert_eq!(found.stamps.len(), want.len());
        assert_eq!(found.file_roots, vec![0; want.len()]);
        // The root, then 40 workspaces, each with two directories below.
        assert_eq!(found.dirs_entered, 1 + 40 * 3);
        assert!(found.dirs_unreadable.is_empty());
    }

    #[test]
    fn each_wanted_ending_is_found_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("archived_sessions");
        for name in [
            "rollout-a.jsonl",
            "rollout-b.jsonl.zst",
            // Codex's temporary files while it compresses.
            "rollout-b.jsonl.zst.compress.1.0.tmp",
            "rollout-compress-x1y2.tmp",
            "notes.zst",
        ] {
            touch(&root.join(name));
        }
        let names = |endings: &[&str]| -> Vec<String> {
            find_files(&[Root::tree(&root)], endings)
                .files
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(&["jsonl"]), ["rollout-a.jsonl"]);
        assert_eq!(
            names(&["jsonl", "jsonl.zst"]),
            ["rollout-a.jsonl", "rollout-b.jsonl.zst"]
        );
    }

    #[test]
    fn links_are_followed_loops_end_and_each_file_counts_once() {
        let tmp = tempfile::tempdir().unwrap();
        let pi = tmp.path().join("pi");
        let omp = tmp.path().join("omp");
        touch(&pi.join("--p--/s.jsonl"));
        fs::create_dir_all(&omp).unwrap();
        symlink(pi.join("--p--"), omp.join("linked")).unwrap();
        symlink(&omp, omp.join("loop")).unwrap();
        let also_pi = tmp.path().join("also-pi");
        symlink(&pi, &also_pi).unwrap();
        let found = find_files(
            &[Root::tree(pi), Root::tree(omp), Root::tree(also_pi)],
            &["jsonl"],
        );
        assert_eq!(found.files.len(), 1);
        assert!(found.dirs_unreadable.is_empty());
        // pi, --p--, omp: each once, whatever leads to it.
        assert_eq!(found.dirs_entered, 3);
        assert_eq!(found.roots_read.len(), 3);
    }

    #[test]
    fn a_diamond_of_links_is_walked_once_per_directory() {
        // Each level holds two links to the next and one file: walked path
        // by path, 2^24 routes; directory by directory, 25 listings.
        const LEVELS: usize = 24;
        let tmp = tempfile::tempdir().unwrap();
        let level = |i: usize| tmp.path().join(format!("level{i}"));
        for i in 0..=LEVELS {
            touch(&level(i).join(format!("s{i}.jsonl")));
        }
        for i in 0..LEVELS {
            symlink(level(i + 1), level(i).join("a")).unwrap();
            symlink(level(i + 1), level(i).join("b")).unwrap();
        }
        let started = std::time::Instant::now();
        let found = find_files(&[Root::tree(level(0))], &["jsonl"]);
        assert_eq!(found.dirs_entered, LEVELS as u64 + 1);
        assert_eq!(found.files.len(), LEVELS + 1);
        assert_eq!(found.files_aliased, 0);
        assert!(found.files[0].ends_with("level0/s0.jsonl"));
        assert!(started.elapsed().as_secs() < 10);
    }

    #[test]
    fn special_files_are_not_candidates() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("r");
        fs::create_dir_all(&root).unwrap();
        symlink("/dev/zero", root.join("zero.jsonl")).unwrap();
        symlink(root.join("nowhere"), root.join("dangling.jsonl")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("fifo.jsonl"))
            .status();
        assert!(
            status.map(|s| s.success()).unwrap_or(false),
            "mkfifo is needed for this test"
        );
        let found = find_files(&[Root::tree(root)], &["jsonl"]);
        assert!(found.files.is_empty(), "{:?}", found.files);
        assert!(found.dirs_unreadable.is_empty());
        // The device and the FIFO; a dangling link is nothing at all.
        assert_eq!(found.files_special, 2);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn files_and_directories_of_procfs_are_never_taken() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("r");
        fs::create_dir_all(&root).unwrap();
        // Regular files as far as stat tells, of endless or made-up content.
        symlink("/proc/self/pagemap", root.join("pagemap.jsonl")).unwrap();
        symlink("/proc/self/status", root.join("status.jsonl")).unwrap();
        symlink("/proc", root.join("proc")).unwrap();
        symlink("/sys", root.join("sys")).unwrap();
        touch(&root.join("real.jsonl"));
        let found = find_files(&[Root::tree(&root)], &["jsonl"]);
        let names: Vec<_> = found.files.iter().map(|p| p.file_name().unwrap()).collect();
        assert_eq!(names, ["real.jsonl"]);
        assert_eq!(found.files_special, 2);
        assert_eq!(found.dirs_special, 2);
        assert_eq!(found.dirs_entered, 1);
        // As a root: reported, not walked.
        let found = find_files(&[Root::tree("/proc")], &["jsonl"]);
        assert_eq!(found.roots_unreadable.len(), 1);
        assert!(
            found.roots_unreadable[0].reason.contains("proc filesystem"),
            "{:?}",
            found.roots_unreadable
        );
        assert_eq!(found.dirs_entered, 0);
    }

    #[test]
    fn a_hard_link_or_a_link_to_a_file_is_read_once_under_its_first_name() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("r");
        touch(&root.join("b/s.jsonl"));
        fs::create_dir_all(root.join("a")).unwrap();
        fs::hard_link(root.join("b/s.jsonl"), root.join("a/hard.jsonl")).unwrap();
        symlink(root.join("b/s.jsonl"), root.join("c.jsonl")).unwrap();
        let found = find_files(&[Root::tree(&root)], &["jsonl"]);
        let canonical = fs::canonicalize(&root).unwrap();
        assert_eq!(found.files, [canonical.join("a/hard.jsonl")]);
        assert_eq!(found.files_aliased, 2);
    }

    #[test]
    fn a_file_reached_from_two_roots_belongs_to_the_earlier_root_whichever_name_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        // Root 0 (`z`) holds a hard link to a file of root 1 (`a`), whose
        // name sorts first; root 1 also holds a link into root 0's `own`
        // directory, already walked under root 0.
        let (first, second) = (tmp.path().join("z"), tmp.path().join("a"));
        touch(&second.join("both.jsonl"));
        touch(&second.join("only.jsonl"));
        touch(&first.join("own/mine.jsonl"));
        fs::hard_link(second.join("both.jsonl"), first.join("both.jsonl")).unwrap();
        symlink(first.join("own"), second.join("link")).unwrap();
        let roots = [Root::tree(&first), Root::tree(&second).tagged("b")];
        let found = find_files(&roots, &["jsonl"]);
        let (z, a) = (
            fs::canonicalize(&first).unwrap(),
            fs::canonicalize(&second).unwrap(),
        );
        let by_file: Vec<(PathBuf, usize)> = found
            .files
            .iter()
            .cloned()
            .zip(found.file_roots.iter().copied())
            .collect();
        assert_eq!(
            by_file,
            [
                (a.join("both.jsonl"), 0),
                (a.join("only.jsonl"), 1),
                (z.join("own/mine.jsonl"), 0),
            ]
        );
        assert_eq!(found.files_aliased, 1);
    }
    #[test]
    fn missing_roots_are_passed_over_and_bad_roots_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let file_root = tmp.path().join("file");
        fs::write(&file_root, b"").unwrap();
        let dangling = tmp.path().join("dangling");
        symlink(tmp.path().join("gone"), &dangling).unwrap();
        let found = find_files(
            &[
                Root::tree(tmp.path().join("missing")),
                Root::tree(dangling),
                Root::tree(&file_root),
            ],
            &["jsonl"],
        );
        assert!(found.roots_read.is_empty());
        assert_eq!(found.roots_unreadable.len(), 1);
        assert_eq!(found.roots_unreadable[0].path, file_root);
        assert!(found.any_root());
    }

    #[test]
    fn a_flat_root_gives_its_own_files_only() {
        let tmp = tempfile::tempdir().unwrap();
        let agent = tmp.path().join("agent");
        touch(&agent.join("stray.jsonl"));
        touch(&agent.join("sessions/--p--/s.jsonl"));
        let found = find_files(&[Root::flat(&agent)], &["jsonl"]);
        let names: Vec<_> = found.files.iter().map(|p| p.file_name().unwrap()).collect();
        assert_eq!(names, ["stray.jsonl"]);
        // With the sessions tree as a root too, each file once.
        let both = [Root::flat(&agent), Root::tree(agent.join("sessions"))];
        assert_eq!(find_files(&both, &["jsonl"]).files.len(), 2);
        // A directory listed flat is still walked whole for a tree root.
        let both = [Root::flat(&agent), Root::tree(&agent)];
        let found = find_files(&both, &["jsonl"]);
        assert_eq!(found.files.len(), 2);
        assert_eq!(found.files_aliased, 0);
    }
}
