//! The scheme (考核方案): every number of docs/rules.md, read from `data/scheme.toml`.

use std::collections::HashSet;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use thiserror::Error;

use crate::domain::Grade;

/// The default scheme, embedded so that `xingji init` works from any directory.
pub const DEFAULT_SCHEME: &str = include_str!("../../data/scheme.toml");

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SchemeError {
    #[error("考核方案第{line}行:未知的键「{key}」")]
    UnknownKey { line: usize, key: String },
    #[error("考核方案第{line}行:缺少键「{key}」")]
    MissingKey { line: usize, key: String },
    #[error("考核方案第{line}行:{message}")]
    Syntax { line: usize, message: String },
    #[error("考核方案「{key}」:{message}")]
    Invalid { key: String, message: String },
}

/// The largest pay base a scheme may set (元).
const MAX_PAY_BASE: u32 = 10_000_000;
/// The largest pay coefficient.
const MAX_COEFFICIENT: u32 = 100;
/// The largest result or star threshold, and bonus cap.
const MAX_THRESHOLD: u32 = 1_000;

fn invalid(key: &str, message: impl Into<String>) -> SchemeError {
    SchemeError::Invalid {
        key: key.to_string(),
        message: message.into(),
    }
}

/// The fixed columns of the roster and scores files: no item may take one of their names.
pub const RESERVED_COLUMNS: [&str; 17] = [
    "乡镇",
    "村(社区)",
    "姓名",
    "性别",
    "出生日期",
    "任职日期",
    "组织评价",
    "满意",
    "基本满意",
    "不满意",
    "不了解",
    "加分",
    "加分事由",
    "减分",
    "减分事由",
    "否决事由",
    "备注",
];

/// The name of the one indicator that holds a township's own items.
pub const TOWNSHIP_ITEMS: &str = "本乡镇考核项目";

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub name: String,
    pub weights: Weights,
    pub indicators: Vec<Indicator>,
    pub grade_points: GradePoints,
    pub ballots: BallotValues,
    pub bonus: BonusRule,
    pub result: ResultThresholds,
    pub stars: StarRule,
    pub quota: Quota,
    pub eligibility: Eligibility,
    pub pay: Pay,
    pub consequences: Consequences,
    pub publicity: Publicity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub quantitative: u32,
    pub organizational: u32,
    pub mass: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub name: String,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub name: String,
    #[serde(deserialize_with = "decimal")]
    pub max: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradePoints {
    #[serde(rename = "好", deserialize_with = "decimal")]
    pub good: Decimal,
    #[serde(rename = "较好", deserialize_with = "decimal")]
    pub fairly_good: Decimal,
    #[serde(rename = "一般", deserialize_with = "decimal")]
    pub average: Decimal,
    #[serde(rename = "差", deserialize_with = "decimal")]
    pub poor: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotValues {
    #[serde(rename = "满意", deserialize_with = "decimal")]
    pub satisfied: Decimal,
    #[serde(rename = "基本满意", deserialize_with = "decimal")]
    pub basically: Decimal,
    #[serde(rename = "不满意", deserialize_with = "decimal")]
    pub dissatisfied: Decimal,
    pub min_ballots: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BonusRule {
    #[serde(deserialize_with = "decimal")]
    pub cap: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultThresholds {
    #[serde(rename = "优秀", deserialize_with = "decimal")]
    pub excellent: Decimal,
    #[serde(rename = "合格", deserialize_with = "decimal")]
    pub pass: Decimal,
    #[serde(rename = "基本合格", deserialize_with = "decimal")]
    pub basic_pass: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarRule {
    /// Thresholds of 5★, 4★, 3★, 2★, 1★.
    #[serde(deserialize_with = "decimals")]
    pub thresholds: Vec<Decimal>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    #[serde(deserialize_with = "decimal")]
    pub five_pct: Decimal,
    #[serde(deserialize_with = "decimal")]
    pub four_and_five_pct: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    pub years_in_post: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pay {
    #[serde(deserialize_with = "decimal")]
    pub base: Decimal,
    /// Coefficients of 0★ … 5★.
    #[serde(deserialize_with = "decimals")]
    pub coefficients: Vec<Decimal>,
    #[serde(deserialize_with = "decimal")]
    pub unrated: Decimal,
    #[serde(deserialize_with = "decimal")]
    pub fail_cap: Decimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consequences {
    pub promote_min_stars: u8,
    pub low_max_stars: u8,
    pub rectify_days: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publicity {
    pub days: u32,
}

/// A decimal written as a TOML integer, float or string. A float is read through its
/// shortest decimal form (`1.3` is 1.3, not 1.3000000000000000444), so it is exact.
fn decimal<'de, D: Deserializer<'de>>(de: D) -> Result<Decimal, D::Error> {
    to_decimal(toml::Value::deserialize(de)?).map_err(serde::de::Error::custom)
}

fn decimals<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Decimal>, D::Error> {
    Vec::<toml::Value>::deserialize(de)?
        .into_iter()
        .map(to_decimal)
        .collect::<Result<_, _>>()
        .map_err(serde::de::Error::custom)
}

fn to_decimal(value: toml::Value) -> Result<Decimal, String> {
    let text = match &value {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) if f.is_finite() => f.to_string(),
        toml::Value::String(s) => s.trim().to_string(),
        other => return Err(format!("应为数字,而不是 {other}")),
    };
    Decimal::from_str(&text)
        .map(|d| d.normalize())
        .map_err(|_| format!("应为数字,而不是 {text}"))
}

impl Scheme {
    /// Parse and check a scheme. Every problem is named by its key, in Chinese.
    pub fn parse(text: &str) -> Result<Scheme, SchemeError> {
        let scheme: Scheme = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        scheme.validate()?;
        Ok(scheme)
    }

    pub fn default_scheme() -> Scheme {
        Scheme::parse(DEFAULT_SCHEME).expect("the embedded default scheme is valid")
    }

    /// This scheme with a township's own quantitative items in place of the district's
    /// (docs/rules.md §3.1): one indicator, 本乡镇考核项目, holding them. Everything else
    /// (weights, ballots, thresholds, quotas, pay) stays the district's.
    pub fn with_items(&self, items: &[(String, Decimal)]) -> Scheme {
        let mut scheme = self.clone();
        scheme.indicators = vec![Indicator {
            name: TOWNSHIP_ITEMS.to_string(),
            items: items
                .iter()
                .map(|(name, max)| Item {
                    name: name.clone(),
                    max: *max,
                })
                .collect(),
        }];
        scheme
    }

    /// Check a township's own items: names given and unique, maxima positive with at
    /// most one decimal, summing to 100. The problem in Chinese.
    pub fn check_items(items: &[(String, Decimal)]) -> Result<(), String> {
        if items.is_empty() {
            return Err("没有考核项目".to_string());
        }
        let mut names = HashSet::new();
        for (name, max) in items {
            if name.trim().is_empty() {
                return Err("有一项的项目名称为空".to_string());
            }
            if RESERVED_COLUMNS.contains(&name.trim()) {
                return Err(format!(
                    "「{name}」是考核分数文件的固定列名,不能作为考核项目名称"
                ));
            }
            if !names.insert(name.as_str()) {
                return Err(format!("项目「{name}」出现两次"));
            }
            if *max <= Decimal::ZERO || max.scale() > 1 || *max > Decimal::ONE_HUNDRED {
                return Err(format!(
                    "「{name}」的满分 {max} 应为 0 到 100 之间的正数,最多一位小数"
                ));
            }
        }
        let sum: Decimal = items.iter().map(|(_, max)| max).sum();
        if sum != Decimal::ONE_HUNDRED {
            return Err(format!("各项满分之和为 {sum},应为 100"));
        }
        Ok(())
    }

    /// The quantitative items in scheme order (the column order of the scores file).
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.indicators.iter().flat_map(|i| i.items.iter())
    }

    pub fn item(&self, name: &str) -> Option<&Item> {
        self.items().find(|i| i.name == name)
    }

    pub fn grade_points(&self, grade: Grade) -> Decimal {
        let g = &self.grade_points;
        match grade {
            Grade::Good => g.good,
            Grade::FairlyGood => g.fairly_good,
            Grade::Average => g.average,
            Grade::Poor => g.poor,
        }
    }

    /// The pay coefficient of a star level before the 不合格 cap.
    pub fn coefficient(&self, stars: Option<u8>) -> Decimal {
        match stars {
            Some(s) => self.pay.coefficients[usize::from(s.min(5))],
            None => self.pay.unrated,
        }
    }

    /// Check the scheme's figures in a fixed order; the first problem found is reported.
    fn validate(&self) -> Result<(), SchemeError> {
        self.validate_weights_and_items()?;
        self.validate_points()?;
        self.validate_thresholds_and_pay()?;
        self.validate_places()?;
        self.validate_periods()
    }

    /// The three weights add up to 100, and so do the items' maxima; names are unique.
    fn validate_weights_and_items(&self) -> Result<(), SchemeError> {
        let w = self.weights;
        // Summed wide: weights near u32::MAX must not wrap round to 100.
        let sum = u64::from(w.quantitative) + u64::from(w.organizational) + u64::from(w.mass);
        if sum != 100 {
            return Err(invalid("weights", format!("三项权重之和为 {sum},应为 100")));
        }
        let mut names = HashSet::new();
        for indicator in &self.indicators {
            if indicator.items.is_empty() {
                return Err(invalid(
                    "indicators.items",
                    format!("指标「{}」没有考核项目", indicator.name),
                ));
            }
            for item in &indicator.items {
                if item.name.trim().is_empty() || !names.insert(item.name.as_str()) {
                    return Err(invalid(
                        "indicators.items.name",
                        format!("项目名称「{}」为空或重复", item.name),
                    ));
                }
                if item.max <= Decimal::ZERO || item.max.scale() > 1 {
                    return Err(invalid(
                        "indicators.items.max",
                        format!("「{}」的满分 {} 应为正数,最多一位小数", item.name, item.max),
                    ));
                }
            }
        }
        let sum: Decimal = self.items().map(|i| i.max).sum();
        if sum != Decimal::from(100) {
            return Err(invalid(
                "indicators",
                format!("各项满分之和为 {sum},应为 100"),
            ));
        }
        Ok(())
    }

    /// Grade points and ballot values lie in 0–100; at least one ballot; no negative bonus cap.
    fn validate_points(&self) -> Result<(), SchemeError> {
        let hundred = Decimal::from(100);
        let g = self.grade_points;
        for (key, v) in [
            ("好", g.good),
            ("较好", g.fairly_good),
            ("一般", g.average),
            ("差", g.poor),
        ] {
            if v < Decimal::ZERO || v > hundred {
                return Err(invalid(
                    &format!("grade_points.{key}"),
                    format!("{v} 应在 0 到 100 之间"),
                ));
            }
        }
        let b = self.ballots;
        for (key, v) in [
            ("满意", b.satisfied),
            ("基本满意", b.basically),
            ("不满意", b.dissatisfied),
        ] {
            if v < Decimal::ZERO || v > hundred {
                return Err(invalid(
                    &format!("ballots.{key}"),
                    format!("{v} 应在 0 到 100 之间"),
                ));
            }
        }
        if b.min_ballots == 0 {
            return Err(invalid("ballots.min_ballots", "至少为 1"));
        }
        if self.bonus.cap < Decimal::ZERO {
            return Err(invalid("bonus.cap", "不能为负数"));
        }
        Ok(())
    }

    /// Result and star thresholds decrease, quotas are ordered percentages, and the pay
    /// has six coefficients and nothing negative.
    fn validate_thresholds_and_pay(&self) -> Result<(), SchemeError> {
        let r = self.result;
        if !(r.excellent > r.pass && r.pass > r.basic_pass && r.basic_pass >= Decimal::ZERO) {
            return Err(invalid(
                "result",
                format!(
                    "阈值应递减:优秀 {} > 合格 {} > 基本合格 {}",
                    r.excellent, r.pass, r.basic_pass
                ),
            ));
        }
        let t = &self.stars.thresholds;
        if t.len() != 5 || t.windows(2).any(|p| p[0] <= p[1]) || t[4] < Decimal::ZERO {
            return Err(invalid("stars.thresholds", "应为 5 个递减的分数(5星至1星)"));
        }
        let q = self.quota;
        if q.five_pct < Decimal::ZERO
            || q.five_pct > q.four_and_five_pct
            || q.four_and_five_pct > Decimal::from(100)
        {
            return Err(invalid(
                "quota",
                "应满足 0 ≤ five_pct ≤ four_and_five_pct ≤ 100",
            ));
        }
        if self.pay.coefficients.len() != 6 {
            return Err(invalid("pay.coefficients", "应为 6 个系数(0星至5星)"));
        }
        let p = &self.pay;
        if p.base < Decimal::ZERO
            || p.fail_cap < Decimal::ZERO
            || p.unrated < Decimal::ZERO
            || p.coefficients.iter().any(|c| *c < Decimal::ZERO)
        {
            return Err(invalid("pay", "基数和系数不能为负数"));
        }
        // Bounds well above any real scheme keep every product of §3 far from overflow.
        if p.base > Decimal::from(MAX_PAY_BASE) {
            return Err(invalid(
                "pay.base",
                format!("基数 {} 超出范围:应在 0 到 {MAX_PAY_BASE} 元之间", p.base),
            ));
        }
        let coefficient_max = Decimal::from(MAX_COEFFICIENT);
        if let Some(c) = [p.unrated, p.fail_cap]
            .iter()
            .chain(&p.coefficients)
            .find(|c| **c > coefficient_max)
        {
            return Err(invalid(
                "pay.coefficients",
                format!("系数 {c} 超出范围:应在 0 到 {MAX_COEFFICIENT} 之间"),
            ));
        }
        let threshold_max = Decimal::from(MAX_THRESHOLD);
        if let Some(v) = [r.excellent, self.bonus.cap]
            .iter()
            .chain(t)
            .find(|v| **v > threshold_max)
        {
            return Err(invalid(
                "result",
                format!("分数 {v} 超出范围:阈值和加分上限应在 0 到 {MAX_THRESHOLD} 之间"),
            ));
        }
        Ok(())
    }

    /// Few decimals keep every computation of §3 exact in integers of small scale.
    fn validate_places(&self) -> Result<(), SchemeError> {
        let places = |key: &str, values: &[Decimal], max: u32| -> Result<(), SchemeError> {
            match values.iter().find(|v| v.scale() > max) {
                Some(v) => Err(invalid(key, format!("{v} 最多 {max} 位小数"))),
                None => Ok(()),
            }
        };
        let (g, b, r, q, p) = (
            self.grade_points,
            self.ballots,
            self.result,
            self.quota,
            &self.pay,
        );
        places(
            "grade_points",
            &[g.good, g.fairly_good, g.average, g.poor],
            2,
        )?;
        places("ballots", &[b.satisfied, b.basically, b.dissatisfied], 2)?;
        places("bonus.cap", &[self.bonus.cap], 2)?;
        places("result", &[r.excellent, r.pass, r.basic_pass], 2)?;
        places("stars.thresholds", &self.stars.thresholds, 2)?;
        places("quota", &[q.five_pct, q.four_and_five_pct], 2)?;
        places("pay", &[p.base, p.unrated, p.fail_cap], 2)?;
        places("pay.coefficients", &p.coefficients, 4)
    }

    /// Publicity, rectification and the years in post are sensible spans; the promotion
    /// and low star levels do not overlap.
    fn validate_periods(&self) -> Result<(), SchemeError> {
        if !(1..=3660).contains(&self.publicity.days) {
            return Err(invalid("publicity.days", "应在 1 到 3660 天之间"));
        }
        if self.consequences.rectify_days > 3660 {
            return Err(invalid("consequences.rectify_days", "最多 3660 天"));
        }
        if !(1..=50).contains(&self.eligibility.years_in_post) {
            return Err(invalid("eligibility.years_in_post", "应在 1 到 50 年之间"));
        }
        let c = self.consequences;
        if c.promote_min_stars > 5 || c.low_max_stars >= c.promote_min_stars {
            return Err(invalid(
                "consequences",
                "应满足 low_max_stars < promote_min_stars ≤ 5",
            ));
        }
        Ok(())
    }
}

fn toml_error(text: &str, error: &toml::de::Error) -> SchemeError {
    let line = error
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(0);
    let message = error.message();
    let quoted = |prefix: &str| {
        let rest = message.strip_prefix(prefix)?;
        let rest = rest.strip_prefix('`')?;
        Some(rest[..rest.find('`')?].to_string())
    };
    if let Some(key) = quoted("unknown field ") {
        SchemeError::UnknownKey { line, key }
    } else if let Some(key) = quoted("missing field ") {
        SchemeError::MissingKey { line, key }
    } else {
        SchemeError::Syntax {
            line,
            message: message.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scheme_has_every_number_of_section_3() {
        let s = Scheme::default_scheme();
        assert_eq!(s.items().count(), 12);
        assert_eq!(s.item("廉洁自律").unwrap().max, Decimal::from(7));
        assert_eq!(s.grade_points(Grade::FairlyGood), Decimal::from(85));
        assert_eq!(s.ballots.min_ballots, 10);
        assert_eq!(s.coefficient(Some(4)), "1.3".parse().unwrap());
        assert_eq!(s.coefficient(None), Decimal::ONE);
        assert_eq!(s.stars.thresholds[4], Decimal::from(65));
    }

    #[test]
    fn an_unknown_key_is_refused_by_name() {
        let text = DEFAULT_SCHEME.replace("[bonus]\ncap = 5", "[bonus]\ncap = 5\ncaps = 6");
        let err = Scheme::parse(&text).unwrap_err();
        assert!(
            matches!(&err, SchemeError::UnknownKey { key, .. } if key == "caps"),
            "{err}"
        );
        assert!(err.to_string().contains("未知的键「caps」"));
    }

    #[test]
    fn items_not_summing_to_100_are_refused() {
        let text = DEFAULT_SCHEME.replace(
            "{ name = \"为民服务\", max = 10 }",
            "{ name = \"为民服务\", max = 9 }",
        );
        let err = Scheme::parse(&text).unwrap_err();
        assert!(err.to_string().contains("之和为 99"), "{err}");
    }

    #[test]
    fn huge_or_wrapping_numbers_are_refused_with_the_range() {
        let refused = |from: &str, to: &str| {
            assert!(DEFAULT_SCHEME.contains(from), "{from}");
            Scheme::parse(&DEFAULT_SCHEME.replace(from, to))
                .unwrap_err()
                .to_string()
        };
        let err = refused("base = 12000", "base = 1e30");
        assert!(err.contains("1000000000000000000000000000000"), "{err}");
        let err = refused("base = 12000", "base = 10000001");
        assert!(err.contains("0 到 10000000"), "{err}");
        let err = refused("fail_cap = \"0.50\"", "fail_cap = \"1000\"");
        assert!(err.contains("0 到 100"), "{err}");
        // 4294967295 + 101 + 0 wraps round to 100 in 32 bits.
        let err = refused(
            "quantitative = 60    # 定量考核\norganizational = 20  # 组织评价\nmass = 20",
            "quantitative = 4294967295\norganizational = 101\nmass = 0",
        );
        assert!(err.contains("之和为 4294967396"), "{err}");
        let err = refused("cap = 5", "cap = 5000");
        assert!(err.contains("0 到 1000"), "{err}");
        // The largest allowed values are accepted.
        let text = DEFAULT_SCHEME.replace("base = 12000", "base = 10000000");
        assert!(Scheme::parse(&text).is_ok());
    }

    #[test]
    fn thresholds_not_descending_are_refused() {
        let text = DEFAULT_SCHEME.replace(
            "thresholds = [95, 90, 80, 70, 65]",
            "thresholds = [95, 80, 90, 70, 65]",
        );
        assert!(
            Scheme::parse(&text)
                .unwrap_err()
                .to_string()
                .contains("stars.thresholds")
        );
        let text = DEFAULT_SCHEME.replace("\"合格\" = 70", "\"合格\" = 95");
        assert!(
            Scheme::parse(&text)
                .unwrap_err()
                .to_string()
                .contains("「result」")
        );
    }

    #[test]
    fn too_many_decimals_are_refused_by_key() {
        let text = DEFAULT_SCHEME.replace("\"基本满意\" = 60", "\"基本满意\" = \"60.123\"");
        let err = Scheme::parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("「ballots」") && err.contains("60.123"),
            "{err}"
        );
    }

    #[test]
    fn floats_are_read_exactly() {
        let text = DEFAULT_SCHEME.replace("\"1.30\"", "1.3");
        let s = Scheme::parse(&text).unwrap();
        assert_eq!(s.pay.coefficients[4].to_string(), "1.3");
    }
}
