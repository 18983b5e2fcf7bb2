//! Issue 14 on `fixtures/costs`: one record per pricing rule (a dated id, a
//! provider-prefixed id, an unknown id, a local model, the 200k tier, a
//! recorded cost, a router's answering model, a record without cost), a
//! user's own price, and each `--cost` mode. Every expected number is
//! derived by hand in fixtures/costs/EXPECTED.md.

use openusage_e2e::{fixture, openusage, run};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

fn openusage_on_costs(args: &[&str]) -> String {
    let home = fixture("costs/home");
    let (code, out, err) = run(openusage(&home).args(["--now", NOW]).args(args));
    assert_eq!(code, 0, "{err}");
    out
}

fn snapshot(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["snapshot", "--json", "--provider", "pi"]);
    let json: Value = serde_json::from_str(&openusage_on_costs(&all)).unwrap();
    json["snapshots"][0].clone()
}

fn close(actual: &Value, expected: f64) -> bool {
    actual
        .as_f64()
        .is_some_and(|a| (a - expected).abs() < 1e-12)
}

fn row<'a>(snapshot: &'a Value, model: &str) -> &'a Value {
    snapshot["model_usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["raw_model_id"] == model)
        .unwrap_or_else(|| panic!("no row for {model}"))
}

#[test]
fn each_rule_prices_its_record_as_derived_by_hand() {
    let s = snapshot(&[]);
    let m = &s["metrics"];
    assert!(close(&m["total_cost_usd"]["used"], 0.05), "{m:#}");
    assert_eq!(m["unpriced_requests"]["used"], 6);
    assert_eq!(m["uncosted_requests"]["used"], 1);
    assert!(close(&m["estimated_cost_usd"]["used"], 0.5136), "{m:#}");
    assert_eq!(m["estimated_cost_usd"]["estimated"], true);
    assert_eq!(m["unknown_cost_requests"]["used"], 1);
    assert!(m.get("calculated_cost_usd").is_none(), "{m:#}");

    let expected = [
        (
            "claude-sonnet-4-5-20260101",
            Some("claude-sonnet-4-5"),
            Some(0.0126),
        ),
        (
            "gemini-4-argon",
            Some("gemini/gemini-4-argon"),
            Some(0.0405),
        ),
        ("acme-coder-1", None, None),
        ("qwen3:8b", Some("local"), Some(0.0)),
        ("gemini-2.5-pro", Some("gemini-2.5-pro"), Some(0.45)),
        ("claude-sonnet-4-5", Some("claude-sonnet-4-5"), None),
        ("openrouter/auto", Some("claude-sonnet-4-5"), Some(0.0045)),
        ("claude-haiku-4-5", Some("claude-haiku-4-5"), Some(0.006)),
    ];
    for (model, entry, estimate) in expected {
        let r = row(&s, model);
        assert_eq!(r["price_entry"].as_str(), entry, "{model}: {r:#}");
        match estimate {
            Some(e) => assert!(close(&r["estimated_cost_usd"], e), "{model}: {r:#}"),
            None => assert!(r.get("estimated_cost_usd").is_none(), "{model}: {r:#}"),
        }
    }
    assert_eq!(row(&s, "acme-coder-1")["unknown_cost_requests"], 1);
    let kinds = &s["usage_by_kind"][0];
    assert!(close(&kinds["estimated_cost_usd"], 0.5136), "{kinds:#}");
    assert_eq!(kinds["unknown_cost_requests"], 1);
}

#[test]
fn a_user_price_overrides_the_table_and_prices_an_unknown_model() {
    let settings = fixture("costs/settings-prices.json");
    let s = snapshot(&["--config", settings.to_str().unwrap()]);
    let m = &s["metrics"];
    assert!(close(&m["estimated_cost_usd"]["used"], 0.5186), "{m:#}");
    assert!(m.get("unknown_cost_requests").is_none(), "{m:#}");
    let acme = row(&s, "acme-coder-1");
    assert_eq!(acme["price_entry"], "user");
    assert!(close(&acme["estimated_cost_usd"], 0.005), "{acme:#}");
}

#[test]
fn calculate_adds_every_record_at_list_price_to_the_json() {
    let s = snapshot(&["--cost", "calculate"]);
    let m = &s["metrics"];
    assert!(close(&m["calculated_cost_usd"]["used"], 0.5346), "{m:#}");
    // The recorded and estimated figures are there whatever the mode.
    assert!(close(&m["total_cost_usd"]["used"], 0.05));
    assert!(close(&m["estimated_cost_usd"]["used"], 0.5136));
    assert!(close(
        &row(&s, "claude-sonnet-4-5")["calculated_cost_usd"],
        0.021
    ));
}

/// The TOTAL row's cost cell and the notes under the daily report.
fn report(mode: &str) -> String {
    openusage_on_costs(&["--cost", mode, "report", "daily", "--breakdown"])
}

fn total_cell(report: &str) -> &str {
    let total = report.lines().find(|l| l.starts_with("TOTAL")).unwrap();
    total.split_whitespace().last().unwrap()
}

fn breakdown_cell<'a>(report: &'a str, model: &str) -> &'a str {
    let line = report
        .lines()
        .find(|l| l.trim_start().starts_with(model))
        .unwrap_or_else(|| panic!("no {model} row in\n{report}"));
    line.split_whitespace().last().unwrap()
}

#[test]
fn each_cost_mode_shows_its_figure_with_its_marks_and_notes() {
    let auto = report("auto");
    assert_eq!(total_cell(&auto), "~$0.56*", "{auto}");
    assert_eq!(
        breakdown_cell(&auto, "openrouter/auto"),
        "~<$0.01",
        "{auto}"
    );
    assert_eq!(breakdown_cell(&auto, "qwen3:8b"), "local", "{auto}");
    assert_eq!(breakdown_cell(&auto, "acme-coder-1"), "unpriced", "{auto}");
    assert_eq!(
        breakdown_cell(&auto, "claude-sonnet-4-5 "),
        "$0.05",
        "{auto}"
    );
    assert!(
        auto.contains("~ includes list-price estimates for requests that recorded no cost (~$0.51 of it; see `openusage prices`)."),
        "{auto}"
    );
    assert!(
        auto.contains("* 1 request with no recorded cost and no list price: not in the cost."),
        "{auto}"
    );

    let recorded = report("recorded");
    assert_eq!(total_cell(&recorded), "$0.05*", "{recorded}");
    assert!(!recorded.contains('~'), "{recorded}");
    assert!(recorded.contains("* 6 requests unpriced"), "{recorded}");
    assert!(
        recorded.contains("* 1 request recorded no cost, so not in the cost."),
        "{recorded}"
    );

    let calculate = report("calculate");
    assert_eq!(total_cell(&calculate), "~$0.53*", "{calculate}");
    assert_eq!(
        breakdown_cell(&calculate, "claude-sonnet-4-5 "),
        "~$0.02",
        "{calculate}"
    );
    assert!(
        calculate.contains("* 1 request of models with no list price: not in the cost."),
        "{calculate}"
    );
}

#[test]
fn the_tile_never_shows_an_estimate_as_recorded() {
    let tile =
        |mode: &str| openusage_on_costs(&["--cost", mode, "dashboard", "--once", "--width", "100"]);
    let auto = tile("auto");
    assert!(
        auto.contains("$0.05 recorded + ~$0.51 estimated · 1 request of unknown cost"),
        "{auto}"
    );
    let recorded = tile("recorded");
    assert!(
        recorded.contains("$0.05 recorded · 6 requests unpriced · 1 request without cost"),
        "{recorded}"
    );
    let calculate = tile("calculate");
    assert!(
        calculate.contains("~$0.53 at list price · 1 request without a list price"),
        "{calculate}"
    );
}

#[test]
fn the_cost_setting_is_the_default_mode_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.json");
    std::fs::write(&settings, r#"{"cost": "recorded"}"#).unwrap();
    let settings = settings.to_str().unwrap();
    let by_setting = openusage_on_costs(&["--config", settings, "report", "daily"]);
    assert_eq!(total_cell(&by_setting), "$0.05*", "{by_setting}");
    let by_flag = openusage_on_costs(&["--config", settings, "--cost", "auto", "report", "daily"]);
    assert_eq!(total_cell(&by_flag), "~$0.56*", "{by_flag}");

    std::fs::write(dir.path().join("bad.json"), r#"{"cost": "cheap"}"#).unwrap();
    let home = fixture("costs/home");
    let bad = dir.path().join("bad.json");
    let (code, _, err) =
        run(openusage(&home).args(["--config", bad.to_str().unwrap(), "report", "daily"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cost: unknown cost mode \"cheap\""), "{err}");
}

#[test]
fn prices_prints_the_entry_a_model_resolves_to() {
    let out = openusage_on_costs(&[
        "prices",
        "claude-sonnet-4-5-20260101",
        "--provider",
        "anthropic",
    ]);
    assert!(
        out.starts_with("claude-sonnet-4-5-20260101 → claude-sonnet-4-5 (LiteLLM "),
        "{out}"
    );
    assert!(out.contains("$3.00 / M tokens"), "{out}");
    let unknown = openusage_on_costs(&["prices", "acme-coder-1"]);
    assert!(unknown.starts_with("acme-coder-1: no price"), "{unknown}");
}
