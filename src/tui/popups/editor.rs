//! The multi-line text editor (a secretary's notes, a rectification's measures).
//! Ctrl-S saves, Esc saves and leaves; a refused save keeps the text in the editor,
//! and a second Esc then leaves it unsaved, the text kept as a draft that the same
//! editor offers when it opens again.

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
    /// The last key was an Esc whose save was refused (not for another user's save).
    refused: bool,
    /// The last save was refused because another user had saved meanwhile.
    moved: bool,
    /// The text as stored when the editor opened or last saved (a rectification's
    /// measures are checked against it).
    stored: String,
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
            refused: false,
            moved: false,
            stored: text.to_string(),
        }
    }

    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    /// Save the text; false when refused (the status line says why).
    pub fn save(&mut self, ctx: &mut Context) -> bool {
        if let Step::Measures(year, s) = self.then {
            let saved = ctx.save_measures((year, s), &self.text(), &self.stored);
            // As stored now: after another user's writing, the next save knows it.
            let now = ctx.measures_of(year, s).unwrap_or_default();
            self.moved = !saved && now != self.stored;
            self.stored = now;
            return saved;
        }
        let saved = ctx.run_and_tell(self.then, &self.text(), self.seen.clone());
        self.moved = false;
        if let Step::Notes(s) = self.then {
            // Saved: the next Ctrl-S builds on this version. Refused because another
            // user saved meanwhile (the year was read again and the user told): the
            // next save is made knowing it.
            let now = Some(ctx.book.entry(s).map(|e| e.to_assessment()));
            self.moved = !saved && now != self.seen;
            self.seen = now;
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
            // Esc again after a refusal: the text goes unsaved, kept as a draft.
            Action::Cancel if self.refused => {
                ctx.keep_draft(self.then, self.text());
                ctx.error("未保存;文字已留作草稿,再次打开时带出");
                return Reply::close(None);
            }
            Action::Cancel if self.save(ctx) => return Reply::close(None),
            Action::Cancel => {
                self.refused = !self.moved;
                return Reply::stay();
            }
            _ => {}
        }
        self.refused = false;
        Reply::stay()
    }

    pub fn view(&self, _ctx: &Context, frame: &mut Frame, area: Rect) {
        // The keys are on the hint bar; the title keeps the name whole.
        editor_popup(frame, centered(area, 64, 12), &self.title, &self.editor);
    }
}
