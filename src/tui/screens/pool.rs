//! The promotion pool (优先选拔) of the working year: 4 stars and above.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::Enter;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Screen;
use super::paged::Paged;
use crate::domain::stars_ascii;
use crate::service::rows::{Filter, Mark, Sort, Window};
use crate::text::{pad, pad_left, truncate};
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, NAVIGATION, NONE, Target, bind, list_table};
use crate::tui::widgets::{boxed, key_for};

#[derive(Default)]
pub struct PoolScreen {
    /// The rows shown and around them.
    pub paged: Paged,
    generation: u64,
}

const OWN: &[Binding] = &[bind(Enter, NONE, || Action::Open, "打开", true)];

/// The pool in the official order.
const SHAPE: Window = Window {
    filter: Filter::Pool,
    sort: Sort::Official,
    from: 0,
    count: 0,
    around: None,
};

impl PoolScreen {
    fn derive(&mut self, ctx: &Context) {
        let selected = self.paged.selected().map(|r| r.secretary);
        self.paged.read(ctx, SHAPE, selected);
        self.generation = ctx.generation;
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
        if self.paged.apply(ctx, SHAPE, &action) {
            return None;
        }
        match action {
            Action::Open => {
                let id = self.paged.selected()?.secretary;
                Some(Action::Show(Target::Secretary(id, None)))
            }
            other => Some(other),
        }
    }

    fn sync(&mut self, ctx: &Context) {
        if self.generation != ctx.generation {
            self.derive(ctx);
        } else {
            self.paged.follow(ctx, SHAPE);
        }
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let t = &ctx.theme;
        let block = boxed(format!(
            "{} 年度优先选拔(4星及以上)| {} 人 | {} 导出Excel",
            ctx.year(),
            self.paged.rows.total,
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
        for (i, row) in self.paged.shown(room) {
            let total = match row.mark {
                Mark::Rated { total, .. } => format!("{total:.2}"),
                _ => String::new(),
            };
            let stars = match row.mark {
                Mark::Rated { stars, .. } => stars_ascii(stars),
                _ => stars_ascii(None),
            };
            let selected = i == self.paged.pick.selected;
            let text = format!(
                "{}{} {} {} {} {stars}",
                if selected { ">" } else { " " },
                pad(&truncate(&t.user(&row.township), 10), 10),
                pad(&truncate(&t.user(&row.village), 12), 12),
                pad(&truncate(&t.user(&row.name), 15), 15),
                pad_left(&total, 6)
            );
            let style = if selected { t.selected() } else { Style::new() };
            lines.push(Line::styled(truncate(&text, inner.width.into()), style));
        }
        if let Some(why) = &self.paged.failed {
            lines.push(Line::styled(format!("读取名单失败:{why}"), t.error()));
        } else if self.paged.rows.total == 0 {
            lines.push(Line::styled("本年度没有 4 星及以上的书记", t.dim()));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
