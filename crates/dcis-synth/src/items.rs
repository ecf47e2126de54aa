//! Seized items: the substance mix, quantities with a heavy tail, tablet
//! logos, packaging, and now and then a price or a laboratory purity.

use crate::pick::{bucket, chance, milli, pick, round_like_a_report};
use dcis_domain::seizure::SeizureItemFields;
use rand::Rng;

/// The substances generated and their share of items (per ten thousand).
/// Methamphetamine tablets dominate, as in every regional report; then
/// crystal methamphetamine, the opiates, cannabis, ketamine and precursor
/// chemicals.
pub const SUBSTANCE_MIX: &[(&str, u32)] = &[
    ("METH_TABLET", 6900),
    ("METH_CRYSTAL", 1100),
    ("HEROIN", 520),
    ("OPIUM_RAW", 380),
    ("CANNABIS_HERB", 480),
    ("KETAMINE", 260),
    ("ECSTASY_TABLET", 90),
    ("HAPPY_WATER", 80),
    ("NIMETAZEPAM", 60),
    ("KRATOM", 60),
    ("CANNABIS_PLANT", 40),
    ("OPIUM_POPPY_PLANT", 30),
    // Precursor chemicals (about 3.5 %).
    ("ACETIC_ANHYDRIDE", 70),
    ("CAFFEINE", 80),
    ("PSEUDOEPHEDRINE", 40),
    ("EPHEDRINE", 30),
    ("P2P", 25),
    ("SODIUM_CYANIDE", 30),
    ("PROPIONYL_CHLORIDE", 25),
    ("BENZYL_CYANIDE", 20),
    ("HYDROCHLORIC_ACID", 30),
];

/// Precursor chemicals among [`SUBSTANCE_MIX`].
pub fn is_precursor(code: &str) -> bool {
    matches!(
        code,
        "ACETIC_ANHYDRIDE"
            | "CAFFEINE"
            | "PSEUDOEPHEDRINE"
            | "EPHEDRINE"
            | "P2P"
            | "SODIUM_CYANIDE"
            | "PROPIONYL_CHLORIDE"
            | "BENZYL_CYANIDE"
            | "HYDROCHLORIC_ACID"
    )
}

fn is_liquid_precursor(code: &str) -> bool {
    matches!(
        code,
        "ACETIC_ANHYDRIDE" | "P2P" | "PROPIONYL_CHLORIDE" | "BENZYL_CYANIDE" | "HYDROCHLORIC_ACID"
    )
}

/// Logos on methamphetamine tablets, as typed (case and spacing vary; the
/// search key makes `wy`, `WY` and ` WY ` the same logo).
const TABLET_LOGOS: &[(&str, u32)] = &[
    ("WY", 520),
    ("wy", 40),
    ("W Y", 15),
    ("999", 120),
    ("R", 60),
    ("Y1", 40),
    ("88", 25),
    ("R 8", 10),
    ("", 170),
];

/// Brands printed on the tea packets used for crystal methamphetamine and
/// sometimes tablets (names of the kind reported on seized packets).
const TEA_BRANDS: &[(&str, u32)] = &[
    ("Guanyinwang", 40),
    ("Daguanyin", 25),
    ("Qing Shan", 15),
    ("Jin Hua Cha", 10),
    ("Red Dragon Tea", 10),
];

/// What a case's circumstances imply about packaging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hints {
    /// Hidden in tea packets.
    pub tea: bool,
    /// A large, organised shipment (intelligence-led, controlled delivery):
    /// quantities shift towards the tail.
    pub large: bool,
    /// The year, for laboratory references.
    pub year: i32,
}

/// A heavy-tailed amount, rounded the way reports round it.
fn rounded<R: Rng + ?Sized>(rng: &mut R, buckets: &[((u64, u64), u32)]) -> u64 {
    let v = bucket(rng, buckets);
    round_like_a_report(rng, v)
}

fn tablets<R: Rng + ?Sized>(rng: &mut R, large: bool) -> u64 {
    let buckets: &[((u64, u64), u32)] = if large {
        &[
            ((1_000, 10_000), 20),
            ((10_000, 100_000), 35),
            ((100_000, 1_000_000), 30),
            ((1_000_000, 5_000_000), 12),
            ((5_000_000, 30_000_000), 3),
        ]
    } else {
        &[
            ((1, 50), 100),
            ((50, 200), 160),
            ((200, 1_000), 200),
            ((1_000, 5_000), 180),
            ((5_000, 20_000), 140),
            ((20_000, 100_000), 110),
            ((100_000, 500_000), 65),
            ((500_000, 2_000_000), 30),
            ((2_000_000, 10_000_000), 12),
            ((10_000_000, 60_000_000), 3),
        ]
    };
    rounded(rng, buckets)
}

/// A mass in grams × 1000 (milligrams), heavy-tailed within the bounds.
fn mass_mg<R: Rng + ?Sized>(rng: &mut R, buckets: &[((u64, u64), u32)]) -> u64 {
    bucket(rng, buckets)
}

/// Writes a mass given in milligrams as entered by a clerk: grams below a
/// kilogram, kilograms above, tonnes for bulk chemicals.
fn mass_fields(mg: u64) -> (String, &'static str) {
    if mg >= 10_000_000_000 {
        // ≥ 10 t: tonnes with up to three decimals.
        (
            milli(mg / 1_000_000_000 * 1000 + mg % 1_000_000_000 / 1_000_000),
            "t",
        )
    } else if mg >= 1_000_000 {
        (milli(mg / 1000), "kg")
    } else {
        (milli(mg.max(1)), "g")
    }
}

fn price<R: Rng + ?Sized>(rng: &mut R, f: &mut SeizureItemFields, per: &str, lo: u64, hi: u64) {
    let (currency, factor) = *pick(
        rng,
        &[(("THB", 1u64), 50), (("LAK", 600), 35), (("USD", 0), 15)],
    );
    let amount = if factor == 0 {
        // US dollars: the THB figure / 35, with cents.
        let cents = rng.gen_range(lo..hi) * 100 / 35;
        format!("{}.{:02}", cents / 100, cents % 100)
    } else {
        (rng.gen_range(lo..hi) * factor).to_string()
    };
    if amount == "0.00" || amount == "0" {
        return;
    }
    f.price = amount;
    f.price_currency = currency.to_owned();
    f.price_per = per.to_owned();
}

/// One item of `substance`.
pub fn item<R: Rng + ?Sized>(rng: &mut R, substance: &str, h: Hints) -> SeizureItemFields {
    let mut f = SeizureItemFields {
        substance: substance.to_owned(),
        ..SeizureItemFields::default()
    };
    let lab = |rng: &mut R, f: &mut SeizureItemFields, lo: u64, hi: u64| {
        f.purity = milli(rng.gen_range(lo * 10..hi * 10) * 100);
        f.lab_reference = format!("LAB-{}/{:04}", h.year, rng.gen_range(1..5000));
    };
    match substance {
        "METH_TABLET" | "ECSTASY_TABLET" | "NIMETAZEPAM" => {
            let n = if substance == "METH_TABLET" {
                tablets(rng, h.large)
            } else {
                rounded(
                    rng,
                    &[
                        ((10, 500), 40),
                        ((500, 10_000), 40),
                        ((10_000, 100_000), 20),
                    ],
                )
            };
            f.form = "tablet".into();
            if chance(rng, 80) && n >= 1000 {
                // Weighed, with the count beside it (about 0.1 g a tablet).
                let mg = n * rng.gen_range(90..=110);
                let (q, u) = mass_fields(mg);
                f.quantity = q;
                f.unit = u.into();
                f.tablet_count = n.to_string();
            } else {
                f.quantity = n.to_string();
                f.unit = "tablets".into();
                if chance(rng, 40) {
                    f.unit_weight_mg = rng.gen_range(90..=110).to_string();
                }
            }
            if substance == "METH_TABLET" {
                f.tablet_logo = (*pick(rng, TABLET_LOGOS)).to_owned();
            }
            let (kind, brand) = if h.tea && chance(rng, 800) {
                ("tea_packet", *pick(rng, TEA_BRANDS))
            } else {
                (
                    *pick(
                        rng,
                        &[
                            ("plastic_bag", 60),
                            ("box", 12),
                            ("vacuum_pack", 8),
                            ("sack", 8),
                            ("", 12),
                        ],
                    ),
                    "",
                )
            };
            f.packaging_kind = kind.into();
            f.packaging_brand = brand.into();
            if f.unit == "tablets" && chance(rng, 150) {
                price(rng, &mut f, "tablets", 20, 80);
            }
        }
        "METH_CRYSTAL" => {
            let mg = if h.tea || h.large {
                // Tea packets of about a kilogram each.
                let packets = bucket(
                    rng,
                    &[
                        ((1, 5), 40),
                        ((5, 30), 35),
                        ((30, 200), 18),
                        ((200, 1500), 7),
                    ],
                );
                packets * rng.gen_range(1_000_000..=1_100_000)
            } else {
                mass_mg(
                    rng,
                    &[
                        ((100, 5_000), 30),
                        ((5_000, 100_000), 30),
                        ((100_000, 1_000_000), 20),
                        ((1_000_000, 20_000_000), 15),
                        ((20_000_000, 300_000_000), 5),
                    ],
                )
            };
            let (q, u) = mass_fields(mg);
            f.quantity = q;
            f.unit = u.into();
            f.form = "crystal".into();
            if h.tea {
                f.packaging_kind = "tea_packet".into();
                f.packaging_brand = (*pick(rng, TEA_BRANDS)).into();
            } else {
                f.packaging_kind =
                    (*pick(rng, &[("plastic_bag", 70), ("vacuum_pack", 20), ("", 10)])).into();
            }
            if chance(rng, 120) {
                lab(rng, &mut f, 60, 96);
            }
        }
        "HEROIN" => {
            let mg = if chance(rng, 550) {
                // Blocks of about 350 g.
                bucket(
                    rng,
                    &[
                        ((1, 4), 40),
                        ((4, 20), 35),
                        ((20, 100), 20),
                        ((100, 600), 5),
                    ],
                ) * rng.gen_range(340_000..=360_000)
            } else {
                mass_mg(
                    rng,
                    &[
                        ((50, 1_000), 40),
                        ((1_000, 20_000), 40),
                        ((20_000, 300_000), 20),
                    ],
                )
            };
            let (q, u) = mass_fields(mg);
            f.quantity = q;
            f.unit = u.into();
            f.form = "powder".into();
            f.packaging_kind = if mg >= 340_000 {
                "block_wrap"
            } else {
                "plastic_bag"
            }
            .into();
            if chance(rng, 100) {
                lab(rng, &mut f, 40, 90);
            }
        }
        "OPIUM_RAW" => {
            let mg = mass_mg(
                rng,
                &[
                    ((10_000, 500_000), 35),
                    ((500_000, 5_000_000), 35),
                    ((5_000_000, 50_000_000), 22),
                    ((50_000_000, 400_000_000), 8),
                ],
            );
            let (q, u) = mass_fields(mg);
            f.quantity = q;
            f.unit = u.into();
            f.form = "resin".into();
            f.packaging_kind =
                (*pick(rng, &[("block_wrap", 50), ("plastic_bag", 40), ("", 10)])).into();
        }
        "CANNABIS_HERB" => {
            let mg = mass_mg(
                rng,
                &[
                    ((5_000, 500_000), 30),
                    ((500_000, 10_000_000), 35),
                    ((10_000_000, 200_000_000), 25),
                    ((200_000_000, 3_000_000_000), 10),
                ],
            );
            let (q, u) = mass_fields(mg);
            f.quantity = q;
            f.unit = u.into();
            f.form = "herbal".into();
            f.packaging_kind = (*pick(
                rng,
                &[
                    ("sack", 40),
                    ("plastic_bag", 40),
                    ("vacuum_pack", 10),
                    ("", 10),
                ],
            ))
            .into();
            if chance(rng, 100) {
                price(rng, &mut f, "kg", 800, 3000);
            }
        }
        "KETAMINE" => {
            let mg = mass_mg(
                rng,
                &[
                    ((100, 10_000), 30),
                    ((10_000, 1_000_000), 30),
                    ((1_000_000, 50_000_000), 30),
                    ((50_000_000, 600_000_000), 10),
                ],
            );
            let (q, u) = mass_fields(mg);
            f.quantity = q;
            f.unit = u.into();
            f.form = "powder".into();
            f.packaging_kind = (*pick(
                rng,
                &[
                    ("plastic_bag", 50),
                    ("tea_packet", 20),
                    ("vacuum_pack", 20),
                    ("", 10),
                ],
            ))
            .into();
            if f.packaging_kind == "tea_packet" {
                f.packaging_brand = (*pick(rng, TEA_BRANDS)).into();
            }
        }
        "HAPPY_WATER" => {
            f.quantity = bucket(
                rng,
                &[((10, 200), 60), ((200, 2_000), 30), ((2_000, 20_000), 10)],
            )
            .to_string();
            f.unit = "units".into();
            f.form = "sachet".into();
            f.packaging_kind = "sachet".into();
        }
        "KRATOM" => {
            let mg = mass_mg(
                rng,
                &[((500_000, 20_000_000), 70), ((20_000_000, 500_000_000), 30)],
            );
            let (q, u) = mass_fields(mg);
            f.quantity = q;
            f.unit = u.into();
            f.form = "herbal".into();
            f.packaging_kind = "sack".into();
        }
        "CANNABIS_PLANT" | "OPIUM_POPPY_PLANT" => {
            f.quantity = rounded(
                rng,
                &[((10, 500), 50), ((500, 5_000), 35), ((5_000, 60_000), 15)],
            )
            .to_string();
            f.unit = "plants".into();
            f.form = "plant".into();
        }
        precursor => {
            // Precursor chemicals: drums of liquid, sacks of solid.
            let amount = bucket(
                rng,
                &[
                    ((5, 100), 25),
                    ((100, 1_000), 35),
                    ((1_000, 10_000), 28),
                    ((10_000, 80_000), 12),
                ],
            );
            let amount = round_like_a_report(rng, amount);
            if is_liquid_precursor(precursor) {
                f.quantity = amount.to_string();
                f.unit = "l".into();
                f.form = "liquid".into();
                f.packaging_kind = "drum".into();
            } else {
                let (q, u) = mass_fields(amount * 1_000_000);
                f.quantity = q;
                f.unit = u.into();
                f.form = "powder".into();
                f.packaging_kind = "sack".into();
            }
        }
    }
    f
}

/// Whether an item is more than one person (on foot, a motorcycle, a bus
/// or train passenger, a parcel) would carry: over 200 000 tablets or
/// units, 30 kg or 50 litres.
pub fn too_big_to_carry(f: &SeizureItemFields) -> bool {
    let whole = |s: &str| {
        s.split('.')
            .next()
            .and_then(|w| w.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let q = whole(&f.quantity);
    match f.unit.as_str() {
        "t" => true,
        "kg" => q >= 30 || whole(&f.tablet_count) > 200_000,
        "l" => q >= 50,
        "tablets" | "units" | "plants" => q > 200_000,
        _ => false,
    }
}

/// The substance of the next item of a case whose first item is `first`:
/// often the same substance (another logo, another bag), otherwise a
/// companion seen with it.
pub fn companion<R: Rng + ?Sized>(rng: &mut R, first: &str) -> &'static str {
    let table = if is_precursor(first) {
        PRECURSOR_COMPANIONS
    } else {
        DRUG_COMPANIONS
    };
    let s: &'static &'static str = pick(rng, table);
    s
}

const PRECURSOR_COMPANIONS: &[(&str, u32)] = &[
    ("CAFFEINE", 30),
    ("ACETIC_ANHYDRIDE", 20),
    ("HYDROCHLORIC_ACID", 20),
    ("SODIUM_CYANIDE", 10),
    ("PSEUDOEPHEDRINE", 10),
    ("BENZYL_CYANIDE", 10),
];

const DRUG_COMPANIONS: &[(&str, u32)] = &[
    ("METH_TABLET", 60),
    ("METH_CRYSTAL", 18),
    ("HEROIN", 10),
    ("KETAMINE", 8),
    ("OPIUM_RAW", 5),
    ("CANNABIS_HERB", 4),
    ("HAPPY_WATER", 3),
];
