//! Popups over a screen: the search, a yes/no question, a one-line prompt, the
//! multi-line text editor, the years and a short list to choose from. Each file holds one: its state, keys, `update` and `view`.

pub mod choose;
pub mod confirm;
pub mod editor;
pub mod prompt;
pub mod search;
pub mod township;
pub mod year;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Line;

use crate::text::truncate;

use super::context::Context;
use super::keys::{Action, Binding, Input};

pub use choose::ChoosePopup;
pub use confirm::ConfirmPopup;
pub use editor::EditorPopup;
pub use prompt::PromptPopup;
pub use search::SearchPopup;
pub use township::TownshipPopup;

/// The query line of a box that finds as one types (`/ text`): the line, and the
/// column of the cursor in it, for [`query_cursor`].
fn query_line(
    ctx: &Context,
    query: &crate::tui::widgets::LineEdit,
    inner: Rect,
) -> (Line<'static>, usize) {
    let (text, at) = query.window(usize::from(inner.width).saturating_sub(3));
    (Line::raw(format!("/ {}", ctx.theme.user(&text))), at)
}

/// The terminal's cursor at column `at` of the query line.
fn query_cursor(frame: &mut Frame, inner: Rect, at: usize) {
    let x = inner.x + 2 + u16::try_from(at).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}

/// A row of a popup's list, `>` and highlighted when selected, cut to `width`.
fn marked_row(ctx: &Context, text: &str, selected: bool, width: u16) -> Line<'static> {
    let mark = if selected { ">" } else { " " };
    let style = if selected {
        ctx.theme.selected()
    } else {
        Style::new()
    };
    Line::styled(truncate(&format!("{mark}{text}"), width.into()), style)
}

/// What a popup's `update` asks of the app.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// Close the popup.
    pub close: bool,
    /// And then do this.
    pub then: Option<Action>,
}

impl Reply {
    pub fn stay() -> Reply {
        Reply::default()
    }

    pub fn close(then: Option<Action>) -> Reply {
        Reply { close: true, then }
    }
}

pub enum Popup {
    Search(SearchPopup),
    Confirm(ConfirmPopup),
    Prompt(PromptPopup),
    Editor(Box<EditorPopup>),
    Choose(ChoosePopup),
    Township(TownshipPopup),
}

impl Popup {
    pub fn keys(&self) -> Vec<Binding> {
        match self {
            Popup::Search(_) => search::keys(),
            Popup::Confirm(_) => confirm::keys(),
            Popup::Prompt(_) => prompt::keys(),
            Popup::Editor(_) => editor::keys(),
            Popup::Choose(p) => choose::keys(p.enter),
            Popup::Township(_) => township::keys(),
        }
    }

    pub fn input(&self) -> Input {
        match self {
            Popup::Search(_) | Popup::Prompt(_) | Popup::Township(_) => Input::Text,
            Popup::Confirm(_) | Popup::Choose(_) => Input::None,
            Popup::Editor(_) => Input::Editor,
        }
    }

    pub fn update(&mut self, ctx: &mut Context, action: Action) -> Reply {
        match self {
            Popup::Search(p) => p.update(ctx, action),
            Popup::Confirm(p) => p.update(ctx, action),
            Popup::Prompt(p) => p.update(ctx, action),
            Popup::Editor(p) => p.update(ctx, action),
            Popup::Choose(p) => p.update(ctx, action),
            Popup::Township(p) => p.update(ctx, action),
        }
    }

    /// Ctrl-C with the popup open: the editor keeps what was written so far, as the
    /// form keeps its saved fields; the others have nothing to keep.
    pub fn quit(&mut self, ctx: &mut Context) {
        if let Popup::Editor(p) = self {
            p.save(ctx);
        }
    }

    pub fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        match self {
            Popup::Search(p) => p.view(ctx, frame, area),
            Popup::Confirm(p) => p.view(ctx, frame, area),
            Popup::Prompt(p) => p.view(ctx, frame, area),
            Popup::Editor(p) => p.view(ctx, frame, area),
            Popup::Choose(p) => p.view(ctx, frame, area),
            Popup::Township(p) => p.view(ctx, frame, area),
        }
    }

    /// Every popup's keys with a heading, for the help screen.
    pub fn help() -> Vec<(&'static str, Vec<Binding>)> {
        vec![
            (
                "搜索(姓名、村、乡镇、全拼或首字母,如 zs 找张三)",
                search::keys(),
            ),
            ("文字编辑(备注、整改措施)", editor::keys()),
            ("输入框", prompt::keys()),
            ("确认框", confirm::keys()),
            ("考核年度(y)", choose::keys(year::ENTER)),
            ("选择(处理异议 v)", choose::keys(choose::ENTER)),
            ("乡镇筛选(t,名称、拼音或首字母)", township::keys()),
        ]
    }
}
