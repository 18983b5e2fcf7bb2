//! What is true now rather than over the range: the limit readings (Codex's
//! rate limits) and the active 5-hour blocks.

use std::fmt::Write;

use chrono::{DateTime, TimeDelta, Utc};
use openusage_core::blocks::Block;
use openusage_core::humanize::{self, cost_cell, grouped};
use openusage_core::pricing::CostMode;
use openusage_core::{Metric, Snapshot, Zone};

use crate::escape::escape;

/// A gauge per limit reading (a metric in `percent` with a window) of
/// every snapshot, each with its words: the percent, the reset, the age.
/// Empty when no snapshot has one.
pub fn limits(snapshots: &[&Snapshot], zone: Zone) -> String {
    let mut out = String::new();
    for s in snapshots {
        let mut readings: Vec<(Option<&str>, u8, &String, &Metric)> = s
            .metrics
            .iter()
            .filter(|(_, m)| m.unit == "percent" && !m.window.is_empty())
            .map(|(key, m)| {
                let (id, rank) = order(key);
                (id, rank, key, m)
            })
            .collect();
        // The main limit first, then the others by id; each one's primary
        // window before its secondary (as the dashboard's tile).
        readings.sort_by(|a, b| (a.0.is_some(), a.0, a.1).cmp(&(b.0.is_some(), b.0, b.1)));
        for (id, _, key, m) in readings {
            let used = m.used.as_f64();
            let used = if used.is_finite() {
                used.clamp(0.0, 100.0)
            } else {
                0.0
            };
            let mut words = format!("{used:.0}% used");
            // A window that started again since the reading: its percent
            // is no longer the use, so the gauge is empty.
            let mut fill = used;
            if let Some(reset) = m.resets_at {
                match m.reset_passed || reset < s.timestamp {
                    true => {
                        words = format!("reset since {}", zone.wall_clock(reset));
                        fill = 0.0;
                    }
                    false => words.push_str(&format!(" · resets {}", zone.wall_clock(reset))),
                }
            }
            if let Some(at) = m.observed_at {
                words.push_str(&format!(" · read {}", zone.wall_clock(at)));
            }
            let level = match used {
                u if u >= 90.0 => "high",
                u if u >= 70.0 => "mid",
                _ => "low",
            };
            let _ = write!(
                out,
                r#"<div class="limit" data-limit="{}" data-used="{used}"><span class="who">{} {} · Limit {}{}</span><span class="gauge {level}"><span style="width:{fill:.1}%"></span></span><span>{words}</span></div>"#,
                escape(key),
                escape(&s.provider_id),
                escape(&s.account_id),
                id.map_or_else(String::new, |id| escape(id) + " "),
                escape(&m.window),
            );
        }
    }
    out
}

/// Where a limit sorts, as the dashboard's tile has it:
/// `rate_limit_primary` is the main limit's first window (no id, rank 0),
/// `rate_limit_<id>_secondary` the second window of `<id>`.
fn order(key: &str) -> (Option<&str>, u8) {
    let (group, rank) = match (key.strip_suffix("_primary"), key.strip_suffix("_secondary")) {
        (Some(g), _) => (g, 0),
        (_, Some(g)) => (g, 1),
        _ => (key, 2),
    };
    match group.strip_prefix("rate_limit") {
        Some("") => (None, rank),
        Some(rest) => (Some(rest.trim_start_matches('_')), rank),
        None => (Some(group), rank),
    }
}

/// `2h 05m`.
fn span(d: TimeDelta) -> String {
    let minutes = d.num_minutes().max(0);
    format!("{}h {:02}m", minutes / 60, minutes % 60)
}

/// A paragraph per active block: its window, usage, burn rate and
/// projection. Empty when none is active.
pub fn blocks(blocks: &[Block], zone: Zone, mode: CostMode) -> String {
    let mut out = String::new();
    for b in blocks {
        let Some(live) = b.live else { continue };
        let at = |t: DateTime<Utc>| zone.wall_clock(t);
        let mut rate = format!(
            "{} tokens/h",
            grouped(live.burn.tokens_per_hour.round() as u64)
        );
        if let Some(c) = live.burn.cost_usd_per_hour {
            rate.push_str(&format!(", {}/h", escape(&humanize::money(c))));
        }
        let mut projected = format!(
            "{} tokens",
            grouped(live.projection.total_tokens.round() as u64)
        );
        if let Some(c) = live.projection.cost_usd {
            projected.push_str(&format!(", {}", escape(&humanize::money(c))));
        }
        let _ = write!(
            out,
            r#"<p class="block" data-block-tokens="{}">{} {}: {} to {}, {} tokens, {} so far; {} elapsed, {} left; burn rate {rate}; projected {projected}.</p>"#,
            b.usage.tokens.total(),
            escape(&b.provider_id),
            escape(&b.account_id),
            at(b.start),
            at(b.end),
            grouped(b.usage.tokens.total()),
            escape(&cost_cell(&b.usage, mode)),
            span(live.elapsed),
            span(live.remaining),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_main_limit_comes_first_and_a_restarted_window_has_an_empty_gauge() {
        let mut s = Snapshot::new(
            "codex",
            "work",
            at("2026-11-20T12:00:00Z"),
            openusage_core::Status::Ok,
            "",
        );
        let limit = |used, window: &str, resets| {
            Metric::percent_of_limit(
                used,
                window,
                Some(at(resets)),
                Some(at("2026-11-20T10:30:00Z")),
            )
        };
        s.metrics.insert(
            "rate_limit_x_primary".into(),
            limit(7.0, "1h", "2026-11-20T12:30:00Z"),
        );
        s.metrics.insert(
            "rate_limit_secondary".into(),
            limit(95.0, "7d", "2026-11-25T00:00:00Z"),
        );
        s.metrics.insert(
            "rate_limit_primary".into(),
            limit(31.0, "5h", "2026-11-20T11:30:00Z"),
        );
        let out = limits(&[&s], Zone::Utc);
        let order: Vec<&str> = out
            .match_indices("Limit ")
            .map(|(i, _)| &out[i..i + 10])
            .collect();
        assert_eq!(order, ["Limit 5h</", "Limit 7d</", "Limit x 1h"]);
        // 5h reset at 11:30, before the snapshot's 12:00: said, not drawn.
        assert!(
            out.contains(r#"style="width:0.0%"></span></span><span>reset since 2026-11-20 11:30"#),
            "{out}"
        );
        assert!(out.contains(r#"gauge high"><span style="width:95.0%"></span></span><span>95% used · resets 2026-11-25 00:00"#), "{out}");
    }
}
