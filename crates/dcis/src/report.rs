//! `dcis report`: national reports made from the records, written to a
//! file (`docs/reports.md`). Today `dcis report arq`; the group is where
//! the monthly situation report will go.
//!
//! A report is made as a named user (`--user`), who must be allowed to
//! make it exactly as on the web (for the ARQ: an analyst or supervisor
//! with a national scope), and each file is audited as on the web.
//! Messages are in the operator's language (`DCIS_LANG`, else `LANG`).

use crate::cli::{app_err, cli_language, open_app};
use crate::config::Settings;
use anyhow::{anyhow, Result};
use clap::{Args, Subcommand};
use dcis_app::reports::ReportFormat;
use dcis_i18n::Catalogue;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The seizure part of the UN drug office's Annual Report Questionnaire
    /// for a calendar year, from every case recorded in the country: an
    /// XLSX workbook laid out like the questionnaire, or JSON with the same
    /// figures.
    Arq(ArqArgs),
    /// The situation report of a month for the user's area (or one province of it): key
    /// figures against the previous month and a year before, seizures, persons, routes, the
    /// twelve months' trend and the month's alerts, as a PDF in English or Lao (or JSON).
    Monthly(MonthlyArgs),
}

#[derive(Args)]
pub struct MonthlyArgs {
    /// The calendar year.
    #[arg(long)]
    year: String,
    /// The month, 1 to 12. Without it: December for a past year, the last month that is over
    /// for the current year.
    #[arg(long)]
    month: Option<String>,
    /// The file to write; its extension (.pdf or .json) gives the format unless --format is
    /// given. An existing file is replaced.
    #[arg(long)]
    out: PathBuf,
    /// `pdf` or `json`.
    #[arg(long)]
    format: Option<String>,
    /// A province code inside the user's scope; without it, the user's whole scope.
    #[arg(long)]
    province: Option<String>,
    /// The report's language: `en` or `lo` (the user's language by default).
    #[arg(long)]
    lang: Option<String>,
    /// The user the report is made as: an analyst or supervisor.
    #[arg(long)]
    user: String,
}

#[derive(Args)]
pub struct ArqArgs {
    /// The calendar year (up to the current one, which gives the year so far).
    #[arg(long)]
    year: String,
    /// The file to write; its extension (.xlsx or .json) gives the format
    /// unless --format is given. An existing file is replaced.
    #[arg(long)]
    out: PathBuf,
    /// `xlsx` or `json`.
    #[arg(long)]
    format: Option<String>,
    /// The user the report is made as: an analyst or supervisor with a
    /// national scope.
    #[arg(long)]
    user: String,
}

pub async fn run(cmd: ReportCommand, settings: &Settings) -> Result<ExitCode> {
    match cmd {
        ReportCommand::Arq(args) => arq(args, settings).await,
        ReportCommand::Monthly(args) => monthly(args, settings).await,
    }
}

fn catalogue() -> Result<Catalogue> {
    Catalogue::load().map_err(|e| anyhow!("{e}"))
}

async fn arq(args: ArqArgs, settings: &Settings) -> Result<ExitCode> {
    let cat = catalogue()?;
    let lang = cli_language();
    let shown = args.out.display().to_string();
    let format = match &args.format {
        Some(f) => ReportFormat::parse(f).map_err(|e| app_err(e.into()))?,
        None => ReportFormat::of_path(&args.out).ok_or_else(|| {
            anyhow!(
                "{}",
                cat.message(lang, "cli-report-format-unknown", &[("file", &shown)])
            )
        })?,
    };
    let write_failed = |e: std::io::Error| {
        anyhow!(
            "{}",
            cat.message(
                lang,
                "cli-report-write-failed",
                &[("file", &shown), ("error", &e.to_string())]
            )
        )
    };
    // The file is opened before the report is made, so that an unwritable
    // place is refused before anything is generated or audited.
    let out = Pending::create(&args.out).map_err(write_failed)?;
    let app = open_app(settings).await?;
    let actor = app.actor_for_username(&args.user).await.map_err(app_err)?;
    let file = app
        .arq_file(&actor, &args.year, format, "dcis report arq", &cat)
        .await
        .map_err(app_err)?;
    out.finish(&file.bytes).map_err(write_failed)?;
    println!(
        "{}",
        cat.message(
            lang,
            "cli-report-written",
            &[
                ("year", args.year.trim()),
                ("file", &shown),
                ("bytes", &file.bytes.len().to_string()),
                ("sha256", &file.sha256),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

async fn monthly(args: MonthlyArgs, settings: &Settings) -> Result<ExitCode> {
    use dcis_app::reports::situation::{monthly_period, period_text, SituationRequest};
    use dcis_domain::geo::ProvinceCode;
    use dcis_domain::user::Language;
    let cat = catalogue()?;
    let lang = cli_language();
    let shown = args.out.display().to_string();
    let format = match &args.format {
        Some(f) => {
            ReportFormat::parse_in(f, &ReportFormat::SITUATION).map_err(|e| app_err(e.into()))?
        }
        None => args
            .out
            .extension()
            .and_then(|e| e.to_str())
            .and_then(|e| ReportFormat::parse_in(e, &ReportFormat::SITUATION).ok())
            .ok_or_else(|| {
                anyhow!(
                    "{}",
                    cat.message(lang, "cli-sitrep-format-unknown", &[("file", &shown)])
                )
            })?,
    };
    let report_lang = match &args.lang {
        Some(l) => Some(Language::parse(l).map_err(|e| app_err(e.into()))?),
        None => None,
    };
    let province = match &args.province {
        Some(p) => Some(ProvinceCode::parse(p).map_err(|e| app_err(e.into()))?),
        None => None,
    };
    let write_failed = |e: std::io::Error| {
        anyhow!(
            "{}",
            cat.message(
                lang,
                "cli-report-write-failed",
                &[("file", &shown), ("error", &e.to_string())]
            )
        )
    };
    let out = Pending::create(&args.out).map_err(write_failed)?;
    let app = open_app(settings).await?;
    let period = monthly_period(&args.year, args.month.as_deref(), app.local_now().date())
        .map_err(|e| app_err(e.into()))?;
    let actor = app.actor_for_username(&args.user).await.map_err(app_err)?;
    let report_lang = match report_lang {
        Some(l) => l,
        None => app
            .store
            .user(actor.user)
            .await
            .map_err(|e| app_err(e.into()))?
            .map(|u| u.user.language)
            .unwrap_or_default(),
    };
    let req = SituationRequest { period, province };
    let file = app
        .situation_file(
            &actor,
            &req,
            format,
            report_lang,
            "dcis report monthly",
            &cat,
        )
        .await
        .map_err(app_err)?;
    out.finish(&file.bytes).map_err(write_failed)?;
    println!(
        "{}",
        cat.message(
            lang,
            "cli-sitrep-written",
            &[
                ("period", &period_text(&period)),
                ("file", &shown),
                ("bytes", &file.bytes.len().to_string()),
                ("sha256", &file.sha256),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// A file being written: a temporary file beside its final path, renamed
/// over it once complete, so that a reader never sees half a report and a
/// failure leaves an existing file alone. Removed if never finished.
struct Pending {
    tmp: PathBuf,
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl Pending {
    fn create(path: &Path) -> std::io::Result<Self> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.part", std::process::id()));
        let file = std::fs::File::create(&tmp)?;
        Ok(Self {
            tmp,
            path: path.to_path_buf(),
            file: Some(file),
        })
    }

    fn finish(mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut f = self
            .file
            .take()
            .ok_or_else(|| std::io::Error::other("already written"))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&self.tmp, &self.path)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        // Gone after a rename; otherwise the unfinished file goes.
        let _ = std::fs::remove_file(&self.tmp);
    }
}
