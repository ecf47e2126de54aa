//! Record-level access: who may list, read, edit, share and export a record
//! under the access policy (`docs/access-policy.md`, "Records").
//!
//! Two forms of the same rules live here: [`decide`] answers for one
//! record whose facts are in hand (used for view, edit and share checks),
//! and [`ReadFilter`] describes the same predicate for the storage layer to
//! apply inside every record query, so that lists, search, exports and
//! counts never fetch what they then hide.

use crate::{Actor, Denied};
use dcis_domain::access::{Classification, RecordAccess, ShareTarget, SharingGroupId, Tlp};
use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::{OrganisationId, UnitId, UserId};
use dcis_domain::role::{Clearance, GeoScope, Permission, Role};

/// A share of the record as the policy needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareFacts {
    pub target: ShareTarget,
    /// Milliseconds since the epoch; `None` never expires.
    pub expires_at_ms: Option<i64>,
    pub revoked: bool,
}

impl ShareFacts {
    fn live(&self, now_ms: i64) -> bool {
        !self.revoked && self.expires_at_ms.is_none_or(|e| e > now_ms)
    }
}

/// What an actor may do with one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Access {
    /// May know the record exists (reference, date, province, owning
    /// agency), to ask for access.
    pub list: bool,
    pub read: bool,
    pub edit: bool,
    pub share: bool,
    pub export: bool,
    /// True when the actor is the originator side (owning unit, or a
    /// supervisor of the owning organisation within scope).
    pub originator: bool,
}

/// The highest classification whose existence is shown to users in scope
/// who may not read the record.
pub const LISTED_UP_TO: Classification = Clearance::Restricted;

/// Does a geographic scope cover a record's place? A record without a
/// province is national: only national scopes cover it.
pub fn scope_covers(scope: &GeoScope, province: Option<ProvinceCode>) -> bool {
    match province {
        Some(p) => scope.covers(p),
        None => matches!(scope, GeoScope::National),
    }
}

/// The decision for one record.
pub fn decide(
    actor: &Actor,
    groups: &[SharingGroupId],
    rec: &RecordAccess,
    shares: &[ShareFacts],
    now_ms: i64,
) -> Access {
    let reader = actor.may(Permission::ReadRecords);
    let cleared = actor.clearance >= rec.classification;
    let in_scope = scope_covers(&actor.scope, rec.province);
    let owner = actor.unit == rec.owner_unit;
    let supervisor =
        actor.role == Role::Supervisor && actor.organisation == rec.owner_organisation && in_scope;
    let shared = shares
        .iter()
        .filter(|s| s.live(now_ms))
        .any(|s| match s.target {
            ShareTarget::User(u) => u == actor.user,
            ShareTarget::Unit(u) => u == actor.unit,
            ShareTarget::Organisation(o) => o == actor.organisation && in_scope,
            ShareTarget::Group(g) => groups.contains(&g),
        });
    let originator = owner || supervisor;
    let read = reader && cleared && (originator || shared);
    let list = read || (reader && rec.classification <= LISTED_UP_TO && in_scope);
    let edit = read && originator && actor.may(Permission::EditRecords);
    let export = read && actor.may(Permission::ExportRecords);
    let share = read && actor.may(Permission::ShareRecords) && (originator || rec.tlp != Tlp::Red);
    Access {
        list,
        read,
        edit,
        share,
        export,
        originator,
    }
}

/// May `actor` share `rec` with `target` (whose organisation is
/// `target_organisation`, `None` for a sharing group)? TLP is enforced, not
/// only displayed: TLP:RED goes to named people only, and only from the
/// originator; a recipient of AMBER or AMBER+STRICT material may pass it on
/// only inside their own organisation.
pub fn may_share_to(
    access: &Access,
    actor: &Actor,
    rec: &RecordAccess,
    target: &ShareTarget,
    target_organisation: Option<OrganisationId>,
) -> Result<(), Denied> {
    if !access.read {
        return Err(Denied::NotVisible);
    }
    actor.require(Permission::ShareRecords)?;
    match (rec.tlp, access.originator) {
        (Tlp::Red, true) => match target {
            ShareTarget::User(_) => Ok(()),
            _ => Err(Denied::TlpForbids),
        },
        (Tlp::Red, false) => Err(Denied::TlpForbids),
        (Tlp::Amber | Tlp::AmberStrict, false) => {
            if target_organisation == Some(actor.organisation) {
                Ok(())
            } else {
                Err(Denied::TlpForbids)
            }
        }
        _ => Ok(()),
    }
}

/// A sealed token: only this crate can build a [`ReadFilter`].
#[derive(Debug, Clone)]
pub struct Sealed(());

/// Which records a query may return, as data for the storage layer to
/// turn into SQL. It can only be built here, from an actor, so a record
/// query cannot be written without one.
#[derive(Debug, Clone)]
pub struct ReadFilter {
    /// False when the actor may not read records at all: nothing matches.
    pub reader: bool,
    pub user: UserId,
    pub unit: UnitId,
    pub organisation: OrganisationId,
    /// Records classified above this are never returned.
    pub max_classification: Classification,
    /// Set for supervisors: their organisation's records in their scope.
    pub supervisor_of: Option<OrganisationId>,
    /// `None` for a national scope, else the provinces.
    pub provinces: Option<Vec<ProvinceCode>>,
    pub groups: Vec<SharingGroupId>,
    pub now_ms: i64,
    /// Also return records the actor may only know exist.
    pub include_listed: bool,
    _sealed: Sealed,
}

impl ReadFilter {
    /// Records the actor may read in full.
    pub fn readable(actor: &Actor, groups: &[SharingGroupId], now_ms: i64) -> Self {
        Self {
            reader: actor.may(Permission::ReadRecords),
            user: actor.user,
            unit: actor.unit,
            organisation: actor.organisation,
            max_classification: actor.clearance,
            supervisor_of: (actor.role == Role::Supervisor).then_some(actor.organisation),
            provinces: match &actor.scope {
                GeoScope::National => None,
                GeoScope::Provinces(set) => Some(set.iter().copied().collect()),
            },
            groups: groups.to_vec(),
            now_ms,
            include_listed: false,
            _sealed: Sealed(()),
        }
    }

    /// Records the actor may read, and those whose existence the actor may
    /// know (for search results with "request access").
    pub fn listable(actor: &Actor, groups: &[SharingGroupId], now_ms: i64) -> Self {
        Self {
            include_listed: true,
            ..Self::readable(actor, groups, now_ms)
        }
    }

    /// The same filter without the "listed" widening.
    pub fn readable_part(&self) -> Self {
        Self {
            include_listed: false,
            ..self.clone()
        }
    }

    /// The scope as `decide` sees it.
    pub fn covers(&self, province: Option<ProvinceCode>) -> bool {
        match (&self.provinces, province) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(ps), Some(p)) => ps.contains(&p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcis_domain::access::{RecordId, RecordKind};

    fn id<T: std::str::FromStr>(n: u32) -> T
    where
        T::Err: std::fmt::Debug,
    {
        format!("01890000-0000-7000-8000-{n:012}").parse().unwrap()
    }

    fn actor(role: Role, unit: u32, org: u32, scope: &str, clearance: Clearance) -> Actor {
        Actor {
            user: id(unit * 100 + role as u32),
            username: dcis_domain::user::UserName::parse("tester").unwrap(),
            unit: id(unit),
            organisation: id(org),
            role,
            scope: GeoScope::parse(scope).unwrap(),
            clearance,
            token: None,
        }
    }

    fn record(unit: u32, org: u32, province: &str, c: Clearance, tlp: Tlp) -> RecordAccess {
        RecordAccess {
            record: RecordId::from_uuid(id::<dcis_domain::ids::UserId>(999).as_uuid()),
            kind: RecordKind::Case,
            owner_organisation: id(org),
            owner_unit: id(unit),
            province: ProvinceCode::parse(province).ok(),
            classification: c,
            tlp,
        }
    }

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn new_records_are_visible_to_their_unit_and_its_supervisors_only() {
        let rec = record(1, 10, "05", Clearance::Restricted, Tlp::Amber);
        let clerk = actor(Role::DataClerk, 1, 10, "05", Clearance::Restricted);
        let other_unit_same_org = actor(Role::Analyst, 2, 10, "05", Clearance::Secret);
        let supervisor = actor(Role::Supervisor, 3, 10, "national", Clearance::Secret);
        let supervisor_elsewhere = actor(Role::Supervisor, 4, 10, "01", Clearance::Secret);
        let other_org = actor(Role::Supervisor, 5, 20, "national", Clearance::Secret);
        let admin = actor(Role::Administrator, 1, 10, "national", Clearance::Secret);
        assert!(decide(&clerk, &[], &rec, &[], NOW).read);
        assert!(decide(&clerk, &[], &rec, &[], NOW).edit);
        assert!(!decide(&other_unit_same_org, &[], &rec, &[], NOW).read);
        assert!(
            decide(&other_unit_same_org, &[], &rec, &[], NOW).list,
            "restricted, in scope: existence shown"
        );
        assert!(decide(&supervisor, &[], &rec, &[], NOW).read);
        assert!(!decide(&supervisor_elsewhere, &[], &rec, &[], NOW).read);
        assert!(!decide(&other_org, &[], &rec, &[], NOW).read);
        assert!(
            !decide(&admin, &[], &rec, &[], NOW).read,
            "administrators do not read records"
        );
        assert!(!decide(&admin, &[], &rec, &[], NOW).list);
    }

    #[test]
    fn clearance_caps_everything_and_hides_existence_above_restricted() {
        let rec = record(1, 10, "05", Clearance::Confidential, Tlp::Green);
        let low = actor(Role::DataClerk, 1, 10, "05", Clearance::Restricted);
        assert!(
            !decide(&low, &[], &rec, &[], NOW).read,
            "own unit, but not cleared"
        );
        let other = actor(Role::Analyst, 2, 10, "05", Clearance::Secret);
        assert_eq!(
            decide(&other, &[], &rec, &[], NOW),
            Access::default(),
            "confidential: not even listed"
        );
    }

    #[test]
    fn shares_open_records_until_they_expire_or_are_revoked() {
        let rec = record(1, 10, "05", Clearance::Restricted, Tlp::Amber);
        let analyst = actor(Role::Analyst, 2, 20, "national", Clearance::Restricted);
        let g: SharingGroupId = id(77);
        let to_user = ShareFacts {
            target: ShareTarget::User(analyst.user),
            expires_at_ms: Some(NOW + 1),
            revoked: false,
        };
        assert!(decide(&analyst, &[], &rec, std::slice::from_ref(&to_user), NOW).read);
        let expired = ShareFacts {
            expires_at_ms: Some(NOW),
            ..to_user.clone()
        };
        assert!(!decide(&analyst, &[], &rec, &[expired], NOW).read);
        let revoked = ShareFacts {
            revoked: true,
            ..to_user
        };
        assert!(!decide(&analyst, &[], &rec, &[revoked], NOW).read);
        let to_group = ShareFacts {
            target: ShareTarget::Group(g),
            expires_at_ms: None,
            revoked: false,
        };
        assert!(decide(&analyst, &[g], &rec, std::slice::from_ref(&to_group), NOW).read);
        assert!(!decide(&analyst, &[], &rec, &[to_group], NOW).read);
        // A share to an organisation reaches its members whose scope covers the place.
        let to_org = ShareFacts {
            target: ShareTarget::Organisation(id(20)),
            expires_at_ms: None,
            revoked: false,
        };
        assert!(decide(&analyst, &[], &rec, std::slice::from_ref(&to_org), NOW).read);
        let provincial = actor(Role::Analyst, 3, 20, "01", Clearance::Restricted);
        assert!(!decide(&provincial, &[], &rec, &[to_org], NOW).read);
    }

    #[test]
    fn tlp_is_enforced_on_onward_sharing() {
        let sup = actor(Role::Supervisor, 1, 10, "national", Clearance::Secret);
        let liaison = actor(Role::LiaisonOfficer, 2, 20, "national", Clearance::Secret);
        let share_to_liaison = ShareFacts {
            target: ShareTarget::User(liaison.user),
            expires_at_ms: None,
            revoked: false,
        };
        let other_user: UserId = id(5555);
        for (tlp, originator_to_unit, recipient_in_org, recipient_out_org) in [
            (Tlp::Red, false, false, false),
            (Tlp::AmberStrict, true, true, false),
            (Tlp::Amber, true, true, false),
            (Tlp::Green, true, true, true),
            (Tlp::Clear, true, true, true),
        ] {
            let rec = record(1, 10, "05", Clearance::Restricted, tlp);
            let a = decide(&sup, &[], &rec, &[], NOW);
            assert_eq!(
                may_share_to(&a, &sup, &rec, &ShareTarget::Unit(id(9)), Some(id(30))).is_ok(),
                originator_to_unit,
                "{tlp}"
            );
            assert!(
                may_share_to(&a, &sup, &rec, &ShareTarget::User(other_user), Some(id(30))).is_ok(),
                "{tlp}: named person"
            );
            let b = decide(
                &liaison,
                &[],
                &rec,
                std::slice::from_ref(&share_to_liaison),
                NOW,
            );
            assert!(b.read);
            assert_eq!(
                may_share_to(&b, &liaison, &rec, &ShareTarget::Unit(id(8)), Some(id(20))).is_ok(),
                recipient_in_org,
                "{tlp}"
            );
            assert_eq!(
                may_share_to(&b, &liaison, &rec, &ShareTarget::Unit(id(9)), Some(id(30))).is_ok(),
                recipient_out_org,
                "{tlp}"
            );
        }
    }

    #[test]
    fn filters_carry_the_actor() {
        let a = actor(Role::Supervisor, 1, 10, "03,05", Clearance::Confidential);
        let f = ReadFilter::readable(&a, &[], NOW);
        assert_eq!(f.supervisor_of, Some(a.organisation));
        assert!(f.covers(ProvinceCode::parse("05").ok()));
        assert!(!f.covers(None));
        assert!(!f.include_listed);
        assert!(ReadFilter::listable(&a, &[], NOW).include_listed);
        let admin = actor(Role::Administrator, 1, 10, "national", Clearance::Secret);
        assert!(!ReadFilter::readable(&admin, &[], NOW).reader);
    }
}
