//! Drawing the figures of analysis for people to look at.
//!
//! Everything here is pure: it takes figures that the application has already computed,
//! scoped and suppressed (`dcis-app`), and labels that are already translated
//! (`dcis-i18n`), and returns bytes. It never reads the database and never decides who may
//! see what, so the same drawing serves the web pages, the API and printed reports.

pub mod chart;
pub mod map;
pub mod pdf;
pub mod svg;
