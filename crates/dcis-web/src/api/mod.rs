//! The JSON API, `/api/v1`. Scripts authenticate with
//! `Authorization: Bearer <token>`; the browser may use its session cookie
//! with an `X-CSRF-Token` header on changes. Errors are
//! `application/problem+json` (RFC 9457) with a stable `code` and, for
//! invalid input, an `errors` list naming each field. The OpenAPI document
//! of it all is generated from the handlers (`openapi.rs`) and served at
//! `/api/openapi.json`.

mod alerts;
mod cases;
mod dto;
mod export;
mod handlers;
mod import;
pub mod openapi;
mod records;
mod reports;
pub(crate) mod stats;

use crate::auth::{Via, Viewer};
use crate::error::{ApiError, ErrorInfo};
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Router;
use dcis_app::auth::Authenticated;
use serde::de::DeserializeOwned;

pub fn routes() -> Router<AppState> {
    handlers::routes()
        .merge(records::routes())
        .merge(cases::routes())
        .merge(export::routes())
        .merge(import::routes())
        .merge(stats::routes())
        .merge(reports::routes())
        .merge(alerts::routes())
}

/// An authenticated API caller.
pub struct Caller(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let viewer = parts.extensions.get::<Viewer>().ok_or_else(|| {
            ApiError(ErrorInfo::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            ))
        })?;
        match (&viewer.auth, viewer.via) {
            (Some(a), Via::Token | Via::Session) => Ok(Caller(a.clone())),
            (_, Via::BadToken) => Err(ApiError(ErrorInfo::new(
                StatusCode::UNAUTHORIZED,
                "error-token-invalid",
            ))),
            _ => Err(ApiError(ErrorInfo::new(
                StatusCode::UNAUTHORIZED,
                "error-unauthenticated",
            ))),
        }
    }
}

/// A JSON body, with every way it can be wrong answered as a problem
/// document: wrong media type (415), too large (413), not JSON or not the
/// expected shape (400, naming the position or field).
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ct.starts_with("application/json") {
            return Err(ApiError(ErrorInfo::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "error-media-type",
            )));
        }
        let limit = 1024 * 1024;
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| {
                ApiError(ErrorInfo::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "error-too-large",
                ))
            })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error_free(&mut de).map(Body).map_err(|e| {
            let mut info = ErrorInfo::new(StatusCode::BAD_REQUEST, "error-json");
            info.args.push(("detail", e));
            ApiError(info)
        })
    }
}

fn serde_path_to_error_free<T: DeserializeOwned>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
) -> Result<T, String> {
    let v = T::deserialize(&mut *de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(v)
}
