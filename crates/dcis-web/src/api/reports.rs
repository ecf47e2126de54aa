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
use dcis_app::reports::situation_json::SituationDocument;
use dcis_app::reports::ReportFormat;
use dcis_app::AppError;
use serde::Deserialize;
use utoipa::IntoParams;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/arq", get(arq))
        .route("/reports/situation", get(situation))
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

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
struct SituationParams {
    /// A month (`2025-04`), quarter (`2025-Q2`) or year (`2025`); without it and without
    /// `from`/`to`, the last month that is over.
    period: Option<String>,
    /// First month (YYYY-MM) of a range, with `to`.
    from: Option<String>,
    /// Last month (YYYY-MM) of a range, with `from`.
    to: Option<String>,
    /// A province code inside the caller's scope; without it, the whole scope.
    province: Option<String>,
    /// The PDF's language, `en` or `lo` (the caller's language by default).
    lang: Option<String>,
    /// `json` (the default) or `pdf`.
    format: Option<String>,
}

/// The situation report of a period over the caller's scope or one province of it: the
/// dashboard's figures compared with the previous period and a year before, the twelve
/// months' trend with its seasonal baseline, and the alerts of the period. Needs the analysis
/// permission; a province outside the caller's scope is refused (403). Small cells are
/// hidden as everywhere. Each call is audited as a `report`.
#[utoipa::path(get, path = "/reports/situation", tag = "reports", operation_id = "situation_report", params(SituationParams),
    responses((status = 200, description = "The report, as an attachment (`situation-LA-YYYY-MM.json` or `.pdf`)",
        content(
            (SituationDocument = "application/json"),
            ("application/pdf"),
        ))))]
async fn situation(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<SituationParams>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        None => ReportFormat::Json,
        Some(f) => ReportFormat::parse_in(f, &ReportFormat::SITUATION).map_err(AppError::from)?,
    };
    let query = crate::pages::situation::SituationQuery {
        period: q.period,
        from: q.from,
        to: q.to,
        province: q.province,
        lang: q.lang,
    };
    let (req, lang) = crate::pages::situation::parse(&s, &query, a.user.language)?;
    let f = s
        .app
        .situation_file(
            &a.actor,
            &req,
            format,
            lang,
            "/api/v1/reports/situation",
            &s.catalogue,
        )
        .await?;
    Ok(attachment(f))
}
