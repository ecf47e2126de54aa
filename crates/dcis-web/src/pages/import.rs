//! Importing cases from a spreadsheet (`docs/import.md`): upload, map the
//! columns, check (dry run), import, follow the progress, download the bad
//! rows. The rules are `dcis_app::import`'s; the running jobs are
//! [`crate::imports`].

use super::{html, Ctx};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::imports::{self, ImportJob, JobState};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use dcis_app::import::{bad_case_rows, ImportMode, ImportReport};
use dcis_domain::role::Permission;
use dcis_import::columns::{import_columns, REQUIRED};
use dcis_import::RowError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// The most errors a page lists (all of them are in the bad-rows file and
/// the API).
const SHOWN_ERRORS: usize = 500;

/// The largest upload: the largest file and room for the form around it
/// (the CSRF middleware enforces the server's configured limit first).
const UPLOAD_LIMIT: usize = dcis_import::table::MAX_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/import",
            get(upload_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/cases/import/template.csv", get(template_csv))
        .route("/cases/import/template.xlsx", get(template_xlsx))
        .route("/cases/import/{id}", get(job_page).post(run))
        .route("/cases/import/{id}/bad-rows.csv", get(bad_rows))
}

pub struct JobLine {
    pub id: String,
    pub file_name: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct UploadPage {
    ctx: Ctx,
    error: Option<String>,
    jobs: Vec<JobLine>,
}

pub struct MapLine {
    pub field: String,
    pub required: bool,
    pub chosen: String,
}

pub struct ErrorLine {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A report as the page shows it.
pub struct ReportView {
    pub dry_run: bool,
    pub written: bool,
    pub refused: bool,
    pub rows: usize,
    pub cases: usize,
    pub created_cases: usize,
    pub created_items: usize,
    pub existing: usize,
    pub existing_list: String,
    pub bad_cases: usize,
    pub bad_rows: usize,
    pub errors: Vec<ErrorLine>,
    pub more_errors: usize,
    pub unused: String,
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    ctx: Ctx,
    id: String,
    file_name: String,
    rows: usize,
    headers: Vec<String>,
    map: Vec<MapLine>,
    mode: String,
    running: bool,
    running_label: String,
    total: usize,
    checked: usize,
    written: usize,
    report: Option<ReportView>,
    failure: Vec<String>,
    file_problems: usize,
}

fn require(cu: &CurrentUser) -> Result<(), PageError> {
    cu.auth
        .actor
        .require(Permission::ImportRecords)
        .map_err(|d| PageError::from(dcis_app::AppError::Forbidden(d)))
}

fn status_label(tr: &Tr, job: &ImportJob) -> String {
    match job.state() {
        JobState::Ready => tr.t("import-status-ready"),
        JobState::Running { dry_run: true, .. } => tr.t("import-status-checking"),
        JobState::Running { .. } => tr.t("import-status-importing"),
        JobState::Done(r) if r.dry_run => tr.t("import-status-checked"),
        JobState::Done(r) if r.written => tr.t("import-status-imported"),
        JobState::Done(_) => tr.t("import-status-refused"),
        JobState::Failed(_) => tr.t("import-status-failed"),
    }
}

fn render_upload(s: &AppState, cu: &CurrentUser, error: Option<String>) -> Response {
    let ctx = Ctx::for_user(cu, "/cases/import", "cases");
    let jobs = s
        .imports
        .of(cu.auth.actor.user)
        .iter()
        .map(|j| JobLine {
            id: j.id.to_string(),
            file_name: j.file_name.clone(),
            status: status_label(&ctx.tr, j),
        })
        .collect();
    html(&UploadPage { ctx, error, jobs })
}

async fn upload_page(State(s): State<AppState>, cu: CurrentUser) -> Result<Response, PageError> {
    require(&cu)?;
    Ok(render_upload(&s, &cu, None))
}

/// A row error in the reader's language: `column: message`.
pub fn row_message(tr: &Tr, e: &RowError) -> String {
    let args: Vec<(&str, &str)> = e
        .args
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    tr.message(&e.key, &args)
}

async fn upload(
    State(s): State<AppState>,
    cu: CurrentUser,
    mut form: Multipart,
) -> Result<Response, PageError> {
    require(&cu)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                let msg = cu.viewer.tr.t("err-import-upload");
                let mut r = render_upload(&s, &cu, Some(msg));
                *r.status_mut() = StatusCode::BAD_REQUEST;
                return Ok(r);
            }
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_owned();
            match field.bytes().await {
                Ok(b) => file = Some((name, b.to_vec())),
                Err(_) => {
                    let msg = cu.viewer.tr.t("err-import-upload");
                    let mut r = render_upload(&s, &cu, Some(msg));
                    *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
                    return Ok(r);
                }
            }
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let msg = cu.viewer.tr.t("err-import-no-file");
        let mut r = render_upload(&s, &cu, Some(msg));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    };
    match dcis_import::table::read(&bytes) {
        Ok(table) => {
            let sha = hex_digest(&bytes);
            let job = s
                .imports
                .add(cu.auth.actor.user, clean_name(&name), sha, table);
            Ok(Redirect::to(&format!("/cases/import/{}", job.id)).into_response())
        }
        Err(e) => {
            let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let msg = cu.viewer.tr.message(e.key, &args);
            let mut r = render_upload(&s, &cu, Some(msg));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

/// The SHA-256 of the file, in hexadecimal (for the audit entry).
pub fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The file's name as shown and audited: its last path part, at most 120
/// characters, without control characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let s: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if s.trim().is_empty() {
        "upload".to_owned()
    } else {
        s
    }
}

fn job_of(s: &AppState, cu: &CurrentUser, id: &str) -> Result<Arc<ImportJob>, PageError> {
    let id: Uuid = id.parse().map_err(|_| PageError::not_found())?;
    s.imports
        .get(cu.auth.actor.user, id)
        .ok_or_else(PageError::not_found)
}

pub fn report_view(tr: &Tr, r: &ImportReport) -> ReportView {
    let errors: Vec<ErrorLine> = r
        .errors
        .iter()
        .take(SHOWN_ERRORS)
        .map(|e| ErrorLine {
            row: e.row,
            column: e.column.clone(),
            message: row_message(tr, e),
        })
        .collect();
    ReportView {
        dry_run: r.dry_run,
        written: r.written,
        refused: !r.dry_run && !r.written && !r.errors.is_empty(),
        rows: r.rows,
        cases: r.cases,
        created_cases: r.created_cases,
        created_items: r.created_items,
        existing: r.existing.len(),
        existing_list: r
            .existing
            .iter()
            .take(50)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        bad_cases: r.bad_cases,
        bad_rows: r.bad_rows.len(),
        more_errors: r.errors.len().saturating_sub(SHOWN_ERRORS),
        errors,
        unused: r.unused_columns.join(", "),
    }
}

async fn job_page(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    require(&cu)?;
    let job = job_of(&s, &cu, &id)?;
    let ctx = Ctx::for_user(&cu, &format!("/cases/import/{}", job.id), "cases");
    let mapping = job.mapping();
    let map = import_columns()
        .into_iter()
        .map(|f| MapLine {
            field: f.to_owned(),
            required: REQUIRED.contains(&f),
            chosen: mapping
                .column(f)
                .and_then(|i| job.table.headers.get(i))
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let (total, checked, written) = job.progress().snapshot();
    let state = job.state();
    let (running, running_label, mode) = match &state {
        JobState::Running { mode, dry_run } => (
            true,
            ctx.tr.t(if *dry_run {
                "import-status-checking"
            } else {
                "import-status-importing"
            }),
            mode.as_str(),
        ),
        JobState::Done(r) => (false, String::new(), r.mode.as_str()),
        _ => (false, String::new(), ImportMode::AllOrNothing.as_str()),
    };
    let report = match &state {
        JobState::Done(r) => Some(report_view(&ctx.tr, r)),
        _ => None,
    };
    let failure = match &state {
        JobState::Failed(info) => {
            let args: Vec<(&str, &str)> = info.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let mut v = vec![ctx.tr.message(info.key, &args)];
            if let Some(f) = &info.fields {
                for e in &f.0 {
                    let a: Vec<(&str, &str)> =
                        e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    v.push(ctx.tr.message(e.key, &a));
                }
            }
            v
        }
        _ => Vec::new(),
    };
    let page = JobPage {
        id: job.id.to_string(),
        file_name: job.file_name.clone(),
        rows: job.table.rows.len(),
        headers: job.table.headers.clone(),
        map,
        mode: mode.to_owned(),
        running,
        running_label,
        total,
        checked,
        written,
        report,
        failure,
        file_problems: job.table.problems.len(),
        ctx,
    };
    let mut r = html(&page);
    if running {
        // The page follows the progress by reloading itself (no script
        // needed).
        r.headers_mut()
            .insert(header::REFRESH, HeaderValue::from_static("2"));
    }
    Ok(r)
}

async fn run(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require(&cu)?;
    let job = job_of(&s, &cu, &id)?;
    let choices: Vec<(String, String)> = import_columns()
        .into_iter()
        .map(|field| {
            (
                field.to_owned(),
                f.get(&format!("map_{field}")).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let mapping = dcis_import::mapping::Mapping::with_choices(&job.table.headers, &choices)
        .map_err(|e| PageError::from(dcis_app::AppError::from(e)))?;
    let mode = ImportMode::parse(f.get("mode").map(String::as_str).unwrap_or(""))
        .map_err(|e| PageError::from(dcis_app::AppError::from(e)))?;
    let dry_run = f.get("action").map(String::as_str) != Some("import");
    if job.is_running() {
        return Ok(Redirect::to(&format!("/cases/import/{}", job.id)).into_response());
    }
    if let Ok(mut m) = job.mapping.lock() {
        *m = mapping;
    }
    imports::start(&s.app, &cu.auth.actor, &job, mode, dry_run);
    Ok(Redirect::to(&format!("/cases/import/{}", job.id)).into_response())
}

/// The rows not imported, with their reasons in the reader's language.
pub fn bad_rows_file(tr: &Tr, job: &ImportJob, r: &ImportReport) -> Vec<u8> {
    let case_rows = bad_case_rows(r, &job.table, &job.mapping());
    let reasons = r.reasons(
        |e| {
            if e.column.is_empty() {
                row_message(tr, e)
            } else {
                format!("{}: {}", e.column, row_message(tr, e))
            }
        },
        |rows| {
            let list: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
            tr.t1("import-case-has-errors", "rows", &list.join(", "))
        },
        &case_rows,
    );
    dcis_import::badrows::bad_rows_csv(&job.table, &reasons)
}

/// A file download with the given name (ASCII) and type.
pub fn download(bytes: Vec<u8>, name: &str, content_type: &'static str) -> Response {
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

async fn bad_rows(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    require(&cu)?;
    let job = job_of(&s, &cu, &id)?;
    match job.state() {
        JobState::Done(r) => Ok(download(
            bad_rows_file(&cu.viewer.tr, &job, &r),
            "bad-rows.csv",
            "text/csv; charset=utf-8",
        )),
        _ => Err(PageError::not_found()),
    }
}

/// The description of a column in the template's `columns` sheet.
pub fn describe_column(tr: &Tr, name: &str) -> String {
    tr.t(&format!("import-col-{}", name.replace('_', "-")))
}

async fn template_csv(cu: CurrentUser) -> Result<Response, PageError> {
    require(&cu)?;
    Ok(download(
        dcis_app::import::template_csv(),
        "dcis-cases-template.csv",
        "text/csv; charset=utf-8",
    ))
}

/// The XLSX template with its help sheets in the reader's language.
pub fn template_xlsx_for(tr: &Tr) -> Result<Vec<u8>, dcis_app::AppError> {
    let substance_headers = [
        tr.t("import-substances-code"),
        tr.t("import-substances-name"),
        tr.t("import-substances-unit"),
    ];
    dcis_app::import::template_xlsx(&dcis_app::import::TemplateText {
        describe: &|n| describe_column(tr, n),
        required: &tr.t("import-required"),
        substance: &|code| tr.substance(code),
        substance_headers: [
            &substance_headers[0],
            &substance_headers[1],
            &substance_headers[2],
        ],
    })
}

async fn template_xlsx(cu: CurrentUser) -> Result<Response, PageError> {
    require(&cu)?;
    let bytes = template_xlsx_for(&cu.viewer.tr)?;
    Ok(download(
        bytes,
        "dcis-cases-template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ))
}
