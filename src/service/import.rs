//! Roster and scores imports. Each is one transaction: every problem of the file is
//! reported at once, and with any problem nothing is written.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::refusal::RowError;
use super::{Actor, Local, Refusal, Result};
use crate::domain::{
    Assessment, Ballots, District, Gender, Grade, Secretary, Township, TownshipKind, Village,
    VillageKind, parse_ballots, parse_date, parse_points, parse_score,
};
use crate::domain::{NameIndex, Scope, YearRecord};
use crate::exchange::{Row, Table};
use crate::scoring::Scheme;
use crate::store::{AuditLine, Writer};
use crate::text::clean_line;

const TOWNSHIP: &str = "乡镇";
const VILLAGE: &str = "村(社区)";
const NAME: &str = "姓名";
/// Columns office sheets often have that hold nothing to import: read past, with a note.
const READ_PAST: [&str; 3] = ["序号", "备注", "合计"];
/// The optional columns of a scores file other than the items.
const SCORES_OPTIONAL: [&str; 9] = [
    "不了解",
    "加分",
    "加分事由",
    "减分",
    "减分事由",
    "否决事由",
    READ_PAST[0],
    READ_PAST[1],
    READ_PAST[2],
];
/// The optional columns of a roster.
const ROSTER_OPTIONAL: [&str; 5] = ["性别", "出生日期", READ_PAST[0], READ_PAST[1], READ_PAST[2]];

/// What an import read past, in words: title lines and total rows (from the table),
/// then the columns it does not import.
pub(super) fn read_past(table: &Table) -> Vec<String> {
    let mut notes = table.notes.clone();
    let columns: Vec<String> = table
        .headers
        .iter()
        .filter(|h| READ_PAST.contains(&h.as_str()))
        .map(|h| format!("「{h}」"))
        .collect();
    if !columns.is_empty() {
        notes.push(format!("未导入{}列", columns.join("")));
    }
    notes
}

/// Each header's index. Looked up by name for every cell of every row: hashbrown's
/// hash, which is faster than std's on these short names.
pub(super) type Columns = hashbrown::HashMap<String, usize>;

/// Map each header to its index; unknown, duplicate and missing columns are errors.
pub(super) fn columns(
    table: &Table,
    required: &[&str],
    optional: &[&str],
    errors: &mut Vec<RowError>,
) -> Columns {
    let mut found = Columns::new();
    for (i, h) in table.headers.iter().enumerate() {
        let header_error = |message: String| RowError {
            line: table.header_line,
            column: Some(h.clone()),
            message,
        };
        if h.is_empty() {
            if table
                .rows
                .iter()
                .any(|r| r.cells.get(i).is_some_and(|c| !c.is_empty()))
            {
                errors.push(RowError {
                    line: table.header_line,
                    column: None,
                    message: format!("第{}列没有表头", i + 1),
                });
            }
            continue;
        }
        if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) {
            // In the order of the file's template: the three names, the items (among
            // the optional ones, each township has its own), the rest.
            let mut shown: Vec<&str> = required.iter().take(3).copied().collect();
            let (items, rest): (Vec<&str>, Vec<&str>) = optional
                .iter()
                .partition(|o| !SCORES_OPTIONAL.contains(*o) && !ROSTER_OPTIONAL.contains(*o));
            shown.extend(items);
            shown.extend(required.iter().skip(3));
            shown.extend(rest);
            errors.push(header_error(format!("未知的列;应为:{}", shown.join(","))));
        } else if found.insert(h.clone(), i).is_some() {
            errors.push(header_error("列名重复".to_string()));
        }
    }
    for r in required {
        if !found.contains_key(*r) {
            errors.push(RowError {
                line: table.header_line,
                column: Some(r.to_string()),
                message: "缺少此列".to_string(),
            });
        }
    }
    found
}

/// Every required column is there (the rows can be checked).
fn has_all(found: &Columns, required: &[&str]) -> bool {
    required.iter().all(|r| found.contains_key(*r))
}

fn user_text(text: &str) -> String {
    clean_line(text).trim().to_string()
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RosterSummary {
    pub townships: usize,
    pub villages: usize,
    pub added: usize,
    pub updated: usize,
    /// What was read past (title lines, a 合计 row, 序号 and 备注 columns).
    pub notes: Vec<String>,
}

struct RosterRow {
    township: String,
    village: String,
    secretary: Secretary,
}

impl Local {
    /// The roster import of a table already read (`file` names it in messages).
    pub fn import_roster(&self, file: &str, table: Table) -> Result<RosterSummary> {
        let table = table.header_among(&[TOWNSHIP, VILLAGE, NAME]);
        let (store, actor) = (&self.store, &self.actor);
        if !actor.is_district() {
            return Err(Refusal::Invalid(format!(
                "用户 {} 不能导入名册;名册由区委组织部维护",
                actor.name
            )));
        }
        let file = file.to_string();
        let mut errors = Vec::new();
        let rows = roster_rows(&table, &mut errors);
        if !errors.is_empty() {
            return Err(Refusal::Rows { file, errors });
        }

        let district = store.district()?;
        let mut roster = RosterWriter {
            names: NameIndex::new(&district),
            district,
            summary: RosterSummary {
                notes: read_past(&table),
                ..RosterSummary::default()
            },
            w: store.write(&actor.name)?,
        };
        for row in rows {
            roster.put(row)?;
        }
        let RosterWriter { mut w, summary, .. } = roster;
        w.audit(
            &format!("导入名册 {file}"),
            "",
            &format!(
                "新增乡镇 {} 个、村(社区) {} 个、书记 {} 名,更新 {} 名",
                summary.townships, summary.villages, summary.added, summary.updated
            ),
        )?;
        w.commit()?;
        Ok(summary)
    }
}

/// The checked rows of a roster file; every problem goes to `errors`.
fn roster_rows(table: &Table, errors: &mut Vec<RowError>) -> Vec<RosterRow> {
    let required = [TOWNSHIP, VILLAGE, NAME, "任职日期"];
    let cols = columns(table, &required, &ROSTER_OPTIONAL, errors);
    // An unknown or repeated column does not stop the rows being checked (all errors of a
    // file at once, §5); a missing one does, or every row would repeat it.
    if !has_all(&cols, &required) {
        return Vec::new();
    }
    no_rows(table, errors);
    let rows: Vec<(usize, RosterRow)> = table
        .rows
        .iter()
        .filter_map(|row| roster_row(row, &cols, errors).map(|r| (row.line, r)))
        .collect();
    // The same secretary twice in one file: which line counts?
    let mut first: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for (line, r) in &rows {
        let key = (
            r.township.as_str(),
            r.village.as_str(),
            r.secretary.name.as_str(),
        );
        if let Some(before) = first.insert(key, *line) {
            errors.push(RowError {
                line: *line,
                column: None,
                message: format!(
                    "{} {} {} 与第{before}行重复",
                    r.township, r.village, r.secretary.name
                ),
            });
        }
    }
    rows.into_iter().map(|(_, r)| r).collect()
}

/// A file with a header and no rows is a mistake (the wrong sheet, a cut file).
pub(super) fn no_rows(table: &Table, errors: &mut Vec<RowError>) {
    if table.rows.is_empty() {
        errors.push(RowError {
            line: table.header_line,
            column: None,
            message: "只有表头,没有数据行".to_string(),
        });
    }
}

/// A date a person could have: from 1900 to next year.
fn plausible(
    date: jiff::civil::Date,
    column: &str,
) -> std::result::Result<jiff::civil::Date, String> {
    let next = jiff::ZonedDateTime::now().year() + 1;
    if (1900..=next).contains(&date.year()) {
        Ok(date)
    } else {
        Err(format!("{date} 不在 1900 年到 {next} 年之间({column})"))
    }
}

/// One roster row, or None when its 任职日期 is missing or unreadable. Its problems go
/// to `errors`.
fn roster_row(row: &Row, cols: &Columns, errors: &mut Vec<RowError>) -> Option<RosterRow> {
    let cell = |name: &str| user_text(Table::cell(row, cols.get(name).copied()));
    let mut bad = |column: &str, message: String| {
        errors.push(RowError {
            line: row.line,
            column: Some(column.to_string()),
            message,
        })
    };
    for column in [TOWNSHIP, VILLAGE, NAME] {
        if cell(column).is_empty() {
            bad(column, "不能为空".to_string());
        }
    }
    let gender = match cell("性别").as_str() {
        "" => None,
        g => Gender::parse(g).or_else(|| {
            bad("性别", format!("{g} 应为 男 或 女(可空)"));
            None
        }),
    };
    let born = match cell("出生日期").as_str() {
        "" => None,
        d => parse_date(d)
            .map_err(|e| e.to_string())
            .and_then(|d| plausible(d, "出生日期"))
            .map_err(|e| bad("出生日期", e))
            .ok(),
    };
    let took = cell("任职日期");
    let took_office = if took.is_empty() {
        bad("任职日期", "不能为空".to_string());
        None
    } else {
        parse_date(&took)
            .map_err(|e| e.to_string())
            .and_then(|d| plausible(d, "任职日期"))
            .map_err(|e| bad("任职日期", e))
            .ok()
    };
    if let (Some(b), Some(t)) = (born, took_office)
        && b >= t
    {
        bad("出生日期", format!("{b} 不早于任职日期 {t}"));
    }
    let took_office = took_office?;
    Some(RosterRow {
        township: cell(TOWNSHIP),
        village: cell(VILLAGE),
        secretary: Secretary {
            village: 0,
            name: cell(NAME).into(),
            gender,
            born,
            took_office,
            left_office: None,
        },
    })
}

/// The roster's write transaction, with the district as the rows so far have made it.
struct RosterWriter {
    w: Writer,
    district: District,
    /// The district's names, kept in step with `district`.
    names: NameIndex,
    summary: RosterSummary,
}

impl RosterWriter {
    /// Write one row: its township and village if new, then the secretary.
    fn put(&mut self, row: RosterRow) -> Result<()> {
        let RosterRow {
            township,
            village,
            mut secretary,
        } = row;
        let township_id = self.township(township)?;
        secretary.village = self.village(township_id, village)?;
        let existing = self.names.secretary_at(secretary.village, &secretary.name);
        match existing {
            Some(index) => self.update_secretary(index, secretary),
            None => self.add_secretary(secretary),
        }
    }

    /// The id of a township, added when the district has none of that name.
    fn township(&mut self, name: String) -> Result<u32> {
        if let Some(id) = self.names.township_id(&name) {
            return Ok(id);
        }
        let t = Township {
            kind: TownshipKind::from_name(&name),
            name: name.into(),
        };
        let id = self.w.add_township(&t)?;
        self.names.add_township(id, &t.name);
        self.district.townships.push((id, t));
        self.summary.townships += 1;
        Ok(id)
    }

    /// The id of a village of a township, added when the township has none of that name.
    fn village(&mut self, township: u32, name: String) -> Result<u32> {
        if let Some(id) = self.names.village_id(township, &name) {
            return Ok(id);
        }
        let v = Village {
            township,
            kind: VillageKind::from_name(&name),
            name: name.into(),
        };
        let id = self.w.add_village(&v)?;
        self.names.add_village(id, &v);
        self.district.push_village(id, &v);
        self.summary.villages += 1;
        Ok(id)
    }

    /// Update the stored secretary at `index` (same village, same name) when the row
    /// changes it. The row keeps the stored left-office date, and the stored gender and
    /// birth date where it gives none.
    fn update_secretary(&mut self, index: usize, mut secretary: Secretary) -> Result<()> {
        let Some((id, old)) = self.district.secretary_in_place(index) else {
            return Ok(());
        };
        secretary.left_office = old.left_office;
        // An empty cell or an absent column says nothing: it never erases a saved field.
        secretary.gender = secretary.gender.or(old.gender);
        secretary.born = secretary.born.or(old.born);
        if old != secretary {
            self.w.put_secretary(id, &secretary)?;
            self.district.set_secretary_at(index, &secretary);
            self.summary.updated += 1;
        }
        Ok(())
    }

    /// Add a new secretary: whoever took office later is the village's current one.
    fn add_secretary(&mut self, mut secretary: Secretary) -> Result<()> {
        if let Some(at) = self.names.current_at(&self.district, secretary.village)
            && let Some((current_id, mut old)) = self.district.secretary_in_place(at)
        {
            if old.took_office <= secretary.took_office {
                old.left_office = Some(secretary.took_office);
                self.w.put_secretary(current_id, &old)?;
                self.district.set_secretary_at(at, &old);
            } else {
                secretary.left_office = Some(old.took_office);
            }
        }
        let id = self.w.add_secretary(&secretary)?;
        self.names
            .add_secretary(self.district.secretary_count(), &secretary);
        self.district.push_secretary(id, &secretary);
        self.summary.added += 1;
        Ok(())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScoresSummary {
    pub rows: usize,
    pub incomplete: usize,
    pub new_year: bool,
    /// What was read past (title lines, a 合计 row, 序号 and 备注 columns).
    pub notes: Vec<String>,
}

impl Local {
    /// The scheme of a year: its frozen copy, or the district's current scheme for a new year.
    fn year_scheme(&self, year: i16) -> Result<(Scheme, Option<YearRecord>)> {
        let store = &self.store;
        let record = store.year(year)?;
        let text = match &record {
            Some(r) => r.scheme.clone(),
            None => store.scheme_text()?,
        };
        let scheme = Scheme::parse(&text).map_err(|e| Refusal::BadScheme {
            year,
            message: e.to_string(),
        })?;
        Ok((scheme, record))
    }

    /// The scores import of a table already read (`file` names it in messages).
    pub fn import_scores(&self, file: &str, table: Table, year: i16) -> Result<ScoresSummary> {
        let table = table.header_among(&[TOWNSHIP, VILLAGE, NAME]);
        let (store, actor) = (&self.store, &self.actor);
        let file = file.to_string();
        if actor.role == crate::domain::Role::Viewer {
            return Err(Refusal::Invalid(format!(
                "用户 {} 只有查看权限,不能导入",
                actor.name
            )));
        }
        let (scheme, record) = self.year_scheme(year)?;
        let district = store.district()?;
        let own = record
            .as_ref()
            .map(|r| super::book::own_schemes(&scheme, r))
            .unwrap_or_default();
        let schemes = Schemes {
            district: &scheme,
            own: &own,
        };
        let mut check = ScoresCheck {
            schemes,
            names: NameIndex::new(&district),
            district: &district,
            actor,
            record: record.as_ref(),
            year,
            seen: HashMap::new(),
        };
        let mut errors = Vec::new();
        let parsed = check.rows(&table, &mut errors);
        if !errors.is_empty() {
            return Err(Refusal::Rows { file, errors });
        }
        let new_year = record.is_none();
        let mut summary = self.write_scores(&file, year, schemes, new_year, &district, parsed)?;
        summary.notes = read_past(&table);
        Ok(summary)
    }

    /// Write the checked assessments of a scores file in one transaction, with the year
    /// itself when it is new.
    fn write_scores(
        &self,
        file: &str,
        year: i16,
        schemes: Schemes<'_>,
        new_year: bool,
        district: &District,
        parsed: Vec<(u32, Assessment)>,
    ) -> Result<ScoresSummary> {
        let store = &self.store;
        let mut w = store.write(&self.actor.name)?;
        if new_year {
            w.put_year(year, &YearRecord::new(store.scheme_text()?))?;
        }
        let mut summary = ScoresSummary {
            rows: parsed.len(),
            incomplete: 0,
            new_year,
            notes: Vec::new(),
        };
        // (township, rows, incomplete) in the file's order: one audit line per township, so
        // that the import is in the year's log and each clerk reads only their own (§14).
        let mut townships: Vec<Tally> = Vec::new();
        let mut tally_at: HashMap<u32, usize> = HashMap::new();
        let mut each = |id: u32, old: Option<Assessment>, a: &mut Assessment| {
            // The file has no notes column: keep the notes a clerk wrote.
            if let Some(old) = &old {
                a.notes.clone_from(&old.notes);
            }
            let (t, name) = district
                .township_of(id)
                .zip(district.secretary_name(id))
                .unwrap_or((0, ""));
            let scheme = schemes.of(t);
            let incomplete =
                scheme.items().any(|i| !a.items.contains_key(&i.name)) || a.grade.is_none();
            summary.incomplete += usize::from(incomplete);
            let at = *tally_at.entry(t).or_insert_with(|| {
                townships.push(Tally {
                    township: t,
                    ..Tally::default()
                });
                townships.len() - 1
            });
            if let Some(tally) = townships.get_mut(at) {
                tally.rows += 1;
                tally.first += usize::from(old.is_none());
                tally.incomplete += usize::from(incomplete);
            }
            secretary_lines((year, t, id, name), file, scheme, old.as_ref(), a)
        };
        w.put_assessments(year, parsed, &mut each)?;
        audit_scores(&mut w, district, year, file, townships)?;
        w.commit()?;
        Ok(summary)
    }
}

/// The audit lines of one secretary's row of a scores import: each changed field with
/// its old and new value.
fn secretary_lines(
    (year, township, id, name): (i16, u32, u32, &str),
    file: &str,
    scheme: &Scheme,
    old: Option<&Assessment>,
    new: &Assessment,
) -> Vec<AuditLine> {
    let scope = Scope {
        year: Some(year),
        township: Some(township),
        secretary: Some(id),
    };
    match old {
        // A first entry is in the township's line of the import (file and count): a
        // line for each of a province's secretaries would add a third to its import.
        None => Vec::new(),
        // The same row again: nothing to say (and nothing to format).
        Some(old) if old == new => Vec::new(),
        Some(old) => super::fields::changes(scheme, old, new)
            .into_iter()
            .map(|(label, before, after)| AuditLine {
                scope,
                what: format!("{year} 年度 {name} 「{label}」(导入 {file})"),
                before,
                after,
            })
            .collect(),
    }
}

/// One township's rows of a scores import: how many, first entries, incomplete.
#[derive(Default)]
struct Tally {
    township: u32,
    rows: usize,
    first: usize,
    incomplete: usize,
}

/// The audit lines of a scores import: one per township (its rows, first entries and
/// incomplete ones), or one line for the year when the file had no rows.
fn audit_scores(
    w: &mut Writer,
    district: &District,
    year: i16,
    file: &str,
    townships: Vec<Tally>,
) -> Result<()> {
    if townships.is_empty() {
        let scope = Scope {
            year: Some(year),
            ..Scope::default()
        };
        w.audit_in(
            scope,
            &format!("导入 {year} 年度考核 {file}"),
            "",
            "0 名书记",
        )?;
    }
    for t in townships {
        let scope = Scope {
            year: Some(year),
            township: Some(t.township),
            secretary: None,
        };
        let name = district
            .township(t.township)
            .map_or("", |t| t.name.as_str());
        w.audit_in(
            scope,
            &format!("导入 {year} 年度考核({name}) {file}"),
            "",
            &format!(
                "{} 名书记(首次录入 {} 名),其中未完成 {} 名",
                t.rows, t.first, t.incomplete
            ),
        )?;
    }
    Ok(())
}

/// Problems of one scores row: (column, message), column None for the whole row.
type Problems = Vec<(Option<String>, String)>;

/// The schemes of a year: the district's, and the townships' with their own items.
#[derive(Clone, Copy)]
struct Schemes<'a> {
    district: &'a Scheme,
    own: &'a HashMap<u32, Scheme>,
}

impl<'a> Schemes<'a> {
    /// The scheme of a township's secretaries.
    fn of(self, township: u32) -> &'a Scheme {
        self.own.get(&township).unwrap_or(self.district)
    }

    /// Every item name any township of the year scores on.
    fn all_items(self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self.district.items().map(|i| i.name.as_str()).collect();
        for s in self.own.values() {
            for i in s.items() {
                if !names.contains(&i.name.as_str()) {
                    names.push(&i.name);
                }
            }
        }
        names
    }
}

/// The checks of a scores file's rows against the year, the roster and the user.
struct ScoresCheck<'a> {
    schemes: Schemes<'a>,
    district: &'a District,
    names: NameIndex,
    actor: &'a Actor,
    record: Option<&'a YearRecord>,
    year: i16,
    /// The line on which each secretary first appeared.
    seen: HashMap<u32, usize>,
}

impl ScoresCheck<'_> {
    /// The checked rows of a scores file (secretary, assessment); every problem goes to
    /// `errors`.
    fn rows(&mut self, table: &Table, errors: &mut Vec<RowError>) -> Vec<(u32, Assessment)> {
        let required = [
            TOWNSHIP,
            VILLAGE,
            NAME,
            "组织评价",
            "满意",
            "基本满意",
            "不满意",
        ];
        // Item columns: those of every township in the file, each township's own.
        let mut optional = self.schemes.all_items();
        optional.extend(SCORES_OPTIONAL);
        let cols = columns(table, &required, &optional, errors);
        if !has_all(&cols, &required) {
            return Vec::new();
        }
        no_rows(table, errors);
        let rows: Vec<(u32, Assessment)> = table
            .rows
            .iter()
            .filter_map(|row| self.row(row, &cols, errors))
            .collect();
        // Each township's items must have their columns (said once per column; each
        // township looked at once).
        let mut missing: Vec<(&str, String)> = Vec::new();
        let mut looked = hashbrown::HashSet::new();
        for (id, _) in &rows {
            let Some((t, v)) = self.district.place(*id) else {
                continue;
            };
            if !looked.insert(v.township) {
                continue;
            }
            let scheme = self.schemes.of(v.township);
            for item in scheme.items() {
                if !cols.contains_key(&item.name) && !missing.iter().any(|(n, _)| *n == item.name) {
                    missing.push((&item.name, t.name.to_string()));
                }
            }
        }
        for (name, township) in missing {
            errors.push(RowError {
                line: table.header_line,
                column: Some(name.to_string()),
                message: format!("缺少此列({township}的考核项目)"),
            });
        }
        rows
    }

    /// One scores row: its secretary and assessment, or None when the roster has no such
    /// secretary. Its problems go to `errors`.
    fn row(
        &mut self,
        row: &Row,
        cols: &Columns,
        errors: &mut Vec<RowError>,
    ) -> Option<(u32, Assessment)> {
        let raw = |name: &str| Table::cell(row, cols.get(name).copied());
        let mut problems = Problems::new();
        let secretary = self.secretary(&raw, row.line, &mut problems);
        let township = secretary
            .and_then(|id| self.district.place(id))
            .map(|(_, v)| v.township);
        let scheme = township.map_or(self.schemes.district, |t| self.schemes.of(t));
        // Columns of items this township does not score on stay empty (only a year
        // with townships' own items has such columns).
        let others = if self.schemes.own.is_empty() {
            Vec::new()
        } else {
            self.schemes.all_items()
        };
        for name in others {
            if scheme.item(name).is_none() && cols.contains_key(name) && !raw(name).is_empty() {
                problems.push((
                    Some(name.to_string()),
                    "不是本乡镇的考核项目,应留空".to_string(),
                ));
            }
        }
        let a = self.assessment(scheme, &raw, &mut problems);
        errors.extend(problems.into_iter().map(|(column, message)| RowError {
            line: row.line,
            column,
            message,
        }));
        Some((secretary?, a))
    }

    /// The secretary a row names. A name not in the roster, a secretary already on an
    /// earlier line, and one this user may not change this year are problems.
    fn secretary<'r>(
        &mut self,
        raw: &impl Fn(&str) -> &'r str,
        line: usize,
        problems: &mut Problems,
    ) -> Option<u32> {
        let (t, v, n) = (
            user_text(raw(TOWNSHIP)),
            user_text(raw(VILLAGE)),
            user_text(raw(NAME)),
        );
        let Some(id) = self.names.find_secretary(self.district, &t, &v, &n) else {
            problems.push((
                None,
                format!("名册中没有 {t} {v} 的书记「{n}」;请先导入名册"),
            ));
            return None;
        };
        if let Some(first) = self.seen.insert(id, line) {
            problems.push((None, format!("{t} {v} {n} 与第{first}行重复")));
        }
        let township = self
            .district
            .place(id)
            .map(|(_, v)| v.township)
            .unwrap_or_default();
        if let Err(reason) = self.actor.may_edit(
            (
                township,
                &self
                    .district
                    .township(township)
                    .map_or_else(String::new, |t| t.name.to_string()),
            ),
            self.record,
            self.year,
        ) {
            problems.push((None, reason.to_string()));
        }
        Some(id)
    }

    /// The assessment a row gives: items, grade, ballots, bonus, penalty and reasons.
    /// An empty item or grade is not entered yet (the assessment is 未完成).
    fn assessment<'r>(
        &self,
        scheme: &Scheme,
        raw: &impl Fn(&str) -> &'r str,
        problems: &mut Problems,
    ) -> Assessment {
        let mut bad =
            |column: &str, message: String| problems.push((Some(column.to_string()), message));
        let mut a = Assessment::default();
        let mut items = Vec::with_capacity(scheme.items().count());
        for item in scheme.items() {
            let text = raw(&item.name);
            if text.is_empty() {
                continue; // not entered yet: the assessment is 未完成
            }
            match parse_score(text, item.max) {
                Ok(score) => items.push((item.name.as_str(), score)),
                Err(e) => bad(&item.name, e.to_string()),
            }
        }
        // All at once: the row's list of names is looked up once, not once an item.
        a.items = items.into_iter().collect();
        let grade = raw("组织评价");
        if !grade.is_empty() {
            a.grade = Grade::parse(grade);
            if a.grade.is_none() {
                bad("组织评价", format!("{grade} 应为 好、较好、一般 或 差"));
            }
        }
        let mut count = |column: &str| {
            parse_ballots(raw(column)).unwrap_or_else(|e| {
                bad(column, e.to_string());
                0
            })
        };
        a.ballots = Ballots {
            satisfied: count("满意"),
            basically: count("基本满意"),
            dissatisfied: count("不满意"),
            unknown: count("不了解"),
        };
        let valid = a.ballots.valid();
        if valid < u64::from(scheme.ballots.min_ballots) {
            bad(
                "满意",
                format!(
                    "有效票(满意+基本满意+不满意)共 {valid} 张,少于 {} 张",
                    scheme.ballots.min_ballots
                ),
            );
        }
        let mut points = |column: &str| match raw(column) {
            "" => Decimal::ZERO,
            text => parse_points(text).unwrap_or_else(|e| {
                bad(column, e.to_string());
                Decimal::ZERO
            }),
        };
        a.bonus = points("加分");
        a.penalty = points("减分");
        a.bonus_reason = user_text(raw("加分事由"));
        a.penalty_reason = user_text(raw("减分事由"));
        a.veto_reason = user_text(raw("否决事由"));
        for (points, reason, column) in [
            (a.bonus, &a.bonus_reason, "加分"),
            (a.penalty, &a.penalty_reason, "减分"),
        ] {
            if points > Decimal::ZERO && reason.trim().is_empty() {
                bad(
                    &format!("{column}事由"),
                    format!(
                        "{column} {} 分没有写事由;请在「{column}事由」中写明",
                        points.normalize()
                    ),
                );
            }
        }
        if crate::domain::means_no_veto(&a.veto_reason) {
            bad("否决事由", crate::domain::no_veto_message(&a.veto_reason));
        }
        a
    }
}
