//! Helpers shared by the end-to-end tests: the real binary on a fresh database in a
//! temporary directory, and table files written the way clerks write them.
//!
//! Each test crate uses part of them.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub const BOM: &str = "\u{feff}";

/// The binary, with nothing of the caller's environment that could pick another database,
/// another acting user or another day.
pub fn xingji() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xingji"));
    c.env_remove("XINGJI_DB")
        .env_remove("XINGJI_SOCKET")
        .env_remove("RUST_BACKTRACE")
        .env_remove("XINGJI_USER")
        .env_remove("XINGJI_TODAY");
    c
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

/// Exit code 1, a message, and never a panic or backtrace.
pub fn assert_user_error(out: &Output) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit code 1; stdout: {}; stderr: {stderr}",
        text(&out.stdout)
    );
    assert!(!stderr.trim().is_empty(), "a user error must say why");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "a user error must not panic: {stderr}"
    );
    stderr
}

/// A temporary directory holding a database path (not created until `init`) and files.
pub struct Fixture {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("xingji.redb");
        Fixture { dir, db }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, contents).unwrap();
        path
    }

    /// `xingji --db DB`, to add arguments and environment to.
    pub fn command(&self) -> Command {
        let mut c = xingji();
        c.arg("--db").arg(&self.db);
        c
    }

    /// `xingji --db DB ARGS…`
    pub fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command().args(args).output().unwrap()
    }

    /// Run, expect success, return stdout.
    pub fn ok<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "expected success; stderr: {}",
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    pub fn import_roster(&self, file: &Path) -> String {
        self.ok([OsStr::new("import"), "roster".as_ref(), file.as_os_str()])
    }

    pub fn import_scores(&self, file: &Path, year: i16) -> String {
        let year = year.to_string();
        self.ok([
            OsStr::new("import"),
            "scores".as_ref(),
            file.as_os_str(),
            "--year".as_ref(),
            year.as_ref(),
        ])
    }

    pub fn try_import_scores(&self, file: &Path, year: i16) -> Output {
        let year = year.to_string();
        self.run([
            OsStr::new("import"),
            "scores".as_ref(),
            file.as_os_str(),
            "--year".as_ref(),
            year.as_ref(),
        ])
    }

    /// The raw bytes of `report --year Y --format F`, which must succeed.
    pub fn report(&self, year: i16, format: &str) -> Vec<u8> {
        let out = self.run(["report", "--year", &year.to_string(), "--format", format]);
        assert!(out.status.success(), "report failed: {}", text(&out.stderr));
        out.stdout
    }

    /// The report's CSV as lines, after checking and removing the BOM.
    pub fn csv_lines(&self, year: i16) -> Vec<String> {
        let csv = text(&self.report(year, "csv"));
        let body = csv
            .strip_prefix(BOM)
            .expect("the CSV report starts with a UTF-8 BOM");
        body.lines().map(str::to_string).collect()
    }

    /// The file itself, to check what is stored (no program may have it open).
    pub fn store(&self) -> xingji::store::Store {
        xingji::store::Store::open(&self.db).unwrap()
    }

    /// The database as a Unix user sees it through the service.
    pub fn service(&self, user: &str) -> xingji::service::Service {
        xingji::service::Service::open(&self.db, user).unwrap()
    }
}

/// A table file as a clerk would make it: a header and rows of cells.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    pub fn new(header: &str, lines: &[&str]) -> Sheet {
        let split = |l: &str| l.split(',').map(str::to_string).collect::<Vec<_>>();
        let headers = split(header);
        let rows: Vec<Vec<String>> = lines.iter().map(|l| split(l)).collect();
        for r in &rows {
            assert_eq!(r.len(), headers.len(), "test data row {r:?}");
        }
        Sheet { headers, rows }
    }

    pub fn col(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// The row of a secretary, by name (the third column).
    pub fn row_of(&self, name: &str) -> usize {
        self.rows.iter().position(|r| r[2] == name).unwrap()
    }

    pub fn set(&mut self, name: &str, column: &str, value: &str) -> &mut Sheet {
        let (r, c) = (self.row_of(name), self.col(column));
        self.rows[r][c] = value.to_string();
        self
    }

    pub fn rename(&mut self, old: &str, new: &str) -> &mut Sheet {
        let c = self.col(old);
        self.headers[c] = new.to_string();
        self
    }

    pub fn remove(&mut self, column: &str) -> &mut Sheet {
        let c = self.col(column);
        self.headers.remove(c);
        for r in &mut self.rows {
            r.remove(c);
        }
        self
    }

    pub fn add(&mut self, column: &str, value: &str) -> &mut Sheet {
        self.headers.push(column.to_string());
        for r in &mut self.rows {
            r.push(value.to_string());
        }
        self
    }

    /// The same columns in another order: a fixed shuffle (reversed, then rotated).
    pub fn shuffled(&self) -> Sheet {
        let n = self.headers.len();
        let mut order: Vec<usize> = (0..n).rev().collect();
        order.rotate_left(n / 3);
        Sheet {
            headers: order.iter().map(|&i| self.headers[i].clone()).collect(),
            rows: self
                .rows
                .iter()
                .map(|r| order.iter().map(|&i| r[i].clone()).collect())
                .collect(),
        }
    }

    pub fn csv(&self) -> String {
        self.csv_with("\n")
    }

    pub fn csv_with(&self, newline: &str) -> String {
        let mut out = self.headers.join(",");
        out.push_str(newline);
        for r in &self.rows {
            out.push_str(&r.join(","));
            out.push_str(newline);
        }
        out
    }

    /// An Excel workbook: this sheet first, numbers as number cells, the `dates` columns
    /// as real date cells; a second sheet that must be ignored.
    pub fn xlsx(&self, path: &Path, dates: &[&str]) {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut workbook = Workbook::new();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        let sheet = workbook.add_worksheet();
        sheet.set_name("Sheet1").unwrap();
        for (c, h) in self.headers.iter().enumerate() {
            sheet.write_string(0, c as u16, h).unwrap();
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                if value.is_empty() {
                    continue;
                }
                if dates.contains(&self.headers[usize::from(c)].as_str()) {
                    let p: Vec<u16> = value.split('-').map(|x| x.parse().unwrap()).collect();
                    let date = ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).unwrap();
                    sheet
                        .write_datetime_with_format(r, c, &date, &date_format)
                        .unwrap();
                } else if value.chars().all(|ch| ch.is_ascii_digit() || ch == '.') {
                    sheet
                        .write_number(r, c, value.parse::<f64>().unwrap())
                        .unwrap();
                } else {
                    sheet.write_string(r, c, value).unwrap();
                }
            }
        }
        let other = workbook.add_worksheet();
        other.set_name("填表说明").unwrap();
        other.write_string(0, 0, "乡镇").unwrap();
        other.write_string(1, 0, "本表不导入").unwrap();
        workbook.save(path).unwrap();
    }
}

pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "test data must be encodable in GBK");
    bytes.into_owned()
}
