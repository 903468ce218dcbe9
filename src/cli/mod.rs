//! The command line of docs/files.md. Every user error becomes a Chinese message and
//! exit code 1; clap's usage errors exit 2.

mod admin;
mod files;
mod screen;
pub mod usage;
mod year;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::exchange::ImportError;
use crate::service::{Refusal, Service, YearBook};

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
    #[arg(
        long,
        global = true,
        env = "XINGJI_DB",
        hide_env_values = true,
        value_name = "路径"
    )]
    pub db: Option<PathBuf>,
    /// 共用服务器的套接字(默认:$XINGJI_SOCKET,或存在时的 /run/xingji/xingji.sock);
    /// 经服务器时用户身份由系统确认
    #[arg(
        long,
        global = true,
        env = "XINGJI_SOCKET",
        hide_env_values = true,
        value_name = "路径"
    )]
    pub socket: Option<PathBuf>,
    /// 考核年度(界面默认:有数据的最新年度;界面中按 y 切换)
    #[arg(long, global = true, value_name = "年度", value_parser = clap::value_parser!(i16).range(2000..=2100))]
    pub year: Option<i16>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 新建数据库(运行者成为区管理员)
    Init {
        /// 考核方案文件(默认:内置的 data/scheme.toml)
        #[arg(long, value_name = "文件")]
        scheme: Option<PathBuf>,
    },
    /// 导入名册或考核分数(CSV 或 .xlsx);或用 --all 从导出文件建立新数据库
    Import {
        /// roster 名册、scores 考核分数
        #[arg(value_enum, required_unless_present = "all", value_name = "种类")]
        kind: Option<ImportKind>,
        /// 要导入的文件(CSV 或 .xlsx)
        #[arg(required_unless_present = "all", value_name = "文件")]
        file: Option<PathBuf>,
        /// export --all 所导出的文件:建立 --db 所指的新数据库(该文件不能已存在)
        #[arg(long, value_name = "文件.jsonl", conflicts_with_all = ["kind", "file"])]
        all: Option<PathBuf>,
    },
    /// 导出整个数据库(每张表、连同审计日志)为 JSON Lines,供换版本或换机器时 import --all
    Export {
        /// 输出文件
        #[arg(long, value_name = "文件.jsonl")]
        all: PathBuf,
        /// 覆盖已存在的输出文件(数据库及其备份仍不覆盖)
        #[arg(long)]
        force: bool,
    },
    /// 年度评定结果报表
    Report {
        /// 格式:text 文本、csv 表格、xlsx Excel 工作簿
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 输出文件(默认:标准输出;xlsx 必须指定;不覆盖已有文件)
        #[arg(long, value_name = "文件")]
        out: Option<PathBuf>,
        /// 覆盖已存在的输出文件(数据库及其备份仍不覆盖)
        #[arg(long)]
        force: bool,
        /// CSV 的编码:utf8(带 BOM)或 gbk
        #[arg(long, value_enum, default_value_t = Encoding::Utf8)]
        encoding: Encoding,
    },
    /// 公示通知(三务公开栏)、各村明白信或大喇叭广播稿
    Notice {
        /// 乡镇(街道);乡镇录入员不写即为本乡镇
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
        /// 每村一封明白信(每封另起一页)
        #[arg(long, conflicts_with = "broadcast")]
        letters: bool,
        /// 村广播(大喇叭)稿:短句、数字写成读法、公示期和电话各说两遍
        #[arg(long)]
        broadcast: bool,
        /// 输出文件:.docx 为 Word 文件,.txt 为文本文件(默认:标准输出;不覆盖已有文件)
        #[arg(long, value_name = "文件")]
        out: Option<PathBuf>,
        /// 覆盖已存在的输出文件(数据库及其备份仍不覆盖)
        #[arg(long)]
        force: bool,
    },
    /// 绩效报酬发放表(Excel,每个乡镇一张表,可直接打印)
    Paysheet {
        /// 只要这个乡镇(街道)的;乡镇录入员不写即为本乡镇,区管理员不写即为全区
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
        /// 输出文件(.xlsx;不覆盖已有文件)
        #[arg(long, value_name = "文件.xlsx")]
        out: PathBuf,
        /// 覆盖已存在的输出文件(数据库及其备份仍不覆盖)
        #[arg(long)]
        force: bool,
    },
    /// 本区的名称、组织部名称和联系方式(公示通知、明白信、广播稿、发放表都用)
    Settings {
        /// set 设置(区管理员)、list 列出
        #[arg(value_enum, value_name = "操作")]
        step: SettingsStep,
        /// 设置项:区名、组织部名称、联系电话、联系地址、电子邮箱
        #[arg(value_name = "设置项", required_if_eq("step", "set"))]
        key: Option<String>,
        /// 设置的值;写 "" 则清除(文件中留出空白,手工填写)
        #[arg(value_name = "值", required_if_eq("step", "set"))]
        value: Option<String>,
    },
    /// 年度流程:录入 → 已提交 → 公示 → 已审定
    Year {
        /// new 新建年度、status 进度、submit 提交、publish 公示、approve 审定、reopen 重新打开、object 登记异议、resolve 处理异议
        #[arg(value_enum, value_name = "操作")]
        step: YearStep,
        /// 乡镇(街道);不写则为全区各乡镇
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
        /// 公示开始日期(默认今天)
        #[arg(long, value_name = "日期")]
        from: Option<String>,
        /// 公示天数(默认按考核方案)
        #[arg(long, value_name = "天数")]
        days: Option<u32>,
        /// 重新打开的理由,或异议内容、处理结果
        #[arg(long, value_name = "文字")]
        reason: Option<String>,
        /// 异议所涉书记的姓名(object / resolve)
        #[arg(long, value_name = "姓名")]
        secretary: Option<String>,
        /// 异议的反映人(object;可不写)
        #[arg(long, value_name = "姓名")]
        by: Option<String>,
        /// 反映人的联系方式(object;可不写)
        #[arg(long, value_name = "电话")]
        contact: Option<String>,
        /// 新建年度时用的考核方案文件(year new;默认为全区当前的方案)
        #[arg(long, value_name = "文件")]
        scheme: Option<PathBuf>,
        /// 村(社区):同名的书记用它区分
        #[arg(long, value_name = "村")]
        village: Option<String>,
        /// 公示会改变其他乡镇已公示或已审定的结果时,确认照此公示(这些乡镇须更正公示)
        #[arg(long)]
        confirm: bool,
    },
    /// 考核方案:查看,或设置某年度(或全区当前)的方案、某乡镇自己的考核项目(区管理员)
    Scheme {
        #[arg(value_enum, value_name = "操作")]
        step: SchemeStep,
        /// set:考核方案文件(TOML);带 --township 时为考核项目表(CSV 或 .xlsx,列:项目,满分)
        file: Option<PathBuf>,
        /// 乡镇(街道):查看或设置该乡镇自己的考核项目
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
    },
    /// 审计日志:谁、何时、改了什么
    Audit {
        /// 只看这位书记的记录
        #[arg(long, value_name = "姓名")]
        secretary: Option<String>,
        /// 只看这个乡镇(街道)的记录
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
    },
    /// 整改(诫勉整改、建议调整)跟踪
    Rectify {
        /// list 列出、update 更新
        #[arg(value_enum, value_name = "操作")]
        step: RectifyStep,
        /// 只列逾期未完成的
        #[arg(long)]
        overdue: bool,
        /// 书记的姓名
        #[arg(long, value_name = "姓名")]
        secretary: Option<String>,
        /// 乡镇(街道):同名的书记用它区分;list 时只列这个乡镇
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
        /// 村(社区):同名的书记用它区分
        #[arg(long, value_name = "村")]
        village: Option<String>,
        /// 整改措施
        #[arg(long, value_name = "文字")]
        measures: Option<String>,
        /// 标记为已完成
        #[arg(long)]
        done: bool,
        /// 撤回“已完成”(区管理员,须 --reason 说明理由)
        #[arg(long)]
        undo: bool,
        /// 撤回的理由
        #[arg(long, value_name = "文字")]
        reason: Option<String>,
    },
    /// 用户与权限:district 区管理员、township 乡镇录入员、viewer 只读
    User {
        /// add 添加或修改、list 列出、remove 删除
        #[arg(value_enum, value_name = "操作")]
        step: UserStep,
        /// Unix 用户名
        name: Option<String>,
        /// 权限:district 区管理员、township 乡镇录入员、viewer 只读
        #[arg(long, value_enum)]
        role: Option<RoleArg>,
        /// 乡镇录入员所属乡镇
        #[arg(long, value_name = "乡镇")]
        township: Option<String>,
    },
    /// 示范数据库(朔城区,首次运行时生成);--size N 为生成的 N 名书记的区(测试规模用)
    Demo {
        /// 生成一个有 N 名书记、两个年度考核的区(文件 demo-N.redb,首次生成需要一些时间)
        #[arg(long, value_name = "人数", value_parser = clap::value_parser!(u32).range(1..=2_000_000))]
        size: Option<u32>,
    },
    /// 备份数据库(他人可同时使用)
    Backup {
        /// 备份文件(不能已存在)
        #[arg(long, value_name = "文件")]
        to: PathBuf,
    },
    /// 用备份恢复数据库:先检查备份,原数据库文件改名留存(不删除)
    Restore {
        /// 备份文件(xingji backup 所做)
        #[arg(long, value_name = "备份文件")]
        from: PathBuf,
    },
    /// 共用服务器:独占数据库文件,在套接字上为各用户的 xingji 服务
    Serve,
    /// 检查数据库:每一页的校验和,每条记录可读,引用的书记、村、乡镇都存在
    Check,
}

/// Where the shared server listens when nothing else is said.
pub const DEFAULT_SOCKET: &str = "/run/xingji/xingji.sock";

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
pub enum SchemeStep {
    /// 显示考核方案(或乡镇的考核项目)
    Show,
    /// 设置考核方案(或乡镇的考核项目)
    Set,
    /// 乡镇恢复使用全区统一的考核项目
    Reset,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum YearStep {
    /// 新建年度(可带 --scheme 方案文件)
    New,
    /// 各乡镇的进度
    Status,
    /// 乡镇提交本年度考核
    Submit,
    /// 开始公示(可带 --from 开始日期、--days 天数)
    Publish,
    /// 区委组织部审定
    Approve,
    /// 重新打开(须 --reason 理由)
    Reopen,
    /// 登记公示期间的异议(--secretary、--reason)
    Object,
    /// 处理异议(--secretary、--reason 处理结果)
    Resolve,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RectifyStep {
    List,
    Update,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SettingsStep {
    Set,
    List,
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
    Import(#[from] ImportError),
    #[error("{0}")]
    Service(#[from] Refusal),
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

pub(crate) use say;

pub(crate) fn need_year(year: Option<i16>, what: &str) -> Result<i16, CliError> {
    year.ok_or_else(|| CliError::Message(format!("{what}需要 --year 年度")))
}

pub(crate) fn message(e: impl std::fmt::Display) -> CliError {
    CliError::Message(e.to_string())
}

/// Where a command writes: standard output, or a file that never replaces the
/// database or a backup, and replaces another existing file only with `--force`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Out<'a> {
    pub file: Option<&'a Path>,
    pub force: bool,
    /// The open database, which no output may replace.
    pub db: &'a Path,
}

impl<'a> Out<'a> {
    /// An output, refused at once when `--out` is bad, before the work of making what
    /// goes into it.
    pub(crate) fn checked(
        file: Option<&'a Path>,
        force: bool,
        db: &'a Path,
    ) -> Result<Out<'a>, CliError> {
        if let Some(path) = file {
            crate::exchange::output::check_output(path, force, db).map_err(message)?;
        }
        Ok(Out { file, force, db })
    }
}

/// Print lines to standard output, or write them to `out`'s file.
pub(crate) fn emit(text: &[u8], out: Out<'_>) -> Result<(), CliError> {
    match out.file {
        Some(path) => {
            crate::exchange::output::write_output(path, out.force, out.db, text).map_err(message)
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(text).and_then(|_| stdout.flush());
            Ok(())
        }
    }
}

/// A secretary of the year by name, with township and village to tell namesakes apart.
pub(crate) fn find_secretary(
    book: &YearBook,
    name: Option<&str>,
    township: Option<&str>,
    village: Option<&str>,
) -> Result<u32, CliError> {
    let name = name.ok_or_else(|| message("需要 --secretary 姓名"))?.trim();
    let matches: Vec<u32> = book
        .people()
        .into_iter()
        .filter(|id| {
            let place = book.district.place_names(*id);
            book.name_of(*id) == name
                && township.is_none_or(|t| place.is_some_and(|(pt, _)| pt == t.trim()))
                && village.is_none_or(|v| place.is_some_and(|(_, pv)| pv == v.trim()))
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
                crate::text::listed(&places, "处")
            )))
        }
    }
}

pub(crate) fn local_time(at: jiff::Timestamp) -> String {
    at.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The server to use: the one named; else, when no database file is named either,
/// the default one if it is there. None: open the file itself (a laptop, the demo, a
/// file named with --db).
fn server_socket(named: Option<&Path>, db_named: bool) -> Option<PathBuf> {
    named.map(Path::to_path_buf).or_else(|| {
        let default = PathBuf::from(DEFAULT_SOCKET);
        (!db_named && default.exists()).then_some(default)
    })
}

/// `xingji`'s service: through the server, or on the file. With no file of the user's
/// own and no server's socket, a server may be restarting (its runtime folder goes as
/// it stops, and its socket comes back once its file is open and checked): its socket
/// is waited for a moment, so that a clerk logging in then is not told to make a
/// database.
fn screens(socket: Option<&Path>, db: &Path, user: &str) -> Result<Service, CliError> {
    screen::in_a_terminal()?;
    if let Some(socket) = socket {
        return Ok(Service::connect(socket)?);
    }
    if !db.exists() && default_db().is_ok_and(|own| own == db) {
        let socket = PathBuf::from(DEFAULT_SOCKET);
        let since = std::time::Instant::now();
        while since.elapsed() < crate::service::STARTING {
            if socket.exists() {
                return Ok(Service::connect(&socket)?);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    Ok(Service::open_to_show(db, user)?.for_screens()?)
}

/// Run one command line: open the database through the service, then hand the
/// command to its own function.
/// The screens and the server stay up: their memory is what a shared machine keeps
/// giving them. (A command that ends is left the allocator's own way, which is quicker
/// for a report.)
fn keep_memory_low(command: Option<&Command>) {
    if matches!(command, None | Some(Command::Serve | Command::Demo { .. })) {
        crate::service::map_large_blocks();
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let db = match &cli.db {
        Some(p) => p.clone(),
        None => default_db()?,
    };
    let user = current_user();
    let socket = server_socket(cli.socket.as_deref(), cli.db.is_some());
    let open = || match &socket {
        Some(socket) => Service::connect(socket),
        None => Service::open(&db, &user),
    };
    let year = cli.year;
    keep_memory_low(cli.command.as_ref());
    match cli.command {
        Some(Command::Init { scheme }) => files::init(&db, &user, scheme.as_deref()),
        Some(Command::Import {
            kind: Some(kind),
            file: Some(file),
            all: None,
        }) => files::import(&open()?, kind, &file, year),
        Some(Command::Report {
            format,
            out,
            force,
            encoding,
        }) => {
            let out = Out::checked(out.as_deref(), force, &db)?;
            files::report(&open()?, year, format, out, encoding)
        }
        Some(Command::Notice {
            township,
            letters,
            broadcast,
            out,
            force,
        }) => {
            let out = Out::checked(out.as_deref(), force, &db)?;
            let paper = match (letters, broadcast) {
                (true, _) => crate::exchange::notice::Kind::Letters,
                (_, true) => crate::exchange::notice::Kind::Broadcast,
                _ => crate::exchange::notice::Kind::Notice,
            };
            files::notice(&open()?, year, township.as_deref(), paper, out)
        }
        Some(Command::Paysheet {
            township,
            out,
            force,
        }) => {
            let out = Out::checked(Some(&out), force, &db)?;
            files::paysheet(&open()?, year, township.as_deref(), out)
        }
        Some(Command::Year {
            step,
            township,
            from,
            days,
            reason,
            secretary,
            village,
            confirm,
            scheme,
            by,
            contact,
        }) => year::step(
            &open()?,
            year,
            step,
            year::Args {
                township,
                from,
                days,
                reason,
                secretary,
                village,
                confirm,
                scheme,
                by,
                contact,
            },
        ),
        Some(Command::Audit {
            secretary,
            township,
        }) => admin::audit(&open()?, year, secretary.as_deref(), township.as_deref()),
        Some(Command::Serve) => {
            let socket = cli.socket.unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET));
            crate::server::serve(&db, &socket).map_err(CliError::Message)
        }
        Some(Command::Demo { size }) => {
            let path = match (&cli.db, size) {
                (Some(p), _) => p.clone(),
                (None, None) => demo_db()?,
                (None, Some(n)) => data_dir()?.join(format!("demo-{n}.redb")),
            };
            screen::demo(&path, &user, year, size)
        }
        None => screen::tui(screens(socket.as_deref(), &db, &user)?, year),
        Some(other) => housekeeping(other, (&db, &user, year), open),
    }
}

/// The district's commands about the whole database and its users.
fn housekeeping(
    command: Command,
    (db, user, year): (&Path, &str, Option<i16>),
    open: impl Fn() -> Result<Service, Refusal>,
) -> Result<(), CliError> {
    match command {
        Command::User {
            step,
            name,
            role,
            township,
        } => admin::user(&open()?, step, name.as_deref(), role, township.as_deref()),
        Command::Backup { to } => admin::backup(&open()?, &to),
        Command::Settings { step, key, value } => {
            admin::settings(&open()?, step, key.as_deref(), value.as_deref())
        }
        Command::Rectify {
            step,
            overdue,
            secretary,
            township,
            village,
            measures,
            done,
            undo,
            reason,
        } => match step {
            RectifyStep::List => year::rectify_list(&open()?, year, overdue, township.as_deref()),
            RectifyStep::Update => year::rectify_update(
                &open()?,
                year,
                [secretary, township, village],
                &crate::service::RectifyChange {
                    measures,
                    done,
                    undo: undo.then(|| reason.unwrap_or_default()),
                    seen: None,
                },
            ),
        },
        Command::Check => admin::check(&open()?),
        Command::Scheme {
            step,
            file,
            township,
        } => files::scheme(&open()?, year, step, file.as_deref(), township.as_deref()),
        Command::Restore { from } => admin::restore(db, &from),
        Command::Import {
            all: Some(from), ..
        } => admin::import_all(db, user, &from),
        Command::Export { all, force } => {
            let out = Out::checked(Some(&all), force, db)?;
            admin::export_all(&open()?, out)
        }
        _ => Err(message("需要 roster|scores 和文件名,或 --all 导出文件")),
    }
}
