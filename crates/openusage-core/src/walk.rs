//! Finding transcript files under a set of roots.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// What walking a set of roots found.
#[derive(Debug, Default)]
pub struct Found {
    /// Regular files with a wanted ending, by canonical (symlink-resolved)
    /// path, each once however many roots or links lead to it. Sorted by the
    /// bytes of the path.
    pub files: Vec<PathBuf>,
    /// Roots that exist and were walked (as given, before canonicalisation).
    pub roots_read: Vec<PathBuf>,
    /// Roots that exist but could not be walked, with the reason.
    pub roots_unreadable: Vec<Problem>,
    /// Directories below a root that could not be listed; their siblings
    /// were still walked.
    pub dirs_unreadable: Vec<Problem>,
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
}

impl Root {
    /// A directory walked with everything below it.
    pub fn tree(path: impl Into<PathBuf>) -> Self {
        Root {
            path: path.into(),
            recursive: true,
        }
    }

    /// A directory whose own files alone are read.
    pub fn flat(path: impl Into<PathBuf>) -> Self {
        Root {
            path: path.into(),
            recursive: false,
        }
    }
}

/// Walks every root (recursively unless it is flat), following symbolic
/// links, and collects the regular files whose name ends in `.{ending}` for
/// one of `endings` (`jsonl`, `jsonl.zst`).
///
/// - A root that does not exist (or is a dangling link) is passed over; one
///   that exists but is not a readable directory goes to `roots_unreadable`.
/// - Links are followed; a link back to one of its own ancestors is noticed
///   and not entered again, so loops end.
/// - Only regular files are taken: a FIFO or device named `x.jsonl` is never
///   opened, so it cannot hang the reader.
/// - Files are de-duplicated by canonical path, so a root linked to another,
///   or a directory reachable twice, is read once.
pub fn find_files(roots: &[Root], endings: &[&str]) -> Found {
    let mut found = Found::default();
    let mut files = Vec::new();
    let suffixes: Vec<String> = endings.iter().map(|e| format!(".{e}")).collect();
    for root in roots {
        match check_root(&root.path) {
            Ok(false) => continue,
            Ok(true) => found.roots_read.push(root.path.clone()),
            Err(reason) => {
                found.roots_unreadable.push(Problem {
                    path: root.path.clone(),
                    reason,
                });
                continue;
            }
        }
        walk_root(root, &suffixes, &mut files, &mut found.dirs_unreadable);
    }
    // Sorted and de-duplicated as bytes: cheaper than comparing paths
    // component by component, and the order counting breaks ties in.
    files.sort_unstable_by(|a: &PathBuf, b: &PathBuf| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    files.dedup();
    found.files = files;
    found
}

/// `Ok(true)` for a readable directory, `Ok(false)` for nothing there.
fn check_root(root: &Path) -> Result<bool, String> {
    match fs::metadata(root) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.to_string()),
        Ok(meta) if !meta.is_dir() => Err("not a directory".to_owned()),
        Ok(_) => fs::read_dir(root).map(|_| true).map_err(|e| e.to_string()),
    }
}

fn walk_root(
    root: &Root,
    suffixes: &[String],
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<Problem>,
) {
    let mut dirs = HashMap::new();
    let mut walk = WalkDir::new(&root.path).follow_links(true);
    if !root.recursive {
        walk = walk.max_depth(1);
    }
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                if let Some(problem) = walk_problem(&err) {
                    problems.push(problem);
                }
                continue;
            }
        };
        let name = entry.file_name().as_encoded_bytes();
        let wanted = suffixes.iter().any(|s| name.ends_with(s.as_bytes()));
        if !entry.file_type().is_file() || !wanted {
            continue;
        }
        // A file that vanished between listing and here is simply gone.
        if let Some(canonical) = canonical_file(&entry, &mut dirs) {
            files.push(canonical);
        }
    }
}

/// The canonical path of a file the walk met. A file that is not itself a
/// link is its directory's canonical path plus its name, and directories
/// are resolved once each: resolving every file's whole path showed in
/// refresh profiles of trees with tens of thousands of files.
fn canonical_file(
    entry: &walkdir::DirEntry,
    dirs: &mut HashMap<PathBuf, Option<PathBuf>>,
) -> Option<PathBuf> {
    let path = entry.path();
    if entry.path_is_symlink() {
        return fs::canonicalize(path).ok();
    }
    let (parent, name) = (path.parent()?, path.file_name()?);
    let dir = dirs
        .entry(parent.to_path_buf())
        .or_insert_with(|| fs::canonicalize(parent).ok());
    dir.as_ref().map(|d| d.join(name))
}

/// Loops and entries that vanished mid-walk are normal on a live tree and
/// not worth reporting; anything else (permission denied) is.
fn walk_problem(err: &walkdir::Error) -> Option<Problem> {
    if err.loop_ancestor().is_some() {
        return None;
    }
    let io = err.io_error()?;
    if io.kind() == io::ErrorKind::NotFound {
        return None;
    }
    Some(Problem {
        path: err.path().map(Path::to_path_buf).unwrap_or_default(),
        reason: io.to_string(),
    })
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
    }
}
