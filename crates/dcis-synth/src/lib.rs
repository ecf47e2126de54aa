//! Synthetic data for dcis: cases with their seized items, and a person
//! population whose names each agency spells its own way, with the ground
//! truth of who is who.
//!
//! Pure generation: no I/O, no clock, no operating-system randomness. The
//! output is a function of the [`Params`] (seed, number of items, years,
//! end date) and of the [`World`] it is generated into (the installation's
//! agencies, units, districts and border crossings): the same seed and size
//! on the same installation give the same data, byte for byte, ids
//! included (UUIDv7 built from the synthetic timestamps and the seeded
//! generator).
//!
//! What makes it realistic (each rule is a table in this crate):
//!
//! - **When**: cases over `years` years ending on `end`, more in the dry
//!   season (November–April) than in the rains, growing by about 15 % a
//!   year, with bursts ([`calendar`]).
//! - **Where**: provinces weighted to the northern border (Bokeo, Luang
//!   Namtha, Oudomxay, Phongsaly), routes from Myanmar and China towards
//!   Thailand and Viet Nam, border crossings of the case's province.
//! - **Who**: agencies of the case's province (police, customs, border
//!   liaison offices, provincial committees), else national ones; each
//!   detects in its own ways (customs inspect at the border, police search
//!   at checkpoints and act on intelligence); transport follows detection,
//!   concealment follows transport.
//! - **What**: a drug mix dominated by methamphetamine tablets, quantities
//!   with a heavy tail ([`items`]).
//! - **People**: a population in networks, recurring across cases, with
//!   vehicles and phones shared inside a network ([`persons`],
//!   [`objects`]). Each agency (organisation) keeps one record of a person
//!   it names, in its own spelling and with what its clerks write down
//!   (age, passport, home province…), linked to each of its cases with the
//!   person's role and outcome; the same person in another agency is
//!   another record. The ground truth ([`Generator::truth`]) says which
//!   records are the same person.

pub mod calendar;
pub mod items;
pub mod objects;
pub mod persons;
mod pick;

use crate::pick::{chance, mix, pick, pick_where};
use dcis_domain::case::CaseFields;
use dcis_domain::ids::{uuid_v7, BorderCrossingId, OrganisationId, UnitId};
use dcis_domain::org::OrganisationKind;
use dcis_domain::person::{CasePersonFields, PersonFields};
use dcis_domain::seizure::SeizureItemFields;
use persons::{NetworkRole, Population, Sightings};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::fmt;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use uuid::Uuid;

/// The most items one run may generate.
pub const MAX_ITEMS: u64 = 100_000_000;
/// The longest period, in years.
pub const MAX_YEARS: u32 = 30;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub seed: u64,
    /// Exactly this many seized items.
    pub items: u64,
    /// Over this many years…
    pub years: u32,
    /// …ending on this local date (inclusive).
    pub end: Date,
}

/// An agency (one unit of an organisation) that may record cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub organisation: OrganisationId,
    pub unit: UnitId,
    /// The organisation's code (`CNP`).
    pub code: String,
    /// The unit's English name, for a stable order.
    pub name: String,
    pub kind: OrganisationKind,
    /// Where the unit sits (its own province, else its organisation's).
    pub province: Option<String>,
    /// The organisation is national (no province of its own).
    pub national: bool,
}

/// A border crossing of the installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub id: BorderCrossingId,
    pub name: String,
    pub province: String,
    pub district: Option<String>,
    /// The country on the other side (ISO alpha-2).
    pub counterpart: String,
}

/// The installation the data is generated into.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Agencies of the kinds that record seizures (police, customs, border
    /// liaison offices, provincial committees).
    pub agencies: Vec<Agency>,
    /// District codes by province code.
    pub districts: BTreeMap<String, Vec<String>>,
    pub crossings: Vec<Crossing>,
}

/// The organisation kinds that record seizures.
pub fn records_seizures(kind: OrganisationKind) -> bool {
    matches!(
        kind,
        OrganisationKind::CounterNarcoticsPolice
            | OrganisationKind::Customs
            | OrganisationKind::BorderLiaisonOffice
            | OrganisationKind::ProvincialCommittee
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SynthError {
    Items,
    Years,
    NoAgency,
    NoGeography,
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Items => write!(f, "the number of items must be between 1 and {MAX_ITEMS}"),
            Self::Years => write!(
                f,
                "the number of years must be between 1 and {MAX_YEARS}, and start after 1970"
            ),
            Self::NoAgency => write!(
                f,
                "the installation has no agency that records seizures (an organisation of kind counter_narcotics_police, customs, border_liaison_office or provincial_committee, with a unit)"
            ),
            Self::NoGeography => write!(f, "the installation has no provinces or districts loaded"),
        }
    }
}

impl std::error::Error for SynthError {}

/// A person in a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonLink {
    /// Index in the [`Population`].
    pub person: u32,
    /// The id of the recording agency's record of the person: one record
    /// per person and agency (organisation), the same in each of the
    /// agency's cases ([`Population::record_id`]).
    pub record: Uuid,
    /// The record's fields as a clerk would type them, in the first case
    /// of the agency to name the person (the record is created with that
    /// case); `None` in the agency's later cases.
    pub new_record: Option<PersonFields>,
    /// The name as the recording agency spelled it.
    pub name: String,
    /// The person's role and outcome in this case, as typed.
    pub part: CasePersonFields,
    /// Phones found on the person (ids; shared inside networks).
    pub phones: Vec<u64>,
}

/// A vehicle or phone of a case, as a clerk would type it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthObject {
    pub id: Uuid,
    /// `vehicle` or `phone` (codes of `dcis_domain::objects::ObjectKind`).
    pub kind: &'static str,
    /// The object's fields (`plate`, `plate_country`, `make_model`,
    /// `colour`; or `number`).
    pub fields: std::collections::BTreeMap<String, String>,
    /// The person of the case it was found with (index into
    /// [`SynthCase::persons`]).
    pub person: Option<usize>,
}

/// A generated seized item: its id and its fields as a clerk would type
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthItem {
    pub id: Uuid,
    pub fields: SeizureItemFields,
}

/// A generated case. `fields.reference` is empty: the writer gives the
/// agency's next reference, as the application does.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthCase {
    /// 0, 1, 2… in generation (chronological) order.
    pub index: u64,
    pub id: Uuid,
    /// When the case was recorded (after it happened).
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Index into [`Generator::agencies`].
    pub agency: usize,
    pub organisation: OrganisationId,
    pub unit: UnitId,
    pub fields: CaseFields,
    pub classification: &'static str,
    pub tlp: &'static str,
    pub items: Vec<SynthItem>,
    pub persons: Vec<PersonLink>,
    /// The vehicle used, if any (ids; shared inside networks).
    pub vehicle: Option<u64>,
    /// The vehicle and the persons' phones (each phone once), as recorded.
    pub objects: Vec<SynthObject>,
    /// The network behind the case, if any.
    pub network: Option<u32>,
}

/// One row of the ground truth: this person was recorded by this agency
/// under this name, in the person record `record_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruthRow {
    /// The synthetic person (`S{seed}-P{index}`), the same for every
    /// agency: what entity resolution should find.
    pub person_id: String,
    pub variant_name: String,
    /// The agency's (organisation's) code.
    pub agency: String,
    /// The id of the agency's person record ([`PersonLink::record`]).
    pub record_id: Uuid,
}

/// Lao PDR: UTC+07:00 all year.
const LOCAL: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// Provinces and their relative share of cases: the northern border
/// provinces of the Golden Triangle first (about 60 %), then the capital
/// and the corridors south.
const PROVINCE_WEIGHTS: &[(&str, u32)] = &[
    ("05", 220),
    ("03", 180),
    ("04", 110),
    ("02", 80),
    ("01", 100),
    ("06", 50),
    ("10", 40),
    ("08", 30),
    ("13", 40),
    ("16", 35),
    ("12", 25),
    ("11", 20),
    ("07", 15),
    ("09", 10),
    ("14", 10),
    ("15", 5),
    ("17", 10),
    ("18", 10),
];

/// Provinces on the Mekong or the Nam Ou, where boats carry drugs.
const RIVER_PROVINCES: &[&str] = &[
    "01", "02", "03", "05", "06", "08", "10", "11", "12", "13", "16",
];
/// Provinces on the Lao–China railway, open since 3 December 2021.
const RAIL_PROVINCES: &[&str] = &["01", "03", "04", "06", "10"];
const RAIL_OPENED: Date = time::macros::date!(2021 - 12 - 03);

/// How many items a case holds.
const ITEMS_PER_CASE: &[(u64, u32)] = &[
    (1, 600),
    (2, 220),
    (3, 100),
    (4, 50),
    (5, 15),
    (6, 10),
    (8, 5),
];

/// How many persons a case names.
const PERSONS_PER_CASE: &[(usize, u32)] = &[(0, 22), (1, 45), (2, 22), (3, 8), (4, 3)];

fn detection_table(kind: OrganisationKind) -> &'static [(&'static str, u32)] {
    match kind {
        OrganisationKind::Customs => &[
            ("border_inspection", 40),
            ("scanner", 22),
            ("canine", 8),
            ("parcel_inspection", 12),
            ("intelligence_led", 10),
            ("informant", 4),
            ("patrol", 4),
        ],
        OrganisationKind::BorderLiaisonOffice => &[
            ("border_inspection", 35),
            ("patrol", 25),
            ("intelligence_led", 20),
            ("informant", 10),
            ("public_tip_off", 10),
        ],
        OrganisationKind::ProvincialCommittee => &[
            ("public_tip_off", 40),
            ("patrol", 30),
            ("checkpoint_search", 30),
        ],
        _ => &[
            ("checkpoint_search", 30),
            ("intelligence_led", 20),
            ("informant", 14),
            ("public_tip_off", 10),
            ("patrol", 8),
            ("follow_up_investigation", 8),
            ("controlled_delivery", 5),
            ("canine", 3),
            ("parcel_inspection", 2),
        ],
    }
}

fn transport_table(detection: &str) -> &'static [(&'static str, u32)] {
    match detection {
        "checkpoint_search" => &[
            ("car", 35),
            ("truck", 25),
            ("motorcycle", 20),
            ("bus", 15),
            ("other", 5),
        ],
        "border_inspection" => &[
            ("truck", 35),
            ("car", 25),
            ("on_foot", 15),
            ("boat", 10),
            ("bus", 10),
            ("rail", 5),
        ],
        "scanner" => &[
            ("truck", 50),
            ("car", 25),
            ("postal_courier", 10),
            ("rail", 15),
        ],
        "parcel_inspection" => &[("postal_courier", 90), ("bus", 10)],
        "patrol" => &[("on_foot", 40), ("boat", 30), ("motorcycle", 30)],
        "canine" => &[("bus", 30), ("car", 25), ("truck", 20), ("rail", 25)],
        "controlled_delivery" => &[("postal_courier", 30), ("truck", 30), ("car", 40)],
        _ => &[
            ("car", 25),
            ("truck", 20),
            ("motorcycle", 15),
            ("boat", 10),
            // No transport: found at premises.
            ("", 30),
        ],
    }
}

fn concealment_table(transport: &str) -> &'static [(&'static str, u32)] {
    match transport {
        "car" => &[
            ("vehicle_compartment", 35),
            ("mixed_with_cargo", 15),
            ("fuel_tank", 10),
            ("tea_packaging", 20),
            ("luggage", 15),
            ("not_concealed", 5),
        ],
        "truck" => &[
            ("mixed_with_cargo", 40),
            ("vehicle_compartment", 25),
            ("fuel_tank", 10),
            ("tea_packaging", 20),
            ("not_concealed", 5),
        ],
        "motorcycle" => &[
            ("luggage", 40),
            ("body_carry", 20),
            ("vehicle_compartment", 20),
            ("not_concealed", 20),
        ],
        "bus" => &[
            ("luggage", 60),
            ("body_carry", 20),
            ("body_internal", 5),
            ("tea_packaging", 15),
        ],
        "boat" => &[
            ("mixed_with_cargo", 50),
            ("tea_packaging", 20),
            ("luggage", 20),
            ("not_concealed", 10),
        ],
        "on_foot" => &[("body_carry", 40), ("luggage", 40), ("not_concealed", 20)],
        "postal_courier" => &[("parcel", 100)],
        "rail" => &[("luggage", 70), ("body_carry", 20), ("body_internal", 10)],
        "" => &[("premises", 100)],
        _ => &[("luggage", 50), ("other", 50)],
    }
}

const OPERATION_WORDS: &[(&str, u32)] = &[
    ("Mekong", 3),
    ("Golden Gate", 2),
    ("Naga", 2),
    ("Dok Champa", 2),
    ("Phou Khao", 1),
    ("River Dawn", 1),
    ("Jade Road", 1),
    ("Eagle Eye", 1),
    ("North Wind", 1),
    ("Clear Water", 1),
];

fn detection_phrase(d: &str) -> &'static str {
    match d {
        "checkpoint_search" => "Checkpoint search",
        "border_inspection" => "Inspection at the border",
        "scanner" => "Scanner inspection",
        "parcel_inspection" => "Parcel inspection",
        "patrol" => "Patrol",
        "canine" => "Detector dog search",
        "controlled_delivery" => "Controlled delivery",
        "intelligence_led" => "Intelligence-led operation",
        "informant" => "Action on an informant's report",
        "public_tip_off" => "Action on a tip-off from the public",
        "follow_up_investigation" => "Follow-up investigation",
        _ => "Search",
    }
}

fn transport_phrase(t: &str) -> &'static str {
    match t {
        "car" => ", car",
        "truck" => ", truck",
        "motorcycle" => ", motorcycle",
        "bus" => ", bus passenger",
        "boat" => ", river boat",
        "on_foot" => ", on foot",
        "rail" => ", train passenger",
        "postal_courier" => ", courier consignment",
        "" => ", premises",
        _ => "",
    }
}

fn substance_phrase(code: &str) -> &'static str {
    match code {
        "METH_TABLET" => "methamphetamine tablets",
        "METH_CRYSTAL" => "crystal methamphetamine",
        "HEROIN" => "heroin",
        "OPIUM_RAW" => "raw opium",
        "CANNABIS_HERB" => "cannabis",
        "KETAMINE" => "ketamine",
        "ECSTASY_TABLET" => "ecstasy tablets",
        "HAPPY_WATER" => "sachets of drug mixture",
        "NIMETAZEPAM" => "nimetazepam tablets",
        "KRATOM" => "kratom",
        "CANNABIS_PLANT" => "cannabis plants",
        "OPIUM_POPPY_PLANT" => "opium poppy plants",
        _ => "precursor chemicals",
    }
}

/// The generator: an iterator over the cases, in chronological order.
pub struct Generator {
    params: Params,
    agencies: Vec<Agency>,
    /// Organisation codes, sorted; `org_of[agency]` indexes them.
    orgs: Vec<(String, OrganisationKind)>,
    org_of: Vec<u32>,
    provinces: Vec<(String, u32)>,
    agencies_by_province: BTreeMap<String, Vec<(usize, u32)>>,
    districts: BTreeMap<String, Vec<(String, u32)>>,
    crossings: BTreeMap<String, Vec<Crossing>>,
    population: Population,
    sightings: Sightings,
    start: Date,
    day_counts: Vec<u32>,
    day: usize,
    left_today: u32,
    cases: u64,
    index: u64,
    items_done: u64,
    sizes: ChaCha8Rng,
    rng: ChaCha8Rng,
    /// Outcomes and object ids: a stream of its own, so that the cases
    /// drawn from `rng` stay what they were before persons were stored.
    people: ChaCha8Rng,
    fresh_vehicle: u64,
}

/// Independent streams of the seeded generator, one per purpose, so that a
/// change in one part does not shift the others.
const STREAM_SIZES: u64 = 1;
const STREAM_DAYS: u64 = 2;
const STREAM_CASES: u64 = 3;
const STREAM_PEOPLE: u64 = 4;

fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

impl Generator {
    pub fn new(params: Params, world: &World) -> Result<Self, SynthError> {
        if params.items == 0 || params.items > MAX_ITEMS {
            return Err(SynthError::Items);
        }
        if params.years == 0
            || params.years > MAX_YEARS
            || params.end.year() - (params.years as i32) < 1970
        {
            return Err(SynthError::Years);
        }
        let mut agencies = world.agencies.clone();
        agencies.retain(|a| records_seizures(a.kind));
        agencies.sort_by(|a, b| {
            (&a.code, &a.name, a.unit.to_string()).cmp(&(&b.code, &b.name, b.unit.to_string()))
        });
        if agencies.is_empty() {
            return Err(SynthError::NoAgency);
        }
        let mut orgs: Vec<(String, OrganisationKind)> =
            agencies.iter().map(|a| (a.code.clone(), a.kind)).collect();
        orgs.dedup_by(|a, b| a.0 == b.0);
        let org_of = agencies
            .iter()
            .map(|a| orgs.iter().position(|o| o.0 == a.code).unwrap_or(0) as u32)
            .collect();

        let provinces: Vec<(String, u32)> = PROVINCE_WEIGHTS
            .iter()
            .filter(|(p, _)| world.districts.contains_key(*p))
            .map(|(p, w)| ((*p).to_owned(), *w))
            .collect();
        if provinces.is_empty() {
            return Err(SynthError::NoGeography);
        }
        let districts = world
            .districts
            .iter()
            .map(|(p, ds)| {
                let mut ds = ds.clone();
                ds.sort();
                // The provincial capital's district (…01) sees more cases.
                let t = ds
                    .into_iter()
                    .map(|d| {
                        let w = if d.ends_with("01") { 4 } else { 1 };
                        (d, w)
                    })
                    .collect();
                (p.clone(), t)
            })
            .collect();
        let mut agencies_by_province = BTreeMap::new();
        for (p, _) in &provinces {
            let kind_weight = |k: OrganisationKind| match k {
                OrganisationKind::CounterNarcoticsPolice => 50,
                OrganisationKind::Customs => 25,
                OrganisationKind::BorderLiaisonOffice => 15,
                _ => 10,
            };
            let mut t: Vec<(usize, u32)> = agencies
                .iter()
                .enumerate()
                .filter(|(_, a)| a.province.as_deref() == Some(p.as_str()))
                .map(|(i, a)| (i, kind_weight(a.kind)))
                .collect();
            // National agencies act everywhere; their headquarters' units
            // (in the capital, or without a place) more than others.
            let local = !t.is_empty();
            for (i, a) in agencies.iter().enumerate() {
                if a.national && a.province.as_deref() != Some(p.as_str()) {
                    let hq = matches!(a.province.as_deref(), None | Some("01"));
                    let w = match (local, hq) {
                        (true, true) => 4,
                        (true, false) => 1,
                        (false, true) => 12,
                        (false, false) => 4,
                    };
                    t.push((
                        i,
                        w * if a.kind == OrganisationKind::Customs {
                            1
                        } else {
                            2
                        },
                    ));
                }
            }
            if t.is_empty() {
                t = (0..agencies.len()).map(|i| (i, 1)).collect();
            }
            agencies_by_province.insert(p.clone(), t);
        }
        let mut crossings: BTreeMap<String, Vec<Crossing>> = BTreeMap::new();
        for c in &world.crossings {
            crossings
                .entry(c.province.clone())
                .or_default()
                .push(c.clone());
        }
        for v in crossings.values_mut() {
            v.sort_by(|a, b| (&a.name, a.id.to_string()).cmp(&(&b.name, b.id.to_string())));
        }

        // Pass 1: how many cases hold exactly `items` items.
        let mut sizes = rng_for(params.seed, STREAM_SIZES);
        let mut cases = 0u64;
        let mut total = 0u64;
        while total < params.items {
            total += *pick(&mut sizes, ITEMS_PER_CASE);
            cases += 1;
        }
        let start = calendar::start_date(params.end, params.years);
        let mut days_rng = rng_for(params.seed, STREAM_DAYS);
        let weights = calendar::day_weights(&mut days_rng, start, params.end);
        let day_counts = calendar::allocate(&mut days_rng, &weights, cases);
        // About 1.3 appearances per case; a person appears about twice.
        let persons = u32::try_from(cases.saturating_mul(6) / 10)
            .unwrap_or(u32::MAX)
            .max(12);
        let population = Population::new(params.seed, persons);
        let sightings = Sightings::new(population.size());
        Ok(Self {
            params,
            fresh_vehicle: u64::from(population.networks()) * 3,
            agencies,
            orgs,
            org_of,
            provinces,
            agencies_by_province,
            districts,
            crossings,
            population,
            sightings,
            start,
            day_counts,
            day: 0,
            left_today: 0,
            cases,
            index: 0,
            items_done: 0,
            sizes: rng_for(params.seed, STREAM_SIZES),
            rng: rng_for(params.seed, STREAM_CASES),
            people: rng_for(params.seed, STREAM_PEOPLE),
        })
    }

    pub fn params(&self) -> Params {
        self.params
    }

    /// The number of cases the run produces.
    pub fn case_count(&self) -> u64 {
        self.cases
    }

    /// The first day of the period.
    pub fn start(&self) -> Date {
        self.start
    }

    /// The agencies, in the order [`SynthCase::agency`] indexes.
    pub fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    pub fn population(&self) -> &Population {
        &self.population
    }

    /// How many distinct persons the cases generated so far name.
    pub fn persons_named(&self) -> u64 {
        self.sightings.persons()
    }

    /// Who was recorded by which agency under which name, for the cases
    /// generated so far, by person then agency.
    pub fn truth(&self) -> impl Iterator<Item = TruthRow> + '_ {
        self.sightings.pairs().map(move |(p, o)| {
            let (code, kind) = &self.orgs[o as usize];
            let person = self.population.person(p);
            TruthRow {
                person_id: self.population.person_id(p),
                variant_name: self.population.spelling(&person, code, *kind),
                agency: code.clone(),
                record_id: self
                    .population
                    .record_id(p, o, self.sightings.first(p, o).unwrap_or(0)),
            }
        })
    }

    fn case(&mut self, date: Date, n_items: u64) -> SynthCase {
        let rng = &mut self.rng;
        let end = self.params.end;
        let province = pick(rng, &self.provinces).clone();
        let mut district = match self.districts.get(&province) {
            Some(t) if !t.is_empty() && !chance(rng, 100) => pick(rng, t).clone(),
            _ => String::new(),
        };
        let agency = match self.agencies_by_province.get(&province) {
            Some(t) => *pick(rng, t),
            None => 0,
        };
        let a = &self.agencies[agency];
        let detection = *pick(rng, detection_table(a.kind));

        // A border crossing for border work, where the province has one.
        let crossing = match self.crossings.get(&province) {
            Some(cs)
                if !cs.is_empty()
                    && (detection == "border_inspection"
                        || (matches!(detection, "scanner" | "canine") && chance(rng, 400))) =>
            {
                Some(cs[rng.gen_range(0..cs.len())].clone())
            }
            _ => None,
        };
        if let Some(d) = crossing.as_ref().and_then(|c| c.district.clone()) {
            district = d;
        }
        let river = RIVER_PROVINCES.contains(&province.as_str());
        let rail = RAIL_PROVINCES.contains(&province.as_str()) && date >= RAIL_OPENED;
        let transport = pick_where(rng, transport_table(detection), |t| {
            (*t != "boat" || river) && (*t != "rail" || rail)
        })
        .copied()
        .unwrap_or("car");
        let mut concealment = *pick(rng, concealment_table(transport));

        // Items.
        let large =
            matches!(detection, "intelligence_led" | "controlled_delivery") && chance(rng, 500);
        let tea = concealment == "tea_packaging";
        let mut first = if tea {
            *pick(
                rng,
                &[("METH_CRYSTAL", 45), ("METH_TABLET", 47), ("KETAMINE", 8)],
            )
        } else {
            *pick(rng, items::SUBSTANCE_MIX)
        };
        // Precursor chemicals travel in bulk: by truck or boat, among cargo.
        let mut transport = transport;
        if items::is_precursor(first) {
            if !matches!(transport, "truck" | "boat" | "") {
                transport = "truck";
            }
            concealment = *pick(rng, &[("mixed_with_cargo", 70), ("not_concealed", 30)]);
            if transport.is_empty() {
                concealment = "premises";
            }
        }
        let personal = matches!(
            transport,
            "motorcycle" | "on_foot" | "bus" | "rail" | "postal_courier"
        ) || matches!(
            concealment,
            "body_carry" | "body_internal" | "luggage" | "parcel"
        );
        if personal && items::is_precursor(first) {
            first = "METH_TABLET";
        }
        let hints = items::Hints {
            tea,
            large,
            year: date.year(),
        };
        // What one person carries stays within what one person can carry.
        let one = |rng: &mut ChaCha8Rng, s: &str| {
            let mut f = items::item(rng, s, hints);
            let mut tries = 0;
            while personal && tries < 8 && items::too_big_to_carry(&f) {
                f = items::item(rng, s, hints);
                tries += 1;
            }
            f
        };
        let mut item_fields = Vec::with_capacity(n_items as usize);
        item_fields.push(one(rng, first));
        for _ in 1..n_items {
            let s = if chance(rng, 300) {
                first
            } else {
                items::companion(rng, first)
            };
            item_fields.push(one(rng, s));
        }
        let precursor = items::is_precursor(first);

        // Route: from Myanmar and China towards Thailand and Viet Nam;
        // precursors the other way, towards the laboratories in Myanmar.
        let lao = |rng: &mut ChaCha8Rng, p: &[(&'static str, u32)]| ("LA", *pick(rng, p));
        let (mut oc, mut op) = if precursor {
            (
                *pick(rng, &[("CN", 55), ("TH", 30), ("VN", 10), ("", 5)]),
                "",
            )
        } else {
            match rng.gen_range(0..100) {
                0..=49 => ("MM", ""),
                50..=59 => ("CN", ""),
                60..=74 => lao(rng, &[("05", 5), ("03", 4), ("02", 2), ("04", 2)]),
                _ => ("", ""),
            }
        };
        let (mut dc, mut dp) = if precursor {
            (*pick(rng, &[("MM", 75), ("LA", 15), ("", 10)]), "")
        } else {
            match rng.gen_range(0..100) {
                0..=36 => ("TH", ""),
                37..=54 => ("VN", ""),
                55..=74 => lao(rng, &[("01", 6), ("13", 2), ("16", 2), ("06", 1)]),
                75..=79 => ("CN", ""),
                80..=84 => ("KH", ""),
                _ => ("", ""),
            }
        };
        if let Some(c) = &crossing {
            // Through a crossing: drugs come in from China and Myanmar and
            // leave for Thailand, Viet Nam and Cambodia; precursors come in.
            let cp = static_country(&c.counterpart);
            if !cp.is_empty() {
                if precursor || matches!(cp, "CN" | "MM") {
                    (oc, op) = (cp, "");
                } else {
                    (dc, dp) = (cp, "");
                }
            }
        }
        if oc == dc && op == dp {
            (dc, dp) = ("", "");
        }

        // Status by age.
        let age = (end - date).whole_days();
        let status = *pick(
            rng,
            if age < 30 {
                &[("open", 60), ("under_investigation", 40)][..]
            } else if age < 180 {
                &[
                    ("open", 20),
                    ("under_investigation", 45),
                    ("sent_to_prosecutor", 25),
                    ("closed", 10),
                ][..]
            } else if age < 730 {
                &[
                    ("open", 5),
                    ("under_investigation", 20),
                    ("sent_to_prosecutor", 25),
                    ("court_decided", 30),
                    ("closed", 20),
                ][..]
            } else {
                &[
                    ("open", 2),
                    ("under_investigation", 8),
                    ("sent_to_prosecutor", 10),
                    ("court_decided", 35),
                    ("closed", 45),
                ][..]
            },
        );
        let classification = *pick(
            rng,
            if large || detection == "informant" {
                &[("restricted", 40), ("confidential", 45), ("secret", 15)][..]
            } else {
                &[
                    ("unclassified", 12),
                    ("restricted", 68),
                    ("confidential", 17),
                    ("secret", 3),
                ][..]
            },
        );
        let tlp = *pick(
            rng,
            match classification {
                "unclassified" => &[("TLP:CLEAR", 30), ("TLP:GREEN", 70)][..],
                "restricted" => &[
                    ("TLP:GREEN", 40),
                    ("TLP:AMBER", 50),
                    ("TLP:AMBER+STRICT", 10),
                ][..],
                "confidential" => {
                    &[("TLP:AMBER", 30), ("TLP:AMBER+STRICT", 50), ("TLP:RED", 20)][..]
                }
                _ => &[("TLP:AMBER+STRICT", 30), ("TLP:RED", 70)][..],
            },
        );

        // Time of day: checkpoints and patrols at night, the border by day.
        let time = if chance(rng, 850) {
            let hour: u8 = match detection {
                "checkpoint_search" | "patrol" | "canine" => *pick(
                    rng,
                    &[
                        (20u8, 3),
                        (21, 4),
                        (22, 5),
                        (23, 5),
                        (0, 4),
                        (1, 3),
                        (2, 3),
                        (3, 2),
                        (4, 2),
                        (5, 2),
                        (6, 2),
                        (9, 1),
                        (14, 1),
                        (17, 2),
                    ],
                ),
                "border_inspection" | "scanner" | "parcel_inspection" => rng.gen_range(7..19),
                _ => rng.gen_range(0..24),
            };
            let minute: u8 = if chance(rng, 600) {
                rng.gen_range(0..12) * 5
            } else {
                rng.gen_range(0..60)
            };
            Time::from_hms(hour, minute, 0).ok()
        } else {
            None
        };
        let operation_name = if matches!(
            detection,
            "intelligence_led" | "controlled_delivery" | "follow_up_investigation"
        ) && chance(rng, 400)
        {
            format!("{} {}", pick(rng, OPERATION_WORDS), rng.gen_range(1..40))
        } else {
            String::new()
        };

        // Persons, vehicles and phones: network cases draw on a network's
        // members, vehicles and phones; others on independent persons.
        let n_persons = *pick(rng, PERSONS_PER_CASE);
        let pop = &self.population;
        let network = if n_persons > 0 && chance(rng, 550) {
            let hot = (pop.networks() / 10).max(1);
            Some(if chance(rng, 500) {
                rng.gen_range(0..hot)
            } else {
                rng.gen_range(0..pop.networks())
            })
        } else {
            None
        };
        let vehicular = matches!(transport, "car" | "truck" | "motorcycle" | "boat");
        // (person, phones): the records and parts are made once the case's
        // time is known.
        let mut persons: Vec<(u32, Vec<u64>)> = Vec::with_capacity(n_persons);
        let (org_code, org_kind) = self.orgs[self.org_of[agency] as usize].clone();
        for slot in 0..n_persons {
            let person = match network {
                Some(n) => {
                    let m = pop.members(n);
                    let rank = if m <= 4 {
                        rng.gen_range(0..m.max(1))
                    } else if slot == 0 && vehicular && chance(rng, 500) {
                        rng.gen_range(2..4)
                    } else if chance(rng, 40) {
                        0
                    } else if chance(rng, 40) {
                        1
                    } else {
                        // Couriers, the first ones recurring most.
                        4 + rng.gen_range(0..m - 4).min(rng.gen_range(0..m - 4))
                    };
                    pop.member(n, rank).unwrap_or(n)
                }
                None if pop.size() > pop.networked() => rng.gen_range(pop.networked()..pop.size()),
                None => rng.gen_range(0..pop.size()),
            };
            if persons.iter().any(|p| p.0 == person) {
                continue;
            }
            let p = pop.person(person);
            let mut phones: Vec<u64> = (0..rng.gen_range(0..3u64))
                .map(|_| match p.network {
                    Some(n) if chance(rng, 500) => u64::from(n) * 4 + rng.gen_range(0..4),
                    _ => u64::from(pop.networks()) * 4 + u64::from(person),
                })
                .collect();
            let mut seen = Vec::with_capacity(phones.len());
            phones.retain(|ph| {
                let new = !seen.contains(ph);
                seen.push(*ph);
                new
            });
            persons.push((person, phones));
        }
        let vehicle = if vehicular && (n_persons > 0 || chance(rng, 300)) {
            match network {
                Some(n) if chance(rng, 600) => Some(u64::from(n) * 3 + rng.gen_range(0..3)),
                _ => {
                    self.fresh_vehicle += 1;
                    Some(self.fresh_vehicle)
                }
            }
        } else {
            None
        };

        // The narrative: a sentence from the facts, marked synthetic.
        let first_item = &item_fields[0];
        let amount = if !first_item.tablet_count.is_empty() {
            format!("{} {}", first_item.tablet_count, substance_phrase(first))
        } else if matches!(first_item.unit.as_str(), "tablets" | "units" | "plants") {
            format!("{} {}", first_item.quantity, substance_phrase(first))
        } else {
            format!(
                "{} {} of {}",
                first_item.quantity,
                first_item.unit,
                substance_phrase(first)
            )
        };
        let mut narrative = format!(
            "Synthetic case. {}{}: {amount}",
            detection_phrase(detection),
            transport_phrase(transport),
        );
        if !first_item.tablet_logo.is_empty() {
            narrative.push_str(&format!(" marked {}", first_item.tablet_logo.trim()));
        }
        if n_items > 1 {
            narrative.push_str(&format!(
                " and {} other item{}",
                n_items - 1,
                if n_items > 2 { "s" } else { "" }
            ));
        }
        narrative.push_str(" seized.");
        match persons.len() {
            0 => {}
            1 => narrative.push_str(" One person named."),
            n => narrative.push_str(&format!(" {n} persons named.")),
        }

        // Ids from the synthetic time the case was recorded.
        let local =
            PrimitiveDateTime::new(date, time.unwrap_or(Time::MIDNIGHT)).assume_offset(LOCAL);
        let last =
            PrimitiveDateTime::new(end, Time::from_hms(23, 59, 59).unwrap_or(Time::MIDNIGHT))
                .assume_offset(LOCAL);
        let created_at = (local + Duration::minutes(rng.gen_range(30..72 * 60)))
            .min(last)
            .to_offset(UtcOffset::UTC);
        let updated_at = if status == "open" {
            created_at
        } else {
            (created_at + Duration::days(rng.gen_range(1..age.clamp(2, 400))))
                .min(last.to_offset(UtcOffset::UTC))
        };
        let id = uuid_v7(created_at, rng.gen());
        let items = item_fields
            .into_iter()
            .map(|fields| SynthItem {
                id: uuid_v7(created_at, rng.gen()),
                fields,
            })
            .collect();
        let persons = self.person_links(
            agency,
            persons,
            created_at,
            date,
            status,
            (&org_code, org_kind),
        );
        let objects = self.objects(&persons, vehicle, transport, org_kind, created_at);
        let date_f = time::macros::format_description!("[year]-[month]-[day]");
        let time_f = time::macros::format_description!("[hour]:[minute]");
        let fields = CaseFields {
            reference: String::new(),
            occurred_on: date.format(date_f).unwrap_or_default(),
            occurred_time: time.and_then(|t| t.format(time_f).ok()).unwrap_or_default(),
            province,
            district,
            village: None,
            border_crossing: crossing.map(|c| c.id),
            latitude: String::new(),
            longitude: String::new(),
            operation_name: if operation_name.is_empty() {
                operation_name
            } else {
                format!("Operation {operation_name}")
            },
            detection_method: detection.to_owned(),
            transport_mode: transport.to_owned(),
            concealment_method: concealment.to_owned(),
            origin_country: oc.to_owned(),
            origin_province: op.to_owned(),
            destination_country: dc.to_owned(),
            destination_province: dp.to_owned(),
            status: status.to_owned(),
            narrative,
        };
        let a = &self.agencies[agency];
        SynthCase {
            index: self.index,
            id,
            created_at,
            updated_at,
            agency,
            organisation: a.organisation,
            unit: a.unit,
            fields,
            classification,
            tlp,
            items,
            persons,
            vehicle,
            objects,
            network,
        }
    }

    /// The persons of a case: the agency's record of each (created with
    /// this case if it is the agency's first to name them), their part.
    fn person_links(
        &mut self,
        agency: usize,
        drafts: Vec<(u32, Vec<u64>)>,
        created_at: OffsetDateTime,
        on: Date,
        status: &str,
        (code, kind): (&str, OrganisationKind),
    ) -> Vec<PersonLink> {
        let org = self.org_of[agency];
        let at_ms = u64::try_from(created_at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        let pop = &self.population;
        drafts
            .into_iter()
            .map(|(person, phones)| {
                let p = pop.person(person);
                let (first_ms, new) = self.sightings.record(person, org, at_ms);
                let new_record = new.then(|| {
                    let home = (!self.provinces.is_empty()).then(|| {
                        let h = mix(self.params.seed ^ mix(u64::from(person) ^ 0x686f_6d65));
                        self.provinces[(h % self.provinces.len() as u64) as usize]
                            .0
                            .as_str()
                    });
                    pop.record_fields(&p, code, kind, on, home)
                });
                PersonLink {
                    person,
                    record: pop.record_id(person, org, first_ms),
                    new_record,
                    name: pop.spelling(&p, code, kind),
                    part: part(&mut self.people, p.role, status),
                    phones,
                }
            })
            .collect()
    }

    /// The vehicle (with the first person, usually its driver) and each
    /// phone once (with the first person it was found on).
    fn objects(
        &mut self,
        persons: &[PersonLink],
        vehicle: Option<u64>,
        transport: &str,
        kind: OrganisationKind,
        created_at: OffsetDateTime,
    ) -> Vec<SynthObject> {
        let seed = self.params.seed;
        let mut out = Vec::new();
        if let Some(v) = vehicle {
            out.push(SynthObject {
                id: uuid_v7(created_at, self.people.gen()),
                kind: "vehicle",
                fields: objects::vehicle(seed, v, transport, kind),
                person: (!persons.is_empty()).then_some(0),
            });
        }
        let mut seen = Vec::new();
        for (i, p) in persons.iter().enumerate() {
            for ph in &p.phones {
                if seen.contains(ph) {
                    continue;
                }
                seen.push(*ph);
                out.push(SynthObject {
                    id: uuid_v7(created_at, self.people.gen()),
                    kind: "phone",
                    fields: [("number".to_owned(), objects::phone(seed, *ph, kind))]
                        .into_iter()
                        .collect(),
                    person: Some(i),
                });
            }
        }
        out
    }
}

/// A person's part in a case as typed: the role from the person's place in
/// the network; for those arrested, an outcome that follows the case's
/// status (arrested while under investigation, charged when sent to the
/// prosecutor, mostly convicted once the court decided). Organisers,
/// financiers and recruiters are named as suspects, without an outcome.
fn part(rng: &mut ChaCha8Rng, role: NetworkRole, status: &str) -> CasePersonFields {
    let code = match role {
        NetworkRole::Organiser => "organiser",
        NetworkRole::Financier => "financier",
        NetworkRole::Recruiter => "other",
        NetworkRole::Driver | NetworkRole::Courier => "courier",
        NetworkRole::Independent => *pick(rng, &[("courier", 70), ("buyer", 30)]),
    };
    let mut f = CasePersonFields {
        role: code.to_owned(),
        ..Default::default()
    };
    if matches!(
        role,
        NetworkRole::Organiser | NetworkRole::Financier | NetworkRole::Recruiter
    ) {
        return f;
    }
    let outcome = match status {
        "sent_to_prosecutor" => "charged",
        "court_decided" | "closed" => *pick(
            rng,
            &[("convicted", 85), ("acquitted", 4), ("released", 11)],
        ),
        _ => *pick(rng, &[("arrested", 90), ("released", 10)]),
    };
    f.outcome = outcome.to_owned();
    if outcome == "convicted" {
        let sentence = *pick(
            rng,
            &[
                ("imprisonment", 80),
                ("suspended_imprisonment", 4),
                ("life_imprisonment", 10),
                ("death", 3),
                ("fine_only", 3),
            ],
        );
        f.sentence_kind = sentence.to_owned();
        match sentence {
            "imprisonment" => {
                let months: u32 = *pick(
                    rng,
                    &[
                        (12, 5),
                        (24, 10),
                        (36, 12),
                        (60, 20),
                        (84, 12),
                        (120, 16),
                        (180, 12),
                        (240, 13),
                    ],
                );
                f.sentence_months = months.to_string();
            }
            "suspended_imprisonment" => {
                f.sentence_months = pick(rng, &[(6u32, 1), (12, 2), (24, 1)]).to_string();
            }
            _ => {}
        }
        if sentence == "fine_only" || (sentence != "death" && chance(rng, 600)) {
            let lak: u64 = *pick(
                rng,
                &[
                    (1_000_000, 10),
                    (5_000_000, 25),
                    (10_000_000, 30),
                    (50_000_000, 20),
                    (100_000_000, 15),
                ],
            );
            f.fine = lak.to_string();
            f.fine_currency = "LAK".to_owned();
        }
    }
    f
}

/// The country codes a crossing may name, as static strings.
fn static_country(c: &str) -> &'static str {
    match c {
        "TH" => "TH",
        "VN" => "VN",
        "KH" => "KH",
        "CN" => "CN",
        "MM" => "MM",
        _ => "",
    }
}

impl Iterator for Generator {
    type Item = SynthCase;

    fn next(&mut self) -> Option<SynthCase> {
        if self.index >= self.cases {
            return None;
        }
        while self.left_today == 0 {
            if self.day >= self.day_counts.len() {
                return None;
            }
            self.left_today = self.day_counts[self.day];
            self.day += 1;
        }
        self.left_today -= 1;
        let date = self.start + Duration::days(self.day as i64 - 1);
        let mut n = *pick(&mut self.sizes, ITEMS_PER_CASE);
        if self.index + 1 == self.cases || self.items_done + n > self.params.items {
            n = self.params.items - self.items_done;
        }
        let c = self.case(date, n);
        self.items_done += n;
        self.index += 1;
        Some(c)
    }
}
