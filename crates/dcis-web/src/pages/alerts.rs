//! Early-warning alerts: the list (open, acknowledged, by rule and
//! province), an alert with its figures and why it fired in plain words,
//! and the acknowledge action. What a user sees is decided by
//! `dcis_app::alerts` and `dcis_policy::alerts`.

use super::{html, Ctx, Pager};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dcis_app::alerts::AlertView;
use dcis_app::AppError;
use dcis_domain::alert::{subject_pairs, AlertRule};
use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::AlertId;
use dcis_domain::user::Language;
use dcis_policy::alerts::Disclosure;
use dcis_store::AlertFilter;
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(list))
        .route("/alerts/{id}", get(show))
        .route("/alerts/{id}/acknowledge", post(acknowledge))
}

/// Province names in the viewer's language, by code.
pub(crate) async fn province_names(
    s: &AppState,
    lang: Language,
) -> Result<BTreeMap<String, String>, AppError> {
    Ok(s.app
        .store
        .provinces()
        .await?
        .into_iter()
        .map(|(p, _)| {
            let name = if lang == Language::Lo {
                p.name_lo
            } else {
                p.name_en
            };
            (p.code.as_str().to_owned(), name)
        })
        .collect())
}

/// A number as people read it: whole numbers with thousands separators,
/// small ones with one decimal.
pub(crate) fn number(x: f64) -> String {
    let whole = x.round();
    if (x - whole).abs() < 0.05 || x.abs() >= 100.0 {
        let digits = format!("{:.0}", whole.abs());
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if whole < 0.0 {
            format!("-{out}")
        } else {
            out
        }
    } else {
        format!("{x:.1}")
    }
}

/// An alert described for people: what it is about, and why it fired.
pub(crate) struct Described {
    pub rule: String,
    pub subject: String,
    pub area: String,
    pub why: String,
    /// (label, value) of each figure shown.
    pub figures: Vec<(String, String)>,
}

/// Describes an alert in the viewer's language.
pub(crate) fn describe(tr: &Tr, v: &AlertView, provinces: &BTreeMap<String, String>) -> Described {
    let a = &v.alert;
    let pairs = subject_pairs(&a.subject);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| (*v).to_owned())
    };
    let fig = |k: &str| a.figures.get(k);
    let fig_num = |k: &str| fig(k).and_then(|x| x.as_f64()).map(number);
    let fig_str = |k: &str| fig(k).and_then(|x| x.as_str()).map(str::to_owned);
    let area = match a.province {
        Some(p) => provinces
            .get(p.as_str())
            .cloned()
            .unwrap_or_else(|| p.as_str().to_owned()),
        None => tr.t("alert-area-national"),
    };
    let withheld = v.disclosure == Disclosure::Withheld;
    let measure = |m: &str| tr.choice("alert-measure", m);
    let mut figures = Vec::new();
    let (subject, why) = match a.rule {
        AlertRule::Rise => {
            let m = get("measure").unwrap_or_default();
            let what = match get("substance") {
                Some(s) => tr.substance(&s),
                None => area.clone(),
            };
            let subject = format!("{what} · {}", measure(&m));
            let why = if withheld {
                tr.message(
                    "alert-why-rise-withheld",
                    &[
                        ("period", &a.period),
                        ("what", &what),
                        ("measure", &measure(&m)),
                    ],
                )
            } else {
                for k in ["observed", "expected", "threshold"] {
                    if let Some(n) = fig_num(k) {
                        figures.push((tr.t(&format!("alert-figure-{k}")), n));
                    }
                }
                if let Some(t) = fig("trend").and_then(|x| x.as_f64()) {
                    figures.push((tr.t("alert-figure-trend"), format!("× {t:.2}")));
                }
                tr.message(
                    "alert-why-rise",
                    &[
                        ("period", &a.period),
                        ("what", &what),
                        ("measure", &measure(&m)),
                        ("observed", &fig_num("observed").unwrap_or_default()),
                        ("expected", &fig_num("expected").unwrap_or_default()),
                        ("threshold", &fig_num("threshold").unwrap_or_default()),
                    ],
                )
            };
            (subject, why)
        }
        AlertRule::NewSubstance | AlertRule::NewForm | AlertRule::NewLogo => {
            let value = match a.rule {
                AlertRule::NewSubstance => get("substance").map(|s| tr.substance(&s)),
                AlertRule::NewForm => get("form").map(|f| tr.choice("form", &f)),
                _ => fig_str("label")
                    .filter(|l| !l.is_empty())
                    .or_else(|| get("logo")),
            }
            .unwrap_or_default();
            let since = fig_str("data_since").unwrap_or_default();
            let why = if withheld {
                tr.message(
                    "alert-why-new-withheld",
                    &[("value", &value), ("area", &area), ("period", &a.period)],
                )
            } else {
                let cases = fig_num("cases").unwrap_or_default();
                figures.push((tr.t("alert-figure-cases"), cases.clone()));
                figures.push((tr.t("alert-figure-since"), since.clone()));
                tr.message(
                    "alert-why-new",
                    &[
                        ("value", &value),
                        ("area", &area),
                        ("period", &a.period),
                        ("cases", &cases),
                        ("since", &since),
                    ],
                )
            };
            (value, why)
        }
        AlertRule::LargeSeizure => {
            let substance = get("substance")
                .map(|s| tr.substance(&s))
                .unwrap_or_default();
            let why = if withheld {
                tr.message(
                    "alert-why-large-withheld",
                    &[
                        ("substance", &substance),
                        ("area", &area),
                        ("period", &a.period),
                    ],
                )
            } else {
                let m = fig_str("measure").unwrap_or_default();
                let observed = fig_num("observed").unwrap_or_default();
                let threshold = fig_num("threshold").unwrap_or_default();
                figures.push((
                    tr.t("alert-figure-observed"),
                    format!("{observed} {}", measure(&m)),
                ));
                figures.push((
                    tr.t("alert-figure-threshold"),
                    format!("{threshold} {}", measure(&m)),
                ));
                tr.message(
                    "alert-why-large",
                    &[
                        ("substance", &substance),
                        ("area", &area),
                        ("period", &a.period),
                        ("observed", &observed),
                        ("threshold", &threshold),
                        ("measure", &measure(&m)),
                        ("group", &fig_str("group").unwrap_or_default()),
                    ],
                )
            };
            (substance, why)
        }
        AlertRule::NewRoute => {
            let route = get("country")
                .or_else(|| get("province"))
                .unwrap_or_default();
            let (from, to) = route.split_once('>').unwrap_or((&route, ""));
            let subject = format!("{from} → {to}");
            let why = if withheld {
                tr.message(
                    "alert-why-route-withheld",
                    &[("from", from), ("to", to), ("period", &a.period)],
                )
            } else {
                let cases = fig_num("cases").unwrap_or_default();
                let since = fig_str("data_since").unwrap_or_default();
                figures.push((tr.t("alert-figure-cases"), cases.clone()));
                figures.push((tr.t("alert-figure-since"), since.clone()));
                tr.message(
                    "alert-why-route",
                    &[
                        ("from", from),
                        ("to", to),
                        ("period", &a.period),
                        ("cases", &cases),
                        ("since", &since),
                    ],
                )
            };
            (subject, why)
        }
    };
    Described {
        rule: tr.choice("alert-rule", a.rule.as_str()),
        subject,
        area,
        why,
        figures,
    }
}

pub struct AlertLine {
    pub id: String,
    pub period: String,
    pub rule: String,
    pub subject: String,
    pub area: String,
    pub open: bool,
    pub withheld: bool,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    ctx: Ctx,
    alerts: Vec<AlertLine>,
    pager: Pager,
    /// `open`, `acknowledged` or `all`.
    state: String,
    rule: String,
    province: String,
    /// As asked (`2025`, `2025-Q2`, `2025-06`), or empty.
    period: String,
    rules: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    periods: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    state: Option<String>,
    rule: Option<String>,
    province: Option<String>,
    period: Option<String>,
    page: Option<i64>,
}

/// Parses the list's filters: unknown values are errors that name the
/// field (not silently ignored).
pub(crate) fn parse_filter(
    state: Option<&str>,
    rule: Option<&str>,
    province: Option<&str>,
    period: Option<&str>,
) -> Result<AlertFilter, AppError> {
    fn nb(x: Option<&str>) -> Option<&str> {
        x.map(str::trim).filter(|x| !x.is_empty())
    }
    let open = match nb(state) {
        None | Some("open") => Some(true),
        Some("acknowledged") => Some(false),
        Some("all") => None,
        Some(other) => {
            return Err(dcis_domain::FieldError::new("state", "err-choice")
                .with("value", other)
                .into())
        }
    };
    let rule = match nb(rule) {
        None => None,
        Some(r) => Some(AlertRule::parse(r).ok_or_else(|| {
            AppError::from(dcis_domain::FieldError::new("rule", "err-choice").with("value", r))
        })?),
    };
    let province = match nb(province) {
        None => None,
        Some(p) => Some(ProvinceCode::parse(p)?),
    };
    let period = match nb(period) {
        None => None,
        Some(p) => Some(dcis_domain::stats::Period::parse_named(p)?),
    };
    Ok(AlertFilter {
        open,
        rule,
        province,
        period,
    })
}

async fn list(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let filter = parse_filter(
        q.state.as_deref(),
        q.rule.as_deref(),
        q.province.as_deref(),
        q.period.as_deref(),
    )?;
    let page = crate::page_number(q.page);
    let (views, total) = s
        .app
        .alerts(&cu.auth.actor, &filter, Pager::SIZE, Pager::offset(page))
        .await?;
    let ctx = Ctx::for_user(&cu, "/alerts", "alerts");
    let names = province_names(&s, ctx.tr.lang).await?;
    let state = match filter.open {
        Some(true) => "open",
        Some(false) => "acknowledged",
        None => "all",
    }
    .to_owned();
    let rule = filter
        .rule
        .map(|r| r.as_str().to_owned())
        .unwrap_or_default();
    let province = filter
        .province
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let period = match filter.period {
        Some(_) => q.period.as_deref().unwrap_or_default().trim().to_owned(),
        None => String::new(),
    };
    let link = {
        let (state, rule, province, period) = (
            state.clone(),
            rule.clone(),
            province.clone(),
            period.clone(),
        );
        move |p: i64| {
            format!(
                "/alerts?state={state}&rule={rule}&province={province}&period={period}&page={p}"
            )
        }
    };
    let alerts = views
        .iter()
        .map(|v| {
            let d = describe(&ctx.tr, v, &names);
            AlertLine {
                id: v.alert.id.to_string(),
                period: v.alert.period.clone(),
                rule: d.rule,
                subject: d.subject,
                area: d.area,
                open: v.alert.acknowledged_at.is_none(),
                withheld: v.disclosure == Disclosure::Withheld,
            }
        })
        .collect();
    let rules = AlertRule::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                ctx.tr.choice("alert-rule", r.as_str()),
            )
        })
        .collect();
    let provinces = names.into_iter().collect();
    let periods = crate::pages::analysis::period_choices(crate::pages::analysis::this_month(&s));
    Ok(html(&AlertsPage {
        pager: Pager::new(page, total, link),
        ctx,
        alerts,
        state,
        rule,
        province,
        period,
        rules,
        provinces,
        periods,
    }))
}

pub struct CaseLink {
    pub id: String,
    pub reference: String,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    ctx: Ctx,
    id: String,
    period: String,
    rule: String,
    subject: String,
    area: String,
    why: String,
    figures: Vec<(String, String)>,
    withheld: bool,
    cases: Vec<CaseLink>,
    raised_at: String,
    acknowledged: Option<(String, String)>,
    can_acknowledge: bool,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

fn alert_id(s: &str) -> Result<AlertId, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

async fn show(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let id = alert_id(&id)?;
    let v = s.app.alert(&cu.auth.actor, id).await?;
    let ctx = Ctx::for_user(&cu, &format!("/alerts/{id}"), "alerts").with_flash(q.done.as_deref());
    let names = province_names(&s, ctx.tr.lang).await?;
    let d = describe(&ctx.tr, &v, &names);
    let a = &v.alert;
    Ok(html(&AlertPage {
        id: a.id.to_string(),
        period: a.period.clone(),
        rule: d.rule,
        subject: d.subject,
        area: d.area,
        why: d.why,
        figures: d.figures,
        withheld: v.disclosure == Disclosure::Withheld,
        cases: v
            .readable_cases
            .iter()
            .map(|(id, reference)| CaseLink {
                id: id.to_string(),
                reference: reference.clone(),
            })
            .collect(),
        raised_at: ctx.tr.datetime(&a.raised_at),
        acknowledged: a.acknowledged_at.map(|t| {
            (
                a.acknowledged_by_name.clone().unwrap_or_default(),
                ctx.tr.datetime(&t),
            )
        }),
        can_acknowledge: a.acknowledged_at.is_none(),
        ctx,
    }))
}

async fn acknowledge(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = alert_id(&id)?;
    match s.app.acknowledge_alert(&cu.auth.actor, id).await {
        Ok(_) | Err(AppError::Conflict { .. }) => Ok(Redirect::to(&format!(
            "/alerts/{id}?done=flash-alert-acknowledged"
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}
