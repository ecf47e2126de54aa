//! Errors as the client sees them: an HTML page in the viewer's language,
//! or `application/problem+json` (RFC 9457) for the API. Internal detail
//! goes to the log with the request id, never to the client.

use crate::auth::Viewer;
use crate::pages::render_error_page;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use dcis_app::AppError;
use dcis_domain::FieldErrors;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Attached to an error response by handlers; the `render_errors`
/// middleware turns it into a page or a problem document in the viewer's
/// language.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// Message-catalogue key of the explanation.
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub fields: Option<FieldErrors>,
    pub retry_after: Option<u64>,
}

/// An error from a page handler.
#[derive(Debug)]
pub struct PageError(pub ErrorInfo);

/// An error from an API handler.
#[derive(Debug)]
pub struct ApiError(pub ErrorInfo);

impl ErrorInfo {
    pub fn new(status: StatusCode, key: &'static str) -> Self {
        Self {
            status,
            key,
            args: Vec::new(),
            fields: None,
            retry_after: None,
        }
    }
}

impl PageError {
    pub fn new(status: StatusCode, key: &'static str) -> Self {
        Self(ErrorInfo::new(status, key))
    }

    pub fn internal(detail: &str) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "error-not-found")
    }
}

impl From<AppError> for ErrorInfo {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(f) => ErrorInfo {
                fields: Some(f),
                ..ErrorInfo::new(StatusCode::UNPROCESSABLE_ENTITY, "error-validation")
            },
            AppError::Forbidden(d) => {
                tracing::warn!(denied = %d, "request refused by policy");
                ErrorInfo::new(StatusCode::FORBIDDEN, d.message_key())
            }
            AppError::NotFound => ErrorInfo::new(StatusCode::NOT_FOUND, "error-not-found"),
            AppError::Conflict { field, key } => ErrorInfo {
                fields: Some(dcis_domain::FieldError::new(field, key).into()),
                ..ErrorInfo::new(StatusCode::CONFLICT, key)
            },
            AppError::Unauthenticated => {
                ErrorInfo::new(StatusCode::UNAUTHORIZED, "error-unauthenticated")
            }
            AppError::Throttled { retry_after_secs } => ErrorInfo {
                retry_after: Some(retry_after_secs),
                ..ErrorInfo::new(StatusCode::TOO_MANY_REQUESTS, "error-throttled")
            },
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ErrorInfo::new(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e.into())
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e.into())
    }
}

/// Marks a response as an API error (rendered as problem+json).
#[derive(Clone, Copy)]
pub struct IsApi;

fn marked(info: ErrorInfo, api: bool) -> Response {
    let mut r = info.status.into_response();
    if let Some(s) = info.retry_after {
        if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    if api {
        r.extensions_mut().insert(IsApi);
    }
    r.extensions_mut().insert(info);
    r
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        marked(self.0, false)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        marked(self.0, true)
    }
}

/// The problem document of an API error (RFC 9457), as the API sends it.
/// The OpenAPI document describes every error response with this schema.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `https://dcis.invalid/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The explanation, in the caller's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A stable message key (`error-not-found`, `error-validation`…).
    pub code: &'static str,
    /// The path of the request.
    pub instance: String,
    /// For invalid input: one entry per field error.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub errors: Option<Vec<FieldProblem>>,
}

/// One invalid field of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name as sent (`reference`, `items`, `document_number`…).
    pub field: &'static str,
    /// A stable message key (`err-required`, `err-choice`…).
    pub code: &'static str,
    /// The explanation, in the caller's language.
    pub detail: String,
    /// The values the message refers to (e.g. `index` for the position of
    /// an item in a list, `value` for the value refused).
    pub args: BTreeMap<String, String>,
}

/// The problem document of an API error, in the viewer's language.
pub fn problem_json(viewer: Option<&Viewer>, info: &ErrorInfo, instance: &str) -> Response {
    let tr = |key: &str, args: &[(&str, &str)]| match viewer {
        Some(v) => v.tr.message(key, args),
        None => key.to_owned(),
    };
    let args: Vec<(&str, &str)> = info.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let errors = info.fields.as_ref().map(|fields| {
        fields
            .0
            .iter()
            .map(|e| {
                let a: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                FieldProblem {
                    field: e.field,
                    code: e.key,
                    detail: tr(e.key, &a),
                    args: e
                        .args
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), v.clone()))
                        .collect(),
                }
            })
            .collect()
    });
    let body = Problem {
        kind: format!("https://dcis.invalid/problems/{}", info.key),
        title: tr(info.key, &args),
        status: info.status.as_u16(),
        code: info.key,
        instance: instance.to_owned(),
        errors,
    };
    let text = serde_json::to_string(&body).unwrap_or_else(|e| {
        tracing::error!(error = %e, "problem document not serialisable");
        String::from("{}")
    });
    let mut r = (info.status, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}

/// The fallback for unknown routes.
pub async fn not_found(req: axum::extract::Request) -> Response {
    let api = req.uri().path().starts_with("/api/");
    marked(
        ErrorInfo::new(StatusCode::NOT_FOUND, "error-not-found"),
        api,
    )
}

pub async fn method_not_allowed(req: axum::extract::Request) -> Response {
    let api = req.uri().path().starts_with("/api/");
    marked(
        ErrorInfo::new(StatusCode::METHOD_NOT_ALLOWED, "error-method"),
        api,
    )
}

/// Turns marked error responses, and bare error statuses produced by
/// layers (body too large, timeout), into full pages or problem documents.
pub async fn render(viewer: Option<Viewer>, path: &str, mut resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let info = resp.extensions_mut().remove::<ErrorInfo>();
    let api = resp.extensions().get::<IsApi>().is_some() || path.starts_with("/api/");
    let info = match info {
        Some(i) => i,
        None => {
            // A page or problem document that is already rendered is final;
            // plain-text rejections from extractors and layers are not.
            let ct = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if ct.starts_with("text/html") || ct.contains("json") {
                return resp;
            }
            let key = match status {
                StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
                StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => "error-timeout",
                StatusCode::NOT_FOUND => "error-not-found",
                StatusCode::METHOD_NOT_ALLOWED => "error-method",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "error-media-type",
                StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "error-bad-request",
                s if s.is_server_error() => "error-internal",
                _ => "error-bad-request",
            };
            ErrorInfo::new(status, key)
        }
    };
    let mut out = if api {
        problem_json(viewer.as_ref(), &info, path)
    } else {
        render_error_page(viewer.as_ref(), &info)
    };
    if let Some(v) = resp.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    for c in resp.headers().get_all(header::SET_COOKIE) {
        out.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        // The rest of the body was never read: the connection cannot be
        // reused for another request.
        out.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    out
}
