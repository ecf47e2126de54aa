//! Exact decimal numbers, as people type them.
//!
//! Quantities, purities, weights and money are exact: a [`Decimal`] is an
//! unsigned integer and a count of decimal places (`units × 10^-scale`), so
//! "12.5" is held as 125 and 1 and never becomes 12.499999…. Every unit
//! conversion in the domain is a power of ten (mg → g → kg → t, ml → l,
//! ha → m²), which moves the decimal point without rounding. We chose this
//! small type over a decimal crate because nothing here needs arithmetic
//! beyond scaling by powers of ten, and integers at a fixed scale map
//! directly onto the `BIGINT` columns both storage engines share.
//!
//! # What a number may look like
//!
//! The same rules serve forms, the API and spreadsheet imports:
//!
//! - digits `0`–`9`; Lao digits (໐–໙) and Thai digits (๐–๙) are read as the
//!   same digits;
//! - `.` is the decimal point, with at least one digit on each side
//!   (`12.5`, `0.5`; not `.5` or `12.`);
//! - the whole part may be grouped in thousands with spaces (also no-break
//!   and narrow no-break spaces), as long as every group after the first has
//!   exactly three digits (`1 234 567.5`);
//! - **no comma at all.** In English `1,234` is one thousand two hundred and
//!   thirty-four; in Lao (and Vietnamese) practice the comma is the decimal
//!   separator and `1,234` is one and a bit. A number with a comma is refused
//!   with its own message (`err-number-comma`) instead of being guessed;
//! - no sign and no exponent; a leading `-` is refused as "must be greater
//!   than zero" (`err-positive`) when the rest is a number;
//! - at most [`Decimal::MAX_DECIMALS`] decimal places and a value below
//!   2^64 in its smallest place (about 19 significant digits).

use crate::error::FieldError;
use crate::text::ascii_digit;
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// An exact non-negative decimal number, kept with the number of decimal
/// places it was written with (`12.50` stays `12.50`; it is equal to and
/// hashes like `12.5`).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(into = "String")]
pub struct Decimal {
    units: u64,
    scale: u8,
}

impl Decimal {
    /// The most decimal places accepted in typed input.
    pub const MAX_DECIMALS: u8 = 12;
    /// The most decimal places a value may carry (results of conversions
    /// included). Keeps comparisons within `u128`.
    pub const MAX_SCALE: u8 = 18;

    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    /// Parses a number by the rules in the module documentation. `field`
    /// names the form field in any error.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let shown = s.trim();
        if shown.is_empty() {
            return Err(FieldError::new(field, "err-required"));
        }
        let norm: String = shown
            .chars()
            .map(|c| match c {
                '\u{00A0}' | '\u{202F}' | '\u{2009}' => ' ',
                c => ascii_digit(c),
            })
            .collect();
        if norm.contains(',') {
            return Err(FieldError::new(field, "err-number-comma").with("value", shown));
        }
        if let Some(rest) = norm.strip_prefix('-') {
            return Err(match Self::parse_unsigned(field, rest, shown) {
                Ok(_) => FieldError::new(field, "err-positive"),
                Err(e) => e,
            });
        }
        Self::parse_unsigned(field, &norm, shown)
    }

    fn parse_unsigned(field: &'static str, norm: &str, shown: &str) -> Result<Self, FieldError> {
        let not_a_number = || FieldError::new(field, "err-number").with("value", shown);
        let (whole, frac) = match norm.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (norm, None),
        };
        let mut groups = whole.split(' ');
        let first = groups.next().unwrap_or("");
        let first_ok = !first.is_empty()
            && first.bytes().all(|b| b.is_ascii_digit())
            && (!whole.contains(' ') || first.len() <= 3);
        let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !first_ok || !rest_ok {
            return Err(not_a_number());
        }
        let frac = frac.unwrap_or("");
        if norm.contains('.') && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit())) {
            return Err(not_a_number());
        }
        if frac.len() > usize::from(Self::MAX_DECIMALS) {
            return Err(
                FieldError::new(field, "err-number-decimals").with("max", Self::MAX_DECIMALS)
            );
        }
        let mut units: u64 = 0;
        for b in whole.bytes().filter(u8::is_ascii_digit).chain(frac.bytes()) {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(u64::from(b - b'0')))
                .ok_or_else(|| {
                    FieldError::new(field, "err-number-too-large").with("value", shown)
                })?;
        }
        let scale = u8::try_from(frac.len()).map_err(|_| not_a_number())?;
        Ok(Self { units, scale })
    }

    /// `units × 10^-scale`; `None` when `scale` exceeds [`Self::MAX_SCALE`].
    pub fn from_parts(units: u64, scale: u8) -> Option<Self> {
        (scale <= Self::MAX_SCALE).then_some(Self { units, scale })
    }

    pub fn from_integer(n: u64) -> Self {
        Self { units: n, scale: 0 }
    }

    /// The digits without the decimal point (`12.50` → 1250).
    pub fn units(&self) -> u64 {
        self.units
    }

    /// The number of decimal places as written (`12.50` → 2).
    pub fn scale(&self) -> u8 {
        self.scale
    }

    pub fn is_zero(&self) -> bool {
        self.units == 0
    }

    /// The same value without trailing zeros after the point (`12.50` →
    /// `12.5`, `3.0` → `3`).
    pub fn trimmed(&self) -> Self {
        let mut d = *self;
        while d.scale > 0 {
            let (quotient, remainder) = (d.units / 10, d.units % 10);
            if remainder != 0 {
                break;
            }
            d.units = quotient;
            d.scale -= 1;
        }
        d
    }

    /// How many decimal places the value needs to be written exactly
    /// (`12.50` → 1).
    pub fn significant_decimals(&self) -> u8 {
        self.trimmed().scale
    }

    /// The value as a whole number of `10^-scale` steps (`12.5` at scale 3
    /// is 12 500), or `None` if that would lose digits or not fit in `u64`.
    pub fn to_scaled(&self, scale: u8) -> Option<u64> {
        if scale >= self.scale {
            let factor = 10u64.checked_pow(u32::from(scale - self.scale))?;
            self.units.checked_mul(factor)
        } else {
            let divisor = 10u64.checked_pow(u32::from(self.scale - scale))?;
            let (quotient, remainder) = (self.units / divisor, self.units % divisor);
            (remainder == 0).then_some(quotient)
        }
    }

    /// The value as a whole number, if it is one.
    pub fn to_integer(&self) -> Option<u64> {
        self.to_scaled(0)
    }

    fn cmp_value(&self, other: &Self) -> Ordering {
        let s = self.scale.max(other.scale);
        let widen = |d: &Self| {
            let factor = 10u128.pow(u32::from(s - d.scale));
            u128::from(d.units) * factor
        };
        widen(self).cmp(&widen(other))
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp_value(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_value(other)
    }
}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let t = self.trimmed();
        t.units.hash(state);
        t.scale.hash(state);
    }
}

impl fmt::Display for Decimal {
    /// Writes the number with a `.` decimal point and as many decimal places
    /// as it was written with, without grouping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.units.to_string();
        let scale = usize::from(self.scale);
        if scale == 0 {
            return f.write_str(&digits);
        }
        let padded = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
        } else {
            digits
        };
        let (whole, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{whole}.{frac}")
    }
}

impl From<Decimal> for String {
    fn from(d: Decimal) -> String {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, &str>) {
        let got = Decimal::parse("n", input)
            .map(|d| d.to_string())
            .map_err(|e| e.key);
        assert_eq!(got, expected.map(str::to_owned), "{input:?}");
    }

    #[test]
    fn accepted_and_refused_numbers() {
        let table: &[(&str, Result<&str, &str>)] = &[
            ("12.5", Ok("12.5")),
            (" 12.50 ", Ok("12.50")),
            ("0", Ok("0")),
            ("007", Ok("7")),
            ("0.000001", Ok("0.000001")),
            ("1 234 567.5", Ok("1234567.5")),
            ("1\u{00A0}234", Ok("1234")),
            ("1\u{202F}234", Ok("1234")),
            ("໑໒.໕", Ok("12.5")),
            ("๑๐๐", Ok("100")),
            ("18446744073709551615", Ok("18446744073709551615")),
            ("", Err("err-required")),
            ("   ", Err("err-required")),
            ("1,5", Err("err-number-comma")),
            ("1,234.5", Err("err-number-comma")),
            ("1.234,5", Err("err-number-comma")),
            ("-3", Err("err-positive")),
            ("-x", Err("err-number")),
            ("+3", Err("err-number")),
            (".5", Err("err-number")),
            ("5.", Err("err-number")),
            ("1.2.3", Err("err-number")),
            ("1e3", Err("err-number")),
            ("12 5", Err("err-number")),
            ("1234 567", Err("err-number")),
            ("1 23", Err("err-number")),
            ("1 234.5 6", Err("err-number")),
            ("1  234", Err("err-number")),
            ("abc", Err("err-number")),
            ("NaN", Err("err-number")),
            ("1.0000000000001", Err("err-number-decimals")),
            ("18446744073709551616", Err("err-number-too-large")),
        ];
        for (input, expected) in table {
            check(input, *expected);
        }
        assert_eq!(Decimal::parse("purity", ",").unwrap_err().field, "purity");
    }

    #[test]
    fn value_semantics() {
        let a = Decimal::parse("n", "12.50").unwrap();
        let b = Decimal::parse("n", "12.5").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.scale(), 2);
        assert_eq!(a.significant_decimals(), 1);
        assert_eq!(a.trimmed().to_string(), "12.5");
        assert!(Decimal::parse("n", "9.99").unwrap() < b);
        assert_eq!(b.to_scaled(3), Some(12_500));
        assert_eq!(b.to_scaled(0), None);
        assert_eq!(Decimal::parse("n", "3.00").unwrap().to_integer(), Some(3));
        assert_eq!(Decimal::from_parts(5, 3).unwrap().to_string(), "0.005");
        assert!(Decimal::from_parts(5, 19).is_none());
        assert_eq!(Decimal::from_integer(u64::MAX).to_scaled(1), None);
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"12.50\"");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = Decimal::parse("n", &s);
        }

        #[test]
        fn display_parses_back(units in any::<u64>(), scale in 0u8..=12) {
            let d = Decimal::from_parts(units, scale).unwrap();
            let back = Decimal::parse("n", &d.to_string()).unwrap();
            prop_assert_eq!(back.units(), units);
            prop_assert_eq!(back.scale(), scale);
        }

        #[test]
        fn order_matches_scaled_integers(a in 0u64..1_000_000_000, sa in 0u8..6, b in 0u64..1_000_000_000, sb in 0u8..6) {
            let x = Decimal::from_parts(a, sa).unwrap();
            let y = Decimal::from_parts(b, sb).unwrap();
            let xs = x.to_scaled(6).unwrap();
            let ys = y.to_scaled(6).unwrap();
            prop_assert_eq!(x.cmp(&y), xs.cmp(&ys));
        }
    }
}
