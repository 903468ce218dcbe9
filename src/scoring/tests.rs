//! One table of cases per numbered rule of docs/rules.md, and the properties.

use std::collections::HashMap;

use jiff::civil::Date;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::domain::{Assessment, Ballots, Consequence, Grade, Outcome};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn scheme() -> Scheme {
    Scheme::default_scheme()
}

/// Items scaled so that Q is `q` (every item at the same fraction of its max,
/// the remainder on the first item), with one decimal each.
fn with_q(q: &str) -> Assessment {
    let s = scheme();
    let q = d(q);
    let mut items = std::collections::BTreeMap::new();
    let mut left = q;
    for item in s.items() {
        let share = (item.max * q / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::ToZero);
        items.insert(item.name.clone(), share);
        left -= share;
    }
    // Put the remainder where it fits.
    for item in s.items() {
        let v = items.get_mut(&item.name).unwrap();
        let room = item.max - *v;
        let add = room.min(left);
        *v += add;
        left -= add;
    }
    assert!(left.is_zero(), "cannot reach Q {q}");
    Assessment {
        items: items.into_iter().collect(),
        grade: Some(Grade::Good),
        ballots: Ballots {
            satisfied: 20,
            basically: 0,
            dissatisfied: 0,
            unknown: 0,
        },
        ..Assessment::default()
    }
}

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

const YEAR: i16 = 2024;
fn veteran() -> Date {
    date(2015, 5, 1)
}

fn figures(a: &Assessment) -> Figures {
    evaluate(&scheme(), a, veteran(), YEAR)
        .figures()
        .cloned()
        .expect("complete")
}

#[test]
fn rule_1_q_is_the_sum_of_item_scores() {
    for q in ["0", "55.5", "87.3", "100"] {
        assert_eq!(figures(&with_q(q)).quantitative, d(q));
    }
}

#[test]
fn rule_2_o_is_the_grade_points() {
    for (grade, points) in [
        (Grade::Good, 100),
        (Grade::FairlyGood, 85),
        (Grade::Average, 70),
        (Grade::Poor, 50),
    ] {
        let mut a = with_q("80");
        a.grade = Some(grade);
        assert_eq!(figures(&a).organizational, Decimal::from(points));
    }
}

#[test]
fn rule_3_mass_is_the_ballot_mean_rounded_half_up() {
    let cases = [
        // 满意, 基本满意, 不满意, 不了解, M
        (20, 0, 0, 0, "100"),
        (10, 10, 0, 5, "80"),
        (1, 7, 0, 0, "65"),   // (100 + 420) / 8 = 65
        (3, 0, 5, 0, "37.5"), // 300 / 8
        (1, 0, 7, 0, "12.5"),
        (5, 0, 3, 0, "62.5"),
        (1, 1, 6, 0, "20"),    // 160 / 8
        (1, 0, 15, 0, "6.25"), // 100 / 16
        (3, 0, 37, 0, "7.5"),  // 300 / 40
        (11, 0, 29, 0, "27.5"),
        (1, 0, 39, 0, "2.5"),   // 100/40
        (1, 0, 79, 0, "1.25"),  // 100/80 = 1.25
        (1, 0, 159, 0, "0.63"), // 100/160 = 0.625 → half-up 0.63
        (3, 0, 157, 0, "1.88"), // 300/160 = 1.875 → 1.88
        (2, 1, 0, 0, "86.67"),  // 260/3 = 86.666…
        (1, 2, 0, 0, "73.33"),  // 220/3 = 73.333…
    ];
    for (s, b, n, u, m) in cases {
        let mut a = with_q("80");
        a.ballots = Ballots {
            satisfied: s,
            basically: b,
            dissatisfied: n,
            unknown: u,
        };
        let mut sch = scheme();
        sch.ballots.min_ballots = 1;
        let f = evaluate(&sch, &a, veteran(), YEAR)
            .figures()
            .cloned()
            .unwrap();
        assert_eq!(f.mass, d(m), "{s}/{b}/{n}");
    }
}

#[test]
fn rule_3_fewer_ballots_than_the_minimum_is_incomplete_not_zero() {
    let mut a = with_q("80");
    a.ballots = Ballots {
        satisfied: 5,
        basically: 4,
        dissatisfied: 0,
        unknown: 30,
    };
    let e = evaluate(&scheme(), &a, veteran(), YEAR);
    assert_eq!(
        e,
        Evaluation::Incomplete(vec![Missing::Ballots { valid: 9, min: 10 }])
    );
    a.ballots.dissatisfied = 1;
    assert!(evaluate(&scheme(), &a, veteran(), YEAR).figures().is_some());
}

#[test]
fn rule_4_base_is_the_weighted_sum_kept_exact() {
    let mut a = with_q("87.3");
    a.grade = Some(Grade::FairlyGood);
    a.ballots = Ballots {
        satisfied: 2,
        basically: 1,
        dissatisfied: 0,
        unknown: 0,
    };
    let mut sch = scheme();
    sch.ballots.min_ballots = 1;
    let f = evaluate(&sch, &a, veteran(), YEAR)
        .figures()
        .cloned()
        .unwrap();
    // 0.6 × 87.3 + 0.2 × 85 + 0.2 × 86.67 = 52.38 + 17 + 17.334
    assert_eq!(f.weighted, [d("52.38"), d("17"), d("17.334")]);
    assert_eq!(f.base, d("86.714"));
    assert_eq!(f.total, d("86.71"));
}

#[test]
fn rule_5_bonus_is_capped_and_penalty_is_not() {
    let cases = [
        ("3", "0", "3", "0"),
        ("5", "0", "5", "0"),
        ("6.5", "0", "5", "0"),
        ("0", "12.5", "0", "12.5"),
    ];
    for (bonus, penalty, x, y) in cases {
        let mut a = with_q("80");
        a.bonus = d(bonus);
        a.penalty = d(penalty);
        let f = figures(&a);
        assert_eq!((f.bonus, f.penalty), (d(x), d(y)));
        assert_eq!(f.bonus_claimed, d(bonus));
    }
}

#[test]
fn rule_6_total_is_never_negative_and_rounded_half_up() {
    let mut a = with_q("10");
    a.grade = Some(Grade::Poor);
    a.ballots = Ballots {
        satisfied: 0,
        basically: 0,
        dissatisfied: 20,
        unknown: 0,
    };
    a.penalty = d("30");
    assert_eq!(figures(&a).total, Decimal::ZERO);

    // base = 0.6 × 80.1 + 20 + 0.2 × 86.67 = 48.06 + 20 + 17.334 = 85.394 → 85.39
    let mut a = with_q("80.1");
    a.ballots = Ballots {
        satisfied: 20,
        basically: 10,
        dissatisfied: 0,
        unknown: 0,
    };
    assert_eq!(figures(&a).total, d("85.39"));
    // M = 62.5 → 0.2 × 62.5 = 12.5; Q 80.1 → 48.06; O 85 → 17: 77.56
    // A half at the third decimal: Q 80.05 is impossible (one decimal), so use M:
    // M = 0.63 (0.625 up) → 0.126; Q 100 → 60; O 100 → 20: 80.126 → 80.13
    let mut a = with_q("100");
    a.ballots = Ballots {
        satisfied: 1,
        basically: 0,
        dissatisfied: 159,
        unknown: 0,
    };
    assert_eq!(figures(&a).total, d("80.13"));
}

#[test]
fn rule_7_result_by_thresholds_and_veto() {
    // Q alone moves the total: total = 0.6 Q + 40 with grade 好 and all 满意.
    let cases = [
        ("83.4", "90.04", Outcome::Excellent),
        ("83.3", "89.98", Outcome::Pass),
        ("50", "70", Outcome::Pass),
        ("49.9", "69.94", Outcome::BasicPass),
        ("33.4", "60.04", Outcome::BasicPass),
        ("33.3", "59.98", Outcome::Fail),
    ];
    for (q, total, outcome) in cases {
        let f = figures(&with_q(q));
        assert_eq!((f.total, f.outcome), (d(total), outcome), "Q {q}");
    }
    let mut exact = with_q("100");
    exact.penalty = d("10");
    assert_eq!(
        figures(&exact).outcome,
        Outcome::Excellent,
        "exactly 90 is 优秀"
    );
    let mut vetoed = with_q("100");
    vetoed.veto_reason = "违反换届纪律".into();
    let f = figures(&vetoed);
    assert_eq!(
        (f.total, f.outcome, f.stars),
        (d("100"), Outcome::Fail, Some(0))
    );
}

#[test]
fn rule_8_stars_by_thresholds() {
    let at = |total: &str| {
        // total = 0.6 Q + 40 − penalty; Q 100 gives 100.
        let mut a = with_q("100");
        a.penalty = Decimal::ONE_HUNDRED - d(total);
        figures(&a)
    };
    let cases = [
        ("100", Some(5)),
        ("95", Some(5)),
        ("94.9", Some(4)),
        ("90", Some(4)),
        ("89.9", Some(3)),
        ("80", Some(3)),
        ("79.9", Some(2)),
        ("70", Some(2)),
        ("69.9", Some(1)),
        ("65", Some(1)),
        ("64.9", Some(0)), // 基本合格 between 60 and 65 is 0★
        ("60", Some(0)),
        ("59.9", Some(0)),
    ];
    for (total, stars) in cases {
        let f = at(total);
        assert_eq!(f.total, d(total));
        assert_eq!(f.stars, stars, "total {total}");
    }
    assert_eq!(at("64.9").outcome, Outcome::BasicPass);
    assert_eq!(at("64.9").basis, StarBasis::BelowAll);
    assert_eq!(at("59.9").basis, StarBasis::Fail);
}

/// A district where candidate `i` has the given total (Q carries the differences).
fn district(totals: &[(&str, &str)]) -> (Vec<Assessment>, Vec<Date>) {
    // (total, Q): total = 0.6 Q + 0.2 O + 20 with all 满意; O chosen to reach total.
    let mut out = Vec::new();
    for (total, q) in totals {
        let mut a = with_q(q);
        let base = d("0.6") * d(q) + d("40");
        // Adjust with bonus or penalty to land exactly on the total.
        let diff = d(total) - base;
        if diff >= Decimal::ZERO {
            a.bonus = diff;
        } else {
            a.penalty = -diff;
        }
        out.push(a);
    }
    let dates = vec![veteran(); out.len()];
    (out, dates)
}

fn rate(
    assessments: &[Assessment],
    dates: &[Date],
    previous: &HashMap<u32, Rating>,
) -> Vec<Rating> {
    let candidates: Vec<Candidate> = assessments
        .iter()
        .zip(dates)
        .enumerate()
        .map(|(i, (a, t))| Candidate {
            secretary: i as u32,
            took_office: *t,
            assessment: a,
        })
        .collect();
    rate_year(&scheme(), YEAR, &candidates, previous)
}

fn filler(n: usize) -> Vec<(&'static str, &'static str)> {
    vec![("75", "60"); n]
}

#[test]
fn rule_9_quota_demotes_the_lowest_ranked() {
    // 40 rated: 5★ at most 2, 4★+5★ at most 6.
    let mut rows = vec![("99", "98"), ("98", "97"), ("97", "96"), ("96", "95")];
    rows.extend(filler(36));
    let (a, t) = district(&rows);
    let r = rate(&a, &t, &HashMap::new());
    let stars: Vec<_> = r[..4].iter().map(|r| r.stars).collect();
    assert_eq!(stars, [Some(5), Some(5), Some(4), Some(4)]);
    assert_eq!(r[2].quota_drop, Some(QuotaDrop { from: 5, to: 4 }));
    assert_eq!(
        r[2].evaluation.figures().unwrap().outcome,
        Outcome::Excellent,
        "result unchanged"
    );
}

#[test]
fn rule_9_ranks_by_total_then_q_then_m() {
    // 20 rated: 5★ quota 1. Equal totals; the higher Q keeps 5★.
    let mut rows = vec![("96", "90"), ("96", "93")];
    rows.extend(filler(18));
    let (a, t) = district(&rows);
    let r = rate(&a, &t, &HashMap::new());
    assert_eq!((r[0].stars, r[1].stars), (Some(4), Some(5)));
}

#[test]
fn rule_9_a_straddling_tie_group_drops_whole_and_can_drop_two_levels() {
    // 40 rated: 5★ ≤ 2, 4★+5★ ≤ 6.
    // 5★ candidates: one at 99, three tied at 97 → the tie straddles place 2: all three drop.
    // 4★ room = 6 − 1 = 5: the three dropped plus 4★ ones at 93, 92, 91 (tied pair at 91).
    let mut rows = vec![
        ("99", "98"),
        ("97", "95"),
        ("97", "95"),
        ("97", "95"),
        ("93", "90"),
        ("92", "90"),
        ("91", "90"),
        ("91", "90"),
    ];
    rows.extend(filler(32));
    let (a, t) = district(&rows);
    let r = rate(&a, &t, &HashMap::new());
    let stars: Vec<_> = r[..8].iter().map(|r| r.stars.unwrap()).collect();
    // Kept at 5★: 1, place empty. 4★ room 5: three 97s, 93, 92 → 5; the 91 pair drops.
    assert_eq!(stars, [5, 4, 4, 4, 4, 4, 3, 3]);

    // Now with room for fewer: 4★ room is 5, and 5 tied at 97 → one 99 kept, the five 97s
    // fit exactly: a tie group that fits is kept.
    let mut rows = vec![("99", "98")];
    rows.extend(vec![("97", "95"); 6]);
    rows.extend(filler(33));
    let (a, t) = district(&rows);
    let r = rate(&a, &t, &HashMap::new());
    // 5★ quota 2: the six 97s straddle (1 + 6 > 2) and drop; 4★ room 5 < 6: they drop again.
    let stars: Vec<_> = r[..7].iter().map(|r| r.stars.unwrap()).collect();
    assert_eq!(stars, [5, 3, 3, 3, 3, 3, 3]);
    assert_eq!(r[1].quota_drop, Some(QuotaDrop { from: 5, to: 3 }));
}

#[test]
fn rule_9_n_counts_eligible_complete_only() {
    // 19 rated + 1 not eligible → N = 19, 5★ quota floor(0.95) = 0.
    let mut rows = vec![("96", "93")];
    rows.extend(filler(19));
    let (mut a, mut t) = district(&rows);
    t[19] = date(2024, 1, 1);
    a.push(Assessment::default()); // incomplete, not counted
    t.push(veteran());
    let r = rate(&a, &t, &HashMap::new());
    assert_eq!(r.iter().filter(|r| r.rated()).count(), 19);
    assert_eq!(r[0].stars, Some(4));
    // With the 20th eligible, N = 20 and the 5★ place exists.
    t[19] = date(2023, 12, 31);
    let r = rate(&a, &t, &HashMap::new());
    assert_eq!(r[0].stars, Some(5));
}

#[test]
fn rule_10_eligibility_boundary() {
    let s = scheme();
    assert!(eligible(&s, date(2022, 12, 31), 2023));
    assert!(!eligible(&s, date(2023, 1, 1), 2023));
    let a = with_q("100");
    let f = evaluate(&s, &a, date(2023, 1, 1), 2023)
        .figures()
        .cloned()
        .unwrap();
    assert_eq!(
        (f.stars, f.basis, f.total),
        (None, StarBasis::NotEligible, d("100"))
    );
}

#[test]
fn rule_11_pay_follows_stars_with_the_fail_cap() {
    let cases = [
        // penalty to reach the total, took office, stars, coefficient, pay
        ("0", veteran(), Some(5), "1.50", "18000"),
        ("8", veteran(), Some(4), "1.30", "15600"),
        ("15", veteran(), Some(3), "1.00", "12000"),
        ("25", veteran(), Some(2), "0.90", "10800"),
        ("32", veteran(), Some(1), "0.80", "9600"),
        ("38", veteran(), Some(0), "0.60", "7200"),
        ("45", veteran(), Some(0), "0.50", "6000"), // 不合格
        ("0", date(2024, 6, 1), None, "1.00", "12000"), // 未定星
        ("45", date(2024, 6, 1), None, "0.50", "6000"), // 未定星 + 不合格
    ];
    for (penalty, took, stars, coefficient, pay) in cases {
        let mut a = with_q("100");
        a.penalty = d(penalty);
        let r = rate(&[a], &[took], &HashMap::new()).remove(0);
        // A district of one: quotas are 0, so 5★ and 4★ would drop; test pay on a scheme
        // without quota limits.
        let _ = r;
        let mut sch = scheme();
        sch.quota.five_pct = Decimal::ONE_HUNDRED;
        sch.quota.four_and_five_pct = Decimal::ONE_HUNDRED;
        let mut a = with_q("100");
        a.penalty = d(penalty);
        let c = [Candidate {
            secretary: 1,
            took_office: took,
            assessment: &a,
        }];
        let r = rate_year(&sch, YEAR, &c, &HashMap::<u32, Rating>::new()).remove(0);
        assert_eq!(r.stars, stars, "penalty {penalty}");
        assert_eq!(r.coefficient, Some(d(coefficient)));
        assert_eq!(r.pay, Some(d(pay)));
    }
    // Half-up to whole yuan: base 12345 × 0.90 = 11110.5 → 11111.
    let mut sch = scheme();
    sch.pay.base = d("12345");
    let mut a = with_q("100");
    a.penalty = d("25");
    let c = [Candidate {
        secretary: 1,
        took_office: veteran(),
        assessment: &a,
    }];
    let r = rate_year(&sch, YEAR, &c, &HashMap::<u32, Rating>::new()).remove(0);
    assert_eq!(r.pay, Some(d("11111")));
    // Incomplete: no pay line.
    let c = [Candidate {
        secretary: 1,
        took_office: veteran(),
        assessment: &Assessment::default(),
    }];
    let r = rate_year(&sch, YEAR, &c, &HashMap::<u32, Rating>::new()).remove(0);
    assert_eq!((r.pay, r.coefficient, r.stars), (None, None, None));
}

#[test]
fn rule_12_and_13_consequences_and_star_change() {
    let mut sch = scheme();
    sch.quota.five_pct = Decimal::ONE_HUNDRED;
    sch.quota.four_and_five_pct = Decimal::ONE_HUNDRED;
    let one = |penalty: &str, took: Date, previous: &HashMap<u32, Rating>| {
        let mut a = with_q("100");
        a.penalty = d(penalty);
        let c = [Candidate {
            secretary: 7,
            took_office: took,
            assessment: &a,
        }];
        rate_year(&sch, YEAR, &c, previous).remove(0)
    };
    let none = HashMap::new();
    let five = one("0", veteran(), &none);
    assert_eq!(
        (five.consequence, five.change),
        (Some(Consequence::Promote), Some(StarChange::New))
    );
    assert_eq!(
        one("8", veteran(), &none).consequence,
        Some(Consequence::Promote)
    );
    assert_eq!(one("15", veteran(), &none).consequence, None);
    assert_eq!(
        one("32", veteran(), &none).consequence,
        Some(Consequence::Admonish)
    );
    assert_eq!(
        one("45", date(2024, 3, 1), &none).consequence,
        Some(Consequence::Admonish),
        "未定星 不合格 is low"
    );
    assert_eq!(
        one("0", date(2024, 3, 1), &none).change,
        None,
        "未定星 has no change"
    );

    let last_year_low = HashMap::from([(7, one("32", veteran(), &none))]);
    let r = one("38", veteran(), &last_year_low);
    assert_eq!(
        (r.consequence, r.change),
        (Some(Consequence::Replace), Some(StarChange::Delta(-1)))
    );
    let r = one("8", veteran(), &last_year_low);
    assert_eq!(
        (r.consequence, r.change),
        (Some(Consequence::Promote), Some(StarChange::Delta(3)))
    );
    assert_eq!(r.change.unwrap().label(), "+3");
    let last_year_unrated = HashMap::from([(7, one("0", date(2024, 3, 1), &none))]);
    assert_eq!(
        one("15", veteran(), &last_year_unrated).change,
        Some(StarChange::New)
    );
    let same = HashMap::from([(7, one("15", veteran(), &none))]);
    assert_eq!(one("15", veteran(), &same).change.unwrap().label(), "0");
}

#[test]
fn explanation_names_the_cap_the_quota_and_the_veto() {
    let mut rows = vec![("99", "98"), ("98", "97")];
    rows.extend(filler(18));
    let (mut a, t) = district(&rows);
    a[0].bonus = d("6.5");
    a[0].penalty = d("1.5"); // 58.8 + 40 + 5 − 1.5 = 102.3?
    let r = rate(&a, &t, &HashMap::new());
    let sch = scheme();
    let text: Vec<String> = explain(&sch, &a[1], &r[1], 20)
        .iter()
        .map(|l| l.detail.clone())
        .collect();
    assert!(text.iter().any(|l| l.contains("由5星调为4星")), "{text:?}");
    assert_eq!(remarks(&sch, &a[1], &r[1]), "名额限制,由5星调为4星");
    assert!(remarks(&sch, &a[0], &r[0]).contains("加分6.5超过上限,按5计"));
    let mut v = with_q("90");
    v.veto_reason = "违反换届纪律".into();
    let rv = rate(&[v.clone()], &[veteran()], &HashMap::new()).remove(0);
    assert_eq!(remarks(&sch, &v, &rv), "一票否决:违反换届纪律");
}

fn arb_assessment() -> impl Strategy<Value = (Assessment, bool)> {
    let s = scheme();
    let maxima: Vec<(String, i64)> = s
        .items()
        .map(|i| (i.name.clone(), (i.max * Decimal::TEN).try_into().unwrap()))
        .collect();
    let items = maxima
        .into_iter()
        .map(|(name, max)| (0..=max).prop_map(move |v| (name.clone(), Decimal::new(v, 1))))
        .collect::<Vec<_>>();
    (
        items,
        0usize..4,
        (0u32..40, 0u32..40, 0u32..40),
        0i64..120,
        0i64..400,
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.9),
    )
        .prop_map(|(items, g, (s, b, n), bonus, penalty, veto, eligible)| {
            let a = Assessment {
                items: items.into_iter().collect(),
                grade: Some(Grade::ALL[g]),
                ballots: Ballots {
                    satisfied: s + 10,
                    basically: b,
                    dissatisfied: n,
                    unknown: 0,
                },
                bonus: Decimal::new(bonus, 1),
                penalty: Decimal::new(penalty, 1),
                veto_reason: if veto { "否决".into() } else { String::new() },
                ..Assessment::default()
            };
            (a, eligible)
        })
}

proptest! {
    #[test]
    fn total_is_never_negative_and_the_explanation_adds_up((a, _) in arb_assessment()) {
        let sch = scheme();
        let r = rate(std::slice::from_ref(&a), &[veteran()], &HashMap::new()).remove(0);
        let f = r.evaluation.figures().unwrap();
        prop_assert!(f.total >= Decimal::ZERO);
        let parts: Decimal = explain(&sch, &a, &r, 1).iter().filter_map(|l| l.part).sum();
        prop_assert_eq!(round_half_up(parts.max(Decimal::ZERO), 2), f.total);
    }

    #[test]
    fn quotas_are_never_exceeded(district in prop::collection::vec(arb_assessment(), 1..80)) {
        let sch = scheme();
        let (a, eligible): (Vec<_>, Vec<_>) = district.into_iter().unzip();
        let dates: Vec<Date> = eligible.iter().map(|&e| if e { veteran() } else { date(2024, 2, 1) }).collect();
        let r = rate(&a, &dates, &HashMap::new());
        let n = r.iter().filter(|r| r.rated()).count();
        let (five, four_five) = quota_limits(&sch, n);
        prop_assert!(r.iter().filter(|r| r.stars == Some(5)).count() <= five);
        prop_assert!(r.iter().filter(|r| r.stars >= Some(4)).count() <= four_five);
        // Stars never rise when a total falls, quotas included: a lower total never has
        // more stars than a higher one (a veto is 0★ whatever its total).
        for x in &r {
            for y in &r {
                if let (Some(fx), Some(fy), Some(sx), Some(sy)) =
                    (x.evaluation.figures(), y.evaluation.figures(), x.stars, y.stars)
                    && fx.total < fy.total
                    && !fy.vetoed
                {
                    prop_assert!(sx <= sy, "{} has {}★ but {} has {}★", fx.total, sx, fy.total, sy);
                }
            }
        }
    }

    #[test]
    fn stars_never_rise_when_the_total_falls((a, _) in arb_assessment(), cut in 1i64..200) {
        let before = figures(&a);
        let mut lower = a.clone();
        lower.penalty += Decimal::new(cut, 1);
        let after = figures(&lower);
        prop_assert!(after.total <= before.total);
        prop_assert!(after.stars <= before.stars);
    }
}

/// A rated key with `stars` before the quotas, its total in that star's band; totals,
/// Q and M come from a few values, so that ties are common.
fn quota_key(rng: &mut crate::demo::generated::Rng) -> Option<QuotaKey> {
    let stars = match rng.below(8) {
        0 => return None,
        1 => {
            return Some(QuotaKey {
                rank: [d("91"), d("50"), d("90")].map(Hundredths::of),
                stars: None,
                eligible: false,
            });
        }
        k => Some((k as u8).min(5)),
    };
    let band = Decimal::from(50 + 10 * u32::from(stars.unwrap_or(0)));
    let step = |rng: &mut crate::demo::generated::Rng| Decimal::from(rng.below(3));
    Some(QuotaKey {
        rank: [band + step(rng), d("40") + step(rng), d("80") + step(rng)].map(Hundredths::of),
        stars,
        eligible: true,
    })
}

#[test]
fn the_kept_quota_lines_give_what_ranking_everyone_gives() {
    let scheme = scheme();
    let mut rng = crate::demo::generated::Rng::new(7);
    let mut keys: Vec<Option<QuotaKey>> = (0..300).map(|_| quota_key(&mut rng)).collect();
    let mut quotas = Quotas::new(&keys[..]);
    let mut drops = 0;
    for step in 0..600 {
        let everyone = quota_stars(&scheme, &keys[..]);
        for (i, stars) in everyone.iter().enumerate() {
            assert_eq!(
                quotas.stars(&scheme, i, keys[i]),
                *stars,
                "step {step}, key {i}"
            );
        }
        drops += everyone
            .iter()
            .zip(&keys)
            .filter(|(after, key)| **after < key.and_then(|k| k.stars))
            .count();
        assert_eq!(
            quotas.rated(),
            keys.iter().flatten().filter(|k| k.eligible).count()
        );
        let i = rng.below(keys.len());
        let new = quota_key(&mut rng);
        quotas.update(i, keys[i], new);
        keys[i] = new;
    }
    // The quotas did drop people, so the lines were tried.
    assert!(drops > 600, "{drops}");
}

#[test]
fn what_is_kept_of_a_rating_is_what_finishing_it_keeps() {
    let scheme = scheme();
    let mut rng = crate::demo::generated::Rng::new(3);
    let took = Date::new(2010, 1, 1).unwrap();
    let mut seen_low = (false, false);
    for k in 0..400 {
        let mut assessment = crate::demo::generated::assessment(&scheme, &mut rng);
        match k % 5 {
            0 => assessment.veto_reason = "违纪".into(),
            1 => assessment = Assessment::default(),
            _ => {}
        }
        let evaluation = evaluate(&scheme, &assessment, took, 2025);
        for stars in [None, Some(0), Some(1), Some(2), Some(3), Some(4), Some(5)] {
            let kept = Past::of(&scheme, &evaluation, stars);
            let whole = finish(&scheme, 1, evaluation.clone(), stars, None);
            assert_eq!(kept, Past::from(&whole), "{assessment:?} {stars:?}");
            if kept.complete {
                seen_low = (seen_low.0 || kept.low, seen_low.1 || !kept.low);
            }
        }
    }
    assert_eq!(seen_low, (true, true));
}

#[test]
fn the_quotas_rank_figures_in_hundredths_as_the_figures_rank() {
    let figures = [
        "0",
        "0.01",
        "0.1",
        "0.10",
        "59.99",
        "60",
        "60.00",
        "60.005",
        "99.5",
        "100",
        "1100.00",
        "214748.36",
    ]
    .map(d);
    for a in figures {
        for b in figures {
            // Exact to two places: the same order, the same value back.
            if a.scale() <= 2 && b.scale() <= 2 {
                assert_eq!(
                    Hundredths::of(a).cmp(&Hundredths::of(b)),
                    a.cmp(&b),
                    "{a} {b}"
                );
            }
        }
        assert_eq!(Hundredths::of(a).value(), round_half_up(a, 2), "{a}");
    }
    // What no entry can hold is ranked as its nearest hundredth, not refused.
    assert_eq!(Hundredths::of(d("60.005")), Hundredths::of(d("60.01")));
    assert_eq!(Hundredths::of(d("100000000")), Hundredths(i32::MAX));
}

#[test]
fn pasts_are_found_by_secretary_whatever_order_they_came_in() {
    let past = |stars: u8| Past {
        stars: Some(stars),
        low: stars < 2,
        complete: true,
    };
    let pasts: Pasts = [(9, past(1)), (2, past(5)), (7, past(3)), (2, past(4))]
        .into_iter()
        .collect();
    assert_eq!(pasts.len(), 3, "a secretary given twice is held once");
    assert_eq!(pasts.get(&2), Some(past(4)), "the last given stands");
    assert_eq!(pasts.past_of(9), Some(past(1)));
    assert_eq!(pasts.get(&8), None);
    let ids: Vec<u32> = pasts.iter().map(|(id, _)| id).collect();
    assert_eq!(ids, [2, 7, 9]);
    // What rates a year against it: as a map of the same ratings would.
    let map: HashMap<u32, Past> = pasts.iter().collect();
    for id in 0..12 {
        assert_eq!(pasts.past_of(id), map.past_of(id));
    }
}

#[test]
fn pasts_with_stars_no_rating_gives_are_read_back_as_they_were() {
    // An altered file's 9 stars do not fit a byte: held as pairs, read back whole.
    let odd = Past {
        stars: Some(9),
        low: true,
        complete: true,
    };
    let plain = Past {
        stars: None,
        low: false,
        complete: false,
    };
    let pasts: Pasts = [(1, odd), (2, plain), (3, odd)].into_iter().collect();
    assert_eq!(pasts.get(&1), Some(odd));
    assert_eq!(pasts.get(&2), Some(plain));
    assert_eq!(pasts.iter().count(), 3);
}

#[test]
fn pasts_of_ids_in_a_row_are_held_by_place_and_read_as_the_pairs() {
    let past = |id: u32| Past {
        stars: (!id.is_multiple_of(3)).then_some((id % 6) as u8),
        low: id.is_multiple_of(4),
        complete: !id.is_multiple_of(5),
    };
    // Ids 100..=140 but 105 and 131: few gaps, held by place.
    let ids: Vec<u32> = (100..=140).filter(|id| ![105, 131].contains(id)).collect();
    let pasts: Pasts = ids.iter().rev().map(|&id| (id, past(id))).collect();
    assert!(matches!(pasts.0, PastsBy::Dense { first: 100, .. }));
    assert_eq!(pasts.len(), ids.len());
    for id in 0..200 {
        let want = ids.contains(&id).then(|| past(id));
        assert_eq!(pasts.get(&id), want, "id {id}");
    }
    let pairs: Vec<(u32, Past)> = ids.iter().map(|&id| (id, past(id))).collect();
    assert_eq!(pasts.iter().collect::<Vec<_>>(), pairs);
    // The same pasts held as pairs are equal, and both are sent alike.
    let sorted = Pasts(PastsBy::Sorted(pairs.clone()));
    assert_eq!(pasts, sorted);
    let sent = postcard::to_allocvec(&pasts).unwrap();
    assert_eq!(sent, postcard::to_allocvec(&pairs).unwrap());
    let back: Pasts = postcard::from_bytes(&sent).unwrap();
    assert_eq!(back, pasts);
    assert!(matches!(back.0, PastsBy::Dense { .. }));
}

#[test]
fn a_years_quota_keys_read_back_as_kept_narrow_or_wide() {
    let mut rng = crate::demo::generated::Rng::new(11);
    let mut keys: Vec<Option<QuotaKey>> = (0..200).map(|_| quota_key(&mut rng)).collect();
    keys.push(Some(QuotaKey {
        rank: [d("-327.68"), d("327.67"), d("0")].map(Hundredths::of),
        stars: Some(0),
        eligible: true,
    }));
    let mut kept: QuotaKeys = keys.iter().copied().collect();
    assert!(matches!(kept, QuotaKeys::Narrow(_)));
    assert_eq!(kept.iter().collect::<Vec<_>>(), keys);

    // A total past what two bytes hold (only an altered file's): every key kept wide.
    let far = Some(QuotaKey {
        rank: [d("400"), d("50"), d("90")].map(Hundredths::of),
        stars: Some(5),
        eligible: true,
    });
    kept.insert(3, far);
    keys.insert(3, far);
    kept.set(0, None);
    keys[0] = None;
    assert!(matches!(kept, QuotaKeys::Wide(_)));
    assert_eq!(kept.iter().collect::<Vec<_>>(), keys);
    assert_eq!(
        quota_stars(&scheme(), &kept),
        quota_stars(&scheme(), &keys[..])
    );
}
