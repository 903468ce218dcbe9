//! Drawing. Views only read the state (docs/architecture.md): no I/O, no validation, no scoring.
//! Everything is laid out by display width with ASCII-only glyphs (docs/architecture.md, "Chinese text").

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::app::{App, Screen};
use super::form::Field;
use super::keymap::{Mode, global, help_entries, key_label, merged, table};
use super::screens;
use super::theme::WIDE_FILLER;
use crate::domain::Stage;
use crate::domain::{Outcome, stars_ascii};
use crate::scoring::{Evaluation, explain};
use crate::text::{pad, pad_left, truncate, width, wrap};

pub const MIN_SIZE: (u16, u16) = (80, 24);

/// ASCII borders: `+ - |` (box-drawing characters are ambiguous-width).
const ASCII: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

pub(super) fn boxed(title: impl std::fmt::Display) -> Block<'static> {
    Block::bordered()
        .border_set(ASCII)
        .title(format!(" {title} "))
}

pub fn view(app: &App, frame: &mut Frame) {
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
    title_bar(app, frame, top);
    match app.screen {
        Screen::Overview => overview(app, frame, body),
        Screen::List => list(app, frame, body),
        Screen::Secretary => secretary(app, frame, body),
        Screen::Help => help(app, frame, body),
        Screen::Grid => screens::grid(app, frame, body),
        Screen::Workflow => screens::workflow(app, frame, body),
        Screen::Audit => screens::audit(app, frame, body),
        Screen::Rectify => screens::rectify(app, frame, body),
        Screen::Pool => screens::pool(app, frame, body),
    }
    if app.search.is_some() {
        search_popup(app, frame, body);
    }
    screens::popup(app, frame, body);
    status_line(app, frame, status);
    hint_bar(app, frame, hints);
    if app.theme.wide_ambiguous {
        reserve_wide_cells(frame);
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

fn title_bar(app: &App, frame: &mut Frame, area: Rect) {
    let screen = match app.screen {
        Screen::Overview => "总览",
        Screen::List => "书记名单",
        Screen::Secretary => "书记",
        Screen::Help => "帮助",
        Screen::Grid => "表格录入",
        Screen::Workflow => "年度流程",
        Screen::Audit => "审计日志",
        Screen::Rectify => "整改",
        Screen::Pool => "优先选拔",
    };
    let left = format!(" xingji 星级 | {} 年度 | {screen}", app.year());
    let right = format!("{} ", app.service.actor().name);
    let fill = usize::from(area.width).saturating_sub(width(&left) + width(&right));
    let line = format!("{left}{}{right}", " ".repeat(fill));
    frame.render_widget(
        Paragraph::new(truncate(&line, area.width.into())).style(app.theme.selected()),
        area,
    );
}

fn status_line(app: &App, frame: &mut Frame, area: Rect) {
    let Some(s) = &app.status else { return };
    let style = if s.error {
        app.theme.error()
    } else {
        app.theme.good()
    };
    frame.render_widget(
        Paragraph::new(truncate(&app.theme.user(&s.text), area.width.into())).style(style),
        area,
    );
}

/// The bottom hint bar, drawn from the mode's key table; what does not fit is left out.
fn hint_bar(app: &App, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    let mut used = 0;
    for b in table(app.mode())
        .iter()
        .filter(|b| b.hint && !b.label.is_empty())
    {
        let key = key_label(b);
        let w = width(&key) + 1 + width(b.label) + 2;
        if used + w > usize::from(area.width) {
            break;
        }
        spans.push(Span::styled(key, app.theme.key()));
        spans.push(Span::raw(format!(" {}  ", b.label)));
        used += w;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn bar(count: usize, max: usize, cells: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let n = (count * cells).div_ceil(max).min(cells);
    "#".repeat(n)
}

fn overview(app: &App, frame: &mut Frame, area: Rect) {
    let book = &app.book;
    let [main, bottom] = Layout::vertical([Constraint::Min(1), Constraint::Length(4)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Length(38), Constraint::Min(1)]).areas(main);

    // Star distribution, as a bar chart of '#'.
    let mut counts = [0usize; 6];
    let (mut unrated, mut incomplete) = (0, 0);
    let entries = app.visible_entries();
    for e in &entries {
        match (&e.rating.evaluation, e.rating.stars) {
            (Evaluation::Incomplete(_), _) => incomplete += 1,
            (_, Some(s)) => counts[usize::from(s)] += 1,
            (_, None) => unrated += 1,
        }
    }
    let not_entered = app
        .people
        .iter()
        .filter(|id| book.entry(**id).is_none())
        .count();
    let max = counts.iter().copied().chain([unrated]).max().unwrap_or(0);
    let mut lines = vec![Line::styled("星级分布", app.theme.title())];
    for s in (0..=5u8).rev() {
        let c = counts[usize::from(s)];
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", stars_ascii(Some(s)))),
            Span::styled(pad(&bar(c, max, 18), 18), app.theme.good()),
            Span::raw(pad_left(&c.to_string(), 4)),
        ]));
    }
    lines.push(Line::from(vec![
        Span::raw(format!("{} ", pad("未定星", 7))),
        Span::styled(pad(&bar(unrated, max, 18), 18), app.theme.dim()),
        Span::raw(pad_left(&unrated.to_string(), 4)),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled("考核结果", app.theme.title()));
    let mut results: Vec<(String, usize)> = Outcome::ALL
        .iter()
        .map(|o| {
            let n = entries
                .iter()
                .filter(|e| {
                    e.rating
                        .evaluation
                        .figures()
                        .is_some_and(|f| f.outcome == *o)
                })
                .count();
            (o.label().to_string(), n)
        })
        .collect();
    results.push(("未完成".to_string(), incomplete));
    results.push(("未录入".to_string(), not_entered));
    for chunk in results.chunks(2) {
        let cells: Vec<String> = chunk
            .iter()
            .map(|(l, n)| format!("{} {}", pad(l, 8), pad_left(&n.to_string(), 4)))
            .collect();
        lines.push(Line::raw(cells.join("    ")));
    }
    frame.render_widget(Paragraph::new(lines).block(boxed("星级与结果")), left);

    if app.overview_stars {
        screens::stars_by_township(app, frame, right);
    } else {
        progress(app, frame, right);
    }

    let summary = if entries.is_empty() {
        format!(
            "{} 年度还没有考核数据。按 l 打开名单,Enter 录入。",
            book.year
        )
    } else if app.service.actor().is_district() {
        book.summary()
    } else {
        crate::service::summary_of(entries.iter().copied())
    };
    let today = app.today;
    let overdue = app
        .rectification_rows()
        .iter()
        .filter(|(_, _, r)| r.status(today) == crate::domain::RectifyStatus::Overdue)
        .count();
    let summary = if overdue > 0 {
        format!("{summary}。整改逾期 {overdue} 项(按 r 查看)")
    } else {
        summary
    };
    // Our own wrapping by display width: ratatui's lets a wide character overrun the edge.
    let lines: Vec<Line> = wrap(&summary, usize::from(bottom.width.saturating_sub(2)))
        .into_iter()
        .map(Line::raw)
        .collect();
    frame.render_widget(Paragraph::new(lines).block(boxed("汇总")), bottom);
}

/// Entry progress per township.
fn progress(app: &App, frame: &mut Frame, right: Rect) {
    let inner = usize::from(right.width.saturating_sub(2));
    let mut lines = vec![Line::styled(
        format!(
            "{}{}{}",
            pad("乡镇(街道)", 14),
            pad_left("已完成/人数", 12),
            pad_left("流程", 8)
        ),
        app.theme.title(),
    )];
    let room = usize::from(right.height.saturating_sub(3));
    for s in app.statuses.iter().take(room) {
        let style = if s.complete == s.people && s.people > 0 {
            app.theme.good()
        } else {
            Style::new()
        };
        let text = format!(
            "{}{}{}",
            pad(&app.theme.user(&s.name), 14),
            pad_left(&format!("{}/{}", s.complete, s.people), 12),
            pad_left(s.stage.label(), 8)
        );
        lines.push(Line::styled(truncate(&text, inner), style));
    }
    if app.statuses.len() > room {
        lines.push(Line::styled(
            format!("..另有 {} 个乡镇", app.statuses.len() - room),
            app.theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).block(boxed("录入进度")), right);
}

/// The list's columns: (heading, width in cells, right-aligned).
const LIST_COLUMNS: [(&str, usize, bool); 9] = [
    ("乡镇", 8, false),
    ("村(社区)", 10, false),
    ("姓名", 15, false),
    ("总分", 6, true),
    ("结果", 8, false),
    ("星级", 6, false),
    ("变化", 4, false),
    ("状态", 6, false),
    ("处理意见", 8, false),
];

fn cells_line(cells: &[String], columns: &[(&str, usize, bool)]) -> String {
    cells
        .iter()
        .zip(columns)
        .map(|(c, (_, w, right))| if *right { pad_left(c, *w) } else { pad(c, *w) })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The cells of one secretary in the list.
pub fn list_cells(app: &App, id: u32) -> Vec<String> {
    let book = &app.book;
    let t = &app.theme;
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
    match book.entry(id) {
        None => cells.extend([
            "".into(),
            "".into(),
            "".into(),
            "".into(),
            "未录入".into(),
            "".into(),
        ]),
        Some(e) => match e.rating.evaluation.figures() {
            None => cells.extend([
                "".into(),
                "".into(),
                "".into(),
                "".into(),
                "未完成".into(),
                "".into(),
            ]),
            Some(f) => cells.extend([
                format!("{:.2}", f.total),
                f.outcome.label().to_string(),
                stars_ascii(e.rating.stars).replace(' ', ""),
                e.rating.change.map(|c| c.label()).unwrap_or_default(),
                match app.stage_of(id) {
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

fn list(app: &App, frame: &mut Frame, area: Rect) {
    let l = &app.list;
    let filter = l
        .township
        .and_then(|t| app.book.district.township(t))
        .map_or("全部乡镇".to_string(), |t| t.name.clone());
    let title = format!("{filter} | 按{} | {} 人", l.sort.label(), l.rows.len());
    // No side borders: the table needs all 80 columns.
    let block = Block::new()
        .borders(ratatui::widgets::Borders::TOP)
        .border_set(ASCII)
        .title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let headings: Vec<String> = LIST_COLUMNS.iter().map(|(h, _, _)| h.to_string()).collect();
    // A leading space stands over the rows' selection marker.
    let mut lines = vec![Line::styled(
        format!(" {}", cells_line(&headings, &LIST_COLUMNS)),
        app.theme.title(),
    )];
    let rows = usize::from(inner.height.saturating_sub(1));
    // Only the visible window is built.
    for (i, &id) in l.rows.iter().enumerate().skip(l.offset).take(rows) {
        let text = cells_line(&list_cells(app, id), &LIST_COLUMNS);
        let selected = i == l.selected;
        let marker = if selected { ">" } else { " " };
        let style = if selected {
            app.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::styled(
            truncate(&format!("{marker}{text}"), inner.width.into()),
            style,
        ));
    }
    if l.rows.is_empty() {
        lines.push(Line::styled(
            "没有书记。请先导入名册:xingji import roster 名册.csv",
            app.theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn secretary(app: &App, frame: &mut Frame, area: Rect) {
    let id = app.form.secretary;
    let book = &app.book;
    let t = &app.theme;
    let Some(s) = book.district.secretary(id) else {
        frame.render_widget(Paragraph::new("找不到这位书记"), area);
        return;
    };
    let (township, village) = book
        .district
        .place(id)
        .map(|(a, b)| (a.name.as_str(), b.name.as_str()))
        .unwrap_or_default();
    let [head, main] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);

    // Profile and star history.
    let mut profile = vec![Span::styled(t.user(&s.name).into_owned(), t.title())];
    profile.push(Span::raw(format!(
        "  {} {}",
        t.user(township),
        t.user(village)
    )));
    if let Some(g) = s.gender {
        profile.push(Span::raw(format!("  {}", g.label())));
    }
    if let Some(b) = s.born {
        profile.push(Span::raw(format!("  {b} 生")));
    }
    profile.push(Span::raw(format!("  任职 {}", s.took_office)));
    if let Some(left) = s.left_office {
        profile.push(Span::raw(format!(" 至 {left}")));
    }
    let mut history = vec![Span::styled("星级历史 ", t.dim())];
    let mut years: Vec<(i16, &crate::scoring::Rating)> = app
        .history
        .iter()
        .filter_map(|(y, ratings)| ratings.get(&id).map(|r| (*y, r)))
        .collect();
    if let Some(e) = book.entry(id) {
        years.push((book.year, &e.rating));
    }
    years.sort_by_key(|(y, _)| *y);
    if years.is_empty() {
        history.push(Span::raw("无"));
    }
    for (y, r) in years {
        let shown = match r.evaluation.figures() {
            Some(_) => stars_ascii(r.stars),
            None => "未完成".to_string(),
        };
        history.push(Span::raw(format!("{y}: {shown}   ")));
    }
    // The profile is cut with `..` at the screen's edge, the name kept whole.
    let name = profile.remove(0);
    let rest: String = profile.iter().map(|s| s.content.as_ref()).collect();
    let room = usize::from(head.width).saturating_sub(width(&name.content));
    let profile = Line::from(vec![name, Span::raw(truncate(&rest, room))]);
    frame.render_widget(Paragraph::new(vec![profile, Line::from(history)]), head);

    let [form_area, result_area] =
        Layout::horizontal([Constraint::Length(40), Constraint::Min(1)]).areas(main);
    form(app, frame, form_area);
    result(app, frame, result_area);
    if let Some(editor) = &app.form.notes {
        let popup = centered(result_area.union(form_area), 60, 10);
        editor_popup(frame, popup, "备注(Ctrl-S 保存,Esc 保存并离开)", editor);
    }
}

/// A multi-line editor in a popup, the terminal cursor at its text cursor (for the IME).
pub(super) fn editor_popup(
    frame: &mut Frame,
    popup: Rect,
    title: impl std::fmt::Display,
    editor: &ratatui_textarea::TextArea<'_>,
) {
    clear(frame, popup);
    let block = boxed(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(editor, inner);
    let c = editor.screen_cursor();
    let (top, left) = editor.scroll_offset();
    let x = inner.x + (c.col as u16).saturating_sub(left);
    let y = inner.y + (c.row as u16).saturating_sub(top);
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        y.min(inner.bottom().saturating_sub(1)),
    ));
}

fn form(app: &App, frame: &mut Frame, area: Rect) {
    let stage = app.stage_of(app.form.secretary);
    let title = if stage == Stage::Approved {
        "考核表(已审定,只读)".to_string()
    } else {
        format!("{} 年度考核表", app.year())
    };
    let block = boxed(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let scheme = &app.book.scheme;
    let assessment = app.assessment(app.form.secretary);
    let fields = app.fields();
    let rows = usize::from(inner.height);
    let focus = app.form.field.min(fields.len() - 1);
    let offset = focus
        .saturating_sub(rows.saturating_sub(2))
        .min(fields.len().saturating_sub(rows));
    const LABEL: usize = 18;
    let value_width = usize::from(inner.width).saturating_sub(LABEL + 1);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in fields.iter().enumerate().skip(offset).take(rows) {
        let focused = i == focus;
        let editing = focused && app.form.edit.is_some();
        let raw = if editing {
            app.form.edit.clone().unwrap_or_default()
        } else if *field == Field::Notes {
            let mut lines = assessment.notes.lines();
            let first = lines.next().unwrap_or("").to_string();
            // More lines than the first: say so.
            if lines.next().is_some() {
                format!("{first} ..")
            } else {
                first
            }
        } else {
            field.value(scheme, &assessment)
        };
        let mut value = app.theme.user(&raw).into_owned();
        if editing && let Some(word) = field.preview(&raw) {
            value = format!("{raw} {word}");
        }
        // While typing, the end of a long text is what matters: show it, with `..` before.
        let room = value_width.saturating_sub(1);
        let shown = if editing && width(&value) > room {
            format!("..{}", tail(&value, room.saturating_sub(2)))
        } else {
            truncate(&value, room)
        };
        let marker = if focused { ">" } else { " " };
        let label = format!("{marker}{}", pad(&field.label(scheme), LABEL - 1));
        let value_style = if focused && app.form.error.is_some() {
            app.theme.error().add_modifier(Modifier::REVERSED)
        } else if focused {
            app.theme.selected()
        } else {
            Style::new()
        };
        if focused {
            let x = inner.x + (LABEL + 1 + width(&shown)) as u16;
            cursor = Some(Position::new(
                x.min(inner.right().saturating_sub(1)),
                inner.y + (i - offset) as u16,
            ));
        }
        lines.push(Line::from(vec![
            Span::styled(
                label,
                if focused {
                    app.theme.key()
                } else {
                    Style::new()
                },
            ),
            Span::raw(" "),
            Span::styled(
                pad(&shown, value_width.min(12).max(width(&shown))),
                value_style,
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    // The real terminal cursor sits at the text cursor, so the client's IME window follows.
    if let Some(position) = cursor
        && app.search.is_none()
        && app.form.notes.is_none()
    {
        frame.set_cursor_position(position);
    }
}

fn result(app: &App, frame: &mut Frame, area: Rect) {
    let block = boxed("评定结果");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let t = &app.theme;
    let book = &app.book;
    let id = app.form.secretary;
    let Some(entry) = book.entry(id) else {
        frame.render_widget(
            Paragraph::new("尚未录入。输入分数后按 Enter 保存。").style(t.dim()),
            inner,
        );
        return;
    };
    let r = &entry.rating;
    let mut lines = Vec::new();
    match r.evaluation.figures() {
        None => lines.push(Line::styled(
            "未完成",
            t.warn().add_modifier(Modifier::BOLD),
        )),
        Some(f) => {
            let stars = stars_ascii(r.stars);
            let outcome_style = if f.outcome == Outcome::Fail {
                t.error()
            } else {
                t.good()
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("总分 {:.2}", f.total),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw("  "),
                Span::styled(f.outcome.label(), outcome_style),
                Span::raw("  "),
                Span::styled(stars, t.title()),
            ]));
            let pay = r
                .pay
                .map_or(String::new(), |p| format!("报酬 {} 元", p.normalize()));
            let consequence = r.consequence.map_or("无", |c| c.label());
            lines.push(Line::raw(format!("{pay}  处理意见 {consequence}")));
        }
    }
    const LABEL: usize = 9;
    let room = usize::from(inner.width).saturating_sub(LABEL);
    for l in explain(&book.scheme, &entry.assessment, r, book.rated_count()) {
        for (i, part) in wrap(&t.user(&l.detail), room).into_iter().enumerate() {
            let label = if i == 0 {
                pad(l.label, LABEL)
            } else {
                " ".repeat(LABEL)
            };
            lines.push(Line::from(vec![
                Span::styled(label, t.dim()),
                Span::raw(part),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn help(app: &App, frame: &mut Frame, area: Rect) {
    let sections = [
        (None, "所有页面(文字输入框外)"),
        (Some(Mode::Overview), "总览"),
        (Some(Mode::List), "名单"),
        (
            Some(Mode::Field),
            "书记页面:分数、票数、组织评价(1 好 2 较好 3 一般 4 差)",
        ),
        (
            Some(Mode::TextField),
            "书记页面:事由(文字;其中字母都是文字)",
        ),
        (Some(Mode::Notes), "备注编辑"),
        (
            Some(Mode::Search),
            "搜索(姓名、村、乡镇、全拼或首字母,如 zs 找张三)",
        ),
        (Some(Mode::Grid), "乡镇表格录入(g):数字列"),
        (
            Some(Mode::GridText),
            "乡镇表格录入:事由列(其中字母都是文字)",
        ),
        (Some(Mode::Workflow), "年度流程(w)"),
        (Some(Mode::Rectify), "整改(r)"),
        (Some(Mode::Pool), "优先选拔(p)"),
        (Some(Mode::Audit), "审计日志(h)"),
        (Some(Mode::Prompt), "输入框"),
        (Some(Mode::Confirm), "确认框"),
        (Some(Mode::Help), "帮助"),
    ];
    let mut lines = Vec::new();
    for (mode, title) in sections {
        lines.push(Line::styled(title, app.theme.title()));
        let entries = match mode {
            Some(m) => help_entries(m),
            None => merged(global()),
        };
        let row: Vec<String> = entries
            .iter()
            .map(|(k, l)| format!("{} {}", pad(k, 11), pad(l, 13)))
            .collect();
        for chunk in row.chunks(3) {
            lines.push(Line::raw(format!("  {}", chunk.join(" "))));
        }
    }
    let block = boxed("按键说明(Up/Down 滚动)");
    let inner = block.inner(area);
    let max = lines.len().saturating_sub(usize::from(inner.height));
    let offset = app.help_offset.min(max) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((offset, 0)).block(block), area);
}

/// Clear the area of a popup. A wide character just left of it, whose right half the
/// popup covers, becomes a space: otherwise ratatui, which skips the cell after a wide
/// character, would never draw the popup's left border.
pub(super) fn clear(frame: &mut Frame, rect: Rect) {
    frame.render_widget(Clear, rect);
    if rect.x == 0 {
        return;
    }
    let buffer = frame.buffer_mut();
    for y in rect.top()..rect.bottom() {
        let cell = &mut buffer[(rect.x - 1, y)];
        if width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// The last characters of `text` that fit in `cells` cells.
pub(super) fn tail(text: &str, cells: usize) -> String {
    let mut used = 0;
    let mut kept: Vec<char> = text
        .chars()
        .rev()
        .take_while(|c| {
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            used <= cells
        })
        .collect();
    kept.reverse();
    kept.into_iter().collect()
}

pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn search_popup(app: &App, frame: &mut Frame, area: Rect) {
    let Some(s) = &app.search else { return };
    let popup = centered(area, 64, 14);
    clear(frame, popup);
    let block = boxed("搜索:姓名 / 村 / 乡镇 / 拼音 / 首字母");
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let t = &app.theme;
    let prompt = format!("/ {}", t.user(&s.query));
    let mut lines = vec![Line::raw(prompt.clone())];
    let room = usize::from(inner.height.saturating_sub(1));
    let first = s.selected.saturating_sub(room.saturating_sub(1));
    for (i, &id) in s.hits.iter().enumerate().skip(first).take(room) {
        let name = app
            .book
            .district
            .secretary(id)
            .map_or(String::new(), |x| t.user(&x.name).into_owned());
        let (tw, v) = app
            .book
            .district
            .place(id)
            .map(|(a, b)| (t.user(&a.name).into_owned(), t.user(&b.name).into_owned()))
            .unwrap_or_default();
        let text = format!(
            "{}{} {} {}",
            if i == s.selected { ">" } else { " " },
            pad(&name, 16),
            pad(&v, 14),
            pad(&tw, 12)
        );
        let style = if i == s.selected {
            t.selected()
        } else {
            Style::new()
        };
        lines.push(Line::styled(truncate(&text, inner.width.into()), style));
    }
    if s.hits.is_empty() && !s.query.is_empty() {
        lines.push(Line::styled("没有匹配", t.dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x + width(&prompt) as u16;
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}
