//! Organisations and units.

use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, opt_parsed, parsed};
use crate::write::Write;
use dcis_domain::geo::{DistrictCode, PlaceName, ProvinceCode};
use dcis_domain::ids::{OrganisationId, UnitId};
use dcis_domain::org::{OrgCode, Organisation, OrganisationKind, Unit};
use dcis_domain::time::to_millis;
use sqlx::any::AnyRow;

const ORG_COLUMNS: &str = "id, installation_id, code, kind, name_en, name_lo, province_code";
const UNIT_COLUMNS: &str =
    "id, installation_id, organisation_id, name_en, name_lo, province_code, district_code";

fn organisation(row: &AnyRow) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: id(row, "id")?,
        installation: id(row, "installation_id")?,
        code: parsed(row, "code", OrgCode::parse)?,
        kind: parsed(row, "kind", OrganisationKind::parse)?,
        name_en: parsed(row, "name_en", |s| PlaceName::parse("name_en", s))?,
        name_lo: parsed(row, "name_lo", |s| PlaceName::parse("name_lo", s))?,
        province: opt_parsed(row, "province_code", ProvinceCode::parse)?,
    })
}

fn unit(row: &AnyRow) -> Result<Unit, StoreError> {
    Ok(Unit {
        id: id(row, "id")?,
        installation: id(row, "installation_id")?,
        organisation: id(row, "organisation_id")?,
        name_en: parsed(row, "name_en", |s| PlaceName::parse("name_en", s))?,
        name_lo: parsed(row, "name_lo", |s| PlaceName::parse("name_lo", s))?,
        province: opt_parsed(row, "province_code", ProvinceCode::parse)?,
        district: opt_parsed(row, "district_code", DistrictCode::parse)?,
    })
}

impl Store {
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organisation ORDER BY code"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(organisation).collect()
    }

    pub async fn organisation(
        &self,
        oid: OrganisationId,
    ) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organisation WHERE id = $1"
        ))
        .bind(oid.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(organisation).transpose()
    }

    pub async fn organisation_by_code(
        &self,
        code: &OrgCode,
    ) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organisation WHERE code = $1"
        ))
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(organisation).transpose()
    }

    /// Units, of one organisation or all, ordered by organisation and name.
    pub async fn units(&self, of: Option<OrganisationId>) -> Result<Vec<Unit>, StoreError> {
        let rows = match of {
            Some(o) => {
                sqlx::query(&format!(
                    "SELECT {UNIT_COLUMNS} FROM unit WHERE organisation_id = $1 ORDER BY name_en"
                ))
                .bind(o.to_string())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {UNIT_COLUMNS} FROM unit ORDER BY organisation_id, name_en"
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(unit).collect()
    }

    pub async fn unit(&self, uid: UnitId) -> Result<Option<Unit>, StoreError> {
        let row = sqlx::query(&format!("SELECT {UNIT_COLUMNS} FROM unit WHERE id = $1"))
            .bind(uid.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(unit).transpose()
    }
}

impl Write {
    pub async fn insert_organisation(&mut self, o: &Organisation) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO organisation (id, installation_id, code, kind, name_en, name_lo, province_code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(o.id.to_string())
        .bind(o.installation.to_string())
        .bind(o.code.as_str())
        .bind(o.kind.as_str())
        .bind(o.name_en.as_str())
        .bind(o.name_lo.as_str())
        .bind(o.province.map(|p| p.as_str().to_owned()))
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?;
        self.audit_create("organisation", &o.id.to_string(), o)
            .await?;
        Ok(())
    }

    pub async fn update_organisation(
        &mut self,
        before: &Organisation,
        after: &Organisation,
    ) -> Result<(), StoreError> {
        let n = sqlx::query(
            "UPDATE organisation SET code = $2, kind = $3, name_en = $4, name_lo = $5, province_code = $6 WHERE id = $1",
        )
        .bind(after.id.to_string())
        .bind(after.code.as_str())
        .bind(after.kind.as_str())
        .bind(after.name_en.as_str())
        .bind(after.name_lo.as_str())
        .bind(after.province.map(|p| p.as_str().to_owned()))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit_update("organisation", &after.id.to_string(), before, after)
            .await?;
        Ok(())
    }

    pub async fn insert_unit(&mut self, u: &Unit) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO unit (id, installation_id, organisation_id, name_en, name_lo, province_code, district_code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(u.id.to_string())
        .bind(u.installation.to_string())
        .bind(u.organisation.to_string())
        .bind(u.name_en.as_str())
        .bind(u.name_lo.as_str())
        .bind(u.province.map(|p| p.as_str().to_owned()))
        .bind(u.district.map(|d| d.as_str().to_owned()))
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?;
        self.audit_create("unit", &u.id.to_string(), u).await?;
        Ok(())
    }

    pub async fn update_unit(&mut self, before: &Unit, after: &Unit) -> Result<(), StoreError> {
        let n = sqlx::query(
            "UPDATE unit SET name_en = $2, name_lo = $3, province_code = $4, district_code = $5 WHERE id = $1",
        )
        .bind(after.id.to_string())
        .bind(after.name_en.as_str())
        .bind(after.name_lo.as_str())
        .bind(after.province.map(|p| p.as_str().to_owned()))
        .bind(after.district.map(|d| d.as_str().to_owned()))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit_update("unit", &after.id.to_string(), before, after)
            .await?;
        Ok(())
    }
}
