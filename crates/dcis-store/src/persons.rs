//! Persons and their part in cases. Every read takes the caller's filter.

use crate::access::{bind_all, filter_sql, push, record_access, Bind, ACCESS_COLUMNS};
use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, int, text, time};
use crate::search::person_words;
use crate::write::Write;
use dcis_domain::access::{RecordAccess, RecordId, RecordKind};
use dcis_domain::person::{CasePersonFields, PersonFields};
use dcis_domain::time::to_millis;
use dcis_policy::records::ReadFilter;
use serde::Serialize;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// A stored person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonRecord {
    pub id: RecordId,
    pub fields: PersonFields,
    /// The day a stated age refers to (ISO date).
    pub age_as_of: String,
    /// The folded search keys of the names.
    pub search_keys: Vec<String>,
    pub access: RecordAccess,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A person's part in one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CasePersonRecord {
    pub case: RecordId,
    pub person: RecordId,
    pub position: i64,
    pub part: CasePersonFields,
}

const PERSON_COLUMNS: &str =
    "p.id, p.name, p.latin_name, p.search_keys, p.sex, p.birth_date, p.age, p.age_as_of, \
    p.nationality, p.aliases_json, p.documents_json, p.addresses_json, p.created_at";

pub(crate) fn json<T: serde::de::DeserializeOwned>(r: &AnyRow, col: &str) -> Result<T, StoreError> {
    let s = text(r, col)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

fn person_row(r: &AnyRow) -> Result<PersonRecord, StoreError> {
    Ok(PersonRecord {
        id: id(r, "id")?,
        fields: PersonFields {
            name: text(r, "name")?,
            latin_name: text(r, "latin_name")?,
            aliases: json(r, "aliases_json")?,
            sex: text(r, "sex")?,
            birth_date: text(r, "birth_date")?,
            age: text(r, "age")?,
            nationality: text(r, "nationality")?,
            documents: json(r, "documents_json")?,
            addresses: json(r, "addresses_json")?,
        },
        age_as_of: text(r, "age_as_of")?,
        search_keys: text(r, "search_keys")?
            .split('|')
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        access: record_access(r)?,
        created_at: time(r, "created_at")?,
    })
}

fn part_row(r: &AnyRow) -> Result<CasePersonRecord, StoreError> {
    Ok(CasePersonRecord {
        case: id(r, "case_id")?,
        person: id(r, "person_id")?,
        position: int(r, "position")?,
        part: json(r, "outcome_json")?,
    })
}

impl Store {
    /// One person, if the filter lets the actor read the person.
    pub async fn person(
        &self,
        f: &ReadFilter,
        pid: RecordId,
    ) -> Result<Option<PersonRecord>, StoreError> {
        let mut binds = Vec::new();
        let cond = filter_sql(&f.readable_part(), "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(pid.to_string()));
        let sql = format!(
            "SELECT {PERSON_COLUMNS}, {ACCESS_COLUMNS} FROM person p JOIN record_access ra ON ra.record_id = p.id WHERE p.id = {p} AND {cond}"
        );
        let row = bind_all(sqlx::query(&sql), &binds)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(person_row).transpose()
    }

    /// The people of a case the actor may read, with their parts, in order.
    /// People the actor may not read are left out even when the case is
    /// readable.
    pub async fn case_people(
        &self,
        f: &ReadFilter,
        case: RecordId,
    ) -> Result<Vec<(PersonRecord, CasePersonRecord)>, StoreError> {
        let mut binds = Vec::new();
        let cond = filter_sql(&f.readable_part(), "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(case.to_string()));
        let sql = format!(
            "SELECT {PERSON_COLUMNS}, {ACCESS_COLUMNS}, cp.case_id, cp.person_id, cp.position, cp.role, cp.outcome_json \
             FROM case_person cp JOIN person p ON p.id = cp.person_id JOIN record_access ra ON ra.record_id = p.id \
             WHERE cp.case_id = {p} AND {cond} ORDER BY cp.position"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((person_row(r)?, part_row(r)?)))
            .collect()
    }

    /// The cases of a person the actor may read, with the person's part.
    pub async fn person_cases(
        &self,
        f: &ReadFilter,
        person: RecordId,
    ) -> Result<Vec<(RecordId, String, String, CasePersonRecord)>, StoreError> {
        let mut binds = Vec::new();
        let cond = filter_sql(&f.readable_part(), "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(person.to_string()));
        let sql = format!(
            "SELECT lc.id AS cid, lc.reference, lc.occurred_on, cp.case_id, cp.person_id, cp.position, cp.role, cp.outcome_json \
             FROM case_person cp JOIN law_case lc ON lc.id = cp.case_id JOIN record_access ra ON ra.record_id = lc.id \
             WHERE cp.person_id = {p} AND {cond} ORDER BY lc.occurred_on DESC"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    id(r, "cid")?,
                    text(r, "reference")?,
                    text(r, "occurred_on")?,
                    part_row(r)?,
                ))
            })
            .collect()
    }
}

impl Write {
    pub async fn insert_person(&mut self, p: &PersonRecord) -> Result<(), StoreError> {
        self.insert_record_access(&p.access).await?;
        let f = &p.fields;
        let keys = format!("|{}|", p.search_keys.join("|"));
        let words = person_words(&f.name, &f.latin_name, &f.aliases);
        sqlx::query(
            "INSERT INTO person (id, name, latin_name, search_keys, sex, birth_date, age, age_as_of, nationality, aliases_json, \
             documents_json, addresses_json, created_at, updated_at, search_words) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(p.id.to_string())
        .bind(&f.name)
        .bind(&f.latin_name)
        .bind(keys)
        .bind(&f.sex)
        .bind(&f.birth_date)
        .bind(&f.age)
        .bind(&p.age_as_of)
        .bind(&f.nationality)
        .bind(to_json(&f.aliases))
        .bind(to_json(&f.documents))
        .bind(to_json(&f.addresses))
        .bind(to_millis(p.created_at))
        .bind(to_millis(p.created_at))
        .bind(&words)
        .execute(self.conn())
        .await?;
        self.index_person(&p.id.to_string(), &words).await?;
        for d in &f.documents {
            let (number, country) = document_keys(d);
            sqlx::query("INSERT INTO person_document (person_id, kind, number, issuing_country) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(p.id.to_string())
                .bind(&d.kind)
                .bind(number)
                .bind(country)
                .execute(self.conn())
                .await?;
        }
        self.audit_create(RecordKind::Person.as_str(), &p.id.to_string(), p)
            .await?;
        Ok(())
    }

    /// Links a person to a case; audited on both records' histories.
    pub async fn insert_case_person(&mut self, link: &CasePersonRecord) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO case_person (case_id, person_id, position, role, outcome_json, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(link.case.to_string())
            .bind(link.person.to_string())
            .bind(link.position)
            .bind(&link.part.role)
            .bind(to_json(&link.part))
            .bind(to_millis(self.at()))
            .execute(self.conn())
            .await?;
        self.mark_stats_dirty(&link.case.to_string()).await?;
        let after = serde_json::json!({ "person_linked": link }).to_string();
        self.audit(
            dcis_domain::audit::AuditAction::Update,
            RecordKind::Case.as_str(),
            &link.case.to_string(),
            None,
            Some(after.clone()),
        )
        .await?;
        self.audit(
            dcis_domain::audit::AuditAction::Update,
            RecordKind::Person.as_str(),
            &link.person.to_string(),
            None,
            Some(after),
        )
        .await?;
        Ok(())
    }

    pub async fn update_case_person(
        &mut self,
        before: &CasePersonRecord,
        after: &CasePersonRecord,
    ) -> Result<(), StoreError> {
        let n = sqlx::query("UPDATE case_person SET role = $3, outcome_json = $4 WHERE case_id = $1 AND person_id = $2")
            .bind(after.case.to_string())
            .bind(after.person.to_string())
            .bind(&after.part.role)
            .bind(to_json(&after.part))
            .execute(self.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.mark_stats_dirty(&after.case.to_string()).await?;
        self.audit(
            dcis_domain::audit::AuditAction::Update,
            RecordKind::Case.as_str(),
            &after.case.to_string(),
            Some(serde_json::json!({ "person": before }).to_string()),
            Some(serde_json::json!({ "person": after }).to_string()),
        )
        .await?;
        Ok(())
    }

    pub async fn delete_case_person(&mut self, link: &CasePersonRecord) -> Result<(), StoreError> {
        let before = serde_json::json!({ "person_unlinked": link });
        self.delete_case_part(
            "case_person",
            "person_id",
            &link.person.to_string(),
            &link.case.to_string(),
            before,
        )
        .await
    }
}

/// The searched number and the issuing country of a document, as the
/// `person_document` table keeps them: letters and digits only, upper case.
pub(crate) fn document_keys(d: &dcis_domain::person::DocumentFields) -> (String, String) {
    (
        d.number
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase(),
        d.issuing_country.to_ascii_uppercase(),
    )
}

/// JSON of a list field, for the text columns.
pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}
