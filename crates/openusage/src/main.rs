//! `openusage`: how much you use your AI coding agents, read from the files
//! they keep on your machine. This binary only wires the library crates: it
//! parses the command line, builds the registry, and prints.

mod cli;
mod commands;
mod error;
mod json_out;
mod progress;
mod providers;
mod template;
mod terminal;

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;
use openusage_core::Env;
use openusage_tui::text::clean;

use crate::cli::Cli;
use crate::error::{Error, Result};

fn main() -> ExitCode {
    survive_file_size_limit();
    let cli = parse();
    let env = Env::from_process();
    let later = commands::Later::default();
    let run = commands::run(&cli, &env, &later);
    let code = match run.and_then(|output| print(&output.text).map(|()| output.partial)) {
        Ok(false) => ExitCode::SUCCESS,
        // The output is out, notes on what was skipped included: the exit
        // code says it is not the whole.
        Ok(true) => {
            eprintln!("openusage: not every account could be read fully (--allow-partial exits 0)");
            ExitCode::FAILURE
        }
        Err(error) => {
            if !error.is_silent() {
                // Messages quote names, keys and paths from files and the
                // command line: made inert like everything else printed.
                eprintln!("openusage: {}", clean(&error.to_string()));
            }
            ExitCode::from(error.exit_code())
        }
    };
    // The cache is written once the output is out: a save that fails or is
    // stopped half way costs the next run some speed, never this output.
    later.save();
    code
}

/// The command line, parsed against the registry's provider ids (see
/// [`cli::command`]); a bad one exits 2 with clap's message.
fn parse() -> Cli {
    let mut command = cli::command(&providers::registry().ids());
    let matches = command.get_matches_mut();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut command).exit())
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
/// leaves half a document behind. A closed pipe (`| head`) is not an error:
/// the reader has what it wanted, and the program ends quietly with 0. Any
/// other failure to write (a full disk, a closed standard output) is an
/// error, exit code 1: output that went nowhere is not success.
fn print(output: &str) -> Result<()> {
    if output.is_empty() {
        return Ok(());
    }
    if stdout_was_closed() {
        return Err(Error::StdoutClosed);
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Output(e)),
    }
}

/// Whether the program was started with standard output closed
/// (`openusage snapshot >&-`). Rust's runtime opens `/dev/null` read-write
/// in the place of a closed standard stream before `main`, so that no file
/// opened later takes its number, and writes there succeed: what is seen
/// is standard output on `/dev/null` opened read-write. A shell's
/// `>/dev/null` opens it write-only, which stays a quiet success. A process
/// whose three streams all are `/dev/null` read-write (as `daemon(3)` leaves
/// them) is not told anything either: there is no one to tell.
#[cfg(unix)]
fn stdout_was_closed() -> bool {
    use std::os::fd::AsFd;
    is_dev_null_read_write(std::io::stdout().as_fd())
        && !is_dev_null_read_write(std::io::stderr().as_fd())
}

#[cfg(unix)]
fn is_dev_null_read_write(fd: std::os::fd::BorrowedFd<'_>) -> bool {
    use rustix::fs::OFlags;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(null) = std::fs::metadata("/dev/null") else {
        return false;
    };
    let Ok(meta) = fd
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
    else {
        return false;
    };
    meta.file_type().is_char_device()
        && meta.rdev() == null.rdev()
        && rustix::fs::fcntl_getfl(fd).is_ok_and(|f| f & OFlags::RWMODE == OFlags::RDWR)
}

#[cfg(not(unix))]
fn stdout_was_closed() -> bool {
    false
}
