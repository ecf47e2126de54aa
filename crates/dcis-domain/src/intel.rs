//! Intelligence reports, graded on the police 3x5x2 standard
//! (`data/reference/intelligence_grading.md`): source evaluation,
//! information assessment and handling code are separate fields, and the
//! source is a registered code, never an identity.

use crate::access::{RecordAccess, RecordId};
use crate::error::FieldError;
use crate::ids::UnitId;
use serde::Serialize;

/// Source evaluation (3x5x2, first part).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SourceEvaluation {
    /// Reliable: trusted, with a good record.
    R,
    /// Untested: new, or no track record.
    U,
    /// Not reliable: doubts about reliability or motive.
    X,
}

/// Information assessment (3x5x2, second part).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum InformationAssessment {
    /// Known directly to the source.
    A,
    /// Known indirectly, corroborated.
    B,
    /// Known indirectly, not corroborated.
    C,
    /// Not known how the source knows.
    D,
    /// Suspected to be false.
    E,
}

/// Handling code (3x5x2, third part).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HandlingCode {
    /// Lawful sharing permitted (with a policing purpose and need).
    P,
    /// Lawful sharing permitted with conditions, which must be recorded.
    C,
}

macro_rules! letters {
    ($t:ty, $field:literal, [$($v:ident),+]) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$(<$t>::$v),+];

            pub fn as_str(&self) -> &'static str {
                match self { $(<$t>::$v => stringify!($v)),+ }
            }

            pub fn parse(s: &str) -> Result<Self, FieldError> {
                let t = s.trim().to_ascii_uppercase();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == t)
                    .ok_or_else(|| FieldError::new($field, "err-choice").with("value", s.trim()))
            }
        }
    };
}

letters!(SourceEvaluation, "source_evaluation", [R, U, X]);
letters!(
    InformationAssessment,
    "information_assessment",
    [A, B, C, D, E]
);
letters!(HandlingCode, "handling_code", [P, C]);

/// The full 3x5x2 grade, written like `R/A/P`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Grade {
    pub source: SourceEvaluation,
    pub information: InformationAssessment,
    pub handling: HandlingCode,
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.source.as_str(),
            self.information.as_str(),
            self.handling.as_str()
        )
    }
}

/// A registered source's code (`SRC-CNP-0042`): 3–30 upper-case letters,
/// digits and hyphens. The code is what reports carry; who the source is
/// stays with the source handlers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SourceCode(String);

impl SourceCode {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim().to_ascii_uppercase();
        let ok = (3..=30).contains(&t.len())
            && t.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-');
        if ok {
            Ok(Self(t))
        } else {
            Err(FieldError::new("source_code", "err-source-code").with("value", s.trim()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A report's title: one line, 1–200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportTitle(String);

impl ReportTitle {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(FieldError::new("title", "err-required"));
        }
        if t.chars().count() > 200 {
            return Err(FieldError::new("title", "err-too-long").with("max", 200));
        }
        if t.chars().any(char::is_control) {
            return Err(FieldError::new("title", "err-control-chars"));
        }
        Ok(Self(t.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A report's text: 1–20,000 characters, line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportText(String);

impl ReportText {
    pub const MAX: usize = 20_000;

    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(FieldError::new(field, "err-required"));
        }
        if t.chars().count() > Self::MAX {
            return Err(FieldError::new(field, "err-too-long").with("max", Self::MAX));
        }
        if t.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(FieldError::new(field, "err-control-chars"));
        }
        Ok(Self(t.replace("\r\n", "\n")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An intelligence report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntelReport {
    pub id: RecordId,
    /// `IR-{ORG}-{YEAR}-{NNNN}`, given at creation.
    pub reference: String,
    pub title: ReportTitle,
    pub body: ReportText,
    pub reported_on: time::Date,
    pub source: SourceCode,
    pub grade: Grade,
    /// Required with handling code C, empty with P.
    pub handling_conditions: String,
    pub access: RecordAccess,
}

/// A registered source. Only source handlers of `handler_unit` see
/// `identity`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub code: SourceCode,
    pub handler_unit: UnitId,
    pub identity: String,
    pub notes: String,
}

/// The reference of a new report.
pub fn report_reference(org_code: &str, year: i32, n: i64) -> String {
    format!("IR-{org_code}-{year}-{n:04}")
}

/// Handling conditions are required with handling code C and must be empty
/// with P (so a report never claims conditions it does not state).
pub fn check_handling(code: HandlingCode, conditions: &str) -> Result<(), FieldError> {
    match (code, conditions.trim().is_empty()) {
        (HandlingCode::C, true) => Err(FieldError::new(
            "handling_conditions",
            "err-handling-conditions",
        )),
        _ => Ok(()),
    }
}

/// A report date: not in the future relative to `today`.
pub fn parse_report_date(s: &str, today: time::Date) -> Result<time::Date, FieldError> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s.trim(), f)
        .map_err(|_| FieldError::new("reported_on", "err-date").with("value", s.trim()))?;
    if d > today {
        return Err(FieldError::new("reported_on", "err-date-future"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_parse_and_print() {
        let g = Grade {
            source: SourceEvaluation::parse("r").unwrap(),
            information: InformationAssessment::parse(" b ").unwrap(),
            handling: HandlingCode::parse("C").unwrap(),
        };
        assert_eq!(g.to_string(), "R/B/C");
        assert_eq!(
            SourceEvaluation::parse("A").unwrap_err().field,
            "source_evaluation"
        );
        assert_eq!(
            InformationAssessment::parse("F").unwrap_err().key,
            "err-choice"
        );
        assert!(HandlingCode::parse("2").is_err());
    }

    #[test]
    fn handling_conditions_follow_the_code() {
        assert!(check_handling(HandlingCode::C, "  ").is_err());
        assert!(check_handling(HandlingCode::C, "Not for court use").is_ok());
        assert!(check_handling(HandlingCode::P, "").is_ok());
    }

    #[test]
    fn source_codes_and_texts() {
        assert_eq!(
            SourceCode::parse(" src-cnp-0042 ").unwrap().as_str(),
            "SRC-CNP-0042"
        );
        assert!(SourceCode::parse("Mr Somsak").is_err());
        assert!(ReportTitle::parse("").is_err());
        assert_eq!(
            ReportText::parse("text", "a\r\nb").unwrap().as_str(),
            "a\nb"
        );
        assert!(ReportText::parse("text", "a\u{0}").is_err());
    }

    #[test]
    fn report_dates() {
        let today = time::macros::date!(2026 - 11 - 27);
        assert!(parse_report_date("2026-11-27", today).is_ok());
        assert_eq!(
            parse_report_date("2026-11-28", today).unwrap_err().key,
            "err-date-future"
        );
        assert_eq!(
            parse_report_date("27/11/2026", today).unwrap_err().key,
            "err-date"
        );
    }
}
