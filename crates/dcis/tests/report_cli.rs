//! `dcis report arq`, the real binary on both engines, over generated data
//! of 2024: the JSON and XLSX files it writes, checked against sums made
//! here with plain SQL; the format from the extension or `--format`; the
//! errors (empty and future years, a user who may not, an unknown format,
//! an unwritable place) in English and in Lao; one audit entry per file
//! written and none for a refusal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::Value;
use std::process::{Command, Stdio};

/// `dcis ARGS` against the database with `DCIS_LANG` set.
fn cli_in(d: &Database, lang: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args([
            "--data-dir",
            d.dir.to_str().unwrap(),
            "--database-url",
            &d.url,
        ])
        .args(args)
        .env("RUST_LOG", "warn")
        .env("DCIS_LANG", lang)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Micrograms as kilograms, exactly.
fn kg(ug: u128) -> String {
    let (w, f) = (ug / 1_000_000_000, ug % 1_000_000_000);
    if f == 0 {
        w.to_string()
    } else {
        format!("{w}.{}", format!("{f:09}").trim_end_matches('0'))
    }
}

async fn report_command(db: Db) {
    let d = Database::demo(db).await;
    let (code, out, err) = d.cli(
        &[
            "generate",
            "--seed",
            "42",
            "--items",
            "1200",
            "--years",
            "1",
            "--end",
            "2024-12-31",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    let dir = d.dir.join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    let json_path = dir.join("arq-2024.json");
    let xlsx_path = dir.join("arq-2024.xlsx");

    // JSON, the format from the extension.
    let (code, out, err) = cli_in(
        &d,
        "en",
        &[
            "report",
            "arq",
            "--year",
            "2024",
            "--out",
            json_path.to_str().unwrap(),
            "--user",
            "analyst",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with(&format!(
            "ARQ seizures of 2024 written to {}",
            json_path.display()
        )),
        "{out}"
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(doc["year"], 2024);
    assert_eq!(doc["generated_by"], "analyst");
    let cases = d
        .scalar_i64("SELECT COUNT(*) FROM law_case WHERE occurred_on LIKE '2024-%'")
        .await;
    assert!(cases > 100, "{cases}");
    assert_eq!(doc["coverage"]["cases"].as_i64(), Some(cases));
    // Crystalline methamphetamine in kg and yaba in tablets, summed here.
    let crystal: u128 = d
        .scalar_text(
            "SELECT CAST(SUM(si.mass_ug) AS TEXT) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
             WHERE si.substance = 'METH_CRYSTAL' AND si.item_count IS NULL AND lc.occurred_on LIKE '2024-%'",
        )
        .await
        .parse()
        .unwrap();
    let yaba: u128 = d
        .scalar_text(
            "SELECT CAST(SUM(si.item_count) AS TEXT) FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
             WHERE si.substance = 'METH_TABLET' AND si.item_count IS NOT NULL AND lc.occurred_on LIKE '2024-%'",
        )
        .await
        .parse()
        .unwrap();
    let row = |code: &str| {
        doc["seizures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap()
            .clone()
    };
    let q = |r: &Value, unit: &str| {
        r["quantities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["unit"] == unit)
            .map(|q| q["quantity"].as_str().unwrap().to_owned())
    };
    assert_eq!(q(&row("METHAMPHETAMINE_CRYSTAL"), "kg"), Some(kg(crystal)));
    assert_eq!(
        q(&row("METHAMPHETAMINE_TABLETS"), "tablets"),
        Some(yaba.to_string())
    );
    // Significant crystal seizures: cases whose crystal reaches 1 kg.
    let big_crystal = d
        .scalar_i64(
            "SELECT COUNT(*) FROM (SELECT si.case_id FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
             WHERE si.substance = 'METH_CRYSTAL' AND si.item_count IS NULL AND lc.occurred_on LIKE '2024-%' \
             GROUP BY si.case_id HAVING SUM(si.mass_ug) >= 1000000000) t",
        )
        .await;
    let listed = doc["significant_seizures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["drug"] == "METHAMPHETAMINE_CRYSTAL" && s["unit"] == "kg")
        .count();
    assert_eq!(listed as i64, big_crystal);

    // XLSX from the extension; then JSON bytes into a .dat file with
    // --format.
    let (code, out, err) = cli_in(
        &d,
        "en",
        &[
            "report",
            "arq",
            "--year",
            "2024",
            "--out",
            xlsx_path.to_str().unwrap(),
            "--user",
            "supervisor",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
        let cover = wb.worksheet_range("Cover").unwrap();
        let year_row = cover
            .rows()
            .find(|r| matches!(&r[0], calamine::Data::String(s) if s == "Reporting year"))
            .unwrap()
            .to_vec();
        assert_eq!(year_row[2], calamine::Data::String("2024".into()));
        let seizures = wb.worksheet_range("Seizures").unwrap();
        let crystal_line = seizures
            .rows()
            .find(|r| {
                matches!(&r[1], calamine::Data::String(s) if s == "Crystalline methamphetamine (\"ice\")")
            })
            .unwrap()
            .to_vec();
        assert_eq!(
            crystal_line[3],
            calamine::Data::Float(kg(crystal).parse().unwrap())
        );
    }
    let dat = dir.join("arq.dat");
    let (code, out, err) = cli_in(
        &d,
        "en",
        &[
            "report",
            "arq",
            "--year",
            "2024",
            "--format",
            "json",
            "--out",
            dat.to_str().unwrap(),
            "--user",
            "analyst",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let again: Value = serde_json::from_slice(&std::fs::read(&dat).unwrap()).unwrap();
    assert_eq!(again["seizures"], doc["seizures"]);
    assert_eq!(d.count("audit_entry", "entity_type = 'report'").await, 3);

    // Refusals: each exits 1 with the reason, writes no file and no
    // audit entry.
    let nowhere = d.dir.join("missing-dir").join("arq.json");
    let refusals: [(&str, Vec<&str>, &str); 7] = [
        (
            "en",
            vec![
                "--year",
                "2019",
                "--out",
                json_path.to_str().unwrap(),
                "--user",
                "analyst",
            ],
            "No case that occurred in 2019 is recorded",
        ),
        (
            "lo",
            vec![
                "--year",
                "2019",
                "--out",
                json_path.to_str().unwrap(),
                "--user",
                "analyst",
            ],
            "ບໍ່ມີຄະດີທີ່ເກີດຂຶ້ນໃນປີ 2019",
        ),
        (
            "en",
            vec![
                "--year",
                "2999",
                "--out",
                json_path.to_str().unwrap(),
                "--user",
                "analyst",
            ],
            "2999 has not come yet",
        ),
        (
            "en",
            vec![
                "--year",
                "2024",
                "--out",
                json_path.to_str().unwrap(),
                "--user",
                "clerk.bokeo",
            ],
            "Your role does not allow this.",
        ),
        (
            "en",
            vec!["--year", "2024", "--out", "arq.pdf", "--user", "analyst"],
            "Cannot tell the format from \"arq.pdf\"",
        ),
        (
            "lo",
            vec!["--year", "2024", "--out", "arq.pdf", "--user", "analyst"],
            "ບໍ່ຮູ້ຮູບແບບຈາກ \"arq.pdf\"",
        ),
        (
            "en",
            vec![
                "--year",
                "2024",
                "--out",
                nowhere.to_str().unwrap(),
                "--user",
                "analyst",
            ],
            "Could not write",
        ),
    ];
    let before = std::fs::read(&json_path).unwrap();
    for (lang, args, expected) in refusals {
        let mut all = vec!["report", "arq"];
        all.extend(args.iter().copied());
        let (code, out, err) = cli_in(&d, lang, &all);
        assert_eq!(code, 1, "{all:?}: {out}{err}");
        assert!(err.contains(expected), "{all:?}: {err}");
    }
    assert!(!nowhere.exists());
    assert_eq!(std::fs::read(&json_path).unwrap(), before, "left alone");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(d.count("audit_entry", "entity_type = 'report'").await, 3);
    let path = d
        .scalar_text(
            "SELECT after_json FROM audit_entry WHERE entity_type = 'report' ORDER BY seq DESC LIMIT 1",
        )
        .await;
    assert!(path.contains("\"path\":\"dcis report arq\""), "{path}");
}
both_backends!(report_command);
