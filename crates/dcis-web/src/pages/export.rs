//! Downloads of the case list as CSV or XLSX, with the list's own filters
//! (`/cases/export.csv?…`, `/cases/export.xlsx?…`). The rules — who may
//! export, which cases, the audit entry, the size limit — are
//! `dcis_app::export`'s.

use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::AppState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dcis_app::export::{CaseExport, ExportFormat};
use dcis_store::CaseFilter;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/export.csv", get(csv))
        .route("/cases/export.xlsx", get(xlsx))
}

/// The export as a download, streamed from its temporary file. The file
/// (already unlinked) closes, and so disappears, once sent.
pub(crate) fn attachment(e: CaseExport) -> Response {
    let file = tokio::fs::File::from_std(e.file);
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(e.format.content_type()),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(e.len));
    // The name is ASCII by construction (`cases-YYYY-MM-DD.csv`).
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", e.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&e.id.to_string()) {
        h.insert("x-dcis-export-id", v);
    }
    r
}

/// The filter of the list page (`/cases`), from the same query keys.
fn list_filter(q: &HashMap<String, String>) -> CaseFilter {
    let get = |k: &str| q.get(k).cloned().filter(|v| !v.trim().is_empty());
    CaseFilter {
        from: get("from"),
        to: get("to"),
        province: get("province"),
        agency: None,
        status: get("status"),
        substance: get("substance"),
        text: get("q"),
        limit: 0,
        offset: 0,
        count_up_to: None,
        ..Default::default()
    }
}

async fn download(
    s: &AppState,
    cu: &CurrentUser,
    q: &HashMap<String, String>,
    format: ExportFormat,
    path: &str,
) -> Result<Response, PageError> {
    let e = s
        .app
        .export_cases(&cu.auth.actor, &list_filter(q), format, path)
        .await?;
    Ok(attachment(e))
}

async fn csv(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    download(&s, &cu, &q, ExportFormat::Csv, "/cases/export.csv").await
}

async fn xlsx(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    download(&s, &cu, &q, ExportFormat::Xlsx, "/cases/export.xlsx").await
}
