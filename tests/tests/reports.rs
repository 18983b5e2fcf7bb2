//! `openusage report`: every total equals the snapshot's for the same data
//! and range (the Pi fixture's snapshot is hand-checked, see
//! fixtures/pi/EXPECTED.md), and the flags behave.

use openusage_e2e::{copy_tree, fixture, openusage, run};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

fn json(home: &std::path::Path, args: &[&str]) -> Value {
    let (code, out, err) = run(openusage(home).args(["--now", NOW]).args(args));
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

fn snapshot(home: &std::path::Path) -> Value {
    json(home, &["snapshot", "--json"])
}

fn metric(snapshot: &Value, name: &str) -> f64 {
    snapshot["metrics"][name]["used"].as_f64().unwrap_or(0.0)
}

/// The snapshots' totals summed over accounts: sessions, the four buckets,
/// total, requests and cost.
fn snapshot_totals(doc: &Value) -> [f64; 8] {
    let mut t = [0.0; 8];
    for s in doc["snapshots"].as_array().unwrap() {
        let names = [
            "total_sessions",
            "total_input_tokens",
            "total_output_tokens",
            "total_cache_read",
            "total_cache_write",
            "total_tokens",
        ];
        for (i, name) in names.iter().enumerate() {
            t[i] += metric(s, name);
        }
        t[6] += s["diagnostics"]["turns_counted"].as_f64().unwrap();
        t[7] += metric(s, "total_cost_usd");
    }
    t
}

fn report_totals(total: &Value) -> [f64; 8] {
    let field = |k: &str| total[k].as_f64().unwrap_or(0.0);
    [
        field("sessions"),
        field("input_tokens"),
        field("output_tokens"),
        field("cache_read_tokens"),
        field("cache_write_tokens"),
        field("total_tokens"),
        field("requests"),
        field("cost_usd"),
    ]
}

fn assert_same(report: [f64; 8], snapshot: [f64; 8], what: &str) {
    for (i, (r, s)) in report.iter().zip(snapshot).enumerate() {
        assert!(
            (r - s).abs() <= 1e-9 * s.abs().max(1.0),
            "{what}: field {i}: report {r} != snapshot {s}"
        );
    }
}

#[test]
fn every_report_adds_up_to_the_hand_checked_pi_snapshot() {
    let home = fixture("pi/home");
    let snap = snapshot(&home);
    let expected = snapshot_totals(&snap);
    // The hand-checked figures (EXPECTED.md, section 7.3).
    assert_eq!(expected[0], 23.0);
    assert_eq!(expected[5], 968_899.0);
    for by in ["daily", "weekly", "monthly", "session"] {
        let report = json(&home, &["report", by, "--json", "--provider", "pi"]);
        assert_same(report_totals(&report["total"]), expected, by);
        // The rows add up to the total too (sessions may span rows).
        let rows = report["rows"].as_array().unwrap();
        let tokens: f64 = rows
            .iter()
            .map(|r| r["total_tokens"].as_f64().unwrap())
            .sum();
        assert_eq!(tokens, expected[5], "{by}: rows");
    }
}

#[test]
fn the_daily_report_is_the_snapshot_s_daily_series() {
    let home = fixture("pi/home");
    let snap = &snapshot(&home)["snapshots"][0];
    let report = json(&home, &["report", "daily", "--json"]);
    let rows = report["rows"].as_array().unwrap();
    let series = |name: &str| -> Vec<(String, u64)> {
        snap["daily_series"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["date"].as_str().unwrap().to_owned(),
                    p["value"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let from_report = |field: &str| -> Vec<(String, u64)> {
        rows.iter()
            .map(|r| {
                (
                    r["period"].as_str().unwrap().to_owned(),
                    r[field].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(from_report("total_tokens"), series("tokens"));
    assert_eq!(from_report("sessions"), series("sessions"));
}

#[test]
fn a_range_keeps_the_days_inside_it_inclusive() {
    let home = fixture("pi/home");
    let report = json(
        &home,
        &[
            "report",
            "weekly",
            "--json",
            "--since",
            "2026-11-16",
            "--until",
            "2026-11-19",
        ],
    );
    // Daily tokens of EXPECTED.md 7.3: 11-16 34156, 11-17 44057, 11-18 25960, 11-19 42216.
    assert_eq!(
        report["total"]["total_tokens"],
        34156 + 44057 + 25960 + 42216
    );
    // Sessions active on those days: W5, W6, T1, I3, S2, W7, F, G.
    assert_eq!(report["total"]["sessions"], 8);
    assert_eq!(
        report["rows"].as_array().unwrap().len(),
        1,
        "one week, from Monday 11-16"
    );
    assert_eq!(report["rows"][0]["period"], "2026-11-16");
    assert_eq!(report["since"], "2026-11-16");
}

#[test]
fn reports_over_three_agents_add_up_to_their_three_snapshots() {
    let home = tempfile::tempdir().unwrap();
    for agent in ["pi", "codex", "claude"] {
        copy_tree(&fixture(&format!("{agent}/home")), home.path());
    }
    let expected = snapshot_totals(&snapshot(home.path()));
    for by in ["daily", "monthly", "session"] {
        let report = json(home.path(), &["report", by, "--json"]);
        assert_same(report_totals(&report["total"]), expected, by);
    }
    let sessions = json(home.path(), &["report", "session", "--json"]);
    let agents: std::collections::BTreeSet<&str> = sessions["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["provider_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        agents.into_iter().collect::<Vec<_>>(),
        ["claude_code", "codex", "pi"]
    );
}

#[test]
fn sessions_are_listed_newest_first_with_their_workspace_and_activity() {
    let home = fixture("pi/home");
    let report = json(
        &home,
        &["report", "session", "--json", "--since", "2026-11-18"],
    );
    let rows = report["rows"].as_array().unwrap();
    let lasts: Vec<&str> = rows
        .iter()
        .map(|r| r["last_activity"].as_str().unwrap())
        .collect();
    let mut sorted = lasts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(lasts, sorted, "newest first");
    // T1 (EXPECTED.md 7.2): 7 records on 2026-11-18, 10,008 tokens, in "tools".
    let t1 = rows
        .iter()
        .find(|r| r["session_id"] == "71a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8")
        .unwrap();
    assert_eq!(t1["workspace_label"], "tools");
    assert_eq!(t1["requests"], 7);
    assert_eq!(t1["total_tokens"], 10008);
    assert_eq!(t1["first_activity"], "2026-11-18T09:00:06Z");
    assert_eq!(t1["last_activity"], "2026-11-18T10:02:00Z");
    assert_eq!(t1["unpriced_requests"], 1);
}

#[test]
fn the_breakdown_splits_rows_by_model() {
    let home = fixture("pi/home");
    let report = json(
        &home,
        &[
            "report",
            "daily",
            "--json",
            "--breakdown",
            "--since",
            "2026-11-18",
            "--until",
            "2026-11-18",
        ],
    );
    let models: Vec<(String, u64)> = report["rows"][0]["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["model"].as_str().unwrap().to_owned(),
                m["total_tokens"].as_u64().unwrap(),
            )
        })
        .collect();
    // 2026-11-18: P6:15 (sonnet, 15952) and T1's records (7.2).
    assert_eq!(
        models,
        [
            ("claude-sonnet-4-5".to_owned(), 15952 + 7050),
            ("gpt-5".to_owned(), 2250),
            ("qwen3:8b".to_owned(), 660),
            ("claude-haiku-4-5".to_owned(), 48),
        ]
    );
}

#[test]
fn tables_align_and_name_the_zone_and_requests_of_unknown_cost() {
    let home = fixture("pi/home");
    let (code, out, err) = run(openusage(&home).args([
        "--now",
        NOW,
        "--cost",
        "recorded",
        "report",
        "monthly",
        "--since",
        "2026-11-01",
    ]));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Monthly usage · UTC · from 2026-11-01");
    assert!(lines[2].starts_with("MONTH  "), "{out}");
    assert!(lines[3].starts_with("2026-11 "), "{out}");
    assert!(lines[4].starts_with("TOTAL "), "{out}");
    // Every line of the table is as wide as the header (right-aligned numbers).
    assert_eq!(lines[3].len(), lines[2].len(), "{out}");
    assert!(out.contains("3 requests unpriced"), "{out}");
    // PW:3, PW:5, PC:11, PC:12, PC:16 and F:7 (fixtures/pi/EXPECTED.md)
    // recorded no cost, all in November: the cost cell is starred.
    assert!(
        out.contains("\n* 6 requests recorded no cost, so not in the cost.\n"),
        "{out}"
    );
    assert!(lines[4].ends_with("$0.98*"), "{out}");

    // By default the estimates of fixtures/pi/EXPECTED.md §8 are added:
    // 0.98172105 recorded + 0.014677 estimated = 0.99639805, and the five
    // records of unknown cost (PC:11, PC:12, PC:14, PC:16, PC:17) are not in it.
    let (_, auto, _) =
        run(openusage(&home).args(["--now", NOW, "report", "monthly", "--since", "2026-11-01"]));
    let total = auto.lines().find(|l| l.starts_with("TOTAL ")).unwrap();
    assert!(total.ends_with("~$1.00*"), "{auto}");
    assert!(
        auto.contains("\n* 5 requests with no recorded cost and no list price: not in the cost.\n"),
        "{auto}"
    );
}

#[test]
fn bad_report_flags_exit_2_with_no_output() {
    let home = fixture("pi/home");
    for args in [
        &["report", "hourly"][..],
        &["report", "daily", "--since", "20-11-2026"],
        &[
            "report",
            "daily",
            "--since",
            "2026-11-20",
            "--until",
            "2026-11-19",
        ],
        &["report", "weekly", "--week-start", "friday"],
        &["report", "daily", "--provider", "nope"],
    ] {
        let (code, out, err) = run(openusage(&home).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
    }
}
