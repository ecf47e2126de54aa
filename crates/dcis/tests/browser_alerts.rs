//! Browser test of an early warning: an import of 1.5 million yaba tablets
//! in one seizure raises an alert; the agency's supervisor follows the
//! navigation's badge to the alert, reads why it fired, opens the case
//! behind it and acknowledges it; the badge goes. Real binary on SQLite,
//! headless Chromium; screenshots in `<repo>/target/screenshots/alert-*.png`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::browser::{body_text, log_in, screenshot, text_of, wait_for, Driver};
use common::{Database, Db, Server, DEMO_PASSWORD};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_an_alert_and_acknowledge_it() {
    let d = Database::demo(Db::Sqlite).await;
    let s = Server::start_with(&d, &["serve", "--alerts-interval-minutes", "0"]);
    let file = d.dir.join("large.csv");
    std::fs::write(
        &file,
        "reference,occurred_on,province,district,substance,quantity,unit,tablet_logo\n\
         BK-BROWSER-ALERT,2026-04-02,05,0501,METH_TABLET,1500000,tablets,WY\n",
    )
    .unwrap();
    let (code, out, err) = d.cli(
        &["import", file.to_str().unwrap(), "--user", "clerk.bokeo"],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");

    let driver = Driver::start().await;
    let c = driver.session().await;
    log_in(&c, &s, "supervisor", DEMO_PASSWORD).await;
    let badge = wait_for(&c, &s, "#nav-alerts .alert-count", "the alerts badge").await;
    assert_eq!(badge.text().await.unwrap(), "1");
    c.find(Locator::Css("#nav-alerts"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, &s, "table#alerts", "the list of alerts").await;
    let list = text_of(&c, "table#alerts").await;
    assert!(list.contains("Large seizure"), "{list}");
    assert!(list.contains("2026-04"), "{list}");
    screenshot(&c, "alert-list.png").await;
    c.find(Locator::Css("table#alerts a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let why = wait_for(&c, &s, "#alert-why", "the alert's explanation").await;
    let why = why.text().await.unwrap();
    assert!(
        why.contains("1,500,000 tablets") && why.contains("1,000,000"),
        "{why}"
    );
    let figures = text_of(&c, "#alert-figures").await;
    assert!(figures.contains("1,500,000"), "{figures}");
    screenshot(&c, "alert-detail.png").await;

    // The case behind it, by its reference, opens through the case page.
    assert_eq!(text_of(&c, "#alert-cases a").await, "BK-BROWSER-ALERT");
    let case_link = c
        .find(Locator::Css("#alert-cases a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let alert_url = c.current_url().await.unwrap();
    c.goto(&s.url(&case_link)).await.unwrap();
    assert!(
        body_text(&c).await.contains("BK-BROWSER-ALERT"),
        "the case page"
    );
    c.goto(alert_url.as_str()).await.unwrap();

    wait_for(&c, &s, "#acknowledge", "the Acknowledge button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(&c, &s, "p.flash", "the confirmation").await;
    let state = text_of(&c, "#alert-state").await;
    assert!(state.contains("Supervisor Demo"), "{state}");
    assert!(c.find(Locator::Css("#acknowledge")).await.is_err());
    assert!(c
        .find(Locator::Css("#nav-alerts .alert-count"))
        .await
        .is_err());
    screenshot(&c, "alert-acknowledged.png").await;
    c.close().await.unwrap();
}
