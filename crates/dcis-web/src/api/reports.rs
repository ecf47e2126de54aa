//! `GET /api/v1/reports/arq?year=Y&format=xlsx|json`: the ARQ seizure
//! report of a calendar year as a file (`docs/reports.md`). The rules are
//! `dcis_app::reports::arq`'s: 403 without the analysis permission or
//! without a national scope, 422 for a year that is not a year, is in the
//! future or has no case, or an unknown format.

use super::Caller;
use crate::error::ApiError;
use crate::pages::reports::attachment;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use dcis_app::reports::arq_json::ArqDocument;
use dcis_app::reports::ReportFormat;
use dcis_app::AppError;
use serde::Deserialize;
use utoipa::IntoParams;

pub fn routes() -> Router<AppState> {
    Router::new().route("/reports/arq", get(arq))
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
struct ArqQuery {
    /// The calendar year (four digits), up to the current year.
    year: Option<String>,
    /// `json` (the default) or `xlsx`.
    format: Option<String>,
}

/// The seizure part of the Annual Report Questionnaire for a year: totals
/// by drug with units and numbers of cases, and the significant individual
/// seizures, from every case recorded nationally. Needs the analysis
/// permission and a national scope; each call is audited as a `report`.
#[utoipa::path(get, path = "/reports/arq", tag = "reports", operation_id = "arq_report", params(ArqQuery),
    responses((status = 200, description = "The report, as an attachment (`arq-seizures-LA-YYYY.json` or `.xlsx`)",
        content(
            (ArqDocument = "application/json"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ))))]
async fn arq(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<ArqQuery>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        None => ReportFormat::Json,
        Some(f) => ReportFormat::parse(f).map_err(AppError::from)?,
    };
    let f = s
        .app
        .arq_file(
            &a.actor,
            q.year.as_deref().unwrap_or(""),
            format,
            "/api/v1/reports/arq",
            &s.catalogue,
        )
        .await?;
    Ok(attachment(f))
}
