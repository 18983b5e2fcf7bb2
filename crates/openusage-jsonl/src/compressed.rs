//! Transcripts kept compressed with zstd (a name ending in `.zst`, such as
//! Codex's `rollout-….jsonl.zst`): decoded as a stream, a block at a time,
//! into the same line splitter as a plain file, never into memory whole, and
//! with a bound on how much one file may decompress to.
//!
//! A file's frames are decoded one after the other (the format allows
//! several, and skippable frames, which are passed over); a frame that
//! carries a content checksum is checked when it ends. What goes wrong is an
//! [`io::Error`] from [`Decompressed::read`], after which nothing more is
//! read; the bytes handed out before it were decoded from the file as it is.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// The end of the name of a zstd-compressed file.
pub const ZSTD_SUFFIX: &str = ".zst";

/// The most one compressed file may decompress to: 4 GiB. Codex's largest
/// rollouts are reported at 1 to 2 GB, so none is near it; a file that
/// inflates beyond it (a decompression bomb: a few kilobytes can claim
/// gigabytes) is read that far and no further, and reported.
pub const MAX_DECOMPRESSED_BYTES: u64 = 4 << 30;

/// The largest window a frame may declare, which is the memory the decoder
/// keeps for it: 128 MiB, ruzstd's own default (`zstd --long` uses as much;
/// Codex's level-3 frames use a few MiB). A frame asking for more is refused
/// before anything is allocated.
pub const MAX_WINDOW_BYTES: u64 = ruzstd::decoding::DEFAULT_MAX_WINDOW_SIZE;

/// True when `path` names a zstd-compressed file (its name ends in `.zst`).
pub fn is_compressed(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.as_encoded_bytes().ends_with(ZSTD_SUFFIX.as_bytes()))
}

/// A frame decoded to its end disagreed with its own content checksum: the
/// bytes already handed out are wrong somewhere, and nobody can tell where.
/// (Recognise it with [`is_checksum_mismatch`].)
#[derive(Debug)]
pub struct ChecksumMismatch;

impl fmt::Display for ChecksumMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("zstd content checksum mismatch: the decompressed data is corrupt")
    }
}

impl std::error::Error for ChecksumMismatch {}

/// True when `error` is a [`ChecksumMismatch`]: what was read is not to be
/// trusted, unlike the bytes before any other error.
pub fn is_checksum_mismatch(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|e| e.downcast_ref::<ChecksumMismatch>().is_some())
}

/// The decompressed bytes of a zstd stream read from `source`, at most
/// `limit` of them (an error past that).
pub struct Decompressed<R> {
    source: R,
    frame: FrameDecoder,
    /// A frame's header was read and its last bytes not yet handed out.
    in_frame: bool,
    /// Frames with content begun so far.
    frames: u64,
    /// Bytes handed out so far.
    out: u64,
    limit: u64,
    /// More than `limit` bytes are there: the next read says so.
    over: bool,
}

impl<R> fmt::Debug for Decompressed<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decompressed")
            .field("frames", &self.frames)
            .field("out", &self.out)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl<R: BufRead> Decompressed<R> {
    /// Decodes `source`, handing out at most `limit` bytes.
    pub fn new(source: R, limit: u64) -> Self {
        let mut frame = FrameDecoder::new();
        frame.set_max_window_size(MAX_WINDOW_BYTES);
        Decompressed {
            source,
            frame,
            in_frame: false,
            frames: 0,
            out: 0,
            limit,
            over: false,
        }
    }

    /// Decompressed bytes handed out so far.
    pub fn bytes_out(&self) -> u64 {
        self.out
    }

    /// Reads the next frame's header; `false` at the end of the stream.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.source.fill_buf()?.is_empty() {
                if self.frames == 0 {
                    // Empty, or skippable frames only: not a zstd stream of
                    // anything (Codex never writes such a file).
                    return Err(corrupt("no zstd frame in the file"));
                }
                return Ok(false);
            }
            match self.frame.init(&mut self.source) {
                Ok(()) => {
                    self.frames += 1;
                    return Ok(true);
                }
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let want = u64::from(length);
                    let skipped = io::copy(&mut (&mut self.source).take(want), &mut io::sink())?;
                    if skipped < want {
                        return Err(corrupt("truncated skippable frame"));
                    }
                }
                Err(e) => return Err(corrupt(e)),
            }
        }
    }

    /// At the end of a frame: its content checksum, when it has one, must
    /// match what was decoded.
    fn check_frame(&self) -> io::Result<()> {
        match (
            self.frame.get_checksum_from_data(),
            self.frame.get_calculated_checksum(),
        ) {
            (Some(stored), Some(computed)) if stored != computed => {
                Err(io::Error::new(io::ErrorKind::InvalidData, ChecksumMismatch))
            }
            _ => Ok(()),
        }
    }
}

impl<R: BufRead> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.over {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompresses to more than {}, the most one compressed file may",
                    bytes_in_words(self.limit)
                ),
            ));
        }
        loop {
            if !self.in_frame {
                if !self.next_frame()? {
                    return Ok(0);
                }
                self.in_frame = true;
            }
            while self.frame.can_collect() == 0 && !self.frame.is_finished() {
                self.frame
                    .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                    .map_err(corrupt)?;
            }
            if self.frame.can_collect() > 0 {
                // One byte more than the limit allows is enough to know it
                // is exceeded: the bytes up to the limit are handed out, that
                // one never is, and the next read is the error.
                let room = self.limit - self.out;
                let take = buf
                    .len()
                    .min(usize::try_from(room + 1).unwrap_or(usize::MAX));
                let mut n = self.frame.read(&mut buf[..take])?;
                if n as u64 > room {
                    self.over = true;
                    n = usize::try_from(room).unwrap_or(usize::MAX);
                    if n == 0 {
                        return self.read(buf);
                    }
                }
                self.out += n as u64;
                return Ok(n);
            }
            // The frame is decoded and drained.
            self.check_frame()?;
            self.in_frame = false;
        }
    }
}

fn corrupt(e: impl fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("corrupt or truncated zstd data: {e}"),
    )
}

/// `4 GiB`, `1000 bytes`.
fn bytes_in_words(n: u64) -> String {
    if n >= 1 << 30 && n % (1 << 30) == 0 {
        format!("{} GiB", n >> 30)
    } else {
        format!("{n} bytes")
    }
}

/// Hand-built zstd frames, for tests: raw and RLE blocks, which any size,
/// window and checksum can be given exactly, without an encoder. (Built
/// for this crate's tests and, through the `test-frames` feature, for the
/// tests of crates that read compressed files.)
#[cfg(any(test, feature = "test-frames"))]
#[doc(hidden)]
pub mod frames {
    const MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

    /// A block of a frame.
    #[derive(Debug)]
    pub enum Block<'a> {
        /// Stored as is.
        Raw(&'a [u8]),
        /// One byte repeated.
        Rle(u8, u32),
    }

    /// A frame of `blocks` with a window of `2^window_log` bytes (10..=30),
    /// and the content checksum `checksum` when given.
    pub fn frame(blocks: &[Block<'_>], window_log: u8, checksum: Option<u32>) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        // Frame header descriptor: no content size, not single-segment,
        // the checksum flag, no dictionary.
        out.push(if checksum.is_some() { 0b0000_0100 } else { 0 });
        // Window descriptor: exponent (log - 10), mantissa 0.
        out.push((window_log - 10) << 3);
        for (i, block) in blocks.iter().enumerate() {
            let last = u32::from(i + 1 == blocks.len());
            let (kind, size, body): (u32, u32, Vec<u8>) = match block {
                Block::Raw(bytes) => (0, bytes.len() as u32, bytes.to_vec()),
                Block::Rle(byte, n) => (1, *n, vec![*byte]),
            };
            let header = last | (kind << 1) | (size << 3);
            out.extend_from_slice(&header.to_le_bytes()[..3]);
            out.extend_from_slice(&body);
        }
        if let Some(sum) = checksum {
            out.extend_from_slice(&sum.to_le_bytes());
        }
        out
    }

    /// `content` as raw blocks of at most `block` bytes.
    pub fn raw(content: &[u8], block: usize, window_log: u8) -> Vec<u8> {
        let blocks: Vec<Block<'_>> = content.chunks(block.max(1)).map(Block::Raw).collect();
        frame(&blocks, window_log, None)
    }

    /// A skippable frame holding `bytes`.
    pub fn skippable(bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![0x50, 0x2a, 0x4d, 0x18];
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::frames::{Block, frame, raw, skippable};
    use super::*;

    fn decode(bytes: &[u8], limit: u64) -> (Vec<u8>, Option<io::Error>) {
        let mut d = Decompressed::new(bytes, limit);
        let mut out = Vec::new();
        let mut buf = [0u8; 777];
        loop {
            match d.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    fn lines(n: usize) -> Vec<u8> {
        (0..n)
            .flat_map(|i| format!("{{\"line\":{i:05}}}\n").into_bytes())
            .collect()
    }

    #[test]
    fn names_ending_in_zst_are_compressed() {
        assert!(is_compressed(Path::new("/a/rollout-x.jsonl.zst")));
        assert!(!is_compressed(Path::new("/a/rollout-x.jsonl")));
        assert!(!is_compressed(Path::new("/a/x.zst/rollout.jsonl")));
        assert!(!is_compressed(Path::new(
            "/a/rollout-x.jsonl.zst.compress.1.0.tmp"
        )));
    }

    #[test]
    fn frames_one_after_another_and_skippable_ones_read_as_one_stream() {
        let content = lines(500);
        let (a, b) = content.split_at(3001);
        let mut stream = raw(a, 1000, 10);
        stream.extend(skippable(b"metadata nobody reads"));
        stream.extend(raw(b, 4096, 12));
        let (out, error) = decode(&stream, MAX_DECOMPRESSED_BYTES);
        assert!(error.is_none(), "{error:?}");
        assert_eq!(out, content);
    }

    #[test]
    fn a_file_cut_short_gives_the_bytes_before_the_cut_then_an_error() {
        let content = lines(1000);
        // 1 KiB window and blocks: the decoder holds back at most a window.
        let stream = raw(&content, 1024, 10);
        for cut in [stream.len() - 1, stream.len() / 2, 7, 3, 0] {
            let (out, error) = decode(&stream[..cut], MAX_DECOMPRESSED_BYTES);
            assert!(error.is_some(), "cut at {cut}");
            assert!(content.starts_with(&out), "cut at {cut}: a prefix");
            if cut == stream.len() / 2 {
                assert!(out.len() > content.len() / 2 - 3 * 1024, "{}", out.len());
            }
        }
    }

    #[test]
    fn what_a_file_inflates_to_is_bounded() {
        // 40 RLE blocks of 128 KiB: 5 MiB from 200 bytes.
        let blocks: Vec<Block<'_>> = (0..40).map(|_| Block::Rle(b'\n', 128 * 1024)).collect();
        let bomb = frame(&blocks, 20, None);
        assert!(bomb.len() < 200);
        let limit = 1 << 20;
        let (out, error) = decode(&bomb, limit);
        let error = error.expect("over the limit");
        assert_eq!(out.len() as u64, limit, "exactly the limit is handed out");
        assert!(
            error.to_string().contains("more than 1048576 bytes"),
            "{error}"
        );
        // Exactly at the limit is not over it.
        let (out, error) = decode(&bomb, 40 * 128 * 1024);
        assert!(error.is_none(), "{error:?}");
        assert_eq!(out.len(), 40 * 128 * 1024);
    }

    #[test]
    fn a_window_beyond_the_bound_is_refused_before_anything_is_allocated() {
        let huge = frame(&[Block::Raw(b"{}\n")], 31, None);
        let (out, error) = decode(&huge, MAX_DECOMPRESSED_BYTES);
        assert!(out.is_empty());
        assert!(error.expect("refused").to_string().contains("window"));
    }

    #[test]
    fn a_wrong_checksum_is_told_apart_from_other_errors() {
        let content = lines(10);
        // ruzstd's encoder writes the checksum: right, then made wrong.
        let good = ruzstd::encoding::compress_to_vec(
            &content[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        let (out, error) = decode(&good, MAX_DECOMPRESSED_BYTES);
        assert!(error.is_none(), "{error:?}");
        assert_eq!(out, content);
        let mut bad = good.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0xff;
        let error = decode(&bad, MAX_DECOMPRESSED_BYTES).1.expect("mismatch");
        assert!(is_checksum_mismatch(&error), "{error}");
        let cut = decode(&good[..good.len() - 2], MAX_DECOMPRESSED_BYTES)
            .1
            .expect("truncated");
        assert!(!is_checksum_mismatch(&cut), "{cut}");
    }

    #[test]
    fn bytes_that_are_not_zstd_are_an_error_and_so_is_an_empty_file() {
        for bytes in [&b"{\"type\":\"session_meta\"}\n"[..], b"", &skippable(b"x")] {
            let (out, error) = decode(bytes, MAX_DECOMPRESSED_BYTES);
            assert!(out.is_empty());
            assert!(error.is_some());
        }
    }

    /// Real compressed rollouts (the Codex fixture's), mutated as a fuzzer
    /// would: the decoder never panics and never hands out more than the
    /// bound, whatever it is fed.
    #[test]
    fn mutated_real_frames_never_panic_nor_pass_the_bound() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/codex/home/.codex");
        let seeds: Vec<Vec<u8>> = [
            "archived_sessions/rollout-2026-10-27T16-12-44-019a26b8-5c3e-7d41-b0a7-3f6e2c9d8a15.jsonl.zst",
            "sessions/2026/11/05/rollout-2026-11-05T10-31-07-019a53c2-7e14-7b90-a6d8-51c0f2b9e347.jsonl.zst",
        ]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();
        let iterations: usize = std::env::var("OPENUSAGE_FUZZ_ITERATIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300);
        // xorshift64*: the same inputs on every machine.
        let mut state = 0x5eed_2026_1027_u64;
        let mut next = move |n: usize| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
        };
        let limit = 200_000;
        for i in 0..iterations {
            let mut data = seeds[i % seeds.len()].clone();
            for _ in 0..1 + next(3) {
                let at = next(data.len());
                match next(4) {
                    0 => data[at] ^= 1 << next(8),
                    1 => data.truncate(at),
                    2 => data.insert(at, next(256) as u8),
                    _ => {
                        let len = next(64).min(data.len() - at);
                        data.drain(at..at + len);
                    }
                }
                if data.is_empty() {
                    break;
                }
            }
            let (out, _) = decode(&data, limit);
            assert!(out.len() as u64 <= limit, "input {i}");
        }
    }
}
