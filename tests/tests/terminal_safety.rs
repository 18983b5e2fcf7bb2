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
