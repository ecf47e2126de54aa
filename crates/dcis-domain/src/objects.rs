//! Things seized or found in a case besides drugs: vehicles, phones, bank
//! accounts, cash and other assets. Each is entered as a few fields, parsed
//! by the rules of [`crate::contact`], and given a search key (the plate
//! without spaces, the phone in E.164, the account number) by which the
//! same vehicle, phone or account is recognised across cases.

use crate::closed_list::closed_list;
use crate::contact::{AssetInput, BankAccountInput, CallingCode, PhoneNumber, VehicleInput};
use crate::error::{FieldError, FieldErrors};
use serde::Serialize;
use std::collections::BTreeMap;

closed_list! {
    /// What kind of object.
    ObjectKind, field = "kind",
    {
        Vehicle => "vehicle",
        Phone => "phone",
        BankAccount => "bank_account",
        Asset => "asset",
    }
}

/// The fields each kind takes, in form order.
pub fn fields_of(kind: ObjectKind) -> &'static [&'static str] {
    match kind {
        ObjectKind::Vehicle => &["plate", "plate_country", "make_model", "colour"],
        ObjectKind::Phone => &["number"],
        ObjectKind::BankAccount => &["bank_name", "account_number", "country"],
        ObjectKind::Asset => &[
            "asset_kind",
            "description",
            "value",
            "value_currency",
            "status",
        ],
    }
}

/// A parsed object: the fields as kept (trimmed, codes canonical), its
/// search key (empty when it has none, e.g. an asset) and a one-line label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedObject {
    pub kind: ObjectKind,
    pub fields: BTreeMap<String, String>,
    pub key: String,
    pub label: String,
}

/// Parses an object of `kind` from its fields. Unknown field names are an
/// error (`err-unknown-field`), so a typo is never silently dropped.
pub fn parse_object(
    kind: ObjectKind,
    raw: &BTreeMap<String, String>,
) -> Result<ParsedObject, FieldErrors> {
    let allowed = fields_of(kind);
    let mut errors = FieldErrors::new();
    for k in raw.keys() {
        if !allowed.contains(&k.as_str()) {
            errors.push(FieldError::new("kind", "err-unknown-field").with("value", k));
        }
    }
    let get = |k: &str| raw.get(k).map(|v| v.trim()).unwrap_or("");
    let mut fields: BTreeMap<String, String> = allowed
        .iter()
        .map(|k| ((*k).to_owned(), get(k).to_owned()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let (key, label) = match kind {
        ObjectKind::Vehicle => match (VehicleInput {
            plate: get("plate"),
            plate_country: get("plate_country"),
            make_model: get("make_model"),
            colour: get("colour"),
        })
        .parse()
        {
            Ok(v) => {
                let plate = v.plate.as_ref();
                if let Some(p) = plate {
                    fields.insert("plate_country".into(), p.country().as_str().to_owned());
                }
                let label = [
                    plate.map(|p| p.display().to_owned()),
                    v.make_model.clone(),
                    v.colour.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                (plate.map(|p| p.key().to_owned()).unwrap_or_default(), label)
            }
            Err(e) => {
                errors.0.extend(e.0);
                (String::new(), String::new())
            }
        },
        ObjectKind::Phone => match PhoneNumber::parse(get("number"), CallingCode::LAO_PDR) {
            Ok(p) => {
                fields.insert("number".into(), p.as_str().to_owned());
                (p.as_str().to_owned(), p.as_str().to_owned())
            }
            Err(e) => {
                errors.push(FieldError {
                    field: "number",
                    ..e
                });
                (String::new(), String::new())
            }
        },
        ObjectKind::BankAccount => match (BankAccountInput {
            bank_name: get("bank_name"),
            account_number: get("account_number"),
            country: get("country"),
        })
        .parse()
        {
            Ok(a) => {
                fields.insert("country".into(), a.country.as_str().to_owned());
                (
                    a.number.as_str().to_owned(),
                    format!(
                        "{} · {} ({})",
                        a.bank_name,
                        a.number.as_str(),
                        a.country.as_str()
                    ),
                )
            }
            Err(e) => {
                errors.0.extend(e.0);
                (String::new(), String::new())
            }
        },
        ObjectKind::Asset => match (AssetInput {
            kind: get("asset_kind"),
            description: get("description"),
            value: get("value"),
            value_currency: get("value_currency"),
            status: get("status"),
        })
        .parse_new()
        {
            Ok(a) => {
                fields.insert("asset_kind".into(), a.kind.as_str().to_owned());
                fields.insert("status".into(), a.status.as_str().to_owned());
                let value = a
                    .value
                    .map(|m| format!("{} {}", m.amount(), m.currency().as_str()));
                let label = [
                    Some(a.kind.as_str().to_owned()),
                    a.description.clone(),
                    value,
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                (String::new(), label)
            }
            Err(e) => {
                errors.0.extend(e.0);
                (String::new(), String::new())
            }
        },
    };
    errors.into_result()?;
    Ok(ParsedObject {
        kind,
        fields,
        key,
        label,
    })
}

/// The search key a query would have if it named an object of this kind
/// (a plate, a phone, an account), for searching cases by it.
pub fn query_keys(q: &str) -> Vec<String> {
    let mut keys = Vec::new();
    if let Ok(p) = PhoneNumber::parse(q, CallingCode::LAO_PDR) {
        keys.push(p.as_str().to_owned());
    }
    // A plate in any script (Lao plates carry Lao letters), as its key.
    if let Ok(la) = crate::geo::CountryCode::parse("LA") {
        if let Ok(p) = crate::contact::VehiclePlate::parse(q, la) {
            keys.push(p.key().to_owned());
        }
    }
    let alnum: String = q
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    if alnum.len() >= 2 && !keys.contains(&alnum) {
        keys.push(alnum);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn vehicles_phones_accounts_assets() {
        let v = parse_object(
            ObjectKind::Vehicle,
            &map(&[
                ("plate", "ກຂ 1234"),
                ("plate_country", "la"),
                ("make_model", "Toyota Hilux"),
            ]),
        )
        .unwrap();
        assert!(!v.key.is_empty());
        assert_eq!(v.fields["plate_country"], "LA");
        let p = parse_object(ObjectKind::Phone, &map(&[("number", "020 5555 1234")])).unwrap();
        assert_eq!(p.key, "+8562055551234");
        assert_eq!(query_keys("020 5555 1234")[0], "+8562055551234");
        let a = parse_object(
            ObjectKind::BankAccount,
            &map(&[
                ("bank_name", "Demo Bank"),
                ("account_number", "0101-2345-678"),
                ("country", "LA"),
            ]),
        )
        .unwrap();
        assert!(a.label.contains("Demo Bank"));
        let cash = parse_object(
            ObjectKind::Asset,
            &map(&[
                ("asset_kind", "cash"),
                ("value", "150000"),
                ("value_currency", "THB"),
            ]),
        )
        .unwrap();
        assert_eq!(cash.fields["status"], "seized");
        assert!(cash.key.is_empty());
    }

    #[test]
    fn errors_are_named_and_typos_refused() {
        let e = parse_object(ObjectKind::Phone, &map(&[("number", "12")])).unwrap_err();
        assert_eq!(e.0[0].field, "number");
        let e = parse_object(ObjectKind::Vehicle, &map(&[("plat", "AB 123")])).unwrap_err();
        assert!(e.0.iter().any(|x| x.key == "err-unknown-field"));
        assert!(ObjectKind::parse("boat").is_err());
    }
}

#[cfg(test)]
mod plate_search {
    use super::*;

    #[test]
    fn a_lao_plate_is_found_however_it_is_spaced() {
        let raw: BTreeMap<String, String> = [
            ("plate".to_owned(), "ກຂ 1234".to_owned()),
            ("plate_country".to_owned(), "la".to_owned()),
        ]
        .into();
        let v = parse_object(ObjectKind::Vehicle, &raw).unwrap();
        assert!(
            query_keys("ກຂ1234").contains(&v.key),
            "{:?} vs {:?}",
            query_keys("ກຂ1234"),
            v.key
        );
        assert!(query_keys("ກຂ-1234").contains(&v.key));
    }
}
