//! The seizure part of the UN drug office's Annual Report Questionnaire
//! (ARQ): which of our substances go to which of its drug rows, in which
//! unit each seized item is counted, what makes a seizure "significant"
//! for the individual seizures list, and the fold that turns a year's
//! seized items into the questionnaire's figures. `docs/reports.md` states
//! the same rules for readers; `data/reference/arq_tdi_fields.md` is what
//! we know of the questionnaire itself.
//!
//! # Drug rows
//!
//! [`ARQ_ROWS`] is the one table: each row of the questionnaire's seizure
//! table, its group, the local substance codes (`data/reference/drugs.csv`)
//! reported on it, and its significance thresholds. Every drug of the
//! taxonomy is on exactly one row (a test checks it). The rows follow
//! UNODC's drug groups; regional forms that UNODC reports separately
//! (methamphetamine tablets, crystalline methamphetamine, ketamine, "happy
//! water") have rows of their own so that the figures the region watches
//! are not merged away. Precursor chemicals are not part of the ARQ (they
//! are reported to the INCB on Form D); their totals are kept apart, per
//! chemical, so that nothing recorded is silently left out.
//!
//! # One figure per item, never summed across kinds
//!
//! Each seized item counts once, in one [`ArqUnit`]:
//!
//! - an item with a count counts by it: tablets and capsules as tablets
//!   (the questionnaire has no capsule unit), units (doses, blotters,
//!   sachets) as units, plants as plants, and tablets that were weighed
//!   and counted (the tablet count is required then) as tablets;
//! - otherwise by what was measured: mass in kilograms, volume in litres,
//!   area in hectares (opium poppy and cannabis cultivation).
//!
//! A mass derived from a count and a weight per tablet is never added to a
//! kilogram total: the item is already counted in tablets. A drug seized
//! both in kilograms and in tablets in a year therefore has two figures,
//! both reported, each with its own number of cases. No density, tablet
//! weight or "kilogram equivalent" is applied.
//!
//! Totals are exact: sums of the stored integer micrograms, microlitres,
//! counts and square metres, written as decimals ([`Amount`]).
//!
//! # Significant individual seizures
//!
//! A *seizure* is what one case seized of one ARQ drug in one unit (the
//! case's items of that row and unit, summed: two packages of 600 g of
//! heroin in one case are one seizure of 1.2 kg). It is *significant* when
//! it reaches its row's threshold for that unit. The thresholds, in
//! [`ARQ_ROWS`], are dcis's choice, not the questionnaire's (which leaves
//! "significant" to the reporting country); the reasoning:
//!
//! - **1 kg** for refined drugs (heroin, morphine, cocaine, crystalline
//!   and other methamphetamine, amphetamine, MDMA powder, ketamine, NPS)
//!   and **1 litre** for their liquids: wholesale, not retail, quantities;
//! - **10,000 tablets** for tablets (yaba, ecstasy, benzodiazepines,
//!   pharmaceutical opioids): about 1 kg of tablets at 90–100 mg each;
//! - **1,000 units** for doses, blotters and sachets;
//! - **10 kg** for opium and cannabis herb and resin, and **10 litres**
//!   for "happy water" drinks: bulkier, less refined products;
//! - **100 kg** (or litres) for kratom, a leaf;
//! - **1,000 plants** of cannabis and **10,000 plants** of opium poppy
//!   (a field of poppy holds 100,000 or more plants a hectare), and **1
//!   hectare** of either.
//!
//! These are [`Thresholds::DEFAULT`] (1 kg, 1 litre, 10,000 tablets, 1,000
//! units, 1,000 plants, 1 hectare) and the few rows that differ from it,
//! so every unit an item can be counted in has a threshold. Precursors
//! have no significant seizures here.

use crate::access::RecordId;
use crate::case::EARLIEST_DATE;
use crate::error::FieldError;
use crate::quantity::{Dimension, MeasureUnit};
use crate::substance::{SubstanceCode, SubstanceKind, Taxonomy};
use crate::text::ascii_digit;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The calendar year a report covers: four digits (Lao digits allowed),
/// not before the earliest date a case may have
/// ([`crate::case::EARLIEST_DATE`]) and not after the current year (the
/// current year gives a report of the year so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ReportYear(i32);

impl ReportYear {
    pub const FIELD: &'static str = "year";

    /// Parses a year; `current` is this year (local time). Errors on the
    /// field `year`: `err-required`, `err-report-year` (not a year),
    /// `err-report-year-early`, `err-report-year-future`.
    pub fn parse(s: &str, current: i32) -> Result<Self, FieldError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(FieldError::new(Self::FIELD, "err-required"));
        }
        let digits: String = t.chars().map(ascii_digit).collect();
        let bad = || FieldError::new(Self::FIELD, "err-report-year").with("value", t);
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = digits.parse().map_err(|_| bad())?;
        let earliest = EARLIEST_DATE.year();
        if year < earliest {
            return Err(FieldError::new(Self::FIELD, "err-report-year-early").with("min", earliest));
        }
        if year > current {
            return Err(FieldError::new(Self::FIELD, "err-report-year-future")
                .with("value", year)
                .with("max", current));
        }
        Ok(Self(year))
    }

    pub fn get(&self) -> i32 {
        self.0
    }

    /// The first and last days, as ISO dates (`2025-01-01`, `2025-12-31`).
    pub fn bounds(&self) -> (String, String) {
        (
            format!("{:04}-01-01", self.0),
            format!("{:04}-12-31", self.0),
        )
    }
}

impl fmt::Display for ReportYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The unit a figure of the questionnaire is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArqUnit {
    /// Kilograms (from micrograms).
    Kg,
    /// Litres (from microlitres).
    L,
    /// Tablets and capsules.
    Tablets,
    /// Doses, blotters, sachets, ampoules.
    Units,
    Plants,
    /// Hectares (from square metres).
    Ha,
}

impl ArqUnit {
    pub const ALL: [ArqUnit; 6] = [
        Self::Kg,
        Self::L,
        Self::Tablets,
        Self::Units,
        Self::Plants,
        Self::Ha,
    ];

    /// The code written in files (`kg`, `l`, `tablets`…), the same as the
    /// matching [`MeasureUnit`]'s, so the message `unit-{code}` names it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Kg => "kg",
            Self::L => "l",
            Self::Tablets => "tablets",
            Self::Units => "units",
            Self::Plants => "plants",
            Self::Ha => "ha",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == s.trim())
    }

    /// How many decimal places of this unit one stored step is: a stored
    /// mass is in micrograms, 10^-9 kg.
    pub fn scale(&self) -> u8 {
        match self {
            Self::Kg => 9,
            Self::L => 6,
            Self::Tablets | Self::Units | Self::Plants => 0,
            Self::Ha => 4,
        }
    }
}

impl fmt::Display for ArqUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An exact quantity in an [`ArqUnit`]: a whole number of the unit's
/// stored steps (micrograms, microlitres, items, square metres).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Amount {
    unit: ArqUnit,
    steps: u128,
}

impl Amount {
    pub fn new(unit: ArqUnit, steps: u128) -> Self {
        Self { unit, steps }
    }

    pub fn unit(&self) -> ArqUnit {
        self.unit
    }

    /// The quantity in stored steps (µg, µl, items, m²).
    pub fn steps(&self) -> u128 {
        self.steps
    }

    /// The exact decimal in the unit, without trailing zeros: `1.25` (kg),
    /// `120000` (tablets).
    pub fn decimal(&self) -> String {
        decimal_string(self.steps, self.unit.scale())
    }

    /// The same quantity plus `other`; `None` if the units differ (never
    /// summed across kinds) or the sum overflows.
    pub fn checked_add(&self, other: Amount) -> Option<Amount> {
        (self.unit == other.unit).then_some(())?;
        Some(Amount {
            unit: self.unit,
            steps: self.steps.checked_add(other.steps)?,
        })
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.decimal(), self.unit)
    }
}

/// `units × 10^-scale` written out exactly, without trailing zeros.
pub fn decimal_string(units: u128, scale: u8) -> String {
    let digits = units.to_string();
    let scale = usize::from(scale);
    if scale == 0 {
        return digits;
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, frac) = padded.split_at(padded.len() - scale);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        whole.to_owned()
    } else {
        format!("{whole}.{frac}")
    }
}

/// The groups of the questionnaire's drug list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArqGroup {
    Opioids,
    CocaineType,
    CannabisType,
    AmphetamineType,
    Sedatives,
    Hallucinogens,
    Nps,
    Other,
}

impl ArqGroup {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Opioids => "opioids",
            Self::CocaineType => "cocaine_type",
            Self::CannabisType => "cannabis_type",
            Self::AmphetamineType => "amphetamine_type",
            Self::Sedatives => "sedatives",
            Self::Hallucinogens => "hallucinogens",
            Self::Nps => "nps",
            Self::Other => "other",
        }
    }
}

/// A drug row of the questionnaire's seizure table, in the table's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArqDrug {
    Opium,
    OpiumPoppy,
    Morphine,
    Heroin,
    PharmaceuticalOpioids,
    Tramadol,
    Cocaine,
    CocaineBase,
    CannabisHerb,
    CannabisResin,
    CannabisOil,
    CannabisPlants,
    MethamphetamineTablets,
    MethamphetamineCrystal,
    MethamphetamineOther,
    Amphetamine,
    Ecstasy,
    Sedatives,
    Lsd,
    Ketamine,
    SyntheticCannabinoids,
    SyntheticCathinones,
    OtherNps,
    DrugMixtures,
    Kratom,
    Other,
}

/// The significance thresholds of a row, in stored steps per unit. A row
/// states only where it differs from [`Thresholds::DEFAULT`]; any unit an
/// item can be counted in therefore has a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub kg: Option<u128>,
    pub l: Option<u128>,
    pub tablets: Option<u128>,
    pub units: Option<u128>,
    pub plants: Option<u128>,
    pub ha: Option<u128>,
}

impl Thresholds {
    /// 1 kg, 1 litre, 10,000 tablets, 1,000 units, 1,000 plants, 1 hectare.
    pub const DEFAULT: Thresholds = Thresholds {
        kg: kg(1),
        l: litres(1),
        tablets: count(10_000),
        units: count(1_000),
        plants: count(1_000),
        ha: ha(1),
    };

    /// The threshold for `unit`, as an amount.
    pub fn get(&self, unit: ArqUnit) -> Amount {
        let d = Self::DEFAULT;
        let (own, default) = match unit {
            ArqUnit::Kg => (self.kg, d.kg),
            ArqUnit::L => (self.l, d.l),
            ArqUnit::Tablets => (self.tablets, d.tablets),
            ArqUnit::Units => (self.units, d.units),
            ArqUnit::Plants => (self.plants, d.plants),
            ArqUnit::Ha => (self.ha, d.ha),
        };
        Amount::new(unit, own.or(default).unwrap_or(0))
    }
}

const fn kg(n: u128) -> Option<u128> {
    Some(n * 1_000_000_000)
}
const fn litres(n: u128) -> Option<u128> {
    Some(n * 1_000_000)
}
const fn count(n: u128) -> Option<u128> {
    Some(n)
}
const fn ha(n: u128) -> Option<u128> {
    Some(n * 10_000)
}

/// One row of [`ARQ_ROWS`].
#[derive(Debug, Clone, Copy)]
pub struct ArqRow {
    pub drug: ArqDrug,
    /// The row's code in files (`HEROIN`); its label is the message
    /// `arq-drug-{code in lower case, _ as -}`.
    pub code: &'static str,
    pub group: ArqGroup,
    /// The local substance codes reported on this row.
    pub substances: &'static [&'static str],
    /// The unit the row is shown in when nothing was seized ("--").
    pub usual_unit: ArqUnit,
    pub thresholds: Thresholds,
}

use ArqDrug as D;
use ArqGroup as G;
use ArqUnit as U;

/// The questionnaire's seizure table as dcis fills it: the one place that
/// says which substance goes on which row and what is significant there.
pub const ARQ_ROWS: &[ArqRow] = &[
    ArqRow {
        drug: D::Opium,
        code: "OPIUM",
        group: G::Opioids,
        substances: &["OPIUM_RAW", "OPIUM_PREPARED"],
        usual_unit: U::Kg,
        thresholds: Thresholds {
            kg: kg(10),
            ..Thresholds::DEFAULT
        },
    },
    ArqRow {
        drug: D::OpiumPoppy,
        code: "OPIUM_POPPY",
        group: G::Opioids,
        substances: &["OPIUM_POPPY_PLANT"],
        usual_unit: U::Plants,
        thresholds: Thresholds {
            plants: count(10_000),
            ..Thresholds::DEFAULT
        },
    },
    ArqRow {
        drug: D::Morphine,
        code: "MORPHINE",
        group: G::Opioids,
        substances: &["MORPHINE"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::Heroin,
        code: "HEROIN",
        group: G::Opioids,
        substances: &["HEROIN"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::PharmaceuticalOpioids,
        code: "PHARMACEUTICAL_OPIOIDS",
        group: G::Opioids,
        substances: &["PHARMA_OPIOID"],
        usual_unit: U::Tablets,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::Tramadol,
        code: "TRAMADOL",
        group: G::Opioids,
        substances: &["TRAMADOL"],
        usual_unit: U::Tablets,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::Cocaine,
        code: "COCAINE",
        group: G::CocaineType,
        substances: &["COCAINE"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::CocaineBase,
        code: "COCAINE_BASE",
        group: G::CocaineType,
        substances: &["COCAINE_BASE"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::CannabisHerb,
        code: "CANNABIS_HERB",
        group: G::CannabisType,
        substances: &["CANNABIS_HERB"],
        usual_unit: U::Kg,
        thresholds: Thresholds {
            kg: kg(10),
            ..Thresholds::DEFAULT
        },
    },
    ArqRow {
        drug: D::CannabisResin,
        code: "CANNABIS_RESIN",
        group: G::CannabisType,
        substances: &["CANNABIS_RESIN"],
        usual_unit: U::Kg,
        thresholds: Thresholds {
            kg: kg(10),
            ..Thresholds::DEFAULT
        },
    },
    ArqRow {
        drug: D::CannabisOil,
        code: "CANNABIS_OIL",
        group: G::CannabisType,
        substances: &["CANNABIS_OIL"],
        usual_unit: U::L,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::CannabisPlants,
        code: "CANNABIS_PLANTS",
        group: G::CannabisType,
        substances: &["CANNABIS_PLANT"],
        usual_unit: U::Plants,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::MethamphetamineTablets,
        code: "METHAMPHETAMINE_TABLETS",
        group: G::AmphetamineType,
        substances: &["METH_TABLET"],
        usual_unit: U::Tablets,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::MethamphetamineCrystal,
        code: "METHAMPHETAMINE_CRYSTAL",
        group: G::AmphetamineType,
        substances: &["METH_CRYSTAL"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::MethamphetamineOther,
        code: "METHAMPHETAMINE_OTHER",
        group: G::AmphetamineType,
        substances: &["METH_OTHER"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::Amphetamine,
        code: "AMPHETAMINE",
        group: G::AmphetamineType,
        substances: &["AMPHETAMINE"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::Ecstasy,
        code: "ECSTASY",
        group: G::AmphetamineType,
        substances: &["ECSTASY_TABLET", "MDMA_POWDER"],
        usual_unit: U::Tablets,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::Sedatives,
        code: "SEDATIVES",
        group: G::Sedatives,
        substances: &["NIMETAZEPAM", "BENZODIAZEPINE_OTHER"],
        usual_unit: U::Tablets,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::Lsd,
        code: "LSD",
        group: G::Hallucinogens,
        substances: &["LSD"],
        usual_unit: U::Units,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::Ketamine,
        code: "KETAMINE",
        group: G::Nps,
        substances: &["KETAMINE"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::SyntheticCannabinoids,
        code: "SYNTHETIC_CANNABINOIDS",
        group: G::Nps,
        substances: &["NPS_SYNTH_CANNABINOID"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::SyntheticCathinones,
        code: "SYNTHETIC_CATHINONES",
        group: G::Nps,
        substances: &["NPS_SYNTH_CATHINONE"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::OtherNps,
        code: "OTHER_NPS",
        group: G::Nps,
        substances: &["NPS_OTHER"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
    ArqRow {
        drug: D::DrugMixtures,
        code: "DRUG_MIXTURES",
        group: G::Other,
        substances: &["HAPPY_WATER"],
        usual_unit: U::Units,
        thresholds: Thresholds {
            l: litres(10),
            ..Thresholds::DEFAULT
        },
    },
    ArqRow {
        drug: D::Kratom,
        code: "KRATOM",
        group: G::Other,
        substances: &["KRATOM"],
        usual_unit: U::Kg,
        thresholds: Thresholds {
            kg: kg(100),
            l: litres(100),
            ..Thresholds::DEFAULT
        },
    },
    ArqRow {
        drug: D::Other,
        code: "OTHER",
        group: G::Other,
        substances: &["OTHER"],
        usual_unit: U::Kg,
        thresholds: Thresholds::DEFAULT,
    },
];

impl ArqDrug {
    /// Every row, in the table's order.
    pub fn all() -> impl Iterator<Item = ArqDrug> {
        ARQ_ROWS.iter().map(|r| r.drug)
    }

    /// The row of [`ARQ_ROWS`] for this drug.
    pub fn row(&self) -> &'static ArqRow {
        // Every variant has a row (a test checks it); the fallback is the
        // "other" row, never reached.
        let at = ARQ_ROWS.iter().position(|r| r.drug == *self);
        &ARQ_ROWS[at.unwrap_or(ARQ_ROWS.len() - 1)]
    }

    pub fn code(&self) -> &'static str {
        self.row().code
    }

    /// The message key of the row's label (`arq-drug-heroin`).
    pub fn message_key(&self) -> String {
        format!(
            "arq-drug-{}",
            self.code().to_ascii_lowercase().replace('_', "-")
        )
    }

    pub fn parse(code: &str) -> Option<ArqDrug> {
        ARQ_ROWS
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code.trim()))
            .map(|r| r.drug)
    }

    /// Is this one case's seizure of the drug significant?
    pub fn is_significant(&self, amount: Amount) -> bool {
        amount >= self.row().thresholds.get(amount.unit())
    }
}

impl ArqGroup {
    /// The message key of the group's label (`arq-group-opioids`).
    pub fn message_key(&self) -> String {
        format!("arq-group-{}", self.as_str().replace('_', "-"))
    }
}

/// Where a substance is reported: on a drug row, or (a precursor) apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArqLine {
    Drug(ArqDrug),
    /// A precursor chemical, by its code: not part of the ARQ.
    Precursor(&'static str),
}

impl ArqLine {
    /// The line of a substance of the taxonomy.
    pub fn of(substance: SubstanceCode) -> ArqLine {
        let code = substance.as_str();
        match substance.substance().kind() {
            SubstanceKind::Precursor => ArqLine::Precursor(code),
            SubstanceKind::Drug => ARQ_ROWS
                .iter()
                .find(|r| r.substances.contains(&code))
                .map(|r| ArqLine::Drug(r.drug))
                // A drug added to drugs.csv without a row: reported as
                // "other" until it gets one (a test fails meanwhile).
                .unwrap_or(ArqLine::Drug(ArqDrug::Other)),
        }
    }
}

/// The normalised columns of a stored seized item, as the reporting rule
/// needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredMeasures {
    /// The unit it was entered in.
    pub unit: MeasureUnit,
    pub micrograms: Option<u64>,
    /// The mass was derived from a count and a weight per item.
    pub mass_derived: bool,
    pub microlitres: Option<u64>,
    pub count: Option<u64>,
    pub square_metres: Option<u64>,
}

/// A stored item whose columns contradict the normalisation rules (a
/// corrupt row): the report refuses it rather than guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistent(pub String);

impl fmt::Display for Inconsistent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Inconsistent {}

/// The one figure an item counts for (see the module documentation).
pub fn reporting_amount(m: &StoredMeasures) -> Result<Amount, Inconsistent> {
    let missing = |what: &str| {
        Inconsistent(format!(
            "an item entered in {} has no {what}",
            m.unit.as_str()
        ))
    };
    if let Some(c) = m.count {
        let unit = match m.unit {
            MeasureUnit::Tablets | MeasureUnit::Capsules => ArqUnit::Tablets,
            MeasureUnit::Units => ArqUnit::Units,
            MeasureUnit::Plants => ArqUnit::Plants,
            // Weighed tablets: the count beside the weight is a tablet count.
            u if u.dimension() == Dimension::Mass => ArqUnit::Tablets,
            u => {
                return Err(Inconsistent(format!(
                    "an item entered in {} has a count",
                    u.as_str()
                )))
            }
        };
        return Ok(Amount::new(unit, u128::from(c)));
    }
    match m.unit.dimension() {
        Dimension::Mass if m.mass_derived => Err(missing("count beside its derived mass")),
        Dimension::Mass => m
            .micrograms
            .map(|v| Amount::new(ArqUnit::Kg, u128::from(v)))
            .ok_or_else(|| missing("mass")),
        Dimension::Volume => m
            .microlitres
            .map(|v| Amount::new(ArqUnit::L, u128::from(v)))
            .ok_or_else(|| missing("volume")),
        Dimension::Area => m
            .square_metres
            .map(|v| Amount::new(ArqUnit::Ha, u128::from(v)))
            .ok_or_else(|| missing("area")),
        Dimension::Count => Err(missing("count")),
    }
}

/// A total in one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    pub amount: Amount,
    /// Seized items counted in it.
    pub items: u64,
    /// Cases with at least one of those items.
    pub cases: u64,
}

/// The figures of one line (a drug row, a precursor or a substance).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineFigures {
    /// Cases with at least one item of the line, whatever the unit.
    pub cases: u64,
    /// One figure per unit, in [`ArqUnit`] order; empty when nothing was
    /// seized.
    pub by_unit: BTreeMap<ArqUnit, Figure>,
}

impl LineFigures {
    fn add(&mut self, amount: Amount, items: u64) -> Result<(), Inconsistent> {
        let f = self.by_unit.entry(amount.unit()).or_insert(Figure {
            amount: Amount::new(amount.unit(), 0),
            items: 0,
            cases: 0,
        });
        f.amount = f
            .amount
            .checked_add(amount)
            .ok_or_else(|| Inconsistent("a total overflows".into()))?;
        f.items += items;
        f.cases += 1;
        Ok(())
    }
}

/// One case's significant seizure of one drug in one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignificantSeizure {
    pub case: RecordId,
    pub drug: ArqDrug,
    pub amount: Amount,
    /// The local substance codes of the items, in code order.
    pub substances: Vec<&'static str>,
}

/// A year's figures: the questionnaire's rows, the precursors apart, the
/// breakdown by local substance, and the significant seizures (in the
/// order the cases were added, then by row and unit).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArqFigures {
    /// Cases added, with or without items.
    pub cases: u64,
    /// Cases with at least one seized item.
    pub cases_with_items: u64,
    pub items: u64,
    pub drugs: BTreeMap<ArqDrug, LineFigures>,
    pub precursors: BTreeMap<&'static str, LineFigures>,
    pub substances: BTreeMap<&'static str, LineFigures>,
    pub significant: Vec<SignificantSeizure>,
}

/// The fold: add the cases of a year one at a time, each with all its
/// items, then read the figures. A case must be added once, with all its
/// items (the numbers of cases are counted per call).
#[derive(Debug, Default)]
pub struct ArqTally {
    figures: ArqFigures,
}

impl ArqTally {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one case and its seized items (substance and reporting amount).
    pub fn add_case(
        &mut self,
        case: RecordId,
        items: &[(SubstanceCode, Amount)],
    ) -> Result<(), Inconsistent> {
        let f = &mut self.figures;
        f.cases += 1;
        if items.is_empty() {
            return Ok(());
        }
        f.cases_with_items += 1;
        f.items += items.len() as u64;
        // The case's items by line and unit, and by substance and unit.
        let mut lines: BTreeMap<(ArqLine, ArqUnit), (Amount, u64, BTreeSet<&'static str>)> =
            BTreeMap::new();
        let mut subs: BTreeMap<(&'static str, ArqUnit), (Amount, u64)> = BTreeMap::new();
        for (s, a) in items {
            let code = s.as_str();
            let e = lines.entry((ArqLine::of(*s), a.unit())).or_insert((
                Amount::new(a.unit(), 0),
                0,
                BTreeSet::new(),
            ));
            e.0 =
                e.0.checked_add(*a)
                    .ok_or_else(|| Inconsistent("a case total overflows".into()))?;
            e.1 += 1;
            e.2.insert(code);
            let e = subs
                .entry((code, a.unit()))
                .or_insert((Amount::new(a.unit(), 0), 0));
            e.0 =
                e.0.checked_add(*a)
                    .ok_or_else(|| Inconsistent("a case total overflows".into()))?;
            e.1 += 1;
        }
        let mut seen_lines = BTreeSet::new();
        for ((line, _), (amount, n, codes)) in lines {
            let target = match line {
                ArqLine::Drug(d) => f.drugs.entry(d).or_default(),
                ArqLine::Precursor(c) => f.precursors.entry(c).or_default(),
            };
            target.add(amount, n)?;
            if seen_lines.insert(line) {
                target.cases += 1;
            }
            if let ArqLine::Drug(d) = line {
                if d.is_significant(amount) {
                    f.significant.push(SignificantSeizure {
                        case,
                        drug: d,
                        amount,
                        substances: codes.into_iter().collect(),
                    });
                }
            }
        }
        let mut seen_subs = BTreeSet::new();
        for ((code, _), (amount, n)) in subs {
            let target = f.substances.entry(code).or_default();
            target.add(amount, n)?;
            if seen_subs.insert(code) {
                target.cases += 1;
            }
        }
        Ok(())
    }

    pub fn finish(self) -> ArqFigures {
        self.figures
    }
}

/// The codes of every local drug with the row it is reported on, in the
/// table's order (for the notes of the report).
pub fn mapping() -> Vec<(&'static str, ArqDrug)> {
    ARQ_ROWS
        .iter()
        .flat_map(|r| r.substances.iter().map(move |s| (*s, r.drug)))
        .collect()
}

/// Every drug code of the taxonomy without a row, and every code of a row
/// that is not a drug of the taxonomy (both empty when the table is whole).
pub fn mapping_problems() -> (Vec<String>, Vec<&'static str>) {
    let t = Taxonomy::global();
    let mapped: Vec<&str> = mapping().into_iter().map(|(c, _)| c).collect();
    let unmapped = t
        .of_kind(SubstanceKind::Drug)
        .filter(|s| mapped.iter().filter(|m| **m == s.code()).count() != 1)
        .map(|s| s.code().to_owned())
        .collect();
    let unknown = mapped
        .into_iter()
        .filter(|c| t.get(c).is_none_or(|s| s.kind() != SubstanceKind::Drug))
        .collect();
    (unmapped, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> SubstanceCode {
        SubstanceCode::parse(s).unwrap()
    }

    fn case(n: u128) -> RecordId {
        RecordId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn m(unit: MeasureUnit) -> StoredMeasures {
        StoredMeasures {
            unit,
            micrograms: None,
            mass_derived: false,
            microlitres: None,
            count: None,
            square_metres: None,
        }
    }

    #[test]
    fn every_drug_is_on_exactly_one_row_and_every_row_is_in_the_enum() {
        let (unmapped, unknown) = mapping_problems();
        assert_eq!(unmapped, Vec::<String>::new());
        assert_eq!(unknown, Vec::<&str>::new());
        // Rows are in the enum's order, one per variant, codes unique.
        let drugs: Vec<ArqDrug> = ArqDrug::all().collect();
        let mut sorted = drugs.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(drugs, sorted);
        assert_eq!(drugs.len(), 26);
        for d in drugs {
            assert_eq!(d.row().drug, d);
            assert_eq!(ArqDrug::parse(d.code()), Some(d));
            assert_eq!(ArqDrug::parse(&d.code().to_lowercase()), Some(d));
        }
        assert_eq!(ArqDrug::Heroin.message_key(), "arq-drug-heroin");
        assert_eq!(
            ArqDrug::MethamphetamineTablets.message_key(),
            "arq-drug-methamphetamine-tablets"
        );
        assert_eq!(
            ArqGroup::CocaineType.message_key(),
            "arq-group-cocaine-type"
        );
    }

    #[test]
    fn lines_of_substances() {
        let table: &[(&str, ArqLine)] = &[
            ("OPIUM_RAW", ArqLine::Drug(D::Opium)),
            ("OPIUM_PREPARED", ArqLine::Drug(D::Opium)),
            ("METH_TABLET", ArqLine::Drug(D::MethamphetamineTablets)),
            ("METH_CRYSTAL", ArqLine::Drug(D::MethamphetamineCrystal)),
            ("ECSTASY_TABLET", ArqLine::Drug(D::Ecstasy)),
            ("MDMA_POWDER", ArqLine::Drug(D::Ecstasy)),
            ("NIMETAZEPAM", ArqLine::Drug(D::Sedatives)),
            ("HAPPY_WATER", ArqLine::Drug(D::DrugMixtures)),
            ("OTHER", ArqLine::Drug(D::Other)),
            ("ACETIC_ANHYDRIDE", ArqLine::Precursor("ACETIC_ANHYDRIDE")),
            ("CAFFEINE", ArqLine::Precursor("CAFFEINE")),
        ];
        for (c, line) in table {
            assert_eq!(ArqLine::of(code(c)), *line, "{c}");
        }
    }

    /// The unit a row is shown in when empty is one its substances may
    /// be entered in.
    #[test]
    fn usual_units_are_units_of_the_rows_substances() {
        for r in ARQ_ROWS {
            let ok = r.substances.iter().any(|s| {
                code(s).substance().allowed_units().iter().any(|u| {
                    reporting_amount(&StoredMeasures {
                        micrograms: Some(1),
                        microlitres: Some(1),
                        square_metres: Some(1),
                        count: u.is_count().then_some(1),
                        ..m(*u)
                    })
                    .is_ok_and(|a| a.unit() == r.usual_unit)
                })
            });
            assert!(ok, "{}", r.code);
        }
    }

    #[test]
    fn the_documented_thresholds() {
        // Written out from docs/reports.md, independently of the table.
        let table: &[(ArqDrug, ArqUnit, &str)] = &[
            (D::Heroin, U::Kg, "1"),
            (D::Morphine, U::Kg, "1"),
            (D::MethamphetamineCrystal, U::Kg, "1"),
            (D::MethamphetamineOther, U::L, "1"),
            (D::Cocaine, U::Kg, "1"),
            (D::Ketamine, U::Kg, "1"),
            (D::CannabisHerb, U::Kg, "10"),
            (D::CannabisResin, U::Kg, "10"),
            (D::CannabisOil, U::L, "1"),
            (D::Opium, U::Kg, "10"),
            (D::MethamphetamineTablets, U::Tablets, "10000"),
            (D::Ecstasy, U::Tablets, "10000"),
            (D::Sedatives, U::Tablets, "10000"),
            (D::Lsd, U::Units, "1000"),
            (D::DrugMixtures, U::Units, "1000"),
            (D::DrugMixtures, U::L, "10"),
            (D::Kratom, U::Kg, "100"),
            (D::Kratom, U::L, "100"),
            (D::CannabisPlants, U::Plants, "1000"),
            (D::OpiumPoppy, U::Plants, "10000"),
            (D::OpiumPoppy, U::Ha, "1"),
            (D::CannabisPlants, U::Ha, "1"),
            (D::Heroin, U::Tablets, "10000"),
        ];
        for (d, u, expected) in table {
            assert_eq!(d.row().thresholds.get(*u).decimal(), *expected, "{d:?} {u}");
        }
        // At the threshold is significant; just under is not.
        let just = |steps: u128| Amount::new(U::Kg, steps);
        assert!(D::Heroin.is_significant(just(1_000_000_000)));
        assert!(!D::Heroin.is_significant(just(999_999_999)));
        assert!(!D::Heroin.is_significant(Amount::new(U::Tablets, 9_999)));
        assert!(D::Opium.is_significant(just(10_000_000_000)));
        assert!(!D::Opium.is_significant(just(9_999_999_999)));
    }

    #[test]
    fn report_years() {
        let table: &[(&str, Result<i32, &str>)] = &[
            ("2025", Ok(2025)),
            (" 2026 ", Ok(2026)),
            ("໒໐໒໕", Ok(2025)),
            ("1970", Ok(1970)),
            ("", Err("err-required")),
            ("25", Err("err-report-year")),
            ("2025.0", Err("err-report-year")),
            ("-2025", Err("err-report-year")),
            ("twenty", Err("err-report-year")),
            ("20255", Err("err-report-year")),
            ("1969", Err("err-report-year-early")),
            ("2027", Err("err-report-year-future")),
            ("9999", Err("err-report-year-future")),
        ];
        for (input, expected) in table {
            let got = ReportYear::parse(input, 2026)
                .map(|y| y.get())
                .map_err(|e| {
                    assert_eq!(e.field, "year");
                    e.key
                });
            assert_eq!(got, *expected, "{input:?}");
        }
        let e = ReportYear::parse("2027", 2026).unwrap_err();
        assert_eq!(
            e.args,
            vec![("value", "2027".into()), ("max", "2026".into())]
        );
        assert_eq!(
            ReportYear::parse("2024", 2026).unwrap().bounds(),
            ("2024-01-01".into(), "2024-12-31".into())
        );
    }

    #[test]
    fn decimals_are_exact() {
        let table: &[(u128, u8, &str)] = &[
            (0, 9, "0"),
            (1, 9, "0.000000001"),
            (1_250_000_000, 9, "1.25"),
            (12_500_000_000, 9, "12.5"),
            (1_000_000_000_000, 9, "1000"),
            (120_000, 0, "120000"),
            (2_500, 4, "0.25"),
            (10_000, 4, "1"),
            (u128::from(u64::MAX) * 3, 9, "55340232221.128654845"),
        ];
        for (units, scale, s) in table {
            assert_eq!(decimal_string(*units, *scale), *s, "{units} {scale}");
        }
        assert_eq!(Amount::new(U::L, 2_500_000).to_string(), "2.5 l");
        assert_eq!(
            Amount::new(U::Kg, 1).checked_add(Amount::new(U::Tablets, 1)),
            None
        );
        for u in ArqUnit::ALL {
            assert_eq!(ArqUnit::parse(u.as_str()), Some(u));
            assert_eq!(
                MeasureUnit::parse(u.as_str()).map(|m| m.as_str()),
                Ok(u.as_str())
            );
        }
    }

    #[test]
    fn reporting_amounts() {
        use MeasureUnit as M;
        let ok = |s: StoredMeasures| reporting_amount(&s).map(|a| (a.unit(), a.steps()));
        // Weighed.
        let kg = StoredMeasures {
            micrograms: Some(12_500_000_000),
            ..m(M::Kg)
        };
        assert_eq!(ok(kg), Ok((U::Kg, 12_500_000_000)));
        // Counted tablets with a mass derived from a weight per tablet:
        // counted in tablets, the derived grams are not added to kg.
        let counted = StoredMeasures {
            count: Some(200_000),
            micrograms: Some(19_100_000_000),
            mass_derived: true,
            ..m(M::Tablets)
        };
        assert_eq!(ok(counted), Ok((U::Tablets, 200_000)));
        // Capsules are tablets.
        let caps = StoredMeasures {
            count: Some(50),
            ..m(M::Capsules)
        };
        assert_eq!(ok(caps), Ok((U::Tablets, 50)));
        // Weighed tablets with their count: the count.
        let weighed_tablets = StoredMeasures {
            micrograms: Some(2_000_000_000),
            count: Some(20_000),
            ..m(M::Kg)
        };
        assert_eq!(ok(weighed_tablets), Ok((U::Tablets, 20_000)));
        assert_eq!(
            ok(StoredMeasures {
                count: Some(3),
                ..m(M::Units)
            }),
            Ok((U::Units, 3))
        );
        assert_eq!(
            ok(StoredMeasures {
                count: Some(700),
                ..m(M::Plants)
            }),
            Ok((U::Plants, 700))
        );
        assert_eq!(
            ok(StoredMeasures {
                microlitres: Some(2_500_000),
                ..m(M::L)
            }),
            Ok((U::L, 2_500_000))
        );
        assert_eq!(
            ok(StoredMeasures {
                square_metres: Some(2_500),
                ..m(M::Ha)
            }),
            Ok((U::Ha, 2_500))
        );
        // Contradictions are refused, not guessed.
        assert!(reporting_amount(&m(M::Kg)).is_err());
        assert!(reporting_amount(&m(M::Tablets)).is_err());
        assert!(reporting_amount(&StoredMeasures {
            count: Some(1),
            ..m(M::L)
        })
        .is_err());
        assert!(reporting_amount(&StoredMeasures {
            micrograms: Some(1),
            mass_derived: true,
            ..m(M::G)
        })
        .is_err());
    }

    #[test]
    fn the_fold_keeps_units_apart_and_counts_cases_once() {
        let mut t = ArqTally::new();
        let kg = |n: u128| Amount::new(U::Kg, n * 1_000_000_000);
        let tabs = |n: u128| Amount::new(U::Tablets, n);
        // Case 1: yaba in tablets and weighed-powder yaba in kg, and 600 g
        // + 600 g of heroin (one significant seizure of 1.2 kg).
        t.add_case(
            case(1),
            &[
                (code("METH_TABLET"), tabs(8_000)),
                (code("METH_TABLET"), tabs(4_000)),
                (code("METH_TABLET"), kg(2)),
                (code("HEROIN"), Amount::new(U::Kg, 600_000_000)),
                (code("HEROIN"), Amount::new(U::Kg, 600_000_000)),
            ],
        )
        .unwrap();
        // Case 2: raw and prepared opium, 6 kg each: one 12 kg opium
        // seizure; a precursor.
        t.add_case(
            case(2),
            &[
                (code("OPIUM_RAW"), kg(6)),
                (code("OPIUM_PREPARED"), kg(6)),
                (code("ACETIC_ANHYDRIDE"), Amount::new(U::L, 200_000_000)),
                (code("METH_TABLET"), tabs(500)),
            ],
        )
        .unwrap();
        // Case 3: no items.
        t.add_case(case(3), &[]).unwrap();
        let f = t.finish();
        assert_eq!((f.cases, f.cases_with_items, f.items), (3, 2, 9));

        let meth = &f.drugs[&D::MethamphetamineTablets];
        assert_eq!(meth.cases, 2);
        assert_eq!(meth.by_unit.len(), 2);
        let t = meth.by_unit[&U::Tablets];
        assert_eq!(
            (t.amount.decimal().as_str(), t.items, t.cases),
            ("12500", 3, 2)
        );
        let k = meth.by_unit[&U::Kg];
        assert_eq!((k.amount.decimal().as_str(), k.items, k.cases), ("2", 1, 1));

        let opium = &f.drugs[&D::Opium];
        assert_eq!(opium.cases, 1);
        assert_eq!(opium.by_unit[&U::Kg].amount.decimal(), "12");
        assert_eq!(
            f.substances["OPIUM_RAW"].by_unit[&U::Kg].amount.decimal(),
            "6"
        );
        assert_eq!(f.substances["METH_TABLET"].cases, 2);
        assert!(!f.drugs.contains_key(&D::Cocaine));

        let aa = &f.precursors["ACETIC_ANHYDRIDE"];
        assert_eq!(
            (aa.cases, aa.by_unit[&U::L].amount.decimal()),
            (1, "200".into())
        );

        let sig: Vec<(RecordId, ArqDrug, String, Vec<&str>)> = f
            .significant
            .iter()
            .map(|s| (s.case, s.drug, s.amount.to_string(), s.substances.clone()))
            .collect();
        assert_eq!(
            sig,
            vec![
                (case(1), D::Heroin, "1.2 kg".into(), vec!["HEROIN"]),
                (
                    case(1),
                    D::MethamphetamineTablets,
                    "2 kg".into(),
                    vec!["METH_TABLET"]
                ),
                (
                    case(1),
                    D::MethamphetamineTablets,
                    "12000 tablets".into(),
                    vec!["METH_TABLET"]
                ),
                (
                    case(2),
                    D::Opium,
                    "12 kg".into(),
                    vec!["OPIUM_PREPARED", "OPIUM_RAW"]
                ),
            ]
        );
    }
}
