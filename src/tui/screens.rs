//! Views of the district's screens: the township grid, the year workflow, the audit
//! log, rectifications, the promotion pool, popups, and the overview's star chart.
//! Views only read the state.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::view::{boxed, centered, clear, editor_popup, tail};
use super::year::{GRID_FROZEN, Popup, grid_columns, grid_room};
use crate::domain::Stage;
use crate::domain::stars_ascii;
use crate::service::workflow::publicity_end;
use crate::text::{pad, pad_left, truncate, width, wrap};

/// The township grid: name, total and stars frozen on the left, the form's fields
/// scrolling to the right, only the visible rows and columns built.
pub fn grid(app: &App, frame: &mut Frame, area: Rect) {
    let g = &app.grid;
    let t = &app.theme;
    let scheme = &app.book.scheme;
    let township = app
        .book
        .district
        .township(g.township)
        .map_or("", |t| t.name.as_str());
    let stage = app.book.record.stage(g.township);
    let title = format!(
        "{township} | {} | {} 人 | [ ] 换乡镇",
        stage.label(),
        g.rows.len()
    );
    let block = boxed(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let columns = grid_columns(scheme);
    let room = grid_room(area.width);
    let mut shown = Vec::new();
    let mut used = 0;
    for (i, (field, header, w)) in columns.iter().enumerate().skip(g.col_offset) {
        if used + w + 1 > room {
            break;
        }
        used += w + 1;
        shown.push((i, *field, header.as_str(), *w));
    }
    let focus = app.form.field;
    let more_left = if g.col_offset > 0 { "<" } else { " " };
    let more_right = if shown.last().is_some_and(|(i, ..)| *i + 1 < columns.len()) {
        ">"
    } else {
        " "
    };
    let mut header = vec![Span::styled(
        format!(
            "{}{} {} {}",
            more_left,
            pad("姓名", 15),
            pad_left("总分", 6),
            pad("星级", 6)
        ),
        t.title(),
    )];
    for (i, _, h, w) in &shown {
        let style = if *i == focus {
            t.title().add_modifier(Modifier::REVERSED)
        } else {
            t.title()
        };
        header.push(Span::raw(" "));
        header.push(Span::styled(pad(h, *w), style));
    }
    header.push(Span::styled(more_right, t.title()));
    let mut lines = vec![Line::from(header)];
    let rows = usize::from(inner.height).saturating_sub(1);
    let mut cursor = None;
    for (r, &id) in g.rows.iter().enumerate().skip(g.row_offset).take(rows) {
        let selected = r == g.row;
        let name = t.user(&app.book.name_of(id)).into_owned();
        let entry = app.book.entry(id);
        let (total, stars) = match entry.and_then(|e| e.rating.evaluation.figures().map(|f| (f, e)))
        {
            Some((f, e)) => (
                format!("{:.2}", f.total),
                stars_ascii(e.rating.stars).replace(' ', ""),
            ),
            None if entry.is_some() => (String::new(), "未完成".into()),
            None => (String::new(), "未录入".into()),
        };
        let marker = if selected { ">" } else { " " };
        let row_style = if selected {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        let mut spans = vec![Span::styled(
            format!(
                "{marker}{} {} {}",
                pad(&name, 15),
                pad_left(&total, 6),
                pad(&stars, 6)
            ),
            row_style,
        )];
        let assessment = entry.map(|e| e.assessment.clone()).unwrap_or_default();
        let mut x = inner.x + GRID_FROZEN as u16;
        for (i, field, _, w) in &shown {
            let editing = selected && *i == focus && app.form.edit.is_some();
            let value = if editing {
                let typed = app.form.edit.clone().unwrap_or_default();
                match field.preview(&typed) {
                    Some(word) => format!("{typed} {word}"),
                    None => typed,
                }
            } else {
                field.value(scheme, &assessment)
            };
            let value = t.user(&value).into_owned();
            let cell = truncate(&value, *w);
            let style = if selected && *i == focus {
                if app.form.error.is_some() {
                    t.error().add_modifier(Modifier::REVERSED)
                } else {
                    t.selected()
                }
            } else {
                Style::new()
            };
            spans.push(Span::raw(" "));
            let right = field.kind() != super::form::Kind::Text;
            if selected && *i == focus {
                // At the end of the text: right-aligned cells end at the cell's edge.
                let end = if right { *w } else { width(&cell).min(*w) };
                cursor = Some(Position::new(
                    x + 1 + end as u16,
                    inner.y + 1 + (r - g.row_offset) as u16,
                ));
            }
            spans.push(Span::styled(
                if right {
                    pad_left(&cell, *w)
                } else {
                    pad(&cell, *w)
                },
                style,
            ));
            x += *w as u16 + 1;
        }
        lines.push(Line::from(spans));
    }
    if g.rows.is_empty() {
        lines.push(Line::styled("这个乡镇没有需要考核的书记", t.dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(c) = cursor
        && app.search.is_none()
        && app.popup.is_none()
    {
        frame.set_cursor_position(Position::new(c.x.min(inner.right().saturating_sub(1)), c.y));
    }
}

pub fn workflow(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let book = &app.book;
    let block = boxed(format!(
        "{} 年度流程:录入 -> 已提交 -> 公示 -> 已审定",
        app.year()
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let status = &app.statuses;
    let visible = app.visible_townships();
    let mut lines = vec![Line::styled(
        format!(
            "{}{}{}  {}",
            pad(" 乡镇(街道)", 12),
            pad_left("完成", 8),
            pad_left("阶段", 8),
            "公示 / 审定 / 异议"
        ),
        t.title(),
    )];
    for (i, s) in status
        .iter()
        .filter(|s| visible.contains(&s.township))
        .enumerate()
    {
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
        let selected = i == app.pick.selected;
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
            pad_left(s.stage.label(), 8)
        );
        lines.push(Line::styled(truncate(&text, inner.width.into()), style));
    }
    // The selected township's objections.
    if let Some(s) = status
        .iter()
        .filter(|s| visible.contains(&s.township))
        .nth(app.pick.selected)
    {
        let objections = book.record.township(s.township).objections;
        if !objections.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled(format!("{} 的异议", s.name), t.title()));
            for o in objections.iter().rev() {
                let state = o
                    .resolution
                    .as_deref()
                    .map_or("未处理".to_string(), |r| format!("已处理:{r}"));
                let text = format!(
                    " {} {}:{} [{state}]",
                    o.raised_on,
                    book.name_of(o.secretary),
                    o.text
                );
                let style = if o.resolution.is_none() {
                    t.warn()
                } else {
                    t.dim()
                };
                lines.push(Line::styled(
                    truncate(&t.user(&text), inner.width.into()),
                    style,
                ));
            }
        }
        if let (Stage::Publicity, Some((from, days))) =
            (s.stage, book.record.township(s.township).publicity)
        {
            let end = publicity_end(from, days);
            let left = if app.today > end {
                "公示期已满,可审定".to_string()
            } else {
                format!("公示至 {end},期满后可审定")
            };
            lines.push(Line::styled(left, t.dim()));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn audit(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let a = &app.audit;
    let township = a
        .township
        .and_then(|id| app.book.district.township(id))
        .map_or("全部乡镇", |t| t.name.as_str());
    let years = if a.all_years {
        "全部年度".to_string()
    } else {
        format!("{} 年度", app.year())
    };
    let block = boxed(format!(
        "审计日志 | {years} | {township} | {} 条",
        a.rows.len()
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    let rows = usize::from(inner.height);
    let zone = jiff::tz::TimeZone::system();
    for (i, &index) in a.rows.iter().enumerate().skip(a.pick.offset).take(rows) {
        let e = &a.entries[index];
        let at =
            e.at.to_zoned_datetime(zone.clone())
                .strftime("%m-%d %H:%M")
                .to_string();
        let marker = if i == a.pick.selected { ">" } else { " " };
        let text = format!("{marker}{at} {} {}", pad(&e.user, 8), e.line());
        let style = if i == a.pick.selected {
            t.selected()
        } else {
            Style::new()
        };
        lines.push(Line::styled(
            truncate(&t.user(&text.replace('\n', " ")), inner.width.into()),
            style,
        ));
    }
    if a.rows.is_empty() {
        lines.push(Line::styled("没有记录(按 y 查看全部年度)", t.dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn rectify(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let rows = app.rectification_rows();
    let today = app.today;
    let overdue = rows
        .iter()
        .filter(|(_, _, r)| r.status(today) == crate::domain::RectifyStatus::Overdue)
        .count();
    let block = boxed(format!("整改跟踪 | {} 项,逾期 {overdue} 项", rows.len()));
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
    for (i, (year, s, r)) in rows.iter().enumerate().skip(app.pick.offset).take(room) {
        let (tw, v) = app
            .book
            .district
            .place(*s)
            .map(|(a, b)| (a.name.clone(), b.name.clone()))
            .unwrap_or_default();
        let status = r.status(today);
        let text = format!(
            "{}{} {} {} {} {} {} {}",
            if i == app.pick.selected { ">" } else { " " },
            pad(&year.to_string(), 4),
            pad(&t.user(&tw), 10),
            pad(&t.user(&v), 10),
            pad(&t.user(&app.book.name_of(*s)), 15),
            pad(r.consequence.label(), 8),
            r.deadline,
            status.label()
        );
        let style = if i == app.pick.selected {
            t.selected()
        } else if status == crate::domain::RectifyStatus::Overdue {
            t.error()
        } else {
            Style::new()
        };
        lines.push(Line::styled(truncate(&text, inner.width.into()), style));
    }
    if rows.is_empty() {
        lines.push(Line::styled(
            "没有整改记录:年度审定后,诫勉整改和建议调整的书记在这里跟踪。",
            t.dim(),
        ));
    } else if let Some((_, _, r)) = rows.get(app.pick.selected) {
        lines.push(Line::raw(""));
        lines.push(Line::styled("整改措施(Enter 编辑):", t.title()));
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
    if let Some((year, s, editor)) = &app.measures {
        let title = format!(
            "{year} 年度 {} 整改措施(Ctrl-S 保存,Esc 保存并离开)",
            app.book.name_of(*s)
        );
        editor_popup(frame, centered(area, 64, 12), title, editor);
    }
}

pub fn pool(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let rows = app.pool_rows();
    let block = boxed(format!(
        "{} 年度优先选拔(4星及以上)| {} 人 | x 导出Excel",
        app.year(),
        rows.len()
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
    for (i, &s) in rows.iter().enumerate().skip(app.pick.offset).take(room) {
        let (tw, v) = app
            .book
            .district
            .place(s)
            .map(|(a, b)| (a.name.clone(), b.name.clone()))
            .unwrap_or_default();
        let e = app.book.entry(s);
        let total = e
            .and_then(|e| e.rating.evaluation.figures())
            .map_or(String::new(), |f| format!("{:.2}", f.total));
        let stars = e.map_or(String::new(), |e| stars_ascii(e.rating.stars));
        let text = format!(
            "{}{} {} {} {} {stars}",
            if i == app.pick.selected { ">" } else { " " },
            pad(&t.user(&tw), 10),
            pad(&t.user(&v), 12),
            pad(&t.user(&app.book.name_of(s)), 15),
            pad_left(&total, 6)
        );
        let style = if i == app.pick.selected {
            t.selected()
        } else {
            Style::new()
        };
        lines.push(Line::styled(truncate(&text, inner.width.into()), style));
    }
    if rows.is_empty() {
        lines.push(Line::styled("本年度没有 4 星及以上的书记", t.dim()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The overview's other right pane: each township's stars this year and last year,
/// one character per secretary, best first (`-` 未定星).
pub fn stars_by_township(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let book = &app.book;
    let last = app
        .history
        .iter()
        .find(|(y, _)| *y == book.year - 1)
        .map(|(_, r)| r);
    let block = boxed(format!(
        "星级(每人一位,- 未定星):{} | {}",
        book.year,
        book.year - 1
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let half = usize::from(inner.width).saturating_sub(11) / 2;
    let strip = |mut stars: Vec<Option<u8>>| -> String {
        stars.sort_by(|a, b| b.cmp(a));
        let s: String = stars
            .iter()
            .map(|s| s.map_or('-', |n| char::from(b'0' + n)))
            .collect();
        pad(&truncate(&s, half.saturating_sub(1)), half)
    };
    let mut lines = Vec::new();
    for id in app
        .visible_townships()
        .into_iter()
        .take(usize::from(inner.height))
    {
        let name = book
            .district
            .township(id)
            .map_or(String::new(), |t| t.name.clone());
        let now: Vec<Option<u8>> = book
            .entries
            .iter()
            .filter(|e| {
                book.township_of(e.secretary) == Some(id) && e.rating.evaluation.figures().is_some()
            })
            .map(|e| e.rating.stars)
            .collect();
        let before: Vec<Option<u8>> = last
            .map(|r| {
                r.iter()
                    .filter(|(s, r)| {
                        book.township_of(**s) == Some(id) && r.evaluation.figures().is_some()
                    })
                    .map(|(_, r)| r.stars)
                    .collect()
            })
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::raw(pad(&t.user(&name), 11)),
            Span::styled(strip(now), t.good()),
            Span::styled(strip(before), t.dim()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A confirmation or a one-line prompt over the screen.
pub fn popup(app: &App, frame: &mut Frame, area: Rect) {
    let Some(p) = &app.popup else { return };
    let t = &app.theme;
    let rect = centered(area, 60, 5);
    clear(frame, rect);
    match p {
        Popup::Confirm { question, .. } => {
            let block = boxed("确认");
            let inner = block.inner(rect);
            frame.render_widget(block, rect);
            let mut lines: Vec<Line> = wrap(question, inner.width.into())
                .into_iter()
                .map(Line::raw)
                .collect();
            lines.push(Line::styled("y 是    n 否", t.key()));
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Popup::Prompt { title, input, .. } => {
            let block = boxed(title);
            let inner = block.inner(rect);
            frame.render_widget(block, rect);
            let shown = t.user(input);
            let room = usize::from(inner.width).saturating_sub(3);
            // Show the end of a long text: that is where typing happens.
            let tail = tail(&shown, room);
            let line = format!("> {tail}");
            frame.render_widget(
                Paragraph::new(vec![
                    Line::raw(line.clone()),
                    Line::styled("Enter 确定  Esc 取消", t.dim()),
                ]),
                inner,
            );
            frame.set_cursor_position(Position::new(inner.x + width(&line) as u16, inner.y));
        }
    }
}
