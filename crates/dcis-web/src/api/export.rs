//! `GET /api/v1/cases/export?format=csv|xlsx&…`: the case list as a file,
//! with the filters of `GET /api/v1/cases` (without paging). Without
//! `format`, CSV. The rules are `dcis_app::export`'s; errors are problem
//! documents (403 without the export permission, 422 for an unknown format
//! or an export over the row limit).

use super::Caller;
use crate::error::ApiError;
use crate::pages::export::attachment;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use dcis_app::export::ExportFormat;
use dcis_app::AppError;
use dcis_store::CaseFilter;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/export", get(export))
}

#[derive(Deserialize, Default)]
struct ExportQuery {
    format: Option<String>,
    from: Option<String>,
    to: Option<String>,
    province: Option<String>,
    agency: Option<String>,
    status: Option<String>,
    substance: Option<String>,
    q: Option<String>,
}

async fn export(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        None => ExportFormat::Csv,
        Some(f) => ExportFormat::parse(f).map_err(AppError::from)?,
    };
    let agency = match q.agency.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
        Some(x) => Some(x.parse().map_err(|_| {
            ApiError::from(AppError::from(dcis_domain::FieldError::new(
                "agency",
                "err-organisation-unknown",
            )))
        })?),
        None => None,
    };
    let filter = CaseFilter {
        from: q.from,
        to: q.to,
        province: q.province,
        agency,
        status: q.status,
        substance: q.substance,
        text: q.q,
        limit: 0,
        offset: 0,
    };
    let e = s
        .app
        .export_cases(&a.actor, &filter, format, "/api/v1/cases/export")
        .await?;
    Ok(attachment(e))
}
