//! The Go openusage's settings file works here unchanged (issue #15): both
//! tools read `~/.config/openusage/settings.json`. What has a meaning here
//! is read (`auto_detect`, the accounts of providers openusage has), the
//! rest is ignored with one note, and a misspelt key is still an error,
//! with a hint. The file is `fixtures/go-settings/settings.json` (its
//! README says where its shape comes from).

use std::path::{Path, PathBuf};

use openusage_e2e::{copy_tree, fixture, json_diff, openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";

/// A home with Pi's and Codex's fixture data, and the settings `text`
/// where both tools look for them.
fn home_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    for agent in ["pi", "codex"] {
        copy_tree(&fixture(&format!("{agent}/home")), home.path());
    }
    let path = home.path().join(".config/openusage/settings.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    (home, path)
}

fn go_settings_text() -> String {
    std::fs::read_to_string(fixture("go-settings/settings.json")).unwrap()
}

/// The fixture as JSON, to change a key (written back with sorted keys,
/// which JSON does not care about).
fn go_settings() -> serde_json::Value {
    serde_json::from_str(&go_settings_text()).unwrap()
}

/// `snapshot --json`: exit code, the snapshots' account ids, the document
/// and stderr.
fn snapshot(home: &Path) -> (i32, Vec<String>, serde_json::Value, String) {
    let (code, out, err) = run(openusage(home).args(["--now", NOW, "snapshot", "--json"]));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let ids = doc["snapshots"]
        .as_array()
        .map(|s| s.iter().map(|s| s["account_id"].to_string()).collect())
        .unwrap_or_default();
    (code, ids, doc, err)
}

/// The note, derived from the fixture by hand: its top-level keys the Go
/// tool alone reads (in the order of its `Config`), its gauge thresholds,
/// its four accounts of providers openusage does not have, and the `codex`
/// account's `binary`. `auto_detect` and `ui.refresh_interval_seconds` are
/// read, so not named.
fn expected_note(path: &Path) -> String {
    format!(
        "openusage: note: {}: ignoring what only the Go openusage reads: theme, data, \
         experimental, telemetry, dashboard, model_normalization, auto_detected_accounts, \
         integrations, export, hub, tmux, ui.warn_threshold, ui.crit_threshold, \
         accounts[0] (provider \"openai\"), accounts[1] (provider \"anthropic\"), \
         accounts[2] (provider \"cursor\"), accounts[3] (provider \"copilot\"), \
         accounts[4].binary\n",
        path.display()
    )
}

#[test]
fn the_go_openusages_file_is_read_with_one_note_and_its_auto_detect_turns_detection_off() {
    // The file byte for byte, as the Go tool writes it.
    let (home, path) = home_with(&go_settings_text());
    let (code, ids, doc, err) = snapshot(home.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, expected_note(&path), "exactly one note");
    // `auto_detect: false`: Pi's sessions in this home are not detected;
    // the one account of a provider openusage has is read.
    assert_eq!(ids, ["\"codex\""]);
    // ... and read as the Codex fixture home's own detected account is.
    let expected = std::fs::read_to_string(fixture("codex/expected/snapshot-codex.json")).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&expected).unwrap();
    if let Some(difference) = json_diff(&doc["snapshots"][0], &expected["snapshots"][0]) {
        panic!("the codex account differs from the fixture's: {difference}");
    }
}

#[test]
fn our_own_detect_wins_over_auto_detect() {
    let mut settings = go_settings();
    settings["detect"] = true.into();
    let (home, path) = home_with(&settings.to_string());
    let (code, ids, _, err) = snapshot(home.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, expected_note(&path));
    // Detected accounts come first, in the registry's order (Pi, then
    // Codex, whose detected account the configured `codex` replaces).
    assert_eq!(ids, ["\"pi\"", "\"codex\""]);
}

#[test]
fn a_misspelt_key_in_the_go_openusages_file_is_an_error_with_a_hint() {
    let mut settings = go_settings();
    let top = settings.as_object_mut().unwrap();
    let value = top.remove("auto_detect").unwrap();
    top.insert("auto_detcet".to_owned(), value);
    let (home, path) = home_with(&settings.to_string());
    let (code, out, err) = run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json"]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "openusage: settings file {}, line ",
            path.display()
        )),
        "{err}"
    );
    assert!(
        err.ends_with("auto_detcet: unknown key `auto_detcet`; did you mean `auto_detect`?\n"),
        "{err}"
    );
}

#[test]
fn an_error_in_an_account_after_skipped_ones_names_its_place_in_the_file() {
    // The second entry of the file, though the first is skipped: its index
    // is the file's, and the misspelt option gets its hint.
    let settings = r#"{"accounts":[
        {"id":"openai-personal","provider":"openai","api_key_env":"OPENAI_API_KEY"},
        {"id":"pi","provider":"pi","extra":{"sesions_dir":"~/s"}}
    ]}"#;
    let (home, _) = home_with(settings);
    let (code, out, err) = run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json"]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(
        err.ends_with(
            "accounts[1] (id \"pi\"), extra.sesions_dir: unknown option; did you mean `sessions_dir`?\n"
        ),
        "{err}"
    );
}
