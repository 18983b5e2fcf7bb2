//! Counting on after files only grew (issue 18): a live view's refresh
//! after a turn was appended counts that turn, not every turn again.
//!
//! A full counting leaves, besides its kept counting, what the agent needs
//! to count on from it ([`FileAgent::Seen`](crate::FileAgent::Seen): Pi's
//! copy keys). It is kept in memory only, and only when the account is
//! collected again in the same process
//! ([`CollectContext::again`](openusage_core::CollectContext)). The next
//! collection pairs each reading with the one counted before by position;
//! when the files are the same ones under the same roots, the readings
//! that changed go to [`FileAgent::count_more`](crate::FileAgent::count_more),
//! and the agent either counts their new turns on top of the last counting
//! (restored from its kept form) or says no, and everything is counted
//! afresh as before. The state lives in the account (`agent/on.rs`).

/// A file whose reading changed since the last counting: its reading then
/// and now, and the tag of the root it was found under (the same both
/// times). The two are at the same place in walk order; whether they are
/// the same file, and whether `after` only adds to `before`, is the
/// agent's to check ([`FileAgent::count_more`](crate::FileAgent::count_more)).
#[derive(Debug)]
pub struct Grown<'a, S> {
    pub before: &'a S,
    pub after: &'a S,
    pub tag: Option<&'static str>,
}
