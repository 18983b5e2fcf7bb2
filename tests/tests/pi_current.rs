//! Usage the current Pi and Oh My Pi write (issue 11): `usage` entries,
//! message timestamps of 0, orchestration tokens and `responseModel`, on a
//! fixture home whose every number is derived in
//! fixtures/pi-current/EXPECTED.md; and Pi's own test sessions, whose
//! totals must equal the footer Pi shows for them (fixtures/pi-mono).

use openusage_e2e::{assert_json_eq, fixture, fixture_json, openusage, run, snapshot_json};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

fn snapshot(home: &str) -> Value {
    snapshot_json(&fixture(home), &["--now", NOW, "--no-cache"], "pi")
}

#[test]
fn the_current_formats_give_the_hand_derived_snapshot() {
    let actual = snapshot("pi-current/home");
    let expected = fixture_json("pi-current/expected/snapshot-pi.json");
    assert_json_eq(
        &actual,
        &expected,
        "fixtures/pi-current/expected/snapshot-pi.json",
    );
}

#[test]
fn a_usage_report_keeps_the_usage_kind_and_its_subkinds() {
    let home = fixture("pi-current/home");
    let (code, out, err) =
        run(openusage(&home).args(["--now", NOW, "report", "session", "--json"]));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    // EXPECTED.md: the total is the snapshot's; A:7 recorded no cost.
    assert_eq!(report["total"]["total_tokens"], 23350);
    assert_eq!(report["total"]["requests"], 9);
    assert_eq!(report["total"]["uncosted_requests"], 1);
}

/// Pi's footer (`footer.ts`) sums input, output, cache read, cache write
/// and cost over every assistant message of the file.
struct Footer {
    input: u64,
    output: u64,
    cache_read: u64,
    cache_write: u64,
    cost: &'static str,
}

fn assert_footer(home: &str, footer: Footer) {
    let snap = snapshot(home);
    let m = &snap["snapshots"][0]["metrics"];
    let used = |name: &str| m[name]["used"].as_u64().unwrap();
    assert_eq!(used("total_input_tokens"), footer.input, "{home}");
    assert_eq!(used("total_output_tokens"), footer.output, "{home}");
    assert_eq!(used("total_cache_read"), footer.cache_read, "{home}");
    assert_eq!(used("total_cache_write"), footer.cache_write, "{home}");
    let cost = m["total_cost_usd"]["used"].as_f64().unwrap();
    assert_eq!(format!("${cost:.4}"), footer.cost, "{home}");
    assert_eq!(snap["snapshots"][0]["diagnostics"]["turns_duplicate"], 0);
}

#[test]
fn pi_s_own_test_sessions_give_pi_s_footer_totals() {
    assert_footer(
        "pi-mono/before-compaction/home",
        Footer {
            input: 3_689,
            output: 187_895,
            cache_read: 54_693_675,
            cache_write: 1_685_320,
            cost: "$42.5959",
        },
    );
    assert_footer(
        "pi-mono/large-session/home",
        Footer {
            input: 1_049,
            output: 83_156,
            cache_read: 43_229_469,
            cache_write: 4_296_232,
            cost: "$30.3302",
        },
    );
}
