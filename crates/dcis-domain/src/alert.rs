//! Early warnings: the rules that raise alerts, as pure functions over
//! monthly aggregates the store computes (`docs/alerts.md`).
//!
//! Four rules, one function each:
//!
//! - [`rise_alerts`] (rule a): a month's figure of a province or a
//!   substance far above its seasonal baseline, by a prediction interval
//!   on a variance-stabilised scale;
//! - [`first_seen_alerts`] (rule b): a substance, form or tablet logo seen
//!   for the first time in the country or in a province;
//! - [`large_seizure_alerts`] (rule c): one seizure above its drug group's
//!   threshold ([`LargeSeizureThresholds`]);
//! - [`route_alerts`] (rule d): a route (origin country to destination
//!   country, or origin to destination province) never seen before.
//!
//! Each returns [`Candidate`]s; the application stores those it has not
//! stored before (an alert is identified by rule, subject and period, so
//! running the rules again on the same data raises nothing new).

use crate::geo::ProvinceCode;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Which rule raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertRule {
    /// (a) A significant rise against the seasonal baseline.
    Rise,
    /// (b) A substance never seen before in the area.
    NewSubstance,
    /// (b) A form never seen before in the area.
    NewForm,
    /// (b) A tablet logo never seen before in the area.
    NewLogo,
    /// (c) A single seizure above its group's threshold.
    LargeSeizure,
    /// (d) A route never seen before.
    NewRoute,
}

impl AlertRule {
    pub const ALL: [AlertRule; 6] = [
        Self::Rise,
        Self::NewSubstance,
        Self::NewForm,
        Self::NewLogo,
        Self::LargeSeizure,
        Self::NewRoute,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Rise => "rise",
            Self::NewSubstance => "new_substance",
            Self::NewForm => "new_form",
            Self::NewLogo => "new_logo",
            Self::LargeSeizure => "large_seizure",
            Self::NewRoute => "new_route",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// What a figure counts. Never summed across kinds: tablets are not grams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Number of cases.
    Cases,
    /// Seized mass, in grams (weighed items, and counted items with a
    /// weight per unit).
    Grams,
    /// Tablets and capsules, counted.
    Tablets,
    /// Seized volume, in millilitres (liquids; rule c only).
    Millilitres,
}

impl Measure {
    /// The measures rule (a) watches.
    pub const WATCHED: [Measure; 3] = [Self::Cases, Self::Grams, Self::Tablets];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Cases => "cases",
            Self::Grams => "grams",
            Self::Tablets => "tablets",
            Self::Millilitres => "millilitres",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Cases, Self::Grams, Self::Tablets, Self::Millilitres]
            .into_iter()
            .find(|m| m.as_str() == s)
    }

    /// Counts of events (cases) are tested on the square-root scale,
    /// amounts on the log scale.
    fn is_count_of_cases(&self) -> bool {
        matches!(self, Self::Cases)
    }
}

/// A month as `year * 12 + (month - 1)`: consecutive months differ by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month(i32);

impl Month {
    /// Parses `YYYY-MM` (what `substr(occurred_on, 1, 7)` gives).
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let y: i32 = y.parse().ok()?;
        let m: i32 = m.parse().ok()?;
        (1..=12).contains(&m).then_some(Month(y * 12 + m - 1))
    }

    pub fn plus(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    pub fn index(self) -> i32 {
        self.0
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}",
            self.0.div_euclid(12),
            self.0.rem_euclid(12) + 1
        )
    }
}

/// The area an alert concerns: a province, or the whole country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    National,
    Province(ProvinceCode),
}

impl Area {
    pub fn province(&self) -> Option<ProvinceCode> {
        match self {
            Self::National => None,
            Self::Province(p) => Some(*p),
        }
    }

    fn key(&self) -> String {
        match self {
            Self::National => "national".to_owned(),
            Self::Province(p) => format!("province={}", p.as_str()),
        }
    }
}

/// An alert the rules found, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub rule: AlertRule,
    /// The province it concerns; `None` for a national alert.
    pub province: Option<ProvinceCode>,
    /// What it is about, as `key=value` pairs joined by `;` in a fixed
    /// order (`province=03;measure=cases`, `substance=KETAMINE`…): with
    /// the rule and the period, the alert's identity.
    pub subject: String,
    /// The month, `YYYY-MM`.
    pub period: String,
    /// The figures that made it fire (observed, expected, threshold…).
    pub figures: serde_json::Value,
    /// How many cases are behind the figures.
    pub case_count: i64,
}

/// The pairs of a subject key, in order.
pub fn subject_pairs(subject: &str) -> Vec<(&str, &str)> {
    subject
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .collect()
}

/// The SHA-256 (hex) of an alert's subject, figures and case ids (as
/// stored): what its audit entry records in their place.
pub fn digest(subject: &str, figures: &str, case_ids: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [subject, figures, case_ids] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

// ---------------------------------------------------------------------
// Rule (a): rise against the seasonal baseline.

/// One cell of a monthly series: the figure of a month and how many
/// cases it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cell {
    pub value: f64,
    pub cases: i64,
}

/// What a series is of: a province or a substance (nationally), and a
/// measure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SeriesOf {
    Province(ProvinceCode),
    Substance(String),
}

/// The settings of rule (a).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiseSettings {
    /// How many earlier years make the baseline (at most).
    pub years: i32,
    /// The fewest baseline months needed to test a month at all.
    pub min_baseline: usize,
    /// The fewest cases a month needs before a rise in the number of cases
    /// is reported (a rise from 1 to 4 cases is not a warning).
    pub min_cases: i64,
}

impl Default for RiseSettings {
    fn default() -> Self {
        Self {
            years: 3,
            min_baseline: 6,
            min_cases: 5,
        }
    }
}

/// The designed false-alarm rate of rule (a): the probability that a
/// month of a series with no real change fires (one-sided).
pub const RISE_ALPHA: f64 = 0.001;

/// The standard normal's 99.9th percentile (one-sided 0.001).
pub const Z_999: f64 = 3.090_232;

/// The 99.9th percentile of Student's t with `df` degrees of freedom
/// (one-sided 0.001), from the standard tables; beyond 30, the normal
/// value 3.090 is approached and 30's value is kept (conservative).
pub fn t_999(df: usize) -> f64 {
    const T: [f64; 30] = [
        318.309, 22.327, 10.215, 7.173, 5.893, 5.208, 4.785, 4.501, 4.297, 4.144, 4.025, 3.930,
        3.852, 3.787, 3.733, 3.686, 3.646, 3.610, 3.579, 3.552, 3.527, 3.505, 3.485, 3.467, 3.450,
        3.435, 3.421, 3.408, 3.396, 3.385,
    ];
    T[df.clamp(1, 30) - 1]
}

/// The outcome of testing one month of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct RiseTest {
    pub observed: f64,
    /// The baseline's centre, back on the measure's scale.
    pub expected: f64,
    /// The smallest figure that fires, on the measure's scale.
    pub threshold: f64,
    /// The level of the last twelve months over that of the twelve months
    /// before the previous year's window (the latest year's growth).
    pub trend: f64,
    /// The baseline months (trend-adjusted), on the measure's scale.
    pub baseline: Vec<f64>,
    pub fires: bool,
}

fn transform(m: Measure, x: f64) -> f64 {
    if m.is_count_of_cases() {
        (x + 0.375).sqrt()
    } else {
        x.ln_1p()
    }
}

fn untransform(m: Measure, y: f64) -> f64 {
    if m.is_count_of_cases() {
        (y * y - 0.375).max(0.0)
    } else {
        y.exp_m1().max(0.0)
    }
}

/// Tests month `t` of a series (`value(month)` gives a month's figure, zero
/// for months without data; `first` is the first month with data of any
/// kind, before which nothing is known). `None` when there is not enough
/// history.
pub fn rise_test(
    measure: Measure,
    value: impl Fn(Month) -> f64,
    first: Month,
    t: Month,
    settings: &RiseSettings,
) -> Option<RiseTest> {
    // The trend: each earlier year's window is scaled by the level of the
    // twelve months before `t` over the level of the twelve months before
    // that year's window (the same alignment, so growth and decline are
    // carried over without bias); a year without a full level, or with
    // none, is left out.
    let level = |end: Month| (1..=12).map(|i| value(end.plus(-i))).sum::<f64>();
    let now = level(t);
    let mut baseline = Vec::new();
    let mut factors = Vec::new();
    for k in 1..=settings.years {
        let centre = t.plus(-12 * k);
        if centre.plus(-12) < first {
            break;
        }
        let then = level(centre);
        if then <= 0.0 || now <= 0.0 {
            continue;
        }
        let factor = (now / then).clamp(0.25, 4.0);
        factors.push(factor);
        for d in -1..=1 {
            baseline.push(value(centre.plus(d)) * factor);
        }
    }
    let trend = if factors.is_empty() { 1.0 } else { factors[0] };
    if baseline.len() < settings.min_baseline {
        return None;
    }
    // An amount is tested only where it is established: every baseline
    // month had some, or the log scale would call any seizure a rise.
    if !measure.is_count_of_cases() && baseline.iter().any(|v| *v <= 0.0) {
        return None;
    }
    let n = baseline.len() as f64;
    let observed = value(t);
    let (expected, threshold, fires) = if measure.is_count_of_cases() {
        // Quasi-Poisson: the expected count is the baseline's mean; its
        // spread is Poisson's, widened by the overdispersion the baseline
        // shows (never narrowed), and by the uncertainty of the mean. The
        // test is on the square-root (Anscombe) scale, where a Poisson
        // count has a standard deviation of 1/2.
        let mu = baseline.iter().sum::<f64>() / n;
        let var = baseline.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0);
        let phi = if mu > 0.0 { (var / mu).max(1.0) } else { 1.0 };
        let sd = 0.5 * (phi * (1.0 + 1.0 / n)).sqrt();
        let q = if phi > 1.0 {
            t_999(baseline.len() - 1)
        } else {
            Z_999
        };
        let limit = (mu + 0.375).sqrt() + q * sd;
        (
            mu,
            untransform(measure, limit),
            transform(measure, observed) > limit,
        )
    } else {
        // Amounts: a prediction interval for a new month on the log
        // scale, with Student's t for a standard deviation estimated from
        // the baseline itself.
        let ys: Vec<f64> = baseline.iter().map(|v| transform(measure, *v)).collect();
        let mean = ys.iter().sum::<f64>() / n;
        let var = ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let sd = var.sqrt().max(std::f64::consts::LN_2 / 2.0);
        let limit = mean + t_999(ys.len() - 1) * sd * (1.0 + 1.0 / n).sqrt();
        (
            untransform(measure, mean),
            untransform(measure, limit),
            transform(measure, observed) > limit,
        )
    };
    Some(RiseTest {
        observed,
        expected,
        threshold,
        trend,
        baseline,
        fires,
    })
}

/// Rule (a) over every series: each month from the first testable one to
/// `last`. `series` maps (what, measure) to its months; `first` is the
/// first month with any case in the installation.
pub fn rise_alerts(
    series: &BTreeMap<(SeriesOf, Measure), BTreeMap<Month, Cell>>,
    first: Month,
    last: Month,
    settings: &RiseSettings,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for ((of, measure), cells) in series {
        let value = |m: Month| cells.get(&m).map(|c| c.value).unwrap_or(0.0);
        // The first month with two earlier years and a year before them.
        let mut t = first.plus(36);
        while t <= last {
            let cell = cells.get(&t).copied().unwrap_or_default();
            if cell.value > 0.0 && !(measure.is_count_of_cases() && cell.cases < settings.min_cases)
            {
                if let Some(r) = rise_test(*measure, value, first, t, settings) {
                    if r.fires {
                        let (province, subject) = match of {
                            SeriesOf::Province(p) => (
                                Some(*p),
                                format!("province={};measure={}", p.as_str(), measure.as_str()),
                            ),
                            SeriesOf::Substance(s) => {
                                (None, format!("substance={s};measure={}", measure.as_str()))
                            }
                        };
                        out.push(Candidate {
                            rule: AlertRule::Rise,
                            province,
                            subject,
                            period: t.to_string(),
                            figures: json!({
                                "measure": measure.as_str(),
                                "observed": round3(r.observed),
                                "expected": round3(r.expected),
                                "threshold": round3(r.threshold),
                                "trend": round3(r.trend),
                                "baseline": r.baseline.iter().map(|v| round3(*v)).collect::<Vec<_>>(),
                                "alpha": RISE_ALPHA,
                            }),
                            case_count: cell.cases,
                        });
                    }
                }
            }
            t = t.plus(1);
        }
    }
    out
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

// ---------------------------------------------------------------------
// Rule (b): first seen.

/// What rule (b) watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FirstSeenKind {
    Substance,
    Form,
    Logo,
}

impl FirstSeenKind {
    pub const ALL: [FirstSeenKind; 3] = [Self::Substance, Self::Form, Self::Logo];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Substance => "substance",
            Self::Form => "form",
            Self::Logo => "logo",
        }
    }

    fn rule(&self) -> AlertRule {
        match self {
            Self::Substance => AlertRule::NewSubstance,
            Self::Form => AlertRule::NewForm,
            Self::Logo => AlertRule::NewLogo,
        }
    }
}

/// The first month a value was seen in a province, with how many cases
/// had it that month. `label` is how it is shown (a logo as written).
#[derive(Debug, Clone, PartialEq)]
pub struct FirstSeen {
    pub kind: FirstSeenKind,
    /// The comparison key (a substance code, a form code, a logo's key).
    pub value: String,
    pub label: String,
    pub province: ProvinceCode,
    pub month: Month,
    pub cases: i64,
}

/// How long an area must have data before "never seen before" means
/// anything: the first twelve months of an area's data are learning.
pub const LEARNING_MONTHS: i32 = 12;

/// Rule (b): for each value first seen in a province after that
/// province's learning year, a provincial alert; for each value first
/// seen in the country after the country's learning year, a national
/// alert. `province_first` is each province's first month with a case;
/// `national_first` the country's.
pub fn first_seen_alerts(
    seen: &[FirstSeen],
    province_first: &BTreeMap<ProvinceCode, Month>,
    national_first: Month,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    // The national first month of each value, and the cases of that month
    // across the provinces that saw it then.
    let mut national: BTreeMap<(FirstSeenKind, &str), (Month, i64, &str)> = BTreeMap::new();
    for s in seen {
        let e =
            national
                .entry((s.kind, s.value.as_str()))
                .or_insert((s.month, 0, s.label.as_str()));
        if s.month < e.0 {
            *e = (s.month, s.cases, s.label.as_str());
        } else if s.month == e.0 {
            e.1 += s.cases;
        }
        let Some(start) = province_first.get(&s.province) else {
            continue;
        };
        if s.month >= start.plus(LEARNING_MONTHS) {
            out.push(first_seen(
                s.kind,
                &s.value,
                &s.label,
                Area::Province(s.province),
                s.month,
                s.cases,
                *start,
            ));
        }
    }
    for ((kind, value), (month, cases, label)) in national {
        if month >= national_first.plus(LEARNING_MONTHS) {
            out.push(first_seen(
                kind,
                value,
                label,
                Area::National,
                month,
                cases,
                national_first,
            ));
        }
    }
    out
}

fn first_seen(
    kind: FirstSeenKind,
    value: &str,
    label: &str,
    area: Area,
    month: Month,
    cases: i64,
    since: Month,
) -> Candidate {
    Candidate {
        rule: kind.rule(),
        province: area.province(),
        subject: format!("{};{}={value}", area.key(), kind.as_str()),
        period: month.to_string(),
        figures: json!({
            "value": value,
            "label": label,
            "first_seen": month.to_string(),
            "data_since": since.to_string(),
            "cases": cases,
        }),
        case_count: cases,
    }
}

// ---------------------------------------------------------------------
// Rule (c): single large seizures.

/// A seizure (the items of one substance in one case, summed per
/// measure) that rule (c) looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct Seizure {
    pub case: String,
    pub province: ProvinceCode,
    pub month: Month,
    pub substance: String,
    pub grams: Option<f64>,
    pub tablets: Option<i64>,
    pub millilitres: Option<f64>,
}

/// The thresholds of rule (c): per drug group (the taxonomy's `group`),
/// a limit in grams, tablets and millilitres; a seizure at or above any of
/// them fires. One table, documented in `docs/alerts.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct LargeSeizureThresholds {
    pub rows: Vec<ThresholdRow>,
}

/// One drug group's limits; `None`: not watched in that measure.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdRow {
    pub group: String,
    pub grams: Option<f64>,
    pub tablets: Option<i64>,
    pub millilitres: Option<f64>,
}

impl Default for LargeSeizureThresholds {
    fn default() -> Self {
        let r = |g: &str, kg: Option<f64>, tablets: Option<i64>, l: Option<f64>| ThresholdRow {
            group: g.to_owned(),
            grams: kg.map(|k| k * 1000.0),
            tablets,
            millilitres: l.map(|l| l * 1000.0),
        };
        Self {
            rows: vec![
                r(
                    "amphetamine-type stimulants",
                    Some(100.0),
                    Some(1_000_000),
                    Some(100.0),
                ),
                r("ecstasy-type (ATS)", Some(10.0), Some(100_000), None),
                r("opioids/opiates", Some(20.0), None, None),
                r(
                    "opioids/pharmaceutical",
                    Some(10.0),
                    Some(100_000),
                    Some(100.0),
                ),
                r("cocaine-type", Some(5.0), None, None),
                r("cannabis-type", Some(1000.0), None, Some(100.0)),
                r("NPS / other (anaesthetic)", Some(100.0), None, Some(100.0)),
                r("mixtures", Some(50.0), None, Some(500.0)),
                r("sedatives/tranquillizers", Some(10.0), Some(100_000), None),
                r("NPS", Some(10.0), Some(100_000), None),
                r("plant-based / other", Some(1000.0), None, Some(1000.0)),
                r("other", Some(100.0), None, Some(100.0)),
                r("precursors/Table I", Some(1000.0), None, Some(1000.0)),
                r("precursors/Table II", Some(10_000.0), None, Some(10_000.0)),
                r(
                    "precursors/not scheduled",
                    Some(10_000.0),
                    None,
                    Some(10_000.0),
                ),
            ],
        }
    }
}

impl LargeSeizureThresholds {
    /// The limits of a group: (grams, tablets, millilitres).
    pub fn of(&self, group: &str) -> (Option<f64>, Option<i64>, Option<f64>) {
        self.rows
            .iter()
            .find(|r| r.group == group)
            .map(|r| (r.grams, r.tablets, r.millilitres))
            .unwrap_or((None, None, None))
    }

    /// The smallest limit of each measure over all groups: a seizure below
    /// all three cannot fire, so the store need not return it.
    pub fn minimum(&self) -> (f64, i64, f64) {
        let g = self
            .rows
            .iter()
            .filter_map(|r| r.grams)
            .fold(f64::INFINITY, f64::min);
        let t = self
            .rows
            .iter()
            .filter_map(|r| r.tablets)
            .min()
            .unwrap_or(i64::MAX);
        let m = self
            .rows
            .iter()
            .filter_map(|r| r.millilitres)
            .fold(f64::INFINITY, f64::min);
        (g, t, m)
    }
}

/// Rule (c): each seizure at or above its group's threshold in some
/// measure; `group` gives a substance code's group.
pub fn large_seizure_alerts(
    seizures: &[Seizure],
    thresholds: &LargeSeizureThresholds,
    group: impl Fn(&str) -> Option<String>,
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for s in seizures {
        let Some(g) = group(&s.substance) else {
            continue;
        };
        let (lg, lt, lm) = thresholds.of(&g);
        let hit = [
            (Measure::Grams, s.grams, lg),
            (
                Measure::Tablets,
                s.tablets.map(|t| t as f64),
                lt.map(|t| t as f64),
            ),
            (Measure::Millilitres, s.millilitres, lm),
        ]
        .into_iter()
        .find_map(|(m, v, l)| match (v, l) {
            (Some(v), Some(l)) if v >= l => Some((m, v, l)),
            _ => None,
        });
        if let Some((measure, observed, threshold)) = hit {
            out.push(Candidate {
                rule: AlertRule::LargeSeizure,
                province: Some(s.province),
                subject: format!(
                    "province={};substance={};case={}",
                    s.province.as_str(),
                    s.substance,
                    s.case
                ),
                period: s.month.to_string(),
                figures: json!({
                    "substance": s.substance,
                    "group": g,
                    "measure": measure.as_str(),
                    "observed": round3(observed),
                    "threshold": round3(threshold),
                }),
                case_count: 1,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------
// Rule (d): new routes.

/// A route kind: between countries, or between provinces (ISO 3166-2
/// subdivisions, of any country).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RouteKind {
    Country,
    Province,
}

impl RouteKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Country => "country",
            Self::Province => "province",
        }
    }
}

/// The first month a route was seen, and its cases that month.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteSeen {
    pub kind: RouteKind,
    pub from: String,
    pub to: String,
    pub month: Month,
    pub cases: i64,
}

/// Rule (d): a route first seen after the country's learning year is a
/// national alert.
pub fn route_alerts(routes: &[RouteSeen], national_first: Month) -> Vec<Candidate> {
    let mut seen = BTreeSet::new();
    routes
        .iter()
        .filter(|r| r.month >= national_first.plus(LEARNING_MONTHS))
        .filter(|r| seen.insert((r.kind, r.from.clone(), r.to.clone())))
        .map(|r| Candidate {
            rule: AlertRule::NewRoute,
            province: None,
            subject: format!("{}={}>{}", r.kind.as_str(), r.from, r.to),
            period: r.month.to_string(),
            figures: json!({
                "kind": r.kind.as_str(),
                "from": r.from,
                "to": r.to,
                "first_seen": r.month.to_string(),
                "data_since": national_first.to_string(),
                "cases": r.cases,
            }),
            case_count: r.cases,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn months_parse_and_print() {
        assert_eq!(m("2024-01").plus(-1).to_string(), "2023-12");
        assert_eq!(m("2024-12").plus(1).to_string(), "2025-01");
        assert!(Month::parse("2024-13").is_none());
        assert!(Month::parse("24-01").is_none());
    }

    #[test]
    fn t_table_reaches_the_normal_value() {
        assert!(t_999(8) > 4.5 && t_999(8) < 4.51);
        assert!(t_999(1000) > 3.09);
    }

    #[test]
    fn subject_pairs_split() {
        assert_eq!(
            subject_pairs("province=03;measure=cases"),
            vec![("province", "03"), ("measure", "cases")]
        );
    }
}
