//! Which agent each file is counted for, through whole collections: by the
//! root it was first found under and its title record; and Oh My Pi's
//! binary in detection.

use std::fs;
use std::path::Path;

use chrono::DateTime;
use openusage_core::{AccountConfig, Env, FixedClock, Provider, Snapshot, Tool};

use super::*;

fn now() -> FixedClock {
    FixedClock(
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .unwrap()
            .to_utc(),
    )
}

const TITLE: &str =
    r#"{"type":"title","v":1,"title":"","updatedAt":"2026-11-20T08:00:00.000Z","pad":"  "}"#;

/// A session file at `path`: its own header and one turn of `input`
/// tokens (the input also makes the turn unique), after a title record
/// when `titled`.
fn session(path: &Path, input: u64, titled: bool) {
    let header = format!(
        r#"{{"type":"session","version":3,"id":"s{input}","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/w"}}"#
    );
    let turn = format!(
        r#"{{"type":"message","id":"a{input}","timestamp":"2026-11-20T08:00:05.000Z","message":{{"role":"assistant","provider":"p","model":"m","usage":{{"input":{input}}},"timestamp":{input}}}}}"#
    );
    let mut lines = Vec::new();
    if titled {
        lines.push(TITLE.to_owned());
    }
    lines.extend([header, turn]);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// The input tokens of each agent's model rows.
fn by_agent(env: &Env, account: &PiAccount) -> Vec<(String, u64)> {
    let snap: Snapshot = openusage_core::collect_once(account, env, now().0);
    let mut rows: Vec<(String, u64)> = snap
        .model_usage
        .iter()
        .map(|m| (m.dimensions["agent"].clone(), m.input_tokens))
        .collect();
    rows.sort();
    rows
}

fn rows(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect()
}

#[test]
fn files_under_oh_my_pi_s_roots_or_opening_with_its_title_record_are_its() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    session(&home.join(".pi/agent/sessions/--w--/plain.jsonl"), 1, false);
    session(&home.join(".pi/agent/sessions/--w--/titled.jsonl"), 2, true);
    session(&home.join(".omp/agent/sessions/-w/plain.jsonl"), 4, false);
    session(
        &home.join(".omp/profiles/work/agent/sessions/-w/x.jsonl"),
        8,
        false,
    );
    session(&home.join("data/omp/sessions/-w/x.jsonl"), 16, false);
    let env = Env::new(home).with_var("XDG_DATA_HOME", home.join("data"));
    let account = PiAccount::new(PiProvider, "pi", None);
    assert_eq!(by_agent(&env, &account), rows(&[("omp", 30), ("pi", 1)]));
}

#[test]
fn configured_directories_go_by_the_title_record_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    // Even Oh My Pi's own directory, named in the settings.
    let dir = home.join(".omp/agent/sessions");
    session(&dir.join("plain.jsonl"), 1, false);
    session(&dir.join("titled.jsonl"), 2, true);
    let extra = home.join("backup");
    session(&extra.join("titled.jsonl"), 4, true);
    session(&extra.join("plain.jsonl"), 8, false);
    let mut account = PiAccount::new(PiProvider, "pi", Some(dir));
    account.extra_dirs = vec![extra];
    let env = Env::new(home);
    assert_eq!(by_agent(&env, &account), rows(&[("omp", 6), ("pi", 9)]));
}

#[cfg(unix)]
#[test]
fn a_file_reached_through_two_roots_is_the_agent_s_of_the_root_first_found_under() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    // Oh My Pi's sessions directory is a link to Pi's: Pi's root comes first.
    session(&home.join(".pi/agent/sessions/--w--/a.jsonl"), 1, false);
    fs::create_dir_all(home.join(".omp/agent")).unwrap();
    symlink(
        home.join(".pi/agent/sessions"),
        home.join(".omp/agent/sessions"),
    )
    .unwrap();
    // An extra directory that is Oh My Pi's profile's: that root comes first.
    let profile = home.join(".omp/profiles/p/agent/sessions");
    session(&profile.join("b.jsonl"), 2, false);
    let mut account = PiAccount::new(PiProvider, "pi", None);
    account.extra_dirs = vec![profile];
    let env = Env::new(home);
    assert_eq!(by_agent(&env, &account), rows(&[("omp", 2), ("pi", 1)]));
}

#[test]
fn sessions_moved_by_pi_s_session_dir_setting_are_read_as_pi_s() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    fs::create_dir_all(home.join(".pi/agent")).unwrap();
    fs::write(
        home.join(".pi/agent/settings.json"),
        r#"{"sessionDir":"~/moved"}"#,
    )
    .unwrap();
    session(
        &home.join(".pi/agent/sessions/--w--/before.jsonl"),
        1,
        false,
    );
    session(&home.join("moved/after.jsonl"), 2, false);
    let env = Env::new(home);
    let account = PiAccount::new(PiProvider, "pi", None);
    assert_eq!(by_agent(&env, &account), rows(&[("pi", 3)]));
    // The moved directory alone is enough to register the account.
    fs::remove_dir_all(home.join(".pi/agent/sessions")).unwrap();
    assert_eq!(
        PiProvider.detect(&env).accounts,
        [AccountConfig::new("pi", "pi")]
    );
}

#[cfg(unix)]
#[test]
fn an_omp_binary_on_path_is_a_tool_and_registers_the_account() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    for name in ["omp", "pi"] {
        fs::write(bin.join(name), "#!/bin/sh\n").unwrap();
        fs::set_permissions(bin.join(name), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let tool = |name: &str| Tool {
        name: name.to_owned(),
        path: bin.join(name),
    };
    let env = Env::new(home.path()).with_var("PATH", &bin);
    let both = PiProvider.detect(&env);
    assert_eq!(both.accounts, [AccountConfig::new("pi", "pi")]);
    assert_eq!(both.tools, [tool("pi"), tool("omp")]);
    fs::remove_file(bin.join("pi")).unwrap();
    let omp_alone = PiProvider.detect(&env);
    assert_eq!(omp_alone.accounts, [AccountConfig::new("pi", "pi")]);
    assert_eq!(omp_alone.tools, [tool("omp")]);
}
