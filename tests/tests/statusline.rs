//! `openusage statusline` on `fixtures/blocks` and `fixtures/codex/limits`
//! (together in one home), against the figures their `EXPECTED.md` files
//! derive by hand ("The status line"): the default line, `--format`, the
//! Claude Code session given on `--stdin`, a stdin that never ends, no
//! escape code unless `--color`, and a bad template's exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use openusage_e2e::{copy_tree, fixture, openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";
/// The Pi session of `fixtures/blocks` active on 2026-11-20 (R9, R10).
const SESSION: &str = "b1000003-0000-4000-8000-000000000003";

/// A home holding both fixtures' agent folders (`.pi` and `.codex`).
fn both() -> PathBuf {
    let home = std::env::temp_dir().join(format!("openusage-statusline-{}", std::process::id()));
    if !home.join(".codex").exists() {
        copy_tree(&fixture("blocks/home"), &home);
        copy_tree(&fixture("codex/limits/home"), &home);
    }
    home
}

fn line(home: &Path, flags: &[&str]) -> String {
    let (code, out, err) = run(openusage(home)
        .args(["--now", NOW, "statusline"])
        .args(flags)
        .stdin(Stdio::null()));
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn the_default_line_has_todays_cost_and_tokens_and_the_active_block() {
    // fixtures/blocks: today R9 + R10, $0.375 (two decimals, half to
    // even: $0.38), 3,000 tokens (3.00K); block E 3 h left, 2,000 tokens/h.
    let out = line(&fixture("blocks/home"), &[]);
    assert_eq!(out, "today $0.38 3.00K tok · block 3h left 2.00K/h\n");
}

#[test]
fn limits_are_said_per_account_with_a_passed_reset_as_reset() {
    // Codex: main 5h reset at 11:30 (passed), 7d 45 %, codex_bengalfox
    // 1h 7 %; tokens today 3,000 (Pi) + 110 + 170 (Codex) = 3,280.
    let out = line(
        &both(),
        &[
            "-f",
            "{today_tokens}|{limits}|{limit_primary}|{limit_secondary}",
        ],
    );
    assert_eq!(
        out,
        "3.28K|codex 5h reset 7d 45% codex_bengalfox 1h 7%|reset|45%\n"
    );
    let out = line(
        &both(),
        &["--provider", "pi", "-f", "{limits} {block_cost_burn}"],
    );
    // No limit reading: `-`; the block's cost burn $0.25/h.
    assert_eq!(out, "- $0.25/h\n");
}

#[test]
fn every_block_placeholder_reads_the_active_block() {
    // Block E: 2 h elapsed, 3 h left, 3,000 tokens, $0.375 → $0.38,
    // projection 9,000 tokens.
    let out = line(
        &fixture("blocks/home"),
        &[
            "-f",
            "{block_elapsed} {block_remaining} {block_tokens} {block_cost} {block_projected} {today_requests}",
        ],
    );
    assert_eq!(out, "2h 3h 3.00K $0.38 9.00K 2\n");
}

fn with_stdin(home: &Path, input: &[u8], flags: &[&str]) -> String {
    let mut child = openusage(home)
        .args(["--now", NOW, "statusline"])
        .args(flags)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_session_and_model_claude_code_gives_on_stdin_lead_the_line() {
    let input = format!(
        r#"{{"session_id":"{SESSION}","model":{{"id":"claude-opus-4-1","display_name":"Opus"}},"cwd":"/x"}}"#
    );
    let out = with_stdin(&fixture("blocks/home"), input.as_bytes(), &["--stdin"]);
    // Session 3 is R9 + R10: $0.375, 3,000 tokens.
    assert_eq!(
        out,
        "Opus · session $0.38 3.00K tok · today $0.38 3.00K tok · block 3h left 2.00K/h\n"
    );
    // Without --stdin nothing is read from it.
    let out = with_stdin(&fixture("blocks/home"), input.as_bytes(), &[]);
    assert!(out.starts_with("today "), "{out}");
}

#[test]
fn a_stdin_nobody_closes_is_given_up_and_the_line_still_comes() {
    let mut child = openusage(&fixture("blocks/home"))
        .args(["--now", NOW, "statusline", "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Held open, never written to, until the line is out.
    let held = child.stdin.take();
    let start = Instant::now();
    let out = child.wait_with_output().unwrap();
    drop(held);
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "today $0.38 3.00K tok · block 3h left 2.00K/h\n"
    );
}

#[test]
fn hostile_text_on_stdin_and_in_transcripts_prints_no_control_character() {
    let input = br#"{"session_id":"x","model":{"display_name":"\u001b]0;pwn\u0007Op\nus"}}"#;
    let out = with_stdin(&fixture("adversarial/home"), input, &["--stdin"]);
    let body = out.strip_suffix('\n').unwrap();
    assert!(!body.chars().any(char::is_control), "{out:?}");
    // --color is the only way to an escape code.
    assert!(!line(&both(), &[]).contains('\x1b'));
    assert!(line(&both(), &["--color"]).contains("\x1b[32m45%\x1b[0m"));
}

#[test]
fn a_template_with_an_unknown_placeholder_exits_2_and_names_it() {
    let (code, out, err) = run(openusage(&fixture("blocks/home"))
        .args(["statusline", "-f", "{today_cots}"])
        .stdin(Stdio::null()));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("no placeholder {today_cots}"), "{err}");
}

#[test]
fn the_help_lists_every_placeholder() {
    let (code, out, _) = run(Command::new(openusage_e2e::binary()).args(["statusline", "--help"]));
    assert_eq!(code, 0);
    for name in [
        "{today_cost}",
        "{block_burn}",
        "{limits}",
        "{session_tokens}",
    ] {
        assert!(out.contains(name), "{name} missing from:\n{out}");
    }
}
