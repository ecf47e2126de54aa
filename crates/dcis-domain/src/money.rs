//! Money: drug prices, cash and asset values, fines.
//!
//! An amount is kept exactly as an integer of the currency's minor unit
//! (ISO 4217 exponent: 2 for LAK, THB, USD and CNY; 0 for VND), so
//! `1500.50 THB` is 150 050 satang. More decimals than the currency has are
//! refused, not rounded. Numbers follow [`crate::decimal`] (a `.` decimal
//! point, no commas).

use crate::closed_list::closed_list;
use crate::decimal::Decimal;
use crate::error::{FieldError, FieldErrors};
use serde::Serialize;
use std::fmt;

closed_list! {
    /// The currencies met in the region's seizures and prices. The wire form
    /// is the ISO 4217 code (upper case), the one exception to the
    /// lower-case rule of the other lists; parsing ignores case.
    Currency, field = "currency",
    {
        /// Lao kip.
        Lak => "LAK",
        /// Thai baht.
        Thb => "THB",
        /// US dollar.
        Usd => "USD",
        /// Chinese yuan renminbi.
        Cny => "CNY",
        /// Vietnamese dong.
        Vnd => "VND",
    }
}

impl Currency {
    /// Decimal places of the minor unit (ISO 4217).
    pub fn minor_digits(&self) -> u8 {
        match self {
            Self::Vnd => 0,
            Self::Lak | Self::Thb | Self::Usd | Self::Cny => 2,
        }
    }
}

/// A positive amount of money in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Money {
    minor: u64,
    currency: Currency,
}

impl Money {
    /// The largest amount accepted, in major units (10^15: a thousand
    /// trillion kip is about 50 billion US dollars; anything above is a
    /// typing slip).
    pub const MAX_MAJOR: u64 = 1_000_000_000_000_000;

    /// Parses an amount in `currency`, reporting errors on `field`.
    pub fn parse(
        field: &'static str,
        amount: &str,
        currency: Currency,
    ) -> Result<Self, FieldError> {
        Self::new(field, Decimal::parse(field, amount)?, currency)
    }

    pub fn new(
        field: &'static str,
        amount: Decimal,
        currency: Currency,
    ) -> Result<Self, FieldError> {
        if amount.is_zero() {
            return Err(FieldError::new(field, "err-positive"));
        }
        let digits = currency.minor_digits();
        if amount.significant_decimals() > digits {
            return Err(FieldError::new(field, "err-money-precision")
                .with("currency", currency.as_str())
                .with("max", digits));
        }
        let too_large =
            || FieldError::new(field, "err-money-too-large").with("max", Self::MAX_MAJOR);
        let minor = amount.to_scaled(digits).ok_or_else(too_large)?;
        let max_minor = Self::MAX_MAJOR.saturating_mul(10u64.pow(u32::from(digits)));
        if minor > max_minor {
            return Err(too_large());
        }
        Ok(Self { minor, currency })
    }

    /// Builds a stored amount back from its minor units.
    pub fn from_minor(minor: u64, currency: Currency) -> Result<Self, FieldError> {
        let amount = Decimal::from_parts(minor, currency.minor_digits()).unwrap_or(Decimal::ZERO);
        Self::new("amount", amount, currency)
    }

    /// The amount in minor units (cents, satang, att…).
    pub fn minor_units(&self) -> u64 {
        self.minor
    }

    /// The amount in major units, with the currency's decimal places.
    pub fn amount(&self) -> Decimal {
        Decimal::from_parts(self.minor, self.currency.minor_digits()).unwrap_or(Decimal::ZERO)
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount(), self.currency)
    }
}

/// An optional amount with its currency, as forms have them: the amount
/// decides. With no amount there is no money (a currency chosen in a list
/// beside an empty amount is ignored); an amount without a currency is
/// `err-currency-required` on `currency_field`.
pub fn parse_optional_money(
    amount_field: &'static str,
    amount: &str,
    currency_field: &'static str,
    currency: &str,
) -> Result<Option<Money>, FieldErrors> {
    if amount.trim().is_empty() {
        return Ok(None);
    }
    let mut errors = FieldErrors::new();
    let value = errors.take(Decimal::parse(amount_field, amount));
    let currency = if currency.trim().is_empty() {
        errors.push(FieldError::new(currency_field, "err-currency-required"));
        None
    } else {
        errors.take(Currency::parse(currency).map_err(|e| crate::text::refield(e, currency_field)))
    };
    match (value, currency) {
        (Some(v), Some(c)) => Money::new(amount_field, v, c)
            .map(Some)
            .map_err(FieldErrors::from),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies() {
        for c in Currency::ALL {
            assert_eq!(Currency::parse(c.as_str()).unwrap(), *c);
            assert_eq!(Currency::parse(&c.as_str().to_lowercase()).unwrap(), *c);
        }
        assert_eq!(Currency::parse("EUR").unwrap_err().key, "err-choice");
        assert_eq!(serde_json::to_value(Currency::Lak).unwrap(), "LAK");
    }

    #[test]
    fn amounts() {
        let check = |amount: &str, c: Currency, expected: Result<&str, &str>| {
            let got = Money::parse("price", amount, c)
                .map(|m| m.to_string())
                .map_err(|e| {
                    assert_eq!(e.field, "price");
                    e.key
                });
            assert_eq!(got, expected.map(str::to_owned), "{amount} {c}");
        };
        check("1500.5", Currency::Thb, Ok("1500.50 THB"));
        check("25 000", Currency::Lak, Ok("25000.00 LAK"));
        check("250000", Currency::Vnd, Ok("250000 VND"));
        check(
            "1000000000000000",
            Currency::Usd,
            Ok("1000000000000000.00 USD"),
        );
        check(
            "1000000000000000.01",
            Currency::Usd,
            Err("err-money-too-large"),
        );
        check("1.5", Currency::Vnd, Err("err-money-precision"));
        check("1.505", Currency::Usd, Err("err-money-precision"));
        check("0", Currency::Usd, Err("err-positive"));
        check("-5", Currency::Usd, Err("err-positive"));
        check("1,5", Currency::Usd, Err("err-number-comma"));
        let m = Money::parse("price", "12.3", Currency::Usd).unwrap();
        assert_eq!(m.minor_units(), 1230);
        assert_eq!(Money::from_minor(1230, Currency::Usd).unwrap(), m);
        assert!(Money::from_minor(0, Currency::Usd).is_err());
    }

    #[test]
    fn optional_money() {
        let p = |a: &str, c: &str| {
            parse_optional_money("price", a, "price_currency", c)
                .map(|m| m.map(|m| m.to_string()))
                .map_err(|e| e.0.iter().map(|e| (e.field, e.key)).collect::<Vec<_>>())
        };
        assert_eq!(p("", ""), Ok(None));
        assert_eq!(p(" ", "LAK"), Ok(None));
        assert_eq!(p("30", "thb"), Ok(Some("30.00 THB".to_owned())));
        assert_eq!(
            p("30", ""),
            Err(vec![("price_currency", "err-currency-required")])
        );
        assert_eq!(p("30", "EUR"), Err(vec![("price_currency", "err-choice")]));
        assert_eq!(
            p("x", ""),
            Err(vec![
                ("price", "err-number"),
                ("price_currency", "err-currency-required")
            ])
        );
        assert_eq!(p("0", "USD"), Err(vec![("price", "err-positive")]));
    }
}
