//! The generator's promises, checked on small corpora: the same seed and
//! size give the same bytes, every line is JSON in the expected shape and
//! the printed summary is what a correct tracker counts, and the byte mix
//! is the one asked for.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use crate::corpus::{self, Config};
use crate::lines::TITLE_SLOT;
use crate::mix::TARGET;
use crate::stats::Stats;

fn generate(size: u64, seed: u64) -> (TempDir, Stats) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        out: dir.path().to_path_buf(),
        size,
        seed,
    };
    let stats = corpus::generate(&config).unwrap();
    (dir, stats)
}

/// Every file under `dir`, sorted, as paths relative to it.
fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The lines of a file, without their newlines (each is checked to have one).
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    assert_eq!(bytes.last(), Some(&b'\n'), "a file ends with a newline");
    bytes[..bytes.len() - 1].split(|&b| b == b'\n')
}

#[test]
fn the_same_seed_and_size_give_the_same_tree() {
    for size in [1 << 20, 3 << 20] {
        let (a, stats_a) = generate(size, 7);
        let (b, stats_b) = generate(size, 7);
        assert_eq!(stats_a, stats_b);
        let names = files(a.path());
        assert_eq!(names, files(b.path()));
        assert_eq!(names.len() as u64, stats_a.files);
        for name in &names {
            let left = fs::read(a.path().join(name)).unwrap();
            let right = fs::read(b.path().join(name)).unwrap();
            assert!(left == right, "{} differs", name.display());
        }
    }
    let (other, _) = generate(1 << 20, 8);
    let (same_size, _) = generate(1 << 20, 7);
    assert_ne!(files(other.path()), files(same_size.path()));
}

#[test]
fn every_line_is_json_and_the_summary_is_what_a_tracker_counts() {
    let (dir, stats) = generate(6 << 20, 3);
    let mut counted = Stats::default();
    let mut cost_usd = 0.0;
    let mut keys = HashSet::new();
    let mut ids = HashSet::new();
    for name in files(dir.path()) {
        let bytes = fs::read(dir.path().join(&name)).unwrap();
        counted.files += 1;
        counted.bytes += bytes.len() as u64;
        let mut records = lines(&bytes).map(|line| {
            let value: Value = serde_json::from_slice(line).unwrap_or_else(|e| {
                panic!("{}: {e}: {}", name.display(), String::from_utf8_lossy(line))
            });
            (line.len(), value)
        });
        let (len, mut first) = records.next().unwrap();
        if first["type"] == "title" {
            assert_eq!(len + 1, TITLE_SLOT, "the title slot is fixed-width");
            first = records.next().unwrap().1;
        }
        assert_eq!(
            first["type"],
            "session",
            "{} starts with its header",
            name.display()
        );
        assert!(ids.insert(first["id"].as_str().unwrap().to_string()));
        counted.sessions += 1;
        for (_, record) in records {
            assert!(record["type"].is_string());
            let message = &record["message"];
            if message["content"]
                .as_array()
                .is_some_and(|c| c.iter().any(|b| b["type"] == "image"))
            {
                counted.image_lines += 1;
            }
            if message["role"] != "assistant" {
                continue;
            }
            counted.assistant_turns += 1;
            let usage = &message["usage"];
            let buckets =
                ["input", "output", "cacheRead", "cacheWrite"].map(|k| usage[k].as_u64().unwrap());
            assert!(buckets.iter().sum::<u64>() > 0, "every turn has usage");
            let key = (
                message["timestamp"].as_i64().unwrap(),
                message["provider"].to_string(),
                message["model"].to_string(),
                buckets,
            );
            if keys.insert(key) {
                counted.turns_unique += 1;
                counted.input_tokens += buckets[0];
                counted.output_tokens += buckets[1];
                counted.cache_read_tokens += buckets[2];
                counted.cache_write_tokens += buckets[3];
                let cost = usage["cost"]["total"].as_f64().unwrap();
                cost_usd += cost;
                if cost == 0.0 {
                    counted.unpriced_turns += 1;
                }
            }
        }
    }
    assert!(
        stats.turns_unique < stats.assistant_turns,
        "some forks copy turns"
    );
    // The recorded costs are floats; their sum matches the exact one to
    // within rounding, and the rest must match exactly.
    assert!(
        (cost_usd - stats.cost_usd()).abs() <= 1e-9 * stats.cost_usd(),
        "cost {cost_usd} in the files, {} summed",
        stats.cost_usd()
    );
    counted.cost_nano_usd = stats.cost_nano_usd;
    assert_eq!(counted, stats);
}

#[test]
fn the_byte_mix_is_on_target() {
    let (dir, stats) = generate(20 << 20, 1);
    let (mut classes, mut omp) = ([0u64; 3], 0);
    for name in files(dir.path()) {
        let bytes = fs::read(dir.path().join(&name)).unwrap();
        if name.starts_with(".omp") {
            omp += bytes.len() as u64;
        }
        for line in lines(&bytes) {
            let value: Value = serde_json::from_slice(line).unwrap();
            let class = match value["message"]["role"].as_str() {
                Some("user" | "toolResult") => 0,
                Some("assistant") => 1,
                _ => 2,
            };
            classes[class] += line.len() as u64 + 1;
        }
    }
    let total = stats.bytes as f64;
    for (class, target) in classes.iter().zip(TARGET) {
        let share = *class as f64 / total;
        assert!(
            (share - target).abs() < 0.02,
            "share {share:.3}, target {target}"
        );
    }
    // About 20 % over gigabytes; one large Oh My Pi session with its
    // sub-agents moves 20 MB by several points.
    let omp = omp as f64 / total;
    assert!((0.12..0.30).contains(&omp), "Oh My Pi share {omp:.3}");
    let average = total / stats.files as f64;
    assert!(
        (80e3..250e3).contains(&average),
        "average file {average:.0} bytes"
    );
}
