//! A one-line prompt (a reason, an objection, its resolution). Esc never destroys
//! what was typed: the same prompt (for the same township or secretary) starts with
//! it when it opens again.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Enter, Esc};
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Reply;
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, LINE_EDIT, NONE, QUIT, Step, bind};
use crate::tui::widgets::{LineEdit, boxed, centered, clear, keys_hint};

pub struct PromptPopup {
    pub title: String,
    pub input: LineEdit,
    pub then: Step,
}

pub fn keys() -> Vec<Binding> {
    let mut t = vec![bind(Enter, NONE, || Action::Submit, "确定", true)];
    t.extend_from_slice(LINE_EDIT);
    t.push(bind(Esc, NONE, || Action::Cancel, "取消", true));
    t.push(QUIT);
    t
}

impl PromptPopup {
    /// A prompt that starts with the text the same prompt was left with (Esc), if any,
    /// else with `initial` (a default to accept with Enter).
    pub fn new(ctx: &mut Context, title: String, then: Step, initial: &str) -> PromptPopup {
        let start = ctx.take_draft(then).unwrap_or_else(|| initial.to_string());
        PromptPopup {
            title,
            input: LineEdit::new(&start),
            then,
        }
    }

    pub fn update(&mut self, ctx: &mut Context, action: Action) -> Reply {
        if self.input.apply(&action) {
            return Reply::stay();
        }
        match action {
            Action::Submit => {
                let text = self.input.text();
                if text.trim().is_empty() {
                    ctx.error("内容不能为空");
                    return Reply::stay();
                }
                let done = ctx.run_and_tell(self.then, &text, None);
                match ctx.follow_up.take() {
                    // A step that needs a second look asks it next.
                    Some(ask) => Reply::close(Some(Action::Ask(ask))),
                    // Refused (the status line says why): the text stays, to be put right.
                    None if !done => Reply::stay(),
                    None => Reply::close(None),
                }
            }
            Action::Cancel => {
                let text = self.input.text();
                if !text.is_empty() {
                    ctx.keep_draft(self.then, text);
                }
                ctx.info("已取消");
                Reply::close(None)
            }
            _ => Reply::stay(),
        }
    }

    pub fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let rect = centered(area, 60, 5);
        clear(frame, rect);
        let block = boxed(&self.title);
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let room = usize::from(inner.width).saturating_sub(3);
        let (shown, at) = self.input.window(room);
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw(format!("> {}", ctx.theme.user(&shown))),
                Line::styled(keys_hint(&keys()), ctx.theme.dim()),
            ]),
            inner,
        );
        let x = inner.x + 2 + u16::try_from(at).unwrap_or(0);
        frame.set_cursor_position(Position::new(
            x.min(inner.right().saturating_sub(1)),
            inner.y,
        ));
    }
}
