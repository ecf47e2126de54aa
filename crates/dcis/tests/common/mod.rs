//! Test kit: starts the real `dcis` binary on a free port over a fresh
//! database (SQLite in a temporary directory, or a new PostgreSQL database
//! on the server `scripts/test` starts), and drives it over HTTP.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub const DEMO_PASSWORD: &str = "demo-password-2026";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs one async scenario on both backends as two tests.
#[macro_export]
macro_rules! both_backends {
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

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_dcis")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty database for one test.
pub struct Database {
    pub db: Db,
    pub url: String,
    pub dir: PathBuf,
    admin_url: Option<String>,
    name: String,
}

impl Database {
    pub async fn new(db: Db) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let tag = format!("{}_{}_{}", std::process::id(), n, nanos());
        let dir = std::env::temp_dir().join(format!("dcis-test-{tag}"));
        std::fs::create_dir_all(&dir).unwrap();
        match db {
            Db::Sqlite => Self {
                db,
                url: format!("sqlite://{}/dcis.sqlite3", dir.display()),
                dir,
                admin_url: None,
                name: String::new(),
            },
            Db::Postgres => {
                let admin = std::env::var("DCIS_TEST_POSTGRES_URL").expect(
                    "DCIS_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL",
                );
                let name = format!("dcis_t_{tag}");
                sqlx::any::install_default_drivers();
                let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut c)
                    .await
                    .unwrap();
                let base = admin.rsplit_once('/').unwrap().0;
                Self {
                    db,
                    url: format!("{base}/{name}"),
                    dir,
                    admin_url: Some(admin),
                    name,
                }
            }
        }
    }

    /// Runs SQL directly against the database, behind dcis's back.
    pub async fn execute(&self, sql: &str) -> u64 {
        sqlx::any::install_default_drivers();
        let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url)
            .await
            .unwrap();
        sqlx::query(sql)
            .execute(&mut c)
            .await
            .unwrap()
            .rows_affected()
    }

    pub async fn scalar_i64(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::any::install_default_drivers();
        let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url)
            .await
            .unwrap();
        sqlx::query(sql)
            .fetch_one(&mut c)
            .await
            .unwrap()
            .try_get::<i64, _>(0)
            .unwrap()
    }

    /// Runs `dcis ARGS` against this database and returns (status, stdout, stderr).
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        let mut cmd = Command::new(bin());
        cmd.args([
            "--data-dir",
            self.dir.to_str().unwrap(),
            "--database-url",
            &self.url,
        ])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Creates a demo instance (synthetic agencies and users).
    pub async fn demo(db: Db) -> Self {
        let d = Self::new(db).await;
        // `dcis demo` serves after creating; create through a short-lived
        // server and stop it once it is listening.
        let s = Server::start_with(&d, &["demo"]);
        drop(s);
        d
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let (Some(admin), Db::Postgres) = (self.admin_url.clone(), self.db) {
            let name = self.name.clone();
            // Dropping from a fresh thread: Drop cannot be async.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    sqlx::any::install_default_drivers();
                    if let Ok(mut c) =
                        <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await
                    {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut c)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 1_000_000_000
}

/// A running `dcis` server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub stderr_log: PathBuf,
}

impl Server {
    /// `dcis serve` on a free port.
    pub fn start(d: &Database) -> Self {
        Self::start_with(d, &["serve"])
    }

    /// Starts `dcis ARGS --listen 127.0.0.1:0` and waits for the line that
    /// says where it listens (no sleeping: the line is printed once bound).
    pub fn start_with(d: &Database, args: &[&str]) -> Self {
        let log = d.dir.join(format!(
            "server-{}.log",
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let mut child = Command::new(bin())
            .args([
                "--data-dir",
                d.dir.to_str().unwrap(),
                "--database-url",
                &d.url,
            ])
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "info,tower_http=warn")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("dcis listening on ") {
                    let _ = tx.send(url.trim().to_owned());
                }
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(b) => b,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "dcis did not start: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
        };
        Self {
            child,
            base,
            stderr_log: log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser-like HTTP client: keeps cookies, does not follow redirects
/// (tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The value of the first `name="csrf"` hidden field of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has no csrf field");
    html[start..].split('"').next().unwrap().to_owned()
}

/// The body of `GET path` with `c`, whatever its status.
pub async fn get_text(c: &reqwest::Client, s: &Server, path: &str) -> String {
    c.get(s.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Logs in through the form; returns the client and the session's CSRF token.
pub async fn login(s: &Server, username: &str, password: &str) -> (reqwest::Client, String) {
    let c = client();
    let page = get_text(&c, s, "/login").await;
    let csrf = csrf_of(&page);
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        303,
        "log-in of {username} failed: {}",
        r.text().await.unwrap_or_default()
    );
    let home = c
        .get(s.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&home);
    (c, token)
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

// ---------------------------------------------------------------- additions

impl Database {
    /// The first column of the first row, as text.
    pub async fn scalar_text(&self, sql: &str) -> String {
        use sqlx::Row;
        sqlx::any::install_default_drivers();
        let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url)
            .await
            .unwrap();
        sqlx::query(sql)
            .fetch_one(&mut c)
            .await
            .unwrap()
            .try_get::<String, _>(0)
            .unwrap()
    }

    /// Counts the rows of `table` matching `condition` (SQL, e.g. `username = 'x'`).
    pub async fn count(&self, table: &str, condition: &str) -> i64 {
        self.scalar_i64(&format!("SELECT COUNT(*) FROM {table} WHERE {condition}"))
            .await
    }

    /// The id of a user, read directly from the database.
    pub async fn user_id(&self, username: &str) -> String {
        self.scalar_text(&format!(
            "SELECT id FROM app_user WHERE username = '{username}'"
        ))
        .await
    }

    /// The id of a unit of the organisation with `org_code`, by English name.
    pub async fn unit_id(&self, org_code: &str, unit_name: &str) -> String {
        self.scalar_text(&format!(
            "SELECT u.id FROM unit u JOIN organisation o ON o.id = u.organisation_id \
             WHERE o.code = '{org_code}' AND u.name_en = '{unit_name}'"
        ))
        .await
    }
}

/// Runs `dcis ARGS` exactly as given (no data dir or database URL added);
/// returns (status, stdout, stderr).
pub fn dcis(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env("RUST_LOG", "warn")
        .env_remove("DCIS_DATA_DIR")
        .env_remove("DCIS_DATABASE_URL")
        .env_remove("DCIS_CONFIG")
        .env_remove("DCIS_LISTEN")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A client without cookies (a script holding an API token).
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A fresh browser-like client that has opened the log-in page; returns it
/// with the pre-log-in CSRF token of the form.
pub async fn login_page(s: &Server) -> (reqwest::Client, String) {
    let c = client();
    let page = c
        .get(s.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    (c, csrf)
}

/// Submits the log-in form with `csrf`; returns the raw response.
pub async fn submit_login(
    c: &reqwest::Client,
    s: &Server,
    csrf: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    c.post(s.url("/login"))
        .form(&[
            ("csrf", csrf),
            ("username", username),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap()
}

/// The `Set-Cookie` headers of a response.
pub fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The `Set-Cookie` header that sets `name`, if any.
pub fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    set_cookies(r)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
}

/// The value of a response header, or "".
pub fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The `Location` of a redirect.
pub fn location(r: &reqwest::Response) -> String {
    header(r, "location")
}

/// Reads an error response that must be `application/problem+json`.
pub async fn problem(r: reqwest::Response) -> (u16, serde_json::Value) {
    let status = r.status().as_u16();
    let ct = header(&r, "content-type");
    let body = r.text().await.unwrap();
    assert!(
        ct.starts_with("application/problem+json"),
        "status {status}, content type {ct:?}, body {body}"
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"].as_u64(), Some(u64::from(status)), "{v}");
    (status, v)
}

/// Reads a JSON response, asserting its status.
pub async fn json_of(r: reqwest::Response, expected: u16) -> serde_json::Value {
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    assert_eq!(status, expected, "unexpected status; body: {body}");
    serde_json::from_str(&body).unwrap()
}

/// The field names of a validation problem's `errors` list.
pub fn error_fields(problem: &serde_json::Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `POST /api/v1…` as a logged-in browser: session cookie plus `X-CSRF-Token`.
pub async fn api_post(
    c: &reqwest::Client,
    s: &Server,
    csrf: &str,
    path: &str,
    body: &serde_json::Value,
) -> reqwest::Response {
    c.post(s.url(path))
        .header("x-csrf-token", csrf)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// `PUT /api/v1…` as a logged-in browser.
pub async fn api_put(
    c: &reqwest::Client,
    s: &Server,
    csrf: &str,
    path: &str,
    body: &serde_json::Value,
) -> reqwest::Response {
    c.put(s.url(path))
        .header("x-csrf-token", csrf)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// `GET` a JSON document, expecting 200.
pub async fn api_get(c: &reqwest::Client, s: &Server, path: &str) -> serde_json::Value {
    json_of(c.get(s.url(path)).send().await.unwrap(), 200).await
}

/// Posts a page form with the session's CSRF token added.
pub async fn post_form(
    c: &reqwest::Client,
    s: &Server,
    csrf: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    c.post(s.url(path)).form(&all).send().await.unwrap()
}

/// The text of the element with `id="secret"` (a password or token shown once).
pub fn secret_of(html: &str) -> String {
    let marker = "id=\"secret\">";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page shows no secret");
    html[start..].split('<').next().unwrap().trim().to_owned()
}

/// Runs a query returning one integer against any database URL.
pub async fn query_i64(url: &str, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
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

/// Chromedriver, headless Chromium sessions and page gestures for the
/// browser tests.
pub mod browser;

/// Percent-encodes a query-string value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
