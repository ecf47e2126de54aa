//! Reads for exports: readable cases with their seized items, fetched in
//! batches so that an export of many cases never holds more than one batch.
//!
//! Which cases, and in which order, is decided by the list query
//! ([`Store::cases`], with the same [`crate::CaseFilter`]); this module
//! fetches their contents. Every query here applies the readable part of
//! the caller's filter again, so a case that is only listed for the actor
//! (or that stopped being readable in the meantime) is never returned,
//! whatever ids are asked for.

use crate::access::{bind_all, filter_sql, push, Bind, ACCESS_COLUMNS};
use crate::cases::{case_row, item_row, CaseRecord, ItemRecord, CASE_COLUMNS, ITEM_COLUMNS};
use crate::error::StoreError;
use crate::open::Store;
use dcis_domain::access::RecordId;
use dcis_policy::records::ReadFilter;
use std::collections::HashMap;

/// The most ids one query binds (well under the placeholder limits of both
/// engines, with room for the filter's own).
pub const EXPORT_BATCH: usize = 500;

impl Store {
    /// The cases among `ids` that the filter lets the actor **read** (never
    /// those only listed), each with its items in order, in the order of
    /// `ids`. Ids that are unknown or not readable are left out.
    pub async fn readable_cases_with_items(
        &self,
        f: &ReadFilter,
        ids: &[RecordId],
    ) -> Result<Vec<(CaseRecord, Vec<ItemRecord>)>, StoreError> {
        let readable = f.readable_part();
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(EXPORT_BATCH) {
            let mut binds = Vec::new();
            let cond = filter_sql(&readable, "ra", &mut binds);
            let marks: Vec<String> = chunk
                .iter()
                .map(|i| push(&mut binds, Bind::Text(i.to_string())))
                .collect();
            let marks = marks.join(", ");
            let sql = format!(
                "SELECT {CASE_COLUMNS}, {ACCESS_COLUMNS} FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
                 WHERE lc.id IN ({marks}) AND {cond}"
            );
            let rows = bind_all(sqlx::query(&sql), &binds)
                .fetch_all(&self.pool)
                .await?;
            let mut cases: HashMap<RecordId, CaseRecord> = HashMap::with_capacity(rows.len());
            for r in &rows {
                let c = case_row(r)?;
                cases.insert(c.id, c);
            }
            drop(rows);
            let sql = format!(
                "SELECT {ITEM_COLUMNS} FROM seizure_item si JOIN record_access ra ON ra.record_id = si.case_id \
                 WHERE si.case_id IN ({marks}) AND {cond} ORDER BY si.case_id, si.position, si.id"
            );
            let rows = bind_all(sqlx::query(&sql), &binds)
                .fetch_all(&self.pool)
                .await?;
            let mut items: HashMap<RecordId, Vec<ItemRecord>> = HashMap::new();
            for r in &rows {
                let i = item_row(r)?;
                items.entry(i.case).or_default().push(i);
            }
            drop(rows);
            for id in chunk {
                if let Some(c) = cases.remove(id) {
                    let its = items.remove(id).unwrap_or_default();
                    out.push((c, its));
                }
            }
        }
        Ok(out)
    }
}
