//! Rate-limit readings: each shape, and the rule that a reading comes only
//! with a counted event (never a stale one, never a fork's copied prefix).

use std::path::Path;

use chrono::{DateTime, Utc};
use openusage_core::Zone;
use openusage_core::aggregate::Counted;
use serde_json::value::RawValue;

use crate::count;
use crate::file::{FileScan, scan_reader};
use crate::limits::{self, Reading, Window, prefix, window_label};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn parse(json: &str, time: Option<&str>) -> Option<Reading> {
    let raw: Box<RawValue> = serde_json::from_str(json).unwrap();
    limits::parse(&raw, time.map(at))
}

#[test]
fn the_nested_the_legacy_relative_and_the_old_flat_shapes() {
    let nested = parse(
        r#"{"limit_id":"codex","primary":{"used_percent":31.0,"window_minutes":300,"resets_at":1795174200},"secondary":null,"credits":{"has_credits":true,"unlimited":false,"balance":"12.50"},"plan_type":"plus"}"#,
        None,
    )
    .unwrap();
    assert_eq!(nested.limit_id, None, "codex is the main limit");
    assert_eq!(
        nested.primary,
        Some(Window {
            used_percent: 31.0,
            window_minutes: Some(300),
            resets_at: Some(at("2026-11-20T11:30:00Z")),
        })
    );
    assert_eq!(nested.secondary, None);
    assert_eq!(nested.credits.unwrap().balance, Some(12.5));
    assert_eq!(nested.plan_type.as_deref(), Some("plus"));

    // 09:00 + 3600 s.
    let legacy = parse(
        r#"{"limit_id":"codex_x","primary":{"used_percent":7,"window_minutes":60,"resets_in_seconds":3600},"credits":{"balance":3}}"#,
        Some("2026-11-20T09:00:00Z"),
    )
    .unwrap();
    assert_eq!(legacy.limit_id.as_deref(), Some("codex_x"));
    let primary = legacy.primary.unwrap();
    assert_eq!(primary.resets_at, Some(at("2026-11-20T10:00:00Z")));
    assert_eq!(legacy.credits.unwrap().balance, Some(3.0));

    let flat = parse(
        r#"{"primary_used_percent":60.0,"secondary_used_percent":15.0,"primary_window_minutes":300,"secondary_window_minutes":10080}"#,
        None,
    )
    .unwrap();
    assert_eq!(flat.primary.unwrap().used_percent, 60.0);
    let secondary = flat.secondary.unwrap();
    assert_eq!(
        (secondary.used_percent, secondary.window_minutes),
        (15.0, Some(10080))
    );
    assert_eq!(secondary.resets_at, None);
}

#[test]
fn null_and_empty_and_wrong_types_give_no_reading() {
    assert_eq!(parse("null", None), None);
    assert_eq!(parse("{}", None), None);
    assert_eq!(parse(r#"{"primary":{"used_percent":"x"}}"#, None), None);
    assert_eq!(parse("[1,2]", None), None);
}

#[test]
fn windows_and_names() {
    assert_eq!(window_label(Some(300)), "5h");
    assert_eq!(window_label(Some(10080)), "7d");
    assert_eq!(window_label(Some(1440)), "24h");
    assert_eq!(window_label(Some(299)), "299m");
    assert_eq!(window_label(None), "unknown");
    assert_eq!(prefix(None), "rate_limit");
    assert_eq!(prefix(Some("Codex-Mini 2")), "rate_limit_codex_mini_2");
}

fn event(ts: &str, totals: [u64; 3], last: [u64; 3], used: f64) -> String {
    let usage = |[i, c, o]: [u64; 3]| {
        format!(
            r#"{{"input_tokens":{i},"cached_input_tokens":{c},"output_tokens":{o},"reasoning_output_tokens":0,"total_tokens":{}}}"#,
            i + o
        )
    };
    format!(
        r#"{{"timestamp":"{ts}","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{},"last_token_usage":{}}},"rate_limits":{{"primary":{{"used_percent":{used},"window_minutes":300}}}}}}}}"#,
        usage(totals),
        usage(last)
    )
}

fn scan(path: &str, lines: &[String]) -> FileScan {
    scan_reader(
        Path::new(path),
        lines.join("\n").as_bytes(),
        DateTime::UNIX_EPOCH,
    )
    .unwrap()
}

fn primary_used(scans: &[FileScan]) -> Option<f64> {
    let counted = count::count(scans, Counted::new(at("2026-11-20T12:00:00Z"), Zone::Utc));
    let (_, metric) = counted
        .limit_metrics
        .iter()
        .find(|(name, _)| name == "rate_limit_primary")?;
    Some(metric.used.as_f64())
}

#[test]
fn a_stale_event_gives_no_reading_and_a_file_keeps_one_per_limit() {
    let file = scan(
        "/a.jsonl",
        &[
            event("2026-11-20T09:00:00Z", [100, 0, 10], [100, 0, 10], 20.0),
            event("2026-11-20T10:00:00Z", [200, 0, 20], [100, 0, 10], 30.0),
            // Below the baseline and no restart: stale.
            event("2026-11-20T11:00:00Z", [150, 0, 15], [1, 0, 1], 99.0),
        ],
    );
    assert_eq!(file.snapshots_stale, 1);
    assert_eq!(file.limits.len(), 1);
    assert_eq!(primary_used(&[file]), Some(30.0));
}

#[test]
fn a_forks_copied_prefix_gives_no_reading_its_own_events_do() {
    let parent_meta = r#"{"timestamp":"2026-11-20T08:00:00Z","type":"session_meta","payload":{"id":"p","timestamp":"2026-11-20T08:00:00Z"}}"#;
    let fork_meta = r#"{"timestamp":"2026-11-20T11:00:00Z","type":"session_meta","payload":{"id":"f","forked_from_id":"p","timestamp":"2026-11-20T11:00:00Z"}}"#;
    let parent = scan(
        "/p.jsonl",
        &[
            parent_meta.to_owned(),
            event("2026-11-20T09:00:00Z", [100, 0, 10], [100, 0, 10], 20.0),
        ],
    );
    // The copy is written at 11:00 with the parent's numbers: newer than
    // the parent's 09:00 reading, but a copy.
    let copy = event("2026-11-20T11:00:00Z", [100, 0, 10], [100, 0, 10], 20.0);
    let only_copy = scan("/f.jsonl", &[fork_meta.to_owned(), copy.clone()]);
    assert_eq!(primary_used(&[parent.clone(), only_copy]), Some(20.0));
    // The copied reading differs from the parent's (a replay would not, but
    // this proves which file it came from): still not taken.
    let altered = copy.replace(r#""used_percent":20"#, r#""used_percent":77"#);
    let only_copy = scan("/f.jsonl", &[fork_meta.to_owned(), altered.clone()]);
    assert_eq!(primary_used(&[parent.clone(), only_copy]), Some(20.0));
    // The fork's own next turn counts, and its reading with it.
    let own = event("2026-11-20T11:30:00Z", [150, 0, 15], [50, 0, 5], 40.0);
    let with_own = scan("/f.jsonl", &[fork_meta.to_owned(), altered, own]);
    assert_eq!(primary_used(&[parent, with_own]), Some(40.0));
}
