//! The fuzz targets' entry (`fuzz/`), shared with the test that runs the
//! seed corpus on stable (`tests/corpus.rs`): any bytes go through every
//! step an upload goes through before the database, and nothing may
//! panic. A few properties are checked on the way: rows are as wide as
//! the header, the limits hold, and the file of bad rows reads back with
//! the same cells.

use crate::badrows::bad_rows_csv;
use crate::cases::group;
use crate::columns::import_columns;
use crate::mapping::Mapping;
use crate::table::{self, Table};
use dcis_domain::case::CaseRef;
use dcis_domain::ids::{OrganisationId, UnitId};
use std::collections::BTreeMap;
use time::macros::datetime;

/// The XLSX target's entry. A ZIP archive (`PK…`) is read as it is;
/// anything else is taken as the parts of a workbook, NUL between them
/// (the sheet's XML, then optionally the shared strings and the styles),
/// and packed into a valid XLSX file around them, so that the fuzzer
/// reaches the spreadsheet's XML instead of stopping at the archive's
/// checksums.
pub fn fuzz_entry_xlsx(bytes: &[u8]) {
    if bytes.starts_with(b"PK") {
        fuzz_entry(bytes);
    } else if let Some(package) = xlsx_package(bytes) {
        fuzz_entry(&package);
    }
}

/// A workbook of one sheet named `cases` around the given parts.
pub fn xlsx_package(parts: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut split = parts.splitn(3, |b| *b == 0);
    let sheet = split.next().unwrap_or_default();
    let strings = split.next();
    let styles = split.next();
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
    );
    if strings.is_some() {
        types.push_str(r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#);
        rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
    }
    if styles.is_some() {
        types.push_str(r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#);
        rels.push_str(r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#);
    }
    types.push_str("</Types>");
    rels.push_str("</Relationships>");
    let package_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let workbook = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="cases" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let mut files: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", package_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(s) = strings {
        files.push(("xl/sharedStrings.xml", s));
    }
    if let Some(s) = styles {
        files.push(("xl/styles.xml", s));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in files {
        zip.start_file(name, options).ok()?;
        zip.write_all(data).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

/// Reads `bytes` as the upload does (the format told from the bytes), and
/// as CSV and XLSX whatever they look like, and takes every table read
/// through mapping, grouping and the domain's parsing.
pub fn fuzz_entry(bytes: &[u8]) {
    for read in [table::read, table::read_csv, table::read_xlsx] {
        if let Ok(t) = read(bytes) {
            exercise(&t);
        }
    }
}

fn exercise(t: &Table) {
    assert!(t.headers.len() <= table::MAX_COLUMNS);
    assert!(t.rows.len() <= table::MAX_ROWS);
    for r in &t.rows {
        assert_eq!(r.cells.len(), t.headers.len(), "row {}", r.number);
        // A row blank once fitted to the header (its text was past the
        // last column) is kept only with its problem reported.
        assert!(
            !r.is_blank() || t.problems.iter().any(|p| p.row == r.number),
            "row {} is blank and has no problem",
            r.number
        );
    }

    // The guess, and a user's correction that puts every field on the
    // header in the same place (often wrong, sometimes twice: errors, not
    // panics).
    let m = Mapping::guess(&t.headers);
    let _ = m.missing_required();
    let _ = m.unused_headers(&t.headers);
    let choices: Vec<(String, String)> = import_columns()
        .into_iter()
        .zip(&t.headers)
        .map(|(f, h)| (f.to_owned(), h.clone()))
        .collect();
    if let Ok(chosen) = Mapping::with_choices(&t.headers, &choices) {
        check_grouping(t, &chosen);
    }
    check_grouping(t, &m);
    check_bad_rows(t);
}

fn check_grouping(t: &Table, m: &Mapping) {
    let g = group(t, m);
    assert!(g.rows <= t.rows.len());
    let org = OrganisationId::from_uuid(uuid::Uuid::nil());
    let unit = UnitId::from_uuid(uuid::Uuid::nil());
    let now = datetime!(2026-06-01 12:00);
    for c in &g.cases {
        assert!(!c.rows.is_empty());
        let _ = CaseRef::parse(&c.key);
        let _ = c.fields.as_input(org, unit).parse(now);
        for i in &c.items {
            assert!(c.rows.contains(&i.row));
            let _ = i.fields.as_input().parse();
        }
    }
}

/// Every row written to the file of bad rows comes back with its number
/// and its cells, so that it can be corrected and imported again.
fn check_bad_rows(t: &Table) {
    let reasons: BTreeMap<usize, Vec<String>> = t
        .rows
        .iter()
        .map(|r| (r.number, vec![format!("row {} | =1+1", r.number)]))
        .collect();
    let out = bad_rows_csv(t, &reasons);
    if t.headers.len() + 2 > table::MAX_COLUMNS || out.len() > table::MAX_BYTES {
        // Past the reader's limits with the two columns added (see
        // docs/import.md); not a file anyone gets from a real import.
        return;
    }
    let back = table::read(&out);
    assert!(back.is_ok(), "the bad rows do not read back: {back:?}");
    let Ok(back) = back else { return };
    assert_eq!(back.headers.len(), t.headers.len() + 2);
    assert_eq!(back.headers[2..], t.headers[..]);
    assert_eq!(back.rows.len(), t.rows.len());
    for (a, b) in t.rows.iter().zip(&back.rows) {
        assert_eq!(b.cells[0], a.number.to_string());
        assert_eq!(b.cells[1], reasons[&a.number][0]);
        assert_eq!(b.cells[2..], a.cells[..], "row {}", a.number);
    }
}
