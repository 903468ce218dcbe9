//! The real binary against the independent Python oracle of docs/rules.md and docs/files.md
//! (`tests/oracle/oracle.py`), on random districts aimed at every edge case of the rules
//! (`tests/oracle/gen_district.py`).
//!
//! For each seed: generate a district (roster, scores 2024 and 2025), import it into a
//! fresh database with `xingji`, write each year's CSV report, run the oracle on the same
//! files, and compare the two reports cell by cell. Only the free-text `说明` column and
//! the UTF-8 BOM are left out of the comparison. The last line of the text report must
//! be the oracle's summary sentence. The oracle's own hand-worked unit tests run too.
//!
//! Needs `python3` (3.11 or newer, for `tomllib`); without it the test says so and passes.
//! `XINGJI_ORACLE_SEEDS=A-B` runs seeds A to B instead of the default 1 to 40 (for a
//! longer run by hand, e.g. `XINGJI_ORACLE_SEEDS=1-300 cargo test --test oracle`).

// A test may unwrap: a failed unwrap stops it with its location. (clippy.toml's
// allow-unwrap-in-tests covers #[test] functions only, not the helpers around them.)
#![allow(clippy::unwrap_used)]

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

const SEEDS: (u64, u64) = (1, 40);
const YEARS: [u16; 2] = [2024, 2025];
/// Free text worded differently by each side: not compared.
const IGNORED_COLUMN: &str = "说明";
const BOM: &str = "\u{feff}";
/// At most this many mismatches are listed in the failure message.
const MAX_LISTED: usize = 40;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn oracle_dir() -> PathBuf {
    root().join("tests").join("oracle")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn python() -> Command {
    let mut c = Command::new("python3");
    c.env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .current_dir(root());
    c
}

/// A python3 that can run the oracle (it reads the scheme with `tomllib`, Python 3.11+).
fn python_available() -> bool {
    python()
        .args(["-c", "import tomllib"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The seeds to run: `XINGJI_ORACLE_SEEDS=A-B` (or a single `A`), else 1 to 40.
fn seeds() -> (u64, u64) {
    let Ok(spec) = std::env::var("XINGJI_ORACLE_SEEDS") else {
        return SEEDS;
    };
    let parse = |s: &str| {
        s.trim()
            .parse::<u64>()
            .unwrap_or_else(|_| panic!("XINGJI_ORACLE_SEEDS={spec:?}: expected A-B"))
    };
    match spec.split_once('-') {
        Some((a, b)) => (parse(a), parse(b)),
        None => (parse(&spec), parse(&spec)),
    }
}

/// Says why a test did nothing. Written to the real stderr, which the test harness does
/// not capture, so that it shows in a plain `cargo test`.
fn notice(what: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "NOTICE: no python3 (3.11 or newer) on PATH: {what}"
    );
}

/// Runs a command; an error message with its output unless it exits 0.
fn run(mut cmd: Command, what: &str) -> Result<Output, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{what}: {}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        ))
    }
}

fn xingji(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xingji"));
    c.env_remove("XINGJI_DB")
        .env_remove("RUST_BACKTRACE")
        .arg("--db")
        .arg(db);
    c
}

fn xingji_ok<I, S>(db: &Path, args: I, what: &str) -> Result<Output, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = xingji(db);
    c.args(args);
    run(c, what)
}

/// A CSV file as rows of cells, without a leading BOM.
fn read_csv(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let raw = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let raw = String::from_utf8(raw).map_err(|e| format!("{}: not UTF-8: {e}", path.display()))?;
    let body = raw.strip_prefix(BOM).unwrap_or(&raw);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect()
}

/// Every difference between the binary's report and the oracle's, in words. Rows are
/// numbered from 1 after the header (row 1 is the file's second line).
fn compare(seed: u64, year: u16, ours: &[Vec<String>], oracle: &[Vec<String>]) -> Vec<String> {
    let at = format!("seed {seed}, year {year}");
    let (Some(header), Some(oracle_header)) = (ours.first(), oracle.first()) else {
        return vec![format!("{at}: an empty report")];
    };
    if header != oracle_header {
        return vec![format!(
            "{at}: header\n    xingji: {header:?}\n    oracle: {oracle_header:?}"
        )];
    }
    if oracle.len() < 2 {
        return vec![format!("{at}: the oracle's report has no rows")];
    }
    let mut diffs = Vec::new();
    if ours.len() != oracle.len() {
        diffs.push(format!(
            "{at}: {} data rows from xingji, {} from the oracle",
            ours.len() - 1,
            oracle.len() - 1
        ));
    }
    let who = |row: &[String]| row.get(1..4).map(|k| k.join(" ")).unwrap_or_default();
    for (i, (a, b)) in ours.iter().zip(oracle).enumerate().skip(1) {
        if who(a) != who(b) {
            diffs.push(format!(
                "{at}, row {i}: xingji has 「{}」, the oracle 「{}」 (row order)",
                who(a),
                who(b)
            ));
            continue;
        }
        for (c, name) in header.iter().enumerate() {
            if name == IGNORED_COLUMN {
                continue;
            }
            let (x, y) = (a.get(c), b.get(c));
            if x != y {
                diffs.push(format!(
                    "{at}, row {i} ({}), column {name}: xingji {:?}, oracle {:?}",
                    who(b),
                    x.map_or("<missing>", String::as_str),
                    y.map_or("<missing>", String::as_str),
                ));
            }
        }
    }
    diffs
}

/// One seed: generate, import, report, compare. Every mismatch found, in words.
fn check_seed(seed: u64) -> Result<Vec<String>, String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let dir = tmp.path();
    let mut generate = python();
    generate
        .arg(oracle_dir().join("gen_district.py"))
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--dir")
        .arg(dir);
    run(generate, &format!("seed {seed}: gen_district.py"))?;

    let db = dir.join("xingji.redb");
    let at = |what: &str| format!("seed {seed}: xingji {what}");
    xingji_ok(&db, ["init"], &at("init"))?;
    xingji_ok(
        &db,
        [
            OsStr::new("import"),
            "roster".as_ref(),
            dir.join("roster.csv").as_os_str(),
        ],
        &at("import roster"),
    )?;
    let scores = |y: u16| dir.join(format!("scores-{y}.csv"));
    for y in YEARS {
        let file = scores(y);
        let year = y.to_string();
        xingji_ok(
            &db,
            [
                OsStr::new("import"),
                "scores".as_ref(),
                file.as_os_str(),
                "--year".as_ref(),
                year.as_ref(),
            ],
            &at(&format!("import scores {y}")),
        )?;
    }

    let mut diffs = Vec::new();
    for y in YEARS {
        let year = y.to_string();
        let ours = dir.join(format!("xingji-{y}.csv"));
        xingji_ok(
            &db,
            [
                OsStr::new("report"),
                "--year".as_ref(),
                year.as_ref(),
                "--format".as_ref(),
                "csv".as_ref(),
                "--out".as_ref(),
                ours.as_os_str(),
            ],
            &at(&format!("report --year {y} --format csv")),
        )?;
        let text_report = xingji_ok(
            &db,
            ["report", "--year", &year],
            &at(&format!("report --year {y}")),
        )?;

        let theirs = dir.join(format!("oracle-{y}.csv"));
        let mut oracle = python();
        oracle
            .arg(oracle_dir().join("oracle.py"))
            .arg("--scheme")
            .arg(root().join("data").join("scheme.toml"))
            .arg("--roster")
            .arg(dir.join("roster.csv"));
        for p in YEARS {
            let mut spec = OsString::from(format!("{p}="));
            spec.push(scores(p));
            oracle.arg("--scores").arg(spec);
        }
        oracle.arg("--year").arg(&year).arg("--out").arg(&theirs);
        let summary = run(oracle, &format!("seed {seed}, year {y}: oracle.py"))?;

        diffs.extend(compare(seed, y, &read_csv(&ours)?, &read_csv(&theirs)?));

        let ours_last = text(&text_report.stdout)
            .trim_end()
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned();
        let theirs_last = text(&summary.stdout).trim().to_owned();
        if ours_last != theirs_last {
            diffs.push(format!(
                "seed {seed}, year {y}: summary line\n    xingji: {ours_last}\n    oracle: {theirs_last}"
            ));
        }
    }
    Ok(diffs)
}

#[test]
fn reports_agree_with_the_python_oracle() {
    if !python_available() {
        notice("the comparison with the Python oracle (tests/oracle) was skipped");
        return;
    }
    let (first, last) = seeds();
    let next = AtomicU64::new(first);
    let found = Mutex::new(Vec::new());
    let workers = thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed > last {
                        break;
                    }
                    let result = check_seed(seed);
                    found.lock().unwrap().push((seed, result));
                }
            });
        }
    });
    let mut found = found.into_inner().unwrap();
    found.sort_by_key(|(seed, _)| *seed);

    let mut problems = Vec::new();
    for (_, result) in found {
        match result {
            Ok(diffs) => problems.extend(diffs),
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        let mut msg = format!(
            "{} difference(s) between xingji and the oracle over seeds {first}..={last}:\n",
            problems.len()
        );
        for p in problems.iter().take(MAX_LISTED) {
            let _ = writeln!(msg, "  {p}");
        }
        if problems.len() > MAX_LISTED {
            let _ = writeln!(msg, "  … and {} more", problems.len() - MAX_LISTED);
        }
        panic!("{msg}");
    }
}

#[test]
fn the_oracle_passes_its_own_unit_tests() {
    if !python_available() {
        notice("the oracle's unit tests (tests/oracle/test_oracle.py) were skipped");
        return;
    }
    let mut unittest = python();
    unittest.args(["-m", "unittest"]).current_dir(oracle_dir());
    if let Err(e) = run(unittest, "python3 -m unittest (in tests/oracle)") {
        panic!("{e}");
    }
}
