//! Bad requests of every kind are answered with the right status and
//! format, write nothing, and never take the server down.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

/// After the abuse: the server still answers and never panicked.
async fn still_healthy(s: &Server) {
    let r = bare_client().get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let log = s.log();
    assert!(
        !log.contains("panicked"),
        "the server log shows a panic:\n{log}"
    );
}

fn html_page(r: &reqwest::Response) -> bool {
    header(r, "content-type").starts_with("text/html")
}

async fn unknown_routes_and_ids(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let anon = bare_client();

    // Unknown page: an HTML page, anonymous or logged in.
    let r = anon.get(s.url("/no/such/page")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(html_page(&r));
    let body = r.text().await.unwrap();
    assert!(
        body.contains("<html") && body.contains("does not exist"),
        "{body}"
    );
    let (c, csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let r = c.get(s.url("/admin/nothing-here")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(html_page(&r));
    // Unknown API route: a problem document, with and without credentials.
    let (status, p) = problem(
        anon.get(s.url("/api/v1/no-such-thing"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(p["code"], "error-not-found");
    let (status, _) = problem(c.get(s.url("/api/v2/users")).send().await.unwrap()).await;
    assert_eq!(status, 404);
    // A method the route does not take.
    let r = c
        .delete(s.url("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 405);
    // An unknown asset.
    assert_eq!(
        anon.get(s.url("/assets/nothing.css"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Ids that are not UUIDs: 404, never 400 or 500.
    for path in [
        "/admin/users/not-a-uuid",
        "/admin/users/1",
        "/admin/organisations/%27%3B%20DROP%20TABLE%20app_user%3B--",
        "/admin/units/zzz",
        "/geography/provinces/ABC",
        "/geography/districts/12",
    ] {
        let r = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert!(html_page(&r), "{path}");
    }
    for path in [
        "/api/v1/users/not-a-uuid",
        "/api/v1/organisations/1",
        "/api/v1/units/%00",
        "/api/v1/provinces/XYZ/districts",
        "/api/v1/districts/ab/villages",
        "/api/v1/history/user/not-a-uuid",
    ] {
        let (status, _) = problem(c.get(s.url(path)).send().await.unwrap()).await;
        assert_eq!(status, 404, "{path}");
    }
    let r = api_post(&c, &s, &csrf, "/api/v1/users/nope/disable", &json!({})).await;
    assert_eq!(problem(r).await.0, 404);
    let r = post_form(&c, &s, &csrf, "/admin/users/nope/disable", &[]).await;
    assert_eq!(r.status(), 404);
    let r = api_post(&c, &s, &csrf, "/api/v1/tokens/nope/revoke", &json!({})).await;
    assert_eq!(problem(r).await.0, 404);
    assert_eq!(d.count("app_user", "1 = 1").await, 7);
    assert_eq!(d.count("organisation", "1 = 1").await, 8);

    still_healthy(&s).await;
}
both_backends!(unknown_routes_and_ids);

async fn malformed_bodies(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let unit = d.unit_id("LCDC", "Secretariat").await;
    let users_before = d.count("app_user", "1 = 1").await;
    let valid = json!({"username": "body.test", "display_name": "Body Test", "password": "a-long-enough-password-1",
                       "unit": unit, "role": "analyst", "scope": "national", "clearance": "restricted"});
    let send = |ct: &'static str, body: Vec<u8>| {
        c.post(s.url("/api/v1/users"))
            .header("x-csrf-token", &csrf)
            .header("content-type", ct)
            .body(body)
            .send()
    };

    // Not JSON.
    let (status, p) = problem(
        send("application/json", b"{\"username\": ".to_vec())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(p["code"], "error-json");
    let (status, _) = problem(
        send("application/json", b"not json at all".to_vec())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = problem(send("application/json", Vec::new()).await.unwrap()).await;
    assert_eq!(status, 400);
    // Valid JSON followed by garbage.
    let mut trailing = valid.to_string().into_bytes();
    trailing.extend_from_slice(b" {}");
    assert_eq!(
        problem(send("application/json", trailing).await.unwrap())
            .await
            .0,
        400
    );
    // Invalid UTF-8.
    assert_eq!(
        problem(
            send("application/json", vec![b'"', 0xff, 0xfe, b'"'])
                .await
                .unwrap()
        )
        .await
        .0,
        400
    );
    // The wrong shape: a number for a string, a missing field.
    let mut wrong = valid.clone();
    wrong["role"] = json!(7);
    assert_eq!(
        problem(
            send("application/json", wrong.to_string().into_bytes())
                .await
                .unwrap()
        )
        .await
        .0,
        400
    );
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("unit");
    let (status, p) = problem(
        send("application/json", missing.to_string().into_bytes())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(p["title"].as_str().unwrap().contains("unit"), "{p}");
    // An unknown field is refused, not ignored.
    let mut extra = valid.clone();
    extra["is_superuser"] = json!(true);
    let (status, p) = problem(
        send("application/json", extra.to_string().into_bytes())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(p["code"], "error-json");
    assert!(p["title"].as_str().unwrap().contains("is_superuser"), "{p}");
    // The wrong media type.
    let (status, p) = problem(
        send("text/plain", valid.to_string().into_bytes())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 415);
    assert_eq!(p["code"], "error-media-type");
    let (status, _) = problem(
        send("application/x-www-form-urlencoded", b"username=x".to_vec())
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 415);
    let r = c
        .post(s.url("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .body(valid.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 415, "no content type at all");

    // A form posted with junk.
    let r = c
        .post(s.url("/admin/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&username=%ZZ&&=&provinces"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert!(html_page(&r));

    assert_eq!(d.count("app_user", "1 = 1").await, users_before);
    // Control: the valid body is accepted.
    let r = send("application/json", valid.to_string().into_bytes())
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(d.count("app_user", "1 = 1").await, users_before + 1);

    still_healthy(&s).await;
}
both_backends!(malformed_bodies);

async fn oversized_bodies(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let unit = d.unit_id("LCDC", "Secretariat").await;
    let users_before = d.count("app_user", "1 = 1").await;
    let audit_before = d.count("audit_entry", "1 = 1").await;

    // A 3 MB form to a page, carrying a valid CSRF token and a valid user.
    // The server answers before reading such a body and then drops the
    // connection; `Connection: close` keeps the client from reusing it.
    let padding = "x".repeat(3 * 1024 * 1024);
    let r = c
        .post(s.url("/admin/users"))
        .header("connection", "close")
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "big.form"),
            ("display_name", "Big Form"),
            ("password", "a-long-enough-password-1"),
            ("unit", &unit),
            ("role", "analyst"),
            ("scope_kind", "national"),
            ("clearance", "restricted"),
            ("language", "en"),
            ("padding", &padding),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(html_page(&r));

    // A 2 MB JSON body to the API, otherwise a valid user.
    let big = json!({"username": "big.json", "display_name": "y".repeat(2 * 1024 * 1024),
                     "password": "a-long-enough-password-1", "unit": unit, "role": "analyst",
                     "scope": "national", "clearance": "restricted"});
    let r = c
        .post(s.url("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .header("connection", "close")
        .json(&big)
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 413);
    assert_eq!(p["code"], "error-too-large");
    // The same through a bearer token.
    let t = json_of(
        api_post(
            &c,
            &s,
            &csrf,
            "/api/v1/tokens",
            &json!({"name": "t", "role": "administrator"}),
        )
        .await,
        201,
    )
    .await;
    let r = bare_client()
        .post(s.url("/api/v1/organisations"))
        .bearer_auth(t["secret"].as_str().unwrap())
        .header("connection", "close")
        .json(&json!({"code": "BIG", "kind": "other", "name_en": "z".repeat(2 * 1024 * 1024), "name_lo": "z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 413);

    assert_eq!(d.count("app_user", "1 = 1").await, users_before);
    assert_eq!(d.count("app_user", "username LIKE 'big.%'").await, 0);
    assert_eq!(d.count("organisation", "code = 'BIG'").await, 0);
    // Only the token's creation was audited.
    assert_eq!(d.count("audit_entry", "1 = 1").await, audit_before + 1);

    // The session still works afterwards.
    assert_eq!(c.get(s.url("/account")).send().await.unwrap().status(), 200);
    still_healthy(&s).await;
}
both_backends!(oversized_bodies);

async fn hostile_headers_and_queries(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let anon = bare_client();
    // Odd cookies, languages and queries are tolerated.
    let r = anon
        .get(s.url("/login?next=%2F%2Fevil.example&expired=%FF"))
        .header("cookie", "dcis_session=; dcis_lang=xx; dcis_prelogin=short")
        .header("accept-language", ";;;q=abc,*")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    // Log-in never sends anyone to another site.
    assert!(!page.contains("evil.example"), "{page}");
    let (c, csrf) = login_page(&s).await;
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "analyst"),
            ("password", DEMO_PASSWORD),
            ("next", "//evil.example/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
    // A garbage bearer header, an enormous user name, a bad page number.
    for auth in ["Bearer", "Bearer ", "bearer x", "Bearer dcis_\u{e9}"] {
        let r = anon
            .get(s.url("/api/v1/me"))
            .header("authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(problem(r).await.0, 401, "{auth:?}");
    }
    let (c, csrf) = login_page(&s).await;
    let r = submit_login(&c, &s, &csrf, &"a".repeat(10_000), "x").await;
    assert_eq!(r.status(), 401);
    let (admin, _) = login(&s, "admin", DEMO_PASSWORD).await;
    for q in [
        "page=-5",
        "page=999999999",
        "page=abc",
        "org=not-an-id",
        "q=%25%27%22%3C",
    ] {
        let r = admin
            .get(s.url(&format!("/admin/users?{q}")))
            .send()
            .await
            .unwrap();
        assert!(
            r.status() == 200 || r.status() == 400,
            "{q}: {}",
            r.status()
        );
    }
    let r = admin
        .get(s.url("/api/v1/users?per_page=-1&page=-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = admin
        .get(s.url("/api/v1/audit?limit=999999999&before=-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    still_healthy(&s).await;
}
both_backends!(hostile_headers_and_queries);

async fn control_characters_in_next(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    // Before log-in: the language switch.
    let r = bare_client()
        .get(s.url("/language/lo?next=%2Faccount%0D%0AX-Injected:%201"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert!(header(&r, "x-injected").is_empty());
    assert!(!location(&r).contains('\n'));
    // The log-in form.
    let (c, csrf) = login_page(&s).await;
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "analyst"),
            ("password", DEMO_PASSWORD),
            ("next", "/account\r\nX-Injected: 1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert!(header(&r, "x-injected").is_empty());
    assert_eq!(location(&r), "/");
    // The language form of a logged-in user.
    let home = c
        .get(s.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&home);
    let r = post_form(
        &c,
        &s,
        &token,
        "/language",
        &[("lang", "lo"), ("next", "/\u{7f}x")],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), "/");
    still_healthy(&s).await;
}
both_backends!(control_characters_in_next);
