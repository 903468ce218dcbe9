//! `t`: the township to filter a list by, chosen from all of them by typing part of its
//! name, its pinyin or its initials (a province has tens of thousands: stepping
//! through them one key at a time would be no way to get there, or back to all).

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Down, Enter, Esc, Up};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Reply;
use crate::service::search::romanize;
use crate::text::pad;
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, LINE_EDIT, NONE, QUIT, bind};
use crate::tui::widgets::{LineEdit, boxed, centered, clear};

/// One township to choose, with the texts it is found by.
struct Choice {
    township: u32,
    name: String,
    /// Full pinyin and initials, lower-case.
    pinyin: (String, String),
}

pub struct TownshipPopup {
    pub query: LineEdit,
    /// The visible townships in the official order (the first line, every township,
    /// is not among them).
    all: Vec<Choice>,
    /// The lines shown: None for every township, else a place in `all`.
    shown: Vec<Option<usize>>,
    pub selected: usize,
}

pub fn keys() -> Vec<Binding> {
    let mut t = vec![
        bind(Enter, NONE, || Action::Open, "选定", true),
        bind(Up, NONE, || Action::Up, "上移", true),
        bind(Down, NONE, || Action::Down, "下移", true),
    ];
    t.extend_from_slice(LINE_EDIT);
    t.push(bind(Esc, NONE, || Action::Cancel, "关闭", true));
    t.push(QUIT);
    t
}

impl TownshipPopup {
    /// The choice among the visible townships, on the one chosen now (`current`).
    pub fn new(ctx: &Context, current: Option<u32>) -> TownshipPopup {
        let all: Vec<Choice> = ctx
            .township_names()
            .into_iter()
            .map(|(township, name)| {
                let (full, initials) = romanize(&name);
                Choice {
                    township,
                    name,
                    pinyin: (full, initials),
                }
            })
            .collect();
        let mut popup = TownshipPopup {
            query: LineEdit::default(),
            all,
            shown: Vec::new(),
            selected: 0,
        };
        popup.filter();
        popup.selected = current
            .and_then(|t| {
                popup
                    .shown
                    .iter()
                    .position(|&c| c.is_some_and(|i| popup.all[i].township == t))
            })
            .unwrap_or(0);
        popup
    }

    /// The lines the query finds: every township first while nothing is typed, then
    /// each township whose name holds the query, or whose pinyin or initials do.
    fn filter(&mut self) {
        let query = self.query.text();
        let query = query.trim();
        let lower = query.to_lowercase();
        let found = |c: &Choice| {
            c.name.contains(query) || c.pinyin.0.contains(&lower) || c.pinyin.1.contains(&lower)
        };
        self.shown = match query.is_empty() {
            true => std::iter::once(None)
                .chain((0..self.all.len()).map(Some))
                .collect(),
            false => (0..self.all.len())
                .filter(|&i| found(&self.all[i]))
                .map(Some)
                .collect(),
        };
        self.selected = 0;
    }

    pub fn update(&mut self, ctx: &mut Context, action: Action) -> Reply {
        let before = self.query.text();
        if self.query.apply(&action) {
            if self.query.text() != before {
                self.filter();
            }
            return Reply::stay();
        }
        let n = self.shown.len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if n > 0 => self.selected = (self.selected + 1).min(n - 1),
            Action::Open => match self.shown.get(self.selected) {
                Some(choice) => {
                    let township = choice.map(|i| self.all[i].township);
                    return Reply::close(Some(Action::FilterTownship(township)));
                }
                None => ctx.error("没有匹配的乡镇"),
            },
            Action::Cancel => return Reply::close(None),
            _ => {}
        }
        Reply::stay()
    }

    pub fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let popup = centered(area, 44, 14);
        clear(frame, popup);
        let block = boxed("乡镇筛选:名称 / 拼音 / 首字母");
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let t = &ctx.theme;
        let (query, at) = super::query_line(ctx, &self.query, inner);
        let mut lines = vec![query];
        let room = usize::from(inner.height.saturating_sub(1));
        let first = self.selected.saturating_sub(room.saturating_sub(1));
        for (i, choice) in self.shown.iter().enumerate().skip(first).take(room) {
            let name = match choice {
                None => ctx.all_townships(),
                Some(c) => t.user(&self.all[*c].name).into_owned(),
            };
            let text = pad(&name, 20);
            lines.push(super::marked_row(
                ctx,
                &text,
                i == self.selected,
                inner.width,
            ));
        }
        if self.shown.is_empty() {
            lines.push(Line::styled("没有匹配的乡镇", t.dim()));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        super::query_cursor(frame, inner, at);
    }
}
