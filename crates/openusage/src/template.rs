//! The templates of `statusline --format`: text with `{placeholder}`s,
//! `{{` and `}}` for braces. Here, not under `commands`, because the
//! command definition lists the placeholders in its help. A template is checked before anything is read, so a typo is
//! an error naming the placeholder, never a line with a hole in it.

use crate::error::{Error, Result};

/// Every placeholder, with what it stands for (the `--help` text and
/// `docs/usage.md` list the same).
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    (
        "today_cost",
        "today's cost over the accounts shown (`~` when estimated)",
    ),
    ("today_tokens", "today's tokens, three significant digits"),
    ("today_requests", "today's requests"),
    (
        "block_remaining",
        "time left in the active 5-hour block (`2h 13m`)",
    ),
    ("block_elapsed", "time since the active block started"),
    ("block_tokens", "the active block's tokens so far"),
    ("block_cost", "the active block's known cost so far"),
    (
        "block_burn",
        "the active block's tokens per hour (`450K/h`)",
    ),
    (
        "block_cost_burn",
        "the active block's cost per hour (`$4.20/h`)",
    ),
    (
        "block_projected",
        "the active block's tokens at its end at this rate",
    ),
    (
        "limits",
        "every limit reading, by account (`<account> 5h 31% 7d 12%`)",
    ),
    (
        "limit_primary",
        "the first main limit's first window (`31%`)",
    ),
    ("limit_secondary", "the first main limit's second window"),
    ("model", "the model named on stdin (with `--stdin`)"),
    (
        "session_cost",
        "the cost of the session named on stdin (with `--stdin`)",
    ),
    (
        "session_tokens",
        "the tokens of the session named on stdin (with `--stdin`)",
    ),
];

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// An index into [`PLACEHOLDERS`].
    Value(usize),
}

/// `text` read as a template.
pub fn parse(text: &str) -> Result<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        literal.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{").or_else(|| tail.strip_prefix("}}")) {
            literal.push_str(&tail[..1]);
            rest = after;
            continue;
        }
        let Some(name) = tail.strip_prefix('{').and_then(|t| t.split_once('}')) else {
            return Err(bad(
                text,
                "a lone `{` or `}` (write `{{` or `}}` for a brace)",
            ));
        };
        let index = PLACEHOLDERS
            .iter()
            .position(|(known, _)| *known == name.0)
            .ok_or_else(|| bad(text, &format!("no placeholder {{{}}}", name.0)))?;
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut literal)));
        }
        pieces.push(Piece::Value(index));
        rest = name.1;
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

fn bad(template: &str, problem: &str) -> Error {
    Error::Format(format!(
        "--format {template:?}: {problem}; the placeholders are {}",
        PLACEHOLDERS
            .iter()
            .map(|(name, _)| format!("{{{name}}}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The template filled: each placeholder by `value(name)`, `-` where it
/// has none.
pub fn fill(pieces: &[Piece], value: impl Fn(&str) -> Option<String>) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(text) => text.clone(),
            Piece::Value(i) => value(PLACEHOLDERS[*i].0).unwrap_or_else(|| "-".to_owned()),
        })
        .collect()
}

/// The placeholders one a line, for the command's help.
pub fn help() -> String {
    let width = PLACEHOLDERS
        .iter()
        .map(|(name, _)| name.len() + 2)
        .max()
        .unwrap_or(0);
    let lines = PLACEHOLDERS
        .iter()
        .map(|(name, what)| format!("  {:<width$}  {what}", format!("{{{name}}}")));
    let mut help = "Placeholders (a value that is not there prints as -):\n".to_owned();
    help.push_str(&lines.collect::<Vec<_>>().join("\n"));
    help
}

#[cfg(test)]
mod tests {
    use super::{Piece, fill, parse};

    #[test]
    fn placeholders_and_doubled_braces_are_read_and_filled() {
        let pieces = parse("{{x}} {today_cost}/{limits}!").unwrap();
        assert_eq!(pieces.len(), 5);
        assert_eq!(pieces[0], Piece::Text("{x} ".to_owned()));
        let line = fill(&pieces, |name| {
            (name == "today_cost").then(|| "$1.00".to_owned())
        });
        assert_eq!(line, "{x} $1.00/-!");
    }

    #[test]
    fn an_unknown_placeholder_or_a_lone_brace_is_an_error_naming_it() {
        let e = parse("{today_cots}").unwrap_err().to_string();
        assert!(e.contains("no placeholder {today_cots}"), "{e}");
        assert!(e.contains("{today_cost}"), "{e}");
        let e = parse("cost {today_cost").unwrap_err().to_string();
        assert!(e.contains("lone"), "{e}");
        assert!(parse("a } b").is_err());
    }
}
