//! The authorisation matrix: many users × many records × the read paths,
//! on SQLite and PostgreSQL. The expected outcome of every cell comes from
//! `expected()` below, written from the rules in docs/access-policy.md and
//! independently of `dcis_policy` (which the store's SQL and `decide` both
//! implement).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dcis_app::access::ShareInput;
use dcis_app::orgs::{OrganisationInput, UnitInput};
use dcis_app::{App, AppError};
use dcis_domain::access::{RecordAccess, RecordId, RecordKind, SharingGroupId, Tlp};
use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::{OrganisationId, UnitId, UserId};
use dcis_domain::intel::{
    Grade, HandlingCode, InformationAssessment, IntelReport, ReportText, ReportTitle, Source,
    SourceCode, SourceEvaluation,
};
use dcis_domain::role::{Clearance, GeoScope, Role};
use dcis_domain::user::{DisplayName, Language, User, UserName};
use dcis_policy::records::decide;
use dcis_policy::{Actor, Denied};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::Ordering;

/// A user as the test sees it.
#[derive(Clone)]
struct U {
    actor: Actor,
    groups: Vec<SharingGroupId>,
}

/// A record as the test sees it, with its shares as plain facts.
#[derive(Clone)]
struct R {
    access: RecordAccess,
    /// (kind, id, expired)
    shares: Vec<(&'static str, String, bool)>,
}

/// The rules, restated: docs/access-policy.md, "Records".
fn expected(u: &U, r: &R) -> (bool, bool) {
    let a = &u.actor;
    let reader = matches!(
        a.role,
        Role::DataClerk | Role::Analyst | Role::Supervisor | Role::LiaisonOfficer
    );
    let cleared = a.clearance >= r.access.classification;
    let in_scope = match (&a.scope, r.access.province) {
        (GeoScope::National, _) => true,
        (GeoScope::Provinces(_), None) => false,
        (GeoScope::Provinces(ps), Some(p)) => ps.contains(&p),
    };
    let owner = a.unit == r.access.owner_unit;
    let supervisor =
        a.role == Role::Supervisor && a.organisation == r.access.owner_organisation && in_scope;
    let shared = r.shares.iter().any(|(kind, id, expired)| {
        !expired
            && match *kind {
                "user" => *id == a.user.to_string(),
                "unit" => *id == a.unit.to_string(),
                "organisation" => *id == a.organisation.to_string() && in_scope,
                "group" => u.groups.iter().any(|g| g.to_string() == *id),
                _ => false,
            }
    });
    let read = reader && cleared && (owner || supervisor || shared);
    let list = read || (reader && r.access.classification <= Clearance::Restricted && in_scope);
    (list, read)
}

struct World {
    app: App,
    users: Vec<U>,
    records: Vec<R>,
}

async fn build(db: Db) -> World {
    let (app, clock, _) = app(db).await;
    let p05 = ProvinceCode::parse("05").unwrap();
    let p03 = ProvinceCode::parse("03").unwrap();
    // Two organisations, three units.
    let mut orgs = Vec::new();
    for (code, kind) in [("CNP", "counter_narcotics_police"), ("CUS", "customs")] {
        orgs.push(
            app.create_organisation(
                None,
                &OrganisationInput {
                    code: code.into(),
                    kind: kind.into(),
                    name_en: code.into(),
                    name_lo: code.into(),
                    province: String::new(),
                },
            )
            .await
            .unwrap()
            .id,
        );
    }
    let mut units: Vec<(UnitId, OrganisationId, ProvinceCode)> = Vec::new();
    for (o, name, p) in [
        (orgs[0], "Bokeo", p05),
        (orgs[0], "Namtha", p03),
        (orgs[1], "Bokeo customs", p05),
    ] {
        let u = app
            .create_unit(
                None,
                &UnitInput {
                    organisation: o.to_string(),
                    name_en: name.into(),
                    name_lo: name.into(),
                    province: p.as_str().into(),
                    district: String::new(),
                },
            )
            .await
            .unwrap();
        units.push((u.id, o, p));
    }
    // Sharing groups: G1 has unit 2 as a member; users may join directly.
    let sys_admin = {
        let row = app
            .store
            .user_by_name(&UserName::parse("admin").unwrap())
            .await
            .unwrap()
            .unwrap();
        app.actor_for(&row.user, None).await.unwrap()
    };
    let g1 = app
        .create_sharing_group(
            &sys_admin,
            &dcis_app::access::SharingGroupInput {
                code: "OP-MEKONG".into(),
                name_en: "Op".into(),
                name_lo: "Op".into(),
                description: String::new(),
            },
        )
        .await
        .unwrap()
        .id;
    app.set_group_member(&sys_admin, g1, "unit", &units[2].0.to_string(), true)
        .await
        .unwrap();

    // Users: every role × unit × scope × clearance × direct membership of G1.
    let mut users = Vec::new();
    let mut w = app.write_as_system().await.unwrap();
    let mut n = 0;
    for role in Role::ALL {
        for (unit, org, _) in &units {
            for scope in ["national", "05", "03"] {
                for clearance in [Clearance::Restricted, Clearance::Confidential] {
                    for in_group in [false, true] {
                        n += 1;
                        let user = User {
                            id: UserId::from_uuid(app.new_uuid()),
                            installation: app.installation,
                            username: UserName::parse(&format!("u{n:04}")).unwrap(),
                            display_name: DisplayName::parse(&format!("User {n}")).unwrap(),
                            unit: *unit,
                            role,
                            scope: GeoScope::parse(scope).unwrap(),
                            clearance,
                            language: Language::En,
                            disabled_at: None,
                            created_at: app.now(),
                        };
                        w.insert_user(&user, "not-a-hash").await.unwrap();
                        users.push((user, *org, in_group));
                    }
                }
            }
        }
    }
    w.commit().await.unwrap();
    let mut us = Vec::new();
    for (user, _, in_group) in users {
        if in_group {
            app.set_group_member(&sys_admin, g1, "user", &user.id.to_string(), true)
                .await
                .unwrap();
        }
        let actor = app.actor_for(&user, None).await.unwrap();
        let groups = app.groups_of(&actor).await.unwrap();
        us.push(U { actor, groups });
    }

    // One registered source per unit, then records of every shape.
    let mut w = app.write_as_system().await.unwrap();
    for (i, (unit, _, _)) in units.iter().enumerate() {
        w.insert_source(&Source {
            code: SourceCode::parse(&format!("SRC-{i}")).unwrap(),
            handler_unit: *unit,
            identity: "x".into(),
            notes: String::new(),
        })
        .await
        .unwrap();
    }
    w.commit().await.unwrap();
    let share_user = us[17].actor.user;
    let mut records = Vec::new();
    let mut k = 0;
    for (ui, (unit, org, _)) in units.iter().enumerate() {
        for classification in Clearance::ALL {
            for tlp in [Tlp::Red, Tlp::Amber, Tlp::Green] {
                for province in [Some(p05), Some(p03), None] {
                    for share in 0..5 {
                        k += 1;
                        let id = RecordId::from_uuid(app.new_uuid());
                        let access = RecordAccess {
                            record: id,
                            kind: RecordKind::IntelligenceReport,
                            owner_organisation: *org,
                            owner_unit: *unit,
                            province,
                            classification,
                            tlp,
                        };
                        let report = IntelReport {
                            id,
                            reference: format!("IR-T-2026-{k:04}"),
                            title: ReportTitle::parse(&format!("Report {k}")).unwrap(),
                            body: ReportText::parse("body", "text").unwrap(),
                            reported_on: app.now().date(),
                            source: SourceCode::parse(&format!("SRC-{ui}")).unwrap(),
                            grade: Grade {
                                source: SourceEvaluation::R,
                                information: InformationAssessment::B,
                                handling: HandlingCode::P,
                            },
                            handling_conditions: String::new(),
                            access: access.clone(),
                        };
                        let mut w = app.write_as_system().await.unwrap();
                        w.insert_intel_report(&report).await.unwrap();
                        w.commit().await.unwrap();
                        records.push(R {
                            access,
                            shares: Vec::new(),
                        });
                        let _ = share;
                    }
                }
            }
        }
    }
    // Shares, written through the store (the sharing rules themselves are
    // tested separately): none, to G1, to the second organisation, to one
    // user, and to that user but already expired.
    let now = app.now();
    for (i, r) in records.iter_mut().enumerate() {
        let (kind, id, expired) = match i % 5 {
            0 => continue,
            1 => ("group", g1.to_string(), false),
            2 => ("organisation", orgs[1].to_string(), false),
            3 => ("user", share_user.to_string(), false),
            _ => ("user", share_user.to_string(), true),
        };
        let share = dcis_store::Share {
            id: dcis_domain::access::ShareId::from_uuid(app.new_uuid()),
            record: r.access.record,
            target: dcis_domain::access::ShareTarget::parse(kind, &id).unwrap(),
            basis: dcis_domain::access::ShareBasis::Release,
            handling: String::new(),
            shared_by: sys_admin.user,
            shared_at: now,
            expires_at: Some(now + time::Duration::days(if expired { -1 } else { 1 }) * 1),
            revoked_at: None,
        };
        // An "expired" share expires one millisecond after it was made.
        let share = if expired {
            dcis_store::Share {
                expires_at: Some(now + time::Duration::milliseconds(1)),
                ..share
            }
        } else {
            share
        };
        let mut w = app.write_as_system().await.unwrap();
        w.insert_share(RecordKind::IntelligenceReport, &share)
            .await
            .unwrap();
        w.commit().await.unwrap();
        r.shares.push((kind, id, expired));
    }
    // Let the expired shares expire.
    clock.0.fetch_add(10, Ordering::SeqCst);
    World {
        app,
        users: us,
        records,
    }
}

async fn matrix(db: Db) {
    let world = build(db).await;
    let app = &world.app;
    let now_ms = dcis_domain::time::to_millis(app.now());
    let by_id: HashMap<RecordId, &R> = world.records.iter().map(|r| (r.access.record, r)).collect();
    let mut cells = 0u64;
    let mut readable_cells = 0u64;
    for (ui, u) in world.users.iter().enumerate() {
        // Path 1: the list (one query per user, all records): every record
        // appears exactly when it may be listed, marked readable exactly
        // when it may be read, and no title leaks for the others.
        let (rows, total) = app.intel_reports(&u.actor, None, 10_000, 0).await.unwrap();
        assert_eq!(total as usize, rows.len());
        let listed: HashMap<RecordId, &dcis_store::ReportSummary> =
            rows.iter().map(|r| (r.access.record, r)).collect();
        for r in &world.records {
            let (list, read) = expected(u, r);
            let got = listed.get(&r.access.record);
            assert_eq!(
                got.is_some(),
                list,
                "list: user {ui} {:?} record {:?} shares {:?}",
                u.actor,
                r.access,
                r.shares
            );
            if let Some(g) = got {
                assert_eq!(
                    g.readable, read,
                    "readable: user {ui} record {:?}",
                    r.access
                );
                assert_eq!(
                    g.title.is_some(),
                    read,
                    "title leak: user {ui} record {:?}",
                    r.access
                );
            }
            // Path 2: the policy's single-record decision agrees with the rules.
            let facts: Vec<_> = r
                .shares
                .iter()
                .map(|(k, id, expired)| dcis_policy::records::ShareFacts {
                    target: dcis_domain::access::ShareTarget::parse(k, id).unwrap(),
                    expires_at_ms: Some(if *expired {
                        now_ms - 1
                    } else {
                        now_ms + 86_400_000
                    }),
                    revoked: false,
                })
                .collect();
            let d = decide(&u.actor, &u.groups, &r.access, &facts, now_ms);
            assert_eq!(
                (d.list, d.read),
                (list, read),
                "decide: user {ui} record {:?}",
                r.access
            );
            cells += 2;
            readable_cells += u64::from(read);
        }
        // Paths 3 and 4, on a deterministic sample of records per user: the
        // single-record view (404 / 403 request access / the report) and the
        // record's history (404 unless readable).
        for (ri, r) in world
            .records
            .iter()
            .enumerate()
            .filter(|(ri, _)| (ri + ui) % 23 == 0)
        {
            let (list, read) = expected(u, r);
            let view = app.intel_report(&u.actor, r.access.record, "/test").await;
            match (&view, list, read) {
                (Ok(rep), _, true) => assert_eq!(rep.id, r.access.record),
                (Err(AppError::Forbidden(Denied::RequestAccess)), true, false) => {}
                (Err(AppError::NotFound), false, false) => {}
                other => panic!(
                    "view: user {ui} record {ri}: got {:?}, expected list={list} read={read}",
                    other.0
                ),
            }
            let history = app
                .history(
                    &u.actor,
                    "intelligence_report",
                    &r.access.record.to_string(),
                )
                .await;
            assert_eq!(history.is_ok(), read, "history: user {ui} record {ri}");
            cells += 2;
        }
    }
    let _ = by_id;
    // Every read of a report was audited on the record's history.
    let audited: BTreeSet<String> = ["read".to_owned()].into_iter().collect();
    let some_read = world.records.iter().find_map(|r| {
        let u = world.users.iter().find(|u| expected(u, r).1)?;
        Some((u, r))
    });
    if let Some((u, r)) = some_read {
        app.intel_report(&u.actor, r.access.record, "/audit-check")
            .await
            .unwrap();
        let h = app
            .store
            .audit_history("intelligence_report", &r.access.record.to_string())
            .await
            .unwrap();
        assert!(h
            .iter()
            .any(|e| audited.contains(&e.action) && e.actor == u.actor.user.to_string()));
    }
    println!(
        "authorisation matrix ({db:?}): {} users × {} records, {cells} cells checked ({readable_cells} readable)",
        world.users.len(),
        world.records.len()
    );
    assert!(
        readable_cells > 0 && readable_cells < cells / 2,
        "the matrix must contain both outcomes"
    );
}
crate::both!(matrix);

/// Sharing through the application enforces TLP and the recipient rules.
async fn sharing_rules(db: Db) {
    let world = build(db).await;
    let app = &world.app;
    // A supervisor of the first organisation (national, confidential).
    let sup = world
        .users
        .iter()
        .find(|u| {
            u.actor.role == Role::Supervisor
                && matches!(u.actor.scope, GeoScope::National)
                && u.actor.clearance == Clearance::Confidential
        })
        .unwrap()
        .clone();
    let red = world
        .records
        .iter()
        .find(|r| {
            r.access.tlp == Tlp::Red
                && r.access.owner_organisation == sup.actor.organisation
                && r.access.classification == Clearance::Restricted
                && r.shares.is_empty()
        })
        .unwrap();
    let other_unit = world
        .users
        .iter()
        .find(|u| u.actor.organisation != sup.actor.organisation)
        .unwrap();
    let to_unit = ShareInput {
        target_kind: "unit".into(),
        target_id: other_unit.actor.unit.to_string(),
        ..Default::default()
    };
    let r = app
        .share_record(&sup.actor, red.access.record, &to_unit)
        .await;
    assert!(
        matches!(r, Err(AppError::Forbidden(Denied::TlpForbids))),
        "{r:?}"
    );
    // TLP:RED to a named person is allowed, and that person cannot pass it on.
    let reader = world
        .users
        .iter()
        .find(|u| {
            u.actor.organisation != sup.actor.organisation
                && u.actor.role == Role::LiaisonOfficer
                && u.actor.clearance == Clearance::Confidential
        })
        .unwrap();
    let to_user = ShareInput {
        target_kind: "user".into(),
        target_id: reader.actor.user.to_string(),
        handling: "P".into(),
        ..Default::default()
    };
    app.share_record(&sup.actor, red.access.record, &to_user)
        .await
        .unwrap();
    assert!(app
        .intel_report(&reader.actor, red.access.record, "/t")
        .await
        .is_ok());
    let onward = ShareInput {
        target_kind: "user".into(),
        target_id: sup.actor.user.to_string(),
        ..Default::default()
    };
    let r = app
        .share_record(&reader.actor, red.access.record, &onward)
        .await;
    assert!(
        matches!(r, Err(AppError::Forbidden(Denied::TlpForbids))),
        "{r:?}"
    );
}
crate::both!(sharing_rules);
