//! The `?` help: every key of every screen and popup, drawn from their own key
//! tables (the app hands them over), so that it never says what the keys do not do.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Down, End, Esc, Home, PageDown, PageUp, Up};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::text::pad;
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, NONE, QUIT, bind, global, help_entries, merged};
use crate::tui::widgets::boxed;

#[derive(Default)]
pub struct HelpScreen {
    /// (heading, keys and what they do), from the tables of every screen and popup.
    sections: Vec<(&'static str, Vec<(String, &'static str)>)>,
    /// First line shown.
    pub offset: usize,
    /// Lines in all, to stop scrolling at the end.
    lines: usize,
}

fn keys() -> Vec<Binding> {
    vec![
        bind(Esc, NONE, || Action::Cancel, "返回", true),
        bind(Down, NONE, || Action::Down, "下滚", true),
        bind(Char('j'), NONE, || Action::Down, "", false),
        bind(Up, NONE, || Action::Up, "上滚", true),
        bind(Char('k'), NONE, || Action::Up, "", false),
        bind(PageDown, NONE, || Action::PageDown, "下一页", false),
        bind(PageUp, NONE, || Action::PageUp, "上一页", false),
        bind(Home, NONE, || Action::First, "开头", false),
        bind(End, NONE, || Action::Last, "末尾", false),
        bind(Char('q'), NONE, || Action::Cancel, "", false),
        bind(Char('?'), NONE, || Action::Cancel, "", false),
        QUIT,
    ]
}

impl HelpScreen {
    /// Open on these tables, from the top.
    pub fn open(&mut self, tables: Vec<(&'static str, Vec<Binding>)>) {
        let mut sections = vec![("所有页面(文字输入框外)", merged(global()))];
        sections.extend(tables.into_iter().map(|(h, t)| (h, help_entries(&t))));
        sections.push(("帮助", help_entries(&keys())));
        self.lines = sections
            .iter()
            .map(|(_, entries)| 1 + entries.len().div_ceil(3))
            .sum();
        self.sections = sections;
        self.offset = 0;
    }
}

impl Screen for HelpScreen {
    fn title(&self) -> &'static str {
        "帮助"
    }

    fn keys(&self, _ctx: &Context) -> Vec<Binding> {
        keys()
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        Vec::new()
    }

    fn update(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        let page = usize::from(ctx.size.1.saturating_sub(5)).max(1);
        let max = self.lines.saturating_sub(page);
        match action {
            Action::Down => self.offset = (self.offset + 1).min(max),
            Action::Up => self.offset = self.offset.saturating_sub(1),
            Action::PageDown => self.offset = (self.offset + page).min(max),
            Action::PageUp => self.offset = self.offset.saturating_sub(page),
            Action::First => self.offset = 0,
            Action::Last => self.offset = max,
            Action::Cancel => return Some(Action::Back),
            other => return Some(other),
        }
        None
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let mut lines = Vec::new();
        for (title, entries) in &self.sections {
            lines.push(Line::styled(*title, ctx.theme.title()));
            let row: Vec<String> = entries
                .iter()
                .map(|(k, l)| format!("{} {}", pad(k, 12), pad(l, 12)))
                .collect();
            for chunk in row.chunks(3) {
                lines.push(Line::raw(format!(" {}", chunk.join(" "))));
            }
        }
        let block = boxed("按键说明(Up/Down 滚动)");
        // A terminal made taller shows more, not blank lines at the end.
        let max = lines
            .len()
            .saturating_sub(usize::from(area.height.saturating_sub(2)));
        let offset = u16::try_from(self.offset.min(max)).unwrap_or(u16::MAX);
        frame.render_widget(Paragraph::new(lines).scroll((offset, 0)).block(block), area);
    }
}
