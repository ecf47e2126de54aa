//! User administration pages.

use super::{history_rows, html, Ctx, HistoryRow, Pager};
use crate::auth::{urlencode, CurrentUser};
use crate::error::PageError;
use crate::i18n::{FormState, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dcis_app::users::{NewUserInput, UserProfileInput};
use dcis_app::AppError;
use dcis_domain::ids::UserId;
use dcis_domain::role::{Clearance, GeoScope, Permission, Role};
use dcis_domain::user::{Language, User};
use dcis_store::UserFilter;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{id}", get(show).post(update))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/enable", post(enable))
        .route("/admin/users/{id}/reset-password", post(reset_password))
}

pub struct Opt {
    pub value: String,
    pub label: String,
}

pub struct OptGroup {
    pub label: String,
    pub options: Vec<Opt>,
}

pub struct UserLine {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub unit: String,
    pub role: String,
    pub scope: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: Ctx,
    q: String,
    org: String,
    disabled: bool,
    organisations: Vec<Opt>,
    users: Vec<UserLine>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    org: Option<String>,
    disabled: Option<String>,
    page: Option<i64>,
    done: Option<String>,
}

fn scope_label(tr: &Tr, s: &GeoScope) -> String {
    match s {
        GeoScope::National => tr.t("scope-national"),
        GeoScope::Provinces(set) => set
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

async fn unit_labels(
    state: &AppState,
    tr: &Tr,
) -> Result<(Vec<OptGroup>, HashMap<String, String>), AppError> {
    let lo = tr.lang == Language::Lo;
    let orgs = state.app.store.organisations().await?;
    let units = state.app.store.units(None).await?;
    let mut groups = Vec::new();
    let mut labels = HashMap::new();
    for o in &orgs {
        let mut options = Vec::new();
        for u in units.iter().filter(|u| u.organisation == o.id) {
            let name = if lo {
                u.name_lo.as_str()
            } else {
                u.name_en.as_str()
            };
            labels.insert(u.id.to_string(), format!("{} · {}", o.code.as_str(), name));
            options.push(Opt {
                value: u.id.to_string(),
                label: name.to_owned(),
            });
        }
        let oname = if lo {
            o.name_lo.as_str()
        } else {
            o.name_en.as_str()
        };
        groups.push(OptGroup {
            label: format!("{} — {}", o.code.as_str(), oname),
            options,
        });
    }
    Ok((groups, labels))
}

async fn list(
    State(state): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ManageUsers)
        .map_err(AppError::from)?;
    let ctx = Ctx::for_user(&cu, "/admin/users", "users").with_flash(q.done.as_deref());
    let page = crate::page_number(q.page);
    let org = q.org.clone().unwrap_or_default();
    let filter = UserFilter {
        text: q.q.clone(),
        organisation: org.parse().ok(),
        include_disabled: q.disabled.is_some(),
        limit: Pager::SIZE,
        offset: Pager::offset(page),
        ..Default::default()
    };
    let (rows, total) = state.app.list_users(&cu.auth.actor, filter).await?;
    let (_, labels) = unit_labels(&state, &ctx.tr).await?;
    let organisations = state
        .app
        .store
        .organisations()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|o| Opt {
            value: o.id.to_string(),
            label: o.code.as_str().to_owned(),
        })
        .collect();
    let users = rows
        .into_iter()
        .map(|r| UserLine {
            id: r.user.id.to_string(),
            username: r.user.username.as_str().to_owned(),
            display_name: r.user.display_name.as_str().to_owned(),
            unit: labels
                .get(&r.user.unit.to_string())
                .cloned()
                .unwrap_or_default(),
            role: ctx.tr.choice("role", r.user.role.as_str()),
            scope: scope_label(&ctx.tr, &r.user.scope),
            active: r.user.is_active(),
        })
        .collect();
    let qs = q.q.clone().unwrap_or_default();
    let disabled = q.disabled.is_some();
    let pager = Pager::new(page, total, |p| {
        format!(
            "/admin/users?q={}&org={}{}&page={p}",
            urlencode(&qs),
            urlencode(&org),
            if disabled { "&disabled=1" } else { "" }
        )
    });
    Ok(html(&UsersPage {
        ctx,
        q: qs.clone(),
        org: org.clone(),
        disabled,
        organisations,
        users,
        pager,
    }))
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserFormPage {
    ctx: Ctx,
    /// `None` for a new user.
    user_id: Option<String>,
    username: String,
    active: bool,
    form: FormState,
    units: Vec<OptGroup>,
    roles: Vec<Opt>,
    clearances: Vec<Opt>,
    provinces: Vec<Opt>,
    history: Vec<HistoryRow>,
    tokens: Vec<super::account::TokenLine>,
    is_self: bool,
}

impl UserFormPage {
    fn province_checked(&self, code: &str) -> bool {
        self.form
            .values
            .get("provinces")
            .is_some_and(|v| v.split(',').any(|c| c == code))
    }
}

async fn choices(
    state: &AppState,
    tr: &Tr,
) -> Result<(Vec<OptGroup>, Vec<Opt>, Vec<Opt>, Vec<Opt>), AppError> {
    let (units, _) = unit_labels(state, tr).await?;
    let roles = Role::ALL
        .iter()
        .map(|r| Opt {
            value: r.as_str().into(),
            label: tr.choice("role", r.as_str()),
        })
        .collect();
    let clearances = Clearance::ALL
        .iter()
        .map(|c| Opt {
            value: c.as_str().into(),
            label: tr.choice("clearance", c.as_str()),
        })
        .collect();
    let lo = tr.lang == Language::Lo;
    let provinces = state
        .app
        .store
        .provinces()
        .await?
        .into_iter()
        .map(|(p, _)| Opt {
            value: p.code.as_str().into(),
            label: format!(
                "{} {}",
                p.code.as_str(),
                if lo { &p.name_lo } else { &p.name_en }
            ),
        })
        .collect();
    Ok((units, roles, clearances, provinces))
}

/// Collapses the form's pairs: repeated `provinces` become one list, and
/// the scope radio plus the provinces become the scope string.
fn collapse(pairs: Vec<(String, String)>) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = HashMap::new();
    let mut provinces = Vec::new();
    for (k, v) in pairs {
        if k == "provinces" {
            provinces.push(v);
        } else {
            m.insert(k, v);
        }
    }
    m.insert("provinces".into(), provinces.join(","));
    let scope = if m.get("scope_kind").map(String::as_str) == Some("provinces") {
        provinces.join(",")
    } else {
        "national".into()
    };
    m.insert("scope".into(), scope);
    m
}

fn values_of(u: &User) -> HashMap<String, String> {
    let (kind, provinces) = match &u.scope {
        GeoScope::National => ("national", String::new()),
        GeoScope::Provinces(_) => ("provinces", u.scope.to_storage()),
    };
    HashMap::from([
        ("username".into(), u.username.as_str().into()),
        ("display_name".into(), u.display_name.as_str().into()),
        ("unit".into(), u.unit.to_string()),
        ("role".into(), u.role.as_str().into()),
        ("scope_kind".into(), kind.into()),
        ("provinces".into(), provinces),
        ("clearance".into(), u.clearance.as_str().into()),
        ("language".into(), u.language.as_str().into()),
    ])
}

const USER_FIELDS: &[&str] = &[
    "username",
    "display_name",
    "password",
    "unit",
    "role",
    "scope",
    "clearance",
    "language",
];

async fn form_page(
    state: &AppState,
    cu: &CurrentUser,
    user: Option<&User>,
    form: FormState,
) -> Result<UserFormPage, AppError> {
    let here = match user {
        Some(u) => format!("/admin/users/{}", u.id),
        None => "/admin/users/new".to_owned(),
    };
    let ctx = Ctx::for_user(cu, &here, "users");
    let (units, roles, clearances, provinces) = choices(state, &ctx.tr).await?;
    let (history, tokens) = match user {
        Some(u) => (
            history_rows(
                &ctx.tr,
                &state
                    .app
                    .store
                    .audit_history("user", &u.id.to_string())
                    .await?,
            ),
            super::account::token_lines(
                &ctx.tr,
                &state.app.api_tokens(u.id).await?,
                state.app.now(),
            ),
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(UserFormPage {
        user_id: user.map(|u| u.id.to_string()),
        username: user
            .map(|u| u.username.as_str().to_owned())
            .unwrap_or_default(),
        active: user.is_none_or(User::is_active),
        is_self: user.is_some_and(|u| u.id == cu.auth.user.id),
        ctx,
        form,
        units,
        roles,
        clearances,
        provinces,
        history,
        tokens,
    })
}

async fn new_form(State(state): State<AppState>, cu: CurrentUser) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ManageUsers)
        .map_err(AppError::from)?;
    let mut form = FormState::default();
    form.values.insert("scope_kind".into(), "national".into());
    form.values.insert("clearance".into(), "restricted".into());
    form.values.insert("role".into(), "data_clerk".into());
    form.values.insert("language".into(), "lo".into());
    Ok(html(&form_page(&state, &cu, None, form).await?))
}

/// Re-renders a form with its errors (422/409), or shows the error page.
pub(super) fn form_error<F>(
    e: AppError,
    values: HashMap<String, String>,
    tr: &Tr,
    shown: &[&str],
    page: F,
) -> Result<Response, PageError>
where
    F: FnOnce(FormState) -> Result<Response, PageError>,
{
    let (status, fields) = match e {
        AppError::Validation(f) => (StatusCode::UNPROCESSABLE_ENTITY, f),
        AppError::Conflict { field, key } => (
            StatusCode::CONFLICT,
            dcis_domain::FieldError::new(field, key).into(),
        ),
        other => return Err(other.into()),
    };
    let mut form = FormState::with_values(values);
    form.add_errors(tr, &fields, shown);
    let mut r = page(form)?;
    *r.status_mut() = status;
    Ok(r)
}

#[derive(Template)]
#[template(path = "user_secret.html")]
struct SecretPage {
    ctx: Ctx,
    user_id: String,
    username: String,
    password: String,
}

async fn create(
    State(state): State<AppState>,
    cu: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let v = collapse(pairs);
    let input = NewUserInput {
        username: super::field(&v, "username"),
        display_name: super::field(&v, "display_name"),
        password: super::field(&v, "password"),
        unit: super::field(&v, "unit"),
        role: super::field(&v, "role"),
        scope: super::field(&v, "scope"),
        clearance: super::field(&v, "clearance"),
        language: super::field(&v, "language"),
    };
    match state.app.create_user(Some(&cu.auth.actor), &input).await {
        Ok((user, Some(generated))) => {
            let ctx = Ctx::for_user(&cu, "/admin/users", "users");
            Ok(html(&SecretPage {
                ctx,
                user_id: user.id.to_string(),
                username: user.username.as_str().into(),
                password: generated,
            }))
        }
        Ok((user, None)) => Ok(Redirect::to(&format!(
            "/admin/users/{}?done=flash-user-created",
            user.id
        ))
        .into_response()),
        Err(e) => {
            let mut values = v.clone();
            values.remove("password");
            let page = form_page(&state, &cu, None, FormState::default()).await?;
            form_error(e, values, &cu.viewer.tr, USER_FIELDS, move |form| {
                Ok(html(&UserFormPage { form, ..page }))
            })
        }
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn load(state: &AppState, cu: &CurrentUser, id: &str) -> Result<User, PageError> {
    let id: UserId = id.parse().map_err(|_| PageError::not_found())?;
    Ok(state.app.visible_user(&cu.auth.actor, id).await?.user)
}

async fn show(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let user = load(&state, &cu, &id).await?;
    let mut page = form_page(
        &state,
        &cu,
        Some(&user),
        FormState::with_values(values_of(&user)),
    )
    .await?;
    page.ctx = page.ctx.with_flash(q.done.as_deref());
    Ok(html(&page))
}

async fn update(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let user = load(&state, &cu, &id).await?;
    let v = collapse(pairs);
    let input = UserProfileInput {
        display_name: super::field(&v, "display_name"),
        unit: super::field(&v, "unit"),
        role: super::field(&v, "role"),
        scope: super::field(&v, "scope"),
        clearance: super::field(&v, "clearance"),
        language: super::field(&v, "language"),
    };
    match state.app.update_user(&cu.auth.actor, user.id, &input).await {
        Ok(u) => {
            Ok(Redirect::to(&format!("/admin/users/{}?done=flash-saved", u.id)).into_response())
        }
        Err(e) => {
            let mut values = v.clone();
            values.insert("username".into(), user.username.as_str().into());
            let page = form_page(&state, &cu, Some(&user), FormState::default()).await?;
            form_error(e, values, &cu.viewer.tr, USER_FIELDS, move |form| {
                Ok(html(&UserFormPage { form, ..page }))
            })
        }
    }
}

async fn set_disabled(
    state: AppState,
    cu: CurrentUser,
    id: String,
    disabled: bool,
) -> Result<Response, PageError> {
    let user = load(&state, &cu, &id).await?;
    state
        .app
        .set_user_disabled(Some(&cu.auth.actor), user.id, disabled)
        .await?;
    let flash = if disabled {
        "flash-user-disabled"
    } else {
        "flash-user-enabled"
    };
    Ok(Redirect::to(&format!("/admin/users/{}?done={flash}", user.id)).into_response())
}

async fn disable(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_disabled(state, cu, id, true).await
}

async fn enable(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    set_disabled(state, cu, id, false).await
}

async fn reset_password(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let user = load(&state, &cu, &id).await?;
    let given = super::field(&form, "password");
    match state
        .app
        .reset_password(Some(&cu.auth.actor), user.id, &given)
        .await
    {
        Ok(Some(generated)) => {
            let ctx = Ctx::for_user(&cu, "/admin/users", "users");
            Ok(html(&SecretPage {
                ctx,
                user_id: user.id.to_string(),
                username: user.username.as_str().into(),
                password: generated,
            }))
        }
        Ok(None) => Ok(Redirect::to(&format!(
            "/admin/users/{}?done=flash-password-reset",
            user.id
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}
