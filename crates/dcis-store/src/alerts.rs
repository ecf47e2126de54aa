//! Early warnings: the monthly aggregates each rule reads (one function per
//! rule, GROUP BY queries that are the same SQL on SQLite and PostgreSQL;
//! `substr(occurred_on, 1, 7)` is the month on both), and the alerts
//! themselves (`docs/alerts.md`).
//!
//! The aggregates are computed over every case: the rules run as the
//! system. What a user then sees of an alert is decided by
//! `dcis_policy::alerts` (the scope is rendered into SQL here).

use crate::access::{bind_all, push, Bind};
use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, int, opt_text, text, time};
use crate::write::Write;
use dcis_domain::alert::{
    AlertRule, Cell, FirstSeen, FirstSeenKind, Measure, Month, RouteKind, RouteSeen, Seizure,
    SeriesOf,
};
use dcis_domain::audit::AuditAction;
use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::{AlertId, UserId};
use dcis_domain::time::to_millis;
use dcis_policy::alerts::AlertScope;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The month of a case, as SQL.
const MONTH: &str = "substr(lc.occurred_on, 1, 7)";
/// Items counted as tablets (and capsules): the form is stored as its code.
const TABLET_FORMS: &str = "si.form IN ('tablet', 'capsule')";
/// The most case ids kept with an alert.
pub const ALERT_CASE_IDS: i64 = 50;

/// The span of the data: the first and last month with a case, and each
/// province's first month.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSpan {
    pub first: Month,
    pub last: Month,
    pub province_first: BTreeMap<ProvinceCode, Month>,
}

/// Which cases an alert rests on, for [`Store::alert_cases`].
#[derive(Debug, Clone, PartialEq)]
pub enum CaseMatch {
    /// Cases of a province with the measure.
    Province(ProvinceCode, Measure),
    /// Cases with an item of the substance and the measure.
    Substance(String, Measure),
    /// Cases with an item of the substance, form or logo (rule b).
    Seen(FirstSeenKind, String, Option<ProvinceCode>),
    /// Cases on a route (rule d).
    Route(RouteKind, String, String),
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRecord {
    pub id: AlertId,
    pub rule: AlertRule,
    pub subject: String,
    pub period: String,
    pub province: Option<ProvinceCode>,
    pub figures: serde_json::Value,
    /// The cases behind it, when few (at most [`ALERT_CASE_IDS`]).
    pub case_ids: Vec<String>,
    pub case_count: i64,
    pub raised_at: OffsetDateTime,
    pub acknowledged_by: Option<UserId>,
    /// The acknowledging user's display name.
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<OffsetDateTime>,
}

/// What an alert list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    /// `Some(true)`: open only; `Some(false)`: acknowledged only.
    pub open: Option<bool>,
    pub rule: Option<AlertRule>,
    pub province: Option<ProvinceCode>,
    /// Alerts about a month of this period only.
    pub period: Option<dcis_domain::stats::Period>,
}

fn month(row: &AnyRow, col: &str) -> Result<Month, StoreError> {
    let s = text(row, col)?;
    Month::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("{col} = {s:?}: not a month")))
}

fn province(row: &AnyRow, col: &str) -> Result<ProvinceCode, StoreError> {
    let s = text(row, col)?;
    ProvinceCode::parse(&s).map_err(|e| StoreError::Corrupt(format!("{col} = {s:?}: {e}")))
}

fn opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

const ALERT_COLUMNS: &str = "a.id, a.rule, a.subject, a.period, a.province_code, a.figures, a.case_ids, \
    a.case_count, a.raised_at, a.acknowledged_by, a.acknowledged_at, u.display_name AS acknowledged_by_name";

fn alert_row(r: &AnyRow) -> Result<AlertRecord, StoreError> {
    let rule_s = text(r, "rule")?;
    let rule = AlertRule::parse(&rule_s)
        .ok_or_else(|| StoreError::Corrupt(format!("rule = {rule_s:?}")))?;
    let json = |col: &str| -> Result<serde_json::Value, StoreError> {
        let s = text(r, col)?;
        serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
    };
    let case_ids = match json("case_ids")? {
        serde_json::Value::Array(v) => v
            .into_iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        other => return Err(StoreError::Corrupt(format!("case_ids = {other}"))),
    };
    Ok(AlertRecord {
        id: id(r, "id")?,
        rule,
        subject: text(r, "subject")?,
        period: text(r, "period")?,
        province: opt_text(r, "province_code")?
            .map(|p| {
                ProvinceCode::parse(&p)
                    .map_err(|e| StoreError::Corrupt(format!("province_code = {p:?}: {e}")))
            })
            .transpose()?,
        figures: json("figures")?,
        case_ids,
        case_count: int(r, "case_count")?,
        raised_at: time(r, "raised_at")?,
        acknowledged_by: opt_text(r, "acknowledged_by")?
            .map(|u| {
                u.parse()
                    .map_err(|e| StoreError::Corrupt(format!("acknowledged_by = {u:?}: {e}")))
            })
            .transpose()?,
        acknowledged_by_name: opt_text(r, "acknowledged_by_name")?,
        acknowledged_at: opt_i64(r, "acknowledged_at")?.map(dcis_domain::time::from_millis),
    })
}

/// The scope as an SQL condition on `a`.
fn scope_sql(scope: &AlertScope, binds: &mut Vec<Bind>) -> String {
    match scope.provinces() {
        None => "1 = 1".to_owned(),
        Some([]) => "1 = 0".to_owned(),
        Some(ps) => {
            let marks: Vec<String> = ps
                .iter()
                .map(|p| push(binds, Bind::Text(p.as_str().to_owned())))
                .collect();
            format!("a.province_code IN ({})", marks.join(", "))
        }
    }
}

impl Store {
    /// The first and last month with a case, and each province's first;
    /// `None` without cases.
    pub async fn alert_data_span(&self) -> Result<Option<DataSpan>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT lc.province_code, MIN({MONTH}) AS first, MAX({MONTH}) AS last \
             FROM law_case lc GROUP BY lc.province_code ORDER BY lc.province_code"
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut span: Option<DataSpan> = None;
        for r in &rows {
            let (p, f, l) = (
                province(r, "province_code")?,
                month(r, "first")?,
                month(r, "last")?,
            );
            let s = span.get_or_insert_with(|| DataSpan {
                first: f,
                last: l,
                province_first: BTreeMap::new(),
            });
            s.first = s.first.min(f);
            s.last = s.last.max(l);
            s.province_first.insert(p, f);
        }
        Ok(span)
    }

    /// Rule (a): the monthly series of every province and every substance,
    /// for each watched measure (cases; grams; tablets), with the number of
    /// cases behind each cell. A province's grams and tablets count the
    /// items of `drugs` only (precursor chemicals, weighed in tonnes, would
    /// drown them; each has its own substance series).
    pub async fn alert_rise_series(
        &self,
        drugs: &[&str],
    ) -> Result<BTreeMap<(SeriesOf, Measure), BTreeMap<Month, Cell>>, StoreError> {
        let mut binds = Vec::new();
        let marks: Vec<String> = drugs
            .iter()
            .map(|d| push(&mut binds, Bind::Text((*d).to_owned())))
            .collect();
        let is_drug = if marks.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("si.substance IN ({})", marks.join(", "))
        };
        let measures = |only: &str| {
            format!(
                "COUNT(DISTINCT lc.id) AS cases, \
                 CAST(SUM(CASE WHEN {only} THEN si.mass_ug END) AS BIGINT) AS mass_ug, \
                 COUNT(DISTINCT CASE WHEN {only} AND si.mass_ug IS NOT NULL THEN lc.id END) AS mass_cases, \
                 CAST(SUM(CASE WHEN {only} AND {TABLET_FORMS} THEN si.item_count END) AS BIGINT) AS tablets, \
                 COUNT(DISTINCT CASE WHEN {only} AND {TABLET_FORMS} AND si.item_count IS NOT NULL THEN lc.id END) AS tablet_cases"
            )
        };
        let by_province = format!(
            "SELECT lc.province_code AS area, {MONTH} AS month, {} \
             FROM law_case lc LEFT JOIN seizure_item si ON si.case_id = lc.id \
             GROUP BY lc.province_code, {MONTH}",
            measures(&is_drug)
        );
        let by_substance = format!(
            "SELECT si.substance AS area, {MONTH} AS month, {} \
             FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
             GROUP BY si.substance, {MONTH}",
            measures("1 = 1")
        );
        let mut out: BTreeMap<(SeriesOf, Measure), BTreeMap<Month, Cell>> = BTreeMap::new();
        for (sql, is_province) in [(by_province, true), (by_substance, false)] {
            let no_binds = Vec::new();
            let b = if is_province { &binds } else { &no_binds };
            let rows = bind_all(sqlx::query(&sql), b).fetch_all(&self.pool).await?;
            for r in &rows {
                let of = if is_province {
                    SeriesOf::Province(province(r, "area")?)
                } else {
                    SeriesOf::Substance(text(r, "area")?)
                };
                let m = month(r, "month")?;
                let cells = [
                    (Measure::Cases, int(r, "cases")? as f64, int(r, "cases")?),
                    (
                        Measure::Grams,
                        opt_i64(r, "mass_ug")?.unwrap_or(0) as f64 / 1e6,
                        int(r, "mass_cases")?,
                    ),
                    (
                        Measure::Tablets,
                        opt_i64(r, "tablets")?.unwrap_or(0) as f64,
                        int(r, "tablet_cases")?,
                    ),
                ];
                for (measure, value, cases) in cells {
                    out.entry((of.clone(), measure))
                        .or_default()
                        .insert(m, Cell { value, cases });
                }
            }
        }
        Ok(out)
    }

    /// Rule (b): for each substance, form and tablet logo, the first month
    /// it was seen in each province and how many cases had it then.
    pub async fn alert_first_seen(&self) -> Result<Vec<FirstSeen>, StoreError> {
        let mut out = Vec::new();
        for kind in FirstSeenKind::ALL {
            let (value, label) = match kind {
                FirstSeenKind::Substance => ("si.substance", "si.substance"),
                FirstSeenKind::Form => ("si.form", "si.form"),
                FirstSeenKind::Logo => ("si.tablet_logo_key", "si.tablet_logo"),
            };
            // Every (value, province, month) with its cases, in order: the
            // first row of each (value, province) is its first month. One
            // GROUP BY over the items, whose plan cannot go wrong the way a
            // join back to the cases of the first month could.
            let sql = format!(
                "SELECT {value} AS value, lc.province_code, {MONTH} AS month, \
                 COUNT(DISTINCT lc.id) AS cases, MIN({label}) AS label \
                 FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
                 WHERE {value} <> '' GROUP BY {value}, lc.province_code, {MONTH} \
                 ORDER BY 1, 2, 3"
            );
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            let mut last: Option<(String, ProvinceCode)> = None;
            for r in &rows {
                let key = (text(r, "value")?, province(r, "province_code")?);
                if last.as_ref() == Some(&key) {
                    continue;
                }
                out.push(FirstSeen {
                    kind,
                    value: key.0.clone(),
                    label: text(r, "label")?,
                    province: key.1,
                    month: month(r, "month")?,
                    cases: int(r, "cases")?,
                });
                last = Some(key);
            }
        }
        Ok(out)
    }

    /// Rule (c): per case and substance, the largest item in grams,
    /// tablets and millilitres, for items at or above the smallest
    /// threshold of any group (`min`: grams, tablets, millilitres).
    pub async fn alert_large_seizures(
        &self,
        min: (f64, i64, f64),
    ) -> Result<Vec<Seizure>, StoreError> {
        let to_int = |x: f64| {
            if x.is_finite() {
                (x * 1000.0).ceil() as i64
            } else {
                i64::MAX
            }
        };
        // Grams to micrograms, millilitres to microlitres.
        let (ug, tablets, ul) = (
            to_int(min.0).saturating_mul(1000),
            min.1,
            to_int(min.2).saturating_mul(1000),
        );
        let sql = format!(
            "SELECT lc.id AS case_id, lc.province_code, {MONTH} AS month, si.substance, \
             MAX(si.mass_ug) AS mass_ug, MAX(CASE WHEN {TABLET_FORMS} THEN si.item_count END) AS tablets, \
             MAX(si.volume_ul) AS volume_ul \
             FROM seizure_item si JOIN law_case lc ON lc.id = si.case_id \
             WHERE si.mass_ug >= $1 OR ({TABLET_FORMS} AND si.item_count >= $2) OR si.volume_ul >= $3 \
             GROUP BY lc.id, lc.province_code, {MONTH}, si.substance \
             ORDER BY lc.id, si.substance"
        );
        let rows = sqlx::query(&sql)
            .bind(ug)
            .bind(tablets)
            .bind(ul)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Seizure {
                    case: text(r, "case_id")?,
                    province: province(r, "province_code")?,
                    month: month(r, "month")?,
                    substance: text(r, "substance")?,
                    grams: opt_i64(r, "mass_ug")?.map(|v| v as f64 / 1e6),
                    tablets: opt_i64(r, "tablets")?,
                    millilitres: opt_i64(r, "volume_ul")?.map(|v| v as f64 / 1e3),
                })
            })
            .collect()
    }

    /// Rule (d): each route's first month and its cases that month: origin
    /// to destination country, and origin to destination province.
    pub async fn alert_routes(&self) -> Result<Vec<RouteSeen>, StoreError> {
        let mut out = Vec::new();
        for (kind, from, to) in [
            (RouteKind::Country, "origin_country", "destination_country"),
            (
                RouteKind::Province,
                "origin_province",
                "destination_province",
            ),
        ] {
            // Every (route, month) with its cases, in order: the first row
            // of each route is its first month (one GROUP BY, as above).
            let sql = format!(
                "SELECT lc.{from} AS origin, lc.{to} AS destination, {MONTH} AS month, COUNT(*) AS cases \
                 FROM law_case lc WHERE lc.{from} <> '' AND lc.{to} <> '' \
                 GROUP BY lc.{from}, lc.{to}, {MONTH} ORDER BY 1, 2, 3"
            );
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            let mut first: Vec<RouteSeen> = Vec::new();
            for r in &rows {
                let (from, to) = (text(r, "origin")?, text(r, "destination")?);
                if first.last().is_some_and(|l| l.from == from && l.to == to) {
                    continue;
                }
                first.push(RouteSeen {
                    kind,
                    from,
                    to,
                    month: month(r, "month")?,
                    cases: int(r, "cases")?,
                });
            }
            first.sort_by(|a, b| (a.month, &a.from, &a.to).cmp(&(b.month, &b.from, &b.to)));
            out.extend(first);
        }
        Ok(out)
    }

    /// The cases (ids, at most [`ALERT_CASE_IDS`], in id order) an alert
    /// of `period` rests on.
    pub async fn alert_cases(
        &self,
        what: &CaseMatch,
        period: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut binds = Vec::new();
        let from = push(&mut binds, Bind::Text(format!("{period}-01")));
        let to = push(&mut binds, Bind::Text(format!("{period}-31")));
        let measure_sql = |m: &Measure| match m {
            Measure::Grams => "si.mass_ug IS NOT NULL".to_owned(),
            Measure::Tablets => format!("{TABLET_FORMS} AND si.item_count IS NOT NULL"),
            Measure::Millilitres => "si.volume_ul IS NOT NULL".to_owned(),
            Measure::Cases => "1 = 1".to_owned(),
        };
        let cond = match what {
            CaseMatch::Province(p, m) => {
                let p = push(&mut binds, Bind::Text(p.as_str().to_owned()));
                if *m == Measure::Cases {
                    format!("lc.province_code = {p}")
                } else {
                    format!(
                        "lc.province_code = {p} AND EXISTS (SELECT 1 FROM seizure_item si WHERE si.case_id = lc.id AND {})",
                        measure_sql(m)
                    )
                }
            }
            CaseMatch::Substance(s, m) => {
                let s = push(&mut binds, Bind::Text(s.clone()));
                format!(
                    "EXISTS (SELECT 1 FROM seizure_item si WHERE si.case_id = lc.id AND si.substance = {s} AND {})",
                    measure_sql(m)
                )
            }
            CaseMatch::Seen(kind, value, province) => {
                let col = match kind {
                    FirstSeenKind::Substance => "si.substance",
                    FirstSeenKind::Form => "si.form",
                    FirstSeenKind::Logo => "si.tablet_logo_key",
                };
                let v = push(&mut binds, Bind::Text(value.clone()));
                let p = match province {
                    Some(p) => format!(
                        " AND lc.province_code = {}",
                        push(&mut binds, Bind::Text(p.as_str().to_owned()))
                    ),
                    None => String::new(),
                };
                format!(
                    "EXISTS (SELECT 1 FROM seizure_item si WHERE si.case_id = lc.id AND {col} = {v}){p}"
                )
            }
            CaseMatch::Route(kind, a, b) => {
                let (fc, tc) = match kind {
                    RouteKind::Country => ("origin_country", "destination_country"),
                    RouteKind::Province => ("origin_province", "destination_province"),
                };
                let a = push(&mut binds, Bind::Text(a.clone()));
                let b = push(&mut binds, Bind::Text(b.clone()));
                format!("lc.{fc} = {a} AND lc.{tc} = {b}")
            }
        };
        let lim = push(&mut binds, Bind::Int(ALERT_CASE_IDS));
        let sql = format!(
            "SELECT lc.id FROM law_case lc WHERE lc.occurred_on >= {from} AND lc.occurred_on <= {to} \
             AND {cond} ORDER BY lc.id LIMIT {lim}"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| text(r, "id")).collect()
    }

    /// The alerts `scope` sees, newest period first, and how many in all.
    pub async fn alerts(
        &self,
        scope: &AlertScope,
        filter: &AlertFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AlertRecord>, i64), StoreError> {
        let mut binds = Vec::new();
        let mut conds = vec![scope_sql(scope, &mut binds)];
        match filter.open {
            Some(true) => conds.push("a.acknowledged_at IS NULL".into()),
            Some(false) => conds.push("a.acknowledged_at IS NOT NULL".into()),
            None => {}
        }
        if let Some(r) = filter.rule {
            conds.push(format!(
                "a.rule = {}",
                push(&mut binds, Bind::Text(r.as_str().to_owned()))
            ));
        }
        if let Some(p) = filter.province {
            conds.push(format!(
                "a.province_code = {}",
                push(&mut binds, Bind::Text(p.as_str().to_owned()))
            ));
        }
        if let Some(p) = &filter.period {
            conds.push(format!(
                "a.period >= {} AND a.period <= {}",
                push(&mut binds, Bind::Text(p.from.to_string())),
                push(&mut binds, Bind::Text(p.to.to_string()))
            ));
        }
        let cond = conds.join(" AND ");
        let count_sql = format!("SELECT COUNT(*) AS n FROM alert a WHERE {cond}");
        let total = int(
            &bind_all(sqlx::query(&count_sql), &binds)
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        let lim = push(&mut binds, Bind::Int(limit));
        let off = push(&mut binds, Bind::Int(offset));
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alert a LEFT JOIN app_user u ON u.id = a.acknowledged_by \
             WHERE {cond} ORDER BY a.period DESC, a.raised_at DESC, a.id LIMIT {lim} OFFSET {off}"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        Ok((rows.iter().map(alert_row).collect::<Result<_, _>>()?, total))
    }

    /// One alert, if `scope` sees it.
    pub async fn alert(
        &self,
        scope: &AlertScope,
        alert: AlertId,
    ) -> Result<Option<AlertRecord>, StoreError> {
        let mut binds = Vec::new();
        let cond = scope_sql(scope, &mut binds);
        let aid = push(&mut binds, Bind::Text(alert.to_string()));
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alert a LEFT JOIN app_user u ON u.id = a.acknowledged_by \
             WHERE a.id = {aid} AND {cond}"
        );
        let row = bind_all(sqlx::query(&sql), &binds)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(alert_row).transpose()
    }

    /// How many open alerts `scope` sees, counted up to `up_to` (a count
    /// of `up_to` means "that many or more"). The navigation shows the
    /// count on every page: counting every open alert cost PostgreSQL
    /// 70–120 ms per page at 470,000 alerts (BENCHMARKS.md, dashboard at
    /// 10,000,000 items), counting up to a thousand costs about a millisecond.
    pub async fn count_open_alerts(
        &self,
        scope: &AlertScope,
        up_to: i64,
    ) -> Result<i64, StoreError> {
        let mut binds = Vec::new();
        let cond = scope_sql(scope, &mut binds);
        let limit = push(&mut binds, Bind::Int(up_to.max(0)));
        let sql = format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM alert a \
             WHERE a.acknowledged_at IS NULL AND {cond} LIMIT {limit}) x"
        );
        int(
            &bind_all(sqlx::query(&sql), &binds)
                .fetch_one(&self.pool)
                .await?,
            "n",
        )
    }
}

/// A new alert, as the write path stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub id: AlertId,
    pub rule: AlertRule,
    pub subject: String,
    pub period: String,
    pub province: Option<ProvinceCode>,
    pub figures: serde_json::Value,
    pub case_ids: Vec<String>,
    pub case_count: i64,
}

impl Write {
    /// Stores an alert unless one with the same rule, subject and period
    /// exists; audits it when stored. Returns whether it was new.
    ///
    /// The audit entry carries the alert's id, rule, period and province
    /// and the SHA-256 of its subject, figures and cases, not those
    /// themselves: every reader of the audit log sees the entry, and the
    /// subject of a large seizure names its case.
    pub async fn insert_alert(&mut self, a: &NewAlert) -> Result<bool, StoreError> {
        let case_ids = serde_json::Value::from(a.case_ids.clone()).to_string();
        let figures = a.figures.to_string();
        let n = sqlx::query(
            "INSERT INTO alert (id, rule, subject, period, province_code, figures, case_ids, case_count, raised_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (rule, subject, period) DO NOTHING",
        )
        .bind(a.id.to_string())
        .bind(a.rule.as_str())
        .bind(&a.subject)
        .bind(&a.period)
        .bind(a.province.map(|p| p.as_str().to_owned()))
        .bind(&figures)
        .bind(&case_ids)
        .bind(a.case_count)
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        let digest = dcis_domain::alert::digest(&a.subject, &figures, &case_ids);
        let after = serde_json::json!({
            "id": a.id.to_string(),
            "rule": a.rule.as_str(),
            "period": a.period,
            "province": a.province.map(|p| p.as_str().to_owned()),
            "content_sha256": digest,
        });
        self.audit(
            AuditAction::Create,
            "alert",
            &a.id.to_string(),
            None,
            Some(after.to_string()),
        )
        .await?;
        Ok(true)
    }

    /// Marks an open alert acknowledged by `user`, audited. Returns false
    /// when it was acknowledged already (or does not exist).
    pub async fn acknowledge_alert(
        &mut self,
        alert: AlertId,
        user: UserId,
    ) -> Result<bool, StoreError> {
        let at = to_millis(self.at());
        let n = sqlx::query(
            "UPDATE alert SET acknowledged_by = $2, acknowledged_at = $3 \
             WHERE id = $1 AND acknowledged_at IS NULL",
        )
        .bind(alert.to_string())
        .bind(user.to_string())
        .bind(at)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        self.audit(
            AuditAction::Update,
            "alert",
            &alert.to_string(),
            Some(serde_json::json!({"acknowledged_by": null, "acknowledged_at": null}).to_string()),
            Some(
                serde_json::json!({"acknowledged_by": user.to_string(), "acknowledged_at": at})
                    .to_string(),
            ),
        )
        .await?;
        Ok(true)
    }
}

impl Store {
    /// The identity (rule, subject, period) of every stored alert, so a
    /// run looks up the cases of new candidates only.
    pub async fn alert_identities(
        &self,
    ) -> Result<std::collections::HashSet<(String, String, String)>, StoreError> {
        let rows = sqlx::query("SELECT rule, subject, period FROM alert")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((text(r, "rule")?, text(r, "subject")?, text(r, "period")?)))
            .collect()
    }
}
