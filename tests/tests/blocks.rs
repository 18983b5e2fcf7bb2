//! `openusage blocks` on `fixtures/blocks`: every block as
//! `fixtures/blocks/EXPECTED.md` derives it by hand, the active block's
//! burn rate and projection, `--active`, `--recent`, `--token-limit`, the
//! table in Europe/Warsaw across its clock change, and the blocks adding up
//! to the snapshot's totals.

use openusage_e2e::{fixture, openusage, run, snapshot_json};
use serde_json::{Value, json};

const NOW: &str = "2026-11-20T12:00:00Z";

fn blocks(flags: &[&str]) -> Value {
    let home = fixture("blocks/home");
    let (code, out, err) = run(openusage(&home)
        .args(["--now", NOW, "blocks", "--json"])
        .args(flags));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// (start, end, requests, input, output, cache read, cache write, total,
/// cost, active) of each block.
fn rows(doc: &Value) -> Vec<Value> {
    let list = doc["blocks"].as_array().unwrap();
    list.iter()
        .map(|b| {
            json!([
                b["start"],
                b["end"],
                b["requests"],
                b["input_tokens"],
                b["output_tokens"],
                b["cache_read_tokens"],
                b["cache_write_tokens"],
                b["total_tokens"],
                b["cost_usd"],
                b["active"]
            ])
        })
        .collect()
}

#[test]
fn every_block_is_as_derived_by_hand() {
    let doc = blocks(&[]);
    assert_eq!(doc["schema_version"], 1);
    let expected = [
        // A: 23:40 floors to 23:00; 03:59 is before 04:00.
        json!([
            "2026-10-24T23:00:00Z",
            "2026-10-25T04:00:00Z",
            2,
            3000,
            1500,
            2000,
            500,
            7000,
            0.375,
            false
        ]),
        // B: the record at exactly 04:00 opens it.
        json!([
            "2026-10-25T04:00:00Z",
            "2026-10-25T09:00:00Z",
            2,
            4500,
            1500,
            0,
            0,
            6000,
            0.5625,
            false
        ]),
        // C: after a gap of 8 h 40 min.
        json!([
            "2026-10-25T15:00:00Z",
            "2026-10-25T20:00:00Z",
            1,
            3000,
            1000,
            4000,
            0,
            8000,
            0.375,
            false
        ]),
        // D: across midnight; one request uncosted.
        json!([
            "2026-11-18T21:00:00Z",
            "2026-11-19T02:00:00Z",
            3,
            8500,
            2700,
            0,
            0,
            11200,
            1.0,
            false
        ]),
        // E: active at now.
        json!([
            "2026-11-20T10:00:00Z",
            "2026-11-20T15:00:00Z",
            2,
            1500,
            1500,
            0,
            0,
            3000,
            0.375,
            true
        ]),
    ];
    assert_eq!(rows(&doc), expected);
    let d = &doc["blocks"][3];
    // 1000 input at $3/M + 200 output at $15/M.
    assert_eq!(d["estimated_cost_usd"], 0.006);
    assert_eq!(d["uncosted_requests"], 1);
    let models: Vec<_> = d["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["model"].clone(),
                m["total_tokens"].clone(),
                m["cost_usd"].clone(),
            )
        })
        .collect();
    assert_eq!(
        models,
        [
            (json!("claude-sonnet-4-5"), json!(9200), json!(0.75)),
            (json!("gpt-5"), json!(2000), json!(0.25)),
        ]
    );
    // Only the active block has a burn rate and a projection.
    for past in &doc["blocks"].as_array().unwrap()[..4] {
        assert!(past.get("burn_rate").is_none() && past.get("projection").is_none());
    }
}

#[test]
fn the_active_block_burns_and_projects_as_derived() {
    let doc = blocks(&["--active", "--token-limit", "10000"]);
    let list = doc["blocks"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(e["start"], "2026-11-20T10:00:00Z");
    assert_eq!(
        (e["elapsed_minutes"].clone(), e["remaining_minutes"].clone()),
        (json!(120), json!(180))
    );
    // 3000 tokens and $0.375 over 12:00 − 10:30 = 1.5 h.
    assert_eq!(
        e["burn_rate"],
        json!({"tokens_per_hour": 2000.0, "cost_usd_per_hour": 0.25})
    );
    // 3000 + 2000 × 3 h; 0.375 + 0.25 × 3 h; 9000 of 10 000.
    assert_eq!(
        e["projection"],
        json!({"total_tokens": 9000, "cost_usd": 1.125, "percent_of_limit": 90.0})
    );
    assert_eq!(
        (e["token_limit"].clone(), e["percent_of_limit"].clone()),
        (json!(10000), json!(30.0))
    );
}

#[test]
fn recent_keeps_three_days_and_max_is_the_largest_past_block() {
    let doc = blocks(&["--recent", "--token-limit", "max"]);
    let starts: Vec<_> = doc["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["start"].clone())
        .collect();
    assert_eq!(
        starts,
        [json!("2026-11-18T21:00:00Z"), json!("2026-11-20T10:00:00Z")]
    );
    // The largest past block is D, 11 200 tokens (A–C are smaller).
    assert_eq!(doc["blocks"][0]["token_limit"], 11200);
    assert_eq!(doc["blocks"][0]["percent_of_limit"], 100.0);
}

#[test]
fn the_blocks_add_up_to_the_snapshot() {
    let doc = blocks(&[]);
    let list = doc["blocks"].as_array().unwrap();
    let sum = |field: &str| {
        list.iter()
            .map(|b| b[field].as_f64().unwrap_or(0.0))
            .sum::<f64>()
    };
    let snap = snapshot_json(&fixture("blocks/home"), &["--now", NOW], "pi");
    let metrics = &snap["snapshots"][0]["metrics"];
    let used = |name: &str| metrics[name]["used"].as_f64().unwrap();
    for (field, metric) in [
        ("input_tokens", "total_input_tokens"),
        ("output_tokens", "total_output_tokens"),
        ("cache_read_tokens", "total_cache_read"),
        ("cache_write_tokens", "total_cache_write"),
        ("total_tokens", "total_tokens"),
        ("cost_usd", "total_cost_usd"),
        ("estimated_cost_usd", "estimated_cost_usd"),
    ] {
        assert_eq!(sum(field), used(metric), "{field}");
    }
    // And both are the hand sums: 35 200 tokens, $2.6875 recorded.
    assert_eq!((sum("total_tokens"), sum("cost_usd")), (35200.0, 2.6875));
}

#[test]
fn the_table_shows_warsaw_time_across_the_clock_change() {
    let home = fixture("blocks/home");
    let (code, out, err) =
        run(openusage(&home).args(["--now", NOW, "--timezone", "Europe/Warsaw", "blocks"]));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "5-hour blocks · Europe/Warsaw");
    let cells = |i: usize| {
        lines[i]
            .split("  ")
            .filter(|c| !c.is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
    };
    // A: 23:00 UTC is 01:00 CEST; 04:00 UTC is 05:00 CET, after the change.
    assert_eq!(
        cells(3)[..2],
        ["2026-10-25 01:00 +02:00", "2026-10-25 05:00 +01:00"]
    );
    assert_eq!(
        cells(4)[..2],
        ["2026-10-25 05:00 +01:00", "2026-10-25 10:00 +01:00"]
    );
    assert_eq!(
        cells(6)[..2],
        ["2026-11-18 22:00 +01:00", "2026-11-19 03:00 +01:00"]
    );
    assert_eq!(
        cells(7)[..2],
        ["2026-11-20 11:00 +01:00 *", "2026-11-20 16:00 +01:00"]
    );
    // D's cost: $1.00 recorded + ~$0.006 estimated.
    assert!(lines[6].contains("~$1.01"), "{}", lines[6]);
    let active = out.lines().find(|l| l.starts_with("* Active")).unwrap();
    assert_eq!(
        active,
        "* Active (pi pi, 2026-11-20 11:00 +01:00): 2h 00m elapsed, 3h 00m left; \
         burn rate 2,000 tokens/h, $0.25/h; projected by 2026-11-20 16:00 +01:00: \
         9,000 tokens, $1.12"
    );
}

#[test]
fn a_bad_token_limit_is_a_usage_error() {
    let home = fixture("blocks/home");
    for bad in ["0", "-5", "lots"] {
        let (code, _, err) = run(openusage(&home).args(["blocks", "--token-limit", bad]));
        assert_eq!(code, 2, "{bad}: {err}");
    }
}
