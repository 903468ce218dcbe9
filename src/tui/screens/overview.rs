//! The first screen: the star distribution and the results of the year, each
//! township's progress (or its stars this year and last), the district's summary in
//! its own words, and overdue rectifications.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode::{Char, Enter, Esc, Tab};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::domain::{Outcome, stars_ascii};
use crate::service::{Overview, TownshipStars, TownshipStatus};
use crate::text::{pad, pad_left, truncate, width, wrap};
use crate::tui::context::Context;
use crate::tui::keys::{Action, Binding, NAVIGATION, NONE, QUIT, bind};
use crate::tui::widgets::{boxed, figure, key_for};

/// The figures of the screen, counted in `sync`, not per frame.
#[derive(Debug, Default)]
struct Stats {
    /// Secretaries at 0★ … 5★.
    stars: [usize; 6],
    unrated: usize,
    /// (label, count): 优秀 … 不合格, 未完成, 未录入.
    results: Vec<(&'static str, usize)>,
    summary: String,
    /// Each visible township's stars this year and last.
    by_township: Vec<TownshipStars>,
    /// Each visible township's progress.
    statuses: Vec<TownshipStatus>,
    /// How many townships there are (the two lists above may hold only the first).
    townships: usize,
    /// The counts are still on their way (with the year): no figure is shown.
    pending: bool,
}

/// The townships a refreshed overview asks the server for: more than a screen shows.
const SHOWN: usize = crate::tui::context::FIRST_SHOWN;

pub struct OverviewScreen {
    /// Show stars by township (this year and last) instead of the entry progress.
    pub stars_pane: bool,
    stats: Stats,
    generation: u64,
}

fn keys() -> Vec<Binding> {
    let mut t = vec![
        bind(Enter, NONE, || Action::OpenList, "名单", false),
        bind(Tab, NONE, || Action::TogglePane, "切换图表", false),
    ];
    t.extend_from_slice(NAVIGATION);
    t.push(bind(Char('y'), NONE, || Action::PickYear, "年度", true));
    t.push(bind(Esc, NONE, || Action::Cancel, "", false));
    t.push(bind(Char('q'), NONE, || Action::Home, "退出", true));
    t.push(QUIT);
    t
}

impl OverviewScreen {
    pub fn new(ctx: &Context) -> OverviewScreen {
        let mut screen = OverviewScreen {
            stars_pane: false,
            stats: Stats::default(),
            generation: u64::MAX,
        };
        screen.sync(ctx);
        screen
    }

    fn derive(&mut self, ctx: &Context) {
        // While the year is on its way from the server, its counts came ahead of it.
        // A district user's client holds one township: the server counts them all.
        let served = match (&ctx.first_overview, ctx.parted()) {
            (Some(o), _) => Some(o.clone()),
            // As many townships as the tallest screen shows: a province's thousands
            // travel once, with the first screen.
            (None, true) => ctx.service.overview_first(ctx.year(), SHOWN).ok(),
            (None, false) => None,
        };
        let o = served.unwrap_or_else(|| Overview {
            statuses: ctx.statuses.clone(),
            ..Overview::of(&ctx.book, &|_| true, &ctx.rectifications, ctx.today)
        });
        let mut results: Vec<(&'static str, usize)> = Outcome::ALL
            .iter()
            .zip(o.results)
            .map(|(x, n)| (x.label(), n))
            .collect();
        results.push(("未完成", o.incomplete));
        results.push(("未录入", o.not_entered));
        // Counts that were not there in time come with the year.
        let pending = ctx.loading() && o.townships == 0;
        let summary = if pending {
            format!("正在读取 {} 年度的数据……", o.year)
        } else if o.assessed == 0 {
            format!(
                "{} 年度还没有考核数据。按 {} 打开名单,Enter 录入。",
                o.year,
                key_for(NAVIGATION, &Action::OpenList)
            )
        } else {
            o.summary
        };
        let summary = if o.overdue > 0 {
            let key = key_for(NAVIGATION, &Action::OpenRectifications);
            format!("{summary}。整改逾期 {} 项(按 {key} 查看)", o.overdue)
        } else {
            summary
        };
        self.stats = Stats {
            stars: o.stars,
            unrated: o.unrated,
            results,
            summary,
            by_township: o.by_township,
            statuses: o.statuses,
            townships: o.townships,
            pending,
        };
        self.generation = ctx.generation;
    }
}

impl Screen for OverviewScreen {
    fn title(&self) -> &'static str {
        "总览"
    }

    fn keys(&self, _ctx: &Context) -> Vec<Binding> {
        keys()
    }

    fn help(&self) -> Vec<(&'static str, Vec<Binding>)> {
        vec![("总览", keys())]
    }

    fn update(&mut self, _ctx: &mut Context, action: Action) -> Option<Action> {
        match action {
            Action::TogglePane => self.stars_pane = !self.stars_pane,
            Action::Cancel => {}
            other => return Some(other),
        }
        None
    }

    fn sync(&mut self, ctx: &Context) {
        if self.generation != ctx.generation {
            self.derive(ctx);
        }
    }

    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let [main, bottom] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(4)]).areas(area);
        let [left, right] =
            Layout::horizontal([Constraint::Length(38), Constraint::Min(1)]).areas(main);
        self.distribution(ctx, frame, left);
        if self.stars_pane {
            self.stars_by_township(ctx, frame, right);
        } else {
            progress(ctx, &self.stats, frame, right);
        }
        // Our own wrapping by display width: ratatui's lets a wide character overrun the edge.
        let lines: Vec<Line> = wrap(
            &self.stats.summary,
            usize::from(bottom.width.saturating_sub(2)),
        )
        .into_iter()
        .map(Line::raw)
        .collect();
        frame.render_widget(Paragraph::new(lines).block(boxed("汇总")), bottom);
    }
}

/// A bar of `#` for `count` out of `max` in `cells` cells.
fn bar(count: usize, max: usize, cells: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let n = (count * cells).div_ceil(max).min(cells);
    "#".repeat(n)
}

impl OverviewScreen {
    /// The star distribution, as a bar chart of `#`, and the results.
    fn distribution(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let t = &ctx.theme;
        let s = &self.stats;
        let max = s
            .stars
            .iter()
            .copied()
            .chain([s.unrated])
            .max()
            .unwrap_or(0);
        // A count takes the cells it needs; the bar gives way.
        let digits = s
            .stars
            .iter()
            .chain([&s.unrated])
            .map(|n| width(&n.to_string()))
            .max()
            .unwrap_or(1)
            .max(4);
        // One cell between a full bar and its count (12697 would run into it).
        let cells = 21usize.saturating_sub(digits);
        let mut lines = vec![Line::styled("星级分布", t.title())];
        // (No zero shown for counts still on their way.)
        let count = |n: usize| match s.pending {
            true => String::new(),
            false => n.to_string(),
        };
        let row = |label: String, n: usize, style: Style| {
            Line::from(vec![
                Span::raw(format!("{label} ")),
                Span::styled(pad(&bar(n, max, cells), cells), style),
                Span::raw(figure(&count(n), digits + 1)),
            ])
        };
        for level in (0..=5u8).rev() {
            lines.push(row(
                stars_ascii(Some(level)),
                s.stars[usize::from(level)],
                t.good(),
            ));
        }
        lines.push(row(pad("未定星", 6), s.unrated, t.dim()));
        lines.push(Line::raw(""));
        lines.push(Line::styled("考核结果", t.title()));
        // As wide as the widest count (a province's 460291), so that the rows align.
        let wide = s
            .results
            .iter()
            .map(|(_, n)| width(&n.to_string()))
            .max()
            .unwrap_or(0)
            .max(4);
        for chunk in s.results.chunks(2) {
            let cells: Vec<String> = chunk
                .iter()
                .map(|(l, n)| format!("{} {}", pad(l, 8), figure(&count(*n), wide)))
                .collect();
            lines.push(Line::raw(cells.join("    ")));
        }
        frame.render_widget(Paragraph::new(lines).block(boxed("星级与结果")), area);
    }

    /// Each township's stars this year and last year, one character per secretary,
    /// best first (`-` 未定星).
    fn stars_by_township(&self, ctx: &Context, frame: &mut Frame, area: Rect) {
        let t = &ctx.theme;
        let year = ctx.year();
        let block = boxed(format!("星级(每人一位,- 未定星):{year} | {}", year - 1));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let name_cells = name_width(area.width);
        let half = usize::from(inner.width).saturating_sub(name_cells) / 2;
        // Best first: the 5s, … the 0s, then `-` for those without stars.
        let strip = |counts: &[u32; 7]| -> String {
            let marks = (0..=5u8).rev().map(|n| char::from(b'0' + n)).chain(['-']);
            let order = [5, 4, 3, 2, 1, 0, 6];
            let s: String = order
                .iter()
                .zip(marks)
                .flat_map(|(&slot, mark)| std::iter::repeat_n(mark, counts[slot] as usize))
                .take(half)
                .collect();
            pad(&truncate(&s, half.saturating_sub(1)), half)
        };
        let all = &self.stats.by_township;
        let height = usize::from(inner.height);
        let room = if self.stats.townships > height {
            height.saturating_sub(1)
        } else {
            height
        };
        let mut lines: Vec<Line> = all
            .iter()
            .take(room)
            .map(|township| {
                Line::from(vec![
                    Span::raw(pad(
                        &truncate(&t.user(&township.name), name_cells),
                        name_cells,
                    )),
                    Span::styled(strip(&township.now), t.good()),
                    Span::styled(strip(&township.before), t.dim()),
                ])
            })
            .collect();
        if self.stats.townships > room {
            lines.push(Line::styled(
                format!("..另有 {} 个乡镇", self.stats.townships - room),
                t.dim(),
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// Cells for a township's name in the right pane: 11 in the 42 columns it has on an
/// 80-column terminal, more when it is wider.
fn name_width(pane: u16) -> usize {
    11 + usize::from(pane.saturating_sub(42)) / 4
}

/// Entry progress per township.
fn progress(ctx: &Context, stats: &Stats, frame: &mut Frame, area: Rect) {
    let statuses = &stats.statuses;
    let t = &ctx.theme;
    let inner = usize::from(area.width.saturating_sub(2));
    let name_cells = name_width(area.width) + 3;
    let mut lines = vec![Line::styled(
        format!(
            "{}{}{}",
            pad("乡镇(街道)", name_cells),
            pad_left("已完成/人数", 12),
            pad_left("流程", 10)
        ),
        t.title(),
    )];
    // The box, the heading; when not all fit, the last row says how many more.
    let rows = usize::from(area.height.saturating_sub(3));
    let room = if stats.townships > rows {
        rows.saturating_sub(1)
    } else {
        rows
    };
    for s in statuses.iter().take(room) {
        let style = if s.complete == s.people && s.people > 0 {
            t.good()
        } else {
            Style::new()
        };
        let text = format!(
            "{}{}{}",
            pad(&truncate(&t.user(&s.name), name_cells), name_cells),
            figure(&format!("{}/{}", s.complete, s.people), 12),
            pad_left(s.stage_label(), 10)
        );
        lines.push(Line::styled(truncate(&text, inner), style));
    }
    if stats.townships > room {
        lines.push(Line::styled(
            format!("..另有 {} 个乡镇", stats.townships - room),
            t.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).block(boxed("录入进度")), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Service;

    #[test]
    fn a_count_is_never_cut() {
        let service = Service::in_memory(crate::scoring::DEFAULT_SCHEME, "t").unwrap();
        let ctx = Context::new(service, 2025, crate::tui::Theme::plain()).unwrap();
        let mut screen = OverviewScreen::new(&ctx);
        // A province: 12,345 secretaries at 3 stars.
        screen.stats.stars[3] = 12_345;
        screen.stats.results = vec![("合格", 123_456)];
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 22)).unwrap();
        terminal.draw(|f| screen.view(&ctx, f, f.area())).unwrap();
        let shown: String = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(shown.contains("12345"), "{shown}");
        assert!(shown.contains("123456"), "{shown}");
        assert!(!shown.contains("12.."));
    }
}
