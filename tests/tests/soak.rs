//! 10,000 refreshes of one account, the way the dashboard refreshes it, over
//! a corpus that keeps changing (turns appended, files created, truncated,
//! replaced and deleted): the resident memory after the warm-up grows by no
//! more than the data does, plus a small fixed allowance; and the numbers
//! stay exact all along.

#![cfg(target_os = "linux")]

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use chrono::DateTime;
use openusage_core::{Account, CollectContext, Env, FixedClock, Progress, Registry, Settings};
use pi_provider::PiProvider;

const REFRESHES: usize = 10_000;
const WARM_UP: usize = 1_000;
/// What the process may grow by besides the data's own bytes: the readings
/// of the new turns in memory, allocator slack and fragmentation (1.3 MB
/// measured). A leak of 450 bytes a refresh would exceed it over the 9,000
/// refreshes after the warm-up.
const ALLOWANCE_BYTES: u64 = 4 << 20;

/// The resident set size, from /proc/self/statm (pages).
fn rss_bytes() -> u64 {
    let statm = fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn turn(n: usize) -> String {
    format!(
        r#"{{"type":"message","id":"t{n}","timestamp":"2026-11-20T09:00:00.000Z","message":{{"role":"assistant","provider":"anthropic","model":"claude-sonnet-4-5","usage":{{"input":1,"output":0,"cacheRead":0,"cacheWrite":0}},"timestamp":{}}}}}"#,
        1_795_165_200_000u64 + n as u64
    )
}

fn header(id: usize) -> String {
    format!(
        r#"{{"type":"session","version":3,"id":"soak-{id}","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/home/alice/code/soak"}}"#
    )
}

/// The corpus and what it holds, so every refresh can be checked.
struct Corpus {
    dir: PathBuf,
    /// Turns in each live file, by file number.
    files: Vec<(usize, usize)>,
    next_file: usize,
    next_turn: usize,
}

impl Corpus {
    fn path(&self, file: usize) -> PathBuf {
        self.dir
            .join(format!("2026-11-20T08-00-00-000Z_soak-{file}.jsonl"))
    }

    fn create(&mut self) {
        let file = self.next_file;
        self.next_file += 1;
        fs::write(self.path(file), header(file) + "\n").unwrap();
        self.files.push((file, 0));
    }

    fn append(&mut self, which: usize) {
        let i = which % self.files.len();
        let (file, _) = self.files[i];
        let mut out = OpenOptions::new()
            .append(true)
            .open(self.path(file))
            .unwrap();
        writeln!(out, "{}", turn(self.next_turn)).unwrap();
        self.next_turn += 1;
        self.files[i].1 += 1;
    }

    /// Rewrites a file shorter (its header alone): Pi's branch deletion.
    fn truncate(&mut self, which: usize) {
        let i = which % self.files.len();
        let (file, _) = self.files[i];
        fs::write(self.path(file), header(file) + "\n").unwrap();
        self.files[i].1 = 0;
    }

    /// Replaces a file by a new one under its name (a new inode).
    fn replace(&mut self, which: usize) {
        let i = which % self.files.len();
        let (file, turns) = self.files[i];
        let aside = self.dir.join("replacing.tmp");
        let text = fs::read_to_string(self.path(file)).unwrap();
        fs::write(&aside, text).unwrap();
        fs::rename(&aside, self.path(file)).unwrap();
        self.files[i].1 = turns;
    }

    fn delete(&mut self, which: usize) {
        let i = which % self.files.len();
        let (file, _) = self.files.remove(i);
        fs::remove_file(self.path(file)).unwrap();
    }

    fn turns(&self) -> u64 {
        self.files.iter().map(|(_, t)| *t as u64).sum()
    }

    fn bytes(&self) -> u64 {
        let sizes = self
            .files
            .iter()
            .map(|&(f, _)| fs::metadata(self.path(f)).unwrap().len());
        sizes.sum()
    }

    /// The change made before refresh `n`.
    fn change(&mut self, n: usize) {
        match n {
            n if n % 1000 == 999 => self.delete(n / 1000),
            n if n % 500 == 250 => self.truncate(n / 500),
            n if n % 250 == 125 => self.replace(n / 250),
            n if n % 500 == 0 => self.create(),
            n if n % 4 == 0 => self.append(n / 4),
            _ => {}
        }
    }
}

fn account(env: &Env) -> Account {
    let mut registry = Registry::new();
    registry.register(PiProvider);
    registry
        .accounts(env, &Settings::default())
        .unwrap()
        .remove(0)
}

#[test]
fn ten_thousand_refreshes_over_a_changing_corpus_keep_memory_flat_and_numbers_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let dir = home.join(".pi/agent/sessions/--home-alice-code-soak--");
    fs::create_dir_all(&dir).unwrap();
    let mut corpus = Corpus {
        dir,
        files: Vec::new(),
        next_file: 0,
        next_turn: 0,
    };
    for _ in 0..8 {
        corpus.create();
    }
    let env = Env::new(home);
    let clock = FixedClock(
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
            .unwrap()
            .to_utc(),
    );
    let progress = Progress::default();
    let pi = account(&env);

    let mut at_warm_up = (0, 0);
    for n in 0..REFRESHES {
        corpus.change(n);
        let snapshot = pi
            .collect(&CollectContext::new(&env, &clock, &progress))
            .snapshot;
        let counted = snapshot
            .metrics
            .get("total_input_tokens")
            .map_or(0, |m| m.used.as_f64() as u64);
        assert_eq!(counted, corpus.turns(), "refresh {n}");
        if n + 1 == WARM_UP {
            at_warm_up = (rss_bytes(), corpus.bytes());
        }
    }
    let (rss, bytes) = (rss_bytes(), corpus.bytes());
    let (rss_then, bytes_then) = at_warm_up;
    let grew = rss.saturating_sub(rss_then);
    let data_grew = bytes.saturating_sub(bytes_then);
    eprintln!(
        "soak: {REFRESHES} refreshes; RSS {} KB after warm-up, {} KB at the end (+{} KB); data {} KB -> {} KB",
        rss_then / 1024,
        rss / 1024,
        grew / 1024,
        bytes_then / 1024,
        bytes / 1024
    );
    assert!(
        grew <= data_grew + ALLOWANCE_BYTES,
        "memory grew by {grew} bytes; the data by {data_grew}"
    );
    // The last refresh equals a fresh reading.
    let fresh = account(&env)
        .collect(&CollectContext::new(&env, &clock, &progress))
        .snapshot;
    let last = pi
        .collect(&CollectContext::new(&env, &clock, &progress))
        .snapshot;
    assert_eq!(
        serde_json::to_value(&last).unwrap(),
        serde_json::to_value(&fresh).unwrap()
    );
}
