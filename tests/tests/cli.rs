//! The command line's contract: exit codes, settings errors, detection.

use std::fs;
use std::path::Path;

use openusage_e2e::{openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";

fn write_settings(home: &Path, text: &str) -> std::path::PathBuf {
    let path = home.join(".config/openusage/settings.json");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_invalid_settings_file_exits_2_naming_file_line_and_column_with_no_output() {
    let home = tempfile::tempdir().unwrap();
    let path = write_settings(
        home.path(),
        "{\n  \"accounts\": [\n    {\"id\": \"pi\" \"provider\": \"pi\"}\n  ]\n}\n",
    );
    let (code, out, err) = run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json"]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(out, "");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("line 3, column 17"), "{err}");
    assert!(err.contains("expected `,` or `}`"), "{err}");
    assert_eq!(err.lines().count(), 1, "one clear error: {err}");
}

#[test]
fn semantic_settings_errors_exit_2_and_name_the_account_and_key() {
    let home = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"{"accounts":[{"id":"x","provider":"nope"}]}"#,
            r#"accounts[0] (id "x"), provider: unknown provider "nope" (known: pi, codex, claude_code)"#,
        ),
        (
            r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"sessions_dir":3}}]}"#,
            r#"accounts[0] (id "pi"), extra.sessions_dir: expected a string"#,
        ),
        (
            r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"dir":"x"}}]}"#,
            r#"accounts[0] (id "pi"), extra.dir: unknown option"#,
        ),
        (
            r#"{"accounts":[{"id":"a","provider":"pi"},{"id":"a","provider":"pi"}]}"#,
            r#"accounts[1].id: duplicate account id "a""#,
        ),
        (
            r#"{"accounts":[{"provider":"pi"}]}"#,
            "accounts[0]: missing field `id`",
        ),
        (
            r#"{"accounts":{"id":"pi"}}"#,
            "accounts: invalid type: map, expected a sequence",
        ),
    ];
    for (text, expected) in cases {
        write_settings(home.path(), text);
        for args in [&["snapshot", "--json"][..], &["detect"][..]] {
            let (code, out, err) = run(openusage(home.path()).args(args));
            assert_eq!((code, out.as_str()), (2, ""), "{text}: {err}");
            assert!(
                err.contains(expected),
                "{text}\n  wanted: {expected}\n  got: {err}"
            );
            assert!(err.contains("settings.json"), "{err}");
        }
    }
}

#[test]
fn a_directory_option_naming_a_file_is_a_settings_error_and_a_missing_one_a_status() {
    let home = tempfile::tempdir().unwrap();
    fs::write(home.path().join("not-a-dir"), "x").unwrap();
    write_settings(
        home.path(),
        r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"sessions_dir":"~/not-a-dir"}}]}"#,
    );
    let (code, out, err) = run(openusage(home.path()).args(["snapshot", "--json"]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.contains(r#"accounts[0] (id "pi"), extra.sessions_dir: "#)
            && err.contains("is not a directory"),
        "{err}"
    );
    write_settings(
        home.path(),
        r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"sessions_dir":"~/missing"}}]}"#,
    );
    let (code, out, err) = run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json"]));
    assert_eq!(code, 0, "{err}");
    // Where it looked, as the user wrote it.
    assert!(
        out.contains(r#""message": "Pi sessions directory not found: ~/missing""#),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn a_settings_file_with_a_non_utf8_name_is_named_in_its_error() {
    use std::os::unix::ffi::OsStrExt;
    let home = tempfile::tempdir().unwrap();
    let path = home
        .path()
        .join(std::ffi::OsStr::from_bytes(b"set\xfftings.json"));
    fs::write(&path, "{not json").unwrap();
    let (code, out, err) = run(openusage(home.path())
        .arg("--config")
        .arg(&path)
        .arg("detect"));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.contains("set\u{FFFD}tings.json") && err.contains("line 1, column 2"),
        "{err}"
    );
}

#[test]
fn the_config_flag_and_variable_choose_the_settings_file() {
    let home = tempfile::tempdir().unwrap();
    let bad = home.path().join("bad.json");
    fs::write(&bad, "not json").unwrap();
    let (code, _, err) = run(openusage(home.path())
        .arg("--config")
        .arg(&bad)
        .arg("detect"));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(openusage(home.path())
        .env("OPENUSAGE_CONFIG", &bad)
        .arg("detect"));
    assert_eq!(code, 2, "{err}");
    // A missing file means: use what detection finds.
    let (code, _, err) =
        run(openusage(home.path()).args(["--config", "/nonexistent/s.json", "detect"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn bad_flags_exit_2() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--now", "yesterday", "snapshot"][..],
        &["--now", "2026-11-20T12:00:00", "snapshot"][..],
        &["snapshot", "--provider", "nope"][..],
        &["frobnicate"][..],
    ] {
        let (code, out, err) = run(openusage(home.path()).args(args));
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}: {err}");
    }
}

#[test]
fn detect_finds_pi_through_a_sessions_directory_alone() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join(".omp/agent/sessions")).unwrap();
    let (code, out, err) = run(openusage(home.path()).args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let dirs = home
        .path()
        .join(".omp/agent/sessions")
        .display()
        .to_string();
    assert_eq!(
        doc,
        serde_json::json!({
            "schema_version": 1,
            "tools": [],
            "accounts": [{"id": "pi", "provider": "pi", "source": "detected", "dirs": [dirs]}]
        })
    );
    let (_, table, _) = run(openusage(home.path()).arg("detect"));
    assert!(table.contains("No agent tools found on PATH."), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("pi "))
        .unwrap_or_default();
    assert!(
        row.contains("detected") && row.ends_with(".omp/agent/sessions"),
        "{table}"
    );
}

#[cfg(unix)]
#[test]
fn detect_finds_pi_through_a_binary_on_path_alone() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(bin.join("pi"), "#!/bin/sh\nexit 0\n").unwrap();
    fs::set_permissions(bin.join("pi"), fs::Permissions::from_mode(0o755)).unwrap();
    let (code, out, err) = run(openusage(home.path())
        .env("PATH", &bin)
        .args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["tools"][0]["path"],
        bin.join("pi").display().to_string()
    );
    assert_eq!(doc["accounts"][0]["id"], "pi");
    assert_eq!(doc["accounts"][0]["dirs"], serde_json::json!([]));
    let (_, table, _) = run(openusage(home.path()).env("PATH", &bin).arg("detect"));
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("pi ") && l.contains("(none found)")),
        "{table}"
    );
}

#[cfg(unix)]
#[test]
fn detect_lists_an_omp_binary_as_a_tool_of_pi_and_registers_the_account() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(bin.join("omp"), "#!/bin/sh\nexit 0\n").unwrap();
    fs::set_permissions(bin.join("omp"), fs::Permissions::from_mode(0o755)).unwrap();
    let (code, out, err) = run(openusage(home.path())
        .env("PATH", &bin)
        .args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let omp = bin.join("omp").display().to_string();
    assert_eq!(
        doc["tools"],
        serde_json::json!([{"name": "omp", "provider": "pi", "path": omp}])
    );
    assert_eq!(doc["accounts"][0]["id"], "pi");
    let (_, table, _) = run(openusage(home.path()).env("PATH", &bin).arg("detect"));
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("omp ") && l.contains(" pi ") && l.ends_with(&omp)),
        "{table}"
    );
}

#[test]
fn detect_on_an_empty_home_finds_nothing() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, _) = run(openusage(home.path()).args(["detect", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        serde_json::json!({"schema_version": 1, "tools": [], "accounts": []})
    );
}

#[test]
fn a_provider_with_no_account_still_reports_why_it_is_empty() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) =
        run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json", "--provider", "pi"]));
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["generated_at"], NOW);
    let snap = &doc["snapshots"][0];
    assert_eq!(snap["status"], "unknown");
    assert_eq!(
        snap["message"],
        "Pi sessions directory not found: ~/.pi/agent/sessions, ~/.omp/agent/sessions"
    );
    // Without --provider, an empty home has no accounts at all.
    let (_, out, _) = run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json"]));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["snapshots"], serde_json::json!([]));
}

#[test]
fn a_configured_relative_sessions_dir_resolves_against_the_settings_file() {
    let home = tempfile::tempdir().unwrap();
    let conf = home.path().join("conf");
    let sessions = conf.join("my-sessions/--p--");
    fs::create_dir_all(&sessions).unwrap();
    fs::write(
        sessions.join("s.jsonl"),
        concat!(
            r#"{"type":"session","version":3,"id":"s1","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/w/proj"}"#, "\n",
            r#"{"type":"message","id":"a1","timestamp":"2026-11-20T08:00:05.000Z","message":{"role":"assistant","provider":"openai","model":"gpt-5.1-codex","usage":{"input":1200,"output":300,"cacheRead":0,"cacheWrite":0}}}"#, "\n",
        ),
    )
    .unwrap();
    fs::write(
        conf.join("settings.json"),
        r#"{"accounts":[{"id":"work","provider":"pi","extra":{"sessions_dir":"my-sessions"}}]}"#,
    )
    .unwrap();
    let (code, out, err) = run(openusage(home.path())
        .arg("--config")
        .arg(conf.join("settings.json"))
        .args(["--now", NOW, "snapshot"]));
    assert_eq!(code, 0, "{err}");
    let row = out.lines().nth(1).unwrap_or_default();
    assert!(
        row.starts_with("work ")
            && row.contains(" ok ")
            && row.ends_with("1 session, 1.50K tokens"),
        "{out}"
    );
}
