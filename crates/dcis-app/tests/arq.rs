//! The ARQ seizure report over a fixed synthetic data set, on SQLite and
//! PostgreSQL: generated cases of 2024–2025 plus hand-made cases for the
//! edge cases (a drug in kilograms and in tablets, weighed and counted
//! tablets, a mass derived from a count, plants, hectares, litres, units,
//! a precursor, a secret case, a case without items). The expected figures
//! are computed here from the stored rows by plain SQL and a fold written
//! in this file, with the mapping and thresholds restated from
//! docs/reports.md; the report's JSON and its workbook (read back with
//! calamine) must match them exactly. Also: who may make it, bad, future
//! and empty years, the current year, the audit entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use dcis_app::cases::CaseForm;
use dcis_app::generate::GenerateOptions;
use dcis_app::reports::ReportFormat;
use dcis_app::users::NewUserInput;
use dcis_app::AppError;
use dcis_domain::case::CaseFields;
use dcis_domain::seizure::SeizureItemFields;
use dcis_i18n::Catalogue;
use dcis_policy::Denied;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use time::macros::date;

/// The ARQ row of each local drug code, restated from docs/reports.md.
const ROW_OF: &[(&str, &str)] = &[
    ("OPIUM_RAW", "OPIUM"),
    ("OPIUM_PREPARED", "OPIUM"),
    ("OPIUM_POPPY_PLANT", "OPIUM_POPPY"),
    ("MORPHINE", "MORPHINE"),
    ("HEROIN", "HEROIN"),
    ("PHARMA_OPIOID", "PHARMACEUTICAL_OPIOIDS"),
    ("TRAMADOL", "TRAMADOL"),
    ("COCAINE", "COCAINE"),
    ("COCAINE_BASE", "COCAINE_BASE"),
    ("CANNABIS_HERB", "CANNABIS_HERB"),
    ("CANNABIS_RESIN", "CANNABIS_RESIN"),
    ("CANNABIS_OIL", "CANNABIS_OIL"),
    ("CANNABIS_PLANT", "CANNABIS_PLANTS"),
    ("METH_TABLET", "METHAMPHETAMINE_TABLETS"),
    ("METH_CRYSTAL", "METHAMPHETAMINE_CRYSTAL"),
    ("METH_OTHER", "METHAMPHETAMINE_OTHER"),
    ("AMPHETAMINE", "AMPHETAMINE"),
    ("ECSTASY_TABLET", "ECSTASY"),
    ("MDMA_POWDER", "ECSTASY"),
    ("NIMETAZEPAM", "SEDATIVES"),
    ("BENZODIAZEPINE_OTHER", "SEDATIVES"),
    ("LSD", "LSD"),
    ("KETAMINE", "KETAMINE"),
    ("NPS_SYNTH_CANNABINOID", "SYNTHETIC_CANNABINOIDS"),
    ("NPS_SYNTH_CATHINONE", "SYNTHETIC_CATHINONES"),
    ("NPS_OTHER", "OTHER_NPS"),
    ("HAPPY_WATER", "DRUG_MIXTURES"),
    ("KRATOM", "KRATOM"),
    ("OTHER", "OTHER"),
];

/// The questionnaire's rows in order, restated.
const ROWS: &[&str] = &[
    "OPIUM",
    "OPIUM_POPPY",
    "MORPHINE",
    "HEROIN",
    "PHARMACEUTICAL_OPIOIDS",
    "TRAMADOL",
    "COCAINE",
    "COCAINE_BASE",
    "CANNABIS_HERB",
    "CANNABIS_RESIN",
    "CANNABIS_OIL",
    "CANNABIS_PLANTS",
    "METHAMPHETAMINE_TABLETS",
    "METHAMPHETAMINE_CRYSTAL",
    "METHAMPHETAMINE_OTHER",
    "AMPHETAMINE",
    "ECSTASY",
    "SEDATIVES",
    "LSD",
    "KETAMINE",
    "SYNTHETIC_CANNABINOIDS",
    "SYNTHETIC_CATHINONES",
    "OTHER_NPS",
    "DRUG_MIXTURES",
    "KRATOM",
    "OTHER",
];

/// The threshold of a row in a unit, in stored steps (µg, µl, items, m²),
/// restated from docs/reports.md.
fn threshold(row: &str, unit: &str) -> u128 {
    const KG: u128 = 1_000_000_000;
    const L: u128 = 1_000_000;
    match (row, unit) {
        ("OPIUM" | "CANNABIS_HERB" | "CANNABIS_RESIN", "kg") => 10 * KG,
        ("KRATOM", "kg") => 100 * KG,
        ("KRATOM", "l") => 100 * L,
        ("DRUG_MIXTURES", "l") => 10 * L,
        ("OPIUM_POPPY", "plants") => 10_000,
        (_, "kg") => KG,
        (_, "l") => L,
        (_, "tablets") => 10_000,
        (_, "units" | "plants") => 1_000,
        (_, "ha") => 10_000,
        other => panic!("no threshold for {other:?}"),
    }
}

/// Steps written as an exact decimal in the unit (µg → kg: 9 places).
fn decimal(steps: u128, unit: &str) -> String {
    let places = match unit {
        "kg" => 9,
        "l" => 6,
        "ha" => 4,
        _ => 0,
    };
    let div = 10u128.pow(places);
    let (whole, frac) = (steps / div, steps % div);
    if frac == 0 {
        return whole.to_string();
    }
    let f = format!("{frac:0width$}", width = places as usize);
    format!("{whole}.{}", f.trim_end_matches('0'))
}

/// A stored item of the year as this test reads it.
#[derive(Debug)]
struct Row {
    case: String,
    date: String,
    province: String,
    reference: String,
    rank: i64,
    substance: String,
    unit: String,
    steps: u128,
}

/// Every item of cases that occurred in `year`, read with plain SQL; the
/// unit of each by the documented rule (a count if there is one, else the
/// measure), as a CASE expression.
async fn items_of_year(url: &str, year: i32) -> Vec<Row> {
    use sqlx::Row as _;
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    let sql = format!(
        "SELECT lc.id, lc.occurred_on, lc.province_code, lc.reference, ra.classification_rank, si.substance, \
           CASE WHEN si.item_count IS NOT NULL THEN \
                  CASE si.unit WHEN 'units' THEN 'units' WHEN 'plants' THEN 'plants' ELSE 'tablets' END \
                WHEN si.mass_ug IS NOT NULL THEN 'kg' \
                WHEN si.volume_ul IS NOT NULL THEN 'l' ELSE 'ha' END AS arq_unit, \
           CAST(COALESCE(si.item_count, si.mass_ug, si.volume_ul, si.area_m2) AS TEXT) AS steps \
         FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
         JOIN record_access ra ON ra.record_id = lc.id \
         WHERE lc.occurred_on LIKE '{year}-%'"
    );
    sqlx::query(&sql)
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| Row {
            case: r.try_get::<String, _>(0).unwrap(),
            date: r.try_get::<String, _>(1).unwrap(),
            province: r.try_get::<String, _>(2).unwrap(),
            reference: r.try_get::<String, _>(3).unwrap(),
            rank: r.try_get::<i64, _>(4).unwrap(),
            substance: r.try_get::<String, _>(5).unwrap(),
            unit: r.try_get::<String, _>(6).unwrap(),
            steps: r.try_get::<String, _>(7).unwrap().parse().unwrap(),
        })
        .collect()
}

/// (unit, quantity, cases, items): one line of a list of figures.
type Quantity = (String, String, u64, u64);

/// A significant seizure as compared: (date, row, unit, quantity,
/// reference or none, province).
type Listed = (String, String, String, String, Option<String>, String);

/// (quantity, cases, items) per unit.
type Units = BTreeMap<String, (u128, BTreeSet<String>, u64)>;

#[derive(Default, Debug)]
struct Expected {
    /// Per ARQ row (or precursor code), per unit.
    lines: BTreeMap<String, Units>,
    precursors: BTreeMap<String, Units>,
    substances: BTreeMap<String, Units>,
    /// Significant: (date, row, unit, decimal, reference or None, province).
    significant: BTreeSet<Listed>,
}

fn fold(rows: &[Row]) -> Expected {
    let mut e = Expected::default();
    let row_of: BTreeMap<&str, &str> = ROW_OF.iter().copied().collect();
    let mut per_case: BTreeMap<(String, String, String), (u128, &Row)> = BTreeMap::new();
    for r in rows {
        let add = |m: &mut BTreeMap<String, Units>, key: &str| {
            let u = m
                .entry(key.to_owned())
                .or_default()
                .entry(r.unit.clone())
                .or_default();
            u.0 += r.steps;
            u.1.insert(r.case.clone());
            u.2 += 1;
        };
        add(&mut e.substances, &r.substance);
        match row_of.get(r.substance.as_str()) {
            Some(row) => {
                add(&mut e.lines, row);
                let k = (r.case.clone(), (*row).to_owned(), r.unit.clone());
                per_case.entry(k).or_insert((0, r)).0 += r.steps;
            }
            None => add(&mut e.precursors, &r.substance),
        }
    }
    for ((_, row, unit), (steps, r)) in per_case {
        if steps >= threshold(&row, &unit) {
            e.significant.insert((
                r.date.clone(),
                row,
                unit.clone(),
                decimal(steps, &unit),
                (r.rank <= 1).then(|| r.reference.clone()),
                r.province.clone(),
            ));
        }
    }
    e
}

/// The documented order of units in a list of figures.
const UNIT_ORDER: [&str; 6] = ["kg", "l", "tablets", "units", "plants", "ha"];

/// The (unit, quantity, cases, items) lines of a figure list, in the
/// documented order of units.
fn expected_quantities(u: Option<&Units>) -> Vec<Quantity> {
    let mut v: Vec<Quantity> = u
        .map(|u| {
            u.iter()
                .map(|(unit, (steps, cases, items))| {
                    (
                        unit.clone(),
                        decimal(*steps, unit),
                        cases.len() as u64,
                        *items,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort_by_key(|(unit, ..)| UNIT_ORDER.iter().position(|u| u == unit));
    v
}

fn json_quantities(v: &Value) -> Vec<Quantity> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["unit"].as_str().unwrap().to_owned(),
                q["quantity"].as_str().unwrap().to_owned(),
                q["cases"].as_u64().unwrap(),
                q["items"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn distinct_cases(u: Option<&Units>) -> u64 {
    u.map(|u| {
        u.values()
            .flat_map(|(_, c, _)| c.iter())
            .collect::<BTreeSet<_>>()
            .len() as u64
    })
    .unwrap_or(0)
}

fn item(substance: &str, form: &str, quantity: &str, unit: &str) -> SeizureItemFields {
    SeizureItemFields {
        substance: substance.into(),
        form: form.into(),
        quantity: quantity.into(),
        unit: unit.into(),
        ..Default::default()
    }
}

fn case(date: &str, province: &str, classification: &str) -> CaseForm {
    CaseForm {
        fields: CaseFields {
            occurred_on: date.into(),
            province: province.into(),
            transport_mode: "truck".into(),
            concealment_method: "tea_packaging".into(),
            origin_country: "MM".into(),
            destination_country: "TH".into(),
            narrative: "Synthetic case for the ARQ test: a narrative never shown in the report."
                .into(),
            ..Default::default()
        },
        classification: classification.into(),
        tlp: "TLP:AMBER".into(),
    }
}

async fn scalar(url: &str, sql: &str) -> String {
    use sqlx::Row as _;
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query(sql)
        .fetch_one(&mut c)
        .await
        .unwrap()
        .try_get::<String, _>(0)
        .unwrap()
}

async fn the_report_reconciles_with_the_records(db: Db) {
    let (app, url) = demo(db).await;
    app.generate(
        &GenerateOptions {
            seed: 20_251,
            items: 1_500,
            years: 2,
            end: date!(2025 - 12 - 31),
            batch_cases: 200,
        },
        None,
        &mut |_| {},
    )
    .await
    .unwrap();

    let sup = app.actor_for_username("supervisor").await.unwrap();
    let crossing = scalar(
        &url,
        "SELECT id FROM border_crossing WHERE province_code = '05' ORDER BY name_en LIMIT 1",
    )
    .await;
    // A: yaba counted and weighed as powder (kg and tablets), heroin in two
    // packages of 600 g (one seizure of 1.2 kg).
    let mut a = case("2025-03-14", "05", "restricted");
    a.fields.reference = "ARQ-TEST-A".into();
    a.fields.border_crossing = Some(crossing.parse().unwrap());
    a.fields.origin_province = String::new();
    app.create_case(
        &sup,
        &a,
        &[
            item("METH_TABLET", "tablet", "120000", "tablets"),
            item("METH_TABLET", "powder", "2.5", "kg"),
            item("HEROIN", "powder", "600", "g"),
            item("HEROIN", "powder", "0.6", "kg"),
        ],
    )
    .await
    .unwrap();
    // B: a secret case: listed without its reference.
    let mut b = case("2025-06-01", "03", "secret");
    b.fields.reference = "ARQ-TEST-SECRET".into();
    app.create_case(&sup, &b, &[item("METH_CRYSTAL", "crystal", "12.5", "kg")])
        .await
        .unwrap();
    // C: tablets weighed and counted; D: tablets counted with a weight per
    // tablet (the derived grams must not reach the kilograms).
    let mut weighed = item("METH_TABLET", "tablet", "2", "kg");
    weighed.tablet_count = "20000".into();
    let mut counted = item("METH_TABLET", "tablet", "5000", "tablets");
    counted.unit_weight_mg = "90".into();
    app.create_case(
        &sup,
        &case("2025-07-02", "05", "unclassified"),
        &[weighed, counted],
    )
    .await
    .unwrap();
    // E: plants, hectares, litres, units and a precursor.
    app.create_case(
        &sup,
        &case("2025-11-30", "01", "restricted"),
        &[
            item("CANNABIS_PLANT", "plant", "700", "plants"),
            item("OPIUM_POPPY_PLANT", "plant", "1.25", "ha"),
            item("KETAMINE", "liquid", "1500", "ml"),
            item("HAPPY_WATER", "sachet", "300", "units"),
            item("ACETIC_ANHYDRIDE", "liquid", "200", "l"),
        ],
    )
    .await
    .unwrap();
    // F: a case without items; G: a case of 2024 (not in 2025).
    app.create_case(&sup, &case("2025-12-31", "05", "restricted"), &[])
        .await
        .unwrap();
    app.create_case(
        &sup,
        &case("2024-12-31", "05", "restricted"),
        &[item("HEROIN", "powder", "50", "kg")],
    )
    .await
    .unwrap();

    let rows = items_of_year(&url, 2025).await;
    assert!(rows.len() > 500, "{} items", rows.len());
    let e = fold(&rows);
    let cat = Catalogue::load().unwrap();
    let analyst = app.actor_for_username("analyst").await.unwrap();

    // ---- JSON
    let file = app
        .arq_file(&analyst, "2025", ReportFormat::Json, "test", &cat)
        .await
        .unwrap();
    assert_eq!(file.file_name, "arq-seizures-LA-2025.json");
    let doc: Value = serde_json::from_slice(&file.bytes).unwrap();
    assert_eq!(doc["schema"], "dcis-arq-seizures/1");
    assert_eq!(doc["country"], "LA");
    assert_eq!(doc["year"], 2025);
    assert_eq!(doc["complete_year"], true);
    assert_eq!(doc["data_up_to"], "2025-12-31");
    assert_eq!(doc["generated_by"], "analyst");
    assert_eq!(doc["installation"], "dcis demo");

    // Coverage: every case of the year, with or without items.
    use sqlx::Row as _;
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let cases_of_year: i64 = sqlx::query(
        "SELECT COUNT(*) FROM law_case WHERE occurred_on >= '2025-01-01' AND occurred_on <= '2025-12-31'",
    )
    .fetch_one(&mut c)
    .await
    .unwrap()
    .get(0);
    let cov = &doc["coverage"];
    assert_eq!(cov["cases"].as_i64(), Some(cases_of_year));
    assert_eq!(cov["seized_items"].as_u64(), Some(rows.len() as u64));
    let with_items: BTreeSet<&str> = rows.iter().map(|r| r.case.as_str()).collect();
    assert_eq!(
        cov["cases_with_seized_items"].as_u64(),
        Some(with_items.len() as u64)
    );
    assert_eq!(cov["last_case_on"], "2025-12-31");
    let by_agency: i64 = cov["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["cases"].as_i64().unwrap())
        .sum();
    assert_eq!(by_agency, cases_of_year);

    // Every row, in order, with exactly the expected figures.
    let rows_json = doc["seizures"].as_array().unwrap();
    let codes: Vec<&str> = rows_json
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ROWS);
    for r in rows_json {
        let code = r["code"].as_str().unwrap();
        assert_eq!(
            json_quantities(&r["quantities"]),
            expected_quantities(e.lines.get(code)),
            "{code}"
        );
        assert_eq!(
            r["cases"].as_u64(),
            Some(distinct_cases(e.lines.get(code))),
            "{code}"
        );
        for s in r["by_substance"].as_array().unwrap() {
            let sc = s["code"].as_str().unwrap();
            assert_eq!(
                json_quantities(&s["quantities"]),
                expected_quantities(e.substances.get(sc)),
                "{sc}"
            );
        }
    }
    // The edge cases, spelled out: yaba in two units, never summed.
    let meth = rows_json
        .iter()
        .find(|r| r["code"] == "METHAMPHETAMINE_TABLETS")
        .unwrap();
    let units: Vec<&str> = meth["quantities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["unit"].as_str().unwrap())
        .collect();
    assert!(
        units.contains(&"kg") && units.contains(&"tablets"),
        "{units:?}"
    );
    let poppy = rows_json
        .iter()
        .find(|r| r["code"] == "OPIUM_POPPY")
        .unwrap();
    assert!(poppy["quantities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["unit"] == "ha"));
    // Precursors apart.
    let precursors: Vec<(String, Vec<Quantity>)> = doc["precursors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_owned(),
                json_quantities(&p["quantities"]),
            )
        })
        .collect();
    let expected_precursors: Vec<(String, Vec<Quantity>)> = e
        .precursors
        .iter()
        .map(|(k, u)| (k.clone(), expected_quantities(Some(u))))
        .collect();
    assert_eq!(precursors, expected_precursors);
    assert!(precursors.iter().any(|(c, _)| c == "ACETIC_ANHYDRIDE"));

    // Significant seizures: the same set; the secret case without its
    // reference; nothing about persons or narratives.
    let listed: BTreeSet<Listed> = doc["significant_seizures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["reference_withheld"], s["case_reference"].is_null());
            (
                s["date"].as_str().unwrap().to_owned(),
                s["drug"].as_str().unwrap().to_owned(),
                s["unit"].as_str().unwrap().to_owned(),
                s["quantity"].as_str().unwrap().to_owned(),
                s["case_reference"].as_str().map(str::to_owned),
                s["province"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(listed, e.significant);
    let n_significant = listed.len();
    assert!(listed.contains(&(
        "2025-06-01".into(),
        "METHAMPHETAMINE_CRYSTAL".into(),
        "kg".into(),
        "12.5".into(),
        None,
        "03".into()
    )));
    assert!(listed.contains(&(
        "2025-03-14".into(),
        "HEROIN".into(),
        "kg".into(),
        "1.2".into(),
        Some("ARQ-TEST-A".into()),
        "05".into()
    )));
    let text = String::from_utf8(file.bytes.clone()).unwrap();
    assert!(!text.contains("ARQ-TEST-SECRET"));
    assert!(!text.contains("narrative never shown"));
    let a_row = doc["significant_seizures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["case_reference"] == "ARQ-TEST-A")
        .unwrap();
    assert_eq!(a_row["origin_country"], "MM");
    assert_eq!(a_row["destination_country"], "TH");
    assert_eq!(a_row["transport_mode"], "truck");
    assert_eq!(a_row["concealment_method"], "tea_packaging");
    assert!(a_row["border_crossing"].is_string());
    assert!(a_row["agency"].is_string());
    let dates: Vec<&str> = doc["significant_seizures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["date"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "sorted by date");

    // ---- XLSX, read back with calamine.
    let xlsx = app
        .arq_file(&analyst, "2025", ReportFormat::Xlsx, "test", &cat)
        .await
        .unwrap();
    assert_eq!(xlsx.file_name, "arq-seizures-LA-2025.xlsx");
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec![
            "Cover",
            "Seizures",
            "By substance",
            "Individual seizures",
            "Notes"
        ]
    );
    let cell_text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    };
    let num = |d: &Data| match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    };
    let cover = book.worksheet_range("Cover").unwrap();
    let cover_rows: Vec<Vec<String>> = cover
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let value_of = |label: &str| {
        cover_rows
            .iter()
            .find(|r| r.first().map(String::as_str) == Some(label))
            .map(|r| r[2].clone())
            .unwrap_or_else(|| panic!("no {label} on the cover"))
    };
    assert_eq!(value_of("Country"), "Lao People's Democratic Republic (LA)");
    assert_eq!(value_of("Reporting year"), "2025");
    assert_eq!(value_of("Generated by"), "analyst (Analyst Demo)");
    assert_eq!(value_of("Generated at"), "2026-09-21 21:13 (UTC+07:00)");
    assert!(value_of("Data").starts_with(&format!("{cases_of_year} cases")));
    // The Lao label beside the English one.
    assert!(cover_rows
        .iter()
        .any(|r| r.get(1).map(String::as_str) == Some("ປະເທດ")));

    // The seizure table: each data line is (drug, quantity, unit, cases);
    // "--" lines for drugs without seizures.
    let labels: BTreeMap<String, &str> = ROWS
        .iter()
        .map(|c| {
            (
                cat.t(
                    dcis_domain::user::Language::En,
                    &format!("arq-drug-{}", c.to_lowercase().replace('_', "-")),
                ),
                *c,
            )
        })
        .collect();
    let unit_of_label = |s: &str| -> String {
        match s {
            "kg" => "kg",
            "litres" => "l",
            "tablets" => "tablets",
            "units" => "units",
            "plants" => "plants",
            "hectares" => "ha",
            other => panic!("unit label {other}"),
        }
        .to_owned()
    };
    let seizures = book.worksheet_range("Seizures").unwrap();
    let mut seen: BTreeMap<&str, Vec<(String, f64, u64)>> = BTreeMap::new();
    let mut dashes = BTreeSet::new();
    let mut in_precursors = false;
    let mut precursor_lines = 0;
    for r in seizures.rows() {
        let first = cell_text(&r[0]);
        if first.starts_with("Precursor chemicals seized") {
            in_precursors = true;
            continue;
        }
        let Some(code) = labels.get(&cell_text(&r[1])) else {
            if in_precursors && first == "precursor chemical (not in the ARQ)" {
                precursor_lines += 1;
            }
            continue;
        };
        if cell_text(&r[3]) == "--" {
            dashes.insert(*code);
            continue;
        }
        seen.entry(code).or_default().push((
            unit_of_label(&cell_text(&r[4])),
            num(&r[3]),
            num(&r[5]) as u64,
        ));
    }
    for code in ROWS {
        let expected: Vec<(String, f64, u64)> = expected_quantities(e.lines.get(*code))
            .into_iter()
            .map(|(u, q, cases, _)| (u, q.parse::<f64>().unwrap(), cases))
            .collect();
        if expected.is_empty() {
            assert!(dashes.contains(code), "{code} has no -- line");
            assert!(!seen.contains_key(code), "{code}");
        } else {
            assert_eq!(seen.get(code), Some(&expected), "{code}");
        }
    }
    assert_eq!(
        precursor_lines,
        e.precursors.values().map(BTreeMap::len).sum::<usize>()
    );

    let individual = book.worksheet_range("Individual seizures").unwrap();
    let data: Vec<Vec<String>> = individual
        .rows()
        .skip(5)
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    assert_eq!(data.len(), n_significant);
    assert!(data
        .iter()
        .any(|r| r[0] == "2025-06-01" && r[15] == "withheld (classified case)"));
    assert!(data
        .iter()
        .any(|r| r[0] == "2025-03-14" && r[15] == "ARQ-TEST-A" && r[12] == "truck"));
    let notes = book.worksheet_range("Notes").unwrap();
    let mapped: BTreeSet<(String, String)> = notes
        .rows()
        .filter(|r| r.len() > 3)
        .map(|r| (cell_text(&r[0]), cell_text(&r[3])))
        .collect();
    for (sub, row) in ROW_OF {
        assert!(
            mapped.contains(&((*sub).to_owned(), (*row).to_owned())),
            "mapping of {sub}"
        );
    }

    // ---- The store's batches: read 7 cases at a time (so that batches
    // end inside a day), they are every case of the year once, in order
    // of date and id, with every item.
    let grant = dcis_policy::reports::NationalFigures::authorise(&analyst).unwrap();
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut items_read = 0;
    let mut after = None;
    loop {
        let batch = app
            .store
            .report_cases_items(&grant, "2025-01-01", "2025-12-31", after.as_ref(), 7)
            .await
            .unwrap();
        let Some(last) = batch.last() else { break };
        assert!(batch.len() <= 7);
        after = Some(dcis_store::ReportCursor {
            occurred_on: last.occurred_on.clone(),
            id: last.id,
        });
        for c in &batch {
            seen.push((c.occurred_on.clone(), c.id.to_string()));
            items_read += c.items.len();
        }
    }
    let mut all: Vec<(String, String)> = {
        use sqlx::Row as _;
        sqlx::query("SELECT occurred_on, id FROM law_case WHERE occurred_on LIKE '2025-%'")
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect()
    };
    all.sort();
    assert_eq!(seen, all);
    assert_eq!(items_read, rows.len());

    // ---- Audit: one `report` entry per file, naming no case, with the
    // file's SHA-256.
    let entries = app
        .store
        .audit_history("report", &file.id.to_string())
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    let after: Value = serde_json::from_str(&entries[0].after).unwrap();
    assert_eq!(after["sha256"], file.sha256);
    assert_eq!(after["year"], 2025);
    assert_eq!(after["format"], "json");
    let keys: BTreeSet<&str> = after
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["event", "year", "format", "path", "bytes", "sha256"])
    );
    let n_reports: i64 =
        sqlx::query("SELECT COUNT(*) FROM audit_entry WHERE entity_type = 'report'")
            .fetch_one(&mut c)
            .await
            .unwrap()
            .get(0);
    assert_eq!(n_reports, 2);
    assert!(app.store.verify_audit_chain(500).await.unwrap().is_ok());
}
both!(the_report_reconciles_with_the_records);

async fn who_may_and_which_years(db: Db) {
    let (app, url) = demo(db).await;
    let cat = Catalogue::load().unwrap();
    let sup = app.actor_for_username("supervisor").await.unwrap();
    app.create_case(
        &sup,
        &case("2026-02-01", "05", "restricted"),
        &[item("HEROIN", "powder", "2", "kg")],
    )
    .await
    .unwrap();

    // Permission and scope.
    let clerk = app.actor_for_username("clerk.bokeo").await.unwrap();
    let admin = app.actor_for_username("admin").await.unwrap();
    for a in [&clerk, &admin] {
        match app.arq_report(a, "2026").await {
            Err(AppError::Forbidden(Denied::Permission(_))) => {}
            other => panic!("{other:?}"),
        }
    }
    let unit = scalar(
        &url,
        "SELECT u.id FROM unit u JOIN organisation o ON o.id = u.organisation_id WHERE o.code = 'LCDC' ORDER BY u.name_en LIMIT 1",
    )
    .await;
    app.create_user(
        None,
        &NewUserInput {
            username: "analyst.bokeo".into(),
            display_name: "Provincial analyst".into(),
            password: "correct horse battery staple".into(),
            unit,
            role: "analyst".into(),
            scope: "05".into(),
            clearance: "secret".into(),
            language: "en".into(),
        },
    )
    .await
    .unwrap();
    let provincial = app.actor_for_username("analyst.bokeo").await.unwrap();
    match app.arq_report(&provincial, "2026").await {
        Err(AppError::Forbidden(Denied::NationalScopeRequired)) => {}
        other => panic!("{other:?}"),
    }
    match app.arq_years(&provincial).await {
        Err(AppError::Forbidden(Denied::NationalScopeRequired)) => {}
        other => panic!("{other:?}"),
    }

    // Bad, early, future and empty years, each on the field `year`.
    let analyst = app.actor_for_username("analyst").await.unwrap();
    for (year, key) in [
        ("20x5", "err-report-year"),
        ("", "err-required"),
        ("1969", "err-report-year-early"),
        ("2027", "err-report-year-future"),
        ("2019", "err-report-no-data"),
    ] {
        match app.arq_report(&analyst, year).await {
            Err(AppError::Validation(f)) => {
                assert_eq!(
                    f.0.iter().map(|e| (e.field, e.key)).collect::<Vec<_>>(),
                    vec![("year", key)],
                    "{year:?}"
                );
            }
            other => panic!("{year:?}: {other:?}"),
        }
    }
    // Nothing is audited for a refused report.
    match app
        .arq_file(&analyst, "2019", ReportFormat::Xlsx, "test", &cat)
        .await
    {
        Err(AppError::Validation(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        raw_i64(
            &url,
            "SELECT COUNT(*) FROM audit_entry WHERE entity_type = 'report'"
        )
        .await,
        0
    );

    // The current year: not complete, up to today; the demo's own cases
    // (days before today) are in it too.
    let years = app.arq_years(&analyst).await.unwrap();
    assert!(
        years.iter().any(|(y, n)| *y == 2026 && *n >= 1),
        "{years:?}"
    );
    let r = app.arq_report(&analyst, "2026").await.unwrap();
    assert!(!r.complete);
    assert_eq!(r.up_to, "2026-09-21");
    // Heroin of 2026: this test's 2 kg plus the demo's own, summed in SQL.
    let heroin_ug: u128 = scalar(
        &url,
        "SELECT CAST(SUM(si.mass_ug) AS TEXT) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
         WHERE si.substance = 'HEROIN' AND lc.occurred_on LIKE '2026-%'",
    )
    .await
    .parse()
    .unwrap();
    assert!(heroin_ug >= 2_000_000_000);
    let heroin = &r.figures.drugs[&dcis_domain::arq::ArqDrug::Heroin];
    assert_eq!(
        heroin.by_unit.values().next().unwrap().amount.to_string(),
        format!("{} kg", decimal(heroin_ug, "kg"))
    );
    let file = app
        .arq_file(&analyst, "2026", ReportFormat::Json, "test", &cat)
        .await
        .unwrap();
    let doc: Value = serde_json::from_slice(&file.bytes).unwrap();
    assert_eq!(doc["complete_year"], false);
    assert_eq!(doc["data_up_to"], "2026-09-21");
    // A supervisor may make it too.
    app.arq_report(&sup, "2026").await.unwrap();
}
both!(who_may_and_which_years);
