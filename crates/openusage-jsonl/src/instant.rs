//! The instants openusage accepts from files: years 1970 to 9999, UTC.
//!
//! Transcripts carry timestamps anyone could write (`8210266876799999` ms
//! is year 262,143, chrono's last); converting such an instant into a time
//! zone east of UTC overflows. Whatever lies outside the range is treated
//! exactly like an absent timestamp, so every instant a reader keeps can be
//! shown in every zone.

use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};

/// The first instant accepted: the Unix epoch.
pub const FIRST: DateTime<Utc> = DateTime::UNIX_EPOCH;

/// The last instant accepted: 9999-12-31T23:59:59.999999999Z.
pub fn last() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 999_999_999))
        .map_or(DateTime::UNIX_EPOCH, |t| t.and_utc())
}

/// `at` when it lies in the accepted range.
pub fn in_range(at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (FIRST..=last()).contains(&at).then_some(at)
}

/// Unix milliseconds, when in range.
pub fn from_millis(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).and_then(in_range)
}

/// A file time, when in range (a file can be stamped in any year).
pub fn from_system_time(t: SystemTime) -> Option<DateTime<Utc>> {
    let since = t.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    let secs = i64::try_from(since.as_secs()).ok()?;
    DateTime::from_timestamp(secs, since.subsec_nanos()).and_then(in_range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_range_is_1970_to_9999() {
        assert_eq!(from_millis(0), Some(DateTime::UNIX_EPOCH));
        assert_eq!(from_millis(-1), None);
        assert!(from_millis(253_402_300_799_999).is_some()); // 9999-12-31T23:59:59.999Z
        assert_eq!(from_millis(253_402_300_800_000), None); // year 10000
        assert_eq!(from_millis(8_210_266_876_799_999), None);
        assert_eq!(from_millis(i64::MAX), None);
        assert_eq!(from_millis(i64::MIN), None);
    }

    #[test]
    fn file_times_outside_the_range_are_none() {
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(from_system_time(far), None);
        let before = SystemTime::UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(from_system_time(before), None);
        let ok = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        assert!(from_system_time(ok).is_some());
    }
}
