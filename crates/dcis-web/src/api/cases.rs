//! API for cases and seized items.

use super::{Body, Caller};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use dcis_app::cases::CaseForm;
use dcis_app::AppError;
use dcis_domain::access::RecordId;
use dcis_domain::case::CaseFields;
use dcis_domain::ids::SeizureItemId;
use dcis_domain::seizure::SeizureItemFields;
use dcis_store::{CaseFilter, CaseRecord, ItemRecord};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list).post(create))
        .route("/cases/{id}", get(read).put(update))
        .route("/cases/{id}/items", get(items).post(add_item))
        .route(
            "/cases/{id}/items/{item}",
            put(update_item).delete(remove_item),
        )
        .route("/cases/{id}/persons", get(people).post(add_person))
        .route(
            "/cases/{id}/persons/{person}",
            put(update_person).delete(remove_person),
        )
        .route("/persons/{id}", get(person))
        .route("/cases/{id}/objects", get(objects).post(add_object))
        .route(
            "/cases/{id}/objects/{object}",
            axum::routing::delete(remove_object),
        )
}

type ApiResult = Result<Response, ApiError>;

fn rid(s: &str) -> Result<RecordId, ApiError> {
    s.parse().map_err(|_| ApiError::from(AppError::NotFound))
}

/// A case on the wire. Empty strings stand for "not given".
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct CaseBody {
    reference: String,
    occurred_on: String,
    occurred_time: String,
    province: String,
    district: String,
    village: Option<String>,
    border_crossing: Option<String>,
    latitude: String,
    longitude: String,
    operation_name: String,
    detection_method: String,
    transport_mode: String,
    concealment_method: String,
    origin_country: String,
    origin_province: String,
    destination_country: String,
    destination_province: String,
    status: String,
    narrative: String,
    classification: String,
    tlp: String,
    /// Only on creation: the seized items, all stored or none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    items: Vec<ItemBody>,
}

/// A seized item on the wire, as entered.
#[derive(Serialize, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields, default)]
struct ItemBody {
    substance: String,
    form: String,
    quantity: String,
    unit: String,
    tablet_count: String,
    unit_weight_mg: String,
    purity: String,
    lab_reference: String,
    tablet_logo: String,
    packaging_kind: String,
    packaging_brand: String,
    price: String,
    price_currency: String,
    price_per: String,
}

impl From<ItemBody> for SeizureItemFields {
    fn from(b: ItemBody) -> Self {
        SeizureItemFields {
            substance: b.substance,
            form: b.form,
            quantity: b.quantity,
            unit: b.unit,
            tablet_count: b.tablet_count,
            unit_weight_mg: b.unit_weight_mg,
            purity: b.purity,
            lab_reference: b.lab_reference,
            tablet_logo: b.tablet_logo,
            packaging_kind: b.packaging_kind,
            packaging_brand: b.packaging_brand,
            price: b.price,
            price_currency: b.price_currency,
            price_per: b.price_per,
        }
    }
}

/// An optional id field: empty is "not given", anything else must parse.
fn id_field<T: std::str::FromStr>(
    v: &Option<String>,
    field: &'static str,
) -> Result<Option<T>, ApiError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            ApiError::from(AppError::from(
                dcis_domain::FieldError::new(field, "err-choice").with("value", s),
            ))
        }),
    }
}

fn form(b: &CaseBody) -> Result<CaseForm, ApiError> {
    Ok(CaseForm {
        fields: CaseFields {
            reference: b.reference.clone(),
            occurred_on: b.occurred_on.clone(),
            occurred_time: b.occurred_time.clone(),
            province: b.province.clone(),
            district: b.district.clone(),
            village: id_field(&b.village, "village")?,
            border_crossing: id_field(&b.border_crossing, "border_crossing")?,
            latitude: b.latitude.clone(),
            longitude: b.longitude.clone(),
            operation_name: b.operation_name.clone(),
            detection_method: b.detection_method.clone(),
            transport_mode: b.transport_mode.clone(),
            concealment_method: b.concealment_method.clone(),
            origin_country: b.origin_country.clone(),
            origin_province: b.origin_province.clone(),
            destination_country: b.destination_country.clone(),
            destination_province: b.destination_province.clone(),
            status: b.status.clone(),
            narrative: b.narrative.clone(),
        },
        classification: b.classification.clone(),
        tlp: b.tlp.clone(),
    })
}

#[derive(Serialize)]
struct ItemOut {
    id: String,
    position: i64,
    #[serde(flatten)]
    fields: SeizureItemFields,
    /// Normalised measures: grams, millilitres, counts, hectares (strings,
    /// exact decimals).
    grams: Option<String>,
    grams_derived_from_count: bool,
    millilitres: Option<String>,
    count: Option<i64>,
    hectares: Option<String>,
}

fn scaled(v: Option<i64>, places: u8) -> Option<String> {
    v.and_then(|x| u64::try_from(x).ok())
        .and_then(|x| dcis_domain::decimal::Decimal::from_parts(x, places))
        .map(|d| d.trimmed().to_string())
}

fn item_out(i: &ItemRecord) -> ItemOut {
    ItemOut {
        id: i.id.to_string(),
        position: i.position,
        fields: i.fields.clone(),
        grams: scaled(i.measures.micrograms, 6),
        grams_derived_from_count: i.measures.mass_derived,
        millilitres: scaled(i.measures.microlitres, 3),
        count: i.measures.count,
        hectares: scaled(i.measures.square_metres, 4),
    }
}

#[derive(Serialize)]
struct CaseOut {
    id: String,
    #[serde(flatten)]
    fields: CaseFields,
    agency: String,
    owner_unit: String,
    classification: &'static str,
    tlp: &'static str,
    created_at: String,
    updated_at: String,
    items: Vec<ItemOut>,
}

fn case_out(c: &CaseRecord, items: &[ItemRecord]) -> CaseOut {
    let ts = |t: &time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    CaseOut {
        id: c.id.to_string(),
        fields: c.fields.clone(),
        agency: c.agency.to_string(),
        owner_unit: c.access.owner_unit.to_string(),
        classification: c.access.classification.as_str(),
        tlp: c.access.tlp.label(),
        created_at: ts(&c.created_at),
        updated_at: ts(&c.updated_at),
        items: items.iter().map(item_out).collect(),
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    from: Option<String>,
    to: Option<String>,
    province: Option<String>,
    agency: Option<String>,
    status: Option<String>,
    substance: Option<String>,
    q: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize)]
struct SummaryOut {
    id: String,
    reference: String,
    occurred_on: String,
    province: Option<String>,
    agency: String,
    /// Absent when the caller may know the case exists but not read it.
    status: Option<String>,
    substance: Option<String>,
    readable: bool,
    classification: &'static str,
    tlp: &'static str,
}

async fn list(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let agency = match q.agency.as_deref() {
        Some(x) => Some(x.parse().map_err(|_| {
            ApiError::from(AppError::from(dcis_domain::FieldError::new(
                "agency",
                "err-organisation-unknown",
            )))
        })?),
        None => None,
    };
    let filter = CaseFilter {
        from: q.from,
        to: q.to,
        province: q.province,
        agency,
        status: q.status,
        substance: q.substance,
        text: q.q,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let (rows, total) = s.app.cases(&a.actor, &filter).await?;
    let items = rows
        .iter()
        .map(|r| SummaryOut {
            id: r.access.record.to_string(),
            reference: r.reference.clone(),
            occurred_on: r.occurred_on.clone(),
            province: r.access.province.map(|p| p.as_str().to_owned()),
            agency: r.agency.to_string(),
            status: r.status.clone(),
            substance: r.substances.clone(),
            readable: r.readable,
            classification: r.access.classification.as_str(),
            tlp: r.access.tlp.label(),
        })
        .collect::<Vec<_>>();
    Ok(Json(super::dto::Page {
        items,
        total,
        page,
        per_page,
    })
    .into_response())
}

async fn create(
    State(s): State<AppState>,
    Caller(a): Caller,
    Body(b): Body<CaseBody>,
) -> ApiResult {
    let f = form(&b)?;
    let items: Vec<SeizureItemFields> = b.items.iter().cloned().map(Into::into).collect();
    let (c, items) = s.app.create_case(&a.actor, &f, &items).await?;
    Ok((StatusCode::CREATED, Json(case_out(&c, &items))).into_response())
}

async fn read(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let (c, items) = s
        .app
        .case(&a.actor, id, &format!("/api/v1/cases/{id}"))
        .await?;
    Ok(Json(case_out(&c, &items)).into_response())
}

async fn update(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<CaseBody>,
) -> ApiResult {
    let id = rid(&id)?;
    if !b.items.is_empty() {
        return Err(AppError::from(dcis_domain::FieldError::new(
            "items",
            "err-items-separately",
        ))
        .into());
    }
    s.app.update_case(&a.actor, id, &form(&b)?).await?;
    let (c, items) = s
        .app
        .case(&a.actor, id, &format!("/api/v1/cases/{id}"))
        .await?;
    Ok(Json(case_out(&c, &items)).into_response())
}

async fn items(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let (_, items) = s
        .app
        .case(&a.actor, id, &format!("/api/v1/cases/{id}/items"))
        .await?;
    Ok(Json(items.iter().map(item_out).collect::<Vec<_>>()).into_response())
}

async fn add_item(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<ItemBody>,
) -> ApiResult {
    let i = s.app.add_item(&a.actor, rid(&id)?, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(item_out(&i))).into_response())
}

fn item_id(s: &str) -> Result<SeizureItemId, ApiError> {
    s.parse().map_err(|_| ApiError::from(AppError::NotFound))
}

async fn update_item(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((id, item)): Path<(String, String)>,
    Body(b): Body<ItemBody>,
) -> ApiResult {
    let i = s
        .app
        .update_item(&a.actor, rid(&id)?, item_id(&item)?, &b.into())
        .await?;
    Ok(Json(item_out(&i)).into_response())
}

async fn remove_item(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((id, item)): Path<(String, String)>,
) -> ApiResult {
    s.app
        .remove_item(&a.actor, rid(&id)?, item_id(&item)?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A new person in a case: the person's fields, and their role and
/// outcome beside them. (Unknown fields cannot be refused here: serde does
/// not support it with a flattened part.)
#[derive(Deserialize)]
struct PersonIn {
    person: dcis_domain::person::PersonFields,
    #[serde(flatten)]
    part: dcis_domain::person::CasePersonFields,
}

#[derive(Serialize)]
struct PersonOut {
    id: String,
    #[serde(flatten)]
    fields: dcis_domain::person::PersonFields,
    age_as_of: String,
}

#[derive(Serialize)]
struct CasePersonOut {
    person: PersonOut,
    #[serde(flatten)]
    part: dcis_domain::person::CasePersonFields,
}

fn person_out(p: &dcis_store::PersonRecord) -> PersonOut {
    PersonOut {
        id: p.id.to_string(),
        fields: p.fields.clone(),
        age_as_of: p.age_as_of.clone(),
    }
}

async fn people(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    // Reading the people is reading the case: same policy and read audit.
    s.app
        .case(&a.actor, id, &format!("/api/v1/cases/{id}/persons"))
        .await?;
    let list = s.app.case_people(&a.actor, id).await?;
    Ok(Json(
        list.iter()
            .map(|(p, l)| CasePersonOut {
                person: person_out(p),
                part: l.part.clone(),
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}

async fn add_person(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<PersonIn>,
) -> ApiResult {
    let (p, l) = s
        .app
        .add_person_to_case(&a.actor, rid(&id)?, &b.person, &b.part)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CasePersonOut {
            person: person_out(&p),
            part: l.part,
        }),
    )
        .into_response())
}

async fn update_person(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((id, person)): Path<(String, String)>,
    Body(b): Body<dcis_domain::person::CasePersonFields>,
) -> ApiResult {
    let l = s
        .app
        .update_case_person(&a.actor, rid(&id)?, rid(&person)?, &b)
        .await?;
    Ok(Json(l.part).into_response())
}

async fn remove_person(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((id, person)): Path<(String, String)>,
) -> ApiResult {
    s.app
        .remove_case_person(&a.actor, rid(&id)?, rid(&person)?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize)]
struct PersonCaseOut {
    case: String,
    reference: String,
    occurred_on: String,
    #[serde(flatten)]
    part: dcis_domain::person::CasePersonFields,
}

async fn person(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let (p, cases) = s
        .app
        .person(&a.actor, id, &format!("/api/v1/persons/{id}"))
        .await?;
    let cases: Vec<PersonCaseOut> = cases
        .into_iter()
        .map(|(c, reference, occurred_on, l)| PersonCaseOut {
            case: c.to_string(),
            reference,
            occurred_on,
            part: l.part,
        })
        .collect();
    Ok(Json(serde_json::json!({ "person": person_out(&p), "cases": cases })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectIn {
    kind: String,
    fields: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    person: Option<String>,
}

async fn objects(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let id = rid(&id)?;
    s.app
        .case(&a.actor, id, &format!("/api/v1/cases/{id}/objects"))
        .await?;
    Ok(Json(s.app.case_objects(&a.actor, id).await?).into_response())
}

async fn add_object(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<ObjectIn>,
) -> ApiResult {
    let person = match b.person.as_deref() {
        Some(p) => Some(p.parse().map_err(|_| {
            ApiError::from(AppError::from(dcis_domain::FieldError::new(
                "person",
                "err-person-not-in-case",
            )))
        })?),
        None => None,
    };
    let o = s
        .app
        .add_object(&a.actor, rid(&id)?, &b.kind, &b.fields, person)
        .await?;
    Ok((StatusCode::CREATED, Json(o)).into_response())
}

async fn remove_object(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((id, object)): Path<(String, String)>,
) -> ApiResult {
    let object = object
        .parse()
        .map_err(|_| ApiError::from(AppError::NotFound))?;
    s.app.remove_object(&a.actor, rid(&id)?, object).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
