//! The program's own checks of a whole database file (`xingji check`, a backup before
//! `restore`, a file built by `import --all`). redb has verified every page's checksum
//! when the file was opened; this reads every record and checks that it makes sense:
//! references resolve, scores lie within their maxima, every record belongs to a year
//! that exists, and the frozen figures are what their assessments give.

use std::collections::HashMap;

use super::Result;
use crate::domain::{Assessment, District, YearRecord};
use crate::scoring::{Scheme, evaluate};
use crate::store::Store;

/// What `xingji check` found: what the file holds, and every problem.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checked {
    pub summary: String,
    pub problems: Vec<String>,
}

/// Every check of `store`.
pub fn check_store(store: &Store) -> Result<Checked> {
    let district = store.district()?;
    let mut problems = places(&district);
    let years = store.years()?;
    let mut assessments = 0;
    for (year, record) in &years {
        assessments += check_year(store, &district, (*year, record), &mut problems)?;
    }
    for (table, keyed) in store.keyed_years()? {
        for year in keyed {
            if !years.iter().any(|(y, _)| *y == year) {
                problems.push(format!("有{table}属于不存在的年度 {year}"));
            }
        }
    }
    if let Err(e) = Scheme::parse(&store.scheme_text()?) {
        problems.push(format!("当前考核方案有误:{e}"));
    }
    let audit = store.audit_log()?.len();
    let users = store.users()?.len();
    let summary = format!(
        "乡镇 {} 个、村(社区) {} 个、书记 {} 名;{} 个年度、考核记录 {assessments} 条;审计记录 {audit} 条;用户 {users} 个",
        district.townships.len(),
        district.village_count(),
        district.secretary_count(),
        years.len(),
    );
    Ok(Checked { summary, problems })
}

/// Every village has its township, every secretary their village.
fn places(district: &District) -> Vec<String> {
    let mut problems = Vec::new();
    for (id, v) in district.villages() {
        if district.township(v.township).is_none() {
            problems.push(format!("村(社区)「{}」(编号 {id})所属的乡镇不存在", v.name));
        }
    }
    for (id, s) in district.secretaries() {
        if district.village(s.village).is_none() {
            problems.push(format!("书记「{}」(编号 {id})所属的村(社区)不存在", s.name));
        }
    }
    problems
}

/// One year's records; the number of its assessments.
fn check_year(
    store: &Store,
    district: &District,
    (year, record): (i16, &YearRecord),
    problems: &mut Vec<String>,
) -> Result<usize> {
    let scheme = match Scheme::parse(&record.scheme) {
        Ok(s) => Some(s),
        Err(e) => {
            problems.push(format!("{year} 年度的考核方案有误:{e}"));
            None
        }
    };
    let mut own: HashMap<u32, Scheme> = HashMap::new();
    for (t, y) in &record.townships {
        if y.items.is_empty() {
            continue;
        }
        match (Scheme::check_items(&y.items), &scheme) {
            (Err(e), _) => problems.push(format!("{year} 年度乡镇(编号 {t})的考核项目有误:{e}")),
            (Ok(()), Some(s)) => {
                own.insert(*t, s.with_items(&y.items));
            }
            (Ok(()), None) => {}
        }
    }
    let scheme_of = |secretary: u32| {
        let t = district.place(secretary).map(|(_, v)| v.township);
        t.and_then(|t| own.get(&t)).or(scheme.as_ref())
    };
    let list = store.assessments(year)?;
    for (secretary, a) in &list {
        let Some(s) = district.secretary(*secretary) else {
            problems.push(format!(
                "{year} 年度的考核记录指向不在名册中的书记(编号 {secretary})"
            ));
            continue;
        };
        if let Some(scheme) = scheme_of(*secretary) {
            for p in assessment_problems(scheme, a) {
                problems.push(format!("{year} 年度 {}:{p}", s.name));
            }
        }
    }
    for (secretary, _) in store.rectifications(year)? {
        if district.secretary(secretary).is_none() {
            problems.push(format!(
                "{year} 年度的整改记录指向不在名册中的书记(编号 {secretary})"
            ));
        }
    }
    for (secretary, frozen) in store.frozen(year)? {
        let Some(s) = district.secretary(secretary) else {
            problems.push(format!(
                "{year} 年度的公示结果指向不在名册中的书记(编号 {secretary})"
            ));
            continue;
        };
        // The stored figures are those their stored assessment gives, where they stand
        // (a reopened township's old figures may predate a change of its items).
        let standing = district
            .place(secretary)
            .is_some_and(|(_, v)| record.township(v.township).standing());
        if !standing {
            continue;
        }
        let again = scheme_of(secretary)
            .map(|scheme| evaluate(scheme, &frozen.assessment, s.took_office, year));
        if again.is_some_and(|e| e != frozen.rating.evaluation) {
            problems.push(format!(
                "{year} 年度 {} 的公示结果与其考核分数算出的不一致",
                s.name
            ));
        }
    }
    Ok(list.len())
}

/// What is wrong with a stored assessment under its scheme: an item the scheme does not
/// have is kept harmlessly (items changed after entry), but a score outside 0 to its
/// maximum, or negative points, can only come from an altered file.
fn assessment_problems(scheme: &Scheme, a: &Assessment) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in a.items.iter() {
        if let Some(item) = scheme.item(name)
            && (value.is_sign_negative() || value > item.max)
        {
            out.push(format!(
                "「{name}」得分 {value} 不在 0 到 {} 之间",
                item.max
            ));
        }
    }
    if a.bonus.is_sign_negative() || a.penalty.is_sign_negative() {
        out.push("加分或减分为负数".to_string());
    }
    out.extend(places_problems(a));
    out
}

/// Scores, bonus and penalty points are entered with one decimal place at most (the
/// quotas rank Q in hundredths, exactly): what else a form holds can only come from an
/// altered file or a client that skipped its checks.
pub(super) fn places_problems(a: &Assessment) -> Vec<String> {
    let finer = |value: &rust_decimal::Decimal| value.normalize().scale() > 1;
    let mut out: Vec<String> = a
        .items
        .iter()
        .filter(|(_, value)| finer(value) || *value > rust_decimal::Decimal::ONE_HUNDRED)
        .map(|(name, value)| format!("「{name}」得分 {value} 应为 0 到 100 之间、最多一位小数"))
        .collect();
    if finer(&a.bonus) || finer(&a.penalty) {
        out.push("加分或减分多于一位小数".to_string());
    }
    out
}
