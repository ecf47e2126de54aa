//! Creating an installation (`dcis init`) and a demo instance (`dcis demo`).

use crate::error::AppError;
use crate::orgs::{OrganisationInput, UnitInput};
use crate::users::NewUserInput;
use crate::{App, Settings};
use dcis_domain::ids::{IdSource, InstallationId};
use dcis_domain::org::OrgCode;
use dcis_domain::time::Clock;
use dcis_domain::user::User;
use dcis_domain::FieldError;
use dcis_store::Store;
use std::collections::HashMap;
use std::sync::Arc;

const DEMO_ORGANISATIONS: &str = include_str!("../../../data/demo/organisations.csv");
const DEMO_UNITS: &str = include_str!("../../../data/demo/units.csv");
const DEMO_USERS: &str = include_str!("../../../data/demo/users.csv");
const DEMO_INTELLIGENCE: &str = include_str!("../../../data/demo/intelligence.csv");
const DEMO_CASES: &str = include_str!("../../../data/demo/cases.csv");

/// The password of every demo user. Demo instances are for trying dcis out
/// and must never hold real data.
pub const DEMO_PASSWORD: &str = "demo-password-2026";

#[derive(Debug, Clone)]
pub struct InitOptions {
    pub installation_name: String,
    pub admin_username: String,
    pub admin_display_name: String,
    /// Empty: generate one and return it once.
    pub admin_password: String,
}

pub struct Initialised {
    pub app: App,
    pub admin: User,
    pub generated_password: Option<String>,
}

/// Migrates the database, creates the installation, loads the geography
/// and creates the national commission with the first administrator.
/// Refuses a database that is already initialised.
pub async fn initialise(
    store: Store,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    settings: Settings,
    opts: &InitOptions,
) -> Result<Initialised, AppError> {
    // Check the administrator's details before anything is written, so a
    // typo in the password does not leave an installation without one.
    let mut errors = dcis_domain::FieldErrors::new();
    let username = errors.take(dcis_domain::user::UserName::parse(&opts.admin_username));
    errors.take(dcis_domain::user::DisplayName::parse(
        &opts.admin_display_name,
    ));
    if !opts.admin_password.is_empty() {
        errors.take(dcis_domain::user::NewPassword::parse(
            &opts.admin_password,
            username.as_ref(),
        ));
    }
    if opts.installation_name.trim().is_empty() {
        errors.push(FieldError::new("name", "err-required"));
    }
    errors.into_result()?;
    store
        .migrate()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if store.installation().await?.is_some() {
        return Err(AppError::Conflict {
            field: "installation",
            key: "err-already-initialised",
        });
    }
    let installation = InstallationId::from_uuid(ids.new_uuid(clock.now()));
    let app = App {
        store,
        clock,
        ids,
        installation,
        settings,
    };
    let mut w = app.write_as_system().await?;
    w.insert_installation(opts.installation_name.trim()).await?;
    w.commit().await?;
    app.load_reference_geography().await?;
    let org = app
        .create_organisation(
            None,
            &OrganisationInput {
                code: "LCDC".into(),
                kind: "national_commission".into(),
                name_en: "Lao National Commission for Drug Control and Supervision".into(),
                name_lo: "ຄະນະກຳມະການແຫ່ງຊາດເພື່ອກວດກາ ແລະ ຄວບຄຸມຢາເສບຕິດ".into(),
                province: String::new(),
            },
        )
        .await?;
    let unit = app
        .create_unit(
            None,
            &UnitInput {
                organisation: org.id.to_string(),
                name_en: "System administration".into(),
                name_lo: "ການບໍລິຫານລະບົບ".into(),
                province: "01".into(),
                district: String::new(),
            },
        )
        .await?;
    let (admin, generated_password) = app
        .create_user(
            None,
            &NewUserInput {
                username: opts.admin_username.clone(),
                display_name: opts.admin_display_name.clone(),
                password: opts.admin_password.clone(),
                unit: unit.id.to_string(),
                role: "administrator".into(),
                scope: "national".into(),
                clearance: "secret".into(),
                language: "en".into(),
            },
        )
        .await?;
    Ok(Initialised {
        app,
        admin,
        generated_password,
    })
}

fn rows(src: &str) -> Result<Vec<HashMap<String, String>>, AppError> {
    let mut rdr = csv::Reader::from_reader(src.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| AppError::Internal(e.to_string()))?
        .clone();
    rdr.records()
        .map(|r| {
            r.map(|rec| {
                headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_owned(), v.to_owned()))
                    .collect()
            })
            .map_err(|e| AppError::Internal(e.to_string()))
        })
        .collect()
}

fn get(r: &HashMap<String, String>, k: &str) -> String {
    r.get(k).cloned().unwrap_or_default()
}

/// Builds a demo instance: an initialised installation with synthetic
/// agencies, units, users (all with [`DEMO_PASSWORD`]) and the Border
/// Liaison Offices of the reference file.
pub async fn demo(
    store: Store,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    settings: Settings,
) -> Result<App, AppError> {
    let init = initialise(
        store,
        clock,
        ids,
        settings,
        &InitOptions {
            installation_name: "dcis demo".into(),
            admin_username: "admin".into(),
            admin_display_name: "Demo Administrator".into(),
            admin_password: DEMO_PASSWORD.into(),
        },
    )
    .await?;
    let app = init.app;
    for r in rows(DEMO_ORGANISATIONS)? {
        let code = get(&r, "code");
        if code == "LCDC" {
            continue;
        }
        app.create_organisation(
            None,
            &OrganisationInput {
                code,
                kind: get(&r, "kind"),
                name_en: get(&r, "name_en"),
                name_lo: get(&r, "name_lo"),
                province: get(&r, "province"),
            },
        )
        .await?;
    }
    let org_id = |code: String| {
        let app = app.clone();
        async move {
            let code = OrgCode::parse(&code)?;
            app.store
                .organisation_by_code(&code)
                .await?
                .map(|o| o.id)
                .ok_or_else(|| {
                    AppError::from(FieldError::new("organisation", "err-organisation-unknown"))
                })
        }
    };
    for r in rows(DEMO_UNITS)? {
        if get(&r, "name_en") == "System administration" {
            continue;
        }
        let org = org_id(get(&r, "organisation")).await?;
        app.create_unit(
            None,
            &UnitInput {
                organisation: org.to_string(),
                name_en: get(&r, "name_en"),
                name_lo: get(&r, "name_lo"),
                province: get(&r, "province"),
                district: get(&r, "district"),
            },
        )
        .await?;
    }
    for r in rows(DEMO_USERS)? {
        if get(&r, "username") == "admin" {
            continue;
        }
        let org = org_id(get(&r, "organisation")).await?;
        let unit = app
            .store
            .units(Some(org))
            .await?
            .into_iter()
            .find(|u| u.name_en.as_str() == get(&r, "unit"))
            .ok_or_else(|| {
                AppError::Internal(format!("demo unit {} not found", get(&r, "unit")))
            })?;
        app.create_user(
            None,
            &NewUserInput {
                username: get(&r, "username"),
                display_name: get(&r, "display_name"),
                password: DEMO_PASSWORD.into(),
                unit: unit.id.to_string(),
                role: get(&r, "role"),
                scope: get(&r, "scope"),
                clearance: get(&r, "clearance"),
                language: get(&r, "language"),
            },
        )
        .await?;
    }
    app.seed_border_liaison_offices().await?;
    seed_intelligence(&app).await?;
    seed_cases(&app).await?;
    Ok(app)
}

/// A few synthetic cases with seized items, recorded by the demo users
/// through the same write path as the forms.
async fn seed_cases(app: &App) -> Result<(), AppError> {
    let date_f = time::macros::format_description!("[year]-[month]-[day]");
    let today = app.local_now().date();
    for r in rows(DEMO_CASES)? {
        let user = dcis_domain::user::UserName::parse(&get(&r, "user"))?;
        let row =
            app.store.user_by_name(&user).await?.ok_or_else(|| {
                AppError::Internal(format!("demo user {} missing", user.as_str()))
            })?;
        let actor = app.actor_for(&row.user, None).await?;
        let days: i64 = get(&r, "days_ago").parse().unwrap_or(0);
        let form = crate::cases::CaseForm {
            fields: dcis_domain::case::CaseFields {
                reference: get(&r, "reference"),
                occurred_on: (today - time::Duration::days(days))
                    .format(date_f)
                    .unwrap_or_default(),
                occurred_time: get(&r, "time"),
                province: get(&r, "province"),
                district: get(&r, "district"),
                operation_name: get(&r, "operation_name"),
                detection_method: get(&r, "detection_method"),
                transport_mode: get(&r, "transport_mode"),
                concealment_method: get(&r, "concealment_method"),
                origin_country: get(&r, "origin_country"),
                destination_country: get(&r, "destination_country"),
                status: get(&r, "status"),
                narrative: get(&r, "narrative"),
                ..Default::default()
            },
            classification: get(&r, "classification"),
            tlp: get(&r, "tlp"),
        };
        // Items: substance|form|quantity|unit|tablet count|logo|packaging|brand, separated by ';'.
        let items: Vec<dcis_domain::seizure::SeizureItemFields> = get(&r, "items")
            .split(';')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                let p: Vec<&str> = s.split('|').collect();
                let at = |i: usize| p.get(i).copied().unwrap_or("").to_owned();
                dcis_domain::seizure::SeizureItemFields {
                    substance: at(0),
                    form: at(1),
                    quantity: at(2),
                    unit: at(3),
                    tablet_count: at(4),
                    tablet_logo: at(5),
                    packaging_kind: at(6),
                    packaging_brand: at(7),
                    ..Default::default()
                }
            })
            .collect();
        app.create_case(&actor, &form, &items).await?;
    }
    Ok(())
}

/// A sharing group of the Border Liaison Offices, a registered source and a
/// few synthetic intelligence reports from the police intelligence
/// division, shared in different ways, so that the demo shows the access
/// policy at work.
async fn seed_intelligence(app: &App) -> Result<(), AppError> {
    let actor_of = |name: &'static str| {
        let app = app.clone();
        async move {
            let row = app
                .store
                .user_by_name(&dcis_domain::user::UserName::parse(name)?)
                .await?
                .ok_or_else(|| AppError::Internal(format!("demo user {name} missing")))?;
            app.actor_for(&row.user, None).await
        }
    };
    let admin = actor_of("admin").await?;
    let supervisor = actor_of("supervisor").await?;
    let group = app
        .create_sharing_group(
            &admin,
            &crate::access::SharingGroupInput {
                code: "MEKONG-BLO".into(),
                name_en: "Mekong Border Liaison Offices".into(),
                name_lo: "ຫ້ອງການປະສານງານຊາຍແດນ ລຳແມ່ນ້ຳຂອງ".into(),
                description: "Demo group: the Border Liaison Offices on the Mekong and the police intelligence division.".into(),
            },
        )
        .await?;
    for code in ["BLO-HX", "BLO-BT"] {
        let org = app
            .store
            .organisation_by_code(&OrgCode::parse(code)?)
            .await?
            .ok_or_else(|| AppError::Internal(format!("demo organisation {code} missing")))?;
        app.set_group_member(&admin, group.id, "organisation", &org.id.to_string(), true)
            .await?;
    }
    app.register_source(
        &supervisor,
        "SRC-CNP-0001",
        "Synthetic informant (demo)",
        "Demo source; not a real person.",
    )
    .await?;
    let today = app.now().date();
    for r in rows(DEMO_INTELLIGENCE)? {
        let days: i64 = get(&r, "days_ago").parse().unwrap_or(0);
        let f = time::macros::format_description!("[year]-[month]-[day]");
        let reported_on = (today - time::Duration::days(days))
            .format(f)
            .unwrap_or_default();
        let report = app
            .create_intel_report(
                &supervisor,
                &crate::intel::IntelInput {
                    title: get(&r, "title"),
                    body: get(&r, "body"),
                    reported_on,
                    source_code: "SRC-CNP-0001".into(),
                    source_evaluation: get(&r, "source_evaluation"),
                    information_assessment: get(&r, "information_assessment"),
                    handling_code: get(&r, "handling_code"),
                    handling_conditions: get(&r, "handling_conditions"),
                    province: get(&r, "province"),
                    classification: get(&r, "classification"),
                    tlp: get(&r, "tlp"),
                    links: Vec::new(),
                },
            )
            .await?;
        let share = get(&r, "share_with");
        if let Some((kind, code)) = share.split_once(':') {
            let target_id = match kind {
                "group" => group.id.to_string(),
                _ => app
                    .store
                    .organisation_by_code(&OrgCode::parse(code)?)
                    .await?
                    .ok_or_else(|| AppError::Internal(format!("demo organisation {code} missing")))?
                    .id
                    .to_string(),
            };
            app.share_record(
                &supervisor,
                report.id,
                &crate::access::ShareInput {
                    target_kind: kind.into(),
                    target_id,
                    handling: "Demo share".into(),
                    expires_in_days: String::new(),
                    basis: String::new(),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// The demo user names, for the command line's greeting.
pub fn demo_usernames() -> Vec<(String, String)> {
    rows(DEMO_USERS)
        .unwrap_or_default()
        .iter()
        .map(|r| (get(r, "username"), get(r, "role")))
        .collect()
}
