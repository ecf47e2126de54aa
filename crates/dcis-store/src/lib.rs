//! Storage for dcis: one repository in front of SQLite (the embedded
//! default) and PostgreSQL (national scale).
//!
//! Both backends run the same SQL through sqlx's `Any` driver: the schema
//! uses only types both engines share (TEXT, BIGINT, DOUBLE PRECISION) and
//! placeholders are `$1…` on both. Each backend owns its migrations under
//! `migrations/<backend>/`. Where the dialects differ the code branches on
//! [`Backend`] in plain sight.
//!
//! This crate enforces no business rules. It does enforce one invariant:
//! every change goes through a [`Write`] transaction whose mutating methods
//! append to the audit chain in the same transaction, so no change can be
//! stored without its audit entry.

mod access;
mod alerts;
mod audit;
mod boundary;
mod bulk;
mod cases;
mod error;
mod export;
mod geo;
mod intel;
mod objects;
mod open;
mod org;
mod persons;
mod reports;
mod rollup;
mod rows;
mod search;
mod security;
mod stats;
mod user;
mod write;

pub use access::{AccessRequest, RequestStatus, Share, SharingGroup, VisibleRecord};
pub use alerts::{AlertFilter, AlertRecord, CaseMatch, DataSpan, NewAlert, ALERT_CASE_IDS};
pub use audit::AuditHead;
pub use bulk::{BulkRows, BULK_LOAD};
pub use cases::{CaseFilter, CaseRecord, CaseSummary, ItemMeasures, ItemRecord, PlanChoice, Total};
pub use error::StoreError;
pub use export::EXPORT_BATCH;
pub use intel::ReportSummary;
pub use objects::ObjectRecord;
pub use open::{Backend, OpenOptions, SchemaStatus, Store};
pub use persons::{CasePersonRecord, PersonRecord};
pub use reports::{ReportCase, ReportCaseFacts, ReportCursor, ReportItem, REPORT_BATCH};
pub use security::{NewSession, SessionRow};
pub use stats::{Source as StatsSource, StatCell, StatsQuery};
pub use user::{UserFilter, UserRow};
pub use write::{AuditContext, Write};
