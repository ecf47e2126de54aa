//! Log-in, log-out, language, and the home page.

use super::{html, Ctx};
use crate::auth::{
    prelogin_cookie, removal, safe_next, session_cookie, urlencode, CurrentUser, Viewer,
    PRELOGIN_COOKIE, SESSION_COOKIE,
};
use crate::error::PageError;
use crate::i18n::LANG_COOKIE;
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use dcis_app::AppError;
use dcis_domain::user::Language;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/language", post(set_language))
        .route("/language/{lang}", get(set_language_cookie))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    next: String,
    username: String,
    error: Option<String>,
    notice: Option<String>,
    demo: Option<String>,
}

#[derive(Deserialize, Default)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    done: Option<String>,
}

fn login_page(
    state: &AppState,
    viewer: &Viewer,
    csrf: String,
    next: &str,
    username: &str,
) -> LoginPage {
    let mut ctx = Ctx::anonymous(viewer, &format!("/login?next={}", urlencode(next)));
    ctx.csrf = csrf;
    LoginPage {
        ctx,
        next: next.to_owned(),
        username: username.to_owned(),
        error: None,
        notice: None,
        demo: state.config.demo_banner.clone(),
    }
}

async fn login_form(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Response {
    if viewer.auth.is_some() && viewer.via == crate::auth::Via::Session {
        return Redirect::to(safe_next(q.next.as_deref().unwrap_or("/"))).into_response();
    }
    let token = jar.get(PRELOGIN_COOKIE).map(|c| c.value().to_owned());
    let (jar, token) = match token {
        Some(t) if t.len() >= 32 => (jar, t),
        _ => {
            let t = dcis_app::secrets::new_secret();
            (
                jar.add(prelogin_cookie(t.clone(), state.config.secure_cookies)),
                t,
            )
        }
    };
    let next = safe_next(q.next.as_deref().unwrap_or("/")).to_owned();
    let mut page = login_page(&state, &viewer, token, &next, "");
    if q.expired.is_some() {
        page.notice = Some(viewer.tr.t("login-expired"));
    } else if let Some(d) = q.done.as_deref().filter(|d| d.starts_with("flash-")) {
        page.notice = Some(viewer.tr.t(d));
    }
    let jar = if viewer.via == crate::auth::Via::ExpiredSession {
        jar.add(removal(SESSION_COOKIE))
    } else {
        jar
    };
    (jar, html(&page)).into_response()
}

async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let username = super::field(&form, "username");
    let password = super::field(&form, "password");
    let next = safe_next(&super::field(&form, "next")).to_owned();
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match state
        .app
        .login(&username, &password, &viewer.address, agent)
        .await
    {
        Ok(ok) => {
            let lang = Cookie::build((LANG_COOKIE, ok.user.language.as_str()))
                .path("/")
                .same_site(SameSite::Lax)
                .permanent()
                .build();
            let jar = jar
                .add(session_cookie(
                    ok.session_secret,
                    state.config.secure_cookies,
                ))
                .add(lang)
                .add(removal(PRELOGIN_COOKIE));
            (jar, Redirect::to(&next)).into_response()
        }
        Err(e) => {
            let csrf = jar
                .get(PRELOGIN_COOKIE)
                .map(|c| c.value().to_owned())
                .unwrap_or_default();
            let mut page = login_page(&state, &viewer, csrf, &next, &username);
            let (status, key) = match &e {
                AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "login-failed"),
                AppError::Throttled { .. } => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
                _ => return PageError::from(e).into_response(),
            };
            page.error = Some(viewer.tr.t(key));
            let mut r = html(&page);
            *r.status_mut() = status;
            if let AppError::Throttled { retry_after_secs } = e {
                if let Ok(v) = retry_after_secs.to_string().parse() {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            r
        }
    }
}

async fn logout(State(state): State<AppState>, cu: CurrentUser, jar: CookieJar) -> Response {
    if let Err(e) = state.app.logout(&cu.auth).await {
        return PageError::from(e).into_response();
    }
    (
        jar.add(removal(SESSION_COOKIE)),
        Redirect::to("/login?done=flash-logged-out"),
    )
        .into_response()
}

/// A logged-in user's language choice is saved in their profile (audited).
async fn set_language(
    State(state): State<AppState>,
    cu: CurrentUser,
    jar: CookieJar,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = super::field(&form, "lang");
    let next = safe_next(&super::field(&form, "next")).to_owned();
    match state.app.set_own_language(&cu.auth.actor, &lang).await {
        Ok(u) => {
            let c = Cookie::build((LANG_COOKIE, u.language.as_str()))
                .path("/")
                .same_site(SameSite::Lax)
                .permanent()
                .build();
            (jar.add(c), Redirect::to(&next)).into_response()
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Before log-in, the language is only a cookie.
async fn set_language_cookie(
    Path(lang): Path<String>,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Response {
    let Ok(lang) = Language::parse(&lang) else {
        return PageError::not_found().into_response();
    };
    let next = safe_next(q.next.as_deref().unwrap_or("/login")).to_owned();
    let c = Cookie::build((LANG_COOKIE, lang.as_str()))
        .path("/")
        .same_site(SameSite::Lax)
        .permanent()
        .build();
    (jar.add(c), Redirect::to(&next)).into_response()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    unit: String,
    organisation: String,
    role: String,
    scope: String,
    clearance: String,
    users: i64,
    organisations: usize,
    provinces: usize,
    districts: i64,
    crossings: usize,
    installation: String,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let ctx = Ctx::for_user(&cu, "/", "home").with_flash(q.done.as_deref());
    let tr = &ctx.tr;
    let app = &state.app;
    let unit = app
        .store
        .unit(cu.auth.user.unit)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)?;
    let org = app
        .store
        .organisation(unit.organisation)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)?;
    let lo = tr.lang == Language::Lo;
    let provinces = app.store.provinces().await.map_err(AppError::from)?;
    let scope = match &cu.auth.user.scope {
        dcis_domain::role::GeoScope::National => tr.t("scope-national"),
        dcis_domain::role::GeoScope::Provinces(set) => set
            .iter()
            .map(|c| {
                provinces
                    .iter()
                    .find(|(p, _)| p.code == *c)
                    .map(|(p, _)| {
                        if lo {
                            p.name_lo.clone()
                        } else {
                            p.name_en.clone()
                        }
                    })
                    .unwrap_or_else(|| c.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    let page = HomePage {
        unit: if lo {
            unit.name_lo.as_str().to_owned()
        } else {
            unit.name_en.as_str().to_owned()
        },
        organisation: if lo {
            org.name_lo.as_str().to_owned()
        } else {
            org.name_en.as_str().to_owned()
        },
        role: tr.choice("role", cu.auth.user.role.as_str()),
        scope,
        clearance: tr.choice("clearance", cu.auth.user.clearance.as_str()),
        users: app.store.count_users().await.map_err(AppError::from)?,
        organisations: app
            .store
            .organisations()
            .await
            .map_err(AppError::from)?
            .len(),
        districts: provinces.iter().map(|(_, n)| n).sum(),
        provinces: provinces.len(),
        crossings: app
            .store
            .border_crossings()
            .await
            .map_err(AppError::from)?
            .len(),
        installation: app
            .store
            .installation()
            .await
            .map_err(AppError::from)?
            .map(|(_, n)| n)
            .unwrap_or_default(),
        ctx,
    };
    Ok(html(&page))
}
