//! Opening a file that someone else may have swapped under us.
//!
//! A path found a moment ago may now be a FIFO (opening it for reading
//! waits for a writer, forever) or a terminal (opening it could make it the
//! process's controlling terminal). Every file openusage reads (transcripts,
//! its cache, the settings) is opened with [`nonblocking`], and its type is
//! then asked of the open handle, never of the path.

#![deny(missing_docs)]

use std::fs::File;
use std::io;
use std::path::Path;

/// Opens `path` for reading without blocking and without adopting a
/// terminal. The caller checks the handle's type before reading.
pub fn nonblocking(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        // The flags are small positive bits: they fit an int.
        options.custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32);
    }
    options.open(path)
}

/// Makes reads of `file`, known by now to be a regular file, wait for the
/// disk again, as reads should.
pub fn blocking(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        let flags = rustix::fs::fcntl_getfl(file)?;
        rustix::fs::fcntl_setfl(file, flags - rustix::fs::OFlags::NONBLOCK)?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn a_fifo_opens_at_once_and_shows_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.jsonl");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let file = nonblocking(&fifo).unwrap();
        assert!(!file.metadata().unwrap().is_file());
    }
}
