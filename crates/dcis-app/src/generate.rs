//! `dcis generate`: loads synthetic cases, seized items, persons, vehicles
//! and phones ([`dcis_synth`]) into an initialised installation, with the
//! rows the one-by-one write path would store, in batches of one
//! transaction and one audit entry each.
//!
//! - **Rows**: each case is parsed by the domain rules and stored in its
//!   canonical form ([`CaseFields::canonical`]), its items through
//!   [`crate::cases::item_record`]; references are the agency's next ones
//!   (`CNP-2024-000123`), as [`App::create_case`] gives them. Cases belong
//!   to a unit of an agency of the installation and are classified and
//!   marked; the record policy treats them like any other case.
//! - **People**: each agency (organisation) keeps one person record of
//!   each person its cases name, in its own spelling: created with the
//!   agency's first case naming the person, owned by that case's unit and
//!   marked like it (as [`App::add_person_to_case`] marks a person like
//!   its case), parsed by the domain rules with its search keys and words;
//!   later cases of the agency link the same record. Another agency's
//!   record of the same person is another record: telling that they are
//!   the same is entity resolution's work, and the ground-truth file its
//!   answer key. Links carry the role and outcome in their canonical form;
//!   vehicles and phones are stored as case objects with the search key
//!   [`dcis_domain::objects::parse_object`] gives, as [`App::add_object`]
//!   stores them.
//! - **Audit**: one `create` entry of type `bulk_load` per batch, whose
//!   `after` holds the parameters, the batch's counts and the SHA-256 of the
//!   batch's rows ([`batch_hash`], `docs/audit-chain.md`). The entity id is
//!   `synth-{seed}-{batch:06}`.
//! - **Once per seed**: a seed already loaded into the installation is
//!   refused ([`GenerateError::AlreadyLoaded`]); loading it again would
//!   only duplicate the same cases under new references.
//! - **Streaming**: a blocking thread generates and canonicalises the next
//!   batch while the previous one is written; memory stays at a couple of
//!   batches however many items are asked for.

use crate::cases::item_record;
use crate::error::AppError;
use crate::persons::canonical_part;
use crate::App;
use dcis_domain::access::{RecordAccess, RecordId, RecordKind, Tlp};
use dcis_domain::case::{CaseFields, CaseRef, ParsedCase};
use dcis_domain::ids::{OrganisationId, SeizureItemId};
use dcis_domain::objects::{parse_object, ObjectKind};
use dcis_domain::org::OrgCode;
use dcis_domain::role::Clearance;
use dcis_domain::FieldError;
use dcis_store::{BulkRows, CasePersonRecord, ItemRecord, ObjectRecord, PersonRecord};
use dcis_synth::{Agency, Crossing, Generator, Params, SynthCase, SynthError, World};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use time::{Date, PrimitiveDateTime, Time};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    pub seed: u64,
    pub items: u64,
    pub years: u32,
    /// The last day (local date), not after today.
    pub end: Date,
    /// Cases per transaction (and per audit entry).
    pub batch_cases: usize,
}

impl GenerateOptions {
    pub const DEFAULT_BATCH_CASES: usize = 5_000;
}

/// Where a run stands, after each committed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub batches: u64,
    pub cases: u64,
    pub items: u64,
    pub total_items: u64,
    /// Person records created, and vehicles and phones stored.
    pub persons: u64,
    pub objects: u64,
}

/// What a finished run loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub batches: u64,
    pub cases: u64,
    pub items: u64,
    pub start: Date,
    pub end: Date,
    /// Items per substance code.
    pub substances: BTreeMap<String, u64>,
    /// Cases per province code.
    pub provinces: BTreeMap<String, u64>,
    /// Distinct persons named in the cases, and rows of the ground truth.
    pub persons: u64,
    pub truth_rows: u64,
    /// Person records stored (one per person and agency naming them), links
    /// of persons to cases, and vehicles and phones stored.
    pub person_records: u64,
    pub case_persons: u64,
    pub objects: u64,
}

#[derive(Debug)]
pub enum GenerateError {
    /// Batches of this seed are already in the installation.
    AlreadyLoaded {
        seed: u64,
        batches: i64,
    },
    /// The end date is after today.
    EndInFuture {
        end: Date,
        today: Date,
    },
    Synth(SynthError),
    App(AppError),
    /// Writing the ground-truth file failed.
    Truth(String),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyLoaded { seed, batches } => write!(
                f,
                "seed {seed} has already been loaded into this installation ({batches} batches); generating it again would duplicate its cases — use another seed"
            ),
            Self::EndInFuture { end, today } => {
                write!(f, "the end date {end} is after today ({today})")
            }
            Self::Synth(e) => write!(f, "{e}"),
            Self::App(e) => write!(f, "{e}"),
            Self::Truth(e) => write!(f, "writing the ground-truth file: {e}"),
        }
    }
}

impl std::error::Error for GenerateError {}

impl From<AppError> for GenerateError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<dcis_store::StoreError> for GenerateError {
    fn from(e: dcis_store::StoreError) -> Self {
        Self::App(e.into())
    }
}

/// The id of a batch: the audit entry's entity id.
pub fn batch_id(seed: u64, batch: u64) -> String {
    format!("synth-{seed}-{batch:06}")
}

/// One batch, ready to store.
struct Batch {
    number: u64,
    rows: BulkRows,
    sha256: String,
}

/// The SHA-256 of a batch: over the JSON snapshots of its rows (the
/// snapshots one-by-one audit entries would hold), each ending with a
/// newline, case by case in batch order: the case, its items, then its
/// people (a person first recorded in the batch just before their first
/// link, then the link) and its objects (vehicles, phones…). Persons of the
/// batch that none of its cases links come last. A batch of cases and
/// items only (an import) hashes as it did before persons were stored.
pub fn batch_hash(rows: &BulkRows) -> String {
    fn line<T: serde::Serialize>(h: &mut Sha256, v: &T) {
        h.update(serde_json::to_vec(v).unwrap_or_default());
        h.update(b"\n");
    }
    let mut h = Sha256::new();
    let mut items: HashMap<RecordId, Vec<&ItemRecord>> = HashMap::new();
    for i in &rows.items {
        items.entry(i.case).or_default().push(i);
    }
    let mut links: HashMap<RecordId, Vec<&CasePersonRecord>> = HashMap::new();
    for l in &rows.case_persons {
        links.entry(l.case).or_default().push(l);
    }
    let mut objects: HashMap<RecordId, Vec<&ObjectRecord>> = HashMap::new();
    for o in &rows.objects {
        objects.entry(o.case).or_default().push(o);
    }
    let persons: HashMap<RecordId, &PersonRecord> =
        rows.persons.iter().map(|p| (p.id, p)).collect();
    let mut hashed: HashSet<RecordId> = HashSet::new();
    for c in &rows.cases {
        line(&mut h, c);
        for i in items.get(&c.id).into_iter().flatten() {
            line(&mut h, i);
        }
        for l in links.get(&c.id).into_iter().flatten() {
            if let Some(p) = persons.get(&l.person) {
                if hashed.insert(p.id) {
                    line(&mut h, p);
                }
            }
            line(&mut h, l);
        }
        for o in objects.get(&c.id).into_iter().flatten() {
            line(&mut h, o);
        }
    }
    for p in &rows.persons {
        if !hashed.contains(&p.id) {
            line(&mut h, p);
        }
    }
    hex::encode(h.finalize())
}

/// The rows of one generated case: the case, its items, the persons it is
/// the first of its agency to name, its people and its objects, each parsed
/// by the rules of the one-by-one path.
fn case_rows(
    sc: &SynthCase,
    parsed: &ParsedCase,
    reference: &CaseRef,
    now: PrimitiveDateTime,
    rows: &mut BulkRows,
) -> Result<(), AppError> {
    let id = RecordId::from_uuid(sc.id);
    let classification = Clearance::parse(sc.classification).map_err(|e| FieldError {
        field: "classification",
        ..e
    })?;
    let access = RecordAccess {
        record: id,
        kind: RecordKind::Case,
        owner_organisation: sc.organisation,
        owner_unit: sc.unit,
        province: Some(parsed.details.place.province()),
        classification,
        tlp: Tlp::parse(sc.tlp)?,
    };
    let case_fields = CaseFields::canonical(reference, &parsed.details);
    for (pos, si) in sc.items.iter().enumerate() {
        rows.items.push(item_record(
            id,
            pos as i64 + 1,
            SeizureItemId::from_uuid(si.id),
            &si.fields,
        )?);
    }
    let occurred = parsed.details.occurred.date();
    for (pos, link) in sc.persons.iter().enumerate() {
        let person = RecordId::from_uuid(link.record);
        if let Some(f) = &link.new_record {
            // As `App::add_person_to_case` keeps a person: trimmed, checked
            // by the domain rules, with the search keys of the names, marked
            // like the case.
            let fields = f.trimmed();
            let parsed = fields.as_input().parse(occurred, now.date())?;
            rows.persons.push(PersonRecord {
                id: person,
                // The day a stated age refers to: the case's date.
                age_as_of: case_fields.occurred_on.clone(),
                search_keys: parsed.search_keys(),
                fields,
                access: RecordAccess {
                    record: person,
                    kind: RecordKind::Person,
                    ..access.clone()
                },
                created_at: sc.created_at,
            });
        }
        rows.case_persons.push(CasePersonRecord {
            case: id,
            person,
            position: pos as i64 + 1,
            part: canonical_part(&link.part)?,
        });
    }
    for (pos, o) in sc.objects.iter().enumerate() {
        let kind = ObjectKind::parse(o.kind)?;
        let parsed = parse_object(kind, &o.fields)?;
        rows.objects.push(ObjectRecord {
            id: o.id,
            case: id,
            kind,
            position: pos as i64 + 1,
            fields: parsed.fields,
            key: parsed.key,
            label: parsed.label,
            person: o
                .person
                .and_then(|i| sc.persons.get(i))
                .map(|p| RecordId::from_uuid(p.record)),
        });
    }
    rows.cases.push(dcis_store::CaseRecord {
        id,
        agency: sc.organisation,
        fields: case_fields,
        access,
        created_at: sc.created_at,
        updated_at: sc.updated_at,
    });
    Ok(())
}

impl App {
    /// The installation as the generator sees it: agencies that record
    /// seizures (one per unit), districts by province, border crossings.
    pub async fn synth_world(&self) -> Result<World, AppError> {
        let orgs = self.store.organisations().await?;
        let units = self.store.units(None).await?;
        let mut agencies = Vec::new();
        for u in &units {
            let Some(o) = orgs.iter().find(|o| o.id == u.organisation) else {
                continue;
            };
            if !dcis_synth::records_seizures(o.kind) {
                continue;
            }
            agencies.push(Agency {
                organisation: o.id,
                unit: u.id,
                code: o.code.as_str().to_owned(),
                name: u.name_en.as_str().to_owned(),
                kind: o.kind,
                province: u.province.or(o.province).map(|p| p.as_str().to_owned()),
                national: o.province.is_none(),
            });
        }
        let mut districts = BTreeMap::new();
        for (p, _) in self.store.provinces().await? {
            let ds: Vec<String> = self
                .store
                .districts(p.code)
                .await?
                .iter()
                .map(|d| d.code.as_str().to_owned())
                .collect();
            districts.insert(p.code.as_str().to_owned(), ds);
        }
        let crossings = self
            .store
            .border_crossings()
            .await?
            .into_iter()
            .map(|b| Crossing {
                id: b.id,
                name: b.name_en.as_str().to_owned(),
                province: b.province.as_str().to_owned(),
                district: b.district.map(|d| d.as_str().to_owned()),
                counterpart: b.counterpart_country.as_str().to_owned(),
            })
            .collect();
        Ok(World {
            agencies,
            districts,
            crossings,
        })
    }

    /// Generates and loads the data; writes the ground truth to `truth` if
    /// given; calls `progress` after each committed batch.
    ///
    /// The ground truth is CSV with the header
    /// `person_id,variant_name,agency,record_id`, one row per person
    /// record: `person_id` is the synthetic person (`S{seed}-P{index}`,
    /// the same for all their records: what entity resolution should
    /// find), `variant_name` the name as the agency spelled it (the
    /// record's `name`), `agency` the agency's organisation code, and
    /// `record_id` the id of the stored person record (`/persons/{id}`).
    pub async fn generate(
        &self,
        opts: &GenerateOptions,
        truth: Option<&mut (dyn std::io::Write + Send)>,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Summary, GenerateError> {
        let today = self.local_now().date();
        if opts.end > today {
            return Err(GenerateError::EndInFuture {
                end: opts.end,
                today,
            });
        }
        let loaded = self
            .store
            .count_bulk_loads(&format!("synth-{}-", opts.seed))
            .await?;
        if loaded > 0 {
            return Err(GenerateError::AlreadyLoaded {
                seed: opts.seed,
                batches: loaded,
            });
        }
        let world = self.synth_world().await?;
        let params = Params {
            seed: opts.seed,
            items: opts.items,
            years: opts.years,
            end: opts.end,
        };
        let generator = Generator::new(params, &world).map_err(GenerateError::Synth)?;
        let start = generator.start();

        // The next reference of each agency and year continues what the
        // installation already holds, as `create_case` does.
        let mut next_ref: HashMap<(OrganisationId, i32), i64> = HashMap::new();
        let mut codes: HashMap<OrganisationId, OrgCode> = HashMap::new();
        for a in generator.agencies() {
            if codes.contains_key(&a.organisation) {
                continue;
            }
            let code = OrgCode::parse(&a.code).map_err(AppError::from)?;
            for year in start.year()..=opts.end.year() {
                let prefix = format!("{}-{year}-", code.as_str());
                let n = self
                    .store
                    .count_case_references(a.organisation, &prefix)
                    .await?;
                next_ref.insert((a.organisation, year), n);
            }
            codes.insert(a.organisation, code);
        }

        let batch_cases = opts.batch_cases.max(1);
        let total_batches = generator.case_count().div_ceil(batch_cases as u64);
        let now = PrimitiveDateTime::new(
            opts.end,
            Time::from_hms(23, 59, 59).unwrap_or(Time::MIDNIGHT),
        );
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Batch, AppError>>(2);
        let producer = tokio::task::spawn_blocking(move || {
            let mut generator = generator;
            let mut counts: (BTreeMap<String, u64>, BTreeMap<String, u64>) = Default::default();
            let mut number = 0u64;
            loop {
                let mut rows = BulkRows {
                    cases: Vec::with_capacity(batch_cases),
                    items: Vec::with_capacity(batch_cases * 2),
                    ..Default::default()
                };
                let built: Result<(), AppError> = (|| {
                    for sc in generator.by_ref().take(batch_cases) {
                        let parsed = sc.fields.as_input(sc.organisation, sc.unit).parse(now)?;
                        let year = parsed.details.occurred.date().year();
                        let seq = next_ref.entry((sc.organisation, year)).or_insert(0);
                        *seq += 1;
                        let code = codes
                            .get(&sc.organisation)
                            .ok_or_else(|| AppError::Internal("agency without a code".into()))?;
                        let reference = CaseRef::generated(
                            code,
                            year,
                            u32::try_from(*seq).unwrap_or(u32::MAX),
                        )?;
                        let province = parsed.details.place.province();
                        *counts.1.entry(province.as_str().to_owned()).or_default() += 1;
                        let first_item = rows.items.len();
                        case_rows(&sc, &parsed, &reference, now, &mut rows)?;
                        for item in &rows.items[first_item..] {
                            *counts.0.entry(item.fields.substance.clone()).or_default() += 1;
                        }
                    }
                    Ok(())
                })();
                if let Err(e) = built {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
                if rows.cases.is_empty() {
                    break;
                }
                number += 1;
                let sha256 = batch_hash(&rows);
                if tx
                    .blocking_send(Ok(Batch {
                        number,
                        rows,
                        sha256,
                    }))
                    .is_err()
                {
                    break;
                }
            }
            let persons = generator.persons_named();
            (generator, counts, persons)
        });

        let mut done = Progress {
            batches: 0,
            cases: 0,
            items: 0,
            total_items: opts.items,
            persons: 0,
            objects: 0,
        };
        let mut case_persons = 0u64;
        let mut failure = None;
        while let Some(batch) = rx.recv().await {
            let batch = match batch {
                Ok(b) => b,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            };
            let rows = &batch.rows;
            let first = rows.cases.first().map(|c| c.fields.occurred_on.clone());
            let last = rows.cases.last().map(|c| c.fields.occurred_on.clone());
            let details = serde_json::json!({
                "generator": "dcis-synth",
                "seed": opts.seed,
                "batch": batch.number,
                "batches": total_batches,
                "params": {
                    "items": opts.items,
                    "years": opts.years,
                    "end": opts.end.to_string(),
                    "batch_cases": batch_cases,
                },
                "cases": rows.cases.len(),
                "items": rows.items.len(),
                "persons": rows.persons.len(),
                "case_persons": rows.case_persons.len(),
                "objects": rows.objects.len(),
                "occurred_from": first,
                "occurred_to": last,
                "sha256": batch.sha256,
            })
            .to_string();
            let result = async {
                let mut w = self.write_as_system().await?;
                w.bulk_load(&batch_id(opts.seed, batch.number), &details, rows)
                    .await?;
                w.commit().await?;
                Ok::<(), AppError>(())
            }
            .await;
            if let Err(e) = result {
                failure = Some(e);
                break;
            }
            done.batches += 1;
            done.cases += rows.cases.len() as u64;
            done.items += rows.items.len() as u64;
            done.persons += rows.persons.len() as u64;
            done.objects += rows.objects.len() as u64;
            case_persons += rows.case_persons.len() as u64;
            progress(&done);
        }
        drop(rx);
        let (generator, (substances, provinces), persons) = producer
            .await
            .map_err(|e| AppError::Internal(format!("the generator stopped: {e}")))?;
        if let Some(e) = failure {
            return Err(e.into());
        }
        // Fresh statistics for the query planner (Store::optimize).
        self.store.optimize().await?;
        let mut truth_rows = 0u64;
        if let Some(out) = truth {
            let mut w = csv::Writer::from_writer(out);
            let io = |e: csv::Error| GenerateError::Truth(e.to_string());
            w.write_record(["person_id", "variant_name", "agency", "record_id"])
                .map_err(io)?;
            for r in generator.truth() {
                w.write_record([
                    &r.person_id,
                    &r.variant_name,
                    &r.agency,
                    &r.record_id.to_string(),
                ])
                .map_err(io)?;
                truth_rows += 1;
            }
            w.flush().map_err(|e| GenerateError::Truth(e.to_string()))?;
        }
        // The analysis roll-up of the generated months, rebuilt once.
        self.store
            .refresh_stats()
            .await
            .map_err(|e| GenerateError::App(e.into()))?;
        Ok(Summary {
            batches: done.batches,
            cases: done.cases,
            items: done.items,
            start,
            end: opts.end,
            substances,
            provinces,
            persons,
            truth_rows,
            person_records: done.persons,
            case_persons,
            objects: done.objects,
        })
    }
}
