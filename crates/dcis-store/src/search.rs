//! The `search_words` columns of cases and persons (migration 0007,
//! `docs/search.md`): which fields are searched by word, and filling the
//! column for rows stored before it existed.
//!
//! The column is an index kept beside the record, derived from fields the
//! record already has: it is written in the same statement as the record
//! (so the record's audit entry covers it) and, for older rows, filled
//! here without an audit entry of its own, since it adds nothing to what
//! the chain records.

use crate::error::StoreError;
use crate::open::{Backend, Store};
use crate::persons::json;
use crate::rows::text;
use dcis_domain::search;

/// The words a case is found by: its operation name and narrative.
pub(crate) fn case_words(operation_name: &str, narrative: &str) -> String {
    search::column([operation_name, narrative])
}

/// The words a person is found by: the name as written, the Latin name
/// and the aliases.
pub(crate) fn person_words(name: &str, latin_name: &str, aliases: &[String]) -> String {
    search::column(
        [name, latin_name]
            .into_iter()
            .chain(aliases.iter().map(String::as_str)),
    )
}

/// Rows filled per transaction.
const BATCH: i64 = 500;

impl Store {
    /// Fills `search_words` where it is NULL (rows written before migration
    /// 0007, or by an older dcis). Walks each table once in id order;
    /// returns how many rows were filled.
    pub(crate) async fn fill_search_words(&self) -> Result<u64, StoreError> {
        let cases = self
            .fill(
                "SELECT id, operation_name, narrative FROM law_case \
                 WHERE search_words IS NULL AND id > $1 ORDER BY id LIMIT $2",
                "UPDATE law_case SET search_words = $1 WHERE id = $2",
                |r| {
                    Ok(case_words(
                        &text(r, "operation_name")?,
                        &text(r, "narrative")?,
                    ))
                },
            )
            .await?;
        let persons = self
            .fill(
                "SELECT id, name, latin_name, aliases_json FROM person \
                 WHERE search_words IS NULL AND id > $1 ORDER BY id LIMIT $2",
                "UPDATE person SET search_words = $1 WHERE id = $2",
                |r| {
                    let aliases: Vec<String> = json(r, "aliases_json")?;
                    Ok(person_words(
                        &text(r, "name")?,
                        &text(r, "latin_name")?,
                        &aliases,
                    ))
                },
            )
            .await?;
        if cases + persons > 0 {
            tracing::info!(cases, persons, "search words filled");
        }
        Ok(cases + persons)
    }

    async fn fill(
        &self,
        select: &str,
        update: &str,
        words: impl Fn(&sqlx::any::AnyRow) -> Result<String, StoreError>,
    ) -> Result<u64, StoreError> {
        let mut last = String::new();
        let mut filled = 0;
        loop {
            let rows = sqlx::query(select)
                .bind(&last)
                .bind(BATCH)
                .fetch_all(&self.pool)
                .await?;
            let Some(end) = rows.last() else {
                return Ok(filled);
            };
            last = text(end, "id")?;
            let updates = rows
                .iter()
                .map(|r| Ok((words(r)?, text(r, "id")?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let _guard = match self.backend {
                Backend::Sqlite => Some(self.write_lock.lock().await),
                Backend::Postgres => None,
            };
            let mut tx = self.pool.begin().await?;
            for (w, id) in updates {
                filled += sqlx::query(update)
                    .bind(w)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
        }
    }
}
