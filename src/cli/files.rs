//! Files in and out: `init`, `import`, `report`, `notice`, `scheme`.

use std::io::Write;
use std::path::Path;

use super::{
    CliError, Encoding, Format, ImportKind, Out, SchemeStep, emit, message, need_year, say,
};
use crate::exchange::notice::Kind;
use crate::exchange::{self, report};
use crate::scoring::{DEFAULT_SCHEME, Scheme};
use crate::service::Service;

/// `xingji init [--scheme FILE]`: a new database; its maker is the first district admin.
pub fn init(db: &Path, user: &str, scheme: Option<&Path>) -> Result<(), CliError> {
    let text = match scheme {
        Some(path) => scheme_file(path)?,
        None => DEFAULT_SCHEME.to_string(),
    };
    let scheme = Scheme::parse(&text).map_err(message)?;
    Service::create(db, &text, user)?;
    say!(
        "已新建数据库 {}(考核方案:{});{user} 为区管理员",
        db.display(),
        scheme.name
    );
    Ok(())
}

/// A scheme file's text (UTF-8 or GBK).
fn scheme_file(path: &Path) -> Result<String, CliError> {
    std::fs::read(path)
        .map_err(|e| {
            message(format!(
                "无法读取考核方案 {}:{}",
                path.display(),
                crate::text::io_reason(&e)
            ))
        })
        .and_then(|b| {
            exchange::decode_text(&b)
                .ok_or_else(|| message(format!("考核方案 {} 不是文本文件", path.display())))
        })
}

/// `xingji scheme show|set [--year Y] [--township T] [FILE]`.
pub fn scheme(
    service: &Service,
    year: Option<i16>,
    step: SchemeStep,
    file: Option<&Path>,
    township: Option<&str>,
) -> Result<(), CliError> {
    let township = match township {
        Some(t) => Some(service.township_named(t)?),
        None => None,
    };
    match (step, township) {
        (SchemeStep::Show, None) => {
            let text = match year {
                Some(y) => service.book_or_new(y)?.record.scheme,
                None => service.scheme_text()?,
            };
            say!("{}", text.trim_end());
        }
        (SchemeStep::Show, Some(t)) => {
            let year = need_year(year, "查看乡镇的考核项目")?;
            let book = service.book_or_new(year)?;
            let own = !book.record.township(t).items.is_empty();
            let name = book.district.township(t).map_or("", |t| t.name.as_str());
            say!(
                "{name} {year} 年度的考核项目({}):",
                if own {
                    "本乡镇自定"
                } else {
                    "全区统一"
                }
            );
            say!("项目,满分");
            for item in book.scheme_of(t).items() {
                say!("{},{}", item.name, item.max.normalize());
            }
        }
        (SchemeStep::Reset, None) => return Err(message("scheme reset 需要 --township 乡镇")),
        (SchemeStep::Reset, Some(t)) => {
            let year = need_year(year, "恢复乡镇的考核项目")?;
            say!("{}", service.set_items(year, t, Vec::new())?);
        }
        (SchemeStep::Set, t) => {
            let file = file
                .ok_or_else(|| message("需要文件:考核方案(TOML),或带 --township 时的考核项目表"))?;
            let said = match t {
                Some(t) => {
                    let year = need_year(year, "设置乡镇的考核项目")?;
                    let table = exchange::read_table(file)?;
                    let items = crate::service::items_from(&file.display().to_string(), &table)?;
                    service.set_items(year, t, items)?
                }
                None => service.set_scheme(year, &scheme_file(file)?)?,
            };
            say!("{said}");
        }
    }
    Ok(())
}

/// `xingji import roster|scores FILE [--year Y]`.
pub fn import(
    service: &Service,
    kind: ImportKind,
    file: &Path,
    year: Option<i16>,
) -> Result<(), CliError> {
    let name = file.display().to_string();
    match kind {
        ImportKind::Roster => {
            let table = exchange::read_table(file)?;
            let s = service.import_roster(&name, table)?;
            say!(
                "已导入名册:新增乡镇 {} 个、村(社区) {} 个、书记 {} 名,更新 {} 名",
                s.townships,
                s.villages,
                s.added,
                s.updated
            );
            for note in &s.notes {
                say!("说明:{note}");
            }
        }
        ImportKind::Scores => {
            let year = need_year(year, "导入考核分数")?;
            let table = exchange::read_table(file)?;
            let s = service.import_scores(&name, table, year)?;
            say!(
                "已导入 {year} 年度考核:{} 名书记,其中未完成 {} 名",
                s.rows,
                s.incomplete
            );
            for note in &s.notes {
                say!("说明:{note}");
            }
        }
    }
    Ok(())
}

/// `xingji report --year Y [--format text|csv|xlsx] [--out FILE]`.
pub fn report(
    service: &Service,
    year: Option<i16>,
    format: Format,
    out: Out<'_>,
    encoding: Encoding,
) -> Result<(), CliError> {
    let year = need_year(year, "报表")?;
    let book = service.book(year)?;
    let mut buffer = Vec::new();
    match format {
        Format::Csv => {
            report::write_csv(&book, &mut buffer, encoding == Encoding::Gbk).map_err(message)?;
        }
        Format::Text => report::write_text(&book, &mut buffer).map_err(message)?,
        Format::Xlsx => {
            let path = out
                .file
                .ok_or_else(|| message("xlsx 报表需要 --out 文件名"))?;
            let bytes = exchange::xlsx::xlsx_bytes(&book)
                .map_err(|e| message(format!("无法生成 {}:{e}", path.display())))?;
            emit(&bytes, out)?;
            say!("已生成 {}", path.display());
            return Ok(());
        }
    }
    emit(&buffer, out)?;
    if let Some(path) = out.file {
        say!("已生成 {}", path.display());
    }
    // The command ends here: the system takes back a province's year at once, where
    // freeing it piece by piece would take most of a second.
    std::mem::forget(book);
    Ok(())
}

/// `xingji notice --year Y --township T [--letters|--broadcast] [--out FILE]`.
pub fn notice(
    service: &Service,
    year: Option<i16>,
    township: Option<&str>,
    kind: Kind,
    out: Out<'_>,
) -> Result<(), CliError> {
    let year = need_year(year, "公示通知")?;
    if let Some(path) = out.file {
        exchange::notice::check_name(path).map_err(message)?;
    }
    // Which township first: the year is read (a province's takes seconds) only for one.
    let t = own_township(service, township, "公示通知")?;
    let book = service.book(year)?;
    if let Some(why) = exchange::notice::not_now(&book, t) {
        return Err(message(why));
    }
    let paper = kind.paper(&book, t, &service.office()?);
    provisional(&book, t);
    match out.file {
        Some(path) => {
            let bytes = exchange::notice::file_bytes(&paper, path).map_err(message)?;
            emit(&bytes, out)?;
            say!("已生成 {}", path.display());
            Ok(())
        }
        None => emit(paper.text().as_bytes(), out),
    }
}

/// `xingji paysheet --year Y [--township T] --out F.xlsx`: a township's sheet, or
/// every township's the user may see.
pub fn paysheet(
    service: &Service,
    year: Option<i16>,
    township: Option<&str>,
    out: Out<'_>,
) -> Result<(), CliError> {
    let year = need_year(year, "发放表")?;
    let path = out.file.ok_or_else(|| message("发放表需要 --out 文件名"))?;
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        return Err(message(
            "发放表是 Excel 工作簿:请把 --out 的文件名改为以 .xlsx 结尾",
        ));
    }
    let book = service.book(year)?;
    let townships = match township {
        Some(name) => vec![service.township_named(name)?],
        // The book holds what this user may see: a clerk's own township, or all.
        None => book.townships(),
    };
    if townships.is_empty() {
        return Err(message(format!("{year} 年度没有可列入发放表的乡镇")));
    }
    let bytes = exchange::paysheet::paysheet_bytes(&book, &townships, &service.office()?)
        .map_err(|e| message(format!("无法生成 {}:{e}", path.display())))?;
    emit(&bytes, out)?;
    let pending = townships
        .iter()
        .filter(|t| book.record.stage(**t) != crate::domain::Stage::Approved)
        .count();
    say!("已生成 {}({} 个乡镇)", path.display(), townships.len());
    if pending > 0 {
        say!("注意:其中 {pending} 个乡镇尚未审定,表上已注明“仅供核对,不作发放依据”");
    }
    Ok(())
}

/// A paper of a township still being entered or checked: say on standard error that its
/// stars may change and who is left out (the paper itself lists complete ones only).
fn provisional(book: &crate::service::YearBook, township: u32) {
    let stage = book.record.stage(township);
    let missing = book
        .entries
        .iter()
        .filter(|e| book.township_of(e.secretary) == Some(township))
        .filter(|e| e.rating().evaluation.figures().is_none())
        .count();
    let mut said = Vec::new();
    if matches!(
        stage,
        crate::domain::Stage::Entering | crate::domain::Stage::Submitted
    ) {
        said.push(format!(
            "该乡镇 {} 年度处于“{}”阶段,尚未公示,星级为暂定",
            book.year,
            stage.label()
        ));
    }
    if missing > 0 {
        said.push(format!("{missing} 名书记考核未完成,未列入"));
    }
    if !said.is_empty() {
        let _ = writeln!(std::io::stderr(), "注意:{}。", said.join(";"));
    }
}

/// The township named, or a township clerk's own when none is.
fn own_township(service: &Service, township: Option<&str>, what: &str) -> Result<u32, CliError> {
    match township {
        Some(name) => Ok(service.township_named(name)?),
        None => match service.townships(None)?[..] {
            [only] => Ok(only),
            _ => Err(message(format!("{what}需要 --township 乡镇"))),
        },
    }
}
