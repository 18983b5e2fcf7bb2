//! Lenient reading of JSON written by other programs.
//!
//! Transcripts are JSON Lines, but a field of the wrong type, a number out of
//! `f64` range or a lone UTF-16 surrogate must spoil only that one value, never
//! the line around it. serde's derive cannot promise that (one bad field fails
//! the whole struct, and a duplicate key is an error), so providers take the
//! fields they need as raw JSON text with [`fields`] and read each one with
//! [`string`] and [`number`]. Everything else in the line is skipped without
//! being decoded.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Takes the named fields of the JSON object `text` as raw JSON text.
///
/// Returns `None` when `text` is not a well-formed JSON object (bad syntax,
/// another type, nesting deeper than serde_json's limit of 128). Otherwise
/// slot `i` holds the raw value of `names[i]`, or `None` when the key is
/// absent. When a key appears twice the last value wins, as in JavaScript's
/// `JSON.parse`, which is what the programs that write these files use.
///
/// The rest of the object is checked for syntax but not decoded.
pub fn fields<'a, const N: usize>(
    text: &'a str,
    names: &[&str; N],
) -> Option<[Option<&'a RawValue>; N]> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let slots = FieldsSeed { names }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(slots)
}

/// The field `name` of the JSON object `text`, when the object is well formed.
pub fn field<'a>(text: &'a str, name: &str) -> Option<&'a RawValue> {
    let [slot] = fields(text, &[name])?;
    slot
}

/// Decodes a raw JSON value that is a string. Returns `None` for any other
/// type. A lone surrogate escape (`\ud800` without its pair) becomes one
/// U+FFFD, as a JavaScript program writing the text out as UTF-8 would do.
pub fn string(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get().trim();
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    Some(Cow::Owned(unescape(inner)))
}

/// Reads a raw JSON value that is a number as `f64`. Returns `None` for any
/// other type. Numbers beyond `f64` range come back infinite rather than
/// failing, so callers can apply their own rule to them.
pub fn number(raw: &RawValue) -> Option<f64> {
    let text = raw.get().trim();
    let first = *text.as_bytes().first()?;
    if first == b'-' || first.is_ascii_digit() {
        text.parse::<f64>().ok()
    } else {
        None
    }
}

/// The deepest nesting of arrays and objects a decodable line may have.
///
/// serde_json skips ignored values without a depth limit, but the usual way
/// to read JSON in Rust (`serde_json::Value`) stops at 128 levels, and the
/// contract treats "nesting too deep" as a line that does not decode. Holding
/// every value to the same limit keeps our counts equal to that reading.
pub const MAX_DEPTH: usize = 128;

/// True when `text` nests arrays and objects deeper than `limit` levels.
/// The reference the fast validator (`scan`) is tested against.
/// Brackets inside strings do not count. Meant for text that may not even be
/// valid JSON: it never fails, it only counts.
#[cfg(test)]
pub(crate) fn exceeds_depth(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in text.as_bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The largest token count taken as is: 2^53, beyond which `f64` (what the
/// JavaScript writers use) no longer holds every integer.
const MAX_COUNT: f64 = 9_007_199_254_740_992.0;

/// A token count under the bucket rule every provider shares: missing,
/// negative, not a number, not finite or above 2^53 counts as 0; a fraction
/// is truncated toward zero.
pub fn count(raw: Option<&RawValue>) -> u64 {
    match raw.and_then(number) {
        Some(v) if v.is_finite() && (0.0..=MAX_COUNT).contains(&v) => v.trunc() as u64,
        _ => 0,
    }
}

/// A string field trimmed (Unicode White_Space); empty and non-strings are `None`.
pub fn trimmed(raw: Option<&RawValue>) -> Option<String> {
    let value = string(raw?)?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// An RFC 3339 timestamp string as an instant; a zone is required, as RFC
/// 3339 says, so `2026-11-20T10:00:00` is not one.
pub fn rfc3339(raw: &RawValue) -> Option<DateTime<Utc>> {
    let text = string(raw)?;
    DateTime::parse_from_rfc3339(&text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .and_then(crate::instant::in_range)
}

/// True when the raw value is JSON `null`.
pub fn is_null(raw: &RawValue) -> bool {
    raw.get().trim() == "null"
}

/// Unescapes the inside of a JSON string literal that serde_json has already
/// checked for syntax, so every `\` starts a valid escape.
fn unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => push_unicode_escape(&mut out, &mut chars),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn push_unicode_escape(out: &mut String, chars: &mut std::str::Chars<'_>) {
    let Some(unit) = hex4(chars) else {
        out.push(char::REPLACEMENT_CHARACTER);
        return;
    };
    if (0xD800..0xDC00).contains(&unit) {
        // A high surrogate is only meaningful when a low one follows at once.
        let mut lookahead = chars.clone();
        if lookahead.next() == Some('\\') && lookahead.next() == Some('u') {
            if let Some(low) = hex4(&mut lookahead) {
                if (0xDC00..0xE000).contains(&low) {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    *chars = lookahead;
                    return;
                }
            }
        }
        out.push(char::REPLACEMENT_CHARACTER);
        return;
    }
    out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u16> {
    let mut value = 0u16;
    for _ in 0..4 {
        let digit = chars.next()?.to_digit(16)?;
        value = value * 16 + digit as u16;
    }
    Some(value)
}

struct FieldsSeed<'n, const N: usize> {
    names: &'n [&'n str; N],
}

impl<'de, const N: usize> DeserializeSeed<'de> for FieldsSeed<'_, N> {
    type Value = [Option<&'de RawValue>; N];

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for FieldsSeed<'_, N> {
    type Value = [Option<&'de RawValue>; N];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut slots = [None; N];
        while let Some(key) = map.next_key::<Key>()? {
            match self
                .names
                .iter()
                .position(|n| n.as_bytes() == key.0.as_ref())
            {
                Some(i) => slots[i] = Some(map.next_value::<&'de RawValue>()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(slots)
    }
}

/// An object key as raw bytes: taking keys as bytes lets serde_json accept a
/// lone surrogate in a key we do not care about instead of failing the line.
/// Borrowed from the line unless the key holds an escape.
struct Key<'de>(Cow<'de, [u8]>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_vec())))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v.as_bytes())))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                self.visit_bytes(v.as_bytes())
            }
        }
        deserializer.deserialize_bytes(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn fields_takes_named_values_and_skips_the_rest() {
        let line = r#"{"type":"message","content":[{"deep":[1,2,{"x":null}]}],"id":"ab"}"#;
        let [ty, id, missing] = fields(line, &["type", "id", "nope"]).unwrap();
        assert_eq!(ty.unwrap().get(), r#""message""#);
        assert_eq!(id.unwrap().get(), r#""ab""#);
        assert!(missing.is_none());
    }

    #[test]
    fn the_last_of_duplicate_keys_wins() {
        let [model] = fields(r#"{"model":"a","model":"b"}"#, &["model"]).unwrap();
        assert_eq!(string(model.unwrap()).unwrap(), "b");
    }

    #[test]
    fn non_objects_and_bad_syntax_are_not_objects() {
        for text in [
            "42",
            "[]",
            "\"s\"",
            "{\"a\":",
            "{\"a\":1} trailing",
            "",
            "null",
        ] {
            assert!(fields(text, &["a"]).is_none(), "{text:?}");
        }
    }

    #[test]
    fn nesting_depth_is_measured_outside_strings() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(exceeds_depth(&deep, MAX_DEPTH));
        let at_limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(!exceeds_depth(&at_limit, MAX_DEPTH));
        let in_string = format!("{{\"s\":\"{}\\\"\"}}", "[".repeat(500));
        assert!(!exceeds_depth(&in_string, MAX_DEPTH));
    }

    #[test]
    fn out_of_range_numbers_anywhere_do_not_spoil_the_object() {
        let [n, m] = fields(
            r#"{"n":1e400,"skip":[-1e999],"m":18446744073709551616}"#,
            &["n", "m"],
        )
        .unwrap();
        assert_eq!(number(n.unwrap()), Some(f64::INFINITY));
        assert_eq!(number(m.unwrap()), Some(18446744073709551616.0));
    }

    #[test]
    fn lone_surrogates_become_one_replacement_character() {
        assert_eq!(string(&raw(r#""gpt-5\ud83d""#)).unwrap(), "gpt-5\u{FFFD}");
        assert_eq!(string(&raw(r#""\udc00x""#)).unwrap(), "\u{FFFD}x");
        assert_eq!(string(&raw(r#""\ud83d\ude00""#)).unwrap(), "😀");
        assert_eq!(string(&raw(r#""\ud83d\u0041""#)).unwrap(), "\u{FFFD}A");
        // A lone surrogate in a key or a skipped value does not fail the object.
        let [m] = fields(r#"{"\ud800":1,"c":"\udfff","m":"ok"}"#, &["m"]).unwrap();
        assert_eq!(string(m.unwrap()).unwrap(), "ok");
    }

    #[test]
    fn counts_follow_the_bucket_rule() {
        let n = |t: &str| count(Some(&raw(t)));
        assert_eq!(
            (
                n("12"),
                n("12.9"),
                n("-5"),
                n("-0"),
                n("\"12\""),
                n("1e400")
            ),
            (12, 12, 0, 0, 0, 0)
        );
        assert_eq!(
            (n("9007199254740992"), n("9007199254740994"), n("null")),
            (9_007_199_254_740_992, 0, 0)
        );
        assert_eq!(count(None), 0);
    }

    #[test]
    fn timestamps_need_a_zone() {
        assert!(rfc3339(&raw("\"2026-11-20T01:30:00+02:00\"")).is_some());
        assert_eq!(rfc3339(&raw("\"2026-11-20T01:30:00\"")), None);
        assert_eq!(rfc3339(&raw("1795161604000")), None);
    }

    #[test]
    fn trimmed_strings_drop_empty_values() {
        assert_eq!(trimmed(Some(&raw("\"  m \""))).as_deref(), Some("m"));
        assert_eq!(trimmed(Some(&raw("\"  \""))), None);
        assert_eq!(trimmed(Some(&raw("5"))), None);
    }

    #[test]
    fn strings_unescape_the_standard_escapes() {
        assert_eq!(
            string(&raw(r#""C:\\Users\\bob\/x\n\t\"q\"""#)).unwrap(),
            "C:\\Users\\bob/x\n\t\"q\""
        );
        assert!(matches!(
            string(&raw(r#""plain""#)),
            Some(Cow::Borrowed("plain"))
        ));
    }

    #[test]
    fn other_types_are_neither_strings_nor_numbers() {
        assert_eq!(string(&raw("12")), None);
        assert_eq!(number(&raw("\"12\"")), None);
        assert_eq!(number(&raw("true")), None);
        assert_eq!(number(&raw("-0")), Some(0.0));
        assert!(is_null(&raw("null")));
    }
}
