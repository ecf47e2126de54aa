//! Record-level access at the application level: building the actor's read
//! filter, opening a record (with the read audit), sharing, access requests
//! and sharing groups. The rules are `dcis_policy::records`; this module
//! gathers the facts they need and writes the outcomes.

use crate::error::AppError;
use crate::App;
use dcis_domain::access::{
    AccessRequestId, RecordAccess, RecordId, RecordKind, ShareBasis, ShareId, ShareTarget,
    SharingGroupId, Tlp,
};
use dcis_domain::geo::PlaceName;
use dcis_domain::ids::OrganisationId;
use dcis_domain::role::{Clearance, Permission};
use dcis_domain::time::to_millis;
use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::records::{decide, may_share_to, Access, ReadFilter};
use dcis_policy::{Actor, Denied};
use dcis_store::{AccessRequest, RequestStatus, Share, SharingGroup};
use time::Duration;

/// The entity type of an export's audit entry (`crate::export`).
pub const EXPORT_ENTITY: &str = "export";

/// Reads of material at or above this classification are audited.
pub const AUDITED_FROM: Clearance = Clearance::Restricted;

/// Is reading this record "reading restricted material" (audited)?
pub fn read_is_audited(a: &RecordAccess) -> bool {
    a.classification >= AUDITED_FROM
        || a.tlp <= Tlp::AmberStrict
        || a.kind == RecordKind::IntelligenceReport
}

#[derive(Debug, Clone, Default)]
pub struct ShareInput {
    pub target_kind: String,
    pub target_id: String,
    pub handling: String,
    pub expires_in_days: String,
    /// `release` (default) or `need_to_know`.
    pub basis: String,
}

#[derive(Debug, Clone, Default)]
pub struct SharingGroupInput {
    pub code: String,
    pub name_en: String,
    pub name_lo: String,
    pub description: String,
}

fn parse_days(field: &'static str, s: &str) -> Result<Option<i64>, FieldError> {
    match s.trim() {
        "" => Ok(None),
        d => d
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=3650).contains(n))
            .map(Some)
            .ok_or_else(|| {
                FieldError::new(field, "err-range")
                    .with("min", 1)
                    .with("max", 3650)
            }),
    }
}

impl App {
    pub async fn groups_of(&self, actor: &Actor) -> Result<Vec<SharingGroupId>, AppError> {
        Ok(self
            .store
            .groups_of(actor.user, actor.unit, actor.organisation)
            .await?)
    }

    /// The filter for records the actor may read in full.
    pub async fn readable_filter(&self, actor: &Actor) -> Result<ReadFilter, AppError> {
        Ok(ReadFilter::readable(
            actor,
            &self.groups_of(actor).await?,
            to_millis(self.now()),
        ))
    }

    /// The filter for records the actor may read or know to exist.
    pub async fn listable_filter(&self, actor: &Actor) -> Result<ReadFilter, AppError> {
        Ok(ReadFilter::listable(
            actor,
            &self.groups_of(actor).await?,
            to_millis(self.now()),
        ))
    }

    /// The policy's decision on one record, from its stored facts.
    pub async fn decision(
        &self,
        actor: &Actor,
        record: RecordId,
    ) -> Result<(RecordAccess, Access, Vec<Share>), AppError> {
        let access = self
            .store
            .record_access(record)
            .await?
            .ok_or(AppError::NotFound)?;
        let shares = self.store.shares_of(record).await?;
        let facts: Vec<_> = shares.iter().map(Share::facts).collect();
        let groups = self.groups_of(actor).await?;
        let d = decide(actor, &groups, &access, &facts, to_millis(self.now()));
        Ok((access, d, shares))
    }

    /// Opens a record for reading. A record the actor may not know exists
    /// is "not found"; one they may know of but not read is refused with
    /// the offer to request access. Reads of restricted material are
    /// appended to the audit chain before the record is returned.
    pub async fn open_record(
        &self,
        actor: &Actor,
        record: RecordId,
        path: &str,
    ) -> Result<RecordAccess, AppError> {
        let f = self.listable_filter(actor).await?;
        let v = self
            .store
            .record_visibility(&f, record)
            .await?
            .ok_or(AppError::NotFound)?;
        if !v.readable {
            return Err(Denied::RequestAccess.into());
        }
        if read_is_audited(&v.access) {
            let mut w = self.write_as(actor).await?;
            w.audit_read(v.access.kind, record, path).await?;
            w.commit().await?;
        }
        Ok(v.access)
    }

    async fn organisation_of_target(
        &self,
        t: &ShareTarget,
    ) -> Result<Option<OrganisationId>, AppError> {
        let unknown = || {
            AppError::from(
                FieldError::new("target", "err-share-target").with("value", t.id_string()),
            )
        };
        Ok(match t {
            ShareTarget::User(u) => {
                let row = self.store.user(*u).await?.ok_or_else(unknown)?;
                Some(
                    self.store
                        .unit(row.user.unit)
                        .await?
                        .ok_or_else(unknown)?
                        .organisation,
                )
            }
            ShareTarget::Unit(u) => {
                Some(self.store.unit(*u).await?.ok_or_else(unknown)?.organisation)
            }
            ShareTarget::Organisation(o) => {
                Some(self.store.organisation(*o).await?.ok_or_else(unknown)?.id)
            }
            ShareTarget::Group(g) => {
                self.store.sharing_group(*g).await?.ok_or_else(unknown)?;
                None
            }
        })
    }

    /// Shares a record. The policy decides whether the actor may share at
    /// all and whether the record's TLP allows this recipient; a refused
    /// share writes nothing.
    pub async fn share_record(
        &self,
        actor: &Actor,
        record: RecordId,
        input: &ShareInput,
    ) -> Result<Share, AppError> {
        let (access, decision, _) = self.decision(actor, record).await?;
        if !decision.read {
            return Err(if decision.list {
                Denied::RequestAccess.into()
            } else {
                AppError::NotFound
            });
        }
        let mut e = FieldErrors::new();
        let target = e.take(ShareTarget::parse(&input.target_kind, &input.target_id));
        let days = e.take(parse_days("expires_in_days", &input.expires_in_days));
        let basis = match input.basis.trim() {
            "" | "release" => Some(ShareBasis::Release),
            "need_to_know" => Some(ShareBasis::NeedToKnow),
            other => {
                e.push(FieldError::new("basis", "err-choice").with("value", other));
                None
            }
        };
        if input.handling.chars().count() > 500 {
            e.push(FieldError::new("handling", "err-too-long").with("max", 500));
        }
        let (Some(target), Some(days), Some(basis)) = (target, days, basis) else {
            return Err(e.into());
        };
        e.into_result()?;
        if basis == ShareBasis::NeedToKnow && !decision.originator {
            return Err(Denied::NotOriginator.into());
        }
        let target_org = self.organisation_of_target(&target).await?;
        if let Err(d) = may_share_to(&decision, actor, &access, &target, target_org) {
            tracing::warn!(user = %actor.username.as_str(), %record, ?target, denied = %d, "share refused");
            return Err(d.into());
        }
        let now = self.now();
        let share = Share {
            id: ShareId::from_uuid(self.new_uuid()),
            record,
            target,
            basis,
            handling: input.handling.trim().to_owned(),
            shared_by: actor.user,
            shared_at: now,
            expires_at: days.map(|d| now + Duration::days(d)),
            revoked_at: None,
        };
        let mut w = self.write_as(actor).await?;
        w.insert_share(access.kind, &share).await?;
        w.commit().await?;
        Ok(share)
    }

    /// Revokes a share: its author or the record's originator may.
    pub async fn revoke_share(
        &self,
        actor: &Actor,
        record: RecordId,
        share: ShareId,
    ) -> Result<(), AppError> {
        let (access, decision, shares) = self.decision(actor, record).await?;
        if !decision.read {
            return Err(AppError::NotFound);
        }
        let s = shares
            .into_iter()
            .find(|s| s.id == share)
            .ok_or(AppError::NotFound)?;
        if s.shared_by != actor.user && !decision.originator {
            return Err(Denied::NotOriginator.into());
        }
        if s.revoked_at.is_some() {
            return Ok(());
        }
        let mut w = self.write_as(actor).await?;
        w.revoke_share(access.kind, &s).await?;
        w.commit().await?;
        Ok(())
    }

    /// Asks a record's owner for access. Only for a record the actor may
    /// know exists but not read, and once while a request is pending.
    pub async fn request_access(
        &self,
        actor: &Actor,
        record: RecordId,
        reason: &str,
    ) -> Result<AccessRequest, AppError> {
        let (access, decision, _) = self.decision(actor, record).await?;
        if !decision.list {
            return Err(AppError::NotFound);
        }
        if decision.read {
            return Err(FieldError::new("record", "err-already-readable").into());
        }
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            return Err(FieldError::new("reason", "err-reason-short")
                .with("min", 10)
                .into());
        }
        if reason.chars().count() > 2000 {
            return Err(FieldError::new("reason", "err-too-long")
                .with("max", 2000)
                .into());
        }
        if self
            .store
            .access_requests_by(actor.user)
            .await?
            .iter()
            .any(|r| r.record == record && r.status == RequestStatus::Pending)
        {
            return Err(AppError::Conflict {
                field: "record",
                key: "err-request-pending",
            });
        }
        let r = AccessRequest {
            id: AccessRequestId::from_uuid(self.new_uuid()),
            record,
            requester: actor.user,
            reason: reason.to_owned(),
            status: RequestStatus::Pending,
            requested_at: self.now(),
            decided_by: None,
            decided_at: None,
            decision_note: String::new(),
            grant_expires_at: None,
        };
        let mut w = self.write_as(actor).await?;
        w.insert_access_request(access.kind, &r).await?;
        w.commit().await?;
        Ok(r)
    }

    /// The owner's decision. Granting creates a share to the requester with
    /// the given expiry (default 30 days); both outcomes are audited.
    pub async fn decide_access_request(
        &self,
        actor: &Actor,
        request: AccessRequestId,
        grant: bool,
        note: &str,
        expires_in_days: &str,
    ) -> Result<AccessRequest, AppError> {
        let before = self
            .store
            .access_request(request)
            .await?
            .ok_or(AppError::NotFound)?;
        let (access, decision, _) = self.decision(actor, before.record).await?;
        if !decision.read {
            return Err(AppError::NotFound);
        }
        if !decision.originator {
            return Err(Denied::NotOriginator.into());
        }
        actor.require(Permission::DecideAccessRequests)?;
        if before.status != RequestStatus::Pending {
            return Err(AppError::Conflict {
                field: "request",
                key: "err-request-decided",
            });
        }
        let days = parse_days("expires_in_days", expires_in_days)?.unwrap_or(30);
        let now = self.now();
        let after = AccessRequest {
            status: if grant {
                RequestStatus::Granted
            } else {
                RequestStatus::Refused
            },
            decided_by: Some(actor.user),
            decided_at: Some(now),
            decision_note: note.trim().chars().take(2000).collect(),
            grant_expires_at: grant.then(|| now + Duration::days(days)),
            ..before.clone()
        };
        let mut w = self.write_as(actor).await?;
        if !w
            .decide_access_request(access.kind, &before, &after)
            .await?
        {
            return Err(AppError::Conflict {
                field: "request",
                key: "err-request-decided",
            });
        }
        if grant {
            let share = Share {
                id: ShareId::from_uuid(self.new_uuid()),
                record: before.record,
                target: ShareTarget::User(before.requester),
                basis: ShareBasis::AccessGrant,
                handling: after.decision_note.clone(),
                shared_by: actor.user,
                shared_at: now,
                expires_at: after.grant_expires_at,
                revoked_at: None,
            };
            w.insert_share(access.kind, &share).await?;
        }
        w.commit().await?;
        Ok(after)
    }

    /// Pending requests the actor may decide: for records of their unit,
    /// and for supervisors, of their organisation.
    pub async fn requests_to_decide(&self, actor: &Actor) -> Result<Vec<AccessRequest>, AppError> {
        if !actor.may(Permission::DecideAccessRequests) {
            return Ok(Vec::new());
        }
        let org = (actor.role == dcis_domain::role::Role::Supervisor).then_some(actor.organisation);
        let mut out = Vec::new();
        for r in self
            .store
            .access_requests_for_owner(actor.unit, org)
            .await?
        {
            let (_, d, _) = self.decision(actor, r.record).await?;
            if d.originator && d.read {
                out.push(r);
            }
        }
        Ok(out)
    }

    pub async fn create_sharing_group(
        &self,
        actor: &Actor,
        input: &SharingGroupInput,
    ) -> Result<SharingGroup, AppError> {
        actor.require(Permission::ManageSharingGroups)?;
        let mut e = FieldErrors::new();
        let code = e.take(dcis_domain::org::OrgCode::parse(&input.code));
        let name_en = e.take(PlaceName::parse("name_en", &input.name_en));
        let name_lo = e.take(PlaceName::parse("name_lo", &input.name_lo));
        if input.description.chars().count() > 2000 {
            e.push(FieldError::new("description", "err-too-long").with("max", 2000));
        }
        let (Some(code), Some(name_en), Some(name_lo)) = (code, name_en, name_lo) else {
            return Err(e.into());
        };
        e.into_result()?;
        let g = SharingGroup {
            id: SharingGroupId::from_uuid(self.new_uuid()),
            installation: self.installation,
            code: code.as_str().to_owned(),
            name_en,
            name_lo,
            description: input.description.trim().to_owned(),
        };
        let mut w = self.write_as(actor).await?;
        w.insert_sharing_group(&g)
            .await
            .map_err(AppError::duplicate_as("code", "err-group-code-taken"))?;
        w.commit().await?;
        Ok(g)
    }

    /// The audit log as the actor may see it: every entry about the
    /// installation's administration, and entries about records only for
    /// records the actor may read (so a supervisor sees who read what of
    /// their records); the details of exports as
    /// [`App::withhold_export_details`] says. `action` narrows to one action
    /// (e.g. `read`).
    pub async fn audit_log(
        &self,
        actor: &Actor,
        before: Option<i64>,
        action: Option<&str>,
        limit: i64,
    ) -> Result<Vec<dcis_domain::audit::AuditEntry>, AppError> {
        actor.require(Permission::ViewAuditLog)?;
        let f = self.readable_filter(actor).await?;
        let mut entries = self.store.audit_log(&f, before, action, limit).await?;
        self.withhold_export_details(actor, &f, &mut entries)
            .await?;
        Ok(entries)
    }

    /// An export's audit entry names every exported case and the filter
    /// that chose them (with a text filter, how many cases matched it):
    /// facts about records. Its details are for the actor who exported and
    /// for those who may read every case it names. Anyone else who may read
    /// the audit log sees that the export was made (who, when, which
    /// format and address), with `"details_withheld": true` in place of the
    /// rest. `readable` is the actor's readable filter. The entry's hash
    /// stays that of the stored entry; verifying the chain reads the store.
    pub(crate) async fn withhold_export_details(
        &self,
        actor: &Actor,
        readable: &ReadFilter,
        entries: &mut [dcis_domain::audit::AuditEntry],
    ) -> Result<(), AppError> {
        let me = actor.user.to_string();
        for e in entries
            .iter_mut()
            .filter(|e| e.entity_type == EXPORT_ENTITY && e.actor != me)
        {
            let after: serde_json::Value =
                serde_json::from_str(&e.after).unwrap_or(serde_json::Value::Null);
            let named = after["case_ids"].as_array();
            let ids: Vec<RecordId> = named
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str()?.parse().ok())
                .collect();
            let all_readable = match named {
                Some(named) if named.len() == ids.len() => {
                    self.store.count_readable(readable, &ids).await? == ids.len()
                }
                // An entry that does not say what it exported: withheld.
                _ => false,
            };
            if !all_readable {
                e.after = serde_json::json!({
                    "event": after["event"],
                    "format": after["format"],
                    "path": after["path"],
                    "details_withheld": true,
                })
                .to_string();
            }
        }
        Ok(())
    }

    /// Adds or removes a member (user, unit or organisation) of a group.
    pub async fn set_group_member(
        &self,
        actor: &Actor,
        group: SharingGroupId,
        kind: &str,
        id: &str,
        member: bool,
    ) -> Result<(), AppError> {
        actor.require(Permission::ManageSharingGroups)?;
        self.store
            .sharing_group(group)
            .await?
            .ok_or(AppError::NotFound)?;
        let target = ShareTarget::parse(kind, id).map_err(|e| FieldError {
            field: "member",
            ..e
        })?;
        if matches!(target, ShareTarget::Group(_)) {
            return Err(FieldError::new("member", "err-share-target")
                .with("value", kind)
                .into());
        }
        self.organisation_of_target(&target).await.map_err(|_| {
            AppError::from(FieldError::new("member", "err-share-target").with("value", id))
        })?;
        let mut w = self.write_as(actor).await?;
        if member {
            w.add_group_member(group, target)
                .await
                .map_err(AppError::duplicate_as("member", "err-already-member"))?;
        } else if !w.remove_group_member(group, target).await? {
            return Err(AppError::NotFound);
        }
        w.commit().await?;
        Ok(())
    }
}
