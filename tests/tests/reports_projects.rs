//! Sessions with their agent and place, and reports by project, on the
//! Codex and Claude Code fixtures. Every expected value is read from the
//! fixtures by hand: the cwd of each session is the one its files record
//! (Codex: the first `session_meta`'s, replaced by each later
//! `turn_context`'s, as it stood at the session's first counted event;
//! Claude Code: each line's `cwd`), and the tokens are those
//! fixtures/codex/EXPECTED.md derives per file.

use std::collections::BTreeMap;
use std::path::Path;

use openusage_e2e::{copy_tree, fixture, openusage, run};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

fn report(home: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(openusage(home)
        .args(["--no-cache", "--now", NOW, "report"])
        .args(args));
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn json(home: &Path, args: &[&str]) -> Value {
    let args = [args, &["--json"]].concat();
    serde_json::from_str(&report(home, &args)).unwrap()
}

fn rows(doc: &Value) -> &Vec<Value> {
    doc["rows"].as_array().unwrap()
}

/// Each session row's id with its agent and cwd.
fn places(doc: &Value) -> BTreeMap<String, (String, Option<String>)> {
    rows(doc)
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().map(str::to_owned);
            (
                text("session_id").unwrap(),
                (text("agent").unwrap(), text("cwd")),
            )
        })
        .collect()
}

fn owned(expected: &[(&str, &str, &str)]) -> BTreeMap<String, (String, Option<String>)> {
    let owned = expected.iter().map(|(id, agent, cwd)| {
        let place = ((*agent).to_owned(), Some((*cwd).to_owned()));
        ((*id).to_owned(), place)
    });
    owned.collect()
}

/// The Codex sessions (EXPECTED.md section 1) and the cwd each recorded:
/// F6, a fork, opens in `…/api/services/billing` and its own turns come
/// after the copied `turn_context` that moves to it.
const CODEX: [(&str, &str, &str); 8] = [
    (
        "0199b9e6-b41c-73cd-8084-c79147a609f1",
        "codex",
        "/home/alice/code/infra",
    ),
    (
        "019a26b8-5c3e-7d41-b0a7-3f6e2c9d8a15",
        "codex",
        "/home/alice/code/docs",
    ),
    (
        "019a53c2-7e14-7b90-a6d8-51c0f2b9e347",
        "codex",
        "/home/alice/code/api",
    ),
    (
        "01a1d15d-3f34-7046-87cd-e7dc9e14ddc7",
        "codex",
        "/home/alice/code/cli",
    ),
    (
        "01a1e476-9979-7d03-8243-92a22f02f0f4",
        "codex",
        "/home/alice/code/api",
    ),
    (
        "01a1f32d-9189-7271-83dc-132626d71f25",
        "codex",
        "/home/alice/code/api/services/billing",
    ),
    (
        "01a1f5fd-f2ce-733e-91cf-2c3f863dc91e",
        "codex",
        "/home/alice/code/scripts",
    ),
    (
        "01a1f81e-8976-7a10-9f9a-cdfe6692c7b4",
        "codex",
        "/home/alice/code/webapp",
    ),
];

/// The six Claude Code sessions (its EXPECTED.md, `total_sessions`) and the
/// `cwd` every line of each records.
const CLAUDE: [(&str, &str, &str); 6] = [
    (
        "2c7e9b13-f06a-4d8e-91b5-c3a4d7e8f260",
        "claude_code",
        "/home/alice/code/webapp",
    ),
    (
        "3f6c1a2e-8b4d-4e7a-9c15-2d8e7f0a1b34",
        "claude_code",
        "/home/alice/code/shop",
    ),
    (
        "5e2b7d19-c4a8-4b63-8f0e-a9d1c6b3e752",
        "claude_code",
        "/home/alice/code/webapp",
    ),
    (
        "7b3d5f21-9e84-4a6c-b217-0f5e3c8d9a16",
        "claude_code",
        "/home/alice/code/api",
    ),
    (
        "9a0e4c7b-5d21-4f38-b6e9-71c2a8d3f045",
        "claude_code",
        "/home/alice/code/infra",
    ),
    (
        "d41f8a6c-2b9e-4c57-a3d0-6e8b1f2c9a47",
        "claude_code",
        "/home/alice/code/webapp",
    ),
];

#[test]
fn codex_and_claude_sessions_carry_their_provider_as_agent_and_their_recorded_cwd() {
    let codex = json(&fixture("codex/home"), &["session"]);
    assert_eq!(places(&codex), owned(&CODEX));
    let claude = json(&fixture("claude/home"), &["session"]);
    assert_eq!(places(&claude), owned(&CLAUDE));
    // Neither agent records a title: the key is left out.
    assert!(
        rows(&codex)
            .iter()
            .chain(rows(&claude))
            .all(|r| r.get("title").is_none())
    );
}

/// Each project row as (cwd, label, sessions, total tokens).
fn projects(doc: &Value) -> Vec<(String, String, u64, u64)> {
    rows(doc)
        .iter()
        .map(|r| {
            (
                r["cwd"].as_str().unwrap().to_owned(),
                r["workspace_label"].as_str().unwrap().to_owned(),
                r["sessions"].as_u64().unwrap(),
                r["total_tokens"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn project(cwd: &str, sessions: u64, tokens: u64) -> (String, String, u64, u64) {
    let label = cwd.rsplit('/').next().unwrap().to_owned();
    (cwd.to_owned(), label, sessions, tokens)
}

#[test]
fn codex_projects_are_its_directories_largest_first() {
    let home = fixture("codex/home");
    let doc = json(&home, &["project"]);
    assert_eq!(doc["report"], "project");
    // Per-file tokens from EXPECTED.md: F4 78718 + F10 18103 in `api`; F3
    // 60213, F2 54403, F5 44962, F9 37026, F6 32938, F7 10617.
    assert_eq!(
        projects(&doc),
        [
            project("/home/alice/code/api", 2, 96_821),
            project("/home/alice/code/webapp", 1, 60_213),
            project("/home/alice/code/infra", 1, 54_403),
            project("/home/alice/code/cli", 1, 44_962),
            project("/home/alice/code/docs", 1, 37_026),
            project("/home/alice/code/api/services/billing", 1, 32_938),
            project("/home/alice/code/scripts", 1, 10_617),
        ]
    );
    // The sums of the daily report, the first and last activity of F10 and
    // F4 (EXPECTED.md's tables), and the sessions, each once.
    let daily = json(&home, &["daily"]);
    assert_eq!(doc["total"], daily["total"]);
    assert_eq!(doc["total"]["total_tokens"], 336_980);
    let api = &rows(&doc)[0];
    assert_eq!(api["first_activity"].as_str().unwrap()[..10], *"2026-11-05");
    assert_eq!(api["last_activity"].as_str().unwrap()[..10], *"2026-11-16");
    assert!(api.get("models").is_none());
    let broken = json(&home, &["project", "--breakdown"]);
    assert_eq!(broken["rows"][0]["models"][0]["model"], "gpt-5.1-codex");
}

#[test]
fn a_project_is_a_label_or_a_directory_and_what_lies_below_it() {
    let home = fixture("codex/home");
    let total = |args: &[&str]| {
        let doc = json(&home, args);
        let t = &doc["total"];
        (
            t["sessions"].as_u64().unwrap(),
            t["total_tokens"].as_u64().unwrap(),
        )
    };
    // The label `api`: F10 and F4; F6's label is `billing`.
    assert_eq!(total(&["daily", "--project", "api"]), (2, 96_821));
    // The directory: F6 lies below it.
    assert_eq!(
        total(&["session", "--project", "/home/alice/code/api"]),
        (3, 129_759)
    );
    assert_eq!(
        total(&["monthly", "--project", "/home/alice/code/api/"]),
        (3, 129_759)
    );
    // Whole components only: `…/ap` is no prefix of `…/api`.
    assert_eq!(
        total(&["project", "--project", "/home/alice/code/ap"]),
        (0, 0)
    );
    let text = report(&home, &["daily", "--project", "/home/alice/code/ap"]);
    assert!(text.contains("No usage recorded in this range."), "{text}");
    assert!(
        text.starts_with("Daily usage · UTC · project /home/alice/code/ap\n"),
        "{text}"
    );
    let claude = json(&fixture("claude/home"), &["project", "--project", "webapp"]);
    assert_eq!(claude["project"], "webapp");
    assert!(claude.get("agent").is_none());
    assert_eq!(rows(&claude).len(), 1);
    assert_eq!(rows(&claude)[0]["cwd"], "/home/alice/code/webapp");
    assert_eq!(rows(&claude)[0]["sessions"], 3);
}

#[test]
fn an_agent_keeps_only_its_sessions_in_every_report() {
    let home = tempfile::tempdir().unwrap();
    for agent in ["pi", "codex", "claude"] {
        copy_tree(&fixture(&format!("{agent}/home")), home.path());
    }
    let sessions = json(home.path(), &["session", "--agent", "codex"]);
    assert_eq!(sessions["agent"], "codex");
    assert!(sessions.get("project").is_none());
    assert_eq!(places(&sessions), owned(&CODEX));
    assert!(rows(&sessions).iter().all(|r| r["provider_id"] == "codex"));
    for by in ["daily", "weekly", "monthly", "project"] {
        let doc = json(home.path(), &[by, "--agent", "codex"]);
        assert_eq!(doc["total"]["total_tokens"], 336_980, "{by}");
        assert_eq!(doc["total"]["sessions"], 8, "{by}");
    }
    let none = json(home.path(), &["session", "--agent", "nobody"]);
    assert!(rows(&none).is_empty());
    // Every report over the three agents: the projects add up to the days.
    let all = json(home.path(), &["project"]);
    assert_eq!(all["total"], json(home.path(), &["daily"])["total"]);
}

#[test]
fn the_session_table_shows_agent_and_provider_columns_and_a_title_only_when_named() {
    let out = report(
        &fixture("codex/home"),
        &["session", "--since", "2026-11-20"],
    );
    let mut lines = out.lines().skip_while(|l| !l.starts_with("LAST ACTIVITY"));
    let head: Vec<&str> = lines
        .next()
        .unwrap()
        .split("  ")
        .filter(|c| !c.is_empty())
        .collect();
    // Codex names no session: no TITLE column.
    let expected = [
        "LAST ACTIVITY",
        "FIRST ACTIVITY",
        "AGENT",
        "PROVIDER",
        "SESSION",
        "WORKSPACE",
        "TURNS",
    ];
    assert_eq!(
        head[..7].iter().map(|c| c.trim()).collect::<Vec<_>>(),
        expected
    );
    // F3, the one session of 2026-11-20: agent and provider both `codex`,
    // workspace `webapp`, 4 records.
    let row = lines.next().unwrap();
    assert!(
        row.contains("  codex  codex     01a1f81e-8976-7a10-9f9a-cdfe6692c7b4  webapp  "),
        "{out}"
    );
    let text = report(&fixture("codex/home"), &["project", "--agent", "codex"]);
    assert!(
        text.starts_with("Projects, largest first · UTC · agent codex\n"),
        "{text}"
    );
}

#[test]
fn a_project_table_drops_its_activity_columns_together_and_keeps_the_project() {
    // Codex's widest cells: PROJECT 37 (`/home/alice/code/api/services/
    // billing`), SESSIONS 8, FIRST and LAST ACTIVITY 16, INPUT 6 (98,990),
    // OUTPUT 6, CACHE READ 10, CACHE WRITE 11, TOTAL 7 (336,980), COST 6
    // (~$0.34); two spaces between. Full: 123 + 18 = 141. Without the two
    // cache columns 102 + 14 = 116, without INPUT and OUTPUT 90 + 10 = 100.
    let home = fixture("codex/home");
    let lines = |width: &str| {
        let out = report(&home, &["project", "--width", width]);
        let table = out.lines().skip_while(|l| !l.starts_with("PROJECT"));
        table.map(str::to_owned).collect::<Vec<_>>()
    };
    let at_100 = lines("100");
    let head = format!(
        "{:<37}  {:>8}  {:<16}  {:<16}  {:>7}  {:>6}",
        "PROJECT", "SESSIONS", "FIRST ACTIVITY", "LAST ACTIVITY", "TOTAL", "COST"
    );
    assert_eq!(at_100[0], head);
    // One column less: both activity columns go (90 - 32 + 6 = 64).
    let at_99 = lines("99");
    let head = format!(
        "{:<37}  {:>8}  {:>7}  {:>6}",
        "PROJECT", "SESSIONS", "TOTAL", "COST"
    );
    assert_eq!(at_99[0], head);
    let billing = format!(
        "{:<37}  {:>8}  {:>7}",
        "/home/alice/code/api/services/billing", 1, "32,938"
    );
    assert!(at_99.iter().any(|l| l.starts_with(&billing)), "{at_99:#?}");
    // Narrower than the project: it is cut, never dropped.
    let at_40 = lines("40");
    assert!(at_40[0].starts_with("PROJECT"), "{at_40:#?}");
    assert!(at_40.iter().all(|l| columns(l) <= 40), "{at_40:#?}");
}

/// Display columns of `line` (the fixtures' text is ASCII but for `…`).
fn columns(line: &str) -> usize {
    line.chars().count()
}
