//! Import of cases and their seized items from the spreadsheets agencies
//! keep (`docs/import.md`). Reading, mapping and grouping are in
//! `dcis_import`; here the rules that need the user and the database, and
//! the writing.
//!
//! The rules:
//!
//! - **Who**: an actor whose role may import records (data clerks and
//!   supervisors); the cases are the actor's
//!   agency's and unit's, as if typed in the form, and pass the same checks
//!   ([`App::prepare_case`]). A row naming another agency (`agency_code`)
//!   is an error.
//! - **Every bad row is reported**: file problems (formulas, merged cells,
//!   ragged rows), disagreeing repeats, and every field error of the case
//!   and its items, each with its row and column. A case with any bad row
//!   is not imported at all: never half a case.
//! - **Idempotent** on the agency's reference: a case whose reference the
//!   agency already has is skipped and listed as existing, so importing
//!   the same file twice creates nothing the second time.
//! - **Modes**: "all or nothing" writes every case in one transaction, and
//!   nothing if any row is bad; "good rows" writes the good cases in
//!   batches of [`BATCH`] (each case whole in one transaction) and reports
//!   the bad rows, so that an import stopped half-way (even by SIGKILL)
//!   leaves whole cases only, and rerunning it completes it.
//! - **Dry run**: everything but the writing.
//! - **Audit**: the cases and items are stored through the store's bulk
//!   path, one `bulk_load` entry per batch with the import's id and the
//!   SHA-256 of the batch's rows (as `dcis generate`); the import itself is
//!   one `event` entry (`import`, a new id) with the file's SHA-256, the
//!   mode and the counts. Neither names a case or the file: every reader
//!   of the audit log sees them (see `docs/access-policy.md`), and a
//!   reference or a file name can say what the records would not.

use crate::cases::{CaseForm, DEFAULT_CLASSIFICATION, DEFAULT_TLP};
use crate::error::AppError;
use crate::App;
use dcis_domain::case::CaseRef;
use dcis_domain::role::Permission;
use dcis_domain::FieldError;
use dcis_import::cases::{group, CaseRows};
use dcis_import::mapping::Mapping;
use dcis_import::table::Table;
use dcis_import::RowError;
use dcis_policy::Actor;
use dcis_store::StoreError;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A case that passed the form's rules: its prepared records and where it goes.
type Checked = (crate::cases::PreparedCase, CaseRef);

/// Cases written per transaction in "good rows" mode.
pub const BATCH: usize = 500;

/// What to do with a file that has bad rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Nothing is written if any row is bad.
    AllOrNothing,
    /// The good cases are written; the bad rows are given back.
    GoodRows,
}

impl ImportMode {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match s.trim().replace('-', "_").as_str() {
            "all_or_nothing" | "" => Ok(Self::AllOrNothing),
            "good_rows" => Ok(Self::GoodRows),
            other => Err(FieldError::new("mode", "err-choice").with("value", other)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllOrNothing => "all_or_nothing",
            Self::GoodRows => "good_rows",
        }
    }
}

/// How far an import is: cases checked and cases written, out of the
/// file's cases. Shared with whoever shows progress (a page, a progress
/// bar).
#[derive(Debug, Default)]
pub struct Progress {
    pub cases: AtomicUsize,
    pub checked: AtomicUsize,
    pub written: AtomicUsize,
}

impl Progress {
    pub fn snapshot(&self) -> (usize, usize, usize) {
        (
            self.cases.load(Ordering::Relaxed),
            self.checked.load(Ordering::Relaxed),
            self.written.load(Ordering::Relaxed),
        )
    }
}

/// What an import is asked to do.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub table: &'a Table,
    pub mapping: &'a Mapping,
    pub mode: ImportMode,
    pub dry_run: bool,
    pub sha256: &'a str,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The id of the import's audit entry (none for a dry run or an import
    /// that wrote nothing).
    pub id: Option<uuid::Uuid>,
    pub dry_run: bool,
    pub mode: ImportMode,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    /// Cases in the file.
    pub cases: usize,
    /// Cases and items created (a dry run: that would be created).
    pub created_cases: usize,
    pub created_items: usize,
    /// References the agency already has: skipped.
    pub existing: Vec<String>,
    /// Cases not imported because a row of theirs is bad.
    pub bad_cases: usize,
    /// Every problem, by row.
    pub errors: Vec<RowError>,
    /// Every row not imported because of an error (its own or its case's).
    pub bad_rows: Vec<usize>,
    /// Headers of the file no field reads.
    pub unused_columns: Vec<String>,
    /// Whether anything was written.
    pub written: bool,
}

impl ImportReport {
    /// The reasons for each bad row, for the file of bad rows; `message`
    /// writes one error in the reader's language. A row of a bad case
    /// without errors of its own gets `case_message` (which names the
    /// case's bad rows).
    pub fn reasons(
        &self,
        message: impl Fn(&RowError) -> String,
        case_message: impl Fn(&[usize]) -> String,
        case_rows: &BTreeMap<usize, Vec<usize>>,
    ) -> BTreeMap<usize, Vec<String>> {
        let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for e in &self.errors {
            out.entry(e.row).or_default().push(message(e));
        }
        for r in &self.bad_rows {
            if !out.contains_key(r) {
                let others = case_rows.get(r).map(Vec::as_slice).unwrap_or(&[]);
                out.insert(*r, vec![case_message(others)]);
            }
        }
        out
    }
}

/// For each row of a bad case, the case's rows that have errors (to say
/// why a good-looking row was not imported).
pub fn bad_case_rows(
    report: &ImportReport,
    table: &Table,
    mapping: &Mapping,
) -> BTreeMap<usize, Vec<usize>> {
    let error_rows: BTreeSet<usize> = report.errors.iter().map(|e| e.row).collect();
    let mut out = BTreeMap::new();
    for c in group(table, mapping).cases {
        let bad: Vec<usize> = c
            .rows
            .iter()
            .copied()
            .filter(|r| error_rows.contains(r))
            .collect();
        if !bad.is_empty() {
            for r in &c.rows {
                out.insert(*r, bad.clone());
            }
        }
    }
    out
}

/// A case of the file that passed every check.
struct Good {
    prepared: crate::cases::PreparedCase,
    reference: CaseRef,
}

impl App {
    /// Imports (or, with `dry_run`, checks) the cases of a file for the
    /// actor's agency and unit. A file-level problem (a required column not
    /// mapped) is an error; row problems are in the report.
    pub async fn import_cases(
        &self,
        actor: &Actor,
        req: &ImportRequest<'_>,
        progress: &Progress,
    ) -> Result<ImportReport, AppError> {
        actor.require(Permission::ImportRecords)?;
        let missing = req.mapping.missing_required();
        if !missing.is_empty() {
            return Err(FieldError::new("mapping", "err-import-map-required")
                .with("fields", missing.join(", "))
                .into());
        }
        let org = self
            .store
            .organisation(actor.organisation)
            .await?
            .ok_or(AppError::NotFound)?;
        let grouped = group(req.table, req.mapping);
        // Problems found while reading name the file's header; name the
        // field it maps to instead, as every other error does.
        let mut errors: Vec<RowError> = req
            .table
            .problems
            .iter()
            .map(|p| {
                let field = req
                    .table
                    .headers
                    .iter()
                    .position(|h| !p.column.is_empty() && *h == p.column)
                    .and_then(|i| req.mapping.fields.iter().find(|(_, c)| *c == Some(i)))
                    .map(|(f, _)| (*f).to_owned());
                RowError {
                    column: field.unwrap_or_else(|| p.column.clone()),
                    ..p.clone()
                }
            })
            .collect();
        errors.extend(grouped.errors.iter().cloned());
        progress.cases.store(grouped.cases.len(), Ordering::Relaxed);

        // Check every case by the rules of the form.
        let mut geo = crate::cases::GeoCache::default();
        // Each case's rows (to tell bad cases) and, when it passed, its
        // prepared records; the cells themselves are moved into the check,
        // not copied, so that a large file is held once.
        let mut checked: Vec<(Vec<usize>, Option<Checked>)> =
            Vec::with_capacity(grouped.cases.len());
        for c in grouped.cases {
            let mut own = Vec::new();
            let first_row = c.first_row();
            if !c.agency_code.is_empty() && !c.agency_code.eq_ignore_ascii_case(org.code.as_str()) {
                own.push(
                    RowError::cell(first_row, "agency_code", "err-import-other-agency")
                        .with("value", &c.agency_code)
                        .with("own", org.code.as_str()),
                );
            }
            let CaseRows {
                rows,
                fields,
                classification,
                tlp,
                items,
                ..
            } = c;
            let form = CaseForm {
                fields,
                classification: non_empty(classification, DEFAULT_CLASSIFICATION),
                tlp: non_empty(tlp, DEFAULT_TLP),
            };
            let (item_rows, items): (Vec<usize>, Vec<_>) =
                items.into_iter().map(|i| (i.row, i.fields)).unzip();
            let prepared = match self.prepare_case(actor, &form, &items, &mut geo).await {
                Ok(p) => match p.parsed.reference.clone() {
                    Some(r) => Some((p, r)),
                    None => {
                        own.push(RowError::cell(
                            first_row,
                            "reference",
                            "err-import-reference-required",
                        ));
                        None
                    }
                },
                Err(AppError::Validation(fe)) => {
                    for e in fe.0 {
                        own.push(row_error(first_row, &item_rows, &e));
                    }
                    None
                }
                Err(e) => return Err(e),
            };
            errors.extend(own);
            checked.push((rows, prepared));
            progress.checked.fetch_add(1, Ordering::Relaxed);
        }

        // Which cases are bad, which exist already, which are to write.
        let error_rows: HashSet<usize> = errors.iter().map(|e| e.row).collect();
        let refs: Vec<String> = checked
            .iter()
            .filter_map(|(_, p)| p.as_ref().map(|(_, r)| r.as_str().to_owned()))
            .collect();
        let existing_refs = self.store.existing_case_references(org.id, &refs).await?;
        let mut bad_rows: BTreeSet<usize> = error_rows.iter().copied().collect();
        let mut good: Vec<Good> = Vec::new();
        let mut existing: Vec<String> = Vec::new();
        let mut bad_cases = 0;
        let mut seen_refs = HashSet::new();
        for (rows, p) in checked {
            let bad = rows.iter().any(|r| error_rows.contains(r));
            match p {
                _ if bad => {
                    bad_cases += 1;
                    bad_rows.extend(rows);
                }
                Some((prepared, reference)) => {
                    if existing_refs.contains(reference.as_str()) {
                        existing.push(reference.as_str().to_owned());
                    } else if seen_refs.insert(reference.as_str().to_owned()) {
                        good.push(Good {
                            prepared,
                            reference,
                        });
                    }
                }
                None => {
                    bad_cases += 1;
                    bad_rows.extend(rows);
                }
            }
        }
        errors.sort_by_key(|e| e.row);
        let mut report = ImportReport {
            id: None,
            dry_run: req.dry_run,
            mode: req.mode,
            rows: grouped.rows,
            cases: progress.cases.load(Ordering::Relaxed),
            created_cases: good.len(),
            created_items: good.iter().map(|g| g.prepared.items.len()).sum(),
            existing,
            bad_cases,
            errors,
            bad_rows: bad_rows.into_iter().collect(),
            unused_columns: req
                .mapping
                .unused_headers(&req.table.headers)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            written: false,
        };
        let refuse = req.mode == ImportMode::AllOrNothing && !report.errors.is_empty();
        if req.dry_run || refuse || good.is_empty() {
            if refuse {
                report.created_cases = 0;
                report.created_items = 0;
            }
            return Ok(report);
        }

        let import_id = self.new_uuid();
        let details = |r: &ImportReport| {
            serde_json::json!({
                "event": "cases_imported",
                "sha256": req.sha256,
                "mode": req.mode.as_str(),
                "rows": r.rows,
                "cases": r.cases,
                "created_cases": r.created_cases,
                "created_items": r.created_items,
                "existing": r.existing.len(),
                "bad_cases": r.bad_cases,
                "bad_rows": r.bad_rows.len(),
            })
        };
        match req.mode {
            ImportMode::AllOrNothing => {
                let mut w = self.write_as(actor).await?;
                let mut good = good.into_iter();
                for n in 0.. {
                    let batch: Vec<Good> = good.by_ref().take(BATCH).collect();
                    if batch.is_empty() {
                        break;
                    }
                    let count = batch.len();
                    let rows = self.bulk_rows(actor, org.id, batch);
                    match self.write_bulk(&mut w, import_id, n, &rows, req).await {
                        Ok(_) => {}
                        Err(AppError::Conflict { .. }) => {
                            // A reference taken since the check (a
                            // concurrent import or form): nothing of this
                            // import stays.
                            return Err(AppError::Conflict {
                                field: "reference",
                                key: "err-case-ref-taken",
                            });
                        }
                        Err(e) => return Err(e),
                    }
                    progress.written.fetch_add(count, Ordering::Relaxed);
                }
                w.event("import", &import_id.to_string(), &details(&report))
                    .await?;
                w.commit().await?;
            }
            ImportMode::GoodRows => {
                let mut created_cases = 0;
                let mut created_items = 0;
                let mut good = good.into_iter();
                for n in 0.. {
                    let batch: Vec<Good> = good.by_ref().take(BATCH).collect();
                    if batch.is_empty() {
                        break;
                    }
                    let count = batch.len();
                    let (c, i, taken) = self
                        .write_batch(actor, org.id, import_id, n, batch, req)
                        .await?;
                    created_cases += c;
                    created_items += i;
                    report.existing.extend(taken);
                    progress.written.fetch_add(count, Ordering::Relaxed);
                }
                report.created_cases = created_cases;
                report.created_items = created_items;
                let mut w = self.write_as(actor).await?;
                w.event("import", &import_id.to_string(), &details(&report))
                    .await?;
                w.commit().await?;
            }
        }
        // A large import can change the tables' shape enough for the query
        // planner's statistics to mislead it (Store::optimize); fresh ones
        // first, for the roll-up's queries. The analysis roll-up of the
        // imported months is rebuilt now rather than on the next dashboard
        // read.
        self.store.optimize().await?;
        self.store.refresh_stats().await?;
        report.id = Some(import_id);
        report.written = true;
        // The import is committed; the early-warning rules see its cases.
        self.run_alerts_logged("import").await;
        Ok(report)
    }

    /// The stored rows of a batch of good cases: each case owned by the
    /// actor's unit ([`App::case_record`]) and its items, moved rather than
    /// copied.
    fn bulk_rows(
        &self,
        actor: &Actor,
        org: dcis_domain::ids::OrganisationId,
        batch: Vec<Good>,
    ) -> dcis_store::BulkRows {
        let mut rows = dcis_store::BulkRows {
            cases: Vec::with_capacity(batch.len()),
            ..Default::default()
        };
        for g in batch {
            rows.cases
                .push(self.case_record(actor, org, &g.prepared, &g.reference));
            rows.items.extend(g.prepared.items);
        }
        rows
    }

    /// Stores a batch of good cases through the store's bulk path
    /// (multi-row inserts, the same rows as the one-by-one path) with one
    /// audit entry of type `bulk_load` for the batch: the import's id, the
    /// file, the batch's counts and the SHA-256 of its rows (as `dcis
    /// generate` does; `docs/audit-chain.md`). A reference taken since the
    /// check is a `Conflict`.
    async fn write_bulk(
        &self,
        w: &mut dcis_store::Write,
        import_id: uuid::Uuid,
        n: usize,
        rows: &dcis_store::BulkRows,
        req: &ImportRequest<'_>,
    ) -> Result<(usize, usize), AppError> {
        let hash = crate::generate::batch_hash(rows);
        let details = serde_json::json!({
            "event": "cases_imported",
            "import": import_id,
            "batch": n + 1,
            "file_sha256": req.sha256,
            "mode": req.mode.as_str(),
            "cases": rows.cases.len(),
            "items": rows.items.len(),
            "sha256": hash,
        })
        .to_string();
        match w
            .bulk_load(&format!("import-{import_id}-{:06}", n + 1), &details, rows)
            .await
        {
            Ok(_) => Ok((rows.cases.len(), rows.items.len())),
            Err(StoreError::Duplicate { .. }) => Err(AppError::Conflict {
                field: "reference",
                key: "err-case-ref-taken",
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes one batch of good cases in one transaction ("good rows"
    /// mode). A reference taken since the check (a concurrent import) makes
    /// the batch start again without it; such references are returned as
    /// existing.
    async fn write_batch(
        &self,
        actor: &Actor,
        org: dcis_domain::ids::OrganisationId,
        import_id: uuid::Uuid,
        n: usize,
        batch: Vec<Good>,
        req: &ImportRequest<'_>,
    ) -> Result<(usize, usize, Vec<String>), AppError> {
        let mut rows = self.bulk_rows(actor, org, batch);
        let mut existing = Vec::new();
        for _attempt in 0..3 {
            let refs: Vec<String> = rows
                .cases
                .iter()
                .map(|c| c.fields.reference.clone())
                .collect();
            let taken = self.store.existing_case_references(org, &refs).await?;
            if !taken.is_empty() {
                let gone: HashSet<_> = rows
                    .cases
                    .iter()
                    .filter(|c| taken.contains(&c.fields.reference))
                    .map(|c| c.id)
                    .collect();
                rows.cases.retain(|c| !gone.contains(&c.id));
                rows.items.retain(|i| !gone.contains(&i.case));
                existing.extend(taken);
            }
            if rows.cases.is_empty() {
                return Ok((0, 0, existing));
            }
            let mut w = self.write_as(actor).await?;
            match self.write_bulk(&mut w, import_id, n, &rows, req).await {
                Ok((cases, items)) => {
                    w.commit().await?;
                    return Ok((cases, items, existing));
                }
                Err(AppError::Conflict { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(AppError::Conflict {
            field: "reference",
            key: "err-case-ref-taken",
        })
    }
}

fn non_empty(s: String, default: &str) -> String {
    if s.trim().is_empty() {
        default.to_owned()
    } else {
        s
    }
}

/// A field error of a case or of one of its items, on the row it came from:
/// item errors (field `items`, argument `index` from 1, `item_field`) on
/// the item's row and column, case errors on the case's first row.
fn row_error(first_row: usize, item_rows: &[usize], e: &FieldError) -> RowError {
    if e.field == "items" {
        let index = e
            .args
            .iter()
            .find(|(k, _)| *k == "index")
            .and_then(|(_, v)| v.parse::<usize>().ok());
        let item_field = e
            .args
            .iter()
            .find(|(k, _)| *k == "item_field")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if let Some(row) = index
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| item_rows.get(i))
        {
            let mut r = RowError::cell(*row, &item_field, e.key);
            r.args = e
                .args
                .iter()
                .filter(|(k, _)| *k != "index" && *k != "item_field")
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect();
            return r;
        }
    }
    RowError::from_field(first_row, e)
}

/// The template of a case file as CSV: the header row of every column an
/// import reads (UTF-8 with a byte-order mark, CRLF), nothing else.
pub fn template_csv() -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(dcis_import::columns::import_columns().join(",").as_bytes());
    out.extend(b"\r\n");
    out
}

/// The reader's words for the help sheets of the XLSX template.
pub struct TemplateText<'a> {
    /// The description of a column, by the column's name.
    pub describe: &'a dyn Fn(&str) -> String,
    /// The mark of a required column.
    pub required: &'a str,
    /// The name of a substance, by its code.
    pub substance: &'a dyn Fn(&str) -> String,
    /// The headers of the `substances` sheet: code, name, usual unit.
    pub substance_headers: [&'a str; 3],
}

/// The template of a case file as XLSX: a sheet `cases` with the header
/// row (bold, frozen) and every column formatted as text, so that codes
/// such as province `05` and dates keep their form when typed; a sheet
/// `columns` that explains each column (in the reader's language, the
/// required ones marked); and a sheet `substances` with every drug and
/// precursor code the `substance` column takes, its name in the reader's
/// language and its usual unit.
pub fn template_xlsx(words: &TemplateText<'_>) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx template: {e}"));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let columns = dcis_import::columns::import_columns();
    let sheet = book.add_worksheet();
    sheet.set_name("cases").map_err(x)?;
    for (c, name) in columns.iter().enumerate() {
        let c = u16::try_from(c).map_err(|e| AppError::Internal(e.to_string()))?;
        sheet
            .write_string_with_format(0, c, *name, &bold)
            .map_err(x)?;
        sheet.set_column_format(c, &text).map_err(x)?;
        sheet.set_column_width(c, 16).map_err(x)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    let help = book.add_worksheet();
    help.set_name("columns").map_err(x)?;
    help.set_column_width(0, 24).map_err(x)?;
    help.set_column_width(1, 12).map_err(x)?;
    help.set_column_width(2, 90).map_err(x)?;
    for (r, name) in columns.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|e| AppError::Internal(e.to_string()))?;
        help.write_string_with_format(r, 0, *name, &bold)
            .map_err(x)?;
        if dcis_import::columns::REQUIRED.contains(name) {
            help.write_string(r, 1, words.required).map_err(x)?;
        }
        help.write_string(r, 2, (words.describe)(name)).map_err(x)?;
    }
    let subs = book.add_worksheet();
    subs.set_name("substances").map_err(x)?;
    subs.set_column_width(0, 34).map_err(x)?;
    subs.set_column_width(1, 70).map_err(x)?;
    subs.set_column_width(2, 10).map_err(x)?;
    for (c, h) in words.substance_headers.iter().enumerate() {
        subs.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(x)?;
    }
    subs.set_freeze_panes(1, 0).map_err(x)?;
    for (r, s) in dcis_domain::substance::Taxonomy::global()
        .all()
        .iter()
        .enumerate()
    {
        let r = u32::try_from(r + 1).map_err(|e| AppError::Internal(e.to_string()))?;
        subs.write_string_with_format(r, 0, s.code(), &bold)
            .map_err(x)?;
        subs.write_string(r, 1, (words.substance)(s.code()))
            .map_err(x)?;
        subs.write_string(r, 2, s.default_unit().as_str())
            .map_err(x)?;
    }
    book.save_to_buffer().map_err(x)
}
