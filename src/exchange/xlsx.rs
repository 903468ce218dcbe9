//! The year report as an Excel workbook: one sheet per township with the report's
//! columns, and a district summary sheet with the star distribution (§5).

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::report::{COLUMNS, rows};
use crate::service::YearBook;
use crate::text::width;

/// Excel column width for Chinese text: about one unit per display cell, plus margin.
pub(super) fn fit(cells: usize) -> f64 {
    (cells as f64 + 2.0).min(60.0)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub(super) fn sheet_name(name: &str) -> String {
    name.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

pub fn write_xlsx(book: &YearBook, path: &Path) -> Result<(), XlsxError> {
    workbook(book)?.save(path)
}

/// The workbook's bytes, to be written by `output::write_output`.
pub fn xlsx_bytes(book: &YearBook) -> Result<Vec<u8>, XlsxError> {
    workbook(book)?.save_to_buffer()
}

/// A4, fitted to the page's width, the header row(s) repeated on every page.
pub(super) fn print_ready(
    sheet: &mut rust_xlsxwriter::Worksheet,
    landscape: bool,
    header_rows: (u32, u32),
    title: &str,
) -> Result<(), XlsxError> {
    sheet.set_paper_size(9);
    if landscape {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(header_rows.0, header_rows.1)?;
    sheet.set_header(format!("&C{}", title.replace('&', "&&")));
    sheet.set_footer("&C第 &P 页,共 &N 页");
    Ok(())
}

/// Two decimals (scores, coefficients): 80.20, 1.00.
pub(super) fn two_places() -> Format {
    Format::new().set_num_format("0.00")
}

/// Whole numbers: yuan, stars.
pub(super) fn whole() -> Format {
    Format::new().set_num_format("0")
}

/// The summary sheet's name: a township clerk's workbook sums up their own township,
/// not the district.
fn summary_name(book: &YearBook) -> String {
    match book
        .shown_township()
        .and_then(|t| book.district.township(t))
    {
        Some(t) => sheet_name(&format!("{}汇总", t.name)),
        None => "全区汇总".to_string(),
    }
}

fn workbook(book: &YearBook) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let all = rows(book);

    // The summary first: the star distribution per township.
    let summary = workbook.add_worksheet();
    summary.set_name(summary_name(book))?;
    summary.write_string_with_format(
        0,
        0,
        format!(
            "{} 年度村(社区)党组织书记星级评定汇总({})",
            book.year,
            crate::exchange::report::approval_word(book)
        ),
        &bold,
    )?;
    let heads = [
        "乡镇(街道)",
        "人数",
        "5星",
        "4星",
        "3星",
        "2星",
        "1星",
        "0星",
        "未定星",
        "未完成",
        "优先选拔",
        "诫勉整改",
        "建议调整",
    ];
    for (c, h) in heads.iter().enumerate() {
        summary.write_string_with_format(2, c as u16, *h, &bold)?;
        summary.set_column_width(c as u16, fit(width(h).max(6)))?;
    }
    let mut widest = width(heads[0]);
    let mut r = 3;
    let mut totals = [0u32; 12];
    // A township's rows are together (the official order): grouped in one pass.
    let groups: std::collections::HashMap<&str, &[[String; 17]]> = all
        .chunk_by(|a, b| a[1] == b[1])
        .map(|g| (g[0][1].as_str(), g))
        .collect();
    for (_, t) in &book.district.townships {
        let mine: Vec<&[String; 17]> = groups
            .get(t.name.as_str())
            .map(|g| g.iter().collect())
            .unwrap_or_default();
        if mine.is_empty() {
            continue;
        }
        widest = widest.max(width(&t.name));
        let count =
            |f: &dyn Fn(&[String; 17]) -> bool| mine.iter().filter(|row| f(row)).count() as u32;
        let mut figures = vec![mine.len() as u32];
        for s in ["5", "4", "3", "2", "1", "0", "未定星"] {
            figures.push(count(&|row| row[11] == s));
        }
        figures.push(count(&|row| row[10] == "未完成"));
        for c in ["优先选拔", "诫勉整改", "建议调整"] {
            figures.push(count(&|row| row[15] == c));
        }
        summary.write_string(r, 0, t.name.as_str())?;
        for (i, n) in figures.iter().enumerate() {
            summary.write_number(r, i as u16 + 1, f64::from(*n))?;
            totals[i] += n;
        }
        r += 1;
    }
    summary.write_string_with_format(r, 0, "合计", &bold)?;
    for (i, n) in totals.iter().enumerate() {
        summary.write_number_with_format(r, i as u16 + 1, f64::from(*n), &bold)?;
    }
    summary.set_column_width(0, fit(widest))?;
    summary.write_string(r + 2, 0, book.summary())?;
    print_ready(
        summary,
        true,
        (2, 2),
        &format!("{} 年度星级评定汇总", book.year),
    )?;

    // One sheet per township, with the report's own columns and Chinese headers, then
    // the township's own item scores (each township may score on its own items).
    let pairs: Vec<(&crate::service::Entry, &[String; 17])> =
        book.entries.iter().zip(&all).collect();
    let sheets: std::collections::HashMap<&str, &[(&crate::service::Entry, &[String; 17])]> = pairs
        .chunk_by(|a, b| a.1[1] == b.1[1])
        .map(|g| (g[0].1[1].as_str(), g))
        .collect();
    for (id, t) in &book.district.townships {
        let mine: Vec<(&crate::service::Entry, &[String; 17])> = sheets
            .get(t.name.as_str())
            .map(|g| g.to_vec())
            .unwrap_or_default();
        if mine.is_empty() {
            continue;
        }
        township_sheet(workbook.add_worksheet(), book, *id, &t.name, &mine, &bold)?;
    }
    Ok(workbook)
}

/// A township's sheet: the report's columns, then one column per item of its scheme.
fn township_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    book: &YearBook,
    township: u32,
    name: &str,
    mine: &[(&crate::service::Entry, &[String; 17])],
    bold: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(name))?;
    let items: Vec<&crate::scoring::Item> = book.scheme_of(township).items().collect();
    let item_heads: Vec<String> = items
        .iter()
        .map(|i| format!("{}({})", i.name, i.max.normalize()))
        .collect();
    for (c, h) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, bold)?;
    }
    let first_item = COLUMNS.len() as u16;
    for (k, h) in item_heads.iter().enumerate() {
        sheet.write_string_with_format(0, first_item + k as u16, h, bold)?;
        sheet.set_column_width(first_item + k as u16, fit(width(h)))?;
    }
    let (two, whole) = (two_places(), whole());
    for (i, (entry, row)) in mine.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let format = match c {
                4..=9 | 13 => Some(&two),
                // 绩效报酬 in whole yuan; 星级 0–5 a number (未定星 stays words).
                11 | 14 => Some(&whole),
                _ => None,
            };
            match (cell.parse::<f64>(), format) {
                // Figures are exact decimals of at most 2 places: Excel shows them as written.
                (Ok(n), Some(format)) => sheet.write_number_with_format(r, c as u16, n, format)?,
                _ => sheet.write_string(r, c as u16, cell)?,
            };
        }
        for (k, item) in items.iter().enumerate() {
            if let Some(n) = entry
                .assessment()
                .items
                .get(&item.name)
                .and_then(|d| d.to_string().parse::<f64>().ok())
            {
                sheet.write_number_with_format(r, first_item + k as u16, n, &two)?;
            }
        }
    }
    for c in 0..COLUMNS.len() {
        let w = mine
            .iter()
            .map(|(_, row)| width(&row[c]))
            .chain([width(COLUMNS[c])])
            .max()
            .unwrap_or(4);
        sheet.set_column_width(c as u16, fit(w))?;
    }
    sheet.set_freeze_panes(1, 4)?;
    print_ready(
        sheet,
        true,
        (0, 0),
        &format!(
            "{name} {} 年度村(社区)党组织书记星级评定结果({})",
            book.year,
            crate::exchange::report::approval_word(book)
        ),
    )?;
    Ok(())
}
