//! The township grid: one row per secretary, the form's fields as columns, entered
//! like a spreadsheet. Name, total and stars stay on the left; the fields scroll.
//! Enter runs along a row and, after the last ballot, on to the next row: 16 keys a
//! secretary besides the digits.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{
    BackTab, Backspace, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up,
};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::domain::stars_ascii;
use crate::scoring::{Evaluation, Scheme};
use crate::service::rows::Focus;
use crate::text::{pad, pad_left, truncate, width};
use crate::tui::context::Context;
use crate::tui::entry::Entry;
use crate::tui::fields::{Field, Kind, fields};
use crate::tui::keys::{
    Action, Binding, CTRL, GridAt, Input, NAVIGATION, NONE, QUIT, SHIFT, Target, bind,
};
use crate::tui::widgets::{boxed, keep_visible};

/// The frozen part: marker + name, total, stars.
const NAME: usize = 15;
const STARS: usize = 6;
const FROZEN: usize = 1 + NAME + 1 + 6 + 1 + STARS;

pub struct GridScreen {
    pub entry: Entry,
    pub township: u32,
    pub rows: Vec<u32>,
    pub row: usize,
    row_offset: usize,
    /// First scrolled column shown.
    col_offset: usize,
    /// The cursor is on the name column (Enter opens the secretary's form).
    pub on_name: bool,
    /// Rows with a complete assessment.
    complete: usize,
    /// Names held by more than one row: those rows add their village.
    namesakes: std::collections::HashSet<String>,
    generation: u64,
}

/// Cells left for the scrolling columns on a terminal this wide (borders, frozen
/// part and the `>` that says more columns follow).
fn room(terminal_width: u16) -> usize {
    usize::from(terminal_width).saturating_sub(FROZEN + 3)
}

/// The grid's columns: every form field but the notes, with a header and a width.
pub fn columns(scheme: &Scheme) -> Vec<(Field, String, usize)> {
    fields(scheme)
        .into_iter()
        .filter(|f| f.kind() != Kind::Notes)
        .map(|f| {
            let header = match f {
                Field::Item(i) => scheme
                    .items()
                    .nth(i)
                    .map(|it| it.name.clone())
                    .unwrap_or_default(),
                other => other
                    .label(scheme)
                    .split('(')
                    .next()
                    .unwrap_or("")
                    .to_string(),
            };
            let w = match f.kind() {
                Kind::Text => 16,
                _ => width(&header).max(5),
            };
            (f, header, w)
        })
        .collect()
}

/// Rows of the grid that fit the body at the current size.
fn page(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(8)).max(1)
}

fn keys(text: bool) -> Vec<Binding> {
    let mut t = vec![
        bind(Enter, NONE, || Action::Submit, "保存并右移", true),
        bind(Tab, NONE, || Action::NextField, "右移", false),
        bind(BackTab, SHIFT, || Action::PrevField, "左移", false),
        bind(Right, NONE, || Action::Right, "右移", false),
        bind(
            Left,
            NONE,
            || Action::Left,
            "左移(第一项左边是姓名,Enter 打开)",
            false,
        ),
        bind(Home, NONE, || Action::First, "第一列", false),
        bind(End, NONE, || Action::Last, "最后一列", false),
        bind(Down, NONE, || Action::Down, "下一行", true),
        bind(Up, NONE, || Action::Up, "上一行", false),
        bind(PageDown, NONE, || Action::PageDown, "下一页", false),
        bind(PageUp, NONE, || Action::PageUp, "上一页", false),
        bind(Backspace, NONE, || Action::Backspace, "删除", false),
    ];
    if text {
        t.push(bind(Char('u'), CTRL, || Action::ClearInput, "清空", false));
    } else {
        t.push(bind(
            Char(']'),
            NONE,
            || Action::NextTownship,
            "下一乡镇",
            true,
        ));
        t.push(bind(
            Char('['),
            NONE,
            || Action::PrevTownship,
            "上一乡镇",
            false,
        ));
        t.extend_from_slice(NAVIGATION);
        t.push(bind(Char('q'), NONE, || Action::Home, "总览", false));
    }
    t.push(bind(Esc, NONE, || Action::Cancel, "返回", true));
    t.push(QUIT);
    t
}

impl GridScreen {
    pub fn new() -> GridScreen {
        GridScreen {
            entry: Entry::default(),
            township: 0,
            rows: Vec::new(),
            row: 0,
            row_offset: 0,
            col_offset: 0,
            on_name: false,
            complete: 0,
            namesakes: std::collections::HashSet::new(),
            generation: u64::MAX,
        }
    }

    /// Open the grid where asked: at a secretary's row and field, or at a township's
    /// first row and first item. False when there is no township to enter.
    pub fn open(&mut self, ctx: &mut Context, at: GridAt) -> bool {
        let visible = ctx.visible_townships();
        // The township's part of the year, when the client holds one at a time
        // (anywhere: the first township, as for a client of the whole year).
        let focus = match at {
            GridAt::Secretary(s, _) => Some(Focus::Secretary(s)),
            GridAt::Township(t) => Some(Focus::Township(t)),
            GridAt::Anywhere => visible.first().map(|t| Focus::Township(*t)),
        };
        if focus.is_some_and(|f| !ctx.focus(f)) {
            return false;
        }
        let (secretary, field) = match at {
            GridAt::Secretary(s, f) => (Some(s), f),
            GridAt::Township(t) => (ctx.people_of(t).first().copied(), 0),
            GridAt::Anywhere => (None, 0),
        };
        let township = match at {
            GridAt::Township(t) => Some(t),
            _ => secretary.and_then(|s| ctx.book.township_of(s)),
        }
        .filter(|t| visible.contains(t))
        .or(visible.first().copied());
        let Some(township) = township else {
            ctx.error("没有可录入的乡镇");
            return false;
        };
        self.set_township(ctx, township);
        if let Some(i) = secretary.and_then(|s| self.rows.iter().position(|r| *r == s)) {
            self.row = i;
            self.entry.secretary = self.rows[i];
        }
        // A field the grid has not (the notes) starts it on the first item.
        let n = columns(ctx.book.scheme_of(self.township)).len();
        self.entry.field = if field < n { field } else { 0 };
        self.scroll(ctx);
        self.say_why_incomplete(ctx);
        true
    }

    fn set_township(&mut self, ctx: &Context, township: u32) {
        self.township = township;
        self.row = 0;
        self.row_offset = 0;
        self.col_offset = 0;
        self.on_name = false;
        self.entry.field = 0;
        self.derive(ctx);
        // An empty township has no current secretary: nothing typed can land anywhere.
        self.entry.secretary = self.rows.first().copied().unwrap_or(0);
        self.entry.reset();
    }

    fn derive(&mut self, ctx: &Context) {
        self.rows = ctx.people_of(self.township).to_vec();
        self.complete = self
            .rows
            .iter()
            .filter(|p| {
                ctx.book
                    .entry(**p)
                    .is_some_and(|e| e.rating().evaluation.figures().is_some())
            })
            .count();
        let mut seen = std::collections::HashSet::new();
        self.namesakes = self
            .rows
            .iter()
            .map(|p| ctx.book.name_of(*p))
            .filter(|n| !seen.insert(n.clone()))
            .collect();
        self.row = self.row.min(self.rows.len().saturating_sub(1));
        self.generation = ctx.generation;
    }

    fn scroll(&mut self, ctx: &Context) {
        let rows = page(ctx.size);
        keep_visible(self.row, &mut self.row_offset, rows);
        // Horizontal: the focused column and as many before it as fit.
        let columns = columns(ctx.book.scheme_of(self.township));
        let room = room(ctx.size.0);
        let col = self.entry.field.min(columns.len() - 1);
        if col < self.col_offset {
            self.col_offset = col;
        }
        while self.col_offset < col {
            let used: usize = columns[self.col_offset..=col]
                .iter()
                .map(|(_, _, w)| w + 1)
                .sum();
            if used <= room {
                break;
            }
            self.col_offset += 1;
        }
    }

    /// Moving onto a row that is 未完成 says what it lacks.
    fn say_why_incomplete(&self, ctx: &mut Context) {
        let Some(&id) = self.rows.get(self.row) else {
            return;
        };
        if let Some(Evaluation::Incomplete(missing)) =
            ctx.book.entry(id).map(|e| &e.rating().evaluation)
        {
            let why: Vec<String> = missing.iter().map(|m| m.describe()).collect();
            if !why.is_empty() {
                let name = ctx.book.name_of(id);
                ctx.info(format!("{name} 未完成:{}", why.join(";")));
            }
        }
    }

    /// Move the cursor by rows and columns; `wrap` runs off the row's end to the next.
    fn go(&mut self, ctx: &mut Context, rows: isize, cols: isize, wrap: bool) {
        if !self.entry.commit(ctx) {
            return;
        }
        let n = isize::try_from(columns(ctx.book.scheme_of(self.township)).len()).unwrap_or(1);
        if self.on_name && cols != 0 {
            // Right from the name column lands on the first item; Left stays.
            if cols > 0 {
                self.on_name = false;
                self.entry.field = 0;
                self.scroll(ctx);
            }
            return;
        }
        let mut col = isize::try_from(self.entry.field).unwrap_or(0) + cols;
        let old_row = self.row;
        let mut row = isize::try_from(self.row).unwrap_or(0) + rows;
        if wrap && col >= n {
            col = 0;
            row += 1;
        }
        if col < 0 && !wrap {
            // Left of the first item: the name column.
            self.on_name = true;
        }
        let last_row = isize::try_from(self.rows.len().saturating_sub(1)).unwrap_or(0);
        if row > last_row && wrap {
            ctx.info("本乡镇已录完最后一行");
        }
        self.entry.field = usize::try_from(col.clamp(0, n - 1)).unwrap_or(0);
        self.row = usize::try_from(row.clamp(0, last_row)).unwrap_or(0);
        if let Some(&s) = self.rows.get(self.row) {
            self.entry.secretary = s;
        }
        self.scroll(ctx);
        if self.row != old_row {
            self.say_why_incomplete(ctx);
        }
    }

    fn other_township(&mut self, ctx: &mut Context, forward: bool) {
        if !self.entry.commit(ctx) {
            return;
        }
        let visible = ctx.visible_townships();
        if visible.len() < 2 {
            ctx.info("只有这一个乡镇可录入");
            return;
        }
        let i = visible
            .iter()
            .position(|t| *t == self.township)
            .unwrap_or(0);
        let next = if forward {
            i + 1
        } else {
            i + visible.len() - 1
        } % visible.len().max(1);
        if let Some(&t) = visible.get(next) {
            if !ctx.focus(Focus::Township(t)) {
                return;
            }
            // Another township starts on its first row, first item.
            self.set_township(ctx, t);
            self.scroll(ctx);
            self.say_why_incomplete(ctx);
        }
    }
}

impl GridScreen {
    /// The screen's own handling of an action.
    fn step(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        if !self.on_name && !self.rows.is_empty() && self.entry.type_key(ctx, &action) {
            return None;
        }
        let page = isize::try_from(page(ctx.size)).unwrap_or(1);
        let n = isize::try_from(columns(ctx.book.scheme_of(self.township)).len()).unwrap_or(1);
        let col = isize::try_from(self.entry.field).unwrap_or(0);
        match action {
            Action::Submit if self.on_name => {
                let id = self.rows.get(self.row).copied()?;
                return Some(Action::Show(Target::Secretary(id, None)));
            }
            // Enter runs along the row; after the last ballot column (the end of what
            // every secretary has) it goes to the next row. Tab reaches bonus and penalty.
            Action::Submit => {
                if self.entry.field(ctx) == Field::Dissatisfied {
                    if self.row + 1 < self.rows.len() {
                        self.go(ctx, 1, -col, false);
                    } else if self.entry.commit(ctx) {
                        ctx.info(match ctx.visible_townships().len() {
                            0 | 1 => "本乡镇已录完最后一行",
                            _ => "本乡镇已录完最后一行;按 ] 换下一个乡镇",
                        });
                    }
                } else {
                    self.go(ctx, 0, 1, true);
                }
            }
            Action::NextField | Action::Right => self.go(ctx, 0, 1, false),
            Action::PrevField | Action::Left => self.go(ctx, 0, -1, false),
            Action::First => {
                self.on_name = false;
                self.go(ctx, 0, -col, false);
            }
            Action::Last => self.go(ctx, 0, n - 1 - col, false),
            Action::Down => self.go(ctx, 1, 0, false),
            Action::Up => self.go(ctx, -1, 0, false),
            Action::PageDown => self.go(ctx, page, 0, false),
            Action::PageUp => self.go(ctx, -page, 0, false),
            Action::NextTownship => self.other_township(ctx, true),
            Action::PrevTownship => self.other_township(ctx, false),
            Action::Cancel => {
                if !self.entry.leave(ctx) {
                    return Some(Action::Back);
                }
            }
            Action::OpenGrid => {}
            other => return Some(other),
        }
        None
    }
}

impl Default for GridScreen {
    fn default() -> Self {
        GridScreen::new()
    }
}

impl Screen for GridScreen {
    fn title(&self) -> &'static str {
        "表格录入"
    }

    fn keys(&self, ctx: &Context) -> Vec<Binding> {
        keys(!self.on_name && self.entry.field(ctx).kind() == Kind::Text)
    }

    fn input(&self, ctx: &Context) -> Input {
        if self.on_name || self.rows.is_empty() {
            Input::None
        } else {
            self.entry.input(ctx)
        }
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        vec![
            (
                "乡镇表格录入(g):数字列(正在输入时,字母也是输入)",
                keys(false),
            ),
            ("乡镇表格录入:事由列(其中字母都是文字)", keys(true)),
        ]
    }

    fn update(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        let next = self.step(ctx, action);
        // A value that needs a yes before it is saved (a veto) asks first.
        self.entry.ask.take().or(next)
    }

    fn sync(&mut self, ctx: &Context) {
        if self.generation != ctx.generation {
            self.derive(ctx);
            self.entry.sync(ctx);
        }
        let rows = page(ctx.size);
        keep_visible(self.row, &mut self.row_offset, rows);
    }

    fn leave(&mut self, ctx: &mut Context) -> bool {
        self.entry.commit(ctx)
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let t = &ctx.theme;
        let scheme = ctx.book.scheme_of(self.township);
        let township = ctx.township_name(self.township);
        let stage = ctx.book.record.stage(self.township);
        let title = format!(
            "{township} | {} | 已完成 {}/{}",
            stage.label(),
            self.complete,
            self.rows.len()
        );
        let block = boxed(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let columns = columns(scheme);
        let room = room(area.width);
        let mut shown = Vec::new();
        let mut used = 0;
        for (i, (field, header, w)) in columns.iter().enumerate().skip(self.col_offset) {
            if used + w + 1 > room {
                break;
            }
            used += w + 1;
            shown.push((i, *field, header.as_str(), *w));
        }
        let focus = self.entry.field;
        let more_left = if self.col_offset > 0 { "<" } else { " " };
        let more_right = if shown.last().is_some_and(|(i, ..)| *i + 1 < columns.len()) {
            ">"
        } else {
            " "
        };
        let name_style = if self.on_name {
            t.title().add_modifier(Modifier::REVERSED)
        } else {
            t.title()
        };
        let mut header = vec![
            Span::styled(more_left, t.title()),
            Span::styled(pad("姓名", NAME), name_style),
            Span::styled(
                format!(" {} {}", pad_left("总分", 6), pad("星级", STARS)),
                t.title(),
            ),
        ];
        for (i, _, h, w) in &shown {
            let style = if *i == focus && !self.on_name {
                t.title().add_modifier(Modifier::REVERSED)
            } else {
                t.title()
            };
            header.push(Span::raw(" "));
            header.push(Span::styled(pad(h, *w), style));
        }
        header.push(Span::styled(more_right, t.title()));
        let mut lines = vec![Line::from(header)];
        let rows = usize::from(inner.height).saturating_sub(1);
        let mut cursor = None;
        for (r, &id) in self
            .rows
            .iter()
            .enumerate()
            .skip(self.row_offset)
            .take(rows)
        {
            let selected = r == self.row;
            let y = inner.y + 1 + u16::try_from(r - self.row_offset).unwrap_or(0);
            let (spans, at) = self.row_spans(ctx, id, selected, &shown, inner.x);
            if let Some(x) = at {
                cursor = Some(Position::new(x, y));
            }
            if selected && self.on_name {
                cursor = Some(Position::new(inner.x + 1, y));
            }
            lines.push(Line::from(spans));
        }
        if self.rows.is_empty() {
            lines.push(Line::styled("这个乡镇没有需要考核的书记", t.dim()));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        if let Some(c) = cursor {
            frame.set_cursor_position(Position::new(c.x.min(inner.right().saturating_sub(1)), c.y));
        }
    }
}

impl GridScreen {
    /// One secretary's row, and the cursor's column when the focused cell is in it.
    fn row_spans(
        &self,
        ctx: &Context,
        id: u32,
        selected: bool,
        shown: &[(usize, Field, &str, usize)],
        left: u16,
    ) -> (Vec<Span<'static>>, Option<u16>) {
        let t = &ctx.theme;
        let scheme = ctx.book.scheme_of(self.township);
        let mut name = ctx.book.name_of(id);
        if self.namesakes.contains(&name)
            && let Some((_, village)) = ctx.book.district.place(id)
        {
            // Two of the same name in one township: which is which.
            name = format!("{name}({})", village.name);
        }
        let name = t.user(&name).into_owned();
        let entry = ctx.book.entry(id);
        let assessment = entry.map(|e| e.to_assessment()).unwrap_or_default();
        let (total, stars) =
            match entry.and_then(|e| e.rating().evaluation.figures().map(|f| (f, e))) {
                Some((f, e)) => (
                    format!("{:.2}", f.total),
                    if assessment.veto_reason.is_empty() {
                        stars_ascii(e.rating().stars)
                    } else {
                        "否决".to_string()
                    },
                ),
                None if entry.is_some() => (String::new(), "未完成".into()),
                None => (String::new(), "未录入".into()),
            };
        let marker = if selected { ">" } else { " " };
        let row_style = if selected {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        let name_style = if selected && self.on_name {
            t.selected()
        } else {
            row_style
        };
        let mut spans = vec![
            Span::styled(marker, row_style),
            Span::styled(pad(&truncate(&name, NAME), NAME), name_style),
            Span::styled(
                format!(" {} {}", pad_left(&total, 6), pad(&stars, STARS)),
                row_style,
            ),
        ];
        let mut cursor = None;
        let mut x = left + u16::try_from(FROZEN).unwrap_or(0);
        for (i, field, _, w) in shown {
            let focused = selected && *i == self.entry.field && !self.on_name;
            let edit = self.entry.edit.as_ref().filter(|_| focused);
            let right = field.kind() != Kind::Text;
            let (cell, at) = match edit {
                Some(e) => match field.preview(&e.text()) {
                    Some(word) => {
                        let s = truncate(&format!("{} {word}", e.text()), *w);
                        let at = width(&s);
                        (s, at)
                    }
                    None => {
                        let (s, at) = e.window(*w);
                        (t.user(&s).into_owned(), at)
                    }
                },
                None => {
                    let s = truncate(&t.user(&field.value(scheme, &assessment)), *w);
                    let at = width(&s);
                    (s, at)
                }
            };
            let style = if focused {
                if self.entry.error.is_some() {
                    t.error().add_modifier(Modifier::REVERSED)
                } else {
                    t.selected()
                }
            } else {
                Style::new()
            };
            spans.push(Span::raw(" "));
            if focused {
                // Right-aligned cells end at the cell's edge.
                let end = if right { *w } else { at.min(*w) };
                cursor = Some(x + 1 + u16::try_from(end).unwrap_or(0));
            }
            spans.push(Span::styled(
                if right {
                    pad_left(&cell, *w)
                } else {
                    pad(&cell, *w)
                },
                style,
            ));
            x += u16::try_from(*w + 1).unwrap_or(0);
        }
        (spans, cursor)
    }
}
