//! The roll-up's rebuild of one partition (a province over months of one
//! year): its cases, items and people are read once each, with every
//! dimension's value computed by the same SQL expressions as the raw
//! queries ([`dim_expr`], [`dim_present`], [`item_values`]), and folded here
//! into the rows of `stat_cell` and `stat_month`.
//!
//! The fold applies the counting rule of the raw queries
//! (`docs/analysis.md`, "cases involving"): each measure counts the rows of
//! its own level; under a dimension of another level a row counts once for
//! each distinct value present in its case. So under a substance a case
//! counts once per substance among its items and each of its persons once
//! per substance; under a nationality each item of the case counts once
//! per nationality among its people. The roll-up's tests compare the two
//! ways for every dimension.
//!
//! One pass instead of one GROUP BY per dimension: at 200,000 items the
//! whole roll-up took 19.5 s with a query per dimension and partition, the
//! age group's expression alone 4.6 s (BENCHMARKS.md).

use crate::bulk::{insert_many, V};
use crate::error::StoreError;
use crate::stats::{
    age_sql, dim_expr, dim_present, item_join, item_values, person_join, CaseWhere, RAW_MONTH,
};
use dcis_domain::stats::{age_group, Level, StatDim, Totals};
use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The rolled-up dimensions of one level, in [`StatDim::rolled_up`] order.
fn dims_of(level: Level) -> Vec<StatDim> {
    StatDim::rolled_up()
        .filter(|d| d.level() == level)
        .collect()
}

/// A dimension's value on a row, NULL where the row has none. The age
/// group is read as the age ([`age_sql`], computed once per row where the
/// group's CASE would compute it once per group) and grouped here by the
/// domain's [`age_group`], from which the SQL's groups are made too.
fn value_sql(d: StatDim) -> String {
    if d == StatDim::AgeGroup {
        return age_sql();
    }
    match dim_present(d) {
        Some(present) => format!("(CASE WHEN {present} THEN {} END)", dim_expr(d)),
        None => dim_expr(d),
    }
}

fn select_values(dims: &[StatDim]) -> String {
    dims.iter()
        .map(|d| format!(", {}", value_sql(*d)))
        .collect::<String>()
}

fn opt_text_at(r: &AnyRow, i: usize) -> Result<Option<String>, StoreError> {
    Ok(r.try_get::<Option<String>, _>(i)?)
}

fn values_at(r: &AnyRow, from: usize, dims: &[StatDim]) -> Result<Vec<Option<String>>, StoreError> {
    dims.iter()
        .enumerate()
        .map(|(k, d)| {
            if *d == StatDim::AgeGroup {
                let age = r.try_get::<Option<i64>, _>(from + k)?;
                let age = age.and_then(|a| u32::try_from(a).ok());
                Ok(Some(age_group(age).to_owned()))
            } else {
                opt_text_at(r, from + k)
            }
        })
        .collect()
}

#[derive(Default)]
struct Case {
    month: String,
    agency: String,
    /// Values of the case-level dimensions.
    values: Vec<Option<String>>,
    /// Its items' values of the item-level dimensions, and what each adds.
    items: Vec<(Vec<Option<String>>, [i64; 13])>,
    /// Its people's values of the person-level dimensions.
    persons: Vec<Vec<Option<String>>>,
}

/// What one item adds to the totals.
fn item_totals(m: [Option<i64>; 8]) -> [i64; 13] {
    let v = |x: Option<i64>| x.unwrap_or(0);
    let n = |x: Option<i64>| i64::from(x.is_some());
    [
        0,
        1,
        v(m[0]),
        v(m[1]),
        v(m[2]),
        v(m[3]),
        v(m[4]),
        v(m[5]),
        0,
        v(m[6]),
        n(m[6]),
        v(m[7]),
        n(m[7]),
    ]
}

fn add(into: &mut [i64; 13], what: &[i64; 13]) {
    for (a, b) in into.iter_mut().zip(what) {
        *a = a.saturating_add(*b);
    }
}

/// (dimension, month, agency, value) → totals: `stat_cell`'s key order
/// after the province.
type Cells = BTreeMap<(&'static str, String, String, String), [i64; 13]>;

fn credit(cells: &mut Cells, dim: &'static str, c: &Case, value: &str, what: &[i64; 13]) {
    let key = (dim, c.month.clone(), c.agency.clone(), value.to_owned());
    add(cells.entry(key).or_insert([0; 13]), what);
}

/// Folds the cases of a partition into roll-up cells.
fn fold(cases: &HashMap<String, Case>) -> Cells {
    let case_dims = dims_of(Level::Case);
    let item_dims = dims_of(Level::Item);
    let person_dims = dims_of(Level::Person);
    let mut cells = Cells::new();
    for c in cases.values() {
        let persons = c.persons.len() as i64;
        let mut all_items = [0i64; 13];
        for (_, t) in &c.items {
            add(&mut all_items, t);
        }
        // The case with all its items and people.
        let mut whole = all_items;
        whole[0] = 1;
        whole[8] = persons;
        credit(&mut cells, "all", c, "", &whole);
        for (i, d) in case_dims.iter().enumerate() {
            if let Some(v) = &c.values[i] {
                credit(&mut cells, d.as_str(), c, v, &whole);
            }
        }
        // Under an item's value: the case and its people once per value,
        // each item under its own.
        let mut once = [0i64; 13];
        once[0] = 1;
        once[8] = persons;
        for (i, d) in item_dims.iter().enumerate() {
            let mut seen: HashSet<&str> = HashSet::new();
            for (values, t) in &c.items {
                if let Some(v) = &values[i] {
                    if seen.insert(v) {
                        credit(&mut cells, d.as_str(), c, v, &once);
                    }
                    credit(&mut cells, d.as_str(), c, v, t);
                }
            }
        }
        // Under a person's value: the case and its items once per value,
        // each person under their own.
        let mut once = all_items;
        once[0] = 1;
        let mut one_person = [0i64; 13];
        one_person[8] = 1;
        for (i, d) in person_dims.iter().enumerate() {
            let mut seen: HashSet<&str> = HashSet::new();
            for values in &c.persons {
                if let Some(v) = &values[i] {
                    if seen.insert(v) {
                        credit(&mut cells, d.as_str(), c, v, &once);
                    }
                    credit(&mut cells, d.as_str(), c, v, &one_person);
                }
            }
        }
    }
    cells
}

/// Reads the partition `w` of one province and writes its `stat_cell`
/// and `stat_month` rows (the caller deleted the old ones, in the same
/// transaction).
pub(crate) async fn rebuild_partition(
    conn: &mut AnyConnection,
    sqlite: bool,
    province: &str,
    w: &CaseWhere,
) -> Result<(), StoreError> {
    let case_dims = dims_of(Level::Case);
    let item_dims = dims_of(Level::Item);
    let person_dims = dims_of(Level::Person);
    let case_from = w.case_from(sqlite);
    let mut binds = Vec::new();
    let restrict = w.render(&mut binds);

    let mut cases: HashMap<String, Case> = HashMap::new();
    let sql = format!(
        "SELECT lc.id, {RAW_MONTH}, lc.agency_id{} FROM {case_from} WHERE {restrict}",
        select_values(&case_dims)
    );
    let mut rows = crate::access::bind_all(sqlx::query(&sql), &binds).fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        let id: String = r.try_get(0)?;
        cases.insert(
            id,
            Case {
                month: r.try_get(1)?,
                agency: r.try_get(2)?,
                values: values_at(&r, 3, &case_dims)?,
                ..Case::default()
            },
        );
    }
    drop(rows);

    let (join, on) = item_join(sqlite);
    let measures: String = item_values().iter().map(|e| format!(", {e}")).collect();
    let sql = format!(
        "SELECT si.case_id{}{measures} FROM {case_from}{join} WHERE {on} AND {restrict}",
        select_values(&item_dims)
    );
    let mut rows = crate::access::bind_all(sqlx::query(&sql), &binds).fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        let id: String = r.try_get(0)?;
        let values = values_at(&r, 1, &item_dims)?;
        let mut m = [None; 8];
        for (k, slot) in m.iter_mut().enumerate() {
            *slot = r.try_get::<Option<i64>, _>(1 + item_dims.len() + k)?;
        }
        let case = cases.get_mut(&id).ok_or_else(|| {
            StoreError::Corrupt(format!("an item of case {id} outside the case's partition"))
        })?;
        case.items.push((values, item_totals(m)));
    }
    drop(rows);

    let (join, on) = person_join(sqlite);
    let sql = format!(
        "SELECT cp.case_id{} FROM {case_from}{join} WHERE {on} AND {restrict}",
        select_values(&person_dims)
    );
    let mut rows = crate::access::bind_all(sqlx::query(&sql), &binds).fetch(&mut *conn);
    while let Some(r) = rows.try_next().await? {
        let id: String = r.try_get(0)?;
        let values = values_at(&r, 1, &person_dims)?;
        let case = cases.get_mut(&id).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "a person of case {id} outside the case's partition"
            ))
        })?;
        case.persons.push(values);
    }
    drop(rows);

    let cells = fold(&cases);
    drop(cases);
    // The same cells without agencies, for `stat_month`.
    let mut months: BTreeMap<(&'static str, &str, &str), [i64; 13]> = BTreeMap::new();
    for ((dim, month, _, value), t) in &cells {
        add(months.entry((*dim, month, value)).or_insert([0; 13]), t);
    }
    let cols = Totals::COLUMNS.join(", ");
    let totals = |t: &[i64; 13]| t.iter().map(|x| V::I(*x)).collect::<Vec<V>>();
    let rows: Vec<Vec<V>> = months
        .iter()
        .map(|((dim, month, value), t)| {
            let mut row = vec![
                V::T((*dim).to_owned()),
                V::T((*month).to_owned()),
                V::T(province.to_owned()),
                V::T((*value).to_owned()),
            ];
            row.extend(totals(t));
            row
        })
        .collect();
    insert_many(
        conn,
        "stat_month",
        &format!("dim, month, province_code, value, {cols}"),
        4 + Totals::COLUMNS.len(),
        rows,
    )
    .await?;
    drop(months);
    let rows: Vec<Vec<V>> = cells
        .into_iter()
        .map(|((dim, month, agency, value), t)| {
            let mut row = vec![
                V::T(dim.to_owned()),
                V::T(month),
                V::T(province.to_owned()),
                V::T(agency),
                V::T(value),
            ];
            row.extend(totals(&t));
            row
        })
        .collect();
    insert_many(
        conn,
        "stat_cell",
        &format!("dim, month, province_code, agency_id, value, {cols}"),
        5 + Totals::COLUMNS.len(),
        rows,
    )
    .await
}
