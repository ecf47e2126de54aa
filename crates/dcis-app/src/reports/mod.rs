//! National reports generated from the records (`docs/reports.md`). Today:
//! the seizure part of the UN drug office's Annual Report Questionnaire
//! ([`arq`]). Each report is computed here, rendered to a file here (the
//! command line and the web serve the same bytes), and its generation is
//! one audit entry.

pub mod arq;
pub mod arq_json;
pub mod arq_xlsx;
pub mod situation;
pub mod situation_json;

use dcis_domain::FieldError;

/// The entity type of a report's audit entry.
pub const REPORT_ENTITY: &str = "report";

/// The file formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Xlsx,
    Json,
    Pdf,
}

impl ReportFormat {
    /// The ARQ's formats.
    pub const ALL: [ReportFormat; 2] = [Self::Xlsx, Self::Json];
    /// The situation report's formats (`situation.rs`).
    pub const SITUATION: [ReportFormat; 2] = [Self::Pdf, Self::Json];

    /// `xlsx` or `json` (any case, surrounding spaces ignored); errors on
    /// the field `format`.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::parse_in(s, &Self::ALL)
    }

    /// One of `allowed`, by its extension (any case, surrounding spaces
    /// ignored); errors on the field `format`.
    pub fn parse_in(s: &str, allowed: &[ReportFormat]) -> Result<Self, FieldError> {
        let t = s.trim().to_ascii_lowercase();
        allowed
            .iter()
            .copied()
            .find(|f| f.extension() == t)
            .ok_or_else(|| FieldError::new("format", "err-report-format").with("value", s.trim()))
    }

    /// The format a file name's extension names, if any.
    pub fn of_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        Self::parse(ext).ok()
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Json => "json",
            Self::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Json => "application/json",
            Self::Pdf => "application/pdf",
        }
    }
}

/// A generated report file, ready to send or write.
#[derive(Debug, Clone)]
pub struct ReportFile {
    /// The id of the generation's audit entry.
    pub id: uuid::Uuid,
    pub bytes: Vec<u8>,
    /// `arq-seizures-LA-2025.xlsx`: ASCII by construction.
    pub file_name: String,
    pub format: ReportFormat,
    pub sha256: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(ReportFormat::parse(" XLSX ").unwrap(), ReportFormat::Xlsx);
        assert_eq!(ReportFormat::parse("json").unwrap(), ReportFormat::Json);
        let e = ReportFormat::parse("pdf").unwrap_err();
        assert_eq!((e.field, e.key), ("format", "err-report-format"));
        let p = |s: &str| ReportFormat::of_path(std::path::Path::new(s));
        assert_eq!(p("out/arq-2025.XLSX"), Some(ReportFormat::Xlsx));
        assert_eq!(p("arq.json"), Some(ReportFormat::Json));
        assert_eq!(p("arq.csv"), None);
        assert_eq!(p("arq"), None);
    }
}
