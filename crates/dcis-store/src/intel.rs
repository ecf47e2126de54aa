//! Intelligence reports and registered sources. Every read takes the
//! policy's filter; there is no unfiltered getter.

use crate::access::{
    bind_all, filter_one_sql, listed_only_sql, push, rank_bound_sql, readable_one_sql,
    record_access, render_filter, Bind, Shares, ACCESS_COLUMNS,
};
use crate::error::StoreError;
use crate::open::{Backend, Store};
use crate::rows::{id, int, parsed, text};
use crate::write::Write;
use dcis_domain::access::{RecordId, RecordKind};
use dcis_domain::ids::UnitId;
use dcis_domain::intel::{
    Grade, HandlingCode, InformationAssessment, IntelReport, ReportText, ReportTitle, Source,
    SourceCode, SourceEvaluation,
};
use dcis_domain::time::to_millis;
use dcis_policy::records::ReadFilter;
use sqlx::any::AnyRow;

const REPORT_COLUMNS: &str =
    "r.id, r.reference, r.title, r.body, r.reported_on, r.source_code, r.source_evaluation, \
                              r.information_assessment, r.handling_code, r.handling_conditions";

/// [`ACCESS_COLUMNS`] of the page chosen by the inner query of
/// [`Store::intel_report_page`].
const PAGE_ACCESS_COLUMNS: &str =
    "p.record_id, p.record_kind, p.owner_organisation_id, p.owner_unit_id, \
     p.province_code, p.classification_rank, p.tlp";

fn date(s: &str) -> Result<time::Date, String> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, f).map_err(|e| e.to_string())
}

pub(crate) fn date_text(d: time::Date) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    d.format(f).unwrap_or_default()
}

fn report(row: &AnyRow) -> Result<IntelReport, StoreError> {
    Ok(IntelReport {
        id: id(row, "id")?,
        reference: text(row, "reference")?,
        title: parsed(row, "title", ReportTitle::parse)?,
        body: parsed(row, "body", |s| ReportText::parse("body", s))?,
        reported_on: parsed(row, "reported_on", date)?,
        source: parsed(row, "source_code", SourceCode::parse)?,
        grade: Grade {
            source: parsed(row, "source_evaluation", SourceEvaluation::parse)?,
            information: parsed(row, "information_assessment", InformationAssessment::parse)?,
            handling: parsed(row, "handling_code", HandlingCode::parse)?,
        },
        handling_conditions: text(row, "handling_conditions")?,
        access: record_access(row)?,
    })
}

/// A line of a report list. Title and grade are present only when the
/// actor may read the report; otherwise only its existence is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSummary {
    pub access: dcis_domain::access::RecordAccess,
    pub reference: String,
    pub reported_on: String,
    pub title: Option<String>,
    pub grade: Option<String>,
    pub readable: bool,
}

impl Store {
    /// One report, if the filter lets the actor read it.
    pub async fn intel_report(
        &self,
        f: &ReadFilter,
        rid: RecordId,
    ) -> Result<Option<IntelReport>, StoreError> {
        let mut binds = Vec::new();
        let cond = filter_one_sql(&f.readable_part(), "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(rid.to_string()));
        let sql = format!(
            "SELECT {REPORT_COLUMNS}, {ACCESS_COLUMNS} FROM intelligence_report r JOIN record_access ra ON ra.record_id = r.id \
             WHERE r.id = {p} AND {cond}"
        );
        let row = bind_all(sqlx::query(&sql), &binds)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(report).transpose()
    }

    /// Reports the filter lets through, newest first, with a free-text
    /// search over reference and title (title only where readable): one
    /// page and the total (the count, then the page).
    pub async fn intel_reports(
        &self,
        f: &ReadFilter,
        text_q: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ReportSummary>, i64), StoreError> {
        let total = self.intel_report_count(f, text_q).await?;
        let items = self.intel_report_page(f, text_q, limit, offset).await?;
        Ok((items, total))
    }

    /// How many reports the filter lets through (and the search matches):
    /// the total of [`Store::intel_reports`].
    pub async fn intel_report_count(
        &self,
        f: &ReadFilter,
        text_q: Option<&str>,
    ) -> Result<i64, StoreError> {
        let mut binds = Vec::new();
        let q = report_list_query(f, text_q, Shares::Set, self.backend, &mut binds);
        let count_sql = if q.search && self.backend == Backend::Postgres {
            // The policy in the aggregate, not in the WHERE: the join is
            // then planned as without the filter (the matching reports in
            // parallel, each joined to its access row through the index),
            // and the share set, which PostgreSQL would cost again for each
            // row of that nested loop, is collected once per process.
            format!(
                "SELECT COUNT(*) FILTER (WHERE {}) AS n {}",
                q.visible, q.from_where
            )
        } else {
            format!("SELECT COUNT(*) AS n {} AND {}", q.from_where, q.visible)
        };
        int(
            &bind_all(sqlx::query(&count_sql), &binds)
                .fetch_one(&self.pool)
                .await?,
            "n",
        )
    }

    /// One page of [`Store::intel_reports`], newest first.
    ///
    /// The inner query chooses the page; the outer one decides, for those
    /// rows only, what of each the actor may see. Written in one query,
    /// PostgreSQL would plan the "readable" test of the shown columns for
    /// every row the join might produce and build a hash of the actor's
    /// shares for each of them, where the page needs a few index probes.
    pub async fn intel_report_page(
        &self,
        f: &ReadFilter,
        text_q: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ReportSummary>, StoreError> {
        let mut binds = Vec::new();
        let q = report_list_query(f, text_q, Shares::PerRow, self.backend, &mut binds);
        let from = format!("{} AND {}", q.from_where, q.visible);
        let lim = push(&mut binds, Bind::Int(limit));
        let off = push(&mut binds, Bind::Int(offset));
        let readable = readable_one_sql(f, "p", &mut binds);
        let sql = format!(
            "SELECT {PAGE_ACCESS_COLUMNS}, p.reference, p.reported_on, \
             CASE WHEN {readable} THEN p.title ELSE NULL END AS title, \
             CASE WHEN {readable} THEN p.source_evaluation || '/' || p.information_assessment || '/' || p.handling_code ELSE NULL END AS grade, \
             CASE WHEN {readable} THEN 1 ELSE 0 END AS readable \
             FROM (SELECT {ACCESS_COLUMNS}, ra.has_shares, r.reference, r.reported_on, r.title, r.source_evaluation, \
             r.information_assessment, r.handling_code \
             {from} ORDER BY r.reported_on DESC, r.reference DESC LIMIT {lim} OFFSET {off}) p \
             ORDER BY p.reported_on DESC, p.reference DESC"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary).collect()
    }

    /// One line of the list, for a report the filter lets through.
    pub async fn intel_summary(
        &self,
        f: &ReadFilter,
        rid: RecordId,
    ) -> Result<Option<ReportSummary>, StoreError> {
        let mut binds = Vec::new();
        let readable = readable_one_sql(f, "ra", &mut binds);
        let cond = filter_one_sql(f, "ra", &mut binds);
        let p = push(&mut binds, Bind::Text(rid.to_string()));
        let sql = format!(
            "SELECT {ACCESS_COLUMNS}, r.reference, r.reported_on, \
             CASE WHEN {readable} THEN r.title ELSE NULL END AS title, \
             CASE WHEN {readable} THEN r.source_evaluation || '/' || r.information_assessment || '/' || r.handling_code ELSE NULL END AS grade, \
             CASE WHEN {readable} THEN 1 ELSE 0 END AS readable \
             FROM intelligence_report r JOIN record_access ra ON ra.record_id = r.id WHERE r.id = {p} AND {cond}"
        );
        let row = bind_all(sqlx::query(&sql), &binds)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(summary).transpose()
    }

    /// How many reports an organisation has filed in a year (for the next
    /// reference number).
    pub async fn count_reports_with_prefix(&self, prefix: &str) -> Result<i64, StoreError> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM intelligence_report WHERE reference LIKE $1")
                .bind(format!("{prefix}%"))
                .fetch_one(&self.pool)
                .await?;
        int(&row, "n")
    }

    /// Source codes registered by a unit (what its reporters may cite).
    pub async fn sources_of(&self, unit: UnitId) -> Result<Vec<Source>, StoreError> {
        let rows = sqlx::query("SELECT code, handler_unit_id, identity, notes FROM intel_source WHERE handler_unit_id = $1 ORDER BY code")
            .bind(unit.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(source).collect()
    }

    pub async fn source(&self, code: &SourceCode) -> Result<Option<Source>, StoreError> {
        let row = sqlx::query(
            "SELECT code, handler_unit_id, identity, notes FROM intel_source WHERE code = $1",
        )
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(source).transpose()
    }

    /// Record ids linked from a record.
    pub async fn links_from(&self, from: RecordId) -> Result<Vec<RecordId>, StoreError> {
        let rows = sqlx::query("SELECT to_id FROM record_link WHERE from_id = $1 ORDER BY to_id")
            .bind(from.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| id(r, "to_id")).collect()
    }
}

/// The report list and search as the query's own conditions and the
/// policy's, apart: [`Store::intel_report_count`] may test the policy in
/// the aggregate, the page adds it to the `WHERE`.
struct ReportListQuery {
    /// `FROM … WHERE …`, without the policy (which only narrows it).
    from_where: String,
    /// What the actor may see of the rows of `from_where`: for the list,
    /// the listing filter; for the search, which matches the reference, or
    /// the title where the report is readable, `readable OR (listed only
    /// AND the reference matched)` (a listing filter is its listed-only
    /// part `OR` its readable part, so this is "listed, and readable if it
    /// matched on the title" with one readable test).
    visible: String,
    search: bool,
}

/// The parts of the report list and search, for a query over all matching
/// rows (the count, `Shares::Set`) or for one page (`Shares::PerRow`: a page
/// stops after a few rows in date order).
///
/// The search's own condition reads the report alone, so the engine drops
/// most reports before it looks at their access facts; `CROSS JOIN` makes
/// SQLite read the reports first and look up the access facts of the
/// matches only (SQLite keeps the written order of a `CROSS JOIN`;
/// PostgreSQL plans it as the inner join it is), with the bound on the
/// classification that the policy implies, so that SQLite looks them up in
/// the index that holds them (`record_access_filter`) rather than in the
/// table.
fn report_list_query(
    f: &ReadFilter,
    text_q: Option<&str>,
    shares: Shares,
    backend: Backend,
    binds: &mut Vec<Bind>,
) -> ReportListQuery {
    let Some(q) = text_q.map(str::trim).filter(|q| !q.is_empty()) else {
        // With statistics (dcis gathers them after each bulk load), SQLite
        // would answer the filter's `OR` with one index per term (the owner
        // indexes, the listing index, the shared ids through the primary
        // key) and merge them: 0.54 s for a provincial analyst's count at a
        // million reports, where testing each row of the filter's index
        // takes 0.24 s and the query without the filter 0.26 s.
        let hint = match backend {
            Backend::Sqlite => " INDEXED BY record_access_filter",
            Backend::Postgres => "",
        };
        return ReportListQuery {
            from_where: format!(
                "FROM intelligence_report r JOIN record_access ra{hint} ON ra.record_id = r.id WHERE TRUE"
            ),
            visible: render_filter(f, "ra", shares, binds),
            search: false,
        };
    };
    let p = push(binds, Bind::Text(format!("%{}%", q.to_lowercase())));
    let bound = rank_bound_sql(f, "ra", binds);
    let readable = render_filter(&f.readable_part(), "ra", shares, binds);
    let visible = match listed_only_sql(f, "ra", binds) {
        Some(listed) => format!("({readable} OR ({listed} AND LOWER(r.reference) LIKE {p}))"),
        None => readable,
    };
    ReportListQuery {
        from_where: format!(
            "FROM intelligence_report r CROSS JOIN record_access ra WHERE ra.record_id = r.id \
             AND (LOWER(r.reference) LIKE {p} OR LOWER(r.title) LIKE {p}) AND {bound}"
        ),
        visible,
        search: true,
    }
}

fn summary(r: &AnyRow) -> Result<ReportSummary, StoreError> {
    Ok(ReportSummary {
        access: record_access(r)?,
        reference: text(r, "reference")?,
        reported_on: text(r, "reported_on")?,
        title: crate::rows::opt_text(r, "title")?,
        grade: crate::rows::opt_text(r, "grade")?,
        readable: int(r, "readable")? == 1,
    })
}

fn source(row: &AnyRow) -> Result<Source, StoreError> {
    Ok(Source {
        code: parsed(row, "code", SourceCode::parse)?,
        handler_unit: id(row, "handler_unit_id")?,
        identity: text(row, "identity")?,
        notes: text(row, "notes")?,
    })
}

/// The audit snapshot of a source never contains the identity.
#[derive(serde::Serialize)]
struct SourceSnapshot<'a> {
    code: &'a str,
    handler_unit: String,
    identity: &'static str,
}

impl Write {
    pub async fn insert_intel_report(&mut self, r: &IntelReport) -> Result<(), StoreError> {
        self.insert_record_access(&r.access).await?;
        sqlx::query(
            "INSERT INTO intelligence_report (id, reference, title, body, reported_on, source_code, source_evaluation, \
             information_assessment, handling_code, handling_conditions, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(r.id.to_string())
        .bind(&r.reference)
        .bind(r.title.as_str())
        .bind(r.body.as_str())
        .bind(date_text(r.reported_on))
        .bind(r.source.as_str())
        .bind(r.grade.source.as_str())
        .bind(r.grade.information.as_str())
        .bind(r.grade.handling.as_str())
        .bind(&r.handling_conditions)
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?;
        self.audit_create(
            RecordKind::IntelligenceReport.as_str(),
            &r.id.to_string(),
            r,
        )
        .await?;
        Ok(())
    }

    pub async fn update_intel_report(
        &mut self,
        before: &IntelReport,
        after: &IntelReport,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE intelligence_report SET title = $2, body = $3, reported_on = $4, source_code = $5, source_evaluation = $6, \
             information_assessment = $7, handling_code = $8, handling_conditions = $9, updated_at = $10 WHERE id = $1",
        )
        .bind(after.id.to_string())
        .bind(after.title.as_str())
        .bind(after.body.as_str())
        .bind(date_text(after.reported_on))
        .bind(after.source.as_str())
        .bind(after.grade.source.as_str())
        .bind(after.grade.information.as_str())
        .bind(after.grade.handling.as_str())
        .bind(&after.handling_conditions)
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?;
        sqlx::query("UPDATE record_access SET province_code = $2, classification_rank = $3, tlp = $4 WHERE record_id = $1")
            .bind(after.id.to_string())
            .bind(after.access.province.map(|p| p.as_str().to_owned()))
            .bind(crate::access::rank(after.access.classification))
            .bind(after.access.tlp.label())
            .execute(self.conn())
            .await?;
        self.audit_update(
            RecordKind::IntelligenceReport.as_str(),
            &after.id.to_string(),
            before,
            after,
        )
        .await?;
        Ok(())
    }

    pub async fn insert_source(&mut self, s: &Source) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO intel_source (code, installation_id, handler_unit_id, identity, notes, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(s.code.as_str())
            .bind(self.ctx.installation.to_string())
            .bind(s.handler_unit.to_string())
            .bind(&s.identity)
            .bind(&s.notes)
            .bind(to_millis(self.at()))
            .execute(self.conn())
            .await?;
        let snap = SourceSnapshot {
            code: s.code.as_str(),
            handler_unit: s.handler_unit.to_string(),
            identity: "(withheld)",
        };
        self.audit_create("intel_source", s.code.as_str(), &snap)
            .await?;
        Ok(())
    }

    pub async fn insert_link(
        &mut self,
        kind: RecordKind,
        from: RecordId,
        to: RecordId,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO record_link (from_id, to_id, created_at) VALUES ($1, $2, $3)")
            .bind(from.to_string())
            .bind(to.to_string())
            .bind(to_millis(self.at()))
            .execute(self.conn())
            .await?;
        self.event(
            kind.as_str(),
            &from.to_string(),
            &serde_json::json!({ "event": "linked", "to": to }),
        )
        .await?;
        Ok(())
    }
}
