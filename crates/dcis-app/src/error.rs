use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::Denied;
use dcis_store::StoreError;
use thiserror::Error;

/// What went wrong, in kinds a caller can act on. The web layer maps each
/// kind to a status code and a translatable message; `Internal` detail goes
/// to the log only.
#[derive(Debug, Error)]
pub enum AppError {
    #[error("invalid input: {0}")]
    Validation(FieldErrors),
    #[error("not allowed: {0}")]
    Forbidden(Denied),
    #[error("not found")]
    NotFound,
    /// A uniqueness rule: another record already has this value.
    #[error("conflict on {field}")]
    Conflict {
        field: &'static str,
        key: &'static str,
    },
    #[error("not logged in")]
    Unauthenticated,
    #[error("too many attempts; retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        Self::Validation(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::Validation(e.into())
    }
}

impl From<Denied> for AppError {
    fn from(d: Denied) -> Self {
        Self::Forbidden(d)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl AppError {
    /// Maps a store duplicate to a conflict on `field`, anything else as usual.
    pub fn duplicate_as(field: &'static str, key: &'static str) -> impl Fn(StoreError) -> AppError {
        move |e| match e {
            StoreError::Duplicate { .. } => AppError::Conflict { field, key },
            other => AppError::from(other),
        }
    }
}
