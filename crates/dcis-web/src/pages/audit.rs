//! The audit log and its verification.

use super::{html, Ctx};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use dcis_app::AppError;
use dcis_domain::role::Permission;
use dcis_domain::time::from_millis;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(log))
        .route("/admin/audit/verify", post(verify))
}

pub struct EntryLine {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: Ctx,
    entries: Vec<EntryLine>,
    older: Option<i64>,
    head: i64,
    can_verify: bool,
    /// The action the log is narrowed to, if any.
    action: String,
    /// (ok, message) after a verification.
    result: Option<(bool, String)>,
}

#[derive(Deserialize)]
struct LogQuery {
    before: Option<i64>,
    /// `read`: who read what.
    action: Option<String>,
}

const PAGE: i64 = 100;

async fn page(
    state: &AppState,
    cu: &CurrentUser,
    before: Option<i64>,
    action: Option<&str>,
) -> Result<AuditPage, AppError> {
    let ctx = Ctx::for_user(cu, "/admin/audit", "audit");
    let rows = state
        .app
        .audit_log(&cu.auth.actor, before, action, PAGE)
        .await?;
    let older = if rows.len() as i64 == PAGE {
        rows.last().map(|e| e.seq)
    } else {
        None
    };
    let entries = rows
        .into_iter()
        .map(|e| EntryLine {
            seq: e.seq,
            at: ctx.tr.datetime(&from_millis(e.at_ms)),
            actor: e.actor_name,
            action: ctx.tr.t(&format!("action-{}", e.action)),
            entity: ctx
                .tr
                .t(&format!("entity-{}", e.entity_type.replace('_', "-"))),
            entity_id: e.entity_id,
            hash: e.hash.chars().take(12).collect(),
        })
        .collect();
    Ok(AuditPage {
        can_verify: cu.auth.actor.may(Permission::VerifyAuditChain),
        head: state.app.store.audit_head().await?.seq,
        action: action.unwrap_or("").to_owned(),
        ctx,
        entries,
        older,
        result: None,
    })
}

async fn log(
    State(state): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<LogQuery>,
) -> Result<Response, PageError> {
    Ok(html(
        &page(
            &state,
            &cu,
            q.before,
            q.action
                .as_deref()
                .filter(|a| dcis_domain::audit::AuditAction::parse(a).is_some()),
        )
        .await?,
    ))
}

async fn verify(State(state): State<AppState>, cu: CurrentUser) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::VerifyAuditChain)
        .map_err(AppError::from)?;
    let outcome = state
        .app
        .store
        .verify_audit_chain(1000)
        .await
        .map_err(AppError::from)?;
    let mut p = page(&state, &cu, None, None).await?;
    p.result = Some(match outcome {
        Ok(n) => (true, p.ctx.tr.t1("audit-verify-ok", "count", &n)),
        Err(b) => (false, format!("{}: {b}", p.ctx.tr.t("audit-verify-broken"))),
    });
    Ok(html(&p))
}
