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
                Reply::close(None)
            }
            Action::Cancel => {
                ctx.info("已取消");
                Reply::close(None)
            }
            _ => Reply::stay(),
        }
    }

    pub fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let rect = centered(area, 60, 5);
        clear(frame, rect);
        let block = boxed("确认");
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let mut lines: Vec<Line> = wrap(&self.question, inner.width.into())
            .into_iter()
            .map(Line::raw)
            .collect();
        lines.push(Line::styled(keys_hint(&keys()), ctx.theme.key()));
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
