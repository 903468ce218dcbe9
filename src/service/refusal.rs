//! Why the service said no: one typed value per kind of refusal, with its Chinese
//! text here and nowhere else. Screens and commands branch on the variant (a conflict
//! reloads, a lock is shown), never on the words.

use std::fmt;

use crate::domain::Stage;

/// One problem of an import file: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "第{}行「{}」:{}", self.line, c, self.message),
            None => write!(f, "第{}行:{}", self.line, self.message),
        }
    }
}

/// What only the district may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DistrictStep {
    Approve,
    Reopen,
    ListUsers,
    ManageUsers,
    Backup,
    Export,
    Check,
    Scheme,
    UndoDone,
    Settings,
}

impl DistrictStep {
    /// What, and who does it instead.
    fn text(self) -> &'static str {
        match self {
            DistrictStep::Approve => "审定;审定由区委组织部进行",
            DistrictStep::Reopen => "重新打开;只有区委组织部可以重新打开",
            DistrictStep::ListUsers => "查看用户名单;只有区管理员可以",
            DistrictStep::ManageUsers => "管理用户;只有区管理员可以",
            DistrictStep::Backup => "备份整个数据库;只有区管理员可以",
            DistrictStep::Export => "导出整个数据库;只有区管理员可以",
            DistrictStep::UndoDone => "撤回整改的“已完成”;只有区委组织部可以",
            DistrictStep::Scheme => "修改考核方案或考核项目;只有区委组织部可以",
            DistrictStep::Check => "检查整个数据库;只有区管理员可以",
            DistrictStep::Settings => "修改区名、组织部名称和联系方式;只有区管理员可以",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum Refusal {
    /// Not a registered user of this database.
    #[error("用户 {0} 没有使用 xingji 的权限;请区管理员运行 xingji user add {0}")]
    UnknownUser(String),
    /// A viewer tried to change something.
    #[error("用户 {0} 只有查看权限")]
    ReadOnly(String),
    /// A township clerk reached for another township.
    #[error("用户 {user} 只能修改本乡镇的记录,不能修改{township}的记录")]
    OtherTownship { user: String, township: String },
    /// A township clerk asked to read another township's records.
    #[error("用户 {user} 不能查看{township}的记录")]
    CannotSee { user: String, township: String },
    /// Only the district may do this.
    #[error("用户 {user} 不能{}", .step.text())]
    DistrictOnly { user: String, step: DistrictStep },
    /// The township's year is approved: locked until the district reopens it.
    #[error("{township} {year} 年度已审定,已锁定;只有区委组织部可以重新打开")]
    Approved { township: String, year: i16 },
    /// The township has handed its year in: only the district changes it now.
    #[error(
        "{township} {year} 年度已{},乡镇不能再修改;如需修改,请区委组织部重新打开",
        if *.stage == Stage::Submitted { "提交" } else { "进入公示" }
    )]
    HandedIn {
        township: String,
        year: i16,
        stage: Stage,
    },
    /// Somebody else saved the same record since it was read: nothing was written.
    #[error("这份考核表刚被其他用户修改,已重新读取;请核对后再输入")]
    Conflict,
    #[error("没有选定书记")]
    NoSecretary,
    #[error("{0} 年度还没有考核数据")]
    NoYear(i16),
    /// Something named does not exist (a township, a user, a rectification).
    #[error("{0}")]
    NotFound(String),
    /// A step that the year's state or the request does not allow, said in full.
    #[error("{0}")]
    Invalid(String),
    /// The township's results are published (or waiting for a correcting publicity):
    /// frozen until the district reopens it.
    #[error(
        "{township} {year} 年度的结果已公示,已冻结;如需修改,请区委组织部重新打开(xingji year reopen)"
    )]
    Published { township: String, year: i16 },
    /// A step that changes what others have published: said in full, done only when
    /// confirmed.
    #[error("{0}")]
    Confirm(String),
    #[error("{year} 年度的考核方案有误:{message}")]
    BadScheme { year: i16, message: String },
    /// An import file with bad rows: every problem, and nothing written.
    #[error("导入失败:{file} 有 {} 处错误,没有写入任何数据。\n{}", .errors.len(), join(.errors))]
    Rows { file: String, errors: Vec<RowError> },
    /// The database could not be read or written (the text says which file and why).
    #[error("{0}")]
    Storage(String),
    /// The shared server could not be reached, or answered out of turn.
    #[error("{0}")]
    Server(String),
}

fn join(errors: &[RowError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}
