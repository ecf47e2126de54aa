//! Browser test: the real binary on SQLite, driven by headless Chromium
//! through chromedriver. Logs in through the form, switches to Lao, and
//! checks that the Lao text is drawn with the font the binary serves (not a
//! system fallback). Screenshots go to `<repo>/target/screenshots/`.
//!
//! PostgreSQL is covered by the HTTP tests; the browser only sees pages, so
//! one backend is enough here. Needs chromedriver and Chromium:
//! `scripts/test` provides them (`DCIS_TEST_CHROMEDRIVER`,
//! `DCIS_TEST_CHROMIUM`). A missing browser is a failure, not a skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{repo_root, Database, Db, Server, DEMO_PASSWORD};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FONT_FAMILY: &str = "DCIS Noto Sans Lao";
const FONT_PATH: &str = "/assets/NotoSansLao-Regular.woff2";
const WAIT: Duration = Duration::from_secs(30);

/// The path of a tool from the environment `scripts/test` sets, else the
/// Debian location; panics with the way out if neither exists.
fn tool(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    if !path.is_file() {
        panic!(
            "{} not found ({var} is {}): run the tests with scripts/test, which installs \
             Chromium and chromedriver and sets DCIS_TEST_CHROMEDRIVER and DCIS_TEST_CHROMIUM",
            path.display(),
            std::env::var(var)
                .map(|v| format!("{v:?}"))
                .unwrap_or_else(|_| "not set".into()),
        );
    }
    path
}

/// A chromedriver process on a free loopback port, in its own process group;
/// the group (chromedriver and the Chromium it started) is killed on drop,
/// also when the test panics.
struct Driver {
    child: Child,
    url: String,
    profile: PathBuf,
}

impl Driver {
    async fn start() -> Self {
        use std::os::unix::process::CommandExt;
        let exe = tool("DCIS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let profile =
            std::env::temp_dir().join(format!("dcis-chromium-{}-{port}", std::process::id()));
        let log = std::env::temp_dir().join(format!(
            "dcis-chromedriver-{}-{port}.log",
            std::process::id()
        ));
        let child = Command::new(&exe)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
        let mut driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
        };
        driver.wait_ready(&log).await;
        let _ = std::fs::remove_file(&log);
        driver
    }

    /// Polls `/status` until chromedriver says it is ready.
    async fn wait_ready(&mut self, log: &Path) {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "chromedriver exited ({status}) before it was ready:\n{}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            if let Ok(r) = http.get(format!("{}/status", self.url)).send().await {
                if let Ok(v) = r.json::<Value>().await {
                    if v["value"]["ready"] == json!(true) {
                        return;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready at {}",
                self.url
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// A new headless Chromium session with a fresh profile.
    async fn session(&self) -> Client {
        let chromium = tool("DCIS_TEST_CHROMIUM", "/usr/bin/chromium");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", self.profile.display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session through {}: {e}", self.url))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium processes it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Waits until the web fonts the page needs are loaded (`document.fonts.ready`).
async fn fonts_ready(c: &Client) {
    c.execute_async("const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done(true));", vec![])
        .await
        .unwrap();
}

async fn screenshot(c: &Client, name: &str) -> PathBuf {
    fonts_ready(c).await;
    let dir = repo_root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let png = c.screenshot().await.unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "screenshot {name} is not a PNG"
    );
    std::fs::write(&path, png).unwrap();
    path
}

async fn body_text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn is_lao(ch: char) -> bool {
    ('\u{0E80}'..='\u{0EFF}').contains(&ch)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_in_switch_to_lao_with_the_served_font() {
    let d = Database::demo(Db::Sqlite).await;
    let s = Server::start(&d);
    let driver = Driver::start().await;
    let c = driver.session().await;
    c.set_window_size(1280, 900).await.unwrap();

    // Log in through the form, as a person would.
    c.goto(&s.url("/login")).await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys("admin")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(DEMO_PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("form[action='/login'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("header.top nav a[href='/admin/users']"))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "no signed-in page after log-in ({e}); server log:\n{}",
                s.log()
            );
        });
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/", "log-in should land on the home page");
    let h1 = c
        .find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1.contains("Welcome"), "English home page heading: {h1:?}");
    assert_eq!(
        c.find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("en")
    );
    let en = screenshot(&c, "home-en.png").await;

    // Switch to Lao with the header's language button.
    c.find(Locator::Css("header form.lang button[name=lang][value=lo]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("html[lang=lo]"))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "the page did not switch to Lao ({e}); server log:\n{}",
                s.log()
            );
        });
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/",
        "the language switch should return to the same page"
    );
    let nav = c
        .find(Locator::Css("header.top nav"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        nav.chars().any(is_lao),
        "the navigation has no Lao script: {nav:?}"
    );
    let h1 = c
        .find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        h1.chars().any(is_lao) && !h1.contains("Welcome"),
        "Lao home page heading: {h1:?}"
    );

    // The served font, not a system one, drew the Lao text: the FontFace is
    // loaded and its file was fetched from dcis.
    let fonts = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            document.fonts.ready.then(() => {
              const faces = [];
              document.fonts.forEach(f => faces.push({ family: f.family.replace(/^["']|["']$/g, ""), weight: String(f.weight), status: f.status }));
              const resources = performance.getEntriesByType("resource").map(e => new URL(e.name).pathname);
              done({ faces, resources, check: document.fonts.check('16px "DCIS Noto Sans Lao"', "ລາວ") });
            });"#,
            vec![],
        )
        .await
        .unwrap();
    let faces = fonts["faces"].as_array().unwrap();
    assert!(
        faces
            .iter()
            .any(|f| f["family"] == FONT_FAMILY && f["status"] == "loaded"),
        "no loaded FontFace {FONT_FAMILY:?} on the Lao page: {faces:?}"
    );
    assert_eq!(
        fonts["check"],
        json!(true),
        "document.fonts.check says the Lao font is not ready: {fonts}"
    );
    let resources = fonts["resources"].as_array().unwrap();
    assert!(
        resources.iter().any(|r| r == FONT_PATH),
        "{FONT_PATH} was not fetched by the Lao page; resources: {resources:?}"
    );
    let lo = screenshot(&c, "home-lo.png").await;

    // An administration page in Lao.
    c.goto(&s.url("/admin/users")).await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("html[lang=lo] main table tbody tr"))
        .await
        .unwrap_or_else(|e| {
            panic!("no Lao user list ({e}); server log:\n{}", s.log());
        });
    let text = body_text(&c).await;
    assert!(
        text.contains("clerk.bokeo"),
        "the user list should show the demo users: {text}"
    );
    let h1 = c
        .find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1.chars().any(is_lao), "Lao user list heading: {h1:?}");
    let users = screenshot(&c, "users-lo.png").await;

    c.close().await.unwrap();
    drop(driver);
    eprintln!(
        "screenshots: {}, {}, {}",
        en.display(),
        lo.display(),
        users.display()
    );
}
