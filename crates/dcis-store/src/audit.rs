//! Reading the audit chain: a record's history, the log, and verification.

use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{int, text};
use dcis_domain::audit::{AuditEntry, ChainBreak, Verifier};
use sqlx::any::AnyRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

const COLUMNS: &str = "seq, id, at, installation_id, actor_id, actor_name, action, entity_type, \
                       entity_id, before_json, after_json, prev_hash, hash";

fn entry(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: int(row, "seq")?,
        id: text(row, "id")?,
        at_ms: int(row, "at")?,
        installation: text(row, "installation_id")?,
        actor: text(row, "actor_id")?,
        actor_name: text(row, "actor_name")?,
        action: text(row, "action")?,
        entity_type: text(row, "entity_type")?,
        entity_id: text(row, "entity_id")?,
        before: text(row, "before_json")?,
        after: text(row, "after_json")?,
        prev_hash: text(row, "prev_hash")?,
        hash: text(row, "hash")?,
    })
}

impl Store {
    pub async fn audit_head(&self) -> Result<AuditHead, StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(AuditHead {
            seq: int(&row, "seq")?,
            hash: text(&row, "hash")?,
        })
    }

    /// The history of one record, oldest first. The caller has already
    /// established that the actor may see the record.
    pub async fn audit_history(
        &self,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_entry WHERE entity_type = $1 AND entity_id = $2 ORDER BY seq"
        ))
        .bind(entity_type)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry).collect()
    }

    /// The `bulk_load` entry of the batch that created a case or a person
    /// (migration 0009), if a bulk load did. The caller has already
    /// established that the actor may see the record, and decides what of
    /// the entry (which describes the whole batch) to show.
    pub async fn bulk_load_of(
        &self,
        kind: dcis_domain::access::RecordKind,
        record: dcis_domain::access::RecordId,
    ) -> Result<Option<AuditEntry>, StoreError> {
        use dcis_domain::access::RecordKind;
        let table = match kind {
            RecordKind::Case => "law_case",
            RecordKind::Person => "person",
            _ => return Ok(None),
        };
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_entry WHERE entity_type = $1 AND entity_id = \
             (SELECT bulk_load_id FROM {table} WHERE id = $2) ORDER BY seq LIMIT 1"
        ))
        .bind(crate::bulk::BULK_LOAD)
        .bind(record.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(entry).transpose()
    }

    /// The newest entries of the whole log, newest first, before `before_seq`.
    pub async fn audit_log(
        &self,
        f: &dcis_policy::records::ReadFilter,
        before_seq: Option<i64>,
        action: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        use crate::access::{bind_all, filter_sql, push, Bind};
        let mut binds = Vec::new();
        // Entries about records are shown only for records the reader may
        // read: the log must not reveal that a secret record exists.
        let cond = filter_sql(&f.readable_part(), "ra", &mut binds);
        let kinds: Vec<String> = dcis_domain::access::RecordKind::ALL
            .iter()
            .map(|k| push(&mut binds, Bind::Text(k.as_str().to_owned())))
            .collect();
        let before = push(&mut binds, Bind::Int(before_seq.unwrap_or(i64::MAX)));
        let action_sql = match action {
            Some(a) => format!(
                "AND action = {}",
                push(&mut binds, Bind::Text(a.to_owned()))
            ),
            None => String::new(),
        };
        let lim = push(&mut binds, Bind::Int(limit));
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_entry WHERE seq < {before} {action_sql} AND (entity_type NOT IN ({}) \
             OR entity_id IN (SELECT ra.record_id FROM record_access ra WHERE {cond})) ORDER BY seq DESC LIMIT {lim}",
            kinds.join(", ")
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry).collect()
    }

    /// Verifies the whole chain in pages of `page` entries, so memory stays
    /// flat however long the log. Returns the number of entries checked.
    pub async fn verify_audit_chain(
        &self,
        page: i64,
    ) -> Result<Result<u64, ChainBreak>, StoreError> {
        // Read the head first: entries appended during the walk lie beyond it.
        let head = self.audit_head().await?;
        let mut v = Verifier::new();
        let mut after = 0i64;
        'pages: loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_entry WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3"
            ))
            .bind(after)
            .bind(head.seq.max(after))
            .bind(page)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let e = entry(r)?;
                after = e.seq;
                if !v.push(&e) {
                    break 'pages;
                }
            }
        }
        // A head pointing past the last entry is caught by `finish`. Entries
        // past the head that the head never recorded were inserted behind
        // the system's back (the head is re-read: appends during the walk
        // are legitimate).
        let now_head = self.audit_head().await?;
        let beyond: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_entry WHERE seq > $1")
            .bind(now_head.seq)
            .fetch_one(&self.pool)
            .await
            .map(|r| int(&r, "n"))??;
        let result = v.finish(head.seq, &head.hash);
        if result.is_ok() && beyond > 0 {
            return Ok(Err(ChainBreak::Unlinked {
                seq: head.seq + 1,
                expected_seq: head.seq + 1,
            }));
        }
        Ok(result)
    }
}
