//! The search box over Lao and Latin text, on both engines
//! (docs/search.md): a word inside a run-on Lao narrative is found, a piece
//! of a word is not; persons' names in either script; nothing of a case the
//! caller may not read; rows stored before the search words existed are
//! filled when dcis starts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;

// Synthetic Lao, written without spaces between words: "Officers arrested
// Mr Bounmy Phommavong with yaba at the Houayxay checkpoint."
const NARRATIVE: &str = "ເຈົ້າໜ້າທີ່ໄດ້ຈັບກຸມທ້າວບຸນມີພົມມະວົງພ້ອມຢາບ້າຢູ່ດ່ານຫ້ວຍຊາຍ";

fn case_body(reference: &str, narrative: &str) -> serde_json::Value {
    json!({
        "reference": reference,
        "occurred_on": "2026-03-14",
        "province": "05",
        "district": "0501",
        "detection_method": "checkpoint_search",
        "transport_mode": "truck",
        "narrative": narrative,
        "classification": "restricted",
        "tlp": "TLP:AMBER",
        "items": [{"substance": "METH_TABLET", "form": "tablet", "quantity": "200", "unit": "tablets"}]
    })
}

async fn found(c: &reqwest::Client, s: &Server, q: &str) -> Vec<String> {
    let page = api_get(
        c,
        s,
        &format!("/api/v1/cases?per_page=500&q={}", urlencode(q)),
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn lao_words_latin_names_and_the_policy(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (clerk, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;

    let narrated = json_of(
        api_post(
            &clerk,
            &s,
            &csrf,
            "/api/v1/cases",
            &case_body("BK-SEARCH-1", NARRATIVE),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A second case with a person whose name is in Lao and Latin script.
    let named = json_of(
        api_post(
            &clerk,
            &s,
            &csrf,
            "/api/v1/cases",
            &case_body("BK-SEARCH-2", "Synthetic case for the search test."),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let person = json!({
        "person": {"name": "ຄຳພອນ ສີສຸວັນ", "latin_name": "Khamphône Sisouvanh", "sex": "female", "age": "41"},
        "role": "courier", "outcome": "arrested"
    });
    json_of(
        api_post(
            &clerk,
            &s,
            &csrf,
            &format!("/api/v1/cases/{named}/persons"),
            &person,
        )
        .await,
        201,
    )
    .await;

    check_words(&clerk, &s, &narrated, &named).await;

    // Another agency that may know the cases exist, but not read them,
    // finds them by reference only, never by what they hold.
    let (customs, _) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    assert!(found(&customs, &s, "bk-search-1").await.contains(&narrated));
    for q in ["ພົມມະວົງ", "ຈັບກຸມ", "khamphone", "ສີສຸວັນ"]
    {
        let ids = found(&customs, &s, q).await;
        assert!(
            !ids.contains(&narrated) && !ids.contains(&named),
            "{q}: {ids:?}"
        );
    }

    // Rows stored before the search words existed (the column NULL) are
    // filled when dcis opens the database.
    drop(s);
    assert_eq!(
        d.execute("UPDATE law_case SET search_words = NULL").await,
        u64::try_from(d.count("law_case", "1 = 1").await).unwrap()
    );
    d.execute("UPDATE person SET search_words = NULL").await;
    let s = Server::start(&d);
    assert_eq!(d.count("law_case", "search_words IS NULL").await, 0);
    assert_eq!(d.count("person", "search_words IS NULL").await, 0);
    let (clerk, _) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    check_words(&clerk, &s, &narrated, &named).await;
}
both_backends!(lao_words_latin_names_and_the_policy);

async fn check_words(c: &reqwest::Client, s: &Server, narrated: &str, named: &str) {
    // A word anywhere in the run-on Lao narrative, the start of a word, or
    // several words (all must match).
    for q in [
        "ພົມມະວົງ",
        "ບຸນມີ ພົມມະວົງ",
        "ຈັບກຸມ",
        "ຢາບ້າ",
        "ຫ້ວຍຊາຍ",
        "ຈັບ",
        "ຢາບ້າ ຫ້ວຍຊາຍ",
    ] {
        let ids = found(c, s, q).await;
        assert!(ids.contains(&narrated.to_owned()), "{q}: {ids:?}");
        assert!(!ids.contains(&named.to_owned()), "{q}: {ids:?}");
    }
    // Not a piece from inside a word, nor a word the text lacks.
    for q in ["ກຸມ", "ໜ້າທີ່", "ຢາບ້າ ບໍ່ແກ້ວ"] {
        let ids = found(c, s, q).await;
        assert!(!ids.contains(&narrated.to_owned()), "{q}: {ids:?}");
    }
    // The person's names: Lao words, Latin without diacritics in any case,
    // the start of a word; not the inside of one.
    for q in [
        "ສີສຸວັນ",
        "ຄຳພອນ ສີສຸວັນ",
        "KHAMPHONE",
        "khamphône sisou",
        "sisouvanh",
    ] {
        let ids = found(c, s, q).await;
        assert!(ids.contains(&named.to_owned()), "{q}: {ids:?}");
        assert!(!ids.contains(&narrated.to_owned()), "{q}: {ids:?}");
    }
    for q in ["souvanh", "hamphone"] {
        let ids = found(c, s, q).await;
        assert!(!ids.contains(&named.to_owned()), "{q}: {ids:?}");
    }
    // The reference still matches any part of it.
    let ids = found(c, s, "search-1").await;
    assert!(ids.contains(&narrated.to_owned()), "{ids:?}");
}
