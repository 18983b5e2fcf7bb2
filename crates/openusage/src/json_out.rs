//! JSON for scripts, pretty-printed, with every character a terminal would
//! act on or not show written as a `\uXXXX` escape: DEL and the C1 controls
//! (U+0080-U+009F; U+009B is an 8-bit CSI), the bidirectional controls, and
//! the invisible characters [`openusage_tui::text::is_invisible`] lists.
//! JSON would allow them raw, but a terminal showing the document would act
//! on them or show text that reads other than it is. The document means the
//! same: a JSON reader gets the very same strings back. (serde_json already
//! escapes the C0 controls.)

use std::io::{self, Write};

use openusage_tui::text::must_escape;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};

/// `value` as pretty JSON with those characters escaped.
pub fn to_string_pretty<T: Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut serializer = Serializer::with_formatter(&mut out, Inert(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    // The serializer writes only what serde_json produces, and Rust strings
    // are UTF-8: the bytes are valid UTF-8 by construction.
    Ok(String::from_utf8_lossy(&out).into_owned())
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
