//! Bars drawn with block characters, eighths included, for the sparkline on
//! a tile and the daily charts of the analytics page.

const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Rows of bars, top row first, one column per value, scaled so the largest
/// value fills `height` rows. A non-zero value always shows at least an
/// eighth, so an active day is never drawn as empty.
pub fn bars(values: &[u64], height: usize) -> Vec<String> {
    let max = values.iter().copied().max().unwrap_or(0);
    let total_eighths = height * 8;
    let levels: Vec<usize> = values
        .iter()
        .map(|&v| {
            if v == 0 || max == 0 {
                return 0;
            }
            let scaled = (v as f64 / max as f64 * total_eighths as f64).round() as usize;
            scaled.clamp(1, total_eighths)
        })
        .collect();
    (0..height)
        .rev()
        .map(|row| {
            levels
                .iter()
                .map(|&level| EIGHTHS[level.saturating_sub(row * 8).min(8)])
                .collect()
        })
        .collect()
}

/// Each bar drawn `times` columns wide, so a short series fills more of a
/// wide screen; from three columns on, the last is a gap between bars.
pub fn widen(rows: Vec<String>, times: usize) -> Vec<String> {
    let (solid, gap) = if times >= 3 {
        (times - 1, 1)
    } else {
        (times, 0)
    };
    rows.into_iter()
        .map(|row| {
            row.chars()
                .flat_map(|c| std::iter::repeat_n(c, solid).chain(std::iter::repeat_n(' ', gap)))
                .collect()
        })
        .collect()
}

/// Sums consecutive values into at most `width` buckets of equal span (the
/// last may be shorter), so a long window still fits the screen. Returns the
/// buckets and how many values each holds.
pub fn bucket(values: &[u64], width: usize) -> (Vec<u64>, usize) {
    if width == 0 || values.is_empty() {
        return (Vec::new(), 1);
    }
    let span = values.len().div_ceil(width);
    let sum = |c: &[u64]| c.iter().fold(0u64, |s, v| s.saturating_add(*v));
    (values.chunks(span).map(sum).collect(), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_with_eighths() {
        // 1 of 8 is one eighth, 4 of 8 half, 8 the full block.
        assert_eq!(bars(&[0, 1, 4, 8], 1), vec![" ▁▄█".to_owned()]);
        assert_eq!(
            bars(&[8, 4, 0], 2),
            vec!["█  ".to_owned(), "██ ".to_owned()]
        );
    }

    #[test]
    fn small_values_still_show() {
        assert_eq!(bars(&[1, 1000], 1), vec!["▁█".to_owned()]);
        assert_eq!(bars(&[0, 0], 1), vec!["  ".to_owned()]);
    }

    #[test]
    fn widening_repeats_each_column() {
        assert_eq!(widen(vec![" ▄█".to_owned()], 2), vec!["  ▄▄██".to_owned()]);
        assert_eq!(widen(vec!["▄█".to_owned()], 3), vec!["▄▄ ██ ".to_owned()]);
    }

    #[test]
    fn buckets_sum_neighbours_to_fit_the_width() {
        assert_eq!(bucket(&[1, 2, 3, 4, 5], 2), (vec![6, 9], 3));
        assert_eq!(bucket(&[1, 2], 10), (vec![1, 2], 1));
        assert_eq!(bucket(&[], 10), (vec![], 1));
    }
}
