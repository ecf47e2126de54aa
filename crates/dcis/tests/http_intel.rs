//! Intelligence reports, sharing and access requests over HTTP, on both
//! engines: the flows of the access-control issue as users meet them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

/// The demo's restricted report shared with the Mekong BLO group.
const COURIER_REPORT: &str = "Courier network using tea-bag packaging via Houayxay";

async fn report_id(c: &reqwest::Client, s: &Server, title_or_ref: &str) -> Option<(String, bool)> {
    let list = api_get(c, s, "/api/v1/intelligence?per_page=500").await;
    list["items"].as_array().unwrap().iter().find_map(|r| {
        let matches = r["title"].as_str() == Some(title_or_ref)
            || r["reference"].as_str() == Some(title_or_ref);
        matches.then(|| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["readable"].as_bool().unwrap(),
            )
        })
    })
}

async fn request_grant_read(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (sup, sup_csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let (analyst, analyst_csrf) = login(&s, "analyst", DEMO_PASSWORD).await;

    // The owner sees the report in full.
    let (id, readable) = report_id(&sup, &s, COURIER_REPORT).await.unwrap();
    assert!(readable);
    let reference = api_get(&sup, &s, &format!("/api/v1/intelligence/{id}")).await["reference"]
        .as_str()
        .unwrap()
        .to_owned();

    // The analyst of another agency knows it exists (restricted, in scope)
    // but not its title, and cannot open it.
    let listed = api_get(&analyst, &s, "/api/v1/intelligence?per_page=500").await;
    let line = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == json!(id))
        .unwrap()
        .clone();
    assert_eq!(line["readable"], json!(false));
    assert!(line["title"].is_null(), "no title leaks: {line}");
    let r = analyst
        .get(s.url(&format!("/api/v1/intelligence/{id}")))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(
        (status, p["code"].as_str()),
        (403, Some("denied-request-access"))
    );
    let page = analyst
        .get(s.url(&format!("/intelligence/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&reference) && !html.contains(COURIER_REPORT),
        "the request page shows the reference only"
    );

    // The secret report is not even listed for the analyst, and is 404.
    let secret_count = d.count("record_access", "classification_rank = 3").await;
    assert_eq!(secret_count, 1);
    let secret_id = d
        .scalar_text("SELECT record_id FROM record_access WHERE classification_rank = 3")
        .await;
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"] != json!(secret_id)));
    let r = analyst
        .get(s.url(&format!("/api/v1/intelligence/{secret_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);

    // A too-short reason is refused; a real one is recorded once.
    let r = api_post(
        &analyst,
        &s,
        &analyst_csrf,
        &format!("/api/v1/records/{id}/access-requests"),
        &json!({"reason": "need"}),
    )
    .await;
    assert_eq!(error_fields(&problem(r).await.1), vec!["reason"]);
    let req = json_of(
        api_post(
            &analyst,
            &s,
            &analyst_csrf,
            &format!("/api/v1/records/{id}/access-requests"),
            &json!({"reason": "Joint analysis of Bokeo tablet routes"}),
        )
        .await,
        201,
    )
    .await;
    let again = api_post(
        &analyst,
        &s,
        &analyst_csrf,
        &format!("/api/v1/records/{id}/access-requests"),
        &json!({"reason": "Joint analysis of Bokeo tablet routes"}),
    )
    .await;
    assert_eq!(problem(again).await.0, 409);

    // Another agency's user cannot decide it; the owner's supervisor can.
    let (customs, customs_csrf) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    let rid = req["id"].as_str().unwrap();
    let r = api_post(
        &customs,
        &s,
        &customs_csrf,
        &format!("/api/v1/access-requests/{rid}/decision"),
        &json!({"grant": true}),
    )
    .await;
    assert_eq!(problem(r).await.0, 404);
    let pending = api_get(&sup, &s, "/api/v1/access-requests").await;
    assert!(pending["to_decide"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == json!(rid)));
    let decided = json_of(
        api_post(
            &sup,
            &s,
            &sup_csrf,
            &format!("/api/v1/access-requests/{rid}/decision"),
            &json!({"grant": true, "note": "For the joint analysis", "expires_in_days": 7}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(decided["status"], json!("granted"));
    let twice = api_post(
        &sup,
        &s,
        &sup_csrf,
        &format!("/api/v1/access-requests/{rid}/decision"),
        &json!({"grant": false}),
    )
    .await;
    assert_eq!(problem(twice).await.0, 409);

    // Now the analyst reads it, and the read is on the record's history.
    let report = api_get(&analyst, &s, &format!("/api/v1/intelligence/{id}")).await;
    assert_eq!(report["title"], json!(COURIER_REPORT));
    let analyst_id = d
        .scalar_text("SELECT id FROM app_user WHERE username = 'analyst'")
        .await;
    assert!(
        d.count(
            "audit_entry",
            &format!("entity_id = '{id}' AND action = 'read' AND actor_id = '{analyst_id}'")
        )
        .await
            >= 1,
        "the read is audited"
    );
    let history = api_get(
        &sup,
        &s,
        &format!("/api/v1/history/intelligence_report/{id}"),
    )
    .await;
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"read") && actions.contains(&"event") && actions.contains(&"update"),
        "{actions:?}"
    );

    // The grant expires: past its end, the report is closed again.
    d.execute(&format!("UPDATE record_share SET expires_at = 1 WHERE record_id = '{id}' AND basis = 'access_grant'")).await;
    let r = analyst
        .get(s.url(&format!("/api/v1/intelligence/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 403);
    assert!(d.scalar_i64("SELECT COUNT(*) FROM audit_entry").await > 0);
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
}
both_backends!(request_grant_read);

async fn tlp_and_handling_enforced(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (sup, sup_csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let red = d
        .scalar_text("SELECT record_id FROM record_access WHERE tlp = 'TLP:RED'")
        .await;
    let customs_org = d
        .scalar_text("SELECT id FROM organisation WHERE code = 'CUSTOMS'")
        .await;
    let liaison = d
        .scalar_text("SELECT id FROM app_user WHERE username = 'liaison.houayxay'")
        .await;
    let shares_before = d.count("record_share", "1 = 1").await;

    // TLP:RED cannot go to an organisation, only to named people.
    let r = api_post(
        &sup,
        &s,
        &sup_csrf,
        &format!("/api/v1/records/{red}/shares"),
        &json!({"target_kind": "organisation", "target_id": customs_org}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!((status, p["code"].as_str()), (403, Some("denied-tlp")));
    assert_eq!(
        d.count("record_share", "1 = 1").await,
        shares_before,
        "nothing written"
    );
    // The liaison officer lacks the clearance for this secret report even
    // when it is shared with them: the share is recorded, reading is not
    // possible.
    json_of(api_post(&sup, &s, &sup_csrf, &format!("/api/v1/records/{red}/shares"), &json!({"target_kind": "user", "target_id": liaison, "handling": "C: consult originator"})).await, 201).await;
    let (li, li_csrf) = login(&s, "liaison.houayxay", DEMO_PASSWORD).await;
    let r = li
        .get(s.url(&format!("/api/v1/intelligence/{red}")))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);

    // A recipient of the AMBER report (the BLO group) may pass it on inside
    // their own organisation only.
    let amber = d
        .scalar_text("SELECT record_id FROM record_access WHERE tlp = 'TLP:AMBER'")
        .await;
    let own_unit = d.scalar_text("SELECT u.id FROM unit u JOIN organisation o ON o.id = u.organisation_id WHERE o.code = 'BLO-HX'").await;
    let other_unit = d.scalar_text("SELECT u.id FROM unit u JOIN organisation o ON o.id = u.organisation_id WHERE o.code = 'CUSTOMS'").await;
    let ok = api_post(
        &li,
        &s,
        &li_csrf,
        &format!("/api/v1/records/{amber}/shares"),
        &json!({"target_kind": "unit", "target_id": own_unit}),
    )
    .await;
    assert_eq!(ok.status(), 201);
    let no = api_post(
        &li,
        &s,
        &li_csrf,
        &format!("/api/v1/records/{amber}/shares"),
        &json!({"target_kind": "unit", "target_id": other_unit}),
    )
    .await;
    assert_eq!(problem(no).await.1["code"], json!("denied-tlp"));
    // A recipient cannot revoke the originator's shares.
    let share = d
        .scalar_text(&format!(
            "SELECT id FROM record_share WHERE record_id = '{amber}' AND target_kind = 'group'"
        ))
        .await;
    let r = api_post(
        &li,
        &s,
        &li_csrf,
        &format!("/api/v1/records/{amber}/shares/{share}/revoke"),
        &json!({}),
    )
    .await;
    assert_eq!(problem(r).await.1["code"], json!("denied-not-originator"));
    // The originator can; the group then loses access.
    let r = api_post(
        &sup,
        &s,
        &sup_csrf,
        &format!("/api/v1/records/{amber}/shares/{share}/revoke"),
        &json!({}),
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        d.count(
            "record_share",
            &format!("id = '{share}' AND revoked_at IS NOT NULL")
        )
        .await,
        1
    );
    // The audit chain holds every share, refusal-free, and still verifies.
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
}
both_backends!(tlp_and_handling_enforced);

async fn reports_validate_and_sources_stay_hidden(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (sup, sup_csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let before = d.count("intelligence_report", "1 = 1").await;
    let bad = api_post(
        &sup,
        &s,
        &sup_csrf,
        "/api/v1/intelligence",
        &json!({"title": "", "body": "x", "reported_on": "2999-01-01", "source_code": "SRC-NOPE-1", "source_evaluation": "Q",
                "information_assessment": "B", "handling_code": "C", "handling_conditions": "", "classification": "top", "tlp": "TLP:BLUE"}),
    )
    .await;
    let (status, p) = problem(bad).await;
    assert_eq!(status, 422);
    let mut fields = error_fields(&p);
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "classification",
            "handling_conditions",
            "reported_on",
            "source_evaluation",
            "title",
            "tlp"
        ]
    );
    assert_eq!(d.count("intelligence_report", "1 = 1").await, before);
    // An unregistered source is refused by name.
    let r = api_post(
        &sup,
        &s,
        &sup_csrf,
        "/api/v1/intelligence",
        &json!({"title": "T", "body": "x", "reported_on": "2026-01-01", "source_code": "SRC-NOPE-1", "source_evaluation": "R",
                "information_assessment": "B", "handling_code": "P", "classification": "restricted", "tlp": "TLP:AMBER", "province": "05"}),
    )
    .await;
    assert_eq!(error_fields(&problem(r).await.1), vec!["source_code"]);
    // A good report gets the next reference of its organisation and year.
    let ok = json_of(
        api_post(
            &sup,
            &s,
            &sup_csrf,
            "/api/v1/intelligence",
            &json!({"title": "Boat crossing at night", "body": "Synthetic.", "reported_on": "2025-06-01", "source_code": "src-cnp-0001",
                    "source_evaluation": "U", "information_assessment": "C", "handling_code": "P", "classification": "restricted", "tlp": "TLP:GREEN", "province": "05"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(ok["reference"], json!("IR-CNP-2025-0001"));
    // Source identities: the handler sees them, nobody else does, and the
    // audit log never holds them.
    let mine = api_get(&sup, &s, "/api/v1/sources").await;
    assert_eq!(mine[0]["identity"], json!("Synthetic informant (demo)"));
    let (clerk, _) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let theirs = api_get(&clerk, &s, "/api/v1/sources").await;
    assert_eq!(theirs, json!([]));
    assert_eq!(
        d.count("audit_entry", "after_json LIKE '%Synthetic informant%'")
            .await,
        0
    );
}
both_backends!(reports_validate_and_sources_stay_hidden);

async fn audit_log_follows_the_policy(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (admin, _) = login(&s, "admin", DEMO_PASSWORD).await;
    let (sup, _) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let secret = d
        .scalar_text("SELECT record_id FROM record_access WHERE classification_rank = 3")
        .await;
    // The supervisor reads the secret report; the read is audited.
    api_get(&sup, &s, &format!("/api/v1/intelligence/{secret}")).await;
    // Administrators run the installation but never see entries about
    // records: not even that the secret report exists.
    let log = api_get(&admin, &s, "/api/v1/audit?limit=1000").await;
    let entries = log.as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(
        entries.iter().all(|e| !matches!(
            e["entity_type"].as_str(),
            Some("intelligence_report" | "case" | "person")
        )),
        "{log}"
    );
    // A supervisor sees who read what of the records they may read.
    let reads = api_get(&sup, &s, "/api/v1/audit?action=read&limit=1000").await;
    let reads = reads.as_array().unwrap();
    assert!(reads.iter().all(|e| e["action"] == json!("read")));
    assert!(reads
        .iter()
        .any(|e| e["entity_id"] == json!(secret) && e["actor_name"] == json!("supervisor")));
    let page = sup
        .get(s.url("/admin/audit?action=read"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}
both_backends!(audit_log_follows_the_policy);
