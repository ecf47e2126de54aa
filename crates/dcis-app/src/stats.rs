//! Analysis: the dashboard, pivot tables and trends (`docs/analysis.md`).
//!
//! Every figure comes from [`App::stats`], which builds the actor's
//! [`StatsScope`] (403 without the analyse permission), asks the store and
//! applies small-cell suppression — here and nowhere else: a hidden cell
//! leaves this module without its totals, so no page, download or API
//! answer can show them.

use crate::error::AppError;
use crate::App;
use dcis_domain::geo::ProvinceCode;
use dcis_domain::stats::{price_mean, Group, Measure, Month, Period, StatDim, TimeGrain, Totals};
use dcis_domain::{FieldError, FieldErrors};
use dcis_policy::stats::StatsScope;
use dcis_policy::Actor;
use dcis_store::{StatCell, StatsQuery};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many axes in a table.
pub const MAX_AXES: usize = 3;

/// A figure as shown: a value, hidden ("<3"), or nothing to show (a mean
/// over no recorded value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Value(f64),
    Suppressed,
    None,
}

impl Figure {
    /// The text of a download: the value with the measure's decimals,
    /// `<3` when hidden, empty when there is nothing.
    pub fn text(&self, m: Measure, min_cell: i64) -> String {
        match self {
            Self::Value(v) => format_value(*v, m),
            Self::Suppressed => format!("<{min_cell}"),
            Self::None => String::new(),
        }
    }

    pub fn value(&self) -> Option<f64> {
        match self {
            Self::Value(v) => Some(*v),
            _ => None,
        }
    }
}

/// A value with the measure's decimals, no thousands separator.
pub fn format_value(v: f64, m: Measure) -> String {
    format!("{:.*}", m.decimals() as usize, v)
}

/// One cell after suppression.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownCell {
    pub keys: Vec<String>,
    /// True when the cell is hidden; its totals are then all zero.
    pub hidden: bool,
    totals: Totals,
}

impl ShownCell {
    /// The figure of a measure in this cell. A mean price is read in the
    /// currency of the cell's price key (`price_key`: the key of the price
    /// axis, or the price filter's value).
    pub fn figure(&self, m: Measure, price_key: Option<&str>) -> Figure {
        if self.hidden {
            return Figure::Suppressed;
        }
        let v = match m {
            Measure::PriceMean => price_key.and_then(|k| price_mean(k, &self.totals)),
            other => other.value(&self.totals),
        };
        v.map(Figure::Value).unwrap_or(Figure::None)
    }

    pub fn cases(&self) -> Option<i64> {
        (!self.hidden).then_some(self.totals.cases)
    }
}

/// The answer to a query: its cells (sorted by keys) after suppression.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub query: StatsQuery,
    pub cells: Vec<ShownCell>,
    pub min_cell: i64,
}

impl Table {
    /// The cell with these keys, if any case is behind it. A binary
    /// search: the cells are sorted by their keys (the store sorts them,
    /// suppression and filtering keep the order), and the pages and the
    /// API look up every cell of a table of thousands.
    pub fn cell(&self, keys: &[&str]) -> Option<&ShownCell> {
        self.cells
            .binary_search_by(|c| c.keys.iter().map(String::as_str).cmp(keys.iter().copied()))
            .ok()
            .map(|i| &self.cells[i])
    }

    /// The figure of a measure at these keys; zero cases is a value (0)
    /// for counts and sums, nothing for means.
    pub fn figure(&self, keys: &[&str], m: Measure) -> Figure {
        let price_key = self.price_key(keys);
        match self.cell(keys) {
            Some(c) => c.figure(m, price_key.as_deref()),
            None => match m {
                Measure::PurityMean | Measure::PriceMean => Figure::None,
                _ => Figure::Value(0.0),
            },
        }
    }

    /// The price key a cell's mean price is read in.
    pub fn price_key(&self, keys: &[&str]) -> Option<String> {
        let axis = self
            .query
            .group
            .iter()
            .position(|g| *g == Group::Dim(StatDim::Price));
        match axis {
            Some(i) => keys.get(i).map(|k| (*k).to_owned()),
            None => self
                .query
                .filters
                .iter()
                .find(|(d, _)| *d == StatDim::Price)
                .map(|(_, v)| v.clone()),
        }
    }

    /// Is there nothing to show?
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

/// A request for figures as typed: period, filters, axes, measure.
#[derive(Debug, Clone, Default)]
pub struct StatsForm {
    /// A named period (`2025`, `2025-Q2`, `2025-04`), or empty for
    /// `from`–`to`.
    pub period: String,
    pub from: String,
    pub to: String,
    pub province: String,
    pub agency: String,
    pub substance: String,
    /// Further filters `dim=value` (any dimension).
    pub filters: Vec<(String, String)>,
    pub group: Vec<String>,
    pub measure: String,
}

/// A parsed request.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRequest {
    pub query: StatsQuery,
    pub measure: Measure,
}

impl StatsForm {
    /// Parses every field, collecting every error. `default_period` is
    /// used when no period is given.
    pub fn parse(&self, default_period: Period) -> Result<StatsRequest, FieldErrors> {
        let mut e = FieldErrors::new();
        let period = if !self.period.trim().is_empty() {
            e.take(Period::parse_named(&self.period))
        } else if self.from.trim().is_empty() && self.to.trim().is_empty() {
            Some(default_period)
        } else {
            let from = e.take(Month::parse("from", &self.from));
            let to = e.take(Month::parse("to", &self.to));
            match (from, to) {
                (Some(f), Some(t)) => e.take(Period::new(f, t)),
                _ => None,
            }
        };
        let mut filters: Vec<(StatDim, String)> = Vec::new();
        if !self.province.trim().is_empty() {
            if let Some(p) = e.take(ProvinceCode::parse(&self.province)) {
                filters.push((StatDim::Province, p.as_str().to_owned()));
            }
        }
        if !self.agency.trim().is_empty() {
            match self
                .agency
                .trim()
                .parse::<dcis_domain::ids::OrganisationId>()
            {
                Ok(a) => filters.push((StatDim::Agency, a.to_string())),
                Err(_) => e.push(
                    FieldError::new("agency", "err-choice").with("value", self.agency.trim()),
                ),
            }
        }
        if !self.substance.trim().is_empty() {
            match dcis_domain::substance::SubstanceCode::parse(&self.substance) {
                Ok(s) => filters.push((StatDim::Substance, s.as_str().to_owned())),
                Err(err) => e.push(err),
            }
        }
        for (d, v) in &self.filters {
            if let Some(d) = e.take(StatDim::parse("filter", d)) {
                if v.trim().is_empty() {
                    e.push(FieldError::new("filter", "err-required").with("value", d.as_str()));
                } else if filters.iter().any(|(f, _)| *f == d) {
                    e.push(
                        FieldError::new("filter", "err-stats-filter-twice").with("dim", d.as_str()),
                    );
                } else {
                    filters.push((d, v.trim().to_owned()));
                }
            }
        }
        let mut group: Vec<Group> = Vec::new();
        for g in self.group.iter().filter(|g| !g.trim().is_empty()) {
            if let Some(g) = e.take(Group::parse("group", g)) {
                let time_twice = matches!(g, Group::Time(_))
                    && group.iter().any(|x| matches!(x, Group::Time(_)));
                if group.contains(&g) || time_twice {
                    e.push(
                        FieldError::new("group", "err-stats-axis-twice").with("axis", g.as_str()),
                    );
                } else {
                    group.push(g);
                }
            }
        }
        if group.len() > MAX_AXES {
            e.push(FieldError::new("group", "err-stats-too-many-axes").with("max", MAX_AXES));
        }
        let measure = if self.measure.trim().is_empty() {
            Some(Measure::Cases)
        } else {
            e.take(Measure::parse("measure", &self.measure))
        };
        // Prices in kip and baht, or per tablet and per kilogram, are never
        // averaged together.
        if measure == Some(Measure::PriceMean)
            && !group.contains(&Group::Dim(StatDim::Price))
            && !filters.iter().any(|(d, _)| *d == StatDim::Price)
        {
            e.push(FieldError::new("measure", "err-stats-price-needs-price"));
        }
        match (period, measure, e.is_empty()) {
            (Some(period), Some(measure), true) => Ok(StatsRequest {
                query: StatsQuery {
                    period,
                    filters,
                    group,
                },
                measure,
            }),
            _ => Err(e),
        }
    }
}

/// A dashboard tile's figure now, in the previous period and a year
/// before.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    pub key: String,
    pub now: Figure,
    pub previous: Figure,
    pub year_before: Figure,
}

impl Compared {
    /// The change in per cent against an earlier figure, when both are
    /// shown and the earlier is not zero.
    pub fn change(&self, earlier: Figure) -> Option<f64> {
        match (self.now, earlier) {
            (Figure::Value(n), Figure::Value(e)) if e != 0.0 => Some((n - e) / e * 100.0),
            _ => None,
        }
    }
}

/// Everything the dashboard shows for a period and scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub period: Period,
    pub previous: Option<Period>,
    pub year_before: Option<Period>,
    /// The province chosen inside the scope, if any.
    pub province: Option<ProvinceCode>,
    /// Cases, items, persons.
    pub totals: Vec<(Measure, Compared)>,
    /// Per substance: grams weighed, tablets, litres, cases.
    pub substances: Vec<(String, Vec<(Measure, Compared)>)>,
    /// Persons by nationality, sex, age group and role.
    pub persons: Vec<(StatDim, Vec<Compared>)>,
    /// Top routes, border crossings and tablet logos (by cases).
    pub top: Vec<(StatDim, Vec<(String, Figure)>)>,
    /// Mean purity per substance by month (only substances with one).
    pub purity: Table,
    /// Mean price per substance, currency and unit by month.
    pub prices: Table,
    pub min_cell: i64,
}

impl Dashboard {
    /// True when no case at all lies in the period and scope.
    pub fn is_empty(&self) -> bool {
        self.totals
            .iter()
            .all(|(_, c)| matches!(c.now, Figure::Value(v) if v == 0.0))
    }
}

/// How many entries a top list holds.
pub const TOP: usize = 5;

/// The measures of a substance tile: never summed across kinds.
pub const SUBSTANCE_MEASURES: [Measure; 4] = [
    Measure::Cases,
    Measure::MassG,
    Measure::Tablets,
    Measure::VolumeL,
];

/// A series of a trend chart: figures per time label, and the seasonal
/// baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The split value (`""` when not split).
    pub key: String,
    pub values: Vec<Figure>,
    pub baseline: Vec<Option<f64>>,
}

/// A trend chart's data.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub measure: Measure,
    pub grain: TimeGrain,
    pub split: Option<StatDim>,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    pub min_cell: i64,
}

/// How many earlier years the seasonal baseline averages.
pub const BASELINE_YEARS: i32 = 3;
/// How many series a split chart draws (the largest over the period).
pub const MAX_SERIES: usize = 8;

impl App {
    /// The figures of a query over the actor's scope, suppressed.
    pub async fn stats(&self, actor: &Actor, q: &StatsQuery) -> Result<Table, AppError> {
        let mut t = self.stats_many(actor, vec![q.clone()]).await?;
        t.pop()
            .ok_or_else(|| AppError::Internal("no table for a query".into()))
    }

    /// The figures of several queries over the actor's scope, suppressed,
    /// in the queries' order: the roll-up is brought up to date once and
    /// the queries run side by side.
    pub async fn stats_many(
        &self,
        actor: &Actor,
        queries: Vec<StatsQuery>,
    ) -> Result<Vec<Table>, AppError> {
        let scope = StatsScope::for_actor(actor)?;
        for q in &queries {
            check_query(&scope, q)?;
        }
        self.store.refresh_stats().await?;
        let mut tasks = tokio::task::JoinSet::new();
        for (i, q) in queries.into_iter().enumerate() {
            let store = self.store.clone();
            let scope = scope.clone();
            tasks.spawn(async move {
                let cells = store.stats_as_refreshed(&scope, &q).await;
                (i, cells.map(|c| suppress(&scope, q, c)))
            });
        }
        let mut out: Vec<Option<Table>> = Vec::new();
        while let Some(done) = tasks.join_next().await {
            let (i, table) = done.map_err(|e| AppError::Internal(e.to_string()))?;
            if out.len() <= i {
                out.resize(i + 1, None);
            }
            out[i] = Some(table?);
        }
        out.into_iter()
            .map(|t| t.ok_or_else(|| AppError::Internal("a statistics query was lost".into())))
            .collect()
    }

    /// The dashboard of a period, over the actor's scope or one province
    /// of it.
    pub async fn dashboard(
        &self,
        actor: &Actor,
        period: Period,
        province: Option<ProvinceCode>,
    ) -> Result<Dashboard, AppError> {
        let base: Vec<(StatDim, String)> = province
            .map(|p| vec![(StatDim::Province, p.as_str().to_owned())])
            .unwrap_or_default();
        let previous = period.previous();
        let year_before = period.year_before();
        let periods = [Some(period), previous, year_before];
        // Every table the dashboard shows, asked at once: one per period
        // and axis (compared across periods), the top lists, and purity and
        // prices by month.
        let axes = [
            None,
            Some(StatDim::Substance),
            Some(StatDim::Nationality),
            Some(StatDim::Sex),
            Some(StatDim::AgeGroup),
            Some(StatDim::Role),
        ];
        let tops = [StatDim::Route, StatDim::BorderCrossing, StatDim::TabletLogo];
        let mut queries = Vec::new();
        let mut slots: Vec<Option<usize>> = Vec::new();
        for axis in axes {
            for p in periods {
                slots.push(p.map(|p| {
                    queries.push(StatsQuery {
                        period: p,
                        filters: base.clone(),
                        group: axis.map(Group::Dim).into_iter().collect(),
                    });
                    queries.len() - 1
                }));
            }
        }
        for d in tops {
            queries.push(StatsQuery {
                period,
                filters: base.clone(),
                group: vec![Group::Dim(d)],
            });
        }
        for d in [StatDim::Substance, StatDim::Price] {
            queries.push(StatsQuery {
                period,
                filters: base.clone(),
                group: vec![Group::Dim(d), Group::Time(TimeGrain::Month)],
            });
        }
        // The top lists and the tables by month follow the periods' tables.
        let offset = slots.iter().flatten().count();
        let mut tables: Vec<Option<Table>> = self
            .stats_many(actor, queries)
            .await?
            .into_iter()
            .map(Some)
            .collect();
        let mut take = |i: usize| tables.get_mut(i).and_then(Option::take);
        let mut by_axis = Vec::new();
        for (a, axis) in axes.iter().enumerate() {
            let ts: Vec<Option<Table>> = (0..3)
                .map(|k| slots[a * 3 + k].and_then(&mut take))
                .collect();
            by_axis.push((*axis, ts));
        }
        let mut top_tables: Vec<Table> = Vec::new();
        for k in 0..tops.len() {
            top_tables.extend(take(offset + k));
        }
        let purity_table = take(offset + tops.len());
        let price_table = take(offset + tops.len() + 1);
        let compare = |tables: &[Option<Table>], key: &str, m: Measure| -> Compared {
            let keys: Vec<&str> = if key.is_empty() { vec![] } else { vec![key] };
            let f = |t: &Option<Table>| {
                t.as_ref()
                    .map(|t| t.figure(&keys, m))
                    .unwrap_or(Figure::None)
            };
            Compared {
                key: key.to_owned(),
                now: f(&tables[0]),
                previous: f(&tables[1]),
                year_before: f(&tables[2]),
            }
        };
        let keys_of = |tables: &[Option<Table>]| -> Vec<String> {
            let mut ks: BTreeSet<String> = BTreeSet::new();
            for t in tables.iter().flatten() {
                ks.extend(t.cells.iter().filter_map(|c| c.keys.first().cloned()));
            }
            ks.into_iter().collect()
        };
        let mut totals = Vec::new();
        let mut substances = Vec::new();
        let mut persons = Vec::new();
        for (axis, tables) in &by_axis {
            match axis {
                None => {
                    for m in [Measure::Cases, Measure::Items, Measure::Persons] {
                        totals.push((m, compare(tables, "", m)));
                    }
                }
                Some(StatDim::Substance) => {
                    for k in keys_of(tables) {
                        let row = SUBSTANCE_MEASURES
                            .iter()
                            .map(|m| (*m, compare(tables, &k, *m)))
                            .collect();
                        substances.push((k, row));
                    }
                }
                Some(d) => {
                    let row = keys_of(tables)
                        .iter()
                        .map(|k| compare(tables, k, Measure::Persons))
                        .collect();
                    persons.push((*d, row));
                }
            }
        }
        let mut top = Vec::new();
        for (d, t) in tops.iter().zip(&top_tables) {
            let mut shown: Vec<&ShownCell> = t.cells.iter().filter(|c| !c.hidden).collect();
            shown.sort_by(|a, b| {
                b.totals
                    .cases
                    .cmp(&a.totals.cases)
                    .then(a.keys.cmp(&b.keys))
            });
            top.push((
                *d,
                shown
                    .iter()
                    .take(TOP)
                    .map(|c| (c.keys[0].clone(), Figure::Value(c.totals.cases as f64)))
                    .collect(),
            ));
        }
        let missing = || AppError::Internal("a dashboard table is missing".into());
        let mut purity = purity_table.ok_or_else(missing)?;
        purity.cells.retain(|c| c.hidden || c.totals.purity_n > 0);
        let prices = price_table.ok_or_else(missing)?;
        let min_cell = StatsScope::for_actor(actor)?.min_cell();
        Ok(Dashboard {
            period,
            previous,
            year_before,
            province,
            totals,
            substances,
            persons,
            top,
            purity,
            prices,
            min_cell,
        })
    }

    /// A time series of a measure, split by a dimension or not, with its
    /// seasonal baseline: for each point, the mean of the same month
    /// (quarter, year) over the [`BASELINE_YEARS`] years before, computed
    /// only when every one of those points is shown.
    pub async fn trend(
        &self,
        actor: &Actor,
        req: &StatsRequest,
        grain: TimeGrain,
        split: Option<StatDim>,
    ) -> Result<Trend, AppError> {
        let q = &req.query;
        let back = BASELINE_YEARS * 12;
        let from = q.period.from.plus(-back).unwrap_or(q.period.from);
        let wide = Period::new(from, q.period.to)?;
        let mut group = vec![Group::Time(grain)];
        if let Some(d) = split {
            group.push(Group::Dim(d));
        }
        let table = self
            .stats(
                actor,
                &StatsQuery {
                    period: wide,
                    filters: q.filters.clone(),
                    group,
                },
            )
            .await?;
        let labels = grain.labels(&q.period);
        let keys: Vec<String> = match split {
            None => vec![String::new()],
            Some(_) => {
                // The largest series over the period (by cases).
                let mut size: BTreeMap<String, i64> = BTreeMap::new();
                for c in &table.cells {
                    if labels.contains(&c.keys[0]) {
                        *size.entry(c.keys[1].clone()).or_default() += c.totals.cases;
                    }
                }
                let mut ks: Vec<(String, i64)> = size.into_iter().collect();
                ks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                ks.into_iter().take(MAX_SERIES).map(|k| k.0).collect()
            }
        };
        let earlier = |label: &str, years: i32| -> String {
            // Labels start with the year; the rest is the month or quarter.
            let y: i32 = label[..4].parse().unwrap_or(0) - years;
            format!("{y:04}{}", &label[4..])
        };
        let series = keys
            .iter()
            .map(|k| {
                let at = |label: &str| -> Figure {
                    let mut keys = vec![label];
                    if split.is_some() {
                        keys.push(k);
                    }
                    table.figure(&keys, req.measure)
                };
                let values = labels.iter().map(|l| at(l)).collect();
                let baseline = labels
                    .iter()
                    .map(|l| {
                        let past: Vec<Figure> =
                            (1..=BASELINE_YEARS).map(|y| at(&earlier(l, y))).collect();
                        let vals: Option<Vec<f64>> = past.iter().map(Figure::value).collect();
                        vals.map(|v| v.iter().sum::<f64>() / v.len() as f64)
                    })
                    .collect();
                Series {
                    key: k.clone(),
                    values,
                    baseline,
                }
            })
            .collect();
        Ok(Trend {
            measure: req.measure,
            grain,
            split,
            labels,
            series,
            min_cell: table.min_cell,
        })
    }
}

/// A query the scope may run: its province filter inside the scope, at
/// most [`MAX_AXES`] axes.
fn check_query(scope: &StatsScope, q: &StatsQuery) -> Result<(), AppError> {
    if let Some((_, p)) = q.filters.iter().find(|(d, _)| *d == StatDim::Province) {
        let inside = ProvinceCode::parse(p)
            .map(|p| scope.covers(p))
            .unwrap_or(false);
        if !inside {
            return Err(FieldError::new("province", "err-stats-outside-scope")
                .with("value", p)
                .into());
        }
    }
    if q.group.len() > MAX_AXES {
        return Err(FieldError::new("group", "err-stats-too-many-axes")
            .with("max", MAX_AXES)
            .into());
    }
    Ok(())
}

/// Hides the cells of fewer than `min_cell` cases and their complements
/// ([`StatsScope::suppressed`]), dropping their totals.
fn suppress(scope: &StatsScope, query: StatsQuery, cells: Vec<StatCell>) -> Table {
    let input: Vec<(&[String], i64)> = cells
        .iter()
        .map(|c| (c.keys.as_slice(), c.totals.cases))
        .collect();
    let hidden = scope.suppressed(&input);
    let cells = cells
        .into_iter()
        .zip(hidden)
        .map(|(c, hidden)| ShownCell {
            keys: c.keys,
            hidden,
            totals: if hidden { Totals::default() } else { c.totals },
        })
        .collect();
    Table {
        query,
        cells,
        min_cell: scope.min_cell(),
    }
}

/// A table as CSV: its keys, then the measure (`<3` when hidden). The
/// first line names the columns.
pub fn table_csv(t: &Table, m: Measure, headers: &[String]) -> String {
    let mut out = String::new();
    let esc = |s: &str| csv_field(s);
    let mut head: Vec<String> = headers.iter().map(|h| esc(h)).collect();
    head.push(esc(m.as_str()));
    out.push_str(&head.join(","));
    out.push('\n');
    for c in &t.cells {
        let keys: Vec<&str> = c.keys.iter().map(String::as_str).collect();
        let mut row: Vec<String> = c.keys.iter().map(|k| esc(k)).collect();
        row.push(
            c.figure(m, t.price_key(&keys).as_deref())
                .text(m, t.min_cell),
        );
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// One CSV field: guarded against formulas, quoted when needed.
fn csv_field(s: &str) -> String {
    let g = dcis_import::table::csv_text(s);
    if g.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", g.replace('"', "\"\""))
    } else {
        g.into_owned()
    }
}

/// A trend's data as CSV: one line per label and series, with the
/// baseline.
pub fn trend_csv(t: &Trend) -> String {
    let esc = |s: &str| csv_field(s);
    let mut out = format!(
        "{},{},{},baseline\n",
        t.grain.as_str(),
        t.split.map(|d| d.as_str()).unwrap_or("series"),
        t.measure.as_str()
    );
    for s in &t.series {
        for (i, l) in t.labels.iter().enumerate() {
            let base = s.baseline[i]
                .map(|b| format_value(b, t.measure))
                .unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{}\n",
                esc(l),
                esc(&s.key),
                s.values[i].text(t.measure, t.min_cell),
                base
            ));
        }
    }
    out
}

/// A pivot table as an XLSX workbook: rows are the first axes' keys, the
/// last axis's keys are columns; hidden cells are written `<3`.
pub fn pivot_xlsx(t: &Table, m: Measure, headers: &[String]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::Workbook;
    let p = Pivot::of(t, m);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
    let n_row_keys = p.row_axes;
    for (i, h) in headers.iter().take(n_row_keys).enumerate() {
        ws.write_string(0, col(i), h).map_err(err)?;
    }
    for (j, c) in p.columns.iter().enumerate() {
        ws.write_string(0, col(n_row_keys + j), c).map_err(err)?;
    }
    for (r, (keys, figs)) in p.rows.iter().enumerate() {
        let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (i, k) in keys.iter().enumerate() {
            ws.write_string(row, col(i), k).map_err(err)?;
        }
        for (j, f) in figs.iter().enumerate() {
            match f {
                Figure::Value(v) => ws.write_number(row, col(n_row_keys + j), *v).map(|_| ()),
                Figure::Suppressed => ws
                    .write_string(row, col(n_row_keys + j), format!("<{}", t.min_cell))
                    .map(|_| ()),
                Figure::None => Ok(()),
            }
            .map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// A table laid out as a pivot: rows by the first axes, columns by the
/// last (a table of one axis has one column, the measure).
#[derive(Debug, Clone, PartialEq)]
pub struct Pivot {
    pub row_axes: usize,
    pub columns: Vec<String>,
    pub rows: Vec<(Vec<String>, Vec<Figure>)>,
}

impl Pivot {
    pub fn of(t: &Table, m: Measure) -> Self {
        let n = t.query.group.len();
        if n <= 1 {
            let rows = t
                .cells
                .iter()
                .map(|c| {
                    let keys: Vec<&str> = c.keys.iter().map(String::as_str).collect();
                    (c.keys.clone(), vec![t.figure(&keys, m)])
                })
                .collect();
            return Self {
                row_axes: n,
                columns: vec![m.as_str().to_owned()],
                rows,
            };
        }
        let columns: Vec<String> = t
            .cells
            .iter()
            .map(|c| c.keys[n - 1].clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let row_keys: Vec<Vec<String>> = t
            .cells
            .iter()
            .map(|c| c.keys[..n - 1].to_vec())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let rows = row_keys
            .into_iter()
            .map(|rk| {
                let figs = columns
                    .iter()
                    .map(|c| {
                        let mut keys: Vec<&str> = rk.iter().map(String::as_str).collect();
                        keys.push(c);
                        t.figure(&keys, m)
                    })
                    .collect();
                (rk, figs)
            })
            .collect();
        Self {
            row_axes: n - 1,
            columns,
            rows,
        }
    }
}
