//! Plain types of the domain (docs/rules.md, 名词) and the parsing of user-typed values.
//! Nothing here knows of ratatui or redb.

mod audit;
mod column;
mod district;
mod ids;
mod items;
mod office;
mod value;
mod year;

pub use audit::{AuditEntry, Scope};
pub use column::{Codes, Dates, Runs};
pub use district::{District, NameIndex, Role};
pub use ids::Ids;
pub use items::Items;
pub use office::{Office, Setting};
pub use year::{Objection, Rectification, RectifyStatus, Stage, TownshipYear, YearRecord};

pub use value::{
    ValueError, means_no_veto, no_veto_message, parse_ballots, parse_date, parse_points,
    parse_score,
};

use ecow::EcoString;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// 组织评价: the township committee's grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    Good,
    FairlyGood,
    Average,
    Poor,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Good, Grade::FairlyGood, Grade::Average, Grade::Poor];

    pub fn label(self) -> &'static str {
        match self {
            Grade::Good => "好",
            Grade::FairlyGood => "较好",
            Grade::Average => "一般",
            Grade::Poor => "差",
        }
    }

    pub fn parse(text: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.label() == text.trim())
    }
}

/// 乡 / 镇 / 街道.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TownshipKind {
    Xiang,
    Zhen,
    Jiedao,
}

impl TownshipKind {
    pub fn from_name(name: &str) -> TownshipKind {
        if name.ends_with("街道") {
            TownshipKind::Jiedao
        } else if name.ends_with('镇') {
            TownshipKind::Zhen
        } else {
            TownshipKind::Xiang
        }
    }
}

/// 村 / 社区: a village is a 社区 when its name ends in 社区 (§5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VillageKind {
    Village,
    Community,
}

impl VillageKind {
    pub fn from_name(name: &str) -> VillageKind {
        if name.ends_with("社区") {
            VillageKind::Community
        } else {
            VillageKind::Village
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Township {
    pub name: EcoString,
    pub kind: TownshipKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Village {
    pub township: u32,
    pub name: EcoString,
    pub kind: VillageKind,
}

/// 性别.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }

    pub fn parse(text: &str) -> Option<Gender> {
        match text.trim() {
            "男" => Some(Gender::Male),
            "女" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// A village Party secretary and one term in post. A new secretary of the same
/// village is a new record; the old one's term is closed (`left_office`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secretary {
    pub village: u32,
    pub name: EcoString,
    pub gender: Option<Gender>,
    pub born: Option<Date>,
    pub took_office: Date,
    pub left_office: Option<Date>,
}

/// One secretary's assessment of one year, shaped like the scores file and the form (§5, §8).
/// An item absent from `items` has not been entered yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub items: Items,
    pub grade: Option<Grade>,
    pub ballots: Ballots,
    /// 加分 (one total) and its reason; zero means none.
    pub bonus: Decimal,
    pub bonus_reason: String,
    /// 减分 (one total) and its reason; zero means none.
    pub penalty: Decimal,
    pub penalty_reason: String,
    /// 否决事由: non-empty means a veto (一票否决).
    pub veto_reason: String,
    pub notes: String,
}

impl Assessment {
    pub fn vetoed(&self) -> bool {
        !self.veto_reason.trim().is_empty()
    }
}

/// 群众评议 ballot counts; 不了解 is kept but not counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballots {
    pub satisfied: u32,
    pub basically: u32,
    pub dissatisfied: u32,
    pub unknown: u32,
}

impl Ballots {
    /// The valid ballots: 满意 + 基本满意 + 不满意.
    pub fn valid(&self) -> u64 {
        u64::from(self.satisfied) + u64::from(self.basically) + u64::from(self.dissatisfied)
    }
}

/// 考核结果.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    Excellent,
    Pass,
    BasicPass,
    Fail,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Excellent,
        Outcome::Pass,
        Outcome::BasicPass,
        Outcome::Fail,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Excellent => "优秀",
            Outcome::Pass => "合格",
            Outcome::BasicPass => "基本合格",
            Outcome::Fail => "不合格",
        }
    }
}

/// 处理意见 (§3.12), in precedence order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Consequence {
    /// 建议调整: low this year and the previous year.
    Replace,
    /// 诫勉整改: low this year.
    Admonish,
    /// 优先选拔: high stars.
    Promote,
}

impl Consequence {
    pub fn label(self) -> &'static str {
        match self {
            Consequence::Replace => "建议调整",
            Consequence::Admonish => "诫勉整改",
            Consequence::Promote => "优先选拔",
        }
    }
}

/// Format a star level as the report writes it: `0`–`5` or `未定星`.
pub fn stars_label(stars: Option<u8>) -> String {
    match stars {
        Some(s) => s.to_string(),
        None => "未定星".to_string(),
    }
}

/// Stars in words, as notices and letters say them: `4星`, or `未定星`.
pub fn stars_words(stars: Option<u8>) -> String {
    match stars {
        Some(s) => format!("{s}星"),
        None => stars_label(None),
    }
}

/// Stars drawn with ASCII only (§9), in six cells on every screen: `***--3`.
pub fn stars_ascii(stars: Option<u8>) -> String {
    match stars {
        Some(s) => {
            let s = usize::from(s.min(5));
            format!("{}{}{}", "*".repeat(s), "-".repeat(5 - s), s)
        }
        None => "未定星".to_string(),
    }
}
