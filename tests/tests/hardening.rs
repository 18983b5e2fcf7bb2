//! Inputs that crashed or falsified numbers before (issue 12): instants no
//! time zone can show, and sums past what the counters hold.

use std::fs;
use std::path::Path;

use openusage_e2e::{openusage, run};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";
const HEADER: &str = r#"{"type":"session","version":3,"id":"s1","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/home/alice/code/webapp"}"#;

fn write_session(home: &Path, lines: &[String]) {
    let dir = home.join(".pi/agent/sessions/--home-alice-code-webapp--");
    fs::create_dir_all(&dir).unwrap();
    let text = std::iter::once(HEADER.to_owned())
        .chain(lines.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(dir.join("s.jsonl"), text + "\n").unwrap();
}

/// An assistant line with entry id `id`, the line's own `timestamp` field
/// (`line_ts`, raw JSON or nothing), message timestamp `msg_ts` (raw JSON),
/// `input` tokens and `cost`.
fn turn(id: &str, line_ts: Option<&str>, msg_ts: &str, input: u64, cost: &str) -> String {
    let line_ts = line_ts
        .map(|t| format!(r#""timestamp":{t},"#))
        .unwrap_or_default();
    format!(
        r#"{{"type":"message","id":"{id}",{line_ts}"message":{{"role":"assistant","content":[],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{{"input":{input},"output":1,"cacheRead":0,"cacheWrite":0,"cost":{{"total":{cost}}}}},"timestamp":{msg_ts}}}}}"#
    )
}

fn snapshot(home: &Path, zone: &str) -> Value {
    let (code, out, err) = run(openusage(home).args([
        "--now",
        NOW,
        "--timezone",
        zone,
        "--no-cache",
        "snapshot",
        "--json",
        "--provider",
        "pi",
    ]));
    assert_eq!(code, 0, "{zone}: {err}");
    serde_json::from_str::<Value>(&out).unwrap()["snapshots"][0].clone()
}

#[test]
fn instants_outside_1970_to_9999_are_absent_in_every_zone_and_every_command() {
    let home = tempfile::tempdir().unwrap();
    write_session(
        home.path(),
        &[
            // Year 262,143 in ms, no line timestamp: no time of its own.
            turn("a1", None, "8210266876799999", 10, "0.5"),
            // The same out-of-range ms and usage, another id: not a copy,
            // as the ms is left out of the copy key.
            turn("a2", None, "8210266876799999", 10, "0.5"),
            // A line timestamp past 9999 in UTC, a message before 1970.
            turn(
                "a3",
                Some(r#""9999-12-31T23:59:59-23:59""#),
                "-5",
                20,
                "0.25",
            ),
            // In range: counted on its own day.
            turn("a4", None, "1795161604000", 40, "0.125"),
        ],
    );
    for zone in ["Europe/Warsaw", "Pacific/Kiritimati"] {
        let snap = snapshot(home.path(), zone);
        assert_eq!(snap["diagnostics"]["turns_counted"], 4, "{zone}");
        assert_eq!(snap["diagnostics"]["turns_duplicate"], 0, "{zone}");
        assert_eq!(snap["metrics"]["total_input_tokens"]["used"], 80, "{zone}");
        for command in [
            &["report", "daily"][..],
            &["report", "session", "--json"],
            &["dashboard", "--once"],
            &["analytics", "--once"],
        ] {
            let (code, _, err) = run(openusage(home.path())
                .args(["--now", NOW, "--timezone", zone, "--no-cache"])
                .args(command));
            assert_eq!(code, 0, "{zone} {command:?}: {err}");
        }
    }
}

#[test]
fn sums_saturate_and_say_so_and_total_is_the_sum_of_its_buckets() {
    let home = tempfile::tempdir().unwrap();
    // 2^53 is the largest bucket accepted; 600 of them pass u64::MAX / 4.
    // Two costs of 1.7e308 pass f64::MAX.
    let lines: Vec<String> = (0..600)
        .map(|i| {
            let cost = if i < 2 { "1.7e308" } else { "0.5" };
            turn(
                &format!("b{i}"),
                Some(r#""2026-11-19T10:00:00Z""#),
                "null",
                1 << 53,
                cost,
            )
        })
        .collect();
    write_session(home.path(), &lines);
    let snap = snapshot(home.path(), "UTC");
    let m = &snap["metrics"];
    let used = |k: &str| m[k]["used"].as_u64().unwrap();
    assert_eq!(used("total_input_tokens"), u64::MAX / 4);
    assert_eq!(used("total_output_tokens"), 600);
    assert_eq!(
        used("total_tokens"),
        used("total_input_tokens") + used("total_output_tokens")
    );
    assert_eq!(m["total_cost_usd"]["used"].as_f64(), Some(f64::MAX));
    assert!(snap["diagnostics"]["sums_saturated"].as_u64().unwrap() > 0);
    assert!(
        snap["message"].as_str().unwrap().contains("at least"),
        "{snap}"
    );
    let model = &snap["model_usage"][0];
    assert_eq!(
        model["total_tokens"],
        model["input_tokens"].as_u64().unwrap() + 600
    );
    // No figure anywhere became null, in the snapshot or a report.
    let (_, report, _) =
        run(openusage(home.path()).args(["--now", NOW, "--no-cache", "report", "daily", "--json"]));
    no_null_figures(&snap);
    no_null_figures(&serde_json::from_str(&report).unwrap());
    let (code, table, _) =
        run(openusage(home.path()).args(["--now", NOW, "--no-cache", "report", "daily"]));
    assert_eq!(code, 0);
    assert!(table.contains("sums saturated"), "{table}");
    assert!(!table.contains("inf"), "{table}");
}

/// Every token, request, cost or `used` field is a number.
fn no_null_figures(value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let figure = key.ends_with("tokens") || key.contains("cost") || key == "used";
                assert!(!figure || !v.is_null(), "{key}: {v}");
                no_null_figures(v);
            }
        }
        Value::Array(items) => items.iter().for_each(no_null_figures),
        _ => {}
    }
}
