//! The figures of analysis (`docs/analysis.md`): one SQL generator turns the
//! measures and dimensions of `dcis_domain::stats` into GROUP BY queries
//! over the raw tables, and the roll-up `stat_cell` keeps its results per
//! month, province, agency and (dimension, value), so that a dashboard over
//! ten years reads a few thousand rows instead of millions of items.
//!
//! Every write path that changes a case, its items or its people marks the
//! partitions (month, province) it touches in `stat_dirty`, in the same
//! transaction ([`Write::mark_stats_dirty`]); [`Store::refresh_stats`]
//! rebuilds those partitions from the raw tables with the same generator,
//! and [`Store::stats`] calls it before reading. The roll-up is derived
//! data: it has no audit entries of its own.

use crate::access::{bind_all, push, Bind};
use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{int, text};
use crate::write::Write;
use dcis_domain::quantity::MeasureUnit;
use dcis_domain::stats::{
    is_tablet_count_unit, Group, Level, Month, Period, StatDim, TimeGrain, Totals, AGE_GROUPS,
    UNKNOWN,
};
use dcis_policy::stats::StatsScope;
use sqlx::any::AnyRow;
use sqlx::Row;

/// What to compute: a period, filters (dimension = value, all of which
/// must hold) and up to three axes.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsQuery {
    pub period: Period,
    pub filters: Vec<(StatDim, String)>,
    pub group: Vec<Group>,
}

/// One cell: its keys (one per axis, in the query's order) and totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatCell {
    pub keys: Vec<String>,
    pub totals: Totals,
}

/// Which tables the generator reads for a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The roll-up (`stat_cell`).
    Rollup,
    /// The raw tables (a query needing two dimensions the roll-up does not
    /// hold together, such as substance by nationality).
    Raw,
}

impl StatsQuery {
    /// The dimensions other than province and agency that the query uses,
    /// each once.
    fn rolled_dims(&self) -> Vec<StatDim> {
        let mut out: Vec<StatDim> = Vec::new();
        let axes = self.group.iter().filter_map(|g| match g {
            Group::Dim(d) => Some(*d),
            Group::Time(_) => None,
        });
        for d in axes.chain(self.filters.iter().map(|(d, _)| *d)) {
            if !d.is_base() && !out.contains(&d) {
                out.push(d);
            }
        }
        out
    }

    /// The roll-up answers queries that use at most one of its (dimension,
    /// value) rows.
    pub fn source(&self) -> Source {
        if self.rolled_dims().len() <= 1 {
            Source::Rollup
        } else {
            Source::Raw
        }
    }
}

/// The SQL value of a dimension for a row of law_case `lc`, seizure_item
/// `si`, case_person `cp` and person `p`.
pub(crate) fn dim_expr(d: StatDim) -> String {
    let or_unknown = |col: &str| format!("(CASE WHEN {col} = '' THEN '{UNKNOWN}' ELSE {col} END)");
    let or_q = |col: &str| format!("(CASE WHEN {col} = '' THEN '?' ELSE {col} END)");
    match d {
        StatDim::Province => "lc.province_code".into(),
        StatDim::District => "lc.district_code".into(),
        StatDim::Agency => "lc.agency_id".into(),
        StatDim::Substance => "si.substance".into(),
        StatDim::Route => format!(
            "({} || '>' || {})",
            or_q("lc.origin_country"),
            or_q("lc.destination_country")
        ),
        StatDim::BorderCrossing => "lc.border_crossing_id".into(),
        StatDim::TabletLogo => "si.tablet_logo_key".into(),
        StatDim::DetectionMethod => "lc.detection_method".into(),
        StatDim::TransportMode => "lc.transport_mode".into(),
        StatDim::Nationality => or_unknown("p.nationality"),
        StatDim::Sex => or_unknown("p.sex"),
        StatDim::AgeGroup => age_group_sql(),
        StatDim::Role => "cp.role".into(),
        StatDim::Price => "(si.substance || ' ' || si.price_key)".into(),
    }
}

/// The condition for a row to have a value of the dimension (a case
/// without a border crossing has none).
pub(crate) fn dim_present(d: StatDim) -> Option<&'static str> {
    match d {
        StatDim::Route => Some("(lc.origin_country <> '' OR lc.destination_country <> '')"),
        StatDim::BorderCrossing => Some("lc.border_crossing_id IS NOT NULL"),
        StatDim::District => Some("lc.district_code IS NOT NULL"),
        StatDim::TabletLogo => Some("si.tablet_logo_key <> ''"),
        StatDim::DetectionMethod => Some("lc.detection_method <> ''"),
        StatDim::TransportMode => Some("lc.transport_mode <> ''"),
        StatDim::Price => Some("si.price_key <> ''"),
        _ => None,
    }
}

/// SQL true when `expr` is a non-empty text of ASCII digits and the
/// characters `also` only (REPLACE, on both engines alike).
fn only_digits_sql(expr: &str, also: &str) -> String {
    let mut stripped = expr.to_owned();
    for c in "0123456789".chars().chain(also.chars()) {
        stripped = format!("REPLACE({stripped}, '{c}', '')");
    }
    format!("({expr} <> '' AND {stripped} = '')")
}

/// A person's age in full years on the case's date: the stated age, or
/// the years from the date of birth.
///
/// The person's columns hold what was entered, validated but not
/// normalised (an age may be typed in Lao digits, a date with one-digit
/// months): only ASCII forms the SQL can read are converted, any other is
/// an unknown age. PostgreSQL would otherwise fail the whole query on one
/// such value (SQLite would read it as 0). Normalised age columns, written
/// with the person, would count those too.
pub(crate) fn age_sql() -> String {
    let age_ok = only_digits_sql("p.age", ".");
    let birth_ok = format!(
        "(LENGTH(p.birth_date) = 10 AND substr(p.birth_date, 5, 1) = '-' AND substr(p.birth_date, 8, 1) = '-' AND {})",
        only_digits_sql("p.birth_date", "-")
    );
    format!(
        "(CASE WHEN {age_ok} THEN CAST(CAST(p.age AS DOUBLE PRECISION) AS BIGINT) \
         WHEN {birth_ok} THEN CAST(substr(lc.occurred_on, 1, 4) AS BIGINT) - CAST(substr(p.birth_date, 1, 4) AS BIGINT) \
         - (CASE WHEN substr(lc.occurred_on, 6, 5) < substr(p.birth_date, 6, 5) THEN 1 ELSE 0 END) END)"
    )
}

fn age_group_sql() -> String {
    let age = age_sql();
    let mut s = format!("(CASE WHEN {age} IS NULL THEN '{UNKNOWN}'");
    for (lo, hi, label) in AGE_GROUPS {
        s.push_str(&format!(" WHEN {age} BETWEEN {lo} AND {hi} THEN '{label}'"));
    }
    s.push_str(&format!(" ELSE '{UNKNOWN}' END)"));
    s
}

/// The label of a month column on a time axis.
fn time_expr(g: TimeGrain, month: &str) -> String {
    match g {
        TimeGrain::Month => month.to_owned(),
        TimeGrain::Year => format!("substr({month}, 1, 4)"),
        TimeGrain::Quarter => format!(
            "(substr({month}, 1, 4) || '-Q' || (CASE WHEN substr({month}, 6, 2) <= '03' THEN '1' \
             WHEN substr({month}, 6, 2) <= '06' THEN '2' WHEN substr({month}, 6, 2) <= '09' THEN '3' ELSE '4' END))"
        ),
    }
}

pub(crate) const RAW_MONTH: &str = "substr(lc.occurred_on, 1, 7)";

fn unit_list(pred: impl Fn(MeasureUnit) -> bool) -> String {
    MeasureUnit::ALL
        .into_iter()
        .filter(|u| pred(*u))
        .map(|u| format!("'{}'", u.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The measures of one seized item as SQL over `si`: in
/// [`Totals::COLUMNS`] order from `mass_ug` to `area_m2` (summed), then its
/// purity and its unit price (summed, and counted where not NULL, for
/// `purity_milli`, `purity_n`, `price_minor`, `price_n`). The one
/// definition of what each total adds up, for the raw queries' sums and the
/// roll-up's fold alike.
pub(crate) fn item_values() -> [String; 8] {
    [
        "(CASE WHEN si.mass_derived = 0 THEN si.mass_ug END)".into(),
        format!(
            "(CASE WHEN si.unit IN ({}) THEN si.item_count END)",
            unit_list(is_tablet_count_unit)
        ),
        "si.volume_ul".into(),
        "(CASE WHEN si.unit = 'units' THEN si.item_count END)".into(),
        "(CASE WHEN si.unit = 'plants' THEN si.item_count END)".into(),
        "si.area_m2".into(),
        "si.purity_milli".into(),
        "(CASE WHEN si.price_key <> '' THEN si.price_minor END)".into(),
    ]
}

/// The item part's aggregates, in [`Totals::COLUMNS`] order after `cases`,
/// `items` except `persons` (which the item part does not count): the sums
/// of mass to area, then purity and price sums and counts.
fn item_sums() -> (String, String) {
    let v = item_values();
    let sums = v[..6]
        .iter()
        .map(|e| format!("SUM({e})"))
        .collect::<Vec<_>>()
        .join(", ");
    let means = format!(
        "SUM({p}) AS purity_milli, COUNT({p}) AS purity_n, SUM({c}) AS price_minor, COUNT({c}) AS price_n",
        p = v[6],
        c = v[7]
    );
    (sums, means)
}

/// An index hint for SQLite (`INDEXED BY`), nothing for PostgreSQL: see
/// [`raw_sql`].
pub(crate) fn hint(sqlite: bool, index: &str) -> String {
    if sqlite {
        format!(" INDEXED BY {index}")
    } else {
        String::new()
    }
}

/// The joins from a case `lc` to its items `si`, and to its people `cp`
/// and `p`, as (FROM clause addition, condition).
pub(crate) fn item_join(sqlite: bool) -> (String, &'static str) {
    (
        format!(
            " CROSS JOIN seizure_item si{}",
            hint(sqlite, "seizure_item_case")
        ),
        "si.case_id = lc.id",
    )
}

pub(crate) fn person_join(sqlite: bool) -> (String, &'static str) {
    (
        format!(
            " CROSS JOIN case_person cp{} CROSS JOIN person p{}",
            hint(sqlite, "sqlite_autoindex_case_person_1"),
            hint(sqlite, "sqlite_autoindex_person_1")
        ),
        "cp.case_id = lc.id AND p.id = cp.person_id",
    )
}

/// A condition on a dimension: equal to a value, or having one at all.
#[derive(Debug, Clone, PartialEq)]
enum Cond {
    Eq(String),
    Present,
}

fn dim_cond(d: StatDim, c: &Cond, binds: &mut Vec<Bind>) -> String {
    match c {
        Cond::Eq(v) => format!("{} = {}", dim_expr(d), push(binds, Bind::Text(v.clone()))),
        Cond::Present => dim_present(d).unwrap_or("1 = 1").to_owned(),
    }
}

/// The restriction of law_case rows (`lc`): period, scope and conditions
/// on the case itself. Rendered once per use (each use binds its own
/// values, in the order they appear in the statement).
#[derive(Debug, Clone)]
pub(crate) struct CaseWhere {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) provinces: Option<Vec<String>>,
    case_conds: Vec<(StatDim, Cond)>,
}

impl CaseWhere {
    /// The cases of one province in a range of months.
    pub(crate) fn partition(province: &str, first: Month, last: Month) -> Self {
        Self {
            from: first.first_day(),
            to: last.after_last_day(),
            provinces: Some(vec![province.to_owned()]),
            case_conds: Vec::new(),
        }
    }

    /// The case `lc` as read under this restriction (by province and
    /// date, or by date alone).
    pub(crate) fn case_from(&self, sqlite: bool) -> String {
        let index = if self.provinces.as_ref().is_some_and(|p| !p.is_empty()) {
            "law_case_province"
        } else {
            "law_case_occurred"
        };
        format!("law_case lc{}", hint(sqlite, index))
    }

    pub(crate) fn render(&self, binds: &mut Vec<Bind>) -> String {
        let mut c = vec![
            format!(
                "lc.occurred_on >= {}",
                push(binds, Bind::Text(self.from.clone()))
            ),
            format!(
                "lc.occurred_on < {}",
                push(binds, Bind::Text(self.to.clone()))
            ),
        ];
        if let Some(ps) = &self.provinces {
            if ps.is_empty() {
                c.push("1 = 0".into());
            } else {
                let marks: Vec<String> = ps
                    .iter()
                    .map(|p| push(binds, Bind::Text(p.clone())))
                    .collect();
                c.push(format!("lc.province_code IN ({})", marks.join(", ")));
            }
        }
        for (d, cond) in &self.case_conds {
            c.push(dim_cond(*d, cond, binds));
        }
        c.join(" AND ")
    }
}

fn group_by(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(
            " GROUP BY {}",
            (1..=n)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// A GROUP BY over the raw tables: `keys` are SQL expressions over `lc`,
/// `si`, `cp` and `p` with their levels; `conds` are conditions on items
/// and people (those on the case are in `w`). The answer has columns
/// `k0…` and the totals. Each measure counts the rows of its own level
/// (cases, items, persons); a key of another level counts each row once
/// per distinct value present in its case ("cases involving",
/// `docs/analysis.md`).
fn raw_sql(
    keys: &[(String, Level)],
    w: &CaseWhere,
    conds: &[(StatDim, Cond)],
    sqlite: bool,
    binds: &mut Vec<Bind>,
) -> String {
    // On SQLite, each table is read through a named index (`hint`): the
    // plan then does not depend on the planner statistics a connection
    // loaded (a connection opened when the tables were small keeps
    // statistics that make full scans look cheap: two minutes instead of a
    // quarter of a second per partition, measured). PostgreSQL plans from
    // its own.
    // A case found by province and date, or by date alone, or by its id.
    let case_from = w.case_from(sqlite);
    let case_by_id = format!("law_case lc{}", hint(sqlite, "sqlite_autoindex_law_case_1"));
    let item_join = item_join(sqlite);
    let person_join = person_join(sqlite);
    let of_level = |l: Level| -> Vec<(StatDim, Cond)> {
        conds
            .iter()
            .filter(|(d, _)| d.level() == l)
            .cloned()
            .collect()
    };
    let item_conds = of_level(Level::Item);
    let person_conds = of_level(Level::Person);
    let uses =
        |l: Level, cs: &[(StatDim, Cond)]| keys.iter().any(|(_, kl)| *kl == l) || !cs.is_empty();
    let uses_items = uses(Level::Item, &item_conds);
    let uses_people = uses(Level::Person, &person_conds);
    let n = keys.len();
    let sep = if n == 0 { "" } else { ", " };
    // Joins are written as CROSS JOIN with their conditions in WHERE: on
    // SQLite that fixes the join order (the case first, found by its
    // province and date, then its items or people by their case index)
    // whatever statistics the connection holds; PostgreSQL plans them
    // like any inner join.
    let item_join: (&str, &str) = (&item_join.0, item_join.1);
    let person_join: (&str, &str) = (&person_join.0, person_join.1);
    // `restrict`: apply the period, scope and case conditions (not needed
    // on rows read through a distinct table, which applied them already:
    // the case is then found by its id alone).
    let render_conds = |binds: &mut Vec<Bind>,
                        joins: &[&str],
                        restrict: bool,
                        extra: &[&[(StatDim, Cond)]]|
     -> String {
        let mut c: Vec<String> = joins.iter().map(|j| (*j).to_owned()).collect();
        if restrict {
            c.push(w.render(binds));
        }
        for cs in extra {
            for (d, cond) in cs.iter() {
                c.push(dim_cond(*d, cond, binds));
            }
        }
        c.join(" AND ")
    };
    // The keys as selected by a part: its own level's from the row, the
    // other level's from the distinct table `alias`.
    let select_keys = |other: Option<(Level, &str)>| -> String {
        keys.iter()
            .enumerate()
            .map(|(i, (e, l))| match other {
                Some((ol, alias)) if ol == *l => format!("{alias}.d{i} AS k{i}"),
                _ => format!("{e} AS k{i}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The distinct values of one level's keys per case, restricted like
    // the outer rows; the outer rows are read from it, case by case.
    let distinct = |alias: &str,
                    level: Level,
                    join: (&str, &str),
                    level_conds: &[(StatDim, Cond)],
                    binds: &mut Vec<Bind>|
     -> String {
        let mut sel = vec!["lc.id AS case_id".to_owned()];
        sel.extend(
            keys.iter()
                .enumerate()
                .filter(|(_, (_, l))| *l == level)
                .map(|(i, (e, _))| format!("{e} AS d{i}")),
        );
        let where_sql = render_conds(binds, &[join.1], true, &[level_conds]);
        format!(
            "(SELECT DISTINCT {} FROM {case_from}{} WHERE {where_sql}) {alias} CROSS JOIN ",
            sel.join(", "),
            join.0
        )
    };

    // Cases: every level's rows joined; distinct cases counted.
    let mut from = case_from.clone();
    let mut joins = Vec::new();
    if uses_items {
        from.push_str(item_join.0);
        joins.push(item_join.1);
    }
    if uses_people {
        from.push_str(person_join.0);
        joins.push(person_join.1);
    }
    let where_sql = render_conds(binds, &joins, true, &[&item_conds, &person_conds]);
    let zeros = Totals::COLUMNS[1..]
        .iter()
        .map(|c| format!("0 AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let case_part = format!(
        "SELECT {}{sep}COUNT(DISTINCT lc.id) AS cases, {zeros} FROM {from} WHERE {where_sql}{}",
        select_keys(None),
        group_by(n)
    );

    // Items: one row per item; the people's keys from a distinct table.
    let (mut from, other, mut joins) = if uses_people {
        (
            distinct("pd", Level::Person, person_join, &person_conds, binds),
            Some((Level::Person, "pd")),
            vec!["lc.id = pd.case_id"],
        )
    } else {
        (String::new(), None, Vec::new())
    };
    from.push_str(if other.is_some() {
        &case_by_id
    } else {
        &case_from
    });
    from.push_str(item_join.0);
    joins.push(item_join.1);
    let where_sql = render_conds(binds, &joins, other.is_none(), &[&item_conds]);
    let (sums, means) = item_sums();
    let item_part = format!(
        "SELECT {}{sep}0 AS cases, COUNT(*) AS items, {sums}, 0 AS persons, {means} FROM {from} WHERE {where_sql}{}",
        select_keys(other),
        group_by(n)
    );

    // Persons: one row per person in a case; the items' keys from a
    // distinct table.
    let (mut from, other, mut joins) = if uses_items {
        (
            distinct("sd", Level::Item, item_join, &item_conds, binds),
            Some((Level::Item, "sd")),
            vec!["lc.id = sd.case_id"],
        )
    } else {
        (String::new(), None, Vec::new())
    };
    from.push_str(if other.is_some() {
        &case_by_id
    } else {
        &case_from
    });
    from.push_str(person_join.0);
    joins.push(person_join.1);
    let where_sql = render_conds(binds, &joins, other.is_none(), &[&person_conds]);
    let person_part = format!(
        "SELECT {}{sep}0 AS cases, 0 AS items, 0 AS mass_ug, 0 AS tablets, 0 AS volume_ul, 0 AS units, 0 AS plants, \
         0 AS area_m2, COUNT(*) AS persons, 0 AS purity_milli, 0 AS purity_n, 0 AS price_minor, 0 AS price_n \
         FROM {from} WHERE {where_sql}{}",
        select_keys(other),
        group_by(n)
    );

    let sums = Totals::COLUMNS
        .iter()
        .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let gk = (0..n)
        .map(|i| format!("k{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {gk}{sep}{sums} FROM ({case_part} UNION ALL {item_part} UNION ALL {person_part}) parts{}",
        group_by(n)
    )
}

/// A period as whole calendar years (read from `stat_year`) and the
/// months outside them (from `stat_month`).
/// First and last whole year; ranges of months.
type YearsAndMonths = (Option<(u16, u16)>, Vec<(Month, Month)>);

fn split_years(p: &Period) -> YearsAndMonths {
    let first = if p.from.month() == 1 {
        p.from.year()
    } else {
        p.from.year() + 1
    };
    let last = if p.to.month() == 12 {
        p.to.year()
    } else {
        p.to.year().saturating_sub(1)
    };
    if first > last {
        return (None, vec![(p.from, p.to)]);
    }
    let mut months = Vec::new();
    if let Some(before) = Month::new(first, 1).and_then(|m| m.plus(-1)) {
        if p.from <= before {
            months.push((p.from, before));
        }
    }
    if let Some(after) = Month::new(last, 12).and_then(|m| m.plus(1)) {
        if after <= p.to {
            months.push((after, p.to));
        }
    }
    (Some((first, last)), months)
}

fn totals_of(r: &AnyRow) -> Result<Totals, StoreError> {
    let mut a = [0i64; 13];
    for (i, c) in Totals::COLUMNS.iter().enumerate() {
        a[i] = int(r, c)?;
    }
    Ok(Totals::from_array(a))
}

fn cells_of(rows: &[AnyRow], n: usize) -> Result<Vec<StatCell>, StoreError> {
    rows.iter()
        .map(|r| {
            let keys = (0..n)
                .map(|i| {
                    Ok(r.try_get::<Option<String>, _>(format!("k{i}").as_str())?
                        .unwrap_or_default())
                })
                .collect::<Result<Vec<String>, StoreError>>()?;
            Ok(StatCell {
                keys,
                totals: totals_of(r)?,
            })
        })
        .collect()
}

impl Store {
    /// The figures of a query over the cases of `scope`, from the roll-up
    /// when it can answer ([`StatsQuery::source`]), else from the raw
    /// tables. Out-of-date partitions are rebuilt first. Cells are sorted
    /// by their keys; cells with no case are absent.
    pub async fn stats(
        &self,
        scope: &StatsScope,
        q: &StatsQuery,
    ) -> Result<Vec<StatCell>, StoreError> {
        self.refresh_stats().await?;
        self.stats_as_refreshed(scope, q).await
    }

    /// [`Store::stats`] without rebuilding out-of-date partitions first:
    /// for many queries after one [`Store::refresh_stats`].
    pub async fn stats_as_refreshed(
        &self,
        scope: &StatsScope,
        q: &StatsQuery,
    ) -> Result<Vec<StatCell>, StoreError> {
        match q.source() {
            Source::Rollup => self.stats_from_rollup(scope, q).await,
            Source::Raw => self.stats_from_raw(scope, q).await,
        }
    }

    /// The same figures computed from the raw tables whatever the query
    /// (the roll-up's correctness tests compare the two).
    pub async fn stats_from_raw(
        &self,
        scope: &StatsScope,
        q: &StatsQuery,
    ) -> Result<Vec<StatCell>, StoreError> {
        // Conditions: the filters, and for each axis of a dimension whose
        // rows may lack a value, that they have one (as the roll-up keeps
        // only rows with a value).
        let mut conds: Vec<(StatDim, Cond)> = q
            .filters
            .iter()
            .map(|(d, v)| (*d, Cond::Eq(v.clone())))
            .collect();
        for g in &q.group {
            if let Group::Dim(d) = g {
                conds.push((*d, Cond::Present));
            }
        }
        let (case_conds, conds): (Vec<_>, Vec<_>) = conds
            .into_iter()
            .partition(|(d, _)| d.level() == Level::Case);
        let w = CaseWhere {
            from: q.period.from.first_day(),
            to: q.period.to.after_last_day(),
            provinces: scope
                .provinces()
                .map(|ps| ps.iter().map(|p| p.as_str().to_owned()).collect()),
            case_conds,
        };
        let keys: Vec<(String, Level)> = q
            .group
            .iter()
            .map(|g| match g {
                Group::Time(t) => (time_expr(*t, RAW_MONTH), Level::Case),
                Group::Dim(d) => (dim_expr(*d), d.level()),
            })
            .collect();
        let mut binds = Vec::new();
        let sqlite = self.backend == crate::open::Backend::Sqlite;
        let sql = raw_sql(&keys, &w, &conds, sqlite, &mut binds);
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        let mut cells = cells_of(&rows, keys.len())?;
        cells.retain(|c| c.totals != Totals::default());
        cells.sort_by(|a, b| a.keys.cmp(&b.keys));
        Ok(cells)
    }

    async fn stats_from_rollup(
        &self,
        scope: &StatsScope,
        q: &StatsQuery,
    ) -> Result<Vec<StatCell>, StoreError> {
        let dim = q.rolled_dims().first().map(|d| d.as_str()).unwrap_or("all");
        let by_agency = q.filters.iter().any(|(d, _)| *d == StatDim::Agency)
            || q.group.contains(&Group::Dim(StatDim::Agency));
        let fine_time = q.group.iter().any(|g| {
            matches!(
                g,
                Group::Time(TimeGrain::Month) | Group::Time(TimeGrain::Quarter)
            )
        });
        // The conditions every branch shares: dimension, scope, filters.
        let common = |binds: &mut Vec<Bind>| -> Vec<String> {
            let mut conds = vec![format!("dim = {}", push(binds, Bind::Text(dim.to_owned())))];
            if let Some(ps) = scope.provinces() {
                if ps.is_empty() {
                    conds.push("1 = 0".into());
                } else {
                    let marks: Vec<String> = ps
                        .iter()
                        .map(|p| push(binds, Bind::Text(p.as_str().to_owned())))
                        .collect();
                    conds.push(format!("province_code IN ({})", marks.join(", ")));
                }
            }
            for (d, v) in &q.filters {
                let col = match d {
                    StatDim::Province => "province_code",
                    StatDim::Agency => "agency_id",
                    _ => "value",
                };
                conds.push(format!("{col} = {}", push(binds, Bind::Text(v.clone()))));
            }
            conds
        };
        let cols = Totals::COLUMNS.join(", ");
        let month_range = |binds: &mut Vec<Bind>, from: &str, to: &str| {
            format!(
                "(month >= {} AND month <= {})",
                push(binds, Bind::Text(from.to_owned())),
                push(binds, Bind::Text(to.to_owned()))
            )
        };
        let mut binds = Vec::new();
        let source = if by_agency {
            let mut c = common(&mut binds);
            c.push(month_range(
                &mut binds,
                &q.period.from.to_string(),
                &q.period.to.to_string(),
            ));
            format!(
                "SELECT month AS t, province_code, agency_id, value, {cols} FROM stat_cell WHERE {}",
                c.join(" AND ")
            )
        } else {
            let (years, months) = if fine_time {
                (None, vec![(q.period.from, q.period.to)])
            } else {
                split_years(&q.period)
            };
            let mut branches = Vec::new();
            if let Some((y0, y1)) = years {
                let mut c = common(&mut binds);
                c.push(format!(
                    "year >= {} AND year <= {}",
                    push(&mut binds, Bind::Text(format!("{y0:04}"))),
                    push(&mut binds, Bind::Text(format!("{y1:04}")))
                ));
                branches.push(format!(
                    "SELECT year AS t, province_code, '' AS agency_id, value, {cols} FROM stat_year WHERE {}",
                    c.join(" AND ")
                ));
            }
            if !months.is_empty() {
                let mut c = common(&mut binds);
                let ranges: Vec<String> = months
                    .iter()
                    .map(|(f, t)| month_range(&mut binds, &f.to_string(), &t.to_string()))
                    .collect();
                c.push(format!("({})", ranges.join(" OR ")));
                branches.push(format!(
                    "SELECT month AS t, province_code, '' AS agency_id, value, {cols} FROM stat_month WHERE {}",
                    c.join(" AND ")
                ));
            }
            branches.join(" UNION ALL ")
        };
        let keys: Vec<String> = q
            .group
            .iter()
            .map(|g| match g {
                Group::Time(t) => time_expr(*t, "sc.t"),
                Group::Dim(StatDim::Province) => "sc.province_code".into(),
                Group::Dim(StatDim::Agency) => "sc.agency_id".into(),
                Group::Dim(_) => "sc.value".into(),
            })
            .collect();
        let key_cols: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} AS k{i}"))
            .collect();
        let sums = Totals::COLUMNS
            .iter()
            .map(|c| format!("CAST(COALESCE(SUM(sc.{c}), 0) AS BIGINT) AS {c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sep = if keys.is_empty() { "" } else { ", " };
        let sql = format!(
            "SELECT {}{sep}{sums} FROM ({source}) sc{}",
            key_cols.join(", "),
            group_by(keys.len())
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        let mut cells = cells_of(&rows, keys.len())?;
        cells.retain(|c| c.totals != Totals::default());
        cells.sort_by(|a, b| a.keys.cmp(&b.keys));
        Ok(cells)
    }

    /// Rebuilds every out-of-date partition of the roll-up; returns how
    /// many ranges it rebuilt. The marked months of a province within one
    /// calendar year are rebuilt together, as one range (months between
    /// them that were not marked are recomputed too, which changes
    /// nothing), each range in its own transaction that first takes its
    /// marks: two readers never rebuild one range twice, and a change
    /// committed meanwhile marks its partition again.
    pub async fn refresh_stats(&self) -> Result<usize, StoreError> {
        let mut done = 0;
        loop {
            let rows = sqlx::query(
                "SELECT month, province_code FROM stat_dirty ORDER BY province_code, month LIMIT 4096",
            )
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            // (province, year) -> (first, last) marked month.
            let mut ranges: std::collections::BTreeMap<(String, String), (String, String)> =
                std::collections::BTreeMap::new();
            for r in &rows {
                let month = text(r, "month")?;
                let province = text(r, "province_code")?;
                let year: String = month.chars().take(4).collect();
                let e = ranges
                    .entry((province, year))
                    .or_insert_with(|| (month.clone(), month.clone()));
                if month < e.0 {
                    e.0 = month.clone();
                }
                if month > e.1 {
                    e.1 = month;
                }
            }
            for ((province, _), (from, to)) in ranges {
                if self.rebuild_range(&province, &from, &to).await? {
                    done += 1;
                }
            }
        }
    }

    /// Rebuilds the months `from`–`to` (`YYYY-MM`, one calendar year) of a
    /// province in the three roll-up tables, if any of them is still
    /// marked.
    async fn rebuild_range(
        &self,
        province: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError> {
        let sqlite = self.backend == crate::open::Backend::Sqlite;
        // The write lock first, then a connection, as every writer does.
        let guard = if sqlite {
            Some(self.write_lock.clone().lock_owned().await)
        } else {
            None
        };
        let mut conn = self.pool.acquire().await?;
        let result = self.rebuild_on(&mut conn, sqlite, province, from, to).await;
        drop(guard);
        result
    }

    async fn rebuild_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        sqlite: bool,
        province: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let taken = sqlx::query(
            "DELETE FROM stat_dirty WHERE province_code = $1 AND month >= $2 AND month <= $3",
        )
        .bind(province)
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        for table in ["stat_cell", "stat_month"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE province_code = $1 AND month >= $2 AND month <= $3"
            ))
            .bind(province)
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?;
        }
        let (Ok(first), Ok(last)) = (Month::parse("month", from), Month::parse("month", to)) else {
            // A case dated outside the years dcis accepts cannot be stored;
            // nothing to rebuild.
            tx.commit().await?;
            return Ok(true);
        };
        let w = CaseWhere::partition(province, first, last);
        crate::rollup::rebuild_partition(&mut tx, sqlite, province, &w).await?;
        let cols = Totals::COLUMNS.join(", ");
        let sums = Totals::COLUMNS
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
            .collect::<Vec<_>>()
            .join(", ");
        let year = format!("{:04}", first.year());
        sqlx::query("DELETE FROM stat_year WHERE year = $1 AND province_code = $2")
            .bind(&year)
            .bind(province)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO stat_year (year, province_code, dim, value, {cols}) \
             SELECT substr(month, 1, 4), province_code, dim, value, {sums} FROM stat_month \
             WHERE month >= $1 AND month <= $2 AND province_code = $3 GROUP BY substr(month, 1, 4), province_code, dim, value"
        ))
        .bind(format!("{year}-01"))
        .bind(format!("{year}-12"))
        .bind(province)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Fills the analysis values of items stored before migration 0010
    /// (purity, unit price), from their as-entered fields, and marks their
    /// partitions out of date. Derived columns, like search words: no
    /// audit entry (they add nothing the chain lacks).
    pub(crate) async fn fill_item_stat_values(&self) -> Result<u64, StoreError> {
        let mut filled = 0;
        let mut last = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT id, case_id, purity, price, price_currency, price_per FROM seizure_item \
                 WHERE id > $1 AND ((purity <> '' AND purity_milli IS NULL) OR (price <> '' AND price_per <> '' AND price_key = '')) \
                 ORDER BY id LIMIT 1000",
            )
            .bind(last.clone())
            .fetch_all(&self.pool)
            .await?;
            let Some(end) = rows.last() else {
                break;
            };
            last = text(end, "id")?;
            let mut w = self.pool.begin().await?;
            for r in &rows {
                let f = dcis_domain::seizure::SeizureItemFields {
                    purity: text(r, "purity")?,
                    price: text(r, "price")?,
                    price_currency: text(r, "price_currency")?,
                    price_per: text(r, "price_per")?,
                    ..Default::default()
                };
                let v = dcis_domain::stats::ItemStatValues::of(&f);
                sqlx::query("UPDATE seizure_item SET purity_milli = $1, price_minor = $2, price_key = $3 WHERE id = $4")
                    .bind(v.purity_milli)
                    .bind(v.price_minor)
                    .bind(v.price_key)
                    .bind(text(r, "id")?)
                    .execute(&mut *w)
                    .await?;
                sqlx::query(
                    "INSERT INTO stat_dirty (month, province_code) SELECT substr(occurred_on, 1, 7), province_code \
                     FROM law_case WHERE id = $1 ON CONFLICT DO NOTHING",
                )
                .bind(text(r, "case_id")?)
                .execute(&mut *w)
                .await?;
                filled += 1;
            }
            w.commit().await?;
        }
        Ok(filled)
    }

    /// How many partitions are out of date (for tests and monitoring).
    pub async fn stats_dirty_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM stat_dirty")
            .fetch_one(&self.pool)
            .await?;
        int(&row, "n")
    }

    /// Every row of the three roll-up tables (`stat_cell`, `stat_month`,
    /// `stat_year`), for tests that compare them with a rebuild: (table,
    /// time, province, agency, dim, value, totals).
    pub async fn stat_cells(&self) -> Result<Vec<Vec<String>>, StoreError> {
        let cols = Totals::COLUMNS.join(", ");
        let sql = format!(
            "SELECT 'cell' AS tbl, month AS t, province_code, agency_id, dim, value, {cols} FROM stat_cell \
             UNION ALL SELECT 'month', month, province_code, '', dim, value, {cols} FROM stat_month \
             UNION ALL SELECT 'year', year, province_code, '', dim, value, {cols} FROM stat_year \
             ORDER BY 1, 5, 2, 3, 4, 6"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let mut v = Vec::new();
                for c in ["tbl", "t", "province_code", "agency_id", "dim", "value"] {
                    v.push(text(r, c)?);
                }
                for c in Totals::COLUMNS {
                    v.push(int(r, c)?.to_string());
                }
                Ok(v)
            })
            .collect()
    }

    /// Marks every partition out of date, so the next read rebuilds the
    /// whole roll-up (after a change of its definitions).
    pub async fn mark_all_stats_dirty(&self) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO stat_dirty (month, province_code) SELECT DISTINCT substr(occurred_on, 1, 7), province_code \
             FROM law_case WHERE 1 = 1 ON CONFLICT DO NOTHING",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Write {
    /// Marks the partition (month, province) a case is in now as out of
    /// date. Called by every write of a case, its items and its people,
    /// before and after a change that may move the case.
    pub(crate) async fn mark_stats_dirty(&mut self, case: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO stat_dirty (month, province_code) SELECT substr(occurred_on, 1, 7), province_code \
             FROM law_case WHERE id = $1 ON CONFLICT DO NOTHING",
        )
        .bind(case.to_owned())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Marks the partitions of many cases (a bulk load's).
    pub(crate) async fn mark_partitions_dirty(
        &mut self,
        partitions: &std::collections::BTreeSet<(String, String)>,
    ) -> Result<(), StoreError> {
        // Many partitions per statement: a bulk load of a few years marks
        // hundreds.
        let all: Vec<&(String, String)> = partitions.iter().collect();
        for chunk in all.chunks(250) {
            let marks: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "INSERT INTO stat_dirty (month, province_code) VALUES {} ON CONFLICT DO NOTHING",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (month, province) in chunk {
                q = q.bind(month.clone()).bind(province.clone());
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(from: &str, to: &str, years: Option<(u16, u16)>, months: &[(&str, &str)]) {
        let (y, m) = split_years(&Period::parse(from, to).unwrap());
        assert_eq!(y, years, "{from}..{to}");
        let m: Vec<(String, String)> = m
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let want: Vec<(String, String)> = months
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(m, want, "{from}..{to}");
    }

    #[test]
    fn periods_split_into_whole_years_and_months() {
        check(
            "2016-09",
            "2026-08",
            Some((2017, 2025)),
            &[("2016-09", "2016-12"), ("2026-01", "2026-08")],
        );
        check("2025-01", "2025-12", Some((2025, 2025)), &[]);
        check(
            "2024-01",
            "2025-06",
            Some((2024, 2024)),
            &[("2025-01", "2025-06")],
        );
        check("2025-02", "2025-12", None, &[("2025-02", "2025-12")]);
        check("2024-11", "2025-02", None, &[("2024-11", "2025-02")]);
    }
}
