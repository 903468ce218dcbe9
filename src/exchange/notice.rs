//! The 公示 notice for the 三务公开栏 and the per-village 明白信 (§4, §5): printable
//! plain text laid out by display width.

use std::fmt::Write;

use jiff::civil::Date;

use crate::domain::stars_words;
use crate::service::YearBook;
use crate::service::workflow::publicity_end;
use crate::text::{pad, pad_left, width};

/// The township's Party committee: 党委 for a 镇 or 乡, 党工委 for a 街道.
fn committee(book: &YearBook, township: u32) -> &'static str {
    match book.district.township(township).map(|t| t.kind) {
        Some(crate::domain::TownshipKind::Jiedao) => "党工委",
        _ => "党委",
    }
}

fn chinese_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn publicity_text(book: &YearBook, township: u32) -> String {
    match book.record.township(township).publicity {
        Some((from, days)) => format!(
            "{}至{}({days}天)",
            chinese_date(from),
            chinese_date(publicity_end(from, days))
        ),
        None => format!(
            "____年__月__日至____年__月__日({}天)",
            book.scheme.publicity.days
        ),
    }
}

/// Center a line on a page of `cells` cells.
fn center(text: &str, cells: usize) -> String {
    format!(
        "{}{text}",
        " ".repeat(cells.saturating_sub(width(text)) / 2)
    )
}

const PAGE: usize = 72;

/// A text file as Notepad and WPS on a township's Windows PC read it: a UTF-8 BOM and
/// CRLF line ends (form feeds between letters kept).
pub fn windows_text(text: &str) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(text.replace("\r\n", "\n").replace('\n', "\r\n").as_bytes());
    out
}

/// Why no notice can be written for the township now, if so: while it waits for its
/// correcting publicity, the figures to post are not frozen yet.
pub fn not_now(book: &YearBook, township: u32) -> Option<String> {
    let y = book.record.township(township);
    (y.correction && y.stage == crate::domain::Stage::Submitted).then(|| {
        "该乡镇须更正公示:请先开始更正公示(xingji year publish,或在年度流程页面按 Enter),再生成公示通知和明白信".to_string()
    })
}

/// The notice: every secretary of the township with a complete assessment.
pub fn notice(book: &YearBook, township: u32, today: Date) -> String {
    let t = book
        .district
        .township(township)
        .map_or("", |t| t.name.as_str());
    // A correcting publicity, running or (approved since) on record.
    let correction = book.record.township(township).correction
        || book
            .entries
            .iter()
            .any(|e| e.replaced.is_some() && book.township_of(e.secretary) == Some(township));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        center(
            &format!(
                "{t}{}年度村(社区)党组织书记星级评定结果{}",
                book.year,
                if correction { "更正公示" } else { "公示" }
            ),
            PAGE
        )
    );
    let _ = writeln!(out);
    let w = book.scheme.weights;
    let _ = writeln!(
        out,
        "    根据《{}》,经定量考核(占{}%)、乡镇党委组织评价(占{}%)和群众评议(占{}%),",
        book.scheme.name, w.quantitative, w.organizational, w.mass
    );
    let _ = writeln!(
        out,
        "结合奖励加分和惩罚减分,现将{t}{}年度村(社区)党组织书记星级评定结果公示如下:",
        book.year
    );
    let _ = writeln!(out);
    results_table(book, township, &mut out);
    if correction {
        corrections(book, township, &mut out);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "    公示期:{}。", publicity_text(book, township));
    let _ = writeln!(
        out,
        "    公示期间,对评定结果如有异议,可向{t}{}或区委组织部反映(来信、来电、来访均可)。",
        committee(book, township)
    );
    let _ = writeln!(out, "反映问题应实事求是,提倡署真实姓名。");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}{t}{}",
        " ".repeat(PAGE - 16),
        committee(book, township)
    );
    let _ = writeln!(out, "{}{}", " ".repeat(PAGE - 16), chinese_date(today));
    out
}

/// The table of the township's secretaries: 序号, 村, 姓名, 总分, 考核结果, 星级.
fn results_table(book: &YearBook, township: u32, out: &mut String) {
    let heads = ["序号", "村(社区)", "姓名", "总分", "考核结果", "星级"];
    let entries: Vec<_> = book
        .entries
        .iter()
        .filter(|e| book.township_of(e.secretary) == Some(township))
        .filter_map(|e| Some((e, e.rating.evaluation.figures()?)))
        .collect();
    let cells: Vec<[String; 6]> = entries
        .iter()
        .enumerate()
        .map(|(i, (e, f))| {
            let village = book
                .district
                .place(e.secretary)
                .map_or(String::new(), |(_, v)| v.name.clone());
            [
                (i + 1).to_string(),
                village,
                book.name_of(e.secretary),
                format!("{:.2}", f.total),
                f.outcome.label().to_string(),
                stars_words(e.rating.stars),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            cells
                .iter()
                .map(|r| width(&r[c]))
                .chain([width(heads[c])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String]| {
        row.iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (text, w))| {
                if c == 0 || c == 3 {
                    pad_left(text, *w)
                } else {
                    pad(text, *w)
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let head: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
    let header = line(&head);
    let _ = writeln!(out, "{header}");
    let _ = writeln!(out, "{}", "-".repeat(width(&header)));
    for row in &cells {
        let _ = writeln!(out, "{}", line(row).trim_end());
    }
}

/// 更正情况: each secretary whose published figures this publication corrects, the
/// old and the new.
fn corrections(book: &YearBook, township: u32, out: &mut String) {
    let changed: Vec<_> = book
        .entries
        .iter()
        .filter(|e| book.township_of(e.secretary) == Some(township))
        .filter_map(|e| Some((e, e.replaced.as_ref()?)))
        .collect();
    let _ = writeln!(out);
    if changed.is_empty() {
        let _ = writeln!(out, "    本乡镇各书记的评定结果与上次公示相同。");
        return;
    }
    let _ = writeln!(
        out,
        "    经复核(名额按全区计算,其他乡镇结果的调整也可能影响本乡镇),下列党组织书记的评定结果更正如下:"
    );
    for (e, old) in changed {
        let village = book
            .district
            .place(e.secretary)
            .map_or(String::new(), |(_, v)| v.name.clone());
        let _ = writeln!(
            out,
            "    {village} {}:原为{},更正为{}。",
            book.name_of(e.secretary),
            posted(old),
            posted(&e.rating)
        );
    }
}

/// What a notice posts of a rating: total, result and stars (pay is not posted).
fn posted(r: &crate::scoring::Rating) -> String {
    match r.evaluation.figures() {
        Some(f) => format!(
            "{:.2} 分、{}、{}",
            f.total,
            f.outcome.label(),
            stars_words(r.stars)
        ),
        None => "未完成".to_string(),
    }
}

/// What the township's secretaries are assessed on, in words: the 五有 of the
/// district's scheme, or the township's own items.
fn aspects(book: &YearBook, township: u32) -> String {
    let s = book.scheme_of(township);
    if book.record.township(township).items.is_empty() {
        let indicators: Vec<&str> = s.indicators.iter().map(|i| i.name.as_str()).collect();
        format!("“五有”即{}五个方面", indicators.join("、"))
    } else {
        let items: Vec<&str> = s.items().map(|i| i.name.as_str()).collect();
        format!("{}{}个方面", items.join("、"), items.len())
    }
}

/// A secretary's village, and what it is: 村 or 社区.
fn village_of(book: &YearBook, secretary: u32) -> (String, &'static str) {
    book.district
        .place(secretary)
        .map_or((String::new(), "村(社区)"), |(_, v)| {
            let place = match v.kind {
                crate::domain::VillageKind::Community => "社区",
                crate::domain::VillageKind::Village => "村",
            };
            (v.name.clone(), place)
        })
}

/// One 明白信 per village of the township, separated by a form feed for printing.
pub fn letters(book: &YearBook, township: u32, today: Date) -> String {
    let t = book
        .district
        .township(township)
        .map_or("", |t| t.name.as_str());
    let s = book.scheme_of(township);
    let aspects = aspects(book, township);
    let mut pages = Vec::new();
    for e in book
        .entries
        .iter()
        .filter(|e| book.township_of(e.secretary) == Some(township))
    {
        let Some(f) = e.rating.evaluation.figures() else {
            continue;
        };
        let (village, place) = village_of(book, e.secretary);
        let name = book.name_of(e.secretary);
        let stars = match e.rating.stars {
            Some(n) => format!("{n}星级"),
            None => format!(
                "未定星(任职未满{})",
                crate::scoring::years(s.eligibility.years_in_post)
            ),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}",
            center(&format!("致{village}全体党员群众的一封信"), PAGE)
        );
        let _ = writeln!(
            out,
            "{}",
            center("(村(社区)党组织书记星级评定明白信)", PAGE)
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "尊敬的党员、群众:");
        let _ = writeln!(
            out,
            "    为激励村(社区)党组织书记担当作为,我区实行村(社区)党组织书记星级化管理,"
        );
        let _ = writeln!(out, "每年从{aspects}进行考核:");
        let _ = writeln!(
            out,
            "定量考核占{}%,乡镇党委组织评价占{}%,群众评议占{}%,另有奖励加分(最多{}分)和惩罚减分。",
            s.weights.quantitative,
            s.weights.organizational,
            s.weights.mass,
            s.bonus.cap.normalize()
        );
        let _ = writeln!(
            out,
            "根据总分评定星级,星级与绩效报酬挂钩,每年重新评定、动态调整。"
        );
        let _ = writeln!(
            out,
            "    {}年度,本{place}党组织书记{name}同志的评定结果为:总分{:.2}分,考核结果“{}”,{stars}。",
            book.year,
            f.total,
            f.outcome.label()
        );
        let _ = writeln!(
            out,
            "其中定量考核{:.2}分,组织评价{:.2}分,群众评议{:.2}分,奖励加分{:.2}分,惩罚减分{:.2}分。",
            f.quantitative, f.organizational, f.mass, f.bonus, f.penalty
        );
        let _ = writeln!(
            out,
            "    您对评定结果或村(社区)党组织书记的工作有意见和建议,请于{}内,",
            publicity_text(book, township)
        );
        let _ = writeln!(
            out,
            "向{t}{}或区委组织部反映。感谢您对{place}工作的关心和支持!",
            committee(book, township)
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}{t}{}",
            " ".repeat(PAGE - 16),
            committee(book, township)
        );
        let _ = writeln!(out, "{}{}", " ".repeat(PAGE - 16), chinese_date(today));
        pages.push(out);
    }
    pages.join("\u{c}\n")
}
