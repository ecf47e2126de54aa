//! Reading a CSV or XLSX file into a table of text cells: the header row
//! and the data rows, each with its spreadsheet row number and the problems
//! found in its cells. A problem of the whole file (not UTF-8, not a
//! spreadsheet, too large) is a [`FieldError`] on the field `file`; a
//! problem of one cell or row is a [`RowError`] and the rest of the file is
//! still read, so that every bad row can be reported at once.

use crate::RowError;
use calamine::{Data, Reader, Xlsx};
use dcis_domain::FieldError;
use std::collections::HashSet;
use std::io::Cursor;

/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The most data rows one file may hold (the export's limit too).
pub const MAX_ROWS: usize = 200_000;
/// The most columns one file may hold.
pub const MAX_COLUMNS: usize = 200;
/// The longest cell, in characters (Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most an XLSX file may hold once unpacked: a small file that unpacks
/// to gigabytes (a "zip bomb") is refused before it is read.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// What kind of file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// Told from the first bytes, not the name: an XLSX file is a ZIP
    /// archive; an old binary Excel file (`.xls`) is refused with its own
    /// message; anything else is read as CSV.
    pub fn detect(bytes: &[u8]) -> Result<Self, FieldError> {
        if bytes.starts_with(b"PK\x03\x04") {
            Ok(Self::Xlsx)
        } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            Err(FieldError::new("file", "err-import-xls"))
        } else {
            Ok(Self::Csv)
        }
    }
}

/// One data row: its number in the spreadsheet (the header is row 1 of a
/// CSV file; in XLSX the sheet's own row number) and its cells as text,
/// as many as the header has columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// Whether every cell is empty (such rows are skipped).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// A file read into text: the header's names, the rows, and the problems
/// found in cells (formulas, merged cells, error values, ragged rows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub format: Option<Format>,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub problems: Vec<RowError>,
}

/// How much one read may take in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_rows: usize,
}

impl Limits {
    /// Uploads through the pages and the API: [`MAX_BYTES`], [`MAX_ROWS`].
    pub const UPLOAD: Self = Self {
        max_bytes: MAX_BYTES,
        max_rows: MAX_ROWS,
    };
    /// `dcis import` on the server itself, for national backlogs: 4 GiB
    /// and ten million rows (the file is held in memory while it is read).
    pub const COMMAND_LINE: Self = Self {
        max_bytes: 4 << 30,
        max_rows: 10_000_000,
    };
}

/// Reads a file of either kind, within the upload limits.
pub fn read(bytes: &[u8]) -> Result<Table, FieldError> {
    read_with(bytes, Limits::UPLOAD)
}

/// Reads a file of either kind within `limits`.
pub fn read_with(bytes: &[u8], limits: Limits) -> Result<Table, FieldError> {
    if bytes.len() > limits.max_bytes {
        return Err(
            FieldError::new("file", "err-import-too-large").with("max_mb", limits.max_bytes >> 20)
        );
    }
    match Format::detect(bytes)? {
        Format::Csv => read_csv_with(bytes, limits),
        Format::Xlsx => read_xlsx_with(bytes, limits),
    }
}

/// The delimiter of a CSV file: a comma, unless the header line holds
/// semicolons or tabs and no commas (spreadsheet programs in some locales
/// write `;`).
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|x| *x == c).count();
    if count(',') > 0 {
        b','
    } else if count(';') > 0 {
        b';'
    } else if count('\t') > 0 {
        b'\t'
    } else {
        b','
    }
}

/// A text value for CSV. A spreadsheet program opening the file would run
/// a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return as
/// a formula; such a value (and one already beginning with `'`, so that the
/// rule can be undone) gets a leading `'`. An import removes one leading
/// `'` from every text value ([`unguard`]). XLSX needs no such guard: its
/// cells are typed strings.
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => {
            std::borrow::Cow::Owned(format!("'{s}"))
        }
        _ => std::borrow::Cow::Borrowed(s),
    }
}

/// Removes one leading `'` (the formula guard of [`csv_text`]).
pub fn unguard(s: &str) -> &str {
    s.strip_prefix('\'').unwrap_or(s)
}

/// Reads CSV: UTF-8 (a byte-order mark is skipped), RFC 4180 quoting, the
/// first row the header.
pub fn read_csv(bytes: &[u8]) -> Result<Table, FieldError> {
    read_csv_with(bytes, Limits::UPLOAD)
}

/// [`read_csv`] within `limits`.
pub fn read_csv_with(bytes: &[u8], limits: Limits) -> Result<Table, FieldError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Err(FieldError::new("file", "err-import-encoding").with("line", line));
        }
    };
    if text.trim().is_empty() {
        return Err(FieldError::new("file", "err-import-empty"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut table = Table {
        format: Some(Format::Csv),
        ..Table::default()
    };
    let mut header_seen = false;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                // The only errors of a UTF-8 string read flexibly are I/O
                // ones, which a byte slice cannot give; name the line anyway.
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(FieldError::new("file", "err-import-csv").with("line", line));
            }
        };
        // The row as a spreadsheet program numbers it (the header is row
        // 1), not the line: a quoted cell may hold line breaks.
        let number = record
            .position()
            .map(|p| p.record() as usize + 1)
            .unwrap_or(0);
        let cells: Vec<String> = record.iter().map(|c| unguard(c).to_owned()).collect();
        if !header_seen {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            table.headers = headers(cells)?;
            header_seen = true;
            continue;
        }
        push_row(&mut table, number, cells, limits.max_rows)?;
    }
    if !header_seen {
        return Err(FieldError::new("file", "err-import-empty"));
    }
    Ok(table)
}

fn headers(cells: Vec<String>) -> Result<Vec<String>, FieldError> {
    if cells.len() > MAX_COLUMNS {
        return Err(FieldError::new("file", "err-import-too-many-columns").with("max", MAX_COLUMNS));
    }
    let headers: Vec<String> = cells.into_iter().map(|c| c.trim().to_owned()).collect();
    let mut seen = HashSet::new();
    for h in &headers {
        if !h.is_empty() && !seen.insert(h.to_lowercase()) {
            return Err(FieldError::new("file", "err-import-duplicate-header").with("name", h));
        }
    }
    Ok(headers)
}

/// Adds a data row, fitted to the header's width; a row with more or fewer
/// cells than the header is reported (its cells are kept, so that the
/// rest of its problems can be found too).
fn push_row(
    table: &mut Table,
    number: usize,
    mut cells: Vec<String>,
    max_rows: usize,
) -> Result<(), FieldError> {
    let width = table.headers.len();
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Ok(());
    }
    if table.rows.len() >= max_rows {
        return Err(FieldError::new("file", "err-import-too-many-rows").with("max", max_rows));
    }
    if cells.len() != width {
        let extra_blank = cells.len() > width && cells[width..].iter().all(|c| c.trim().is_empty());
        if !extra_blank {
            table.problems.push(
                RowError::row(number, "err-import-ragged")
                    .with("expected", width)
                    .with("found", cells.len()),
            );
        }
        cells.resize(width, String::new());
    }
    for (i, c) in cells.iter().enumerate() {
        if c.chars().count() > MAX_CELL_CHARS {
            table.problems.push(
                RowError::cell(number, table.headers[i].as_str(), "err-too-long")
                    .with("max", MAX_CELL_CHARS),
            );
        }
    }
    table.rows.push(Row { number, cells });
    Ok(())
}

/// The sheet to read: the one named `cases` if there is one, else the
/// first.
fn sheet_name(names: &[String]) -> Option<String> {
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("cases"))
        .or_else(|| names.first())
        .cloned()
}

/// The A1-style name of a cell (`C7`) from 0-based row and column.
pub fn a1(row: u32, col: u32) -> String {
    // In u64: a file may place a cell at the largest u32.
    let mut c = u64::from(col) + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(char::from(b'A' + r as u8));
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        letters.into_iter().collect::<String>(),
        u64::from(row) + 1
    )
}

/// The text of an XLSX cell. Numbers are written without a trailing
/// `.0`; dates and times as `YYYY-MM-DD` and `HH:MM`; booleans as
/// `true`/`false`. An error value (`#DIV/0!`) is a problem.
fn cell_text(d: &Data) -> Result<String, &'static str> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                return Err("err-import-duration");
            }
            excel_date_text(dt.as_f64()).ok_or("err-import-date-cell")?
        }
        Data::DateTimeIso(s) => s.clone(),
        Data::DurationIso(_) => return Err("err-import-duration"),
        Data::Error(_) => return Err("err-import-cell-error"),
    })
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An Excel serial date (days since 1899-12-30, the 1900 system) as text:
/// a date, a time of day (serial below 1) or both.
fn excel_date_text(serial: f64) -> Option<String> {
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Rounded to the second first: a time a hair before midnight is the
    // next day's 00:00, not this day's.
    let total = (serial * 86_400.0).round() as i64;
    let (days, secs) = (total.div_euclid(86_400), total.rem_euclid(86_400));
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    if days == 0 {
        return Some(format!("{h:02}:{m:02}"));
    }
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    let date = epoch.checked_add(time::Duration::days(days))?;
    let d = format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    if secs == 0 {
        Some(d)
    } else {
        Some(format!("{d} {h:02}:{m:02}"))
    }
}

/// Refuses an archive that would unpack to more than [`MAX_UNPACKED_BYTES`].
fn check_unpacked_size(bytes: &[u8]) -> Result<(), FieldError> {
    let bad = || FieldError::new("file", "err-import-xlsx");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| bad())?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| bad())?;
        total = total.saturating_add(f.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(FieldError::new("file", "err-import-too-large").with("max_mb", MAX_BYTES >> 20));
    }
    Ok(())
}

/// Reads XLSX: the sheet `cases` (or the first), its first non-empty row
/// the header. Formulas and error values are reported at their cell (a
/// formula's stored result may be stale or missing), a merged region once
/// at its first cell (it shows its value across the region, holds it in
/// that cell only).
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, FieldError> {
    read_xlsx_with(bytes, Limits::UPLOAD)
}

/// [`read_xlsx`] within `limits`.
pub fn read_xlsx_with(bytes: &[u8], limits: Limits) -> Result<Table, FieldError> {
    check_unpacked_size(bytes)?;
    // calamine parses cell references with unchecked arithmetic: a
    // reference like `AAAAAAAAA1` overflows, which panics in a build with
    // overflow checks (tests, debug) and wraps in a release build. Such a
    // file is refused as unreadable rather than taking the reader down.
    let sheet = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheet(bytes, limits.max_rows)
    }))
    .map_err(|_| FieldError::new("file", "err-import-xlsx"))??;
    sheet_table(sheet, limits.max_rows)
}

/// One cell of a sheet: its value (empty for a formula that gave nothing)
/// and whether it holds a formula.
struct SheetCell {
    data: Data,
    formula: bool,
}

/// The cells of the sheet to read, sparse (row, then column), and its
/// merged regions of more than one cell as (top row, left column).
struct Sheet {
    rows: std::collections::BTreeMap<u32, std::collections::BTreeMap<u32, SheetCell>>,
    /// The columns spanned by cells with a value (first, last).
    columns: Option<(u32, u32)>,
    merged: Vec<(u32, u32)>,
}

/// Streams the cells of the sheet `cases` (or the first): only cells with
/// a value or a formula are kept, never the rectangle around them, so that
/// a cell far away (`XFD1048576`) costs nothing. Past the column and row
/// limits the file is refused while it is read.
fn read_sheet(bytes: &[u8], max_rows: usize) -> Result<Sheet, FieldError> {
    let bad = || FieldError::new("file", "err-import-xlsx");
    let empty = || FieldError::new("file", "err-import-empty");
    let too_many_rows =
        || FieldError::new("file", "err-import-too-many-rows").with("max", max_rows);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| bad())?;
    let name = sheet_name(&book.sheet_names()).ok_or_else(empty)?;
    let merged = book
        .merge_cells_by_sheet_name(&name)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.start != d.end)
        .map(|d| (d.start.0.min(d.end.0), d.start.1.min(d.end.1)))
        .collect();
    let mut reader = match book.worksheet_cells_reader(&name) {
        Ok(r) => r,
        // A chart sheet has no cells.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Err(empty()),
        Err(_) => return Err(bad()),
    };
    let mut sheet = Sheet {
        rows: std::collections::BTreeMap::new(),
        columns: None,
        merged,
    };
    let mut value_rows = HashSet::new();
    let mut formula_only = 0usize;
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|_| bad())?
    {
        let data = Data::from(cell.value);
        let formula = cell.formula.is_some();
        let (r, c) = cell.pos;
        if data == Data::Empty {
            if !formula {
                continue;
            }
            formula_only += 1;
            if formula_only > max_rows {
                return Err(too_many_rows());
            }
        } else {
            let (first, last) = sheet.columns.map_or((c, c), |(f, l)| (f.min(c), l.max(c)));
            if (last - first) as usize >= MAX_COLUMNS {
                return Err(
                    FieldError::new("file", "err-import-too-many-columns").with("max", MAX_COLUMNS)
                );
            }
            sheet.columns = Some((first, last));
            // The header's row and the data rows.
            if value_rows.insert(r) && value_rows.len() > max_rows.saturating_add(1) {
                return Err(too_many_rows());
            }
        }
        sheet
            .rows
            .entry(r)
            .or_default()
            .insert(c, SheetCell { data, formula });
    }
    Ok(sheet)
}

/// The table of a sheet's cells: the first row with a value is the header,
/// the columns those spanned by values. A formula is reported at its cell
/// (its stored result may be stale or missing), a merged region once at
/// its first cell (its value is in that cell only, though it shows across
/// the region), as is an error value; a problem in the header refuses the
/// file.
fn sheet_table(sheet: Sheet, max_rows: usize) -> Result<Table, FieldError> {
    let Some((c0, c1)) = sheet.columns else {
        return Err(FieldError::new("file", "err-import-empty"));
    };
    let mut merged_at: std::collections::BTreeMap<u32, Vec<u32>> =
        std::collections::BTreeMap::new();
    for (r, c) in &sheet.merged {
        // A region of blank cells hides nothing.
        let has_value = sheet
            .rows
            .get(r)
            .and_then(|row| row.get(c))
            .is_some_and(|cell| cell.data != Data::Empty);
        if has_value && (c0..=c1).contains(c) {
            merged_at.entry(*r).or_default().push(*c);
        }
    }
    let mut row_numbers: Vec<u32> = sheet.rows.keys().copied().collect();
    row_numbers.extend(merged_at.keys().copied());
    row_numbers.sort_unstable();
    row_numbers.dedup();
    let empty_row = std::collections::BTreeMap::new();
    let mut table = Table {
        format: Some(Format::Xlsx),
        ..Table::default()
    };
    let mut header_seen = false;
    for r in row_numbers {
        let row = sheet.rows.get(&r).unwrap_or(&empty_row);
        let number = r as usize + 1;
        let mut cells = Vec::with_capacity((c1 - c0) as usize + 1);
        let mut problems: Vec<(u32, &'static str)> = Vec::new();
        let merged_here = merged_at.get(&r).map(Vec::as_slice).unwrap_or(&[]);
        for c in c0..=c1 {
            let (text, formula) = match row.get(&c) {
                Some(cell) => (cell_text(&cell.data), cell.formula),
                None => (Ok(String::new()), false),
            };
            match text {
                Ok(t) => cells.push(t),
                Err(key) => {
                    problems.push((c, key));
                    cells.push(String::new());
                }
            }
            if formula {
                problems.push((c, "err-import-formula"));
            }
            if merged_here.contains(&c) {
                problems.push((c, "err-import-merged"));
            }
        }
        if !header_seen {
            if cells.iter().all(|t| t.trim().is_empty()) {
                continue;
            }
            if let Some((c, key)) = problems.first() {
                return Err(FieldError::new("file", "err-import-header-cell")
                    .with("cell", a1(r, *c))
                    .with("reason", key));
            }
            table.headers = headers(cells)?;
            header_seen = true;
            continue;
        }
        for (c, key) in problems {
            let column = table.headers[(c - c0) as usize].as_str();
            table
                .problems
                .push(RowError::cell(number, column, key).with("cell", a1(r, c)));
        }
        // A blank row is not kept (push_row skips it), but its problems
        // (a formula giving nothing, an error value) are reported above.
        push_row(&mut table, number, cells, max_rows)?;
    }
    if header_seen {
        Ok(table)
    } else {
        Err(FieldError::new("file", "err-import-empty"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_quotes_and_guard() {
        let t = read(
            "\u{feff}reference,narrative\r\nA-1,\"two\r\nlines, and \"\"quotes\"\"\"\r\nA-2,'=1+2\r\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(t.headers, ["reference", "narrative"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[1], "two\r\nlines, and \"quotes\"");
        assert_eq!(t.rows[1].cells[1], "=1+2");
        assert_eq!(t.rows[1].number, 3);
        assert!(t.problems.is_empty());
    }

    #[test]
    fn csv_not_utf8_names_the_line() {
        let mut bytes = b"reference,narrative\nA-1,ok\nA-2,".to_vec();
        bytes.extend([0xE0, 0xBA]); // half a Lao letter in UTF-8... then Latin-1
        bytes.extend(b"\xff\n");
        let e = read(&bytes).unwrap_err();
        assert_eq!(e.key, "err-import-encoding");
        assert_eq!(e.args, vec![("line", "3".to_owned())]);
    }

    #[test]
    fn ragged_rows_are_reported_not_dropped() {
        let t = read(b"a,b,c\n1,2,3\n1,2\n1,2,3,4\n1,2,3,,\n").unwrap();
        assert_eq!(t.rows.len(), 4);
        let rows: Vec<usize> = t.problems.iter().map(|p| p.row).collect();
        assert_eq!(rows, [3, 4]);
        assert!(t.problems.iter().all(|p| p.key == "err-import-ragged"));
    }

    #[test]
    fn semicolon_files_are_read() {
        let t = read(b"reference;province\nA-1;05\n").unwrap();
        assert_eq!(t.headers, ["reference", "province"]);
        assert_eq!(t.rows[0].cells, ["A-1", "05"]);
    }

    #[test]
    fn empty_and_duplicate_headers_are_refused() {
        assert_eq!(read(b"").unwrap_err().key, "err-import-empty");
        assert_eq!(read(b"\n\n").unwrap_err().key, "err-import-empty");
        assert_eq!(
            read(b"a,A\n1,2\n").unwrap_err().key,
            "err-import-duplicate-header"
        );
        assert_eq!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).unwrap_err().key,
            "err-import-xls"
        );
        assert_eq!(
            read(b"PK\x03\x04garbage").unwrap_err().key,
            "err-import-xlsx"
        );
    }

    #[test]
    fn xlsx_rows_formulas_and_merged_cells() {
        use rust_xlsxwriter::{Formula, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["reference", "occurred_on", "quantity"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "A-1").unwrap();
        sheet.write_number(1, 1, 46095.0).unwrap();
        sheet.write_number(1, 2, 1250.0).unwrap();
        sheet.write_string(2, 0, "A-2").unwrap();
        sheet.write_formula(2, 2, Formula::new("=1+1")).unwrap();
        sheet
            .merge_range(3, 0, 4, 0, "A-3", &rust_xlsxwriter::Format::new())
            .unwrap();
        sheet.write_string(3, 1, "2026-01-01").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = read(&bytes).unwrap();
        assert_eq!(t.format, Some(Format::Xlsx));
        assert_eq!(t.headers, ["reference", "occurred_on", "quantity"]);
        assert_eq!(t.rows[0].cells, ["A-1", "46095", "1250"]);
        assert_eq!(t.rows[0].number, 2);
        let found: Vec<(usize, &str, &str)> = t
            .problems
            .iter()
            .map(|p| (p.row, p.column.as_str(), p.key.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, "quantity", "err-import-formula"),
                (4, "reference", "err-import-merged"),
            ]
        );
    }

    /// A sheet of one header row and the given cells (XML), packed as the
    /// XLSX fuzz target packs it.
    fn sheet(cells: &str) -> Vec<u8> {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>"#
        );
        crate::xlsx_package(xml.as_bytes()).unwrap()
    }

    fn inline(r: &str, text: &str) -> String {
        format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    #[test]
    fn xlsx_far_cells_cost_nothing() {
        // A stray value a million rows down is one more row, not a
        // rectangle of a million empty ones.
        let cells = [
            inline("A1", "reference"),
            inline("B1", "province"),
            inline("A2", "A-1"),
            inline("B2", "05"),
            inline("A1048576", "A-2"),
        ]
        .concat();
        let t = read(&sheet(&cells)).unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [2, 1_048_576]);
        // Far to the right: past the column limit, refused while reading.
        let cells = [inline("A1", "reference"), inline("XFD1", "x")].concat();
        assert_eq!(
            read(&sheet(&cells)).unwrap_err().key,
            "err-import-too-many-columns"
        );
    }

    #[test]
    fn xlsx_broken_references_are_refused_not_panics() {
        // Column letters past u32 (found by the fuzzer: calamine's
        // arithmetic overflows), a reversed dimension, a reversed merge.
        let far = [inline("A1", "reference"), inline("AAAAAAAAAAAAA2", "x")].concat();
        assert_eq!(read(&sheet(&far)).unwrap_err().key, "err-import-xlsx");
        let xml = format!(
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="C3:A1"/><sheetData>{}</sheetData><mergeCells count="1"><mergeCell ref="B2:A1"/></mergeCells></worksheet>"#,
            [inline("A1", "reference"), inline("A2", "A-1")].concat()
        );
        let t = read(&crate::xlsx_package(xml.as_bytes()).unwrap());
        assert!(t.is_ok() || t.is_err_and(|e| e.key == "err-import-xlsx"));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_date_text(46095.0).as_deref(), Some("2026-03-14"));
        assert_eq!(excel_date_text(0.5).as_deref(), Some("12:00"));
        assert_eq!(
            excel_date_text(46095.75).as_deref(),
            Some("2026-03-14 18:00")
        );
        assert_eq!(excel_date_text(-1.0), None);
        // 23:59:59.9 is the next day at midnight, not the same day's 00:00.
        assert_eq!(
            excel_date_text(46095.0 + 86_399.9 / 86_400.0).as_deref(),
            Some("2026-03-15")
        );
        assert_eq!(a1(u32::MAX, u32::MAX), "MWLQKWV4294967296");
        assert_eq!(float_text(1250.0), "1250");
        assert_eq!(float_text(0.0015), "0.0015");
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 27), "AB7");
    }
}
