//! The audit log: who changed what, when, before and after; this year or every year,
//! all townships or one. Newest first.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::Char;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::domain::AuditEntry;
use crate::service::AuditFilter;
use crate::text::{pad, truncate};
use crate::tui::context::Context;
use crate::tui::keys::{Action, Ask, Binding, NONE, bind, list_table};
use crate::tui::widgets::{Pick, boxed, key_for, list_page};

#[derive(Default)]
pub struct AuditScreen {
    entries: Vec<AuditEntry>,
    /// Indices into `entries` shown, newest first.
    pub rows: Vec<usize>,
    pub pick: Pick,
    pub township: Option<u32>,
    pub all_years: bool,
    generation: u64,
}

const OWN: &[Binding] = &[
    bind(Char('t'), NONE, || Action::ChooseTownship, "乡镇筛选", true),
    bind(Char('a'), NONE, || Action::ToggleYears, "本年/全部", true),
];

impl AuditScreen {
    /// Read the log as this user may see it, afresh.
    pub fn open(&mut self, ctx: &mut Context) {
        if let Err(e) = self.read(ctx) {
            ctx.error(e);
        }
        self.pick = Pick::default();
    }

    fn read(&mut self, ctx: &Context) -> Result<(), String> {
        self.generation = ctx.generation;
        let entries = ctx
            .service
            .audit_log(&AuditFilter::default())
            .map_err(|e| format!("读取审计日志失败:{e}"))?;
        self.entries = entries;
        let pick = self.pick;
        self.filter(ctx);
        self.pick = pick;
        Ok(())
    }

    fn filter(&mut self, ctx: &Context) {
        let year = ctx.year();
        // The log names each entry's township (its secretary's, when it is about one).
        self.rows = (0..self.entries.len())
            .rev()
            .filter(|&i| {
                let e = &self.entries[i];
                (self.all_years || e.scope.year == Some(year))
                    && self.township.is_none_or(|t| e.scope.township == Some(t))
            })
            .collect();
        self.pick = Pick::default();
    }

    /// The lines shown, newest first.
    pub fn lines(&self) -> impl Iterator<Item = &AuditEntry> {
        self.rows.iter().map(|&i| &self.entries[i])
    }
}

impl Screen for AuditScreen {
    fn title(&self) -> &'static str {
        "审计日志"
    }

    fn keys(&self, _ctx: &Context) -> Vec<Binding> {
        list_table(OWN)
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        vec![("审计日志(h)", list_table(OWN))]
    }

    fn update(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        if self.pick.apply(&action, self.rows.len(), ctx.size) {
            return None;
        }
        match action {
            Action::ChooseTownship => return Some(Action::Ask(Ask::Township(self.township))),
            Action::FilterTownship(township) => {
                self.township = township;
                self.filter(ctx);
            }
            Action::ToggleYears => {
                self.all_years = !self.all_years;
                self.filter(ctx);
            }
            other => return Some(other),
        }
        None
    }

    fn sync(&mut self, ctx: &Context) {
        // Another user's change (or this user's) adds lines: read the log again.
        if self.generation != ctx.generation {
            let _ = self.read(ctx);
        }
        self.pick.step(0, self.rows.len(), list_page(ctx.size));
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let t = &ctx.theme;
        let township = self
            .township
            .map_or_else(|| ctx.all_townships(), |id| ctx.township_name(id));
        let years = if self.all_years {
            "全部年度".to_string()
        } else {
            format!("{} 年度", ctx.year())
        };
        let block = boxed(format!(
            "审计日志 | {years} | {township} | {} 条",
            self.rows.len()
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = Vec::new();
        let rows = usize::from(inner.height);
        let zone = jiff::tz::TimeZone::system();
        for (i, e) in self.lines().enumerate().skip(self.pick.offset).take(rows) {
            let at =
                e.at.to_zoned_datetime(zone.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string();
            let marker = if i == self.pick.selected { ">" } else { " " };
            let text = format!("{marker}{at} {} {}", pad(&e.user, 8), e.line());
            let style = if i == self.pick.selected {
                t.selected()
            } else {
                Style::new()
            };
            lines.push(Line::styled(
                truncate(&t.user(&text.replace('\n', " ")), inner.width.into()),
                style,
            ));
        }
        if self.rows.is_empty() {
            let key = key_for(OWN, &Action::ToggleYears);
            lines.push(Line::styled(
                format!("没有记录(按 {key} 查看全部年度)"),
                t.dim(),
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
