//! Shared test kit for the application tests: a fixed clock, counter ids,
//! fresh databases on SQLite and PostgreSQL, and the both-backends macro.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dcis_app::setup::{initialise, InitOptions};
use dcis_app::{App, Settings};
use dcis_domain::ids::IdSource;
use dcis_domain::time::Clock;
use dcis_store::{OpenOptions, Store};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use time::OffsetDateTime;

/// A clock that stands still until a test moves it.
pub struct TestClock(pub AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        dcis_domain::time::from_millis(self.0.load(Ordering::SeqCst))
    }
}

/// Ids from a counter: deterministic and still time-ordered UUIDv7.
pub struct CounterIds(pub AtomicU64);

impl IdSource for CounterIds {
    fn new_uuid(&self, at: OffsetDateTime) -> uuid::Uuid {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        let mut r = [0u8; 10];
        r[2..].copy_from_slice(&n.to_be_bytes());
        dcis_domain::ids::uuid_v7(at, r)
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

static N: AtomicU64 = AtomicU64::new(0);

/// A fresh empty database URL for one test.
pub async fn fresh_url(db: Db) -> String {
    let tag = format!(
        "{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(format!("dcis-conf-{tag}"));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}/t.sqlite3", dir.display())
        }
        Db::Postgres => {
            let admin = std::env::var("DCIS_TEST_POSTGRES_URL")
                .expect("DCIS_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL");
            sqlx::any::install_default_drivers();
            let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                .await
                .unwrap();
            let name = format!("dcis_conf_{tag}");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut c)
                .await
                .unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .await
                .unwrap();
            format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
        }
    }
}

/// The tests' "now": 2026-09-21 (local).
pub const NOW_MS: i64 = 1_790_000_000_000;

/// Opens (creating) the store of a fresh database.
async fn open_store(url: &str) -> Store {
    Store::open(
        url,
        &OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// An initialised installation with its administrator only.
pub async fn app(db: Db) -> (App, Arc<TestClock>, String) {
    let url = fresh_url(db).await;
    let store = open_store(&url).await;
    let clock = Arc::new(TestClock(AtomicI64::new(NOW_MS)));
    let init = initialise(
        store,
        clock.clone(),
        Arc::new(CounterIds(AtomicU64::new(1))),
        Settings::default(),
        &InitOptions {
            installation_name: "test".into(),
            admin_username: "admin".into(),
            admin_display_name: "Admin".into(),
            admin_password: "correct horse battery".into(),
        },
    )
    .await
    .unwrap();
    (init.app, clock, url)
}

/// The demo installation (its agencies, units and users), as `dcis demo`
/// makes it, at [`NOW_MS`] with counter ids: two of them hold the same
/// organisations and units, ids included.
pub async fn demo(db: Db) -> (App, String) {
    let url = fresh_url(db).await;
    let app = dcis_app::setup::demo(
        open_store(&url).await,
        Arc::new(TestClock(AtomicI64::new(NOW_MS))),
        Arc::new(CounterIds(AtomicU64::new(1))),
        Settings::default(),
    )
    .await
    .unwrap();
    (app, url)
}

#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Db::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Db::Postgres).await;
            }
        }
    };
}

pub async fn raw_i64(url: &str, sql: &str) -> i64 {
    use sqlx::Row;
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query(sql)
        .fetch_one(&mut c)
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

/// Every row of a query, each column as text (integers written out), for
/// expected values computed outside the code under test.
pub async fn raw_rows(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
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
                        .ok()
                        .flatten()
                        .or_else(|| {
                            r.try_get::<Option<i64>, _>(i)
                                .ok()
                                .flatten()
                                .map(|v| v.to_string())
                        })
                })
                .collect()
        })
        .collect()
}

pub async fn raw_exec(url: &str, sql: &str) {
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query(sql).execute(&mut c).await.unwrap();
}
