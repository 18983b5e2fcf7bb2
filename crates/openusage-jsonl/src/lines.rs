//! Splitting a transcript into lines, in memory that does not depend on the
//! length of any one line.
//!
//! A line is handed on only when it could matter to the reader: when the
//! reader wants every line now, or the line holds one of the words it asks
//! for ([`Sink::words`]); any other line is skipped after the newline
//! search, unvalidated. The words are looked for over each whole 64 KiB
//! block in one SIMD pass, and the hits mapped to lines (the `lookout`
//! module).
//!
//! A line of up to [`Limits::gathered`] bytes (1 MiB) is handed on whole,
//! as it is in the file. A longer line (an inline image, a huge tool output)
//! is never gathered: it is streamed, and while it streams
//!
//! - its bytes are searched for the words the reader asks for: a long line
//!   holding none of them cannot matter, and is skipped unvalidated;
//! - its *skeleton* is kept: the line with every string longer than
//!   [`Limits::string`] bytes (4 KiB) cut to its first bytes, everything
//!   else as it is. A line's length is almost always in such strings, and
//!   no value a reader uses is one of them (ids, model names, timestamps,
//!   token counts and paths are shorter), so the skeleton reads as the line
//!   would: it decodes exactly when the line does (the bytes cut from a
//!   string are still checked as JSON string content while they stream),
//!   and holds the same values. A long line that could matter is handed on
//!   as its skeleton, or as [`UNDECODABLE`] when it is known not to decode.
//! - A skeleton is held up to [`Limits::held`] bytes (64 MiB): a line that
//!   could matter and whose skeleton is longer still (tens of millions of
//!   values) is not read, and the reader is told ([`Sink::oversized`]) so
//!   it can count it and say its numbers may be short.

use std::cell::RefCell;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::sync::Arc;

use memchr::{memchr, memchr2};

use crate::lookout::{self, Lookout, Searcher, Words};

/// Bytes read from the file at a time (64 KiB). Most lines end inside the
/// block they start in and are handed out without being copied. Small enough
/// to stay in the core's L2 cache between the kernel's copy and our scan:
/// with 256 KB blocks the kernel's copy took 20% of a cold scan, with these
/// 4% (`docs/performance.md`, "What bounds the speed").
const BLOCK: usize = 64 * 1024;

/// The longest line handed on whole, as it is in the file (1 MiB).
pub const GATHERED: usize = 1024 * 1024;

/// The most of a long line's skeleton held (64 MiB): a longer skeleton is
/// not read, and counted.
pub const MAX_HELD: usize = 64 * 1024 * 1024;

/// How much of one string of a long line its skeleton keeps (4 KiB).
pub const KEPT_STRING: usize = 4 * 1024;

/// How much of the buffers that gather and hold long lines is kept between
/// files.
const KEPT_CARRY: usize = 1024 * 1024;

/// What a long line that is known not to decode is handed on as: a line no
/// reader decodes (it is not a JSON object), so the reader counts it as
/// dropped, as it would the line itself.
pub const UNDECODABLE: &[u8] = b"\0";

/// How long lines are read (see the module's documentation). Tests lower
/// them, to make long lines cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest line handed on whole.
    pub gathered: usize,
    /// The most of a long line's skeleton held.
    pub held: usize,
    /// How much of one string a skeleton keeps.
    pub string: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            gathered: GATHERED,
            held: MAX_HELD,
            string: KEPT_STRING,
        }
    }
}

/// What [`split`] hands the lines of a reader to.
pub trait Sink {
    /// A line: whole, or (a long line) its skeleton or [`UNDECODABLE`].
    /// `ended`: whether a newline ended it (a line without one is the
    /// unfinished tail of the reader).
    fn line(&mut self, line: &[u8], ended: bool) -> ControlFlow<()>;
    /// What a line starting now must hold to be examined: one of these
    /// words as a whole JSON string, key or value. It is looked for as the
    /// word in quotes, or an escape `\u0020`..`\u007F` that could spell it;
    /// a line holding neither is skipped, unvalidated (a conservative
    /// search: a line holding one may still be nothing). `None`: every line
    /// is examined; an empty list: none is.
    fn words(&self) -> Option<&'static [&'static [u8]]>;
    /// A long line that could matter and was too long to hold.
    fn oversized(&mut self, ended: bool) -> ControlFlow<()>;
}

/// A [`Sink`] that examines every line and hands an oversized one on as
/// [`UNDECODABLE`].
#[derive(Debug)]
pub struct Every<F>(pub F);

impl<F: FnMut(&[u8], bool) -> ControlFlow<()>> Sink for Every<F> {
    fn line(&mut self, line: &[u8], ended: bool) -> ControlFlow<()> {
        (self.0)(line, ended)
    }
    fn words(&self) -> Option<&'static [&'static [u8]]> {
        None
    }
    fn oversized(&mut self, ended: bool) -> ControlFlow<()> {
        (self.0)(UNDECODABLE, ended)
    }
}

/// Calls `visit` with every non-empty line of `reader`, in order, the long
/// ones as their skeletons (see [`split`]).
pub fn for_each_line<R: Read>(
    reader: R,
    mut visit: impl FnMut(&[u8]) -> ControlFlow<()>,
) -> io::Result<()> {
    let mut sink = Every(|line: &[u8], _| visit(line));
    split(reader, Limits::default(), &mut sink).map(|_| ())
}

/// Hands every non-empty line of `reader` to `sink`, in order, and returns
/// the number of bytes up to and including the last `\n`: where reading
/// resumes when the file grows.
///
/// Lines end at `\n`; one trailing `\r` is removed (hand-edited files on
/// Windows). Empty lines are skipped; a line of spaces is not empty, and is
/// passed on like any other (it does not decode, and the caller counts it as
/// dropped, as the Pi contract says). The last line is passed even without a
/// final `\n`: a writer may have been interrupted mid-line, and the caller
/// decides whether what is there decodes.
///
/// A line longer than `limits.gathered` is streamed, not gathered (see the
/// module's documentation); no line ends the reading early: only the sink
/// returning [`ControlFlow::Break`] or an I/O error does.
pub fn split<R: Read, S: Sink + ?Sized>(
    mut reader: R,
    limits: Limits,
    sink: &mut S,
) -> io::Result<u64> {
    // One block per thread, reused file after file: a fresh zeroed block
    // per file costs more than reading a small file. The same goes for the
    // buffers that gather a line longer than a block and hold a long
    // line's skeleton, up to a megabyte each.
    thread_local! {
        static BUFFERS: RefCell<[Vec<u8>; 3]> = const { RefCell::new([Vec::new(), Vec::new(), Vec::new()]) };
    }
    let [mut block, mut carry, kept] = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
    block.resize(BLOCK, 0);
    carry.clear();
    let long = Long::new(kept, limits);
    let mut lines = Lines {
        carry,
        long,
        lookout: Lookout::default(),
    };
    let result = split_with(&mut reader, &mut block, &mut lines, limits, sink);
    let Lines {
        mut carry, long, ..
    } = lines;
    let mut kept = long.kept;
    for buffer in [&mut carry, &mut kept] {
        buffer.clear();
        // A long line leaves megabytes behind: keep a modest buffer.
        buffer.shrink_to(KEPT_CARRY);
    }
    BUFFERS.with(|b| *b.borrow_mut() = [block, carry, kept]);
    result
}

/// The state of [`split`] between blocks.
struct Lines {
    /// The start of a line that did not end in the block it began in, while
    /// it is no longer than `limits.gathered`.
    carry: Vec<u8>,
    /// A longer one.
    long: Long,
    /// Which lines of the block could matter.
    lookout: Lookout,
}

fn split_with<R: Read, S: Sink + ?Sized>(
    reader: &mut R,
    block: &mut [u8],
    lines: &mut Lines,
    limits: Limits,
    sink: &mut S,
) -> io::Result<u64> {
    let Lines {
        carry,
        long,
        lookout,
    } = lines;
    // Bytes before the current block, and up to the last newline seen.
    let (mut before, mut complete) = (0u64, 0u64);
    loop {
        let n = read_some(reader, block)?;
        if n == 0 {
            if long.active {
                let _ = long.finish(false, sink);
            } else if !carry.is_empty() && lookout::holds(sink.words(), carry) {
                let _ = emit(carry, false, sink);
            }
            return Ok(complete);
        }
        let block = &block[..n];
        lookout.new_block();
        let mut start = 0;
        while let Some(len) = memchr(b'\n', &block[start..]) {
            let end = start + len;
            let piece = &block[start..end];
            let flow = if long.active {
                long.push(piece);
                long.finish(true, sink)
            } else if carry.len() + piece.len() > limits.gathered {
                long.begin(sink.words(), carry, piece);
                carry.clear();
                long.finish(true, sink)
            } else if carry.is_empty() {
                // Most lines: found in the block, examined only when they
                // could matter.
                if lookout.could_matter(sink.words(), block, start, end) {
                    emit(piece, true, sink)
                } else {
                    ControlFlow::Continue(())
                }
            } else {
                carry.extend_from_slice(piece);
                let flow = if lookout::holds(sink.words(), carry) {
                    emit(carry, true, sink)
                } else {
                    ControlFlow::Continue(())
                };
                carry.clear();
                flow
            };
            start = end + 1;
            complete = before + start as u64;
            if flow.is_break() {
                return Ok(complete);
            }
        }
        let rest = &block[start..];
        if long.active {
            long.push(rest);
        } else if carry.len() + rest.len() > limits.gathered {
            long.begin(sink.words(), carry, rest);
            carry.clear();
        } else {
            carry.extend_from_slice(rest);
        }
        #[cfg(test)]
        BUFFERS_PEAK.with(|p| p.set(p.get().max(carry.capacity() + long.kept.capacity())));
        before += n as u64;
    }
}

#[cfg(test)]
thread_local! {
    /// The most the gathering and holding buffers took at once, for tests.
    static BUFFERS_PEAK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn read_some<R: Read>(reader: &mut R, block: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(block) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn emit<S: Sink + ?Sized>(line: &[u8], ended: bool, sink: &mut S) -> ControlFlow<()> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return ControlFlow::Continue(());
    }
    sink.line(line, ended)
}

/// Where the lexer of a long line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// Between strings: structure, numbers, literals, whitespace.
    Outside,
    /// In a string's content; `keep`: its bytes still go to the skeleton.
    String { keep: bool },
    /// Just after a backslash in a string.
    Escape { keep: bool },
    /// In the hex digits of a `\u` escape, `left` to go.
    Hex { keep: bool, left: u8 },
}

/// The bytes JSON allows between strings: whitespace, punctuation, numbers
/// and the letters of `true`, `false` and `null`. Any other byte there
/// (a NUL of a sparse file) means the line cannot decode.
const STRUCTURE: [bool; 256] = {
    let mut table = [false; 256];
    let allowed = b" \t\r\n{}[],:-+.0123456789eEtrufalsn";
    let mut i = 0;
    while i < allowed.len() {
        table[allowed[i] as usize] = true;
        i += 1;
    }
    table
};

/// A long line as it streams: its skeleton, whether it can decode, and
/// whether it holds a word.
struct Long {
    /// Reading a long line now.
    active: bool,
    limits: Limits,
    /// The skeleton so far (empty once `full`).
    kept: Vec<u8>,
    lex: Lex,
    /// Content bytes of the current string kept so far.
    string_kept: usize,
    /// The line is known not to decode.
    invalid: bool,
    /// The skeleton outgrew `limits.held`, and is no longer kept.
    full: bool,
    search: Search,
}

impl Long {
    fn new(kept: Vec<u8>, limits: Limits) -> Self {
        Long {
            active: false,
            limits,
            kept,
            lex: Lex::Outside,
            string_kept: 0,
            invalid: false,
            full: false,
            search: Search::new(None),
        }
    }

    /// Starts a long line whose first bytes are `first` then `then`.
    fn begin(&mut self, words: Option<Words>, first: &[u8], then: &[u8]) {
        self.active = true;
        self.kept.clear();
        self.lex = Lex::Outside;
        self.string_kept = 0;
        self.invalid = false;
        self.full = false;
        self.search = Search::new(words);
        self.push(first);
        self.push(then);
    }

    fn push(&mut self, bytes: &[u8]) {
        self.search.feed(bytes);
        if !self.invalid {
            self.lex(bytes);
        }
    }

    /// Hands the line on, if it could matter, and gets ready for the next.
    fn finish<S: Sink + ?Sized>(&mut self, ended: bool, sink: &mut S) -> ControlFlow<()> {
        self.active = false;
        let flow = if !self.search.hit {
            ControlFlow::Continue(())
        } else if self.invalid {
            sink.line(UNDECODABLE, ended)
        } else if self.full {
            sink.oversized(ended)
        } else {
            let line = self.kept.strip_suffix(b"\r").unwrap_or(&self.kept);
            if line.is_empty() {
                ControlFlow::Continue(())
            } else {
                sink.line(line, ended)
            }
        };
        self.kept.clear();
        flow
    }

    /// Adds `bytes` to the skeleton, unless it is full.
    fn keep(&mut self, bytes: &[u8]) {
        if self.full {
            return;
        }
        if self.kept.len() + bytes.len() > self.limits.held {
            self.full = true;
            self.kept = Vec::new();
            return;
        }
        self.kept.extend_from_slice(bytes);
    }

    /// Lexes the next bytes of the line, keeping its skeleton and checking
    /// what JSON checks of strings (no raw control characters, known
    /// escapes, four hex digits after `\u`) and that nothing but JSON's own
    /// bytes stands between strings. Stops at the first byte that cannot be.
    fn lex(&mut self, mut b: &[u8]) {
        while !b.is_empty() {
            match self.lex {
                Lex::Outside => {
                    let end = memchr(b'"', b).unwrap_or(b.len());
                    let between = &b[..end];
                    if !between.iter().all(|&c| STRUCTURE[usize::from(c)]) {
                        self.invalid = true;
                        return;
                    }
                    self.keep(between);
                    if end == b.len() {
                        return;
                    }
                    self.keep(b"\"");
                    self.lex = Lex::String { keep: true };
                    self.string_kept = 0;
                    b = &b[end + 1..];
                }
                Lex::String { mut keep } => {
                    let end = memchr2(b'"', b'\\', b).unwrap_or(b.len());
                    let content = &b[..end];
                    // No early exit, so the check runs on whole vectors.
                    if content.iter().fold(false, |bad, &c| bad | (c < 0x20)) {
                        self.invalid = true;
                        return;
                    }
                    if keep {
                        keep = self.keep_content(content);
                    }
                    let Some(&stop) = b.get(end) else {
                        self.lex = Lex::String { keep };
                        return;
                    };
                    if stop == b'"' {
                        self.keep(b"\"");
                        self.lex = Lex::Outside;
                    } else {
                        // An escape is kept whole or not at all.
                        keep = keep && self.string_kept < self.limits.string;
                        if keep {
                            self.keep(b"\\");
                            self.string_kept += 1;
                        }
                        self.lex = Lex::Escape { keep };
                    }
                    b = &b[end + 1..];
                }
                Lex::Escape { keep } => {
                    let c = b[0];
                    self.lex = match c {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                            Lex::String { keep }
                        }
                        b'u' => Lex::Hex { keep, left: 4 },
                        _ => {
                            self.invalid = true;
                            return;
                        }
                    };
                    if keep {
                        self.keep(&b[..1]);
                        self.string_kept += 1;
                    }
                    b = &b[1..];
                }
                Lex::Hex { keep, left } => {
                    if !b[0].is_ascii_hexdigit() {
                        self.invalid = true;
                        return;
                    }
                    if keep {
                        self.keep(&b[..1]);
                        self.string_kept += 1;
                    }
                    self.lex = if left == 1 {
                        Lex::String { keep }
                    } else {
                        Lex::Hex {
                            keep,
                            left: left - 1,
                        }
                    };
                    b = &b[1..];
                }
            }
        }
    }

    /// Keeps what of a string's plain `content` fits under the string
    /// limit, and the rest of a character begun under it (so a cut never
    /// splits one, however the bytes arrive); false once the string is cut.
    fn keep_content(&mut self, content: &[u8]) -> bool {
        let mut cut = self
            .limits
            .string
            .saturating_sub(self.string_kept)
            .min(content.len());
        while cut < content.len() && (content[cut] & 0xc0) == 0x80 {
            cut += 1;
        }
        self.keep(&content[..cut]);
        self.string_kept += cut;
        cut == content.len()
    }
}

/// The search of a long line's bytes for the patterns of a reader's words
/// (see the `lookout` module), across the blocks it arrives in.
struct Search {
    /// `None`: nothing is looked for (and `hit` says whether every line
    /// counts or none).
    searcher: Option<Arc<Searcher>>,
    /// The last bytes seen, for a pattern split across two pieces.
    tail: Vec<u8>,
    /// Those and the first bytes of the next piece.
    scratch: Vec<u8>,
    /// How many bytes of `tail` to keep: one less than the longest pattern.
    overlap: usize,
    /// A pattern was seen; always set when every line counts.
    hit: bool,
}

impl Search {
    fn new(words: Option<Words>) -> Self {
        let mut search = Search {
            searcher: None,
            tail: Vec::new(),
            scratch: Vec::new(),
            overlap: 0,
            hit: true,
        };
        let Some(words) = words else {
            return search;
        };
        if words.iter().all(|w| w.is_empty()) {
            search.hit = false;
            return search;
        }
        // A searcher that cannot be built: the line counts.
        if let Some(searcher) = lookout::searcher(words) {
            search.searcher = Some(searcher);
            search.overlap = lookout::overlap(words);
            search.hit = false;
        }
        search
    }

    fn feed(&mut self, bytes: &[u8]) {
        let Some(searcher) = &self.searcher else {
            return;
        };
        if self.hit || bytes.is_empty() {
            return;
        }
        if !self.tail.is_empty() {
            // A pattern split between the last piece and this one.
            let take = bytes.len().min(self.overlap);
            self.scratch.clear();
            self.scratch.extend_from_slice(&self.tail);
            self.scratch.extend_from_slice(&bytes[..take]);
            if searcher.is_match(self.scratch.as_slice()) {
                self.hit = true;
                return;
            }
        }
        if searcher.is_match(bytes) {
            self.hit = true;
            return;
        }
        self.tail
            .extend_from_slice(&bytes[bytes.len().saturating_sub(self.overlap)..]);
        let excess = self.tail.len().saturating_sub(self.overlap);
        self.tail.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan;

    fn lines(input: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for_each_line(input, |l| {
            out.push(l.to_vec());
            ControlFlow::Continue(())
        })
        .unwrap();
        out
    }

    #[test]
    fn splits_on_newline_and_drops_one_carriage_return() {
        assert_eq!(
            lines(b"a\r\nb\n\nc"),
            vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
        );
        assert_eq!(lines(b"a\r\r\n"), vec![b"a\r".to_vec()]);
    }

    #[test]
    fn only_empty_lines_are_skipped() {
        assert_eq!(
            lines(b"\n\r\nx\n  \t\n"),
            vec![b"x".to_vec(), b"  \t".to_vec()]
        );
    }

    #[test]
    fn a_line_longer_than_any_block_arrives_whole_and_the_next_file_starts_clean() {
        let long = vec![b'x'; 3 * BLOCK + 17];
        let mut input = b"first\n".to_vec();
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\nnext\n");
        let got = lines(&input);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1], long);
        assert_eq!(got[2], b"next");
    }

    /// A reader that hands out one byte at a time, the worst case for carry.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buf[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn the_complete_length_ends_at_the_last_newline_however_the_bytes_arrive() {
        let input = b"one\r\ntwo\nthree-unfinished";
        let mut ignore = Every(|_: &[u8], _| ControlFlow::Continue(()));
        for complete in [
            split(&input[..], Limits::default(), &mut ignore).unwrap(),
            split(Trickle(input), Limits::default(), &mut ignore).unwrap(),
        ] {
            assert_eq!(complete, 9);
        }
        let mut ended = Vec::new();
        let mut sink = Every(|l: &[u8], e| {
            ended.push((l.to_vec(), e));
            ControlFlow::Continue(())
        });
        split(Trickle(input), Limits::default(), &mut sink).unwrap();
        assert_eq!(
            ended,
            [
                (b"one".to_vec(), true),
                (b"two".to_vec(), true),
                (b"three-unfinished".to_vec(), false)
            ]
        );
    }

    #[test]
    fn break_stops_reading() {
        let mut seen = 0;
        for_each_line(&b"a\nb\nc\n"[..], |_| {
            seen += 1;
            ControlFlow::Break(())
        })
        .unwrap();
        assert_eq!(seen, 1);
    }

    /// What a sink was handed.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Got {
        Line(Vec<u8>, bool),
        Oversized(bool),
    }

    /// A sink with a word list, recording what it is handed.
    struct Record {
        words: Option<&'static [&'static [u8]]>,
        got: Vec<Got>,
    }

    impl Sink for Record {
        fn line(&mut self, line: &[u8], ended: bool) -> ControlFlow<()> {
            self.got.push(Got::Line(line.to_vec(), ended));
            ControlFlow::Continue(())
        }
        fn words(&self) -> Option<&'static [&'static [u8]]> {
            self.words
        }
        fn oversized(&mut self, ended: bool) -> ControlFlow<()> {
            self.got.push(Got::Oversized(ended));
            ControlFlow::Continue(())
        }
    }

    const WORDS: &[&[u8]] = &[b"assistant", b"usage"];

    fn read(input: &[u8], limits: Limits, words: Option<&'static [&'static [u8]]>) -> Vec<Got> {
        let mut sink = Record {
            words,
            got: Vec::new(),
        };
        split(input, limits, &mut sink).unwrap();
        let mut trickled = Record {
            words,
            got: Vec::new(),
        };
        split(Trickle(input), limits, &mut trickled).unwrap();
        assert_eq!(sink.got, trickled.got, "the same however the bytes arrive");
        sink.got
    }

    /// Every line is long; strings keep 12 bytes.
    const TINY: Limits = Limits {
        gathered: 0,
        held: 1 << 20,
        string: 12,
    };

    fn line(text: &str) -> Got {
        Got::Line(text.as_bytes().to_vec(), true)
    }

    #[test]
    fn a_long_line_is_handed_on_as_its_skeleton() {
        let input = concat!(
            r#"{"type":"message","message":{"role":"assistant","content":[{"text":"0123456789abcdef"}],"#,
            r#""usage":{"input":3},"esc":"\u00e9\n\"\\\/ 12345678","utf8":"xééééééé"}}"#,
            "\r\n",
        );
        // Strings cut at 12 bytes, never inside an escape or a character.
        assert_eq!(
            read(input.as_bytes(), TINY, Some(WORDS)),
            [line(concat!(
                r#"{"type":"message","message":{"role":"assistant","content":[{"text":"0123456789ab"}],"#,
                r#""usage":{"input":3},"esc":"\u00e9\n\"\\","utf8":"xéééééé"}}"#,
            ))]
        );
    }

    #[test]
    fn a_long_line_without_a_word_is_skipped_unvalidated() {
        let input = b"{\"role\":\"user\",\"text\":\"hello\"}\n\x00\x00\x00\n{\"usage\":1}\n";
        assert_eq!(read(input, TINY, Some(WORDS)), [line(r#"{"usage":1}"#)]);
        // Unless every line counts.
        assert_eq!(
            read(input, TINY, None),
            [
                line(r#"{"role":"user","text":"hello"}"#),
                Got::Line(UNDECODABLE.to_vec(), true),
                line(r#"{"usage":1}"#)
            ]
        );
        // An empty word list: nothing counts.
        assert_eq!(read(input, TINY, Some(&[])), []);
    }

    #[test]
    fn a_word_or_a_disguising_escape_is_found_wherever_the_pieces_split() {
        for input in [
            r#"{"text":"..........","role":"assistant"}"#,
            r#"{"x":"\u0061ssistant"}"#,
            r#"{"usage":{}}"#,
        ] {
            let got = read(format!("{input}\n").as_bytes(), TINY, Some(WORDS));
            assert_eq!(got.len(), 1, "{input}");
        }
        // `\u001b` (an ANSI escape) disguises nothing, and a word inside
        // another string is not that string.
        for input in [r#"{"x":"\u001b[31m"}"#, r#"{"text":"the assistant"}"#] {
            assert_eq!(read(format!("{input}\n").as_bytes(), TINY, Some(WORDS)), []);
        }
    }

    #[test]
    fn a_short_line_is_examined_only_when_it_could_matter() {
        // Read in one block and a byte at a time (every line carried
        // across blocks): the same lines, the unfinished last one too.
        let input = concat!(
            "{\"role\":\"user\",\"text\":\"the assistant's usage\"}\n",
            "\0\0 not json\n",
            "{\"role\":\"assistant\"}\n",
            "{\"usage\" not json\r\n",
            "{\"x\":\"\\u0075sage\"}\n",
            "{\"usage\":1}",
        );
        assert_eq!(
            read(input.as_bytes(), Limits::default(), Some(WORDS)),
            [
                line(r#"{"role":"assistant"}"#),
                line(r#"{"usage" not json"#),
                line(r#"{"x":"\u0075sage"}"#),
                Got::Line(br#"{"usage":1}"#.to_vec(), false),
            ]
        );
        assert_eq!(
            read(input.as_bytes(), Limits::default(), None).len(),
            6,
            "every line when every line counts"
        );
        assert_eq!(read(input.as_bytes(), Limits::default(), Some(&[])), []);
    }

    #[test]
    fn a_long_line_that_cannot_decode_is_handed_on_as_undecodable() {
        let undecodable = Got::Line(UNDECODABLE.to_vec(), true);
        for input in [
            // In a string's cut part: a raw control character, a bad
            // escape, a short \u escape.
            "{\"usage\":\"0123456789\x01\"}",
            "{\"usage\":\"0123456789\\x\"}",
            "{\"usage\":\"0123456789\\u12g4\"}",
            // Between strings: a byte JSON does not allow.
            "{\"usage\":1}\x00",
        ] {
            let got = read(format!("{input}\n").as_bytes(), TINY, Some(WORDS));
            assert_eq!(got, std::slice::from_ref(&undecodable), "{input:?}");
        }
    }

    #[test]
    fn a_skeleton_decodes_exactly_when_its_line_does() {
        // Real lines, every truncation and many byte mutations of them, read
        // with every line long and strings cut short: the skeleton is a
        // JSON object exactly when the line is.
        let real = [
            &br#"{"type":"message","id":"b2c3d4e5","parentId":null,"timestamp":"2026-03-10T08:15:07.412Z","message":{"role":"assistant","content":[{"type":"thinking","thinking":"\u2026 \"q\" \\n long enough to be cut"},{"type":"toolCall","id":"toolu_01","name":"read","arguments":{"path":"src/a.ts"}}],"usage":{"input":3,"output":212,"cacheRead":18234,"cacheWrite":1432,"cost":{"total":0.0140292}},"timestamp":1773130502001}}"#[..],
            &br#"{"timestamp":"2026-11-20T09:00:05.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":1000,"cached_input_tokens":800,"output_tokens":100,"reasoning_output_tokens":40,"total_tokens":1100}},"rate_limits":null}}"#[..],
        ];
        let swaps: [u8; 14] = [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'e', b' ', 0x01, 0x00, b'u',
        ];
        let check = |line: &[u8]| {
            let mut input = line.to_vec();
            input.push(b'\n');
            let got = read(&input, TINY, None);
            let whole = line.strip_suffix(b"\r").unwrap_or(line);
            let decodes = scan::is_object(whole);
            match got.as_slice() {
                [] => assert!(whole.is_empty()),
                [Got::Line(skeleton, true)] => assert_eq!(
                    scan::is_object(skeleton),
                    decodes,
                    "{:?} -> {:?}",
                    String::from_utf8_lossy(line),
                    String::from_utf8_lossy(skeleton)
                ),
                other => panic!("{other:?}"),
            }
        };
        for line in real {
            for cut in 0..=line.len() {
                check(&line[..cut]);
            }
            for at in 0..line.len() {
                for &b in &swaps {
                    let mut m = line.to_vec();
                    m[at] = b;
                    check(&m);
                }
            }
        }
    }

    #[test]
    fn a_skeleton_longer_than_the_bound_is_oversized_when_it_could_matter() {
        let limits = Limits {
            gathered: 64,
            held: 1024,
            string: 16,
        };
        // 3,000 small values: no string to cut, so the skeleton is as long
        // as the line.
        let values = vec!["1"; 3000].join(",");
        let input =
            format!("{{\"usage\":[{values}]}}\n{{\"other\":[{values}]}}\n{{\"usage\":[{values}]}}");
        assert_eq!(
            read(input.as_bytes(), limits, Some(WORDS)),
            [Got::Oversized(true), Got::Oversized(false)]
        );
        // Lines under the limit are as they were.
        assert_eq!(
            read(
                b"{\"usage\":\"012345678901234567890123456789\"}\n",
                limits,
                Some(WORDS)
            ),
            [line(r#"{"usage":"012345678901234567890123456789"}"#)]
        );
    }

    /// A reader of `len` bytes: `head`, then `fill` repeated, then `end`,
    /// made as they are read.
    struct Made {
        head: Vec<u8>,
        fill: u8,
        end: Vec<u8>,
        len: usize,
        at: usize,
    }

    impl Read for Made {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.len - self.at);
            let fill_end = self.len - self.end.len();
            for (i, b) in buf[..n].iter_mut().enumerate() {
                let at = self.at + i;
                *b = if at < self.head.len() {
                    self.head[at]
                } else if at < fill_end {
                    self.fill
                } else {
                    self.end[at - fill_end]
                };
            }
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn a_200_mb_line_costs_no_more_memory_than_a_short_one() {
        // An inline image of 200 MB in a usage record: read, its usage
        // intact, through buffers of at most a couple of megabytes.
        let head = br#"{"type":"message","message":{"role":"toolResult","content":[{"type":"image","data":""#;
        let end = b"\"}],\"usage\":{\"input\":7}}}\n".to_vec();
        let end_len = end.len();
        let made = Made {
            head: head.to_vec(),
            fill: b'A',
            end,
            len: 200 << 20,
            at: 0,
        };
        let mut got = Vec::new();
        let mut peak = 0;
        let mut sink = Every(|line: &[u8], _| {
            got.push(String::from_utf8_lossy(line).into_owned());
            ControlFlow::Continue(())
        });
        split(made, Limits::default(), &mut sink).unwrap();
        BUFFERS_PEAK.with(|p| peak = p.take());
        assert_eq!(got.len(), 1);
        assert!(
            got[0].ends_with(r#"AAAA"}],"usage":{"input":7}}}"#),
            "{}",
            &got[0][got[0].len() - 40..]
        );
        assert_eq!(got[0].len(), head.len() + KEPT_STRING + end_len - 1);
        assert!(peak <= GATHERED + 2 * BLOCK + KEPT_CARRY, "{peak}");
    }
}
