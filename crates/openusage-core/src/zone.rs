//! Where days start. Instants are UTC everywhere; a [`Zone`] only decides
//! which calendar day an instant falls on ("today", daily series, reports),
//! so a user in Warsaw sees a late-evening session on the evening's day.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::env::Env;

/// The time zone days are counted in: UTC (the default) or an IANA zone,
/// with its daylight-saving rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Utc,
    Named(Tz),
}

/// A time zone setting or flag that names no zone we know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown time zone {0:?}: use \"UTC\", \"local\" or an IANA name such as \"Europe/Warsaw\""
)]
pub struct UnknownZone(pub String);

impl Zone {
    /// Reads a setting: `UTC`, `local` (the machine's zone, see
    /// [`Zone::local`]) or an IANA name (`Europe/Warsaw`; exact spelling,
    /// as in the tz database).
    pub fn parse(text: &str, env: &Env) -> Result<Zone, UnknownZone> {
        match text.trim() {
            t if t.eq_ignore_ascii_case("utc") => Ok(Zone::Utc),
            t if t.eq_ignore_ascii_case("local") => Ok(Zone::local(env)),
            t => named(t).ok_or_else(|| UnknownZone(text.to_owned())),
        }
    }

    /// The machine's zone: `$TZ` when it names an IANA zone (`Europe/Warsaw`,
    /// `:Europe/Warsaw`, or a path into a zoneinfo directory), else the zone
    /// `/etc/localtime` links to, else UTC. POSIX rule strings such as
    /// `CET-1CEST` are not read: they are rare, and UTC is an honest
    /// fallback that the header of every report names.
    pub fn local(env: &Env) -> Zone {
        let from_var = env
            .var("TZ")
            .and_then(|v| v.to_str())
            .map(|v| v.trim_start_matches(':'))
            .and_then(|v| named(v).or_else(|| zoneinfo_name(Path::new(v))));
        let from_link = || {
            std::fs::read_link("/etc/localtime")
                .ok()
                .and_then(|target| zoneinfo_name(&target))
        };
        from_var.or_else(from_link).unwrap_or(Zone::Utc)
    }

    /// The zone named `UTC` or by its IANA name (never `local`): how a
    /// snapshot names the zone it was made in.
    pub fn from_name(name: &str) -> Option<Zone> {
        named(name)
    }

    /// The calendar day `at` falls on in this zone.
    pub fn date(&self, at: DateTime<Utc>) -> NaiveDate {
        match self {
            Zone::Utc => at.date_naive(),
            Zone::Named(tz) => at.with_timezone(tz).date_naive(),
        }
    }

    /// `at` as local wall-clock time, `2026-11-20 13:05`.
    pub fn wall_clock(&self, at: DateTime<Utc>) -> String {
        const FORMAT: &str = "%Y-%m-%d %H:%M";
        match self {
            Zone::Utc => at.format(FORMAT).to_string(),
            Zone::Named(tz) => at.with_timezone(tz).format(FORMAT).to_string(),
        }
    }

    /// The zone's name: `UTC` or the IANA name.
    pub fn name(&self) -> &'static str {
        match self {
            Zone::Utc => "UTC",
            Zone::Named(tz) => tz.name(),
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn named(name: &str) -> Option<Zone> {
    match Tz::from_str(name).ok()? {
        Tz::UTC | Tz::Etc__UTC => Some(Zone::Utc),
        tz => Some(Zone::Named(tz)),
    }
}

/// `/usr/share/zoneinfo/Europe/Warsaw` → `Europe/Warsaw`.
fn zoneinfo_name(path: &Path) -> Option<Zone> {
    let text = path.to_str()?;
    let (_, name) = text.rsplit_once("zoneinfo/")?;
    named(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn env() -> Env {
        Env::new("/home/alice")
    }

    #[test]
    fn utc_local_and_iana_names_parse_and_anything_else_is_named_in_the_error() {
        assert_eq!(Zone::parse("UTC", &env()), Ok(Zone::Utc));
        assert_eq!(Zone::parse("utc", &env()), Ok(Zone::Utc));
        assert_eq!(
            Zone::parse("Europe/Warsaw", &env()),
            Ok(Zone::Named(Tz::Europe__Warsaw))
        );
        let err = Zone::parse("Mars/Olympus", &env()).unwrap_err();
        assert!(err.to_string().contains("\"Mars/Olympus\""), "{err}");
    }

    #[test]
    fn local_follows_tz_in_any_of_its_spellings() {
        for tz in [
            "America/New_York",
            ":America/New_York",
            "/usr/share/zoneinfo/America/New_York",
        ] {
            let env = env().with_var("TZ", tz);
            assert_eq!(
                Zone::parse("local", &env),
                Ok(Zone::Named(Tz::America__New_York)),
                "{tz}"
            );
        }
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let warsaw = Zone::Named(Tz::Europe__Warsaw);
        // 23:30 UTC on 19 November is 00:30 on the 20th in Warsaw (UTC+1).
        assert_eq!(
            warsaw.date(at("2026-11-19T23:30:00Z")).to_string(),
            "2026-11-20"
        );
        assert_eq!(
            warsaw.date(at("2026-11-19T22:59:59Z")).to_string(),
            "2026-11-19"
        );
        assert_eq!(
            Zone::Utc.date(at("2026-11-19T23:30:00Z")).to_string(),
            "2026-11-19"
        );
    }

    #[test]
    fn daylight_saving_moves_midnight_by_an_hour() {
        let warsaw = Zone::Named(Tz::Europe__Warsaw);
        // Summer time (UTC+2) until 25 October 2026, 01:00 UTC.
        assert_eq!(
            warsaw.date(at("2026-10-24T22:00:00Z")).to_string(),
            "2026-10-25"
        );
        assert_eq!(
            warsaw.date(at("2026-10-24T21:59:59Z")).to_string(),
            "2026-10-24"
        );
        // After the change (UTC+1), the next midnight is at 23:00 UTC.
        assert_eq!(
            warsaw.date(at("2026-10-25T22:30:00Z")).to_string(),
            "2026-10-25"
        );
        assert_eq!(
            warsaw.date(at("2026-10-25T23:00:00Z")).to_string(),
            "2026-10-26"
        );
        assert_eq!(
            warsaw.wall_clock(at("2026-10-25T00:59:00Z")),
            "2026-10-25 02:59"
        );
        assert_eq!(
            warsaw.wall_clock(at("2026-10-25T01:00:00Z")),
            "2026-10-25 02:00"
        );
    }
}
