//! Log-in, log-out, CSRF, throttling, session expiry, "log out everywhere"
//! and changing one's own password, against the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

/// A complete, valid "new user" form (without the CSRF field).
fn new_user_form(unit: &str, username: &str) -> Vec<(&'static str, String)> {
    vec![
        ("username", username.to_owned()),
        ("display_name", "Form Tester".to_owned()),
        ("password", "a-long-enough-password-1".to_owned()),
        ("unit", unit.to_owned()),
        ("role", "analyst".to_owned()),
        ("scope_kind", "national".to_owned()),
        ("clearance", "restricted".to_owned()),
        ("language", "en".to_owned()),
    ]
}

async fn login_and_logout(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let c = client();

    // The log-in form's CSRF token is the pre-log-in cookie.
    let r = c.get(s.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let pre = set_cookie(&r, "dcis_prelogin").expect("GET /login sets the pre-log-in cookie");
    let pre_value = pre
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("dcis_prelogin=")
        .to_owned();
    let csrf = csrf_of(&r.text().await.unwrap());
    assert_eq!(csrf, pre_value);

    // Wrong password: 401, the page says so, no session is created.
    let r = submit_login(&c, &s, &csrf, "admin", "not-the-password").await;
    assert_eq!(r.status(), 401);
    assert!(set_cookie(&r, "dcis_session").is_none());
    let body = r.text().await.unwrap();
    assert!(body.contains("Wrong user name or password"), "{body}");
    assert!(
        body.contains("value=\"admin\""),
        "the user name is kept in the form"
    );
    assert_eq!(d.count("session", "1 = 1").await, 0);
    // An unknown user gets the same answer.
    let r = submit_login(&c, &s, &csrf, "nobody.here", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 401);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Wrong user name or password"));

    // Right password: 303 to `next`, a session cookie that scripts cannot
    // read and other sites cannot send.
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", DEMO_PASSWORD),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
    let cookie = set_cookie(&r, "dcis_session").expect("log-in sets the session cookie");
    let flags = cookie.to_ascii_lowercase();
    assert!(flags.contains("httponly"), "{cookie}");
    assert!(
        flags.contains("samesite=lax") || flags.contains("samesite=strict"),
        "{cookie}"
    );
    assert!(flags.contains("path=/"), "{cookie}");
    let secret = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("dcis_session=")
        .to_owned();
    assert!(secret.len() >= 32);
    let admin = d.user_id("admin").await;
    assert_eq!(d.count("session", &format!("user_id = '{admin}'")).await, 1);

    let home = c.get(s.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let home = home.text().await.unwrap();
    assert!(home.contains("Demo Administrator"));
    let token = csrf_of(&home);

    // Log out: the session ends on the server, not only in this browser.
    let r = c
        .post(s.url("/logout"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    assert_eq!(d.count("session", "1 = 1").await, 0);
    let r = c.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login?next="), "{}", location(&r));
    // Replaying the old cookie from elsewhere does not work either.
    let r = bare_client()
        .get(s.url("/account"))
        .header("cookie", format!("dcis_session={secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    let r = bare_client()
        .get(s.url("/api/v1/me"))
        .header("cookie", format!("dcis_session={secret}"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 401);
    assert_eq!(p["code"], "error-unauthenticated");
}
both_backends!(login_and_logout);

async fn csrf_is_required(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let unit = d.unit_id("LCDC", "Secretariat").await;
    let (c, token) = login(&s, "admin", DEMO_PASSWORD).await;
    let (_, other_token) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let users_before = d.count("app_user", "1 = 1").await;

    let post = |fields: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = s.url("/admin/users");
        async move { c.post(url).form(&fields).send().await.unwrap() }
    };

    // No token.
    let r = post(new_user_form(&unit, "csrf.missing")).await;
    assert_eq!(r.status(), 403);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("did not come from this site"));
    // A made-up token of the right shape.
    let mut f = new_user_form(&unit, "csrf.forged");
    f.push(("csrf", "A".repeat(token.len())));
    assert_eq!(post(f).await.status(), 403);
    // Another session's (valid) token.
    let mut f = new_user_form(&unit, "csrf.other");
    f.push(("csrf", other_token.clone()));
    assert_eq!(post(f).await.status(), 403);
    // An empty token.
    let mut f = new_user_form(&unit, "csrf.empty");
    f.push(("csrf", String::new()));
    assert_eq!(post(f).await.status(), 403);
    // The right token, but the browser says the request is cross-site.
    let mut f = new_user_form(&unit, "csrf.crosssite");
    f.push(("csrf", token.clone()));
    let r = c
        .post(s.url("/admin/users"))
        .header("sec-fetch-site", "cross-site")
        .form(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Log-out without a token is refused too (the session survives).
    let r = c
        .post(s.url("/logout"))
        .form(&[("csrf", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(c.get(s.url("/account")).send().await.unwrap().status(), 200);

    assert_eq!(
        d.count("app_user", "1 = 1").await,
        users_before,
        "a refused form wrote a user"
    );
    assert_eq!(d.count("app_user", "username LIKE 'csrf.%'").await, 0);

    // The log-in form needs the pre-log-in token as well.
    let (anon, pre) = login_page(&s).await;
    let r = submit_login(&anon, &s, "", "analyst", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 403);
    let r = submit_login(&anon, &s, &"B".repeat(pre.len()), "analyst", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 403);
    let analyst = d.user_id("analyst").await;
    assert_eq!(
        d.count("session", &format!("user_id = '{analyst}'")).await,
        0
    );

    // Control: the same form with the session's token is accepted.
    let mut f = new_user_form(&unit, "csrf.valid");
    f.push(("csrf", token.clone()));
    let r = post(f).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(d.count("app_user", "1 = 1").await, users_before + 1);
    assert_eq!(d.count("app_user", "username = 'csrf.valid'").await, 1);
}
both_backends!(csrf_is_required);

async fn login_throttling(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login_page(&s).await;

    // Five failures for one account...
    for _ in 0..5 {
        let r = submit_login(&c, &s, &csrf, "analyst", "wrong-password-guess").await;
        assert_eq!(r.status(), 401);
    }
    assert_eq!(d.count("login_failure", "username = 'analyst'").await, 5);
    // ...and the next attempt is refused even with the right password.
    let r = submit_login(&c, &s, &csrf, "analyst", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 429);
    assert!(
        !header(&r, "retry-after").is_empty(),
        "429 without Retry-After"
    );
    assert!(set_cookie(&r, "dcis_session").is_none());
    let body = r.text().await.unwrap();
    assert!(body.contains("Too many failed log-ins"), "{body}");
    // The name is matched case-insensitively: no way around the lock.
    assert_eq!(
        submit_login(&c, &s, &csrf, "ANALYST", DEMO_PASSWORD)
            .await
            .status(),
        429
    );
    let analyst = d.user_id("analyst").await;
    assert_eq!(
        d.count("session", &format!("user_id = '{analyst}'")).await,
        0
    );

    // Another account from the same address is below the address limit.
    let (c2, csrf2) = login_page(&s).await;
    let r = submit_login(&c2, &s, &csrf2, "supervisor", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 303);

    // 30 failures from one address close it for every account (five
    // accounts other than the locked one, five failures each, plus the five
    // above).
    let (c3, csrf3) = login_page(&s).await;
    for n in 0..5 {
        for _ in 0..5 {
            let r = submit_login(
                &c3,
                &s,
                &csrf3,
                &format!("ghost{n}"),
                "wrong-password-guess",
            )
            .await;
            assert_eq!(r.status(), 401);
        }
    }
    let r = submit_login(&c3, &s, &csrf3, "liaison.houayxay", DEMO_PASSWORD).await;
    assert_eq!(r.status(), 429);
    let liaison = d.user_id("liaison.houayxay").await;
    assert_eq!(
        d.count("session", &format!("user_id = '{liaison}'")).await,
        0
    );
}
both_backends!(login_throttling);

async fn session_expiry(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, token) = login(&s, "analyst", DEMO_PASSWORD).await;
    assert_eq!(c.get(s.url("/account")).send().await.unwrap().status(), 200);

    assert_eq!(d.execute("UPDATE session SET expires_at = 0").await, 1);

    // A page sends the user to log in, saying the session ended.
    let r = c.get(s.url("/account?x=1")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(to.starts_with("/login?next="), "{to}");
    assert!(to.contains("expired=1"), "{to}");
    assert!(to.contains("%2Faccount"), "{to}");
    // The expired session is gone from the database.
    assert_eq!(d.count("session", "1 = 1").await, 0);

    // A form posted with it is refused with the matching explanation.
    let r = c
        .post(s.url("/account/tokens"))
        .form(&[
            ("csrf", token.as_str()),
            ("name", "late"),
            ("role", "analyst"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Your session has ended"));
    assert_eq!(d.count("api_token", "1 = 1").await, 0);

    // The API answers 401.
    let (status, _) = problem(c.get(s.url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(status, 401);

    // The log-in page explains, and clears the dead cookie.
    let r = c.get(s.url(&to)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let cleared = set_cookie(&r, "dcis_session").expect("the dead cookie is removed");
    assert!(
        cleared.to_ascii_lowercase().contains("max-age=0") || cleared.contains("1970"),
        "{cleared}"
    );
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Your session has ended. Please log in again."));

    // A fresh log-in works and returns where the user was going.
    let (c2, csrf) = login_page(&s).await;
    let r = c2
        .post(s.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "analyst"),
            ("password", DEMO_PASSWORD),
            ("next", "/account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account");
}
both_backends!(session_expiry);

async fn logout_everywhere(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (a, token_a) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let (b, _) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let (other, _) = login(&s, "analyst", DEMO_PASSWORD).await;
    let supervisor = d.user_id("supervisor").await;
    assert_eq!(
        d.count("session", &format!("user_id = '{supervisor}'"))
            .await,
        2
    );
    // The account page lists both sessions.
    let page = b
        .get(s.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page.matches("<tr><td>").count(), 2, "two sessions listed");

    let r = a
        .post(s.url("/account/logout-everywhere"))
        .form(&[("csrf", token_a.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));

    assert_eq!(
        d.count("session", &format!("user_id = '{supervisor}'"))
            .await,
        0
    );
    for c in [&a, &b] {
        let r = c.get(s.url("/account")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert!(location(&r).starts_with("/login"), "{}", location(&r));
    }
    let r = b.get(s.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    // Someone else's session is untouched.
    assert_eq!(
        other.get(s.url("/account")).send().await.unwrap().status(),
        200
    );
    // The event is in the audit log.
    assert!(
        d.count(
            "audit_entry",
            &format!("entity_id = '{supervisor}' AND after_json LIKE '%logout_everywhere%'")
        )
        .await
            >= 1
    );
}
both_backends!(logout_everywhere);

async fn change_own_password(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (a, token) = login(&s, "analyst", DEMO_PASSWORD).await;
    let (b, _) = login(&s, "analyst", DEMO_PASSWORD).await;
    let analyst = d.user_id("analyst").await;
    let hash_before = d
        .scalar_text(&format!(
            "SELECT password_hash FROM app_user WHERE id = '{analyst}'"
        ))
        .await;
    let new_password = "correct-horse-battery-2026";

    let change = |current: &str, new: &str, confirm: &str| {
        let form = [
            ("csrf", token.clone()),
            ("current_password", current.to_owned()),
            ("new_password", new.to_owned()),
            ("confirm_password", confirm.to_owned()),
        ];
        let a = a.clone();
        let url = s.url("/account/password");
        async move { a.post(url).form(&form).send().await.unwrap() }
    };

    // Wrong current password.
    let r = change("not-my-password", new_password, new_password).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("The current password is not correct."),
        "{body}"
    );
    // A new password that is too short, and a confirmation that differs.
    let r = change(DEMO_PASSWORD, "short", "shorter").await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("The two new passwords differ."), "{body}");
    assert!(
        body.contains("aria-invalid=\"true\""),
        "the bad field is marked"
    );
    let hash_now = d
        .scalar_text(&format!(
            "SELECT password_hash FROM app_user WHERE id = '{analyst}'"
        ))
        .await;
    assert_eq!(
        hash_now, hash_before,
        "a refused change altered the password"
    );
    assert_eq!(
        d.count("session", &format!("user_id = '{analyst}'")).await,
        2
    );

    // Success.
    let r = change(DEMO_PASSWORD, new_password, new_password).await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/account"), "{}", location(&r));
    let hash_now = d
        .scalar_text(&format!(
            "SELECT password_hash FROM app_user WHERE id = '{analyst}'"
        ))
        .await;
    assert_ne!(hash_now, hash_before);
    assert!(hash_now.starts_with("$argon2id$"), "{hash_now}");

    // This session goes on; the other one has ended.
    assert_eq!(a.get(s.url("/account")).send().await.unwrap().status(), 200);
    let r = b.get(s.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    assert_eq!(
        d.count("session", &format!("user_id = '{analyst}'")).await,
        1
    );

    // The old password no longer works; the new one does.
    let (c, csrf) = login_page(&s).await;
    assert_eq!(
        submit_login(&c, &s, &csrf, "analyst", DEMO_PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        submit_login(&c, &s, &csrf, "analyst", new_password)
            .await
            .status(),
        303
    );
}
both_backends!(change_own_password);
