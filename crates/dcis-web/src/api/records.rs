//! API for intelligence reports, shares, access requests, sharing groups
//! and sources.

use super::{Body, Caller};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dcis_app::access::{ShareInput, SharingGroupInput};
use dcis_app::intel::IntelInput;
use dcis_app::AppError;
use dcis_domain::access::RecordId;
use dcis_domain::intel::IntelReport;
use dcis_domain::role::Permission;
use dcis_store::{AccessRequest, ReportSummary, Share, SharingGroup};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/intelligence", get(list).post(create))
        .route("/intelligence/{id}", get(read).put(update))
        .route("/records/{id}/shares", get(shares).post(share))
        .route("/records/{id}/shares/{sid}/revoke", post(revoke))
        .route("/records/{id}/access-requests", post(request_access))
        .route("/access-requests", get(requests))
        .route("/access-requests/{id}/decision", post(decide))
        .route("/sharing-groups", get(groups).post(create_group))
        .route(
            "/sharing-groups/{id}/members",
            get(members).post(add_member),
        )
        .route("/sharing-groups/{id}/members/remove", post(remove_member))
        .route("/sources", get(sources).post(register_source))
}

type ApiResult = Result<Response, ApiError>;

fn rid(s: &str) -> Result<RecordId, ApiError> {
    s.parse().map_err(|_| ApiError::from(AppError::NotFound))
}

fn date(d: time::Date) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    d.format(f).unwrap_or_default()
}

#[derive(Serialize)]
struct AccessOut {
    owner_organisation: String,
    owner_unit: String,
    province: Option<String>,
    classification: &'static str,
    tlp: &'static str,
}

impl From<&dcis_domain::access::RecordAccess> for AccessOut {
    fn from(a: &dcis_domain::access::RecordAccess) -> Self {
        Self {
            owner_organisation: a.owner_organisation.to_string(),
            owner_unit: a.owner_unit.to_string(),
            province: a.province.map(|p| p.as_str().to_owned()),
            classification: a.classification.as_str(),
            tlp: a.tlp.label(),
        }
    }
}

#[derive(Serialize)]
struct ReportOut {
    id: String,
    reference: String,
    title: String,
    body: String,
    reported_on: String,
    source_code: String,
    grade: String,
    source_evaluation: &'static str,
    information_assessment: &'static str,
    handling_code: &'static str,
    handling_conditions: String,
    access: AccessOut,
    links: Vec<String>,
}

fn report_out(r: &IntelReport, links: Vec<RecordId>) -> ReportOut {
    ReportOut {
        id: r.id.to_string(),
        reference: r.reference.clone(),
        title: r.title.as_str().into(),
        body: r.body.as_str().into(),
        reported_on: date(r.reported_on),
        source_code: r.source.as_str().into(),
        grade: r.grade.to_string(),
        source_evaluation: r.grade.source.as_str(),
        information_assessment: r.grade.information.as_str(),
        handling_code: r.grade.handling.as_str(),
        handling_conditions: r.handling_conditions.clone(),
        access: AccessOut::from(&r.access),
        links: links.iter().map(|l| l.to_string()).collect(),
    }
}

#[derive(Serialize)]
struct SummaryOut {
    id: String,
    reference: String,
    reported_on: String,
    /// Absent when the caller may know the report exists but not read it.
    title: Option<String>,
    grade: Option<String>,
    readable: bool,
    access: AccessOut,
}

fn summary_out(r: &ReportSummary) -> SummaryOut {
    SummaryOut {
        id: r.access.record.to_string(),
        reference: r.reference.clone(),
        reported_on: r.reported_on.clone(),
        title: r.title.clone(),
        grade: r.grade.clone(),
        readable: r.readable,
        access: AccessOut::from(&r.access),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn list(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    a.actor
        .require(Permission::ReadRecords)
        .map_err(AppError::from)?;
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) = s
        .app
        .intel_reports(&a.actor, q.q.as_deref(), per_page, (page - 1) * per_page)
        .await?;
    Ok(Json(super::dto::Page {
        items: rows.iter().map(summary_out).collect(),
        total,
        page,
        per_page,
    })
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportIn {
    title: String,
    body: String,
    reported_on: String,
    source_code: String,
    source_evaluation: String,
    information_assessment: String,
    handling_code: String,
    #[serde(default)]
    handling_conditions: String,
    #[serde(default)]
    province: Option<String>,
    classification: String,
    tlp: String,
    #[serde(default)]
    links: Vec<String>,
}

impl From<ReportIn> for IntelInput {
    fn from(b: ReportIn) -> Self {
        IntelInput {
            title: b.title,
            body: b.body,
            reported_on: b.reported_on,
            source_code: b.source_code,
            source_evaluation: b.source_evaluation,
            information_assessment: b.information_assessment,
            handling_code: b.handling_code,
            handling_conditions: b.handling_conditions,
            province: b.province.unwrap_or_default(),
            classification: b.classification,
            tlp: b.tlp,
            links: b.links,
        }
    }
}

async fn create(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<ReportIn>,
) -> ApiResult {
    let r = s.app.create_intel_report(&a.actor, &b.into()).await?;
    let links = s.app.store.links_from(r.id).await.map_err(AppError::from)?;
    Ok((StatusCode::CREATED, Json(report_out(&r, links))).into_response())
}

async fn read(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let r = s
        .app
        .intel_report(&a.actor, id, &format!("/api/v1/intelligence/{id}"))
        .await?;
    let links = s.app.store.links_from(id).await.map_err(AppError::from)?;
    Ok(Json(report_out(&r, links)).into_response())
}

async fn update(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<ReportIn>,
) -> ApiResult {
    let id = rid(&id)?;
    let r = s.app.update_intel_report(&a.actor, id, &b.into()).await?;
    let links = s.app.store.links_from(id).await.map_err(AppError::from)?;
    Ok(Json(report_out(&r, links)).into_response())
}

async fn shares(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let (_, d, shares) = s.app.decision(&a.actor, id).await?;
    if !d.read {
        return Err(AppError::NotFound.into());
    }
    Ok(Json(shares).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShareIn {
    target_kind: String,
    target_id: String,
    #[serde(default)]
    handling: String,
    #[serde(default)]
    expires_in_days: Option<i64>,
    #[serde(default)]
    basis: String,
}

async fn share(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<ShareIn>,
) -> ApiResult {
    let input = ShareInput {
        target_kind: b.target_kind,
        target_id: b.target_id,
        handling: b.handling,
        expires_in_days: b.expires_in_days.map(|d| d.to_string()).unwrap_or_default(),
        basis: b.basis,
    };
    let sh: Share = s.app.share_record(&a.actor, rid(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(sh)).into_response())
}

async fn revoke(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult {
    let sid = sid
        .parse()
        .map_err(|_| ApiError::from(AppError::NotFound))?;
    s.app.revoke_share(&a.actor, rid(&id)?, sid).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestIn {
    reason: String,
}

async fn request_access(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<RequestIn>,
) -> ApiResult {
    let r: AccessRequest = s.app.request_access(&a.actor, rid(&id)?, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[derive(Serialize)]
struct RequestsOut {
    to_decide: Vec<AccessRequest>,
    mine: Vec<AccessRequest>,
}

async fn requests(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    let to_decide = s.app.requests_to_decide(&a.actor).await?;
    let mine = s
        .app
        .store
        .access_requests_by(a.user.id)
        .await
        .map_err(AppError::from)?;
    Ok(Json(RequestsOut { to_decide, mine }).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionIn {
    grant: bool,
    #[serde(default)]
    note: String,
    #[serde(default)]
    expires_in_days: Option<i64>,
}

async fn decide(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<DecisionIn>,
) -> ApiResult {
    let id = id.parse().map_err(|_| ApiError::from(AppError::NotFound))?;
    let days = b.expires_in_days.map(|d| d.to_string()).unwrap_or_default();
    let r = s
        .app
        .decide_access_request(&a.actor, id, b.grant, &b.note, &days)
        .await?;
    Ok(Json(r).into_response())
}

async fn groups(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let g: Vec<SharingGroup> = s.app.store.sharing_groups().await.map_err(AppError::from)?;
    Ok(Json(g).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupIn {
    code: String,
    name_en: String,
    name_lo: String,
    #[serde(default)]
    description: String,
}

async fn create_group(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<GroupIn>,
) -> ApiResult {
    let input = SharingGroupInput {
        code: b.code,
        name_en: b.name_en,
        name_lo: b.name_lo,
        description: b.description,
    };
    Ok((
        StatusCode::CREATED,
        Json(s.app.create_sharing_group(&a.actor, &input).await?),
    )
        .into_response())
}

async fn members(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    a.actor
        .require(Permission::ManageSharingGroups)
        .map_err(AppError::from)?;
    let gid = id.parse().map_err(|_| ApiError::from(AppError::NotFound))?;
    s.app
        .store
        .sharing_group(gid)
        .await
        .map_err(AppError::from)?
        .ok_or_else(|| ApiError::from(AppError::NotFound))?;
    Ok(Json(
        s.app
            .store
            .group_members(gid)
            .await
            .map_err(AppError::from)?,
    )
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberIn {
    kind: String,
    id: String,
}

async fn set_member(
    s: AppState,
    a: dcis_app::auth::Authenticated,
    id: String,
    b: MemberIn,
    add: bool,
) -> ApiResult {
    let gid = id.parse().map_err(|_| ApiError::from(AppError::NotFound))?;
    s.app
        .set_group_member(&a.actor, gid, &b.kind, &b.id, add)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn add_member(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<MemberIn>,
) -> ApiResult {
    set_member(s, a, id, b, true).await
}

async fn remove_member(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<MemberIn>,
) -> ApiResult {
    set_member(s, a, id, b, false).await
}

async fn sources(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    a.actor
        .require(Permission::ReadRecords)
        .map_err(AppError::from)?;
    Ok(Json(s.app.sources(&a.actor).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceIn {
    source_code: String,
    identity: String,
    #[serde(default)]
    notes: String,
}

async fn register_source(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<SourceIn>,
) -> ApiResult {
    let src = s
        .app
        .register_source(&a.actor, &b.source_code, &b.identity, &b.notes)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "source_code": src.code.as_str() })),
    )
        .into_response())
}
