//! Who is asking: the session cookie or API token of each request,
//! resolved once by the `identify` middleware into a [`Viewer`].

use crate::error::PageError;
use crate::i18n::{negotiate, Tr};
use crate::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use dcis_app::auth::Authenticated;
use dcis_domain::user::Language;

pub const SESSION_COOKIE: &str = "dcis_session";
pub const PRELOGIN_COOKIE: &str = "dcis_prelogin";

/// How a request identified itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Anonymous,
    Session,
    Token,
    /// A session cookie that no longer works (expired, logged out).
    ExpiredSession,
    /// An `Authorization` header that names no usable token.
    BadToken,
}

/// The identity and language of one request.
#[derive(Clone)]
pub struct Viewer {
    pub auth: Option<Authenticated>,
    pub via: Via,
    pub lang: Language,
    pub tr: Tr,
    pub address: String,
    /// Open alerts in the user's scope, for the navigation's badge: only
    /// for pages (GET, session, not the API) of users who may analyse.
    pub open_alerts: Option<dcis_app::alerts::OpenAlerts>,
}

impl Viewer {
    pub fn csrf_token(&self) -> &str {
        self.auth
            .as_ref()
            .and_then(|a| a.session.as_ref())
            .map(|s| s.csrf_token.as_str())
            .unwrap_or("")
    }
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The client's address as the server sees it. dcis does not trust
/// forwarding headers; a deployment behind a proxy throttles per proxy.
pub fn client_address(req: &Request) -> String {
    req.extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Resolves the request's identity and language and stores a [`Viewer`]
/// in its extensions.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/assets/") || path == "/healthz" || path == "/readyz" {
        return next.run(req).await;
    }
    let headers = req.headers();
    let mut via = Via::Anonymous;
    let mut auth = None;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or("").trim().to_owned());
    if let Some(secret) = bearer {
        match state.app.authenticate_token(&secret).await {
            Ok(Some(a)) => {
                auth = Some(a);
                via = Via::Token;
            }
            Ok(None) => via = Via::BadToken,
            Err(e) => return PageError::from(e).into_response(),
        }
    } else if let Some(secret) = cookie_value(headers, SESSION_COOKIE) {
        match state.app.authenticate_session(&secret).await {
            Ok(Some(a)) => {
                auth = Some(a);
                via = Via::Session;
            }
            Ok(None) => via = Via::ExpiredSession,
            Err(e) => return PageError::from(e).into_response(),
        }
    }
    let lang = negotiate(auth.as_ref().map(|a| a.user.language), req.headers());
    let address = client_address(&req);
    let page_view = via == Via::Session
        && req.method() == axum::http::Method::GET
        && !req.uri().path().starts_with("/api/");
    let open_alerts = match (&auth, page_view) {
        // The navigation's badge is a convenience: a failure to count is
        // logged and the page is shown without it, never refused.
        (Some(a), true) => match state.app.open_alert_count(&a.actor).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "open alerts not counted");
                None
            }
        },
        _ => None,
    };
    let viewer = Viewer {
        tr: Tr::new(state.catalogue.clone(), lang),
        auth,
        via,
        lang,
        address,
        open_alerts,
    };
    req.extensions_mut().insert(viewer.clone());
    let path = req.uri().path().to_owned();
    let resp = next.run(req).await;
    crate::error::render(Some(viewer), &path, resp).await
}

/// The viewer of a request (always present behind `identify`).
impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(|| PageError::internal("viewer missing: identify middleware not installed"))
    }
}

/// A logged-in user on a page. Anyone else is sent to the log-in page,
/// which then returns them where they were going.
pub struct CurrentUser {
    pub viewer: Viewer,
    pub auth: Authenticated,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, s)
            .await
            .map_err(IntoResponse::into_response)?;
        match (&viewer.auth, viewer.via) {
            (Some(a), Via::Session) => Ok(CurrentUser {
                auth: a.clone(),
                viewer,
            }),
            (_, via) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let mut target = format!("/login?next={}", urlencode(next));
                if via == Via::ExpiredSession {
                    target.push_str("&expired=1");
                }
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|v| v[2..].to_owned())
        .unwrap_or_default()
}

/// Only local paths are followed after log-in, never another site. Control
/// characters cannot go into a `Location` header, so a path with any is
/// not followed either.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(char::is_control)
    {
        next
    } else {
        "/"
    }
}

pub fn session_cookie(secret: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

pub fn prelogin_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((PRELOGIN_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build()
}

pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build((name, "")).path("/").build();
    c.make_removal();
    c
}
