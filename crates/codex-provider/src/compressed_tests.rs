//! Rollouts Codex compressed (`rollout-….jsonl.zst`): read like plain ones,
//! counted once when caught beside their plain twin, and a damaged one
//! counted as far as it can be read and reported. The compressed fixtures
//! are committed; the damaged ones are made from them here, so no test needs
//! a `zstd` binary.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use openusage_core::{
    AccountConfig, Env, LoadContext, MetricValue, Provider, Snapshot, collect_once,
};
use serde_json::Value;

use openusage_files::FileAgent;

use super::CodexProvider;

fn fixture_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/codex/home/.codex")
}

/// F9 of `fixtures/codex/EXPECTED.md`: archived, then compressed by Codex.
const ARCHIVED: &str =
    "archived_sessions/rollout-2026-10-27T16-12-44-019a26b8-5c3e-7d41-b0a7-3f6e2c9d8a15.jsonl.zst";
/// F10: caught mid-compression, plain and compressed side by side.
const PAIR: &str =
    "sessions/2026/11/05/rollout-2026-11-05T10-31-07-019a53c2-7e14-7b90-a6d8-51c0f2b9e347.jsonl";

fn collect(home: &Path) -> Snapshot {
    let env = Env::new(home);
    let account = CodexProvider
        .load_account(
            &AccountConfig::new("codex", "codex"),
            &LoadContext {
                env: &env,
                base_dir: None,
            },
        )
        .unwrap();
    let now = DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .unwrap()
        .to_utc();
    collect_once(&*account, &env, now)
}

/// A home holding `files` (name under `.codex/`, bytes).
fn home_with(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = home.path().join(".codex").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    home
}

fn read(name: &str) -> Vec<u8> {
    fs::read(fixture_home().join(name)).unwrap()
}

fn used(snap: &Snapshot, metric: &str) -> u64 {
    match snap.metrics.get(metric).map(|m| &m.used) {
        Some(MetricValue::Count(n)) => *n,
        other => panic!("{metric}: {other:?}"),
    }
}

fn diagnostic(snap: &Snapshot, key: &str) -> Value {
    snap.diagnostics.get(key).cloned().unwrap_or(Value::Null)
}

#[test]
fn codex_reads_plain_and_compressed_rollouts() {
    assert_eq!(CodexProvider::ENDINGS, ["jsonl", "jsonl.zst"]);
}

#[test]
fn an_archived_compressed_rollout_counts_like_its_plain_self() {
    // EXPECTED.md, F9: three records, 37,026 tokens; its ~290 KB tool
    // output spans several zstd blocks.
    let snap = collect(home_with(&[(ARCHIVED, read(ARCHIVED))]).path());
    assert_eq!(snap.message, "1 session, 37.0K tokens");
    assert_eq!(used(&snap, "total_tokens"), 37026);
    assert_eq!(used(&snap, "total_input_tokens"), 10240);
    assert_eq!(used(&snap, "total_cache_read"), 24576);
    assert_eq!(used(&snap, "total_output_tokens"), 2210);
    assert_eq!(diagnostic(&snap, "files_read"), 1);
    assert_eq!(diagnostic(&snap, "turns_counted"), 3);
    assert_eq!(diagnostic(&snap, "lines_dropped"), 0);
    assert_eq!(snap.model_usage[0].dimensions["workspace_label"], "docs");
}

#[test]
fn a_rollout_caught_both_plain_and_compressed_counts_once() {
    let plain = read(PAIR);
    let packed = read(&format!("{PAIR}.zst"));
    let zst = format!("{PAIR}.zst");
    let alone = collect(home_with(&[(PAIR, plain.clone())]).path());
    let packed_alone = collect(home_with(&[(&zst, packed.clone())]).path());
    let both = collect(home_with(&[(PAIR, plain), (&zst, packed)]).path());
    // EXPECTED.md, F10: two records, 18,103 tokens.
    for snap in [&alone, &packed_alone, &both] {
        assert_eq!(snap.message, "1 session, 18.1K tokens");
        assert_eq!(used(snap, "total_tokens"), 18103);
        assert_eq!(used(snap, "total_sessions"), 1);
        assert_eq!(diagnostic(snap, "turns_counted"), 2);
    }
    assert_eq!(snap_metrics(&alone), snap_metrics(&both));
    assert_eq!(diagnostic(&both, "files_read"), 2);
    assert_eq!(diagnostic(&both, "turns_duplicate"), 2, "the twin's events");
}

fn snap_metrics(snap: &Snapshot) -> String {
    serde_json::to_string(&(&snap.metrics, &snap.model_usage, &snap.daily_series)).unwrap()
}

#[test]
fn a_truncated_compressed_rollout_is_reported_and_the_others_still_count() {
    let whole = read(ARCHIVED);
    let cut = whole[..whole.len() * 2 / 3].to_vec();
    let home = home_with(&[(ARCHIVED, cut), (PAIR, read(PAIR))]);
    let snap = collect(home.path());
    // F9's frame keeps its whole content in one 2 MiB window, so nothing of
    // it was decoded before the cut: only F10 counts.
    assert_eq!(used(&snap, "total_tokens"), 18103);
    assert_eq!(diagnostic(&snap, "files_read"), 1);
    assert_eq!(diagnostic(&snap, "files_unreadable"), 1);
    let listed = diagnostic(&snap, "unreadable");
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    let line = listed[0].as_str().unwrap();
    assert!(
        line.contains("019a26b8-5c3e-7d41-b0a7-3f6e2c9d8a15.jsonl.zst: "),
        "{line}"
    );
    assert!(line.contains("corrupt or truncated zstd data"), "{line}");
    assert_eq!(snap.status, openusage_core::Status::Ok);
}

/// Bytes in a block of [`raw_frame`].
const BLOCK: usize = 128;

/// `content` as a zstd frame of raw blocks of [`BLOCK`] bytes with the
/// smallest window (1 KiB): the decoder hands out what it decoded but the
/// last window, so a cut loses little more than a KiB before it.
fn raw_frame(content: &[u8]) -> Vec<u8> {
    let mut out = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00];
    let blocks: Vec<&[u8]> = content.chunks(BLOCK).collect();
    for (i, block) in blocks.iter().enumerate() {
        let last = u32::from(i + 1 == blocks.len());
        let header = last | ((block.len() as u32) << 3);
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.extend_from_slice(block);
    }
    out
}

#[test]
fn a_compressed_rollout_cut_short_counts_exactly_the_records_before_the_cut() {
    let plain = read(PAIR);
    // Where F10's first record's line ends: its cumulative totals count
    // whole however the file ends after it.
    let first = b"\"total_token_usage\":{\"input_tokens\":7680,";
    let at = plain.windows(first.len()).position(|w| w == first).unwrap();
    let end = at + plain[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    // Cut a window and two blocks after the end of that line, well before
    // the end of the next record's line.
    let frame = raw_frame(&plain);
    let blocks = (end + 1024) / BLOCK + 2;
    let cut = 6 + blocks * (BLOCK + 3) + 10;
    let second = b"\"total_token_usage\":{\"input_tokens\":16896,";
    let next = plain
        .windows(second.len())
        .position(|w| w == second)
        .unwrap();
    let next_end = next + plain[next..].iter().position(|&b| b == b'\n').unwrap();
    assert!(
        blocks * BLOCK < next_end,
        "the second record's line ends after the cut"
    );
    let snap = collect(home_with(&[(&format!("{PAIR}.zst"), frame[..cut].to_vec())]).path());
    // The first record alone: 5,632 input, 2,048 cached, 455 output.
    assert_eq!(used(&snap, "total_tokens"), 8135);
    assert_eq!(used(&snap, "total_input_tokens"), 5632);
    assert_eq!(diagnostic(&snap, "turns_counted"), 1);
    assert_eq!(diagnostic(&snap, "files_unreadable"), 1);
    let listed = diagnostic(&snap, "unreadable")[0]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        listed.contains("the complete lines before are counted"),
        "{listed}"
    );
}

#[test]
fn a_compressed_rollout_without_a_meta_is_named_after_its_file() {
    let path = Path::new("/s/rollout-2026-11-05T10-31-07-x.jsonl.zst");
    assert_eq!(
        CodexProvider.start(path).session,
        "rollout-2026-11-05T10-31-07-x"
    );
    let path = Path::new("/s/rollout-2026-11-05T10-31-07-x.jsonl");
    assert_eq!(
        CodexProvider.start(path).session,
        "rollout-2026-11-05T10-31-07-x"
    );
}
