//! Provinces, districts, villages and border crossings.

use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, int, opt_float, opt_parsed, parsed, text};
use crate::write::{snapshot, Write};
use dcis_domain::audit::AuditAction;
use dcis_domain::geo::{
    BorderCrossing, BorderType, Coordinates, CountryCode, District, DistrictCode, IsoSubdivision,
    PlaceName, Province, ProvinceCode, Village,
};
use sqlx::any::AnyRow;

fn province(row: &AnyRow) -> Result<Province, StoreError> {
    Ok(Province {
        code: parsed(row, "code", ProvinceCode::parse)?,
        iso_code: parsed(row, "iso_code", IsoSubdivision::parse)?,
        name_en: text(row, "name_en")?,
        name_lo: text(row, "name_lo")?,
    })
}

fn district(row: &AnyRow) -> Result<District, StoreError> {
    Ok(District {
        code: parsed(row, "code", DistrictCode::parse)?,
        name_en: text(row, "name_en")?,
        name_lo: text(row, "name_lo")?,
    })
}

fn coordinates(row: &AnyRow) -> Result<Option<Coordinates>, StoreError> {
    match (opt_float(row, "latitude")?, opt_float(row, "longitude")?) {
        (Some(lat), Some(lon)) => Coordinates::new(lat, lon)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(e.to_string())),
        _ => Ok(None),
    }
}

fn village(row: &AnyRow) -> Result<Village, StoreError> {
    Ok(Village {
        id: id(row, "id")?,
        installation: id(row, "installation_id")?,
        district: parsed(row, "district_code", DistrictCode::parse)?,
        name_en: parsed(row, "name_en", |s| PlaceName::parse("name_en", s))?,
        name_lo: parsed(row, "name_lo", |s| PlaceName::parse("name_lo", s))?,
        coordinates: coordinates(row)?,
    })
}

fn border_crossing(row: &AnyRow) -> Result<BorderCrossing, StoreError> {
    Ok(BorderCrossing {
        id: id(row, "id")?,
        installation: id(row, "installation_id")?,
        name_en: parsed(row, "name_en", |s| PlaceName::parse("name_en", s))?,
        name_lo: parsed(row, "name_lo", |s| PlaceName::parse("name_lo", s))?,
        province: parsed(row, "province_code", ProvinceCode::parse)?,
        district: opt_parsed(row, "district_code", DistrictCode::parse)?,
        counterpart_country: parsed(row, "counterpart_country", CountryCode::parse)?,
        counterpart_name: text(row, "counterpart_name")?,
        border_type: parsed(row, "border_type", BorderType::parse)?,
        has_blo: int(row, "has_blo")? == 1,
        coordinates: coordinates(row)?,
        notes: text(row, "notes")?,
    })
}

impl Store {
    pub async fn provinces(&self) -> Result<Vec<(Province, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.code, p.iso_code, p.name_en, p.name_lo, \
             (SELECT COUNT(*) FROM district d WHERE d.province_code = p.code) AS districts \
             FROM province p ORDER BY p.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((province(r)?, int(r, "districts")?)))
            .collect()
    }

    pub async fn province(&self, code: ProvinceCode) -> Result<Option<Province>, StoreError> {
        let row =
            sqlx::query("SELECT code, iso_code, name_en, name_lo FROM province WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(province).transpose()
    }

    pub async fn districts(&self, p: ProvinceCode) -> Result<Vec<District>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name_en, name_lo FROM district WHERE province_code = $1 ORDER BY code",
        )
        .bind(p.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(district).collect()
    }

    /// Every district of the country, in code order.
    pub async fn all_districts(&self) -> Result<Vec<District>, StoreError> {
        let rows = sqlx::query("SELECT code, name_en, name_lo FROM district ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(district).collect()
    }

    pub async fn district(&self, code: DistrictCode) -> Result<Option<District>, StoreError> {
        let row = sqlx::query("SELECT code, name_en, name_lo FROM district WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(district).transpose()
    }

    pub async fn villages(&self, d: DistrictCode) -> Result<Vec<Village>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, installation_id, district_code, name_en, name_lo, latitude, longitude \
             FROM village WHERE district_code = $1 ORDER BY name_en",
        )
        .bind(d.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(village).collect()
    }

    pub async fn border_crossings(&self) -> Result<Vec<BorderCrossing>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, installation_id, name_en, name_lo, province_code, district_code, counterpart_country, \
             counterpart_name, border_type, has_blo, latitude, longitude, notes \
             FROM border_crossing ORDER BY province_code, name_en",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(border_crossing).collect()
    }
}

impl Write {
    /// Inserts or updates a province from the reference file. Returns true
    /// when something changed (and was audited); an unchanged row writes
    /// nothing, so loading is idempotent.
    pub async fn upsert_province(&mut self, p: &Province) -> Result<bool, StoreError> {
        let existing =
            sqlx::query("SELECT code, iso_code, name_en, name_lo FROM province WHERE code = $1")
                .bind(p.code.as_str())
                .fetch_optional(self.conn())
                .await?;
        let before = existing.as_ref().map(province).transpose()?;
        if before.as_ref() == Some(p) {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO province (code, iso_code, name_en, name_lo) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (code) DO UPDATE SET iso_code = excluded.iso_code, \
             name_en = excluded.name_en, name_lo = excluded.name_lo",
        )
        .bind(p.code.as_str())
        .bind(p.iso_code.as_str())
        .bind(&p.name_en)
        .bind(&p.name_lo)
        .execute(self.conn())
        .await?;
        let action = if before.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        };
        self.audit(
            action,
            "province",
            p.code.as_str(),
            before.as_ref().map(snapshot),
            Some(snapshot(p)),
        )
        .await?;
        Ok(true)
    }

    pub async fn upsert_district(&mut self, d: &District) -> Result<bool, StoreError> {
        let existing = sqlx::query("SELECT code, name_en, name_lo FROM district WHERE code = $1")
            .bind(d.code.as_str())
            .fetch_optional(self.conn())
            .await?;
        let before = existing.as_ref().map(district).transpose()?;
        if before.as_ref() == Some(d) {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO district (code, province_code, name_en, name_lo) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (code) DO UPDATE SET name_en = excluded.name_en, name_lo = excluded.name_lo",
        )
        .bind(d.code.as_str())
        .bind(d.province().as_str())
        .bind(&d.name_en)
        .bind(&d.name_lo)
        .execute(self.conn())
        .await?;
        let action = if before.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        };
        self.audit(
            action,
            "district",
            d.code.as_str(),
            before.as_ref().map(snapshot),
            Some(snapshot(d)),
        )
        .await?;
        Ok(true)
    }

    pub async fn insert_village(&mut self, v: &Village) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO village (id, installation_id, district_code, name_en, name_lo, latitude, longitude, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(v.id.to_string())
        .bind(v.installation.to_string())
        .bind(v.district.as_str())
        .bind(v.name_en.as_str())
        .bind(v.name_lo.as_str())
        .bind(v.coordinates.map(|c| c.lat()))
        .bind(v.coordinates.map(|c| c.lon()))
        .bind(dcis_domain::time::to_millis(self.at()))
        .execute(self.conn())
        .await?;
        self.audit_create("village", &v.id.to_string(), v).await?;
        Ok(())
    }

    pub async fn insert_border_crossing(&mut self, b: &BorderCrossing) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO border_crossing (id, installation_id, name_en, name_lo, province_code, district_code, \
             counterpart_country, counterpart_name, border_type, has_blo, latitude, longitude, notes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(b.id.to_string())
        .bind(b.installation.to_string())
        .bind(b.name_en.as_str())
        .bind(b.name_lo.as_str())
        .bind(b.province.as_str())
        .bind(b.district.map(|d| d.as_str().to_owned()))
        .bind(b.counterpart_country.as_str())
        .bind(&b.counterpart_name)
        .bind(b.border_type.as_str())
        .bind(i64::from(b.has_blo))
        .bind(b.coordinates.map(|c| c.lat()))
        .bind(b.coordinates.map(|c| c.lon()))
        .bind(&b.notes)
        .bind(dcis_domain::time::to_millis(self.at()))
        .execute(self.conn())
        .await?;
        self.audit_create("border_crossing", &b.id.to_string(), b)
            .await?;
        Ok(())
    }
}
