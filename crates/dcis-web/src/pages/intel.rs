//! Intelligence reports, sharing, access requests and sources.

use super::admin::{form_error, Opt};
use super::{history_rows, html, Ctx, HistoryRow, Pager};
use crate::auth::{urlencode, CurrentUser};
use crate::error::PageError;
use crate::i18n::{FormState, Tr};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dcis_app::access::ShareInput;
use dcis_app::intel::IntelInput;
use dcis_app::AppError;
use dcis_domain::access::{RecordId, RecordKind, ShareTarget, Tlp};
use dcis_domain::intel::{HandlingCode, InformationAssessment, IntelReport, SourceEvaluation};
use dcis_domain::role::{Clearance, Permission};
use dcis_domain::user::Language;
use dcis_policy::Denied;
use dcis_store::Share;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/intelligence", get(list).post(create))
        .route("/intelligence/new", get(new_form))
        .route("/intelligence/{id}", get(show).post(update))
        .route("/intelligence/{id}/edit", get(edit_form))
        .route("/records/{id}", get(open_record))
        .route("/records/{id}/share", post(share))
        .route("/records/{id}/shares/{sid}/revoke", post(revoke))
        .route("/records/{id}/request-access", post(request_access))
        .route("/access-requests", get(requests))
        .route("/access-requests/{id}/decide", post(decide))
        .route("/sources", get(sources).post(register_source))
}

pub struct ReportLine {
    pub id: String,
    pub reference: String,
    pub reported_on: String,
    pub title: String,
    pub grade: String,
    pub tlp: String,
    pub tlp_class: String,
    pub classification: String,
    pub province: String,
    pub readable: bool,
}

#[derive(Template)]
#[template(path = "intel_list.html")]
struct ListPage {
    ctx: Ctx,
    q: String,
    reports: Vec<ReportLine>,
    pager: Pager,
    can_create: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    page: Option<i64>,
    done: Option<String>,
}

pub fn tlp_class(t: Tlp) -> String {
    t.label()
        .trim_start_matches("TLP:")
        .replace('+', "-")
        .to_lowercase()
}

async fn list(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let a = &cu.auth.actor;
    a.require(Permission::ReadRecords).map_err(AppError::from)?;
    let ctx = Ctx::for_user(&cu, "/intelligence", "intelligence").with_flash(q.done.as_deref());
    let page = crate::page_number(q.page);
    let (rows, total) = s
        .app
        .intel_reports(a, q.q.as_deref(), Pager::SIZE, Pager::offset(page))
        .await?;
    let reports = rows
        .into_iter()
        .map(|r| ReportLine {
            id: r.access.record.to_string(),
            reference: r.reference,
            reported_on: r.reported_on,
            title: r.title.unwrap_or_default(),
            grade: r.grade.unwrap_or_default(),
            tlp: r.access.tlp.label().to_owned(),
            tlp_class: tlp_class(r.access.tlp),
            classification: ctx.tr.choice("clearance", r.access.classification.as_str()),
            province: r
                .access
                .province
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            readable: r.readable,
        })
        .collect();
    let qs = q.q.clone().unwrap_or_default();
    let pager = Pager::new(page, total, |p| {
        format!("/intelligence?q={}&page={p}", urlencode(&qs))
    });
    Ok(html(&ListPage {
        can_create: a.may(Permission::CreateRecords),
        ctx,
        q: qs,
        reports,
        pager,
    }))
}

#[derive(Template)]
#[template(path = "intel_form.html")]
struct FormPage {
    ctx: Ctx,
    id: Option<String>,
    reference: String,
    form: FormState,
    sources: Vec<Opt>,
    evaluations: Vec<Opt>,
    assessments: Vec<Opt>,
    handling: Vec<Opt>,
    clearances: Vec<Opt>,
    tlps: Vec<Opt>,
    provinces: Vec<Opt>,
}

async fn form_page(
    s: &AppState,
    cu: &CurrentUser,
    id: Option<&IntelReport>,
    form: FormState,
) -> Result<FormPage, AppError> {
    let tr = &cu.viewer.tr;
    let here = id
        .map(|r| format!("/intelligence/{}/edit", r.id))
        .unwrap_or_else(|| "/intelligence/new".into());
    let ctx = Ctx::for_user(cu, &here, "intelligence");
    let lo = tr.lang == Language::Lo;
    let sources = s
        .app
        .sources(&cu.auth.actor)
        .await?
        .into_iter()
        .map(|x| Opt {
            value: x.code.as_str().into(),
            label: x.code.as_str().into(),
        })
        .collect();
    let opt = |v: &str, k: String| Opt {
        value: v.to_owned(),
        label: k,
    };
    Ok(FormPage {
        id: id.map(|r| r.id.to_string()),
        reference: id.map(|r| r.reference.clone()).unwrap_or_default(),
        sources,
        evaluations: SourceEvaluation::ALL
            .iter()
            .map(|e| {
                opt(
                    e.as_str(),
                    tr.t(&format!("grade-source-{}", e.as_str().to_lowercase())),
                )
            })
            .collect(),
        assessments: InformationAssessment::ALL
            .iter()
            .map(|e| {
                opt(
                    e.as_str(),
                    tr.t(&format!("grade-info-{}", e.as_str().to_lowercase())),
                )
            })
            .collect(),
        handling: HandlingCode::ALL
            .iter()
            .map(|e| {
                opt(
                    e.as_str(),
                    tr.t(&format!("grade-handling-{}", e.as_str().to_lowercase())),
                )
            })
            .collect(),
        clearances: Clearance::ALL
            .iter()
            .filter(|c| **c <= cu.auth.actor.clearance)
            .map(|c| opt(c.as_str(), tr.choice("clearance", c.as_str())))
            .collect(),
        tlps: Tlp::ALL
            .iter()
            .map(|t| {
                opt(
                    t.label(),
                    format!(
                        "{} — {}",
                        t.label(),
                        tr.t(&format!("tlp-{}", tlp_class(*t)))
                    ),
                )
            })
            .collect(),
        provinces: s
            .app
            .store
            .provinces()
            .await?
            .into_iter()
            .filter(|(p, _)| cu.auth.actor.scope.covers(p.code))
            .map(|(p, _)| Opt {
                value: p.code.as_str().into(),
                label: format!(
                    "{} {}",
                    p.code.as_str(),
                    if lo { &p.name_lo } else { &p.name_en }
                ),
            })
            .collect(),
        ctx,
        form,
    })
}

const FIELDS: &[&str] = &[
    "title",
    "body",
    "reported_on",
    "source_code",
    "source_evaluation",
    "information_assessment",
    "handling_code",
    "handling_conditions",
    "province",
    "classification",
    "tlp",
    "links",
];

fn input(f: &HashMap<String, String>) -> IntelInput {
    IntelInput {
        title: super::field(f, "title"),
        body: super::field(f, "body"),
        reported_on: super::field(f, "reported_on"),
        source_code: super::field(f, "source_code"),
        source_evaluation: super::field(f, "source_evaluation"),
        information_assessment: super::field(f, "information_assessment"),
        handling_code: super::field(f, "handling_code"),
        handling_conditions: super::field(f, "handling_conditions"),
        province: super::field(f, "province"),
        classification: super::field(f, "classification"),
        tlp: super::field(f, "tlp"),
        links: super::field(f, "links")
            .split([',', '\n', ' '])
            .map(str::to_owned)
            .collect(),
    }
}

fn values(r: &IntelReport, links: &[RecordId]) -> HashMap<String, String> {
    HashMap::from([
        ("title".into(), r.title.as_str().into()),
        ("body".into(), r.body.as_str().into()),
        ("reported_on".into(), dcis_store_date(r.reported_on)),
        ("source_code".into(), r.source.as_str().into()),
        ("source_evaluation".into(), r.grade.source.as_str().into()),
        (
            "information_assessment".into(),
            r.grade.information.as_str().into(),
        ),
        ("handling_code".into(), r.grade.handling.as_str().into()),
        ("handling_conditions".into(), r.handling_conditions.clone()),
        (
            "province".into(),
            r.access
                .province
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "classification".into(),
            r.access.classification.as_str().into(),
        ),
        ("tlp".into(), r.access.tlp.label().into()),
        (
            "links".into(),
            links
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ])
}

fn dcis_store_date(d: time::Date) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    d.format(f).unwrap_or_default()
}

async fn new_form(State(s): State<AppState>, cu: CurrentUser) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::CreateRecords)
        .map_err(AppError::from)?;
    let mut form = FormState::default();
    form.values
        .insert("reported_on".into(), dcis_store_date(s.app.now().date()));
    form.values
        .insert("classification".into(), "restricted".into());
    form.values.insert("tlp".into(), "TLP:AMBER".into());
    form.values.insert("handling_code".into(), "P".into());
    Ok(html(&form_page(&s, &cu, None, form).await?))
}

async fn create(
    State(s): State<AppState>,
    cu: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    match s.app.create_intel_report(&cu.auth.actor, &input(&f)).await {
        Ok(r) => {
            Ok(Redirect::to(&format!("/intelligence/{}?done=flash-saved", r.id)).into_response())
        }
        Err(e) => {
            let p = form_page(&s, &cu, None, FormState::default()).await?;
            form_error(e, f, &cu.viewer.tr, FIELDS, move |form| {
                Ok(html(&FormPage { form, ..p }))
            })
        }
    }
}

fn parse_id(id: &str) -> Result<RecordId, PageError> {
    id.parse().map_err(|_| PageError::not_found())
}

pub struct ShareLine {
    pub id: String,
    pub target: String,
    pub basis: String,
    pub handling: String,
    pub shared_at: String,
    pub expires: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "intel_view.html")]
struct ViewPage {
    ctx: Ctx,
    id: String,
    r: ReportView,
    shares: Vec<ShareLine>,
    can_edit: bool,
    can_share: bool,
    is_originator: bool,
    share_form: FormState,
    targets: Vec<super::admin::OptGroup>,
    history: Vec<HistoryRow>,
    links: Vec<String>,
}

pub struct ReportView {
    pub reference: String,
    pub title: String,
    pub body: String,
    pub reported_on: String,
    pub source: String,
    pub grade: String,
    pub grade_text: String,
    pub handling_conditions: String,
    pub tlp: String,
    pub tlp_class: String,
    pub tlp_text: String,
    pub classification: String,
    pub province: String,
    pub owner: String,
}

#[derive(Template)]
#[template(path = "request_access.html")]
pub(super) struct RequestPage {
    pub ctx: Ctx,
    pub id: String,
    pub reference: String,
    pub owner: String,
    pub form: FormState,
    pub pending: bool,
    /// The list this record belongs to, and its title key.
    pub back: &'static str,
    pub back_label: &'static str,
}

async fn target_label(s: &AppState, tr: &Tr, t: &ShareTarget) -> String {
    let lo = tr.lang == Language::Lo;
    let name = match t {
        ShareTarget::User(u) => s.app.store.user(*u).await.ok().flatten().map(|r| {
            format!(
                "{} ({})",
                r.user.display_name.as_str(),
                r.user.username.as_str()
            )
        }),
        ShareTarget::Unit(u) => s.app.store.unit(*u).await.ok().flatten().map(|u| {
            if lo {
                u.name_lo.as_str().to_owned()
            } else {
                u.name_en.as_str().to_owned()
            }
        }),
        ShareTarget::Organisation(o) => s
            .app
            .store
            .organisation(*o)
            .await
            .ok()
            .flatten()
            .map(|o| o.code.as_str().to_owned()),
        ShareTarget::Group(g) => s
            .app
            .store
            .sharing_group(*g)
            .await
            .ok()
            .flatten()
            .map(|g| g.code),
    };
    format!(
        "{}: {}",
        tr.t(&format!("target-{}", t.kind())),
        name.unwrap_or_else(|| t.id_string())
    )
}

pub(super) async fn share_lines(s: &AppState, tr: &Tr, shares: &[Share]) -> Vec<ShareLine> {
    let now = s.app.now();
    let mut out = Vec::new();
    for sh in shares {
        out.push(ShareLine {
            id: sh.id.to_string(),
            target: target_label(s, tr, &sh.target).await,
            basis: tr.t(&format!("basis-{}", sh.basis.as_str().replace('_', "-"))),
            handling: sh.handling.clone(),
            shared_at: tr.datetime(&sh.shared_at),
            expires: sh
                .expires_at
                .map(|e| tr.datetime(&e))
                .unwrap_or_else(|| tr.t("never")),
            active: sh.revoked_at.is_none() && sh.expires_at.is_none_or(|e| e > now),
        });
    }
    out
}

/// Recipients offered in the share form: users, units and organisations
/// of the installation, and sharing groups.
pub(super) async fn share_targets(
    s: &AppState,
    tr: &Tr,
) -> Result<Vec<super::admin::OptGroup>, AppError> {
    let lo = tr.lang == Language::Lo;
    let orgs = s.app.store.organisations().await?;
    let units = s.app.store.units(None).await?;
    let (users, _) = s
        .app
        .store
        .users(&dcis_store::UserFilter {
            limit: 5000,
            ..Default::default()
        })
        .await?;
    let groups = s.app.store.sharing_groups().await?;
    let opt = |v: String, l: String| Opt { value: v, label: l };
    Ok(vec![
        super::admin::OptGroup {
            label: tr.t("target-group"),
            options: groups
                .iter()
                .map(|g| {
                    opt(
                        format!("group:{}", g.id),
                        format!(
                            "{} — {}",
                            g.code,
                            if lo {
                                g.name_lo.as_str()
                            } else {
                                g.name_en.as_str()
                            }
                        ),
                    )
                })
                .collect(),
        },
        super::admin::OptGroup {
            label: tr.t("target-organisation"),
            options: orgs
                .iter()
                .map(|o| opt(format!("organisation:{}", o.id), o.code.as_str().to_owned()))
                .collect(),
        },
        super::admin::OptGroup {
            label: tr.t("target-unit"),
            options: units
                .iter()
                .map(|u| {
                    let org = orgs
                        .iter()
                        .find(|o| o.id == u.organisation)
                        .map(|o| o.code.as_str())
                        .unwrap_or("");
                    opt(
                        format!("unit:{}", u.id),
                        format!(
                            "{org} · {}",
                            if lo {
                                u.name_lo.as_str()
                            } else {
                                u.name_en.as_str()
                            }
                        ),
                    )
                })
                .collect(),
        },
        super::admin::OptGroup {
            label: tr.t("target-user"),
            options: users
                .iter()
                .map(|r| {
                    opt(
                        format!("user:{}", r.user.id),
                        format!(
                            "{} ({})",
                            r.user.display_name.as_str(),
                            r.user.username.as_str()
                        ),
                    )
                })
                .collect(),
        },
    ])
}

pub(super) async fn owner_label(
    s: &AppState,
    tr: &Tr,
    a: &dcis_domain::access::RecordAccess,
) -> String {
    let lo = tr.lang == Language::Lo;
    let org = s
        .app
        .store
        .organisation(a.owner_organisation)
        .await
        .ok()
        .flatten();
    let unit = s.app.store.unit(a.owner_unit).await.ok().flatten();
    format!(
        "{} · {}",
        org.map(|o| o.code.as_str().to_owned()).unwrap_or_default(),
        unit.map(|u| if lo {
            u.name_lo.as_str().to_owned()
        } else {
            u.name_en.as_str().to_owned()
        })
        .unwrap_or_default()
    )
}

pub(super) async fn view_page(
    s: &AppState,
    cu: &CurrentUser,
    id: RecordId,
    share_form: FormState,
    done: Option<&str>,
) -> Result<Response, PageError> {
    let a = &cu.auth.actor;
    let path = format!("/intelligence/{id}");
    let report = match s.app.intel_report(a, id, &path).await {
        Ok(r) => r,
        Err(AppError::Forbidden(Denied::RequestAccess)) => {
            return request_page(s, cu, id, FormState::default(), StatusCode::FORBIDDEN).await
        }
        Err(e) => return Err(e.into()),
    };
    let (_, decision, shares) = s.app.decision(a, id).await?;
    let tr = &cu.viewer.tr;
    let ctx = Ctx::for_user(cu, &path, "intelligence").with_flash(done);
    let history = history_rows(
        tr,
        &s.app
            .history(a, "intelligence_report", &id.to_string())
            .await?,
    );
    let r = ReportView {
        reference: report.reference.clone(),
        title: report.title.as_str().into(),
        body: report.body.as_str().into(),
        reported_on: dcis_store_date(report.reported_on),
        source: report.source.as_str().into(),
        grade: report.grade.to_string(),
        grade_text: format!(
            "{} · {} · {}",
            tr.t(&format!(
                "grade-source-{}",
                report.grade.source.as_str().to_lowercase()
            )),
            tr.t(&format!(
                "grade-info-{}",
                report.grade.information.as_str().to_lowercase()
            )),
            tr.t(&format!(
                "grade-handling-{}",
                report.grade.handling.as_str().to_lowercase()
            ))
        ),
        handling_conditions: report.handling_conditions.clone(),
        tlp: report.access.tlp.label().into(),
        tlp_class: tlp_class(report.access.tlp),
        tlp_text: tr.t(&format!("tlp-{}", tlp_class(report.access.tlp))),
        classification: tr.choice("clearance", report.access.classification.as_str()),
        province: report
            .access
            .province
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| tr.t("scope-national")),
        owner: owner_label(s, tr, &report.access).await,
    };
    let links = s
        .app
        .store
        .links_from(id)
        .await
        .map_err(AppError::from)?
        .iter()
        .map(|l| l.to_string())
        .collect();
    let page = ViewPage {
        id: id.to_string(),
        r,
        shares: share_lines(s, tr, &shares).await,
        can_edit: decision.edit,
        can_share: decision.share,
        is_originator: decision.originator,
        share_form,
        targets: if decision.share {
            share_targets(s, tr).await?
        } else {
            Vec::new()
        },
        history,
        links,
        ctx,
    };
    Ok(html(&page))
}

async fn request_page(
    s: &AppState,
    cu: &CurrentUser,
    id: RecordId,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let summary = s.app.intel_summary(&cu.auth.actor, id).await?;
    let access = summary.access.clone();
    let reference = summary.reference;
    let pending = s
        .app
        .store
        .access_requests_by(cu.auth.user.id)
        .await
        .map_err(AppError::from)?
        .iter()
        .any(|r| r.record == id && r.status == dcis_store::RequestStatus::Pending);
    let page = RequestPage {
        ctx: Ctx::for_user(cu, &format!("/intelligence/{id}"), "intelligence"),
        id: id.to_string(),
        reference,
        owner: owner_label(s, &cu.viewer.tr, &access).await,
        form,
        pending,
        back: "/intelligence",
        back_label: "intel-title",
    };
    let mut r = html(&page);
    *r.status_mut() = status;
    Ok(r)
}

async fn show(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    view_page(
        &s,
        &cu,
        parse_id(&id)?,
        FormState::default(),
        q.done.as_deref(),
    )
    .await
}

async fn edit_form(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let r = s
        .app
        .intel_report(&cu.auth.actor, id, &format!("/intelligence/{id}/edit"))
        .await?;
    let (_, d, _) = s.app.decision(&cu.auth.actor, id).await?;
    if !d.edit {
        return Err(AppError::from(Denied::NotOriginator).into());
    }
    let links = s.app.store.links_from(id).await.map_err(AppError::from)?;
    Ok(html(
        &form_page(
            &s,
            &cu,
            Some(&r),
            FormState::with_values(values(&r, &links)),
        )
        .await?,
    ))
}

async fn update(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    match s
        .app
        .update_intel_report(&cu.auth.actor, id, &input(&f))
        .await
    {
        Ok(r) => {
            Ok(Redirect::to(&format!("/intelligence/{}?done=flash-saved", r.id)).into_response())
        }
        Err(e) => {
            let r = s
                .app
                .intel_report(&cu.auth.actor, id, &format!("/intelligence/{id}/edit"))
                .await?;
            let p = form_page(&s, &cu, Some(&r), FormState::default()).await?;
            form_error(e, f, &cu.viewer.tr, FIELDS, move |form| {
                Ok(html(&FormPage { form, ..p }))
            })
        }
    }
}

async fn share(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let target = super::field(&f, "target");
    let (kind, tid) = target.split_once(':').unwrap_or(("", ""));
    let input = ShareInput {
        target_kind: kind.to_owned(),
        target_id: tid.to_owned(),
        handling: super::field(&f, "handling"),
        expires_in_days: super::field(&f, "expires_in_days"),
        basis: super::field(&f, "basis"),
    };
    match s.app.share_record(&cu.auth.actor, id, &input).await {
        Ok(_) => Ok(
            Redirect::to(&format!("{}?done=flash-shared", record_path(&s, id).await?))
                .into_response(),
        ),
        Err(AppError::Forbidden(d @ (Denied::TlpForbids | Denied::NotOriginator))) => {
            let mut form = FormState::with_values(f);
            form.errors
                .insert("target".into(), cu.viewer.tr.t(d.message_key()));
            let mut r = record_view(&s, &cu, id, form).await?;
            *r.status_mut() = StatusCode::FORBIDDEN;
            Ok(r)
        }
        Err(e) => {
            let (status, fields) = input_errors(e)?;
            let mut form = FormState::with_values(f);
            form.add_errors(
                &cu.viewer.tr,
                &fields,
                &["target", "handling", "expires_in_days", "basis"],
            );
            let mut r = record_view(&s, &cu, id, form).await?;
            *r.status_mut() = status;
            Ok(r)
        }
    }
}

/// Splits input errors (shown on the form) from every other error.
fn input_errors(e: AppError) -> Result<(StatusCode, dcis_domain::FieldErrors), AppError> {
    match e {
        AppError::Validation(x) => Ok((StatusCode::UNPROCESSABLE_ENTITY, x)),
        AppError::Conflict { field, key } => Ok((
            StatusCode::CONFLICT,
            dcis_domain::FieldError::new(field, key).into(),
        )),
        other => Err(other),
    }
}

async fn revoke(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let sid = sid.parse().map_err(|_| PageError::not_found())?;
    s.app.revoke_share(&cu.auth.actor, id, sid).await?;
    Ok(Redirect::to(&format!(
        "{}?done=flash-share-revoked",
        record_path(&s, id).await?
    ))
    .into_response())
}

async fn request_access(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    match s
        .app
        .request_access(&cu.auth.actor, id, &super::field(&f, "reason"))
        .await
    {
        Ok(_) => Ok(Redirect::to("/access-requests?done=flash-request-sent").into_response()),
        Err(e) => {
            let (status, fields) = input_errors(e)?;
            let mut form = FormState::with_values(f);
            form.add_errors(&cu.viewer.tr, &fields, &["reason"]);
            request_form_page(&s, &cu, id, form, status).await
        }
    }
}

/// `/records/{id}` leads to the record's own page, whatever its kind.
async fn open_record(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    // Only records the actor may at least know of are followed.
    let f = s.app.listable_filter(&cu.auth.actor).await?;
    s.app
        .store
        .record_visibility(&f, id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)?;
    Ok(Redirect::to(&record_path(&s, id).await?).into_response())
}

/// The page of a record, by its kind.
async fn record_path(s: &AppState, id: RecordId) -> Result<String, PageError> {
    let a = s
        .app
        .store
        .record_access(id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)?;
    Ok(match a.kind {
        RecordKind::Case => format!("/cases/{id}"),
        _ => format!("/intelligence/{id}"),
    })
}

/// Re-renders a record's page with the share form's errors.
async fn record_view(
    s: &AppState,
    cu: &CurrentUser,
    id: RecordId,
    form: FormState,
) -> Result<Response, PageError> {
    let a = s
        .app
        .store
        .record_access(id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)?;
    match a.kind {
        RecordKind::Case => {
            super::cases::view_page(s, cu, id, form, FormState::default(), None).await
        }
        _ => view_page(s, cu, id, form, None).await,
    }
}

/// The access-request page of a record, by its kind.
async fn request_form_page(
    s: &AppState,
    cu: &CurrentUser,
    id: RecordId,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = s
        .app
        .store
        .record_access(id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)?;
    match a.kind {
        RecordKind::Case => super::cases::request_page(s, cu, id, form, status).await,
        _ => request_page(s, cu, id, form, status).await,
    }
}

pub struct RequestLine {
    pub id: String,
    pub record: String,
    /// The record's reference, as far as the viewer may know it.
    pub reference: String,
    pub requester: String,
    pub reason: String,
    pub status: String,
    pub requested_at: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "access_requests.html")]
struct RequestsPage {
    ctx: Ctx,
    can_decide: bool,
    to_decide: Vec<RequestLine>,
    mine: Vec<RequestLine>,
}

/// The reference of a record the actor may at least know of.
async fn record_reference(s: &AppState, actor: &dcis_policy::Actor, id: RecordId) -> String {
    let Ok(Some(a)) = s.app.store.record_access(id).await else {
        return id.to_string();
    };
    let found = match a.kind {
        RecordKind::Case => s.app.case_listing(actor, id).await.ok().map(|(_, r, _)| r),
        _ => s
            .app
            .intel_summary(actor, id)
            .await
            .ok()
            .map(|x| x.reference),
    };
    found.unwrap_or_else(|| id.to_string())
}

async fn request_lines(
    s: &AppState,
    tr: &Tr,
    actor: &dcis_policy::Actor,
    list: Vec<dcis_store::AccessRequest>,
) -> Vec<RequestLine> {
    let mut out = Vec::new();
    for r in list {
        let requester = s
            .app
            .store
            .user(r.requester)
            .await
            .ok()
            .flatten()
            .map(|u| {
                format!(
                    "{} ({})",
                    u.user.display_name.as_str(),
                    u.user.username.as_str()
                )
            })
            .unwrap_or_default();
        out.push(RequestLine {
            id: r.id.to_string(),
            record: r.record.to_string(),
            reference: record_reference(s, actor, r.record).await,
            requester,
            reason: r.reason,
            status: tr.t(&format!("request-{}", r.status.as_str())),
            requested_at: tr.datetime(&r.requested_at),
            note: r.decision_note,
        });
    }
    out
}

async fn requests(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let ctx = Ctx::for_user(&cu, "/access-requests", "requests").with_flash(q.done.as_deref());
    let a = &cu.auth.actor;
    let to_decide = request_lines(&s, &ctx.tr, a, s.app.requests_to_decide(a).await?).await;
    let mine = request_lines(
        &s,
        &ctx.tr,
        a,
        s.app
            .store
            .access_requests_by(cu.auth.user.id)
            .await
            .map_err(AppError::from)?,
    )
    .await;
    Ok(html(&RequestsPage {
        can_decide: a.may(Permission::DecideAccessRequests),
        ctx,
        to_decide,
        mine,
    }))
}

async fn decide(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let rid = id.parse().map_err(|_| PageError::not_found())?;
    let grant = super::field(&f, "decision") == "grant";
    s.app
        .decide_access_request(
            &cu.auth.actor,
            rid,
            grant,
            &super::field(&f, "note"),
            &super::field(&f, "expires_in_days"),
        )
        .await?;
    let flash = if grant {
        "flash-request-granted"
    } else {
        "flash-request-refused"
    };
    Ok(Redirect::to(&format!("/access-requests?done={flash}")).into_response())
}

pub struct SourceLine {
    pub code: String,
    pub identity: String,
    pub notes: String,
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    ctx: Ctx,
    sources: Vec<SourceLine>,
    handler: bool,
    form: FormState,
}

async fn sources_page(
    s: &AppState,
    cu: &CurrentUser,
    form: FormState,
) -> Result<SourcesPage, AppError> {
    let ctx = Ctx::for_user(cu, "/sources", "sources");
    let sources = s
        .app
        .sources(&cu.auth.actor)
        .await?
        .into_iter()
        .map(|x| SourceLine {
            code: x.code.as_str().into(),
            identity: x.identity,
            notes: x.notes,
        })
        .collect();
    Ok(SourcesPage {
        handler: cu.auth.actor.may(Permission::HandleSources),
        ctx,
        sources,
        form,
    })
}

async fn sources(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ReadRecords)
        .map_err(AppError::from)?;
    let mut p = sources_page(&s, &cu, FormState::default()).await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn register_source(
    State(s): State<AppState>,
    cu: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    match s
        .app
        .register_source(
            &cu.auth.actor,
            &super::field(&f, "source_code"),
            &super::field(&f, "identity"),
            &super::field(&f, "notes"),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/sources?done=flash-saved").into_response()),
        Err(e) => {
            let p = sources_page(&s, &cu, FormState::default()).await?;
            let mut values = f;
            values.remove("identity");
            form_error(
                e,
                values,
                &cu.viewer.tr,
                &["source_code", "identity", "notes"],
                move |form| Ok(html(&SourcesPage { form, ..p })),
            )
        }
    }
}
