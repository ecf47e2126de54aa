//! The facts the record-level access policy decides on: a record's owner,
//! place, classification and Traffic Light Protocol marking, and the shares
//! that open it to others. The decisions themselves live in `dcis-policy`.

use crate::error::FieldError;
use crate::geo::ProvinceCode;
pub use crate::ids::{AccessRequestId, ShareId, SharingGroupId};
use crate::ids::{OrganisationId, UnitId, UserId};
use crate::role::Clearance;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// A record's security classification. It uses the same scale as a user's
/// clearance: a user may read a record classified at or below their
/// clearance (and only then, if the sharing rules also allow it).
pub type Classification = Clearance;

/// The Traffic Light Protocol 2.0 marking: how far a recipient may pass a
/// record on. Ordered from most to least restrictive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Tlp {
    /// Named recipients only; no further disclosure.
    #[serde(rename = "TLP:RED")]
    Red,
    /// The recipient's own organisation only, need-to-know.
    #[serde(rename = "TLP:AMBER+STRICT")]
    AmberStrict,
    /// The recipient's organisation and its clients, need-to-know.
    #[serde(rename = "TLP:AMBER")]
    Amber,
    /// The community (all agencies on the system), not public.
    #[serde(rename = "TLP:GREEN")]
    Green,
    /// No restriction.
    #[serde(rename = "TLP:CLEAR")]
    Clear,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Self::Red,
        Self::AmberStrict,
        Self::Amber,
        Self::Green,
        Self::Clear,
    ];

    /// The label as TLP 2.0 writes it, the same in every language.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Red => "TLP:RED",
            Self::AmberStrict => "TLP:AMBER+STRICT",
            Self::Amber => "TLP:AMBER",
            Self::Green => "TLP:GREEN",
            Self::Clear => "TLP:CLEAR",
        }
    }

    /// Parses `TLP:AMBER+STRICT`, `amber+strict`, `amber_strict` and the like;
    /// `WHITE` (TLP 1.0) is read as `CLEAR`.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim().to_ascii_uppercase().replace(['_', ' '], "+");
        let t = t.strip_prefix("TLP:").unwrap_or(&t);
        match t {
            "RED" => Ok(Self::Red),
            "AMBER+STRICT" => Ok(Self::AmberStrict),
            "AMBER" => Ok(Self::Amber),
            "GREEN" => Ok(Self::Green),
            "CLEAR" | "WHITE" => Ok(Self::Clear),
            _ => Err(FieldError::new("tlp", "err-choice").with("value", s.trim())),
        }
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The id of any record under the access policy (a case, an intelligence
/// report, a person…). It is the record's own UUIDv7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RecordId(Uuid);

impl RecordId {
    pub fn from_uuid(u: Uuid) -> Self {
        Self(u)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for RecordId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// What kind of record this is; each kind has its own table, and all share
/// the access facts in `record_access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Case,
    IntelligenceReport,
    Person,
}

impl RecordKind {
    pub const ALL: [RecordKind; 3] = [Self::Case, Self::IntelligenceReport, Self::Person];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Case => "case",
            Self::IntelligenceReport => "intelligence_report",
            Self::Person => "person",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The access facts of one record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordAccess {
    pub record: RecordId,
    pub kind: RecordKind,
    pub owner_organisation: OrganisationId,
    pub owner_unit: UnitId,
    /// Where it happened; `None` for records with no place (national).
    pub province: Option<ProvinceCode>,
    pub classification: Classification,
    pub tlp: Tlp,
}

/// Whom a share opens a record to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ShareTarget {
    User(UserId),
    Unit(UnitId),
    Organisation(OrganisationId),
    Group(SharingGroupId),
}

impl ShareTarget {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Unit(_) => "unit",
            Self::Organisation(_) => "organisation",
            Self::Group(_) => "group",
        }
    }

    pub fn id_string(&self) -> String {
        match self {
            Self::User(i) => i.to_string(),
            Self::Unit(i) => i.to_string(),
            Self::Organisation(i) => i.to_string(),
            Self::Group(i) => i.to_string(),
        }
    }

    pub fn parse(kind: &str, id: &str) -> Result<Self, FieldError> {
        let bad =
            || FieldError::new("target", "err-share-target").with("value", format!("{kind}:{id}"));
        let id = id.trim();
        match kind.trim() {
            "user" => id.parse().map(Self::User).map_err(|_| bad()),
            "unit" => id.parse().map(Self::Unit).map_err(|_| bad()),
            "organisation" => id.parse().map(Self::Organisation).map_err(|_| bad()),
            "group" => id.parse().map(Self::Group).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

/// Why a share exists: a release decided by someone who may share, the
/// case owner's need-to-know list, or an access request that was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareBasis {
    Release,
    NeedToKnow,
    AccessGrant,
}

impl ShareBasis {
    pub const ALL: [ShareBasis; 3] = [Self::Release, Self::NeedToKnow, Self::AccessGrant];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::NeedToKnow => "need_to_know",
            Self::AccessGrant => "access_grant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlp_labels_parse_in_their_written_forms() {
        for t in Tlp::ALL {
            assert_eq!(Tlp::parse(t.label()).unwrap(), t);
        }
        assert_eq!(Tlp::parse("amber+strict").unwrap(), Tlp::AmberStrict);
        assert_eq!(Tlp::parse("amber_strict").unwrap(), Tlp::AmberStrict);
        assert_eq!(Tlp::parse("TLP:WHITE").unwrap(), Tlp::Clear);
        assert!(Tlp::parse("TLP:BLUE").is_err());
        assert!(Tlp::Red < Tlp::Clear);
    }

    #[test]
    fn share_targets_parse() {
        let id = "01890000-0000-7000-8000-000000000001";
        assert_eq!(ShareTarget::parse("unit", id).unwrap().kind(), "unit");
        assert!(ShareTarget::parse("planet", id).is_err());
        assert!(ShareTarget::parse("user", "x").is_err());
    }
}
