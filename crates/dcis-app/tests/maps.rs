//! Maps on SQLite and PostgreSQL: the figures per province and per
//! district equal a fold over the raw rows computed here; small cells are
//! hidden; a provincial analyst's map shows the other provinces as outside
//! the scope, not as zero; a boundary file with bad features is refused
//! with each named; a district without a boundary gets a message, never a
//! blank map. Boundary files are synthetic grid cells made here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dcis_app::generate::GenerateOptions;
use dcis_app::maps::{map_svg, MapFigures};
use dcis_app::stats::{Figure, StatsForm};
use dcis_app::App;
use dcis_domain::boundary::{BoundaryProblem, RegionCode};
use dcis_domain::geo::ProvinceCode;
use dcis_domain::role::{Clearance, GeoScope, Role};
use dcis_domain::stats::Period;
use dcis_domain::user::Language;
use dcis_i18n::Catalogue;
use dcis_policy::Actor;
use std::collections::BTreeMap;
use time::macros::date;

fn analyst(scope: &str) -> Actor {
    Actor {
        user: "01890000-0000-7000-8000-000000000101".parse().unwrap(),
        username: dcis_domain::user::UserName::parse("someone").unwrap(),
        unit: "01890000-0000-7000-8000-000000000102".parse().unwrap(),
        organisation: "01890000-0000-7000-8000-000000000103".parse().unwrap(),
        role: Role::Analyst,
        scope: GeoScope::parse(scope).unwrap(),
        clearance: Clearance::Unclassified,
        token: None,
    }
}

async fn map(app: &App, a: &Actor, period: &str, province: &str, measure: &str) -> MapFigures {
    let req = StatsForm {
        period: period.into(),
        province: province.into(),
        measure: measure.into(),
        ..StatsForm::default()
    }
    .parse(Period::parse_named("2026").unwrap())
    .unwrap();
    app.map(a, &req).await.unwrap()
}

/// The figures a map must show for per-region values, with the policy's
/// rule written out here: 1 or 2 cases hidden; where exactly one region is
/// hidden, the smallest other non-zero one too (the first by code among
/// equals).
fn expected(
    regions: &[String],
    cases: &BTreeMap<String, i64>,
    value: impl Fn(&str) -> f64,
) -> BTreeMap<String, Figure> {
    let n = |r: &str| cases.get(r).copied().unwrap_or(0);
    let mut hidden: Vec<String> = regions
        .iter()
        .filter(|r| (1..3).contains(&n(r)))
        .cloned()
        .collect();
    if hidden.len() == 1 {
        let mut others: Vec<&String> = regions
            .iter()
            .filter(|r| n(r) >= 3 && !hidden.contains(r))
            .collect();
        others.sort_by_key(|r| (n(r), (*r).clone()));
        if let Some(o) = others.first() {
            hidden.push((*o).clone());
        }
    }
    regions
        .iter()
        .map(|r| {
            let f = if hidden.contains(r) {
                Figure::Suppressed
            } else {
                Figure::Value(value(r))
            };
            (r.clone(), f)
        })
        .collect()
}

async fn map_figures_match_an_independent_fold(db: Db) {
    let (app, url) = demo(db).await;
    app.generate(
        &GenerateOptions {
            seed: 11,
            items: 600,
            years: 2,
            end: date!(2026 - 08 - 31),
            batch_cases: 100,
        },
        None,
        &mut |_| {},
    )
    .await
    .unwrap();
    let a = analyst("national");
    // Cases and weighed grams per province and per district over 2025,
    // read from the raw tables.
    let case_rows = raw_rows(
        &url,
        "SELECT id, province_code, district_code FROM law_case \
         WHERE occurred_on >= '2025-01-01' AND occurred_on <= '2025-12-31'",
    )
    .await;
    let mass_rows = raw_rows(
        &url,
        "SELECT lc.province_code, lc.district_code, si.mass_ug FROM law_case lc JOIN seizure_item si ON si.case_id = lc.id \
         WHERE lc.occurred_on >= '2025-01-01' AND lc.occurred_on <= '2025-12-31' AND si.mass_derived = 0 AND si.mass_ug IS NOT NULL",
    )
    .await;
    let mut by_province: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_district: BTreeMap<String, i64> = BTreeMap::new();
    for r in &case_rows {
        *by_province.entry(r[1].clone().unwrap()).or_default() += 1;
        if let Some(d) = &r[2] {
            *by_district.entry(d.clone()).or_default() += 1;
        }
    }
    let mut grams: BTreeMap<String, f64> = BTreeMap::new();
    for r in &mass_rows {
        let ug: f64 = r[2].clone().unwrap().parse().unwrap();
        *grams.entry(r[0].clone().unwrap()).or_default() += ug / 1e6;
    }
    assert!(by_province.len() > 3, "{by_province:?}");
    let m = map(&app, &a, "2025", "", "cases").await;
    let codes: Vec<String> = m
        .regions
        .iter()
        .map(|r| r.code.as_str().to_owned())
        .collect();
    assert_eq!(codes.len(), 18);
    let want = expected(&codes, &by_province, |r| {
        by_province.get(r).copied().unwrap_or(0) as f64
    });
    for r in &m.regions {
        assert_eq!(
            r.figure,
            Some(want[r.code.as_str()]),
            "cases {}",
            r.code.as_str()
        );
        // Every province has its shipped boundary.
        assert!(r.shape.is_some());
    }
    let g = map(&app, &a, "2025", "", "mass_g").await;
    let want = expected(&codes, &by_province, |r| {
        grams.get(r).copied().unwrap_or(0.0)
    });
    for r in &g.regions {
        match (r.figure.unwrap(), want[r.code.as_str()]) {
            (Figure::Value(x), Figure::Value(y)) => {
                assert!(
                    (x - y).abs() < 1e-6,
                    "grams {}: {x} vs {y}",
                    r.code.as_str()
                )
            }
            (x, y) => assert_eq!(x, y, "grams {}", r.code.as_str()),
        }
    }
    // One province by district: the busiest one.
    let (busiest, _) = by_province.iter().max_by_key(|(_, n)| **n).unwrap();
    let d = map(&app, &a, "2025", busiest, "cases").await;
    let dcodes: Vec<String> = d
        .regions
        .iter()
        .map(|r| r.code.as_str().to_owned())
        .collect();
    assert!(dcodes.iter().all(|c| c.starts_with(busiest.as_str())));
    let want = expected(&dcodes, &by_district, |r| {
        by_district.get(r).copied().unwrap_or(0) as f64
    });
    for r in &d.regions {
        assert_eq!(
            r.figure,
            Some(want[r.code.as_str()]),
            "district {}",
            r.code.as_str()
        );
    }
    // The SVG: one path per province, suppressed ones in the "no value"
    // fill with "<3" on hover, the attribution.
    let cat = Catalogue::load().unwrap();
    let svg = map_svg(&m, &cat, Language::En);
    assert_eq!(svg.matches("<path").count(), 18);
    assert!(svg.contains("geoBoundaries (Runfola et al.)"));
    for r in &m.regions {
        if r.figure == Some(Figure::Suppressed) {
            assert!(
                svg.contains(&format!(
                    r##"fill="#e0e0e0" data-code="{}""##,
                    r.code.as_str()
                )),
                "{}",
                r.code.as_str()
            );
            assert!(svg.contains(&format!("{}: &lt;3</title>", r.name_en)));
        }
    }
    let lo = map_svg(&m, &cat, Language::Lo);
    assert!(lo.contains("ແຂວງ") || lo.contains("ນະຄອນຫຼວງ"), "Lao names");
}
both!(map_figures_match_an_independent_fold);

async fn scope_suppression_and_boundary_files(db: Db) {
    let (app, url) = demo(db).await;
    app.generate(
        &GenerateOptions {
            seed: 5,
            items: 300,
            years: 2,
            end: date!(2026 - 08 - 31),
            batch_cases: 100,
        },
        None,
        &mut |_| {},
    )
    .await
    .unwrap();
    // A provincial analyst of Bokeo: the other provinces are outside the
    // scope (no figure), never zero.
    let bokeo = analyst("05");
    let m = map(&app, &bokeo, "2025", "", "cases").await;
    for r in &m.regions {
        if r.code.as_str() == "05" {
            assert!(r.figure.is_some());
        } else {
            assert_eq!(r.figure, None, "{}", r.code.as_str());
        }
    }
    let cat = Catalogue::load().unwrap();
    let svg = map_svg(&m, &cat, Language::En);
    assert!(svg.contains("Outside your scope"));
    assert_eq!(svg.matches("url(#dcis-outside)").count(), 17 + 1);
    // A district map of a province outside the scope is refused.
    let req = StatsForm {
        period: "2025".into(),
        province: "03".into(),
        ..StatsForm::default()
    }
    .parse(Period::parse_named("2026").unwrap())
    .unwrap();
    assert!(app.map(&bokeo, &req).await.is_err());

    // Bokeo's districts have no boundary yet: each gets a message, and
    // the drawing is an outlined box with the notes, not a blank.
    let p05 = ProvinceCode::parse("05").unwrap();
    let d = map(&app, &bokeo, "2025", "05", "cases").await;
    assert!(d.regions.len() >= 3);
    assert!(d.regions.iter().all(|r| r.shape.is_none()));
    let svg = map_svg(&d, &cat, Language::En);
    for r in &d.regions {
        assert!(svg.contains(&format!(
            "No boundary for {}: load a district boundary file",
            r.name_en
        )));
    }
    assert!(svg.contains(r#"<rect x="8" y="8""#));

    // A synthetic boundary file: one grid cell per district of Bokeo but
    // the last, plus bad features.
    let districts = app.store.districts(p05).await.unwrap();
    let cell = |i: usize, code: &str, key: &str| {
        let x = 100.0 + (i % 3) as f64 * 0.2;
        let y = 20.0 + (i / 3) as f64 * 0.2;
        format!(
            r#"{{"type":"Feature","properties":{{"{key}":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]}}}}"#,
            x2 = x + 0.2,
            y2 = y + 0.2
        )
    };
    let good: Vec<String> = districts[..districts.len() - 1]
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i == 0 {
                cell(i, &format!("LA{}", d.code.as_str()), "ocha_pcode")
            } else {
                cell(i, d.code.as_str(), "district_code")
            }
        })
        .collect();
    let mut bad = good.clone();
    let n = bad.len();
    bad.push(cell(7, "0599", "district_code"));
    bad.push(cell(8, "x", "district_code"));
    bad.push(r#"{"type":"Feature","properties":{},"geometry":null}"#.to_owned());
    bad.push(cell(9, districts[1].code.as_str(), "district_code"));
    bad.push(cell(10, "0301", "district_code"));
    let file = |fs: &[String]| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            fs.join(",")
        )
    };
    let admin_bokeo = app.actor_for_username("admin.bokeo").await.unwrap();
    let audit_before = raw_i64(
        &url,
        "SELECT COUNT(*) FROM audit_entry WHERE entity_type = 'geo_boundary'",
    )
    .await;
    let problems = app
        .load_boundaries(&admin_bokeo, "bad.geojson", file(&bad).as_bytes())
        .await
        .unwrap()
        .unwrap_err();
    let got: Vec<(usize, BoundaryProblem)> =
        problems.into_iter().map(|p| (p.index, p.problem)).collect();
    assert_eq!(
        got,
        vec![
            (n, BoundaryProblem::UnknownRegion("0599".into())),
            (n + 1, BoundaryProblem::BadCode("x".into())),
            (n + 2, BoundaryProblem::NoCode),
            (
                n + 3,
                BoundaryProblem::Duplicate(districts[1].code.as_str().into())
            ),
            (n + 4, BoundaryProblem::OutsideScope("0301".into())),
        ]
    );
    // Nothing was stored or audited.
    assert_eq!(raw_i64(&url, "SELECT COUNT(*) FROM geo_boundary").await, 0);
    // Not GeoJSON at all: one message.
    assert!(app
        .load_boundaries(&admin_bokeo, "x.geojson", b"{\"type\":\"Feature\"}")
        .await
        .is_err());
    // A data clerk may not load boundaries.
    let clerk = app.actor_for_username("clerk.bokeo").await.unwrap();
    assert!(app
        .load_boundaries(&clerk, "good.geojson", file(&good).as_bytes())
        .await
        .is_err());
    let done = app
        .load_boundaries(&admin_bokeo, "good.geojson", file(&good).as_bytes())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.provinces, done.districts), (0, districts.len() - 1));
    let audit_after = raw_i64(
        &url,
        "SELECT COUNT(*) FROM audit_entry WHERE entity_type = 'geo_boundary'",
    )
    .await;
    assert_eq!(audit_after, audit_before + 1, "one audited change");
    // The district map now draws the loaded ones; the last still gets its
    // message, and its figure is still listed.
    let d = map(&app, &bokeo, "2025", "05", "cases").await;
    let last = districts.last().unwrap();
    for r in &d.regions {
        let is_last = r.code == RegionCode::District(last.code);
        assert_eq!(r.shape.is_none(), is_last, "{}", r.code.as_str());
        assert!(r.figure.is_some());
    }
    let svg = map_svg(&d, &cat, Language::En);
    assert_eq!(svg.matches("<path").count(), districts.len() - 1);
    assert!(svg.contains(&format!("No boundary for {}", last.name_en)));
    // Loading again replaces, and is audited again.
    app.load_boundaries(&admin_bokeo, "good.geojson", file(&good).as_bytes())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        raw_i64(&url, "SELECT COUNT(*) FROM geo_boundary").await,
        (districts.len() - 1) as i64
    );
    assert!(app.store.verify_audit_chain(1000).await.unwrap().is_ok());
}
both!(scope_suppression_and_boundary_files);
