//! The API's wire types. Domain types are not the wire format: these
//! structs are, and they change only with the API version.

use dcis_domain::audit::{AuditEntry, ChainBreak};
use dcis_domain::geo::{BorderCrossing, District, Province, Village};
use dcis_domain::org::{Organisation, Unit};
use dcis_domain::role::{GeoScope, Permission};
use dcis_domain::time::from_millis;
use dcis_domain::user::{ApiToken, User};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::ToSchema;

pub(super) fn ts(t: &OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub unit: String,
    pub role: &'static str,
    /// `national`, or the list of province codes.
    #[schema(schema_with = scope_schema)]
    pub scope: serde_json::Value,
    pub clearance: &'static str,
    pub language: &'static str,
    pub active: bool,
    pub created_at: String,
    pub installation: String,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.as_str().into(),
            display_name: u.display_name.as_str().into(),
            unit: u.unit.to_string(),
            role: u.role.as_str(),
            scope: match &u.scope {
                GeoScope::National => serde_json::json!("national"),
                GeoScope::Provinces(s) => {
                    serde_json::json!(s.iter().map(|p| p.as_str()).collect::<Vec<_>>())
                }
            },
            clearance: u.clearance.as_str(),
            language: u.language.as_str(),
            active: u.is_active(),
            created_at: ts(&u.created_at),
            installation: u.installation.to_string(),
        }
    }
}

/// `scope` may be given as `"national"`, `"01,05"` or `["01", "05"]`.
#[derive(Deserialize, Clone, ToSchema)]
#[serde(untagged)]
pub enum ScopeIn {
    Text(String),
    List(Vec<String>),
}

impl ScopeIn {
    pub fn to_text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::List(l) => l.join(","),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    pub unit: String,
    pub role: String,
    pub scope: ScopeIn,
    pub clearance: String,
    #[serde(default)]
    pub language: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserProfileIn {
    pub display_name: String,
    pub unit: String,
    pub role: String,
    pub scope: ScopeIn,
    pub clearance: String,
    #[serde(default)]
    pub language: String,
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordIn {
    #[serde(default)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationOut {
    pub id: String,
    pub code: String,
    pub kind: &'static str,
    pub name_en: String,
    pub name_lo: String,
    pub province: Option<String>,
    pub installation: String,
}

impl From<&Organisation> for OrganisationOut {
    fn from(o: &Organisation) -> Self {
        Self {
            id: o.id.to_string(),
            code: o.code.as_str().into(),
            kind: o.kind.as_str(),
            name_en: o.name_en.as_str().into(),
            name_lo: o.name_lo.as_str().into(),
            province: o.province.map(|p| p.as_str().to_owned()),
            installation: o.installation.to_string(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationIn {
    pub code: String,
    pub kind: String,
    pub name_en: String,
    pub name_lo: String,
    #[serde(default)]
    pub province: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UnitOut {
    pub id: String,
    pub organisation: String,
    pub name_en: String,
    pub name_lo: String,
    pub province: Option<String>,
    pub district: Option<String>,
    pub installation: String,
}

impl From<&Unit> for UnitOut {
    fn from(u: &Unit) -> Self {
        Self {
            id: u.id.to_string(),
            organisation: u.organisation.to_string(),
            name_en: u.name_en.as_str().into(),
            name_lo: u.name_lo.as_str().into(),
            province: u.province.map(|p| p.as_str().to_owned()),
            district: u.district.map(|d| d.as_str().to_owned()),
            installation: u.installation.to_string(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitIn {
    pub organisation: String,
    pub name_en: String,
    pub name_lo: String,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub district: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProvinceOut {
    pub code: String,
    pub iso_3166_2: String,
    pub name_en: String,
    pub name_lo: String,
    pub districts: i64,
}

impl ProvinceOut {
    pub fn new(p: &Province, districts: i64) -> Self {
        Self {
            code: p.code.as_str().into(),
            iso_3166_2: p.iso_code.as_str().into(),
            name_en: p.name_en.clone(),
            name_lo: p.name_lo.clone(),
            districts,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DistrictOut {
    pub code: String,
    pub province: String,
    pub name_en: String,
    pub name_lo: String,
}

impl From<&District> for DistrictOut {
    fn from(d: &District) -> Self {
        Self {
            code: d.code.as_str().into(),
            province: d.province().as_str().into(),
            name_en: d.name_en.clone(),
            name_lo: d.name_lo.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct VillageOut {
    pub id: String,
    pub district: String,
    pub name_en: String,
    pub name_lo: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl From<&Village> for VillageOut {
    fn from(v: &Village) -> Self {
        Self {
            id: v.id.to_string(),
            district: v.district.as_str().into(),
            name_en: v.name_en.as_str().into(),
            name_lo: v.name_lo.as_str().into(),
            latitude: v.coordinates.map(|c| c.lat()),
            longitude: v.coordinates.map(|c| c.lon()),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VillageIn {
    pub name_en: String,
    pub name_lo: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct CrossingOut {
    pub id: String,
    pub name_en: String,
    pub name_lo: String,
    pub province: String,
    pub district: Option<String>,
    pub counterpart_country: String,
    pub counterpart_name: String,
    pub border_type: &'static str,
    pub has_blo: bool,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub notes: String,
}

impl From<&BorderCrossing> for CrossingOut {
    fn from(b: &BorderCrossing) -> Self {
        Self {
            id: b.id.to_string(),
            name_en: b.name_en.as_str().into(),
            name_lo: b.name_lo.as_str().into(),
            province: b.province.as_str().into(),
            district: b.district.map(|d| d.as_str().to_owned()),
            counterpart_country: b.counterpart_country.as_str().into(),
            counterpart_name: b.counterpart_name.clone(),
            border_type: b.border_type.as_str(),
            has_blo: b.has_blo,
            latitude: b.coordinates.map(|c| c.lat()),
            longitude: b.coordinates.map(|c| c.lon()),
            notes: b.notes.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrossingIn {
    pub name_en: String,
    pub name_lo: String,
    pub province: String,
    #[serde(default)]
    pub district: Option<String>,
    pub counterpart_country: String,
    #[serde(default)]
    pub counterpart_name: String,
    pub border_type: String,
    #[serde(default)]
    pub has_blo: bool,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// Only in the answer to the creation, once.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub secret: Option<String>,
}

impl From<&ApiToken> for TokenOut {
    fn from(t: &ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            role: t.role.as_str(),
            created_at: ts(&t.created_at),
            expires_at: t.expires_at.as_ref().map(ts),
            last_used_at: t.last_used_at.as_ref().map(ts),
            revoked_at: t.revoked_at.as_ref().map(ts),
            secret: None,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub installation: String,
    pub actor: Option<String>,
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub hash: String,
}

impl From<&AuditEntry> for AuditOut {
    fn from(e: &AuditEntry) -> Self {
        let json = |s: &str| {
            if s.is_empty() {
                None
            } else {
                serde_json::from_str(s).ok()
            }
        };
        Self {
            seq: e.seq,
            id: e.id.clone(),
            at: ts(&from_millis(e.at_ms)),
            installation: e.installation.clone(),
            actor: if e.actor.is_empty() {
                None
            } else {
                Some(e.actor.clone())
            },
            actor_name: e.actor_name.clone(),
            action: e.action.clone(),
            entity_type: e.entity_type.clone(),
            entity_id: e.entity_id.clone(),
            before: json(&e.before),
            after: json(&e.after),
            hash: e.hash.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many items match, or (when `total_exact` is false) a lower bound:
    /// lists stop counting some way past the page asked for.
    pub total: i64,
    pub total_exact: bool,
    pub page: i64,
    pub per_page: i64,
}

/// `scope` on the wire: `"national"` or a list of province codes.
fn scope_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
    let one_of = OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["national"])),
        )
        .item(ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)))
        .build();
    Schema::OneOf(one_of)
}

/// The caller: their user, what they may do, and the token of the request.
#[derive(Serialize, ToSchema)]
pub struct MeOut {
    #[serde(flatten)]
    pub user: UserOut,
    /// The permissions of the caller (narrowed by the token's role when
    /// the request carries one).
    #[schema(value_type = Vec<String>)]
    pub permissions: Vec<Permission>,
    /// The id of the API token of the request; null with a session.
    pub via_token: Option<String>,
}

/// A new user, with the generated password when none was given (shown
/// once).
#[derive(Serialize, ToSchema)]
pub struct CreatedUserOut {
    #[serde(flatten)]
    pub user: UserOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub generated_password: Option<String>,
}

/// The answer to a password reset: the generated password (shown once), or
/// null when the request gave one.
#[derive(Serialize, ToSchema)]
pub struct GeneratedPasswordOut {
    pub generated_password: Option<String>,
}

/// The result of walking the audit chain.
#[derive(Serialize, ToSchema)]
pub struct VerifyOut {
    pub ok: bool,
    /// How many entries were checked (when the chain is intact).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub entries: Option<u64>,
    /// Where and how the chain is broken.
    #[serde(rename = "break", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub chain_break: Option<ChainBreakOut>,
    /// The break, explained in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub message: Option<String>,
}

impl From<Result<u64, ChainBreak>> for VerifyOut {
    fn from(r: Result<u64, ChainBreak>) -> Self {
        match r {
            Ok(n) => Self {
                ok: true,
                entries: Some(n),
                chain_break: None,
                message: None,
            },
            Err(b) => Self {
                ok: false,
                entries: None,
                message: Some(b.to_string()),
                chain_break: Some(b.into()),
            },
        }
    }
}

/// Why the audit chain is broken at an entry.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ChainBreakOut {
    /// The entry's content no longer matches its hash.
    Edited { seq: i64 },
    /// The entry does not follow the one before it.
    Unlinked { seq: i64, expected_seq: i64 },
    /// Entries at the end were removed.
    Truncated { last_seq: i64, head_seq: i64 },
}

impl From<ChainBreak> for ChainBreakOut {
    fn from(b: ChainBreak) -> Self {
        match b {
            ChainBreak::Edited { seq } => Self::Edited { seq },
            ChainBreak::Unlinked { seq, expected_seq } => Self::Unlinked { seq, expected_seq },
            ChainBreak::Truncated { last_seq, head_seq } => Self::Truncated { last_seq, head_seq },
        }
    }
}
