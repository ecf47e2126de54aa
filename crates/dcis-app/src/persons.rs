//! Persons and their part in cases: the one write path.

use crate::error::AppError;
use crate::App;
use dcis_domain::access::{RecordAccess, RecordId, RecordKind};
use dcis_domain::person::{CasePersonFields, PersonFields};
use dcis_domain::FieldError;
use dcis_policy::{Actor, Denied};
use dcis_store::{CasePersonRecord, PersonRecord};

/// How many people one case may list.
pub const MAX_PEOPLE: usize = 500;

impl App {
    /// Validates a person's fields; returns the trimmed fields and the
    /// search keys. A stated age refers to `age_as_of` (the case's date).
    fn parse_person(
        &self,
        fields: &PersonFields,
        age_as_of: time::Date,
    ) -> Result<(PersonFields, Vec<String>), AppError> {
        let fields = fields.trimmed();
        let person = fields
            .as_input()
            .parse(age_as_of, self.local_now().date())?;
        Ok((fields, person.search_keys()))
    }

    /// Records a new person in a case with their role and outcome. The
    /// person is a record of the actor's unit, placed and marked like the
    /// case; person and link are written together.
    pub async fn add_person_to_case(
        &self,
        actor: &Actor,
        case: RecordId,
        fields: &PersonFields,
        part: &CasePersonFields,
    ) -> Result<(PersonRecord, CasePersonRecord), AppError> {
        let c = self.editable_case_record(actor, case).await?;
        let date_f = time::macros::format_description!("[year]-[month]-[day]");
        let as_of = time::Date::parse(&c.fields.occurred_on, date_f)
            .unwrap_or_else(|_| self.local_now().date());
        let mut errors = dcis_domain::FieldErrors::new();
        let person = match self.parse_person(fields, as_of) {
            Ok(p) => Some(p),
            Err(AppError::Validation(e)) => {
                errors.0.extend(e.0);
                None
            }
            Err(e) => return Err(e),
        };
        if let Err(e) = part.as_input().parse() {
            errors.0.extend(e.0);
        }
        let Some((fields, keys)) = person else {
            return Err(errors.into());
        };
        errors.into_result()?;
        let f = self.readable_filter(actor).await?;
        let people = self.store.case_people(&f, case).await?;
        if people.len() >= MAX_PEOPLE {
            return Err(FieldError::new("person", "err-too-many")
                .with("max", MAX_PEOPLE)
                .into());
        }
        let id = RecordId::from_uuid(self.new_uuid());
        let record = PersonRecord {
            id,
            fields,
            age_as_of: c.fields.occurred_on.clone(),
            search_keys: keys,
            access: RecordAccess {
                record: id,
                kind: RecordKind::Person,
                owner_organisation: actor.organisation,
                owner_unit: actor.unit,
                ..c.access.clone()
            },
            created_at: self.now(),
        };
        let link = CasePersonRecord {
            case,
            person: id,
            position: people.iter().map(|(_, l)| l.position).max().unwrap_or(0) + 1,
            part: canonical_part(part)?,
        };
        let mut w = self.write_as(actor).await?;
        w.insert_person(&record).await?;
        w.insert_case_person(&link).await?;
        w.commit().await?;
        Ok((record, link))
    }

    /// Changes a person's role or outcome in a case.
    pub async fn update_case_person(
        &self,
        actor: &Actor,
        case: RecordId,
        person: RecordId,
        part: &CasePersonFields,
    ) -> Result<CasePersonRecord, AppError> {
        self.editable_case_record(actor, case).await?;
        let f = self.readable_filter(actor).await?;
        let before = self
            .store
            .case_people(&f, case)
            .await?
            .into_iter()
            .find(|(p, _)| p.id == person)
            .ok_or(AppError::NotFound)?
            .1;
        let after = CasePersonRecord {
            part: canonical_part(part)?,
            ..before.clone()
        };
        if after == before {
            return Ok(after);
        }
        let mut w = self.write_as(actor).await?;
        w.update_case_person(&before, &after).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Removes a person from a case (the person record stays).
    pub async fn remove_case_person(
        &self,
        actor: &Actor,
        case: RecordId,
        person: RecordId,
    ) -> Result<(), AppError> {
        self.editable_case_record(actor, case).await?;
        let f = self.readable_filter(actor).await?;
        let link = self
            .store
            .case_people(&f, case)
            .await?
            .into_iter()
            .find(|(p, _)| p.id == person)
            .ok_or(AppError::NotFound)?
            .1;
        let mut w = self.write_as(actor).await?;
        w.delete_case_person(&link).await?;
        w.commit().await?;
        Ok(())
    }

    /// The people of a case the actor may read.
    pub async fn case_people(
        &self,
        actor: &Actor,
        case: RecordId,
    ) -> Result<Vec<(PersonRecord, CasePersonRecord)>, AppError> {
        let f = self.readable_filter(actor).await?;
        Ok(self.store.case_people(&f, case).await?)
    }

    /// Reads a person (policy, read audit) and the cases of theirs the
    /// actor may read.
    pub async fn person(
        &self,
        actor: &Actor,
        id: RecordId,
        path: &str,
    ) -> Result<
        (
            PersonRecord,
            Vec<(RecordId, String, String, CasePersonRecord)>,
        ),
        AppError,
    > {
        let a = self.open_record(actor, id, path).await?;
        if a.kind != RecordKind::Person {
            return Err(AppError::NotFound);
        }
        let f = self.readable_filter(actor).await?;
        let p = self.store.person(&f, id).await?.ok_or(AppError::NotFound)?;
        let cases = self.store.person_cases(&f, id).await?;
        Ok((p, cases))
    }

    /// A case the actor may edit (read and originator with edit rights).
    pub(crate) async fn editable_case_record(
        &self,
        actor: &Actor,
        id: RecordId,
    ) -> Result<dcis_store::CaseRecord, AppError> {
        let (access, decision, _) = self.decision(actor, id).await?;
        if access.kind != RecordKind::Case {
            return Err(AppError::NotFound);
        }
        if !decision.read {
            return Err(if decision.list {
                Denied::RequestAccess.into()
            } else {
                AppError::NotFound
            });
        }
        if !decision.edit {
            return Err(Denied::NotOriginator.into());
        }
        let f = self.readable_filter(actor).await?;
        self.store.case(&f, id).await?.ok_or(AppError::NotFound)
    }
}

/// A person's part in its canonical form (closed-list values as stored).
pub(crate) fn canonical_part(part: &CasePersonFields) -> Result<CasePersonFields, AppError> {
    let parsed = part.as_input().parse()?;
    let t = |s: &String| s.trim().to_owned();
    Ok(CasePersonFields {
        role: parsed.role.as_str().to_owned(),
        outcome: parsed
            .outcome
            .map(|o| o.as_str().to_owned())
            .unwrap_or_default(),
        sentence_kind: t(&part.sentence_kind).to_lowercase(),
        sentence_months: t(&part.sentence_months),
        fine: t(&part.fine),
        fine_currency: t(&part.fine_currency).to_uppercase(),
    })
}

impl App {
    /// Adds a vehicle, phone, bank account or asset to a case, optionally
    /// as belonging to one of the case's people.
    pub async fn add_object(
        &self,
        actor: &Actor,
        case: RecordId,
        kind: &str,
        fields: &std::collections::BTreeMap<String, String>,
        person: Option<RecordId>,
    ) -> Result<dcis_store::ObjectRecord, AppError> {
        self.editable_case_record(actor, case).await?;
        let kind = dcis_domain::objects::ObjectKind::parse(kind)?;
        let parsed = dcis_domain::objects::parse_object(kind, fields)?;
        let f = self.readable_filter(actor).await?;
        if let Some(p) = person {
            if !self
                .store
                .case_people(&f, case)
                .await?
                .iter()
                .any(|(x, _)| x.id == p)
            {
                return Err(FieldError::new("person", "err-person-not-in-case").into());
            }
        }
        let existing = self.store.case_objects(&f, case).await?;
        if existing.len() >= MAX_PEOPLE {
            return Err(FieldError::new("kind", "err-too-many")
                .with("max", MAX_PEOPLE)
                .into());
        }
        let o = dcis_store::ObjectRecord {
            id: self.new_uuid(),
            case,
            kind,
            position: existing.iter().map(|o| o.position).max().unwrap_or(0) + 1,
            fields: parsed.fields,
            key: parsed.key,
            label: parsed.label,
            person,
        };
        let mut w = self.write_as(actor).await?;
        w.insert_object(&o).await?;
        w.commit().await?;
        Ok(o)
    }

    pub async fn remove_object(
        &self,
        actor: &Actor,
        case: RecordId,
        object: uuid::Uuid,
    ) -> Result<(), AppError> {
        self.editable_case_record(actor, case).await?;
        let f = self.readable_filter(actor).await?;
        let o = self
            .store
            .case_objects(&f, case)
            .await?
            .into_iter()
            .find(|o| o.id == object)
            .ok_or(AppError::NotFound)?;
        let mut w = self.write_as(actor).await?;
        w.delete_object(&o).await?;
        w.commit().await?;
        Ok(())
    }

    pub async fn case_objects(
        &self,
        actor: &Actor,
        case: RecordId,
    ) -> Result<Vec<dcis_store::ObjectRecord>, AppError> {
        let f = self.readable_filter(actor).await?;
        Ok(self.store.case_objects(&f, case).await?)
    }
}
