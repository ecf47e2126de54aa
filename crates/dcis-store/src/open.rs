//! Opening the database, choosing the backend from the URL, connection
//! settings and migrations.

use crate::error::StoreError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }

    /// What dcis sets on each new connection of its pool, explicitly rather
    /// than relying on driver or server defaults. Public so that tools that
    /// open their own connections beside a [`Store`] (the policy benchmark)
    /// open them the same way.
    pub fn connection_settings(&self) -> &'static [&'static str] {
        match self {
            Self::Sqlite => &[
                // Write-ahead log: readers do not block the writer.
                "PRAGMA journal_mode = WAL",
                "PRAGMA foreign_keys = ON",
                // Wait for a lock rather than fail with SQLITE_BUSY.
                "PRAGMA busy_timeout = 10000",
                "PRAGMA synchronous = NORMAL",
                // Read through a memory map (up to 1 GiB of the file): the
                // shared page-cache pool otherwise starves every connection
                // but the one that read most, 4-5x slower (BENCHMARKS.md,
                // "Other findings").
                "PRAGMA mmap_size = 1073741824",
            ],
            Self::Postgres => &[
                // JIT compilation costs 60-80 ms of each filtered count at a
                // million records and gains nothing on dcis's short queries
                // (BENCHMARKS.md, "Why the rest is hard").
                "SET jit = off",
                // The filtered counts hash the actor's share sets and the
                // access rows; at the default 4 MB a million-record count
                // spills to disk in 8 batches (BENCHMARKS.md, "Access
                // policy filter").
                "SET work_mem = '32MB'",
                // Plan each execution with its values. sqlx prepares every
                // statement, and after five executions PostgreSQL may switch
                // to one generic plan that ignores the values; but the read
                // filter's selectivity is the actor's (a clerk's filter lets
                // 2 % of the matches through, a national supervisor's 86 %),
                // and the generic plan of the report search count read every
                // access row first: 680 ms against 480 ms planned with the
                // values (BENCHMARKS.md, "Access policy filter"). Planning
                // costs dcis's queries a millisecond or two.
                "SET plan_cache_mode = force_custom_plan",
                // A random page read costs little more than a sequential one
                // on solid-state storage or from the cache (the default, 4,
                // prices a disk seek). At 4 (and down to 2), PostgreSQL read
                // and hashed all million access rows to count a report search
                // rather than look up the 100,000 matches' rows in the index:
                // 578 ms against 463 ms. At 1.1 it read a whole index instead
                // of the table for a list, which was slower (BENCHMARKS.md,
                // "Access policy filter").
                "SET random_page_cost = 1.5",
            ],
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Self::Sqlite => &SQLITE_MIGRATIONS,
            Self::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Create an SQLite file when it does not exist (only `dcis init` and
    /// `dcis demo` do; `serve` refuses a missing file, which is usually a
    /// typo in the path).
    pub create: bool,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            create: false,
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Where the schema stands against this build's migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    pub applied: i64,
    pub known: i64,
}

#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// SQLite allows one writer at a time; write transactions queue here
    /// instead of failing with SQLITE_BUSY when two upgrade from read locks.
    pub(crate) write_lock: Arc<tokio::sync::Mutex<()>>,
}

/// Extracts the file path of an `sqlite:` URL (without query string).
fn sqlite_path(url: &str) -> &str {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or(rest)
}

impl Store {
    pub async fn open(url: &str, opts: &OpenOptions) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| StoreError::Connect {
            url: redact(url),
            source: sqlx::Error::Configuration(
                "the database URL must start with sqlite: or postgres://".into(),
            ),
        })?;
        let mut url = url.to_owned();
        if backend == Backend::Sqlite {
            let path = sqlite_path(&url).to_owned();
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::Connect {
                    url: redact(&url),
                    source: sqlx::Error::Configuration("dcis needs an SQLite file path".into()),
                });
            }
            let exists = std::path::Path::new(&path).exists();
            if !exists && !opts.create {
                return Err(StoreError::Missing(path));
            }
            if !url.contains('?') {
                url.push_str(if opts.create { "?mode=rwc" } else { "?mode=rw" });
            }
        }
        let connect = AnyConnectOptions::from_str(&url).map_err(|source| StoreError::Connect {
            url: redact(&url),
            source,
        })?;
        let pool = AnyPoolOptions::new()
            .max_connections(opts.max_connections)
            .acquire_timeout(opts.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    // The generation of the statistics this connection
                    // reads with the schema, on its first statement.
                    let generation = match backend {
                        Backend::Sqlite => Some(statistics_generation(conn, "main").await?),
                        Backend::Postgres => None,
                    };
                    for setting in backend.connection_settings() {
                        conn.execute(*setting).await?;
                    }
                    if let Some(g) = generation {
                        conn.execute(format!("PRAGMA temp.user_version = {g}").as_str())
                            .await?;
                    }
                    Ok(())
                })
            })
            .before_acquire(move |conn, _meta| {
                Box::pin(async move {
                    Ok(match backend {
                        Backend::Sqlite => has_current_statistics(conn).await,
                        Backend::Postgres => true,
                    })
                })
            })
            .connect_with(connect)
            .await
            .map_err(|source| StoreError::Connect {
                url: redact(&url),
                source,
            })?;
        Ok(Self {
            pool,
            backend,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Cheap liveness check of the database, for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The highest migration this build knows and the highest applied.
    pub async fn schema_status(&self) -> Result<SchemaStatus, StoreError> {
        let known = self
            .backend
            .migrator()
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0);
        let exists: i64 = match self.backend {
            Backend::Sqlite => sqlx::query(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            ),
            Backend::Postgres => sqlx::query(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()",
            ),
        }
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let applied = if exists > 0 {
            sqlx::query("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await?
                .try_get::<i64, _>(0)?
        } else {
            0
        };
        Ok(SchemaStatus { applied, known })
    }

    /// Applies the migrations this build has and the database lacks, then
    /// fills the search words of rows stored before they existed (see
    /// `search.rs`) and the items' analysis values, and brings the
    /// analysis roll-up up to date (`stats.rs`). A database from a newer dcis is refused before
    /// anything is touched.
    pub async fn migrate(&self) -> Result<SchemaStatus, StoreError> {
        let status = self.schema_status().await?;
        if status.applied > status.known {
            return Err(StoreError::TooNew {
                found: status.applied,
                known: status.known,
            });
        }
        self.backend.migrator().run(&self.pool).await?;
        self.fill_search_words().await?;
        self.fill_item_stat_values().await?;
        // Statistics before the roll-up's rebuild, whose queries plan by
        // them. PostgreSQL's autovacuum keeps its own; analysing every table
        // at each start of each command would only cost time there.
        if self.backend == Backend::Sqlite {
            self.optimize().await?;
        }
        self.refresh_stats().await?;
        self.schema_status().await
    }

    /// Brings the query planner's statistics up to date where the tables
    /// have changed much since they were last gathered. dcis calls it when
    /// it opens a database and after each bulk load (import, `dcis
    /// generate`; on PostgreSQL only the latter).
    ///
    /// SQLite has no statistics until `ANALYZE` runs, and without them it
    /// guesses that an equality on any indexed column finds about ten rows:
    /// at a million cases it then drives a list from the owner indexes
    /// (a third of the table for a national supervisor) and sorts, 20 s
    /// where walking the date index takes 20 ms. `PRAGMA optimize`
    /// analyses only the tables whose size changed tenfold since their last
    /// analysis (or never analysed), so it is cheap when nothing changed.
    /// PostgreSQL gathers statistics itself (autovacuum); after a bulk load
    /// dcis analyses the loaded tables at once rather than wait for it.
    ///
    /// An SQLite connection reads the statistics once, with the schema,
    /// and not again when another connection gathers new ones (not even
    /// when the schema changes). So the other connections of the pool (and
    /// of other processes: a running `dcis serve` while `dcis import`
    /// loads) would go on planning with the statistics they read before:
    /// after a bulk load into a nearly empty database, statistics of a few
    /// rows, and plans that sort a million rows to show 50 (0.46-0.67 s
    /// for a page of the report list that takes 2 ms; the benchmark of the
    /// access filter met it). So when `PRAGMA optimize` has changed the
    /// statistics, `optimize` counts up the database's `user_version`; a
    /// connection records the number it read with the schema, and the pool
    /// closes and replaces a connection whose number is behind rather than
    /// hand it out ([`has_current_statistics`]). A new connection reads the
    /// statistics afresh. (Reading them again in place, `ANALYZE
    /// sqlite_schema`, takes the write lock, so reads would wait behind a
    /// long import.) dcis uses `user_version` for nothing else.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                let mut c = self.pool.acquire().await?;
                let before = statistics_fingerprint(&mut c).await?;
                sqlx::query("PRAGMA optimize=0x10002")
                    .execute(&mut *c)
                    .await?;
                if statistics_fingerprint(&mut c).await? != before {
                    let generation = statistics_generation(&mut c, "main").await?;
                    sqlx::query(&format!(
                        "PRAGMA main.user_version = {}",
                        generation.wrapping_add(1)
                    ))
                    .execute(&mut *c)
                    .await?;
                }
            }
            Backend::Postgres => {
                sqlx::query(
                    "ANALYZE record_access, law_case, seizure_item, person, case_person, case_object, search_term",
                )
                .execute(&self.pool)
                .await?;
            }
        }
        Ok(())
    }

    /// A consistent copy of an SQLite database into `path`, safe while the
    /// server runs (`VACUUM INTO` reads one snapshot).
    pub async fn backup_to(&self, path: &str) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
            Backend::Postgres => Err(StoreError::Unsupported(
                "PostgreSQL (use pg_dump, which takes a consistent snapshot)",
            )),
        }
    }
}

/// Hides a password in a database URL before it reaches a message or log.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The statistics generation of an SQLite database (`main`: counted up by
/// [`Store::optimize`]) or the one a connection last read (`temp`, which
/// is the connection's own).
async fn statistics_generation(
    conn: &mut sqlx::AnyConnection,
    schema: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query(&format!("PRAGMA {schema}.user_version"))
        .fetch_one(conn)
        .await?
        .try_get::<i64, _>(0)
}

/// Whether an SQLite connection plans with the statistics of the latest
/// [`Store::optimize`] (see there): two header reads. A connection that
/// cannot tell is not handed out either; the pool opens another.
async fn has_current_statistics(conn: &mut sqlx::AnyConnection) -> bool {
    match (
        statistics_generation(conn, "main").await,
        statistics_generation(conn, "temp").await,
    ) {
        (Ok(current), Ok(read)) => current == read,
        _ => false,
    }
}

/// The content of `sqlite_stat1` (empty before the first `ANALYZE`), to
/// tell whether `PRAGMA optimize` changed it.
async fn statistics_fingerprint(conn: &mut sqlx::AnyConnection) -> Result<String, sqlx::Error> {
    let exists = sqlx::query(
        "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'",
    )
    .fetch_one(&mut *conn)
    .await?
    .try_get::<i64, _>(0)?;
    if exists == 0 {
        return Ok(String::new());
    }
    sqlx::query(
        "SELECT COALESCE(group_concat(tbl || '/' || COALESCE(idx, '') || '/' || stat, ';'), '') \
         FROM (SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx)",
    )
    .fetch_one(conn)
    .await?
    .try_get::<String, _>(0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The value of a setting on one connection, as text.
    async fn setting(c: &mut sqlx::AnyConnection, sql: &str) -> String {
        let row = sqlx::query(sql).fetch_one(c).await.unwrap();
        row.try_get::<String, _>(0)
            .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
            .unwrap()
    }

    /// A store on a new SQLite file in a directory of its own (`name`, this
    /// process), with a pool of two connections.
    async fn sqlite_store(name: &str) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("dcis-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/t.sqlite3", dir.display());
        let opts = OpenOptions {
            create: true,
            max_connections: 2,
            ..Default::default()
        };
        (Store::open(&url, &opts).await.unwrap(), dir)
    }

    #[tokio::test]
    async fn sqlite_connections_get_the_settings() {
        let (store, dir) = sqlite_store("open").await;
        // Two connections held at once: both were opened by the pool.
        let mut a = store.pool.acquire().await.unwrap();
        let mut b = store.pool.acquire().await.unwrap();
        for c in [&mut a, &mut b] {
            assert_eq!(setting(c, "PRAGMA journal_mode").await, "wal");
            assert_eq!(setting(c, "PRAGMA foreign_keys").await, "1");
            assert_eq!(setting(c, "PRAGMA busy_timeout").await, "10000");
            assert_eq!(setting(c, "PRAGMA synchronous").await, "1");
            assert_eq!(setting(c, "PRAGMA mmap_size").await, "1073741824");
        }
        drop((a, b));
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// How an SQLite connection plans a query (`EXPLAIN QUERY PLAN`).
    async fn plan(c: &mut sqlx::AnyConnection, sql: &str) -> String {
        sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
            .fetch_all(c)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>(3).unwrap())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// After `Store::optimize`, every connection of the pool plans with
    /// the new statistics, not only the one that gathered them.
    #[tokio::test]
    async fn sqlite_statistics_reach_every_connection() {
        let (store, dir) = sqlite_store("stats").await;
        let mut a = store.pool.acquire().await.unwrap();
        let mut b = store.pool.acquire().await.unwrap();
        for sql in [
            "CREATE TABLE t (a INTEGER, b INTEGER)",
            "CREATE INDEX t_a ON t (a)",
            "CREATE INDEX t_b ON t (b)",
            // `a` is different on each row, `b` the same on every row: with
            // statistics, an equality on `a` is the selective one (without
            // them SQLite takes `t_b`).
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) \
             INSERT INTO t SELECT i, 0 FROM n",
        ] {
            sqlx::query(sql).execute(&mut *a).await.unwrap();
        }
        let q = "SELECT * FROM t WHERE a = 7 AND b = 0";
        // Connection b reads the schema, without statistics for t.
        let before = plan(&mut b, q).await;
        assert!(before.contains("t_b"), "without statistics: {before}");
        drop(a);
        // One connection is free: optimize runs on it, and b still holds
        // the schema it read.
        store.optimize().await.unwrap();
        // Both connections, handed out again by the pool, plan with them,
        // and handing out the one that was behind does not wait for a
        // writer (the first holds the write lock meanwhile).
        drop(b);
        let mut w = store.pool.acquire().await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *w)
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let mut r = store.pool.acquire().await.unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "waited {:?} for a connection",
            started.elapsed()
        );
        for c in [&mut w, &mut r] {
            let after = plan(c, q).await;
            assert!(after.contains("t_a"), "with statistics: {after}");
        }
        sqlx::query("ROLLBACK").execute(&mut *w).await.unwrap();
        drop((w, r));
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Needs the PostgreSQL server that `scripts/test` starts.
    #[tokio::test]
    async fn postgres_connections_get_the_settings() {
        let url = std::env::var("DCIS_TEST_POSTGRES_URL").expect(
            "DCIS_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL",
        );
        let opts = OpenOptions {
            max_connections: 2,
            ..Default::default()
        };
        let store = Store::open(&url, &opts).await.unwrap();
        let mut a = store.pool.acquire().await.unwrap();
        let mut b = store.pool.acquire().await.unwrap();
        for c in [&mut a, &mut b] {
            assert_eq!(setting(c, "SHOW jit").await, "off");
            assert_eq!(setting(c, "SHOW work_mem").await, "32MB");
            assert_eq!(
                setting(c, "SHOW plan_cache_mode").await,
                "force_custom_plan"
            );
            assert_eq!(setting(c, "SHOW random_page_cost").await, "1.5");
        }
        drop((a, b));
        store.close().await;
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://dcis:secret@127.0.0.1/x"),
            "postgres://dcis:***@127.0.0.1/x"
        );
        assert_eq!(redact("sqlite:///tmp/a.db"), "sqlite:///tmp/a.db");
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite:///tmp/a.db?mode=rw"), "/tmp/a.db");
        assert_eq!(sqlite_path("sqlite:data/a.db"), "data/a.db");
        assert_eq!(sqlite_path("sqlite://data/a.db"), "data/a.db");
    }
}
