//! Seized items: a substance of the taxonomy (drug or precursor chemical),
//! its form and quantity, and what makes it recognisable and comparable:
//! tablet count, purity, tablet logo, packaging, price.
//!
//! [`SeizureItemInput::parse`] applies every rule and reports every broken
//! one, the same for forms, the API and imports:
//!
//! - the substance must be in the taxonomy (`err-substance-unknown`);
//! - the unit must be one the substance allows (`err-unit-not-allowed`);
//! - the quantity follows [`crate::quantity`] (positive, exact, in bounds);
//! - a tablet or capsule unit needs the matching form, if a form is given
//!   (`err-form-unit-mismatch`); without a form, the unit gives it;
//! - tablets weighed instead of counted still need their count
//!   (`err-tablet-count-required`): an item is "tablets" when its form is
//!   tablet or capsule, or when it has no form and its substance is counted
//!   in tablets by default (yaba, ecstasy…). A count beside a tablet
//!   quantity must agree with it (`err-tablet-count-mismatch`); a count for
//!   an item that is not tablets is refused (`err-tablet-count-unexpected`);
//! - a weight per tablet or unit is only for counted quantities
//!   (`err-unit-weight-not-count`); it is how grams are derived from a
//!   count, never otherwise;
//! - purity is more than 0 and at most 100 % (`err-purity-range`) and needs
//!   the laboratory reference it comes from (`err-lab-reference-required`);
//! - a price needs its currency (`err-currency-required`); a price "per"
//!   unit must be a unit the substance allows.

use crate::closed_list::closed_list;
use crate::decimal::Decimal;
use crate::error::{FieldError, FieldErrors};
use crate::money::{parse_optional_money, Money};
use crate::quantity::{MeasureUnit, Normalised, Quantity, UnitWeight};
use crate::substance::SubstanceCode;
use crate::text::{collapse_whitespace, non_blank, optional_single_line, refield, single_line};
use serde::Serialize;

closed_list! {
    /// The physical form of a seized item.
    DrugForm, field = "form",
    {
        Powder => "powder",
        /// Crystalline (for example "ice").
        Crystal => "crystal",
        Tablet => "tablet",
        Capsule => "capsule",
        Liquid => "liquid",
        /// Resin (hashish) or opium gum.
        Resin => "resin",
        /// Dried plant material (cannabis herb, kratom leaves).
        Herbal => "herbal",
        /// Living or freshly cut plants.
        Plant => "plant",
        Paste => "paste",
        /// Blotter paper (LSD).
        Blotter => "blotter",
        /// Sachets or drink packets ("happy water").
        Sachet => "sachet",
        Other => "other",
    }
}

closed_list! {
    /// How a seized item was packed.
    PackagingKind, field = "packaging_kind",
    {
        /// Tea packets, usually printed with a Chinese tea brand.
        TeaPacket => "tea_packet",
        PlasticBag => "plastic_bag",
        VacuumPack => "vacuum_pack",
        /// Wrapped blocks (heroin, opium).
        BlockWrap => "block_wrap",
        /// Boxes or cartons.
        Box => "box",
        Sachet => "sachet",
        Bottle => "bottle",
        /// Drums or jerrycans (liquid precursors).
        Drum => "drum",
        Sack => "sack",
        Other => "other",
    }
}

/// A text searched by what it says rather than how it was typed: a tablet
/// logo (`WY`, `999`, `R`) or a packaging brand. Kept as entered (trimmed)
/// for display, with a search key that is upper-cased with whitespace
/// collapsed: `wy` and ` WY ` share the key `WY`, while `W  Y` has the key
/// `W Y` (a space inside a logo is part of it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SearchLabel {
    as_entered: String,
    key: String,
}

impl SearchLabel {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let as_entered = s.trim();
        single_line(field, as_entered, Self::MAX_CHARS)?;
        Ok(Self {
            as_entered: as_entered.to_owned(),
            key: search_key(as_entered),
        })
    }

    pub fn as_entered(&self) -> &str {
        &self.as_entered
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The search key of a label: upper case, trimmed, runs of whitespace as
/// one space.
pub fn search_key(s: &str) -> String {
    collapse_whitespace(&s.to_uppercase())
}

/// The logo or markings on a tablet.
pub type TabletLogo = SearchLabel;

/// The packaging of an item: its kind and any brand printed on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Packaging {
    pub kind: Option<PackagingKind>,
    pub brand: Option<SearchLabel>,
}

/// Purity in per cent, as a laboratory reports it: more than 0, at most
/// 100, at most 3 decimals. A trailing `%` is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Purity(Decimal);

impl Purity {
    pub const MAX_DECIMALS: u8 = 3;

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        let t = t.strip_suffix('%').unwrap_or(t);
        let d = Decimal::parse("purity", t)?;
        if d.significant_decimals() > Self::MAX_DECIMALS {
            return Err(
                FieldError::new("purity", "err-number-decimals").with("max", Self::MAX_DECIMALS)
            );
        }
        if d.is_zero() || d > Decimal::from_integer(100) {
            return Err(FieldError::new("purity", "err-purity-range"));
        }
        Ok(Self(d))
    }

    pub fn percent(&self) -> Decimal {
        self.0
    }
}

/// A price: an amount of money, for the whole item (`per` is `None`) or per
/// unit of measure (30 THB per tablet, 4 000 USD per kg).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Price {
    pub money: Money,
    pub per: Option<MeasureUnit>,
}

/// The raw fields of one seized item, owned: what forms, the API and
/// imports hand over, and what storage keeps "as entered".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SeizureItemFields {
    pub substance: String,
    pub form: String,
    pub quantity: String,
    pub unit: String,
    pub tablet_count: String,
    pub unit_weight_mg: String,
    pub purity: String,
    pub lab_reference: String,
    pub tablet_logo: String,
    pub packaging_kind: String,
    pub packaging_brand: String,
    pub price: String,
    pub price_currency: String,
    pub price_per: String,
}

impl SeizureItemFields {
    /// The same fields with surrounding spaces removed (what is stored).
    pub fn trimmed(&self) -> Self {
        let t = |s: &String| s.trim().to_owned();
        Self {
            substance: t(&self.substance),
            form: t(&self.form),
            quantity: t(&self.quantity),
            unit: t(&self.unit),
            tablet_count: t(&self.tablet_count),
            unit_weight_mg: t(&self.unit_weight_mg),
            purity: t(&self.purity),
            lab_reference: t(&self.lab_reference),
            tablet_logo: t(&self.tablet_logo),
            packaging_kind: t(&self.packaging_kind),
            packaging_brand: t(&self.packaging_brand),
            price: t(&self.price),
            price_currency: t(&self.price_currency),
            price_per: t(&self.price_per),
        }
    }

    pub fn as_input(&self) -> SeizureItemInput<'_> {
        SeizureItemInput {
            substance: &self.substance,
            form: &self.form,
            quantity: &self.quantity,
            unit: &self.unit,
            tablet_count: &self.tablet_count,
            unit_weight_mg: &self.unit_weight_mg,
            purity: &self.purity,
            lab_reference: &self.lab_reference,
            tablet_logo: &self.tablet_logo,
            packaging_kind: &self.packaging_kind,
            packaging_brand: &self.packaging_brand,
            price: &self.price,
            price_currency: &self.price_currency,
            price_per: &self.price_per,
        }
    }
}

/// The raw fields of one seized item.
#[derive(Debug, Clone, Default)]
pub struct SeizureItemInput<'a> {
    pub substance: &'a str,
    pub form: &'a str,
    pub quantity: &'a str,
    pub unit: &'a str,
    pub tablet_count: &'a str,
    pub unit_weight_mg: &'a str,
    pub purity: &'a str,
    pub lab_reference: &'a str,
    pub tablet_logo: &'a str,
    pub packaging_kind: &'a str,
    pub packaging_brand: &'a str,
    pub price: &'a str,
    pub price_currency: &'a str,
    /// Empty: the price is for the whole item.
    pub price_per: &'a str,
}

/// A validated seized item. Its fields are private because they depend on
/// each other (the unit on the substance, the count on the form).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeizureItem {
    substance: SubstanceCode,
    form: Option<DrugForm>,
    quantity: Quantity,
    tablet_count: Option<u64>,
    unit_weight: Option<UnitWeight>,
    purity: Option<Purity>,
    lab_reference: Option<String>,
    tablet_logo: Option<TabletLogo>,
    packaging: Option<Packaging>,
    price: Option<Price>,
    normalised: Normalised,
}

impl SeizureItem {
    pub fn substance(&self) -> SubstanceCode {
        self.substance
    }

    pub fn form(&self) -> Option<DrugForm> {
        self.form
    }

    /// The quantity as entered.
    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// The number of tablets or capsules: the quantity itself when counted,
    /// or the count given beside a weight.
    pub fn tablet_count(&self) -> Option<u64> {
        self.tablet_count
    }

    pub fn unit_weight(&self) -> Option<UnitWeight> {
        self.unit_weight
    }

    pub fn purity(&self) -> Option<Purity> {
        self.purity
    }

    pub fn lab_reference(&self) -> Option<&str> {
        self.lab_reference.as_deref()
    }

    pub fn tablet_logo(&self) -> Option<&TabletLogo> {
        self.tablet_logo.as_ref()
    }

    pub fn packaging(&self) -> Option<&Packaging> {
        self.packaging.as_ref()
    }

    pub fn price(&self) -> Option<Price> {
        self.price
    }

    /// The quantity normalised (grams, millilitres, count, hectares) by the
    /// rules of [`crate::quantity`]; a tablet count given beside a weight is
    /// the count.
    pub fn normalised(&self) -> Normalised {
        self.normalised
    }
}

impl SeizureItemInput<'_> {
    pub const LAB_REFERENCE_MAX: usize = 100;

    /// Validates every field and the rules between them, collecting all
    /// errors.
    pub fn parse(&self) -> Result<SeizureItem, FieldErrors> {
        let mut errors = FieldErrors::new();

        let substance = errors.take(SubstanceCode::parse(self.substance));
        let unit = if self.unit.trim().is_empty() {
            errors.push(FieldError::new("unit", "err-required"));
            None
        } else {
            errors.take(MeasureUnit::parse(self.unit))
        };
        if let (Some(s), Some(u)) = (substance, unit) {
            if !s.substance().allows(u) {
                errors.push(unit_not_allowed("unit", s, u));
            }
        }
        let value = errors.take(Decimal::parse("quantity", self.quantity));
        let quantity = match (value, unit) {
            (Some(v), Some(u)) => errors.take(Quantity::new(v, u)),
            _ => None,
        };

        // Form: given, or implied by a tablet or capsule unit.
        let given_form = non_blank(self.form).and_then(|f| errors.take(DrugForm::parse(f)));
        let form = match (given_form, unit) {
            (None, Some(MeasureUnit::Tablets)) => Some(DrugForm::Tablet),
            (None, Some(MeasureUnit::Capsules)) => Some(DrugForm::Capsule),
            (f, _) => f,
        };
        if let (Some(f), Some(u)) = (given_form, unit) {
            if !form_fits_unit(f, u) {
                errors.push(
                    FieldError::new("form", "err-form-unit-mismatch")
                        .with("form", f.as_str())
                        .with("unit", u.as_str()),
                );
            }
        }

        // Tablet count.
        let is_tablets = match form {
            Some(f) => matches!(f, DrugForm::Tablet | DrugForm::Capsule),
            None => substance.is_some_and(|s| s.substance().is_tablet_substance()),
        };
        let given_count = non_blank(self.tablet_count).and_then(|c| {
            errors.take(
                Decimal::parse("tablet_count", c)
                    .and_then(|d| Quantity::checked("tablet_count", d, MeasureUnit::Tablets)),
            )
        });
        let counted = matches!(unit, Some(MeasureUnit::Tablets | MeasureUnit::Capsules));
        let tablet_count = if counted {
            let q = quantity.and_then(|q| q.count());
            if let (Some(given), Some(q)) = (given_count.and_then(|g| g.count()), q) {
                if given != q {
                    errors.push(
                        FieldError::new("tablet_count", "err-tablet-count-mismatch")
                            .with("quantity", q),
                    );
                }
            }
            q
        } else if is_tablets {
            let weighed = unit.is_some_and(|u| !u.is_count());
            if weighed && self.tablet_count.trim().is_empty() {
                errors.push(FieldError::new("tablet_count", "err-tablet-count-required"));
            }
            given_count.and_then(|g| g.count())
        } else {
            if given_count.is_some() {
                errors.push(FieldError::new(
                    "tablet_count",
                    "err-tablet-count-unexpected",
                ));
            }
            None
        };

        // Weight per unit: only for counted quantities.
        let unit_weight =
            non_blank(self.unit_weight_mg).and_then(|w| errors.take(UnitWeight::parse(w)));
        if unit_weight.is_some() && unit.is_some_and(|u| !u.is_count()) {
            errors.push(FieldError::new(
                UnitWeight::FIELD,
                "err-unit-weight-not-count",
            ));
        }

        // Purity and its laboratory reference.
        let purity = non_blank(self.purity).and_then(|p| errors.take(Purity::parse(p)));
        let lab_reference = errors
            .take(optional_single_line(
                "lab_reference",
                self.lab_reference,
                Self::LAB_REFERENCE_MAX,
            ))
            .flatten();
        if purity.is_some() && lab_reference.is_none() && self.lab_reference.trim().is_empty() {
            errors.push(FieldError::new(
                "lab_reference",
                "err-lab-reference-required",
            ));
        }

        // Searchable attributes.
        let tablet_logo = non_blank(self.tablet_logo)
            .and_then(|l| errors.take(SearchLabel::parse("tablet_logo", l)));
        let packaging_kind =
            non_blank(self.packaging_kind).and_then(|k| errors.take(PackagingKind::parse(k)));
        let packaging_brand = non_blank(self.packaging_brand)
            .and_then(|b| errors.take(SearchLabel::parse("packaging_brand", b)));
        let packaging =
            (packaging_kind.is_some() || packaging_brand.is_some()).then_some(Packaging {
                kind: packaging_kind,
                brand: packaging_brand,
            });

        // Price.
        let money = match parse_optional_money(
            "price",
            self.price,
            "price_currency",
            self.price_currency,
        ) {
            Ok(m) => m,
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let per = non_blank(self.price_per)
            .filter(|_| !self.price.trim().is_empty())
            .and_then(|p| errors.take(MeasureUnit::parse(p).map_err(|e| refield(e, "price_per"))));
        if let (Some(s), Some(p)) = (substance, per) {
            if !s.substance().allows(p) {
                errors.push(unit_not_allowed("price_per", s, p));
            }
        }
        let price = money.map(|money| Price { money, per });

        let (Some(substance), Some(quantity)) = (substance, quantity) else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut normalised = match unit_weight {
            Some(w) => quantity
                .normalise_with_unit_weight(w)
                .map_err(FieldErrors::from)?,
            None => quantity.normalise(),
        };
        if let (false, Some(c)) = (counted, tablet_count) {
            normalised = normalised.with_count(c);
        }
        Ok(SeizureItem {
            substance,
            form,
            quantity,
            tablet_count,
            unit_weight,
            purity,
            lab_reference,
            tablet_logo,
            packaging,
            price,
            normalised,
        })
    }
}

fn unit_not_allowed(field: &'static str, s: SubstanceCode, u: MeasureUnit) -> FieldError {
    let allowed: Vec<&str> = s
        .substance()
        .allowed_units()
        .iter()
        .map(MeasureUnit::as_str)
        .collect();
    FieldError::new(field, "err-unit-not-allowed")
        .with("unit", u.as_str())
        .with("substance", s.as_str())
        .with("allowed", allowed.join(", "))
}

/// Tablets must be tablets and capsules capsules; a tablet or capsule form
/// may also be weighed, but not measured in litres, hectares or other
/// counts.
fn form_fits_unit(form: DrugForm, unit: MeasureUnit) -> bool {
    use crate::quantity::Dimension;
    match unit {
        MeasureUnit::Tablets => form == DrugForm::Tablet,
        MeasureUnit::Capsules => form == DrugForm::Capsule,
        u => {
            !matches!(form, DrugForm::Tablet | DrugForm::Capsule)
                || u.dimension() == Dimension::Mass
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::quantity::MassBasis;
    use proptest::prelude::*;

    fn keys(e: &FieldErrors) -> Vec<(&'static str, &'static str)> {
        e.0.iter().map(|e| (e.field, e.key)).collect()
    }

    fn yaba<'a>() -> SeizureItemInput<'a> {
        SeizureItemInput {
            substance: "METH_TABLET",
            quantity: "200 000",
            unit: "tablets",
            tablet_logo: " wy ",
            packaging_kind: "plastic_bag",
            price: "25",
            price_currency: "THB",
            price_per: "tablets",
            ..SeizureItemInput::default()
        }
    }

    #[test]
    fn a_counted_tablet_seizure() {
        let item = yaba().parse().unwrap();
        assert_eq!(item.substance().as_str(), "METH_TABLET");
        assert_eq!(item.form(), Some(DrugForm::Tablet));
        assert_eq!(item.tablet_count(), Some(200_000));
        assert_eq!(item.normalised().count(), Some(200_000));
        assert_eq!(item.normalised().grams(), None);
        let logo = item.tablet_logo().unwrap();
        assert_eq!((logo.as_entered(), logo.key()), ("wy", "WY"));
        let price = item.price().unwrap();
        assert_eq!(price.money.to_string(), "25.00 THB");
        assert_eq!(price.money.currency(), Currency::Thb);
        assert_eq!(price.per, Some(MeasureUnit::Tablets));
        assert_eq!(
            item.packaging().unwrap().kind,
            Some(PackagingKind::PlasticBag)
        );
    }

    #[test]
    fn weighed_tablets_need_their_count() {
        let weighed = SeizureItemInput {
            quantity: "20",
            unit: "kg",
            price_per: "",
            ..yaba()
        };
        assert_eq!(
            keys(&weighed.parse().unwrap_err()),
            vec![("tablet_count", "err-tablet-count-required")]
        );
        let item = SeizureItemInput {
            tablet_count: "200000",
            ..weighed.clone()
        }
        .parse()
        .unwrap();
        assert_eq!(item.tablet_count(), Some(200_000));
        let n = item.normalised();
        assert_eq!(n.grams().unwrap().to_string(), "20000");
        assert_eq!(n.count(), Some(200_000));
        assert_eq!(n.mass_basis(), Some(MassBasis::Weighed));
        // A powder of a tablet substance is not tablets.
        assert!(SeizureItemInput {
            form: "powder",
            ..weighed.clone()
        }
        .parse()
        .is_ok());
    }

    #[test]
    fn grams_from_counts_only_with_an_explicit_weight() {
        let item = SeizureItemInput {
            unit_weight_mg: "95",
            ..yaba()
        }
        .parse()
        .unwrap();
        let n = item.normalised();
        assert_eq!(n.grams().unwrap().to_string(), "19000");
        assert_eq!(n.mass_basis(), Some(MassBasis::FromUnitWeight));
        assert_eq!(n.count(), Some(200_000));
    }

    #[test]
    fn a_precursor_seizure() {
        let item = SeizureItemInput {
            substance: "propionyl chloride",
            quantity: "72",
            unit: "t",
            packaging_kind: "drum",
            ..SeizureItemInput::default()
        }
        .parse()
        .unwrap();
        assert_eq!(item.normalised().grams().unwrap().to_string(), "72000000");
        let litres = SeizureItemInput {
            substance: "ACETIC_ANHYDRIDE",
            quantity: "1020",
            unit: "L",
            ..SeizureItemInput::default()
        }
        .parse()
        .unwrap();
        assert_eq!(
            litres.normalised().millilitres().unwrap().to_string(),
            "1020000"
        );
        let e = SeizureItemInput {
            substance: "EPHEDRINE",
            quantity: "5",
            unit: "tablets",
            ..SeizureItemInput::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(keys(&e), vec![("unit", "err-unit-not-allowed")]);
        assert_eq!(
            e.0[0].args,
            vec![
                ("unit", "tablets".to_owned()),
                ("substance", "EPHEDRINE".to_owned()),
                ("allowed", "mg, g, kg, t, ml, l".to_owned())
            ]
        );
    }

    #[test]
    fn purity_and_lab_reference() {
        let item = SeizureItemInput {
            substance: "METH_CRYSTAL",
            quantity: "1.05",
            unit: "kg",
            purity: "78.5 %",
            lab_reference: "LAB-2026/118",
            packaging_kind: "tea_packet",
            packaging_brand: "  Guanyinwang ",
            ..SeizureItemInput::default()
        }
        .parse()
        .unwrap();
        assert_eq!(item.purity().unwrap().percent().to_string(), "78.5");
        assert_eq!(item.lab_reference(), Some("LAB-2026/118"));
        assert_eq!(
            item.packaging().unwrap().brand.as_ref().unwrap().key(),
            "GUANYINWANG"
        );
        let table: &[(&str, Option<&str>)] = &[
            ("100", None),
            ("0.001", None),
            ("100%", None),
            ("0", Some("err-purity-range")),
            ("100.001", Some("err-purity-range")),
            ("150", Some("err-purity-range")),
            ("-5", Some("err-positive")),
            ("12.3456", Some("err-number-decimals")),
            ("85,5", Some("err-number-comma")),
            ("high", Some("err-number")),
        ];
        for (input, expected) in table {
            let got = Purity::parse(input).err().map(|e| {
                assert_eq!(e.field, "purity");
                e.key
            });
            assert_eq!(got, *expected, "{input:?}");
        }
    }

    #[test]
    fn every_error_is_reported() {
        let long_logo = "W".repeat(101);
        let cases: Vec<(SeizureItemInput<'_>, Vec<(&str, &str)>)> = vec![
            (
                SeizureItemInput::default(),
                vec![
                    ("substance", "err-required"),
                    ("unit", "err-required"),
                    ("quantity", "err-required"),
                ],
            ),
            (
                SeizureItemInput {
                    substance: "YABA",
                    quantity: "1",
                    unit: "bushel",
                    ..SeizureItemInput::default()
                },
                vec![
                    ("substance", "err-substance-unknown"),
                    ("unit", "err-measure-unit"),
                ],
            ),
            (
                SeizureItemInput {
                    substance: "HEROIN",
                    quantity: "1,5",
                    unit: "l",
                    ..SeizureItemInput::default()
                },
                vec![
                    ("unit", "err-unit-not-allowed"),
                    ("quantity", "err-number-comma"),
                ],
            ),
            (
                SeizureItemInput {
                    substance: "HEROIN",
                    quantity: "0.7",
                    unit: "kg",
                    tablet_count: "12",
                    unit_weight_mg: "350",
                    purity: "65",
                    price: "9000",
                    ..SeizureItemInput::default()
                },
                vec![
                    ("tablet_count", "err-tablet-count-unexpected"),
                    ("unit_weight_mg", "err-unit-weight-not-count"),
                    ("lab_reference", "err-lab-reference-required"),
                    ("price_currency", "err-currency-required"),
                ],
            ),
            (
                SeizureItemInput {
                    form: "powder",
                    tablet_count: "199999",
                    price_per: "ha",
                    ..yaba()
                },
                vec![
                    ("form", "err-form-unit-mismatch"),
                    ("tablet_count", "err-tablet-count-mismatch"),
                    ("price_per", "err-unit-not-allowed"),
                ],
            ),
            (
                SeizureItemInput {
                    quantity: "2.5",
                    tablet_logo: &long_logo,
                    packaging_kind: "crate",
                    price_currency: "EUR",
                    ..yaba()
                },
                vec![
                    ("quantity", "err-quantity-whole"),
                    ("tablet_logo", "err-too-long"),
                    ("packaging_kind", "err-choice"),
                    ("price_currency", "err-choice"),
                ],
            ),
            (
                SeizureItemInput {
                    substance: "CANNABIS_PLANT",
                    quantity: "1500",
                    unit: "plants",
                    form: "tablet",
                    ..SeizureItemInput::default()
                },
                vec![("form", "err-form-unit-mismatch")],
            ),
            (
                SeizureItemInput {
                    substance: "ECSTASY_TABLET",
                    quantity: "1000000001",
                    unit: "tablets",
                    form: "capsule",
                    ..SeizureItemInput::default()
                },
                vec![
                    ("quantity", "err-quantity-too-large"),
                    ("form", "err-form-unit-mismatch"),
                ],
            ),
        ];
        for (input, expected) in cases {
            let got = input.parse().map(|_| ()).map_err(|e| keys(&e));
            assert_eq!(got, Err(expected), "{input:?}");
        }
    }

    #[test]
    fn other_units_and_forms() {
        let ok = |i: SeizureItemInput<'_>| i.parse().map(|_| ()).map_err(|e| keys(&e));
        assert_eq!(
            ok(SeizureItemInput {
                substance: "OPIUM_POPPY_PLANT",
                quantity: "12.5",
                unit: "ha",
                ..SeizureItemInput::default()
            }),
            Ok(())
        );
        assert_eq!(
            ok(SeizureItemInput {
                substance: "LSD",
                quantity: "300",
                unit: "units",
                form: "blotter",
                ..SeizureItemInput::default()
            }),
            Ok(())
        );
        assert_eq!(
            ok(SeizureItemInput {
                substance: "TRAMADOL",
                quantity: "5000",
                unit: "capsules",
                ..SeizureItemInput::default()
            }),
            Ok(())
        );
        // A pharmaceutical opioid counted in ampoules (units) is not tablets.
        assert_eq!(
            ok(SeizureItemInput {
                substance: "PHARMA_OPIOID",
                quantity: "40",
                unit: "units",
                form: "liquid",
                ..SeizureItemInput::default()
            }),
            Ok(())
        );
        // Price and its "per" are ignored without an amount.
        assert_eq!(
            ok(SeizureItemInput {
                price: "",
                price_currency: "USD",
                price_per: "bushel",
                ..yaba()
            }),
            Ok(())
        );
    }

    #[test]
    fn closed_lists() {
        for f in DrugForm::ALL {
            assert_eq!(DrugForm::parse(f.as_str()).unwrap(), *f);
        }
        for k in PackagingKind::ALL {
            assert_eq!(PackagingKind::parse(k.as_str()).unwrap(), *k);
        }
        assert_eq!(DrugForm::parse("gas").unwrap_err().field, "form");
    }

    #[test]
    fn labels() {
        let l = SearchLabel::parse("tablet_logo", "  wy\t 999 ").unwrap();
        assert_eq!(l.as_entered(), "wy\t 999");
        assert_eq!(l.key(), "WY 999");
        assert_eq!(
            SearchLabel::parse("tablet_logo", " ").unwrap_err().key,
            "err-required"
        );
        assert_eq!(
            SearchLabel::parse("tablet_logo", "a\u{1}").unwrap_err().key,
            "err-control-chars"
        );
        assert_eq!(search_key("ມ້າ 1"), "ມ້າ 1");
    }

    proptest! {
        #[test]
        fn search_keys_are_stable(s in "\\PC{0,40}") {
            let k = search_key(&s);
            prop_assert_eq!(search_key(&k), k.clone());
            prop_assert!(!k.starts_with(' ') && !k.ends_with(' ') && !k.contains("  "));
        }

        /// Case does not matter, for the scripts logos are written in.
        /// (Not for every code point: the ohm sign Ω upper-cases to itself
        /// but lower-cases to ω, whose upper case is the Greek Ω.)
        #[test]
        fn search_keys_ignore_case(s in "[a-zA-Z0-9 àâéêôđươăÀÂÉÊÔĐƯƠĂກຂຄງຈ໑໒]{0,30}") {
            prop_assert_eq!(search_key(&s.to_lowercase()), search_key(&s.to_uppercase()));
        }

        #[test]
        fn labels_differing_in_case_and_spacing_share_a_key(s in "[a-zA-Z0-9]{1,5}( [a-zA-Z0-9]{1,5}){0,3}") {
            let a = SearchLabel::parse("tablet_logo", &s).unwrap();
            let spaced = format!("  {}  ", s.to_lowercase().replace(' ', " \t "));
            let b = SearchLabel::parse("tablet_logo", &spaced).unwrap();
            prop_assert_eq!(a.key(), b.key());
        }

        #[test]
        fn item_parsing_never_panics(
            substance in "\\PC{0,12}|METH_TABLET|HEROIN|ACETONE|LSD",
            quantity in "\\PC{0,12}|[0-9]{1,12}(\\.[0-9]{1,4})?",
            unit in "\\PC{0,6}|kg|g|tablets|l|units|ha|plants",
            count in "|[0-9]{1,10}",
            weight in "|[0-9]{1,5}",
            purity in "|[0-9]{1,3}(\\.[0-9])?",
            price in "|[0-9]{1,8}",
        ) {
            let _ = SeizureItemInput {
                substance: &substance,
                quantity: &quantity,
                unit: &unit,
                tablet_count: &count,
                unit_weight_mg: &weight,
                purity: &purity,
                lab_reference: "L1",
                price: &price,
                price_currency: "USD",
                ..SeizureItemInput::default()
            }
            .parse();
        }
    }
}
