//! "Did you mean": an unknown key is most often a known one misspelt.

use super::go;

/// The known key closest to `key`, when it is close enough to be a slip of
/// the keyboard: at most one edit per three characters (and at least one),
/// a swap of two neighbours counting as one, case ignored. The first of
/// equally close keys wins.
pub fn closest<'k>(key: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let typed = key.to_lowercase();
    let limit = (typed.chars().count() / 3).clamp(1, 3);
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&typed, &k.to_lowercase()), k))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

/// serde's "unknown field `x`, expected one of `a`, `b`" said plainly:
/// "unknown key `x`; did you mean `a`?", else the keys that do something
/// there (not the Go openusage's, which are ignored). `None` for any other
/// message.
pub(super) fn unknown_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    // The key may hold anything, the expected names are identifiers: the
    // last "`, expected " is serde's.
    let (key, expected) = match rest.rfind("`, expected ") {
        Some(at) => (&rest[..at], &rest[at + "`, expected ".len()..]),
        None => (rest.strip_suffix("`, there are no fields")?, ""),
    };
    // `a`, `one of `a`, `b``, `a` or `b`: the names are between backticks.
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if let Some(near) = closest(key, known.iter().copied()) {
        return Some(format!("unknown key `{key}`; did you mean `{near}`?"));
    }
    let useful: Vec<&str> = known
        .into_iter()
        .filter(|k| !go::is_ignored_key(k))
        .collect();
    Some(match useful.is_empty() {
        true => format!("unknown key `{key}`"),
        false => format!("unknown key `{key}` (known: {})", useful.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_of_the_keyboard_is_close_and_another_word_is_not() {
        let known = ["accounts", "detect", "ui", "auto_detect"];
        assert_eq!(closest("acounts", known), Some("accounts"));
        assert_eq!(
            closest("detcet", known),
            Some("detect"),
            "a swap is one edit"
        );
        assert_eq!(closest("Detect", known), Some("detect"), "case is ignored");
        assert_eq!(closest("iu", known), Some("ui"));
        assert_eq!(closest("auto_detec", known), Some("auto_detect"));
        assert_eq!(closest("refresh", ["refresh_interval_seconds"]), None);
        assert_eq!(closest("dtct", known), None, "two edits in four letters");
        assert_eq!(closest("x", known), None);
    }

    #[test]
    fn serdes_messages_become_a_hint_or_the_useful_keys() {
        assert_eq!(
            unknown_key("unknown field `acounts`, expected one of `accounts`, `ui`, `theme`")
                .as_deref(),
            Some("unknown key `acounts`; did you mean `accounts`?")
        );
        assert_eq!(
            unknown_key("unknown field `zzz`, expected one of `accounts`, `ui`, `theme`")
                .as_deref(),
            Some("unknown key `zzz` (known: accounts, ui)")
        );
        assert_eq!(
            unknown_key("unknown field `inptu`, expected `input` or `output`").as_deref(),
            Some("unknown key `inptu`; did you mean `input`?")
        );
        // A key holding serde's own words is still quoted whole.
        assert_eq!(
            unknown_key("unknown field `a`, expected b`, expected `ui`").as_deref(),
            Some("unknown key `a`, expected b` (known: ui)")
        );
        assert_eq!(
            unknown_key("unknown field `k`, there are no fields").as_deref(),
            Some("unknown key `k`")
        );
        assert_eq!(unknown_key("missing field `id`"), None);
    }
}
