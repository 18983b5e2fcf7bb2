//! A stand-in for Pi writing its transcripts, for the live-writer test:
//! `transcript-writer <sessions dir> <progress> <files> <turns per file>`.
//!
//! Appends turns (1 input token each) round-robin to `files` session files,
//! creating each file with its header at its first turn, as Pi does. Every
//! seventh turn is written in two halves with a pause between, so a reader
//! can meet half a line. It publishes in `<progress>.started` how many turns
//! it has begun before writing each, and in `<progress>.complete` how many
//! are whole after (each written aside, then renamed: a reader never sees a
//! torn number). A reading that starts after `complete` said N and ends
//! before `started` says M holds between N and M whole turns.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, progress, files, turns] = args.as_slice() else {
        eprintln!(
            "usage: transcript-writer <sessions dir> <progress file> <files> <turns per file>"
        );
        std::process::exit(2);
    };
    let (dir, progress) = (Path::new(dir), Path::new(progress));
    let files: usize = files.parse().unwrap_or(4);
    let turns: usize = turns.parse().unwrap_or(50);
    let mut done = 0usize;
    for turn in 0..turns {
        for file in 0..files {
            let path = dir.join(format!("2026-11-20T08-00-00-000Z_live-{file}.jsonl"));
            let mut out = OpenOptions::new().create(true).append(true).open(&path)?;
            if turn == 0 {
                writeln!(
                    out,
                    r#"{{"type":"session","version":3,"id":"live-{file}","timestamp":"2026-11-20T08:00:00.000Z","cwd":"/home/alice/code/live"}}"#
                )?;
            }
            let line = format!(
                r#"{{"type":"message","id":"t{file}-{turn}","timestamp":"2026-11-20T09:00:00.000Z","message":{{"role":"assistant","provider":"anthropic","model":"claude-sonnet-4-5","usage":{{"input":1,"output":0,"cacheRead":0,"cacheWrite":0}},"timestamp":{}}}}}"#,
                1_795_165_200_000u64 + (file * 100_000 + turn) as u64
            );
            publish(progress, "started", done + 1)?;
            let line = line + "\n";
            if (done + 1) % 7 == 0 {
                let (head, tail) = line.split_at(line.len() / 2);
                out.write_all(head.as_bytes())?;
                std::thread::sleep(Duration::from_millis(3));
                out.write_all(tail.as_bytes())?;
            } else {
                out.write_all(line.as_bytes())?;
            }
            done += 1;
            publish(progress, "complete", done)?;
            std::thread::sleep(Duration::from_micros(300));
        }
    }
    Ok(())
}

/// Writes `n` to `<progress>.<what>` atomically.
fn publish(progress: &Path, what: &str, n: usize) -> std::io::Result<()> {
    let aside = progress.with_extension(format!("{what}.tmp"));
    fs::write(&aside, n.to_string())?;
    fs::rename(&aside, progress.with_extension(what))
}
