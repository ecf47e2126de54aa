//! Administration through the forms and the JSON API: users, provincial
//! administrators' scope, disabling and passwords, organisations and units
//! with their history, and the geography.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

const PASSWORD: &str = "a-long-enough-password-1";

async fn can_log_in(s: &Server, username: &str, password: &str) -> bool {
    let (c, csrf) = login_page(s).await;
    let r = submit_login(&c, s, &csrf, username, password).await;
    match r.status().as_u16() {
        303 => true,
        401 => false,
        other => panic!("log-in of {username} answered {other}"),
    }
}

async fn create_users(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let secretariat = d.unit_id("LCDC", "Secretariat").await;
    let bokeo_cnp = d.unit_id("CNP", "Bokeo Counter-Narcotics Unit").await;
    let users_before = d.count("app_user", "1 = 1").await;

    // Through the form, with a password.
    assert_eq!(
        c.get(s.url("/admin/users/new"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/admin/users",
        &[
            ("username", "form.analyst"),
            ("display_name", "Form Analyst"),
            ("password", PASSWORD),
            ("unit", &secretariat),
            ("role", "analyst"),
            ("scope_kind", "national"),
            ("clearance", "restricted"),
            ("language", "en"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let id = d.user_id("form.analyst").await;
    assert_eq!(
        location(&r),
        format!("/admin/users/{id}?done=flash-user-created")
    );
    assert_eq!(
        d.count(
            "app_user",
            &format!("id = '{id}' AND role = 'analyst' AND scope = 'national'")
        )
        .await,
        1
    );
    assert!(can_log_in(&s, "form.analyst", PASSWORD).await);
    let list = c
        .get(s.url("/admin/users?q=form.analyst"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains(&format!("/admin/users/{id}")),
        "the list shows the new user"
    );

    // Through the form, with provinces and no password: one is generated
    // and shown once.
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/admin/users",
        &[
            ("username", "form.clerk"),
            ("display_name", "Form Clerk"),
            ("password", ""),
            ("unit", &bokeo_cnp),
            ("role", "data_clerk"),
            ("scope_kind", "provinces"),
            ("provinces", "05"),
            ("provinces", "03"),
            ("clearance", "restricted"),
            ("language", "lo"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let generated = secret_of(&r.text().await.unwrap());
    assert!(generated.len() >= 12, "{generated}");
    assert_eq!(
        d.scalar_text("SELECT scope FROM app_user WHERE username = 'form.clerk'")
            .await,
        "03,05"
    );
    assert!(can_log_in(&s, "form.clerk", &generated).await);

    // Through the API, scope as a list, no password given.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &json!({"username": "api.liaison", "display_name": "API Liaison", "unit": bokeo_cnp,
                "role": "liaison_officer", "scope": ["05", "03"], "clearance": "restricted"}),
    )
    .await;
    let created = json_of(r, 201).await;
    assert_eq!(created["username"], "api.liaison");
    assert_eq!(created["scope"], json!(["03", "05"]));
    assert_eq!(created["language"], "en", "language defaults to English");
    assert_eq!(created["active"], true);
    let api_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(d.user_id("api.liaison").await, api_id);
    let generated = created["generated_password"].as_str().unwrap().to_owned();
    assert!(can_log_in(&s, "api.liaison", &generated).await);
    let got = api_get(&c, &s, &format!("/api/v1/users/{api_id}")).await;
    assert_eq!(got["display_name"], "API Liaison");
    assert_eq!(got["unit"], bokeo_cnp.as_str());

    assert_eq!(d.count("app_user", "1 = 1").await, users_before + 3);
    // Each creation is in the audit chain.
    for name in ["form.analyst", "form.clerk", "api.liaison"] {
        let id = d.user_id(name).await;
        assert_eq!(
            d.count(
                "audit_entry",
                &format!("entity_type = 'user' AND entity_id = '{id}' AND action = 'create'")
            )
            .await,
            1
        );
    }
}
both_backends!(create_users);

async fn duplicate_and_invalid_users(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let secretariat = d.unit_id("LCDC", "Secretariat").await;
    let users_before = d.count("app_user", "1 = 1").await;

    // A taken name through the form: 409, the form says why.
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/admin/users",
        &[
            ("username", "analyst"),
            ("display_name", "Second Analyst"),
            ("password", PASSWORD),
            ("unit", &secretariat),
            ("role", "analyst"),
            ("scope_kind", "national"),
            ("clearance", "restricted"),
            ("language", "en"),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("This user name is already taken."));
    // ...and through the API, spelt differently.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &json!({"username": "  Analyst ", "display_name": "Second Analyst", "password": PASSWORD,
                "unit": secretariat, "role": "analyst", "scope": "national", "clearance": "restricted"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 409);
    assert_eq!(p["code"], "err-username-taken");
    assert_eq!(error_fields(&p), ["username"]);
    assert_eq!(d.count("app_user", "username = 'analyst'").await, 1);
    assert_eq!(
        d.count("app_user", "display_name = 'Second Analyst'").await,
        0
    );

    // Every field wrong at once: 422 naming each one.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &json!({"username": "9 bad name", "display_name": "  ", "password": "short",
                "unit": "not-a-unit", "role": "emperor", "scope": "5x", "clearance": "cosmic",
                "language": "fr"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(p["code"], "error-validation");
    let mut fields = error_fields(&p);
    fields.sort();
    assert_eq!(
        fields,
        [
            "clearance",
            "display_name",
            "language",
            "password",
            "role",
            "scope",
            "unit",
            "username"
        ],
        "{p}"
    );
    for e in p["errors"].as_array().unwrap() {
        assert!(e["code"].as_str().unwrap().starts_with("err-"), "{e}");
        assert!(!e["detail"].as_str().unwrap().is_empty(), "{e}");
    }
    // A well-formed unit id that does not exist, and a province that does not.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &json!({"username": "ghost.unit", "display_name": "Ghost", "password": PASSWORD,
                "unit": "01890000-0000-7000-8000-000000000001", "role": "analyst", "scope": "national",
                "clearance": "restricted"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), ["unit"]);
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &json!({"username": "ghost.province", "display_name": "Ghost", "password": PASSWORD,
                "unit": secretariat, "role": "analyst", "scope": "05,99", "clearance": "restricted"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), ["scope"]);

    // Wrong input through the form: 422, the form marks the bad fields.
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/admin/users",
        &[
            ("username", "X"),
            ("display_name", ""),
            ("password", "short"),
            ("unit", ""),
            ("role", "analyst"),
            ("scope_kind", "provinces"),
            ("clearance", "restricted"),
            ("language", "en"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    for name in ["username", "display_name", "password"] {
        assert!(page.contains(&format!("name=\"{name}\" ")), "{name}");
    }
    // username, display name, password, unit: four marked fields.
    assert_eq!(page.matches("aria-invalid=\"true\"").count(), 4, "{page}");
    assert!(page.contains("value=\"X\""), "typed values are kept");

    assert_eq!(d.count("app_user", "1 = 1").await, users_before);
}
both_backends!(duplicate_and_invalid_users);

async fn provincial_administrator(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin.bokeo", DEMO_PASSWORD).await;
    let bokeo_cnp = d.unit_id("CNP", "Bokeo Counter-Narcotics Unit").await;
    let secretariat = d.unit_id("LCDC", "Secretariat").await;
    let analyst = d.user_id("analyst").await;
    let clerk = d.user_id("clerk.bokeo").await;
    let users_before = d.count("app_user", "1 = 1").await;

    // The list holds exactly the users placed in province 05.
    let in_05 = d
        .scalar_i64(
            "SELECT COUNT(*) FROM app_user u JOIN unit n ON n.id = u.unit_id \
             WHERE n.province_code = '05' AND u.disabled_at IS NULL",
        )
        .await;
    assert!(in_05 >= 4);
    let list = api_get(&c, &s, "/api/v1/users?per_page=500").await;
    assert_eq!(list["total"].as_i64(), Some(in_05), "{list}");
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names.len() as i64, in_05);
    assert!(names.contains(&"clerk.bokeo"));
    for outside in ["admin", "analyst", "supervisor"] {
        assert!(
            !names.contains(&outside),
            "{outside} is outside province 05: {names:?}"
        );
    }
    let page = c
        .get(s.url("/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/admin/users/{clerk}")));
    assert!(!page.contains(&format!("/admin/users/{analyst}")));

    // A user outside the province does not exist, as far as they can tell.
    let (status, p) = problem(
        c.get(s.url(&format!("/api/v1/users/{analyst}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    let (_, unknown) = problem(
        c.get(s.url("/api/v1/users/01890000-0000-7000-8000-000000000001"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        p["code"], unknown["code"],
        "an outside user looks exactly like a missing one"
    );
    assert_eq!(
        c.get(s.url(&format!("/admin/users/{analyst}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let r = api_post(
        &c,
        &s,
        &csrf,
        &format!("/api/v1/users/{analyst}/disable"),
        &json!({}),
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = post_form(
        &c,
        &s,
        &csrf,
        &format!("/admin/users/{analyst}/disable"),
        &[],
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = api_post(
        &c,
        &s,
        &csrf,
        &format!("/api/v1/users/{analyst}/reset-password"),
        &json!({}),
    )
    .await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        d.count(
            "app_user",
            &format!("id = '{analyst}' AND disabled_at IS NULL")
        )
        .await,
        1
    );
    let (status, _) = problem(
        c.get(s.url(&format!("/api/v1/history/user/{analyst}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);

    // No national scope, no higher clearance, no unit outside the province.
    let user = |username: &str, unit: &str, scope: serde_json::Value, clearance: &str| {
        json!({"username": username, "display_name": "Provincial Test", "password": PASSWORD,
               "unit": unit, "role": "data_clerk", "scope": scope, "clearance": clearance})
    };
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &user("wide.scope", &bokeo_cnp, json!("national"), "restricted"),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-scope-beyond-own");
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &user("two.provinces", &bokeo_cnp, json!("03,05"), "restricted"),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-scope-beyond-own");
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &user("high.clearance", &bokeo_cnp, json!("05"), "secret"),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-clearance-above-own");
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &user("far.unit", &secretariat, json!("05"), "restricted"),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-outside-scope");
    // The same through the form.
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/admin/users",
        &[
            ("username", "wide.form"),
            ("display_name", "Wide"),
            ("password", PASSWORD),
            ("unit", &bokeo_cnp),
            ("role", "data_clerk"),
            ("scope_kind", "national"),
            ("clearance", "restricted"),
            ("language", "lo"),
        ],
    )
    .await;
    assert_eq!(r.status(), 403);
    // Promoting a user of the province to national scope is refused too.
    let r = api_put(
        &c,
        &s,
        &csrf,
        &format!("/api/v1/users/{clerk}"),
        &json!({"display_name": "Clerk", "unit": bokeo_cnp, "role": "data_clerk", "scope": "national",
                "clearance": "restricted", "language": "lo"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        d.scalar_text(&format!("SELECT scope FROM app_user WHERE id = '{clerk}'"))
            .await,
        "05"
    );
    assert_eq!(d.count("app_user", "1 = 1").await, users_before);

    // Within the province and their own clearance, it works.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/users",
        &user("ok.bokeo", &bokeo_cnp, json!("05"), "confidential"),
    )
    .await;
    let created = json_of(r, 201).await;
    assert_eq!(created["scope"], json!(["05"]));
    assert_eq!(d.count("app_user", "1 = 1").await, users_before + 1);
}
both_backends!(provincial_administrator);

async fn disable_enable_reset(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (admin, csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let (clerk_c, clerk_csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let clerk = d.user_id("clerk.bokeo").await;
    // The clerk holds an API token too.
    let t = json_of(
        api_post(
            &clerk_c,
            &s,
            &clerk_csrf,
            "/api/v1/tokens",
            &json!({"name": "script", "role": "data_clerk"}),
        )
        .await,
        201,
    )
    .await;
    let secret = t["secret"].as_str().unwrap().to_owned();
    let bearer = |path: &str| bare_client().get(s.url(path)).bearer_auth(&secret).send();
    assert_eq!(bearer("/api/v1/me").await.unwrap().status(), 200);

    // Disable through the form.
    let r = post_form(
        &admin,
        &s,
        &csrf,
        &format!("/admin/users/{clerk}/disable"),
        &[],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        format!("/admin/users/{clerk}?done=flash-user-disabled")
    );
    assert_eq!(
        d.count(
            "app_user",
            &format!("id = '{clerk}' AND disabled_at IS NOT NULL")
        )
        .await,
        1
    );
    assert_eq!(d.count("session", &format!("user_id = '{clerk}'")).await, 0);
    // Their open session stops working at once, and so does their token.
    let r = clerk_c.get(s.url("/account")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    assert_eq!(bearer("/api/v1/me").await.unwrap().status(), 401);
    // Log-in fails, even with the right password.
    assert!(!can_log_in(&s, "clerk.bokeo", DEMO_PASSWORD).await);
    // Disabled users are listed only on request.
    let list = api_get(&admin, &s, "/api/v1/users?per_page=500").await;
    assert!(!list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["id"] == clerk.as_str()));
    let list = api_get(
        &admin,
        &s,
        "/api/v1/users?per_page=500&include_disabled=true",
    )
    .await;
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["id"] == clerk.as_str() && u["active"] == false));
    // An administrator cannot disable themself.
    let me = d.user_id("admin").await;
    let r = api_post(
        &admin,
        &s,
        &csrf,
        &format!("/api/v1/users/{me}/disable"),
        &json!({}),
    )
    .await;
    let (status, _) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(
        d.count("app_user", &format!("id = '{me}' AND disabled_at IS NULL"))
            .await,
        1
    );

    // Enable through the API.
    let r = api_post(
        &admin,
        &s,
        &csrf,
        &format!("/api/v1/users/{clerk}/enable"),
        &json!({}),
    )
    .await;
    assert_eq!(json_of(r, 200).await["active"], true);
    assert_eq!(
        d.count(
            "app_user",
            &format!("id = '{clerk}' AND disabled_at IS NULL")
        )
        .await,
        1
    );
    assert!(can_log_in(&s, "clerk.bokeo", DEMO_PASSWORD).await);
    assert_eq!(bearer("/api/v1/me").await.unwrap().status(), 200);

    // Reset the password to a given one through the API.
    let (clerk_c, _) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let r = api_post(
        &admin,
        &s,
        &csrf,
        &format!("/api/v1/users/{clerk}/reset-password"),
        &json!({"password": PASSWORD}),
    )
    .await;
    assert_eq!(
        json_of(r, 200).await["generated_password"],
        serde_json::Value::Null
    );
    assert_eq!(d.count("session", &format!("user_id = '{clerk}'")).await, 0);
    assert_eq!(
        clerk_c
            .get(s.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    assert!(!can_log_in(&s, "clerk.bokeo", DEMO_PASSWORD).await);
    assert!(can_log_in(&s, "clerk.bokeo", PASSWORD).await);
    // A weak given password is refused and changes nothing.
    let r = api_post(
        &admin,
        &s,
        &csrf,
        &format!("/api/v1/users/{clerk}/reset-password"),
        &json!({"password": "short"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), ["password"]);
    assert!(can_log_in(&s, "clerk.bokeo", PASSWORD).await);

    // Reset through the form without a password: one is generated.
    let r = post_form(
        &admin,
        &s,
        &csrf,
        &format!("/admin/users/{clerk}/reset-password"),
        &[("password", "")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let generated = secret_of(&r.text().await.unwrap());
    assert!(!can_log_in(&s, "clerk.bokeo", PASSWORD).await);
    assert!(can_log_in(&s, "clerk.bokeo", &generated).await);

    // The user's history shows each step.
    let history = api_get(&admin, &s, &format!("/api/v1/history/user/{clerk}")).await;
    let updates = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "update")
        .count();
    assert!(updates >= 2, "disable and enable are recorded: {history}");
    let page = admin
        .get(s.url(&format!("/admin/users/{clerk}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}
both_backends!(disable_enable_reset);

fn actions(history: &serde_json::Value) -> Vec<String> {
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn organisations_and_units(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin", DEMO_PASSWORD).await;
    let orgs_before = d.count("organisation", "1 = 1").await;

    // Through the API: create, edit, history.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/organisations",
        &json!({"code": "cus-ln", "kind": "customs", "name_en": "Luang Namtha Customs",
                "name_lo": "ພາສີ ຫຼວງນ້ຳທາ", "province": "03"}),
    )
    .await;
    let org = json_of(r, 201).await;
    assert_eq!(org["code"], "CUS-LN", "codes are upper-cased");
    let org_id = org["id"].as_str().unwrap().to_owned();
    let r = api_put(
        &c,
        &s,
        &csrf,
        &format!("/api/v1/organisations/{org_id}"),
        &json!({"code": "CUS-LN", "kind": "customs", "name_en": "Luang Namtha Customs Office",
                "name_lo": "ພາສີ ຫຼວງນ້ຳທາ", "province": "03"}),
    )
    .await;
    assert_eq!(
        json_of(r, 200).await["name_en"],
        "Luang Namtha Customs Office"
    );
    assert_eq!(
        d.scalar_text(&format!(
            "SELECT name_en FROM organisation WHERE id = '{org_id}'"
        ))
        .await,
        "Luang Namtha Customs Office"
    );
    let history = api_get(&c, &s, &format!("/api/v1/history/organisation/{org_id}")).await;
    assert_eq!(actions(&history), ["create", "update"], "{history}");
    assert_eq!(history[1]["before"]["name_en"], "Luang Namtha Customs");
    assert_eq!(
        history[1]["after"]["name_en"],
        "Luang Namtha Customs Office"
    );
    assert_eq!(history[1]["actor_name"], "admin");
    assert_eq!(
        d.count(
            "audit_entry",
            &format!("entity_type = 'organisation' AND entity_id = '{org_id}'")
        )
        .await,
        2
    );
    // Saving without a change writes nothing.
    let r = api_put(
        &c,
        &s,
        &csrf,
        &format!("/api/v1/organisations/{org_id}"),
        &json!({"code": "CUS-LN", "kind": "customs", "name_en": "Luang Namtha Customs Office",
                "name_lo": "ພາສີ ຫຼວງນ້ຳທາ", "province": "03"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        d.count(
            "audit_entry",
            &format!("entity_type = 'organisation' AND entity_id = '{org_id}'")
        )
        .await,
        2
    );
    // A code in use, and bad values.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/organisations",
        &json!({"code": "CNP", "kind": "customs", "name_en": "Copy", "name_lo": "Copy"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 409);
    assert_eq!(error_fields(&p), ["code"]);
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/organisations",
        &json!({"code": "-", "kind": "bank", "name_en": "", "name_lo": "x", "province": "7"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    let mut fields = error_fields(&p);
    fields.sort();
    assert_eq!(fields, ["code", "kind", "name_en", "province"]);
    assert_eq!(d.count("organisation", "1 = 1").await, orgs_before + 1);

    // Units through the API.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/units",
        &json!({"organisation": org_id, "name_en": "Boten Checkpoint", "name_lo": "ດ່ານ ບໍ່ເຕັນ",
                "province": "03", "district": "0302"}),
    )
    .await;
    let unit = json_of(r, 201).await;
    let unit_id = unit["id"].as_str().unwrap().to_owned();
    let r = api_put(
        &c,
        &s,
        &csrf,
        &format!("/api/v1/units/{unit_id}"),
        &json!({"organisation": org_id, "name_en": "Boten International Checkpoint", "name_lo": "ດ່ານສາກົນ ບໍ່ເຕັນ",
                "province": "03", "district": "0302"}),
    )
    .await;
    assert_eq!(
        json_of(r, 200).await["name_en"],
        "Boten International Checkpoint"
    );
    let history = api_get(&c, &s, &format!("/api/v1/history/unit/{unit_id}")).await;
    assert_eq!(actions(&history), ["create", "update"], "{history}");
    // A district outside the unit's province.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/units",
        &json!({"organisation": org_id, "name_en": "Misplaced", "name_lo": "Misplaced",
                "province": "03", "district": "0501"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), ["district"]);
    assert_eq!(
        d.count("unit", &format!("organisation_id = '{org_id}'"))
            .await,
        1
    );

    // Through the forms: create, edit, add a unit, edit the unit.
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/admin/organisations",
        &[
            ("code", "PCDC-LN"),
            ("kind", "provincial_committee"),
            ("name_en", "Namtha Committee"),
            ("name_lo", "ຄະນະກຳມະການ ຫຼວງນ້ຳທາ"),
            ("province", "03"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let form_org = d
        .scalar_text("SELECT id FROM organisation WHERE code = 'PCDC-LN'")
        .await;
    assert_eq!(
        location(&r),
        format!("/admin/organisations/{form_org}?done=flash-saved")
    );
    let r = post_form(
        &c,
        &s,
        &csrf,
        &format!("/admin/organisations/{form_org}"),
        &[
            ("code", "PCDC-LN"),
            ("kind", "provincial_committee"),
            ("name_en", "Luang Namtha Provincial Committee"),
            ("name_lo", "ຄະນະກຳມະການ ຫຼວງນ້ຳທາ"),
            ("province", "03"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post_form(
        &c,
        &s,
        &csrf,
        &format!("/admin/organisations/{form_org}/units"),
        &[
            ("name_en", "Committee Office"),
            ("name_lo", "ຫ້ອງການ"),
            ("province", "03"),
            ("district", "0301"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let form_unit = d
        .scalar_text(&format!(
            "SELECT id FROM unit WHERE organisation_id = '{form_org}'"
        ))
        .await;
    let r = post_form(
        &c,
        &s,
        &csrf,
        &format!("/admin/units/{form_unit}"),
        &[
            ("name_en", "Committee Secretariat"),
            ("name_lo", "ກອງເລຂາ"),
            ("province", "03"),
            ("district", "0301"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        d.scalar_text(&format!(
            "SELECT name_en FROM unit WHERE id = '{form_unit}'"
        ))
        .await,
        "Committee Secretariat"
    );
    // A bad form is shown again with the error.
    let r = post_form(
        &c,
        &s,
        &csrf,
        &format!("/admin/organisations/{form_org}/units"),
        &[
            ("name_en", ""),
            ("name_lo", "x"),
            ("province", "03"),
            ("district", "0501"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        d.count("unit", &format!("organisation_id = '{form_org}'"))
            .await,
        1
    );

    // The pages show the history of the change.
    let page = c
        .get(s.url(&format!("/admin/organisations/{form_org}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Namtha Committee → Luang Namtha Provincial Committee"),
        "{page}"
    );
    assert!(page.contains("Committee Secretariat"), "the unit is listed");
    let page = c
        .get(s.url(&format!("/admin/units/{form_unit}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Committee Office → Committee Secretariat"),
        "{page}"
    );
    let history = api_get(&c, &s, &format!("/api/v1/history/organisation/{form_org}")).await;
    assert_eq!(actions(&history), ["create", "update"]);

    // Others may read organisations but not change them.
    let (analyst, analyst_csrf) = login(&s, "analyst", DEMO_PASSWORD).await;
    let all = api_get(&analyst, &s, "/api/v1/organisations").await;
    assert_eq!(
        all.as_array().unwrap().len() as i64,
        d.count("organisation", "1 = 1").await
    );
    let r = api_post(
        &analyst,
        &s,
        &analyst_csrf,
        "/api/v1/organisations",
        &json!({"code": "NOPE", "kind": "other", "name_en": "Nope", "name_lo": "Nope"}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-permission");
    assert_eq!(
        analyst
            .get(s.url(&format!("/admin/organisations/{form_org}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(d.count("organisation", "code = 'NOPE'").await, 0);
}
both_backends!(organisations_and_units);

async fn geography(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "admin", DEMO_PASSWORD).await;

    // The reference geography: 18 provinces, 148 districts.
    assert_eq!(d.count("province", "1 = 1").await, 18);
    assert_eq!(d.count("district", "1 = 1").await, 148);
    let provinces = api_get(&c, &s, "/api/v1/provinces").await;
    let provinces = provinces.as_array().unwrap();
    assert_eq!(provinces.len(), 18);
    let mut total = 0;
    for p in provinces {
        let code = p["code"].as_str().unwrap();
        let districts = api_get(&c, &s, &format!("/api/v1/provinces/{code}/districts")).await;
        let districts = districts.as_array().unwrap();
        assert_eq!(
            districts.len() as i64,
            p["districts"].as_i64().unwrap(),
            "province {code}"
        );
        assert!(districts
            .iter()
            .all(|x| x["code"].as_str().unwrap().starts_with(code) && x["province"] == code));
        total += districts.len();
    }
    assert_eq!(total, 148);
    assert_eq!(
        c.get(s.url("/api/v1/provinces/99/districts"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        c.get(s.url("/geography")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        c.get(s.url("/geography/provinces/05"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Villages: through the API and the form.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/districts/0501/villages",
        &json!({"name_en": "Ban Test", "name_lo": "ບ້ານທົດລອງ", "latitude": 20.27, "longitude": 100.41}),
    )
    .await;
    let v = json_of(r, 201).await;
    assert_eq!(v["district"], "0501");
    assert_eq!(v["latitude"], 20.27);
    let listed = api_get(&c, &s, "/api/v1/districts/0501/villages").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name_en"], "Ban Test");
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/geography/districts/0502",
        &[
            ("name_en", "Ban Form"),
            ("name_lo", "ບ້ານຟອມ"),
            ("latitude", ""),
            ("longitude", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = c
        .get(s.url("/geography/districts/0502"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ban Form"));
    // Same name twice in a district; a point outside Lao PDR; half a point.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/districts/0501/villages",
        &json!({"name_en": "Ban Test", "name_lo": "x"}),
    )
    .await;
    assert_eq!(problem(r).await.0, 409);
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/districts/0501/villages",
        &json!({"name_en": "Ban Paris", "name_lo": "x", "latitude": 48.85, "longitude": 2.35}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), ["latitude"]);
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/geography/districts/0502",
        &[
            ("name_en", "Ban Half"),
            ("name_lo", "x"),
            ("latitude", "20.1"),
            ("longitude", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        api_post(
            &c,
            &s,
            &csrf,
            "/api/v1/districts/9999/villages",
            &json!({"name_en": "X", "name_lo": "X"})
        )
        .await
        .status(),
        422
    );
    assert_eq!(d.count("village", "1 = 1").await, 2);

    // Border crossings.
    let crossings_before = d.count("border_crossing", "1 = 1").await;
    let crossing = |name: &str, province: &str, district: &str| {
        json!({"name_en": name, "name_lo": "ດ່ານ", "province": province, "district": district,
               "counterpart_country": "TH", "counterpart_name": "Chiang Khong", "border_type": "river",
               "has_blo": true, "latitude": 20.28, "longitude": 100.40})
    };
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/border-crossings",
        &crossing("Test Pier", "05", "0501"),
    )
    .await;
    let b = json_of(r, 201).await;
    assert_eq!(b["province"], "05");
    assert_eq!(b["district"], "0501");
    assert_eq!(b["has_blo"], true);
    let listed = api_get(&c, &s, "/api/v1/border-crossings").await;
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["name_en"] == "Test Pier"));
    // A district of another province.
    let r = api_post(
        &c,
        &s,
        &csrf,
        "/api/v1/border-crossings",
        &crossing("Wrong Pier", "05", "0301"),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), ["district"]);
    assert_eq!(p["errors"][0]["code"], "err-district-outside-province");
    // Lao PDR is not its own counterpart.
    let mut lao = crossing("Lao Pier", "05", "0501");
    lao["counterpart_country"] = json!("LA");
    let (status, p) =
        problem(api_post(&c, &s, &csrf, "/api/v1/border-crossings", &lao).await).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), ["counterpart_country"]);
    // The form.
    let form = |name: &'static str, district: &'static str| {
        vec![
            ("name_en", name),
            ("name_lo", "ດ່ານ"),
            ("province", "05"),
            ("district", district),
            ("counterpart_country", "TH"),
            ("counterpart_name", "Chiang Saen"),
            ("border_type", "river"),
            ("has_blo", "on"),
            ("latitude", ""),
            ("longitude", ""),
            ("notes", "added by a test"),
        ]
    };
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/geography/border-crossings",
        &form("Form Pier", "0502"),
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post_form(
        &c,
        &s,
        &csrf,
        "/geography/border-crossings",
        &form("Wrong Form Pier", "0301"),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        d.count("border_crossing", "1 = 1").await,
        crossings_before + 2
    );
    assert_eq!(d.count("border_crossing", "name_en LIKE 'Wrong%'").await, 0);
    let page = c
        .get(s.url("/geography/border-crossings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Form Pier") && page.contains("Test Pier"));

    // A provincial administrator adds only in their province.
    let (p, p_csrf) = login(&s, "admin.bokeo", DEMO_PASSWORD).await;
    let r = api_post(
        &p,
        &s,
        &p_csrf,
        "/api/v1/districts/0301/villages",
        &json!({"name_en": "Ban Far", "name_lo": "x"}),
    )
    .await;
    let (status, body) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "denied-outside-scope");
    let r = api_post(
        &p,
        &s,
        &p_csrf,
        "/api/v1/border-crossings",
        &crossing("Far Pier", "03", "0301"),
    )
    .await;
    assert_eq!(problem(r).await.0, 403);
    let r = api_post(
        &p,
        &s,
        &p_csrf,
        "/api/v1/districts/0501/villages",
        &json!({"name_en": "Ban Near", "name_lo": "x"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    assert_eq!(d.count("village", "1 = 1").await, 3);
    // Others may look but not add.
    let (a, a_csrf) = login(&s, "analyst", DEMO_PASSWORD).await;
    assert_eq!(
        api_get(&a, &s, "/api/v1/provinces")
            .await
            .as_array()
            .unwrap()
            .len(),
        18
    );
    let r = api_post(
        &a,
        &s,
        &a_csrf,
        "/api/v1/districts/0501/villages",
        &json!({"name_en": "Ban No", "name_lo": "x"}),
    )
    .await;
    assert_eq!(problem(r).await.0, 403);
    assert_eq!(d.count("village", "1 = 1").await, 3);
}
both_backends!(geography);
