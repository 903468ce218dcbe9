//! The explanation of every figure (§3): what the secretary's screen shows line by
//! line, and the short 说明 of the report.

use rust_decimal::Decimal;

use super::{Evaluation, Figures, Rating, Scheme, StarBasis, quota_limits};
use crate::domain::{Assessment, Outcome, stars_label};

/// One line of an explanation. `part` is set on the lines whose figures add up to the
/// total before rounding (the three weighted components, + X, − Y).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainLine {
    pub label: &'static str,
    pub detail: String,
    pub part: Option<Decimal>,
}

fn line(label: &'static str, detail: String) -> ExplainLine {
    ExplainLine {
        label,
        detail,
        part: None,
    }
}

/// Show a decimal with at least two places, exact (`57.66`, `17.505`).
pub fn show(value: Decimal) -> String {
    let v = value.normalize();
    if v.scale() < 2 {
        format!("{:.2}", v)
    } else {
        v.to_string()
    }
}

/// The line-by-line explanation of a rating. `rated_count` is N of the year.
pub fn explain(
    scheme: &Scheme,
    assessment: &Assessment,
    rating: &Rating,
    rated_count: usize,
) -> Vec<ExplainLine> {
    let f = match &rating.evaluation {
        Evaluation::Incomplete(missing) => {
            return missing
                .iter()
                .map(|m| line("未完成", m.describe()))
                .collect();
        }
        Evaluation::Complete(f) => f,
    };
    let mut lines = part_lines(scheme, assessment, f);
    lines.push(line("总分", total_detail(f)));
    lines.push(line("考核结果", outcome_detail(scheme, assessment, f)));
    lines.push(line("星级", star_detail(scheme, f)));
    if let Some(drop) = rating.quota_drop {
        let (five, four_five) = quota_limits(scheme, rated_count);
        lines.push(line(
            "名额限制",
            format!(
                "共 {rated_count} 名定星:5星限 {five} 名,4星及以上限 {four_five} 名;由{}星调为{}星",
                drop.from, drop.to
            ),
        ));
    }
    if let Some(pay) = pay_line(scheme, rating, f) {
        lines.push(pay);
    }
    let consequence = match rating.consequence {
        Some(c) => c.label().to_string(),
        None => "无".to_string(),
    };
    lines.push(line("处理意见", consequence));
    lines
}

/// The lines whose figures add up to the total before rounding: the three weighted
/// components, the bonus (+ X) and the penalty (− Y).
fn part_lines(scheme: &Scheme, assessment: &Assessment, f: &Figures) -> Vec<ExplainLine> {
    let w = scheme.weights;
    let b = assessment.ballots;
    let bonus_detail = if f.bonus_claimed > f.bonus {
        format!(
            "+{} (申报 {},封顶 {})",
            show(f.bonus),
            show(f.bonus_claimed),
            show(scheme.bonus.cap)
        )
    } else {
        format!("+{}", show(f.bonus))
    };
    vec![
        ExplainLine {
            label: "定量考核",
            detail: format!(
                "Q {} x {}% = {}",
                show(f.quantitative),
                w.quantitative,
                show(f.weighted[0])
            ),
            part: Some(f.weighted[0]),
        },
        ExplainLine {
            label: "组织评价",
            detail: format!(
                "{} {} x {}% = {}",
                assessment.grade.map_or("", |g| g.label()),
                show(f.organizational),
                w.organizational,
                show(f.weighted[1])
            ),
            part: Some(f.weighted[1]),
        },
        ExplainLine {
            label: "群众评议",
            detail: format!(
                "满意{} 基本满意{} 不满意{} M {} x {}% = {}",
                b.satisfied,
                b.basically,
                b.dissatisfied,
                show(f.mass),
                w.mass,
                show(f.weighted[2])
            ),
            part: Some(f.weighted[2]),
        },
        ExplainLine {
            label: "奖励加分",
            detail: bonus_detail,
            part: Some(f.bonus),
        },
        ExplainLine {
            label: "惩罚减分",
            detail: if f.penalty.is_zero() {
                show(f.penalty)
            } else {
                format!("-{}", show(f.penalty))
            },
            part: Some(-f.penalty),
        },
    ]
}

/// 总分: the sum before rounding, and the rounded total (or 0 below zero).
fn total_detail(f: &Figures) -> String {
    let raw = f.base + f.bonus - f.penalty;
    if raw < Decimal::ZERO {
        format!("{} 低于 0,计 0", show(raw))
    } else {
        format!("{} 四舍五入 = {}", show(raw), show(f.total))
    }
}

/// 考核结果: the veto, or the threshold the total reached.
fn outcome_detail(scheme: &Scheme, assessment: &Assessment, f: &Figures) -> String {
    let r = scheme.result;
    match f.outcome {
        _ if f.vetoed => format!("一票否决({}),不合格", assessment.veto_reason.trim()),
        Outcome::Excellent => format!("总分 >= {},优秀", show(r.excellent)),
        Outcome::Pass => format!("总分 >= {},合格", show(r.pass)),
        Outcome::BasicPass => format!("总分 >= {},基本合格", show(r.basic_pass)),
        Outcome::Fail => format!("总分低于 {},不合格", show(r.basic_pass)),
    }
}

/// 星级: why the stars before quotas are what they are.
fn star_detail(scheme: &Scheme, f: &Figures) -> String {
    match f.basis {
        StarBasis::NotEligible => {
            format!("任职未满{},未定星", years(scheme.eligibility.years_in_post))
        }
        StarBasis::Veto => "一票否决,0星".to_string(),
        StarBasis::Fail => "考核结果不合格,0星".to_string(),
        StarBasis::Threshold(level) => format!(
            "总分 >= {},{}星",
            show(scheme.stars.thresholds[usize::from(5 - level)]),
            level
        ),
        StarBasis::BelowAll => format!("总分低于 {},0星", show(scheme.stars.thresholds[4])),
    }
}

/// 绩效报酬: base times coefficient, when the rating has a pay.
fn pay_line(scheme: &Scheme, rating: &Rating, f: &Figures) -> Option<ExplainLine> {
    let (Some(coefficient), Some(pay)) = (rating.coefficient, rating.pay) else {
        return None;
    };
    let cap = if f.outcome == Outcome::Fail && scheme.coefficient(rating.stars) > coefficient {
        ",不合格封顶"
    } else {
        ""
    };
    Some(line(
        "绩效报酬",
        format!(
            "{} x {}{} = {} 元",
            show(scheme.pay.base),
            show(coefficient),
            cap,
            pay.normalize()
        ),
    ))
}

/// A number of years as written in Chinese text: `一年`, `两年`, … (§5: `任职未满一年`).
pub fn years(n: u32) -> String {
    const DIGITS: [&str; 11] = [
        "零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    match DIGITS.get(n as usize) {
        Some(d) => format!("{d}年"),
        None => format!("{n}年"),
    }
}

/// The report's 说明: what a reader would otherwise ask (§5).
pub fn remarks(scheme: &Scheme, assessment: &Assessment, rating: &Rating) -> String {
    let mut out = Vec::new();
    match &rating.evaluation {
        Evaluation::Incomplete(missing) => {
            out.extend(missing.iter().map(|m| m.describe()));
        }
        Evaluation::Complete(f) => {
            if f.vetoed {
                out.push(format!("一票否决:{}", assessment.veto_reason.trim()));
            }
            if !f.eligible {
                out.push(format!(
                    "任职未满{}",
                    years(scheme.eligibility.years_in_post)
                ));
            }
            if let Some(drop) = rating.quota_drop {
                out.push(format!("名额限制,由{}星调为{}星", drop.from, drop.to));
            }
            if f.bonus_claimed > f.bonus {
                out.push(format!(
                    "加分{}超过上限,按{}计",
                    f.bonus_claimed.normalize(),
                    f.bonus.normalize()
                ));
            }
        }
    }
    out.join(";")
}

/// `stars_label` for a rating: digits, 未定星, or empty when incomplete.
pub fn rating_stars_label(rating: &Rating) -> String {
    match rating.evaluation {
        Evaluation::Incomplete(_) => String::new(),
        Evaluation::Complete(_) => stars_label(rating.stars),
    }
}
