//! `dcis import`: cases and seized items from a CSV or XLSX file, through
//! the same use case as the web page (`App::import_cases`), as a named
//! user. Progress on standard error, the summary (or the report as JSON)
//! on standard output, the rows not imported in a CSV file of their own.
//!
//! Exit codes: 0 when every row was good, 1 when some rows were bad (in
//! either mode, dry run or not), 2 when the file could not be imported at
//! all (unreadable file, bad mapping, unknown or disabled user, no right
//! to record cases, database unavailable).

use crate::cli::{cli_language, open_app};
use crate::config::Settings;
use clap::{Args, ValueEnum};
use dcis_app::import::{bad_case_rows, ImportMode, ImportReport, ImportRequest, Progress};
use dcis_app::AppError;
use dcis_domain::user::Language;
use dcis_domain::{FieldError, FieldErrors};
use dcis_i18n::Catalogue;
use dcis_import::mapping::Mapping;
use dcis_import::table::{self, Table};
use dcis_import::RowError;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args)]
pub struct ImportArgs {
    /// The CSV or XLSX file (one row per seized item; docs/import.md).
    file: PathBuf,
    /// The user the cases are recorded by: their agency and unit own the
    /// cases, and their scope and clearance apply as in the form.
    #[arg(long)]
    user: String,
    /// What to do with bad rows: import nothing, or import the good cases.
    #[arg(long, value_enum, default_value_t = Mode::AllOrNothing)]
    mode: Mode,
    /// Check everything, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Which column holds a field when the headers do not say it, e.g.
    /// `--map occurred_on="Date of seizure"`; an empty header means the
    /// field is not in the file. Repeat for several fields.
    #[arg(long = "map", value_name = "FIELD=HEADER")]
    map: Vec<String>,
    /// Write the rows not imported, with the reasons, to this CSV file.
    #[arg(long, value_name = "OUT.csv")]
    bad_rows: Option<PathBuf>,
    /// Print the report as JSON instead of the summary.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    AllOrNothing,
    GoodRows,
}

impl From<Mode> for ImportMode {
    fn from(m: Mode) -> Self {
        match m {
            Mode::AllOrNothing => ImportMode::AllOrNothing,
            Mode::GoodRows => ImportMode::GoodRows,
        }
    }
}

/// Messages in the operator's language.
struct Words {
    cat: Catalogue,
    lang: Language,
}

impl Words {
    fn t(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.cat.message(self.lang, key, args)
    }

    /// A field error as one line: the field's label (when the catalogue
    /// has one) and the message.
    fn field_error(&self, e: &FieldError) -> String {
        let args: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let msg = self.t(e.key, &args);
        let label_key = format!("field-{}", e.field.replace('_', "-"));
        let label = self.t(&label_key, &[]);
        if label == label_key {
            msg
        } else {
            format!("{label}: {msg}")
        }
    }

    /// Several field errors, one a line.
    fn field_errors(&self, es: &FieldErrors) -> String {
        let lines: Vec<String> = es.0.iter().map(|e| self.field_error(e)).collect();
        match lines.as_slice() {
            [one] => one.clone(),
            _ => format!("\n  {}", lines.join("\n  ")),
        }
    }

    fn app_error(&self, e: AppError) -> String {
        match e {
            AppError::Validation(es) => self.field_errors(&es),
            AppError::Forbidden(d) => self.t(d.message_key(), &[]),
            AppError::Conflict { field, key } => self.field_error(&FieldError::new(field, key)),
            other => other.to_string(),
        }
    }

    /// The message of a row problem, without its row or column.
    fn row_error_text(&self, e: &RowError) -> String {
        let args: Vec<(&str, &str)> = e
            .args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.t(&e.key, &args).replace('\n', " ").trim().to_owned()
    }

    /// A row problem for the file of bad rows (which has the row number in
    /// a column of its own): `column C: message`.
    fn row_message(&self, e: &RowError, table: &Table, mapping: &Mapping) -> String {
        let message = self.row_error_text(e);
        match column_name(e, table, mapping) {
            Some(c) => self.t(
                "cli-import-error-cell",
                &[("column", c.as_str()), ("message", message.as_str())],
            ),
            None => message,
        }
    }

    /// A row problem for the summary: `row N, column C: message`.
    fn row_line(&self, e: &RowError, table: &Table, mapping: &Mapping) -> String {
        let row = e.row.to_string();
        let message = self.row_error_text(e);
        match column_name(e, table, mapping) {
            Some(c) => self.t(
                "cli-import-error-row-cell",
                &[
                    ("row", row.as_str()),
                    ("column", c.as_str()),
                    ("message", message.as_str()),
                ],
            ),
            None => self.t(
                "cli-import-error-row",
                &[("row", row.as_str()), ("message", message.as_str())],
            ),
        }
    }
}

/// The column of a problem as the file's header names it: a field read
/// from a column is shown by that column's header; a problem found while
/// reading the file already carries the header; none for a problem of the
/// whole row.
fn column_name(e: &RowError, table: &Table, mapping: &Mapping) -> Option<String> {
    if e.column.is_empty() {
        return None;
    }
    let header = mapping
        .column(&e.column)
        .and_then(|i| table.headers.get(i))
        .filter(|h| !h.is_empty());
    Some(header.cloned().unwrap_or_else(|| e.column.clone()))
}

/// Why the import could not be done at all (exit code 2), already in words.
struct Refused(String);

pub async fn run(args: ImportArgs, settings: &Settings) -> ExitCode {
    let words = match Catalogue::load() {
        Ok(cat) => Words {
            cat,
            lang: cli_language(),
        },
        Err(e) => {
            eprintln!("dcis: {e}");
            return ExitCode::from(2);
        }
    };
    match import(&args, settings, &words).await {
        Ok(code) => code,
        Err(Refused(msg)) => {
            eprintln!("dcis: {msg}");
            ExitCode::from(2)
        }
    }
}

async fn import(
    args: &ImportArgs,
    settings: &Settings,
    words: &Words,
) -> Result<ExitCode, Refused> {
    let shown = args.file.display().to_string();
    let on_file = |msg: String| Refused(format!("{shown}: {msg}"));

    // The file, read and checked before anything else is opened.
    let size = std::fs::metadata(&args.file)
        .map_err(|e| on_file(e.to_string()))?
        .len();
    // The command line runs on the server itself and takes national
    // backlogs: larger limits than an upload.
    let limits = table::Limits::COMMAND_LINE;
    if size > limits.max_bytes as u64 {
        let e =
            FieldError::new("file", "err-import-too-large").with("max_mb", limits.max_bytes >> 20);
        return Err(on_file(words.field_error(&e)));
    }
    let bytes = std::fs::read(&args.file).map_err(|e| on_file(e.to_string()))?;
    let table = table::read_with(&bytes, limits).map_err(|e| on_file(words.field_error(&e)))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    drop(bytes);

    let mut choices = Vec::new();
    for m in &args.map {
        match m.split_once('=') {
            Some((field, header)) => choices.push((field.trim().to_owned(), header.to_owned())),
            None => {
                return Err(Refused(
                    words.t("cli-import-map-usage", &[("value", m.as_str())]),
                ))
            }
        }
    }
    let mapping = Mapping::with_choices(&table.headers, &choices)
        .map_err(|e| on_file(words.field_errors(&e)))?;

    let app = open_app(settings)
        .await
        .map_err(|e| Refused(format!("{e:#}")))?;
    let actor = app
        .actor_for_username(&args.user)
        .await
        .map_err(|e| Refused(words.app_error(e)))?;

    let req = ImportRequest {
        table: &table,
        mapping: &mapping,
        mode: args.mode.into(),
        dry_run: args.dry_run,
        sha256: &sha256,
    };
    let progress = Arc::new(Progress::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shower = tokio::spawn(show_progress(
        progress.clone(),
        stopped,
        words.t("cli-import-checking", &[]),
        words.t("cli-import-writing", &[]),
    ));
    let result = app.import_cases(&actor, &req, &progress).await;
    let _ = stop.send(());
    let _ = shower.await;
    app.store.close().await;
    let report = result.map_err(|e| match e {
        AppError::Validation(_) => on_file(words.app_error(e)),
        other => Refused(words.app_error(other)),
    })?;

    if let Some(path) = &args.bad_rows {
        write_bad_rows(path, &report, &table, &mapping, words)?;
    }
    if args.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| Refused(e.to_string()))?;
        println!("{text}");
    } else {
        print_summary(&report, &table, &mapping, args, words);
    }
    Ok(if report.errors.is_empty() && report.bad_rows.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_bad_rows(
    path: &std::path::Path,
    report: &ImportReport,
    table: &Table,
    mapping: &Mapping,
    words: &Words,
) -> Result<(), Refused> {
    let case_rows = bad_case_rows(report, table, mapping);
    let reasons = report.reasons(
        |e| words.row_message(e, table, mapping),
        |rows| {
            let rows: Vec<String> = rows.iter().map(usize::to_string).collect();
            words.t(
                "cli-import-case-other-rows",
                &[("rows", rows.join(", ").as_str())],
            )
        },
        &case_rows,
    );
    let csv = dcis_import::badrows::bad_rows_csv(table, &reasons);
    std::fs::write(path, csv).map_err(|e| Refused(format!("{}: {e}", path.display())))
}

fn print_summary(
    report: &ImportReport,
    table: &Table,
    mapping: &Mapping,
    args: &ImportArgs,
    words: &Words,
) {
    let n = |v: usize| v.to_string();
    let line = |key: &str, args: &[(&str, String)]| {
        let a: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        println!("{}", words.t(key, &a));
    };
    line("cli-import-summary-rows", &[("count", n(report.rows))]);
    line("cli-import-summary-cases", &[("count", n(report.cases))]);
    let created = [
        ("cases", n(report.created_cases)),
        ("items", n(report.created_items)),
    ];
    if report.dry_run {
        line("cli-import-summary-would-create", &created);
    } else {
        line("cli-import-summary-created", &created);
    }
    line(
        "cli-import-summary-existing",
        &[("count", n(report.existing.len()))],
    );
    line("cli-import-summary-bad", &[("count", n(report.bad_cases))]);
    if !report.unused_columns.is_empty() {
        line(
            "cli-import-summary-unused",
            &[("columns", report.unused_columns.join(", "))],
        );
    }
    if !report.errors.is_empty() {
        line("cli-import-errors", &[]);
        for e in &report.errors {
            println!("  {}", words.row_line(e, table, mapping));
        }
    }
    if report.dry_run {
        line("cli-import-dry-run", &[]);
    } else if report.mode == ImportMode::AllOrNothing && !report.errors.is_empty() {
        line("cli-import-refused", &[]);
    }
    if let Some(p) = &args.bad_rows {
        if !report.bad_rows.is_empty() {
            line(
                "cli-import-bad-rows-written",
                &[
                    ("count", n(report.bad_rows.len())),
                    ("file", p.display().to_string()),
                ],
            );
        }
    }
}

/// Shows how far the import is, polling its counters every 100 ms: a bar
/// on a terminal; otherwise a line at each tenth, so that a log shows
/// progress too.
async fn show_progress(
    progress: Arc<Progress>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
    checking: String,
    writing: String,
) {
    let tty = std::io::stderr().is_terminal();
    let bar = if tty {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) =
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({percent} %) {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let mut interval = tokio::time::interval(Duration::from_millis(100));
    // The tenths already reported (checking, writing), for logs.
    let mut tenths = (0usize, 0usize);
    loop {
        let last = tokio::select! {
            _ = interval.tick() => false,
            _ = &mut stopped => true,
        };
        let (cases, checked, written) = progress.snapshot();
        if cases > 0 {
            bar.set_length(cases as u64);
            let (label, done) = if checked < cases || written == 0 {
                (&checking, checked)
            } else {
                (&writing, written)
            };
            bar.set_message(label.clone());
            bar.set_position(done.min(cases) as u64);
            if !tty {
                log_tenths(&checking, checked, cases, &mut tenths.0);
                log_tenths(&writing, written, cases, &mut tenths.1);
            }
        }
        if last {
            break;
        }
    }
    bar.finish_and_clear();
}

/// Prints `label count/total (N %)` for each tenth reached since the last
/// call (`count` being that tenth of `total`), so that a log has one line
/// per tenth however the polls fall.
fn log_tenths(label: &str, done: usize, total: usize, printed: &mut usize) {
    let reached = (done.min(total) * 10) / total.max(1);
    while *printed < reached {
        *printed += 1;
        eprintln!(
            "{label} {}/{total} ({} %)",
            total * *printed / 10,
            *printed * 10
        );
    }
}
