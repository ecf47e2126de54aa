//! Browser test of the dashboard: an analyst opens it, the chart is drawn
//! by the vendored ECharts (no error under the CSP), switches the period
//! with the picker, downloads the cases chart's CSV and a PNG of it, and
//! opens the pivot table and the trends, and switches the map's measure
//! (the server redraws the SVG and its legend). Real binary on SQLite with
//! generated data, headless Chromium; screenshots in
//! `<repo>/target/screenshots/analysis-*.png`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::browser::{body_text, screenshot, wait_for, Driver};
use common::{Database, Db, Server, DEMO_PASSWORD};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_period_switch_and_chart_csv() {
    let d = Database::demo(Db::Sqlite).await;
    let (code, out, err) = d.cli(
        &[
            "generate",
            "--seed",
            "9",
            "--items",
            "3000",
            "--years",
            "4",
            "--end",
            "2026-08-31",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let s = Server::start(&d);
    let driver = Driver::start().await;
    let c = driver.session().await;
    common::browser::log_in(&c, &s, "analyst", DEMO_PASSWORD).await;
    c.goto(&s.url("/dashboard?period=2025")).await.unwrap();
    wait_for(&c, &s, "body[data-charts-ready='1']", "the drawn chart").await;
    wait_for(&c, &s, "#chart-cases canvas", "the chart's canvas").await;
    let text = body_text(&c).await;
    assert!(text.contains("2025-01 – 2025-12"), "{text}");
    screenshot(&c, "analysis-dashboard-2025.png").await;

    // Switch the period with the picker.
    c.find(Locator::Css("#period"))
        .await
        .unwrap()
        .select_by_value("2024")
        .await
        .unwrap();
    c.find(Locator::Css("#period-apply"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &c,
        &s,
        "body[data-charts-ready='1']",
        "the chart after the switch",
    )
    .await;
    let shown = common::browser::text_of(&c, "#period-shown").await;
    assert!(shown.contains("2024-01 – 2024-12"), "{shown}");
    screenshot(&c, "analysis-dashboard-2024.png").await;

    // The chart's CSV, fetched as the link downloads it (with the session).
    let href = c
        .find(Locator::Css("#chart-cases-csv"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        href.contains("format=csv") && href.contains("from=2024-01"),
        "{href}"
    );
    let csv = c
        .execute(
            "return fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text());",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap().to_owned();
    assert!(csv.starts_with("month,series,cases,baseline\n"), "{csv}");
    assert_eq!(csv.lines().count(), 13, "{csv}");
    assert!(csv.contains("\n2024-06,,"), "{csv}");
    // The PNG is made in the browser from the chart.
    let png = c
        .execute(
            "return echarts.getInstanceByDom(document.getElementById('chart-cases')).getDataURL({type: 'png'});",
            vec![],
        )
        .await
        .unwrap();
    assert!(png.as_str().unwrap().starts_with("data:image/png;base64,"));

    // The pivot table and the trends split by substance.
    c.goto(
        &s.url("/analysis/pivot?measure=tablets&axis1=province&axis3=year&from=2023-01&to=2025-12"),
    )
    .await
    .unwrap();
    wait_for(&c, &s, "#pivot", "the pivot table").await;
    screenshot(&c, "analysis-pivot.png").await;
    c.goto(&s.url(
        "/analysis/trends?measure=cases&grain=quarter&split=substance&from=2023-01&to=2026-06",
    ))
    .await
    .unwrap();
    wait_for(&c, &s, "body[data-charts-ready='1']", "the trend chart").await;
    screenshot(&c, "analysis-trends.png").await;

    // The map: cases by province, then tablets, drawn by the server.
    c.goto(&s.url("/analysis/map?period=2025")).await.unwrap();
    wait_for(&c, &s, "#map svg path.region", "the province map").await;
    let regions = c
        .find_all(Locator::Css("#map svg path.region"))
        .await
        .unwrap();
    assert_eq!(regions.len(), 18, "one region per province");
    let head = common::browser::text_of(&c, "#map-table thead").await;
    assert!(head.contains("Cases"), "{head}");
    let legend_cases = c
        .execute(
            "return document.querySelector('#map svg').textContent;",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&c, "analysis-map-cases.png").await;
    c.find(Locator::Css("#map-measure"))
        .await
        .unwrap()
        .select_by_value("tablets")
        .await
        .unwrap();
    c.find(Locator::Css("#map-apply"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &c,
        &s,
        "#map-measure option[value='tablets'][selected]",
        "the map of tablets",
    )
    .await;
    let head = common::browser::text_of(&c, "#map-table thead").await;
    assert!(head.contains("Tablets"), "{head}");
    let legend_tablets = c
        .execute(
            "return document.querySelector('#map svg').textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(
        legend_cases, legend_tablets,
        "the legend follows the measure"
    );
    screenshot(&c, "analysis-map-tablets.png").await;

    // The dashboard in Lao.
    c.goto(&s.url("/dashboard?period=2025")).await.unwrap();
    c.find(Locator::Css("header.top button[name=lang][value=lo]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &c,
        &s,
        "html[lang=lo] body[data-charts-ready='1']",
        "the dashboard in Lao",
    )
    .await;
    let text = body_text(&c).await;
    assert!(text.contains("ໜ້າສະຫຼຸບ"), "{text}");
    assert!(
        text.contains("2025-01 – 2025-12"),
        "the period is kept: {text}"
    );
    screenshot(&c, "analysis-dashboard-lo.png").await;
}
