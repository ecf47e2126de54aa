//! Editing one seized item of a case through its page, on both engines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

fn case_with_one_item(reference: &str) -> serde_json::Value {
    json!({
        "reference": reference,
        "occurred_on": "2026-03-14",
        "province": "05",
        "district": "0501",
        "classification": "restricted",
        "tlp": "TLP:AMBER",
        "items": [
            {"substance": "HEROIN", "form": "powder", "quantity": "350", "unit": "g",
             "packaging_kind": "tea_packet", "packaging_brand": "Guanyinwang"}
        ]
    })
}

async fn get_text(c: &reqwest::Client, s: &Server, path: &str) -> (u16, String) {
    let r = c.get(s.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The stored quantity of the case's only item, read through the API.
async fn stored_quantity(c: &reqwest::Client, s: &Server, case: &str) -> serde_json::Value {
    let items = api_get(c, s, &format!("/api/v1/cases/{case}/items")).await;
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    items[0]["quantity"].clone()
}

async fn edit_an_item(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (clerk, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let c = json_of(
        api_post(
            &clerk,
            &s,
            &csrf,
            "/api/v1/cases",
            &case_with_one_item("BK-EDIT-1"),
        )
        .await,
        201,
    )
    .await;
    let id = c["id"].as_str().unwrap().to_owned();
    let item = c["items"][0]["id"].as_str().unwrap().to_owned();
    let edit = format!("/cases/{id}/items/{item}/edit");

    // The case page links to the edit page of each item.
    let (status, view) = get_text(&clerk, &s, &format!("/cases/{id}")).await;
    assert_eq!(status, 200);
    assert!(view.contains(&format!("href=\"{edit}\"")), "{view}");

    // The edit page shows the stored values.
    let (status, page) = get_text(&clerk, &s, &edit).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("name=\"quantity\" inputmode=\"decimal\" value=\"350\""));
    assert!(page.contains("value=\"HEROIN\" selected"), "{page}");
    assert!(page.contains("value=\"Guanyinwang\""), "{page}");
    let form = [
        ("substance", "HEROIN"),
        ("form", "powder"),
        ("unit", "g"),
        ("packaging_kind", "tea_packet"),
        ("packaging_brand", "Guanyinwang"),
    ];
    let with_quantity = |q: &'static str| {
        let mut f = form.to_vec();
        f.push(("quantity", q));
        f
    };

    // A changed quantity is saved; back to the case page with a message.
    let save = format!("/cases/{id}/items/{item}");
    let r = post_form(&clerk, &s, &csrf, &save, &with_quantity("420")).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let back = location(&r);
    assert_eq!(back, format!("/cases/{id}?done=flash-item-saved#items"));
    let (_, view) = get_text(&clerk, &s, back.split('#').next().unwrap()).await;
    // clerk.bokeo reads Lao (the demo's default for provincial clerks).
    assert!(view.contains("ບັນທຶກລາຍການແລ້ວ."), "{view}");
    assert_eq!(stored_quantity(&clerk, &s, &id).await, json!("420"));

    // A negative quantity is refused on the edit form, next to its field,
    // with what was typed kept; nothing is stored.
    let r = post_form(&clerk, &s, &csrf, &save, &with_quantity("-5")).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("value=\"-5\" aria-invalid=\"true\""),
        "quantity marked invalid: {html}"
    );
    assert!(html.contains("ຕ້ອງຫຼາຍກວ່າສູນ."), "{html}");
    assert!(html.contains("ແກ້ໄຂສິ່ງຂອງທີ່ຍຶດໄດ້"), "{html}");
    assert!(
        html.contains(&format!("action=\"{save}\"")),
        "the edit form again"
    );
    assert_eq!(stored_quantity(&clerk, &s, &id).await, json!("420"));

    // The same error in English once the user reads English.
    let r = post_form(
        &clerk,
        &s,
        &csrf,
        "/language",
        &[("lang", "en"), ("next", "/")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post_form(&clerk, &s, &csrf, &save, &with_quantity("-5")).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Must be greater than zero."), "{html}");
    assert!(html.contains("Edit seized item"), "{html}");
    assert_eq!(stored_quantity(&clerk, &s, &id).await, json!("420"));

    // A user who may not edit the case gets neither the page nor the save.
    let (analyst, analyst_csrf) = login(&s, "analyst", DEMO_PASSWORD).await;
    let (status, _) = get_text(&analyst, &s, &edit).await;
    assert!(matches!(status, 403 | 404), "analyst got {status}");
    let r = post_form(&analyst, &s, &analyst_csrf, &save, &with_quantity("1")).await;
    assert!(
        matches!(r.status().as_u16(), 403 | 404),
        "analyst saved: {}",
        r.status()
    );
    assert_eq!(stored_quantity(&clerk, &s, &id).await, json!("420"));

    // An unknown item of a readable case is not found.
    let other = format!("/cases/{id}/items/{id}/edit");
    let (status, _) = get_text(&clerk, &s, &other).await;
    assert_eq!(status, 404);

    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
}
both_backends!(edit_an_item);
