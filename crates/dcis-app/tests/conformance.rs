//! Storage conformance: the same scenarios on SQLite and PostgreSQL,
//! through the application's write path, with a fixed clock and counter ids
//! so every run is the same.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dcis_app::orgs::{OrganisationInput, UnitInput};
use dcis_app::users::NewUserInput;
use dcis_app::AppError;
use dcis_store::{OpenOptions, Store, StoreError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use time::OffsetDateTime;

async fn initialise_loads_geography_once(db: Db) {
    let (app, _, url) = app(db).await;
    // Counted in the database, independently of the store's own queries.
    assert_eq!(raw_i64(&url, "SELECT COUNT(*) FROM province").await, 18);
    assert_eq!(raw_i64(&url, "SELECT COUNT(*) FROM district").await, 148);
    let entries = raw_i64(&url, "SELECT COUNT(*) FROM audit_entry").await;
    let report = app.load_reference_geography().await.unwrap();
    assert_eq!(report.changed, 0, "a second load changes nothing");
    assert_eq!(
        raw_i64(&url, "SELECT COUNT(*) FROM audit_entry").await,
        entries,
        "and audits nothing"
    );
    // A record edited behind dcis's back is put back, and that is audited.
    raw_exec(
        &url,
        "UPDATE province SET name_en = 'Wrong' WHERE code = '05'",
    )
    .await;
    assert_eq!(app.load_reference_geography().await.unwrap().changed, 1);
    assert_eq!(
        raw_i64(
            &url,
            "SELECT COUNT(*) FROM province WHERE name_en = 'Bokeo'"
        )
        .await,
        1
    );
    assert_eq!(
        app.store.verify_audit_chain(10).await.unwrap().unwrap() as i64,
        entries + 1
    );
}
crate::both!(initialise_loads_geography_once);

async fn every_change_is_audited_in_its_transaction(db: Db) {
    let (app, clock, url) = app(db).await;
    let before = raw_i64(&url, "SELECT COUNT(*) FROM audit_entry").await;
    clock.0.fetch_add(1000, Ordering::SeqCst);
    let org = app
        .create_organisation(
            None,
            &OrganisationInput {
                code: "CNP".into(),
                kind: "counter_narcotics_police".into(),
                name_en: "Police".into(),
                name_lo: "ຕຳຫຼວດ".into(),
                province: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        raw_i64(&url, "SELECT COUNT(*) FROM audit_entry").await,
        before + 1
    );
    let history = app
        .store
        .audit_history("organisation", &org.id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "create");
    assert!(history[0].after.contains("ຕຳຫຼວດ"));
    // A refused write (duplicate code) leaves neither a row nor an entry.
    let dup = app
        .create_organisation(
            None,
            &OrganisationInput {
                code: "cnp".into(),
                kind: "customs".into(),
                name_en: "Other".into(),
                name_lo: "ອື່ນ".into(),
                province: String::new(),
            },
        )
        .await;
    assert!(
        matches!(dup, Err(AppError::Conflict { field: "code", .. })),
        "{dup:?}"
    );
    assert_eq!(
        raw_i64(&url, "SELECT COUNT(*) FROM organisation WHERE code = 'CNP'").await,
        1
    );
    assert_eq!(
        raw_i64(&url, "SELECT COUNT(*) FROM audit_entry").await,
        before + 1
    );
}
crate::both!(every_change_is_audited_in_its_transaction);

async fn validation_reports_every_field(db: Db) {
    let (app, _, url) = app(db).await;
    let users = raw_i64(&url, "SELECT COUNT(*) FROM app_user").await;
    let r = app
        .create_user(
            None,
            &NewUserInput {
                username: "1bad name".into(),
                display_name: " ".into(),
                password: "short".into(),
                unit: "not-a-unit".into(),
                role: "boss".into(),
                scope: "5".into(),
                clearance: "top".into(),
                language: "fr".into(),
            },
        )
        .await;
    let Err(AppError::Validation(errors)) = r else {
        panic!("expected validation errors, got {r:?}")
    };
    let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field).collect();
    fields.sort_unstable();
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
        ]
    );
    assert_eq!(raw_i64(&url, "SELECT COUNT(*) FROM app_user").await, users);
}
crate::both!(validation_reports_every_field);

async fn foreign_keys_are_enforced(db: Db) {
    let (app, _, _) = app(db).await;
    // A district whose province does not exist is refused by the database
    // itself on both engines (SQLite only enforces this when the connection
    // turns foreign keys on, which the store does explicitly).
    let r = store_insert_orphan_district(&app.store).await;
    assert!(matches!(r, Err(StoreError::MissingReference(_))), "{r:?}");
}
crate::both!(foreign_keys_are_enforced);

async fn store_insert_orphan_district(store: &Store) -> Result<(), StoreError> {
    let ctx = dcis_store::AuditContext {
        installation: "01890000-0000-7000-8000-000000000001".parse().unwrap(),
        actor: None,
        at: OffsetDateTime::UNIX_EPOCH,
        ids: Arc::new(CounterIds(AtomicU64::new(1_000_000))),
    };
    let mut w = store.begin(ctx).await?;
    let d = dcis_domain::geo::District {
        code: dcis_domain::geo::DistrictCode::parse("9901").unwrap(),
        name_en: "Nowhere".into(),
        name_lo: "ບໍ່ມີ".into(),
    };
    w.upsert_district(&d).await?;
    w.commit().await
}

async fn concurrent_writers_keep_one_chain(db: Db) {
    let (app, _, _) = app(db).await;
    let org = app
        .create_organisation(
            None,
            &OrganisationInput {
                code: "CUS".into(),
                kind: "customs".into(),
                name_en: "Customs".into(),
                name_lo: "ພາສີ".into(),
                province: String::new(),
            },
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let app = app.clone();
        let org = org.id.to_string();
        tasks.push(tokio::spawn(async move {
            app.create_unit(
                None,
                &UnitInput {
                    organisation: org,
                    name_en: format!("Unit {i}"),
                    name_lo: format!("ໜ່ວຍ {i}"),
                    province: "05".into(),
                    district: String::new(),
                },
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let checked = app.store.verify_audit_chain(7).await.unwrap().unwrap();
    assert_eq!(checked as i64, app.store.audit_head().await.unwrap().seq);
    assert_eq!(app.store.units(Some(org.id)).await.unwrap().len(), 16);
}
crate::both!(concurrent_writers_keep_one_chain);

async fn newer_schema_is_refused(db: Db) {
    let (app, _, url) = app(db).await;
    let status = app.store.schema_status().await.unwrap();
    assert_eq!(status.applied, status.known);
    let future = status.known + 1;
    let checksum = match db {
        Db::Sqlite => "X'00'",
        Db::Postgres => "'\\x00'::bytea",
    };
    raw_exec(
        &url,
        &format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ({future}, 'from the future', TRUE, {checksum}, 0)"
        ),
    )
    .await;
    let store = Store::open(&url, &OpenOptions::default()).await.unwrap();
    let r = store.migrate().await;
    assert!(
        matches!(r, Err(StoreError::TooNew { found, .. }) if found == future),
        "{r:?}"
    );
}
crate::both!(newer_schema_is_refused);

async fn sessions_expire_and_throttle(db: Db) {
    let (app, clock, _) = app(db).await;
    let ok = app
        .login("admin", "correct horse battery", "10.0.0.1", "test")
        .await
        .unwrap();
    assert!(app
        .authenticate_session(&ok.session_secret)
        .await
        .unwrap()
        .is_some());
    // Idle beyond the limit: the session is gone.
    clock.0.fetch_add(31 * 60 * 1000, Ordering::SeqCst);
    assert!(app
        .authenticate_session(&ok.session_secret)
        .await
        .unwrap()
        .is_none());
    // Five failures lock the account for the window, even for the right password.
    for _ in 0..5 {
        assert!(matches!(
            app.login("admin", "wrong", "10.0.0.2", "t").await,
            Err(AppError::Unauthenticated)
        ));
    }
    assert!(matches!(
        app.login("admin", "correct horse battery", "10.0.0.3", "t")
            .await,
        Err(AppError::Throttled { .. })
    ));
    clock.0.fetch_add(16 * 60 * 1000, Ordering::SeqCst);
    assert!(app
        .login("admin", "correct horse battery", "10.0.0.3", "t")
        .await
        .is_ok());
}
crate::both!(sessions_expire_and_throttle);
