//! People change jobs mid-session: a user moved to another agency loses
//! what their old agency's shares gave them, in the session they already
//! hold and through the API tokens they made before; a token revoked while
//! in use stops at once; a disabled user's open session ends. Both engines.
//!
//! The access policy reads the actor's unit, organisation, role, scope and
//! clearance from the database at each request (`docs/access-policy.md`,
//! "Who acts"), so none of this waits for a new log-in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::{json, Value};

/// The demo's unclassified TLP:GREEN report of province 05, shared with the
/// CUSTOMS organisation.
const PRICE_REPORT: &str = "Price of yaba tablets in Bokeo markets";

/// The list line of report `id` as `c` sees it, if listed.
async fn list_line(c: &reqwest::Client, s: &Server, id: &str) -> Option<Value> {
    let list = api_get(c, s, "/api/v1/intelligence?per_page=500").await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == json!(id))
        .cloned()
}

/// The same, for a script holding a bearer token.
async fn list_line_by_token(s: &Server, secret: &str, id: &str) -> Option<Value> {
    let r = bare_client()
        .get(s.url("/api/v1/intelligence?per_page=500"))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    json_of(r, 200).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == json!(id))
        .cloned()
}

/// Creates an API token for the session's user; returns (id, secret).
async fn new_token(
    c: &reqwest::Client,
    s: &Server,
    csrf: &str,
    name: &str,
    role: &str,
) -> (String, String) {
    let t = json_of(
        api_post(
            c,
            s,
            csrf,
            "/api/v1/tokens",
            &json!({"name": name, "role": role}),
        )
        .await,
        201,
    )
    .await;
    (
        t["id"].as_str().unwrap().to_owned(),
        t["secret"].as_str().unwrap().to_owned(),
    )
}

/// `GET path` with a bearer token; returns the response.
async fn by_token(s: &Server, secret: &str, path: &str) -> reqwest::Response {
    bare_client()
        .get(s.url(path))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap()
}

/// How many reads of record `id` by user `who` the audit chain holds.
async fn reads(d: &Database, id: &str, who: &str) -> i64 {
    d.count(
        "audit_entry",
        &format!("entity_id = '{id}' AND action = 'read' AND actor_id = '{who}'"),
    )
    .await
}

/// The administrator's view of a user, with `unit` replaced: the body of
/// `PUT /api/v1/users/{id}` that moves them and changes nothing else.
fn moved_profile(user: &Value, unit: &str) -> Value {
    json!({
        "display_name": user["display_name"],
        "unit": unit,
        "role": user["role"],
        "scope": user["scope"],
        "clearance": user["clearance"],
        "language": user["language"],
    })
}

async fn moved_user_loses_access(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let user = d.user_id("customs.bokeo").await;
    let customs_unit = d.unit_id("CUSTOMS", "Bokeo Customs Checkpoint").await;
    let committee_unit = d.unit_id("PCDC-BK", "Bokeo Committee Office").await;
    let (officer, officer_csrf) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;

    // Before: the officer reads the report shared with CUSTOMS, by session
    // and by a token made for a script.
    let list = api_get(&officer, &s, "/api/v1/intelligence?per_page=500").await;
    let line = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == json!(PRICE_REPORT))
        .unwrap_or_else(|| panic!("{PRICE_REPORT:?} is not readable by customs.bokeo: {list}"))
        .clone();
    let id = line["id"].as_str().unwrap().to_owned();
    assert_eq!(line["readable"], json!(true));
    assert_eq!(line["access"]["classification"], json!("unclassified"));
    assert_eq!(line["access"]["province"], json!("05"));
    assert_eq!(line["access"]["tlp"], json!("TLP:GREEN"));
    let report = api_get(&officer, &s, &format!("/api/v1/intelligence/{id}")).await;
    assert_eq!(report["title"], json!(PRICE_REPORT));
    let reference = report["reference"].as_str().unwrap().to_owned();
    let page = officer
        .get(s.url(&format!("/intelligence/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains(PRICE_REPORT));
    let (_, secret) = new_token(&officer, &s, &officer_csrf, "bokeo script", "data_clerk").await;
    let r = by_token(&s, &secret, &format!("/api/v1/intelligence/{id}")).await;
    assert_eq!(json_of(r, 200).await["title"], json!(PRICE_REPORT));
    let reads_before = reads(&d, &id, &user).await;
    assert!(
        reads_before >= 3,
        "session, page and token reads are audited"
    );

    // An administrator moves the officer to the Bokeo drug-control committee.
    let (admin, admin_csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let profile = api_get(&admin, &s, &format!("/api/v1/users/{user}")).await;
    assert_eq!(profile["unit"], json!(customs_unit));
    let moved = json_of(
        api_put(
            &admin,
            &s,
            &admin_csrf,
            &format!("/api/v1/users/{user}"),
            &moved_profile(&profile, &committee_unit),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(moved["unit"], json!(committee_unit));
    assert_eq!(
        (moved["role"].clone(), moved["scope"].clone()),
        (profile["role"].clone(), profile["scope"].clone()),
        "only the unit changed"
    );
    assert_eq!(
        d.count(
            "app_user",
            &format!("id = '{user}' AND unit_id = '{committee_unit}'")
        )
        .await,
        1
    );

    // The same session, at once: the report is known to exist (unclassified,
    // in scope) but no longer readable.
    let me = api_get(&officer, &s, "/api/v1/me").await;
    assert_eq!(
        me["unit"],
        json!(committee_unit),
        "the session sees the move"
    );
    let r = officer
        .get(s.url(&format!("/api/v1/intelligence/{id}")))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (403, Some("denied-request-access")),
        "{p}"
    );
    assert!(!p.to_string().contains(PRICE_REPORT), "no title leaks: {p}");
    let line = list_line(&officer, &s, &id)
        .await
        .expect("still listed: unclassified and in scope");
    assert_eq!(line["readable"], json!(false), "{line}");
    assert!(line["title"].is_null() && line["grade"].is_null(), "{line}");
    let list = officer
        .get(s.url("/intelligence"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains(&reference) && !list.contains(PRICE_REPORT),
        "the list page shows the reference, not the title"
    );
    let page = officer
        .get(s.url(&format!("/intelligence/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&reference)
            && !html.contains(PRICE_REPORT)
            && html.contains("/request-access"),
        "the report page offers a request instead"
    );

    // The token made before the move follows its owner.
    let r = by_token(&s, &secret, &format!("/api/v1/intelligence/{id}")).await;
    let (status, p) = problem(r).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (403, Some("denied-request-access")),
        "{p}"
    );
    let line = list_line_by_token(&s, &secret, &id).await.unwrap();
    assert_eq!(line["readable"], json!(false), "{line}");
    assert!(line["title"].is_null(), "{line}");
    // Refusals are not reads.
    assert_eq!(reads(&d, &id, &user).await, reads_before);

    // The refusal is the policy's "ask the owner": the request is accepted.
    json_of(
        api_post(
            &officer,
            &s,
            &officer_csrf,
            &format!("/api/v1/records/{id}/access-requests"),
            &json!({"reason": "Moved to the provincial committee; still following Bokeo prices"}),
        )
        .await,
        201,
    )
    .await;

    // Moved back, the officer reads it again through the CUSTOMS share.
    json_of(
        api_put(
            &admin,
            &s,
            &admin_csrf,
            &format!("/api/v1/users/{user}"),
            &moved_profile(&profile, &customs_unit),
        )
        .await,
        200,
    )
    .await;
    let report = api_get(&officer, &s, &format!("/api/v1/intelligence/{id}")).await;
    assert_eq!(report["title"], json!(PRICE_REPORT));
    let r = by_token(&s, &secret, &format!("/api/v1/intelligence/{id}")).await;
    assert_eq!(r.status(), 200);

    // Both moves are on the user's history, the chain verifies.
    let history = api_get(&admin, &s, &format!("/api/v1/history/user/{user}")).await;
    let units: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == json!("update"))
        .map(|e| &e["after"]["unit"])
        .collect();
    assert!(
        units.contains(&&json!(committee_unit)) && units.contains(&&json!(customs_unit)),
        "the moves are audited: {history}"
    );
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
}
both_backends!(moved_user_loses_access);

async fn token_revoked_mid_session(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    let (first, first_secret) = new_token(&c, &s, &csrf, "first script", "data_clerk").await;
    let (second, second_secret) = new_token(&c, &s, &csrf, "second script", "data_clerk").await;

    // One script, one client: its kept-alive connection carries the
    // requests before and after the revocation.
    let script = bare_client();
    let get = |secret: &str, path: &str| {
        script
            .get(s.url(path))
            .bearer_auth(secret.to_owned())
            .send()
    };
    assert_eq!(
        get(&first_secret, "/api/v1/me").await.unwrap().status(),
        200
    );
    assert_eq!(
        get(&first_secret, "/api/v1/intelligence")
            .await
            .unwrap()
            .status(),
        200
    );

    // The owner revokes the first token from their session.
    let r = api_post(
        &c,
        &s,
        &csrf,
        &format!("/api/v1/tokens/{first}/revoke"),
        &json!({}),
    )
    .await;
    assert_eq!(r.status(), 204);
    for path in ["/api/v1/me", "/api/v1/intelligence", "/api/v1/tokens"] {
        let (status, p) = problem(get(&first_secret, path).await.unwrap()).await;
        assert_eq!(
            (status, p["code"].as_str()),
            (401, Some("error-token-invalid")),
            "{path}: {p}"
        );
    }
    // A revoked token does not fall back to a session cookie sent with it.
    let r = c
        .get(s.url("/api/v1/me"))
        .bearer_auth(&first_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 401);
    // The other token and the session go on.
    assert_eq!(
        get(&second_secret, "/api/v1/me").await.unwrap().status(),
        200
    );
    assert_eq!(
        api_get(&c, &s, "/api/v1/me").await["username"],
        "customs.bokeo"
    );

    // An administrator revokes the second one.
    let (admin, admin_csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let r = api_post(
        &admin,
        &s,
        &admin_csrf,
        &format!("/api/v1/tokens/{second}/revoke"),
        &json!({}),
    )
    .await;
    assert_eq!(r.status(), 204);
    let (status, p) = problem(get(&second_secret, "/api/v1/me").await.unwrap()).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (401, Some("error-token-invalid"))
    );
    assert_eq!(
        d.count(
            "api_token",
            &format!("id IN ('{first}', '{second}') AND revoked_at IS NOT NULL")
        )
        .await,
        2
    );
    let listed = api_get(&c, &s, "/api/v1/tokens").await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["revoked_at"].is_string()),
        "the owner sees both revoked: {listed}"
    );
}
both_backends!(token_revoked_mid_session);

async fn disabled_user_session_ends(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let user = d.user_id("customs.bokeo").await;
    let (officer, officer_csrf) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    let (_, secret) = new_token(&officer, &s, &officer_csrf, "bokeo script", "data_clerk").await;
    let r = officer.get(s.url("/intelligence")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        api_get(&officer, &s, "/api/v1/me").await["username"],
        "customs.bokeo"
    );

    // An administrator disables the officer through the API.
    let (admin, admin_csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let out = json_of(
        api_post(
            &admin,
            &s,
            &admin_csrf,
            &format!("/api/v1/users/{user}/disable"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(out["active"], json!(false));
    assert_eq!(d.count("session", &format!("user_id = '{user}'")).await, 0);

    // The open session: pages send to the log-in page, saying it ended…
    let r = officer.get(s.url("/intelligence")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=%2Fintelligence&expired=1");
    let r = officer.get(s.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        location(&r).starts_with("/login?next=%2Faccount"),
        "{}",
        location(&r)
    );
    // …the API answers 401, to reads and to changes alike.
    for path in ["/api/v1/me", "/api/v1/intelligence"] {
        let (status, p) = problem(officer.get(s.url(path)).send().await.unwrap()).await;
        assert_eq!(
            (status, p["code"].as_str()),
            (401, Some("error-unauthenticated")),
            "{path}: {p}"
        );
    }
    let r = api_post(
        &officer,
        &s,
        &officer_csrf,
        "/api/v1/tokens",
        &json!({"name": "after", "role": "data_clerk"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (401, Some("error-unauthenticated")),
        "a change from the ended session is refused: {p}"
    );
    assert_eq!(
        d.count(
            "api_token",
            &format!("user_id = '{user}' AND name = 'after'")
        )
        .await,
        0
    );
    // The token of a disabled user is refused.
    let (status, p) = problem(by_token(&s, &secret, "/api/v1/me").await).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (401, Some("error-token-invalid"))
    );

    // A session whose user is disabled behind dcis's back (directly in the
    // database, without ending sessions) ends at its next request too.
    let (clerk, _) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let clerk_id = d.user_id("clerk.bokeo").await;
    assert_eq!(
        d.count("session", &format!("user_id = '{clerk_id}'")).await,
        1
    );
    d.execute(&format!(
        "UPDATE app_user SET disabled_at = 1 WHERE id = '{clerk_id}'"
    ))
    .await;
    let r = clerk.get(s.url("/intelligence")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        location(&r).starts_with("/login?next=%2Fintelligence"),
        "{}",
        location(&r)
    );
    let (status, _) = problem(clerk.get(s.url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(
        d.count("session", &format!("user_id = '{clerk_id}'")).await,
        0,
        "the session is deleted at its first use"
    );

    // Enabled again, the officer's old session stays ended; a new log-in works.
    json_of(
        api_post(
            &admin,
            &s,
            &admin_csrf,
            &format!("/api/v1/users/{user}/enable"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let r = officer.get(s.url("/intelligence")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (again, _) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    assert_eq!(
        again
            .get(s.url("/intelligence"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
}
both_backends!(disabled_user_session_ends);
