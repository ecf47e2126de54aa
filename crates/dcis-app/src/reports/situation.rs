//! The situation report: the figures of a period (a month by default) over a scope (the
//! user's, or one province of it), with the change against the previous period and a year
//! before, trend charts over the twelve months ending with the period, the alerts raised for
//! the period, in English or Lao (`docs/reports.md`, "Situation report").
//!
//! - **Who**: an actor with the analysis permission; figures follow [`StatsScope`] and its
//!   small-cell suppression exactly as on the dashboard, because they *are* the dashboard's
//!   ([`App::dashboard`], [`App::trend`]): nothing is computed here. A province outside the
//!   actor's scope is refused (403, `denied-outside-scope`).
//! - **What**: [`SituationReport`] holds the figures; [`document`] lays them out in a language
//!   as a [`dcis_render::pdf::Document`], which the web page shows as HTML (with a print
//!   stylesheet) and [`App::situation_file`] writes as a PDF; `situation_json.rs` is the JSON.
//! - **Audit**: each PDF or JSON file made is one `event` on the entity type `report`
//!   (`situation_generated`), like the ARQ's files. Viewing the HTML page is not audited: it
//!   is the dashboard's figures on a page, and the dashboard's views are not audited either.

use super::{ReportFile, ReportFormat, REPORT_ENTITY};
use crate::alerts::AlertView;
use crate::error::AppError;
use crate::maps::{map_svg, MapFigures};
use crate::stats::{Compared, Dashboard, Figure, StatsRequest, Trend};
use crate::App;
use dcis_domain::alert::{subject_pairs, AlertRule};
use dcis_domain::geo::{Province, ProvinceCode};
use dcis_domain::stats::{Measure, Month, Period, StatDim, TimeGrain};
use dcis_domain::user::Language;
use dcis_domain::{FieldError, FieldErrors};
use dcis_i18n::Catalogue;
use dcis_policy::alerts::AlertScope;
use dcis_policy::stats::StatsScope;
use dcis_policy::Actor;
use dcis_render::chart::{bar_chart, line_chart, Bar, BarChart, Line, LineChart};
use dcis_render::pdf::{Block, Document, Figure as Drawing, Table};
use dcis_store::{AlertFilter, StatsQuery};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use time::{OffsetDateTime, PrimitiveDateTime};

/// How many months the trend charts cover, ending with the report's last month.
pub const TREND_MONTHS: i32 = 12;
/// How many substances the substance trend draws (the largest by cases).
pub const TREND_SUBSTANCES: usize = 4;
/// How many bars a chart of a breakdown draws.
const BARS: usize = 10;

/// What a situation report is asked for: a period and, inside the actor's scope, perhaps one
/// province.
#[derive(Debug, Clone, PartialEq)]
pub struct SituationRequest {
    pub period: Period,
    pub province: Option<ProvinceCode>,
}

impl SituationRequest {
    /// Parses the form's fields: a named period (`2025-04`, `2025-Q2`, `2025`), or `from` and
    /// `to` months, or nothing for `default`; a province code or nothing. Every error is
    /// collected.
    pub fn parse(
        period: &str,
        from: &str,
        to: &str,
        province: &str,
        default: Period,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let period = if !period.trim().is_empty() {
            e.take(Period::parse_named(period))
        } else if from.trim().is_empty() && to.trim().is_empty() {
            Some(default)
        } else {
            let f = e.take(Month::parse("from", from));
            let t = e.take(Month::parse("to", to));
            match (f, t) {
                (Some(f), Some(t)) => e.take(Period::new(f, t)),
                _ => None,
            }
        };
        let province = if province.trim().is_empty() {
            None
        } else {
            e.take(ProvinceCode::parse(province))
        };
        match period {
            Some(period) if e.is_empty() => Ok(Self { period, province }),
            _ => Err(e),
        }
    }
}

/// The last month that is over on `today` (the month before today's).
pub fn last_complete_month(today: time::Date) -> Option<Month> {
    Month::new(u16::try_from(today.year()).ok()?, u8::from(today.month()))?.plus(-1)
}

/// The month of `dcis report monthly --year Y [--month M]`: the month given, or without one
/// the last month of the year that is over (December for a past year). A month not over yet
/// is refused: its figures would be partial.
pub fn monthly_period(
    year: &str,
    month: Option<&str>,
    today: time::Date,
) -> Result<Period, FieldError> {
    let y: u16 = year
        .trim()
        .parse()
        .ok()
        .filter(|y| (1970..=9999).contains(y))
        .ok_or_else(|| FieldError::new("year", "err-report-year").with("value", year.trim()))?;
    let last = last_complete_month(today)
        .ok_or_else(|| FieldError::new("year", "err-report-year").with("value", year.trim()))?;
    let m = match month {
        Some(m) => {
            let n: u8 = m
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=12).contains(n))
                .ok_or_else(|| {
                    FieldError::new("month", "err-sitrep-month").with("value", m.trim())
                })?;
            Month::new(y, n).ok_or_else(|| {
                FieldError::new("month", "err-sitrep-month").with("value", m.trim())
            })?
        }
        None if y < last.year() => Month::new(y, 12)
            .ok_or_else(|| FieldError::new("year", "err-report-year").with("value", year.trim()))?,
        None if y == last.year() => last,
        None => {
            return Err(
                FieldError::new("year", "err-sitrep-no-complete-month").with("year", year.trim())
            )
        }
    };
    if m > last {
        return Err(FieldError::new("month", "err-sitrep-month-not-over")
            .with("month", m.to_string())
            .with("last", last.to_string()));
    }
    Period::new(m, m)
}

/// Whose figures the report shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Area {
    /// Every province.
    National,
    /// One province chosen.
    Province(Province),
    /// The provinces of a provincial scope, none chosen.
    Provinces(Vec<Province>),
}

/// A situation report's figures, ready to lay out in either language.
#[derive(Debug, Clone)]
pub struct SituationReport {
    pub period: Period,
    pub area: Area,
    pub generated_at: OffsetDateTime,
    pub generated_local: PrimitiveDateTime,
    pub generated_by: String,
    pub generated_by_name: String,
    pub installation: String,
    pub dashboard: Dashboard,
    /// Cases by month over the [`TREND_MONTHS`] months ending with the period, with the
    /// seasonal baseline.
    pub cases_trend: Trend,
    /// Cases by month of the [`TREND_SUBSTANCES`] largest substances over the same months.
    pub substance_trend: Trend,
    /// The alerts about a month of the period that the actor may see, newest first.
    pub alerts: Vec<AlertView>,
    /// Cases of the period by province (or, for one province, by district), for the map.
    pub map: MapFigures,
    pub provinces: BTreeMap<String, Province>,
    /// Border crossings' names (English, Lao) by id.
    pub crossings: BTreeMap<String, (String, String)>,
}

impl SituationReport {
    /// True when no case lies in the period and scope.
    pub fn is_empty(&self) -> bool {
        self.dashboard.is_empty()
    }

    /// `situation-LA-2025-04.pdf`, `situation-05-2025-01-2025-03.json`: ASCII.
    pub fn file_name(&self, format: ReportFormat) -> String {
        let area = match &self.area {
            Area::Province(p) => p.code.as_str().to_owned(),
            _ => "LA".to_owned(),
        };
        format!(
            "situation-{area}-{}.{}",
            period_text(&self.period),
            format.extension()
        )
    }
}

/// `2025-04`, or `2025-01–2025-03` (with a plain hyphen in file names).
pub fn period_text(p: &Period) -> String {
    if p.from == p.to {
        p.from.to_string()
    } else {
        format!("{}-{}", p.from, p.to)
    }
}

fn period_label(p: &Period) -> String {
    if p.from == p.to {
        p.from.to_string()
    } else {
        format!("{} – {}", p.from, p.to)
    }
}

impl App {
    /// Computes the situation report of a period over the actor's scope or one province of it.
    pub async fn situation_report(
        &self,
        actor: &Actor,
        req: &SituationRequest,
    ) -> Result<SituationReport, AppError> {
        let scope = StatsScope::for_actor(actor)?;
        if let Some(p) = req.province {
            scope.require_province(p)?;
        }
        let dashboard = self.dashboard(actor, req.period, req.province).await?;
        let filters: Vec<(StatDim, String)> = req
            .province
            .map(|p| vec![(StatDim::Province, p.as_str().to_owned())])
            .unwrap_or_default();
        let first = req
            .period
            .to
            .plus(1 - TREND_MONTHS)
            .unwrap_or(req.period.from);
        let window = Period::new(first, req.period.to)?;
        let trend_req = StatsRequest {
            query: StatsQuery {
                period: window,
                filters,
                group: Vec::new(),
            },
            measure: Measure::Cases,
        };
        let cases_trend = self
            .trend(actor, &trend_req, TimeGrain::Month, None)
            .await?;
        let map_req = StatsRequest {
            query: StatsQuery {
                period: req.period,
                filters: trend_req.query.filters.clone(),
                group: Vec::new(),
            },
            measure: Measure::Cases,
        };
        let map = self.map(actor, &map_req).await?;
        let mut substance_trend = self
            .trend(
                actor,
                &trend_req,
                TimeGrain::Month,
                Some(StatDim::Substance),
            )
            .await?;
        substance_trend.series.truncate(TREND_SUBSTANCES);

        let mut alerts = Vec::new();
        if AlertScope::of(actor).is_ok() {
            let filter = AlertFilter {
                province: req.province,
                period: Some(req.period),
                ..AlertFilter::default()
            };
            let page = 200;
            let mut offset = 0;
            loop {
                let (views, total) = self.alerts(actor, &filter, page, offset).await?;
                let n = views.len() as i64;
                alerts.extend(views);
                offset += n;
                if n == 0 || offset >= total {
                    break;
                }
            }
        }

        let provinces: BTreeMap<String, Province> = self
            .store
            .provinces()
            .await?
            .into_iter()
            .map(|(p, _)| (p.code.as_str().to_owned(), p))
            .collect();
        let crossings = self
            .store
            .border_crossings()
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.id.to_string(),
                    (c.name_en.as_str().to_owned(), c.name_lo.as_str().to_owned()),
                )
            })
            .collect();
        let named = |p: &ProvinceCode| provinces.get(p.as_str()).cloned();
        let area = match (req.province, scope.provinces()) {
            (Some(p), _) => Area::Province(named(&p).ok_or(AppError::NotFound)?),
            (None, None) => Area::National,
            (None, Some(ps)) => Area::Provinces(ps.iter().filter_map(named).collect()),
        };
        let user = self.store.user(actor.user).await?;
        let installation = self
            .store
            .installation()
            .await?
            .map(|(_, name)| name)
            .unwrap_or_default();
        Ok(SituationReport {
            period: req.period,
            area,
            generated_at: self.now(),
            generated_local: self.local_now(),
            generated_by: actor.username.as_str().to_owned(),
            generated_by_name: user
                .map(|u| u.user.display_name.as_str().to_owned())
                .unwrap_or_default(),
            installation,
            dashboard,
            cases_trend,
            substance_trend,
            alerts,
            map,
            provinces,
            crossings,
        })
    }

    /// The situation report as a PDF (in `lang`) or JSON file, its making audited as one
    /// `report` entry. `path` is the address or command it was asked by.
    pub async fn situation_file(
        &self,
        actor: &Actor,
        req: &SituationRequest,
        format: ReportFormat,
        lang: Language,
        path: &str,
        catalogue: &Catalogue,
    ) -> Result<ReportFile, AppError> {
        let report = self.situation_report(actor, req).await?;
        let bytes = match format {
            ReportFormat::Pdf => {
                let doc = document(&report, catalogue, lang);
                // Laying out and shaping is CPU work: off the async threads.
                tokio::task::spawn_blocking(move || dcis_render::pdf::render(&doc))
                    .await
                    .map_err(|e| AppError::Internal(format!("situation report: {e}")))?
                    .map_err(|e| AppError::Internal(format!("situation report: {e}")))?
            }
            ReportFormat::Json => {
                let doc = super::situation_json::document(&report);
                let mut v = serde_json::to_vec_pretty(&doc)
                    .map_err(|e| AppError::Internal(format!("situation report: json: {e}")))?;
                v.push(b'\n');
                v
            }
            ReportFormat::Xlsx => {
                return Err(FieldError::new("format", "err-report-format")
                    .with("value", "xlsx")
                    .into())
            }
        };
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let id = self.new_uuid();
        let mut w = self.write_as(actor).await?;
        w.event(
            REPORT_ENTITY,
            &id.to_string(),
            &serde_json::json!({
                "event": "situation_generated",
                "from": report.period.from.to_string(),
                "to": report.period.to.to_string(),
                "province": req.province.map(|p| p.as_str().to_owned()),
                "language": lang.as_str(),
                "format": format.extension(),
                "path": path,
                "bytes": bytes.len(),
                "sha256": sha256,
            }),
        )
        .await?;
        w.commit().await?;
        tracing::info!(user = %actor.username.as_str(), report = %id, period = %period_text(&report.period), format = format.extension(), "situation report generated");
        Ok(ReportFile {
            id,
            file_name: report.file_name(format),
            bytes,
            format,
            sha256,
        })
    }
}

/// A figure as text: grouped digits, `<3` when hidden, a dash when there is nothing.
pub fn show(f: Figure, m: Measure, min_cell: i64) -> String {
    match f {
        Figure::Value(v) => group_digits(&crate::stats::format_value(v, m)),
        Figure::Suppressed => format!("<{min_cell}"),
        Figure::None => "—".into(),
    }
}

/// `1234567.5` as `1,234,567.5`.
pub fn group_digits(s: &str) -> String {
    let (neg, s) = s.strip_prefix('-').map(|r| (true, r)).unwrap_or((false, s));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
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

/// The change against an earlier figure in per cent (`+12 %`), empty when either is hidden
/// or the earlier is zero.
pub fn change(c: &Compared, earlier: Figure) -> String {
    c.change(earlier)
        .map(|p| format!("{}{:.0} %", if p > 0.0 { "+" } else { "" }, p))
        .unwrap_or_default()
}

/// The words of a report in one language.
struct Words<'a> {
    cat: &'a Catalogue,
    lang: Language,
    r: &'a SituationReport,
}

impl Words<'_> {
    fn t(&self, key: &str) -> String {
        self.cat.t(self.lang, key)
    }

    fn msg(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.cat.message(self.lang, key, args)
    }

    fn choice(&self, prefix: &str, value: &str) -> String {
        self.t(&format!("{prefix}-{}", value.replace('_', "-")))
    }

    fn province(&self, code: &str) -> String {
        match self.r.provinces.get(code) {
            Some(p) if self.lang == Language::Lo => p.name_lo.clone(),
            Some(p) => p.name_en.clone(),
            None => code.to_owned(),
        }
    }

    fn area(&self) -> String {
        match &self.r.area {
            Area::National => self.t("sitrep-area-national"),
            Area::Province(p) => self.province(p.code.as_str()),
            Area::Provinces(ps) => {
                let names: Vec<String> =
                    ps.iter().map(|p| self.province(p.code.as_str())).collect();
                self.msg("sitrep-area-provinces", &[("names", &names.join(", "))])
            }
        }
    }

    /// A dimension's key as a reader should read it.
    fn key(&self, d: StatDim, k: &str) -> String {
        match d {
            StatDim::Province => self.province(k),
            StatDim::BorderCrossing => match self.r.crossings.get(k) {
                Some((en, lo)) => {
                    if self.lang == Language::Lo {
                        lo.clone()
                    } else {
                        en.clone()
                    }
                }
                None => k.to_owned(),
            },
            StatDim::Substance => self.cat.substance(self.lang, k),
            StatDim::Price => match k.split_once(' ') {
                Some((sub, unit)) => format!("{} · {unit}", self.cat.substance(self.lang, sub)),
                None => k.to_owned(),
            },
            StatDim::Sex => self.choice("sex", k),
            StatDim::Role => self.choice("person-role", k),
            StatDim::AgeGroup => self.choice("stats-age", k),
            StatDim::Nationality if k == dcis_domain::stats::UNKNOWN => self.t("stats-unknown"),
            _ => k.to_owned(),
        }
    }

    fn measure(&self, m: Measure) -> String {
        self.choice("stats-measure", m.as_str())
    }

    fn dim(&self, d: StatDim) -> String {
        self.choice("stats-dim", d.as_str())
    }
}

fn table(header: Vec<String>, rows: Vec<Vec<String>>, widths: &[f32], numeric: &[bool]) -> Block {
    Block::Table(Table {
        header,
        rows,
        widths: widths.to_vec(),
        numeric: numeric.to_vec(),
    })
}

fn figure(svg: String, alt: &str) -> Block {
    Block::Figure(Drawing {
        svg,
        alt: alt.to_owned(),
    })
}

/// The report laid out as a document in `lang`: the same blocks make the HTML page and the
/// PDF.
pub fn document(r: &SituationReport, cat: &Catalogue, lang: Language) -> Document {
    let w = Words { cat, lang, r };
    let d = &r.dashboard;
    let min = d.min_cell;
    let min_s = min.to_string();
    let period = period_label(&r.period);
    let area = w.area();
    let hidden_note = w.msg("sitrep-hidden-note", &[("min", &min_s)]);
    let date = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let mut blocks = Vec::new();

    // Key figures.
    blocks.push(Block::Heading(w.t("sitrep-key-figures")));
    let previous = d.previous.map(|p| period_label(&p)).unwrap_or_default();
    let year_before = d.year_before.map(|p| period_label(&p)).unwrap_or_default();
    if r.is_empty() {
        blocks.push(Block::Paragraph(
            w.msg("sitrep-empty", &[("area", &area), ("period", &period)]),
        ));
    } else {
        let head = vec![
            String::new(),
            period.clone(),
            previous.clone(),
            w.t("sitrep-change"),
            year_before.clone(),
            w.t("sitrep-change"),
        ];
        let rows = d
            .totals
            .iter()
            .map(|(m, c)| {
                vec![
                    w.measure(*m),
                    show(c.now, *m, min),
                    show(c.previous, *m, min),
                    change(c, c.previous),
                    show(c.year_before, *m, min),
                    change(c, c.year_before),
                ]
            })
            .collect();
        blocks.push(table(
            head,
            rows,
            &[2.2, 1.2, 1.2, 0.9, 1.2, 0.9],
            &[false, true, true, true, true, true],
        ));
        blocks.push(Block::Note(
            w.msg("sitrep-compared-note", &[("min", &min_s)]),
        ));
    }

    if !r.is_empty() {
        // Where: the map of the period's cases (the same drawing as /analysis/map).
        blocks.push(Block::Heading(w.t("sitrep-map")));
        blocks.push(figure(map_svg(&r.map, cat, lang), &w.t("sitrep-map")));

        // Seizures by substance.
        blocks.push(Block::Heading(w.t("sitrep-seizures")));
        let mut rows = Vec::new();
        let mut bars = Vec::new();
        for (code, ms) in &d.substances {
            let get = |m: Measure| ms.iter().find(|(x, _)| *x == m).map(|(_, c)| c);
            let cases = get(Measure::Cases);
            if cases.is_some_and(|c| c.now == Figure::Value(0.0)) {
                continue;
            }
            let cell = |m: Measure| {
                get(m)
                    .map(|c| match c.now {
                        Figure::Value(0.0) => String::new(),
                        f => show(f, m, min),
                    })
                    .unwrap_or_default()
            };
            let name = w.key(StatDim::Substance, code);
            rows.push(vec![
                name.clone(),
                cell(Measure::Cases),
                cases.map(|c| change(c, c.previous)).unwrap_or_default(),
                cell(Measure::MassG),
                cell(Measure::Tablets),
                cell(Measure::VolumeL),
            ]);
            if let Some(c) = cases {
                bars.push(Bar {
                    label: name,
                    value: c.now.value(),
                    text: show(c.now, Measure::Cases, min),
                });
            }
        }
        if rows.is_empty() {
            blocks.push(Block::Paragraph(w.t("sitrep-no-seizures")));
        } else {
            blocks.push(table(
                vec![
                    w.dim(StatDim::Substance),
                    w.measure(Measure::Cases),
                    w.t("sitrep-change-previous"),
                    w.measure(Measure::MassG),
                    w.measure(Measure::Tablets),
                    w.measure(Measure::VolumeL),
                ],
                rows,
                &[2.6, 0.9, 1.0, 1.3, 1.3, 1.0],
                &[false, true, true, true, true, true],
            ));
            blocks.push(Block::Note(w.t("sitrep-units-note")));
            bars.sort_by(|a, b| {
                b.value
                    .unwrap_or(-1.0)
                    .total_cmp(&a.value.unwrap_or(-1.0))
                    .then(a.label.cmp(&b.label))
            });
            bars.truncate(BARS);
            let title = w.t("sitrep-chart-substances");
            blocks.push(figure(
                bar_chart(&BarChart {
                    title: title.clone(),
                    bars,
                    hidden_note: hidden_note.clone(),
                }),
                &title,
            ));
        }

        // Persons.
        blocks.push(Block::Heading(w.t("sitrep-persons")));
        blocks.push(Block::Note(w.t("sitrep-persons-note")));
        for (dim, rows) in &d.persons {
            blocks.push(Block::Subheading(w.dim(*dim)));
            if rows.is_empty() {
                blocks.push(Block::Paragraph(w.t("sitrep-none")));
                continue;
            }
            let body = rows
                .iter()
                .map(|c| {
                    vec![
                        w.key(*dim, &c.key),
                        show(c.now, Measure::Persons, min),
                        show(c.previous, Measure::Persons, min),
                        show(c.year_before, Measure::Persons, min),
                    ]
                })
                .collect();
            blocks.push(table(
                vec![
                    w.dim(*dim),
                    period.clone(),
                    previous.clone(),
                    year_before.clone(),
                ],
                body,
                &[2.4, 1.0, 1.0, 1.0],
                &[false, true, true, true],
            ));
        }

        // Routes, border crossings, tablet logos.
        blocks.push(Block::Heading(w.t("sitrep-top")));
        for (dim, rows) in &d.top {
            blocks.push(Block::Subheading(w.choice("stats-top", dim.as_str())));
            if rows.is_empty() {
                blocks.push(Block::Paragraph(w.t("sitrep-none")));
                continue;
            }
            let body = rows
                .iter()
                .map(|(k, f)| vec![w.key(*dim, k), show(*f, Measure::Cases, min)])
                .collect();
            blocks.push(table(
                vec![w.dim(*dim), w.measure(Measure::Cases)],
                body,
                &[3.0, 1.0],
                &[false, true],
            ));
        }
    }

    // Trends: twelve months, whatever the period's data.
    blocks.push(Block::Heading(w.t("sitrep-trend")));
    let trend_has_data = r
        .cases_trend
        .series
        .iter()
        .any(|s| s.values.iter().any(|v| *v != Figure::Value(0.0)));
    if !trend_has_data {
        blocks.push(Block::Paragraph(
            w.msg("sitrep-trend-empty", &[("area", &area)]),
        ));
    } else {
        let labels = r.cases_trend.labels.clone();
        let mut lines = Vec::new();
        for s in &r.cases_trend.series {
            lines.push(Line {
                name: w.measure(Measure::Cases),
                values: s.values.iter().map(Figure::value).collect(),
                reference: false,
            });
            lines.push(Line {
                name: w.t("stats-baseline"),
                values: s.baseline.clone(),
                reference: true,
            });
        }
        let title = w.t("sitrep-chart-cases");
        blocks.push(figure(
            line_chart(&LineChart {
                title: title.clone(),
                labels: labels.clone(),
                lines,
                hidden_note: hidden_note.clone(),
            }),
            &title,
        ));
        blocks.push(Block::Note(w.t("stats-baseline-note")));
        if !r.substance_trend.series.is_empty() {
            let lines = r
                .substance_trend
                .series
                .iter()
                .map(|s| Line {
                    name: w.key(StatDim::Substance, &s.key),
                    values: s.values.iter().map(Figure::value).collect(),
                    reference: false,
                })
                .collect();
            let title = w.t("sitrep-chart-substance-trend");
            blocks.push(figure(
                line_chart(&LineChart {
                    title: title.clone(),
                    labels,
                    lines,
                    hidden_note: hidden_note.clone(),
                }),
                &title,
            ));
        }
    }

    if !r.is_empty() {
        // Purity and prices.
        blocks.push(Block::Heading(w.t("sitrep-purity-prices")));
        let mut rows = Vec::new();
        for c in &d.purity.cells {
            let keys: Vec<&str> = c.keys.iter().map(String::as_str).collect();
            if let [sub, month] = keys.as_slice() {
                rows.push(vec![
                    w.key(StatDim::Substance, sub),
                    (*month).to_owned(),
                    w.measure(Measure::PurityMean),
                    show(
                        d.purity.figure(&keys, Measure::PurityMean),
                        Measure::PurityMean,
                        min,
                    ),
                ]);
            }
        }
        for c in &d.prices.cells {
            let keys: Vec<&str> = c.keys.iter().map(String::as_str).collect();
            if let [price, month] = keys.as_slice() {
                let f = d.prices.figure(&keys, Measure::PriceMean);
                if f == Figure::None {
                    continue;
                }
                rows.push(vec![
                    w.key(StatDim::Price, price),
                    (*month).to_owned(),
                    w.measure(Measure::PriceMean),
                    show(f, Measure::PriceMean, min),
                ]);
            }
        }
        if rows.is_empty() {
            blocks.push(Block::Paragraph(w.t("sitrep-no-purity-prices")));
        } else {
            blocks.push(table(
                vec![
                    w.dim(StatDim::Substance),
                    w.t("stats-grain-month"),
                    w.t("stats-measure"),
                    String::new(),
                ],
                rows,
                &[2.6, 0.9, 1.6, 1.0],
                &[false, false, false, true],
            ));
        }
    }

    // Alerts.
    blocks.push(Block::Heading(w.t("sitrep-alerts")));
    if r.alerts.is_empty() {
        blocks.push(Block::Paragraph(w.t("sitrep-no-alerts")));
    } else {
        let rows = r
            .alerts
            .iter()
            .map(|v| {
                let a = &v.alert;
                vec![
                    a.period.clone(),
                    w.choice("alert-rule", a.rule.as_str()),
                    alert_subject(&w, a.rule, &a.subject),
                    a.province
                        .map(|p| w.province(p.as_str()))
                        .unwrap_or_else(|| w.t("alert-area-national")),
                    if a.acknowledged_at.is_some() {
                        w.t("alerts-state-acknowledged")
                    } else {
                        w.t("alerts-state-open")
                    },
                ]
            })
            .collect();
        blocks.push(table(
            vec![
                w.t("alerts-period"),
                w.t("alerts-rule"),
                w.t("alerts-subject"),
                w.t("alerts-area"),
                w.t("alerts-state"),
            ],
            rows,
            &[0.9, 1.4, 2.4, 1.3, 1.1],
            &[false; 5],
        ));
    }

    blocks.push(Block::Heading(w.t("sitrep-method")));
    blocks.push(Block::Paragraph(w.msg(
        "sitrep-method-text",
        &[("min", &min_s), ("months", &TREND_MONTHS.to_string())],
    )));

    let by = if r.generated_by_name.is_empty() {
        r.generated_by.clone()
    } else {
        format!("{} ({})", r.generated_by_name, r.generated_by)
    };
    let title = w.t("sitrep-title");
    Document {
        header: format!("{title} · {area} · {period}"),
        subtitle: vec![
            w.msg("sitrep-subtitle-period", &[("period", &period)]),
            w.msg("sitrep-subtitle-area", &[("area", &area)]),
            w.msg(
                "sitrep-subtitle-made",
                &[
                    ("when", &r.generated_local.format(date).unwrap_or_default()),
                    ("by", &by),
                    ("installation", &r.installation),
                ],
            ),
        ],
        title,
        page_label: w.msg("sitrep-page", &[("page", "{page}"), ("pages", "{pages}")]),
        language: lang.as_str().to_owned(),
        blocks,
    }
}

/// What an alert is about, from its subject's pairs (`province=05;substance=HEROIN`).
fn alert_subject(w: &Words<'_>, rule: AlertRule, subject: &str) -> String {
    let parts: Vec<String> = subject_pairs(subject)
        .into_iter()
        .filter(|(k, _)| *k != "province" || rule != AlertRule::Rise)
        .map(|(k, v)| match k {
            "substance" => w.cat.substance(w.lang, v),
            "province" => w.province(v),
            "measure" => w.choice("alert-measure", v),
            "form" => w.choice("form", v),
            _ => v.to_owned(),
        })
        .collect();
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::date;

    #[test]
    fn the_month_of_the_command_line() {
        let today = date!(2026 - 03 - 15);
        let m =
            |y: &str, mo: Option<&str>| monthly_period(y, mo, today).map(|p| p.from.to_string());
        assert_eq!(m("2025", None).unwrap(), "2025-12");
        assert_eq!(m("2026", None).unwrap(), "2026-02");
        assert_eq!(m("2025", Some("4")).unwrap(), "2025-04");
        assert_eq!(m("2026", Some("02")).unwrap(), "2026-02");
        assert_eq!(
            m("2026", Some("3")).unwrap_err().key,
            "err-sitrep-month-not-over"
        );
        assert_eq!(
            m("2027", None).unwrap_err().key,
            "err-sitrep-no-complete-month"
        );
        assert_eq!(m("2025", Some("13")).unwrap_err().key, "err-sitrep-month");
        assert_eq!(m("20x5", None).unwrap_err().key, "err-report-year");
        // In January, this year has no complete month yet.
        let jan = date!(2026 - 01 - 10);
        assert_eq!(
            monthly_period("2026", None, jan).unwrap_err().key,
            "err-sitrep-no-complete-month"
        );
        assert_eq!(
            monthly_period("2025", None, jan).unwrap().from.to_string(),
            "2025-12"
        );
    }

    #[test]
    fn the_form_parses_periods_and_collects_errors() {
        let d = Period::parse_named("2025-04").unwrap();
        let r = SituationRequest::parse("", "", "", "", d).unwrap();
        assert_eq!(r.period, d);
        assert_eq!(r.province, None);
        let r = SituationRequest::parse("2025-Q1", "", "", "05", d).unwrap();
        assert_eq!(period_text(&r.period), "2025-01-2025-03");
        assert_eq!(r.province.unwrap().as_str(), "05");
        let r = SituationRequest::parse("", "2025-02", "2025-05", "", d).unwrap();
        assert_eq!(period_label(&r.period), "2025-02 – 2025-05");
        let e = SituationRequest::parse("nope", "", "", "x", d).unwrap_err();
        assert_eq!(e.0.len(), 2);
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits("1234567.5"), "1,234,567.5");
        assert_eq!(group_digits("-1000"), "-1,000");
        assert_eq!(group_digits("12"), "12");
        assert_eq!(show(Figure::Suppressed, Measure::Cases, 3), "<3");
        assert_eq!(show(Figure::None, Measure::PurityMean, 3), "—");
    }
}
