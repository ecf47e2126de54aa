//! Organisations and units.

use super::admin::{form_error, Opt};
use super::{history_rows, html, Ctx, HistoryRow};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::i18n::FormState;
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dcis_app::orgs::{OrganisationInput, UnitInput};
use dcis_app::AppError;
use dcis_domain::ids::{OrganisationId, UnitId};
use dcis_domain::org::{Organisation, OrganisationKind, Unit};
use dcis_domain::role::Permission;
use dcis_domain::user::Language;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/organisations", get(list).post(create))
        .route("/admin/organisations/{id}", get(show).post(update))
        .route("/admin/organisations/{id}/units", post(create_unit))
        .route("/admin/units/{id}", get(show_unit).post(update_unit))
}

pub struct OrgLine {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub province: String,
    pub units: usize,
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrgsPage {
    ctx: Ctx,
    organisations: Vec<OrgLine>,
    form: FormState,
    kinds: Vec<Opt>,
    provinces: Vec<Opt>,
}

pub struct UnitLine {
    pub id: String,
    pub name_en: String,
    pub name_lo: String,
    pub place: String,
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrgPage {
    ctx: Ctx,
    id: String,
    code: String,
    form: FormState,
    unit_form: FormState,
    kinds: Vec<Opt>,
    provinces: Vec<Opt>,
    units: Vec<UnitLine>,
    history: Vec<HistoryRow>,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    ctx: Ctx,
    id: String,
    organisation_id: String,
    organisation: String,
    form: FormState,
    provinces: Vec<Opt>,
    history: Vec<HistoryRow>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn province_opts(state: &AppState, lang: Language) -> Result<Vec<Opt>, AppError> {
    Ok(state
        .app
        .store
        .provinces()
        .await?
        .into_iter()
        .map(|(p, _)| Opt {
            value: p.code.as_str().into(),
            label: format!(
                "{} {}",
                p.code.as_str(),
                if lang == Language::Lo {
                    &p.name_lo
                } else {
                    &p.name_en
                }
            ),
        })
        .collect())
}

fn kind_opts(ctx: &Ctx) -> Vec<Opt> {
    OrganisationKind::ALL
        .iter()
        .map(|k| Opt {
            value: k.as_str().into(),
            label: ctx.tr.choice("kind", k.as_str()),
        })
        .collect()
}

const ORG_FIELDS: &[&str] = &["code", "kind", "name_en", "name_lo", "province"];
const UNIT_FIELDS: &[&str] = &["name_en", "name_lo", "province", "district", "organisation"];

fn org_input(f: &HashMap<String, String>) -> OrganisationInput {
    OrganisationInput {
        code: super::field(f, "code"),
        kind: super::field(f, "kind"),
        name_en: super::field(f, "name_en"),
        name_lo: super::field(f, "name_lo"),
        province: super::field(f, "province"),
    }
}

fn org_values(o: &Organisation) -> HashMap<String, String> {
    HashMap::from([
        ("code".into(), o.code.as_str().into()),
        ("kind".into(), o.kind.as_str().into()),
        ("name_en".into(), o.name_en.as_str().into()),
        ("name_lo".into(), o.name_lo.as_str().into()),
        (
            "province".into(),
            o.province
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        ),
    ])
}

fn unit_values(u: &Unit) -> HashMap<String, String> {
    HashMap::from([
        ("name_en".into(), u.name_en.as_str().into()),
        ("name_lo".into(), u.name_lo.as_str().into()),
        (
            "province".into(),
            u.province
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "district".into(),
            u.district
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        ),
    ])
}

async fn list_page(
    state: &AppState,
    cu: &CurrentUser,
    form: FormState,
) -> Result<OrgsPage, AppError> {
    cu.auth.actor.require(Permission::ManageOrganisations)?;
    let ctx = Ctx::for_user(cu, "/admin/organisations", "organisations");
    let lo = ctx.tr.lang == Language::Lo;
    let units = state.app.store.units(None).await?;
    let organisations = state
        .app
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| OrgLine {
            id: o.id.to_string(),
            code: o.code.as_str().into(),
            name: if lo {
                o.name_lo.as_str().into()
            } else {
                o.name_en.as_str().into()
            },
            kind: ctx.tr.choice("kind", o.kind.as_str()),
            province: o
                .province
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| ctx.tr.t("scope-national")),
            units: units.iter().filter(|u| u.organisation == o.id).count(),
        })
        .collect();
    Ok(OrgsPage {
        kinds: kind_opts(&ctx),
        provinces: province_opts(state, ctx.tr.lang).await?,
        ctx,
        organisations,
        form,
    })
}

async fn list(
    State(state): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let mut p = list_page(&state, &cu, FormState::default()).await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn create(
    State(state): State<AppState>,
    cu: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    match state
        .app
        .create_organisation(Some(&cu.auth.actor), &org_input(&f))
        .await
    {
        Ok(o) => Ok(
            Redirect::to(&format!("/admin/organisations/{}?done=flash-saved", o.id))
                .into_response(),
        ),
        Err(e) => {
            let p = list_page(&state, &cu, FormState::default()).await?;
            form_error(e, f, &cu.viewer.tr, ORG_FIELDS, move |form| {
                Ok(html(&OrgsPage { form, ..p }))
            })
        }
    }
}

async fn org_page(
    state: &AppState,
    cu: &CurrentUser,
    o: &Organisation,
    form: FormState,
    unit_form: FormState,
) -> Result<OrgPage, AppError> {
    cu.auth.actor.require(Permission::ManageOrganisations)?;
    let ctx = Ctx::for_user(
        cu,
        &format!("/admin/organisations/{}", o.id),
        "organisations",
    );
    let units = state
        .app
        .store
        .units(Some(o.id))
        .await?
        .into_iter()
        .map(|u| UnitLine {
            id: u.id.to_string(),
            name_en: u.name_en.as_str().into(),
            name_lo: u.name_lo.as_str().into(),
            place: u
                .district
                .map(|d| d.as_str().to_owned())
                .or(u.province.map(|p| p.as_str().to_owned()))
                .unwrap_or_default(),
        })
        .collect();
    let history = history_rows(
        &ctx.tr,
        &state
            .app
            .store
            .audit_history("organisation", &o.id.to_string())
            .await?,
    );
    Ok(OrgPage {
        id: o.id.to_string(),
        code: o.code.as_str().into(),
        kinds: kind_opts(&ctx),
        provinces: province_opts(state, ctx.tr.lang).await?,
        ctx,
        form,
        unit_form,
        units,
        history,
    })
}

async fn load_org(state: &AppState, id: &str) -> Result<Organisation, PageError> {
    let id: OrganisationId = id.parse().map_err(|_| PageError::not_found())?;
    state
        .app
        .store
        .organisation(id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)
}

async fn show(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ManageOrganisations)
        .map_err(AppError::from)?;
    let o = load_org(&state, &id).await?;
    let mut p = org_page(
        &state,
        &cu,
        &o,
        FormState::with_values(org_values(&o)),
        FormState::default(),
    )
    .await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn update(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ManageOrganisations)
        .map_err(AppError::from)?;
    let o = load_org(&state, &id).await?;
    match state
        .app
        .update_organisation(&cu.auth.actor, o.id, &org_input(&f))
        .await
    {
        Ok(o) => Ok(
            Redirect::to(&format!("/admin/organisations/{}?done=flash-saved", o.id))
                .into_response(),
        ),
        Err(e) => {
            let p = org_page(&state, &cu, &o, FormState::default(), FormState::default()).await?;
            form_error(e, f, &cu.viewer.tr, ORG_FIELDS, move |form| {
                Ok(html(&OrgPage { form, ..p }))
            })
        }
    }
}

async fn create_unit(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ManageOrganisations)
        .map_err(AppError::from)?;
    let o = load_org(&state, &id).await?;
    let input = UnitInput {
        organisation: o.id.to_string(),
        name_en: super::field(&f, "name_en"),
        name_lo: super::field(&f, "name_lo"),
        province: super::field(&f, "province"),
        district: super::field(&f, "district"),
    };
    match state.app.create_unit(Some(&cu.auth.actor), &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/organisations/{}?done=flash-unit-created",
            o.id
        ))
        .into_response()),
        Err(e) => {
            let p = org_page(
                &state,
                &cu,
                &o,
                FormState::with_values(org_values(&o)),
                FormState::default(),
            )
            .await?;
            form_error(e, f, &cu.viewer.tr, UNIT_FIELDS, move |form| {
                Ok(html(&OrgPage {
                    unit_form: form,
                    ..p
                }))
            })
        }
    }
}

async fn unit_page(
    state: &AppState,
    cu: &CurrentUser,
    u: &Unit,
    form: FormState,
) -> Result<UnitPage, AppError> {
    cu.auth.actor.require(Permission::ManageOrganisations)?;
    let ctx = Ctx::for_user(cu, &format!("/admin/units/{}", u.id), "organisations");
    let org = state
        .app
        .store
        .organisation(u.organisation)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = history_rows(
        &ctx.tr,
        &state
            .app
            .store
            .audit_history("unit", &u.id.to_string())
            .await?,
    );
    Ok(UnitPage {
        id: u.id.to_string(),
        organisation_id: org.id.to_string(),
        organisation: format!(
            "{} — {}",
            org.code.as_str(),
            if ctx.tr.lang == Language::Lo {
                org.name_lo.as_str()
            } else {
                org.name_en.as_str()
            }
        ),
        provinces: province_opts(state, ctx.tr.lang).await?,
        ctx,
        form,
        history,
    })
}

async fn load_unit(state: &AppState, id: &str) -> Result<Unit, PageError> {
    let id: UnitId = id.parse().map_err(|_| PageError::not_found())?;
    state
        .app
        .store
        .unit(id)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)
}

async fn show_unit(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ManageOrganisations)
        .map_err(AppError::from)?;
    let u = load_unit(&state, &id).await?;
    let mut p = unit_page(&state, &cu, &u, FormState::with_values(unit_values(&u))).await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn update_unit(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ManageOrganisations)
        .map_err(AppError::from)?;
    let u = load_unit(&state, &id).await?;
    let input = UnitInput {
        organisation: u.organisation.to_string(),
        name_en: super::field(&f, "name_en"),
        name_lo: super::field(&f, "name_lo"),
        province: super::field(&f, "province"),
        district: super::field(&f, "district"),
    };
    match state.app.update_unit(&cu.auth.actor, u.id, &input).await {
        Ok(u) => {
            Ok(Redirect::to(&format!("/admin/units/{}?done=flash-saved", u.id)).into_response())
        }
        Err(e) => {
            let p = unit_page(&state, &cu, &u, FormState::default()).await?;
            form_error(e, f, &cu.viewer.tr, UNIT_FIELDS, move |form| {
                Ok(html(&UnitPage { form, ..p }))
            })
        }
    }
}
