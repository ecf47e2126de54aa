//! Reads for national reports (the ARQ's seizure part): every case of a
//! period, whoever owns it and however it is classified. Each function
//! takes a [`NationalFigures`] grant, which only the policy crate builds
//! (for a national analyst), in place of a record filter; nothing here
//! returns a person, a narrative or an item's free text.

use crate::access::{bind_all, from_rank, push, Bind};
use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, int, opt_text, text};
use dcis_domain::access::RecordId;
use dcis_domain::role::Clearance;
use dcis_policy::reports::NationalFigures;
use sqlx::Row;

/// How many cases one batch of [`Store::report_cases_items`] holds in
/// the reports.
pub const REPORT_BATCH: i64 = 2_000;

/// The normalised columns of a seized item, for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportItem {
    /// The substance code as stored.
    pub substance: String,
    /// The unit as stored.
    pub unit: String,
    pub micrograms: Option<i64>,
    pub mass_derived: bool,
    pub microlitres: Option<i64>,
    pub count: Option<i64>,
    pub square_metres: Option<i64>,
}

/// A case of the period with its items (possibly none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCase {
    pub id: RecordId,
    pub occurred_on: String,
    pub province: String,
    /// The reporting agency's organisation code.
    pub agency_code: String,
    pub items: Vec<ReportItem>,
}

/// Where a batch stops: the next batch starts after this case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCursor {
    pub occurred_on: String,
    pub id: RecordId,
}

/// The facts of a case a report's list of individual seizures shows: no
/// person, no narrative, no operation name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCaseFacts {
    pub id: RecordId,
    pub reference: String,
    pub agency_code: String,
    pub classification: Clearance,
    pub occurred_on: String,
    pub province: String,
    pub district: String,
    /// The border crossing's English name, if the case names one.
    pub border_crossing: Option<String>,
    pub transport_mode: String,
    pub concealment_method: String,
    pub detection_method: String,
    pub origin_country: String,
    pub origin_province: String,
    pub destination_country: String,
    pub destination_province: String,
}

impl Store {
    /// The years in which cases occurred, with how many, oldest first.
    pub async fn report_years(&self, _g: &NationalFigures) -> Result<Vec<(i32, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT SUBSTR(occurred_on, 1, 4) AS year, COUNT(*) AS n FROM law_case \
             GROUP BY SUBSTR(occurred_on, 1, 4) ORDER BY 1",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let y = text(r, "year")?;
                let year = y
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("occurred_on year {y:?}: {e}")))?;
                Ok((year, int(r, "n")?))
            })
            .collect()
    }

    /// The cases that occurred from `from` to `to` (ISO dates, both
    /// included), in the order of date then id, at most `limit` (the
    /// reports use [`REPORT_BATCH`]) after `after`, each with its items in
    /// order.
    pub async fn report_cases_items(
        &self,
        _g: &NationalFigures,
        from: &str,
        to: &str,
        after: Option<&ReportCursor>,
        limit: i64,
    ) -> Result<Vec<ReportCase>, StoreError> {
        let mut binds = Vec::new();
        // One lower bound for the index range: the cursor's day once there
        // is one (never before `from`, as every case read was in range);
        // the cases of that day already read are skipped by id.
        let (f, after_sql) = match after {
            None => (push(&mut binds, Bind::Text(from.to_owned())), String::new()),
            Some(c) => {
                let d = push(&mut binds, Bind::Text(c.occurred_on.clone()));
                let i = push(&mut binds, Bind::Text(c.id.to_string()));
                (d.clone(), format!("AND (occurred_on > {d} OR id > {i})"))
            }
        };
        let t = push(&mut binds, Bind::Text(to.to_owned()));
        let n = push(&mut binds, Bind::Int(limit));
        let sql = format!(
            "SELECT c.id AS case_id, c.occurred_on, c.province_code, o.code AS agency_code, si.substance, \
             si.unit, si.mass_ug, si.mass_derived, si.volume_ul, si.item_count, si.area_m2 \
             FROM (SELECT id, occurred_on, province_code, agency_id FROM law_case \
                   WHERE occurred_on >= {f} AND occurred_on <= {t} {after_sql} \
                   ORDER BY occurred_on, id LIMIT {n}) c \
             JOIN organisation o ON o.id = c.agency_id \
             LEFT JOIN seizure_item si ON si.case_id = c.id \
             ORDER BY c.occurred_on, c.id, si.position, si.id"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        let mut out: Vec<ReportCase> = Vec::new();
        for r in &rows {
            let cid: RecordId = id(r, "case_id")?;
            if out.last().is_none_or(|c| c.id != cid) {
                out.push(ReportCase {
                    id: cid,
                    occurred_on: text(r, "occurred_on")?,
                    province: text(r, "province_code")?,
                    agency_code: text(r, "agency_code")?,
                    items: Vec::new(),
                });
            }
            let Some(substance) = opt_text(r, "substance")? else {
                continue;
            };
            let opt = |col: &str| -> Result<Option<i64>, StoreError> {
                Ok(r.try_get::<Option<i64>, _>(col)?)
            };
            let item = ReportItem {
                substance,
                unit: text(r, "unit")?,
                micrograms: opt("mass_ug")?,
                mass_derived: opt("mass_derived")? == Some(1),
                microlitres: opt("volume_ul")?,
                count: opt("item_count")?,
                square_metres: opt("area_m2")?,
            };
            if let Some(c) = out.last_mut() {
                c.items.push(item);
            }
        }
        Ok(out)
    }

    /// The listed facts of the cases `ids` (unknown ids are left out), in
    /// no particular order.
    pub async fn report_case_facts(
        &self,
        _g: &NationalFigures,
        ids: &[RecordId],
    ) -> Result<Vec<ReportCaseFacts>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(crate::EXPORT_BATCH) {
            let mut binds = Vec::new();
            let marks: Vec<String> = chunk
                .iter()
                .map(|i| push(&mut binds, Bind::Text(i.to_string())))
                .collect();
            let sql = format!(
                "SELECT lc.id, lc.reference, o.code AS agency_code, ra.classification_rank, lc.occurred_on, \
                 lc.province_code, lc.district_code, bc.name_en AS crossing, lc.transport_mode, \
                 lc.concealment_method, lc.detection_method, lc.origin_country, lc.origin_province, \
                 lc.destination_country, lc.destination_province \
                 FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
                 JOIN organisation o ON o.id = lc.agency_id \
                 LEFT JOIN border_crossing bc ON bc.id = lc.border_crossing_id \
                 WHERE lc.id IN ({})",
                marks.join(", ")
            );
            let rows = bind_all(sqlx::query(&sql), &binds)
                .fetch_all(&self.pool)
                .await?;
            for r in &rows {
                out.push(ReportCaseFacts {
                    id: id(r, "id")?,
                    reference: text(r, "reference")?,
                    agency_code: text(r, "agency_code")?,
                    classification: from_rank(int(r, "classification_rank")?)?,
                    occurred_on: text(r, "occurred_on")?,
                    province: text(r, "province_code")?,
                    district: opt_text(r, "district_code")?.unwrap_or_default(),
                    border_crossing: opt_text(r, "crossing")?,
                    transport_mode: text(r, "transport_mode")?,
                    concealment_method: text(r, "concealment_method")?,
                    detection_method: text(r, "detection_method")?,
                    origin_country: text(r, "origin_country")?,
                    origin_province: text(r, "origin_province")?,
                    destination_country: text(r, "destination_country")?,
                    destination_province: text(r, "destination_province")?,
                });
            }
        }
        Ok(out)
    }
}
