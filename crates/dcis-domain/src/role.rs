//! Roles, clearances, geographic scopes, and the one table that says what
//! each role may do. Every permission check in dcis reads this table; the
//! record-level policy (`dcis-policy`) builds on it.

use crate::error::FieldError;
use crate::geo::ProvinceCode;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    DataClerk,
    Analyst,
    Supervisor,
    LiaisonOfficer,
}

/// Something a user may be allowed to do, independent of which record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See provinces, districts, villages, border crossings.
    ViewGeography,
    /// Add villages and border crossings.
    ManageGeography,
    /// Create and edit organisations and units.
    ManageOrganisations,
    /// Create, edit, disable users and reset their passwords.
    ManageUsers,
    /// Read the audit log of the whole installation.
    ViewAuditLog,
    /// Run the audit-chain verification.
    VerifyAuditChain,
    /// Read records within the record-level policy.
    ReadRecords,
    /// Create records.
    CreateRecords,
    /// Edit records the policy lets the user edit.
    EditRecords,
    /// Import spreadsheets of records.
    ImportRecords,
    /// Export lists of records.
    ExportRecords,
    /// Dashboards, trends, pivot tables and reports.
    Analyse,
    /// Share records and intelligence with other units, agencies, groups.
    ShareRecords,
    /// Grant or refuse other users' requests for access.
    DecideAccessRequests,
    /// Register intelligence sources and see their identities (own unit).
    HandleSources,
    /// Create and manage sharing groups and their members.
    ManageSharingGroups,
}

impl Permission {
    pub const ALL: [Permission; 16] = [
        Self::ViewGeography,
        Self::ManageGeography,
        Self::ManageOrganisations,
        Self::ManageUsers,
        Self::ViewAuditLog,
        Self::VerifyAuditChain,
        Self::ReadRecords,
        Self::CreateRecords,
        Self::EditRecords,
        Self::ImportRecords,
        Self::ExportRecords,
        Self::Analyse,
        Self::ShareRecords,
        Self::DecideAccessRequests,
        Self::HandleSources,
        Self::ManageSharingGroups,
    ];
}

use Permission as P;

/// The role table. Administrators run the installation but do not read
/// operational records (separation of duties); supervisors do everything a
/// clerk and an analyst do and decide on sharing and access.
const ROLE_TABLE: &[(Role, &[Permission])] = &[
    (
        Role::Administrator,
        &[
            P::ViewGeography,
            P::ManageGeography,
            P::ManageOrganisations,
            P::ManageUsers,
            P::ViewAuditLog,
            P::VerifyAuditChain,
            P::ManageSharingGroups,
        ],
    ),
    (
        Role::DataClerk,
        &[
            P::ViewGeography,
            P::ReadRecords,
            P::CreateRecords,
            P::EditRecords,
            P::ImportRecords,
        ],
    ),
    (
        Role::Analyst,
        &[
            P::ViewGeography,
            P::ReadRecords,
            P::ExportRecords,
            P::Analyse,
        ],
    ),
    (
        Role::Supervisor,
        &[
            P::ViewGeography,
            P::ViewAuditLog,
            P::ReadRecords,
            P::CreateRecords,
            P::EditRecords,
            P::ImportRecords,
            P::ExportRecords,
            P::Analyse,
            P::ShareRecords,
            P::DecideAccessRequests,
            P::HandleSources,
        ],
    ),
    (
        Role::LiaisonOfficer,
        &[
            P::ViewGeography,
            P::ReadRecords,
            P::CreateRecords,
            P::ShareRecords,
        ],
    ),
];

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Administrator,
        Self::DataClerk,
        Self::Analyst,
        Self::Supervisor,
        Self::LiaisonOfficer,
    ];

    pub fn permissions(&self) -> &'static [Permission] {
        ROLE_TABLE
            .iter()
            .find(|(r, _)| r == self)
            .map(|(_, p)| *p)
            .unwrap_or(&[])
    }

    pub fn allows(&self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::DataClerk => "data_clerk",
            Self::Analyst => "analyst",
            Self::Supervisor => "supervisor",
            Self::LiaisonOfficer => "liaison_officer",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| FieldError::new("role", "err-choice").with("value", s.trim()))
    }
}

/// How secret a record a user may read. Ordered: a user cleared for
/// `Confidential` may read `Restricted` and `Unclassified` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Clearance {
    Unclassified,
    Restricted,
    Confidential,
    Secret,
}

impl Clearance {
    pub const ALL: [Clearance; 4] = [
        Self::Unclassified,
        Self::Restricted,
        Self::Confidential,
        Self::Secret,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Unclassified => "unclassified",
            Self::Restricted => "restricted",
            Self::Confidential => "confidential",
            Self::Secret => "secret",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| FieldError::new("clearance", "err-choice").with("value", s.trim()))
    }
}

/// Where a user works: the whole country, or a set of provinces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoScope {
    National,
    Provinces(BTreeSet<ProvinceCode>),
}

impl GeoScope {
    /// Parses `national` or a comma-separated list of province codes.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("national") {
            return Ok(Self::National);
        }
        let mut set = BTreeSet::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let code = ProvinceCode::parse(part).map_err(|e| FieldError {
                field: "scope",
                ..e
            })?;
            set.insert(code);
        }
        if set.is_empty() {
            return Err(FieldError::new("scope", "err-scope-empty"));
        }
        Ok(Self::Provinces(set))
    }

    /// The storage form: `national` or `01,05`.
    pub fn to_storage(&self) -> String {
        match self {
            Self::National => "national".to_owned(),
            Self::Provinces(set) => set
                .iter()
                .map(|p| p.as_str().to_owned())
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    pub fn covers(&self, p: ProvinceCode) -> bool {
        match self {
            Self::National => true,
            Self::Provinces(set) => set.contains(&p),
        }
    }

    /// True when every province of `other` is inside this scope.
    pub fn contains_scope(&self, other: &GeoScope) -> bool {
        match (self, other) {
            (Self::National, _) => true,
            (Self::Provinces(_), Self::National) => false,
            (Self::Provinces(mine), Self::Provinces(theirs)) => theirs.is_subset(mine),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as the documentation states it, written out independently:
    /// (role, permissions in the order of `Permission::ALL`).
    const EXPECTED: &[(&str, &str)] = &[
        // Geo view, geo manage, orgs, users, audit view, audit verify, read,
        // create, edit, import, export, analyse, share, decide, sources,
        // sharing groups
        ("administrator", "YYYYYYNNNNNNNNNY"),
        ("data_clerk", "YNNNNNYYYYNNNNNN"),
        ("analyst", "YNNNNNYNNNYYNNNN"),
        ("supervisor", "YNNNYNYYYYYYYYYN"),
        ("liaison_officer", "YNNNNNYYNNNNYNNN"),
    ];

    #[test]
    fn role_table_matches_documented_matrix() {
        for (role, row) in EXPECTED {
            let role = Role::parse(role).unwrap();
            for (p, flag) in Permission::ALL.iter().zip(row.chars()) {
                assert_eq!(role.allows(*p), flag == 'Y', "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn clearances_are_ordered() {
        assert!(Clearance::Secret > Clearance::Confidential);
        assert!(Clearance::Restricted > Clearance::Unclassified);
    }

    #[test]
    fn scopes() {
        let s = GeoScope::parse("05, 03").unwrap();
        assert_eq!(s.to_storage(), "03,05");
        assert!(s.covers(ProvinceCode::parse("05").unwrap()));
        assert!(!s.covers(ProvinceCode::parse("01").unwrap()));
        assert_eq!(GeoScope::parse("NATIONAL").unwrap(), GeoScope::National);
        assert!(GeoScope::parse("").is_err());
        assert!(GeoScope::parse("5").is_err());
        assert!(GeoScope::National.contains_scope(&s));
        assert!(!s.contains_scope(&GeoScope::National));
        assert!(s.contains_scope(&GeoScope::parse("03").unwrap()));
        assert!(!s.contains_scope(&GeoScope::parse("03,01").unwrap()));
    }
}
