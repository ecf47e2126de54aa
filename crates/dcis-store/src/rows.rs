//! Turning stored columns back into domain values. A value that no longer
//! parses means the database was edited outside dcis: it is reported as
//! [`StoreError::Corrupt`], never silently replaced.

use crate::error::StoreError;
use dcis_domain::time::from_millis;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::fmt::Display;
use std::str::FromStr;
use time::OffsetDateTime;

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn opt_float(row: &AnyRow, col: &str) -> Result<Option<f64>, StoreError> {
    Ok(row.try_get::<Option<f64>, _>(col)?)
}

pub(crate) fn time(row: &AnyRow, col: &str) -> Result<OffsetDateTime, StoreError> {
    Ok(from_millis(int(row, col)?))
}

pub(crate) fn opt_time(row: &AnyRow, col: &str) -> Result<Option<OffsetDateTime>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?.map(from_millis))
}

/// Parses a column with `FromStr` (typed ids).
pub(crate) fn id<T: FromStr>(row: &AnyRow, col: &str) -> Result<T, StoreError>
where
    T::Err: Display,
{
    let s = text(row, col)?;
    s.parse()
        .map_err(|e| StoreError::Corrupt(format!("{col} = {s:?}: {e}")))
}

/// Parses a column with a domain `parse` function.
pub(crate) fn parsed<T, E: Display>(
    row: &AnyRow,
    col: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, StoreError> {
    let s = text(row, col)?;
    parse(&s).map_err(|e| StoreError::Corrupt(format!("{col} = {s:?}: {e}")))
}

pub(crate) fn opt_parsed<T, E: Display>(
    row: &AnyRow,
    col: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, StoreError> {
    match opt_text(row, col)? {
        None => Ok(None),
        Some(s) => parse(&s)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("{col} = {s:?}: {e}"))),
    }
}
