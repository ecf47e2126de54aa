//! Things that link cases and people: phone numbers, vehicles, bank
//! accounts, and cash and other assets seized or frozen.
//!
//! Each identifier has a normalised form for matching (`+8562055551234`,
//! `KT1234`, `0101234567890`) beside what is shown, so that the same phone,
//! plate or account recorded by two agencies in two styles is one value.

use crate::closed_list::closed_list;
use crate::error::{FieldError, FieldErrors};
use crate::geo::CountryCode;
use crate::money::{parse_optional_money, Money};
use crate::text::{ascii_digit, collapse_whitespace, non_blank, optional_single_line, refield};
use serde::Serialize;
use std::fmt;

/// An international calling code, 1–3 digits not starting with 0 (`856`
/// for Lao PDR, `66` Thailand, `84` Viet Nam, `86` China, `95` Myanmar,
/// `855` Cambodia).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CallingCode(u16);

impl CallingCode {
    pub const LAO_PDR: CallingCode = CallingCode(856);

    /// Parses `856` or `+856`.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        let digits = t.strip_prefix('+').unwrap_or(t);
        let ok = (1..=3).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        match digits.parse::<u16>() {
            Ok(n) if ok => Ok(Self(n)),
            _ => Err(FieldError::new("calling_code", "err-calling-code").with("value", t)),
        }
    }

    pub fn get(&self) -> u16 {
        self.0
    }
}

/// Calling codes of countries whose national numbers never start with the
/// trunk prefix 0 after the country code: a `0` typed there
/// (`+856 020 5555 1234`) is dropped. Limited to the Mekong countries,
/// where the habit is common; elsewhere (Italy keeps its 0) nothing is
/// dropped.
const TRUNK_ZERO_DROPPED: [&str; 6] = ["856", "66", "84", "86", "95", "855"];

/// A phone number in E.164 form: `+` and 8 to 15 digits, the country code
/// first (`+8562055551234`).
///
/// Input may use spaces, hyphens, dots and parentheses, and Lao or Thai
/// digits. It is read as:
///
/// - `+…` or `00…`: international, the country code first;
/// - `0…`: national, in the country of the default calling code given by
///   the caller (Lao PDR: `020 5555 1234` → `+8562055551234`); the leading
///   0 (trunk prefix) is dropped;
/// - anything else is refused (`err-phone-prefix`) rather than guessed:
///   `2055551234` could be national without its 0 or international without
///   its `+`.
///
/// `(0)` written after a country code (`+856 (0)20…`) is ignored, and so is
/// one trunk 0 after the calling codes of the Mekong countries (856, 66,
/// 84, 86, 95, 855).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub const MIN_DIGITS: usize = 8;
    pub const MAX_DIGITS: usize = 15;

    pub fn parse(s: &str, default: CallingCode) -> Result<Self, FieldError> {
        let shown = s.trim();
        if shown.is_empty() {
            return Err(FieldError::new("phone", "err-required"));
        }
        let bad = || FieldError::new("phone", "err-phone").with("value", shown);
        let t = shown.replace("(0)", "");
        let mut plus = false;
        let mut digits = String::new();
        for (i, c) in t.trim().chars().enumerate() {
            match ascii_digit(c) {
                '+' if i == 0 => plus = true,
                d @ '0'..='9' => digits.push(d),
                ' ' | '-' | '.' | '(' | ')' | '\u{00A0}' => {}
                _ => return Err(bad()),
            }
        }
        let mut international = if plus {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if let Some(rest) = digits.strip_prefix('0') {
            format!("{}{rest}", default.0)
        } else {
            return Err(FieldError::new("phone", "err-phone-prefix").with("value", shown));
        };
        if international.is_empty() || international.starts_with('0') {
            return Err(bad());
        }
        for cc in TRUNK_ZERO_DROPPED {
            if let Some(rest) = international.strip_prefix(cc) {
                if let Some(national) = rest.strip_prefix('0') {
                    // One trunk 0 is a habit; two are a mistake.
                    if national.starts_with('0') {
                        return Err(bad());
                    }
                    international = format!("{cc}{national}");
                }
                break;
            }
        }
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&international.len()) {
            return Err(FieldError::new("phone", "err-phone-length")
                .with("min", Self::MIN_DIGITS)
                .with("max", Self::MAX_DIGITS));
        }
        Ok(Self(format!("+{international}")))
    }

    /// The E.164 form, `+` included.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A vehicle registration plate of a country. Shown as written (trimmed,
/// whitespace collapsed, upper case, Lao and Thai digits as ASCII digits);
/// searched by a key without spaces, hyphens, dots or middle dots
/// (`ກຂ-1234` and `ກຂ 1234` share the key `ກຂ1234`). The key has 2–15
/// letters (any script: Lao, Thai and Chinese plates carry their own) and
/// digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct VehiclePlate {
    display: String,
    key: String,
    country: CountryCode,
}

impl VehiclePlate {
    pub fn parse(s: &str, country: CountryCode) -> Result<Self, FieldError> {
        let shown = s.trim();
        if shown.is_empty() {
            return Err(FieldError::new("plate", "err-required"));
        }
        let display: String = collapse_whitespace(shown)
            .chars()
            .map(ascii_digit)
            .flat_map(char::to_uppercase)
            .collect();
        let key: String = display
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '·'))
            .collect();
        let is_thai_or_lao = |c: char| ('\u{0E00}'..='\u{0EFF}').contains(&c);
        let ok = (2..=15).contains(&key.chars().count())
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || is_thai_or_lao(c));
        if !ok || display.chars().count() > 20 {
            return Err(FieldError::new("plate", "err-vehicle-plate").with("value", shown));
        }
        Ok(Self {
            display,
            key,
            country,
        })
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn country(&self) -> CountryCode {
        self.country
    }
}

/// A vehicle: its plate (if it has one) and description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vehicle {
    pub plate: Option<VehiclePlate>,
    /// "Toyota Hilux", as written.
    pub make_model: Option<String>,
    pub colour: Option<String>,
}

/// The raw fields of a vehicle.
#[derive(Debug, Clone, Default)]
pub struct VehicleInput<'a> {
    pub plate: &'a str,
    pub plate_country: &'a str,
    pub make_model: &'a str,
    pub colour: &'a str,
}

impl VehicleInput<'_> {
    /// A plate needs its country (`err-required` on `plate_country`); a
    /// vehicle needs a plate or a make and model (`err-required` on
    /// `plate`).
    pub fn parse(&self) -> Result<Vehicle, FieldErrors> {
        let mut errors = FieldErrors::new();
        let country = non_blank(self.plate_country).and_then(|c| {
            errors.take(CountryCode::parse(c).map_err(|e| refield(e, "plate_country")))
        });
        let plate = match (non_blank(self.plate), country) {
            (Some(p), Some(c)) => errors.take(VehiclePlate::parse(p, c)),
            (Some(_), None) => {
                if self.plate_country.trim().is_empty() {
                    errors.push(FieldError::new("plate_country", "err-required"));
                }
                None
            }
            (None, _) => None,
        };
        let make_model = errors
            .take(optional_single_line("make_model", self.make_model, 100))
            .flatten();
        let colour = errors
            .take(optional_single_line("colour", self.colour, 50))
            .flatten();
        if self.plate.trim().is_empty() && make_model.is_none() && errors.is_empty() {
            errors.push(FieldError::new("plate", "err-required"));
        }
        errors.into_result()?;
        Ok(Vehicle {
            plate,
            make_model,
            colour,
        })
    }
}

/// A bank account number: spaces, hyphens and dots removed, upper case,
/// 5–34 ASCII letters and digits (34 is the IBAN maximum).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct AccountNumber(String);

impl AccountNumber {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let shown = s.trim();
        if shown.is_empty() {
            return Err(FieldError::new("account_number", "err-required"));
        }
        let norm: String = shown
            .chars()
            .map(ascii_digit)
            .filter(|c| !matches!(c, ' ' | '-' | '.'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !(5..=34).contains(&norm.len()) || !norm.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(
                FieldError::new("account_number", "err-account-number").with("value", shown)
            );
        }
        Ok(Self(norm))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A bank account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankAccount {
    /// As written (1–200 characters).
    pub bank_name: String,
    pub number: AccountNumber,
    pub country: CountryCode,
}

/// The raw fields of a bank account.
#[derive(Debug, Clone, Default)]
pub struct BankAccountInput<'a> {
    pub bank_name: &'a str,
    pub account_number: &'a str,
    pub country: &'a str,
}

impl BankAccountInput<'_> {
    pub fn parse(&self) -> Result<BankAccount, FieldErrors> {
        let mut errors = FieldErrors::new();
        let bank_name = errors.take(crate::text::single_line("bank_name", self.bank_name, 200));
        let number = errors.take(AccountNumber::parse(self.account_number));
        let country = if self.country.trim().is_empty() {
            errors.push(FieldError::new("bank_country", "err-required"));
            None
        } else {
            errors.take(CountryCode::parse(self.country).map_err(|e| refield(e, "bank_country")))
        };
        match (bank_name, number, country) {
            (Some(bank_name), Some(number), Some(country)) => Ok(BankAccount {
                bank_name,
                number,
                country,
            }),
            _ => Err(errors),
        }
    }
}

closed_list! {
    /// What kind of asset was seized or frozen.
    AssetKind, field = "asset_kind",
    {
        Cash => "cash",
        Vehicle => "vehicle",
        /// Land and buildings.
        RealEstate => "real_estate",
        /// Gold and jewellery.
        Jewellery => "jewellery",
        /// Money in a bank account.
        BankBalance => "bank_balance",
        Other => "other",
    }
}

closed_list! {
    /// Where an asset stands. An asset starts `seized` or `frozen`
    /// ([`AssetStatus::is_initial`]). Allowed moves ([`AssetStatus::next`]):
    ///
    /// | from | to |
    /// |---|---|
    /// | frozen | seized, confiscated, returned |
    /// | seized | confiscated, returned |
    /// | confiscated | returned (the confiscation overturned) |
    /// | returned | — (final) |
    AssetStatus, field = "asset_status",
    {
        Seized => "seized",
        Frozen => "frozen",
        Confiscated => "confiscated",
        Returned => "returned",
    }
}

impl AssetStatus {
    pub fn next(&self) -> &'static [AssetStatus] {
        use AssetStatus::*;
        match self {
            Frozen => &[Seized, Confiscated, Returned],
            Seized => &[Confiscated, Returned],
            Confiscated => &[Returned],
            Returned => &[],
        }
    }

    pub fn can_move_to(&self, to: AssetStatus) -> bool {
        self.next().contains(&to)
    }

    /// Checks a move; `err-status-transition` on `asset_status` otherwise.
    pub fn move_to(&self, to: AssetStatus) -> Result<AssetStatus, FieldError> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(FieldError::new("asset_status", "err-status-transition")
                .with("from", self.as_str())
                .with("to", to.as_str()))
        }
    }

    /// Whether a newly recorded asset may have this status.
    pub fn is_initial(&self) -> bool {
        matches!(self, Self::Seized | Self::Frozen)
    }
}

/// Cash or another asset, with its value where known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    pub kind: AssetKind,
    pub description: Option<String>,
    pub value: Option<Money>,
    pub status: AssetStatus,
}

/// The raw fields of an asset.
#[derive(Debug, Clone, Default)]
pub struct AssetInput<'a> {
    pub kind: &'a str,
    pub description: &'a str,
    pub value: &'a str,
    pub value_currency: &'a str,
    /// Empty: `seized`.
    pub status: &'a str,
}

impl AssetInput<'_> {
    pub const DESCRIPTION_MAX: usize = 500;

    /// Parses an asset as first recorded: its status must be `seized` or
    /// `frozen` (`err-asset-initial-status`); later statuses are reached
    /// with [`AssetStatus::move_to`]. Cash needs its amount and currency
    /// (`err-cash-value-required`).
    pub fn parse_new(&self) -> Result<Asset, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.take(AssetKind::parse(self.kind));
        let description = errors
            .take(optional_single_line(
                "asset_description",
                self.description,
                Self::DESCRIPTION_MAX,
            ))
            .flatten();
        let value = match parse_optional_money(
            "value",
            self.value,
            "value_currency",
            self.value_currency,
        ) {
            Ok(v) => v,
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        if kind == Some(AssetKind::Cash) && self.value.trim().is_empty() {
            errors.push(FieldError::new("value", "err-cash-value-required"));
        }
        let status = match non_blank(self.status) {
            None => Some(AssetStatus::Seized),
            Some(s) => errors.take(AssetStatus::parse(s)),
        };
        if let Some(s) = status.filter(|s| !s.is_initial()) {
            errors.push(
                FieldError::new("asset_status", "err-asset-initial-status")
                    .with("value", s.as_str()),
            );
        }
        match (kind, status) {
            (Some(kind), Some(status)) if errors.is_empty() => Ok(Asset {
                kind,
                description,
                value,
                status,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;

    fn keys(e: &FieldErrors) -> Vec<(&'static str, &'static str)> {
        e.0.iter().map(|e| (e.field, e.key)).collect()
    }

    #[test]
    fn calling_codes() {
        assert_eq!(CallingCode::parse("+856").unwrap(), CallingCode::LAO_PDR);
        assert_eq!(CallingCode::parse("66").unwrap().get(), 66);
        for bad in ["", "0", "8560", "+", "x1", "085"] {
            let e = CallingCode::parse(bad).unwrap_err();
            assert_eq!(
                (e.field, e.key),
                ("calling_code", "err-calling-code"),
                "{bad}"
            );
        }
    }

    #[test]
    fn phone_numbers() {
        let lao = CallingCode::LAO_PDR;
        let table: &[(&str, Result<&str, &str>)] = &[
            ("+856 20 5555 1234", Ok("+8562055551234")),
            ("020 5555 1234", Ok("+8562055551234")),
            ("020-5555-1234", Ok("+8562055551234")),
            ("(020) 5555.1234", Ok("+8562055551234")),
            ("00856 20 5555 1234", Ok("+8562055551234")),
            ("+856 (0)20 5555 1234", Ok("+8562055551234")),
            ("+856 020 5555 1234", Ok("+8562055551234")),
            ("໐໒໐ ໕໕໕໕ ໑໒໓໔", Ok("+8562055551234")),
            ("021 212 345", Ok("+85621212345")),
            ("+66 81 234 5678", Ok("+66812345678")),
            ("+66 081 234 5678", Ok("+66812345678")),
            ("+39 06 1234 5678", Ok("+390612345678")),
            ("+1 202 555 0100", Ok("+12025550100")),
            ("", Err("err-required")),
            ("2055551234", Err("err-phone-prefix")),
            ("856 20 5555 1234", Err("err-phone-prefix")),
            ("+856 20 5555 1234 ext 5", Err("err-phone")),
            ("+856 0020 5555 1234", Err("err-phone")),
            ("020 5555 1234+", Err("err-phone")),
            ("+0 123 456 789", Err("err-phone")),
            ("+", Err("err-phone")),
            ("00", Err("err-phone")),
            ("0123", Err("err-phone-length")),
            ("+856 20 5555 1234 5678", Err("err-phone-length")),
        ];
        for (input, expected) in table {
            let got = PhoneNumber::parse(input, lao)
                .map(|p| p.to_string())
                .map_err(|e| {
                    assert_eq!(e.field, "phone");
                    e.key
                });
            assert_eq!(got, expected.map(str::to_owned), "{input:?}");
        }
        let th = CallingCode::parse("66").unwrap();
        assert_eq!(
            PhoneNumber::parse("081 234 5678", th).unwrap().as_str(),
            "+66812345678"
        );
    }

    #[test]
    fn plates() {
        let la = CountryCode::parse("LA").unwrap();
        let p = VehiclePlate::parse("  ກຂ-1234 ", la).unwrap();
        assert_eq!((p.display(), p.key()), ("ກຂ-1234", "ກຂ1234"));
        assert_eq!(VehiclePlate::parse("ກຂ 1234", la).unwrap().key(), "ກຂ1234");
        assert_eq!(VehiclePlate::parse("ກຂ ໑໒໓໔", la).unwrap().key(), "ກຂ1234");
        let th = VehiclePlate::parse("1กข 1234", CountryCode::parse("TH").unwrap()).unwrap();
        assert_eq!(th.key(), "1กข1234");
        let cn = VehiclePlate::parse("云A·12345", CountryCode::parse("CN").unwrap()).unwrap();
        assert_eq!(cn.key(), "云A12345");
        let vn = VehiclePlate::parse("29a-123.45", CountryCode::parse("VN").unwrap()).unwrap();
        assert_eq!((vn.display(), vn.key()), ("29A-123.45", "29A12345"));
        for bad in [
            "A",
            "AB#12",
            "ABCDEFGHIJKLMNOP",
            "- -",
            "A B C D E F G H I J K",
        ] {
            assert_eq!(
                VehiclePlate::parse(bad, la).unwrap_err().key,
                "err-vehicle-plate",
                "{bad}"
            );
        }
        assert_eq!(
            VehiclePlate::parse(" ", la).unwrap_err().key,
            "err-required"
        );
    }

    #[test]
    fn vehicles() {
        let v = VehicleInput {
            plate: "kt 1234",
            plate_country: "la",
            make_model: "Toyota  Hilux",
            colour: "white",
        }
        .parse()
        .unwrap();
        assert_eq!(v.plate.unwrap().key(), "KT1234");
        assert_eq!(v.make_model.as_deref(), Some("Toyota Hilux"));
        assert!(VehicleInput {
            make_model: "Honda Wave",
            ..VehicleInput::default()
        }
        .parse()
        .is_ok());
        let k = |i: VehicleInput<'_>| keys(&i.parse().unwrap_err());
        assert_eq!(k(VehicleInput::default()), vec![("plate", "err-required")]);
        assert_eq!(
            k(VehicleInput {
                plate: "KT 1234",
                ..VehicleInput::default()
            }),
            vec![("plate_country", "err-required")]
        );
        assert_eq!(
            k(VehicleInput {
                plate: "#",
                plate_country: "Laos",
                ..VehicleInput::default()
            }),
            vec![("plate_country", "err-country-code")]
        );
        assert_eq!(
            k(VehicleInput {
                plate: "#",
                plate_country: "LA",
                ..VehicleInput::default()
            }),
            vec![("plate", "err-vehicle-plate")]
        );
    }

    #[test]
    fn bank_accounts() {
        let table: &[(&str, Result<&str, &str>)] = &[
            ("010-12-00-12345678-001", Ok("010120012345678001")),
            ("gb82 west 1234 5698 7654 32", Ok("GB82WEST12345698765432")),
            ("12345", Ok("12345")),
            ("1234", Err("err-account-number")),
            (&"1".repeat(35), Err("err-account-number")),
            ("1234/5678", Err("err-account-number")),
            ("", Err("err-required")),
        ];
        for (input, expected) in table {
            let got = AccountNumber::parse(input)
                .map(|a| a.as_str().to_owned())
                .map_err(|e| {
                    assert_eq!(e.field, "account_number");
                    e.key
                });
            assert_eq!(got, expected.map(str::to_owned), "{input:?}");
        }
        let a = BankAccountInput {
            bank_name: "Banque pour le Commerce Extérieur Lao",
            account_number: "010 1200 1234",
            country: "la",
        }
        .parse()
        .unwrap();
        assert_eq!(a.country.as_str(), "LA");
        assert_eq!(
            keys(&BankAccountInput::default().parse().unwrap_err()),
            vec![
                ("bank_name", "err-required"),
                ("account_number", "err-required"),
                ("bank_country", "err-required")
            ]
        );
    }

    #[test]
    fn asset_transitions() {
        use AssetStatus::*;
        let allowed = [
            (Frozen, Seized),
            (Frozen, Confiscated),
            (Frozen, Returned),
            (Seized, Confiscated),
            (Seized, Returned),
            (Confiscated, Returned),
        ];
        for from in AssetStatus::ALL {
            for to in AssetStatus::ALL {
                let expected = allowed.contains(&(*from, *to));
                assert_eq!(from.can_move_to(*to), expected, "{from} -> {to}");
                assert_eq!(from.move_to(*to).is_ok(), expected);
            }
        }
        let e = Returned.move_to(Seized).unwrap_err();
        assert_eq!((e.field, e.key), ("asset_status", "err-status-transition"));
        assert!(Seized.is_initial() && Frozen.is_initial());
        assert!(!Confiscated.is_initial() && !Returned.is_initial());
    }

    #[test]
    fn assets() {
        let cash = AssetInput {
            kind: "cash",
            value: "1 500 000",
            value_currency: "thb",
            ..AssetInput::default()
        }
        .parse_new()
        .unwrap();
        assert_eq!(cash.status, AssetStatus::Seized);
        assert_eq!(cash.value.unwrap().currency(), Currency::Thb);
        let frozen = AssetInput {
            kind: "bank_balance",
            status: "frozen",
            ..AssetInput::default()
        }
        .parse_new()
        .unwrap();
        assert_eq!(frozen.value, None);
        let k = |i: AssetInput<'_>| keys(&i.parse_new().unwrap_err());
        assert_eq!(
            k(AssetInput {
                kind: "cash",
                ..AssetInput::default()
            }),
            vec![("value", "err-cash-value-required")]
        );
        assert_eq!(
            k(AssetInput {
                kind: "boat",
                value: "10",
                status: "confiscated",
                ..AssetInput::default()
            }),
            vec![
                ("asset_kind", "err-choice"),
                ("value_currency", "err-currency-required"),
                ("asset_status", "err-asset-initial-status")
            ]
        );
        for k in AssetKind::ALL {
            assert_eq!(AssetKind::parse(k.as_str()).unwrap(), *k);
        }
        for s in AssetStatus::ALL {
            assert_eq!(AssetStatus::parse(s.as_str()).unwrap(), *s);
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in "\\PC{0,30}") {
            let la = CountryCode::parse("LA").unwrap();
            let _ = PhoneNumber::parse(&s, CallingCode::LAO_PDR);
            let _ = VehiclePlate::parse(&s, la);
            let _ = AccountNumber::parse(&s);
            let _ = CallingCode::parse(&s);
        }

        /// A parsed phone number is E.164 and parses to itself.
        #[test]
        fn phone_numbers_are_e164_and_stable(s in "(\\+|00|0)[0-9 ()-]{0,20}") {
            if let Ok(p) = PhoneNumber::parse(&s, CallingCode::LAO_PDR) {
                let digits = &p.as_str()[1..];
                prop_assert!(p.as_str().starts_with('+'));
                prop_assert!((8..=15).contains(&digits.len()));
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0'));
                prop_assert_eq!(PhoneNumber::parse(p.as_str(), CallingCode::LAO_PDR).unwrap(), p);
            }
        }

        /// Plate keys ignore separators and case.
        #[test]
        fn plate_keys_ignore_separators(s in "[a-zA-Z0-9]{2,10}") {
            let la = CountryCode::parse("LA").unwrap();
            let a = VehiclePlate::parse(&s, la).unwrap();
            let spaced: String = s.to_lowercase().chars().flat_map(|c| [c, '-']).collect();
            let spaced = spaced.trim_end_matches('-');
            let b = VehiclePlate::parse(spaced, la);
            if let Ok(b) = b {
                prop_assert_eq!(a.key(), b.key());
            }
        }
    }
}
