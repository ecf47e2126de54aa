//! Vehicles, phones, bank accounts and assets of cases. Every read takes
//! the caller's filter (an object is read through its case).

use crate::access::{bind_all, filter_sql, push, Bind};
use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, int, opt_text, text};
use crate::write::Write;
use dcis_domain::access::{RecordId, RecordKind};
use dcis_domain::objects::ObjectKind;
use dcis_domain::time::to_millis;
use dcis_policy::records::ReadFilter;
use serde::Serialize;
use std::collections::BTreeMap;

/// A stored object of a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectRecord {
    pub id: uuid::Uuid,
    pub case: RecordId,
    pub kind: ObjectKind,
    pub position: i64,
    pub fields: BTreeMap<String, String>,
    pub key: String,
    pub label: String,
    /// The person of the case it belongs to, if known.
    pub person: Option<RecordId>,
}

impl Store {
    /// The objects of a case the filter lets the actor read.
    pub async fn case_objects(
        &self,
        f: &ReadFilter,
        case: RecordId,
    ) -> Result<Vec<ObjectRecord>, StoreError> {
        let mut binds = Vec::new();
        let cond = filter_sql(&f.readable_part(), "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(case.to_string()));
        let sql = format!(
            "SELECT o.id, o.case_id, o.kind, o.position, o.fields_json, o.search_key, o.label, o.person_id FROM case_object o \
             JOIN record_access ra ON ra.record_id = o.case_id WHERE o.case_id = {p} AND {cond} ORDER BY o.position"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let fields = text(r, "fields_json")?;
                Ok(ObjectRecord {
                    id: id(r, "id")?,
                    case: id(r, "case_id")?,
                    kind: crate::rows::parsed(r, "kind", ObjectKind::parse)?,
                    position: int(r, "position")?,
                    fields: serde_json::from_str(&fields)
                        .map_err(|e| StoreError::Corrupt(format!("fields_json: {e}")))?,
                    key: text(r, "search_key")?,
                    label: text(r, "label")?,
                    person: opt_text(r, "person_id")?
                        .map(|s| s.parse())
                        .transpose()
                        .map_err(|e| StoreError::Corrupt(format!("person_id: {e}")))?,
                })
            })
            .collect()
    }
}

impl Write {
    pub async fn insert_object(&mut self, o: &ObjectRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO case_object (id, case_id, kind, position, fields_json, search_key, label, person_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(o.id.to_string())
        .bind(o.case.to_string())
        .bind(o.kind.as_str())
        .bind(o.position)
        .bind(serde_json::to_string(&o.fields).unwrap_or_else(|_| "{}".into()))
        .bind(&o.key)
        .bind(&o.label)
        .bind(o.person.map(|p| p.to_string()))
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?;
        self.audit(
            dcis_domain::audit::AuditAction::Update,
            RecordKind::Case.as_str(),
            &o.case.to_string(),
            None,
            Some(serde_json::json!({ "object_added": o }).to_string()),
        )
        .await?;
        Ok(())
    }

    pub async fn delete_object(&mut self, o: &ObjectRecord) -> Result<(), StoreError> {
        let before = serde_json::json!({ "object_removed": o });
        self.delete_case_part(
            "case_object",
            "id",
            &o.id.to_string(),
            &o.case.to_string(),
            before,
        )
        .await
    }
}
