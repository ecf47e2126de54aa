//! The ARQ seizure report as JSON: the machine-readable twin of the
//! workbook, with the same figures. This is a file format (the command
//! line writes it, the API serves it), defined here once; the OpenAPI
//! document describes it from these types. Quantities are exact decimals
//! written as strings (`"12.5"`), never floating-point numbers, so a
//! reader can add them up exactly. `docs/reports.md` documents every field.
//!
//! Version: `schema` is `dcis-arq-seizures/1`. A change that removes or
//! redefines a field gives a new version; added fields do not.

use super::arq::{ArqReport, ListedSeizure, COUNTRY};
use dcis_domain::arq::{ArqDrug, LineFigures, ARQ_ROWS};
use dcis_domain::user::Language;
use dcis_i18n::Catalogue;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The version of this format.
pub const SCHEMA: &str = "dcis-arq-seizures/1";

/// The seizure part of the Annual Report Questionnaire for one year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArqDocument {
    /// `dcis-arq-seizures/1`.
    pub schema: String,
    /// ISO 3166-1 alpha-2 code of the reporting country (`LA`).
    pub country: String,
    pub country_name: String,
    pub year: i32,
    /// False when the year is not over: the figures run up to `data_up_to`.
    pub complete_year: bool,
    /// The last day the figures cover (YYYY-MM-DD).
    pub data_up_to: String,
    /// When the file was made (RFC 3339, UTC).
    pub generated_at: String,
    /// The user name of who made it.
    pub generated_by: String,
    /// The installation's name.
    pub installation: String,
    /// The program and its version (`dcis 0.1.0`).
    pub system: String,
    pub coverage: CoverageOut,
    /// One entry per drug row of the questionnaire, in its order, with or
    /// without seizures (`quantities` empty: "--" on the form).
    pub seizures: Vec<DrugRowOut>,
    /// Precursor chemicals seized (not part of the ARQ; INCB Form D), by
    /// code; only those seized.
    pub precursors: Vec<SubstanceOut>,
    /// Significant individual seizures, by date.
    pub significant_seizures: Vec<SeizureOut>,
    /// What makes a seizure significant: one entry per drug row and unit.
    pub thresholds: Vec<ThresholdOut>,
}

/// The cases the figures come from.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageOut {
    /// Cases that occurred in the year (with or without seized items).
    pub cases: u64,
    pub cases_with_seized_items: u64,
    pub seized_items: u64,
    /// The first and last dates a case occurred on (YYYY-MM-DD).
    pub first_case_on: Option<String>,
    pub last_case_on: Option<String>,
    /// Cases per reporting agency (organisation code).
    pub agencies: Vec<CountOut>,
    /// Cases per province code.
    pub provinces: Vec<CountOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountOut {
    pub code: String,
    pub cases: u64,
}

/// A quantity in one unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuantityOut {
    /// `kg`, `l`, `tablets` (tablets and capsules), `units`, `plants` or `ha`.
    pub unit: String,
    /// Exact decimal, without trailing zeros (`"1234.5"`).
    pub quantity: String,
    /// Cases with at least one item counted in this unit.
    pub cases: u64,
    /// Seized items counted in this unit.
    pub items: u64,
}

/// A row of the questionnaire's seizure table.
#[derive(Debug, Serialize, ToSchema)]
pub struct DrugRowOut {
    /// The row's code (`HEROIN`, `METHAMPHETAMINE_TABLETS`…).
    pub code: String,
    /// The drug group's code (`opioids`, `amphetamine_type`…).
    pub group: String,
    /// The row's English name.
    pub drug: String,
    /// The local substance codes reported on the row.
    pub substance_codes: Vec<String>,
    /// Cases with at least one item of the row, whatever the unit.
    pub cases: u64,
    /// One per unit, never summed across units; empty when nothing was
    /// seized.
    pub quantities: Vec<QuantityOut>,
    /// The same figures per local substance (only those seized).
    pub by_substance: Vec<SubstanceOut>,
}

/// The figures of one local substance.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubstanceOut {
    pub code: String,
    /// The English name.
    pub name: String,
    pub cases: u64,
    pub quantities: Vec<QuantityOut>,
}

/// A significant individual seizure: what one case seized of one drug in
/// one unit. No person data, no narrative.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeizureOut {
    /// YYYY-MM-DD, local date.
    pub date: String,
    /// Province code where it was seized.
    pub province: String,
    pub province_name: String,
    /// District code, when recorded.
    pub district: Option<String>,
    /// The drug row's code.
    pub drug: String,
    /// The local substance codes of the seized items.
    pub substance_codes: Vec<String>,
    /// Exact decimal.
    pub quantity: String,
    pub unit: String,
    /// ISO 3166-1 alpha-2 codes and Lao province codes, when recorded.
    pub origin_country: Option<String>,
    pub origin_province: Option<String>,
    pub destination_country: Option<String>,
    pub destination_province: Option<String>,
    /// The border crossing's English name, when recorded.
    pub border_crossing: Option<String>,
    /// Codes of dcis's closed lists (`truck`, `tea_packaging`…).
    pub transport_mode: Option<String>,
    pub concealment_method: Option<String>,
    /// The seizing agency's code.
    pub agency: String,
    /// The case reference; null when withheld (`reference_withheld`).
    pub case_reference: Option<String>,
    /// True for a case classified confidential or secret: the seizure is
    /// listed, its reference is not.
    pub reference_withheld: bool,
}

/// The threshold of a drug row in a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThresholdOut {
    pub drug: String,
    pub unit: String,
    /// Exact decimal: a seizure at or above it is significant.
    pub quantity: String,
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn quantities(f: &LineFigures) -> Vec<QuantityOut> {
    f.by_unit
        .values()
        .map(|q| QuantityOut {
            unit: q.amount.unit().as_str().to_owned(),
            quantity: q.amount.decimal(),
            cases: q.cases,
            items: q.items,
        })
        .collect()
}

fn substance(code: &str, f: &LineFigures, cat: &Catalogue) -> SubstanceOut {
    SubstanceOut {
        code: code.to_owned(),
        name: cat.substance(Language::En, code),
        cases: f.cases,
        quantities: quantities(f),
    }
}

fn seizure(r: &ArqReport, s: &ListedSeizure) -> SeizureOut {
    let f = &s.facts;
    SeizureOut {
        date: f.occurred_on.clone(),
        province: f.province.clone(),
        province_name: r
            .provinces
            .get(&f.province)
            .map(|p| p.name_en.clone())
            .unwrap_or_default(),
        district: opt(&f.district),
        drug: s.seizure.drug.code().to_owned(),
        substance_codes: s
            .seizure
            .substances
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
        quantity: s.seizure.amount.decimal(),
        unit: s.seizure.amount.unit().as_str().to_owned(),
        origin_country: opt(&f.origin_country),
        origin_province: opt(&f.origin_province),
        destination_country: opt(&f.destination_country),
        destination_province: opt(&f.destination_province),
        border_crossing: f.border_crossing.clone(),
        transport_mode: opt(&f.transport_mode),
        concealment_method: opt(&f.concealment_method),
        agency: f.agency_code.clone(),
        case_reference: s.reference.clone(),
        reference_withheld: s.reference.is_none(),
    }
}

/// The report as the JSON document.
pub fn document(r: &ArqReport, cat: &Catalogue) -> ArqDocument {
    let en = |key: &str| cat.t(Language::En, key);
    let count_list = |m: &BTreeMap<String, u64>| {
        m.iter()
            .map(|(code, n)| CountOut {
                code: code.clone(),
                cases: *n,
            })
            .collect()
    };
    let empty = LineFigures::default();
    let seizures = ARQ_ROWS
        .iter()
        .map(|row| {
            let f = r.figures.drugs.get(&row.drug).unwrap_or(&empty);
            DrugRowOut {
                code: row.code.to_owned(),
                group: row.group.as_str().to_owned(),
                drug: en(&row.drug.message_key()),
                substance_codes: row.substances.iter().map(|s| (*s).to_owned()).collect(),
                cases: f.cases,
                quantities: quantities(f),
                by_substance: row
                    .substances
                    .iter()
                    .filter_map(|c| r.figures.substances.get(c).map(|f| substance(c, f, cat)))
                    .collect(),
            }
        })
        .collect();
    let thresholds = ArqDrug::all()
        .flat_map(|d| {
            dcis_domain::arq::ArqUnit::ALL
                .into_iter()
                .map(move |u| ThresholdOut {
                    drug: d.code().to_owned(),
                    unit: u.as_str().to_owned(),
                    quantity: d.row().thresholds.get(u).decimal(),
                })
        })
        .collect();
    ArqDocument {
        schema: SCHEMA.to_owned(),
        country: COUNTRY.to_owned(),
        country_name: en("arq-country-name"),
        year: r.year.get(),
        complete_year: r.complete,
        data_up_to: r.up_to.clone(),
        generated_at: r
            .generated_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        generated_by: r.generated_by.clone(),
        installation: r.installation.clone(),
        system: r.system.clone(),
        coverage: CoverageOut {
            cases: r.coverage.cases,
            cases_with_seized_items: r.figures.cases_with_items,
            seized_items: r.figures.items,
            first_case_on: r.coverage.first.clone(),
            last_case_on: r.coverage.last.clone(),
            agencies: count_list(&r.coverage.agencies),
            provinces: count_list(&r.coverage.provinces),
        },
        seizures,
        precursors: r
            .figures
            .precursors
            .iter()
            .map(|(c, f)| substance(c, f, cat))
            .collect(),
        significant_seizures: r.seizures.iter().map(|s| seizure(r, s)).collect(),
        thresholds,
    }
}
