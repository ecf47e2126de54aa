//! The early-warning rules on data made here: each rule finds what was
//! planted and stays quiet on clean data, and rule (a)'s false-alarm rate
//! over seasonal, growing synthetic series is at or below the designed
//! rate (`docs/alerts.md`). The generator is this file's own (a seeded
//! SplitMix64 with Poisson and log-normal draws), independent of the code
//! under test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dcis_domain::alert::*;
use dcis_domain::geo::ProvinceCode;
use std::collections::BTreeMap;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    /// Poisson by inversion (λ up to a few hundred).
    fn poisson(&mut self, lambda: f64) -> i64 {
        let u = self.uniform();
        let (mut k, mut p) = (0i64, (-lambda).exp());
        let mut cdf = p;
        while u > cdf && k < 10_000 {
            k += 1;
            p *= lambda / k as f64;
            cdf += p;
        }
        k
    }
}

fn m(s: &str) -> Month {
    Month::parse(s).unwrap()
}

fn p(code: &str) -> ProvinceCode {
    ProvinceCode::parse(code).unwrap()
}

/// A seasonal series with growth: the expected number of cases in month
/// `i` (0 = the first month).
fn lambda(base: f64, i: i32, growth: f64) -> f64 {
    let season = 1.0 + 0.5 * (2.0 * std::f64::consts::PI * f64::from(i % 12 - 2) / 12.0).cos();
    base * season * growth.powf(f64::from(i) / 12.0)
}

/// One series' months: (cases, grams, tablets) per month, `months` long.
fn simulate(rng: &mut Rng, base: f64, growth: f64, months: i32) -> Vec<(i64, f64, f64)> {
    (0..months)
        .map(|i| {
            let n = rng.poisson(lambda(base, i, growth));
            let (mut g, mut t) = (0.0, 0.0);
            for _ in 0..n {
                // Heavy-tailed amounts: log-normal grams and tablets.
                g += (5.0 + 1.2 * rng.normal()).exp();
                if rng.uniform() < 0.6 {
                    t += (7.0 + 1.2 * rng.normal()).exp().round();
                }
            }
            (n, g, t)
        })
        .collect()
}

#[test]
fn false_alarm_rate_of_rule_a_is_within_design() {
    let mut rng = Rng(20_260_501);
    let settings = RiseSettings::default();
    let first = m("2020-01");
    let months = 60;
    let (mut tests, mut alarms) = ([0u64; 3], [0u64; 3]);
    for s in 0..600 {
        let base = 4.0 + f64::from(s % 40) * 1.5;
        let growth = [0.8, 1.0, 1.15, 1.3][s as usize % 4];
        let data = simulate(&mut rng, base, growth, months);
        for (mi, measure) in Measure::WATCHED.into_iter().enumerate() {
            let value = |mo: Month| {
                let i = (mo.index() - first.index()) as usize;
                data.get(i)
                    .map(|c| match measure {
                        Measure::Cases => c.0 as f64,
                        Measure::Grams => c.1,
                        _ => c.2,
                    })
                    .unwrap_or(0.0)
            };
            // The last two years: every month has a full baseline.
            for i in 36..months {
                let t = first.plus(i);
                if measure == Measure::Cases && data[i as usize].0 < settings.min_cases {
                    continue;
                }
                if let Some(r) = rise_test(measure, value, first, t, &settings) {
                    tests[mi] += 1;
                    alarms[mi] += u64::from(r.fires);
                }
            }
        }
    }
    for (mi, measure) in Measure::WATCHED.into_iter().enumerate() {
        let rate = alarms[mi] as f64 / tests[mi] as f64;
        eprintln!(
            "{measure:?}: {} alarms in {} months tested ({rate:.5})",
            alarms[mi], tests[mi]
        );
        assert!(tests[mi] > 10_000, "{measure:?}: too few tests");
        assert!(
            rate <= RISE_ALPHA,
            "{measure:?}: false-alarm rate {rate} above the designed {RISE_ALPHA}"
        );
    }
}

/// Series for `rise_alerts` from simulated months.
fn series_of(
    what: SeriesOf,
    data: &[(i64, f64, f64)],
    first: Month,
) -> BTreeMap<(SeriesOf, Measure), BTreeMap<Month, Cell>> {
    let mut out = BTreeMap::new();
    for measure in Measure::WATCHED {
        let cells = data
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let value = match measure {
                    Measure::Cases => c.0 as f64,
                    Measure::Grams => c.1,
                    _ => c.2,
                };
                (first.plus(i as i32), Cell { value, cases: c.0 })
            })
            .collect();
        out.insert((what.clone(), measure), cells);
    }
    out
}

#[test]
fn rule_a_finds_a_planted_burst_and_nothing_else_in_that_series() {
    let first = m("2021-01");
    let mut rng = Rng(7);
    let mut data = simulate(&mut rng, 20.0, 1.1, 48);
    // The planted burst: July 2024 gets four times its expected cases,
    // each with the usual amounts.
    let burst = 42usize;
    let expected = lambda(20.0, burst as i32, 1.1);
    let extra = (expected * 3.0).round() as i64;
    data[burst].0 += extra;
    data[burst].1 *= 4.0;
    data[burst].2 *= 4.0;
    let series = series_of(SeriesOf::Province(p("05")), &data, first);
    let found = rise_alerts(&series, first, first.plus(47), &RiseSettings::default());
    let cases: Vec<_> = found
        .iter()
        .filter(|c| c.subject == "province=05;measure=cases")
        .collect();
    assert_eq!(cases.len(), 1, "{found:#?}");
    assert_eq!(cases[0].period, "2024-07");
    assert_eq!(cases[0].province, Some(p("05")));
    assert_eq!(cases[0].rule, AlertRule::Rise);
    let observed = cases[0].figures["observed"].as_f64().unwrap();
    assert_eq!(observed, data[burst].0 as f64);
    let exp = cases[0].figures["expected"].as_f64().unwrap();
    assert!(
        exp > expected * 0.6 && exp < expected * 1.4,
        "expected {exp} vs true {expected}"
    );
    assert!(found.iter().all(|c| c.period == "2024-07"), "{found:#?}");
}

#[test]
fn rule_a_is_quiet_on_a_flat_series_and_needs_history() {
    let first = m("2021-01");
    // Exactly the same every month: nothing fires.
    let data = vec![(10, 5000.0, 20_000.0); 48];
    let series = series_of(SeriesOf::Substance("KETAMINE".into()), &data, first);
    assert!(rise_alerts(&series, first, first.plus(47), &RiseSettings::default()).is_empty());
    // A jump in the second year: too little history to say.
    let mut young = vec![(10, 5000.0, 20_000.0); 18];
    young[17] = (80, 50_000.0, 200_000.0);
    let series = series_of(SeriesOf::Substance("KETAMINE".into()), &young, first);
    assert!(rise_alerts(&series, first, first.plus(17), &RiseSettings::default()).is_empty());
    // The same jump with three years behind it fires on all three measures,
    // and the substance's alerts are national.
    let mut old = vec![(10, 5000.0, 20_000.0); 40];
    old[39] = (80, 50_000.0, 200_000.0);
    let series = series_of(SeriesOf::Substance("KETAMINE".into()), &old, first);
    let found = rise_alerts(&series, first, first.plus(39), &RiseSettings::default());
    let mut subjects: Vec<_> = found.iter().map(|c| c.subject.as_str()).collect();
    subjects.sort();
    assert_eq!(
        subjects,
        vec![
            "substance=KETAMINE;measure=cases",
            "substance=KETAMINE;measure=grams",
            "substance=KETAMINE;measure=tablets"
        ]
    );
    assert!(found
        .iter()
        .all(|c| c.province.is_none() && c.period == "2024-04"));
}

#[test]
fn rule_a_does_not_report_a_rise_of_a_few_cases() {
    let first = m("2021-01");
    let mut data = vec![(0, 0.0, 0.0); 40];
    for (i, d) in data.iter_mut().enumerate() {
        d.0 = i64::from(i % 7 == 0);
    }
    data[39].0 = 4;
    let series = series_of(SeriesOf::Province(p("01")), &data, first);
    assert!(rise_alerts(&series, first, first.plus(39), &RiseSettings::default()).is_empty());
}

fn seen(kind: FirstSeenKind, value: &str, province: &str, month: &str, cases: i64) -> FirstSeen {
    FirstSeen {
        kind,
        value: value.into(),
        label: value.to_lowercase(),
        province: p(province),
        month: m(month),
        cases,
    }
}

#[test]
fn rule_b_new_in_a_province_and_in_the_country() {
    let firsts: BTreeMap<_, _> = [(p("01"), m("2020-01")), (p("03"), m("2023-06"))]
        .into_iter()
        .collect();
    let seen = vec![
        // Known from the start everywhere: nothing.
        seen(FirstSeenKind::Substance, "METH_TABLET", "01", "2020-01", 9),
        seen(FirstSeenKind::Substance, "METH_TABLET", "03", "2023-06", 2),
        // New in province 01 in 2022, already known in 03? No: 03 only
        // started in 2023, so it is new in the country in 2022.
        seen(FirstSeenKind::Substance, "KETAMINE", "01", "2022-03", 1),
        // Seen in 03 during its learning year: no provincial alert.
        seen(FirstSeenKind::Substance, "KETAMINE", "03", "2023-09", 1),
        // A logo new to 03 after its learning year, and to the country.
        seen(FirstSeenKind::Logo, "wy", "01", "2020-02", 5),
        seen(FirstSeenKind::Logo, "999", "03", "2024-07", 2),
        seen(FirstSeenKind::Logo, "wy", "03", "2024-08", 1),
        // A form in the national learning year: nothing at all.
        seen(FirstSeenKind::Form, "liquid", "01", "2020-11", 1),
    ];
    let mut found: Vec<(String, String, Option<ProvinceCode>, i64)> =
        first_seen_alerts(&seen, &firsts, m("2020-01"))
            .into_iter()
            .map(|c| (c.subject, c.period, c.province, c.case_count))
            .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("national;logo=999".into(), "2024-07".into(), None, 2),
            (
                "national;substance=KETAMINE".into(),
                "2022-03".into(),
                None,
                1
            ),
            (
                "province=01;substance=KETAMINE".into(),
                "2022-03".into(),
                Some(p("01")),
                1
            ),
            (
                "province=03;logo=999".into(),
                "2024-07".into(),
                Some(p("03")),
                2
            ),
            (
                "province=03;logo=wy".into(),
                "2024-08".into(),
                Some(p("03")),
                1
            ),
        ]
    );
}

#[test]
fn rule_c_uses_each_groups_threshold_and_never_mixes_units() {
    let t = LargeSeizureThresholds::default();
    let group = |code: &str| {
        dcis_domain::substance::Taxonomy::global()
            .get(code)
            .map(|s| s.group().to_owned())
    };
    let s = |case: &str, sub: &str, g: Option<f64>, tab: Option<i64>, ml: Option<f64>| Seizure {
        case: case.into(),
        province: p("05"),
        month: m("2024-03"),
        substance: sub.into(),
        grams: g,
        tablets: tab,
        millilitres: ml,
    };
    let seizures = vec![
        // 999,999 yaba tablets (99 kg): below the ATS limits of
        // 1,000,000 tablets and 100 kg.
        s("a", "METH_TABLET", Some(99_000.0), Some(999_999), None),
        // 1,000,000 tablets: at the limit.
        s("b", "METH_TABLET", None, Some(1_000_000), None),
        // 19.999 kg heroin: below 20 kg; 20 kg: at it.
        s("c", "HEROIN", Some(19_999.0), None, None),
        s("d", "HEROIN", Some(20_000.0), None, None),
        // 6 kg cocaine: above 5 kg.
        s("e", "COCAINE", Some(6_000.0), None, None),
        // 500 kg of cannabis herb: below a tonne.
        s("f", "CANNABIS_HERB", Some(500_000.0), None, None),
        // 200 L of a Table I precursor (ephedrine code) would fire; an
        // unknown substance code never does.
        s("g", "NOT_A_CODE", Some(1e9), None, None),
    ];
    let found = large_seizure_alerts(&seizures, &t, group);
    let cases: Vec<_> = found
        .iter()
        .map(|c| {
            (
                c.subject.rsplit('=').next().unwrap().to_owned(),
                c.figures["measure"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        cases,
        vec![
            ("b".to_owned(), "tablets".to_owned()),
            ("d".to_owned(), "grams".to_owned()),
            ("e".to_owned(), "grams".to_owned()),
        ]
    );
    assert_eq!(found[0].province, Some(p("05")));
    assert_eq!(found[0].period, "2024-03");
    assert_eq!(found[0].figures["threshold"].as_f64(), Some(1_000_000.0));
    // Every group of the taxonomy that is weighed has a limit in grams.
    for sub in dcis_domain::substance::Taxonomy::global().all() {
        let weighed = sub
            .allowed_units()
            .iter()
            .any(|u| u.dimension() == dcis_domain::quantity::Dimension::Mass);
        if weighed && !sub.group().contains("cultivation") && sub.group() != "hallucinogens" {
            assert!(
                t.of(sub.group()).0.is_some(),
                "no limit for {}",
                sub.group()
            );
        }
    }
}

#[test]
fn rule_d_new_routes_after_the_learning_year() {
    let r = |kind, from: &str, to: &str, month: &str| RouteSeen {
        kind,
        from: from.into(),
        to: to.into(),
        month: m(month),
        cases: 1,
    };
    let routes = vec![
        r(RouteKind::Country, "MM", "TH", "2020-02"),
        r(RouteKind::Country, "MM", "VN", "2023-05"),
        r(RouteKind::Province, "LA-BK", "TH-57", "2020-03"),
        r(RouteKind::Province, "LA-BK", "TH-38", "2022-01"),
    ];
    let found: Vec<(String, String)> = route_alerts(&routes, m("2020-01"))
        .into_iter()
        .map(|c| (c.subject, c.period))
        .collect();
    assert_eq!(
        found,
        vec![
            ("country=MM>VN".to_owned(), "2023-05".to_owned()),
            ("province=LA-BK>TH-38".to_owned(), "2022-01".to_owned()),
        ]
    );
    assert!(route_alerts(&routes, m("2023-01")).is_empty());
}
