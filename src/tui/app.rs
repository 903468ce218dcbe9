//! The TUI's state and `update`, the only place that state changes (docs/architecture.md).
//! Saving a field happens here, at once, in its own transaction.

use std::collections::HashMap;

use ratatui_textarea::TextArea;

use super::form::{Field, Kind, fields};
use super::keymap::{Action, Mode};
use super::search::{Searchable, search};
use super::theme::Theme;
use super::year::{AuditState, GridState, Pending, PickState, Popup};
use crate::domain::Assessment;
use crate::domain::{Rectification, Stage};
use crate::scoring::Rating;
use crate::service::{Refusal, SaveAssessment, Service, YearBook};
use crate::text::{clean_line, clean_multiline};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Overview,
    List,
    Secretary,
    Help,
    Grid,
    Workflow,
    Audit,
    Rectify,
    Pool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// The district's official order (roster order).
    Official,
    /// By total, highest first.
    Total,
    /// By the pinyin of the name.
    Pinyin,
}

impl Sort {
    pub fn label(self) -> &'static str {
        match self {
            Sort::Official => "名册顺序",
            Sort::Total => "总分",
            Sort::Pinyin => "姓名拼音",
        }
    }
}

#[derive(Debug)]
pub struct ListState {
    /// Secretary ids in the order and filter shown.
    pub rows: Vec<u32>,
    pub selected: usize,
    pub offset: usize,
    pub township: Option<u32>,
    pub sort: Sort,
}

#[derive(Debug)]
pub struct FormState {
    pub secretary: u32,
    pub field: usize,
    /// What the clerk has typed and not yet saved.
    pub edit: Option<String>,
    /// Why the typed value was refused (shown in red).
    pub error: Option<String>,
    /// The multi-line editor of the notes, while open.
    pub notes: Option<TextArea<'static>>,
}

#[derive(Debug, Default)]
pub struct SearchState {
    pub query: String,
    pub hits: Vec<u32>,
    pub selected: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub service: Service,
    pub theme: Theme,
    pub book: YearBook,
    /// Ratings of the other years, for the star history.
    pub history: Vec<(i16, HashMap<u32, Rating>)>,
    /// The secretaries of the working year, in official order.
    pub people: Vec<u32>,
    pub index: Vec<Searchable>,
    pub screen: Screen,
    /// Where Esc goes back to.
    pub previous: Vec<Screen>,
    pub list: ListState,
    pub form: FormState,
    pub search: Option<SearchState>,
    pub status: Option<Status>,
    pub size: (u16, u16),
    /// First line shown on the help screen.
    pub help_offset: usize,
    pub grid: GridState,
    /// Selection of the workflow, rectification and pool lists.
    pub pick: PickState,
    pub audit: AuditState,
    pub popup: Option<Popup>,
    /// A step waiting for the search to pick its secretary.
    pub pending: Option<Pending>,
    /// Text of a prompt left with Esc, offered again by the next prompt.
    pub draft: Option<String>,
    /// The rectification measures being edited: (year, secretary, editor).
    pub measures: Option<(i16, u32, TextArea<'static>)>,
    /// Every rectification: (year, secretary, record).
    pub rectifications: Vec<(i16, u32, Rectification)>,
    /// Overview: show stars by township (this year and last) instead of progress.
    pub overview_stars: bool,
    /// Each visible township's progress through the year (kept current by `update`).
    pub statuses: Vec<crate::service::workflow::TownshipStatus>,
    /// Today, read in `update` (views do no I/O).
    pub today: jiff::civil::Date,
    pub quit: bool,
}

/// Rows of the list that a page holds at the current size.
fn page_rows(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(6)).max(1)
}

impl App {
    pub fn new(service: Service, year: i16, theme: Theme) -> Result<App, Refusal> {
        let book = service.book_or_new(year)?;
        let history = service.history(year)?;
        let today = service.today();
        let mut app = App {
            service,
            theme,
            book,
            history,
            people: Vec::new(),
            index: Vec::new(),
            screen: Screen::Overview,
            previous: Vec::new(),
            list: ListState {
                rows: Vec::new(),
                selected: 0,
                offset: 0,
                township: None,
                sort: Sort::Official,
            },
            form: FormState {
                secretary: 0,
                field: 0,
                edit: None,
                error: None,
                notes: None,
            },
            search: None,
            status: None,
            size: (80, 24),
            help_offset: 0,
            grid: GridState::default(),
            pick: PickState::default(),
            audit: AuditState::default(),
            popup: None,
            pending: None,
            draft: None,
            measures: None,
            rectifications: Vec::new(),
            overview_stars: false,
            statuses: Vec::new(),
            today,
            quit: false,
        };
        app.people = app.visible_people();
        app.rectifications = app.service.rectifications(None).unwrap_or_default();
        app.refresh_statuses();
        app.index = app
            .people
            .iter()
            .filter_map(|&id| {
                let s = app.book.district.secretary(id)?;
                let (t, v) = app.book.district.place(id)?;
                Some(Searchable::new(id, &s.name, &v.name, &t.name))
            })
            .collect();
        app.refresh_list();
        Ok(app)
    }

    pub fn year(&self) -> i16 {
        self.book.year
    }

    pub fn mode(&self) -> Mode {
        match &self.popup {
            Some(Popup::Confirm { .. }) => return Mode::Confirm,
            Some(Popup::Prompt { .. }) => return Mode::Prompt,
            None => {}
        }
        if self.measures.is_some() {
            return Mode::Notes;
        }
        if self.search.is_some() {
            return Mode::Search;
        }
        match self.screen {
            Screen::Grid => match self.field().kind() {
                Kind::Text => Mode::GridText,
                _ => Mode::Grid,
            },
            Screen::Workflow => Mode::Workflow,
            Screen::Audit => Mode::Audit,
            Screen::Rectify => Mode::Rectify,
            Screen::Pool => Mode::Pool,
            Screen::Overview => Mode::Overview,
            Screen::List => Mode::List,
            Screen::Help => Mode::Help,
            Screen::Secretary => match (self.field().kind(), &self.form.notes) {
                (Kind::Notes, Some(_)) => Mode::Notes,
                (Kind::Text, _) => Mode::TextField,
                _ => Mode::Field,
            },
        }
    }

    pub fn fields(&self) -> Vec<Field> {
        fields(&self.book.scheme)
    }

    pub fn field(&self) -> Field {
        let f = self.fields();
        f[self.form.field.min(f.len() - 1)]
    }

    /// The assessment on the form (empty when none is stored yet).
    pub fn assessment(&self, secretary: u32) -> Assessment {
        self.book
            .entry(secretary)
            .map(|e| e.assessment.clone())
            .unwrap_or_default()
    }

    pub fn stage_of(&self, secretary: u32) -> Stage {
        let township = self
            .book
            .district
            .place(secretary)
            .map_or(0, |(_, v)| v.township);
        self.book.record.stage(township)
    }

    /// The year's secretaries this user may see (a township clerk: their own township).
    fn visible_people(&self) -> Vec<u32> {
        let book = &self.book;
        book.people()
            .into_iter()
            .filter(|p| {
                book.township_of(*p)
                    .is_some_and(|t| self.service.actor().may_see(t))
            })
            .collect()
    }

    /// The year's entries this user may see. Ratings stay the district's (quotas).
    pub fn visible_entries(&self) -> Vec<&crate::service::Entry> {
        self.book
            .entries
            .iter()
            .filter(|e| {
                self.book
                    .township_of(e.secretary)
                    .is_some_and(|t| self.service.actor().may_see(t))
            })
            .collect()
    }

    /// The progress of the townships this user may see.
    fn refresh_statuses(&mut self) {
        self.statuses = self.service.statuses_of(&self.book);
    }

    /// Read the year again after a workflow step (stages, rectifications).
    pub(super) fn reload(&mut self) {
        match self.service.book_or_new(self.year()) {
            Ok(book) => {
                self.book = book;
                self.people = self.visible_people();
                self.rectifications = self.service.rectifications(None).unwrap_or_default();
                self.refresh_statuses();
                self.refresh_list();
            }
            Err(e) => self.error(format!("读取数据失败:{e}")),
        }
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    pub fn refresh_list(&mut self) {
        let mut rows: Vec<u32> = self
            .people
            .iter()
            .copied()
            .filter(|id| {
                self.list.township.is_none()
                    || self.book.district.place(*id).map(|(_, v)| v.township) == self.list.township
            })
            .collect();
        match self.list.sort {
            Sort::Official => {}
            Sort::Total => {
                let total = |id: &u32| {
                    self.book
                        .entry(*id)
                        .and_then(|e| e.rating.evaluation.figures().map(|f| f.total))
                };
                rows.sort_by_key(|id| std::cmp::Reverse(total(id)));
            }
            Sort::Pinyin => {
                let key: HashMap<u32, String> = self
                    .index
                    .iter()
                    .map(|s| {
                        (
                            s.secretary,
                            super::search::romanize(
                                self.book
                                    .district
                                    .secretary(s.secretary)
                                    .map_or("", |x| &x.name),
                            )
                            .0,
                        )
                    })
                    .collect();
                rows.sort_by(|a, b| key.get(a).cmp(&key.get(b)));
            }
        }
        self.list.rows = rows;
        self.list.selected = self
            .list
            .selected
            .min(self.list.rows.len().saturating_sub(1));
        self.scroll_list();
    }

    fn scroll_list(&mut self) {
        let page = page_rows(self.size);
        let l = &mut self.list;
        super::year::keep_visible(l.selected, &mut l.offset, page);
        l.offset = l.offset.min(l.rows.len().saturating_sub(page));
    }

    pub(super) fn open_secretary(&mut self, secretary: u32) {
        if self.screen != Screen::Secretary {
            self.previous.push(self.screen);
            self.form.field = 0;
        }
        self.screen = Screen::Secretary;
        self.form.secretary = secretary;
        self.form.edit = None;
        self.form.error = None;
        self.form.notes = None;
        if let Some(i) = self.list.rows.iter().position(|&r| r == secretary) {
            self.list.selected = i;
            self.scroll_list();
        }
    }

    pub(super) fn go(&mut self, screen: Screen) {
        if self.screen != screen {
            if screen == Screen::Overview {
                self.previous.clear();
            } else {
                self.previous.push(self.screen);
            }
            self.screen = screen;
        }
    }

    /// Save what is typed but not saved. False when it is refused (it stays, in red).
    pub(super) fn commit_pending(&mut self) -> bool {
        if !matches!(self.screen, Screen::Secretary | Screen::Grid) {
            return true;
        }
        if let Some(editor) = self.form.notes.take() {
            let text = editor.lines().join("\n");
            return match self.save(Field::Notes, &text) {
                Ok(()) => true,
                Err(reason) => {
                    self.form.notes = Some(editor);
                    self.error(reason);
                    false
                }
            };
        }
        let Some(input) = self.form.edit.clone() else {
            return true;
        };
        match self.save(self.field(), &input) {
            Ok(()) => {
                self.form.edit = None;
                self.form.error = None;
                true
            }
            Err(reason) => {
                self.form.error = Some(reason.clone());
                self.error(format!(
                    "{}:{reason}(未保存;改正后 Enter,或按 Esc 放弃)",
                    self.field().label(&self.book.scheme)
                ));
                false
            }
        }
    }

    /// Esc on a field being typed: save a valid change; an emptied field or a refused
    /// value is given up and the stored value stays (Esc never erases a saved value, and
    /// never traps the clerk in a field).
    fn leave_edit(&mut self) {
        let Some(input) = self.form.edit.clone() else {
            return;
        };
        let stored = self
            .field()
            .value(&self.book.scheme, &self.assessment(self.form.secretary));
        if input.trim().is_empty() || self.form.error.is_some() {
            self.form.edit = None;
            self.form.error = None;
            let shown = if stored.is_empty() {
                "(空)".to_string()
            } else {
                stored
            };
            self.info(format!("已放弃输入,保留原值 {shown}"));
        } else if self.commit_pending() {
            self.form.edit = None;
        }
    }

    /// Validate a field's value and commit it at once, with its audit line.
    fn save(&mut self, field: Field, input: &str) -> Result<(), String> {
        let secretary = self.form.secretary;
        let stored = self.book.entry(secretary).map(|e| e.assessment.clone());
        let old = stored.clone().unwrap_or_default();
        let mut new = old.clone();
        field.apply(&self.book.scheme, &mut new, input)?;
        if new == old && stored.is_some() {
            return Ok(());
        }
        let scheme = &self.book.scheme;
        let what = format!(
            "{} 年度 {} 「{}」",
            self.year(),
            self.book.name_of(secretary),
            field.label(scheme)
        );
        let change = (field.value(scheme, &old), field.value(scheme, &new));
        let saved = self.service.save_assessment(SaveAssessment {
            year: self.year(),
            secretary,
            before: stored,
            after: new.clone(),
            what,
            change,
        });
        if let Err(refusal) = saved {
            if matches!(refusal, Refusal::Conflict) {
                // Show what is stored now; the typed value stays in the field to retry.
                self.reload();
            }
            return Err(refusal.to_string());
        }
        self.book.replace(secretary, new);
        self.refresh_statuses();
        self.info(format!("已保存 {}", field.label(&self.book.scheme)));
        Ok(())
    }

    fn move_field(&mut self, forward: bool) {
        if !self.commit_pending() {
            return;
        }
        let n = self.fields().len();
        self.form.field = if forward {
            (self.form.field + 1).min(n - 1)
        } else {
            self.form.field.saturating_sub(1)
        };
    }

    fn move_secretary(&mut self, forward: bool) {
        if !self.commit_pending() {
            return;
        }
        let rows = &self.list.rows;
        let Some(i) = rows.iter().position(|&r| r == self.form.secretary) else {
            return;
        };
        let next = if forward { i + 1 } else { i.wrapping_sub(1) };
        match rows.get(next) {
            Some(&id) => self.open_secretary(id),
            None => self.info(if forward {
                "已是最后一位"
            } else {
                "已是第一位"
            }),
        }
    }

    fn type_char(&mut self, c: char) {
        let field = self.field();
        if field.kind() == Kind::Notes {
            // The notes open with Enter only: a stray key never lands in them.
            self.info("按 Enter 编辑备注");
            return;
        }
        let clean = clean_line(&c.to_string());
        if clean.is_empty() {
            return;
        }
        // A grade is one key: a new one replaces the last.
        if field.kind() == Kind::Grade && field.preview(&clean).is_some() {
            self.form.edit = Some(clean);
            self.form.error = None;
            return;
        }
        match &mut self.form.edit {
            Some(buffer) => buffer.push_str(&clean),
            None => {
                // Typing into a number replaces it; typing into a text appends.
                let start = if field.kind() == Kind::Text {
                    field.value(&self.book.scheme, &self.assessment(self.form.secretary))
                } else {
                    String::new()
                };
                self.form.edit = Some(start + &clean);
            }
        }
        self.form.error = None;
    }

    fn notes_editor(&self) -> TextArea<'static> {
        text_editor(&self.assessment(self.form.secretary).notes)
    }

    fn move_selection(&mut self, delta: isize) {
        if self.screen == Screen::Help {
            self.help_offset = self.help_offset.saturating_add_signed(delta).min(200);
            return;
        }
        if let Some(s) = &mut self.search {
            let n = s.hits.len();
            if n > 0 {
                s.selected = s.selected.saturating_add_signed(delta).min(n - 1);
            }
            return;
        }
        let n = self.list.rows.len();
        if n > 0 {
            self.list.selected = self.list.selected.saturating_add_signed(delta).min(n - 1);
            self.scroll_list();
        }
    }

    /// Apply an action. Returns a follow-up action, if any.
    pub fn update(&mut self, action: Action) -> Option<Action> {
        if !matches!(action, Action::Resize(..))
            && !matches!(action, Action::Input(_) | Action::Backspace)
        {
            self.status = None;
        }
        self.today = self.service.today();
        // Nothing shows while the terminal is too small: keys must not act unseen.
        let (w, h) = super::view::MIN_SIZE;
        if (self.size.0 < w || self.size.1 < h)
            && !matches!(action, Action::Quit | Action::Resize(..))
        {
            return None;
        }
        if self.update_district(&action) {
            return None;
        }
        match action {
            Action::Quit => {
                // What was saved is kept (§8); a half-typed value is not saved, since it
                // may be a slip (a veto reason, a score). Free notes being written are.
                if self.form.notes.is_some() {
                    self.commit_pending();
                }
                self.quit = true;
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.scroll_list();
            }
            Action::Home => {
                if self.screen == Screen::Overview {
                    self.quit = true;
                } else if self.commit_pending() {
                    self.go(Screen::Overview);
                }
            }
            Action::Cancel => {
                if self.search.take().is_some() {
                    self.pending = None;
                    return None;
                }
                match self.screen {
                    Screen::Secretary | Screen::Grid if self.form.notes.is_some() => {
                        self.commit_pending();
                    }
                    Screen::Secretary | Screen::Grid if self.form.edit.is_some() => {
                        self.leave_edit()
                    }
                    Screen::Overview => {}
                    _ => {
                        if self.commit_pending() {
                            self.screen = self.previous.pop().unwrap_or(Screen::Overview);
                        }
                    }
                }
            }
            Action::Help if self.commit_pending() => {
                self.help_offset = 0;
                self.go(Screen::Help);
            }
            Action::OpenList if self.commit_pending() => {
                self.go(Screen::List);
            }
            Action::OpenSearch if self.commit_pending() => {
                self.search = Some(SearchState::default());
            }
            Action::Up => {
                if self.screen == Screen::Secretary && self.search.is_none() {
                    self.move_field(false);
                } else {
                    self.move_selection(-1);
                }
            }
            Action::Down => {
                if self.screen == Screen::Secretary && self.search.is_none() {
                    self.move_field(true);
                } else {
                    self.move_selection(1);
                }
            }
            Action::PageUp => self.move_selection(-(page_rows(self.size) as isize)),
            Action::PageDown => self.move_selection(page_rows(self.size) as isize),
            Action::First => self.move_selection(isize::MIN / 2),
            Action::Last => self.move_selection(isize::MAX / 2),
            Action::Open => {
                if let Some(s) = self.search.take() {
                    match s.hits.get(s.selected) {
                        Some(&id) if self.picked_for(id) => {}
                        Some(&id) => {
                            if !self.list.rows.contains(&id) {
                                self.list.township = None;
                                self.refresh_list();
                            }
                            self.open_secretary(id)
                        }
                        None => {
                            self.search = Some(s);
                            self.error("没有找到匹配的书记");
                        }
                    }
                } else if let Some(&id) = self.list.rows.get(self.list.selected) {
                    self.open_secretary(id);
                }
            }
            Action::CycleTownship => {
                let ids = self.visible_townships();
                self.list.township = match self.list.township {
                    None => ids.first().copied(),
                    Some(t) => ids.iter().skip_while(|&&i| i != t).nth(1).copied(),
                };
                self.list.selected = 0;
                self.refresh_list();
            }
            Action::CycleSort => {
                self.list.sort = match self.list.sort {
                    Sort::Official => Sort::Total,
                    Sort::Total => Sort::Pinyin,
                    Sort::Pinyin => Sort::Official,
                };
                self.refresh_list();
            }
            Action::Submit => {
                if self.field().kind() == Kind::Notes && self.form.notes.is_none() {
                    self.form.notes = Some(self.notes_editor());
                } else {
                    self.move_field(true);
                }
            }
            Action::NextField => self.move_field(true),
            Action::PrevField => self.move_field(false),
            Action::NextSecretary => self.move_secretary(true),
            Action::PrevSecretary => self.move_secretary(false),
            Action::SaveText => {
                if let Some(editor) = &self.form.notes {
                    let text = editor.lines().join("\n");
                    if let Err(e) = self.save(Field::Notes, &text) {
                        self.error(e);
                    }
                }
            }
            Action::Input(c) => {
                if let Some(s) = &mut self.search {
                    s.query.push_str(&clean_line(&c.to_string()));
                    s.hits = search(&self.index, &s.query);
                    s.selected = 0;
                } else if matches!(self.screen, Screen::Secretary | Screen::Grid) {
                    self.type_char(c);
                }
            }
            Action::Backspace => {
                if let Some(s) = &mut self.search {
                    s.query.pop();
                    s.hits = search(&self.index, &s.query);
                    s.selected = 0;
                } else if matches!(self.screen, Screen::Secretary | Screen::Grid) {
                    let current = self
                        .field()
                        .value(&self.book.scheme, &self.assessment(self.form.secretary));
                    let buffer = self.form.edit.get_or_insert(current);
                    buffer.pop();
                    self.form.error = None;
                }
            }
            Action::Paste(text) => {
                if let Some(s) = &mut self.search {
                    s.query.push_str(&clean_line(&text));
                    s.hits = search(&self.index, &s.query);
                    s.selected = 0;
                } else if matches!(self.screen, Screen::Secretary | Screen::Grid) {
                    if self.field().kind() == Kind::Notes {
                        let mut editor = self
                            .form
                            .notes
                            .take()
                            .unwrap_or_else(|| self.notes_editor());
                        editor.insert_str(clean_multiline(&text));
                        self.form.notes = Some(editor);
                    } else {
                        for c in clean_line(&text).chars() {
                            self.type_char(c);
                        }
                    }
                }
            }
            Action::TextKey(key) => {
                if let Some(editor) = &mut self.form.notes {
                    editor.input(key);
                }
            }
            // Actions of the other screens, handled in year.rs, or meaningless here.
            _ => {}
        }
        None
    }
}

/// A multi-line editor holding `text`, the cursor at its end.
pub(super) fn text_editor(text: &str) -> TextArea<'static> {
    let mut editor = TextArea::new(text.lines().map(str::to_string).collect());
    editor.move_cursor(ratatui_textarea::CursorMove::Bottom);
    editor.move_cursor(ratatui_textarea::CursorMove::End);
    editor
}
