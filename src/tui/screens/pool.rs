//! The promotion pool (优先选拔) of the working year: 4 stars and above.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::Enter;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::domain::{Consequence, stars_ascii};
use crate::text::{pad, pad_left, truncate};
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, NAVIGATION, NONE, Target, bind, list_table};
use crate::tui::widgets::{Pick, boxed, key_for, list_page};

#[derive(Default)]
pub struct PoolScreen {
    pub rows: Vec<u32>,
    pub pick: Pick,
    generation: u64,
}

const OWN: &[Binding] = &[bind(Enter, NONE, || Action::Open, "打开", true)];

impl PoolScreen {
    fn derive(&mut self, ctx: &Context) {
        self.rows = ctx
            .book
            .entries
            .iter()
            .filter(|e| e.rating.consequence == Some(Consequence::Promote))
            .map(|e| e.secretary)
            .collect();
        self.generation = ctx.generation;
        self.pick.step(0, self.rows.len(), list_page(ctx.size));
    }
}

impl Screen for PoolScreen {
    fn title(&self) -> &'static str {
        "优先选拔"
    }

    fn keys(&self, _ctx: &Context) -> Vec<Binding> {
        list_table(OWN)
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        vec![("优先选拔(p)", list_table(OWN))]
    }

    fn update(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        if self.pick.apply(&action, self.rows.len(), ctx.size) {
            return None;
        }
        match action {
            Action::Open => {
                let id = self.rows.get(self.pick.selected).copied()?;
                Some(Action::Show(Target::Secretary(id, None)))
            }
            other => Some(other),
        }
    }

    fn sync(&mut self, ctx: &Context) {
        if self.generation != ctx.generation {
            self.derive(ctx);
        }
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let t = &ctx.theme;
        let block = boxed(format!(
            "{} 年度优先选拔(4星及以上)| {} 人 | {} 导出Excel",
            ctx.year(),
            self.rows.len(),
            key_for(NAVIGATION, &Action::Export)
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = vec![Line::styled(
            format!(
                " {} {} {} {} {}",
                pad("乡镇", 10),
                pad("村(社区)", 12),
                pad("姓名", 15),
                pad_left("总分", 6),
                "星级"
            ),
            t.title(),
        )];
        let room = usize::from(inner.height).saturating_sub(1);
        for (i, &s) in self
            .rows
            .iter()
            .enumerate()
            .skip(self.pick.offset)
            .take(room)
        {
            let (tw, v) = ctx
                .book
                .district
                .place(s)
                .map(|(a, b)| (a.name.clone(), b.name.clone()))
                .unwrap_or_default();
            let e = ctx.book.entry(s);
            let total = e
                .and_then(|e| e.rating.evaluation.figures())
                .map_or(String::new(), |f| format!("{:.2}", f.total));
            let stars = e.map_or(String::new(), |e| stars_ascii(e.rating.stars));
            let text = format!(
                "{}{} {} {} {} {stars}",
                if i == self.pick.selected { ">" } else { " " },
                pad(&truncate(&t.user(&tw), 10), 10),
                pad(&truncate(&t.user(&v), 12), 12),
                pad(&truncate(&t.user(&ctx.book.name_of(s)), 15), 15),
                pad_left(&total, 6)
            );
            let style = if i == self.pick.selected {
                t.selected()
            } else {
                Style::new()
            };
            lines.push(Line::styled(truncate(&text, inner.width.into()), style));
        }
        if self.rows.is_empty() {
            lines.push(Line::styled("本年度没有 4 星及以上的书记", t.dim()));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
