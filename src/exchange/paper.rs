//! A paper the office posts or hands out (notice, letters, broadcast script), said once
//! as blocks and written either as plain text for Notepad and WPS or as a Word file
//! (A4, 仿宋 body, 宋体 title, real tables and page breaks).

use std::fmt::Write as _;

use docx_rs::{
    AlignmentType, BreakType, Docx, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table,
    TableCell, TableRow, WidthType,
};

use crate::text::{pad, pad_left, width};

/// A table of a paper: headings, rows, and which columns are figures (right-aligned).
#[derive(Clone, Debug, Default)]
pub struct Grid {
    pub heads: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub figures: Vec<usize>,
}

impl Grid {
    /// Each column's display width: its widest cell or heading.
    fn widths(&self) -> Vec<usize> {
        (0..self.heads.len())
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|t| width(t))
                    .chain([width(&self.heads[c])])
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }
}

#[derive(Clone, Debug)]
pub enum Block {
    /// The heading, centred and large.
    Title(String),
    /// A line centred under the title.
    Subtitle(String),
    /// A paragraph whose first line is indented two characters.
    Para(String),
    /// A line flush left (a salutation).
    Line(String),
    Table(Grid),
    Blank,
    /// The 落款: lines set to the right.
    Sign(Vec<String>),
    /// What follows starts a new page (each letter).
    PageBreak,
}

#[derive(Clone, Debug, Default)]
pub struct Paper {
    pub blocks: Vec<Block>,
}

/// A line of plain text is at most this many cells (a page of A4 in Notepad).
const PAGE: usize = 72;

/// Marks that never start a line (Chinese line-breaking rule, 避头点): closing ones,
/// in full and half width.
const NO_LINE_START: &str = "\u{ff0c}\u{3002}\u{3001}\u{ff1b}\u{ff1a}\u{ff1f}\u{ff01}\u{ff09}\u{300b}\u{300d}\u{300f}\u{201d}\u{2019}%,.;:?!)]";

/// Marks that never end a line (避尾点): opening ones.
const NO_LINE_END: &str = "\u{201c}\u{2018}\u{ff08}\u{300a}\u{300c}\u{300e}([";

impl Paper {
    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// Start a page of its own (a letter, a village's script): a page break unless it
    /// is the first, the title and the line under it, a blank line.
    pub fn page(&mut self, title: String, subtitle: String) {
        if !self.blocks.is_empty() {
            self.push(Block::PageBreak);
        }
        self.push(Block::Title(title));
        self.push(Block::Subtitle(subtitle));
        self.push(Block::Blank);
    }

    /// Plain text laid out by display width, pages separated by a form feed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Title(t) | Block::Subtitle(t) => {
                    for line in fill(t, PAGE) {
                        let _ = writeln!(out, "{}", centered(&line));
                    }
                }
                Block::Para(t) => {
                    for line in fill(&format!("    {t}"), PAGE) {
                        let _ = writeln!(out, "{line}");
                    }
                }
                Block::Line(t) => {
                    for line in fill(t, PAGE) {
                        let _ = writeln!(out, "{line}");
                    }
                }
                Block::Table(grid) => grid_text(grid, &mut out),
                Block::Blank => out.push('\n'),
                Block::Sign(lines) => {
                    let w = lines.iter().map(|l| width(l)).max().unwrap_or(0);
                    for line in lines {
                        // Each line centred over the widest, the block set to the right.
                        let inner = (w - width(line)) / 2;
                        let _ = writeln!(
                            out,
                            "{}{line}",
                            " ".repeat(PAGE.saturating_sub(w + 4) + inner)
                        );
                    }
                }
                Block::PageBreak => out.push_str("\u{c}\n"),
            }
        }
        out
    }

    /// A Word file (.docx): A4 with the margins of an official paper.
    pub fn docx(&self) -> Result<Vec<u8>, String> {
        let body = RunFonts::new()
            .east_asia("仿宋")
            .ascii("Times New Roman")
            .hi_ansi("Times New Roman");
        let mut doc = Docx::new()
            .page_size(11906, 16838)
            .page_margin(
                PageMargin::new()
                    .top(2098)
                    .bottom(1984)
                    .left(1588)
                    .right(1474),
            )
            .default_fonts(body)
            // 三号 (16 pt), the size of a posted notice.
            .default_size(32);
        let mut break_before = false;
        for block in &self.blocks {
            let mut paragraph = match block {
                Block::Title(t) => Paragraph::new().align(AlignmentType::Center).add_run(
                    Run::new()
                        .add_text(t)
                        .size(44)
                        .bold()
                        .fonts(RunFonts::new().east_asia("宋体")),
                ),
                Block::Subtitle(t) => Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(t)),
                Block::Para(t) => Paragraph::new()
                    .align(AlignmentType::Both)
                    .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
                    .add_run(Run::new().add_text(t)),
                Block::Line(t) => Paragraph::new().add_run(Run::new().add_text(t)),
                Block::Blank => Paragraph::new(),
                Block::Sign(lines) => {
                    let mut p = Paragraph::new().align(AlignmentType::Right);
                    for (i, line) in lines.iter().enumerate() {
                        let run = Run::new().add_text(line);
                        p = p.add_run(if i + 1 < lines.len() {
                            run.add_break(BreakType::TextWrapping)
                        } else {
                            run
                        });
                    }
                    p
                }
                Block::PageBreak => {
                    break_before = true;
                    continue;
                }
                Block::Table(grid) => {
                    doc = doc.add_table(grid_docx(grid));
                    continue;
                }
            };
            if break_before {
                paragraph = paragraph.page_break_before(true);
                break_before = false;
            }
            doc = doc.add_paragraph(paragraph);
        }
        let mut bytes = std::io::Cursor::new(Vec::new());
        doc.build()
            .pack(&mut bytes)
            .map_err(|e| format!("无法生成 Word 文件:{e}"))?;
        Ok(bytes.into_inner())
    }
}

fn centered(line: &str) -> String {
    format!("{}{line}", " ".repeat(PAGE.saturating_sub(width(line)) / 2))
}

/// Break a paragraph into lines of at most `cells` cells: Chinese between any two
/// characters, a run of Latin letters and figures (a phone number, 85.20) kept whole,
/// and no line starting with a closing mark (it stays on the line before).
pub fn fill(text: &str, cells: usize) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for c in text.chars() {
        let joins = units.last().is_some_and(|last| {
            let prev = last.chars().last().unwrap_or(' ');
            NO_LINE_START.contains(c)
                || NO_LINE_END.contains(prev)
                || (c.is_ascii_alphanumeric() || "-.@_/".contains(c))
                    && (prev.is_ascii_alphanumeric() || "-.@_/".contains(prev))
        });
        match units.last_mut() {
            Some(last) if joins => last.push(c),
            _ => units.push(c.to_string()),
        }
    }
    let mut lines = vec![String::new()];
    for unit in units {
        let current = lines.last_mut().expect("at least one line");
        if !current.is_empty() && width(current) + width(&unit) > cells {
            lines.push(String::new());
        }
        lines.last_mut().expect("at least one line").push_str(&unit);
    }
    lines.iter().map(|l| l.trim_end().to_string()).collect()
}

fn grid_text(grid: &Grid, out: &mut String) {
    let columns = grid.heads.len();
    let widths = grid.widths();
    let line = |row: &[String]| {
        row.iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (text, w))| {
                if grid.figures.contains(&c) {
                    pad_left(text, *w)
                } else {
                    pad(text, *w)
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let header = line(&grid.heads);
    let _ = writeln!(out, "{header}");
    let rule = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
    let _ = writeln!(out, "{}", "-".repeat(rule));
    for row in &grid.rows {
        let _ = writeln!(out, "{}", line(row));
    }
}

/// The table at 小四 (12 pt), columns as wide as their widest cell, the width of the
/// page's text.
fn grid_docx(grid: &Grid) -> Table {
    const TEXT_WIDTH: usize = 11906 - 1588 - 1474;
    let cells: Vec<usize> = grid.widths().iter().map(|w| w + 2).collect();
    let total: usize = cells.iter().sum::<usize>().max(1);
    let twips: Vec<usize> = cells.iter().map(|c| c * TEXT_WIDTH / total).collect();
    let cell = |text: &str, c: usize, head: bool| {
        let run = Run::new().add_text(text).size(24);
        TableCell::new()
            .width(twips.get(c).copied().unwrap_or(0), WidthType::Dxa)
            .add_paragraph(
                Paragraph::new()
                    .align(if head {
                        AlignmentType::Center
                    } else if grid.figures.contains(&c) {
                        AlignmentType::Right
                    } else {
                        AlignmentType::Left
                    })
                    .add_run(if head { run.bold() } else { run }),
            )
    };
    let mut rows = vec![TableRow::new(
        grid.heads
            .iter()
            .enumerate()
            .map(|(c, h)| cell(h, c, true))
            .collect(),
    )];
    for row in &grid.rows {
        rows.push(
            TableRow::new(
                row.iter()
                    .enumerate()
                    .map(|(c, t)| cell(t, c, false))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(rows)
        .set_grid(twips.clone())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_numbers_whole_and_never_start_with_a_closing_mark() {
        let text = format!("{}电话0349-1234567。", "字".repeat(30));
        let lines = fill(&text, 64);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[1], "0349-1234567。");
        // The full stop does not fit: the character before it goes down with it.
        let lines = fill(&format!("{}。", "字".repeat(32)), 64);
        assert_eq!(lines, vec!["字".repeat(31), "字。".to_string()]);
        // An opening mark goes down with what it opens.
        let lines = fill(&format!("{}“合格”", "字".repeat(31)), 64);
        assert_eq!(lines[1], "“合格”");
        let lines = fill(&format!("{}反映(来信)", "字".repeat(29)), 64);
        assert!(lines[0].ends_with("反映"), "{lines:?}");
        assert!(fill("", 10) == vec![String::new()]);
    }
}
