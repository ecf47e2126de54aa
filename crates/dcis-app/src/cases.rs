//! Cases and seized items: the one write path for them.

use crate::error::AppError;
use crate::App;
use dcis_domain::access::{RecordAccess, RecordId, RecordKind, Tlp};
use dcis_domain::case::{CaseFields, CaseRef, CaseStatus, ParsedCase};
use dcis_domain::geo::{DistrictCode, ProvinceCode};
use dcis_domain::ids::{BorderCrossingId, OrganisationId, SeizureItemId, VillageId};
use dcis_domain::quantity::MassBasis;
use dcis_domain::role::{Clearance, Permission};
use dcis_domain::seizure::{SeizureItem, SeizureItemFields};
use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::Actor;
use dcis_store::{
    CaseFilter, CaseRecord, CaseSummary, ItemMeasures, ItemRecord, StoreError, Total,
};
use std::collections::HashMap;
use time::{PrimitiveDateTime, UtcOffset};

/// Lao PDR keeps UTC+7 all year; dates and times of cases are local.
pub const LOCAL_OFFSET: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// The most items one case may hold (a guard against runaway input).
pub const MAX_ITEMS: usize = 500;

/// The marking of a new case when none is chosen (the form's default and
/// the import's): restricted, TLP:AMBER.
pub const DEFAULT_CLASSIFICATION: &str = "restricted";
pub const DEFAULT_TLP: &str = "TLP:AMBER";

/// The stored geography as read so far (see [`App::check_place`]).
#[derive(Debug, Default)]
pub(crate) struct GeoCache {
    districts: HashMap<DistrictCode, bool>,
    villages: HashMap<DistrictCode, Vec<VillageId>>,
    crossings: Option<Vec<(BorderCrossingId, ProvinceCode)>>,
}

/// A case checked by every rule, with a new id, ready to insert.
#[derive(Debug, Clone)]
pub(crate) struct PreparedCase {
    pub id: RecordId,
    pub parsed: ParsedCase,
    pub classification: Clearance,
    pub tlp: Tlp,
    pub items: Vec<ItemRecord>,
}

/// A case as typed: its fields and its access marking.
#[derive(Debug, Clone, Default)]
pub struct CaseForm {
    pub fields: CaseFields,
    pub classification: String,
    pub tlp: String,
}

/// Builds the stored form of an item from what was entered: parsed by the
/// domain rules, normalised, with its search keys.
pub fn item_record(
    case: RecordId,
    position: i64,
    id: SeizureItemId,
    fields: &SeizureItemFields,
) -> Result<ItemRecord, FieldErrors> {
    let mut fields = fields.trimmed();
    let item: SeizureItem = fields.as_input().parse()?;
    // Codes from closed lists are stored in their canonical form, so that
    // filters and reports match however they were typed; quantities, logos
    // and brands stay as entered.
    fields.substance = item.substance().as_str().to_owned();
    fields.unit = item.quantity().unit().as_str().to_owned();
    if let Some(f) = item.form() {
        fields.form = f.as_str().to_owned();
    }
    let n = item.normalised();
    let to_i64 = |v: Option<u64>| v.and_then(|x| i64::try_from(x).ok());
    Ok(ItemRecord {
        id,
        case,
        position,
        measures: ItemMeasures {
            micrograms: to_i64(n.micrograms()),
            mass_derived: n.mass_basis() == Some(MassBasis::FromUnitWeight),
            microlitres: to_i64(n.microlitres()),
            count: to_i64(n.count().or(item.tablet_count())),
            square_metres: to_i64(n.square_metres()),
        },
        tablet_logo_key: item
            .tablet_logo()
            .map(|l| l.key().to_owned())
            .unwrap_or_default(),
        packaging_key: item
            .packaging()
            .and_then(|p| p.brand.as_ref())
            .map(|b| b.key().to_owned())
            .unwrap_or_default(),
        fields,
    })
}

/// How far past the end of the page a case list counts its matches: the
/// list says "more than N" beyond (`CaseFilter::count_up_to`).
pub const COUNT_AHEAD: i64 = 1_000;

impl App {
    /// The local date and time of Lao PDR now.
    pub fn local_now(&self) -> PrimitiveDateTime {
        let t = self.now().to_offset(LOCAL_OFFSET);
        PrimitiveDateTime::new(t.date(), t.time())
    }

    fn parse_case(
        &self,
        actor: &Actor,
        form: &CaseForm,
    ) -> Result<(ParsedCase, Clearance, Tlp), AppError> {
        let mut e = FieldErrors::new();
        let parsed = match form
            .fields
            .as_input(actor.organisation, actor.unit)
            .parse(self.local_now())
        {
            Ok(p) => Some(p),
            Err(errs) => {
                e.0.extend(errs.0);
                None
            }
        };
        let classification =
            e.take(
                Clearance::parse(&form.classification).map_err(|x| FieldError {
                    field: "classification",
                    ..x
                }),
            );
        let tlp = e.take(Tlp::parse(&form.tlp));
        if classification.is_some_and(|c| c > actor.clearance) {
            e.push(FieldError::new(
                "classification",
                "err-classification-above-clearance",
            ));
        }
        if let Some(p) = &parsed {
            let province = p.details.place.province();
            if !actor.scope.covers(province) {
                e.push(
                    FieldError::new("province", "err-province-outside-scope")
                        .with("value", province.as_str()),
                );
            }
        }
        match (parsed, classification, tlp) {
            (Some(p), Some(c), Some(t)) if e.is_empty() => Ok((p, c, t)),
            _ => Err(e.into()),
        }
    }

    /// Place facts only the stored geography can check: the district
    /// exists, the village lies in the district, the border crossing in the
    /// province. The geography read is kept in `geo` for the next case (an
    /// import checks thousands against the same few districts).
    async fn check_place(&self, p: &ParsedCase, geo: &mut GeoCache) -> Result<(), AppError> {
        let place = &p.details.place;
        if let Some(d) = place.district() {
            let known = match geo.districts.get(&d) {
                Some(k) => *k,
                None => {
                    let k = self.store.district(d).await?.is_some();
                    geo.districts.insert(d, k);
                    k
                }
            };
            if !known {
                return Err(FieldError::new("district", "err-district-unknown")
                    .with("value", d.as_str())
                    .into());
            }
        }
        if let Some(v) = place.village() {
            let ok = match place.district() {
                Some(d) => {
                    if let std::collections::hash_map::Entry::Vacant(e) = geo.villages.entry(d) {
                        e.insert(self.store.villages(d).await?.iter().map(|x| x.id).collect());
                    }
                    geo.villages.get(&d).is_some_and(|vs| vs.contains(&v))
                }
                None => false,
            };
            if !ok {
                return Err(FieldError::new("village", "err-village-outside-district").into());
            }
        }
        if let Some(b) = place.border_crossing() {
            if geo.crossings.is_none() {
                geo.crossings = Some(
                    self.store
                        .border_crossings()
                        .await?
                        .iter()
                        .map(|x| (x.id, x.province))
                        .collect(),
                );
            }
            let ok = geo
                .crossings
                .as_ref()
                .is_some_and(|cs| cs.iter().any(|(id, p)| *id == b && *p == place.province()));
            if !ok {
                return Err(
                    FieldError::new("border_crossing", "err-crossing-outside-province").into(),
                );
            }
        }
        Ok(())
    }

    /// Parses every item, naming the item in each error (`items` field,
    /// `index` argument from 1).
    fn parse_items(
        case: RecordId,
        items: &[SeizureItemFields],
        ids: impl Fn() -> SeizureItemId,
    ) -> Result<Vec<ItemRecord>, AppError> {
        if items.len() > MAX_ITEMS {
            return Err(FieldError::new("items", "err-too-many")
                .with("max", MAX_ITEMS)
                .into());
        }
        let mut out = Vec::new();
        let mut errors = FieldErrors::new();
        for (i, f) in items.iter().enumerate() {
            match item_record(case, i as i64 + 1, ids(), f) {
                Ok(r) => out.push(r),
                Err(es) => {
                    for e in es.0 {
                        errors.push(
                            FieldError::new("items", e.key)
                                .with("index", i + 1)
                                .with("item_field", e.field)
                                .with_all(e.args),
                        );
                    }
                }
            }
        }
        errors.into_result()?;
        Ok(out)
    }

    /// Checks a case and its items by every rule (the domain's, the
    /// actor's scope and clearance, the stored geography), collecting the
    /// errors of the case and of every item at once.
    pub(crate) async fn prepare_case(
        &self,
        actor: &Actor,
        form: &CaseForm,
        items: &[SeizureItemFields],
        geo: &mut GeoCache,
    ) -> Result<PreparedCase, AppError> {
        let id = RecordId::from_uuid(self.new_uuid());
        let app = self.clone();
        let case = self.parse_case(actor, form);
        let items = Self::parse_items(id, items, move || SeizureItemId::from_uuid(app.new_uuid()));
        match (case, items) {
            (Ok((parsed, classification, tlp)), Ok(items)) => {
                self.check_place(&parsed, geo).await?;
                Ok(PreparedCase {
                    id,
                    parsed,
                    classification,
                    tlp,
                    items,
                })
            }
            (Err(AppError::Validation(mut a)), Err(AppError::Validation(b))) => {
                a.0.extend(b.0);
                Err(a.into())
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// The stored form of a prepared case, owned by the actor's unit.
    pub(crate) fn case_record(
        &self,
        actor: &Actor,
        org: OrganisationId,
        p: &PreparedCase,
        reference: &CaseRef,
    ) -> CaseRecord {
        let now = self.now();
        CaseRecord {
            id: p.id,
            agency: org,
            fields: CaseFields::canonical(reference, &p.parsed.details),
            access: RecordAccess {
                record: p.id,
                kind: RecordKind::Case,
                owner_organisation: org,
                owner_unit: actor.unit,
                province: Some(p.parsed.details.place.province()),
                classification: p.classification,
                tlp: p.tlp,
            },
            created_at: now,
            updated_at: now,
        }
    }

    /// Records a case (and its items, all or nothing) for the actor's own
    /// agency and unit. Without a reference, the next one of the agency
    /// and year is given (`CNP-2026-000042`).
    pub async fn create_case(
        &self,
        actor: &Actor,
        form: &CaseForm,
        items: &[SeizureItemFields],
    ) -> Result<(CaseRecord, Vec<ItemRecord>), AppError> {
        actor.require(Permission::CreateRecords)?;
        let prepared = self
            .prepare_case(actor, form, items, &mut GeoCache::default())
            .await?;
        let org = self
            .store
            .organisation(actor.organisation)
            .await?
            .ok_or(AppError::NotFound)?;
        let year = prepared.parsed.details.occurred.date().year();
        for attempt in 0..5 {
            let reference = match &prepared.parsed.reference {
                Some(r) => r.clone(),
                None => {
                    let prefix = format!("{}-{year}-", org.code.as_str());
                    let n = self.store.count_case_references(org.id, &prefix).await? + 1 + attempt;
                    CaseRef::generated(&org.code, year, u32::try_from(n).unwrap_or(u32::MAX))?
                }
            };
            let record = self.case_record(actor, org.id, &prepared, &reference);
            let mut w = self.write_as(actor).await?;
            match w.insert_case(&record).await {
                Ok(()) => {
                    for i in &prepared.items {
                        w.insert_item(i).await?;
                    }
                    w.commit().await?;
                    return Ok((record, prepared.items));
                }
                Err(StoreError::Duplicate { .. }) if prepared.parsed.reference.is_none() => {
                    continue
                }
                Err(StoreError::Duplicate { .. }) => {
                    return Err(AppError::Conflict {
                        field: "reference",
                        key: "err-case-ref-taken",
                    })
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal(
            "could not allocate a case reference".into(),
        ))
    }

    /// Reads a case and its items (policy, then the read audit).
    pub async fn case(
        &self,
        actor: &Actor,
        id: RecordId,
        path: &str,
    ) -> Result<(CaseRecord, Vec<ItemRecord>), AppError> {
        let a = self.open_record(actor, id, path).await?;
        if a.kind != RecordKind::Case {
            return Err(AppError::NotFound);
        }
        let f = self.readable_filter(actor).await?;
        let c = self.store.case(&f, id).await?.ok_or(AppError::NotFound)?;
        let items = self.store.case_items(&f, id).await?;
        Ok((c, items))
    }

    /// Cases the actor may read or know of, and how many matched (counted
    /// up to the filter's `count_up_to`).
    pub async fn cases(
        &self,
        actor: &Actor,
        q: &CaseFilter,
    ) -> Result<(Vec<CaseSummary>, Total), AppError> {
        actor.require(Permission::ReadRecords)?;
        let f = self.listable_filter(actor).await?;
        Ok(self.store.cases(&f, q).await?)
    }

    /// The reference and date of a case the actor may know of.
    pub async fn case_listing(
        &self,
        actor: &Actor,
        id: RecordId,
    ) -> Result<(RecordAccess, String, String), AppError> {
        let f = self.listable_filter(actor).await?;
        self.store
            .case_listing(&f, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    async fn editable_case(&self, actor: &Actor, id: RecordId) -> Result<CaseRecord, AppError> {
        self.editable_case_record(actor, id).await
    }

    /// Edits a case. The status may only move along the allowed
    /// transitions; the owner stays the same.
    pub async fn update_case(
        &self,
        actor: &Actor,
        id: RecordId,
        form: &CaseForm,
    ) -> Result<CaseRecord, AppError> {
        let before = self.editable_case(actor, id).await?;
        let (parsed, classification, tlp) = self.parse_case(actor, form)?;
        self.check_place(&parsed, &mut GeoCache::default()).await?;
        let old_status = CaseStatus::parse(&before.fields.status)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if parsed.details.status != old_status {
            old_status.move_to(parsed.details.status)?;
        }
        let reference = match &parsed.reference {
            Some(r) => r.clone(),
            None => CaseRef::parse(&before.fields.reference)?,
        };
        let after = CaseRecord {
            fields: CaseFields::canonical(&reference, &parsed.details),
            access: RecordAccess {
                province: Some(parsed.details.place.province()),
                classification,
                tlp,
                ..before.access.clone()
            },
            updated_at: self.now(),
            ..before.clone()
        };
        if after.fields == before.fields && after.access == before.access {
            return Ok(before);
        }
        let mut w = self.write_as(actor).await?;
        w.update_case(&before, &after)
            .await
            .map_err(AppError::duplicate_as("reference", "err-case-ref-taken"))?;
        w.commit().await?;
        Ok(after)
    }

    /// Adds a seized item to a case.
    pub async fn add_item(
        &self,
        actor: &Actor,
        case: RecordId,
        fields: &SeizureItemFields,
    ) -> Result<ItemRecord, AppError> {
        self.editable_case(actor, case).await?;
        let f = self.readable_filter(actor).await?;
        let existing = self.store.case_items(&f, case).await?;
        if existing.len() >= MAX_ITEMS {
            return Err(FieldError::new("items", "err-too-many")
                .with("max", MAX_ITEMS)
                .into());
        }
        let position = existing.iter().map(|i| i.position).max().unwrap_or(0) + 1;
        let item = item_record(
            case,
            position,
            SeizureItemId::from_uuid(self.new_uuid()),
            fields,
        )?;
        let mut w = self.write_as(actor).await?;
        w.insert_item(&item).await?;
        w.commit().await?;
        Ok(item)
    }

    pub async fn update_item(
        &self,
        actor: &Actor,
        case: RecordId,
        item: SeizureItemId,
        fields: &SeizureItemFields,
    ) -> Result<ItemRecord, AppError> {
        self.editable_case(actor, case).await?;
        let f = self.readable_filter(actor).await?;
        let before = self
            .store
            .case_items(&f, case)
            .await?
            .into_iter()
            .find(|i| i.id == item)
            .ok_or(AppError::NotFound)?;
        let after = item_record(case, before.position, item, fields)?;
        if after == before {
            return Ok(after);
        }
        let mut w = self.write_as(actor).await?;
        w.update_item(&before, &after).await?;
        w.commit().await?;
        Ok(after)
    }

    pub async fn remove_item(
        &self,
        actor: &Actor,
        case: RecordId,
        item: SeizureItemId,
    ) -> Result<(), AppError> {
        self.editable_case(actor, case).await?;
        let f = self.readable_filter(actor).await?;
        let before = self
            .store
            .case_items(&f, case)
            .await?
            .into_iter()
            .find(|i| i.id == item)
            .ok_or(AppError::NotFound)?;
        let mut w = self.write_as(actor).await?;
        w.delete_item(&before).await?;
        w.commit().await?;
        Ok(())
    }
}
