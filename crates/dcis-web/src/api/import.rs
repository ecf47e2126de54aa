//! The import API (`docs/import.md`):
//!
//! - `GET /api/v1/imports/cases/template?format=csv|xlsx`: the template.
//! - `POST /api/v1/imports/cases?dry_run=true|false&mode=all_or_nothing|good_rows&map.FIELD=HEADER…`
//!   with the file as the body (CSV or XLSX, told by its content): starts a
//!   check (the default) or an import in the background and answers 202
//!   with the job and its `Location`. A file that cannot be read at all is
//!   422 at once, naming why.
//! - `GET /api/v1/imports/{id}`: where the job stands, with its progress
//!   and, when done, the report (every error with row, column, code and
//!   message).
//! - `GET /api/v1/imports/{id}/bad-rows`: the rows not imported, as CSV.
//!
//! A job is its starter's only: another caller gets 404.

use super::Caller;
use crate::error::{ApiError, ErrorInfo};
use crate::i18n::Tr;
use crate::imports::{self, ImportJob, JobState};
use crate::pages::import::{bad_rows_file, download, hex_digest, row_message, template_xlsx_for};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use dcis_app::import::{ImportMode, ImportReport};
use dcis_app::AppError;
use dcis_domain::role::Permission;
use dcis_domain::FieldError;
use dcis_import::mapping::Mapping;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/imports/cases/template", get(template))
        .route(
            "/imports/cases",
            post(start).layer(DefaultBodyLimit::max(dcis_import::table::MAX_BYTES + 1)),
        )
        .route("/imports/{id}", get(status))
        .route("/imports/{id}/bad-rows", get(bad_rows))
}

fn require(a: &dcis_app::auth::Authenticated) -> Result<(), ApiError> {
    a.actor
        .require(Permission::ImportRecords)
        .map_err(|d| ApiError::from(AppError::Forbidden(d)))
}

/// The template of a case file.
#[utoipa::path(get, path = "/imports/cases/template", tag = "cases", operation_id = "import_template",
    params(("format" = Option<String>, Query, description = "`csv` (the default) or `xlsx`")),
    responses((status = 200, description = "The template, as an attachment",
        content(
            ("text/csv"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ))))]
pub(super) async fn template(
    Caller(a): Caller,
    Extension(viewer): Extension<crate::auth::Viewer>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    require(&a)?;
    let format = q.get("format").map(String::as_str).unwrap_or("csv");
    match dcis_app::export::ExportFormat::parse(format).map_err(AppError::from)? {
        dcis_app::export::ExportFormat::Csv => Ok(download(
            dcis_app::import::template_csv(),
            "dcis-cases-template.csv",
            "text/csv; charset=utf-8",
        )),
        dcis_app::export::ExportFormat::Xlsx => {
            let bytes = template_xlsx_for(&viewer.tr)?;
            Ok(download(
                bytes,
                "dcis-cases-template.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ))
        }
    }
}

#[derive(Serialize, ToSchema)]
struct ErrorDto {
    row: usize,
    column: String,
    code: String,
    message: String,
}

#[derive(Serialize, ToSchema)]
struct ReportDto {
    /// The import's audit entry (none for a check or when nothing was written).
    id: Option<String>,
    dry_run: bool,
    /// `all_or_nothing` or `good_rows`.
    mode: String,
    written: bool,
    rows: usize,
    cases: usize,
    created_cases: usize,
    created_items: usize,
    existing: Vec<String>,
    bad_cases: usize,
    bad_rows: Vec<usize>,
    unused_columns: Vec<String>,
    errors: Vec<ErrorDto>,
}

fn report_dto(tr: &Tr, r: &ImportReport) -> ReportDto {
    ReportDto {
        id: r.id.map(|u| u.to_string()),
        dry_run: r.dry_run,
        mode: r.mode.as_str().to_owned(),
        written: r.written,
        rows: r.rows,
        cases: r.cases,
        created_cases: r.created_cases,
        created_items: r.created_items,
        existing: r.existing.clone(),
        bad_cases: r.bad_cases,
        bad_rows: r.bad_rows.clone(),
        unused_columns: r.unused_columns.clone(),
        errors: r
            .errors
            .iter()
            .map(|e| ErrorDto {
                row: e.row,
                column: e.column.clone(),
                code: e.key.clone(),
                message: row_message(tr, e),
            })
            .collect(),
    }
}

#[derive(Serialize, ToSchema)]
struct ProgressDto {
    cases: usize,
    checked: usize,
    written: usize,
}

#[derive(Serialize, ToSchema)]
struct FailureDto {
    code: String,
    message: String,
    errors: Vec<ErrorDto>,
}

#[derive(Serialize, ToSchema)]
struct JobDto {
    id: String,
    file: String,
    sha256: String,
    rows: usize,
    headers: Vec<String>,
    /// Field → the file's column that holds it.
    mapping: HashMap<String, String>,
    /// `ready`, `running`, `done` or `failed`.
    state: String,
    progress: ProgressDto,
    report: Option<ReportDto>,
    error: Option<FailureDto>,
}

fn job_dto(tr: &Tr, job: &ImportJob) -> JobDto {
    let (cases, checked, written) = job.progress().snapshot();
    let mapping = job.mapping();
    let state = job.state();
    JobDto {
        id: job.id.to_string(),
        file: job.file_name.clone(),
        sha256: job.sha256.clone(),
        rows: job.table.rows.len(),
        headers: job.table.headers.clone(),
        mapping: mapping
            .fields
            .iter()
            .filter_map(|(f, c)| {
                c.and_then(|i| job.table.headers.get(i))
                    .map(|h| ((*f).to_owned(), h.clone()))
            })
            .collect(),
        state: match &state {
            JobState::Ready => "ready",
            JobState::Running { .. } => "running",
            JobState::Done(_) => "done",
            JobState::Failed(_) => "failed",
        }
        .to_owned(),
        progress: ProgressDto {
            cases,
            checked,
            written,
        },
        report: match &state {
            JobState::Done(r) => Some(report_dto(tr, r)),
            _ => None,
        },
        error: match &state {
            JobState::Failed(info) => Some(failure_dto(tr, info)),
            _ => None,
        },
    }
}

fn failure_dto(tr: &Tr, info: &ErrorInfo) -> FailureDto {
    let args: Vec<(&str, &str)> = info.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    FailureDto {
        code: info.key.to_owned(),
        message: tr.message(info.key, &args),
        errors: info
            .fields
            .iter()
            .flat_map(|f| f.0.iter())
            .map(|e| {
                let a: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                ErrorDto {
                    row: 0,
                    column: e.field.to_owned(),
                    code: e.key.to_owned(),
                    message: tr.message(e.key, &a),
                }
            })
            .collect(),
    }
}

fn flag(q: &HashMap<String, String>, name: &'static str, default: bool) -> Result<bool, ApiError> {
    match q.get(name).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if v.is_empty() => Ok(default),
        Some(v) if v == "true" || v == "1" => Ok(true),
        Some(v) if v == "false" || v == "0" => Ok(false),
        Some(v) => Err(AppError::from(FieldError::new(name, "err-choice").with("value", v)).into()),
    }
}

/// Starts a check (the default) or an import of a case file, sent as the
/// body, in the background (`docs/import.md`).
#[utoipa::path(post, path = "/imports/cases", tag = "cases", operation_id = "import_cases",
    params(
        ("dry_run" = Option<bool>, Query, description = "`true` (the default): check only, write nothing"),
        ("mode" = Option<String>, Query, description = "`all_or_nothing` (the default) or `good_rows`"),
        ("file_name" = Option<String>, Query, description = "The file's name, as shown in the job"),
        ("map.FIELD" = Option<String>, Query, description = "The file's column that holds FIELD (one parameter per field to map, e.g. `map.reference=Case No.`)"),
    ),
    request_body(description = "The file: CSV (UTF-8) or XLSX, told by its content", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 202, description = "The job, started; follow it at `Location`", body = JobDto)))]
pub(super) async fn start(
    State(s): State<AppState>,
    Caller(a): Caller,
    Extension(viewer): Extension<crate::auth::Viewer>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    require(&a)?;
    let dry_run = flag(&q, "dry_run", true)?;
    let mode = ImportMode::parse(q.get("mode").map(String::as_str).unwrap_or(""))
        .map_err(AppError::from)?;
    let choices: Vec<(String, String)> = q
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("map.").map(|f| (f.to_owned(), v.clone())))
        .collect();
    if body.is_empty() {
        return Err(AppError::from(FieldError::new("file", "err-import-no-file")).into());
    }
    let table = dcis_import::table::read(&body).map_err(AppError::from)?;
    let mapping = Mapping::with_choices(&table.headers, &choices).map_err(AppError::from)?;
    let missing = mapping.missing_required();
    if !missing.is_empty() {
        return Err(AppError::from(
            FieldError::new("mapping", "err-import-map-required")
                .with("fields", missing.join(", ")),
        )
        .into());
    }
    let name = q
        .get("file_name")
        .map(|n| crate::pages::import::clean_name(n))
        .unwrap_or_else(|| "upload".to_owned());
    let job = s.imports.add(a.actor.user, name, hex_digest(&body), table);
    if let Ok(mut m) = job.mapping.lock() {
        *m = mapping;
    }
    imports::start(&s.app, &a.actor, &job, mode, dry_run);
    let mut r = (StatusCode::ACCEPTED, Json(job_dto(&viewer.tr, &job))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/imports/{}", job.id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

fn job_of(
    s: &AppState,
    a: &dcis_app::auth::Authenticated,
    id: &str,
) -> Result<Arc<ImportJob>, ApiError> {
    let id: Uuid = id.parse().map_err(|_| ApiError::from(AppError::NotFound))?;
    s.imports
        .get(a.actor.user, id)
        .ok_or_else(|| ApiError::from(AppError::NotFound))
}

/// Where an import stands, with its report when done.
#[utoipa::path(get, path = "/imports/{id}", tag = "cases", operation_id = "import_status",
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The job", body = JobDto)))]
pub(super) async fn status(
    State(s): State<AppState>,
    Caller(a): Caller,
    Extension(viewer): Extension<crate::auth::Viewer>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require(&a)?;
    let job = job_of(&s, &a, &id)?;
    Ok(Json(job_dto(&viewer.tr, &job)).into_response())
}

/// The rows a finished import did not take, with the reasons, as CSV.
#[utoipa::path(get, path = "/imports/{id}/bad-rows", tag = "cases", operation_id = "import_bad_rows",
    params(("id" = String, Path, description = "The job's id")),
    responses((status = 200, description = "The bad rows, as an attachment", content_type = "text/csv")))]
pub(super) async fn bad_rows(
    State(s): State<AppState>,
    Caller(a): Caller,
    Extension(viewer): Extension<crate::auth::Viewer>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require(&a)?;
    let job = job_of(&s, &a, &id)?;
    match job.state() {
        JobState::Done(r) => Ok(download(
            bad_rows_file(&viewer.tr, &job, &r),
            "bad-rows.csv",
            "text/csv; charset=utf-8",
        )),
        _ => Err(AppError::NotFound.into()),
    }
}
