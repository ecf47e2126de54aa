//! Administration → Geography → boundary files for maps: upload a GeoJSON
//! file of district (or province) boundaries (`docs/analysis.md`, "Maps").
//! The use case is `dcis_app::App::load_boundaries`, as for `dcis geo
//! boundaries load`.

use super::{html, Ctx};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use dcis_app::AppError;
use dcis_domain::role::Permission;

/// The largest boundary file (a simplified district layer is a few MB).
const UPLOAD_LIMIT: usize = 32 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/geography/boundaries",
        get(page)
            .post(upload)
            .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
    )
}

#[derive(Template)]
#[template(path = "boundaries.html")]
struct BoundariesPage {
    ctx: Ctx,
    counts: String,
    can_manage: bool,
    done: Option<String>,
    errors: Vec<String>,
}

async fn render(
    s: &AppState,
    cu: &CurrentUser,
    done: Option<String>,
    errors: Vec<String>,
) -> Result<Response, PageError> {
    let ctx = Ctx::for_user(cu, "/geography/boundaries", "geography");
    let (p, d) = s
        .app
        .store
        .boundary_counts()
        .await
        .map_err(AppError::from)?;
    let counts = ctx.tr.message(
        "boundary-loaded-count",
        &[("provinces", &p.to_string()), ("districts", &d.to_string())],
    );
    let mut r = html(&BoundariesPage {
        can_manage: cu.auth.actor.may(Permission::ManageGeography),
        ctx,
        counts,
        done,
        errors: errors.clone(),
    });
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn page(State(s): State<AppState>, cu: CurrentUser) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ViewGeography)
        .map_err(AppError::from)?;
    render(&s, &cu, None, Vec::new()).await
}

async fn upload(
    State(s): State<AppState>,
    cu: CurrentUser,
    mut form: Multipart,
) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::ManageGeography)
        .map_err(AppError::from)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.geojson").to_owned();
            if let Ok(b) = field.bytes().await {
                file = Some((name, b.to_vec()));
            }
        }
    }
    let tr = &cu.viewer.tr;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let msg = tr.t("err-boundary-no-features");
        return render(&s, &cu, None, vec![msg]).await;
    };
    let lines = |e: &dcis_domain::FieldErrors| -> Vec<String> {
        e.0.iter()
            .map(|e| {
                let a: Vec<(&str, &str)> = e.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                tr.message(e.key, &a)
            })
            .collect()
    };
    match s.app.load_boundaries(&cu.auth.actor, &name, &bytes).await {
        Ok(Ok(done)) => {
            let msg = tr.message(
                "boundary-loaded",
                &[
                    ("provinces", &done.provinces.to_string()),
                    ("districts", &done.districts.to_string()),
                ],
            );
            render(&s, &cu, Some(msg), Vec::new()).await
        }
        Ok(Err(problems)) => {
            let errors = lines(&dcis_app::maps::problems_as_errors(&problems));
            render(&s, &cu, None, errors).await
        }
        Err(AppError::Validation(e)) => render(&s, &cu, None, lines(&e)).await,
        Err(e) => Err(e.into()),
    }
}
