//! The assessment year's own records: its stage per township, publicity, objections,
//! and the rectifications that approval opens (docs/rules.md §4).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// 录入 → 已提交 → 公示 → 已审定 (§4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    #[default]
    Entering,
    Submitted,
    Publicity,
    Approved,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Entering => "录入",
            Stage::Submitted => "已提交",
            Stage::Publicity => "公示",
            Stage::Approved => "已审定",
        }
    }
}

/// An assessment year: a frozen copy of the scheme (its TOML text) and each
/// township's progress through the year (§4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRecord {
    pub scheme: String,
    pub townships: Vec<(u32, TownshipYear)>,
}

/// A township's year: its stage, the publicity, objections, approval and reopenings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TownshipYear {
    pub stage: Stage,
    pub submitted_on: Option<Date>,
    /// 公示: first day and number of days.
    pub publicity: Option<(Date, u32)>,
    pub approved_on: Option<Date>,
    pub objections: Vec<Objection>,
    /// (date, who, reason) of each reopening by the district.
    pub reopenings: Vec<(Date, String, String)>,
    /// 须更正公示: figures published or approved before have moved; the township goes
    /// through a correcting publicity (更正公示) and a new approval.
    pub correction: bool,
    /// The township's own quantitative items (name, maximum), summing to 100, set by
    /// the district; empty: the district's items.
    pub items: Vec<(String, rust_decimal::Decimal)>,
}

impl TownshipYear {
    /// Its published figures stand (frozen): in publicity, approved, or waiting for a
    /// correcting publicity. Nothing of it may be changed until the district reopens it.
    pub fn standing(&self) -> bool {
        matches!(self.stage, Stage::Publicity | Stage::Approved)
            || (self.stage == Stage::Submitted && self.correction)
    }
}

/// An objection raised during publicity about one secretary's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    pub secretary: u32,
    pub raised_on: Date,
    pub text: String,
    /// Who raised it, and how to reach them (either may be empty: anonymous).
    pub by: String,
    pub contact: String,
    /// How it was settled; None while open.
    pub resolution: Option<String>,
}

impl Objection {
    /// The content with who raised it and their contact, as lists show it:
    /// `得分偏低(王某 13800000000)`, or the content alone.
    pub fn shown(&self) -> String {
        let who: Vec<&str> = [self.by.as_str(), self.contact.as_str()]
            .into_iter()
            .filter(|w| !w.is_empty())
            .collect();
        if who.is_empty() {
            self.text.clone()
        } else {
            format!("{}({})", self.text, who.join(" "))
        }
    }

    /// Split a typed objection into its content, who raised it and how to reach them:
    /// `得分偏低 反映人:王某 电话:13800000000` (the colon may be full- or half-width;
    /// `联系方式` for `电话`). Without the markers it is all content.
    pub fn split(typed: &str) -> (String, String, String) {
        let mut content = Vec::new();
        let (mut by, mut contact) = (String::new(), String::new());
        for word in typed
            .split([' ', '\u{3000}', ';', ';'])
            .filter(|w| !w.is_empty())
        {
            let value = |marker: &str| {
                [':', '\u{ff1a}']
                    .iter()
                    .find_map(|c| word.strip_prefix(&format!("{marker}{c}")))
                    .map(str::to_string)
            };
            if let Some(v) = value("反映人") {
                by = v;
            } else if let Some(v) = value("电话").or_else(|| value("联系方式")) {
                contact = v;
            } else {
                content.push(word);
            }
        }
        (content.join(" "), by, contact)
    }
}

impl YearRecord {
    pub fn new(scheme: String) -> YearRecord {
        YearRecord {
            scheme,
            townships: Vec::new(),
        }
    }

    pub fn township(&self, township: u32) -> TownshipYear {
        self.townships
            .iter()
            .find(|(t, _)| *t == township)
            .map(|(_, y)| y.clone())
            .unwrap_or_default()
    }

    pub fn township_mut(&mut self, township: u32) -> &mut TownshipYear {
        let i = match self.townships.iter().position(|(t, _)| *t == township) {
            Some(i) => i,
            None => {
                self.townships.push((township, TownshipYear::default()));
                self.townships.len() - 1
            }
        };
        &mut self.townships[i].1
    }

    /// Each township's stage and whether it waits for a correction, by township (one
    /// pass: a province's record lists its townships in no order).
    pub fn stages(&self) -> std::collections::HashMap<u32, (Stage, bool)> {
        self.townships
            .iter()
            .map(|(t, y)| (*t, (y.stage, y.correction)))
            .collect()
    }

    pub fn stage(&self, township: u32) -> Stage {
        self.townships
            .iter()
            .find(|(t, _)| *t == township)
            .map_or(Stage::Entering, |(_, y)| y.stage)
    }
}

/// 整改: the follow-up of a low-star secretary after approval (§3.12, §4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub consequence: super::Consequence,
    pub approved_on: Date,
    pub deadline: Date,
    /// 整改措施 (multi-line).
    pub measures: String,
    pub done_on: Option<Date>,
    /// 撤销: the day and the reason its basis went away (a correction left the secretary
    /// no longer low). The record is kept.
    pub withdrawn: Option<(Date, String)>,
}

/// 进行中 / 已完成 / 逾期 / 撤销.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RectifyStatus {
    Open,
    Done,
    Overdue,
    Withdrawn,
}

impl RectifyStatus {
    pub fn label(self) -> &'static str {
        match self {
            RectifyStatus::Open => "进行中",
            RectifyStatus::Done => "已完成",
            RectifyStatus::Overdue => "逾期",
            RectifyStatus::Withdrawn => "撤销",
        }
    }
}

impl Rectification {
    /// The record in words, for the audit log: `诫勉整改,期限 2026-04-20,进行中`.
    pub fn describe(&self, today: Date) -> String {
        let state = match (&self.withdrawn, self.done_on) {
            (Some((d, why)), _) => format!("{d} 撤销({why})"),
            (None, Some(d)) => format!("{d} 完成"),
            (None, None) => self.status(today).label().to_string(),
        };
        format!(
            "{},期限 {},{state}",
            self.consequence.label(),
            self.deadline
        )
    }

    pub fn status(&self, today: Date) -> RectifyStatus {
        if self.withdrawn.is_some() {
            RectifyStatus::Withdrawn
        } else if self.done_on.is_some() {
            RectifyStatus::Done
        } else if today > self.deadline {
            RectifyStatus::Overdue
        } else {
            RectifyStatus::Open
        }
    }
}
