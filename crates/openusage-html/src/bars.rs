//! Stacked bars: one bar per period, split into series (the named models
//! and the rest). Hand-written SVG (see `lib.rs`).

use std::fmt::Write;

use chrono::NaiveDate;

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 240.0;
/// Room for the values on the left and the periods below.
const LEFT: f64 = 64.0;
/// Room for the last period's label, centred under its bar.
const RIGHT: f64 = 16.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;
/// At most this many period labels under the bars.
const LABELS: usize = 12;

/// One chart: its name (for screen readers), the series' names, each
/// bar's start and parts, and how a value is written.
pub struct Chart<'a> {
    pub what: &'a str,
    pub names: &'a [String],
    pub bars: Vec<(NaiveDate, Vec<f64>)>,
    pub label: fn(NaiveDate) -> String,
    pub value: fn(f64) -> String,
}

/// The first round number at least `max` (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6
/// or 8 times a power of ten): the top of the value axis, whose quarters
/// are then round too (1 when there is nothing to show).
pub fn nice_top(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|top| *top >= max)
        .unwrap_or(10.0 * power)
}

pub fn svg(chart: &Chart<'_>) -> String {
    let max = chart
        .bars
        .iter()
        .map(|(_, parts)| parts.iter().sum::<f64>())
        .fold(0.0, f64::max);
    let top = nice_top(max);
    let plot = HEIGHT - TOP - BOTTOM;
    let mut out = format!(
        r#"<svg class="bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}">"#,
        chart.what
    );
    for i in 0..=4 {
        let v = top * f64::from(i) / 4.0;
        let y = TOP + plot - plot * f64::from(i) / 4.0;
        let _ = write!(
            out,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            (chart.value)(v)
        );
    }
    let n = chart.bars.len().max(1);
    let slot = (WIDTH - LEFT - RIGHT) / n as f64;
    let every = n.div_ceil(LABELS);
    for (i, (start, parts)) in chart.bars.iter().enumerate() {
        let x = LEFT + slot * i as f64 + slot * 0.1;
        let mut base = TOP + plot;
        for (s, v) in parts.iter().enumerate().filter(|(_, v)| **v > 0.0) {
            let h = plot * v / top;
            base -= h;
            let name = chart.names.get(s).map_or("", String::as_str);
            let _ = write!(
                out,
                r#"<rect class="s{s}" x="{x:.1}" y="{base:.1}" width="{:.1}" height="{h:.1}"><title>{}: {name} {}</title></rect>"#,
                slot * 0.8,
                (chart.label)(*start),
                (chart.value)(*v)
            );
        }
        if i % every == 0 {
            let _ = write!(
                out,
                r#"<text class="axis" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                x + slot * 0.4,
                HEIGHT - 6.0,
                (chart.label)(*start)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// The legend under a chart: a swatch and a name per series (the names
/// already escaped).
pub fn legend(names: &[String]) -> String {
    let mut out = String::from(r#"<ul class="legend">"#);
    for (s, name) in names.iter().enumerate() {
        let _ = write!(out, r#"<li><span class="swatch s{s}"></span>{name}</li>"#);
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_axis_ends_at_a_round_number() {
        assert_eq!(nice_top(1_340_000.0), 1_500_000.0);
        assert_eq!(nice_top(2_000_000.0), 2_000_000.0);
        assert_eq!(nice_top(5_400_000.0), 6_000_000.0);
        assert_eq!(nice_top(0.37), 0.4);
        assert_eq!(nice_top(8.5), 10.0);
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(f64::NAN), 1.0);
    }

    #[test]
    fn parts_stack_from_the_axis_up_and_empty_parts_draw_nothing() {
        let names = ["a".to_owned(), "b".to_owned()];
        let chart = Chart {
            what: "t",
            names: &names,
            bars: vec![
                (day("2026-11-01"), vec![100.0, 100.0]),
                (day("2026-11-02"), vec![0.0, 50.0]),
            ],
            label: |d| d.to_string(),
            value: |v| format!("{v}"),
        };
        let out = svg(&chart);
        // The axis tops at 200 over 210 units of height: the first bar's
        // parts are 105 high each, the second's one part 52.5.
        assert_eq!(out.matches("<rect").count(), 3);
        assert!(
            out.contains(r#"class="s0" x="110.0" y="113.0" width="368.0" height="105.0""#),
            "{out}"
        );
        assert!(
            out.contains(r#"class="s1" x="110.0" y="8.0" width="368.0" height="105.0""#),
            "{out}"
        );
        assert!(out.contains(r#"class="s1" x="570.0" y="165.5" width="368.0" height="52.5"><title>2026-11-02: b 50</title>"#), "{out}");
    }
}
