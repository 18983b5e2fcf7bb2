//! Which lines could matter to a reader, found over whole blocks.
//!
//! A reader names the words every line that matters to it holds as a whole
//! JSON string, key or value ([`crate::lines::Sink::words`]). Such a string
//! is on the line either as its bytes in quotes (`"usage"`) or written with
//! an escape; the only escapes that spell a letter, a digit or `_` are
//! `\u0020` to `\u007F`. So a line that holds none of the quoted words and
//! no `\u002`..`\u007` is none of those lines, whatever else it holds, and
//! need not be examined at all (not even checked for being JSON).
//!
//! All of those patterns are looked for in one pass over a block with a
//! multi-pattern SIMD search (`aho-corasick`'s packed "Teddy" searcher),
//! and the hits are mapped to lines as the lines are split: a search starts
//! at a line and runs to its first hit, so the lines up to that hit are
//! passed over without another search.

use std::cell::RefCell;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind, Span, packed};

/// A search for several patterns at once.
pub(crate) enum Searcher {
    /// Teddy: SIMD over the patterns' first bytes, where the CPU has it.
    /// (The automaton's own choice of prefilter, for patterns that all
    /// start with `"` or `\`, was a search for those two bytes, which JSON
    /// is full of: 40% of a cold scan.)
    Packed(packed::Searcher),
    /// The automaton, elsewhere.
    Automaton(AhoCorasick),
}

impl Searcher {
    /// Where the first pattern from `start` on begins.
    pub(crate) fn find_from(&self, haystack: &[u8], start: usize) -> Option<usize> {
        let span = Span {
            start,
            end: haystack.len(),
        };
        match self {
            Searcher::Packed(s) => s.find_in(haystack, span).map(|m| m.start()),
            Searcher::Automaton(s) => s
                .find(aho_corasick::Input::new(haystack).span(span))
                .map(|m| m.start()),
        }
    }

    pub(crate) fn is_match(&self, haystack: &[u8]) -> bool {
        self.find_from(haystack, 0).is_some()
    }
}

/// A word list.
pub(crate) type Words = &'static [&'static [u8]];

/// The escapes that could spell an ASCII character: `\u0020` to `\u007F`
/// (writers of JSON never escape those, a hand-edited or hostile file may).
const ESCAPES: [&[u8]; 6] = [
    br"\u002", br"\u003", br"\u004", br"\u005", br"\u006", br"\u007",
];

/// Searchers already built, by word list: a reader asks with the same few
/// static lists file after file, and building one costs more than reading
/// a small file. At most `KEPT` lists are remembered.
const KEPT: usize = 16;

thread_local! {
    static BUILT: RefCell<Vec<(Words, Option<Arc<Searcher>>)>> = const { RefCell::new(Vec::new()) };
}

/// The search for any of `words` (quoted) or an escape that could spell
/// one. `None` when the list is empty (nothing matters) or the searcher
/// could not be built (then every line is taken to matter: see
/// [`Lookout::could_matter`]).
pub(crate) fn searcher(words: Words) -> Option<Arc<Searcher>> {
    BUILT.with(|built| {
        let mut built = built.borrow_mut();
        if let Some((_, s)) = built.iter().find(|(w, _)| *w == words) {
            return s.clone();
        }
        let s = build(words).map(Arc::new);
        if built.len() >= KEPT {
            built.clear();
        }
        built.push((words, s.clone()));
        s
    })
}

fn build(words: Words) -> Option<Searcher> {
    let quoted: Vec<Vec<u8>> = words
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| [b"\"", *w, b"\""].concat())
        .collect();
    if quoted.is_empty() {
        return None;
    }
    let patterns = || quoted.iter().map(Vec::as_slice).chain(ESCAPES);
    let packed = packed::Config::new()
        .match_kind(packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(patterns())
        .build();
    match packed {
        Some(s) => Some(Searcher::Packed(s)),
        None => AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(patterns())
            .ok()
            .map(Searcher::Automaton),
    }
}

/// The longest pattern for `words`, less one: how many bytes of one piece
/// to keep to find a pattern split between two.
pub(crate) fn overlap(words: Words) -> usize {
    let longest = words.iter().map(|w| w.len() + 2).max().unwrap_or(0);
    longest.max(ESCAPES[0].len()) - 1
}

/// Whether a line, whole, could matter to a reader asking for `words`.
pub(crate) fn holds(words: Option<Words>, line: &[u8]) -> bool {
    let Some(words) = words else {
        return true;
    };
    if words.iter().all(|w| w.is_empty()) {
        return false;
    }
    searcher(words).is_none_or(|s| s.is_match(line))
}

/// The lines of one block that could matter, asked about in order.
#[derive(Default)]
pub(crate) struct Lookout {
    /// The word list last asked for, and its searcher.
    words: Option<Words>,
    searcher: Option<Arc<Searcher>>,
    /// The first hit at or after where the last search started, in the
    /// current block (the block's length when there was none); `None`
    /// before the first search of a block or of a word list.
    hit: Option<usize>,
}

impl Lookout {
    /// A new block: what was found in the last one no longer holds.
    pub(crate) fn new_block(&mut self) {
        self.hit = None;
    }

    /// Whether the line `block[start..end]` (`block` ending where the
    /// block's bytes do; no line ends inside it before `end`) could matter
    /// to a reader asking for `words`.
    pub(crate) fn could_matter(
        &mut self,
        words: Option<Words>,
        block: &[u8],
        start: usize,
        end: usize,
    ) -> bool {
        let Some(words) = words else {
            return true;
        };
        if !self
            .words
            .is_some_and(|w| std::ptr::eq(w, words) || w == words)
        {
            self.words = Some(words);
            self.searcher = if words.iter().all(|w| w.is_empty()) {
                None
            } else {
                // A searcher that cannot be built: every line matters.
                let Some(s) = searcher(words) else {
                    self.words = None;
                    return true;
                };
                Some(s)
            };
            self.hit = None;
        }
        let Some(searcher) = &self.searcher else {
            return false;
        };
        // Patterns hold no newline, so a hit from `start` on that begins
        // before `end` lies in the line.
        let hit = match self.hit {
            Some(hit) if hit >= start => hit,
            _ => {
                let hit = searcher.find_from(block, start).unwrap_or(block.len());
                self.hit = Some(hit);
                hit
            }
        };
        hit < end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: Words = &[b"usage", b"session"];

    /// The lines of `text` that could matter, by the block search.
    fn found(words: Option<Words>, text: &[u8]) -> Vec<&[u8]> {
        let mut lookout = Lookout::default();
        lookout.new_block();
        let mut start = 0;
        let mut out = Vec::new();
        for line in text.split(|&b| b == b'\n') {
            let end = start + line.len();
            if lookout.could_matter(words, text, start, end) {
                out.push(line);
            }
            assert_eq!(
                holds(words, line),
                out.last() == Some(&line),
                "{:?}",
                String::from_utf8_lossy(line)
            );
            start = end + 1;
        }
        out
    }

    #[test]
    fn a_line_could_matter_when_it_holds_a_quoted_word_or_an_ascii_escape() {
        let text = concat!(
            "{\"usage\":1}\n",
            "{\"text\":\"usage and session\"}\n",
            "{\"text\":\"\\\"usage\\\"\"}\n",
            "{\"x\":\"\\u0073ession\"}\n",
            "{\"x\":\"\\u00e9\"}\n",
            "{\"type\":\"session\"}\n",
            "not json \"session\"\n",
            "\"usage\"",
        );
        assert_eq!(
            found(Some(WORDS), text.as_bytes()),
            [
                &b"{\"usage\":1}"[..],
                b"{\"x\":\"\\u0073ession\"}",
                b"{\"type\":\"session\"}",
                b"not json \"session\"",
                b"\"usage\"",
            ]
        );
        assert_eq!(found(None, text.as_bytes()).len(), 8);
        assert!(found(Some(&[]), text.as_bytes()).is_empty());
    }

    #[test]
    fn another_word_list_mid_block_is_searched_afresh() {
        let text = b"{\"a\":1}\n{\"b\":1}\n";
        let mut lookout = Lookout::default();
        lookout.new_block();
        assert!(!lookout.could_matter(Some(&[b"b"]), text, 0, 7));
        assert!(!lookout.could_matter(Some(&[b"a"]), text, 8, 15));
        assert!(lookout.could_matter(Some(&[b"b"]), text, 8, 15));
    }
}
