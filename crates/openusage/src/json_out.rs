//! JSON for scripts, pretty-printed, with every character a terminal would
//! act on or not show written as a `\uXXXX` escape: DEL and the C1 controls
//! (U+0080-U+009F; U+009B is an 8-bit CSI), the bidirectional controls, and
//! the invisible characters [`openusage_tui::text::is_invisible`] lists.
//! JSON would allow them raw, but a terminal showing the document would act
//! on them or show text that reads other than it is. The document means the
//! same: a JSON reader gets the very same strings back. (serde_json already
//! escapes the C0 controls.)
//!
//! Fractional numbers (costs, percentages) are written rounded to
//! [`DECIMALS`] places: a sum of binary floating-point numbers such as
//! `0.9513363000000001` is written `0.9513363`. Only the printing rounds:
//! every total is summed from the unrounded figures and rounded once, here,
//! never summed from rounded rows.

use std::io::{self, Write};

use openusage_tui::text::must_escape;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};

/// The decimal places a fractional number is written with, at most.
pub const DECIMALS: usize = 10;

/// `value` as pretty JSON with those characters escaped.
pub fn to_string_pretty<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut serializer = Serializer::with_formatter(&mut out, Inert(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    // The serializer writes only what serde_json produces, and Rust strings
    // are UTF-8: the bytes are valid UTF-8 by construction.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `x` rounded to [`DECIMALS`] places, as the double nearest that decimal,
/// which serde_json writes in its shortest form: no more than [`DECIMALS`]
/// places, since that decimal reads back as the same double. Rust's
/// fixed-precision formatting rounds the exact binary value (half to even),
/// so no product such as `x * 1e10` loses precision on the way. A negative
/// figure that rounds to zero is written `0.0`, not `-0.0`.
pub fn rounded(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let r: f64 = format!("{x:.DECIMALS$}").parse().unwrap_or(x);
    if r == 0.0 { 0.0 } else { r }
}

/// A pretty formatter that escapes those characters inside strings.
struct Inert(PrettyFormatter<'static>);

impl Formatter for Inert {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(must_escape) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            let mut units = [0u16; 2];
            // Beyond the BMP (the tag characters): a surrogate pair.
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        self.0.write_f64(writer, rounded(value))
    }

    fn write_f32<W: ?Sized + Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_escaped_and_the_document_means_the_same() {
        let value = serde_json::json!({"model": "a\u{202e}b\u{1b}c", "n": [1, 2]});
        let text = to_string_pretty(&value).unwrap();
        assert!(text.contains(r"a\u202eb\u001bc"), "{text}");
        assert!(!text.contains('\u{202e}'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
        assert_eq!(
            text,
            serde_json::to_string_pretty(&serde_json::json!({"model": "ab\u{1b}c", "n": [1, 2]}))
                .unwrap()
                .replace("ab", r"a\u202eb")
        );
    }

    #[test]
    fn costs_are_written_with_ten_decimals_at_most() {
        let value = serde_json::json!({
            "sum": 0.1 + 0.2,
            "cost_usd": 0.9513363000000001,
            "tiny": 1.5e-7,
            "below": 4e-11,
            "negative": -4e-11,
            "down": 0.123_456_789_04,
            "up": 0.123_456_789_06,
            "big": 123_456_789.123_456_79,
            "whole": 3.0,
            "count": 7,
        });
        let text = to_string_pretty(&value).unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        // Expected values by hand: each figure to 10 places.
        assert!(text.contains("\"sum\": 0.3,"), "{text}");
        assert!(text.contains("\"cost_usd\": 0.9513363,"), "{text}");
        assert!(text.contains("\"tiny\": 1.5e-7,"), "{text}");
        assert!(text.contains("\"below\": 0.0,"), "{text}");
        assert!(text.contains("\"negative\": 0.0,"), "{text}");
        assert!(text.contains("\"big\": 123456789.12345679,"), "{text}");
        assert!(text.contains("\"down\": 0.123456789,"), "{text}");
        assert!(text.contains("\"up\": 0.1234567891,"), "{text}");
        assert_eq!(parsed["sum"], 0.3);
        assert!(text.contains("\"whole\": 3.0\n"), "{text}");
        assert!(text.contains("\"count\": 7,"), "{text}");
    }

    #[test]
    fn rounding_happens_once_on_the_exact_figure() {
        assert_eq!(rounded(0.1 + 0.2), 0.3);
        assert_eq!(rounded(0.9513363000000001), 0.9513363);
        assert_eq!(rounded(2.000_000_000_04), 2.0);
        assert_eq!(rounded(2.000_000_000_06), 2.000_000_000_1);
        assert!(rounded(f64::NAN).is_nan());
        assert_eq!(rounded(f64::INFINITY), f64::INFINITY);
        // Ten rows of 0.000_000_000_04 each round to 0, their sum to 4e-10.
        let rows = [0.000_000_000_04_f64; 10];
        let sum: f64 = rows.iter().sum();
        assert_eq!(rounded(sum), 4e-10);
        assert_eq!(rows.iter().map(|r| rounded(*r)).sum::<f64>(), 0.0);
    }

    #[test]
    fn del_c1_and_invisible_characters_are_escaped() {
        let name = "a\u{7f}b\u{9b}31mc\u{85}d\u{200b}e\u{3164}f\u{e0041}g\u{feff}";
        let value = serde_json::json!({ "model": name });
        let text = to_string_pretty(&value).unwrap();
        assert!(
            text.contains(r"a\u007fb\u009b31mc\u0085d\u200be\u3164f\udb40\udc41g\ufeff"),
            "{text}"
        );
        assert!(text.is_ascii(), "{text}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
        // Text in any script is left as it is.
        let plain = serde_json::json!({ "model": "日本語 · ü" });
        assert_eq!(
            to_string_pretty(&plain).unwrap(),
            serde_json::to_string_pretty(&plain).unwrap()
        );
    }
}
