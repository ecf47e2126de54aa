//! Cases and their seized items. Every read takes the caller's filter.

use crate::access::{
    bind_all, filter_sql, push, readable_one_sql, readable_sql, record_access, Bind, ACCESS_COLUMNS,
};
use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, int, opt_float, opt_text, text, time};
use crate::search::{text_sql, PICK_UP_TO};
use crate::write::Write;
use dcis_domain::access::{RecordAccess, RecordId, RecordKind};
use dcis_domain::case::CaseFields;
use dcis_domain::ids::{OrganisationId, SeizureItemId};
use dcis_domain::seizure::SeizureItemFields;
use dcis_domain::stats::ItemStatValues;
use dcis_domain::time::to_millis;
use dcis_policy::records::ReadFilter;
use serde::Serialize;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// A stored case: its canonical fields and access facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseRecord {
    pub id: RecordId,
    pub agency: OrganisationId,
    pub fields: CaseFields,
    pub access: RecordAccess,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// The normalised quantity columns of an item (see `dcis_domain::quantity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ItemMeasures {
    pub micrograms: Option<i64>,
    /// True when the mass was derived from a count and a unit weight.
    pub mass_derived: bool,
    pub microlitres: Option<i64>,
    pub count: Option<i64>,
    pub square_metres: Option<i64>,
}

/// A stored seized item: as entered, with its normalised measures and
/// search keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemRecord {
    pub id: SeizureItemId,
    pub case: RecordId,
    pub position: i64,
    pub fields: SeizureItemFields,
    pub measures: ItemMeasures,
    pub tablet_logo_key: String,
    pub packaging_key: String,
}

/// A line of the case list. Content (status, items) only when readable.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseSummary {
    pub access: RecordAccess,
    pub agency: OrganisationId,
    pub reference: String,
    pub occurred_on: String,
    pub status: Option<String>,
    pub substances: Option<String>,
    pub readable: bool,
}

/// What to list. Place and date filters apply to every visible case;
/// content filters (status, substance, text) only match cases the actor
/// may read, so that a filter never reveals what a restricted case holds.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub province: Option<String>,
    pub agency: Option<OrganisationId>,
    pub status: Option<String>,
    pub substance: Option<String>,
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
    /// Count the matching cases up to this many (the total is then "more
    /// than" it); `None` counts them all.
    pub count_up_to: Option<i64>,
    /// How a text query runs; never what it finds (tests run both ways).
    pub text_plan: PlanChoice,
}

/// How a text query of the case list runs (`docs/search.md`): the term
/// table picks candidate cases first, or the cases are tested in list
/// order. The results are the same; only the time differs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlanChoice {
    /// Pick candidates when the query's rarest word is rare enough.
    #[default]
    Auto,
    Candidates,
    ListOrder,
}

/// How many cases a list matched: exactly `n`, or more than `n` when the
/// count stopped at the filter's `count_up_to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Total {
    pub n: i64,
    pub exact: bool,
}

pub(crate) const CASE_COLUMNS: &str = "lc.id, lc.agency_id, lc.reference, lc.occurred_on, lc.occurred_time, lc.province_code, \
    lc.district_code, lc.village_id, lc.border_crossing_id, lc.latitude, lc.longitude, lc.operation_name, \
    lc.detection_method, lc.transport_mode, lc.concealment_method, lc.origin_country, lc.origin_province, \
    lc.destination_country, lc.destination_province, lc.status, lc.narrative, lc.created_at, lc.updated_at";

fn coord(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

pub(crate) fn case_row(r: &AnyRow) -> Result<CaseRecord, StoreError> {
    let opt_id = |col: &str| -> Result<Option<String>, StoreError> { opt_text(r, col) };
    Ok(CaseRecord {
        id: id(r, "id")?,
        agency: id(r, "agency_id")?,
        fields: CaseFields {
            reference: text(r, "reference")?,
            occurred_on: text(r, "occurred_on")?,
            occurred_time: text(r, "occurred_time")?,
            province: text(r, "province_code")?,
            district: opt_text(r, "district_code")?.unwrap_or_default(),
            village: opt_id("village_id")?
                .map(|s| s.parse())
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("village_id: {e}")))?,
            border_crossing: opt_id("border_crossing_id")?
                .map(|s| s.parse())
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("border_crossing_id: {e}")))?,
            latitude: coord(opt_float(r, "latitude")?),
            longitude: coord(opt_float(r, "longitude")?),
            operation_name: text(r, "operation_name")?,
            detection_method: text(r, "detection_method")?,
            transport_mode: text(r, "transport_mode")?,
            concealment_method: text(r, "concealment_method")?,
            origin_country: text(r, "origin_country")?,
            origin_province: text(r, "origin_province")?,
            destination_country: text(r, "destination_country")?,
            destination_province: text(r, "destination_province")?,
            status: text(r, "status")?,
            narrative: text(r, "narrative")?,
        },
        access: record_access(r)?,
        created_at: time(r, "created_at")?,
        updated_at: time(r, "updated_at")?,
    })
}

pub(crate) const ITEM_COLUMNS: &str = "si.id, si.case_id, si.position, si.substance, si.form, si.quantity, si.unit, si.tablet_count, \
    si.unit_weight_mg, si.purity, si.lab_reference, si.tablet_logo, si.tablet_logo_key, si.packaging_kind, si.packaging_brand, \
    si.packaging_key, si.price, si.price_currency, si.price_per, si.mass_ug, si.mass_derived, si.volume_ul, si.item_count, si.area_m2";

pub(crate) fn item_row(r: &AnyRow) -> Result<ItemRecord, StoreError> {
    use sqlx::Row;
    let opt_int =
        |col: &str| -> Result<Option<i64>, StoreError> { Ok(r.try_get::<Option<i64>, _>(col)?) };
    Ok(ItemRecord {
        id: id(r, "id")?,
        case: id(r, "case_id")?,
        position: int(r, "position")?,
        fields: SeizureItemFields {
            substance: text(r, "substance")?,
            form: text(r, "form")?,
            quantity: text(r, "quantity")?,
            unit: text(r, "unit")?,
            tablet_count: text(r, "tablet_count")?,
            unit_weight_mg: text(r, "unit_weight_mg")?,
            purity: text(r, "purity")?,
            lab_reference: text(r, "lab_reference")?,
            tablet_logo: text(r, "tablet_logo")?,
            packaging_kind: text(r, "packaging_kind")?,
            packaging_brand: text(r, "packaging_brand")?,
            price: text(r, "price")?,
            price_currency: text(r, "price_currency")?,
            price_per: text(r, "price_per")?,
        },
        measures: ItemMeasures {
            micrograms: opt_int("mass_ug")?,
            mass_derived: int(r, "mass_derived")? == 1,
            microlitres: opt_int("volume_ul")?,
            count: opt_int("item_count")?,
            square_metres: opt_int("area_m2")?,
        },
        tablet_logo_key: text(r, "tablet_logo_key")?,
        packaging_key: text(r, "packaging_key")?,
    })
}

impl Store {
    /// One case, if the filter lets the actor read it.
    pub async fn case(
        &self,
        f: &ReadFilter,
        cid: RecordId,
    ) -> Result<Option<CaseRecord>, StoreError> {
        let mut binds = Vec::new();
        let cond = filter_sql(&f.readable_part(), "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(cid.to_string()));
        let sql = format!(
            "SELECT {CASE_COLUMNS}, {ACCESS_COLUMNS} FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
             WHERE lc.id = {p} AND {cond}"
        );
        let row = bind_all(sqlx::query(&sql), &binds)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(case_row).transpose()
    }

    /// The references of those of `ids` the filter lets the actor read, in
    /// the order of `ids`: one query for a few cases (the cases named by
    /// the alerts of a page), instead of one per case.
    pub async fn readable_case_references(
        &self,
        f: &ReadFilter,
        ids: &[RecordId],
    ) -> Result<Vec<(RecordId, String)>, StoreError> {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let mut binds = Vec::new();
            let marks: Vec<String> = chunk
                .iter()
                .map(|c| push(&mut binds, Bind::Text(c.to_string())))
                .collect();
            let cond = readable_one_sql(f, "ra", &mut binds);
            let sql = format!(
                "SELECT lc.id, lc.reference FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
                 WHERE lc.id IN ({}) AND {cond}",
                marks.join(", ")
            );
            for r in bind_all(sqlx::query(&sql), &binds)
                .fetch_all(&self.pool)
                .await?
            {
                found.insert(text(&r, "id")?, text(&r, "reference")?);
            }
        }
        Ok(ids
            .iter()
            .filter_map(|c| found.get(&c.to_string()).map(|r| (*c, r.clone())))
            .collect())
    }

    /// The items of a case the filter lets the actor read, in order.
    pub async fn case_items(
        &self,
        f: &ReadFilter,
        cid: RecordId,
    ) -> Result<Vec<ItemRecord>, StoreError> {
        let mut binds = Vec::new();
        let cond = filter_sql(&f.readable_part(), "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(cid.to_string()));
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM seizure_item si JOIN record_access ra ON ra.record_id = si.case_id \
             WHERE si.case_id = {p} AND {cond} ORDER BY si.position, si.id"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(item_row).collect()
    }

    /// Cases the filter lets through, newest first, and their total.
    pub async fn cases(
        &self,
        f: &ReadFilter,
        q: &CaseFilter,
    ) -> Result<(Vec<CaseSummary>, Total), StoreError> {
        let mut binds = Vec::new();
        let readable = readable_sql(f, "ra", &mut binds);
        let mut conds = vec![filter_sql(f, "ra", &mut binds)];
        let nb = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        if let Some(v) = nb(&q.from) {
            conds.push(format!(
                "lc.occurred_on >= {}",
                push(&mut binds, Bind::Text(v))
            ));
        }
        if let Some(v) = nb(&q.to) {
            conds.push(format!(
                "lc.occurred_on <= {}",
                push(&mut binds, Bind::Text(v))
            ));
        }
        if let Some(v) = nb(&q.province) {
            conds.push(format!(
                "lc.province_code = {}",
                push(&mut binds, Bind::Text(v))
            ));
        }
        if let Some(a) = q.agency {
            conds.push(format!(
                "lc.agency_id = {}",
                push(&mut binds, Bind::Text(a.to_string()))
            ));
        }
        if let Some(v) = nb(&q.status) {
            conds.push(format!(
                "({readable} AND lc.status = {})",
                push(&mut binds, Bind::Text(v))
            ));
        }
        if let Some(v) = nb(&q.substance) {
            let code = v.to_ascii_uppercase();
            let common = self.count_items_of(&code).await? > PICK_UP_TO;
            let p = push(&mut binds, Bind::Text(code));
            // A rare substance picks its few cases through the substance
            // index (IN, collected once); a common one is tested on each
            // case in list order (EXISTS), which fills a page at once where
            // collecting its cases would read most of the table.
            conds.push(if common {
                format!("({readable} AND EXISTS (SELECT 1 FROM seizure_item s2 WHERE s2.case_id = lc.id AND s2.substance = {p}))")
            } else {
                format!("({readable} AND lc.id IN (SELECT s2.case_id FROM seizure_item s2 WHERE s2.substance = {p}))")
            });
        }
        if let Some(v) = nb(&q.text) {
            let plan = self.text_plan(&v, q.text_plan).await?;
            conds.push(text_sql(f, &plan, &readable, &mut binds));
        }
        let where_sql = conds.join(" AND ");
        // Counting stops at the cap: past it the engine would read every
        // matching case to give a number nobody pages through.
        let cap = q.count_up_to.map(|c| c.max(1));
        let count_sql = match cap {
            Some(c) => {
                let p = push(&mut binds, Bind::Int(c + 1));
                format!(
                    "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
                     WHERE {where_sql} LIMIT {p}) matching"
                )
            }
            None => format!("SELECT COUNT(*) AS n FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id WHERE {where_sql}"),
        };
        let n = int(
            &bind_all(sqlx::query(&count_sql), &binds)
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        if cap.is_some() {
            binds.pop();
        }
        let total = match cap {
            Some(c) if n > c => Total { n: c, exact: false },
            _ => Total { n, exact: true },
        };
        let lim = push(&mut binds, Bind::Int(q.limit.max(1)));
        let off = push(&mut binds, Bind::Int(q.offset.max(0)));
        // When many cases match (the count reached its cap), the page is
        // found fastest by reading cases newest first and stopping at the
        // page's end: CROSS JOIN keeps SQLite from starting at an access
        // index instead and sorting everything it finds, which its
        // statistics (averages per key, blind to one owner holding a third
        // of the table) can make it prefer. PostgreSQL's planner reorders a
        // CROSS JOIN as it likes; its statistics know skew.
        let from = if total.exact {
            "law_case lc JOIN record_access ra ON ra.record_id = lc.id WHERE"
        } else {
            "law_case lc CROSS JOIN record_access ra WHERE ra.record_id = lc.id AND"
        };
        let sql = format!(
            "SELECT {ACCESS_COLUMNS}, lc.agency_id, lc.reference, lc.occurred_on, \
             CASE WHEN {readable} THEN lc.status ELSE NULL END AS status, \
             CASE WHEN {readable} THEN (SELECT MIN(s4.substance) FROM seizure_item s4 WHERE s4.case_id = lc.id) ELSE NULL END AS substances, \
             CASE WHEN {readable} THEN 1 ELSE 0 END AS readable \
             FROM {from} {where_sql} \
             ORDER BY lc.occurred_on DESC, lc.reference DESC LIMIT {lim} OFFSET {off}"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(CaseSummary {
                    access: record_access(r)?,
                    agency: id(r, "agency_id")?,
                    reference: text(r, "reference")?,
                    occurred_on: text(r, "occurred_on")?,
                    status: opt_text(r, "status")?,
                    substances: opt_text(r, "substances")?,
                    readable: int(r, "readable")? == 1,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((items, total))
    }

    /// How many items hold this substance, counted up to just past
    /// [`PICK_UP_TO`].
    async fn count_items_of(&self, substance: &str) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM seizure_item WHERE substance = $1 LIMIT $2) found",
        )
        .bind(substance)
        .bind(PICK_UP_TO + 1)
        .fetch_one(&self.pool)
        .await?;
        int(&row, "n")
    }

    /// The reference and basic listing facts of a case the filter lets
    /// through (for the access-request page).
    pub async fn case_listing(
        &self,
        f: &ReadFilter,
        cid: RecordId,
    ) -> Result<Option<(RecordAccess, String, String)>, StoreError> {
        let mut binds = Vec::new();
        let cond = filter_sql(f, "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(cid.to_string()));
        let sql = format!(
            "SELECT {ACCESS_COLUMNS}, lc.reference, lc.occurred_on FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
             WHERE lc.id = {p} AND {cond}"
        );
        let row = bind_all(sqlx::query(&sql), &binds)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok((
                record_access(&r)?,
                text(&r, "reference")?,
                text(&r, "occurred_on")?,
            ))
        })
        .transpose()
    }

    /// How many cases of an agency have references starting with `prefix`
    /// (for the next generated reference).
    pub async fn count_case_references(
        &self,
        agency: OrganisationId,
        prefix: &str,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM law_case WHERE agency_id = $1 AND reference LIKE $2",
        )
        .bind(agency.to_string())
        .bind(format!("{prefix}%"))
        .fetch_one(&self.pool)
        .await?;
        int(&row, "n")
    }

    /// Which of these references the agency already uses (an import's
    /// check that makes re-importing a file create nothing twice).
    pub async fn existing_case_references(
        &self,
        agency: OrganisationId,
        references: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut found = std::collections::HashSet::new();
        for chunk in references.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT reference FROM law_case WHERE agency_id = $1 AND reference IN ({})",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(agency.to_string());
            for r in chunk {
                q = q.bind(r.clone());
            }
            for row in q.fetch_all(&self.pool).await? {
                found.insert(text(&row, "reference")?);
            }
        }
        Ok(found)
    }
}

impl Write {
    pub async fn insert_case(&mut self, c: &CaseRecord) -> Result<(), StoreError> {
        self.insert_record_access(&c.access).await?;
        let f = &c.fields;
        let num = |s: &str| s.parse::<f64>().ok();
        sqlx::query(&format!(
            "INSERT INTO law_case ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
            CASE_COLUMNS.replace("lc.", "")
        ))
        .bind(c.id.to_string())
        .bind(c.agency.to_string())
        .bind(&f.reference)
        .bind(&f.occurred_on)
        .bind(&f.occurred_time)
        .bind(&f.province)
        .bind((!f.district.is_empty()).then(|| f.district.clone()))
        .bind(f.village.map(|v| v.to_string()))
        .bind(f.border_crossing.map(|v| v.to_string()))
        .bind(num(&f.latitude))
        .bind(num(&f.longitude))
        .bind(&f.operation_name)
        .bind(&f.detection_method)
        .bind(&f.transport_mode)
        .bind(&f.concealment_method)
        .bind(&f.origin_country)
        .bind(&f.origin_province)
        .bind(&f.destination_country)
        .bind(&f.destination_province)
        .bind(&f.status)
        .bind(&f.narrative)
        .bind(to_millis(c.created_at))
        .bind(to_millis(c.updated_at))
        .execute(self.conn())
        .await?;
        self.index_case(&c.id.to_string()).await?;
        self.mark_stats_dirty(&c.id.to_string()).await?;
        self.audit_create(RecordKind::Case.as_str(), &c.id.to_string(), c)
            .await?;
        Ok(())
    }

    pub async fn update_case(
        &mut self,
        before: &CaseRecord,
        after: &CaseRecord,
    ) -> Result<(), StoreError> {
        let f = &after.fields;
        let num = |s: &str| s.parse::<f64>().ok();
        // The partition the case leaves, and (below) the one it enters.
        self.mark_stats_dirty(&after.id.to_string()).await?;
        let n = sqlx::query(
            "UPDATE law_case SET reference = $2, occurred_on = $3, occurred_time = $4, province_code = $5, district_code = $6, \
             village_id = $7, border_crossing_id = $8, latitude = $9, longitude = $10, operation_name = $11, detection_method = $12, \
             transport_mode = $13, concealment_method = $14, origin_country = $15, origin_province = $16, destination_country = $17, \
             destination_province = $18, status = $19, narrative = $20, updated_at = $21 WHERE id = $1",
        )
        .bind(after.id.to_string())
        .bind(&f.reference)
        .bind(&f.occurred_on)
        .bind(&f.occurred_time)
        .bind(&f.province)
        .bind((!f.district.is_empty()).then(|| f.district.clone()))
        .bind(f.village.map(|v| v.to_string()))
        .bind(f.border_crossing.map(|v| v.to_string()))
        .bind(num(&f.latitude))
        .bind(num(&f.longitude))
        .bind(&f.operation_name)
        .bind(&f.detection_method)
        .bind(&f.transport_mode)
        .bind(&f.concealment_method)
        .bind(&f.origin_country)
        .bind(&f.origin_province)
        .bind(&f.destination_country)
        .bind(&f.destination_province)
        .bind(&f.status)
        .bind(&f.narrative)
        .bind(to_millis(after.updated_at))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.index_case(&after.id.to_string()).await?;
        self.mark_stats_dirty(&after.id.to_string()).await?;
        sqlx::query("UPDATE record_access SET province_code = $2, classification_rank = $3, tlp = $4 WHERE record_id = $1")
            .bind(after.id.to_string())
            .bind(after.access.province.map(|p| p.as_str().to_owned()))
            .bind(crate::access::rank(after.access.classification))
            .bind(after.access.tlp.label())
            .execute(self.conn())
            .await?;
        self.audit_update(
            RecordKind::Case.as_str(),
            &after.id.to_string(),
            before,
            after,
        )
        .await?;
        Ok(())
    }

    /// Adds an item to a case; audited on the case's history.
    pub async fn insert_item(&mut self, i: &ItemRecord) -> Result<(), StoreError> {
        self.write_item("INSERT", i).await?;
        self.audit(
            dcis_domain::audit::AuditAction::Update,
            RecordKind::Case.as_str(),
            &i.case.to_string(),
            None,
            Some(serde_json::json!({ "item_added": i }).to_string()),
        )
        .await?;
        Ok(())
    }

    pub async fn update_item(
        &mut self,
        before: &ItemRecord,
        after: &ItemRecord,
    ) -> Result<(), StoreError> {
        self.mark_stats_dirty(&before.case.to_string()).await?;
        self.write_item("UPDATE", after).await?;
        self.audit(
            dcis_domain::audit::AuditAction::Update,
            RecordKind::Case.as_str(),
            &after.case.to_string(),
            Some(serde_json::json!({ "item": before }).to_string()),
            Some(serde_json::json!({ "item": after }).to_string()),
        )
        .await?;
        Ok(())
    }

    pub async fn delete_item(&mut self, i: &ItemRecord) -> Result<(), StoreError> {
        let before = serde_json::json!({ "item_removed": i });
        self.delete_case_part(
            "seizure_item",
            "id",
            &i.id.to_string(),
            &i.case.to_string(),
            before,
        )
        .await?;
        self.index_case(&i.case.to_string()).await
    }

    async fn write_item(&mut self, verb: &str, i: &ItemRecord) -> Result<(), StoreError> {
        let f = &i.fields;
        let sql = if verb == "INSERT" {
            format!(
                "INSERT INTO seizure_item ({}, created_at, purity_milli, price_minor, price_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)",
                ITEM_COLUMNS.replace("si.", "")
            )
        } else {
            "UPDATE seizure_item SET case_id = $2, position = $3, substance = $4, form = $5, quantity = $6, unit = $7, tablet_count = $8, \
             unit_weight_mg = $9, purity = $10, lab_reference = $11, tablet_logo = $12, tablet_logo_key = $13, packaging_kind = $14, \
             packaging_brand = $15, packaging_key = $16, price = $17, price_currency = $18, price_per = $19, mass_ug = $20, \
             mass_derived = $21, volume_ul = $22, item_count = $23, area_m2 = $24, purity_milli = $25, price_minor = $26, \
             price_key = $27 WHERE id = $1"
                .to_owned()
        };
        let q = sqlx::query(&sql)
            .bind(i.id.to_string())
            .bind(i.case.to_string())
            .bind(i.position)
            .bind(&f.substance)
            .bind(&f.form)
            .bind(&f.quantity)
            .bind(&f.unit)
            .bind(&f.tablet_count)
            .bind(&f.unit_weight_mg)
            .bind(&f.purity)
            .bind(&f.lab_reference)
            .bind(&f.tablet_logo)
            .bind(&i.tablet_logo_key)
            .bind(&f.packaging_kind)
            .bind(&f.packaging_brand)
            .bind(&i.packaging_key)
            .bind(&f.price)
            .bind(&f.price_currency)
            .bind(&f.price_per)
            .bind(i.measures.micrograms)
            .bind(i64::from(i.measures.mass_derived))
            .bind(i.measures.microlitres)
            .bind(i.measures.count)
            .bind(i.measures.square_metres);
        // Only a new row records when it was created.
        let q = if verb == "INSERT" {
            q.bind(to_millis(self.at()))
        } else {
            q
        };
        let stat = ItemStatValues::of(f);
        let q = q
            .bind(stat.purity_milli)
            .bind(stat.price_minor)
            .bind(stat.price_key);
        let n = q.execute(self.conn()).await?.rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.mark_stats_dirty(&i.case.to_string()).await?;
        self.index_case(&i.case.to_string()).await
    }
}
