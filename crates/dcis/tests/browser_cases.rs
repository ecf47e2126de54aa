//! Browser test of recording a case: a Bokeo data clerk records a case with
//! two seized items and a person through the forms, then finds it with the
//! header's search box by the person's Latin name and by a word of their
//! Lao name. Real binary on SQLite, headless Chromium; screenshots in
//! `<repo>/target/screenshots/case-*.png`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::browser::{body_text, fill, log_in, screenshot, wait_for, Driver};
use common::{Database, Db, Server, DEMO_PASSWORD};
use fantoccini::{Client, Locator};

async fn select(c: &Client, css: &str, value: &str) {
    let sel = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no select {css}: {e}"));
    sel.select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{css} has no option {value}: {e}"));
}

/// Clicks a submit button, first marking the page it leaves, so that
/// [`wait_new`] cannot find what it waits for on that old page while the
/// next one loads (a race seen under load).
async fn click(c: &Client, css: &str) {
    c.execute(
        "document.documentElement.setAttribute('data-left', '1');",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits for `css` on a page loaded after the last [`click`].
async fn wait_new(c: &Client, s: &Server, css: &str, what: &str) {
    wait_for(c, s, &format!("html:not([data-left]) {css}"), what).await;
}

async fn search(c: &Client, s: &Server, q: &str) -> String {
    c.goto(&s.url("/")).await.unwrap();
    let input = wait_for(
        c,
        s,
        "header.top form.search input[name=q]",
        "the search box",
    )
    .await;
    input.send_keys(q).await.unwrap();
    input.send_keys("\u{E007}").await.unwrap(); // Enter
                                                // The filter form exists only on the case list: its presence means the
                                                // results page has replaced the home page.
    wait_for(
        c,
        s,
        "main form.filters[action='/cases']",
        "the search results",
    )
    .await;
    body_text(c).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_a_case_and_find_it() {
    let d = Database::demo(Db::Sqlite).await;
    let s = Server::start(&d);
    let driver = Driver::start().await;
    let c = driver.session().await;
    log_in(&c, &s, "clerk.bokeo", DEMO_PASSWORD).await;
    // The clerk's language is Lao; the forms work in either.
    c.goto(&s.url("/cases/new")).await.unwrap();
    wait_for(
        &c,
        &s,
        "form[action='/cases'] input[name=occurred_on]",
        "the new case form",
    )
    .await;
    fill(&c, "input[name=reference]", "BK-BROWSER-7").await;
    select(&c, "select[name=province]", "05").await;
    fill(&c, "input[name=district]", "0501").await;
    select(&c, "select[name=detection_method]", "checkpoint_search").await;
    select(&c, "select[name=transport_mode]", "truck").await;
    select(&c, "select[name=concealment_method]", "tea_packaging").await;
    fill(&c, "input[name=origin_country]", "MM").await;
    fill(&c, "input[name=destination_country]", "TH").await;
    fill(
        &c,
        "textarea[name=narrative]",
        "ຍຶດຢາບ້າຢູ່ດ່ານກວດ. Synthetic browser test.",
    )
    .await;
    click(&c, "form[action='/cases'] button").await;
    wait_new(
        &c,
        &s,
        "form[action$='/items'] select[name=substance]",
        "the case page with its item form",
    )
    .await;
    let case_url = c.current_url().await.unwrap().to_string();
    let case_path = case_url
        .split("/cases/")
        .nth(1)
        .unwrap()
        .split(['?', '#'])
        .next()
        .unwrap()
        .to_owned();

    // Two seized items.
    for (sub, qty, unit, logo) in [
        ("METH_TABLET", "24000", "tablets", "WY"),
        ("METH_CRYSTAL", "1.5", "kg", ""),
    ] {
        select(&c, "form[action$='/items'] select[name=substance]", sub).await;
        fill(&c, "form[action$='/items'] input[name=quantity]", qty).await;
        select(&c, "form[action$='/items'] select[name=unit]", unit).await;
        if !logo.is_empty() {
            fill(&c, "form[action$='/items'] input[name=tablet_logo]", logo).await;
        }
        click(&c, "form[action$='/items'] button").await;
        wait_new(&c, &s, "main p.flash", "the confirmation of the item").await;
    }
    // A person, in Lao script with a Latin transliteration.
    fill(
        &c,
        "form[action$='/persons'] input[name=name]",
        "ບຸນມີ ພົມມະວົງ",
    )
    .await;
    fill(
        &c,
        "form[action$='/persons'] input[name=latin_name]",
        "Bounmy Phommavong",
    )
    .await;
    fill(&c, "form[action$='/persons'] input[name=age]", "29").await;
    fill(&c, "form[action$='/persons'] input[name=nationality]", "LA").await;
    select(&c, "form[action$='/persons'] select[name=role]", "courier").await;
    select(
        &c,
        "form[action$='/persons'] select[name=outcome]",
        "arrested",
    )
    .await;
    click(&c, "form[action$='/persons'] button").await;
    wait_new(&c, &s, "main p.flash", "the confirmation of the person").await;
    let page = body_text(&c).await;
    assert!(
        page.contains("24000") && page.contains("1500 g"),
        "items on the case page: {page}"
    );
    assert!(page.contains("ບຸນມີ ພົມມະວົງ"), "the person on the case page");
    screenshot(&c, "case-1-recorded.png").await;
    // Checked in the database itself.
    assert_eq!(
        d.count("seizure_item", &format!("case_id = '{case_path}'"))
            .await,
        2
    );
    assert_eq!(
        d.count("case_person", &format!("case_id = '{case_path}'"))
            .await,
        1
    );

    // Found with the search box by the Latin name (any case, no diacritics)
    // and by a word inside the Lao name.
    for q in ["bounmy", "ພົມມະວົງ", "wy"] {
        let results = search(&c, &s, q).await;
        assert!(results.contains("BK-BROWSER-7"), "search {q:?}: {results}");
    }
    screenshot(&c, "case-2-found-lao.png").await;
    c.close().await.unwrap();
    drop(driver);
}
