//! `dcis import` as an operator runs it: dry runs write nothing, bad rows
//! stop an all-or-nothing import and are given back by a good-rows one,
//! a second import of the same file creates nothing, and an import killed
//! with SIGKILL half-way leaves whole cases only and completes when run
//! again. Every expected value comes from the file the test writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A demo user who may record cases in Bokeo (province 05), clearance
/// restricted, of the agency CNP.
const CLERK: &str = "clerk.bokeo";

/// One seized item as the file gives it (unit in its canonical form, so
/// that what is stored can be compared with it as text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    substance: String,
    quantity: String,
    unit: String,
}

fn item(substance: &str, quantity: &str, unit: &str) -> Item {
    Item {
        substance: substance.to_owned(),
        quantity: quantity.to_owned(),
        unit: unit.to_owned(),
    }
}

/// One case of a file: its reference, date, district and items.
#[derive(Debug, Clone)]
struct Case {
    reference: String,
    date: String,
    district: String,
    items: Vec<Item>,
}

const HEADER: &str = "reference,occurred_on,province,district,substance,quantity,unit";

/// The file's rows: the case's columns repeated on each item's row (as the
/// export writes them).
fn rows_of(cases: &[Case]) -> Vec<String> {
    let mut rows = Vec::new();
    for c in cases {
        for i in &c.items {
            rows.push(format!(
                "{},{},05,{},{},{},{}",
                c.reference, c.date, c.district, i.substance, i.quantity, i.unit
            ));
        }
    }
    rows
}

fn write_file(d: &Database, name: &str, header: &str, rows: &[String]) -> PathBuf {
    let path = d.dir.join(name);
    let mut text = String::from(header);
    text.push('\n');
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// A small deterministic generator (no dependency, same file every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `n` valid cases for the clerk: references `{prefix}-000001`…, dates in
/// 2025, Bokeo's districts, one to three items each.
fn good_cases(prefix: &str, n: usize, seed: u64) -> Vec<Case> {
    let mut rng = Lcg(seed);
    let districts = ["0501", "0502", ""];
    (1..=n)
        .map(|k| {
            let items = (0..1 + rng.below(3))
                .map(|_| match rng.below(4) {
                    0 => item(
                        "METH_TABLET",
                        &(1 + rng.below(200_000)).to_string(),
                        "tablets",
                    ),
                    1 => item(
                        "HEROIN",
                        &format!("{}.{}", rng.below(50), 1 + rng.below(9)),
                        "kg",
                    ),
                    2 => item("CANNABIS_HERB", &(1 + rng.below(900)).to_string(), "kg"),
                    _ => item("METH_CRYSTAL", &(1 + rng.below(5000)).to_string(), "g"),
                })
                .collect();
            let day = 1 + rng.below(28);
            let month = 1 + rng.below(12);
            Case {
                reference: format!("{prefix}-{k:06}"),
                date: format!("2025-{month:02}-{day:02}"),
                district: districts[rng.below(3) as usize].to_owned(),
                items,
            }
        })
        .collect()
}

/// `dcis ARGS` against the database, messages in English; returns (exit
/// code, stdout, stderr).
fn dcis_en(d: &Database, args: &[&str]) -> (i32, String, String) {
    let out = base_command(d)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn base_command(d: &Database) -> Command {
    let mut cmd = Command::new(bin());
    cmd.args([
        "--data-dir",
        d.dir.to_str().unwrap(),
        "--database-url",
        &d.url,
    ])
    .env("RUST_LOG", "warn")
    .env("DCIS_LANG", "en");
    cmd
}

fn import(d: &Database, file: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["import", file.to_str().unwrap(), "--user", CLERK];
    args.extend_from_slice(extra);
    dcis_en(d, &args)
}

async fn count_prefix(d: &Database, prefix: &str) -> i64 {
    d.count("law_case", &format!("reference LIKE '{prefix}-%'"))
        .await
}

/// The items stored for each case whose reference starts with `prefix`,
/// in their order (cases without items map to an empty list).
async fn stored(d: &Database, prefix: &str) -> BTreeMap<String, Vec<Item>> {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&d.url)
        .await
        .unwrap();
    let mut out: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for r in sqlx::query(&format!(
        "SELECT reference FROM law_case WHERE reference LIKE '{prefix}-%'"
    ))
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let previous = out.insert(r.try_get::<String, _>(0).unwrap(), Vec::new());
        assert!(previous.is_none(), "a reference is stored twice");
    }
    for r in sqlx::query(&format!(
        "SELECT lc.reference, si.position, si.substance, si.quantity, si.unit \
         FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
         WHERE lc.reference LIKE '{prefix}-%' ORDER BY lc.reference, si.position"
    ))
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let reference: String = r.try_get(0).unwrap();
        let items = out.get_mut(&reference).unwrap();
        let position: i64 = r.try_get(1).unwrap();
        assert_eq!(position, items.len() as i64 + 1, "{reference}: positions");
        items.push(item(
            &r.try_get::<String, _>(2).unwrap(),
            &r.try_get::<String, _>(3).unwrap(),
            &r.try_get::<String, _>(4).unwrap(),
        ));
    }
    out
}

/// Every stored case is a case of the file with exactly the file's items.
fn assert_whole_cases(stored: &BTreeMap<String, Vec<Item>>, file: &[Case]) {
    let expected: BTreeMap<&str, &Vec<Item>> = file
        .iter()
        .map(|c| (c.reference.as_str(), &c.items))
        .collect();
    for (reference, items) in stored {
        let want = expected
            .get(reference.as_str())
            .unwrap_or_else(|| panic!("{reference} is not in the file"));
        assert_eq!(
            items, *want,
            "{reference}: stored items differ from the file"
        );
    }
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

// ---------------------------------------------------------------- (a), (d)

async fn dry_run_then_import_twice(db: Db) {
    let d = Database::demo(db).await;
    let cases = good_cases("IMP", 12, 7);
    let items: usize = cases.iter().map(|c| c.items.len()).sum();
    let rows = rows_of(&cases);
    let file = write_file(&d, "good.csv", HEADER, &rows);
    let all_cases = d.count("law_case", "1 = 1").await;
    let all_items = d.count("seizure_item", "1 = 1").await;
    let audit = d.count("audit_entry", "1 = 1").await;

    // (a) A dry run checks everything and writes nothing, not even an
    // audit entry.
    let (code, out, err) = import(&d, &file, &["--dry-run"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("Rows read: {}", rows.len())), "{out}");
    assert!(
        out.contains(&format!("Cases in the file: {}", cases.len())),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Cases that would be created: {}; seized items: {items}",
            cases.len()
        )),
        "{out}"
    );
    assert!(out.contains("Dry run: nothing was written."), "{out}");
    assert_eq!(d.count("law_case", "1 = 1").await, all_cases);
    assert_eq!(d.count("seizure_item", "1 = 1").await, all_items);
    assert_eq!(d.count("audit_entry", "1 = 1").await, audit);

    // The import itself.
    let (code, out, err) = import(&d, &file, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!(
            "Cases created: {}; seized items created: {items}",
            cases.len()
        )),
        "{out}"
    );
    assert_eq!(count_prefix(&d, "IMP").await, cases.len() as i64);
    assert_eq!(
        d.count("seizure_item", "1 = 1").await,
        all_items + items as i64
    );
    assert_whole_cases(&stored(&d, "IMP").await, &cases);
    assert_eq!(stored(&d, "IMP").await.len(), cases.len());
    // The cases are the clerk's agency's and unit's.
    assert_eq!(
        d.count(
            "law_case",
            "reference LIKE 'IMP-%' AND agency_id <> (SELECT id FROM organisation WHERE code = 'CNP')"
        )
        .await,
        0
    );

    // (d) The same file again: nothing created, every case reported as
    // existing.
    let audit = d.count("audit_entry", "1 = 1").await;
    let (code, out, err) = import(&d, &file, &["--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let report = json(&out);
    assert_eq!(report["created_cases"], 0, "{report}");
    assert_eq!(report["created_items"], 0, "{report}");
    let existing: BTreeSet<&str> = report["existing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let refs: BTreeSet<&str> = cases.iter().map(|c| c.reference.as_str()).collect();
    assert_eq!(existing, refs);
    assert_eq!(report["written"], false, "{report}");
    assert_eq!(count_prefix(&d, "IMP").await, cases.len() as i64);
    assert_eq!(d.count("audit_entry", "1 = 1").await, audit);

    // The summary says the same in words, and in Lao when asked.
    let out = base_command(&d)
        .args(["import", file.to_str().unwrap(), "--user", CLERK])
        .env("DCIS_LANG", "lo")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("ບັນທຶກໄວ້ແລ້ວ, ຂ້າມໄປ: {}", cases.len())),
        "{text}"
    );
    assert_eq!(dcis_en(&d, &["audit", "verify"]).0, 0);
}
both_backends!(dry_run_then_import_twice);

// ---------------------------------------------------------------- (b), (c)

async fn bad_rows_in_both_modes(db: Db) {
    let d = Database::demo(db).await;
    let good = good_cases("BAD", 6, 11);
    // The file: the good cases, then a one-row case with a quantity that
    // is not a number, then a two-row case whose second row names no known
    // substance. Two bad rows; three rows not importable.
    let mut rows = rows_of(&good);
    let first_bad = rows.len() + 2; // the header is row 1
    rows.push("BAD-900001,2025-03-01,05,0501,HEROIN,abc,kg".to_owned());
    let case_ok_row = rows.len() + 2;
    rows.push("BAD-900002,2025-03-02,05,,HEROIN,1.5,kg".to_owned());
    let second_bad = rows.len() + 2;
    rows.push("BAD-900002,2025-03-02,05,,NOT_A_DRUG,2,kg".to_owned());
    let file = write_file(&d, "bad.csv", HEADER, &rows);
    let good_items: usize = good.iter().map(|c| c.items.len()).sum();
    let audit = d.count("audit_entry", "1 = 1").await;

    // (b) All or nothing: nothing written, both rows named, exit 1.
    let (code, out, err) = import(&d, &file, &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!("row {first_bad}, column quantity:")),
        "{out}"
    );
    assert!(
        out.contains(&format!("row {second_bad}, column substance:")),
        "{out}"
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.trim_start().starts_with("row "))
            .count(),
        2,
        "{out}"
    );
    assert!(out.contains("Nothing was imported"), "{out}");
    assert!(
        out.contains("Cases not imported because of bad rows: 2"),
        "{out}"
    );
    assert_eq!(count_prefix(&d, "BAD").await, 0);
    assert_eq!(d.count("audit_entry", "1 = 1").await, audit);

    // A dry run says the same, with the same exit code.
    let (code, _, _) = import(&d, &file, &["--dry-run", "--mode", "good-rows"]);
    assert_eq!(code, 1);
    assert_eq!(count_prefix(&d, "BAD").await, 0);

    // (c) Good rows: the good cases imported, the rows not imported given
    // back with their reasons, exit 1.
    let bad_file = d.dir.join("bad-rows.csv");
    let (code, out, err) = import(
        &d,
        &file,
        &[
            "--mode",
            "good-rows",
            "--bad-rows",
            bad_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!(
            "Cases created: {}; seized items created: {good_items}",
            good.len()
        )),
        "{out}"
    );
    assert_eq!(count_prefix(&d, "BAD").await, good.len() as i64);
    let s = stored(&d, "BAD").await;
    assert_eq!(s.len(), good.len());
    assert_whole_cases(&s, &good);

    let mut reader = csv::Reader::from_path(&bad_file).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    assert_eq!(headers[..2], ["row", "errors"]);
    assert_eq!(headers[2..].join(","), HEADER);
    let back: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let numbers: Vec<usize> = back.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(numbers, [first_bad, case_ok_row, second_bad]);
    // The original cells follow, as they were.
    for r in &back {
        let n: usize = r[0].parse().unwrap();
        assert_eq!(r[2..].join(","), rows[n - 2]);
    }
    assert!(back[0][1].starts_with("column quantity:"), "{:?}", back[0]);
    assert!(
        back[1][1].contains(&second_bad.to_string()),
        "the good row of a bad case names the bad one: {:?}",
        back[1]
    );
    assert!(back[2][1].starts_with("column substance:"), "{:?}", back[2]);

    // Fixed and imported again, the rows file completes the import.
    let fixed: Vec<String> = [
        "BAD-900001,2025-03-01,05,0501,HEROIN,2.5,kg",
        "BAD-900002,2025-03-02,05,,HEROIN,1.5,kg",
        "BAD-900002,2025-03-02,05,,CANNABIS_HERB,2,kg",
    ]
    .map(String::from)
    .to_vec();
    let fixed_file = write_file(&d, "fixed.csv", HEADER, &fixed);
    let (code, out, err) = import(&d, &fixed_file, &["--mode", "good-rows"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(count_prefix(&d, "BAD").await, good.len() as i64 + 2);

    // Errors that stop everything: exit 2, nothing written.
    let (code, _, err) = import(&d, &d.dir.join("missing.csv"), &[]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = dcis_en(
        &d,
        &["import", file.to_str().unwrap(), "--user", "no.such.user"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("No user is named \"no.such.user\""), "{err}");
    let (code, _, err) = dcis_en(&d, &["import", file.to_str().unwrap(), "--user", "analyst"]);
    assert_eq!(code, 2, "an analyst may not record cases: {err}");
    let (code, _, err) = import(&d, &file, &["--map", "province"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(dcis_en(&d, &["user", "disable", CLERK]).0, 0);
    let (code, _, err) = import(&d, &fixed_file, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("is disabled"), "{err}");
    assert_eq!(count_prefix(&d, "BAD").await, good.len() as i64 + 2);
    assert_eq!(dcis_en(&d, &["audit", "verify"]).0, 0);
}
both_backends!(bad_rows_in_both_modes);

// ---------------------------------------------------------------- (e)

/// Cases in the file of the kill test (`DCIS_TEST_KILL_CASES` to change).
fn kill_cases() -> usize {
    std::env::var("DCIS_TEST_KILL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000)
}

async fn sigkill_mid_import_leaves_whole_cases(db: Db) {
    let d = Database::demo(db).await;
    let n = kill_cases();
    let cases = good_cases("KILL", n, 2026);
    let total_items: usize = cases.iter().map(|c| c.items.len()).sum();
    let file = write_file(&d, "large.csv", HEADER, &rows_of(&cases));

    let started = Instant::now();
    let log = d.dir.join("import.log");
    let mut child = base_command(&d)
        .args([
            "import",
            file.to_str().unwrap(),
            "--user",
            CLERK,
            "--mode",
            "good-rows",
        ])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(d.dir.join("import.out")).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();

    // Wait until a few batches are committed, then kill: the import is
    // then somewhere in the middle of writing.
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&d.url)
        .await
        .unwrap();
    let threshold = (n / 20).max(1) as i64;
    loop {
        let (c,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM law_case WHERE reference LIKE 'KILL-%'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        if c >= threshold {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "the import ended ({status}) before it could be killed: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no case written after 300 s: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // `Child::kill` is SIGKILL on Unix: no clean-up code runs.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{status}");
    }
    drop(conn);
    let killed_after = started.elapsed();
    // Standard error is not a terminal: progress is logged a line per
    // tenth, and every case was checked before the first was written.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains(&format!("checking {n}/{n} (100 %)")),
        "{logged}"
    );
    assert!(
        logged.contains(&format!("checking {}/{n} (10 %)", n / 10)),
        "{logged}"
    );

    // Whole cases only, and an intact audit chain.
    let (code, out, err) = dcis_en(&d, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}{err}");
    let s = stored(&d, "KILL").await;
    let committed = s.len();
    assert!(
        committed > 0 && committed < n,
        "the kill should land mid-way: {committed} of {n} cases stored"
    );
    assert_whole_cases(&s, &cases);

    // Run again: the rest is imported, what was committed is skipped.
    let (code, out, err) = import(&d, &file, &["--mode", "good-rows", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let report = json(&out);
    assert_eq!(report["cases"], n, "{report}");
    assert_eq!(report["created_cases"], n - committed);
    assert_eq!(report["existing"].as_array().unwrap().len(), committed);
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);

    let s = stored(&d, "KILL").await;
    assert_eq!(s.len(), n);
    assert_whole_cases(&s, &cases);
    assert_eq!(
        d.count("law_case", "reference LIKE 'KILL-%'").await,
        n as i64
    );
    assert_eq!(
        d.scalar_i64(
            "SELECT COUNT(DISTINCT reference) FROM law_case WHERE reference LIKE 'KILL-%'"
        )
        .await,
        n as i64,
        "no reference twice"
    );
    assert_eq!(
        d.count(
            "seizure_item",
            "case_id IN (SELECT id FROM law_case WHERE reference LIKE 'KILL-%')"
        )
        .await,
        total_items as i64
    );
    let (code, out, err) = dcis_en(&d, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}{err}");
    eprintln!(
        "{db:?}: {n} cases, {total_items} items; killed after {:.1} s with {committed} committed; whole test {:.1} s",
        killed_after.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
both_backends!(sigkill_mid_import_leaves_whole_cases);
