//! `openusage`: how much you use your AI coding agents, read from the files
//! they keep on your machine. This binary only wires the library crates: it
//! parses the command line, builds the registry, and prints.

mod cli;
mod commands;
mod json_out;
mod providers;
mod terminal;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use openusage_core::Env;

use crate::cli::Cli;

/// A failure the user can act on, with the exit code it deserves.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad flags, bad settings: exit 2.
    #[error("{0}")]
    Usage(String),
    /// Something went wrong while running: exit 1.
    #[error("{0}")]
    Runtime(String),
}

fn main() -> ExitCode {
    survive_file_size_limit();
    let cli = Cli::parse();
    let env = Env::from_process();
    let later = commands::Later::default();
    let code = match commands::run(&cli, &env, &later) {
        Ok(output) => print(&output),
        Err(failure) => {
            eprintln!("openusage: {failure}");
            match failure {
                Failure::Usage(_) => ExitCode::from(2),
                Failure::Runtime(_) => ExitCode::from(1),
            }
        }
    };
    // The cache is written once the output is out: a save that fails or is
    // stopped half way costs the next run some speed, never this output.
    later.save();
    code
}

/// Past the file size limit (`ulimit -f`) a write raises SIGXFSZ, which
/// kills the process by default. With a handler it fails with `EFBIG`
/// instead, like any other failed write: the cache is not saved (and its
/// temporary file removed), and output written to a file says why.
fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        let raised = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        if let Err(e) = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, raised) {
            eprintln!("openusage: note: cannot handle SIGXFSZ: {e}");
        }
    }
}

/// Output is built whole before any of it is printed, so an error never
/// leaves half a document behind. A closed pipe (`| head`) is not an error.
fn print(output: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openusage: cannot write output: {e}");
            ExitCode::from(1)
        }
    }
}
