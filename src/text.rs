//! Text rules of docs/architecture.md, "Chinese text" that are not about drawing: what may enter the database
//! from a keyboard, a paste or a file, and display-width layout for plain-text output.

use unicode_width::UnicodeWidthStr;

/// Characters that never belong in a name or a reason: control characters,
/// zero-width joiners and variation selectors, the BOM.
fn unwanted(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// One line of user text (a name, a reason): unwanted characters removed, tabs and
/// line breaks become spaces.
pub fn clean_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .filter(|&c| !unwanted(c))
        .collect()
}

/// Multi-line user text (notes, measures): line breaks kept, CRLF made LF.
pub fn clean_multiline(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|&c| c == '\n' || !unwanted(c))
        .collect()
}

/// Display width in terminal cells.
pub fn width(text: &str) -> usize {
    // Figures and dates are printable ASCII: one cell a byte.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.len();
    }
    UnicodeWidthStr::width(text)
}

/// Cut `text` to at most `max` cells, ending in `..` when cut; never through a wide character.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max < 2 {
        return ".".repeat(max);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max - 2 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str("..");
    out
}

/// Pad (or cut) to exactly `cells` cells, left-aligned.
pub fn pad(text: &str, cells: usize) -> String {
    let t = truncate(text, cells);
    let fill = cells.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(fill))
}

/// Pad (or cut) to exactly `cells` cells, right-aligned.
pub fn pad_left(text: &str, cells: usize) -> String {
    let t = truncate(text, cells);
    let fill = cells.saturating_sub(width(&t));
    format!("{}{t}", " ".repeat(fill))
}

/// Break `text` into lines of at most `cells` cells, never through a wide character.
/// (Chinese may break between any two characters.)
pub fn wrap(text: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(2);
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > cells {
            // Break after the last space when there is one, so numbers stay whole.
            let current = lines.last_mut().expect("at least one line");
            let carried = match current.rfind(' ') {
                Some(i) if i > 0 => current.split_off(i + 1),
                _ => String::new(),
            };
            used = width(&carried);
            lines.push(carried);
        }
        lines.last_mut().expect("at least one line").push(c);
        used += w;
    }
    lines
}

/// How many of a list a message names before it counts the rest.
pub const LISTED: usize = 12;

/// A list in a message, joined with 、: at most [`LISTED`] of it, then how many in all
/// (`unit`: 个乡镇, 名) where there are more (a province has 25,000 townships).
pub fn listed<T: AsRef<str>>(items: &[T], unit: &str) -> String {
    let shown: Vec<&str> = items.iter().take(LISTED).map(AsRef::as_ref).collect();
    let joined = shown.join("、");
    if items.len() > LISTED {
        format!("{joined} 等 {} {unit}", items.len())
    } else {
        joined
    }
}

/// Why a file could not be read, in words (not `os error 2`).
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        std::io::ErrorKind::IsADirectory => "这是一个文件夹".to_string(),
        std::io::ErrorKind::InvalidData => "内容无法读取(文件可能已损坏)".to_string(),
        _ => format!(
            "无法读取(系统错误代码 {});请检查文件是否完好、磁盘是否正常",
            e.raw_os_error().unwrap_or(0)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_joiners_and_selectors_are_stripped() {
        assert_eq!(clean_line("张\u{200D}三\u{FE0F}\x1b[31m"), "张三[31m");
        assert_eq!(clean_line("a\tb\nc"), "a b c");
        assert_eq!(clean_multiline("一\r\n二\u{7}"), "一\n二");
    }

    #[test]
    fn width_counts_cells_not_chars() {
        assert_eq!(width("张三"), 4);
        assert_eq!(width("阿依古丽·买买提"), 15); // · is narrow by Unicode
        assert_eq!(width("𠮷"), 2);
        assert_eq!(pad("欧阳娜娜", 10), "欧阳娜娜  ");
        assert_eq!(pad_left("张三", 6), "  张三");
    }

    #[test]
    fn wrapping_keeps_every_line_within_its_width() {
        let sentence =
            "共评定112名,产生5星级党组织书记5名、4星级党组织书记11名,3星及以下党组织书记96名";
        let lines = wrap(sentence, 78);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| width(l) <= 78));
        assert_eq!(lines.concat(), sentence);
        assert_eq!(wrap("张三李四", 5), ["张三", "李四"]);
        assert_eq!(wrap("M 68.57 x 20%", 9), ["M 68.57 ", "x 20%"]);
    }

    #[test]
    fn a_long_list_in_a_message_names_a_few_and_counts_them_all() {
        let few = ["东东镇", "西东镇"];
        assert_eq!(listed(&few, "个乡镇"), "东东镇、西东镇");
        let many: Vec<String> = (0..25_077).map(|k| format!("乡镇{k}")).collect();
        let said = listed(&many, "个乡镇");
        assert!(said.starts_with("乡镇0、乡镇1、"), "{said}");
        assert!(
            said.ends_with(&format!("乡镇{} 等 25077 个乡镇", LISTED - 1)),
            "{said}"
        );
        assert_eq!(said.matches('、').count(), LISTED - 1);
    }

    #[test]
    fn truncation_never_splits_a_wide_character() {
        assert_eq!(truncate("阿依古丽·买买提", 8), "阿依古..");
        assert_eq!(truncate("欧阳娜娜", 7), "欧阳..");
        assert_eq!(width(&truncate("欧阳娜娜", 7)), 6);
        assert_eq!(pad("欧阳娜娜", 7), "欧阳.. ");
        assert_eq!(truncate("张三", 4), "张三");
    }
}
