//! What leaves the program for the office's walls, loudspeakers and finance office
//! (docs/files.md, "Papers"): the office's own details, Word files, the broadcast
//! script and the pay sheet, all as a township office would post or pay from them.

// A test may unwrap: a failed unwrap stops it with its location.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::path::Path;

use common::{Fixture, assert_user_error, text, xingji};

const TODAY: &str = "2026-01-10";

/// `xingji --db DB ARGS…` as the demo's maker on `TODAY`.
fn run(db: &Path, args: &[&str]) -> std::process::Output {
    xingji()
        .arg("--db")
        .arg(db)
        .args(args)
        .env("XINGJI_USER", "tester")
        .env("XINGJI_TODAY", TODAY)
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Users from now on: the demo's maker as the district, and `clerk` of 神头镇.
fn add_clerk(db: &Path) {
    ok(db, &["user", "add", "tester", "--role", "district"]);
    ok(
        db,
        &[
            "user",
            "add",
            "clerk",
            "--role",
            "township",
            "--township",
            "神头镇",
        ],
    );
}

/// One member of a zip file (a .docx or .xlsx), as text.
fn member(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

/// `xingji --year 2025 notice ARGS --out NAME` in the fixture's folder: the Word file's
/// document.xml.
fn word(f: &Fixture, db: &Path, name: &str, args: &[&str]) -> String {
    let out = f.path(name);
    let mut all = vec!["--year", "2025", "notice"];
    all.extend(args);
    all.extend(["--out", out.to_str().unwrap()]);
    ok(db, &all);
    member(&out, "word/document.xml")
}

/// The 2025 CSV report's rows of one township, split into cells.
fn report_rows(db: &Path, township: &str) -> Vec<Vec<String>> {
    ok(db, &["--year", "2025", "report", "--format", "csv"])
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|cells| cells.get(1).map(String::as_str) == Some(township))
        .collect()
}

/// The demo district with 2025 submitted and 神头镇 (a 镇) and 北城街道 (a 街道)
/// published from `TODAY`.
fn published() -> (Fixture, std::path::PathBuf) {
    let f = Fixture::new();
    let db = f.path("demo.redb");
    drop(xingji::demo::open(&db, "tester").unwrap());
    ok(&db, &["--year", "2025", "year", "submit"]);
    for t in ["神头镇", "北城街道"] {
        ok(
            &db,
            &[
                "--year",
                "2025",
                "year",
                "publish",
                "--township",
                t,
                "--from",
                TODAY,
            ],
        );
    }
    (f, db)
}

#[test]
fn the_notice_is_a_word_file_naming_the_office_and_dated_the_first_day() {
    let (f, db) = published();
    // Before the office is set: blanks to fill in, never a made-up value.
    let bare = ok(&db, &["--year", "2025", "notice", "--township", "神头镇"]);
    assert!(bare.contains("监督电话:____"), "{bare}");
    assert!(!bare.contains("朔城区"), "{bare}");

    ok(&db, &["settings", "set", "区名", "朔城区"]);
    ok(&db, &["settings", "set", "联系电话", "0349-1234567"]);
    let listed = ok(&db, &["settings", "list"]);
    assert!(
        listed.contains("朔城区") && listed.contains("0349-1234567"),
        "{listed}"
    );
    // A bad value or key changes nothing.
    let err = assert_user_error(&run(&db, &["settings", "set", "联系电话", "找老王"]));
    assert!(err.contains("电话号码只能有数字"), "{err}");
    let err = assert_user_error(&run(&db, &["settings", "set", "区名", "朔城区委"]));
    assert!(err.contains("以“区”“县”“市”“旗”结尾"), "{err}");
    // Setting the same value again changes nothing and logs nothing.
    let audit = ok(&db, &["audit"]);
    assert!(ok(&db, &["settings", "set", "区名", "朔城区"]).contains("区名未改变"));
    assert_eq!(ok(&db, &["audit"]), audit);
    let err = assert_user_error(&run(&db, &["settings", "set", "电话", "1"]));
    assert!(err.contains("可设置:区名"), "{err}");
    assert_eq!(ok(&db, &["settings", "list"]), listed);

    let document = word(&f, &db, "n.docx", &["--township", "神头镇"]);
    for wanted in [
        "朔城区",
        "0349-1234567",
        "神头镇党委",
        "朔城区委组织部",
        "2026年1月10日",
    ] {
        assert!(document.contains(wanted), "{wanted} missing");
    }
    assert!(
        document.contains("关于朔城区神头镇2025年度"),
        "the usual title"
    );
    // Every secretary of the township, from the report.
    let rows = report_rows(&db, "神头镇");
    assert!(rows.len() > 5);
    for name in rows.iter().map(|r| &r[3]) {
        assert!(document.contains(name.as_str()), "{name} missing");
    }
    // A 街道's notice is signed by its 党工委.
    assert!(word(&f, &db, "b.docx", &["--township", "北城街道"]).contains("北城街道党工委"));
}

#[test]
fn letters_are_a_page_each_and_give_the_bonus_reason() {
    let (f, db) = published();
    let document = word(&f, &db, "信.docx", &["--township", "北城街道", "--letters"]);
    let letters = document.matches("全体党员群众的一封信").count();
    assert!(letters > 1);
    // Each letter after the first starts on a new page.
    assert_eq!(document.matches("<w:pageBreakBefore").count(), letters - 1);
    assert!(document.contains("本社区党组织书记") && !document.contains("本村(社区)"));
    // The demo's capped bonus is given with its reason.
    assert!(document.contains("(事由:获评全国乡村治理示范村;申报7.00分,按上限计)"));
}

#[test]
fn the_broadcast_says_numbers_as_words_and_the_period_and_phone_twice() {
    let (_f, db) = published();
    ok(&db, &["settings", "set", "联系电话", "0349-1234567"]);
    let script = ok(
        &db,
        &[
            "--year",
            "2025",
            "notice",
            "--township",
            "神头镇",
            "--broadcast",
        ],
    );
    let first = script.split('\u{c}').next().unwrap();
    assert_eq!(
        first.matches("监督电话是:零三四九,幺二三四五六七").count(),
        2,
        "{first}"
    );
    assert_eq!(
        first.matches("公示时间从二〇二六年一月十日起").count(),
        2,
        "{first}"
    );
    // No figures and no table: a broadcaster reads it as it stands.
    let body: String = first.lines().skip(3).collect();
    assert!(!body.chars().any(|c| c.is_ascii_digit()), "{body}");
    assert!(body.contains("总分") && body.contains("分。"), "{body}");
}

#[test]
fn the_pay_sheet_has_a_signature_column_and_a_total() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let (f, db) = published();
    let out = f.path("发放表.xlsx");
    let said = ok(
        &db,
        &[
            "--year",
            "2025",
            "paysheet",
            "--township",
            "神头镇",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(said.contains("尚未审定"), "{said}");
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("神头镇").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    let head = rows
        .iter()
        .position(|r| r.contains(&"领取人签字".to_string()))
        .unwrap();
    assert_eq!(rows[head][..3], ["序号", "村(社区)", "姓名"]);
    let total_row = rows.iter().position(|r| r[0] == "合计").unwrap();
    // The total is the sum of the pay above it, as the report gives each.
    let report = report_rows(&db, "神头镇");
    let pay: f64 = report
        .iter()
        .filter_map(|r| r[14].parse::<f64>().ok())
        .sum();
    let cell = sheet.get((total_row, 5)).unwrap();
    assert!(
        matches!(cell, Data::Float(x) if (*x - pay).abs() < 0.001),
        "{cell:?} vs {pay}"
    );
    assert_eq!(total_row - head - 1, report.len());
    // Print set-up: the heading rows repeat on every page.
    assert!(member(&out, "xl/workbook.xml").contains("_xlnm.Print_Titles"));
    // A township clerk's sheet without --township: their own township only.
    add_clerk(&db);
    let own = f.path("本镇.xlsx");
    let clerk = xingji()
        .arg("--db")
        .arg(&db)
        .args(["--year", "2025", "paysheet", "--out", own.to_str().unwrap()])
        .env("XINGJI_USER", "clerk")
        .output()
        .unwrap();
    assert!(clerk.status.success(), "{}", text(&clerk.stderr));
    let sheets = open_workbook::<Xlsx<_>, _>(&own).unwrap().sheet_names();
    assert_eq!(sheets, ["神头镇"]);
    // Not an xlsx name: refused before anything is written.
    let err = assert_user_error(&run(&db, &["--year", "2025", "paysheet", "--out", "p.csv"]));
    assert!(err.contains(".xlsx"), "{err}");
}

#[test]
fn the_xlsx_report_has_number_formats_and_print_setup() {
    let (f, db) = published();
    let out = f.path("报表.xlsx");
    ok(
        &db,
        &[
            "--year",
            "2025",
            "report",
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let styles = member(&out, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="0.00""#), "{styles}");
    let sheet = member(&out, "xl/worksheets/sheet2.xml");
    assert!(sheet.contains(r#"orientation="landscape""#), "landscape");
    assert!(sheet.contains(r#"fitToHeight="0""#), "fitted to the width");
}

#[cfg(unix)]
#[test]
fn papers_are_private_files() {
    use std::os::unix::fs::PermissionsExt;
    let (f, db) = published();
    for (name, args) in [
        ("n.docx", vec!["notice", "--township", "神头镇"]),
        (
            "n.txt",
            vec!["notice", "--township", "神头镇", "--broadcast"],
        ),
        ("p.xlsx", vec!["paysheet"]),
    ] {
        let out = f.path(name);
        let mut all = vec!["--year", "2025"];
        all.extend(args);
        all.extend(["--out", out.to_str().unwrap()]);
        ok(&db, &all);
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
}

#[test]
fn the_office_details_travel_with_backups_and_exports() {
    let (f, db) = published();
    ok(&db, &["settings", "set", "区名", "朔城区"]);
    ok(&db, &["settings", "set", "电子邮箱", "zzb@example.gov.cn"]);
    let listed = ok(&db, &["settings", "list"]);
    let backup = f.path("备份.redb");
    ok(&db, &["backup", "--to", backup.to_str().unwrap()]);
    assert_eq!(ok(&backup, &["settings", "list"]), listed);
    let lines = f.path("全部.jsonl");
    ok(&db, &["export", "--all", lines.to_str().unwrap()]);
    let rebuilt = f.path("新.redb");
    ok(&rebuilt, &["import", "--all", lines.to_str().unwrap()]);
    assert_eq!(ok(&rebuilt, &["settings", "list"]), listed);
    // Cleared again with an empty value: the papers go back to a blank.
    let cleared = ok(&db, &["settings", "set", "区名", ""]);
    assert!(cleared.starts_with("已清除区名"), "{cleared}");
    assert!(ok(&db, &["settings", "list"]).contains("区名        (未设置"));
    // Only the district sets them.
    add_clerk(&db);
    let clerk = xingji()
        .arg("--db")
        .arg(&db)
        .args(["settings", "set", "区名", "别区"])
        .env("XINGJI_USER", "clerk")
        .output()
        .unwrap();
    let err = assert_user_error(&clerk);
    assert!(err.contains("只有区管理员可以"), "{err}");
}

#[test]
fn library_errors_are_said_in_the_clerks_words() {
    let (f, db) = published();
    let broken = f.path("坏.xlsx");
    std::fs::write(&broken, "这不是 Excel").unwrap();
    let err = assert_user_error(&run(
        &db,
        &[
            "--year",
            "2025",
            "import",
            "scores",
            broken.to_str().unwrap(),
        ],
    ));
    assert!(err.contains("坏.xlsx") && err.contains("另存为"), "{err}");
    assert!(!err.contains("Zip") && !err.contains("error"), "{err}");
    let nowhere = f.path("没有的文件夹/结果.csv");
    let err = assert_user_error(&run(
        &db,
        &[
            "--year",
            "2025",
            "report",
            "--format",
            "csv",
            "--out",
            nowhere.to_str().unwrap(),
        ],
    ));
    assert!(err.contains("文件夹不存在"), "{err}");
    assert!(!err.contains("os error"), "{err}");
}
