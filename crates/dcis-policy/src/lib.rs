//! The access policy.
//!
//! One place decides what an actor (a logged-in user, or a script holding an
//! API token) may do. This crate is pure: it reads the role table from the
//! domain and the facts it is given, and answers yes or no. The record-level
//! rules (owning unit, classification, TLP, sharing, need-to-know) join here
//! with the records themselves; see `docs/access-policy.md`.

pub mod alerts;
pub mod records;
pub mod reports;
pub mod stats;

use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::{ApiTokenId, OrganisationId, UnitId, UserId};
use dcis_domain::role::{Clearance, GeoScope, Permission, Role};
use dcis_domain::user::UserName;

/// Who is acting, with the facts the policy needs. Built by the application
/// from the session or token at each request; never from client input.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user: UserId,
    pub username: UserName,
    pub unit: UnitId,
    pub organisation: OrganisationId,
    pub role: Role,
    pub scope: GeoScope,
    pub clearance: Clearance,
    /// Set when acting through an API token, with the token's role.
    pub token: Option<(ApiTokenId, Role)>,
}

impl Actor {
    /// May this actor do `p` at all? A token acts with the permissions its
    /// own role and its owner's role both grant.
    pub fn may(&self, p: Permission) -> bool {
        self.role.allows(p) && self.token.is_none_or(|(_, r)| r.allows(p))
    }

    /// Like [`Actor::may`], as a `Result` for `?`.
    pub fn require(&self, p: Permission) -> Result<(), Denied> {
        if self.may(p) {
            Ok(())
        } else {
            Err(Denied::Permission(p))
        }
    }

    /// May this actor administer a user or unit placed in `province` (`None`
    /// for national bodies)? Administrators with a provincial scope manage
    /// only what lies in their provinces.
    pub fn may_administer_place(&self, province: Option<ProvinceCode>) -> bool {
        self.may(Permission::ManageUsers)
            && match (&self.scope, province) {
                (GeoScope::National, _) => true,
                (GeoScope::Provinces(_), None) => false,
                (s @ GeoScope::Provinces(_), Some(p)) => s.covers(p),
            }
    }

    /// May this actor give a user the given role, scope and clearance? An
    /// administrator never grants more than they hold: no scope beyond their
    /// own and no clearance above their own.
    pub fn may_grant(&self, scope: &GeoScope, clearance: Clearance) -> Result<(), Denied> {
        self.require(Permission::ManageUsers)?;
        if !self.scope.contains_scope(scope) {
            return Err(Denied::ScopeBeyondOwn);
        }
        if clearance > self.clearance {
            return Err(Denied::ClearanceAboveOwn);
        }
        Ok(())
    }

    /// May this actor create an API token with `role`? Only for a role the
    /// actor holds itself (tokens narrow, never widen).
    pub fn may_create_token(&self, role: Role) -> Result<(), Denied> {
        if self.token.is_some() {
            return Err(Denied::TokenCannotMintTokens);
        }
        if role == self.role || role.permissions().iter().all(|p| self.role.allows(*p)) {
            Ok(())
        } else {
            Err(Denied::RoleAboveOwn)
        }
    }
}

/// Why something was refused. The web layer maps each to a status code and
/// a message; the detail goes to the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    Permission(Permission),
    OutsideScope,
    ScopeBeyondOwn,
    ClearanceAboveOwn,
    RoleAboveOwn,
    TokenCannotMintTokens,
    /// The record is not visible to the actor (answered as "not found").
    NotVisible,
    /// The record's TLP marking forbids this share.
    TlpForbids,
    /// The actor may know the record exists but not read it: they may ask
    /// its owner for access.
    RequestAccess,
    /// Only the record's originator (owning unit, or a supervisor of the
    /// owning organisation) may do this.
    NotOriginator,
    /// A national report needs a national scope (`reports.rs`).
    NationalScopeRequired,
}

impl Denied {
    /// The message-catalogue key that explains the refusal.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Permission(_) => "denied-permission",
            Self::OutsideScope => "denied-outside-scope",
            Self::ScopeBeyondOwn => "denied-scope-beyond-own",
            Self::ClearanceAboveOwn => "denied-clearance-above-own",
            Self::RoleAboveOwn => "denied-role-above-own",
            Self::TokenCannotMintTokens => "denied-token-mint",
            Self::NotVisible => "error-not-found",
            Self::TlpForbids => "denied-tlp",
            Self::RequestAccess => "denied-request-access",
            Self::NotOriginator => "denied-not-originator",
            Self::NationalScopeRequired => "denied-national-scope",
        }
    }
}

impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Permission(p) => write!(f, "missing permission {p:?}"),
            other => f.write_str(other.message_key()),
        }
    }
}

impl std::error::Error for Denied {}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid_free::*;

    /// Ids without pulling a uuid generator into a pure crate's tests.
    mod uuid_free {
        use dcis_domain::ids::{OrganisationId, UnitId, UserId};
        pub fn ids() -> (UserId, UnitId, OrganisationId) {
            let u = "01890000-0000-7000-8000-000000000001"
                .parse()
                .unwrap_or_else(|_| unreachable!());
            let n = "01890000-0000-7000-8000-000000000002"
                .parse()
                .unwrap_or_else(|_| unreachable!());
            let o = "01890000-0000-7000-8000-000000000003"
                .parse()
                .unwrap_or_else(|_| unreachable!());
            (u, n, o)
        }
    }

    fn actor(role: Role, scope: &str, clearance: Clearance) -> Actor {
        let (user, unit, organisation) = ids();
        Actor {
            user,
            username: UserName::parse("tester").unwrap(),
            unit,
            organisation,
            role,
            scope: GeoScope::parse(scope).unwrap(),
            clearance,
            token: None,
        }
    }

    #[test]
    fn tokens_narrow_permissions() {
        let mut a = actor(Role::Supervisor, "national", Clearance::Secret);
        assert!(a.may(Permission::ShareRecords));
        a.token = Some((
            "01890000-0000-7000-8000-000000000009".parse().unwrap(),
            Role::Analyst,
        ));
        assert!(!a.may(Permission::ShareRecords));
        assert!(a.may(Permission::Analyse));
        // An analyst token held by a data clerk cannot analyse: the owner lacks it.
        let mut c = actor(Role::DataClerk, "national", Clearance::Secret);
        c.token = a.token;
        assert!(!c.may(Permission::Analyse));
        assert!(c.may(Permission::ReadRecords));
    }

    #[test]
    fn provincial_admins_stay_in_their_provinces() {
        let a = actor(Role::Administrator, "05", Clearance::Confidential);
        let p05 = ProvinceCode::parse("05").ok();
        let p01 = ProvinceCode::parse("01").ok();
        assert!(a.may_administer_place(p05));
        assert!(!a.may_administer_place(p01));
        assert!(!a.may_administer_place(None));
        assert_eq!(
            a.may_grant(&GeoScope::parse("05").unwrap(), Clearance::Restricted),
            Ok(())
        );
        assert_eq!(
            a.may_grant(&GeoScope::National, Clearance::Restricted),
            Err(Denied::ScopeBeyondOwn)
        );
        assert_eq!(
            a.may_grant(&GeoScope::parse("05").unwrap(), Clearance::Secret),
            Err(Denied::ClearanceAboveOwn)
        );
        let n = actor(Role::Analyst, "national", Clearance::Secret);
        assert!(!n.may_administer_place(p05));
        assert_eq!(
            n.may_grant(&GeoScope::National, Clearance::Restricted),
            Err(Denied::Permission(Permission::ManageUsers))
        );
    }

    #[test]
    fn tokens_never_widen() {
        let a = actor(Role::Analyst, "national", Clearance::Restricted);
        assert_eq!(a.may_create_token(Role::Analyst), Ok(()));
        assert_eq!(
            a.may_create_token(Role::Supervisor),
            Err(Denied::RoleAboveOwn)
        );
        let s = actor(Role::Supervisor, "national", Clearance::Restricted);
        assert_eq!(s.may_create_token(Role::Analyst), Ok(()));
        assert_eq!(s.may_create_token(Role::DataClerk), Ok(()));
        assert_eq!(
            s.may_create_token(Role::Administrator),
            Err(Denied::RoleAboveOwn)
        );
    }
}
