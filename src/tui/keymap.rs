//! Keys map to actions in one table per input mode. The same tables draw the bottom
//! hint bar and the `?` help screen, so the two can never drift apart (docs/architecture.md, "Screens and keys").

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What the user means, whatever key said it.
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
    /// Workflow: write the selected township's 公示 notice (false) or 明白信 (true).
    Notice(bool),
    /// Rectifications: mark the selected one done.
    MarkDone,
    /// Audit: this year only / every year.
    ToggleYears,
    Confirm,
    Left,
    Right,
    OpenSearch,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    /// Enter on a list: open the selected secretary.
    Open,
    CycleTownship,
    CycleSort,
    /// Enter in a form field: save, go to the next field.
    Submit,
    NextField,
    PrevField,
    NextSecretary,
    PrevSecretary,
    /// Save a multi-line text and leave it.
    SaveText,
    Input(char),
    Backspace,
    Paste(String),
    /// Anything the multi-line editor takes as it is (arrows, Home, Enter...).
    TextKey(KeyEvent),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
}

/// Input modes: each has its own table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Overview,
    List,
    /// On a form field whose value is a number or a grade (not a text field).
    Field,
    /// Typing in a one-line text field (a reason).
    TextField,
    /// The multi-line notes editor.
    Notes,
    Search,
    Help,
    /// The township grid on a number or grade column.
    Grid,
    /// The township grid on a text column.
    GridText,
    Workflow,
    Audit,
    /// Rectifications and the promotion pool: lists of secretaries.
    Rectify,
    Pool,
    /// A one-line text prompt (a reason, an objection).
    Prompt,
    /// A yes/no question before a step that cannot simply be undone.
    Confirm,
}

impl Mode {
    pub const ALL: [Mode; 15] = [
        Mode::Overview,
        Mode::List,
        Mode::Field,
        Mode::TextField,
        Mode::Notes,
        Mode::Search,
        Mode::Help,
        Mode::Grid,
        Mode::GridText,
        Mode::Workflow,
        Mode::Audit,
        Mode::Rectify,
        Mode::Pool,
        Mode::Prompt,
        Mode::Confirm,
    ];
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

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

const fn bind(
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

const QUIT: Binding = bind(Char('c'), CTRL, || Action::Quit, "退出", false);

const NAVIGATION: &[Binding] = &[
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

const LIST_MOVES: &[Binding] = &[
    bind(Up, NONE, || Action::Up, "上移", false),
    bind(Char('k'), NONE, || Action::Up, "", false),
    bind(Down, NONE, || Action::Down, "下移", false),
    bind(Char('j'), NONE, || Action::Down, "", false),
    bind(PageUp, NONE, || Action::PageUp, "上一页", false),
    bind(PageDown, NONE, || Action::PageDown, "下一页", false),
    bind(Home, NONE, || Action::First, "第一行", false),
    bind(End, NONE, || Action::Last, "最后一行", false),
];

pub fn table(mode: Mode) -> Vec<Binding> {
    let mut t = Vec::new();
    match mode {
        Mode::Overview => {
            t.push(bind(Enter, NONE, || Action::OpenList, "名单", false));
            t.push(bind(Tab, NONE, || Action::TogglePane, "切换图表", false));
            t.extend_from_slice(NAVIGATION);
            t.push(bind(Esc, NONE, || Action::Cancel, "", false));
            t.push(bind(Char('q'), NONE, || Action::Home, "退出", true));
        }
        Mode::List => {
            t.push(bind(Enter, NONE, || Action::Open, "打开", true));
            t.extend_from_slice(LIST_MOVES);
            t.push(bind(
                Char('t'),
                NONE,
                || Action::CycleTownship,
                "乡镇筛选",
                true,
            ));
            t.push(bind(Char('s'), NONE, || Action::CycleSort, "排序", true));
            t.extend_from_slice(NAVIGATION);
            t.push(bind(Esc, NONE, || Action::Cancel, "返回", false));
            t.push(bind(Char('q'), NONE, || Action::Home, "总览", true));
        }
        Mode::Field => {
            t.push(bind(Enter, NONE, || Action::Submit, "保存并下一项", true));
            t.push(bind(Tab, NONE, || Action::NextField, "下一项", false));
            t.push(bind(BackTab, SHIFT, || Action::PrevField, "上一项", false));
            t.push(bind(Down, NONE, || Action::NextField, "", false));
            t.push(bind(Up, NONE, || Action::PrevField, "", false));
            t.push(bind(
                Char(']'),
                NONE,
                || Action::NextSecretary,
                "下一位",
                true,
            ));
            t.push(bind(
                Char('['),
                NONE,
                || Action::PrevSecretary,
                "上一位",
                true,
            ));
            t.push(bind(PageDown, NONE, || Action::NextSecretary, "", false));
            t.push(bind(PageUp, NONE, || Action::PrevSecretary, "", false));
            t.push(bind(Backspace, NONE, || Action::Backspace, "删除", false));
            t.extend_from_slice(NAVIGATION);
            t.push(bind(Esc, NONE, || Action::Cancel, "返回", true));
            t.push(bind(Char('q'), NONE, || Action::Home, "总览", false));
        }
        Mode::TextField => {
            t.push(bind(Enter, NONE, || Action::Submit, "保存并下一项", true));
            t.push(bind(Tab, NONE, || Action::NextField, "保存并下一项", false));
            t.push(bind(
                BackTab,
                SHIFT,
                || Action::PrevField,
                "保存并上一项",
                false,
            ));
            t.push(bind(Down, NONE, || Action::NextField, "", false));
            t.push(bind(Up, NONE, || Action::PrevField, "", false));
            t.push(bind(
                PageDown,
                NONE,
                || Action::NextSecretary,
                "下一位",
                true,
            ));
            t.push(bind(PageUp, NONE, || Action::PrevSecretary, "上一位", true));
            t.push(bind(Backspace, NONE, || Action::Backspace, "删除", false));
            t.push(bind(Esc, NONE, || Action::Cancel, "保存并离开", true));
        }
        Mode::Notes => {
            t.push(bind(Char('s'), CTRL, || Action::SaveText, "保存", true));
            t.push(bind(Esc, NONE, || Action::Cancel, "保存并离开", true));
        }
        Mode::Search => {
            t.push(bind(Enter, NONE, || Action::Open, "打开", true));
            t.push(bind(Up, NONE, || Action::Up, "上移", true));
            t.push(bind(Down, NONE, || Action::Down, "下移", true));
            t.push(bind(Backspace, NONE, || Action::Backspace, "删除", false));
            t.push(bind(Esc, NONE, || Action::Cancel, "关闭", true));
        }
        Mode::Grid | Mode::GridText => {
            let text = mode == Mode::GridText;
            t.push(bind(Enter, NONE, || Action::Submit, "保存并右移", true));
            t.push(bind(Tab, NONE, || Action::NextField, "右移", false));
            t.push(bind(BackTab, SHIFT, || Action::PrevField, "左移", false));
            t.push(bind(Right, NONE, || Action::Right, "", false));
            t.push(bind(Left, NONE, || Action::Left, "", false));
            t.push(bind(Down, NONE, || Action::Down, "下一行", true));
            t.push(bind(Up, NONE, || Action::Up, "上一行", false));
            t.push(bind(PageDown, NONE, || Action::PageDown, "下一页", false));
            t.push(bind(PageUp, NONE, || Action::PageUp, "上一页", false));
            t.push(bind(Backspace, NONE, || Action::Backspace, "删除", false));
            if !text {
                t.push(bind(
                    Char(']'),
                    NONE,
                    || Action::NextTownship,
                    "下一乡镇",
                    true,
                ));
                t.push(bind(
                    Char('['),
                    NONE,
                    || Action::PrevTownship,
                    "上一乡镇",
                    false,
                ));
                t.extend_from_slice(NAVIGATION);
                t.push(bind(Char('q'), NONE, || Action::Home, "总览", false));
            }
            t.push(bind(Esc, NONE, || Action::Cancel, "返回", true));
        }
        Mode::Workflow => {
            t.push(bind(Enter, NONE, || Action::Advance, "下一步", true));
            t.extend_from_slice(LIST_MOVES);
            t.push(bind(Char('R'), NONE, || Action::Reopen, "重新打开", true));
            t.push(bind(Char('o'), NONE, || Action::Object, "登记异议", true));
            t.push(bind(Char('v'), NONE, || Action::Resolve, "处理异议", true));
            t.push(bind(
                Char('n'),
                NONE,
                || Action::Notice(false),
                "公示通知",
                false,
            ));
            t.push(bind(
                Char('m'),
                NONE,
                || Action::Notice(true),
                "明白信",
                false,
            ));
            t.extend_from_slice(NAVIGATION);
            t.push(bind(Esc, NONE, || Action::Cancel, "返回", false));
            t.push(bind(Char('q'), NONE, || Action::Home, "总览", true));
        }
        Mode::Audit => {
            t.extend_from_slice(LIST_MOVES);
            t.push(bind(
                Char('t'),
                NONE,
                || Action::CycleTownship,
                "乡镇筛选",
                true,
            ));
            t.push(bind(
                Char('y'),
                NONE,
                || Action::ToggleYears,
                "本年/全部",
                true,
            ));
            t.extend_from_slice(NAVIGATION);
            t.push(bind(Esc, NONE, || Action::Cancel, "返回", false));
            t.push(bind(Char('q'), NONE, || Action::Home, "总览", true));
        }
        Mode::Rectify | Mode::Pool => {
            t.push(bind(
                Enter,
                NONE,
                || Action::Open,
                if mode == Mode::Rectify {
                    "整改措施"
                } else {
                    "打开"
                },
                true,
            ));
            if mode == Mode::Rectify {
                t.push(bind(Char('d'), NONE, || Action::MarkDone, "标记完成", true));
            }
            t.extend_from_slice(LIST_MOVES);
            t.extend_from_slice(NAVIGATION);
            t.push(bind(Esc, NONE, || Action::Cancel, "返回", false));
            t.push(bind(Char('q'), NONE, || Action::Home, "总览", true));
        }
        Mode::Prompt => {
            t.push(bind(Enter, NONE, || Action::Submit, "确定", true));
            t.push(bind(Backspace, NONE, || Action::Backspace, "删除", false));
            t.push(bind(Esc, NONE, || Action::Cancel, "取消", true));
        }
        Mode::Confirm => {
            t.push(bind(Char('y'), NONE, || Action::Confirm, "是", true));
            // Only `y` says yes: a second Enter from fast fingers must not approve.
            t.push(bind(Char('n'), NONE, || Action::Cancel, "否", true));
            t.push(bind(Esc, NONE, || Action::Cancel, "", false));
        }
        Mode::Help => {
            t.push(bind(Esc, NONE, || Action::Cancel, "返回", true));
            t.push(bind(Down, NONE, || Action::Down, "下滚", true));
            t.push(bind(Char('j'), NONE, || Action::Down, "", false));
            t.push(bind(Up, NONE, || Action::Up, "上滚", true));
            t.push(bind(Char('k'), NONE, || Action::Up, "", false));
            t.push(bind(PageDown, NONE, || Action::PageDown, "下一页", false));
            t.push(bind(PageUp, NONE, || Action::PageUp, "上一页", false));
            t.push(bind(Char('q'), NONE, || Action::Cancel, "", false));
            t.push(bind(Char('?'), NONE, || Action::Cancel, "", false));
        }
    }
    t.push(QUIT);
    t
}

/// The keys that work the same on every screen outside a text field.
pub fn global() -> Vec<Binding> {
    let mut t = NAVIGATION.to_vec();
    t.push(QUIT);
    t
}

/// A mode's own bindings for the help screen (the global ones are listed once).
pub fn help_entries(mode: Mode) -> Vec<(String, &'static str)> {
    let global = global();
    let is_global = |b: &Binding| {
        global
            .iter()
            .any(|g| g.code == b.code && g.modifiers == b.modifiers)
    };
    merged(table(mode).into_iter().filter(|b| !is_global(b)))
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

/// The action of a key in a mode. Printable keys that the table does not name are
/// input where the mode takes text.
pub fn action(mode: Mode, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    // Shift is part of the character itself ('?' is Shift-/ on most keyboards).
    let modifiers = match key.code {
        Char(_) => key.modifiers - KeyModifiers::SHIFT,
        BackTab => SHIFT,
        _ => key.modifiers,
    };
    if mode == Mode::Notes && !(key.code == Esc || modifiers.contains(CTRL)) {
        return Some(Action::TextKey(key));
    }
    let typed = |c: char| -> Option<Action> {
        let takes_text = matches!(
            mode,
            Mode::Field
                | Mode::TextField
                | Mode::Search
                | Mode::Grid
                | Mode::GridText
                | Mode::Prompt
        );
        (takes_text && !modifiers.intersects(CTRL | KeyModifiers::ALT)).then_some(Action::Input(c))
    };
    // In a text field every printable key is text.
    if let (Mode::TextField | Mode::GridText | Mode::Search | Mode::Prompt, Char(c)) =
        (mode, key.code)
        && !modifiers.contains(CTRL)
    {
        return typed(c);
    }
    // In a number field, the characters of a number are input before any binding.
    if let (Mode::Field | Mode::Grid, Char(c)) = (mode, key.code)
        && is_number_char(c)
        && modifiers.is_empty()
    {
        return typed(c);
    }
    let found = table(mode)
        .into_iter()
        .find(|b| b.code == key.code && b.modifiers == modifiers)
        .map(|b| (b.action)());
    match (found, key.code) {
        (Some(a), _) => Some(a),
        (None, Char(c)) => typed(c),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, NONE)
    }

    #[test]
    fn the_key_contract_of_section_8() {
        assert_eq!(action(Mode::List, key(Char('/'))), Some(Action::OpenSearch));
        assert_eq!(action(Mode::List, key(Char('j'))), Some(Action::Down));
        assert_eq!(action(Mode::List, key(Char('k'))), Some(Action::Up));
        assert_eq!(action(Mode::List, key(Enter)), Some(Action::Open));
        assert_eq!(action(Mode::Field, key(Enter)), Some(Action::Submit));
        assert_eq!(action(Mode::Field, key(Tab)), Some(Action::NextField));
        assert_eq!(
            action(Mode::Field, KeyEvent::new(BackTab, SHIFT)),
            Some(Action::PrevField)
        );
        assert_eq!(
            action(Mode::Field, key(Char(']'))),
            Some(Action::NextSecretary)
        );
        assert_eq!(
            action(Mode::Field, key(PageUp)),
            Some(Action::PrevSecretary)
        );
        assert_eq!(
            action(Mode::Field, key(Char('3'))),
            Some(Action::Input('3'))
        );
        assert_eq!(action(Mode::Field, key(Char('?'))), Some(Action::Help));
        assert_eq!(
            action(Mode::Field, KeyEvent::new(Char('?'), SHIFT)),
            Some(Action::Help)
        );
        assert_eq!(action(Mode::Overview, key(Char('q'))), Some(Action::Home));
        assert_eq!(action(Mode::List, key(Char('g'))), Some(Action::OpenGrid));
        assert_eq!(
            action(Mode::List, key(Char('w'))),
            Some(Action::OpenWorkflow)
        );
        for mode in Mode::ALL {
            assert_eq!(
                action(mode, KeyEvent::new(Char('c'), CTRL)),
                Some(Action::Quit),
                "{mode:?}"
            );
            assert!(action(mode, key(Esc)).is_some(), "{mode:?}");
        }
    }

    #[test]
    fn in_a_text_field_letters_are_text_not_commands() {
        for c in ['q', 'l', '/', '?', '[', ']', 'g', '张'] {
            assert_eq!(
                action(Mode::TextField, key(Char(c))),
                Some(Action::Input(c))
            );
            assert_eq!(action(Mode::Search, key(Char(c))), Some(Action::Input(c)));
            assert_eq!(action(Mode::GridText, key(Char(c))), Some(Action::Input(c)));
            assert_eq!(action(Mode::Prompt, key(Char(c))), Some(Action::Input(c)));
        }
        // In a number column of the grid, digits are input and letters are commands.
        assert_eq!(action(Mode::Grid, key(Char('7'))), Some(Action::Input('7')));
        assert_eq!(
            action(Mode::Grid, key(Char(']'))),
            Some(Action::NextTownship)
        );
        assert_eq!(action(Mode::Grid, key(Char('q'))), Some(Action::Home));
        assert!(matches!(
            action(Mode::Notes, key(Enter)),
            Some(Action::TextKey(_))
        ));
    }

    #[test]
    fn every_mode_has_a_labelled_way_out() {
        for mode in Mode::ALL {
            assert!(
                table(mode).iter().any(|b| b.hint && !b.label.is_empty()),
                "{mode:?}"
            );
        }
    }
}
