//! Browser test of need-to-know access to a **case**: an analyst of another
//! agency (LCDC) finds the demo's restricted case of the CNP Bokeo unit
//! listed without its contents, cannot find it by a word of its narrative,
//! cannot open it (403 with the offer to ask; a confidential case is 404),
//! asks its owner for access with a reason; the owning organisation's
//! supervisor grants it for 14 days; the analyst then reads the case, its
//! seized items and its history, and may export it. The real binary on
//! SQLite, headless Chromium through chromedriver (kit in
//! `common/browser.rs`); status codes and the export through an HTTP client
//! logged in as the same user. Screenshots go to
//! `<repo>/target/screenshots/case-access-*.png`.
//!
//! Needs chromedriver and Chromium (`scripts/test` provides them); a missing
//! browser is a failure, not a skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::browser::{body_text, fill, log_in, log_out, screenshot, text_of, wait_for, Driver};
use common::{login, problem, urlencode, Database, Db, Server, DEMO_PASSWORD};
use fantoccini::{Client, Locator};

/// Words of the case's narrative, which must not show before access is
/// granted, and a word of it to search for.
const NARRATIVE_WORDS: &str = "green tea packets";
const REASON: &str = "Cross-border tea-packet concealment pattern for the LCDC route assessment";
const NOTE: &str = "Analysis only; no operational use without the CNP Bokeo unit";
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The texts of the cells of each row matched by `xpath`.
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

async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

/// The line of the case list whose reference is `reference`, if listed.
async fn case_line(c: &Client, s: &Server, reference: &str) -> Option<Vec<String>> {
    c.goto(&s.url("/cases")).await.unwrap();
    wait_for(c, s, "main form.filters[action='/cases']", "the case list").await;
    rows(c, "//main//table/tbody/tr")
        .await
        .into_iter()
        .find(|r| r.first().map(String::as_str) == Some(reference))
}

/// Searches with the header's search box; returns the results page's text.
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
async fn restricted_case_request_grant_and_read() {
    let d = Database::demo(Db::Sqlite).await;
    // The demo's restricted TLP:AMBER case of the CNP Bokeo unit, and its
    // confidential one: facts from the database (references carry the year).
    let owner = "a.classification_rank = 1 AND a.tlp = 'TLP:AMBER' AND o.code = 'CNP' \
                 AND u.name_en = 'Bokeo Counter-Narcotics Unit'";
    let from = "law_case lc JOIN record_access a ON a.record_id = lc.id \
                JOIN organisation o ON o.id = a.owner_organisation_id \
                JOIN unit u ON u.id = a.owner_unit_id";
    assert_eq!(d.count(from, owner).await, 1, "one such demo case");
    let id = d
        .scalar_text(&format!("SELECT lc.id FROM {from} WHERE {owner}"))
        .await;
    let reference = d
        .scalar_text(&format!("SELECT reference FROM law_case WHERE id = '{id}'"))
        .await;
    assert!(reference.starts_with("CNP-"), "{reference}");
    let narrative = d
        .scalar_text(&format!("SELECT narrative FROM law_case WHERE id = '{id}'"))
        .await;
    assert!(narrative.contains(NARRATIVE_WORDS), "{narrative}");
    let hidden = d
        .scalar_text(
            "SELECT lc.id FROM law_case lc JOIN record_access a ON a.record_id = lc.id \
             WHERE a.classification_rank = 2",
        )
        .await;
    let hidden_ref = d
        .scalar_text(&format!(
            "SELECT reference FROM law_case WHERE id = '{hidden}'"
        ))
        .await;
    let analyst = d.user_id("analyst").await;

    let s = Server::start(&d);
    let driver = Driver::start().await;
    let c = driver.session().await;
    c.set_window_size(1280, 900).await.unwrap();

    // ---- The analyst (LCDC, national, confidential) sees the case listed,
    // restricted, without status or substance; the confidential case of
    // the same unit is not listed at all.
    log_in(&c, &s, "analyst", DEMO_PASSWORD).await;
    let line = case_line(&c, &s, &reference)
        .await
        .unwrap_or_else(|| panic!("{reference} is not listed for the analyst"));
    assert!(
        line[4].contains("restricted") && line[4].contains("Request access"),
        "a restricted line offering a request, without a status: {line:?}"
    );
    assert!(line[5].is_empty(), "no substance: {line:?}");
    assert_eq!(line[2], "05", "{line:?}");
    assert_eq!(line[3], "CNP", "{line:?}");
    assert_eq!(line[6], "TLP:AMBER", "{line:?}");
    let page = body_text(&c).await;
    assert!(
        !page.contains(&hidden_ref),
        "the confidential case {hidden_ref} is listed for the analyst:\n{page}"
    );
    let listed = screenshot(&c, "case-access-1-listed.png").await;

    // The search finds it by reference, never by its narrative.
    let found = search(&c, &s, NARRATIVE_WORDS).await;
    assert!(
        !found.contains(&reference),
        "a narrative search must not find an unreadable case:\n{found}"
    );
    let found = search(&c, &s, &reference).await;
    assert!(found.contains(&reference), "found by reference:\n{found}");
    assert!(!found.contains(NARRATIVE_WORDS), "{found}");

    // Opening it: the request page, nothing of the case's contents.
    c.find(Locator::Css(&format!(
        "main table tbody td a[href='/cases/{id}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let form = format!("form[action='/records/{id}/request-access']");
    wait_for(
        &c,
        &s,
        &format!("{form} textarea[name=reason]"),
        "the request-access page",
    )
    .await;
    assert_eq!(path(&c).await, format!("/cases/{id}"));
    assert_eq!(text_of(&c, "main h1").await, reference);
    let page = body_text(&c).await;
    assert!(
        page.contains("This record is restricted. You may ask its owner for access."),
        "{page}"
    );
    assert!(
        page.contains("CNP · Bokeo Counter-Narcotics Unit"),
        "owner: {page}"
    );
    assert!(
        !page.contains(NARRATIVE_WORDS) && !page.contains("Seized items"),
        "no contents before access:\n{page}"
    );
    let restricted = screenshot(&c, "case-access-2-restricted.png").await;

    // The same addresses as status codes, for a client logged in as the
    // analyst: 403 with the offer to ask, 404 for the confidential case, on
    // the pages and the API; the export leaves the case out.
    let (http, _) = login(&s, "analyst", DEMO_PASSWORD).await;
    let status = |p: &str| {
        let (http, url) = (http.clone(), s.url(p));
        async move { http.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(&format!("/cases/{id}")).await, 403);
    assert_eq!(status(&format!("/cases/{hidden}")).await, 404);
    assert_eq!(status(&format!("/records/{hidden}")).await, 404);
    let r = http
        .get(s.url(&format!("/api/v1/cases/{id}")))
        .send()
        .await
        .unwrap();
    let (code, p) = problem(r).await;
    assert_eq!(
        (code, p["code"].as_str()),
        (403, Some("denied-request-access"))
    );
    assert!(!p.to_string().contains(NARRATIVE_WORDS), "{p}");
    let r = http
        .get(s.url(&format!("/api/v1/cases/{hidden}")))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);
    let listed_api: serde_json::Value = http
        .get(s.url(&format!("/api/v1/cases?q={}", urlencode(&reference))))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed_api["total"], 1, "{listed_api}");
    assert_eq!(listed_api["items"][0]["readable"], false, "{listed_api}");
    assert!(listed_api["items"][0]["status"].is_null(), "{listed_api}");
    let export = |http: reqwest::Client| {
        let url = s.url("/cases/export.csv");
        async move {
            let r = http.get(url).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            r.text().await.unwrap()
        }
    };
    let csv = export(http.clone()).await;
    assert!(
        !csv.contains(&id) && !csv.contains(&reference),
        "a case only listed is never exported:\n{csv}"
    );

    // ---- Ask, with a reason.
    fill(&c, &format!("{form} textarea[name=reason]"), REASON).await;
    c.find(Locator::Css(&format!("{form} button")))
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
    assert_eq!(
        mine[0][0], reference,
        "the request names the case: {mine:?}"
    );
    assert_eq!(mine[0][2], REASON, "{mine:?}");
    assert_eq!(mine[0][3], "pending", "{mine:?}");
    let request = d
        .scalar_text(&format!(
            "SELECT id FROM access_request WHERE record_id = '{id}' \
             AND requester_id = '{analyst}' AND status = 'pending'"
        ))
        .await;
    // Asking again while the request is pending is not offered.
    c.goto(&s.url(&format!("/cases/{id}"))).await.unwrap();
    wait_for(&c, &s, "main p.flash", "the pending notice").await;
    assert!(
        c.find(Locator::Css(&form)).await.is_err(),
        "no second request"
    );
    let pending = screenshot(&c, "case-access-3-pending.png").await;
    log_out(&c, &s).await;

    // ---- The supervisor of the owning organisation (CNP) grants it, with
    // a note, for 14 days.
    log_in(&c, &s, "supervisor", DEMO_PASSWORD).await;
    c.goto(&s.url("/access-requests")).await.unwrap();
    let decide = format!("form[action='/access-requests/{request}/decide']");
    wait_for(&c, &s, &decide, "the request to decide").await;
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
        card.contains("Analyst Demo (analyst)")
            && card.contains(REASON)
            && card.contains(&reference),
        "the card names the requester, the reason and the case: {card}"
    );
    fill(&c, &format!("{decide} input[name=note]"), NOTE).await;
    fill(&c, &format!("{decide} input[name=expires_in_days]"), "14").await;
    let deciding = screenshot(&c, "case-access-4-decide.png").await;
    c.find(Locator::Css(&format!(
        "{decide} button[name=decision][value=grant]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(&c, &s, "main p.flash", "the flash after the grant").await;
    assert_eq!(text_of(&c, "main p.flash").await, "Access granted.");
    assert!(
        c.find(Locator::Css(&decide)).await.is_err(),
        "a decided request is no longer to decide"
    );
    assert_eq!(
        d.count(
            "record_share",
            &format!(
                "record_id = '{id}' AND basis = 'access_grant' AND target_kind = 'user' \
                 AND target_id = '{analyst}' AND revoked_at IS NULL \
                 AND expires_at - shared_at = {}",
                14 * DAY_MS
            )
        )
        .await,
        1,
        "a 14-day share of the case to the analyst"
    );
    assert_eq!(
        d.count(
            "access_request",
            &format!("id = '{request}' AND status = 'granted' AND decision_note = '{NOTE}'")
        )
        .await,
        1
    );
    log_out(&c, &s).await;

    // ---- The analyst again: the list shows the status and the substance,
    // the case opens with its narrative and items, the history holds the
    // grant and the analyst's read.
    log_in(&c, &s, "analyst", DEMO_PASSWORD).await;
    let line = case_line(&c, &s, &reference)
        .await
        .unwrap_or_else(|| panic!("{reference} is no longer listed"));
    assert!(
        !line[4].is_empty() && !line[4].contains("Request access"),
        "the status shows once granted: {line:?}"
    );
    assert!(!line[5].is_empty(), "the substance shows: {line:?}");
    let found = search(&c, &s, NARRATIVE_WORDS).await;
    assert!(
        found.contains(&reference),
        "now found by its narrative:\n{found}"
    );
    c.goto(&s.url(&format!("/cases/{id}"))).await.unwrap();
    wait_for(&c, &s, "main .report-body", "the case itself").await;
    assert_eq!(text_of(&c, "main h1").await, reference);
    assert!(
        text_of(&c, "main .report-body")
            .await
            .contains(NARRATIVE_WORDS),
        "the narrative shows"
    );
    let items = rows(
        &c,
        "//main/h2[@id='items']/following-sibling::table[1]//tr[td]",
    )
    .await;
    assert_eq!(items.len(), 2, "both seized items: {items:?}");
    assert!(
        c.find(Locator::Css(&format!("a[href='/cases/{id}/edit']")))
            .await
            .is_err(),
        "an analyst who was granted access reads, and does not edit"
    );
    let hist = rows(
        &c,
        "//main/h2[normalize-space()='History']/following-sibling::table[1]/tbody/tr",
    )
    .await;
    assert!(
        hist.iter()
            .any(|r| r.len() >= 3 && r[1] == "analyst" && r[2] == "read"),
        "the analyst's read is in the history: {hist:?}"
    );
    assert!(
        hist.iter().any(|r| r.len() >= 3 && r[1] == "supervisor"),
        "the supervisor's grant is in the history: {hist:?}"
    );
    let read = screenshot(&c, "case-access-5-granted.png").await;
    c.execute("document.getElementById('items').scrollIntoView();", vec![])
        .await
        .unwrap();
    let read_items = screenshot(&c, "case-access-5-items.png").await;
    assert!(
        d.count(
            "audit_entry",
            &format!("entity_id = '{id}' AND action = 'read' AND actor_id = '{analyst}'"),
        )
        .await
            >= 1,
        "the read is on the audit chain"
    );
    // The same answers without the browser: 200 on the page and the API,
    // and the export now holds the case.
    assert_eq!(status(&format!("/cases/{id}")).await, 200);
    assert_eq!(status(&format!("/api/v1/cases/{id}")).await, 200);
    let csv = export(http.clone()).await;
    assert!(
        csv.contains(&id) && csv.contains(&reference),
        "the export holds the case now:\n{csv}"
    );
    // The confidential case stays out of reach.
    assert_eq!(status(&format!("/cases/{hidden}")).await, 404);
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");

    c.close().await.unwrap();
    drop(driver);
    eprintln!(
        "screenshots: {}",
        [listed, restricted, pending, deciding, read, read_items]
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
}
