//! Numbers for people: `3.4M`, `12.5k`, `$41.20`.

/// A count with one decimal and a unit suffix from a thousand up: `950`,
/// `1.5k`, `12k`, `3.4M`. Rounding may carry into the next unit
/// (`999_999` is `1M`, not `1000k`).
pub fn count(n: u64) -> String {
    const UNITS: [(f64, &str); 4] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")];
    if n < 1000 {
        return n.to_string();
    }
    let x = n as f64;
    // Smallest unit whose one-decimal rounding stays below 1000 of it.
    for (i, &(size, suffix)) in UNITS.iter().enumerate().rev() {
        let rounded = (x / size * 10.0).round() / 10.0;
        if rounded < 1000.0 || i == 0 {
            let text = format!("{rounded:.1}");
            return format!("{}{suffix}", text.strip_suffix(".0").unwrap_or(&text));
        }
    }
    n.to_string()
}

/// An exact count with thousands separated: `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// US dollars with two decimals: `$41.20`.
pub fn usd(x: f64) -> String {
    format!("${x:.2}")
}

/// A recorded cost for people, never calling unknown costs free: `$1.23`;
/// `$1.23*` when the cost of some requests is not in it (`unknown`: those
/// recorded at $0 with tokens used, or recording no cost; the star's note
/// says so); `unpriced` when every cost recorded was such a zero; `-` when
/// no cost was recorded.
pub fn cost(cost: Option<f64>, unknown: u64) -> String {
    match cost {
        None => "-".to_owned(),
        Some(c) if unknown == 0 => usd(c),
        Some(0.0) => "unpriced".to_owned(),
        Some(c) => format!("{}*", usd(c)),
    }
}

/// `1 session`, `2 sessions`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpriced_costs_never_read_as_free() {
        assert_eq!(cost(None, 0), "-");
        assert_eq!(cost(Some(0.0), 0), "$0.00");
        assert_eq!(cost(Some(0.0), 2), "unpriced");
        assert_eq!(cost(Some(1.234), 1), "$1.23*");
    }

    #[test]
    fn grouped_counts_separate_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn counts_use_one_decimal_and_carry_into_the_next_unit() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1k");
        assert_eq!(count(1500), "1.5k");
        assert_eq!(count(12_000), "12k");
        assert_eq!(count(12_549), "12.5k");
        assert_eq!(count(999_949), "999.9k");
        assert_eq!(count(999_999), "1M");
        assert_eq!(count(3_400_000), "3.4M");
        assert_eq!(count(7_250_000_000), "7.3B");
        assert_eq!(count(2_000_000_000_000_000), "2000T");
    }

    #[test]
    fn money_has_two_decimals() {
        assert_eq!(usd(41.2), "$41.20");
        assert_eq!(usd(0.0), "$0.00");
    }
}
