//! Cases and seized items over HTTP and the forms, on both engines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

fn case_body(reference: &str) -> serde_json::Value {
    json!({
        "reference": reference,
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
            {"substance": "METH_TABLET", "form": "tablet", "quantity": "20000", "unit": "tablets", "tablet_logo": " wy ",
             "packaging_kind": "tea_packet", "packaging_brand": "Guanyinwang", "price": "15000", "price_currency": "LAK", "price_per": "tablets"},
            {"substance": "meth_crystal", "form": "crystal", "quantity": "1.250", "unit": "kg", "purity": "78.5", "lab_reference": "LAB-2026-17"}
        ]
    })
}

async fn api_create_read_search(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (clerk, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let cases_before = d.count("law_case", "1 = 1").await;

    // One bad item refuses the whole case, naming the item and its field.
    let mut bad = case_body("BK-TEST-1");
    bad["items"][1]["unit"] = json!("tablets");
    bad["items"][1]["purity"] = json!("120");
    let r = api_post(&clerk, &s, &csrf, "/api/v1/cases", &bad).await;
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    let errs = p["errors"].as_array().unwrap();
    assert!(
        errs.iter()
            .all(|e| e["field"] == json!("items") && e["args"]["index"] == json!("2")),
        "{p}"
    );
    let codes: Vec<&str> = errs.iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert!(
        codes.contains(&"err-unit-not-allowed") && codes.contains(&"err-purity-range"),
        "{codes:?}"
    );
    assert_eq!(
        d.count("law_case", "1 = 1").await,
        cases_before,
        "nothing half-written"
    );
    assert_eq!(
        d.count("record_access", "record_kind = 'case'").await,
        cases_before
    );

    // A good case with two items.
    let c = json_of(
        api_post(&clerk, &s, &csrf, "/api/v1/cases", &case_body("BK-TEST-1")).await,
        201,
    )
    .await;
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!(c["reference"], json!("BK-TEST-1"));
    assert_eq!(c["status"], json!("open"));
    let items = c["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["count"], json!(20000));
    assert_eq!(
        items[0]["tablet_logo"],
        json!("wy"),
        "stored as entered, trimmed"
    );
    assert_eq!(
        items[1]["grams"],
        json!("1250"),
        "1.250 kg normalised to grams"
    );
    assert_eq!(
        items[1]["substance"],
        json!("METH_CRYSTAL"),
        "codes are stored canonically"
    );
    // Stored normalised values, checked in the database itself.
    assert_eq!(
        d.scalar_i64(&format!(
            "SELECT mass_ug FROM seizure_item WHERE case_id = '{id}' AND unit = 'kg'"
        ))
        .await,
        1_250_000_000
    );
    assert_eq!(
        d.scalar_text(&format!(
            "SELECT tablet_logo_key FROM seizure_item WHERE case_id = '{id}' AND unit = 'tablets'"
        ))
        .await,
        "WY"
    );

    // The same reference again is a conflict; without one, a reference is given.
    let r = api_post(&clerk, &s, &csrf, "/api/v1/cases", &case_body("bk-test-1")).await;
    assert_eq!(problem(r).await.0, 409);
    let c2 = json_of(
        api_post(&clerk, &s, &csrf, "/api/v1/cases", &case_body("")).await,
        201,
    )
    .await;
    assert!(
        c2["reference"].as_str().unwrap().starts_with("CNP-2026-"),
        "{}",
        c2["reference"]
    );

    // Search by tablet logo in any case, and by reference.
    let found = api_get(&clerk, &s, "/api/v1/cases?q=WY").await;
    assert!(found["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == json!(id)));
    let found = api_get(&clerk, &s, "/api/v1/cases?q=bk-test&substance=METH_CRYSTAL").await;
    assert_eq!(found["total"], json!(1));

    // A future date and a district outside the province are refused.
    let mut future = case_body("BK-TEST-2");
    future["occurred_on"] = json!("2999-01-01");
    future["district"] = json!("0301");
    let (_, p) = problem(api_post(&clerk, &s, &csrf, "/api/v1/cases", &future).await).await;
    let mut fields = error_fields(&p);
    fields.sort();
    assert_eq!(fields, vec!["district", "occurred_on"]);

    // A user of another agency in the same province knows the case exists
    // (restricted, in scope) without its contents; a national analyst of
    // another agency too; an administrator does not.
    let (customs, _) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    let list = api_get(&customs, &s, "/api/v1/cases?per_page=500").await;
    let line = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == json!(id))
        .unwrap()
        .clone();
    assert_eq!(
        (
            line["readable"].clone(),
            line["status"].clone(),
            line["substance"].clone()
        ),
        (json!(false), json!(null), json!(null))
    );
    let r = customs
        .get(s.url(&format!("/api/v1/cases/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.1["code"], json!("denied-request-access"));
    // A content filter never reveals what a restricted case holds.
    let probe = api_get(&customs, &s, "/api/v1/cases?substance=METH_CRYSTAL").await;
    assert!(probe["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"] != json!(id)));
    let probe = api_get(&customs, &s, "/api/v1/cases?q=Guanyinwang").await;
    assert!(probe["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"] != json!(id)));
    let (admin, _) = login(&s, "admin", DEMO_PASSWORD).await;
    let r = admin.get(s.url("/api/v1/cases")).send().await.unwrap();
    assert_eq!(problem(r).await.0, 403);

    // Items: add, change, remove; each change is on the case's history.
    let added = json_of(
        api_post(
            &clerk,
            &s,
            &csrf,
            &format!("/api/v1/cases/{id}/items"),
            &json!({"substance": "HEROIN", "form": "powder", "quantity": "350", "unit": "g"}),
        )
        .await,
        201,
    )
    .await;
    let item = added["id"].as_str().unwrap();
    let r = clerk
        .delete(s.url(&format!("/api/v1/cases/{id}/items/{item}")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let history = api_get(&clerk, &s, &format!("/api/v1/history/case/{id}")).await;
    assert!(
        history.as_array().unwrap().len() >= 5,
        "create, reads, item added and removed: {history}"
    );
    // Status moves only along the allowed transitions.
    let mut closed = case_body("BK-TEST-1");
    closed.as_object_mut().unwrap().remove("items");
    closed["status"] = json!("court_decided");
    let r = api_put(&clerk, &s, &csrf, &format!("/api/v1/cases/{id}"), &closed).await;
    assert_eq!(error_fields(&problem(r).await.1), vec!["status"]);
    closed["status"] = json!("under_investigation");
    let r = api_put(&clerk, &s, &csrf, &format!("/api/v1/cases/{id}"), &closed).await;
    assert_eq!(r.status(), 200);
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
}
both_backends!(api_create_read_search);

async fn forms_create_case_and_items(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (clerk, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let page = clerk.get(s.url("/cases/new")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    // Missing province and an unparsable date: 422 with both named on the form.
    let r = post_form(
        &clerk,
        &s,
        &csrf,
        "/cases",
        &[
            ("occurred_on", "14/03/2026"),
            ("classification", "restricted"),
            ("tlp", "TLP:AMBER"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("class=\"error\"").count(), 2, "{html}");
    let r = post_form(
        &clerk,
        &s,
        &csrf,
        "/cases",
        &[
            ("occurred_on", "2026-03-14"),
            ("province", "05"),
            ("district", "0501"),
            ("status", "open"),
            ("classification", "restricted"),
            ("tlp", "TLP:AMBER"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let path = location(&r);
    let path = path.split('?').next().unwrap().to_owned();
    for (sub, qty, unit) in [
        ("METH_TABLET", "5000", "tablets"),
        ("CANNABIS_HERB", "2.5", "kg"),
    ] {
        let r = post_form(
            &clerk,
            &s,
            &csrf,
            &format!("{path}/items"),
            &[("substance", sub), ("quantity", qty), ("unit", unit)],
        )
        .await;
        assert_eq!(
            r.status(),
            303,
            "{sub}: {}",
            r.text().await.unwrap_or_default()
        );
    }
    let r = post_form(
        &clerk,
        &s,
        &csrf,
        &format!("{path}/items"),
        &[
            ("substance", "NOT_A_DRUG"),
            ("quantity", "-1"),
            ("unit", "kg"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let view = clerk
        .get(s.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        view.contains("5000 tablets") && view.contains("2500 g"),
        "{view}"
    );
    // Substances by their names in the reader's language (the clerk reads
    // Lao): in the items, the item form's picker, the list's column and a
    // field error naming the substance.
    assert!(
        view.contains("<td>ຢາບ້າ (ເມັດເມທແອມເຟຕາມີນ)</td>")
            && view.contains("<td>ກັນຊາ (ໃບ ແລະ ດອກແຫ້ງ)</td>"),
        "{view}"
    );
    assert!(view.contains(">ເອເຟດຣີນ — EPHEDRINE</option>"), "{view}");
    let list = clerk
        .get(s.url("/cases"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("<td>ກັນຊາ (ໃບ ແລະ ດອກແຫ້ງ)</td>"), "{list}");
    let r = post_form(
        &clerk,
        &s,
        &csrf,
        &format!("{path}/items"),
        &[
            ("substance", "METH_TABLET"),
            ("quantity", "2"),
            ("unit", "l"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("ຢາບ້າ (ເມັດເມທແອມເຟຕາມີນ)"), "{html}");
    // In English for a reader of English.
    let (sup, _) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let view = sup
        .get(s.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        view.contains("<td>Cannabis herb (marijuana)</td>")
            && view.contains(">Ephedrine — EPHEDRINE</option>"),
        "{view}"
    );
    let id = path.rsplit('/').next().unwrap();
    assert_eq!(
        d.count("seizure_item", &format!("case_id = '{id}'")).await,
        2
    );
}
both_backends!(forms_create_case_and_items);

async fn people_in_cases_and_search(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (clerk, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let mut body = case_body("BK-PEOPLE-1");
    body.as_object_mut().unwrap().remove("items");
    let c = json_of(
        api_post(&clerk, &s, &csrf, "/api/v1/cases", &body).await,
        201,
    )
    .await;
    let id = c["id"].as_str().unwrap().to_owned();

    // A sentence without a conviction is refused, naming the field; nothing is written.
    let persons_before = d.count("person", "1 = 1").await;
    let bad = json!({"person": {"name": "ສົມຊາຍ ທົດສອບ"}, "role": "courier", "outcome": "arrested", "sentence_kind": "imprisonment"});
    let (status, p) = problem(
        api_post(
            &clerk,
            &s,
            &csrf,
            &format!("/api/v1/cases/{id}/persons"),
            &bad,
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), vec!["sentence_kind"]);
    assert_eq!(d.count("person", "1 = 1").await, persons_before);

    let good = json!({
        "person": {"name": "ສົມຊາຍ ທົດສອບ", "latin_name": "Somsay Thótsọp", "aliases": ["Say"], "sex": "male", "age": "34",
                   "nationality": "la", "documents": [{"kind": "national_id", "number": "ab-12 345", "issuing_country": "LA"}]},
        "role": "courier", "outcome": "convicted", "sentence_kind": "imprisonment", "sentence_months": "96"
    });
    let added = json_of(
        api_post(
            &clerk,
            &s,
            &csrf,
            &format!("/api/v1/cases/{id}/persons"),
            &good,
        )
        .await,
        201,
    )
    .await;
    let pid = added["person"]["id"].as_str().unwrap().to_owned();
    assert_eq!(added["outcome"], json!("convicted"));

    // The case is found by a word inside the Lao name, by the Latin name
    // without diacritics and in any case, and by the document number
    // however it is typed.
    for q in ["ທົດສອບ", "somsay thotsop", "AB12345", "ab 12-345"] {
        let found = api_get(&clerk, &s, &format!("/api/v1/cases?q={}", urlencode(q))).await;
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == json!(id)),
            "{q}: {found}"
        );
    }
    // Another agency that may only know the case exists cannot find it by the person's name.
    let (customs, _) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    let found = api_get(
        &customs,
        &s,
        &format!("/api/v1/cases?q={}", urlencode("Somsay")),
    )
    .await;
    assert!(found["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"] != json!(id)));
    let r = customs
        .get(s.url(&format!("/api/v1/persons/{pid}")))
        .send()
        .await
        .unwrap();
    assert!(matches!(problem(r).await.0, 403 | 404));

    // The person's page lists the case; the link is on both histories.
    let person = api_get(&clerk, &s, &format!("/api/v1/persons/{pid}")).await;
    assert_eq!(person["cases"][0]["reference"], json!("BK-PEOPLE-1"));
    assert_eq!(
        person["person"]["nationality"],
        json!("la"),
        "kept as typed"
    );
    let page = clerk
        .get(s.url(&format!("/persons/{pid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("ສົມຊາຍ ທົດສອບ") && page.contains("BK-PEOPLE-1"));
    let view = clerk
        .get(s.url(&format!("/cases/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(view.contains("96"), "the sentence shows on the case page");

    // Changing the outcome, then removing the person from the case.
    let r = api_put(
        &clerk,
        &s,
        &csrf,
        &format!("/api/v1/cases/{id}/persons/{pid}"),
        &json!({"role": "organiser", "outcome": "charged"}),
    )
    .await;
    assert_eq!(json_of(r, 200).await["role"], json!("organiser"));
    let r = clerk
        .delete(s.url(&format!("/api/v1/cases/{id}/persons/{pid}")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        d.count("case_person", &format!("case_id = '{id}'")).await,
        0
    );
    assert_eq!(
        d.count("person", &format!("id = '{pid}'")).await,
        1,
        "the person record stays"
    );
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
}
both_backends!(people_in_cases_and_search);

async fn vehicles_phones_accounts_assets(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (clerk, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let mut body = case_body("BK-OBJ-1");
    body.as_object_mut().unwrap().remove("items");
    let c = json_of(
        api_post(&clerk, &s, &csrf, "/api/v1/cases", &body).await,
        201,
    )
    .await;
    let id = c["id"].as_str().unwrap().to_owned();
    let url = format!("/api/v1/cases/{id}/objects");
    for (kind, fields) in [
        (
            "vehicle",
            json!({"plate": "ກຂ 1234", "plate_country": "la", "make_model": "Toyota Hilux"}),
        ),
        ("phone", json!({"number": "020 5555 1234"})),
        (
            "bank_account",
            json!({"bank_name": "Demo Bank", "account_number": "0101-2345-678", "country": "LA"}),
        ),
        (
            "asset",
            json!({"asset_kind": "cash", "value": "150000", "value_currency": "THB"}),
        ),
    ] {
        let r = api_post(
            &clerk,
            &s,
            &csrf,
            &url,
            &json!({"kind": kind, "fields": fields}),
        )
        .await;
        assert_eq!(
            r.status(),
            201,
            "{kind}: {}",
            r.text().await.unwrap_or_default()
        );
    }
    // A bad phone and a misspelt field are refused by name; nothing written.
    let before = d.count("case_object", "1 = 1").await;
    let (_, p) = problem(
        api_post(
            &clerk,
            &s,
            &csrf,
            &url,
            &json!({"kind": "phone", "fields": {"number": "12"}}),
        )
        .await,
    )
    .await;
    assert_eq!(error_fields(&p), vec!["number"]);
    let (_, p) = problem(
        api_post(
            &clerk,
            &s,
            &csrf,
            &url,
            &json!({"kind": "vehicle", "fields": {"plat": "AB 123"}}),
        )
        .await,
    )
    .await;
    assert!(p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["code"] == json!("err-unknown-field")));
    assert_eq!(d.count("case_object", "1 = 1").await, before);
    // The phone is stored in E.164; the case is found by the phone as
    // typed nationally and by the plate however it is spaced.
    assert_eq!(
        d.count(
            "case_object",
            "kind = 'phone' AND search_key = '+8562055551234'"
        )
        .await,
        1
    );
    for q in ["020-5555-1234", "+856 20 5555 1234", "ກຂ1234"] {
        let found = api_get(&clerk, &s, &format!("/api/v1/cases?q={}", urlencode(q))).await;
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == json!(id)),
            "{q}"
        );
    }
    let listed = api_get(&clerk, &s, &url).await;
    assert_eq!(listed.as_array().unwrap().len(), 4);
    let view = clerk
        .get(s.url(&format!("/cases/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(view.contains("Toyota Hilux") && view.contains("+8562055551234"));
}
both_backends!(vehicles_phones_accounts_assets);
