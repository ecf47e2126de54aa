//! The analysis pages and `/api/v1/stats/…` over HTTP on both engines: the
//! dashboard's JSON equals counts taken with plain SQL; tables come as
//! JSON, CSV and XLSX with small cells hidden; permission, scope and bad
//! input answer with clear problems; the pages render in English and Lao.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

async fn stats_over_http(db: Db) {
    let d = Database::demo(db).await;
    let (code, out, err) = d.cli(
        &[
            "generate",
            "--seed",
            "5",
            "--items",
            "1500",
            "--years",
            "3",
            "--end",
            "2026-08-31",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let s = Server::start(&d);
    let (c, _) = login(&s, "analyst", DEMO_PASSWORD).await;

    // Dashboard JSON for 2025: cases, items, persons as SQL counts them.
    let r = c
        .get(s.url("/api/v1/stats/dashboard?period=2025"))
        .send()
        .await
        .unwrap();
    let j = json_of(r, 200).await;
    let in_2025 = "occurred_on >= '2025-01-01' AND occurred_on <= '2025-12-31'";
    let cases = d.count("law_case", in_2025).await;
    let items = d
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id WHERE lc.{in_2025}"
        ))
        .await;
    let persons = d
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM case_person cp JOIN law_case lc ON lc.id = cp.case_id WHERE lc.{in_2025}"
        ))
        .await;
    assert!(cases > 3);
    let total = |m: &str| {
        j["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["measure"] == m)
            .unwrap()["now"]["value"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(total("cases"), cases as f64);
    assert_eq!(total("items"), items as f64);
    assert_eq!(total("persons"), persons as f64);
    assert_eq!(j["period"]["from"], "2025-01");
    assert_eq!(j["previous"]["to"], "2024-12");
    assert_eq!(j["empty"], false);

    // Tablets of methamphetamine in 2025, per province (the pivot API).
    let r = c
        .get(s.url(
            "/api/v1/stats/table?period=2025&group=province&measure=tablets&substance=METH_TABLET",
        ))
        .send()
        .await
        .unwrap();
    let t = json_of(r, 200).await;
    assert_eq!(t["source"], "rollup");
    for cell in t["cells"].as_array().unwrap() {
        let p = cell["keys"][0].as_str().unwrap();
        let n_cases = d
            .scalar_i64(&format!(
                "SELECT COUNT(DISTINCT lc.id) FROM law_case lc JOIN seizure_item si ON si.case_id = lc.id \
                 WHERE lc.{in_2025} AND lc.province_code = '{p}' AND si.substance = 'METH_TABLET'"
            ))
            .await;
        if cell["value"]["suppressed"] == true {
            continue;
        }
        assert!(n_cases >= 3, "{p}: shown from {n_cases} cases");
        let tablets = d
            .scalar_i64(&format!(
                "SELECT CAST(COALESCE(SUM(si.item_count), 0) AS BIGINT) FROM law_case lc JOIN seizure_item si ON si.case_id = lc.id \
                 WHERE lc.{in_2025} AND lc.province_code = '{p}' AND si.substance = 'METH_TABLET' \
                 AND si.unit NOT IN ('units', 'plants')"
            ))
            .await;
        assert_eq!(
            cell["value"]["value"].as_f64().unwrap(),
            tablets as f64,
            "{p}"
        );
    }
    // Substance by nationality: from the raw tables.
    let r = c
        .get(s.url("/api/v1/stats/table?period=2025&group=substance,nationality&measure=persons"))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["source"], "raw");

    // CSV and XLSX downloads carry "<3" for hidden cells, never their value.
    let r = c
        .get(s.url("/api/v1/stats/table?period=2025&group=month,province&format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("month,province,cases\n"), "{csv}");
    for line in csv.lines().skip(1) {
        let v = line.rsplit(',').next().unwrap();
        assert!(v == "<3" || v.parse::<u64>().unwrap() >= 3, "{line}");
    }
    let r = c
        .get(s.url("/api/v1/stats/table?period=2025&group=province,year&format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").contains("spreadsheetml"));
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let r = c
        .get(s.url("/api/v1/stats/trends?from=2025-01&to=2025-12&split=substance&format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("month,substance,cases,baseline\n"), "{csv}");

    // Bad input and permission.
    let (status, p) = problem(
        c.get(s.url("/api/v1/stats/table?from=2025-13&to=2025-02&group=colour&measure=price_mean"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 422, "{p}");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"from") && fields.contains(&"group") && fields.contains(&"measure"),
        "{p}"
    );
    let (clerk, _) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let (status, _) = problem(
        clerk
            .get(s.url("/api/v1/stats/dashboard"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 403);
    let r = clerk.get(s.url("/dashboard")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // An empty period: a clear empty state, not a wrong number.
    let r = c
        .get(s.url("/api/v1/stats/dashboard?period=1999"))
        .send()
        .await
        .unwrap();
    let j = json_of(r, 200).await;
    assert_eq!(j["empty"], true);
    assert_eq!(j["totals"][0]["now"]["value"], 0.0);

    // The map: cases per province as JSON (suppressed ones null), the SVG
    // drawn by the server, the page and the dashboard's tile.
    let r = c
        .get(s.url("/api/v1/stats/map?period=2025&measure=cases"))
        .send()
        .await
        .unwrap();
    let m = json_of(r, 200).await;
    assert_eq!(m["level"], "province");
    let regions = m["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 18);
    for reg in regions {
        let p = reg["code"].as_str().unwrap();
        let n = d
            .count("law_case", &format!("{in_2025} AND province_code = '{p}'"))
            .await;
        assert_eq!(reg["in_scope"], true);
        if reg["value"]["suppressed"] == true {
            assert!(reg["value"]["value"].is_null());
        } else {
            assert_eq!(reg["value"]["value"].as_f64().unwrap(), n as f64, "{p}");
        }
    }
    let r = c
        .get(s.url("/api/v1/stats/map.svg?period=2025&measure=tablets"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
    let svg = r.text().await.unwrap();
    assert_eq!(svg.matches("<path").count(), 18);
    assert!(svg.contains("geoBoundaries (Runfola et al.)"));
    let r = c
        .get(s.url("/api/v1/stats/map?period=2025&province=05"))
        .send()
        .await
        .unwrap();
    let m = json_of(r, 200).await;
    assert_eq!(m["level"], "district");
    assert!(m["regions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["has_boundary"] == false));
    let r = c
        .get(s.url("/analysis/map?period=2025&province=05"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("No boundary for"), "district map message");
    assert!(html.contains("id=\"map-table\""));
    let html = get_text(&c, &s, "/dashboard?period=2025").await;
    assert!(html.contains("id=\"dashboard-map\""));
    assert!(html.contains("<svg"));

    // The pages, in English and in Lao.
    for path in [
        "/dashboard?period=2025",
        "/analysis/pivot?axis1=substance&axis3=year",
        "/analysis/trends",
        "/analysis/map?period=2025",
    ] {
        let r = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("echarts")
                || path.starts_with("/analysis/pivot")
                || path.starts_with("/analysis/map"),
            "{path}"
        );
        assert!(!html.contains("stats-"), "{path}: an untranslated key");
    }
    // Districts are shown by name, not by code.
    let html = get_text(
        &c,
        &s,
        "/analysis/pivot?axis1=district&period=2025&province=05",
    )
    .await;
    assert!(
        html.contains("Huoixai") || html.contains("Tonpheung"),
        "{html}"
    );
    assert!(!html.contains(">0501<"), "a district shown by its code");
    let r = c.get(s.url("/dashboard?period=1999")).send().await.unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"dashboard-empty\""), "{html}");
    let (lao, _) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let token = csrf_of(
        &lao.get(s.url("/account"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    lao.post(s.url("/language"))
        .form(&[
            ("csrf", token.as_str()),
            ("lang", "lo"),
            ("next", "/dashboard"),
        ])
        .send()
        .await
        .unwrap();
    let html = get_text(&lao, &s, "/dashboard?period=2025").await;
    assert!(html.contains("ໜ້າສະຫຼຸບ"), "not in Lao");
}
both_backends!(stats_over_http);
