//! The redb store (docs/architecture.md, "Storage"): one file, the program's own versioned value
//! encoding, a schema version in the file, immediate durability, quick repair.

mod encoding;
mod lines;

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard};

use redb::{
    Database, ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata,
    TableDefinition, WriteTransaction,
};
use serde::Deserialize;
use thiserror::Error;

use crate::domain::{
    Assessment, AuditEntry, District, Office, Rectification, Role, Scope, Secretary, Setting,
    Stage, Township, TownshipYear, Village, YearRecord,
};
use crate::scoring::Frozen;
pub use encoding::FORMAT_VERSION;
use encoding::{Record, body, decode, encode};
pub use lines::LineCounts;

/// The layout of tables in the file. A newer program migrates an older file on open.
/// Version 2 added the kept lines of rated years ([`Store::keep_lines`]), which every
/// change they depend on must drop: a program of version 1 would not, so it refuses a
/// file of version 2. (The counts kept beside the lines since, in the same key range,
/// are dropped with them by any program of version 2: an earlier one only takes them
/// for lines of the wrong length and rates that year again.)
pub const SCHEMA_VERSION: u32 = 2;

/// These secretaries' records of a year in `table` (those that have one), from one
/// snapshot: looked up one at a time, or for many, the year read in key order.
fn records_of<T: Record>(
    txn: &ReadTransaction,
    table: TableDefinition<u64, &'static [u8]>,
    year: i16,
    secretaries: &[u32],
) -> Result<HashMap<u32, T>> {
    let mut found = HashMap::with_capacity(secretaries.len());
    if secretaries.is_empty() {
        return Ok(found);
    }
    let table = txn.open_table(table)?;
    if secretaries.len() > MANY_FORMS {
        let wanted: std::collections::HashSet<u32> = secretaries.iter().copied().collect();
        for entry in table.range(year_range(year))? {
            let (key, value) = entry?;
            let id = key.value() as u32;
            if wanted.contains(&id) {
                found.insert(id, decode(value.value())?);
            }
        }
    } else {
        for &id in secretaries {
            if let Some(value) = table.get(assessment_key(year, id))? {
                found.insert(id, decode(value.value())?);
            }
        }
    }
    Ok(found)
}

/// Secretaries' assessments and frozen figures, read together ([`Store::forms_of`]).
pub type Forms = (HashMap<u32, Assessment>, HashMap<u32, Frozen>);

/// Above this many, [`Store::forms_of`] reads the year's records in order.
const MANY_FORMS: usize = 4096;

/// redb's own default cache is 1 GiB; a township server has far less to spare. 2 MiB:
/// the pages a save, a form or a window reads come from the system's file cache just
/// as fast (a province's import of scores took 4.3 s with 2 MiB and with 8).
const CACHE_BYTES: usize = 2 * 1024 * 1024;

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const TOWNSHIPS: TableDefinition<u32, &[u8]> = TableDefinition::new("townships");
const VILLAGES: TableDefinition<u32, &[u8]> = TableDefinition::new("villages");
const SECRETARIES: TableDefinition<u32, &[u8]> = TableDefinition::new("secretaries");
const YEARS: TableDefinition<i16, &[u8]> = TableDefinition::new("years");
/// Keyed by year then secretary: `(year << 32) | secretary`, so a year reads in one range.
const ASSESSMENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("assessments");
const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");
/// Keyed like ASSESSMENTS.
const RECTIFICATIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("rectifications");
const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
/// The office's details (`Setting::key` → the value as a `String`).
const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");
/// The figures that stand, frozen at publication; keyed like ASSESSMENTS.
const FROZEN: TableDefinition<u64, &[u8]> = TableDefinition::new("frozen");
/// Lines derived from a year's data, kept so that the year is not worked out again at
/// every reading (the rated year, `service::rated`): key the year, then the chunk, 0
/// the header (the body's length). Never backed up or exported: a copy works them out
/// again. Dropped in the same transaction as any change to the year's record,
/// assessments or frozen figures, and all of them with any change to the roster.
const KEPT: TableDefinition<u64, &[u8]> = TableDefinition::new("kept");
/// The body of kept lines is stored in pieces of this many bytes.
const KEPT_CHUNK: usize = 64 * 1024;
/// The key of [`KEPT`]'s chunks that holds a year's counts, after its lines' chunks.
const COUNTS_CHUNK: u32 = u32::MAX;

const KEY_SCHEMA: &str = "schema_version";
const KEY_SCHEME: &str = "scheme";

/// What to do with a damaged database file.
const RESTORE_ADVICE: &str = "请用最近的备份(xingji backup 所做)恢复:xingji --db 本文件 restore --from 备份文件(本文件会改名留存,不会删除)。";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("数据库 {0} 不存在;请先运行 xingji init")]
    Missing(String),
    #[error("文件 {0} 已存在,未作改动;请另指定一个尚不存在的文件名")]
    Exists(String),
    #[error("数据库 {0} 正被另一个 xingji 进程使用;请稍后再试")]
    Busy(String),
    #[error("{0} 不是 xingji 数据库")]
    NotOurs(String),
    #[error("数据库文件 {path} 已损坏,无法读取({detail})。\n{RESTORE_ADVICE}")]
    Damaged { path: String, detail: String },
    #[error("数据库文件 {0} 在打开后的检查中已修复(回到最近一次完整的保存);请重新打开 xingji")]
    Repaired(String),
    #[error("数据库由更新版本的 xingji 创建(格式 {0}),请升级 xingji")]
    TooNew(u32),
    #[error("数据库记录无法读取(格式 {0}),文件可能已损坏;{RESTORE_ADVICE}")]
    BadRecord(u8),
    #[error("无法打开数据库 {path}:{source}")]
    Open {
        path: String,
        source: redb::DatabaseError,
    },
    #[error("无法创建数据库文件 {path}:{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("第{line}行:{detail};没有建立数据库")]
    Lines { line: usize, detail: String },
    /// A file built from an export failed the program's own checks.
    #[error("导入的数据检查未通过,没有建立数据库:\n  {0}")]
    Rejected(String),
    #[error("数据库错误:{0}")]
    Redb(#[from] redb::Error),
}

macro_rules! redb_error {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Redb(e.into())
            }
        }
    )*};
}
redb_error!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub type Result<T> = std::result::Result<T, StoreError>;

impl Record for Rectification {
    const VERSION: u8 = 2;

    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self> {
        // Format 1 had no 撤销.
        #[derive(Deserialize)]
        struct V1 {
            consequence: crate::domain::Consequence,
            approved_on: jiff::civil::Date,
            deadline: jiff::civil::Date,
            measures: String,
            done_on: Option<jiff::civil::Date>,
        }
        let o: V1 = body(version, bytes)?;
        Ok(Rectification {
            consequence: o.consequence,
            approved_on: o.approved_on,
            deadline: o.deadline,
            measures: o.measures,
            done_on: o.done_on,
            withdrawn: None,
        })
    }
}

impl Record for Frozen {}

impl Record for Role {}

impl Record for YearRecord {
    const VERSION: u8 = 3;

    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self> {
        // Format 2 had no correction mark, no township items, no objector.
        #[derive(Deserialize)]
        struct ObjectionV2 {
            secretary: u32,
            raised_on: jiff::civil::Date,
            text: String,
            resolution: Option<String>,
        }
        #[derive(Deserialize)]
        struct TownshipYearV2 {
            stage: Stage,
            submitted_on: Option<jiff::civil::Date>,
            publicity: Option<(jiff::civil::Date, u32)>,
            approved_on: Option<jiff::civil::Date>,
            objections: Vec<ObjectionV2>,
            reopenings: Vec<(jiff::civil::Date, String, String)>,
        }
        #[derive(Deserialize)]
        struct V2 {
            scheme: String,
            townships: Vec<(u32, TownshipYearV2)>,
        }
        // Format 1 kept only each township's stage.
        #[derive(Deserialize)]
        struct V1 {
            scheme: String,
            stages: Vec<(u32, Stage)>,
        }
        if version == 2 {
            let old: V2 = body(version, bytes)?;
            return Ok(YearRecord {
                scheme: old.scheme,
                townships: old
                    .townships
                    .into_iter()
                    .map(|(t, y)| {
                        (
                            t,
                            TownshipYear {
                                stage: y.stage,
                                submitted_on: y.submitted_on,
                                publicity: y.publicity,
                                approved_on: y.approved_on,
                                objections: y
                                    .objections
                                    .into_iter()
                                    .map(|o| crate::domain::Objection {
                                        secretary: o.secretary,
                                        raised_on: o.raised_on,
                                        text: o.text,
                                        by: String::new(),
                                        contact: String::new(),
                                        resolution: o.resolution,
                                    })
                                    .collect(),
                                reopenings: y.reopenings,
                                correction: false,
                                items: Vec::new(),
                            },
                        )
                    })
                    .collect(),
            });
        }
        let old: V1 = body(version, bytes)?;
        Ok(YearRecord {
            scheme: old.scheme,
            townships: old
                .stages
                .into_iter()
                .map(|(t, stage)| {
                    (
                        t,
                        TownshipYear {
                            stage,
                            ..TownshipYear::default()
                        },
                    )
                })
                .collect(),
        })
    }
}

impl Record for AuditEntry {
    const VERSION: u8 = 2;

    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self> {
        // Format 1 had no scope.
        #[derive(Deserialize)]
        struct V1 {
            at: jiff::Timestamp,
            user: String,
            what: String,
            before: String,
            after: String,
        }
        let o: V1 = body(version, bytes)?;
        Ok(AuditEntry {
            at: o.at,
            user: o.user,
            what: o.what,
            before: o.before,
            after: o.after,
            scope: Scope::default(),
        })
    }
}

fn assessment_key(year: i16, secretary: u32) -> u64 {
    (u64::from(year as u16) << 32) | u64::from(secretary)
}

/// A key of [`KEPT`]: the year, then the chunk.
fn kept_key(year: i16, chunk: u32) -> u64 {
    assessment_key(year, chunk)
}

/// Every key of a year in a table keyed `(year << 32) | secretary` (assessments,
/// frozen figures, rectifications).
fn year_range(year: i16) -> std::ops::RangeInclusive<u64> {
    assessment_key(year, 0)..=assessment_key(year, u32::MAX)
}

/// Every key of a year's kept lines, the header and the chunks.
fn kept_range(year: i16) -> std::ops::RangeInclusive<u64> {
    kept_key(year, 0)..=kept_key(year, u32::MAX)
}

/// [`KEPT`] for reading; None in a file that never kept lines.
fn kept_table(txn: &ReadTransaction) -> Result<Option<redb::ReadOnlyTable<u64, &'static [u8]>>> {
    match txn.open_table(KEPT) {
        Ok(table) => Ok(Some(table)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The schema version `meta` records, if it records one.
fn schema_of(meta: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Option<u32>> {
    Ok(meta
        .get(KEY_SCHEMA)?
        .and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
        .map(u32::from_le_bytes))
}

/// What a write changed that kept lines depend on ([`Writer::commit`] drops them).
#[derive(Default)]
struct Touched {
    years: Vec<i16>,
    roster: bool,
}

pub struct Store {
    /// Behind a lock for one moment only: the check of every page of a file opened to
    /// show at once ([`Store::open_to_show`]) needs the database to itself.
    db: RwLock<Database>,
    /// Whether every page's checksum has been verified since the file was opened.
    check: Mutex<Check>,
    /// How many writes have been committed since the file was opened: whoever keeps a
    /// year read from it knows whether it is still current ([`Store::changes`]).
    changes: Arc<AtomicU64>,
    /// Held while a write is committed and counted: nobody reads the count between.
    counting: Arc<Mutex<()>>,
}

/// What `Writer::put_assessments` asks of each row: given the secretary, the stored
/// assessment and the new one (to complete), the row's audit lines.
pub type RowAudit<'a> = dyn FnMut(u32, Option<Assessment>, &mut Assessment) -> Vec<AuditLine> + 'a;

/// One audit line to write with a change (`Writer::put_assessments`).
pub struct AuditLine {
    pub scope: Scope,
    pub what: String,
    pub before: String,
    pub after: String,
}

/// A write in progress: everything in it lands at once or not at all.
pub struct Writer {
    txn: WriteTransaction,
    /// The store's count of commits, moved on by [`Writer::commit`].
    changes: Arc<AtomicU64>,
    counting: Arc<Mutex<()>>,
    user: String,
    /// The next audit entry's key, once known: an import appends many.
    next_audit: Option<u64>,
    touched: Touched,
}

impl Store {
    /// A new database file (0600) holding `scheme` as the district's scheme.
    pub fn create(path: &Path, scheme: &str) -> Result<Store> {
        Store::create_with(path, scheme, None)
    }

    /// A new database whose creator is its first district administrator (§7), in the
    /// same transaction: there is never a moment without one.
    pub fn create_for(path: &Path, scheme: &str, owner: &str) -> Result<Store> {
        Store::create_with(path, scheme, Some(owner))
    }

    fn create_with(path: &Path, scheme: &str, owner: Option<&str>) -> Result<Store> {
        let shown = path.display().to_string();
        // Any existing name, an empty file or a link included: the database is always a
        // new file of the caller's, mode 0600 (an empty file made by another user would
        // keep that user's ownership and mode). Refused before anything is written.
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(StoreError::Exists(shown));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: shown.clone(),
                source,
            })?;
        }
        let mut options = OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                StoreError::Exists(shown.clone())
            } else {
                StoreError::Io {
                    path: shown.clone(),
                    source,
                }
            }
        })?;
        // The very file just made, not whatever the name points to by now.
        let db = redb::backends::FileBackend::new(file)
            .and_then(|backend| builder(None).create_with_backend(backend))
            .map_err(|e| open_error(&shown, e))?;
        let store = Store::holding(db, Check::Done);
        store.initialize(scheme, owner)?;
        Ok(store)
    }

    /// An existing database file, every page's checksum checked (docs/architecture.md
    /// §10, "Integrity checked at every open").
    pub fn open(path: &Path) -> Result<Store> {
        Store::opened(path, When::AtOpen)
    }

    /// An existing database file for the screens, which show a province's first
    /// screen at once: a file over [`LARGE_FILE_BYTES`] is checked just after,
    /// while that screen shows (a third of a second at 500,000 secretaries). Until the
    /// check has passed only [`Store::glance`]'s few small reads answer; every other
    /// read and every write waits for it ([`Store::checked`]). A smaller file is
    /// checked as [`Store::open`] checks it.
    pub fn open_to_show(path: &Path) -> Result<Store> {
        Store::opened(path, When::LaterIfLarge)
    }

    /// An existing database file, checked when `when` says (later: by
    /// [`Store::checked`]).
    fn opened(path: &Path, when: When) -> Result<Store> {
        let shown = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::Missing(shown));
        }
        if let Ok(mut last) = LAST_OPENED.lock() {
            *last = Some(path.to_path_buf());
        }
        let large = std::fs::metadata(path).is_ok_and(|m| m.len() > LARGE_FILE_BYTES);
        let later = match when {
            When::AtOpen => false,
            When::LaterIfLarge => large,
            #[cfg(test)]
            When::Later => true,
        };
        let mut builder = builder((large && !later).then(|| shown.clone()));
        // Opened as redb opens any file (recovered after a crash, its recorded
        // allocator state read), then checked.
        builder.set_check_integrity_on_open(!later);
        let db = builder.open(path).map_err(|e| open_error(&shown, e))?;
        let check = match later {
            true => Check::Pending(shown.clone()),
            false => Check::Done,
        };
        let store = Store::holding(db, check);
        store.check_schema(&shown)?;
        Ok(store)
    }

    fn holding(db: Database, check: Check) -> Store {
        Store {
            db: RwLock::new(db),
            check: Mutex::new(check),
            changes: Arc::default(),
            counting: Arc::default(),
        }
    }

    /// Wait until every page of the file has been checked ([`Store::open_to_show`]):
    /// at once if it has been; the check itself if it is still to be made. A file that
    /// fails it stays refused: every read and write after says it is damaged; one that
    /// it repaired, too (the first screen was read before), saying to open it again.
    pub fn checked(&self) -> Result<()> {
        let mut check = lock_check(&self.check);
        let shown = match &*check {
            Check::Done => return Ok(()),
            Check::Failed { path, detail } => {
                return Err(StoreError::Damaged {
                    path: path.clone(),
                    detail: detail.clone(),
                });
            }
            Check::Repaired(path) => return Err(StoreError::Repaired(path.clone())),
            Check::Pending(shown) => shown.clone(),
        };
        let since = std::time::Instant::now();
        let checked = loop {
            let mut db = self.db.write().unwrap_or_else(PoisonError::into_inner);
            // Read transactions still open (another thread's glance) end in moments.
            match db.check_integrity() {
                Err(redb::DatabaseError::TransactionInProgress) if since.elapsed() < CHECK_WAIT => {
                    drop(db);
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                other => break other,
            }
        };
        match checked.map_err(|e| open_error(&shown, e)) {
            Ok(true) => {
                *check = Check::Done;
                Ok(())
            }
            // Repaired: what the first screen read (the user's role among it) may not
            // be the file's any more; this process reads nothing more of it.
            Ok(false) => {
                *check = Check::Repaired(shown.clone());
                Err(StoreError::Repaired(shown))
            }
            Err(StoreError::Damaged { path, detail }) => {
                *check = Check::Failed {
                    path: path.clone(),
                    detail: detail.clone(),
                };
                Err(StoreError::Damaged { path, detail })
            }
            Err(e) => Err(e),
        }
    }

    fn db(&self) -> RwLockReadGuard<'_, Database> {
        self.db.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// A database in memory (tests).
    pub fn in_memory(scheme: &str) -> Result<Store> {
        let db = builder(None)
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(|e| open_error("内存", e))?;
        let store = Store::holding(db, Check::Done);
        store.initialize(scheme, None)?;
        Ok(store)
    }

    fn initialize(&self, scheme: &str, owner: Option<&str>) -> Result<()> {
        let mut w = self.write(owner.unwrap_or("init"))?;
        {
            let mut meta = w.txn.open_table(META)?;
            meta.insert(KEY_SCHEMA, SCHEMA_VERSION.to_le_bytes().as_slice())?;
            meta.insert(KEY_SCHEME, encode(&scheme.to_string()).as_slice())?;
        }
        for table in [TOWNSHIPS, VILLAGES, SECRETARIES] {
            w.txn.open_table(table)?;
        }
        w.txn.open_table(YEARS)?;
        w.txn.open_table(ASSESSMENTS)?;
        w.txn.open_table(AUDIT)?;
        w.txn.open_table(RECTIFICATIONS)?;
        w.txn.open_table(USERS)?;
        w.txn.open_table(FROZEN)?;
        w.txn.open_table(SETTINGS)?;
        w.audit("新建数据库", "", "")?;
        if let Some(owner) = owner {
            w.put_user(owner, Role::District)?;
            w.audit("新增用户", "", &format!("{owner}:区管理员(建库人)"))?;
        }
        w.commit()
    }

    fn check_schema(&self, shown: &str) -> Result<()> {
        self.glanced(|| {
            let txn = self.glance()?;
            let meta = txn
                .open_table(META)
                .map_err(|_| StoreError::NotOurs(shown.to_string()))?;
            let version =
                schema_of(&meta)?.ok_or_else(|| StoreError::NotOurs(shown.to_string()))?;
            if version > SCHEMA_VERSION {
                return Err(StoreError::TooNew(version));
            }
            // Version 1 is the first layout: nothing to migrate yet.
            Ok(())
        })
    }

    /// A read of the file once every page is checked ([`Store::checked`]).
    fn read(&self) -> Result<ReadTransaction> {
        self.checked()?;
        Ok(self.db().begin_read()?)
    }

    /// A read that does not wait for the check of a file opened to show at once
    /// ([`Store::open_to_show`]): only the small tables the first screen is made of
    /// (the schema, the users, the years, the townships, the count of secretaries,
    /// whether figures are frozen, the kept counts, rectifications).
    /// Once the check has passed they are reads like any other; before, only the
    /// start reads them: the screens hold every key until the year has arrived, and
    /// the year waits for the check.
    fn glance(&self) -> Result<ReadTransaction> {
        Ok(self.db().begin_read()?)
    }

    /// What a read through [`Store::glance`] gives; if it fails before the check, the
    /// check's verdict where it finds the file damaged (which names the file).
    fn glanced<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        read().map_err(|e| {
            let pending = matches!(*lock_check(&self.check), Check::Pending(_));
            match pending {
                true => self.checked().err().unwrap_or(e),
                false => e,
            }
        })
    }

    /// How many writes this store has committed since it was opened. Only this process
    /// writes the file while it is open (redb's lock), so a year read when the count was
    /// `n` is current as long as the count is still `n`.
    pub fn changes(&self) -> u64 {
        let _counted = lock(&self.counting);
        self.changes.load(Ordering::SeqCst)
    }

    /// Begin a write on behalf of `user` (the Unix user, for the audit log).
    pub fn write(&self, user: &str) -> Result<Writer> {
        self.checked()?;
        let mut txn = self.db().begin_write()?;
        txn.set_quick_repair(true);
        Ok(Writer {
            txn,
            changes: Arc::clone(&self.changes),
            counting: Arc::clone(&self.counting),
            user: user.to_string(),
            next_audit: None,
            touched: Touched::default(),
        })
    }

    /// The lines kept for `year` ([`Store::keep_lines`]) piece by piece, in order,
    /// without holding the whole body (a province's is 28 MB): false when none are
    /// kept, or `each` said stop (false), or the pieces did not add up to the length
    /// kept (then `each` has seen some of them: the caller lets go of what it made).
    pub fn each_kept_piece(&self, year: i16, mut each: impl FnMut(&[u8]) -> bool) -> Result<bool> {
        let txn = self.read()?;
        let Some(table) = kept_table(&txn)? else {
            return Ok(false);
        };
        let Some(header) = table.get(kept_key(year, 0))? else {
            return Ok(false);
        };
        let Ok(length) = <[u8; 8]>::try_from(header.value()).map(u64::from_le_bytes) else {
            return Ok(false);
        };
        let mut seen = 0u64;
        for chunk in table.range(kept_key(year, 1)..kept_key(year, COUNTS_CHUNK))? {
            let chunk = chunk?.1;
            seen += chunk.value().len() as u64;
            if seen > length || !each(chunk.value()) {
                return Ok(false);
            }
        }
        Ok(seen == length)
    }

    /// The counts kept beside `year`'s lines ([`Store::keep_lines`]), or None: none
    /// kept, or dropped with the lines by a change since.
    pub fn kept_counts(&self, year: i16) -> Result<Option<Vec<u8>>> {
        self.glanced(|| {
            let txn = self.glance()?;
            let Some(table) = kept_table(&txn)? else {
                return Ok(None);
            };
            Ok(table
                .get(kept_key(year, COUNTS_CHUNK))?
                .map(|v| v.value().to_vec()))
        })
    }

    /// Are lines kept for `year`? (One key read.)
    pub fn has_kept_lines(&self, year: i16) -> Result<bool> {
        let txn = self.read()?;
        match kept_table(&txn)? {
            Some(table) => Ok(table.get(kept_key(year, 0))?.is_some()),
            None => Ok(false),
        }
    }

    /// Keep lines worked out from `year`'s data as it stood at `read_at` (the count of
    /// [`Store::changes`] before any of it was read): kept only if nothing was written
    /// since, so that no change can slip in between the reading and the keeping. A
    /// keeping is not a change (the count stays). It never waits: while another write
    /// is under way (an import, say) nothing is kept, and a later reading keeps them.
    /// `counts` (a few numbers a township, for a first screen that does not wait for
    /// the year) are kept beside them, and go with them. True if kept.
    pub fn keep_lines(&self, year: i16, read_at: u64, body: &[u8], counts: &[u8]) -> Result<bool> {
        self.keep_beside(read_at, |kept| {
            kept.retain_in(kept_range(year), |_, _| false)?;
            kept.insert(
                kept_key(year, 0),
                (body.len() as u64).to_le_bytes().as_slice(),
            )?;
            for (at, chunk) in body.chunks(KEPT_CHUNK).enumerate() {
                let at = u32::try_from(at + 1).unwrap_or(COUNTS_CHUNK);
                if at == COUNTS_CHUNK {
                    return Ok(false);
                }
                kept.insert(kept_key(year, at), chunk)?;
            }
            kept.insert(kept_key(year, COUNTS_CHUNK), counts)?;
            Ok(true)
        })
    }

    /// Drop the counts beside a year's lines, as lines kept by an older program lack
    /// them (tests).
    #[cfg(test)]
    pub fn drop_kept_counts(&self, year: i16) -> Result<()> {
        let txn = self.db().begin_write()?;
        txn.open_table(KEPT)?.remove(kept_key(year, COUNTS_CHUNK))?;
        txn.commit()?;
        Ok(())
    }

    /// Keep the counts beside lines kept without them (by an older program), as
    /// [`Store::keep_lines`] keeps both: only if nothing was written since `read_at`,
    /// and only beside lines. True if kept.
    pub fn keep_counts(&self, year: i16, read_at: u64, counts: &[u8]) -> Result<bool> {
        self.keep_beside(read_at, |kept| {
            if kept.get(kept_key(year, 0))?.is_none() {
                return Ok(false);
            }
            kept.insert(kept_key(year, COUNTS_CHUNK), counts)?;
            Ok(true)
        })
    }

    /// Write to [`KEPT`] what `keep` writes (false: nothing to commit), if nothing was
    /// written to the data since `read_at`, without waiting for a write under way.
    fn keep_beside(
        &self,
        read_at: u64,
        keep: impl FnOnce(&mut redb::Table<u64, &'static [u8]>) -> Result<bool>,
    ) -> Result<bool> {
        if self.changes() != read_at {
            return Ok(false);
        }
        // The write lock first: while it is held nobody else commits, so the count
        // read next stays true until this commit.
        self.checked()?;
        let mut txn = match self.db().try_begin_write() {
            Ok(txn) => txn,
            Err(redb::TransactionError::WouldBlock) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        txn.set_quick_repair(true);
        let _counting = lock(&self.counting);
        if self.changes.load(Ordering::SeqCst) != read_at {
            return Ok(false);
        }
        {
            let mut meta = txn.open_table(META)?;
            // A program that would not drop these lines must not open the file.
            if schema_of(&meta)?.unwrap_or(0) < SCHEMA_VERSION {
                meta.insert(KEY_SCHEMA, SCHEMA_VERSION.to_le_bytes().as_slice())?;
            }
            if !keep(&mut txn.open_table(KEPT)?)? {
                return Ok(false);
            }
        }
        txn.commit()?;
        Ok(true)
    }

    /// The district's current scheme (TOML text).
    pub fn scheme_text(&self) -> Result<String> {
        let txn = self.read()?;
        let meta = txn.open_table(META)?;
        let value = meta
            .get(KEY_SCHEME)?
            .ok_or_else(|| StoreError::NotOurs("scheme".into()))?;
        decode(value.value())
    }

    /// How many secretaries the roster holds (one read of the table's length).
    pub fn secretary_count(&self) -> Result<u64> {
        self.glanced(|| {
            let txn = self.glance()?;
            Ok(txn.open_table(SECRETARIES)?.len()?)
        })
    }

    /// The roster's townships alone (a province's 25,000 of its million records).
    pub fn townships(&self) -> Result<Vec<(u32, Township)>> {
        self.glanced(|| read_all(&self.glance()?, TOWNSHIPS))
    }

    pub fn district(&self) -> Result<District> {
        let txn = self.read()?;
        let mut district = District::default();
        district.townships = read_all(&txn, TOWNSHIPS)?;
        // Each record goes to the columns as it is read, not all held first.
        let (villages, secretaries) = (txn.open_table(VILLAGES)?, txn.open_table(SECRETARIES)?);
        district.reserve(villages.len()? as usize, secretaries.len()? as usize);
        for entry in villages.iter()? {
            let (id, v) = entry?;
            district.push_village(id.value(), &decode(v.value())?);
        }
        for entry in secretaries.iter()? {
            let (id, s) = entry?;
            district.push_secretary(id.value(), &decode(s.value())?);
        }
        district.settle();
        Ok(district)
    }

    /// Secretaries with their village and township, by point reads in one transaction
    /// (those not in the roster are left out): (id, secretary, village, township id,
    /// township).
    pub fn placed(&self, ids: &[u32]) -> Result<Vec<(u32, Secretary, Village, Township)>> {
        let txn = self.read()?;
        let secretaries = txn.open_table(SECRETARIES)?;
        let villages = txn.open_table(VILLAGES)?;
        let townships = txn.open_table(TOWNSHIPS)?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let Some(s) = secretaries.get(id)? else {
                continue;
            };
            let s: Secretary = decode(s.value())?;
            let Some(v) = villages.get(s.village)? else {
                continue;
            };
            let v: Village = decode(v.value())?;
            let Some(t) = townships.get(v.township)? else {
                continue;
            };
            let t: Township = decode(t.value())?;
            out.push((id, s, v, t));
        }
        Ok(out)
    }

    /// The township (id and name) of a secretary, by two point reads.
    pub fn township_of(&self, secretary: u32) -> Result<Option<(u32, String)>> {
        let txn = self.read()?;
        let Some(s) = txn.open_table(SECRETARIES)?.get(secretary)? else {
            return Ok(None);
        };
        let s: Secretary = decode(s.value())?;
        let Some(v) = txn.open_table(VILLAGES)?.get(s.village)? else {
            return Ok(None);
        };
        let v: Village = decode(v.value())?;
        let Some(t) = txn.open_table(TOWNSHIPS)?.get(v.township)? else {
            return Ok(None);
        };
        let t: Township = decode(t.value())?;
        Ok(Some((v.township, t.name.into())))
    }

    pub fn year(&self, year: i16) -> Result<Option<YearRecord>> {
        self.glanced(|| {
            let txn = self.glance()?;
            let table = txn.open_table(YEARS)?;
            table.get(year)?.map(|v| decode(v.value())).transpose()
        })
    }

    pub fn years(&self) -> Result<Vec<(i16, YearRecord)>> {
        self.glanced(|| read_all(&self.glance()?, YEARS))
    }

    /// The years with data, oldest first (nothing decoded: a province's year records
    /// hold every township's stage).
    pub fn year_numbers(&self) -> Result<Vec<i16>> {
        self.glanced(|| {
            let txn = self.glance()?;
            let table = txn.open_table(YEARS)?;
            let mut out = Vec::new();
            for entry in table.iter()? {
                out.push(entry?.0.value());
            }
            Ok(out)
        })
    }

    /// Every assessment of a year, by secretary id.
    pub fn assessments(&self, year: i16) -> Result<Vec<(u32, Assessment)>> {
        self.of_year(ASSESSMENTS, year, false)
    }

    /// Every assessment of a year, by secretary id, handed to `each` one at a time
    /// (a province's are not held together).
    pub fn each_assessment(&self, year: i16, each: impl FnMut(u32, Assessment)) -> Result<()> {
        self.each_of_year(ASSESSMENTS, year, false, each)
    }

    /// Every frozen figure of a year, by secretary id, one at a time ([`Store::frozen`]).
    pub fn each_frozen(&self, year: i16, each: impl FnMut(u32, Frozen)) -> Result<()> {
        self.each_of_year(FROZEN, year, true, each) // none in a file from before them
    }

    /// The records of a year in a table keyed `(year << 32) | secretary`, handed to
    /// `each` by secretary, one at a time.
    fn each_of_year<T: Record>(
        &self,
        table: TableDefinition<u64, &'static [u8]>,
        year: i16,
        may_lack: bool,
        each: impl FnMut(u32, T),
    ) -> Result<()> {
        each_in(&self.read()?, table, year, may_lack, each)
    }

    /// These secretaries' assessments of a year (those that have one) and those
    /// secretaries' frozen figures, read in one snapshot, and the count of writes
    /// ([`Store::changes`]) that snapshot holds.
    pub fn forms_of(&self, year: i16, secretaries: &[u32], frozen: &[u32]) -> Result<(u64, Forms)> {
        // Checked first (then the snapshot below is a plain read), and not under the
        // lock: the check waits for every read under way to end.
        self.checked()?;
        let (at, txn) = {
            // A commit counts itself under this lock: the snapshot and the count agree.
            let _counted = lock(&self.counting);
            (self.changes.load(Ordering::SeqCst), self.glance()?)
        };
        let found = records_of(&txn, ASSESSMENTS, year, secretaries)?;
        let figures = records_of(&txn, FROZEN, year, frozen)?;
        Ok((at, (found, figures)))
    }

    /// The secretaries with an assessment in a year (nothing decoded).
    pub fn assessed(&self, year: i16) -> Result<Vec<u32>> {
        let txn = self.read()?;
        let table = txn.open_table(ASSESSMENTS)?;
        let range = table.range(year_range(year))?;
        range.map(|entry| Ok(entry?.0.value() as u32)).collect()
    }

    /// The records of a year in a table keyed `(year << 32) | secretary`, by secretary,
    /// in one range read. `may_lack`: a file from before the table has none.
    fn of_year<T: Record>(
        &self,
        table: TableDefinition<u64, &'static [u8]>,
        year: i16,
        may_lack: bool,
    ) -> Result<Vec<(u32, T)>> {
        let mut records = Vec::new();
        self.each_of_year(table, year, may_lack, |id, record| {
            records.push((id, record))
        })?;
        Ok(records)
    }

    /// Every rectification of a year, by secretary id.
    pub fn rectifications(&self, year: i16) -> Result<Vec<(u32, Rectification)>> {
        self.glanced(|| {
            // A year's rectifications are few, and on the first screen; none in a file
            // from before them.
            let mut records = Vec::new();
            each_in(&self.glance()?, RECTIFICATIONS, year, true, |id, r| {
                records.push((id, r));
            })?;
            Ok(records)
        })
    }

    /// The years that the tables keyed by year hold records of: (table, years). A record
    /// of a year that has no year record is a sign of a damaged or altered file.
    pub fn keyed_years(&self) -> Result<Vec<(&'static str, Vec<i16>)>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for (name, table) in [
            ("考核记录", ASSESSMENTS),
            ("整改记录", RECTIFICATIONS),
            ("公示结果", FROZEN),
        ] {
            let Ok(table) = txn.open_table(table) else {
                continue;
            };
            // One range read per year: jump from each year's first key to the next year.
            let mut years = Vec::new();
            let mut from = 0u64;
            while let Some(entry) = table.range(from..)?.next() {
                let key = entry?.0.value();
                let year = (key >> 32) as u16;
                years.push(year as i16);
                match (u64::from(year) + 1).checked_shl(32) {
                    Some(next) if next > key => from = next,
                    _ => break,
                }
            }
            out.push((name, years));
        }
        Ok(out)
    }

    /// Does the year have any frozen figures? (One key read.)
    pub fn has_frozen(&self, year: i16) -> Result<bool> {
        self.glanced(|| {
            let txn = self.glance()?;
            let Ok(table) = txn.open_table(FROZEN) else {
                return Ok(false);
            };
            let mut range = table.range(year_range(year))?;
            Ok(range.next().transpose()?.is_some())
        })
    }

    /// The frozen figures of a year, by secretary id (none in a file from before them).
    pub fn frozen(&self, year: i16) -> Result<Vec<(u32, Frozen)>> {
        self.of_year(FROZEN, year, true)
    }

    /// The users and their roles. Empty for a database made before roles existed.
    pub fn users(&self) -> Result<Vec<(String, Role)>> {
        self.glanced(|| read_named(&self.glance()?, USERS))
    }

    /// The office's details as set (none in a file from before them).
    pub fn office(&self) -> Result<Office> {
        let values = read_named::<String>(&self.read()?, SETTINGS)?
            .into_iter()
            // A key a later program added is kept in the file, not shown here.
            .filter_map(|(k, v)| Some((Setting::parse(&k)?, v)))
            .collect();
        Ok(Office { values })
    }

    pub fn audit_log(&self) -> Result<Vec<AuditEntry>> {
        Ok(read_all::<u64, AuditEntry>(&self.read()?, AUDIT)?
            .into_iter()
            .map(|(_, e)| e)
            .collect())
    }

    /// Copy everything into a new database file (a read transaction: others may go on writing).
    /// The copy is made under a temporary name and renamed when complete, so a failed
    /// backup never leaves a file that looks like one.
    pub fn backup(&self, to: &Path) -> Result<()> {
        let shown = to.display().to_string();
        if to.exists() {
            return Err(StoreError::Exists(shown));
        }
        let partial = std::path::PathBuf::from(format!("{shown}.part"));
        let _ = std::fs::remove_file(&partial);
        let copied = self.copy_into(&partial);
        let renamed = copied.and_then(|()| {
            std::fs::rename(&partial, to).map_err(|source| StoreError::Io {
                path: shown.clone(),
                source,
            })
        });
        if renamed.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        renamed
    }

    fn copy_into(&self, path: &Path) -> Result<()> {
        let scheme = self.scheme_text()?;
        let target = Store::create(path, &scheme)?;
        let txn = self.read()?;
        let w = target.db().begin_write()?;
        {
            copy_table(&txn, &w, TOWNSHIPS)?;
            copy_table(&txn, &w, VILLAGES)?;
            copy_table(&txn, &w, SECRETARIES)?;
            copy_table(&txn, &w, YEARS)?;
            copy_table(&txn, &w, ASSESSMENTS)?;
            copy_table(&txn, &w, AUDIT)?;
            copy_table(&txn, &w, RECTIFICATIONS)?;
            copy_table(&txn, &w, FROZEN)?;
            copy_named(&txn, &w, USERS)?;
            copy_named(&txn, &w, SETTINGS)?;
        }
        w.commit()?;
        Ok(())
    }
}

fn copy_table<K>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    table: TableDefinition<K, &'static [u8]>,
) -> Result<()>
where
    K: redb::Key + Copy + 'static,
    for<'a> K: redb::Value<SelfType<'a> = K>,
{
    // A table an older file does not have yet has nothing to copy.
    let Ok(source) = from.open_table(table) else {
        return Ok(());
    };
    let mut target = to.open_table(table)?;
    target.retain(|_, _| false)?;
    for entry in source.iter()? {
        let (k, v) = entry?;
        target.insert(k.value(), v.value())?;
    }
    Ok(())
}

/// Copy a table keyed by text (users, settings).
fn copy_named(
    from: &ReadTransaction,
    to: &WriteTransaction,
    table: TableDefinition<&str, &[u8]>,
) -> Result<()> {
    let Ok(source) = from.open_table(table) else {
        return Ok(());
    };
    let mut target = to.open_table(table)?;
    for entry in source.iter()? {
        let (k, v) = entry?;
        target.insert(k.value(), v.value())?;
    }
    Ok(())
}

/// Every record of a table keyed by text, in key order; none when an older file does
/// not have the table yet.
fn read_named<T: Record>(
    txn: &ReadTransaction,
    table: TableDefinition<&str, &[u8]>,
) -> Result<Vec<(String, T)>> {
    let Ok(table) = txn.open_table(table) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in table.iter()? {
        let (k, v) = entry?;
        out.push((k.value().to_string(), decode(v.value())?));
    }
    Ok(out)
}

/// The database file this process opened last: named in the message when reading it
/// fails deep inside redb (a damaged page can make redb panic instead of answer).
static LAST_OPENED: std::sync::Mutex<Option<std::path::PathBuf>> = std::sync::Mutex::new(None);

/// The message for a panic: inside redb it means a damaged database file.
pub fn panic_message(inside_redb: bool, detail: &str) -> String {
    if !inside_redb {
        return format!(
            "程序内部错误:{detail}\n已保存的数据不受影响(每次保存都已提交);请把这段信息报告给维护人员。"
        );
    }
    let path = LAST_OPENED.lock().ok().and_then(|p| p.clone()).map_or_else(
        || "数据库文件".to_string(),
        |p| format!("数据库文件 {}", p.display()),
    );
    format!("{path} 已损坏,无法读取({detail})。\n{RESTORE_ADVICE}")
}

/// A large file: a command says that it is being checked (it takes a moment); the
/// screens check it after their first screen ([`Store::open_to_show`]).
const LARGE_FILE_BYTES: u64 = 32 << 20;

/// How long a check waits for read transactions still open to end.
const CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// When an open checks the file's pages ([`Store::opened`]).
enum When {
    AtOpen,
    /// After the first screen, if the file is over [`LARGE_FILE_BYTES`].
    LaterIfLarge,
    /// After the first screen whatever its size (tests).
    #[cfg(test)]
    Later,
}

/// Whether a file's pages have been checked since it was opened.
enum Check {
    Done,
    /// Opened to show at once: the check is still to be made (the file's name).
    Pending(String),
    /// The check found damage it could not repair.
    Failed {
        path: String,
        detail: String,
    },
    /// The check repaired the file after the first screen was read from it (the
    /// file's name): the process is to open it again.
    Repaired(String),
}

/// `announce`: a line on standard error while the file is checked (a large file).
fn builder(announce: Option<String>) -> redb::Builder {
    let mut b = Database::builder();
    b.set_cache_size(CACHE_BYTES);
    // The pay and careers in the file are read only when every page's checksum holds: a
    // file altered outside redb (a bad disk, a bad copy) is refused as damaged instead
    // of read with wrong figures, or making redb panic. The same pass repairs after a
    // crash.
    b.set_check_integrity_on_open(true);
    b.set_repair_callback(move |session| {
        if let Some(file) = &announce
            && session.progress() == 0.0
        {
            let _ = writeln!(std::io::stderr(), "正在检查数据库文件 {file}…");
        }
    });
    b
}

fn open_error(shown: &str, e: redb::DatabaseError) -> StoreError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Busy(shown.to_string()),
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(detail)) => {
            if detail.contains("magic number") {
                StoreError::NotOurs(shown.to_string())
            } else {
                StoreError::Damaged {
                    path: shown.to_string(),
                    detail,
                }
            }
        }
        e => StoreError::Open {
            path: shown.to_string(),
            source: e,
        },
    }
}

fn read_all<K, T>(
    txn: &ReadTransaction,
    table: TableDefinition<K, &'static [u8]>,
) -> Result<Vec<(K, T)>>
where
    K: redb::Key + 'static,
    for<'a> K: redb::Value<SelfType<'a> = K>,
    T: Record,
{
    let table = txn.open_table(table)?;
    let mut out = Vec::with_capacity(table.len()? as usize);
    for entry in table.iter()? {
        let (k, v) = entry?;
        out.push((k.value(), decode(v.value())?));
    }
    Ok(out)
}

/// The records of a year in a table keyed `(year << 32) | secretary`, handed to `each`
/// by secretary, one at a time. `may_lack`: a file from before the table has none.
fn each_in<T: Record>(
    txn: &ReadTransaction,
    table: TableDefinition<u64, &'static [u8]>,
    year: i16,
    may_lack: bool,
    mut each: impl FnMut(u32, T),
) -> Result<()> {
    let table = match txn.open_table(table) {
        Ok(t) => t,
        Err(_) if may_lack => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for entry in table.range(year_range(year))? {
        let (key, value) = entry?;
        each(key.value() as u32, decode(value.value())?);
    }
    Ok(())
}

fn lock_check(check: &Mutex<Check>) -> MutexGuard<'_, Check> {
    check.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A file opened to show at once is checked before it is closed: redb's close records
/// its allocator state, read from the file unchecked, and must not write on a damaged
/// file (a failed check leaves nothing for the close to write). Not while a panic
/// unwinds: redb's close writes nothing then.
impl Drop for Store {
    fn drop(&mut self) {
        let pending = matches!(*lock_check(&self.check), Check::Pending(_));
        if pending && !std::thread::panicking() {
            let _ = self.checked();
        }
    }
}

/// A lock that a panic elsewhere did not leave unusable (it guards no data).
fn lock(mutex: &Mutex<()>) -> MutexGuard<'_, ()> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Writer {
    pub fn commit(self) -> Result<()> {
        self.drop_kept()?;
        let _counting = lock(&self.counting);
        let committed = self.txn.commit();
        // Counted once the data is there: a reader that sees the new count reads the
        // new data (docs/architecture.md §7, "The resident year"). A commit that
        // failed is counted too: it may have reached the disk all the same.
        self.changes.fetch_add(1, Ordering::SeqCst);
        committed?;
        Ok(())
    }

    /// Drop the kept lines this write makes untrue: the touched years', or all of them
    /// when the roster changed (who is in post since when, and in which township).
    fn drop_kept(&self) -> Result<()> {
        if self.touched.roster {
            self.txn.delete_table(KEPT)?;
        } else if !self.touched.years.is_empty() {
            let mut kept = self.txn.open_table(KEPT)?;
            for &year in &self.touched.years {
                kept.retain_in(kept_range(year), |_, _| false)?;
            }
        }
        Ok(())
    }

    fn touch(&mut self, year: i16) {
        if !self.touched.years.contains(&year) {
            self.touched.years.push(year);
        }
    }

    fn next_id<K>(&self, table: TableDefinition<K, &'static [u8]>) -> Result<K>
    where
        K: redb::Key + 'static + From<u8> + std::ops::Add<Output = K>,
        for<'a> K: redb::Value<SelfType<'a> = K>,
    {
        let t = self.txn.open_table(table)?;
        Ok(match t.last()? {
            Some((k, _)) => k.value() + K::from(1),
            None => K::from(1),
        })
    }

    pub fn add_township(&mut self, township: &Township) -> Result<u32> {
        self.touched.roster = true;
        let id = self.next_id(TOWNSHIPS)?;
        self.txn
            .open_table(TOWNSHIPS)?
            .insert(id, encode(township).as_slice())?;
        Ok(id)
    }

    pub fn add_village(&mut self, village: &Village) -> Result<u32> {
        self.touched.roster = true;
        let id = self.next_id(VILLAGES)?;
        self.txn
            .open_table(VILLAGES)?
            .insert(id, encode(village).as_slice())?;
        Ok(id)
    }

    pub fn add_secretary(&mut self, secretary: &Secretary) -> Result<u32> {
        let id = self.next_id(SECRETARIES)?;
        self.put_secretary(id, secretary)?;
        Ok(id)
    }

    pub fn put_secretary(&mut self, id: u32, secretary: &Secretary) -> Result<()> {
        self.touched.roster = true;
        self.txn
            .open_table(SECRETARIES)?
            .insert(id, encode(secretary).as_slice())?;
        Ok(())
    }

    /// Replace the district's current scheme (TOML text), which new years start with.
    pub fn put_scheme(&mut self, text: &str) -> Result<()> {
        self.txn
            .open_table(META)?
            .insert(KEY_SCHEME, encode(&text.to_string()).as_slice())?;
        Ok(())
    }

    pub fn put_year(&mut self, year: i16, record: &YearRecord) -> Result<()> {
        // The year's kept lines hold its ratings: a step that moves no township's
        // standing and no scheme or items (a submission, a reopening before publicity,
        // an objection) rates nobody otherwise, and leaves them (a province's are
        // scored again, seconds, once dropped).
        if !self
            .year(year)?
            .is_some_and(|old| rated_alike(&old, record))
        {
            self.touch(year);
        }
        self.txn
            .open_table(YEARS)?
            .insert(year, encode(record).as_slice())?;
        Ok(())
    }

    pub fn year(&self, year: i16) -> Result<Option<YearRecord>> {
        let table = self.txn.open_table(YEARS)?;
        let value = table.get(year)?;
        value.map(|v| decode(v.value())).transpose()
    }

    pub fn assessment(&self, year: i16, secretary: u32) -> Result<Option<Assessment>> {
        let table = self.txn.open_table(ASSESSMENTS)?;
        let value = table.get(assessment_key(year, secretary))?;
        value.map(|v| decode(v.value())).transpose()
    }

    pub fn put_assessment(
        &mut self,
        year: i16,
        secretary: u32,
        assessment: &Assessment,
    ) -> Result<()> {
        self.touch(year);
        self.txn.open_table(ASSESSMENTS)?.insert(
            assessment_key(year, secretary),
            encode(assessment).as_slice(),
        )?;
        Ok(())
    }

    pub fn put_rectification(
        &mut self,
        year: i16,
        secretary: u32,
        r: &Rectification,
    ) -> Result<()> {
        self.txn
            .open_table(RECTIFICATIONS)?
            .insert(assessment_key(year, secretary), encode(r).as_slice())?;
        Ok(())
    }

    pub fn remove_rectification(&mut self, year: i16, secretary: u32) -> Result<()> {
        self.txn
            .open_table(RECTIFICATIONS)?
            .remove(assessment_key(year, secretary))?;
        Ok(())
    }

    pub fn rectification(&self, year: i16, secretary: u32) -> Result<Option<Rectification>> {
        let table = self.txn.open_table(RECTIFICATIONS)?;
        let value = table.get(assessment_key(year, secretary))?;
        value.map(|v| decode(v.value())).transpose()
    }

    pub fn put_frozen(&mut self, year: i16, secretary: u32, frozen: &Frozen) -> Result<()> {
        self.touch(year);
        self.txn
            .open_table(FROZEN)?
            .insert(assessment_key(year, secretary), encode(frozen).as_slice())?;
        Ok(())
    }

    pub fn put_user(&mut self, name: &str, role: Role) -> Result<()> {
        self.txn
            .open_table(USERS)?
            .insert(name, encode(&role).as_slice())?;
        Ok(())
    }

    pub fn remove_user(&mut self, name: &str) -> Result<bool> {
        Ok(self.txn.open_table(USERS)?.remove(name)?.is_some())
    }

    /// Set one of the office's details; an empty value unsets it.
    pub fn put_setting(&mut self, setting: Setting, value: &str) -> Result<()> {
        let mut table = self.txn.open_table(SETTINGS)?;
        if value.is_empty() {
            table.remove(setting.key())?;
        } else {
            table.insert(setting.key(), encode(&value.to_string()).as_slice())?;
        }
        Ok(())
    }

    /// Write many assessments of a year at once (an import), each table opened once.
    /// `each` sees a row's stored assessment, may complete the new one from it (notes a
    /// file does not carry), and returns the row's audit lines: (scope, what, before,
    /// after).
    pub fn put_assessments(
        &mut self,
        year: i16,
        rows: Vec<(u32, Assessment)>,
        each: &mut RowAudit<'_>,
    ) -> Result<()> {
        self.touch(year);
        let mut next = match self.next_audit {
            Some(id) => id,
            None => self.next_id(AUDIT)?,
        };
        let now = jiff::Timestamp::now();
        {
            let mut assessments = self.txn.open_table(ASSESSMENTS)?;
            let mut audit = self.txn.open_table(AUDIT)?;
            for (id, mut a) in rows {
                let key = assessment_key(year, id);
                // A row that is what is stored (a file imported again) is compared as
                // bytes, neither decoded nor written again. (The file carries no notes:
                // a stored assessment with notes is never the same bytes.)
                let (old, same) = match assessments.get(key)? {
                    Some(v) if v.value() == encode(&a).as_slice() => (Some(a.clone()), true),
                    Some(v) => (Some(decode::<Assessment>(v.value())?), false),
                    None => (None, false),
                };
                for line in each(id, old, &mut a) {
                    let entry = AuditEntry {
                        at: now,
                        user: self.user.clone(),
                        what: line.what,
                        before: line.before,
                        after: line.after,
                        scope: line.scope,
                    };
                    audit.insert(next, encode(&entry).as_slice())?;
                    next += 1;
                }
                if !same {
                    assessments.insert(key, encode(&a).as_slice())?;
                }
            }
        }
        self.next_audit = Some(next);
        Ok(())
    }

    /// Append to the audit log, in the same transaction as the change it describes.
    pub fn audit(&mut self, what: &str, before: &str, after: &str) -> Result<()> {
        self.audit_in(Scope::default(), what, before, after)
    }

    /// Append to the audit log an entry about a year, township or secretary.
    pub fn audit_in(&mut self, scope: Scope, what: &str, before: &str, after: &str) -> Result<()> {
        let id = match self.next_audit {
            Some(id) => id,
            None => self.next_id(AUDIT)?,
        };
        self.next_audit = Some(id + 1);
        let entry = AuditEntry {
            at: jiff::Timestamp::now(),
            user: self.user.clone(),
            what: what.to_string(),
            before: before.to_string(),
            after: after.to_string(),
            scope,
        };
        self.txn
            .open_table(AUDIT)?
            .insert(id, encode(&entry).as_slice())?;
        Ok(())
    }
}

/// Do two records of a year rate everyone alike: the same scheme, and the same
/// townships standing (their published figures stand) or on their own items?
fn rated_alike(old: &YearRecord, new: &YearRecord) -> bool {
    old.scheme == new.scheme && rates_of(old) == rates_of(new)
}

/// What of a year's record rates its secretaries: by township, standing or not and
/// the township's own items (a township on the district's that stands nowhere left out).
type Rates<'a> = Vec<(u32, bool, &'a [(String, rust_decimal::Decimal)])>;

fn rates_of(r: &YearRecord) -> Rates<'_> {
    let mut rates: Vec<_> = r
        .townships
        .iter()
        .filter(|(_, y)| y.standing() || !y.items.is_empty())
        .map(|(t, y)| (*t, y.standing(), &y.items[..]))
        .collect();
    rates.sort_unstable_by_key(|(t, _, _)| *t);
    rates
}

#[cfg(test)]
mod tests;
