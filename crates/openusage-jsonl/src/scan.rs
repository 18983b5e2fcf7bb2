//! Checking lines cheaply before any decoding: most bytes of a transcript
//! are tool output and user content that no usage rule looks at. Whether a
//! line decodes at all is decided here for every line (a line that does not
//! is dropped and counted); only the few lines that hold a word a provider
//! looks for ([`classify`]) are then read, from the values [`capture`] found.

use memchr::{memchr2, memmem};

use crate::json::MAX_DEPTH;

/// `\u00XX` with XX printable ASCII (0x20-0x7f): how a hand-edited or
/// hostile file could write `"assistant"` without those bytes. Writers of
/// JSON (JavaScript's `JSON.stringify`, serde) never escape these.
pub(crate) fn has_ascii_escape(line: &[u8]) -> bool {
    memmem::find_iter(line, br"\u00").any(|at| matches!(line.get(at + 4), Some(b'2'..=b'7')))
}

/// Whether a line decodes, and whether it may be a record a provider looks
/// for, in one pass: `None` when `line` is not a JSON object (see
/// [`is_object`]); `Some(true)` when one of its strings is exactly one of
/// `words` (compare `"assistant"` as a whole string, not a substring), or a
/// string holds an escape that could spell an ASCII word in disguise;
/// `Some(false)` otherwise. The strings are found once, while validating,
/// and only those as long as a word are compared.
pub fn classify(line: &[u8], words: &[&[u8]]) -> Option<bool> {
    let mut v = Validator::new(line, words, &[]);
    v.run().then_some(v.found)
}

/// What [`capture`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capture {
    /// Not a JSON object (see [`is_object`]).
    Undecodable,
    /// A JSON object holding none of the words (see [`classify`]).
    Irrelevant,
    /// A JSON object holding a word: the byte range of the value at each
    /// path, `None` where there is none. When a key repeats, the last wins.
    /// The line may still hold bytes that are not UTF-8: the caller, who
    /// needs text, finds out when it makes some.
    Found(Vec<Option<(usize, usize)>>),
    /// A JSON object holding a word, whose keys hold escapes: only the full
    /// decoder reads those names right.
    Unsure,
}

/// [`classify`], and for a line that may matter, where the values at
/// `paths` are: each path is one or two keys from the top object
/// (`["type"]`, `["message", "usage"]`). One pass over the line; the
/// caller then decodes only those few small values.
pub fn capture(line: &[u8], words: &[&[u8]], paths: &[&[&[u8]]]) -> Capture {
    let mut v = Validator::new(line, words, paths);
    if !v.run() {
        return Capture::Undecodable;
    }
    if !v.found {
        return Capture::Irrelevant;
    }
    if v.unsure {
        return Capture::Unsure;
    }
    Capture::Found(v.spans)
}

/// True when `line` is exactly one JSON object (with surrounding JSON
/// whitespace) nested at most [`MAX_DEPTH`] deep: the lines that decode.
/// Strict JSON, as serde_json checks it when it skips a value: raw control
/// characters are refused inside strings and keys, lone surrogate escapes are
/// accepted, and bytes that are not UTF-8 are accepted inside strings (they
/// read as U+FFFD).
pub fn is_object(line: &[u8]) -> bool {
    classify(line, &[]).is_some()
}

struct Validator<'a> {
    b: &'a [u8],
    i: usize,
    /// Whole strings to look out for, and whether one was seen.
    words: &'a [&'a [u8]],
    found: bool,
    /// Values to locate, by their keys from the top object (one or two
    /// deep), and where they were found.
    paths: &'a [&'a [&'a [u8]]],
    spans: Vec<Option<(usize, usize)>>,
    /// A key on the way to a path held an escape: its spelling on the line
    /// is not its name, so the spans cannot be trusted.
    unsure: bool,
}

impl<'a> Validator<'a> {
    fn new(b: &'a [u8], words: &'a [&'a [u8]], paths: &'a [&'a [&'a [u8]]]) -> Self {
        Validator {
            b,
            i: 0,
            words,
            found: false,
            paths,
            spans: vec![None; paths.len()],
            unsure: false,
        }
    }

    /// The whole line: one object and surrounding whitespace.
    fn run(&mut self) -> bool {
        self.ws();
        if self.peek() != Some(b'{') || !self.value(0, None) {
            return false;
        }
        self.ws();
        self.i == self.b.len()
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A value inside `depth` containers. Recursion is bounded by the depth
    /// limit, so no input can overflow the stack.
    /// `parent` is the key of this value when it sits in the top object.
    fn value(&mut self, depth: usize, parent: Option<(usize, usize)>) -> bool {
        match self.peek() {
            Some(b'{') => depth < MAX_DEPTH && self.object(depth + 1, parent),
            Some(b'[') => depth < MAX_DEPTH && self.array(depth + 1),
            Some(b'"') => {
                self.i += 1;
                self.string()
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => false,
        }
    }

    /// An object `depth` containers deep; `parent` is its key when it is a
    /// value of the top object.
    fn object(&mut self, depth: usize, parent: Option<(usize, usize)>) -> bool {
        self.i += 1;
        self.ws();
        if self.eat(b'}') {
            return true;
        }
        loop {
            let key_start = self.i + 1;
            if !self.eat(b'"') || !self.string() {
                return false;
            }
            let key = (key_start, self.i - 1);
            self.ws();
            if !self.eat(b':') {
                return false;
            }
            self.ws();
            let slot = self.slot(depth, parent, key);
            let start = self.i;
            let child_parent = (depth == 1).then_some(key);
            if !self.value(depth, child_parent) {
                return false;
            }
            if let Some(slot) = slot {
                self.spans[slot] = Some((start, self.i));
            }
            self.ws();
            if self.eat(b'}') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
            self.ws();
        }
    }

    fn array(&mut self, depth: usize) -> bool {
        self.i += 1;
        self.ws();
        if self.eat(b']') {
            return true;
        }
        loop {
            if !self.value(depth, None) {
                return false;
            }
            self.ws();
            if self.eat(b']') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
            self.ws();
        }
    }

    /// The rest of a string after its opening quote. Jumps from quote or
    /// backslash to the next with memchr: long strings are most of the bytes.
    fn string(&mut self) -> bool {
        let start = self.i;
        let mut escaped = false;
        loop {
            let rest = &self.b[self.i..];
            let Some(k) = memchr2(b'"', b'\\', rest) else {
                return false;
            };
            // No early exit, so the check runs on whole vectors at a time.
            if rest[..k].iter().fold(false, |bad, &c| bad | (c < 0x20)) {
                return false; // raw control characters are not allowed in JSON strings
            }
            self.i += k + 1;
            if rest[k] == b'"' {
                self.note(start, escaped);
                return true;
            }
            escaped = true;
            match self.peek() {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                Some(b'u') => {
                    let hex = self.b.get(self.i + 1..self.i + 5);
                    if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                        return false;
                    }
                    self.i += 5;
                }
                _ => return false,
            }
        }
    }

    /// Which path, if any, the value of `key` is, in an object `depth`
    /// deep under `parent`. A top-level key starts its paths afresh, so the
    /// last of repeated keys wins whole.
    fn slot(
        &mut self,
        depth: usize,
        parent: Option<(usize, usize)>,
        key: (usize, usize),
    ) -> Option<usize> {
        if self.paths.is_empty() || depth > 2 {
            return None;
        }
        let name = &self.b[key.0..key.1];
        if name.contains(&b'\\') {
            self.unsure = true;
            return None;
        }
        let parent = parent.map(|(a, b)| &self.b[a..b]);
        let mut found = None;
        for (slot, path) in self.paths.iter().enumerate() {
            match (depth, parent, *path) {
                (1, _, [only]) if *only == name => found = Some(slot),
                (1, _, [first, _]) if *first == name => self.spans[slot] = None,
                (2, Some(p), [first, second]) if *first == p && *second == name => {
                    found = Some(slot)
                }
                _ => {}
            }
        }
        found
    }

    /// Records whether the string that just ended (its content from
    /// `start`, closing quote excluded) is one of the words looked out for.
    fn note(&mut self, start: usize, escaped: bool) {
        if self.found || self.words.is_empty() {
            return;
        }
        let content = &self.b[start..self.i - 1];
        self.found = if escaped {
            has_ascii_escape(content)
        } else {
            self.words
                .iter()
                .any(|w| w.len() == content.len() && *w == content)
        };
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> bool {
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return false,
        }
        if self.eat(b'.') {
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return false;
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return false;
            }
            self.digits();
        }
        // A leading zero followed by a digit ("01") is not a JSON number.
        !matches!(self.peek(), Some(b'0'..=b'9'))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    /// An independent judge: serde_json's own skipping of a value (strict
    /// about syntax, lenient about lone surrogates), an object at the top,
    /// and the depth limit.
    fn decodes(line: &[u8]) -> bool {
        let text = String::from_utf8_lossy(line);
        text.trim_start_matches([' ', '\t', '\n', '\r'])
            .starts_with('{')
            && serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok()
            && !json::exceeds_depth(&text, MAX_DEPTH)
    }

    fn same(line: &[u8]) {
        assert_eq!(
            is_object(line),
            decodes(line),
            "{:?}",
            String::from_utf8_lossy(line)
        );
    }

    #[test]
    fn agrees_with_serde_json_on_hand_picked_lines() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(127), "]".repeat(127));
        let deeper = format!("{{\"a\":{}{}}}", "[".repeat(128), "]".repeat(128));
        for line in [
            r#"{"type":"message","n":[1,-0,0.5,1e400,-1.5E-7,18446744073709551616],"t":true,"f":false,"z":null}"#,
            r#"  {"a":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d"}  "#,
            r#"{}"#,
            r#"{"a":{}, "b":[ ]}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":+1}"#,
            r#"{"a":-}"#,
            r#"{"a":"bad \x escape"}"#,
            r#"{"a":"\u12"}"#,
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{a:1}"#,
            r#"{"a":tru}"#,
            r#"{"a":nulls}"#,
            r#"{"a":1} {"b":2}"#,
            r#"[{"a":1}]"#,
            r#""string""#,
            r#"42"#,
            r#"{"a":[1,2,]}"#,
            r#"{"a":"unterminated}"#,
            "{\"a\":\"tab\tinside\"}",
            "{\"a\":1}\u{a0}",
            &deep,
            &deeper,
        ] {
            same(line.as_bytes());
        }
        same(b"{\"a\":\"\xff\xfe bytes\"}");
        same(b"{\"a\":1}\xff");
        same(b"{\"a\":\"nul\x00\"}");
        same(b"{\"raw\x01key\":1}");
    }

    #[test]
    fn agrees_with_serde_json_on_every_truncation_and_mutation_of_real_lines() {
        let lines = [
            &br#"{"type":"message","id":"b2c3d4e5","parentId":null,"timestamp":"2026-03-10T08:15:07.412Z","message":{"role":"assistant","content":[{"type":"thinking","thinking":"\u2026 \"q\" \\n"},{"type":"toolCall","id":"toolu_01","name":"read","arguments":{"path":"src/a.ts"}}],"usage":{"input":3,"output":212,"cacheRead":18234,"cacheWrite":1432,"cost":{"total":0.0140292}},"timestamp":1773130502001}}"#[..],
            &br#"{"timestamp":"2026-11-20T09:00:05.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":1000,"cached_input_tokens":800,"output_tokens":100,"reasoning_output_tokens":40,"total_tokens":1100}},"rate_limits":null}}"#[..],
        ];
        let swaps: [u8; 12] = [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'e', b' ', 0x01,
        ];
        for line in lines {
            for cut in 0..=line.len() {
                same(&line[..cut]);
            }
            for at in 0..line.len() {
                for &b in &swaps {
                    let mut m = line.to_vec();
                    m[at] = b;
                    same(&m);
                }
            }
        }
    }

    #[test]
    fn a_line_nested_100_000_deep_does_not_decode_and_cannot_overflow_the_stack() {
        // The adversarial fixture's deep line names no word and is passed
        // over; one that names a word is examined, and must fail cleanly.
        let deep = format!(
            "{{\"usage\":{}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(classify(deep.as_bytes(), &[b"usage"]), None);
    }

    #[test]
    fn whatever_is_an_object_the_field_reader_reads() {
        // is_object is the line criterion; json::fields must then never fail.
        for line in [
            &br#"{"\u0001key":1,"\ud800":"\udfff","a":1e400}"#[..],
            b"{\"k\":\"\xff\"}",
        ] {
            assert!(is_object(line));
            assert!(json::fields(&String::from_utf8_lossy(line), &["a"]).is_some());
        }
    }

    #[test]
    fn classify_finds_whole_words_and_disguised_ascii_only() {
        let words: [&[u8]; 2] = [b"assistant", b"session"];
        assert_eq!(
            classify(br#"{"message":{"role":"assistant"}}"#, &words),
            Some(true)
        );
        assert_eq!(
            classify(br#"{"type":"session","id":"x"}"#, &words),
            Some(true)
        );
        assert_eq!(
            classify(br#"{"text":"the assistant said"}"#, &words),
            Some(false)
        );
        assert_eq!(
            classify(br#"{"role":"\u0061ssistant"}"#, &words),
            Some(true)
        );
        assert_eq!(
            classify(br#"{"text":"\u001b[31mred"}"#, &words),
            Some(false)
        );
        assert_eq!(
            classify(br#"{"assistant":1}"#, &words),
            Some(true),
            "keys are strings too"
        );
        assert_eq!(classify(br#"{"role":"assistant""#, &words), None);
    }

    fn spans_text<'a>(line: &'a str, c: &Capture) -> Vec<Option<&'a str>> {
        let Capture::Found(spans) = c else {
            panic!("{c:?}")
        };
        spans.iter().map(|s| s.map(|(a, b)| &line[a..b])).collect()
    }

    const PATHS: [&[&[u8]]; 4] = [
        &[b"type"],
        &[b"message", b"role"],
        &[b"message", b"usage"],
        &[b"id"],
    ];

    #[test]
    fn capture_locates_values_one_and_two_keys_deep() {
        let line = r#"{"type":"message","message":{"content":[{"role":"x"}],"role":"assistant","usage":{"input":3}},"id":"a1"}"#;
        let c = capture(line.as_bytes(), &[b"assistant"], &PATHS);
        assert_eq!(
            spans_text(line, &c),
            [
                Some(r#""message""#),
                Some(r#""assistant""#),
                Some(r#"{"input":3}"#),
                Some(r#""a1""#)
            ]
        );
    }

    #[test]
    fn the_last_of_repeated_keys_wins_whole() {
        let line = r#"{"message":{"role":"assistant","usage":{"input":1}},"type":"t","message":{"role":"assistant"}}"#;
        let c = capture(line.as_bytes(), &[b"assistant"], &PATHS);
        assert_eq!(
            spans_text(line, &c),
            [Some(r#""t""#), Some(r#""assistant""#), None, None]
        );
    }

    #[test]
    fn escaped_keys_need_the_full_decoder() {
        let escaped = br#"{"t\u0079pe":"message","message":{"role":"assistant"}}"#;
        assert_eq!(capture(escaped, &[b"assistant"], &PATHS), Capture::Unsure);
        assert_eq!(
            capture(br#"{"role":"user"}"#, &[b"assistant"], &PATHS),
            Capture::Irrelevant
        );
        assert_eq!(
            capture(br#"{"role":"#, &[b"assistant"], &PATHS),
            Capture::Undecodable
        );
    }
}
