//! What the user means (`Action`), and the key tables that say it. Every screen and
//! popup has its own table (in its own file); the bottom hint bar and the `?` help
//! screen are drawn from those same tables, so they never drift apart
//! (docs/architecture.md §8).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What the user means, whatever key said it; and the follow-ups that `update`
/// returns instead of reaching into another screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// `q`: back to the overview; on the overview, quit.
    Home,
    /// Esc: leave the field or popup, or go back one screen.
    Cancel,
    Help,
    OpenList,
    OpenGrid,
    OpenWorkflow,
    OpenAudit,
    OpenRectifications,
    OpenPool,
    OpenSearch,
    /// Write the year's report as an Excel workbook.
    Export,
    /// Overview: switch the right pane (entry progress / stars this year and last).
    TogglePane,
    NextTownship,
    PrevTownship,
    /// Workflow: take the selected township's next step (submit, publish, approve).
    Advance,
    Reopen,
    Object,
    Resolve,
    /// Workflow: write the selected township's 公示 notice, 明白信 or broadcast script.
    Notice(crate::exchange::notice::Kind),
    /// Rectifications: mark the selected one done.
    MarkDone,
    /// Audit: this year only / every year.
    ToggleYears,
    /// `y`: pick the working year.
    PickYear,
    /// Work on another year (the year popup's choice).
    SwitchYear(i16),
    /// A confirm popup's yes.
    Confirm,
    Left,
    Right,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    /// Enter on a list: open the selected row.
    Open,
    /// `t`: choose the township to filter by (a popup).
    ChooseTownship,
    /// The township chosen (None: every township).
    FilterTownship(Option<u32>),
    CycleSort,
    /// Enter in a field: save it and go on.
    Submit,
    NextField,
    PrevField,
    NextSecretary,
    PrevSecretary,
    /// Ctrl-U in a one-line text: clear it.
    ClearInput,
    /// Save a multi-line text and stay in it.
    SaveText,
    Input(char),
    Backspace,
    Paste(String),
    /// Anything the multi-line editor takes as it is (arrows, Home, Enter...).
    TextKey(KeyEvent),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// Another user changed the data: read it again.
    Refresh,

    // Follow-ups, returned by a screen's or a popup's `update` for the app to route.
    /// Open a screen.
    Show(Target),
    /// Back to the screen before this one.
    Back,
    /// Open a popup.
    Ask(Ask),
    /// Carry out a step through the service with the text a popup gathered.
    Run(Step, String),
    /// The search picked a secretary for a step waiting for one.
    Picked(Step, u32),
}

/// A screen to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Overview,
    List,
    /// A secretary's form, on this field when one is given (else the first).
    Secretary(u32, Option<usize>),
    /// The township grid: at a secretary (and field), or at a township's first row.
    Grid(GridAt),
    Workflow,
    Audit,
    Rectify,
    Pool,
    Help,
}

/// Where the grid opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridAt {
    Secretary(u32, usize),
    Township(u32),
    Anywhere,
}

/// A popup to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// A yes/no question; `text` goes with the step (a veto's reason).
    Confirm {
        question: String,
        then: Step,
        text: String,
        /// The assessment the user saw, for a step that saves a field (a veto).
        seen: Option<Box<Option<crate::domain::Assessment>>>,
    },
    Prompt {
        title: String,
        then: Step,
        /// What the line starts with (a default to accept or change).
        initial: String,
    },
    /// The search: to open a secretary, or to pick one for a step.
    Search(Option<Step>),
    /// The townships, to filter a list by one (on the one chosen now).
    Township(Option<u32>),
    /// The years, to work on another.
    Year,
    /// A short list: each line and what choosing it does.
    Choose {
        title: String,
        items: Vec<(String, Action)>,
    },
    /// A multi-line text editor.
    Edit {
        title: String,
        text: String,
        then: Step,
        /// The assessment the user saw when the editor opened (notes).
        seen: Option<Box<Option<crate::domain::Assessment>>>,
    },
}

/// A step that a popup leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Submit(u32),
    /// Publish a township; `true` once the district has confirmed that it moves
    /// figures other townships published.
    Publish(u32, bool),
    Approve(u32),
    Reopen(u32),
    /// An objection: the secretary is picked by search first.
    Object(Option<u32>),
    Resolve(Option<u32>),
    MarkDone(i16, u32),
    /// A rectification's measures (year, secretary).
    Measures(i16, u32),
    /// A secretary's notes.
    Notes(u32),
    /// A veto reason, confirmed.
    Veto(u32),
}

/// What printable keys are where the focus is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Commands only.
    None,
    /// A number or grade field: the characters of a number are input; while something
    /// is being typed, letters are too.
    Number { typing: bool },
    /// A one-line text: every printable key is text.
    Text,
    /// A multi-line editor: every key but Esc and Ctrl-keys goes to it.
    Editor,
}

#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    pub action: fn() -> Action,
    /// Shown in the hint bar and the help screen; empty: an alias, listed only in help.
    pub label: &'static str,
    /// Shown in the hint bar (the most used ones; help lists all).
    pub hint: bool,
}

pub const NONE: KeyModifiers = KeyModifiers::NONE;
pub const CTRL: KeyModifiers = KeyModifiers::CONTROL;
pub const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

pub const fn bind(
    code: KeyCode,
    modifiers: KeyModifiers,
    action: fn() -> Action,
    label: &'static str,
    hint: bool,
) -> Binding {
    Binding {
        code,
        modifiers,
        action,
        label,
        hint,
    }
}

use KeyCode::{
    BackTab, Backspace, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up,
};

pub const QUIT: Binding = bind(Char('c'), CTRL, || Action::Quit, "退出", false);

/// The keys that open another screen, the same on every screen outside a text field.
pub const NAVIGATION: &[Binding] = &[
    bind(Char('/'), NONE, || Action::OpenSearch, "搜索", true),
    bind(Char('l'), NONE, || Action::OpenList, "名单", true),
    bind(Char('g'), NONE, || Action::OpenGrid, "表格录入", true),
    bind(Char('w'), NONE, || Action::OpenWorkflow, "年度流程", false),
    bind(
        Char('r'),
        NONE,
        || Action::OpenRectifications,
        "整改",
        false,
    ),
    bind(Char('p'), NONE, || Action::OpenPool, "优先选拔", false),
    bind(Char('h'), NONE, || Action::OpenAudit, "审计日志", false),
    bind(Char('x'), NONE, || Action::Export, "导出Excel", false),
    bind(Char('?'), NONE, || Action::Help, "帮助", true),
];

/// Moving in a list.
pub const LIST_MOVES: &[Binding] = &[
    bind(Up, NONE, || Action::Up, "上移", false),
    bind(Char('k'), NONE, || Action::Up, "", false),
    bind(Down, NONE, || Action::Down, "下移", false),
    bind(Char('j'), NONE, || Action::Down, "", false),
    bind(PageUp, NONE, || Action::PageUp, "上一页", false),
    bind(PageDown, NONE, || Action::PageDown, "下一页", false),
    bind(Home, NONE, || Action::First, "第一行", false),
    bind(End, NONE, || Action::Last, "最后一行", false),
];

/// Editing keys of a one-line text (a field, a prompt, the search).
pub const LINE_EDIT: &[Binding] = &[
    bind(Left, NONE, || Action::Left, "光标左移", false),
    bind(Right, NONE, || Action::Right, "光标右移", false),
    bind(Home, NONE, || Action::First, "行首", false),
    bind(End, NONE, || Action::Last, "行尾", false),
    bind(Backspace, NONE, || Action::Backspace, "删除", false),
    bind(Char('u'), CTRL, || Action::ClearInput, "清空", false),
];

/// The table of a list screen: its own keys, the list moves, navigation, back, home.
pub fn list_table(own: &[Binding]) -> Vec<Binding> {
    let mut t = own.to_vec();
    t.extend_from_slice(LIST_MOVES);
    t.extend_from_slice(NAVIGATION);
    t.push(bind(Esc, NONE, || Action::Cancel, "返回", false));
    t.push(bind(Char('y'), NONE, || Action::PickYear, "年度", false));
    t.push(bind(Char('q'), NONE, || Action::Home, "总览", true));
    t.push(QUIT);
    t
}

/// The action of a key, given the focused table and what printable keys are there.
pub fn action(table: &[Binding], input: Input, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    // Shift is part of the character itself ('?' is Shift-/ on most keyboards).
    let modifiers = match key.code {
        Char(_) => key.modifiers - KeyModifiers::SHIFT,
        BackTab => SHIFT,
        _ => key.modifiers,
    };
    if input == Input::Editor && !(key.code == Esc || modifiers.contains(CTRL)) {
        return Some(Action::TextKey(key));
    }
    let plain = !modifiers.intersects(CTRL | KeyModifiers::ALT);
    if let Char(c) = key.code
        && plain
    {
        let typed = match input {
            Input::Text => true,
            // While a value is being typed, a letter is part of it (`6q` is refused on
            // Enter, never saved as 6 nor taken for `q`); `]` `[` `/` `?` stay commands.
            Input::Number { typing } => is_number_char(c) || (typing && c.is_alphabetic()),
            Input::None | Input::Editor => false,
        };
        if typed {
            return Some(Action::Input(c));
        }
    }
    let found = table
        .iter()
        .find(|b| b.code == key.code && b.modifiers == modifiers)
        .map(|b| (b.action)());
    match (found, key.code) {
        (Some(a), _) => Some(a),
        // A letter a number field does not bind is typed, and refused on Enter.
        (None, Char(c)) if plain && matches!(input, Input::Number { .. }) => Some(Action::Input(c)),
        _ => None,
    }
}

/// Characters a number or a grade field takes (digits, full-width digits, the point,
/// and the grade words typed through an IME).
pub fn is_number_char(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '.' | '０'..='９' | '．' | '好' | '较' | '一' | '般' | '差'
        )
}

/// The key as the hint bar and the help screen write it (ASCII only).
pub fn key_label(b: &Binding) -> String {
    let key = match b.code {
        Char(' ') => "Space".to_string(),
        Char(c) => c.to_string(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        Tab => "Tab".into(),
        BackTab => "Shift-Tab".into(),
        Backspace => "Backspace".into(),
        Up => "Up".into(),
        Down => "Down".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Home => "Home".into(),
        Left => "Left".into(),
        Right => "Right".into(),
        End => "End".into(),
        other => format!("{other:?}"),
    };
    if b.modifiers.contains(CTRL) {
        format!("Ctrl-{}", key.to_uppercase())
    } else {
        key
    }
}

/// Bindings with the keys of one action merged (`Down/j 下移`); an unlabelled alias
/// goes under its action's label.
pub fn merged(bindings: impl IntoIterator<Item = Binding>) -> Vec<(String, &'static str)> {
    let mut entries: Vec<(Action, String, &'static str)> = Vec::new();
    for b in bindings {
        let action = (b.action)();
        match entries.iter_mut().find(|(a, _, _)| *a == action) {
            Some((_, keys, label)) => {
                keys.push('/');
                keys.push_str(&key_label(&b));
                if label.is_empty() {
                    *label = b.label;
                }
            }
            None => entries.push((action, key_label(&b), b.label)),
        }
    }
    entries
        .into_iter()
        .filter(|(_, _, l)| !l.is_empty())
        .map(|(_, k, l)| (k, l))
        .collect()
}

/// The keys that work the same on every screen outside a text field.
pub fn global() -> Vec<Binding> {
    let mut t = NAVIGATION.to_vec();
    t.push(QUIT);
    t
}

/// A table's own bindings for the help screen (the global ones are listed once).
pub fn help_entries(table: &[Binding]) -> Vec<(String, &'static str)> {
    let global = global();
    let is_global = |b: &Binding| {
        global
            .iter()
            .any(|g| g.code == b.code && g.modifiers == b.modifiers)
    };
    merged(table.iter().copied().filter(|b| !is_global(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, NONE)
    }

    #[test]
    fn a_number_field_takes_digits_and_while_typing_every_letter() {
        let t = [bind(Char('q'), NONE, || Action::Home, "总览", true)];
        let idle = Input::Number { typing: false };
        let typing = Input::Number { typing: true };
        assert_eq!(action(&t, idle, key(Char('7'))), Some(Action::Input('7')));
        assert_eq!(action(&t, idle, key(Char('q'))), Some(Action::Home));
        // `6` then `q`: the q is typed (and refused on Enter), never a command.
        assert_eq!(action(&t, typing, key(Char('q'))), Some(Action::Input('q')));
        // `]` after a number is still the next secretary (the number is saved first).
        let t = [bind(
            Char(']'),
            NONE,
            || Action::NextSecretary,
            "下一位",
            true,
        )];
        assert_eq!(
            action(&t, typing, key(Char(']'))),
            Some(Action::NextSecretary)
        );
        // An unbound letter is typed too, so that Enter can say why it is refused.
        assert_eq!(action(&t, idle, key(Char('z'))), Some(Action::Input('z')));
        assert_eq!(action(&t, Input::None, key(Char('z'))), None);
    }

    #[test]
    fn in_a_text_field_letters_are_text_and_the_editor_takes_enter() {
        let t = [bind(Char('q'), NONE, || Action::Home, "总览", true)];
        for c in ['q', 'l', '/', '?', '[', ']', 'g', '张'] {
            assert_eq!(
                action(&t, Input::Text, key(Char(c))),
                Some(Action::Input(c))
            );
        }
        assert!(matches!(
            action(&t, Input::Editor, key(Enter)),
            Some(Action::TextKey(_))
        ));
        assert_eq!(
            action(&[QUIT], Input::Editor, KeyEvent::new(Char('c'), CTRL)),
            Some(Action::Quit)
        );
    }
}
