//! Vehicles and phones of cases, as clerks write them down: plates of Lao
//! PDR and its neighbours, phone numbers of the Mekong countries.
//!
//! A vehicle or phone is a number of the generator (shared inside a
//! network, so the same plate or phone turns up in several cases); what it
//! looks like is a pure function of the seed and that number. How it is
//! written varies with the agency (a plate with a space or a hyphen, a
//! phone national or international), which the search key of the store
//! recognises as the same.

use crate::pick::mix;
use dcis_domain::org::OrganisationKind;
use std::collections::BTreeMap;

/// Lao consonants used on plates.
const LAO_PLATE: &[&str] = &[
    "ກ", "ຂ", "ຄ", "ງ", "ຈ", "ສ", "ຊ", "ຍ", "ດ", "ຕ", "ຖ", "ທ", "ນ", "ບ", "ປ", "ຜ", "ພ", "ມ", "ຢ",
    "ລ", "ວ", "ຫ", "ອ", "ຮ",
];
/// Thai consonants used on plates.
const THAI_PLATE: &[&str] = &[
    "ก", "ข", "ค", "ฆ", "ง", "จ", "ฉ", "ช", "ฌ", "ญ", "ฎ", "ฐ", "ฒ", "ณ", "ด", "ต", "ถ", "ท", "ธ",
    "น", "บ", "ป", "ผ", "พ", "ฟ", "ภ", "ม", "ย", "ร", "ล", "ว", "ศ", "ษ", "ส", "ห", "ฬ", "อ", "ฮ",
];
/// Province prefixes of Chinese plates near the border (Yunnan, Guangxi).
const CN_PLATE: &[&str] = &["云A", "云K", "云L", "云J", "桂A"];
/// Province codes of Vietnamese plates of the north and the centre.
const VN_PLATE: &[&str] = &["24", "25", "26", "29", "30", "37", "38", "43"];

const CARS: &[&str] = &[
    "Toyota Vios",
    "Toyota Camry",
    "Honda City",
    "Toyota Fortuner",
    "Hyundai Accent",
    "Kia Morning",
    "Mazda 3",
];
const PICKUPS: &[&str] = &[
    "Toyota Hilux Vigo",
    "Toyota Hilux Revo",
    "Isuzu D-Max",
    "Ford Ranger",
    "Mitsubishi Triton",
    "Nissan Navara",
];
const TRUCKS: &[&str] = &[
    "Hino 500",
    "Isuzu FRR",
    "FAW J6",
    "Sinotruk Howo",
    "Hyundai Mighty",
    "Dongfeng Captain",
];
const MOTORCYCLES: &[&str] = &[
    "Honda Wave",
    "Honda Dream",
    "Yamaha Nouvo",
    "Honda Click",
    "Kolao Sonic",
];
const BOATS: &[&str] = &["Long-tail boat", "Speedboat", "Cargo boat"];
const COLOURS: &[&str] = &[
    "white", "white", "white", "black", "silver", "grey", "red", "blue",
];

fn of<'a>(table: &[&'a str], h: u64) -> &'a str {
    table[(h % table.len() as u64) as usize]
}

/// A vehicle of the generator as the agency writes it down: `plate`,
/// `plate_country`, `make_model`, `colour` (the fields of a vehicle object).
/// `transport` is the case's transport mode (a car, truck, motorcycle or
/// boat); boats have no plate.
pub fn vehicle(
    seed: u64,
    vehicle: u64,
    transport: &str,
    kind: OrganisationKind,
) -> BTreeMap<String, String> {
    let h = mix(seed ^ mix(vehicle ^ 0x0076_6568_6963_6c65));
    let mut f = BTreeMap::new();
    let model = match transport {
        "truck" => of(TRUCKS, h >> 8),
        "motorcycle" => of(MOTORCYCLES, h >> 8),
        "boat" => of(BOATS, h >> 8),
        _ if (h >> 8).is_multiple_of(3) => of(CARS, h >> 16),
        _ => of(PICKUPS, h >> 16),
    };
    f.insert("make_model".to_owned(), model.to_owned());
    f.insert("colour".to_owned(), of(COLOURS, h >> 24).to_owned());
    if transport == "boat" {
        return f;
    }
    // Customs and the border offices copy the plate with a hyphen; the
    // police with a space.
    let sep = match kind {
        OrganisationKind::Customs | OrganisationKind::BorderLiaisonOffice => "-",
        _ => " ",
    };
    let number = (h >> 32) % 10_000;
    let (country, plate) = match h % 100 {
        0..=74 => (
            "LA",
            format!(
                "{}{}{sep}{number:04}",
                of(LAO_PLATE, h >> 40),
                of(LAO_PLATE, h >> 48)
            ),
        ),
        75..=86 => (
            "TH",
            format!(
                "{}{}{}{sep}{number:04}",
                1 + (h >> 56) % 9,
                of(THAI_PLATE, h >> 40),
                of(THAI_PLATE, h >> 48)
            ),
        ),
        87..=94 => (
            "CN",
            format!("{}·{:05}", of(CN_PLATE, h >> 40), (h >> 32) % 100_000),
        ),
        _ => (
            "VN",
            format!(
                "{}C-{:03}.{:02}",
                of(VN_PLATE, h >> 40),
                number % 1000,
                (h >> 48) % 100
            ),
        ),
    };
    f.insert("plate".to_owned(), plate);
    f.insert("plate_country".to_owned(), country.to_owned());
    f
}

/// A phone number of the generator as the agency writes it down: Lao
/// numbers nationally by the police and committees (`020 5512 3456`),
/// internationally by customs and the border offices (`+856 20 5512
/// 3456`); foreign numbers always with their country code.
pub fn phone(seed: u64, phone: u64, kind: OrganisationKind) -> String {
    let h = mix(seed ^ mix(phone ^ 0x70_686f_6e65));
    let national = !matches!(
        kind,
        OrganisationKind::Customs | OrganisationKind::BorderLiaisonOffice
    );
    let d = |shift: u32, n: u32| format!("{:0w$}", (h >> shift) % 10u64.pow(n), w = n as usize);
    match h % 100 {
        0..=69 => {
            // Lao mobiles: 020 and eight digits (the first 2, 5, 7, 8 or 9).
            let lead = of(&["2", "5", "5", "7", "9", "9", "8"], h >> 60);
            let rest = format!("{lead}{}", d(8, 7));
            if national {
                format!("020 {} {}", &rest[..4], &rest[4..])
            } else {
                format!("+856 20 {} {}", &rest[..4], &rest[4..])
            }
        }
        70..=81 => format!(
            "+66 {}{} {} {}",
            of(&["8", "9", "6"], h >> 60),
            d(8, 1),
            d(16, 3),
            d(24, 4)
        ),
        82..=91 => format!(
            "+86 1{}{} {} {}",
            of(&["3", "5", "8"], h >> 60),
            d(8, 1),
            d(16, 4),
            d(32, 4)
        ),
        92..=96 => format!("+95 9 {} {} {}", d(8, 3), d(20, 3), d(32, 3)),
        _ => format!("+84 9{} {} {}", d(8, 1), d(16, 3), d(28, 4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcis_domain::objects::{parse_object, ObjectKind};

    #[test]
    fn vehicles_and_phones_parse_and_keep_their_key_across_agencies() {
        use OrganisationKind::*;
        for n in 0..2000u64 {
            for transport in ["car", "truck", "motorcycle", "boat"] {
                let mut keys = std::collections::BTreeSet::new();
                for kind in [CounterNarcoticsPolice, Customs, BorderLiaisonOffice] {
                    let v = vehicle(3, n, transport, kind);
                    let o = parse_object(ObjectKind::Vehicle, &v)
                        .unwrap_or_else(|e| panic!("{v:?}: {e:?}"));
                    keys.insert(o.key);
                }
                assert_eq!(keys.len(), 1, "vehicle {n}: {keys:?}");
                assert_eq!(keys.iter().next().unwrap().is_empty(), transport == "boat");
            }
            let mut keys = std::collections::BTreeSet::new();
            for kind in [CounterNarcoticsPolice, Customs] {
                let number = phone(3, n, kind);
                let f = BTreeMap::from([("number".to_owned(), number.clone())]);
                let o = parse_object(ObjectKind::Phone, &f)
                    .unwrap_or_else(|e| panic!("{number}: {e:?}"));
                keys.insert(o.key);
            }
            assert_eq!(keys.len(), 1, "phone {n}: {keys:?}");
        }
    }
}
