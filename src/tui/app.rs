//! The app: the screens it holds, the popup on top, and the routing between them.
//! `update` is the only place state changes: it hands an action to the popup or the
//! screen in front, then carries out the follow-ups they return (open a screen, go
//! back, ask something). `view` only reads (docs/architecture.md §12).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::context::Context;
use super::keys::{Action, Ask, Binding, GridAt, Input, Target};
use super::popups::{ChoosePopup, ConfirmPopup, EditorPopup, Popup, PromptPopup, SearchPopup};
use super::screens::audit::AuditScreen;
use super::screens::grid::GridScreen;
use super::screens::help::HelpScreen;
use super::screens::list::ListScreen;
use super::screens::overview::OverviewScreen;
use super::screens::pool::PoolScreen;
use super::screens::rectify::RectifyScreen;
use super::screens::secretary::SecretaryScreen;
use super::screens::workflow::WorkflowScreen;
use super::screens::{Screen, ScreenId};
use super::theme::{Theme, WIDE_FILLER};
use super::widgets::hint_bar;
use crate::service::rows::Focus;
use crate::service::{Refusal, Service};
use crate::text::{truncate, width, wrap};

pub const MIN_SIZE: (u16, u16) = (80, 24);

pub struct App {
    pub ctx: Context,
    /// The screen in front.
    pub screen: ScreenId,
    /// Where Esc goes back to.
    stack: Vec<ScreenId>,
    pub overview: OverviewScreen,
    pub list: ListScreen,
    pub secretary: SecretaryScreen,
    pub grid: GridScreen,
    pub workflow: WorkflowScreen,
    pub audit: AuditScreen,
    pub rectify: RectifyScreen,
    pub pool: PoolScreen,
    pub help: HelpScreen,
    pub popup: Option<Popup>,
}

impl App {
    /// The app on the whole year, read before it returns.
    pub fn new(service: Service, year: i16, theme: Theme) -> Result<App, Refusal> {
        Ok(App::on(Context::new(service, year, theme)?))
    }

    /// The app as a terminal starts it: through the server, the first screen shows
    /// while the year is read ([`Context::start`]; the main loop hands it over with
    /// [`App::loaded`]).
    pub fn start(service: Service, year: i16, theme: Theme) -> Result<App, Refusal> {
        Ok(App::on(Context::start(service, year, theme)?))
    }

    pub(super) fn on(ctx: Context) -> App {
        App {
            overview: OverviewScreen::new(&ctx),
            list: ListScreen::new(),
            secretary: SecretaryScreen::new(),
            grid: GridScreen::new(),
            workflow: WorkflowScreen::new(),
            audit: AuditScreen::default(),
            rectify: RectifyScreen::default(),
            pool: PoolScreen::default(),
            help: HelpScreen::default(),
            popup: None,
            screen: ScreenId::Overview,
            stack: Vec::new(),
            ctx,
        }
    }

    /// Told by the server's watching connection: the server went away (the title bar
    /// says so until it is back) or came back (the year is read again), or another user
    /// changed the data.
    pub fn watched(&mut self, watched: crate::service::Watched) {
        use crate::service::Watched;
        match watched {
            Watched::Changed(notice) => self.changed(notice),
            Watched::Lost => {
                self.ctx.offline = true;
                self.ctx
                    .error("与 xingji 服务器的连接中断,正在重试;恢复前的保存和读取会失败");
            }
            Watched::Back => {
                self.ctx.offline = false;
                self.ctx.info("已重新连接 xingji 服务器");
                self.update(Action::Refresh);
            }
        }
    }

    /// Another user changed the data: what a save moved is asked for and put in
    /// place; anything else reads the year again. (What this user is typing stays.)
    pub fn changed(&mut self, notice: crate::service::protocol::Notice) {
        // Another year's save may move this year's star changes and the star history:
        // read again.
        let taken = match notice.saved {
            Some((year, moved)) if year == self.ctx.year() => self.ctx.take_moved(&moved),
            _ => false,
        };
        if taken {
            self.sync();
        } else {
            self.update(Action::Refresh);
        }
    }

    /// The year [`App::start`] began to read has arrived.
    pub fn loaded(&mut self, loaded: Result<super::context::Loaded, Refusal>) {
        self.ctx.loaded(loaded);
        self.sync();
    }

    pub fn quit(&self) -> bool {
        self.ctx.quit
    }

    fn current(&self) -> &dyn Screen {
        match self.screen {
            ScreenId::Overview => &self.overview,
            ScreenId::List => &self.list,
            ScreenId::Secretary => &self.secretary,
            ScreenId::Grid => &self.grid,
            ScreenId::Workflow => &self.workflow,
            ScreenId::Audit => &self.audit,
            ScreenId::Rectify => &self.rectify,
            ScreenId::Pool => &self.pool,
            ScreenId::Help => &self.help,
        }
    }

    /// The key table in front: the popup's, else the screen's.
    pub fn keys(&self) -> Vec<Binding> {
        match &self.popup {
            Some(p) => p.keys(),
            None => self.current().keys(&self.ctx),
        }
    }

    fn input(&self) -> Input {
        match &self.popup {
            Some(p) => p.input(),
            None => self.current().input(&self.ctx),
        }
    }

    /// What a key means here and now.
    pub fn action(&self, key: KeyEvent) -> Option<Action> {
        super::keys::action(&self.keys(), self.input(), key)
    }

    fn too_small(&self) -> bool {
        self.ctx.size.0 < MIN_SIZE.0 || self.ctx.size.1 < MIN_SIZE.1
    }

    /// Apply an action and every follow-up it leads to.
    pub fn update(&mut self, action: Action) {
        // A key clears the status line; typing, a resize or another user's change
        // (a refresh) leave it for the user to read.
        if !matches!(
            action,
            Action::Resize(..) | Action::Input(_) | Action::Backspace | Action::Refresh
        ) {
            self.ctx.status = None;
        }
        self.ctx.today = self.ctx.service.today();
        if action == Action::Refresh {
            // What others saved shows at once; what this user is typing stays.
            self.ctx.refresh();
            self.sync();
            return;
        }
        if let Action::Resize(w, h) = action {
            // Seen whatever is in front, a popup or an editor included.
            self.ctx.size = (w, h);
            self.sync();
            return;
        }
        // Nothing shows while the terminal is too small: keys must not act unseen.
        if self.too_small() && action != Action::Quit {
            return;
        }
        if action == Action::Quit {
            if let Some(p) = &mut self.popup {
                p.quit(&mut self.ctx);
            }
            self.ctx.quit = true;
            return;
        }
        let mut next = match &mut self.popup {
            Some(p) => {
                let reply = p.update(&mut self.ctx, action);
                if reply.close {
                    self.popup = None;
                }
                reply.then
            }
            None => {
                let ctx = &mut self.ctx;
                match self.screen {
                    ScreenId::Overview => self.overview.update(ctx, action),
                    ScreenId::List => self.list.update(ctx, action),
                    ScreenId::Secretary => self.secretary.update(ctx, action),
                    ScreenId::Grid => self.grid.update(ctx, action),
                    ScreenId::Workflow => self.workflow.update(ctx, action),
                    ScreenId::Audit => self.audit.update(ctx, action),
                    ScreenId::Rectify => self.rectify.update(ctx, action),
                    ScreenId::Pool => self.pool.update(ctx, action),
                    ScreenId::Help => self.help.update(ctx, action),
                }
            }
        };
        self.sync();
        while let Some(a) = next {
            next = self.route(a);
            self.sync();
        }
    }

    /// Let the screen in front derive what changed.
    fn sync(&mut self) {
        self.keep_workflow();
        let ctx = &self.ctx;
        match self.screen {
            ScreenId::Overview => self.overview.sync(ctx),
            ScreenId::List => self.list.sync(ctx),
            ScreenId::Secretary => self.secretary.sync(ctx),
            ScreenId::Grid => self.grid.sync(ctx),
            ScreenId::Workflow => self.workflow.sync(ctx),
            ScreenId::Audit => self.audit.sync(ctx),
            ScreenId::Rectify => self.rectify.sync(ctx),
            ScreenId::Pool => self.pool.sync(ctx),
            ScreenId::Help => self.help.sync(ctx),
        }
    }

    /// Before leaving the screen in front: save what is typed (false: refused, stay).
    fn leave(&mut self) -> bool {
        let ctx = &mut self.ctx;
        let (left, ask) = match self.screen {
            ScreenId::Secretary => (self.secretary.leave(ctx), self.secretary.entry.ask.take()),
            ScreenId::Grid => (self.grid.leave(ctx), self.grid.entry.ask.take()),
            _ => (true, None),
        };
        // Saving needs a yes first (a veto): ask, and stay.
        if let Some(Action::Ask(ask)) = ask {
            self.ask(ask);
        }
        left
    }

    /// Carry out a follow-up that no screen took.
    fn route(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::OpenList => Some(Action::Show(Target::List)),
            Action::OpenGrid => Some(Action::Show(Target::Grid(GridAt::Anywhere))),
            Action::OpenWorkflow => Some(Action::Show(Target::Workflow)),
            Action::OpenAudit => Some(Action::Show(Target::Audit)),
            Action::OpenRectifications => Some(Action::Show(Target::Rectify)),
            Action::OpenPool => Some(Action::Show(Target::Pool)),
            Action::Help => Some(Action::Show(Target::Help)),
            Action::OpenSearch => Some(Action::Ask(Ask::Search(None))),
            Action::PickYear => Some(Action::Ask(Ask::Year)),
            Action::SwitchYear(year) if year == self.ctx.year() => {
                // The year showing: nothing to read again, and the screen stays.
                self.ctx.info(format!("仍是 {year} 年度"));
                None
            }
            Action::SwitchYear(year) => {
                if self.leave() {
                    self.switch_year(year);
                }
                None
            }
            Action::Export => {
                if self.leave() {
                    self.export();
                }
                None
            }
            Action::Home if self.screen == ScreenId::Overview => {
                self.ctx.quit = true;
                None
            }
            Action::Home => Some(Action::Show(Target::Overview)),
            Action::Back | Action::Cancel => {
                if self.screen != ScreenId::Overview && self.leave() {
                    if self.screen == ScreenId::Secretary {
                        self.list.select(&self.ctx, self.secretary.entry.secretary);
                    }
                    self.screen = self.stack.pop().unwrap_or(ScreenId::Overview);
                    self.refocus();
                }
                None
            }
            Action::Show(target) => {
                if self.leave() {
                    self.show(target);
                }
                None
            }
            Action::Ask(ask) => {
                if self.popup.is_none() && self.leave() {
                    self.ask(ask);
                }
                None
            }
            Action::Picked(..) => self.workflow.update(&mut self.ctx, action),
            // The township chosen in `t`'s popup, for the screen that asked.
            Action::FilterTownship(_) => match self.screen {
                ScreenId::List => self.list.update(&mut self.ctx, action),
                ScreenId::Audit => self.audit.update(&mut self.ctx, action),
                _ => None,
            },
            _ => None,
        }
    }

    /// Back on a screen of one secretary or township: while a part of the year is held,
    /// the part it shows (another township's may have been read meanwhile).
    fn refocus(&mut self) {
        let focus = match self.screen {
            ScreenId::Secretary => Focus::Secretary(self.secretary.entry.secretary),
            ScreenId::Grid => Focus::Township(self.grid.township),
            _ => return,
        };
        self.ctx.focus(focus);
    }

    fn show(&mut self, target: Target) {
        let id = match target {
            Target::Overview => ScreenId::Overview,
            Target::List => ScreenId::List,
            Target::Secretary(..) => ScreenId::Secretary,
            Target::Grid(_) => ScreenId::Grid,
            Target::Workflow => ScreenId::Workflow,
            Target::Audit => ScreenId::Audit,
            Target::Rectify => ScreenId::Rectify,
            Target::Pool => ScreenId::Pool,
            Target::Help => ScreenId::Help,
        };
        let from = self.screen;
        match target {
            Target::Secretary(secretary, field) => {
                if !self.ctx.focus(Focus::Secretary(secretary)) {
                    return;
                }
                // On the secretary's screen already: keep the field.
                let field =
                    field.or((from == ScreenId::Secretary).then_some(self.secretary.entry.field));
                self.list.select(&self.ctx, secretary);
                let sequence = self.list.shape();
                self.secretary.open(&self.ctx, secretary, field, sequence);
            }
            Target::Grid(at) => {
                if !self.grid.open(&mut self.ctx, at) {
                    return;
                }
            }
            Target::Audit => self.audit.open(&mut self.ctx),
            Target::Help => {
                let tables = self.tables();
                self.help.open(tables);
            }
            // Lists of the district open on fresh data: another clerk may have changed it.
            // While a part of the year is held, the workflow reads every township's
            // progress (and holds the selected township's part: `keep_workflow`); the
            // rectifications only themselves (and the names of their secretaries).
            Target::Workflow if self.ctx.parted() => self.ctx.read_statuses(),
            Target::Rectify if self.ctx.parted() => self.ctx.read_rectifications(),
            Target::Workflow | Target::Rectify | Target::Pool => self.ctx.reload(),
            Target::Overview | Target::List => {}
        }
        if id == ScreenId::Overview {
            self.stack.clear();
        } else if from != id {
            self.stack.push(from);
        }
        self.screen = id;
    }

    /// Every key table of every screen and popup, with its heading (the help screen's).
    pub fn tables(&self) -> Vec<(&'static str, Vec<Binding>)> {
        let mut tables = Vec::new();
        tables.extend(self.overview.help());
        tables.extend(self.list.help());
        tables.extend(self.secretary.help());
        tables.extend(self.grid.help());
        tables.extend(self.workflow.help());
        tables.extend(self.rectify.help());
        tables.extend(self.pool.help());
        tables.extend(self.audit.help());
        tables.extend(Popup::help());
        tables
    }

    fn ask(&mut self, ask: Ask) {
        self.popup = Some(match ask {
            Ask::Confirm {
                question,
                then,
                text,
                seen,
            } => Popup::Confirm(ConfirmPopup {
                question,
                then,
                text,
                seen: seen.map(|s| *s),
            }),
            Ask::Prompt {
                title,
                then,
                initial,
            } => Popup::Prompt(PromptPopup::new(&mut self.ctx, title, then, &initial)),
            Ask::Search(purpose) => Popup::Search(SearchPopup::new(purpose)),
            Ask::Township(current) => {
                Popup::Township(super::popups::TownshipPopup::new(&self.ctx, current))
            }
            Ask::Year => Popup::Choose(super::popups::year::years(&mut self.ctx)),
            Ask::Choose { title, items } => Popup::Choose(ChoosePopup {
                title,
                items,
                selected: 0,
                enter: super::popups::choose::ENTER,
                width: 70,
            }),
            Ask::Edit {
                title,
                text,
                then,
                seen,
            } => {
                let text = match self.ctx.take_draft(then) {
                    Some(draft) => {
                        self.ctx.info("已带出上次未保存的文字");
                        draft
                    }
                    None => text,
                };
                Popup::Editor(Box::new(EditorPopup::new(
                    title,
                    &text,
                    then,
                    seen.map(|s| *s),
                )))
            }
        });
    }

    /// Work on another year: every screen starts again from the overview.
    fn switch_year(&mut self, year: i16) {
        match self.ctx.switch_year(year) {
            Ok(()) => {
                self.list = ListScreen::new();
                self.grid = GridScreen::new();
                self.secretary = SecretaryScreen::new();
                self.audit = AuditScreen::default();
                self.stack.clear();
                self.screen = ScreenId::Overview;
                self.ctx.info(format!("已切换到 {year} 年度"));
            }
            Err(e) => self.ctx.error(format!("无法切换到 {year} 年度:{e}")),
        }
    }

    /// While the workflow is in front of a client holding one township at a time: the
    /// district's progress read again if a save elsewhere may have moved it, and the
    /// selected township's part held (the grid, a form or a picked secretary may have
    /// left another one held).
    fn keep_workflow(&mut self) {
        if self.screen != ScreenId::Workflow || self.popup.is_some() || !self.ctx.parted() {
            return;
        }
        if self.ctx.statuses_stale {
            self.ctx.read_statuses();
        }
        self.workflow.hold_selected(&mut self.ctx);
    }

    /// Write the year's report as `xingji-<year>.xlsx` in the current folder (never
    /// over an existing file).
    fn export(&mut self) {
        let ctx = &mut self.ctx;
        // A client holding one township's part asks the server, which keeps the year.
        let bytes = match ctx.parted() {
            true => ctx.service.workbook(ctx.year()).map_err(|e| e.to_string()),
            false => crate::exchange::xlsx::xlsx_bytes(&ctx.book).map_err(|e| e.to_string()),
        };
        let written = bytes.and_then(|bytes| {
            ctx.write_new_file(&format!("xingji-{}", ctx.year()), "xlsx", &bytes)
        });
        match written {
            Ok(path) => ctx.info(format!("已导出 {}", path.display())),
            Err(e) => ctx.error(format!("导出失败:{e}")),
        }
    }

    pub fn view(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
            too_small(frame, area);
            return;
        }
        let [top, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.title_bar(frame, top);
        self.current().view(&self.ctx, frame, body);
        if let Some(p) = &self.popup {
            p.view(&self.ctx, frame, body);
        }
        self.status_line(frame, status);
        hint_bar(&self.keys(), &self.ctx.theme, frame, hints);
        if self.ctx.theme.wide_ambiguous {
            reserve_wide_cells(frame);
        }
    }

    fn title_bar(&self, frame: &mut Frame, area: Rect) {
        let left = format!(
            " xingji 星级 | {} 年度 | {}",
            self.ctx.year(),
            self.current().title()
        );
        let right = match self.ctx.offline {
            true => format!("服务器连接中断 | {} ", self.ctx.service.actor().name),
            false => format!("{} ", self.ctx.service.actor().name),
        };
        let fill = usize::from(area.width).saturating_sub(width(&left) + width(&right));
        let line = format!("{left}{}{right}", " ".repeat(fill));
        frame.render_widget(
            Paragraph::new(truncate(&line, area.width.into())).style(self.ctx.theme.selected()),
            area,
        );
    }

    fn status_line(&self, frame: &mut Frame, area: Rect) {
        let Some(s) = &self.ctx.status else { return };
        let t = &self.ctx.theme;
        let style = if s.error { t.error() } else { t.good() };
        frame.render_widget(
            Paragraph::new(truncate(&t.user(&s.text), area.width.into())).style(style),
            area,
        );
    }
}

/// In wide-ambiguous mode the cell after an ambiguous character is left to the
/// terminal, which draws the character across both.
fn reserve_wide_cells(frame: &mut Frame) {
    let filler = WIDE_FILLER.to_string();
    for cell in frame.buffer_mut().content.iter_mut() {
        if cell.symbol() == filler {
            cell.set_symbol(" ");
            cell.set_diff_option(ratatui::buffer::CellDiffOption::Skip);
        }
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let (w, h) = MIN_SIZE;
    let text = [
        format!("终端窗口太小:{}x{}", area.width, area.height),
        format!("至少需要 {w}x{h};请放大窗口。"),
        format!("Terminal too small: need at least {w}x{h}."),
        "Ctrl-C 退出 / quit".to_string(),
    ];
    let lines: Vec<Line> = text
        .iter()
        .flat_map(|l| wrap(l, area.width.into()))
        .map(Line::raw)
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
