//! The dcis domain model.
//!
//! Everything here is pure: no I/O, no clock reads, no randomness, no wire
//! formats. Values that must satisfy a rule are newtypes whose only
//! constructor is a `parse` function, so that holding one proves the rule was
//! checked ("parse, don't validate"). Time and ids are passed in by callers.

pub mod audit;
pub mod error;
pub mod geo;
pub mod ids;
pub mod org;
pub mod role;
pub mod time;
pub mod user;

pub use error::{FieldError, FieldErrors};
