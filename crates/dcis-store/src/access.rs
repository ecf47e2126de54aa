//! Record access facts, shares, sharing groups and access requests, and the
//! SQL form of the policy's read filter.

use crate::error::StoreError;
use crate::open::Store;
use crate::rows::{id, int, opt_parsed, opt_time, parsed, text, time};
use crate::write::{snapshot, Write};
use dcis_domain::access::{
    AccessRequestId, Classification, RecordAccess, RecordId, RecordKind, ShareBasis, ShareId,
    ShareTarget, SharingGroupId, Tlp,
};
use dcis_domain::geo::{PlaceName, ProvinceCode};
use dcis_domain::ids::{InstallationId, UserId};
use dcis_domain::role::Clearance;
use dcis_domain::time::to_millis;
use dcis_policy::records::{ReadFilter, ShareFacts, LISTED_UP_TO};
use serde::Serialize;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// A value bound to a placeholder of generated SQL.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    q
}

pub(crate) fn rank(c: Classification) -> i64 {
    match c {
        Clearance::Unclassified => 0,
        Clearance::Restricted => 1,
        Clearance::Confidential => 2,
        Clearance::Secret => 3,
    }
}

pub(crate) fn from_rank(r: i64) -> Result<Classification, StoreError> {
    Ok(match r {
        0 => Clearance::Unclassified,
        1 => Clearance::Restricted,
        2 => Clearance::Confidential,
        3 => Clearance::Secret,
        other => {
            return Err(StoreError::Corrupt(format!(
                "classification_rank = {other}"
            )))
        }
    })
}

pub(crate) fn push(binds: &mut Vec<Bind>, b: Bind) -> String {
    binds.push(b);
    format!("${}", binds.len())
}

/// How a rendered filter tests "a live share opens this record to the
/// actor". Both forms state the same rule; they differ in how the engines
/// run them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shares {
    /// `ra.record_id IN (SELECT record_id FROM record_share WHERE …)`: not
    /// correlated, so each engine collects the actor's shared record ids
    /// once per statement (SQLite: an ephemeral index; PostgreSQL: a hashed
    /// subplan) and each row tested costs one probe. For queries that test
    /// many rows: counts, the search over titles. (The correlated form
    /// costs SQLite an index search in `record_share` per row, and makes
    /// PostgreSQL cost the whole query as if it ran the subquery per row,
    /// which leads it to slow plans.)
    ///
    /// PostgreSQL charges the set's collection again for every probe of
    /// the inner side of a nested loop that tests it, so a query whose
    /// plan should not depend on the filter tests it in the aggregate
    /// instead (`COUNT(*) FILTER (WHERE …)`, the report search's count):
    /// the set is then collected once per process, as it is run.
    ///
    /// A PostgreSQL caveat: the set is hashed only if it fits in `work_mem`
    /// (× `hash_mem_multiplier`; about 130,000 shared records with the
    /// defaults); beyond that PostgreSQL scans the set for each row tested.
    /// Raise `work_mem` before a single actor can see that many shares.
    Set,
    /// `EXISTS (SELECT 1 FROM record_share s WHERE s.record_id = ra.record_id …)`:
    /// one index probe per row tested, nothing collected up front. For
    /// queries that test a few rows: a single record, a page (which walks
    /// the date index and stops after a few dozen rows), the columns of the
    /// rows of a page. Collecting the set would cost more than the page.
    PerRow,
}

/// The conditions on a `record_share` row `s` that make it open a record
/// to the actor: `direct` (the actor, the actor's unit, the actor's
/// groups), `to_org` (the actor's organisation: only inside the actor's
/// scope, which the caller tests) and `live` (neither revoked nor expired).
struct ShareTargets {
    direct: Vec<String>,
    to_org: String,
    live: String,
}

fn share_targets(f: &ReadFilter, binds: &mut Vec<Bind>) -> ShareTargets {
    let unit_p = push(binds, Bind::Text(f.unit.to_string()));
    let user_p = push(binds, Bind::Text(f.user.to_string()));
    let org_p = push(binds, Bind::Text(f.organisation.to_string()));
    let now_p = push(binds, Bind::Int(f.now_ms));
    let mut direct = vec![
        format!("(s.target_kind = 'user' AND s.target_id = {user_p})"),
        format!("(s.target_kind = 'unit' AND s.target_id = {unit_p})"),
    ];
    if !f.groups.is_empty() {
        let marks: Vec<String> = f
            .groups
            .iter()
            .map(|g| push(binds, Bind::Text(g.to_string())))
            .collect();
        direct.push(format!(
            "(s.target_kind = 'group' AND s.target_id IN ({}))",
            marks.join(", ")
        ));
    }
    ShareTargets {
        direct,
        to_org: format!("(s.target_kind = 'organisation' AND s.target_id = {org_p})"),
        live: format!("s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > {now_p})"),
    }
}

/// The policy's read filter as an SQL condition on the `record_access`
/// row aliased `ra`, for a query that tests many rows (see [`Shares`]).
/// Placeholders continue from `binds`. The rules are those of
/// `dcis_policy::records::decide`; the authorisation matrix test checks
/// that the two agree on every combination.
pub(crate) fn filter_sql(f: &ReadFilter, ra: &str, binds: &mut Vec<Bind>) -> String {
    render_filter(f, ra, Shares::Set, binds)
}

/// [`filter_sql`] for a query that tests a few rows (one record, a page),
/// see [`Shares::PerRow`].
pub(crate) fn filter_one_sql(f: &ReadFilter, ra: &str, binds: &mut Vec<Bind>) -> String {
    render_filter(f, ra, Shares::PerRow, binds)
}

/// The SQL expression that is true when the row is readable (not only
/// listed), for a condition over many rows (the search over titles).
pub(crate) fn readable_sql(f: &ReadFilter, ra: &str, binds: &mut Vec<Bind>) -> String {
    render_filter(&f.readable_part(), ra, Shares::Set, binds)
}

/// [`readable_sql`] for a query that tests a few rows: the columns of rows
/// already chosen (a page of a list: what to show of each).
pub(crate) fn readable_one_sql(f: &ReadFilter, ra: &str, binds: &mut Vec<Bind>) -> String {
    render_filter(&f.readable_part(), ra, Shares::PerRow, binds)
}

/// `ra.classification_rank <= n` for the highest classification the filter
/// lets through: implied by the filter, and useful to the engine alone (an
/// index on record_id and the access facts answers it). Only for a query
/// whose join order is fixed: as a lone range term it can make SQLite
/// prefer reading every access row and sorting to walking a date index.
pub(crate) fn rank_bound_sql(f: &ReadFilter, ra: &str, binds: &mut Vec<Bind>) -> String {
    let top = if f.include_listed {
        f.max_classification.max(LISTED_UP_TO)
    } else {
        f.max_classification
    };
    format!(
        "{ra}.classification_rank <= {}",
        push(binds, Bind::Int(rank(top)))
    )
}

/// The condition that the record lies in the actor's scope; none for a
/// national scope, which covers every record.
fn scope_sql(f: &ReadFilter, ra: &str, binds: &mut Vec<Bind>) -> Option<String> {
    match &f.provinces {
        None => None,
        Some(ps) if ps.is_empty() => Some("1 = 0".to_owned()),
        Some(ps) => {
            let marks: Vec<String> = ps
                .iter()
                .map(|p| push(binds, Bind::Text(p.as_str().to_owned())))
                .collect();
            Some(format!("{ra}.province_code IN ({})", marks.join(", ")))
        }
    }
}

/// The part of a listing filter that lets a record be listed without
/// being readable (classified at most restricted, inside the actor's
/// scope), or `None` when the filter lists only what it lets the actor
/// read. A listing filter is exactly this part `OR` its readable part
/// ([`render_filter`]), so a condition such as "listed, and readable where
/// it matched on the title" can be written with one readable test:
/// `readable OR (listed_only AND matched on the reference)`.
pub(crate) fn listed_only_sql(f: &ReadFilter, ra: &str, binds: &mut Vec<Bind>) -> Option<String> {
    if !f.reader || !f.include_listed {
        return None;
    }
    let listed_p = push(binds, Bind::Int(rank(LISTED_UP_TO)));
    let cond = format!("{ra}.classification_rank <= {listed_p}");
    Some(match scope_sql(f, ra, binds) {
        None => cond,
        Some(scope) => format!("({cond} AND {scope})"),
    })
}

/// The filter, cheapest tests first: SQL engines evaluate `OR` from the left
/// and stop at the first true term, so the column comparisons decide most
/// rows before any share is looked up.
///
/// A share is looked up only for a record whose `has_shares` flag is set
/// (migration 0018: set by a trigger on the first share row that names the
/// record, never reset). A live share implies the flag, so the test drops
/// no record a share opens; the nine records in ten never shared skip the
/// lookup, which was most of what the set form cost SQLite on a list of a
/// million records.
///
/// Shares to the actor's organisation count only where the actor's scope
/// covers the record, a condition on the record. In the set form they are
/// tested apart from the other shares, so that each collected set depends
/// on `record_share` alone (`EXISTS (… AND (a OR (b AND scope)))` is the
/// same as `EXISTS (… AND a) OR (scope AND EXISTS (… AND b))`); for a
/// national scope, which covers every record, they join the others.
pub(crate) fn render_filter(
    f: &ReadFilter,
    ra: &str,
    shares: Shares,
    binds: &mut Vec<Bind>,
) -> String {
    if !f.reader {
        return "1 = 0".to_owned();
    }
    let scope = scope_sql(f, ra, binds);
    let in_scope = |cond: String| match &scope {
        None => cond,
        Some(scope) => format!("({cond} AND {scope})"),
    };
    // The same with the scope tested first, before a share set is probed.
    let scope_first = |cond: String| match &scope {
        None => cond,
        Some(scope) => format!("({scope} AND {cond})"),
    };
    let listed = listed_only_sql(f, ra, binds);
    let rank_p = push(binds, Bind::Int(rank(f.max_classification)));
    let unit_p = push(binds, Bind::Text(f.unit.to_string()));
    let mut who = vec![format!("{ra}.owner_unit_id = {unit_p}")];
    if let Some(org) = f.supervisor_of {
        let p = push(binds, Bind::Text(org.to_string()));
        who.push(in_scope(format!("{ra}.owner_organisation_id = {p}")));
    }
    // One SELECT per target (joined by UNION ALL) rather than one SELECT
    // with an OR of targets: each part reads the record ids from the
    // (target, …, record_id) index alone, where an OR makes PostgreSQL
    // combine bitmaps and then read the table.
    let set = |targets: &[String], live: &str| {
        let parts: Vec<String> = targets
            .iter()
            .map(|t| format!("SELECT s.record_id FROM record_share s WHERE {t} AND {live}"))
            .collect();
        format!(
            "({ra}.has_shares = 1 AND {ra}.record_id IN ({}))",
            parts.join(" UNION ALL ")
        )
    };
    match (shares, f.provinces.is_some()) {
        (Shares::Set, true) => {
            let t = share_targets(f, binds);
            who.push(set(&t.direct, &t.live));
            who.push(scope_first(set(&[t.to_org], &t.live)));
        }
        (Shares::Set, false) => {
            let mut t = share_targets(f, binds);
            t.direct.push(t.to_org);
            who.push(set(&t.direct, &t.live));
        }
        (Shares::PerRow, _) => {
            let mut t = share_targets(f, binds);
            t.direct.push(in_scope(t.to_org));
            let all = t.direct.join(" OR ");
            who.push(format!(
                "({ra}.has_shares = 1 AND EXISTS (SELECT 1 FROM record_share s WHERE s.record_id = {ra}.record_id AND {} AND ({all})))",
                t.live
            ));
        }
    }
    let readable = format!(
        "({ra}.classification_rank <= {rank_p} AND ({}))",
        who.join(" OR ")
    );
    match listed {
        Some(listed) => format!("({listed} OR {readable})"),
        None => readable,
    }
}

pub(crate) const ACCESS_COLUMNS: &str =
    "ra.record_id, ra.record_kind, ra.owner_organisation_id, ra.owner_unit_id, ra.province_code, ra.classification_rank, ra.tlp";

pub(crate) fn record_access(row: &AnyRow) -> Result<RecordAccess, StoreError> {
    Ok(RecordAccess {
        record: id(row, "record_id")?,
        kind: parsed(row, "record_kind", |s| {
            RecordKind::parse(s).ok_or("unknown record kind")
        })?,
        owner_organisation: id(row, "owner_organisation_id")?,
        owner_unit: id(row, "owner_unit_id")?,
        province: opt_parsed(row, "province_code", ProvinceCode::parse)?,
        classification: from_rank(int(row, "classification_rank")?)?,
        tlp: parsed(row, "tlp", Tlp::parse)?,
    })
}

/// A share as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub id: ShareId,
    pub record: RecordId,
    pub target: ShareTarget,
    pub basis: ShareBasis,
    /// Handling instructions recorded with the share (the handling code and
    /// any conditions).
    pub handling: String,
    pub shared_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub shared_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl Share {
    pub fn facts(&self) -> ShareFacts {
        ShareFacts {
            target: self.target,
            expires_at_ms: self.expires_at.map(to_millis),
            revoked: self.revoked_at.is_some(),
        }
    }
}

fn share(row: &AnyRow) -> Result<Share, StoreError> {
    let kind = text(row, "target_kind")?;
    let tid = text(row, "target_id")?;
    Ok(Share {
        id: id(row, "id")?,
        record: id(row, "record_id")?,
        target: ShareTarget::parse(&kind, &tid).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        basis: parsed(row, "basis", |s| {
            ShareBasis::parse(s).ok_or("unknown share basis")
        })?,
        handling: text(row, "handling")?,
        shared_by: id(row, "shared_by")?,
        shared_at: time(row, "shared_at")?,
        expires_at: opt_time(row, "expires_at")?,
        revoked_at: opt_time(row, "revoked_at")?,
    })
}

const SHARE_COLUMNS: &str = "id, record_id, target_kind, target_id, basis, handling, shared_by, shared_at, expires_at, revoked_at";

/// A sharing group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharingGroup {
    pub id: SharingGroupId,
    pub installation: InstallationId,
    pub code: String,
    pub name_en: PlaceName,
    pub name_lo: PlaceName,
    pub description: String,
}

fn group(row: &AnyRow) -> Result<SharingGroup, StoreError> {
    Ok(SharingGroup {
        id: id(row, "id")?,
        installation: id(row, "installation_id")?,
        code: text(row, "code")?,
        name_en: parsed(row, "name_en", |s| PlaceName::parse("name_en", s))?,
        name_lo: parsed(row, "name_lo", |s| PlaceName::parse("name_lo", s))?,
        description: text(row, "description")?,
    })
}

/// The state of an access request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Granted,
    Refused,
    Withdrawn,
}

impl RequestStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Granted => "granted",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Granted, Self::Refused, Self::Withdrawn]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccessRequest {
    pub id: AccessRequestId,
    pub record: RecordId,
    pub requester: UserId,
    pub reason: String,
    pub status: RequestStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    pub decided_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    pub decision_note: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub grant_expires_at: Option<OffsetDateTime>,
}

fn request(row: &AnyRow) -> Result<AccessRequest, StoreError> {
    Ok(AccessRequest {
        id: id(row, "id")?,
        record: id(row, "record_id")?,
        requester: id(row, "requester_id")?,
        reason: text(row, "reason")?,
        status: parsed(row, "status", |s| {
            RequestStatus::parse(s).ok_or("unknown status")
        })?,
        requested_at: time(row, "requested_at")?,
        decided_by: match crate::rows::opt_text(row, "decided_by")? {
            Some(s) => Some(
                s.parse()
                    .map_err(|e| StoreError::Corrupt(format!("decided_by: {e}")))?,
            ),
            None => None,
        },
        decided_at: opt_time(row, "decided_at")?,
        decision_note: text(row, "decision_note")?,
        grant_expires_at: opt_time(row, "grant_expires_at")?,
    })
}

const REQUEST_COLUMNS: &str =
    "id, record_id, requester_id, reason, status, requested_at, decided_by, decided_at, decision_note, grant_expires_at";

/// A record as a list shows it: its access facts and whether the actor may
/// open it (false: only its existence may be shown, with "request access").
#[derive(Debug, Clone, PartialEq)]
pub struct VisibleRecord {
    pub access: RecordAccess,
    pub readable: bool,
}

impl Store {
    pub async fn record_access(
        &self,
        record: RecordId,
    ) -> Result<Option<RecordAccess>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ACCESS_COLUMNS} FROM record_access ra WHERE ra.record_id = $1"
        ))
        .bind(record.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(record_access).transpose()
    }

    pub async fn shares_of(&self, record: RecordId) -> Result<Vec<Share>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SHARE_COLUMNS} FROM record_share WHERE record_id = $1 ORDER BY shared_at, id"
        ))
        .bind(record.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(share).collect()
    }

    /// The sharing groups a user belongs to, directly, through their unit
    /// or through their organisation.
    pub async fn groups_of(
        &self,
        user: UserId,
        unit: dcis_domain::ids::UnitId,
        organisation: dcis_domain::ids::OrganisationId,
    ) -> Result<Vec<SharingGroupId>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT group_id FROM sharing_group_member WHERE (member_kind = 'user' AND member_id = $1) \
             OR (member_kind = 'unit' AND member_id = $2) OR (member_kind = 'organisation' AND member_id = $3) ORDER BY group_id",
        )
        .bind(user.to_string())
        .bind(unit.to_string())
        .bind(organisation.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| id(r, "group_id")).collect()
    }

    pub async fn sharing_groups(&self) -> Result<Vec<SharingGroup>, StoreError> {
        let rows = sqlx::query("SELECT id, installation_id, code, name_en, name_lo, description FROM sharing_group ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(group).collect()
    }

    pub async fn sharing_group(
        &self,
        gid: SharingGroupId,
    ) -> Result<Option<SharingGroup>, StoreError> {
        let row = sqlx::query("SELECT id, installation_id, code, name_en, name_lo, description FROM sharing_group WHERE id = $1")
            .bind(gid.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(group).transpose()
    }

    pub async fn group_members(&self, gid: SharingGroupId) -> Result<Vec<ShareTarget>, StoreError> {
        let rows = sqlx::query("SELECT member_kind, member_id FROM sharing_group_member WHERE group_id = $1 ORDER BY member_kind, member_id")
            .bind(gid.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                ShareTarget::parse(&text(r, "member_kind")?, &text(r, "member_id")?)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    /// Records of a kind (or all kinds) that the filter lets through, newest
    /// first, with whether each is readable or only listed.
    pub async fn visible_records(
        &self,
        f: &ReadFilter,
        kind: Option<RecordKind>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<VisibleRecord>, StoreError> {
        let mut binds = Vec::new();
        let readable = readable_one_sql(f, "ra", &mut binds);
        let cond = filter_sql(f, "ra", &mut binds);
        let kind_sql = match kind {
            Some(k) => format!(
                "AND ra.record_kind = {}",
                push(&mut binds, Bind::Text(k.as_str().to_owned()))
            ),
            None => String::new(),
        };
        let lim = push(&mut binds, Bind::Int(limit));
        let off = push(&mut binds, Bind::Int(offset));
        let sql = format!(
            "SELECT {ACCESS_COLUMNS}, CASE WHEN {readable} THEN 1 ELSE 0 END AS readable FROM record_access ra \
             WHERE {cond} {kind_sql} ORDER BY ra.created_at DESC, ra.record_id LIMIT {lim} OFFSET {off}"
        );
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(VisibleRecord {
                    access: record_access(r)?,
                    readable: int(r, "readable")? == 1,
                })
            })
            .collect()
    }

    /// Whether the filter lets one record through, and if so whether it is
    /// readable: the same SQL as lists, for the single-record paths.
    pub async fn record_visibility(
        &self,
        f: &ReadFilter,
        record: RecordId,
    ) -> Result<Option<VisibleRecord>, StoreError> {
        let mut binds = Vec::new();
        let readable = readable_one_sql(f, "ra", &mut binds);
        let cond = filter_one_sql(f, "ra", &mut binds);
        let rid = push(&mut binds, Bind::Text(record.to_string()));
        let sql = format!(
            "SELECT {ACCESS_COLUMNS}, CASE WHEN {readable} THEN 1 ELSE 0 END AS readable FROM record_access ra \
             WHERE ra.record_id = {rid} AND {cond}"
        );
        let row = bind_all(sqlx::query(&sql), &binds)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(VisibleRecord {
                access: record_access(&r)?,
                readable: int(&r, "readable")? == 1,
            })
        })
        .transpose()
    }

    /// How many of `ids` (distinct record ids) the readable part of the
    /// filter lets through; unknown ids count as not readable.
    pub async fn count_readable(
        &self,
        f: &ReadFilter,
        ids: &[RecordId],
    ) -> Result<usize, StoreError> {
        let readable = f.readable_part();
        let mut n = 0;
        for chunk in ids.chunks(crate::export::EXPORT_BATCH) {
            let mut binds = Vec::new();
            let cond = filter_sql(&readable, "ra", &mut binds);
            let marks: Vec<String> = chunk
                .iter()
                .map(|i| push(&mut binds, Bind::Text(i.to_string())))
                .collect();
            let sql = format!(
                "SELECT COUNT(*) AS n FROM record_access ra WHERE ra.record_id IN ({}) AND {cond}",
                marks.join(", ")
            );
            let row = bind_all(sqlx::query(&sql), &binds)
                .fetch_one(&self.pool)
                .await?;
            n += usize::try_from(int(&row, "n")?).unwrap_or(0);
        }
        Ok(n)
    }

    pub async fn access_request(
        &self,
        rid: AccessRequestId,
    ) -> Result<Option<AccessRequest>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM access_request WHERE id = $1"
        ))
        .bind(rid.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(request).transpose()
    }

    /// Requests made by a user, newest first.
    pub async fn access_requests_by(&self, user: UserId) -> Result<Vec<AccessRequest>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {REQUEST_COLUMNS} FROM access_request WHERE requester_id = $1 ORDER BY requested_at DESC"))
            .bind(user.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(request).collect()
    }

    /// Pending requests for records owned by a unit, or by an organisation
    /// (for its supervisors).
    pub async fn access_requests_for_owner(
        &self,
        unit: dcis_domain::ids::UnitId,
        organisation: Option<dcis_domain::ids::OrganisationId>,
    ) -> Result<Vec<AccessRequest>, StoreError> {
        let cols = REQUEST_COLUMNS
            .split(", ")
            .map(|c| format!("q.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {cols} FROM access_request q JOIN record_access ra ON ra.record_id = q.record_id \
             WHERE q.status = 'pending' AND (ra.owner_unit_id = $1 OR ra.owner_organisation_id = $2) ORDER BY q.requested_at"
        ))
        .bind(unit.to_string())
        .bind(organisation.map(|o| o.to_string()).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(request).collect()
    }
}

impl Write {
    /// Adds the access facts of a new record (called by each record kind's
    /// insert, inside the same transaction and audit entry).
    pub(crate) async fn insert_record_access(
        &mut self,
        a: &RecordAccess,
    ) -> Result<(), StoreError> {
        let (installation, actor) = (self.ctx.installation, self.ctx.actor.clone());
        sqlx::query(
            "INSERT INTO record_access (record_id, record_kind, installation_id, owner_organisation_id, owner_unit_id, \
             province_code, classification_rank, tlp, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.record.to_string())
        .bind(a.kind.as_str())
        .bind(installation.to_string())
        .bind(a.owner_organisation.to_string())
        .bind(a.owner_unit.to_string())
        .bind(a.province.map(|p| p.as_str().to_owned()))
        .bind(rank(a.classification))
        .bind(a.tlp.label())
        .bind(actor.map(|(u, _)| u.to_string()).unwrap_or_default())
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Changes a record's access facts (classification, TLP, place) and
    /// audits it on the record.
    pub async fn update_record_access(
        &mut self,
        before: &RecordAccess,
        after: &RecordAccess,
    ) -> Result<(), StoreError> {
        let n = sqlx::query(
            "UPDATE record_access SET province_code = $2, classification_rank = $3, tlp = $4, owner_unit_id = $5, \
             owner_organisation_id = $6 WHERE record_id = $1",
        )
        .bind(after.record.to_string())
        .bind(after.province.map(|p| p.as_str().to_owned()))
        .bind(rank(after.classification))
        .bind(after.tlp.label())
        .bind(after.owner_unit.to_string())
        .bind(after.owner_organisation.to_string())
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.audit_update(
            after.kind.as_str(),
            &after.record.to_string(),
            before,
            after,
        )
        .await?;
        Ok(())
    }

    /// Records a share (a release, a need-to-know entry or a granted
    /// request). The disclosure is audited on the record's history.
    pub async fn insert_share(&mut self, kind: RecordKind, s: &Share) -> Result<(), StoreError> {
        sqlx::query(&format!("INSERT INTO record_share ({SHARE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)"))
            .bind(s.id.to_string())
            .bind(s.record.to_string())
            .bind(s.target.kind())
            .bind(s.target.id_string())
            .bind(s.basis.as_str())
            .bind(&s.handling)
            .bind(s.shared_by.to_string())
            .bind(to_millis(s.shared_at))
            .bind(s.expires_at.map(to_millis))
            .execute(self.conn())
            .await?;
        self.event(
            kind.as_str(),
            &s.record.to_string(),
            &serde_json::json!({ "event": "shared", "share": s }),
        )
        .await?;
        Ok(())
    }

    pub async fn revoke_share(&mut self, kind: RecordKind, s: &Share) -> Result<(), StoreError> {
        let at = self.at();
        sqlx::query("UPDATE record_share SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(s.id.to_string())
            .bind(to_millis(at))
            .execute(self.conn())
            .await?;
        self.event(
            kind.as_str(),
            &s.record.to_string(),
            &serde_json::json!({ "event": "share_revoked", "share": s.id }),
        )
        .await?;
        Ok(())
    }

    /// Records a read of restricted material on the record's history.
    pub async fn audit_read(
        &mut self,
        kind: RecordKind,
        record: RecordId,
        path: &str,
    ) -> Result<(), StoreError> {
        self.audit(
            dcis_domain::audit::AuditAction::Read,
            kind.as_str(),
            &record.to_string(),
            None,
            Some(serde_json::json!({ "path": path }).to_string()),
        )
        .await?;
        Ok(())
    }

    pub async fn insert_sharing_group(&mut self, g: &SharingGroup) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sharing_group (id, installation_id, code, name_en, name_lo, description, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(g.id.to_string())
        .bind(g.installation.to_string())
        .bind(&g.code)
        .bind(g.name_en.as_str())
        .bind(g.name_lo.as_str())
        .bind(&g.description)
        .bind(to_millis(self.at()))
        .execute(self.conn())
        .await?;
        self.audit_create("sharing_group", &g.id.to_string(), g)
            .await?;
        Ok(())
    }

    pub async fn add_group_member(
        &mut self,
        g: SharingGroupId,
        member: ShareTarget,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sharing_group_member (group_id, member_kind, member_id, added_at) VALUES ($1, $2, $3, $4)")
            .bind(g.to_string())
            .bind(member.kind())
            .bind(member.id_string())
            .bind(to_millis(self.at()))
            .execute(self.conn())
            .await?;
        self.event(
            "sharing_group",
            &g.to_string(),
            &serde_json::json!({ "event": "member_added", "member": member }),
        )
        .await?;
        Ok(())
    }

    pub async fn remove_group_member(
        &mut self,
        g: SharingGroupId,
        member: ShareTarget,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query("DELETE FROM sharing_group_member WHERE group_id = $1 AND member_kind = $2 AND member_id = $3")
            .bind(g.to_string())
            .bind(member.kind())
            .bind(member.id_string())
            .execute(self.conn())
            .await?
            .rows_affected();
        if n > 0 {
            self.event(
                "sharing_group",
                &g.to_string(),
                &serde_json::json!({ "event": "member_removed", "member": member }),
            )
            .await?;
        }
        Ok(n > 0)
    }

    pub async fn insert_access_request(
        &mut self,
        kind: RecordKind,
        r: &AccessRequest,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO access_request ({REQUEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, '', NULL)"
        ))
        .bind(r.id.to_string())
        .bind(r.record.to_string())
        .bind(r.requester.to_string())
        .bind(&r.reason)
        .bind(r.status.as_str())
        .bind(to_millis(r.requested_at))
        .execute(self.conn())
        .await?;
        self.event(
            kind.as_str(),
            &r.record.to_string(),
            &serde_json::json!({ "event": "access_requested", "request": r }),
        )
        .await?;
        Ok(())
    }

    /// Records the owner's decision on a pending request. Returns false when
    /// the request was no longer pending (decided twice).
    pub async fn decide_access_request(
        &mut self,
        kind: RecordKind,
        before: &AccessRequest,
        after: &AccessRequest,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE access_request SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5, grant_expires_at = $6 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(after.id.to_string())
        .bind(after.status.as_str())
        .bind(after.decided_by.map(|u| u.to_string()))
        .bind(after.decided_at.map(to_millis))
        .bind(&after.decision_note)
        .bind(after.grant_expires_at.map(to_millis))
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        self.audit(
            dcis_domain::audit::AuditAction::Update,
            kind.as_str(),
            &after.record.to_string(),
            Some(snapshot(before)),
            Some(snapshot(after)),
        )
        .await?;
        Ok(true)
    }
}
