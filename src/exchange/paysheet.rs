//! The 发放表 the finance office pays from (以星定酬): one sheet a township with 序号,
//! 村(社区), 姓名, 星级, 绩效系数, 绩效报酬 and a column to sign, a total row, and the
//! lines for who made and checked it. A4, the heading repeated on every page.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError};

use super::xlsx::{fit, print_ready, sheet_name, two_places, whole};
use crate::domain::{Office, Setting, Stage};
use crate::service::{Entry, YearBook};
use crate::text::width;

const HEADS: [&str; 7] = [
    "序号",
    "村(社区)",
    "姓名",
    "星级",
    "绩效系数",
    "绩效报酬(元)",
    "领取人签字",
];

/// The workbook's bytes: a sheet for each of `townships` (one with nobody complete says
/// 合计 0 人).
pub fn paysheet_bytes(
    book: &YearBook,
    townships: &[u32],
    office: &Office,
) -> Result<Vec<u8>, XlsxError> {
    // Each township's entries, in the official order, found in one pass (not one
    // pass over the district for each township).
    let mut theirs: std::collections::HashMap<u32, Vec<&Entry>> =
        townships.iter().map(|&t| (t, Vec::new())).collect();
    for e in &book.entries {
        if let Some(list) = book
            .township_of(e.secretary)
            .and_then(|t| theirs.get_mut(&t))
        {
            list.push(e);
        }
    }
    let mut workbook = Workbook::new();
    for &t in townships {
        let entries = theirs.get(&t).map_or(&[][..], Vec::as_slice);
        township_sheet(workbook.add_worksheet(), book, (t, entries), office)?;
    }
    workbook.save_to_buffer()
}

fn bordered(format: Format) -> Format {
    format.set_border(FormatBorder::Thin)
}

fn township_sheet(
    sheet: &mut Worksheet,
    book: &YearBook,
    (township, entries): (u32, &[&Entry]),
    office: &Office,
) -> Result<(), XlsxError> {
    let name = book
        .district
        .township(township)
        .map_or(String::new(), |t| t.name.to_string());
    sheet.set_name(sheet_name(&name))?;
    let title = heading(sheet, book, township, &name, office)?;
    let text = bordered(Format::new());
    let centered = bordered(Format::new().set_align(FormatAlign::Center));
    let (two, yuan) = (bordered(two_places()), bordered(whole()));
    let mut r = 3u32;
    let mut total = Decimal::ZERO;
    let mut widths = HEADS.map(width);
    let mut not_paid = 0;
    for e in entries {
        let (Some(coefficient), Some(pay)) = (e.rating().coefficient, e.rating().pay) else {
            not_paid += 1;
            continue;
        };
        let village = book
            .district
            .place_names(e.secretary)
            .map_or(String::new(), |(_, v)| v.to_string());
        let person = book.name_of(e.secretary);
        widths[1] = widths[1].max(width(&village));
        widths[2] = widths[2].max(width(&person));
        sheet.write_number_with_format(r, 0, f64::from(r - 2), &centered)?;
        sheet.write_string_with_format(r, 1, &village, &text)?;
        sheet.write_string_with_format(r, 2, &person, &text)?;
        match e.rating().stars {
            Some(n) => sheet.write_number_with_format(r, 3, f64::from(n), &centered)?,
            None => sheet.write_string_with_format(r, 3, "未定星", &centered)?,
        };
        sheet.write_number_with_format(r, 4, number(coefficient), &two)?;
        sheet.write_number_with_format(r, 5, number(pay), &yuan)?;
        sheet.write_blank(r, 6, &text)?;
        // Room for a signature.
        sheet.set_row_height(r, 24)?;
        total += pay;
        r += 1;
    }
    let bold = bordered(Format::new().set_bold());
    sheet.merge_range(
        r,
        0,
        r,
        2,
        "合计",
        &bordered(Format::new().set_bold().set_align(FormatAlign::Center)),
    )?;
    sheet.write_string_with_format(r, 3, format!("{} 人", r - 3), &bold)?;
    sheet.write_blank(r, 4, &bold)?;
    let sum = if r > 3 {
        Formula::new(format!("=SUM(F4:F{r})")).set_result(total.to_string())
    } else {
        Formula::new("=0").set_result("0")
    };
    sheet.write_formula_with_format(r, 5, sum, &bordered(whole().set_bold()))?;
    sheet.write_blank(r, 6, &bold)?;
    let mut below = r + 2;
    if not_paid > 0 {
        sheet.write_string(
            below,
            0,
            format!("另有 {not_paid} 名书记考核未完成,未列入本表。"),
        )?;
        below += 1;
    }
    sheet.write_string(
        below,
        0,
        "制表人:__________    审核人:__________    单位负责人:__________    日期:____年__月__日",
    )?;
    for (c, w) in widths.iter().enumerate() {
        let w = if c == 6 { 16 } else { *w };
        sheet.set_column_width(c as u16, fit(w))?;
    }
    print_ready(sheet, false, (0, 2), &title)?;
    Ok(())
}

/// The title over the table, whether it may be paid from, and the column headings.
/// Returns the title (the printed page's header too).
fn heading(
    sheet: &mut Worksheet,
    book: &YearBook,
    township: u32,
    name: &str,
    office: &Office,
) -> Result<String, XlsxError> {
    let approved = book.record.stage(township) == Stage::Approved;
    let title = format!(
        "{}{name}{}年度村(社区)党组织书记绩效报酬发放表",
        office.get(Setting::District).unwrap_or(""),
        book.year
    );
    let title_format = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    sheet.merge_range(0, 0, 0, 6, &title, &title_format)?;
    sheet.write_string(
        1,
        0,
        if approved {
            "已审定"
        } else {
            "未审定:结果仍可能改变,仅供核对,不作发放依据"
        },
    )?;
    sheet.write_string_with_format(
        1,
        6,
        "单位:元",
        &Format::new().set_align(FormatAlign::Right),
    )?;
    let head = bordered(Format::new().set_bold().set_align(FormatAlign::Center));
    for (c, h) in HEADS.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &head)?;
    }
    Ok(title)
}

/// An exact decimal of at most 2 places as Excel's number.
fn number(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(0.0)
}
