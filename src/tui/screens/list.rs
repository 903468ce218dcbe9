//! The secretary list: every secretary of the year this user may see, filtered by
//! township, sorted by the official order, the total or the pinyin of the name.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Enter};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Screen;
use super::paged::Paged;
use crate::domain::{Stage, stars_ascii};
pub use crate::service::rows::Sort;
use crate::service::rows::{Filter, Mark, Row, Window};
use crate::service::workflow::stage_label;
use crate::text::{pad, pad_left, truncate};
use crate::tui::context::Context;
use crate::tui::keys::{Action, Ask, Binding, GridAt, NONE, Target, bind, list_table};
use crate::tui::widgets::{ASCII, Pick};

pub struct ListScreen {
    /// The rows shown and around them, in the filter and order chosen.
    pub paged: Paged,
    pub township: Option<u32>,
    pub sort: Sort,
    generation: u64,
}

const OWN: &[Binding] = &[
    bind(Enter, NONE, || Action::Open, "打开", true),
    bind(Char('t'), NONE, || Action::ChooseTownship, "乡镇筛选", true),
    bind(Char('s'), NONE, || Action::CycleSort, "排序", true),
];

impl Default for ListScreen {
    fn default() -> Self {
        ListScreen::new()
    }
}

impl ListScreen {
    /// A list whose rows are read when it is first shown (not at start: through the
    /// server that is a request the first screen need not wait for).
    pub fn new() -> ListScreen {
        ListScreen {
            paged: Paged::default(),
            township: None,
            sort: Sort::Official,
            generation: u64::MAX,
        }
    }

    /// The filter and order chosen (where in them is the window's business).
    pub fn shape(&self) -> Window {
        Window {
            filter: self.township.map_or(Filter::All, Filter::Township),
            sort: self.sort,
            ..Window::default()
        }
    }

    /// The rows in the filter and order chosen, read again; the selection stays on its
    /// secretary when a change re-sorts them.
    fn derive(&mut self, ctx: &Context) {
        let selected = self.selected();
        self.paged.read(ctx, self.shape(), selected);
        self.generation = ctx.generation;
    }

    /// Select a secretary; one outside the filter clears the filter first.
    pub fn select(&mut self, ctx: &Context, secretary: u32) {
        self.paged.read(ctx, self.shape(), Some(secretary));
        if self.paged.rows.at.is_none() && self.township.is_some() {
            self.township = None;
            self.paged.pick = Pick::default();
            self.paged.read(ctx, self.shape(), Some(secretary));
        }
        self.generation = ctx.generation;
    }

    pub fn selected(&self) -> Option<u32> {
        self.paged.selected().map(|r| r.secretary)
    }
}

impl Screen for ListScreen {
    fn title(&self) -> &'static str {
        "书记名单"
    }

    fn keys(&self, _ctx: &Context) -> Vec<Binding> {
        list_table(OWN)
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        vec![("名单", list_table(OWN))]
    }

    fn update(&mut self, ctx: &mut Context, action: Action) -> Option<Action> {
        if self.paged.apply(ctx, self.shape(), &action) {
            return None;
        }
        match action {
            Action::Open => {
                return self
                    .selected()
                    .map(|id| Action::Show(Target::Secretary(id, None)));
            }
            Action::OpenGrid => {
                let at = self
                    .selected()
                    .map_or(GridAt::Anywhere, |id| GridAt::Secretary(id, 0));
                return Some(Action::Show(Target::Grid(at)));
            }
            Action::ChooseTownship => return Some(Action::Ask(Ask::Township(self.township))),
            Action::FilterTownship(township) => {
                self.township = township;
                self.paged.pick = Pick::default();
                self.paged.read(ctx, self.shape(), None);
            }
            Action::CycleSort => {
                self.sort = self.sort.next();
                self.derive(ctx);
            }
            other => return Some(other),
        }
        None
    }

    fn sync(&mut self, ctx: &Context) {
        if self.generation != ctx.generation {
            self.derive(ctx);
        } else {
            self.paged.follow(ctx, self.shape());
        }
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let filter = self
            .township
            .map_or_else(|| ctx.all_townships(), |t| ctx.township_name(t));
        let title = format!(
            "{filter} | 按{} | {} 人",
            self.sort.label(),
            self.paged.rows.total
        );
        // No side borders: the table needs all 80 columns.
        let block = Block::new()
            .borders(Borders::TOP)
            .border_set(ASCII)
            .title(format!(" {title} "));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let columns = columns(inner.width);
        let headings: Vec<String> = columns.iter().map(|(h, _, _)| (*h).to_string()).collect();
        // A leading space stands over the rows' selection marker.
        let mut lines = vec![Line::styled(
            format!(" {}", cells_line(&headings, &columns)),
            ctx.theme.title(),
        )];
        let rows = usize::from(inner.height.saturating_sub(1));
        // Only the visible window is built.
        for (i, row) in self.paged.shown(rows) {
            let text = cells_line(&cells(ctx, row), &columns);
            let selected = i == self.paged.pick.selected;
            let marker = if selected { ">" } else { " " };
            let style = if selected {
                ctx.theme.selected()
            } else {
                Style::new()
            };
            lines.push(Line::styled(
                truncate(&format!("{marker}{text}"), inner.width.into()),
                style,
            ));
        }
        if let Some(why) = &self.paged.failed {
            lines.push(Line::styled(
                format!("读取名单失败:{why}"),
                ctx.theme.error(),
            ));
        } else if self.paged.rows.total == 0 {
            lines.push(Line::styled(
                "没有书记。请先导入名册:xingji import roster 名册.csv",
                ctx.theme.dim(),
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// The list's columns at this width: (heading, cells, right-aligned). The township,
/// village and name columns take the room a wide terminal gives.
fn columns(width: u16) -> [(&'static str, usize, bool); 9] {
    // At 80 columns: 8 + 10 + 15, and 6 + 8 + 6 + 4 + 6 + 8 for the figures, with
    // the spaces between and the marker.
    let spare = usize::from(width).saturating_sub(80);
    // 状态 takes the first two spare cells (更正公示 is 8; at 80 it shows 更正..).
    let state = 6 + spare.min(2);
    let spare = spare - spare.min(2);
    let (t, v, n) = (8 + spare / 4, 10 + spare / 4, 15 + spare / 4);
    [
        ("乡镇", t, false),
        ("村(社区)", v, false),
        ("姓名", n, false),
        ("总分", 6, true),
        ("结果", 8, false),
        ("星级", 6, false),
        ("变化", 4, false),
        ("状态", state, false),
        ("处理意见", 8, false),
    ]
}

fn cells_line(cells: &[String], columns: &[(&str, usize, bool)]) -> String {
    cells
        .iter()
        .zip(columns)
        .map(|(c, (_, w, right))| {
            let c = truncate(c, *w);
            if *right {
                pad_left(&c, *w)
            } else {
                pad(&c, *w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The cells of one secretary in the list.
fn cells(ctx: &Context, row: &Row) -> Vec<String> {
    let t = &ctx.theme;
    let mut cells = vec![
        t.user(&row.township).into_owned(),
        t.user(&row.village).into_owned(),
        t.user(&row.name).into_owned(),
    ];
    let empty = |status: &str| {
        [
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            status.to_string(),
            String::new(),
        ]
    };
    match &row.mark {
        Mark::NotEntered => cells.extend(empty("未录入")),
        Mark::Incomplete => cells.extend(empty("未完成")),
        Mark::Rated {
            total,
            outcome,
            stars,
            change,
            stage,
            correction,
            consequence,
        } => cells.extend([
            format!("{total:.2}"),
            outcome.label().to_string(),
            stars_ascii(*stars),
            change.map(|c| c.label()).unwrap_or_default(),
            match stage {
                Stage::Entering => "已完成".to_string(),
                stage => stage_label(*stage, *correction).to_string(),
            },
            consequence
                .map(|c| c.label().to_string())
                .unwrap_or_default(),
        ]),
    }
    cells
}
