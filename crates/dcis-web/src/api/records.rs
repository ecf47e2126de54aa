//! API for intelligence reports, shares, access requests, sharing groups
//! and sources.

use super::dto::Page;
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
use dcis_domain::access::ShareTarget;
use dcis_domain::intel::{IntelReport, Source};
use dcis_domain::role::Permission;
use dcis_store::{AccessRequest, ReportSummary, Share, SharingGroup};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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

/// Who owns a record and how it is marked.
#[derive(Serialize, ToSchema)]
pub(super) struct AccessOut {
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

/// An intelligence report.
#[derive(Serialize, ToSchema)]
pub(super) struct ReportOut {
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

/// A line of the intelligence list.
#[derive(Serialize, ToSchema)]
pub(super) struct ReportSummaryOut {
    id: String,
    reference: String,
    reported_on: String,
    /// Absent when the caller may know the report exists but not read it.
    title: Option<String>,
    grade: Option<String>,
    readable: bool,
    access: AccessOut,
}

fn summary_out(r: &ReportSummary) -> ReportSummaryOut {
    ReportSummaryOut {
        id: r.access.record.to_string(),
        reference: r.reference.clone(),
        reported_on: r.reported_on.clone(),
        title: r.title.clone(),
        grade: r.grade.clone(),
        readable: r.readable,
        access: AccessOut::from(&r.access),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Text to look for in references and titles.
    q: Option<String>,
    /// Page number, from 1.
    page: Option<i64>,
    /// Reports per page (1 to 500, default 50).
    per_page: Option<i64>,
}

/// The intelligence reports the caller may know of, a page at a time.
#[utoipa::path(get, path = "/intelligence", tag = "intelligence", operation_id = "list_reports", params(ListQuery),
    responses((status = 200, description = "A page of reports", body = Page<ReportSummaryOut>)))]
async fn list(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    a.actor
        .require(Permission::ReadRecords)
        .map_err(AppError::from)?;
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = crate::page_number(q.page);
    let (rows, total) = s
        .app
        .intel_reports(&a.actor, q.q.as_deref(), per_page, (page - 1) * per_page)
        .await?;
    Ok(Json(Page {
        items: rows.iter().map(summary_out).collect(),
        total,
        total_exact: true,
        page,
        per_page,
    })
    .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReportIn {
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

/// Records an intelligence report, graded 3x5x2.
#[utoipa::path(post, path = "/intelligence", tag = "intelligence", operation_id = "create_report", request_body = ReportIn,
    responses((status = 201, description = "The new report", body = ReportOut)))]
async fn create(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<ReportIn>,
) -> ApiResult {
    let r = s.app.create_intel_report(&a.actor, &b.into()).await?;
    let links = s.app.store.links_from(r.id).await.map_err(AppError::from)?;
    Ok((StatusCode::CREATED, Json(report_out(&r, links))).into_response())
}

/// One intelligence report (audited as a read).
#[utoipa::path(get, path = "/intelligence/{id}", tag = "intelligence", operation_id = "get_report",
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, description = "The report", body = ReportOut)))]
async fn read(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let r = s
        .app
        .intel_report(&a.actor, id, &format!("/api/v1/intelligence/{id}"))
        .await?;
    let links = s.app.store.links_from(id).await.map_err(AppError::from)?;
    Ok(Json(report_out(&r, links)).into_response())
}

/// Changes an intelligence report.
#[utoipa::path(put, path = "/intelligence/{id}", tag = "intelligence", operation_id = "update_report",
    params(("id" = String, Path, description = "Report id")), request_body = ReportIn,
    responses((status = 200, description = "The report as changed", body = ReportOut)))]
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

/// The shares of a record the caller may read.
#[utoipa::path(get, path = "/records/{id}/shares", tag = "sharing", operation_id = "list_shares", params(("id" = String, Path, description = "Record id (a case, person or intelligence report)")),
    responses((status = 200, description = "Shares", body = Vec<ShareOut>)))]
async fn shares(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let (_, d, shares) = s.app.decision(&a.actor, id).await?;
    if !d.read {
        return Err(AppError::NotFound.into());
    }
    Ok(Json(shares.into_iter().map(ShareOut::from).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ShareIn {
    target_kind: String,
    target_id: String,
    #[serde(default)]
    handling: String,
    #[serde(default)]
    expires_in_days: Option<i64>,
    #[serde(default)]
    basis: String,
}

/// Shares a record with a user, unit, organisation or sharing group.
#[utoipa::path(post, path = "/records/{id}/shares", tag = "sharing", operation_id = "share_record", params(("id" = String, Path, description = "Record id (a case, person or intelligence report)")),
    request_body = ShareIn,
    responses((status = 201, description = "The new share", body = ShareOut)))]
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
    Ok((StatusCode::CREATED, Json(ShareOut::from(sh))).into_response())
}

/// Revokes a share.
#[utoipa::path(post, path = "/records/{id}/shares/{sid}/revoke", tag = "sharing", operation_id = "revoke_share",
    params(("id" = String, Path, description = "Record id (a case, person or intelligence report)"), ("sid" = String, Path, description = "Share id")),
    responses((status = 204, description = "Revoked")))]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RequestIn {
    reason: String,
}

/// Asks the owner of a restricted record for access.
#[utoipa::path(post, path = "/records/{id}/access-requests", tag = "sharing", operation_id = "request_access",
    params(("id" = String, Path, description = "Record id (a case, person or intelligence report)")), request_body = RequestIn,
    responses((status = 201, description = "The request", body = AccessRequestOut)))]
async fn request_access(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<RequestIn>,
) -> ApiResult {
    let r: AccessRequest = s.app.request_access(&a.actor, rid(&id)?, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(AccessRequestOut::from(r))).into_response())
}

/// Access requests the caller may decide, and the caller's own.
#[derive(Serialize, ToSchema)]
pub(super) struct RequestsOut {
    to_decide: Vec<AccessRequestOut>,
    mine: Vec<AccessRequestOut>,
}

/// Access requests: those the caller may decide, and the caller's own.
#[utoipa::path(get, path = "/access-requests", tag = "sharing", operation_id = "list_access_requests",
    responses((status = 200, description = "Access requests", body = RequestsOut)))]
async fn requests(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    let to_decide = s.app.requests_to_decide(&a.actor).await?;
    let mine = s
        .app
        .store
        .access_requests_by(a.user.id)
        .await
        .map_err(AppError::from)?;
    let out = |l: Vec<AccessRequest>| l.into_iter().map(AccessRequestOut::from).collect();
    Ok(Json(RequestsOut {
        to_decide: out(to_decide),
        mine: out(mine),
    })
    .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DecisionIn {
    grant: bool,
    #[serde(default)]
    note: String,
    #[serde(default)]
    expires_in_days: Option<i64>,
}

/// Grants or refuses an access request.
#[utoipa::path(post, path = "/access-requests/{id}/decision", tag = "sharing", operation_id = "decide_access_request",
    params(("id" = String, Path, description = "Access request id")), request_body = DecisionIn,
    responses((status = 200, description = "The request as decided", body = AccessRequestOut)))]
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
    Ok(Json(AccessRequestOut::from(r)).into_response())
}

/// The sharing groups.
#[utoipa::path(get, path = "/sharing-groups", tag = "sharing", operation_id = "list_sharing_groups",
    responses((status = 200, description = "Sharing groups", body = Vec<SharingGroupOut>)))]
async fn groups(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let g: Vec<SharingGroup> = s.app.store.sharing_groups().await.map_err(AppError::from)?;
    Ok(Json(g.into_iter().map(SharingGroupOut::from).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct GroupIn {
    code: String,
    name_en: String,
    name_lo: String,
    #[serde(default)]
    description: String,
}

/// Creates a sharing group.
#[utoipa::path(post, path = "/sharing-groups", tag = "sharing", operation_id = "create_sharing_group",
    request_body = GroupIn,
    responses((status = 201, description = "The new group", body = SharingGroupOut)))]
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
        Json(SharingGroupOut::from(
            s.app.create_sharing_group(&a.actor, &input).await?,
        )),
    )
        .into_response())
}

/// The members of a sharing group.
#[utoipa::path(get, path = "/sharing-groups/{id}/members", tag = "sharing", operation_id = "list_group_members",
    params(("id" = String, Path, description = "Sharing group id")),
    responses((status = 200, description = "Members", body = Vec<TargetOut>)))]
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
    let members = s
        .app
        .store
        .group_members(gid)
        .await
        .map_err(AppError::from)?;
    Ok(Json(members.iter().map(TargetOut::from).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MemberIn {
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

/// Adds a user, unit or organisation to a sharing group.
#[utoipa::path(post, path = "/sharing-groups/{id}/members", tag = "sharing", operation_id = "add_group_member",
    params(("id" = String, Path, description = "Sharing group id")), request_body = MemberIn,
    responses((status = 204, description = "Added")))]
async fn add_member(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<MemberIn>,
) -> ApiResult {
    set_member(s, a, id, b, true).await
}

/// Removes a member from a sharing group.
#[utoipa::path(post, path = "/sharing-groups/{id}/members/remove", tag = "sharing", operation_id = "remove_group_member",
    params(("id" = String, Path, description = "Sharing group id")), request_body = MemberIn,
    responses((status = 204, description = "Removed")))]
async fn remove_member(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<MemberIn>,
) -> ApiResult {
    set_member(s, a, id, b, false).await
}

/// The sources of the caller's unit (identities only for source handlers).
#[utoipa::path(get, path = "/sources", tag = "intelligence", operation_id = "list_sources",
    responses((status = 200, description = "Sources", body = Vec<SourceOut>)))]
async fn sources(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    a.actor
        .require(Permission::ReadRecords)
        .map_err(AppError::from)?;
    let sources = s.app.sources(&a.actor).await?;
    Ok(Json(sources.into_iter().map(SourceOut::from).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceIn {
    source_code: String,
    identity: String,
    #[serde(default)]
    notes: String,
}

/// Registers an intelligence source.
#[utoipa::path(post, path = "/sources", tag = "intelligence", operation_id = "register_source",
    request_body = SourceIn,
    responses((status = 201, description = "The source's code", body = RegisteredSourceOut)))]
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
        Json(RegisteredSourceOut {
            source_code: src.code.as_str().to_owned(),
        }),
    )
        .into_response())
}

use super::dto::ts;

/// Whom a share opens a record to, or a member of a sharing group.
#[derive(Serialize, ToSchema)]
pub(super) struct TargetOut {
    /// `user`, `unit`, `organisation` or `group`.
    kind: &'static str,
    id: String,
}

impl From<&ShareTarget> for TargetOut {
    fn from(t: &ShareTarget) -> Self {
        Self {
            kind: t.kind(),
            id: t.id_string(),
        }
    }
}

/// A share of a record.
#[derive(Serialize, ToSchema)]
pub(super) struct ShareOut {
    id: String,
    record: String,
    target: TargetOut,
    /// `release`, `need_to_know` or `access_grant`.
    basis: &'static str,
    /// Handling instructions recorded with the share.
    handling: String,
    shared_by: String,
    shared_at: String,
    expires_at: Option<String>,
    revoked_at: Option<String>,
}

impl From<Share> for ShareOut {
    fn from(s: Share) -> Self {
        let Share {
            id,
            record,
            target,
            basis,
            handling,
            shared_by,
            shared_at,
            expires_at,
            revoked_at,
        } = s;
        Self {
            id: id.to_string(),
            record: record.to_string(),
            target: TargetOut::from(&target),
            basis: basis.as_str(),
            handling,
            shared_by: shared_by.to_string(),
            shared_at: ts(&shared_at),
            expires_at: expires_at.as_ref().map(ts),
            revoked_at: revoked_at.as_ref().map(ts),
        }
    }
}

/// A request for access to a restricted record.
#[derive(Serialize, ToSchema)]
pub(super) struct AccessRequestOut {
    id: String,
    record: String,
    requester: String,
    reason: String,
    /// `pending`, `granted`, `refused` or `withdrawn`.
    status: &'static str,
    requested_at: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    decision_note: String,
    grant_expires_at: Option<String>,
}

impl From<AccessRequest> for AccessRequestOut {
    fn from(r: AccessRequest) -> Self {
        let AccessRequest {
            id,
            record,
            requester,
            reason,
            status,
            requested_at,
            decided_by,
            decided_at,
            decision_note,
            grant_expires_at,
        } = r;
        Self {
            id: id.to_string(),
            record: record.to_string(),
            requester: requester.to_string(),
            reason,
            status: status.as_str(),
            requested_at: ts(&requested_at),
            decided_by: decided_by.map(|u| u.to_string()),
            decided_at: decided_at.as_ref().map(ts),
            decision_note,
            grant_expires_at: grant_expires_at.as_ref().map(ts),
        }
    }
}

/// A sharing group.
#[derive(Serialize, ToSchema)]
pub(super) struct SharingGroupOut {
    id: String,
    installation: String,
    code: String,
    name_en: String,
    name_lo: String,
    description: String,
}

impl From<SharingGroup> for SharingGroupOut {
    fn from(g: SharingGroup) -> Self {
        let SharingGroup {
            id,
            installation,
            code,
            name_en,
            name_lo,
            description,
        } = g;
        Self {
            id: id.to_string(),
            installation: installation.to_string(),
            code,
            name_en: name_en.as_str().to_owned(),
            name_lo: name_lo.as_str().to_owned(),
            description,
        }
    }
}

/// A registered intelligence source. `identity` and `notes` are empty
/// unless the caller handles sources.
#[derive(Serialize, ToSchema)]
pub(super) struct SourceOut {
    code: String,
    handler_unit: String,
    identity: String,
    notes: String,
}

impl From<Source> for SourceOut {
    fn from(s: Source) -> Self {
        let Source {
            code,
            handler_unit,
            identity,
            notes,
        } = s;
        Self {
            code: code.as_str().to_owned(),
            handler_unit: handler_unit.to_string(),
            identity,
            notes,
        }
    }
}

/// The code of a newly registered source.
#[derive(Serialize, ToSchema)]
pub(super) struct RegisteredSourceOut {
    source_code: String,
}
