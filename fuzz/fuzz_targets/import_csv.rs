//! Any bytes as an uploaded case file: read (as CSV, XLSX and as the
//! upload tells them apart), mapped, grouped into cases, every case and
//! item parsed by the domain's rules. Nothing may panic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::let_calamine_panics_unwind();
    dcis_import::fuzz_entry(data);
});
