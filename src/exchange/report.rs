//! The year report (§5): CSV with the exact columns, or text tables per township laid
//! out by display width, ending with the district summary sentence.

use std::io::Write;

use crate::scoring::{Evaluation, rating_stars_label, remarks};
use crate::service::workflow::stage_label;
use crate::service::{Entry, YearBook};
use crate::text::width;

pub const COLUMNS: [&str; 17] = [
    "年度",
    "乡镇",
    "村(社区)",
    "姓名",
    "定量考核",
    "组织评价",
    "群众评议",
    "加分",
    "减分",
    "总分",
    "考核结果",
    "星级",
    "星级变化",
    "绩效系数",
    "绩效报酬",
    "处理意见",
    "说明",
];

fn two(d: rust_decimal::Decimal) -> String {
    format!(
        "{:.2}",
        d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    )
}

/// The report's cells of one entry, in [`COLUMNS`] order.
pub fn row(book: &YearBook, entry: &Entry) -> [String; 17] {
    let (township, village) = book
        .district
        .place_names(entry.secretary)
        .map(|(t, v)| (t.to_string(), v.to_string()))
        .unwrap_or_default();
    let name = book
        .district
        .secretary_name(entry.secretary)
        .unwrap_or_default()
        .to_string();
    let r = &entry.rating();
    let note = remarks(book.scheme_for(entry.secretary), entry.assessment(), r);
    let figures = match &r.evaluation {
        Evaluation::Complete(f) => f,
        Evaluation::Incomplete(_) => {
            let mut cells: [String; 17] = Default::default();
            cells[0] = book.year.to_string();
            cells[1] = township;
            cells[2] = village;
            cells[3] = name;
            cells[10] = "未完成".to_string();
            cells[16] = note;
            return cells;
        }
    };
    [
        book.year.to_string(),
        township,
        village,
        name,
        two(figures.quantitative),
        two(figures.organizational),
        two(figures.mass),
        two(figures.bonus),
        two(figures.penalty),
        two(figures.total),
        figures.outcome.label().to_string(),
        rating_stars_label(r),
        r.change.map(|c| c.label()).unwrap_or_default(),
        r.coefficient.map(two).unwrap_or_default(),
        // Pay is whole yuan already (rounded half-up by the scoring module).
        r.pay.map(|p| p.normalize().to_string()).unwrap_or_default(),
        r.consequence
            .map(|c| c.label().to_string())
            .unwrap_or_default(),
        note,
    ]
}

pub fn rows(book: &YearBook) -> Vec<[String; 17]> {
    book.entries.iter().map(|e| row(book, e)).collect()
}

/// The entries cut in two at a township's first row near the middle: the two halves
/// of a report are made on the machine's two cores, then joined in order.
fn halves(book: &YearBook) -> [&[Entry]; 2] {
    let entries = &book.entries[..];
    let mut cut = entries.len() / 2;
    while cut > 0
        && cut < entries.len()
        && book.township_of(entries[cut - 1].secretary) == book.township_of(entries[cut].secretary)
    {
        cut += 1;
    }
    let (a, b) = entries.split_at(cut);
    [a, b]
}

/// `write` applied to each half of the entries on its own thread, the bytes in order.
fn in_two(
    book: &YearBook,
    write: impl Fn(&[Entry], &mut Vec<u8>) -> std::io::Result<()> + Sync,
) -> std::io::Result<Vec<u8>> {
    let [first, second] = halves(book);
    let write = &write;
    let half = move |entries: &[Entry]| {
        let mut bytes = Vec::new();
        write(entries, &mut bytes).map(|()| bytes)
    };
    let (mut a, b) = std::thread::scope(|s| {
        // A server out of threads makes the second half afterwards, on this one.
        let later = std::thread::Builder::new()
            .spawn_scoped(s, move || half(second))
            .ok();
        let first = half(first);
        let second = match later {
            Some(later) => later
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => half(second),
        };
        (first, second)
    });
    if let Ok(bytes) = &mut a {
        bytes.extend_from_slice(&b?);
    }
    a
}

/// CSV, UTF-8 with a BOM (Excel on Chinese Windows opens it), or GBK for old tools.
pub fn write_csv(book: &YearBook, out: &mut dyn Write, gbk: bool) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut buffer);
        w.write_record(COLUMNS)?;
        w.flush()?;
    }
    // Row by row: a province's rows are never all held as text at once.
    buffer.extend(in_two(book, |entries, bytes| {
        let mut w = csv::Writer::from_writer(bytes);
        for e in entries {
            w.write_record(row(book, e))?;
        }
        w.flush()
    })?);
    if gbk {
        let text = String::from_utf8(buffer).expect("csv writes UTF-8");
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        out.write_all(&bytes)
    } else {
        out.write_all(b"\xEF\xBB\xBF")?;
        out.write_all(&buffer)
    }
}

/// Text: a table per township laid out by display width, then the summary sentence.
pub fn write_text(book: &YearBook, out: &mut dyn Write) -> std::io::Result<()> {
    // The header says whether the figures are approved, and ends with what is missing.
    writeln!(
        out,
        "{} 年度村(社区)党组织书记星级评定结果({};{})",
        book.year,
        approval_word(book),
        unfinished(book)
    )?;
    // The rows come in the official order: a township's rows are together. One pass
    // (a country has tens of thousands of townships).
    // Said as the year's progress says it (须更正, 更正公示).
    let years = book.record.stages();
    let stages: std::collections::HashMap<&str, &str> = book
        .district
        .townships
        .iter()
        .map(|(id, t)| {
            let (stage, correction) = years.get(id).copied().unwrap_or_default();
            (t.name.as_str(), stage_label(stage, correction))
        })
        .collect();
    out.write_all(&in_two(book, |entries, out| {
        write_townships(book, entries, &stages, out)
    })?)?;
    writeln!(out)?;
    writeln!(out, "{}", book.summary())
}

/// The text tables of the townships whose rows are `entries`.
fn write_townships(
    book: &YearBook,
    entries: &[Entry],
    stages: &std::collections::HashMap<&str, &str>,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    // Township by township, each one's rows made, laid out and dropped: a province's
    // rows are never all held as text at once.
    for entries in
        entries.chunk_by(|a, b| book.township_of(a.secretary) == book.township_of(b.secretary))
    {
        let group: Vec<[String; 17]> = entries.iter().map(|e| row(book, e)).collect();
        // Each cell is measured once (a province's report has millions of cells).
        let measured: Vec<[usize; 17]> = group
            .iter()
            .map(|r| r.each_ref().map(|c| width(c)))
            .collect();
        let heading = COLUMNS.map(width);
        let mut widths = heading;
        for cells in &measured {
            for (w, cell) in widths.iter_mut().zip(cells) {
                *w = (*w).max(*cell);
            }
        }
        let township = group[0][1].as_str();
        let stage = stages.get(township).copied().unwrap_or_default();
        writeln!(out)?;
        writeln!(out, "【{township}】 {} 名 · {stage}", group.len())?;
        let mut text = String::new();
        lay_out(&COLUMNS, &heading, &widths, &mut text);
        writeln!(out, "{text}")?;
        writeln!(out, "{}", "-".repeat(width(&text)))?;
        for (cells, measured) in group.iter().zip(&measured) {
            lay_out(
                &cells.each_ref().map(String::as_str),
                measured,
                &widths,
                &mut text,
            );
            writeln!(out, "{text}")?;
        }
    }
    Ok(())
}

/// One line of a township's text table into `text`: the cells shown (村, 姓名, 定量 …
/// 处理意见, 说明; year and township are headings), figures right-aligned, each padded to
/// its column's width. `measured`: each cell's display width.
fn lay_out(cells: &[&str; 17], measured: &[usize; 17], widths: &[usize; 17], text: &mut String) {
    let right = |c: usize| (4..=9).contains(&c) || c == 13 || c == 14;
    text.clear();
    for c in 2..17 {
        if c > 2 {
            text.push_str("  ");
        }
        let fill = std::iter::repeat_n(' ', widths[c].saturating_sub(measured[c]));
        if right(c) {
            text.extend(fill);
            text.push_str(cells[c]);
        } else {
            text.push_str(cells[c]);
            text.extend(fill);
        }
    }
    text.truncate(text.trim_end().len());
}

/// 已审定 when every township shown is approved, else 未审定 (with how many are).
pub fn approval_word(book: &YearBook) -> String {
    let townships = book.townships();
    let approved = townships
        .iter()
        .filter(|t| book.record.stage(**t) == crate::domain::Stage::Approved)
        .count();
    match approved {
        n if n == townships.len() && n > 0 => "已审定".to_string(),
        0 => "未审定".to_string(),
        n => format!("未审定:{n}/{} 个乡镇已审定", townships.len()),
    }
}

/// `尚未录入 N 名、未完成 M 名` (or that every secretary is entered and complete).
pub fn unfinished(book: &YearBook) -> String {
    let people = book.people();
    let missing = people.iter().filter(|p| book.entry(**p).is_none()).count();
    let incomplete = people
        .iter()
        .filter_map(|p| book.entry(*p))
        .filter(|e| e.rating().evaluation.figures().is_none())
        .count();
    if missing == 0 && incomplete == 0 {
        format!("{} 名书记的考核均已完成", people.len())
    } else {
        format!("尚未录入 {missing} 名、考核未完成 {incomplete} 名")
    }
}
