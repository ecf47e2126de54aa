//! Analysis on SQLite and PostgreSQL: the roll-up kept up to date by every
//! write path equals a rebuild from scratch after random changes; the
//! roll-up and the raw tables give the same figures; the dashboard's
//! figures equal a fold over the raw rows written here; small cells are
//! hidden in every output; scope and permission are enforced; bad input
//! is refused with a message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dcis_app::cases::CaseForm;
use dcis_app::generate::GenerateOptions;
use dcis_app::stats::{pivot_xlsx, table_csv, trend_csv, Figure, StatsForm};
use dcis_app::App;
use dcis_domain::access::RecordId;
use dcis_domain::case::CaseFields;
use dcis_domain::role::{Clearance, GeoScope, Role};
use dcis_domain::seizure::SeizureItemFields;
use dcis_domain::stats::{Group, Measure, Period, StatDim, TimeGrain};
use dcis_policy::stats::StatsScope;
use dcis_policy::Actor;
use dcis_store::StatsQuery;
use std::collections::{BTreeMap, BTreeSet};
use time::macros::date;

async fn generate(app: &App, seed: u64, items: u64) {
    app.generate(
        &GenerateOptions {
            seed,
            items,
            years: 2,
            end: date!(2026 - 08 - 31),
            batch_cases: 100,
        },
        None,
        &mut |_| {},
    )
    .await
    .unwrap();
}

/// A small deterministic generator (xorshift) for the random changes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

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

fn place_of(from: &CaseFields, into: &CaseFields) -> CaseFields {
    CaseFields {
        occurred_on: from.occurred_on.clone(),
        province: from.province.clone(),
        district: from.district.clone(),
        village: from.village,
        border_crossing: from.border_crossing,
        latitude: from.latitude.clone(),
        longitude: from.longitude.clone(),
        ..into.clone()
    }
}

async fn rollup_matches_rebuild_after_random_changes(db: Db) {
    let (app, url) = demo(db).await;
    generate(&app, 7, 400).await;
    let sup = app.actor_for_username("supervisor").await.unwrap();
    let ids: Vec<RecordId> = raw_rows(
        &url,
        "SELECT lc.id FROM law_case lc JOIN organisation o ON o.id = lc.agency_id WHERE o.code = 'CNP' ORDER BY lc.id",
    )
    .await
    .into_iter()
    .map(|r| r[0].clone().unwrap().parse().unwrap())
    .collect();
    assert!(ids.len() > 20, "{}", ids.len());
    let mut cases = Vec::new();
    let mut item_pool: Vec<SeizureItemFields> = Vec::new();
    let mut people_pool = Vec::new();
    for id in &ids {
        let (c, items) = app.case(&sup, *id, "/cases").await.unwrap();
        item_pool.extend(items.iter().map(|i| i.fields.clone()));
        people_pool.extend(app.case_people(&sup, *id).await.unwrap());
        cases.push(c);
    }
    assert!(!people_pool.is_empty());
    let scope = StatsScope::for_actor(&analyst("national")).unwrap();
    let mut rng = Rng(0x5eed_1234_abcd);
    let mut live: Vec<RecordId> = ids.clone();
    let form_of = |fields: CaseFields| CaseForm {
        fields,
        classification: "restricted".into(),
        tlp: "TLP:AMBER".into(),
    };
    for step in 0..48 {
        let case = live[rng.below(live.len())];
        let other = &cases[rng.below(cases.len())];
        match rng.below(8) {
            0 => {
                let base = &cases[rng.below(cases.len())];
                let fields = CaseFields {
                    reference: String::new(),
                    ..place_of(&other.fields, &base.fields)
                };
                let items = [item_pool[rng.below(item_pool.len())].clone()];
                let (c, _) = app
                    .create_case(&sup, &form_of(fields), &items)
                    .await
                    .unwrap();
                live.push(c.id);
            }
            1 | 2 => {
                let (c, _) = app.case(&sup, case, "/cases").await.unwrap();
                let fields = place_of(&other.fields, &c.fields);
                app.update_case(&sup, case, &form_of(fields)).await.unwrap();
            }
            3 => {
                let f = item_pool[rng.below(item_pool.len())].clone();
                app.add_item(&sup, case, &f).await.unwrap();
            }
            4 => {
                let (_, items) = app.case(&sup, case, "/cases").await.unwrap();
                if let Some(i) = items.first() {
                    let f = item_pool[rng.below(item_pool.len())].clone();
                    app.update_item(&sup, case, i.id, &f).await.unwrap();
                }
            }
            5 => {
                let (_, items) = app.case(&sup, case, "/cases").await.unwrap();
                if items.len() > 1 {
                    app.remove_item(&sup, case, items[items.len() - 1].id)
                        .await
                        .unwrap();
                }
            }
            6 => {
                let (p, link) = &people_pool[rng.below(people_pool.len())];
                // A person already in the case is refused; that is fine.
                let _ = app
                    .add_person_to_case(&sup, case, &p.fields, &link.part)
                    .await;
            }
            _ => {
                let people = app.case_people(&sup, case).await.unwrap();
                if let Some((p, link)) = people.first() {
                    if rng.below(2) == 0 {
                        app.remove_case_person(&sup, case, p.id).await.unwrap();
                    } else {
                        let mut part = link.part.clone();
                        part.role = if part.role == "courier" {
                            "organiser"
                        } else {
                            "courier"
                        }
                        .into();
                        app.update_case_person(&sup, case, p.id, &part)
                            .await
                            .unwrap();
                    }
                }
            }
        }
        if step % 12 == 5 {
            // Reads rebuild what the changes so far marked.
            app.store
                .stats(
                    &scope,
                    &StatsQuery {
                        period: Period::parse("2024-01", "2026-12").unwrap(),
                        filters: vec![],
                        group: vec![],
                    },
                )
                .await
                .unwrap();
        }
        if step == 30 {
            // A bulk load in the middle (the import's and the generator's path).
            generate(&app, 8, 150).await;
        }
    }
    assert!(app.store.stats_dirty_count().await.unwrap() > 0);
    app.store.refresh_stats().await.unwrap();
    assert_eq!(app.store.stats_dirty_count().await.unwrap(), 0);
    let incremental = app.store.stat_cells().await.unwrap();
    raw_exec(&url, "DELETE FROM stat_cell").await;
    raw_exec(&url, "DELETE FROM stat_month").await;
    raw_exec(&url, "DELETE FROM stat_year").await;
    app.store.mark_all_stats_dirty().await.unwrap();
    app.store.refresh_stats().await.unwrap();
    let rebuilt = app.store.stat_cells().await.unwrap();
    assert!(!rebuilt.is_empty());
    assert_eq!(incremental.len(), rebuilt.len());
    for (a, b) in incremental.iter().zip(&rebuilt) {
        assert_eq!(a, b);
    }

    // The roll-up and the raw tables agree on every kind of question.
    let t = |g: TimeGrain| Group::Time(g);
    let d = Group::Dim;
    type Question = (Vec<Group>, Vec<(StatDim, String)>);
    let mut queries: Vec<Question> = vec![
        (vec![], vec![]),
        (vec![d(StatDim::Substance)], vec![]),
        (vec![t(TimeGrain::Month), d(StatDim::Province)], vec![]),
        (vec![t(TimeGrain::Year), d(StatDim::Nationality)], vec![]),
        (
            vec![t(TimeGrain::Quarter), d(StatDim::Agency), d(StatDim::Route)],
            vec![],
        ),
        (vec![d(StatDim::AgeGroup), d(StatDim::Sex)], vec![]),
        (vec![d(StatDim::Price)], vec![]),
        (
            vec![d(StatDim::TabletLogo), d(StatDim::Province)],
            vec![(StatDim::Substance, "METH_TABLET".into())],
        ),
        (
            vec![d(StatDim::Role)],
            vec![(StatDim::Province, "05".into())],
        ),
        (vec![d(StatDim::BorderCrossing)], vec![]),
        (
            vec![t(TimeGrain::Year), d(StatDim::Province)],
            vec![(StatDim::Route, "MM>TH".into())],
        ),
    ];
    // Every rolled-up dimension by month (stat_month, stat_year) and by
    // agency (stat_cell).
    for dim in StatDim::rolled_up() {
        queries.push((vec![t(TimeGrain::Month), d(dim)], vec![]));
        queries.push((vec![d(StatDim::Agency), d(dim)], vec![]));
    }
    // Periods of whole years and months around them (read from the yearly
    // and monthly roll-ups), of months only, and inside one year.
    for (from, to) in [
        ("2024-09", "2026-08"),
        ("2025-01", "2025-12"),
        ("2025-03", "2025-05"),
        ("2024-11", "2025-02"),
    ] {
        let period = Period::parse(from, to).unwrap();
        for (group, filters) in &queries {
            let q = StatsQuery {
                period,
                filters: filters.clone(),
                group: group.clone(),
            };
            let a = app.store.stats(&scope, &q).await.unwrap();
            let b = app.store.stats_from_raw(&scope, &q).await.unwrap();
            assert!(!a.is_empty() || from == "2025-03", "{q:?}");
            assert_eq!(a, b, "{q:?}");
        }
    }
}
both!(rollup_matches_rebuild_after_random_changes);

/// What the test knows of the raw rows, read with plain SQL.
struct Raw {
    /// id → (date, province)
    cases: BTreeMap<String, (String, String)>,
    /// (case, substance, unit, mass_ug, derived, count, volume_ul)
    items: Vec<(String, String, String, i64, bool, i64, i64)>,
    /// (case, nationality, sex, role)
    people: Vec<(String, String, String, String)>,
}

async fn raw(url: &str) -> Raw {
    let n = |v: &Option<String>| v.as_deref().map(|s| s.parse::<i64>().unwrap()).unwrap_or(0);
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let cases = raw_rows(url, "SELECT id, occurred_on, province_code FROM law_case")
        .await
        .into_iter()
        .map(|r| (s(&r[0]), (s(&r[1]), s(&r[2]))))
        .collect();
    let items = raw_rows(
        url,
        "SELECT case_id, substance, unit, mass_ug, mass_derived, item_count, volume_ul FROM seizure_item",
    )
    .await
    .into_iter()
    .map(|r| (s(&r[0]), s(&r[1]), s(&r[2]), n(&r[3]), n(&r[4]) == 1, n(&r[5]), n(&r[6])))
    .collect();
    let people = raw_rows(
        url,
        "SELECT cp.case_id, p.nationality, p.sex, cp.role FROM case_person cp JOIN person p ON p.id = cp.person_id",
    )
    .await
    .into_iter()
    .map(|r| (s(&r[0]), s(&r[1]), s(&r[2]), s(&r[3])))
    .collect();
    Raw {
        cases,
        items,
        people,
    }
}

/// The figure the dashboard must show for a fold's value over `cases`
/// cases: hidden under 3, else the value (secondary suppression may hide
/// more; the caller accepts that).
fn check(label: &str, got: Figure, cases: usize, value: f64) {
    match got {
        Figure::Value(v) => {
            assert!(
                cases == 0 || cases >= 3,
                "{label}: shown from {cases} cases"
            );
            assert!((v - value).abs() < 1e-6, "{label}: {v} != {value}");
        }
        Figure::Suppressed => assert!(cases > 0, "{label}: nothing hidden"),
        Figure::None => panic!("{label}: no figure"),
    }
}

async fn dashboard_figures_match_an_independent_fold(db: Db) {
    let (app, url) = demo(db).await;
    generate(&app, 11, 1200).await;
    let raw = raw(&url).await;
    for (who, scope, province) in [
        ("analyst", "national", None),
        ("provincial", "03,05", None),
        ("provincial", "03,05", Some("05")),
    ] {
        let actor = if who == "analyst" {
            app.actor_for_username("analyst").await.unwrap()
        } else {
            analyst(scope)
        };
        let allowed: Option<BTreeSet<&str>> = match (province, scope) {
            (Some(p), _) => Some([p].into()),
            (None, "national") => None,
            (None, s) => Some(s.split(',').collect()),
        };
        for period in ["2025", "2024-Q4", "2026-03"] {
            let p = Period::parse_named(period).unwrap();
            let d = app
                .dashboard(
                    &actor,
                    p,
                    province.map(|x| dcis_domain::geo::ProvinceCode::parse(x).unwrap()),
                )
                .await
                .unwrap();
            let in_p = |case: &str, per: Option<Period>| -> bool {
                let Some(per) = per else { return false };
                let (date, prov) = &raw.cases[case];
                date.as_str() >= per.from.first_day().as_str()
                    && date.as_str() < per.to.after_last_day().as_str()
                    && allowed.as_ref().is_none_or(|a| a.contains(prov.as_str()))
            };
            for (which, per, pick) in [
                ("now", Some(p), 0),
                ("previous", p.previous(), 1),
                ("year before", p.year_before(), 2),
            ] {
                let fig = |c: &dcis_app::stats::Compared| [c.now, c.previous, c.year_before][pick];
                let cases: BTreeSet<&str> = raw
                    .cases
                    .keys()
                    .filter(|c| in_p(c, per))
                    .map(String::as_str)
                    .collect();
                let items = raw
                    .items
                    .iter()
                    .filter(|i| cases.contains(i.0.as_str()))
                    .count();
                let persons = raw
                    .people
                    .iter()
                    .filter(|x| cases.contains(x.0.as_str()))
                    .count();
                let label = format!("{who} {scope} {province:?} {period} {which}");
                for (m, c) in &d.totals {
                    let v = match m {
                        Measure::Cases => cases.len(),
                        Measure::Items => items,
                        _ => persons,
                    };
                    check(&format!("{label} {m:?}"), fig(c), cases.len(), v as f64);
                }
                // Per substance: distinct cases, grams weighed, tablets, litres.
                let mut by_sub: BTreeMap<&str, (BTreeSet<&str>, i64, i64, i64)> = BTreeMap::new();
                for i in raw.items.iter().filter(|i| cases.contains(i.0.as_str())) {
                    let e = by_sub.entry(i.1.as_str()).or_default();
                    e.0.insert(i.0.as_str());
                    if !i.4 {
                        e.1 += i.3;
                    }
                    if i.2 != "units" && i.2 != "plants" {
                        e.2 += i.5;
                    }
                    e.3 += i.6;
                }
                for (sub, row) in &d.substances {
                    let (cs, ug, tablets, ul) =
                        by_sub.get(sub.as_str()).cloned().unwrap_or_default();
                    for (m, c) in row {
                        let v = match m {
                            Measure::Cases => cs.len() as f64,
                            Measure::MassG => ug as f64 / 1e6,
                            Measure::Tablets => tablets as f64,
                            _ => ul as f64 / 1e6,
                        };
                        check(&format!("{label} {sub} {m:?}"), fig(c), cs.len(), v);
                    }
                }
                if pick == 0 {
                    let listed: BTreeSet<&str> =
                        d.substances.iter().map(|s| s.0.as_str()).collect();
                    for sub in by_sub.keys() {
                        assert!(listed.contains(sub), "{label}: {sub} missing");
                    }
                }
                // Persons by nationality and role.
                for (dim, list) in &d.persons {
                    let key = |x: &(String, String, String, String)| -> String {
                        let v = match dim {
                            StatDim::Nationality => &x.1,
                            StatDim::Sex => &x.2,
                            StatDim::Role => &x.3,
                            _ => return String::new(),
                        };
                        if v.is_empty() {
                            "unknown".into()
                        } else {
                            v.clone()
                        }
                    };
                    if *dim == StatDim::AgeGroup {
                        continue;
                    }
                    for c in list {
                        let matching: Vec<_> = raw
                            .people
                            .iter()
                            .filter(|x| cases.contains(x.0.as_str()) && key(x) == c.key)
                            .collect();
                        let n_cases: BTreeSet<&str> =
                            matching.iter().map(|x| x.0.as_str()).collect();
                        check(
                            &format!("{label} {dim:?} {}", c.key),
                            fig(c),
                            n_cases.len(),
                            matching.len() as f64,
                        );
                    }
                }
            }
            assert!(!d.is_empty() || period == "2026-03");
        }
    }
}
both!(dashboard_figures_match_an_independent_fold);

async fn small_cells_are_hidden_everywhere_and_scope_is_enforced(db: Db) {
    let (app, _url) = demo(db).await;
    let sup = app.actor_for_username("supervisor").await.unwrap();
    let analyst_n = app.actor_for_username("analyst").await.unwrap();
    // Two cases of LSD and five of heroin, in Bokeo, in March 2026.
    let case = |day: u32| CaseFields {
        occurred_on: format!("2026-03-{day:02}"),
        occurred_time: "10:00".into(),
        province: "05".into(),
        detection_method: "checkpoint_search".into(),
        transport_mode: "truck".into(),
        origin_country: "MM".into(),
        destination_country: "TH".into(),
        status: "open".into(),
        ..CaseFields::default()
    };
    let item = |substance: &str, q: &str, unit: &str| SeizureItemFields {
        substance: substance.into(),
        quantity: q.into(),
        unit: unit.into(),
        ..SeizureItemFields::default()
    };
    let form = |f: CaseFields| CaseForm {
        fields: f,
        classification: "restricted".into(),
        tlp: "TLP:AMBER".into(),
    };
    for day in 1..=2 {
        app.create_case(&sup, &form(case(day)), &[item("LSD", "40", "units")])
            .await
            .unwrap();
    }
    for day in 3..=7 {
        app.create_case(&sup, &form(case(day)), &[item("HEROIN", "1.5", "kg")])
            .await
            .unwrap();
    }
    // Four of cannabis: the smallest other cell, hidden with LSD's so that
    // LSD cannot be found from a total.
    for day in 8..=11 {
        app.create_case(&sup, &form(case(day)), &[item("CANNABIS_HERB", "20", "kg")])
            .await
            .unwrap();
    }
    let req = StatsForm {
        period: "2026-03".into(),
        group: vec!["substance".into()],
        measure: "units".into(),
        ..StatsForm::default()
    }
    .parse(Period::parse_named("2026").unwrap())
    .unwrap();
    let t = app.stats(&analyst_n, &req.query).await.unwrap();
    assert_eq!(t.figure(&["LSD"], Measure::Units), Figure::Suppressed);
    assert_eq!(t.figure(&["LSD"], Measure::Cases), Figure::Suppressed);
    assert_eq!(
        t.figure(&["CANNABIS_HERB"], Measure::MassG),
        Figure::Suppressed
    );
    assert_eq!(
        t.figure(&["HEROIN"], Measure::MassG),
        Figure::Value(7_500.0)
    );
    // The hidden cell's numbers leave the application nowhere.
    let csv = table_csv(&t, Measure::Units, &["substance".into()]);
    assert!(csv.contains("LSD,<3"), "{csv}");
    assert!(!csv.contains("80"), "{csv}");
    let xlsx = pivot_xlsx(&t, Measure::Cases, &["substance".into()]).unwrap();
    let dir = std::env::temp_dir().join(format!("dcis-pivot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{db:?}.xlsx"));
    std::fs::write(&path, &xlsx).unwrap();
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let lsd = cells
        .iter()
        .find(|r| r[0] == Data::String("LSD".into()))
        .unwrap();
    assert_eq!(lsd[1], Data::String("<3".into()));
    let heroin = cells
        .iter()
        .find(|r| r[0] == Data::String("HEROIN".into()))
        .unwrap();
    assert_eq!(heroin[1], Data::Float(5.0));
    // A trend by month: the month of two LSD cases is hidden in the CSV.
    let lsd_req = StatsForm {
        from: "2026-01".into(),
        to: "2026-04".into(),
        substance: "LSD".into(),
        ..StatsForm::default()
    }
    .parse(Period::parse_named("2026").unwrap())
    .unwrap();
    let tr = app
        .trend(&analyst_n, &lsd_req, TimeGrain::Month, None)
        .await
        .unwrap();
    assert_eq!(tr.series[0].values[2], Figure::Suppressed);
    assert_eq!(tr.series[0].values[0], Figure::Value(0.0));
    let csv = trend_csv(&tr);
    assert!(csv.contains("2026-03,,<3,"), "{csv}");

    // A provincial analyst elsewhere sees none of it; a clerk may not analyse.
    let elsewhere = analyst("01");
    let t = app.stats(&elsewhere, &req.query).await.unwrap();
    assert!(t.is_empty());
    let d = app
        .dashboard(&elsewhere, Period::parse_named("2026-03").unwrap(), None)
        .await
        .unwrap();
    assert!(d.is_empty());
    let err = app
        .dashboard(
            &elsewhere,
            Period::parse_named("2026-03").unwrap(),
            Some(dcis_domain::geo::ProvinceCode::parse("05").unwrap()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, dcis_app::error::AppError::Validation(_)),
        "{err:?}"
    );
    let clerk = app.actor_for_username("clerk.bokeo").await.unwrap();
    let err = app.stats(&clerk, &req.query).await.unwrap_err();
    assert!(
        matches!(err, dcis_app::error::AppError::Forbidden(_)),
        "{err:?}"
    );

    // Bad input: every error named; a mean price only within one currency and unit.
    let bad = StatsForm {
        from: "2026-05".into(),
        to: "2026-02".into(),
        group: vec!["colour".into(), "month".into(), "year".into()],
        measure: "price_mean".into(),
        ..StatsForm::default()
    }
    .parse(Period::parse_named("2026").unwrap())
    .unwrap_err();
    let keys: Vec<(&str, &str)> = bad.0.iter().map(|e| (e.field, e.key)).collect();
    assert_eq!(
        keys,
        vec![
            ("to", "err-period-order"),
            ("group", "err-choice"),
            ("group", "err-stats-axis-twice"),
            ("measure", "err-stats-price-needs-price"),
        ]
    );
}
both!(small_cells_are_hidden_everywhere_and_scope_is_enforced);

/// Ages are stored as entered (validated, not normalised): one typed in Lao
/// digits must count as an unknown age group, not fail the figures (on
/// PostgreSQL the cast of such a value failed the whole rebuild).
async fn ages_in_lao_digits_do_not_break_the_figures(db: Db) {
    let (app, url) = demo(db).await;
    generate(&app, 12, 300).await;
    raw_exec(
        &url,
        "UPDATE person SET age = '໓໔', birth_date = '' WHERE id IN (SELECT id FROM person ORDER BY id LIMIT 5)",
    )
    .await;
    raw_exec(
        &url,
        "UPDATE person SET birth_date = '1990-1-5', age = '' WHERE id IN (SELECT id FROM person ORDER BY id DESC LIMIT 5)",
    )
    .await;
    app.store.mark_all_stats_dirty().await.unwrap();
    let actor = analyst("national");
    let d = app
        .dashboard(&actor, Period::parse_named("2025").unwrap(), None)
        .await
        .expect("figures despite ages the SQL cannot read");
    assert!(!d.is_empty());
}
both!(ages_in_lao_digits_do_not_break_the_figures);
