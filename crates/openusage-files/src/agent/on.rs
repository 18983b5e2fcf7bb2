//! An account's last counting with what its agent needs to count on from
//! it: the state behind [`crate::grown`], kept by [`super::FileAccount`].

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use openusage_core::aggregate::Counted;
use openusage_core::pricing::Pricing;
use openusage_core::zone::Zone;

use super::FileAgent;
use crate::counting::Counting;
use crate::grown::Grown;

/// The last full or continued counting of an account, with what it was
/// counted from and what its agent needs to count on.
struct Tallied<A: FileAgent> {
    scans: Vec<Arc<A::Scan>>,
    tags: Vec<Option<&'static str>>,
    seen: A::Seen,
    counting: Arc<Counting>,
}

/// An account's [`Tallied`], if it keeps one.
pub(crate) struct CountingOn<A: FileAgent>(Mutex<Option<Tallied<A>>>);

impl<A: FileAgent> Default for CountingOn<A> {
    fn default() -> Self {
        CountingOn(Mutex::new(None))
    }
}

impl<A: FileAgent> fmt::Debug for CountingOn<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = self.lock().as_ref().map(|t| t.scans.len());
        f.debug_struct("CountingOn").field("files", &files).finish()
    }
}

impl<A: FileAgent> CountingOn<A> {
    /// The counting of `scans` (tagged `tags`, in walk order) counted on
    /// from the last one by `agent`, when only some readings changed and
    /// the agent could count on from them; `None` otherwise, the last one
    /// left as it was.
    pub fn count(
        &self,
        agent: &A,
        scans: &[Arc<A::Scan>],
        tags: &[Option<&'static str>],
        now: DateTime<Utc>,
        zone: Zone,
        pricing: &Pricing,
    ) -> Option<Counted> {
        let mut guard = self.lock();
        let last = guard.as_mut()?;
        if last.scans.len() != scans.len() || last.tags != tags {
            return None;
        }
        let grown: Vec<Grown<'_, A::Scan>> = last
            .scans
            .iter()
            .zip(scans)
            .zip(tags)
            .filter(|((before, after), _)| !Arc::ptr_eq(before, after))
            .map(|((before, after), &tag)| Grown {
                before: &**before,
                after: &**after,
                tag,
            })
            .collect();
        let kept = &last.counting.kept;
        let counted = || kept.clone().restore(now, zone, pricing.clone());
        agent.count_more(&mut last.seen, &grown, counted)
    }

    /// Remembers a full counting of `scans` (tagged `tags`) as the last
    /// one, with what its agent left to count on.
    pub fn set(
        &self,
        scans: &[Arc<A::Scan>],
        tags: Vec<Option<&'static str>>,
        seen: A::Seen,
        counting: Arc<Counting>,
    ) {
        *self.lock() = Some(Tallied {
            scans: scans.to_vec(),
            tags,
            seen,
            counting,
        });
    }

    /// Remembers the counting [`CountingOn::count`] just made of `scans`
    /// as the last one (its `seen` already brought up to date there).
    pub fn advance(&self, scans: &[Arc<A::Scan>], counting: Arc<Counting>) {
        if let Some(last) = self.lock().as_mut() {
            last.scans = scans.to_vec();
            last.counting = counting;
        }
    }

    /// Forgets the last counting: the next one is counted afresh.
    pub fn clear(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> MutexGuard<'_, Option<Tallied<A>>> {
        // Replaced whole, so a panic elsewhere cannot leave half of one.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
