//! Browser kit shared by the browser tests: a chromedriver process with
//! headless Chromium sessions, screenshots, and the few page gestures the
//! tests repeat (log in and out through the forms, wait for an element).
//!
//! Needs chromedriver and Chromium: `scripts/test` provides them
//! (`DCIS_TEST_CHROMEDRIVER`, `DCIS_TEST_CHROMIUM`). A missing browser is a
//! failure, not a skip. Screenshots go to `<repo>/target/screenshots/`.

use super::{repo_root, Server};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for chromedriver, a page or an element.
pub const WAIT: Duration = Duration::from_secs(30);

/// The path of a tool from the environment `scripts/test` sets, else the
/// Debian location; panics with the way out if neither exists.
pub fn tool(var: &str, default: &str) -> PathBuf {
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
pub struct Driver {
    child: Child,
    url: String,
    profile: PathBuf,
}

impl Driver {
    pub async fn start() -> Self {
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
    pub async fn session(&self) -> Client {
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
pub async fn fonts_ready(c: &Client) {
    c.execute_async("const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done(true));", vec![])
        .await
        .unwrap();
}

/// Saves a PNG of the window as `<repo>/target/screenshots/NAME`, once the
/// page's fonts are loaded; returns its path.
pub async fn screenshot(c: &Client, name: &str) -> PathBuf {
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

/// The rendered text of the whole page. A page still loading can replace
/// its body between finding it and reading it (a stale element): read the
/// new one then.
pub async fn body_text(c: &Client) -> String {
    let mut tries = 0;
    loop {
        let text = match c.find(Locator::Css("body")).await {
            Ok(body) => body.text().await,
            Err(e) => Err(e),
        };
        match text {
            Ok(t) => return t,
            Err(e) if tries < 10 => {
                tries += 1;
                eprintln!("reading the page again: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("the page's text: {e}"),
        }
    }
}

/// Is `ch` in the Lao block of Unicode?
pub fn is_lao(ch: char) -> bool {
    ('\u{0E80}'..='\u{0EFF}').contains(&ch)
}

// ---------------------------------------------------------------- additions

/// Waits for the element `css` on the current page; panics naming `what`,
/// the page's address and text, and the server's log when it never comes.
pub async fn wait_for(c: &Client, s: &Server, css: &str, what: &str) -> Element {
    match c.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => {
            let url = c
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let text = match c.find(Locator::Css("body")).await {
                Ok(b) => b.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!(
                "{what}: no {css:?} ({e}) at {url}\npage text:\n{text}\nserver log:\n{}",
                s.log()
            );
        }
    }
}

/// The text of the first element `css` of the current page.
/// Like [`body_text`], it reads the element again when the page replaced it
/// between finding and reading.
pub async fn text_of(c: &Client, css: &str) -> String {
    let mut tries = 0;
    loop {
        let el = c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css:?} on the page: {e}"));
        match el.text().await {
            Ok(t) => return t,
            Err(e) if tries < 10 => {
                tries += 1;
                eprintln!("reading {css:?} again: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("the text of {css:?}: {e}"),
        }
    }
}

/// Replaces the value of the form field `css` with `value`, typed as a
/// person would.
pub async fn fill(c: &Client, css: &str, value: &str) {
    let field = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no field {css:?} on the page: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Logs in through the form, as a person would, and waits for the signed-in
/// header (the log-out button).
pub async fn log_in(c: &Client, s: &Server, username: &str, password: &str) {
    c.goto(&s.url("/login")).await.unwrap();
    wait_for(
        c,
        s,
        "form[action='/login'] input[name=username]",
        "log-in form",
    )
    .await;
    fill(c, "form[action='/login'] input[name=username]", username).await;
    fill(c, "form[action='/login'] input[name=password]", password).await;
    c.find(Locator::Css("form[action='/login'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        c,
        s,
        "header.top form[action='/logout'] button",
        &format!("signed-in page after the log-in of {username}"),
    )
    .await;
}

/// Logs out with the header's button and waits for the log-in form.
pub async fn log_out(c: &Client, s: &Server) {
    c.find(Locator::Css("header.top form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        c,
        s,
        "form[action='/login'] input[name=username]",
        "log-in page after log-out",
    )
    .await;
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
}
