//! Early warnings: running the rules (after an import, after `dcis
//! generate`, on the server's schedule, and from `dcis alerts run`), and
//! what a user sees of the alerts (`docs/alerts.md`; who sees what is
//! `dcis_policy::alerts`, `docs/access-policy.md`, "Alerts").

use crate::{App, AppError};
use dcis_domain::access::RecordId;
use dcis_domain::alert::{
    first_seen_alerts, large_seizure_alerts, rise_alerts, route_alerts, subject_pairs, AlertRule,
    Candidate, FirstSeenKind, Measure, RiseSettings, RouteKind,
};
use dcis_domain::geo::ProvinceCode;
use dcis_domain::ids::AlertId;
use dcis_domain::substance::{SubstanceKind, Taxonomy};
use dcis_policy::alerts::{disclosure, AlertScope, Disclosure, MIN_CELL};
use dcis_policy::Actor;
use dcis_store::{AlertFilter, AlertRecord, CaseMatch, NewAlert};
use std::collections::BTreeMap;

/// What one run of the rules did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertRun {
    /// What the rules found, stored before or not.
    pub found: usize,
    /// New alerts stored, per rule.
    pub raised: BTreeMap<AlertRule, usize>,
}

impl AlertRun {
    pub fn total_raised(&self) -> usize {
        self.raised.values().sum()
    }
}

/// An alert as one user may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertView {
    /// The alert; with [`Disclosure::Withheld`], its figures are `null`,
    /// its case ids empty and a case named in its subject removed.
    pub alert: AlertRecord,
    pub disclosure: Disclosure,
    /// The cases behind it that the user may read (to link to), with
    /// their references.
    pub readable_cases: Vec<(RecordId, String)>,
}

/// Which cases a candidate rests on, from its rule and subject.
fn case_match(c: &Candidate) -> Option<CaseMatch> {
    let pairs = subject_pairs(&c.subject);
    let get = |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let measure = get("measure").and_then(Measure::parse);
    match c.rule {
        AlertRule::Rise => match (get("province"), get("substance"), measure) {
            (Some(p), _, Some(m)) => ProvinceCode::parse(p)
                .ok()
                .map(|p| CaseMatch::Province(p, m)),
            (None, Some(s), Some(m)) => Some(CaseMatch::Substance(s.to_owned(), m)),
            _ => None,
        },
        AlertRule::NewSubstance | AlertRule::NewForm | AlertRule::NewLogo => {
            let (kind, key) = match c.rule {
                AlertRule::NewSubstance => (FirstSeenKind::Substance, "substance"),
                AlertRule::NewForm => (FirstSeenKind::Form, "form"),
                _ => (FirstSeenKind::Logo, "logo"),
            };
            get(key).map(|v| CaseMatch::Seen(kind, v.to_owned(), c.province))
        }
        AlertRule::LargeSeizure => None,
        AlertRule::NewRoute => {
            let (kind, route) = match (get("country"), get("province")) {
                (Some(r), _) => (RouteKind::Country, r),
                (None, Some(r)) => (RouteKind::Province, r),
                _ => return None,
            };
            let (a, b) = route.split_once('>')?;
            Some(CaseMatch::Route(kind, a.to_owned(), b.to_owned()))
        }
    }
}

/// The subject as shown when the figures are withheld: without a case.
fn subject_without_case(subject: &str) -> String {
    subject
        .split(';')
        .filter(|kv| !kv.starts_with("case="))
        .collect::<Vec<_>>()
        .join(";")
}

/// Open alerts are counted up to this many for the navigation's badge,
/// which then shows "999+": the count runs on every page.
pub const OPEN_ALERTS_COUNTED: i64 = 999;

/// How many open alerts an actor sees (the navigation's badge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenAlerts {
    Exactly(i64),
    /// More than this many.
    MoreThan(i64),
}

impl OpenAlerts {
    /// What the badge shows ("12", "999+"); `None` when no alert is open
    /// (no badge).
    pub fn badge(&self) -> Option<String> {
        match *self {
            Self::Exactly(0) => None,
            Self::Exactly(n) => Some(n.to_string()),
            Self::MoreThan(n) => Some(format!("{n}+")),
        }
    }

    /// Whether there are more than [`OpenAlerts::number`].
    pub fn is_more(&self) -> bool {
        matches!(self, Self::MoreThan(_))
    }

    /// The number counted (the exact count, or the bound passed).
    pub fn number(&self) -> &i64 {
        match self {
            Self::Exactly(n) | Self::MoreThan(n) => n,
        }
    }
}

impl App {
    /// Runs every rule over all cases and stores the alerts not stored
    /// before (one transaction, acting as the system, each new alert
    /// audited). Deterministic for the data; running it again raises
    /// nothing new.
    pub async fn run_alerts(&self) -> Result<AlertRun, AppError> {
        let Some(span) = self.store.alert_data_span().await? else {
            return Ok(AlertRun::default());
        };
        let mut found = Vec::new();
        let drugs: Vec<&str> = Taxonomy::global()
            .of_kind(SubstanceKind::Drug)
            .map(|s| s.code())
            .collect();
        let series = self.store.alert_rise_series(&drugs).await?;
        found.extend(rise_alerts(
            &series,
            span.first,
            span.last,
            &RiseSettings::default(),
        ));
        let seen = self.store.alert_first_seen().await?;
        found.extend(first_seen_alerts(&seen, &span.province_first, span.first));
        let thresholds = &self.settings.alert_thresholds;
        let seizures = self
            .store
            .alert_large_seizures(thresholds.minimum())
            .await?;
        found.extend(large_seizure_alerts(&seizures, thresholds, |code| {
            Taxonomy::global().get(code).map(|s| s.group().to_owned())
        }));
        let routes = self.store.alert_routes().await?;
        found.extend(route_alerts(&routes, span.first));

        let known = self.store.alert_identities().await?;
        let mut run = AlertRun {
            found: found.len(),
            raised: BTreeMap::new(),
        };
        let fresh: Vec<&Candidate> = found
            .iter()
            .filter(|c| {
                !known.contains(&(
                    c.rule.as_str().to_owned(),
                    c.subject.clone(),
                    c.period.clone(),
                ))
            })
            .collect();
        if fresh.is_empty() {
            return Ok(run);
        }
        // The cases behind small alerts, for the disclosure rule.
        let mut rows = Vec::with_capacity(fresh.len());
        for c in fresh {
            let case_ids = if c.rule == AlertRule::LargeSeizure {
                subject_pairs(&c.subject)
                    .into_iter()
                    .filter(|(k, _)| *k == "case")
                    .map(|(_, v)| v.to_owned())
                    .collect()
            } else if c.case_count < MIN_CELL {
                match case_match(c) {
                    Some(m) => self.store.alert_cases(&m, &c.period).await?,
                    None => Vec::new(),
                }
            } else {
                Vec::new()
            };
            rows.push(NewAlert {
                id: AlertId::from_uuid(self.new_uuid()),
                rule: c.rule,
                subject: c.subject.clone(),
                period: c.period.clone(),
                province: c.province,
                figures: c.figures.clone(),
                case_ids,
                case_count: c.case_count,
            });
        }
        let mut w = self.write_as_system().await?;
        for a in &rows {
            if w.insert_alert(a).await? {
                *run.raised.entry(a.rule).or_default() += 1;
            }
        }
        w.commit().await?;
        Ok(run)
    }

    /// [`App::run_alerts`] for callers whose own work is done (an import,
    /// the scheduler): a failure is logged, not returned.
    pub async fn run_alerts_logged(&self, after: &str) {
        match self.run_alerts().await {
            Ok(r) if r.total_raised() > 0 => {
                tracing::info!(after, raised = r.total_raised(), "alerts raised");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(after, error = %e, "the alert rules failed"),
        }
    }

    /// What `actor` may see of each alert, in order. The cases the alerts
    /// name are checked against the actor's read filter together, in one
    /// query for the whole page.
    async fn alert_views(
        &self,
        actor: &Actor,
        alerts: Vec<AlertRecord>,
    ) -> Result<Vec<AlertView>, AppError> {
        let ids_of = |a: &AlertRecord| -> Vec<RecordId> {
            a.case_ids.iter().filter_map(|s| s.parse().ok()).collect()
        };
        let all: Vec<RecordId> = alerts.iter().flat_map(ids_of).collect();
        let readable: BTreeMap<RecordId, String> =
            if !all.is_empty() && actor.may(dcis_domain::role::Permission::ReadRecords) {
                let filter = self.readable_filter(actor).await?;
                self.store
                    .readable_case_references(&filter, &all)
                    .await?
                    .into_iter()
                    .collect()
            } else {
                BTreeMap::new()
            };
        Ok(alerts
            .into_iter()
            .map(|mut a| {
                let ids = ids_of(&a);
                let mut readable_cases: Vec<(RecordId, String)> = ids
                    .iter()
                    .filter_map(|id| readable.get(id).map(|r| (*id, r.clone())))
                    .collect();
                let d = disclosure(a.case_count, ids.len(), readable_cases.len());
                if d == Disclosure::Withheld {
                    a.figures = serde_json::Value::Null;
                    a.case_ids.clear();
                    a.subject = subject_without_case(&a.subject);
                    readable_cases.clear();
                }
                AlertView {
                    alert: a,
                    disclosure: d,
                    readable_cases,
                }
            })
            .collect())
    }

    /// The alerts `actor` may see (analysis permission; their provinces'
    /// alerts, national ones with a national scope), newest first.
    pub async fn alerts(
        &self,
        actor: &Actor,
        filter: &AlertFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AlertView>, i64), AppError> {
        let scope = AlertScope::of(actor)?;
        let (rows, total) = self.store.alerts(&scope, filter, limit, offset).await?;
        Ok((self.alert_views(actor, rows).await?, total))
    }

    /// One alert; "not found" outside the actor's scope.
    pub async fn alert(&self, actor: &Actor, id: AlertId) -> Result<AlertView, AppError> {
        let scope = AlertScope::of(actor)?;
        let a = self
            .store
            .alert(&scope, id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.alert_views(actor, vec![a])
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    }

    /// Acknowledges an open alert the actor may see (audited). An alert
    /// acknowledged already is a conflict naming who did it first.
    pub async fn acknowledge_alert(
        &self,
        actor: &Actor,
        id: AlertId,
    ) -> Result<AlertView, AppError> {
        let scope = AlertScope::of(actor)?;
        if self.store.alert(&scope, id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let mut w = self.write_as(actor).await?;
        let done = w.acknowledge_alert(id, actor.user).await?;
        w.commit().await?;
        if !done {
            return Err(AppError::Conflict {
                field: "alert",
                key: "err-alert-acknowledged",
            });
        }
        self.alert(actor, id).await
    }

    /// How many open alerts the actor sees, up to [`OPEN_ALERTS_COUNTED`]
    /// and then [`OpenAlerts::MoreThan`] it (the navigation's badge);
    /// `None` without the analysis permission (no badge).
    pub async fn open_alert_count(&self, actor: &Actor) -> Result<Option<OpenAlerts>, AppError> {
        match AlertScope::of(actor) {
            Ok(scope) => {
                let n = self
                    .store
                    .count_open_alerts(&scope, OPEN_ALERTS_COUNTED + 1)
                    .await?;
                Ok(Some(if n > OPEN_ALERTS_COUNTED {
                    OpenAlerts::MoreThan(OPEN_ALERTS_COUNTED)
                } else {
                    OpenAlerts::Exactly(n)
                }))
            }
            Err(_) => Ok(None),
        }
    }
}
