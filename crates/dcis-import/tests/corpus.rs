//! The fuzz targets' entry over every file of the fuzz corpus
//! (`fuzz/corpus/<target>/`: the seeds, and each input that once crashed
//! a target, kept as a regression), so that CI exercises it on stable
//! Rust without cargo-fuzz.
//!
//! The XLSX seeds are made here with rust_xlsxwriter;
//! `DCIS_WRITE_CORPUS=1 cargo test -p dcis-import --test corpus` writes
//! them (and their sheets' XML, the other form the XLSX target takes) into
//! the corpus.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dcis_import::table::read_xlsx;
use dcis_import::{fuzz_entry, fuzz_entry_xlsx, xlsx_package};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::io::Read;
use std::path::{Path, PathBuf};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir(target))
        .unwrap_or_else(|e| panic!("{target}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn csv_corpus() {
    let files = corpus("import_csv");
    assert!(files.len() >= 4, "the CSV seeds are missing");
    for (path, bytes) in files {
        eprintln!("{}", path.display());
        fuzz_entry(&bytes);
    }
}

#[test]
fn xlsx_corpus() {
    let files = corpus("import_xlsx");
    assert!(files.len() >= 4, "the XLSX seeds are missing");
    for (path, bytes) in files {
        eprintln!("{}", path.display());
        fuzz_entry_xlsx(&bytes);
    }
}

/// The seeds as committed are the seeds made here, and each reads as a
/// case file (so that the fuzzer starts from files that go all the way).
#[test]
fn xlsx_seeds_read_and_repack() {
    let write = std::env::var("DCIS_WRITE_CORPUS").is_ok_and(|v| v == "1");
    for (name, bytes) in xlsx_seeds() {
        let t = read_xlsx(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(!t.rows.is_empty(), "{name}");
        let parts = sheet_parts(&bytes);
        // The parts packed again read as the same table.
        let again = read_xlsx(&xlsx_package(&parts).unwrap()).unwrap();
        assert_eq!(again.headers, t.headers, "{name}");
        assert_eq!(again.rows, t.rows, "{name}");
        if write {
            let dir = corpus_dir("import_xlsx");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.xlsx")), &bytes).unwrap();
            std::fs::write(dir.join(format!("{name}.parts")), &parts).unwrap();
        }
        fuzz_entry(&bytes);
        fuzz_entry_xlsx(&parts);
    }
}

/// A row of the first seed: reference, date, province, substance, logo,
/// quantity, unit, narrative.
type SeedRow = (
    &'static str,
    (u16, u8, u8),
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static str,
    &'static str,
);

/// What rust_xlsxwriter writes, read by the same reader as uploads:
/// reference, dates as dates, codes as text, quantities as numbers,
/// several items per case.
fn xlsx_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let mut seeds = Vec::new();

    // A case file as the template asks: one sheet, header in row 1.
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet().set_name("cases").unwrap();
    let header = [
        "reference",
        "occurred_on",
        "occurred_time",
        "province",
        "district",
        "substance",
        "quantity",
        "unit",
        "tablet_logo",
        "narrative",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [SeedRow; 3] = [
        (
            "CNP/1",
            (2026, 3, 14),
            "05",
            "METH_TABLET",
            "WY",
            1000.0,
            "tablets",
            "ສົມສັກ",
        ),
        ("CNP/1", (2026, 3, 14), "05", "HEROIN", "", 1.5, "kg", ""),
        (
            "CNP/2",
            (2026, 3, 15),
            "05",
            "CANNABIS_HERB",
            "",
            20.0,
            "kg",
            "a\nb",
        ),
    ];
    for (i, (reference, (y, m, d), province, substance, logo, q, unit, narrative)) in
        rows.iter().enumerate()
    {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *reference).unwrap();
        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet.write_datetime_with_format(r, 1, &dt, &date).unwrap();
        sheet.write_string(r, 2, "22:40").unwrap();
        sheet.write_string(r, 3, *province).unwrap();
        sheet.write_string(r, 4, "0501").unwrap();
        sheet.write_string(r, 5, *substance).unwrap();
        sheet.write_number(r, 6, *q).unwrap();
        sheet.write_string(r, 7, *unit).unwrap();
        sheet.write_string(r, 8, *logo).unwrap();
        sheet.write_string(r, 9, *narrative).unwrap();
    }
    seeds.push(("cases", book.save_to_buffer().unwrap()));

    // The problems an agency's own sheet has: another sheet first, the
    // table further down and to the right, a merged cell, a formula, a
    // boolean, a time of day, a blank row.
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("notes")
        .unwrap()
        .write_string(0, 0, "read me")
        .unwrap();
    let sheet = book.add_worksheet().set_name("Cases").unwrap();
    let time = Format::new().set_num_format("hh:mm");
    for (c, h) in [
        "Case No.", "Date", "Time", "Province", "Drug", "Qty (kg)", "Unit", "Remarks",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, 1 + c as u16, *h).unwrap();
    }
    sheet.write_string(3, 1, "BK-7").unwrap();
    sheet.write_string(3, 2, "2025-12-01").unwrap();
    let t = ExcelDateTime::from_hms(18, 30, 0).unwrap();
    sheet.write_datetime_with_format(3, 3, &t, &time).unwrap();
    sheet.write_string(3, 4, "05").unwrap();
    sheet.write_string(3, 5, "HEROIN").unwrap();
    sheet
        .write_formula(3, 6, Formula::new("=1+2").set_result("3"))
        .unwrap();
    sheet.write_string(3, 7, "kg").unwrap();
    sheet
        .merge_range(3, 8, 4, 8, "merged remark", &Format::new())
        .unwrap();
    sheet.write_string(4, 5, "METH_CRYSTAL").unwrap();
    sheet.write_number(4, 6, 0.25).unwrap();
    sheet.write_string(4, 7, "kg").unwrap();
    sheet.write_string(6, 1, "BK-8").unwrap();
    sheet.write_string(6, 2, "2025-12-02").unwrap();
    sheet.write_string(6, 4, "05").unwrap();
    sheet.write_boolean(6, 5, true).unwrap();
    seeds.push(("problems", book.save_to_buffer().unwrap()));

    // The export's own header, every column, one row.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("cases").unwrap();
    for (c, h) in dcis_import::columns::export_columns().iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
        sheet.write_string(1, c as u16, "").unwrap();
    }
    sheet.write_string(1, 1, "X-1").unwrap();
    sheet.write_string(1, 2, "2024-01-01").unwrap();
    sheet.write_string(1, 4, "05").unwrap();
    seeds.push(("export", book.save_to_buffer().unwrap()));
    seeds
}

/// The sheet's XML, the shared strings and the styles of an XLSX file
/// (rust_xlsxwriter names the parts so), NUL between them: the XLSX
/// target's other form.
fn sheet_parts(xlsx: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index_raw(i).unwrap().name().unwrap().into_owned())
        .collect();
    // The sheet read is `cases` (any case) or the first: with
    // rust_xlsxwriter, `cases` is the last sheet added in these seeds.
    let sheet = names
        .iter()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .max()
        .unwrap()
        .clone();
    let mut out = Vec::new();
    zip.by_name(&sheet).unwrap().read_to_end(&mut out).unwrap();
    for part in ["xl/sharedStrings.xml", "xl/styles.xml"] {
        out.push(0);
        if names.iter().any(|n| n == part) {
            zip.by_name(part).unwrap().read_to_end(&mut out).unwrap();
        } else {
            out.extend(
                br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>"#,
            );
        }
    }
    out
}
