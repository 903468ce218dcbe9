//! End-to-end tests of the command line (docs/files.md): the real binary, a fresh
//! database in a temporary directory, files written the way clerks write them.
//!
//! Every expected figure below is worked out by hand from docs/rules.md with the default
//! scheme (weights 60/20/20; 好 100, 较好 85, 一般 70, 差 50; ballots 100/60/0, at
//! least 10; bonus cap 5; results 90/70/60; stars 95/90/80/70/65; quotas 5 % and 15 %;
//! pay 12000 × 0.60/0.80/0.90/1.00/1.30/1.50, 未定星 1.00, 不合格 capped at 0.50).

// A test may unwrap: a failed unwrap stops it with its location. (clippy.toml's
// allow-unwrap-in-tests covers #[test] functions only, not the helpers around them.)
#![allow(clippy::unwrap_used)]

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use common::{BOM, Fixture, Sheet, assert_user_error, gbk, text, xingji};

// ---------------------------------------------------------------------------------
// The district of the tests: two townships, six villages.
//
// The roster lists 神头镇 before 利民镇 and 马邑村 before 司马泊村, the reverse of
// code-point order (利 U+5229 < 神 U+795E, 司 U+53F8 < 马 U+9A6C), and interleaves
// the townships, so the report's order can only come from the roster's.
// ---------------------------------------------------------------------------------

const ROSTER_HEADER: &str = "乡镇,村(社区),姓名,性别,出生日期,任职日期";
const ROSTER: [&str; 6] = [
    "神头镇,马邑村,张三,男,1970-05-01,2015-03-01",
    "利民镇,东榆林村,李四,女,,2018-06-01",
    // Took office on 2023-12-31: in post a whole year by the end of 2024, not of 2023.
    "神头镇,司马泊村,王五,男,1980-01-02,2023-12-31",
    // Took office on 2024-01-01: not a whole year by the end of 2024 → 未定星 in 2024.
    "利民镇,西关社区,赵六,女,1985-01-01,2024-01-01",
    "神头镇,新磨村,孙七,男,,2010-01-01",
    "利民镇,南河村,周八,男,1975-08-08,2020-05-05",
];

const SCORES_HEADER: &str = "乡镇,村(社区),姓名,\
政治素质,履职尽责,廉洁自律,集体经济发展,增收项目,阵地建设,人居环境改善,\
基层组织建设,三务公开,风险隐患管控,精神文明创建,为民服务,\
组织评价,满意,基本满意,不满意,不了解,加分,加分事由,减分,减分事由,否决事由";

/// Item maxima, in the column order above: 6 7 7 | 15 10 | 8 7 | 8 5 7 | 10 10.
///
/// 2023, written in an order unlike the official one. N (rated) = 4: 张三, 李四, 孙七,
/// 周八 (王五 not a year in post). Quotas: floor(4 × 5 %) = 0 at 5★, floor(4 × 15 %) = 0
/// at 4★ and 5★, so nobody can keep 4★ or 5★.
const SCORES_2023: [&str; 5] = [
    // 周八: Q = 4+4+4+9+6+4+4+5+3+4+6+6 = 59; 一般 O = 70;
    //   M = (8×100 + 6×60 + 6×0) / 20 = 1160/20 = 58.00;
    //   base = (60×59 + 20×70 + 20×58)/100 = (3540+1400+1160)/100 = 61.00 = total.
    //   61 ≥ 60 基本合格, below 65 → 0★; low → 诫勉整改; pay 12000 × 0.60 = 7200.
    "利民镇,南河村,周八,4,4,4,9,6,4,4,5,3,4,6,6,一般,8,6,6,,,,,,",
    // 李四: Q = 4+5+5+10+6+5+5+5+3+5+6+6 = 65; 一般 70; M = (1000+300)/20 = 65.00;
    //   base = (3900+1400+1300)/100 = 66.00 = total: 基本合格, ≥ 65 → 1★;
    //   low → 诫勉整改; pay 12000 × 0.80 = 9600.
    "利民镇,东榆林村,李四,4,5,5,10,6,5,5,5,3,5,6,6,一般,10,5,5,,,,,,",
    // 孙七: Q = 5.5+6+6.5+12+8+7+6+7+4+6+8.5+9 = 85.5; 较好 85;
    //   M = (20×100 + 7×60)/30 = 2420/30 = 80.666… → 80.67;
    //   base = (60×85.5 + 20×85 + 20×80.67)/100 = (5130+1700+1613.4)/100 = 84.434;
    //   X = 2, Y = 0.5: 84.434 + 2 − 0.5 = 85.934 → 85.93: 合格, ≥ 80 → 3★; pay 12000.
    "神头镇,新磨村,孙七,5.5,6,6.5,12,8,7,6,7,4,6,8.5,9,较好,20,7,3,,2,获评市级先进,0.5,材料迟报,",
    // 王五: Q = 5+6+6+12+8+6+6+6+4+6+8+8 = 81; 较好 85; M = (1500+300)/20 = 90.00
    //   (3 不了解 not counted); base = (4860+1700+1800)/100 = 83.60: 合格, but took
    //   office 2023-12-31 → 未定星, coefficient 1.00, pay 12000, no 星级变化.
    "神头镇,司马泊村,王五,5,6,6,12,8,6,6,6,4,6,8,8,较好,15,5,0,3,,,,,",
    // 张三: Q = 100; 好 100; M = 100.00; total 100.00: 优秀, 5★ by the total; over
    //   the 5★ quota (0) → 4★, over the 4★-and-above quota (0) → 3★. Pay 12000.
    "神头镇,马邑村,张三,6,7,7,15,10,8,7,8,5,7,10,10,好,30,0,0,,,,,,",
];

const REPORT_HEADER: &str = "年度,乡镇,村(社区),姓名,定量考核,组织评价,群众评议,加分,减分,总分,考核结果,星级,星级变化,绩效系数,绩效报酬,处理意见,说明";

const REPORT_2023: [&str; 5] = [
    "2023,神头镇,马邑村,张三,100.00,100.00,100.00,0.00,0.00,100.00,优秀,3,新评,1.00,12000,,\"名额限制,由5星调为3星\"",
    "2023,神头镇,司马泊村,王五,81.00,85.00,90.00,0.00,0.00,83.60,合格,未定星,,1.00,12000,,任职未满一年",
    "2023,神头镇,新磨村,孙七,85.50,85.00,80.67,2.00,0.50,85.93,合格,3,新评,1.00,12000,,",
    "2023,利民镇,东榆林村,李四,65.00,70.00,65.00,0.00,0.00,66.00,基本合格,1,新评,0.80,9600,诫勉整改,",
    "2023,利民镇,南河村,周八,59.00,70.00,58.00,0.00,0.00,61.00,基本合格,0,新评,0.60,7200,诫勉整改,",
];
const SUMMARY_2023: &str =
    "共评定4名,产生5星级党组织书记0名、4星级党组织书记0名,3星及以下党组织书记4名";

/// The 2024 scores. N (rated) = 5: 张三, 王五 (now a whole year in post), 孙七, 李四, 周八;
/// 赵六 (took office 2024-01-01) is 未定星. Quotas floor(5 × 5 %) = floor(5 × 15 %) = 0.
const SCORES_2024: [&str; 6] = [
    // 张三: Q = 5+6+6+11+7+6+5+6+4+5+7+7 = 75; 较好 85;
    //   M = (12×100 + 8×60 + 2×0)/22 = 1680/22 = 76.3636… → 76.36;
    //   base = (4500 + 1700 + 1527.2)/100 = 77.272; Y = 3 → 74.272 → 74.27:
    //   合格, ≥ 70 → 2★; 2023 was 3★ → -1; pay 12000 × 0.90 = 10800.
    "神头镇,马邑村,张三,5,6,6,11,7,6,5,6,4,5,7,7,较好,12,8,2,,,,3,信访问题处置不及时,",
    // 王五: Q = 6+7+7+14+9+7+6+7+5+6+9+9 = 92; 好 100; M = 100.00;
    //   base = (5520+2000+2000)/100 = 95.20, but 否决事由 → 不合格, 0★;
    //   coefficient min(0.60, 0.50) = 0.50 → 6000; 2023 was 未定星 → 新评;
    //   low this year, not low in 2023 (合格) → 诫勉整改.
    "神头镇,司马泊村,王五,6,7,7,14,9,7,6,7,5,6,9,9,好,40,0,0,,,,,,违规发放补贴",
    // 孙七: Q = 5+6+6+13+8+7+6+7+4+6+9+9 = 86; 好 100; M = (1800+600)/30 = 80.00;
    //   base = (5160+2000+1600)/100 = 87.60: 合格, 3★; 2023 3★ → 0; pay 12000.
    "神头镇,新磨村,孙七,5,6,6,13,8,7,6,7,4,6,9,9,好,18,10,2,,,,,,",
    // 李四: Q = 5.5+6.5+6.5+13+9+7+6+7+4.5+6+9+9 = 89; 好 100;
    //   M = (25×100 + 4×60 + 1×0)/30 = 2740/30 = 91.333… → 91.33 (2 不了解 ignored);
    //   base = (5340 + 2000 + 1826.6)/100 = 91.666; bonus 6 capped at X = 5:
    //   96.666 → 96.67 (half-up): 优秀, 5★ by the total → quota 0 → 4★ → quota 0 → 3★;
    //   2023 1★ → +2; pay 12000.
    "利民镇,东榆林村,李四,5.5,6.5,6.5,13,9,7,6,7,4.5,6,9,9,好,25,4,1,2,6,乡村振兴示范村,,,",
    // 赵六: Q = 2+3+3+6+4+3+3+3+2+3+4+4 = 40; 差 50; M = (500+300)/20 = 40.00;
    //   base = (2400+1000+800)/100 = 42.00: 不合格; 未定星 (1.00) capped at 0.50 → 6000;
    //   不合格 is low → 诫勉整改; no 星级变化 for 未定星.
    "利民镇,西关社区,赵六,2,3,3,6,4,3,3,3,2,3,4,4,差,5,5,10,,,,,,",
    // 周八: Q = 65; 一般 70; M = 65.00; base 66.00; X = 1.5 → 67.50: 基本合格,
    //   ≥ 65 → 1★; 2023 0★ → +1; low in 2024 and in 2023 → 建议调整; pay 9600.
    "利民镇,南河村,周八,4,5,5,10,6,5,5,5,3,5,6,6,一般,10,5,5,,1.5,防汛抢险,,,",
];

const REPORT_2024: [&str; 6] = [
    "2024,神头镇,马邑村,张三,75.00,85.00,76.36,0.00,3.00,74.27,合格,2,-1,0.90,10800,,",
    "2024,神头镇,司马泊村,王五,92.00,100.00,100.00,0.00,0.00,95.20,不合格,0,新评,0.50,6000,诫勉整改,一票否决:违规发放补贴",
    "2024,神头镇,新磨村,孙七,86.00,100.00,80.00,0.00,0.00,87.60,合格,3,0,1.00,12000,,",
    "2024,利民镇,东榆林村,李四,89.00,100.00,91.33,5.00,0.00,96.67,优秀,3,+2,1.00,12000,,\"名额限制,由5星调为3星;加分6超过上限,按5计\"",
    "2024,利民镇,西关社区,赵六,40.00,50.00,40.00,0.00,0.00,42.00,不合格,未定星,,0.50,6000,诫勉整改,任职未满一年",
    "2024,利民镇,南河村,周八,65.00,70.00,65.00,1.50,0.00,67.50,基本合格,1,+1,0.80,9600,建议调整,",
];
const SUMMARY_2024: &str =
    "共评定5名,产生5星级党组织书记0名、4星级党组织书记0名,3星及以下党组织书记5名";

// ---------------------------------------------------------------------------------
// Helpers (the shared ones are in tests/common)
// ---------------------------------------------------------------------------------

impl Fixture {
    /// A database holding the roster and the two years of scores above.
    fn district() -> Fixture {
        let f = Fixture::new();
        f.ok(["init"]);
        let roster = f.write("名册.csv", Sheet::roster().csv());
        f.ok([OsStr::new("import"), "roster".as_ref(), roster.as_os_str()]);
        let s2023 = f.write("考核2023.csv", Sheet::scores(&SCORES_2023).csv());
        f.import_scores(&s2023, 2023);
        let s2024 = f.write("考核2024.csv", Sheet::scores(&SCORES_2024).csv());
        f.import_scores(&s2024, 2024);
        f
    }
}

impl Sheet {
    fn roster() -> Sheet {
        Sheet::new(ROSTER_HEADER, &ROSTER)
    }

    fn scores(lines: &[&str]) -> Sheet {
        Sheet::new(SCORES_HEADER, lines)
    }
}

fn expected(rows: &[&str]) -> Vec<String> {
    std::iter::once(REPORT_HEADER)
        .chain(rows.iter().copied())
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------
// 1. The year's report, from init to the summary sentence
// ---------------------------------------------------------------------------------

#[test]
fn a_district_from_init_to_report() {
    let f = Fixture::new();
    let out = f.ok(["init"]);
    assert!(out.contains("已新建数据库"), "{out}");

    let roster = f.write("名册.csv", Sheet::roster().csv());
    let out = f.import_roster(&roster);
    assert!(
        out.contains("新增乡镇 2 个、村(社区) 6 个、书记 6 名,更新 0 名"),
        "{out}"
    );
    let out = f.import_scores(
        &f.write("考核2023.csv", Sheet::scores(&SCORES_2023).csv()),
        2023,
    );
    assert!(
        out.contains("2023 年度考核:5 名书记,其中未完成 0 名"),
        "{out}"
    );
    let out = f.import_scores(
        &f.write("考核2024.csv", Sheet::scores(&SCORES_2024).csv()),
        2024,
    );
    assert!(
        out.contains("2024 年度考核:6 名书记,其中未完成 0 名"),
        "{out}"
    );

    // CSV: BOM, the exact header, the official order, the hand-computed figures.
    let raw = f.report(2024, "csv");
    assert!(raw.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    assert_eq!(f.csv_lines(2024), expected(&REPORT_2024));
    assert_eq!(f.csv_lines(2023), expected(&REPORT_2023));

    // Text: a table per township in roster order, the summary as the very last line.
    // (2023 has five secretaries: the sixth took office in 2024.)
    for (year, summary, first_village, last_village, people) in [
        (2023, SUMMARY_2023, "马邑村", "南河村", 5),
        (2024, SUMMARY_2024, "马邑村", "南河村", 6),
    ] {
        let report = text(&f.report(year, "text"));
        let lines: Vec<&str> = report.lines().collect();
        // The header: not approved yet, and nothing missing.
        assert_eq!(
            lines[0],
            format!(
                "{year} 年度村(社区)党组织书记星级评定结果(未审定;{people} 名书记的考核均已完成)"
            )
        );
        assert_eq!(lines.last().copied(), Some(summary), "{report}");
        let at = |s: &str| {
            report
                .find(s)
                .unwrap_or_else(|| panic!("{s} not in {report}"))
        };
        assert!(at("【神头镇】 3 名") < at("【利民镇】"), "{report}");
        assert!(at(first_village) < at("司马泊村"));
        assert!(at("司马泊村") < at("新磨村"));
        assert!(at("新磨村") < at("东榆林村"));
        assert!(at("东榆林村") < at(last_village));
    }
    // 2024's text table: 2★ with its -1, 未定星 for the 2024-01-01 secretary.
    let report = text(&f.report(2024, "text"));
    let line = |name: &str| {
        report
            .lines()
            .find(|l| l.contains(name))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        line("张三"),
        [
            "马邑村",
            "张三",
            "75.00",
            "85.00",
            "76.36",
            "0.00",
            "3.00",
            "74.27",
            "合格",
            "2",
            "-1",
            "0.90",
            "10800"
        ]
    );
    assert!(line("赵六").contains(&"未定星"));
    assert!(line("王五").contains(&"0") && line("王五").contains(&"新评"));

    // --out writes the same bytes as standard output.
    let out = f.path("结果.csv");
    f.ok([
        OsStr::new("report"),
        "--year".as_ref(),
        "2024".as_ref(),
        "--format".as_ref(),
        "csv".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(fs::read(&out).unwrap(), raw);
}

#[test]
fn a_year_with_an_unfinished_assessment() {
    let f = Fixture::district();
    // 2025: 张三 has no 为民服务 yet (未完成, no figures, not counted in N); 孙七 as in 2024
    // (87.60, 3★, 2024 3★ → 0). N = 1: quotas 0, nothing changes for a 3★.
    let mut sheet = Sheet::scores(&[SCORES_2024[0], SCORES_2024[2]]);
    sheet.set("张三", "为民服务", "");
    let out = f.import_scores(&f.write("考核2025.csv", sheet.csv()), 2025);
    assert!(out.contains("2 名书记,其中未完成 1 名"), "{out}");
    assert_eq!(
        f.csv_lines(2025),
        expected(&[
            "2025,神头镇,马邑村,张三,,,,,,,未完成,,,,,,缺「为民服务」",
            "2025,神头镇,新磨村,孙七,86.00,100.00,80.00,0.00,0.00,87.60,合格,3,0,1.00,12000,,",
        ])
    );
    let report = text(&f.report(2025, "text"));
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines.last().copied(),
        Some("共评定1名,产生5星级党组织书记0名、4星级党组织书记0名,3星及以下党组织书记1名")
    );
    // The other four of the roster have no line yet; 张三's is not complete.
    assert!(
        lines[0].ends_with("(未审定;尚未录入 4 名、考核未完成 1 名)"),
        "{}",
        lines[0]
    );
}

// ---------------------------------------------------------------------------------
// 2, 3. Bad input never half-lands
// ---------------------------------------------------------------------------------

#[test]
fn a_scores_file_with_bad_rows_is_refused_whole() {
    let f = Fixture::new();
    f.ok(["init"]);
    f.import_roster(&f.write("名册.csv", Sheet::roster().csv()));
    f.import_scores(
        &f.write("考核2023.csv", Sheet::scores(&SCORES_2023).csv()),
        2023,
    );
    let before_csv = f.report(2023, "csv");
    let before_text = f.report(2023, "text");
    let no_2024 = assert_user_error(&f.run(["report", "--year", "2024"]));
    assert!(no_2024.contains("2024 年度还没有考核数据"), "{no_2024}");

    // The 2024 file with one mistake per row (line 1 is the header, row k is line k+1).
    let mut sheet = Sheet::scores(&SCORES_2024);
    sheet
        .add("考核等次", "优秀") // line 1: an unknown column
        .set("张三", "廉洁自律", "8.5") // line 2: over the item maximum 7
        .set("王五", "减分", "-2") // line 3: negative
        .set("孙七", "增收项目", "8.25") // line 4: two decimals
        .set("李四", "组织评价", "优") // line 5: not a grade
        .set("赵六", "姓名", "赵陆") // line 6: not in the roster
        .set("周八", "满意", "4") // line 7: 4 + 3 + 2 = 9 valid ballots, fewer than 10
        .set("周八", "基本满意", "3")
        .set("周八", "不满意", "2");
    let bad = f.write("考核2024.csv", sheet.csv());

    for year in [2024, 2023] {
        let stderr = assert_user_error(&f.try_import_scores(&bad, year));
        for expected in [
            "考核2024.csv",
            "7 处错误",
            "没有写入任何数据",
            "第1行「考核等次」:未知的列",
            // What was expected includes the optional columns.
            "风险隐患管控,精神文明创建,为民服务,组织评价,满意,基本满意,不满意,不了解,加分,加分事由,减分,减分事由,否决事由",
            "第2行「廉洁自律」:8.5 超出满分 7",
            "第3行「减分」:-2 不能为负数",
            "第4行「增收项目」:8.25 最多一位小数",
            "第5行「组织评价」:优 应为 好、较好、一般 或 差",
            "第6行",
            "利民镇 西关社区 的书记「赵陆」",
            "第7行「满意」:有效票(满意+基本满意+不满意)共 9 张,少于 10 张",
        ] {
            assert!(
                stderr.contains(expected),
                "missing «{expected}» in:\n{stderr}"
            );
        }
        assert!(!stderr.contains("第8行"), "{stderr}");
    }

    // Nothing landed: 2024 still has no data, 2023 is byte for byte what it was.
    let still = assert_user_error(&f.run(["report", "--year", "2024"]));
    assert!(still.contains("2024 年度还没有考核数据"), "{still}");
    assert_eq!(f.report(2023, "csv"), before_csv);
    assert_eq!(f.report(2023, "text"), before_text);

    // Without the unknown column and with the mistakes fixed, the same file imports.
    let good = f.write("考核2024-改.csv", Sheet::scores(&SCORES_2024).csv());
    f.import_scores(&good, 2024);
    assert_eq!(f.csv_lines(2024), expected(&REPORT_2024));
}

#[test]
fn a_missing_item_column_is_named() {
    let f = Fixture::new();
    f.ok(["init"]);
    f.import_roster(&f.write("名册.csv", Sheet::roster().csv()));
    let mut sheet = Sheet::scores(&SCORES_2024);
    sheet.remove("为民服务");
    let stderr = assert_user_error(&f.try_import_scores(&f.write("缺列.csv", sheet.csv()), 2024));
    assert!(stderr.contains("「为民服务」:缺少此列"), "{stderr}");
    assert!(!stderr.contains("「政治素质」"), "{stderr}");
    let none = assert_user_error(&f.run(["report", "--year", "2024"]));
    assert!(none.contains("还没有考核数据"), "{none}");
}

#[test]
fn a_bad_roster_is_refused_whole() {
    let f = Fixture::new();
    f.ok(["init"]);
    let mut sheet = Sheet::roster();
    sheet
        .set("李四", "任职日期", "2018.6.1") // line 3: not one of the three date forms
        .set("孙七", "性别", "M") // line 6
        .set("周八", "出生日期", "2021-01-01") // line 7: born after taking office
        .add("民族", "汉"); // line 1: a column the roster does not have
    let stderr = assert_user_error(&f.run([
        OsStr::new("import"),
        "roster".as_ref(),
        f.write("名册.csv", sheet.csv()).as_os_str(),
    ]));
    for expected in [
        "4 处错误",
        "第1行「民族」:未知的列",
        "第3行「任职日期」:2018.6.1 不是有效日期",
        "第6行「性别」:M",
        "第7行「出生日期」",
    ] {
        assert!(
            stderr.contains(expected),
            "missing «{expected}» in:\n{stderr}"
        );
    }
    // Nothing of the good rows landed: the fixed roster creates every place anew.
    let out = f.import_roster(&f.write("名册-改.csv", Sheet::roster().csv()));
    assert!(
        out.contains("新增乡镇 2 个、村(社区) 6 个、书记 6 名"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------
// 4, 5. What Excel and clerks write: encodings, date forms, column order, .xlsx
// ---------------------------------------------------------------------------------

/// The roster with every date form of §5, shuffled columns and full-width parentheses.
fn roster_as_typed() -> Sheet {
    let mut sheet = Sheet::roster();
    sheet
        .set("张三", "出生日期", "1970/5/1")
        .set("张三", "任职日期", "2015年3月1日")
        .set("李四", "任职日期", "2018/6/1")
        // The two dates that decide 未定星 in 2024, in the two non-ISO forms.
        .set("王五", "任职日期", "2023年12月31日")
        .set("赵六", "任职日期", "2024/1/1")
        .set("赵六", "出生日期", "1985年1月1日")
        .set("周八", "任职日期", "2020-05-05");
    let mut sheet = sheet.shuffled();
    sheet.rename("村(社区)", "村（社区）");
    assert_ne!(sheet.headers[0], "乡镇", "the columns really are shuffled");
    sheet
}

fn scores_as_typed(lines: &[&str]) -> Sheet {
    let mut sheet = Sheet::scores(lines).shuffled();
    sheet.rename("村(社区)", "村（社区）");
    sheet
}

#[test]
fn gbk_and_bom_files_in_any_column_order_import_the_same() {
    let reference = Fixture::district();
    let roster = roster_as_typed();
    let (s2023, s2024) = (scores_as_typed(&SCORES_2023), scores_as_typed(&SCORES_2024));

    type Encode = fn(&Sheet) -> Vec<u8>;
    let variants: [(&str, Encode); 3] = [
        ("UTF-8", |s| s.csv().into_bytes()),
        ("UTF-8 BOM", |s| format!("{BOM}{}", s.csv()).into_bytes()),
        // What Excel on Chinese Windows saves: GBK with CRLF.
        ("GBK", |s| gbk(&s.csv_with("\r\n"))),
    ];
    for (label, encode) in variants {
        let f = Fixture::new();
        f.ok(["init"]);
        let bytes = encode(&roster);
        if label == "GBK" {
            assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        }
        let out = f.import_roster(&f.write("名册.csv", bytes));
        assert!(out.contains("书记 6 名"), "{label}: {out}");
        f.import_scores(&f.write("考核2023.csv", encode(&s2023)), 2023);
        f.import_scores(&f.write("考核2024.csv", encode(&s2024)), 2024);
        for year in [2023, 2024] {
            assert_eq!(
                f.report(year, "csv"),
                reference.report(year, "csv"),
                "{label}: report {year}"
            );
        }
        // Every stored date and name is the same as from the plain ISO roster.
        assert_eq!(
            f.store().district().unwrap(),
            reference.store().district().unwrap(),
            "{label}"
        );
    }
}

#[test]
fn xlsx_roster_and_scores_import_from_the_first_sheet() {
    let reference = Fixture::district();
    let f = Fixture::new();
    f.ok(["init"]);
    // 任职日期 as real Excel date cells (the ISO text of ROSTER turned into dates),
    // 出生日期 as text, columns shuffled, 村（社区） with full-width parentheses.
    let mut roster = Sheet::roster().shuffled();
    roster.rename("村(社区)", "村（社区）");
    let path = f.path("名册.xlsx");
    roster.xlsx(&path, &["任职日期"]);
    let out = f.import_roster(&path);
    assert!(
        out.contains("新增乡镇 2 个、村(社区) 6 个、书记 6 名"),
        "{out}"
    );
    for (year, lines) in [(2023, &SCORES_2023[..]), (2024, &SCORES_2024[..])] {
        let path = f.path(&format!("考核{year}.xlsx"));
        scores_as_typed(lines).xlsx(&path, &[]);
        f.import_scores(&path, year);
        assert_eq!(
            f.report(year, "csv"),
            reference.report(year, "csv"),
            "{year}"
        );
    }
    assert_eq!(
        f.store().district().unwrap(),
        reference.store().district().unwrap()
    );
}

#[test]
fn xlsx_errors_name_the_excel_row() {
    let f = Fixture::new();
    f.ok(["init"]);
    f.import_roster(&f.write("名册.csv", Sheet::roster().csv()));
    let mut sheet = Sheet::scores(&SCORES_2024);
    sheet.set("孙七", "阵地建设", "9"); // row 4 of the sheet; maximum 8
    let path = f.path("考核2024.xlsx");
    sheet.xlsx(&path, &[]);
    let stderr = assert_user_error(&f.try_import_scores(&path, 2024));
    assert!(
        stderr.contains("第4行「阵地建设」:9 超出满分 8"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------
// 6. GBK report
// ---------------------------------------------------------------------------------

#[test]
fn gbk_report_is_the_same_text() {
    let f = Fixture::district();
    let utf8 = f.report(2024, "csv");
    let out = f.run([
        "report",
        "--year",
        "2024",
        "--format",
        "csv",
        "--encoding",
        "gbk",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let gbk = out.stdout;
    assert!(
        !gbk.starts_with(b"\xEF\xBB\xBF"),
        "no UTF-8 BOM in a GBK file"
    );
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK, not UTF-8");
    let (decoded, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&gbk);
    assert!(!had_errors);
    assert_eq!(decoded, text(&utf8).strip_prefix(BOM).unwrap());
}

// ---------------------------------------------------------------------------------
// 7. Exit codes and the database argument
// ---------------------------------------------------------------------------------

#[test]
fn usage_errors_exit_2() {
    let f = Fixture::district();
    for args in [
        &["frobnicate"][..],
        &["report", "--year", "abc"],
        &["report", "--year", "2024", "--format", "pdf"],
        &["import", "teachers", "x.csv"],
        &["report", "--year", "2024", "--no-such-flag"],
    ] {
        let out = f.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let stderr = text(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        // In Chinese, with where to read more; none of clap's English.
        assert!(
            stderr.contains("命令行有误") && stderr.contains("xingji --help"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("error:") && !stderr.contains("Usage"),
            "{stderr}"
        );
    }
    let told = text(&f.run(["--yaer", "2024", "report"]).stderr);
    assert!(
        told.contains("「--yaer」") && told.contains("是不是要写 --year"),
        "{told}"
    );
    let told = text(
        &f.run(["report", "--year", "2024", "--format", "pdf"])
            .stderr,
    );
    assert!(told.contains("可以是:text、csv、xlsx"), "{told}");
    // --help is not an error, and is Chinese too.
    for args in [
        &["--help"][..],
        &["import", "--help"],
        &["report", "--help"],
    ] {
        let out = f.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let help = text(&out.stdout);
        assert!(
            help.contains("用法:xingji") && help.contains("选项:"),
            "{help}"
        );
        for english in [
            "Usage",
            "Options",
            "Print help",
            "Commands",
            "possible values",
        ] {
            assert!(!help.contains(english), "{args:?}: {english} in {help}");
        }
    }
}

#[test]
fn import_without_a_database_says_to_run_init() {
    let f = Fixture::new();
    let roster = f.write("名册.csv", Sheet::roster().csv());
    let stderr =
        assert_user_error(&f.run([OsStr::new("import"), "roster".as_ref(), roster.as_os_str()]));
    assert!(stderr.contains("xingji init"), "{stderr}");
    assert!(!f.db.exists(), "a failed import must not create a database");
    let stderr = assert_user_error(&f.run(["report", "--year", "2024"]));
    assert!(stderr.contains("xingji init"), "{stderr}");
}

#[test]
fn init_on_an_existing_database_changes_nothing() {
    let f = Fixture::district();
    let report = f.report(2024, "csv");
    // (Opening the file, even to read, lets redb rewrite its header: compare the bytes
    // right around `init` only.)
    let before = fs::read(&f.db).unwrap();
    let stderr = assert_user_error(&f.run(["init"]));
    assert!(stderr.contains("已存在"), "{stderr}");
    assert!(fs::read(&f.db).unwrap() == before, "the file is untouched");
    assert_eq!(f.report(2024, "csv"), report);
}

#[test]
fn user_errors_of_the_command_line_exit_1() {
    let f = Fixture::district();
    let file = f.write("考核2025.csv", Sheet::scores(&SCORES_2024).csv());
    // Scores need a year.
    let stderr =
        assert_user_error(&f.run([OsStr::new("import"), "scores".as_ref(), file.as_os_str()]));
    assert!(stderr.contains("--year"), "{stderr}");
    // A file that is not there.
    let stderr = assert_user_error(&f.run(["import", "roster", "没有这个文件.csv"]));
    assert!(stderr.contains("文件不存在"), "{stderr}");
    // A report needs a year.
    let stderr = assert_user_error(&f.run(["report", "--format", "csv"]));
    assert!(stderr.contains("--year"), "{stderr}");
}

#[test]
fn xingji_db_names_the_database_and_db_wins() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("区.redb");
    let out = xingji().env("XINGJI_DB", &db).arg("init").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(db.exists());
    let roster = dir.path().join("名册.csv");
    fs::write(&roster, Sheet::roster().csv()).unwrap();
    let out = xingji()
        .env("XINGJI_DB", &db)
        .args([OsStr::new("import"), "roster".as_ref(), roster.as_os_str()])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("书记 6 名"),
        "{}",
        text(&out.stderr)
    );
    // --db is used over $XINGJI_DB.
    let other = dir.path().join("另一个.redb");
    let out = xingji()
        .env("XINGJI_DB", &db)
        .arg("--db")
        .arg(&other)
        .arg("init")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(other.exists());
    let out = xingji()
        .env("XINGJI_DB", &db)
        .arg("--db")
        .arg(&other)
        .args([OsStr::new("import"), "roster".as_ref(), roster.as_os_str()])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("新增乡镇 2 个"),
        "a fresh database"
    );
}

// ---------------------------------------------------------------------------------
// 8. Roster updates and re-imports
// ---------------------------------------------------------------------------------

#[test]
fn the_same_roster_twice_changes_nothing() {
    let f = Fixture::district();
    let (csv, text_report) = (f.report(2024, "csv"), f.report(2024, "text"));
    let before = f.store().district().unwrap();
    let out = f.import_roster(&f.write("名册-再次.csv", Sheet::roster().csv()));
    assert!(
        out.contains("新增乡镇 0 个、村(社区) 0 个、书记 0 名,更新 0 名"),
        "{out}"
    );
    assert_eq!(f.store().district().unwrap(), before);
    assert_eq!(f.report(2024, "csv"), csv);
    assert_eq!(f.report(2024, "text"), text_report);
}

#[test]
fn a_new_secretary_takes_over_and_the_old_years_stay() {
    let f = Fixture::district();
    let (r2023, r2024) = (f.report(2023, "csv"), f.report(2024, "csv"));

    // The 2025 roster: 马邑村 has a new secretary since 2024-06-01.
    let mut roster = Sheet::roster();
    roster.rows[0] = ["神头镇", "马邑村", "钱九", "男", "1982-02-02", "2024-06-01"]
        .map(str::to_string)
        .to_vec();
    let out = f.import_roster(&f.write("名册2025.csv", roster.csv()));
    assert!(
        out.contains("新增乡镇 0 个、村(社区) 0 个、书记 1 名,更新 0 名"),
        "{out}"
    );

    // 张三's years are his: the reports of 2023 and 2024 do not move.
    assert_eq!(f.report(2023, "csv"), r2023);
    assert_eq!(f.report(2024, "csv"), r2024);

    // 钱九 is the current secretary of 马邑村; 张三's term ended when 钱九 took office.
    let district = f.store().district().unwrap();
    let (township, _) = district
        .townships
        .iter()
        .find(|(_, t)| t.name == "神头镇")
        .unwrap();
    let village = district.village_id(*township, "马邑村").unwrap();
    let current = district.current_secretary(village).unwrap();
    assert_eq!(district.secretary(current).unwrap().name, "钱九");
    let zhang = district.find_secretary("神头镇", "马邑村", "张三").unwrap();
    assert_eq!(
        district.secretary(zhang).unwrap().left_office,
        Some(jiff::civil::date(2024, 6, 1))
    );

    // 2025: 钱九 took office 2024-06-01, on or before 2024-12-31, so he is rated.
    // The figures of 孙七 2024: 87.60, 合格, 3★; no rated previous year → 新评.
    let mut sheet = Sheet::scores(&[SCORES_2024[2]]);
    sheet
        .set("孙七", "村(社区)", "马邑村")
        .set("孙七", "姓名", "钱九");
    f.import_scores(&f.write("考核2025.csv", sheet.csv()), 2025);
    assert_eq!(
        f.csv_lines(2025),
        expected(&[
            "2025,神头镇,马邑村,钱九,86.00,100.00,80.00,0.00,0.00,87.60,合格,3,新评,1.00,12000,,"
        ])
    );
}

#[test]
fn importing_a_year_again_replaces_only_the_rows_in_the_file() {
    let f = Fixture::district();
    // 张三 2024 again with 好 instead of 较好 and no penalty:
    //   base = (60×75 + 20×100 + 20×76.36)/100 = (4500+2000+1527.2)/100 = 80.272
    //   → 80.27: 合格, ≥ 80 → 3★; 2023 3★ → 0; pay 12000.
    let mut sheet = Sheet::scores(&[SCORES_2024[0]]);
    sheet
        .set("张三", "组织评价", "好")
        .set("张三", "减分", "")
        .set("张三", "减分事由", "");
    let out = f.import_scores(&f.write("张三更正.csv", sheet.csv()), 2024);
    assert!(out.contains("1 名书记"), "{out}");
    let mut rows = REPORT_2024;
    rows[0] = "2024,神头镇,马邑村,张三,75.00,100.00,76.36,0.00,0.00,80.27,合格,3,0,1.00,12000,,";
    assert_eq!(f.csv_lines(2024), expected(&rows));
}

#[test]
fn a_reimport_shows_each_changed_field_before_and_after_in_the_audit_log() {
    let f = Fixture::district();
    // The first import is in the township's line: the file, and how many were new.
    let first = f.ok(["audit", "--year", "2024", "--township", "神头镇"]);
    assert!(
        first.contains("考核2024.csv") && first.contains("首次录入 3 名"),
        "{first}"
    );
    // One item of one secretary changes: that item, old and new, with the file's name.
    let mut sheet = Sheet::scores(&SCORES_2024);
    sheet.set("张三", "集体经济发展", "13.5");
    f.import_scores(&f.write("张三更正.csv", sheet.csv()), 2024);
    let log = f.ok(["audit", "--secretary", "张三", "--year", "2024"]);
    let changed: Vec<&str> = log.lines().filter(|l| l.contains("张三更正.csv")).collect();
    assert_eq!(changed.len(), 1, "only the one changed field: {log}");
    assert!(
        changed[0].contains("「集体经济发展(15)」(导入 ")
            && changed[0].contains("张三更正.csv):11 -> 13.5"),
        "{log}"
    );
    // Nobody else changed: no line about them from this file.
    let all = f.ok(["audit", "--year", "2024"]);
    assert!(!all.contains("王五 「"), "{all}");
    // Times show the year.
    assert!(changed[0].starts_with("20"), "{}", changed[0]);
}

// ---------------------------------------------------------------------------------
// 9. Files only their owner can read
// ---------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn database_and_backup_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::district();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&f.db), 0o600, "database file mode");

    let copy = f.path("备份.redb");
    let out = f.ok([OsStr::new("backup"), "--to".as_ref(), copy.as_os_str()]);
    assert!(out.contains("已备份到"), "{out}");
    assert_eq!(mode(&copy), 0o600, "backup file mode");

    // The backup is a working database with the same district and years.
    let restored = Fixture {
        dir: tempfile::tempdir().unwrap(),
        db: copy,
    };
    for year in [2023, 2024] {
        assert_eq!(restored.report(year, "csv"), f.report(year, "csv"));
    }
    // A backup never overwrites an existing file.
    let stderr =
        assert_user_error(&f.run([OsStr::new("backup"), "--to".as_ref(), f.db.as_os_str()]));
    assert!(stderr.contains("已存在"), "{stderr}");
}

// ---------------------------------------------------------------------------------
// 10. --out never destroys the database, a backup or another file
// ---------------------------------------------------------------------------------

/// The day of the notices below (dated, like every notice).
const TODAY: &str = "2025-01-20";

/// `xingji --db DB ARGS… --out OUT [--force]`
fn run_out(f: &Fixture, args: &[&str], out: &Path, force: bool) -> std::process::Output {
    let mut c = f.command();
    c.env("XINGJI_TODAY", TODAY)
        .args(args)
        .arg("--out")
        .arg(out);
    if force {
        c.arg("--force");
    }
    c.output().unwrap()
}

const REPORT_CSV: [&str; 5] = ["report", "--year", "2024", "--format", "csv"];
const REPORT_XLSX: [&str; 5] = ["report", "--year", "2024", "--format", "xlsx"];
const NOTICE: [&str; 5] = ["notice", "--year", "2024", "--township", "神头镇"];

/// The names in the fixture's folder (to see that no temporary file is left behind).
fn names(f: &Fixture) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(f.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn out_onto_the_database_is_refused_even_with_force() {
    let f = Fixture::district();
    let (text_2023, csv_2024) = (f.report(2023, "text"), f.report(2024, "csv"));
    let before = names(&f);
    // The database's own name, the same name written another way, a link to it.
    let dotted = f.dir.path().join(".").join("xingji.redb");
    let link = f.path("结果.csv");
    std::os::unix::fs::symlink(&f.db, &link).unwrap();
    for out in [&f.db, &dotted, &link] {
        for args in [
            &["report", "--year", "2023"][..],
            &REPORT_CSV,
            &REPORT_XLSX,
            &NOTICE,
        ] {
            for force in [false, true] {
                let stderr = assert_user_error(&run_out(&f, args, out, force));
                assert!(
                    stderr.contains("就是正在使用的数据库文件")
                        && stderr.contains(&out.display().to_string())
                        && stderr.contains("另指定一个文件名"),
                    "{args:?} --out {out:?} force {force}: {stderr}"
                );
            }
        }
    }
    // The database still opens and reports what it did.
    assert_eq!(f.report(2023, "text"), text_2023);
    assert_eq!(f.report(2024, "csv"), csv_2024);
    assert_eq!(f.store().district().unwrap().secretary_count(), 6);
    let mut after = before;
    after.push("结果.csv".to_string());
    after.sort();
    assert_eq!(names(&f), after, "nothing written beside it");
}

#[test]
fn out_onto_a_backup_or_a_database_companion_is_refused_even_with_force() {
    let f = Fixture::district();
    let copy = f.path("备份.redb");
    f.ok([OsStr::new("backup"), "--to".as_ref(), copy.as_os_str()]);
    let backup = fs::read(&copy).unwrap();
    for args in [&REPORT_CSV[..], &REPORT_XLSX, &NOTICE] {
        let stderr = assert_user_error(&run_out(&f, args, &copy, true));
        assert!(
            stderr.contains("备份.redb") && stderr.contains("是一个数据库文件"),
            "{stderr}"
        );
    }
    assert!(
        fs::read(&copy).unwrap() == backup,
        "the backup is untouched"
    );
    let restored = Fixture {
        dir: tempfile::tempdir().unwrap(),
        db: copy,
    };
    assert_eq!(restored.report(2024, "csv"), f.report(2024, "csv"));

    // The name of the database's partial backup, temporary or lock file.
    for suffix in [".part", ".tmp", ".lock"] {
        let name = f.path(&format!("xingji.redb{suffix}"));
        let stderr = assert_user_error(&run_out(&f, &REPORT_CSV, &name, true));
        assert!(stderr.contains("临时文件或锁文件"), "{stderr}");
        assert!(!name.exists());
    }
}

#[test]
fn out_onto_an_existing_file_needs_force() {
    let f = Fixture::district();
    for (args, expected, name) in [
        (&REPORT_CSV, f.report(2024, "csv"), "已有.csv"),
        (
            &NOTICE,
            {
                let notice = f.command().env("XINGJI_TODAY", TODAY).args(NOTICE).output();
                let notice = text(&notice.unwrap().stdout);
                // Not published yet: the date is a blank to fill in, not the printing day.
                assert!(notice.contains("____年__月__日"), "{notice}");
                assert!(!notice.contains("2025年1月20日"), "{notice}");
                // A file gets what Notepad reads: a BOM and CRLF line ends.
                let mut file = "\u{feff}".as_bytes().to_vec();
                file.extend(notice.replace('\n', "\r\n").as_bytes());
                file
            },
            "已有.txt",
        ),
    ] {
        let old = f.write(name, "旧的内容\n");
        let stderr = assert_user_error(&run_out(&f, args, &old, false));
        assert!(
            stderr.contains(&format!("文件 {} 已存在", old.display()))
                && stderr.contains("--force"),
            "{stderr}"
        );
        assert_eq!(fs::read(&old).unwrap(), "旧的内容\n".as_bytes());

        let out = run_out(&f, args, &old, true);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(fs::read(&old).unwrap(), expected, "{args:?}");
    }
    // A notice under a name that promises another format is refused, not written as text.
    for name in ["公示.pdf", "公示.doc", "公示"] {
        let err = assert_user_error(&run_out(&f, &NOTICE, &f.path(name), false));
        assert!(err.contains(".docx 或 .txt"), "{err}");
        assert!(!f.path(name).exists());
    }
    // xlsx the same way.
    let old = f.write("已有.xlsx", "旧的内容\n");
    assert_user_error(&run_out(&f, &REPORT_XLSX, &old, false));
    assert_eq!(fs::read(&old).unwrap(), "旧的内容\n".as_bytes());
    let out = run_out(&f, &REPORT_XLSX, &old, true);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        fs::read(&old).unwrap().starts_with(b"PK"),
        "an xlsx (zip) file"
    );
    assert!(
        !names(&f).iter().any(|n| n.starts_with('.')),
        "no temporary file left: {:?}",
        names(&f)
    );
}

#[cfg(unix)]
#[test]
fn output_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::district();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (args, name) in [
        (&REPORT_CSV, "结果.csv"),
        (&REPORT_XLSX, "结果.xlsx"),
        (&NOTICE, "公示.txt"),
    ] {
        let out = f.path(name);
        let run = run_out(&f, args, &out, false);
        assert!(run.status.success(), "{}", text(&run.stderr));
        assert_eq!(mode(&out), 0o600, "{name}");
    }
    // Replaced with --force: a new private file, not the old one's mode.
    let old = f.write("旧.csv", "x");
    fs::set_permissions(&old, fs::Permissions::from_mode(0o666)).unwrap();
    assert!(run_out(&f, &REPORT_CSV, &old, true).status.success());
    assert_eq!(mode(&old), 0o600);
}

#[cfg(unix)]
#[test]
fn init_on_an_existing_empty_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    // Another user's `touch` and `chmod 666`: the database would keep that mode.
    let f = Fixture::new();
    fs::write(&f.db, "").unwrap();
    fs::set_permissions(&f.db, fs::Permissions::from_mode(0o666)).unwrap();
    let stderr = assert_user_error(&f.run(["init"]));
    assert!(
        stderr.contains(&format!("文件 {} 已存在", f.db.display())),
        "{stderr}"
    );
    assert_eq!(fs::read(&f.db).unwrap(), b"", "the file is unchanged");
    let mode = fs::metadata(&f.db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666);
    // Another name: a new private database.
    fs::remove_file(&f.db).unwrap();
    f.ok(["init"]);
    let mode = fs::metadata(&f.db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_closed_standard_error_ends_a_long_error_list_quietly() {
    let f = Fixture::new();
    f.run(["init"]);
    // 3,000 bad rows: more error text than a pipe holds, and the reader goes away
    // after the first bytes (`2>&1 | head -1`).
    let mut roster = String::from("乡镇,村(社区),姓名,任职日期\n");
    for i in 0..3000 {
        roster.push_str(&format!("神头镇,村{i},张{i},不是日期\n"));
    }
    let file = f.write("bad.csv", roster);
    let mut child = f
        .command()
        .args(["import", "roster"])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stderr, &mut first).unwrap();
    drop(stderr);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{status:?}: never an abort (134)");
}

#[test]
fn a_header_only_file_a_repeated_secretary_and_impossible_dates_are_refused() {
    let f = Fixture::new();
    f.run(["init"]);
    let header_only = f.write("empty.csv", format!("{ROSTER_HEADER}\n"));
    let out = f.run(["import", "roster", header_only.to_str().unwrap()]);
    assert!(assert_user_error(&out).contains("只有表头,没有数据行"));

    let twice = f.write(
        "twice.csv",
        format!(
            "{ROSTER_HEADER}\n{}\n{}\n{}\n",
            ROSTER[0], ROSTER[1], ROSTER[0]
        ),
    );
    let out = f.run(["import", "roster", twice.to_str().unwrap()]);
    let stderr = assert_user_error(&out);
    assert!(
        stderr.contains("第4行:神头镇 马邑村 张三 与第2行重复"),
        "{stderr}"
    );

    let dates = f.write(
        "dates.csv",
        format!(
            "{ROSTER_HEADER}\n神头镇,马邑村,张三,男,1800-01-01,2015-03-01\n利民镇,东榆林村,李四,女,,2999-01-01\n"
        ),
    );
    let out = f.run(["import", "roster", dates.to_str().unwrap()]);
    let stderr = assert_user_error(&out);
    assert!(
        stderr.contains("第2行「出生日期」:1800-01-01 不在 1900 年"),
        "{stderr}"
    );
    assert!(
        stderr.contains("第3行「任职日期」:2999-01-01 不在 1900 年"),
        "{stderr}"
    );
    // Nothing of any of them was written: no import is in the log.
    let log = text(&f.run(["audit"]).stdout);
    assert!(log.contains("新建数据库") && !log.contains("导入"), "{log}");
}

#[test]
fn a_damaged_database_is_told_plainly_never_a_crash() {
    let f = Fixture::district();
    let good = fs::read(&f.db).unwrap();
    let sound = f.run(["--year", "2024", "report"]);
    // The check of every open says nothing on a sound file of this size.
    assert!(
        sound.status.success() && sound.stderr.is_empty(),
        "{}",
        text(&sound.stderr)
    );
    let report = text(&sound.stdout);
    // Copies with eight bits flipped at places drawn by a fixed generator (an LCG), so
    // that the run is the same every time.
    let mut seed: u64 = 0x5eed;
    let mut draw = |below: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        usize::try_from(seed >> 33).unwrap() % below
    };
    let mut damaged_told = 0;
    for _ in 0..60 {
        let mut bytes = good.clone();
        for _ in 0..8 {
            let at = draw(bytes.len());
            bytes[at] ^= 1 << draw(8);
        }
        let copy = f.write("损坏.redb", &bytes);
        let out = xingji()
            .arg("--db")
            .arg(&copy)
            .args(["--year", "2024", "report"])
            .output()
            .unwrap();
        let err = text(&out.stderr);
        // The right report (the damage missed every page in use), or exit 1 with a
        // message: never wrong figures, a panic's 101 or an abort's signal.
        match out.status.code() {
            Some(0) => assert_eq!(text(&out.stdout), report),
            Some(1) => {}
            _ => panic!("{:?}: {err}", out.status),
        }
        assert!(!err.contains("panicked"), "{err}");
        if err.contains("已损坏") {
            assert!(err.contains("备份"), "{err}");
            damaged_told += usize::from(err.contains("损坏.redb"));
        }
    }
    // Many of these copies fail the pages' checksums: the file is named.
    assert!(damaged_told > 0);
}

#[test]
fn check_reads_everything_and_names_what_is_wrong() {
    let f = Fixture::district();
    let out = f.ok(["check"]);
    assert!(
        out.contains("书记 6 名") && out.contains("2 个年度、考核记录 11 条"),
        "{out}"
    );
    assert!(out.contains("未发现问题"), "{out}");

    // An assessment of a secretary the roster does not have (as a faulty program or a
    // hand-made file could leave): named, exit 1.
    {
        let store = f.store();
        let mut w = store.write("test").unwrap();
        w.put_assessment(2024, 9999, &xingji::domain::Assessment::default())
            .unwrap();
        // And published figures that their assessment does not give.
        let zhang = store
            .district()
            .unwrap()
            .secretaries()
            .find(|(_, s)| s.name == "张三")
            .unwrap()
            .0;
        let frozen = xingji::scoring::Frozen {
            assessment: xingji::domain::Assessment::default(),
            rating: xingji::scoring::Rating::unrated(zhang),
            replaced: None,
        };
        w.put_frozen(2024, zhang, &frozen).unwrap();
        // (Frozen figures stand, and are checked, once the township has published.)
        let district = store.district().unwrap();
        let shen = district.township_id("神头镇").unwrap();
        let mut year = w.year(2024).unwrap().unwrap();
        year.township_mut(shen).stage = xingji::domain::Stage::Approved;
        w.put_year(2024, &year).unwrap();
        w.commit().unwrap();
    }
    let out = f.run(["check"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    assert!(said.contains("编号 9999"), "{said}");
    assert!(
        said.contains("张三 的公示结果与其考核分数算出的不一致"),
        "{said}"
    );
    assert!(
        text(&out.stderr).contains("发现 2 个问题"),
        "{}",
        text(&out.stderr)
    );

    // A file with a damaged page does not open: named, exit 1.
    let mut bytes = fs::read(&f.db).unwrap();
    for at in (4096 + 100..bytes.len()).step_by(4096) {
        bytes[at] ^= 0x5a;
    }
    let copy = f.write("损坏.redb", &bytes);
    let out = xingji()
        .arg("--db")
        .arg(&copy)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("损坏.redb"),
        "{}",
        text(&out.stderr)
    );
}

/// `xingji --db DB ARGS…` as user `tester` on day `today`; must succeed.
fn ok_on(db: &Path, today: &str, args: &[&str]) -> String {
    let out = xingji()
        .arg("--db")
        .arg(db)
        .args(args)
        .env("XINGJI_USER", "tester")
        .env("XINGJI_TODAY", today)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// A file without users lets its user do everything; the first user added comes with
/// that user as a district admin, so that neither a clerk's nor another admin's entry
/// is refused or locks them out.
#[test]
fn the_first_user_added_to_a_file_without_users_keeps_its_user_in() {
    let f = Fixture::new();
    for (role, fresh) in [
        (
            &["--role", "township", "--township", "神头镇"][..],
            "clerk.redb",
        ),
        (&["--role", "district"][..], "admin.redb"),
        (&["--role", "viewer"][..], "viewer.redb"),
    ] {
        let db = f.path(fresh);
        drop(xingji::demo::open(&db, "tester").unwrap());
        let none = ok_on(&db, "2025-12-01", &["user", "list"]);
        assert!(none.contains("没有用户名单"), "{none}");
        let mut add = vec!["user", "add", "李四"];
        add.extend(role);
        let said = ok_on(&db, "2025-12-01", &add);
        assert!(said.contains("tester 已同时登记为区管理员"), "{said}");
        let users = ok_on(&db, "2025-12-01", &["user", "list"]);
        assert!(
            users.contains("tester") && users.contains("区管理员") && users.contains("李四"),
            "{users}"
        );
        assert!(!users.contains("没有用户名单"), "{users}");
        // The list now decides: someone not on it is refused.
        let out = xingji()
            .arg("--db")
            .arg(&db)
            .args(["user", "list"])
            .env("XINGJI_USER", "王五")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{fresh}");
        let log = ok_on(&db, "2025-12-01", &["audit"]);
        assert!(log.contains("tester:区管理员"), "{log}");
    }
    // An adder whose name the list could not hold is told so, and nothing is added.
    let db = f.path("spaced.redb");
    drop(xingji::demo::open(&db, "tester").unwrap());
    let as_spaced = |args: &[&str]| {
        xingji()
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("XINGJI_USER", "a b")
            .output()
            .unwrap()
    };
    let out = as_spaced(&["user", "add", "李四", "--role", "viewer"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("「a b」不能作为用户名"),
        "{}",
        text(&out.stderr)
    );
    let users = as_spaced(&["user", "list"]);
    assert!(users.status.success() && !text(&users.stdout).contains("李四"));
    // Once there is a list, adding to it adds only the one named.
    let db = f.path("clerk.redb");
    let said = ok_on(
        &db,
        "2025-12-01",
        &["user", "add", "赵六", "--role", "viewer"],
    );
    assert!(!said.contains("登记为区管理员"), "{said}");
}

/// Everything a user sees of a database: both years' reports, the audit log, the users
/// and the year's progress.
fn everything_shown(db: &Path) -> Vec<String> {
    let today = "2026-01-10";
    let mut shown = Vec::new();
    for year in ["2024", "2025"] {
        shown.push(ok_on(db, today, &["--year", year, "report"]));
        shown.push(ok_on(
            db,
            today,
            &["--year", year, "report", "--format", "csv"],
        ));
        shown.push(ok_on(db, today, &["--year", year, "year", "status"]));
        shown.push(ok_on(db, today, &["--year", year, "rectify", "list"]));
    }
    shown.push(ok_on(db, today, &["audit"]));
    shown.push(ok_on(db, today, &["user", "list"]));
    shown
}

#[test]
fn export_all_then_import_all_gives_the_same_database() {
    let f = Fixture::new();
    let db = f.path("demo.redb");
    drop(xingji::demo::open(&db, "tester").unwrap());
    // Every table holds something: a year through publicity (an objection) to
    // approval (rectifications), and users.
    ok_on(
        &db,
        "2025-12-01",
        &["user", "add", "tester", "--role", "district"],
    );
    ok_on(
        &db,
        "2025-12-01",
        &["user", "add", "王会计", "--role", "viewer"],
    );
    ok_on(&db, "2025-12-01", &["--year", "2025", "year", "submit"]);
    ok_on(&db, "2025-12-01", &["--year", "2025", "year", "publish"]);
    let notice = ok_on(
        &db,
        "2025-12-02",
        &["--year", "2025", "report", "--format", "csv"],
    );
    let first: Vec<&str> = notice.lines().nth(1).unwrap().split(',').collect();
    let (township, village, someone) = (first[1], first[2], first[3]);
    ok_on(
        &db,
        "2025-12-02",
        &[
            "--year",
            "2025",
            "year",
            "object",
            "--secretary",
            someone,
            "--township",
            township,
            "--village",
            village,
            "--reason",
            "群众反映得分偏低",
        ],
    );
    ok_on(
        &db,
        "2025-12-03",
        &[
            "--year",
            "2025",
            "year",
            "resolve",
            "--secretary",
            someone,
            "--township",
            township,
            "--village",
            village,
            "--reason",
            "经核实,得分无误",
        ],
    );
    ok_on(&db, "2025-12-20", &["--year", "2025", "year", "approve"]);
    let rectifications = ok_on(&db, "2026-01-10", &["--year", "2025", "rectify", "list"]);
    assert!(rectifications.lines().count() > 1, "{rectifications}");

    let jsonl = f.path("全部.jsonl");
    let said = ok_on(
        &db,
        "2026-01-10",
        &["export", "--all", jsonl.to_str().unwrap()],
    );
    assert!(said.contains("已导出"), "{said}");
    let copy = f.path("新.redb");
    let said = ok_on(
        &copy,
        "2026-01-10",
        &["import", "--all", jsonl.to_str().unwrap()],
    );
    assert!(said.contains("书记"), "{said}");

    assert_eq!(everything_shown(&db), everything_shown(&copy));
    // And the records themselves: the copy exports to the very same lines.
    let again = f.path("再导出.jsonl");
    ok_on(
        &copy,
        "2026-01-10",
        &["export", "--all", again.to_str().unwrap()],
    );
    assert_eq!(fs::read(&jsonl).unwrap(), fs::read(&again).unwrap());

    // Into an existing file, never: the database stays as it was.
    let before = fs::read(&copy).unwrap();
    let out = xingji()
        .arg("--db")
        .arg(&copy)
        .args(["import", "--all", jsonl.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(assert_user_error(&out).contains("已存在"));
    assert_eq!(fs::read(&copy).unwrap(), before);
}

#[test]
fn a_bad_export_file_builds_no_database() {
    let f = Fixture::district();
    let jsonl = f.path("全部.jsonl");
    f.ok(["export", "--all", jsonl.to_str().unwrap()]);
    let good = fs::read_to_string(&jsonl).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let mut broken = lines.clone();
    broken[5] = "{\"table\":\"secretaries\",\"key\":1,";
    let cut = |n: usize| lines[..n].join("\n") + "\n";
    let with_line = |lines: &[&str], extra: &str| {
        let (last, body) = lines.split_last().unwrap();
        format!("{}\n{extra}\n{last}\n", body.join("\n"))
    };
    let at = lines
        .iter()
        .position(|l| l.contains("\"assessments\"") && l.contains("\"政治素质\":\"5\""))
        .unwrap();
    let changed = lines[at].replacen("\"政治素质\":\"5\"", "\"政治素质\":\"9\"", 1);
    let mut over = lines.clone();
    over[at] = &changed;
    // Within its maximum, but with two decimal places (no entry takes more than one).
    let fine = lines[at].replacen("\"政治素质\":\"5\"", "\"政治素质\":\"4.25\"", 1);
    let mut finer = lines.clone();
    finer[at] = &fine;
    // An assessment moved to a year that does not exist.
    let key = lines[at].split(",\"value\"").next().unwrap();
    let moved = lines[at].replacen(key, "{\"table\":\"assessments\",\"key\":1", 1);
    let mut rekeyed = lines.clone();
    rekeyed[at] = &moved;
    let cases = [
        ("空", String::new(), "第1行"),
        (
            "别的",
            "姓名,村\n张三,一村\n".to_string(),
            "不是 xingji export --all",
        ),
        ("断行", broken.join("\n"), "第6行"),
        ("重复", with_line(&lines, lines[3]), "两次"),
        // Cut at a line's end: the end line is missing.
        ("截断", cut(lines.len() - 1), "没有结尾行"),
        ("截断一半", cut(lines.len() / 2), "没有结尾行"),
        ("多一行", format!("{good}{}\n", lines[3]), "结尾行之后"),
        // Well-formed, but a score over its maximum of 6.
        ("改分", over.join("\n") + "\n", "不在 0 到 6 之间"),
        (
            "两位小数",
            finer.join("\n") + "\n",
            "4.25 应为 0 到 100 之间、最多一位小数",
        ),
        ("改键", rekeyed.join("\n") + "\n", "不存在的年度 0"),
    ];
    for (name, contents, said) in cases {
        let file = f.write(&format!("{name}.jsonl"), contents);
        let target = f.path(&format!("{name}.redb"));
        let out = xingji()
            .arg("--db")
            .arg(&target)
            .args(["import", "--all", file.to_str().unwrap()])
            .output()
            .unwrap();
        let err = assert_user_error(&out);
        assert!(err.contains(said), "{name}: {err}");
        assert!(
            !err.contains("line 1") && !err.contains("expected"),
            "{name}: {err}"
        );
        assert!(!target.exists(), "{name}: no database is left behind");
        assert!(!f.path(&format!("{name}.redb.part")).exists());
    }
}

#[test]
fn restore_puts_a_checked_backup_in_place_and_keeps_the_old_file() {
    let f = Fixture::district();
    let backup = f.path("备份.redb");
    f.ok(["backup", "--to", backup.to_str().unwrap()]);
    let report = f.report(2024, "text");

    // The database is damaged after the backup.
    let mut bytes = fs::read(&f.db).unwrap();
    for at in (4096 + 100..bytes.len()).step_by(4096) {
        bytes[at] ^= 0x5a;
    }
    fs::write(&f.db, &bytes).unwrap();
    let err = assert_user_error(&f.run(["check"]));
    assert!(err.contains("restore --from"), "{err}");

    // A damaged backup is refused, and nothing moves.
    let bad = f.write("坏备份.redb", &bytes);
    let err = assert_user_error(&f.run(["restore", "--from", bad.to_str().unwrap()]));
    assert!(err.contains("坏备份.redb") && err.contains("损坏"), "{err}");
    assert_eq!(fs::read(&f.db).unwrap(), bytes);

    let backup_bytes = fs::read(&backup).unwrap();
    let said = f.ok(["restore", "--from", backup.to_str().unwrap()]);
    assert_eq!(
        fs::read(&backup).unwrap(),
        backup_bytes,
        "a backup is only read"
    );
    assert!(said.contains("书记 6 名"), "{said}");
    assert_eq!(f.report(2024, "text"), report);
    assert!(f.ok(["check"]).contains("未发现问题"));
    // The damaged file is kept under a name that says what it was.
    let kept: Vec<std::path::PathBuf> = fs::read_dir(f.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("恢复前"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(fs::read(&kept[0]).unwrap(), bytes);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&f.db).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // While the database is open elsewhere (a server), refused.
    let open = f.store();
    let err = assert_user_error(&f.run(["restore", "--from", backup.to_str().unwrap()]));
    assert!(err.contains("正被使用"), "{err}");
    drop(open);
}

#[test]
fn office_sheets_with_a_title_and_serial_numbers_import_as_they_are() {
    let f = Fixture::new();
    f.ok(["init"]);
    // A title, a blank line, a date line, then the header with 序号 and 备注.
    let mut roster = String::from("朔城区村(社区)党组织书记名册\n\n填报日期:2025年12月\n序号,");
    roster.push_str(ROSTER_HEADER);
    roster.push_str(",备注\n");
    for (i, row) in ROSTER.iter().enumerate() {
        roster.push_str(&format!("{},{row},\n", i + 1));
    }
    let out = f.import_roster(&f.write("名册.csv", roster));
    assert!(out.contains("书记 6 名"), "{out}");
    // (2023 as usual: 2024's star changes are against it.)
    f.import_scores(
        &f.write("考核2023.csv", Sheet::scores(&SCORES_2023).csv()),
        2023,
    );
    let mut scores = String::from("2024年度考核得分汇总表\n序号,");
    scores.push_str(SCORES_HEADER);
    scores.push_str(",备注\n");
    for (i, row) in SCORES_2024.iter().enumerate() {
        scores.push_str(&format!("{},{row},已核\n", i + 1));
    }
    // And the office's own total line at the end.
    let total = format!(",合计{}\n", ",".repeat(SCORES_HEADER.split(',').count()));
    let out = f.import_scores(&f.write("考核.csv", format!("{scores}{total}")), 2024);
    assert_eq!(f.csv_lines(2024), expected(&REPORT_2024));
    assert!(out.contains("说明:略过表头上方的第 1 行(标题)"), "{out}");
    assert!(out.contains("说明:略过第 9 行(合计行)"), "{out}");
    assert!(out.contains("说明:未导入「序号」「备注」列"), "{out}");
    // An error still names the file's own line: the title is line 1, the header line 2,
    // 张三 line 3.
    let bad = scores.replacen(",较好,12,8,2,", ",优,12,8,2,", 1);
    let out = f.try_import_scores(&f.write("错.csv", bad), 2024);
    let err = assert_user_error(&out);
    assert!(err.contains("第3行「组织评价」"), "{err}");
}

#[test]
fn an_xlsx_with_a_merged_title_and_a_total_row_imports() {
    use rust_xlsxwriter::{Format, Workbook};
    let f = Fixture::new();
    f.ok(["init"]);
    f.import_roster(&f.write("名册.csv", Sheet::roster().csv()));
    f.import_scores(
        &f.write("考核2023.csv", Sheet::scores(&SCORES_2023).csv()),
        2023,
    );
    let sheet = Sheet::scores(&SCORES_2024);
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    let last = sheet.headers.len() as u16;
    ws.merge_range(
        0,
        0,
        0,
        last,
        "2024年度村(社区)党组织书记考核得分汇总表",
        &Format::new(),
    )
    .unwrap();
    ws.write_string(1, 0, "序号").unwrap();
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string(1, c as u16 + 1, h).unwrap();
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 2;
        ws.write_number(r, 0, f64::from(r - 1)).unwrap();
        for (c, value) in row.iter().enumerate() {
            match value.parse::<f64>() {
                Ok(n) => ws.write_number(r, c as u16 + 1, n).unwrap(),
                Err(_) => ws.write_string(r, c as u16 + 1, value).unwrap(),
            };
        }
    }
    let end = sheet.rows.len() as u32 + 2;
    ws.merge_range(end, 0, end, 3, "合计", &Format::new())
        .unwrap();
    let path = f.path("考核2024.xlsx");
    workbook.save(&path).unwrap();
    let out = f.import_scores(&path, 2024);
    assert!(out.contains("6 名书记"), "{out}");
    assert_eq!(f.csv_lines(2024), expected(&REPORT_2024));
}

#[test]
fn a_bonus_or_penalty_without_its_reason_is_refused() {
    let f = Fixture::district();
    let before = f.report(2024, "csv");
    let mut sheet = Sheet::scores(&SCORES_2024);
    sheet.set("张三", "减分事由", "");
    sheet.set("李四", "加分", "2");
    sheet.set("李四", "加分事由", "");
    let out = f.try_import_scores(&f.write("无事由.csv", sheet.csv()), 2024);
    let err = assert_user_error(&out);
    assert!(
        err.contains("第2行「减分事由」:减分 3 分没有写事由"),
        "{err}"
    );
    assert!(err.contains("「加分事由」:加分 2 分没有写事由"), "{err}");
    assert_eq!(f.report(2024, "csv"), before, "nothing changed");
}

#[test]
fn notices_name_the_committee_and_the_place_as_they_are() {
    let f = Fixture::new();
    let db = f.path("demo.redb");
    drop(xingji::demo::open(&db, "tester").unwrap());
    // A 街道 has a 党工委 and its villages are 社区; a 乡 has a 党委 and villages.
    let street = ok_on(
        &db,
        "2026-01-10",
        &[
            "--year",
            "2025",
            "notice",
            "--township",
            "北城街道",
            "--letters",
        ],
    );
    assert!(
        street.contains("北城街道党工委") && street.contains("本社区党组织书记"),
        "{street}"
    );
    assert!(
        !street.contains("党(工)委") && !street.contains("本村(社区)"),
        "{street}"
    );
    let xiang = ok_on(
        &db,
        "2026-01-10",
        &["--year", "2025", "notice", "--township", "下团堡乡"],
    );
    assert!(xiang.contains("下团堡乡党委"), "{xiang}");
    assert!(!xiang.contains("党(工)委"), "{xiang}");
}

#[test]
fn demo_size_makes_a_district_of_that_many_secretaries() {
    let f = Fixture::new();
    let db = f.path("大区.redb");
    // Not a terminal: the generated district's report.
    let report = ok_on(&db, "2026-01-10", &["demo", "--size", "300"]);
    assert!(report.contains("300 名书记的考核均已完成"), "{report}");
    assert!(
        report.lines().last().unwrap().starts_with("共评定"),
        "{report}"
    );
    // Two years, every row through the import's checks; the file is an ordinary database.
    let csv = ok_on(
        &db,
        "2026-01-10",
        &["--year", "2024", "report", "--format", "csv"],
    );
    assert_eq!(csv.lines().count(), 301);
    assert!(ok_on(&db, "2026-01-10", &["check"]).contains("书记 300 名"));
}
