//! Quantities of seized substances: the value and unit as entered, and the
//! same quantity normalised for analysis.
//!
//! # Units
//!
//! The units are those the reference taxonomy uses (`data/reference/
//! drugs.csv`: kg, L, tablets, units, plants, ha) and their everyday
//! relatives: mass in mg, g, kg, t; volume in ml, l; counts of tablets,
//! capsules, units (a blotter, a dose, a sachet: the item's form says what
//! one unit is) and plants; area in ha.
//!
//! # Normalisation rules
//!
//! A quantity is stored as entered (`12.5 kg` stays 12.5 kg) and also
//! normalised, exactly, by these rules:
//!
//! - mass → grams (1 t = 1 000 000 g, 1 kg = 1 000 g, 1 mg = 0.001 g);
//! - volume → millilitres (1 l = 1 000 ml);
//! - counts stay counts of their own unit;
//! - area → hectares.
//!
//! Nothing is ever converted across dimensions: litres are not turned into
//! grams (densities differ and are unknown) and tablets are not turned into
//! grams — unless the user gives a weight per tablet (or per unit) as a
//! separate input ([`UnitWeight`]), in which case the grams are marked as
//! derived ([`MassBasis::FromUnitWeight`]).
//!
//! Internally each dimension has a smallest step, and a typed value must be
//! a whole number of steps, so normalisation never rounds: 1 µg for mass,
//! 1 µl for volume, 1 m² (0.0001 ha) for area, and 1 for counts. `0.5 mg`
//! is accepted; `0.0005 mg` is refused (`err-quantity-precision`), as is
//! `2.5 tablets` (`err-quantity-whole`).
//!
//! # Plausibility bounds
//!
//! A quantity must be greater than zero and at most:
//!
//! | dimension | largest accepted | why |
//! |---|---|---|
//! | mass | 1 000 t | the largest precursor seizures in the region are tens of tonnes (72 t of propionyl chloride at Houayxay, 2020); drugs, a few tonnes |
//! | volume | 1 000 000 l | bulk liquid precursors in drums and tankers |
//! | count | 1 000 000 000 | the largest single methamphetamine tablet seizures in the region are tens to a couple of hundred million tablets (55.6 million in Bokeo, 2021; figures from recall) |
//! | area | 100 000 ha | above any single cultivation or eradication record in Lao PDR |
//!
//! The bounds catch slips such as a gram figure typed into a tonne field;
//! they are not estimates of what is possible, and can be raised here if a
//! real record needs it.

use crate::decimal::Decimal;
use crate::error::FieldError;
use serde::Serialize;
use std::fmt;

/// What a unit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Mass,
    Volume,
    Count,
    Area,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [Self::Mass, Self::Volume, Self::Count, Self::Area];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Mass => "mass",
            Self::Volume => "volume",
            Self::Count => "count",
            Self::Area => "area",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| FieldError::new("dimension", "err-choice").with("value", t))
    }

    /// The largest accepted quantity, in steps of the dimension's smallest
    /// unit (µg, µl, one, m²). See the module documentation.
    pub fn max_steps(&self) -> u64 {
        match self {
            Self::Mass => 1_000_000_000_000_000, // 1 000 t in µg
            Self::Volume => 1_000_000_000_000,   // 1 000 000 l in µl
            Self::Count => 1_000_000_000,
            Self::Area => 1_000_000_000, // 100 000 ha in m²
        }
    }
}

/// A unit of measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureUnit {
    Mg,
    G,
    Kg,
    T,
    Ml,
    L,
    Tablets,
    Capsules,
    Units,
    Plants,
    Ha,
}

impl MeasureUnit {
    pub const ALL: [MeasureUnit; 11] = [
        Self::Mg,
        Self::G,
        Self::Kg,
        Self::T,
        Self::Ml,
        Self::L,
        Self::Tablets,
        Self::Capsules,
        Self::Units,
        Self::Plants,
        Self::Ha,
    ];

    /// The storage and wire form (lower case: `l`, not `L`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Mg => "mg",
            Self::G => "g",
            Self::Kg => "kg",
            Self::T => "t",
            Self::Ml => "ml",
            Self::L => "l",
            Self::Tablets => "tablets",
            Self::Capsules => "capsules",
            Self::Units => "units",
            Self::Plants => "plants",
            Self::Ha => "ha",
        }
    }

    /// The symbol shown to people (`L` for litres, `mL`).
    pub fn symbol(&self) -> &'static str {
        match self {
            Self::Ml => "mL",
            Self::L => "L",
            other => other.as_str(),
        }
    }

    /// Parses a unit, ignoring case, with a few spelled-out names:
    /// `gram(s)`, `kilo(s)`, `kilogram(s)`, `milligram(s)`, `tonne(s)`,
    /// `litre(s)`/`liter(s)`, `millilitre(s)`/`milliliter(s)`, `tablet`,
    /// `capsule`, `unit`, `plant`, `hectare(s)`. "ton" is not accepted (short,
    /// long or metric?).
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        let unit = match t.to_lowercase().as_str() {
            "mg" | "milligram" | "milligrams" => Self::Mg,
            "g" | "gram" | "grams" => Self::G,
            "kg" | "kilo" | "kilos" | "kilogram" | "kilograms" => Self::Kg,
            "t" | "tonne" | "tonnes" => Self::T,
            "ml" | "millilitre" | "millilitres" | "milliliter" | "milliliters" => Self::Ml,
            "l" | "litre" | "litres" | "liter" | "liters" => Self::L,
            "tablets" | "tablet" => Self::Tablets,
            "capsules" | "capsule" => Self::Capsules,
            "units" | "unit" => Self::Units,
            "plants" | "plant" => Self::Plants,
            "ha" | "hectare" | "hectares" => Self::Ha,
            _ => return Err(FieldError::new("unit", "err-measure-unit").with("value", t)),
        };
        Ok(unit)
    }

    pub fn dimension(&self) -> Dimension {
        match self {
            Self::Mg | Self::G | Self::Kg | Self::T => Dimension::Mass,
            Self::Ml | Self::L => Dimension::Volume,
            Self::Tablets | Self::Capsules | Self::Units | Self::Plants => Dimension::Count,
            Self::Ha => Dimension::Area,
        }
    }

    /// How many decimal places of this unit make one step of its
    /// dimension's smallest unit: 1 kg = 10^9 µg, so 9.
    pub fn step_exponent(&self) -> u8 {
        match self {
            Self::Mg => 3,
            Self::G => 6,
            Self::Kg => 9,
            Self::T => 12,
            Self::Ml => 3,
            Self::L => 6,
            Self::Tablets | Self::Capsules | Self::Units | Self::Plants => 0,
            Self::Ha => 4,
        }
    }

    pub fn is_count(&self) -> bool {
        self.dimension() == Dimension::Count
    }
}

impl fmt::Display for MeasureUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A positive quantity in a unit, within the plausibility bounds, exactly
/// convertible to its dimension's smallest step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quantity {
    value: Decimal,
    unit: MeasureUnit,
    #[serde(skip)]
    steps: u64,
}

impl Quantity {
    /// Parses the value and unit of a quantity, reporting errors on the
    /// fields `quantity` and `unit`. A form that wants both errors at once
    /// parses them separately and calls [`Quantity::new`].
    pub fn parse(value: &str, unit: &str) -> Result<Self, FieldError> {
        let unit = MeasureUnit::parse(unit)?;
        let value = Decimal::parse("quantity", value)?;
        Self::new(value, unit)
    }

    /// Checks a parsed value against the unit: positive, a whole number of
    /// steps, within bounds.
    pub fn new(value: Decimal, unit: MeasureUnit) -> Result<Self, FieldError> {
        Self::checked("quantity", value, unit)
    }

    /// [`Quantity::new`] reporting on another field (a tablet count, a
    /// weight per tablet).
    pub(crate) fn checked(
        field: &'static str,
        value: Decimal,
        unit: MeasureUnit,
    ) -> Result<Self, FieldError> {
        let dim = unit.dimension();
        if value.is_zero() {
            return Err(FieldError::new(field, "err-positive"));
        }
        let exp = unit.step_exponent();
        if value.significant_decimals() > exp {
            return Err(if dim == Dimension::Count {
                FieldError::new(field, "err-quantity-whole").with("unit", unit.as_str())
            } else {
                FieldError::new(field, "err-quantity-precision")
                    .with("unit", unit.as_str())
                    .with("max", exp)
            });
        }
        let max = dim.max_steps();
        let too_large = || {
            let shown = Decimal::from_parts(max, exp).map(|d| d.trimmed().to_string());
            FieldError::new(field, "err-quantity-too-large")
                .with("max", shown.unwrap_or_default())
                .with("unit", unit.as_str())
        };
        let steps = value.to_scaled(exp).ok_or_else(too_large)?;
        if steps > max {
            return Err(too_large());
        }
        Ok(Self { value, unit, steps })
    }

    /// The value as entered (with its decimal places).
    pub fn value(&self) -> Decimal {
        self.value
    }

    pub fn unit(&self) -> MeasureUnit {
        self.unit
    }

    pub fn dimension(&self) -> Dimension {
        self.unit.dimension()
    }

    /// For a count, the number of items.
    pub fn count(&self) -> Option<u64> {
        self.unit.is_count().then_some(self.steps)
    }

    /// The quantity normalised within its own dimension.
    pub fn normalise(&self) -> Normalised {
        let mut n = Normalised::default();
        match self.dimension() {
            Dimension::Mass => {
                n.micrograms = Some(self.steps);
                n.mass_basis = Some(MassBasis::Weighed);
            }
            Dimension::Volume => n.microlitres = Some(self.steps),
            Dimension::Count => n.count = Some(self.steps),
            Dimension::Area => n.square_metres = Some(self.steps),
        }
        n
    }

    /// The quantity normalised, with grams derived from a count and an
    /// explicit weight per item. Refused for a quantity that is not a count
    /// (`err-unit-weight-not-count` on `unit_weight_mg`).
    pub fn normalise_with_unit_weight(&self, weight: UnitWeight) -> Result<Normalised, FieldError> {
        if !self.unit.is_count() {
            return Err(FieldError::new(
                UnitWeight::FIELD,
                "err-unit-weight-not-count",
            ));
        }
        let mut n = self.normalise();
        // At most 10^9 items × 5·10^6 µg: far inside u64, but checked.
        n.micrograms = self.steps.checked_mul(weight.micrograms);
        n.mass_basis = n.micrograms.map(|_| MassBasis::FromUnitWeight);
        Ok(n)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit.symbol())
    }
}

/// Where a normalised mass came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MassBasis {
    /// Entered as a mass.
    Weighed,
    /// Computed as count × the weight per item given by the user.
    FromUnitWeight,
}

impl MassBasis {
    pub const ALL: [MassBasis; 2] = [Self::Weighed, Self::FromUnitWeight];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Weighed => "weighed",
            Self::FromUnitWeight => "from_unit_weight",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|b| b.as_str() == t)
            .ok_or_else(|| FieldError::new("mass_basis", "err-choice").with("value", t))
    }
}

/// A quantity normalised within its dimension. At most one of grams,
/// millilitres and hectares is present; grams may sit beside a count only
/// when derived from an explicit weight per item (or, in a seizure item,
/// when a weighed quantity has a separate tablet count).
///
/// The exact integer forms (`micrograms`, `microlitres`, `square_metres`)
/// are what storage keeps; the decimal forms are for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Normalised {
    micrograms: Option<u64>,
    microlitres: Option<u64>,
    count: Option<u64>,
    square_metres: Option<u64>,
    mass_basis: Option<MassBasis>,
}

impl Normalised {
    pub fn grams(&self) -> Option<Decimal> {
        self.micrograms
            .and_then(|u| Decimal::from_parts(u, 6))
            .map(|d| d.trimmed())
    }

    pub fn millilitres(&self) -> Option<Decimal> {
        self.microlitres
            .and_then(|u| Decimal::from_parts(u, 3))
            .map(|d| d.trimmed())
    }

    pub fn hectares(&self) -> Option<Decimal> {
        self.square_metres
            .and_then(|u| Decimal::from_parts(u, 4))
            .map(|d| d.trimmed())
    }

    pub fn count(&self) -> Option<u64> {
        self.count
    }

    pub fn micrograms(&self) -> Option<u64> {
        self.micrograms
    }

    pub fn microlitres(&self) -> Option<u64> {
        self.microlitres
    }

    pub fn square_metres(&self) -> Option<u64> {
        self.square_metres
    }

    pub fn mass_basis(&self) -> Option<MassBasis> {
        self.mass_basis
    }

    /// Adds a separately recorded count (a tablet count beside a weighed
    /// quantity).
    pub(crate) fn with_count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }
}

/// The weight of one tablet, capsule or unit in milligrams, given by the
/// user (from a laboratory report or a weighed sample): more than 0 and at
/// most 5 000 mg, at most 3 decimals (1 µg). Only with it are counts turned
/// into grams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UnitWeight {
    milligrams: Decimal,
    #[serde(skip)]
    micrograms: u64,
}

impl UnitWeight {
    pub const FIELD: &'static str = "unit_weight_mg";
    /// 5 g: above any tablet or sachet; a slip guard like the other bounds.
    pub const MAX_MICROGRAMS: u64 = 5_000_000;

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let d = Decimal::parse(Self::FIELD, s)?;
        Self::new(d)
    }

    pub fn new(milligrams: Decimal) -> Result<Self, FieldError> {
        let q = Quantity::checked(Self::FIELD, milligrams, MeasureUnit::Mg)?;
        if q.steps > Self::MAX_MICROGRAMS {
            return Err(FieldError::new(Self::FIELD, "err-quantity-too-large")
                .with("max", "5000")
                .with("unit", "mg"));
        }
        Ok(Self {
            milligrams,
            micrograms: q.steps,
        })
    }

    pub fn milligrams(&self) -> Decimal {
        self.milligrams
    }

    pub fn micrograms(&self) -> u64 {
        self.micrograms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Expected<'a> = Result<&'a str, (&'a str, &'a str)>;

    fn check(value: &str, unit: &str, expected: Expected<'_>) {
        let got = Quantity::parse(value, unit)
            .map(|q| q.to_string())
            .map_err(|e| (e.field, e.key));
        assert_eq!(got, expected.map(str::to_owned), "{value:?} {unit:?}");
    }

    #[test]
    fn quantities() {
        let table: &[(&str, &str, Expected<'_>)] = &[
            ("12.5", "kg", Ok("12.5 kg")),
            ("12.50", "KG", Ok("12.50 kg")),
            ("0.5", "mg", Ok("0.5 mg")),
            ("1000", "t", Ok("1000 t")),
            ("1 000 000", "L", Ok("1000000 L")),
            ("250", "ml", Ok("250 mL")),
            ("1000000000", "tablets", Ok("1000000000 tablets")),
            ("3.0", "tablets", Ok("3.0 tablets")),
            ("0.0001", "ha", Ok("0.0001 ha")),
            ("12", "litres", Ok("12 L")),
            ("5", "Tablet", Ok("5 tablets")),
            ("5", "ton", Err(("unit", "err-measure-unit"))),
            ("5", "", Err(("unit", "err-measure-unit"))),
            ("", "kg", Err(("quantity", "err-required"))),
            ("0", "kg", Err(("quantity", "err-positive"))),
            ("0.000", "g", Err(("quantity", "err-positive"))),
            ("-1", "kg", Err(("quantity", "err-positive"))),
            ("1,5", "kg", Err(("quantity", "err-number-comma"))),
            ("2.5", "tablets", Err(("quantity", "err-quantity-whole"))),
            ("1.5", "plants", Err(("quantity", "err-quantity-whole"))),
            ("0.0005", "mg", Err(("quantity", "err-quantity-precision"))),
            ("0.00001", "ha", Err(("quantity", "err-quantity-precision"))),
            (
                "1000.000001",
                "t",
                Err(("quantity", "err-quantity-too-large")),
            ),
            (
                "1000000001",
                "tablets",
                Err(("quantity", "err-quantity-too-large")),
            ),
            ("1000001", "l", Err(("quantity", "err-quantity-too-large"))),
            ("100001", "ha", Err(("quantity", "err-quantity-too-large"))),
            (
                "18446744073709551615",
                "t",
                Err(("quantity", "err-quantity-too-large")),
            ),
        ];
        for (v, u, expected) in table {
            check(v, u, *expected);
        }
        let e = Quantity::parse("1001", "t").unwrap_err();
        assert_eq!(e.args, vec![("max", "1000".into()), ("unit", "t".into())]);
        let e = Quantity::parse("2000000", "l").unwrap_err();
        assert_eq!(e.args[0], ("max", "1000000".into()));
        let e = Quantity::parse("0.0000005", "g").unwrap_err();
        assert_eq!(e.args, vec![("unit", "g".into()), ("max", "6".into())]);
    }

    #[test]
    fn units_round_trip_and_have_one_dimension() {
        for u in MeasureUnit::ALL {
            assert_eq!(MeasureUnit::parse(u.as_str()).unwrap(), u);
            assert_eq!(MeasureUnit::parse(u.symbol()).unwrap(), u);
            assert_eq!(serde_json::to_value(u).unwrap(), u.as_str());
        }
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.as_str()).unwrap(), d);
        }
        for b in MassBasis::ALL {
            assert_eq!(MassBasis::parse(b.as_str()).unwrap(), b);
        }
    }

    #[test]
    fn normalisation_rules() {
        let n = Quantity::parse("12.5", "kg").unwrap().normalise();
        assert_eq!(n.grams().unwrap().to_string(), "12500");
        assert_eq!(n.micrograms(), Some(12_500_000_000));
        assert_eq!(n.mass_basis(), Some(MassBasis::Weighed));
        assert_eq!(
            (n.count(), n.millilitres(), n.hectares()),
            (None, None, None)
        );

        let n = Quantity::parse("0.5", "mg").unwrap().normalise();
        assert_eq!(n.grams().unwrap().to_string(), "0.0005");

        let n = Quantity::parse("2.5", "l").unwrap().normalise();
        assert_eq!(n.millilitres().unwrap().to_string(), "2500");
        assert_eq!(n.grams(), None);

        let n = Quantity::parse("0.25", "ha").unwrap().normalise();
        assert_eq!(n.hectares().unwrap().to_string(), "0.25");
        assert_eq!(n.square_metres(), Some(2500));

        let tablets = Quantity::parse("200000", "tablets").unwrap();
        let n = tablets.normalise();
        assert_eq!((n.count(), n.grams()), (Some(200_000), None));

        let w = UnitWeight::parse("95.5").unwrap();
        let n = tablets.normalise_with_unit_weight(w).unwrap();
        assert_eq!(n.count(), Some(200_000));
        assert_eq!(n.grams().unwrap().to_string(), "19100");
        assert_eq!(n.mass_basis(), Some(MassBasis::FromUnitWeight));

        let kg = Quantity::parse("1", "kg").unwrap();
        let e = kg.normalise_with_unit_weight(w).unwrap_err();
        assert_eq!(
            (e.field, e.key),
            ("unit_weight_mg", "err-unit-weight-not-count")
        );
    }

    #[test]
    fn unit_weights() {
        let key = |s: &str| UnitWeight::parse(s).err().map(|e| (e.field, e.key));
        assert_eq!(key("90"), None);
        assert_eq!(key("0.001"), None);
        assert_eq!(key("5000"), None);
        assert_eq!(
            key("5000.001"),
            Some(("unit_weight_mg", "err-quantity-too-large"))
        );
        assert_eq!(key("0"), Some(("unit_weight_mg", "err-positive")));
        assert_eq!(
            key("0.0001"),
            Some(("unit_weight_mg", "err-quantity-precision"))
        );
        assert_eq!(key("x"), Some(("unit_weight_mg", "err-number")));
    }

    fn any_unit() -> impl Strategy<Value = MeasureUnit> {
        proptest::sample::select(MeasureUnit::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn parsing_never_panics(v in "\\PC{0,30}", u in "\\PC{0,12}") {
            let _ = Quantity::parse(&v, &u);
            let _ = UnitWeight::parse(&v);
        }

        #[test]
        fn parsing_never_panics_on_number_like_input(v in "[0-9 .,-]{0,30}", u in any_unit()) {
            let _ = Quantity::parse(&v, u.as_str());
        }

        /// Normalising and writing the result back in the base unit gives
        /// the same normalised quantity.
        #[test]
        fn normalisation_round_trips(units in 1u64..1_000_000_000_000, scale in 0u8..=6, u in any_unit()) {
            let value = Decimal::from_parts(units, scale).unwrap();
            if let Ok(q) = Quantity::new(value, u) {
                let n = q.normalise();
                let back = match u.dimension() {
                    Dimension::Mass => Quantity::new(n.grams().unwrap(), MeasureUnit::G),
                    Dimension::Volume => Quantity::new(n.millilitres().unwrap(), MeasureUnit::Ml),
                    Dimension::Count => Quantity::new(Decimal::from_integer(n.count().unwrap()), u),
                    Dimension::Area => Quantity::new(n.hectares().unwrap(), MeasureUnit::Ha),
                }.unwrap();
                prop_assert_eq!(back.normalise(), n);
                // The same amount written in another unit of the dimension
                // normalises the same way.
                for other in MeasureUnit::ALL.into_iter().filter(|o| o.dimension() == u.dimension() && !o.is_count()) {
                    let diff = i32::from(u.step_exponent()) - i32::from(other.step_exponent());
                    let moved = if diff >= 0 {
                        units.checked_mul(10u64.pow(diff.unsigned_abs())).and_then(|x| Decimal::from_parts(x, scale))
                    } else {
                        Decimal::from_parts(units, scale + u8::try_from(diff.unsigned_abs()).unwrap())
                    };
                    if let Some(m) = moved {
                        if let Ok(q2) = Quantity::new(m, other) {
                            prop_assert_eq!(q2.normalise(), n);
                        }
                    }
                }
            }
        }

        #[test]
        fn normalisation_is_monotonic(a in 1u64..1_000_000_000_000, b in 1u64..1_000_000_000_000, scale in 0u8..=6, u in any_unit()) {
            let qa = Quantity::new(Decimal::from_parts(a, scale).unwrap(), u);
            let qb = Quantity::new(Decimal::from_parts(b, scale).unwrap(), u);
            if let (Ok(qa), Ok(qb)) = (qa, qb) {
                let (na, nb) = (qa.normalise(), qb.normalise());
                let key = |n: &Normalised| (n.micrograms(), n.microlitres(), n.count(), n.square_metres());
                prop_assert_eq!(a.cmp(&b), key(&na).cmp(&key(&nb)));
                prop_assert_eq!(qa.value().cmp(&qb.value()), a.cmp(&b));
            }
        }

        #[test]
        fn normalisation_never_crosses_dimensions(units in 1u64..u64::MAX, scale in 0u8..=12, u in any_unit(), w in 1u64..=5_000_000) {
            if let Ok(q) = Quantity::new(Decimal::from_parts(units, scale).unwrap(), u) {
                let n = q.normalise();
                let present = [n.micrograms().is_some(), n.microlitres().is_some(), n.count().is_some(), n.square_metres().is_some()];
                prop_assert_eq!(present.iter().filter(|p| **p).count(), 1);
                let expected = match u.dimension() {
                    Dimension::Mass => 0, Dimension::Volume => 1, Dimension::Count => 2, Dimension::Area => 3,
                };
                prop_assert!(present[expected]);
                let weight = UnitWeight::new(Decimal::from_parts(w, 3).unwrap()).unwrap();
                match q.normalise_with_unit_weight(weight) {
                    Ok(nw) => {
                        prop_assert!(u.is_count());
                        prop_assert_eq!(nw.count(), n.count());
                        prop_assert_eq!(nw.mass_basis(), Some(MassBasis::FromUnitWeight));
                        prop_assert_eq!(nw.microlitres(), None);
                    }
                    Err(_) => prop_assert!(!u.is_count()),
                }
            }
        }
    }
}
