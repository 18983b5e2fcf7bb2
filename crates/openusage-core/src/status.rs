//! A snapshot's status and message, worded the same way for every
//! provider, whatever it reads: a provider says what it found of the places
//! it reads and what it counted; [`describe`] says what that means to people.

#![deny(missing_docs)]

use std::path::Path;

use crate::aggregate::Totals;
use crate::humanize;
use crate::keys::diagnostic;
use crate::snapshot::{Snapshot, Status};

/// The words of one provider's messages.
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    /// The agent, as people name it: `Pi`.
    pub agent: &'static str,
    /// What the places it reads are called: `sessions directory`.
    pub root: &'static str,
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
    /// None of the places exists.
    Missing,
    /// At least one place exists and every one that exists was read.
    Read,
}

/// Sets the snapshot's status and message:
/// - a place that exists but cannot be read: `error`, with the reason
///   (what the other places hold is still counted);
/// - no place at all: `unknown`, `<agent> <root> not found`;
/// - nothing counted: `ok`, `No <agent> sessions recorded`;
/// - else `ok` with the summary of `totals`.
///
/// When `oversized` lines that could matter were too long to read, the
/// message says so and that the numbers may be short (the status stays).
/// When a sum saturated, the `sums_saturated` diagnostic counts how many.
pub fn describe(
    snapshot: &mut Snapshot,
    found: Places<'_>,
    totals: &Totals,
    oversized: u64,
    words: Wording,
) {
    let Wording { agent, root } = words;
    (snapshot.status, snapshot.message) = match found {
        Places::Unreadable { place, reason } => {
            let message = format!("Cannot read {agent} {root} {}: {reason}", place.display());
            (Status::Error, message)
        }
        Places::Missing => (Status::Unknown, format!("{agent} {root} not found")),
        Places::Read if totals.sessions == 0 => {
            (Status::Ok, format!("No {agent} sessions recorded"))
        }
        Places::Read => (Status::Ok, totals.summary()),
    };
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
