//! Times a refresh on a corpus: `cargo run --release -p pi-provider --example
//! refresh -- <HOME>`. Collects the Pi account as the live view does (cold,
//! page cache warm), again with nothing changed, then after appending 1 MB
//! (a tool result and a turn) to the largest-but-one file (an old session
//! resumed: counted afresh) and to the newest session (counted on); each
//! file is put back as it was afterwards. Prints one JSON line; the figures
//! are in docs/performance.md.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use openusage_core::{
    AccountConfig, CollectContext, Env, FixedClock, LoadContext, Progress, Provider,
};
use pi_provider::PiProvider;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let home = PathBuf::from(std::env::args().nth(1).ok_or("usage: refresh <HOME>")?);
    let env = Env::new(&home);
    let clock = FixedClock(chrono::DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")?.to_utc());
    let progress = Progress::default();
    // As the live view collects: the account is collected again.
    let ctx = CollectContext {
        again: true,
        ..CollectContext::new(&env, &clock, &progress)
    };
    let account = PiProvider.load_account(
        &AccountConfig::new("pi", "pi"),
        &LoadContext {
            env: &env,
            base_dir: None,
        },
    )?;

    let timed = |what: &str| {
        let start = Instant::now();
        let snapshot = account.collect(&ctx).snapshot;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        eprintln!("{what}: {ms:.1} ms ({})", snapshot.message);
        ms
    };
    let cold = timed("cold");
    // The best of five: a refresh is short enough for one slow scheduling
    // to double it.
    let unchanged = (0..5)
        .map(|_| timed("nothing changed"))
        .fold(f64::MAX, f64::min);
    // An old session resumed (counted afresh), then the newest one, which
    // is last in counting order (its new turns counted on).
    let sessions = home.join(".pi/agent/sessions");
    let resumed = appended(&second_largest(&sessions)?, || timed("1 MB appended"))?;
    timed("the file put back");
    let newest = newest(&[sessions, home.join(".omp/agent/sessions")])?;
    let appended_newest = appended(&newest, || timed("1 MB appended to the newest session"))?;
    println!(
        r#"{{"files":{},"cold_ms":{cold:.1},"refresh_unchanged_ms":{unchanged:.1},"refresh_1mb_append_ms":{resumed:.1},"refresh_1mb_append_newest_ms":{appended_newest:.1}}}"#,
        progress.files_read() / 9
    );
    Ok(())
}

/// `timed()` after appending 1 MB to `target`; the file is put back after.
fn appended(target: &Path, timed: impl FnOnce() -> f64) -> std::io::Result<f64> {
    let before = fs::metadata(target)?.len();
    append_megabyte(target)?;
    let ms = timed();
    OpenOptions::new()
        .write(true)
        .open(target)?
        .set_len(before)?;
    Ok(ms)
}

/// The newest session under `roots`: Pi and Oh My Pi name a file by its
/// session's start.
fn newest(roots: &[PathBuf]) -> std::io::Result<PathBuf> {
    let mut files = Vec::new();
    for root in roots.iter().filter(|r| r.is_dir()) {
        files.extend(walk(root)?);
    }
    // Subagents' files (named by the agent) are not sessions of their own.
    let name = |p: &PathBuf| p.file_name().map(|n| n.to_owned());
    files
        .into_iter()
        .filter(|p| {
            name(p).is_some_and(|n| n.as_encoded_bytes().first().is_some_and(u8::is_ascii_digit))
        })
        .max_by_key(name)
        .ok_or_else(|| std::io::Error::other("no transcripts"))
}

/// The second-largest transcript: big, but not the outlier.
fn second_largest(root: &Path) -> std::io::Result<PathBuf> {
    let mut files: Vec<(u64, PathBuf)> = Vec::new();
    for entry in walk(root)? {
        files.push((fs::metadata(&entry)?.len(), entry));
    }
    files.sort();
    files
        .iter()
        .rev()
        .nth(1)
        .or(files.last())
        .map(|(_, p)| p.clone())
        .ok_or_else(|| std::io::Error::other("no transcripts"))
}

fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else if path.extension().is_some_and(|e| e == "jsonl") {
            out.push(path);
        }
    }
    Ok(out)
}

fn append_megabyte(path: &Path) -> std::io::Result<()> {
    let text = "fn main() { println!(\\\"hello\\\"); }\\n".repeat(1_000_000 / 36);
    let result = format!(
        r#"{{"type":"message","id":"bench001","parentId":null,"timestamp":"2026-11-20T11:59:00.000Z","message":{{"role":"toolResult","toolCallId":"t","toolName":"read","content":[{{"type":"text","text":"{text}"}}],"isError":false,"timestamp":1795175940000}}}}"#
    );
    let turn = r#"{"type":"message","id":"bench002","parentId":"bench001","timestamp":"2026-11-20T11:59:30.000Z","message":{"role":"assistant","content":[],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":10,"output":20,"cacheRead":30,"cacheWrite":40},"timestamp":1795175970000}}"#;
    let mut file = OpenOptions::new().append(true).open(path)?;
    writeln!(file, "{result}")?;
    writeln!(file, "{turn}")
}
