//! The geography: provinces, districts, villages, border crossings.

use super::admin::{form_error, Opt};
use super::{html, Ctx};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::i18n::FormState;
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use dcis_app::geo::{BorderCrossingInput, VillageInput};
use dcis_app::AppError;
use dcis_domain::geo::{BorderType, DistrictCode, ProvinceCode};
use dcis_domain::role::Permission;
use dcis_domain::user::Language;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/geography", get(provinces))
        .route("/geography/provinces/{code}", get(province))
        .route(
            "/geography/districts/{code}",
            get(district).post(add_village),
        )
        .route(
            "/geography/border-crossings",
            get(crossings).post(add_crossing),
        )
}

pub struct PlaceLine {
    pub code: String,
    pub iso: String,
    pub name_en: String,
    pub name_lo: String,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "geography.html")]
struct ProvincesPage {
    ctx: Ctx,
    provinces: Vec<PlaceLine>,
}

#[derive(Template)]
#[template(path = "province.html")]
struct ProvincePage {
    ctx: Ctx,
    province: PlaceLine,
    districts: Vec<PlaceLine>,
}

pub struct VillageLine {
    pub name_en: String,
    pub name_lo: String,
    pub coordinates: String,
}

#[derive(Template)]
#[template(path = "district.html")]
struct DistrictPage {
    ctx: Ctx,
    province: PlaceLine,
    district: PlaceLine,
    villages: Vec<VillageLine>,
    can_manage: bool,
    form: FormState,
}

pub struct CrossingLine {
    pub name_en: String,
    pub name_lo: String,
    pub province: String,
    pub district: String,
    pub counterpart: String,
    pub border_type: String,
    pub has_blo: bool,
    pub notes: String,
}

#[derive(Template)]
#[template(path = "crossings.html")]
struct CrossingsPage {
    ctx: Ctx,
    crossings: Vec<CrossingLine>,
    can_manage: bool,
    form: FormState,
    provinces: Vec<Opt>,
    types: Vec<Opt>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn provinces(State(state): State<AppState>, cu: CurrentUser) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let ctx = Ctx::for_user(&cu, "/geography", "geography");
    let provinces = state
        .app
        .store
        .provinces()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(p, n)| PlaceLine {
            code: p.code.as_str().into(),
            iso: p.iso_code.as_str().into(),
            name_en: p.name_en,
            name_lo: p.name_lo,
            count: n,
        })
        .collect();
    Ok(html(&ProvincesPage { ctx, provinces }))
}

async fn load_province(state: &AppState, code: &str) -> Result<PlaceLine, PageError> {
    let code = ProvinceCode::parse(code).map_err(|_| PageError::not_found())?;
    let p = state
        .app
        .store
        .province(code)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)?;
    Ok(PlaceLine {
        code: p.code.as_str().into(),
        iso: p.iso_code.as_str().into(),
        name_en: p.name_en,
        name_lo: p.name_lo,
        count: 0,
    })
}

async fn province(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let province = load_province(&state, &code).await?;
    let ctx = Ctx::for_user(
        &cu,
        &format!("/geography/provinces/{}", province.code),
        "geography",
    );
    let pc = ProvinceCode::parse(&province.code).map_err(|_| PageError::not_found())?;
    let mut districts = Vec::new();
    for d in state
        .app
        .store
        .districts(pc)
        .await
        .map_err(AppError::from)?
    {
        let villages = state
            .app
            .store
            .villages(d.code)
            .await
            .map_err(AppError::from)?
            .len();
        districts.push(PlaceLine {
            code: d.code.as_str().into(),
            iso: String::new(),
            name_en: d.name_en,
            name_lo: d.name_lo,
            count: i64::try_from(villages).unwrap_or(0),
        });
    }
    Ok(html(&ProvincePage {
        ctx,
        province,
        districts,
    }))
}

async fn district_page(
    state: &AppState,
    cu: &CurrentUser,
    code: &str,
    form: FormState,
) -> Result<DistrictPage, PageError> {
    cu.auth
        .actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    let dc = DistrictCode::parse(code).map_err(|_| PageError::not_found())?;
    let d = state
        .app
        .store
        .district(dc)
        .await
        .map_err(AppError::from)?
        .ok_or_else(PageError::not_found)?;
    let province = load_province(state, dc.province().as_str()).await?;
    let villages = state
        .app
        .store
        .villages(dc)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|v| VillageLine {
            name_en: v.name_en.as_str().into(),
            name_lo: v.name_lo.as_str().into(),
            coordinates: v
                .coordinates
                .map(|c| format!("{:.4}, {:.4}", c.lat(), c.lon()))
                .unwrap_or_default(),
        })
        .collect();
    let ctx = Ctx::for_user(cu, &format!("/geography/districts/{}", d.code), "geography");
    Ok(DistrictPage {
        can_manage: cu.auth.actor.may(Permission::ManageGeography)
            && cu.auth.actor.scope.covers(dc.province()),
        ctx,
        province,
        district: PlaceLine {
            code: d.code.as_str().into(),
            iso: String::new(),
            name_en: d.name_en,
            name_lo: d.name_lo,
            count: 0,
        },
        villages,
        form,
    })
}

async fn district(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let mut p = district_page(&state, &cu, &code, FormState::default()).await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn add_village(
    State(state): State<AppState>,
    cu: CurrentUser,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let input = VillageInput {
        district: code.clone(),
        name_en: super::field(&f, "name_en"),
        name_lo: super::field(&f, "name_lo"),
        latitude: super::field(&f, "latitude"),
        longitude: super::field(&f, "longitude"),
    };
    match state.app.add_village(&cu.auth.actor, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/geography/districts/{code}?done=flash-village-added"
        ))
        .into_response()),
        Err(e) => {
            let p = district_page(&state, &cu, &code, FormState::default()).await?;
            form_error(
                e,
                f,
                &cu.viewer.tr,
                &["name_en", "name_lo", "latitude", "longitude"],
                move |form| Ok(html(&DistrictPage { form, ..p })),
            )
        }
    }
}

async fn crossings_page(
    state: &AppState,
    cu: &CurrentUser,
    form: FormState,
) -> Result<CrossingsPage, AppError> {
    cu.auth.actor.require(Permission::ViewGeography)?;
    let ctx = Ctx::for_user(cu, "/geography/border-crossings", "crossings");
    let lo = ctx.tr.lang == Language::Lo;
    let provinces = state.app.store.provinces().await?;
    let name_of = |code: ProvinceCode| {
        provinces
            .iter()
            .find(|(p, _)| p.code == code)
            .map(|(p, _)| {
                if lo {
                    p.name_lo.clone()
                } else {
                    p.name_en.clone()
                }
            })
            .unwrap_or_default()
    };
    let crossings = state
        .app
        .store
        .border_crossings()
        .await?
        .into_iter()
        .map(|b| CrossingLine {
            name_en: b.name_en.as_str().into(),
            name_lo: b.name_lo.as_str().into(),
            province: name_of(b.province),
            district: b
                .district
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            counterpart: format!("{} {}", b.counterpart_country.as_str(), b.counterpart_name),
            border_type: ctx.tr.choice("border", b.border_type.as_str()),
            has_blo: b.has_blo,
            notes: b.notes,
        })
        .collect();
    let province_opts = provinces
        .iter()
        .map(|(p, _)| Opt {
            value: p.code.as_str().into(),
            label: format!(
                "{} {}",
                p.code.as_str(),
                if lo { &p.name_lo } else { &p.name_en }
            ),
        })
        .collect();
    let types = BorderType::ALL
        .iter()
        .map(|t| Opt {
            value: t.as_str().into(),
            label: ctx.tr.choice("border", t.as_str()),
        })
        .collect();
    Ok(CrossingsPage {
        can_manage: cu.auth.actor.may(Permission::ManageGeography),
        ctx,
        crossings,
        form,
        provinces: province_opts,
        types,
    })
}

async fn crossings(
    State(state): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let mut p = crossings_page(&state, &cu, FormState::default()).await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn add_crossing(
    State(state): State<AppState>,
    cu: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let input = BorderCrossingInput {
        name_en: super::field(&f, "name_en"),
        name_lo: super::field(&f, "name_lo"),
        province: super::field(&f, "province"),
        district: super::field(&f, "district"),
        counterpart_country: super::field(&f, "counterpart_country"),
        counterpart_name: super::field(&f, "counterpart_name"),
        border_type: super::field(&f, "border_type"),
        has_blo: f.contains_key("has_blo"),
        latitude: super::field(&f, "latitude"),
        longitude: super::field(&f, "longitude"),
        notes: super::field(&f, "notes"),
    };
    match state
        .app
        .add_border_crossing(Some(&cu.auth.actor), &input)
        .await
    {
        Ok(_) => Ok(
            Redirect::to("/geography/border-crossings?done=flash-crossing-added").into_response(),
        ),
        Err(e) => {
            let p = crossings_page(&state, &cu, FormState::default()).await?;
            form_error(
                e,
                f,
                &cu.viewer.tr,
                &[
                    "name_en",
                    "name_lo",
                    "province",
                    "district",
                    "counterpart_country",
                    "counterpart_name",
                    "border_type",
                    "latitude",
                    "longitude",
                ],
                move |form| Ok(html(&CrossingsPage { form, ..p })),
            )
        }
    }
}
