//! `corpus-gen`: writes a synthetic, deterministic home directory of Pi and
//! Oh My Pi session transcripts of a chosen size, for benchmarking
//! openusage on gigabytes of realistic data without anyone's real sessions.
//!
//! ```text
//! corpus-gen --out DIR --size 1G [--seed N] [--force]
//! ```
//!
//! The same seed and size always give byte-identical files. At the end one
//! line of JSON says what was written (files, bytes, sessions, assistant
//! turns, turns counted once across forks, image lines, and the tokens of
//! each bucket, their total, the cost and the turns recorded at $0 over the
//! turns counted once), which is what a correct tracker should report for
//! the tree.

use std::ffi::OsString;
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use corpus_gen::{Config, generate};

const USAGE: &str = "\
usage: corpus-gen --out DIR --size SIZE [--seed N] [--force]

Writes DIR/.pi/agent/sessions/... (Pi) and DIR/.omp/agent/sessions/...
(Oh My Pi) transcripts totalling about SIZE bytes, then prints a JSON line
with what was written. Read them back with HOME=DIR.

  --out DIR    the directory to write (a stand-in home directory)
  --size SIZE  bytes, with an optional K, M or G suffix (1024-based): 256M, 1G
  --seed N     the random seed (default 1); the same seed and size give
               byte-identical files
  --force      write even though DIR is not empty (files of the same name
               are overwritten; nothing is deleted)";

/// The parsed command line.
#[derive(Debug)]
struct Args {
    config: Config,
    force: bool,
}

/// Why the program stopped: a bad command line (exit 2) or a failure while
/// writing (exit 1).
#[derive(Debug)]
enum Failure {
    Usage(String),
    Io(std::io::Error),
}

fn main() -> ExitCode {
    match run(std::env::args_os().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("corpus-gen: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Io(error)) => {
            eprintln!("corpus-gen: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(argv: Vec<OsString>) -> Result<(), Failure> {
    if argv.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return Ok(());
    }
    let args = parse(argv)?;
    prepare(&args)?;
    let stats = generate(&args.config).map_err(Failure::Io)?;
    println!("{}", stats.to_json());
    Ok(())
}

/// Reads `--out`, `--size`, `--seed` and `--force`.
fn parse(argv: Vec<OsString>) -> Result<Args, Failure> {
    let (mut out, mut size, mut seed, mut force) = (None, None, 1, false);
    let mut argv = argv.into_iter();
    while let Some(flag) = argv.next() {
        let flag = flag.to_string_lossy().into_owned();
        if flag == "--force" {
            force = true;
            continue;
        }
        let value = argv
            .next()
            .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?;
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value)),
            "--size" => size = Some(parse_size(&value.to_string_lossy())?),
            "--seed" => seed = parse_seed(&value.to_string_lossy())?,
            _ => return Err(Failure::Usage(format!("unknown argument {flag}"))),
        }
    }
    let out = out.ok_or_else(|| Failure::Usage("--out is required".into()))?;
    let size = size.ok_or_else(|| Failure::Usage("--size is required".into()))?;
    Ok(Args {
        config: Config { out, size, seed },
        force,
    })
}

/// `1073741824`, `1G`, `256M`, `512k`, `1GiB`: bytes with an optional
/// 1024-based suffix.
fn parse_size(text: &str) -> Result<u64, Failure> {
    let bad = || {
        Failure::Usage(format!(
            "bad --size {text:?} (expected bytes, or a number with K, M or G)"
        ))
    };
    let trimmed = text.trim();
    let digits = trimmed.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let shift = match trimmed[digits.len()..].to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(bad()),
    };
    let number: u64 = digits.parse().map_err(|_| bad())?;
    match number.checked_mul(1 << shift) {
        Some(0) | None => Err(bad()),
        Some(bytes) => Ok(bytes),
    }
}

fn parse_seed(text: &str) -> Result<u64, Failure> {
    text.trim()
        .parse()
        .map_err(|_| Failure::Usage(format!("bad --seed {text:?} (expected a whole number)")))
}

/// Creates the output directory, refusing one that already holds anything
/// unless `--force`: a stale file from another seed or size would make the
/// tree neither deterministic nor the size asked for.
fn prepare(args: &Args) -> Result<(), Failure> {
    let out = &args.config.out;
    let io = |e: std::io::Error| {
        Failure::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", out.display()),
        ))
    };
    fs::create_dir_all(out).map_err(io)?;
    let occupied = fs::read_dir(out).map_err(io)?.next().is_some();
    if occupied && !args.force {
        return Err(Failure::Usage(format!(
            "{} is not empty (pass --force to write into it anyway)",
            out.display()
        )));
    }
    Ok(())
}
