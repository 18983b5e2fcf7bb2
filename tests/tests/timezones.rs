//! Where days start: `--timezone` and the `timezone` setting move the day
//! boundary of `sessions_today`, the daily series, the dashboard and the
//! reports, across a daylight-saving change too. Every expected date below
//! is worked out by hand from the offsets (Warsaw: UTC+1 in winter, UTC+2 in
//! summer until 2026-10-25 01:00 UTC).

use std::fs;
use std::path::Path;

use openusage_e2e::{openusage, run};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

/// A Pi home with one session whose turns fall at `instants` (1 input token
/// each, 1 output), so each day's tokens are twice its turns.
fn home_with_turns(instants: &[&str]) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = home
        .path()
        .join(".pi/agent/sessions/--home-alice-code-tz--");
    fs::create_dir_all(&dir).unwrap();
    let mut text = r#"{"type":"session","version":3,"id":"tz-1","timestamp":"2026-10-01T00:00:00.000Z","cwd":"/home/alice/code/tz"}"#.to_owned();
    text.push('\n');
    for (i, at) in instants.iter().enumerate() {
        text.push_str(&format!(
            r#"{{"type":"message","id":"m{i}","timestamp":"{at}","message":{{"role":"assistant","provider":"anthropic","model":"m","usage":{{"input":1,"output":1,"cacheRead":0,"cacheWrite":0}}}}}}"#
        ));
        text.push('\n');
    }
    fs::write(dir.join("s.jsonl"), text).unwrap();
    home
}

fn snapshot(home: &Path, zone: Option<&str>) -> Value {
    let mut cmd = openusage(home);
    cmd.args(["--now", NOW]);
    if let Some(zone) = zone {
        cmd.args(["--timezone", zone]);
    }
    let (code, out, err) = run(cmd.args(["snapshot", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    doc["snapshots"][0].clone()
}

fn days(snapshot: &Value) -> Vec<(String, u64)> {
    snapshot["daily_series"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["date"].as_str().unwrap().to_owned(),
                p["value"].as_u64().unwrap() / 2,
            )
        })
        .collect()
}

fn day(date: &str, turns: u64) -> (String, u64) {
    (date.to_owned(), turns)
}

#[test]
fn the_day_boundary_follows_the_zone() {
    // 22:30Z is 23:30 on the 19th in Warsaw; 23:30Z is 00:30 on the 20th.
    let home = home_with_turns(&["2026-11-19T22:30:00Z", "2026-11-19T23:30:00Z"]);
    let utc = snapshot(home.path(), None);
    assert_eq!(utc["timezone"], "UTC");
    assert_eq!(days(&utc), [day("2026-11-19", 2)]);
    assert_eq!(utc["metrics"]["sessions_today"]["used"], 0);

    let warsaw = snapshot(home.path(), Some("Europe/Warsaw"));
    assert_eq!(warsaw["timezone"], "Europe/Warsaw");
    assert_eq!(days(&warsaw), [day("2026-11-19", 1), day("2026-11-20", 1)]);
    assert_eq!(warsaw["metrics"]["sessions_today"]["used"], 1);
    // The rolling 7 days are instants, not days: the same in every zone.
    assert_eq!(
        warsaw["metrics"]["sessions_7d"],
        utc["metrics"]["sessions_7d"]
    );
}

#[test]
fn a_daylight_saving_change_moves_midnight_by_an_hour() {
    let home = home_with_turns(&[
        // Summer time (UTC+2): 00:30 on 25 October in Warsaw.
        "2026-10-24T22:30:00Z",
        // Winter time from 01:00Z on the 25th (UTC+1): 23:30 on the 25th...
        "2026-10-25T22:30:00Z",
        // ...and 00:30 on the 26th.
        "2026-10-25T23:30:00Z",
    ]);
    let utc = snapshot(home.path(), Some("UTC"));
    assert_eq!(days(&utc), [day("2026-10-24", 1), day("2026-10-25", 2)]);
    let warsaw = snapshot(home.path(), Some("Europe/Warsaw"));
    assert_eq!(days(&warsaw), [day("2026-10-25", 2), day("2026-10-26", 1)]);

    let (code, out, err) = run(openusage(home.path()).args([
        "--now",
        NOW,
        "--timezone",
        "Europe/Warsaw",
        "report",
        "daily",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["timezone"], "Europe/Warsaw");
    let rows: Vec<(&str, u64)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["period"].as_str().unwrap(),
                r["requests"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("2026-10-25", 2), ("2026-10-26", 1)]);
}

#[test]
fn since_and_until_are_days_in_the_chosen_zone() {
    let home = home_with_turns(&["2026-11-19T22:30:00Z", "2026-11-19T23:30:00Z"]);
    let count = |zone: &str| {
        let (code, out, err) = run(openusage(home.path()).args([
            "--now",
            NOW,
            "--timezone",
            zone,
            "report",
            "daily",
            "--json",
            "--since",
            "2026-11-20",
        ]));
        assert_eq!(code, 0, "{err}");
        let report: Value = serde_json::from_str(&out).unwrap();
        report["total"]["requests"].as_u64().unwrap()
    };
    assert_eq!(count("UTC"), 0);
    assert_eq!(count("Europe/Warsaw"), 1);
}

#[test]
fn the_setting_applies_the_flag_wins_and_local_follows_tz() {
    let home = home_with_turns(&["2026-11-19T23:30:00Z"]);
    let settings = home.path().join("settings.json");
    fs::write(&settings, r#"{"timezone":"Europe/Warsaw"}"#).unwrap();
    let run_with = |extra: &[&str], tz: Option<&str>| {
        let mut cmd = openusage(home.path());
        if let Some(tz) = tz {
            cmd.env("TZ", tz);
        }
        cmd.arg("--config")
            .arg(&settings)
            .args(["--now", NOW])
            .args(extra);
        let (code, out, err) = run(cmd.args(["snapshot", "--json"]));
        assert_eq!(code, 0, "{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        doc["snapshots"][0]["daily_series"]["tokens"][0]["date"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(run_with(&[], None), "2026-11-20", "the setting");
    assert_eq!(
        run_with(&["--timezone", "UTC"], None),
        "2026-11-19",
        "the flag wins"
    );
    // New York is UTC-5 in November: 18:30 on the 19th.
    let local = run_with(&["--timezone", "local"], Some("America/New_York"));
    assert_eq!(local, "2026-11-19");
    let local = run_with(&["--timezone", "local"], Some("Asia/Tokyo"));
    assert_eq!(local, "2026-11-20", "Tokyo is UTC+9: 08:30 on the 20th");
}

#[test]
fn the_dashboard_names_the_zone_it_counts_days_in() {
    let home = home_with_turns(&["2026-11-19T23:30:00Z"]);
    let (code, out, err) = run(openusage(home.path()).args([
        "--now",
        NOW,
        "--timezone",
        "Europe/Warsaw",
        "dashboard",
        "--once",
        "--width",
        "100",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("openusage · Dashboard · 1 account · as of 2026-11-20 13:00 Europe/Warsaw"),
        "{out}"
    );
    assert!(out.contains("1 all · 1 today"), "{out}");
}

#[test]
fn an_unknown_zone_is_a_usage_error_naming_it() {
    let home = home_with_turns(&[]);
    let (code, out, err) =
        run(openusage(home.path()).args(["--timezone", "Mars/Olympus", "snapshot"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("--timezone: unknown time zone \"Mars/Olympus\""),
        "{err}"
    );

    let settings = home.path().join("settings.json");
    fs::write(&settings, "{\n  \"timezone\": \"Europe/Atlantis\"\n}").unwrap();
    let (code, out, err) = run(openusage(home.path())
        .arg("--config")
        .arg(&settings)
        .arg("snapshot"));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains(&settings.display().to_string()), "{err}");
    assert!(
        err.contains("timezone: unknown time zone \"Europe/Atlantis\""),
        "{err}"
    );
}
