//! One secretary's screen: the profile and star history, this year's form, and the
//! live result with its explanation, line by line. `[` `]` go to the next secretary
//! on the same field, so that a clerk can enter one column across all villages.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{
    BackTab, Char, Down, Enter, Esc, PageDown, PageUp, Tab, Up,
};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::domain::{Outcome, Stage, stars_ascii};
use crate::scoring::explain;
use crate::service::rows::{Focus, Window};
use crate::text::{pad, truncate, width, wrap};
use crate::tui::context::Context;
use crate::tui::entry::Entry;
use crate::tui::fields::{Field, Kind, fields};
use crate::tui::keys::{
    Action, Ask, Binding, GridAt, Input, LINE_EDIT, NAVIGATION, NONE, SHIFT, Step, Target, bind,
};
use crate::tui::widgets::boxed;

pub struct SecretaryScreen {
    pub entry: Entry,
    /// The secretaries `[` and `]` walk through: the list's rows when opened from it.
    sequence: Window,
    /// The explanation of the rating, line by line (label, detail), made in `sync`.
    explanation: Vec<(&'static str, String)>,
    generation: u64,
}

/// Keys on a number, ballot or grade field.
fn field_keys() -> Vec<Binding> {
    let mut t = vec![
        bind(Enter, NONE, || Action::Submit, "保存并下一项", true),
        bind(Tab, NONE, || Action::NextField, "下一项", false),
        bind(BackTab, SHIFT, || Action::PrevField, "上一项", false),
        bind(Down, NONE, || Action::NextField, "", false),
        bind(Up, NONE, || Action::PrevField, "", false),
        bind(Char(']'), NONE, || Action::NextSecretary, "下一位", true),
        bind(Char('['), NONE, || Action::PrevSecretary, "上一位", true),
        bind(PageDown, NONE, || Action::NextSecretary, "", false),
        bind(PageUp, NONE, || Action::PrevSecretary, "", false),
        bind(
            ratatui::crossterm::event::KeyCode::Backspace,
            NONE,
            || Action::Backspace,
            "删除",
            false,
        ),
    ];
    t.extend_from_slice(NAVIGATION);
    t.push(bind(Esc, NONE, || Action::Cancel, "返回", true));
    t.push(bind(Char('q'), NONE, || Action::Home, "总览", false));
    t.push(crate::tui::keys::QUIT);
    t
}

/// Keys on a text field (a reason): every printable key is text.
fn text_keys() -> Vec<Binding> {
    let mut t = vec![
        bind(Enter, NONE, || Action::Submit, "保存并下一项", true),
        bind(Tab, NONE, || Action::NextField, "保存并下一项", false),
        bind(BackTab, SHIFT, || Action::PrevField, "保存并上一项", false),
        bind(Down, NONE, || Action::NextField, "", false),
        bind(Up, NONE, || Action::PrevField, "", false),
        bind(PageDown, NONE, || Action::NextSecretary, "下一位", true),
        bind(PageUp, NONE, || Action::PrevSecretary, "上一位", true),
    ];
    t.extend_from_slice(LINE_EDIT);
    t.push(bind(Esc, NONE, || Action::Cancel, "保存并离开", true));
    t.push(crate::tui::keys::QUIT);
    t
}

impl SecretaryScreen {
    pub fn new() -> SecretaryScreen {
        SecretaryScreen {
            entry: Entry::default(),
            sequence: Window::default(),
            explanation: Vec::new(),
            generation: u64::MAX,
        }
    }

    /// Show a secretary, on `field` (else the field the screen was on, or the first
    /// when coming from elsewhere); `[` `]` then walk the list in `sequence`'s filter
    /// and order.
    pub fn open(&mut self, ctx: &Context, secretary: u32, field: Option<usize>, sequence: Window) {
        self.entry.secretary = secretary;
        self.entry.field = field.unwrap_or(0);
        self.entry.reset();
        self.sequence = sequence;
        self.derive(ctx);
    }

    fn derive(&mut self, ctx: &Context) {
        let book = &ctx.book;
        self.explanation = match book.entry(self.entry.secretary) {
            Some(e) => explain(
                book.scheme_for(e.secretary),
                e.assessment(),
                e.rating(),
                book.rated_count(),
            )
            .into_iter()
            .map(|l| (l.label, l.detail))
            .collect(),
            None => Vec::new(),
        };
        self.generation = ctx.generation;
    }

    fn move_field(&mut self, ctx: &mut Context, forward: bool) {
        if !self.entry.commit(ctx) {
            return;
        }
        let n = fields(ctx.book.scheme_for(self.entry.secretary)).len();
        self.entry.field = if forward {
            (self.entry.field + 1).min(n - 1)
        } else {
            self.entry.field.saturating_sub(1)
        };
    }

    fn move_secretary(&mut self, ctx: &mut Context, forward: bool) {
        if !self.entry.commit(ctx) {
            return;
        }
        // This secretary and the one either side.
        let around = Window {
            count: 3,
            around: Some(self.entry.secretary),
            ..self.sequence
        };
        let rows = match ctx.service.rows(&ctx.book, &around) {
            Ok(rows) => rows,
            Err(e) => return ctx.error(e.to_string()),
        };
        let Some(i) = rows.at else {
            return;
        };
        let next = if forward { i + 1 } else { i.wrapping_sub(1) };
        match rows.get(next).map(|r| r.secretary) {
            Some(id) if !ctx.focus(Focus::Secretary(id)) => {}
            Some(id) => {
                // The same field on the next secretary.
                self.entry.secretary = id;
                self.entry.reset();
                self.derive(ctx);
            }
            None => ctx.info(if forward {
                "已是最后一位"
            } else {
                "已是第一位"
            }),
        }
    }

    fn notes_editor(&self, ctx: &Context) -> Action {
        Action::Ask(Ask::Edit {
            title: format!("{} 的备注", ctx.book.name_of(self.entry.secretary)),
            text: ctx.assessment(self.entry.secretary).notes,
            then: Step::Notes(self.entry.secretary),
            seen: Some(Box::new(
                ctx.book
                    .entry(self.entry.secretary)
                    .map(|e| e.to_assessment()),
            )),
        })
    }
}

impl SecretaryScreen {
    /// The screen's own handling of an action.
    fn step(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        if self.entry.type_key(ctx, &action) {
            return None;
        }
        match action {
            Action::Submit if self.entry.field(ctx) == Field::Notes => {
                // A form that cannot be changed (已审定, 公示, handed in) opens no editor
                // to type into in vain.
                if let Err(why) = ctx.may_edit(self.entry.secretary) {
                    ctx.error(why);
                    return None;
                }
                return Some(self.notes_editor(ctx));
            }
            Action::Submit | Action::NextField | Action::Down => self.move_field(ctx, true),
            Action::PrevField | Action::Up => self.move_field(ctx, false),
            Action::NextSecretary => self.move_secretary(ctx, true),
            Action::PrevSecretary => self.move_secretary(ctx, false),
            Action::Input(_) | Action::Paste(_) => ctx.info("按 Enter 编辑备注"),
            Action::Cancel => {
                if !self.entry.leave(ctx) {
                    return Some(Action::Back);
                }
            }
            Action::OpenGrid => {
                if self.entry.commit(ctx) {
                    let at = GridAt::Secretary(self.entry.secretary, self.entry.field);
                    return Some(Action::Show(Target::Grid(at)));
                }
            }
            other => return Some(other),
        }
        None
    }
}

impl Default for SecretaryScreen {
    fn default() -> Self {
        SecretaryScreen::new()
    }
}

impl Screen for SecretaryScreen {
    fn title(&self) -> &'static str {
        "书记"
    }

    fn keys(&self, ctx: &Context) -> Vec<Binding> {
        match self.entry.field(ctx).kind() {
            Kind::Text => text_keys(),
            _ => field_keys(),
        }
    }

    fn input(&self, ctx: &Context) -> Input {
        self.entry.input(ctx)
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        vec![
            (
                "书记页面:分数、票数、组织评价(1 好 2 较好 3 一般 4 差)",
                field_keys(),
            ),
            ("书记页面:事由(文字;其中字母都是文字)", text_keys()),
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
    }

    fn leave(&mut self, ctx: &mut Context) -> bool {
        self.entry.commit(ctx)
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let id = self.entry.secretary;
        let Some(s) = ctx.book.district.secretary(id) else {
            frame.render_widget(Paragraph::new("找不到这位书记"), area);
            return;
        };
        let [head, main] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
        profile(ctx, id, &s, frame, head);
        // The form takes 40 columns at 80, and half of what a wider terminal adds.
        let form_width = 40 + area.width.saturating_sub(80) / 2;
        let [form_area, result_area] =
            Layout::horizontal([Constraint::Length(form_width), Constraint::Min(1)]).areas(main);
        self.form(ctx, frame, form_area);
        self.result(ctx, frame, result_area);
    }
}

/// The fields shown in a form `height` rows tall with `focus` in it: the first one
/// and how many. When fields follow below, the last row says so instead.
fn window(focus: usize, n: usize, height: usize) -> (usize, usize) {
    let mut rows = height;
    let mut offset = 0;
    for _ in 0..2 {
        offset = focus
            .saturating_sub(rows.saturating_sub(2))
            .min(n.saturating_sub(rows));
        rows = if n > offset + rows {
            height.saturating_sub(1)
        } else {
            height
        };
    }
    (offset, rows)
}

/// The profile line and the star history.
fn profile(ctx: &Context, id: u32, s: &crate::domain::Secretary, frame: &mut Frame, area: Rect) {
    let t = &ctx.theme;
    let book = &ctx.book;
    let (township, village) = book.district.place_names(id).unwrap_or_default();
    let name = Span::styled(t.user(&s.name).into_owned(), t.title());
    let mut rest = format!("  {} {}", t.user(township), t.user(village));
    if let Some(g) = s.gender {
        rest.push_str(&format!("  {}", g.label()));
    }
    if let Some(b) = s.born {
        rest.push_str(&format!("  {b} 生"));
    }
    rest.push_str(&format!("  任职 {}", s.took_office));
    if let Some(left) = s.left_office {
        rest.push_str(&format!(" 至 {left}"));
    }
    let mut history = vec![Span::styled("星级历史 ", t.dim())];
    let mut years: Vec<(i16, crate::scoring::Past)> = ctx
        .history
        .iter()
        .filter_map(|(y, ratings)| ratings.get(&id).map(|r| (*y, r)))
        .collect();
    if let Some(e) = book.entry(id) {
        years.push((book.year, crate::scoring::Past::from(e.rating())));
    }
    years.sort_by_key(|(y, _)| *y);
    if years.is_empty() {
        history.push(Span::raw("无"));
    }
    for (y, r) in years {
        let shown = if r.complete {
            stars_ascii(r.stars)
        } else {
            "未完成".to_string()
        };
        history.push(Span::raw(format!("{y}: {shown}   ")));
    }
    // The profile is cut with `..` at the screen's edge, the name kept whole.
    let room = usize::from(area.width).saturating_sub(width(&name.content));
    let profile = Line::from(vec![name, Span::raw(truncate(&rest, room))]);
    frame.render_widget(Paragraph::new(vec![profile, Line::from(history)]), area);
}

impl SecretaryScreen {
    fn form(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        // Where the township's published figures stand, the form shows them and says
        // so: while it waits for its correcting publicity (须更正) they are the old
        // ones, which the figures as computed now have moved.
        // (Within 34 cells: the form's half of an 80-column screen.)
        let said = match ctx.stage_of(self.entry.secretary) {
            (Stage::Approved, _) => Some("已审定"),
            (Stage::Publicity, false) => Some("公示中"),
            (Stage::Publicity, true) => Some("更正公示中"),
            (Stage::Submitted, false) => Some("已提交"),
            // Never to be changed until the district reopens it (docs/rules.md §4).
            (Stage::Submitted, true) => Some("须更正,所示为原公示结果"),
            (Stage::Entering, _) => None,
        };
        let read_only =
            ctx.may_edit(self.entry.secretary).is_err() && !said.is_some_and(|s| s.contains(','));
        let title = match (said, read_only) {
            (None, false) => format!("{} 年度考核表", ctx.year()),
            (None, true) => format!("{} 年度考核表(只读)", ctx.year()),
            (Some(said), false) => format!("考核表({said})"),
            (Some(said), true) => format!("考核表({said},只读)"),
        };
        let block = boxed(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let scheme = ctx.book.scheme_for(self.entry.secretary);
        let assessment = ctx.assessment(self.entry.secretary);
        let fields = fields(scheme);
        let focus = self.entry.field.min(fields.len() - 1);
        let (offset, rows) = window(focus, fields.len(), usize::from(inner.height));
        const LABEL: usize = 18;
        let value_width = usize::from(inner.width).saturating_sub(LABEL + 1);
        let mut lines = Vec::new();
        let mut cursor = None;
        for (i, field) in fields.iter().enumerate().skip(offset).take(rows) {
            let focused = i == focus;
            let edit = self.entry.edit.as_ref().filter(|_| focused);
            let room = value_width.saturating_sub(1);
            let (shown, at) = match edit {
                Some(e) => {
                    let raw = e.text();
                    match field.preview(&raw) {
                        Some(word) => {
                            let s = format!("{raw} {word}");
                            (truncate(&s, room), width(&raw))
                        }
                        None => {
                            let (s, at) = e.window(room);
                            (ctx.theme.user(&s).into_owned(), at)
                        }
                    }
                }
                None => {
                    let raw = if *field == Field::Notes {
                        let mut lines = assessment.notes.lines();
                        let first = lines.next().unwrap_or("").to_string();
                        // More lines than the first: say so.
                        if lines.next().is_some() {
                            format!("{first} ..")
                        } else {
                            first
                        }
                    } else {
                        field.value(scheme, &assessment)
                    };
                    let s = truncate(&ctx.theme.user(&raw), room);
                    let at = width(&s);
                    (s, at)
                }
            };
            let marker = if focused { ">" } else { " " };
            let label = format!("{marker}{}", pad(&field.label(scheme), LABEL - 1));
            let value_style = if focused && self.entry.error.is_some() {
                ctx.theme.error().add_modifier(Modifier::REVERSED)
            } else if focused {
                ctx.theme.selected()
            } else {
                Style::new()
            };
            if focused {
                let x = inner.x + u16::try_from(LABEL + 1 + at).unwrap_or(u16::MAX);
                let y = inner.y + u16::try_from(i - offset).unwrap_or(0);
                cursor = Some(Position::new(x.min(inner.right().saturating_sub(1)), y));
            }
            let label_style = if focused {
                ctx.theme.key()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::styled(label, label_style),
                Span::raw(" "),
                Span::styled(
                    pad(&shown, value_width.min(12).max(width(&shown))),
                    value_style,
                ),
            ]));
        }
        let below = fields.len().saturating_sub(offset + rows);
        if below > 0 {
            lines.push(Line::styled(format!(" v 还有 {below} 项"), ctx.theme.dim()));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        // The real terminal cursor sits at the text cursor, so the client's IME window
        // follows (a popup over the screen sets its own).
        if let Some(position) = cursor {
            frame.set_cursor_position(position);
        }
    }

    fn result(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let block = boxed("评定结果");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let t = &ctx.theme;
        let Some(entry) = ctx.book.entry(self.entry.secretary) else {
            frame.render_widget(
                Paragraph::new("尚未录入。输入分数后按 Enter 保存。").style(t.dim()),
                inner,
            );
            return;
        };
        let r = &entry.rating();
        let mut lines = Vec::new();
        match r.evaluation.figures() {
            None => lines.push(Line::styled(
                "未完成",
                t.warn().add_modifier(Modifier::BOLD),
            )),
            Some(f) => {
                let outcome_style = if f.outcome == Outcome::Fail {
                    t.error()
                } else {
                    t.good()
                };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("总分 {:.2}", f.total),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw("  "),
                    Span::styled(f.outcome.label(), outcome_style),
                    Span::raw("  "),
                    Span::styled(stars_ascii(r.stars), t.title()),
                ]));
                let pay = r
                    .pay
                    .map_or(String::new(), |p| format!("报酬 {} 元", p.normalize()));
                let consequence = r.consequence.map_or("无", |c| c.label());
                lines.push(Line::raw(format!("{pay}  处理意见 {consequence}")));
            }
        }
        const LABEL: usize = 9;
        let room = usize::from(inner.width).saturating_sub(LABEL);
        for (label, detail) in &self.explanation {
            for (i, part) in wrap(&t.user(detail), room).into_iter().enumerate() {
                let label = if i == 0 {
                    pad(label, LABEL)
                } else {
                    " ".repeat(LABEL)
                };
                lines.push(Line::from(vec![
                    Span::styled(label, t.dim()),
                    Span::raw(part),
                ]));
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
