//! `dcis generate` on both engines: exact counts checked with SQL, one
//! audit entry per batch and an intact chain, the cases API over the
//! generated data, a seed loaded once only, the same data for the same
//! seed on another installation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

const SYNTHETIC: &str = "narrative LIKE 'Synthetic case.%'";

fn generate(d: &Database, seed: &str, items: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "generate",
        "--seed",
        seed,
        "--items",
        items,
        "--years",
        "3",
        "--end",
        "2026-10-31",
    ];
    args.extend_from_slice(extra);
    d.cli(&args, None)
}

async fn generate_into_a_demo(db: Db) {
    let d = Database::demo(db).await;
    let cases_before = d.count("law_case", "1 = 1").await;
    let items_before = d.count("seizure_item", "1 = 1").await;
    let audit_before = d.count("audit_entry", "1 = 1").await;
    let truth = d.dir.join("persons.csv");
    let (code, out, err) = generate(
        &d,
        "7",
        "2000",
        &["--batch", "400", "--truth", truth.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("2000 seized items"), "{out}");
    let generated = out.clone();
    assert!(err.contains("items/s"), "progress line: {err}");

    // Exactly the items asked for, in cases the access rows describe.
    let items = d.count("seizure_item", "1 = 1").await - items_before;
    assert_eq!(items, 2000);
    let cases = d.count("law_case", "1 = 1").await - cases_before;
    assert_eq!(d.count("law_case", SYNTHETIC).await, cases);
    // The bulk path writes the search words too (docs/search.md).
    assert_eq!(d.count("law_case", "search_words IS NULL").await, 0);
    assert_eq!(
        d.count(
            "law_case",
            &format!("{SYNTHETIC} AND search_words LIKE '% synthetic case %'")
        )
        .await,
        cases
    );
    assert!((800..2000).contains(&cases), "{cases} cases");
    assert_eq!(
        d.count("record_access", "record_kind = 'case'").await,
        cases_before + cases
    );
    assert_eq!(
        d.scalar_i64(
            "SELECT COUNT(*) FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
             WHERE ra.owner_organisation_id <> lc.agency_id OR ra.province_code <> lc.province_code \
             OR (ra.created_at <> lc.created_at AND lc.narrative LIKE 'Synthetic case.%')"
        )
        .await,
        0
    );
    // Owned by units of the agencies, each unit in its organisation.
    assert_eq!(
        d.scalar_i64(
            "SELECT COUNT(*) FROM record_access ra JOIN unit u ON u.id = ra.owner_unit_id \
             WHERE ra.record_kind = 'case' AND u.organisation_id <> ra.owner_organisation_id"
        )
        .await,
        0
    );
    assert_eq!(
        d.scalar_i64(
            "SELECT COUNT(*) FROM seizure_item si WHERE NOT EXISTS (SELECT 1 FROM law_case lc WHERE lc.id = si.case_id)"
        )
        .await,
        0
    );
    // Normalised columns as the write path fills them.
    assert_eq!(
        d.count(
            "seizure_item",
            "substance = 'METH_TABLET' AND unit = 'tablets' AND item_count IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        d.count("seizure_item", "unit = 'kg' AND mass_ug IS NULL")
            .await,
        0
    );
    assert_eq!(
        d.count(
            "seizure_item",
            "tablet_logo <> '' AND tablet_logo_key <> UPPER(TRIM(tablet_logo))"
        )
        .await,
        0
    );
    let meth = d.count("seizure_item", "substance = 'METH_TABLET'").await;
    let share = meth * 100 / (items + items_before);
    assert!((50..=80).contains(&share), "METH_TABLET {share} %");
    let north = d
        .count(
            "law_case",
            &format!("{SYNTHETIC} AND province_code IN ('02', '03', '04', '05')"),
        )
        .await;
    assert!(north * 2 > cases, "{north} of {cases} in the north");
    assert_eq!(
        d.count(
            "law_case",
            &format!("{SYNTHETIC} AND (occurred_on > '2026-10-31' OR occurred_on < '2023-11-01')")
        )
        .await,
        0
    );
    // References continue each agency's series: CNP-2025-000001…
    assert!(
        d.count(
            "law_case",
            &format!("{SYNTHETIC} AND reference LIKE 'CNP-2025-%'")
        )
        .await
            > 0
    );

    // One audit entry per batch, and one per alert the rules raised
    // after the load (docs/alerts.md); the chain holds.
    let batches = d.count("audit_entry", "entity_type = 'bulk_load'").await;
    assert_eq!(batches, (cases + 399) / 400);
    let alerts = d.count("alert", "1 = 1").await;
    assert_eq!(
        d.count("audit_entry", "entity_type = 'alert' AND action = 'create'")
            .await,
        alerts
    );
    assert_eq!(
        d.count("audit_entry", "1 = 1").await - audit_before,
        batches + alerts
    );
    let after: serde_json::Value = serde_json::from_str(
        &d.scalar_text(
            "SELECT after_json FROM audit_entry WHERE entity_type = 'bulk_load' AND entity_id = 'synth-7-000001'",
        )
        .await,
    )
    .unwrap();
    assert_eq!(after["seed"], 7);
    assert_eq!(after["cases"], 400);
    assert_eq!(after["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        d.count(
            "audit_entry",
            "entity_type = 'bulk_load' AND action = 'create' AND actor_name = 'system'"
        )
        .await,
        batches
    );
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("intact"), "{out}");

    // The ground truth: a header, then who was recorded by which agency
    // under which name; some persons under several spellings.
    let csv = std::fs::read_to_string(&truth).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("person_id,variant_name,agency,record_id")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() > 300, "{} rows", rows.len());
    // One row per stored person record.
    assert_eq!(d.count("person", "1 = 1").await, rows.len() as i64);
    assert!(
        generated.contains(&format!("stored as {} person records", rows.len())),
        "{generated}"
    );
    let mut spellings: std::collections::HashMap<&str, std::collections::HashSet<&str>> =
        Default::default();
    for r in &rows {
        let (id, rest) = r.split_once(',').unwrap();
        assert!(id.starts_with("S7-P"), "{r}");
        let (variant, _record) = rest.rsplit_once(',').unwrap();
        spellings.entry(id).or_default().insert(variant);
    }
    assert!(spellings.values().any(|s| s.len() > 1));

    // The same seed again: refused, nothing added.
    let (code, _, err) = generate(&d, "7", "2000", &[]);
    assert_ne!(code, 0);
    assert!(err.contains("already been loaded"), "{err}");
    assert_eq!(d.count("seizure_item", "1 = 1").await, items_before + 2000);
    assert_eq!(
        d.count("audit_entry", "entity_type = 'bulk_load'").await,
        batches
    );
    // Another seed adds its own.
    let (code, out, err) = generate(&d, "8", "50", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(d.count("seizure_item", "1 = 1").await, items_before + 2050);

    // The cases API over the generated data, for a supervisor of CNP with
    // national scope: CNP's cases readable, others' listed when restricted
    // or below.
    let s = Server::start(&d);
    let (c, _) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let page = api_get(&c, &s, "/api/v1/cases?per_page=50").await;
    let expected = d
        .scalar_i64(
            "SELECT COUNT(*) FROM record_access ra JOIN organisation o ON o.id = ra.owner_organisation_id \
             WHERE ra.record_kind = 'case' AND (o.code = 'CNP' OR ra.classification_rank <= 1)",
        )
        .await;
    // The API counts up to 1,000 past the page and says when it stopped.
    let counted_to = 50 + 1_000;
    assert!(expected > counted_to, "enough cases to stop counting");
    assert_eq!(page["total"].as_i64().unwrap(), counted_to);
    assert_eq!(page["total_exact"], false);
    assert_eq!(page["items"].as_array().unwrap().len(), 50);
    let last = api_get(
        &c,
        &s,
        &format!("/api/v1/cases?per_page=50&page={}", expected / 50),
    )
    .await;
    assert_eq!(
        last["total"].as_i64().unwrap(),
        expected,
        "exact near the end"
    );
    assert_eq!(last["total_exact"], true);
    let meth = api_get(
        &c,
        &s,
        "/api/v1/cases?substance=METH_TABLET&province=05&per_page=5",
    )
    .await;
    assert!(meth["total"].as_i64().unwrap() > 0);
    let readable = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["readable"] == serde_json::json!(true)
                && i["reference"].as_str().unwrap().starts_with("CNP-")
        })
        .expect("a readable CNP case")
        .clone();
    let one = api_get(
        &c,
        &s,
        &format!("/api/v1/cases/{}", readable["id"].as_str().unwrap()),
    )
    .await;
    assert!(!one["items"].as_array().unwrap().is_empty(), "{one}");
    // A data clerk of the Bokeo unit reads its own unit's generated cases.
    let (clerk, _) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let own = api_get(&clerk, &s, "/api/v1/cases?per_page=5").await;
    assert!(own["total"].as_i64().unwrap() > 1);
}
both_backends!(generate_into_a_demo);

/// An installation that was never initialised is refused.
async fn refuses_an_uninitialised_database(db: Db) {
    let d = Database::new(db).await;
    let (code, _, err) = generate(&d, "1", "1000", &[]);
    assert_ne!(code, 0);
    assert!(err.contains("init"), "{err}");
}
both_backends!(refuses_an_uninitialised_database);

/// The same seed on two installations of the same demo gives the same
/// cases and items, ids included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_rows() {
    let dump = |d: &Database| {
        let url = d.url.clone();
        async move {
            use sqlx::Row;
            sqlx::any::install_default_drivers();
            let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            let rows = sqlx::query(
                "SELECT lc.id || '|' || lc.reference || '|' || lc.occurred_on || '|' || lc.province_code || '|' || \
                 lc.detection_method || '|' || lc.status || '|' || si.id || '|' || si.substance || '|' || si.quantity || '|' || si.unit \
                 || '|' || o.code || '|' || u.name_en AS line \
                 FROM law_case lc JOIN seizure_item si ON si.case_id = lc.id JOIN record_access ra ON ra.record_id = lc.id \
                 JOIN organisation o ON o.id = ra.owner_organisation_id JOIN unit u ON u.id = ra.owner_unit_id \
                 WHERE lc.narrative LIKE 'Synthetic case.%' ORDER BY si.id",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            rows.iter()
                .map(|r| r.try_get::<String, _>("line").unwrap())
                .collect::<Vec<_>>()
        }
    };
    let a = Database::demo(Db::Sqlite).await;
    let b = Database::demo(Db::Sqlite).await;
    for d in [&a, &b] {
        let (code, out, err) = generate(d, "99", "1000", &[]);
        assert_eq!(code, 0, "{out}{err}");
    }
    let (ra, rb) = (dump(&a).await, dump(&b).await);
    assert_eq!(ra.len(), 1000);
    assert_eq!(ra, rb);
}
