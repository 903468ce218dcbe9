//! Writing an output file (`--out`): a report or a notice holds names, birth dates and
//! pay, and the file named may be anything, the database included.
//!
//! The rules:
//! - never the open database (same path after resolving links, or the same file through a
//!   hard link), never a name of its temporary or lock files (`<db>.part`, `.tmp`,
//!   `.lock`), never an existing redb file (a backup, another database): not even with
//!   `--force`;
//! - any other existing file only with `--force`;
//! - the bytes go to a new temporary file (0600, created exclusively) in the same folder,
//!   are synced, and the temporary file is then renamed onto the name: the file named is
//!   replaced whole or not at all, never written through, and the temporary file is
//!   removed on any error.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The first bytes of every redb file (redb's `MAGICNUMBER`, tree_store/page_store/header.rs).
pub const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

/// Names made from the database's own name that belong to it: the backup's partial copy
/// (`Store::backup` writes `<to>.part`), temporary and lock files.
const DATABASE_COMPANIONS: [&str; 3] = [".part", ".tmp", ".lock"];

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("{path} 就是正在使用的数据库文件,不能用输出覆盖(加 --force 也不行);请另指定一个文件名")]
    Database { path: String },
    #[error(
        "{path} 是数据库 {database} 的临时文件或锁文件的名字,不能写入(加 --force 也不行);请另指定一个文件名"
    )]
    Companion { path: String, database: String },
    #[error(
        "{path} 是一个数据库文件(xingji 数据库或其备份),不能用输出覆盖(加 --force 也不行);请另指定一个文件名"
    )]
    RedbFile { path: String },
    #[error("{path} 不是普通文件(是目录或设备),不能写入;请另指定一个文件名")]
    NotAFile { path: String },
    #[error("文件 {path} 已存在;如确要覆盖,请加 --force")]
    Exists { path: String },
    #[error(
        "无法读取已有的文件 {path}({}),不能确认它不是数据库,未写入;请另指定一个文件名",
        crate::text::io_reason(source)
    )]
    Unreadable { path: String, source: io::Error },
    #[error("无法写入 {path}:{}", write_reason(path, source))]
    Io { path: String, source: io::Error },
}

/// Why a file could not be written, in words, with what to do.
fn write_reason(path: &str, e: &io::Error) -> String {
    let folder = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match e.kind() {
        io::ErrorKind::NotFound if !folder.is_dir() => {
            "所在的文件夹不存在;请先建立文件夹,或另指定位置".to_string()
        }
        io::ErrorKind::NotFound => "不能在这个文件夹里建立文件;请另指定位置".to_string(),
        io::ErrorKind::PermissionDenied => {
            "没有在这里写文件的权限;请写到自己的文件夹(如主目录)".to_string()
        }
        io::ErrorKind::StorageFull => "磁盘已满;请清理后再试".to_string(),
        io::ErrorKind::ReadOnlyFilesystem => "这里是只读的;请另指定位置".to_string(),
        _ => format!(
            "系统报告错误(代码 {});请另指定位置或联系管理员",
            e.raw_os_error().unwrap_or(0)
        ),
    }
}

/// Check that `path` may receive an output while `database` is the database in use,
/// without writing anything (to refuse before the work of making the output).
pub fn check_output(path: &Path, force: bool, database: &Path) -> Result<(), OutputError> {
    let shown = path.display().to_string();
    if path.file_name().is_none() {
        return Err(OutputError::NotAFile { path: shown });
    }
    let targets = resolved(path);
    let databases = resolved(database);
    if targets.iter().any(|t| databases.contains(t)) || same_file(path, database) {
        return Err(OutputError::Database { path: shown });
    }
    if targets
        .iter()
        .any(|t| databases.iter().any(|d| is_companion(t, d)))
    {
        return Err(OutputError::Companion {
            path: shown,
            database: database.display().to_string(),
        });
    }
    // An existing name, a link (even one to nothing) included.
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => match starts_with_redb_magic(path) {
            Ok(true) => return Err(OutputError::RedbFile { path: shown }),
            Ok(false) => {}
            Err(source) => {
                return Err(OutputError::Unreadable {
                    path: shown,
                    source,
                });
            }
        },
        Ok(_) => return Err(OutputError::NotAFile { path: shown }),
        // A link to nothing: replacing the link itself writes nowhere else.
        Err(_) => {}
    }
    if force {
        Ok(())
    } else {
        Err(OutputError::Exists { path: shown })
    }
}

/// Write `bytes` as the file `path` under the rules above: a new file of mode 0600, or,
/// with `force`, a replacement of an existing file that is not a database.
pub fn write_output(
    path: &Path,
    force: bool,
    database: &Path,
    bytes: &[u8],
) -> Result<(), OutputError> {
    check_output(path, force, database)?;
    let io = |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    remove_abandoned(&folder);
    let (temporary, mut file) = create_temporary(&folder).map_err(io)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    let placed = written
        .map_err(io)
        .and_then(|()| put_in_place(&temporary, path, force));
    // After a rename it is gone already; after a hard link it is the second name.
    let _ = std::fs::remove_file(&temporary);
    placed?;
    // The new name itself survives a crash once the folder is synced (best effort: not
    // every file system lets a folder be opened for it).
    if let Ok(dir) = File::open(&folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Move the finished temporary file to `path`. Without `force` the new name is made by a
/// hard link, which fails rather than replace a file that appeared since the check.
fn put_in_place(temporary: &Path, path: &Path, force: bool) -> Result<(), OutputError> {
    let shown = path.display().to_string();
    if !force {
        match std::fs::hard_link(temporary, path) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(OutputError::Exists { path: shown });
            }
            // A file system without hard links: check once more, then rename.
            Err(_) if std::fs::symlink_metadata(path).is_ok() => {
                return Err(OutputError::Exists { path: shown });
            }
            Err(_) => {}
        }
    }
    std::fs::rename(temporary, path).map_err(|source| OutputError::Io {
        path: shown,
        source,
    })
}

/// Remove what an interrupted run (a kill, a power cut) left in `folder`: temporary
/// files `.xingji-<pid>-<n>.tmp` whose process is gone. Files of a live process, or of
/// another user (not ours to remove), stay.
fn remove_abandoned(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(".xingji-"))
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.split_once('-'))
            .and_then(|(pid, n)| n.parse::<u32>().ok().and(pid.parse::<u32>().ok()))
        else {
            continue;
        };
        if !process_is_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_is_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // Signal 0 only asks whether the process exists; EPERM means it does (another user's).
    // SAFETY: kill with signal 0 sends nothing.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_is_alive(_pid: u32) -> bool {
    true
}

/// A new file `.xingji-<pid>-<n>.tmp` in `folder`, mode 0600, never an existing one.
fn create_temporary(folder: &Path) -> io::Result<(PathBuf, File)> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let pid = std::process::id();
    let mut last = None;
    for n in 0..100 {
        let candidate = folder.join(format!(".xingji-{pid}-{n}.tmp"));
        match options.open(&candidate) {
            Ok(file) => return Ok((candidate, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)))
}

/// The absolute names `path` goes by: with every link resolved when it exists, and with
/// its folder resolved (the name itself kept, a link or not).
fn resolved(path: &Path) -> Vec<PathBuf> {
    let mut names = Vec::new();
    if let Ok(p) = std::fs::canonicalize(path) {
        names.push(p);
    }
    if let Some(name) = path.file_name() {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(f) = std::fs::canonicalize(folder) {
            names.push(f.join(name));
        }
    }
    names
}

/// The same file through another name (a hard link), on Unix.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    let _ = (a, b);
    false
}

/// `target` is `database` followed by one of the companion suffixes (and anything after).
fn is_companion(target: &Path, database: &Path) -> bool {
    let rest = target
        .as_os_str()
        .as_encoded_bytes()
        .strip_prefix(database.as_os_str().as_encoded_bytes());
    rest.is_some_and(|rest| {
        DATABASE_COMPANIONS
            .iter()
            .any(|suffix| rest.starts_with(suffix.as_bytes()))
    })
}

fn starts_with_redb_magic(path: &Path) -> io::Result<bool> {
    let mut head = Vec::with_capacity(REDB_MAGIC.len());
    File::open(path)?
        .take(REDB_MAGIC.len() as u64)
        .read_to_end(&mut head)?;
    Ok(head == REDB_MAGIC)
}

// Two attributes rather than cfg(all(test, unix)): clippy's allow-unwrap-in-tests
// recognises a test module only by a plain #[cfg(test)].
#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("xingji.redb");
        let mut bytes = REDB_MAGIC.to_vec();
        bytes.extend_from_slice(&[0; 64]);
        std::fs::write(&db, bytes).unwrap();
        (dir, db)
    }

    /// The names in the folder other than the database: no temporary file is left.
    fn others(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "xingji.redb")
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_database_its_companions_and_redb_files_are_refused_even_with_force() {
        let (dir, db) = setup();
        let before = std::fs::read(&db).unwrap();
        let link = dir.path().join("link.redb");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&db, &hard).unwrap();
        let dotted = dir.path().join(".").join("xingji.redb");
        for force in [false, true] {
            for target in [&db, &link, &dotted, &hard] {
                let e = write_output(target, force, &db, b"x").unwrap_err();
                assert!(matches!(e, OutputError::Database { .. }), "{target:?}: {e}");
                assert!(e.to_string().contains("数据库"), "{e}");
            }
            for suffix in ["part", "tmp", "lock", "lock.1"] {
                let target = dir.path().join(format!("xingji.redb.{suffix}"));
                let e = write_output(&target, force, &db, b"x").unwrap_err();
                assert!(matches!(e, OutputError::Companion { .. }), "{e}");
                assert!(!target.exists());
            }
        }
        // Another redb file (a backup): refused by its first bytes, whatever its name.
        let backup = dir.path().join("备份.csv");
        std::fs::copy(&db, &backup).unwrap();
        let e = write_output(&backup, true, &db, b"x").unwrap_err();
        assert!(matches!(e, OutputError::RedbFile { .. }), "{e}");
        assert_eq!(std::fs::read(&db).unwrap(), before);
        assert_eq!(std::fs::read(&backup).unwrap(), before);
        assert_eq!(others(dir.path()), ["hard.csv", "link.redb", "备份.csv"]);
    }

    #[test]
    fn a_new_file_is_private_and_an_existing_one_needs_force() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, db) = setup();
        let out = dir.path().join("结果.csv");
        write_output(&out, false, &db, b"one").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"one");
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        let e = write_output(&out, false, &db, b"two").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("文件 {} 已存在;如确要覆盖,请加 --force", out.display())
        );
        assert_eq!(std::fs::read(&out).unwrap(), b"one");

        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_output(&out, true, &db, b"two").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"two");
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a replaced file is a new private file");

        // A folder, and a folder that is not there: refused, nothing left behind.
        assert!(matches!(
            write_output(dir.path(), true, &db, b"x"),
            Err(OutputError::NotAFile { .. })
        ));
        assert!(matches!(
            write_output(&dir.path().join("无/结果.csv"), true, &db, b"x"),
            Err(OutputError::Io { .. })
        ));
        assert_eq!(others(dir.path()), ["结果.csv"]);
    }

    #[test]
    fn what_an_interrupted_write_left_is_removed_by_the_next() {
        let (dir, db) = setup();
        // A process that has ended (a child waited for), and this live one.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let abandoned = dir.path().join(format!(".xingji-{gone}-0.tmp"));
        let live = dir
            .path()
            .join(format!(".xingji-{}-7.tmp", std::process::id()));
        std::fs::write(&abandoned, b"half").unwrap();
        std::fs::write(&live, b"in progress").unwrap();
        write_output(&dir.path().join("结果.csv"), false, &db, b"one").unwrap();
        assert!(!abandoned.exists());
        assert!(live.exists(), "another writer's file in progress stays");
    }
}
