//! Bulk loads: many cases and items in one transaction, with multi-row
//! INSERTs and ONE audit entry for the batch (`bulk_load`), so that loading
//! millions of synthetic records stays fast while the chain still covers
//! every change. The rows are exactly those [`Write::insert_case`] and
//! [`Write::insert_item`] store; only the audit differs (one entry per
//! batch, carrying a hash of the batch's rows, instead of one per record).

use crate::cases::{CaseRecord, ItemRecord};
use crate::error::StoreError;
use crate::open::Store;
use crate::rows::int;
use crate::search::{case_words, term_rows, Source};
use crate::write::Write;
use dcis_domain::audit::AuditAction;
use dcis_domain::time::to_millis;
use std::collections::HashMap;

/// The entity type of a bulk load's audit entries.
pub const BULK_LOAD: &str = "bulk_load";

/// At most this many bound values per statement (SQLite allows 32 766,
/// PostgreSQL 65 535).
const MAX_BINDS: usize = 30_000;

enum V {
    T(String),
    OT(Option<String>),
    I(i64),
    OI(Option<i64>),
    OF(Option<f64>),
}

/// Inserts `rows` (each `cols` values) into `table (columns)` in as few
/// statements as the bind limit allows.
async fn insert_many(
    w: &mut Write,
    table: &str,
    columns: &str,
    cols: usize,
    rows: Vec<Vec<V>>,
) -> Result<(), StoreError> {
    let per = (MAX_BINDS / cols).max(1);
    // SQLite looks a `$N` parameter's name up in a list (linear), which
    // makes a statement of n named parameters cost O(n²) to bind; its
    // anonymous `?` parameters are bound by position. PostgreSQL needs `$N`.
    let anonymous = w.conn().backend_name().eq_ignore_ascii_case("sqlite");
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<V>> = rows.by_ref().take(per).collect();
        let mut sql = String::with_capacity(64 + chunk.len() * cols * 7);
        sql.push_str(&format!("INSERT INTO {table} ({columns}) VALUES "));
        let mut n = 0;
        for (r, row) in chunk.iter().enumerate() {
            debug_assert_eq!(row.len(), cols);
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..cols {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                if anonymous {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::T(s) => q.bind(s),
                    V::OT(s) => q.bind(s),
                    V::I(i) => q.bind(i),
                    V::OI(i) => q.bind(i),
                    V::OF(f) => q.bind(f),
                };
            }
        }
        q.execute(w.conn()).await?;
    }
    Ok(())
}

impl Write {
    /// Stores a batch of cases and their items and appends one `create`
    /// entry of type [`BULK_LOAD`] for the batch, with `details` (JSON) as
    /// its `after` snapshot. Every item must belong to a case of the batch.
    /// The access rows, case rows and item rows are those the one-by-one
    /// path writes, except that `created_at` of the access and item rows is
    /// the case's own `created_at` (the one-by-one path writes the time of
    /// the transaction, which is the same there).
    pub async fn bulk_load(
        &mut self,
        batch_id: &str,
        details: &str,
        cases: &[CaseRecord],
        items: &[ItemRecord],
    ) -> Result<i64, StoreError> {
        let installation = self.ctx.installation.to_string();
        let created_by = self
            .ctx
            .actor
            .as_ref()
            .map(|(u, _)| u.to_string())
            .unwrap_or_default();
        let mut created: HashMap<_, i64> = HashMap::with_capacity(cases.len());
        let mut access = Vec::with_capacity(cases.len());
        let mut law_case = Vec::with_capacity(cases.len());
        // The items of each case in the order `index_case` reads them, for
        // the case's search words.
        let mut case_items: HashMap<_, Vec<&ItemRecord>> = HashMap::with_capacity(cases.len());
        for i in items {
            case_items.entry(i.case).or_default().push(i);
        }
        let mut terms = Vec::with_capacity(cases.len() * 24);
        for c in cases {
            let a = &c.access;
            let at = to_millis(c.created_at);
            created.insert(c.id, at);
            access.push(vec![
                V::T(a.record.to_string()),
                V::T(a.kind.as_str().to_owned()),
                V::T(installation.clone()),
                V::T(a.owner_organisation.to_string()),
                V::T(a.owner_unit.to_string()),
                V::OT(a.province.map(|p| p.as_str().to_owned())),
                V::I(crate::access::rank(a.classification)),
                V::T(a.tlp.label().to_owned()),
                V::T(created_by.clone()),
                V::I(at),
            ]);
            let f = &c.fields;
            let num = |s: &str| s.parse::<f64>().ok();
            let mut its = case_items.remove(&c.id).unwrap_or_default();
            its.sort_by_cached_key(|i| (i.position, i.id.to_string()));
            let words = case_words(
                &f.operation_name,
                &f.narrative,
                its.iter().map(|i| {
                    (
                        i.fields.tablet_logo.as_str(),
                        i.fields.packaging_brand.as_str(),
                    )
                }),
            );
            let reference = dcis_domain::search::reference_column(&f.reference);
            let id = c.id.to_string();
            terms.extend(term_rows(Source::Case, &id, &words).map(|r| r.map(V::T).into()));
            terms.extend(term_rows(Source::Reference, &id, &reference).map(|r| r.map(V::T).into()));
            law_case.push(vec![
                V::T(c.id.to_string()),
                V::T(c.agency.to_string()),
                V::T(f.reference.clone()),
                V::T(f.occurred_on.clone()),
                V::T(f.occurred_time.clone()),
                V::T(f.province.clone()),
                V::OT((!f.district.is_empty()).then(|| f.district.clone())),
                V::OT(f.village.map(|v| v.to_string())),
                V::OT(f.border_crossing.map(|v| v.to_string())),
                V::OF(num(&f.latitude)),
                V::OF(num(&f.longitude)),
                V::T(f.operation_name.clone()),
                V::T(f.detection_method.clone()),
                V::T(f.transport_mode.clone()),
                V::T(f.concealment_method.clone()),
                V::T(f.origin_country.clone()),
                V::T(f.origin_province.clone()),
                V::T(f.destination_country.clone()),
                V::T(f.destination_province.clone()),
                V::T(f.status.clone()),
                V::T(f.narrative.clone()),
                V::I(at),
                V::I(to_millis(c.updated_at)),
                V::T(words),
                V::T(reference),
            ]);
        }
        let mut seized = Vec::with_capacity(items.len());
        for i in items {
            let at = *created.get(&i.case).ok_or_else(|| {
                StoreError::MissingReference(format!(
                    "item {} of case {} outside the batch",
                    i.id, i.case
                ))
            })?;
            let f = &i.fields;
            seized.push(vec![
                V::T(i.id.to_string()),
                V::T(i.case.to_string()),
                V::I(i.position),
                V::T(f.substance.clone()),
                V::T(f.form.clone()),
                V::T(f.quantity.clone()),
                V::T(f.unit.clone()),
                V::T(f.tablet_count.clone()),
                V::T(f.unit_weight_mg.clone()),
                V::T(f.purity.clone()),
                V::T(f.lab_reference.clone()),
                V::T(f.tablet_logo.clone()),
                V::T(i.tablet_logo_key.clone()),
                V::T(f.packaging_kind.clone()),
                V::T(f.packaging_brand.clone()),
                V::T(i.packaging_key.clone()),
                V::T(f.price.clone()),
                V::T(f.price_currency.clone()),
                V::T(f.price_per.clone()),
                V::OI(i.measures.micrograms),
                V::I(i64::from(i.measures.mass_derived)),
                V::OI(i.measures.microlitres),
                V::OI(i.measures.count),
                V::OI(i.measures.square_metres),
                V::I(at),
            ]);
        }
        insert_many(
            self,
            "record_access",
            "record_id, record_kind, installation_id, owner_organisation_id, owner_unit_id, province_code, \
             classification_rank, tlp, created_by, created_at",
            10,
            access,
        )
        .await?;
        insert_many(
            self,
            "law_case",
            "id, agency_id, reference, occurred_on, occurred_time, province_code, district_code, village_id, \
             border_crossing_id, latitude, longitude, operation_name, detection_method, transport_mode, \
             concealment_method, origin_country, origin_province, destination_country, destination_province, \
             status, narrative, created_at, updated_at, search_words, reference_words",
            25,
            law_case,
        )
        .await?;
        insert_many(
            self,
            "seizure_item",
            "id, case_id, position, substance, form, quantity, unit, tablet_count, unit_weight_mg, purity, \
             lab_reference, tablet_logo, tablet_logo_key, packaging_kind, packaging_brand, packaging_key, price, \
             price_currency, price_per, mass_ug, mass_derived, volume_ul, item_count, area_m2, created_at",
            25,
            seized,
        )
        .await?;
        insert_many(self, "search_term", "source, term, record_id", 3, terms).await?;
        self.audit(
            AuditAction::Create,
            BULK_LOAD,
            batch_id,
            None,
            Some(details.to_owned()),
        )
        .await
    }
}

impl Store {
    /// How many bulk-load batches have ids starting with `prefix`.
    pub async fn count_bulk_loads(&self, prefix: &str) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM audit_entry WHERE entity_type = $1 AND entity_id LIKE $2",
        )
        .bind(BULK_LOAD)
        .bind(format!("{prefix}%"))
        .fetch_one(&self.pool)
        .await?;
        int(&row, "n")
    }
}
