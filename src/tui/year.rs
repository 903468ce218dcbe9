//! The district's screens (issue: the district's year): the township grid, the year
//! workflow, the audit log, rectifications and the promotion pool, with their
//! confirmation and prompt popups. This is part of `update`: state changes only here
//! and in app.rs.

use super::app::{App, Screen};
use super::form::{Field, Kind};
use super::keymap::Action;
use crate::domain::Consequence;
use crate::domain::{AuditEntry, Rectification, Stage};
use crate::text::{clean_line, clean_multiline, width};

/// What a popup leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    Submit(u32),
    Publish(u32),
    Approve(u32),
    Reopen(u32),
    /// An objection: the secretary is picked by search first.
    Object(Option<u32>),
    Resolve(Option<u32>),
    MarkDone(i16, u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Popup {
    Confirm {
        question: String,
        then: Pending,
    },
    Prompt {
        title: String,
        input: String,
        then: Pending,
    },
}

#[derive(Debug, Default)]
pub struct GridState {
    pub township: u32,
    pub rows: Vec<u32>,
    pub row: usize,
    pub row_offset: usize,
    /// First scrolled (unfrozen) column shown.
    pub col_offset: usize,
}

#[derive(Debug, Default)]
pub struct PickState {
    pub selected: usize,
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct AuditState {
    pub entries: Vec<AuditEntry>,
    /// Indices into `entries` shown, newest first.
    pub rows: Vec<usize>,
    pub pick: PickState,
    pub township: Option<u32>,
    pub all_years: bool,
}

/// The grid's frozen part: marker + name, total, stars.
pub const GRID_FROZEN: usize = 1 + 15 + 1 + 6 + 1 + 6;

/// Cells left for the scrolling columns of the grid on a terminal this wide (borders,
/// frozen part and the `>` that says more columns follow).
pub fn grid_room(terminal_width: u16) -> usize {
    usize::from(terminal_width).saturating_sub(GRID_FROZEN + 3)
}

/// The grid's columns: every form field but the notes, with a width for its header
/// and values.
pub fn grid_columns(scheme: &crate::scoring::Scheme) -> Vec<(Field, String, usize)> {
    super::form::fields(scheme)
        .into_iter()
        .filter(|f| f.kind() != Kind::Notes)
        .map(|f| {
            let header = match f {
                Field::Item(i) => scheme
                    .items()
                    .nth(i)
                    .map(|it| it.name.clone())
                    .unwrap_or_default(),
                other => other
                    .label(scheme)
                    .split('(')
                    .next()
                    .unwrap_or("")
                    .to_string(),
            };
            let w = match f.kind() {
                Kind::Text => 16,
                _ => width(&header).max(5),
            };
            (f, header, w)
        })
        .collect()
}

/// Rows of a list that fit the body at the current size.
fn page(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(7)).max(1)
}

pub(super) fn keep_visible(selected: usize, offset: &mut usize, page: usize) {
    if selected < *offset {
        *offset = selected;
    } else if selected >= *offset + page {
        *offset = selected + 1 - page;
    }
}

impl App {
    /// Actions of the district screens and popups. True when handled here.
    pub(super) fn update_district(&mut self, action: &Action) -> bool {
        if self.popup.is_some() {
            self.update_popup(action);
            return true;
        }
        if self.measures.is_some() {
            return self.update_measures(action);
        }
        // The search popup is on top: its keys are the search's.
        if self.search.is_some() {
            return false;
        }
        match (self.screen, action) {
            (_, Action::OpenGrid) => self.open_grid(),
            (_, Action::OpenWorkflow) => self.open_screen(Screen::Workflow),
            (_, Action::OpenAudit) => {
                self.load_audit();
                self.open_screen(Screen::Audit);
            }
            (_, Action::OpenRectifications) => self.open_screen(Screen::Rectify),
            (_, Action::OpenPool) => self.open_screen(Screen::Pool),
            (_, Action::Export) => self.export(),
            (Screen::Overview, Action::TogglePane) => self.overview_stars = !self.overview_stars,
            (Screen::Grid, a) => return self.update_grid(a),
            (Screen::Workflow, a) => return self.update_workflow(a),
            (Screen::Audit, a) => return self.update_audit(a),
            (Screen::Rectify | Screen::Pool, a) => return self.update_pick(a),
            _ => return false,
        }
        true
    }

    /// Open a list screen on fresh data (another clerk may have changed the year).
    fn open_screen(&mut self, screen: Screen) {
        if self.commit_pending() {
            self.reload();
            self.pick = PickState::default();
            self.go(screen);
        }
    }

    /// The townships this user may see, in the official order.
    pub fn visible_townships(&self) -> Vec<u32> {
        self.book
            .district
            .townships
            .iter()
            .map(|(id, _)| *id)
            .filter(|t| self.service.actor().may_see(*t))
            .collect()
    }

    // --- grid -------------------------------------------------------------------

    fn open_grid(&mut self) {
        if !self.commit_pending() {
            return;
        }
        let from_form = self.screen == Screen::Secretary;
        let current = match self.screen {
            Screen::Secretary => Some(self.form.secretary),
            // From the workflow: the selected township, from its first row.
            Screen::Workflow => self.selected_township().and_then(|t| {
                self.people
                    .iter()
                    .copied()
                    .find(|p| self.book.township_of(*p) == Some(t))
            }),
            _ => self.list.rows.get(self.list.selected).copied(),
        };
        let visible = self.visible_townships();
        let Some(township) = current
            .and_then(|s| self.book.township_of(s))
            .filter(|t| visible.contains(t))
            .or(visible.first().copied())
        else {
            self.error("没有可录入的乡镇");
            return;
        };
        self.set_grid_township(township);
        if let Some(i) = current.and_then(|s| self.grid.rows.iter().position(|r| *r == s)) {
            self.grid.row = i;
            self.form.secretary = self.grid.rows[i];
        }
        // From a secretary's form the grid keeps the field; otherwise it starts at the first.
        let last = grid_columns(&self.book.scheme).len() - 1;
        self.form.field = if from_form {
            self.form.field.min(last)
        } else {
            0
        };
        self.form.edit = None;
        self.form.error = None;
        self.scroll_grid();
        self.go(Screen::Grid);
    }

    fn set_grid_township(&mut self, township: u32) {
        let rows: Vec<u32> = self
            .people
            .iter()
            .copied()
            .filter(|p| self.book.township_of(*p) == Some(township))
            .collect();
        self.grid = GridState {
            township,
            rows,
            ..GridState::default()
        };
        // An empty township has no current secretary: nothing typed can land anywhere.
        self.form.secretary = self.grid.rows.first().copied().unwrap_or(0);
        self.form.edit = None;
        self.form.error = None;
    }

    fn scroll_grid(&mut self) {
        let rows = page(self.size).saturating_sub(1);
        keep_visible(self.grid.row, &mut self.grid.row_offset, rows.max(1));
        // Horizontal: the focused column and as many before it as fit.
        let columns = grid_columns(&self.book.scheme);
        let room = grid_room(self.size.0);
        let col = self.form.field.min(columns.len() - 1);
        if col < self.grid.col_offset {
            self.grid.col_offset = col;
        }
        while self.grid.col_offset < col {
            let used: usize = columns[self.grid.col_offset..=col]
                .iter()
                .map(|(_, _, w)| w + 1)
                .sum();
            if used <= room {
                break;
            }
            self.grid.col_offset += 1;
        }
    }

    fn grid_move(&mut self, rows: isize, cols: isize, wrap: bool) {
        if !self.commit_pending() {
            return;
        }
        let n = grid_columns(&self.book.scheme).len();
        let mut col = self.form.field as isize + cols;
        let mut row = self.grid.row as isize + rows;
        if wrap && col >= n as isize {
            col = 0;
            row += 1;
        }
        let last_row = self.grid.rows.len().saturating_sub(1) as isize;
        if row > last_row && wrap {
            self.info("本乡镇已录完最后一行");
        }
        self.form.field = col.clamp(0, n as isize - 1) as usize;
        self.grid.row = row.clamp(0, last_row) as usize;
        if let Some(&s) = self.grid.rows.get(self.grid.row) {
            self.form.secretary = s;
        }
        self.scroll_grid();
    }

    fn update_grid(&mut self, action: &Action) -> bool {
        let page = page(self.size) as isize;
        match action {
            // Enter runs along the row; after the last ballot column (the end of what
            // every secretary has) it goes to the next row. Tab reaches bonus and penalty.
            Action::Submit => {
                if self.field() == Field::Dissatisfied {
                    if self.grid.row + 1 < self.grid.rows.len() {
                        self.grid_move(1, -(self.form.field as isize), false);
                    } else if self.commit_pending() {
                        self.info("本乡镇已录完最后一行;按 ] 换下一个乡镇");
                    }
                } else {
                    self.grid_move(0, 1, true);
                }
            }
            Action::NextField | Action::Right => self.grid_move(0, 1, false),
            Action::PrevField | Action::Left => self.grid_move(0, -1, false),
            Action::Down => self.grid_move(1, 0, false),
            Action::Up => self.grid_move(-1, 0, false),
            Action::PageDown => self.grid_move(page, 0, false),
            Action::PageUp => self.grid_move(-page, 0, false),
            Action::NextTownship | Action::PrevTownship => {
                if !self.commit_pending() {
                    return true;
                }
                let visible = self.visible_townships();
                let i = visible
                    .iter()
                    .position(|t| *t == self.grid.township)
                    .unwrap_or(0);
                let next = if *action == Action::NextTownship {
                    i + 1
                } else {
                    i + visible.len() - 1
                } % visible.len().max(1);
                if let Some(&t) = visible.get(next) {
                    self.set_grid_township(t);
                    self.scroll_grid();
                }
            }
            _ => return false,
        }
        true
    }

    // --- workflow ----------------------------------------------------------------

    fn selected_township(&self) -> Option<u32> {
        self.visible_townships().get(self.pick.selected).copied()
    }

    fn update_workflow(&mut self, action: &Action) -> bool {
        let Some(t) = self.selected_township() else {
            return false;
        };
        let name = self
            .book
            .district
            .township(t)
            .map_or(String::new(), |t| t.name.clone());
        match action {
            Action::Advance => {
                // Say at once what would refuse the step, before asking anything.
                if let Some(reason) = self.advance_blocked(t) {
                    self.error(format!("{name}:{reason}"));
                    return true;
                }
                let (question, then) = match self.book.record.stage(t) {
                    Stage::Entering => (
                        format!("提交{name} {} 年度的考核结果?", self.year()),
                        Pending::Submit(t),
                    ),
                    Stage::Submitted => (
                        format!("{name}自今天起公示 {} 天?", self.book.scheme.publicity.days),
                        Pending::Publish(t),
                    ),
                    Stage::Publicity => (
                        format!("审定{name} {} 年度的结果?审定后锁定。", self.year()),
                        Pending::Approve(t),
                    ),
                    Stage::Approved => {
                        self.info(format!("{name}已审定;如需修改,区管理员可按 R 重新打开"));
                        return true;
                    }
                };
                self.popup = Some(Popup::Confirm { question, then });
            }
            Action::Reopen if self.book.record.stage(t) == Stage::Entering => {
                self.info(format!("{name}已是「录入」阶段,无需重新打开"));
            }
            Action::Reopen if !self.service.actor().is_district() => {
                self.error("只有区委组织部可以重新打开");
            }
            Action::Reopen => {
                self.popup = Some(Popup::Prompt {
                    title: format!("重新打开{name}的理由"),
                    input: self.draft.take().unwrap_or_default(),
                    then: Pending::Reopen(t),
                })
            }
            Action::Object | Action::Resolve => {
                self.pending = Some(if *action == Action::Object {
                    Pending::Object(None)
                } else {
                    Pending::Resolve(None)
                });
                self.search = Some(Default::default());
                self.info("搜索并选定书记(Enter)");
            }
            Action::Notice(letters) => self.write_notice(t, *letters),
            Action::Up => self.move_pick(-1, self.visible_townships().len()),
            Action::Down => self.move_pick(1, self.visible_townships().len()),
            Action::First => self.move_pick(isize::MIN / 2, self.visible_townships().len()),
            Action::Last => self.move_pick(isize::MAX / 2, self.visible_townships().len()),
            _ => return false,
        }
        true
    }

    /// Why the township's next step would be refused now, if it would.
    fn advance_blocked(&self, t: u32) -> Option<String> {
        let status = self.statuses.iter().find(|s| s.township == t)?;
        match status.stage {
            Stage::Entering if status.complete < status.people => {
                let missing: Vec<String> = self
                    .people
                    .iter()
                    .filter(|p| self.book.township_of(**p) == Some(t))
                    .filter(|p| {
                        self.book
                            .entry(**p)
                            .is_none_or(|e| e.rating.evaluation.figures().is_none())
                    })
                    .map(|p| self.book.name_of(*p))
                    .collect();
                Some(format!(
                    "还有 {} 名书记的考核未完成:{}",
                    missing.len(),
                    missing.join("、")
                ))
            }
            Stage::Publicity if !self.service.actor().is_district() => {
                Some("审定由区委组织部进行".into())
            }
            Stage::Publicity => match status.publicity {
                Some((_, end)) if self.today <= end => {
                    Some(format!("公示期至 {end},期满后才能审定"))
                }
                _ if self
                    .book
                    .district
                    .townships
                    .iter()
                    .any(|(id, _)| self.book.record.stage(*id) == Stage::Entering) =>
                {
                    Some("名额按全区计算,须全区各乡镇提交后才能审定".into())
                }
                _ if status.open_objections > 0 => {
                    Some(format!("还有 {} 条异议未处理", status.open_objections))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The search picked a secretary for an objection or its resolution.
    pub(super) fn picked_for(&mut self, secretary: u32) -> bool {
        let Some(pending) = self.pending.take() else {
            return false;
        };
        let name = self.book.name_of(secretary);
        let township = self.book.township_of(secretary).unwrap_or_default();
        let year = self.book.record.township(township);
        let refusal = match pending {
            _ if year.stage != Stage::Publicity => {
                Some(format!("{name} 所在乡镇不在公示期,不能登记或处理异议"))
            }
            Pending::Resolve(_)
                if !year
                    .objections
                    .iter()
                    .any(|o| o.secretary == secretary && o.resolution.is_none()) =>
            {
                Some(format!("{name} 没有未处理的异议"))
            }
            _ => None,
        };
        if let Some(reason) = refusal {
            self.error(reason);
            return true;
        }
        let (title, then) = match pending {
            Pending::Object(_) => (
                format!("对 {name} 的异议内容"),
                Pending::Object(Some(secretary)),
            ),
            Pending::Resolve(_) => (
                format!("对 {name} 异议的处理结果"),
                Pending::Resolve(Some(secretary)),
            ),
            other => {
                self.pending = Some(other);
                return false;
            }
        };
        self.popup = Some(Popup::Prompt {
            title,
            input: self.draft.take().unwrap_or_default(),
            then,
        });
        true
    }

    fn update_popup(&mut self, action: &Action) {
        let Some(popup) = self.popup.take() else {
            return;
        };
        match (popup, action) {
            (Popup::Confirm { then, .. }, Action::Confirm) => self.run(then, ""),
            (Popup::Confirm { .. }, Action::Cancel) => self.info("已取消"),
            (Popup::Prompt { input, then, .. }, Action::Submit) => {
                if input.trim().is_empty() {
                    self.error("内容不能为空");
                    self.popup = Some(Popup::Prompt {
                        title: String::new(),
                        input,
                        then,
                    });
                    self.retitle();
                } else {
                    self.run(then, &input);
                }
            }
            (Popup::Prompt { input, .. }, Action::Cancel) => {
                // Esc never destroys typed text: the next prompt starts with it.
                self.draft = Some(input).filter(|s| !s.is_empty());
                self.info("已取消");
            }
            (
                Popup::Prompt {
                    title,
                    mut input,
                    then,
                },
                Action::Input(c),
            ) => {
                input.push_str(&clean_line(&c.to_string()));
                self.popup = Some(Popup::Prompt { title, input, then });
            }
            (
                Popup::Prompt {
                    title,
                    mut input,
                    then,
                },
                Action::Paste(text),
            ) => {
                input.push_str(&clean_line(text));
                self.popup = Some(Popup::Prompt { title, input, then });
            }
            (
                Popup::Prompt {
                    title,
                    mut input,
                    then,
                },
                Action::Backspace,
            ) => {
                input.pop();
                self.popup = Some(Popup::Prompt { title, input, then });
            }
            (Popup::Confirm { .. } | Popup::Prompt { .. }, Action::Quit) => self.quit = true,
            (popup, _) => self.popup = Some(popup),
        }
    }

    /// Give a prompt put back after a refusal its title again.
    fn retitle(&mut self) {
        if let Some(Popup::Prompt { title, then, .. }) = &mut self.popup {
            *title = match then {
                Pending::Reopen(_) => "重新打开的理由".into(),
                Pending::Object(_) => "异议内容".into(),
                Pending::Resolve(_) => "处理结果".into(),
                _ => String::new(),
            };
        }
    }

    /// Carry out a confirmed step through the service layer, then reload the year.
    fn run(&mut self, step: Pending, text: &str) {
        let (service, year) = (&self.service, self.year());
        let result = match step {
            Pending::Submit(t) => service.submit(year, &[t]),
            Pending::Publish(t) => service.publish(year, &[t], service.today(), None),
            Pending::Approve(t) => service.approve(year, &[t]),
            Pending::Reopen(t) => service.reopen(year, &[t], text),
            Pending::Object(Some(s)) => service.object(year, s, text).map(|l| vec![l]),
            Pending::Resolve(Some(s)) => service.resolve(year, s, text).map(|l| vec![l]),
            Pending::MarkDone(year, s) => service
                .update_rectification(year, s, None, true)
                .map(|l| vec![l]),
            Pending::Object(None) | Pending::Resolve(None) => return,
        };
        match result {
            Ok(lines) => {
                self.reload();
                self.info(lines.join(";"));
            }
            Err(e) => self.error(e.to_string().replace(":\n  ", ":").replace("\n  ", ";")),
        }
    }

    // --- audit, rectifications, pool ---------------------------------------------

    fn load_audit(&mut self) {
        let entries = self
            .service
            .audit_log(&crate::service::AuditFilter::default())
            .unwrap_or_default();
        self.audit = AuditState {
            entries,
            ..AuditState::default()
        };
        self.filter_audit();
    }

    fn filter_audit(&mut self) {
        let year = self.year();
        let district = &self.book.district;
        let a = &mut self.audit;
        a.rows = (0..a.entries.len())
            .rev()
            .filter(|&i| {
                let e = &a.entries[i];
                (a.all_years || e.scope.year == Some(year))
                    && a.township.is_none_or(|t| e.township(district) == Some(t))
            })
            .collect();
        a.pick = PickState::default();
    }

    fn update_audit(&mut self, action: &Action) -> bool {
        let n = self.audit.rows.len();
        match action {
            Action::CycleTownship => {
                let visible = self.visible_townships();
                self.audit.township = match self.audit.township {
                    None => visible.first().copied(),
                    Some(t) => visible.iter().skip_while(|&&i| i != t).nth(1).copied(),
                };
                self.filter_audit();
            }
            Action::ToggleYears => {
                self.audit.all_years = !self.audit.all_years;
                self.filter_audit();
            }
            a => return self.move_in(a, n, true),
        }
        true
    }

    /// Rectifications the user may see, newest year first.
    pub fn rectification_rows(&self) -> Vec<(i16, u32, &Rectification)> {
        let mut rows: Vec<(i16, u32, &Rectification)> = self
            .rectifications
            .iter()
            .filter(|(_, s, _)| {
                self.book
                    .township_of(*s)
                    .is_some_and(|t| self.service.actor().may_see(t))
            })
            .map(|(y, s, r)| (*y, *s, r))
            .collect();
        rows.sort_by_key(|(y, _, _)| std::cmp::Reverse(*y));
        rows
    }

    /// The promotion pool (优先选拔) of the working year.
    pub fn pool_rows(&self) -> Vec<u32> {
        self.book
            .entries
            .iter()
            .filter(|e| e.rating.consequence == Some(Consequence::Promote))
            .filter(|e| {
                self.book
                    .township_of(e.secretary)
                    .is_some_and(|t| self.service.actor().may_see(t))
            })
            .map(|e| e.secretary)
            .collect()
    }

    fn update_pick(&mut self, action: &Action) -> bool {
        let rectify = self.screen == Screen::Rectify;
        let n = if rectify {
            self.rectification_rows().len()
        } else {
            self.pool_rows().len()
        };
        match action {
            Action::Open if rectify => {
                if let Some(&(year, s, r)) = self.rectification_rows().get(self.pick.selected) {
                    let editor = super::app::text_editor(&r.measures);
                    self.measures = Some((year, s, editor));
                }
            }
            Action::Open => {
                if let Some(&s) = self.pool_rows().get(self.pick.selected) {
                    self.open_secretary(s);
                }
            }
            Action::MarkDone if rectify => {
                if let Some(&(year, s, r)) = self.rectification_rows().get(self.pick.selected) {
                    if r.done_on.is_some() {
                        self.info("已完成");
                    } else {
                        let question = format!("将 {} 的整改标记为已完成?", self.book.name_of(s));
                        self.popup = Some(Popup::Confirm {
                            question,
                            then: Pending::MarkDone(year, s),
                        });
                    }
                }
            }
            a => return self.move_in(a, n, false),
        }
        true
    }

    fn update_measures(&mut self, action: &Action) -> bool {
        match action {
            Action::TextKey(key) => {
                if let Some((_, _, editor)) = &mut self.measures {
                    editor.input(*key);
                }
            }
            Action::Paste(text) => {
                if let Some((_, _, editor)) = &mut self.measures {
                    editor.insert_str(clean_multiline(text));
                }
            }
            Action::SaveText | Action::Cancel => {
                let Some((year, s, editor)) = self.measures.take() else {
                    return true;
                };
                let text = editor.lines().join("\n");
                let result = self
                    .service
                    .update_rectification(year, s, Some(&text), false);
                match result {
                    Ok(line) => {
                        self.reload();
                        self.info(line);
                        if *action == Action::SaveText {
                            let mut editor = editor;
                            editor.move_cursor(ratatui_textarea::CursorMove::Bottom);
                            self.measures = Some((year, s, editor));
                        }
                    }
                    Err(e) => {
                        // Refused: the text stays in the editor.
                        self.error(e.to_string());
                        self.measures = Some((year, s, editor));
                    }
                }
            }
            Action::Quit => {
                // Ctrl-C keeps the measures typed so far, as the form keeps its fields.
                if let Some((year, s, editor)) = self.measures.take() {
                    let text = editor.lines().join("\n");
                    let _ = self
                        .service
                        .update_rectification(year, s, Some(&text), false);
                }
                self.quit = true;
            }
            _ => {}
        }
        true
    }

    /// Move the selection of the audit, rectification or pool list.
    fn move_in(&mut self, action: &Action, n: usize, audit: bool) -> bool {
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -(page(self.size) as isize),
            Action::PageDown => page(self.size) as isize,
            Action::First => isize::MIN / 2,
            Action::Last => isize::MAX / 2,
            _ => return false,
        };
        let page = page(self.size);
        let pick = if audit {
            &mut self.audit.pick
        } else {
            &mut self.pick
        };
        if n > 0 {
            pick.selected = pick.selected.saturating_add_signed(delta).min(n - 1);
        }
        keep_visible(pick.selected, &mut pick.offset, page);
        true
    }

    fn move_pick(&mut self, delta: isize, n: usize) {
        if n > 0 {
            self.pick.selected = self.pick.selected.saturating_add_signed(delta).min(n - 1);
        }
    }

    /// Write a township's 公示 notice or its 明白信 as a text file in the current folder.
    fn write_notice(&mut self, township: u32, letters: bool) {
        let name = self
            .book
            .district
            .township(township)
            .map_or(String::new(), |t| t.name.clone());
        let today = self.service.today();
        let (kind, text) = if letters {
            (
                "明白信",
                crate::exchange::notice::letters(&self.book, township, today),
            )
        } else {
            (
                "公示",
                crate::exchange::notice::notice(&self.book, township, today),
            )
        };
        let path = free_path(&format!("{kind}-{}-{name}", self.year()), "txt");
        match std::fs::write(&path, text) {
            Ok(()) => self.info(format!(
                "已写出 {}",
                std::fs::canonicalize(&path).unwrap_or(path).display()
            )),
            Err(e) => self.error(format!("无法写出 {}:{e}", path.display())),
        }
    }

    /// Write the year's report as `xingji-<year>.xlsx` in the current folder (never over
    /// an existing file).
    fn export(&mut self) {
        if !self.commit_pending() {
            return;
        }
        let path = free_path(&format!("xingji-{}", self.year()), "xlsx");
        let book = &self.book;
        match crate::exchange::xlsx::write_xlsx(book, &path) {
            Ok(()) => {
                let shown = std::fs::canonicalize(&path).unwrap_or(path);
                self.info(format!("已导出 {}", shown.display()));
            }
            Err(e) => self.error(format!("导出失败:{e}")),
        }
    }
}

/// `stem.ext` in the current folder, or `stem-2.ext`, … : never over an existing file.
fn free_path(stem: &str, ext: &str) -> std::path::PathBuf {
    (1..)
        .map(|i| {
            let name = if i == 1 {
                format!("{stem}.{ext}")
            } else {
                format!("{stem}-{i}.{ext}")
            };
            std::path::PathBuf::from(name)
        })
        .find(|p| !p.exists())
        .expect("some file name is free")
}
