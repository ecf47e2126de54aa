//! Reading the spreadsheets agencies keep into dcis records, without
//! touching a database: [`table`] reads CSV or XLSX into text cells,
//! [`columns`] names the columns of the case file (the same as the
//! export's), [`mapping`] matches a file's headers to them, and [`cases`]
//! groups rows into cases with their items. Every problem is a
//! [`RowError`] naming the row and column; the application adds the rules
//! that need the database and the user (scope, clearance, places, existing
//! references) and writes.
//!
//! Pure and quick to build, so that the fuzz targets (`fuzz/`) exercise it
//! directly.

pub mod badrows;
pub mod cases;
pub mod columns;
mod fuzz;
pub mod mapping;
pub mod table;

/// The fuzz targets' entry: any bytes through reading, mapping, grouping
/// and the domain's parsing; panics on a broken property. Public for
/// `fuzz/` and `tests/corpus.rs` only.
#[doc(hidden)]
pub use fuzz::{fuzz_entry, fuzz_entry_xlsx, xlsx_package};

use dcis_domain::FieldError;
use serde::Serialize;

/// One problem of one row: the row's number in the spreadsheet, the
/// column's canonical name (empty when the problem is the whole row's), a
/// message-catalogue key and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub key: String,
    pub args: Vec<(String, String)>,
}

impl RowError {
    /// A problem of the row as a whole.
    pub fn row(row: usize, key: &str) -> Self {
        Self {
            row,
            column: String::new(),
            key: key.to_owned(),
            args: Vec::new(),
        }
    }

    /// A problem of one cell.
    pub fn cell(row: usize, column: &str, key: &str) -> Self {
        Self {
            column: column.to_owned(),
            ..Self::row(row, key)
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }

    /// A domain validation error re-homed on a row.
    pub fn from_field(row: usize, e: &FieldError) -> Self {
        Self {
            row,
            column: e.field.to_owned(),
            key: e.key.to_owned(),
            args: e
                .args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }
}
