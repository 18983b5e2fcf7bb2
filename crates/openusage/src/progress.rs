//! The progress bar of a long one-shot collection (`snapshot`, `report`,
//! `--once`): `4,180 of 6,415 files` on stderr, shown only when stderr is a
//! terminal and the collection has taken [`DELAY`], and cleared before the
//! output is printed. When stderr is not a terminal nothing is started at
//! all: piped runs pay nothing for it.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use openusage_core::Progress;
use openusage_core::humanize;

/// How long a collection runs before its bar appears: a quick one (a warm
/// cache) never flashes a bar.
pub const DELAY: Duration = Duration::from_millis(500);

/// How often the counters are read while the bar waits or shows.
const POLL: Duration = Duration::from_millis(50);

/// Whether the bar shows, `elapsed` into a collection.
pub fn shows(stderr_is_terminal: bool, elapsed: Duration) -> bool {
    stderr_is_terminal && elapsed >= DELAY
}

/// The bar's text: `4,180 of 6,415 files` ([`humanize::files_of`]).
pub fn text(read: u64, found: u64) -> String {
    humanize::files_of(read, found)
}

/// Runs `work` (the collection, which counts into `progress`) with the bar
/// watching from a thread of its own when `stderr_is_terminal`. The bar is
/// cleared before this returns, also when `work` panics.
pub fn while_collecting<T>(
    progress: &Progress,
    stderr_is_terminal: bool,
    work: impl FnOnce() -> T,
) -> T {
    if !stderr_is_terminal {
        return work();
    }
    let (done, finished) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || watch(progress, &finished));
        let out = work();
        // The watcher's channel closes: it clears the bar and ends.
        drop(done);
        out
    })
}

/// Polls `progress` until `finished` closes; shows the bar once [`shows`]
/// says so, and clears it at the end.
fn watch(progress: &Progress, finished: &Receiver<()>) {
    let started = Instant::now();
    let mut bar: Option<ProgressBar> = None;
    while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(POLL) {
        if bar.is_none() && shows(true, started.elapsed()) {
            bar = Some(new_bar());
        }
        if let Some(bar) = &bar {
            let (read, found) = (progress.files_read(), progress.found());
            bar.set_length(found.max(read));
            bar.set_position(read);
            bar.set_message(text(read, found));
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

fn new_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    // The template is ours and constant; were it refused, the default
    // style still shows the position.
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {msg}") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_on_a_terminal_after_half_a_second_only() {
        assert!(!shows(true, Duration::ZERO));
        assert!(!shows(true, Duration::from_millis(499)));
        assert!(shows(true, Duration::from_millis(500)));
        assert!(shows(true, Duration::from_secs(30)));
        // Piped: never, however long it takes.
        assert!(!shows(false, Duration::from_millis(500)));
        assert!(!shows(false, Duration::from_secs(30)));
    }

    #[test]
    fn the_text_counts_files_read_of_files_found_with_separators() {
        assert_eq!(text(4_180, 6_415), "4,180 of 6,415 files");
        assert_eq!(text(0, 0), "0 of 0 files");
        assert_eq!(text(0, 1), "0 of 1 file");
        assert_eq!(text(1_234_567, 2_000_000), "1,234,567 of 2,000,000 files");
        // Never more read than found.
        assert_eq!(text(3, 2), "3 of 3 files");
    }

    #[test]
    fn piped_the_work_runs_alone_and_its_result_comes_back() {
        let progress = Progress::default();
        let out = while_collecting(&progress, false, || {
            progress.files_found(2);
            progress.file_read();
            7
        });
        assert_eq!(out, 7);
        assert_eq!((progress.files_read(), progress.found()), (1, 2));
    }
}
