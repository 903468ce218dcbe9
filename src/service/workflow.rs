//! The year, step by step (docs/rules.md): 录入 → 已提交 → 公示 → 已审定, reopening by
//! the district, objections during publicity, and the rectifications that approval
//! opens for low stars. Each step is one transaction with its audit line.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use super::{DistrictStep, Local, Refusal, YearBook};
use crate::domain::Consequence;
use crate::domain::{Objection, Rectification, Scope, Stage, TownshipYear, YearRecord};
use crate::scoring::{Frozen, Rating};
use crate::store::Writer;

type Result<T> = std::result::Result<T, Refusal>;

/// The longest publicity or rectification period a scheme or a command may set.
pub const MAX_DAYS: u32 = 3660;

fn refuse<T>(message: impl Into<String>) -> Result<T> {
    Err(Refusal::Invalid(message.into()))
}

/// A change to a rectification: `xingji rectify update [--measures] [--done] [--undo]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RectifyChange {
    /// New measures (multi-line), or None to keep them.
    pub measures: Option<String>,
    /// Mark it done (today).
    pub done: bool,
    /// Undo a completion, with this reason (district only).
    pub undo: Option<String>,
    /// The measures as the screen showed them when the user began to write: if the
    /// stored ones differ, somebody else wrote meanwhile and nothing is written.
    pub seen: Option<String>,
}

/// How a publicity is to run: `xingji year publish --from --days --reason --confirm`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Publication {
    /// The first day.
    pub from: Date,
    /// Its length; None: the scheme's.
    pub days: Option<u32>,
    /// Why it starts before today (required then, and audited).
    pub reason: Option<String>,
    /// The district has seen which published figures of other townships it moves.
    pub confirm: bool,
    /// `from` was given (not today by default). A township already in publicity has
    /// its dates corrected (district only) when `from` or `days` is given.
    pub from_given: bool,
}

impl Publication {
    /// A publicity that began on `from`, before today, for the scheme's number of days,
    /// with why it is recorded only now.
    pub fn back_dated(from: Date, reason: &str) -> Publication {
        Publication {
            reason: Some(reason.to_string()),
            ..Publication::starting(from)
        }
    }

    /// From `from`, for the scheme's number of days.
    pub fn starting(from: Date) -> Publication {
        Publication {
            from,
            days: None,
            reason: None,
            confirm: false,
            from_given: true,
        }
    }
}

/// One township's state in a year, as the status command and screen show it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TownshipStatus {
    pub township: u32,
    pub name: String,
    pub stage: Stage,
    pub people: usize,
    pub complete: usize,
    pub publicity: Option<(Date, Date)>,
    pub approved_on: Option<Date>,
    pub open_objections: usize,
    /// 须更正公示 (see [`crate::domain::TownshipYear::correction`]).
    pub correction: bool,
}

impl TownshipStatus {
    /// The stage in words (at most 8 cells), a correction said: `须更正`, `更正公示`.
    pub fn stage_label(&self) -> &'static str {
        stage_label(self.stage, self.correction)
    }
}

/// A township's stage in words (at most 8 cells), a correction said: `须更正`, `更正公示`.
pub fn stage_label(stage: Stage, correction: bool) -> &'static str {
    match (stage, correction) {
        (Stage::Submitted, true) => "须更正",
        (Stage::Publicity, true) => "更正公示",
        (stage, _) => stage.label(),
    }
}

/// The last day of a publicity that starts on `from` and lasts `days` days.
pub fn publicity_end(from: Date, days: u32) -> Date {
    add_days(from, i64::from(days.max(1)) - 1)
}

/// `date` plus `days`, saturating at the calendar's ends (never a panic on a huge number).
pub fn add_days(date: Date, days: i64) -> Date {
    match jiff::Span::new().try_days(days) {
        Ok(span) => date.saturating_add(span),
        Err(_) if days < 0 => Date::MIN,
        Err(_) => Date::MAX,
    }
}

pub fn status(book: &YearBook) -> Vec<TownshipStatus> {
    // One pass over the assessments, grouped by township: complete. (Everyone
    // assessed is one of the year's people, counted with them.)
    let mut complete: HashMap<u32, usize> = HashMap::new();
    for e in &book.entries {
        if e.complete()
            && let Some(t) = book.township_of(e.secretary)
        {
            *complete.entry(t).or_default() += 1;
        }
    }
    status_with(book, &|t| complete.get(&t).copied().unwrap_or_default())
}

/// [`status`] with each township's count of complete secretaries already known.
pub fn status_with(book: &YearBook, complete: &dyn Fn(u32) -> usize) -> Vec<TownshipStatus> {
    let townships = book
        .district
        .townships
        .iter()
        .map(|(id, t)| (*id, &*t.name));
    statuses(townships, &book.record, &|t| book.headcount_of(t), complete)
}

/// The progress of `townships` (id, name) through a year: `people` and `complete`
/// count each one's secretaries, all of them and those complete.
pub(super) fn statuses<'a>(
    townships: impl Iterator<Item = (u32, &'a str)>,
    record: &YearRecord,
    people: &dyn Fn(u32) -> usize,
    complete: &dyn Fn(u32) -> usize,
) -> Vec<TownshipStatus> {
    // Each township's year looked up, not searched for among a province's.
    let years: HashMap<u32, &TownshipYear> =
        record.townships.iter().map(|(t, y)| (*t, y)).collect();
    let none = TownshipYear::default();
    townships
        .map(|(id, name)| {
            let year = years.get(&id).copied().unwrap_or(&none);
            let (people, complete) = (people(id), complete(id));
            TownshipStatus {
                township: id,
                name: name.to_string(),
                stage: year.stage,
                people,
                complete,
                publicity: year
                    .publicity
                    .map(|(from, days)| (from, publicity_end(from, days))),
                approved_on: year.approved_on,
                open_objections: year
                    .objections
                    .iter()
                    .filter(|o| o.resolution.is_none())
                    .count(),
                correction: year.correction,
            }
        })
        .collect()
}

/// The townships still entering (not yet submitted), by name.
pub fn waiting(book: &YearBook) -> Vec<String> {
    let moved_on: std::collections::HashSet<u32> = book
        .record
        .townships
        .iter()
        .filter(|(_, y)| y.stage != Stage::Entering)
        .map(|(t, _)| *t)
        .collect();
    book.district
        .townships
        .iter()
        .filter(|(id, _)| !moved_on.contains(id))
        .map(|(_, t)| t.name.to_string())
        .collect()
}

/// A township by name.
pub fn township_id(district: &crate::domain::District, name: &str) -> Result<u32> {
    district
        .township_id(name.trim())
        .ok_or_else(|| Refusal::NotFound(format!("没有名为「{}」的乡镇(街道)", name.trim())))
}

fn name(book: &YearBook, township: u32) -> String {
    book.district
        .township(township)
        .map_or_else(String::new, |t| t.name.to_string())
}

/// What a step did to one township.
enum Outcome {
    Done(String),
    /// Already there: nothing to do (a step is safe to repeat).
    Already(String),
}

impl Local {
    /// Apply `step` to each township in one transaction: any refusal and nothing changes.
    fn each(
        &self,
        book: &YearBook,
        townships: &[u32],
        what: &str,
        mut step: impl FnMut(&mut YearRecord, u32) -> std::result::Result<Outcome, String>,
        also: impl FnOnce(&mut Writer, &[u32]) -> Result<()>,
    ) -> Result<Vec<String>> {
        // The record as stored now, inside the write: another user's step since the
        // book was read is built on, never undone.
        let mut w = self.store.write(&self.actor.name)?;
        let mut record = w.year(book.year)?.unwrap_or_else(|| book.record.clone());
        let mut done = Vec::new();
        let mut already = Vec::new();
        let mut problems = Vec::new();
        for &t in townships {
            let before = record.stage(t);
            match step(&mut record, t) {
                Ok(Outcome::Done(after)) => done.push((t, before, after)),
                Ok(Outcome::Already(note)) => already.push(format!("{}:{note}", name(book, t))),
                Err(reason) => problems.push(format!("{}:{reason}", name(book, t))),
            }
        }
        if !problems.is_empty() {
            return refuse(format!(
                "{what}未执行,没有任何改动:\n  {}",
                problems.join("\n  ")
            ));
        }
        w.put_year(book.year, &record)?;
        let mut lines = Vec::new();
        let changed: Vec<u32> = done.iter().map(|(t, _, _)| *t).collect();
        for (t, before, after) in done {
            let scope = Scope {
                year: Some(book.year),
                township: Some(t),
                secretary: None,
            };
            w.audit_in(
                scope,
                &format!("{} 年度 {} {what}", book.year, name(book, t)),
                before.label(),
                &after,
            )?;
            lines.push(format!("{}:{after}", name(book, t)));
        }
        also(&mut w, &changed)?;
        w.commit()?;
        lines.extend(already);
        Ok(lines)
    }

    /// For the steps that only change stages.
    fn nothing_else(_: &mut Writer, _: &[u32]) -> Result<()> {
        Ok(())
    }

    /// 录入 → 已提交: every secretary of the township has a complete assessment.
    pub fn submit(&self, year: i16, townships: &[u32]) -> Result<Vec<String>> {
        let book = &self.full_book(year)?;
        let status = status(book);
        self.each(
            book,
            townships,
            "提交",
            |record, t| {
                self.actor
                    .may_change(t, &name(book, t))
                    .map_err(|e| e.to_string())?;
                let s = status
                    .iter()
                    .find(|s| s.township == t)
                    .expect("every township has a status");
                match record.stage(t) {
                    Stage::Entering => {}
                    stage => {
                        return Ok(Outcome::Already(format!(
                            "已是「{}」,无需提交",
                            stage.label()
                        )));
                    }
                }
                if s.people == 0 {
                    return Err("没有需要考核的书记".into());
                }
                if s.complete < s.people {
                    return Err(format!("还有 {} 名书记的考核未完成", s.people - s.complete));
                }
                let y = record.township_mut(t);
                y.stage = Stage::Submitted;
                y.submitted_on = Some(self.today());
                Ok(Outcome::Done(Stage::Submitted.label().to_string()))
            },
            Self::nothing_else,
        )
    }

    /// 已提交 → 公示, from a day, for the scheme's number of days unless given.
    /// The township's figures are frozen: stored, and read from then on. When they move
    /// the figures another township has published or had approved (quotas are
    /// district-wide), only the district may go on, having seen the list (`confirm`);
    /// those townships are then marked 须更正公示.
    pub fn publish(
        &self,
        year: i16,
        townships: &[u32],
        publication: &Publication,
    ) -> Result<Vec<String>> {
        let book = &self.full_book(year)?;
        let (from, confirm) = (publication.from, publication.confirm);
        let days = publication.days.unwrap_or(book.scheme.publicity.days);
        if !(1..=MAX_DAYS).contains(&days) {
            return refuse(format!("公示天数应在 1 到 {MAX_DAYS} 天之间"));
        }
        // A publicity said to have begun before today is a claim about the past: why.
        let reason = publication
            .reason
            .as_deref()
            .map(|r| crate::text::clean_line(r).trim().to_string())
            .filter(|r| !r.is_empty());
        if from < self.today() && reason.is_none() {
            return refuse(format!(
                "公示开始日期 {from} 早于今天,须说明理由(写在日期、天数之后;命令行用 --reason),理由记入审计日志"
            ));
        }
        // Who may not publish is told that first.
        for &t in townships {
            self.actor.may_change(t, &name(book, t))?;
        }
        // Quotas are the district's: stars are final, and fit to post, only when every
        // township has handed in.
        let waiting = waiting(book);
        if !waiting.is_empty() {
            return refuse(format!(
                "名额按全区计算,须全区各乡镇提交后才能公示;尚未提交:{}",
                crate::text::listed(&waiting, "个乡镇")
            ));
        }
        // Rated again whole, with its forms (a server's kept year holds none).
        let book = &*self.formed_book(year)?;
        let live = book.live_ratings();
        let moved = moved_elsewhere(book, townships, &live);
        if !moved.is_empty() {
            let list = moved_list(book, &moved);
            if !self.actor.is_district() {
                return refuse(format!(
                    "这次公示会改变其他乡镇已公示或已审定的结果,须由区委组织部确认后公示:\n  {list}"
                ));
            }
            if !confirm {
                return Err(Refusal::Confirm(format!(
                    "这次公示会改变以下已公示或已审定的结果,这些乡镇将标记为「须更正公示」,须重新公示、审定:\n  {list}"
                )));
            }
        }
        let corrects = correcting(book, townships, &live);
        self.each(
            book,
            townships,
            "公示",
            |record, t| {
                self.actor
                    .may_change(t, &name(book, t))
                    .map_err(|e| e.to_string())?;
                match record.stage(t) {
                    Stage::Submitted => {}
                    Stage::Entering => return Err("还在「录入」阶段,须先提交".into()),
                    Stage::Publicity if publication.from_given || publication.days.is_some() => {
                        let y = record.township_mut(t);
                        // What is not given stays as it was.
                        let start = match y.publicity {
                            Some((old, _)) if !publication.from_given => old,
                            _ => from,
                        };
                        let length = publication
                            .days
                            .or(y.publicity.map(|(_, d)| d))
                            .unwrap_or(days);
                        return self.correct_dates(y, (start, length));
                    }
                    stage => return Ok(Outcome::Already(format!("已是「{}」", stage.label()))),
                }
                let y = record.township_mut(t);
                y.stage = Stage::Publicity;
                y.publicity = Some((from, days));
                y.correction |= corrects.contains(&t);
                let kind = if y.correction {
                    "更正公示"
                } else {
                    "公示"
                };
                let why = reason
                    .as_ref()
                    .filter(|_| from < self.today())
                    .map_or(String::new(), |r| format!(",补记理由:{r}"));
                Ok(Outcome::Done(format!(
                    "{kind} {from} 至 {}({days} 天){why}",
                    publicity_end(from, days)
                )))
            },
            |w, changed| {
                // Only the townships whose publicity starts now freeze; corrected dates
                // leave the figures as they were published.
                let started: Vec<u32> = changed
                    .iter()
                    .copied()
                    .filter(|t| book.record.stage(*t) == Stage::Submitted)
                    .collect();
                freeze(w, book, &started, &live)?;
                mark_corrections(w, book, &moved)
            },
        )
    }

    /// New dates for a running publicity (district only): the first day and length.
    fn correct_dates(
        &self,
        y: &mut crate::domain::TownshipYear,
        (from, days): (Date, u32),
    ) -> std::result::Result<Outcome, String> {
        self.actor
            .need_district(DistrictStep::Approve)
            .map_err(|_| "公示期只有区委组织部可以更正".to_string())?;
        if y.publicity == Some((from, days)) {
            return Ok(Outcome::Already(format!("公示期已是 {from} 起 {days} 天")));
        }
        let was = y.publicity.map_or(String::new(), |(f, d)| {
            format!("{f} 至 {}", publicity_end(f, d))
        });
        y.publicity = Some((from, days));
        Ok(Outcome::Done(format!(
            "公示期由 {was} 更正为 {from} 至 {}({days} 天)",
            publicity_end(from, days)
        )))
    }

    /// 公示 → 已审定 (district only): the publicity has ended and no objection is open.
    /// Opens a rectification for each 诫勉整改 / 建议调整 secretary of the township.
    pub fn approve(&self, year: i16, townships: &[u32]) -> Result<Vec<String>> {
        let book = &self.full_book(year)?;
        self.need_district(DistrictStep::Approve)?;
        let today = self.today();
        let status = status(book);
        let waiting = waiting(book);
        let step = |record: &mut YearRecord, t: u32| {
            let y = record.township_mut(t);
            match (y.stage, y.publicity) {
                (Stage::Publicity, Some((from, days))) => {
                    let end = publicity_end(from, days);
                    if today <= end {
                        return Err(format!(
                            "公示期到 {end} 为止,尚未结束,{} 起才能审定",
                            end.tomorrow().unwrap_or(end)
                        ));
                    }
                }
                (Stage::Approved, _) => {
                    return Ok(Outcome::Already(format!(
                        "已于 {} 审定",
                        y.approved_on.map_or(String::new(), |d| d.to_string())
                    )));
                }
                (stage, _) => {
                    return Err(format!(
                        "当前为「{}」,须先公示,公示期满后才能审定",
                        stage.label()
                    ));
                }
            }
            // Quotas are counted over the whole district: its figures are final only when
            // every township has handed in.
            if !waiting.is_empty() {
                return Err(format!(
                    "名额按全区计算,须全区各乡镇提交后才能审定;尚未提交:{}",
                    crate::text::listed(&waiting, "个乡镇")
                ));
            }
            if let Some(s) = status.iter().find(|s| s.township == t)
                && s.complete < s.people
            {
                return Err(format!("还有 {} 名书记的考核未完成", s.people - s.complete));
            }
            let open = y
                .objections
                .iter()
                .filter(|o| o.resolution.is_none())
                .count();
            if open > 0 {
                return Err(format!("还有 {open} 条异议未处理"));
            }
            y.stage = Stage::Approved;
            y.approved_on = Some(today);
            y.correction = false;
            Ok(Outcome::Done(Stage::Approved.label().to_string()))
        };
        // The approval and the rectifications it opens land together or not at all.
        self.each(book, townships, "审定", step, |w, approved| {
            Self::open_rectifications(w, book, approved, today)
        })
    }

    /// Rectifications for the low secretaries of approved townships (kept when they exist,
    /// so measures already written are not lost on a second approval).
    fn open_rectifications(
        w: &mut Writer,
        book: &YearBook,
        townships: &[u32],
        today: Date,
    ) -> Result<()> {
        let days = i64::from(book.scheme.consequences.rectify_days);
        let deadline = add_days(today, days);
        // Looked up, not searched for, for each of a province's secretaries.
        let townships: HashSet<u32> = townships.iter().copied().collect();
        for e in &book.entries {
            let Some(t) = book.township_of(e.secretary) else {
                continue;
            };
            if !townships.contains(&t) {
                continue;
            }
            let existing = w.rectification(book.year, e.secretary)?;
            let scope = Scope {
                year: Some(book.year),
                township: Some(t),
                secretary: Some(e.secretary),
            };
            let what = format!("{} 年度 {} 整改", book.year, book.name_of(e.secretary));
            let low = matches!(
                e.consequence(),
                Some(Consequence::Admonish | Consequence::Replace)
            );
            match (e.consequence(), existing) {
                // Low, and no follow-up yet (or only one whose basis had gone): one opens.
                (Some(c), None) if low => {
                    let r = Rectification {
                        consequence: c,
                        approved_on: today,
                        deadline,
                        measures: String::new(),
                        done_on: None,
                        withdrawn: None,
                    };
                    w.put_rectification(book.year, e.secretary, &r)?;
                    w.audit_in(scope, &what, "", &r.describe(today))?;
                }
                (Some(c), Some(old)) if low && old.withdrawn.is_some() => {
                    let r = Rectification {
                        consequence: c,
                        approved_on: today,
                        deadline,
                        withdrawn: None,
                        ..old.clone()
                    };
                    w.put_rectification(book.year, e.secretary, &r)?;
                    w.audit_in(scope, &what, &old.describe(today), &r.describe(today))?;
                }
                // No longer low after a correction: the follow-up loses its basis. The
                // record stays, marked 撤销 with the reason.
                (_, Some(old)) if !low && old.done_on.is_none() && old.withdrawn.is_none() => {
                    let reason = format!(
                        "重新审定后为{},不再须{}",
                        crate::domain::stars_words(e.stars()),
                        old.consequence.label()
                    );
                    let r = Rectification {
                        withdrawn: Some((today, reason)),
                        ..old.clone()
                    };
                    w.put_rectification(book.year, e.secretary, &r)?;
                    w.audit_in(
                        scope,
                        &format!("{what}撤销"),
                        &old.describe(today),
                        &r.describe(today),
                    )?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// 已审定 (or any later stage) → 录入, by the district only, with a reason.
    pub fn reopen(&self, year: i16, townships: &[u32], reason: &str) -> Result<Vec<String>> {
        let book = &self.full_book(year)?;
        self.need_district(DistrictStep::Reopen)?;
        let reason = crate::text::clean_line(reason).trim().to_string();
        if reason.is_empty() {
            return refuse("重新打开需要说明理由(--reason)");
        }
        let today = self.today();
        self.each(
            book,
            townships,
            "重新打开",
            |record, t| {
                let y = record.township_mut(t);
                if y.stage == Stage::Entering {
                    return Ok(Outcome::Already("已是「录入」阶段".into()));
                }
                y.stage = Stage::Entering;
                // The submission, publicity and approval no longer hold: the year must go
                // through them again (the reopening and the audit log keep the history).
                y.submitted_on = None;
                y.publicity = None;
                y.approved_on = None;
                // Its next publication is a correction if its figures then differ from
                // those it published (`corrects_itself`), whatever marked it before.
                y.correction = false;
                y.reopenings
                    .push((today, self.actor.name.clone(), reason.clone()));
                Ok(Outcome::Done(format!(
                    "{}(理由:{reason})",
                    Stage::Entering.label()
                )))
            },
            Self::nothing_else,
        )
    }

    /// The township of a secretary whose records `actor` is about to change.
    fn township_to_change(&self, book: &YearBook, secretary: u32) -> Result<u32> {
        let t = book.township_of(secretary).ok_or(Refusal::NoSecretary)?;
        self.actor.may_change(t, &name(book, t))?;
        Ok(t)
    }

    /// Record an objection to a secretary's result during publicity.
    pub fn object(&self, year: i16, secretary: u32, text: &str) -> Result<String> {
        let book = &self.full_book(year)?;
        let t = self.township_to_change(book, secretary)?;
        let typed = crate::text::clean_line(text).trim().to_string();
        let (text, by, contact) = Objection::split(&typed);
        if text.is_empty() {
            return refuse("异议内容不能为空");
        }
        if book.record.stage(t) != Stage::Publicity {
            return refuse(format!("{} 不在公示期,不能登记异议", name(book, t)));
        }
        let objection = Objection {
            secretary,
            raised_on: self.today(),
            text,
            by,
            contact,
            resolution: None,
        };
        let what = format!("{} 年度 {} 异议", book.year, book.name_of(secretary));
        self.store_record(
            book,
            |record| {
                record.township_mut(t).objections.push(objection);
                Ok(())
            },
            (t, secretary),
            &what,
            ("", &typed),
        )?;
        Ok(format!("已登记对 {} 的异议", book.name_of(secretary)))
    }

    /// Store a year record changed about one secretary, with its audit line.
    /// `change` is made to the record as stored now, inside the write (another user's
    /// step since the book was read is kept).
    fn store_record(
        &self,
        book: &YearBook,
        change: impl FnOnce(&mut YearRecord) -> Result<()>,
        (township, secretary): (u32, u32),
        what: &str,
        (before, after): (&str, &str),
    ) -> Result<()> {
        let mut w = self.store.write(&self.actor.name)?;
        let mut record = w.year(book.year)?.unwrap_or_else(|| book.record.clone());
        change(&mut record)?;
        w.put_year(book.year, &record)?;
        let scope = Scope {
            year: Some(book.year),
            township: Some(township),
            secretary: Some(secretary),
        };
        w.audit_in(scope, what, before, after)?;
        w.commit()?;
        Ok(())
    }

    /// Settle the open objections about a secretary.
    pub fn resolve(&self, year: i16, secretary: u32, resolution: &str) -> Result<String> {
        let book = &self.full_book(year)?;
        let t = self.township_to_change(book, secretary)?;
        let resolution = crate::text::clean_line(resolution).trim().to_string();
        if resolution.is_empty() {
            return refuse("处理结果不能为空");
        }
        let mut n = 0;
        let what = format!("{} 年度 {} 异议处理", book.year, book.name_of(secretary));
        self.store_record(
            book,
            |record| {
                for o in record
                    .township_mut(t)
                    .objections
                    .iter_mut()
                    .filter(|o| o.secretary == secretary && o.resolution.is_none())
                {
                    o.resolution = Some(resolution.clone());
                    n += 1;
                }
                if n == 0 {
                    return refuse(format!("{} 没有未处理的异议", book.name_of(secretary)));
                }
                Ok(())
            },
            (t, secretary),
            &what,
            ("未处理", &resolution),
        )?;
        Ok(format!("已处理 {} 的 {n} 条异议", book.name_of(secretary)))
    }

    /// Update a rectification: its measures, and/or mark it done (measures needed), or
    /// (district only, with a reason) undo a completion.
    pub fn update_rectification(
        &self,
        year: i16,
        secretary: u32,
        change: &RectifyChange,
    ) -> Result<String> {
        let book = &self.full_book(year)?;
        let t = self.township_to_change(book, secretary)?;
        let name = book.name_of(secretary);
        let today = self.today();
        let mut w = self.store.write(&self.actor.name)?;
        let Some(old) = w.rectification(book.year, secretary)? else {
            return refuse(format!("{} 年度 {name} 没有整改记录", book.year));
        };
        if old.withdrawn.is_some() {
            return refuse(format!("{name} 的整改已撤销,不能再更新"));
        }
        if change
            .seen
            .as_ref()
            .is_some_and(|seen| *seen != old.measures)
        {
            return refuse(format!(
                "{name} 的整改措施刚被其他用户修改,已重新读取;请核对后再保存"
            ));
        }
        let mut r = old.clone();
        if let Some(m) = &change.measures {
            r.measures = crate::text::clean_multiline(m).trim().to_string();
        }
        if change.done && r.measures.is_empty() {
            return refuse(format!(
                "{name} 的整改还没有填写整改措施;请先写明措施,再标记为已完成"
            ));
        }
        if change.done && r.done_on.is_none() {
            r.done_on = Some(today);
        }
        let undo = change
            .undo
            .as_deref()
            .map(|why| crate::text::clean_line(why).trim().to_string());
        if let Some(why) = &undo {
            self.need_district(DistrictStep::UndoDone)?;
            if why.is_empty() {
                return refuse("撤回“已完成”需要说明理由(--reason)");
            }
            if r.done_on.is_none() {
                return refuse(format!("{name} 的整改尚未完成,无需撤回"));
            }
            r.done_on = None;
        }
        if r == old {
            return Ok(format!("{name} 的整改记录没有变化"));
        }
        let scope = Scope {
            year: Some(book.year),
            township: Some(t),
            secretary: Some(secretary),
        };
        let what = format!("{} 年度 {name} 整改", book.year);
        if r.measures != old.measures {
            w.audit_in(scope, &format!("{what}措施"), &old.measures, &r.measures)?;
        }
        if r.done_on != old.done_on {
            let title = match &undo {
                Some(why) => format!("{what}撤回完成(理由:{why})"),
                None => format!("{what}完成"),
            };
            w.audit_in(scope, &title, &old.describe(today), &r.describe(today))?;
        }
        w.put_rectification(book.year, secretary, &r)?;
        w.commit()?;
        Ok(format!("已更新 {name} 的整改记录:{}", r.describe(today)))
    }
}

/// One secretary's standing figures that a publication moves: (township, secretary,
/// what stands, what it becomes).
type Moved = (u32, u32, Rating, Rating);

/// The published or approved figures of townships other than `publishing` that differ
/// from the figures computed now.
fn moved_elsewhere(book: &YearBook, publishing: &[u32], live: &[Rating]) -> Vec<Moved> {
    // Each township's year and the publishing ones looked up, not searched for, for
    // each of a province's secretaries.
    let years: HashMap<u32, &TownshipYear> =
        book.record.townships.iter().map(|(t, y)| (*t, y)).collect();
    let publishing: HashSet<u32> = publishing.iter().copied().collect();
    let mut moved = Vec::new();
    for (e, now) in book.entries.iter().zip(live) {
        let Some(t) = book.township_of(e.secretary) else {
            continue;
        };
        let Some(year) = years.get(&t) else {
            continue; // still entering: nothing stands
        };
        // Already marked 须更正公示 and waiting for its correcting publicity: the
        // district confirmed it when it was marked. (One in 更正公示 is checked again.)
        let waiting = year.correction && year.stage == Stage::Submitted;
        if publishing.contains(&t) || !year.standing() || waiting {
            continue;
        }
        if let Some(f) = book.frozen_of(e.secretary)
            && f.moved(now)
        {
            moved.push((t, e.secretary, f.rating.clone(), now.clone()));
        }
    }
    moved
}

/// The townships of `publishing` whose publication changes figures they published
/// before (a reopening and a change): theirs is a 更正公示. One pass over the year.
fn correcting(book: &YearBook, publishing: &[u32], live: &[Rating]) -> HashSet<u32> {
    let publishing: HashSet<u32> = publishing.iter().copied().collect();
    let mut correcting = HashSet::new();
    for (e, now) in book.entries.iter().zip(live) {
        if let Some(t) = book.township_of(e.secretary)
            && publishing.contains(&t)
            && !correcting.contains(&t)
            && book.frozen_of(e.secretary).is_some_and(|f| f.moved(now))
        {
            correcting.insert(t);
        }
    }
    correcting
}

/// A rating as a secretary is told it: `3星,合格,74.27 分,绩效报酬 10800 元,诫勉整改`.
pub fn rating_words(r: &Rating) -> String {
    let Some(f) = r.evaluation.figures() else {
        return "未完成".to_string();
    };
    let mut words = vec![
        crate::domain::stars_words(r.stars),
        f.outcome.label().to_string(),
        format!("{:.2} 分", f.total),
    ];
    if let Some(pay) = r.pay {
        words.push(format!("绩效报酬 {pay} 元"));
    }
    if let Some(c) = r.consequence {
        words.push(c.label().to_string());
    }
    words.join(",")
}

fn moved_list(book: &YearBook, moved: &[Moved]) -> String {
    moved
        .iter()
        .map(|(t, s, before, after)| {
            format!(
                "{} {}:{} → {}",
                name(book, *t),
                book.name_of(*s),
                rating_words(before),
                rating_words(after)
            )
        })
        .collect::<Vec<_>>()
        .join("\n  ")
}

/// Store the figures of the published townships as they are now: they stand from this
/// publication on. Figures that replace different published ones keep those (更正公示).
fn freeze(w: &mut Writer, book: &YearBook, published: &[u32], live: &[Rating]) -> Result<()> {
    let published: HashSet<u32> = published.iter().copied().collect();
    for (e, now) in book.entries.iter().zip(live) {
        if !book
            .township_of(e.secretary)
            .is_some_and(|t| published.contains(&t))
        {
            continue;
        }
        let replaced = book
            .frozen_of(e.secretary)
            .filter(|f| f.moved(now))
            .map(|f| f.rating.clone());
        let frozen = Frozen {
            assessment: e.to_assessment(),
            rating: now.clone(),
            replaced,
        };
        w.put_frozen(book.year, e.secretary, &frozen)?;
    }
    Ok(())
}

/// Mark the townships whose standing figures moved 须更正公示: back to 已提交, to be
/// published again (更正公示) and approved again. Every moved figure is audited.
fn mark_corrections(w: &mut Writer, book: &YearBook, moved: &[Moved]) -> Result<()> {
    if moved.is_empty() {
        return Ok(());
    }
    let mut record = w.year(book.year)?.unwrap_or_else(|| book.record.clone());
    let mut townships: Vec<u32> = moved.iter().map(|(t, ..)| *t).collect();
    townships.dedup();
    for &t in &townships {
        let y = record.township_mut(t);
        let before = y.stage.label();
        y.stage = Stage::Submitted;
        y.correction = true;
        y.publicity = None;
        y.approved_on = None;
        let scope = Scope {
            year: Some(book.year),
            township: Some(t),
            secretary: None,
        };
        w.audit_in(
            scope,
            &format!("{} 年度 {} 须更正公示", book.year, name(book, t)),
            before,
            "已提交(须更正公示)",
        )?;
    }
    w.put_year(book.year, &record)?;
    for (t, s, before, after) in moved {
        let scope = Scope {
            year: Some(book.year),
            township: Some(*t),
            secretary: Some(*s),
        };
        w.audit_in(
            scope,
            &format!(
                "{} 年度 {} 结果变动(须更正公示)",
                book.year,
                book.name_of(*s)
            ),
            &rating_words(before),
            &rating_words(after),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::exchange::parse_csv;
    use crate::service::Service;

    /// The same small district behind both implementations of the service: a store
    /// opened here, and a server over a file (the guard keeps the file).
    fn districts() -> Vec<(Option<tempfile::TempDir>, Service)> {
        let local = Service::in_memory(crate::scoring::DEFAULT_SCHEME, "admin").unwrap();
        fill(&local);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.redb");
        fill(&Service::create(&db, crate::scoring::DEFAULT_SCHEME, "admin").unwrap());
        let socket = dir.path().join("x.sock");
        let listener = crate::server::bind(&socket).unwrap();
        let store = crate::store::Store::open(&db).unwrap();
        let server = crate::server::Server::new(store, Box::new(|_| Ok("admin".into())));
        std::thread::spawn(move || server.run(&listener));
        let remote = Service::connect(&socket).unwrap();
        assert!(remote.is_remote());
        vec![(None, local), (Some(dir), remote)]
    }

    fn fill(admin: &Service) {
        let roster = "乡镇,村(社区),姓名,任职日期\n神头镇,马邑村,张三,2015-01-01\n利民镇,东村,李四,2015-01-01\n";
        admin
            .import_roster("r", parse_csv(roster).unwrap())
            .unwrap();
        let mut scores = String::from(
            "乡镇,村(社区),姓名,政治素质,履职尽责,廉洁自律,集体经济发展,增收项目,阵地建设,人居环境改善,基层组织建设,三务公开,风险隐患管控,精神文明创建,为民服务,组织评价,满意,基本满意,不满意\n",
        );
        scores.push_str("神头镇,马邑村,张三,5,6,6,12,8,6,6,7,4,6,8,8,好,30,5,1\n");
        scores.push_str("利民镇,东村,李四,3,3,3,6,4,3,3,3,2,3,4,4,差,5,5,20\n");
        admin
            .import_scores("s", parse_csv(&scores).unwrap(), 2025)
            .unwrap();
    }

    fn stage(service: &Service, township: u32) -> Stage {
        service.book(2025).unwrap().record.stage(township)
    }

    #[test]
    fn approval_waits_for_every_township_and_lands_with_its_rectifications() {
        for (_guard, admin) in districts() {
            approval_waits(&admin);
        }
    }

    fn approval_waits(admin: &Service) {
        let shen = admin.townships(Some("神头镇")).unwrap()[0];
        let li = admin.townships(Some("利民镇")).unwrap()[0];
        let past = Date::new(2025, 1, 1).unwrap();
        admin.submit(2025, &[shen]).unwrap();
        // Quotas are the district's: no township is posted while another still enters.
        let err = admin
            .publish(
                2025,
                &[shen],
                &crate::service::Publication::back_dated(past, "补录纸质公示"),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("须全区各乡镇提交后才能公示") && err.contains("利民镇"),
            "{err}"
        );
        assert_eq!(stage(admin, shen), Stage::Submitted, "nothing changed");
        admin.submit(2025, &[li]).unwrap();
        admin
            .publish(
                2025,
                &[shen],
                &crate::service::Publication::back_dated(past, "补录纸质公示"),
            )
            .unwrap();
        admin
            .publish(
                2025,
                &[li],
                &crate::service::Publication::back_dated(past, "补录纸质公示"),
            )
            .unwrap();
        admin.approve(2025, &[shen, li]).unwrap();
        // 李四 is 不合格: his rectification was opened in the approval's own transaction.
        let rect = admin.rectifications(Some(2025)).unwrap();
        assert_eq!(rect.len(), 1);
        assert_eq!(rect[0].2.consequence, Consequence::Admonish);
        let reopened = admin.reopen(2025, &[shen], "核对").unwrap();
        assert!(reopened[0].contains("录入"));
        admin.submit(2025, &[shen]).unwrap();
        // A township clerk may not change a submitted township; the district may.
        let b = admin.book(2025).unwrap();
        let clerk = super::super::Actor {
            name: "c".into(),
            role: Role::Township(shen),
        };
        let err = clerk
            .may_edit((shen, "神头镇"), Some(&b.record), 2025)
            .unwrap_err();
        assert!(matches!(err, Refusal::HandedIn { .. }), "{err}");
        assert!(err.to_string().contains("已提交"), "{err}");
        assert!(
            admin
                .actor()
                .may_edit((shen, "神头镇"), Some(&b.record), 2025)
                .is_ok()
        );
    }

    #[test]
    fn huge_day_counts_are_refused_not_a_panic() {
        for (_guard, admin) in districts() {
            huge_days(&admin);
        }
    }

    fn huge_days(admin: &Service) {
        let shen = admin.townships(Some("神头镇")).unwrap()[0];
        admin.submit(2025, &[shen]).unwrap();
        let err = admin
            .publish(
                2025,
                &[shen],
                &crate::service::Publication {
                    days: Some(8_000_000),
                    ..crate::service::Publication::starting(admin.today())
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("公示天数"));
        assert_eq!(
            add_days(Date::new(2025, 1, 1).unwrap(), i64::MAX),
            Date::MAX
        );
    }
}
