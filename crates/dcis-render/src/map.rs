//! Choropleth maps: regions filled by the class of their figure, a legend,
//! points (border crossings) and the boundaries' attribution, as one SVG.
//!
//! The caller gives shapes in longitude/latitude degrees, figures already
//! scoped and suppressed, and every text already translated and formatted
//! in the reader's language; this module only places and colours them
//! (`docs/analysis.md`, "Maps").

use crate::svg::{escape, num, Svg, NO_VALUE, SEQUENTIAL};

/// A polygon: its outer ring, then its holes, each `[longitude, latitude]`.
pub type Polygon = Vec<Vec<[f64; 2]>>;

/// The fill of a region outside the reader's scope (drawn, never as zero).
pub const OUTSIDE: &str = "#ffffff";

/// An equirectangular projection scaled by the cosine of the mean latitude
/// (the middle of the shapes' latitudes), fitted into a box and centred in
/// it, with north up (Y flipped). Good enough for a country the size of Lao
/// PDR: at 18°N a degree of longitude is 0.95 of one at the mean latitude
/// either way across the country.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Cosine of the mean latitude.
    kx: f64,
    /// Pixels per (scaled) degree.
    scale: f64,
    /// The pixel of the west and north edges.
    left: f64,
    top: f64,
    west: f64,
    north: f64,
}

impl Projection {
    /// Fits `bbox` (west, south, east, north) into the box at `x`, `y` of
    /// `width` × `height` pixels.
    pub fn fit(bbox: [f64; 4], x: f64, y: f64, width: f64, height: f64) -> Self {
        let [west, south, east, north] = bbox;
        let kx = ((south + north) / 2.0).to_radians().cos();
        let dx = ((east - west) * kx).max(f64::EPSILON);
        let dy = (north - south).max(f64::EPSILON);
        let scale = (width / dx).min(height / dy);
        Self {
            kx,
            scale,
            left: x + (width - dx * scale) / 2.0,
            top: y + (height - dy * scale) / 2.0,
            west,
            north,
        }
    }

    /// The pixel of a point.
    pub fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.left + (lon - self.west) * self.kx * self.scale,
            self.top + (self.north - lat) * self.scale,
        )
    }

    /// An SVG path of polygons: one subpath per ring, so that with
    /// `fill-rule="evenodd"` a hole stays a hole.
    pub fn path(&self, polygons: &[Polygon]) -> String {
        let mut d = String::new();
        for ring in polygons.iter().flatten() {
            let mut last = String::new();
            for (i, [lon, lat]) in ring.iter().enumerate() {
                let (x, y) = self.point(*lon, *lat);
                let p = format!("{} {}", num(x), num(y));
                // Points that round to the same pixel add nothing.
                if p == last {
                    continue;
                }
                d.push(if i == 0 { 'M' } else { 'L' });
                d.push_str(&p);
                last = p;
            }
            d.push('Z');
        }
        d
    }
}

/// The bounding box (west, south, east, north) of many shapes; `None`
/// when there is no point.
pub fn bbox<'a>(shapes: impl IntoIterator<Item = &'a [Polygon]>) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let mut any = false;
    for [lon, lat] in shapes.into_iter().flatten().flatten().flatten() {
        any = true;
        b[0] = b[0].min(*lon);
        b[1] = b[1].min(*lat);
        b[2] = b[2].max(*lon);
        b[3] = b[3].max(*lat);
    }
    any.then_some(b)
}

/// What a region shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RegionValue {
    Value(f64),
    /// Hidden by small-cell suppression.
    Suppressed,
    /// Nothing to show (a mean over no recorded value).
    NoData,
    /// Outside the reader's scope: no figure is computed for it.
    OutsideScope,
}

/// One region of the map.
#[derive(Debug, Clone)]
pub struct MapRegion<'a> {
    pub code: String,
    /// The region's name in the reader's language.
    pub name: String,
    /// Its boundary; `None` when none is loaded (it is then not drawn, and
    /// the caller says so in a note).
    pub shape: Option<&'a [Polygon]>,
    pub value: RegionValue,
    /// The value as the reader reads it (`1,234`, `<3`, `no data`).
    pub text: String,
    /// The list behind the figure.
    pub href: Option<String>,
}

/// A point drawn over the regions (a border crossing).
#[derive(Debug, Clone)]
pub struct MapPoint {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// What hovering shows after the name (`12 seizures`).
    pub text: String,
}

/// The translated texts of a map.
#[derive(Debug, Clone, Default)]
pub struct MapLabels {
    pub title: String,
    /// The measure and unit, over the legend.
    pub legend_title: String,
    pub no_data: String,
    pub suppressed: String,
    pub outside_scope: String,
    pub points: String,
    pub attribution: String,
}

/// Up to five classes of equal, "nice" width (1, 2, 2.5 or 5 times a power
/// of ten) from zero to above the largest value: the same value always
/// falls in the same class whatever the other regions hold, and the
/// bounds read as round numbers. Each class holds its lower bound and not
/// its upper one, except the last, which holds both.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    step: f64,
    count: usize,
    integer: bool,
}

impl Classes {
    /// At most this many classes (the colour scale's length).
    pub const MAX: usize = SEQUENTIAL.len();

    /// The classes of these values (`integer`: a count, whose classes are
    /// whole numbers). `None` when there is no value to class.
    pub fn nice(values: &[f64], integer: bool) -> Option<Self> {
        let max = values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))?;
        if max <= 0.0 {
            return Some(Self {
                step: 0.0,
                count: 1,
                integer,
            });
        }
        let raw = max / Self::MAX as f64;
        let pow = 10f64.powf(raw.log10().floor());
        let mut step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * pow)
            .find(|s| *s >= raw * (1.0 - 1e-9))
            .unwrap_or(10.0 * pow);
        if integer {
            step = step.ceil().max(1.0);
        }
        let count = ((max / step).ceil() as usize).clamp(1, Self::MAX);
        Some(Self {
            step,
            count,
            integer,
        })
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// The class of a value, from 0.
    pub fn class_of(&self, v: f64) -> usize {
        if self.step <= 0.0 || v <= 0.0 {
            return 0;
        }
        ((v / self.step).floor() as usize).min(self.count - 1)
    }

    /// The bounds of a class (lower, upper).
    pub fn bounds(&self, class: usize) -> (f64, f64) {
        (class as f64 * self.step, (class + 1) as f64 * self.step)
    }

    /// The colour of a class: the scale spread over the classes used.
    pub fn colour(&self, class: usize) -> &'static str {
        let last = SEQUENTIAL.len() - 1;
        let i = if self.count <= 1 {
            last / 2
        } else {
            class.min(self.count - 1) * last / (self.count - 1)
        };
        SEQUENTIAL[i]
    }

    /// A class's range as the legend writes it, numbers formatted by
    /// `fmt` (the reader's number format). Counts show whole numbers:
    /// `0–4`, `5–9`…; other measures `0 – 2.5`.
    pub fn label(&self, class: usize, fmt: &dyn Fn(f64) -> String) -> String {
        let (lo, hi) = self.bounds(class);
        if self.step <= 0.0 {
            return fmt(0.0);
        }
        let last = class + 1 == self.count;
        if self.integer {
            let top = if last { hi } else { hi - 1.0 };
            if top <= lo {
                fmt(lo)
            } else {
                format!("{} – {}", fmt(lo), fmt(top))
            }
        } else {
            format!("{} – {}", fmt(lo), fmt(hi))
        }
    }
}

/// The drawing's size: the map's box, the legend beside it.
const MAP_W: f64 = 440.0;
const MAP_H: f64 = 500.0;
const LEGEND_X: f64 = 460.0;
// Wide enough for the longest legend label ("Suppressed (fewer than 3 cases)", and its Lao).
const WIDTH: f64 = 780.0;
const LINE: f64 = 16.0;

/// Draws a choropleth: each region with a shape as one `<path>` filled by
/// its class (or [`NO_VALUE`] when suppressed or without data, or white
/// hatched when outside the scope), titled with its name and text for
/// hovering, carrying `data-code`, `data-name` and `data-value`, inside a
/// link to its list; points as circles; the legend; `notes` (regions
/// without a boundary, points without coordinates) under the map; the
/// attribution last.
pub fn choropleth(
    regions: &[MapRegion<'_>],
    points: &[MapPoint],
    classes: Option<&Classes>,
    labels: &MapLabels,
    notes: &[String],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let notes_h = notes.len() as f64 * LINE;
    let height = MAP_H + 16.0 + notes_h + LINE + 8.0;
    let mut svg = Svg::new(WIDTH, height);
    svg.push(
        r##"<defs><pattern id="dcis-outside" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bdbdbd" stroke-width="2"/></pattern></defs>"##,
    );
    let shapes = regions.iter().filter_map(|r| r.shape);
    let box_ = bbox(shapes);
    let proj = box_.map(|b| Projection::fit(b, 8.0, 8.0, MAP_W - 16.0, MAP_H - 16.0));
    match proj {
        Some(proj) => {
            svg.push(r##"<g class="regions" stroke="#616161" stroke-width="0.6" stroke-linejoin="round" fill-rule="evenodd">"##);
            for r in regions {
                let Some(shape) = r.shape else { continue };
                let (fill, value) = match r.value {
                    RegionValue::Value(v) => (
                        classes.map(|c| c.colour(c.class_of(v))).unwrap_or(NO_VALUE),
                        num_attr(v),
                    ),
                    RegionValue::Suppressed => (NO_VALUE, "suppressed".to_owned()),
                    RegionValue::NoData => (NO_VALUE, String::new()),
                    RegionValue::OutsideScope => ("url(#dcis-outside)", "outside".to_owned()),
                };
                let path = format!(
                    r#"<path class="region" d="{}" fill="{}" data-code="{}" data-name="{}" data-value="{}" data-text="{}"><title>{}: {}</title></path>"#,
                    proj.path(shape),
                    fill,
                    escape(&r.code),
                    escape(&r.name),
                    escape(&value),
                    escape(&r.text),
                    escape(&r.name),
                    escape(&r.text)
                );
                match &r.href {
                    Some(h) => svg.push(&format!(r#"<a href="{}">{path}</a>"#, escape(h))),
                    None => svg.push(&path),
                }
            }
            svg.push("</g>");
            if !points.is_empty() {
                svg.push(
                    r##"<g class="points" fill="#1f4e79" stroke="#ffffff" stroke-width="1.2">"##,
                );
                for p in points {
                    let (x, y) = proj.point(p.lon, p.lat);
                    svg.push(&format!(
                        r#"<circle class="point" cx="{}" cy="{}" r="4.5" data-name="{}" data-text="{}"><title>{}: {}</title></circle>"#,
                        num(x),
                        num(y),
                        escape(&p.name),
                        escape(&p.text),
                        escape(&p.name),
                        escape(&p.text)
                    ));
                }
                svg.push("</g>");
            }
        }
        None => {
            // Nothing to draw: the notes say why; the map's box stays
            // outlined so the page does not look broken.
            svg.push(&format!(
                r##"<rect x="8" y="8" width="{}" height="{}" fill="#fafafa" stroke="#bdbdbd"/>"##,
                num(MAP_W - 16.0),
                num(MAP_H - 16.0)
            ));
        }
    }
    legend(&mut svg, regions, points, classes, labels, fmt);
    let mut y = MAP_H + 16.0;
    for n in notes {
        svg.text(8.0, y, 12.0, "start", n);
        y += LINE;
    }
    svg.text(8.0, y + 4.0, 10.0, "start", &labels.attribution);
    svg.finish(&labels.title)
}

/// A value for `data-value`: plain digits, a point for decimals.
fn num_attr(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

fn legend(
    svg: &mut Svg,
    regions: &[MapRegion<'_>],
    points: &[MapPoint],
    classes: Option<&Classes>,
    labels: &MapLabels,
    fmt: &dyn Fn(f64) -> String,
) {
    let x = LEGEND_X;
    let mut y = 24.0;
    svg.push(r#"<g class="legend">"#);
    svg.text(x, y, 13.0, "start", &labels.legend_title);
    y += 10.0;
    let swatch = |svg: &mut Svg, y: &mut f64, fill: &str, text: &str| {
        svg.push(&format!(
            r##"<rect x="{}" y="{}" width="18" height="14" fill="{}" stroke="#616161" stroke-width="0.6"/>"##,
            num(x),
            num(*y),
            fill
        ));
        svg.text(x + 26.0, *y + 11.5, 12.0, "start", text);
        *y += 20.0;
    };
    if let Some(c) = classes {
        for i in (0..c.count()).rev() {
            let label = c.label(i, fmt);
            svg.push(&format!(
                r#"<g class="legend-class" data-range="{}">"#,
                escape(&label)
            ));
            swatch(svg, &mut y, c.colour(i), &label);
            svg.push("</g>");
        }
    }
    let has = |f: fn(&RegionValue) -> bool| regions.iter().any(|r| f(&r.value));
    swatch(svg, &mut y, NO_VALUE, &labels.suppressed);
    if has(|v| matches!(v, RegionValue::NoData)) || classes.is_none() {
        swatch(svg, &mut y, NO_VALUE, &labels.no_data);
    }
    if has(|v| matches!(v, RegionValue::OutsideScope)) {
        swatch(svg, &mut y, "url(#dcis-outside)", &labels.outside_scope);
    }
    if !points.is_empty() {
        svg.push(&format!(
            r##"<circle cx="{}" cy="{}" r="4.5" fill="#1f4e79" stroke="#ffffff"/>"##,
            num(x + 9.0),
            num(y + 7.0)
        ));
        svg.text(x + 26.0, y + 11.5, 12.0, "start", &labels.points);
    }
    svg.push("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(v: f64) -> String {
        num(v)
    }

    #[test]
    fn the_projection_maps_known_points_to_pixels() {
        // A box from 100°E 0°N to 102°E 2°N: mean latitude 1°, cos = 0.99985
        // (by hand: cos(1°) = 0.9998477). Scaled width 2 × 0.9998477 =
        // 1.9996954 degrees, height 2. Fitted into 200 × 100 pixels at
        // (10, 20): scale = min(200 / 1.9996954, 100 / 2) = 50. Width in
        // pixels 99.98477, centred: left = 10 + (200 − 99.98477) / 2 =
        // 60.0076; top = 20 + (100 − 100) / 2 = 20.
        let p = Projection::fit([100.0, 0.0, 102.0, 2.0], 10.0, 20.0, 200.0, 100.0);
        let close = |(x, y): (f64, f64), (ex, ey): (f64, f64)| {
            assert!(
                (x - ex).abs() < 1e-3 && (y - ey).abs() < 1e-3,
                "{x},{y} vs {ex},{ey}"
            );
        };
        // North-west corner: top left of the drawing.
        close(p.point(100.0, 2.0), (60.0076, 20.0));
        // South-east corner: x = 60.0076 + 2 × 0.9998477 × 50 = 159.9924.
        close(p.point(102.0, 0.0), (159.9924, 120.0));
        // The centre: x = 60.0076 + 0.9998477 × 50 = 110; y = 70.
        close(p.point(101.0, 1.0), (110.0, 70.0));
        // At 60°N the cosine halves the width: 100°–102°E × 59°–61°N in a
        // square box of 100: cos(60°) = 0.5, scaled width 1, height 2,
        // scale = min(100 / 1, 100 / 2) = 50, width 50 pixels centred at
        // left = 25.
        let q = Projection::fit([100.0, 59.0, 102.0, 61.0], 0.0, 0.0, 100.0, 100.0);
        close(q.point(100.0, 61.0), (25.0, 0.0));
        close(q.point(102.0, 59.0), (75.0, 100.0));
    }

    #[test]
    fn a_hole_stays_a_hole() {
        let outer = vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]];
        let hole = vec![[1.0, 1.0], [3.0, 1.0], [3.0, 3.0], [1.0, 3.0], [1.0, 1.0]];
        let shape: Vec<Polygon> = vec![vec![outer, hole]];
        let p = Projection::fit([0.0, 0.0, 4.0, 4.0], 0.0, 0.0, 100.0, 100.0);
        let d = p.path(&shape);
        // Two subpaths: the outer ring and the hole, each closed.
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('Z').count(), 2, "{d}");
        let region = MapRegion {
            code: "01".into(),
            name: "A".into(),
            shape: Some(&shape),
            value: RegionValue::Value(3.0),
            text: "3".into(),
            href: None,
        };
        let c = Classes::nice(&[3.0], true);
        let svg = choropleth(
            &[region],
            &[],
            c.as_ref(),
            &MapLabels::default(),
            &[],
            &plain,
        );
        // Drawn even-odd, in one path: the hole is not filled.
        assert!(svg.contains(r#"fill-rule="evenodd""#));
        assert_eq!(svg.matches("<path").count(), 1);
        let drawn = svg.split(r#" d=""#).nth(1).unwrap_or("");
        let drawn = &drawn[..drawn.find('"').unwrap_or(0)];
        assert_eq!(drawn.matches('M').count(), 2, "{drawn}");
        assert_eq!(drawn.matches('Z').count(), 2, "{drawn}");
    }

    #[test]
    fn classes_are_nice_and_cover_every_value() {
        // (values, integer, expected labels from the lowest class up).
        let check = |values: &[f64], integer: bool, want: &[&str]| {
            let c = Classes::nice(values, integer).unwrap();
            let got: Vec<String> = (0..c.count()).map(|i| c.label(i, &plain)).collect();
            assert_eq!(got, want, "{values:?}");
            for v in values {
                let (lo, hi) = c.bounds(c.class_of(*v));
                assert!(*v >= lo && *v <= hi, "{v} in {lo}..{hi}");
            }
        };
        // Largest 100: step 20 (100 / 5), five classes.
        check(
            &[0.0, 5.0, 37.0, 100.0],
            true,
            &["0 – 19", "20 – 39", "40 – 59", "60 – 79", "80 – 100"],
        );
        // Largest 7: 7 / 5 = 1.4 → step 2, four classes; the last holds both
        // its bounds.
        check(
            &[7.0, 7.0, 7.0],
            true,
            &["0 – 1", "2 – 3", "4 – 5", "6 – 8"],
        );
        // One region of 1 case: one class holding it.
        check(&[1.0], true, &["0 – 1"]);
        // Largest 3: step 1, three classes of one value each.
        check(&[3.0], true, &["0", "1", "2 – 3"]);
        // Grams: 12.5 / 5 = 2.5.
        check(
            &[0.4, 12.5],
            false,
            &["0 – 2.5", "2.5 – 5", "5 – 7.5", "7.5 – 10", "10 – 12.5"],
        );
        // All zero: one class, "0".
        check(&[0.0, 0.0], true, &["0"]);
        // Nothing to class (all suppressed, or no data): no classes.
        assert_eq!(Classes::nice(&[], true), None);
        assert_eq!(Classes::nice(&[f64::NAN], false), None);
        // Colours spread over the scale, darkest for the top class.
        let c = Classes::nice(&[100.0], true).unwrap();
        assert_eq!(c.colour(0), SEQUENTIAL[0]);
        assert_eq!(c.colour(4), SEQUENTIAL[4]);
        let two = Classes::nice(&[2.0], true).unwrap();
        assert_eq!(two.count(), 2);
        assert_eq!(two.colour(1), SEQUENTIAL[4]);
    }

    fn square(x: f64) -> Vec<Polygon> {
        vec![vec![vec![
            [x, 0.0],
            [x + 1.0, 0.0],
            [x + 1.0, 1.0],
            [x, 1.0],
        ]]]
    }

    #[test]
    fn suppressed_outside_and_missing_regions() {
        let a = square(100.0);
        let b = square(101.0);
        let c = square(102.0);
        let labels = MapLabels {
            title: "Cases".into(),
            legend_title: "cases".into(),
            no_data: "no data".into(),
            suppressed: "suppressed (<3)".into(),
            outside_scope: "outside your scope".into(),
            points: "border crossings".into(),
            attribution: "Boundaries: test".into(),
        };
        let regions = vec![
            MapRegion {
                code: "01".into(),
                name: "One".into(),
                shape: Some(&a),
                value: RegionValue::Suppressed,
                text: "<3".into(),
                href: Some("/cases?province=01&x=1".into()),
            },
            MapRegion {
                code: "02".into(),
                name: "Two".into(),
                shape: Some(&b),
                value: RegionValue::OutsideScope,
                text: "outside".into(),
                href: None,
            },
            MapRegion {
                code: "03".into(),
                name: "Three".into(),
                shape: Some(&c),
                value: RegionValue::Suppressed,
                text: "<3".into(),
                href: None,
            },
            MapRegion {
                code: "04".into(),
                name: "Four".into(),
                shape: None,
                value: RegionValue::Value(9.0),
                text: "9".into(),
                href: None,
            },
        ];
        let note = "no boundary for Four".to_owned();
        // All suppressed: no classes, the "no value" swatches only.
        let svg = choropleth(
            &regions,
            &[],
            None,
            &labels,
            std::slice::from_ref(&note),
            &plain,
        );
        assert_eq!(svg.matches("<path").count(), 3);
        assert!(svg.contains(&format!(r#"fill="{NO_VALUE}" data-code="01""#)));
        assert!(svg.contains("<title>One: &lt;3</title>"));
        assert!(svg.contains(r#"<a href="/cases?province=01&amp;x=1">"#));
        assert!(svg.contains(r#"fill="url(#dcis-outside)" data-code="02""#));
        assert!(svg.contains("outside your scope"));
        assert!(svg.contains("suppressed (&lt;3)"));
        assert!(svg.contains("no boundary for Four"));
        assert!(svg.contains("Boundaries: test"));
        assert!(!svg.contains("legend-class"));
        // No shape at all: an outlined empty box and the notes, never an
        // empty drawing.
        let none = vec![MapRegion {
            shape: None,
            ..regions[3].clone()
        }];
        let svg = choropleth(&none, &[], None, &labels, &[note], &plain);
        assert!(svg.contains("<rect x=\"8\" y=\"8\""));
        assert!(svg.contains("no boundary for Four"));
        // Points are drawn with their hover text.
        let p = MapPoint {
            name: "Houayxay".into(),
            lon: 100.5,
            lat: 0.5,
            text: "4 seizures".into(),
        };
        let svg = choropleth(&regions, &[p], None, &labels, &[], &plain);
        assert!(svg.contains("<title>Houayxay: 4 seizures</title>"));
    }
}
