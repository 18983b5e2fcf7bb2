//! Text for the terminal. Model names, workspace labels and messages come
//! from files on disk that other programs and repositories wrote: they may
//! carry escape sequences that would drive the user's terminal, and
//! invisible characters that would make one name look like another.
//!
//! Widths here are display columns (what a terminal gives a character:
//! two for CJK and most emoji, none for a combining mark), never a count of
//! `char`s, so tables and borders stay aligned whatever the script.

use unicode_width::UnicodeWidthChar;

/// Replaces what must not reach a terminal as itself with a visible
/// `\u{..}` escape, so it prints inert and can be seen: control characters
/// (C0, DEL, C1), bidirectional controls, and the characters a terminal
/// draws as nothing ([`is_invisible`]).
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if must_escape(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// What [`clean`] escapes: control characters and [`is_invisible`] ones.
pub fn must_escape(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Bidirectional controls: they make text read other than it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that draw as nothing, or that a terminal may take for a line
/// break, so that `claude\u{200b}-sonnet-4-5` would look like the real
/// model: every code point Unicode 16 lists as `Default_Ignorable_Code_Point`
/// (soft hyphen, zero-width space and joiners, word joiner and the
/// invisible operators, the bidirectional controls, the Hangul fillers
/// U+115F, U+1160, U+3164 and U+FFA0, the Khmer inherent vowels, the
/// Mongolian and other variation selectors, the byte order mark, the
/// shorthand and musical format controls, the tag characters, and the code
/// points reserved as ignorable), plus the line and paragraph separators
/// U+2028 and U+2029 and the interlinear annotation controls U+FFF9-U+FFFB.
///
/// Not in the set: characters that take a column and show as a blank, as a
/// space does (U+00A0, U+2000-U+200A, U+3000, the braille blank U+2800), and
/// combining marks, which draw on the character before them.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The columns `text` takes on a terminal: the sum of its characters'
/// widths, as ratatui lays cells out.
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// The columns one character takes (none for a control character).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// `text` cut to at most `width` columns, ending in `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    let mut used = 0;
    // Where the text must be cut if it does not fit: the last place with
    // room for the ellipsis after it.
    let mut cut = None;
    for (i, c) in text.char_indices() {
        let w = char_width(c);
        if cut.is_none() && used + w > width.saturating_sub(1) {
            cut = Some(i);
        }
        used += w;
        if used > width {
            return match (width, cut) {
                (0, _) => String::new(),
                (_, Some(at)) => format!("{}…", &text[..at]),
                (_, None) => "…".to_owned(),
            };
        }
    }
    text.to_owned()
}

/// `text` followed by spaces up to `width` columns (never cut).
pub fn pad_right(text: &str, width: usize) -> String {
    let mut out = text.to_owned();
    out.push_str(&" ".repeat(width.saturating_sub(self::width(text))));
    out
}

/// Spaces up to `width` columns, then `text` (never cut).
pub fn pad_left(text: &str, width: usize) -> String {
    let mut out = " ".repeat(width.saturating_sub(self::width(text)));
    out.push_str(text);
    out
}

/// `text` broken at spaces into lines of at most `columns` columns (a word
/// wider than that gets a line of its own), continuation lines indented by
/// two spaces: the notes under a table, on any screen.
pub fn wrap_words(text: &str, columns: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate) > columns && !current.trim().is_empty() {
            lines.push(std::mem::take(&mut current));
            current = format!("  {word}");
        } else {
            current = candidate;
        }
    }
    lines.push(current);
    lines
}

/// A share as a whole percentage; `<1%` rather than a misleading `0%`.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".to_owned();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if part > 0 && p < 0.5 {
        "<1%".to_owned()
    } else {
        format!("{p:.0}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_controls_print_inert() {
        assert_eq!(
            clean("a\u{1b}[31mb\r\u{202E}c\u{9b}\u{7f}"),
            "a\\u{1b}[31mb\\u{d}\\u{202e}c\\u{9b}\\u{7f}"
        );
        assert_eq!(clean("claude-sonnet-4-5 · ok"), "claude-sonnet-4-5 · ok");
    }

    #[test]
    fn invisible_characters_show_as_escapes() {
        assert_eq!(
            clean("claude\u{200b}-sonnet\u{2060}-4-5"),
            "claude\\u{200b}-sonnet\\u{2060}-4-5"
        );
        for c in [
            '\u{ad}',
            '\u{34f}',
            '\u{115f}',
            '\u{1160}',
            '\u{180e}',
            '\u{200d}',
            '\u{2028}',
            '\u{2029}',
            '\u{2064}',
            '\u{3164}',
            '\u{fe0f}',
            '\u{feff}',
            '\u{ffa0}',
            '\u{fffb}',
            '\u{1bca0}',
            '\u{1d173}',
            '\u{e0001}',
            '\u{e0041}',
            '\u{e007f}',
            '\u{e0100}',
        ] {
            assert!(must_escape(c), "{:?}", c.escape_unicode().to_string());
            assert_eq!(
                clean(&format!("a{c}b")),
                format!("a{}b", c.escape_unicode())
            );
        }
        // Characters that take a column, and ordinary text in any script.
        for text in [
            "a\u{a0}b",
            "a\u{2800}b",
            "a\u{3000}b",
            "e\u{301}",
            "日本語のモデル",
            "😀",
        ] {
            assert_eq!(clean(text), text);
        }
    }

    #[test]
    fn widths_are_display_columns() {
        assert_eq!(width("gpt"), 3);
        assert_eq!(width("日本"), 4);
        assert_eq!(width("😀"), 2);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(pad_right("日本", 6), "日本  ");
        assert_eq!(pad_left("日本", 6), "  日本");
        assert_eq!(pad_right("toolong", 3), "toolong");
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        assert_eq!(fit("claude-sonnet-4-5", 8), "claude-…");
        assert_eq!(fit("gpt", 8), "gpt");
        assert_eq!(fit("gpt", 3), "gpt");
        assert_eq!(fit("gpt4", 3), "gp…");
        assert_eq!(fit("gpt", 0), "");
        assert_eq!(fit("gpt4", 1), "…");
        // Wide characters are never split, and the result never overflows.
        assert_eq!(fit("日本語のモデル", 7), "日本語…");
        assert_eq!(fit("日本語のモデル", 8), "日本語…");
        assert_eq!(fit("日本語のモデル", 14), "日本語のモデル");
        for w in 0..16 {
            assert!(width(&fit("日本語のモデル", w)) <= w);
        }
        let long = "m".repeat(70_000);
        assert_eq!(width(&fit(&long, 40)), 40);
    }

    #[test]
    fn percentages_never_round_a_share_to_nothing() {
        assert_eq!(percent(1, 1000), "<1%");
        assert_eq!(percent(0, 1000), "0%");
        assert_eq!(percent(615, 1000), "62%");
        assert_eq!(percent(5, 0), "0%");
    }

    #[test]
    fn notes_wrap_at_spaces_within_the_width() {
        let lines = wrap_words("~ includes list-price estimates for requests", 20);
        assert_eq!(
            lines,
            [
                "~ includes",
                "  list-price",
                "  estimates for",
                "  requests"
            ]
        );
        assert!(lines.iter().all(|l| width(l) <= 20));
        assert_eq!(wrap_words("short", 20), ["short"]);
    }
}
