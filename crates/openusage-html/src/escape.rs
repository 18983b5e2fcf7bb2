//! The one way text from outside (transcripts, settings) enters the page.

/// `text` made inert in HTML and SVG, in element content and in a quoted
/// attribute alike: `& < > " '` as entities; control characters and the
/// bidirectional controls (which could reorder what is shown around them)
/// as U+FFFD. Every string that comes from a transcript (model, provider,
/// workspace, title, agent, account, session) passes through here.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if inert(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped, cut to `max` characters (an ellipsis marking the cut):
/// a hostile name a megabyte long costs the page no more than a short one.
pub fn short(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => escape(text),
        Some((end, _)) => {
            let keep = text[..end].char_indices().nth(max.saturating_sub(1));
            let cut = keep.map_or(end, |(i, _)| i);
            escape(&text[..cut]) + "…"
        }
    }
}

fn inert(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_become_entities() {
        assert_eq!(
            escape(r#"<script>alert("x")</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        );
        assert_eq!(
            escape(r#""><img src=x onerror=alert(1)>"#),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape("a & b's"), "a &amp; b&#39;s");
        assert_eq!(escape("claude-sonnet-4-5"), "claude-sonnet-4-5");
    }

    #[test]
    fn controls_and_bidi_overrides_become_replacement_characters() {
        assert_eq!(
            escape("a\u{1}b\u{202E}c\u{2066}d\n"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}"
        );
        assert_eq!(escape("日本語 ✓"), "日本語 ✓");
    }

    #[test]
    fn a_long_name_is_cut_on_a_character_and_marked() {
        assert_eq!(short("abcdef", 6), "abcdef");
        assert_eq!(short("abcdefg", 6), "abcde…");
        assert_eq!(short("ééééééé", 3), "éé…");
        // The cut comes before escaping: an entity is never split.
        assert_eq!(short("<<<<", 3), "&lt;&lt;…");
    }
}
