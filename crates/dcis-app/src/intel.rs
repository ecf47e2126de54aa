//! Intelligence reports and registered sources: the one write path.

use crate::error::AppError;
use crate::App;
use dcis_domain::access::{RecordAccess, RecordId, RecordKind, Tlp};
use dcis_domain::geo::ProvinceCode;
use dcis_domain::intel::{
    check_handling, parse_report_date, report_reference, Grade, HandlingCode,
    InformationAssessment, IntelReport, ReportText, ReportTitle, Source, SourceCode,
    SourceEvaluation,
};
use dcis_domain::role::{Clearance, Permission};
use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::records::scope_covers;
use dcis_policy::{Actor, Denied};
use dcis_store::ReportSummary;

/// A report as typed into a form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct IntelInput {
    pub title: String,
    pub body: String,
    pub reported_on: String,
    pub source_code: String,
    pub source_evaluation: String,
    pub information_assessment: String,
    pub handling_code: String,
    pub handling_conditions: String,
    /// Empty for a report with no province (national).
    pub province: String,
    pub classification: String,
    pub tlp: String,
    /// Record ids (cases, persons…) the report is about.
    pub links: Vec<String>,
}

struct Parsed {
    title: ReportTitle,
    body: ReportText,
    reported_on: time::Date,
    source: SourceCode,
    grade: Grade,
    conditions: String,
    province: Option<ProvinceCode>,
    classification: Clearance,
    tlp: Tlp,
    links: Vec<RecordId>,
}

impl App {
    fn parse_intel(&self, actor: &Actor, input: &IntelInput) -> Result<Parsed, AppError> {
        let mut e = FieldErrors::new();
        let title = e.take(ReportTitle::parse(&input.title));
        let body = e.take(ReportText::parse("body", &input.body));
        let reported_on = e.take(parse_report_date(&input.reported_on, self.now().date()));
        let source = e.take(SourceCode::parse(&input.source_code));
        let se = e.take(SourceEvaluation::parse(&input.source_evaluation));
        let ia = e.take(InformationAssessment::parse(&input.information_assessment));
        let hc = e.take(HandlingCode::parse(&input.handling_code));
        if let Some(hc) = hc {
            e.take(check_handling(hc, &input.handling_conditions));
        }
        let province = if input.province.trim().is_empty() {
            Some(None)
        } else {
            e.take(ProvinceCode::parse(&input.province)).map(Some)
        };
        let classification =
            e.take(
                Clearance::parse(&input.classification).map_err(|x| FieldError {
                    field: "classification",
                    ..x
                }),
            );
        let tlp = e.take(Tlp::parse(&input.tlp));
        if let Some(c) = classification {
            if c > actor.clearance {
                e.push(FieldError::new(
                    "classification",
                    "err-classification-above-clearance",
                ));
            }
        }
        if let Some(Some(p)) = province {
            if !actor.scope.covers(p) {
                e.push(
                    FieldError::new("province", "err-province-outside-scope")
                        .with("value", p.as_str()),
                );
            }
        } else if province == Some(None) && !scope_covers(&actor.scope, None) {
            e.push(FieldError::new("province", "err-required"));
        }
        let mut links = Vec::new();
        for l in input
            .links
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
        {
            match l.parse::<RecordId>() {
                Ok(r) => links.push(r),
                Err(_) => e.push(FieldError::new("links", "err-link").with("value", l)),
            }
        }
        match (
            title,
            body,
            reported_on,
            source,
            se,
            ia,
            hc,
            province,
            classification,
            tlp,
        ) {
            (
                Some(title),
                Some(body),
                Some(reported_on),
                Some(source),
                Some(se),
                Some(ia),
                Some(hc),
                Some(province),
                Some(classification),
                Some(tlp),
            ) if e.is_empty() => Ok(Parsed {
                title,
                body,
                reported_on,
                source,
                grade: Grade {
                    source: se,
                    information: ia,
                    handling: hc,
                },
                conditions: if hc == HandlingCode::C {
                    input.handling_conditions.trim().to_owned()
                } else {
                    String::new()
                },
                province,
                classification,
                tlp,
                links,
            }),
            _ => Err(e.into()),
        }
    }

    /// The source must be registered, by the actor's own unit.
    async fn check_source(&self, actor: &Actor, code: &SourceCode) -> Result<(), AppError> {
        match self.store.source(code).await? {
            Some(s) if s.handler_unit == actor.unit => Ok(()),
            _ => Err(FieldError::new("source_code", "err-source-unknown")
                .with("value", code.as_str())
                .into()),
        }
    }

    /// Links may only point at records the actor may read.
    async fn check_links(&self, actor: &Actor, links: &[RecordId]) -> Result<(), AppError> {
        if links.is_empty() {
            return Ok(());
        }
        let f = self.readable_filter(actor).await?;
        for l in links {
            if self
                .store
                .record_visibility(&f, *l)
                .await?
                .is_none_or(|v| !v.readable)
            {
                return Err(FieldError::new("links", "err-link")
                    .with("value", l.to_string())
                    .into());
            }
        }
        Ok(())
    }

    pub async fn create_intel_report(
        &self,
        actor: &Actor,
        input: &IntelInput,
    ) -> Result<IntelReport, AppError> {
        actor.require(Permission::CreateRecords)?;
        let p = self.parse_intel(actor, input)?;
        self.check_source(actor, &p.source).await?;
        self.check_links(actor, &p.links).await?;
        let unit = self
            .store
            .unit(actor.unit)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = self
            .store
            .organisation(unit.organisation)
            .await?
            .ok_or(AppError::NotFound)?;
        let year = p.reported_on.year();
        let prefix = format!("IR-{}-{year}-", org.code.as_str());
        let id = RecordId::from_uuid(self.new_uuid());
        // Reference numbers count per organisation and year; a concurrent
        // writer taking the same number makes the insert fail on the unique
        // reference, and the next attempt takes the following number.
        for attempt in 0..5 {
            let n = self.store.count_reports_with_prefix(&prefix).await? + 1 + attempt;
            let report = IntelReport {
                id,
                reference: report_reference(org.code.as_str(), year, n),
                title: p.title.clone(),
                body: p.body.clone(),
                reported_on: p.reported_on,
                source: p.source.clone(),
                grade: p.grade,
                handling_conditions: p.conditions.clone(),
                access: RecordAccess {
                    record: id,
                    kind: RecordKind::IntelligenceReport,
                    owner_organisation: org.id,
                    owner_unit: unit.id,
                    province: p.province,
                    classification: p.classification,
                    tlp: p.tlp,
                },
            };
            let mut w = self.write_as(actor).await?;
            match w.insert_intel_report(&report).await {
                Ok(()) => {
                    for l in &p.links {
                        w.insert_link(RecordKind::IntelligenceReport, id, *l)
                            .await?;
                    }
                    w.commit().await?;
                    return Ok(report);
                }
                Err(dcis_store::StoreError::Duplicate { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal(
            "could not allocate a report reference".into(),
        ))
    }

    /// Reads a report (policy, then the read audit).
    pub async fn intel_report(
        &self,
        actor: &Actor,
        id: RecordId,
        path: &str,
    ) -> Result<IntelReport, AppError> {
        let a = self.open_record(actor, id, path).await?;
        if a.kind != RecordKind::IntelligenceReport {
            return Err(AppError::NotFound);
        }
        let f = self.readable_filter(actor).await?;
        self.store
            .intel_report(&f, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn update_intel_report(
        &self,
        actor: &Actor,
        id: RecordId,
        input: &IntelInput,
    ) -> Result<IntelReport, AppError> {
        let (_, decision, _) = self.decision(actor, id).await?;
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
        let before = self
            .store
            .intel_report(&f, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let p = self.parse_intel(actor, input)?;
        if p.source != before.source {
            self.check_source(actor, &p.source).await?;
        }
        let after = IntelReport {
            title: p.title,
            body: p.body,
            reported_on: p.reported_on,
            source: p.source,
            grade: p.grade,
            handling_conditions: p.conditions,
            access: RecordAccess {
                province: p.province,
                classification: p.classification,
                tlp: p.tlp,
                ..before.access.clone()
            },
            ..before.clone()
        };
        if after == before {
            return Ok(after);
        }
        let mut w = self.write_as(actor).await?;
        w.update_intel_report(&before, &after).await?;
        w.commit().await?;
        Ok(after)
    }

    /// Reports the actor may read or know of, newest first.
    pub async fn intel_reports(
        &self,
        actor: &Actor,
        q: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ReportSummary>, i64), AppError> {
        let f = self.listable_filter(actor).await?;
        Ok(self.store.intel_reports(&f, q, limit, offset).await?)
    }

    /// What the actor may know of a report they may list but perhaps not
    /// read: reference, date, place, owner (for the access-request page).
    pub async fn intel_summary(
        &self,
        actor: &Actor,
        id: RecordId,
    ) -> Result<ReportSummary, AppError> {
        let f = self.listable_filter(actor).await?;
        self.store
            .intel_summary(&f, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Registers a source for the actor's unit. The identity is stored for
    /// the unit's source handlers and never written to the audit log.
    pub async fn register_source(
        &self,
        actor: &Actor,
        code: &str,
        identity: &str,
        notes: &str,
    ) -> Result<Source, AppError> {
        actor.require(Permission::HandleSources)?;
        let mut e = FieldErrors::new();
        let code = e.take(SourceCode::parse(code));
        if identity.trim().is_empty() {
            e.push(FieldError::new("identity", "err-required"));
        }
        let Some(code) = code else {
            return Err(e.into());
        };
        e.into_result()?;
        let s = Source {
            code,
            handler_unit: actor.unit,
            identity: identity.trim().to_owned(),
            notes: notes.trim().to_owned(),
        };
        let mut w = self.write_as(actor).await?;
        w.insert_source(&s)
            .await
            .map_err(AppError::duplicate_as("source_code", "err-source-taken"))?;
        w.commit().await?;
        Ok(s)
    }

    /// The sources of the actor's unit. Identities are shown only to the
    /// unit's source handlers; everyone else sees the codes.
    pub async fn sources(&self, actor: &Actor) -> Result<Vec<Source>, AppError> {
        let mut list = self.store.sources_of(actor.unit).await?;
        if !actor.may(Permission::HandleSources) {
            for s in &mut list {
                s.identity.clear();
                s.notes.clear();
            }
        }
        Ok(list)
    }
}
