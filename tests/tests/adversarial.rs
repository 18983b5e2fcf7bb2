//! Hostile and broken inputs: nothing hangs, nothing panics, the good turns
//! beside the bad ones are counted, and what was dropped is counted. Most
//! cases are homes under `fixtures/adversarial/` (its README gives each
//! expected number); the ones git cannot hold (a FIFO, a 200 MB line,
//! 100,000 files) are built here in a temporary home. Unreadable files and
//! directories are in `permissions.rs`.

#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};

use openusage_e2e::{copy_tree, fixture, openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";

const HEADER: &str = r#"{"type":"session","version":3,"id":"s1","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/home/alice/code/webapp"}"#;
const TURN: &str = r#"{"type":"message","id":"a1","timestamp":"2026-11-20T08:00:05.000Z","message":{"role":"assistant","content":[],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":1000,"output":500,"cacheRead":0,"cacheWrite":0},"timestamp":1795161604000}}"#;

fn sessions(home: &Path) -> PathBuf {
    let dir = home.join(".pi/agent/sessions/--home-alice-code-webapp--");
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A session file with the good turn first and `bad` after it.
fn with_bad_line(home: &Path, name: &str, bad: &[u8]) {
    let mut bytes = format!("{HEADER}\n{TURN}\n").into_bytes();
    bytes.extend_from_slice(bad);
    bytes.push(b'\n');
    fs::write(sessions(home).join(name), bytes).unwrap();
}

fn snapshot(home: &Path) -> serde_json::Value {
    let (code, out, err) = run(openusage(home).args([
        "--now",
        NOW,
        "snapshot",
        "--json",
        "--provider",
        "pi",
        "--no-cache",
    ]));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["snapshots"][0].clone()
}

fn used(snap: &serde_json::Value, metric: &str) -> u64 {
    snap["metrics"][metric]["used"].as_u64().unwrap_or(0)
}

/// The JSON snapshot of `provider` for `home`, the binary run with at most
/// `kib` KiB of data memory (heap and private mappings: `ulimit -d`).
fn snapshot_within(home: &Path, provider: &str, kib: u64) -> serde_json::Value {
    let inner = openusage(home);
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.env_clear();
    for (key, value) in inner.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd.arg("-c")
        .arg(format!("ulimit -d {kib} && exec \"$0\" \"$@\""))
        .arg(inner.get_program())
        .args(["--now", NOW, "snapshot", "--json", "--provider", provider])
        .arg("--no-cache");
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["snapshots"][0].clone()
}

#[test]
fn a_200_mb_single_line_is_read_past_without_being_gathered() {
    let home = tempfile::tempdir().unwrap();
    let image = format!(
        r#"{{"type":"message","message":{{"role":"user","content":[{{"type":"image","data":"{}"}}]}}}}"#,
        "A".repeat(200 * 1024 * 1024)
    );
    with_bad_line(home.path(), "big.jsonl", image.as_bytes());
    // Streamed, not gathered: within 128 MiB of data memory, less than the
    // line alone (measured: about 10 MB of resident memory in all).
    let snap = snapshot_within(home.path(), "pi", 128 * 1024);
    assert_eq!(used(&snap, "total_tokens"), 1500);
    assert_eq!(snap["diagnostics"]["lines_dropped"], 0);
    assert_eq!(snap["diagnostics"]["lines_oversized"], 0);
}

#[test]
fn a_sparse_2_gb_line_of_nothing_costs_neither_memory_nor_a_drop() {
    // 2 GB of NUL bytes that take no disk: one line, no word, never
    // gathered, skipped unvalidated.
    let home = tempfile::tempdir().unwrap();
    with_bad_line(home.path(), "sparse.jsonl", b"");
    let path = sessions(home.path()).join("sparse.jsonl");
    let file = fs::OpenOptions::new().append(true).open(&path).unwrap();
    let len = file.metadata().unwrap().len();
    file.set_len(len + 2_000_000_000).unwrap();
    drop(file);
    let snap = snapshot_within(home.path(), "pi", 128 * 1024);
    assert_eq!(used(&snap, "total_tokens"), 1500);
    assert_eq!(snap["diagnostics"]["lines_dropped"], 0);
    assert_eq!(snap["diagnostics"]["lines_oversized"], 0);
}

#[test]
fn a_multi_megabyte_tool_result_with_usage_is_counted() {
    let home = tempfile::tempdir().unwrap();
    let tool = format!(
        r#"{{"type":"message","id":"t1","timestamp":"2026-11-20T08:00:09.000Z","message":{{"role":"toolResult","content":[{{"type":"text","text":"{}"}}],"usage":{{"input":700,"output":0,"cacheRead":0,"cacheWrite":0}},"timestamp":1795161609000}}}}"#,
        "x".repeat(24 * 1024 * 1024)
    );
    with_bad_line(home.path(), "tool.jsonl", tool.as_bytes());
    let snap = snapshot_within(home.path(), "pi", 128 * 1024);
    assert_eq!(used(&snap, "total_tokens"), 1500 + 700);
    assert_eq!(snap["diagnostics"]["lines_oversized"], 0);
}

#[cfg(target_os = "linux")]
#[test]
fn links_to_files_of_procfs_are_counted_and_never_read() {
    // `/proc/self/pagemap` claims to be a regular file and grows without
    // end; `/proc/self/status` is made up on every read.
    let home = tempfile::tempdir().unwrap();
    with_bad_line(home.path(), "s.jsonl", b"");
    let dir = sessions(home.path());
    std::os::unix::fs::symlink("/proc/self/pagemap", dir.join("pagemap.jsonl")).unwrap();
    std::os::unix::fs::symlink("/proc/self/status", dir.join("status.jsonl")).unwrap();
    std::os::unix::fs::symlink("/proc", dir.join("proc")).unwrap();
    let snap = snapshot(home.path());
    assert_eq!(used(&snap, "total_tokens"), 1500);
    assert_eq!(snap["diagnostics"]["files_read"], 1);
    assert_eq!(snap["diagnostics"]["files_special"], 2);
    assert_eq!(snap["diagnostics"]["files_unreadable"], 0);
}

#[test]
fn a_hard_linked_transcript_counts_its_key_less_records_once() {
    // Records without message id or request id are each their own
    // request: read twice, they would count twice.
    let home = tempfile::tempdir().unwrap();
    let projects = home.path().join(".claude/projects");
    let (a, b) = (
        projects.join("-home-alice-a"),
        projects.join("-home-alice-b"),
    );
    fs::create_dir_all(&a).unwrap();
    fs::create_dir_all(&b).unwrap();
    let bare = r#"{"type":"assistant","sessionId":"s1","timestamp":"2026-11-20T09:00:00Z","message":{"model":"claude-opus-4-1","usage":{"input_tokens":40,"output_tokens":2}}}"#;
    fs::write(a.join("s1.jsonl"), format!("{bare}\n{bare}\n")).unwrap();
    fs::hard_link(a.join("s1.jsonl"), b.join("s1.jsonl")).unwrap();
    let snap = snapshot_within(home.path(), "claude_code", 1024 * 1024);
    assert_eq!(used(&snap, "total_tokens"), 2 * 42);
    assert_eq!(snap["diagnostics"]["files_read"], 1);
}

/// The snapshot of the fixture home `fixtures/adversarial/<case>/home`.
fn case(name: &str) -> serde_json::Value {
    snapshot(&fixture(&format!("adversarial/{name}/home")))
}

fn models(snap: &serde_json::Value) -> Vec<String> {
    snap["model_usage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["raw_model_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_file_of_nuls_is_skipped_and_counted() {
    let snap = case("nuls");
    assert_eq!(used(&snap, "total_tokens"), 1500);
    assert_eq!(snap["diagnostics"]["files_skipped"], 1);
    assert_eq!(snap["diagnostics"]["lines_dropped"], 1);
}

#[test]
fn invalid_utf8_in_content_or_model_name_reads_as_replacement_characters() {
    let snap = case("invalid-utf8");
    assert_eq!(used(&snap, "total_tokens"), 4500);
    assert_eq!(snap["diagnostics"]["lines_dropped"], 0);
    let models = models(&snap);
    assert!(
        models.contains(&"\u{FFFD}laude-sonnet-4-5".to_owned()),
        "{models:?}"
    );
    assert!(
        models.contains(&"claude-sonnet-4-5".to_owned()),
        "{models:?}"
    );
}

#[test]
fn a_raw_control_character_drops_only_its_line() {
    let snap = case("control-char");
    assert_eq!(used(&snap, "total_tokens"), 1500);
    assert_eq!(snap["diagnostics"]["lines_dropped"], 1);
}

#[test]
fn nesting_100_000_deep_hides_nothing_and_is_passed_over() {
    let snap = case("deep-nesting");
    assert_eq!(used(&snap, "total_tokens"), 1500);
    // It names no word a line that matters names: not examined.
    assert_eq!(snap["diagnostics"]["lines_dropped"], 0);
}

#[test]
fn out_of_range_numbers_count_as_zero() {
    let snap = case("numbers");
    // 1e400, -0 and 2^64 count as 0; the cacheWrite of 7 beside them counts.
    assert_eq!(used(&snap, "total_tokens"), 1500 + 7);
    assert_eq!(snap["diagnostics"]["lines_dropped"], 0);
}

#[test]
fn the_last_of_duplicate_keys_wins() {
    let snap = case("duplicate-keys");
    assert_eq!(used(&snap, "total_tokens"), 1500 + 2 + 500);
    let models = models(&snap);
    assert!(
        models.contains(&"claude-haiku-4-5".to_owned()),
        "{models:?}"
    );
    assert!(!models.contains(&"first-model".to_owned()), "{models:?}");
}

#[test]
fn links_to_devices_missing_files_and_loops_never_hang_or_count() {
    let snap = case("links");
    assert_eq!(used(&snap, "total_tokens"), 1500);
    assert_eq!(snap["diagnostics"]["files_read"], 1);
}

#[test]
fn a_fifo_named_like_a_session_is_never_opened() {
    let home = tempfile::tempdir().unwrap();
    copy_tree(&fixture("adversarial/links/home"), home.path());
    let fifo = sessions(home.path()).join("fifo.jsonl");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success(), "mkfifo");
    let snap = snapshot(home.path());
    assert_eq!(used(&snap, "total_tokens"), 1500);
    assert_eq!(snap["diagnostics"]["files_read"], 1);
}

#[test]
fn a_sessions_root_that_is_a_broken_link_is_not_found() {
    let snap = case("broken-root");
    assert_eq!(snap["status"], "unknown");
    assert_eq!(
        snap["message"],
        "Pi sessions directory not found: ~/.pi/agent/sessions, ~/.omp/agent/sessions"
    );
}

#[test]
fn a_hundred_thousand_tiny_files_are_all_counted() {
    let home = tempfile::tempdir().unwrap();
    let dir = sessions(home.path());
    for i in 0..100_000 {
        let header = HEADER.replace(r#""id":"s1""#, &format!(r#""id":"s{i}""#));
        let turn = TURN
            .replace(r#""id":"a1""#, &format!(r#""id":"a{i}""#))
            .replace("1795161604000", &(1_795_161_604_000u64 + i).to_string());
        fs::write(
            dir.join(format!("{i}.jsonl")),
            format!("{header}\n{turn}\n"),
        )
        .unwrap();
    }
    let snap = snapshot(home.path());
    assert_eq!(used(&snap, "total_sessions"), 100_000);
    assert_eq!(used(&snap, "total_tokens"), 150_000_000);
}
