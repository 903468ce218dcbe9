//! Files in and out (docs/files.md): roster and scores imports, the year report, and
//! the safe writing of output files (`output`).

pub mod notice;
pub mod output;
pub mod paper;
pub mod paysheet;
pub mod report;
mod spoken;
mod table;
pub mod xlsx;

pub use table::{Row, Table, decode_text, parse_csv, read_table};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("无法导入 {file}:{reason}")]
    File { file: String, reason: String },
}
