//! A short list to choose one from (the open objections for `v`): Enter takes the
//! selected line's action.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Down, Enter, Esc, Up};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Reply;
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, NONE, QUIT, bind};
use crate::tui::widgets::{boxed, centered, clear};

pub struct ChoosePopup {
    pub title: String,
    /// Each line and what choosing it does.
    pub items: Vec<(String, Action)>,
    pub selected: usize,
    /// What Enter is said to do.
    pub enter: &'static str,
    /// The box's width in cells.
    pub width: u16,
}

/// What Enter does in the list of open objections.
pub const ENTER: &str = "选定";

pub fn keys(enter: &'static str) -> Vec<Binding> {
    vec![
        bind(Enter, NONE, || Action::Open, enter, true),
        bind(Up, NONE, || Action::Up, "上移", true),
        bind(Char('k'), NONE, || Action::Up, "", false),
        bind(Down, NONE, || Action::Down, "下移", true),
        bind(Char('j'), NONE, || Action::Down, "", false),
        bind(Esc, NONE, || Action::Cancel, "关闭", true),
        QUIT,
    ]
}

impl ChoosePopup {
    pub fn update(&mut self, _ctx: &mut Context, action: Action) -> Reply {
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => {
                self.selected = (self.selected + 1).min(self.items.len().saturating_sub(1));
            }
            Action::Open => {
                return Reply::close(self.items.get(self.selected).map(|(_, a)| a.clone()));
            }
            Action::Cancel => return Reply::close(None),
            _ => {}
        }
        Reply::stay()
    }

    pub fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let height = u16::try_from(self.items.len().min(12) + 2).unwrap_or(14);
        let rect = centered(area, self.width, height);
        clear(frame, rect);
        let block = boxed(&self.title);
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let first = self
            .selected
            .saturating_sub(usize::from(inner.height).saturating_sub(1));
        let lines: Vec<Line> = self
            .items
            .iter()
            .enumerate()
            .skip(first)
            .map(|(i, (text, _))| {
                super::marked_row(ctx, &ctx.theme.user(text), i == self.selected, inner.width)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
