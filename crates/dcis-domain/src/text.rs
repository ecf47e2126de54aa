//! Small helpers for free text shared by the record modules.

use crate::error::FieldError;

/// Trims and collapses every run of whitespace (including line breaks and
/// tabs) to one space.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A one-line text: trimmed, whitespace collapsed, 1 to `max` characters,
/// no control characters.
pub(crate) fn single_line(field: &'static str, s: &str, max: usize) -> Result<String, FieldError> {
    let s = collapse_whitespace(s);
    if s.is_empty() {
        return Err(FieldError::new(field, "err-required"));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(field, "err-too-long").with("max", max));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(field, "err-control-chars"));
    }
    Ok(s)
}

/// Like [`single_line`], but an empty input is `None`.
pub(crate) fn optional_single_line(
    field: &'static str,
    s: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        single_line(field, s, max).map(Some)
    }
}

/// A text of several lines: line ends become `\n`, the whole is trimmed,
/// at most `max` characters, no control characters other than line breaks
/// and tabs. An empty input is `None`.
pub(crate) fn optional_multi_line(
    field: &'static str,
    s: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max {
        return Err(FieldError::new(field, "err-too-long").with("max", max));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldError::new(field, "err-control-chars"));
    }
    Ok(Some(s.to_owned()))
}

/// `None` for an empty or blank input.
pub(crate) fn non_blank(s: &str) -> Option<&str> {
    (!s.trim().is_empty()).then_some(s)
}

/// The same error reported under another field name (for values such as a
/// country code that appear in several fields of one form).
pub(crate) fn refield(mut e: FieldError, field: &'static str) -> FieldError {
    e.field = field;
    e
}

/// Maps Lao (໐–໙) and Thai (๐–๙) digits to ASCII digits; leaves every other
/// character as it is.
pub(crate) fn ascii_digit(c: char) -> char {
    let lao = 0x0ED0..=0x0ED9;
    let thai = 0x0E50..=0x0E59;
    let cp = u32::from(c);
    let base = if lao.contains(&cp) {
        0x0ED0
    } else if thai.contains(&cp) {
        0x0E50
    } else {
        return c;
    };
    char::from_digit(cp - base, 10).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(collapse_whitespace("  a \n\t b  "), "a b");
        assert_eq!(single_line("f", "  ", 5).unwrap_err().key, "err-required");
        assert_eq!(
            single_line("f", "abcdef", 5).unwrap_err().key,
            "err-too-long"
        );
        assert_eq!(
            single_line("f", "a\u{7}b", 5).unwrap_err().key,
            "err-control-chars"
        );
        assert_eq!(optional_single_line("f", " ", 5).unwrap(), None);
        assert_eq!(
            optional_multi_line("f", " a\r\nb\rc ", 50)
                .unwrap()
                .as_deref(),
            Some("a\nb\nc")
        );
        assert_eq!(
            optional_multi_line("f", "a\u{0}", 50).unwrap_err().key,
            "err-control-chars"
        );
        assert_eq!(ascii_digit('໕'), '5');
        assert_eq!(ascii_digit('๙'), '9');
        assert_eq!(ascii_digit('x'), 'x');
        assert_eq!(refield(FieldError::new("a", "k"), "b").field, "b");
    }
}
