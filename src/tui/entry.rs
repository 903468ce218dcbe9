//! Typing into one field of one secretary's assessment: the rules the form and the
//! grid share (docs/architecture.md §8). Typing into a number replaces it, into a
//! text appends to it; Enter saves at once; a refused value stays, in red, with the
//! reason on the status line; Esc gives up an emptied or refused value and keeps the
//! stored one.

use super::context::{Context, NotSaved};
use super::fields::{Field, Kind, fields};
use super::keys::{Action, Ask, Input, Step};
use super::widgets::LineEdit;

#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub secretary: u32,
    /// Index of the focused field in the form's order.
    pub field: usize,
    /// What is typed and not yet saved.
    pub edit: Option<LineEdit>,
    /// Why the typed value was refused (shown in red).
    pub error: Option<String>,
    /// A question to ask before the typed value is saved (a new veto).
    pub ask: Option<Action>,
    /// The assessment as it was when typing began: the version the save is checked
    /// against (a refresh while typing must not hide another user's save).
    seen: Option<Option<crate::domain::Assessment>>,
}

impl Entry {
    pub fn field(&self, ctx: &Context) -> Field {
        let f = fields(ctx.book.scheme_for(self.secretary));
        f[self.field.min(f.len() - 1)]
    }

    pub fn typing(&self) -> bool {
        self.edit.is_some()
    }

    /// What printable keys are on this field.
    pub fn input(&self, ctx: &Context) -> Input {
        match self.field(ctx).kind() {
            Kind::Text => Input::Text,
            Kind::Number | Kind::Grade => Input::Number {
                typing: self.typing(),
            },
            Kind::Notes => Input::None,
        }
    }

    /// Forget what is typed (another secretary, another field).
    pub fn reset(&mut self) {
        self.edit = None;
        self.error = None;
        self.ask = None;
        self.seen = None;
    }

    /// Typing begins: remember the version it begins from.
    fn begin(&mut self, ctx: &Context) {
        if self.seen.is_none() {
            self.seen = Some(ctx.book.entry(self.secretary).map(|e| e.to_assessment()));
        }
    }

    /// After the data changed (a confirmed veto saved through a popup): a typed value
    /// that is now the stored one is no longer being typed.
    pub fn sync(&mut self, ctx: &Context) {
        if let Some(edit) = &self.edit {
            let field = self.field(ctx);
            let mut stored = ctx.assessment(self.secretary);
            let mut typed = stored.clone();
            if field
                .apply(
                    ctx.book.scheme_for(self.secretary),
                    &mut typed,
                    &edit.text(),
                )
                .is_ok()
                && field
                    .apply(
                        ctx.book.scheme_for(self.secretary),
                        &mut stored,
                        &self.stored(ctx),
                    )
                    .is_ok()
                && typed == stored
            {
                self.reset();
            }
        }
    }

    /// The stored value of the focused field.
    fn stored(&self, ctx: &Context) -> String {
        self.field(ctx).value(
            ctx.book.scheme_for(self.secretary),
            &ctx.assessment(self.secretary),
        )
    }

    /// Typing keys: characters, paste, Backspace, and in a text being typed the
    /// cursor keys and Ctrl-U. False for any other action.
    pub fn type_key(&mut self, ctx: &mut Context, action: &Action) -> bool {
        let kind = self.field(ctx).kind();
        if kind == Kind::Notes {
            return false;
        }
        match action {
            Action::Input(c) => {
                self.begin(ctx);
                self.type_text(ctx, &c.to_string());
            }
            Action::Paste(text) => {
                self.begin(ctx);
                self.type_text(ctx, text);
            }
            Action::Backspace => {
                self.begin(ctx);
                let stored = self.stored(ctx);
                self.edit
                    .get_or_insert_with(|| LineEdit::new(&stored))
                    .apply(action);
                self.error = None;
            }
            Action::Left | Action::Right | Action::First | Action::Last | Action::ClearInput
                if kind == Kind::Text && self.typing() =>
            {
                if let Some(edit) = &mut self.edit {
                    edit.apply(action);
                }
            }
            Action::ClearInput => {
                self.begin(ctx);
                self.edit = Some(LineEdit::default());
                self.error = None;
            }
            _ => return false,
        }
        true
    }

    fn type_text(&mut self, ctx: &Context, text: &str) {
        let field = self.field(ctx);
        let clean = crate::text::clean_line(text);
        if clean.is_empty() {
            return;
        }
        // A grade is one key: a new one replaces the last.
        if field.kind() == Kind::Grade && field.preview(&clean).is_some() {
            self.edit = Some(LineEdit::new(&clean));
            self.error = None;
            return;
        }
        let edit = self.edit.get_or_insert_with(|| {
            // Typing into a number replaces it; typing into a text appends.
            if field.kind() == Kind::Text {
                LineEdit::new(&field.value(
                    ctx.book.scheme_for(self.secretary),
                    &ctx.assessment(self.secretary),
                ))
            } else {
                LineEdit::default()
            }
        });
        edit.insert(&clean);
        self.error = None;
    }

    /// Save what is typed but not saved. False when it is refused (it stays, in red),
    /// or when it needs a yes first (`ask`).
    pub fn commit(&mut self, ctx: &mut Context) -> bool {
        let Some(input) = self.edit.as_ref().map(LineEdit::text) else {
            return true;
        };
        let field = self.field(ctx);
        // A veto fails the secretary whatever the scores: a new one is confirmed.
        let reason = crate::text::clean_line(&input).trim().to_string();
        if field == Field::VetoReason
            && !reason.is_empty()
            && !crate::domain::means_no_veto(&reason)
            && ctx.assessment(self.secretary).veto_reason.is_empty()
        {
            let name = ctx.book.name_of(self.secretary);
            self.ask = Some(Action::Ask(Ask::Confirm {
                question: format!("否决事由「{reason}」将使 {name} 一票否决(不合格,0星)。确定?"),
                then: Step::Veto(self.secretary),
                text: reason,
                seen: self.seen.clone().map(Box::new),
            }));
            return false;
        }
        match ctx.save_field(self.secretary, field, &input, self.seen.clone()) {
            Ok(()) => {
                self.reset();
                true
            }
            Err(NotSaved::Invalid(reason)) => {
                ctx.error(format!(
                    "{}:{reason}(未保存;改正后 Enter,或按 Esc 放弃)",
                    field.label(ctx.book.scheme_for(self.secretary))
                ));
                self.error = Some(reason);
                false
            }
            Err(NotSaved::Conflict(reason)) => {
                // What the other user saved shows; the typed value is given up.
                let stored = self.stored(ctx);
                self.reset();
                ctx.error(format!("未保存「{}」:{reason};现为 {stored}", input.trim()));
                false
            }
            Err(NotSaved::Locked(reason)) => {
                // No retry saves it: the stored value shows again, not the one typed
                // (and the keys are the screen's again).
                let stored = self.stored(ctx);
                self.reset();
                // The stored value first: a narrow terminal cuts the reason's end.
                ctx.error(format!("未保存「{}」,仍为 {stored}:{reason}", input.trim()));
                false
            }
            Err(NotSaved::Refused(reason)) => {
                // Not the value's fault: said as it is; Esc gives the value up.
                ctx.error(format!("未保存:{reason}"));
                self.error = Some(reason);
                false
            }
        }
    }

    /// Esc on a field being typed: save a valid change; an emptied field or a refused
    /// value is given up and the stored value stays (Esc never erases a saved value,
    /// and never traps the clerk in a field). False when nothing was being typed.
    pub fn leave(&mut self, ctx: &mut Context) -> bool {
        let Some(input) = self.edit.as_ref().map(LineEdit::text) else {
            return false;
        };
        // A valid change is saved; an emptied, refused or invalid one is given up at
        // once, with the reason, and the stored value stays.
        if !input.trim().is_empty() && self.error.is_none() {
            if self.commit(ctx) {
                return true;
            }
            if self.ask.is_some() || self.edit.is_none() {
                // A veto waiting for its yes, or a conflict already said: nothing more.
                return true;
            }
        }
        let why = self.error.clone();
        let stored = self.stored(ctx);
        self.reset();
        let shown = if stored.is_empty() {
            "(空)".to_string()
        } else {
            stored
        };
        match why.filter(|_| !input.trim().is_empty()) {
            Some(why) => ctx.info(format!(
                "已放弃输入「{}」({why}),保留原值 {shown}",
                input.trim()
            )),
            None => ctx.info(format!("已放弃输入,保留原值 {shown}")),
        }
        true
    }
}
