//! Browser test of need-to-know access: an analyst of another agency finds
//! a restricted report listed without its title, asks its owner for access,
//! the owner's supervisor grants it for a week, and the analyst then reads
//! it, the read showing in the report's history; last, the same page in
//! Lao. The real binary on SQLite, driven by headless Chromium through
//! chromedriver (kit in `common/browser.rs`). Screenshots go to
//! `<repo>/target/screenshots/access-*.png`.
//!
//! Needs chromedriver and Chromium (`scripts/test` provides them); a missing
//! browser is a failure, not a skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::browser::{
    body_text, fill, is_lao, log_in, log_out, screenshot, text_of, wait_for, Driver,
};
use common::{Database, Db, Server, DEMO_PASSWORD};
use fantoccini::{Client, Locator};

/// The demo's restricted TLP:AMBER report of the CNP Intelligence Division.
const TITLE: &str = "Courier network using tea-bag packaging via Houayxay";
/// Words of its body, which must not show before access is granted.
const BODY_WORDS: &str = "green tea-bag packaging";
const REASON: &str = "Joint analysis of Mekong courier routes for the LCDC quarterly assessment";
const NOTE: &str = "For the joint analysis only; consult the originator before any action";
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The texts of the cells of each row of the rows matched by `xpath`.
async fn rows(c: &Client, xpath: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for row in c.find_all(Locator::XPath(xpath)).await.unwrap() {
        let mut cells = Vec::new();
        for cell in row.find_all(Locator::Css("td")).await.unwrap() {
            cells.push(cell.text().await.unwrap().trim().to_owned());
        }
        out.push(cells);
    }
    out
}

/// The rows of the history table of a record page (the table after the
/// heading `heading`).
async fn history(c: &Client, heading: &str) -> Vec<Vec<String>> {
    rows(
        c,
        &format!("//main/h2[normalize-space()='{heading}']/following-sibling::table[1]/tbody/tr"),
    )
    .await
}

/// Scrolls the page so that the section headed `heading` is at the top.
async fn scroll_to_section(c: &Client, heading: &str) {
    let found = c
        .execute(
            "const h = [...document.querySelectorAll('main h2')]\
               .find(e => e.textContent.trim() === arguments[0]);\
             if (h) { h.scrollIntoView(); } return !!h;",
            vec![serde_json::json!(heading)],
        )
        .await
        .unwrap();
    assert_eq!(found, serde_json::json!(true), "no section {heading:?}");
}

async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restricted_report_request_grant_and_read() {
    let d = Database::demo(Db::Sqlite).await;
    // The report's facts, from the database: not hard-coded, since its
    // reference carries the year the demo was created in.
    let id = d
        .scalar_text(&format!(
            "SELECT id FROM intelligence_report WHERE title = '{TITLE}'"
        ))
        .await;
    let reference = d
        .scalar_text(&format!(
            "SELECT reference FROM intelligence_report WHERE id = '{id}'"
        ))
        .await;
    assert!(reference.starts_with("IR-CNP-"), "{reference}");
    assert_eq!(
        d.count(
            "record_access a JOIN organisation o ON o.id = a.owner_organisation_id \
             JOIN unit u ON u.id = a.owner_unit_id",
            &format!(
                "a.record_id = '{id}' AND a.classification_rank = 1 AND a.tlp = 'TLP:AMBER' \
                 AND o.code = 'CNP' AND u.name_en = 'Intelligence Division'"
            ),
        )
        .await,
        1,
        "the demo report is restricted, TLP:AMBER, owned by the CNP Intelligence Division"
    );
    // One confidential and one secret report, neither shared with LCDC.
    let mut hidden = Vec::new();
    for rank in [2, 3] {
        hidden.push(
            d.scalar_text(&format!(
                "SELECT r.reference FROM intelligence_report r \
                 JOIN record_access a ON a.record_id = r.id WHERE a.classification_rank = {rank}"
            ))
            .await,
        );
    }
    let analyst = d.user_id("analyst").await;

    let s = Server::start(&d);
    let driver = Driver::start().await;
    let c = driver.session().await;
    c.set_window_size(1280, 900).await.unwrap();

    // ---- The analyst (LCDC) sees the report listed, restricted, untitled.
    log_in(&c, &s, "analyst", DEMO_PASSWORD).await;
    c.goto(&s.url("/intelligence")).await.unwrap();
    wait_for(&c, &s, "main table tbody tr", "the intelligence list").await;
    let listed = rows(&c, "//main//table/tbody/tr").await;
    let line = listed
        .iter()
        .find(|r| r.first() == Some(&reference))
        .unwrap_or_else(|| panic!("{reference} is not listed for the analyst: {listed:?}"));
    assert!(
        line[2].contains("restricted") && line[2].contains("Request access"),
        "a restricted line offering a request, without a title: {line:?}"
    );
    assert_eq!(line[4], "TLP:AMBER", "{line:?}");
    assert_eq!(line[5], "Restricted", "{line:?}");
    assert_eq!(line[6], "05", "{line:?}");
    assert!(
        line[3].is_empty(),
        "no grade for an unreadable report: {line:?}"
    );
    let page = body_text(&c).await;
    assert!(
        !page.contains(TITLE) && !page.contains("tea-bag"),
        "the title must not leak into the list:\n{page}"
    );
    // Confidential and secret reports the analyst may not read are not
    // even listed.
    for r in &hidden {
        assert!(!page.contains(r.as_str()), "{r} is listed for the analyst");
    }
    assert!(
        listed
            .iter()
            .all(|r| r.len() > 5 && (r[5] == "Restricted" || r[5] == "Unclassified")),
        "only restricted or unclassified lines: {listed:?}"
    );

    // ---- Opening it: restricted, with a request form.
    c.find(Locator::Css(&format!(
        "main table tbody td a[href='/intelligence/{id}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(
        &c,
        &s,
        &format!("form[action='/records/{id}/request-access'] textarea[name=reason]"),
        "the request-access page",
    )
    .await;
    assert_eq!(path(&c).await, format!("/intelligence/{id}"));
    assert_eq!(text_of(&c, "main h1").await, reference);
    let page = body_text(&c).await;
    assert!(
        page.contains("This record is restricted. You may ask its owner for access."),
        "{page}"
    );
    assert!(
        page.contains("CNP · Intelligence Division"),
        "owner: {page}"
    );
    assert!(
        !page.contains(TITLE) && !page.contains(BODY_WORDS),
        "neither title nor text before access:\n{page}"
    );
    let restricted = screenshot(&c, "access-1-restricted.png").await;

    // ---- Ask, with a reason.
    fill(
        &c,
        &format!("form[action='/records/{id}/request-access'] textarea[name=reason]"),
        REASON,
    )
    .await;
    c.find(Locator::Css(&format!(
        "form[action='/records/{id}/request-access'] button"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(&c, &s, "main p.flash", "the flash after the request").await;
    assert_eq!(path(&c).await, "/access-requests");
    assert_eq!(
        text_of(&c, "main p.flash").await,
        "Your request has been sent to the record's owner."
    );
    let mine = rows(
        &c,
        "//main/h2[normalize-space()='My requests']/following-sibling::table[1]//tr[td]",
    )
    .await;
    assert_eq!(mine.len(), 1, "one request of the analyst: {mine:?}");
    assert_eq!(mine[0][2], REASON, "{mine:?}");
    assert_eq!(mine[0][3], "pending", "{mine:?}");
    c.find(Locator::Css(&format!("main table a[href='/records/{id}']")))
        .await
        .unwrap_or_else(|e| panic!("the request links to the report: {e}"));
    let request = d
        .scalar_text(&format!(
            "SELECT id FROM access_request WHERE record_id = '{id}' \
             AND requester_id = '{analyst}' AND status = 'pending'"
        ))
        .await;
    let pending = screenshot(&c, "access-2-pending.png").await;
    log_out(&c, &s).await;

    // ---- The owner's supervisor (CNP) decides: grant, with a note, 7 days.
    log_in(&c, &s, "supervisor", DEMO_PASSWORD).await;
    c.goto(&s.url("/access-requests")).await.unwrap();
    let form = format!("form[action='/access-requests/{request}/decide']");
    wait_for(&c, &s, &form, "the request to decide").await;
    let card = c
        .find(Locator::XPath(&format!(
            "//main/h2[normalize-space()='Requests for records you own']\
             /following-sibling::div[contains(@class,'card')][.//form[@action='/access-requests/{request}/decide']]"
        )))
        .await
        .unwrap_or_else(|e| {
            panic!("the request is not under \"Requests for records you own\": {e}")
        })
        .text()
        .await
        .unwrap();
    assert!(
        card.contains("Analyst Demo (analyst)") && card.contains(REASON),
        "the card names the requester and the reason: {card}"
    );
    c.find(Locator::Css(&format!("main .card a[href='/records/{id}']")))
        .await
        .unwrap_or_else(|e| panic!("the card links to the report: {e}"));
    fill(&c, &format!("{form} input[name=note]"), NOTE).await;
    fill(&c, &format!("{form} input[name=expires_in_days]"), "7").await;
    let deciding = screenshot(&c, "access-3-decide.png").await;
    c.find(Locator::Css(&format!(
        "{form} button[name=decision][value=grant]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(&c, &s, "main p.flash", "the flash after the grant").await;
    assert_eq!(path(&c).await, "/access-requests");
    assert_eq!(text_of(&c, "main p.flash").await, "Access granted.");
    assert!(
        c.find(Locator::Css(&form)).await.is_err(),
        "a decided request is no longer to decide"
    );
    let granted = screenshot(&c, "access-3-granted.png").await;
    // The grant: a share to the analyst that ends 7 days after the decision.
    assert_eq!(
        d.count(
            "access_request",
            &format!(
                "id = '{request}' AND status = 'granted' AND decision_note = '{NOTE}' \
                 AND grant_expires_at - decided_at = {}",
                7 * DAY_MS
            )
        )
        .await,
        1,
        "granted with the note, for 7 days"
    );
    assert_eq!(
        d.count(
            "record_share",
            &format!(
                "record_id = '{id}' AND basis = 'access_grant' AND target_kind = 'user' \
                 AND target_id = '{analyst}' AND revoked_at IS NULL \
                 AND expires_at - shared_at = {}",
                7 * DAY_MS
            )
        )
        .await,
        1,
        "a 7-day share to the analyst"
    );
    log_out(&c, &s).await;

    // ---- The analyst again: the list shows the title, the report opens.
    log_in(&c, &s, "analyst", DEMO_PASSWORD).await;
    c.goto(&s.url("/intelligence")).await.unwrap();
    wait_for(&c, &s, "main table tbody tr", "the intelligence list").await;
    let listed = rows(&c, "//main//table/tbody/tr").await;
    let line = listed
        .iter()
        .find(|r| r.first() == Some(&reference))
        .unwrap_or_else(|| panic!("{reference} is not listed: {listed:?}"));
    assert_eq!(line[2], TITLE, "the title shows once granted: {line:?}");
    c.goto(&s.url(&format!("/intelligence/{id}")))
        .await
        .unwrap();
    wait_for(&c, &s, "main .report-body", "the report itself").await;
    assert_eq!(
        text_of(&c, "main h1").await,
        format!("{reference} · {TITLE}")
    );
    assert!(
        text_of(&c, "main .report-body").await.contains(BODY_WORDS),
        "the body shows"
    );
    let page = body_text(&c).await;
    assert!(
        page.contains("CNP · Intelligence Division") && page.contains("TLP:AMBER"),
        "{page}"
    );
    // The history holds the analyst's read, and the request and the grant.
    let hist = history(&c, "History").await;
    assert!(
        hist.iter()
            .any(|r| r.len() >= 3 && r[1] == "analyst" && r[2] == "read"),
        "the analyst's read is in the history: {hist:?}"
    );
    assert!(
        hist.iter().any(|r| r.len() >= 3 && r[1] == "supervisor"),
        "the supervisor's decision is in the history: {hist:?}"
    );
    let reads = d
        .count(
            "audit_entry",
            &format!("entity_id = '{id}' AND action = 'read' AND actor_id = '{analyst}'"),
        )
        .await;
    assert!(reads >= 1, "the read is on the audit chain");
    let read = screenshot(&c, "access-4-granted.png").await;
    scroll_to_section(&c, "History").await;
    let read_history = screenshot(&c, "access-4-history.png").await;

    // ---- The same report in Lao, with the header's language button.
    c.find(Locator::Css("header form.lang button[name=lang][value=lo]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &c,
        &s,
        "html[lang=lo] main .report-body",
        "the report in Lao",
    )
    .await;
    assert_eq!(
        path(&c).await,
        format!("/intelligence/{id}"),
        "the language switch returns to the report"
    );
    assert_eq!(
        text_of(&c, "main h1").await,
        format!("{reference} · {TITLE}"),
        "the report's own words are not translated"
    );
    let nav = text_of(&c, "header.top nav").await;
    assert!(nav.chars().any(is_lao), "Lao navigation: {nav:?}");
    let hist = history(&c, "ປະຫວັດ").await;
    assert!(
        hist.iter()
            .any(|r| r.len() >= 3 && r[1] == "analyst" && r[2] == "ອ່ານ"),
        "the read, in Lao, in the history: {hist:?}"
    );
    let lao = screenshot(&c, "access-5-granted-lo.png").await;
    scroll_to_section(&c, "ປະຫວັດ").await;
    let lao_history = screenshot(&c, "access-5-history-lo.png").await;
    // Every read of the page was audited: at least the English and the Lao one.
    assert!(
        d.count(
            "audit_entry",
            &format!("entity_id = '{id}' AND action = 'read' AND actor_id = '{analyst}'"),
        )
        .await
            > reads,
        "the Lao page's read is audited too"
    );
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");

    c.close().await.unwrap();
    drop(driver);
    eprintln!(
        "screenshots: {}",
        [
            restricted,
            pending,
            deciding,
            granted,
            read,
            read_history,
            lao,
            lao_history,
        ]
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
    );
}
