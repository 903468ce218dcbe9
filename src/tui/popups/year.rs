//! `y`: the years that have data, newest first; Enter switches the screens to one.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Down, Enter, Esc, Up};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Reply;
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, NONE, QUIT, bind};
use crate::tui::widgets::{boxed, centered, clear};

pub struct YearPopup {
    /// Newest first.
    pub years: Vec<i16>,
    pub selected: usize,
}

pub fn keys() -> Vec<Binding> {
    vec![
        bind(Enter, NONE, || Action::Open, "切换到该年度", true),
        bind(Up, NONE, || Action::Up, "上移", true),
        bind(Char('k'), NONE, || Action::Up, "", false),
        bind(Down, NONE, || Action::Down, "下移", true),
        bind(Char('j'), NONE, || Action::Down, "", false),
        bind(Esc, NONE, || Action::Cancel, "关闭", true),
        QUIT,
    ]
}

impl YearPopup {
    /// The years with data and the working one, newest first, the working one selected.
    pub fn new(ctx: &mut Context) -> YearPopup {
        let mut years = ctx.service.years().unwrap_or_else(|e| {
            ctx.error(format!("读取年度失败:{e}"));
            Vec::new()
        });
        if !years.contains(&ctx.year()) {
            years.push(ctx.year());
        }
        years.sort_unstable_by(|a, b| b.cmp(a));
        let selected = years.iter().position(|y| *y == ctx.year()).unwrap_or(0);
        YearPopup { years, selected }
    }

    pub fn update(&mut self, _ctx: &mut Context, action: Action) -> Reply {
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => {
                self.selected = (self.selected + 1).min(self.years.len().saturating_sub(1));
            }
            Action::Open => {
                return Reply::close(
                    self.years
                        .get(self.selected)
                        .map(|y| Action::SwitchYear(*y)),
                );
            }
            Action::Cancel => return Reply::close(None),
            _ => {}
        }
        Reply::stay()
    }

    pub fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let height = u16::try_from(self.years.len().min(10) + 2).unwrap_or(12);
        let rect = centered(area, 30, height);
        clear(frame, rect);
        let block = boxed("考核年度");
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let first = self
            .selected
            .saturating_sub(usize::from(inner.height).saturating_sub(1));
        let lines: Vec<Line> = self
            .years
            .iter()
            .enumerate()
            .skip(first)
            .map(|(i, y)| {
                let now = if *y == ctx.year() { "(当前)" } else { "" };
                let text = format!(
                    "{}{y} 年度{now}",
                    if i == self.selected { ">" } else { " " }
                );
                let style = if i == self.selected {
                    ctx.theme.selected()
                } else {
                    Style::new()
                };
                Line::styled(text, style)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
