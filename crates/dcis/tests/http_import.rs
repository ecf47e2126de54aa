//! Import of cases over HTTP (API and pages), on both engines: dry run,
//! all-or-nothing and good-rows modes with bad rows, re-import of the same
//! file, the bad-rows file, XLSX upload through the page, jobs private to
//! their starter, files that cannot be read, and the export round trip
//! (export from one instance, import into another, same records).
//! Expected values come from the files written here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::Value;
use std::time::Duration;

const GOOD: &str = "reference,occurred_on,occurred_time,province,district,substance,form,quantity,unit,tablet_logo,narrative\n\
IMP-001,2026-01-10,22:15,05,0501,METH_TABLET,tablet,2000,tablets,WY,Synthetic import case one\n\
IMP-001,,,,,METH_CRYSTAL,crystal,1.5,kg,,\n\
IMP-002,2026-01-11,,05,,HEROIN,,0.75,kg,,\"Synthetic, with a comma; ຂໍ້ມູນສົມມຸດ\"\n\
IMP-003,2026-01-12,,05,0502,CANNABIS_HERB,,3,kg,,\n\
IMP-003,2026-01-12,,05,0502,METH_TABLET,tablet,500,tablets,999,\n";

/// Rows 3 (unknown substance) and 6 (a date in the future) are bad; case
/// BAD-002 (rows 3 and 4) and BAD-004 (row 6) are not imported, BAD-001
/// and BAD-003 are.
const BAD: &str = "reference,occurred_on,province,substance,quantity,unit\n\
BAD-001,2026-02-01,05,HEROIN,1,kg\n\
BAD-002,2026-02-02,05,NOT_A_DRUG,1,kg\n\
BAD-002,2026-02-02,05,HEROIN,2,kg\n\
BAD-003,2026-02-03,05,CANNABIS_HERB,4,kg\n\
BAD-004,2099-02-04,05,HEROIN,1,kg\n";

async fn start_import(
    c: &reqwest::Client,
    s: &Server,
    csrf: &str,
    query: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    c.post(s.url(&format!("/api/v1/imports/cases?{query}")))
        .header("x-csrf-token", csrf)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Starts an import through the API and waits for it to finish.
async fn import(c: &reqwest::Client, s: &Server, csrf: &str, query: &str, body: &str) -> Value {
    let r = start_import(c, s, csrf, query, body.as_bytes().to_vec()).await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    let at = header(&r, "location");
    assert!(at.starts_with("/api/v1/imports/"), "{at}");
    wait(c, s, &at).await
}

async fn wait(c: &reqwest::Client, s: &Server, at: &str) -> Value {
    for _ in 0..600 {
        let j = api_get(c, s, at).await;
        match j["state"].as_str() {
            Some("done") | Some("failed") => return j,
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("import did not finish");
}

async fn imported(d: &Database, prefix: &str) -> (i64, i64) {
    let cases = d
        .count("law_case", &format!("reference LIKE '{prefix}%'"))
        .await;
    let items = d
        .scalar_i64(&format!(
            "SELECT COUNT(*) FROM seizure_item WHERE case_id IN (SELECT id FROM law_case WHERE reference LIKE '{prefix}%')"
        ))
        .await;
    (cases, items)
}

fn error_cells(report: &Value) -> Vec<(u64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn import_cases(db: Db) {
    let d = Database::demo(db).await;
    let s = Server::start(&d);
    let (c, csrf) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;

    // A dry run writes nothing and says what it would do.
    let j = import(&c, &s, &csrf, "dry_run=true&file_name=good.csv", GOOD).await;
    let r = &j["report"];
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!(r["dry_run"], true);
    assert_eq!(
        (r["cases"].as_u64(), r["rows"].as_u64()),
        (Some(3), Some(5))
    );
    assert_eq!(
        (r["created_cases"].as_u64(), r["created_items"].as_u64()),
        (Some(3), Some(5))
    );
    assert!(r["errors"].as_array().unwrap().is_empty(), "{r}");
    assert_eq!(imported(&d, "IMP-").await, (0, 0));

    // The real import, all or nothing.
    let j = import(
        &c,
        &s,
        &csrf,
        "dry_run=false&mode=all_or_nothing&file_name=good.csv",
        GOOD,
    )
    .await;
    let r = &j["report"];
    assert_eq!(r["written"], true, "{j}");
    assert_eq!(imported(&d, "IMP-").await, (3, 5));
    let narrative = d
        .scalar_text("SELECT narrative FROM law_case WHERE reference = 'IMP-002'")
        .await;
    assert_eq!(narrative, "Synthetic, with a comma; ຂໍ້ມູນສົມມຸດ");
    let time = d
        .scalar_text("SELECT occurred_time FROM law_case WHERE reference = 'IMP-001'")
        .await;
    assert_eq!(time, "22:15");
    // One audit entry for the import, on the chain.
    assert_eq!(d.count("audit_entry", "entity_type = 'import'").await, 1);
    // An imported case's history starts with the batch that created it:
    // who imported it and when, the batch's id, none of the batch's
    // details (its counts, hashes and file describe other cases too).
    let id = d
        .scalar_text("SELECT id FROM law_case WHERE reference = 'IMP-002'")
        .await;
    let batch = d
        .scalar_text("SELECT bulk_load_id FROM law_case WHERE reference = 'IMP-002'")
        .await;
    assert!(batch.starts_with("import-"), "{batch}");
    let history = api_get(&c, &s, &format!("/api/v1/history/case/{id}")).await;
    let first = &history[0];
    assert_eq!(first["entity_type"], "bulk_load", "{history}");
    assert_eq!(first["entity_id"], batch.as_str());
    assert_eq!(first["actor_name"], "clerk.bokeo");
    assert_eq!(
        first["after"],
        serde_json::json!({ "details_withheld": true })
    );
    assert!(first["before"].is_null());
    let page = c
        .get(s.url(&format!("/cases/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("ສ້າງໂດຍການນຳເຂົ້າຂໍ້ມູນ, ຊຸດ {batch}")),
        "{page}"
    );
    assert!(!page.contains("file_sha256") && !page.contains("IMP-001"));
    // Not for those who may not read the case.
    let (customs, _) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    let r = customs
        .get(s.url(&format!("/api/v1/history/case/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The same file again creates nothing.
    let j = import(&c, &s, &csrf, "dry_run=false&mode=all_or_nothing", GOOD).await;
    let r = &j["report"];
    assert_eq!(r["created_cases"], 0, "{r}");
    let mut existing: Vec<String> = r["existing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    existing.sort();
    assert_eq!(existing, ["IMP-001", "IMP-002", "IMP-003"]);
    assert_eq!(imported(&d, "IMP-").await, (3, 5));

    // Bad rows, all or nothing: every bad row named, nothing written.
    let j = import(&c, &s, &csrf, "dry_run=false&mode=all_or_nothing", BAD).await;
    let r = &j["report"];
    assert_eq!(r["written"], false);
    let cells = error_cells(r);
    assert_eq!(
        cells
            .iter()
            .map(|(row, col, _)| (*row, col.as_str()))
            .collect::<Vec<_>>(),
        [(3, "substance"), (6, "occurred_on")],
        "{r}"
    );
    assert!(r["errors"][0]["message"].as_str().unwrap().len() > 5);
    assert_eq!(imported(&d, "BAD-").await, (0, 0));

    // Good rows: the good cases are written, the bad rows given back.
    let j = import(&c, &s, &csrf, "dry_run=false&mode=good_rows", BAD).await;
    let r = &j["report"];
    assert_eq!(r["written"], true, "{r}");
    assert_eq!(
        (r["created_cases"].as_u64(), r["bad_cases"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(r["bad_rows"], serde_json::json!([3, 4, 6]));
    assert_eq!(imported(&d, "BAD-").await, (2, 2));
    let id = j["id"].as_str().unwrap();
    let bad = c
        .get(s.url(&format!("/api/v1/imports/{id}/bad-rows")))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 200);
    let text = bad.text().await.unwrap();
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "row",
            "errors",
            "reference",
            "occurred_on",
            "province",
            "substance",
            "quantity",
            "unit"
        ]
    );
    let rows: Vec<(String, String)> = rd
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[2].to_owned())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("3".to_owned(), "BAD-002".to_owned()),
            ("4".to_owned(), "BAD-002".to_owned()),
            ("6".to_owned(), "BAD-004".to_owned())
        ]
    );

    // Another user does not see the job at all.
    let (other, _) = login(&s, "customs.bokeo", DEMO_PASSWORD).await;
    let r = other
        .get(s.url(&format!("/api/v1/imports/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Files that cannot be read are refused at once, naming why.
    let mut latin1 = b"reference,occurred_on,province\nA-1,2026-01-01,05\nA-2,2026-01-01,".to_vec();
    latin1.extend(b"\xe9\n");
    let (status, p) = problem(start_import(&c, &s, &csrf, "dry_run=true", latin1).await).await;
    assert_eq!(status, 422, "{p}");
    assert!(p.to_string().contains("err-import-encoding"), "{p}");
    let (status, p) = problem(
        start_import(
            &c,
            &s,
            &csrf,
            "dry_run=true",
            b"reference,province\nA-1,05\n".to_vec(),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(p.to_string().contains("err-import-map-required"), "{p}");
    let (status, _) =
        problem(start_import(&c, &s, &csrf, "mode=sometimes", GOOD.as_bytes().to_vec()).await)
            .await;
    assert_eq!(status, 422);

    // The page: upload an XLSX with other column names, map them, import.
    let page = c.get(s.url("/cases/import")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page_csrf = csrf_of(&page.text().await.unwrap());
    let book = xlsx(&[
        &["Case No.", "When", "Province", "Drug", "Qty", "Unit"],
        &["XL-1", "2026-03-01", "05", "HEROIN", "0.5", "kg"],
        &["XL-2", "2026-03-02", "05", "CANNABIS_HERB", "7", "kg"],
    ]);
    let form = reqwest::multipart::Form::new()
        .text("csrf", page_csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(book.clone()).file_name("bokeo.xlsx"),
        );
    let r = c
        .post(s.url("/cases/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let job = location(&r);
    let html = c
        .get(s.url(&job))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("bokeo.xlsx"));
    // "When" is not a known name: the required date is mapped by hand.
    let r = post_form(
        &c,
        &s,
        &page_csrf,
        &job,
        &[
            ("map_reference", "Case No."),
            ("map_occurred_on", "When"),
            ("map_province", "Province"),
            ("map_substance", "Drug"),
            ("map_quantity", "Qty"),
            ("map_unit", "Unit"),
            ("mode", "all_or_nothing"),
            ("action", "import"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let mut html = String::new();
    for _ in 0..300 {
        html = c
            .get(s.url(&job))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if html.contains("id=\"import-report\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(html.contains("id=\"import-created\">2 / 2"), "{html}");
    assert_eq!(imported(&d, "XL-").await, (2, 2));

    // An upload without the form's token is refused.
    let form = reqwest::multipart::Form::new().text("csrf", "forged").part(
        "file",
        reqwest::multipart::Part::bytes(book).file_name("x.xlsx"),
    );
    let r = c
        .post(s.url("/cases/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Templates.
    let t = c
        .get(s.url("/cases/import/template.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(t.status(), 200);
    assert!(t
        .text()
        .await
        .unwrap()
        .contains("reference,occurred_on,occurred_time,province"));
    let t = c
        .get(s.url("/cases/import/template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(t.status(), 200);
    let bytes = t.bytes().await.unwrap();
    let wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(wb.sheet_names(), ["cases", "columns", "substances"]);
    // Every substance code with its name in the reader's language (Lao).
    let mut wb = wb;
    let subs = wb.worksheet_range("substances").unwrap();
    let rows: Vec<Vec<String>> = subs
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows.len(),
        1 + dcis_domain::substance::Taxonomy::global().all().len()
    );
    assert!(
        rows.iter().any(|r| r[0] == "METH_TABLET"
            && r[1] == "ຢາບ້າ (ເມັດເມທແອມເຟຕາມີນ)"
            && r[2] == "tablets"),
        "{rows:?}"
    );

    // Round trip: the supervisor (same agency) exports the imported cases;
    // a second instance imports the file; its export holds the same records.
    let (sup, _) = login(&s, "supervisor", DEMO_PASSWORD).await;
    let exported = sup
        .get(s.url("/api/v1/cases/export?format=csv&q=IMP-"))
        .send()
        .await
        .unwrap();
    assert_eq!(exported.status(), 200);
    let exported = exported.text().await.unwrap();
    let d2 = Database::demo(db).await;
    let s2 = Server::start(&d2);
    let (c2, csrf2) = login(&s2, "clerk.bokeo", DEMO_PASSWORD).await;
    let j = import(&c2, &s2, &csrf2, "dry_run=false", &exported).await;
    assert_eq!(j["report"]["created_cases"], 3, "{j}");
    assert!(
        j["report"]["unused_columns"].as_array().unwrap().is_empty(),
        "{j}"
    );
    let (sup2, _) = login(&s2, "supervisor", DEMO_PASSWORD).await;
    let again = sup2
        .get(s2.url("/api/v1/cases/export?format=csv&q=IMP-"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(comparable(&exported), comparable(&again));
}

/// The rows of an export without what differs between instances (ids,
/// owner unit and organisation ids, times), sorted.
fn comparable(csv_text: &str) -> Vec<Vec<String>> {
    let mut rd = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = rd.headers().unwrap().iter().map(str::to_owned).collect();
    let skip = [
        "case_id",
        "agency",
        "owner_unit",
        "created_at",
        "updated_at",
        "item_id",
    ];
    let mut rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .filter(|(h, _)| !skip.contains(&h.as_str()))
                .map(|(_, v)| v.to_owned())
                .collect()
        })
        .collect();
    rows.sort();
    assert_eq!(rows.len(), 5);
    rows
}

both_backends!(import_cases);
