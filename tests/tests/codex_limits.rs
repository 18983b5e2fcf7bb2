//! Codex rate limits (fixtures/codex/limits): the latest reading of each
//! limit, taken only from counted events, as typed limit metrics; each
//! figure worked out by hand in the fixture's EXPECTED.md.

use openusage_e2e::{assert_json_eq, fixture, snapshot_json, tree_state};
use serde_json::{Value, json};

const NOW: &str = "2026-11-20T12:00:00Z";

/// The snapshot's `rate_limit_*` metrics.
fn limit_metrics(snapshot: &Value) -> Value {
    let metrics = snapshot["snapshots"][0]["metrics"]
        .as_object()
        .expect("metrics");
    let limits = metrics
        .iter()
        .filter(|(name, _)| name.starts_with("rate_limit"))
        .map(|(name, metric)| (name.clone(), metric.clone()))
        .collect();
    Value::Object(limits)
}

#[test]
fn the_latest_counted_reading_of_each_limit_fresh_and_cached() {
    let home = fixture("codex/limits/home");
    let before = tree_state(&home);
    // EXPECTED.md: the main limit from line 7 of the 20 November rollout
    // (line 8 is a stale snapshot), the second limit from its `info: null`
    // line 6 with the legacy relative reset.
    let expected = json!({
        "rate_limit_primary": {
            "used": 31.0, "unit": "percent", "window": "5h",
            "resets_at": "2026-11-20T11:30:00Z",
            "observed_at": "2026-11-20T10:30:00Z",
            "reset_passed": true,
            "plan_type": "plus"
        },
        "rate_limit_secondary": {
            "used": 45.0, "unit": "percent", "window": "7d",
            "resets_at": "2026-11-25T00:00:00Z",
            "observed_at": "2026-11-20T10:30:00Z",
            "plan_type": "plus"
        },
        "rate_limit_credits": {
            "used": 12.5, "unit": "credits", "window": "current",
            "observed_at": "2026-11-20T10:30:00Z",
            "plan_type": "plus"
        },
        "rate_limit_codex_bengalfox_primary": {
            "used": 7.0, "unit": "percent", "window": "1h",
            "resets_at": "2026-11-20T12:30:00Z",
            "observed_at": "2026-11-20T10:00:00Z",
            "plan_type": "plus"
        }
    });
    for run_number in 1..=2 {
        let actual = snapshot_json(&home, &["--now", NOW], "codex");
        assert_json_eq(
            &limit_metrics(&actual),
            &expected,
            &format!("run {run_number}"),
        );
    }
    assert_eq!(tree_state(&home), before, "the fixture home was changed");
}

#[test]
fn before_the_reset_the_same_reading_has_not_passed() {
    // At 11:00 the 11:30 reset is still ahead: no `reset_passed`.
    let home = fixture("codex/limits/home");
    let actual = snapshot_json(&home, &["--now", "2026-11-20T11:00:00Z"], "codex");
    let primary = &limit_metrics(&actual)["rate_limit_primary"];
    assert_eq!(primary["used"], json!(31.0));
    assert!(primary.get("reset_passed").is_none(), "{primary}");
}

#[test]
fn the_tile_draws_a_gauge_per_window_from_the_files() {
    // At 100 columns a tile's lines hold 96 (two borders, a space inside
    // each). The label column is "Limit codex_bengalfox 1h" (24) + 1 = 25.
    // The gauge width is what the longest text leaves: 7d's tail
    // " 45% · resets in 4d 12h" (23) and age " · read 1h 30m ago" (18)
    // leave 96 − 25 − 41 = 30 cells (bengalfox's leave 96 − 25 − 33 = 38).
    // 45 % of 30 is 13.5, rounded to 14; 7 % is 2.1, rounded to 2.
    let home = fixture("codex/limits/home");
    let (code, out, err) = openusage_e2e::run(openusage_e2e::openusage(&home).args([
        "--now",
        NOW,
        "dashboard",
        "--once",
        "--width",
        "100",
        "--provider",
        "codex",
    ]));
    assert_eq!(code, 0, "{err}");
    let gauge = |full: usize| format!("{}{}", "█".repeat(full), "░".repeat(30 - full));
    let lines = [
        format!(
            "Limit 5h{}reset since 11:30 · read 1h 30m ago",
            " ".repeat(17)
        ),
        format!(
            "Limit 7d{}{} 45% · resets in 4d 12h · read 1h 30m ago",
            " ".repeat(17),
            gauge(14)
        ),
        format!(
            "Limit codex_bengalfox 1h {} 7% · resets in 30m · read 2h ago",
            gauge(2)
        ),
    ];
    for line in lines {
        assert!(
            out.contains(&format!("│ {line}")),
            "{line:?} missing from:\n{out}"
        );
    }
}

#[test]
fn the_snapshot_table_says_each_reading_under_it() {
    // EXPECTED.md, "In text": the main limit's 5h window reset at 11:30
    // (read 10:30, 1 h 30 min before now); 7d 45 % to 2026-11-25 00:00,
    // 4 d 12 h ahead; codex_bengalfox 7 % to 12:30, read 10:00.
    let home = fixture("codex/limits/home");
    let (code, out, err) = openusage_e2e::run(openusage_e2e::openusage(&home).args([
        "--now",
        NOW,
        "snapshot",
        "--provider",
        "codex",
    ]));
    assert_eq!(code, 0, "{err}");
    let expected = "Limits of codex (plus): 5h reset since 11:30, read 1h 30m ago · \
                    7d 45%, resets in 4d 12h, read 1h 30m ago · \
                    codex_bengalfox 1h 7%, resets in 30m, read 2h ago · 12.5 credits\n";
    assert!(out.ends_with(expected), "{out}");
}
