//! The year's workflow, township by township: 录入 → 已提交 → 公示 → 已审定, with
//! reopening, objections during publicity, and the 公示 notice and 明白信 as files.
//! Every step asks first and says at once what would refuse it.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Enter};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::domain::Stage;
use crate::exchange::notice::Kind;
use crate::service::rows::Focus;
use crate::service::{DistrictStep, YearBook, publicity_end};
use crate::text::{pad, pad_left, truncate};
use crate::tui::context::Context;
use crate::tui::keys::{Action, Ask, Binding, GridAt, NONE, Step, Target, bind, list_table};
use crate::tui::widgets::{Pick, boxed, list_page};

pub struct WorkflowScreen {
    pub pick: Pick,
}

const OWN: &[Binding] = &[
    bind(Enter, NONE, || Action::Advance, "下一步", true),
    bind(Char('R'), NONE, || Action::Reopen, "重新打开", true),
    bind(Char('o'), NONE, || Action::Object, "登记异议", true),
    bind(Char('v'), NONE, || Action::Resolve, "处理异议", true),
    bind(
        Char('n'),
        NONE,
        || Action::Notice(Kind::Notice),
        "公示通知",
        false,
    ),
    bind(
        Char('m'),
        NONE,
        || Action::Notice(Kind::Letters),
        "明白信",
        false,
    ),
    bind(
        Char('b'),
        NONE,
        || Action::Notice(Kind::Broadcast),
        "广播稿",
        false,
    ),
];

impl WorkflowScreen {
    pub fn new() -> WorkflowScreen {
        WorkflowScreen {
            pick: Pick::default(),
        }
    }

    pub fn selected_township(&self, ctx: &Context) -> Option<u32> {
        ctx.visible_townships().get(self.pick.selected).copied()
    }

    /// Hold the selected township's part of the year (while parts are held): its
    /// objections, its publicity, its people and its papers are read from it.
    pub fn hold_selected(&self, ctx: &mut Context) {
        if let Some(t) = self.selected_township(ctx) {
            ctx.focus(Focus::Township(t));
        }
    }

    /// The step Enter takes for a township, with its question; None when approved.
    fn next_step(ctx: &Context, t: u32, name: &str) -> Option<(String, Step)> {
        let year = ctx.year();
        match ctx.book.record.stage(t) {
            Stage::Entering => Some((
                format!("提交{name} {year} 年度的考核结果?"),
                Step::Submit(t),
            )),
            Stage::Submitted => Some((
                format!("{name}公示:开始日期 天数(早于今天的再写理由)"),
                Step::Publish(t, false),
            )),
            Stage::Publicity => Some((
                format!("审定{name} {year} 年度的结果?审定后锁定。"),
                Step::Approve(t),
            )),
            Stage::Approved => None,
        }
    }

    /// Why the township's next step would be refused now, if it would.
    fn blocked(ctx: &Context, t: u32) -> Option<String> {
        let status = ctx.statuses.iter().find(|s| s.township == t)?;
        let book = &ctx.book;
        match status.stage {
            Stage::Entering if status.complete < status.people => {
                let missing: Vec<String> = ctx
                    .people_of(t)
                    .iter()
                    .filter(|p| {
                        book.entry(**p)
                            .is_none_or(|e| e.rating().evaluation.figures().is_none())
                    })
                    .map(|p| book.name_of(*p))
                    .collect();
                Some(format!(
                    "还有 {} 名书记的考核未完成:{}",
                    missing.len(),
                    crate::text::listed(&missing, "名")
                ))
            }
            Stage::Submitted => {
                let waiting = ctx.waiting();
                (!waiting.is_empty()).then(|| {
                    format!(
                        "名额按全区计算,须全区各乡镇提交后才能公示;尚未提交:{}",
                        crate::text::listed(&waiting, "个乡镇")
                    )
                })
            }
            Stage::Publicity if ctx.service.need_district(DistrictStep::Approve).is_err() => {
                Some("审定由区委组织部进行".into())
            }
            Stage::Publicity => match status.publicity {
                Some((_, end)) if ctx.today <= end => {
                    Some(format!("公示期至 {end},期满后才能审定"))
                }
                _ if !ctx.waiting().is_empty() => {
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

    /// `v`: the open objections of the townships in publicity, to choose the one to
    /// settle (one alone goes straight to its resolution).
    fn pending(ctx: &mut Context) -> Option<Action> {
        // One line a secretary: a resolution settles all of their open objections.
        let mut items: Vec<(String, Action)> = Vec::new();
        // While parts are held, only the townships where the server counts open
        // objections are read.
        let townships: Vec<u32> = match ctx.parted() {
            true => ctx
                .statuses
                .iter()
                .filter(|s| s.open_objections > 0)
                .map(|s| s.township)
                .collect(),
            false => ctx.visible_townships(),
        };
        for t in townships {
            if !ctx.parted() || ctx.book.part_of() == Some(t) {
                Self::open_objections(ctx, &ctx.book, t, &mut items);
                continue;
            }
            match ctx.service.part(ctx.year(), Focus::Township(t)) {
                Ok(part) => Self::open_objections(ctx, &part, t, &mut items),
                Err(e) => {
                    ctx.error(format!("读取数据失败:{e}"));
                    return None;
                }
            }
        }
        match items.len() {
            0 => {
                ctx.info("没有未处理的异议");
                None
            }
            1 => items.pop().map(|(_, a)| a),
            _ => Some(Action::Ask(Ask::Choose {
                title: "选择要处理异议的书记(其未处理的异议一并处理)".to_string(),
                items,
            })),
        }
    }

    /// The lines of a township's open objections, one a secretary, from a book that
    /// holds the township.
    fn open_objections(ctx: &Context, book: &YearBook, t: u32, items: &mut Vec<(String, Action)>) {
        let year = book.record.township(t);
        let mut seen: Vec<u32> = Vec::new();
        for o in year.objections.iter().filter(|o| o.resolution.is_none()) {
            if seen.contains(&o.secretary) {
                continue;
            }
            seen.push(o.secretary);
            let theirs: Vec<String> = year
                .objections
                .iter()
                .filter(|x| x.secretary == o.secretary && x.resolution.is_none())
                .map(crate::domain::Objection::shown)
                .collect();
            let count = if theirs.len() > 1 {
                format!("{} 条:", theirs.len())
            } else {
                String::new()
            };
            items.push((
                format!(
                    "{} {} {}:{count}{}",
                    o.raised_on,
                    ctx.township_name(t),
                    book.name_of(o.secretary),
                    theirs.join(";")
                ),
                Action::Picked(Step::Resolve(None), o.secretary),
            ));
        }
    }

    /// The search picked a secretary for an objection or its resolution: ask for
    /// the text, or say why not.
    fn picked(ctx: &mut Context, step: Step, secretary: u32) -> Option<Action> {
        if !ctx.focus(Focus::Secretary(secretary)) {
            return None;
        }
        let name = ctx.book.name_of(secretary);
        let township = ctx.book.township_of(secretary).unwrap_or_default();
        let year = ctx.book.record.township(township);
        let open = year
            .objections
            .iter()
            .any(|o| o.secretary == secretary && o.resolution.is_none());
        if year.stage != Stage::Publicity {
            ctx.error(format!("{name} 所在乡镇不在公示期,不能登记或处理异议"));
            return None;
        }
        let (title, then) = match step {
            Step::Object(_) => (
                format!("对 {name} 的异议(可加 反映人:姓名 电话:号码)"),
                Step::Object(Some(secretary)),
            ),
            Step::Resolve(_) if !open => {
                ctx.error(format!("{name} 没有未处理的异议"));
                return None;
            }
            Step::Resolve(_) => (
                format!("对 {name} 异议的处理结果"),
                Step::Resolve(Some(secretary)),
            ),
            _ => return None,
        };
        Some(Action::Ask(Ask::Prompt {
            title,
            then,
            initial: String::new(),
        }))
    }

    /// The selected township's objections and the end of its publicity: the lines
    /// shown below the townships (from its part, when parts are held).
    fn details(ctx: &Context, selected: usize, width: usize) -> Vec<Line<'static>> {
        let t = &ctx.theme;
        let book = &ctx.book;
        let mut out = Vec::new();
        let held = |t: u32| !ctx.parted() || book.part_of() == Some(t);
        if let Some(s) = ctx.statuses.get(selected).filter(|s| held(s.township)) {
            let year = book.record.township(s.township);
            // What approval waits for comes first: with many objections, their last
            // lines are the ones the screen cuts off.
            if let (Stage::Publicity, Some((from, days))) = (s.stage, year.publicity) {
                let end = publicity_end(from, days);
                let district = ctx.service.need_district(DistrictStep::Approve).is_ok();
                let left = match (ctx.today > end, s.open_objections, district) {
                    (false, _, _) => format!("公示至 {end},期满后可审定"),
                    (true, 0, true) => "公示期已满,可审定".to_string(),
                    (true, 0, false) => "公示期已满,待区委组织部审定".to_string(),
                    (true, n, _) => format!("公示期已满;还有 {n} 条异议未处理,处理后可审定"),
                };
                out.push(Line::raw(""));
                out.push(Line::styled(left, t.dim()));
            }
            if !year.objections.is_empty() {
                out.push(Line::raw(""));
                out.push(Line::styled(
                    format!("{} 的异议 {} 条(v 处理)", s.name, year.objections.len()),
                    t.title(),
                ));
                for o in year.objections.iter().rev() {
                    let state = o
                        .resolution
                        .as_deref()
                        .map_or("未处理".to_string(), |r| format!("已处理:{r}"));
                    let text = format!(
                        " {} {}:{} [{state}]",
                        o.raised_on,
                        book.name_of(o.secretary),
                        o.shown()
                    );
                    let style = if o.resolution.is_none() {
                        t.warn()
                    } else {
                        t.dim()
                    };
                    out.push(Line::styled(truncate(&t.user(&text), width), style));
                }
            }
        }
        out
    }

    /// How many townships show at once: the rest of the screen, less the selected
    /// township's details (at most half of it), so that they always show.
    fn page(ctx: &Context, details: usize) -> usize {
        let page = list_page(ctx.size);
        page.saturating_sub(details.min(page / 2)).max(1)
    }

    /// Write a township's 公示 notice, its 明白信 or its broadcast script as a Word file in
    /// the current folder.
    fn write_notice(ctx: &mut Context, township: u32, kind: Kind) {
        if let Some(why) = crate::exchange::notice::not_now(&ctx.book, township) {
            ctx.error(why);
            return;
        }
        let name = ctx.township_name(township);
        let written = ctx
            .service
            .office()
            .map_err(|e| e.to_string())
            .and_then(|office| kind.paper(&ctx.book, township, &office).docx())
            .and_then(|bytes| {
                ctx.write_new_file(
                    &format!("{}-{}-{name}", kind.label(), ctx.year()),
                    "docx",
                    &bytes,
                )
            });
        match written {
            Ok(path) => ctx.info(format!("已写出 {}", path.display())),
            Err(e) => ctx.error(e),
        }
    }
}

impl Default for WorkflowScreen {
    fn default() -> Self {
        WorkflowScreen::new()
    }
}

impl Screen for WorkflowScreen {
    fn title(&self) -> &'static str {
        "年度流程"
    }

    fn keys(&self, _ctx: &Context) -> Vec<Binding> {
        list_table(OWN)
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        vec![("年度流程(w)", list_table(OWN))]
    }

    fn update(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        let n = ctx.visible_townships().len();
        // (A move holds the newly selected township's part: `App::keep_workflow`.)
        if self.pick.apply(&action, n, ctx.size) {
            return None;
        }
        if let Action::Picked(step, secretary) = action {
            return Self::picked(ctx, step, secretary);
        }
        let Some(t) = self.selected_township(ctx) else {
            return Some(action);
        };
        let name = ctx.township_name(t);
        // What a step, a paper or the view say of the township comes from its part: it
        // must be the one held (when it could not be read, the status line says why).
        let acts = matches!(action, Action::Advance | Action::Reopen | Action::Notice(_));
        if acts && ctx.parted() && ctx.book.part_of() != Some(t) {
            self.hold_selected(ctx);
            if ctx.book.part_of() != Some(t) {
                return None;
            }
        }
        match action {
            Action::Advance => {
                // Say at once what would refuse the step, before asking anything.
                if let Some(reason) = Self::blocked(ctx, t) {
                    ctx.error(format!("{name}:{reason}"));
                    return None;
                }
                match Self::next_step(ctx, t, &name) {
                    // Publicity: its first day and length, as on the command line.
                    Some((title, then @ Step::Publish(..))) => {
                        return Some(Action::Ask(Ask::Prompt {
                            title,
                            then,
                            initial: format!("{} {}", ctx.today, ctx.book.scheme.publicity.days),
                        }));
                    }
                    Some((question, then)) => {
                        return Some(Action::Ask(Ask::Confirm {
                            question,
                            then,
                            text: String::new(),
                            seen: None,
                        }));
                    }
                    None => ctx.info(format!("{name}已审定;如需修改,区管理员可按 R 重新打开")),
                }
            }
            Action::Reopen if ctx.book.record.stage(t) == Stage::Entering => {
                ctx.info(format!("{name}已是「录入」阶段,无需重新打开"));
            }
            Action::Reopen
                if let Err(refusal) = ctx.service.need_district(DistrictStep::Reopen) =>
            {
                ctx.error(refusal.to_string());
            }
            Action::Reopen => {
                return Some(Action::Ask(Ask::Prompt {
                    title: format!("重新打开{name}的理由"),
                    then: Step::Reopen(t),
                    initial: String::new(),
                }));
            }
            Action::Resolve => return Self::pending(ctx),
            Action::Object => {
                ctx.info("搜索并选定书记(Enter)");
                return Some(Action::Ask(Ask::Search(Some(Step::Object(None)))));
            }
            Action::Notice(kind) => Self::write_notice(ctx, t, kind),
            Action::OpenGrid => return Some(Action::Show(Target::Grid(GridAt::Township(t)))),
            other => return Some(other),
        }
        None
    }

    fn sync(&mut self, ctx: &Context) {
        let n = ctx.visible_townships().len();
        let details = Self::details(ctx, self.pick.selected, ctx.size.0.into()).len();
        let page = Self::page(ctx, details);
        self.pick.step(0, n, page);
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let t = &ctx.theme;
        let block = boxed(format!(
            "{} 年度流程:录入 -> 已提交 -> 公示 -> 已审定",
            ctx.year()
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = vec![Line::styled(
            format!(
                "{}{}{}  {}",
                pad(" 乡镇(街道)", 12),
                pad_left("完成", 8),
                pad_left("阶段", 10),
                "公示 / 审定 / 异议"
            ),
            t.title(),
        )];
        // The selected township's objections and publicity, below the window.
        let details = Self::details(ctx, self.pick.selected, inner.width.into());
        // The window of townships around the selected one (a province has thousands).
        let window = ctx
            .statuses
            .iter()
            .enumerate()
            .skip(self.pick.offset)
            .take(Self::page(ctx, details.len()));
        for (i, s) in window {
            let mut note = String::new();
            if let Some((a, b)) = s.publicity {
                note.push_str(&format!("公示 {a}~{b} "));
            }
            if let Some(d) = s.approved_on {
                note.push_str(&format!("审定 {d} "));
            }
            if s.open_objections > 0 {
                note.push_str(&format!("异议 {} 条未处理", s.open_objections));
            }
            let selected = i == self.pick.selected;
            let style = if selected {
                t.selected()
            } else if s.stage == Stage::Approved {
                t.good()
            } else {
                Style::new()
            };
            let text = format!(
                "{}{}{}{}  {note}",
                if selected { ">" } else { " " },
                pad(&t.user(&s.name), 11),
                pad_left(&format!("{}/{}", s.complete, s.people), 8),
                pad_left(s.stage_label(), 10)
            );
            lines.push(Line::styled(truncate(&text, inner.width.into()), style));
        }
        lines.extend(details);
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
