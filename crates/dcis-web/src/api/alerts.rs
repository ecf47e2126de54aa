//! `/api/v1/alerts`: early-warning alerts the caller may see (analysis
//! permission; their provinces, national alerts with a national scope),
//! one alert, and acknowledging it. Figures of an alert resting on fewer
//! than three cases the caller may not read are withheld
//! (`docs/access-policy.md`, "Alerts").

use super::dto::Page;
use super::Caller;
use crate::error::ApiError;
use crate::pages::alerts::{describe, parse_filter, province_names};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dcis_app::alerts::AlertView;
use dcis_app::AppError;
use dcis_domain::ids::AlertId;
use dcis_policy::alerts::Disclosure;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list))
        .route("/alerts/{id}", get(read))
        .route("/alerts/{id}/acknowledge", post(acknowledge))
}

/// An alert as the caller may see it.
#[derive(Serialize, ToSchema)]
pub(super) struct AlertOut {
    id: String,
    /// `rise`, `new_substance`, `new_form`, `new_logo`, `large_seizure` or `new_route`.
    rule: &'static str,
    /// What it is about, as `key=value` pairs joined by `;` (a case named
    /// in it is removed when the figures are withheld).
    subject: String,
    /// The month, YYYY-MM.
    period: String,
    /// The province it concerns; absent for a national alert.
    province: Option<String>,
    /// What made it fire (observed, expected, threshold…); null when
    /// withheld.
    figures: Option<serde_json::Value>,
    /// True when the alert rests on fewer than three cases the caller may
    /// not all read: figures and cases are not given.
    figures_withheld: bool,
    /// How many cases are behind it; absent when withheld.
    case_count: Option<i64>,
    /// The cases behind it that the caller may read (ids; open them at
    /// `/api/v1/cases/{id}`).
    cases: Vec<String>,
    /// Why it fired, in plain words, in the caller's language.
    explanation: String,
    raised_at: String,
    acknowledged_by: Option<String>,
    acknowledged_by_name: Option<String>,
    acknowledged_at: Option<String>,
}

fn out(v: &AlertView, explanation: String) -> AlertOut {
    let a = &v.alert;
    let withheld = v.disclosure == Disclosure::Withheld;
    let ts = |t: &time::OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    AlertOut {
        id: a.id.to_string(),
        rule: a.rule.as_str(),
        subject: a.subject.clone(),
        period: a.period.clone(),
        province: a.province.map(|p| p.as_str().to_owned()),
        figures: (!withheld).then(|| a.figures.clone()),
        figures_withheld: withheld,
        case_count: (!withheld).then_some(a.case_count),
        cases: v
            .readable_cases
            .iter()
            .map(|(id, _)| id.to_string())
            .collect(),
        explanation,
        raised_at: ts(&a.raised_at),
        acknowledged_by: a.acknowledged_by.map(|u| u.to_string()),
        acknowledged_by_name: a.acknowledged_by_name.clone(),
        acknowledged_at: a.acknowledged_at.as_ref().map(ts),
    }
}

async fn outs(
    s: &AppState,
    caller_lang: &crate::i18n::Tr,
    views: &[AlertView],
) -> Result<Vec<AlertOut>, AppError> {
    let names: BTreeMap<String, String> = province_names(s, caller_lang.lang).await?;
    Ok(views
        .iter()
        .map(|v| out(v, describe(caller_lang, v, &names).why))
        .collect())
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// `open` (the default), `acknowledged` or `all`.
    state: Option<String>,
    /// One rule: `rise`, `new_substance`, `new_form`, `new_logo`, `large_seizure`, `new_route`.
    rule: Option<String>,
    /// Province code.
    province: Option<String>,
    /// Alerts about the months of a year (`2025`), a quarter (`2025-Q2`)
    /// or a month (`2025-06`).
    period: Option<String>,
    /// Page number, from 1.
    page: Option<i64>,
    /// Alerts per page (1–500, default 50).
    per_page: Option<i64>,
}

/// The alerts the caller may see, newest period first.
#[utoipa::path(get, path = "/alerts", tag = "alerts", operation_id = "list_alerts", params(ListQuery),
    responses((status = 200, description = "A page of alerts", body = Page<AlertOut>)))]
async fn list(
    State(s): State<AppState>,
    Caller(a): Caller,
    viewer: crate::auth::Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let filter = parse_filter(
        q.state.as_deref(),
        q.rule.as_deref(),
        q.province.as_deref(),
        q.period.as_deref(),
    )?;
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = crate::page_number(q.page);
    let (views, total) = s
        .app
        .alerts(&a.actor, &filter, per_page, (page - 1) * per_page)
        .await?;
    Ok(Json(Page {
        items: outs(&s, &viewer.tr, &views).await?,
        total,
        total_exact: true,
        page,
        per_page,
    })
    .into_response())
}

fn alert_id(s: &str) -> Result<AlertId, ApiError> {
    s.parse().map_err(|_| ApiError::from(AppError::NotFound))
}

/// One alert (404 outside the caller's scope).
#[utoipa::path(get, path = "/alerts/{id}", tag = "alerts", operation_id = "get_alert",
    params(("id" = String, Path, description = "Alert id")),
    responses((status = 200, description = "The alert", body = AlertOut)))]
async fn read(
    State(s): State<AppState>,
    Caller(a): Caller,
    viewer: crate::auth::Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let v = s.app.alert(&a.actor, alert_id(&id)?).await?;
    let mut o = outs(&s, &viewer.tr, std::slice::from_ref(&v)).await?;
    Ok(Json(o.remove(0)).into_response())
}

/// Acknowledges an open alert (audited); 409 if it was acknowledged
/// already.
#[utoipa::path(post, path = "/alerts/{id}/acknowledge", tag = "alerts", operation_id = "acknowledge_alert",
    params(("id" = String, Path, description = "Alert id")),
    responses((status = 200, description = "The alert, acknowledged", body = AlertOut)))]
async fn acknowledge(
    State(s): State<AppState>,
    Caller(a): Caller,
    viewer: crate::auth::Viewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let v = s.app.acknowledge_alert(&a.actor, alert_id(&id)?).await?;
    let mut o = outs(&s, &viewer.tr, std::slice::from_ref(&v)).await?;
    Ok(Json(o.remove(0)).into_response())
}
