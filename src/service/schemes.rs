//! The district's schemes (docs/rules.md §3): the frame of a year (weights, ballots,
//! thresholds, quotas, pay), the district's current scheme for new years, and each
//! township's own quantitative items. Only the district changes them, and only while
//! nothing that depends on them has been handed in.

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::{DistrictStep, Local, Refusal, Result};
use crate::domain::{Scope, Stage, YearRecord};
use crate::exchange::Table;
use crate::scoring::Scheme;

/// A scheme's items as one line.
fn items_of(scheme: &Scheme) -> String {
    let items: Vec<(String, Decimal)> = scheme.items().map(|i| (i.name.clone(), i.max)).collect();
    items_line(&items)
}

/// Items in force: (name, maximum).
type ItemSet = HashSet<(String, Decimal)>;

/// Items as one line: `政治素质 30;集体经济 40;为民服务 30`.
pub fn items_line(items: &[(String, Decimal)]) -> String {
    items
        .iter()
        .map(|(name, max)| format!("{name} {}", max.normalize()))
        .collect::<Vec<_>>()
        .join(";")
}

/// A township's items from a table with the columns 项目 and 满分 (序号 and 备注 may be
/// there too). Every problem is named by its line.
pub fn items_from(file: &str, table: &Table) -> Result<Vec<(String, Decimal)>> {
    let table = &table.clone().header_among(&["项目", "满分"]);
    let mut errors = Vec::new();
    let cols = super::import::columns(table, &["项目", "满分"], &["序号", "备注"], &mut errors);
    let mut items = Vec::new();
    if errors.is_empty() {
        super::import::no_rows(table, &mut errors);
        for row in &table.rows {
            let cell = |c: &str| Table::cell(row, cols.get(c).copied());
            let name = crate::text::clean_line(cell("项目")).trim().to_string();
            let max = cell("满分");
            if name.is_empty() && max.trim().is_empty() {
                continue;
            }
            let mut bad = |column: &str, message: String| {
                errors.push(super::refusal::RowError {
                    line: row.line,
                    column: Some(column.to_string()),
                    message,
                });
            };
            if name.is_empty() {
                bad("项目", "项目名称为空".to_string());
            }
            match crate::domain::parse_points(max) {
                Ok(m) if m > Decimal::ZERO => items.push((name, m)),
                Ok(_) => bad("满分", "满分应大于 0".to_string()),
                Err(e) => bad("满分", e.to_string()),
            }
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(Refusal::Rows {
            file: file.to_string(),
            errors,
        })
    }
}

impl Local {
    /// A township's own items for a year (district only), before it submits. The year
    /// starts with the district's current scheme if it has not started yet.
    pub fn set_items(
        &self,
        year: i16,
        township: u32,
        items: Vec<(String, Decimal)>,
    ) -> Result<String> {
        self.need_district(DistrictStep::Scheme)?;
        // Empty: back to the district's items.
        if !items.is_empty() {
            Scheme::check_items(&items)
                .map_err(|e| Refusal::Invalid(format!("考核项目有误:{e};没有改动")))?;
        }
        let district = self.roster()?;
        let name = district
            .township(township)
            .map(|t| t.name.clone())
            .ok_or_else(|| Refusal::NotFound(format!("没有编号为 {township} 的乡镇")))?;
        let mut w = self.store.write(&self.actor.name)?;
        let mut record = match w.year(year)? {
            Some(r) => r,
            None => YearRecord::new(self.store.scheme_text()?),
        };
        let stage = record.stage(township);
        if stage != Stage::Entering {
            return Err(Refusal::Invalid(format!(
                "{name} {year} 年度已是「{}」,不能再改考核项目;如需修改,请先重新打开",
                stage.label()
            )));
        }
        // The items in force before and after (the district's when a township has none).
        let frame = Scheme::parse(&record.scheme).map_err(|e| Refusal::BadScheme {
            year,
            message: e.to_string(),
        })?;
        let effective = |own: &[(String, Decimal)]| -> ItemSet {
            if own.is_empty() {
                frame
                    .items()
                    .map(|i| (i.name.clone(), i.max.normalize()))
                    .collect()
            } else {
                own.iter()
                    .map(|(n, m)| (n.clone(), m.normalize()))
                    .collect()
            }
        };
        let y = record.township_mut(township);
        let (was, will) = (effective(&y.items), effective(&items));
        let before = if y.items.is_empty() {
            "全区统一的考核项目".to_string()
        } else {
            items_line(&y.items)
        };
        let after = if items.is_empty() {
            "全区统一的考核项目".to_string()
        } else {
            items_line(&items)
        };
        y.items = items;
        w.put_year(year, &record)?;
        let scope = Scope {
            year: Some(year),
            township: Some(township),
            secretary: None,
        };
        w.audit_in(
            scope,
            &format!("{year} 年度 {name} 考核项目"),
            &before,
            &after,
        )?;
        // Scores entered on an item that is gone, or whose maximum changed, no longer
        // count: they are cleared (each on record), and the assessment is 未完成 until
        // the new items are entered.
        let stale =
            self.clear_stale(&mut w, &district, (year, &|t| t == township), (&was, &will))?;
        w.commit()?;
        let mut said = format!("已设置 {name} {year} 年度的考核项目:{after}");
        if stale > 0 {
            said.push_str(&format!(
                "\n该乡镇已有 {stale} 名书记按原来的项目录入了分数:项目不再有或满分改变的分数已清除(记入审计日志),这些书记的考核为“未完成”,须按新项目录入或导入"
            ));
        }
        Ok(said)
    }

    /// Clear the scores of the assessments of the townships `clears` lets through that
    /// were entered on items that are gone or whose maximum changed (each on record);
    /// how many secretaries had such scores. One pass over the year's forms, and none
    /// when no item went or changed.
    fn clear_stale(
        &self,
        w: &mut crate::store::Writer,
        district: &crate::domain::District,
        (year, clears): (i16, &dyn Fn(u32) -> bool),
        (was, will): (&ItemSet, &ItemSet),
    ) -> Result<usize> {
        // An item is stale where the new set lacks it with the maximum it had.
        let gone: HashSet<&str> = was
            .iter()
            .filter(|item| !will.contains(item))
            .map(|(name, _)| name.as_str())
            .collect();
        if gone.is_empty() {
            return Ok(0);
        }
        // The forms that hold a stale score, with their township: only those are kept
        // while the year is read (a province's forms are not all held at once).
        let mut stale: Vec<(u32, u32, crate::domain::Assessment)> = Vec::new();
        self.store.each_assessment(year, |secretary, a| {
            let Some((_, v)) = district.place(secretary) else {
                return;
            };
            if a.items.iter().any(|(n, _)| gone.contains(n)) && clears(v.township) {
                stale.push((secretary, v.township, a));
            }
        })?;
        for (secretary, township, a) in &mut stale {
            let cleared: Vec<(String, Decimal)> = a
                .items
                .iter()
                .filter(|(n, _)| gone.contains(n))
                .map(|(n, v)| (n.to_string(), v))
                .collect();
            let who = district.secretary_name(*secretary).unwrap_or("");
            for (item, value) in &cleared {
                a.items.remove(item);
                let scope = Scope {
                    year: Some(year),
                    township: Some(*township),
                    secretary: Some(*secretary),
                };
                w.audit_in(
                    scope,
                    &format!("{year} 年度 {who} 「{item}」(考核项目变更,清除)"),
                    &value.normalize().to_string(),
                    "",
                )?;
            }
            w.put_assessment(year, *secretary, a)?;
        }
        Ok(stale.len())
    }

    /// Replace a year's scheme (its frame and default items), or, without a year, the
    /// district's current scheme that new years start with (district only). A year's
    /// scheme changes only while every township is still entering, unless the stored
    /// one is invalid (then replacing it is the way out).
    pub fn set_scheme(&self, year: Option<i16>, text: &str) -> Result<String> {
        self.need_district(DistrictStep::Scheme)?;
        let scheme = Scheme::parse(text)
            .map_err(|e| Refusal::Invalid(format!("考核方案有误:{e};没有改动")))?;
        let district = self.roster()?;
        let mut w = self.store.write(&self.actor.name)?;
        let Some(year) = year else {
            let before = Scheme::parse(&self.store.scheme_text()?)
                .map_or_else(|_| "(有误)".to_string(), |s| s.name);
            w.put_scheme(text)?;
            w.audit("当前考核方案", &before, &scheme.name)?;
            w.commit()?;
            return Ok(format!(
                "已设置全区当前的考核方案「{}」;此后新建的年度使用它",
                scheme.name
            ));
        };
        let (record, before, stale) = match w.year(year)? {
            Some(mut record) => {
                let old = Scheme::parse(&record.scheme);
                let handed_in: Vec<String> = record
                    .townships
                    .iter()
                    .filter(|(_, y)| y.stage != Stage::Entering)
                    .filter_map(|(t, _)| district.township(*t).map(|t| t.name.to_string()))
                    .collect();
                if old.is_ok() && !handed_in.is_empty() {
                    return Err(Refusal::Invalid(format!(
                        "{year} 年度已有乡镇提交:{};不能再改考核方案,如需修改请先重新打开这些乡镇",
                        crate::text::listed(&handed_in, "个乡镇")
                    )));
                }
                // Scores on district items that are gone or whose maximum changed no
                // longer count (townships with their own items keep theirs).
                let mut stale = 0;
                if let Ok(old) = &old {
                    let set = |sc: &Scheme| -> ItemSet {
                        sc.items()
                            .map(|i| (i.name.clone(), i.max.normalize()))
                            .collect()
                    };
                    let (was, will) = (set(old), set(&scheme));
                    let own: HashSet<u32> = record
                        .townships
                        .iter()
                        .filter(|(_, y)| !y.items.is_empty())
                        .map(|(t, _)| *t)
                        .collect();
                    let district_items = |t| !own.contains(&t);
                    stale = self.clear_stale(
                        &mut w,
                        &district,
                        (year, &district_items),
                        (&was, &will),
                    )?;
                }
                let before = old.map_or_else(
                    |_| "(有误)".to_string(),
                    |s| format!("{}({})", s.name, items_of(&s)),
                );
                record.scheme = text.to_string();
                (record, before, stale)
            }
            None => (YearRecord::new(text.to_string()), String::new(), 0),
        };
        w.put_year(year, &record)?;
        let scope = Scope {
            year: Some(year),
            ..Scope::default()
        };
        let after = format!("{}({})", scheme.name, items_of(&scheme));
        w.audit_in(scope, &format!("{year} 年度考核方案"), &before, &after)?;
        w.commit()?;
        let mut said = format!("已设置 {year} 年度的考核方案「{}」", scheme.name);
        if stale > 0 {
            said.push_str(&format!(
                "\n已有 {stale} 名书记按原来的项目录入了分数:项目不再有或满分改变的分数已清除(记入审计日志),须按新项目录入或导入"
            ));
        }
        Ok(said)
    }

    /// Start a year explicitly, with `scheme` or the district's current one.
    pub fn new_year(&self, year: i16, scheme: Option<&str>) -> Result<String> {
        self.need_district(DistrictStep::Scheme)?;
        if self.store.year(year)?.is_some() {
            return Err(Refusal::Invalid(format!("{year} 年度已经建立")));
        }
        let text = match scheme {
            Some(t) => t.to_string(),
            None => self.store.scheme_text()?,
        };
        self.set_scheme(Some(year), &text)
    }

    /// The district's current scheme (TOML text).
    pub fn scheme_text(&self) -> Result<String> {
        Ok(self.store.scheme_text()?)
    }
}
