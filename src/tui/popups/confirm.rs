//! A yes/no question before a step that cannot simply be undone. Only `y` says yes:
//! a second Enter from fast fingers must not approve.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Esc};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Reply;
use crate::text::wrap;
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, NONE, QUIT, Step, bind};
use crate::tui::widgets::{boxed, centered, clear, keys_hint};

pub struct ConfirmPopup {
    pub question: String,
    pub then: Step,
    /// What goes with the step (a veto's reason).
    pub text: String,
    /// The assessment the user saw (a veto is checked against it).
    pub seen: Option<Option<crate::domain::Assessment>>,
}

pub fn keys() -> Vec<Binding> {
    vec![
        bind(Char('y'), NONE, || Action::Confirm, "是", true),
        bind(Char('n'), NONE, || Action::Cancel, "否", true),
        bind(Esc, NONE, || Action::Cancel, "", false),
        QUIT,
    ]
}

impl ConfirmPopup {
    pub fn update(&mut self, ctx: &mut Context, action: Action) -> Reply {
        match action {
            Action::Confirm => {
                ctx.run_and_tell(self.then, &self.text, self.seen.clone());
                // A step that needs a second look asks it next.
                Reply::close(ctx.follow_up.take().map(Action::Ask))
            }
            Action::Cancel => {
                ctx.info("已取消");
                Reply::close(None)
            }
            _ => Reply::stay(),
        }
    }

    pub fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        // As tall as the question needs (a list of moved figures), within the screen.
        let text_width = area.width.min(60).saturating_sub(2).max(1);
        let wrapped: Vec<String> = self
            .question
            .lines()
            .flat_map(|l| wrap(l, text_width.into()))
            .collect();
        let height = u16::try_from(wrapped.len() + 3).unwrap_or(u16::MAX).max(5);
        let rect = centered(area, 60, height.min(area.height));
        clear(frame, rect);
        let block = boxed("确认");
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        // What does not fit is said, and the question (the last line) is always seen.
        let room = usize::from(inner.height.saturating_sub(1));
        let mut shown = wrapped.clone();
        if wrapped.len() > room && room >= 3 {
            let head = room - 2;
            shown = wrapped[..head].to_vec();
            shown.push(format!("……另有 {} 行未显示", wrapped.len() - head - 1));
            shown.extend(wrapped.last().cloned());
        }
        let mut lines: Vec<Line> = shown.into_iter().take(room).map(Line::raw).collect();
        lines.push(Line::styled(keys_hint(&keys()), ctx.theme.key()));
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
