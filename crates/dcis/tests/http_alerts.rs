//! Early warnings over HTTP on both engines, with the real binary: a large
//! seizure recorded through the API, `dcis alerts run` raising its alert
//! once, who sees it and how much of it (pages and API), the badge, and
//! the acknowledge flow (page form with CSRF, then the API's 409).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

fn heroin_case() -> serde_json::Value {
    json!({
        "reference": "BK-ALERT-1",
        "occurred_on": "2026-03-14",
        "occurred_time": "21:05",
        "province": "05",
        "district": "0501",
        "detection_method": "checkpoint_search",
        "transport_mode": "truck",
        "concealment_method": "tea_packaging",
        "origin_country": "MM",
        "destination_country": "TH",
        "narrative": "Synthetic test case.",
        "classification": "restricted",
        "tlp": "TLP:AMBER",
        "items": [
            {"substance": "HEROIN", "form": "powder", "quantity": "25.5", "unit": "kg"}
        ]
    })
}

async fn page(c: &reqwest::Client, s: &Server, path: &str) -> (u16, String) {
    let r = c.get(s.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn alerts_flow(db: Db) {
    let d = Database::demo(db).await;
    // The schedule is off: this test runs the rules itself.
    let s = Server::start_with(&d, &["serve", "--alerts-interval-minutes", "0"]);
    let (clerk, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let (sup, sup_csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;

    // Whatever the demo's own cases raise, the supervisor acknowledges
    // through the API, so what follows starts from no open alert.
    let (code, out, err) = d.cli(&["alerts", "run"], None);
    assert_eq!(code, 0, "{out}{err}");
    let demo = api_get(&sup, &s, "/api/v1/alerts").await;
    let demo_alerts = demo["total"].as_i64().unwrap();
    for a in demo["items"].as_array().unwrap() {
        let done = json_of(
            api_post(
                &sup,
                &s,
                &sup_csrf,
                &format!("/api/v1/alerts/{}/acknowledge", a["id"].as_str().unwrap()),
                &json!({}),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(done["acknowledged_by_name"], json!("Supervisor Demo"));
    }

    let case = json_of(
        api_post(&clerk, &s, &csrf, "/api/v1/cases", &heroin_case()).await,
        201,
    )
    .await;
    let case_id = case["id"].as_str().unwrap().to_owned();

    // The command raises the alert once; run again, nothing new.
    let (code, out, err) = d.cli(&["alerts", "run"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 new"), "{out}");
    assert!(out.contains("large_seizure"), "{out}");
    let (code, out, _) = d.cli(&["alerts", "run"], None);
    assert_eq!(code, 0);
    assert!(out.contains("0 new"), "{out}");
    assert_eq!(d.count("alert", "1 = 1").await, demo_alerts + 1);
    assert_eq!(
        d.count("audit_entry", "entity_type = 'alert' AND action = 'create'")
            .await,
        demo_alerts + 1
    );

    // A data clerk may not analyse: 403 on the API and the page, and no
    // alerts link.
    let r = clerk.get(s.url("/api/v1/alerts")).send().await.unwrap();
    assert_eq!(problem(r).await.0, 403);
    assert_eq!(page(&clerk, &s, "/alerts").await.0, 403);
    assert!(!page(&clerk, &s, "/").await.1.contains("id=\"nav-alerts\""));

    // The national analyst (another agency) sees the alert, with a badge,
    // but may not read the case: no quantity, no case, no case id.
    let (analyst, analyst_csrf) = login(&s, "analyst", DEMO_PASSWORD).await;
    let home = page(&analyst, &s, "/").await.1;
    assert!(home.contains("id=\"nav-alerts\""), "{home}");
    assert!(home.contains("class=\"alert-count\""), "{home}");
    let list = api_get(&analyst, &s, "/api/v1/alerts").await;
    assert_eq!(list["total"], json!(1), "{list}");
    let a = &list["items"][0];
    let id = a["id"].as_str().unwrap().to_owned();
    assert_eq!(a["rule"], json!("large_seizure"));
    assert_eq!(a["period"], json!("2026-03"));
    assert_eq!(a["province"], json!("05"));
    assert_eq!(a["figures_withheld"], json!(true));
    assert_eq!(a["figures"], json!(null));
    assert_eq!(a["cases"], json!([]));
    assert_eq!(a["subject"], json!("province=05;substance=HEROIN"));
    assert!(!a.to_string().contains(&case_id));
    assert!(!a.to_string().contains("25500"));
    let (status, detail) = page(&analyst, &s, &format!("/alerts/{id}")).await;
    assert_eq!(status, 200);
    assert!(detail.contains("id=\"alert-withheld\""), "{detail}");
    assert!(!detail.contains(&case_id) && !detail.contains("25,500"));

    // The agency's national supervisor reads the case: every figure, and
    // the case to open through its own page.
    let full = api_get(&sup, &s, &format!("/api/v1/alerts/{id}")).await;
    assert_eq!(full["figures_withheld"], json!(false));
    assert_eq!(full["figures"]["observed"], json!(25500.0));
    assert_eq!(full["figures"]["threshold"], json!(20000.0));
    assert_eq!(full["figures"]["measure"], json!("grams"));
    assert_eq!(full["case_count"], json!(1));
    assert_eq!(full["cases"], json!([case_id]));
    assert!(
        full["explanation"].as_str().unwrap().contains("25,500"),
        "{full}"
    );
    let detail = page(&sup, &s, &format!("/alerts/{id}")).await.1;
    assert!(detail.contains(&format!("/cases/{case_id}")), "{detail}");

    // An analyst of another province: the list is empty, the alert is
    // "not found" on the page and the API.
    let (code, out, err) = d.cli(
        &[
            "user",
            "add",
            "--username",
            "analyst.vte",
            "--display-name",
            "Vientiane Analyst",
            "--unit",
            "LCDC/Secretariat",
            "--role",
            "analyst",
            "--scope",
            "01",
            "--clearance",
            "confidential",
            "--password-stdin",
        ],
        Some("vientiane-analyst-password\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    let (vte, vte_csrf) = login(&s, "analyst.vte", "vientiane-analyst-password").await;
    assert_eq!(api_get(&vte, &s, "/api/v1/alerts").await["total"], json!(0));
    let r = vte
        .get(s.url(&format!("/api/v1/alerts/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);
    assert_eq!(page(&vte, &s, &format!("/alerts/{id}")).await.0, 404);
    let r = api_post(
        &vte,
        &s,
        &vte_csrf,
        &format!("/api/v1/alerts/{id}/acknowledge"),
        &json!({}),
    )
    .await;
    assert_eq!(problem(r).await.0, 404);
    assert!(page(&vte, &s, "/alerts")
        .await
        .1
        .contains("id=\"alerts-empty\""));

    // Acknowledge from the page: without the CSRF token refused, with it
    // done and shown; the badge goes.
    let r = analyst
        .post(s.url(&format!("/alerts/{id}/acknowledge")))
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = post_form(
        &analyst,
        &s,
        &analyst_csrf,
        &format!("/alerts/{id}/acknowledge"),
        &[],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        location(&r),
        format!("/alerts/{id}?done=flash-alert-acknowledged")
    );
    let detail = page(
        &analyst,
        &s,
        &format!("/alerts/{id}?done=flash-alert-acknowledged"),
    )
    .await
    .1;
    assert!(detail.contains("Analyst Demo"), "{detail}");
    assert!(!detail.contains("id=\"acknowledge\""));
    assert!(!page(&analyst, &s, "/")
        .await
        .1
        .contains("class=\"alert-count\""));
    assert!(page(&analyst, &s, "/alerts")
        .await
        .1
        .contains("id=\"alerts-empty\""));
    let acked = api_get(
        &analyst,
        &s,
        "/api/v1/alerts?state=acknowledged&rule=large_seizure",
    )
    .await;
    let mine: Vec<_> = acked["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["id"] == json!(id))
        .collect();
    assert_eq!(mine.len(), 1, "{acked}");
    assert_eq!(mine[0]["acknowledged_by_name"], json!("Analyst Demo"));
    // Again through the API: a conflict naming the rule broken.
    let r = api_post(
        &sup,
        &s,
        &sup_csrf,
        &format!("/api/v1/alerts/{id}/acknowledge"),
        &json!({}),
    )
    .await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 409);
    assert_eq!(p["code"], json!("err-alert-acknowledged"), "{p}");
    assert_eq!(
        d.count("audit_entry", "entity_type = 'alert' AND action = 'update'")
            .await,
        demo_alerts + 1
    );
    // A bad filter names the field.
    let r = analyst
        .get(s.url("/api/v1/alerts?rule=nonsense"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), vec!["rule".to_owned()]);
    // A period (month or year) narrows the list to the alerts about its
    // months; a bad one names the field.
    let all = api_get(&sup, &s, "/api/v1/alerts?state=all&per_page=500").await;
    assert!(
        all["total"].as_i64().unwrap() <= 500,
        "one page holds them all"
    );
    let periods: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["period"].as_str().unwrap().to_owned())
        .collect();
    let month = periods.first().expect("alerts").clone();
    for (asked, keep) in [
        (month.clone(), month.clone()),
        (month[..4].to_owned(), month[..4].to_owned()),
    ] {
        let got = api_get(
            &sup,
            &s,
            &format!("/api/v1/alerts?state=all&per_page=500&period={asked}"),
        )
        .await;
        let want = periods.iter().filter(|p| p.starts_with(&keep)).count();
        assert_eq!(got["total"].as_i64(), Some(want as i64), "{asked}");
        assert!(got["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["period"].as_str().unwrap().starts_with(&keep)));
    }
    let html = page(&sup, &s, &format!("/alerts?state=all&period={month}"))
        .await
        .1;
    assert!(
        html.contains(&format!("<td>{month}</td>")),
        "the page filters too"
    );
    let r = analyst
        .get(s.url("/api/v1/alerts?period=2025-13"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), vec!["period".to_owned()]);
    // An import raises the alerts of its cases by itself: 1.5 million
    // yaba tablets in one seizure.
    let before = d.count("alert", "rule = 'large_seizure'").await;
    let file = d.dir.join("large.csv");
    std::fs::write(
        &file,
        "reference,occurred_on,province,district,substance,quantity,unit\n\
         BK-IMP-ALERT-1,2026-04-02,05,0501,METH_TABLET,1500000,tablets\n",
    )
    .unwrap();
    let (code, out, err) = d.cli(
        &["import", file.to_str().unwrap(), "--user", "clerk.bokeo"],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(d.count("alert", "rule = 'large_seizure'").await, before + 1);
    assert_eq!(
        d.count(
            "alert",
            "rule = 'large_seizure' AND period = '2026-04' AND subject LIKE 'province=05;substance=METH_TABLET;case=%'"
        )
        .await,
        1
    );

    // The page in Lao.
    let r = analyst
        .post(s.url("/language"))
        .form(&[
            ("csrf", analyst_csrf.as_str()),
            ("lang", "lo"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let lo = page(&analyst, &s, &format!("/alerts/{id}")).await.1;
    assert!(lo.contains("ການຍຶດ"), "{lo}");
}
both_backends!(alerts_flow);
