//! The fuzz targets, bounded, on stable: thousands of inputs made from the
//! fixtures' real lines by the mutations a fuzzer would try (flipped,
//! inserted and deleted bytes, truncation, lines joined, split, repeated
//! and spliced across files). A deterministic generator, so a failure
//! reproduces; `OPENUSAGE_FUZZ_ITERATIONS` raises the count.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn iterations() -> usize {
    std::env::var("OPENUSAGE_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
}

/// Every `.jsonl` file under `fixtures/<dir>`, as the seeds.
fn seeds(dir: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(dir);
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let seeds: Vec<Vec<u8>> = files
        .iter()
        .filter_map(|f| fs::read(f).ok())
        .filter(|b| b.len() < 400_000)
        .collect();
    assert!(seeds.len() >= 3, "the fixtures under {}", root.display());
    seeds
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "jsonl") {
            out.push(path);
        }
    }
}

fn lines_of(data: &[u8]) -> Vec<Vec<u8>> {
    data.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

/// One mutation of `data`, sometimes with material from `other`.
fn mutate(rng: &mut Rng, data: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    let at = rng.below(out.len() + 1);
    match rng.below(9) {
        0 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] ^= 1 << rng.below(8);
        }
        1 => out.insert(
            at,
            [b'{', b'}', b'"', b'\\', b'\n', b'\r', 0, 0xff][rng.below(8)],
        ),
        2 => {
            let end = (at + rng.below(64)).min(out.len());
            out.drain(at..end);
        }
        3 => out.truncate(at),
        4 => {
            // Two lines joined: a newline removed.
            if let Some(i) = out.iter().skip(at).position(|&b| b == b'\n') {
                out.remove(at + i);
            }
        }
        5 => out.insert(at, b'\n'),
        6 => {
            let mut lines = lines_of(&out);
            if !lines.is_empty() {
                let i = rng.below(lines.len());
                let copy = lines[i].clone();
                lines.insert(rng.below(lines.len() + 1), copy);
            }
            out = lines.join(&b'\n');
        }
        7 => {
            // A line of another file spliced in.
            let theirs = lines_of(other);
            let mut lines = lines_of(&out);
            let line = theirs[rng.below(theirs.len())].clone();
            lines.insert(rng.below(lines.len() + 1), line);
            out = lines.join(&b'\n');
        }
        _ => {
            // A number made extreme.
            let digits = [
                "0",
                "-1",
                "1e400",
                "18446744073709551616",
                "9007199254740993",
                "-0",
            ];
            if let Some(i) = out.iter().skip(at).position(u8::is_ascii_digit) {
                let d = digits[rng.below(digits.len())].as_bytes();
                out.splice(at + i..at + i + 1, d.iter().copied());
            }
        }
    }
    out
}

fn run(dir: &str, target: fn(&[u8]), seed: u64) {
    let seeds = seeds(dir);
    let mut rng = Rng(seed);
    for seed in &seeds {
        target(seed);
    }
    for _ in 0..iterations() {
        let mut data = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(4) {
            let other = &seeds[rng.below(seeds.len())];
            data = mutate(&mut rng, &data, other);
        }
        target(&data);
    }
    // Plain random bytes too.
    for _ in 0..iterations() / 10 {
        let data: Vec<u8> = (0..rng.below(512)).map(|_| rng.next() as u8).collect();
        target(&data);
    }
}

#[test]
fn the_pi_reader_holds_its_invariants_on_mutated_transcripts() {
    run("pi/home", openusage_fuzz::pi, 0x9e37_79b9_7f4a_7c15);
}

#[test]
fn the_codex_reader_holds_its_invariants_on_mutated_rollouts() {
    run("codex/home", openusage_fuzz::codex, 0xd1b5_4a32_d192_ed03);
}

#[test]
fn the_claude_code_reader_holds_its_invariants_on_mutated_transcripts() {
    // Both fixture homes: the second adds progress lines and advisor calls.
    run("claude", openusage_fuzz::claude, 0x8cb9_2ba7_2f3d_8dd7);
}

#[test]
fn a_claude_code_line_with_an_advisor_call_is_two_records() {
    // One line, no newline: the response and its advisor call.
    let line = br#"{"type":"assistant","sessionId":"s1","timestamp":"2026-11-20T09:00:00Z","requestId":"req_1","message":{"id":"msg_1","model":"claude-sonnet-4-6","usage":{"input_tokens":4,"output_tokens":9,"iterations":[{"type":"message","input_tokens":4,"output_tokens":9},{"type":"advisor_message","model":"claude-opus-4-8","input_tokens":900,"output_tokens":30}]}}}"#;
    openusage_fuzz::claude(line);
}
