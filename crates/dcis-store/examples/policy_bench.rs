//! What the record-level read filter costs on the intelligence-report list
//! and search at scale (`scripts/bench-policy` runs this; the method and
//! the figures are in BENCHMARKS.md).
//!
//! ```text
//! cargo run --release -p dcis-store --example policy_bench -- \
//!     [--sqlite PATH] [--postgres ADMIN_URL] [--records N] [--reps R] [--keep]
//! ```
//!
//! `--keep` reuses a database already loaded with N reports (to iterate on
//! queries and indexes; pending migrations are still applied).
//!
//! For each backend given, in one run: creates a fresh database (an SQLite
//! file at PATH, or the database `dcis_bench_policy` through the admin URL
//! of a PostgreSQL server), applies dcis's migrations, bulk-loads N
//! intelligence reports with their `record_access` rows, shares, sharing
//! groups, organisations and units, then times the list (page 1 of 50 and
//! the total) and a search, for three actors:
//!
//! - **filtered**: through the real `Store` API with the actor's
//!   `ReadFilter::listable` (what the list page and the API use);
//! - **unfiltered**: the same SQL with the filter replaced by `TRUE` (and
//!   every row readable), written here — there is deliberately no
//!   unfiltered query in the product. Keep it in step with
//!   `Store::intel_report_count` / `Store::intel_report_page`;
//! - on PostgreSQL, the unfiltered SQL once more on connections with the
//!   server's default `random_page_cost` (4, where dcis sets 1.5), under
//!   which it plans its search as a nested loop rather than a hash join:
//!   the filtered queries are also compared with the faster of the two.
//!
//! After the load, SQLite gets `Store::optimize` (as after an import or
//! `dcis generate`) and PostgreSQL `VACUUM ANALYZE` (what autovacuum does).
//!
//! The data is loaded with batched multi-row `INSERT`s in one transaction
//! per backend, not through the application's write path: no validation
//! and no audit entries (the write path appends one hash-chained entry per
//! record, one writer at a time, which is far too slow for a million
//! records and adds nothing the list queries read). The rows are what the
//! write path would store: same tables, UUIDv7 record ids in time order,
//! references `IR-<org>-<year>-<n>`, grades from the closed lists.
//!
//! The output is a Markdown block on stdout; progress goes to stderr.

use dcis_domain::access::SharingGroupId;
use dcis_domain::ids::{OrganisationId, UnitId, UserId};
use dcis_domain::role::{Clearance, GeoScope, Role};
use dcis_domain::user::UserName;
use dcis_policy::records::ReadFilter;
use dcis_policy::Actor;
use dcis_store::{Backend, OpenOptions, Store};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::str::FromStr;
use std::time::{Duration, Instant};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Res<T> = Result<T, Error>;

// ------------------------------------------------------------------ the world

const INSTALLATION: &str = "01900000-0000-7000-8000-000000000001";
/// "Now" for the filters and share expiries: 2026-11-27 00:00 UTC.
const NOW_MS: i64 = 1_795_737_600_000;
/// Reports are created from 2019-01-01 00:00 UTC up to NOW_MS.
const START_MS: i64 = 1_546_300_800_000;
const DAY_MS: i64 = 86_400_000;
const PAGE: i64 = 50;
/// Untimed runs of each query first: PostgreSQL plans a prepared statement
/// afresh for its first five executions and may then keep a generic plan,
/// so the timed runs see the plan users get on a long-lived connection.
const WARM_UP: usize = 6;
/// The search term: a drug name, as an analyst would type it (it is in
/// about one title in ten).
const SEARCH: &str = "heroin";

/// Deterministic text ids (valid UUIDs) for the reference rows.
fn uid(kind: u16, n: u64) -> String {
    format!("0190{kind:04x}-0000-7000-8000-{n:012x}")
}

const PROVINCES: [(&str, &str, &str); 18] = [
    ("01", "LA-VT", "Vientiane Capital"),
    ("02", "LA-PH", "Phongsaly"),
    ("03", "LA-LM", "Luang Namtha"),
    ("04", "LA-OU", "Oudomxay"),
    ("05", "LA-BK", "Bokeo"),
    ("06", "LA-LP", "Luang Prabang"),
    ("07", "LA-HO", "Houaphanh"),
    ("08", "LA-XA", "Xayabury"),
    ("09", "LA-XI", "Xiengkhouang"),
    ("10", "LA-VI", "Vientiane"),
    ("11", "LA-BL", "Borikhamxay"),
    ("12", "LA-KH", "Khammouane"),
    ("13", "LA-SV", "Savannakhet"),
    ("14", "LA-SL", "Saravane"),
    ("15", "LA-XE", "Sekong"),
    ("16", "LA-CH", "Champasak"),
    ("17", "LA-AT", "Attapeu"),
    ("18", "LA-XS", "Xaysomboun"),
];

/// Where national units' records are: weight per province (index into
/// PROVINCES), and the weight of records without a province.
const NATIONAL_SPREAD: [u32; 18] = [15, 3, 10, 8, 20, 5, 2, 2, 2, 3, 2, 2, 10, 2, 2, 10, 2, 2];
const NO_PROVINCE_WEIGHT: u32 = 6;

/// Eight organisations: (code, name, province).
const ORGS: [(&str, &str, Option<&str>); 8] = [
    ("LCDC", "Lao National Commission for Drug Control", None),
    ("CNP", "Counter-Narcotics Police", None),
    ("CUSTOMS", "Customs Department", None),
    ("VTE-POL", "Vientiane Capital Police", Some("01")),
    ("LNT-POL", "Luang Namtha Provincial Police", Some("03")),
    ("BKO-POL", "Bokeo Provincial Police", Some("05")),
    ("SVK-POL", "Savannakhet Provincial Police", Some("13")),
    ("CPS-POL", "Champasak Provincial Police", Some("16")),
];

/// Twenty units: (organisation index, name, province, share of records in
/// per mille). Five units own three quarters of the records.
const UNITS: [(usize, &str, Option<&str>, u32); 20] = [
    (0, "Analysis Division", None, 20),
    (0, "Bokeo Office", Some("05"), 15),
    (0, "Luang Namtha Office", Some("03"), 15),
    (1, "Headquarters", None, 20),
    (1, "Northern Task Force", Some("04"), 20),
    (1, "Southern Task Force", Some("16"), 15),
    (2, "Headquarters", None, 10),
    (2, "Friendship Bridge", Some("01"), 15),
    (2, "Houayxay Checkpoint", Some("05"), 15),
    (3, "Counter-Narcotics Bureau", Some("01"), 200),
    (3, "Sikhottabong District", Some("01"), 15),
    (4, "Counter-Narcotics Bureau", Some("03"), 140),
    (4, "Border Unit", Some("03"), 15),
    (5, "Counter-Narcotics Bureau", Some("05"), 180),
    (5, "Tonpheung District", Some("05"), 15),
    (6, "Counter-Narcotics Bureau", Some("13"), 120),
    (6, "Border Unit", Some("13"), 15),
    (7, "Counter-Narcotics Bureau", Some("16"), 100),
    (7, "Border Unit", Some("16"), 20),
    (1, "Oudomxay Outpost", Some("04"), 20),
];

/// Sharing groups: (code, members as (kind, index)).
const GROUPS: [(&str, &[(&str, usize)]); 6] = [
    (
        "NORTH-TF",
        &[("unit", 4), ("unit", 11), ("unit", 13), ("organisation", 0)],
    ),
    (
        "BORDER",
        &[
            ("unit", 7),
            ("unit", 8),
            ("unit", 12),
            ("unit", 14),
            ("unit", 16),
            ("unit", 18),
        ],
    ),
    ("NAT-ANALYSTS", &[("unit", 0), ("unit", 3), ("user", 40)]),
    (
        "MEKONG",
        &[
            ("organisation", 1),
            ("organisation", 4),
            ("organisation", 5),
        ],
    ),
    ("SOUTH", &[("unit", 5), ("unit", 15), ("unit", 17)]),
    (
        "CUSTOMS-POLICE",
        &[("organisation", 1), ("organisation", 2)],
    ),
];

/// Users: user i works in unit i % 20 (300 users); only their ids matter.
const USERS: u64 = 300;

fn org_id(i: usize) -> String {
    uid(1, i as u64)
}
fn unit_id(i: usize) -> String {
    uid(2, i as u64)
}
fn user_id(i: u64) -> String {
    uid(3, i)
}
fn group_id(i: usize) -> String {
    uid(4, i as u64)
}

/// The actors whose filters are measured.
fn actors() -> Res<Vec<(&'static str, Actor)>> {
    let make = |user: u64, role: Role, scope: &str, clearance: Clearance| -> Res<Actor> {
        let unit = (user % 20) as usize;
        Ok(Actor {
            user: UserId::from_str(&user_id(user))?,
            username: UserName::parse(&format!("bench{user}")).map_err(|e| format!("{e:?}"))?,
            unit: UnitId::from_str(&unit_id(unit))?,
            organisation: OrganisationId::from_str(&org_id(UNITS[unit].0))?,
            role,
            scope: GeoScope::parse(scope).map_err(|e| format!("{e:?}"))?,
            clearance,
            token: None,
        })
    };
    Ok(vec![
        (
            // Bokeo Provincial Police, Counter-Narcotics Bureau (unit 13).
            "unit data clerk (Bokeo CNB, scope 05, restricted)",
            make(33, Role::DataClerk, "05", Clearance::Restricted)?,
        ),
        (
            // LCDC Bokeo Office (unit 1).
            "provincial analyst (LCDC Bokeo office, scope 03+05, confidential)",
            make(41, Role::Analyst, "03,05", Clearance::Confidential)?,
        ),
        (
            // Counter-Narcotics Police headquarters (unit 3).
            "national supervisor (CNP HQ, national, secret)",
            make(43, Role::Supervisor, "national", Clearance::Secret)?,
        ),
    ])
}

// ------------------------------------------------------------------ randomness

/// splitmix64: deterministic, so both backends get the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Index chosen with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

// ------------------------------------------------------------------ loading

#[derive(Clone)]
enum V {
    T(String),
    I(i64),
    NT(Option<String>),
    NI(Option<i64>),
}

/// Inserts rows with multi-row `INSERT`s of at most `max_params` values
/// each. (sqlx binds SQLite parameters in time quadratic in their number
/// per statement, so SQLite gets small statements; PostgreSQL larger ones.)
async fn insert(
    conn: &mut sqlx::AnyConnection,
    max_params: usize,
    table: &str,
    cols: &[&str],
    rows: &[Vec<V>],
) -> Res<()> {
    let per = (max_params / cols.len()).max(1);
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..cols.len() {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                let _ = write!(sql, "${n}");
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::T(s) => q.bind(s.clone()),
                    V::I(i) => q.bind(*i),
                    V::NT(s) => q.bind(s.clone()),
                    V::NI(i) => q.bind(*i),
                };
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

fn t(s: &str) -> V {
    V::T(s.to_owned())
}

const SUBSTANCES: [(&str, u32); 9] = [
    ("methamphetamine tablets", 34),
    ("crystal methamphetamine", 20),
    ("heroin", 10),
    ("opium", 8),
    ("cannabis", 10),
    ("ketamine", 5),
    ("precursor chemicals", 7),
    ("MDMA", 4),
    ("cocaine", 2),
];
const EVENTS: [&str; 8] = [
    "shipment expected",
    "courier network active",
    "storage site reported",
    "cross-border transfer",
    "payment through mobile money",
    "vehicle used for transport",
    "new supplier identified",
    "river crossing at night",
];
const PLACES: [&str; 10] = [
    "near the Mekong landing",
    "at the district market",
    "on Route 13 North",
    "on Route 3",
    "via the Friendship Bridge",
    "in the special economic zone",
    "near the border checkpoint",
    "at a guesthouse",
    "in the village cluster",
    "along the river road",
];
const SENTENCES: [&str; 8] = [
    "The source reports regular movements of goods late in the evening, usually in two pickup trucks with provincial plates.",
    "Payments are said to be made through a mobile money agent who also runs a small shop near the market.",
    "The group is believed to store goods for a few days before moving them across the river by long-tail boat.",
    "Two persons known to the unit were seen meeting a foreign national at the guesthouse on several occasions.",
    "Information is partly corroborated by an earlier seizure in the same district.",
    "The source has reported reliably on this network in the past; the information has not yet been confirmed.",
    "Local authorities have been informed; no action has been taken to avoid compromising the source.",
    "Further reporting is expected after the next market day.",
];

/// Loads the reference rows and `n` reports, in one transaction.
async fn load(pool: &AnyPool, n: u64, max_params: usize) -> Res<(u64, u64)> {
    let mut tx = pool.begin().await?;
    let c = &mut *tx;
    insert(
        c,
        max_params,
        "installation",
        &["id", "name", "created_at"],
        &[vec![t(INSTALLATION), t("bench"), V::I(START_MS)]],
    )
    .await?;
    let rows: Vec<_> = PROVINCES
        .iter()
        .map(|(code, iso, name)| vec![t(code), t(iso), t(name), t(name)])
        .collect();
    insert(
        c,
        max_params,
        "province",
        &["code", "iso_code", "name_en", "name_lo"],
        &rows,
    )
    .await?;
    let rows: Vec<_> = ORGS
        .iter()
        .enumerate()
        .map(|(i, (code, name, prov))| {
            vec![
                t(&org_id(i)),
                t(INSTALLATION),
                t(code),
                t("law_enforcement"),
                t(name),
                t(name),
                V::NT(prov.map(str::to_owned)),
                V::I(START_MS),
            ]
        })
        .collect();
    insert(
        c,
        max_params,
        "organisation",
        &[
            "id",
            "installation_id",
            "code",
            "kind",
            "name_en",
            "name_lo",
            "province_code",
            "created_at",
        ],
        &rows,
    )
    .await?;
    let rows: Vec<_> = UNITS
        .iter()
        .enumerate()
        .map(|(i, (org, name, prov, _))| {
            vec![
                t(&unit_id(i)),
                t(INSTALLATION),
                t(&org_id(*org)),
                t(name),
                t(name),
                V::NT(prov.map(str::to_owned)),
                V::NT(None),
                V::I(START_MS),
            ]
        })
        .collect();
    insert(
        c,
        max_params,
        "unit",
        &[
            "id",
            "installation_id",
            "organisation_id",
            "name_en",
            "name_lo",
            "province_code",
            "district_code",
            "created_at",
        ],
        &rows,
    )
    .await?;
    let rows: Vec<_> = GROUPS
        .iter()
        .enumerate()
        .map(|(i, (code, _))| {
            vec![
                t(&group_id(i)),
                t(INSTALLATION),
                t(code),
                t(code),
                t(code),
                t(""),
                V::I(START_MS),
            ]
        })
        .collect();
    insert(
        c,
        max_params,
        "sharing_group",
        &[
            "id",
            "installation_id",
            "code",
            "name_en",
            "name_lo",
            "description",
            "created_at",
        ],
        &rows,
    )
    .await?;
    let mut rows = Vec::new();
    for (g, (_, members)) in GROUPS.iter().enumerate() {
        for (kind, i) in members.iter() {
            let id = match *kind {
                "unit" => unit_id(*i),
                "organisation" => org_id(*i),
                _ => user_id(*i as u64),
            };
            rows.push(vec![t(&group_id(g)), t(kind), t(&id), V::I(START_MS)]);
        }
    }
    insert(
        c,
        max_params,
        "sharing_group_member",
        &["group_id", "member_kind", "member_id", "added_at"],
        &rows,
    )
    .await?;
    // Three registered sources per unit.
    let mut rows = Vec::new();
    for u in 0..UNITS.len() {
        for s in 0..3 {
            rows.push(vec![
                t(&format!("S-U{u:02}-{s:03}")),
                t(INSTALLATION),
                t(&unit_id(u)),
                t("(withheld)"),
                t(""),
                V::I(START_MS),
            ]);
        }
    }
    insert(
        c,
        max_params,
        "intel_source",
        &[
            "code",
            "installation_id",
            "handler_unit_id",
            "identity",
            "notes",
            "created_at",
        ],
        &rows,
    )
    .await?;

    let unit_weights: Vec<u32> = UNITS.iter().map(|u| u.3).collect();
    let mut national_weights: Vec<u32> = NATIONAL_SPREAD.to_vec();
    national_weights.push(NO_PROVINCE_WEIGHT);
    let substance_weights: Vec<u32> = SUBSTANCES.iter().map(|s| s.1).collect();
    let mut rng = Rng(0x00D0_C15B_E4C4);
    let mut seq: HashMap<(usize, i32), u32> = HashMap::new();
    let span = NOW_MS - DAY_MS - START_MS;
    let (mut shares_total, mut shared_records) = (0u64, 0u64);
    let batch = 5_000u64;
    let mut i = 0u64;
    while i < n {
        let end = (i + batch).min(n);
        let (mut access, mut reports, mut shares) = (Vec::new(), Vec::new(), Vec::new());
        for k in i..end {
            let created = START_MS + (span as u128 * u128::from(k) / u128::from(n)) as i64;
            let mut rand = [0u8; 10];
            rand[..8].copy_from_slice(&rng.next().to_le_bytes());
            let id = uuid::Builder::from_unix_timestamp_millis(created as u64, &rand)
                .into_uuid()
                .to_string();
            let unit = rng.weighted(&unit_weights);
            let (org, _, unit_prov, _) = UNITS[unit];
            let province = match unit_prov {
                Some(p) if rng.below(10) < 9 => Some(p.to_owned()),
                _ => {
                    let i = rng.weighted(&national_weights);
                    PROVINCES.get(i).map(|p| p.0.to_owned())
                }
            };
            let class = match rng.below(100) {
                0..=14 => 0,
                15..=84 => 1,
                85..=96 => 2,
                _ => 3,
            };
            let tlp = match rng.below(100) {
                0..=4 => "TLP:RED",
                5..=14 => "TLP:AMBER+STRICT",
                15..=69 => "TLP:AMBER",
                70..=94 => "TLP:GREEN",
                _ => "TLP:CLEAR",
            };
            let author = user_id((rng.below(USERS / 20) * 20) + unit as u64);
            access.push(vec![
                t(&id),
                t("intelligence_report"),
                t(INSTALLATION),
                t(&org_id(org)),
                t(&unit_id(unit)),
                V::NT(province),
                V::I(class),
                t(tlp),
                t(&author),
                V::I(created),
            ]);
            let reported =
                dcis_domain::time::from_millis(created - DAY_MS * rng.below(21) as i64).date();
            let year = reported.year();
            let s = seq.entry((org, year)).or_insert(0);
            *s += 1;
            let reference = format!("IR-{}-{year}-{:05}", ORGS[org].0, s);
            let substance = SUBSTANCES[rng.weighted(&substance_weights)].0;
            let title = format!(
                "{} {} {}",
                capitalise(substance),
                rng.pick(&EVENTS),
                rng.pick(&PLACES)
            );
            let mut body = String::new();
            for _ in 0..4 {
                body.push_str(rng.pick(&SENTENCES));
                body.push(' ');
            }
            body.push_str(&format!("Substance: {substance}."));
            reports.push(vec![
                t(&id),
                t(&reference),
                t(&title),
                V::T(body),
                V::T(format!(
                    "{:04}-{:02}-{:02}",
                    year,
                    u8::from(reported.month()),
                    reported.day()
                )),
                t(&format!("S-U{unit:02}-{:03}", rng.below(3))),
                t(rng.pick(&["R", "U", "X"])),
                t(rng.pick(&["A", "B", "B", "C", "C", "C", "D", "E"])),
                t(rng.pick(&["P", "P", "P", "C"])),
                t(""),
                V::I(created),
            ]);
            // About one record in ten is shared, a few of them more than once.
            if rng.below(100) < 10 {
                shared_records += 1;
                let count = match rng.below(100) {
                    0..=79 => 1,
                    80..=94 => 2,
                    _ => 3,
                };
                for s in 0..count {
                    let (kind, target) = match rng.below(100) {
                        0..=34 => ("group", group_id(rng.below(GROUPS.len() as u64) as usize)),
                        35..=64 => (
                            "organisation",
                            org_id(rng.below(ORGS.len() as u64) as usize),
                        ),
                        65..=84 => ("unit", unit_id(rng.below(UNITS.len() as u64) as usize)),
                        _ => ("user", user_id(rng.below(USERS))),
                    };
                    let shared_at = created + DAY_MS * (1 + rng.below(30) as i64);
                    let (basis, expires) = match rng.below(100) {
                        0..=69 => ("release", None),
                        70..=89 => (
                            "need_to_know",
                            Some(NOW_MS + DAY_MS * (1 + rng.below(365) as i64)),
                        ),
                        _ => ("access_grant", Some(shared_at + 30 * DAY_MS)),
                    };
                    let revoked = (rng.below(100) < 5).then_some(shared_at + DAY_MS);
                    shares.push(vec![
                        t(&uid(5, k * 4 + s)),
                        t(&id),
                        t(kind),
                        V::T(target),
                        t(basis),
                        t(rng.pick(&["P", "C"])),
                        t(&author),
                        V::I(shared_at),
                        V::NI(expires),
                        V::NI(revoked),
                    ]);
                }
            }
        }
        insert(
            c,
            max_params,
            "record_access",
            &[
                "record_id",
                "record_kind",
                "installation_id",
                "owner_organisation_id",
                "owner_unit_id",
                "province_code",
                "classification_rank",
                "tlp",
                "created_by",
                "created_at",
            ],
            &access,
        )
        .await?;
        insert(
            c,
            max_params,
            "intelligence_report",
            &[
                "id",
                "reference",
                "title",
                "body",
                "reported_on",
                "source_code",
                "source_evaluation",
                "information_assessment",
                "handling_code",
                "handling_conditions",
                "updated_at",
            ],
            &reports,
        )
        .await?;
        shares_total += shares.len() as u64;
        insert(
            c,
            max_params,
            "record_share",
            &[
                "id",
                "record_id",
                "target_kind",
                "target_id",
                "basis",
                "handling",
                "shared_by",
                "shared_at",
                "expires_at",
                "revoked_at",
            ],
            &shares,
        )
        .await?;
        i = end;
        if i.is_multiple_of(100_000) {
            eprintln!("  loaded {i} reports");
        }
    }
    tx.commit().await?;
    Ok((shared_records, shares_total))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ------------------------------------------------------------------ the baseline

/// The `FROM … WHERE` of `Store::intel_report_count` and
/// `Store::intel_report_page` (`report_list_query` in intel.rs) with the
/// bound on the classification (which only the filter implies) replaced by
/// TRUE, and without `INDEXED BY record_access_filter`, which the SQLite
/// list takes for the filter's sake (the query without the filter is
/// fastest through the primary key). The search term is $1.
fn unfiltered_from(search: bool) -> &'static str {
    if search {
        "FROM intelligence_report r CROSS JOIN record_access ra WHERE ra.record_id = r.id \
         AND (LOWER(r.reference) LIKE $1 OR LOWER(r.title) LIKE $1) AND TRUE"
    } else {
        "FROM intelligence_report r JOIN record_access ra ON ra.record_id = r.id WHERE TRUE"
    }
}

/// `Store::intel_report_count` with the policy's condition replaced by
/// TRUE, where the store puts it: in the aggregate for the search on
/// PostgreSQL, in the `WHERE` otherwise.
fn unfiltered_count_sql(search: bool, backend: Backend) -> String {
    if search && backend == Backend::Postgres {
        format!(
            "SELECT COUNT(*) FILTER (WHERE TRUE) AS n {}",
            unfiltered_from(search)
        )
    } else {
        format!("SELECT COUNT(*) AS n {} AND TRUE", unfiltered_from(search))
    }
}

fn unfiltered_page_sql(search: bool) -> String {
    let (lim, off) = if search { ("$2", "$3") } else { ("$1", "$2") };
    format!(
        "SELECT p.record_id, p.record_kind, p.owner_organisation_id, p.owner_unit_id, p.province_code, \
         p.classification_rank, p.tlp, p.reference, p.reported_on, \
         CASE WHEN TRUE THEN p.title ELSE NULL END AS title, \
         CASE WHEN TRUE THEN p.source_evaluation || '/' || p.information_assessment || '/' || p.handling_code ELSE NULL END AS grade, \
         CASE WHEN TRUE THEN 1 ELSE 0 END AS readable \
         FROM (SELECT ra.record_id, ra.record_kind, ra.owner_organisation_id, ra.owner_unit_id, ra.province_code, \
         ra.classification_rank, ra.tlp, ra.has_shares, r.reference, r.reported_on, r.title, r.source_evaluation, \
         r.information_assessment, r.handling_code \
         {} AND TRUE ORDER BY r.reported_on DESC, r.reference DESC LIMIT {lim} OFFSET {off}) p \
         ORDER BY p.reported_on DESC, p.reference DESC",
        unfiltered_from(search)
    )
}

/// A summary row read the way the store reads one (ids and codes parsed).
fn decode(r: &AnyRow) -> Res<(String, bool)> {
    let _: uuid::Uuid = r.try_get::<String, _>("record_id")?.parse()?;
    let _: uuid::Uuid = r.try_get::<String, _>("owner_unit_id")?.parse()?;
    let _: uuid::Uuid = r.try_get::<String, _>("owner_organisation_id")?.parse()?;
    let _ = r.try_get::<Option<String>, _>("province_code")?;
    let _ = r.try_get::<i64, _>("classification_rank")?;
    let _ = r.try_get::<String, _>("tlp")?;
    let _ = r.try_get::<String, _>("reported_on")?;
    let _ = r.try_get::<Option<String>, _>("title")?;
    let _ = r.try_get::<Option<String>, _>("grade")?;
    Ok((
        r.try_get::<String, _>("reference")?,
        r.try_get::<i64, _>("readable")? == 1,
    ))
}

async fn unfiltered_count(
    c: &mut sqlx::AnyConnection,
    backend: Backend,
    q: Option<&str>,
) -> Res<i64> {
    let sql = unfiltered_count_sql(q.is_some(), backend);
    let mut query = sqlx::query(&sql);
    if let Some(q) = q {
        query = query.bind(format!("%{}%", q.to_lowercase()));
    }
    Ok(query.fetch_one(&mut *c).await?.try_get::<i64, _>("n")?)
}

async fn unfiltered_page(c: &mut sqlx::AnyConnection, q: Option<&str>) -> Res<Vec<(String, bool)>> {
    let sql = unfiltered_page_sql(q.is_some());
    let mut query = sqlx::query(&sql);
    if let Some(q) = q {
        query = query.bind(format!("%{}%", q.to_lowercase()));
    }
    let rows = query.bind(PAGE).bind(0i64).fetch_all(&mut *c).await?;
    rows.iter().map(decode).collect()
}

// ------------------------------------------------------------------ timing

#[derive(Default, Clone)]
struct Samples(Vec<Duration>);

impl Samples {
    fn ms(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self.0.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        v.sort_by(f64::total_cmp);
        v
    }
    fn median(&self) -> f64 {
        let v = self.ms();
        let n = v.len();
        if n == 0 {
            return f64::NAN;
        }
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }
    /// Nearest-rank 95th percentile.
    fn p95(&self) -> f64 {
        let v = self.ms();
        if v.is_empty() {
            return f64::NAN;
        }
        let rank = ((0.95 * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1]
    }
}

#[derive(Default, Clone)]
struct Variant {
    list: Samples,
    count: Samples,
    page: Samples,
}

struct Case {
    actor: &'static str,
    query: &'static str,
    rows_filtered: i64,
    rows_all: i64,
    filtered: Variant,
    unfiltered: Variant,
    /// PostgreSQL only: the unfiltered query on connections that keep the
    /// server's default `random_page_cost` (4) instead of dcis's (1.5),
    /// under which it may pick a faster plan than under dcis's settings.
    unfiltered_default_cost: Option<Variant>,
}

async fn time_filtered(store: &Store, f: &ReadFilter, q: Option<&str>, v: &mut Variant) -> Res<()> {
    let t0 = Instant::now();
    let total = store.intel_report_count(f, q).await?;
    let t1 = Instant::now();
    let page = store.intel_report_page(f, q, PAGE, 0).await?;
    let t2 = Instant::now();
    std::hint::black_box((total, page));
    v.count.0.push(t1 - t0);
    v.page.0.push(t2 - t1);
    v.list.0.push(t2 - t0);
    Ok(())
}

async fn time_unfiltered(raw: &Raw, backend: Backend, q: Option<&str>, v: &mut Variant) -> Res<()> {
    let mut c = raw.connection().await?;
    let t0 = Instant::now();
    let total = unfiltered_count(&mut c, backend, q).await?;
    let t1 = Instant::now();
    let page = unfiltered_page(&mut c, q).await?;
    let t2 = Instant::now();
    std::hint::black_box((total, page));
    v.count.0.push(t1 - t0);
    v.page.0.push(t2 - t1);
    v.list.0.push(t2 - t0);
    raw.done(c).await
}

/// Where the baseline runs: the bench's own connections, opened as
/// `Store::open` opens the store's (same URL, same per-connection settings).
///
/// On SQLite each repetition gets a fresh connection (opened and closed
/// outside the timing). The bundled SQLite is built with
/// SQLITE_ENABLE_MEMORY_MANAGEMENT, so all connections of a process share
/// one page-cache pool; once one connection holds more than its share, the
/// pages another connection reads are freed as soon as they are released,
/// and every b-tree step of that connection becomes a read() (3 million
/// instead of 25 thousand for the unfiltered count: four times slower).
/// A long-lived baseline connection next to the store's would land in one
/// state or the other depending on the order of use, and the comparison
/// would measure that instead of the filter. A fresh connection per
/// repetition leaves the store's connection the only long-lived one, and
/// both run in the normal state. (Since dcis sets `mmap_size`, reads go
/// through the memory map and the starvation should not occur; the fresh
/// connection is kept so that runs stay comparable with earlier ones.)
enum Raw {
    Pool(AnyPool),
    Fresh(String),
}

impl Raw {
    async fn connection(&self) -> Res<sqlx::pool::PoolConnection<sqlx::Any>> {
        match self {
            Raw::Pool(p) => Ok(p.acquire().await?),
            Raw::Fresh(url) => Ok(raw_pool(url, Backend::Sqlite, 1).await?.acquire().await?),
        }
    }

    async fn done(&self, c: sqlx::pool::PoolConnection<sqlx::Any>) -> Res<()> {
        if let Raw::Fresh(_) = self {
            c.close().await?;
        }
        Ok(())
    }

    fn pool(&self) -> Option<&AnyPool> {
        match self {
            Raw::Pool(p) => Some(p),
            Raw::Fresh(_) => None,
        }
    }
}

struct BackendResult {
    name: &'static str,
    version: String,
    settings: String,
    load_s: f64,
    shared_records: u64,
    shares: u64,
    cases: Vec<Case>,
}

/// The bench's own pool, opened as `Store::open` opens its pool: same
/// size and the same settings on every connection
/// (`Backend::connection_settings`: on SQLite the pragmas, `mmap_size`
/// among them; on PostgreSQL `jit = off`).
async fn raw_pool(url: &str, backend: Backend, size: u32) -> Res<AnyPool> {
    raw_pool_then(url, backend, size, &[]).await
}

/// [`raw_pool`], then `extra` settings on every connection.
async fn raw_pool_then(
    url: &str,
    backend: Backend,
    size: u32,
    extra: &'static [&'static str],
) -> Res<AnyPool> {
    let opts = AnyPoolOptions::new()
        .max_connections(size)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                for setting in backend.connection_settings().iter().chain(extra) {
                    conn.execute(*setting).await?;
                }
                Ok(())
            })
        });
    // Store::open adds the mode to an SQLite URL.
    let url = match backend {
        Backend::Sqlite => format!("{url}?mode=rw"),
        Backend::Postgres => url.to_owned(),
    };
    Ok(opts.connect(&url).await?)
}

async fn run_backend(
    name: &'static str,
    url: &str,
    n: u64,
    reps: usize,
    keep: bool,
) -> Res<BackendResult> {
    let backend = Backend::from_url(url).ok_or("unknown backend")?;
    eprintln!("{name}: migrating");
    let store = Store::open(
        url,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .await?;
    store.migrate().await?;
    let raw = raw_pool(url, backend, 8).await?;
    let have: i64 = sqlx::query("SELECT COUNT(*) FROM intelligence_report")
        .fetch_one(&raw)
        .await?
        .try_get(0)?;
    let t0 = Instant::now();
    let max_params = match backend {
        Backend::Sqlite => 300,
        Backend::Postgres => 3000,
    };
    let (shared_records, shares) = if keep && have as u64 == n {
        eprintln!("{name}: keeping the {n} reports already loaded");
        let shared: i64 = sqlx::query("SELECT COUNT(DISTINCT record_id) FROM record_share")
            .fetch_one(&raw)
            .await?
            .try_get(0)?;
        let shares: i64 = sqlx::query("SELECT COUNT(*) FROM record_share")
            .fetch_one(&raw)
            .await?
            .try_get(0)?;
        (shared as u64, shares as u64)
    } else if have == 0 {
        eprintln!("{name}: loading {n} reports");
        load(&raw, n, max_params).await?
    } else {
        return Err(format!("the database holds {have} reports, not {n}").into());
    };
    let (version, settings) = match backend {
        Backend::Sqlite => {
            // What dcis does after a bulk load (an import, `dcis generate`):
            // statistics for the tables whose size changed tenfold.
            store.optimize().await?;
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
            let v: String = sqlx::query("SELECT sqlite_version()")
                .fetch_one(&raw)
                .await?
                .try_get(0)?;
            let cache: i64 = sqlx::query("PRAGMA cache_size")
                .fetch_one(&raw)
                .await?
                .try_get(0)?;
            let mmap: i64 = sqlx::query("PRAGMA mmap_size")
                .fetch_one(&raw)
                .await?
                .try_get(0)?;
            (
                format!("SQLite {v} (bundled with sqlx)"),
                format!(
                    "WAL, synchronous=NORMAL, cache_size={cache}, mmap_size={mmap} (the settings dcis sets); `PRAGMA optimize` after the load (what dcis's import and generate do)"
                ),
            )
        }
        Backend::Postgres => {
            raw.execute("VACUUM ANALYZE").await?;
            let v: String = sqlx::query("SHOW server_version")
                .fetch_one(&raw)
                .await?
                .try_get(0)?;
            let mut s = Vec::new();
            for k in [
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "max_parallel_workers_per_gather",
                "jit",
            ] {
                let val: String = sqlx::query(&format!("SHOW {k}"))
                    .fetch_one(&raw)
                    .await?
                    .try_get(0)?;
                s.push(format!("{k}={val}"));
            }
            (
                format!("PostgreSQL {v}"),
                format!(
                    "the scripts/test cluster (fsync off), {}; VACUUM ANALYZE after the load (what autovacuum does)",
                    s.join(", ")
                ),
            )
        }
    };
    let load_s = t0.elapsed().as_secs_f64();
    eprintln!("{name}: loaded in {load_s:.1} s");

    let baseline = match backend {
        Backend::Sqlite => {
            raw.close().await;
            Raw::Fresh(url.to_owned())
        }
        Backend::Postgres => Raw::Pool(raw),
    };
    // The baseline once more with PostgreSQL's default random_page_cost,
    // so that the filtered queries are also compared with the fastest plan
    // found for the unfiltered ones (BENCHMARKS.md, "Access policy filter").
    let default_cost = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(Raw::Pool(
            raw_pool_then(url, backend, 2, &["RESET random_page_cost"]).await?,
        )),
    };
    let mut cases = Vec::new();
    for (label, actor) in actors()? {
        let groups: Vec<SharingGroupId> = store
            .groups_of(actor.user, actor.unit, actor.organisation)
            .await?;
        let f = ReadFilter::listable(&actor, &groups, NOW_MS);
        for (qname, q) in [("list", None), ("search", Some(SEARCH))] {
            // What users run, once: the page and total must be those of the
            // separate calls, and every row of the baseline must be counted.
            let (items, total) = store.intel_reports(&f, q, PAGE, 0).await?;
            if total != store.intel_report_count(&f, q).await?
                || items != store.intel_report_page(&f, q, PAGE, 0).await?
            {
                return Err("intel_reports differs from count + page".into());
            }
            let mut c = baseline.connection().await?;
            let all = unfiltered_count(&mut c, backend, q).await?;
            let first = unfiltered_page(&mut c, q).await?;
            baseline.done(c).await?;
            if all < total || first.len() as i64 != PAGE.min(all) {
                return Err("the unfiltered baseline returns less than the filtered query".into());
            }
            let (mut fv, mut uv) = (Variant::default(), Variant::default());
            let mut dv = default_cost.as_ref().map(|_| Variant::default());
            for _ in 0..WARM_UP {
                time_filtered(&store, &f, q, &mut Variant::default()).await?;
                time_unfiltered(&baseline, backend, q, &mut Variant::default()).await?;
                if let Some(d) = &default_cost {
                    time_unfiltered(d, backend, q, &mut Variant::default()).await?;
                }
            }
            for rep in 0..reps {
                // Alternate the order so that drift hits both alike.
                if rep % 2 == 0 {
                    time_filtered(&store, &f, q, &mut fv).await?;
                    time_unfiltered(&baseline, backend, q, &mut uv).await?;
                } else {
                    time_unfiltered(&baseline, backend, q, &mut uv).await?;
                    time_filtered(&store, &f, q, &mut fv).await?;
                }
                if let (Some(d), Some(v)) = (&default_cost, dv.as_mut()) {
                    time_unfiltered(d, backend, q, v).await?;
                }
            }
            eprintln!(
                "{name}: {label}, {qname}: filtered {:.1} ms, unfiltered {:.1} ms (medians; count {:.1} vs {:.1}, page {:.1} vs {:.1})",
                fv.list.median(),
                uv.list.median(),
                fv.count.median(),
                uv.count.median(),
                fv.page.median(),
                uv.page.median()
            );
            cases.push(Case {
                actor: label,
                query: qname,
                rows_filtered: total,
                rows_all: all,
                filtered: fv,
                unfiltered: uv,
                unfiltered_default_cost: dv,
            });
        }
    }
    store.close().await;
    for raw in [Some(&baseline), default_cost.as_ref()]
        .into_iter()
        .flatten()
    {
        if let Some(p) = raw.pool() {
            p.close().await;
        }
    }
    Ok(BackendResult {
        name,
        version,
        settings,
        load_s,
        shared_records,
        shares,
        cases,
    })
}

/// Creates (or re-creates) the database `dcis_bench_policy` on the server
/// of `admin_url` and returns its URL.
async fn fresh_postgres(admin_url: &str, keep: bool) -> Res<String> {
    use sqlx::Connection;
    let mut c = sqlx::AnyConnection::connect(admin_url).await?;
    let exists: i64 =
        sqlx::query("SELECT COUNT(*) FROM pg_database WHERE datname = 'dcis_bench_policy'")
            .fetch_one(&mut c)
            .await?
            .try_get(0)?;
    if !keep || exists == 0 {
        c.execute("DROP DATABASE IF EXISTS dcis_bench_policy WITH (FORCE)")
            .await?;
        c.execute("CREATE DATABASE dcis_bench_policy").await?;
    }
    c.close().await?;
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let slash = base.rfind('/').ok_or("no database in the URL")?;
    if slash < base.find("://").map_or(0, |i| i + 3) {
        return Ok(format!("{base}/dcis_bench_policy{query}"));
    }
    Ok(format!("{}/dcis_bench_policy{query}", &base[..slash]))
}

// ------------------------------------------------------------------ report

fn ratio(f: f64, u: f64) -> String {
    format!("{:.2} ({:+.0} %)", f / u, (f / u - 1.0) * 100.0)
}

fn report(results: &[BackendResult], n: u64, reps: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{n} intelligence reports, {reps} repetitions per figure after {WARM_UP} warm-up runs; \
         times in ms (median / p95, nearest rank). Ratio = filtered ÷ unfiltered median \
         (the requirement: at most 1.20 on list and search).\n"
    );
    for b in results {
        let _ = writeln!(s, "### {}\n", b.name);
        let _ = writeln!(
            s,
            "{}; {}. Load: {:.0} s for {n} reports, {} of them shared ({} shares).\n",
            b.version, b.settings, b.load_s, b.shared_records, b.shares
        );
        let _ = writeln!(
            s,
            "| actor | query | rows (filtered / all) | list or search (count + page), filtered | unfiltered | ratio | count, filtered | unfiltered | page, filtered | unfiltered |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|");
        for c in &b.cases {
            let (f, u) = (&c.filtered, &c.unfiltered);
            let _ = writeln!(
                s,
                "| {} | {} | {} / {} | {:.1} / {:.1} | {:.1} / {:.1} | **{}** | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} |",
                c.actor,
                c.query,
                c.rows_filtered,
                c.rows_all,
                f.list.median(),
                f.list.p95(),
                u.list.median(),
                u.list.p95(),
                ratio(f.list.median(), u.list.median()),
                f.count.median(),
                f.count.p95(),
                u.count.median(),
                u.count.p95(),
                f.page.median(),
                f.page.p95(),
                u.page.median(),
                u.page.p95(),
            );
        }
        let worst = b
            .cases
            .iter()
            .map(|c| c.filtered.list.median() / c.unfiltered.list.median())
            .fold(f64::NAN, f64::max);
        let _ = writeln!(
            s,
            "\nWorst ratio on {}: {:.2} — {}.\n",
            b.name,
            worst,
            if worst <= 1.2 { "met" } else { "**missed**" }
        );
        if b.cases.iter().any(|c| c.unfiltered_default_cost.is_some()) {
            let _ = writeln!(
                s,
                "The unfiltered queries once more in the same run, on connections with the \
                 server's default `random_page_cost` (4) instead of dcis's 1.5, and the filtered \
                 ones compared with the faster of the two baselines:\n"
            );
            let _ = writeln!(
                s,
                "| actor | query | unfiltered, default cost | count | page | filtered ÷ faster unfiltered |"
            );
            let _ = writeln!(s, "|---|---|---|---|---|---|");
            let mut worst = f64::NAN;
            for c in &b.cases {
                let Some(d) = &c.unfiltered_default_cost else {
                    continue;
                };
                let fastest = d.list.median().min(c.unfiltered.list.median());
                worst = worst.max(c.filtered.list.median() / fastest);
                let _ = writeln!(
                    s,
                    "| {} | {} | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} | **{}** |",
                    c.actor,
                    c.query,
                    d.list.median(),
                    d.list.p95(),
                    d.count.median(),
                    d.count.p95(),
                    d.page.median(),
                    d.page.p95(),
                    ratio(c.filtered.list.median(), fastest),
                );
            }
            let _ = writeln!(
                s,
                "\nWorst ratio to the faster baseline on {}: {:.2} — {}.\n",
                b.name,
                worst,
                if worst <= 1.2 { "met" } else { "**missed**" }
            );
        }
    }
    s
}

// ------------------------------------------------------------------ main

#[tokio::main]
async fn main() -> Res<()> {
    let mut sqlite = None;
    let mut postgres = None;
    let mut n: u64 = 1_000_000;
    let mut reps: usize = 30;
    let mut keep = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--sqlite" => sqlite = Some(val()?),
            "--postgres" => postgres = Some(val()?),
            "--records" => n = val()?.parse()?,
            "--reps" => reps = val()?.parse()?,
            "--keep" => keep = true,
            _ => {
                return Err(format!(
                    "unknown argument {a}; usage: policy_bench [--sqlite PATH] [--postgres ADMIN_URL] [--records N] [--reps R] [--keep]"
                )
                .into())
            }
        }
    }
    if sqlite.is_none() && postgres.is_none() {
        return Err("give --sqlite PATH and/or --postgres ADMIN_URL".into());
    }
    sqlx::any::install_default_drivers();
    let mut results = Vec::new();
    if let Some(path) = sqlite {
        if !keep {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        results.push(run_backend("SQLite", &format!("sqlite://{path}"), n, reps, keep).await?);
    }
    if let Some(admin) = postgres {
        let url = fresh_postgres(&admin, keep).await?;
        results.push(run_backend("PostgreSQL", &url, n, reps, keep).await?);
    }
    print!("{}", report(&results, n, reps));
    Ok(())
}
