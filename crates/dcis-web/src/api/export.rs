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
use utoipa::IntoParams;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/export", get(export))
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `csv` (the default) or `xlsx`.
    format: Option<String>,
    /// Cases that occurred on or after this date (YYYY-MM-DD).
    from: Option<String>,
    /// Cases that occurred on or before this date (YYYY-MM-DD).
    to: Option<String>,
    /// Province code.
    province: Option<String>,
    /// Agency (organisation id).
    agency: Option<String>,
    /// Case status.
    status: Option<String>,
    /// Substance code of a seized item.
    substance: Option<String>,
    /// Search words, as for the case list.
    q: Option<String>,
}

/// The filtered case list as a CSV or XLSX file, one row per seized item,
/// readable cases only (audited as one `export`; see docs/export.md).
#[utoipa::path(get, path = "/cases/export", tag = "cases", operation_id = "export_cases", params(ExportQuery),
    responses((status = 200, description = "The file, as an attachment",
        content(
            ("text/csv"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ))))]
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
        count_up_to: None,
        ..Default::default()
    };
    let e = s
        .app
        .export_cases(&a.actor, &filter, format, "/api/v1/cases/export")
        .await?;
    Ok(attachment(e))
}
