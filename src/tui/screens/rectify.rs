//! Rectifications (诫勉整改, 建议调整) after approval: deadline, measures, status;
//! overdue ones in red. Enter edits the measures, `d` marks one done.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Enter};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::domain::{Rectification, RectifyStatus};
use crate::text::{pad, truncate, wrap};
use crate::tui::context::Context;
use crate::tui::keys::{Action, Ask, Binding, NONE, Step, bind, list_table};
use crate::tui::widgets::{Pick, boxed, key_for, list_page};

#[derive(Default)]
pub struct RectifyScreen {
    /// (year, secretary, record), newest year first.
    pub rows: Vec<(i16, u32, Rectification)>,
    pub pick: Pick,
    generation: u64,
}

const OWN: &[Binding] = &[
    bind(Enter, NONE, || Action::Open, "整改措施", true),
    bind(Char('d'), NONE, || Action::MarkDone, "标记完成", true),
];

impl RectifyScreen {
    fn derive(&mut self, ctx: &Context) {
        let mut rows = ctx.rectifications.clone();
        rows.sort_by_key(|(y, _, _)| std::cmp::Reverse(*y));
        self.rows = rows;
        self.generation = ctx.generation;
        self.pick.step(0, self.rows.len(), list_page(ctx.size));
    }
}

impl Screen for RectifyScreen {
    fn title(&self) -> &'static str {
        "整改"
    }

    fn keys(&self, _ctx: &Context) -> Vec<Binding> {
        list_table(OWN)
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        vec![("整改(r)", list_table(OWN))]
    }

    fn update(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        if self.pick.apply(&action, self.rows.len(), ctx.size) {
            return None;
        }
        let selected = self.rows.get(self.pick.selected);
        match (action, selected) {
            // Withdrawn: on record, no longer followed up.
            (Action::Open | Action::MarkDone, Some((_, s, r))) if r.withdrawn.is_some() => {
                let (day, why) = r.withdrawn.clone().unwrap_or_default();
                ctx.info(format!(
                    "{} 的整改已于 {day} 撤销:{why};不再更新",
                    ctx.name_of(*s)
                ));
                None
            }
            (Action::Open, Some((year, s, r))) => Some(Action::Ask(Ask::Edit {
                title: format!("{year} 年度 {} 整改措施", ctx.name_of(*s)),
                text: r.measures.clone(),
                then: Step::Measures(*year, *s),
                seen: None,
            })),
            (Action::MarkDone, Some((_, _, r))) if r.done_on.is_some() => {
                ctx.info("已完成");
                None
            }
            (Action::MarkDone, Some((year, s, _))) => Some(Action::Ask(Ask::Confirm {
                question: format!("将 {} 的整改标记为已完成?", ctx.name_of(*s)),
                then: Step::MarkDone(*year, *s),
                text: String::new(),
                seen: None,
            })),
            (Action::Open | Action::MarkDone, None) => None,
            (other, _) => Some(other),
        }
    }

    fn sync(&mut self, ctx: &Context) {
        if self.generation != ctx.generation {
            self.derive(ctx);
        }
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let t = &ctx.theme;
        let today = ctx.today;
        let overdue = self
            .rows
            .iter()
            .filter(|(_, _, r)| r.status(today) == RectifyStatus::Overdue)
            .count();
        let block = boxed(format!(
            "整改跟踪 | {} 项,逾期 {overdue} 项",
            self.rows.len()
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = vec![Line::styled(
            format!(
                " {} {} {} {} {} {} {}",
                pad("年度", 4),
                pad("乡镇", 10),
                pad("村(社区)", 10),
                pad("姓名", 15),
                pad("处理", 8),
                pad("期限", 10),
                "状态"
            ),
            t.title(),
        )];
        let room = usize::from(inner.height).saturating_sub(1);
        for (i, (year, s, r)) in self
            .rows
            .iter()
            .enumerate()
            .skip(self.pick.offset)
            .take(room)
        {
            let (tw, v) = ctx.place_names(*s);
            let status = r.status(today);
            let text = format!(
                "{}{} {} {} {} {} {} {}",
                if i == self.pick.selected { ">" } else { " " },
                pad(&year.to_string(), 4),
                pad(&truncate(&t.user(&tw), 10), 10),
                pad(&truncate(&t.user(&v), 10), 10),
                pad(&truncate(&t.user(&ctx.name_of(*s)), 15), 15),
                pad(r.consequence.label(), 8),
                r.deadline,
                match &r.withdrawn {
                    Some((day, why)) => format!("{}({day},{why})", status.label()),
                    None => status.label().to_string(),
                }
            );
            let style = if i == self.pick.selected {
                t.selected()
            } else if status == RectifyStatus::Overdue {
                t.error()
            } else {
                Style::new()
            };
            lines.push(Line::styled(truncate(&text, inner.width.into()), style));
        }
        if self.rows.is_empty() {
            lines.push(Line::styled(
                "没有整改记录:年度审定后,诫勉整改和建议调整的书记在这里跟踪。",
                t.dim(),
            ));
        } else if let Some((_, _, r)) = self.rows.get(self.pick.selected) {
            lines.push(Line::raw(""));
            let key = key_for(OWN, &Action::Open);
            lines.push(Line::styled(format!("整改措施({key} 编辑):"), t.title()));
            let measures = if r.measures.is_empty() {
                "(未填写)".to_string()
            } else {
                r.measures.clone()
            };
            for l in measures
                .lines()
                .flat_map(|l| wrap(&t.user(l), inner.width.into()))
            {
                lines.push(Line::raw(l));
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
