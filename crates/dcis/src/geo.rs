//! `dcis geo boundaries load FILE --user NAME`: load a boundary file for
//! maps (`docs/analysis.md`, "Maps") as a named administrator, exactly as
//! the Administration → Geography page does: all or nothing, every
//! feature that cannot be used named with its index and why, the load
//! audited as one change. Messages are in the operator's language.

use crate::cli::{app_err, cli_language, open_app};
use crate::config::Settings;
use anyhow::{anyhow, Context, Result};
use clap::{Args, Subcommand};
use dcis_i18n::Catalogue;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum GeoCommand {
    /// Boundaries drawn on maps.
    #[command(subcommand)]
    Boundaries(BoundariesCommand),
}

#[derive(Subcommand)]
pub enum BoundariesCommand {
    /// Load a GeoJSON FeatureCollection of district (or province)
    /// boundaries whose features carry `district_code`, `province_code` or
    /// `ocha_pcode`. Exit code 0: loaded; 1: some features cannot be used
    /// (each is listed; nothing is loaded); 2: nothing could be done.
    Load(LoadArgs),
}

#[derive(Args)]
pub struct LoadArgs {
    /// The GeoJSON file.
    file: PathBuf,
    /// The administrator the boundaries are loaded as.
    #[arg(long)]
    user: String,
}

pub async fn run(cmd: GeoCommand, settings: &Settings) -> Result<ExitCode> {
    match cmd {
        GeoCommand::Boundaries(BoundariesCommand::Load(args)) => load(args, settings).await,
    }
}

async fn load(args: LoadArgs, settings: &Settings) -> Result<ExitCode> {
    let cat = Catalogue::load().map_err(|e| anyhow!("{e}"))?;
    let lang = cli_language();
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let app = open_app(settings).await?;
    let actor = app.actor_for_username(&args.user).await.map_err(app_err)?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match app
        .load_boundaries(&actor, &name, &bytes)
        .await
        .map_err(app_err)?
    {
        Ok(done) => {
            println!(
                "{}",
                cat.message(
                    lang,
                    "boundary-loaded",
                    &[
                        ("provinces", &done.provinces.to_string()),
                        ("districts", &done.districts.to_string()),
                    ]
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            for e in dcis_app::maps::problems_as_errors(&problems).0 {
                let a: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                eprintln!("{}", cat.message(lang, e.key, &a));
            }
            Ok(ExitCode::from(1))
        }
    }
}
