//! The country's geography: province → district → village, and border
//! crossings. Province codes (PP) and district codes (PPDD) are the stable
//! keys; the ISO 3166-2 code is carried beside the province.

use crate::error::FieldError;
use crate::ids::{BorderCrossingId, InstallationId, VillageId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A two-digit province code, `01` to `99` (Lao PDR uses 01–18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProvinceCode([u8; 2]);

impl ProvinceCode {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_digit) || s == "00" {
            return Err(FieldError::new("province", "err-province-code").with("value", s));
        }
        Ok(Self([b[0], b[1]]))
    }

    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII digits by construction.
        std::str::from_utf8(&self.0).unwrap_or("00")
    }
}

impl fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for ProvinceCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ProvinceCode> for String {
    fn from(p: ProvinceCode) -> String {
        p.as_str().to_owned()
    }
}

/// A four-digit district code `PPDD` whose first two digits are its province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DistrictCode([u8; 4]);

impl DistrictCode {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 4 || !b.iter().all(u8::is_ascii_digit) || &s[..2] == "00" || &s[2..] == "00" {
            return Err(FieldError::new("district", "err-district-code").with("value", s));
        }
        Ok(Self([b[0], b[1], b[2], b[3]]))
    }

    pub fn province(&self) -> ProvinceCode {
        ProvinceCode([self.0[0], self.0[1]])
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("0000")
    }

    /// Checks that this district lies in `province`.
    pub fn check_in(&self, province: ProvinceCode) -> Result<(), FieldError> {
        if self.province() == province {
            Ok(())
        } else {
            Err(FieldError::new("district", "err-district-outside-province")
                .with("district", self.as_str())
                .with("province", province.as_str()))
        }
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for DistrictCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DistrictCode> for String {
    fn from(p: DistrictCode) -> String {
        p.as_str().to_owned()
    }
}

/// An ISO 3166-2 subdivision code of Lao PDR, such as `LA-VT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IsoSubdivision(String);

impl IsoSubdivision {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        let ok =
            s.len() == 5 && s.starts_with("LA-") && s[3..].bytes().all(|c| c.is_ascii_uppercase());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(FieldError::new("iso_code", "err-iso-code").with("value", s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code (`LA`, `TH`, `CN`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let b = s.trim().as_bytes();
        if b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic) {
            Ok(Self([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]))
        } else {
            Err(FieldError::new("country", "err-country-code").with("value", s.trim()))
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
}

/// A name that must not be empty, in English or Lao.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceName(String);

impl PlaceName {
    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "err-required"));
        }
        if s.chars().count() > 200 {
            return Err(FieldError::new(field, "err-too-long").with("max", 200));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new(field, "err-control-chars"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A point in WGS 84. Parsing rejects values outside the globe; callers
/// that know the area (Lao PDR lies within 13.9–22.6 N, 100.0–107.7 E) may
/// check more with [`Coordinates::check_in_lao_pdr`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coordinates {
    lat: f64,
    lon: f64,
}

impl Coordinates {
    pub fn parse(lat: &str, lon: &str) -> Result<Self, FieldError> {
        let lat_v: f64 = lat
            .trim()
            .parse()
            .map_err(|_| FieldError::new("latitude", "err-number").with("value", lat.trim()))?;
        let lon_v: f64 = lon
            .trim()
            .parse()
            .map_err(|_| FieldError::new("longitude", "err-number").with("value", lon.trim()))?;
        Self::new(lat_v, lon_v)
    }

    pub fn new(lat: f64, lon: f64) -> Result<Self, FieldError> {
        if !(-90.0..=90.0).contains(&lat) || !lat.is_finite() {
            return Err(FieldError::new("latitude", "err-latitude"));
        }
        if !(-180.0..=180.0).contains(&lon) || !lon.is_finite() {
            return Err(FieldError::new("longitude", "err-longitude"));
        }
        Ok(Self { lat, lon })
    }

    pub fn check_in_lao_pdr(&self) -> Result<(), FieldError> {
        if (13.5..=23.0).contains(&self.lat) && (99.8..=108.0).contains(&self.lon) {
            Ok(())
        } else {
            Err(FieldError::new("latitude", "err-outside-country"))
        }
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Province {
    pub code: ProvinceCode,
    pub iso_code: IsoSubdivision,
    pub name_en: String,
    pub name_lo: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct District {
    pub code: DistrictCode,
    pub name_en: String,
    pub name_lo: String,
}

impl District {
    pub fn province(&self) -> ProvinceCode {
        self.code.province()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Village {
    pub id: VillageId,
    pub installation: InstallationId,
    pub district: DistrictCode,
    pub name_en: PlaceName,
    pub name_lo: PlaceName,
    pub coordinates: Option<Coordinates>,
}

/// How goods and people cross at a border crossing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BorderType {
    Land,
    River,
    Air,
}

impl BorderType {
    pub const ALL: [BorderType; 3] = [Self::Land, Self::River, Self::Air];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Land => "land",
            Self::River => "river",
            Self::Air => "air",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| FieldError::new("border_type", "err-choice").with("value", s.trim()))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BorderCrossing {
    pub id: BorderCrossingId,
    pub installation: InstallationId,
    pub name_en: PlaceName,
    pub name_lo: PlaceName,
    pub province: ProvinceCode,
    /// Not always known: some crossings are recorded only by province.
    pub district: Option<DistrictCode>,
    pub counterpart_country: CountryCode,
    pub counterpart_name: String,
    pub border_type: BorderType,
    pub has_blo: bool,
    pub coordinates: Option<Coordinates>,
    pub notes: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn province_codes() {
        for (input, ok) in [
            ("01", true),
            ("18", true),
            (" 05 ", true),
            ("00", false),
            ("1", false),
            ("001", false),
            ("a1", false),
            ("", false),
        ] {
            assert_eq!(ProvinceCode::parse(input).is_ok(), ok, "{input:?}");
        }
    }

    #[test]
    fn district_codes_belong_to_their_province() {
        let d = DistrictCode::parse("0501").unwrap();
        assert_eq!(d.province().as_str(), "05");
        assert!(d.check_in(ProvinceCode::parse("05").unwrap()).is_ok());
        let e = d.check_in(ProvinceCode::parse("03").unwrap()).unwrap_err();
        assert_eq!(e.key, "err-district-outside-province");
        for bad in ["050", "0500", "0001", "05a1", "05011"] {
            assert!(DistrictCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iso_and_country_codes() {
        assert!(IsoSubdivision::parse("LA-VT").is_ok());
        assert!(IsoSubdivision::parse("LA-vt").is_err());
        assert!(IsoSubdivision::parse("TH-10").is_err());
        assert_eq!(CountryCode::parse("th").unwrap().as_str(), "TH");
        assert!(CountryCode::parse("THA").is_err());
    }

    #[test]
    fn coordinates() {
        assert!(Coordinates::parse("20.27", "100.41")
            .unwrap()
            .check_in_lao_pdr()
            .is_ok());
        assert!(Coordinates::parse("91", "100").is_err());
        assert!(Coordinates::parse("x", "100").is_err());
        assert!(Coordinates::parse("NaN", "100").is_err());
        assert!(Coordinates::parse("48.8", "2.3")
            .unwrap()
            .check_in_lao_pdr()
            .is_err());
    }

    #[test]
    fn place_names() {
        assert!(PlaceName::parse("name", "  ").is_err());
        assert_eq!(PlaceName::parse("name", " ບ້ານ ").unwrap().as_str(), "ບ້ານ");
        assert!(PlaceName::parse("name", "a\u{0}b").is_err());
    }
}
