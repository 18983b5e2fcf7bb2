//! A snapshot's status and message, worded the same way for every
//! provider, whatever it reads: a provider says what it found of the places
//! it reads and what it counted; [`describe`] says what that means to people.

#![deny(missing_docs)]

use std::path::{Path, PathBuf};

use crate::aggregate::Totals;
use crate::humanize;
use crate::keys::diagnostic;
use crate::snapshot::{Snapshot, Status};

/// The words of one provider's messages.
#[derive(Debug, Clone, Copy)]
pub struct Wording<'a> {
    /// The agent, as people name it: `Pi`.
    pub agent: &'static str,
    /// What the places it reads are called: `sessions directory`.
    pub root: &'static str,
    /// The home directory, shown as `~` in the places a message names.
    pub home: Option<&'a Path>,
}

/// What a provider found of the places it reads.
#[derive(Debug, Clone, Copy)]
pub enum Places<'a> {
    /// A place that exists could not be read (the first such place).
    Unreadable {
        /// The place.
        place: &'a Path,
        /// Why it could not be read.
        reason: &'a str,
    },
    /// None of the places exists: the places looked in.
    Missing {
        /// Every place looked in, in the order they were looked in.
        looked: &'a [PathBuf],
    },
    /// At least one place exists and every one that exists was read.
    Read {
        /// Places the settings named that do not exist (the defaults that
        /// do not exist are not named: most machines lack some).
        absent: &'a [PathBuf],
    },
}

/// `path` as people read it: under the home directory, with `~` for it.
pub fn shown(path: &Path, home: Option<&Path>) -> String {
    // A home of `/` would turn every path into `~/...`.
    let home = home.filter(|h| h.parent().is_some());
    match home.and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) if rest.as_os_str().is_empty() => "~".to_owned(),
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

/// The places, shown, each once, in their order: `~/a, /b`.
fn listed(places: &[PathBuf], home: Option<&Path>) -> String {
    let mut seen: Vec<&PathBuf> = Vec::new();
    for place in places {
        if !seen.contains(&place) {
            seen.push(place);
        }
    }
    let shown: Vec<String> = seen.iter().map(|p| shown(p, home)).collect();
    shown.join(", ")
}

/// Sets the snapshot's status and message:
/// - a place that exists but cannot be read: `error`, with the reason
///   (what the other places hold is still counted);
/// - no place at all: `unknown`, `<agent> <root> not found: <places>`,
///   every place looked in (`~` for the home directory);
/// - nothing counted: `ok`, `No <agent> sessions recorded`;
/// - else `ok` with the summary of `totals`.
///
/// When places the settings named do not exist while others were read,
/// the message ends `; <agent> <root> not found: <places>` (the status
/// stays): a mistyped `extra_dirs` entry is told, not passed over.
///
/// When `oversized` lines that could matter were too long to read, the
/// message says so and that the numbers may be short (the status stays).
/// When a sum saturated, the `sums_saturated` diagnostic counts how many.
pub fn describe(
    snapshot: &mut Snapshot,
    found: Places<'_>,
    totals: &Totals,
    oversized: u64,
    words: Wording<'_>,
) {
    let Wording { agent, root, home } = words;
    let not_found = |places| format!("{agent} {root} not found: {}", listed(places, home));
    (snapshot.status, snapshot.message) = match found {
        Places::Unreadable { place, reason } => {
            let message = format!(
                "Cannot read {agent} {root} {}: {reason}",
                shown(place, home)
            );
            (Status::Error, message)
        }
        Places::Missing { looked } => (Status::Unknown, not_found(looked)),
        Places::Read { .. } if totals.sessions == 0 => {
            (Status::Ok, format!("No {agent} sessions recorded"))
        }
        Places::Read { .. } => (Status::Ok, totals.summary()),
    };
    if let Places::Read { absent } = found {
        if !absent.is_empty() {
            snapshot
                .message
                .push_str(&format!("; {}", not_found(absent)));
        }
    }
    if oversized > 0 && snapshot.status != Status::Unknown {
        snapshot.message.push_str(&format!(
            "; {} too long to read: usage may be undercounted",
            humanize::plural(oversized, "line", "lines")
        ));
    }
    if totals.saturated > 0 {
        snapshot.set_diagnostic(diagnostic::SUMS_SATURATED, totals.saturated);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn pi() -> Wording<'static> {
        Wording {
            agent: "Pi",
            root: "sessions directory",
            home: Some(Path::new("/home/u")),
        }
    }

    fn message(found: Places<'_>, sessions: u64) -> (Status, String) {
        let mut snapshot = Snapshot::new("pi", "pi", DateTime::UNIX_EPOCH, Status::Ok, "");
        let totals = Totals {
            sessions,
            tokens: crate::usage::Tokens::default(),
            cost_usd: None,
            saturated: 0,
        };
        describe(&mut snapshot, found, &totals, 0, pi());
        (snapshot.status, snapshot.message)
    }

    #[test]
    fn paths_under_the_home_directory_are_shown_with_a_tilde() {
        let home = Some(Path::new("/home/u"));
        assert_eq!(shown(Path::new("/home/u/backups/s"), home), "~/backups/s");
        assert_eq!(shown(Path::new("/home/u"), home), "~");
        assert_eq!(shown(Path::new("/home/user2/s"), home), "/home/user2/s");
        assert_eq!(shown(Path::new("/srv/s"), home), "/srv/s");
        assert_eq!(shown(Path::new("/srv/s"), Some(Path::new("/"))), "/srv/s");
        assert_eq!(shown(Path::new("/home/u/s"), None), "/home/u/s");
    }

    #[test]
    fn not_found_names_every_place_looked_in_once() {
        let looked = [
            PathBuf::from("/home/u/backups/laptop-sessions"),
            PathBuf::from("/mnt/old"),
            PathBuf::from("/home/u/backups/laptop-sessions"),
        ];
        assert_eq!(
            message(
                Places::Missing {
                    looked: &looked[..1]
                },
                0
            ),
            (
                Status::Unknown,
                "Pi sessions directory not found: ~/backups/laptop-sessions".to_owned()
            )
        );
        assert_eq!(
            message(Places::Missing { looked: &looked }, 0).1,
            "Pi sessions directory not found: ~/backups/laptop-sessions, /mnt/old"
        );
    }

    #[test]
    fn a_named_place_that_is_absent_is_told_after_what_was_read() {
        let absent = [PathBuf::from("/home/u/old")];
        assert_eq!(
            message(Places::Read { absent: &absent }, 0),
            (
                Status::Ok,
                "No Pi sessions recorded; Pi sessions directory not found: ~/old".to_owned()
            )
        );
        assert_eq!(
            message(Places::Read { absent: &[] }, 0).1,
            "No Pi sessions recorded"
        );
    }
}
