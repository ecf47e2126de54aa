//! Browser test of the situation report: an analyst opens the report of a month in Lao, sees
//! its charts drawn on the server, and prints it with WebDriver's "Print Page" (the browser's
//! own print, through the print stylesheet): the answer is a PDF with pages. Real binary on
//! SQLite with generated data, headless Chromium; screenshot and the printed PDF in
//! `<repo>/target/screenshots/sitrep-*`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::browser::{body_text, screenshot, wait_for, Driver};
use common::{Database, Db, Server, DEMO_PASSWORD};
use fantoccini::wd::PrintConfiguration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn situation_report_prints() {
    let d = Database::demo(Db::Sqlite).await;
    let (code, out, err) = d.cli(
        &[
            "generate",
            "--seed",
            "5",
            "--items",
            "1500",
            "--years",
            "2",
            "--end",
            "2025-12-31",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let s = Server::start(&d);
    let driver = Driver::start().await;
    let c = driver.session().await;
    common::browser::log_in(&c, &s, "analyst", DEMO_PASSWORD).await;
    c.goto(&s.url("/reports/situation?period=2025-06&lang=lo"))
        .await
        .unwrap();
    wait_for(&c, &s, "#sitrep figure svg", "the report's charts").await;
    common::browser::fonts_ready(&c).await;
    let text = body_text(&c).await;
    assert!(text.contains("ລາຍງານສະພາບການ"), "{text}");
    assert!(text.contains("2025-06"), "{text}");
    screenshot(&c, "sitrep-page-lo.png").await;

    let pdf = c.print(PrintConfiguration::default()).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "the print is not a PDF");
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    // The cover and several sections, each starting a page.
    assert!(
        doc.get_pages().len() >= 3,
        "{} pages",
        doc.get_pages().len()
    );
    let dir = common::repo_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sitrep-printed-lo.pdf"), &pdf).unwrap();
}
