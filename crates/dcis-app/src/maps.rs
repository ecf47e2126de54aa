//! Maps (`docs/analysis.md`, "Maps"): a measure over a period by province
//! for the nation, or by district for one province, with the border
//! crossings' case counts; and the boundary files administrators load.
//!
//! The figures come from [`App::stats_many`], so the scope and small-cell
//! suppression are the analysis's own; this module only adds the regions'
//! names and shapes, and draws them through `dcis_render::map`.

use crate::error::AppError;
use crate::stats::{format_value, Figure, StatsRequest};
use crate::App;
use dcis_domain::boundary::{
    parse_feature_collection, shipped_provinces, BoundaryProblem, RegionCode, Shape, ATTRIBUTION,
};
use dcis_domain::geo::{Coordinates, ProvinceCode};
use dcis_domain::role::Permission;
use dcis_domain::stats::{Group, Measure, Period, StatDim};
use dcis_domain::user::Language;
use dcis_domain::{FieldError, FieldErrors};
use dcis_i18n::Catalogue;
use dcis_policy::stats::StatsScope;
use dcis_policy::Actor;
use dcis_render::map::{choropleth, Classes, MapLabels, MapPoint, MapRegion, RegionValue};
use dcis_store::StatsQuery;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A region of a map with its figure.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionFigure {
    pub code: RegionCode,
    pub name_en: String,
    pub name_lo: String,
    /// `None` outside the reader's scope: no figure is computed there,
    /// which is not zero.
    pub figure: Option<Figure>,
    /// `None` when no boundary is loaded for it.
    pub shape: Option<Shape>,
}

impl RegionFigure {
    pub fn name(&self, lang: Language) -> &str {
        match lang {
            Language::Lo => &self.name_lo,
            Language::En => &self.name_en,
        }
    }
}

/// A border crossing with the cases that went through it.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossingFigure {
    pub id: String,
    pub name_en: String,
    pub name_lo: String,
    pub coordinates: Option<Coordinates>,
    pub cases: Figure,
}

/// Everything a map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct MapFigures {
    pub measure: Measure,
    pub period: Period,
    /// The filters other than the province (a substance, a price key…).
    pub filters: Vec<(StatDim, String)>,
    /// The province whose districts are drawn; `None` for the nation.
    pub province: Option<ProvinceCode>,
    pub province_name_en: String,
    pub province_name_lo: String,
    pub regions: Vec<RegionFigure>,
    pub crossings: Vec<CrossingFigure>,
    pub min_cell: i64,
}

/// A feature of a boundary file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureProblem {
    pub index: usize,
    pub problem: BoundaryProblem,
}

/// What a boundary load stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryLoad {
    pub provinces: usize,
    pub districts: usize,
}

impl App {
    /// The map of a request: by district when it filters one province,
    /// else by province (the request's own axes are not used). The
    /// province must lie in the actor's scope (as for every figure); on
    /// the national map, provinces outside the scope are drawn as such.
    pub async fn map(&self, actor: &Actor, req: &StatsRequest) -> Result<MapFigures, AppError> {
        let scope = StatsScope::for_actor(actor)?;
        let province = match req
            .query
            .filters
            .iter()
            .find(|(d, _)| *d == StatDim::Province)
        {
            Some((_, p)) => Some(ProvinceCode::parse(p)?),
            None => None,
        };
        let by = if province.is_some() {
            StatDim::District
        } else {
            StatDim::Province
        };
        let regions_q = StatsQuery {
            period: req.query.period,
            filters: req.query.filters.clone(),
            group: vec![Group::Dim(by)],
        };
        let crossings_q = StatsQuery {
            group: vec![Group::Dim(StatDim::BorderCrossing)],
            ..regions_q.clone()
        };
        let mut tables = self
            .stats_many(actor, vec![regions_q, crossings_q])
            .await?
            .into_iter();
        let (Some(table), Some(crossing_table)) = (tables.next(), tables.next()) else {
            return Err(AppError::Internal("a map table is missing".into()));
        };
        let m = req.measure;
        let mut regions = Vec::new();
        let (mut province_name_en, mut province_name_lo) = (String::new(), String::new());
        match province {
            None => {
                let loaded: BTreeMap<RegionCode, Shape> =
                    self.store.boundaries(None).await?.into_iter().collect();
                for (p, _) in self.store.provinces().await? {
                    let shape = loaded
                        .get(&RegionCode::Province(p.code))
                        .or_else(|| shipped_provinces().get(&p.code))
                        .cloned();
                    regions.push(RegionFigure {
                        code: RegionCode::Province(p.code),
                        figure: scope
                            .covers(p.code)
                            .then(|| table.figure(&[p.code.as_str()], m)),
                        name_en: p.name_en,
                        name_lo: p.name_lo,
                        shape,
                    });
                }
            }
            Some(p) => {
                if let Some(pr) = self.store.province(p).await? {
                    province_name_en = pr.name_en;
                    province_name_lo = pr.name_lo;
                }
                let loaded: BTreeMap<RegionCode, Shape> =
                    self.store.boundaries(Some(p)).await?.into_iter().collect();
                for d in self.store.districts(p).await? {
                    regions.push(RegionFigure {
                        code: RegionCode::District(d.code),
                        figure: Some(table.figure(&[d.code.as_str()], m)),
                        shape: loaded.get(&RegionCode::District(d.code)).cloned(),
                        name_en: d.name_en,
                        name_lo: d.name_lo,
                    });
                }
            }
        }
        // Crossings in the map's area and the scope: elsewhere no figure is
        // computed, and a zero would be wrong.
        let crossings = self
            .store
            .border_crossings()
            .await?
            .into_iter()
            .filter(|b| match province {
                Some(p) => b.province == p,
                None => scope.covers(b.province),
            })
            .map(|b| {
                let id = b.id.to_string();
                CrossingFigure {
                    cases: crossing_table.figure(&[id.as_str()], Measure::Cases),
                    id,
                    name_en: b.name_en.as_str().to_owned(),
                    name_lo: b.name_lo.as_str().to_owned(),
                    coordinates: b.coordinates,
                }
            })
            .collect();
        Ok(MapFigures {
            measure: m,
            period: req.query.period,
            filters: req
                .query
                .filters
                .iter()
                .filter(|(d, _)| *d != StatDim::Province)
                .cloned()
                .collect(),
            province,
            province_name_en,
            province_name_lo,
            regions,
            crossings,
            min_cell: table.min_cell,
        })
    }

    /// Loads a boundary file (GeoJSON FeatureCollection whose features
    /// carry `district_code`, `province_code` or `ocha_pcode`): all or
    /// nothing. Every feature that cannot be used is reported with its
    /// index and why; otherwise the boundaries are stored (replacing those
    /// of the same regions) and the load is audited as one change.
    pub async fn load_boundaries(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Result<BoundaryLoad, Vec<FeatureProblem>>, AppError> {
        actor.require(Permission::ManageGeography)?;
        let text = std::str::from_utf8(bytes).map_err(|_| {
            FieldError::new("file", "err-boundary-not-geojson").with("reason", "not UTF-8 text")
        })?;
        let features = parse_feature_collection(text)
            .map_err(|p| FieldError::new("file", p.key()).with("reason", p.value()))?;
        if features.is_empty() {
            return Err(FieldError::new("file", "err-boundary-no-features").into());
        }
        let provinces: Vec<ProvinceCode> = self
            .store
            .provinces()
            .await?
            .into_iter()
            .map(|(p, _)| p.code)
            .collect();
        let mut districts = BTreeMap::new();
        let mut problems = Vec::new();
        let mut shapes = Vec::new();
        for (index, r) in features {
            let checked = match r {
                Ok((code, shape)) => {
                    let known = match code {
                        RegionCode::Province(p) => provinces.contains(&p),
                        RegionCode::District(d) => {
                            let p = d.province();
                            if let std::collections::btree_map::Entry::Vacant(e) =
                                districts.entry(p)
                            {
                                let ds: Vec<_> = self
                                    .store
                                    .districts(p)
                                    .await?
                                    .into_iter()
                                    .map(|x| x.code)
                                    .collect();
                                e.insert(ds);
                            }
                            districts.get(&p).is_some_and(|ds| ds.contains(&d))
                        }
                    };
                    if !known {
                        Err(BoundaryProblem::UnknownRegion(code.as_str().to_owned()))
                    } else if !actor.scope.covers(code.province()) {
                        Err(BoundaryProblem::OutsideScope(code.as_str().to_owned()))
                    } else {
                        Ok((code, shape))
                    }
                }
                Err(p) => Err(p),
            };
            match checked {
                Ok(s) => shapes.push(s),
                Err(problem) => problems.push(FeatureProblem { index, problem }),
            }
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let sha = hex::encode(Sha256::digest(bytes));
        let mut w = self.write_as(actor).await?;
        w.load_boundaries(file_name, &sha, &shapes).await?;
        w.commit().await?;
        let districts = shapes
            .iter()
            .filter(|(c, _)| matches!(c, RegionCode::District(_)))
            .count();
        Ok(Ok(BoundaryLoad {
            provinces: shapes.len() - districts,
            districts,
        }))
    }
}

/// Problems of a boundary file as field errors (one per feature), for
/// forms and the API.
pub fn problems_as_errors(problems: &[FeatureProblem]) -> FieldErrors {
    let mut e = FieldErrors::new();
    for p in problems {
        e.push(
            FieldError::new("file", p.problem.key())
                .with("index", p.index)
                .with("value", p.problem.value()),
        );
    }
    e
}

/// A value with the measure's decimals and thousands grouped (`12,345.5`),
/// as both languages write numbers.
pub fn format_grouped(v: f64, m: Measure) -> String {
    let s = format_value(v, m);
    let (neg, s) = s
        .strip_prefix('-')
        .map(|r| (true, r))
        .unwrap_or((false, s.as_str()));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// A class bound in the legend: grouped, without trailing zeros.
fn format_bound(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut out = format_grouped(int.parse().unwrap_or(0.0), Measure::Cases);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// How a region's figure reads: grouped digits, `<3`, or "no data".
pub fn figure_text(f: Figure, m: Measure, min_cell: i64, no_data: &str) -> String {
    match f {
        Figure::Value(v) => format_grouped(v, m),
        Figure::Suppressed => format!("<{min_cell}"),
        Figure::None => no_data.to_owned(),
    }
}

/// The period as text: `2025-01 – 2025-12`, or one month.
pub fn period_text(p: &Period) -> String {
    if p.from == p.to {
        p.from.to_string()
    } else {
        format!("{} – {}", p.from, p.to)
    }
}

/// The list behind a region's figure (the list applies its own policy).
pub fn region_link(f: &MapFigures, code: RegionCode) -> String {
    let mut l = format!(
        "/cases?from={}&to={}",
        f.period.from.first_day(),
        f.period.to.last_day()
    );
    match code {
        RegionCode::Province(p) => l.push_str(&format!("&province={}", p.as_str())),
        RegionCode::District(d) => l.push_str(&format!(
            "&province={}&district={}",
            d.province().as_str(),
            d.as_str()
        )),
    }
    if let Some((_, s)) = f.filters.iter().find(|(d, _)| *d == StatDim::Substance) {
        l.push_str(&format!("&substance={s}"));
    }
    l
}

/// The notes under a map, in the reader's language: regions without a
/// boundary, crossings without coordinates.
pub fn map_notes(f: &MapFigures, cat: &Catalogue, lang: Language) -> Vec<String> {
    let mut notes = Vec::new();
    for r in f.regions.iter().filter(|r| r.shape.is_none()) {
        notes.push(cat.message(lang, "map-no-boundary", &[("region", r.name(lang))]));
    }
    for c in f.crossings.iter().filter(|c| c.coordinates.is_none()) {
        let name = match lang {
            Language::Lo => &c.name_lo,
            Language::En => &c.name_en,
        };
        let n = figure_text(c.cases, Measure::Cases, f.min_cell, "0");
        notes.push(cat.message(
            lang,
            "map-crossing-no-coordinates",
            &[("name", name.as_str()), ("cases", n.as_str())],
        ));
    }
    notes
}

/// The map as SVG in the reader's language.
pub fn map_svg(f: &MapFigures, cat: &Catalogue, lang: Language) -> String {
    let m = f.measure;
    let no_data = cat.t(lang, "map-no-data");
    let measure = cat.t(
        lang,
        &format!("stats-measure-{}", m.as_str().replace('_', "-")),
    );
    let period = period_text(&f.period);
    let title = match f.province {
        None => cat.message(
            lang,
            "map-title-national",
            &[("measure", measure.as_str()), ("period", period.as_str())],
        ),
        Some(_) => {
            let name = match lang {
                Language::Lo => &f.province_name_lo,
                Language::En => &f.province_name_en,
            };
            cat.message(
                lang,
                "map-title-districts",
                &[
                    ("measure", measure.as_str()),
                    ("province", name.as_str()),
                    ("period", period.as_str()),
                ],
            )
        }
    };
    let values: Vec<f64> = f
        .regions
        .iter()
        .filter_map(|r| r.figure.and_then(|f| f.value()))
        .collect();
    let classes = Classes::nice(&values, m.decimals() == 0);
    let regions: Vec<MapRegion<'_>> = f
        .regions
        .iter()
        .map(|r| {
            let (value, text) = match r.figure {
                None => (RegionValue::OutsideScope, cat.t(lang, "map-outside-scope")),
                Some(Figure::Value(v)) => (RegionValue::Value(v), format_grouped(v, m)),
                Some(Figure::Suppressed) => (RegionValue::Suppressed, format!("<{}", f.min_cell)),
                Some(Figure::None) => (RegionValue::NoData, no_data.clone()),
            };
            MapRegion {
                code: r.code.as_str().to_owned(),
                name: r.name(lang).to_owned(),
                shape: r.shape.as_ref().map(|s| s.polygons()),
                value,
                text,
                href: r.figure.is_some().then(|| region_link(f, r.code)),
            }
        })
        .collect();
    let points: Vec<MapPoint> = f
        .crossings
        .iter()
        .filter_map(|c| {
            let at = c.coordinates?;
            let n = figure_text(c.cases, Measure::Cases, f.min_cell, "0");
            Some(MapPoint {
                name: match lang {
                    Language::Lo => c.name_lo.clone(),
                    Language::En => c.name_en.clone(),
                },
                lon: at.lon(),
                lat: at.lat(),
                text: cat.message(lang, "map-crossing-cases", &[("cases", n.as_str())]),
            })
        })
        .collect();
    let min = f.min_cell.to_string();
    let labels = MapLabels {
        title,
        legend_title: measure,
        no_data,
        suppressed: cat.message(lang, "map-suppressed", &[("min", min.as_str())]),
        outside_scope: cat.t(lang, "map-outside-scope"),
        points: cat.t(lang, "map-crossings"),
        attribution: ATTRIBUTION.to_owned(),
    };
    choropleth(
        &regions,
        &points,
        classes.as_ref(),
        &labels,
        &map_notes(f, cat, lang),
        &format_bound,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(format_grouped(1234567.0, Measure::Cases), "1,234,567");
        assert_eq!(format_grouped(1234.5, Measure::MassG), "1,234.500");
        assert_eq!(format_grouped(12.0, Measure::Cases), "12");
        assert_eq!(format_bound(2500.0), "2,500");
        assert_eq!(format_bound(2.5), "2.5");
        assert_eq!(format_bound(0.0), "0");
    }
}
