//! The secretary list: every secretary of the year this user may see, filtered by
//! township, sorted by the official order, the total or the pinyin of the name.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Enter};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Screen;
use crate::domain::{Stage, stars_ascii};
use crate::service::search::romanize_name;
use crate::text::{pad, pad_left, truncate};
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, GridAt, NONE, Target, bind, list_table};
use crate::tui::widgets::{ASCII, Pick, list_page};

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

pub struct ListScreen {
    /// Secretary ids in the order and filter shown.
    pub rows: Vec<u32>,
    pub pick: Pick,
    pub township: Option<u32>,
    pub sort: Sort,
    generation: u64,
}

const OWN: &[Binding] = &[
    bind(Enter, NONE, || Action::Open, "打开", true),
    bind(Char('t'), NONE, || Action::CycleTownship, "乡镇筛选", true),
    bind(Char('s'), NONE, || Action::CycleSort, "排序", true),
];

impl ListScreen {
    pub fn new(ctx: &Context) -> ListScreen {
        let mut list = ListScreen {
            rows: Vec::new(),
            pick: Pick::default(),
            township: None,
            sort: Sort::Official,
            generation: 0,
        };
        list.derive(ctx);
        list
    }

    /// The rows in the filter and order chosen; the selection stays on its secretary
    /// when a change re-sorts them.
    fn derive(&mut self, ctx: &Context) {
        let selected = self.selected();
        let book = &ctx.book;
        let mut rows: Vec<u32> = ctx
            .people
            .iter()
            .copied()
            .filter(|id| {
                self.township.is_none()
                    || book.district.place(*id).map(|(_, v)| v.township) == self.township
            })
            .collect();
        match self.sort {
            Sort::Official => {}
            Sort::Total => {
                let total = |id: &u32| {
                    book.entry(*id)
                        .and_then(|e| e.rating.evaluation.figures().map(|f| f.total))
                };
                rows.sort_by_key(|id| std::cmp::Reverse(total(id)));
            }
            Sort::Pinyin => {
                let key: HashMap<u32, String> = rows
                    .iter()
                    .map(|id| {
                        let name = book.district.secretary(*id).map_or("", |s| &s.name);
                        (*id, romanize_name(name).0)
                    })
                    .collect();
                rows.sort_by(|a, b| key.get(a).cmp(&key.get(b)));
            }
        }
        self.rows = rows;
        self.generation = ctx.generation;
        if let Some(i) = selected.and_then(|id| self.rows.iter().position(|r| *r == id)) {
            self.pick.selected = i;
        }
        self.pick.step(0, self.rows.len(), list_page(ctx.size));
    }

    /// Select a secretary; one outside the filter clears the filter first.
    pub fn select(&mut self, ctx: &Context, secretary: u32) {
        if !self.rows.contains(&secretary) {
            self.township = None;
            self.derive(ctx);
        }
        if let Some(i) = self.rows.iter().position(|&r| r == secretary) {
            self.pick.selected = i;
            self.pick.step(0, self.rows.len(), list_page(ctx.size));
        }
    }

    pub fn selected(&self) -> Option<u32> {
        self.rows.get(self.pick.selected).copied()
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
        if self.pick.apply(&action, self.rows.len(), ctx.size) {
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
            Action::CycleTownship => {
                let ids = ctx.visible_townships();
                self.township = match self.township {
                    None => ids.first().copied(),
                    Some(t) => ids.iter().skip_while(|&&i| i != t).nth(1).copied(),
                };
                self.pick = Pick::default();
                self.derive(ctx);
            }
            Action::CycleSort => {
                self.sort = match self.sort {
                    Sort::Official => Sort::Total,
                    Sort::Total => Sort::Pinyin,
                    Sort::Pinyin => Sort::Official,
                };
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
            self.pick.step(0, self.rows.len(), list_page(ctx.size));
        }
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let filter = self
            .township
            .and_then(|t| ctx.book.district.township(t))
            .map_or_else(|| ctx.all_townships(), |t| t.name.clone());
        let title = format!(
            "{filter} | 按{} | {} 人",
            self.sort.label(),
            self.rows.len()
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
        for (i, &id) in self
            .rows
            .iter()
            .enumerate()
            .skip(self.pick.offset)
            .take(rows)
        {
            let text = cells_line(&cells(ctx, id), &columns);
            let selected = i == self.pick.selected;
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
        if self.rows.is_empty() {
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
    let (t, v, n) = (8 + spare / 4, 10 + spare / 4, 15 + spare / 4);
    [
        ("乡镇", t, false),
        ("村(社区)", v, false),
        ("姓名", n, false),
        ("总分", 6, true),
        ("结果", 8, false),
        ("星级", 6, false),
        ("变化", 4, false),
        ("状态", 6, false),
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
fn cells(ctx: &Context, id: u32) -> Vec<String> {
    let book = &ctx.book;
    let t = &ctx.theme;
    let name = book
        .district
        .secretary(id)
        .map_or(String::new(), |s| t.user(&s.name).into_owned());
    let (township, village) = book
        .district
        .place(id)
        .map(|(a, b)| (t.user(&a.name).into_owned(), t.user(&b.name).into_owned()))
        .unwrap_or_default();
    let mut cells = vec![township, village, name];
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
    match book.entry(id) {
        None => cells.extend(empty("未录入")),
        Some(e) => match e.rating.evaluation.figures() {
            None => cells.extend(empty("未完成")),
            Some(f) => cells.extend([
                format!("{:.2}", f.total),
                f.outcome.label().to_string(),
                stars_ascii(e.rating.stars),
                e.rating.change.map(|c| c.label()).unwrap_or_default(),
                match ctx.stage_of(id) {
                    Stage::Entering => "已完成".to_string(),
                    stage => stage.label().to_string(),
                },
                e.rating
                    .consequence
                    .map(|c| c.label().to_string())
                    .unwrap_or_default(),
            ]),
        },
    }
    cells
}
