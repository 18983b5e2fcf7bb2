//! Accounts that could not be read fully. `snapshot` and `report` still
//! print everything they could read, name each such account and what was
//! skipped (under the table, or on stderr beside JSON), and exit 1 unless
//! `--allow-partial`: a script must not take a short total for the whole.
//!
//! Short means an `error` status (a place that exists could not be read)
//! or files or folders that could not be read. Files that are not
//! transcripts (special files, files without a header) and lines dropped
//! as malformed are data, counted in the diagnostics: never short.

use openusage_core::keys::diagnostic;
use openusage_core::{DiagnosticKey, Snapshot, Status};
use openusage_tui::text::clean;

use super::Output;

/// Whether `snapshot` is short of data that is there.
fn is_partial(snapshot: &Snapshot) -> bool {
    snapshot.status == Status::Error || unreadable(snapshot) > 0
}

/// Whether the command must exit 1: some of `snapshots` fell short, and
/// the user did not allow it.
pub fn partial<'a>(snapshots: impl IntoIterator<Item = &'a Snapshot>, allow: bool) -> bool {
    !allow && snapshots.into_iter().any(is_partial)
}

/// `text` with `notes` under it (on stderr instead, with `json`).
pub fn finish(mut text: String, notes: &[String], json: bool, partial: bool) -> Output {
    if json {
        notes.iter().for_each(|n| eprint!("openusage: {n}"));
    } else if !notes.is_empty() {
        text.push('\n');
        notes.iter().for_each(|n| text.push_str(n));
    }
    Output { text, partial }
}

/// `note: <account> (<provider>): <message>`, one line.
pub fn message_note(snapshot: &Snapshot) -> String {
    format!(
        "note: {} ({}): {}\n",
        clean(&snapshot.account_id),
        clean(&snapshot.provider_id),
        clean(&snapshot.message)
    )
}

/// What was skipped of `snapshot`, when anything was: the counts, then the
/// paths with their reasons, one a line (the snapshot lists up to 20).
pub fn skipped_note(snapshot: &Snapshot) -> Option<String> {
    let (files, dirs) = (
        count(snapshot, diagnostic::FILES_UNREADABLE),
        count(snapshot, diagnostic::DIRS_UNREADABLE),
    );
    if files + dirs == 0 {
        return None;
    }
    let what = match (files, dirs) {
        (f, 0) => files_word(f),
        (0, d) => folders_word(d),
        (f, d) => format!("{} and {}", files_word(f), folders_word(d)),
    };
    let mut note = format!(
        "note: {} ({}): skipped {what}:\n",
        clean(&snapshot.account_id),
        clean(&snapshot.provider_id),
    );
    let listed: Vec<&str> = snapshot
        .diagnostic(diagnostic::UNREADABLE)
        .and_then(|v| v.as_array())
        .map(|paths| paths.iter().filter_map(|p| p.as_str()).collect())
        .unwrap_or_default();
    listed
        .iter()
        .for_each(|p| note.push_str(&format!("  {}\n", clean(p))));
    let more = (files + dirs).saturating_sub(listed.len() as u64);
    if more > 0 {
        note.push_str(&format!(
            "  and {more} more (snapshot --json lists the first 20)\n"
        ));
    }
    Some(note)
}

fn unreadable(snapshot: &Snapshot) -> u64 {
    count(snapshot, diagnostic::FILES_UNREADABLE) + count(snapshot, diagnostic::DIRS_UNREADABLE)
}

fn count(snapshot: &Snapshot, key: DiagnosticKey) -> u64 {
    snapshot
        .diagnostic(key)
        .and_then(|v| v.as_u64())
        .unwrap_or(0)
}

fn files_word(n: u64) -> String {
    openusage_core::humanize::plural(n, "unreadable file", "unreadable files")
}

fn folders_word(n: u64) -> String {
    openusage_core::humanize::plural(n, "unreadable folder", "unreadable folders")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn snapshot(status: Status, files: u64, dirs: u64, listed: &[&str]) -> Snapshot {
        let at = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .unwrap()
            .to_utc();
        let mut s = Snapshot::new("pi", "work", at, status, "12 sessions".to_owned());
        s.set_diagnostic(diagnostic::FILES_UNREADABLE, files);
        s.set_diagnostic(diagnostic::DIRS_UNREADABLE, dirs);
        s.set_diagnostic(diagnostic::FILES_SKIPPED, 3);
        s.set_diagnostic(diagnostic::FILES_SPECIAL, 2);
        s.set_diagnostic(diagnostic::LINES_DROPPED, 9);
        if !listed.is_empty() {
            s.set_diagnostic(diagnostic::UNREADABLE, listed.to_vec());
        }
        s
    }

    #[test]
    fn only_an_error_or_unreadable_files_or_folders_fall_short() {
        // Skipped, special files and dropped lines are data.
        let clean = snapshot(Status::Ok, 0, 0, &[]);
        assert!(!partial([&clean], false));
        assert!(!partial([&snapshot(Status::Unknown, 0, 0, &[])], false));
        assert!(partial(
            [&clean, &snapshot(Status::Error, 0, 0, &[])],
            false
        ));
        assert!(partial(
            [&snapshot(Status::Ok, 1, 0, &["a: denied"])],
            false
        ));
        assert!(partial(
            [&snapshot(Status::Ok, 0, 1, &["d: denied"])],
            false
        ));
        assert!(!partial([&snapshot(Status::Ok, 1, 1, &[])], true));
        assert_eq!(skipped_note(&clean), None);
    }

    #[test]
    fn the_note_counts_what_was_skipped_and_lists_each_path() {
        let s = snapshot(
            Status::Ok,
            2,
            1,
            &["/h/a.jsonl: denied", "/h/b.jsonl: denied", "/h/d: denied"],
        );
        assert_eq!(
            skipped_note(&s).unwrap(),
            "note: work (pi): skipped 2 unreadable files and 1 unreadable folder:\n  \
             /h/a.jsonl: denied\n  /h/b.jsonl: denied\n  /h/d: denied\n"
        );
        // Past the 20 listed, the rest is counted.
        let listed: Vec<String> = (0..20).map(|i| format!("/h/{i}.jsonl: denied")).collect();
        let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
        let note = skipped_note(&snapshot(Status::Ok, 25, 0, &listed)).unwrap();
        assert!(note.starts_with("note: work (pi): skipped 25 unreadable files:\n"));
        assert!(
            note.ends_with(
                "  /h/19.jsonl: denied\n  and 5 more (snapshot --json lists the first 20)\n"
            ),
            "{note}"
        );
    }

    #[test]
    fn notes_go_under_the_text_or_to_stderr_beside_json() {
        let notes = ["note: a\n".to_owned()];
        let out = finish("TABLE\n".to_owned(), &notes, false, true);
        assert_eq!(
            (out.text.as_str(), out.partial),
            ("TABLE\n\nnote: a\n", true)
        );
        let out = finish("{}\n".to_owned(), &notes, true, false);
        assert_eq!((out.text.as_str(), out.partial), ("{}\n", false));
        assert_eq!(finish("T\n".to_owned(), &[], false, false).text, "T\n");
    }
}
