//! The 公示 notice for the 三务公开栏, the per-village 明白信 and the 大喇叭 script (§4,
//! §5), each a [`Paper`]: plain text or a Word file. They name the office as set
//! (`xingji settings`); an unset detail is a blank to fill in by hand.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::paper::{Block, Grid, Paper};
use crate::domain::{Office, Setting, stars_words};
use crate::service::YearBook;
use crate::service::workflow::publicity_end;

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

const BLANK_DATE: &str = "____年__月__日";

fn publicity_text(book: &YearBook, township: u32) -> String {
    match book.record.township(township).publicity {
        Some((from, days)) => format!(
            "{}至{}({days}天)",
            chinese_date(from),
            chinese_date(publicity_end(from, days))
        ),
        None => format!(
            "{BLANK_DATE}至{BLANK_DATE}({}天)",
            book.scheme.publicity.days
        ),
    }
}

/// The paper's date: the first day of publicity (a blank before it is set).
fn dated(book: &YearBook, township: u32) -> String {
    book.record
        .township(township)
        .publicity
        .map_or_else(|| BLANK_DATE.to_string(), |(from, _)| chinese_date(from))
}

fn township_name(book: &YearBook, township: u32) -> &str {
    book.district
        .township(township)
        .map_or("", |t| t.name.as_str())
}

/// The 落款: the township's committee and the district's department, and the date.
fn signature(book: &YearBook, township: u32, office: &Office) -> Block {
    Block::Sign(vec![
        format!(
            "{}{}",
            township_name(book, township),
            committee(book, township)
        ),
        office.department(),
        dated(book, township),
    ])
}

/// How to reach the office: phone, address, mailbox (blanks where unset).
fn contacts(office: &Office, paper: &mut Paper) {
    paper.push(Block::Para(format!(
        "监督电话:{}",
        office.contact(Setting::Phone)
    )));
    paper.push(Block::Para(format!(
        "来信地址:{}",
        office.contact(Setting::Address)
    )));
    paper.push(Block::Para(format!(
        "电子邮箱:{}",
        office.contact(Setting::Email)
    )));
}

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

/// The township's secretaries with a complete assessment, and their figures: whom a
/// paper names (in the official order).
fn complete(
    book: &YearBook,
    township: u32,
) -> impl Iterator<Item = (&crate::service::Entry, &crate::scoring::Figures)> {
    book.entries
        .iter()
        .filter(move |e| book.township_of(e.secretary) == Some(township))
        .filter_map(|e| Some((e, e.rating().evaluation.figures()?)))
}

/// Is this township's publicity a correction (更正公示), running or on record?
fn correcting(book: &YearBook, township: u32) -> bool {
    book.record.township(township).correction
        || book
            .entries
            .iter()
            .any(|e| e.replaced().is_some() && book.township_of(e.secretary) == Some(township))
}

/// The notice: every secretary of the township with a complete assessment.
pub fn notice(book: &YearBook, township: u32, office: &Office) -> Paper {
    let t = township_name(book, township);
    let correction = correcting(book, township);
    let kind = if correction { "更正公示" } else { "公示" };
    let mut paper = Paper::default();
    paper.push(Block::Title(format!(
        "关于{}{t}{}年度村(社区)党组织书记星级评定结果的{kind}",
        office.district(),
        book.year
    )));
    paper.push(Block::Blank);
    let w = book.scheme.weights;
    paper.push(Block::Para(format!(
        "根据《{}》,经定量考核(占{}%)、{t}{}组织评价(占{}%)和群众评议(占{}%),\
         结合奖励加分和惩罚减分,现将{t}{}年度村(社区)党组织书记星级评定结果{kind}如下:",
        book.scheme.name,
        w.quantitative,
        committee(book, township),
        w.organizational,
        w.mass,
        book.year
    )));
    paper.push(Block::Blank);
    paper.push(Block::Table(results_table(book, township)));
    if correction {
        corrections(book, township, &mut paper);
    }
    paper.push(Block::Blank);
    paper.push(Block::Para(format!(
        "公示期:{}。",
        publicity_text(book, township)
    )));
    paper.push(Block::Para(format!(
        "公示期间,对评定结果如有异议,可向{t}{}或{}反映(来信、来电、来访均可)。\
         反映问题应实事求是,提倡署真实姓名。",
        committee(book, township),
        office.department()
    )));
    contacts(office, &mut paper);
    paper.push(Block::Blank);
    paper.push(signature(book, township, office));
    paper
}

/// The table of the township's secretaries: 序号, 村, 姓名, 总分, 考核结果, 星级.
fn results_table(book: &YearBook, township: u32) -> Grid {
    let rows = complete(book, township)
        .enumerate()
        .map(|(i, (e, f))| {
            vec![
                (i + 1).to_string(),
                village_of(book, e.secretary).0,
                book.name_of(e.secretary),
                format!("{:.2}", f.total),
                f.outcome.label().to_string(),
                stars_words(e.rating().stars),
            ]
        })
        .collect();
    Grid {
        heads: ["序号", "村(社区)", "姓名", "总分", "考核结果", "星级"]
            .map(String::from)
            .to_vec(),
        rows,
        figures: vec![0, 3],
    }
}

/// 更正情况: each secretary whose published figures this publication corrects, the
/// old and the new.
fn corrections(book: &YearBook, township: u32, paper: &mut Paper) {
    let changed: Vec<_> = book
        .entries
        .iter()
        .filter(|e| book.township_of(e.secretary) == Some(township))
        .filter_map(|e| Some((e, e.replaced()?)))
        .collect();
    paper.push(Block::Blank);
    if changed.is_empty() {
        paper.push(Block::Para(
            "本乡镇各书记的评定结果与上次公示相同。".to_string(),
        ));
        return;
    }
    paper.push(Block::Para(
        "经复核,下列党组织书记的评定结果更正如下(星级名额按全区计算,一处结果的调整可能影响其他书记的星级):"
            .to_string(),
    ));
    for (e, old) in changed {
        paper.push(Block::Para(format!(
            "{} {}:原为{},更正为{}。",
            village_of(book, e.secretary).0,
            book.name_of(e.secretary),
            posted(old),
            posted(e.rating())
        )));
    }
}

/// What a notice posts of a rating: total, result and stars (pay is not posted).
fn posted(r: &crate::scoring::Rating) -> String {
    match r.evaluation.figures() {
        Some(f) => format!(
            "{:.2}分、{}、{}",
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
            (v.name.to_string(), place)
        })
}

/// The bonus and penalty of a letter, with their reasons.
fn bonus_and_penalty(e: &crate::service::Entry, f: &crate::scoring::Figures) -> String {
    let a = &e.assessment();
    let mut out = if f.bonus > Decimal::ZERO {
        format!("奖励加分{:.2}分", f.bonus)
    } else {
        "无奖励加分".to_string()
    };
    if f.bonus > Decimal::ZERO {
        let mut notes = Vec::new();
        if !a.bonus_reason.trim().is_empty() {
            notes.push(format!("事由:{}", a.bonus_reason.trim()));
        }
        if f.bonus < f.bonus_claimed {
            notes.push(format!("申报{:.2}分,按上限计", f.bonus_claimed));
        }
        if !notes.is_empty() {
            out.push_str(&format!("({})", notes.join(";")));
        }
    }
    if f.penalty > Decimal::ZERO {
        out.push_str(&format!(",惩罚减分{:.2}分", f.penalty));
    } else {
        out.push_str(",无惩罚减分");
    }
    if f.penalty > Decimal::ZERO && !a.penalty_reason.trim().is_empty() {
        out.push_str(&format!("(事由:{})", a.penalty_reason.trim()));
    }
    out
}

/// One 明白信 per village of the township, each on its own page.
pub fn letters(book: &YearBook, township: u32, office: &Office) -> Paper {
    let t = township_name(book, township);
    let s = book.scheme_of(township);
    let aspects = aspects(book, township);
    let district = office.get(Setting::District).unwrap_or("我区");
    let mut paper = Paper::default();
    for (e, f) in complete(book, township) {
        let (village, place) = village_of(book, e.secretary);
        let name = book.name_of(e.secretary);
        let stars = match e.rating().stars {
            Some(0) => "未评上星级".to_string(),
            Some(n) => format!("{n}星级"),
            None => format!(
                "未定星(任职未满{})",
                crate::scoring::years(s.eligibility.years_in_post)
            ),
        };
        paper.page(
            format!("致{village}全体党员群众的一封信"),
            format!("({place}党组织书记星级评定明白信)"),
        );
        paper.push(Block::Line("尊敬的党员、群众:".to_string()));
        paper.push(Block::Para(format!(
            "为激励村(社区)党组织书记担当作为,{district}实行村(社区)党组织书记星级化管理,\
             每年从{aspects}进行考核:定量考核占{}%,{t}{}组织评价占{}%,群众评议占{}%,\
             另有奖励加分(最多{}分)和惩罚减分。根据总分评定星级,星级与绩效报酬挂钩,\
             每年重新评定、动态调整。",
            s.weights.quantitative,
            committee(book, township),
            s.weights.organizational,
            s.weights.mass,
            s.bonus.cap.normalize()
        )));
        let veto = if e.assessment().vetoed() {
            format!(
                "因{},实行一票否决。",
                e.assessment().veto_reason.trim().trim_end_matches('。')
            )
        } else {
            String::new()
        };
        paper.push(Block::Para(format!(
            "{}年度,本{place}党组织书记{name}同志的评定结果为:总分{:.2}分,考核结果“{}”,{stars}。\
             其中定量考核{:.2}分,组织评价{:.2}分,群众评议{:.2}分,{}。{veto}",
            book.year,
            f.total,
            f.outcome.label(),
            f.quantitative,
            f.organizational,
            f.mass,
            bonus_and_penalty(e, f)
        )));
        if let Some(old) = e.replaced() {
            paper.push(Block::Para(format!(
                "此前公示的结果为{},经复核更正为以上结果。",
                posted(old)
            )));
        }
        paper.push(Block::Para(format!(
            "您对评定结果或本{place}党组织书记的工作有意见和建议,请于公示期{}内,\
             向{t}{}或{}反映(来信、来电、来访均可)。感谢您对本{place}工作的关心和支持!",
            publicity_text(book, township),
            committee(book, township),
            office.department()
        )));
        contacts(office, &mut paper);
        paper.push(Block::Blank);
        paper.push(signature(book, township, office));
    }
    paper
}

/// The phone numbers as a broadcaster says them, each number a sentence of its own: a
/// number is never broken over two lines.
fn phone_lines(office: &Office) -> Vec<String> {
    use super::spoken;
    match office.get(Setting::Phone) {
        Some(numbers) => numbers
            .split('、')
            .enumerate()
            .map(|(i, n)| {
                let said = spoken::phone(n);
                if i == 0 {
                    format!("监督电话是:{said}。")
                } else {
                    format!("或者打:{said}。")
                }
            })
            .collect(),
        None => vec![format!("监督电话是:{}。", office.contact(Setting::Phone))],
    }
}

/// The 大喇叭 script: for each village, short sentences its broadcaster reads aloud,
/// numbers as they are spoken, the period and the phone number said twice.
pub fn broadcast(book: &YearBook, township: u32, office: &Office) -> Paper {
    use super::spoken;
    let t = township_name(book, township);
    let period = match book.record.township(township).publicity {
        Some((from, days)) => format!(
            "从{}起,到{}止,共{}天",
            spoken::date(from),
            spoken::date(publicity_end(from, days)),
            spoken::integer(days.into())
        ),
        None => format!("从{BLANK_DATE}起,到{BLANK_DATE}止"),
    };
    let phones = phone_lines(office);
    let correction = correcting(book, township);
    let kind = if correction { "更正公示" } else { "公示" };
    let stars_said = |stars: Option<u8>| match stars {
        Some(0) => "没有评上星级".to_string(),
        Some(n) => format!("评为{}星级", spoken::integer(n.into())),
        None => "任职不满规定年限,不定星级".to_string(),
    };
    let mut paper = Paper::default();
    for (e, f) in complete(book, township) {
        let (village, place) = village_of(book, e.secretary);
        paper.page(
            format!("{village}广播稿"),
            format!("({place}党组织书记星级评定结果{kind})"),
        );
        let mut lines = vec![
            format!(
                "各位党员、各位{}:",
                if place == "社区" {
                    "居民"
                } else {
                    "村民"
                }
            ),
            format!("现在广播一则{kind}。"),
            format!(
                "{t}{}度村和社区党组织书记星级评定的结果出来了。",
                spoken::date_year(book.year)
            ),
            format!(
                "本{place}党组织书记{}同志,总分{}分。",
                book.name_of(e.secretary),
                spoken::decimal(f.total)
            ),
            format!(
                "考核结果是{},这次{}。",
                f.outcome.label(),
                stars_said(e.rating().stars)
            ),
        ];
        if let Some(old) = e.replaced() {
            let plain = |stars: Option<u8>| match stars {
                Some(0) => "没有星级".to_string(),
                Some(n) => format!("{}星级", spoken::integer(n.into())),
                None => "不定星级".to_string(),
            };
            lines.push(format!(
                "前次公示的是{},经过复核,更正为{}。",
                plain(old.stars),
                plain(e.rating().stars)
            ));
        }
        lines.push(format!("公示时间{period}。"));
        lines.push(format!(
            "大家对评定结果有意见,可以向{t}{}或者{}反映。",
            committee(book, township),
            office.department()
        ));
        lines.push("来信、来电、来访都可以。".to_string());
        lines.extend(phones.iter().cloned());
        lines.push("再说一遍。".to_string());
        lines.push(format!("公示时间{period}。"));
        lines.extend(phones.iter().cloned());
        lines.push("广播完了。".to_string());
        for line in lines {
            paper.push(Block::Line(line));
        }
    }
    paper
}

/// Which paper of a township's publicity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Notice,
    Letters,
    Broadcast,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Notice => "公示",
            Kind::Letters => "明白信",
            Kind::Broadcast => "广播稿",
        }
    }

    pub fn paper(self, book: &YearBook, township: u32, office: &Office) -> Paper {
        match self {
            Kind::Notice => notice(book, township, office),
            Kind::Letters => letters(book, township, office),
            Kind::Broadcast => broadcast(book, township, office),
        }
    }
}

/// Is `name` one a paper can be written as: `.docx` or `.txt`? Checked before the
/// work, and again when the bytes are made.
pub fn check_name(name: &std::path::Path) -> Result<bool, String> {
    let extension = name
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "docx" => Ok(true),
        "txt" => Ok(false),
        other => Err(format!(
            "公示通知、明白信和广播稿可写成 Word 文件(.docx)或文本文件(.txt),不能写成{};请把文件名改为以 .docx 或 .txt 结尾",
            if other.is_empty() {
                "没有扩展名的文件".to_string()
            } else {
                format!(" .{other} 文件")
            }
        )),
    }
}

/// A paper as the bytes of a file named `name`: a Word file for `.docx`, Windows text
/// for `.txt`; another kind of name is refused, not written as text under it.
pub fn file_bytes(paper: &Paper, name: &std::path::Path) -> Result<Vec<u8>, String> {
    if check_name(name)? {
        paper.docx()
    } else {
        Ok(windows_text(&paper.text()))
    }
}
