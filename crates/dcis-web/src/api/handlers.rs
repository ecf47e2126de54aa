//! API handlers: thin adapters from wire types to `dcis_app` use cases.

use super::dto::*;
use super::{Body, Caller};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dcis_app::geo::{BorderCrossingInput, VillageInput};
use dcis_app::orgs::{OrganisationInput, UnitInput};
use dcis_app::users::{NewUserInput, UserProfileInput};
use dcis_app::AppError;
use dcis_domain::geo::{DistrictCode, ProvinceCode};
use dcis_domain::ids::{ApiTokenId, OrganisationId, UnitId, UserId};
use dcis_domain::role::Permission;
use dcis_store::UserFilter;
use serde::Deserialize;
use utoipa::IntoParams;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/users", get(list_users).post(create_user))
        .route("/users/{id}", get(get_user).put(update_user))
        .route("/users/{id}/disable", post(disable_user))
        .route("/users/{id}/enable", post(enable_user))
        .route("/users/{id}/reset-password", post(reset_password))
        .route(
            "/organisations",
            get(list_organisations).post(create_organisation),
        )
        .route(
            "/organisations/{id}",
            get(get_organisation).put(update_organisation),
        )
        .route("/units", get(list_units).post(create_unit))
        .route("/units/{id}", get(get_unit).put(update_unit))
        .route("/provinces", get(list_provinces))
        .route("/provinces/{code}/districts", get(list_districts))
        .route(
            "/districts/{code}/villages",
            get(list_villages).post(create_village),
        )
        .route(
            "/border-crossings",
            get(list_crossings).post(create_crossing),
        )
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}/revoke", post(revoke_token))
        .route("/audit", get(audit_log))
        .route("/audit/verify", post(audit_verify))
        .route("/history/{entity_type}/{id}", get(history))
}

type ApiResult = Result<Response, ApiError>;

fn ok<T: serde::Serialize>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

fn created<T: serde::Serialize>(v: T) -> ApiResult {
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

fn not_found() -> ApiError {
    AppError::NotFound.into()
}

fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, ApiError> {
    s.parse().map_err(|_| not_found())
}

/// The caller: user, permissions, and the token of the request.
#[utoipa::path(get, path = "/me", tag = "account",
    responses((status = 200, description = "The caller", body = MeOut)))]
async fn me(Caller(a): Caller) -> ApiResult {
    ok(MeOut {
        user: UserOut::from(&a.user),
        permissions: Permission::ALL
            .into_iter()
            .filter(|p| a.actor.may(*p))
            .collect(),
        via_token: a.actor.token.map(|(id, _)| id.to_string()),
    })
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Text to look for in user names and display names.
    q: Option<String>,
    /// Only users of units of this organisation (id).
    organisation: Option<String>,
    /// Include disabled users.
    include_disabled: Option<bool>,
    /// Page number, from 1.
    page: Option<i64>,
    /// Users per page (1 to 500, default 50).
    per_page: Option<i64>,
}

/// Users the caller may administer, a page at a time.
#[utoipa::path(get, path = "/users", tag = "users", params(ListQuery),
    responses((status = 200, description = "A page of users", body = Page<UserOut>)))]
async fn list_users(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = crate::page_number(q.page);
    let organisation = match q.organisation.as_deref() {
        Some(o) => Some(o.parse::<OrganisationId>().map_err(|_| {
            AppError::from(dcis_domain::FieldError::new(
                "organisation",
                "err-organisation-unknown",
            ))
        })?),
        None => None,
    };
    let filter = UserFilter {
        text: q.q,
        organisation,
        include_disabled: q.include_disabled.unwrap_or(false),
        limit: per_page,
        offset: (page - 1) * per_page,
        ..Default::default()
    };
    let (rows, total) = s.app.list_users(&a.actor, filter).await?;
    ok(Page {
        items: rows.iter().map(|r| UserOut::from(&r.user)).collect(),
        total,
        total_exact: true,
        page,
        per_page,
    })
}

/// Creates a user. Without `password`, one is generated and returned once.
#[utoipa::path(post, path = "/users", tag = "users", request_body = UserIn,
    responses((status = 201, description = "The new user", body = CreatedUserOut)))]
async fn create_user(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<UserIn>,
) -> ApiResult {
    let input = NewUserInput {
        username: b.username,
        display_name: b.display_name,
        password: b.password,
        unit: b.unit,
        role: b.role,
        scope: b.scope.to_text(),
        clearance: b.clearance,
        language: b.language,
    };
    let (user, generated) = s.app.create_user(Some(&a.actor), &input).await?;
    created(CreatedUserOut {
        user: UserOut::from(&user),
        generated_password: generated,
    })
}

/// One user within the caller's administrative scope.
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "The user", body = UserOut)))]
async fn get_user(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let id: UserId = parse_id(&id)?;
    if id == a.user.id {
        return ok(UserOut::from(&a.user));
    }
    ok(UserOut::from(&s.app.visible_user(&a.actor, id).await?.user))
}

/// Changes a user's profile, role, scope and clearance.
#[utoipa::path(put, path = "/users/{id}", tag = "users", params(("id" = String, Path, description = "User id")),
    request_body = UserProfileIn,
    responses((status = 200, description = "The user as changed", body = UserOut)))]
async fn update_user(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<UserProfileIn>,
) -> ApiResult {
    let id: UserId = parse_id(&id)?;
    let input = UserProfileInput {
        display_name: b.display_name,
        unit: b.unit,
        role: b.role,
        scope: b.scope.to_text(),
        clearance: b.clearance,
        language: b.language,
    };
    ok(UserOut::from(
        &s.app.update_user(&a.actor, id, &input).await?,
    ))
}

/// Disables a user and ends their sessions.
#[utoipa::path(post, path = "/users/{id}/disable", tag = "users", params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "The user", body = UserOut)))]
async fn disable_user(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    ok(UserOut::from(
        &s.app
            .set_user_disabled(Some(&a.actor), parse_id(&id)?, true)
            .await?,
    ))
}

/// Enables a disabled user.
#[utoipa::path(post, path = "/users/{id}/enable", tag = "users", params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "The user", body = UserOut)))]
async fn enable_user(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    ok(UserOut::from(
        &s.app
            .set_user_disabled(Some(&a.actor), parse_id(&id)?, false)
            .await?,
    ))
}

/// Sets a new password for a user; without one, generates it.
///
/// The body is optional: without one (or with no `password`) a password
/// is generated and returned once.
#[utoipa::path(post, path = "/users/{id}/reset-password", tag = "users",
    params(("id" = String, Path, description = "User id")),
    request_body(content = Option<PasswordIn>, description = "Optional: the new password"),
    responses((status = 200, description = "The generated password, or null", body = GeneratedPasswordOut)))]
async fn reset_password(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    raw: axum::body::Bytes,
) -> ApiResult {
    let given = if raw.iter().all(u8::is_ascii_whitespace) {
        String::new()
    } else {
        serde_json::from_slice::<PasswordIn>(&raw)
            .map_err(|e| {
                let mut info = crate::error::ErrorInfo::new(StatusCode::BAD_REQUEST, "error-json");
                info.args.push(("detail", e.to_string()));
                ApiError(info)
            })?
            .password
    };
    let generated = s
        .app
        .reset_password(Some(&a.actor), parse_id(&id)?, &given)
        .await?;
    ok(GeneratedPasswordOut {
        generated_password: generated,
    })
}

/// All organisations (agencies) of the installation.
#[utoipa::path(get, path = "/organisations", tag = "organisations",
    responses((status = 200, description = "Organisations", body = Vec<OrganisationOut>)))]
async fn list_organisations(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let orgs = s.app.store.organisations().await.map_err(AppError::from)?;
    ok(orgs.iter().map(OrganisationOut::from).collect::<Vec<_>>())
}

fn org_input(b: OrganisationIn) -> OrganisationInput {
    OrganisationInput {
        code: b.code,
        kind: b.kind,
        name_en: b.name_en,
        name_lo: b.name_lo,
        province: b.province.unwrap_or_default(),
    }
}

/// Creates an organisation.
#[utoipa::path(post, path = "/organisations", tag = "organisations", request_body = OrganisationIn,
    responses((status = 201, description = "The new organisation", body = OrganisationOut)))]
async fn create_organisation(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<OrganisationIn>,
) -> ApiResult {
    created(OrganisationOut::from(
        &s.app
            .create_organisation(Some(&a.actor), &org_input(b))
            .await?,
    ))
}

/// One organisation.
#[utoipa::path(get, path = "/organisations/{id}", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, description = "The organisation", body = OrganisationOut)))]
async fn get_organisation(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let o = s
        .app
        .store
        .organisation(parse_id(&id)?)
        .await
        .map_err(AppError::from)?
        .ok_or_else(not_found)?;
    ok(OrganisationOut::from(&o))
}

/// Changes an organisation.
#[utoipa::path(put, path = "/organisations/{id}", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id")), request_body = OrganisationIn,
    responses((status = 200, description = "The organisation as changed", body = OrganisationOut)))]
async fn update_organisation(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<OrganisationIn>,
) -> ApiResult {
    ok(OrganisationOut::from(
        &s.app
            .update_organisation(&a.actor, parse_id(&id)?, &org_input(b))
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UnitQuery {
    /// Only the units of this organisation (id).
    organisation: Option<String>,
}

/// Units, of all organisations or of one.
#[utoipa::path(get, path = "/units", tag = "organisations", params(UnitQuery),
    responses((status = 200, description = "Units", body = Vec<UnitOut>)))]
async fn list_units(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<UnitQuery>,
) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let of = match q.organisation.as_deref() {
        Some(o) => Some(parse_id::<OrganisationId>(o)?),
        None => None,
    };
    let units = s.app.store.units(of).await.map_err(AppError::from)?;
    ok(units.iter().map(UnitOut::from).collect::<Vec<_>>())
}

fn unit_input(b: UnitIn) -> UnitInput {
    UnitInput {
        organisation: b.organisation,
        name_en: b.name_en,
        name_lo: b.name_lo,
        province: b.province.unwrap_or_default(),
        district: b.district.unwrap_or_default(),
    }
}

/// Creates a unit.
#[utoipa::path(post, path = "/units", tag = "organisations", request_body = UnitIn,
    responses((status = 201, description = "The new unit", body = UnitOut)))]
async fn create_unit(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<UnitIn>,
) -> ApiResult {
    created(UnitOut::from(
        &s.app.create_unit(Some(&a.actor), &unit_input(b)).await?,
    ))
}

/// One unit.
#[utoipa::path(get, path = "/units/{id}", tag = "organisations", params(("id" = String, Path, description = "Unit id")),
    responses((status = 200, description = "The unit", body = UnitOut)))]
async fn get_unit(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let u = s
        .app
        .store
        .unit(parse_id::<UnitId>(&id)?)
        .await
        .map_err(AppError::from)?
        .ok_or_else(not_found)?;
    ok(UnitOut::from(&u))
}

/// Changes a unit.
#[utoipa::path(put, path = "/units/{id}", tag = "organisations", params(("id" = String, Path, description = "Unit id")),
    request_body = UnitIn,
    responses((status = 200, description = "The unit as changed", body = UnitOut)))]
async fn update_unit(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<UnitIn>,
) -> ApiResult {
    ok(UnitOut::from(
        &s.app
            .update_unit(&a.actor, parse_id(&id)?, &unit_input(b))
            .await?,
    ))
}

/// The provinces, with their number of districts.
#[utoipa::path(get, path = "/provinces", tag = "geography",
    responses((status = 200, description = "Provinces", body = Vec<ProvinceOut>)))]
async fn list_provinces(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let ps = s.app.store.provinces().await.map_err(AppError::from)?;
    ok(ps
        .iter()
        .map(|(p, n)| ProvinceOut::new(p, *n))
        .collect::<Vec<_>>())
}

/// The districts of a province.
#[utoipa::path(get, path = "/provinces/{code}/districts", tag = "geography",
    params(("code" = String, Path, description = "Province code (two digits)")),
    responses((status = 200, description = "Districts", body = Vec<DistrictOut>)))]
async fn list_districts(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(code): Path<String>,
) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let code = ProvinceCode::parse(&code).map_err(|_| not_found())?;
    if s.app
        .store
        .province(code)
        .await
        .map_err(AppError::from)?
        .is_none()
    {
        return Err(not_found());
    }
    let ds = s.app.store.districts(code).await.map_err(AppError::from)?;
    ok(ds.iter().map(DistrictOut::from).collect::<Vec<_>>())
}

/// The villages of a district.
#[utoipa::path(get, path = "/districts/{code}/villages", tag = "geography",
    params(("code" = String, Path, description = "District code (four digits)")),
    responses((status = 200, description = "Villages", body = Vec<VillageOut>)))]
async fn list_villages(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(code): Path<String>,
) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let code = DistrictCode::parse(&code).map_err(|_| not_found())?;
    if s.app
        .store
        .district(code)
        .await
        .map_err(AppError::from)?
        .is_none()
    {
        return Err(not_found());
    }
    let vs = s.app.store.villages(code).await.map_err(AppError::from)?;
    ok(vs.iter().map(VillageOut::from).collect::<Vec<_>>())
}

fn num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Adds a village to a district.
#[utoipa::path(post, path = "/districts/{code}/villages", tag = "geography",
    params(("code" = String, Path, description = "District code (four digits)")), request_body = VillageIn,
    responses((status = 201, description = "The new village", body = VillageOut)))]
async fn create_village(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(code): Path<String>,
    Body(b): Body<VillageIn>,
) -> ApiResult {
    let input = VillageInput {
        district: code,
        name_en: b.name_en,
        name_lo: b.name_lo,
        latitude: num(b.latitude),
        longitude: num(b.longitude),
    };
    created(VillageOut::from(
        &s.app.add_village(&a.actor, &input).await?,
    ))
}

/// The border crossings, with their Border Liaison Offices.
#[utoipa::path(get, path = "/border-crossings", tag = "geography",
    responses((status = 200, description = "Border crossings", body = Vec<CrossingOut>)))]
async fn list_crossings(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    a.actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let bs = s
        .app
        .store
        .border_crossings()
        .await
        .map_err(AppError::from)?;
    ok(bs.iter().map(CrossingOut::from).collect::<Vec<_>>())
}

/// Adds a border crossing.
#[utoipa::path(post, path = "/border-crossings", tag = "geography", request_body = CrossingIn,
    responses((status = 201, description = "The new border crossing", body = CrossingOut)))]
async fn create_crossing(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<CrossingIn>,
) -> ApiResult {
    let input = BorderCrossingInput {
        name_en: b.name_en,
        name_lo: b.name_lo,
        province: b.province,
        district: b.district.unwrap_or_default(),
        counterpart_country: b.counterpart_country,
        counterpart_name: b.counterpart_name,
        border_type: b.border_type,
        has_blo: b.has_blo,
        latitude: num(b.latitude),
        longitude: num(b.longitude),
        notes: b.notes,
    };
    created(CrossingOut::from(
        &s.app.add_border_crossing(Some(&a.actor), &input).await?,
    ))
}

/// The caller's API tokens (never their secrets).
#[utoipa::path(get, path = "/tokens", tag = "account",
    responses((status = 200, description = "Tokens", body = Vec<TokenOut>)))]
async fn list_tokens(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    let ts = s.app.api_tokens(a.user.id).await?;
    ok(ts.iter().map(TokenOut::from).collect::<Vec<_>>())
}

/// Creates an API token; its secret is in this answer only.
#[utoipa::path(post, path = "/tokens", tag = "account", request_body = TokenIn,
    responses((status = 201, description = "The new token with its secret", body = TokenOut)))]
async fn create_token(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<TokenIn>,
) -> ApiResult {
    let days = b.expires_in_days.map(|d| d.to_string()).unwrap_or_default();
    let (t, secret) = s
        .app
        .create_api_token(&a.actor, &b.name, &b.role, &days)
        .await?;
    let mut out = TokenOut::from(&t);
    out.secret = Some(secret);
    created(out)
}

/// Revokes one of the caller's API tokens.
#[utoipa::path(post, path = "/tokens/{id}/revoke", tag = "account", params(("id" = String, Path, description = "Token id")),
    responses((status = 204, description = "Revoked")))]
async fn revoke_token(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    s.app
        .revoke_api_token(&a.actor, parse_id::<ApiTokenId>(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only entries before this sequence number (for paging back).
    before: Option<i64>,
    /// Only entries of this action (`read` shows who read what).
    action: Option<String>,
    /// At most this many entries (1 to 1000, default 100).
    limit: Option<i64>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "Audit entries", body = Vec<AuditOut>)))]
async fn audit_log(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<AuditQuery>,
) -> ApiResult {
    let es = s
        .app
        .audit_log(
            &a.actor,
            q.before,
            q.action.as_deref(),
            q.limit.unwrap_or(100).clamp(1, 1000),
        )
        .await?;
    ok(es.iter().map(AuditOut::from).collect::<Vec<_>>())
}

/// Walks the audit chain and reports the first break, if any.
#[utoipa::path(post, path = "/audit/verify", tag = "audit",
    responses((status = 200, description = "The result", body = VerifyOut)))]
async fn audit_verify(State(s): State<AppState>, Caller(a): Caller) -> ApiResult {
    a.actor
        .require(Permission::VerifyAuditChain)
        .map_err(AppError::from)?;
    let result = s
        .app
        .store
        .verify_audit_chain(1000)
        .await
        .map_err(AppError::from)?;
    ok(VerifyOut::from(result))
}

/// The audit entries of one entity.
#[utoipa::path(get, path = "/history/{entity_type}/{id}", tag = "audit",
    params(("entity_type" = String, Path, description = "Kind of entity (`user`, `case`…)"),
           ("id" = String, Path, description = "Entity id")),
    responses((status = 200, description = "Audit entries", body = Vec<AuditOut>)))]
async fn history(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((entity_type, id)): Path<(String, String)>,
) -> ApiResult {
    let es = s.app.history(&a.actor, &entity_type, &id).await?;
    ok(es.iter().map(AuditOut::from).collect::<Vec<_>>())
}
