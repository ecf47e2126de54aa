//! The situation report's page (`/reports/situation?period=&province=&lang=`) and its PDF
//! (`/reports/situation.pdf?…`). The report is `dcis_app::reports::situation`'s: the page
//! shows the same blocks the PDF prints, laid out for the screen and, through the print
//! stylesheet (`static/dcis.css`, `@media print`), for A4 paper. The page is not audited (it
//! is the dashboard's figures); each PDF is.

use super::reports::attachment;
use super::{html, Ctx};
use crate::auth::{urlencode, CurrentUser};
use crate::error::PageError;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use dcis_app::reports::situation::{document, last_complete_month, SituationRequest};
use dcis_app::reports::ReportFormat;
use dcis_app::AppError;
use dcis_domain::role::GeoScope;
use dcis_domain::stats::Period;
use dcis_domain::user::Language;
use dcis_render::pdf::Block;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/situation", get(page))
        .route("/reports/situation.pdf", get(pdf))
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct SituationQuery {
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub province: Option<String>,
    pub lang: Option<String>,
}

fn field(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// The default period: the last month that is over.
pub(crate) fn default_period(s: &AppState) -> Period {
    let today = s.app.local_now().date();
    let m = last_complete_month(today)
        .or_else(|| dcis_domain::stats::Month::new(u16::try_from(today.year()).unwrap_or(2000), 1));
    match m {
        Some(m) => Period { from: m, to: m },
        None => crate::api::stats::default_period(&s.app),
    }
}

/// The request and the report's language from the query (the viewer's language by default).
pub(crate) fn parse(
    s: &AppState,
    q: &SituationQuery,
    viewer: Language,
) -> Result<(SituationRequest, Language), AppError> {
    let req = SituationRequest::parse(
        field(&q.period),
        field(&q.from),
        field(&q.to),
        field(&q.province),
        default_period(s),
    );
    let lang = match q.lang.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(viewer),
        Some(l) => Language::parse(l),
    };
    match (req, lang) {
        (Ok(r), Ok(l)) => Ok((r, l)),
        (Err(mut e), Err(l)) => {
            e.push(l);
            Err(e.into())
        }
        (Err(e), _) => Err(e.into()),
        (_, Err(l)) => Err(l.into()),
    }
}

/// A block of the report as the page shows it.
pub enum HtmlBlock {
    Sub(String),
    Para(String),
    Note(String),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
    },
    /// SVG written by `dcis_render` (every text in it escaped), shown as is.
    Svg {
        svg: String,
        alt: String,
    },
}

pub struct SectionView {
    pub title: String,
    pub blocks: Vec<HtmlBlock>,
}

pub struct ReportView {
    pub lang: String,
    pub title: String,
    pub subtitle: Vec<String>,
    pub sections: Vec<SectionView>,
}

fn view(doc: dcis_render::pdf::Document) -> ReportView {
    let mut sections: Vec<SectionView> = Vec::new();
    for b in doc.blocks {
        let hb = match b {
            Block::Heading(t) => {
                sections.push(SectionView {
                    title: t,
                    blocks: Vec::new(),
                });
                continue;
            }
            Block::Subheading(t) => HtmlBlock::Sub(t),
            Block::Paragraph(t) => HtmlBlock::Para(t),
            Block::Note(t) => HtmlBlock::Note(t),
            Block::Table(t) => HtmlBlock::Table {
                head: t.header,
                rows: t.rows,
                numeric: t.numeric,
            },
            Block::Figure(f) => HtmlBlock::Svg {
                svg: f.svg,
                alt: f.alt,
            },
        };
        match sections.last_mut() {
            Some(s) => s.blocks.push(hb),
            None => sections.push(SectionView {
                title: String::new(),
                blocks: vec![hb],
            }),
        }
    }
    ReportView {
        lang: doc.language,
        title: doc.title,
        subtitle: doc.subtitle,
        sections,
    }
}

#[derive(Template)]
#[template(path = "situation.html")]
struct SituationPage {
    ctx: Ctx,
    period: String,
    province: String,
    lang: String,
    provinces: Vec<(String, String)>,
    errors: Vec<String>,
    report: Option<ReportView>,
    /// The query of the downloads (`period=…&province=…&lang=…`).
    query: String,
}

impl SituationPage {
    fn numeric_at(&self, numeric: &[bool], i: &usize) -> bool {
        numeric.get(*i).copied().unwrap_or(false)
    }
}

async fn provinces(s: &AppState, cu: &CurrentUser) -> Result<Vec<(String, String)>, AppError> {
    let lao = cu.viewer.tr.code() == "lo";
    Ok(s.app
        .store
        .provinces()
        .await?
        .into_iter()
        .filter(|(p, _)| match &cu.auth.actor.scope {
            GeoScope::National => true,
            sc @ GeoScope::Provinces(_) => sc.covers(p.code),
        })
        .map(|(p, _)| {
            let name = if lao { p.name_lo } else { p.name_en };
            (p.code.as_str().to_owned(), name)
        })
        .collect())
}

async fn page(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<SituationQuery>,
) -> Result<Response, PageError> {
    let actor = &cu.auth.actor;
    dcis_policy::stats::StatsScope::for_actor(actor).map_err(AppError::from)?;
    let ctx = Ctx::for_user(&cu, "/reports/situation", "reports");
    let parsed = parse(&s, &q, cu.viewer.tr.lang);
    let (report, errors, status, period, lang) = match parsed {
        Ok((req, lang)) => {
            let r = s.app.situation_report(actor, &req).await?;
            let doc = document(&r, &s.catalogue, lang);
            let period = if req.period.from == req.period.to {
                req.period.from.to_string()
            } else {
                String::new()
            };
            (Some(view(doc)), Vec::new(), StatusCode::OK, period, lang)
        }
        Err(AppError::Validation(fields)) => {
            let tr = &cu.viewer.tr;
            let errors = fields
                .0
                .iter()
                .map(|e| {
                    let args: Vec<(&str, &str)> =
                        e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    tr.message(e.key, &args)
                })
                .collect();
            (
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                field(&q.period).to_owned(),
                cu.viewer.tr.lang,
            )
        }
        Err(e) => return Err(e.into()),
    };
    let period = if field(&q.period).is_empty() {
        period
    } else {
        field(&q.period).to_owned()
    };
    let mut pairs = Vec::new();
    for (k, v) in [
        ("period", period.as_str()),
        ("from", field(&q.from)),
        ("to", field(&q.to)),
        ("province", field(&q.province)),
        ("lang", lang.as_str()),
    ] {
        if !v.trim().is_empty() {
            pairs.push(format!("{k}={}", urlencode(v.trim())));
        }
    }
    let p = SituationPage {
        provinces: provinces(&s, &cu).await?,
        ctx,
        period,
        province: field(&q.province).trim().to_owned(),
        lang: lang.as_str().to_owned(),
        errors,
        report,
        query: pairs.join("&"),
    };
    let mut r = html(&p);
    *r.status_mut() = status;
    Ok(r)
}

async fn pdf(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<SituationQuery>,
) -> Result<Response, PageError> {
    let (req, lang) = parse(&s, &q, cu.viewer.tr.lang)?;
    let f = s
        .app
        .situation_file(
            &cu.auth.actor,
            &req,
            ReportFormat::Pdf,
            lang,
            "/reports/situation.pdf",
            &s.catalogue,
        )
        .await?;
    Ok(attachment(f))
}
