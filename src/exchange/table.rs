//! Reading a table file (§5): CSV in UTF-8 (with or without BOM) or GBK/GB18030,
//! or the first sheet of an Excel workbook. Cells come out as trimmed text.

use std::path::Path;

use calamine::{Data, Reader};
use jiff::civil::Date;

use super::ImportError;

/// One data row and its line in the file (the header is line 1).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    /// The header's line in the file (1 unless a title stands above it).
    pub header_line: usize,
    /// What was read past, for the summary: title lines, a 合计 row.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Words that make a row a total, not a person.
const TOTAL_WORDS: [&str; 3] = ["合计", "总计", "小计"];

impl Table {
    /// A sheet as offices make them, with a title (and perhaps a date line) above the
    /// header: when the first row is not the header, the first of the next ten rows
    /// that holds at least two of the `known` column names is, and the lines above it
    /// are dropped. A first row that is the header stays as it is.
    pub fn header_among(mut self, known: &[&str]) -> Table {
        let hits = |cells: &[String]| {
            cells
                .iter()
                .filter(|c| known.contains(&normalize_header(c).as_str()))
                .count()
        };
        if hits(&self.headers) < 2.min(known.len())
            && let Some(i) = self.rows.iter().take(10).position(|r| hits(&r.cells) >= 2)
        {
            let header = self.rows[i].clone();
            self.rows.drain(..=i);
            self.headers = header.cells.iter().map(|h| normalize_header(h)).collect();
            self.notes.push(match header.line - 1 {
                1 => "略过表头上方的第 1 行(标题)".to_string(),
                above => format!("略过表头上方的第 1–{above} 行(标题)"),
            });
            self.header_line = header.line;
        }
        // Rows at the end that add up the ones above (合计, 总计).
        while let Some(last) = self.rows.last()
            && last.cells.iter().find(|c| !c.is_empty()).is_some_and(|c| {
                // 合　计, 合计:, as offices space and mark it.
                let word: String = c
                    .chars()
                    .filter(|ch| !ch.is_whitespace() && !":\u{ff1a}".contains(*ch))
                    .collect();
                TOTAL_WORDS.contains(&word.as_str())
            })
        {
            let line = last.line;
            self.rows.pop();
            self.notes.push(format!("略过第 {line} 行(合计行)"));
        }
        self
    }

    /// The cell of `column` (an index into `headers`), empty when the row is short.
    pub fn cell(row: &Row, column: Option<usize>) -> &str {
        column
            .and_then(|c| row.cells.get(c))
            .map_or("", |s| s.as_str())
    }
}

pub fn read_table(path: &Path) -> Result<Table, ImportError> {
    let file = path.display().to_string();
    let is_excel = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "xlsx" | "xlsm" | "xls" | "ods"
        )
    });
    let table = if is_excel {
        read_workbook(path).map_err(|reason| ImportError::File {
            file: file.clone(),
            reason,
        })?
    } else {
        let bytes = std::fs::read(path).map_err(|e| ImportError::File {
            file: file.clone(),
            reason: crate::text::io_reason(&e),
        })?;
        let text = decode_text(&bytes).ok_or_else(|| ImportError::File {
            file: file.clone(),
            reason: "无法识别文件编码(应为 UTF-8 或 GBK)".to_string(),
        })?;
        parse_csv(&text).map_err(|reason| ImportError::File {
            file: file.clone(),
            reason,
        })?
    };
    if table.headers.iter().all(|h| h.is_empty()) {
        return Err(ImportError::File {
            file,
            reason: "文件是空的,没有表头".to_string(),
        });
    }
    Ok(table)
}

/// UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030 (a superset of
/// GBK, what Excel on Chinese Windows saves). None when neither fits.
pub fn decode_text(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
}

/// A header as written by hand or by Excel: full-width parentheses and spaces are common.
pub fn normalize_header(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

fn clean_cell(cell: &str) -> String {
    // Almost every cell has no control character (C0, DEL, or C1, whose UTF-8 starts
    // 0xC2): trimmed and copied once.
    if !cell.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        return cell.trim().to_string();
    }
    cell.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

/// A CSV text (already decoded) as a table.
pub fn parse_csv(text: &str) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    // Newlines counted so far, up to `counted` (each record counts only its own span,
    // never from the start of the file again).
    let (mut counted, mut newlines) = (0usize, 0usize);
    for record in reader.records() {
        let record = record.map_err(|e| format!("CSV 格式错误:{e}"))?;
        // The physical line (as Excel numbers rows): csv's own count skips blank lines.
        let offset = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(text.len());
        // The position may point at blank lines before the record: step over them.
        let start =
            offset + text[offset..].len() - text[offset..].trim_start_matches(['\r', '\n']).len();
        let span = text.as_bytes().get(counted..start).unwrap_or_default();
        newlines += span.iter().filter(|&&b| b == b'\n').count();
        counted = counted.max(start);
        let line = newlines + 1;
        records.push((line, record.iter().map(clean_cell).collect::<Vec<_>>()));
    }
    Ok(into_table(records))
}

fn into_table(records: Vec<(usize, Vec<String>)>) -> Table {
    let mut records = records
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let (header_line, headers) = records
        .next()
        .map(|(line, cells)| (line, cells.iter().map(|h| normalize_header(h)).collect()))
        .unwrap_or((1, Vec::new()));
    let rows = records.map(|(line, cells)| Row { line, cells }).collect();
    Table {
        headers,
        rows,
        header_line,
        notes: Vec::new(),
    }
}

/// Why a workbook cannot be read, in the clerk's words and with what to do.
fn workbook_reason(e: calamine::Error) -> String {
    match e {
        calamine::Error::Io(io) => crate::text::io_reason(&io),
        _ => "不是能读取的 Excel 文件(可能已损坏、有密码保护,或其实是别的格式);\
              请用 Excel 或 WPS 打开,另存为 .xlsx 或 CSV 后再导入"
            .to_string(),
    }
}

fn read_workbook(path: &Path) -> Result<Table, String> {
    let mut workbook = calamine::open_workbook_auto(path).map_err(workbook_reason)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or("Excel 文件没有工作表")?
        .map_err(workbook_reason)?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let records = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![String::new(); first_col];
            cells.extend(row.iter().map(cell_text));
            (first_row + i + 1, cells)
        })
        .collect();
    Ok(into_table(records))
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean_cell(s),
        Data::Int(i) => i.to_string(),
        // Shortest form that reads back as the same number: 5.5 → "5.5", 7.0 → "7".
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            excel_date(d.as_f64()).map_or_else(|| d.as_f64().to_string(), |d| d.to_string())
        }
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or("").to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial date (1900 system, with Excel's phantom 1900-02-29) as a date.
fn excel_date(serial: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let mut days = serial.trunc() as i64;
    if days < 61 {
        days += 1;
    }
    let epoch = Date::new(1899, 12, 30).ok()?;
    epoch.checked_add(jiff::Span::new().days(days)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_lose_control_characters_and_surrounding_space() {
        for (cell, clean) in [
            (" 张三 ", "张三"),
            ("\u{3000}欧阳娜娜\u{3000}", "欧阳娜娜"),
            ("张\t三", "张三"),
            ("马邑\u{85}村", "马邑村"),
            ("\u{7f}85.5\r", "85.5"),
            // ¢ is written C2 A2 in UTF-8 like the C1 controls (C2 80–9F), and is kept.
            ("5¢", "5¢"),
            ("\u{a0}好\u{a0}", "好"),
            ("", ""),
        ] {
            assert_eq!(clean_cell(cell), clean, "{cell:?}");
        }
    }

    #[test]
    fn total_rows_at_the_end_are_read_past_however_they_are_spaced() {
        for total in [
            "合计",
            "合 计",
            "合\u{3000}计",
            "合计:",
            "总计",
            "小\u{3000}\u{3000}计",
        ] {
            let text = format!("乡镇,村(社区),姓名\n神头镇,马邑村,张三\n{total},,\n");
            let table = parse_csv(&text)
                .unwrap()
                .header_among(&["乡镇", "村(社区)", "姓名"]);
            assert_eq!(table.rows.len(), 1, "{total}");
            assert_eq!(table.notes, vec!["略过第 3 行(合计行)".to_string()]);
        }
        // A person's row is never taken for a total, nor a total in the middle.
        let text = "乡镇,村(社区),姓名\n合计村,马邑村,张三\n神头镇,合计,李四\n";
        let table = parse_csv(text)
            .unwrap()
            .header_among(&["乡镇", "村(社区)", "姓名"]);
        assert_eq!(table.rows.len(), 2);
    }

    #[test]
    fn utf8_with_bom_and_gbk_read_the_same() {
        let text = "乡镇,村(社区),姓名\n神头镇,马邑村,张三\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_ne!(gbk.as_ref(), text.as_bytes());
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(text.as_bytes());
        for bytes in [text.as_bytes(), &bom, gbk.as_ref()] {
            assert_eq!(decode_text(bytes).as_deref(), Some(text));
        }
        assert_eq!(decode_text(&[0xff, 0xff, 0xff]), None);
    }

    #[test]
    fn rows_keep_their_file_line_and_blank_rows_are_skipped() {
        let t =
            parse_csv("乡镇, 村（社区） ,姓名\n\n神头镇,马邑村, 张三 \n,,\n利民镇,\"东村\",李四\n")
                .unwrap();
        assert_eq!(t.headers, ["乡镇", "村(社区)", "姓名"]);
        assert_eq!(
            t.rows[0],
            Row {
                line: 3,
                cells: vec!["神头镇".into(), "马邑村".into(), "张三".into()]
            }
        );
        assert_eq!(t.rows[1].line, 5);
        // A cell over two lines: the next row is numbered after both.
        let t = parse_csv("a,b\n\"x\ny\",z\n\nc,d\n").unwrap();
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 5]);
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(excel_date(43525.0), Date::new(2019, 3, 1).ok());
        assert_eq!(excel_date(1.0), Date::new(1900, 1, 1).ok());
        assert_eq!(excel_date(61.0), Date::new(1900, 3, 1).ok());
    }
}
