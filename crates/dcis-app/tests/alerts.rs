//! Early warnings through the application on both engines: the rules over
//! cases stored by the real store find what is planted in them and nothing
//! in clean data, a second run raises nothing, raising and acknowledging
//! are audited, and who sees which alert (and how much of it) follows
//! `docs/access-policy.md`, "Alerts". Expected values are the plants' own
//! numbers, written here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use dcis_app::alerts::OpenAlerts;
use dcis_app::cases::item_record;
use dcis_app::orgs::{OrganisationInput, UnitInput};
use dcis_app::{App, AppError};
use dcis_domain::access::{RecordAccess, RecordId, RecordKind, Tlp};
use dcis_domain::alert::AlertRule;
use dcis_domain::case::CaseFields;
use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::{OrganisationId, SeizureItemId, UnitId, UserId};
use dcis_domain::role::{Clearance, GeoScope, Role};
use dcis_domain::seizure::SeizureItemFields;
use dcis_domain::user::{DisplayName, Language, User, UserName};
use dcis_policy::alerts::{AlertScope, Disclosure};
use dcis_policy::{Actor, Denied};
use dcis_store::{AlertFilter, CaseRecord};

struct World {
    app: App,
    url: String,
    bokeo: (UnitId, OrganisationId),
    namtha: (UnitId, OrganisationId),
}

async fn world(db: Db) -> World {
    let (app, _, url) = app(db).await;
    let org = app
        .create_organisation(
            None,
            &OrganisationInput {
                code: "CNP".into(),
                kind: "counter_narcotics_police".into(),
                name_en: "CNP".into(),
                name_lo: "CNP".into(),
                province: String::new(),
            },
        )
        .await
        .unwrap()
        .id;
    let mut units = Vec::new();
    for (name, p) in [("Bokeo", "05"), ("Namtha", "03")] {
        units.push(
            app.create_unit(
                None,
                &UnitInput {
                    organisation: org.to_string(),
                    name_en: name.into(),
                    name_lo: name.into(),
                    province: p.into(),
                    district: String::new(),
                },
            )
            .await
            .unwrap()
            .id,
        );
    }
    World {
        app,
        url,
        bokeo: (units[0], org),
        namtha: (units[1], org),
    }
}

/// One planned case: where, when, what.
struct Plan {
    province: &'static str,
    date: String,
    substance: &'static str,
    form: &'static str,
    quantity: String,
    unit: &'static str,
    logo: &'static str,
    route: (&'static str, &'static str),
}

fn plan(province: &'static str, date: String) -> Plan {
    Plan {
        province,
        date,
        substance: "METH_TABLET",
        form: "tablet",
        quantity: "2000".into(),
        unit: "tablets",
        logo: "WY",
        route: ("MM", "TH"),
    }
}

/// The clean baseline: from January 2021 to December 2024, each province
/// has 6, 7 or 8 cases a month (the same each year), yaba marked WY
/// coming from Myanmar to Thailand.
fn baseline() -> Vec<Plan> {
    let mut out = Vec::new();
    for year in 2021..=2024 {
        for month in 1..=12 {
            for province in ["05", "03"] {
                for k in 0..(6 + month % 3) {
                    out.push(plan(
                        province,
                        format!("{year}-{month:02}-{:02}", 1 + k * 3),
                    ));
                }
            }
        }
    }
    out
}

/// Stores the cases (each with one item) through the store's write path,
/// owned by the unit of their province; returns their ids in order.
async fn store(w: &World, plans: &[Plan], classification: Clearance) -> Vec<RecordId> {
    let app = &w.app;
    let now = app.now();
    let mut tx = app.write_as_system().await.unwrap();
    let mut ids = Vec::new();
    for (k, p) in plans.iter().enumerate() {
        let (unit, org) = if p.province == "05" {
            w.bokeo
        } else {
            w.namtha
        };
        let id = RecordId::from_uuid(app.new_uuid());
        let n = app.new_uuid().simple().to_string();
        let record = CaseRecord {
            id,
            agency: org,
            fields: CaseFields {
                reference: format!("AL-{}-{k}", &n[n.len() - 10..]),
                occurred_on: p.date.clone(),
                occurred_time: "10:00".into(),
                province: p.province.into(),
                detection_method: "checkpoint_search".into(),
                transport_mode: "truck".into(),
                concealment_method: "tea_packaging".into(),
                origin_country: p.route.0.into(),
                destination_country: p.route.1.into(),
                status: "open".into(),
                narrative: "Synthetic alert test case.".into(),
                ..Default::default()
            },
            access: RecordAccess {
                record: id,
                kind: RecordKind::Case,
                owner_organisation: org,
                owner_unit: unit,
                province: Some(ProvinceCode::parse(p.province).unwrap()),
                classification,
                tlp: Tlp::Amber,
            },
            created_at: now,
            updated_at: now,
        };
        let item = item_record(
            id,
            1,
            SeizureItemId::from_uuid(app.new_uuid()),
            &SeizureItemFields {
                substance: p.substance.into(),
                form: p.form.into(),
                quantity: p.quantity.clone(),
                unit: p.unit.into(),
                tablet_logo: p.logo.into(),
                ..Default::default()
            },
        )
        .unwrap();
        tx.insert_case(&record).await.unwrap();
        tx.insert_item(&item).await.unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

async fn user(w: &World, name: &str, role: Role, scope: &str, unit: UnitId) -> Actor {
    let user = User {
        id: UserId::from_uuid(w.app.new_uuid()),
        installation: w.app.installation,
        username: UserName::parse(name).unwrap(),
        display_name: DisplayName::parse(name).unwrap(),
        unit,
        role,
        scope: GeoScope::parse(scope).unwrap(),
        clearance: Clearance::Confidential,
        language: Language::En,
        disabled_at: None,
        created_at: w.app.now(),
    };
    let mut tx = w.app.write_as_system().await.unwrap();
    tx.insert_user(&user, "not-a-hash").await.unwrap();
    tx.commit().await.unwrap();
    w.app.actor_for(&user, None).await.unwrap()
}

/// (rule, subject, period, province) of every alert `actor` sees.
async fn seen(w: &World, actor: &Actor) -> Vec<(AlertRule, String, String, Option<String>)> {
    let (views, total) = w
        .app
        .alerts(actor, &AlertFilter::default(), 500, 0)
        .await
        .unwrap();
    assert_eq!(total as usize, views.len());
    let mut v: Vec<_> = views
        .into_iter()
        .map(|v| {
            (
                v.alert.rule,
                v.alert.subject,
                v.alert.period,
                v.alert.province.map(|p| p.as_str().to_owned()),
            )
        })
        .collect();
    v.sort();
    v
}

async fn alert_audits(w: &World, action: &str) -> i64 {
    raw_i64(
        &w.url,
        &format!(
            "SELECT COUNT(*) FROM audit_entry WHERE entity_type = 'alert' AND action = '{action}'"
        ),
    )
    .await
}

async fn clean_data_raises_nothing(db: Db) {
    let w = world(db).await;
    store(&w, &baseline(), Clearance::Restricted).await;
    let run = w.app.run_alerts().await.unwrap();
    assert_eq!(run.total_raised(), 0, "{run:?}");
    assert_eq!(raw_i64(&w.url, "SELECT COUNT(*) FROM alert").await, 0);
    assert_eq!(alert_audits(&w, "create").await, 0);
}
both!(clean_data_raises_nothing);

async fn planted_anomalies_are_found_once(db: Db) {
    let w = world(db).await;
    // No cases at all: nothing, and no error.
    assert_eq!(w.app.run_alerts().await.unwrap().total_raised(), 0);
    store(&w, &baseline(), Clearance::Restricted).await;
    let mut plants = Vec::new();
    // (a) November 2024 in Bokeo: 40 more cases than its usual 8, each
    // with ten times the usual tablets.
    for k in 0..40 {
        let mut p = plan("05", format!("2024-11-{:02}", 1 + k % 28));
        p.quantity = "20000".into();
        plants.push(p);
    }
    // (b) Ketamine powder, first seen anywhere, in Luang Namtha in June
    // 2024; a logo never seen before ("999") in Namtha in July 2024.
    let mut ketamine = plan("03", "2024-06-10".into());
    (
        ketamine.substance,
        ketamine.form,
        ketamine.quantity,
        ketamine.unit,
        ketamine.logo,
    ) = ("KETAMINE", "powder", "0.5".into(), "kg", "");
    plants.push(ketamine);
    let mut logo = plan("03", "2024-07-02".into());
    logo.logo = "999";
    plants.push(logo);
    // (d) A route never seen before: China to Viet Nam, August 2024.
    let mut route = plan("03", "2024-08-20".into());
    route.route = ("CN", "VN");
    plants.push(route);
    store(&w, &plants, Clearance::Restricted).await;
    // (c) 25 kg of heroin in one seizure in Bokeo, March 2024 (the heroin
    // group's threshold is 20 kg), in a case of its own.
    let mut heroin = plan("05", "2024-03-05".into());
    (
        heroin.substance,
        heroin.form,
        heroin.quantity,
        heroin.unit,
        heroin.logo,
    ) = ("HEROIN", "powder", "25".into(), "kg", "");
    let heroin_case = store(&w, &[heroin], Clearance::Restricted).await[0];

    let run = w.app.run_alerts().await.unwrap();
    // A national supervisor of the agency: sees every alert and reads
    // every case, so every figure.
    let national = user(
        &w,
        "nat.supervisor",
        Role::Supervisor,
        "national",
        w.namtha.0,
    )
    .await;
    let found = seen(&w, &national).await;
    let s = |r: AlertRule, subj: &str, period: &str, p: Option<&str>| {
        (r, subj.to_owned(), period.to_owned(), p.map(str::to_owned))
    };
    let expected = vec![
        // The burst: cases and tablets in Bokeo, and yaba nationally.
        s(
            AlertRule::Rise,
            "province=05;measure=cases",
            "2024-11",
            Some("05"),
        ),
        s(
            AlertRule::Rise,
            "province=05;measure=tablets",
            "2024-11",
            Some("05"),
        ),
        s(
            AlertRule::Rise,
            "substance=METH_TABLET;measure=cases",
            "2024-11",
            None,
        ),
        s(
            AlertRule::Rise,
            "substance=METH_TABLET;measure=tablets",
            "2024-11",
            None,
        ),
        s(
            AlertRule::NewSubstance,
            "national;substance=HEROIN",
            "2024-03",
            None,
        ),
        s(
            AlertRule::NewSubstance,
            "national;substance=KETAMINE",
            "2024-06",
            None,
        ),
        s(
            AlertRule::NewSubstance,
            "province=03;substance=KETAMINE",
            "2024-06",
            Some("03"),
        ),
        s(
            AlertRule::NewSubstance,
            "province=05;substance=HEROIN",
            "2024-03",
            Some("05"),
        ),
        s(AlertRule::NewForm, "national;form=powder", "2024-03", None),
        s(
            AlertRule::NewForm,
            "province=03;form=powder",
            "2024-06",
            Some("03"),
        ),
        s(
            AlertRule::NewForm,
            "province=05;form=powder",
            "2024-03",
            Some("05"),
        ),
        s(AlertRule::NewLogo, "national;logo=999", "2024-07", None),
        s(
            AlertRule::NewLogo,
            "province=03;logo=999",
            "2024-07",
            Some("03"),
        ),
        s(
            AlertRule::LargeSeizure,
            &format!("province=05;substance=HEROIN;case={heroin_case}"),
            "2024-03",
            Some("05"),
        ),
        s(AlertRule::NewRoute, "country=CN>VN", "2024-08", None),
    ];
    let mut expected = expected;
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(run.total_raised(), expected.len());
    assert_eq!(run.raised.get(&AlertRule::Rise), Some(&4));

    // The figures of the burst: observed is what was stored.
    let (views, _) = w
        .app
        .alerts(
            &national,
            &AlertFilter {
                rule: Some(AlertRule::Rise),
                province: ProvinceCode::parse("05").ok(),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    let cases = views
        .iter()
        .find(|v| v.alert.subject.ends_with("measure=cases"))
        .unwrap();
    assert_eq!(cases.alert.figures["observed"].as_f64(), Some(48.0));
    assert_eq!(cases.alert.case_count, 48);
    let exp = cases.alert.figures["expected"].as_f64().unwrap();
    assert!((7.0..=9.0).contains(&exp), "expected {exp}");
    let tablets = views
        .iter()
        .find(|v| v.alert.subject.ends_with("measure=tablets"))
        .unwrap();
    assert_eq!(tablets.alert.figures["observed"].as_f64(), Some(816_000.0));

    // Idempotent: a second run raises nothing and audits nothing.
    let audits = alert_audits(&w, "create").await;
    assert_eq!(audits as usize, expected.len());
    let again = w.app.run_alerts().await.unwrap();
    assert_eq!(again.total_raised(), 0);
    assert_eq!(again.found, run.found);
    assert_eq!(alert_audits(&w, "create").await, audits);
    assert_eq!(seen(&w, &national).await, expected);

    // A period narrows the list to the alerts about its months (as the
    // situation report reads them).
    let periods: std::collections::BTreeSet<&String> = expected.iter().map(|e| &e.2).collect();
    for p in periods {
        let month = dcis_domain::stats::Month::parse("month", p).unwrap();
        let filter = AlertFilter {
            period: Some(dcis_domain::stats::Period {
                from: month,
                to: month,
            }),
            ..Default::default()
        };
        let (views, total) = w.app.alerts(&national, &filter, 500, 0).await.unwrap();
        let mut got: Vec<_> = views
            .into_iter()
            .map(|v| (v.alert.rule, v.alert.subject, v.alert.period))
            .collect();
        got.sort();
        let want: Vec<_> = expected
            .iter()
            .filter(|e| &e.2 == p)
            .map(|e| (e.0, e.1.clone(), e.2.clone()))
            .collect();
        assert_eq!(got, want, "period {p}");
        assert_eq!(total as usize, want.len());
    }
    assert!(w.app.store.verify_audit_chain(1000).await.unwrap().is_ok());
}
both!(planted_anomalies_are_found_once);

async fn who_sees_which_alert(db: Db) {
    let w = world(db).await;
    store(&w, &baseline(), Clearance::Restricted).await;
    let mut ketamine = plan("03", "2024-06-10".into());
    (
        ketamine.substance,
        ketamine.form,
        ketamine.quantity,
        ketamine.unit,
        ketamine.logo,
    ) = ("KETAMINE", "powder", "0.5".into(), "kg", "");
    store(&w, &[ketamine], Clearance::Restricted).await;
    let mut heroin = plan("05", "2024-03-05".into());
    (
        heroin.substance,
        heroin.form,
        heroin.quantity,
        heroin.unit,
        heroin.logo,
    ) = ("HEROIN", "powder", "25".into(), "kg", "");
    let heroin_case = store(&w, &[heroin], Clearance::Restricted).await[0];
    w.app.run_alerts().await.unwrap();

    let national = user(&w, "nat.analyst", Role::Analyst, "national", w.namtha.0).await;
    let namtha = user(&w, "namtha.analyst", Role::Analyst, "03", w.namtha.0).await;
    // Sees Bokeo's alerts but works in the Namtha unit: cannot read the
    // Bokeo unit's cases.
    let bokeo_outsider = user(&w, "bk.outsider", Role::Analyst, "05", w.namtha.0).await;
    // Works in the Bokeo unit: reads its cases.
    let bokeo_insider = user(&w, "bk.insider", Role::Analyst, "05", w.bokeo.0).await;
    let clerk = user(&w, "bk.clerk", Role::DataClerk, "05", w.bokeo.0).await;

    let all = seen(&w, &national).await;
    assert!(
        all.iter().any(|a| a.3.is_none()),
        "national alerts: {all:?}"
    );
    // A provincial analyst sees their province's alerts only, never the
    // national ones.
    let n = seen(&w, &namtha).await;
    let want: Vec<_> = all
        .iter()
        .filter(|a| a.3.as_deref() == Some("03"))
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(n, want);
    // No analysis permission: refused.
    assert!(matches!(
        w.app.alerts(&clerk, &AlertFilter::default(), 10, 0).await,
        Err(AppError::Forbidden(Denied::Permission(_)))
    ));
    assert_eq!(w.app.open_alert_count(&clerk).await.unwrap(), None);
    assert_eq!(
        w.app.open_alert_count(&namtha).await.unwrap(),
        Some(OpenAlerts::Exactly(want.len() as i64))
    );
    // The badge's count stops at its bound: "that many or more".
    let namtha_scope = AlertScope::of(&namtha).unwrap();
    for up_to in [0, 1, want.len() as i64, want.len() as i64 + 5] {
        assert_eq!(
            w.app
                .store
                .count_open_alerts(&namtha_scope, up_to)
                .await
                .unwrap(),
            up_to.min(want.len() as i64),
            "counted up to {up_to}"
        );
    }

    // The large seizure: one case. Another province's analyst: not found.
    let (large, _) = w
        .app
        .alerts(
            &national,
            &AlertFilter {
                rule: Some(AlertRule::LargeSeizure),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!(large.len(), 1);
    let id = large[0].alert.id;
    assert!(matches!(
        w.app.alert(&namtha, id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        w.app.acknowledge_alert(&namtha, id).await,
        Err(AppError::NotFound)
    ));
    // In scope but unable to read the case: the alert without its figures,
    // its case or the case's id.
    let v = w.app.alert(&bokeo_outsider, id).await.unwrap();
    assert_eq!(v.disclosure, Disclosure::Withheld);
    assert_eq!(v.alert.figures, serde_json::Value::Null);
    assert!(v.alert.case_ids.is_empty() && v.readable_cases.is_empty());
    assert_eq!(v.alert.subject, "province=05;substance=HEROIN");
    // The national analyst of another unit cannot read it either.
    assert_eq!(
        w.app.alert(&national, id).await.unwrap().disclosure,
        Disclosure::Withheld
    );
    // Who may read the case sees everything, with the case to link to.
    let v = w.app.alert(&bokeo_insider, id).await.unwrap();
    assert_eq!(v.disclosure, Disclosure::Full);
    assert_eq!(v.alert.figures["observed"].as_f64(), Some(25_000.0));
    assert_eq!(v.alert.figures["threshold"].as_f64(), Some(20_000.0));
    assert_eq!(
        v.readable_cases.iter().map(|c| c.0).collect::<Vec<_>>(),
        vec![heroin_case]
    );
    assert!(v.readable_cases[0].1.starts_with("AL-"));
    // A page of alerts shows each one as it is shown alone (the page's
    // cases are checked together, in one query).
    let (page, _) = w
        .app
        .alerts(&bokeo_insider, &AlertFilter::default(), 50, 0)
        .await
        .unwrap();
    assert!(!page.is_empty());
    for a in &page {
        assert_eq!(
            a,
            &w.app.alert(&bokeo_insider, a.alert.id).await.unwrap(),
            "{}",
            a.alert.subject
        );
    }

    // Acknowledged once, audited; a second time is a conflict.
    let before = alert_audits(&w, "update").await;
    let v = w.app.acknowledge_alert(&bokeo_outsider, id).await.unwrap();
    assert_eq!(v.alert.acknowledged_by, Some(bokeo_outsider.user));
    assert!(v.alert.acknowledged_at.is_some());
    assert_eq!(alert_audits(&w, "update").await, before + 1);
    assert!(matches!(
        w.app.acknowledge_alert(&bokeo_insider, id).await,
        Err(AppError::Conflict { .. })
    ));
    assert_eq!(alert_audits(&w, "update").await, before + 1);
    let open = w
        .app
        .alerts(
            &bokeo_insider,
            &AlertFilter {
                open: Some(true),
                ..Default::default()
            },
            100,
            0,
        )
        .await
        .unwrap()
        .0;
    assert!(open.iter().all(|v| v.alert.id != id));
    assert!(w.app.store.verify_audit_chain(1000).await.unwrap().is_ok());
}
both!(who_sees_which_alert);
