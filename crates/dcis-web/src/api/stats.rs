//! `GET /api/v1/stats/…`: the dashboard, tables (pivot) and trends as
//! JSON, tables as CSV or XLSX and trends as CSV. Figures come from
//! `dcis_app::stats`, which applies the aggregate policy and small-cell
//! suppression: a hidden figure is `{"value": null, "suppressed": true}`
//! here and `<3` in files (docs/analysis.md).

use super::Caller;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use dcis_app::stats::{
    pivot_xlsx, table_csv, trend_csv, Compared, Dashboard, Figure, StatsForm, StatsRequest, Table,
    Trend,
};
use dcis_app::AppError;
use dcis_domain::geo::ProvinceCode;
use dcis_domain::stats::{Group, Measure, Period, StatDim, TimeGrain};
use dcis_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stats/dashboard", get(dashboard))
        .route("/stats/table", get(table))
        .route("/stats/trends", get(trends))
        .route("/stats/map", get(map))
        .route("/stats/map.svg", get(map_svg))
}

/// The query of every statistics request. A period is `period` (a year
/// `2025`, a quarter `2025-Q2` or a month `2025-04`) or `from`–`to`
/// (months, `YYYY-MM`); without either, the last twelve full months.
#[derive(Deserialize, Default, IntoParams, Clone)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// A year, quarter or month.
    pub period: Option<String>,
    /// First month (YYYY-MM).
    pub from: Option<String>,
    /// Last month (YYYY-MM).
    pub to: Option<String>,
    /// Province code, inside the caller's scope.
    pub province: Option<String>,
    /// Agency (organisation id).
    pub agency: Option<String>,
    /// Substance code.
    pub substance: Option<String>,
    /// More filters, `dimension:value` separated by `;` (for example
    /// `nationality:TH;route:MM>TH`).
    pub filter: Option<String>,
    /// Axes, comma-separated: `month`, `quarter`, `year` and the
    /// dimensions (`province`, `agency`, `substance`, `route`,
    /// `border_crossing`, `tablet_logo`, `detection_method`,
    /// `transport_mode`, `nationality`, `sex`, `age_group`, `role`,
    /// `price`); at most three.
    pub group: Option<String>,
    /// `cases` (default), `items`, `mass_g`, `tablets`, `volume_l`, `units`,
    /// `plants`, `area_ha`, `persons`, `purity_mean`, `price_mean`.
    pub measure: Option<String>,
    /// Trends: `month` (default), `quarter` or `year`.
    pub grain: Option<String>,
    /// Trends: split the series by `substance`, `province`, `agency` or
    /// `route`.
    pub split: Option<String>,
    /// `json` (default), `csv`, or `xlsx` (tables only).
    pub format: Option<String>,
}

impl StatsParams {
    pub fn form(&self) -> StatsForm {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        StatsForm {
            period: s(&self.period),
            from: s(&self.from),
            to: s(&self.to),
            province: s(&self.province),
            agency: s(&self.agency),
            substance: s(&self.substance),
            filters: s(&self.filter)
                .split(';')
                .filter(|f| !f.trim().is_empty())
                .map(|f| match f.split_once(':') {
                    Some((d, v)) => (d.trim().to_owned(), v.trim().to_owned()),
                    None => (f.trim().to_owned(), String::new()),
                })
                .collect(),
            group: s(&self.group)
                .split(',')
                .map(|g| g.trim().to_owned())
                .filter(|g| !g.is_empty())
                .collect(),
            measure: s(&self.measure),
        }
    }

    pub fn parse(&self, app: &dcis_app::App) -> Result<StatsRequest, AppError> {
        Ok(self.form().parse(default_period(app))?)
    }

    /// The trend's grain and split.
    pub fn trend_axes(&self) -> Result<(TimeGrain, Option<StatDim>), AppError> {
        let grain = match self
            .grain
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            None => TimeGrain::Month,
            Some(g) => match Group::parse("grain", g)? {
                Group::Time(t) => t,
                Group::Dim(_) => {
                    return Err(FieldError::new("grain", "err-choice")
                        .with("value", g)
                        .into())
                }
            },
        };
        let split = match self
            .split
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            None => None,
            Some(s) => {
                let d = StatDim::parse("split", s)?;
                if !SPLITS.contains(&d) {
                    return Err(FieldError::new("split", "err-choice")
                        .with("value", s)
                        .into());
                }
                Some(d)
            }
        };
        Ok((grain, split))
    }
}

/// What a trend may be split by.
pub const SPLITS: [StatDim; 4] = [
    StatDim::Substance,
    StatDim::Province,
    StatDim::Agency,
    StatDim::Route,
];

/// The last twelve full months before today.
pub fn default_period(app: &dcis_app::App) -> Period {
    let today = app.local_now().date();
    let this = dcis_domain::stats::Month::new(
        u16::try_from(today.year()).unwrap_or(2000),
        u8::from(today.month()),
    );
    this.and_then(|m| Some((m.plus(-12)?, m.plus(-1)?)))
        .and_then(|(f, t)| Period::new(f, t).ok())
        .unwrap_or_else(|| Period::parse("2000-01", "2000-12").unwrap_or_else(|_| unreachable!()))
}

/// A figure: its value, or null and `suppressed` when computed from fewer
/// cases than the policy shows.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub struct FigureOut {
    pub value: Option<f64>,
    pub suppressed: bool,
}

impl From<Figure> for FigureOut {
    fn from(f: Figure) -> Self {
        Self {
            value: f.value(),
            suppressed: f == Figure::Suppressed,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PeriodOut {
    /// YYYY-MM
    pub from: String,
    /// YYYY-MM
    pub to: String,
}

impl From<Period> for PeriodOut {
    fn from(p: Period) -> Self {
        Self {
            from: p.from.to_string(),
            to: p.to.to_string(),
        }
    }
}

/// A figure now, in the previous period and a year before, with the
/// changes in per cent (null when either side is hidden or zero).
#[derive(Serialize, ToSchema)]
pub struct TileOut {
    /// The dimension value (empty for a total).
    pub key: String,
    pub measure: String,
    pub now: FigureOut,
    pub previous: FigureOut,
    pub year_before: FigureOut,
    pub change_previous_pct: Option<f64>,
    pub change_year_pct: Option<f64>,
}

fn tile(m: Measure, c: &Compared) -> TileOut {
    TileOut {
        key: c.key.clone(),
        measure: m.as_str().to_owned(),
        now: c.now.into(),
        previous: c.previous.into(),
        year_before: c.year_before.into(),
        change_previous_pct: c.change(c.previous),
        change_year_pct: c.change(c.year_before),
    }
}

#[derive(Serialize, ToSchema)]
pub struct BreakdownOut {
    pub dimension: String,
    pub entries: Vec<TileOut>,
}

#[derive(Serialize, ToSchema)]
pub struct TopEntryOut {
    pub key: String,
    pub cases: FigureOut,
}

#[derive(Serialize, ToSchema)]
pub struct TopOut {
    pub dimension: String,
    pub entries: Vec<TopEntryOut>,
}

/// One cell of a table: its keys (one per axis) and the measure.
#[derive(Serialize, ToSchema)]
pub struct CellOut {
    pub keys: Vec<String>,
    pub value: FigureOut,
}

#[derive(Serialize, ToSchema)]
pub struct TableOut {
    pub period: PeriodOut,
    pub axes: Vec<String>,
    pub measure: String,
    /// Figures from fewer cases than this are hidden.
    pub min_cell: i64,
    /// `rollup` or `raw`: which tables answered.
    pub source: String,
    pub cells: Vec<CellOut>,
}

pub fn table_out(t: &Table, m: Measure) -> TableOut {
    TableOut {
        period: t.query.period.into(),
        axes: t
            .query
            .group
            .iter()
            .map(|g| g.as_str().to_owned())
            .collect(),
        measure: m.as_str().to_owned(),
        min_cell: t.min_cell,
        source: match t.query.source() {
            dcis_store::StatsSource::Rollup => "rollup".into(),
            dcis_store::StatsSource::Raw => "raw".into(),
        },
        cells: t
            .cells
            .iter()
            .map(|c| {
                let keys: Vec<&str> = c.keys.iter().map(String::as_str).collect();
                CellOut {
                    keys: c.keys.clone(),
                    value: t.figure(&keys, m).into(),
                }
            })
            .collect(),
    }
}

/// The dashboard of a period and scope.
#[derive(Serialize, ToSchema)]
pub struct DashboardOut {
    pub period: PeriodOut,
    pub previous: Option<PeriodOut>,
    pub year_before: Option<PeriodOut>,
    pub province: Option<String>,
    pub min_cell: i64,
    /// True when no case lies in the period and scope.
    pub empty: bool,
    /// Cases, items, persons.
    pub totals: Vec<TileOut>,
    /// Per substance: cases, grams weighed, tablets, litres (never added
    /// together).
    pub substances: Vec<BreakdownOut>,
    /// Persons by nationality, sex, age group, role.
    pub persons: Vec<BreakdownOut>,
    /// Top routes, border crossings, tablet logos by cases.
    pub top: Vec<TopOut>,
    /// Mean purity per substance and month (`measure` purity_mean).
    pub purity: TableOut,
    /// Mean price per substance, currency and unit, and month.
    pub prices: TableOut,
}

pub fn dashboard_out(d: &Dashboard) -> DashboardOut {
    DashboardOut {
        period: d.period.into(),
        previous: d.previous.map(Into::into),
        year_before: d.year_before.map(Into::into),
        province: d.province.map(|p| p.as_str().to_owned()),
        min_cell: d.min_cell,
        empty: d.is_empty(),
        totals: d.totals.iter().map(|(m, c)| tile(*m, c)).collect(),
        substances: d
            .substances
            .iter()
            .map(|(k, row)| BreakdownOut {
                dimension: k.clone(),
                entries: row.iter().map(|(m, c)| tile(*m, c)).collect(),
            })
            .collect(),
        persons: d
            .persons
            .iter()
            .map(|(dim, row)| BreakdownOut {
                dimension: dim.as_str().to_owned(),
                entries: row.iter().map(|c| tile(Measure::Persons, c)).collect(),
            })
            .collect(),
        top: d
            .top
            .iter()
            .map(|(dim, row)| TopOut {
                dimension: dim.as_str().to_owned(),
                entries: row
                    .iter()
                    .map(|(k, f)| TopEntryOut {
                        key: k.clone(),
                        cases: (*f).into(),
                    })
                    .collect(),
            })
            .collect(),
        purity: table_out(&d.purity, Measure::PurityMean),
        prices: table_out(&d.prices, Measure::PriceMean),
    }
}

/// One series of a trend.
#[derive(Serialize, ToSchema)]
pub struct SeriesOut {
    /// The split value; empty when not split.
    pub key: String,
    pub values: Vec<FigureOut>,
    /// The seasonal baseline per label (null where not computable).
    pub baseline: Vec<Option<f64>>,
}

#[derive(Serialize, ToSchema)]
pub struct TrendOut {
    pub measure: String,
    pub grain: String,
    pub split: Option<String>,
    pub labels: Vec<String>,
    pub min_cell: i64,
    pub series: Vec<SeriesOut>,
}

pub fn trend_out(t: &Trend) -> TrendOut {
    TrendOut {
        measure: t.measure.as_str().to_owned(),
        grain: t.grain.as_str().to_owned(),
        split: t.split.map(|d| d.as_str().to_owned()),
        labels: t.labels.clone(),
        min_cell: t.min_cell,
        series: t
            .series
            .iter()
            .map(|s| SeriesOut {
                key: s.key.clone(),
                values: s.values.iter().map(|f| (*f).into()).collect(),
                baseline: s.baseline.clone(),
            })
            .collect(),
    }
}

fn format_of(p: &StatsParams, allowed: &[&str]) -> Result<String, AppError> {
    let f = p
        .format
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .unwrap_or("json");
    if allowed.contains(&f) {
        Ok(f.to_owned())
    } else {
        Err(FieldError::new("format", "err-choice")
            .with("value", f)
            .into())
    }
}

/// A file download.
pub fn file(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut r = bytes.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV: &str = "text/csv; charset=utf-8";

/// The dashboard: cases, items and persons; seizures by substance (grams,
/// tablets and litres apart); persons by nationality, sex, age group and
/// role; each against the previous period and the same period a year
/// before; top routes, border crossings and tablet logos; purity and
/// prices by month. Over every case in the caller's scope (or one
/// province of it), with figures from fewer than `min_cell` cases hidden.
#[utoipa::path(get, path = "/stats/dashboard", tag = "analysis", operation_id = "stats_dashboard", params(StatsParams),
    responses((status = 200, description = "The dashboard", body = DashboardOut)))]
async fn dashboard(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<StatsParams>,
) -> Result<Json<DashboardOut>, ApiError> {
    let req = q.parse(&s.app)?;
    let province = match q
        .province
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(ProvinceCode::parse(p).map_err(AppError::from)?),
        None => None,
    };
    let d = s
        .app
        .dashboard(&a.actor, req.query.period, province)
        .await?;
    Ok(Json(dashboard_out(&d)))
}

/// Any measure by up to three axes with filters (the pivot table), as
/// JSON, CSV or XLSX. Queries using two dimensions other than province and
/// agency (for example substance by nationality) are computed from the raw
/// records with the same scope (`source`: `raw`).
#[utoipa::path(get, path = "/stats/table", tag = "analysis", operation_id = "stats_table", params(StatsParams),
    responses((status = 200, description = "The table", body = TableOut,
        content((TableOut = "application/json"), ("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))))]
async fn table(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<StatsParams>,
) -> Result<Response, ApiError> {
    let format = format_of(&q, &["json", "csv", "xlsx"])?;
    let req = q.parse(&s.app)?;
    let t = s.app.stats(&a.actor, &req.query).await?;
    let headers: Vec<String> = req
        .query
        .group
        .iter()
        .map(|g| g.as_str().to_owned())
        .collect();
    Ok(match format.as_str() {
        "csv" => file(
            table_csv(&t, req.measure, &headers).into_bytes(),
            CSV,
            "dcis-table.csv",
        ),
        "xlsx" => file(
            pivot_xlsx(&t, req.measure, &headers)?,
            XLSX,
            "dcis-table.xlsx",
        ),
        _ => Json(table_out(&t, req.measure)).into_response(),
    })
}

/// A time series of a measure by month, quarter or year, optionally split
/// by substance, province, agency or route (the eight largest series),
/// with its seasonal baseline: the mean of the same month (quarter, year)
/// over the three years before, drawn only where all three are shown.
#[utoipa::path(get, path = "/stats/trends", tag = "analysis", operation_id = "stats_trends", params(StatsParams),
    responses((status = 200, description = "The series", body = TrendOut,
        content((TrendOut = "application/json"), ("text/csv")))))]
async fn trends(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<StatsParams>,
) -> Result<Response, ApiError> {
    let format = format_of(&q, &["json", "csv"])?;
    let req = q.parse(&s.app)?;
    let (grain, split) = q.trend_axes()?;
    let t = s.app.trend(&a.actor, &req, grain, split).await?;
    Ok(match format.as_str() {
        "csv" => file(trend_csv(&t).into_bytes(), CSV, "dcis-trend.csv"),
        _ => Json(trend_out(&t)).into_response(),
    })
}

/// A region of a map.
#[derive(Serialize, ToSchema)]
pub struct MapRegionOut {
    /// Province (`03`) or district (`0301`) code.
    pub code: String,
    pub name_en: String,
    pub name_lo: String,
    /// False for a province outside the caller's scope: no figure is
    /// computed there (`value` is null), which is not zero.
    pub in_scope: bool,
    /// False when no boundary is loaded for the region (it is not drawn;
    /// its figure is still here).
    pub has_boundary: bool,
    pub value: Option<FigureOut>,
    /// The case list behind the figure.
    pub cases_link: Option<String>,
}

/// A border crossing on a map, with the cases that went through it.
#[derive(Serialize, ToSchema)]
pub struct MapCrossingOut {
    pub id: String,
    pub name_en: String,
    pub name_lo: String,
    /// Null when the crossing has no coordinates (set them in the
    /// administration's geography).
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub cases: FigureOut,
}

/// The figures of a map.
#[derive(Serialize, ToSchema)]
pub struct MapOut {
    pub period: PeriodOut,
    pub measure: String,
    /// `province` (the national map) or `district` (one province's).
    pub level: String,
    /// The province whose districts are drawn.
    pub province: Option<String>,
    pub min_cell: i64,
    /// To be shown with any drawing of these boundaries.
    pub attribution: String,
    pub regions: Vec<MapRegionOut>,
    pub crossings: Vec<MapCrossingOut>,
}

fn map_out(f: &dcis_app::maps::MapFigures) -> MapOut {
    MapOut {
        period: f.period.into(),
        measure: f.measure.as_str().to_owned(),
        level: if f.province.is_some() {
            "district".into()
        } else {
            "province".into()
        },
        province: f.province.map(|p| p.as_str().to_owned()),
        min_cell: f.min_cell,
        attribution: dcis_domain::boundary::ATTRIBUTION.to_owned(),
        regions: f
            .regions
            .iter()
            .map(|r| MapRegionOut {
                code: r.code.as_str().to_owned(),
                name_en: r.name_en.clone(),
                name_lo: r.name_lo.clone(),
                in_scope: r.figure.is_some(),
                has_boundary: r.shape.is_some(),
                value: r.figure.map(Into::into),
                cases_link: r
                    .figure
                    .is_some()
                    .then(|| dcis_app::maps::region_link(f, r.code)),
            })
            .collect(),
        crossings: f
            .crossings
            .iter()
            .map(|c| MapCrossingOut {
                id: c.id.clone(),
                name_en: c.name_en.clone(),
                name_lo: c.name_lo.clone(),
                latitude: c.coordinates.map(|x| x.lat()),
                longitude: c.coordinates.map(|x| x.lon()),
                cases: c.cases.into(),
            })
            .collect(),
    }
}

/// A measure by province over the caller's scope (provinces outside it
/// are listed with `in_scope` false and no value), or by district for
/// the province given in `province`; with the border crossings' numbers
/// of cases. Figures from fewer than `min_cell` cases are hidden, as
/// everywhere in analysis.
#[utoipa::path(get, path = "/stats/map", tag = "analysis", operation_id = "stats_map", params(StatsParams),
    responses((status = 200, description = "The map's figures", body = MapOut)))]
async fn map(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<StatsParams>,
) -> Result<Json<MapOut>, ApiError> {
    let req = q.parse(&s.app)?;
    let f = s.app.map(&a.actor, &req).await?;
    Ok(Json(map_out(&f)))
}

/// The same map drawn as SVG by the server (no tiles, works offline), in
/// the caller's language: regions coloured in up to five classes, a
/// legend, hover titles, links to the case lists, the border crossings
/// and the boundaries' attribution.
#[utoipa::path(get, path = "/stats/map.svg", tag = "analysis", operation_id = "stats_map_svg", params(StatsParams),
    responses((status = 200, description = "The map", content_type = "image/svg+xml", body = String)))]
async fn map_svg(
    State(s): State<AppState>,
    Caller(a): Caller,
    axum::Extension(viewer): axum::Extension<crate::auth::Viewer>,
    Query(q): Query<StatsParams>,
) -> Result<Response, ApiError> {
    let req = q.parse(&s.app)?;
    let f = s.app.map(&a.actor, &req).await?;
    let svg = dcis_app::maps::map_svg(&f, &s.catalogue, viewer.lang);
    let mut r = svg.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml; charset=utf-8"),
    );
    Ok(r)
}
