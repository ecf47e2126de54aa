//! `App::generate` into a demo installation, on SQLite and PostgreSQL:
//! persons, their links and the cases' vehicles and phones are stored with
//! the rows the one-by-one write path stores, read back through the
//! application as the case page reads them, recur across cases of an
//! agency, and are named by the ground truth; the same seed gives the same
//! rows, ids included.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dcis_app::cases::CaseForm;
use dcis_app::generate::{GenerateOptions, Summary};
use dcis_app::App;
use dcis_domain::access::RecordId;
use dcis_domain::case::CaseFields;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::macros::date;

async fn generate(app: &App, seed: u64, items: u64) -> (Summary, String) {
    let mut truth: Vec<u8> = Vec::new();
    let summary = app
        .generate(
            &GenerateOptions {
                seed,
                items,
                years: 2,
                end: date!(2026 - 08 - 31),
                batch_cases: 150,
            },
            Some(&mut truth),
            &mut |_| {},
        )
        .await
        .unwrap();
    (summary, String::from_utf8(truth).unwrap())
}

/// The rows of a query, each row's columns joined with `|` (NULL as
/// `NULL`), in the query's order.
async fn rows(url: &str, sql: &str) -> Vec<String> {
    use sqlx::Row;
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query(sql)
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (0..r.columns().len())
                .map(|i| {
                    r.try_get::<Option<String>, _>(i)
                        .map(|v| v.unwrap_or_else(|| "NULL".into()))
                        .or_else(|_| r.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}")))
                        .unwrap()
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

const PERSON_COLUMNS: &str = "name, latin_name, search_keys, sex, birth_date, age, age_as_of, \
    nationality, aliases_json, documents_json, addresses_json, search_words";

async fn generated_people_and_objects(db: Db) {
    let (app, url) = demo(db).await;
    let count = |sql: &'static str| {
        let url = url.clone();
        async move { raw_i64(&url, sql).await }
    };
    let persons_before = count("SELECT COUNT(*) FROM person").await;
    let objects_before = count("SELECT COUNT(*) FROM case_object").await;
    let links_before = count("SELECT COUNT(*) FROM case_person").await;
    let (s, truth) = generate(&app, 5, 1500).await;
    assert!(s.person_records > 100, "{s:?}");
    assert!(s.objects > 100, "{s:?}");
    assert!(s.case_persons > s.person_records, "persons recur: {s:?}");

    // Exactly the rows the summary counts, each person with its access row
    // and search words, each link and object in a generated case.
    assert_eq!(
        count("SELECT COUNT(*) FROM person").await - persons_before,
        s.person_records as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM case_person").await - links_before,
        s.case_persons as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM case_object").await - objects_before,
        s.objects as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM person p JOIN record_access ra ON ra.record_id = p.id AND ra.record_kind = 'person'").await,
        count("SELECT COUNT(*) FROM person").await
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM person WHERE search_words IS NULL OR search_keys = '||'").await,
        0
    );
    assert!(count("SELECT COUNT(*) FROM person_document").await > 10);
    // A person is owned and marked like the case that first named them,
    // and every case naming them is of the same agency.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM case_person cp JOIN record_access pa ON pa.record_id = cp.person_id \
             JOIN record_access ca ON ca.record_id = cp.case_id \
             WHERE pa.owner_organisation_id <> ca.owner_organisation_id"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM person p JOIN record_access pa ON pa.record_id = p.id \
             WHERE NOT EXISTS (SELECT 1 FROM case_person cp JOIN record_access ca ON ca.record_id = cp.case_id \
             JOIN law_case lc ON lc.id = cp.case_id \
             WHERE cp.person_id = p.id AND ca.owner_unit_id = pa.owner_unit_id AND ca.tlp = pa.tlp \
             AND ca.classification_rank = pa.classification_rank AND ca.created_at = pa.created_at \
             AND lc.occurred_on = p.age_as_of)"
        )
        .await,
        0
    );
    // Vehicles and phones with their search keys; the same phone in
    // several cases.
    assert!(
        count("SELECT COUNT(*) FROM case_object WHERE kind = 'vehicle' AND search_key <> ''").await
            > 10
    );
    assert!(
        count(
            "SELECT COUNT(*) FROM (SELECT search_key FROM case_object WHERE kind = 'phone' \
             GROUP BY search_key HAVING COUNT(DISTINCT case_id) > 1) t"
        )
        .await
            > 0
    );
    assert!(app.store.verify_audit_chain(500).await.unwrap().is_ok());

    // The case page's data through the application, for a supervisor of
    // CNP: a generated case of CNP with people, a vehicle and a phone.
    let supervisor = app.actor_for_username("supervisor").await.unwrap();
    let case: RecordId = rows(
        &url,
        "SELECT lc.id FROM law_case lc JOIN organisation o ON o.id = lc.agency_id \
         WHERE o.code = 'CNP' AND lc.narrative LIKE 'Synthetic case.%' \
         AND EXISTS (SELECT 1 FROM case_object v WHERE v.case_id = lc.id AND v.kind = 'vehicle' AND v.person_id IS NOT NULL) \
         AND EXISTS (SELECT 1 FROM case_object ph WHERE ph.case_id = lc.id AND ph.kind = 'phone') \
         ORDER BY lc.id LIMIT 1",
    )
    .await[0]
        .parse()
        .unwrap();
    let (record, items) = app.case(&supervisor, case, "/cases").await.unwrap();
    assert!(!items.is_empty());
    let people = app.case_people(&supervisor, case).await.unwrap();
    assert!(!people.is_empty());
    for (p, link) in &people {
        assert_eq!(link.case, case);
        assert!(!p.fields.name.is_empty() && !p.search_keys.is_empty());
        assert!(!link.part.role.is_empty());
        assert_eq!(p.access.owner_organisation, record.agency);
    }
    let objects = app.case_objects(&supervisor, case).await.unwrap();
    let vehicle = objects
        .iter()
        .find(|o| o.kind.as_str() == "vehicle")
        .unwrap();
    assert!(!vehicle.label.is_empty());
    assert!(people.iter().any(|(p, _)| Some(p.id) == vehicle.person));
    let phone = objects.iter().find(|o| o.kind.as_str() == "phone").unwrap();
    assert!(phone.key.starts_with('+'), "{phone:?}");

    // The same person and objects entered one by one are stored with the
    // same derived columns (search keys and words, canonical part, object
    // key and label).
    let (p, link) = &people[0];
    let (copy, _) = app
        .create_case(
            &supervisor,
            &CaseForm {
                fields: CaseFields {
                    reference: String::new(),
                    ..record.fields.clone()
                },
                classification: "restricted".into(),
                tlp: "TLP:AMBER".into(),
            },
            &items.iter().map(|i| i.fields.clone()).collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    let (p1, link1) = app
        .add_person_to_case(&supervisor, copy.id, &p.fields, &link.part)
        .await
        .unwrap();
    let person_row = |id: RecordId| {
        let url = url.clone();
        async move {
            rows(
                &url,
                &format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = '{id}'"),
            )
            .await
        }
    };
    assert_eq!(person_row(p.id).await, person_row(p1.id).await);
    assert_eq!(link.part, link1.part);
    let docs = |id: RecordId| {
        let url = url.clone();
        async move {
            rows(
                &url,
                &format!("SELECT kind, number, issuing_country FROM person_document WHERE person_id = '{id}' ORDER BY kind, number"),
            )
            .await
        }
    };
    assert_eq!(docs(p.id).await, docs(p1.id).await);
    for o in [vehicle, phone] {
        let o1 = app
            .add_object(
                &supervisor,
                copy.id,
                o.kind.as_str(),
                &o.fields,
                Some(p1.id),
            )
            .await
            .unwrap();
        assert_eq!(
            (&o.fields, &o.key, &o.label),
            (&o1.fields, &o1.key, &o1.label)
        );
    }

    // The case's and the person's history start with the batch that
    // created them, its details withheld; a case created one by one has
    // no such entry.
    for (kind, id) in [("case", case), ("person", p.id)] {
        let h = app
            .history(&supervisor, kind, &id.to_string())
            .await
            .unwrap();
        let b = &h[0];
        assert_eq!(
            (
                b.entity_type.as_str(),
                b.action.as_str(),
                b.actor_name.as_str()
            ),
            ("bulk_load", "create", "system"),
            "{kind}: {h:?}"
        );
        assert!(b.entity_id.starts_with("synth-5-"), "{b:?}");
        assert_eq!(b.before, "");
        assert_eq!(b.after, r#"{"details_withheld":true}"#);
        assert_eq!(
            rows(
                &url,
                &format!(
                    "SELECT seq || '' FROM audit_entry WHERE entity_type = 'bulk_load' AND entity_id = '{}'",
                    b.entity_id
                )
            )
            .await,
            [b.seq.to_string()]
        );
        assert!(h.windows(2).all(|w| w[0].seq < w[1].seq));
    }
    let h = app
        .history(&supervisor, "case", &copy.id.to_string())
        .await
        .unwrap();
    assert!(h.iter().all(|e| e.entity_type == "case"), "{h:?}");
    // Only for those who may read the case (here: a data clerk of customs
    // and the police's generated case of another unit, not shared).
    let customs = app.actor_for_username("customs.bokeo").await.unwrap();
    let hidden: RecordId = rows(
        &url,
        "SELECT lc.id FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
         JOIN organisation o ON o.id = ra.owner_organisation_id \
         WHERE o.code = 'CNP' AND ra.classification_rank >= 2 AND lc.bulk_load_id IS NOT NULL \
         ORDER BY lc.id LIMIT 1",
    )
    .await[0]
        .parse()
        .unwrap();
    assert!(matches!(
        app.history(&customs, "case", &hidden.to_string()).await,
        Err(dcis_app::AppError::NotFound)
    ));

    // Persons recur: one record of an agency linked to several of its
    // cases, which the person's page lists.
    let recurring: RecordId = rows(
        &url,
        "SELECT cp.person_id FROM case_person cp JOIN record_access ra ON ra.record_id = cp.person_id \
         JOIN organisation o ON o.id = ra.owner_organisation_id WHERE o.code = 'CNP' \
         GROUP BY cp.person_id HAVING COUNT(*) >= 3 ORDER BY cp.person_id LIMIT 1",
    )
    .await[0]
        .parse()
        .unwrap();
    let (_, cases) = app
        .person(&supervisor, recurring, "/persons")
        .await
        .unwrap();
    assert!(cases.len() >= 3, "{cases:?}");

    // The ground truth: one row per stored person record, naming it with
    // the agency's spelling; a person is one record per agency and some
    // are recorded by several agencies.
    let mut lines = truth.lines();
    assert_eq!(
        lines.next(),
        Some("person_id,variant_name,agency,record_id")
    );
    let stored: HashMap<String, (String, String)> = rows(
        &url,
        "SELECT p.id, p.name, o.code FROM person p JOIN record_access ra ON ra.record_id = p.id \
         JOIN organisation o ON o.id = ra.owner_organisation_id",
    )
    .await
    .into_iter()
    .map(|r| {
        let mut c = r.splitn(3, '|').map(str::to_owned);
        (c.next().unwrap(), (c.next().unwrap(), c.next().unwrap()))
    })
    .collect();
    let mut pairs = BTreeSet::new();
    let mut agencies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut n = 0;
    let mut reader = csv::Reader::from_reader(truth.as_bytes());
    for r in reader.records() {
        let r = r.unwrap();
        let (person, name, agency, record) = (&r[0], &r[1], &r[2], &r[3]);
        assert_eq!(
            stored.get(record),
            Some(&(name.to_owned(), agency.to_owned())),
            "{r:?}"
        );
        assert!(pairs.insert((person.to_owned(), agency.to_owned())));
        agencies
            .entry(person.to_owned())
            .or_default()
            .insert(agency.to_owned());
        n += 1;
    }
    assert_eq!(n, s.person_records);
    assert_eq!(s.truth_rows, s.person_records);
    assert!(agencies.values().any(|a| a.len() > 1));
}
both!(generated_people_and_objects);

/// The same seed on two installations of the same demo stores the same
/// persons, links and objects, ids included, under the same batch hashes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_people() {
    let dump = |url: String| async move {
        let mut out = Vec::new();
        for sql in [
            format!("SELECT id, {PERSON_COLUMNS}, created_at FROM person ORDER BY id"),
            "SELECT record_id, owner_unit_id, classification_rank, tlp, province_code, created_at \
             FROM record_access WHERE record_kind = 'person' ORDER BY record_id"
                .to_owned(),
            "SELECT case_id, person_id, position, role, outcome_json, created_at FROM case_person ORDER BY case_id, person_id"
                .to_owned(),
            "SELECT id, case_id, kind, position, fields_json, search_key, label, person_id FROM case_object ORDER BY id"
                .to_owned(),
            "SELECT entity_id, after_json FROM audit_entry WHERE entity_type = 'bulk_load' ORDER BY seq"
                .to_owned(),
        ] {
            out.push(rows(&url, &sql).await);
        }
        out
    };
    let (a, ua) = demo(Db::Sqlite).await;
    let (b, ub) = demo(Db::Sqlite).await;
    let (sa, _) = generate(&a, 11, 800).await;
    let (sb, _) = generate(&b, 11, 800).await;
    assert_eq!(sa, sb);
    let (da, db) = (dump(ua).await, dump(ub).await);
    assert!(da[0].len() > 50 && da[3].len() > 50);
    assert_eq!(da, db);
}
