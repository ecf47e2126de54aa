//! Export of case lists to CSV and XLSX over HTTP, on both engines: who may
//! export, which cases (readable only, never those merely listed), the
//! filters, the file formats read back with independent parsers, the audit
//! entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::json;
use std::collections::HashMap;

/// The export's columns, written out here independently: the contract a
/// later import relies on.
const COLUMNS: &[&str] = &[
    "case_id",
    "reference",
    "occurred_on",
    "occurred_time",
    "province",
    "district",
    "village",
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
    "agency",
    "agency_code",
    "owner_unit",
    "created_at",
    "updated_at",
    "item_id",
    "position",
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
    "grams",
    "grams_derived_from_count",
    "millilitres",
    "count",
    "hectares",
];

const LAO_OPERATION: &str = "ປະຕິບັດການ ແມ່ນ້ຳຂອງ";
const LAO_NARRATIVE: &str = "ກວດພົບ \"ຢາບ້າ\", ເຊື່ອງໃນຫໍ່ຊາ ຢູ່ດ່ານກວດ ເມືອງຫ້ວຍຊາຍ.\nແຖວທີສອງ: ຂໍ້ມູນທົດລອງ.";
const LAO_BRAND: &str = "ຊາລາວ ທົດລອງ";

/// Rows of a query, every column as text (NULL as "").
async fn rows(d: &Database, sql: &str) -> Vec<Vec<String>> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&d.url)
        .await
        .unwrap();
    sqlx::query(sql)
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| {
                    r.try_get::<Option<String>, _>(i)
                        .unwrap()
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// A downloaded export: its headers checked, its body returned.
async fn download(c: &reqwest::Client, s: &Server, path: &str, ext: &str) -> Vec<u8> {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    let ct = header(&r, "content-type");
    let cd = header(&r, "content-disposition");
    let body = r.bytes().await.unwrap().to_vec();
    assert_eq!(
        status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&body[..body.len().min(2000)])
    );
    let expected_ct = if ext == "csv" {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    assert_eq!(ct, expected_ct);
    // attachment; filename="cases-YYYY-MM-DD.ext"
    let name = cd
        .strip_prefix("attachment; filename=\"")
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or_else(|| panic!("content-disposition {cd:?}"));
    let date = name
        .strip_prefix("cases-")
        .and_then(|x| x.strip_suffix(&format!(".{ext}")))
        .unwrap_or_else(|| panic!("file name {name:?}"));
    assert!(
        date.len() == 10
            && date.chars().enumerate().all(|(i, ch)| if i == 4 || i == 7 {
                ch == '-'
            } else {
                ch.is_ascii_digit()
            }),
        "{name}"
    );
    body
}

/// Parses an exported CSV: BOM, CRLF records, the header; returns the data
/// rows as maps from column to value, with the formula guard undone.
fn parse_csv(body: &[u8]) -> Vec<HashMap<String, String>> {
    assert_eq!(&body[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = std::str::from_utf8(&body[3..]).expect("UTF-8");
    assert!(
        text.starts_with(&format!("{}\r\n", COLUMNS.join(","))),
        "header row, CRLF: {}",
        &text[..text.len().min(600)]
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, COLUMNS);
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), COLUMNS.len());
            header
                .iter()
                .cloned()
                .zip(
                    rec.iter()
                        .map(|v| v.strip_prefix('\'').unwrap_or(v).to_owned()),
                )
                .collect()
        })
        .collect()
}

/// An exported XLSX read back: the header, the data rows as raw cells, and
/// the workbook's defined names.
type Sheet = (Vec<String>, Vec<Vec<calamine::Data>>, Vec<(String, String)>);

/// Parses an exported XLSX with calamine.
fn parse_xlsx(body: &[u8]) -> Sheet {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(body.to_vec())).unwrap();
    assert_eq!(wb.sheet_names(), vec!["cases".to_owned()]);
    let names = wb.defined_names().to_vec();
    let range = wb.worksheet_range("cases").unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    let mut it = range.rows();
    let header = it
        .next()
        .unwrap()
        .iter()
        .map(|c| match c {
            calamine::Data::String(s) => s.clone(),
            other => panic!("header cell {other:?}"),
        })
        .collect();
    (header, it.map(<[calamine::Data]>::to_vec).collect(), names)
}

/// The (reference, item position, quantity as entered, substance) of each
/// row, sorted: what the database says must be exported.
fn keys(rows: &[HashMap<String, String>]) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r["reference"].clone(),
                r["position"].clone(),
                r["quantity"].clone(),
                r["substance"].clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The same from SQL, over the cases matching `condition` (on `lc` and `ra`).
async fn expected(d: &Database, condition: &str) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = rows(
        d,
        &format!(
            "SELECT lc.reference, COALESCE(CAST(si.position AS TEXT), ''), COALESCE(si.quantity, ''), COALESCE(si.substance, '') \
             FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
             LEFT JOIN seizure_item si ON si.case_id = lc.id WHERE {condition}"
        ),
    )
    .await
    .into_iter()
    .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
    .collect();
    v.sort();
    v
}

async fn export_cases(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let cnp = d
        .scalar_text("SELECT id FROM organisation WHERE code = 'CNP'")
        .await;

    // Cases with Lao text, quotes, a comma, a line break, a formula-like
    // tablet logo, a quantity with a trailing zero, and one without items,
    // recorded by the Bokeo clerk (CNP) in Bokeo.
    let (clerk, clerk_csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let lao = json_of(
        api_post(
            &clerk,
            &s,
            &clerk_csrf,
            "/api/v1/cases",
            &json!({
                "reference": "BK-EXP-1", "occurred_on": "2026-03-14", "occurred_time": "21:05",
                "province": "05", "district": "0501", "operation_name": LAO_OPERATION,
                "detection_method": "checkpoint_search", "transport_mode": "truck",
                "concealment_method": "tea_packaging", "origin_country": "MM", "destination_country": "TH",
                "narrative": LAO_NARRATIVE, "classification": "restricted", "tlp": "TLP:AMBER",
                "items": [
                    {"substance": "METH_TABLET", "form": "tablet", "quantity": "20000", "unit": "tablets",
                     "tablet_logo": "=WY", "packaging_kind": "tea_packet", "packaging_brand": LAO_BRAND,
                     "price": "15000", "price_currency": "LAK", "price_per": "tablets"},
                    {"substance": "METH_CRYSTAL", "form": "crystal", "quantity": "1.250", "unit": "kg",
                     "purity": "78.5", "lab_reference": "LAB-2026-17"}
                ]
            }),
        )
        .await,
        201,
    )
    .await;
    let lao_id = lao["id"].as_str().unwrap().to_owned();
    json_of(
        api_post(
            &clerk,
            &s,
            &clerk_csrf,
            "/api/v1/cases",
            &json!({"reference": "BK-EXP-2", "occurred_on": "2026-03-15", "province": "05",
                    "classification": "restricted", "tlp": "TLP:GREEN"}),
        )
        .await,
        201,
    )
    .await;
    // A case of the police supervisor in Luang Namtha, for the province filter.
    let (sup, sup_csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;
    json_of(
        api_post(
            &sup,
            &s,
            &sup_csrf,
            "/api/v1/cases",
            &json!({"reference": "LN-EXP-1", "occurred_on": "2026-02-01", "province": "03",
                    "classification": "confidential", "tlp": "TLP:AMBER",
                    "items": [{"substance": "HEROIN", "form": "powder", "quantity": "350", "unit": "g"}]}),
        )
        .await,
        201,
    )
    .await;
    let audit_before = d.count("audit_entry", "entity_type = 'export'").await;

    // The supervisor sees the export links on the list; a data clerk does not.
    let page = sup
        .get(s.url("/cases?province=05&substance=METH_CRYSTAL"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("href=\"/cases/export.csv?q=&amp;from=&amp;to=&amp;province=05&amp;status=&amp;substance=METH_CRYSTAL\""),
        "{page}"
    );
    assert!(page.contains("href=\"/cases/export.xlsx?"));
    assert!(page.contains("Export CSV") && page.contains("Export XLSX"));
    let page = clerk
        .get(s.url("/cases"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("/cases/export."), "{page}");

    // The supervisor (CNP, national, secret) reads every CNP case; the
    // customs case in Bokeo is listed for them but is not theirs to read.
    let listed = api_get(&sup, &s, "/api/v1/cases?per_page=500").await;
    let customs_ref = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["readable"] == json!(false))
        .expect("a listed, unreadable case")["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let sup_readable = format!("ra.owner_organisation_id = '{cnp}'");

    // CSV, everything.
    let body = download(&sup, &s, "/cases/export.csv", "csv").await;
    let csv_rows = parse_csv(&body);
    assert_eq!(keys(&csv_rows), expected(&d, &sup_readable).await);
    assert_eq!(
        csv_rows.len() as i64,
        d.scalar_i64(&format!(
            "SELECT COUNT(*) FROM law_case lc JOIN record_access ra ON ra.record_id = lc.id \
             LEFT JOIN seizure_item si ON si.case_id = lc.id WHERE {sup_readable}"
        ))
        .await,
        "one row per item, one per case without items"
    );
    assert!(csv_rows.iter().all(|r| r["reference"] != customs_ref));
    // Newest first, as the list.
    let dates: Vec<&str> = csv_rows.iter().map(|r| r["occurred_on"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    // Values as stored, Lao text intact, quantities as typed.
    let lao_rows: Vec<_> = csv_rows
        .iter()
        .filter(|r| r["reference"] == "BK-EXP-1")
        .collect();
    assert_eq!(lao_rows.len(), 2);
    for r in &lao_rows {
        assert_eq!(r["case_id"], lao_id);
        assert_eq!(r["operation_name"], LAO_OPERATION);
        assert_eq!(r["narrative"], LAO_NARRATIVE);
        assert_eq!(r["occurred_on"], "2026-03-14");
        assert_eq!(r["agency"], cnp);
        assert_eq!(r["agency_code"], "CNP");
        assert_eq!(r["classification"], "restricted");
        assert_eq!(r["tlp"], "TLP:AMBER");
    }
    let by_pos = |p: &str| lao_rows.iter().find(|r| r["position"] == p).unwrap();
    assert_eq!(by_pos("1")["tablet_logo"], "=WY");
    assert_eq!(by_pos("1")["packaging_brand"], LAO_BRAND);
    assert_eq!(by_pos("1")["count"], "20000");
    assert_eq!(by_pos("1")["grams"], "");
    assert_eq!(by_pos("2")["quantity"], "1.250", "as typed");
    assert_eq!(by_pos("2")["grams"], "1250");
    assert_eq!(by_pos("2")["grams_derived_from_count"], "false");
    assert_eq!(by_pos("2")["purity"], "78.5");
    for (col, sql) in [
        ("item_id", "si.id"),
        ("quantity", "si.quantity"),
        ("lab_reference", "si.lab_reference"),
    ] {
        assert_eq!(
            by_pos("2")[col],
            d.scalar_text(&format!(
                "SELECT {sql} FROM seizure_item si WHERE si.case_id = '{lao_id}' AND si.position = 2"
            ))
            .await
        );
    }
    // In the file itself, the formula-like logo is guarded and the narrative
    // quoted (RFC 4180: quotes doubled, the line break inside the quotes).
    let text = String::from_utf8(body.clone()).unwrap();
    assert!(text.contains(",'=WY,"), "formula guard");
    assert!(text.contains(&format!("\"{}\"", LAO_NARRATIVE.replace('"', "\"\""))));
    let empty = csv_rows
        .iter()
        .find(|r| r["reference"] == "BK-EXP-2")
        .unwrap();
    for col in &COLUMNS[27..] {
        assert_eq!(empty[*col], "", "{col} of a case without items");
    }

    // XLSX, the same rows: text stays text (dates, quantities as typed),
    // the normalised measures are numbers, Lao text intact.
    let body = download(&sup, &s, "/cases/export.xlsx", "xlsx").await;
    let (head, data, names) = parse_xlsx(&body);
    assert_eq!(head, COLUMNS);
    assert!(
        names
            .iter()
            .any(|(n, v)| n == "_xlnm._FilterDatabase" && v.contains("$A$1:")),
        "autofilter over the table: {names:?}"
    );
    assert_eq!(data.len(), csv_rows.len());
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
    for (x, c) in data.iter().zip(&csv_rows) {
        for (i, name) in COLUMNS.iter().enumerate() {
            let cell = x.get(i).cloned().unwrap_or(calamine::Data::Empty);
            let v = &c[*name];
            match cell {
                calamine::Data::Empty => assert_eq!(v, "", "{name}"),
                calamine::Data::String(s) => {
                    assert!(
                        !["grams", "millilitres", "count", "hectares"].contains(name),
                        "{name} is a number"
                    );
                    assert_eq!(&s, v, "{name}");
                }
                calamine::Data::Float(f) => {
                    assert!(
                        ["grams", "millilitres", "count", "hectares"].contains(name),
                        "{name} should be text"
                    );
                    assert!((f - v.parse::<f64>().unwrap()).abs() < 1e-9, "{name}");
                }
                calamine::Data::Int(n) => assert_eq!(n.to_string(), *v, "{name}"),
                calamine::Data::Bool(b) => {
                    assert_eq!(*name, "grams_derived_from_count");
                    assert_eq!(b.to_string(), *v);
                }
                other => panic!("{name}: unexpected {other:?}"),
            }
        }
    }
    let lao_x = data
        .iter()
        .find(|r| {
            r[col("reference")] == calamine::Data::String("BK-EXP-1".into())
                && r[col("position")] == calamine::Data::String("2".into())
        })
        .unwrap();
    assert_eq!(
        lao_x[col("narrative")],
        calamine::Data::String(LAO_NARRATIVE.into())
    );
    assert_eq!(
        lao_x[col("quantity")],
        calamine::Data::String("1.250".into())
    );
    assert_eq!(
        lao_x[col("occurred_on")],
        calamine::Data::String("2026-03-14".into())
    );
    assert_eq!(lao_x[col("grams")], calamine::Data::Float(1250.0));
    let logo_x = data
        .iter()
        .find(|r| {
            r[col("reference")] == calamine::Data::String("BK-EXP-1".into())
                && r[col("position")] == calamine::Data::String("1".into())
        })
        .unwrap();
    assert_eq!(
        logo_x[col("tablet_logo")],
        calamine::Data::String("=WY".into()),
        "a string, not a formula"
    );
    assert_eq!(logo_x[col("count")], calamine::Data::Float(20000.0));

    // Filters apply: province and substance, the same as the list's.
    let body = download(&sup, &s, "/cases/export.csv?province=03", "csv").await;
    let rows03 = parse_csv(&body);
    assert_eq!(
        keys(&rows03),
        expected(&d, &format!("{sup_readable} AND lc.province_code = '03'")).await
    );
    assert!(rows03.iter().all(|r| r["reference"] == "LN-EXP-1"));
    assert_eq!(rows03.len(), 1);
    let body = download(
        &sup,
        &s,
        "/api/v1/cases/export?format=csv&province=05&substance=meth_crystal",
        "csv",
    )
    .await;
    let crystal = parse_csv(&body);
    assert_eq!(
        keys(&crystal),
        expected(
            &d,
            &format!(
                "{sup_readable} AND lc.province_code = '05' AND EXISTS \
                 (SELECT 1 FROM seizure_item x WHERE x.case_id = lc.id AND x.substance = 'METH_CRYSTAL')"
            )
        )
        .await
    );
    assert!(crystal.iter().any(|r| r["reference"] == "BK-EXP-1"));
    assert!(crystal.iter().all(|r| r["reference"] != "BK-EXP-2"));
    let list = api_get(
        &sup,
        &s,
        "/api/v1/cases?province=05&substance=meth_crystal&per_page=500",
    )
    .await;
    let mut listed_refs: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["readable"] == json!(true))
        .map(|r| r["reference"].as_str().unwrap().to_owned())
        .collect();
    listed_refs.sort();
    let mut exported_refs: Vec<String> = crystal.iter().map(|r| r["reference"].clone()).collect();
    exported_refs.sort();
    exported_refs.dedup();
    assert_eq!(
        exported_refs, listed_refs,
        "the export is the list's readable cases"
    );

    // An analyst (LCDC, national) reads nothing of the police until a case
    // is shared; the other restricted cases stay listed for them and are
    // never exported.
    let analyst_id = d.user_id("analyst").await;
    json_of(
        api_post(
            &sup,
            &s,
            &sup_csrf,
            &format!("/api/v1/records/{lao_id}/shares"),
            &json!({"target_kind": "user", "target_id": analyst_id, "handling": "analysis only"}),
        )
        .await,
        201,
    )
    .await;
    let (analyst, _) = login(&s, "analyst", DEMO_PASSWORD).await;
    let listed = api_get(&analyst, &s, "/api/v1/cases?per_page=500").await;
    let unreadable: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["readable"] == json!(false))
        .map(|r| r["reference"].as_str().unwrap().to_owned())
        .collect();
    assert!(unreadable.len() >= 2, "{listed}");
    let body = download(&analyst, &s, "/api/v1/cases/export?format=csv", "csv").await;
    let a_rows = parse_csv(&body);
    let analyst_unit = d
        .scalar_text(&format!(
            "SELECT unit_id FROM app_user WHERE id = '{analyst_id}'"
        ))
        .await;
    assert_eq!(
        keys(&a_rows),
        expected(
            &d,
            &format!(
                "ra.classification_rank <= 2 AND (ra.owner_unit_id = '{analyst_unit}' OR EXISTS \
                 (SELECT 1 FROM record_share s WHERE s.record_id = ra.record_id AND s.target_kind = 'user' \
                 AND s.target_id = '{analyst_id}' AND s.revoked_at IS NULL))"
            )
        )
        .await
    );
    assert_eq!(a_rows.len(), 2);
    assert!(a_rows.iter().all(|r| r["reference"] == "BK-EXP-1"
        && r["narrative"] == LAO_NARRATIVE
        && !unreadable.contains(&r["reference"])));
    let body = download(&analyst, &s, "/api/v1/cases/export?format=xlsx", "xlsx").await;
    let (_, a_data, _) = parse_xlsx(&body);
    assert_eq!(a_data.len(), 2);

    // A data clerk may not export: 403 on the page and in the API, and no
    // audit entry. A bad format is a 422 naming the field.
    let r = clerk.get(s.url("/cases/export.csv")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(header(&r, "content-type").starts_with("text/html"));
    let r = clerk
        .get(s.url("/api/v1/cases/export?format=xlsx"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(
        (status, p["code"].clone()),
        (403, json!("denied-permission"))
    );
    let r = sup
        .get(s.url("/api/v1/cases/export?format=pdf"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), vec!["format"]);
    let r = client()
        .get(s.url("/cases/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "not logged in: to the log-in page");

    // Every export is one audit entry on the export: who, which filter, how
    // many; refused exports leave none. The chain still verifies.
    assert_eq!(
        d.count("audit_entry", "entity_type = 'export'").await,
        audit_before + 6
    );
    let entries = rows(
        &d,
        "SELECT actor_name, action, after_json FROM audit_entry WHERE entity_type = 'export' ORDER BY seq",
    )
    .await;
    let entries: Vec<(String, String, serde_json::Value)> = entries
        .into_iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].clone(),
                serde_json::from_str(&r[2]).unwrap(),
            )
        })
        .collect();
    assert!(entries
        .iter()
        .all(|(_, action, e)| action == "event" && e["event"] == json!("cases_exported")));
    let (who, _, first) = &entries[0];
    assert_eq!(who, "supervisor");
    assert_eq!(first["format"], json!("csv"));
    assert_eq!(first["path"], json!("/cases/export.csv"));
    assert_eq!(first["rows"], json!(csv_rows.len()));
    assert_eq!(first["filter"], json!({}));
    let ids = first["case_ids"].as_array().unwrap();
    assert!(ids.contains(&json!(lao_id)));
    assert_eq!(first["sha256"].as_str().unwrap().len(), 64);
    let (_, _, crystal_entry) = &entries[3];
    assert_eq!(
        crystal_entry["filter"],
        json!({"province": "05", "substance": "meth_crystal"})
    );
    assert_eq!(crystal_entry["rows"], json!(crystal.len()));
    let (who, _, last) = entries.last().unwrap();
    assert_eq!(who, "analyst");
    assert_eq!(last["format"], json!("xlsx"));
    assert_eq!(last["case_ids"], json!([lao_id]));
    let (code, out, err) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}{err}");
}
both_backends!(export_cases);
