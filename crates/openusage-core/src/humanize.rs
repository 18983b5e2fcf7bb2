//! Numbers for people: `3.40M`, `12.5K`, `$41.20`, and costs in the words
//! every view shares.

use crate::pricing::CostMode;
use crate::usage::Usage;

/// A count in three significant digits with a unit from a thousand up, the
/// one precision rule of every view: below 1,000 the count itself (`999`);
/// then `K`, `M`, `B`, `T` (thousand, million, billion, trillion) with as
/// many decimals as make three digits (`1.00K`, `12.5K`, `512K`, `2.00M`,
/// `17.1M`), rounded half up. Rounding may carry into the next unit
/// (`999,500` is `1.00M`, not `1000K`); from a thousand trillion on, whole
/// trillions (`2000T`).
pub fn count(n: u64) -> String {
    const UNITS: [(u128, &str); 4] = [
        (1_000, "K"),
        (1_000_000, "M"),
        (1_000_000_000, "B"),
        (1_000_000_000_000, "T"),
    ];
    if n < 1000 {
        return n.to_string();
    }
    let n = u128::from(n);
    for (i, &(unit, suffix)) in UNITS.iter().enumerate() {
        let last = i + 1 == UNITS.len();
        // Decimals for three digits; fewer when rounding adds a digit.
        let mut decimals = 3u32.saturating_sub(digits(n / unit));
        loop {
            let scale = 10u128.pow(decimals);
            let rounded = (n * scale * 2 + unit) / (unit * 2);
            if rounded < 1000 || (last && decimals == 0) {
                return with_decimals(rounded, decimals, suffix);
            }
            if decimals == 0 {
                break;
            }
            decimals -= 1;
        }
    }
    n.to_string()
}

/// How many decimal digits `n` has (at least one).
fn digits(n: u128) -> u32 {
    n.checked_ilog10().map_or(1, |d| d + 1)
}

/// `scaled` read as a number with `decimals` decimals, then `suffix`.
fn with_decimals(scaled: u128, decimals: u32, suffix: &str) -> String {
    let scale = 10u128.pow(decimals);
    if decimals == 0 {
        return format!("{scaled}{suffix}");
    }
    let width = decimals as usize;
    format!("{}.{:0width$}{suffix}", scaled / scale, scaled % scale)
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

/// Dollars for people, never a positive cost as `$0.00`: `$41.20`,
/// `<$0.01` for less than half a cent.
pub fn money(x: f64) -> String {
    if x > 0.0 && x < 0.005 {
        "<$0.01".to_owned()
    } else {
        usd(x)
    }
}

/// A group's cost as a table cell shows it in `mode`:
/// - `recorded`: what the agents recorded, as [`cost`] says it;
/// - `auto`: recorded plus list-price estimates, `~` in front when an
///   estimate is part of it, `*` behind when some requests have neither a
///   recorded cost nor a list price (`unpriced` when that leaves only $0);
///   `local` when all it holds is models run locally, at $0;
/// - `calculate`: every request at list price, `~` in front, `*` behind
///   when some requests' model has no list price.
///
/// `-` when there is no figure to show. The notes of [`cost_notes`] explain
/// the marks.
pub fn cost_cell(usage: &Usage, mode: CostMode) -> String {
    match mode {
        CostMode::Recorded => match usage.cost_usd {
            Some(c) if c > 0.0 && usage.unpriced + usage.uncosted == 0 => money(c),
            Some(c) if c > 0.0 => format!("{}*", money(c)),
            other => cost(other, usage.unpriced + usage.uncosted),
        },
        CostMode::Auto => {
            let (recorded, estimated) = (usage.cost_usd, usage.estimated_cost_usd);
            if recorded.is_none() && estimated.is_none() {
                return "-".to_owned();
            }
            let sum = recorded.unwrap_or(0.0) + estimated.unwrap_or(0.0);
            let approx = if estimated.is_some_and(|e| e > 0.0) {
                "~"
            } else {
                ""
            };
            match usage.unknown_cost {
                0 if sum == 0.0 && usage.local > 0 => "local".to_owned(),
                0 => format!("{approx}{}", money(sum)),
                _ if sum == 0.0 => "unpriced".to_owned(),
                _ => format!("{approx}{}*", money(sum)),
            }
        }
        CostMode::Calculate => match usage.calculated_cost_usd {
            None => "-".to_owned(),
            Some(c) if c == 0.0 && usage.local > 0 && usage.unlisted == 0 => "local".to_owned(),
            Some(c) if usage.unlisted == 0 => format!("~{}", money(c)),
            Some(c) => format!("~{}*", money(c)),
        },
    }
}

/// The notes under a table whose cost cells [`cost_cell`] made, for the
/// table's `total`: one line per mark that appears.
pub fn cost_notes(total: &Usage, mode: CostMode) -> Vec<String> {
    let requests = |n: u64| plural(n, "request", "requests");
    let mut notes = Vec::new();
    match mode {
        CostMode::Recorded => {
            if total.unpriced > 0 {
                notes.push(format!(
                    "* {} unpriced: recorded at $0 with tokens used (no price was known), so not in the cost.",
                    requests(total.unpriced)
                ));
            }
            if total.uncosted > 0 && total.cost_usd.is_some() {
                notes.push(format!(
                    "* {} recorded no cost, so not in the cost.",
                    requests(total.uncosted)
                ));
            }
        }
        CostMode::Auto => {
            if total.estimated_cost_usd.is_some_and(|e| e > 0.0) {
                notes.push(format!(
                    "~ includes list-price estimates for requests that recorded no cost (~{} of it; see `openusage prices`).",
                    money(total.estimated_cost_usd.unwrap_or(0.0))
                ));
            }
            if total.unknown_cost > 0 {
                notes.push(format!(
                    "* {} with no recorded cost and no list price: not in the cost.",
                    requests(total.unknown_cost)
                ));
            }
        }
        CostMode::Calculate => {
            if total.calculated_cost_usd.is_some() {
                notes.push(
                    "~ every request at list price (see `openusage prices`), recorded costs aside."
                        .to_owned(),
                );
            }
            if total.unlisted > 0 && total.calculated_cost_usd.is_some() {
                notes.push(format!(
                    "* {} of models with no list price: not in the cost.",
                    requests(total.unlisted)
                ));
            }
        }
    }
    notes
}

/// Whether a cost column has anything to show in `mode`.
pub fn has_cost(total: &Usage, mode: CostMode) -> bool {
    match mode {
        CostMode::Recorded => total.cost_usd.is_some(),
        CostMode::Auto => total.cost_usd.is_some() || total.estimated_cost_usd.is_some(),
        CostMode::Calculate => total.calculated_cost_usd.is_some(),
    }
}

/// `1 session`, `2 sessions`, `6,415 sessions`: the count whole, its
/// thousands separated as everywhere else.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

/// `4,180 of 6,415 files`: files read of files found so far, as every
/// progress display says it (the files found grow as each account's
/// folders are walked, so they are never shown below the files read).
pub fn files_of(read: u64, found: u64) -> String {
    let found = found.max(read);
    let noun = if found == 1 { "file" } else { "files" };
    format!("{} of {} {noun}", grouped(read), grouped(found))
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
    fn counts_keep_three_significant_digits_and_carry_into_the_next_unit() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1_000, "1.00K"),
            (1_005, "1.01K"),
            (1_500, "1.50K"),
            (9_994, "9.99K"),
            (9_995, "10.0K"),
            (12_549, "12.5K"),
            (99_949, "99.9K"),
            (99_950, "100K"),
            (512_000, "512K"),
            (999_499, "999K"),
            (999_500, "1.00M"),
            (1_000_000, "1.00M"),
            (2_000_000, "2.00M"),
            (17_100_000, "17.1M"),
            (999_500_000, "1.00B"),
            (7_250_000_000, "7.25B"),
            (999_499_999_999, "999B"),
            (999_500_000_000, "1.00T"),
            (999_500_000_000_000, "1000T"),
            (2_000_000_000_000_000, "2000T"),
            (u64::MAX, "18446744T"),
        ];
        for (n, text) in cases {
            assert_eq!(count(n), text, "{n}");
        }
    }

    #[test]
    fn plurals_separate_thousands() {
        assert_eq!(plural(1, "session", "sessions"), "1 session");
        assert_eq!(plural(0, "session", "sessions"), "0 sessions");
        assert_eq!(plural(6415, "session", "sessions"), "6,415 sessions");
    }

    #[test]
    fn money_has_two_decimals() {
        assert_eq!(usd(41.2), "$41.20");
        assert_eq!(usd(0.0), "$0.00");
    }

    #[test]
    fn a_positive_cost_under_half_a_cent_is_never_zero_dollars() {
        assert_eq!(money(0.0049), "<$0.01");
        assert_eq!(money(0.0051), "$0.01");
        assert_eq!(money(0.0), "$0.00");
    }

    fn costs(recorded: Option<f64>, estimated: Option<f64>) -> Usage {
        Usage {
            requests: 2,
            cost_usd: recorded,
            estimated_cost_usd: estimated,
            ..Usage::default()
        }
    }

    #[test]
    fn auto_marks_estimates_and_unknown_costs_and_recorded_marks_neither() {
        let both = costs(Some(1.0), Some(0.5));
        assert_eq!(cost_cell(&both, CostMode::Auto), "~$1.50");
        assert_eq!(cost_cell(&both, CostMode::Recorded), "$1.00");
        let unknown = Usage {
            unknown_cost: 1,
            uncosted: 1,
            ..costs(Some(1.0), None)
        };
        assert_eq!(cost_cell(&unknown, CostMode::Auto), "$1.00*");
        assert_eq!(cost_cell(&unknown, CostMode::Recorded), "$1.00*");
        let local = Usage {
            local: 2,
            unpriced: 2,
            ..costs(Some(0.0), Some(0.0))
        };
        assert_eq!(cost_cell(&local, CostMode::Auto), "local");
        assert_eq!(cost_cell(&local, CostMode::Recorded), "unpriced");
        assert_eq!(cost_cell(&costs(None, None), CostMode::Auto), "-");
        let listed = Usage {
            calculated_cost_usd: Some(2.0),
            unlisted: 1,
            ..costs(Some(1.0), None)
        };
        assert_eq!(cost_cell(&listed, CostMode::Calculate), "~$2.00*");
    }
}
