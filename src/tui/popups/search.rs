//! The search box (`/`): name, village, township, full pinyin or initials; Enter
//! opens the selected match, or picks it for the step that asked.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Down, Enter, Esc, Up};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Reply;
use crate::service::rows::Row;
use crate::service::search::{Finder, KEPT};
use crate::text::pad;
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, LINE_EDIT, NONE, QUIT, Step, Target, bind};
use crate::tui::widgets::{LineEdit, boxed, centered, clear};

#[derive(Default)]
pub struct SearchPopup {
    pub query: LineEdit,
    /// The best matches (at most `KEPT`), and how many there are in all.
    pub hits: Vec<Row>,
    pub total: usize,
    finder: Finder,
    pub selected: usize,
    /// The step waiting for a secretary, if the search was opened for one.
    pub purpose: Option<Step>,
}

pub fn keys() -> Vec<Binding> {
    let mut t = vec![
        bind(Enter, NONE, || Action::Open, "打开", true),
        bind(Up, NONE, || Action::Up, "上移", true),
        bind(Down, NONE, || Action::Down, "下移", true),
    ];
    t.extend_from_slice(LINE_EDIT);
    t.push(bind(Esc, NONE, || Action::Cancel, "关闭", true));
    t.push(QUIT);
    t
}

impl SearchPopup {
    pub fn new(purpose: Option<Step>) -> SearchPopup {
        SearchPopup {
            purpose,
            ..SearchPopup::default()
        }
    }

    pub fn update(&mut self, ctx: &mut Context, action: Action) -> Reply {
        let before = self.query.text();
        if self.query.apply(&action) {
            let query = self.query.text();
            if query != before {
                match ctx.search(&mut self.finder, &query, KEPT) {
                    Ok(hits) => (self.hits, self.total) = (hits.rows, hits.total),
                    Err(e) => {
                        (self.hits, self.total) = (Vec::new(), 0);
                        ctx.error(e.to_string());
                    }
                }
                self.selected = 0;
            }
            return Reply::stay();
        }
        let n = self.hits.len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down if n > 0 => self.selected = (self.selected + 1).min(n - 1),
            Action::Open => {
                let Some(id) = self.hits.get(self.selected).map(|r| r.secretary) else {
                    ctx.error("没有找到匹配的书记");
                    return Reply::stay();
                };
                return Reply::close(Some(match self.purpose {
                    Some(step) => Action::Picked(step, id),
                    None => Action::Show(Target::Secretary(id, None)),
                }));
            }
            Action::Cancel => return Reply::close(None),
            _ => {}
        }
        Reply::stay()
    }

    pub fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let popup = centered(area, 64, 14);
        clear(frame, popup);
        let block = boxed("搜索:姓名 / 村 / 乡镇 / 拼音 / 首字母");
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let t = &ctx.theme;
        let (query, at) = super::query_line(ctx, &self.query, inner);
        let mut lines = vec![query];
        // When not every match is kept, or not every one fits, the last line says how
        // many there are.
        let cut = self.total > self.hits.len();
        let fits = usize::from(inner.height.saturating_sub(1));
        let counted = cut || self.hits.len() > fits;
        let room = usize::from(inner.height.saturating_sub(1 + u16::from(counted)));
        let first = self.selected.saturating_sub(room.saturating_sub(1));
        for (i, row) in self.hits.iter().enumerate().skip(first).take(room) {
            let name = t.user(&row.name);
            let (tw, v) = (t.user(&row.township), t.user(&row.village));
            let text = format!("{} {} {}", pad(&name, 16), pad(&v, 14), pad(&tw, 12));
            lines.push(super::marked_row(
                ctx,
                &text,
                i == self.selected,
                inner.width,
            ));
        }
        if cut {
            lines.push(Line::styled(
                format!(
                    "共 {} 个匹配,只列出前 {};多输入几个字可缩小范围",
                    self.total,
                    self.hits.len()
                ),
                t.dim(),
            ));
        } else if counted {
            lines.push(Line::styled(
                format!("共 {} 个匹配,按上下键翻看", self.total),
                t.dim(),
            ));
        }
        if self.hits.is_empty() && !self.query.is_empty() {
            lines.push(Line::styled("没有匹配", t.dim()));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        super::query_cursor(frame, inner, at);
    }
}
