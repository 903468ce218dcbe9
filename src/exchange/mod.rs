//! Files in and out (docs/files.md): roster and scores imports, the year report, and
//! the safe writing of output files (`output`).

mod import;
pub mod notice;
pub mod output;
pub mod report;
mod table;
pub mod xlsx;

pub use import::{
    RosterSummary, ScoresSummary, import_roster, import_roster_table, import_scores,
    import_scores_table, year_scheme,
};
pub use table::{Row, Table, decode_text, parse_csv, read_table};

use std::fmt;

use thiserror::Error;

use crate::store::StoreError;

/// One problem of an import file: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
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

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("无法导入 {file}:{reason}")]
    File { file: String, reason: String },
    #[error("导入失败:{file} 有 {} 处错误,没有写入任何数据。\n{}", .errors.len(), join(.errors))]
    Rows { file: String, errors: Vec<RowError> },
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn join(errors: &[RowError]) -> String {
    errors
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}
