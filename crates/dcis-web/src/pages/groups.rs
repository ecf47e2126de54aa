//! Sharing groups: joint operations, border networks, regional partners.

use super::admin::{form_error, Opt, OptGroup};
use super::{html, Ctx};
use crate::auth::CurrentUser;
use crate::error::PageError;
use crate::i18n::FormState;
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use dcis_app::access::SharingGroupInput;
use dcis_app::AppError;
use dcis_domain::access::{ShareTarget, SharingGroupId};
use dcis_domain::role::Permission;
use dcis_domain::user::Language;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/sharing-groups", get(list).post(create))
        .route("/admin/sharing-groups/{id}", get(show))
        .route("/admin/sharing-groups/{id}/members", post(add_member))
        .route(
            "/admin/sharing-groups/{id}/members/remove",
            post(remove_member),
        )
}

pub struct GroupLine {
    pub id: String,
    pub code: String,
    pub name: String,
    pub description: String,
    pub members: usize,
}

#[derive(Template)]
#[template(path = "groups.html")]
struct GroupsPage {
    ctx: Ctx,
    groups: Vec<GroupLine>,
    form: FormState,
}

pub struct MemberLine {
    pub kind: String,
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    ctx: Ctx,
    id: String,
    code: String,
    name: String,
    description: String,
    members: Vec<MemberLine>,
    candidates: Vec<OptGroup>,
    form: FormState,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn list_page(
    s: &AppState,
    cu: &CurrentUser,
    form: FormState,
) -> Result<GroupsPage, AppError> {
    cu.auth.actor.require(Permission::ManageSharingGroups)?;
    let ctx = Ctx::for_user(cu, "/admin/sharing-groups", "groups");
    let lo = ctx.tr.lang == Language::Lo;
    let mut groups = Vec::new();
    for g in s.app.store.sharing_groups().await? {
        groups.push(GroupLine {
            id: g.id.to_string(),
            members: s.app.store.group_members(g.id).await?.len(),
            code: g.code,
            name: if lo {
                g.name_lo.as_str().into()
            } else {
                g.name_en.as_str().into()
            },
            description: g.description,
        });
    }
    Ok(GroupsPage { ctx, groups, form })
}

async fn list(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let mut p = list_page(&s, &cu, FormState::default()).await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn create(
    State(s): State<AppState>,
    cu: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let input = SharingGroupInput {
        code: super::field(&f, "code"),
        name_en: super::field(&f, "name_en"),
        name_lo: super::field(&f, "name_lo"),
        description: super::field(&f, "description"),
    };
    match s.app.create_sharing_group(&cu.auth.actor, &input).await {
        Ok(g) => Ok(
            Redirect::to(&format!("/admin/sharing-groups/{}?done=flash-saved", g.id))
                .into_response(),
        ),
        Err(e) => {
            let p = list_page(&s, &cu, FormState::default()).await?;
            form_error(
                e,
                f,
                &cu.viewer.tr,
                &["code", "name_en", "name_lo", "description"],
                move |form| Ok(html(&GroupsPage { form, ..p })),
            )
        }
    }
}

async fn group_page(
    s: &AppState,
    cu: &CurrentUser,
    id: SharingGroupId,
    form: FormState,
) -> Result<GroupPage, AppError> {
    cu.auth.actor.require(Permission::ManageSharingGroups)?;
    let g = s
        .app
        .store
        .sharing_group(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = Ctx::for_user(cu, &format!("/admin/sharing-groups/{id}"), "groups");
    let lo = ctx.tr.lang == Language::Lo;
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
    let label = |t: &ShareTarget| -> String {
        match t {
            ShareTarget::Organisation(o) => orgs
                .iter()
                .find(|x| x.id == *o)
                .map(|x| x.code.as_str().to_owned()),
            ShareTarget::Unit(u) => units.iter().find(|x| x.id == *u).map(|x| {
                if lo {
                    x.name_lo.as_str().to_owned()
                } else {
                    x.name_en.as_str().to_owned()
                }
            }),
            ShareTarget::User(u) => users
                .iter()
                .find(|x| x.user.id == *u)
                .map(|x| x.user.username.as_str().to_owned()),
            ShareTarget::Group(_) => None,
        }
        .unwrap_or_else(|| t.id_string())
    };
    let members = s
        .app
        .store
        .group_members(id)
        .await?
        .iter()
        .map(|m| MemberLine {
            kind: ctx.tr.t(&format!("target-{}", m.kind())),
            id: format!("{}:{}", m.kind(), m.id_string()),
            label: label(m),
        })
        .collect();
    let candidates = vec![
        OptGroup {
            label: ctx.tr.t("target-organisation"),
            options: orgs
                .iter()
                .map(|o| Opt {
                    value: format!("organisation:{}", o.id),
                    label: o.code.as_str().into(),
                })
                .collect(),
        },
        OptGroup {
            label: ctx.tr.t("target-unit"),
            options: units
                .iter()
                .map(|u| Opt {
                    value: format!("unit:{}", u.id),
                    label: label(&ShareTarget::Unit(u.id)),
                })
                .collect(),
        },
        OptGroup {
            label: ctx.tr.t("target-user"),
            options: users
                .iter()
                .map(|u| Opt {
                    value: format!("user:{}", u.user.id),
                    label: format!(
                        "{} ({})",
                        u.user.display_name.as_str(),
                        u.user.username.as_str()
                    ),
                })
                .collect(),
        },
    ];
    Ok(GroupPage {
        id: id.to_string(),
        code: g.code,
        name: if lo {
            g.name_lo.as_str().into()
        } else {
            g.name_en.as_str().into()
        },
        description: g.description,
        members,
        candidates,
        ctx,
        form,
    })
}

fn parse_id(id: &str) -> Result<SharingGroupId, PageError> {
    id.parse().map_err(|_| PageError::not_found())
}

async fn show(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let mut p = group_page(&s, &cu, parse_id(&id)?, FormState::default()).await?;
    p.ctx = p.ctx.with_flash(q.done.as_deref());
    Ok(html(&p))
}

async fn set_member(
    s: AppState,
    cu: CurrentUser,
    id: String,
    f: HashMap<String, String>,
    member: bool,
) -> Result<Response, PageError> {
    let gid = parse_id(&id)?;
    let m = super::field(&f, "member");
    let (kind, mid) = m.split_once(':').unwrap_or(("", ""));
    match s
        .app
        .set_group_member(&cu.auth.actor, gid, kind, mid, member)
        .await
    {
        Ok(()) => {
            let flash = if member {
                "flash-member-added"
            } else {
                "flash-member-removed"
            };
            Ok(Redirect::to(&format!("/admin/sharing-groups/{gid}?done={flash}")).into_response())
        }
        Err(e) => {
            let p = group_page(&s, &cu, gid, FormState::default()).await?;
            form_error(e, f, &cu.viewer.tr, &["member"], move |form| {
                Ok(html(&GroupPage { form, ..p }))
            })
        }
    }
}

async fn add_member(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    set_member(s, cu, id, f, true).await
}

async fn remove_member(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    set_member(s, cu, id, f, false).await
}
