//! Every table as JSON Lines (docs/files.md, "export --all"): a way across program
//! versions that loses nothing. One line a record, decoded into the program's own types
//! and written as JSON, so any later xingji, or any other tool, reads it; `import_lines`
//! writes the records back into a new file, each in the format this program writes.

use std::io::{BufRead, Write};
use std::path::Path;

use redb::{ReadTransaction, ReadableTable, TableDefinition, TableHandle, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::encoding::{Record, decode, encode};
use super::{
    ASSESSMENTS, AUDIT, FROZEN, RECTIFICATIONS, Result, SCHEMA_VERSION, SECRETARIES, SETTINGS,
    Store, StoreError, TOWNSHIPS, USERS, VILLAGES, YEARS,
};
use crate::domain::{
    Assessment, AuditEntry, Rectification, Role, Secretary, Setting, Township, Village, YearRecord,
};
use crate::scoring::Frozen;

/// What the first line says: this is an export of every table, and of which layout.
const KIND: &str = "xingji 全部数据";
/// The layout of the lines themselves.
const LINES_FORMAT: u32 = 1;

/// The layout of the tables an export holds. Schema 2 added only the kept lines of
/// rated years, which are never exported: its export is schema 1's, and a program of
/// schema 1 reads it.
const EXPORTED_SCHEMA: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    xingji: String,
    format: u32,
    schema: u32,
}

#[derive(Serialize)]
struct LineOut<'a, K: Serialize, V: Serialize> {
    table: &'a str,
    key: K,
    value: V,
}

/// The last line: how many records came before it. A file cut short, even at a line's
/// end, lacks it or disagrees with it.
#[derive(Serialize, Deserialize)]
struct Trailer {
    end: usize,
}

#[derive(Deserialize)]
struct LineIn {
    table: String,
    #[serde(default)]
    key: serde_json::Value,
    value: serde_json::Value,
}

/// How many records of each table a file held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineCounts {
    pub tables: Vec<(&'static str, usize)>,
}

impl LineCounts {
    fn add(&mut self, table: &'static str) {
        match self.tables.iter_mut().find(|(t, _)| *t == table) {
            Some((_, n)) => *n += 1,
            None => self.tables.push((table, 1)),
        }
    }

    pub fn total(&self) -> usize {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

fn write_line(out: &mut dyn Write, line: &impl Serialize) -> Result<()> {
    let io = |source| StoreError::Io {
        path: "导出文件".to_string(),
        source,
    };
    serde_json::to_writer(&mut *out, line).map_err(|e| io(e.into()))?;
    out.write_all(b"\n").map_err(io)
}

fn export_table<K, T>(
    txn: &ReadTransaction,
    table: TableDefinition<K, &'static [u8]>,
    out: &mut dyn Write,
) -> Result<usize>
where
    K: redb::Key + Serialize + 'static,
    for<'a> K: redb::Value<SelfType<'a> = K>,
    T: Record,
{
    // A table an older file does not have yet has nothing to export.
    let Ok(source) = txn.open_table(table) else {
        return Ok(0);
    };
    let name = table.name().to_string();
    let mut n = 0;
    for entry in source.iter()? {
        let (k, v) = entry?;
        let value: T = decode(v.value())?;
        write_line(
            out,
            &LineOut {
                table: &name,
                key: k.value(),
                value,
            },
        )?;
        n += 1;
    }
    Ok(n)
}

/// A table keyed by text (users, settings).
fn export_named<T: Record>(
    txn: &ReadTransaction,
    table: TableDefinition<&str, &'static [u8]>,
    out: &mut dyn Write,
) -> Result<usize> {
    let records = super::read_named::<T>(txn, table)?;
    for (key, value) in &records {
        write_line(
            out,
            &LineOut {
                table: table.name(),
                key,
                value,
            },
        )?;
    }
    Ok(records.len())
}

impl Store {
    /// Write every table to `out`, from one read transaction: a consistent picture while
    /// others go on working. Returns the number of records written.
    pub fn export_lines(&self, out: &mut dyn Write) -> Result<usize> {
        let scheme = self.scheme_text()?;
        let txn = self.read()?;
        write_line(
            out,
            &Header {
                xingji: KIND.to_string(),
                format: LINES_FORMAT,
                schema: EXPORTED_SCHEMA,
            },
        )?;
        write_line(
            out,
            &LineOut {
                table: "scheme",
                key: (),
                value: scheme,
            },
        )?;
        let mut n = 1;
        n += export_table::<u32, Township>(&txn, TOWNSHIPS, out)?;
        n += export_table::<u32, Village>(&txn, VILLAGES, out)?;
        n += export_table::<u32, Secretary>(&txn, SECRETARIES, out)?;
        n += export_table::<i16, YearRecord>(&txn, YEARS, out)?;
        n += export_table::<u64, Assessment>(&txn, ASSESSMENTS, out)?;
        n += export_table::<u64, Rectification>(&txn, RECTIFICATIONS, out)?;
        n += export_table::<u64, Frozen>(&txn, FROZEN, out)?;
        n += export_table::<u64, AuditEntry>(&txn, AUDIT, out)?;
        n += export_named::<Role>(&txn, USERS, out)?;
        n += export_named::<String>(&txn, SETTINGS, out)?;
        write_line(out, &Trailer { end: n })?;
        out.flush().map_err(|source| StoreError::Io {
            path: "导出文件".to_string(),
            source,
        })?;
        Ok(n)
    }

    /// A new database file at `path` holding exactly the records of an export. The file
    /// is built under `<path>.part` and renamed when every line has been read and
    /// written; a bad line leaves nothing behind. `path` must not exist.
    /// `verify` looks at the finished file before it takes its name: the program's own
    /// checks; a problem it names keeps the file from being used.
    pub fn import_lines(
        path: &Path,
        input: &mut dyn BufRead,
        verify: &dyn Fn(&Store) -> std::result::Result<(), String>,
    ) -> Result<LineCounts> {
        let shown = path.display().to_string();
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(StoreError::Exists(shown));
        }
        let partial = std::path::PathBuf::from(format!("{shown}.part"));
        // What an interrupted run left: ours to replace.
        let _ = std::fs::remove_file(&partial);
        let built = build(&partial, input, verify);
        let placed = built.and_then(|counts| {
            // A hard link never replaces a file that appeared meanwhile.
            std::fs::hard_link(&partial, path)
                .map_err(|source| {
                    if source.kind() == std::io::ErrorKind::AlreadyExists {
                        StoreError::Exists(shown.clone())
                    } else {
                        StoreError::Io {
                            path: shown.clone(),
                            source,
                        }
                    }
                })
                .map(|()| counts)
        });
        let _ = std::fs::remove_file(&partial);
        placed
    }
}

/// Read the lines into a new database at `partial`.
fn build(
    partial: &Path,
    input: &mut dyn BufRead,
    verify: &dyn Fn(&Store) -> std::result::Result<(), String>,
) -> Result<LineCounts> {
    let mut lines = input.lines().enumerate();
    let bad = |line: usize, detail: String| StoreError::Lines { line, detail };
    let read_error = |line: usize, e: std::io::Error| {
        bad(
            line,
            if e.kind() == std::io::ErrorKind::InvalidData {
                "不是 UTF-8 文本(文件可能已损坏)".to_string()
            } else {
                format!("无法读取:{}", crate::text::io_reason(&e))
            },
        )
    };
    let (_, first) = lines
        .next()
        .ok_or_else(|| bad(1, "文件是空的".to_string()))?;
    let first = first.map_err(|e| read_error(1, e))?;
    let header: Header = serde_json::from_str(first.trim_start_matches('\u{feff}'))
        .ok()
        .filter(|h: &Header| h.xingji == KIND)
        .ok_or_else(|| bad(1, "不是 xingji export --all 导出的文件".to_string()))?;
    if header.format > LINES_FORMAT || header.schema > SCHEMA_VERSION {
        return Err(StoreError::TooNew(header.schema.max(header.format)));
    }
    let (_, second) = lines
        .next()
        .ok_or_else(|| bad(2, "缺少考核方案(scheme)".to_string()))?;
    let second = second.map_err(|e| read_error(2, e))?;
    let scheme: String = serde_json::from_str::<LineIn>(&second)
        .ok()
        .filter(|l| l.table == "scheme")
        .and_then(|l| serde_json::from_value(l.value).ok())
        .ok_or_else(|| bad(2, "第二行应是考核方案(scheme)".to_string()))?;
    let store = Store::create(partial, &scheme)?;
    let txn = store.db().begin_write()?;
    // The new file's own "新建数据库" line gives way to the exported log.
    txn.open_table(AUDIT)?.retain(|_, _| false)?;
    let mut counts = LineCounts::default();
    counts.add("scheme");
    let mut last = 2;
    let mut ended = None;
    for (index, line) in lines {
        let number = index + 1;
        let line = line.map_err(|e| read_error(number, e))?;
        if line.trim().is_empty() {
            continue;
        }
        last = number;
        if ended.is_some() {
            return Err(bad(number, "结尾行之后还有内容".to_string()));
        }
        if let Ok(trailer) = serde_json::from_str::<Trailer>(&line) {
            ended = Some((number, trailer.end));
            continue;
        }
        let record: LineIn = serde_json::from_str(&line).map_err(|_| {
            bad(
                number,
                "不是一条完整的记录(文件可能被截断或改动过)".to_string(),
            )
        })?;
        let table = put_line(&txn, record).map_err(|detail| match detail {
            Put::Bad(detail) => bad(number, detail),
            Put::Store(e) => e,
        })?;
        counts.add(table);
    }
    match ended {
        None => {
            return Err(bad(
                last,
                "文件不完整:没有结尾行(文件可能被截断);请重新导出".to_string(),
            ));
        }
        Some((line, end)) if end != counts.total() => {
            return Err(bad(
                line,
                format!(
                    "结尾行说有 {end} 条记录,实际读到 {} 条;文件不完整或被改动过,请重新导出",
                    counts.total()
                ),
            ));
        }
        Some(_) => {}
    }
    txn.commit()?;
    verify(&store).map_err(StoreError::Rejected)?;
    drop(store);
    Ok(counts)
}

enum Put {
    Bad(String),
    Store(StoreError),
}

impl<E: Into<StoreError>> From<E> for Put {
    fn from(e: E) -> Self {
        Put::Store(e.into())
    }
}

/// Write one record into its table; the name of the table it went into.
fn put_line(txn: &WriteTransaction, line: LineIn) -> std::result::Result<&'static str, Put> {
    fn put<K, T>(
        txn: &WriteTransaction,
        table: TableDefinition<K, &'static [u8]>,
        line: LineIn,
    ) -> std::result::Result<(), Put>
    where
        K: redb::Key + DeserializeOwned + 'static,
        for<'a> K: redb::Value<SelfType<'a> = K>,
        T: Record,
    {
        let key: K = serde_json::from_value(line.key)
            .map_err(|_| Put::Bad(format!("表 {} 的键不对", line.table)))?;
        let value: T = serde_json::from_value(line.value).map_err(|_| {
            Put::Bad(format!(
                "表 {} 的记录内容不对(缺少字段、字段类型或取值不符)",
                line.table
            ))
        })?;
        let mut t = txn.open_table(table)?;
        if t.insert(key, encode(&value).as_slice())?.is_some() {
            return Err(Put::Bad(format!("表 {} 中同一个键出现两次", line.table)));
        }
        Ok(())
    }
    Ok(match line.table.as_str() {
        "townships" => put::<u32, Township>(txn, TOWNSHIPS, line).map(|()| "townships")?,
        "villages" => put::<u32, Village>(txn, VILLAGES, line).map(|()| "villages")?,
        "secretaries" => put::<u32, Secretary>(txn, SECRETARIES, line).map(|()| "secretaries")?,
        "years" => put::<i16, YearRecord>(txn, YEARS, line).map(|()| "years")?,
        "assessments" => put::<u64, Assessment>(txn, ASSESSMENTS, line).map(|()| "assessments")?,
        "rectifications" => {
            put::<u64, Rectification>(txn, RECTIFICATIONS, line).map(|()| "rectifications")?
        }
        "audit" => put::<u64, AuditEntry>(txn, AUDIT, line).map(|()| "audit")?,
        "frozen" => put::<u64, Frozen>(txn, FROZEN, line).map(|()| "frozen")?,
        "users" => {
            let name: String =
                serde_json::from_value(line.key).map_err(|_| Put::Bad("用户名不对".to_string()))?;
            let role: Role = serde_json::from_value(line.value)
                .map_err(|_| Put::Bad("用户的角色不对".to_string()))?;
            let mut t = txn.open_table(USERS)?;
            if t.insert(name.as_str(), encode(&role).as_slice())?.is_some() {
                return Err(Put::Bad(format!("用户 {name} 出现两次")));
            }
            "users"
        }
        "settings" => {
            let key: String = serde_json::from_value(line.key)
                .map_err(|_| Put::Bad("设置项的名称不对".to_string()))?;
            let setting =
                Setting::parse(&key).ok_or_else(|| Put::Bad(format!("未知的设置项「{key}」")))?;
            let value: String = serde_json::from_value(line.value)
                .map_err(|_| Put::Bad(format!("设置项 {key} 的值不对")))?;
            let value = setting.check(&value).map_err(Put::Bad)?;
            let mut t = txn.open_table(SETTINGS)?;
            if t.insert(setting.key(), encode(&value).as_slice())?
                .is_some()
            {
                return Err(Put::Bad(format!("设置项 {key} 出现两次")));
            }
            "settings"
        }
        "scheme" => return Err(Put::Bad("考核方案(scheme)只能在第二行".to_string())),
        other => return Err(Put::Bad(format!("未知的表「{other}」"))),
    })
}
