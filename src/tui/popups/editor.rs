//! The multi-line text editor (a secretary's notes, a rectification's measures).
//! Ctrl-S saves, Esc saves and leaves; a refused save keeps the text in the editor.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Esc};
use ratatui::layout::Rect;
use ratatui_textarea::{CursorMove, TextArea};

use super::Reply;
use crate::text::clean_multiline;
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, CTRL, NONE, QUIT, Step, bind};
use crate::tui::widgets::{centered, editor_popup};

pub struct EditorPopup {
    pub title: String,
    pub editor: TextArea<'static>,
    pub then: Step,
    /// The assessment as it was when the editor opened: a save is checked against it,
    /// and after a save against what was saved.
    seen: Option<Option<crate::domain::Assessment>>,
}

pub fn keys() -> Vec<Binding> {
    vec![
        bind(Char('s'), CTRL, || Action::SaveText, "保存", true),
        bind(Esc, NONE, || Action::Cancel, "保存并离开", true),
        QUIT,
    ]
}

impl EditorPopup {
    /// An editor holding `text`, the cursor at its end.
    pub fn new(
        title: String,
        text: &str,
        then: Step,
        seen: Option<Option<crate::domain::Assessment>>,
    ) -> EditorPopup {
        let mut editor = TextArea::new(text.lines().map(str::to_string).collect());
        editor.move_cursor(CursorMove::Bottom);
        editor.move_cursor(CursorMove::End);
        EditorPopup {
            title,
            editor,
            then,
            seen,
        }
    }

    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    /// Save the text; false when refused (the status line says why).
    pub fn save(&mut self, ctx: &mut Context) -> bool {
        let saved = ctx.run_and_tell(self.then, &self.text(), self.seen.clone());
        if saved && let Step::Notes(s) = self.then {
            // Saved: the next Ctrl-S builds on this version.
            self.seen = Some(ctx.book.entry(s).map(|e| e.assessment.clone()));
        }
        saved
    }

    pub fn update(&mut self, ctx: &mut Context, action: Action) -> Reply {
        match action {
            Action::TextKey(key) => {
                self.editor.input(key);
            }
            Action::Paste(text) => {
                self.editor.insert_str(clean_multiline(&text));
            }
            Action::SaveText => {
                self.save(ctx);
            }
            Action::Cancel if self.save(ctx) => return Reply::close(None),
            _ => {}
        }
        Reply::stay()
    }

    pub fn view(&self, _ctx: &Context, frame: &mut Frame, area: Rect) {
        // The keys are on the hint bar; the title keeps the name whole.
        editor_popup(frame, centered(area, 64, 12), &self.title, &self.editor);
    }
}
