//! Browser test: the real binary on SQLite, driven by headless Chromium
//! through chromedriver. Logs in through the form, switches to Lao, and
//! checks that the Lao text is drawn with the font the binary serves (not a
//! system fallback). Screenshots go to `<repo>/target/screenshots/`. The
//! chromedriver kit is `common/browser.rs`.
//!
//! PostgreSQL is covered by the HTTP tests; the browser only sees pages, so
//! one backend is enough here. Needs chromedriver and Chromium:
//! `scripts/test` provides them (`DCIS_TEST_CHROMEDRIVER`,
//! `DCIS_TEST_CHROMIUM`). A missing browser is a failure, not a skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::browser::{body_text, is_lao, screenshot, Driver, WAIT};
use common::{Database, Db, Server, DEMO_PASSWORD};
use fantoccini::Locator;
use serde_json::json;

const FONT_FAMILY: &str = "DCIS Noto Sans Lao";
const FONT_PATH: &str = "/assets/NotoSansLao-Regular.woff2";

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
