//! Cross-cutting HTTP concerns: security headers, compression, limits,
//! timeouts, CSRF, error rendering, health.

use crate::auth::{cookie_value, Via, Viewer, PRELOGIN_COOKIE};
use crate::error::{render, PageError};
use crate::i18n::{negotiate, Tr};
use crate::{AppState, WebConfig};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use subtle::ConstantTimeEq;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; \
                   base-uri 'none'; object-src 'none'";

/// Security headers, compression, timeouts and panic containment, around
/// everything.
pub fn apply_common(router: Router<AppState>, config: &WebConfig) -> Router<AppState> {
    let h = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    router
        .layer(h("content-security-policy", CSP))
        .layer(h("x-content-type-options", "nosniff"))
        .layer(h("x-frame-options", "DENY"))
        .layer(h("referrer-policy", "same-origin"))
        .layer(h("cross-origin-opener-policy", "same-origin"))
        .layer(h(
            "permissions-policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .layer(h("cache-control", "no-store"))
        // woff2 is already compressed; gzip only makes it larger.
        .layer(
            CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("font/"))),
        )
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// Renders error responses that no inner layer rendered (timeouts, panics,
/// asset 404s) in the language the browser asks for.
pub async fn outer_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let lang = negotiate(None, req.headers());
    let resp = next.run(req).await;
    if resp.status().is_success() || resp.status().is_redirection() {
        return resp;
    }
    let viewer = Viewer {
        auth: None,
        via: Via::Anonymous,
        lang,
        tr: Tr::new(state.catalogue.clone(), lang),
        address: String::new(),
        open_alerts: None,
    };
    render(Some(viewer), &path, resp).await
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses state-changing requests that do not prove they come from our
/// own pages. Page forms carry a `csrf` field equal to the session's token
/// (or, before log-in, to the pre-login cookie); API calls with a session
/// cookie carry it in `X-CSRF-Token`; API calls with a bearer token carry no
/// cookies and need neither. Cross-site requests are refused outright when
/// the browser says so (`Sec-Fetch-Site`).
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_safe(req.method()) {
        return next.run(req).await;
    }
    let viewer = req.extensions().get::<Viewer>().cloned();
    let Some(viewer) = viewer else {
        return next.run(req).await;
    };
    let cross_site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    if cross_site && viewer.via != Via::Token {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return PageError::new(StatusCode::FORBIDDEN, "error-csrf").into_response();
    }
    let path = req.uri().path().to_owned();
    if path.starts_with("/api/") {
        if viewer.via == Via::Session {
            let sent = req
                .headers()
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !token_eq(sent, viewer.csrf_token()) {
                tracing::warn!(%path, "API call with a session cookie lacks a valid X-CSRF-Token");
                return crate::error::ApiError(crate::error::ErrorInfo::new(
                    StatusCode::FORBIDDEN,
                    "error-csrf",
                ))
                .into_response();
            }
        }
        return next.run(req).await;
    }
    // A page form: read the body (bounded), check the field, pass it on.
    // A file upload (multipart) may be larger; its `csrf` field must come
    // before the file, so that it is found without reading the file.
    let (parts, body) = req.into_parts();
    let boundary = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let limit = if boundary.is_some() {
        state.config.upload_limit
    } else {
        state.config.body_limit
    };
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            return PageError::new(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large").into_response()
        }
    };
    let sent: String = match boundary {
        Some(b) => multipart_csrf(bytes.clone(), b).await,
        None => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v))
            .unwrap_or_default(),
    };
    let expected = match viewer.via {
        Via::Session => viewer.csrf_token().to_owned(),
        _ => cookie_value(&parts.headers, PRELOGIN_COOKIE).unwrap_or_default(),
    };
    if !token_eq(&sent, &expected) {
        tracing::warn!(%path, via = ?viewer.via, "form refused: missing or wrong CSRF token");
        let key = if viewer.via == Via::ExpiredSession {
            "error-session-expired"
        } else {
            "error-csrf"
        };
        return PageError::new(StatusCode::FORBIDDEN, key).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The `csrf` field of a multipart body, if it comes before any file.
async fn multipart_csrf(bytes: axum::body::Bytes, boundary: String) -> String {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut m = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = m.next_field().await {
        if field.file_name().is_some() {
            break;
        }
        if field.name() == Some("csrf") {
            return field.text().await.unwrap_or_default();
        }
    }
    String::new()
}

fn token_eq(a: &str, b: &str) -> bool {
    !b.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Liveness: the process answers.
pub async fn healthz() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
}

/// Readiness: the database answers too.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "ready\n",
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "database unavailable\n",
            )
                .into_response()
        }
    }
}
