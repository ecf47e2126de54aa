//! Time as a parameter. Nothing in dcis reads the system clock except the
//! `SystemClock` given to the application at start, so tests are
//! deterministic.

use time::OffsetDateTime;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// Converts a time to the integer milliseconds since the Unix epoch that the
/// storage layer keeps (the same on SQLite and PostgreSQL).
pub fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The inverse of [`to_millis`]; out-of-range values clamp to the epoch.
pub fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_trip() {
        let t = time::macros::datetime!(2026-11-27 06:52:51.123 UTC);
        assert_eq!(from_millis(to_millis(t)), t);
        assert_eq!(to_millis(OffsetDateTime::UNIX_EPOCH), 0);
    }
}
