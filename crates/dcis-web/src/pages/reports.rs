//! Reports made from the records (`docs/reports.md`): the list of reports
//! (`/reports`) and the ARQ seizure report's download
//! (`/reports/arq?year=Y&format=xlsx|json`). The rules — who may, which
//! cases, the audit entry — are `dcis_app::reports`'; a refused year (not
//! a year, in the future, without data) shows the page again with the
//! reason.

use super::{html, Ctx};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dcis_app::reports::{ReportFile, ReportFormat};
use dcis_app::AppError;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(index))
        .route("/reports/arq", get(arq))
}

/// A report file as a download.
pub(crate) fn attachment(f: ReportFile) -> Response {
    let len = f.bytes.len();
    let mut r = (StatusCode::OK, f.bytes).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(f.format.content_type()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    // The name is ASCII by construction (`arq-seizures-LA-2025.xlsx`).
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", f.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&f.id.to_string()) {
        h.insert("x-dcis-report-id", v);
    }
    r
}

pub struct YearChoice {
    pub year: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    ctx: Ctx,
    /// May the viewer make the ARQ report (analysis and a national scope)?
    arq_allowed: bool,
    /// Years with cases, newest first.
    years: Vec<YearChoice>,
    /// The year chosen (or the default).
    selected: String,
    current_year: String,
    /// Why the last request was refused, in the viewer's language.
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ArqQuery {
    year: Option<String>,
    format: Option<String>,
}

async fn page(
    s: &AppState,
    cu: &CurrentUser,
    selected: Option<String>,
    errors: Vec<String>,
) -> Result<ReportsPage, PageError> {
    let ctx = Ctx::for_user(cu, "/reports", "reports");
    let actor = &cu.auth.actor;
    let current = s.app.local_now().year();
    let (arq_allowed, years) = match s.app.arq_years(actor).await {
        Ok(y) => (true, y),
        Err(AppError::Forbidden(_)) => (false, Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let years: Vec<YearChoice> = years
        .into_iter()
        .rev()
        .map(|(y, n)| YearChoice {
            year: y.to_string(),
            label: ctx.tr.message(
                "reports-year-option",
                &[("year", &y.to_string()), ("cases", &n.to_string())],
            ),
        })
        .collect();
    // By default the latest complete year with data, else the newest.
    let default = years
        .iter()
        .find(|y| y.year.parse::<i32>().is_ok_and(|v| v < current))
        .or(years.first())
        .map(|y| y.year.clone())
        .unwrap_or_default();
    Ok(ReportsPage {
        ctx,
        arq_allowed,
        years,
        selected: selected.unwrap_or(default),
        current_year: current.to_string(),
        errors,
    })
}

async fn index(State(s): State<AppState>, cu: CurrentUser) -> Result<Response, PageError> {
    Ok(html(&page(&s, &cu, None, Vec::new()).await?))
}

async fn arq(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<ArqQuery>,
) -> Result<Response, PageError> {
    let actor = &cu.auth.actor;
    let year = q.year.unwrap_or_default();
    let result = match ReportFormat::parse(q.format.as_deref().unwrap_or("xlsx")) {
        Ok(format) => {
            s.app
                .arq_file(actor, &year, format, "/reports/arq", &s.catalogue)
                .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(f) => Ok(attachment(f)),
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
            let mut r = html(&page(&s, &cu, Some(year), errors).await?);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
