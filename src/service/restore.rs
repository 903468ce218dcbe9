//! `xingji restore --from BACKUP`: put a backup in the database's place, after checking
//! it as `xingji check` would, and keep the file it replaces under another name.

use std::path::{Path, PathBuf};

use super::check::{Checked, check_store};
use super::{Refusal, Result};
use crate::store::{Store, StoreError};

/// What a restore did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// What the backup holds (the check's summary).
    pub summary: String,
    /// Where the replaced database file was kept, if there was one.
    pub kept: Option<PathBuf>,
}

/// Replace the database file `db` by a copy of `backup`. The backup must open (every
/// page's checksum) and pass the program's own checks; the database must not be in use
/// (a running server keeps it open). The old file is renamed, never deleted.
pub fn restore(db: &Path, backup: &Path, now: jiff::Timestamp) -> Result<Restored> {
    let storage = |e: StoreError| Refusal::Storage(e.to_string());
    let shown = backup.display().to_string();
    let db_shown = db.display().to_string();
    if same_file(db, backup) {
        return Err(Refusal::Invalid("备份文件就是数据库文件本身".to_string()));
    }
    // In use (a server, another clerk's xingji): refused. Damaged or foreign: it is
    // being replaced, which is the point.
    if db.exists()
        && let Err(StoreError::Busy(_)) = Store::open(db)
    {
        return Err(Refusal::Invalid(format!(
            "数据库 {db_shown} 正被使用(xingji serve 或其他用户的 xingji);请先停止服务、待大家退出后再恢复"
        )));
    }
    let io = |source: std::io::Error| {
        storage(StoreError::Io {
            path: db_shown.clone(),
            source,
        })
    };
    // The backup is only read: a private copy `<db>.part` is made, synced and checked,
    // and only then takes the database's name.
    let partial = PathBuf::from(format!("{db_shown}.part"));
    let _ = std::fs::remove_file(&partial);
    let prepared = copy_private(backup, &partial)
        .map_err(|e| {
            Refusal::Invalid(format!(
                "无法读取备份 {shown}:{}",
                crate::text::io_reason(&e)
            ))
        })
        .and_then(|()| checked_copy(&partial, &shown));
    let checked = match prepared {
        Ok(checked) => checked,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let kept = if db.exists() {
        let stamp = now
            .to_zoned_datetime(jiff::tz::TimeZone::system())
            .strftime("%Y%m%d-%H%M%S")
            .to_string();
        let kept = PathBuf::from(format!("{db_shown}.恢复前-{stamp}"));
        if let Err(e) = std::fs::rename(db, &kept) {
            let _ = std::fs::remove_file(&partial);
            return Err(io(e));
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&partial, db).map_err(io)?;
    if let Some(dir) = db.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(Restored {
        summary: checked.summary,
        kept,
    })
}

/// Open the copy of a backup and check it as `xingji check` would.
fn checked_copy(copy: &Path, shown: &str) -> Result<Checked> {
    let store = Store::open(copy).map_err(|e| {
        Refusal::Invalid(match e {
            StoreError::Damaged { detail, .. } => {
                format!("备份 {shown} 也已损坏({detail});请换一份更早的备份")
            }
            StoreError::NotOurs(_) => format!("{shown} 不是 xingji 数据库,不能用来恢复"),
            e => format!("备份 {shown} 不能使用:{e}"),
        })
    })?;
    let checked = check_store(&store)?;
    if !checked.problems.is_empty() {
        return Err(Refusal::Invalid(format!(
            "备份 {shown} 检查发现 {} 个问题,没有恢复:\n  {}",
            checked.problems.len(),
            checked.problems.join("\n  ")
        )));
    }
    Ok(checked)
}

/// Copy `from` to the new file `to`, mode 0600, synced to disk.
fn copy_private(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = std::fs::File::open(from)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut target = options.open(to)?;
    std::io::copy(&mut source, &mut target)?;
    target.sync_all()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
