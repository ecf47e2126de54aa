//! The one write path of the storage layer. A [`Write`] is a database
//! transaction that knows who is acting; each mutating method (in the
//! modules per aggregate) appends its audit entry through [`Write::audit`]
//! before returning, and nothing is visible until [`Write::commit`].

use crate::error::StoreError;
use crate::open::{Backend, Store};
use dcis_domain::audit::{AuditAction, AuditEntry};
use dcis_domain::ids::{IdSource, InstallationId, UserId};
use dcis_domain::time::to_millis;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::sync::Arc;
use time::OffsetDateTime;

/// Who is changing what, when, on which installation.
#[derive(Clone)]
pub struct AuditContext {
    pub installation: InstallationId,
    /// The acting user, or `None` for the system itself (start-up loads,
    /// `dcis init`).
    pub actor: Option<(UserId, String)>,
    pub at: OffsetDateTime,
    pub ids: Arc<dyn IdSource>,
}

impl AuditContext {
    pub fn new_id(&self) -> uuid::Uuid {
        self.ids.new_uuid(self.at)
    }
}

pub struct Write {
    pub(crate) tx: Transaction<'static, Any>,
    pub(crate) ctx: AuditContext,
    _sqlite_writer: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// Whether a bulk load raised this SQLite connection's page cache
    /// ([`crate::bulk`]); put back before the transaction ends.
    pub(crate) bulk_cache: bool,
    /// The audit chain's head as this transaction's entries have moved it
    /// (sequence number and hash of the last entry), once the first entry
    /// has locked and read the stored head; written back by
    /// [`Write::commit`]. See [`Write::audit`].
    head: Option<(i64, String)>,
}

impl Store {
    /// Starts a write transaction on behalf of `ctx.actor`.
    pub async fn begin(&self, ctx: AuditContext) -> Result<Write, StoreError> {
        let guard = match self.backend {
            Backend::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(Write {
            tx,
            ctx,
            _sqlite_writer: guard,
            bulk_cache: false,
            head: None,
        })
    }
}

/// The JSON snapshot of a record for the audit log.
pub(crate) fn snapshot<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|e| format!("{{\"snapshot_error\":{:?}}}", e.to_string()))
}

impl Write {
    pub fn context(&self) -> &AuditContext {
        &self.ctx
    }

    pub fn at(&self) -> OffsetDateTime {
        self.ctx.at
    }

    pub fn new_id(&self) -> uuid::Uuid {
        self.ctx.new_id()
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Appends one entry to the audit chain.
    ///
    /// The transaction's first entry locks the head row (a no-op `UPDATE`:
    /// on PostgreSQL its row lock orders concurrent appenders, and a waiting
    /// transaction re-reads the head its predecessor committed; SQLite has
    /// one writer at a time) and reads it; the following entries continue
    /// from the head kept here, and [`Write::commit`] stores the last one.
    /// Updating the head row for every entry would leave PostgreSQL a new
    /// version of that row per update, none of which it can prune before
    /// the transaction ends, and each update walks the versions before it:
    /// a transaction of n entries cost O(n²) (the early-warning run's
    /// 470,000 alerts at 10,000,000 items inserted about 100 a second, and
    /// slowing).
    pub async fn audit(
        &mut self,
        action: AuditAction,
        entity_type: &str,
        entity_id: &str,
        before: Option<String>,
        after: Option<String>,
    ) -> Result<i64, StoreError> {
        // Read, not taken: if this append fails, the head stays that of
        // the last entry appended (a caller on SQLite may go on writing).
        let (last, prev) = match &self.head {
            Some((seq, hash)) => (*seq, hash.clone()),
            None => {
                let row =
                    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
                        .fetch_one(&mut *self.tx)
                        .await?;
                (row.try_get("seq")?, row.try_get("hash")?)
            }
        };
        let seq = last + 1;
        let (actor, actor_name) = match &self.ctx.actor {
            Some((id, name)) => (id.to_string(), name.clone()),
            None => (String::new(), "system".to_owned()),
        };
        let entry = AuditEntry {
            seq,
            id: self.ctx.new_id().to_string(),
            at_ms: to_millis(self.ctx.at),
            installation: self.ctx.installation.to_string(),
            actor,
            actor_name,
            action: action.as_str().to_owned(),
            entity_type: entity_type.to_owned(),
            entity_id: entity_id.to_owned(),
            before: before.unwrap_or_default(),
            after: after.unwrap_or_default(),
            prev_hash: String::new(),
            hash: String::new(),
        }
        .seal(&prev);
        sqlx::query(
            "INSERT INTO audit_entry (seq, id, at, installation_id, actor_id, actor_name, action, \
             entity_type, entity_id, before_json, after_json, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(entry.seq)
        .bind(&entry.id)
        .bind(entry.at_ms)
        .bind(&entry.installation)
        .bind(&entry.actor)
        .bind(&entry.actor_name)
        .bind(&entry.action)
        .bind(&entry.entity_type)
        .bind(&entry.entity_id)
        .bind(&entry.before)
        .bind(&entry.after)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *self.tx)
        .await?;
        self.head = Some((seq, entry.hash));
        Ok(seq)
    }

    /// Audits a creation with the new record's snapshot.
    pub(crate) async fn audit_create<T: Serialize>(
        &mut self,
        entity_type: &str,
        entity_id: &str,
        after: &T,
    ) -> Result<i64, StoreError> {
        self.audit(
            AuditAction::Create,
            entity_type,
            entity_id,
            None,
            Some(snapshot(after)),
        )
        .await
    }

    /// Audits an update with both snapshots.
    pub(crate) async fn audit_update<T: Serialize>(
        &mut self,
        entity_type: &str,
        entity_id: &str,
        before: &T,
        after: &T,
    ) -> Result<i64, StoreError> {
        self.audit(
            AuditAction::Update,
            entity_type,
            entity_id,
            Some(snapshot(before)),
            Some(snapshot(after)),
        )
        .await
    }

    /// Records a security event (log-in, log-out, token use refused…) that
    /// changes no record, with details as JSON.
    pub async fn event(
        &mut self,
        entity_type: &str,
        entity_id: &str,
        details: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        self.audit(
            AuditAction::Event,
            entity_type,
            entity_id,
            None,
            Some(details.to_string()),
        )
        .await
    }

    /// Deletes the one row of a case's part table (`table`) whose
    /// `key_column` is `key` and whose `case_id` is `case`, and audits it as a
    /// change of the case with `before` as the removed part (items, objects,
    /// people's links share this). No such row is `NotFound`.
    pub(crate) async fn delete_case_part(
        &mut self,
        table: &str,
        key_column: &str,
        key: &str,
        case: &str,
        before: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.mark_stats_dirty(case).await?;
        let n = sqlx::query(&format!(
            "DELETE FROM {table} WHERE {key_column} = $1 AND case_id = $2"
        ))
        .bind(key.to_owned())
        .bind(case.to_owned())
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit(
            AuditAction::Update,
            dcis_domain::access::RecordKind::Case.as_str(),
            case,
            Some(before.to_string()),
            None,
        )
        .await?;
        Ok(())
    }

    /// Stores the audit chain's new head (if this transaction appended to
    /// it) and commits.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if let Some((seq, hash)) = self.head.take() {
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(seq)
                .bind(hash)
                .execute(&mut *self.tx)
                .await?;
        }
        self.restore_cache().await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// Abandons every change of this transaction, including its audit
    /// entries. Dropping a `Write` does the same (but leaves a page cache
    /// a bulk load raised as it is, until the pooled connection closes).
    pub async fn rollback(mut self) -> Result<(), StoreError> {
        self.restore_cache().await?;
        self.tx.rollback().await?;
        Ok(())
    }
}
