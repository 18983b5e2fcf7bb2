//! The settings file: our rules, and the Go openusage's keys.

use super::*;

/// The providers of this build.
const OURS: &[&str] = &["pi", "codex", "claude_code"];

fn load_bytes(bytes: &[u8]) -> Result<Settings, SettingsError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, bytes).unwrap();
    load(&path, OURS)
}

fn load_text(text: &str) -> Result<Settings, SettingsError> {
    load_bytes(text.as_bytes())
}

fn error_text(text: &str) -> String {
    load_text(text).unwrap_err().to_string()
}

#[test]
fn reads_accounts_with_their_extra_options() {
    let s =
        load_text(r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"sessions_dir":"~/s"}}]}"#)
            .unwrap();
    assert_eq!(s.accounts.len(), 1);
    assert_eq!(s.accounts[0].extra["sessions_dir"], "~/s");
    assert!(s.base_dir().is_some());
}

#[test]
fn the_refresh_interval_defaults_to_five_minutes_and_must_be_positive() {
    assert_eq!(load_text("{}").unwrap().ui.refresh_interval_seconds, 300);
    let s = load_text(r#"{"ui":{"refresh_interval_seconds":3}}"#).unwrap();
    assert_eq!(s.ui.refresh_interval_seconds, 3);
    let e = error_text(r#"{"ui":{"refresh_interval_seconds":0}}"#);
    assert!(
        e.ends_with("ui.refresh_interval_seconds: must be at least 1"),
        "{e}"
    );
    let e = error_text(r#"{"ui":{"refresh_interval_seconds":-1}}"#);
    assert!(
        e.contains("ui.refresh_interval_seconds: invalid value: integer `-1`"),
        "{e}"
    );
    let e = error_text(r#"{"ui":{"refresh":5}}"#);
    assert!(
        e.ends_with("ui.refresh: unknown key `refresh` (known: refresh_interval_seconds)"),
        "{e}"
    );
}

#[test]
fn detection_is_on_unless_turned_off() {
    assert!(load_text("{}").unwrap().detect);
    assert!(!load_text(r#"{"detect":false}"#).unwrap().detect);
    assert!(error_text(r#"{"detect":"no"}"#).contains("detect: invalid type"));
}

#[test]
fn the_time_zone_defaults_to_utc_and_an_unknown_one_is_an_error() {
    let env = Env::new("/h");
    assert_eq!(load_text("{}").unwrap().zone(&env), Zone::Utc);
    let warsaw = load_text(r#"{"timezone":"Europe/Warsaw"}"#).unwrap();
    assert_eq!(warsaw.zone(&env).name(), "Europe/Warsaw");
    let local = load_text(r#"{"timezone":"local"}"#).unwrap();
    let in_tokyo = env.clone().with_var("TZ", "Asia/Tokyo");
    assert_eq!(local.zone(&in_tokyo).name(), "Asia/Tokyo");
    let err = load_text(r#"{"timezone":"Europe/Atlantis"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("timezone: unknown time zone \"Europe/Atlantis\""),
        "{err}"
    );
    let err = load_text(r#"{"timezone":7}"#).unwrap_err().to_string();
    assert!(err.contains("timezone"), "{err}");
}

#[test]
fn user_prices_and_the_cost_mode_are_checked_where_they_stand() {
    let s = load_text(
        r#"{"cost":"calculate","prices":{"my-model":{"input":1.5,"output":6,"cache_read":0.15}}}"#,
    )
    .unwrap();
    assert_eq!(s.cost, Some(CostMode::Calculate));
    let price = s.prices["my-model"].per_token();
    assert_eq!((price.input, price.output), (1.5e-6, 6e-6));
    assert_eq!((price.cache_read, price.cache_write), (Some(0.15e-6), None));
    let e = error_text(r#"{"prices":{"m":{"input":-1,"output":2}}}"#);
    assert!(
        e.ends_with("prices.m: prices must be numbers of at least 0 (USD per million tokens)"),
        "{e}"
    );
    let e = error_text(r#"{"prices":{"m":{"input":1}}}"#);
    assert!(e.contains("prices.m: missing field `output`"), "{e}");
    let e = error_text(r#"{"prices":{"m":{"input":1,"output":2,"cache_wrte":3}}}"#);
    assert!(
        e.ends_with("prices.m.cache_wrte: unknown key `cache_wrte`; did you mean `cache_write`?"),
        "{e}"
    );
    let e = error_text(r#"{"cost":"cheap"}"#);
    assert!(e.contains("cost: unknown cost mode \"cheap\""), "{e}");
}

#[test]
fn a_missing_file_means_no_settings() {
    let s = load(Path::new("/nonexistent/openusage/settings.json"), OURS).unwrap();
    assert_eq!(s, Settings::default());
}

#[test]
fn invalid_json_names_line_and_column() {
    let e = error_text("{\n  \"accounts\": [\n    {\"id\": \"pi\",}\n  ]\n}");
    assert!(
        e.contains("settings.json, line 3, column 17: accounts[0]: trailing comma"),
        "{e}"
    );
    assert!(e.contains("trailing comma"), "{e}");
}

#[test]
fn a_wrong_type_names_the_place() {
    let e = error_text(r#"{"accounts":[{"id":"pi","provider":5}]}"#);
    assert!(
        e.contains("accounts[0].provider: invalid type: integer `5`, expected a string"),
        "{e}"
    );
}

#[test]
fn a_missing_id_and_an_unknown_key_are_errors() {
    let e = error_text(r#"{"accounts":[{"provider":"pi"}]}"#);
    assert!(e.contains("missing field `id`"), "{e}");
    let e = error_text(r#"{"acounts":[]}"#);
    assert!(
        e.ends_with("line 1, column 10: acounts: unknown key `acounts`; did you mean `accounts`?"),
        "{e}"
    );
}

#[test]
fn empty_and_duplicate_ids_are_errors() {
    let e = error_text(r#"{"accounts":[{"id":" ","provider":"pi"}]}"#);
    assert!(e.contains("accounts[0].id: the account id is empty"), "{e}");
    let e = error_text(r#"{"accounts":[{"id":"a","provider":"pi"},{"id":"a","provider":"pi"}]}"#);
    assert!(
        e.contains(r#"accounts[1].id: duplicate account id "a" (also accounts[0])"#),
        "{e}"
    );
}

#[test]
fn trailing_garbage_and_invalid_utf8_are_syntax_errors() {
    assert!(error_text(r#"{"accounts":[]} x"#).contains("trailing characters"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(
        &path,
        b"{\"accounts\":[{\"id\":\"\xff\",\"provider\":\"pi\"}]}",
    )
    .unwrap();
    let e = load(&path, OURS).unwrap_err().to_string();
    assert!(e.contains("line 1, column"), "{e}");
}

#[test]
fn only_a_regular_file_of_at_most_a_mebibyte_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let e = load(dir.path(), OURS).unwrap_err().to_string();
    assert!(e.ends_with("not a regular file (a directory)"), "{e}");
    let big = dir.path().join("big.json");
    // Valid JSON, one byte over the limit: refused for its size alone.
    let mut text = b"{}".to_vec();
    text.resize(MAX_SETTINGS_BYTES as usize + 1, b' ');
    std::fs::write(&big, &text).unwrap();
    let e = load(&big, OURS).unwrap_err().to_string();
    assert!(e.contains("big.json: larger than 1 MiB"), "{e}");
    text.pop();
    std::fs::write(&big, &text).unwrap();
    assert!(load(&big, OURS).is_ok(), "exactly 1 MiB is read");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_refused_without_blocking() {
    let e = load(Path::new("/dev/zero"), OURS).unwrap_err().to_string();
    assert_eq!(
        e, "settings file /dev/zero: not a regular file (a device)",
        "{e}"
    );
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("settings.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped the FIFO: mkfifo is not available");
        return;
    }
    // No writer: a blocking open would never return.
    let e = load(&fifo, OURS).unwrap_err().to_string();
    assert!(
        e.ends_with("settings.json: not a regular file (a FIFO)"),
        "{e}"
    );
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let e = load(&link, OURS).unwrap_err().to_string();
    assert!(e.ends_with("link.json: not a regular file (a FIFO)"), "{e}");
}

#[test]
fn the_path_comes_from_the_flag_then_the_variable_then_the_config_dir() {
    let env = Env::new("/h").with_var("OPENUSAGE_CONFIG", "/from/env.json");
    assert_eq!(
        settings_path(Some(Path::new("~/x.json")), &env),
        Some(PathBuf::from("/h/x.json"))
    );
    assert_eq!(
        settings_path(None, &env),
        Some(PathBuf::from("/from/env.json"))
    );
    let env = Env::new("/h");
    assert_eq!(
        settings_path(None, &env),
        Some(PathBuf::from("/h/.config/openusage/settings.json"))
    );
}

#[test]
fn the_path_falls_back_to_xdg_config_home_when_it_is_absolute() {
    let env = Env::new("/h").with_var("XDG_CONFIG_HOME", "/xdg");
    assert_eq!(
        settings_path(None, &env),
        Some(PathBuf::from("/xdg/openusage/settings.json"))
    );
    let env = Env::new("/h").with_var("XDG_CONFIG_HOME", "rel");
    assert_eq!(
        settings_path(None, &env),
        Some(PathBuf::from("/h/.config/openusage/settings.json"))
    );
}

#[test]
fn a_named_settings_file_that_does_not_exist_is_a_note() {
    let home = tempfile::tempdir().unwrap();
    let env = Env::new(home.path());
    let s = find(Some(Path::new("~/nope.json")), &env, OURS).unwrap();
    assert_eq!(s.path, None);
    assert_eq!(
        s.notes,
        ["settings file ~/nope.json does not exist; using detected accounts"]
    );
    let env = env.with_var("OPENUSAGE_CONFIG", "/missing/s.json");
    let s = find(None, &env, OURS).unwrap();
    assert_eq!(
        s.notes,
        [
            "settings file /missing/s.json (from $OPENUSAGE_CONFIG) does not exist; using detected accounts"
        ]
    );
    // The default place is not named by the user: its absence is normal.
    let s = find(None, &Env::new(home.path()), OURS).unwrap();
    assert_eq!(s, Settings::default());
}

#[test]
fn auto_detect_of_the_go_openusage_turns_detection_on_or_off_unless_detect_is_set() {
    let s = load_text(r#"{"auto_detect":false}"#).unwrap();
    assert!(!s.detect);
    assert!(s.notes.is_empty(), "a mapped key is no note: {:?}", s.notes);
    assert!(load_text(r#"{"auto_detect":true}"#).unwrap().detect);
    assert!(
        load_text(r#"{"auto_detect":false,"detect":true}"#)
            .unwrap()
            .detect
    );
    assert!(
        !load_text(r#"{"detect":false,"auto_detect":true}"#)
            .unwrap()
            .detect
    );
    let e = error_text(r#"{"auto_detect":"yes"}"#);
    assert!(e.contains("auto_detect: invalid type: string"), "{e}");
}

#[test]
fn the_go_openusages_other_keys_are_ignored_with_one_note() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let text = r#"{"theme":"Gruvbox","ui":{"refresh_interval_seconds":30,"warn_threshold":0.2,"crit_threshold":0.05},"hub":{"listen_addr":":9190"}}"#;
    std::fs::write(&path, text).unwrap();
    let s = load(&path, OURS).unwrap();
    assert_eq!(s.ui.refresh_interval_seconds, 30, "ours too");
    assert_eq!(
        s.notes,
        [format!(
            "{}: ignoring what only the Go openusage reads: theme, hub, ui.warn_threshold, ui.crit_threshold",
            path.display()
        )]
    );
}

#[test]
fn every_key_of_the_go_openusage_is_accepted_whatever_its_value() {
    for key in go::TOP_LEVEL {
        for value in ["{\"x\":[1]}", "[]", "\"s\"", "3"] {
            let s = load_text(&format!("{{\"{key}\":{value}}}")).unwrap();
            assert_eq!(s.notes.len(), 1, "{key}");
            assert!(s.notes[0].ends_with(&format!("reads: {key}")), "{s:?}");
        }
    }
    for key in go::ACCOUNT {
        let text = format!(r#"{{"accounts":[{{"id":"pi","provider":"pi","{key}":{{}}}}]}}"#);
        let s = load_text(&text).unwrap();
        assert_eq!(s.accounts, [AccountConfig::new("pi", "pi")], "{key}");
        assert!(s.notes[0].ends_with(&format!("reads: accounts[0].{key}")));
    }
    // What the Go openusage writes when it has nothing: null.
    let s = load_text(r#"{"accounts":null,"auto_detected_accounts":null}"#).unwrap();
    assert_eq!((s.accounts, s.notes), (vec![], vec![]));
}

#[test]
fn accounts_of_providers_only_the_go_openusage_has_are_skipped_not_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    let text = r#"{"accounts":[
        {"id":"openai-personal","provider":"openai","api_key_env":"OPENAI_API_KEY","probe_model":"gpt-4.1-mini"},
        {"id":"pi","provider":"pi","provider_paths":{"sessions_dir":"/x"},"binary":"pi"},
        {"id":"cursor","provider":"cursor"},
        {"id":"claude","provider":"claude_code","extra":{"projects_dir":"/p"}}
    ]}"#;
    std::fs::write(&path, text).unwrap();
    let s = load(&path, OURS).unwrap();
    let mut claude = AccountConfig::new("claude", "claude_code");
    claude.extra.insert("projects_dir".into(), "/p".into());
    assert_eq!(s.accounts, [AccountConfig::new("pi", "pi"), claude]);
    assert_eq!((s.account_index(0), s.account_index(1)), (1, 3));
    assert_eq!(
        s.notes,
        [format!(
            "{}: ignoring what only the Go openusage reads: accounts[0] (provider \"openai\"), \
             accounts[1].binary, accounts[1].provider_paths, accounts[2] (provider \"cursor\")",
            path.display()
        )]
    );
    // A provider neither tool has stays, for the registry to refuse.
    let s = load_text(r#"{"accounts":[{"id":"x","provider":"claude"}]}"#).unwrap();
    assert_eq!(s.accounts, [AccountConfig::new("x", "claude")]);
    // A provider of the Go tool that this build has is read, not skipped.
    let s = load(&path, &["pi", "codex", "claude_code", "cursor"]).unwrap();
    assert_eq!(s.accounts.len(), 3);
}

#[test]
fn errors_name_accounts_by_their_index_in_the_file_skipped_ones_counted() {
    let e =
        error_text(r#"{"accounts":[{"id":"o","provider":"openai"},{"id":"","provider":"pi"}]}"#);
    assert!(
        e.ends_with("accounts[1].id: the account id is empty"),
        "{e}"
    );
    let e = error_text(
        r#"{"accounts":[{"id":"a","provider":"pi"},{"id":"a","provider":"groq"},{"id":"a","provider":"codex"}]}"#,
    );
    assert!(
        e.ends_with(r#"accounts[2].id: duplicate account id "a" (also accounts[0])"#),
        "{e}"
    );
    // Keys of a skipped account are still checked: a typo is a typo.
    let e = error_text(r#"{"accounts":[{"id":"o","provider":"openai","api_key_envv":"K"}]}"#);
    assert!(
        e.contains(
            "accounts[0].api_key_envv: unknown key `api_key_envv`; did you mean `api_key_env`?"
        ),
        "{e}"
    );
}

#[test]
fn an_unknown_key_is_an_error_with_a_hint_when_a_known_one_is_close() {
    let e = error_text(r#"{"them":"Nord"}"#);
    assert!(
        e.ends_with("them: unknown key `them`; did you mean `theme`?"),
        "{e}"
    );
    let e = error_text(r#"{"ui":{"warn_treshold":0.2}}"#);
    assert!(e.ends_with("did you mean `warn_threshold`?"), "{e}");
    let e = error_text(r#"{"accounts":[{"id":"p","provider":"pi","exta":{}}]}"#);
    assert!(e.ends_with("did you mean `extra`?"), "{e}");
    // Nothing close: the keys that do something are listed, not the Go
    // openusage's ignored ones.
    let e = error_text(r#"{"colour":"red"}"#);
    assert!(
        e.ends_with(
            "colour: unknown key `colour` (known: accounts, ui, detect, timezone, cost, prices, auto_detect)"
        ),
        "{e}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted_and_a_document_that_is_no_object_is_an_error() {
    let s = load_bytes(b"\xEF\xBB\xBF{\"detect\":false}").unwrap();
    assert!(!s.detect);
    for (text, found) in [
        ("[]", "an array"),
        ("\u{FEFF} [{\"id\":\"pi\"}]", "an array"),
        ("\"settings\"", "a string"),
        ("null", "null"),
        ("42", "a number"),
        ("true", "a boolean"),
    ] {
        let e = error_text(text);
        assert!(
            e.ends_with(&format!(
                "settings.json: top level: expected a JSON object ({{ ... }}), found {found}"
            )),
            "{text}: {e}"
        );
    }
    // Not JSON at all: where it breaks, as before.
    let e = error_text("[1,");
    assert!(e.contains("line 1, column 3"), "{e}");
    assert!(error_text("").contains("EOF while parsing"));
}

#[test]
fn a_note_naming_very_many_places_stays_one_line() {
    let accounts: Vec<String> = (0..40)
        .map(|i| format!(r#"{{"id":"o{i}","provider":"openai"}}"#))
        .collect();
    let s = load_text(&format!(r#"{{"accounts":[{}]}}"#, accounts.join(","))).unwrap();
    assert!(s.accounts.is_empty());
    let note = &s.notes[0];
    assert!(!note.contains('\n'));
    assert!(
        note.contains("accounts[23] (provider \"openai\") and 16 more"),
        "{note}"
    );
    assert!(!note.contains("accounts[24]"), "{note}");
}
