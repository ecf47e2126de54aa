//! Cases and seized items.

use super::admin::{form_error, Opt};
use super::intel::{owner_label, share_lines, share_targets, tlp_class, RequestPage, ShareLine};
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
use dcis_app::cases::{CaseForm, COUNT_AHEAD};
use dcis_app::AppError;
use dcis_domain::access::{RecordId, Tlp};
use dcis_domain::case::{
    CaseFields, CaseStatus, ConcealmentMethod, DetectionMethod, TransportMode,
};
use dcis_domain::ids::SeizureItemId;
use dcis_domain::money::Currency;
use dcis_domain::person::{
    CasePersonFields, DocumentFields, DocumentKind, OutcomeKind, PersonFields, PersonRole,
    SentenceKind, Sex,
};
use dcis_domain::role::{Clearance, Permission};
use dcis_domain::seizure::{DrugForm, PackagingKind, SeizureItemFields};
use dcis_domain::substance::Taxonomy;
use dcis_domain::user::Language;
use dcis_policy::Denied;
use dcis_store::{CaseFilter, ItemRecord};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list).post(create))
        .route("/cases/new", get(new_form))
        .route("/cases/{id}", get(show).post(update))
        .route("/cases/{id}/edit", get(edit_form))
        .route("/cases/{id}/items", post(add_item))
        .route("/cases/{id}/items/{item}", post(update_item))
        .route("/cases/{id}/items/{item}/edit", get(edit_item_form))
        .route("/cases/{id}/items/{item}/delete", post(remove_item))
        .route("/cases/{id}/persons", post(add_person))
        .route("/cases/{id}/persons/{person}/remove", post(remove_person))
        .route("/persons/{id}", get(show_person))
        .route("/cases/{id}/objects", post(add_object))
        .route("/cases/{id}/objects/{object}/remove", post(remove_object))
}

pub struct CaseLine {
    pub id: String,
    pub reference: String,
    pub occurred_on: String,
    pub province: String,
    pub agency: String,
    pub status: String,
    pub substance: String,
    pub tlp: String,
    pub tlp_class: String,
    pub readable: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    ctx: Ctx,
    q: HashMap<String, String>,
    cases: Vec<CaseLine>,
    pager: Pager,
    can_create: bool,
    can_import: bool,
    /// May export the list (CSV, XLSX).
    can_export: bool,
    provinces: Vec<Opt>,
    statuses: Vec<Opt>,
    substances: Vec<Opt>,
}

impl ListPage {
    fn v(&self, k: &str) -> &str {
        self.q.get(k).map(String::as_str).unwrap_or("")
    }
}

fn opts<T: Copy>(tr: &Tr, prefix: &str, all: &[T], value: impl Fn(T) -> &'static str) -> Vec<Opt> {
    all.iter()
        .map(|x| Opt {
            value: value(*x).to_owned(),
            label: tr.choice(prefix, value(*x)),
        })
        .collect()
}

async fn province_opts(
    s: &AppState,
    tr: &Tr,
    only_scope: Option<&dcis_policy::Actor>,
) -> Result<Vec<Opt>, AppError> {
    let lo = tr.lang == Language::Lo;
    Ok(s.app
        .store
        .provinces()
        .await?
        .into_iter()
        .filter(|(p, _)| only_scope.is_none_or(|a| a.scope.covers(p.code)))
        .map(|(p, _)| Opt {
            value: p.code.as_str().into(),
            label: format!(
                "{} {}",
                p.code.as_str(),
                if lo { &p.name_lo } else { &p.name_en }
            ),
        })
        .collect())
}

/// The substances of the taxonomy for a picker: the name in the reader's
/// language and the code.
fn substance_opts(tr: &Tr) -> Vec<Opt> {
    Taxonomy::global()
        .all()
        .iter()
        .map(|x| Opt {
            value: x.code().to_owned(),
            label: format!("{} — {}", tr.substance(x.code()), x.code()),
        })
        .collect()
}

async fn list(
    State(s): State<AppState>,
    cu: CurrentUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let a = &cu.auth.actor;
    a.require(Permission::ReadRecords).map_err(AppError::from)?;
    let ctx = Ctx::for_user(&cu, "/cases", "cases").with_flash(q.get("done").map(String::as_str));
    let page = crate::page_number(q.get("page").and_then(|p| p.parse::<i64>().ok()));
    let get = |k: &str| q.get(k).cloned().filter(|v| !v.trim().is_empty());
    let filter = CaseFilter {
        from: get("from"),
        to: get("to"),
        province: get("province"),
        agency: None,
        status: get("status"),
        substance: get("substance"),
        text: get("q"),
        limit: Pager::SIZE,
        offset: Pager::offset(page),
        count_up_to: Some(Pager::offset(page) + Pager::SIZE + COUNT_AHEAD),
        ..Default::default()
    };
    let (rows, total) = s.app.cases(a, &filter).await?;
    let orgs = s.app.store.organisations().await.map_err(AppError::from)?;
    let cases = rows
        .into_iter()
        .map(|r| CaseLine {
            id: r.access.record.to_string(),
            reference: r.reference,
            occurred_on: r.occurred_on,
            province: r
                .access
                .province
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            agency: orgs
                .iter()
                .find(|o| o.id == r.agency)
                .map(|o| o.code.as_str().to_owned())
                .unwrap_or_default(),
            status: r
                .status
                .map(|x| ctx.tr.choice("status", &x))
                .unwrap_or_default(),
            substance: r
                .substances
                .map(|x| ctx.tr.substance(&x))
                .unwrap_or_default(),
            tlp: r.access.tlp.label().into(),
            tlp_class: tlp_class(r.access.tlp),
            readable: r.readable,
        })
        .collect();
    let keep: Vec<(String, String)> = ["from", "to", "province", "status", "substance", "q"]
        .iter()
        .filter_map(|k| q.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    let pager = Pager::counted(page, total, |p| {
        let qs: Vec<String> = keep
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        format!("/cases?{}&page={p}", qs.join("&"))
    });
    let page = ListPage {
        can_create: a.may(Permission::CreateRecords),
        can_import: a.may(Permission::ImportRecords),
        can_export: a.may(Permission::ExportRecords),
        provinces: province_opts(&s, &ctx.tr, None).await?,
        statuses: opts(&ctx.tr, "status", CaseStatus::ALL, |x| x.as_str()),
        substances: substance_opts(&ctx.tr),
        ctx,
        q,
        cases,
        pager,
    };
    Ok(html(&page))
}

#[derive(Template)]
#[template(path = "case_form.html")]
struct FormPage {
    ctx: Ctx,
    id: Option<String>,
    reference: String,
    form: FormState,
    provinces: Vec<Opt>,
    crossings: Vec<Opt>,
    detections: Vec<Opt>,
    transports: Vec<Opt>,
    concealments: Vec<Opt>,
    statuses: Vec<Opt>,
    clearances: Vec<Opt>,
    tlps: Vec<Opt>,
}

const CASE_FIELDS: &[&str] = &[
    "reference",
    "occurred_on",
    "occurred_time",
    "province",
    "district",
    "border_crossing",
    "latitude",
    "longitude",
    "operation_name",
    "detection_method",
    "transport_mode",
    "concealment_method",
    "origin_country",
    "origin_province",
    "destination_country",
    "destination_province",
    "status",
    "narrative",
    "classification",
    "tlp",
];

async fn form_page(
    s: &AppState,
    cu: &CurrentUser,
    id: Option<(RecordId, &str)>,
    form: FormState,
) -> Result<FormPage, AppError> {
    let here = id
        .map(|(i, _)| format!("/cases/{i}/edit"))
        .unwrap_or_else(|| "/cases/new".into());
    let ctx = Ctx::for_user(cu, &here, "cases");
    let tr = &ctx.tr;
    let lo = tr.lang == Language::Lo;
    let crossings = s
        .app
        .store
        .border_crossings()
        .await?
        .into_iter()
        .map(|b| Opt {
            value: b.id.to_string(),
            label: format!(
                "{} ({})",
                if lo {
                    b.name_lo.as_str()
                } else {
                    b.name_en.as_str()
                },
                b.province.as_str()
            ),
        })
        .collect();
    Ok(FormPage {
        id: id.map(|(i, _)| i.to_string()),
        reference: id.map(|(_, r)| r.to_owned()).unwrap_or_default(),
        provinces: province_opts(s, tr, Some(&cu.auth.actor)).await?,
        crossings,
        detections: opts(tr, "detection", DetectionMethod::ALL, |x| x.as_str()),
        transports: opts(tr, "transport", TransportMode::ALL, |x| x.as_str()),
        concealments: opts(tr, "concealment", ConcealmentMethod::ALL, |x| x.as_str()),
        statuses: opts(tr, "status", CaseStatus::ALL, |x| x.as_str()),
        clearances: Clearance::ALL
            .iter()
            .filter(|c| **c <= cu.auth.actor.clearance)
            .map(|c| Opt {
                value: c.as_str().into(),
                label: tr.choice("clearance", c.as_str()),
            })
            .collect(),
        tlps: Tlp::ALL
            .iter()
            .map(|t| Opt {
                value: t.label().into(),
                label: format!(
                    "{} — {}",
                    t.label(),
                    tr.t(&format!("tlp-{}", tlp_class(*t)))
                ),
            })
            .collect(),
        ctx,
        form,
    })
}

fn case_form(f: &HashMap<String, String>) -> CaseForm {
    let g = |k: &str| super::field(f, k);
    CaseForm {
        fields: CaseFields {
            reference: g("reference"),
            occurred_on: g("occurred_on"),
            occurred_time: g("occurred_time"),
            province: g("province"),
            district: g("district"),
            village: None,
            border_crossing: g("border_crossing").parse().ok(),
            latitude: g("latitude"),
            longitude: g("longitude"),
            operation_name: g("operation_name"),
            detection_method: g("detection_method"),
            transport_mode: g("transport_mode"),
            concealment_method: g("concealment_method"),
            origin_country: g("origin_country"),
            origin_province: g("origin_province"),
            destination_country: g("destination_country"),
            destination_province: g("destination_province"),
            status: g("status"),
            narrative: g("narrative"),
        },
        classification: g("classification"),
        tlp: g("tlp"),
    }
}

fn case_values(c: &dcis_store::CaseRecord) -> HashMap<String, String> {
    let f = &c.fields;
    HashMap::from([
        ("reference".into(), f.reference.clone()),
        ("occurred_on".into(), f.occurred_on.clone()),
        ("occurred_time".into(), f.occurred_time.clone()),
        ("province".into(), f.province.clone()),
        ("district".into(), f.district.clone()),
        (
            "border_crossing".into(),
            f.border_crossing.map(|b| b.to_string()).unwrap_or_default(),
        ),
        ("latitude".into(), f.latitude.clone()),
        ("longitude".into(), f.longitude.clone()),
        ("operation_name".into(), f.operation_name.clone()),
        ("detection_method".into(), f.detection_method.clone()),
        ("transport_mode".into(), f.transport_mode.clone()),
        ("concealment_method".into(), f.concealment_method.clone()),
        ("origin_country".into(), f.origin_country.clone()),
        ("origin_province".into(), f.origin_province.clone()),
        ("destination_country".into(), f.destination_country.clone()),
        (
            "destination_province".into(),
            f.destination_province.clone(),
        ),
        ("status".into(), f.status.clone()),
        ("narrative".into(), f.narrative.clone()),
        (
            "classification".into(),
            c.access.classification.as_str().into(),
        ),
        ("tlp".into(), c.access.tlp.label().into()),
    ])
}

async fn new_form(State(s): State<AppState>, cu: CurrentUser) -> Result<Response, PageError> {
    cu.auth
        .actor
        .require(Permission::CreateRecords)
        .map_err(AppError::from)?;
    let mut form = FormState::default();
    let f = time::macros::format_description!("[year]-[month]-[day]");
    form.values.insert(
        "occurred_on".into(),
        s.app.local_now().date().format(f).unwrap_or_default(),
    );
    form.values.insert(
        "classification".into(),
        dcis_app::cases::DEFAULT_CLASSIFICATION.into(),
    );
    form.values
        .insert("tlp".into(), dcis_app::cases::DEFAULT_TLP.into());
    form.values.insert("status".into(), "open".into());
    if let dcis_domain::role::GeoScope::Provinces(set) = &cu.auth.actor.scope {
        if let Some(p) = set.iter().next() {
            form.values.insert("province".into(), p.as_str().into());
        }
    }
    Ok(html(&form_page(&s, &cu, None, form).await?))
}

async fn create(
    State(s): State<AppState>,
    cu: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    match s.app.create_case(&cu.auth.actor, &case_form(&f), &[]).await {
        Ok((c, _)) => {
            Ok(Redirect::to(&format!("/cases/{}?done=flash-case-created", c.id)).into_response())
        }
        Err(e) => {
            let p = form_page(&s, &cu, None, FormState::default()).await?;
            form_error(e, f, &cu.viewer.tr, CASE_FIELDS, move |form| {
                Ok(html(&FormPage { form, ..p }))
            })
        }
    }
}

pub struct ItemLine {
    pub id: String,
    pub substance: String,
    pub form: String,
    pub quantity: String,
    pub normalised: String,
    pub count: String,
    pub logo: String,
    pub packaging: String,
    pub purity: String,
    pub price: String,
}

#[derive(Template)]
#[template(path = "case_view.html")]
struct ViewPage {
    ctx: Ctx,
    id: String,
    c: CaseView,
    items: Vec<ItemLine>,
    can_edit: bool,
    item_form: FormState,
    substances: Vec<Opt>,
    drug_forms: Vec<Opt>,
    packagings: Vec<Opt>,
    currencies: Vec<Opt>,
    shares: Vec<ShareLine>,
    can_share: bool,
    is_originator: bool,
    share_form: FormState,
    targets: Vec<super::admin::OptGroup>,
    history: Vec<HistoryRow>,
    people: Vec<PersonLine>,
    person_form: FormState,
    objects: Vec<(String, String, String)>,
    object_form: FormState,
    object_kinds: Vec<Opt>,
    asset_kinds: Vec<Opt>,
    roles: Vec<Opt>,
    outcomes: Vec<Opt>,
    sexes: Vec<Opt>,
    doc_kinds: Vec<Opt>,
    sentence_kinds: Vec<Opt>,
}

/// A person as the case page lists them.
pub struct PersonLine {
    pub id: String,
    pub name: String,
    pub latin_name: String,
    pub details: String,
    pub role: String,
    pub outcome: String,
}

pub struct CaseView {
    pub reference: String,
    pub occurred: String,
    pub place: String,
    pub owner: String,
    pub status: String,
    pub operation_name: String,
    pub detection: String,
    pub transport: String,
    pub concealment: String,
    pub route: String,
    pub narrative: String,
    pub tlp: String,
    pub tlp_class: String,
    pub classification: String,
}

/// Grams shown with the fewest digits that keep the value exact.
fn grams(micrograms: i64) -> String {
    let d = dcis_domain::decimal::Decimal::from_parts(u64::try_from(micrograms).unwrap_or(0), 6)
        .map(|d| d.trimmed());
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn item_lines(tr: &Tr, items: &[ItemRecord]) -> Vec<ItemLine> {
    items
        .iter()
        .map(|i| {
            let f = &i.fields;
            let name = tr.substance(&f.substance);
            let mut normalised = Vec::new();
            if let Some(m) = i.measures.micrograms {
                normalised.push(format!(
                    "{} g{}",
                    grams(m),
                    if i.measures.mass_derived { " *" } else { "" }
                ));
            }
            if let Some(v) = i.measures.microlitres {
                normalised.push(format!("{} ml", grams(v)));
            }
            ItemLine {
                id: i.id.to_string(),
                substance: name,
                form: if f.form.is_empty() {
                    String::new()
                } else {
                    tr.choice("form", &f.form)
                },
                quantity: format!("{} {}", f.quantity, f.unit),
                normalised: normalised.join(" · "),
                count: i.measures.count.map(|c| c.to_string()).unwrap_or_default(),
                logo: f.tablet_logo.clone(),
                packaging: [
                    if f.packaging_kind.is_empty() {
                        String::new()
                    } else {
                        tr.choice("packaging", &f.packaging_kind)
                    },
                    f.packaging_brand.clone(),
                ]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
                purity: if f.purity.is_empty() {
                    String::new()
                } else {
                    format!("{} % ({})", f.purity.trim_end_matches('%'), f.lab_reference)
                },
                price: if f.price.is_empty() {
                    String::new()
                } else {
                    format!(
                        "{} {}{}",
                        f.price,
                        f.price_currency,
                        if f.price_per.is_empty() {
                            String::new()
                        } else {
                            format!(" / {}", f.price_per)
                        }
                    )
                },
            }
        })
        .collect()
}

fn parse_id(id: &str) -> Result<RecordId, PageError> {
    id.parse().map_err(|_| PageError::not_found())
}

pub(super) async fn view_page(
    s: &AppState,
    cu: &CurrentUser,
    id: RecordId,
    share_form: FormState,
    item_form: FormState,
    done: Option<&str>,
) -> Result<Response, PageError> {
    view_page_with(
        s,
        cu,
        id,
        share_form,
        item_form,
        FormState::default(),
        FormState::default(),
        done,
    )
    .await
}

fn person_lines(
    tr: &Tr,
    people: &[(dcis_store::PersonRecord, dcis_store::CasePersonRecord)],
) -> Vec<PersonLine> {
    people
        .iter()
        .map(|(p, l)| {
            let f = &p.fields;
            let mut details = Vec::new();
            if !f.sex.is_empty() && f.sex != "unknown" {
                details.push(tr.choice("sex", &f.sex));
            }
            if !f.age.is_empty() {
                details.push(tr.t1("person-age", "age", &f.age));
            }
            if !f.birth_date.is_empty() {
                details.push(f.birth_date.clone());
            }
            if !f.nationality.is_empty() {
                details.push(f.nationality.clone());
            }
            for d in &f.documents {
                details.push(format!(
                    "{} {} ({})",
                    tr.choice("document", &d.kind),
                    d.number,
                    d.issuing_country
                ));
            }
            let mut outcome = if l.part.outcome.is_empty() {
                String::new()
            } else {
                tr.choice("outcome", &l.part.outcome)
            };
            if !l.part.sentence_kind.is_empty() {
                outcome.push_str(&format!(
                    " · {}",
                    tr.choice("sentence", &l.part.sentence_kind)
                ));
                if !l.part.sentence_months.is_empty() {
                    outcome.push_str(&format!(
                        " {}",
                        tr.t1("person-months", "months", &l.part.sentence_months)
                    ));
                }
            }
            PersonLine {
                id: p.id.to_string(),
                name: f.name.clone(),
                latin_name: f.latin_name.clone(),
                details: details.join(" · "),
                role: tr.choice("person-role", &l.part.role),
                outcome,
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn view_page_with(
    s: &AppState,
    cu: &CurrentUser,
    id: RecordId,
    share_form: FormState,
    item_form: FormState,
    person_form: FormState,
    object_form: FormState,
    done: Option<&str>,
) -> Result<Response, PageError> {
    let a = &cu.auth.actor;
    let path = format!("/cases/{id}");
    let (c, items) = match s.app.case(a, id, &path).await {
        Ok(x) => x,
        Err(AppError::Forbidden(Denied::RequestAccess)) => {
            return request_page(s, cu, id, FormState::default(), StatusCode::FORBIDDEN).await
        }
        Err(e) => return Err(e.into()),
    };
    let (_, decision, shares) = s.app.decision(a, id).await?;
    let ctx = Ctx::for_user(cu, &path, "cases").with_flash(done);
    let tr = ctx.tr.clone();
    let lo = tr.lang == Language::Lo;
    let f = &c.fields;
    let province = s
        .app
        .store
        .provinces()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .find(|(p, _)| p.code.as_str() == f.province)
        .map(|(p, _)| if lo { p.name_lo } else { p.name_en })
        .unwrap_or_else(|| f.province.clone());
    let choice = |prefix: &str, v: &str| {
        if v.is_empty() {
            String::new()
        } else {
            tr.choice(prefix, v)
        }
    };
    let end = |country: &str, prov: &str| {
        [country, prov]
            .iter()
            .filter(|x| !x.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let view = CaseView {
        reference: f.reference.clone(),
        occurred: format!("{} {}", f.occurred_on, f.occurred_time)
            .trim()
            .to_owned(),
        place: [province, f.district.clone()]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        owner: owner_label(s, &tr, &c.access).await,
        status: choice("status", &f.status),
        operation_name: f.operation_name.clone(),
        detection: choice("detection", &f.detection_method),
        transport: choice("transport", &f.transport_mode),
        concealment: choice("concealment", &f.concealment_method),
        route: format!(
            "{} → {}",
            end(&f.origin_country, &f.origin_province),
            end(&f.destination_country, &f.destination_province)
        ),
        narrative: f.narrative.clone(),
        tlp: c.access.tlp.label().into(),
        tlp_class: tlp_class(c.access.tlp),
        classification: tr.choice("clearance", c.access.classification.as_str()),
    };
    let people = s.app.case_people(a, id).await?;
    let objects = s
        .app
        .case_objects(a, id)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.id.to_string(),
                tr.choice("object", o.kind.as_str()),
                o.label,
            )
        })
        .collect();
    let page = ViewPage {
        objects,
        object_form,
        object_kinds: opts(&tr, "object", dcis_domain::objects::ObjectKind::ALL, |x| {
            x.as_str()
        }),
        asset_kinds: opts(&tr, "asset", dcis_domain::contact::AssetKind::ALL, |x| {
            x.as_str()
        }),
        people: person_lines(&tr, &people),
        person_form,
        roles: opts(&tr, "person-role", PersonRole::ALL, |x| x.as_str()),
        outcomes: opts(&tr, "outcome", OutcomeKind::ALL, |x| x.as_str()),
        sexes: opts(&tr, "sex", Sex::ALL, |x| x.as_str()),
        doc_kinds: opts(&tr, "document", DocumentKind::ALL, |x| x.as_str()),
        sentence_kinds: opts(&tr, "sentence", SentenceKind::ALL, |x| x.as_str()),
        id: id.to_string(),
        c: view,
        items: item_lines(&tr, &items),
        can_edit: decision.edit,
        item_form,
        substances: substance_opts(&tr),
        drug_forms: opts(&tr, "form", DrugForm::ALL, |x| x.as_str()),
        packagings: opts(&tr, "packaging", PackagingKind::ALL, |x| x.as_str()),
        currencies: currency_opts(),
        shares: share_lines(s, &tr, &shares).await,
        can_share: decision.share,
        is_originator: decision.originator,
        share_form,
        targets: if decision.share {
            share_targets(s, &tr).await?
        } else {
            Vec::new()
        },
        history: history_rows(&tr, &s.app.history(a, "case", &id.to_string()).await?),
        ctx,
    };
    Ok(html(&page))
}

pub(super) async fn request_page(
    s: &AppState,
    cu: &CurrentUser,
    id: RecordId,
    form: FormState,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (access, reference, _) = s.app.case_listing(&cu.auth.actor, id).await?;
    let pending = s
        .app
        .store
        .access_requests_by(cu.auth.user.id)
        .await
        .map_err(AppError::from)?
        .iter()
        .any(|r| r.record == id && r.status == dcis_store::RequestStatus::Pending);
    let page = RequestPage {
        ctx: Ctx::for_user(cu, &format!("/cases/{id}"), "cases"),
        id: id.to_string(),
        reference,
        owner: owner_label(s, &cu.viewer.tr, &access).await,
        form,
        pending,
        back: "/cases",
        back_label: "cases-title",
    };
    let mut r = html(&page);
    *r.status_mut() = status;
    Ok(r)
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    done: Option<String>,
}

async fn show(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    view_page(
        &s,
        &cu,
        parse_id(&id)?,
        FormState::default(),
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
    let (c, _) = s
        .app
        .case(&cu.auth.actor, id, &format!("/cases/{id}/edit"))
        .await?;
    let (_, d, _) = s.app.decision(&cu.auth.actor, id).await?;
    if !d.edit {
        return Err(AppError::from(Denied::NotOriginator).into());
    }
    Ok(html(
        &form_page(
            &s,
            &cu,
            Some((id, &c.fields.reference)),
            FormState::with_values(case_values(&c)),
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
    match s.app.update_case(&cu.auth.actor, id, &case_form(&f)).await {
        Ok(c) => Ok(Redirect::to(&format!("/cases/{}?done=flash-saved", c.id)).into_response()),
        Err(e) => {
            let (c, _) = s
                .app
                .case(&cu.auth.actor, id, &format!("/cases/{id}/edit"))
                .await?;
            let p = form_page(
                &s,
                &cu,
                Some((id, &c.fields.reference)),
                FormState::default(),
            )
            .await?;
            form_error(e, f, &cu.viewer.tr, CASE_FIELDS, move |form| {
                Ok(html(&FormPage { form, ..p }))
            })
        }
    }
}

const ITEM_FIELDS: &[&str] = &[
    "substance",
    "form",
    "quantity",
    "unit",
    "tablet_count",
    "unit_weight_mg",
    "purity",
    "lab_reference",
    "tablet_logo",
    "packaging_kind",
    "packaging_brand",
    "price",
    "price_currency",
    "price_per",
];

pub fn item_fields(f: &HashMap<String, String>) -> SeizureItemFields {
    let g = |k: &str| super::field(f, k);
    SeizureItemFields {
        substance: g("substance"),
        form: g("form"),
        quantity: g("quantity"),
        unit: g("unit"),
        tablet_count: g("tablet_count"),
        unit_weight_mg: g("unit_weight_mg"),
        purity: g("purity"),
        lab_reference: g("lab_reference"),
        tablet_logo: g("tablet_logo"),
        packaging_kind: g("packaging_kind"),
        packaging_brand: g("packaging_brand"),
        price: g("price"),
        price_currency: g("price_currency"),
        price_per: g("price_per"),
    }
}

async fn item_error(
    s: &AppState,
    cu: &CurrentUser,
    id: RecordId,
    e: AppError,
    f: HashMap<String, String>,
) -> Result<Response, PageError> {
    let (status, fields) = match e {
        AppError::Validation(x) => (StatusCode::UNPROCESSABLE_ENTITY, x),
        other => return Err(other.into()),
    };
    let mut form = FormState::with_values(f);
    form.add_errors(&cu.viewer.tr, &fields, ITEM_FIELDS);
    let mut r = view_page(s, cu, id, FormState::default(), form, None).await?;
    *r.status_mut() = status;
    Ok(r)
}

async fn add_item(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    match s.app.add_item(&cu.auth.actor, id, &item_fields(&f)).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/cases/{id}?done=flash-item-added#items")).into_response())
        }
        Err(e) => item_error(&s, &cu, id, e, f).await,
    }
}

async fn update_item(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path((id, item)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let item: SeizureItemId = item.parse().map_err(|_| PageError::not_found())?;
    match s
        .app
        .update_item(&cu.auth.actor, id, item, &item_fields(&f))
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/cases/{id}?done=flash-item-saved#items")).into_response())
        }
        Err(AppError::Validation(fields)) => {
            // The case is read again only for its reference in the title;
            // the item's own values are the ones the user just sent.
            let (c, _) = s
                .app
                .case(
                    &cu.auth.actor,
                    id,
                    &format!("/cases/{id}/items/{item}/edit"),
                )
                .await?;
            let mut form = FormState::with_values(f);
            form.add_errors(&cu.viewer.tr, &fields, ITEM_FIELDS);
            let mut r = html(&item_edit_page(&cu, id, item, &c.fields.reference, form));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// The form to change one seized item of a case.
#[derive(Template)]
#[template(path = "item_edit.html")]
struct ItemEditPage {
    ctx: Ctx,
    id: String,
    item: String,
    reference: String,
    form: FormState,
    substances: Vec<Opt>,
    drug_forms: Vec<Opt>,
    packagings: Vec<Opt>,
    currencies: Vec<Opt>,
}

fn item_edit_page(
    cu: &CurrentUser,
    id: RecordId,
    item: SeizureItemId,
    reference: &str,
    form: FormState,
) -> ItemEditPage {
    let ctx = Ctx::for_user(cu, &format!("/cases/{id}/items/{item}/edit"), "cases");
    let tr = &ctx.tr;
    ItemEditPage {
        id: id.to_string(),
        item: item.to_string(),
        reference: reference.to_owned(),
        form,
        substances: substance_opts(tr),
        drug_forms: opts(tr, "form", DrugForm::ALL, |x| x.as_str()),
        packagings: opts(tr, "packaging", PackagingKind::ALL, |x| x.as_str()),
        currencies: currency_opts(),
        ctx,
    }
}

fn currency_opts() -> Vec<Opt> {
    Currency::ALL
        .iter()
        .map(|x| Opt {
            value: x.as_str().into(),
            label: x.as_str().into(),
        })
        .collect()
}

/// An item's stored fields as the form's values.
fn item_values(f: &SeizureItemFields) -> HashMap<String, String> {
    HashMap::from([
        ("substance".into(), f.substance.clone()),
        ("form".into(), f.form.clone()),
        ("quantity".into(), f.quantity.clone()),
        ("unit".into(), f.unit.clone()),
        ("tablet_count".into(), f.tablet_count.clone()),
        ("unit_weight_mg".into(), f.unit_weight_mg.clone()),
        ("purity".into(), f.purity.clone()),
        ("lab_reference".into(), f.lab_reference.clone()),
        ("tablet_logo".into(), f.tablet_logo.clone()),
        ("packaging_kind".into(), f.packaging_kind.clone()),
        ("packaging_brand".into(), f.packaging_brand.clone()),
        ("price".into(), f.price.clone()),
        ("price_currency".into(), f.price_currency.clone()),
        ("price_per".into(), f.price_per.clone()),
    ])
}

/// Shown only to those who may edit the case, as the case page decides
/// whether to show the add and remove buttons.
async fn edit_item_form(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path((id, item)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let item: SeizureItemId = item.parse().map_err(|_| PageError::not_found())?;
    let (c, items) = s
        .app
        .case(
            &cu.auth.actor,
            id,
            &format!("/cases/{id}/items/{item}/edit"),
        )
        .await?;
    let (_, d, _) = s.app.decision(&cu.auth.actor, id).await?;
    if !d.edit {
        return Err(AppError::from(Denied::NotOriginator).into());
    }
    let found = items
        .iter()
        .find(|i| i.id == item)
        .ok_or_else(PageError::not_found)?;
    Ok(html(&item_edit_page(
        &cu,
        id,
        item,
        &c.fields.reference,
        FormState::with_values(item_values(&found.fields)),
    )))
}

async fn remove_item(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path((id, item)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let item: SeizureItemId = item.parse().map_err(|_| PageError::not_found())?;
    s.app.remove_item(&cu.auth.actor, id, item).await?;
    Ok(Redirect::to(&format!("/cases/{id}?done=flash-item-removed#items")).into_response())
}

const PERSON_FIELDS: &[&str] = &[
    "name",
    "latin_name",
    "alias",
    "sex",
    "birth_date",
    "age",
    "nationality",
    "document_kind",
    "document_number",
    "issuing_country",
    "role",
    "outcome",
    "sentence_kind",
    "sentence_months",
    "fine",
    "fine_currency",
];

/// The person form: one alias, one document (the API takes lists).
pub fn person_fields(f: &HashMap<String, String>) -> (PersonFields, CasePersonFields) {
    let g = |k: &str| super::field(f, k);
    let person = PersonFields {
        name: g("name"),
        latin_name: g("latin_name"),
        aliases: vec![g("alias")],
        sex: g("sex"),
        birth_date: g("birth_date"),
        age: g("age"),
        nationality: g("nationality"),
        documents: vec![DocumentFields {
            kind: g("document_kind"),
            number: g("document_number"),
            issuing_country: g("issuing_country"),
        }],
        addresses: Vec::new(),
    };
    let part = CasePersonFields {
        role: g("role"),
        outcome: g("outcome"),
        sentence_kind: g("sentence_kind"),
        sentence_months: g("sentence_months"),
        fine: g("fine"),
        fine_currency: g("fine_currency"),
    };
    (person, part)
}

async fn add_person(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let (person, part) = person_fields(&f);
    match s
        .app
        .add_person_to_case(&cu.auth.actor, id, &person, &part)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/cases/{id}?done=flash-person-added#people")).into_response(),
        ),
        Err(AppError::Validation(x)) => {
            let mut form = FormState::with_values(f);
            // Document errors carry the document's field names.
            form.add_errors(&cu.viewer.tr, &x, PERSON_FIELDS);
            let mut r = view_page_with(
                &s,
                &cu,
                id,
                FormState::default(),
                FormState::default(),
                form,
                FormState::default(),
                None,
            )
            .await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove_person(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path((id, person)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let person = parse_id(&person)?;
    s.app.remove_case_person(&cu.auth.actor, id, person).await?;
    Ok(Redirect::to(&format!("/cases/{id}?done=flash-person-removed#people")).into_response())
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    ctx: Ctx,
    name: String,
    latin_name: String,
    aliases: String,
    details: Vec<(String, String)>,
    cases: Vec<(String, String, String, String)>,
    history: Vec<HistoryRow>,
}

async fn show_person(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let (p, cases) = s
        .app
        .person(&cu.auth.actor, id, &format!("/persons/{id}"))
        .await?;
    let ctx = Ctx::for_user(&cu, &format!("/persons/{id}"), "cases");
    let tr = ctx.tr.clone();
    let f = &p.fields;
    let mut details = vec![(
        tr.t("field-sex"),
        if f.sex.is_empty() {
            String::new()
        } else {
            tr.choice("sex", &f.sex)
        },
    )];
    if !f.birth_date.is_empty() {
        details.push((tr.t("field-birth-date"), f.birth_date.clone()));
    }
    if !f.age.is_empty() {
        details.push((tr.t("field-age"), format!("{} ({})", f.age, p.age_as_of)));
    }
    if !f.nationality.is_empty() {
        details.push((tr.t("field-nationality"), f.nationality.clone()));
    }
    for d in &f.documents {
        details.push((
            tr.choice("document", &d.kind),
            format!("{} ({})", d.number, d.issuing_country),
        ));
    }
    for a in &f.addresses {
        details.push((
            tr.t("field-address"),
            [
                a.text.as_str(),
                a.district.as_str(),
                a.province.as_str(),
                a.country.as_str(),
            ]
            .iter()
            .filter(|x| !x.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
        ));
    }
    let cases = cases
        .into_iter()
        .map(|(cid, reference, date, link)| {
            (
                cid.to_string(),
                reference,
                date,
                tr.choice("person-role", &link.part.role),
            )
        })
        .collect();
    let page = PersonPage {
        name: f.name.clone(),
        latin_name: f.latin_name.clone(),
        aliases: f.aliases.join(", "),
        details,
        cases,
        history: history_rows(
            &tr,
            &s.app
                .history(&cu.auth.actor, "person", &id.to_string())
                .await?,
        ),
        ctx,
    };
    Ok(html(&page))
}

async fn add_object(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let kind = super::field(&f, "kind");
    let allowed = dcis_domain::objects::ObjectKind::parse(&kind)
        .map(dcis_domain::objects::fields_of)
        .unwrap_or(&[]);
    // The form shows every kind's fields; only the chosen kind's are sent on.
    let fields: std::collections::BTreeMap<String, String> = f
        .iter()
        .filter(|(k, v)| allowed.contains(&k.as_str()) && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    match s
        .app
        .add_object(&cu.auth.actor, id, &kind, &fields, None)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/cases/{id}?done=flash-object-added#objects")).into_response(),
        ),
        Err(AppError::Validation(x)) => {
            let mut form = FormState::with_values(f);
            // Every error is listed above the object form, naming its field.
            form.add_errors(&cu.viewer.tr, &x, &[]);
            let mut r = view_page_with(
                &s,
                &cu,
                id,
                FormState::default(),
                FormState::default(),
                FormState::default(),
                form,
                None,
            )
            .await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

async fn remove_object(
    State(s): State<AppState>,
    cu: CurrentUser,
    Path((id, object)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let object = object.parse().map_err(|_| PageError::not_found())?;
    s.app.remove_object(&cu.auth.actor, id, object).await?;
    Ok(Redirect::to(&format!("/cases/{id}?done=flash-object-removed#objects")).into_response())
}
