//! Files in and out: `init`, `import`, `report`, `notice`, `scheme`.

use std::io::Write;
use std::path::Path;

use super::{
    CliError, Encoding, Format, ImportKind, Out, SchemeStep, emit, message, need_year, say,
};
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
    emit(&buffer, out)
}

/// `xingji notice --year Y --township T [--letters] [--out FILE]`.
pub fn notice(
    service: &Service,
    year: Option<i16>,
    township: Option<&str>,
    letters: bool,
    out: Out<'_>,
) -> Result<(), CliError> {
    let year = need_year(year, "公示通知")?;
    let book = service.book(year)?;
    let t = match township {
        Some(name) => service.township_named(name)?,
        // A township clerk's own township; the district names one.
        None => match service.townships(None)?[..] {
            [only] => only,
            _ => return Err(message("公示通知需要 --township 乡镇")),
        },
    };
    if let Some(why) = exchange::notice::not_now(&book, t) {
        return Err(message(why));
    }
    // A file is plain text for Windows; a name that promises another format is refused
    // rather than written as text under it (Word cannot open that).
    let extension = out
        .file
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_lowercase());
    if let Some(ext) = extension.as_deref().filter(|e| *e != "txt") {
        return Err(message(format!(
            "公示通知和明白信写成文本文件(.txt),不能写成 .{ext};请把 --out 的文件名改为以 .txt 结尾"
        )));
    }
    let today = service.today();
    let text = if letters {
        exchange::notice::letters(&book, t, today)
    } else {
        exchange::notice::notice(&book, t, today)
    };
    match out.file {
        Some(_) => emit(&exchange::notice::windows_text(&text), out),
        None => emit(text.as_bytes(), out),
    }
}
