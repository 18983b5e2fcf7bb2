//! Text from transcripts (model and provider names, working directories)
//! can carry escape sequences, carriage returns and bidirectional controls
//! from untrusted repositories. Nothing the program prints lets them act on
//! the terminal. (Part of issue #6.)

use std::fs;

use openusage_e2e::{openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";

/// Control characters a terminal acts on, and the bidi overrides that make
/// text read other than it is.
fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn hostile_names_print_inert_everywhere() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".pi/agent/sessions/--x--");
    fs::create_dir_all(&dir).unwrap();
    // JSON escapes as Pi would write them: ESC, BEL, CR, RLO.
    let header = r#"{"type":"session","version":3,"id":"s1\u001b[5m","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/home/a/evil\u001b]0;owned\u0007\r\u202ecod"}"#;
    let turn = r#"{"type":"message","id":"a1","timestamp":"2026-11-20T08:00:05.000Z","message":{"role":"assistant","provider":"prov\u001b[2J","model":"mod\u001b[31mel\u202e","usage":{"input":1000,"output":500}}}"#;
    fs::write(dir.join("s.jsonl"), format!("{header}\n{turn}\n")).unwrap();
    for args in [
        &["dashboard", "--once", "--width", "120"][..],
        &["analytics", "--once", "--width", "120"][..],
        &["analytics", "--once", "--width", "60"][..],
        &["snapshot"][..],
        &["detect"][..],
        &["report", "session", "--breakdown"][..],
        &["report", "daily", "--breakdown"][..],
        &["blocks"][..],
        &["statusline"][..],
    ] {
        let (code, out, err) = run(openusage(home.path()).args(["--now", NOW]).args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        let bad: Vec<char> = out.chars().filter(|&c| acts_on_a_terminal(c)).collect();
        assert!(bad.is_empty(), "{args:?} printed {bad:?}:\n{out}");
    }
    let (_, screen, _) =
        run(openusage(home.path()).args(["--now", NOW, "analytics", "--once", "--width", "120"]));
    assert!(
        screen.contains(r"mod\u{1b}[31mel\u{202e}"),
        "shown, escaped:\n{screen}"
    );
    // JSON carries the names as data, control and bidi characters escaped.
    let (_, json, _) = run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json"]));
    assert!(!json.chars().any(acts_on_a_terminal), "{json}");
    assert!(json.contains(r"mod\u001b[31mel\u202e"), "{json}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        doc["snapshots"][0]["model_usage"][0]["raw_model_id"],
        "mod\u{1b}[31mel\u{202e}"
    );
    let (_, json, _) = run(openusage(home.path()).args([
        "--now",
        NOW,
        "report",
        "session",
        "--json",
        "--breakdown",
    ]));
    assert!(!json.chars().any(acts_on_a_terminal), "{json}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["rows"][0]["session_id"], "s1\u{1b}[5m");
    assert_eq!(
        doc["rows"][0]["models"][0]["model"],
        "mod\u{1b}[31mel\u{202e}"
    );
}

/// A Pi home of one session whose id, working directory and model are
/// the given strings (written as JSON strings, so any character goes).
fn pi_home(session: &str, cwd: &str, model: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".pi/agent/sessions/--x--");
    fs::create_dir_all(&dir).unwrap();
    let json = |s: &str| serde_json::to_string(s).unwrap();
    let header = format!(
        r#"{{"type":"session","version":3,"id":{},"timestamp":"2026-11-20T08:00:00.000Z","cwd":{}}}"#,
        json(session),
        json(cwd)
    );
    let turn = format!(
        r#"{{"type":"message","id":"a1","timestamp":"2026-11-20T08:00:05.000Z","message":{{"role":"assistant","provider":"anthropic","model":{},"usage":{{"input":1000,"output":500}}}}}}"#,
        json(model)
    );
    let other = r#"{"type":"message","id":"a2","timestamp":"2026-11-20T08:00:09.000Z","message":{"role":"assistant","provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":10,"output":5}}}"#;
    fs::write(dir.join("s.jsonl"), format!("{header}\n{turn}\n{other}\n")).unwrap();
    home
}

/// Display columns, as a terminal counts them: two for the wide scripts
/// this file uses (CJK, fullwidth forms, emoji), none for combining marks.
fn columns(line: &str) -> usize {
    line.chars()
        .map(|c| match c {
            '\u{300}'..='\u{36f}' => 0,
            '\u{1100}'..='\u{115f}'
            | '\u{2e80}'..='\u{a4cf}'
            | '\u{ac00}'..='\u{d7a3}'
            | '\u{f900}'..='\u{faff}'
            | '\u{ff00}'..='\u{ff60}'
            | '\u{1f300}'..='\u{1faff}' => 2,
            _ => 1,
        })
        .sum()
}

const EVERY_TEXT_COMMAND: [&[&str]; 7] = [
    &["snapshot"],
    &["detect"],
    &["report", "session", "--breakdown"],
    &["report", "daily", "--breakdown"],
    &["report", "monthly"],
    &["dashboard", "--once", "--width", "100"],
    &["analytics", "--once", "--width", "100"],
];

#[test]
fn a_70_000_character_name_is_cut_in_every_table_never_a_panic() {
    let long_model = format!("claude-{}", "m".repeat(70_000));
    let long_session = "s".repeat(70_000);
    let long_dir = format!("/home/a/{}", "w".repeat(70_000));
    let home = pi_home(&long_session, &long_dir, &long_model);
    // And an account id as long, from the settings.
    let settings = home.path().join("settings.json");
    let id = "a".repeat(70_000);
    fs::write(
        &settings,
        format!(r#"{{"accounts":[{{"id":"{id}","provider":"pi"}}],"detect":false}}"#),
    )
    .unwrap();
    for config in [None, Some(&settings)] {
        for args in EVERY_TEXT_COMMAND {
            let mut cmd = openusage(home.path());
            if let Some(config) = config {
                cmd.arg("--config").arg(config);
            }
            let (code, out, err) = run(cmd.args(["--no-cache", "--now", NOW]).args(args));
            assert_eq!(code, 0, "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            // Views keep to their width; tables cut each cell to 256 columns.
            let widest = out.lines().map(columns).max().unwrap_or(0);
            let bound = if args.contains(&"--once") { 100 } else { 4_000 };
            assert!(widest <= bound, "{args:?}: a line of {widest} columns");
            // Without the settings, the summaries name no model or session.
            let shows_names = match args {
                ["snapshot" | "detect"] => config.is_some(),
                ["report", "monthly"] => false,
                _ => true,
            };
            assert!(
                out.contains('…') || !shows_names,
                "{args:?}: the long name is shown cut:\n{out}"
            );
        }
    }
    // JSON carries the whole name.
    let (code, json, _) =
        run(openusage(home.path()).args(["--no-cache", "--now", NOW, "snapshot", "--json"]));
    assert_eq!(code, 0);
    assert!(json.contains(&long_model));
}

#[test]
fn invisible_characters_are_shown_not_hidden() {
    // Looks exactly like the real model without the escapes.
    let disguised = "claude\u{200b}-sonnet\u{2060}-4-5\u{3164}\u{e0041}";
    let home = pi_home("s1\u{feff}", "/home/a/web\u{ad}app", disguised);
    for args in EVERY_TEXT_COMMAND {
        let (code, out, err) = run(openusage(home.path()).args(["--now", NOW]).args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        let hidden: Vec<char> = out
            .chars()
            .filter(|c| {
                matches!(
                    c,
                    '\u{200b}' | '\u{2060}' | '\u{3164}' | '\u{e0041}' | '\u{feff}' | '\u{ad}'
                )
            })
            .collect();
        assert!(hidden.is_empty(), "{args:?} printed {hidden:?}:\n{out}");
    }
    let (_, screen, _) =
        run(openusage(home.path()).args(["--now", NOW, "report", "daily", "--breakdown"]));
    assert!(
        screen.contains(r"claude\u{200b}-sonnet\u{2060}-4-5\u{3164}\u{e0041}"),
        "{screen}"
    );
    let (_, json, _) = run(openusage(home.path()).args([
        "--now",
        NOW,
        "report",
        "session",
        "--json",
        "--breakdown",
    ]));
    assert!(json.is_ascii(), "{json}");
    assert!(
        json.contains(r"claude\u200b-sonnet\u2060-4-5\u3164\udb40\udc41"),
        "{json}"
    );
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["rows"][0]["session_id"], "s1\u{feff}");
}

#[test]
fn json_escapes_del_and_the_c1_controls() {
    // U+009B is an 8-bit CSI: `\u009b2J` clears some terminals' screens.
    let home = pi_home("s1", "/home/a/x", "mod\u{7f}el\u{9b}2J\u{85}x");
    for args in [
        &["snapshot", "--json"][..],
        &["report", "session", "--json", "--breakdown"][..],
        &["report", "daily", "--json", "--breakdown"][..],
        &["detect", "--json"][..],
    ] {
        let (code, json, err) = run(openusage(home.path()).args(["--now", NOW]).args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        let raw: Vec<char> = json
            .chars()
            .filter(|&c| c.is_control() && c != '\n')
            .collect();
        assert!(raw.is_empty(), "{args:?}: raw {raw:?}");
        serde_json::from_str::<serde_json::Value>(&json).unwrap();
    }
    let (_, json, _) = run(openusage(home.path()).args(["--now", NOW, "snapshot", "--json"]));
    assert!(json.contains(r"mod\u007fel\u009b2J\u0085x"), "{json}");
}

#[test]
fn wide_characters_keep_tables_and_tiles_aligned() {
    let home = pi_home("s1", "/home/a/ウェブアプリ", "日本語モデル-😀");
    // Report tables: the cost column is right-aligned, so every row of the
    // table ends on the same column.
    let (code, out, err) =
        run(openusage(home.path()).args(["--now", NOW, "report", "daily", "--breakdown"]));
    assert_eq!(code, 0, "{err}");
    let table: Vec<&str> = out.lines().skip(2).take_while(|l| !l.is_empty()).collect();
    assert!(table.iter().any(|l| l.contains("日本語モデル-😀")), "{out}");
    let ends: Vec<usize> = table.iter().map(|l| columns(l)).collect();
    assert!(ends.windows(2).all(|w| w[0] == w[1]), "{ends:?}\n{out}");
    // The views: every line exactly as wide as asked, borders included.
    for page in ["dashboard", "analytics"] {
        let (code, out, err) =
            run(openusage(home.path()).args(["--now", NOW, page, "--once", "--width", "100"]));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("日本語モデル"), "{out}");
        for line in out.lines() {
            assert!(
                columns(line) <= 100,
                "{page}: {} columns: {line}",
                columns(line)
            );
        }
        if page == "dashboard" {
            // A tile's right border sits where the others' do.
            let borders: Vec<usize> = out
                .lines()
                .filter(|l| l.starts_with('│'))
                .map(columns)
                .collect();
            assert!(
                borders.windows(2).all(|w| w[0] == w[1]),
                "{borders:?}\n{out}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_closed_or_full_stdout_is_an_error_and_a_closed_pipe_is_not() {
    use std::process::{Command, Stdio};
    let home = pi_home("s1", "/home/a/x", "claude-sonnet-4-5");
    let bin = openusage_e2e::binary();
    let script = |redirect: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "exec \"$0\" --now {NOW} --no-cache snapshot {redirect}"
            ))
            .arg(bin)
            .env_clear()
            .env("HOME", home.path())
            .output()
            .unwrap()
    };
    for redirect in [">&-", ">/dev/full"] {
        let out = script(redirect);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{redirect}: {err}");
        assert_eq!(err.lines().count(), 1, "{redirect}: {err}");
        assert!(err.starts_with("openusage: cannot write output: "), "{err}");
    }
    // Discarding the output on purpose is a success.
    let out = script(">/dev/null");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    // A reader that closes the pipe early (`| head`) ends it quietly.
    let mut child = openusage(home.path())
        .args([
            "--now",
            NOW,
            "--no-cache",
            "report",
            "daily",
            "--json",
            "--breakdown",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_hostile_limit_id_prints_inert_in_the_snapshot_and_the_status_line() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".codex/sessions/2026/11/20");
    fs::create_dir_all(&dir).unwrap();
    let meta = r#"{"timestamp":"2026-11-20T08:00:00.000Z","type":"session_meta","payload":{"id":"01a1f7c2-0000-7c80-a4e3-2d6f8b0c1e09","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/w"}}"#;
    let turn = r#"{"timestamp":"2026-11-20T09:00:00.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":10,"reasoning_output_tokens":0,"total_tokens":110},"last_token_usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":10,"reasoning_output_tokens":0,"total_tokens":110}}}}"#;
    // A limit id: ESC, BEL, CR and RLO as JSON escapes.
    let limits = r#"{"timestamp":"2026-11-20T11:30:00.000Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"limit_id":"x\u001b]0;owned\u0007\r\u202e","primary":{"used_percent":5.0,"window_minutes":60,"resets_at":1795179600}}}}"#;
    let name = "rollout-2026-11-20T08-00-00-01a1f7c2-0000-7c80-a4e3-2d6f8b0c1e09.jsonl";
    fs::write(dir.join(name), format!("{meta}\n{turn}\n{limits}\n")).unwrap();
    for args in [
        &["snapshot"][..],
        &["statusline"][..],
        &["dashboard", "--once"][..],
    ] {
        let (code, out, err) = run(openusage(home.path()).args(["--now", NOW]).args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(out.contains("5%"), "{args:?}: the reading is shown:\n{out}");
        let bad: Vec<char> = out.chars().filter(|&c| acts_on_a_terminal(c)).collect();
        assert!(bad.is_empty(), "{args:?} printed {bad:?}:\n{out}");
    }
}
