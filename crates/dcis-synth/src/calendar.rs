//! When cases happen: a day weight from the season, a slow upward trend and
//! day-to-day noise (operations come in bursts), and the allocation of the
//! cases to days.

use crate::pick::pick;
use rand::Rng;
use time::{Date, Duration, Month};

/// Relative number of cases per month, January first. Trafficking and
/// seizures peak in the dry season (November to April), when roads and
/// river crossings are open, and fall in the rainy season (May to October).
pub const MONTH_WEIGHTS: [u64; 12] = [135, 140, 130, 110, 80, 65, 55, 55, 65, 85, 115, 130];

/// Day-to-day multipliers (per mille) and their weights: most days are
/// ordinary, a few carry an operation's burst of cases.
const DAY_NOISE: &[(u64, u32)] = &[
    (550, 10),
    (800, 20),
    (1000, 40),
    (1200, 20),
    (1600, 7),
    (2600, 3),
];

/// The first day of a period of `years` years ending on `end` (inclusive):
/// the day after the same calendar date `years` years earlier.
pub fn start_date(end: Date, years: u32) -> Date {
    let year = end.year() - i32::try_from(years).unwrap_or(i32::MAX).min(end.year());
    let day = end.day().min(end.month().length(year));
    let same = Date::from_calendar_date(year, end.month(), day).unwrap_or(end);
    same.next_day().unwrap_or(same)
}

/// The relative weight of each day from `start` to `end`: season, a trend
/// of about +15 % a year (seizures in the region grew for a decade), noise.
pub fn day_weights<R: Rng + ?Sized>(rng: &mut R, start: Date, end: Date) -> Vec<u64> {
    let days = (end - start).whole_days().max(0) as u64 + 1;
    let mut out = Vec::with_capacity(days as usize);
    for d in 0..days {
        let date = start + Duration::days(d as i64);
        let month = MONTH_WEIGHTS[usize::from(u8::from(date.month())) - 1];
        let trend = 1000 + d * 150 / 365;
        let noise = *pick(rng, DAY_NOISE);
        out.push(month * trend * noise / 1000);
    }
    out
}

/// Distributes `cases` cases over the days by their weights: each case
/// falls on a day drawn independently (a multinomial draw), so small runs
/// are sparse and large runs follow the weights closely.
pub fn allocate<R: Rng + ?Sized>(rng: &mut R, weights: &[u64], cases: u64) -> Vec<u32> {
    let mut counts = vec![0u32; weights.len()];
    let mut cum = Vec::with_capacity(weights.len());
    let mut total = 0u64;
    for w in weights {
        total += (*w).max(1);
        cum.push(total);
    }
    if total == 0 {
        return counts;
    }
    for _ in 0..cases {
        let r = rng.gen_range(0..total);
        let d = cum.partition_point(|&c| c <= r);
        if let Some(c) = counts.get_mut(d) {
            *c += 1;
        }
    }
    counts
}

/// Whether a month is in the dry season (November to April).
pub fn dry_season(m: Month) -> bool {
    matches!(
        m,
        Month::November
            | Month::December
            | Month::January
            | Month::February
            | Month::March
            | Month::April
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods() {
        assert_eq!(start_date(date!(2026 - 10 - 31), 5), date!(2021 - 11 - 01));
        assert_eq!(start_date(date!(2024 - 02 - 29), 1), date!(2023 - 03 - 01));
        assert_eq!(start_date(date!(2026 - 10 - 31), 1), date!(2025 - 11 - 01));
    }
}
