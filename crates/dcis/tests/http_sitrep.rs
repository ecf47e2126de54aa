//! The situation report on both engines, through the real binary: the JSON's figures against
//! counts and sums made here with plain SQL over the cases the test records (including a
//! substance of two cases hidden, and its smallest sibling hidden with it), the PDF (parsed
//! back with lopdf: the Lao font embedded as a font file, the Lao title and a figure in its
//! text), the page, who may (403 without the analysis permission, 403 for a province outside
//! the caller's scope), `dcis report monthly`, and one audit entry per file made.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::{json, Value};

fn item(substance: &str, form: &str, quantity: &str, unit: &str) -> Value {
    json!({"substance": substance, "form": form, "quantity": quantity, "unit": unit})
}

/// The figure `{value, suppressed}` of a measure of a substance in the JSON.
fn substance_figure(doc: &Value, code: &str, measure: &str) -> Value {
    doc["substances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {doc}"))["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == measure)
        .unwrap()["now"]
        .clone()
}

fn total(doc: &Value, measure: &str, when: &str) -> Value {
    doc["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == measure)
        .unwrap()[when]["value"]
        .clone()
}

/// `92260` as `92,260`, as the report prints it.
fn grouped(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The `<code> <unicode>` pairs of a ToUnicode CMap's `bfchar` sections.
fn to_unicode(cmap: &[u8]) -> std::collections::HashMap<Vec<u8>, String> {
    let text = String::from_utf8_lossy(cmap);
    let mut map = std::collections::HashMap::new();
    for section in text.split("beginbfchar").skip(1) {
        let body = section.split("endbfchar").next().unwrap_or("");
        let hexes: Vec<&str> = body
            .split(['<', '>'])
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_hexdigit()))
            .collect();
        for pair in hexes.chunks(2) {
            if let [code, uni] = pair {
                let code = hex(code);
                let units: Vec<u16> = hex(uni)
                    .chunks(2)
                    .map(|b| u16::from_be_bytes([b[0], *b.get(1).unwrap_or(&0)]))
                    .collect();
                map.insert(code, String::from_utf16_lossy(&units));
            }
        }
    }
    map
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// The text of a PDF, read here without the code that wrote it: each font's ToUnicode map,
/// and the strings its content streams show (two-byte codes, Identity-H).
fn pdf_text(doc: &lopdf::Document) -> String {
    use lopdf::Object;
    let mut out = String::new();
    for (_, page) in doc.get_pages() {
        let fonts = doc.get_page_fonts(page).unwrap();
        let mut maps = std::collections::HashMap::new();
        for (name, font) in &fonts {
            if let Ok(r) = font.get(b"ToUnicode").and_then(Object::as_reference) {
                if let Ok(stream) = doc.get_object(r).and_then(Object::as_stream) {
                    let data = stream
                        .decompressed_content()
                        .unwrap_or_else(|_| stream.content.clone());
                    maps.insert(name.clone(), to_unicode(&data));
                }
            }
        }
        let content =
            lopdf::content::Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
        let mut current: Option<Vec<u8>> = None;
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => {
                    current = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .map(<[u8]>::to_vec)
                }
                "Tj" | "TJ" => {
                    let map = current.as_ref().and_then(|c| maps.get(c));
                    let mut strings = Vec::new();
                    for o in &op.operands {
                        match o {
                            Object::String(b, _) => strings.push(b.clone()),
                            Object::Array(a) => strings.extend(a.iter().filter_map(|x| match x {
                                Object::String(b, _) => Some(b.clone()),
                                _ => None,
                            })),
                            _ => {}
                        }
                    }
                    for b in strings {
                        for code in b.chunks(2) {
                            if let Some(t) = map.and_then(|m| m.get(code)) {
                                out.push_str(t);
                            }
                        }
                    }
                }
                "ET" => out.push('\n'),
                _ => {}
            }
        }
    }
    out
}

/// Checks a PDF: it parses, has pages, embeds Noto Sans Lao as a font file, and its text has
/// `needles` in it.
fn check_pdf(bytes: &[u8], needles: &[&str]) {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages = doc.get_pages();
    assert!(!pages.is_empty());
    let mut lao_embedded = false;
    for obj in doc.objects.values() {
        if let Ok(dict) = obj.as_dict() {
            let is_descriptor = dict
                .get(b"Type")
                .and_then(|t| t.as_name())
                .is_ok_and(|n| n == b"FontDescriptor");
            let name = dict
                .get(b"FontName")
                .and_then(|n| n.as_name())
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            let file = dict.has(b"FontFile2") || dict.has(b"FontFile3");
            if is_descriptor && name.contains("NotoSansLao") && file {
                lao_embedded = true;
            }
        }
    }
    assert!(lao_embedded, "no embedded Noto Sans Lao font file");
    let text = pdf_text(&doc);
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for n in needles {
        let n: String = n.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            squashed.contains(&n),
            "{n:?} not in the PDF's text:\n{text}"
        );
    }
}

async fn situation_report(db: Db) {
    let d = Database::demo(db).await;
    let (code, _, err) = d.cli(
        &[
            "user",
            "add",
            "--username",
            "analyst.bokeo",
            "--display-name",
            "Bokeo analyst (test)",
            "--unit",
            "LCDC/Secretariat",
            "--role",
            "analyst",
            "--scope",
            "05",
            "--clearance",
            "secret",
            "--password-stdin",
        ],
        Some(&format!("{DEMO_PASSWORD}\n")),
    );
    assert_eq!(code, 0, "{err}");
    let s = Server::start(&d);
    let (sup, sup_csrf) = login(&s, "supervisor", DEMO_PASSWORD).await;

    // April 2025: five yaba cases and three of crystal in Bokeo (05), two heroin cases in
    // Luang Namtha (03); March 2025: four yaba cases in Bokeo.
    let mut bodies = Vec::new();
    for (i, n) in [1200, 3400, 560, 78000, 9100].iter().enumerate() {
        bodies.push(
            json!({"reference": format!("SR-Y-{i}"), "occurred_on": format!("2025-04-{:02}", i + 3),
            "province": "05", "origin_country": "MM", "destination_country": "TH",
            "items": [item("METH_TABLET", "tablet", &n.to_string(), "tablets")]}),
        );
    }
    for (i, kg) in ["1.5", "0.25", "3"].iter().enumerate() {
        bodies.push(json!({"reference": format!("SR-C-{i}"), "occurred_on": format!("2025-04-{:02}", i + 12),
            "province": "05", "items": [item("METH_CRYSTAL", "crystal", kg, "kg")]}));
    }
    for (i, g) in ["350", "120"].iter().enumerate() {
        bodies.push(json!({"reference": format!("SR-H-{i}"), "occurred_on": format!("2025-04-{:02}", i + 20),
            "province": "03", "items": [item("HEROIN", "powder", g, "g")]}));
    }
    for i in 0..4 {
        bodies.push(
            json!({"reference": format!("SR-M-{i}"), "occurred_on": format!("2025-03-{:02}", i + 5),
            "province": "05", "items": [item("METH_TABLET", "tablet", "1000", "tablets")]}),
        );
    }
    for b in &mut bodies {
        b["classification"] = json!("restricted");
        b["tlp"] = json!("TLP:AMBER");
        json_of(api_post(&sup, &s, &sup_csrf, "/api/v1/cases", b).await, 201).await;
    }

    // Independent figures: plain SQL over the stored rows.
    let cases_in = |month: &str, province: Option<&str>| {
        let p = province
            .map(|p| format!(" AND province_code = '{p}'"))
            .unwrap_or_default();
        format!("SELECT COUNT(*) FROM law_case WHERE occurred_on LIKE '{month}-%'{p}")
    };
    let april = d.scalar_i64(&cases_in("2025-04", None)).await;
    let march = d.scalar_i64(&cases_in("2025-03", None)).await;
    let april_bokeo = d.scalar_i64(&cases_in("2025-04", Some("05"))).await;
    let yaba_tablets = d
        .scalar_i64(
            "SELECT CAST(SUM(si.item_count) AS BIGINT) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
             WHERE si.substance = 'METH_TABLET' AND lc.occurred_on LIKE '2025-04-%'",
        )
        .await;
    let yaba_cases = d
        .scalar_i64(
            "SELECT COUNT(DISTINCT lc.id) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
             WHERE si.substance = 'METH_TABLET' AND lc.occurred_on LIKE '2025-04-%'",
        )
        .await;
    assert_eq!((april, march, april_bokeo), (10, 4, 8));

    // ---- JSON through the API, as the national analyst.
    let (analyst, _) = login(&s, "analyst", DEMO_PASSWORD).await;
    let r = analyst
        .get(s.url("/api/v1/reports/situation?period=2025-04"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "content-disposition"),
        "attachment; filename=\"situation-LA-2025-04.json\""
    );
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["schema"], "dcis-situation/1");
    assert_eq!(doc["area"], "national");
    assert_eq!(doc["empty"], false);
    assert_eq!(total(&doc, "cases", "now"), json!(april as f64));
    assert_eq!(total(&doc, "cases", "previous"), json!(march as f64));
    assert_eq!(
        substance_figure(&doc, "METH_TABLET", "cases"),
        json!({"value": yaba_cases as f64, "suppressed": false})
    );
    assert_eq!(
        substance_figure(&doc, "METH_TABLET", "tablets"),
        json!({"value": yaba_tablets as f64, "suppressed": false})
    );
    // Two heroin cases: hidden; and the smallest other substance (crystal, three cases) with
    // it, so that the heroin cannot be worked out from a total.
    assert_eq!(
        substance_figure(&doc, "HEROIN", "cases"),
        json!({"value": null, "suppressed": true})
    );
    assert_eq!(
        substance_figure(&doc, "METH_CRYSTAL", "mass_g"),
        json!({"value": null, "suppressed": true})
    );
    assert_eq!(doc["trend"]["labels"].as_array().unwrap().len(), 12);
    assert_eq!(doc["trend"]["labels"][11], "2025-04");

    // An empty month says so.
    let empty = api_get(&analyst, &s, "/api/v1/reports/situation?period=2019-02").await;
    assert_eq!(empty["empty"], true);

    // ---- The PDF in Lao, from the page's download.
    let r = analyst
        .get(s.url("/reports/situation.pdf?period=2025-04&lang=lo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "application/pdf");
    let pdf = r.bytes().await.unwrap();
    check_pdf(&pdf, &["ລາຍງານສະພາບການ", &grouped(yaba_tablets)]);

    // ---- The page, in English, with its charts drawn on the server.
    let page = analyst
        .get(s.url("/reports/situation?period=2025-04&lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Situation report"));
    assert!(html.contains("<svg"));
    assert!(html.contains("Key figures"));

    // ---- Who may: a provincial analyst sees their province, not another one.
    let (bokeo, _) = login(&s, "analyst.bokeo", DEMO_PASSWORD).await;
    let mine = api_get(&bokeo, &s, "/api/v1/reports/situation?period=2025-04").await;
    assert_eq!(mine["area"], "provinces");
    assert_eq!(total(&mine, "cases", "now"), json!(april_bokeo as f64));
    let r = bokeo
        .get(s.url("/api/v1/reports/situation?period=2025-04&province=03"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-outside-scope");
    let r = bokeo
        .get(s.url("/reports/situation?period=2025-04&province=03"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body = r.text().await.unwrap();
    // The refusal in the user's language (a user made on the command line reads Lao).
    assert!(
        body.contains("outside your geographic scope") || body.contains("ນອກຂອບເຂດພື້ນທີ່ຂອງທ່ານ"),
        "{body}"
    );
    // Without the analysis permission.
    let (clerk, _) = login(&s, "clerk.bokeo", DEMO_PASSWORD).await;
    let r = clerk
        .get(s.url("/api/v1/reports/situation?period=2025-04"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 403);
    assert_eq!(p["code"], "denied-permission");
    // A bad period names the field.
    let r = analyst
        .get(s.url("/api/v1/reports/situation?period=April"))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(error_fields(&p), vec!["period"]);

    // ---- The command line: a PDF in Lao for April 2025, for Bokeo.
    let out = d.dir.join("sitrep-2025-04.pdf");
    let (code, stdout, err) = d.cli(
        &[
            "report",
            "monthly",
            "--year",
            "2025",
            "--month",
            "4",
            "--province",
            "05",
            "--lang",
            "lo",
            "--out",
            out.to_str().unwrap(),
            "--user",
            "analyst",
        ],
        None,
    );
    assert_eq!(code, 0, "{stdout}{err}");
    check_pdf(&std::fs::read(&out).unwrap(), &["ລາຍງານສະພາບການ"]);
    // A user who may not: refused, nothing written.
    let refused = d.dir.join("refused.pdf");
    let (code, _, err) = d.cli(
        &[
            "report",
            "monthly",
            "--year",
            "2025",
            "--month",
            "4",
            "--out",
            refused.to_str().unwrap(),
            "--user",
            "clerk.bokeo",
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    assert!(!refused.exists());

    // ---- Audit: one `report` entry per file made (API JSON twice, the PDF, the command
    // line), none for the page or the refusals; the chain holds.
    assert_eq!(d.count("audit_entry", "entity_type = 'report'").await, 5);
    let (code, out, _) = d.cli(&["audit", "verify"], None);
    assert_eq!(code, 0, "{out}");
}
both_backends!(situation_report);
