//! National reports: the figures a country files with international bodies
//! (the ARQ's seizure part; later the regional monitoring reports) and
//! that therefore count every case of the installation, whoever owns it
//! and however it is classified (`docs/access-policy.md`, "Aggregates and
//! reports").
//!
//! Such a read is not filtered record by record, so it is not a
//! [`crate::records::ReadFilter`]: it is a [`NationalFigures`] grant, which
//! only this module builds and only for an actor who may analyse and whose
//! scope is national. Storage functions that read every case for a
//! national report take one, so they cannot be called without the check.

use crate::{Actor, Denied};
use dcis_domain::ids::UserId;
use dcis_domain::role::{GeoScope, Permission};

/// Leave to read every case of the installation for a national report.
#[derive(Debug, Clone)]
pub struct NationalFigures {
    // Private: only `authorise` builds one.
    user: UserId,
}

impl NationalFigures {
    /// Granted to an actor whose role (and token) may analyse and whose
    /// geographic scope is national: a report of the whole country is
    /// produced by someone responsible for the whole country.
    pub fn authorise(actor: &Actor) -> Result<Self, Denied> {
        actor.require(Permission::Analyse)?;
        if !matches!(actor.scope, GeoScope::National) {
            return Err(Denied::NationalScopeRequired);
        }
        Ok(Self { user: actor.user })
    }

    /// Who it was granted to.
    pub fn user(&self) -> UserId {
        self.user
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcis_domain::role::{Clearance, Role};
    use dcis_domain::user::UserName;

    fn actor(role: Role, scope: &str) -> Actor {
        let id = |n: u8| format!("01890000-0000-7000-8000-0000000000{n:02}");
        Actor {
            user: id(1).parse().unwrap_or_else(|_| unreachable!()),
            username: UserName::parse("tester").unwrap_or_else(|_| unreachable!()),
            unit: id(2).parse().unwrap_or_else(|_| unreachable!()),
            organisation: id(3).parse().unwrap_or_else(|_| unreachable!()),
            role,
            scope: GeoScope::parse(scope).unwrap_or_else(|_| unreachable!()),
            clearance: Clearance::Restricted,
            token: None,
        }
    }

    #[test]
    fn national_analysts_and_supervisors_only() {
        // (role, scope, granted?) written out from the access-policy page.
        let table: &[(Role, &str, Result<(), Denied>)] = &[
            (Role::Analyst, "national", Ok(())),
            (Role::Supervisor, "national", Ok(())),
            (Role::Analyst, "05", Err(Denied::NationalScopeRequired)),
            (
                Role::Supervisor,
                "03,05",
                Err(Denied::NationalScopeRequired),
            ),
            (
                Role::DataClerk,
                "national",
                Err(Denied::Permission(Permission::Analyse)),
            ),
            (
                Role::Administrator,
                "national",
                Err(Denied::Permission(Permission::Analyse)),
            ),
            (
                Role::LiaisonOfficer,
                "national",
                Err(Denied::Permission(Permission::Analyse)),
            ),
        ];
        for (role, scope, expected) in table {
            let got = NationalFigures::authorise(&actor(*role, scope)).map(|_| ());
            assert_eq!(got, *expected, "{role:?} {scope}");
        }
        // A token narrows: a supervisor's data-clerk token may not.
        let mut a = actor(Role::Supervisor, "national");
        a.token = Some((
            "01890000-0000-7000-8000-000000000009"
                .parse()
                .unwrap_or_else(|_| unreachable!()),
            Role::DataClerk,
        ));
        assert_eq!(
            NationalFigures::authorise(&a).map(|_| ()),
            Err(Denied::Permission(Permission::Analyse))
        );
    }
}
