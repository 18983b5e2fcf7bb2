//! `openusage report html`: the usage of the range as one self-contained
//! HTML page (see `openusage_html`), written to a file, or to standard
//! output with `-o -`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use openusage_core::Snapshot;
use openusage_core::report::{Range, Source};

use super::{Context, Output, accounts_for, collect_once, report, shortfall};
use crate::cli::Report;
use crate::error::{Error, Result};

/// Where the page goes without `-o`: the current directory.
const DEFAULT: &str = "openusage-report.html";

pub fn run(ctx: &Context<'_>, args: &Report) -> Result<Output> {
    // A relative path is the working directory's (an absolute one stays).
    let target = match args.output.as_deref() {
        Some(p) if p == Path::new("-") => None,
        Some(p) => Some((p, ctx.env.cwd().join(p))),
        None => Some((Path::new(DEFAULT), ctx.env.cwd().join(DEFAULT))),
    };
    // Said before the accounts are read, not after.
    if let Some((_, path)) = &target {
        check_target(path, args.force)?;
    }
    let collected = collect_once(ctx, accounts_for(ctx, args.provider.as_deref())?);
    let sources: Vec<Source<'_>> = collected.iter().map(Source::from).collect();
    let snapshots: Vec<&Snapshot> = collected.iter().map(|c| &c.snapshot).collect();
    let notes = report::notes(&collected);
    let scope: Vec<String> = [
        ("provider", &args.provider),
        ("agent", &args.agent),
        ("project", &args.project),
    ]
    .into_iter()
    .filter_map(|(flag, value)| value.as_ref().map(|v| format!("{flag} {v}")))
    .collect();
    let page = openusage_html::render(&openusage_html::Input {
        sources: &sources,
        snapshots: &snapshots,
        range: Range {
            since: args.since,
            until: args.until,
        },
        filter: &report::filter(ctx, args),
        scope: &scope,
        zone: ctx.zone,
        mode: ctx.pricing.mode,
        now: ctx.clock.now(),
        notes: &notes,
    });
    let partial = shortfall::partial(snapshots.iter().copied(), args.allow_partial);
    let text = match target {
        None => page,
        Some((shown, path)) => {
            write(&path, &page, args.force)?;
            let kb = page.len().div_ceil(1024);
            let shown = openusage_tui::text::clean(&shown.display().to_string());
            format!("Wrote {shown} ({kb} KB).\n")
        }
    };
    // The notes are in the page; on stderr as well, as beside JSON.
    Ok(shortfall::finish(text, &notes, true, partial))
}

/// An existing file is replaced only with `force`; anything else that is
/// there (a directory, a device) never.
fn check_target(path: &Path, force: bool) -> Result<()> {
    match fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(m) if !(m.is_file() || m.is_symlink()) => Err(Error::PageTarget {
            path: path.to_owned(),
        }),
        Ok(_) if force => Ok(()),
        Ok(_) => Err(Error::PageExists {
            path: path.to_owned(),
        }),
    }
}

/// Writes `page` to a new temporary file in `path`'s directory, then
/// renames it to `path` (over an existing file only with `force`): a
/// reader sees the old page or the whole new one, and a failed write
/// (a full disk) leaves nothing behind.
fn write(path: &Path, page: &str, force: bool) -> Result<()> {
    let failed = |source: io::Error| Error::PageWrite {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".openusage-report").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A page to share: readable as any file the user makes (umask aside).
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(dir).map_err(failed)?;
    file.write_all(page.as_bytes()).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    let persisted = match force {
        true => file.persist(path),
        false => file.persist_noclobber(path),
    };
    match persisted {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Err(Error::PageExists {
            path: PathBuf::from(path),
        }),
        // The temporary file is removed as `e` drops.
        Err(e) => Err(failed(e.error)),
    }
}
