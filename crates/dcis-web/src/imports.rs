//! Imports in progress: the uploaded file, its mapping, and the check or
//! import running in the background (a request must not wait for a long
//! import: the request timeout would cut it). Kept in memory: a job is the
//! user's own, lives two hours, and is lost on a restart — what it wrote
//! stays, whole cases only, and importing the file again completes it
//! (imports are idempotent on the agency's reference).

use crate::error::ErrorInfo;
use dcis_app::import::{ImportMode, ImportReport, ImportRequest, Progress};
use dcis_app::App;
use dcis_domain::ids::UserId;
use dcis_import::mapping::Mapping;
use dcis_import::table::Table;
use dcis_policy::Actor;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a finished or idle job is kept.
pub const KEEP: Duration = Duration::from_secs(2 * 3600);
/// The most jobs one user keeps (the oldest idle one goes first).
pub const PER_USER: usize = 10;

/// Where a job stands.
#[derive(Debug, Clone)]
pub enum JobState {
    /// Uploaded; nothing run yet.
    Ready,
    Running {
        mode: ImportMode,
        dry_run: bool,
    },
    Done(Box<ImportReport>),
    /// The run failed as a whole (a database error, a reference taken by
    /// a concurrent import in all-or-nothing mode, a mapping without a
    /// required column): the error as pages and the API show it.
    Failed(Box<ErrorInfo>),
}

pub struct ImportJob {
    pub id: Uuid,
    pub owner: UserId,
    pub created: Instant,
    pub file_name: String,
    pub sha256: String,
    pub table: Table,
    pub progress: Mutex<Arc<Progress>>,
    pub mapping: Mutex<Mapping>,
    pub state: Mutex<JobState>,
}

impl ImportJob {
    pub fn state(&self) -> JobState {
        self.state
            .lock()
            .map(|s| s.clone())
            .unwrap_or(JobState::Ready)
    }

    pub fn mapping(&self) -> Mapping {
        self.mapping
            .lock()
            .map(|m| m.clone())
            .unwrap_or_else(|_| Mapping::guess(&self.table.headers))
    }

    pub fn progress(&self) -> Arc<Progress> {
        self.progress.lock().map(|p| p.clone()).unwrap_or_default()
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state(), JobState::Running { .. })
    }
}

/// Every job of this server.
#[derive(Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<Uuid, Arc<ImportJob>>>,
}

impl ImportJobs {
    /// Registers an uploaded file for its owner, dropping expired jobs and
    /// the owner's oldest idle ones beyond [`PER_USER`].
    pub fn add(
        &self,
        owner: UserId,
        file_name: String,
        sha256: String,
        table: Table,
    ) -> Arc<ImportJob> {
        let job = Arc::new(ImportJob {
            id: Uuid::now_v7(),
            owner,
            created: Instant::now(),
            file_name,
            sha256,
            mapping: Mutex::new(Mapping::guess(&table.headers)),
            table,
            progress: Mutex::new(Arc::default()),
            state: Mutex::new(JobState::Ready),
        });
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.retain(|_, j| j.is_running() || j.created.elapsed() < KEEP);
            let mut mine: Vec<(Instant, Uuid)> = jobs
                .values()
                .filter(|j| j.owner == owner && !j.is_running())
                .map(|j| (j.created, j.id))
                .collect();
            mine.sort();
            while mine.len() >= PER_USER {
                let (_, id) = mine.remove(0);
                jobs.remove(&id);
            }
            jobs.insert(job.id, job.clone());
        }
        job
    }

    /// The job, if it is the user's (another user's job does not exist for
    /// them).
    pub fn get(&self, owner: UserId, id: Uuid) -> Option<Arc<ImportJob>> {
        let jobs = self.jobs.lock().ok()?;
        jobs.get(&id).filter(|j| j.owner == owner).cloned()
    }

    /// The user's jobs, newest first.
    pub fn of(&self, owner: UserId) -> Vec<Arc<ImportJob>> {
        let mut v: Vec<Arc<ImportJob>> = self
            .jobs
            .lock()
            .map(|jobs| {
                jobs.values()
                    .filter(|j| j.owner == owner)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        v.sort_by_key(|j| std::cmp::Reverse(j.created));
        v
    }
}

/// Starts a check or an import of the job in the background, unless one is
/// running already (then `false`).
pub fn start(
    app: &App,
    actor: &Actor,
    job: &Arc<ImportJob>,
    mode: ImportMode,
    dry_run: bool,
) -> bool {
    {
        let Ok(mut state) = job.state.lock() else {
            return false;
        };
        if matches!(*state, JobState::Running { .. }) {
            return false;
        }
        *state = JobState::Running { mode, dry_run };
    }
    let progress = Arc::new(Progress::default());
    if let Ok(mut p) = job.progress.lock() {
        *p = progress.clone();
    }
    let (app, actor, job) = (app.clone(), actor.clone(), job.clone());
    tokio::spawn(async move {
        let mapping = job.mapping();
        let req = ImportRequest {
            table: &job.table,
            mapping: &mapping,
            mode,
            dry_run,
            sha256: &job.sha256,
        };
        let result = app.import_cases(&actor, &req, &progress).await;
        if let Err(e) = &result {
            tracing::warn!(job = %job.id, error = %e, "import failed");
        }
        let done = match result {
            Ok(r) => JobState::Done(Box::new(r)),
            Err(e) => JobState::Failed(Box::new(ErrorInfo::from(e))),
        };
        if let Ok(mut state) = job.state.lock() {
            *state = done;
        }
    });
    true
}
