//! Bulk loads: many cases with their items, people, vehicles and phones
//! in one transaction, with multi-row INSERTs and ONE audit entry for the
//! batch (`bulk_load`), so that loading millions of synthetic records stays
//! fast while the chain still covers every change. The rows are exactly
//! those [`Write::insert_case`], [`Write::insert_item`],
//! [`Write::insert_person`], [`Write::insert_case_person`] and
//! [`Write::insert_object`] store; only the audit differs (one entry per
//! batch, carrying a hash of the batch's rows, instead of one per record
//! and link).

use crate::cases::{CaseRecord, ItemRecord};
use crate::error::StoreError;
use crate::objects::ObjectRecord;
use crate::open::Store;
use crate::persons::{document_keys, to_json, CasePersonRecord, PersonRecord};
use crate::rows::int;
use crate::search::{case_words, person_words, term_rows, Source};
use crate::write::Write;
use dcis_domain::access::{RecordAccess, RecordId};
use dcis_domain::audit::AuditAction;
use dcis_domain::stats::ItemStatValues;
use dcis_domain::time::to_millis;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The entity type of a bulk load's audit entries.
pub const BULK_LOAD: &str = "bulk_load";

/// The rows of one bulk load. Every item, link and object belongs to a
/// case of the batch; a link names a person of the batch or one stored
/// before (a person recorded again by a later case of the same agency).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkRows {
    pub cases: Vec<CaseRecord>,
    pub items: Vec<ItemRecord>,
    /// Persons first recorded in this batch.
    pub persons: Vec<PersonRecord>,
    /// The people of the batch's cases, with their role and outcome.
    pub case_persons: Vec<CasePersonRecord>,
    /// Vehicles, phones, accounts and assets of the batch's cases.
    pub objects: Vec<ObjectRecord>,
}

/// The page cache of an SQLite connection during a bulk load, in KiB
/// (`PRAGMA cache_size = -N`). SQLite's default, 2 MB, holds a small part
/// of the indexes a load of thousands of cases changes at random places
/// (ids, references, search terms), so that the same pages are written out
/// and read back again and again; the pages changed by the transaction
/// also stay in the cache until it commits (or spill to the write-ahead
/// log). The cache is memory, not durability: the changes still reach the
/// log and the database only at commit, as before, so a load killed
/// half-way leaves what it left before (the kill test). Put back to
/// [`DEFAULT_CACHE_KIB`] before the transaction ends.
const BULK_CACHE_KIB: i64 = 262_144;

/// SQLite's default page cache (`PRAGMA cache_size = -2000`), which dcis's
/// connections otherwise keep.
const DEFAULT_CACHE_KIB: i64 = 2_000;

/// At most this many bound values per statement (SQLite allows 32 766,
/// PostgreSQL 65 535).
const MAX_BINDS: usize = 30_000;

pub(crate) enum V {
    T(String),
    OT(Option<String>),
    I(i64),
    OI(Option<i64>),
    OF(Option<f64>),
}

/// Inserts `rows` (each `cols` values) into `table (columns)` in as few
/// statements as the bind limit allows. The statements have a few fixed
/// sizes only (as many rows as the limit allows, then [`SMALL_ROWS`] rows,
/// then one row), so that each is prepared once and then reused from the
/// connection's statement cache however many rows each batch has:
/// preparing a statement of thousands of values costs more than running it.
pub(crate) async fn insert_many(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &str,
    cols: usize,
    rows: Vec<Vec<V>>,
) -> Result<(), StoreError> {
    let per = (MAX_BINDS / cols).max(1);
    // SQLite looks a `$N` parameter's name up in a list (linear), which
    // makes a statement of n named parameters cost O(n²) to bind; its
    // anonymous `?` parameters are bound by position. PostgreSQL needs `$N`.
    let anonymous = conn.backend_name().eq_ignore_ascii_case("sqlite");
    let mut left = rows.len();
    let mut rows = rows.into_iter();
    let mut shapes: Vec<(usize, String)> = Vec::new();
    while left > 0 {
        let n = if left >= per {
            per
        } else if left >= SMALL_ROWS && per > SMALL_ROWS {
            SMALL_ROWS
        } else {
            1
        };
        left -= n;
        if !shapes.iter().any(|(k, _)| *k == n) {
            shapes.push((n, insert_sql(table, columns, cols, n, anonymous)));
        }
        let sql = shapes
            .iter()
            .find(|(k, _)| *k == n)
            .map(|(_, s)| s.as_str())
            .unwrap_or_default();
        let mut q = sqlx::query(sql);
        for row in rows.by_ref().take(n) {
            debug_assert_eq!(row.len(), cols);
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
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Sorts rows by their first `key` columns (text), the table's primary
/// key, so that a statement adds to each B-tree in key order: neighbouring
/// rows land on the same pages instead of all over the index.
fn sort_by_key(rows: &mut [Vec<V>], key: usize) {
    fn text(v: &V) -> &str {
        match v {
            V::T(s) => s,
            V::OT(s) => s.as_deref().unwrap_or(""),
            _ => "",
        }
    }
    rows.sort_unstable_by(|a, b| {
        a.iter()
            .take(key)
            .map(text)
            .cmp(b.iter().take(key).map(text))
    });
}

/// The middle size of [`insert_many`]'s statements, for what is left after
/// the full ones.
const SMALL_ROWS: usize = 32;

/// `INSERT INTO table (columns) VALUES (…), (…)…` for `rows` rows.
fn insert_sql(table: &str, columns: &str, cols: usize, rows: usize, anonymous: bool) -> String {
    let mut sql = String::with_capacity(64 + columns.len() + rows * cols * 7);
    sql.push_str("INSERT INTO ");
    sql.push_str(table);
    sql.push_str(" (");
    sql.push_str(columns);
    sql.push_str(") VALUES ");
    let mut n = 0;
    for r in 0..rows {
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
    sql
}

/// Sets the page cache of an SQLite connection, in KiB.
async fn set_cache(conn: &mut sqlx::AnyConnection, kib: i64) -> Result<(), StoreError> {
    sqlx::query(&format!("PRAGMA cache_size = -{kib}"))
        .execute(conn)
        .await?;
    Ok(())
}

impl Write {
    /// Raises the page cache of this SQLite connection for a bulk load,
    /// once per transaction ([`BULK_CACHE_KIB`]).
    async fn raise_cache(&mut self) -> Result<(), StoreError> {
        if self.bulk_cache || !self.conn().backend_name().eq_ignore_ascii_case("sqlite") {
            return Ok(());
        }
        set_cache(self.conn(), BULK_CACHE_KIB).await?;
        self.bulk_cache = true;
        Ok(())
    }

    /// Puts the page cache a bulk load raised back to SQLite's default.
    pub(crate) async fn restore_cache(&mut self) -> Result<(), StoreError> {
        if self.bulk_cache {
            set_cache(self.conn(), DEFAULT_CACHE_KIB).await?;
            self.bulk_cache = false;
        }
        Ok(())
    }

    /// Stores a batch (cases, their items, the persons first recorded in
    /// it, the cases' people and objects) and appends one `create` entry of
    /// type [`BULK_LOAD`] for the batch, with `details` (JSON) as its
    /// `after` snapshot. The rows are those the one-by-one path writes
    /// (search keys and words included), except that `created_at` of the
    /// access, item, link and object rows is their case's (or person's) own
    /// `created_at` (the one-by-one path writes the time of the
    /// transaction, which is the same there), and that cases and persons
    /// keep `batch_id` in `bulk_load_id`, by which their history finds the
    /// batch's entry ([`Store::bulk_load_of`]).
    pub async fn bulk_load(
        &mut self,
        batch_id: &str,
        details: &str,
        rows: &BulkRows,
    ) -> Result<i64, StoreError> {
        let BulkRows {
            cases,
            items,
            persons,
            case_persons,
            objects,
        } = rows;
        self.raise_cache().await?;
        let installation = self.ctx.installation.to_string();
        let created_by = self
            .ctx
            .actor
            .as_ref()
            .map(|(u, _)| u.to_string())
            .unwrap_or_default();
        let access_row = |a: &RecordAccess, at: i64| {
            vec![
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
            ]
        };
        let mut created: HashMap<_, i64> = HashMap::with_capacity(cases.len());
        let mut access = Vec::with_capacity(cases.len() + persons.len());
        let mut law_case = Vec::with_capacity(cases.len());
        // The items of each case in the order `index_case` reads them, for
        // the case's search words.
        let mut case_items: HashMap<_, Vec<&ItemRecord>> = HashMap::with_capacity(cases.len());
        for i in items {
            case_items.entry(i.case).or_default().push(i);
        }
        let mut terms: Vec<Vec<V>> = Vec::with_capacity(cases.len() * 24);
        for c in cases {
            let at = to_millis(c.created_at);
            created.insert(c.id, at);
            access.push(access_row(&c.access, at));
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
                V::T(batch_id.to_owned()),
            ]);
        }
        let case_time = |what: &str, case: &RecordId| {
            created.get(case).copied().ok_or_else(|| {
                StoreError::MissingReference(format!("{what} of case {case} outside the batch"))
            })
        };
        let mut seized = Vec::with_capacity(items.len());
        for i in items {
            let at = case_time(&format!("item {}", i.id), &i.case)?;
            let f = &i.fields;
            let stat = ItemStatValues::of(f);
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
                V::OI(stat.purity_milli),
                V::OI(stat.price_minor),
                V::T(stat.price_key),
            ]);
        }
        let mut person = Vec::with_capacity(persons.len());
        let mut documents = Vec::new();
        for p in persons {
            let at = to_millis(p.created_at);
            access.push(access_row(&p.access, at));
            let f = &p.fields;
            let words = person_words(&f.name, &f.latin_name, &f.aliases);
            let id = p.id.to_string();
            terms.extend(term_rows(Source::Person, &id, &words).map(|r| r.map(V::T).into()));
            person.push(vec![
                V::T(p.id.to_string()),
                V::T(f.name.clone()),
                V::T(f.latin_name.clone()),
                V::T(format!("|{}|", p.search_keys.join("|"))),
                V::T(f.sex.clone()),
                V::T(f.birth_date.clone()),
                V::T(f.age.clone()),
                V::T(p.age_as_of.clone()),
                V::T(f.nationality.clone()),
                V::T(to_json(&f.aliases)),
                V::T(to_json(&f.documents)),
                V::T(to_json(&f.addresses)),
                V::I(at),
                V::I(at),
                V::T(words),
                V::T(batch_id.to_owned()),
            ]);
            // The one-by-one path skips a repeated document (ON CONFLICT DO
            // NOTHING); so does this one.
            let mut seen = HashSet::new();
            for d in &f.documents {
                let (number, country) = document_keys(d);
                if seen.insert((d.kind.clone(), number.clone(), country.clone())) {
                    documents.push(vec![
                        V::T(p.id.to_string()),
                        V::T(d.kind.clone()),
                        V::T(number),
                        V::T(country),
                    ]);
                }
            }
        }
        let mut links = Vec::with_capacity(case_persons.len());
        for l in case_persons {
            let at = case_time(&format!("person {}", l.person), &l.case)?;
            links.push(vec![
                V::T(l.case.to_string()),
                V::T(l.person.to_string()),
                V::I(l.position),
                V::T(l.part.role.clone()),
                V::T(to_json(&l.part)),
                V::I(at),
            ]);
        }
        let mut object = Vec::with_capacity(objects.len());
        for o in objects {
            let at = case_time(&format!("object {}", o.id), &o.case)?;
            object.push(vec![
                V::T(o.id.to_string()),
                V::T(o.case.to_string()),
                V::T(o.kind.as_str().to_owned()),
                V::I(o.position),
                V::T(serde_json::to_string(&o.fields).unwrap_or_else(|_| "{}".into())),
                V::T(o.key.clone()),
                V::T(o.label.clone()),
                V::OT(o.person.map(|p| p.to_string())),
                V::I(at),
            ]);
        }
        sort_by_key(&mut access, 1);
        sort_by_key(&mut law_case, 1);
        sort_by_key(&mut seized, 1);
        sort_by_key(&mut terms, 3);
        insert_many(
            self.conn(),
            "record_access",
            "record_id, record_kind, installation_id, owner_organisation_id, owner_unit_id, province_code, \
             classification_rank, tlp, created_by, created_at",
            10,
            access,
        )
        .await?;
        insert_many(
            self.conn(),
            "law_case",
            "id, agency_id, reference, occurred_on, occurred_time, province_code, district_code, village_id, \
             border_crossing_id, latitude, longitude, operation_name, detection_method, transport_mode, \
             concealment_method, origin_country, origin_province, destination_country, destination_province, \
             status, narrative, created_at, updated_at, search_words, reference_words, bulk_load_id",
            26,
            law_case,
        )
        .await?;
        insert_many(
            self.conn(),
            "seizure_item",
            "id, case_id, position, substance, form, quantity, unit, tablet_count, unit_weight_mg, purity, \
             lab_reference, tablet_logo, tablet_logo_key, packaging_kind, packaging_brand, packaging_key, price, \
             price_currency, price_per, mass_ug, mass_derived, volume_ul, item_count, area_m2, created_at, \
             purity_milli, price_minor, price_key",
            28,
            seized,
        )
        .await?;
        insert_many(
            self.conn(),
            "person",
            "id, name, latin_name, search_keys, sex, birth_date, age, age_as_of, nationality, aliases_json, \
             documents_json, addresses_json, created_at, updated_at, search_words, bulk_load_id",
            16,
            person,
        )
        .await?;
        insert_many(
            self.conn(),
            "person_document",
            "person_id, kind, number, issuing_country",
            4,
            documents,
        )
        .await?;
        insert_many(
            self.conn(),
            "case_person",
            "case_id, person_id, position, role, outcome_json, created_at",
            6,
            links,
        )
        .await?;
        insert_many(
            self.conn(),
            "case_object",
            "id, case_id, kind, position, fields_json, search_key, label, person_id, created_at",
            9,
            object,
        )
        .await?;
        insert_many(
            self.conn(),
            "search_term",
            "source, term, record_id",
            3,
            terms,
        )
        .await?;
        let partitions: BTreeSet<(String, String)> = cases
            .iter()
            .map(|c| {
                (
                    c.fields.occurred_on.chars().take(7).collect(),
                    c.fields.province.clone(),
                )
            })
            .collect();
        self.mark_partitions_dirty(&partitions).await?;
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
