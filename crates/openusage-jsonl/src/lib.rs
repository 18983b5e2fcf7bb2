//! openusage-jsonl: reading the JSON Lines files coding agents write, as
//! files that may be huge, half-written, hand-edited or hostile.
//!
//! This crate knows nothing of usage, accounts or snapshots; it answers
//! "which lines are there, which are JSON, and what do the few fields a
//! reader asks for hold?" The layers, from the bytes up:
//!
//! - [`compressed`]: a zstd-compressed file decoded as a stream, with a bound
//!   on what it may expand to;
//! - [`lines`]: a byte stream split into lines in memory that does not grow
//!   with any one line ([`lines::Sink`] is the reader's side of it, with its
//!   call order written down); only the lines that could matter to the
//!   reader are handed on, found over whole blocks by the words it names
//!   (the private `lookout` module); long lines are streamed and searched;
//! - [`scan`]: the validator every line handed on goes through without
//!   being decoded, and the cheap search for the words a reader looks for
//!   ([`scan::classify`], [`scan::capture`]);
//! - [`json`]: lenient reading of the few fields a reader takes, one value
//!   at a time, so one bad field never spoils a line;
//! - [`instant`]: the timestamps accepted from files (years 1970 to 9999).
//!
//! The crate that finds files and remembers what was read of them is
//! `openusage-files`; it drives [`lines`] for every file it reads.

pub mod compressed;
pub mod instant;
pub mod json;
pub mod lines;
mod lookout;
pub mod scan;
