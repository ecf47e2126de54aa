//! The authorisation matrix: many users × many records × the read paths,
//! on SQLite and PostgreSQL. The expected outcome of every cell comes from
//! `expected()` and the search rules below, written from
//! docs/access-policy.md and independently of `dcis_policy` (which the
//! store's SQL and `decide` both implement): not even the users' sharing
//! groups are taken from the code under test.
//!
//! The read paths, by the application function that the pages and the API
//! handlers call (the handlers add only paging and wire types):
//!
//! | path | pages and API | application function | cells |
//! |---|---|---|---|
//! | list | `/intelligence`, `/cases` | `App::intel_reports`, `App::cases` | every user × record |
//! | search | `?q=` and filters of the lists, the header's search box | the same, with text or filters | every user × record × query |
//! | API list | `GET /api/v1/intelligence`, `GET /api/v1/cases` | the same, page by page as the API asks | every user × record |
//! | decide | edit and share checks | `dcis_policy::records::decide` | every user × record |
//! | view, API get | `/intelligence/{id}`, `/cases/{id}`, `GET /api/v1/…/{id}` | `App::intel_report`, `App::case` | a sample |
//! | request page | the access-request page, the list of requests | `App::intel_summary`, `App::case_listing` | a sample |
//! | history | a record's history, `GET /api/v1/history/{type}/{id}` | `App::history` | a sample |
//! | people | the people of a case, `/persons/{id}`, their API | `App::case_people`, `App::person` | a sample |
//! | export | `/cases/export.{csv,xlsx}`, `GET /api/v1/cases/export` | `App::export_cases` | every user × case (CSV), a sample of users (XLSX) |
//! | audit log | `/admin/audit`, `GET /api/v1/audit` | `App::audit_log` | every user × record |
//! | export audit entries | the same, `GET /api/v1/history/export/{id}` | `App::audit_log`, `App::history` | every reader of the audit log × export; a sample |
//!
//! | dashboard | `/dashboard`, `GET /api/v1/stats/dashboard` | `App::dashboard` | every user |
//! | pivot | `/analysis/pivot`, `GET /api/v1/stats` (province × month) | `App::stats` | every user × (province, month) |
//! | dashboard drill-down | a tile's link, `/cases?from=…&to=…&substance=…` or `&province=…` | `App::cases` | every user × record × link |
//!
//! Aggregates follow their own rule (docs/access-policy.md, "Aggregates"):
//! every case in the user's provinces counts, readable or not, and no figure
//! of fewer than 3 cases is shown; the drill-down lists behind the tiles are
//! ordinary filtered lists under the record rules. Persons are in
//! the matrix as the people of cases (a person in every sixth case, a
//! record of its own marked like the case and never shared); there is no
//! list of persons yet.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dcis_app::access::ShareInput;
use dcis_app::cases::item_record;
use dcis_app::export::ExportFormat;
use dcis_app::orgs::{OrganisationInput, UnitInput};
use dcis_app::stats::Figure;
use dcis_app::{App, AppError};
use dcis_domain::access::{RecordAccess, RecordId, RecordKind, SharingGroupId, Tlp};
use dcis_domain::case::CaseFields;
use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::{OrganisationId, SeizureItemId, UnitId, UserId};
use dcis_domain::intel::{
    Grade, HandlingCode, InformationAssessment, IntelReport, ReportText, ReportTitle, Source,
    SourceCode, SourceEvaluation,
};
use dcis_domain::person::{CasePersonFields, DocumentFields, PersonFields};
use dcis_domain::role::{Clearance, GeoScope, Role};
use dcis_domain::seizure::SeizureItemFields;
use dcis_domain::stats::{Group, Measure, Period, StatDim, TimeGrain};
use dcis_domain::user::{DisplayName, Language, User, UserName};
use dcis_policy::records::decide;
use dcis_policy::{Actor, Denied};
use dcis_store::{CaseFilter, CasePersonRecord, CaseRecord, PersonRecord, PlanChoice, StatsQuery};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// A user as the test sees it.
#[derive(Clone)]
struct U {
    actor: Actor,
    /// The sharing groups the user belongs to, as the test set them up
    /// (directly, through the unit or through the organisation).
    member_of: BTreeSet<String>,
    /// The same, as the application finds them (the policy's input).
    groups: Vec<SharingGroupId>,
}

/// A share as plain facts.
#[derive(Clone, Debug)]
struct S {
    kind: &'static str,
    id: String,
    expired: bool,
    revoked: bool,
}

/// A record as the test sees it: access facts, shares, and the content a
/// search may or may not look at.
#[derive(Clone, Debug)]
struct R {
    access: RecordAccess,
    shares: Vec<S>,
    reference: String,
    /// The report's title, or the case's narrative.
    text: String,
    /// Cases only: operation name, status, the substance of its one item,
    /// date.
    operation: String,
    status: String,
    substance: String,
    occurred_on: String,
    /// Cases only: a person recorded in the case (a record of its own,
    /// marked like the case and never shared), with their document number.
    person: Option<(RecordAccess, String)>,
}

impl R {
    /// The case's person as a record of its own.
    fn person(&self) -> Option<R> {
        self.person.as_ref().map(|(access, _)| R {
            access: access.clone(),
            shares: Vec::new(),
            reference: String::new(),
            text: String::new(),
            operation: String::new(),
            status: String::new(),
            substance: String::new(),
            occurred_on: String::new(),
            person: None,
        })
    }
}

/// May `u` read the person of case `r` (false when it has none)?
fn reads_person(u: &U, r: &R) -> bool {
    r.person().is_some_and(|p| expected(u, &p).1)
}

/// One cell of the policy, restated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expect {
    list: bool,
    read: bool,
    edit: bool,
    share: bool,
    export: bool,
    originator: bool,
}

/// The permissions of the table in docs/access-policy.md, "What each role
/// may do", for the rows the matrix needs.
fn reads_records(r: Role) -> bool {
    matches!(
        r,
        Role::DataClerk | Role::Analyst | Role::Supervisor | Role::LiaisonOfficer
    )
}
fn edits_records(r: Role) -> bool {
    matches!(r, Role::DataClerk | Role::Supervisor)
}
fn exports_records(r: Role) -> bool {
    matches!(r, Role::Analyst | Role::Supervisor)
}
fn shares_records(r: Role) -> bool {
    matches!(r, Role::Supervisor | Role::LiaisonOfficer)
}
fn analyses(r: Role) -> bool {
    matches!(r, Role::Analyst | Role::Supervisor)
}
fn reads_audit_log(r: Role) -> bool {
    matches!(r, Role::Administrator | Role::Supervisor)
}

/// The rules, restated: docs/access-policy.md, "Records".
fn expect(u: &U, r: &R) -> Expect {
    let a = &u.actor;
    let reader = reads_records(a.role);
    let cleared = a.clearance >= r.access.classification;
    let in_scope = match (&a.scope, r.access.province) {
        (GeoScope::National, _) => true,
        (GeoScope::Provinces(_), None) => false,
        (GeoScope::Provinces(ps), Some(p)) => ps.contains(&p),
    };
    let owner = a.unit == r.access.owner_unit;
    let supervisor =
        a.role == Role::Supervisor && a.organisation == r.access.owner_organisation && in_scope;
    let shared = r.shares.iter().any(|s| {
        !s.expired
            && !s.revoked
            && match s.kind {
                "user" => s.id == a.user.to_string(),
                "unit" => s.id == a.unit.to_string(),
                "organisation" => s.id == a.organisation.to_string() && in_scope,
                "group" => u.member_of.contains(&s.id),
                _ => false,
            }
    });
    let originator = owner || supervisor;
    let read = reader && cleared && (originator || shared);
    let list = read || (reader && r.access.classification <= Clearance::Restricted && in_scope);
    Expect {
        list,
        read,
        edit: read && originator && edits_records(a.role),
        // TLP:RED: only the originator shares, and only with named people
        // (the recipient check is `sharing_rules` below).
        share: read && shares_records(a.role) && (originator || r.access.tlp != Tlp::Red),
        export: read && exports_records(a.role),
        originator,
    }
}

fn expected(u: &U, r: &R) -> (bool, bool) {
    let e = expect(u, r);
    (e.list, e.read)
}

/// A free-text search over reports: the reference of every listed report,
/// the title only of readable ones ("never its title" to the others).
fn report_found(u: &U, r: &R, q: &str) -> bool {
    let (list, read) = expected(u, r);
    let q = q.to_lowercase();
    list && (r.reference.to_lowercase().contains(&q)
        || (read && r.text.to_lowercase().contains(&q)))
}

/// A case-list query and which cases it must return. Place and date filters
/// apply to every listed case, the reference is known to everyone who may
/// list the case; content (status, substance, narrative, operation) only
/// to readers.
struct CaseQuery {
    name: &'static str,
    filter: CaseFilter,
    matches: fn(&U, &R, bool, bool) -> bool,
}

fn has(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

/// The reference rule of docs/search.md, restated: the query's letters and
/// digits, in lower case, start the reference's letters and digits read
/// from the start of one of its parts.
fn finds_reference(reference: &str, q: &str) -> bool {
    let alnum = |s: &[char]| -> String {
        s.iter()
            .filter(|c| c.is_alphanumeric())
            .flat_map(|c| c.to_lowercase())
            .collect()
    };
    let q = alnum(&q.chars().collect::<Vec<_>>());
    let r: Vec<char> = reference.chars().collect();
    !q.is_empty()
        && (0..r.len())
            .filter(|&i| r[i].is_alphanumeric() && (i == 0 || !r[i - 1].is_alphanumeric()))
            .any(|i| alnum(&r[i..]).starts_with(&q))
}

fn case_queries() -> Vec<CaseQuery> {
    let f = |text: &str| CaseFilter {
        text: Some(text.into()),
        ..Default::default()
    };
    vec![
        CaseQuery {
            name: "text: a narrative word",
            filter: f("Sapphire"),
            matches: |_, r, _, read| read && has(&r.text, "sapphire"),
        },
        CaseQuery {
            name: "text: every narrative",
            filter: f("matrix case"),
            matches: |_, r, _, read| read && has(&r.text, "matrix case"),
        },
        CaseQuery {
            name: "text: operation name",
            filter: f("golden lotus"),
            matches: |_, r, _, read| read && has(&r.operation, "golden lotus"),
        },
        // A person's name or document number finds a case only for those
        // who may read both the case and the person: the person is a record
        // of its own, and a case shared is not its people shared.
        CaseQuery {
            name: "text: a person's name",
            filter: f("matrixperson"),
            matches: |u, r, _, read| read && reads_person(u, r),
        },
        CaseQuery {
            name: "text: a document number",
            filter: f("mx-0012"),
            matches: |u, r, _, read| {
                read && reads_person(u, r) && r.person.as_ref().is_some_and(|(_, n)| n == "MX0012")
            },
        },
        CaseQuery {
            name: "text: reference",
            filter: f("c-t-2026-02"),
            matches: |_, r, list, _| list && finds_reference(&r.reference, "c-t-2026-02"),
        },
        CaseQuery {
            name: "text: the end of a reference",
            filter: f("2026 02"),
            matches: |_, r, list, read| {
                (list && finds_reference(&r.reference, "2026 02"))
                    || (read && has(&r.text, " 2026 02"))
            },
        },
        CaseQuery {
            name: "text: inside a part of a reference",
            filter: f("026-02"),
            matches: |_, r, list, read| {
                (list && finds_reference(&r.reference, "026-02")) || (read && has(&r.text, "026"))
            },
        },
        CaseQuery {
            name: "status",
            filter: CaseFilter {
                status: Some("closed".into()),
                ..Default::default()
            },
            matches: |_, r, _, read| read && r.status == "closed",
        },
        CaseQuery {
            name: "substance",
            filter: CaseFilter {
                substance: Some("heroin".into()),
                ..Default::default()
            },
            matches: |_, r, _, read| read && r.substance == "HEROIN",
        },
        CaseQuery {
            name: "province",
            filter: CaseFilter {
                province: Some("03".into()),
                ..Default::default()
            },
            matches: |_, r, list, _| {
                list && r.access.province.map(|p| p.as_str() == "03") == Some(true)
            },
        },
        CaseQuery {
            name: "dates",
            filter: CaseFilter {
                from: Some("2026-03-01".into()),
                to: Some("2026-06-30".into()),
                ..Default::default()
            },
            matches: |_, r, list, _| {
                list && r.occurred_on.as_str() >= "2026-03-01"
                    && r.occurred_on.as_str() <= "2026-06-30"
            },
        },
        // The links of the dashboard's tiles (crates/dcis-web/src/pages/
        // analysis.rs builds them from the period and the tile): a substance
        // tile's list is a content filter (readable cases only), a province
        // tile's is not.
        CaseQuery {
            name: "drill-down: a substance in the period",
            filter: CaseFilter {
                from: Some("2026-01-01".into()),
                to: Some("2026-06-30".into()),
                substance: Some("METH_TABLET".into()),
                ..Default::default()
            },
            matches: |_, r, _, read| {
                read && r.substance == "METH_TABLET" && r.occurred_on.as_str() <= "2026-06-30"
            },
        },
        CaseQuery {
            name: "drill-down: a province in the period",
            filter: CaseFilter {
                from: Some("2026-07-01".into()),
                to: Some("2026-12-31".into()),
                province: Some("05".into()),
                ..Default::default()
            },
            matches: |_, r, list, _| {
                list && r.access.province.map(|p| p.as_str() == "05") == Some(true)
                    && r.occurred_on.as_str() >= "2026-07-01"
            },
        },
        CaseQuery {
            name: "reference and status",
            filter: CaseFilter {
                text: Some("C-T-2026-0".into()),
                status: Some("open".into()),
                ..Default::default()
            },
            matches: |_, r, _, read| {
                read && finds_reference(&r.reference, "C-T-2026-0") && r.status == "open"
            },
        },
    ]
}

/// Free-text searches of the report list: a title word, a reference
/// prefix, a title prefix, title words in capitals, and nothing.
const REPORT_QUERIES: &[&str] = &[
    "heroin",
    "IR-T-2026-01",
    "report 1",
    "HEROIN COURIER",
    "zz-nothing",
];

/// Share patterns, one per record in turn: none, to a sharing group with a
/// unit and some users as members, to an organisation, to a user, to that
/// user but expired, to a unit, to that unit but revoked, to a sharing
/// group with an organisation as member.
const PATTERNS: usize = 8;

struct World {
    app: App,
    /// The database's URL, for checks outside the application.
    url: String,
    users: Vec<U>,
    /// Intelligence reports.
    records: Vec<R>,
    cases: Vec<R>,
}

/// Per path: the cells checked and the time spent on them.
#[derive(Default)]
struct Cells(BTreeMap<&'static str, (u64, std::time::Duration)>);

impl Cells {
    /// Counts `n` cells of `path`, checked since `since`.
    fn add(&mut self, path: &'static str, n: usize, since: Instant) {
        let e = self.0.entry(path).or_default();
        e.0 += n as u64;
        e.1 += since.elapsed();
    }

    fn total(&self) -> u64 {
        self.0.values().map(|(n, _)| n).sum()
    }

    fn merge(&mut self, other: Cells) {
        for (path, (n, took)) in other.0 {
            let e = self.0.entry(path).or_default();
            e.0 += n;
            e.1 += took;
        }
    }
}

/// The single-record paths (view, request page, history) run on one
/// user-record pair in `SAMPLE`: each view of a readable record appends a
/// read to the audit chain, and all of them together would take minutes.
const SAMPLE: usize = 89;

/// Users are checked in this many concurrent lanes (the store's pool holds
/// 8 connections); the queries are latency-bound, mostly on PostgreSQL.
const LANES: usize = 4;

async fn build(db: Db) -> World {
    let (app, clock, url) = app(db).await;
    let p05 = ProvinceCode::parse("05").unwrap();
    let p03 = ProvinceCode::parse("03").unwrap();
    let p01 = ProvinceCode::parse("01").unwrap();
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
    // Sharing groups: G1 has the customs unit as a member, and users may
    // join directly; G2 has the first organisation as a member.
    let sys_admin = {
        let row = app
            .store
            .user_by_name(&UserName::parse("admin").unwrap())
            .await
            .unwrap()
            .unwrap();
        app.actor_for(&row.user, None).await.unwrap()
    };
    let group = |code: &'static str| {
        let app = app.clone();
        let sys_admin = sys_admin.clone();
        async move {
            app.create_sharing_group(
                &sys_admin,
                &dcis_app::access::SharingGroupInput {
                    code: code.into(),
                    name_en: code.into(),
                    name_lo: code.into(),
                    description: String::new(),
                },
            )
            .await
            .unwrap()
            .id
        }
    };
    let g1 = group("OP-MEKONG").await;
    let g2 = group("OP-NORTH").await;
    app.set_group_member(&sys_admin, g1, "unit", &units[2].0.to_string(), true)
        .await
        .unwrap();
    app.set_group_member(&sys_admin, g2, "organisation", &orgs[0].to_string(), true)
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
    for (user, org, in_group) in users {
        if in_group {
            app.set_group_member(&sys_admin, g1, "user", &user.id.to_string(), true)
                .await
                .unwrap();
        }
        let mut member_of = BTreeSet::new();
        if in_group || user.unit == units[2].0 {
            member_of.insert(g1.to_string());
        }
        if org == orgs[0] {
            member_of.insert(g2.to_string());
        }
        let actor = app.actor_for(&user, None).await.unwrap();
        let groups = app.groups_of(&actor).await.unwrap();
        let found: BTreeSet<String> = groups.iter().map(|g| g.to_string()).collect();
        assert_eq!(
            found,
            member_of,
            "sharing groups of {}",
            user.username.as_str()
        );
        us.push(U {
            actor,
            member_of,
            groups,
        });
    }
    // Shares to a user go to an analyst of the second unit, whom no other
    // rule lets read the first unit's records.
    let share_user = us
        .iter()
        .find(|u| {
            u.actor.role == Role::Analyst
                && u.actor.unit == units[1].0
                && matches!(u.actor.scope, GeoScope::National)
                && u.actor.clearance == Clearance::Confidential
                && !u.member_of.contains(&g1.to_string())
        })
        .unwrap()
        .actor
        .user;

    // One registered source per unit, then reports of every shape, in one
    // transaction.
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
    let mut records = Vec::new();
    let mut k = 0;
    for (ui, (unit, org, _)) in units.iter().enumerate() {
        for classification in Clearance::ALL {
            for tlp in [Tlp::Red, Tlp::Amber, Tlp::Green] {
                for province in [Some(p05), Some(p03), None] {
                    for _ in 0..PATTERNS {
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
                        let title = if k % 3 == 0 {
                            format!("Report {k} heroin courier")
                        } else {
                            format!("Report {k}")
                        };
                        let report = IntelReport {
                            id,
                            reference: format!("IR-T-2026-{k:04}"),
                            title: ReportTitle::parse(&title).unwrap(),
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
                        w.insert_intel_report(&report).await.unwrap();
                        records.push(R {
                            access,
                            shares: Vec::new(),
                            reference: report.reference.clone(),
                            text: title,
                            operation: String::new(),
                            status: String::new(),
                            substance: String::new(),
                            occurred_on: String::new(),
                            person: None,
                        });
                    }
                }
            }
        }
    }

    w.commit().await.unwrap();

    // Cases of every shape, each with one seized item. A case always has a
    // province; 01 is outside every provincial scope of the matrix.
    let now = app.now();
    let mut w = app.write_as_system().await.unwrap();
    let mut cases = Vec::new();
    let mut k = 0;
    for (unit, org, _) in &units {
        for classification in Clearance::ALL {
            for tlp in [Tlp::Red, Tlp::Amber, Tlp::Green] {
                for province in [p05, p03, p01] {
                    for _ in 0..PATTERNS {
                        k += 1;
                        let id = RecordId::from_uuid(app.new_uuid());
                        let access = RecordAccess {
                            record: id,
                            kind: RecordKind::Case,
                            owner_organisation: *org,
                            owner_unit: *unit,
                            province: Some(province),
                            classification,
                            tlp,
                        };
                        let status = ["open", "under_investigation", "closed"][(k / 2) % 3];
                        let heroin = k % 3 == 0;
                        let narrative = if k % 4 == 0 {
                            format!("Synthetic matrix case {k}. Codeword Sapphire.")
                        } else {
                            format!("Synthetic matrix case {k}.")
                        };
                        let fields = CaseFields {
                            reference: format!("C-T-2026-{k:04}"),
                            occurred_on: format!("2026-{:02}-{:02}", 1 + k % 12, 1 + k % 28),
                            occurred_time: "10:30".into(),
                            province: province.as_str().into(),
                            operation_name: if k % 5 == 1 { "Golden Lotus" } else { "" }.into(),
                            detection_method: "checkpoint_search".into(),
                            transport_mode: "truck".into(),
                            concealment_method: "tea_packaging".into(),
                            origin_country: "MM".into(),
                            destination_country: "TH".into(),
                            status: status.into(),
                            narrative: narrative.clone(),
                            ..Default::default()
                        };
                        let record = CaseRecord {
                            id,
                            agency: *org,
                            fields: fields.clone(),
                            access: access.clone(),
                            created_at: now,
                            updated_at: now,
                        };
                        let item = item_record(
                            id,
                            1,
                            SeizureItemId::from_uuid(app.new_uuid()),
                            &SeizureItemFields {
                                substance: if heroin { "HEROIN" } else { "METH_TABLET" }.into(),
                                form: if heroin { "powder" } else { "tablet" }.into(),
                                quantity: if heroin { "1.5" } else { "2000" }.into(),
                                unit: if heroin { "kg" } else { "tablets" }.into(),
                                ..Default::default()
                            },
                        )
                        .unwrap();
                        w.insert_case(&record).await.unwrap();
                        w.insert_item(&item).await.unwrap();
                        // A person in every sixth case, recorded as the
                        // application records one: a record of the case's
                        // unit, placed and marked like the case.
                        let person = if k % 6 == 0 {
                            let number = format!("MX{k:04}");
                            let fields = PersonFields {
                                name: "Bounmy Matrixperson".into(),
                                latin_name: "Bounmy Matrixperson".into(),
                                sex: "male".into(),
                                age: "40".into(),
                                nationality: "LA".into(),
                                documents: vec![DocumentFields {
                                    kind: "passport".into(),
                                    number: number.clone(),
                                    issuing_country: "LA".into(),
                                }],
                                ..Default::default()
                            };
                            let keys = fields
                                .as_input()
                                .parse(now.date(), now.date())
                                .unwrap()
                                .search_keys();
                            let pid = RecordId::from_uuid(app.new_uuid());
                            let paccess = RecordAccess {
                                record: pid,
                                kind: RecordKind::Person,
                                ..access.clone()
                            };
                            w.insert_person(&PersonRecord {
                                id: pid,
                                fields,
                                age_as_of: record.fields.occurred_on.clone(),
                                search_keys: keys,
                                access: paccess.clone(),
                                created_at: now,
                            })
                            .await
                            .unwrap();
                            w.insert_case_person(&CasePersonRecord {
                                case: id,
                                person: pid,
                                position: 1,
                                part: CasePersonFields {
                                    role: "courier".into(),
                                    ..Default::default()
                                },
                            })
                            .await
                            .unwrap();
                            Some((paccess, number))
                        } else {
                            None
                        };
                        cases.push(R {
                            access,
                            shares: Vec::new(),
                            reference: fields.reference,
                            text: narrative,
                            operation: fields.operation_name,
                            status: status.into(),
                            substance: item.fields.substance.clone(),
                            occurred_on: fields.occurred_on,
                            person,
                        });
                    }
                }
            }
        }
    }

    // Shares, written through the store (the sharing rules themselves are
    // tested separately), in the order of PATTERNS.
    w.commit().await.unwrap();
    let mut shares_written = 0;
    let mut w = app.write_as_system().await.unwrap();
    for (list, kind) in [
        (&mut records, RecordKind::IntelligenceReport),
        (&mut cases, RecordKind::Case),
    ] {
        for (i, r) in list.iter_mut().enumerate() {
            let (target, id, expired, revoked) = match i % PATTERNS {
                0 => continue,
                1 => ("group", g1.to_string(), false, false),
                2 => ("organisation", orgs[1].to_string(), false, false),
                3 => ("user", share_user.to_string(), false, false),
                4 => ("user", share_user.to_string(), true, false),
                5 => ("unit", units[1].0.to_string(), false, false),
                6 => ("unit", units[1].0.to_string(), false, true),
                _ => ("group", g2.to_string(), false, false),
            };
            let share = dcis_store::Share {
                id: dcis_domain::access::ShareId::from_uuid(app.new_uuid()),
                record: r.access.record,
                target: dcis_domain::access::ShareTarget::parse(target, &id).unwrap(),
                basis: dcis_domain::access::ShareBasis::Release,
                handling: String::new(),
                shared_by: sys_admin.user,
                shared_at: now,
                // An "expired" share expires one millisecond after it was
                // made (the clock moves on below).
                expires_at: Some(if expired {
                    now + time::Duration::milliseconds(1)
                } else {
                    now + time::Duration::days(1)
                }),
                revoked_at: None,
            };
            w.insert_share(kind, &share).await.unwrap();
            if revoked {
                w.revoke_share(kind, &share).await.unwrap();
            }
            shares_written += 1;
            r.shares.push(S {
                kind: target,
                id,
                expired,
                revoked,
            });
        }
    }
    w.commit().await.unwrap();
    assert!(shares_written > 0);
    // Let the expired shares expire.
    clock.0.fetch_add(10, Ordering::SeqCst);
    World {
        url,
        app,
        users: us,
        records,
        cases,
    }
}

/// The policy's single-record decision against the rules.
fn check_decide(u: &U, ui: usize, r: &R, now_ms: i64) {
    let facts: Vec<_> = r
        .shares
        .iter()
        .map(|s| dcis_policy::records::ShareFacts {
            target: dcis_domain::access::ShareTarget::parse(s.kind, &s.id).unwrap(),
            expires_at_ms: Some(if s.expired {
                now_ms - 1
            } else {
                now_ms + 86_400_000
            }),
            revoked: s.revoked,
        })
        .collect();
    let d = decide(&u.actor, &u.groups, &r.access, &facts, now_ms);
    let got = Expect {
        list: d.list,
        read: d.read,
        edit: d.edit,
        share: d.share,
        export: d.export,
        originator: d.originator,
    };
    assert_eq!(
        got,
        expect(u, r),
        "decide: user {ui} {:?} record {:?} shares {:?}",
        u.actor,
        r.access,
        r.shares
    );
}

/// Reports: list, search, the API's pages, decide; view, request page and
/// history on a sample.
async fn check_reports(world: &World, ui: usize, u: &U, cells: &mut Cells) {
    let app = &world.app;
    let now_ms = dcis_domain::time::to_millis(app.now());
    // The list (one query per user, all records): every record appears
    // exactly when it may be listed, marked readable exactly when it may be
    // read, and no title or grade leaks for the others.
    let t = Instant::now();
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
            "report list: user {ui} {:?} record {:?} shares {:?}",
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
                "title leak: user {ui} {:?}",
                r.access
            );
            assert_eq!(
                g.grade.is_some(),
                read,
                "grade leak: user {ui} {:?}",
                r.access
            );
            assert_eq!(g.reference, r.reference);
        }
    }
    cells.add("report list", world.records.len(), t);
    let t = Instant::now();
    for r in &world.records {
        check_decide(u, ui, r, now_ms);
    }
    cells.add("report decide", world.records.len(), t);

    // The search: the reference of every listed report, the title of
    // readable ones only.
    for q in REPORT_QUERIES {
        let t = Instant::now();
        let (rows, total) = app
            .intel_reports(&u.actor, Some(q), 10_000, 0)
            .await
            .unwrap();
        assert_eq!(total as usize, rows.len(), "search {q:?} total");
        let found: HashMap<RecordId, &dcis_store::ReportSummary> =
            rows.iter().map(|r| (r.access.record, r)).collect();
        for r in &world.records {
            let want = report_found(u, r, q);
            assert_eq!(
                found.contains_key(&r.access.record),
                want,
                "report search {q:?}: user {ui} {:?} record {:?} {:?} shares {:?}",
                u.actor,
                r.access,
                r.text,
                r.shares
            );
            if let Some(g) = found.get(&r.access.record) {
                assert_eq!(g.title.is_some(), expected(u, r).1, "search title leak");
            }
        }
        cells.add("report search", world.records.len(), t);
    }

    // The API's list: page by page (its page sizes, 1 to 500), the pages
    // together hold each listed report once and nothing else.
    let t = Instant::now();
    let per_page = [50, 250, 500][ui % 3];
    let mut seen: HashMap<RecordId, bool> = HashMap::new();
    let mut offset = 0;
    loop {
        let (rows, total) = app
            .intel_reports(&u.actor, None, per_page, offset)
            .await
            .unwrap();
        for s in &rows {
            assert!(
                seen.insert(s.access.record, s.readable).is_none(),
                "report twice in the pages: user {ui}"
            );
            assert_eq!(s.title.is_some(), s.readable);
        }
        offset += per_page;
        if rows.is_empty() || offset >= total {
            assert_eq!(seen.len() as i64, total, "pages and total: user {ui}");
            break;
        }
    }
    for r in &world.records {
        let (list, read) = expected(u, r);
        assert_eq!(
            seen.get(&r.access.record).copied(),
            list.then_some(read),
            "API pages: user {ui} record {:?}",
            r.access
        );
    }
    cells.add("report API list (pages)", world.records.len(), t);

    // On a deterministic sample of records per user: the single-record view
    // (also the API's get: 404 / 403 request access / the report), what the
    // request page may show, and the record's history (404 unless
    // readable).
    for (ri, r) in world
        .records
        .iter()
        .enumerate()
        .filter(|(ri, _)| (ri + ui).is_multiple_of(SAMPLE))
    {
        let (list, read) = expected(u, r);
        let t = Instant::now();
        let view = app.intel_report(&u.actor, r.access.record, "/test").await;
        match (&view, list, read) {
            (Ok(rep), _, true) => {
                assert_eq!(rep.id, r.access.record);
                assert_eq!(rep.title.as_str(), r.text);
            }
            (Err(AppError::Forbidden(Denied::RequestAccess)), true, false) => {}
            (Err(AppError::NotFound), false, false) => {}
            other => panic!(
                "report view: user {ui} record {ri}: got {:?}, expected list={list} read={read}",
                other.0
            ),
        }
        cells.add("report view / API get", 1, t);
        let t = Instant::now();
        match app.intel_summary(&u.actor, r.access.record).await {
            Ok(s) => {
                assert!(
                    list,
                    "request page of an unlisted report: user {ui} record {ri}"
                );
                assert_eq!(s.readable, read);
                assert_eq!(s.title.is_some(), read, "request page title leak");
                assert_eq!(s.reference, r.reference);
            }
            Err(AppError::NotFound) => assert!(!list, "request page: user {ui} record {ri}"),
            Err(e) => panic!("request page: {e:?}"),
        }
        cells.add("report request page", 1, t);
        let t = Instant::now();
        let history = app
            .history(
                &u.actor,
                "intelligence_report",
                &r.access.record.to_string(),
            )
            .await;
        assert_eq!(
            history.is_ok(),
            read,
            "report history: user {ui} record {ri}"
        );
        cells.add("report history", 1, t);
    }
}

/// Cases: list, searches and filters, the API's pages, decide; view,
/// request page and history on a sample.
async fn check_cases(world: &World, ui: usize, u: &U, cells: &mut Cells, queries: &[CaseQuery]) {
    let app = &world.app;
    let now_ms = dcis_domain::time::to_millis(app.now());
    let all = CaseFilter {
        limit: 10_000,
        ..Default::default()
    };
    let reader = reads_records(u.actor.role);
    let t = Instant::now();
    match app.cases(&u.actor, &all).await {
        Ok((rows, total)) => {
            assert!(reader, "case list for a role that may not read records");
            assert!(total.exact, "uncapped count");
            assert_eq!(total.n as usize, rows.len());
            let listed: HashMap<RecordId, &dcis_store::CaseSummary> =
                rows.iter().map(|r| (r.access.record, r)).collect();
            for r in &world.cases {
                let (list, read) = expected(u, r);
                let got = listed.get(&r.access.record);
                assert_eq!(
                    got.is_some(),
                    list,
                    "case list: user {ui} {:?} case {:?} shares {:?}",
                    u.actor,
                    r.access,
                    r.shares
                );
                if let Some(g) = got {
                    assert_eq!(g.readable, read, "case readable: user {ui} {:?}", r.access);
                    assert_eq!(g.status.is_some(), read, "status leak: {:?}", r.access);
                    assert_eq!(
                        g.substances.is_some(),
                        read,
                        "substance leak: {:?}",
                        r.access
                    );
                    assert_eq!(g.reference, r.reference);
                }
            }
        }
        Err(AppError::Forbidden(Denied::Permission(_))) => {
            assert!(!reader, "case list refused to a reader: user {ui}");
            assert!(world.cases.iter().all(|r| !expected(u, r).0));
        }
        Err(e) => panic!("case list: {e:?}"),
    }
    cells.add("case list", world.cases.len(), t);
    let t = Instant::now();
    for r in &world.cases {
        check_decide(u, ui, r, now_ms);
    }
    cells.add("case decide", world.cases.len(), t);

    // Searches and filters.
    for q in queries {
        let t = Instant::now();
        // A text query runs both ways: candidates picked from the search
        // terms, and every case tested in list order.
        let choices: &[PlanChoice] = if q.filter.text.is_some() {
            &[PlanChoice::Candidates, PlanChoice::ListOrder]
        } else {
            &[PlanChoice::Auto]
        };
        for &text_plan in choices {
            let filter = CaseFilter {
                limit: 10_000,
                text_plan,
                ..q.filter.clone()
            };
            let found: BTreeMap<RecordId, bool> = match app.cases(&u.actor, &filter).await {
                Ok((rows, total)) => {
                    assert!(total.exact, "case search {}: uncapped count", q.name);
                    assert_eq!(
                        total.n as usize,
                        rows.len(),
                        "case search {}: total",
                        q.name
                    );
                    rows.iter().map(|r| (r.access.record, r.readable)).collect()
                }
                Err(AppError::Forbidden(_)) if !reader => BTreeMap::new(),
                Err(e) => panic!("case search {}: {e:?}", q.name),
            };
            for r in &world.cases {
                let (list, read) = expected(u, r);
                let want = (q.matches)(u, r, list, read);
                assert_eq!(
                    found.get(&r.access.record).copied(),
                    want.then_some(read),
                    "case search {} ({text_plan:?}): user {ui} {:?} case {:?} {:?} shares {:?}",
                    q.name,
                    u.actor,
                    r.access,
                    r.reference,
                    r.shares
                );
            }
            cells.add("case search and filters", world.cases.len(), t);
        }
    }

    // The API's list, page by page.
    if reader {
        let t = Instant::now();
        let per_page = [50, 250, 500][(ui + 1) % 3];
        let mut seen: HashMap<RecordId, bool> = HashMap::new();
        let mut page = 1;
        loop {
            // Counted a little past the page, as the list page counts: the
            // count stops there while more cases remain.
            let f = CaseFilter {
                limit: per_page,
                offset: (page - 1) * per_page,
                count_up_to: Some(page * per_page + 3),
                ..Default::default()
            };
            let (rows, total) = app.cases(&u.actor, &f).await.unwrap();
            if !total.exact {
                assert_eq!(total.n, page * per_page + 3, "capped count: user {ui}");
                assert_eq!(rows.len() as i64, per_page, "a full page before the cap");
            }
            for s in &rows {
                assert!(
                    seen.insert(s.access.record, s.readable).is_none(),
                    "case twice in the pages: user {ui}"
                );
            }
            if rows.is_empty() || page * per_page >= total.n {
                assert!(total.exact, "the last page's count is exact: user {ui}");
                assert_eq!(
                    seen.len() as i64,
                    total.n,
                    "case pages and total: user {ui}"
                );
                break;
            }
            page += 1;
        }
        for r in &world.cases {
            let (list, read) = expected(u, r);
            assert_eq!(
                seen.get(&r.access.record).copied(),
                list.then_some(read),
                "case API pages: user {ui} case {:?}",
                r.access
            );
        }
        cells.add("case API list (pages)", world.cases.len(), t);
    }

    // A sample: view (and the API's get), request page, history.
    for (ri, r) in world
        .cases
        .iter()
        .enumerate()
        .filter(|(ri, _)| (ri + ui) % SAMPLE == SAMPLE / 2)
    {
        let (list, read) = expected(u, r);
        let t = Instant::now();
        let view = app.case(&u.actor, r.access.record, "/test").await;
        match (&view, list, read) {
            (Ok((c, items)), _, true) => {
                assert_eq!(c.id, r.access.record);
                assert_eq!(c.fields.narrative, r.text);
                assert_eq!(items.len(), 1);
            }
            (Err(AppError::Forbidden(Denied::RequestAccess)), true, false) => {}
            (Err(AppError::NotFound), false, false) => {}
            other => panic!(
                "case view: user {ui} case {ri}: got {:?}, expected list={list} read={read}",
                other.0
            ),
        }
        cells.add("case view / API get", 1, t);
        // The people of a case: those the actor may read, of a case they
        // may read; and the person's own page.
        if read {
            let t = Instant::now();
            let people = app.case_people(&u.actor, r.access.record).await.unwrap();
            assert_eq!(
                people.len(),
                usize::from(reads_person(u, r)),
                "case people: user {ui} case {ri}"
            );
            cells.add("case people", 1, t);
        }
        if let Some(p) = r.person() {
            let t = Instant::now();
            let (plist, pread) = expected(u, &p);
            match app.person(&u.actor, p.access.record, "/test").await {
                Ok((rec, _)) => assert!(pread, "person view: user {ui} case {ri}: {rec:?}"),
                Err(AppError::Forbidden(Denied::RequestAccess)) => assert!(plist && !pread),
                Err(AppError::NotFound) => assert!(!plist, "person view: user {ui} case {ri}"),
                Err(e) => panic!("person view: {e:?}"),
            }
            cells.add("person view", 1, t);
        }
        let t = Instant::now();
        match app.case_listing(&u.actor, r.access.record).await {
            Ok((a, reference, _)) => {
                assert!(
                    list,
                    "request page of an unlisted case: user {ui} case {ri}"
                );
                assert_eq!(a, r.access);
                assert_eq!(reference, r.reference);
            }
            Err(AppError::NotFound) => assert!(!list, "case request page: user {ui} case {ri}"),
            Err(e) => panic!("case request page: {e:?}"),
        }
        cells.add("case request page", 1, t);
        let t = Instant::now();
        let history = app
            .history(&u.actor, "case", &r.access.record.to_string())
            .await;
        assert_eq!(history.is_ok(), read, "case history: user {ui} case {ri}");
        cells.add("case history", 1, t);
    }
}

/// The case ids of an export's audit entry.
/// The figure of `n` cases under the aggregate rule: nothing is a value,
/// fewer than 3 cases is hidden.
fn shown_count(n: usize) -> Figure {
    match n {
        0 => Figure::Value(0.0),
        1 | 2 => Figure::Suppressed,
        n => Figure::Value(n as f64),
    }
}

/// Is province `p` in the user's geographic scope?
fn covers(u: &U, p: Option<ProvinceCode>) -> bool {
    match (&u.actor.scope, p) {
        (GeoScope::National, _) => true,
        (GeoScope::Provinces(_), None) => false,
        (GeoScope::Provinces(ps), Some(p)) => ps.contains(&p),
    }
}

/// The dashboard and the pivot by province and month, restated from
/// docs/access-policy.md, "Aggregates": figures only for the analysis
/// roles; every case of the user's provinces counts, whoever owns it and
/// whatever its marking; cases outside them never; a figure of 1 or 2
/// cases is hidden, and a hidden figure of 3 or more is only ever the
/// complement of a hidden sibling. (The matrix's cells hold a dozen cases
/// or more each, so this checks which cases count; the hiding of small
/// cells is tested on planted data in tests/stats.rs.)
async fn check_stats(world: &World, ui: usize, u: &U, cells: &mut Cells) {
    let app = &world.app;
    let t = Instant::now();
    let year = Period::parse("2026-01", "2026-12").unwrap();
    let scoped: Vec<&R> = world
        .cases
        .iter()
        .filter(|r| covers(u, r.access.province))
        .collect();
    let dashboard = app.dashboard(&u.actor, year, None).await;
    if !analyses(u.actor.role) {
        assert!(
            matches!(dashboard, Err(AppError::Forbidden(_))),
            "dashboard for a role that may not analyse: user {ui}"
        );
        let q = StatsQuery {
            period: year,
            filters: Vec::new(),
            group: vec![Group::Dim(StatDim::Province)],
        };
        assert!(
            matches!(app.stats(&u.actor, &q).await, Err(AppError::Forbidden(_))),
            "figures for a role that may not analyse: user {ui}"
        );
        cells.add("dashboard", 1, t);
        return;
    }
    let d = dashboard.unwrap_or_else(|e| panic!("dashboard: user {ui}: {e:?}"));
    let cases = d
        .totals
        .iter()
        .find(|(m, _)| *m == Measure::Cases)
        .map(|(_, c)| c.now)
        .unwrap();
    assert_eq!(
        cases,
        shown_count(scoped.len()),
        "dashboard cases: user {ui}"
    );
    let by_substance: BTreeMap<&str, usize> = scoped.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.substance.as_str()).or_default() += 1;
        m
    });
    let primary_hidden = by_substance
        .values()
        .filter(|n| (1..3).contains(*n))
        .count();
    for (sub, n) in &by_substance {
        let got = d
            .substances
            .iter()
            .find(|(k, _)| k == sub)
            .and_then(|(_, row)| row.iter().find(|(m, _)| *m == Measure::Cases))
            .map(|(_, c)| c.now)
            .unwrap_or_else(|| panic!("dashboard: no {sub} tile for user {ui}"));
        let want = shown_count(*n);
        assert!(
            got == want || (got == Figure::Suppressed && primary_hidden == 1),
            "dashboard {sub}: user {ui}: {got:?}, {n} cases in scope"
        );
    }
    assert!(
        d.substances
            .iter()
            .all(|(k, _)| by_substance.contains_key(k.as_str())),
        "dashboard: a substance tile for no case in scope: user {ui}"
    );
    // The pivot by province and month.
    let q = StatsQuery {
        period: year,
        filters: Vec::new(),
        group: vec![Group::Dim(StatDim::Province), Group::Time(TimeGrain::Month)],
    };
    let table = app.stats(&u.actor, &q).await.unwrap();
    let mut want: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &scoped {
        let p = r.access.province.unwrap().as_str().to_owned();
        *want.entry((p, r.occurred_on[..7].to_owned())).or_default() += 1;
    }
    let primary = |k: &(String, String)| want.get(k).is_some_and(|n| *n < 3);
    for c in &table.cells {
        let key = (c.keys[0].clone(), c.keys[1].clone());
        let n = *want.get(&key).unwrap_or_else(|| {
            panic!("pivot: a cell outside the scope or empty: user {ui} {key:?}")
        });
        if n < 3 {
            assert!(c.hidden, "pivot: {n} cases shown: user {ui} {key:?}");
        } else if c.hidden {
            let sibling = want
                .keys()
                .any(|k| k != &key && (k.0 == key.0 || k.1 == key.1) && primary(k));
            assert!(
                sibling,
                "pivot: {n} cases hidden with no hidden sibling: user {ui} {key:?}"
            );
        } else {
            assert_eq!(c.cases(), Some(n as i64), "pivot: user {ui} {key:?}");
        }
    }
    assert_eq!(
        table.cells.len(),
        want.len(),
        "pivot: every cell in scope: user {ui}"
    );
    // A province outside a provincial scope is refused, not answered with
    // zeros.
    if let GeoScope::Provinces(ps) = &u.actor.scope {
        let outside = ["01", "03", "05"]
            .into_iter()
            .map(|p| ProvinceCode::parse(p).unwrap())
            .find(|p| !ps.contains(p))
            .unwrap();
        assert!(
            matches!(
                app.dashboard(&u.actor, year, Some(outside)).await,
                Err(AppError::Validation(_))
            ),
            "dashboard of a province outside the scope: user {ui}"
        );
    }
    cells.add("dashboard", 1 + by_substance.len(), t);
    cells.add("pivot", want.len(), t);
}

async fn audited_export(app: &App, id: uuid::Uuid) -> BTreeSet<String> {
    let h = app
        .store
        .audit_history("export", &id.to_string())
        .await
        .unwrap();
    assert_eq!(h.len(), 1, "one audit entry per export");
    let after: serde_json::Value = serde_json::from_str(&h[0].after).unwrap();
    after["case_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The export: the cases the actor may read (never those only listed), for
/// roles that may export; refused to the others.
/// An export made by the matrix: its audit entry's id, who made it (index
/// into `World::users`) and the ids of the cases it holds.
struct Made {
    id: uuid::Uuid,
    by: usize,
    cases: BTreeSet<String>,
}

async fn check_export(world: &World, ui: usize, u: &U, cells: &mut Cells, made: &mut Vec<Made>) {
    let app = &world.app;
    let sapphire = CaseFilter {
        text: Some("sapphire".into()),
        ..Default::default()
    };
    let variants: [(&'static str, &CaseFilter, ExportFormat); 3] = [
        ("export CSV", &CaseFilter::default(), ExportFormat::Csv),
        ("export CSV, searched", &sapphire, ExportFormat::Csv),
        ("export XLSX", &CaseFilter::default(), ExportFormat::Xlsx),
    ];
    for (path, filter, format) in variants {
        // XLSX on every fourth user: building the workbook is slow.
        if format == ExportFormat::Xlsx && !ui.is_multiple_of(4) {
            continue;
        }
        let t = Instant::now();
        let want: BTreeSet<String> = world
            .cases
            .iter()
            .filter(|r| expect(u, r).export && (filter.text.is_none() || has(&r.text, "sapphire")))
            .map(|r| r.access.record.to_string())
            .collect();
        match app.export_cases(&u.actor, filter, format, "/test").await {
            Ok(mut e) => {
                assert!(
                    reads_records(u.actor.role) && exports_records(u.actor.role),
                    "{path} for a role that may not export: user {ui}"
                );
                let mut bytes = Vec::new();
                e.file.read_to_end(&mut bytes).unwrap();
                assert_eq!(hex::encode(Sha256::digest(&bytes)), e.sha256);
                assert_eq!(e.cases as usize, want.len(), "{path}: user {ui}");
                if format == ExportFormat::Csv {
                    let text = String::from_utf8(bytes).unwrap();
                    let text = text.trim_start_matches('\u{feff}');
                    let mut rd = csv::Reader::from_reader(text.as_bytes());
                    let header = rd.headers().unwrap().clone();
                    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
                    let (id_col, ref_col) = (at("case_id"), at("reference"));
                    let by_id: HashMap<String, &R> = world
                        .cases
                        .iter()
                        .map(|r| (r.access.record.to_string(), r))
                        .collect();
                    let mut got = BTreeSet::new();
                    for row in rd.records() {
                        let row = row.unwrap();
                        let id = row[id_col].to_owned();
                        let r = by_id
                            .get(&id)
                            .unwrap_or_else(|| panic!("{path}: unknown case {id}"));
                        assert_eq!(&row[ref_col], r.reference);
                        assert!(got.insert(id), "{path}: one row per case (one item each)");
                    }
                    assert_eq!(got, want, "{path}: user {ui} {:?}", u.actor);
                }
                assert_eq!(
                    audited_export(app, e.id).await,
                    want,
                    "{path}: the audit entry names the exported cases"
                );
                made.push(Made {
                    id: e.id,
                    by: ui,
                    cases: want.clone(),
                });
            }
            Err(AppError::Forbidden(Denied::Permission(_))) => {
                assert!(
                    !(reads_records(u.actor.role) && exports_records(u.actor.role)),
                    "{path} refused to an exporter: user {ui}"
                );
                assert!(want.is_empty());
            }
            Err(e) => panic!("{path}: user {ui}: {e:?}"),
        }
        cells.add(path, world.cases.len(), t);
    }
}

/// Who may see the details of an export's audit entry (the cases it named,
/// its filter and counts): the exporter, and readers of the audit log who
/// may read every case it named. Other readers of the audit log see the
/// entry with its details withheld; everyone else gets no history (404).
async fn check_export_entries(world: &World, ui: usize, u: &U, made: &[Made], cells: &mut Cells) {
    let app = &world.app;
    let readable: BTreeSet<String> = world
        .cases
        .iter()
        .filter(|r| expected(u, r).1)
        .map(|r| r.access.record.to_string())
        .collect();
    let details_for = |m: &Made| m.by == ui || m.cases.is_subset(&readable);
    let has_details = |after: &str| {
        let v: serde_json::Value = serde_json::from_str(after).unwrap();
        match (v.get("case_ids"), v.get("details_withheld")) {
            (Some(_), None) => true,
            (None, Some(w)) if *w == serde_json::json!(true) => false,
            other => panic!("an export entry neither detailed nor withheld: {other:?}"),
        }
    };
    let t = Instant::now();
    // A third of the readers of the audit log (every scope, clearance and
    // group membership among them): each entry they may not fully read
    // costs a query.
    if reads_audit_log(u.actor.role) && ui.is_multiple_of(3) {
        let entries = app
            .audit_log(&u.actor, None, Some("event"), 100_000)
            .await
            .unwrap();
        let shown: HashMap<&str, bool> = entries
            .iter()
            .filter(|e| e.entity_type == "export")
            .map(|e| (e.entity_id.as_str(), has_details(&e.after)))
            .collect();
        for m in made {
            assert_eq!(
                shown.get(m.id.to_string().as_str()).copied(),
                Some(details_for(m)),
                "audit log, export by user {} of {} cases: user {ui} {:?}",
                m.by,
                m.cases.len(),
                u.actor
            );
        }
        cells.add("export audit entry (log)", made.len(), t);
    }
    let t = Instant::now();
    let mut n = 0;
    for m in made.iter().skip(ui % 13).step_by(13) {
        let h = app.history(&u.actor, "export", &m.id.to_string()).await;
        match h {
            Ok(h) => {
                assert!(reads_audit_log(u.actor.role), "export history: user {ui}");
                assert_eq!(h.len(), 1);
                assert_eq!(
                    has_details(&h[0].after),
                    details_for(m),
                    "export history: user {ui}"
                );
            }
            Err(AppError::NotFound) => assert!(!reads_audit_log(u.actor.role)),
            Err(e) => panic!("export history: {e:?}"),
        }
        n += 1;
    }
    cells.add("export audit entry (history)", n, t);
}

/// The audit log: entries about records only for records the reader may
/// read ("the log must not reveal that a secret record exists"). Every
/// record has its creation entry, so the records in the log are exactly
/// the readable ones.
async fn check_audit_log(world: &World, ui: usize, u: &U, cells: &mut Cells) {
    let app = &world.app;
    let t = Instant::now();
    match app.audit_log(&u.actor, None, Some("create"), 100_000).await {
        Ok(entries) => {
            assert!(reads_audit_log(u.actor.role), "audit log: user {ui}");
            let got: BTreeSet<&str> = entries
                .iter()
                .filter(|e| e.entity_type == "case" || e.entity_type == "intelligence_report")
                .map(|e| e.entity_id.as_str())
                .collect();
            let want_ids: Vec<String> = world
                .records
                .iter()
                .chain(&world.cases)
                .filter(|r| expected(u, r).1)
                .map(|r| r.access.record.to_string())
                .collect();
            let want: BTreeSet<&str> = want_ids.iter().map(String::as_str).collect();
            assert_eq!(got, want, "audit log: user {ui} {:?}", u.actor);
        }
        Err(AppError::Forbidden(Denied::Permission(_))) => {
            assert!(
                !reads_audit_log(u.actor.role),
                "audit log refused: user {ui}"
            );
        }
        Err(e) => panic!("audit log: {e:?}"),
    }
    cells.add("audit log", world.records.len() + world.cases.len(), t);
}

async fn matrix(db: Db) {
    let started = Instant::now();
    let world = build(db).await;
    let built = started.elapsed();
    let world = std::sync::Arc::new(world);
    let mut lanes = tokio::task::JoinSet::new();
    for lane in 0..LANES {
        let world = world.clone();
        lanes.spawn(async move {
            let queries = case_queries();
            let mut cells = Cells::default();
            let mut made = Vec::new();
            for (ui, u) in world.users.iter().enumerate() {
                if ui % LANES != lane {
                    continue;
                }
                check_reports(&world, ui, u, &mut cells).await;
                check_cases(&world, ui, u, &mut cells, &queries).await;
                check_export(&world, ui, u, &mut cells, &mut made).await;
                check_stats(&world, ui, u, &mut cells).await;
                check_audit_log(&world, ui, u, &mut cells).await;
            }
            (cells, made)
        });
    }
    let mut cells = Cells::default();
    let mut made = Vec::new();
    while let Some(lane) = lanes.join_next().await {
        let (c, m) = lane.unwrap_or_else(|e| panic!("a lane of the matrix failed: {e}"));
        cells.merge(c);
        made.extend(m);
    }
    // Then, with every export made, who sees what of their audit entries.
    let made = std::sync::Arc::new(made);
    for lane in 0..LANES {
        let (world, made) = (world.clone(), made.clone());
        lanes.spawn(async move {
            let mut cells = Cells::default();
            for (ui, u) in world.users.iter().enumerate() {
                if ui % LANES == lane {
                    check_export_entries(&world, ui, u, &made, &mut cells).await;
                }
            }
            (cells, Vec::new())
        });
    }
    while let Some(lane) = lanes.join_next().await {
        let (c, _) = lane.unwrap_or_else(|e| panic!("a lane of the matrix failed: {e}"));
        cells.merge(c);
    }
    let app = &world.app;
    // Every read of a report, and of a restricted case, was audited on the
    // record's history.
    for records in [&world.records, &world.cases] {
        let (u, r) = records
            .iter()
            .filter(|r| r.access.classification >= Clearance::Restricted)
            .find_map(|r| Some((world.users.iter().find(|u| expected(u, r).1)?, r)))
            .unwrap();
        let kind = r.access.kind.as_str();
        if r.access.kind == RecordKind::Case {
            app.case(&u.actor, r.access.record, "/audit-check")
                .await
                .unwrap();
        } else {
            app.intel_report(&u.actor, r.access.record, "/audit-check")
                .await
                .unwrap();
        }
        let h = app
            .store
            .audit_history(kind, &r.access.record.to_string())
            .await
            .unwrap();
        assert!(
            h.iter()
                .any(|e| e.action == "read" && e.actor == u.actor.user.to_string()),
            "the read of a {kind} is audited"
        );
    }
    let readable: usize = world
        .users
        .iter()
        .map(|u| {
            world
                .records
                .iter()
                .chain(&world.cases)
                .filter(|r| expected(u, r).1)
                .count()
        })
        .sum();
    let pairs = world.users.len() * (world.records.len() + world.cases.len());
    assert!(
        readable > 0 && readable < pairs / 2,
        "the matrix must contain both outcomes"
    );
    let mut report = format!(
        "authorisation matrix ({db:?}): {} users × ({} reports + {} cases), {} of {pairs} user-record pairs readable; \
         {} cells checked in {:.1} s (world built in {:.1} s; time per path summed over {LANES} concurrent lanes):",
        world.users.len(),
        world.records.len(),
        world.cases.len(),
        readable,
        cells.total(),
        started.elapsed().as_secs_f64(),
        built.as_secs_f64(),
    );
    for (path, (n, took)) in &cells.0 {
        report.push_str(&format!(
            "\n  {path:<28} {n:>9} cells {:>7.1} s",
            took.as_secs_f64()
        ));
    }
    println!("{report}");
}
crate::both!(matrix);

/// Whether `a` may read report `rec`, through its view and in its list
/// (which must agree).
async fn reads(app: &App, a: &Actor, rec: RecordId) -> bool {
    let view = app.intel_report(a, rec, "/t").await.is_ok();
    let (rows, _) = app.intel_reports(a, None, 10_000, 0).await.unwrap();
    let listed = rows.iter().any(|r| r.access.record == rec && r.readable);
    assert_eq!(view, listed, "the view and the list disagree on {rec}");
    view
}

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
    let given = app
        .share_record(&sup.actor, red.access.record, &to_user)
        .await
        .unwrap();
    assert!(reads(app, &reader.actor, red.access.record).await);
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

    // The read filter looks a record up in the actor's shares only where
    // `has_shares` is set (migration 0018). The first share sets it...
    let flag = |id: RecordId| {
        format!("SELECT CAST(has_shares AS BIGINT) FROM record_access WHERE record_id = '{id}'")
    };
    assert_eq!(raw_i64(&world.url, &flag(red.access.record)).await, 1);
    // ...revoking it leaves it set (a necessary condition, never reset),
    // and the revoked share no longer opens the report.
    app.revoke_share(&sup.actor, red.access.record, given.id)
        .await
        .unwrap();
    assert_eq!(raw_i64(&world.url, &flag(red.access.record)).await, 1);
    assert!(!reads(app, &reader.actor, red.access.record).await);
    // A share inserted by any other writer (the trigger, not the
    // application, keeps the flag) opens the record, in its view and list.
    let other = world
        .records
        .iter()
        .find(|r| {
            r.access.owner_organisation == sup.actor.organisation
                && r.access.classification == Clearance::Restricted
                && r.access.tlp != Tlp::Red
                && r.shares.is_empty()
        })
        .unwrap();
    assert_eq!(raw_i64(&world.url, &flag(other.access.record)).await, 0);
    assert!(!reads(app, &reader.actor, other.access.record).await);
    raw_exec(
        &world.url,
        &format!(
            "INSERT INTO record_share (id, record_id, target_kind, target_id, basis, handling, shared_by, shared_at) \
             VALUES ('{}', '{}', 'user', '{}', 'release', 'P', '{}', 0)",
            uuid::Uuid::now_v7(),
            other.access.record,
            reader.actor.user,
            sup.actor.user
        ),
    )
    .await;
    assert_eq!(raw_i64(&world.url, &flag(other.access.record)).await, 1);
    assert!(reads(app, &reader.actor, other.access.record).await);
}
crate::both!(sharing_rules);
