//! Pi and Oh My Pi told apart (issue 16) on fixtures/pi-agents/home: each
//! record's agent, session titles and recorded cwds, a cross-agent fork
//! counted once, two projects named `api`, Pi's moved `sessionDir` followed
//! and a project-local `.pi/settings.json` not. Every expected value is a
//! literal from fixtures/pi-agents/EXPECTED.md, derived there by hand.

use openusage_e2e::{fixture, openusage, run, tree_state};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";
const HOME: &str = "pi-agents/home";

/// `openusage --now NOW --no-cache ARGS` on the fixture home, parsed.
fn json(args: &[&str]) -> Value {
    let (code, out, err) = run(openusage(&fixture(HOME))
        .args(["--now", NOW, "--no-cache"])
        .args(args));
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{out}"))
}

fn snapshot() -> Value {
    let doc = json(&["snapshot", "--json", "--provider", "pi"]);
    doc["snapshots"][0].clone()
}

/// Costs are float sums: equal within a relative 1e-9.
fn assert_cost(actual: &Value, expected: f64, what: &str) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {actual} is no number"));
    let close = (a - expected).abs() <= 1e-9 * expected.abs().max(1.0);
    assert!(close, "{what}: {a} != expected {expected}");
}

#[test]
fn the_snapshot_totals_count_every_record_once_and_follow_the_moved_session_dir() {
    let snap = snapshot();
    let m = &snap["metrics"];
    let used = |name: &str| m[name]["used"].clone();
    assert_eq!(used("total_sessions"), 9);
    assert_eq!(used("sessions_today"), 1);
    assert_eq!(used("sessions_7d"), 9);
    assert_eq!(used("total_input_tokens"), 27700);
    assert_eq!(used("total_output_tokens"), 15100);
    assert_eq!(used("total_cache_read"), 120500);
    assert_eq!(used("total_cache_write"), 36700);
    assert_eq!(used("total_tokens"), 200000);
    assert_cost(&used("total_cost_usd"), 0.651, "total_cost_usd");
    for absent in [
        "uncosted_requests",
        "unpriced_requests",
        "estimated_cost_usd",
    ] {
        assert!(m.get(absent).is_none(), "{absent}: {m:#}");
    }
    assert_eq!(snap["status"], "ok");
    assert_eq!(snap["message"], "9 sessions, 200K tokens, $0.65");
    let d = &snap["diagnostics"];
    assert_eq!(
        d["files_read"], 9,
        "the decoy the project-local file names is not read"
    );
    assert_eq!(d["files_skipped"], 0);
    assert_eq!(d["lines_dropped"], 0);
    assert_eq!(d["turns_zero"], 0);
    assert_eq!(d["turns_duplicate"], 4);
    assert_eq!(d["turns_counted"], 27);
}

#[test]
fn the_daily_series_and_the_kinds_are_those_derived_by_hand() {
    let snap = snapshot();
    let series = |name: &str| -> Vec<(String, u64)> {
        let points = snap["daily_series"][name].as_array().unwrap();
        let point = |p: &Value| {
            (
                p["date"].as_str().unwrap().to_owned(),
                p["value"].as_u64().unwrap(),
            )
        };
        points.iter().map(point).collect()
    };
    let days = [
        "2026-11-16",
        "2026-11-17",
        "2026-11-18",
        "2026-11-19",
        "2026-11-20",
    ];
    let expect = |values: [u64; 5]| -> Vec<(String, u64)> {
        days.iter().map(|d| (*d).to_owned()).zip(values).collect()
    };
    assert_eq!(
        series("tokens"),
        expect([20000, 40000, 66000, 64000, 10000])
    );
    assert_eq!(series("sessions"), expect([1, 2, 2, 3, 1]));
    let kinds = snap["usage_by_kind"].as_array().unwrap();
    let kind = |k: &str| kinds.iter().find(|r| r["kind"] == k).unwrap().clone();
    assert_eq!(kind("assistant")["requests"], 26);
    assert_eq!(kind("assistant")["total_tokens"], 199000);
    assert_cost(&kind("assistant")["cost_usd"], 0.65, "assistant cost");
    assert_eq!(kind("model_usage")["requests"], 1);
    assert_eq!(kind("model_usage")["total_tokens"], 1000);
    assert_cost(&kind("model_usage")["cost_usd"], 0.001, "model_usage cost");
}

/// One expected model row: model, upstream, workspace, agent, buckets,
/// total, requests, cost.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [u64; 4],
    u64,
    u64,
    f64,
);

#[test]
fn model_rows_are_split_by_agent_largest_first() {
    #[rustfmt::skip]
    let rows: [Row; 6] = [
        ("claude-sonnet-4-5", "anthropic", "api", "pi", [8800, 4500, 31500, 15200], 60000, 10, 0.18),
        ("claude-opus-4-5", "anthropic", "api", "omp", [5000, 4000, 26000, 18000], 53000, 7, 0.32),
        ("gpt-5.1-codex", "openai", "api", "pi", [8000, 3000, 39000, 0], 50000, 4, 0.07),
        ("gpt-5.1-codex", "openai", "api", "omp", [3500, 2500, 20000, 0], 26000, 3, 0.05),
        ("claude-sonnet-4-5", "anthropic", "web", "pi", [1500, 1000, 4000, 3500], 10000, 2, 0.03),
        ("claude-haiku-4-5", "anthropic", "api", "omp", [900, 100, 0, 0], 1000, 1, 0.001),
    ];
    let snap = snapshot();
    let actual = snap["model_usage"].as_array().unwrap();
    assert_eq!(actual.len(), rows.len(), "{actual:#?}");
    for (i, (row, want)) in actual.iter().zip(rows).enumerate() {
        let (model, upstream, workspace, agent, buckets, total, requests, cost) = want;
        let what = format!("model row {i} ({model}, {agent})");
        assert_eq!(row["raw_model_id"], model, "{what}");
        let dims = &row["dimensions"];
        assert_eq!(dims["upstream_provider"], upstream, "{what}");
        assert_eq!(dims["workspace_label"], workspace, "{what}");
        assert_eq!(dims["agent"], agent, "{what}");
        let keys = [
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
        ];
        for (key, value) in keys.into_iter().zip(buckets) {
            assert_eq!(row[key], value, "{what}: {key}");
        }
        assert_eq!(row["total_tokens"], total, "{what}");
        assert_eq!(row["requests"], requests, "{what}");
        assert_cost(&row["cost_usd"], cost, &what);
    }
}

#[test]
fn the_agents_share_the_tokens_sixty_forty() {
    let snap = snapshot();
    let rows = snap["model_usage"].as_array().unwrap();
    let sum = |agent: &str| -> (u64, f64) {
        let mine = rows.iter().filter(|r| r["dimensions"]["agent"] == agent);
        mine.fold((0, 0.0), |(t, c), r| {
            (
                t + r["total_tokens"].as_u64().unwrap(),
                c + r["cost_usd"].as_f64().unwrap(),
            )
        })
    };
    let (pi, pi_cost) = sum("pi");
    let (omp, omp_cost) = sum("omp");
    assert_eq!((pi, omp), (120000, 80000));
    assert_cost(&pi_cost.into(), 0.28, "pi cost");
    assert_cost(&omp_cost.into(), 0.371, "omp cost");
    // The Pi tile's agent line, largest first.
    let (code, out, err) = run(openusage(&fixture(HOME)).args([
        "--now",
        NOW,
        "--no-cache",
        "dashboard",
        "--once",
        "--width",
        "100",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pi 60% · omp 40%"), "{out}");
}

/// One expected session: id, agent, title, workspace, cwd, requests,
/// total, cost, first and last activity.
struct Session {
    id: &'static str,
    agent: &'static str,
    title: Option<&'static str>,
    workspace: &'static str,
    cwd: &'static str,
    requests: u64,
    total: u64,
    cost: f64,
    first: &'static str,
    last: &'static str,
}

const fn session(
    id: &'static str,
    agent: &'static str,
    title: Option<&'static str>,
    (workspace, cwd): (&'static str, &'static str),
    (requests, total, cost): (u64, u64, f64),
    (first, last): (&'static str, &'static str),
) -> Session {
    Session {
        id,
        agent,
        title,
        workspace,
        cwd,
        requests,
        total,
        cost,
        first,
        last,
    }
}

const CODE_API: (&str, &str) = ("api", "/home/alice/code/api");
const WORK_API: (&str, &str) = ("api", "/home/alice/work/api");
const CODE_WEB: (&str, &str) = ("web", "/home/alice/code/web");

/// EXPECTED.md's sessions, newest last activity first.
#[rustfmt::skip]
const SESSIONS: [Session; 9] = [
    session("a1000005-0000-4000-8000-000000000005", "pi", None, CODE_WEB, (2, 10000, 0.03), ("2026-11-20T08:01:00Z", "2026-11-20T08:05:00Z")),
    session("01b10004-0000-7000-8000-000000000009", "omp", Some("Rate limiter in omp"), CODE_API, (2, 8000, 0.04), ("2026-11-19T16:01:00Z", "2026-11-19T16:05:00Z")),
    session("a1000004-0000-4000-8000-000000000004", "pi", Some("Invoice PDFs"), WORK_API, (3, 30000, 0.08), ("2026-11-19T14:01:00Z", "2026-11-19T14:09:00Z")),
    session("01b10003-0000-7000-8000-000000000008", "omp", Some("Webhook backoff"), WORK_API, (3, 26000, 0.05), ("2026-11-19T10:01:00Z", "2026-11-19T10:20:00Z")),
    session("01b10002-0000-7000-8000-000000000007", "omp", Some("Retry budget"), CODE_API, (2, 16000, 0.09), ("2026-11-18T13:01:00Z", "2026-11-18T13:10:00Z")),
    session("a1000003-0000-4000-8000-000000000003", "pi", Some("Billing webhooks"), WORK_API, (4, 50000, 0.07), ("2026-11-18T08:01:00Z", "2026-11-18T08:30:00Z")),
    session("01b10001-0000-7000-8000-000000000006", "omp", Some("Cache headers"), CODE_API, (4, 30000, 0.191), ("2026-11-17T15:01:00Z", "2026-11-17T15:20:00Z")),
    session("a1000002-0000-4000-8000-000000000002", "pi", None, CODE_API, (3, 10000, 0.04), ("2026-11-17T10:01:00Z", "2026-11-17T10:11:00Z")),
    session("a1000001-0000-4000-8000-000000000001", "pi", Some("Token bucket limiter"), CODE_API, (4, 20000, 0.06), ("2026-11-16T09:01:00Z", "2026-11-16T09:15:00Z")),
];

fn assert_title(row: &Value, want: Option<&str>, what: &str) {
    match want {
        Some(title) => assert_eq!(row["title"], title, "{what}"),
        None => assert!(
            row.get("title").is_none(),
            "{what}: no title, got {}",
            row["title"]
        ),
    }
}

#[test]
fn the_snapshot_lists_the_recent_sessions_with_agent_and_title() {
    let snap = snapshot();
    let recent = snap["recent_sessions"].as_array().unwrap();
    assert_eq!(recent.len(), SESSIONS.len(), "{recent:#?}");
    for (row, want) in recent.iter().zip(&SESSIONS) {
        let what = format!("recent session {}", want.id);
        assert_eq!(row["session_id"], want.id, "newest first: {what}");
        assert_eq!(row["agent"], want.agent, "{what}");
        assert_title(row, want.title, &what);
        assert_eq!(row["workspace_label"], want.workspace, "{what}");
        assert_eq!(row["last_activity"], want.last, "{what}");
        assert_eq!(row["total_tokens"], want.total, "{what}");
    }
}

#[test]
fn session_rows_gain_agent_title_and_cwd() {
    let report = json(&["report", "session", "--json"]);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), SESSIONS.len(), "{rows:#?}");
    for (row, want) in rows.iter().zip(&SESSIONS) {
        let what = format!("session row {}", want.id);
        assert_eq!(row["session_id"], want.id, "newest first: {what}");
        assert_eq!(row["provider_id"], "pi", "{what}");
        assert_eq!(row["agent"], want.agent, "{what}");
        assert_title(row, want.title, &what);
        assert_eq!(row["cwd"], want.cwd, "{what}");
        assert_eq!(row["workspace_label"], want.workspace, "{what}");
        assert_eq!(row["requests"], want.requests, "{what}");
        assert_eq!(row["total_tokens"], want.total, "{what}");
        assert_cost(&row["cost_usd"], want.cost, &what);
        assert_eq!(row["first_activity"], want.first, "{what}");
        assert_eq!(row["last_activity"], want.last, "{what}");
    }
    let total = &report["total"];
    assert_eq!(total["sessions"], 9);
    assert_eq!(total["requests"], 27);
    assert_eq!(total["total_tokens"], 200000);
    assert_cost(&total["cost_usd"], 0.651, "session report total");
}

#[test]
fn no_message_text_and_nothing_of_the_unread_session_reaches_any_output() {
    let outputs = [
        json(&["snapshot", "--json", "--provider", "pi"]),
        json(&["report", "session", "--json"]),
        json(&["report", "project", "--json"]),
    ];
    for doc in outputs {
        let text = doc.to_string();
        // P5's and P2's first user messages, and the decoy's title and id.
        for never in [
            "navbar",
            "integration tests",
            "Never read",
            "a1000099",
            "api-sessions",
        ] {
            assert!(!text.contains(never), "{never:?} in {text}");
        }
    }
}

/// One expected project row: cwd, sessions, requests, buckets, total, cost,
/// first and last activity.
type Project = (
    &'static str,
    &'static str,
    u64,
    u64,
    [u64; 4],
    u64,
    f64,
    &'static str,
    &'static str,
);

#[test]
fn projects_are_recorded_cwds_so_the_two_api_projects_are_two_rows() {
    #[rustfmt::skip]
    let expected: [Project; 3] = [
        ("/home/alice/work/api", "api", 3, 10, [15000, 8000, 75000, 8000], 106000, 0.20, "2026-11-18T08:01:00Z", "2026-11-19T14:09:00Z"),
        ("/home/alice/code/api", "api", 5, 15, [11200, 6100, 41500, 25200], 84000, 0.421, "2026-11-16T09:01:00Z", "2026-11-19T16:05:00Z"),
        ("/home/alice/code/web", "web", 1, 2, [1500, 1000, 4000, 3500], 10000, 0.03, "2026-11-20T08:01:00Z", "2026-11-20T08:05:00Z"),
    ];
    let report = json(&["report", "project", "--json"]);
    assert_eq!(report["report"], "project");
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len(), "{rows:#?}");
    for (row, want) in rows.iter().zip(expected) {
        let (cwd, workspace, sessions, requests, buckets, total, cost, first, last) = want;
        assert_eq!(row["cwd"], cwd, "largest first");
        assert_eq!(row["workspace_label"], workspace, "{cwd}");
        assert_eq!(row["sessions"], sessions, "{cwd}");
        assert_eq!(row["requests"], requests, "{cwd}");
        let keys = [
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
        ];
        for (key, value) in keys.into_iter().zip(buckets) {
            assert_eq!(row[key], value, "{cwd}: {key}");
        }
        assert_eq!(row["total_tokens"], total, "{cwd}");
        assert_cost(&row["cost_usd"], cost, cwd);
        assert_eq!(row["first_activity"], first, "{cwd}");
        assert_eq!(row["last_activity"], last, "{cwd}");
    }
    assert_eq!(report["total"]["total_tokens"], 200000);
    // `openusage project` is the same report.
    assert_eq!(json(&["project", "--json"]), report);
}

#[test]
fn projects_of_one_agent() {
    let report = json(&["report", "project", "--json", "--agent", "omp"]);
    let rows = report["rows"].as_array().unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r["cwd"].clone(),
                r["sessions"].clone(),
                r["total_tokens"].clone(),
            )
        })
        .collect();
    let want = [
        ("/home/alice/code/api", 3, 54000),
        ("/home/alice/work/api", 1, 26000),
    ];
    let want: Vec<(Value, Value, Value)> = want
        .iter()
        .map(|&(c, s, t)| (c.into(), s.into(), t.into()))
        .collect();
    assert_eq!(got, want);
    assert_cost(&rows[0]["cost_usd"], 0.321, "omp in /home/alice/code/api");
    assert_cost(&rows[1]["cost_usd"], 0.05, "omp in /home/alice/work/api");
    assert_eq!(report["total"]["total_tokens"], 80000);
}

/// `report daily --json ARGS`: each row's (day, sessions, total tokens), the
/// costs, and the total.
fn daily(args: &[&str]) -> (Vec<(String, u64, u64)>, Vec<f64>, Value) {
    let report = json(&[&["report", "daily", "--json"][..], args].concat());
    let rows = report["rows"].as_array().unwrap();
    let row = |r: &Value| {
        let n = |k: &str| r[k].as_u64().unwrap();
        (
            r["period"].as_str().unwrap().to_owned(),
            n("sessions"),
            n("total_tokens"),
        )
    };
    let costs = rows
        .iter()
        .map(|r| r["cost_usd"].as_f64().unwrap())
        .collect();
    (
        rows.iter().map(row).collect(),
        costs,
        report["total"].clone(),
    )
}

fn days(rows: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    rows.iter().map(|&(d, s, t)| (d.to_owned(), s, t)).collect()
}

fn assert_costs(actual: &[f64], expected: &[f64], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: {actual:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert_cost(&(*a).into(), *e, what);
    }
}

#[test]
fn the_agent_filter_keeps_one_agent_s_sessions() {
    let (rows, costs, total) = daily(&["--agent", "omp"]);
    let want = [
        ("2026-11-17", 1, 30000),
        ("2026-11-18", 1, 16000),
        ("2026-11-19", 2, 34000),
    ];
    assert_eq!(rows, days(&want));
    assert_costs(&costs, &[0.191, 0.09, 0.09], "--agent omp");
    assert_eq!(total["sessions"], 4);
    assert_eq!(total["requests"], 11);
    assert_eq!(total["total_tokens"], 80000);
    assert_cost(&total["cost_usd"], 0.371, "--agent omp total");

    let (rows, costs, total) = daily(&["--agent", "pi"]);
    let want = [
        ("2026-11-16", 1, 20000),
        ("2026-11-17", 1, 10000),
        ("2026-11-18", 1, 50000),
        ("2026-11-19", 1, 30000),
        ("2026-11-20", 1, 10000),
    ];
    assert_eq!(rows, days(&want));
    assert_costs(&costs, &[0.06, 0.04, 0.07, 0.08, 0.03], "--agent pi");
    assert_eq!(total["sessions"], 5);
    assert_eq!(total["requests"], 16);
    assert_eq!(total["total_tokens"], 120000);
    assert_cost(&total["cost_usd"], 0.28, "--agent pi total");
}

#[test]
fn a_project_name_takes_both_api_projects() {
    let (rows, costs, total) = daily(&["--project", "api"]);
    let want = [
        ("2026-11-16", 1, 20000),
        ("2026-11-17", 2, 40000),
        ("2026-11-18", 2, 66000),
        ("2026-11-19", 3, 64000),
    ];
    assert_eq!(rows, days(&want));
    assert_costs(&costs, &[0.06, 0.231, 0.16, 0.17], "--project api");
    assert_eq!(total["sessions"], 8);
    assert_eq!(total["requests"], 25);
    assert_eq!(total["total_tokens"], 190000);
    assert_cost(&total["cost_usd"], 0.621, "--project api total");
}

#[test]
fn a_project_path_takes_the_sessions_at_or_below_it_by_component() {
    let (rows, costs, total) = daily(&["--project", "/home/alice/work/api"]);
    assert_eq!(
        rows,
        days(&[("2026-11-18", 1, 50000), ("2026-11-19", 2, 56000)])
    );
    assert_costs(&costs, &[0.07, 0.13], "--project /home/alice/work/api");
    assert_eq!(total["sessions"], 3);
    assert_eq!(total["requests"], 10);
    assert_eq!(total["total_tokens"], 106000);
    assert_cost(
        &total["cost_usd"],
        0.20,
        "--project /home/alice/work/api total",
    );

    let (_, _, parent) = daily(&["--project", "/home/alice/work"]);
    assert_eq!(parent["total_tokens"], 106000);
    let (rows, _, none) = daily(&["--project", "/home/alice/work/ap"]);
    assert!(rows.is_empty(), "{rows:?}");
    assert_eq!(none["total_tokens"], 0);
}

#[test]
fn detect_still_registers_one_pi_account_and_the_home_is_left_as_it_was() {
    let home = fixture(HOME);
    let before = tree_state(&home);
    let doc = json(&["detect", "--json"]);
    let accounts = doc["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{doc:#}");
    assert_eq!(accounts[0]["id"], "pi");
    assert_eq!(accounts[0]["provider"], "pi");
    assert_eq!(accounts[0]["source"], "detected");
    let dirs = accounts[0]["dirs"].to_string();
    assert!(!dirs.contains("api-sessions"), "{dirs}");
    assert_eq!(doc["tools"], serde_json::json!([]));
    snapshot();
    json(&["report", "project", "--json"]);
    assert_eq!(tree_state(&home), before, "nothing under the home changed");
}
