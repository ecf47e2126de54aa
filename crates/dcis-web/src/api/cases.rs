//! API for cases and seized items.

use super::dto::Page;
use super::{Body, Caller};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use dcis_app::cases::{CaseForm, COUNT_AHEAD};
use dcis_app::AppError;
use dcis_domain::access::RecordId;
use dcis_domain::case::CaseFields;
use dcis_domain::ids::SeizureItemId;
use dcis_domain::person::{AddressFields, CasePersonFields, DocumentFields, PersonFields};
use dcis_domain::seizure::SeizureItemFields;
use dcis_store::{CaseFilter, CaseRecord, ItemRecord, ObjectRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

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
#[derive(Serialize, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub(super) struct CaseBody {
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
#[derive(Serialize, Deserialize, Default, Clone, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub(super) struct ItemBody {
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

/// A stored seized item's fields, as entered (the output twin of
/// [`ItemBody`], which refuses unknown fields and so cannot describe a part
/// of a larger object).
#[derive(Serialize, ToSchema)]
pub(super) struct ItemFieldsOut {
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

impl From<SeizureItemFields> for ItemFieldsOut {
    fn from(f: SeizureItemFields) -> Self {
        let SeizureItemFields {
            substance,
            form,
            quantity,
            unit,
            tablet_count,
            unit_weight_mg,
            purity,
            lab_reference,
            tablet_logo,
            packaging_kind,
            packaging_brand,
            price,
            price_currency,
            price_per,
        } = f;
        ItemFieldsOut {
            substance,
            form,
            quantity,
            unit,
            tablet_count,
            unit_weight_mg,
            purity,
            lab_reference,
            tablet_logo,
            packaging_kind,
            packaging_brand,
            price,
            price_currency,
            price_per,
        }
    }
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

/// A stored seized item: as entered, and normalised.
#[derive(Serialize, ToSchema)]
pub(super) struct ItemOut {
    id: String,
    position: i64,
    #[serde(flatten)]
    fields: ItemFieldsOut,
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
        fields: i.fields.clone().into(),
        grams: scaled(i.measures.micrograms, 6),
        grams_derived_from_count: i.measures.mass_derived,
        millilitres: scaled(i.measures.microlitres, 3),
        count: i.measures.count,
        hectares: scaled(i.measures.square_metres, 4),
    }
}

/// The fields of a stored case, as entered.
#[derive(Serialize, ToSchema)]
pub(super) struct CaseFieldsOut {
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
}

impl From<CaseFields> for CaseFieldsOut {
    fn from(f: CaseFields) -> Self {
        let CaseFields {
            reference,
            occurred_on,
            occurred_time,
            province,
            district,
            village,
            border_crossing,
            latitude,
            longitude,
            operation_name,
            detection_method,
            transport_mode,
            concealment_method,
            origin_country,
            origin_province,
            destination_country,
            destination_province,
            status,
            narrative,
        } = f;
        Self {
            reference,
            occurred_on,
            occurred_time,
            province,
            district,
            village: village.map(|v| v.to_string()),
            border_crossing: border_crossing.map(|b| b.to_string()),
            latitude,
            longitude,
            operation_name,
            detection_method,
            transport_mode,
            concealment_method,
            origin_country,
            origin_province,
            destination_country,
            destination_province,
            status,
            narrative,
        }
    }
}

/// A stored case with its seized items.
#[derive(Serialize, ToSchema)]
pub(super) struct CaseOut {
    id: String,
    #[serde(flatten)]
    fields: CaseFieldsOut,
    agency: String,
    owner_unit: String,
    classification: &'static str,
    tlp: &'static str,
    created_at: String,
    updated_at: String,
    items: Vec<ItemOut>,
}

fn case_out(c: &CaseRecord, items: &[ItemRecord]) -> CaseOut {
    let ts = super::dto::ts;
    CaseOut {
        id: c.id.to_string(),
        fields: c.fields.clone().into(),
        agency: c.agency.to_string(),
        owner_unit: c.access.owner_unit.to_string(),
        classification: c.access.classification.as_str(),
        tlp: c.access.tlp.label(),
        created_at: ts(&c.created_at),
        updated_at: ts(&c.updated_at),
        items: items.iter().map(item_out).collect(),
    }
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Cases that occurred on or after this date (YYYY-MM-DD).
    from: Option<String>,
    /// Cases that occurred on or before this date (YYYY-MM-DD).
    to: Option<String>,
    /// Province code.
    province: Option<String>,
    /// Agency (organisation id).
    agency: Option<String>,
    /// Case status.
    status: Option<String>,
    /// Substance code of a seized item.
    substance: Option<String>,
    /// Search words: reference, names (Lao or Latin script), plate, phone,
    /// document number, tablet logo, words of the narrative (docs/search.md).
    q: Option<String>,
    /// Page number, from 1.
    page: Option<i64>,
    /// Cases per page (1 to 500, default 50).
    per_page: Option<i64>,
}

/// A line of the case list.
#[derive(Serialize, ToSchema)]
pub(super) struct CaseSummaryOut {
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

/// The case list: every case the caller may know of, readable or not,
/// filtered and searched, a page at a time.
#[utoipa::path(get, path = "/cases", tag = "cases", operation_id = "list_cases", params(ListQuery),
    responses((status = 200, description = "A page of cases", body = Page<CaseSummaryOut>)))]
async fn list(
    State(s): State<AppState>,
    Caller(a): Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = crate::page_number(q.page);
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
        count_up_to: Some(page * per_page + COUNT_AHEAD),
        ..Default::default()
    };
    let (rows, total) = s.app.cases(&a.actor, &filter).await?;
    let items = rows
        .iter()
        .map(|r| CaseSummaryOut {
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
    Ok(Json(Page {
        items,
        total: total.n,
        total_exact: total.exact,
        page,
        per_page,
    })
    .into_response())
}

/// Records a case with its seized items (all stored, or none).
#[utoipa::path(post, path = "/cases", tag = "cases", operation_id = "create_case", request_body = CaseBody,
    responses((status = 201, description = "The new case", body = CaseOut)))]
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

/// One case with its seized items (audited as a read).
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", operation_id = "get_case", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "The case", body = CaseOut)))]
async fn read(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let (c, items) = s
        .app
        .case(&a.actor, id, &format!("/api/v1/cases/{id}"))
        .await?;
    Ok(Json(case_out(&c, &items)).into_response())
}

/// Changes a case's fields (items are changed on their own).
#[utoipa::path(put, path = "/cases/{id}", tag = "cases", operation_id = "update_case", params(("id" = String, Path, description = "Case id")),
    request_body = CaseBody,
    responses((status = 200, description = "The case as changed", body = CaseOut)))]
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

/// The seized items of a case.
#[utoipa::path(get, path = "/cases/{id}/items", tag = "cases", operation_id = "list_items", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "Seized items", body = Vec<ItemOut>)))]
async fn items(State(s): State<AppState>, Caller(a): Caller, Path(id): Path<String>) -> ApiResult {
    let id = rid(&id)?;
    let (_, items) = s
        .app
        .case(&a.actor, id, &format!("/api/v1/cases/{id}/items"))
        .await?;
    Ok(Json(items.iter().map(item_out).collect::<Vec<_>>()).into_response())
}

/// Adds a seized item to a case.
#[utoipa::path(post, path = "/cases/{id}/items", tag = "cases", operation_id = "add_item", params(("id" = String, Path, description = "Case id")),
    request_body = ItemBody,
    responses((status = 201, description = "The new item", body = ItemOut)))]
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

/// Changes a seized item.
#[utoipa::path(put, path = "/cases/{id}/items/{item}", tag = "cases", operation_id = "update_item",
    params(("id" = String, Path, description = "Case id"), ("item" = String, Path, description = "Item id")), request_body = ItemBody,
    responses((status = 200, description = "The item as changed", body = ItemOut)))]
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

/// Removes a seized item.
#[utoipa::path(delete, path = "/cases/{id}/items/{item}", tag = "cases", operation_id = "remove_item",
    params(("id" = String, Path, description = "Case id"), ("item" = String, Path, description = "Item id")),
    responses((status = 204, description = "Removed")))]
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

/// A person's fields as typed. Empty strings stand for "not given".
#[derive(Serialize, Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct PersonBody {
    /// The name as written (Lao or Latin script).
    name: String,
    /// The name in Latin script.
    latin_name: String,
    aliases: Vec<String>,
    sex: String,
    /// YYYY-MM-DD, or YYYY-MM, or YYYY.
    birth_date: String,
    /// Age in years, when the birth date is unknown.
    age: String,
    /// ISO 3166-1 alpha-2 country code.
    nationality: String,
    documents: Vec<DocumentBody>,
    addresses: Vec<AddressBody>,
}

/// An identity document as typed.
#[derive(Serialize, Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct DocumentBody {
    kind: String,
    number: String,
    issuing_country: String,
}

/// An address as typed.
#[derive(Serialize, Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct AddressBody {
    country: String,
    province: String,
    district: String,
    text: String,
}

impl From<PersonFields> for PersonBody {
    fn from(f: PersonFields) -> Self {
        let PersonFields {
            name,
            latin_name,
            aliases,
            sex,
            birth_date,
            age,
            nationality,
            documents,
            addresses,
        } = f;
        Self {
            name,
            latin_name,
            aliases,
            sex,
            birth_date,
            age,
            nationality,
            documents: documents
                .into_iter()
                .map(|d| {
                    let DocumentFields {
                        kind,
                        number,
                        issuing_country,
                    } = d;
                    DocumentBody {
                        kind,
                        number,
                        issuing_country,
                    }
                })
                .collect(),
            addresses: addresses
                .into_iter()
                .map(|a| {
                    let AddressFields {
                        country,
                        province,
                        district,
                        text,
                    } = a;
                    AddressBody {
                        country,
                        province,
                        district,
                        text,
                    }
                })
                .collect(),
        }
    }
}

impl From<PersonBody> for PersonFields {
    fn from(b: PersonBody) -> Self {
        Self {
            name: b.name,
            latin_name: b.latin_name,
            aliases: b.aliases,
            sex: b.sex,
            birth_date: b.birth_date,
            age: b.age,
            nationality: b.nationality,
            documents: b
                .documents
                .into_iter()
                .map(|d| DocumentFields {
                    kind: d.kind,
                    number: d.number,
                    issuing_country: d.issuing_country,
                })
                .collect(),
            addresses: b
                .addresses
                .into_iter()
                .map(|a| AddressFields {
                    country: a.country,
                    province: a.province,
                    district: a.district,
                    text: a.text,
                })
                .collect(),
        }
    }
}

/// A person's part in a case, as typed: role and outcome.
#[derive(Serialize, Deserialize, Default, ToSchema)]
#[serde(default)]
pub(super) struct CasePersonBody {
    role: String,
    outcome: String,
    sentence_kind: String,
    sentence_months: String,
    fine: String,
    fine_currency: String,
}

impl From<CasePersonFields> for CasePersonBody {
    fn from(f: CasePersonFields) -> Self {
        let CasePersonFields {
            role,
            outcome,
            sentence_kind,
            sentence_months,
            fine,
            fine_currency,
        } = f;
        Self {
            role,
            outcome,
            sentence_kind,
            sentence_months,
            fine,
            fine_currency,
        }
    }
}

impl From<CasePersonBody> for CasePersonFields {
    fn from(b: CasePersonBody) -> Self {
        Self {
            role: b.role,
            outcome: b.outcome,
            sentence_kind: b.sentence_kind,
            sentence_months: b.sentence_months,
            fine: b.fine,
            fine_currency: b.fine_currency,
        }
    }
}

/// A new person in a case: the person's fields, and their role and
/// outcome beside them. (Unknown fields cannot be refused here: serde does
/// not support it with a flattened part.)
#[derive(Deserialize, ToSchema)]
pub(super) struct PersonIn {
    person: PersonBody,
    #[serde(flatten)]
    part: CasePersonBody,
}

/// A stored person.
#[derive(Serialize, ToSchema)]
pub(super) struct PersonOut {
    id: String,
    #[serde(flatten)]
    fields: PersonBody,
    /// The date the age refers to.
    age_as_of: String,
}

/// A person in a case, with their part in it.
#[derive(Serialize, ToSchema)]
pub(super) struct CasePersonOut {
    person: PersonOut,
    #[serde(flatten)]
    part: CasePersonBody,
}

fn person_out(p: &dcis_store::PersonRecord) -> PersonOut {
    PersonOut {
        id: p.id.to_string(),
        fields: p.fields.clone().into(),
        age_as_of: p.age_as_of.clone(),
    }
}

/// The persons recorded in a case, with their part in it.
#[utoipa::path(get, path = "/cases/{id}/persons", tag = "persons", operation_id = "list_case_persons", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "Persons of the case", body = Vec<CasePersonOut>)))]
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
                part: l.part.clone().into(),
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}

/// Records a person in a case, with their role and outcome.
#[utoipa::path(post, path = "/cases/{id}/persons", tag = "persons", operation_id = "add_case_person", params(("id" = String, Path, description = "Case id")),
    request_body = PersonIn,
    responses((status = 201, description = "The person in the case", body = CasePersonOut)))]
async fn add_person(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
    Body(b): Body<PersonIn>,
) -> ApiResult {
    let (p, l) = s
        .app
        .add_person_to_case(&a.actor, rid(&id)?, &b.person.into(), &b.part.into())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CasePersonOut {
            person: person_out(&p),
            part: l.part.into(),
        }),
    )
        .into_response())
}

/// Changes a person's role and outcome in a case.
#[utoipa::path(put, path = "/cases/{id}/persons/{person}", tag = "persons", operation_id = "update_case_person",
    params(("id" = String, Path, description = "Case id"), ("person" = String, Path, description = "Person id")), request_body = CasePersonBody,
    responses((status = 200, description = "The part as changed", body = CasePersonBody)))]
async fn update_person(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((id, person)): Path<(String, String)>,
    Body(b): Body<CasePersonBody>,
) -> ApiResult {
    let l = s
        .app
        .update_case_person(&a.actor, rid(&id)?, rid(&person)?, &b.into())
        .await?;
    Ok(Json(CasePersonBody::from(l.part)).into_response())
}

/// Removes a person from a case.
#[utoipa::path(delete, path = "/cases/{id}/persons/{person}", tag = "persons", operation_id = "remove_case_person",
    params(("id" = String, Path, description = "Case id"), ("person" = String, Path, description = "Person id")),
    responses((status = 204, description = "Removed")))]
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

/// A case a person is recorded in, with their part in it.
#[derive(Serialize, ToSchema)]
pub(super) struct PersonCaseOut {
    case: String,
    reference: String,
    occurred_on: String,
    #[serde(flatten)]
    part: CasePersonBody,
}

/// A person and the cases they are recorded in (those the caller may read).
#[derive(Serialize, ToSchema)]
pub(super) struct PersonDetailOut {
    person: PersonOut,
    cases: Vec<PersonCaseOut>,
}

/// A person and the cases they are recorded in (audited as a read).
#[utoipa::path(get, path = "/persons/{id}", tag = "persons", operation_id = "get_person",
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, description = "The person", body = PersonDetailOut)))]
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
            part: l.part.into(),
        })
        .collect();
    Ok(Json(PersonDetailOut {
        person: person_out(&p),
        cases,
    })
    .into_response())
}

/// A vehicle, phone, bank account or asset of a case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ObjectIn {
    /// `vehicle`, `phone`, `bank_account` or `asset`.
    kind: String,
    /// The kind's fields (e.g. `plate`, `plate_country` for a vehicle;
    /// `number` for a phone).
    fields: BTreeMap<String, String>,
    /// The person of the case it belongs to (id), if known.
    #[serde(default)]
    person: Option<String>,
}

/// A stored object of a case.
#[derive(Serialize, ToSchema)]
pub(super) struct ObjectOut {
    id: String,
    case: String,
    kind: &'static str,
    position: i64,
    fields: BTreeMap<String, String>,
    /// The search key that recognises the same plate, phone or account
    /// across cases (empty when the kind has none).
    key: String,
    /// A one-line description.
    label: String,
    person: Option<String>,
}

impl From<ObjectRecord> for ObjectOut {
    fn from(o: ObjectRecord) -> Self {
        let ObjectRecord {
            id,
            case,
            kind,
            position,
            fields,
            key,
            label,
            person,
        } = o;
        Self {
            id: id.to_string(),
            case: case.to_string(),
            kind: kind.as_str(),
            position,
            fields,
            key,
            label,
            person: person.map(|p| p.to_string()),
        }
    }
}

/// The vehicles, phones, bank accounts and assets of a case.
#[utoipa::path(get, path = "/cases/{id}/objects", tag = "cases", operation_id = "list_objects", params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "Objects of the case", body = Vec<ObjectOut>)))]
async fn objects(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let id = rid(&id)?;
    s.app
        .case(&a.actor, id, &format!("/api/v1/cases/{id}/objects"))
        .await?;
    let objects = s.app.case_objects(&a.actor, id).await?;
    Ok(Json(objects.into_iter().map(ObjectOut::from).collect::<Vec<_>>()).into_response())
}

/// Adds a vehicle, phone, bank account or asset to a case.
#[utoipa::path(post, path = "/cases/{id}/objects", tag = "cases", operation_id = "add_object", params(("id" = String, Path, description = "Case id")),
    request_body = ObjectIn,
    responses((status = 201, description = "The new object", body = ObjectOut)))]
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
    Ok((StatusCode::CREATED, Json(ObjectOut::from(o))).into_response())
}

/// Removes an object from a case.
#[utoipa::path(delete, path = "/cases/{id}/objects/{object}", tag = "cases", operation_id = "remove_object",
    params(("id" = String, Path, description = "Case id"), ("object" = String, Path, description = "Object id")),
    responses((status = 204, description = "Removed")))]
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
