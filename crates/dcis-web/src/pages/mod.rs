//! Server-rendered pages. Each handler builds a template struct that holds a
//! [`Ctx`] (translator, navigation, CSRF token) and its own data.

mod account;
mod admin;
pub(crate) mod alerts;
mod analysis;
mod audit;
mod boundaries;
mod cases;
pub(crate) mod export;
mod geo;
mod groups;
pub(crate) mod import;
mod intel;
mod orgs;
pub(crate) mod reports;
mod session;
pub(crate) mod situation;

use crate::auth::{CurrentUser, Viewer};
use crate::error::{ErrorInfo, PageError};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use dcis_domain::audit::AuditEntry;
use dcis_domain::role::Permission;
use dcis_domain::time::from_millis;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(session::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(orgs::routes())
        .merge(geo::routes())
        .merge(audit::routes())
        .merge(intel::routes())
        .merge(cases::routes())
        .merge(export::routes())
        .merge(import::routes())
        .merge(groups::routes())
        .merge(analysis::routes())
        .merge(boundaries::routes())
        .merge(reports::routes())
        .merge(situation::routes())
        .merge(alerts::routes())
}

/// What the navigation bar shows to a logged-in user.
#[derive(Clone)]
pub struct NavUser {
    pub display_name: String,
    pub username: String,
    pub manage_users: bool,
    pub manage_orgs: bool,
    pub view_audit: bool,
    pub read_records: bool,
    pub manage_groups: bool,
    /// Dashboards and reports.
    pub analyse: bool,
    /// Open alerts in scope (the badge); `None`: no alerts link.
    pub open_alerts: Option<dcis_app::alerts::OpenAlerts>,
}

/// The parts of every page.
#[derive(Clone)]
pub struct Ctx {
    pub tr: Tr,
    pub user: Option<NavUser>,
    pub csrf: String,
    /// The current path with query, for "come back here" links.
    pub here: String,
    /// The navigation section this page belongs to.
    pub section: &'static str,
    pub flash: Option<String>,
}

impl Ctx {
    pub fn anonymous(viewer: &Viewer, here: &str) -> Self {
        Self {
            tr: viewer.tr.clone(),
            user: None,
            csrf: String::new(),
            here: here.to_owned(),
            section: "",
            flash: None,
        }
    }

    pub fn for_user(cu: &CurrentUser, here: &str, section: &'static str) -> Self {
        let a = &cu.auth.actor;
        Self {
            tr: cu.viewer.tr.clone(),
            user: Some(NavUser {
                display_name: cu.auth.user.display_name.as_str().to_owned(),
                username: cu.auth.user.username.as_str().to_owned(),
                manage_users: a.may(Permission::ManageUsers),
                manage_orgs: a.may(Permission::ManageOrganisations),
                view_audit: a.may(Permission::ViewAuditLog),
                read_records: a.may(Permission::ReadRecords),
                manage_groups: a.may(Permission::ManageSharingGroups),
                analyse: a.may(Permission::Analyse),
                open_alerts: cu.viewer.open_alerts,
            }),
            csrf: cu.viewer.csrf_token().to_owned(),
            here: here.to_owned(),
            section,
            flash: None,
        }
    }

    /// Shows a confirmation named by a `done=flash-…` query parameter; only
    /// keys of that family are accepted, so links cannot inject text.
    pub fn with_flash(mut self, done: Option<&str>) -> Self {
        if let Some(k) = done.filter(|k| k.starts_with("flash-") && k.len() < 64) {
            self.flash = Some(self.tr.t(k));
        }
        self
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// A message with a number `$n`.
    pub fn t_n(&self, key: &str, n: &i64) -> String {
        self.tr.t1(key, "n", n)
    }

    /// Is the current path (without its query) `p`?
    pub fn path_is(&self, p: &str) -> bool {
        self.here.split('?').next() == Some(p)
    }

    pub fn is_section(&self, s: &str) -> bool {
        self.section == s
    }

    /// The current path, URL-encoded for a `next=` parameter.
    pub fn here_q(&self) -> String {
        crate::auth::urlencode(&self.here)
    }

    pub fn css(&self) -> String {
        crate::assets::url("dcis.css")
    }

    pub fn js(&self) -> String {
        crate::assets::url("dcis.js")
    }

    /// The versioned URL of another embedded asset.
    pub fn asset(&self, name: &str) -> String {
        crate::assets::url(name)
    }
}

/// Renders a template, or the error page if rendering fails.
pub fn html<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(s) => {
            let mut r = Html(s).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r
        }
        Err(e) => PageError::internal(&format!("template: {e}")).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: Ctx,
    status: u16,
    message: String,
    details: Vec<String>,
    logged_in: bool,
}

/// The error page for `info`, in the viewer's language.
pub fn render_error_page(viewer: Option<&Viewer>, info: &ErrorInfo) -> Response {
    let Some(viewer) = viewer else {
        return (info.status, info.key).into_response();
    };
    let args: Vec<(&str, &str)> = info.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let message = viewer.tr.message(info.key, &args);
    let details = info
        .fields
        .as_ref()
        .map(|f| {
            f.0.iter()
                .map(|e| {
                    let a: Vec<(&str, &str)> =
                        e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    format!(
                        "{}: {}",
                        viewer.tr.t(&format!("field-{}", e.field.replace('_', "-"))),
                        viewer.tr.message(e.key, &a)
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let page = ErrorPage {
        ctx: Ctx::anonymous(viewer, "/"),
        status: info.status.as_u16(),
        message,
        details,
        logged_in: viewer.auth.is_some(),
    };
    let mut r = html(&page);
    *r.status_mut() = info.status;
    r
}

/// One line of a record's history, for display.
pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<String>,
}

/// Summarises audit entries: for updates, which fields changed and how;
/// for events, which event.
pub fn history_rows(tr: &Tr, entries: &[AuditEntry]) -> Vec<HistoryRow> {
    entries
        .iter()
        .rev()
        .map(|e| {
            let before: serde_json::Value =
                serde_json::from_str(&e.before).unwrap_or(serde_json::Value::Null);
            let after: serde_json::Value =
                serde_json::from_str(&e.after).unwrap_or(serde_json::Value::Null);
            let mut changes = Vec::new();
            let action = if e.entity_type == dcis_store::BULK_LOAD {
                // The batch that created the record (App::history): its id
                // only, the batch's details are withheld.
                let key = if e.entity_id.starts_with("import-") {
                    "history-bulk-import"
                } else {
                    "history-bulk-load"
                };
                tr.message(key, &[("batch", &e.entity_id)])
            } else if e.action == "event" {
                let name = after
                    .get("event")
                    .and_then(|v| v.as_str())
                    .unwrap_or("event");
                tr.t(&format!("event-{}", name.replace('_', "-")))
            } else {
                tr.t(&format!("action-{}", e.action))
            };
            if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
                for (k, av) in a {
                    let bv = b.get(k).unwrap_or(&serde_json::Value::Null);
                    if bv != av {
                        changes.push(format!("{k}: {} → {}", short(bv), short(av)));
                    }
                }
            }
            HistoryRow {
                at: tr.datetime(&from_millis(e.at_ms)),
                actor: e.actor_name.clone(),
                action,
                changes,
            }
        })
        .collect()
}

/// A value of a snapshot as a person reads it: empty values as a dash,
/// timestamps to the minute, ids shortened.
fn short(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::String(s) if s.is_empty() => "—".to_owned(),
        serde_json::Value::String(s) => {
            if let Ok(t) =
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            {
                let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
                t.format(f).unwrap_or_else(|_| s.clone())
            } else if s.len() == 36 && uuid::Uuid::parse_str(s).is_ok() {
                format!("{}…", &s[..8])
            } else {
                s.clone()
            }
        }
        serde_json::Value::Null => "—".to_owned(),
        other => other.to_string(),
    };
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

/// A page of a list: which page, how many in all.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The count stopped at `total`: there are more, and more pages.
    pub more: bool,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub const SIZE: i64 = 50;

    /// `link(page)` builds the URL of another page with the same filters.
    pub fn new(page: i64, total: i64, link: impl Fn(i64) -> String) -> Self {
        let pages = ((total + Self::SIZE - 1) / Self::SIZE).max(1);
        let page = page.clamp(1, pages);
        Self {
            page,
            pages,
            total,
            more: false,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// A pager over a count that may have stopped short (see
    /// `dcis_store::Total`): as many pages as counted, and "more" after.
    pub fn counted(page: i64, total: dcis_store::Total, link: impl Fn(i64) -> String) -> Self {
        Self {
            more: !total.exact,
            ..Self::new(page, total.n, link)
        }
    }

    pub fn offset(page: i64) -> i64 {
        (page.max(1) - 1) * Self::SIZE
    }
}

/// Reads a field of a submitted form.
pub fn field(form: &std::collections::HashMap<String, String>, name: &str) -> String {
    form.get(name).cloned().unwrap_or_default()
}
