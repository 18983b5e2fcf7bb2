//! Every place Pi and Oh My Pi keep sessions is read, each file once:
//! `$PI_CODING_AGENT_SESSION_DIR`, Oh My Pi profiles, `$XDG_DATA_HOME/omp`,
//! stray `~/.pi/agent/*.jsonl`, and `extra.extra_dirs`.

use std::fs;
use std::path::Path;

use openusage_e2e::{openusage, run};
use serde_json::Value;

const NOW: &str = "2026-11-20T12:00:00Z";

/// Writes a one-turn session `id` with `input` tokens (and 1 output) to `path`.
fn session(path: &Path, id: &str, input: u64) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = format!(
        "{}\n{}\n",
        format_args!(
            r#"{{"type":"session","version":3,"id":"{id}","timestamp":"2026-11-19T08:00:00.000Z","cwd":"/home/alice/code/{id}"}}"#
        ),
        format_args!(
            r#"{{"type":"message","id":"a-{id}","timestamp":"2026-11-19T08:00:05.000Z","message":{{"role":"assistant","provider":"anthropic","model":"m","usage":{{"input":{input},"output":1,"cacheRead":0,"cacheWrite":0}},"timestamp":1795161605000}}}}"#
        )
    );
    fs::write(path, text).unwrap();
}

fn pi(home: &Path, vars: &[(&str, &Path)], settings: Option<&Path>) -> Value {
    let mut cmd = openusage(home);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    if let Some(s) = settings {
        cmd.arg("--config").arg(s);
    }
    let (code, out, err) = run(cmd.args(["--now", NOW, "snapshot", "--json", "--provider", "pi"]));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<Value>(&out).unwrap()["snapshots"][0].clone()
}

fn input(snapshot: &Value) -> u64 {
    snapshot["metrics"]["total_input_tokens"]["used"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn the_session_dir_variable_profiles_xdg_data_and_stray_files_are_all_read() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let elsewhere = tmp.path().join("pi-sessions");
    let xdg = tmp.path().join("data");
    session(&home.join(".pi/agent/sessions/--p--/a.jsonl"), "a", 1);
    session(&elsewhere.join("b.jsonl"), "b", 10);
    session(
        &home.join(".pi/agent/2025-12-01T00-00-00-000Z_c.jsonl"),
        "c",
        100,
    );
    session(
        &home.join(".omp/profiles/work/agent/sessions/-x/d.jsonl"),
        "d",
        1000,
    );
    session(&xdg.join("omp/sessions/-x/e.jsonl"), "e", 10000);
    let vars = [
        ("PI_CODING_AGENT_SESSION_DIR", elsewhere.as_path()),
        ("XDG_DATA_HOME", xdg.as_path()),
    ];
    let snap = pi(&home, &vars, None);
    assert_eq!(input(&snap), 11111);
    assert_eq!(snap["metrics"]["total_sessions"]["used"], 5);
    // Without the variables, only the home's three.
    assert_eq!(input(&pi(&home, &[], None)), 1101);
}

#[test]
fn xdg_data_counts_only_where_oh_my_pi_keeps_its_data() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let xdg = tmp.path().join("data");
    fs::create_dir_all(&home).unwrap();
    fs::create_dir_all(&xdg).unwrap();
    let snap = pi(&home, &[("XDG_DATA_HOME", xdg.as_path())], None);
    assert_eq!(
        snap["status"], "unknown",
        "no $XDG_DATA_HOME/omp: not a root"
    );
    session(&xdg.join("omp/sessions/-x/e.jsonl"), "e", 5);
    assert_eq!(
        input(&pi(&home, &[("XDG_DATA_HOME", xdg.as_path())], None)),
        5
    );
}

#[test]
fn an_agent_dir_without_stray_transcripts_is_not_found() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join(".pi/agent")).unwrap();
    fs::write(tmp.path().join(".pi/agent/settings.json"), "{}").unwrap();
    let snap = pi(tmp.path(), &[], None);
    assert_eq!(snap["status"], "unknown");
    assert_eq!(
        snap["message"],
        "Pi sessions directory not found: ~/.pi/agent/sessions, ~/.omp/agent/sessions"
    );
}

#[test]
fn extra_dirs_add_to_the_roots_and_overlaps_are_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let archive = tmp.path().join("archive");
    let only = tmp.path().join("only");
    session(&home.join(".pi/agent/sessions/--p--/a.jsonl"), "a", 1);
    session(&archive.join("x.jsonl"), "x", 10);
    session(&only.join("y.jsonl"), "y", 100);
    let settings = tmp.path().join("settings.json");
    // The archive twice, and the default root again: each file once.
    fs::write(
        &settings,
        r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"extra_dirs":["archive","archive/.","home/.pi/agent/sessions"]}}]}"#,
    )
    .unwrap();
    assert_eq!(input(&pi(&home, &[], Some(&settings))), 11);
    // sessions_dir replaces the defaults; extra_dirs are still read.
    fs::write(
        &settings,
        r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"sessions_dir":"only","extra_dirs":["archive"]}}]}"#,
    )
    .unwrap();
    assert_eq!(input(&pi(&home, &[], Some(&settings))), 110);
}

#[test]
fn extra_dirs_that_are_not_a_list_of_directories_are_settings_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let settings = tmp.path().join("settings.json");
    fs::write(tmp.path().join("file"), "").unwrap();
    for (extra, place) in [
        (
            r#""extra_dirs":"archive""#,
            "extra.extra_dirs: expected an array",
        ),
        (r#""extra_dirs":["file"]"#, "extra.extra_dirs[0]"),
        (
            r#""extra_dirs":[7]"#,
            "extra.extra_dirs[0]: expected a string",
        ),
    ] {
        let text = format!(r#"{{"accounts":[{{"id":"pi","provider":"pi","extra":{{{extra}}}}}]}}"#);
        fs::write(&settings, text).unwrap();
        let (code, out, err) = run(openusage(tmp.path())
            .arg("--config")
            .arg(&settings)
            .arg("snapshot"));
        assert_eq!((code, out.as_str()), (2, ""), "{extra}");
        assert!(err.contains(place), "{extra}: {err}");
        assert!(err.contains(&settings.display().to_string()), "{err}");
    }
}

#[test]
fn detection_finds_pi_through_any_of_its_places() {
    let place = |setup: &dyn Fn(&Path)| {
        let tmp = tempfile::tempdir().unwrap();
        setup(tmp.path());
        let (code, out, err) = run(openusage(tmp.path()).args(["detect", "--json"]));
        assert_eq!(code, 0, "{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        doc["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == "pi")
    };
    assert!(place(&|h: &Path| session(
        &h.join(".pi/agent/x.jsonl"),
        "x",
        1
    )));
    assert!(place(&|h: &Path| fs::create_dir_all(
        h.join(".omp/profiles/p/agent/sessions")
    )
    .unwrap()));
    assert!(!place(
        &|h: &Path| fs::create_dir_all(h.join(".pi/agent")).unwrap()
    ));
}
