//! The measures and dimensions of analysis: what a dashboard, a pivot
//! table, a trend chart or a report may count or sum, by what it may be
//! broken down, and over which months. Every figure of analysis is defined
//! here once; the store turns these definitions into SQL
//! (`dcis_store::stats`) and the policy decides what may be shown
//! (`dcis_policy::stats`). See `docs/analysis.md`.
//!
//! # Measures never mix units
//!
//! Each measure has one unit. Mass is grams **weighed** (`mass_ug` of items
//! whose mass was not derived from a count); tablets are the counts of
//! items counted in tablets or capsules, or weighed tablets with their
//! count; other counted units (blotters, sachets: `units`) and plants are
//! separate measures; volume is litres; area is hectares. A mean price is
//! only defined within one substance, currency and unit ([`StatDim::Price`]),
//! so amounts in kip and baht, or per tablet and per kilogram, are never
//! added together.

use crate::error::FieldError;
use crate::money::{parse_optional_money, Currency};
use crate::quantity::MeasureUnit;
use crate::seizure::{Purity, SeizureItemFields};
use serde::Serialize;
use std::fmt;

/// A calendar month, `YYYY-MM`, the grain of every roll-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Month {
    year: u16,
    month: u8,
}

impl Month {
    pub const MIN_YEAR: u16 = 1900;
    pub const MAX_YEAR: u16 = 2999;

    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) && (1..=12).contains(&month))
            .then_some(Self { year, month })
    }

    /// Parses `YYYY-MM` (a date `YYYY-MM-DD` gives its month).
    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        let bad = || FieldError::new(field, "err-month").with("value", t);
        let b = t.as_bytes();
        // Bytes, not string slices: the checks come before any slicing, so a
        // multi-byte character where a digit belongs is an error, not a
        // slice through a character (a panic).
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let date_tail = b.len() == 10 && b[7] == b'-' && digits(8..10);
        if !(b.len() == 7 || date_tail) || b[4] != b'-' || !digits(0..4) || !digits(5..7) {
            return Err(bad());
        }
        let num =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        let month = u8::try_from(num(5..7)).map_err(|_| bad())?;
        Self::new(num(0..4), month).ok_or_else(bad)
    }

    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn month(&self) -> u8 {
        self.month
    }

    /// 1 to 4.
    pub fn quarter(&self) -> u8 {
        (self.month - 1) / 3 + 1
    }

    /// Months since year 0, for arithmetic.
    fn index(&self) -> i32 {
        i32::from(self.year) * 12 + i32::from(self.month) - 1
    }

    fn from_index(i: i32) -> Option<Self> {
        let year = u16::try_from(i.div_euclid(12)).ok()?;
        let month = u8::try_from(i.rem_euclid(12) + 1).ok()?;
        Self::new(year, month)
    }

    /// The month `n` months later (earlier for a negative `n`).
    pub fn plus(&self, n: i32) -> Option<Self> {
        Self::from_index(self.index() + n)
    }

    /// The first day, `YYYY-MM-01`.
    pub fn first_day(&self) -> String {
        format!("{self}-01")
    }

    /// The last day, `YYYY-MM-DD`.
    pub fn last_day(&self) -> String {
        let leap = (self.year.is_multiple_of(4) && !self.year.is_multiple_of(100))
            || self.year.is_multiple_of(400);
        let days = match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        format!("{self}-{days:02}")
    }

    /// A bound above every day of the month (`YYYY-MM-32`), for comparing
    /// ISO dates as text.
    pub fn after_last_day(&self) -> String {
        format!("{self}-32")
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A period of whole months, `from` to `to` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    /// At most a century, so that series stay drawable.
    pub const MAX_MONTHS: i32 = 1200;

    pub fn new(from: Month, to: Month) -> Result<Self, FieldError> {
        if to < from {
            return Err(FieldError::new("to", "err-period-order")
                .with("from", from)
                .with("to", to));
        }
        let p = Self { from, to };
        if p.months() > Self::MAX_MONTHS {
            return Err(FieldError::new("to", "err-period-too-long").with("max", Self::MAX_MONTHS));
        }
        Ok(p)
    }

    /// Parses the two ends (`YYYY-MM`).
    pub fn parse(from: &str, to: &str) -> Result<Self, FieldError> {
        Self::new(Month::parse("from", from)?, Month::parse("to", to)?)
    }

    /// A month, a quarter (`2025-Q2`) or a year (`2025`), as the dashboard's
    /// period picker names them.
    pub fn parse_named(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        let bad = || FieldError::new("period", "err-period").with("value", t);
        if let Some((y, q)) = t.split_once("-Q") {
            let year: u16 = y.parse().map_err(|_| bad())?;
            let q: u8 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            let from = Month::new(year, (q - 1) * 3 + 1).ok_or_else(bad)?;
            let to = Month::new(year, q * 3).ok_or_else(bad)?;
            return Self::new(from, to);
        }
        if t.len() == 4 {
            let year: u16 = t.parse().map_err(|_| bad())?;
            let from = Month::new(year, 1).ok_or_else(bad)?;
            let to = Month::new(year, 12).ok_or_else(bad)?;
            return Self::new(from, to);
        }
        let m = Month::parse("period", t).map_err(|_| bad())?;
        Self::new(m, m)
    }

    pub fn months(&self) -> i32 {
        self.to.index() - self.from.index() + 1
    }

    /// Every month of the period, in order.
    pub fn each_month(&self) -> impl Iterator<Item = Month> + '_ {
        (self.from.index()..=self.to.index()).filter_map(Month::from_index)
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Option<Self> {
        let n = self.months();
        Some(Self {
            from: self.from.plus(-n)?,
            to: self.to.plus(-n)?,
        })
    }

    /// The same months one year earlier.
    pub fn year_before(&self) -> Option<Self> {
        Some(Self {
            from: self.from.plus(-12)?,
            to: self.to.plus(-12)?,
        })
    }
}

/// The grain of a time axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeGrain {
    Month,
    Quarter,
    Year,
}

impl TimeGrain {
    pub const ALL: [TimeGrain; 3] = [Self::Month, Self::Quarter, Self::Year];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }

    /// The label of a month on this axis: `2025-04`, `2025-Q2`, `2025`.
    pub fn label(&self, m: Month) -> String {
        match self {
            Self::Month => m.to_string(),
            Self::Quarter => format!("{:04}-Q{}", m.year(), m.quarter()),
            Self::Year => format!("{:04}", m.year()),
        }
    }

    /// The labels of the period's months on this axis, each once, in order.
    pub fn labels(&self, p: &Period) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in p.each_month() {
            let l = self.label(m);
            if out.last() != Some(&l) {
                out.push(l);
            }
        }
        out
    }
}

/// What a part of a case a dimension describes: the case itself, one of
/// its seized items, or one of its people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Case,
    Item,
    Person,
}

/// A dimension figures can be broken down or filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatDim {
    /// The case's province (code).
    Province,
    /// The case's district (code; cases without one have no value).
    District,
    /// The case's agency (organisation id).
    Agency,
    /// The item's substance code.
    Substance,
    /// Origin country → destination country of the case (`TH>CN`, `?` for
    /// a side not recorded).
    Route,
    /// The case's border crossing (id).
    BorderCrossing,
    /// The item's tablet logo (its search key: `WY`, `999`).
    TabletLogo,
    DetectionMethod,
    TransportMode,
    /// A person's nationality (ISO code, or `unknown`).
    Nationality,
    /// A person's sex (`male`, `female`, `unknown`).
    Sex,
    /// A person's age at the case, in [`AGE_GROUPS`] (or `unknown`).
    AgeGroup,
    /// A person's role in the case.
    Role,
    /// Substance, currency and unit of a price per unit: `METH_TABLET
    /// THB/tablets`. Prices are only averaged inside one such value.
    Price,
}

impl StatDim {
    pub const ALL: [StatDim; 14] = [
        Self::Province,
        Self::District,
        Self::Agency,
        Self::Substance,
        Self::Route,
        Self::BorderCrossing,
        Self::TabletLogo,
        Self::DetectionMethod,
        Self::TransportMode,
        Self::Nationality,
        Self::Sex,
        Self::AgeGroup,
        Self::Role,
        Self::Price,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::District => "district",
            Self::Agency => "agency",
            Self::Substance => "substance",
            Self::Route => "route",
            Self::BorderCrossing => "border_crossing",
            Self::TabletLogo => "tablet_logo",
            Self::DetectionMethod => "detection_method",
            Self::TransportMode => "transport_mode",
            Self::Nationality => "nationality",
            Self::Sex => "sex",
            Self::AgeGroup => "age_group",
            Self::Role => "role",
            Self::Price => "price",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == t)
            .ok_or_else(|| FieldError::new(field, "err-choice").with("value", t))
    }

    pub fn level(&self) -> Level {
        match self {
            Self::Province
            | Self::District
            | Self::Agency
            | Self::Route
            | Self::BorderCrossing
            | Self::DetectionMethod
            | Self::TransportMode => Level::Case,
            Self::Substance | Self::TabletLogo | Self::Price => Level::Item,
            Self::Nationality | Self::Sex | Self::AgeGroup | Self::Role => Level::Person,
        }
    }

    /// Province and agency are columns of every roll-up row; the others
    /// are rows of their own (`dim`, `value`).
    pub fn is_base(&self) -> bool {
        matches!(self, Self::Province | Self::Agency)
    }

    /// The dimensions kept in the roll-up as (`dim`, `value`) rows.
    pub fn rolled_up() -> impl Iterator<Item = StatDim> {
        Self::ALL.into_iter().filter(|d| !d.is_base())
    }
}

/// One axis of a breakdown: time at a grain, or a dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Time(TimeGrain),
    Dim(StatDim),
}

impl Group {
    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        if let Some(g) = TimeGrain::ALL.into_iter().find(|g| g.as_str() == t) {
            return Ok(Self::Time(g));
        }
        StatDim::parse(field, t).map(Self::Dim)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Time(g) => g.as_str(),
            Self::Dim(d) => d.as_str(),
        }
    }
}

/// Age groups of persons at the date of the case: (lowest age, highest
/// age, label). Ages outside every group, or not recorded, are `unknown`.
pub const AGE_GROUPS: [(u32, u32, &str); 5] = [
    (0, 17, "under_18"),
    (18, 24, "18_24"),
    (25, 34, "25_34"),
    (35, 49, "35_49"),
    (50, 200, "50_plus"),
];

/// The value of a dimension not recorded (no nationality, no sex, no age).
pub const UNKNOWN: &str = "unknown";

/// The age group of an age in years.
pub fn age_group(age: Option<u32>) -> &'static str {
    age.and_then(|a| {
        AGE_GROUPS
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&a))
            .map(|g| g.2)
    })
    .unwrap_or(UNKNOWN)
}

/// The units whose item counts are tablets: counted in tablets or
/// capsules, or weighed with their tablet count given beside the weight.
pub fn is_tablet_count_unit(u: MeasureUnit) -> bool {
    !matches!(u, MeasureUnit::Units | MeasureUnit::Plants)
}

/// The additive totals behind every measure, for one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// Distinct cases.
    pub cases: i64,
    /// Seized items.
    pub items: i64,
    /// Weighed mass in micrograms (derived masses excluded).
    pub mass_ug: i64,
    pub tablets: i64,
    pub volume_ul: i64,
    /// Items counted in `units` (blotters, sachets…).
    pub units: i64,
    pub plants: i64,
    pub area_m2: i64,
    /// Persons recorded in the cases (one per person and case).
    pub persons: i64,
    /// Sum of purities in thousandths of a per cent, and how many items
    /// had one.
    pub purity_milli: i64,
    pub purity_n: i64,
    /// Sum of prices per unit in minor units of their currency, and how
    /// many items had one; meaningful only inside one [`StatDim::Price`]
    /// value.
    pub price_minor: i64,
    pub price_n: i64,
}

impl Totals {
    /// The totals' names, in storage and wire order.
    pub const COLUMNS: [&'static str; 13] = [
        "cases",
        "items",
        "mass_ug",
        "tablets",
        "volume_ul",
        "units",
        "plants",
        "area_m2",
        "persons",
        "purity_milli",
        "purity_n",
        "price_minor",
        "price_n",
    ];

    pub fn to_array(&self) -> [i64; 13] {
        [
            self.cases,
            self.items,
            self.mass_ug,
            self.tablets,
            self.volume_ul,
            self.units,
            self.plants,
            self.area_m2,
            self.persons,
            self.purity_milli,
            self.purity_n,
            self.price_minor,
            self.price_n,
        ]
    }

    pub fn from_array(a: [i64; 13]) -> Self {
        Self {
            cases: a[0],
            items: a[1],
            mass_ug: a[2],
            tablets: a[3],
            volume_ul: a[4],
            units: a[5],
            plants: a[6],
            area_m2: a[7],
            persons: a[8],
            purity_milli: a[9],
            purity_n: a[10],
            price_minor: a[11],
            price_n: a[12],
        }
    }

    pub fn add(&mut self, o: &Totals) {
        let mut a = self.to_array();
        for (x, y) in a.iter_mut().zip(o.to_array()) {
            *x += y;
        }
        *self = Self::from_array(a);
    }
}

/// A figure people read: a count or a sum in one unit, or a mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Cases,
    Items,
    /// Grams weighed.
    MassG,
    Tablets,
    /// Litres.
    VolumeL,
    Units,
    Plants,
    /// Hectares.
    AreaHa,
    Persons,
    /// Mean purity of the items with one, per cent.
    PurityMean,
    /// Mean price per unit, in the currency of the [`StatDim::Price`]
    /// value it is read in.
    PriceMean,
}

impl Measure {
    pub const ALL: [Measure; 11] = [
        Self::Cases,
        Self::Items,
        Self::MassG,
        Self::Tablets,
        Self::VolumeL,
        Self::Units,
        Self::Plants,
        Self::AreaHa,
        Self::Persons,
        Self::PurityMean,
        Self::PriceMean,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Cases => "cases",
            Self::Items => "items",
            Self::MassG => "mass_g",
            Self::Tablets => "tablets",
            Self::VolumeL => "volume_l",
            Self::Units => "units",
            Self::Plants => "plants",
            Self::AreaHa => "area_ha",
            Self::Persons => "persons",
            Self::PurityMean => "purity_mean",
            Self::PriceMean => "price_mean",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == t)
            .ok_or_else(|| FieldError::new(field, "err-choice").with("value", t))
    }

    /// Decimal places shown.
    pub fn decimals(&self) -> u32 {
        match self {
            Self::MassG | Self::VolumeL | Self::AreaHa => 3,
            Self::PurityMean | Self::PriceMean => 2,
            _ => 0,
        }
    }

    /// The measure's value in a cell, in its unit; `None` for a mean over
    /// nothing.
    pub fn value(&self, t: &Totals) -> Option<f64> {
        // Integers of at most 2^53 are exact in f64; the sums here are far
        // below (10^15 µg is a thousand tonnes).
        let f = |v: i64| v as f64;
        Some(match self {
            Self::Cases => f(t.cases),
            Self::Items => f(t.items),
            Self::MassG => f(t.mass_ug) / 1e6,
            Self::Tablets => f(t.tablets),
            Self::VolumeL => f(t.volume_ul) / 1e6,
            Self::Units => f(t.units),
            Self::Plants => f(t.plants),
            Self::AreaHa => f(t.area_m2) / 1e4,
            Self::Persons => f(t.persons),
            Self::PurityMean => {
                if t.purity_n == 0 {
                    return None;
                }
                f(t.purity_milli) / 1000.0 / f(t.purity_n)
            }
            Self::PriceMean => return None,
        })
    }

    /// A mean price needs its currency's minor digits; see
    /// [`price_mean`].
    pub fn needs_price_dim(&self) -> bool {
        *self == Self::PriceMean
    }
}

/// The mean price of a cell of the price dimension, in major units of
/// the value's currency.
pub fn price_mean(value: &str, t: &Totals) -> Option<f64> {
    if t.price_n == 0 {
        return None;
    }
    let digits = price_key_currency(value)?.minor_digits();
    Some(t.price_minor as f64 / 10f64.powi(i32::from(digits)) / t.price_n as f64)
}

fn price_key_currency(value: &str) -> Option<Currency> {
    let key = value.rsplit(' ').next()?;
    let (cur, _) = key.split_once('/')?;
    Currency::parse(cur).ok()
}

/// The values of an item that analysis reads from its as-entered fields,
/// computed once when the item is stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemStatValues {
    /// Purity in thousandths of a per cent.
    pub purity_milli: Option<i64>,
    /// A price per unit in minor units of its currency.
    pub price_minor: Option<i64>,
    /// `CUR/unit` of that price (`THB/tablets`), empty without one.
    pub price_key: String,
}

impl ItemStatValues {
    /// From stored fields (already validated; a value that does not parse
    /// is left out rather than guessed). A price for the whole item (no
    /// "per" unit) has no unit price and is left out.
    pub fn of(f: &SeizureItemFields) -> Self {
        let purity_milli = Purity::parse(&f.purity)
            .ok()
            .filter(|_| !f.purity.trim().is_empty())
            .and_then(|p| p.percent().to_scaled(3))
            .and_then(|v| i64::try_from(v).ok());
        let per = MeasureUnit::parse(&f.price_per).ok();
        let money = parse_optional_money("price", &f.price, "price_currency", &f.price_currency)
            .ok()
            .flatten();
        let (price_minor, price_key) = match (money, per) {
            (Some(m), Some(u)) => (
                i64::try_from(m.minor_units()).ok(),
                format!("{}/{}", m.currency().as_str(), u.as_str()),
            ),
            _ => (None, String::new()),
        };
        Self {
            purity_milli,
            price_minor,
            price_key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_periods() {
        // A multi-byte character where a digit belongs is refused, never a
        // slice through the character.
        for bad in [
            "2024-0\u{e9}xx",
            "\u{e9}024-05",
            "2024-\u{e9}",
            "20\u{e9}-05",
            "2024-05-\u{e9}",
        ] {
            assert!(Month::parse("from", bad).is_err(), "{bad:?}");
        }
        let m = Month::parse("from", "2025-04").unwrap();
        assert_eq!(m.to_string(), "2025-04");
        assert_eq!(m.quarter(), 2);
        assert_eq!(m.plus(-4).unwrap().to_string(), "2024-12");
        assert_eq!(Month::parse("from", "2025-04-30").unwrap(), m);
        assert_eq!(m.last_day(), "2025-04-30");
        assert_eq!(
            Month::parse("m", "2024-02").unwrap().last_day(),
            "2024-02-29"
        );
        assert_eq!(
            Month::parse("m", "1900-02").unwrap().last_day(),
            "1900-02-28"
        );
        assert_eq!(
            Month::parse("m", "2000-02").unwrap().last_day(),
            "2000-02-29"
        );
        for bad in [
            "2025-13", "2025-00", "25-04", "2025/04", "", "abcd-ef", "2025-4",
        ] {
            assert_eq!(
                Month::parse("from", bad).unwrap_err().key,
                "err-month",
                "{bad}"
            );
        }
        let p = Period::parse("2025-01", "2025-03").unwrap();
        assert_eq!(p.months(), 3);
        assert_eq!(
            p.previous().unwrap(),
            Period::parse("2024-10", "2024-12").unwrap()
        );
        assert_eq!(
            p.year_before().unwrap(),
            Period::parse("2024-01", "2024-03").unwrap()
        );
        assert_eq!(
            Period::parse("2025-03", "2025-01").unwrap_err().key,
            "err-period-order"
        );
        assert_eq!(
            Period::parse_named("2025-Q2").unwrap(),
            Period::parse("2025-04", "2025-06").unwrap()
        );
        assert_eq!(
            Period::parse_named("2024").unwrap(),
            Period::parse("2024-01", "2024-12").unwrap()
        );
        assert_eq!(Period::parse_named("2024-02").unwrap().months(), 1);
        assert_eq!(
            Period::parse_named("2024-Q5").unwrap_err().key,
            "err-period"
        );
        assert_eq!(
            TimeGrain::Quarter.labels(&Period::parse("2024-11", "2025-04").unwrap()),
            vec!["2024-Q4", "2025-Q1", "2025-Q2"]
        );
        assert_eq!(TimeGrain::Year.label(m), "2025");
    }

    #[test]
    fn age_groups_cover_every_age_once() {
        for a in 0..=130u32 {
            let n = AGE_GROUPS
                .iter()
                .filter(|(lo, hi, _)| (*lo..=*hi).contains(&a))
                .count();
            assert_eq!(n, usize::from(a <= 200), "{a}");
        }
        assert_eq!(age_group(Some(17)), "under_18");
        assert_eq!(age_group(Some(18)), "18_24");
        assert_eq!(age_group(Some(50)), "50_plus");
        assert_eq!(age_group(None), "unknown");
    }

    #[test]
    fn measures_keep_their_units() {
        let t = Totals {
            cases: 2,
            mass_ug: 1_500_000,
            tablets: 200,
            volume_ul: 2_000_000,
            area_m2: 15_000,
            purity_milli: 150_000,
            purity_n: 2,
            price_minor: 5_000,
            price_n: 2,
            ..Totals::default()
        };
        assert_eq!(Measure::MassG.value(&t), Some(1.5));
        assert_eq!(Measure::Tablets.value(&t), Some(200.0));
        assert_eq!(Measure::VolumeL.value(&t), Some(2.0));
        assert_eq!(Measure::AreaHa.value(&t), Some(1.5));
        assert_eq!(Measure::PurityMean.value(&t), Some(75.0));
        assert_eq!(Measure::PurityMean.value(&Totals::default()), None);
        // A price has no value outside its (substance, currency, unit).
        assert_eq!(Measure::PriceMean.value(&t), None);
        assert_eq!(price_mean("METH_TABLET THB/tablets", &t), Some(25.0));
        assert_eq!(price_mean("HEROIN VND/kg", &t), Some(2500.0));
        assert!(is_tablet_count_unit(MeasureUnit::Tablets));
        assert!(is_tablet_count_unit(MeasureUnit::Kg));
        assert!(!is_tablet_count_unit(MeasureUnit::Plants));
    }

    #[test]
    fn item_values_from_fields() {
        let f = SeizureItemFields {
            purity: "78.5 %".into(),
            price: "25.50".into(),
            price_currency: "THB".into(),
            price_per: "Tablet".into(),
            ..SeizureItemFields::default()
        };
        let v = ItemStatValues::of(&f);
        assert_eq!(v.purity_milli, Some(78_500));
        assert_eq!(v.price_minor, Some(2550));
        assert_eq!(v.price_key, "THB/tablets");
        let whole = SeizureItemFields {
            price: "9000".into(),
            price_currency: "USD".into(),
            ..SeizureItemFields::default()
        };
        assert_eq!(ItemStatValues::of(&whole), ItemStatValues::default());
    }

    #[test]
    fn dimensions_parse_and_have_levels() {
        for d in StatDim::ALL {
            assert_eq!(StatDim::parse("group", d.as_str()).unwrap(), d);
        }
        assert_eq!(
            Group::parse("g", "quarter").unwrap(),
            Group::Time(TimeGrain::Quarter)
        );
        assert_eq!(StatDim::parse("g", "colour").unwrap_err().key, "err-choice");
        assert_eq!(StatDim::rolled_up().count(), 12);
        assert_eq!(StatDim::Nationality.level(), Level::Person);
        for m in Measure::ALL {
            assert_eq!(Measure::parse("measure", m.as_str()).unwrap(), m);
        }
    }
}
