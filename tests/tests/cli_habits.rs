//! Habits from ccusage, on the bundled demo data with the clock pinned: the
//! top-level aliases, the short flags, compact dates and `--order`; and
//! `analytics --once --window`.
//!
//! The expected orders come from the demo's file names (each Pi session
//! file is named after the instant it started, and the demo's sessions last
//! minutes): days with usage from 2026-11-14 on are the 14th, 16th, 17th,
//! 18th, 19th and 20th (none started on the 15th); the sessions active from
//! 2026-11-19 on started at 11-19 10:20 (webapp, 01a1f352), 11-19 16:00
//! (docs, 01a1f489), 11-20 08:05 (docs, 01a1f7fd), 11-20 09:10 (webapp,
//! 01a1f838) and 11-20 10:05 (ml-pipeline, 01a1f86b).

use openusage_e2e::{fixture, openusage, run};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

/// `openusage ARGS` on the demo data: (exit code, stdout, stderr).
fn demo(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    run(openusage(home.path())
        .arg("--config")
        .arg(fixture("demo/settings.json"))
        .args(["--now", NOW])
        .args(args))
}

/// What `openusage ARGS` prints on the demo data; fails unless it exits 0.
fn out(args: &[&str]) -> String {
    let (code, out, err) = demo(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&out(args)).unwrap()
}

/// The first field of each JSON row.
fn rows(doc: &Value, field: &str) -> Vec<String> {
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn each_alias_prints_exactly_what_its_report_prints() {
    for by in ["daily", "weekly", "monthly", "session"] {
        for flags in [
            &[][..],
            &["--since", "2026-11-10", "--breakdown"][..],
            &["--json", "--until", "2026-11-01"][..],
        ] {
            let report = out(&[&["report", by][..], flags].concat());
            let alias = out(&[&[by][..], flags].concat());
            assert!(!report.is_empty());
            pretty_assertions::assert_eq!(alias, report, "{by} {flags:?}");
        }
    }
}

#[test]
fn short_flags_and_compact_dates_mean_the_long_ones() {
    let pairs: [(&[&str], &[&str]); 4] = [
        (
            &["daily", "-s", "20261101", "-u", "20261110"],
            &["daily", "--since", "2026-11-01", "--until", "2026-11-10"],
        ),
        (
            &["session", "-b", "-s", "20261118"],
            &["session", "--breakdown", "--since", "2026-11-18"],
        ),
        (&["monthly", "-j"], &["monthly", "--json"]),
        (
            &["-z", "Pacific/Kiritimati", "daily", "-s", "20261119"],
            &[
                "--timezone",
                "Pacific/Kiritimati",
                "daily",
                "--since",
                "2026-11-19",
            ],
        ),
    ];
    for (short, long) in pairs {
        pretty_assertions::assert_eq!(out(short), out(long), "{short:?}");
    }
    // And the dates are used: from the 1st to the 10th is fewer days than
    // from the 1st on.
    assert!(out(&["daily", "-s", "20261101", "-u", "20261110"]).contains("2026-11-10"));
    assert!(!out(&["daily", "-s", "20261101", "-u", "20261110"]).contains("2026-11-11"));
    // -j on snapshot and detect too.
    assert_eq!(out(&["snapshot", "-j"]), out(&["snapshot", "--json"]));
    assert_eq!(out(&["detect", "-j"]), out(&["detect", "--json"]));
}

#[test]
fn a_date_in_any_other_shape_exits_2_saying_which_shapes_are_taken() {
    for bad in ["2026-11-1", "2026/11/01", "261101", "Nov 1", "20261301"] {
        let (code, out, err) = demo(&["daily", "--since", bad]);
        assert_eq!((code, out.as_str()), (2, ""), "{bad}: {err}");
        assert!(
            err.contains(&format!("invalid value '{bad}' for '--since <DATE>'"))
                && err.contains("expected YYYY-MM-DD or YYYYMMDD"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn periods_run_oldest_first_and_order_desc_reverses_them() {
    let by_hand = [
        "2026-11-14",
        "2026-11-16",
        "2026-11-17",
        "2026-11-18",
        "2026-11-19",
        "2026-11-20",
    ];
    let asc = json(&["daily", "-j", "-s", "20261114"]);
    assert_eq!(rows(&asc, "period"), by_hand);
    assert_eq!(
        json(&["daily", "-j", "-s", "20261114", "--order", "asc"]),
        asc
    );
    let desc = json(&["daily", "-j", "-s", "20261114", "--order", "desc"]);
    let reversed: Vec<&str> = by_hand.iter().rev().copied().collect();
    assert_eq!(rows(&desc, "period"), reversed);
    assert_eq!(desc["total"], asc["total"]);
    // The table too, and its title says so.
    let table = out(&["daily", "-s", "20261114", "--order", "desc"]);
    assert!(
        table.starts_with("Daily usage, newest first · UTC"),
        "{table}"
    );
    let dates: Vec<&str> = table
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.starts_with("2026-11-"))
        .collect();
    assert_eq!(dates, reversed);
    let months = json(&["monthly", "-j", "--order", "desc"]);
    assert_eq!(rows(&months, "period"), ["2026-11", "2026-10"]);
}

#[test]
fn sessions_run_newest_first_and_order_asc_reverses_them() {
    let by_hand = ["01a1f352", "01a1f489", "01a1f7fd", "01a1f838", "01a1f86b"];
    let ids = |doc: &Value| -> Vec<String> {
        rows(doc, "session_id")
            .iter()
            .map(|id| id[..8].to_owned())
            .collect()
    };
    let asc = json(&["session", "-j", "-s", "20261119", "--order", "asc"]);
    assert_eq!(ids(&asc), by_hand);
    let desc = json(&["session", "-j", "-s", "20261119"]);
    let reversed: Vec<&str> = by_hand.iter().rev().copied().collect();
    assert_eq!(ids(&desc), reversed);
    assert_eq!(
        json(&["session", "-j", "-s", "20261119", "--order", "desc"]),
        desc
    );
    let table = out(&["session", "-s", "20261119", "--order", "asc"]);
    assert!(table.starts_with("Sessions, oldest first · UTC"), "{table}");
    let first = table.lines().nth(3).unwrap();
    assert!(first.contains("01a1f352"), "{table}");
    assert!(out(&["session", "-s", "20261119"]).starts_with("Sessions, newest first"));
}

/// The first and last day labels under the tokens chart of the analytics
/// page, and its header.
fn chart_span(page: &str) -> (String, String, String) {
    let header = page.lines().next().unwrap().to_owned();
    let axis = page
        .lines()
        .find(|l| l.starts_with("20"))
        .unwrap_or_else(|| panic!("no date axis: {page}"));
    let mut days = axis.split_whitespace().map(str::to_owned);
    let first = days.next().unwrap();
    let last = days.next_back().unwrap();
    (header, first, last)
}

#[test]
fn analytics_once_draws_the_window_asked_for() {
    // The window ends today (2026-11-20); 7d starts 6 days before, 90d 89
    // days before (10 days of November, 31 of October, 30 of September
    // and 19 of August: August 23rd); all starts on the first day with
    // usage, 2026-10-07 (the demo's earliest session files).
    for (window, first) in [
        ("7d", "2026-11-14"),
        ("30d", "2026-10-22"),
        ("90d", "2026-08-23"),
        ("all", "2026-10-07"),
    ] {
        let page = out(&["analytics", "--once", "--width", "100", "--window", window]);
        let (header, from, to) = chart_span(&page);
        assert!(header.contains(&format!("window {window}")), "{header}");
        assert_eq!(
            (from.as_str(), to.as_str()),
            (first, "2026-11-20"),
            "{window}"
        );
        assert!(
            page.contains(&format!("Tokens per day  {window}")),
            "{page}"
        );
    }
    // The default is the live page's first window.
    let page = out(&["analytics", "--once", "--width", "100"]);
    assert_eq!(chart_span(&page).1, "2026-10-22");
    // The live view cycles with `w`: the flag is for --once only.
    let (code, _, err) = demo(&["analytics", "--window", "7d"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--once"), "{err}");
    let (code, _, err) = demo(&["analytics", "--once", "--window", "14d"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("[possible values: 7d, 30d, 90d, all]"),
        "{err}"
    );
}
