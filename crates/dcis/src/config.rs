//! Settings, from (highest precedence first) command-line flags,
//! environment variables (`DCIS_…`), an optional TOML config file, and
//! defaults.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What a config file may hold. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub log_format: Option<String>,
    pub session_idle_minutes: Option<u64>,
    pub session_absolute_hours: Option<u64>,
    pub request_timeout_seconds: Option<u64>,
    pub body_limit_bytes: Option<usize>,
    /// Minutes between runs of the alert rules inside `dcis serve` (0: never).
    pub alerts_interval_minutes: Option<u64>,
    /// Large-seizure thresholds per drug group, replacing the documented
    /// defaults of the groups named (`docs/alerts.md`).
    pub alert_thresholds: Option<std::collections::BTreeMap<String, ThresholdConfig>>,
}

/// One drug group's large-seizure thresholds in a config file; a limit
/// left out is not watched for that group.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdConfig {
    pub kilograms: Option<f64>,
    pub tablets: Option<i64>,
    pub litres: Option<f64>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("the config file {} is not valid", path.display()))
    }
}

/// The resolved settings the commands use.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub listen: String,
    pub public_url: Option<String>,
    pub log_json: bool,
    pub app: dcis_app::Settings,
    pub request_timeout: std::time::Duration,
    pub body_limit: usize,
    /// Between runs of the alert rules in `dcis serve`; `None`: never.
    pub alerts_interval: Option<std::time::Duration>,
}

/// Hourly, unless configured.
pub const DEFAULT_ALERTS_INTERVAL_MINUTES: u64 = 60;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "dcis-data";

pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub log_format: Option<String>,
    pub alerts_interval_minutes: Option<u64>,
}

impl Settings {
    pub fn resolve(o: Overrides, file: FileConfig) -> Result<Self> {
        let data_dir = o
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = o
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("dcis.sqlite3").display()));
        let log_format = o
            .log_format
            .or(file.log_format)
            .unwrap_or_else(|| "text".into());
        let log_json = match log_format.as_str() {
            "json" => true,
            "text" => false,
            other => bail!("log format must be `text` or `json`, not `{other}`"),
        };
        let mut app = dcis_app::Settings::default();
        if let Some(m) = file.session_idle_minutes {
            app.session_idle = std::time::Duration::from_secs(m * 60);
        }
        if let Some(h) = file.session_absolute_hours {
            app.session_absolute = std::time::Duration::from_secs(h * 3600);
        }
        for (group, t) in file.alert_thresholds.iter().flatten() {
            let known: Vec<String> = app
                .alert_thresholds
                .rows
                .iter()
                .map(|r| r.group.clone())
                .collect();
            let Some(row) = app
                .alert_thresholds
                .rows
                .iter_mut()
                .find(|r| &r.group == group)
            else {
                bail!(
                    "alert_thresholds: no drug group \"{group}\"; the groups are: {}",
                    known.join(", ")
                );
            };
            let positive = |v: Option<f64>, what: &str| -> Result<Option<f64>> {
                match v {
                    Some(x) if !(x > 0.0 && x.is_finite()) => {
                        bail!("alert_thresholds.\"{group}\".{what} must be a positive number, not {x}")
                    }
                    other => Ok(other),
                }
            };
            row.grams = positive(t.kilograms, "kilograms")?.map(|kg| kg * 1000.0);
            row.millilitres = positive(t.litres, "litres")?.map(|l| l * 1000.0);
            row.tablets = match t.tablets {
                Some(n) if n <= 0 => {
                    bail!("alert_thresholds.\"{group}\".tablets must be a positive number, not {n}")
                }
                other => other,
            };
        }
        let alerts_minutes = o
            .alerts_interval_minutes
            .or(file.alerts_interval_minutes)
            .unwrap_or(DEFAULT_ALERTS_INTERVAL_MINUTES);
        Ok(Self {
            data_dir,
            database_url,
            listen: o
                .listen
                .or(file.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.into()),
            public_url: o.public_url.or(file.public_url),
            log_json,
            app,
            request_timeout: std::time::Duration::from_secs(
                file.request_timeout_seconds.unwrap_or(30),
            ),
            body_limit: file.body_limit_bytes.unwrap_or(2 * 1024 * 1024),
            alerts_interval: (alerts_minutes > 0)
                .then(|| std::time::Duration::from_secs(alerts_minutes * 60)),
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// Makes sure the data directory exists and is writable (SQLite only).
    pub fn prepare_data_dir(&self, create: bool) -> Result<()> {
        if !self.is_sqlite() {
            return Ok(());
        }
        let dir = &self.data_dir;
        if !dir.exists() {
            if !create {
                return Ok(());
            }
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        }
        let probe = dir.join(".dcis-write-test");
        std::fs::write(&probe, b"ok")
            .with_context(|| format!("the data directory {} is not writable", dir.display()))?;
        let _ = std::fs::remove_file(probe);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o() -> Overrides {
        Overrides {
            data_dir: None,
            database_url: None,
            listen: None,
            public_url: None,
            log_format: None,
            alerts_interval_minutes: None,
        }
    }

    #[test]
    fn flags_beat_file_beat_defaults() {
        let s = Settings::resolve(o(), FileConfig::default()).unwrap();
        assert_eq!(s.listen, DEFAULT_LISTEN);
        assert_eq!(s.database_url, "sqlite://dcis-data/dcis.sqlite3");
        let file: FileConfig =
            toml::from_str("listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/dcis\"").unwrap();
        let s = Settings::resolve(o(), file).unwrap();
        assert_eq!(s.listen, "0.0.0.0:9000");
        assert_eq!(s.database_url, "sqlite:///srv/dcis/dcis.sqlite3");
        let file: FileConfig = toml::from_str("listen = \"0.0.0.0:9000\"").unwrap();
        let s = Settings::resolve(
            Overrides {
                listen: Some("127.0.0.1:1".into()),
                ..o()
            },
            file,
        )
        .unwrap();
        assert_eq!(s.listen, "127.0.0.1:1");
    }

    #[test]
    fn alert_settings_from_the_file() {
        let s = Settings::resolve(o(), FileConfig::default()).unwrap();
        assert_eq!(
            s.alerts_interval,
            Some(std::time::Duration::from_secs(3600))
        );
        let file: FileConfig = toml::from_str(
            "alerts_interval_minutes = 0\n[alert_thresholds.\"cocaine-type\"]\nkilograms = 0.5",
        )
        .unwrap();
        let s = Settings::resolve(o(), file).unwrap();
        assert_eq!(s.alerts_interval, None);
        assert_eq!(
            s.app.alert_thresholds.of("cocaine-type"),
            (Some(500.0), None, None)
        );
        let file: FileConfig = toml::from_str("[alert_thresholds.cocaine]\nkilograms = 1").unwrap();
        let e = Settings::resolve(o(), file).unwrap_err().to_string();
        assert!(
            e.contains("no drug group \"cocaine\"") && e.contains("cocaine-type"),
            "{e}"
        );
        let file: FileConfig = toml::from_str("[alert_thresholds.NPS]\nkilograms = -1").unwrap();
        assert!(Settings::resolve(o(), file).is_err());
    }

    #[test]
    fn bad_config_is_refused() {
        assert!(toml::from_str::<FileConfig>("lisen = \"x\"").is_err());
        assert!(Settings::resolve(
            Overrides {
                log_format: Some("xml".into()),
                ..o()
            },
            FileConfig::default()
        )
        .is_err());
    }
}
