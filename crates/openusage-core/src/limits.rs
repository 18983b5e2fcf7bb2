//! A snapshot's limit readings (a metric in `percent` with a window, such
//! as Codex's `rate_limit_primary`), in the order every view shows them,
//! and the words for how long until, or since, a time.

use chrono::{DateTime, Duration, Utc};

use crate::snapshot::{Metric, Snapshot};

/// A reading older than this says its age.
pub const STALE_AFTER: Duration = Duration::hours(1);

/// One limit reading of a snapshot.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    /// `None` for the main limit; else the id in `rate_limit_<id>_…`.
    pub id: Option<&'a str>,
    /// The metric's key, as the JSON names it.
    pub key: &'a str,
    pub metric: &'a Metric,
    /// The window started again since the reading: its percent is the
    /// last one of the window before, not the current use.
    pub reset_passed: bool,
    /// The reading is older than [`STALE_AFTER`] at the snapshot's time.
    pub age: Option<Duration>,
}

impl Reading<'_> {
    /// The percent used as a whole number, never below 0 (a reading can say
    /// more than 100, which is shown as it is, or nothing sensible, shown
    /// as 0).
    pub fn percent(&self) -> u64 {
        let used = self.metric.used.as_f64();
        if used.is_finite() {
            used.max(0.0).round() as u64
        } else {
            0
        }
    }
}

/// The words every view says a reading with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// `Some("11:30")` once the window started again (at that time on the
    /// snapshot's clock): say `reset since 11:30`, not the old percent.
    pub reset_since: Option<String>,
    /// `31%`.
    pub percent: String,
    /// `2h 13m` to the reset, when the reading names one.
    pub resets_in: Option<String>,
    /// `3h` when the reading is older than [`STALE_AFTER`].
    pub age: Option<String>,
}

impl Reading<'_> {
    /// The words for this reading of `s`.
    pub fn words(&self, s: &Snapshot) -> Words {
        let resets_at = self.metric.resets_at;
        Words {
            reset_since: resets_at
                .filter(|_| self.reset_passed)
                .map(|at| clock(s, at)),
            percent: format!("{}%", self.percent()),
            resets_in: resets_at.map(|at| span(at - s.timestamp)),
            age: self.age.map(span),
        }
    }

    /// `5h` for the main limit's window, `<id> 1h` for another limit's
    /// (raw: the caller makes the id and window inert).
    pub fn window_label(&self) -> String {
        match self.id {
            None => self.metric.window.clone(),
            Some(id) => format!("{id} {}", self.metric.window),
        }
    }
}

/// `5h 31%, resets in 2h 13m`; `5h reset since 11:30, read 1h 30m ago`:
/// one reading in a sentence, for text output (made inert by the caller).
pub fn sentence(s: &Snapshot, r: &Reading<'_>) -> String {
    let w = r.words(s);
    let mut text = r.window_label();
    match (&w.reset_since, &w.resets_in) {
        (Some(since), _) => text.push_str(&format!(" reset since {since}")),
        (None, Some(within)) => text.push_str(&format!(" {}, resets in {within}", w.percent)),
        (None, None) => text.push_str(&format!(" {}", w.percent)),
    }
    if let Some(age) = &w.age {
        text.push_str(&format!(", read {age} ago"));
    }
    text
}

/// The limit readings of `s`: the main limit before the others (by id),
/// each one's primary window before its secondary.
pub fn readings(s: &Snapshot) -> Vec<Reading<'_>> {
    let as_of = s.timestamp;
    let mut found: Vec<(Order<'_>, Reading<'_>)> = s
        .metrics
        .iter()
        .filter(|(_, m)| m.unit == "percent" && !m.window.is_empty())
        .map(|(key, m)| {
            let order = order(key);
            let reading = Reading {
                id: order.id,
                key,
                metric: m,
                reset_passed: m.resets_at.is_some_and(|r| m.reset_passed || r < as_of),
                age: m
                    .observed_at
                    .map(|at| as_of - at)
                    .filter(|age| *age > STALE_AFTER),
            };
            (order, reading)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.into_iter().map(|(_, r)| r).collect()
}

/// The plan the readings of `s` name (the first reading's that names one).
pub fn plan(s: &Snapshot) -> Option<&str> {
    readings(s)
        .iter()
        .find_map(|r| r.metric.plan_type.as_deref())
}

/// `12.5 credits`, `unlimited credits`: each credit balance of `s` (a
/// metric in `credits`), the main limit's first.
pub fn credits(s: &Snapshot) -> Vec<String> {
    let mut found: Vec<(Order<'_>, &Metric)> = s
        .metrics
        .iter()
        .filter(|(_, m)| m.unit == "credits")
        .map(|(key, m)| (order(key), m))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
        .into_iter()
        .map(|(o, m)| {
            let amount = match m.unlimited {
                true => "unlimited".to_owned(),
                false => format!("{}", m.used.as_f64()),
            };
            match o.id {
                None => format!("{amount} credits"),
                Some(id) => format!("{amount} {id} credits"),
            }
        })
        .collect()
}

/// Where a limit metric sorts: `rate_limit_primary` is the main limit's
/// first window, `rate_limit_<id>_secondary` the second window of `<id>`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Order<'a> {
    /// `None` for the main limit, which sorts first.
    id: Option<&'a str>,
    rank: u8,
}

fn order(key: &str) -> Order<'_> {
    let (group, rank) = if let Some(group) = key.strip_suffix("_primary") {
        (group, 0)
    } else if let Some(group) = key.strip_suffix("_secondary") {
        (group, 1)
    } else if let Some(group) = key.strip_suffix("_credits") {
        (group, 2)
    } else {
        (key, 2)
    };
    let id = match group.strip_prefix("rate_limit") {
        Some("") => None,
        Some(rest) => Some(rest.trim_start_matches('_')),
        None => Some(group),
    };
    Order { id, rank }
}

/// A length of time in whole minutes: `13m`, `2h 13m`, `4d 12h`; `<1m`
/// for less than a minute, `0m` for none or a negative one.
pub fn span(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) if d > Duration::zero() => "<1m".to_owned(),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// `at` on the snapshot's wall clock: the time of day, with the date when
/// it is not the snapshot's day.
pub fn clock(s: &Snapshot, at: DateTime<Utc>) -> String {
    let zone = s.zone();
    let wall = zone.wall_clock(at);
    match wall.split_once(' ') {
        Some((_, time)) if zone.date(at) == s.today() => time.to_owned(),
        _ => wall,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::{readings, span};
    use crate::snapshot::{Metric, Snapshot, Status};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn snapshot(metrics: Vec<(&str, Metric)>) -> Snapshot {
        let mut s = Snapshot::new("x", "x", at("2026-11-20T12:00:00Z"), Status::Ok, "");
        for (key, m) in metrics {
            s.metrics.insert(key.to_owned(), m);
        }
        s
    }

    fn limit(used: f64, window: &str, resets: &str, observed: &str) -> Metric {
        Metric::percent_of_limit(used, window, Some(at(resets)), Some(at(observed)))
    }

    #[test]
    fn the_main_limit_comes_first_then_the_others_by_id_and_percents_of_nothing_are_left_out() {
        let m = |window| limit(10.0, window, "2026-11-20T12:30:00Z", "2026-11-20T11:30:00Z");
        let s = snapshot(vec![
            ("rate_limit_secondary", m("7d")),
            ("rate_limit_codex_bengalfox_primary", m("1h")),
            ("rate_limit_primary", m("5h")),
            (
                "rate_limit_credits",
                Metric::amount(12.5, "credits", "current"),
            ),
            ("share", Metric::amount(50.0, "percent", "")),
        ]);
        let found: Vec<(Option<&str>, &str)> = readings(&s)
            .iter()
            .map(|r| (r.id, r.metric.window.as_str()))
            .collect();
        assert_eq!(
            found,
            [(None, "5h"), (None, "7d"), (Some("codex_bengalfox"), "1h")]
        );
    }

    #[test]
    fn a_reset_before_the_snapshot_or_marked_passed_is_passed_and_an_old_reading_has_an_age() {
        // Resets 11:30, before the snapshot's 12:00; read 10:30, 90 min ago.
        let passed = limit(31.0, "5h", "2026-11-20T11:30:00Z", "2026-11-20T10:30:00Z");
        // Resets 14:00; read 11:30, 30 min ago: fresh, no age.
        let fresh = limit(131.0, "7d", "2026-11-20T14:00:00Z", "2026-11-20T11:30:00Z");
        let s = snapshot(vec![
            ("rate_limit_primary", passed),
            ("rate_limit_secondary", fresh),
        ]);
        let r = readings(&s);
        assert!(r[0].reset_passed);
        assert_eq!(r[0].age, Some(Duration::minutes(90)));
        assert!(!r[1].reset_passed);
        assert_eq!(r[1].age, None);
        // Over the limit is said as it is.
        assert_eq!((r[0].percent(), r[1].percent()), (31, 131));
    }

    #[test]
    fn a_reading_in_a_sentence_says_its_reset_or_its_percent_and_its_age() {
        let mut passed = limit(31.0, "5h", "2026-11-20T11:30:00Z", "2026-11-20T10:30:00Z");
        passed.reset_passed = true;
        let fresh = limit(45.0, "7d", "2026-11-25T00:00:00Z", "2026-11-20T11:30:00Z");
        let other = limit(7.0, "1h", "2026-11-20T12:30:00Z", "2026-11-20T10:00:00Z");
        let s = snapshot(vec![
            ("rate_limit_primary", passed),
            ("rate_limit_secondary", fresh),
            ("rate_limit_codex_bengalfox_primary", other),
        ]);
        let said: Vec<String> = readings(&s)
            .iter()
            .map(|r| super::sentence(&s, r))
            .collect();
        assert_eq!(
            said,
            [
                "5h reset since 11:30, read 1h 30m ago",
                // 2026-11-25 00:00 is 4 d 12 h after 11-20 12:00.
                "7d 45%, resets in 4d 12h",
                // Read 10:00, 2 h before: stale.
                "codex_bengalfox 1h 7%, resets in 30m, read 2h ago",
            ]
        );
    }

    #[test]
    fn credits_are_said_main_first_and_the_plan_is_the_first_named() {
        let mut main = Metric::amount(12.5, "credits", "current");
        main.plan_type = Some("plus".to_owned());
        let mut other = Metric::amount(0.0, "credits", "current");
        other.unlimited = true;
        let mut window = limit(10.0, "5h", "2026-11-20T12:30:00Z", "2026-11-20T11:30:00Z");
        window.plan_type = Some("pro".to_owned());
        let s = snapshot(vec![
            ("rate_limit_x_credits", other),
            ("rate_limit_credits", main),
            ("rate_limit_primary", window),
        ]);
        assert_eq!(super::credits(&s), ["12.5 credits", "unlimited x credits"]);
        // The plan of the first reading (a window), not of the credits.
        assert_eq!(super::plan(&s), Some("pro"));
    }

    #[test]
    fn lengths_of_time_read_in_minutes_hours_and_days() {
        let cases = [
            (Duration::zero(), "0m"),
            (Duration::seconds(59), "<1m"),
            (Duration::minutes(59), "59m"),
            (Duration::minutes(60), "1h"),
            (Duration::minutes(133), "2h 13m"),
            (Duration::hours(24), "1d"),
            (Duration::minutes(25 * 60 + 30), "1d 1h"),
            (Duration::minutes(-5), "0m"),
        ];
        for (d, text) in cases {
            assert_eq!(span(d), text, "{d:?}");
        }
    }
}
