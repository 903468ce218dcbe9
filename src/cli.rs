//! The command line of docs/files.md. Every user error becomes a Chinese message and
//! exit code 1; clap's usage errors exit 2.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::domain::parse_date;
use crate::exchange::{self, ImportError, report};
use crate::scoring::{DEFAULT_SCHEME, Scheme};
use crate::service::{Actor, ServiceError, YearBook, workflow};
use crate::store::{RectifyStatus, Role, Store, StoreError};
use crate::text::pad;
use crate::tui;

/// Print a line to standard output; a closed pipe (`| head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

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
    /// 新建数据库(运行者成为区管理员)
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
        /// 输出文件(默认:标准输出;xlsx 必须指定;不覆盖已有文件)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 覆盖已存在的输出文件(数据库及其备份仍不覆盖)
        #[arg(long)]
        force: bool,
        /// CSV 的编码:utf8(带 BOM)或 gbk
        #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
        encoding: Encoding,
    },
    /// 公示通知(三务公开栏)或各村明白信
    Notice {
        #[arg(long, value_name = "乡镇")]
        township: String,
        /// 每村一封明白信
        #[arg(long)]
        letters: bool,
        /// 输出文件(默认:标准输出;不覆盖已有文件)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 覆盖已存在的输出文件(数据库及其备份仍不覆盖)
        #[arg(long)]
        force: bool,
    },
    /// 年度流程:录入 → 已提交 → 公示 → 已审定
    Year {
        #[arg(value_enum)]
        step: YearStep,
        /// 乡镇(街道);不写则为全区各乡镇
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
        /// 公示开始日期(默认今天)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// 公示天数(默认按考核方案)
        #[arg(long, value_name = "N")]
        days: Option<u32>,
        /// 重新打开的理由,或异议内容、处理结果
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// 异议所涉书记的姓名(object / resolve)
        #[arg(long, value_name = "姓名")]
        secretary: Option<String>,
        #[arg(long, value_name = "村")]
        village: Option<String>,
    },
    /// 审计日志:谁、何时、改了什么
    Audit {
        #[arg(long, value_name = "姓名")]
        secretary: Option<String>,
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
    },
    /// 整改(诫勉整改、建议调整)跟踪
    Rectify {
        #[arg(value_enum)]
        step: RectifyStep,
        /// 只列逾期未完成的
        #[arg(long)]
        overdue: bool,
        #[arg(long, value_name = "姓名")]
        secretary: Option<String>,
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
        #[arg(long, value_name = "村")]
        village: Option<String>,
        /// 整改措施
        #[arg(long, value_name = "TEXT")]
        measures: Option<String>,
        /// 标记为已完成
        #[arg(long)]
        done: bool,
    },
    /// 用户与权限:district 区管理员、township 乡镇录入员、viewer 只读
    User {
        #[arg(value_enum)]
        step: UserStep,
        /// Unix 用户名
        name: Option<String>,
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// 乡镇录入员所属乡镇
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
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
    Xlsx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    Utf8,
    Gbk,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum YearStep {
    Status,
    Submit,
    Publish,
    Approve,
    Reopen,
    Object,
    Resolve,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RectifyStep {
    List,
    Update,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UserStep {
    Add,
    List,
    Remove,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    District,
    Township,
    Viewer,
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
    // Opening the file directly (no server) needs read and write access to it, which
    // already grants everything: naming another user here gains nothing. The shared
    // server (§7) takes the user from the socket's peer credentials instead.
    if let Ok(name) = std::env::var("XINGJI_USER")
        && !name.trim().is_empty()
    {
        return name.trim().to_string();
    }
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

fn need_year(year: Option<i16>, what: &str) -> Result<i16, CliError> {
    year.ok_or_else(|| CliError::Message(format!("{what}需要 --year 年度")))
}

fn message(e: impl std::fmt::Display) -> CliError {
    CliError::Message(e.to_string())
}

/// Print lines to standard output, or write them to `out` (exchange::output: never over
/// the database `db` or a backup, over another existing file only with `force`).
fn emit(text: &[u8], out: Option<&Path>, force: bool, db: &Path) -> Result<(), CliError> {
    match out {
        Some(path) => exchange::output::write_output(path, force, db, text).map_err(message),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(text).and_then(|_| stdout.flush());
            Ok(())
        }
    }
}

/// A secretary of the year by name, with township and village to tell namesakes apart.
fn find_secretary(
    book: &YearBook,
    actor: &Actor,
    name: Option<&str>,
    township: Option<&str>,
    village: Option<&str>,
) -> Result<u32, CliError> {
    let name = name.ok_or_else(|| message("需要 --secretary 姓名"))?.trim();
    let matches: Vec<u32> = book
        .people()
        .into_iter()
        .filter(|id| book.township_of(*id).is_some_and(|t| actor.may_see(t)))
        .filter(|id| {
            let place = book.district.place(*id);
            book.name_of(*id) == name
                && township.is_none_or(|t| place.is_some_and(|(pt, _)| pt.name == t.trim()))
                && village.is_none_or(|v| place.is_some_and(|(_, pv)| pv.name == v.trim()))
        })
        .collect();
    match matches[..] {
        [id] => Ok(id),
        [] => Err(CliError::Message(format!(
            "{} 年度没有名为「{name}」的书记",
            book.year
        ))),
        _ => {
            let places: Vec<String> = matches
                .iter()
                .filter_map(|id| {
                    book.district
                        .place(*id)
                        .map(|(t, v)| format!("{} {}", t.name, v.name))
                })
                .collect();
            Err(CliError::Message(format!(
                "有 {} 位名为「{name}」的书记({});请用 --township 和 --village 指明",
                matches.len(),
                places.join("、")
            )))
        }
    }
}

fn local_time(at: jiff::Timestamp) -> String {
    at.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let db = match &cli.db {
        Some(p) => p.clone(),
        None => default_db()?,
    };
    let user = current_user();
    let open = || -> Result<(Store, Actor), CliError> {
        let store = Store::open(&db)?;
        let actor = Actor::resolve(&store, &user)?;
        Ok((store, actor))
    };
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
            let scheme = Scheme::parse(&text).map_err(message)?;
            Store::create_for(&db, &text, &user)?;
            say!(
                "已新建数据库 {}(考核方案:{});{user} 为区管理员",
                db.display(),
                scheme.name
            );
            Ok(())
        }
        Some(Command::Import { kind, file }) => {
            let (store, actor) = open()?;
            match kind {
                ImportKind::Roster => {
                    let s = exchange::import_roster(&store, &file, &actor)?;
                    say!(
                        "已导入名册:新增乡镇 {} 个、村(社区) {} 个、书记 {} 名,更新 {} 名",
                        s.townships,
                        s.villages,
                        s.added,
                        s.updated
                    );
                }
                ImportKind::Scores => {
                    let year = need_year(cli.year, "导入考核分数")?;
                    let s = exchange::import_scores(&store, &file, year, &actor)?;
                    say!(
                        "已导入 {year} 年度考核:{} 名书记,其中未完成 {} 名",
                        s.rows,
                        s.incomplete
                    );
                }
            }
            Ok(())
        }
        Some(Command::Report {
            format,
            out,
            force,
            encoding,
        }) => {
            if let Some(path) = &out {
                // Refused before the work of making the report.
                exchange::output::check_output(path, force, &db).map_err(message)?;
            }
            let (store, actor) = open()?;
            let year = need_year(cli.year, "报表")?;
            let book = YearBook::load(&store, year)?.visible_to(&actor);
            let mut buffer = Vec::new();
            match format {
                Format::Csv => report::write_csv(&book, &mut buffer, encoding == Encoding::Gbk)
                    .map_err(message)?,
                Format::Text => report::write_text(&book, &mut buffer).map_err(message)?,
                Format::Xlsx => {
                    let path = out.ok_or_else(|| message("xlsx 报表需要 --out 文件名"))?;
                    let bytes = exchange::xlsx::xlsx_bytes(&book)
                        .map_err(|e| message(format!("无法生成 {}:{e}", path.display())))?;
                    exchange::output::write_output(&path, force, &db, &bytes).map_err(message)?;
                    say!("已生成 {}", path.display());
                    return Ok(());
                }
            }
            emit(&buffer, out.as_deref(), force, &db)
        }
        Some(Command::Notice {
            township,
            letters,
            out,
            force,
        }) => {
            if let Some(path) = &out {
                exchange::output::check_output(path, force, &db).map_err(message)?;
            }
            let (store, actor) = open()?;
            let year = need_year(cli.year, "公示通知")?;
            let book = YearBook::load(&store, year)?;
            let t = workflow::townships(&book, Some(&township)).map_err(message)?[0];
            if !actor.may_see(t) {
                return Err(message(format!(
                    "用户 {} 不能查看{township}的记录",
                    actor.name
                )));
            }
            let today = workflow::today();
            let text = if letters {
                exchange::notice::letters(&book, t, today)
            } else {
                exchange::notice::notice(&book, t, today)
            };
            emit(text.as_bytes(), out.as_deref(), force, &db)
        }
        Some(Command::Year {
            step,
            township,
            from,
            days,
            reason,
            secretary,
            village,
        }) => {
            let (store, actor) = open()?;
            let year = need_year(cli.year, "年度流程")?;
            let book = YearBook::load(&store, year)?;
            let targets = workflow::townships(&book, township.as_deref()).map_err(message)?;
            let reason = reason.unwrap_or_default();
            let lines = match step {
                YearStep::Status => {
                    for s in workflow::status(&book)
                        .into_iter()
                        .filter(|s| targets.contains(&s.township) && actor.may_see(s.township))
                    {
                        let publicity = s
                            .publicity
                            .map_or(String::new(), |(a, b)| format!(" 公示 {a} 至 {b}"));
                        let approved = s
                            .approved_on
                            .map_or(String::new(), |d| format!(" 审定 {d}"));
                        let objections = if s.open_objections > 0 {
                            format!(" 未处理异议 {}", s.open_objections)
                        } else {
                            String::new()
                        };
                        say!(
                            "{} {} 完成 {}/{}{publicity}{approved}{objections}",
                            pad(&s.name, 12),
                            pad(s.stage.label(), 6),
                            s.complete,
                            s.people
                        );
                    }
                    return Ok(());
                }
                YearStep::Submit => workflow::submit(&store, &actor, &book, &targets),
                YearStep::Publish => {
                    let from = match from {
                        Some(f) => parse_date(&f).map_err(|e| message(format!("--from:{e}")))?,
                        None => workflow::today(),
                    };
                    workflow::publish(&store, &actor, &book, &targets, from, days)
                }
                YearStep::Approve => workflow::approve(&store, &actor, &book, &targets),
                YearStep::Reopen => workflow::reopen(&store, &actor, &book, &targets, &reason),
                YearStep::Object | YearStep::Resolve => {
                    let id = find_secretary(
                        &book,
                        &actor,
                        secretary.as_deref(),
                        township.as_deref(),
                        village.as_deref(),
                    )?;
                    if step == YearStep::Object {
                        workflow::object(&store, &actor, &book, id, &reason).map(|l| vec![l])
                    } else {
                        workflow::resolve(&store, &actor, &book, id, &reason).map(|l| vec![l])
                    }
                }
            }
            .map_err(message)?;
            for l in lines {
                say!("{l}");
            }
            Ok(())
        }
        Some(Command::Audit {
            secretary,
            township,
        }) => {
            let (store, actor) = open()?;
            let district = store.district()?;
            let township_id = match &township {
                Some(t) => Some(
                    district
                        .township_id(t.trim())
                        .ok_or_else(|| message(format!("没有名为「{t}」的乡镇(街道)")))?,
                ),
                None => None,
            };
            let wanted: Option<Vec<u32>> = secretary.as_ref().map(|n| {
                district
                    .secretaries
                    .iter()
                    .filter(|(_, s)| s.name == n.trim())
                    .map(|(id, _)| *id)
                    .collect()
            });
            for e in store.audit_log()? {
                let s = e.scope;
                let in_year = cli.year.is_none_or(|y| s.year == Some(y));
                let in_township = township_id.is_none_or(|t| e.township(&district) == Some(t));
                let about = wanted
                    .as_ref()
                    .is_none_or(|ids| s.secretary.is_some_and(|id| ids.contains(&id)));
                if in_year && in_township && about && actor.may_see_entry(&e, &district) {
                    let line = e.line();
                    say!("{}  {}  {line}", local_time(e.at), pad(&e.user, 10));
                }
            }
            Ok(())
        }
        Some(Command::Rectify {
            step,
            overdue,
            secretary,
            township,
            village,
            measures,
            done,
        }) => {
            let (store, actor) = open()?;
            let today = workflow::today();
            match step {
                RectifyStep::List => {
                    let years: Vec<i16> = match cli.year {
                        Some(y) => vec![y],
                        None => store.years()?.into_iter().map(|(y, _)| y).collect(),
                    };
                    let mut count = 0;
                    for y in years {
                        let book = YearBook::load(&store, y)?;
                        for (id, r) in store.rectifications(y)? {
                            let status = r.status(today);
                            if overdue && status != RectifyStatus::Overdue {
                                continue;
                            }
                            let Some((t, v)) = book.district.place(id) else {
                                continue;
                            };
                            if !actor.may_see(v.township)
                                || township.as_deref().is_some_and(|n| n.trim() != t.name)
                            {
                                continue;
                            }
                            count += 1;
                            say!(
                                "{y}  {}  {}  {}  {}  期限 {}  {}{}",
                                pad(&t.name, 12),
                                pad(&v.name, 12),
                                pad(&book.name_of(id), 16),
                                pad(r.consequence.label(), 8),
                                r.deadline,
                                status.label(),
                                r.done_on.map_or(String::new(), |d| format!("({d})"))
                            );
                        }
                    }
                    if count == 0 {
                        say!(
                            "{}",
                            if overdue {
                                "没有逾期的整改"
                            } else {
                                "没有整改记录"
                            }
                        );
                    }
                    Ok(())
                }
                RectifyStep::Update => {
                    let year = need_year(cli.year, "更新整改")?;
                    let book = YearBook::load(&store, year)?;
                    let id = find_secretary(
                        &book,
                        &actor,
                        secretary.as_deref(),
                        township.as_deref(),
                        village.as_deref(),
                    )?;
                    let line = workflow::update_rectification(
                        &store,
                        &actor,
                        &book,
                        id,
                        measures.as_deref(),
                        done,
                    )
                    .map_err(message)?;
                    say!("{line}");
                    Ok(())
                }
            }
        }
        Some(Command::User {
            step,
            name,
            role,
            township,
        }) => {
            let (store, actor) = open()?;
            match step {
                UserStep::List => {
                    if !actor.is_district() {
                        return Err(message(format!(
                            "用户 {} 不能查看用户名单;只有区管理员可以",
                            actor.name
                        )));
                    }
                    let district = store.district()?;
                    for (n, r) in store.users()? {
                        say!("{}  {}", pad(&n, 16), role_label(r, &district));
                    }
                    Ok(())
                }
                UserStep::Add | UserStep::Remove => {
                    if !actor.is_district() {
                        return Err(message(format!(
                            "用户 {} 不能管理用户;只有区管理员可以",
                            actor.name
                        )));
                    }
                    let name = name.ok_or_else(|| message("需要用户名"))?;
                    let name = name.trim();
                    if name.is_empty() || name.contains(char::is_whitespace) {
                        return Err(message("用户名不能为空,也不能含空格"));
                    }
                    let district = store.district()?;
                    let mut w = store.write(&actor.name)?;
                    if step == UserStep::Remove {
                        if name == actor.name {
                            return Err(message("不能删除自己"));
                        }
                        if !w.remove_user(name)? {
                            return Err(message(format!("没有用户 {name}")));
                        }
                        w.audit("删除用户", name, "")?;
                        w.commit()?;
                        say!("已删除用户 {name}");
                        return Ok(());
                    }
                    let r = match (
                        role.ok_or_else(|| message("需要 --role district|township|viewer"))?,
                        township,
                    ) {
                        (RoleArg::District, _) => Role::District,
                        (RoleArg::Viewer, _) => Role::Viewer,
                        (RoleArg::Township, Some(t)) => Role::Township(
                            district
                                .township_id(t.trim())
                                .ok_or_else(|| message(format!("没有名为「{t}」的乡镇(街道)")))?,
                        ),
                        (RoleArg::Township, None) => {
                            return Err(message("乡镇录入员需要 --township 乡镇"));
                        }
                    };
                    w.put_user(name, r)?;
                    w.audit(
                        "新增用户",
                        "",
                        &format!("{name}:{}", role_label(r, &district)),
                    )?;
                    w.commit()?;
                    say!("已设置用户 {name}:{}", role_label(r, &district));
                    Ok(())
                }
            }
        }
        Some(Command::Backup { to }) => {
            let (store, actor) = open()?;
            if !actor.is_district() {
                return Err(message(format!(
                    "用户 {} 不能备份整个数据库;只有区管理员可以",
                    actor.name
                )));
            }
            store.backup(&to)?;
            say!("已备份到 {}", to.display());
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
                let mut buffer = Vec::new();
                report::write_text(&book, &mut buffer).map_err(message)?;
                return emit(&buffer, None, false, &path);
            }
            let actor = Actor::resolve(&store, &user)?;
            run_tui(store, year, actor)
        }
        None => {
            let (store, actor) = open()?;
            let year = tui::choose_year(&store, cli.year)?;
            run_tui(store, year, actor)
        }
    }
}

fn role_label(role: Role, district: &crate::store::District) -> String {
    match role {
        Role::District => "区管理员".to_string(),
        Role::Township(t) => format!(
            "乡镇录入员({})",
            district.township(t).map_or("?", |t| t.name.as_str())
        ),
        Role::Viewer => "只读".to_string(),
    }
}

fn run_tui(store: Store, year: i16, actor: Actor) -> Result<(), CliError> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(message(
            "xingji 界面需要在终端中运行;报表请用 xingji report",
        ));
    }
    if !tui::utf8_locale() {
        return Err(message(tui::LOCALE_MESSAGE));
    }
    tui::run(store, year, actor).map_err(|e| message(format!("界面出错:{e}")))
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
    let user = &Actor {
        name: user.to_string(),
        role: Role::District,
    };
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
