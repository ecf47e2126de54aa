//! The analysis pages: the dashboard, the pivot table and the trend
//! charts. They show what `dcis_app::stats` computes (suppression
//! included) and nothing else; the figures' downloads are the API's
//! (`/api/v1/stats/…`), reached with the session.

use super::{html, Ctx};
use crate::api::stats::{default_period, StatsParams, SPLITS};
use crate::auth::{urlencode, CurrentUser};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use dcis_app::stats::{Compared, Figure, Pivot, Trend, SUBSTANCE_MEASURES};
use dcis_app::AppError;
use dcis_domain::geo::ProvinceCode;
use dcis_domain::role::{GeoScope, Permission};
use dcis_domain::stats::{Group, Measure, Month, StatDim, TimeGrain};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/analysis/pivot", get(pivot))
        .route("/analysis/trends", get(trends))
        .route("/analysis/map", get(map_page))
}

/// How keys of each dimension are shown: names from the reference data
/// and the catalogue, in the viewer's language.
struct Labels {
    tr: Tr,
    provinces: HashMap<String, String>,
    districts: HashMap<String, String>,
    agencies: HashMap<String, String>,
    crossings: HashMap<String, String>,
}

impl Labels {
    async fn load(s: &AppState, tr: &Tr) -> Result<Self, AppError> {
        let lao = tr.code() == "lo";
        let provinces = s
            .app
            .store
            .provinces()
            .await?
            .into_iter()
            .map(|(p, _)| {
                let name = if lao { p.name_lo } else { p.name_en };
                (p.code.as_str().to_owned(), name)
            })
            .collect();
        let districts = s
            .app
            .store
            .all_districts()
            .await?
            .into_iter()
            .map(|d| {
                let name = if lao { d.name_lo } else { d.name_en };
                (d.code.as_str().to_owned(), name)
            })
            .collect();
        let agencies = s
            .app
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id.to_string(), o.code.as_str().to_owned()))
            .collect();
        let crossings = s
            .app
            .store
            .border_crossings()
            .await?
            .into_iter()
            .map(|c| {
                let name = if lao { c.name_lo } else { c.name_en };
                (c.id.to_string(), name.as_str().to_owned())
            })
            .collect();
        Ok(Self {
            tr: tr.clone(),
            provinces,
            districts,
            agencies,
            crossings,
        })
    }

    fn key(&self, g: Group, k: &str) -> String {
        let named = |m: &HashMap<String, String>| m.get(k).cloned().unwrap_or_else(|| k.to_owned());
        match g {
            Group::Time(_) => k.to_owned(),
            Group::Dim(d) => match d {
                StatDim::Province => named(&self.provinces),
                StatDim::District => named(&self.districts),
                StatDim::Agency => named(&self.agencies),
                StatDim::BorderCrossing => named(&self.crossings),
                StatDim::Substance => self.tr.substance(k),
                StatDim::Price => match k.split_once(' ') {
                    Some((sub, unit)) => format!("{} · {unit}", self.tr.substance(sub)),
                    None => k.to_owned(),
                },
                StatDim::Sex => self.tr.choice("sex", k),
                StatDim::Role => self.tr.choice("person-role", k),
                StatDim::AgeGroup => self.tr.choice("stats-age", k),
                StatDim::DetectionMethod => self.tr.choice("detection", k),
                StatDim::TransportMode => self.tr.choice("transport", k),
                StatDim::Nationality if k == dcis_domain::stats::UNKNOWN => {
                    self.tr.t("stats-unknown")
                }
                StatDim::Nationality | StatDim::Route | StatDim::TabletLogo => k.to_owned(),
            },
        }
    }
}

/// A figure as text: grouped digits, `<3` when hidden, a dash when there
/// is nothing.
fn show(f: Figure, m: Measure, min_cell: i64) -> String {
    match f {
        Figure::Value(v) => group_digits(&dcis_app::stats::format_value(v, m)),
        Figure::Suppressed => format!("<{min_cell}"),
        Figure::None => "—".into(),
    }
}

fn group_digits(s: &str) -> String {
    let (neg, s) = s.strip_prefix('-').map(|r| (true, r)).unwrap_or((false, s));
    let (int, frac) = s
        .split_once('.')
        .map(|(i, f)| (i, Some(f)))
        .unwrap_or((s, None));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

fn change(c: &Compared, earlier: Figure) -> String {
    c.change(earlier)
        .map(|p| format!("{}{:.0} %", if p > 0.0 { "+" } else { "" }, p))
        .unwrap_or_default()
}

/// A figure with its comparisons, as text.
pub struct TileView {
    pub label: String,
    pub now: String,
    pub previous: String,
    pub change_previous: String,
    pub year_before: String,
    pub change_year: String,
    /// The case list behind the figure.
    pub link: String,
}

pub struct BreakdownView {
    pub title: String,
    pub rows: Vec<TileView>,
}

pub struct SubstanceRow {
    pub label: String,
    pub link: String,
    /// One per [`SUBSTANCE_MEASURES`]: now, change vs previous, change vs a year before.
    pub cells: Vec<(String, String, String)>,
}

pub struct TopView {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

/// The data of one chart, as JSON for `analysis.js`.
pub struct ChartView {
    pub id: String,
    pub title: String,
    pub json: String,
    pub csv: String,
}

fn chart(id: &str, title: String, t: &Trend, labels: &Labels, csv: String) -> ChartView {
    let split = t.split.map(Group::Dim);
    let series: Vec<serde_json::Value> = t
        .series
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": match split { Some(g) => labels.key(g, &s.key), None => labels.tr.t(&format!("stats-measure-{}", t.measure.as_str().replace('_', "-"))) },
                "values": s.values.iter().map(|f| f.value()).collect::<Vec<_>>(),
                "hidden": s.values.iter().map(|f| *f == Figure::Suppressed).collect::<Vec<_>>(),
                "baseline": s.baseline,
            })
        })
        .collect();
    let json = serde_json::json!({
        "labels": t.labels,
        "series": series,
        "hiddenText": format!("<{}", t.min_cell),
        "baselineName": labels.tr.t("stats-baseline"),
        "svgName": labels.tr.t("stats-download-svg"),
        "pngName": labels.tr.t("stats-download-png"),
    })
    .to_string()
    // Inside <script type="application/json">: no closing tag can appear.
    .replace("</", "<\\/");
    ChartView {
        id: id.to_owned(),
        title,
        json,
        csv,
    }
}

/// The query string of the API for the same figures.
fn api_query(p: &StatsParams, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            pairs.push((k.to_owned(), v.to_owned()));
        }
    };
    add("period", &p.period);
    add("from", &p.from);
    add("to", &p.to);
    add("province", &p.province);
    add("agency", &p.agency);
    add("substance", &p.substance);
    add("filter", &p.filter);
    add("group", &p.group);
    add("measure", &p.measure);
    add("grain", &p.grain);
    add("split", &p.split);
    for (k, v) in extra {
        pairs.push(((*k).to_owned(), (*v).to_owned()));
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The choices of the period picker: the last twelve months, the last
/// eight quarters and the last ten years.
pub(crate) fn period_choices(today: Month) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for y in 0..10 {
        if let Some(m) = today.plus(-12 * y) {
            let v = TimeGrain::Year.label(m);
            out.push((v.clone(), v));
        }
    }
    for q in 0..8 {
        if let Some(m) = today.plus(-3 * q) {
            let v = TimeGrain::Quarter.label(m);
            out.push((v.clone(), v));
        }
    }
    for i in 1..=12 {
        if let Some(m) = today.plus(-i) {
            out.push((m.to_string(), m.to_string()));
        }
    }
    out
}

pub(crate) fn this_month(s: &AppState) -> Month {
    let d = s.app.local_now().date();
    Month::new(u16::try_from(d.year()).unwrap_or(2000), u8::from(d.month()))
        .unwrap_or_else(|| default_period(&s.app).to)
}

/// The provinces the user may choose (their scope).
async fn scope_provinces(
    s: &AppState,
    cu: &CurrentUser,
    labels: &Labels,
) -> Result<Vec<(String, String)>, AppError> {
    let all = s.app.store.provinces().await?;
    Ok(all
        .into_iter()
        .filter(|(p, _)| match &cu.auth.actor.scope {
            GeoScope::National => true,
            sc @ GeoScope::Provinces(_) => sc.covers(p.code),
        })
        .map(|(p, _)| {
            let c = p.code.as_str().to_owned();
            (c.clone(), labels.key(Group::Dim(StatDim::Province), &c))
        })
        .collect())
}

fn require_analyse(cu: &CurrentUser) -> Result<(), PageError> {
    cu.auth
        .actor
        .require(Permission::Analyse)
        .map_err(AppError::from)?;
    Ok(())
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    period_label: String,
    period_value: String,
    from: String,
    to: String,
    province: String,
    provinces: Vec<(String, String)>,
    choices: Vec<(String, String)>,
    compared_to: String,
    empty: bool,
    totals: Vec<TileView>,
    substance_heads: Vec<String>,
    substances: Vec<SubstanceRow>,
    persons: Vec<BreakdownView>,
    top: Vec<TopView>,
    charts: Vec<ChartView>,
    /// The national map of cases for the period (SVG from `dcis_render`).
    map_svg: String,
    map_link: String,
    purity: Vec<(String, String, String)>,
    prices: Vec<(String, String, String)>,
}

/// The path and query of the request, so that switching the language
/// comes back to the same figures.
fn here(uri: &OriginalUri) -> String {
    uri.0
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| uri.0.path().to_owned())
}

async fn dashboard(
    State(s): State<AppState>,
    cu: CurrentUser,
    uri: OriginalUri,
    Query(q): Query<StatsParams>,
) -> Result<Response, PageError> {
    require_analyse(&cu)?;
    let ctx = Ctx::for_user(&cu, &here(&uri), "analysis");
    let req = q.parse(&s.app)?;
    let period = req.query.period;
    let province = match q
        .province
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(ProvinceCode::parse(p).map_err(AppError::from)?),
        None => None,
    };
    let a = &cu.auth.actor;
    let d = s.app.dashboard(a, period, province).await?;
    let labels = Labels::load(&s, &ctx.tr).await?;
    let mc = d.min_cell;
    let list_link = |extra: &str| {
        let mut l = format!(
            "/cases?from={}&to={}",
            period.from.first_day(),
            period.to.last_day()
        );
        if let Some(p) = province {
            l.push_str(&format!("&province={}", p.as_str()));
        }
        l.push_str(extra);
        l
    };
    let tile = |label: String, m: Measure, c: &Compared, link: String| TileView {
        label,
        now: show(c.now, m, mc),
        previous: show(c.previous, m, mc),
        change_previous: change(c, c.previous),
        year_before: show(c.year_before, m, mc),
        change_year: change(c, c.year_before),
        link,
    };
    let totals = d
        .totals
        .iter()
        .map(|(m, c)| {
            tile(
                ctx.t(&format!("stats-measure-{}", m.as_str().replace('_', "-"))),
                *m,
                c,
                list_link(""),
            )
        })
        .collect();
    let substances = d
        .substances
        .iter()
        .map(|(k, row)| SubstanceRow {
            label: labels.key(Group::Dim(StatDim::Substance), k),
            link: list_link(&format!("&substance={}", urlencode(k))),
            cells: row
                .iter()
                .map(|(m, c)| {
                    (
                        show(c.now, *m, mc),
                        change(c, c.previous),
                        change(c, c.year_before),
                    )
                })
                .collect(),
        })
        .collect();
    let persons = d
        .persons
        .iter()
        .map(|(dim, rows)| BreakdownView {
            title: ctx.t(&format!("stats-dim-{}", dim.as_str().replace('_', "-"))),
            rows: rows
                .iter()
                .map(|c| {
                    tile(
                        labels.key(Group::Dim(*dim), &c.key),
                        Measure::Persons,
                        c,
                        list_link(""),
                    )
                })
                .collect(),
        })
        .collect();
    let top = d
        .top
        .iter()
        .map(|(dim, rows)| TopView {
            title: ctx.t(&format!("stats-top-{}", dim.as_str().replace('_', "-"))),
            rows: rows
                .iter()
                .map(|(k, f)| {
                    (
                        labels.key(Group::Dim(*dim), k),
                        show(*f, Measure::Cases, mc),
                    )
                })
                .collect(),
        })
        .collect();
    // Cases by month over the period, with the seasonal baseline.
    let trend_params = StatsParams {
        from: Some(period.from.to_string()),
        to: Some(period.to.to_string()),
        province: province.map(|p| p.as_str().to_owned()),
        measure: Some("cases".into()),
        grain: Some("month".into()),
        ..StatsParams::default()
    };
    let trend_req = trend_params.parse(&s.app)?;
    let t = s.app.trend(a, &trend_req, TimeGrain::Month, None).await?;
    let charts = vec![chart(
        "chart-cases",
        ctx.t("stats-chart-cases"),
        &t,
        &labels,
        format!(
            "/api/v1/stats/trends?{}",
            api_query(&trend_params, &[("format", "csv")])
        ),
    )];
    let over_time = |table: &dcis_app::stats::Table, m: Measure| -> Vec<(String, String, String)> {
        table
            .cells
            .iter()
            .map(|c| {
                let keys: Vec<&str> = c.keys.iter().map(String::as_str).collect();
                (
                    labels.key(table.query.group[0], &c.keys[0]),
                    c.keys[1].clone(),
                    show(table.figure(&keys, m), m, mc),
                )
            })
            .collect()
    };
    let page = DashboardPage {
        period_label: format!("{} – {}", period.from, period.to),
        period_value: q.period.clone().unwrap_or_default(),
        from: period.from.to_string(),
        to: period.to.to_string(),
        province: province.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        provinces: scope_provinces(&s, &cu, &labels).await?,
        choices: period_choices(this_month(&s)),
        compared_to: match (d.previous, d.year_before) {
            (Some(p), Some(y)) => ctx.tr.message(
                "stats-compared-to",
                &[
                    ("previous", &format!("{} – {}", p.from, p.to)),
                    ("year", &format!("{} – {}", y.from, y.to)),
                ],
            ),
            _ => String::new(),
        },
        empty: d.is_empty(),
        totals,
        substance_heads: SUBSTANCE_MEASURES
            .iter()
            .map(|m| ctx.t(&format!("stats-measure-{}", m.as_str().replace('_', "-"))))
            .collect(),
        substances,
        persons,
        top,
        charts,
        map_svg: dashboard_map(&s, &cu, &ctx.tr, period).await?,
        map_link: format!("/analysis/map?from={}&to={}", period.from, period.to),
        purity: over_time(&d.purity, Measure::PurityMean),
        prices: over_time(&d.prices, Measure::PriceMean),
        ctx,
    };
    Ok(html(&page))
}

/// The choices of an axis or measure select: (value, label).
fn axis_choices(ctx: &Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = TimeGrain::ALL
        .iter()
        .map(|g| {
            (
                g.as_str().to_owned(),
                ctx.t(&format!("stats-grain-{}", g.as_str())),
            )
        })
        .collect();
    out.extend(StatDim::ALL.iter().map(|d| {
        (
            d.as_str().to_owned(),
            ctx.t(&format!("stats-dim-{}", d.as_str().replace('_', "-"))),
        )
    }));
    out
}

fn measure_choices(ctx: &Ctx) -> Vec<(String, String)> {
    Measure::ALL
        .iter()
        .map(|m| {
            (
                m.as_str().to_owned(),
                ctx.t(&format!("stats-measure-{}", m.as_str().replace('_', "-"))),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pivot.html")]
struct PivotPage {
    ctx: Ctx,
    p: FormView,
    axes: Vec<(String, String)>,
    measures: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    /// Three axis selects' chosen values.
    chosen: Vec<String>,
    heads: Vec<String>,
    columns: Vec<String>,
    rows: Vec<(Vec<String>, Vec<String>)>,
    source_raw: bool,
    empty: bool,
    xlsx: String,
    csv: String,
    errors: Vec<String>,
}

impl PivotPage {
    fn is_chosen(&self, i: &usize, v: &str) -> bool {
        self.chosen.get(*i).is_some_and(|c| c == v)
    }
}

/// The form's values for re-display.
struct FormView {
    period: String,
    from: String,
    to: String,
    province: String,
    substance: String,
    filter: String,
    measure: String,
    grain: String,
    split: String,
}

impl FormView {
    fn of(q: &StatsParams) -> Self {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            period: s(&q.period),
            from: s(&q.from),
            to: s(&q.to),
            province: s(&q.province),
            substance: s(&q.substance),
            filter: s(&q.filter),
            measure: s(&q.measure),
            grain: s(&q.grain),
            split: s(&q.split),
        }
    }
}

/// The error messages of invalid input, to show above the form.
fn error_lines(ctx: &Ctx, e: &AppError) -> Option<Vec<String>> {
    match e {
        AppError::Validation(fe) => Some(
            fe.0.iter()
                .map(|e| {
                    let a: Vec<(&str, &str)> =
                        e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    format!(
                        "{}: {}",
                        ctx.t(&format!("field-{}", e.field.replace('_', "-"))),
                        ctx.tr.message(e.key, &a)
                    )
                })
                .collect(),
        ),
        _ => None,
    }
}

async fn pivot(
    State(s): State<AppState>,
    cu: CurrentUser,
    uri: OriginalUri,
    Query(mut q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require_analyse(&cu)?;
    let ctx = Ctx::for_user(&cu, &here(&uri), "analysis");
    let labels = Labels::load(&s, &ctx.tr).await?;
    // The three axis selects: rows, sub-rows, columns.
    let chosen: Vec<String> = (1..=3)
        .map(|i| q.remove(&format!("axis{i}")).unwrap_or_default())
        .collect();
    let chosen = if chosen.iter().all(String::is_empty) {
        vec!["substance".into(), String::new(), "year".into()]
    } else {
        chosen
    };
    let get = |k: &str| q.get(k).cloned().filter(|v| !v.trim().is_empty());
    let params = StatsParams {
        period: get("period"),
        from: get("from"),
        to: get("to"),
        province: get("province"),
        substance: get("substance"),
        filter: get("filter"),
        measure: get("measure"),
        group: Some(
            chosen
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(","),
        ),
        ..StatsParams::default()
    };
    let mut page = PivotPage {
        p: FormView::of(&params),
        axes: axis_choices(&ctx),
        measures: measure_choices(&ctx),
        provinces: scope_provinces(&s, &cu, &labels).await?,
        chosen,
        heads: Vec::new(),
        columns: Vec::new(),
        rows: Vec::new(),
        source_raw: false,
        empty: false,
        xlsx: format!(
            "/api/v1/stats/table?{}",
            api_query(&params, &[("format", "xlsx")])
        ),
        csv: format!(
            "/api/v1/stats/table?{}",
            api_query(&params, &[("format", "csv")])
        ),
        errors: Vec::new(),
        ctx,
    };
    let result = match params.parse(&s.app) {
        Ok(req) => s
            .app
            .stats(&cu.auth.actor, &req.query)
            .await
            .map(|t| (req, t)),
        Err(e) => Err(e),
    };
    match result {
        Ok((req, t)) => {
            let pv = Pivot::of(&t, req.measure);
            let groups = &req.query.group;
            page.heads = groups
                .iter()
                .take(pv.row_axes)
                .map(|g| {
                    page.ctx.t(&format!(
                        "stats-{}-{}",
                        if matches!(g, Group::Time(_)) {
                            "grain"
                        } else {
                            "dim"
                        },
                        g.as_str().replace('_', "-")
                    ))
                })
                .collect();
            let col_axis = (groups.len() > 1).then(|| groups[groups.len() - 1]);
            page.columns = pv
                .columns
                .iter()
                .map(|c| match col_axis {
                    Some(g) => labels.key(g, c),
                    None => page.ctx.t(&format!(
                        "stats-measure-{}",
                        req.measure.as_str().replace('_', "-")
                    )),
                })
                .collect();
            page.rows = pv
                .rows
                .iter()
                .map(|(keys, figs)| {
                    (
                        keys.iter()
                            .enumerate()
                            .map(|(i, k)| labels.key(groups[i], k))
                            .collect(),
                        figs.iter()
                            .map(|f| show(*f, req.measure, t.min_cell))
                            .collect(),
                    )
                })
                .collect();
            page.source_raw = req.query.source() == dcis_store::StatsSource::Raw;
            page.empty = t.is_empty();
        }
        Err(e) => match error_lines(&page.ctx, &e) {
            Some(lines) => page.errors = lines,
            None => return Err(e.into()),
        },
    }
    Ok(html(&page))
}

#[derive(Template)]
#[template(path = "trends.html")]
struct TrendsPage {
    ctx: Ctx,
    p: FormView,
    measures: Vec<(String, String)>,
    grains: Vec<(String, String)>,
    splits: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    chart: Option<ChartView>,
    empty: bool,
    errors: Vec<String>,
}

async fn trends(
    State(s): State<AppState>,
    cu: CurrentUser,
    uri: OriginalUri,
    Query(mut params): Query<StatsParams>,
) -> Result<Response, PageError> {
    require_analyse(&cu)?;
    let ctx = Ctx::for_user(&cu, &here(&uri), "analysis");
    let labels = Labels::load(&s, &ctx.tr).await?;
    if params.from.as_deref().unwrap_or("").is_empty()
        && params.period.as_deref().unwrap_or("").is_empty()
    {
        // Three years by month by default.
        let to = this_month(&s).plus(-1);
        params.from = to.and_then(|t| t.plus(-35)).map(|m| m.to_string());
        params.to = to.map(|m| m.to_string());
    }
    let mut page = TrendsPage {
        p: FormView::of(&params),
        measures: measure_choices(&ctx),
        grains: TimeGrain::ALL
            .iter()
            .map(|g| {
                (
                    g.as_str().to_owned(),
                    ctx.t(&format!("stats-grain-{}", g.as_str())),
                )
            })
            .collect(),
        splits: SPLITS
            .iter()
            .map(|d| {
                (
                    d.as_str().to_owned(),
                    ctx.t(&format!("stats-dim-{}", d.as_str().replace('_', "-"))),
                )
            })
            .collect(),
        provinces: scope_provinces(&s, &cu, &labels).await?,
        chart: None,
        empty: false,
        errors: Vec::new(),
        ctx,
    };
    let result = async {
        let req = params.parse(&s.app)?;
        let (grain, split) = params.trend_axes()?;
        let t = s.app.trend(&cu.auth.actor, &req, grain, split).await?;
        Ok::<_, AppError>((req, t))
    }
    .await;
    match result {
        Ok((req, t)) => {
            page.empty = t.series.iter().all(|s| {
                s.values
                    .iter()
                    .all(|v| matches!(v, Figure::Value(x) if *x == 0.0) || *v == Figure::None)
            });
            let title = page.ctx.t(&format!(
                "stats-measure-{}",
                req.measure.as_str().replace('_', "-")
            ));
            page.chart = Some(chart(
                "chart-trend",
                title,
                &t,
                &labels,
                format!(
                    "/api/v1/stats/trends?{}",
                    api_query(&params, &[("format", "csv")])
                ),
            ));
        }
        Err(e) => match error_lines(&page.ctx, &e) {
            Some(lines) => page.errors = lines,
            None => return Err(e.into()),
        },
    }
    Ok(html(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits("1234567.500"), "1,234,567.500");
        assert_eq!(group_digits("999"), "999");
        assert_eq!(group_digits("-1000"), "-1,000");
        assert_eq!(show(Figure::Suppressed, Measure::Cases, 3), "<3");
        assert_eq!(show(Figure::None, Measure::PurityMean, 3), "—");
    }

    #[test]
    fn period_choices_name_years_quarters_and_months() {
        let c = period_choices(Month::parse("m", "2026-05").unwrap());
        assert_eq!(c[0].0, "2026");
        assert!(c.iter().any(|x| x.0 == "2025-Q3"));
        assert!(c.iter().any(|x| x.0 == "2026-04"));
        assert!(!c.iter().any(|x| x.0 == "2026-05"));
    }

    #[test]
    fn period_in_api_queries() {
        let p = StatsParams {
            period: Some("2025".into()),
            substance: Some("METH_TABLET".into()),
            ..StatsParams::default()
        };
        assert_eq!(
            api_query(&p, &[("format", "csv")]),
            "period=2025&substance=METH_TABLET&format=csv"
        );
    }
}

/// A region's row beside the map: name, value, the list behind it.
struct MapRow {
    code: String,
    name: String,
    value: String,
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    ctx: Ctx,
    p: FormView,
    period_value: String,
    choices: Vec<(String, String)>,
    measures: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    errors: Vec<String>,
    /// The drawing (built by `dcis_render` from escaped text).
    svg: String,
    svg_link: String,
    notes: Vec<String>,
    rows: Vec<MapRow>,
    measure_label: String,
}

/// The national map of cases (by province) for the dashboard's period,
/// as SVG in the viewer's language.
async fn dashboard_map(
    s: &AppState,
    cu: &CurrentUser,
    tr: &Tr,
    period: dcis_domain::stats::Period,
) -> Result<String, AppError> {
    let req = dcis_app::stats::StatsRequest {
        query: dcis_store::StatsQuery {
            period,
            filters: Vec::new(),
            group: Vec::new(),
        },
        measure: Measure::Cases,
    };
    let f = s.app.map(&cu.auth.actor, &req).await?;
    Ok(dcis_app::maps::map_svg(&f, &s.catalogue, tr.lang))
}

async fn map_page(
    State(s): State<AppState>,
    cu: CurrentUser,
    uri: OriginalUri,
    Query(params): Query<StatsParams>,
) -> Result<Response, PageError> {
    require_analyse(&cu)?;
    let ctx = Ctx::for_user(&cu, &here(&uri), "analysis");
    let labels = Labels::load(&s, &ctx.tr).await?;
    let mut page = MapPage {
        p: FormView::of(&params),
        period_value: params.period.clone().unwrap_or_default(),
        choices: period_choices(this_month(&s)),
        measures: measure_choices(&ctx),
        provinces: scope_provinces(&s, &cu, &labels).await?,
        errors: Vec::new(),
        svg: String::new(),
        svg_link: format!("/api/v1/stats/map.svg?{}", api_query(&params, &[])),
        notes: Vec::new(),
        rows: Vec::new(),
        measure_label: String::new(),
        ctx,
    };
    let result = async {
        let req = params.parse(&s.app)?;
        let f = s.app.map(&cu.auth.actor, &req).await?;
        Ok::<_, AppError>(f)
    }
    .await;
    match result {
        Ok(f) => {
            let lang = page.ctx.tr.lang;
            page.svg = dcis_app::maps::map_svg(&f, &s.catalogue, lang);
            page.notes = dcis_app::maps::map_notes(&f, &s.catalogue, lang);
            page.measure_label = page.ctx.t(&format!(
                "stats-measure-{}",
                f.measure.as_str().replace('_', "-")
            ));
            if page.p.period.is_empty() && page.p.from.is_empty() {
                page.p.from = f.period.from.to_string();
                page.p.to = f.period.to.to_string();
            }
            let no_data = page.ctx.t("map-no-data");
            page.rows = f
                .regions
                .iter()
                .map(|r| MapRow {
                    code: r.code.as_str().to_owned(),
                    name: r.name(lang).to_owned(),
                    value: match r.figure {
                        Some(fig) => {
                            dcis_app::maps::figure_text(fig, f.measure, f.min_cell, &no_data)
                        }
                        None => page.ctx.t("map-outside-scope"),
                    },
                    link: r
                        .figure
                        .is_some()
                        .then(|| dcis_app::maps::region_link(&f, r.code)),
                })
                .collect();
        }
        Err(e) => match error_lines(&page.ctx, &e) {
            Some(lines) => page.errors = lines,
            None => return Err(e.into()),
        },
    }
    Ok(html(&page))
}
