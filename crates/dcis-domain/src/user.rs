//! Users, their log-in names and passwords, and API tokens.

use crate::error::FieldError;
use crate::ids::{ApiTokenId, InstallationId, UnitId, UserId};
use crate::role::{Clearance, GeoScope, Role};
use serde::Serialize;
use time::OffsetDateTime;

/// A log-in name: 3–64 characters of lower-case ASCII letters, digits, `.`,
/// `_` or `-`, starting with a letter. Input is lower-cased, so `Somsak` and
/// `somsak` are the same user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct UserName(String);

impl UserName {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim().to_ascii_lowercase();
        if s.len() < 3 || s.len() > 64 {
            return Err(FieldError::new("username", "err-username-length"));
        }
        let first_ok = s.bytes().next().is_some_and(|c| c.is_ascii_lowercase());
        let rest_ok = s.bytes().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-')
        });
        if !first_ok || !rest_ok {
            return Err(FieldError::new("username", "err-username-chars"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown for a user, in any script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new("display_name", "err-required"));
        }
        if s.chars().count() > 200 {
            return Err(FieldError::new("display_name", "err-too-long").with("max", 200));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new("display_name", "err-control-chars"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the policy: 12 to 256 characters, not all the
/// same character, and not the user name. Existing passwords are checked
/// only against their hash, never against this policy.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(s: &str, username: Option<&UserName>) -> Result<Self, FieldError> {
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(
                FieldError::new("password", "err-password-short").with("min", Self::MIN_CHARS)
            );
        }
        if n > Self::MAX_CHARS {
            return Err(FieldError::new("password", "err-too-long").with("max", Self::MAX_CHARS));
        }
        let mut chars = s.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(FieldError::new("password", "err-password-weak"));
        }
        if username.is_some_and(|u| s.to_lowercase().contains(u.as_str())) {
            return Err(FieldError::new("password", "err-password-username"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The user-interface languages. English is the fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Lo,
}

impl Language {
    pub const ALL: [Language; 2] = [Self::En, Self::Lo];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Lo => "lo",
        }
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Self::En),
            "lo" => Ok(Self::Lo),
            other => Err(FieldError::new("language", "err-choice").with("value", other)),
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut it = part.trim().split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "lo" => Self::Lo,
                "en" => Self::En,
                _ => continue,
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: UserId,
    pub installation: InstallationId,
    pub username: UserName,
    pub display_name: DisplayName,
    pub unit: UnitId,
    pub role: Role,
    pub scope: GeoScope,
    pub clearance: Clearance,
    pub language: Language,
    #[serde(with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// An API token for scripts. Only the SHA-256 of the secret is stored; the
/// token acts with the lesser of its role and its owner's role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user: UserId,
    pub name: String,
    pub role: Role,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiToken {
    pub fn is_usable(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// A token's name, as the user calls it ("nightly import").
pub fn parse_token_name(s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new("name", "err-required"));
    }
    if s.chars().count() > 100 {
        return Err(FieldError::new("name", "err-too-long").with("max", 100));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        let cases = [
            ("somsak", Ok("somsak")),
            ("  Somsak.K ", Ok("somsak.k")),
            ("a1_-.", Ok("a1_-.")),
            ("ab", Err("err-username-length")),
            ("1abc", Err("err-username-chars")),
            ("som sak", Err("err-username-chars")),
            ("ສົມສັກ", Err("err-username-chars")),
        ];
        for (input, expected) in cases {
            let got = UserName::parse(input)
                .map(|u| u.as_str().to_owned())
                .map_err(|e| e.key);
            assert_eq!(got, expected.map(str::to_owned), "{input:?}");
        }
        assert!(UserName::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn passwords() {
        let u = UserName::parse("somsak").unwrap();
        let key = |s: &str| NewPassword::parse(s, Some(&u)).err().map(|e| e.key);
        assert_eq!(key("short"), Some("err-password-short"));
        assert_eq!(key("aaaaaaaaaaaaaaa"), Some("err-password-weak"));
        assert_eq!(key("mySomsak-password"), Some("err-password-username"));
        assert_eq!(key("correct horse battery"), None);
        assert_eq!(key("ລະຫັດຜ່ານຍາວພໍສົມຄວນ"), None);
        assert_eq!(key(&"ab".repeat(129)), Some("err-too-long"));
        assert_eq!(
            format!(
                "{:?}",
                NewPassword::parse("correct horse battery", None).unwrap()
            ),
            "NewPassword(***)"
        );
    }

    #[test]
    fn accept_language() {
        assert_eq!(
            Language::from_accept_language("lo-LA,lo;q=0.9,en;q=0.8"),
            Some(Language::Lo)
        );
        assert_eq!(
            Language::from_accept_language("fr, en;q=0.5, lo;q=0.4"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language("fr"), None);
        assert_eq!(
            Language::from_accept_language("en;q=0.2,lo;q=0.8"),
            Some(Language::Lo)
        );
    }

    #[test]
    fn display_names() {
        assert!(DisplayName::parse("ສົມສັກ ແກ້ວມະນີ").is_ok());
        assert_eq!(DisplayName::parse("  ").unwrap_err().key, "err-required");
    }
}
