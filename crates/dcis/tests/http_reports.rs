//! The ARQ seizure report over HTTP, on both engines: the `/reports` page
//! and its downloads, `GET /api/v1/reports/arq` in JSON and XLSX, who may
//! (403 without the analysis permission or without a national scope, 401
//! without credentials), bad, future and empty years (422 naming `year`),
//! and the audit entries. The figures are checked against sums computed
//! here with plain SQL over the cases the test records (the full
//! reconciliation over generated data is `dcis-app`'s `tests/arq.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::{json, Value};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A text column of the first row of a query.
async fn text(d: &Database, sql: &str) -> String {
    d.scalar_text(sql).await
}

/// A GET answered with a file: (status, content type, disposition, body).
async fn get_file(c: &reqwest::Client, s: &Server, path: &str) -> (u16, String, String, Vec<u8>) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = header(&r, "content-type");
    let cd = header(&r, "content-disposition");
    (status, ct, cd, r.bytes().await.unwrap().to_vec())
}

fn quantity(doc: &Value, row: &str, unit: &str) -> Option<(String, u64)> {
    doc["seizures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == row)?["quantities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["unit"] == unit)
        .map(|q| {
            (
                q["quantity"].as_str().unwrap().to_owned(),
                q["cases"].as_u64().unwrap(),
            )
        })
}

/// Micrograms as kilograms, exactly (written here, apart from the code).
fn kg(ug: u128) -> String {
    let (w, f) = (ug / 1_000_000_000, ug % 1_000_000_000);
    if f == 0 {
        w.to_string()
    } else {
        format!("{w}.{}", format!("{f:09}").trim_end_matches('0'))
    }
}

async fn reports_over_http(db: Db) {
    let d = Database::demo(db).await;
    // A provincial analyst, for the scope refusal.
    let (code, _, err) = d.cli(
        &[
            "user",
            "add",
            "--username",
            "analyst.bokeo",
            "--display-name",
            "Bokeo analyst (test)",
            "--unit",
            "LCDC/Secretariat",
            "--role",
            "analyst",
            "--scope",
            "05",
            "--clearance",
            "secret",
            "--password-stdin",
        ],
        Some(&format!("{DEMO_PASSWORD}\n")),
    );
    assert_eq!(code, 0, "{err}");
    let s = Server::start(&d);

    // The fixed data set of 2024: a supervisor's secret case and the Bokeo
    // clerk's restricted ones.
    let (sup, sup_csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let (clerk, clerk_csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let cases = [
        (
            &sup,
            &sup_csrf,
            json!({"reference": "RPT-SECRET-1", "occurred_on": "2024-05-02", "province": "03",
                   "transport_mode": "truck", "concealment_method": "vehicle_compartment",
                   "origin_country": "MM", "destination_country": "TH",
                   "narrative": "Synthetic: a narrative the report never shows.",
                   "classification": "secret", "tlp": "TLP:RED",
                   "items": [{"substance": "METH_CRYSTAL", "form": "crystal", "quantity": "12.5", "unit": "kg"}]}),
        ),
        (
            &clerk,
            &clerk_csrf,
            json!({"reference": "RPT-BK-1", "occurred_on": "2024-08-20", "province": "05", "district": "0501",
            "transport_mode": "boat", "concealment_method": "mixed_with_cargo",
            "origin_country": "MM", "destination_country": "LA", "destination_province": "01",
            "classification": "restricted", "tlp": "TLP:AMBER",
            "items": [
                {"substance": "METH_TABLET", "form": "tablet", "quantity": "120000", "unit": "tablets", "tablet_logo": "WY"},
                {"substance": "METH_TABLET", "form": "powder", "quantity": "0.75", "unit": "kg"},
                {"substance": "HEROIN", "form": "powder", "quantity": "350", "unit": "g"}
            ]}),
        ),
        (
            &clerk,
            &clerk_csrf,
            json!({"reference": "RPT-BK-2", "occurred_on": "2024-11-03", "province": "05",
            "classification": "restricted", "tlp": "TLP:AMBER",
            "items": [
                {"substance": "METH_TABLET", "form": "tablet", "quantity": "4000", "unit": "tablets"},
                {"substance": "HEROIN", "form": "powder", "quantity": "0.7", "unit": "kg"}
            ]}),
        ),
    ];
    for (c, csrf, body) in &cases {
        json_of(api_post(c, &s, csrf, "/api/v1/cases", body).await, 201).await;
    }

    // ---- The API, as the national analyst (session cookie).
    let (analyst, _) = login(&s, "analyst", DEMO_PASSWORD).await;
    let (status, ct, cd, body) = get_file(&analyst, &s, "/api/v1/reports/arq?year=2024").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(ct, "application/json");
    assert_eq!(cd, "attachment; filename=\"arq-seizures-LA-2024.json\"");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["year"], 2024);
    assert_eq!(doc["coverage"]["cases"], 3);
    // Independent sums: tablets counted, kilograms weighed, per row.
    let tablets: String = text(
        &d,
        "SELECT CAST(SUM(si.item_count) AS TEXT) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
         WHERE si.substance = 'METH_TABLET' AND si.item_count IS NOT NULL AND lc.occurred_on LIKE '2024-%'",
    )
    .await;
    assert_eq!(tablets, "124000");
    assert_eq!(
        quantity(&doc, "METHAMPHETAMINE_TABLETS", "tablets"),
        Some((tablets, 2))
    );
    let meth_kg: u128 = text(
        &d,
        "SELECT CAST(SUM(si.mass_ug) AS TEXT) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
         WHERE si.substance = 'METH_TABLET' AND si.item_count IS NULL AND lc.occurred_on LIKE '2024-%'",
    )
    .await
    .parse()
    .unwrap();
    assert_eq!(
        quantity(&doc, "METHAMPHETAMINE_TABLETS", "kg"),
        Some((kg(meth_kg), 1))
    );
    let heroin: u128 = text(
        &d,
        "SELECT CAST(SUM(si.mass_ug) AS TEXT) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
         WHERE si.substance = 'HEROIN' AND lc.occurred_on LIKE '2024-%'",
    )
    .await
    .parse()
    .unwrap();
    assert_eq!(kg(heroin), "1.05");
    assert_eq!(quantity(&doc, "HEROIN", "kg"), Some((kg(heroin), 2)));
    assert_eq!(quantity(&doc, "COCAINE", "kg"), None);
    // Significant: the 12.5 kg of the secret case (no reference) and the
    // 120,000 tablets; not the heroin (two cases under 1 kg each), not the
    // 0.75 kg nor the 4,000 tablets.
    let sig: Vec<(String, String, String, Value)> = doc["significant_seizures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["drug"].as_str().unwrap().to_owned(),
                x["quantity"].as_str().unwrap().to_owned(),
                x["unit"].as_str().unwrap().to_owned(),
                x["case_reference"].clone(),
            )
        })
        .collect();
    assert_eq!(
        sig,
        vec![
            (
                "METHAMPHETAMINE_CRYSTAL".into(),
                "12.5".into(),
                "kg".into(),
                Value::Null
            ),
            (
                "METHAMPHETAMINE_TABLETS".into(),
                "120000".into(),
                "tablets".into(),
                json!("RPT-BK-1")
            ),
        ]
    );
    assert!(!String::from_utf8_lossy(&body).contains("RPT-SECRET-1"));
    assert!(!String::from_utf8_lossy(&body).contains("narrative the report never shows"));

    // The same report as XLSX.
    let (status, ct, cd, body) =
        get_file(&analyst, &s, "/api/v1/reports/arq?year=2024&format=xlsx").await;
    assert_eq!(status, 200);
    assert_eq!(ct, XLSX);
    assert_eq!(cd, "attachment; filename=\"arq-seizures-LA-2024.xlsx\"");
    {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(body.clone())).unwrap();
        let sheet = wb.worksheet_range("Seizures").unwrap();
        let line = sheet
            .rows()
            .find(|r| {
                matches!(&r[1], calamine::Data::String(s) if s == "Methamphetamine tablets (\"yaba\")")
                    && matches!(&r[4], calamine::Data::String(u) if u == "tablets")
            })
            .unwrap()
            .to_vec();
        assert_eq!(line[3], calamine::Data::Float(124000.0));
        assert_eq!(line[5], calamine::Data::Float(2.0));
        let cocaine = sheet
            .rows()
            .find(|r| matches!(&r[1], calamine::Data::String(s) if s == "Cocaine (hydrochloride)"))
            .unwrap()
            .to_vec();
        assert_eq!(cocaine[3], calamine::Data::String("--".into()));
    }

    // ---- Refusals.
    // Without credentials: 401.
    let r = bare_client()
        .get(s.url("/api/v1/reports/arq?year=2024"))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 401);
    // A clerk (no analysis permission) and a provincial analyst: 403.
    let (p_analyst, _) = login(&s, "analyst.bokeo", DEMO_PASSWORD).await;
    for (c, key) in [
        (&clerk, "denied-permission"),
        (&p_analyst, "denied-national-scope"),
    ] {
        let r = c
            .get(s.url("/api/v1/reports/arq?year=2024"))
            .send()
            .await
            .unwrap();
        let (status, p) = problem(r).await;
        assert_eq!(status, 403, "{p}");
        assert_eq!(p["code"], key, "{p}");
    }
    // Bad, future and empty years, and a bad format: 422 naming the field.
    for (q, field) in [
        ("year=24", "year"),
        ("year=", "year"),
        ("year=2999", "year"),
        ("year=2019", "year"),
        ("year=2024&format=pdf", "format"),
    ] {
        let r = analyst
            .get(s.url(&format!("/api/v1/reports/arq?{q}")))
            .send()
            .await
            .unwrap();
        let (status, p) = problem(r).await;
        assert_eq!(status, 422, "{q}: {p}");
        assert_eq!(error_fields(&p), vec![field.to_owned()], "{q}: {p}");
    }

    // ---- The page.
    let page = analyst
        .get(s.url("/reports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("href=\"/reports\""),
        "the navigation links it"
    );
    assert!(page.contains("<option value=\"2024\""), "{page}");
    assert!(page.contains("2024 (3 cases)"), "{page}");
    let (status, ct, _, body) = get_file(&analyst, &s, "/reports/arq?year=2024&format=xlsx").await;
    assert_eq!((status, ct.as_str()), (200, XLSX));
    assert!(body.starts_with(b"PK"));
    // A year without data: the page again, with the reason.
    let r = analyst
        .get(s.url("/reports/arq?year=2019&format=json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("No case that occurred in 2019 is recorded"),
        "{html}"
    );
    // In Lao for a Lao-speaking user (the Bokeo clerk's language is Lao):
    // the page explains who may make the report, without the form.
    let page = clerk
        .get(s.url("/reports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("ລາຍງານນີ້ກວມເອົາທຸກຄະດີ"), "{page}");
    assert!(!page.contains("action=\"/reports/arq\""));
    assert!(!page.contains("href=\"/reports\""), "no link for a clerk");
    let r = p_analyst
        .get(s.url("/reports/arq?year=2024&format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // ---- Audit: one `report` entry per file made (API JSON, API XLSX,
    // page XLSX), none for refusals; the chain holds.
    assert_eq!(d.count("audit_entry", "entity_type = 'report'").await, 3);
    let after = text(
        &d,
        "SELECT after_json FROM audit_entry WHERE entity_type = 'report' ORDER BY seq LIMIT 1",
    )
    .await;
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["path"], "/api/v1/reports/arq");
    assert_eq!(after["year"], 2024);
    let (code, out, _) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}");
}
both_backends!(reports_over_http);
