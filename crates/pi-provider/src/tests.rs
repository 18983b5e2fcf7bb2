//! Provider-level tests: detection, account options, and whole collections
//! over small trees written to a temporary home.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use openusage_core::{FixedClock, MetricValue, Status, Tool};

use super::*;
use openusage_core::{AccountConfig, Detection, LoadContext, Provider, Snapshot};

fn now() -> FixedClock {
    FixedClock(
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .unwrap()
            .to_utc(),
    )
}

fn write(path: &Path, lines: &[&str]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, lines.join("\n") + "\n").unwrap();
}

const HEADER: &str = r#"{"type":"session","version":3,"id":"s1","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/home/alice/code/webapp"}"#;
const TURN: &str = r#"{"type":"message","id":"a1","timestamp":"2026-11-20T08:00:05.000Z","message":{"role":"assistant","content":[],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":1000,"output":500,"cacheRead":2000,"cacheWrite":0,"cost":{"total":0.02}},"timestamp":1795161604000}}"#;

fn collect_in(env: &Env, account: &PiAccount) -> Snapshot {
    openusage_core::collect_once(account, env, now().0)
}

/// As a live view collects: the account is collected again in this
/// process, so it counts on from its last counting where it can.
fn collect_live(env: &Env, account: &PiAccount) -> Snapshot {
    let (clock, progress) = (now(), openusage_core::Progress::default());
    let ctx = openusage_core::CollectContext {
        again: true,
        ..openusage_core::CollectContext::new(env, &clock, &progress)
    };
    account.collect(&ctx).snapshot
}

fn default_account() -> PiAccount {
    PiAccount::new(PiProvider, "pi", None)
}

#[test]
fn detection_needs_a_sessions_directory_or_a_pi_binary() {
    let home = tempfile::tempdir().unwrap();
    let env = Env::new(home.path());
    assert_eq!(PiProvider.detect(&env), Detection::default());

    fs::create_dir_all(home.path().join(".omp/agent/sessions")).unwrap();
    let d = PiProvider.detect(&env);
    assert_eq!(d.accounts, [AccountConfig::new("pi", "pi")]);
    assert!(d.tools.is_empty());
    let account = PiProvider
        .load_account(
            &d.accounts[0],
            &LoadContext {
                env: &env,
                base_dir: None,
            },
        )
        .unwrap();
    assert_eq!(
        account.dirs(&env),
        [home.path().join(".omp/agent/sessions")]
    );
    // A live view watches every root, Pi's that does not exist yet too.
    let watched: Vec<(PathBuf, bool)> = account
        .watched(&env)
        .into_iter()
        .map(|w| (w.path, w.recursive))
        .collect();
    assert_eq!(
        watched,
        [
            (home.path().join(".pi/agent/sessions"), true),
            (home.path().join(".omp/agent/sessions"), true),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_pi_binary_on_path_alone_registers_the_account() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(bin.join("pi"), "#!/bin/sh\n").unwrap();
    fs::set_permissions(bin.join("pi"), fs::Permissions::from_mode(0o755)).unwrap();
    let env = Env::new(home.path()).with_var("PATH", &bin);
    let d = PiProvider.detect(&env);
    assert_eq!(d.accounts.len(), 1);
    assert_eq!(
        d.tools,
        [Tool {
            name: "pi".to_owned(),
            path: bin.join("pi")
        }]
    );
}

#[test]
fn account_options_are_validated_by_name_and_type() {
    let env = Env::new("/home/alice");
    let ctx = LoadContext {
        env: &env,
        base_dir: Some(Path::new("/conf")),
    };
    let load = |extra: serde_json::Value| {
        let mut config = AccountConfig::new("work", "pi");
        config.extra = serde_json::from_value(extra).unwrap();
        PiAccount::load(PiProvider, &config, &ctx)
    };
    assert_eq!(
        load(serde_json::json!({"sessions_dir": "rel/sessions"}))
            .unwrap()
            .dir,
        Some(PathBuf::from("/conf/rel/sessions"))
    );
    assert_eq!(load(serde_json::json!({})).unwrap().dir, None);
    let err = load(serde_json::json!({"sessions_dir": 5})).unwrap_err();
    assert_eq!(err.key, "extra.sessions_dir");
    assert!(err.message.contains("found a number"), "{}", err.message);
    assert_eq!(
        load(serde_json::json!({"sesions_dir": "x"}))
            .unwrap_err()
            .key,
        "extra.sesions_dir"
    );
    assert_eq!(
        load(serde_json::json!({"sessions_dir": " "}))
            .unwrap_err()
            .key,
        "extra.sessions_dir"
    );
}

#[test]
fn no_sessions_directory_is_unknown_status() {
    let home = tempfile::tempdir().unwrap();
    let snap = collect_in(&Env::new(home.path()), &default_account());
    assert_eq!(
        (snap.status, snap.message.as_str()),
        (
            Status::Unknown,
            "Pi sessions directory not found: ~/.pi/agent/sessions, ~/.omp/agent/sessions"
        )
    );
    assert!(snap.metrics.is_empty());
    assert_eq!(snap.diagnostics["files_read"], 0);
}

#[test]
fn an_empty_sessions_directory_is_ok_with_nothing_recorded() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".pi/agent/sessions/--x--/only-zero.jsonl"),
        &[
            HEADER,
            r#"{"type":"message","message":{"role":"assistant","usage":{"input":0,"output":0}}}"#,
        ],
    );
    let snap = collect_in(&Env::new(home.path()), &default_account());
    assert_eq!(
        (snap.status, snap.message.as_str()),
        (Status::Ok, "No Pi sessions recorded")
    );
    assert!(snap.metrics.is_empty());
    assert_eq!(snap.diagnostics["turns_zero"], 1);
}

#[test]
fn both_roots_are_read_and_summarised() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home
            .path()
            .join(".pi/agent/sessions/--home-alice-code-webapp--/a.jsonl"),
        &[HEADER, TURN],
    );
    let omp_turn = TURN
        .replace("1795161604000", "1795161609000")
        .replace(r#""id":"a1""#, r#""id":"b1""#);
    let omp_header = HEADER.replace(r#""id":"s1""#, r#""id":"o1""#);
    write(
        &home.path().join(".omp/agent/sessions/-code-webapp/b.jsonl"),
        &[
            r#"{"type":"title","v":1,"title":"t"}"#,
            &omp_header,
            &omp_turn,
        ],
    );
    let snap = collect_in(&Env::new(home.path()), &default_account());
    assert_eq!(snap.status, Status::Ok);
    assert_eq!(snap.message, "2 sessions, 7.00K tokens, $0.04");
    assert_eq!(snap.metrics["sessions_today"].used, MetricValue::Count(2));
    // One row per agent: the file under Oh My Pi's root is its.
    assert_eq!(agents(&snap), [("omp", 1), ("pi", 1)]);
    assert_eq!(snap.diagnostics["files_read"], 2);
}

/// `(dimensions.agent, requests)` of each model row, by agent.
fn agents(snap: &Snapshot) -> Vec<(&str, u64)> {
    let mut rows: Vec<(&str, u64)> = snap
        .model_usage
        .iter()
        .map(|m| (m.dimensions["agent"].as_str(), m.requests))
        .collect();
    rows.sort();
    rows
}

#[test]
fn the_agent_dir_variable_moves_pi_s_root() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join("alt/sessions/--x--/a.jsonl"),
        &[HEADER, TURN],
    );
    write(
        &home.path().join(".pi/agent/sessions/--x--/ignored.jsonl"),
        &[
            &HEADER.replace("s1", "s2"),
            &TURN.replace("1795161604000", "1"),
        ],
    );
    let env = Env::new(home.path()).with_var("PI_CODING_AGENT_DIR", "~/alt");
    let snap = collect_in(&env, &default_account());
    assert_eq!(snap.metrics["total_sessions"].used, MetricValue::Count(1));
}

#[test]
fn a_configured_directory_replaces_both_roots() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".pi/agent/sessions/--x--/a.jsonl"),
        &[HEADER, TURN],
    );
    let elsewhere = home.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    let account = PiAccount::new(PiProvider, "work", Some(elsewhere));
    let snap = collect_in(&Env::new(home.path()), &account);
    assert_eq!(
        (snap.account_id.as_str(), snap.message.as_str()),
        ("work", "No Pi sessions recorded")
    );
}

#[test]
fn a_root_that_is_not_a_directory_is_an_error_and_other_roots_still_count() {
    let home = tempfile::tempdir().unwrap();
    write(
        &home.path().join(".pi/agent/sessions/--x--/a.jsonl"),
        &[HEADER, TURN],
    );
    fs::create_dir_all(home.path().join(".omp/agent")).unwrap();
    fs::write(home.path().join(".omp/agent/sessions"), "not a dir").unwrap();
    let snap = collect_in(&Env::new(home.path()), &default_account());
    assert_eq!(snap.status, Status::Error);
    assert!(snap.message.contains("not a directory"), "{}", snap.message);
    assert_eq!(snap.metrics["total_sessions"].used, MetricValue::Count(1));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_rest_is_counted() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".pi/agent/sessions/--x--");
    write(&dir.join("a.jsonl"), &[HEADER, TURN]);
    write(&dir.join("b.jsonl"), &[HEADER, TURN]);
    fs::set_permissions(dir.join("b.jsonl"), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(dir.join("b.jsonl")).is_ok() {
        eprintln!("skipped: running as root, permissions do not stop reads");
        return;
    }
    let snap = collect_in(&Env::new(home.path()), &default_account());
    assert_eq!(snap.status, Status::Ok);
    assert_eq!(snap.diagnostics["files_unreadable"], 1);
    assert_eq!(snap.diagnostics["files_read"], 1);
    assert_eq!(snap.metrics["total_sessions"].used, MetricValue::Count(1));
}

#[test]
fn a_second_collect_sees_a_turn_appended_inside_a_workspace_folder() {
    let home = tempfile::tempdir().unwrap();
    let file = home
        .path()
        .join(".pi/agent/sessions/--home-alice-code-webapp--/a.jsonl");
    write(&file, &[HEADER, TURN]);
    let env = Env::new(home.path());
    let account = default_account();
    assert_eq!(
        collect_live(&env, &account).metrics["total_tokens"].used,
        MetricValue::Count(3500)
    );

    let second = TURN
        .replace("1795161604000", "1795161700000")
        .replace(r#""input":1000"#, r#""input":10"#);
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str(&second);
    text.push('\n');
    fs::write(&file, text).unwrap();
    let refreshed = collect_live(&env, &account);
    assert_eq!(
        refreshed.metrics["total_tokens"].used,
        MetricValue::Count(3500 + 2510)
    );
    // Exactly what a fresh account reading everything gives.
    assert_eq!(refreshed, collect_in(&env, &default_account()));
}

/// Copies a tree, symbolic links as links.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&src).unwrap(), &dst).unwrap();
        } else if kind.is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    fs::OpenOptions::new()
        .append(true)
        .open(path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
}

#[cfg(unix)]
#[test]
fn refreshing_after_every_kind_of_change_equals_a_fresh_full_reading() {
    let home = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pi/home");
    copy_tree(&fixture, home.path());
    let env = Env::new(home.path());
    let kept = default_account();
    let check = |step: &str| {
        let refreshed = collect_live(&env, &kept);
        let fresh = collect_in(&env, &default_account());
        assert_eq!(refreshed, fresh, "after {step}");
        refreshed
    };
    let first = check("the first reading");
    let sessions = home.path().join(".pi/agent/sessions");
    let cli = sessions.join("--home-alice-code-cli--/2026-11-14T16-20-00-000Z_1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e.jsonl");
    let new_turn = TURN
        .replace(r#""id":"a1""#, r#""id":"z9""#)
        .replace("1795161604000", "1795161999000");

    append(&cli, &format!("{new_turn}\n"));
    let grown = check("appending a turn");
    assert!(
        grown.metrics["total_tokens"].used.as_f64() > first.metrics["total_tokens"].used.as_f64()
    );

    let half = &new_turn
        .replace("z9", "z8")
        .replace("1795161999000", "1795162000000");
    append(&cli, &half[..half.len() / 2]);
    check("appending half a line");
    append(&cli, &format!("{}\n", &half[half.len() / 2..]));
    check("finishing that line");

    let text = fs::read_to_string(&cli).unwrap();
    let cut = text.trim_end().rfind('\n').unwrap() + 1;
    fs::write(&cli, &text[..cut]).unwrap();
    check("truncating the last turn (a deleted branch)");

    let omp = home.path().join(".omp/agent/sessions/-code-shop/2026-11-12T07-45-10-221Z_01a1ceb7-bc4d-7a3c-89e2-f4b5d6a7b8c9.jsonl");
    let mut bytes = fs::read(&omp).unwrap();
    let at = bytes.windows(7).position(|w| w == b"\"title\"").unwrap() + 10;
    bytes[at] = if bytes[at] == b'X' { b'Y' } else { b'X' };
    fs::write(&omp, &bytes).unwrap();
    check("rewriting the title slot in place");

    let webapp = sessions.join("--home-alice-code-webapp--");
    let victim = fs::read_dir(&webapp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let replacement = webapp.join("replacement.tmp");
    fs::copy(&victim, &replacement).unwrap();
    append(
        &replacement,
        &format!(
            "{}\n",
            new_turn
                .replace("z9", "r1")
                .replace("1795161999000", "1795163000000")
        ),
    );
    fs::rename(&replacement, &victim).unwrap();
    check("replacing a file by rename");

    fs::remove_file(&victim).unwrap();
    check("deleting a file");

    let fork = sessions.join("--home-alice-code-cli--/2026-11-20T11-00-00-000Z_fork.jsonl");
    let original = fs::read_to_string(&cli).unwrap();
    let copied: Vec<&str> = original.lines().collect();
    let fork_header = copied[0]
        .replace("2026-11-14T16:20:00", "2026-11-20T11:00:00")
        .replace(r#""id":"#, r#""parentSession":"x","id":"fork-"#);
    let mut fork_text = format!("{fork_header}\n");
    for line in &copied[1..] {
        fork_text.push_str(line);
        fork_text.push('\n');
    }
    fs::write(&fork, fork_text).unwrap();
    let forked = check("adding a fork that copies a whole session");
    assert!(
        forked.diagnostics["turns_duplicate"].as_u64()
            > grown.diagnostics["turns_duplicate"].as_u64()
    );

    // A new session, a turn appended to it, then a copy of a turn counted
    // before. (Here a file whose header time does not parse sorts last, so
    // these are counted afresh; `a_second_collect_…` and count::tests::more
    // have the turns counted on.)
    let latest = sessions.join("--home-alice-code-cli--/2026-11-20T11-30-00-000Z_latest.jsonl");
    let header = r#"{"type":"session","version":3,"id":"latest","timestamp":"2026-11-20T11:30:00.000Z","cwd":"/home/alice/code/cli"}"#;
    let turn_at = |id: &str, ms: &str| new_turn.replace("z9", id).replace("1795161999000", ms);
    fs::write(
        &latest,
        format!("{header}\n{}\n", turn_at("l1", "1795164000000")),
    )
    .unwrap();
    let started = check("adding the latest session");
    append(&latest, &format!("{}\n", turn_at("l2", "1795164100000")));
    let more = check("appending a turn to the last file in counting order");
    assert!(
        more.metrics["total_tokens"].used.as_f64() > started.metrics["total_tokens"].used.as_f64()
    );
    append(&latest, &format!("{}\n", turn_at("l1", "1795164000000")));
    let copied_again = check("appending a copy of a turn counted before");
    assert_eq!(
        copied_again.diagnostics["turns_duplicate"].as_u64(),
        more.diagnostics["turns_duplicate"].as_u64().map(|d| d + 1)
    );
}
