//! Costs in JSON are written with at most 10 decimal places: a sum of
//! binary floating-point numbers (`0.9513363000000001`) never reaches a
//! script, in `snapshot --json` nor in `report --json`.

use openusage_e2e::{fixture, openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";

/// The number tokens of a JSON text (outside its strings), as written.
fn numbers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    let mut current = String::new();
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        // A number starts with a digit or `-` (the `e` of `true` is none).
        let starts = c.is_ascii_digit() || c == '-';
        if starts || (!current.is_empty() && "+.eE".contains(c)) {
            current.push(c);
            continue;
        }
        if !current.is_empty() {
            found.push(std::mem::take(&mut current));
        }
        in_string = c == '"';
    }
    found
}

/// The decimal places a JSON number token is written with: `0.25` 2,
/// `1.5e-7` 8, `12` 0.
fn decimals(number: &str) -> i64 {
    let lower = number.to_ascii_lowercase();
    let (mantissa, exponent) = lower.split_once('e').unwrap_or((&lower, "0"));
    let fraction = mantissa.split_once('.').map_or(0, |(_, f)| f.len() as i64);
    let exponent: i64 = exponent.parse().unwrap();
    (fraction - exponent).max(0)
}

#[test]
fn the_helpers_count_decimals_as_written() {
    assert_eq!(
        numbers(r#"{"a\"1.5": 0.9513363000000001, "b": [12, -1.5e-7, true]}"#),
        ["0.9513363000000001", "12", "-1.5e-7"]
    );
    assert_eq!(decimals("0.9513363000000001"), 16);
    assert_eq!(decimals("-1.5e-7"), 8);
    assert_eq!(decimals("12"), 0);
    assert_eq!(decimals("1.25E2"), 0);
}

fn assert_ten_decimals_at_most(args: &[&str]) {
    let (code, out, err) = run(openusage(&fixture("pi/home"))
        .args(["--no-cache", "--now", NOW])
        .args(args));
    assert_eq!(code, 0, "{err}");
    let all = numbers(&out);
    // The Pi fixture records costs: the document has fractional figures.
    assert!(all.iter().any(|n| n.contains('.')), "{out}");
    let long: Vec<&String> = all.iter().filter(|n| decimals(n) > 10).collect();
    assert!(long.is_empty(), "{args:?}: {long:?}\n{out}");
}

#[test]
fn no_number_in_the_pi_snapshot_has_more_than_ten_decimals() {
    assert_ten_decimals_at_most(&["snapshot", "--json"]);
}

#[test]
fn no_number_in_a_pi_report_has_more_than_ten_decimals() {
    for by in ["daily", "session"] {
        assert_ten_decimals_at_most(&["report", by, "--json", "--breakdown"]);
    }
}
