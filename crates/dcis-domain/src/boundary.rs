//! Boundaries of provinces and districts, for maps (`docs/analysis.md`,
//! "Maps").
//!
//! A boundary is a [`Shape`]: one or more polygons, each an outer ring and
//! its holes, in longitude/latitude degrees (WGS 84), as GeoJSON holds them.
//! The province boundaries ship in the binary
//! (`data/reference/lao_provinces.geojson`, geoBoundaries ADM1 simplified,
//! ODbL; [`ATTRIBUTION`] must be shown with every map drawn from them) and
//! are parsed once ([`shipped_provinces`]). No district boundary ships: an
//! administrator loads a GeoJSON file whose features name their district
//! (or province) by `district_code`, `province_code` or `ocha_pcode`;
//! [`parse_feature_collection`] reads it and names every feature it cannot
//! use, with its index and why.

use crate::geo::{DistrictCode, ProvinceCode};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The shipped province boundaries.
pub const PROVINCES_GEOJSON: &str = include_str!("../../../data/reference/lao_provinces.geojson");

/// The attribution every map drawn from the shipped boundaries shows
/// (ODbL 1.0; `data/reference/SOURCES.md`).
pub const ATTRIBUTION: &str =
    "Boundaries: geoBoundaries (Runfola et al.); © OpenStreetMap contributors, ODbL";

/// A closed ring of `[longitude, latitude]` points (the closing point
/// repeated or not).
pub type Ring = Vec<[f64; 2]>;

/// A polygon: its outer ring, then its holes.
pub type Polygon = Vec<Ring>;

/// A region's boundary: one or more polygons (a GeoJSON Polygon is one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shape {
    polygons: Vec<Polygon>,
}

impl Shape {
    /// A shape from polygons, each with an outer ring of at least three
    /// distinct points and finite coordinates within ±180/±90.
    pub fn new(polygons: Vec<Polygon>) -> Result<Self, BoundaryProblem> {
        if polygons.is_empty() {
            return Err(BoundaryProblem::Empty);
        }
        for p in &polygons {
            let Some(outer) = p.first() else {
                return Err(BoundaryProblem::Empty);
            };
            for ring in p {
                for [lon, lat] in ring {
                    if !lon.is_finite() || !lat.is_finite() || lon.abs() > 180.0 || lat.abs() > 90.0
                    {
                        return Err(BoundaryProblem::BadCoordinates);
                    }
                }
                if ring.len() < 3 {
                    return Err(BoundaryProblem::RingTooShort);
                }
            }
            if outer.len() < 3 {
                return Err(BoundaryProblem::RingTooShort);
            }
        }
        Ok(Self { polygons })
    }

    pub fn polygons(&self) -> &[Polygon] {
        &self.polygons
    }

    /// West, south, east, north.
    pub fn bbox(&self) -> [f64; 4] {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for [lon, lat] in self.polygons.iter().flatten().flatten() {
            b[0] = b[0].min(*lon);
            b[1] = b[1].min(*lat);
            b[2] = b[2].max(*lon);
            b[3] = b[3].max(*lat);
        }
        b
    }

    /// The shape as GeoJSON `coordinates` of a MultiPolygon, for storage.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.polygons).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Reads what [`Shape::to_json`] wrote.
    pub fn from_json(s: &str) -> Result<Self, BoundaryProblem> {
        let v: serde_json::Value =
            serde_json::from_str(s).map_err(|_| BoundaryProblem::BadGeometry)?;
        Self::new(multi_polygon(&v)?)
    }
}

/// The region a boundary belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RegionCode {
    Province(ProvinceCode),
    District(DistrictCode),
}

impl RegionCode {
    /// `province` or `district`.
    pub fn level(&self) -> &'static str {
        match self {
            Self::Province(_) => "province",
            Self::District(_) => "district",
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Province(p) => p.as_str(),
            Self::District(d) => d.as_str(),
        }
    }

    /// The province the region lies in.
    pub fn province(&self) -> ProvinceCode {
        match self {
            Self::Province(p) => *p,
            Self::District(d) => d.province(),
        }
    }
}

/// Why a feature of a boundary file cannot be used. Each has a message key
/// (`err-boundary-…`) that says what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundaryProblem {
    /// Not a GeoJSON FeatureCollection at all.
    NotGeoJson(String),
    /// No `district_code`, `province_code` or `ocha_pcode` property.
    NoCode,
    /// A code property that is not a district or province code.
    BadCode(String),
    /// The code is not in the stored geography.
    UnknownRegion(String),
    /// The same region twice in one file.
    Duplicate(String),
    /// A region outside the geographic scope of the administrator loading
    /// the file.
    OutsideScope(String),
    /// A geometry other than Polygon or MultiPolygon, or malformed.
    BadGeometry,
    Empty,
    RingTooShort,
    BadCoordinates,
}

impl BoundaryProblem {
    /// The message key.
    pub fn key(&self) -> &'static str {
        match self {
            Self::NotGeoJson(_) => "err-boundary-not-geojson",
            Self::NoCode => "err-boundary-no-code",
            Self::BadCode(_) => "err-boundary-bad-code",
            Self::UnknownRegion(_) => "err-boundary-unknown-region",
            Self::Duplicate(_) => "err-boundary-duplicate",
            Self::OutsideScope(_) => "err-boundary-outside-scope",
            Self::BadGeometry => "err-boundary-geometry",
            Self::Empty => "err-boundary-empty",
            Self::RingTooShort => "err-boundary-ring",
            Self::BadCoordinates => "err-boundary-coordinates",
        }
    }

    /// The value the message names, if any.
    pub fn value(&self) -> &str {
        match self {
            Self::NotGeoJson(v)
            | Self::BadCode(v)
            | Self::UnknownRegion(v)
            | Self::Duplicate(v) => v,
            _ => "",
        }
    }
}

/// One feature of a file: its index (from 0) and either its region and
/// shape or why it cannot be used.
pub type FeatureResult = (usize, Result<(RegionCode, Shape), BoundaryProblem>);

fn ring(v: &serde_json::Value) -> Result<Ring, BoundaryProblem> {
    let pts = v.as_array().ok_or(BoundaryProblem::BadGeometry)?;
    pts.iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([lon, lat, ..]) => match (lon.as_f64(), lat.as_f64()) {
                (Some(lon), Some(lat)) => Ok([lon, lat]),
                _ => Err(BoundaryProblem::BadCoordinates),
            },
            _ => Err(BoundaryProblem::BadGeometry),
        })
        .collect()
}

fn polygon(v: &serde_json::Value) -> Result<Polygon, BoundaryProblem> {
    v.as_array()
        .ok_or(BoundaryProblem::BadGeometry)?
        .iter()
        .map(ring)
        .collect()
}

fn multi_polygon(v: &serde_json::Value) -> Result<Vec<Polygon>, BoundaryProblem> {
    v.as_array()
        .ok_or(BoundaryProblem::BadGeometry)?
        .iter()
        .map(polygon)
        .collect()
}

/// The shape of a GeoJSON geometry (Polygon or MultiPolygon).
pub fn geometry(g: &serde_json::Value) -> Result<Shape, BoundaryProblem> {
    let coords = g.get("coordinates").ok_or(BoundaryProblem::BadGeometry)?;
    let polygons = match g.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => vec![polygon(coords)?],
        Some("MultiPolygon") => multi_polygon(coords)?,
        _ => return Err(BoundaryProblem::BadGeometry),
    };
    Shape::new(polygons)
}

/// The region a feature's properties name: `district_code` (`0301`),
/// `province_code` (`03`) or `ocha_pcode` (`LA0301`, `LA03`), in that order.
fn region_of(props: Option<&serde_json::Value>) -> Result<RegionCode, BoundaryProblem> {
    let get = |k: &str| {
        props
            .and_then(|p| p.get(k))
            .and_then(|v| v.as_str().map(str::trim).map(str::to_owned))
            .filter(|s| !s.is_empty())
    };
    let parse = |s: &str| -> Result<RegionCode, BoundaryProblem> {
        let bad = || BoundaryProblem::BadCode(s.to_owned());
        match s.len() {
            2 => ProvinceCode::parse(s)
                .map(RegionCode::Province)
                .map_err(|_| bad()),
            4 => DistrictCode::parse(s)
                .map(RegionCode::District)
                .map_err(|_| bad()),
            _ => Err(bad()),
        }
    };
    if let Some(d) = get("district_code") {
        return match parse(&d)? {
            r @ RegionCode::District(_) => Ok(r),
            _ => Err(BoundaryProblem::BadCode(d)),
        };
    }
    if let Some(p) = get("province_code") {
        return match parse(&p)? {
            r @ RegionCode::Province(_) => Ok(r),
            _ => Err(BoundaryProblem::BadCode(p)),
        };
    }
    if let Some(o) = get("ocha_pcode") {
        let code = o
            .strip_prefix("LA")
            .ok_or_else(|| BoundaryProblem::BadCode(o.clone()))?;
        return parse(code).map_err(|_| BoundaryProblem::BadCode(o));
    }
    Err(BoundaryProblem::NoCode)
}

/// Reads a GeoJSON FeatureCollection: each feature's region and shape, or
/// why it cannot be used (a region named twice: every later feature is a
/// duplicate). A text that is not a FeatureCollection is one error.
pub fn parse_feature_collection(text: &str) -> Result<Vec<FeatureResult>, BoundaryProblem> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| BoundaryProblem::NotGeoJson(e.to_string()))?;
    if v.get("type").and_then(|t| t.as_str()) != Some("FeatureCollection") {
        return Err(BoundaryProblem::NotGeoJson(
            "the file is not a GeoJSON FeatureCollection".to_owned(),
        ));
    }
    let features = v
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or_else(|| BoundaryProblem::NotGeoJson("no \"features\" list".to_owned()))?;
    let mut seen = std::collections::BTreeSet::new();
    Ok(features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let r = region_of(f.get("properties")).and_then(|code| {
                let shape = geometry(f.get("geometry").unwrap_or(&serde_json::Value::Null))?;
                if !seen.insert(code) {
                    return Err(BoundaryProblem::Duplicate(code.as_str().to_owned()));
                }
                Ok((code, shape))
            });
            (i, r)
        })
        .collect())
}

/// The shipped province boundaries, parsed once.
pub fn shipped_provinces() -> &'static BTreeMap<ProvinceCode, Shape> {
    static SHAPES: OnceLock<BTreeMap<ProvinceCode, Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        parse_feature_collection(PROVINCES_GEOJSON)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, r)| match r {
                Ok((RegionCode::Province(p), s)) => Some((p, s)),
                _ => None,
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_gives_every_province() {
        let all = parse_feature_collection(PROVINCES_GEOJSON).unwrap();
        assert_eq!(all.len(), 18);
        assert!(all.iter().all(|(_, r)| r.is_ok()));
        let p = shipped_provinces();
        assert_eq!(p.len(), 18);
        // Bokeo lies in the north-west, inside Lao PDR's bounding box.
        let b = p[&ProvinceCode::parse("05").unwrap()].bbox();
        assert!(
            b[0] > 100.0 && b[2] < 102.0 && b[1] > 19.5 && b[3] < 21.0,
            "{b:?}"
        );
    }

    #[test]
    fn bad_features_are_named_one_by_one() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"district_code":"0301"},"geometry":{"type":"Polygon","coordinates":[[[101,21],[101.1,21],[101.1,21.1],[101,21]]]}},
          {"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[101,21],[101.1,21],[101.1,21.1],[101,21]]]}},
          {"type":"Feature","properties":{"district_code":"3"},"geometry":null},
          {"type":"Feature","properties":{"ocha_pcode":"LA0302"},"geometry":{"type":"Point","coordinates":[101,21]}},
          {"type":"Feature","properties":{"ocha_pcode":"LA0301"},"geometry":{"type":"MultiPolygon","coordinates":[[[[101,21],[101.1,21],[101.1,21.1],[101,21]]]]}},
          {"type":"Feature","properties":{"province_code":"03"},"geometry":{"type":"Polygon","coordinates":[[[101,21],[101.1,21]]]}},
          {"type":"Feature","properties":{"ocha_pcode":"LA03"},"geometry":{"type":"Polygon","coordinates":[[[101,21],[200,21],[101.1,21.1],[101,21]]]}}
        ]}"#;
        let r = parse_feature_collection(text).unwrap();
        let problems: Vec<(usize, Option<BoundaryProblem>)> =
            r.into_iter().map(|(i, r)| (i, r.err())).collect();
        assert_eq!(
            problems,
            vec![
                (0, None),
                (1, Some(BoundaryProblem::NoCode)),
                (2, Some(BoundaryProblem::BadCode("3".into()))),
                (3, Some(BoundaryProblem::BadGeometry)),
                (4, Some(BoundaryProblem::Duplicate("0301".into()))),
                (5, Some(BoundaryProblem::RingTooShort)),
                (6, Some(BoundaryProblem::BadCoordinates)),
            ]
        );
        assert!(matches!(
            parse_feature_collection("{\"type\":\"Feature\"}"),
            Err(BoundaryProblem::NotGeoJson(_))
        ));
        assert!(parse_feature_collection("not json").is_err());
    }

    #[test]
    fn shapes_keep_their_holes_through_storage() {
        let outer = vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]];
        let hole = vec![[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 1.0]];
        let s = Shape::new(vec![vec![outer, hole]]).unwrap();
        let back = Shape::from_json(&s.to_json()).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.polygons()[0].len(), 2);
        assert_eq!(s.bbox(), [0.0, 0.0, 4.0, 4.0]);
    }
}
