//! The command line.

use crate::config::{FileConfig, Overrides, Settings};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use dcis_app::setup::{InitOptions, DEMO_PASSWORD};
use dcis_app::users::NewUserInput;
use dcis_app::{App, AppError, RandomIds, SystemClock};
use dcis_domain::ids::UnitId;
use dcis_domain::org::OrgCode;
use dcis_domain::user::{Language, UserName};
use dcis_store::{OpenOptions, Store, StoreError};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "dcis", version, about = "Drug Control Information System", long_about = None)]
struct Cli {
    /// Directory for the embedded database and local files.
    #[arg(long, global = true, env = "DCIS_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: `sqlite://PATH` (default: DATA_DIR/dcis.sqlite3) or
    /// `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(long, global = true, env = "DCIS_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// A TOML config file; flags and environment variables override it.
    #[arg(long, global = true, env = "DCIS_CONFIG")]
    config: Option<PathBuf>,
    /// Log format: `text` or `json`.
    #[arg(long, global = true, env = "DCIS_LOG_FORMAT")]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct ServeArgs {
    /// Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one).
    #[arg(long, env = "DCIS_LISTEN")]
    listen: Option<String>,
    /// Minutes between runs of the early-warning rules (default 60; 0: never).
    #[arg(long, env = "DCIS_ALERTS_INTERVAL_MINUTES")]
    alerts_interval_minutes: Option<u64>,
    /// The URL users reach dcis at; `https://` marks cookies Secure.
    #[arg(long, env = "DCIS_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server on an initialised database.
    Serve(ServeArgs),
    /// Create the database, apply migrations, load the geography and create
    /// the first administrator.
    Init {
        /// The installation's name (e.g. "LCDC national server").
        #[arg(long, default_value = "dcis")]
        name: String,
        /// The first administrator's user name.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The first administrator's display name.
        #[arg(long, default_value = "Administrator")]
        admin_name: String,
        /// Read the administrator's password from standard input instead of
        /// generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Start a ready demo instance with synthetic agencies and users
    /// (created on first run), then serve it.
    Demo(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the database to FILE, safe while the
    /// server runs (SQLite: a database file; PostgreSQL: a pg_dump archive).
    Backup {
        /// Where to write the copy; must not exist.
        file: PathBuf,
    },
    /// Work with the audit chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Early warnings (docs/alerts.md).
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Load synthetic cases with their seized items, persons, vehicles and
    /// phones (never real data) into an initialised installation: the same
    /// seed and size give the same data. A seed already loaded is refused.
    Generate(GenerateArgs),
    /// Import cases and seized items from a CSV or XLSX file as a user
    /// (docs/import.md). Exit code 0: every row imported (or, with
    /// --dry-run, importable); 1: some rows were bad; 2: nothing could be
    /// done (file, mapping, user, database).
    Import(crate::import::ImportArgs),
    /// Make a national report from the records and write it to a file, as
    /// a user allowed to make it (docs/reports.md). The report is audited.
    #[command(subcommand)]
    Report(crate::report::ReportCommand),
    /// The geography: boundary files for maps.
    #[command(subcommand)]
    Geo(crate::geo::GeoCommand),
}

#[derive(Args)]
struct GenerateArgs {
    /// Seed of the generator.
    #[arg(long)]
    seed: u64,
    /// How many seized items (exactly).
    #[arg(long, default_value_t = 100_000)]
    items: u64,
    /// Over how many years.
    #[arg(long, default_value_t = 5)]
    years: u32,
    /// The last day, YYYY-MM-DD (Lao local date; default today). Give it
    /// to reproduce a run on another day.
    #[arg(long)]
    end: Option<String>,
    /// Also write the ground truth of who is who, as CSV
    /// person_id,variant_name,agency,record_id: one row per stored person
    /// record (record_id), the synthetic person it is (person_id, the same
    /// for every agency's record of them), the name as that agency spelled
    /// it, and the agency's code.
    #[arg(long)]
    truth: Option<PathBuf>,
    /// Cases per transaction (and per audit entry).
    #[arg(long, default_value_t = dcis_app::generate::GenerateOptions::DEFAULT_BATCH_CASES)]
    batch: usize,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// The unit: its id, or ORGCODE/Unit name (e.g. "CNP/Intelligence Division").
        #[arg(long)]
        unit: String,
        /// administrator, data_clerk, analyst, supervisor or liaison_officer.
        #[arg(long)]
        role: String,
        /// `national` or province codes, e.g. `03,05`.
        #[arg(long, default_value = "national")]
        scope: String,
        /// unclassified, restricted, confidential or secret.
        #[arg(long, default_value = "restricted")]
        clearance: String,
        /// en or lo.
        #[arg(long, default_value = "lo")]
        language: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List {
        /// Include disabled users.
        #[arg(long)]
        all: bool,
    },
    /// Disable a user: their sessions end and their tokens stop working.
    Disable { username: String },
    /// Re-enable a disabled user.
    Enable { username: String },
    /// Set a new password (generated unless --password-stdin) and end the
    /// user's sessions.
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AlertsCommand {
    /// Run the early-warning rules over all cases now and store the alerts
    /// not raised before (for operators and cron; `dcis serve` also runs
    /// them on its schedule). Prints what was raised, per rule.
    Run,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole audit chain; names the first entry that was edited,
    /// deleted, inserted or reordered outside dcis. Exit code 2 if broken.
    Verify,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let serve = match &cli.command {
        Command::Serve(a) | Command::Demo(a) => a.clone(),
        _ => ServeArgs::default(),
    };
    let settings = match FileConfig::load(cli.config.as_deref()).and_then(|file| {
        Settings::resolve(
            Overrides {
                data_dir: cli.data_dir.clone(),
                database_url: cli.database_url.clone(),
                listen: serve.listen.clone(),
                public_url: serve.public_url.clone(),
                log_format: cli.log_format.clone(),
                alerts_interval_minutes: serve.alerts_interval_minutes,
            },
            file,
        )
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dcis: {e:#}");
            return ExitCode::from(1);
        }
    };
    init_logging(settings.log_json);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dcis: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli.command, settings)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dcis: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(settings: &Settings, create: bool) -> Result<Store> {
    settings.prepare_data_dir(create)?;
    let store = Store::open(
        &settings.database_url,
        &OpenOptions {
            create,
            ..Default::default()
        },
    )
    .await?;
    // An empty PostgreSQL database is as missing as an absent SQLite file:
    // only `init` (and `demo`) may create the schema in it.
    if !create && store.schema_status().await?.applied == 0 {
        store.close().await;
        return Err(StoreError::Missing(redact(&settings.database_url)).into());
    }
    let status = store.migrate().await?;
    tracing::debug!(applied = status.applied, "schema up to date");
    Ok(store)
}

pub(crate) async fn open_app(settings: &Settings) -> Result<App> {
    let store = open(settings, false).await?;
    App::new(
        store,
        Arc::new(SystemClock),
        Arc::new(RandomIds),
        settings.app.clone(),
    )
    .await
    .map_err(|e| anyhow!("{e}"))
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    if std::io::stdin().is_terminal() {
        eprint!("password: ");
        let _ = std::io::stderr().flush();
    }
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// The language of command-line messages: `DCIS_LANG`, else the locale
/// (`LANG`), else English.
pub(crate) fn cli_language() -> Language {
    std::env::var("DCIS_LANG")
        .ok()
        .or_else(|| std::env::var("LANG").ok())
        .and_then(|v| Language::parse(v.get(..2).unwrap_or("")).ok())
        .unwrap_or_default()
}

/// Turns an application error into a message a person can act on, from
/// the same catalogue the web pages use.
pub(crate) fn app_err(e: AppError) -> anyhow::Error {
    let lang = cli_language();
    let Ok(cat) = dcis_i18n::Catalogue::load() else {
        return anyhow!("{e}");
    };
    let field_line = |f: &dcis_domain::FieldError| {
        let args: Vec<(&str, &str)> = f.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        format!(
            "  {}: {}",
            cat.t(lang, &format!("field-{}", f.field.replace('_', "-"))),
            cat.message(lang, f.key, &args)
        )
    };
    match e {
        AppError::Validation(f) => {
            let lines: Vec<String> = f.0.iter().map(field_line).collect();
            anyhow!("{}\n{}", cat.t(lang, "error-validation"), lines.join("\n"))
        }
        AppError::Conflict { field, key } => anyhow!(
            "{}",
            field_line(&dcis_domain::FieldError::new(field, key)).trim()
        ),
        AppError::Forbidden(d) => anyhow!("{}", cat.t(lang, d.message_key())),
        other => anyhow!("{other}"),
    }
}

async fn run(command: Command, settings: Settings) -> Result<ExitCode> {
    match command {
        Command::Serve(_) => {
            let app = open_app(&settings).await?;
            let report = app.load_reference_geography().await.map_err(app_err)?;
            if report.changed > 0 {
                tracing::info!(changed = report.changed, "reference geography updated");
            }
            crate::serve::run(app, &settings, false).await?;
        }
        Command::Init {
            name,
            admin,
            admin_name,
            password_stdin,
        } => {
            let password = if password_stdin {
                read_password()?
            } else {
                std::env::var("DCIS_ADMIN_PASSWORD").unwrap_or_default()
            };
            let store = open(&settings, true).await?;
            let init = dcis_app::setup::initialise(
                store,
                Arc::new(SystemClock),
                Arc::new(RandomIds),
                settings.app.clone(),
                &InitOptions {
                    installation_name: name,
                    admin_username: admin,
                    admin_display_name: admin_name,
                    admin_password: password,
                },
            )
            .await
            .map_err(app_err)?;
            println!(
                "initialised installation {} at {}",
                init.app.installation,
                redact(&settings.database_url)
            );
            println!("administrator: {}", init.admin.username.as_str());
            if let Some(p) = init.generated_password {
                println!("generated password (shown once, write it down): {p}");
            }
        }
        Command::Demo(_) => {
            settings.prepare_data_dir(true)?;
            let existing = Store::open(&settings.database_url, &OpenOptions::default()).await;
            // A PostgreSQL database is created empty (`createdb`); one
            // without dcis's schema is new, like a missing SQLite file.
            let existing = match existing {
                Ok(store) if store.schema_status().await?.applied == 0 => {
                    store.close().await;
                    Err(StoreError::Missing(redact(&settings.database_url)))
                }
                other => other,
            };
            let app = match existing {
                Err(StoreError::Missing(_)) => {
                    let store = open(&settings, true).await?;
                    let app = dcis_app::setup::demo(
                        store,
                        Arc::new(SystemClock),
                        Arc::new(RandomIds),
                        settings.app.clone(),
                    )
                    .await
                    .map_err(app_err)?;
                    println!(
                        "created a demo instance at {}",
                        redact(&settings.database_url)
                    );
                    app
                }
                Err(e) => return Err(e.into()),
                Ok(store) => {
                    store.migrate().await?;
                    match store.installation().await? {
                        Some((_, name)) if name == "dcis demo" => {}
                        Some((_, name)) => bail!(
                            "{} holds the installation \"{name}\", not a demo; use `dcis serve`, or another --data-dir for the demo",
                            redact(&settings.database_url)
                        ),
                        None => bail!("{} exists but is not initialised; remove it or run `dcis init`", redact(&settings.database_url)),
                    }
                    App::new(
                        store,
                        Arc::new(SystemClock),
                        Arc::new(RandomIds),
                        settings.app.clone(),
                    )
                    .await
                    .map_err(app_err)?
                }
            };
            println!("demo users (password \"{DEMO_PASSWORD}\"):");
            for (u, role) in dcis_app::setup::demo_usernames() {
                println!("  {u:<18} {role}");
            }
            crate::serve::run(app, &settings, true).await?;
        }
        Command::Migrate => {
            let store = open(&settings, false).await?;
            let s = store.schema_status().await?;
            println!(
                "database schema at version {} (this dcis knows up to {})",
                s.applied, s.known
            );
        }
        Command::User(cmd) => return user_command(cmd, &settings).await,
        Command::Generate(args) => return generate_command(args, &settings).await,
        Command::Import(args) => return Ok(crate::import::run(args, &settings).await),
        Command::Report(cmd) => return crate::report::run(cmd, &settings).await,
        Command::Geo(cmd) => return crate::geo::run(cmd, &settings).await,
        Command::Backup { file } => {
            if file.exists() {
                bail!("{} already exists; choose a new file name", file.display());
            }
            let store = open(&settings, false).await?;
            let path = file
                .to_str()
                .ok_or_else(|| anyhow!("the backup path must be valid UTF-8"))?;
            if settings.is_sqlite() {
                store
                    .backup_to(path)
                    .await
                    .with_context(|| format!("writing the backup to {}", file.display()))?;
            } else {
                pg_dump(&settings.database_url, &file)?;
            }
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            println!("backup written to {} ({size} bytes)", file.display());
        }
        Command::Alerts(AlertsCommand::Run) => {
            let app = open_app(&settings).await?;
            let run = app.run_alerts().await.map_err(app_err)?;
            println!(
                "alert rules found {} alerts; {} new",
                run.found,
                run.total_raised()
            );
            for (rule, n) in &run.raised {
                println!("  {:<14} {n}", rule.as_str());
            }
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = open(&settings, false).await?;
            match store.verify_audit_chain(5000).await? {
                Ok(n) => println!("audit chain intact: {n} entries verified"),
                Err(b) => {
                    println!("audit chain BROKEN: {b}");
                    return Ok(ExitCode::from(2));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn generate_command(args: GenerateArgs, settings: &Settings) -> Result<ExitCode> {
    use dcis_app::generate::{GenerateOptions, Progress};
    let app = open_app(settings).await?;
    let end = match &args.end {
        Some(s) => dcis_domain::case::parse_date("end", s)
            .map_err(|_| anyhow!("--end must be a date YYYY-MM-DD, not {s:?}"))?,
        None => app.local_now().date(),
    };
    let mut truth = match &args.truth {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => None,
    };
    let opts = GenerateOptions {
        seed: args.seed,
        items: args.items,
        years: args.years,
        end,
        batch_cases: args.batch,
    };
    eprintln!(
        "generating {} synthetic items over {} years ending {end} (seed {}) into {}",
        args.items,
        args.years,
        args.seed,
        redact(&settings.database_url)
    );
    let started = std::time::Instant::now();
    let tty = std::io::stderr().is_terminal();
    let mut last_line = std::time::Instant::now();
    let mut report = |p: &Progress| {
        let secs = started.elapsed().as_secs_f64().max(0.001);
        let line = format!(
            "{} / {} items ({:.0} %), {} cases, {:.0} items/s",
            p.items,
            p.total_items,
            p.items as f64 * 100.0 / p.total_items.max(1) as f64,
            p.cases,
            p.items as f64 / secs
        );
        if tty {
            eprint!("\r{line}   ");
        } else if last_line.elapsed().as_secs() >= 2 || p.items == p.total_items {
            eprintln!("{line}");
            last_line = std::time::Instant::now();
        }
    };
    let result = app
        .generate(
            &opts,
            truth
                .as_mut()
                .map(|w| w as &mut (dyn std::io::Write + Send)),
            &mut report,
        )
        .await;
    if tty {
        eprintln!();
    }
    drop(truth);
    let s = match result {
        Ok(s) => s,
        Err(e) => {
            // Nothing was written to the ground-truth file: do not leave
            // an empty one behind.
            if let Some(path) = &args.truth {
                let _ = std::fs::remove_file(path);
            }
            return Err(anyhow!("{e}"));
        }
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "loaded {} cases with {} seized items in {} batches ({:.1} s, {:.0} items/s), occurring {} to {}",
        s.cases,
        s.items,
        s.batches,
        secs,
        s.items as f64 / secs.max(0.001),
        s.start,
        s.end
    );
    let mut subs: Vec<(&String, &u64)> = s.substances.iter().collect();
    subs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let line: Vec<String> = subs
        .iter()
        .take(8)
        .map(|(k, v)| format!("{k} {:.1} %", **v as f64 * 100.0 / s.items.max(1) as f64))
        .collect();
    println!("items by substance: {}", line.join(", "));
    let mut provs: Vec<(&String, &u64)> = s.provinces.iter().collect();
    provs.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let line: Vec<String> = provs
        .iter()
        .take(6)
        .map(|(k, v)| format!("{k} {:.1} %", **v as f64 * 100.0 / s.cases.max(1) as f64))
        .collect();
    println!("cases by province: {}", line.join(", "));
    println!(
        "{} persons named, stored as {} person records of their agencies in {} case links; {} vehicles and phones",
        s.persons, s.person_records, s.case_persons, s.objects
    );
    match &args.truth {
        Some(path) => println!(
            "ground truth ({} rows) written to {}",
            s.truth_rows,
            path.display()
        ),
        None => println!("--truth FILE writes who is who (which records are the same person)"),
    }
    // The early-warning rules see the new cases.
    let run = app.run_alerts().await.map_err(app_err)?;
    println!(
        "alert rules: {} new alerts (dcis alerts run, docs/alerts.md)",
        run.total_raised()
    );
    Ok(ExitCode::SUCCESS)
}

/// PostgreSQL backups use `pg_dump`, which reads one consistent snapshot
/// while the server keeps running. Restore with `pg_restore`.
fn pg_dump(url: &str, file: &std::path::Path) -> Result<()> {
    let out = std::process::Command::new("pg_dump")
        .arg("--format=custom")
        .arg("--file")
        .arg(file)
        .arg("--dbname")
        .arg(url)
        .output()
        .map_err(|e| anyhow!("cannot run pg_dump ({e}); install the PostgreSQL client tools of the server's version"))?;
    if !out.status.success() {
        let _ = std::fs::remove_file(file);
        bail!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

async fn find_user(app: &App, name: &str) -> Result<dcis_store::UserRow> {
    let n = UserName::parse(name).map_err(|e| anyhow!("invalid user name: {e}"))?;
    app.store
        .user_by_name(&n)
        .await?
        .ok_or_else(|| anyhow!("no user named {}", n.as_str()))
}

async fn resolve_unit(app: &App, unit: &str) -> Result<UnitId> {
    if let Ok(id) = unit.parse::<UnitId>() {
        return Ok(id);
    }
    let (code, name) = unit
        .split_once('/')
        .ok_or_else(|| anyhow!("--unit must be a unit id or ORGCODE/Unit name"))?;
    let code = OrgCode::parse(code).map_err(|e| anyhow!("invalid organisation code: {e}"))?;
    let org = app
        .store
        .organisation_by_code(&code)
        .await?
        .ok_or_else(|| anyhow!("no organisation with code {}", code.as_str()))?;
    let units = app.store.units(Some(org.id)).await?;
    units
        .iter()
        .find(|u| {
            u.name_en.as_str().eq_ignore_ascii_case(name.trim())
                || u.name_lo.as_str() == name.trim()
        })
        .map(|u| u.id)
        .ok_or_else(|| {
            let names: Vec<&str> = units.iter().map(|u| u.name_en.as_str()).collect();
            anyhow!(
                "{} has no unit named \"{}\"; its units are: {}",
                code.as_str(),
                name.trim(),
                names.join(", ")
            )
        })
}

async fn user_command(cmd: UserCommand, settings: &Settings) -> Result<ExitCode> {
    let app = open_app(settings).await?;
    match cmd {
        UserCommand::Add {
            username,
            display_name,
            unit,
            role,
            scope,
            clearance,
            language,
            password_stdin,
        } => {
            let password = if password_stdin {
                read_password()?
            } else {
                String::new()
            };
            let unit = resolve_unit(&app, &unit).await?;
            let input = NewUserInput {
                username,
                display_name,
                password,
                unit: unit.to_string(),
                role,
                scope,
                clearance,
                language,
            };
            let (user, generated) = app.create_user(None, &input).await.map_err(app_err)?;
            println!("added user {} ({})", user.username.as_str(), user.id);
            if let Some(p) = generated {
                println!("generated password (shown once): {p}");
            }
        }
        UserCommand::List { all } => {
            for r in app.list_all_users(all).await.map_err(app_err)? {
                let u = &r.user;
                println!(
                    "{:<20} {:<16} {:<13} {:<12} {}{}",
                    u.username.as_str(),
                    u.role.as_str(),
                    u.clearance.as_str(),
                    u.scope.to_storage(),
                    u.display_name.as_str(),
                    if u.is_active() { "" } else { "  [disabled]" }
                );
            }
        }
        UserCommand::Disable { username } => {
            let r = find_user(&app, &username).await?;
            app.set_user_disabled(None, r.user.id, true)
                .await
                .map_err(app_err)?;
            println!("disabled {}", r.user.username.as_str());
        }
        UserCommand::Enable { username } => {
            let r = find_user(&app, &username).await?;
            app.set_user_disabled(None, r.user.id, false)
                .await
                .map_err(app_err)?;
            println!("enabled {}", r.user.username.as_str());
        }
        UserCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let r = find_user(&app, &username).await?;
            let given = if password_stdin {
                read_password()?
            } else {
                String::new()
            };
            let generated = app
                .reset_password(None, r.user.id, &given)
                .await
                .map_err(app_err)?;
            println!(
                "password of {} reset; their sessions ended",
                r.user.username.as_str()
            );
            if let Some(p) = generated {
                println!("generated password (shown once): {p}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
