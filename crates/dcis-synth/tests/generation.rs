//! The generator against a demo-like installation: determinism, exact
//! sizes, realistic distributions, and fields the domain rules accept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dcis_domain::ids::{BorderCrossingId, OrganisationId, UnitId};
use dcis_domain::org::OrganisationKind;
use dcis_synth::{Agency, Crossing, Generator, Params, SynthCase, World};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::macros::{date, datetime};
use time::Month;
use uuid::Uuid;

const DISTRICTS: &str = include_str!("../../../data/reference/districts.csv");

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}

/// The demo's agencies, districts from the reference file, two crossings.
fn world() -> World {
    let agency = |n: u128, code: &str, name: &str, kind, province: Option<&str>, national| Agency {
        organisation: OrganisationId::from_uuid(uuid(n >> 8 << 8)),
        unit: UnitId::from_uuid(uuid(n)),
        code: code.into(),
        name: name.into(),
        kind,
        province: province.map(str::to_owned),
        national,
    };
    use OrganisationKind::*;
    let agencies = vec![
        agency(
            0x101,
            "CNP",
            "Intelligence Division",
            CounterNarcoticsPolice,
            Some("01"),
            true,
        ),
        agency(
            0x102,
            "CNP",
            "Bokeo Counter-Narcotics Unit",
            CounterNarcoticsPolice,
            Some("05"),
            true,
        ),
        agency(
            0x103,
            "CNP",
            "Luang Namtha Counter-Narcotics Unit",
            CounterNarcoticsPolice,
            Some("03"),
            true,
        ),
        agency(
            0x201,
            "CUSTOMS",
            "Bokeo Customs Checkpoint",
            Customs,
            Some("05"),
            true,
        ),
        agency(
            0x301,
            "BLO-HX",
            "Houay Xai BLO",
            BorderLiaisonOffice,
            Some("05"),
            false,
        ),
        agency(
            0x401,
            "BLO-BT",
            "Boten BLO",
            BorderLiaisonOffice,
            Some("03"),
            false,
        ),
        agency(
            0x501,
            "PCDC-BK",
            "Bokeo Committee Office",
            ProvincialCommittee,
            Some("05"),
            false,
        ),
        // Not an agency that records seizures: ignored.
        agency(
            0x601,
            "TS-VT",
            "Treatment Site Office",
            TreatmentSite,
            Some("01"),
            false,
        ),
    ];
    let mut districts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in DISTRICTS.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        districts
            .entry(cols[2].to_owned())
            .or_default()
            .push(cols[0].to_owned());
    }
    let crossing = |n: u128, name: &str, province: &str, district: &str, cp: &str| Crossing {
        id: BorderCrossingId::from_uuid(uuid(0x9000 + n)),
        name: name.into(),
        province: province.into(),
        district: Some(district.into()),
        counterpart: cp.into(),
    };
    World {
        agencies,
        districts,
        crossings: vec![
            crossing(1, "Ban Boten", "03", "0301", "CN"),
            crossing(2, "Houay Xai", "05", "0501", "TH"),
            crossing(3, "Xiang Kok", "03", "0303", "MM"),
        ],
    }
}

fn params(seed: u64, items: u64) -> Params {
    Params {
        seed,
        items,
        years: 5,
        end: date!(2026 - 10 - 31),
    }
}

fn generate(seed: u64, items: u64) -> (Vec<SynthCase>, Vec<dcis_synth::TruthRow>) {
    let mut g = Generator::new(params(seed, items), &world()).unwrap();
    let cases: Vec<SynthCase> = g.by_ref().collect();
    let truth = g.truth().collect();
    (cases, truth)
}

#[test]
fn the_same_seed_gives_the_same_data() {
    let (a, ta) = generate(42, 3000);
    let (b, tb) = generate(42, 3000);
    assert_eq!(a, b);
    assert_eq!(ta, tb);
    let (c, _) = generate(43, 3000);
    assert_ne!(a, c);
    assert_ne!(a[0].id, c[0].id);
}

#[test]
fn exactly_the_items_asked_for() {
    for n in [1u64, 2, 7, 1000, 2345] {
        let (cases, _) = generate(9, n);
        let total: usize = cases.iter().map(|c| c.items.len()).sum();
        assert_eq!(total as u64, n, "{n}");
        assert!(cases.iter().all(|c| !c.items.is_empty()));
    }
}

#[test]
fn every_field_parses_with_the_domain_rules() {
    let (cases, _) = generate(5, 20_000);
    let now = datetime!(2026-10-31 23:59:59);
    let w = world();
    let crossing_province: HashMap<_, _> = w
        .crossings
        .iter()
        .map(|c| (c.id, c.province.clone()))
        .collect();
    let mut ids = BTreeSet::new();
    for c in &cases {
        let parsed = c
            .fields
            .as_input(c.organisation, c.unit)
            .parse(now)
            .unwrap_or_else(|e| panic!("{:?}: {e:?}", c.fields));
        let d = &parsed.details;
        assert!(
            d.occurred.date() >= date!(2021 - 11 - 01)
                && d.occurred.date() <= date!(2026 - 10 - 31)
        );
        if let Some(b) = c.fields.border_crossing {
            assert_eq!(crossing_province[&b], c.fields.province);
        }
        if !c.fields.district.is_empty() {
            assert!(w.districts[&c.fields.province].contains(&c.fields.district));
        }
        dcis_domain::role::Clearance::parse(c.classification).unwrap();
        dcis_domain::access::Tlp::parse(c.tlp).unwrap();
        assert!(c.created_at <= c.updated_at);
        assert_eq!(c.id.get_version_num(), 7);
        assert!(ids.insert(c.id));
        for i in &c.items {
            assert!(ids.insert(i.id));
            i.fields
                .as_input()
                .parse()
                .unwrap_or_else(|e| panic!("{:?}: {e:?}", i.fields));
        }
        // The agency is one that records seizures.
        assert_ne!(c.unit, UnitId::from_uuid(uuid(0x601)));
        // Rail only after the railway opened.
        if c.fields.transport_mode == "rail" {
            assert!(c.fields.occurred_on.as_str() >= "2021-12-03");
        }
        if c.fields.concealment_method == "parcel" {
            assert_eq!(c.fields.transport_mode, "postal_courier");
        }
    }
}

#[test]
fn methamphetamine_tablets_dominate_with_a_heavy_tail() {
    let (cases, _) = generate(11, 20_000);
    let items: Vec<_> = cases.iter().flat_map(|c| &c.items).collect();
    let meth: Vec<u64> = items
        .iter()
        .filter(|i| i.fields.substance == "METH_TABLET")
        .map(|i| {
            if i.fields.tablet_count.is_empty() {
                i.fields.quantity.parse().unwrap()
            } else {
                i.fields.tablet_count.parse().unwrap()
            }
        })
        .collect();
    let share = meth.len() * 100 / items.len();
    assert!((50..=80).contains(&share), "METH_TABLET share {share} %");
    let mut sorted = meth.clone();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    let max = *sorted.last().unwrap();
    assert!(median < 10_000, "median {median}");
    assert!(max >= 1_000_000, "max {max}");
    // The next substances are there too.
    for s in [
        "METH_CRYSTAL",
        "HEROIN",
        "OPIUM_RAW",
        "CANNABIS_HERB",
        "KETAMINE",
        "ACETIC_ANHYDRIDE",
    ] {
        assert!(items.iter().any(|i| i.fields.substance == s), "{s}");
    }
    let acetic = items
        .iter()
        .find(|i| i.fields.substance == "ACETIC_ANHYDRIDE")
        .unwrap();
    assert_eq!(acetic.fields.unit, "l");
    assert!(items.iter().any(|i| i.fields.tablet_logo == "WY"));
    assert!(items
        .iter()
        .any(|i| i.fields.packaging_kind == "tea_packet" && !i.fields.packaging_brand.is_empty()));
}

#[test]
fn the_dry_season_has_more_cases_and_the_north_most() {
    let (cases, _) = generate(3, 30_000);
    let month = |c: &SynthCase| {
        dcis_domain::case::parse_date("d", &c.fields.occurred_on)
            .unwrap()
            .month()
    };
    let count = |ms: &[Month]| cases.iter().filter(|c| ms.contains(&month(c))).count();
    let peak = count(&[
        Month::December,
        Month::January,
        Month::February,
        Month::March,
    ]);
    let trough = count(&[Month::June, Month::July, Month::August, Month::September]);
    assert!(peak > trough * 3 / 2, "peak {peak}, trough {trough}");
    let north = cases
        .iter()
        .filter(|c| ["02", "03", "04", "05"].contains(&c.fields.province.as_str()))
        .count();
    assert!(north * 2 > cases.len(), "north {north} of {}", cases.len());
    // Routes run from Myanmar and China towards Thailand and Viet Nam.
    let from = |cc: &str| {
        cases
            .iter()
            .filter(|c| c.fields.origin_country == cc)
            .count()
    };
    let to = |cc: &str| {
        cases
            .iter()
            .filter(|c| c.fields.destination_country == cc)
            .count()
    };
    assert!(from("MM") > from("TH") && from("CN") > from("VN"));
    assert!(to("TH") > to("MM") && to("VN") > to("CN"));
}

#[test]
fn persons_recur_under_other_spellings() {
    let (cases, truth) = generate(8, 10_000);
    let distinct: BTreeSet<_> = truth
        .iter()
        .map(|r| (&r.person_id, &r.variant_name, &r.agency))
        .collect();
    assert_eq!(distinct.len(), truth.len(), "no duplicate rows");
    let mut by_person: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &truth {
        by_person
            .entry(&r.person_id)
            .or_default()
            .insert(&r.variant_name);
    }
    let multi = by_person.values().filter(|v| v.len() > 1).count();
    assert!(multi > 20, "{multi} persons with several spellings");
    // Persons recur across cases, and networks share vehicles.
    let mut appearances: HashMap<u32, usize> = HashMap::new();
    let mut vehicles: HashMap<u64, usize> = HashMap::new();
    for c in &cases {
        for p in &c.persons {
            *appearances.entry(p.person).or_default() += 1;
        }
        if let Some(v) = c.vehicle {
            *vehicles.entry(v).or_default() += 1;
        }
    }
    assert!(appearances.values().any(|&n| n >= 5));
    assert!(vehicles.values().any(|&n| n >= 3));
    // Every name in a case is in the truth under the case's agency.
    let truth_set: BTreeSet<(String, String)> = truth
        .iter()
        .map(|r| (r.variant_name.clone(), r.agency.clone()))
        .collect();
    let g = Generator::new(params(8, 10), &world()).unwrap();
    for c in cases.iter().take(200) {
        let code = &g.agencies()[c.agency].code;
        for p in &c.persons {
            assert!(
                truth_set.contains(&(p.name.clone(), code.clone())),
                "{}",
                p.name
            );
        }
    }
}

/// Each agency keeps one record of a person: created with its first case
/// naming them, named again by its later cases; another agency's record of
/// the same person is another record. Records, parts and objects pass the
/// domain rules; the ground truth names the records.
#[test]
fn one_record_per_person_and_agency() {
    let (cases, truth) = generate(8, 10_000);
    let g = Generator::new(params(8, 10), &world()).unwrap();
    let end = date!(2026 - 10 - 31);
    // (person, agency code) -> record; record -> (person, agency code).
    let mut records: HashMap<(u32, String), Uuid> = HashMap::new();
    let mut owners: HashMap<Uuid, (u32, String)> = HashMap::new();
    let mut cases_of: HashMap<Uuid, usize> = HashMap::new();
    let mut objects = 0;
    let mut documents = 0;
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for c in &cases {
        let code = g.agencies()[c.agency].code.clone();
        let on = dcis_domain::case::parse_date("d", &c.fields.occurred_on).unwrap();
        for p in &c.persons {
            assert_eq!(p.record.get_version_num(), 7);
            let key = (p.person, code.clone());
            match (records.get(&key), &p.new_record) {
                (None, Some(f)) => {
                    records.insert(key.clone(), p.record);
                    assert_eq!(f.name, p.name);
                    f.as_input()
                        .parse(on, end)
                        .unwrap_or_else(|e| panic!("{f:?}: {e:?}"));
                    documents += f.documents.len();
                }
                (Some(r), None) => assert_eq!(*r, p.record, "{key:?}"),
                (r, f) => panic!("{key:?}: record {r:?}, fields {f:?}"),
            }
            assert_eq!(
                owners.entry(p.record).or_insert_with(|| key.clone()),
                &key,
                "one record, one person and agency"
            );
            *cases_of.entry(p.record).or_default() += 1;
            p.part
                .as_input()
                .parse()
                .unwrap_or_else(|e| panic!("{:?}: {e:?}", p.part));
            *outcomes.entry(p.part.outcome.clone()).or_default() += 1;
        }
        for o in &c.objects {
            let kind = dcis_domain::objects::ObjectKind::parse(o.kind).unwrap();
            dcis_domain::objects::parse_object(kind, &o.fields)
                .unwrap_or_else(|e| panic!("{:?}: {e:?}", o.fields));
            assert!(o.person.is_none_or(|i| i < c.persons.len()));
            objects += 1;
        }
        assert_eq!(
            c.objects.iter().any(|o| o.kind == "vehicle"),
            c.vehicle.is_some()
        );
    }
    assert!(cases_of.values().any(|&n| n >= 3), "records recur");
    assert!(objects > 1000, "{objects} objects");
    assert!(documents > 100, "{documents} documents");
    for o in ["arrested", "charged", "convicted", ""] {
        assert!(
            outcomes.get(o).is_some_and(|&n| n > 10),
            "{o}: {outcomes:?}"
        );
    }
    // The ground truth: one row per record, naming it.
    assert_eq!(truth.len(), records.len());
    for r in &truth {
        let (person, code) = &owners[&r.record_id];
        assert_eq!(code, &r.agency);
        assert_eq!(g.population().person_id(*person), r.person_id);
    }
}

#[test]
fn bad_parameters_and_worlds_are_refused() {
    let w = world();
    assert!(Generator::new(params(1, 0), &w).is_err());
    assert!(Generator::new(
        Params {
            years: 0,
            ..params(1, 10)
        },
        &w
    )
    .is_err());
    let empty = World {
        agencies: Vec::new(),
        ..world()
    };
    assert_eq!(
        Generator::new(params(1, 10), &empty).err(),
        Some(dcis_synth::SynthError::NoAgency)
    );
}
