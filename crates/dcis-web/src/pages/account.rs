//! The user's own account: password, sessions, API tokens.

use super::{html, Ctx};
use crate::auth::{removal, CurrentUser, SESSION_COOKIE};
use crate::error::PageError;
use crate::i18n::{FormState, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use dcis_app::AppError;
use dcis_domain::ids::ApiTokenId;
use dcis_domain::role::Role;
use dcis_domain::user::ApiToken;
use serde::Deserialize;
use std::collections::HashMap;
use time::OffsetDateTime;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/password", post(change_password))
        .route("/account/logout-everywhere", post(logout_everywhere))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

pub struct TokenLine {
    pub id: String,
    pub name: String,
    pub role: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub state: String,
    pub usable: bool,
}

pub fn token_lines(tr: &Tr, tokens: &[ApiToken], now: OffsetDateTime) -> Vec<TokenLine> {
    tokens
        .iter()
        .map(|t| TokenLine {
            id: t.id.to_string(),
            name: t.name.clone(),
            role: tr.choice("role", t.role.as_str()),
            created: tr.datetime(&t.created_at),
            expires: t
                .expires_at
                .map(|e| tr.datetime(&e))
                .unwrap_or_else(|| tr.t("never")),
            last_used: t
                .last_used_at
                .map(|e| tr.datetime(&e))
                .unwrap_or_else(|| tr.t("never")),
            state: if t.revoked_at.is_some() {
                tr.t("token-revoked")
            } else if !t.is_usable(now) {
                tr.t("token-expired")
            } else {
                tr.t("token-active")
            },
            usable: t.is_usable(now),
        })
        .collect()
}

pub struct SessionLine {
    pub started: String,
    pub last_seen: String,
    pub address: String,
    pub agent: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: Ctx,
    username: String,
    display_name: String,
    language: String,
    password_form: FormState,
    token_form: FormState,
    sessions: Vec<SessionLine>,
    tokens: Vec<TokenLine>,
    roles: Vec<super::admin::Opt>,
    new_secret: Option<String>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn page(
    state: &AppState,
    cu: &CurrentUser,
    password_form: FormState,
    token_form: FormState,
) -> Result<AccountPage, AppError> {
    let ctx = Ctx::for_user(cu, "/account", "account");
    let now = state.app.now();
    let current = cu
        .auth
        .session
        .as_ref()
        .map(|s| s.token_hash.clone())
        .unwrap_or_default();
    let sessions = state
        .app
        .store
        .sessions_of(cu.auth.user.id)
        .await?
        .into_iter()
        .filter(|s| s.expires_at > now)
        .map(|s| SessionLine {
            started: ctx.tr.datetime(&s.created_at),
            last_seen: ctx.tr.datetime(&s.last_seen_at),
            address: s.address,
            agent: s.user_agent.chars().take(80).collect(),
            current: s.token_hash == current,
        })
        .collect();
    let tokens = token_lines(&ctx.tr, &state.app.api_tokens(cu.auth.user.id).await?, now);
    // A user may mint tokens for their own role or any narrower one.
    let roles = Role::ALL
        .iter()
        .filter(|r| cu.auth.actor.may_create_token(**r).is_ok())
        .map(|r| super::admin::Opt {
            value: r.as_str().into(),
            label: ctx.tr.choice("role", r.as_str()),
        })
        .collect();
    Ok(AccountPage {
        username: cu.auth.user.username.as_str().into(),
        display_name: cu.auth.user.display_name.as_str().into(),
        language: cu.auth.user.language.as_str().into(),
        ctx,
        password_form,
        token_form,
        sessions,
        tokens,
        roles,
        new_secret: None,
    })
}

async fn show(
    State(state): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let mut p = page(&state, &cu, FormState::default(), FormState::default()).await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn change_password(
    State(state): State<AppState>,
    cu: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let r = state
        .app
        .change_own_password(
            &cu.auth,
            &super::field(&f, "current_password"),
            &super::field(&f, "new_password"),
            &super::field(&f, "confirm_password"),
        )
        .await;
    match r {
        Ok(()) => Ok(Redirect::to("/account?done=flash-password-changed").into_response()),
        Err(e) => {
            let p = page(&state, &cu, FormState::default(), FormState::default()).await?;
            let e = match e {
                AppError::Validation(mut f) => {
                    for err in &mut f.0 {
                        if err.field == "password" {
                            err.field = "new_password";
                        }
                    }
                    AppError::Validation(f)
                }
                other => other,
            };
            super::admin::form_error(
                e,
                HashMap::new(),
                &cu.viewer.tr,
                &["current_password", "new_password", "confirm_password"],
                move |form| {
                    Ok(html(&AccountPage {
                        password_form: form,
                        ..p
                    }))
                },
            )
        }
    }
}

async fn logout_everywhere(
    State(state): State<AppState>,
    cu: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    state.app.logout_everywhere(&cu.auth.actor).await?;
    Ok((
        jar.add(removal(SESSION_COOKIE)),
        Redirect::to("/login?done=flash-logged-out-everywhere"),
    )
        .into_response())
}

async fn create_token(
    State(state): State<AppState>,
    cu: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let r = state
        .app
        .create_api_token(
            &cu.auth.actor,
            &super::field(&f, "name"),
            &super::field(&f, "role"),
            &super::field(&f, "expires_in_days"),
        )
        .await;
    match r {
        Ok((_, secret)) => {
            let mut p = page(&state, &cu, FormState::default(), FormState::default()).await?;
            p.new_secret = Some(secret);
            Ok(html(&p))
        }
        Err(e) => {
            let p = page(&state, &cu, FormState::default(), FormState::default()).await?;
            super::admin::form_error(
                e,
                f,
                &cu.viewer.tr,
                &["name", "role", "expires_in_days"],
                move |form| {
                    Ok(html(&AccountPage {
                        token_form: form,
                        ..p
                    }))
                },
            )
        }
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id: ApiTokenId = id.parse().map_err(|_| PageError::not_found())?;
    state.app.revoke_api_token(&cu.auth.actor, id).await?;
    let back = crate::auth::safe_next(&super::field(&f, "next")).to_owned();
    let back = if back == "/" {
        "/account".to_owned()
    } else {
        back
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}done=flash-token-revoked")).into_response())
}
