//! openusage against a generated corpus: corpus-gen writes a small Pi + Oh
//! My Pi home (forks that copy their parent's turns, sub-agent transcripts,
//! a local model recorded at $0) and says, from its own accounting while
//! writing, what a correct tracker counts in it. The snapshot must say the
//! same, without the cache, filling it, and from it warm.

use std::fs;
use std::path::{Path, PathBuf};

use corpus_gen::{Config, Stats, generate};
use openusage_e2e::{assert_json_eq, openusage, run, tree_state};
use serde_json::{Value, json};

const NOW: &str = "2026-11-20T12:00:00Z";
/// About 4 MB: 37 files, a few of them forks and sub-agents, in well under
/// a second in a debug build.
const SIZE: u64 = 4 << 20;
const SEED: u64 = 1;

/// `openusage --now NOW [flags] snapshot --json --provider pi` on `home`,
/// its cache under `cache`; fails the test unless it exits 0.
fn snapshot(home: &Path, cache: &Path, flags: &[&str]) -> String {
    let (code, out, err) = run(openusage(home)
        .env("XDG_CACHE_HOME", cache)
        .args(["--now", NOW])
        .args(flags)
        .args(["snapshot", "--json", "--provider", "pi"]));
    assert_eq!(code, 0, "{err}");
    out
}

fn tokens(used: u64) -> Value {
    json!({ "used": used, "unit": "tokens", "window": "all-time" })
}

/// The all-time metrics a correct tracker reports for `stats` (the
/// windowed `sessions_today` and `sessions_7d` depend on the clock, which
/// corpus-gen does not account for).
fn expected_metrics(stats: &Stats) -> Value {
    let mut metrics = json!({
        "total_sessions": { "used": stats.sessions, "unit": "sessions", "window": "all-time" },
        "total_input_tokens": tokens(stats.input_tokens),
        "total_output_tokens": tokens(stats.output_tokens),
        "total_cache_read": tokens(stats.cache_read_tokens),
        "total_cache_write": tokens(stats.cache_write_tokens),
        "total_tokens": tokens(stats.tokens()),
        "total_cost_usd": { "used": stats.cost_usd(), "unit": "USD", "window": "all-time" },
    });
    if stats.unpriced_turns > 0 {
        metrics["unpriced_requests"] =
            json!({ "used": stats.unpriced_turns, "unit": "requests", "window": "all-time" });
    }
    metrics
}

/// Every file read, none skipped, unreadable or special, no line dropped
/// or too long, every copy in a fork counted once.
fn expected_diagnostics(stats: &Stats) -> Value {
    json!({
        "dirs_unreadable": 0,
        "files_read": stats.files,
        "files_skipped": 0,
        "files_special": 0,
        "files_unreadable": 0,
        "lines_dropped": 0,
        "lines_oversized": 0,
        "turns_counted": stats.turns_unique,
        "turns_duplicate": stats.assistant_turns - stats.turns_unique,
        "turns_zero": 0,
    })
}

/// All the corpus's usage is in assistant turns.
fn expected_kinds(stats: &Stats) -> Value {
    let mut assistant = json!({
        "kind": "assistant",
        "input_tokens": stats.input_tokens,
        "output_tokens": stats.output_tokens,
        "cache_read_tokens": stats.cache_read_tokens,
        "cache_write_tokens": stats.cache_write_tokens,
        "total_tokens": stats.tokens(),
        "requests": stats.turns_unique,
        "cost_usd": stats.cost_usd(),
    });
    if stats.unpriced_turns > 0 {
        assistant["unpriced_requests"] = json!(stats.unpriced_turns);
    }
    json!([assistant])
}

/// Checks one snapshot document against what corpus-gen wrote.
fn check(document: &str, stats: &Stats) {
    let document: Value = serde_json::from_str(document).expect("snapshot JSON");
    let snapshots = document["snapshots"].as_array().expect("snapshots");
    assert_eq!(snapshots.len(), 1, "one Pi account: {document:#}");
    let pi = &snapshots[0];
    assert_eq!(pi["status"], "ok", "{pi:#}");

    let mut metrics = pi["metrics"].clone();
    let windowed = metrics.as_object_mut().expect("metrics");
    windowed.remove("sessions_today");
    windowed.remove("sessions_7d");
    // List-price estimates of the turns recorded at $0: corpus-gen does not
    // know the price table (the fixtures' EXPECTED.md check estimates); it
    // knows which turns need one, and an estimate or an unknown cost each
    // needs such a turn.
    let estimated = windowed.remove("estimated_cost_usd");
    let unknown = windowed
        .remove("unknown_cost_requests")
        .map_or(0, |m| m["used"].as_u64().expect("unknown_cost_requests"));
    assert_eq!(estimated.is_some() || unknown > 0, stats.unpriced_turns > 0);
    assert!(unknown <= stats.unpriced_turns);
    assert_json_eq(&metrics, &expected_metrics(stats), "metrics");
    assert_json_eq(
        &pi["diagnostics"],
        &expected_diagnostics(stats),
        "diagnostics",
    );

    let mut kinds = pi["usage_by_kind"].clone();
    for kind in kinds.as_array_mut().expect("usage_by_kind") {
        let kind = kind.as_object_mut().expect("kind");
        kind.remove("estimated_cost_usd");
        kind.remove("unknown_cost_requests");
    }
    assert_json_eq(&kinds, &expected_kinds(stats), "usage_by_kind");

    // The model rows split the same turns: together they are the totals.
    let rows = pi["model_usage"].as_array().expect("model_usage");
    let sum = |key: &str| -> u64 { rows.iter().map(|r| r[key].as_u64().expect(key)).sum() };
    assert_eq!(sum("requests"), stats.turns_unique, "model_usage requests");
    assert_eq!(sum("input_tokens"), stats.input_tokens);
    assert_eq!(sum("output_tokens"), stats.output_tokens);
    assert_eq!(sum("cache_read_tokens"), stats.cache_read_tokens);
    assert_eq!(sum("cache_write_tokens"), stats.cache_write_tokens);
    assert_eq!(sum("total_tokens"), stats.tokens());
}

/// A corpus generated in `dir` (its home, and a cache directory beside
/// it), with what corpus-gen says it wrote.
fn generated(dir: &Path) -> (PathBuf, PathBuf, Stats) {
    let home = dir.join("home");
    let config = Config {
        out: home.clone(),
        size: SIZE,
        seed: SEED,
    };
    let stats = generate(&config).expect("generate the corpus");
    (home, dir.join("cache"), stats)
}

#[test]
fn a_generated_home_is_counted_exactly_as_corpus_gen_wrote_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, cache, stats) = generated(tmp.path());

    // The corpus holds what makes counting hard, or the test proves less
    // than it says: forks whose copies must count once, Oh My Pi beside Pi
    // (sub-agents included), turns recorded at $0.
    assert!(stats.files > 10, "{stats:?}");
    assert!(
        stats.assistant_turns > stats.turns_unique,
        "forks: {stats:?}"
    );
    assert!(stats.unpriced_turns > 0, "a local model: {stats:?}");
    assert!(home.join(".pi/agent/sessions").is_dir());
    assert!(home.join(".omp/agent/sessions").is_dir());

    let before = tree_state(&home);
    let cold = snapshot(&home, &cache, &["--no-cache"]);
    check(&cold, &stats);
    assert!(
        !cache.join("openusage").exists(),
        "--no-cache keeps nothing"
    );

    let fill = snapshot(&home, &cache, &[]);
    let saved = fs::read_dir(cache.join("openusage"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(saved > 0, "the first run with the cache fills it");
    let warm = snapshot(&home, &cache, &[]);
    assert_eq!(fill, cold, "filling the cache changes nothing printed");
    assert_eq!(warm, cold, "a warm run prints the same");
    assert_eq!(tree_state(&home), before, "nothing is written in the home");
}

/// The transcripts of `home`, by path.
fn transcripts(home: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![home.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Sets `file`'s mtime `secs` seconds later, its bytes left alone.
fn touch_later(file: &Path, secs: u64) {
    let modified = fs::metadata(file).unwrap().modified().unwrap();
    let handle = fs::File::options().write(true).open(file).unwrap();
    handle
        .set_modified(modified + std::time::Duration::from_secs(secs))
        .unwrap();
}

/// A warm run after each kind of change prints exactly what a run without
/// the cache prints on the changed tree: a turn appended, a file removed,
/// a file renamed, a file touched with the same bytes. (The kept counting
/// answers only an unchanged tree; each change counts afresh.)
#[test]
fn a_warm_run_after_each_change_prints_what_a_cold_run_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, cache, _) = generated(tmp.path());
    let mut last = snapshot(&home, &cache, &[]);
    let files = transcripts(&home);
    assert!(files.len() > 10);
    let changes: [(&str, &dyn Fn(), bool); 4] = [
        (
            "a turn appended",
            &|| {
                let mut text = fs::read(&files[0]).unwrap();
                text.extend_from_slice(br#"{"type":"message","id":"warm0001","parentId":null,"timestamp":"2026-11-20T11:00:00.000Z","message":{"role":"assistant","content":[],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":1000000,"output":0,"cacheRead":0,"cacheWrite":0},"timestamp":1795172400000}}"#);
                text.push(b'\n');
                fs::write(&files[0], text).unwrap();
            },
            true,
        ),
        (
            "a file removed",
            &|| fs::remove_file(&files[1]).unwrap(),
            true,
        ),
        (
            "a file renamed",
            &|| fs::rename(&files[2], files[2].with_extension("moved.jsonl")).unwrap(),
            false,
        ),
        ("a file touched", &|| touch_later(&files[3], 5), false),
    ];
    for (what, change, shows) in changes {
        change();
        let warm = snapshot(&home, &cache, &[]);
        let cold = snapshot(&home, &cache, &["--no-cache"]);
        assert_eq!(warm, cold, "warm after {what}");
        if shows {
            assert_ne!(warm, last, "{what} changes the numbers");
        }
        assert_eq!(
            snapshot(&home, &cache, &[]),
            cold,
            "warm again after {what}"
        );
        last = warm;
    }
}

/// What depends on `now`, the zone or the cost mode is never taken from
/// the kept counting: a warm run at another `now`, in another zone or in
/// another cost mode prints what a run without the cache prints.
#[test]
fn a_warm_run_at_another_now_zone_or_cost_mode_prints_what_a_cold_run_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, cache, _) = generated(tmp.path());
    let run_at = |flags: &[&str]| {
        let (code, out, err) = run(openusage(&home)
            .env("XDG_CACHE_HOME", &cache)
            .args(flags)
            .args(["snapshot", "--json", "--provider", "pi"]));
        assert_eq!(code, 0, "{err}");
        out
    };
    let first = run_at(&["--now", NOW]);
    // Three days after the corpus's last session (2026-11-07), which the
    // 7-day window at NOW leaves out.
    let other = "2026-11-10T23:30:00Z";
    let sessions_7d = |doc: &str| {
        let doc: Value = serde_json::from_str(doc).unwrap();
        doc["snapshots"][0]["metrics"]["sessions_7d"]["used"].clone()
    };
    let warm_other = run_at(&["--now", other]);
    assert_ne!(
        sessions_7d(&warm_other),
        sessions_7d(&first),
        "the corpus has sessions one window holds and the other not"
    );
    for flags in [
        vec!["--now", other],
        vec!["--now", other, "--timezone", "Asia/Tokyo"],
        vec!["--now", NOW, "--cost", "calculate"],
        vec!["--now", NOW],
    ] {
        let warm = run_at(&flags);
        let cold = run_at(&[flags.as_slice(), &["--no-cache"]].concat());
        assert_eq!(warm, cold, "{flags:?}");
    }
}
