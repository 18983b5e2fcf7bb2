//! Codex's rate-limit readings: the `rate_limits` of a `token_count` event,
//! in each shape Codex has written (see `docs/providers/codex.md`), and
//! the typed limit metrics the latest reading becomes.

use chrono::{DateTime, Duration, Utc};
use openusage_core::{Metric, MetricKey, metric};
use openusage_jsonl::json;
use serde_json::value::RawValue;

/// The `limit_id` of Codex's main limit, named like one without an id.
const MAIN_ID: &str = "codex";

/// One window of a reading: how much is used, of how long a window, until when.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    pub used_percent: f64,
    pub window_minutes: Option<u64>,
    /// `resets_at`, or the event's time plus the legacy `resets_in_seconds`.
    pub resets_at: Option<DateTime<Utc>>,
}

/// Credits as Codex reports them; `balance` is written as a string or a number.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Credits {
    pub has_credits: Option<bool>,
    pub unlimited: Option<bool>,
    pub balance: Option<f64>,
}

/// One limit's reading, as one event carried it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    /// `limit_id`; `None` for the main limit (no id, or `codex`).
    pub limit_id: Option<String>,
    pub primary: Option<Window>,
    pub secondary: Option<Window>,
    pub plan_type: Option<String>,
    pub credits: Option<Credits>,
}

/// The reading in a `rate_limits` value written at `at` (`None`: `null`,
/// not an object, or holding no window and no credits).
pub fn parse(raw: &RawValue, at: Option<DateTime<Utc>>) -> Option<Reading> {
    let [
        id,
        primary,
        secondary,
        plan,
        credits,
        p_used,
        s_used,
        p_min,
        s_min,
    ] = json::fields(
        raw.get(),
        &[
            "limit_id",
            "primary",
            "secondary",
            "plan_type",
            "credits",
            "primary_used_percent",
            "secondary_used_percent",
            "primary_window_minutes",
            "secondary_window_minutes",
        ],
    )?;
    let window = |nested: Option<&RawValue>, used: Option<&RawValue>, min: Option<&RawValue>| {
        nested.and_then(|w| self::window(w, at)).or_else(|| {
            // The old flat form: `primary_used_percent`, `primary_window_minutes`.
            Some(Window {
                used_percent: percent(used?)?,
                window_minutes: min.and_then(minutes),
                resets_at: None,
            })
        })
    };
    let limit_id = json::trimmed(id).filter(|id| id != MAIN_ID);
    let reading = Reading {
        limit_id,
        primary: window(primary, p_used, p_min),
        secondary: window(secondary, s_used, s_min),
        plan_type: json::trimmed(plan),
        credits: credits.and_then(self::credits),
    };
    let empty = reading.primary.is_none() && reading.secondary.is_none();
    (!empty || reading.credits.is_some()).then_some(reading)
}

fn window(raw: &RawValue, at: Option<DateTime<Utc>>) -> Option<Window> {
    let [used, min, resets_at, resets_in] = json::fields(
        raw.get(),
        &[
            "used_percent",
            "window_minutes",
            "resets_at",
            "resets_in_seconds",
        ],
    )?;
    let absolute = resets_at
        .and_then(json::number)
        .and_then(|s| DateTime::from_timestamp(s as i64, 0));
    let relative = || {
        let secs = resets_in.and_then(json::number)?;
        let secs = Duration::try_seconds(secs as i64)?;
        at?.checked_add_signed(secs)
    };
    Some(Window {
        used_percent: percent(used?)?,
        window_minutes: min.and_then(minutes),
        resets_at: absolute.or_else(relative),
    })
}

fn percent(raw: &RawValue) -> Option<f64> {
    json::number(raw).filter(|p| p.is_finite())
}

fn minutes(raw: &RawValue) -> Option<u64> {
    json::number(raw)
        .filter(|m| m.is_finite() && *m > 0.0)
        .map(|m| m as u64)
}

fn credits(raw: &RawValue) -> Option<Credits> {
    let [has, unlimited, balance] =
        json::fields(raw.get(), &["has_credits", "unlimited", "balance"])?;
    let flag = |raw: Option<&RawValue>| raw.and_then(|r| r.get().trim().parse::<bool>().ok());
    let balance = balance.and_then(|b| {
        json::number(b).or_else(|| json::string(b).and_then(|s| s.trim().parse::<f64>().ok()))
    });
    Some(Credits {
        has_credits: flag(has),
        unlimited: flag(unlimited),
        balance: balance.filter(|b| b.is_finite()),
    })
}

/// A window's length as the metric's `window`: 300 → `5h`, 10080 → `7d`,
/// other whole hours in hours, else minutes; `unknown` when not written.
pub fn window_label(minutes: Option<u64>) -> String {
    match minutes {
        None => "unknown".to_owned(),
        Some(10080) => "7d".to_owned(),
        Some(m) if m % 60 == 0 => format!("{}h", m / 60),
        Some(m) => format!("{m}m"),
    }
}

/// The metric-name prefix of a limit: `rate_limit` for the main one,
/// `rate_limit_<id>` for another, its id lower-cased with anything but
/// ASCII letters, digits and `_` written as `_`.
pub fn prefix(limit_id: Option<&str>) -> String {
    match limit_id {
        None => "rate_limit".to_owned(),
        Some(id) => {
            let id: String = id
                .chars()
                .map(|c| match c.to_ascii_lowercase() {
                    c @ ('a'..='z' | '0'..='9' | '_') => c,
                    _ => '_',
                })
                .collect();
            format!("rate_limit_{id}")
        }
    }
}

/// The metrics of `reading`, observed at `observed`, as of `now`: one per
/// window (`<prefix>_primary`, `<prefix>_secondary`), and the credit
/// balance (`<prefix>_credits`) when one was written.
pub fn metrics(
    reading: &Reading,
    observed: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<(String, Metric)> {
    let id = reading.limit_id.as_deref();
    let name = |key: MetricKey, suffix: &str| match id {
        None => key.as_str().to_owned(),
        Some(_) => format!("{}_{suffix}", prefix(id)),
    };
    let windows = [
        (
            name(metric::RATE_LIMIT_PRIMARY, "primary"),
            &reading.primary,
        ),
        (
            name(metric::RATE_LIMIT_SECONDARY, "secondary"),
            &reading.secondary,
        ),
    ];
    let mut out = Vec::new();
    for (name, window) in windows {
        let Some(w) = window else { continue };
        let label = window_label(w.window_minutes);
        let mut metric =
            Metric::percent_of_limit(w.used_percent, &label, w.resets_at, Some(observed));
        metric.reset_passed = w.resets_at.is_some_and(|r| r < now);
        metric.plan_type = reading.plan_type.clone();
        out.push((name, metric));
    }
    let credits = reading.credits.as_ref();
    if let Some(balance) = credits.and_then(|c| c.balance) {
        let mut metric = Metric::amount(balance, "credits", "current");
        metric.observed_at = Some(observed);
        metric.plan_type = reading.plan_type.clone();
        metric.unlimited = credits.and_then(|c| c.unlimited).unwrap_or(false);
        out.push((name(metric::RATE_LIMIT_CREDITS, "credits"), metric));
    }
    out
}
