//! End-to-end tests of the year, step by step (docs/rules.md), and of who may do what
//! (§7, §14): the real binary on a fresh database, the acting user set with
//! XINGJI_USER and "today" with XINGJI_TODAY, as a district officer, a township clerk,
//! a viewer and a stranger would run it; and the TUI's own save path through
//! `xingji::tui::App`.
//!
//! Every expected figure is worked out by hand from docs/rules.md with the default
//! scheme (weights 60/20/20; 好 100, 较好 85, 一般 70; ballots 100/60/0; results
//! 90/70/60; stars 95/90/80/70/65; quotas floor(6 × 5 %) = floor(6 × 15 %) = 0, which
//! nobody here reaches; pay 12000 × 0.60/0.80/0.90/1.00, 不合格 capped at 0.50).

// A test may unwrap: a failed unwrap stops it with its location. (clippy.toml's
// allow-unwrap-in-tests covers #[test] functions only, not the helpers around them.)
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use calamine::{Data, Reader, Xlsx, open_workbook};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use common::{BOM, Fixture, Sheet, assert_user_error, text};
use xingji::tui::screens::ScreenId;
use xingji::tui::{App, Theme};

// ---------------------------------------------------------------------------------
// The district: 下团堡乡 (township A) and 张蔡庄乡 (township B), three villages each,
// every secretary in post for years (all rated in 2024 and 2025, N = 6).
// ---------------------------------------------------------------------------------

const A: &str = "下团堡乡";
const B: &str = "张蔡庄乡";
/// (village, secretary) of each township, in roster order.
const A_PEOPLE: [(&str, &str); 3] = [
    ("下团堡村", "刘建军"),
    ("上团堡村", "陈淑芬"),
    ("四圣店村", "杨志强"),
];
const B_PEOPLE: [(&str, &str); 3] = [
    ("寇庄村", "马国庆"),
    ("膏腴村", "郭秀兰"),
    ("露明村", "高文斌"),
];

const ROSTER_HEADER: &str = "乡镇,村(社区),姓名,性别,出生日期,任职日期";
const ROSTER: [&str; 6] = [
    "下团堡乡,下团堡村,刘建军,男,1972-03-15,2016-04-01",
    "下团堡乡,上团堡村,陈淑芬,女,1979-11-02,2019-01-10",
    "下团堡乡,四圣店村,杨志强,男,1983-06-20,2021-05-01",
    "张蔡庄乡,寇庄村,马国庆,男,1968-10-01,2014-03-01",
    "张蔡庄乡,膏腴村,郭秀兰,女,1976-02-14,2018-07-01",
    "张蔡庄乡,露明村,高文斌,男,1981-09-09,2020-12-01",
];

const SCORES_HEADER: &str = "乡镇,村(社区),姓名,\
政治素质,履职尽责,廉洁自律,集体经济发展,增收项目,阵地建设,人居环境改善,\
基层组织建设,三务公开,风险隐患管控,精神文明创建,为民服务,\
组织评价,满意,基本满意,不满意,加分,加分事由,减分,减分事由,否决事由";

// Item scores (maxima 6 7 7 | 15 10 | 8 7 | 8 5 7 | 10 10) with their sum Q:
//   Q 85: 5+6+6+13+8+7+6+7+4+6+9+8;   Q 80: 5+6+6+12+8+6+6+7+4+6+7+7;
//   Q 75: 5+6+6+11+7+6+5+6+4+5+7+7;   Q 70: 5+5+5+11+7+6+5+6+4+5+6+5;
//   Q 65: 4+5+5+10+6+5+5+5+3+5+6+6;   Q 59: 4+4+4+9+6+4+4+5+3+4+6+6.
// Ballots (满意/基本满意/不满意) and M: 16/4/0 → 1840/20 = 92; 15/5/0 → 90;
//   12/8/0 → 1680/20 = 84; 10/5/5 → 1300/20 = 65; 8/6/6 → 1160/20 = 58.
// total = 0.6 Q + 0.2 O + 0.2 M (no bonus, no penalty).

/// 2024: nobody vetoed; only 马国庆 is low.
const SCORES_2024: [&str; 6] = [
    // 0.6×85 + 0.2×100 + 0.2×92 = 51 + 20 + 18.4 = 89.40: 合格, 3★.
    "下团堡乡,下团堡村,刘建军,5,6,6,13,8,7,6,7,4,6,9,8,好,16,4,0,,,,,",
    // 48 + 17 + 18 = 83.00: 合格, 3★.
    "下团堡乡,上团堡村,陈淑芬,5,6,6,12,8,6,6,7,4,6,7,7,较好,15,5,0,,,,,",
    // 45 + 17 + 16.8 = 78.80: 合格, 2★.
    "下团堡乡,四圣店村,杨志强,5,6,6,11,7,6,5,6,4,5,7,7,较好,12,8,0,,,,,",
    // 39 + 14 + 13 = 66.00: 基本合格, ≥ 65 → 1★: low (诫勉整改 in 2024).
    "张蔡庄乡,寇庄村,马国庆,4,5,5,10,6,5,5,5,3,5,6,6,一般,10,5,5,,,,,",
    // 48 + 20 + 18 = 86.00: 合格, 3★.
    "张蔡庄乡,膏腴村,郭秀兰,5,6,6,12,8,6,6,7,4,6,7,7,好,15,5,0,,,,,",
    // 42 + 17 + 16.8 = 75.80: 合格, 2★.
    "张蔡庄乡,露明村,高文斌,5,5,5,11,7,6,5,6,4,5,6,5,较好,12,8,0,,,,,",
];

/// 2025: three low secretaries, one of them low in 2024 too.
const SCORES_2025: [&str; 6] = [
    // 89.40 again: 合格, 3★, change 0.
    "下团堡乡,下团堡村,刘建军,5,6,6,13,8,7,6,7,4,6,9,8,好,16,4,0,,,,,",
    // 83.00, but a veto → 不合格, 0★ (-3): low, not low in 2024 → 诫勉整改;
    //   pay 12000 × min(0.60, 0.50) = 6000.
    "下团堡乡,上团堡村,陈淑芬,5,6,6,12,8,6,6,7,4,6,7,7,较好,15,5,0,,,,,违反换届纪律",
    // 48 + 20 + 18 = 86.00: 合格, 3★ (+1).
    "下团堡乡,四圣店村,杨志强,5,6,6,12,8,6,6,7,4,6,7,7,好,15,5,0,,,,,",
    // 35.4 + 14 + 11.6 = 61.00: 基本合格, below 65 → 0★ (-1): low in 2025 and in
    //   2024 → 建议调整; pay 12000 × 0.60 = 7200.
    "张蔡庄乡,寇庄村,马国庆,4,4,4,9,6,4,4,5,3,4,6,6,一般,8,6,6,,,,,",
    // 39 + 14 + 13 = 66.00: 基本合格, 1★ (-2): low, 2024 3★ → 诫勉整改; pay 9600.
    "张蔡庄乡,膏腴村,郭秀兰,4,5,5,10,6,5,5,5,3,5,6,6,一般,10,5,5,,,,,",
    // 45 + 17 + 16.8 = 78.80: 合格, 2★ (0); pay 10800.
    "张蔡庄乡,露明村,高文斌,5,6,6,11,7,6,5,6,4,5,7,7,较好,12,8,0,,,,,",
];

const REPORT_HEADER: &str = "年度,乡镇,村(社区),姓名,定量考核,组织评价,群众评议,加分,减分,总分,考核结果,星级,星级变化,绩效系数,绩效报酬,处理意见,说明";

const REPORT_2025: [&str; 6] = [
    "2025,下团堡乡,下团堡村,刘建军,85.00,100.00,92.00,0.00,0.00,89.40,合格,3,0,1.00,12000,,",
    "2025,下团堡乡,上团堡村,陈淑芬,80.00,85.00,90.00,0.00,0.00,83.00,不合格,0,-3,0.50,6000,诫勉整改,一票否决:违反换届纪律",
    "2025,下团堡乡,四圣店村,杨志强,80.00,100.00,90.00,0.00,0.00,86.00,合格,3,+1,1.00,12000,,",
    "2025,张蔡庄乡,寇庄村,马国庆,59.00,70.00,58.00,0.00,0.00,61.00,基本合格,0,-1,0.60,7200,建议调整,",
    "2025,张蔡庄乡,膏腴村,郭秀兰,65.00,70.00,65.00,0.00,0.00,66.00,基本合格,1,-2,0.80,9600,诫勉整改,",
    "2025,张蔡庄乡,露明村,高文斌,75.00,85.00,84.00,0.00,0.00,78.80,合格,2,0,0.90,10800,,",
];

/// The low secretaries of 2025 (≤ 1★ or 不合格, §3.12), worked out by hand above.
const LOW_2025: [(&str, &str); 3] = [
    ("陈淑芬", "诫勉整改"),
    ("马国庆", "建议调整"),
    ("郭秀兰", "诫勉整改"),
];

// The calendar of the tests: publicity 2026-01-12 for 5 days, so its last day is
// 2026-01-16 and approval is possible from 2026-01-17; approved on 2026-01-20, the
// rectification deadline is 90 days later: 11 days of January, 28 of February, 31 of
// March and 20 of April → 2026-04-20.
const PUBLICITY_FROM: &str = "2026-01-12";
const APPROVED_ON: &str = "2026-01-20";
const DEADLINE: &str = "2026-04-20";

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// Someone running `xingji` on the fixture's database, on a given day.
#[derive(Clone, Copy)]
struct User<'a> {
    f: &'a Fixture,
    name: &'a str,
    today: Option<&'a str>,
}

impl<'a> User<'a> {
    fn on(self, day: &'a str) -> User<'a> {
        User {
            today: Some(day),
            ..self
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut c = self.f.command();
        c.env("XINGJI_USER", self.name);
        if let Some(day) = self.today {
            c.env("XINGJI_TODAY", day);
        }
        c.args(args).output().unwrap()
    }

    /// Run, expect success, return stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{} {args:?} should succeed; stderr: {}",
            self.name,
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// Run, expect a refusal (exit 1 and a message), and that nothing changed.
    fn refused(&self, args: &[&str]) -> String {
        let before = state(self.f);
        let stderr = assert_user_error(&self.run(args));
        assert_eq!(
            state(self.f),
            before,
            "{} {args:?} was refused but changed the database",
            self.name
        );
        stderr
    }
}

fn user<'a>(f: &'a Fixture, name: &'a str) -> User<'a> {
    User {
        f,
        name,
        today: None,
    }
}

/// Everything stored, to tell that a refused command changed nothing.
fn state(f: &Fixture) -> String {
    let store = f.store();
    let mut out = format!("{:?}\n{:?}\n", store.district().unwrap(), store.users());
    for (year, record) in store.years().unwrap() {
        out.push_str(&format!(
            "{year}: {record:?}\n{:?}\n{:?}\n",
            store.assessments(year).unwrap(),
            store.rectifications(year).unwrap()
        ));
    }
    out.push_str(&format!("audit: {:?}", store.audit_log().unwrap()));
    out
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// init as `admin`, the roster, and the scores of 2024 and 2025.
fn district() -> Fixture {
    let f = Fixture::new();
    let admin = user(&f, "admin");
    assert!(admin.ok(&["init"]).contains("admin 为区管理员"));
    let roster = f.write("名册.csv", Sheet::new(ROSTER_HEADER, &ROSTER).csv());
    let out = admin.ok(&["import", "roster", path(&roster)]);
    assert!(
        out.contains("新增乡镇 2 个、村(社区) 6 个、书记 6 名"),
        "{out}"
    );
    for (year, rows) in [("2024", &SCORES_2024), ("2025", &SCORES_2025)] {
        let file = f.write(&format!("考核{year}.csv"), scores(rows).csv());
        let out = admin.ok(&["import", "scores", path(&file), "--year", year]);
        assert!(out.contains("6 名书记,其中未完成 0 名"), "{out}");
    }
    f
}

fn scores(rows: &[&str]) -> Sheet {
    Sheet::new(SCORES_HEADER, rows)
}

/// `report --year Y --format csv` as `who`, as lines without the BOM.
fn csv_lines(who: User, year: &str) -> Vec<String> {
    let csv = who.ok(&["report", "--year", year, "--format", "csv"]);
    csv.strip_prefix(BOM)
        .expect("the CSV report starts with a BOM")
        .lines()
        .map(str::to_string)
        .collect()
}

fn expected(rows: &[&str]) -> Vec<String> {
    std::iter::once(REPORT_HEADER)
        .chain(rows.iter().copied())
        .map(str::to_string)
        .collect()
}

/// Audit lines as (user, what): `2026-01-20 10:00:00  admin  2025 年度 … :before -> after`.
fn audit(out: &str) -> Vec<(String, String)> {
    out.lines()
        .map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            assert!(fields.len() >= 4, "an audit line: {l}");
            (fields[2].to_string(), fields[3..].join(" "))
        })
        .collect()
}

/// The index of the first audit line by `who` whose text contains every one of `words`.
fn find(lines: &[(String, String)], who: &str, words: &[&str]) -> usize {
    lines
        .iter()
        .position(|(u, w)| u == who && words.iter().all(|x| w.contains(x)))
        .unwrap_or_else(|| panic!("no audit line by {who} with {words:?} in {lines:#?}"))
}

/// `rectify list` lines as (name, consequence, deadline, status).
fn rectifications(out: &str) -> Vec<(String, String, String, String)> {
    out.lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // 2025  乡镇  村  姓名  处理意见  期限 DATE  状态
            assert_eq!(f.len(), 8, "a rectification line: {l}");
            assert_eq!(f[5], "期限", "{l}");
            (
                f[3].to_string(),
                f[4].to_string(),
                f[6].to_string(),
                f[7].to_string(),
            )
        })
        .collect()
}

/// Every name of a township: the township, its villages and its secretaries.
fn names_of(township: &str) -> Vec<&'static str> {
    let people = if township == A { A_PEOPLE } else { B_PEOPLE };
    let mut names = vec![if township == A { A } else { B }];
    for (v, n) in people {
        names.extend([v, n]);
    }
    names
}

fn assert_nothing_of(township: &str, output: &str, what: &str) {
    for name in names_of(township) {
        assert!(
            !output.contains(name),
            "{what} shows {name} of {township}:\n{output}"
        );
    }
}

/// An xlsx file's sheets as rows of text cells (figures as Excel holds them).
fn workbook(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = open_workbook(path).expect("the workbook opens");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A workbook row says the same as a CSV row: text cells equal, figures equal in value.
/// A township sheet's row holds the report's row, then the item scores.
fn assert_same_row(sheet_row: &[Data], csv_row: &[String]) {
    assert_eq!(
        sheet_row.len(),
        csv_row.len() + 12,
        "the report's columns and the twelve items: {sheet_row:?} vs {csv_row:?}"
    );
    for (cell, want) in sheet_row.iter().zip(csv_row) {
        match cell {
            Data::Float(x) => {
                let want: f64 = want.parse().unwrap_or_else(|_| panic!("{want} a figure"));
                assert!((x - want).abs() < 1e-9, "{x} vs {want} in {csv_row:?}");
            }
            Data::Int(x) => assert_eq!(x.to_string(), *want),
            other => assert_eq!(cell_text(other), *want, "in {csv_row:?}"),
        }
    }
}

fn split_csv(line: &str) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------
// 1. Submit, publish, objections, approve; the lock, reopening, the audit log
// ---------------------------------------------------------------------------------

#[test]
// One scenario, read top to bottom: each step starts from the state the one before
// left, so it stays one function rather than helpers that hide the order.
#[allow(clippy::too_many_lines)]
fn a_year_from_submission_to_approval_locking_and_reopening() {
    let f = district();
    let admin = user(&f, "admin");
    admin.ok(&[
        "user",
        "add",
        "clerk",
        "--role",
        "township",
        "--township",
        A,
    ]);
    let clerk = user(&f, "clerk");
    assert_eq!(csv_lines(admin, "2025"), expected(&REPORT_2025));

    // Nothing can be approved before it has been submitted and published.
    let stderr = admin
        .on(APPROVED_ON)
        .refused(&["year", "approve", "--year", "2025"]);
    assert!(stderr.contains("审定未执行,没有任何改动"), "{stderr}");
    assert!(stderr.contains("须先公示"), "{stderr}");

    // Submit: the clerk their own township (named or not), then the district the
    // whole district.
    let out = clerk
        .on("2026-01-08")
        .ok(&["year", "submit", "--year", "2025"]);
    assert_eq!(out.trim(), format!("{A}:已提交"));
    // The clerk's notice needs no --township either: it is their own township's.
    let notice = clerk.ok(&["notice", "--year", "2025"]);
    assert!(notice.contains(A) && !notice.contains(B), "{notice}");
    let stderr = admin.refused(&["notice", "--year", "2025"]);
    assert!(stderr.contains("需要 --township"), "{stderr}");
    let out = admin
        .on("2026-01-09")
        .ok(&["year", "submit", "--year", "2025"]);
    assert!(out.contains(&format!("{B}:已提交")), "{out}");
    assert!(out.contains(&format!("{A}:已是「已提交」")), "{out}");

    // Publish from a day in the past: 5 days, 2026-01-12 to 2026-01-16.
    let out = admin.on("2026-01-11").ok(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--from",
        PUBLICITY_FROM,
    ]);
    for t in [A, B] {
        assert!(
            out.contains(&format!("{t}:公示 2026-01-12 至 2026-01-16(5 天)")),
            "{out}"
        );
    }

    // While the publicity runs (its last day included), approval is refused.
    let stderr = admin
        .on("2026-01-16")
        .refused(&["year", "approve", "--year", "2025"]);
    assert!(
        stderr.contains("公示期到 2026-01-16 为止,尚未结束,2026-01-17 起才能审定"),
        "{stderr}"
    );

    // The notice names every secretary of the township and the publicity dates.
    let notice = clerk
        .on("2026-01-12")
        .ok(&["notice", "--year", "2025", "--township", A]);
    assert!(
        notice.contains("2026年1月12日至2026年1月16日(5天)"),
        "{notice}"
    );
    for (row, (village, name)) in REPORT_2025[..3].iter().zip(A_PEOPLE) {
        let cells = split_csv(row);
        let line = notice
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} is not in the notice:\n{notice}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        // 序号, 村, 姓名, 总分, 考核结果, 星级
        let stars = format!("{}星", cells[11]);
        assert_eq!(
            words[1..],
            [
                village,
                name,
                cells[9].as_str(),
                cells[10].as_str(),
                stars.as_str()
            ],
            "{line}"
        );
    }
    assert_nothing_of(B, &notice, "the notice of 下团堡乡");

    // One letter per village of the township, none for the other township.
    for (t, people, other) in [(A, A_PEOPLE, B), (B, B_PEOPLE, A)] {
        let letters =
            admin
                .on("2026-01-12")
                .ok(&["notice", "--year", "2025", "--township", t, "--letters"]);
        let pages: Vec<&str> = letters.split('\u{c}').collect();
        assert_eq!(pages.len(), people.len(), "{letters}");
        for (page, (village, name)) in pages.iter().zip(people) {
            assert!(
                page.contains(&format!("致{village}全体党员群众的一封信")),
                "{page}"
            );
            assert!(page.contains(&format!("党组织书记{name}同志")), "{page}");
            // A paragraph wraps at the page's width: read as one line.
            let read: String = page.lines().collect();
            assert!(read.contains("2026年1月12日至2026年1月16日"), "{page}");
        }
        assert_nothing_of(other, &letters, "the letters");
    }

    // An objection during the publicity holds the approval back, for every township.
    let out = admin.on("2026-01-14").ok(&[
        "year",
        "object",
        "--year",
        "2025",
        "--secretary",
        "郭秀兰",
        "--reason",
        "群众反映评议票数有误",
    ]);
    assert!(out.contains("已登记对 郭秀兰 的异议"), "{out}");
    let status = admin.ok(&["year", "status", "--year", "2025", "--township", B]);
    assert!(status.contains("未处理异议 1"), "{status}");
    let stderr = admin
        .on(APPROVED_ON)
        .refused(&["year", "approve", "--year", "2025"]);
    assert!(
        stderr.contains(&format!("{B}:还有 1 条异议未处理")),
        "{stderr}"
    );
    assert!(stderr.contains("没有任何改动"), "{stderr}");
    let out = admin.on("2026-01-19").ok(&[
        "year",
        "resolve",
        "--year",
        "2025",
        "--secretary",
        "郭秀兰",
        "--reason",
        "经核实,票数无误",
    ]);
    assert!(out.contains("已处理 郭秀兰 的 1 条异议"), "{out}");

    // Publicity over, objection settled: approved.
    let out = admin
        .on(APPROVED_ON)
        .ok(&["year", "approve", "--year", "2025"]);
    assert!(
        out.contains(&format!("{A}:已审定")) && out.contains(&format!("{B}:已审定")),
        "{out}"
    );
    let status = admin.ok(&["year", "status", "--year", "2025"]);
    let lines: Vec<&str> = status.lines().collect();
    assert_eq!(lines.len(), 2, "{status}");
    for l in &lines {
        assert!(
            l.contains("已审定") && l.contains("审定 2026-01-20") && !l.contains("异议"),
            "{l}"
        );
    }
    assert_eq!(csv_lines(admin, "2025"), expected(&REPORT_2025));

    // Rectifications: exactly the low secretaries, deadline approval + 90 days.
    let from_report: BTreeSet<(String, String)> = REPORT_2025
        .iter()
        .map(|r| split_csv(r))
        .filter(|c| c[15] == "诫勉整改" || c[15] == "建议调整")
        .map(|c| (c[3].clone(), c[15].clone()))
        .collect();
    let by_hand: BTreeSet<(String, String)> = LOW_2025
        .iter()
        .map(|(n, c)| (n.to_string(), c.to_string()))
        .collect();
    assert_eq!(from_report, by_hand);
    let listed = rectifications(&admin.on(APPROVED_ON).ok(&["rectify", "list"]));
    assert_eq!(
        listed
            .iter()
            .map(|(n, c, ..)| (n.clone(), c.clone()))
            .collect::<BTreeSet<_>>(),
        by_hand
    );
    assert_eq!(listed.len(), 3);
    for (name, _, deadline, status) in &listed {
        assert_eq!(
            (deadline.as_str(), status.as_str()),
            (DEADLINE, "进行中"),
            "{name}"
        );
    }

    // Overdue: nothing up to the deadline, all three the day after.
    let out = admin.on(DEADLINE).ok(&["rectify", "list", "--overdue"]);
    assert_eq!(out.trim(), "没有逾期的整改");
    let overdue = rectifications(&admin.on("2026-04-21").ok(&["rectify", "list", "--overdue"]));
    assert_eq!(overdue.len(), 3);
    assert!(overdue.iter().all(|(.., s)| s == "逾期"), "{overdue:?}");

    // Done: it leaves the overdue list.
    let out = admin.on("2026-04-25").ok(&[
        "rectify",
        "update",
        "--year",
        "2025",
        "--secretary",
        "郭秀兰",
        "--measures",
        "重新组织群众评议\n整改台账报乡党委",
        "--done",
    ]);
    assert!(out.contains("已更新 郭秀兰 的整改记录"), "{out}");
    let all = admin
        .on("2026-04-26")
        .ok(&["rectify", "list", "--year", "2025"]);
    let guo = all.lines().find(|l| l.contains("郭秀兰")).unwrap();
    assert!(guo.ends_with("已完成(2026-04-25)"), "{guo}");
    let overdue = rectifications(&admin.on("2026-04-26").ok(&["rectify", "list", "--overdue"]));
    assert_eq!(
        overdue.iter().map(|(n, ..)| n.as_str()).collect::<Vec<_>>(),
        ["陈淑芬", "马国庆"]
    );

    // The workbook: a summary sheet and one sheet per township, with the CSV's columns.
    let xlsx = f.path("结果2025.xlsx");
    let out = admin.ok(&[
        "report",
        "--year",
        "2025",
        "--format",
        "xlsx",
        "--out",
        path(&xlsx),
    ]);
    assert!(out.contains("已生成"), "{out}");
    let sheets = workbook(&xlsx);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["全区汇总", A, B]);
    let header: Vec<String> = REPORT_HEADER.split(',').map(str::to_string).collect();
    for (i, t) in [A, B].into_iter().enumerate() {
        let rows = &sheets[i + 1].1;
        let first: Vec<String> = rows[0].iter().map(cell_text).collect();
        assert_eq!(first[..17], header, "the first row of {t}");
        assert_eq!(first[17..].len(), 12, "then the twelve items: {first:?}");
        let want: Vec<Vec<String>> = REPORT_2025[i * 3..i * 3 + 3]
            .iter()
            .map(|r| split_csv(r))
            .collect();
        assert_eq!(rows.len(), 1 + want.len(), "{t}");
        for (got, want) in rows[1..].iter().zip(&want) {
            assert_same_row(got, want);
        }
    }
    let summary = &sheets[0].1;
    let row_of = |t: &str| {
        summary
            .iter()
            .find(|r| cell_text(&r[0]) == t)
            .unwrap_or_else(|| panic!("no summary row for {t}: {summary:?}"))
            .iter()
            .skip(1)
            .map(cell_text)
            .collect::<Vec<_>>()
    };
    // 人数, 5★ 4★ 3★ 2★ 1★ 0★, 未定星, 未完成, 优先选拔, 诫勉整改, 建议调整
    assert_eq!(
        row_of(A),
        ["3", "0", "0", "2", "0", "0", "1", "0", "0", "0", "1", "0"]
    );
    assert_eq!(
        row_of(B),
        ["3", "0", "0", "0", "1", "1", "1", "0", "0", "0", "1", "1"]
    );

    // The approved year is locked: an import is refused whole and changes nothing.
    let mut fix = scores(&[SCORES_2025[5]]);
    fix.set("高文斌", "组织评价", "好");
    let fix = f.write("高文斌更正.csv", fix.csv());
    let import = ["import", "scores", path(&fix), "--year", "2025"];
    let stderr = admin.refused(&import);
    assert!(
        stderr.contains(&format!(
            "{B} 2025 年度已审定,已锁定;只有区委组织部可以重新打开"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("第2行"), "{stderr}");
    assert_eq!(csv_lines(admin, "2025"), expected(&REPORT_2025));

    // Only the district reopens, and only with a reason.
    let stderr = clerk.refused(&[
        "year",
        "reopen",
        "--year",
        "2025",
        "--township",
        A,
        "--reason",
        "更正",
    ]);
    assert!(stderr.contains("只有区委组织部可以重新打开"), "{stderr}");
    let stderr = admin.refused(&["year", "reopen", "--year", "2025", "--township", B]);
    assert!(stderr.contains("需要说明理由"), "{stderr}");
    let out = admin.on("2026-05-06").ok(&[
        "year",
        "reopen",
        "--year",
        "2025",
        "--township",
        B,
        "--reason",
        "高文斌组织评价登记有误",
    ]);
    assert!(
        out.contains(&format!("{B}:录入(理由:高文斌组织评价登记有误)")),
        "{out}"
    );
    let status = admin.ok(&["year", "status", "--year", "2025"]);
    let line = |t: &str| {
        status
            .lines()
            .find(|l| l.starts_with(t))
            .unwrap()
            .to_string()
    };
    assert!(line(A).contains("已审定") && line(A).contains("审定 2026-01-20"));
    assert!(line(B).contains("录入"), "{status}");
    assert!(
        !line(B).contains("审定") && !line(B).contains("公示"),
        "a reopened township shows no approval or publicity that no longer holds: {status}"
    );

    // The import works again, for the reopened township only.
    // 高文斌 with 好: 0.6×75 + 0.2×100 + 0.2×84 = 45 + 20 + 16.8 = 81.80: 合格, 3★;
    //   2024 2★ → +1; pay 12000.
    let out = admin.on("2026-05-06").ok(&import);
    assert!(out.contains("2025 年度考核:1 名书记"), "{out}");
    let mut rows = REPORT_2025;
    rows[5] =
        "2025,张蔡庄乡,露明村,高文斌,75.00,100.00,84.00,0.00,0.00,81.80,合格,3,+1,1.00,12000,,";
    assert_eq!(csv_lines(admin, "2025"), expected(&rows));
    let other = f.write("刘建军.csv", scores(&[SCORES_2025[0]]).csv());
    let stderr = admin.refused(&["import", "scores", path(&other), "--year", "2025"]);
    assert!(
        stderr.contains(&format!("{A} 2025 年度已审定,已锁定")),
        "{stderr}"
    );

    // The year's audit log: every step, in order, with who took it.
    let log = audit(&admin.ok(&["audit", "--year", "2025"]));
    let year = "2025 年度";
    let steps = [
        find(&log, "clerk", &[year, A, "提交", "录入 -> 已提交"]),
        find(&log, "admin", &[year, B, "提交", "录入 -> 已提交"]),
        find(
            &log,
            "admin",
            &[year, A, "公示", "2026-01-12 至 2026-01-16"],
        ),
        find(
            &log,
            "admin",
            &[year, "郭秀兰 异议", "群众反映评议票数有误"],
        ),
        find(&log, "admin", &[year, "郭秀兰 异议处理", "经核实,票数无误"]),
        find(&log, "admin", &[year, A, "审定", "公示 -> 已审定"]),
        find(
            &log,
            "admin",
            &[year, "马国庆 整改", "建议调整,期限 2026-04-20"],
        ),
        find(&log, "admin", &[year, "郭秀兰 整改", "2026-04-25 完成"]),
        find(
            &log,
            "admin",
            &[year, B, "重新打开", "高文斌组织评价登记有误"],
        ),
        find(&log, "admin", &["导入 2025 年度考核", B, "1 名书记"]),
    ];
    assert!(steps.is_sorted(), "the steps in the order taken: {log:#?}");
    find(&log, "admin", &[year, B, "公示"]);
    find(&log, "admin", &[year, B, "审定", "公示 -> 已审定"]);
    // Refused steps left no line: one approval per township, one reopening.
    let count = |word: &str| log.iter().filter(|(_, w)| w.contains(word)).count();
    assert_eq!(count("审定:"), 2, "{log:#?}");
    assert_eq!(count("重新打开"), 1, "{log:#?}");
    assert!(
        log.iter().all(|(_, w)| w.contains("2025")),
        "only 2025 in the year's log: {log:#?}"
    );

    // One secretary's entries, and only theirs.
    let guo = audit(&admin.ok(&["audit", "--secretary", "郭秀兰"]));
    assert_eq!(
        guo.len(),
        5,
        "objection, resolution, rectification, its measures, its completion: {guo:#?}"
    );
    for (_, w) in &guo {
        assert!(w.contains("郭秀兰"), "{w}");
        assert!(!w.contains('|'), "sentences, not internal formats: {w}");
        for (_, other) in A_PEOPLE.iter().chain(&B_PEOPLE) {
            assert!(*other == "郭秀兰" || !w.contains(other), "{w}");
        }
    }
}

// ---------------------------------------------------------------------------------
// 2. Roles: a township clerk, a viewer, a stranger (§7, §14)
// ---------------------------------------------------------------------------------

#[test]
// One scenario, read top to bottom: each step starts from the state the one before
// left, so it stays one function rather than helpers that hide the order.
#[allow(clippy::too_many_lines)]
fn a_township_clerk_reads_and_changes_only_their_own_township() {
    let f = district();
    let admin = user(&f, "admin");
    admin.ok(&[
        "user",
        "add",
        "clerk",
        "--role",
        "township",
        "--township",
        A,
    ]);
    admin.ok(&["user", "add", "viewer", "--role", "viewer"]);
    let clerk = user(&f, "clerk");

    // The district hands in 张蔡庄乡, so the log has B entries a clerk of A must not read.
    admin
        .on("2026-01-09")
        .ok(&["year", "submit", "--year", "2025", "--township", B]);

    // A scores file with a row of the other township is refused whole, naming the row.
    let mut mixed = scores(&[
        SCORES_2025[0],
        SCORES_2025[1],
        SCORES_2025[2],
        SCORES_2025[4],
    ]);
    mixed.set("杨志强", "组织评价", "较好");
    let mixed = f.write("混合.csv", mixed.csv());
    let stderr = clerk.refused(&["import", "scores", path(&mixed), "--year", "2025"]);
    assert!(stderr.contains("有 1 处错误,没有写入任何数据"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "第5行:用户 clerk 只能修改本乡镇的记录,不能修改{B}的记录"
        )),
        "{stderr}"
    );

    // Rows of their own township import.
    // 杨志强 with 较好: 0.6×80 + 0.2×85 + 0.2×90 = 48 + 17 + 18 = 83.00: 3★ (+1).
    let mut own = scores(&SCORES_2025[..3]);
    own.set("杨志强", "组织评价", "较好");
    let own = f.write("下团堡乡2025.csv", own.csv());
    let out = clerk.ok(&["import", "scores", path(&own), "--year", "2025"]);
    assert!(out.contains("2025 年度考核:3 名书记"), "{out}");
    let mut rows = REPORT_2025;
    rows[2] =
        "2025,下团堡乡,四圣店村,杨志强,80.00,85.00,90.00,0.00,0.00,83.00,合格,3,+1,1.00,12000,,";
    assert_eq!(csv_lines(admin, "2025"), expected(&rows));

    // Reports: only township A's rows, in every format.
    assert_eq!(csv_lines(clerk, "2025"), expected(&rows[..3]));
    assert_eq!(
        csv_lines(clerk, "2024"),
        expected(&[
            "2024,下团堡乡,下团堡村,刘建军,85.00,100.00,92.00,0.00,0.00,89.40,合格,3,新评,1.00,12000,,",
            "2024,下团堡乡,上团堡村,陈淑芬,80.00,85.00,90.00,0.00,0.00,83.00,合格,3,新评,1.00,12000,,",
            "2024,下团堡乡,四圣店村,杨志强,75.00,85.00,84.00,0.00,0.00,78.80,合格,2,新评,0.90,10800,,",
        ])
    );
    let report = clerk.ok(&["report", "--year", "2025", "--format", "text"]);
    for (_, name) in A_PEOPLE {
        assert!(report.contains(name), "{report}");
    }
    assert_nothing_of(B, &report, "the clerk's text report");
    let xlsx = f.path("clerk.xlsx");
    clerk.ok(&[
        "report",
        "--year",
        "2025",
        "--format",
        "xlsx",
        "--out",
        path(&xlsx),
    ]);
    let sheets = workbook(&xlsx);
    assert_eq!(
        sheets.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        [format!("{A}汇总").as_str(), A]
    );
    let header: Vec<String> = REPORT_HEADER.split(',').map(str::to_string).collect();
    assert_eq!(
        sheets[1].1[0]
            .iter()
            .take(17)
            .map(cell_text)
            .collect::<Vec<_>>(),
        header
    );
    assert_eq!(cell_text(&sheets[1].1[0][17]), "政治素质(6)");
    let all_cells: String = sheets
        .iter()
        .flat_map(|(_, rows)| rows.iter().flatten().map(cell_text))
        .collect::<Vec<_>>()
        .join("\n");
    assert_nothing_of(B, &all_cells, "the clerk's workbook");

    // Notices and letters: their own township only.
    let notice = clerk.ok(&["notice", "--year", "2025", "--township", A]);
    assert!(notice.contains("刘建军"), "{notice}");
    for letters in [false, true] {
        let mut args = vec!["notice", "--year", "2025", "--township", B];
        if letters {
            args.push("--letters");
        }
        let stderr = clerk.refused(&args);
        assert!(
            stderr.contains(&format!("用户 clerk 不能查看{B}的记录")),
            "{stderr}"
        );
    }

    // The audit log, the year status and the rectifications show nothing of B: the
    // clerk hands in, the district posts both townships (quotas are the district's, so
    // only now) and records an objection in B.
    clerk
        .on("2026-01-09")
        .ok(&["year", "submit", "--year", "2025", "--township", A]);
    admin.on("2026-01-11").ok(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--from",
        PUBLICITY_FROM,
    ]);
    admin.on("2026-01-13").ok(&[
        "year",
        "object",
        "--year",
        "2025",
        "--secretary",
        "马国庆",
        "--reason",
        "村民反映集体经济账目不清",
    ]);
    let log = clerk.ok(&["audit"]);
    assert!(log.contains(&format!("{A} 提交")), "{log}");
    assert!(
        log.contains("下团堡乡) "),
        "their own import is in the log: {log}"
    );
    assert_nothing_of(B, &log, "the clerk's audit log");
    for args in [
        &["audit", "--township", B][..],
        &["audit", "--secretary", "马国庆"],
        &["audit", "--year", "2025"],
    ] {
        let out = clerk.run(args);
        assert_nothing_of(B, &text(&out.stdout), "the clerk's audit log");
        assert_nothing_of(B, &text(&out.stderr), "the clerk's audit log");
    }
    let status = clerk.ok(&["year", "status", "--year", "2025"]);
    assert!(status.contains(A), "{status}");
    assert_nothing_of(B, &status, "the clerk's year status");
    // Settle the objection, approve: rectifications for both townships.
    admin.on("2026-01-19").ok(&[
        "year",
        "resolve",
        "--year",
        "2025",
        "--secretary",
        "马国庆",
        "--reason",
        "账目已公开,群众认可",
    ]);
    admin
        .on(APPROVED_ON)
        .ok(&["year", "approve", "--year", "2025"]);
    let listed = rectifications(&clerk.on(APPROVED_ON).ok(&["rectify", "list"]));
    assert_eq!(
        listed,
        [(
            "陈淑芬".to_string(),
            "诫勉整改".to_string(),
            DEADLINE.to_string(),
            "进行中".to_string()
        )]
    );
    assert_eq!(
        rectifications(&admin.on(APPROVED_ON).ok(&["rectify", "list"])).len(),
        3
    );
    clerk.on("2026-02-01").ok(&[
        "rectify",
        "update",
        "--year",
        "2025",
        "--secretary",
        "陈淑芬",
        "--measures",
        "向乡党委作出书面检查",
    ]);

    // Changes to the other township, and district-only steps, are refused.
    let copy = f.path("copy.redb");
    for (args, says) in [
        (
            &[
                "rectify",
                "update",
                "--year",
                "2025",
                "--secretary",
                "马国庆",
                "--measures",
                "x",
            ][..],
            // Another township's secretaries are not even found for a clerk.
            "没有名为「马国庆」的书记",
        ),
        (
            &[
                "year",
                "object",
                "--year",
                "2025",
                "--secretary",
                "郭秀兰",
                "--reason",
                "x",
            ],
            "没有名为「郭秀兰」的书记",
        ),
        (
            &["year", "submit", "--year", "2025", "--township", B],
            "不能修改张蔡庄乡的记录",
        ),
        (
            &["year", "approve", "--year", "2025", "--township", A],
            "审定由区委组织部进行",
        ),
        (
            &[
                "year",
                "reopen",
                "--year",
                "2025",
                "--township",
                A,
                "--reason",
                "更正",
            ],
            "只有区委组织部可以重新打开",
        ),
        (
            &["user", "add", "clerk2", "--role", "viewer"],
            "只有区管理员可以",
        ),
        (&["user", "remove", "viewer"], "只有区管理员可以"),
        (&["backup", "--to", path(&copy)], "只有区管理员可以"),
    ] {
        let stderr = clerk.refused(args);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let roster = f.write(
        "名册-乡镇.csv",
        Sheet::new(ROSTER_HEADER, &ROSTER[..3]).csv(),
    );
    let stderr = clerk.refused(&["import", "roster", path(&roster)]);
    assert!(stderr.contains("名册由区委组织部维护"), "{stderr}");
    assert!(!copy.exists());
}

#[test]
fn a_viewer_reads_everything_and_changes_nothing_and_a_stranger_is_told_whom_to_ask() {
    let f = district();
    let admin = user(&f, "admin");
    admin.ok(&["user", "add", "viewer", "--role", "viewer"]);
    admin
        .on("2026-01-09")
        .ok(&["year", "submit", "--year", "2025", "--township", B]);
    let viewer = user(&f, "viewer").on(APPROVED_ON);

    assert_eq!(csv_lines(viewer, "2025"), expected(&REPORT_2025));
    viewer.ok(&["notice", "--year", "2025", "--township", B]);
    viewer.ok(&["audit"]);

    let own = f.write("更正.csv", scores(&SCORES_2025[..1]).csv());
    let roster = f.write("名册.csv", Sheet::new(ROSTER_HEADER, &ROSTER).csv());
    let copy = f.path("copy.redb");
    for args in [
        &["import", "scores", path(&own), "--year", "2025"][..],
        &["import", "roster", path(&roster)],
        &["year", "submit", "--year", "2025", "--township", A],
        &["year", "publish", "--year", "2025", "--township", B],
        &["year", "approve", "--year", "2025"],
        &[
            "year",
            "reopen",
            "--year",
            "2025",
            "--township",
            B,
            "--reason",
            "x",
        ],
        &[
            "year",
            "object",
            "--year",
            "2025",
            "--secretary",
            "刘建军",
            "--reason",
            "x",
        ],
        &[
            "year",
            "resolve",
            "--year",
            "2025",
            "--secretary",
            "刘建军",
            "--reason",
            "x",
        ],
        &[
            "rectify",
            "update",
            "--year",
            "2025",
            "--secretary",
            "刘建军",
            "--done",
        ],
        &["user", "add", "someone", "--role", "district"],
        &["user", "remove", "admin"],
        &["backup", "--to", path(&copy)],
    ] {
        let stderr = viewer.refused(args);
        assert!(
            ["只有查看权限", "只有区管理员", "区委组织部"]
                .iter()
                .any(|s| stderr.contains(s)),
            "{args:?}: {stderr}"
        );
    }
    assert!(!copy.exists());

    // Someone never added: refused, and told whom to ask.
    let stranger = user(&f, "stranger");
    for args in [
        &["report", "--year", "2025"][..],
        &["year", "status", "--year", "2025"],
        &["audit"],
        &["import", "scores", path(&own), "--year", "2025"],
    ] {
        let stderr = stranger.refused(args);
        assert!(
            stderr.contains("用户 stranger 没有使用 xingji 的权限")
                && stderr.contains("请区管理员运行 xingji user add stranger"),
            "{args:?}: {stderr}"
        );
    }
}

// ---------------------------------------------------------------------------------
// 3. The screen: the TUI saves through the same role check
// ---------------------------------------------------------------------------------

fn press(app: &mut App, keys: &[KeyCode]) {
    for &k in keys {
        if let Some(a) = app.action(KeyEvent::new(k, KeyModifiers::NONE)) {
            app.update(a);
        }
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, &[KeyCode::Char(c)]);
    }
}

/// Open a secretary's screen through the search box.
fn open(app: &mut App, name: &str) {
    press(app, &[KeyCode::Char('/')]);
    type_text(app, name);
    press(app, &[KeyCode::Enter]);
    assert_eq!(
        app.screen,
        ScreenId::Secretary,
        "search {name} opens a screen"
    );
}

const PLAIN: Theme = Theme {
    color: false,
    wide_ambiguous: false,
};

#[test]
fn on_the_screen_a_clerk_cannot_save_another_townships_field() {
    let f = district();
    let admin = user(&f, "admin");
    admin.ok(&[
        "user",
        "add",
        "clerk",
        "--role",
        "township",
        "--township",
        A,
    ]);
    let store = f.store();
    let district = store.district().unwrap();
    let ma = district.find_secretary(B, "寇庄村", "马国庆").unwrap();
    let liu = district.find_secretary(A, "下团堡村", "刘建军").unwrap();
    let before = (store.assessments(2025).unwrap(), store.audit_log().unwrap());
    drop(store);
    let mut app = App::new(f.service("clerk"), 2025, PLAIN).unwrap();

    // Their own township's field saves at once.
    open(&mut app, "刘建军");
    assert_eq!(app.secretary.entry.secretary, liu);
    type_text(&mut app, "4");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.secretary.entry.error, None);
    assert_eq!(app.secretary.entry.field, 1, "saved, on to the next field");

    // Whatever the screens let the clerk reach, a form of 张蔡庄乡's 马国庆 does not
    // save: the form is pointed at 马国庆 as any path to it would.
    app.secretary.entry.secretary = ma;
    type_text(&mut app, "1");
    press(&mut app, &[KeyCode::Enter]);
    // Refused in red; no retry would save it, so what is stored shows again.
    let status = app.ctx.status.clone().unwrap();
    assert!(
        status.error
            && status.text.contains(&format!(
                "用户 clerk 只能修改本乡镇的记录,不能修改{B}的记录"
            )),
        "refused in red: {status:?}"
    );
    assert!(app.secretary.entry.edit.is_none());
    assert_eq!(
        app.secretary.entry.field, 1,
        "the cursor stays on the refused field"
    );
    drop(app);
    // Written: 刘建军's one field and its audit line. Of 马国庆, nothing.
    let store = f.store();
    let (assessments, audit) = (store.assessments(2025).unwrap(), store.audit_log().unwrap());
    drop(store);
    let item = |list: &[(u32, xingji::domain::Assessment)], id: u32, name: &str| {
        list.iter()
            .find(|(s, _)| *s == id)
            .unwrap()
            .1
            .items
            .get(name)
            .unwrap()
            .to_string()
    };
    assert_eq!(item(&assessments, liu, "政治素质"), "4");
    assert_eq!(
        item(&assessments, ma, "履职尽责"),
        "4",
        "马国庆 as imported"
    );
    let others = |list: &[(u32, xingji::domain::Assessment)]| {
        list.iter()
            .filter(|(s, _)| *s != liu)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        others(&assessments),
        others(&before.0),
        "nothing else written"
    );
    assert_eq!(audit.len(), before.1.len() + 1, "one audit line: {audit:?}");
    assert!(audit.last().unwrap().what.contains("刘建军"));

    // The district changes 马国庆 on its screen: the clerk's audit log does not show it.
    let mut app = App::new(f.service("admin"), 2025, PLAIN).unwrap();
    open(&mut app, "马国庆");
    type_text(&mut app, "3");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.secretary.entry.error, None);
    drop(app);
    let log = user(&f, "clerk").ok(&["audit"]);
    assert!(log.contains("刘建军"), "the clerk's own change: {log}");
    assert_nothing_of(B, &log, "the clerk's audit log");
    let log = admin.ok(&["audit"]);
    assert!(log.contains("马国庆") && log.contains("刘建军"), "{log}");
}

#[test]

fn a_clerks_screens_do_not_show_another_township() {
    let f = district();
    user(&f, "admin").ok(&[
        "user",
        "add",
        "clerk",
        "--role",
        "township",
        "--township",
        A,
    ]);
    let district = f.store().district().unwrap();
    let theirs: Vec<u32> = B_PEOPLE
        .iter()
        .map(|(v, n)| district.find_secretary(B, v, n).unwrap())
        .collect();
    let mut app = App::new(f.service("clerk"), 2025, PLAIN).unwrap();
    press(&mut app, &[KeyCode::Char('l')]);
    assert!(
        app.list.paged.rows.total > 0
            && app
                .list
                .paged
                .rows
                .rows
                .iter()
                .all(|r| !theirs.contains(&r.secretary)),
        "the list shows 张蔡庄乡's secretaries to a clerk of 下团堡乡"
    );
    press(&mut app, &[KeyCode::Char('/')]);
    type_text(&mut app, "马国庆");
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        app.screen != ScreenId::Secretary || !theirs.contains(&app.secretary.entry.secretary),
        "the search opens 张蔡庄乡's 马国庆 for a clerk of 下团堡乡"
    );
}

#[test]
fn the_last_district_admin_cannot_be_demoted_or_removed() {
    let f = district();
    let admin = user(&f, "admin");
    let stderr = admin.refused(&["user", "add", "admin", "--role", "viewer"]);
    assert!(stderr.contains("至少要留一位区管理员"), "{stderr}");
    // With a second admin, the first may step down; then the second is the last.
    admin.ok(&["user", "add", "second", "--role", "district"]);
    admin.ok(&["user", "add", "admin", "--role", "viewer"]);
    let second = user(&f, "second");
    let stderr = second.refused(&[
        "user",
        "add",
        "second",
        "--role",
        "township",
        "--township",
        A,
    ]);
    assert!(stderr.contains("至少要留一位区管理员"), "{stderr}");
    let users = second.ok(&["user", "list"]);
    assert!(
        users.contains("second") && users.contains("区管理员"),
        "{users}"
    );
}

// ---------------------------------------------------------------------------------
// Frozen figures: what was published stands until a correcting publicity
// ---------------------------------------------------------------------------------

/// Quotas large enough to bite with N = 6: floor(6 × 20 %) = 1 five-star place,
/// floor(6 × 40 %) = 2 places for 4★ and 5★ together.
fn roomy_scheme() -> String {
    let scheme = xingji::scoring::DEFAULT_SCHEME
        .replace("five_pct = 5", "five_pct = 20")
        .replace("four_and_five_pct = 15", "four_and_five_pct = 40");
    assert_ne!(scheme, xingji::scoring::DEFAULT_SCHEME);
    scheme
}

/// The report's lines of one township.
fn lines_of(who: User, township: &str) -> Vec<String> {
    csv_lines(who, "2025")
        .into_iter()
        .filter(|l| l.split(',').nth(1) == Some(township))
        .collect()
}

/// A district with roomy quotas, 2025 entered, published and approved; B's report lines.
fn approved_with_roomy_quotas(f: &Fixture) -> Vec<String> {
    let admin = user(f, "admin");
    let scheme = f.write("方案.toml", roomy_scheme());
    admin.ok(&["init", "--scheme", path(&scheme)]);
    let roster = f.write("名册.csv", Sheet::new(ROSTER_HEADER, &ROSTER).csv());
    admin.ok(&["import", "roster", path(&roster)]);
    // 高文斌: Q 90 (6+6+6+14+9+7+6+7+5+6+9+9), 好, 16/4/0 → 54 + 20 + 18.4 = 92.40:
    // 优秀, 4★, the only one ≥ 90: within the 2 places.
    let mut rows = SCORES_2025;
    rows[5] = "张蔡庄乡,露明村,高文斌,6,6,6,14,9,7,6,7,5,6,9,9,好,16,4,0,,,,,";
    admin.ok(&[
        "import",
        "scores",
        path(&f.write("考核.csv", scores(&rows).csv())),
        "--year",
        "2025",
    ]);
    let (publicity, approval) = (admin.on(PUBLICITY_FROM), admin.on(APPROVED_ON));
    publicity.ok(&["year", "submit", "--year", "2025"]);
    publicity.ok(&["year", "publish", "--year", "2025"]);
    approval.ok(&["year", "approve", "--year", "2025"]);
    let b_approved = lines_of(approval, B);
    assert!(
        b_approved[2].contains("高文斌,90.00,100.00,92.00,0.00,0.00,92.40,优秀,4,"),
        "{b_approved:?}"
    );
    b_approved
}

#[test]
// One scenario, read top to bottom: each step starts from the state the one before left.
#[allow(clippy::too_many_lines)]
fn after_approval_a_reopened_township_moves_no_other_township_until_a_correction() {
    let f = Fixture::new();
    let admin = user(&f, "admin");
    let b_approved = approved_with_roomy_quotas(&f);

    // The district reopens A and raises two of its secretaries above 高文斌:
    //   刘建军 Q 92 → 55.2 + 20 + 18.4 = 93.60; 杨志强 Q 91 → 54.6 + 20 + 18.4 = 93.00.
    // Three at 4★ for two places: 高文斌, the lowest, would fall to 3★.
    let later = admin.on("2026-02-02");
    later.ok(&[
        "year",
        "reopen",
        "--year",
        "2025",
        "--township",
        A,
        "--reason",
        "刘建军、杨志强得分录入有误",
    ]);
    let fixed = [
        "下团堡乡,下团堡村,刘建军,6,7,6,14,9,7,6,7,5,6,9,10,好,16,4,0,,,,,",
        "下团堡乡,四圣店村,杨志强,6,7,6,14,9,7,6,7,5,6,9,9,好,16,4,0,,,,,",
    ];
    later.ok(&[
        "import",
        "scores",
        path(&f.write("更正.csv", scores(&fixed).csv())),
        "--year",
        "2025",
    ]);
    assert!(
        lines_of(later, A)[0].contains(",93.60,优秀,4,"),
        "A shows its new figures"
    );
    assert_eq!(lines_of(later, B), b_approved, "B's approved figures stand");

    // Publishing A again moves B's figures: the district sees them first.
    later.ok(&["year", "submit", "--year", "2025", "--township", A]);
    let told = later.refused(&["year", "publish", "--year", "2025", "--township", A]);
    assert!(
        told.contains("高文斌")
            && told.contains("4星")
            && told.contains("3星")
            && told.contains("--confirm"),
        "{told}"
    );
    later.ok(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--township",
        A,
        "--confirm",
    ]);
    assert_eq!(lines_of(later, B), b_approved, "B is marked, not changed");
    let status = later.ok(&["year", "status", "--year", "2025"]);
    assert!(
        status
            .lines()
            .any(|l| l.contains(B) && l.contains("须更正")),
        "{status}"
    );
    // The report says it as the progress does.
    let township_line = |report: &str| {
        let head = format!("【{B}】");
        report
            .lines()
            .find(|l| l.contains(&head))
            .unwrap_or_default()
            .to_string()
    };
    let report = later.ok(&["report", "--year", "2025"]);
    assert!(township_line(&report).ends_with("· 须更正"), "{report}");
    let log = later.ok(&["audit", "--secretary", "高文斌"]);
    assert!(
        log.contains("结果变动(须更正公示)") && log.contains("4星") && log.contains("-> 3星"),
        "{log}"
    );
    // B cannot be approved again before a correcting publicity.
    later.refused(&["year", "approve", "--year", "2025", "--township", B]);
    // Nor can its notice be printed before the correcting publicity starts.
    let told = later.refused(&["notice", "--year", "2025", "--township", B]);
    assert!(told.contains("须更正公示"), "{told}");

    // The correcting publicity: the notice says what changes, old and new.
    let again = admin.on("2026-02-03");
    again.ok(&["year", "publish", "--year", "2025", "--township", B]);
    let notice = again.ok(&["notice", "--year", "2025", "--township", B]);
    assert!(notice.contains("更正公示"), "{notice}");
    let report = again.ok(&["report", "--year", "2025"]);
    assert!(township_line(&report).ends_with("· 更正公示"), "{report}");
    assert!(
        notice.contains("高文斌:原为92.40分、优秀、4星,更正为92.40分、优秀、3星"),
        "{notice}"
    );
    // Longer dates for the correcting publicity keep what it corrects.
    again.ok(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--township",
        B,
        "--days",
        "10",
    ]);
    let notice = again.ok(&["notice", "--year", "2025", "--township", B]);
    assert!(notice.contains("高文斌:原为92.40分、优秀、4星"), "{notice}");
    let b_now = lines_of(again, B);
    assert!(b_now[2].contains(",92.40,优秀,3,"), "{b_now:?}");
    assert_eq!(b_now[..2], b_approved[..2], "the others of B did not move");
    // And a new approval after it.
    admin
        .on("2026-02-20")
        .ok(&["year", "approve", "--year", "2025"]);
    let status = admin
        .on("2026-02-20")
        .ok(&["year", "status", "--year", "2025"]);
    assert_eq!(
        status.lines().filter(|l| l.contains("已审定")).count(),
        2,
        "{status}"
    );
    // Every frozen figure is what its stored assessment gives.
    assert!(admin.ok(&["check"]).contains("未发现问题"));
}

#[test]
fn a_publicity_that_began_before_today_needs_a_reason_on_record() {
    let f = district();
    let admin = user(&f, "admin").on(APPROVED_ON);
    admin.ok(&["year", "submit", "--year", "2025"]);
    let told = admin.refused(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--from",
        PUBLICITY_FROM,
    ]);
    assert!(
        told.contains("早于今天") && told.contains("--reason"),
        "{told}"
    );
    let said = admin.ok(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--from",
        PUBLICITY_FROM,
        "--reason",
        "纸质公示已于1月12日张贴",
    ]);
    assert!(said.contains("补记理由:纸质公示已于1月12日张贴"), "{said}");
    let log = admin.ok(&["audit", "--year", "2025"]);
    assert!(log.contains("纸质公示已于1月12日张贴"), "{log}");
    // Today's publicity needs none.
    let f = district();
    let admin = user(&f, "admin").on(PUBLICITY_FROM);
    admin.ok(&["year", "submit", "--year", "2025"]);
    admin.ok(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--from",
        PUBLICITY_FROM,
    ]);
}

// ---------------------------------------------------------------------------------
// Each township's own indicators
// ---------------------------------------------------------------------------------

#[test]
fn a_township_scores_on_its_own_items_and_its_quantitative_score_is_their_sum() {
    let f = district();
    let admin = user(&f, "admin").on("2027-01-05");
    let items = f.write(
        "张蔡庄乡项目.csv",
        "序号,项目,满分\n1,政治素质,30\n2,集体经济,40\n3,为民服务,30\n",
    );
    // Only the district sets them, and only items that sum to 100.
    admin.ok(&[
        "user",
        "add",
        "zhangcai",
        "--role",
        "township",
        "--township",
        B,
    ]);
    let told = user(&f, "zhangcai").refused(&[
        "scheme",
        "set",
        "--year",
        "2026",
        "--township",
        B,
        path(&items),
    ]);
    assert!(told.contains("只有区委组织部可以"), "{told}");
    let wrong = f.write(
        "错.csv",
        "项目,满分\n政治素质,30\n集体经济,40\n为民服务,20\n",
    );
    let told = admin.refused(&[
        "scheme",
        "set",
        "--year",
        "2026",
        "--township",
        B,
        path(&wrong),
    ]);
    assert!(told.contains("满分之和为 90,应为 100"), "{told}");
    let said = admin.ok(&[
        "scheme",
        "set",
        "--year",
        "2026",
        "--township",
        B,
        path(&items),
    ]);
    assert!(
        said.contains("政治素质 30;集体经济 40;为民服务 30"),
        "{said}"
    );
    let shown = admin.ok(&["scheme", "show", "--year", "2026", "--township", B]);
    assert!(
        shown.contains("本乡镇自定") && shown.contains("集体经济,40"),
        "{shown}"
    );
    let shown = admin.ok(&["scheme", "show", "--year", "2026", "--township", A]);
    assert!(
        shown.contains("全区统一") && shown.contains("廉洁自律,7"),
        "{shown}"
    );

    // B's file has just its three item columns. 马国庆: Q = 25 + 35 + 28 = 88; 好 100;
    // 16/4/0 → M = 92: 52.8 + 20 + 18.4 = 91.20.
    let b_file = f.write(
        "张蔡庄乡2026.csv",
        "乡镇,村(社区),姓名,政治素质,集体经济,为民服务,组织评价,满意,基本满意,不满意\n\
         张蔡庄乡,寇庄村,马国庆,25,35,28,好,16,4,0\n\
         张蔡庄乡,膏腴村,郭秀兰,20,30,20,较好,15,5,0\n\
         张蔡庄乡,露明村,高文斌,30,40,30,好,20,0,0\n",
    );
    admin.ok(&["import", "scores", path(&b_file), "--year", "2026"]);
    let lines = csv_lines(admin, "2026");
    let ma = lines.iter().find(|l| l.contains("马国庆")).unwrap();
    assert!(
        ma.starts_with("2026,张蔡庄乡,寇庄村,马国庆,88.00,100.00,92.00,0.00,0.00,91.20,"),
        "{ma}"
    );
    let gao = lines.iter().find(|l| l.contains("高文斌")).unwrap();
    assert!(gao.contains(",高文斌,100.00,"), "{gao}");

    // Once B has submitted, its items no longer change.
    admin.ok(&["year", "submit", "--year", "2026", "--township", B]);
    let told = admin.refused(&[
        "scheme",
        "set",
        "--year",
        "2026",
        "--township",
        B,
        path(&items),
    ]);
    assert!(told.contains("已提交"), "{told}");
}

/// B's own three items for 2026, set by the district; the items file.
fn b_with_own_items(f: &Fixture) -> std::path::PathBuf {
    let items = f.write(
        "项目.csv",
        "项目,满分\n政治素质,30\n集体经济,40\n为民服务,30\n",
    );
    user(f, "admin").ok(&[
        "scheme",
        "set",
        "--year",
        "2026",
        "--township",
        B,
        path(&items),
    ]);
    items
}

#[test]
fn one_year_imports_each_township_on_its_own_items() {
    let f = district();
    let admin = user(&f, "admin").on("2027-01-05");
    b_with_own_items(&f);
    // A still scores on the district's twelve items, in the same year; a value in a
    // column B does not have is refused on B's row.
    let a_file = f.write("下团堡乡2026.csv", scores(&SCORES_2025[..3]).csv());
    admin.ok(&["import", "scores", path(&a_file), "--year", "2026"]);
    let lines = csv_lines(admin, "2026");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("2026,下团堡乡,下团堡村,刘建军,85.00,")),
        "{lines:?}"
    );
    let mixed = f.write(
        "混.csv",
        "乡镇,村(社区),姓名,政治素质,集体经济,为民服务,履职尽责,组织评价,满意,基本满意,不满意\n\
         张蔡庄乡,寇庄村,马国庆,25,35,28,5,好,16,4,0\n",
    );
    let told = admin.refused(&["import", "scores", path(&mixed), "--year", "2026"]);
    assert!(told.contains("「履职尽责」:不是本乡镇的考核项目"), "{told}");
    // A file for B without one of its columns names it.
    let short = f.write(
        "缺.csv",
        "乡镇,村(社区),姓名,政治素质,集体经济,组织评价,满意,基本满意,不满意\n\
         张蔡庄乡,寇庄村,马国庆,25,35,好,16,4,0\n",
    );
    let told = admin.refused(&["import", "scores", path(&short), "--year", "2026"]);
    assert!(
        told.contains("「为民服务」:缺少此列(张蔡庄乡的考核项目)"),
        "{told}"
    );

    // B's sheet of the workbook has B's three item columns, A's the twelve.
    let b_file = f.write(
        "张蔡庄乡.csv",
        "乡镇,村(社区),姓名,政治素质,集体经济,为民服务,组织评价,满意,基本满意,不满意\n\
         张蔡庄乡,寇庄村,马国庆,25,35,28,好,16,4,0\n",
    );
    admin.ok(&["import", "scores", path(&b_file), "--year", "2026"]);
    let xlsx = f.path("2026.xlsx");
    admin.ok(&[
        "report",
        "--year",
        "2026",
        "--format",
        "xlsx",
        "--out",
        path(&xlsx),
    ]);
    let sheets = workbook(&xlsx);
    let heads = |t: &str| -> Vec<String> {
        let (_, rows) = sheets.iter().find(|(n, _)| n == t).unwrap();
        rows[0][17..].iter().map(cell_text).collect()
    };
    assert_eq!(heads(B), ["政治素质(30)", "集体经济(40)", "为民服务(30)"]);
    assert_eq!(heads(A).len(), 12);
    // The screens follow B's items: its form has three item fields.
    let book = f.service("admin").book(2026).unwrap();
    let b = book.district.township_id(B).unwrap();
    assert_eq!(book.scheme_of(b).items().count(), 3);
}

#[test]
// One scenario, read top to bottom (rustfmt spreads each command over many lines).
#[allow(clippy::too_many_lines)]
fn a_rectification_that_loses_its_basis_is_withdrawn_and_a_completion_can_be_undone() {
    let f = district();
    let admin = user(&f, "admin");
    admin
        .on(PUBLICITY_FROM)
        .ok(&["year", "submit", "--year", "2025"]);
    admin
        .on(PUBLICITY_FROM)
        .ok(&["year", "publish", "--year", "2025"]);
    admin
        .on(APPROVED_ON)
        .ok(&["year", "approve", "--year", "2025"]);

    // 郭秀兰's ballots were entered wrong: B is reopened and she becomes 2★ (not low):
    //   39 + 14 + 0.2 × (16×100 + 4×60)/20 = 39 + 14 + 18.4 = 71.40: 合格, 2★.
    let later = admin.on("2026-02-02");
    later.ok(&[
        "year",
        "reopen",
        "--year",
        "2025",
        "--township",
        B,
        "--reason",
        "郭秀兰评议票数录入有误",
    ]);
    let fixed = f.write(
        "郭秀兰.csv",
        scores(&["张蔡庄乡,膏腴村,郭秀兰,4,5,5,10,6,5,5,5,3,5,6,6,一般,16,4,0,,,,,"]).csv(),
    );
    later.ok(&["import", "scores", path(&fixed), "--year", "2025"]);
    later.ok(&["year", "submit", "--year", "2025", "--township", B]);
    later.ok(&["year", "publish", "--year", "2025", "--township", B]);
    let approved = admin.on("2026-02-10");
    approved.ok(&["year", "approve", "--year", "2025", "--township", B]);
    let list = approved.ok(&["rectify", "list", "--year", "2025"]);
    let guo = list.lines().find(|l| l.contains("郭秀兰")).unwrap();
    assert!(
        guo.contains("撤销") && guo.contains("不再须诫勉整改"),
        "kept, marked: {list}"
    );
    let log = approved.ok(&["audit", "--secretary", "郭秀兰"]);
    assert!(log.contains("整改撤销"), "{log}");
    // A withdrawn rectification takes no more updates.
    approved.refused(&[
        "rectify",
        "update",
        "--year",
        "2025",
        "--secretary",
        "郭秀兰",
        "--measures",
        "x",
    ]);

    // 马国庆's completion, entered by mistake, is undone by the district with a reason.
    approved.ok(&[
        "rectify",
        "update",
        "--year",
        "2025",
        "--secretary",
        "马国庆",
        "--measures",
        "调整工作分工",
        "--done",
    ]);
    admin.ok(&[
        "user",
        "add",
        "clerk",
        "--role",
        "township",
        "--township",
        B,
    ]);
    let clerk = user(&f, "clerk").on("2026-02-10");
    let told = clerk.refused(&[
        "rectify",
        "update",
        "--year",
        "2025",
        "--secretary",
        "马国庆",
        "--undo",
        "--reason",
        "误点",
    ]);
    assert!(told.contains("只有区委组织部可以"), "{told}");
    let told = approved.refused(&[
        "rectify",
        "update",
        "--year",
        "2025",
        "--secretary",
        "马国庆",
        "--undo",
    ]);
    assert!(told.contains("理由"), "{told}");
    approved.ok(&[
        "rectify",
        "update",
        "--year",
        "2025",
        "--secretary",
        "马国庆",
        "--undo",
        "--reason",
        "误标为已完成",
    ]);
    let list = approved.ok(&["rectify", "list", "--year", "2025"]);
    let ma = list.lines().find(|l| l.contains("马国庆")).unwrap();
    assert!(ma.contains("进行中"), "{ma}");
    let log = approved.ok(&["audit", "--secretary", "马国庆"]);
    assert!(log.contains("撤回完成(理由:误标为已完成)"), "{log}");
}

#[test]
fn the_district_corrects_the_dates_of_a_running_publicity() {
    let f = district();
    let admin = user(&f, "admin").on(PUBLICITY_FROM);
    admin.ok(&["year", "submit", "--year", "2025"]);
    admin.ok(&["year", "publish", "--year", "2025"]);
    // Longer: 2026-01-12 for 10 days, to 2026-01-21.
    let said = admin.ok(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--township",
        A,
        "--days",
        "10",
    ]);
    assert!(
        said.contains("更正为 2026-01-12 至 2026-01-21(10 天)"),
        "{said}"
    );
    let status = admin.ok(&["year", "status", "--year", "2025"]);
    assert!(
        status
            .lines()
            .any(|l| l.contains(A) && l.contains("2026-01-21")),
        "{status}"
    );
    // Approval waits for the corrected end.
    admin
        .on(APPROVED_ON)
        .refused(&["year", "approve", "--year", "2025", "--township", A]);
    admin
        .on("2026-01-22")
        .ok(&["year", "approve", "--year", "2025", "--township", A]);
    // A clerk may not move the dates.
    admin.ok(&["user", "add", "admin", "--role", "district"]);
    admin.ok(&[
        "user",
        "add",
        "clerk",
        "--role",
        "township",
        "--township",
        B,
    ]);
    let told = user(&f, "clerk").on(PUBLICITY_FROM).refused(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--township",
        B,
        "--days",
        "9",
    ]);
    assert!(told.contains("只有区委组织部可以更正"), "{told}");
    let log = admin.ok(&["audit", "--year", "2025"]);
    assert!(
        log.contains("公示期由 2026-01-12 至 2026-01-16 更正为"),
        "{log}"
    );
}

#[test]
fn a_township_marked_for_correction_and_reopened_publishes_its_new_figures() {
    let f = Fixture::new();
    let admin = user(&f, "admin");
    let b_approved = approved_with_roomy_quotas(&f);
    let later = admin.on("2026-02-02");
    later.ok(&[
        "year",
        "reopen",
        "--year",
        "2025",
        "--township",
        A,
        "--reason",
        "更正",
    ]);
    let fixed = [
        "下团堡乡,下团堡村,刘建军,6,7,6,14,9,7,6,7,5,6,9,10,好,16,4,0,,,,,",
        "下团堡乡,四圣店村,杨志强,6,7,6,14,9,7,6,7,5,6,9,9,好,16,4,0,,,,,",
    ];
    later.ok(&[
        "import",
        "scores",
        path(&f.write("更正.csv", scores(&fixed).csv())),
        "--year",
        "2025",
    ]);
    later.ok(&["year", "submit", "--year", "2025", "--township", A]);
    later.ok(&[
        "year",
        "publish",
        "--year",
        "2025",
        "--township",
        A,
        "--confirm",
    ]);
    assert_eq!(
        lines_of(later, B),
        b_approved,
        "B is marked 须更正, its figures stand"
    );
    // The district reopens B as well and corrects 马国庆's grade (一般 → 好):
    //   35.4 + 20 + 11.6 = 67.00: 基本合格, 1★ (was 61.00, 0★).
    later.ok(&[
        "year",
        "reopen",
        "--year",
        "2025",
        "--township",
        B,
        "--reason",
        "马国庆组织评价有误",
    ]);
    let ma = ["张蔡庄乡,寇庄村,马国庆,4,4,4,9,6,4,4,5,3,4,6,6,好,8,6,6,,,,,"];
    later.ok(&[
        "import",
        "scores",
        path(&f.write("马国庆.csv", scores(&ma).csv())),
        "--year",
        "2025",
    ]);
    later.ok(&["year", "submit", "--year", "2025", "--township", B]);
    later.ok(&["year", "publish", "--year", "2025", "--township", B]);
    let b_now = lines_of(later, B);
    assert!(
        b_now[0].contains(",马国庆,59.00,100.00,58.00,0.00,0.00,67.00,基本合格,1,"),
        "{b_now:?}"
    );
    assert!(
        b_now[2].contains(",高文斌,") && b_now[2].contains(",优秀,3,"),
        "{b_now:?}"
    );
    let notice = later.ok(&["notice", "--year", "2025", "--township", B]);
    assert!(
        notice.contains("更正公示") && notice.contains("马国庆:原为61.00分"),
        "{notice}"
    );
    assert!(admin.ok(&["check"]).contains("未发现问题"));
}

#[test]
fn a_years_new_scheme_clears_the_district_items_it_changed_and_leaves_a_townships_own() {
    let f = district();
    let admin = user(&f, "admin").on("2027-01-05");
    b_with_own_items(&f);
    let a_file = f.write("下团堡乡2026.csv", scores(&SCORES_2025[..3]).csv());
    admin.ok(&["import", "scores", path(&a_file), "--year", "2026"]);
    let b_file = f.write(
        "张蔡庄乡.csv",
        "乡镇,村(社区),姓名,政治素质,集体经济,为民服务,组织评价,满意,基本满意,不满意\n\
         张蔡庄乡,寇庄村,马国庆,25,35,28,好,16,4,0\n",
    );
    admin.ok(&["import", "scores", path(&b_file), "--year", "2026"]);
    // The district's 政治素质 and 履职尽责 change their maxima (the sum stays 100).
    let shown = admin.ok(&["scheme", "show", "--year", "2026"]);
    let changed = shown
        .replace(
            "{ name = \"政治素质\", max = 6 }",
            "{ name = \"政治素质\", max = 7 }",
        )
        .replace(
            "{ name = \"履职尽责\", max = 7 }",
            "{ name = \"履职尽责\", max = 6 }",
        );
    assert_ne!(shown, changed, "{shown}");
    let said = admin.ok(&[
        "scheme",
        "set",
        "--year",
        "2026",
        path(&f.write("新方案.toml", &changed)),
    ]);
    // A's three secretaries scored both items; B scores on its own 政治素质.
    assert!(said.contains("已有 3 名书记"), "{said}");
    let log = admin.ok(&["audit", "--secretary", "刘建军", "--year", "2026"]);
    assert!(
        log.contains("「政治素质」(考核项目变更,清除):5 -> (空)"),
        "{log}"
    );
    assert!(
        log.contains("「履职尽责」(考核项目变更,清除):6 -> (空)"),
        "{log}"
    );
    assert!(!log.contains("「三务公开」(考核项目变更"), "{log}");
    let ma = admin.ok(&["audit", "--secretary", "马国庆", "--year", "2026"]);
    assert!(!ma.contains("考核项目变更"), "{ma}");
    let lines = csv_lines(admin, "2026");
    let line = |who: &str| lines.iter().find(|l| l.contains(who)).unwrap().clone();
    assert!(line("刘建军").contains("未完成"), "{lines:?}");
    assert!(!line("马国庆").contains("未完成"), "{lines:?}");
    // The same scheme set again clears nothing more.
    let again = admin.ok(&[
        "scheme",
        "set",
        "--year",
        "2026",
        path(&f.write("同一方案.toml", &changed)),
    ]);
    assert!(!again.contains("名书记"), "{again}");
}

#[test]
fn new_items_clear_the_scores_they_no_longer_count_and_reserved_names_are_refused() {
    let f = district();
    let admin = user(&f, "admin").on("2027-01-05");
    b_with_own_items(&f);
    let b_file = f.write(
        "张蔡庄乡.csv",
        "乡镇,村(社区),姓名,政治素质,集体经济,为民服务,组织评价,满意,基本满意,不满意\n\
         张蔡庄乡,寇庄村,马国庆,25,35,28,好,16,4,0\n",
    );
    admin.ok(&["import", "scores", path(&b_file), "--year", "2026"]);
    // 为民服务 is dropped and 政治素质's maximum changes: only 集体经济 40 still counts.
    let items = f.write(
        "新项目.csv",
        "项目,满分\n政治素质,20\n集体经济,40\n乡村治理,40\n",
    );
    let said = admin.ok(&[
        "scheme",
        "set",
        "--year",
        "2026",
        "--township",
        B,
        path(&items),
    ]);
    assert!(said.contains("1 名书记"), "{said}");
    let ma = csv_lines(admin, "2026")
        .into_iter()
        .find(|l| l.contains("马国庆"))
        .unwrap();
    assert!(
        ma.contains("未完成") && ma.contains("缺「政治素质」"),
        "{ma}"
    );
    let log = admin.ok(&["audit", "--secretary", "马国庆", "--year", "2026"]);
    assert!(
        log.contains("「为民服务」(考核项目变更,清除):28 -> (空)"),
        "{log}"
    );
    assert!(!log.contains("「集体经济」(考核项目变更"), "{log}");
    // Names of the file's fixed columns are not items.
    let clash = f.write("冲突.csv", "项目,满分\n组织评价,50\n集体经济,50\n");
    let told = admin.refused(&[
        "scheme",
        "set",
        "--year",
        "2026",
        "--township",
        B,
        path(&clash),
    ]);
    assert!(told.contains("固定列名"), "{told}");
    // And B goes back to the district's items.
    admin.ok(&["scheme", "reset", "--year", "2026", "--township", B]);
    let shown = admin.ok(&["scheme", "show", "--year", "2026", "--township", B]);
    assert!(shown.contains("全区统一"), "{shown}");
}
