//! Export of a filtered case list to CSV or XLSX (`docs/export.md`).
//!
//! The rules:
//!
//! - **Who**: an actor whose role may export records (analysts and
//!   supervisors). A token narrows as everywhere.
//! - **What**: the cases the list shows for the same filter, limited to
//!   those the actor may **read**. Cases the actor may only know exist are
//!   listed for them but never exported. The store applies the readable
//!   filter again on every fetch.
//! - **Shape**: one row per seized item, the case's columns repeated; a
//!   case without items gives one row with empty item columns. Columns are
//!   the storage and wire names ([`columns`]), so the file can be imported
//!   again.
//! - **Audit**: every export is one `event` entry on the entity type
//!   `export` (id: a new UUID), written after the file is built and before
//!   its first byte is sent: who, the filter, the format, how many cases,
//!   items and rows, the SHA-256 of the file and the ids of every exported
//!   case. An export that fails or is refused writes nothing.
//! - **Size**: at most [`MAX_ROWS`] rows; a larger export is refused as a
//!   validation error on the field `filter` (`err-export-too-large`) before
//!   anything is written. The file is built in an unlinked temporary file
//!   (mode 0600), fetched [`dcis_store::EXPORT_BATCH`] cases at a time, so
//!   memory does not grow with the export.

use crate::error::AppError;
use crate::App;
use dcis_domain::access::RecordId;
use dcis_domain::decimal::Decimal;
use dcis_domain::ids::OrganisationId;
use dcis_domain::role::Permission;
use dcis_domain::FieldError;
use dcis_policy::Actor;
use dcis_store::{CaseFilter, CaseRecord, ItemRecord, EXPORT_BATCH};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

/// The most rows (seized items, or cases without items) one export holds.
pub const MAX_ROWS: u64 = 200_000;

// The columns are the import's too: one list, in dcis-import.
pub use dcis_import::columns::{CASE_COLUMNS, ITEM_COLUMNS, MEASURE_COLUMNS};
pub use dcis_import::table::csv_text;

/// Every column, in order: the header row.
pub fn columns() -> Vec<&'static str> {
    dcis_import::columns::export_columns()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// `csv` or `xlsx` (any case, surrounding spaces ignored).
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            other => Err(FieldError::new("format", "err-choice").with("value", other)),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A finished export: the file (read from its start), ready to send.
#[derive(Debug)]
pub struct CaseExport {
    /// The id of the export's audit entry.
    pub id: uuid::Uuid,
    /// An unlinked temporary file: gone from the disk when dropped.
    pub file: File,
    pub len: u64,
    /// `cases-YYYY-MM-DD.csv`, the local date of Lao PDR.
    pub file_name: String,
    pub format: ExportFormat,
    pub cases: u64,
    pub rows: u64,
    pub sha256: String,
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A normalised measure: `exact` is the decimal as the API writes it.
    Number {
        value: f64,
        exact: String,
    },
    Bool(bool),
}

impl Cell {
    fn text(s: &str) -> Self {
        if s.is_empty() {
            Self::Empty
        } else {
            Self::Text(s.to_owned())
        }
    }

    fn decimal(v: Option<i64>, places: u8) -> Self {
        v.and_then(|x| u64::try_from(x).ok())
            .and_then(|x| Decimal::from_parts(x, places))
            .map(|d| {
                let exact = d.trimmed().to_string();
                Self::Number {
                    value: exact.parse().unwrap_or(0.0),
                    exact,
                }
            })
            .unwrap_or(Self::Empty)
    }

    /// The cell as CSV text, guarded against formula injection.
    pub fn csv(&self) -> Cow<'_, str> {
        match self {
            Self::Empty => Cow::Borrowed(""),
            Self::Text(s) => csv_text(s),
            Self::Number { exact, .. } => Cow::Borrowed(exact),
            Self::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        }
    }
}

fn rfc3339(t: &time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The case's cells, in the order of [`CASE_COLUMNS`].
pub fn case_cells(c: &CaseRecord, agency_code: &str) -> Vec<Cell> {
    let f = &c.fields;
    let t = Cell::text;
    vec![
        t(&c.id.to_string()),
        t(&f.reference),
        t(&f.occurred_on),
        t(&f.occurred_time),
        t(&f.province),
        t(&f.district),
        t(&f.village.map(|v| v.to_string()).unwrap_or_default()),
        t(&f.border_crossing.map(|v| v.to_string()).unwrap_or_default()),
        t(&f.latitude),
        t(&f.longitude),
        t(&f.operation_name),
        t(&f.detection_method),
        t(&f.transport_mode),
        t(&f.concealment_method),
        t(&f.origin_country),
        t(&f.origin_province),
        t(&f.destination_country),
        t(&f.destination_province),
        t(&f.status),
        t(&f.narrative),
        t(c.access.classification.as_str()),
        t(c.access.tlp.label()),
        t(&c.agency.to_string()),
        t(agency_code),
        t(&c.access.owner_unit.to_string()),
        t(&rfc3339(&c.created_at)),
        t(&rfc3339(&c.updated_at)),
    ]
}

/// The item's cells (as entered, then the measures), in the order of
/// [`ITEM_COLUMNS`] and [`MEASURE_COLUMNS`]; all empty without an item.
pub fn item_cells(i: Option<&ItemRecord>) -> Vec<Cell> {
    let Some(i) = i else {
        return vec![Cell::Empty; ITEM_COLUMNS.len() + MEASURE_COLUMNS.len()];
    };
    let f = &i.fields;
    let t = Cell::text;
    let m = &i.measures;
    vec![
        t(&i.id.to_string()),
        t(&i.position.to_string()),
        t(&f.substance),
        t(&f.form),
        t(&f.quantity),
        t(&f.unit),
        t(&f.tablet_count),
        t(&f.unit_weight_mg),
        t(&f.purity),
        t(&f.lab_reference),
        t(&f.tablet_logo),
        t(&f.packaging_kind),
        t(&f.packaging_brand),
        t(&f.price),
        t(&f.price_currency),
        t(&f.price_per),
        Cell::decimal(m.micrograms, 6),
        if m.micrograms.is_some() {
            Cell::Bool(m.mass_derived)
        } else {
            Cell::Empty
        },
        Cell::decimal(m.microlitres, 3),
        Cell::decimal(m.count, 0),
        Cell::decimal(m.square_metres, 4),
    ]
}

/// A writer that keeps the SHA-256 and length of what passes through.
struct Digesting<W> {
    inner: W,
    hash: Sha256,
    len: u64,
}

impl<W: Write> Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

type Out = Digesting<BufWriter<File>>;

fn digesting(file: File) -> Out {
    Digesting {
        inner: BufWriter::with_capacity(256 * 1024, file),
        hash: Sha256::new(),
        len: 0,
    }
}

/// The finished file, read from its start, with its length and digest.
fn finished(out: Out) -> io::Result<(File, u64, String)> {
    let Digesting { inner, hash, len } = out;
    let mut file = inner.into_inner().map_err(|e| e.into_error())?;
    file.flush()?;
    file.seek(SeekFrom::Start(0))?;
    Ok((file, len, hex::encode(hash.finalize())))
}

/// A new temporary file only this process can open: created with mode
/// 0600 and unlinked at once, so it disappears with its handle, even if
/// the process dies.
fn temp_file(id: uuid::Uuid) -> io::Result<File> {
    let path = std::env::temp_dir().join(format!("dcis-export-{id}.part"));
    let mut o = std::fs::OpenOptions::new();
    o.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let file = o.open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

fn internal(what: &str) -> impl Fn(String) -> AppError + '_ {
    move |e| AppError::Internal(format!("export: {what}: {e}"))
}

/// Where rows go: a CSV writer or an XLSX worksheet.
enum Sink {
    Csv(Box<csv::Writer<Out>>),
    Xlsx {
        book: Box<rust_xlsxwriter::Workbook>,
        out: Out,
        row: u32,
    },
}

/// Column widths of the XLSX sheet, in characters (others: 14).
fn width(column: &str) -> f64 {
    match column {
        "narrative" => 60.0,
        "case_id" | "item_id" | "agency" | "owner_unit" | "village" | "border_crossing" => 38.0,
        "operation_name" | "created_at" | "updated_at" | "packaging_brand" => 24.0,
        "reference" | "detection_method" | "concealment_method" | "substance" => 20.0,
        _ => 14.0,
    }
}

impl Sink {
    fn csv(file: File) -> Result<Self, AppError> {
        let mut out = digesting(file);
        // The byte-order mark tells spreadsheet programs the file is UTF-8.
        out.write_all("\u{feff}".as_bytes())
            .map_err(|e| internal("write")(e.to_string()))?;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        w.write_record(columns())
            .map_err(|e| internal("csv")(e.to_string()))?;
        Ok(Self::Csv(Box::new(w)))
    }

    fn xlsx(file: File, now: time::OffsetDateTime) -> Result<Self, AppError> {
        use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
        let x = |e: rust_xlsxwriter::XlsxError| internal("xlsx")(e.to_string());
        let mut book = Workbook::new();
        // The creation time comes from the application's clock, not the
        // system's.
        let created = ExcelDateTime::from_timestamp(now.unix_timestamp()).map_err(x)?;
        book.set_properties(
            &DocProperties::new()
                .set_title("dcis cases")
                .set_creation_datetime(&created),
        );
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet_with_constant_memory().map_err(x)?;
        sheet.set_name("cases").map_err(x)?;
        for (c, name) in columns().iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| internal("xlsx")(e.to_string()))?;
            sheet.set_column_width(c, width(name)).map_err(x)?;
            sheet
                .write_string_with_format(0, c, *name, &bold)
                .map_err(x)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(x)?;
        Ok(Self::Xlsx {
            book: Box::new(book),
            out: digesting(file),
            row: 0,
        })
    }

    fn row(&mut self, case: &[Cell], item: &[Cell]) -> Result<(), AppError> {
        match self {
            Self::Csv(w) => {
                for cell in case.iter().chain(item) {
                    w.write_field(cell.csv().as_bytes())
                        .map_err(|e| internal("csv")(e.to_string()))?;
                }
                w.write_record(None::<&[u8]>)
                    .map_err(|e| internal("csv")(e.to_string()))
            }
            Self::Xlsx { book, row, .. } => {
                let x = |e: rust_xlsxwriter::XlsxError| internal("xlsx")(e.to_string());
                *row += 1;
                let sheet = book.worksheet_from_index(0).map_err(x)?;
                for (c, cell) in case.iter().chain(item).enumerate() {
                    let c = u16::try_from(c).map_err(|e| internal("xlsx")(e.to_string()))?;
                    match cell {
                        Cell::Empty => {}
                        Cell::Text(s) => {
                            sheet.write_string(*row, c, s).map_err(x)?;
                        }
                        Cell::Number { value, .. } => {
                            sheet.write_number(*row, c, *value).map_err(x)?;
                        }
                        Cell::Bool(b) => {
                            sheet.write_boolean(*row, c, *b).map_err(x)?;
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// Completes the file; returns it (from its start), its length and its
    /// SHA-256. Building the XLSX container is CPU work: off the async
    /// workers.
    async fn finish(self) -> Result<(File, u64, String), AppError> {
        match self {
            Self::Csv(w) => {
                let out = w
                    .into_inner()
                    .map_err(|e| internal("csv")(e.error().to_string()))?;
                finished(out).map_err(|e| internal("write")(e.to_string()))
            }
            Self::Xlsx {
                mut book,
                mut out,
                row,
            } => tokio::task::spawn_blocking(move || {
                let x = |e: rust_xlsxwriter::XlsxError| internal("xlsx")(e.to_string());
                let last = u16::try_from(columns().len() - 1)
                    .map_err(|e| internal("xlsx")(e.to_string()))?;
                book.worksheet_from_index(0)
                    .map_err(x)?
                    .autofilter(0, 0, row, last)
                    .map_err(x)?;
                book.save_to_writer(&mut out).map_err(x)?;
                finished(out).map_err(|e| internal("write")(e.to_string()))
            })
            .await
            .map_err(|e| internal("task")(e.to_string()))?,
        }
    }
}

fn too_large() -> AppError {
    FieldError::new("filter", "err-export-too-large")
        .with("max", MAX_ROWS)
        .into()
}

/// The filter as the audit entry records it: only what was given.
fn filter_json(q: &CaseFilter) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
            m.insert(k.to_owned(), serde_json::Value::String(v.to_owned()));
        }
    };
    put("from", q.from.as_deref());
    put("to", q.to.as_deref());
    put("province", q.province.as_deref());
    put("agency", q.agency.map(|a| a.to_string()).as_deref());
    put("status", q.status.as_deref());
    put("substance", q.substance.as_deref());
    put("q", q.text.as_deref());
    serde_json::Value::Object(m)
}

impl App {
    /// Exports the cases of a list filter that the actor may read, one row
    /// per seized item, and records the export on the audit chain before
    /// returning the file. `path` is the address it was asked on (for the
    /// audit entry). `limit` and `offset` of `q` are ignored: an export is
    /// the whole filtered list.
    pub async fn export_cases(
        &self,
        actor: &Actor,
        q: &CaseFilter,
        format: ExportFormat,
        path: &str,
    ) -> Result<CaseExport, AppError> {
        actor.require(Permission::ReadRecords)?;
        actor.require(Permission::ExportRecords)?;
        // The readable filter only: listed-only cases never enter the list.
        let f = self.readable_filter(actor).await?;
        let probe = CaseFilter {
            limit: 1,
            offset: 0,
            count_up_to: Some(i64::try_from(MAX_ROWS).unwrap_or(i64::MAX)),
            ..q.clone()
        };
        let (_, total) = self.store.cases(&f, &probe).await?;
        if !total.exact {
            return Err(too_large());
        }
        let all = CaseFilter {
            limit: total.n.max(1),
            offset: 0,
            count_up_to: Some(1),
            ..q.clone()
        };
        let ids: Vec<RecordId> = self
            .store
            .cases(&f, &all)
            .await?
            .0
            .into_iter()
            .filter(|s| s.readable)
            .map(|s| s.access.record)
            .collect();
        let codes: HashMap<OrganisationId, String> = self
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.id, o.code.as_str().to_owned()))
            .collect();

        let id = self.new_uuid();
        let file = temp_file(id).map_err(|e| internal("temporary file")(e.to_string()))?;
        let mut sink = match format {
            ExportFormat::Csv => Sink::csv(file)?,
            ExportFormat::Xlsx => Sink::xlsx(file, self.now())?,
        };
        let (mut rows, mut items) = (0u64, 0u64);
        let mut exported: Vec<String> = Vec::with_capacity(ids.len());
        let empty = item_cells(None);
        for chunk in ids.chunks(EXPORT_BATCH) {
            for (c, its) in self.store.readable_cases_with_items(&f, chunk).await? {
                let code = codes.get(&c.agency).map(String::as_str).unwrap_or("");
                let case = case_cells(&c, code);
                rows += its.len().max(1) as u64;
                if rows > MAX_ROWS {
                    return Err(too_large());
                }
                if its.is_empty() {
                    sink.row(&case, &empty)?;
                }
                for i in &its {
                    sink.row(&case, &item_cells(Some(i)))?;
                }
                items += its.len() as u64;
                exported.push(c.id.to_string());
            }
        }
        let (file, len, sha256) = sink.finish().await?;
        let cases = exported.len() as u64;

        let mut w = self.write_as(actor).await?;
        w.event(
            crate::access::EXPORT_ENTITY,
            &id.to_string(),
            &serde_json::json!({
                "event": "cases_exported",
                "format": format.extension(),
                "path": path,
                "filter": filter_json(q),
                "cases": cases,
                "items": items,
                "rows": rows,
                "bytes": len,
                "sha256": sha256,
                "case_ids": exported,
            }),
        )
        .await?;
        w.commit().await?;
        tracing::info!(user = %actor.username.as_str(), export = %id, format = format.extension(), cases, rows, "cases exported");

        let date = time::macros::format_description!("[year]-[month]-[day]");
        let file_name = format!(
            "cases-{}.{}",
            self.local_now().date().format(date).unwrap_or_default(),
            format.extension()
        );
        Ok(CaseExport {
            id,
            file,
            len,
            file_name,
            format,
            cases,
            rows,
            sha256,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn formula_guard_is_reversible() {
        for s in [
            "=1+1",
            "+66",
            "-3",
            "@SUM(A1)",
            "\tx",
            "'quoted",
            "''",
            "WY",
            "ວຽງຈັນ",
            "",
        ] {
            let g = csv_text(s);
            assert!(!g.starts_with(['=', '+', '-', '@', '\t', '\r']), "{g}");
            let back = g.strip_prefix('\'').unwrap_or(&g);
            assert_eq!(back, s);
        }
        assert_eq!(csv_text("WY"), "WY");
        assert_eq!(csv_text("=1+1"), "'=1+1");
    }

    #[test]
    fn header_and_rows_have_the_same_width() {
        assert_eq!(columns().len(), CASE_COLUMNS.len() + item_cells(None).len());
        let unique: std::collections::BTreeSet<_> = columns().into_iter().collect();
        assert_eq!(unique.len(), columns().len(), "column names are unique");
    }

    #[test]
    fn measures_are_exact_in_csv_and_numbers_in_xlsx() {
        match Cell::decimal(Some(1_250_000_000), 6) {
            Cell::Number { value, exact } => {
                assert_eq!(exact, "1250");
                assert!((value - 1250.0).abs() < f64::EPSILON);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(Cell::decimal(Some(1_500), 6).csv(), "0.0015");
        assert_eq!(Cell::decimal(None, 6), Cell::Empty);
    }

    #[test]
    fn formats() {
        assert_eq!(ExportFormat::parse(" XLSX ").unwrap(), ExportFormat::Xlsx);
        assert_eq!(ExportFormat::parse("csv").unwrap(), ExportFormat::Csv);
        assert_eq!(ExportFormat::parse("pdf").unwrap_err().field, "format");
    }
}
