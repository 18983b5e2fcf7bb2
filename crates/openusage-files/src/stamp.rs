//! What identifies one version of a file without reading it: the reading
//! cache and a kept counting both compare files by it, and the walk takes
//! it from the `stat` it makes anyway.

use std::fs::Metadata;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub(crate) len: u64,
    pub(crate) modified: Option<SystemTime>,
    #[cfg(unix)]
    pub(crate) unix: (u64, u64, i64, i64),
}

impl Stamp {
    pub(crate) fn of(meta: &Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            unix: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
            },
        }
    }

    /// Appends the stamp's bytes to `out`, for a fingerprint: every field,
    /// a time before the epoch too (which serde refuses to write).
    pub(crate) fn push_bytes(&self, out: &mut Vec<u8>) {
        out.extend(self.len.to_le_bytes());
        let since = self
            .modified
            .map(|m| match m.duration_since(SystemTime::UNIX_EPOCH) {
                Ok(after) => (1u8, after),
                Err(before) => (2, before.duration()),
            });
        let (sign, at) = since.unwrap_or_default();
        out.push(sign);
        out.extend(at.as_secs().to_le_bytes());
        out.extend(at.subsec_nanos().to_le_bytes());
        #[cfg(unix)]
        {
            let (dev, ino, ctime, ctime_nsec) = self.unix;
            out.extend(dev.to_le_bytes());
            out.extend(ino.to_le_bytes());
            out.extend(ctime.to_le_bytes());
            out.extend(ctime_nsec.to_le_bytes());
        }
    }

    /// The same file (not a replacement), as far as the platform tells.
    pub(crate) fn same_file(&self, other: &Stamp) -> bool {
        #[cfg(unix)]
        return self.unix.0 == other.unix.0 && self.unix.1 == other.unix.1;
        #[cfg(not(unix))]
        return true;
    }
}
