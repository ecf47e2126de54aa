//! Application use cases: the one write path per aggregate.
//!
//! Every change made through a form, the API, the command line or (later)
//! an import or sync calls a function here. Each one parses its raw input
//! into domain values (collecting every field error), checks the access
//! policy, and writes through a `dcis_store::Write`, which appends the audit
//! entry in the same transaction.

pub mod access;
pub mod alerts;
pub mod auth;
pub mod cases;
pub mod cli_actor;
pub mod error;
pub mod export;
pub mod generate;
pub mod geo;
pub mod import;
pub mod intel;
pub mod maps;
pub mod orgs;
pub mod persons;
pub mod reports;
pub mod secrets;
pub mod setup;
pub mod stats;
pub mod users;

use dcis_domain::ids::{IdSource, InstallationId, UserId};
use dcis_domain::time::Clock;
use dcis_policy::Actor;
use dcis_store::{AuditContext, Store, Write};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

pub use error::AppError;

/// Security settings that operators may tune.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after log-in, however active.
    pub session_absolute: Duration,
    /// Failed log-ins are counted over this window.
    pub throttle_window: Duration,
    /// Failed log-ins for one account within the window before it is locked.
    pub max_failures_per_account: i64,
    /// Failed log-ins from one address within the window before it is refused.
    pub max_failures_per_address: i64,
    /// The large-seizure thresholds of the alert rules, per drug group
    /// (`docs/alerts.md`).
    pub alert_thresholds: dcis_domain::alert::LargeSeizureThresholds,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            throttle_window: Duration::from_secs(15 * 60),
            max_failures_per_account: 5,
            max_failures_per_address: 30,
            alert_thresholds: Default::default(),
        }
    }
}

/// The application: storage, time, ids, and the installation's identity.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdSource>,
    pub installation: InstallationId,
    pub settings: Settings,
}

/// The real clock, used only by the binary.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// UUIDv7 ids from the operating system's random source.
pub struct RandomIds;

impl IdSource for RandomIds {
    fn new_uuid(&self, at: OffsetDateTime) -> uuid::Uuid {
        let mut r = [0u8; 10];
        secrets::fill_random(&mut r);
        dcis_domain::ids::uuid_v7(at, r)
    }
}

impl App {
    /// Opens the application on an initialised store.
    pub async fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        settings: Settings,
    ) -> Result<Self, AppError> {
        let (installation, _) = store.installation().await?.ok_or_else(|| {
            AppError::Internal("the database has not been initialised: run `dcis init`".into())
        })?;
        Ok(Self {
            store,
            clock,
            ids,
            installation,
            settings,
        })
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    fn context(&self, actor: Option<(UserId, String)>) -> AuditContext {
        AuditContext {
            installation: self.installation,
            actor,
            at: self.now(),
            ids: self.ids.clone(),
        }
    }

    /// A write transaction on behalf of `actor`.
    pub async fn write_as(&self, actor: &Actor) -> Result<Write, AppError> {
        Ok(self
            .store
            .begin(self.context(Some((actor.user, actor.username.as_str().to_owned()))))
            .await?)
    }

    /// A write transaction on behalf of the system itself.
    pub async fn write_as_system(&self) -> Result<Write, AppError> {
        Ok(self.store.begin(self.context(None)).await?)
    }

    pub fn new_uuid(&self) -> uuid::Uuid {
        self.ids.new_uuid(self.now())
    }
}
