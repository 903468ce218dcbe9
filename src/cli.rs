//! The command line of DESIGN.md §6. Every user error becomes a Chinese message and
//! exit code 1; clap's usage errors exit 2.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::exchange::{self, ImportError, report};
use crate::scoring::{DEFAULT_SCHEME, Scheme};
use crate::service::{ServiceError, YearBook};
use crate::store::{Store, StoreError};
use crate::tui;

#[derive(Debug, Parser)]
#[command(
    name = "xingji",
    version,
    about = "村(社区)党组织书记星级化管理 (xingji)"
)]
pub struct Cli {
    /// 数据库文件(默认:$XINGJI_DB,或用户数据目录下的 xingji.redb)
    #[arg(long, global = true, env = "XINGJI_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// 考核年度(界面默认:最新的未审定年度)
    #[arg(long, global = true, value_name = "Y", value_parser = clap::value_parser!(i16).range(2000..=2100))]
    pub year: Option<i16>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 新建数据库
    Init {
        /// 考核方案文件(默认:内置的 data/scheme.toml)
        #[arg(long, value_name = "FILE")]
        scheme: Option<PathBuf>,
    },
    /// 导入名册或考核分数(CSV 或 .xlsx)
    Import {
        #[arg(value_enum)]
        kind: ImportKind,
        file: PathBuf,
    },
    /// 年度评定结果报表
    Report {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 输出文件(默认:标准输出)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// CSV 的编码:utf8(带 BOM)或 gbk
        #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
        encoding: Encoding,
    },
    /// 示范数据库(朔城区,首次运行时生成)
    Demo,
    /// 备份数据库(他人可同时使用)
    Backup {
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Roster,
    Scores,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    Utf8,
    Gbk,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Import(#[from] ImportError),
    #[error("{0}")]
    Service(#[from] ServiceError),
    #[error("{0}")]
    Message(String),
}

/// The Unix user who runs this process (for the audit log): the name of the real user
/// id from the password database, not an environment variable anyone can set.
pub fn current_user() -> String {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(uid) = std::fs::metadata("/proc/self").map(|m| m.uid()) {
            let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
            let name = passwd.lines().find_map(|line| {
                let mut f = line.split(':');
                let name = f.next()?;
                (f.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_string())
            });
            return name.unwrap_or_else(|| format!("uid{uid}"));
        }
    }
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

fn data_dir() -> Result<PathBuf, CliError> {
    directories::ProjectDirs::from("", "", "xingji")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| CliError::Message("找不到用户数据目录;请用 --db 指定数据库文件".to_string()))
}

pub fn default_db() -> Result<PathBuf, CliError> {
    Ok(data_dir()?.join("xingji.redb"))
}

pub fn demo_db() -> Result<PathBuf, CliError> {
    Ok(data_dir()?.join("demo.redb"))
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let db = match &cli.db {
        Some(p) => p.clone(),
        None => default_db()?,
    };
    let user = current_user();
    match cli.command {
        Some(Command::Init { scheme }) => {
            let text = match scheme {
                Some(path) => std::fs::read(&path)
                    .ok()
                    .and_then(|b| exchange::decode_text(&b))
                    .ok_or_else(|| {
                        CliError::Message(format!("无法读取考核方案 {}", path.display()))
                    })?,
                None => DEFAULT_SCHEME.to_string(),
            };
            let scheme = Scheme::parse(&text).map_err(|e| CliError::Message(e.to_string()))?;
            Store::create(&db, &text)?;
            println!("已新建数据库 {}(考核方案:{})", db.display(), scheme.name);
            Ok(())
        }
        Some(Command::Import { kind, file }) => {
            let store = Store::open(&db)?;
            match kind {
                ImportKind::Roster => {
                    let s = exchange::import_roster(&store, &file, &user)?;
                    println!(
                        "已导入名册:新增乡镇 {} 个、村(社区) {} 个、书记 {} 名,更新 {} 名",
                        s.townships, s.villages, s.added, s.updated
                    );
                }
                ImportKind::Scores => {
                    let year = cli.year.ok_or_else(|| {
                        CliError::Message("导入考核分数需要 --year 年度".to_string())
                    })?;
                    let s = exchange::import_scores(&store, &file, year, &user)?;
                    println!(
                        "已导入 {year} 年度考核:{} 名书记,其中未完成 {} 名",
                        s.rows, s.incomplete
                    );
                }
            }
            Ok(())
        }
        Some(Command::Report {
            format,
            out,
            encoding,
        }) => {
            let store = Store::open(&db)?;
            let year = cli
                .year
                .ok_or_else(|| CliError::Message("报表需要 --year 年度".to_string()))?;
            let book = YearBook::load(&store, year)?;
            write_report(&book, format, encoding, out.as_deref())
        }
        Some(Command::Backup { to }) => {
            let store = Store::open(&db)?;
            store.backup(&to)?;
            println!("已备份到 {}", to.display());
            Ok(())
        }
        Some(Command::Demo) => {
            let path = match &cli.db {
                Some(p) => p.clone(),
                None => demo_db()?,
            };
            let store = open_demo(&path, &user)?;
            let year = tui::choose_year(&store, cli.year)?;
            if !std::io::stdout().is_terminal() {
                // Not a terminal (a pipe, a file): the demo district's report instead.
                let book = YearBook::load(&store, year)?;
                return write_report(&book, Format::Text, Encoding::Utf8, None);
            }
            run_tui(store, year, user)
        }
        None => {
            let store = Store::open(&db)?;
            let year = tui::choose_year(&store, cli.year)?;
            run_tui(store, year, user)
        }
    }
}

fn run_tui(store: Store, year: i16, user: String) -> Result<(), CliError> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::Message(
            "xingji 界面需要在终端中运行;报表请用 xingji report".to_string(),
        ));
    }
    if !tui::utf8_locale() {
        return Err(CliError::Message(tui::LOCALE_MESSAGE.to_string()));
    }
    tui::run(store, year, user).map_err(|e| CliError::Message(format!("界面出错:{e}")))
}

fn write_report(
    book: &YearBook,
    format: Format,
    encoding: Encoding,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let mut buffer = Vec::new();
    match format {
        Format::Csv => report::write_csv(book, &mut buffer, encoding == Encoding::Gbk),
        Format::Text => report::write_text(book, &mut buffer),
    }
    .map_err(|e| CliError::Message(format!("无法生成报表:{e}")))?;
    match out {
        Some(path) => std::fs::write(path, &buffer)
            .map_err(|e| CliError::Message(format!("无法写入 {}:{e}", path.display()))),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(&buffer).and_then(|_| stdout.flush());
            Ok(())
        }
    }
}

/// The demo district of data/demo, embedded in the binary.
pub const DEMO_ROSTER: &str = include_str!("../data/demo/roster.csv");
pub const DEMO_SCORES: [(i16, &str); 2] = [
    (2024, include_str!("../data/demo/scores-2024.csv")),
    (2025, include_str!("../data/demo/scores-2025.csv")),
];

/// Open the demo database, making it from the embedded demo district when absent.
pub fn open_demo(path: &Path, user: &str) -> Result<Store, CliError> {
    if path.exists() {
        return Ok(Store::open(path)?);
    }
    let store = Store::create(path, DEFAULT_SCHEME)?;
    let table = |text: &str| exchange::parse_csv(text).map_err(CliError::Message);
    exchange::import_roster_table(&store, "demo/roster.csv", table(DEMO_ROSTER)?, user)?;
    for (year, text) in DEMO_SCORES {
        exchange::import_scores_table(
            &store,
            &format!("demo/scores-{year}.csv"),
            table(text)?,
            year,
            user,
        )?;
    }
    Ok(store)
}
