//! An XLSX case file: a ZIP archive as it is, or the XML of a sheet (with,
//! after NUL bytes, its shared strings and styles) packed into a valid
//! workbook so that mutations reach the spreadsheet's contents; then the
//! same path as `import_csv`. Nothing may panic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::let_calamine_panics_unwind();
    dcis_import::fuzz_entry_xlsx(data);
});
