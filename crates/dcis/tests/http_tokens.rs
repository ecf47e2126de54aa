//! API tokens: created with a session, used as bearer tokens, narrowed to
//! their role, last use recorded, revoked; and CSRF on API calls made with
//! a session cookie.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

fn permissions(me: &serde_json::Value) -> Vec<String> {
    me["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect()
}

async fn token_lifecycle(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let supervisor = d.user_id("supervisor").await;

    // Created through the API with the session cookie and X-CSRF-Token.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/tokens",
        &json!({"name": "nightly export", "role": "analyst", "expires_in_days": 30}),
    )
    .await;
    let t = json_of(r, 201).await;
    let secret = t["secret"].as_str().unwrap().to_owned();
    let id = t["id"].as_str().unwrap().to_owned();
    assert_eq!(t["role"], "analyst");
    assert!(t["expires_at"].is_string());
    assert_eq!(
        d.count(
            "api_token",
            &format!("id = '{id}' AND user_id = '{supervisor}' AND role = 'analyst'")
        )
        .await,
        1
    );
    // Only its hash is stored.
    assert_eq!(
        d.count("api_token", &format!("token_hash = '{secret}'"))
            .await,
        0
    );
    // The secret is never shown again.
    let listed = api_get(&c, &s, "/api/v1/tokens").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(listed[0].get("secret").is_none(), "{listed}");
    assert!(!listed.to_string().contains(&secret));
    assert_eq!(
        d.count(
            "api_token",
            &format!("id = '{id}' AND last_used_at IS NULL")
        )
        .await,
        1
    );

    // Used as a bearer token, by a client without cookies.
    let bearer = bare_client();
    let me = json_of(
        bearer
            .get(s.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(me["username"], "supervisor");
    assert_eq!(me["via_token"], id.as_str());
    let token_perms = permissions(&me);
    assert!(token_perms.contains(&"analyse".to_owned()));
    assert!(
        !token_perms.contains(&"share_records".to_owned()),
        "narrowed to the analyst role: {token_perms:?}"
    );
    assert!(!token_perms.contains(&"view_audit_log".to_owned()));
    let session_me = api_get(&c, &s, "/api/v1/me").await;
    assert!(permissions(&session_me).contains(&"view_audit_log".to_owned()));
    assert_eq!(session_me["via_token"], serde_json::Value::Null);

    // The last use is recorded.
    assert_eq!(
        d.count(
            "api_token",
            &format!("id = '{id}' AND last_used_at IS NOT NULL")
        )
        .await,
        1
    );
    let listed = api_get(&c, &s, "/api/v1/tokens").await;
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");

    // What the supervisor may do and the analyst role may not: refused.
    assert_eq!(
        c.get(s.url("/api/v1/audit")).send().await.unwrap().status(),
        200
    );
    let (status, p) = problem(
        bearer
            .get(s.url("/api/v1/audit"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-permission");
    // Administering users is refused too (neither role has it).
    let users_before = d.count("app_user", "1 = 1").await;
    let unit = d.unit_id("LCDC", "Secretariat").await;
    let r = bearer
        .post(s.url("/api/v1/users"))
        .bearer_auth(&secret)
        .json(&json!({"username": "via.token", "display_name": "Via Token", "password": "a-long-enough-password-1",
                      "unit": unit, "role": "analyst", "scope": "national", "clearance": "restricted"}))
        .send()
        .await
        .unwrap();
    let (status, _) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(d.count("app_user", "1 = 1").await, users_before);
    // Bearer tokens need no CSRF header, and reading works.
    let provinces = json_of(
        bearer
            .get(s.url("/api/v1/provinces"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(provinces.as_array().unwrap().len(), 18);

    // A token cannot mint tokens, not even narrower ones.
    let r = bearer
        .post(s.url("/api/v1/tokens"))
        .bearer_auth(&secret)
        .json(&json!({"name": "child", "role": "analyst"}))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-token-mint");
    assert_eq!(d.count("api_token", "1 = 1").await, 1);
    // A token is not a session: pages do not accept it.
    let r = bearer
        .get(s.url("/account"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // Revoked: 204, then 401 as a problem document.
    let r = c
        .post(s.url(&format!("/api/v1/tokens/{id}/revoke")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        d.count(
            "api_token",
            &format!("id = '{id}' AND revoked_at IS NOT NULL")
        )
        .await,
        1
    );
    let (status, p) = problem(
        bearer
            .get(s.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(p["code"], "error-token-invalid");
    // So are made-up tokens and malformed headers.
    let (status, _) = problem(
        bearer
            .get(s.url("/api/v1/me"))
            .bearer_auth("dcis_made_up")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = problem(
        bearer
            .get(s.url("/api/v1/me"))
            .header("authorization", "Basic YWRtaW46eA==")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);

    // Creation and revocation are audited.
    assert_eq!(
        d.count(
            "audit_entry",
            &format!("entity_type = 'api_token' AND entity_id = '{id}'")
        )
        .await,
        2
    );
}
both_backends!(token_lifecycle);

async fn token_roles_and_pages(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "analyst", DEMO_PASSWORD).await;

    // Never wider than the holder's own role.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/tokens",
        &json!({"name": "wider", "role": "supervisor"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-role-above-own");
    // Bad input is named field by field.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/tokens",
        &json!({"name": "", "role": "king", "expires_in_days": 0}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    let mut fields = error_fields(&p);
    fields.sort();
    assert_eq!(fields, ["expires_in_days", "name", "role"]);
    assert_eq!(d.count("api_token", "1 = 1").await, 0);

    // The account page creates a token and shows its secret once.
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/account/tokens",
        &[
            ("name", "from the page"),
            ("role", "analyst"),
            ("expires_in_days", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let secret = secret_of(&page);
    assert!(secret.starts_with("dcis_"), "{secret}");
    let again = c
        .get(s.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("from the page"));
    assert!(!again.contains(&secret), "the secret is shown only once");
    let me = json_of(
        bare_client()
            .get(s.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(me["username"], "analyst");
    assert_eq!(me["role"], "analyst");

    // Revoked from the page.
    let id = d
        .scalar_text("SELECT id FROM api_token WHERE name = 'from the page'")
        .await;
    let r = post_form(&c, &s, &csrf, &format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        bare_client()
            .get(s.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // Someone else's token cannot be revoked by a user who is not their
    // administrator: it "does not exist".
    let (sup, sup_csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let t = json_of(
        api_post(
            &sup,
            &s,
            &sup_csrf,
            "/api/v1/tokens",
            &json!({"name": "mine", "role": "supervisor"}),
        )
        .await,
        201,
    )
    .await;
    let sup_token = t["id"].as_str().unwrap();
    let r = c
        .post(s.url(&format!("/api/v1/tokens/{sup_token}/revoke")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);
    assert_eq!(
        d.count(
            "api_token",
            &format!("id = '{sup_token}' AND revoked_at IS NULL")
        )
        .await,
        1
    );

    // An expired token stops working.
    let sup_secret = t["secret"].as_str().unwrap();
    let me = bare_client()
        .get(s.url("/api/v1/me"))
        .bearer_auth(sup_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(
        d.execute(&format!(
            "UPDATE api_token SET expires_at = 1 WHERE id = '{sup_token}'"
        ))
        .await,
        1
    );
    let r = bare_client()
        .get(s.url("/api/v1/me"))
        .bearer_auth(sup_secret)
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 401);
    assert_eq!(p["code"], "error-token-invalid");
}
both_backends!(token_roles_and_pages);

async fn api_csrf_with_session_cookie(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let body = json!({"name": "sneaky", "role": "analyst"});

    // Without the header.
    let r = c
        .post(s.url("/api/v1/tokens"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "error-csrf");
    // With a wrong one.
    let r = c
        .post(s.url("/api/v1/tokens"))
        .header("x-csrf-token", "A".repeat(csrf.len()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 403);
    // The token in a form field does not count for the API.
    let r = c
        .post(s.url("/api/v1/tokens"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 403);
    // PUT needs it too.
    let me = d.user_id("supervisor").await;
    let r = c
        .put(s.url(&format!("/api/v1/users/{me}")))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 403);
    assert_eq!(d.count("api_token", "1 = 1").await, 0);
    // Reading needs no header.
    assert_eq!(
        c.get(s.url("/api/v1/me")).send().await.unwrap().status(),
        200
    );

    // Control: with the right header it works.
    let r = api_post(&c, &s, &csrf, "/api/v1/tokens", &body).await;
    assert_eq!(r.status(), 201);
    assert_eq!(d.count("api_token", "1 = 1").await, 1);

    // Without any credentials: 401, not 403.
    let r = bare_client()
        .post(s.url("/api/v1/tokens"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 401);
    assert_eq!(p["code"], "error-unauthenticated");
    assert_eq!(d.count("api_token", "1 = 1").await, 1);
}
both_backends!(api_csrf_with_session_cookie);
