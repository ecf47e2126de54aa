//! The dcis domain model.
//!
//! Everything here is pure: no I/O, no clock reads, no randomness, no wire
//! formats. Values that must satisfy a rule are newtypes whose only
//! constructor is a `parse` function, so that holding one proves the rule was
//! checked ("parse, don't validate"). Time and ids are passed in by callers.

pub mod access;
pub mod alert;
pub mod arq;
pub mod audit;
pub mod boundary;
pub mod case;
mod closed_list;
pub mod contact;
pub mod decimal;
pub mod error;
pub mod geo;
pub mod ids;
pub mod intel;
pub mod money;
pub mod objects;
pub mod org;
pub mod person;
pub mod quantity;
pub mod role;
pub mod search;
pub mod seizure;
pub mod stats;
pub mod substance;
mod text;
pub mod time;
pub mod user;

pub use error::{FieldError, FieldErrors};
