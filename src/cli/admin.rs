//! The district's housekeeping: `audit`, `user`, `backup`.

use std::io::Write;
use std::path::Path;

use super::{CliError, RoleArg, UserStep, local_time, message, say};
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
            .secretaries
            .iter()
            .filter(|(_, s)| s.name == n.trim())
            .map(|(id, _)| *id)
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
        for (n, r) in service.users()? {
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
        "检查发现 {} 个问题;请用最近的备份(xingji backup 所做)恢复,或联系维护人员",
        checked.problems.len()
    )))
}

/// `xingji backup --to FILE`.
pub fn backup(service: &Service, to: &Path) -> Result<(), CliError> {
    service.backup(to)?;
    say!("已备份到 {}", to.display());
    Ok(())
}
