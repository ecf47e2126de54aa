//! The seizure part of the Annual Report Questionnaire for a calendar
//! year, computed from every case of the installation (`docs/reports.md`).
//!
//! - **Who**: an actor the policy grants [`NationalFigures`]: the analysis
//!   permission and a national scope. The figures are the official
//!   national return, so they count every case, whoever owns it and
//!   however it is classified; the individual seizures list shows no
//!   person, no narrative, and no case reference of a case classified
//!   above [`LISTED_UP_TO`] (its row is there, marked "reference
//!   withheld").
//! - **What**: the cases that occurred in the year (their local date),
//!   with their items, folded by [`dcis_domain::arq`]'s rules: totals per
//!   ARQ drug and unit with numbers of cases, precursors apart, the
//!   breakdown by local substance, and the significant seizures with the
//!   facts of their cases.
//! - **Errors**: a year that is not a year, before 1970 or after this
//!   year (`year`); a year without any case (`err-report-no-data` on
//!   `year`): an empty return is more likely a year not yet entered than
//!   a year without seizures, so it is refused rather than filed.
//! - **Audit**: each generated file is one `event` on the entity type
//!   `report`: who, the year, format, address, size and SHA-256 of the
//!   file. It holds no figure and names no case, so every reader of the
//!   audit log may see it whole.

use super::{ReportFile, ReportFormat, REPORT_ENTITY};
use crate::error::AppError;
use crate::App;
use dcis_domain::access::RecordId;
use dcis_domain::arq::{
    reporting_amount, ArqFigures, ArqTally, ReportYear, SignificantSeizure, StoredMeasures,
};
use dcis_domain::geo::Province;
use dcis_domain::quantity::MeasureUnit;
use dcis_domain::substance::SubstanceCode;
use dcis_domain::FieldError;
use dcis_i18n::Catalogue;
use dcis_policy::records::LISTED_UP_TO;
use dcis_policy::reports::NationalFigures;
use dcis_policy::Actor;
use dcis_store::{ReportCaseFacts, ReportCursor, ReportItem, REPORT_BATCH};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use time::{OffsetDateTime, PrimitiveDateTime};

/// The reporting country (ISO 3166-1 alpha-2).
pub const COUNTRY: &str = "LA";

/// Which cases the figures come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coverage {
    pub cases: u64,
    /// The first and last dates a case occurred on.
    pub first: Option<String>,
    pub last: Option<String>,
    /// Cases per reporting agency's code.
    pub agencies: BTreeMap<String, u64>,
    /// Cases per province code.
    pub provinces: BTreeMap<String, u64>,
}

/// A significant seizure with the facts of its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedSeizure {
    pub seizure: SignificantSeizure,
    pub facts: ReportCaseFacts,
    /// The case reference; `None` when withheld (a case classified above
    /// [`LISTED_UP_TO`]).
    pub reference: Option<String>,
}

/// The report, ready to render.
#[derive(Debug, Clone)]
pub struct ArqReport {
    pub year: ReportYear,
    pub generated_at: OffsetDateTime,
    /// The same moment in Lao PDR's local time.
    pub generated_local: PrimitiveDateTime,
    pub generated_by: String,
    pub generated_by_name: String,
    pub installation: String,
    /// `dcis 0.1.0`.
    pub system: String,
    /// False for the current year: the figures run up to today.
    pub complete: bool,
    /// The last day the figures cover (ISO date).
    pub up_to: String,
    pub coverage: Coverage,
    pub figures: ArqFigures,
    /// By date, then ARQ row, unit and case.
    pub seizures: Vec<ListedSeizure>,
    /// Province names by code, for rendering.
    pub provinces: BTreeMap<String, Province>,
}

impl ArqReport {
    /// `arq-seizures-LA-2025.xlsx`.
    pub fn file_name(&self, format: ReportFormat) -> String {
        format!(
            "arq-seizures-{COUNTRY}-{}.{}",
            self.year,
            format.extension()
        )
    }

    /// A province code with its English name (`05 Bokeo`); the code alone
    /// if unknown, empty for none.
    pub fn province_label(&self, code: &str) -> String {
        match self.provinces.get(code) {
            Some(p) => format!("{code} {}", p.name_en),
            None => code.to_owned(),
        }
    }
}

fn corrupt(case: RecordId, what: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("report: case {case}: {what}"))
}

/// An item's substance and the one figure it counts for.
fn item_amount(
    case: RecordId,
    i: &ReportItem,
) -> Result<(SubstanceCode, dcis_domain::arq::Amount), AppError> {
    let substance = SubstanceCode::parse(&i.substance)
        .map_err(|_| corrupt(case, format!("unknown substance {:?}", i.substance)))?;
    let unit =
        MeasureUnit::parse(&i.unit).map_err(|_| corrupt(case, format!("unit {:?}", i.unit)))?;
    let non_negative = |v: Option<i64>, col: &str| -> Result<Option<u64>, AppError> {
        v.map(|x| u64::try_from(x).map_err(|_| corrupt(case, format!("{col} = {x}"))))
            .transpose()
    };
    let m = StoredMeasures {
        unit,
        micrograms: non_negative(i.micrograms, "mass_ug")?,
        mass_derived: i.mass_derived,
        microlitres: non_negative(i.microlitres, "volume_ul")?,
        count: non_negative(i.count, "item_count")?,
        square_metres: non_negative(i.square_metres, "area_m2")?,
    };
    let amount = reporting_amount(&m).map_err(|e| corrupt(case, e))?;
    Ok((substance, amount))
}

impl App {
    /// The years in which cases occurred, with how many (for the page's
    /// choice of year). Needs what the report needs.
    pub async fn arq_years(&self, actor: &Actor) -> Result<Vec<(i32, i64)>, AppError> {
        let grant = NationalFigures::authorise(actor)?;
        Ok(self.store.report_years(&grant).await?)
    }

    /// Computes the report of `year` (as typed) for `actor`.
    pub async fn arq_report(&self, actor: &Actor, year: &str) -> Result<ArqReport, AppError> {
        let grant = NationalFigures::authorise(actor)?;
        let today = self.local_now();
        let year = ReportYear::parse(year, today.year())?;
        let (from, to) = year.bounds();

        let mut tally = ArqTally::new();
        let mut coverage = Coverage::default();
        let mut after: Option<ReportCursor> = None;
        loop {
            let batch = self
                .store
                .report_cases_items(&grant, &from, &to, after.as_ref(), REPORT_BATCH)
                .await?;
            let Some(last) = batch.last() else { break };
            after = Some(ReportCursor {
                occurred_on: last.occurred_on.clone(),
                id: last.id,
            });
            for c in &batch {
                let items = c
                    .items
                    .iter()
                    .map(|i| item_amount(c.id, i))
                    .collect::<Result<Vec<_>, _>>()?;
                tally.add_case(c.id, &items).map_err(|e| corrupt(c.id, e))?;
                coverage.cases += 1;
                if coverage.first.is_none() {
                    coverage.first = Some(c.occurred_on.clone());
                }
                coverage.last = Some(c.occurred_on.clone());
                *coverage.agencies.entry(c.agency_code.clone()).or_default() += 1;
                *coverage.provinces.entry(c.province.clone()).or_default() += 1;
            }
        }
        if coverage.cases == 0 {
            return Err(FieldError::new(ReportYear::FIELD, "err-report-no-data")
                .with("year", year)
                .into());
        }
        let figures = tally.finish();

        let mut ids: Vec<RecordId> = figures.significant.iter().map(|s| s.case).collect();
        ids.sort();
        ids.dedup();
        let facts: HashMap<RecordId, ReportCaseFacts> = self
            .store
            .report_case_facts(&grant, &ids)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        let mut seizures = figures
            .significant
            .iter()
            .map(|s| {
                let f = facts
                    .get(&s.case)
                    .cloned()
                    .ok_or_else(|| corrupt(s.case, "its facts are missing"))?;
                Ok(ListedSeizure {
                    reference: (f.classification <= LISTED_UP_TO).then(|| f.reference.clone()),
                    seizure: s.clone(),
                    facts: f,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        seizures.sort_by(|a, b| {
            (
                &a.facts.occurred_on,
                a.seizure.drug,
                a.seizure.amount.unit(),
                a.seizure.case,
            )
                .cmp(&(
                    &b.facts.occurred_on,
                    b.seizure.drug,
                    b.seizure.amount.unit(),
                    b.seizure.case,
                ))
        });

        let user = self.store.user(actor.user).await?;
        let installation = self
            .store
            .installation()
            .await?
            .map(|(_, name)| name)
            .unwrap_or_default();
        let provinces = self
            .store
            .provinces()
            .await?
            .into_iter()
            .map(|(p, _)| (p.code.as_str().to_owned(), p))
            .collect();
        let complete = year.get() < today.year();
        let date = time::macros::format_description!("[year]-[month]-[day]");
        Ok(ArqReport {
            year,
            generated_at: self.now(),
            generated_local: today,
            generated_by: actor.username.as_str().to_owned(),
            generated_by_name: user
                .map(|u| u.user.display_name.as_str().to_owned())
                .unwrap_or_default(),
            installation,
            system: format!("dcis {}", env!("CARGO_PKG_VERSION")),
            complete,
            up_to: if complete {
                to
            } else {
                today.date().format(date).unwrap_or_default()
            },
            coverage,
            figures,
            seizures,
            provinces,
        })
    }

    /// The report of `year` as a file, its generation audited. `path` is
    /// the address (or command) it was asked by, for the audit entry.
    pub async fn arq_file(
        &self,
        actor: &Actor,
        year: &str,
        format: ReportFormat,
        path: &str,
        catalogue: &Catalogue,
    ) -> Result<ReportFile, AppError> {
        let report = self.arq_report(actor, year).await?;
        let bytes = match format {
            ReportFormat::Xlsx => super::arq_xlsx::workbook(&report, catalogue)?,
            ReportFormat::Json => {
                let doc = super::arq_json::document(&report, catalogue);
                let mut v = serde_json::to_vec_pretty(&doc)
                    .map_err(|e| AppError::Internal(format!("report: json: {e}")))?;
                v.push(b'\n');
                v
            }
            ReportFormat::Pdf => {
                return Err(FieldError::new("format", "err-report-format")
                    .with("value", "pdf")
                    .into())
            }
        };
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let id = self.new_uuid();
        let mut w = self.write_as(actor).await?;
        w.event(
            REPORT_ENTITY,
            &id.to_string(),
            &serde_json::json!({
                "event": "arq_generated",
                "year": report.year.get(),
                "format": format.extension(),
                "path": path,
                "bytes": bytes.len(),
                "sha256": sha256,
            }),
        )
        .await?;
        w.commit().await?;
        tracing::info!(user = %actor.username.as_str(), report = %id, year = report.year.get(), format = format.extension(), "ARQ report generated");
        Ok(ReportFile {
            id,
            file_name: report.file_name(format),
            bytes,
            format,
            sha256,
        })
    }
}
