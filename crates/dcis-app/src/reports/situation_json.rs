//! The situation report as JSON: the same figures as the PDF, with codes instead of names, for
//! machines. A hidden figure is `{"value": null, "suppressed": true}`, as in the statistics
//! API. `schema` is `dcis-situation/1`; a change that removes or redefines a field gives a new
//! version.

use super::situation::{Area, SituationReport};
use crate::stats::{Compared, Figure};
use dcis_domain::stats::Measure;
use serde::Serialize;
use utoipa::ToSchema;

/// The version of this format.
pub const SCHEMA: &str = "dcis-situation/1";

/// A situation report's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct SituationDocument {
    /// `dcis-situation/1`.
    pub schema: String,
    /// First and last month (YYYY-MM).
    pub from: String,
    pub to: String,
    /// The periods compared with: the one before, of the same length, and a year before.
    pub previous: Option<SituationPeriodOut>,
    pub year_before: Option<SituationPeriodOut>,
    /// `national`, `province` (one chosen) or `provinces` (a provincial scope).
    pub area: String,
    /// The provinces covered; empty for national.
    pub provinces: Vec<String>,
    /// When the file was made (RFC 3339, UTC) and by whom (user name).
    pub generated_at: String,
    pub generated_by: String,
    /// Figures from fewer cases than this are hidden.
    pub min_cell: i64,
    /// True when no case lies in the period and area: every figure below is then zero.
    pub empty: bool,
    /// Cases, items and persons.
    pub totals: Vec<SituationComparedOut>,
    /// Per substance code: cases, grams weighed, tablets, litres (never added together).
    pub substances: Vec<SituationSubstanceOut>,
    /// Persons by nationality, sex, age group and role.
    pub persons: Vec<SituationBreakdownOut>,
    /// The largest routes, border crossings and tablet logos by cases.
    pub top: Vec<SituationTopOut>,
    /// Cases by month over the twelve months ending with `to`, with the seasonal baseline.
    pub trend: SituationTrendOut,
    /// Alerts about a month of the period that the maker may see.
    pub alerts: Vec<SituationAlertOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationPeriodOut {
    pub from: String,
    pub to: String,
}

/// A figure: its value, or null with `suppressed` when it is hidden (or there is none).
#[derive(Debug, Serialize, ToSchema)]
pub struct SituationFigureOut {
    pub value: Option<f64>,
    pub suppressed: bool,
}

impl From<Figure> for SituationFigureOut {
    fn from(f: Figure) -> Self {
        Self {
            value: f.value(),
            suppressed: f == Figure::Suppressed,
        }
    }
}

/// A figure now, in the previous period and a year before.
#[derive(Debug, Serialize, ToSchema)]
pub struct SituationComparedOut {
    /// The measure (`cases`, `mass_g`…) or the dimension's value.
    pub key: String,
    pub now: SituationFigureOut,
    pub previous: SituationFigureOut,
    pub year_before: SituationFigureOut,
}

fn compared(key: String, c: &Compared) -> SituationComparedOut {
    SituationComparedOut {
        key,
        now: c.now.into(),
        previous: c.previous.into(),
        year_before: c.year_before.into(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationSubstanceOut {
    pub code: String,
    /// One entry per measure (`cases`, `mass_g`, `tablets`, `volume_l`).
    pub measures: Vec<SituationComparedOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationBreakdownOut {
    /// `nationality`, `sex`, `age_group`, `role`.
    pub dimension: String,
    /// Persons per value.
    pub rows: Vec<SituationComparedOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationTopOut {
    /// `route`, `border_crossing`, `tablet_logo`.
    pub dimension: String,
    pub rows: Vec<SituationTopRowOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationTopRowOut {
    pub key: String,
    pub cases: SituationFigureOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationTrendOut {
    /// Months (YYYY-MM).
    pub labels: Vec<String>,
    pub cases: Vec<SituationFigureOut>,
    /// The seasonal baseline per month; null where not all three earlier years are shown.
    pub baseline: Vec<Option<f64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SituationAlertOut {
    pub id: String,
    pub rule: String,
    pub subject: String,
    /// The month it is about (YYYY-MM).
    pub period: String,
    pub province: Option<String>,
    pub acknowledged: bool,
}

/// The JSON of a report.
pub fn document(r: &SituationReport) -> SituationDocument {
    let d = &r.dashboard;
    let period = |p: &dcis_domain::stats::Period| SituationPeriodOut {
        from: p.from.to_string(),
        to: p.to.to_string(),
    };
    let (area, provinces) = match &r.area {
        Area::National => ("national", Vec::new()),
        Area::Province(p) => ("province", vec![p.code.as_str().to_owned()]),
        Area::Provinces(ps) => (
            "provinces",
            ps.iter().map(|p| p.code.as_str().to_owned()).collect(),
        ),
    };
    let trend = r.cases_trend.series.first();
    SituationDocument {
        schema: SCHEMA.to_owned(),
        from: r.period.from.to_string(),
        to: r.period.to.to_string(),
        previous: d.previous.as_ref().map(period),
        year_before: d.year_before.as_ref().map(period),
        area: area.to_owned(),
        provinces,
        generated_at: r
            .generated_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        generated_by: r.generated_by.clone(),
        min_cell: d.min_cell,
        empty: r.is_empty(),
        totals: d
            .totals
            .iter()
            .map(|(m, c)| compared(m.as_str().to_owned(), c))
            .collect(),
        substances: d
            .substances
            .iter()
            .map(|(code, ms)| SituationSubstanceOut {
                code: code.clone(),
                measures: ms
                    .iter()
                    .map(|(m, c)| compared(m.as_str().to_owned(), c))
                    .collect(),
            })
            .collect(),
        persons: d
            .persons
            .iter()
            .map(|(dim, rows)| SituationBreakdownOut {
                dimension: dim.as_str().to_owned(),
                rows: rows.iter().map(|c| compared(c.key.clone(), c)).collect(),
            })
            .collect(),
        top: d
            .top
            .iter()
            .map(|(dim, rows)| SituationTopOut {
                dimension: dim.as_str().to_owned(),
                rows: rows
                    .iter()
                    .map(|(k, f)| SituationTopRowOut {
                        key: k.clone(),
                        cases: (*f).into(),
                    })
                    .collect(),
            })
            .collect(),
        trend: SituationTrendOut {
            labels: r.cases_trend.labels.clone(),
            cases: trend
                .map(|s| s.values.iter().map(|f| (*f).into()).collect())
                .unwrap_or_default(),
            baseline: trend.map(|s| s.baseline.clone()).unwrap_or_default(),
        },
        alerts: r
            .alerts
            .iter()
            .map(|v| SituationAlertOut {
                id: v.alert.id.to_string(),
                rule: v.alert.rule.as_str().to_owned(),
                subject: v.alert.subject.clone(),
                period: v.alert.period.clone(),
                province: v.alert.province.map(|p| p.as_str().to_owned()),
                acknowledged: v.alert.acknowledged_at.is_some(),
            })
            .collect(),
    }
}

/// The measures a substance's figures are in, in order (for readers of the schema).
pub const SUBSTANCE_MEASURES: [Measure; 4] = crate::stats::SUBSTANCE_MEASURES;
