//! Bar and line charts as SVG, drawn on the server so that a page, a printed page and a PDF
//! show the same picture.
//!
//! A value the application did not show (a figure from fewer cases than the small-cell
//! threshold) arrives as `None`: a line is broken there and a bar is drawn as an empty grey
//! stub marked with the hidden text (`<3`), and the chart carries a note saying why. Nothing is
//! interpolated across a gap.

use crate::svg::{num, Svg, NO_VALUE};
use std::fmt::Write as _;

/// The colours of successive series: ColorBrewer's "Dark2", distinct in grey print too.
pub const SERIES: [&str; 8] = [
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
];

/// A series of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    /// One value per label; `None` is a point not shown (a gap).
    pub values: Vec<Option<f64>>,
    /// A reference line (a seasonal baseline): dashed, in the colour of the series before it,
    /// and its missing points are not gaps that need a note.
    pub reference: bool,
}

/// A line chart of series over the same labels (months).
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub labels: Vec<String>,
    pub lines: Vec<Line>,
    /// The note shown under the chart when a point is hidden ("Months of fewer than 3 cases are
    /// not shown").
    pub hidden_note: String,
}

/// One bar of a bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// `None`: not shown.
    pub value: Option<f64>,
    /// The value as the reader should read it (grouped digits, units), or the hidden text.
    pub text: String,
}

/// A horizontal bar chart, one bar per row, largest first as given.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub title: String,
    pub bars: Vec<Bar>,
    pub hidden_note: String,
}

/// Round steps for an axis from zero to at least `max`: 0, step, 2·step… where the step is 1, 2
/// or 5 times a power of ten and there are at most `most` intervals. An axis over nothing (max
/// zero or not finite) is 0 and 1.
pub fn nice_ticks(max: f64, most: usize) -> Vec<f64> {
    let most = most.max(1);
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / most as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| max / s <= most as f64 + 1e-9)
        .unwrap_or(10.0 * power);
    let n = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// A tick's text: whole numbers with grouped digits, short forms from ten thousand on (`15k`,
/// `1.5M`), and at most two decimals below one.
pub fn tick_text(v: f64) -> String {
    let a = v.abs();
    if a >= 1_000_000.0 {
        format!("{}M", num(v / 1_000_000.0))
    } else if a >= 10_000.0 {
        format!("{}k", num(v / 1_000.0))
    } else if a >= 1.0 || a == 0.0 {
        let whole = v.round() as i64;
        if (v - whole as f64).abs() < 1e-9 {
            group(whole)
        } else {
            num(v)
        }
    } else {
        num(v)
    }
}

fn group(v: i64) -> String {
    let s = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 {
        format!("-{out}")
    } else {
        out
    }
}

const WIDTH: f64 = 640.0;
const FONT: f64 = 11.0;

/// Draws a line chart: y axis from zero with nice ticks, one x label per point (every few
/// when crowded), a legend under the plot, a note when a point is hidden.
pub fn line_chart(c: &LineChart) -> String {
    let n = c.labels.len();
    let legend_rows = c.lines.len().div_ceil(3);
    let has_gap = c
        .lines
        .iter()
        .any(|l| !l.reference && l.values.iter().take(n).any(Option::is_none));
    let (left, right, top) = (56.0, 16.0, 28.0);
    let plot_h = 200.0;
    let bottom_axis = top + plot_h;
    let legend_top = bottom_axis + 34.0;
    let note_top = legend_top + legend_rows as f64 * 18.0 + 6.0;
    let height = note_top + if has_gap { 18.0 } else { 0.0 };
    let mut s = Svg::new(WIDTH, height);
    s.text(left, 16.0, 13.0, "start", &c.title);

    let max = c
        .lines
        .iter()
        .flat_map(|l| l.values.iter().flatten())
        .fold(0.0f64, |a, b| a.max(*b));
    let ticks = nice_ticks(max, 5);
    let top_value = ticks.last().copied().unwrap_or(1.0);
    let plot_w = WIDTH - left - right;
    let x = |i: usize| -> f64 {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| bottom_axis - plot_h * v / top_value;
    for t in &ticks {
        let _ = write!(
            s_buf(&mut s),
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dddddd" stroke-width="1"/>"##,
            num(left),
            num(y(*t)),
            num(left + plot_w),
            num(y(*t))
        );
        s.text(left - 6.0, y(*t) + 4.0, FONT, "end", &tick_text(*t));
    }
    let every = n.div_ceil(12).max(1);
    for (i, l) in c.labels.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            s.text(x(i), bottom_axis + 16.0, FONT, "middle", l);
        }
    }
    let _ = write!(
        s_buf(&mut s),
        r##"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#333333" stroke-width="1"/>"##,
        l = num(left),
        r = num(left + plot_w),
        b = num(bottom_axis)
    );

    let mut colour_index = 0usize;
    let mut colours = Vec::new();
    for line in &c.lines {
        let colour = if line.reference && colour_index > 0 {
            SERIES[(colour_index - 1) % SERIES.len()]
        } else {
            let c = SERIES[colour_index % SERIES.len()];
            colour_index += 1;
            c
        };
        colours.push(colour);
        let dash = if line.reference {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        // Each run of shown points is its own path: a hidden point breaks the line.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, v) in line.values.iter().take(n).enumerate() {
            match v {
                Some(v) => runs.last_mut().map(|r| r.push((x(i), y(*v)))).unwrap_or(()),
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            let pts: Vec<String> = run
                .iter()
                .map(|(a, b)| format!("{},{}", num(*a), num(*b)))
                .collect();
            if run.len() > 1 {
                let _ = write!(
                    s_buf(&mut s),
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                    pts.join(" ")
                );
            }
            if !line.reference {
                for (a, b) in run {
                    let _ = write!(
                        s_buf(&mut s),
                        r#"<circle cx="{}" cy="{}" r="2.5" fill="{colour}"/>"#,
                        num(*a),
                        num(*b)
                    );
                }
            }
        }
    }
    for (i, (line, colour)) in c.lines.iter().zip(&colours).enumerate() {
        let lx = left + (i % 3) as f64 * (plot_w / 3.0);
        let ly = legend_top + (i / 3) as f64 * 18.0;
        let dash = if line.reference {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let _ = write!(
            s_buf(&mut s),
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2"{dash}/>"#,
            num(lx),
            num(ly - 4.0),
            num(lx + 18.0),
            num(ly - 4.0)
        );
        s.text(lx + 24.0, ly, FONT, "start", &line.name);
    }
    if has_gap {
        s.text(left, note_top + 10.0, FONT, "start", &c.hidden_note);
    }
    s.finish(&c.title)
}

/// Draws a horizontal bar chart: the label left, the bar, its value's text right of it; a
/// hidden value is a grey stub with the hidden text.
pub fn bar_chart(c: &BarChart) -> String {
    let row = 22.0;
    let top = 28.0;
    let has_gap = c.bars.iter().any(|b| b.value.is_none());
    let height = top + row * c.bars.len().max(1) as f64 + if has_gap { 24.0 } else { 6.0 };
    let mut s = Svg::new(WIDTH, height);
    s.text(0.0, 16.0, 13.0, "start", &c.title);
    let label_w = 220.0;
    let value_w = 110.0;
    let bar_w = WIDTH - label_w - value_w - 8.0;
    let max = c.bars.iter().filter_map(|b| b.value).fold(0.0f64, f64::max);
    for (i, b) in c.bars.iter().enumerate() {
        let y0 = top + i as f64 * row;
        s.text(label_w - 8.0, y0 + 14.0, FONT, "end", &b.label);
        let (w, fill) = match b.value {
            Some(v) if max > 0.0 => ((bar_w * v / max).max(1.0), SERIES[0]),
            Some(_) => (1.0, SERIES[0]),
            None => (12.0, NO_VALUE),
        };
        let _ = write!(
            s_buf(&mut s),
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"/>"#,
            num(label_w),
            num(y0 + 3.0),
            num(w),
            num(row - 6.0)
        );
        s.text(label_w + w + 6.0, y0 + 14.0, FONT, "start", &b.text);
    }
    if has_gap {
        s.text(
            0.0,
            top + row * c.bars.len() as f64 + 14.0,
            FONT,
            "start",
            &c.hidden_note,
        );
    }
    s.finish(&c.title)
}

/// The body of an [`Svg`] being written, for raw elements.
fn s_buf(s: &mut Svg) -> Raw<'_> {
    Raw(s)
}

struct Raw<'a>(&'a mut Svg);

impl std::fmt::Write for Raw<'_> {
    fn write_str(&mut self, t: &str) -> std::fmt::Result {
        self.0.push(t);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_ticks(max: f64, most: usize, expect: &[f64]) {
        assert_eq!(nice_ticks(max, most), expect, "max {max}, most {most}");
    }

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        check_ticks(0.0, 5, &[0.0, 1.0]);
        check_ticks(f64::NAN, 5, &[0.0, 1.0]);
        check_ticks(1.0, 5, &[0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        check_ticks(7.0, 5, &[0.0, 2.0, 4.0, 6.0, 8.0]);
        check_ticks(10.0, 5, &[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        check_ticks(95.0, 5, &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        check_ticks(101.0, 5, &[0.0, 50.0, 100.0, 150.0]);
        check_ticks(3_400_000.0, 4, &[0.0, 1e6, 2e6, 3e6, 4e6]);
        for max in [0.3, 3.0, 17.0, 123.0, 999.0, 1001.0, 123_456.0] {
            let t = nice_ticks(max, 5);
            assert!(*t.last().unwrap_or(&0.0) >= max, "{max}: {t:?}");
            assert!(t.len() <= 6, "{max}: {t:?}");
        }
    }

    #[test]
    fn tick_texts_are_short() {
        assert_eq!(tick_text(0.0), "0");
        assert_eq!(tick_text(1500.0), "1,500");
        assert_eq!(tick_text(20_000.0), "20k");
        assert_eq!(tick_text(2_500_000.0), "2.5M");
        assert_eq!(tick_text(0.25), "0.25");
        assert_eq!(tick_text(2.5), "2.5");
    }

    fn months(n: usize) -> Vec<String> {
        (1..=n).map(|m| format!("2025-{m:02}")).collect()
    }

    #[test]
    fn a_hidden_point_breaks_the_line_and_is_explained() {
        let c = LineChart {
            title: "Cases".into(),
            labels: months(4),
            lines: vec![Line {
                name: "cases".into(),
                values: vec![Some(5.0), Some(6.0), None, Some(7.0)],
                reference: false,
            }],
            hidden_note: "Fewer than 3 cases: not shown".into(),
        };
        let svg = line_chart(&c);
        // Two runs: one polyline of two points, and a lone point (no polyline).
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("Fewer than 3 cases: not shown"));
        assert!(svg.contains("<title>Cases</title>"));
    }

    #[test]
    fn a_baseline_is_dashed_and_its_gaps_need_no_note() {
        let c = LineChart {
            title: "Cases".into(),
            labels: months(3),
            lines: vec![
                Line {
                    name: "cases".into(),
                    values: vec![Some(5.0), Some(6.0), Some(4.0)],
                    reference: false,
                },
                Line {
                    name: "baseline".into(),
                    values: vec![None, Some(6.0), Some(4.0)],
                    reference: true,
                },
            ],
            hidden_note: "NOTE".into(),
        };
        let svg = line_chart(&c);
        assert!(svg.contains("stroke-dasharray"));
        assert!(!svg.contains("NOTE"));
        // The baseline takes its series' colour.
        assert!(svg.matches(SERIES[0]).count() > 4);
    }

    #[test]
    fn bars_scale_to_the_largest_and_hidden_bars_are_grey() {
        let c = BarChart {
            title: "By nationality".into(),
            bars: vec![
                Bar {
                    label: "LA".into(),
                    value: Some(10.0),
                    text: "10".into(),
                },
                Bar {
                    label: "TH".into(),
                    value: Some(5.0),
                    text: "5".into(),
                },
                Bar {
                    label: "MM <b>".into(),
                    value: None,
                    text: "<3".into(),
                },
            ],
            hidden_note: "hidden".into(),
        };
        let svg = bar_chart(&c);
        let full = WIDTH - 220.0 - 110.0 - 8.0;
        assert!(svg.contains(&format!(r#"width="{}""#, num(full))));
        assert!(svg.contains(&format!(r#"width="{}""#, num(full / 2.0))));
        assert!(svg.contains(NO_VALUE));
        assert!(svg.contains("MM &lt;b&gt;"));
        assert!(svg.contains("&lt;3"));
        assert!(svg.contains("hidden"));
    }
}
