//! The OpenAPI document served at `/api/openapi.json`, on both engines:
//! it parses, it is OpenAPI 3.x, it lists exactly the routes the router
//! registers under `/api` with their methods, and real answers validate
//! against the schemas it gives for them.
//!
//! The route list is not taken from the document's own source (the
//! `#[utoipa::path]` attributes): it is read from the router's source —
//! every `.route("…", get(…).post(…))` in `crates/dcis-web/src` and the
//! `.nest("…", api)` that mounts the API — and then checked against the
//! running binary, which must answer each documented operation (401 without
//! credentials, never 404 or 405) and refuse the methods the document does
//! not list on each path (405).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// (METHOD, path) pairs the router registers under `/api`, read from the
/// source of `dcis-web`.
fn routes_from_source() -> BTreeSet<(String, String)> {
    let src = repo_root().join("crates/dcis-web/src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    // The one place the API is mounted: `.nest("/api/v1", api)`.
    let nests: Vec<(String, String)> = calls(&lib, ".nest(")
        .into_iter()
        .map(|args| {
            let (path, rest) = literal_and_rest(&args);
            (path, rest.trim().to_owned())
        })
        .collect();
    assert_eq!(nests.len(), 1, "lib.rs mounts more than the API: {nests:?}");
    let (prefix, mounted) = &nests[0];
    assert_eq!(mounted, "api", "{nests:?}");
    let mut out = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let in_api = file.starts_with(src.join("api"));
        for args in calls(&text, ".route(") {
            let (path, handlers) = literal_and_rest(&args);
            let full = if in_api {
                format!("{prefix}{path}")
            } else {
                path
            };
            if !full.starts_with("/api") {
                continue;
            }
            let methods = methods_of(&handlers);
            assert!(!methods.is_empty(), "{full}: no method in {handlers:?}");
            for m in methods {
                out.insert((m, full.clone()));
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The argument text of every call `marker…)` in `text` (balanced parens).
fn calls(text: &str, marker: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(marker) {
        let start = from + i + marker.len();
        let mut depth = 1;
        let mut end = start;
        for (j, ch) in text[start..].char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        assert!(end > start, "unbalanced call at {start}");
        out.push(text[start..end].to_owned());
        from = end;
    }
    out
}

/// The leading string literal of a call's arguments, and what follows its
/// comma.
fn literal_and_rest(args: &str) -> (String, String) {
    let t = args.trim_start();
    assert!(t.starts_with('"'), "route path is not a literal: {args:?}");
    let close = t[1..].find('"').unwrap() + 1;
    let path = t[1..close].to_owned();
    let rest = t[close + 1..].trim_start();
    let rest = rest.strip_prefix(',').unwrap_or(rest);
    (path, rest.to_owned())
}

/// `get(a).post(b)`, `axum::routing::delete(c)` → GET, POST / DELETE.
fn methods_of(handlers: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = handlers.as_bytes();
    for m in METHODS {
        let mut from = 0;
        while let Some(i) = handlers[from..].find(&format!("{m}(")) {
            let at = from + i;
            let before = if at == 0 { b'.' } else { bytes[at - 1] };
            if matches!(before, b'.' | b':' | b' ' | b'\n' | b'(') {
                out.push(m.to_uppercase());
            }
            from = at + m.len();
        }
    }
    out
}

/// (METHOD, path) of every operation in the document.
fn routes_in_document(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
        for k in item.as_object().unwrap().keys() {
            assert!(
                METHODS.contains(&k.as_str()) || k == "parameters",
                "{path}: unexpected key {k}"
            );
        }
    }
    out
}

/// A concrete URL for a templated path.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "0190a5b6-0000-7000-8000-000000000000"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

// ---------------------------------------------------------------- schemas

/// A validator for the schema of one response in the document, made strict:
/// an object may not carry a property its schema does not name
/// (`unevaluatedProperties: false`, which sees through `allOf`), so a
/// field added to a response without being documented fails the test.
fn response_validator(
    doc: &Value,
    method: &str,
    path: &str,
    status: &str,
    content_type: &str,
) -> jsonschema::Validator {
    let resp = &doc["paths"][path][method]["responses"][status];
    let resp = match resp["$ref"].as_str() {
        Some(r) => pointer(doc, r),
        None => resp.clone(),
    };
    let schema = resp["content"][content_type]["schema"].clone();
    assert!(
        !schema.is_null(),
        "{method} {path}: no {content_type} schema for {status}"
    );
    let mut root = strict(doc);
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["x-under-test"] = schema;
    root["$ref"] = json!("#/x-under-test");
    jsonschema::draft202012::new(&root).unwrap()
}

fn pointer(doc: &Value, r: &str) -> Value {
    doc.pointer(r.trim_start_matches('#')).unwrap().clone()
}

/// The document with `unevaluatedProperties: false` on every object schema
/// that is not itself a member of an `allOf` (a member sees only part of
/// the object; the whole is checked where the `allOf` stands).
fn strict(doc: &Value) -> Value {
    let mut doc = doc.clone();
    let mut members = BTreeSet::new();
    collect_allof_refs(&doc["components"]["schemas"], &mut members);
    let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
    for (name, s) in schemas.iter_mut() {
        let member = members.contains(&format!("#/components/schemas/{name}"));
        tighten(s, member);
    }
    doc
}

fn collect_allof_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(all)) = m.get("allOf") {
                for s in all {
                    if let Some(r) = s["$ref"].as_str() {
                        out.insert(r.to_owned());
                    }
                }
            }
            m.values().for_each(|x| collect_allof_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_allof_refs(x, out)),
        _ => {}
    }
}

fn tighten(s: &mut Value, member_of_allof: bool) {
    let Some(m) = s.as_object_mut() else { return };
    let objectish = m.contains_key("properties") || m.contains_key("allOf");
    if objectish && !member_of_allof && !m.contains_key("additionalProperties") {
        m.insert("unevaluatedProperties".into(), json!(false));
    }
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        props.values_mut().for_each(|p| tighten(p, false));
    }
    if let Some(items) = m.get_mut("items") {
        tighten(items, false);
    }
    if let Some(Value::Array(all)) = m.get_mut("allOf") {
        all.iter_mut().for_each(|x| tighten(x, true));
    }
    for k in ["oneOf", "anyOf"] {
        if let Some(Value::Array(xs)) = m.get_mut(k) {
            xs.iter_mut().for_each(|x| tighten(x, member_of_allof));
        }
    }
}

fn assert_valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its documented schema:\n{}\n{instance:#}",
        errors.join("\n")
    );
}

// ---------------------------------------------------------------- the test

async fn document_matches_router_and_answers(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);

    // Served without credentials, as JSON, and OpenAPI 3.x.
    let r = bare_client()
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("application/json"));
    let doc: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3."), "openapi {version}");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());

    // Exactly the routes of the router, with their methods.
    let registered = routes_from_source();
    let documented = routes_in_document(&doc);
    assert!(registered.len() > 50, "{registered:?}");
    let missing: Vec<_> = registered.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&registered).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routes not in the document: {missing:?}\ndocumented but not routed: {extra:?}"
    );

    // The binary agrees: every documented operation exists (401 without
    // credentials, as a problem document; the document itself 200), and
    // every other method on a documented path is 405.
    let c = bare_client();
    let mut by_path: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (m, p) in &documented {
        by_path.entry(p.as_str()).or_default().insert(m.as_str());
    }
    for (path, methods) in &by_path {
        let url = s.url(&concrete(path));
        for m in METHODS {
            let method = reqwest::Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            let mut req = c.request(method, &url);
            if m != "get" && m != "delete" {
                req = req.json(&json!({}));
            }
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let listed = methods.contains(m.to_uppercase().as_str());
            if listed && *path == "/api/openapi.json" {
                assert_eq!(status, 200, "{m} {path}");
            } else if listed {
                let (status, p) = problem(r).await;
                assert_eq!(status, 401, "{m} {path}: {p}");
            } else {
                assert_eq!(status, 405, "{m} {path}: not documented, yet answered");
            }
        }
    }

    // Every operation of the API says how to authenticate; the document's
    // own path needs nothing.
    for (m, p) in &documented {
        let op = &doc["paths"][p][m.to_lowercase()];
        if p.starts_with("/api/v1/") {
            let schemes: Vec<&Value> = op["security"].as_array().unwrap().iter().collect();
            assert!(
                schemes.contains(&&json!({"bearer": []})),
                "{m} {p}: {schemes:?}"
            );
            assert!(op["responses"]["401"].is_object(), "{m} {p}");
        } else {
            assert!(op.get("security").is_none(), "{m} {p}");
        }
    }

    // Real answers validate against the documented schemas.
    let (clerk, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let me = api_get(&clerk, &s, "/api/v1/me").await;
    let v = response_validator(&doc, "get", "/api/v1/me", "200", "application/json");
    assert_valid(&v, &me, "GET /api/v1/me");

    let body = json!({
        "occurred_on": "2026-03-14",
        "occurred_time": "21:05",
        "province": "05",
        "district": "0501",
        "detection_method": "checkpoint_search",
        "transport_mode": "truck",
        "narrative": "Synthetic case for the OpenAPI test.",
        "classification": "restricted",
        "tlp": "TLP:AMBER",
        "items": [
            {"substance": "METH_TABLET", "form": "tablet", "quantity": "2000", "unit": "tablets", "tablet_logo": "WY"},
            {"substance": "meth_crystal", "form": "crystal", "quantity": "1.5", "unit": "kg"}
        ]
    });
    let created = json_of(
        api_post(&clerk, &s, &csrf, "/api/v1/cases", &body).await,
        201,
    )
    .await;
    let v = response_validator(&doc, "post", "/api/v1/cases", "201", "application/json");
    assert_valid(&v, &created, "POST /api/v1/cases");
    let id = created["id"].as_str().unwrap().to_owned();

    let case = api_get(&clerk, &s, &format!("/api/v1/cases/{id}")).await;
    let v = response_validator(&doc, "get", "/api/v1/cases/{id}", "200", "application/json");
    assert_valid(&v, &case, "GET /api/v1/cases/{id}");
    assert_eq!(case["items"].as_array().unwrap().len(), 2);

    let list = api_get(&clerk, &s, "/api/v1/cases?per_page=20").await;
    let v = response_validator(&doc, "get", "/api/v1/cases", "200", "application/json");
    assert_valid(&v, &list, "GET /api/v1/cases");
    assert!(list["items"].as_array().unwrap().len() > 1);

    let person = json!({
        "person": {"name": "ສົມຊາຍ ທົດສອບ", "latin_name": "Somsay Test", "sex": "male", "age": "30",
                   "documents": [{"kind": "national_id", "number": "TEST-1", "issuing_country": "LA"}]},
        "role": "courier", "outcome": "arrested"
    });
    let added = json_of(
        api_post(
            &clerk,
            &s,
            &csrf,
            &format!("/api/v1/cases/{id}/persons"),
            &person,
        )
        .await,
        201,
    )
    .await;
    let v = response_validator(
        &doc,
        "post",
        "/api/v1/cases/{id}/persons",
        "201",
        "application/json",
    );
    assert_valid(&v, &added, "POST /api/v1/cases/{id}/persons");
    let pid = added["person"]["id"].as_str().unwrap();
    let detail = api_get(&clerk, &s, &format!("/api/v1/persons/{pid}")).await;
    let v = response_validator(
        &doc,
        "get",
        "/api/v1/persons/{id}",
        "200",
        "application/json",
    );
    assert_valid(&v, &detail, "GET /api/v1/persons/{id}");

    // The ARQ report's JSON (its schema is the file format's own types),
    // for the year of the case created above.
    let (analyst, _) = login(&s, "analyst", DEMO_PASSWORD).await;
    let arq = api_get(&analyst, &s, "/api/v1/reports/arq?year=2026").await;
    let v = response_validator(
        &doc,
        "get",
        "/api/v1/reports/arq",
        "200",
        "application/json",
    );
    assert_valid(&v, &arq, "GET /api/v1/reports/arq");
    assert!(!arq["significant_seizures"].as_array().unwrap().is_empty());

    // Problem documents too: not found, and invalid input naming fields.
    let r = clerk
        .get(s.url(&concrete("/api/v1/cases/{id}")))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 404);
    let v = response_validator(
        &doc,
        "get",
        "/api/v1/cases/{id}",
        "404",
        "application/problem+json",
    );
    assert_valid(&v, &p, "404 problem");
    let mut bad = body.clone();
    bad["occurred_on"] = json!("2999-01-01");
    let (status, p) = problem(api_post(&clerk, &s, &csrf, "/api/v1/cases", &bad).await).await;
    assert_eq!(status, 422);
    let v = response_validator(
        &doc,
        "post",
        "/api/v1/cases",
        "422",
        "application/problem+json",
    );
    assert_valid(&v, &p, "422 problem");
    assert!(p["errors"].as_array().is_some_and(|e| !e.is_empty()), "{p}");
}
both_backends!(document_matches_router_and_answers);

#[test]
fn the_source_reader_understands_route_calls() {
    let text = r#"
        Router::new()
            .route("/a", get(x).post(y))
            .route(
                "/a/{id}",
                put(update_item).delete(remove_item),
            )
            .route("/b/{id}", axum::routing::delete(remove_object))
            .route("/c", post(reset_password))
    "#;
    let got: Vec<(String, Vec<String>)> = calls(text, ".route(")
        .into_iter()
        .map(|a| {
            let (p, h) = literal_and_rest(&a);
            (p, methods_of(&h))
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("/a".into(), vec!["GET".into(), "POST".into()]),
            ("/a/{id}".into(), vec!["PUT".into(), "DELETE".into()]),
            ("/b/{id}".into(), vec!["DELETE".into()]),
            ("/c".into(), vec!["POST".into()]),
        ]
    );
}
