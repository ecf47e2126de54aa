//! The geography: loading the reference files, and what administrators add
//! (villages, border crossings).

use crate::error::AppError;
use crate::App;
use dcis_domain::geo::{
    BorderCrossing, BorderType, Coordinates, CountryCode, District, DistrictCode, IsoSubdivision,
    PlaceName, Province, ProvinceCode, Village,
};
use dcis_domain::ids::{BorderCrossingId, VillageId};
use dcis_domain::role::Permission;
use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::Actor;
use std::collections::HashMap;

/// The reference files shipped in the binary (copied from the project's
/// shared reference data; sources in `data/reference/SOURCES.md`).
pub const PROVINCES_CSV: &str = include_str!("../../../data/reference/provinces.csv");
pub const DISTRICTS_CSV: &str = include_str!("../../../data/reference/districts.csv");
pub const BLO_CSV: &str = include_str!("../../../data/reference/blo_locations.csv");

/// What a load changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub provinces: usize,
    pub districts: usize,
    pub changed: usize,
}

fn records(src: &str) -> Result<Vec<HashMap<String, String>>, String> {
    let mut rdr = csv::Reader::from_reader(src.as_bytes());
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("row {}: {e}", i + 2))?;
        out.push(
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect(),
        );
    }
    Ok(out)
}

fn field<'a>(r: &'a HashMap<String, String>, name: &str) -> &'a str {
    r.get(name).map(String::as_str).unwrap_or("")
}

/// Parses the reference files into provinces and districts.
pub fn parse_reference(
    provinces_csv: &str,
    districts_csv: &str,
) -> Result<(Vec<Province>, Vec<District>), String> {
    let mut provinces = Vec::new();
    for (i, r) in records(provinces_csv)?.iter().enumerate() {
        let row = i + 2;
        let code = ProvinceCode::parse(field(r, "province_code"))
            .map_err(|e| format!("provinces.csv row {row}: {e}"))?;
        let iso = IsoSubdivision::parse(field(r, "iso_3166_2"))
            .map_err(|e| format!("provinces.csv row {row}: {e}"))?;
        provinces.push(Province {
            code,
            iso_code: iso,
            name_en: field(r, "name_en").trim().to_owned(),
            name_lo: field(r, "name_lo").trim().to_owned(),
        });
    }
    let mut districts = Vec::new();
    for (i, r) in records(districts_csv)?.iter().enumerate() {
        let row = i + 2;
        let code = DistrictCode::parse(field(r, "district_code"))
            .map_err(|e| format!("districts.csv row {row}: {e}"))?;
        let province = ProvinceCode::parse(field(r, "province_code"))
            .map_err(|e| format!("districts.csv row {row}: {e}"))?;
        code.check_in(province)
            .map_err(|e| format!("districts.csv row {row}: {e}"))?;
        if !provinces.iter().any(|p| p.code == province) {
            return Err(format!(
                "districts.csv row {row}: unknown province {province}"
            ));
        }
        districts.push(District {
            code,
            name_en: field(r, "name_en").trim().to_owned(),
            name_lo: field(r, "name_lo").trim().to_owned(),
        });
    }
    Ok((provinces, districts))
}

#[derive(Debug, Clone, Default)]
pub struct VillageInput {
    pub district: String,
    pub name_en: String,
    pub name_lo: String,
    pub latitude: String,
    pub longitude: String,
}

#[derive(Debug, Clone, Default)]
pub struct BorderCrossingInput {
    pub name_en: String,
    pub name_lo: String,
    pub province: String,
    pub district: String,
    pub counterpart_country: String,
    pub counterpart_name: String,
    pub border_type: String,
    pub has_blo: bool,
    pub latitude: String,
    pub longitude: String,
    pub notes: String,
}

fn coordinates(lat: &str, lon: &str, e: &mut FieldErrors) -> Option<Option<Coordinates>> {
    match (lat.trim().is_empty(), lon.trim().is_empty()) {
        (true, true) => Some(None),
        (false, false) => {
            let c =
                e.take(Coordinates::parse(lat, lon).and_then(|c| c.check_in_lao_pdr().map(|_| c)))?;
            Some(Some(c))
        }
        (true, false) => {
            e.push(FieldError::new("latitude", "err-required"));
            None
        }
        (false, true) => {
            e.push(FieldError::new("longitude", "err-required"));
            None
        }
    }
}

impl App {
    /// Loads the reference geography. Idempotent: rows that are already as
    /// in the files are left alone and write nothing.
    pub async fn load_reference_geography(&self) -> Result<LoadReport, AppError> {
        let (provinces, districts) =
            parse_reference(PROVINCES_CSV, DISTRICTS_CSV).map_err(AppError::Internal)?;
        let mut w = self.write_as_system().await?;
        let mut changed = 0;
        for p in &provinces {
            changed += usize::from(w.upsert_province(p).await?);
        }
        for d in &districts {
            changed += usize::from(w.upsert_district(d).await?);
        }
        w.commit().await?;
        Ok(LoadReport {
            provinces: provinces.len(),
            districts: districts.len(),
            changed,
        })
    }

    pub async fn add_village(
        &self,
        actor: &Actor,
        input: &VillageInput,
    ) -> Result<Village, AppError> {
        actor.require(Permission::ManageGeography)?;
        let mut e = FieldErrors::new();
        let district = e.take(DistrictCode::parse(&input.district));
        let name_en = e.take(PlaceName::parse("name_en", &input.name_en));
        let name_lo = e.take(PlaceName::parse("name_lo", &input.name_lo));
        let coords = coordinates(&input.latitude, &input.longitude, &mut e);
        let (Some(district), Some(name_en), Some(name_lo), Some(coordinates)) =
            (district, name_en, name_lo, coords)
        else {
            return Err(e.into());
        };
        e.into_result()?;
        if self.store.district(district).await?.is_none() {
            return Err(FieldError::new("district", "err-district-unknown")
                .with("value", district.as_str())
                .into());
        }
        if let Some(p) = district_province_scope_violation(actor, district) {
            return Err(p);
        }
        let v = Village {
            id: VillageId::from_uuid(self.new_uuid()),
            installation: self.installation,
            district,
            name_en,
            name_lo,
            coordinates,
        };
        let mut w = self.write_as(actor).await?;
        w.insert_village(&v)
            .await
            .map_err(AppError::duplicate_as("name_en", "err-village-taken"))?;
        w.commit().await?;
        Ok(v)
    }

    pub async fn add_border_crossing(
        &self,
        actor: Option<&Actor>,
        input: &BorderCrossingInput,
    ) -> Result<BorderCrossing, AppError> {
        if let Some(a) = actor {
            a.require(Permission::ManageGeography)?;
        }
        let mut e = FieldErrors::new();
        let name_en = e.take(PlaceName::parse("name_en", &input.name_en));
        let name_lo = e.take(PlaceName::parse("name_lo", &input.name_lo));
        let province = e.take(ProvinceCode::parse(&input.province));
        let district = if input.district.trim().is_empty() {
            Some(None)
        } else {
            e.take(DistrictCode::parse(&input.district)).map(Some)
        };
        let country = e.take(
            CountryCode::parse(&input.counterpart_country).map_err(|err| FieldError {
                field: "counterpart_country",
                ..err
            }),
        );
        let border_type = e.take(BorderType::parse(&input.border_type));
        let coords = coordinates(&input.latitude, &input.longitude, &mut e);
        if let (Some(p), Some(Some(d))) = (province, district) {
            e.take(d.check_in(p));
        }
        if country.is_some_and(|c| c.as_str() == "LA") {
            e.push(FieldError::new(
                "counterpart_country",
                "err-counterpart-is-lao",
            ));
        }
        let (
            Some(name_en),
            Some(name_lo),
            Some(province),
            Some(district),
            Some(country),
            Some(border_type),
            Some(coordinates),
        ) = (
            name_en,
            name_lo,
            province,
            district,
            country,
            border_type,
            coords,
        )
        else {
            return Err(e.into());
        };
        e.into_result()?;
        self.check_province_exists(province).await?;
        if let Some(d) = district {
            if self.store.district(d).await?.is_none() {
                return Err(FieldError::new("district", "err-district-unknown")
                    .with("value", d.as_str())
                    .into());
            }
        }
        if let Some(a) = actor {
            if !a.scope.covers(province) {
                return Err(dcis_policy::Denied::OutsideScope.into());
            }
        }
        let b = BorderCrossing {
            id: BorderCrossingId::from_uuid(self.new_uuid()),
            installation: self.installation,
            name_en,
            name_lo,
            province,
            district,
            counterpart_country: country,
            counterpart_name: input.counterpart_name.trim().to_owned(),
            border_type,
            has_blo: input.has_blo,
            coordinates,
            notes: input.notes.trim().to_owned(),
        };
        let mut w = match actor {
            Some(a) => self.write_as(a).await?,
            None => self.write_as_system().await?,
        };
        w.insert_border_crossing(&b)
            .await
            .map_err(AppError::duplicate_as("name_en", "err-crossing-taken"))?;
        w.commit().await?;
        Ok(b)
    }

    async fn check_province_exists(&self, p: ProvinceCode) -> Result<(), AppError> {
        if self.store.province(p).await?.is_none() {
            return Err(FieldError::new("province", "err-province-unknown")
                .with("value", p.as_str())
                .into());
        }
        Ok(())
    }

    /// Seeds the Border Liaison Offices of the reference file as border
    /// crossings (the demo does this). Returns how many were added.
    pub async fn seed_border_liaison_offices(&self) -> Result<usize, AppError> {
        let provinces = self.store.provinces().await?;
        let existing: Vec<String> = self
            .store
            .border_crossings()
            .await?
            .into_iter()
            .map(|b| b.name_en.as_str().to_owned())
            .collect();
        let mut added = 0;
        for r in records(BLO_CSV).map_err(AppError::Internal)? {
            let name = field(&r, "blo_label_in_source").trim().to_owned();
            if existing.contains(&name) {
                continue;
            }
            let iso = field(&r, "lao_province_iso");
            let Some((p, _)) = provinces.iter().find(|(p, _)| p.iso_code.as_str() == iso) else {
                continue;
            };
            // "Namtha (0301)" carries the district code in parentheses.
            let district = field(&r, "lao_district_inferred")
                .rsplit_once('(')
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .filter(|c| DistrictCode::parse(c).is_ok())
                .unwrap_or("")
                .to_owned();
            let country = field(&r, "counterpart_country")
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned();
            let border_type = if field(&r, "border_type").contains("river") {
                "river"
            } else {
                "land"
            };
            let notes = format!(
                "Seeded from blo_locations.csv (2009 map; pairing confidence: {}). {}",
                field(&r, "pairing_confidence"),
                field(&r, "notes")
            );
            let input = BorderCrossingInput {
                name_en: name.clone(),
                // The reference file has no Lao names; the English label
                // stands until an administrator enters the Lao one.
                name_lo: name,
                province: p.code.as_str().to_owned(),
                district,
                counterpart_country: country,
                counterpart_name: field(&r, "counterpart_label_in_source").to_owned(),
                border_type: border_type.to_owned(),
                has_blo: true,
                latitude: String::new(),
                longitude: String::new(),
                notes: notes.trim().to_owned(),
            };
            self.add_border_crossing(None, &input).await?;
            added += 1;
        }
        Ok(added)
    }
}

fn district_province_scope_violation(actor: &Actor, d: DistrictCode) -> Option<AppError> {
    if actor.scope.covers(d.province()) {
        None
    } else {
        Some(dcis_policy::Denied::OutsideScope.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_files_parse_completely() {
        let (p, d) = parse_reference(PROVINCES_CSV, DISTRICTS_CSV).unwrap();
        assert_eq!(p.len(), 18);
        assert_eq!(d.len(), 148);
        // Each province's district count matches the file's own column,
        // which was computed independently when the data were compiled.
        for r in records(PROVINCES_CSV).unwrap() {
            let code = field(&r, "province_code");
            let expected: usize = field(&r, "district_count").parse().unwrap();
            let got = d
                .iter()
                .filter(|x| x.code.province().as_str() == code)
                .count();
            assert_eq!(got, expected, "province {code}");
        }
        assert!(p.iter().any(|x| x.iso_code.as_str() == "LA-XS"));
    }

    #[test]
    fn bad_reference_rows_are_named() {
        let bad = "district_code,province_code,name_en,name_lo\n0301,05,X,Y\n";
        let err = parse_reference(PROVINCES_CSV, bad).unwrap_err();
        assert!(err.contains("row 2"), "{err}");
    }
}
