//! Organisations and units: the one write path for them.

use crate::error::AppError;
use crate::App;
use dcis_domain::geo::{DistrictCode, PlaceName, ProvinceCode};
use dcis_domain::ids::{OrganisationId, UnitId};
use dcis_domain::org::{OrgCode, Organisation, OrganisationKind, Unit};
use dcis_domain::role::Permission;
use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::Actor;

#[derive(Debug, Clone, Default)]
pub struct OrganisationInput {
    pub code: String,
    pub kind: String,
    pub name_en: String,
    pub name_lo: String,
    /// Empty for a national body.
    pub province: String,
}

#[derive(Debug, Clone, Default)]
pub struct UnitInput {
    pub organisation: String,
    pub name_en: String,
    pub name_lo: String,
    pub province: String,
    pub district: String,
}

/// A unit's fields once parsed: organisation, names, province, district.
type ParsedUnit = (
    OrganisationId,
    PlaceName,
    PlaceName,
    Option<ProvinceCode>,
    Option<DistrictCode>,
);

/// An organisation's fields once parsed: code, kind, names, province.
type ParsedOrganisation = (
    OrgCode,
    OrganisationKind,
    PlaceName,
    PlaceName,
    Option<ProvinceCode>,
);

fn optional<T>(
    s: &str,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse(s).map(Some)
    }
}

impl App {
    async fn check_province(&self, p: Option<ProvinceCode>) -> Result<(), AppError> {
        if let Some(p) = p {
            if self.store.province(p).await?.is_none() {
                return Err(FieldError::new("province", "err-province-unknown")
                    .with("value", p.as_str())
                    .into());
            }
        }
        Ok(())
    }

    async fn check_district(&self, d: Option<DistrictCode>) -> Result<(), AppError> {
        if let Some(d) = d {
            if self.store.district(d).await?.is_none() {
                return Err(FieldError::new("district", "err-district-unknown")
                    .with("value", d.as_str())
                    .into());
            }
        }
        Ok(())
    }

    fn parse_organisation(
        &self,
        input: &OrganisationInput,
    ) -> Result<ParsedOrganisation, AppError> {
        let mut e = FieldErrors::new();
        let code = e.take(OrgCode::parse(&input.code));
        let kind = e.take(OrganisationKind::parse(&input.kind));
        let name_en = e.take(PlaceName::parse("name_en", &input.name_en));
        let name_lo = e.take(PlaceName::parse("name_lo", &input.name_lo));
        let province = e.take(optional(&input.province, ProvinceCode::parse));
        match (code, kind, name_en, name_lo, province) {
            (Some(c), Some(k), Some(en), Some(lo), Some(p)) if e.is_empty() => {
                Ok((c, k, en, lo, p))
            }
            _ => Err(e.into()),
        }
    }

    pub async fn create_organisation(
        &self,
        actor: Option<&Actor>,
        input: &OrganisationInput,
    ) -> Result<Organisation, AppError> {
        if let Some(a) = actor {
            a.require(Permission::ManageOrganisations)?;
        }
        let (code, kind, name_en, name_lo, province) = self.parse_organisation(input)?;
        self.check_province(province).await?;
        let org = Organisation {
            id: OrganisationId::from_uuid(self.new_uuid()),
            installation: self.installation,
            code,
            kind,
            name_en,
            name_lo,
            province,
        };
        let mut w = match actor {
            Some(a) => self.write_as(a).await?,
            None => self.write_as_system().await?,
        };
        w.insert_organisation(&org)
            .await
            .map_err(AppError::duplicate_as("code", "err-org-code-taken"))?;
        w.commit().await?;
        Ok(org)
    }

    pub async fn update_organisation(
        &self,
        actor: &Actor,
        id: OrganisationId,
        input: &OrganisationInput,
    ) -> Result<Organisation, AppError> {
        actor.require(Permission::ManageOrganisations)?;
        let before = self
            .store
            .organisation(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (code, kind, name_en, name_lo, province) = self.parse_organisation(input)?;
        self.check_province(province).await?;
        let after = Organisation {
            code,
            kind,
            name_en,
            name_lo,
            province,
            ..before.clone()
        };
        if after == before {
            return Ok(after);
        }
        let mut w = self.write_as(actor).await?;
        w.update_organisation(&before, &after)
            .await
            .map_err(AppError::duplicate_as("code", "err-org-code-taken"))?;
        w.commit().await?;
        Ok(after)
    }

    fn parse_unit(&self, input: &UnitInput) -> Result<ParsedUnit, AppError> {
        let mut e = FieldErrors::new();
        let org = e.take(
            input
                .organisation
                .trim()
                .parse::<OrganisationId>()
                .map_err(|_| FieldError::new("organisation", "err-organisation-unknown")),
        );
        let name_en = e.take(PlaceName::parse("name_en", &input.name_en));
        let name_lo = e.take(PlaceName::parse("name_lo", &input.name_lo));
        let province = e.take(optional(&input.province, ProvinceCode::parse));
        let district = e.take(optional(&input.district, DistrictCode::parse));
        let place = match (province, district) {
            (Some(p), Some(d)) => e.take(Unit::place(p, d)),
            _ => None,
        };
        match (org, name_en, name_lo, place) {
            (Some(o), Some(en), Some(lo), Some((p, d))) if e.is_empty() => Ok((o, en, lo, p, d)),
            _ => Err(e.into()),
        }
    }

    pub async fn create_unit(
        &self,
        actor: Option<&Actor>,
        input: &UnitInput,
    ) -> Result<Unit, AppError> {
        if let Some(a) = actor {
            a.require(Permission::ManageOrganisations)?;
        }
        let (organisation, name_en, name_lo, province, district) = self.parse_unit(input)?;
        if self.store.organisation(organisation).await?.is_none() {
            return Err(FieldError::new("organisation", "err-organisation-unknown").into());
        }
        self.check_province(province).await?;
        self.check_district(district).await?;
        let unit = Unit {
            id: UnitId::from_uuid(self.new_uuid()),
            installation: self.installation,
            organisation,
            name_en,
            name_lo,
            province,
            district,
        };
        let mut w = match actor {
            Some(a) => self.write_as(a).await?,
            None => self.write_as_system().await?,
        };
        w.insert_unit(&unit)
            .await
            .map_err(AppError::duplicate_as("name_en", "err-unit-name-taken"))?;
        w.commit().await?;
        Ok(unit)
    }

    pub async fn update_unit(
        &self,
        actor: &Actor,
        id: UnitId,
        input: &UnitInput,
    ) -> Result<Unit, AppError> {
        actor.require(Permission::ManageOrganisations)?;
        let before = self.store.unit(id).await?.ok_or(AppError::NotFound)?;
        let (_, name_en, name_lo, province, district) = self.parse_unit(&UnitInput {
            organisation: before.organisation.to_string(),
            ..input.clone()
        })?;
        self.check_province(province).await?;
        self.check_district(district).await?;
        let after = Unit {
            name_en,
            name_lo,
            province,
            district,
            ..before.clone()
        };
        if after == before {
            return Ok(after);
        }
        let mut w = self.write_as(actor).await?;
        w.update_unit(&before, &after)
            .await
            .map_err(AppError::duplicate_as("name_en", "err-unit-name-taken"))?;
        w.commit().await?;
        Ok(after)
    }
}
