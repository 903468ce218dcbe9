//! The district's housekeeping: `audit`, `user`, `backup`, `check`, `export --all`,
//! `import --all`.

use std::io::Write;
use std::path::Path;

use super::{CliError, Out, RoleArg, SettingsStep, UserStep, emit, local_time, message, say};
use crate::domain::Role;
use crate::service::{AuditFilter, Service, role_label};
use crate::text::pad;

/// `xingji audit [--year Y] [--secretary NAME] [--township T]`.
pub fn audit(
    service: &Service,
    year: Option<i16>,
    secretary: Option<&str>,
    township: Option<&str>,
) -> Result<(), CliError> {
    let district = service.district()?;
    let filter = AuditFilter {
        year,
        township: match township {
            Some(t) => Some(crate::service::workflow::township_id(&district, t)?),
            None => None,
        },
        secretary: None,
    };
    // Names are not unique: every secretary of that name.
    let wanted: Option<Vec<u32>> = secretary.map(|n| {
        district
            .secretaries()
            .filter(|(_, s)| s.name == n.trim())
            .map(|(id, _)| id)
            .collect()
    });
    for e in service.audit_log(&filter)? {
        let about = wanted
            .as_ref()
            .is_none_or(|ids| e.scope.secretary.is_some_and(|id| ids.contains(&id)));
        if about {
            say!("{}  {}  {}", local_time(e.at), pad(&e.user, 10), e.line());
        }
    }
    Ok(())
}

/// `xingji settings set KEY VALUE` and `xingji settings list`.
pub fn settings(
    service: &Service,
    step: SettingsStep,
    key: Option<&str>,
    value: Option<&str>,
) -> Result<(), CliError> {
    match (step, key, value) {
        (SettingsStep::Set, Some(key), Some(value)) => {
            say!("{}", service.set_setting(key, value)?);
        }
        (SettingsStep::Set, ..) => {
            return Err(message(
                "需要设置项和值,例如:xingji settings set 区名 朔城区",
            ));
        }
        (SettingsStep::List, Some(_), _) => {
            return Err(message(
                "settings list 不带设置项;设置用 xingji settings set 设置项 值",
            ));
        }
        (SettingsStep::List, ..) => {
            let office = service.office()?;
            for s in crate::domain::Setting::ALL {
                say!(
                    "{}  {}",
                    pad(s.key(), 10),
                    office.get(s).unwrap_or("(未设置,文件中留空白手工填写)")
                );
            }
        }
    }
    Ok(())
}

/// `xingji user add|list|remove NAME [--role R] [--township T]`.
pub fn user(
    service: &Service,
    step: UserStep,
    name: Option<&str>,
    role: Option<RoleArg>,
    township: Option<&str>,
) -> Result<(), CliError> {
    if step == UserStep::List {
        let district = service.district()?;
        let users = service.users()?;
        if users.is_empty() {
            say!(
                "没有用户名单:打开这个数据库的用户都是区管理员。\
                 用 xingji user add 添加第一位用户后(添加者同时登记为区管理员),名单之外的用户会被拒绝"
            );
        }
        for (n, r) in users {
            say!("{}  {}", pad(&n, 16), role_label(r, &district));
        }
        return Ok(());
    }
    let name = name.ok_or_else(|| message("需要用户名"))?;
    if step == UserStep::Remove {
        service.remove_user(name)?;
        say!("已删除用户 {}", name.trim());
        return Ok(());
    }
    let role = match (
        role.ok_or_else(|| message("需要 --role district|township|viewer"))?,
        township,
    ) {
        (RoleArg::District, _) => Role::District,
        (RoleArg::Viewer, _) => Role::Viewer,
        (RoleArg::Township, Some(t)) => {
            let district = service.district()?;
            Role::Township(crate::service::workflow::township_id(&district, t)?)
        }
        (RoleArg::Township, None) => return Err(message("乡镇录入员需要 --township 乡镇")),
    };
    let label = service.put_user(name, role)?;
    say!("已设置用户 {}:{label}", name.trim());
    Ok(())
}

/// `xingji check`: opening the file verified every page; then every record is read.
pub fn check(service: &Service) -> Result<(), CliError> {
    let checked = service.check()?;
    say!("{}", checked.summary);
    if checked.problems.is_empty() {
        say!("检查完毕:未发现问题");
        return Ok(());
    }
    for p in &checked.problems {
        say!("  {p}");
    }
    Err(CliError::Message(format!(
        "检查发现 {} 个问题;请用最近的备份恢复(xingji restore --from 备份文件),或联系维护人员",
        checked.problems.len()
    )))
}

/// `xingji backup --to FILE`.
pub fn backup(service: &Service, to: &Path) -> Result<(), CliError> {
    service.backup(to)?;
    say!("已备份到 {}", to.display());
    Ok(())
}

/// `xingji export --all F.jsonl`.
pub fn export_all(service: &Service, out: Out<'_>) -> Result<(), CliError> {
    let bytes = service.export_all()?;
    let records = bytes
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1);
    emit(&bytes, out)?;
    if let Some(path) = out.file {
        say!("已导出 {records} 条记录到 {}", path.display());
    }
    Ok(())
}

/// `xingji --db NEW import --all F.jsonl`: a new database file holding exactly what the
/// export holds, then the same checks as `xingji check`.
pub fn import_all(db: &Path, user: &str, from: &Path) -> Result<(), CliError> {
    let file = std::fs::File::open(from).map_err(|e| {
        message(format!(
            "无法打开 {}:{}",
            from.display(),
            crate::text::io_reason(&e)
        ))
    })?;
    let mut input = std::io::BufReader::new(file);
    // The check's summary is kept to say what the new file holds (it is not run twice).
    let summary = std::cell::RefCell::new(String::new());
    let verify = |store: &crate::store::Store| {
        let checked = crate::service::check_store(store).map_err(|e| e.to_string())?;
        summary.replace(checked.summary);
        match checked.problems.len() {
            0 => Ok(()),
            n => Err(format!(
                "发现 {n} 个问题:\n  {}",
                checked.problems.join("\n  ")
            )),
        }
    };
    let counts =
        crate::store::Store::import_lines(db, &mut input, &verify).map_err(|e| match e {
            crate::store::StoreError::Exists(_) => message(format!(
                "数据库文件 {} 已存在,未作改动;import --all 只建立新的数据库,请用 --db 指定一个尚不存在的文件",
                db.display()
            )),
            e => message(format!("导入失败({}):{e}", from.display())),
        })?;
    say!(
        "已从 {} 建立数据库 {}:共 {} 条记录",
        from.display(),
        db.display(),
        counts.total()
    );
    // Checked before it took its name: what it holds; and whether its users include
    // the one who built it.
    say!("{}", summary.borrow());
    if let Err(e) = Service::open(db, user) {
        say!("注意:{e}");
    }
    Ok(())
}

/// `xingji --db DB restore --from BACKUP`: the file itself, never through a server.
pub fn restore(db: &Path, from: &Path) -> Result<(), CliError> {
    let restored = crate::service::restore(db, from, jiff::Timestamp::now())?;
    say!("已用备份 {} 恢复数据库 {}", from.display(), db.display());
    say!("{}", restored.summary);
    if let Some(kept) = restored.kept {
        say!("原数据库文件已改名留存为 {}", kept.display());
    }
    Ok(())
}
