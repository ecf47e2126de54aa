//! Organisations (agencies) and their units, placed in the geography.

use crate::error::FieldError;
use crate::geo::{DistrictCode, PlaceName, ProvinceCode};
use crate::ids::{InstallationId, OrganisationId, UnitId};
use serde::Serialize;

/// What kind of body an organisation is. The list follows the agencies named
/// in the mission brief; `Other` covers bodies not foreseen here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    NationalCommission,
    CounterNarcoticsPolice,
    Customs,
    BorderLiaisonOffice,
    ProvincialCommittee,
    TreatmentSite,
    PartnerOrganisation,
    Other,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 8] = [
        Self::NationalCommission,
        Self::CounterNarcoticsPolice,
        Self::Customs,
        Self::BorderLiaisonOffice,
        Self::ProvincialCommittee,
        Self::TreatmentSite,
        Self::PartnerOrganisation,
        Self::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::NationalCommission => "national_commission",
            Self::CounterNarcoticsPolice => "counter_narcotics_police",
            Self::Customs => "customs",
            Self::BorderLiaisonOffice => "border_liaison_office",
            Self::ProvincialCommittee => "provincial_committee",
            Self::TreatmentSite => "treatment_site",
            Self::PartnerOrganisation => "partner_organisation",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| FieldError::new("kind", "err-choice").with("value", s.trim()))
    }
}

/// A short code an agency is known by (`LCDC`, `CNP`, `CUS-BK`): 2–20
/// upper-case letters, digits or hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim().to_ascii_uppercase();
        let ok = (2..=20).contains(&s.len())
            && s.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Self(s))
        } else {
            Err(FieldError::new("code", "err-org-code").with("value", s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub installation: InstallationId,
    pub code: OrgCode,
    pub kind: OrganisationKind,
    pub name_en: PlaceName,
    pub name_lo: PlaceName,
    /// The province an organisation belongs to, if it is provincial.
    pub province: Option<ProvinceCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub installation: InstallationId,
    pub organisation: OrganisationId,
    pub name_en: PlaceName,
    pub name_lo: PlaceName,
    pub province: Option<ProvinceCode>,
    pub district: Option<DistrictCode>,
}

impl Unit {
    /// A unit's district, when given, must lie in its province, and a
    /// district without a province takes the district's province.
    pub fn place(
        province: Option<ProvinceCode>,
        district: Option<DistrictCode>,
    ) -> Result<(Option<ProvinceCode>, Option<DistrictCode>), FieldError> {
        match (province, district) {
            (Some(p), Some(d)) => d.check_in(p).map(|_| (Some(p), Some(d))),
            (None, Some(d)) => Ok((Some(d.province()), Some(d))),
            (p, None) => Ok((p, None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_codes() {
        assert_eq!(OrgCode::parse(" lcdc ").unwrap().as_str(), "LCDC");
        assert!(OrgCode::parse("CUS-BK").is_ok());
        for bad in ["A", "-AB", "AB-", "A B", "ທດສອບ", "ABCDEFGHIJKLMNOPQRSTU"] {
            assert!(OrgCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(OrganisationKind::parse("army").is_err());
    }

    #[test]
    fn unit_place_rules() {
        let p05 = ProvinceCode::parse("05").ok();
        let d0501 = DistrictCode::parse("0501").ok();
        let d0301 = DistrictCode::parse("0301").ok();
        assert!(Unit::place(p05, d0501).is_ok());
        assert!(Unit::place(p05, d0301).is_err());
        assert_eq!(
            Unit::place(None, d0301).unwrap().0,
            ProvinceCode::parse("03").ok()
        );
    }
}
