//! The OpenAPI 3.1 document of the JSON API, served at
//! `GET /api/openapi.json`.
//!
//! It is generated from the code: each handler carries a `#[utoipa::path]`
//! attribute (method, path, parameters, body, success response) and each
//! wire type derives `ToSchema`, so the schemas are those of the structs
//! that are serialised. What holds for every operation because of the
//! middleware and extractors — how a caller authenticates, and which
//! problem documents it may get back — is added here once, by the same
//! rules the code applies (`auth::identify`, `middleware::csrf`,
//! `api::Caller`, `api::Body`), rather than repeated on each handler.
//!
//! The document is public: it describes the shape of the API, which the
//! source already shows, and holds no data; tools fetch it without
//! credentials. Every operation it lists still needs a token or a session.

use super::{alerts, cases, dto, export, handlers, import, records, reports, stats};
use crate::error::{ApiError, ErrorInfo, FieldProblem, Problem};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    Components, ContentBuilder, OpenApi as Document, Ref, RefOr, Required, ResponseBuilder,
};
use utoipa::OpenApi;

/// Where `crate::router` mounts the API (the test `crates/dcis/tests/openapi.rs`
/// checks that the document and the router agree).
const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    paths(
        handlers::me,
        handlers::list_users,
        handlers::create_user,
        handlers::get_user,
        handlers::update_user,
        handlers::disable_user,
        handlers::enable_user,
        handlers::reset_password,
        handlers::list_organisations,
        handlers::create_organisation,
        handlers::get_organisation,
        handlers::update_organisation,
        handlers::list_units,
        handlers::create_unit,
        handlers::get_unit,
        handlers::update_unit,
        handlers::list_provinces,
        handlers::list_districts,
        handlers::list_villages,
        handlers::create_village,
        handlers::list_crossings,
        handlers::create_crossing,
        handlers::list_tokens,
        handlers::create_token,
        handlers::revoke_token,
        handlers::audit_log,
        handlers::audit_verify,
        handlers::history,
        cases::list,
        cases::create,
        cases::read,
        cases::update,
        cases::items,
        cases::add_item,
        cases::update_item,
        cases::remove_item,
        cases::people,
        cases::add_person,
        cases::update_person,
        cases::remove_person,
        cases::person,
        cases::objects,
        cases::add_object,
        cases::remove_object,
        export::export,
        import::template,
        import::start,
        import::status,
        import::bad_rows,
        records::list,
        records::create,
        records::read,
        records::update,
        records::shares,
        records::share,
        records::revoke,
        records::request_access,
        records::requests,
        records::decide,
        records::groups,
        records::create_group,
        records::members,
        records::add_member,
        records::remove_member,
        records::sources,
        records::register_source,
        stats::dashboard,
        stats::table,
        stats::trends,
        stats::map,
        stats::map_svg,
        reports::arq,
        reports::situation,
        alerts::list,
        alerts::read,
        alerts::acknowledge,
    ),
    components(schemas(Problem, FieldProblem, dto::ScopeIn))
)]
struct V1;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dcis JSON API",
        description = "The JSON API of dcis, the Drug Control Information System.\n\n\
            Authenticate with `Authorization: Bearer TOKEN` (create a token under \
            \"My account\" or with `POST /api/v1/tokens`); a token acts with its own \
            role, never more than its owner's. A browser may instead use its session \
            cookie, and then sends the session's CSRF token in `X-CSRF-Token` with \
            every request that is not a GET.\n\n\
            Errors are `application/problem+json` (RFC 9457) with a stable `code`; \
            for invalid input, `errors` names each field. Records the caller may not \
            read are \"not found\"."
    ),
    paths(serve),
    tags(
        (name = "account", description = "The caller and their API tokens"),
        (name = "users", description = "User administration"),
        (name = "analysis", description = "Dashboard, tables and trends over the caller's scope, small cells hidden"),
        (name = "organisations", description = "Agencies and their units"),
        (name = "geography", description = "Provinces, districts, villages, border crossings"),
        (name = "cases", description = "Cases, seized items and objects"),
        (name = "persons", description = "Persons recorded in cases"),
        (name = "intelligence", description = "Intelligence reports and sources"),
        (name = "sharing", description = "Shares, access requests and sharing groups"),
        (name = "audit", description = "The audit log and its chain"),
        (name = "reports", description = "National reports made from the records"),
        (name = "alerts", description = "Early warnings: alerts raised by the rules, and acknowledging them"),
        (name = "meta", description = "This document"),
    )
)]
struct Root;

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", operation_id = "openapi",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json")))]
pub async fn serve() -> Response {
    static JSON: LazyLock<Result<String, String>> =
        LazyLock::new(|| document().to_json().map_err(|e| e.to_string()));
    match &*JSON {
        Ok(text) => {
            let mut r = text.clone().into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "OpenAPI document not serialisable");
            ApiError(ErrorInfo::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-internal",
            ))
            .into_response()
        }
    }
}

/// The whole document: the API under [`PREFIX`], with its conventions, and
/// the document's own path.
pub fn document() -> Document {
    let mut v1 = V1::openapi();
    apply_conventions(&mut v1);
    Root::openapi().nest(PREFIX, v1)
}

/// The problem responses, by status: (status, component name, when).
const PROBLEMS: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "The body is not JSON, or not of the expected shape (`error-json`, with the position).",
    ),
    (
        "401",
        "Unauthenticated",
        "No credentials, an expired session (`error-unauthenticated`), or a bearer token \
         that is unknown, expired or revoked (`error-token-invalid`).",
    ),
    (
        "403",
        "Forbidden",
        "Refused by the role table or the access policy, or a session call without the \
         session's `X-CSRF-Token` (`error-csrf`).",
    ),
    (
        "404",
        "NotFound",
        "No such resource, or one the caller may not know of (`error-not-found`).",
    ),
    (
        "409",
        "Conflict",
        "The change conflicts with stored data: a reference, code or name already in use, \
         or a request already decided; `errors` names the field.",
    ),
    (
        "413",
        "TooLarge",
        "The body is larger than the limit (`error-too-large`).",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The body is not `application/json` (`error-media-type`).",
    ),
    (
        "422",
        "Validation",
        "Invalid input (`error-validation`): `errors` lists each field with a message key.",
    ),
    (
        "500",
        "Internal",
        "An internal error; the detail is in the server's log, never in the answer \
         (`error-internal`).",
    ),
];

/// The operations that may answer 409: those that store a value that must
/// be unique (user names, organisation codes, unit, village and crossing
/// names, case references, sharing-group and source codes) or that need a
/// request still pending.
const CONFLICTS: &[&str] = &[
    "create_user",
    "create_organisation",
    "update_organisation",
    "create_unit",
    "update_unit",
    "create_village",
    "create_crossing",
    "create_case",
    "update_case",
    "request_access",
    "decide_access_request",
    "create_sharing_group",
    "register_source",
];

/// Security schemes, problem responses and the per-operation rules:
///
/// - every operation takes a bearer token, or a session cookie — with the
///   `X-CSRF-Token` header unless it is a GET;
/// - every operation may answer 401, 403 and 500; one with a path
///   parameter 404; one with a JSON body 400, 413, 415 (when the body is
///   required) and 422; one with query parameters 422; those in
///   [`CONFLICTS`] 409.
fn apply_conventions(doc: &mut Document) {
    let components = doc.components.get_or_insert_with(Components::new);
    components.security_schemes.insert(
        "bearer".into(),
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("An API token (`Authorization: Bearer TOKEN`)."))
                .build(),
        ),
    );
    components.security_schemes.insert(
        "session".into(),
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::auth::SESSION_COOKIE,
            "The session cookie of a logged-in browser.",
        ))),
    );
    components.security_schemes.insert(
        "csrf".into(),
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-CSRF-Token",
            "The session's CSRF token; required with the session cookie on every request \
             that is not a GET.",
        ))),
    );
    for (_, name, description) in PROBLEMS {
        components.responses.insert(
            (*name).into(),
            RefOr::T(
                ResponseBuilder::new()
                    .description(*description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            ),
        );
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            (true, item.get.as_mut()),
            (false, item.post.as_mut()),
            (false, item.put.as_mut()),
            (false, item.delete.as_mut()),
            (false, item.patch.as_mut()),
        ];
        for (is_get, op) in ops
            .into_iter()
            .filter_map(|(is_get, op)| op.map(|op| (is_get, op)))
        {
            conventions_of(path, is_get, op);
        }
    }
}

fn conventions_of(path: &str, is_get: bool, op: &mut Operation) {
    let session = if is_get {
        SecurityRequirement::new("session", Vec::<String>::new())
    } else {
        SecurityRequirement::new("session", Vec::<String>::new()).add("csrf", Vec::<String>::new())
    };
    op.security = Some(vec![
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        session,
    ]);
    let mut statuses = vec!["401", "403", "500"];
    if path.contains('{') {
        statuses.push("404");
    }
    if let Some(body) = &op.request_body {
        statuses.extend(["400", "413", "422"]);
        if matches!(body.required, Some(Required::True)) {
            statuses.push("415");
        }
    }
    let has_query = op
        .parameters
        .as_ref()
        .is_some_and(|ps| ps.iter().any(|p| p.parameter_in == ParameterIn::Query));
    if has_query {
        statuses.push("422");
    }
    if CONFLICTS.contains(&op.operation_id.as_deref().unwrap_or_default()) {
        statuses.push("409");
    }
    for status in statuses {
        let Some((_, name, _)) = PROBLEMS.iter().find(|(s, _, _)| *s == status) else {
            continue;
        };
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_are_unique_and_every_api_operation_is_secured() {
        let doc = document();
        let mut ids = std::collections::BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for op in [&item.get, &item.post, &item.put, &item.delete, &item.patch]
                .into_iter()
                .flatten()
            {
                let id = op.operation_id.clone().unwrap_or_default();
                assert!(ids.insert(id.clone()), "operation id {id} used twice");
                assert!(
                    op.responses.responses.keys().any(|s| s.starts_with('2')),
                    "{id}: no success response"
                );
                assert_eq!(
                    op.security.is_some(),
                    path.starts_with(PREFIX),
                    "{path}: security"
                );
            }
        }
        for id in CONFLICTS {
            assert!(
                ids.contains(*id),
                "CONFLICTS names {id}, which is no operation"
            );
        }
    }

    /// A schema that refuses unknown properties (a body type with
    /// `deny_unknown_fields`) cannot be one part of an `allOf`: no object
    /// could match the whole.
    #[test]
    fn closed_schemas_are_not_parts_of_others() {
        let doc = serde_json::to_value(document()).unwrap_or_default();
        let schemas = doc["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut parts = Vec::new();
        fn walk(v: &serde_json::Value, parts: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    for p in m
                        .get("allOf")
                        .and_then(|a| a.as_array())
                        .into_iter()
                        .flatten()
                    {
                        if let Some(r) = p["$ref"].as_str() {
                            parts.push(r.trim_start_matches("#/components/schemas/").to_owned());
                        }
                    }
                    m.values().for_each(|x| walk(x, parts));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, parts)),
                _ => {}
            }
        }
        walk(&doc, &mut parts);
        assert!(!parts.is_empty());
        for name in parts {
            assert_ne!(
                schemas[&name]["additionalProperties"],
                serde_json::json!(false),
                "{name} is closed but flattened into another schema"
            );
        }
    }
}
