//! `update` tests on actions, widget tests against exact buffers, snapshots of every
//! screen at 80×24 and one narrow size, and a whole session through `run_loop`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use super::app::App;
use super::keys::Action;
use super::popups::Popup;
use super::screens::ScreenId;
use super::{Theme, run_loop};
use crate::domain::Assessment;
use crate::domain::Grade;
use crate::exchange::parse_csv;
use crate::service::{AuditFilter, Service};
use crate::text::width;

const PLAIN: Theme = Theme {
    color: false,
    wide_ambiguous: false,
};

/// What is stored for a secretary of 2025, read back through the service.
fn stored(app: &App, name: &str) -> Assessment {
    stored_by_id(app, app.ctx.book.district.secretary_by_name(name))
}

fn stored_by_id(app: &App, id: u32) -> Assessment {
    let book = app.ctx.service.book(2025).unwrap();
    book.entry(id).unwrap().to_assessment()
}

/// An item's score in the book the app holds.
fn score_held(app: &App, id: u32, item: &str) -> String {
    let entry = app.ctx.book.entry(id).unwrap();
    entry.assessment().items.get(item).unwrap().to_string()
}

/// An item's score of a secretary (by name) as stored.
fn score_stored(app: &App, name: &str, item: &str) -> String {
    stored(app, name).items.get(item).unwrap().to_string()
}

fn demo_app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let service = crate::demo::open(&dir.path().join("demo.redb"), "tester").unwrap();
    let app = App::new(service, 2025, PLAIN).unwrap();
    (dir, app)
}

/// A small district whose names have 2, 3, 4 and 8 characters, a 4-byte character
/// and a middle dot; every secretary scored.
fn names_app(theme: Theme) -> App {
    let service = Service::in_memory(crate::scoring::DEFAULT_SCHEME, "t").unwrap();
    let roster = "乡镇,村(社区),姓名,任职日期\n神头镇,马邑村,张三,2015-01-01\n神头镇,小泊村,李建国,2015-01-01\n利民镇,东村,欧阳娜娜,2015-01-01\n利民镇,西河湾社区,阿依古丽·买买提,2015-01-01\n利民镇,北村,吉𠮷,2025-03-01\n";
    service
        .import_roster("r", parse_csv(roster).unwrap())
        .unwrap();
    let mut scores = String::from(
        "乡镇,村(社区),姓名,政治素质,履职尽责,廉洁自律,集体经济发展,增收项目,阵地建设,人居环境改善,基层组织建设,三务公开,风险隐患管控,精神文明创建,为民服务,组织评价,满意,基本满意,不满意\n",
    );
    for (t, v, n) in [
        ("神头镇", "马邑村", "张三"),
        ("神头镇", "小泊村", "李建国"),
        ("利民镇", "东村", "欧阳娜娜"),
        ("利民镇", "西河湾社区", "阿依古丽·买买提"),
        ("利民镇", "北村", "吉𠮷"),
    ] {
        scores.push_str(&format!("{t},{v},{n},5,6,6,12,8,6,6,7,4,6,8,8,好,30,5,1\n"));
    }
    service
        .import_scores("s", parse_csv(&scores).unwrap(), 2025)
        .unwrap();
    App::new(service.as_user("clerk").unwrap(), 2025, theme).unwrap()
}

fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    // The frame's own buffer: it keeps which cells are left to the terminal.
    terminal.draw(|f| app.view(f)).unwrap().buffer.clone()
}

/// The buffer as text, one line per row; the cell after a wide character is skipped.
fn text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let s = buffer[(x, y)].symbol();
            skip = width(s).saturating_sub(1);
            out.push_str(s);
        }
        out.push('\n');
    }
    out
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Press keys as the user would: through the key table of the current mode.
fn press(app: &mut App, keys: &[KeyCode]) {
    for &k in keys {
        if let Some(a) = app.action(key(k)) {
            app.update(a);
        }
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, &[KeyCode::Char(c)]);
    }
}

fn open(app: &mut App, query: &str) {
    press(app, &[KeyCode::Char('/')]);
    type_text(app, query);
    press(app, &[KeyCode::Enter]);
    assert_eq!(
        app.screen,
        ScreenId::Secretary,
        "search {query} opens a secretary"
    );
}

fn name_of(app: &App) -> String {
    let id = if app.screen == ScreenId::Grid {
        app.grid.entry.secretary
    } else {
        app.secretary.entry.secretary
    };
    app.ctx
        .book
        .district
        .secretary(id)
        .unwrap()
        .name
        .to_string()
}

#[test]
fn search_by_chinese_pinyin_and_initials_opens_the_secretary() {
    let mut app = names_app(PLAIN);
    open(&mut app, "欧阳");
    assert_eq!(name_of(&app), "欧阳娜娜");
    press(&mut app, &[KeyCode::Esc]);
    open(&mut app, "zs");
    assert_eq!(name_of(&app), "张三");
    open(&mut app, "ouyang");
    assert_eq!(name_of(&app), "欧阳娜娜");
    assert_eq!(
        app.secretary.entry.field, 0,
        "the cursor starts on the first field"
    );
}

#[test]
fn the_search_box_says_how_many_match_when_they_do_not_all_fit() {
    let (_dir, mut app) = demo_app();
    let mut said = 0;
    for query in ["z", "zh", "w", "wa", "l", "li", "x", "s", "c", "cun"] {
        press(&mut app, &[KeyCode::Char('/')]);
        type_text(&mut app, query);
        let Some(Popup::Search(popup)) = &app.popup else {
            panic!("the search box opens");
        };
        let (total, kept) = (popup.total, popup.hits.len());
        let shown = text(&draw(&app, 80, 24));
        // The box holds 12 lines: the query and 11 rows (10 and the count line).
        if total > kept {
            assert!(
                shown.contains(&format!("共 {total} 个匹配,只列出前 {kept}")),
                "{shown}"
            );
        } else if kept > 11 {
            assert!(
                shown.contains(&format!("共 {total} 个匹配,按上下键翻看")),
                "{shown}"
            );
            said += 1;
        } else {
            assert!(!shown.contains("个匹配"), "{shown}");
        }
        press(&mut app, &[KeyCode::Esc]);
    }
    assert!(said > 0, "a query with more matches than rows, all kept");
}

#[test]
fn enter_saves_the_field_at_once_and_moves_on() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    type_text(&mut app, "6");
    assert_eq!(
        app.secretary
            .entry
            .edit
            .as_ref()
            .map(|e| e.text())
            .as_deref(),
        Some("6"),
        "typing replaces the value"
    );
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.secretary.entry.field, 1);
    let id = app.secretary.entry.secretary;
    let stored = stored_by_id(&app, id);
    assert_eq!(
        stored.items.get("政治素质").unwrap().to_string(),
        "6",
        "committed to the database"
    );
    let total = app
        .ctx
        .book
        .entry(id)
        .unwrap()
        .rating()
        .evaluation
        .figures()
        .unwrap()
        .total;
    // Q 83 → 49.8; 好 → 20; M (30*100 + 5*60)/36 = 91.67 → 18.334; 88.134 → 88.13
    assert_eq!(total.to_string(), "88.13", "the live total follows");
    let audit = app.ctx.service.audit_log(&AuditFilter::default()).unwrap();
    let last = audit.last().unwrap();
    assert!(
        last.what.contains("张三") && last.what.contains("政治素质"),
        "{}",
        last.what
    );
    assert_eq!(
        (
            last.before.as_str(),
            last.after.as_str(),
            last.user.as_str()
        ),
        ("5", "6", "clerk")
    );
}

#[test]
fn an_invalid_value_stays_red_and_is_not_saved() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    press(&mut app, &[KeyCode::Tab, KeyCode::Tab]); // 廉洁自律, max 7
    type_text(&mut app, "8.5");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.secretary.entry.field, 2,
        "the cursor stays on the field"
    );
    assert_eq!(app.secretary.entry.error.as_deref(), Some("8.5 超出满分 7"));
    assert!(app.ctx.status.as_ref().unwrap().error);
    assert_eq!(score_stored(&app, "张三", "廉洁自律"), "6");
    // Moving on is refused while the value is wrong, and says how to get out.
    press(&mut app, &[KeyCode::Tab]);
    assert_eq!(app.secretary.entry.field, 2);
    assert!(app.ctx.status.as_ref().unwrap().text.contains("Esc"));
    // The refused value can be corrected in place…
    press(
        &mut app,
        &[KeyCode::Backspace, KeyCode::Backspace, KeyCode::Backspace],
    );
    type_text(&mut app, "7");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.secretary.entry.field, 3);
    assert!(app.secretary.entry.error.is_none());
    // …or given up with Esc: the stored value stays and the clerk is free.
    type_text(&mut app, "1.25");
    press(&mut app, &[KeyCode::Enter, KeyCode::Esc]);
    assert_eq!(
        (
            app.secretary
                .entry
                .edit
                .as_ref()
                .map(|e| e.text())
                .as_deref(),
            app.secretary.entry.error.as_deref()
        ),
        (None, None)
    );
    assert_eq!(app.screen, ScreenId::Secretary);
    press(&mut app, &[KeyCode::Tab]);
    assert_eq!(app.secretary.entry.field, 4);
}

#[test]
fn esc_and_ctrl_c_never_erase_or_invent_a_saved_value() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    // Backspace to empty, then Esc: abandoned, the stored 5 stays.
    type_text(&mut app, "9");
    press(&mut app, &[KeyCode::Backspace, KeyCode::Esc]);
    let id = app.secretary.entry.secretary;
    assert_eq!(score_held(&app, id, "政治素质"), "5");
    assert!(app.ctx.status.as_ref().unwrap().text.contains("保留原值 5"));
    // A valid change and Esc: saved (Esc never destroys typed data).
    type_text(&mut app, "4");
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(score_held(&app, id, "政治素质"), "4");
    // Half-typed at Ctrl-C: not saved, whatever field it is in.
    for _ in 0..20 {
        press(&mut app, &[KeyCode::Tab]);
    }
    assert_eq!(
        app.secretary.entry.field(&app.ctx),
        super::fields::Field::VetoReason
    );
    type_text(&mut app, "4.5");
    app.update(Action::Quit);
    assert!(app.quit());
    let stored = stored_by_id(&app, id);
    assert_eq!(stored.veto_reason, "");
    assert_eq!(stored.items.get("政治素质").unwrap().to_string(), "4");
}

#[test]
fn the_grade_takes_one_key_and_a_confirmation_needs_y() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    for _ in 0..12 {
        press(&mut app, &[KeyCode::Tab]);
    }
    type_text(&mut app, "14");
    assert_eq!(
        app.secretary
            .entry
            .edit
            .as_ref()
            .map(|e| e.text())
            .as_deref(),
        Some("4"),
        "a new grade replaces the last"
    );
    press(
        &mut app,
        &[
            KeyCode::Esc,
            KeyCode::Char('w'),
            KeyCode::Enter,
            KeyCode::Enter,
        ],
    );
    let shen = app.ctx.book.district.township_id("神头镇").unwrap();
    assert!(app.popup.is_some(), "Enter does not answer yes");
    assert_eq!(
        app.ctx.book.record.stage(shen),
        crate::domain::Stage::Entering
    );
}

#[test]
fn brackets_move_between_secretaries_on_the_same_field() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    press(&mut app, &[KeyCode::Tab, KeyCode::Tab, KeyCode::Tab]);
    press(&mut app, &[KeyCode::Char(']')]);
    assert_eq!(
        (name_of(&app).as_str(), app.secretary.entry.field),
        ("李建国", 3)
    );
    press(&mut app, &[KeyCode::PageDown]);
    assert_eq!(
        (name_of(&app).as_str(), app.secretary.entry.field),
        ("欧阳娜娜", 3)
    );
    press(&mut app, &[KeyCode::Char('[')]);
    assert_eq!(name_of(&app), "李建国");
    // A valid typed value is saved before moving on.
    type_text(&mut app, "9");
    press(&mut app, &[KeyCode::Char(']')]);
    assert_eq!(name_of(&app), "欧阳娜娜");
    let li = app
        .ctx
        .book
        .district
        .find_secretary("神头镇", "小泊村", "李建国")
        .unwrap();
    assert_eq!(score_held(&app, li, "集体经济发展"), "9");
}

#[test]
fn grade_keys_and_text_fields() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    for _ in 0..12 {
        press(&mut app, &[KeyCode::Tab]);
    }
    press(&mut app, &[KeyCode::Char('2'), KeyCode::Enter]);
    let id = app.secretary.entry.secretary;
    assert_eq!(
        app.ctx.book.entry(id).unwrap().assessment().grade,
        Some(Grade::FairlyGood)
    );
    // Ballots, bonus, then its reason: in a text field `q`, `/` and `]` are text.
    for _ in 0..4 {
        press(&mut app, &[KeyCode::Tab]);
    }
    type_text(&mut app, "q/]");
    app.update(Action::Paste("获评\u{1b}[31m先进\u{200D}".into()));
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.ctx.book.entry(id).unwrap().assessment().bonus_reason,
        "q/][31m获评先进".replace("[31m获评", "获评[31m")
    );
}

#[test]
fn notes_are_multi_line_and_escape_keeps_them() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    let last = super::fields::fields(&app.ctx.book.scheme).len() - 1;
    for _ in 0..last {
        press(&mut app, &[KeyCode::Tab]);
    }
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.popup, Some(Popup::Editor(_))));
    app.update(Action::Paste("第一行\r\n第二行\u{7}".into()));
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.popup.is_none());
    let id = app.secretary.entry.secretary;
    assert_eq!(
        app.ctx.book.entry(id).unwrap().assessment().notes,
        "第一行\n第二行"
    );
}

/// The list's 状态 says a correction as the overview and the workflow do: a township
/// whose figures moved after approval is 须更正, then in 更正公示.
#[test]
fn the_list_says_when_a_township_waits_for_a_correction() {
    let mut app = names_app(PLAIN);
    // As the service marks a township when another's publicity moves its figures, and
    // then as its correcting publicity runs.
    for (township, stage) in [
        ("神头镇", crate::domain::Stage::Submitted),
        ("利民镇", crate::domain::Stage::Publicity),
    ] {
        let t = app.ctx.book.district.township_id(township).unwrap();
        app.ctx.book.record.townships.push((
            t,
            crate::domain::TownshipYear {
                stage,
                correction: true,
                ..Default::default()
            },
        ));
    }
    press(&mut app, &[KeyCode::Char('l')]);
    for (width, correcting) in [(120, "更正公示"), (82, "更正公示"), (80, "更正..")] {
        let screen = text(&draw(&app, width, 24));
        let row = |name: &str| {
            screen
                .lines()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("{name} in {screen}"))
                .to_string()
        };
        assert!(row("张三").contains("须更正"), "{screen}");
        assert!(row("欧阳娜娜").contains(correcting), "{screen}");
    }
}

/// The form says where its township stands: while it waits for its correcting
/// publicity the figures shown are the old published ones, which the figures as
/// computed now have moved (the quota counts may not add up meanwhile).
#[test]
fn the_form_says_its_figures_are_the_published_ones_while_a_correction_waits() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    let title = |app: &App| {
        let screen = text(&draw(app, 80, 24));
        let line = screen
            .lines()
            .find(|l| l.contains("考核表"))
            .map(str::to_string);
        line.unwrap_or_else(|| panic!("a form in {screen}"))
    };
    assert!(title(&app).contains("2025 年度考核表"), "{}", title(&app));
    assert!(!title(&app).contains('('), "{}", title(&app));
    let t = app.ctx.book.district.township_id("神头镇").unwrap();
    for (stage, correction, said) in [
        (
            crate::domain::Stage::Submitted,
            true,
            "考核表(须更正,所示为原公示结果)",
        ),
        (
            crate::domain::Stage::Publicity,
            true,
            "考核表(更正公示中,只读)",
        ),
        (crate::domain::Stage::Approved, false, "考核表(已审定,只读)"),
    ] {
        app.ctx.book.record.townships.retain(|(id, _)| *id != t);
        app.ctx.book.record.townships.push((
            t,
            crate::domain::TownshipYear {
                stage,
                correction,
                ..Default::default()
            },
        ));
        assert!(title(&app).contains(said), "{said}: {}", title(&app));
    }
}

#[test]
fn q_goes_home_and_quits_from_the_overview() {
    let mut app = names_app(PLAIN);
    press(&mut app, &[KeyCode::Char('l')]);
    assert_eq!(app.screen, ScreenId::List);
    press(&mut app, &[KeyCode::Char('j'), KeyCode::Enter]);
    assert_eq!(name_of(&app), "李建国");
    press(&mut app, &[KeyCode::Char('q')]);
    assert_eq!(app.screen, ScreenId::Overview);
    assert!(!app.quit());
    press(&mut app, &[KeyCode::Char('q')]);
    assert!(app.quit());
}

#[test]
fn a_locked_year_refuses_changes() {
    let mut app = names_app(PLAIN);
    let t = app.ctx.book.district.township_id("神头镇").unwrap();
    // The year is approved behind this screen's back (its copy is not reloaded).
    let all: Vec<u32> = app
        .ctx
        .book
        .district
        .townships
        .iter()
        .map(|(id, _)| *id)
        .collect();
    let from = jiff::civil::Date::new(2025, 1, 2).unwrap();
    app.ctx.service.submit(2025, &all).unwrap();
    app.ctx
        .service
        .publish(
            2025,
            &[t],
            &crate::service::Publication::back_dated(from, "补录纸质公示"),
        )
        .unwrap();
    app.ctx.service.approve(2025, &[t]).unwrap();
    open(&mut app, "张三");
    type_text(&mut app, "1");
    press(&mut app, &[KeyCode::Enter]);
    // Refused by the service, not a typo: no "改正后 Enter" for that; no retry saves
    // it, so the stored value shows again, not the one typed.
    let status = app.ctx.status.clone().unwrap().text;
    assert!(
        status.starts_with("未保存「1」,仍为 5:")
            && status.contains("已审定")
            && !status.contains("改正后"),
        "{status}"
    );
    assert!(app.secretary.entry.edit.is_none());
    assert_eq!(score_stored(&app, "张三", "政治素质"), "5");
    // The grid alike: the cell shows what is stored, and the keys are the grid's
    // again (`/` searches instead of being typed into the cell).
    press(&mut app, &[KeyCode::Char('g')]);
    assert_eq!(app.screen, ScreenId::Grid);
    type_text(&mut app, "3");
    press(&mut app, &[KeyCode::Enter]);
    let status = app.ctx.status.clone().unwrap().text;
    assert!(status.starts_with("未保存「3」,仍为 5:"), "{status}");
    assert!(app.grid.entry.edit.is_none());
    let row = text(&draw(&app, 80, 24))
        .lines()
        .find(|l| l.contains("张三"))
        .unwrap()
        .to_string();
    assert!(row.contains(" 5 ") && !row.contains(" 3 "), "{row}");
    press(&mut app, &[KeyCode::Char('/')]);
    assert!(matches!(app.popup, Some(Popup::Search(_))));
}

#[test]
fn a_published_townships_field_refused_shows_what_is_stored() {
    let mut app = names_app(PLAIN);
    let t = app.ctx.book.district.township_id("神头镇").unwrap();
    let all: Vec<u32> = app.ctx.book.townships();
    let from = jiff::civil::Date::new(2025, 1, 2).unwrap();
    app.ctx.service.submit(2025, &all).unwrap();
    let publication = crate::service::Publication::back_dated(from, "补录纸质公示");
    app.ctx.service.publish(2025, &[t], &publication).unwrap();
    open(&mut app, "张三");
    type_text(&mut app, "1");
    press(&mut app, &[KeyCode::Enter]);
    let status = app.ctx.status.clone().unwrap().text;
    assert!(
        status.starts_with("未保存「1」,仍为 5:") && status.contains("已公示"),
        "{status}"
    );
    assert!(
        app.secretary.entry.edit.is_none(),
        "the keys are the form's again"
    );
    press(&mut app, &[KeyCode::Char('/')]);
    assert!(matches!(app.popup, Some(Popup::Search(_))));
    assert_eq!(score_stored(&app, "张三", "政治素质"), "5");
}

/// Columns of the list line up whatever the names' widths.
#[test]
fn list_columns_line_up_with_names_of_every_width() {
    let mut app = names_app(PLAIN);
    press(&mut app, &[KeyCode::Char('l')]);
    let buffer = draw(&app, 80, 24);
    let rows: Vec<String> = text(&buffer)
        .lines()
        .skip(3)
        .take(5)
        .map(str::to_string)
        .collect();
    let column_of = |line: &str, needle: &dyn Fn(char) -> bool| {
        let byte = line.find(needle).unwrap_or_else(|| panic!("in {line}"));
        width(&line[..byte])
    };
    // Names hold no digits: the first digit of a row is its total.
    let totals: Vec<usize> = rows
        .iter()
        .map(|l| column_of(l, &|c: char| c.is_ascii_digit()))
        .collect();
    assert!(totals.windows(2).all(|w| w[0] == w[1]), "{rows:#?}");
    let results: Vec<usize> = rows
        .iter()
        .map(|l| column_of(l, &|c: char| c == '合' || c == '优'))
        .collect();
    assert!(results.windows(2).all(|w| w[0] == w[1]), "{rows:#?}");
    assert_eq!(
        Buffer::with_lines([rows[3].as_str()]),
        // 乡镇 8, 村 10, 姓名 15, 总分 6, 结果 8, 星级 6, 变化 4, 状态 6, 处理意见 8 cells.
        Buffer::with_lines([
            " 利民镇   西河湾社区 阿依古丽·买买提  87.53 合格     ***--3 新评 已完成         "
        ]),
        "the 8-character name fits its column"
    );
    assert!(rows[4].contains("吉𠮷"), "{}", rows[4]);
    assert!(rows[4].contains("未定星"));
}

#[test]
fn no_screen_draws_an_ambiguous_width_glyph() {
    let (_dir, mut app) = demo_app();
    let mut screens = vec![text(&draw(&app, 80, 24))];
    for keys in [
        &[KeyCode::Char('l')][..],
        &[KeyCode::Enter],
        &[KeyCode::Char('?')],
        &[KeyCode::Esc, KeyCode::Char('/')],
    ] {
        press(&mut app, keys);
        screens.push(text(&draw(&app, 80, 24)));
        screens.push(text(&draw(&app, 200, 50)));
    }
    for screen in screens {
        // User data may hold them (the names with ·); the program's own drawing may not.
        let own: String = screen
            .replace("阿依古丽·买买提", "")
            .replace("阿卜杜拉·吐尔逊", "");
        let found: Vec<char> = own
            .chars()
            .filter(|&c| super::theme::is_ambiguous(c))
            .collect();
        assert!(found.is_empty(), "{found:?} in\n{screen}");
    }
}

#[test]
fn wide_ambiguous_mode_reserves_two_cells_for_the_middle_dot() {
    let mut app = names_app(Theme {
        color: false,
        wide_ambiguous: true,
    });
    press(&mut app, &[KeyCode::Char('l')]);
    let buffer = draw(&app, 80, 24);
    let y = 6;
    let row: Vec<&str> = (0..80).map(|x| buffer[(x, y)].symbol()).collect();
    let dot = row
        .iter()
        .position(|s| *s == "·")
        .expect("the dot is drawn");
    assert_eq!(row[dot + 1], " ");
    assert_eq!(
        buffer[(dot as u16 + 1, y)].diff_option,
        ratatui::buffer::CellDiffOption::Skip
    );
    assert_eq!(row[dot + 2], "买");
    // The name column keeps its width: the total starts where it does on other rows.
    let line = text(&buffer)
        .lines()
        .nth(usize::from(y))
        .unwrap()
        .to_string();
    let other = text(&buffer).lines().nth(3).unwrap().to_string();
    let digit = |l: &str| width(&l[..l.find(|c: char| c.is_ascii_digit()).unwrap()]);
    assert_eq!(digit(&line), digit(&other), "{line}\n{other}");
}

#[test]
fn every_line_of_every_screen_is_exactly_the_terminal_width() {
    let (_dir, mut app) = demo_app();
    for keys in [
        &[][..],
        &[KeyCode::Char('l')],
        &[KeyCode::Enter],
        &[KeyCode::Char('?')],
    ] {
        press(&mut app, keys);
        for (w, h) in [(80, 24), (200, 50)] {
            let t = text(&draw(&app, w, h));
            for line in t.lines() {
                assert_eq!(width(line), usize::from(w), "{line}");
            }
            assert!(
                !t.contains("||\n") || t.lines().all(|l| l.ends_with('|') || !l.starts_with('|'))
            );
        }
    }
}

fn snapshot(name: &str, app: &App, w: u16, h: u16) {
    insta::assert_snapshot!(name, text(&draw(app, w, h)));
}

#[test]
fn snapshots_of_every_screen() {
    let (_dir, mut app) = demo_app();
    snapshot("overview_demo", &app, 80, 24);
    snapshot("overview_too_small", &app, 60, 20);
    press(&mut app, &[KeyCode::Char('l')]);
    snapshot("list_demo", &app, 80, 24);
    // `t`, then the first township (the line after 全部乡镇).
    press(
        &mut app,
        &[KeyCode::Char('t'), KeyCode::Down, KeyCode::Enter],
    );
    press(&mut app, &[KeyCode::Char('s')]);
    snapshot("list_township_by_total", &app, 80, 24);
    press(&mut app, &[KeyCode::Char('/')]);
    type_text(&mut app, "zs");
    snapshot("search_zs", &app, 80, 24);
    press(&mut app, &[KeyCode::Enter]);
    snapshot("secretary_first_field", &app, 80, 24);
    type_text(&mut app, "9");
    press(&mut app, &[KeyCode::Enter]);
    snapshot("secretary_refused_value", &app, 80, 24);
    press(&mut app, &[KeyCode::Esc, KeyCode::Backspace]);
    type_text(&mut app, "5.5");
    press(&mut app, &[KeyCode::Enter]);
    snapshot("secretary_saved_value", &app, 80, 24);
    snapshot("secretary_wide", &app, 200, 50);
    snapshot("secretary_narrow", &app, 79, 24);
    press(&mut app, &[KeyCode::Char('?')]);
    snapshot("help", &app, 80, 24);
}

#[test]
fn a_line_feed_acts_as_enter() {
    // Enter typed before the terminal was raw, or sent as a line feed: crossterm reads
    // Ctrl-J.
    let (_dir, mut app) = demo_app();
    let mut events = vec![
        Event::Key(key(KeyCode::Char('l'))),
        Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL)),
    ];
    events.reverse();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    run_loop(&mut terminal, &mut app, || {
        Ok(events.pop().map(super::Incoming::Terminal))
    })
    .unwrap();
    assert_eq!(app.screen, ScreenId::Secretary);
}

#[test]
fn a_whole_session_through_the_main_loop() {
    let mut app = names_app(PLAIN);
    let mut events: Vec<Event> = vec![Event::Key(key(KeyCode::Char('/')))];
    events.extend(
        "欧阳娜娜"
            .chars()
            .map(|c| Event::Key(key(KeyCode::Char(c)))),
    );
    events.push(Event::Key(key(KeyCode::Enter)));
    for value in [
        "6", "7", "7", "15", "10", "8", "7", "8", "5", "7", "10", "10", "1", "40", "0", "0",
    ] {
        events.extend(value.chars().map(|c| Event::Key(key(KeyCode::Char(c)))));
        events.push(Event::Key(key(KeyCode::Enter)));
    }
    events.push(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    events.reverse();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    run_loop(&mut terminal, &mut app, || {
        Ok(events.pop().map(super::Incoming::Terminal))
    })
    .unwrap();
    assert!(app.quit());
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("总分 100.00"), "{screen}");
    let id = app
        .ctx
        .book
        .district
        .find_secretary("利民镇", "东村", "欧阳娜娜")
        .unwrap();
    let stored = stored_by_id(&app, id);
    assert_eq!(
        stored
            .items
            .values()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .len(),
        12
    );
    assert_eq!(stored.ballots.satisfied, 40);
    assert_eq!(stored.grade, Some(Grade::Good));
}

// --- the district's screens --------------------------------------------------------

fn values_of_a_form() -> [&'static str; 16] {
    [
        "6", "7", "7", "15", "10", "8", "7", "8", "5", "7", "10", "10", "1", "40", "0", "0",
    ]
}

/// Keys that are not part of a value (Enter, moves) pressed while entering whole forms.
fn count_moves(app: &mut App, keys: &[KeyCode]) -> usize {
    press(app, keys);
    keys.iter()
        .filter(|k| !matches!(k, KeyCode::Char(c) if c.is_ascii_digit()))
        .count()
}

#[test]
fn the_grid_enters_a_township_with_fewer_keys_than_the_form() {
    // Form: each value + Enter, then back to the list and down to the next secretary.
    let mut form = names_app(PLAIN);
    press(&mut form, &[KeyCode::Char('l')]);
    press(&mut form, &[KeyCode::Enter]);
    let mut form_keys = 0;
    for i in 0..3 {
        for v in values_of_a_form() {
            let mut keys: Vec<KeyCode> = v.chars().map(KeyCode::Char).collect();
            keys.push(KeyCode::Enter);
            form_keys += count_moves(&mut form, &keys);
        }
        if i < 2 {
            form_keys += count_moves(
                &mut form,
                &[KeyCode::Esc, KeyCode::Char('j'), KeyCode::Enter],
            );
        }
    }
    // Grid: each value + Enter; after 不满意, Enter goes to the next row.
    let mut grid = names_app(PLAIN);
    press(&mut grid, &[KeyCode::Char('g')]);
    assert_eq!(grid.screen, ScreenId::Grid);
    let mut grid_keys = 0;
    for _ in 0..3 {
        for v in values_of_a_form() {
            let mut keys: Vec<KeyCode> = v.chars().map(KeyCode::Char).collect();
            keys.push(KeyCode::Enter);
            grid_keys += count_moves(&mut grid, &keys);
        }
    }
    // Both saved the same three forms (the first township has two villages, so the
    // third grid row is the next township's: the grid stays in its township).
    for app in [&form, &grid] {
        for name in ["张三", "李建国"] {
            let id = app.ctx.book.district.secretary_by_name(name);
            let e = app.ctx.book.entry(id).unwrap();
            assert_eq!(
                e.rating().evaluation.figures().unwrap().total.to_string(),
                "100.00",
                "{name}"
            );
        }
    }
    assert_eq!(form_keys, 3 * 16 + 2 * 3);
    assert_eq!(grid_keys, 3 * 16);
    assert!(grid_keys < form_keys);
}

#[test]
fn the_grid_saves_each_cell_and_moves_along_the_row() {
    let mut app = names_app(PLAIN);
    press(&mut app, &[KeyCode::Char('g')]);
    assert_eq!(name_of(&app), "张三");
    type_text(&mut app, "9");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.grid.entry.error.as_deref(),
        Some("9 超出满分 6"),
        "refused, stays"
    );
    assert_eq!(app.grid.entry.field, 0);
    press(&mut app, &[KeyCode::Backspace]);
    type_text(&mut app, "4");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.grid.entry.field, 1);
    press(&mut app, &[KeyCode::Down]);
    assert_eq!(
        (name_of(&app).as_str(), app.grid.entry.field),
        ("李建国", 1)
    );
    press(&mut app, &[KeyCode::Char(']')]);
    assert_eq!(name_of(&app), "欧阳娜娜", "] goes to the next township");
    let zhang = app.ctx.book.district.secretary_by_name("张三");
    assert_eq!(score_held(&app, zhang, "政治素质"), "4");
    assert_eq!(score_stored(&app, "张三", "政治素质"), "4");
}

/// Every township submitted, and `township`'s publicity over: it began 30 days ago.
fn published_a_month_ago(app: &mut App, township: u32) {
    let all: Vec<u32> = app.ctx.book.townships();
    app.ctx.service.submit(2025, &all).unwrap();
    let from = app.ctx.service.today() - jiff::Span::new().days(30);
    let publication = crate::service::Publication::back_dated(from, "补录纸质公示");
    app.ctx
        .service
        .publish(2025, &[township], &publication)
        .unwrap();
    app.ctx.reload();
}

#[test]
fn after_the_publicity_the_workflow_says_what_approval_waits_for() {
    let mut app = names_app(PLAIN);
    let shen = app.ctx.book.district.township_id("神头镇").unwrap();
    published_a_month_ago(&mut app, shen);
    press(&mut app, &[KeyCode::Char('w')]);
    let shown = || text(&draw(&app, 80, 24));
    assert!(shown().contains("公示期已满,可审定"), "{}", shown());
    // An objection still open: not "可审定".
    let zhang = app.ctx.book.district.secretary_by_name("张三");
    app.ctx.service.object(2025, zhang, "得分偏高").unwrap();
    app.ctx.reload();
    let now = text(&draw(&app, 80, 24));
    assert!(now.contains("还有 1 条异议未处理"), "{now}");
    assert!(
        !now.contains("可审定。") && !now.contains("已满,可审定"),
        "{now}"
    );
}

#[test]
fn the_selected_townships_objections_show_however_many_townships_there_are() {
    let (_dir, mut app) = demo_app();
    let all: Vec<u32> = app.ctx.book.townships();
    let first = all[0];
    published_a_month_ago(&mut app, first);
    let people = app.ctx.book.people_of(first).to_vec();
    for (i, id) in people.iter().take(4).enumerate() {
        app.ctx
            .service
            .object(2025, *id, &format!("第{i}条异议"))
            .unwrap();
    }
    app.ctx.reload();
    press(&mut app, &[KeyCode::Char('w')]);
    let shown = text(&draw(&app, 80, 24));
    for i in 0..4 {
        assert!(shown.contains(&format!("第{i}条异议")), "{shown}");
    }
    assert!(shown.contains("还有 4 条异议未处理"), "{shown}");
    // The townships left out of the window are reached by moving down.
    let last = app.ctx.township_name(*all.last().unwrap());
    assert!(!shown.contains(&last), "{shown}");
    press(&mut app, &[KeyCode::End]);
    assert!(text(&draw(&app, 80, 24)).contains(&last));
}

#[test]
fn an_objection_says_who_raised_it_and_v_lists_the_open_ones() {
    let mut app = names_app(PLAIN);
    let shen = app.ctx.book.district.township_id("神头镇").unwrap();
    let all: Vec<u32> = app.ctx.book.townships();
    app.ctx.service.submit(2025, &all).unwrap();
    let today = app.ctx.service.today();
    let publication = crate::service::Publication::starting(today);
    app.ctx
        .service
        .publish(2025, &[shen], &publication)
        .unwrap();
    app.ctx.reload();
    press(&mut app, &[KeyCode::Char('w')]);
    press(&mut app, &[KeyCode::Char('o')]);
    type_text(&mut app, "张三");
    press(&mut app, &[KeyCode::Enter]);
    type_text(&mut app, "群众反映得分偏高 反映人:王某 电话:13800000000");
    press(&mut app, &[KeyCode::Enter]);
    let objections = app.ctx.book.record.township(shen).objections;
    assert_eq!(objections[0].text, "群众反映得分偏高");
    assert_eq!(
        (objections[0].by.as_str(), objections[0].contact.as_str()),
        ("王某", "13800000000")
    );
    // A second one, about another secretary; `v` then lists the open ones to choose.
    press(&mut app, &[KeyCode::Char('o')]);
    type_text(&mut app, "李建国");
    press(&mut app, &[KeyCode::Enter]);
    type_text(&mut app, "得分偏低");
    press(&mut app, &[KeyCode::Enter]);
    press(&mut app, &[KeyCode::Char('v')]);
    let Some(Popup::Choose(list)) = &app.popup else {
        panic!("v lists the open objections");
    };
    assert_eq!(list.items.len(), 2);
    assert!(list.items[0].0.contains("张三") && list.items[0].0.contains("王某 13800000000"));
    press(&mut app, &[KeyCode::Down, KeyCode::Enter]);
    assert!(matches!(&app.popup, Some(Popup::Prompt(p)) if p.title.contains("李建国")));
    type_text(&mut app, "经核实无误");
    press(&mut app, &[KeyCode::Enter]);
    let objections = app.ctx.book.record.township(shen).objections;
    assert_eq!(objections[1].resolution.as_deref(), Some("经核实无误"));
    assert_eq!(objections[0].resolution, None);
}

#[test]
fn the_workflow_screen_takes_a_township_through_its_steps() {
    let mut app = names_app(PLAIN);
    press(&mut app, &[KeyCode::Char('w')]);
    assert_eq!(app.screen, ScreenId::Workflow);
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.popup, Some(Popup::Confirm(_))));
    press(&mut app, &[KeyCode::Char('n')]);
    let shen = app.ctx.book.district.township_id("神头镇").unwrap();
    assert_eq!(
        app.ctx.book.record.stage(shen),
        crate::domain::Stage::Entering,
        "n cancels"
    );
    press(&mut app, &[KeyCode::Enter, KeyCode::Char('y')]);
    assert_eq!(
        app.ctx.book.record.stage(shen),
        crate::domain::Stage::Submitted
    );
    assert_eq!(
        app.ctx.service.book(2025).unwrap().record.stage(shen),
        crate::domain::Stage::Submitted
    );
    // 公示 waits for the whole district: said at once, nothing asked.
    press(&mut app, &[KeyCode::Enter]);
    assert!(app.popup.is_none());
    let said = app.ctx.status.clone().unwrap().text;
    assert!(said.contains("尚未提交:利民镇"), "{said}");
    // 利民镇 submits; then 神头镇 is posted.
    press(
        &mut app,
        &[KeyCode::Down, KeyCode::Enter, KeyCode::Char('y')],
    );
    // Its first day and length are asked, today and the scheme's days offered.
    press(&mut app, &[KeyCode::Up, KeyCode::Enter]);
    let Some(Popup::Prompt(prompt)) = &app.popup else {
        panic!("the publicity's dates are asked");
    };
    assert_eq!(prompt.input.text(), format!("{} 5", app.ctx.today));
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.ctx.book.record.stage(shen),
        crate::domain::Stage::Publicity
    );
    let publicity = app.ctx.book.record.township(shen).publicity;
    assert_eq!(publicity, Some((app.ctx.today, 5)));
    // An objection: search the secretary, then type it.
    press(&mut app, &[KeyCode::Char('o')]);
    type_text(&mut app, "张三");
    press(&mut app, &[KeyCode::Enter]);
    type_text(&mut app, "群众反映得分偏高");
    press(&mut app, &[KeyCode::Enter]);
    let objections = app.ctx.book.record.township(shen).objections;
    assert_eq!(objections.len(), 1);
    assert_eq!(objections[0].text, "群众反映得分偏高");
    // Approval waits for the end of the publicity (it started today): said at once,
    // nothing is asked.
    press(&mut app, &[KeyCode::Enter]);
    assert!(app.popup.is_none());
    assert!(app.ctx.status.as_ref().unwrap().error);
    let text = &app.ctx.status.as_ref().unwrap().text;
    assert!(text.contains("公示期"), "{text}");
    // Esc keeps a prompt's text for the same prompt (of the same township), not for
    // another one: an objection does not start with a reason to reopen.
    press(&mut app, &[KeyCode::Char('R')]);
    type_text(&mut app, "数据有误");
    press(&mut app, &[KeyCode::Esc]);
    press(&mut app, &[KeyCode::Char('o')]);
    type_text(&mut app, "张三");
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        matches!(&app.popup, Some(Popup::Prompt(p)) if p.input.text().is_empty()),
        "the objection's prompt starts empty"
    );
    press(&mut app, &[KeyCode::Esc]);
    press(&mut app, &[KeyCode::Char('R')]);
    assert!(matches!(&app.popup, Some(Popup::Prompt(p)) if p.input.text() == "数据有误"));
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.ctx.book.record.stage(shen),
        crate::domain::Stage::Entering,
        "reopened"
    );
    let audit: Vec<String> = app
        .ctx
        .service
        .audit_log(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .map(|e| e.what)
        .collect();
    for step in ["提交", "公示", "异议", "重新打开"] {
        assert!(
            audit
                .iter()
                .any(|w| w.contains("神头镇") && w.contains(step)
                    || w.contains(step) && w.contains("张三")),
            "{step}: {audit:?}"
        );
    }
}

#[test]
fn audit_rectifications_and_the_promotion_pool() {
    let (_dir, mut app) = demo_app();
    // Approve a township through the service with a publicity in the past.
    let t = app.ctx.book.district.township_id("神头镇").unwrap();
    let all: Vec<u32> = app
        .ctx
        .book
        .district
        .townships
        .iter()
        .map(|(id, _)| *id)
        .collect();
    let from = jiff::civil::Date::new(2025, 1, 2).unwrap();
    app.ctx.service.submit(2025, &all).unwrap();
    app.ctx
        .service
        .publish(
            2025,
            &[t],
            &crate::service::Publication::back_dated(from, "补录纸质公示"),
        )
        .unwrap();
    app.ctx.service.approve(2025, &[t]).unwrap();
    press(&mut app, &[KeyCode::Char('r')]);
    assert_eq!(app.screen, ScreenId::Rectify);
    let rows = app.rectify.rows.clone();
    assert_eq!(rows.len(), 1, "神头镇 has one low secretary: 范有福");
    assert_eq!(app.ctx.book.name_of(rows[0].1), "范有福");
    // Done needs measures written first.
    press(&mut app, &[KeyCode::Char('d'), KeyCode::Char('y')]);
    let said = app.ctx.status.clone().unwrap().text;
    assert!(said.contains("还没有填写整改措施"), "{said}");
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.popup, Some(Popup::Editor(_))));
    app.update(Action::Paste("一、整改集体经济\n二、每月汇报".into()));
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.popup.is_none());
    let stored = app.ctx.service.rectifications(Some(2025)).unwrap();
    assert_eq!(stored[0].2.measures, "一、整改集体经济\n二、每月汇报");
    press(&mut app, &[KeyCode::Char('d'), KeyCode::Char('y')]);
    assert!(
        app.ctx.service.rectifications(Some(2025)).unwrap()[0]
            .2
            .done_on
            .is_some()
    );
    // The audit screen shows these steps for the year.
    press(&mut app, &[KeyCode::Char('h')]);
    assert_eq!(app.screen, ScreenId::Audit);
    let shown: Vec<&str> = app.audit.lines().map(|e| e.what.as_str()).collect();
    assert!(shown[0].contains("整改"), "newest first: {shown:?}");
    assert!(shown.iter().any(|w| w.contains("审定")));
    // The promotion pool lists exactly the 优先选拔 secretaries.
    press(&mut app, &[KeyCode::Char('p')]);
    let pool = app.pool.paged.rows.clone();
    assert_eq!(pool.total, 16, "5 + 11 at 4 stars and above");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.screen, ScreenId::Secretary);
    assert_eq!(app.secretary.entry.secretary, pool.rows[0].secretary);
}

#[test]
fn snapshots_of_the_district_screens() {
    let (_dir, mut app) = demo_app();
    press(&mut app, &[KeyCode::Tab]);
    snapshot("overview_stars_by_township", &app, 80, 24);
    press(&mut app, &[KeyCode::Char('g')]);
    snapshot("grid_first_township", &app, 80, 24);
    for _ in 0..12 {
        press(&mut app, &[KeyCode::Tab]);
    }
    snapshot("grid_scrolled_to_the_grade", &app, 80, 24);
    snapshot("grid_wide", &app, 200, 50);
    press(&mut app, &[KeyCode::Char('w')]);
    press(&mut app, &[KeyCode::Enter]);
    snapshot("workflow_confirm_submit", &app, 80, 24);
    press(&mut app, &[KeyCode::Char('n'), KeyCode::Char('p')]);
    snapshot("pool", &app, 80, 24);
}

// ---------------------------------------------------------------------------------
// The clerk's rough edges, each as it was found.
// ---------------------------------------------------------------------------------

#[test]
fn every_key_table_quits_with_ctrl_c_and_has_a_labelled_way_out() {
    let app = names_app(PLAIN);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for (heading, table) in app.tables() {
        for input in [super::keys::Input::None, super::keys::Input::Text] {
            assert_eq!(
                super::keys::action(&table, input, ctrl_c),
                Some(Action::Quit),
                "{heading}"
            );
        }
        assert!(
            table.iter().any(|b| b.code == KeyCode::Esc),
            "{heading}: Esc"
        );
        assert!(
            table.iter().any(|b| b.hint && !b.label.is_empty()),
            "{heading}: a hint"
        );
    }
}

#[test]
fn a_question_under_a_too_small_terminal_cannot_be_answered() {
    let mut app = names_app(PLAIN);
    press(&mut app, &[KeyCode::Char('w'), KeyCode::Enter]);
    assert!(matches!(app.popup, Some(Popup::Confirm(_))));
    let shen = app.ctx.book.district.township_id("神头镇").unwrap();
    // Made small while the question is open: the resize is seen, `y` does nothing.
    app.update(Action::Resize(60, 15));
    assert_eq!(app.ctx.size, (60, 15));
    press(&mut app, &[KeyCode::Char('y')]);
    app.update(Action::Resize(80, 24));
    assert!(matches!(app.popup, Some(Popup::Confirm(_))), "still asking");
    assert_eq!(
        app.ctx.service.book(2025).unwrap().record.stage(shen),
        crate::domain::Stage::Entering,
        "nothing was submitted"
    );
    assert!(text(&draw(&app, 80, 24)).contains("提交神头镇"));
}

#[test]
fn the_grid_goes_home_and_end_says_why_a_row_is_incomplete_and_opens_a_form() {
    let service = Service::in_memory(crate::scoring::DEFAULT_SCHEME, "t").unwrap();
    let roster = "乡镇,村(社区),姓名,任职日期\n神头镇,马邑村,张三,2015-01-01\n神头镇,小泊村,李建国,2015-01-01\n神头镇,东村,王五,2015-01-01\n利民镇,北村,赵六,2015-01-01\n";
    service
        .import_roster("r", parse_csv(roster).unwrap())
        .unwrap();
    let scores = "乡镇,村(社区),姓名,政治素质,履职尽责,廉洁自律,集体经济发展,增收项目,阵地建设,人居环境改善,基层组织建设,三务公开,风险隐患管控,精神文明创建,为民服务,组织评价,满意,基本满意,不满意,否决事由\n\
        神头镇,马邑村,张三,5,6,6,12,8,6,6,7,4,6,8,8,好,30,5,1,\n\
        神头镇,东村,王五,5,6,6,12,8,6,6,7,4,6,8,8,好,30,5,1,挪用集体资金\n";
    service
        .import_scores("s", parse_csv(scores).unwrap(), 2025)
        .unwrap();
    let mut app = App::new(service, 2025, PLAIN).unwrap();
    press(&mut app, &[KeyCode::Char('g')]);
    let screen = text(&draw(&app, 80, 24));
    assert!(screen.contains("神头镇 | 录入 | 已完成 2/3"), "{screen}");
    let wang = screen.lines().find(|l| l.contains("王五")).unwrap();
    assert!(wang.contains("否决"), "a vetoed row says so: {wang}");
    // End and Home: the last and the first column.
    press(&mut app, &[KeyCode::End]);
    let last = super::screens::grid::columns(&app.ctx.book.scheme).len() - 1;
    assert_eq!(app.grid.entry.field, last);
    press(&mut app, &[KeyCode::Home]);
    assert_eq!(app.grid.entry.field, 0);
    // 李建国 is not entered; one saved item makes him 未完成, and coming back onto his
    // row says why.
    press(&mut app, &[KeyCode::Down]);
    type_text(&mut app, "5");
    press(&mut app, &[KeyCode::Enter, KeyCode::Up, KeyCode::Down]);
    let status = app.ctx.status.clone().unwrap().text;
    assert!(status.contains("李建国 未完成:缺「履职尽责」"), "{status}");
    press(&mut app, &[KeyCode::Home]);
    // Left of the first item is the name; Enter there opens the form.
    press(&mut app, &[KeyCode::Left]);
    assert!(app.grid.on_name);
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.screen, ScreenId::Secretary);
    assert_eq!(name_of(&app), "李建国");
    // Back in the grid, `]` goes to 利民镇 on its first row and first item.
    press(&mut app, &[KeyCode::Esc, KeyCode::End, KeyCode::Char(']')]);
    assert_eq!(app.screen, ScreenId::Grid);
    assert_eq!((name_of(&app).as_str(), app.grid.entry.field), ("赵六", 0));
}

#[test]
fn in_a_grid_cell_a_letter_after_a_number_is_input_and_never_a_command() {
    let mut app = names_app(PLAIN);
    press(&mut app, &[KeyCode::Char('g')]);
    let before = stored(&app, "张三");
    type_text(&mut app, "6q");
    assert_eq!(app.screen, ScreenId::Grid, "q did not leave");
    assert_eq!(
        app.grid.entry.edit.as_ref().map(|e| e.text()).as_deref(),
        Some("6q")
    );
    press(&mut app, &[KeyCode::Enter]);
    assert!(app.grid.entry.error.is_some(), "refused on Enter");
    assert_eq!(stored(&app, "张三"), before, "nothing saved");
}

#[test]
fn a_reason_is_edited_at_its_cursor_and_shows_the_part_around_it() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    // Down to 加分事由 (12 items, grade, 3 ballots, 加分).
    for _ in 0..17 {
        press(&mut app, &[KeyCode::Tab]);
    }
    assert_eq!(
        app.secretary.entry.field(&app.ctx),
        super::fields::Field::BonusReason
    );
    type_text(&mut app, "获评先进");
    press(&mut app, &[KeyCode::Home]);
    type_text(&mut app, "县");
    press(&mut app, &[KeyCode::End, KeyCode::Left, KeyCode::Backspace]);
    let typed = || app.secretary.entry.edit.as_ref().map(|e| e.text());
    assert_eq!(typed().as_deref(), Some("县获评进"));
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    let clear = app.action(ctrl_u).unwrap();
    app.update(clear);
    assert_eq!(
        app.secretary
            .entry
            .edit
            .as_ref()
            .map(|e| e.text())
            .as_deref(),
        Some("")
    );
    // A long reason: the end is shown while the cursor is there, the start after Home,
    // and the terminal cursor stands in the field either way.
    let long = "在全县乡村振兴考核中获评先进集体并受到市委表彰";
    type_text(&mut app, long);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| app.view(f)).unwrap();
    let screen = text(terminal.backend().buffer());
    let row = screen.lines().find(|l| l.contains(">加分事由")).unwrap();
    assert!(row.contains("..") && row.contains("表彰"), "{row}");
    let cursor = terminal.get_cursor_position().unwrap();
    assert!(cursor.x > 20 && cursor.x < 40, "in the form: {cursor:?}");
    press(&mut app, &[KeyCode::Home]);
    terminal.draw(|f| app.view(f)).unwrap();
    let screen = text(terminal.backend().buffer());
    let row = screen.lines().find(|l| l.contains(">加分事由")).unwrap();
    assert!(row.contains("在全县"), "{row}");
    assert_eq!(
        terminal.get_cursor_position().unwrap().x,
        20,
        "at the start"
    );
    // Enter saves the whole reason.
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(stored(&app, "张三").bonus_reason, long);
}

#[test]
fn the_form_says_when_fields_continue_below_and_a_wide_terminal_widens_it() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    let screen = text(&draw(&app, 80, 24));
    assert!(screen.contains("v 还有 6 项"), "{screen}");
    // At the last field nothing follows.
    press(&mut app, &[KeyCode::End]);
    for _ in 0..30 {
        press(&mut app, &[KeyCode::Tab]);
    }
    assert!(!text(&draw(&app, 80, 24)).contains("v 还有"));
    // On a wide terminal the form (and its text fields) take half the extra room.
    let wide = text(&draw(&app, 200, 50));
    let top = wide.lines().nth(3).unwrap();
    let form_end = top.find("++").unwrap();
    assert!(width(&top[..form_end]) >= 90, "{top}");
}

#[test]
fn stars_are_drawn_one_way_on_every_screen() {
    let (_dir, mut app) = demo_app();
    let id = app.ctx.book.district.secretary_by_name("阿依古丽·买买提");
    let stars = crate::domain::stars_ascii(app.ctx.book.entry(id).unwrap().rating().stars);
    assert_eq!(stars, "*****5");
    let row = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("阿依古丽·买买提"))
            .unwrap_or_default()
            .to_string()
    };
    press(&mut app, &[KeyCode::Char('l')]);
    assert!(row(&text(&draw(&app, 80, 24))).contains(&stars), "list");
    press(&mut app, &[KeyCode::Char('p')]);
    assert!(row(&text(&draw(&app, 80, 24))).contains(&stars), "pool");
    press(&mut app, &[KeyCode::Char('g')]);
    assert!(row(&text(&draw(&app, 80, 24))).contains(&stars), "grid");
    open(&mut app, "阿依古丽");
    let screen = text(&draw(&app, 80, 24));
    assert!(
        screen.contains(&format!("2025: {stars}")),
        "history: {screen}"
    );
    assert!(
        screen.contains(&format!("合格  {stars}")) || screen.contains(&format!("优秀  {stars}")),
        "result: {screen}"
    );
}

#[test]
fn long_names_use_the_room_a_wide_terminal_gives() {
    let service = Service::in_memory(crate::scoring::DEFAULT_SCHEME, "t").unwrap();
    let roster = "乡镇,村(社区),姓名,任职日期\n阿勒泰地区哈巴河县萨尔塔木乡,萨尔塔木乡阔克舍木村,阿依古丽·买买提,2015-01-01\n";
    service
        .import_roster("r", parse_csv(roster).unwrap())
        .unwrap();
    let mut app = App::new(service, 2025, PLAIN).unwrap();
    press(&mut app, &[KeyCode::Char('l')]);
    let narrow = text(&draw(&app, 80, 24));
    assert!(
        !narrow.contains("萨尔塔木乡阔克舍木村"),
        "cut at 80: {narrow}"
    );
    let wide = text(&draw(&app, 200, 50));
    assert!(
        wide.contains("萨尔塔木乡阔克舍木村"),
        "whole at 200: {wide}"
    );
    assert!(
        wide.contains("阿勒泰地区哈巴河县萨尔塔木乡"),
        "whole at 200: {wide}"
    );
}

#[test]
fn in_wide_ambiguous_mode_the_cell_after_a_middle_dot_is_blanked_first() {
    let wide = Theme {
        color: false,
        wide_ambiguous: true,
    };
    let mut app = names_app(wide);
    // A terminal with an earlier screen's characters everywhere.
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let x = ratatui::buffer::Cell::new("X");
    let everywhere: Vec<(u16, u16, &ratatui::buffer::Cell)> = (0..24)
        .flat_map(|y| (0..80).map(move |x| (x, y)))
        .map(|(cx, cy)| (cx, cy, &x))
        .collect();
    ratatui::backend::Backend::draw(terminal.backend_mut(), everywhere.into_iter()).unwrap();
    let mut events = vec![
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Event::Key(key(KeyCode::Char('l'))),
    ];
    run_loop(&mut terminal, &mut app, || {
        Ok(events.pop().map(super::Incoming::Terminal))
    })
    .unwrap();
    let buffer = terminal.backend().buffer();
    let row = (0..24)
        .find(|&y| (0..80).any(|x| buffer[(x, y)].symbol() == "\u{b7}"))
        .expect("a row with the middle dot");
    let dot = (0..80)
        .find(|&x| buffer[(x, row)].symbol() == "\u{b7}")
        .unwrap();
    // Drawn narrow after all, the dot would stand beside a blank, never beside an X.
    assert_eq!(buffer[(dot + 1, row)].symbol(), " ");
}

#[test]
fn a_veto_is_confirmed_first_and_a_word_for_none_is_refused() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    // To 否决事由 (12 items, grade, 3 ballots, 加分, 加分事由, 减分, 减分事由).
    for _ in 0..20 {
        press(&mut app, &[KeyCode::Tab]);
    }
    assert_eq!(
        app.secretary.entry.field(&app.ctx),
        super::fields::Field::VetoReason
    );
    // 无 is how a clerk writes "none": it would veto, so it is refused.
    type_text(&mut app, "无");
    press(&mut app, &[KeyCode::Enter]);
    let error = app.secretary.entry.error.clone().unwrap_or_default();
    assert!(error.contains("没有否决请留空"), "{error}");
    assert_eq!(stored(&app, "张三").veto_reason, "");
    // A real reason asks first; `n` saves nothing, `y` saves it.
    press(&mut app, &[KeyCode::Esc]);
    type_text(&mut app, "挪用集体资金");
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.popup, Some(Popup::Confirm(_))), "asks first");
    press(&mut app, &[KeyCode::Char('n')]);
    assert_eq!(stored(&app, "张三").veto_reason, "");
    press(&mut app, &[KeyCode::Enter, KeyCode::Char('y')]);
    assert_eq!(stored(&app, "张三").veto_reason, "挪用集体资金");
    assert!(app.secretary.entry.edit.is_none(), "no longer being typed");
    let id = app.ctx.book.district.secretary_by_name("张三");
    assert_eq!(app.ctx.book.entry(id).unwrap().rating().stars, Some(0));
}

#[test]
fn esc_gives_up_an_invalid_value_at_once_and_a_refusal_is_not_called_a_typo() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    type_text(&mut app, "y");
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.secretary.entry.edit.is_none(), "given up with one Esc");
    assert_eq!(app.screen, ScreenId::Secretary);
    let status = app.ctx.status.clone().unwrap().text;
    assert!(
        status.contains("已放弃输入「y」") && status.contains("保留原值 5"),
        "{status}"
    );
}

#[test]
fn the_grid_opened_from_the_notes_starts_on_the_first_item() {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    press(&mut app, &[KeyCode::End]);
    for _ in 0..30 {
        press(&mut app, &[KeyCode::Tab]);
    }
    assert_eq!(
        app.secretary.entry.field(&app.ctx),
        super::fields::Field::Notes
    );
    press(&mut app, &[KeyCode::Char('g')]);
    assert_eq!(app.screen, ScreenId::Grid);
    assert_eq!(app.grid.entry.field, 0);
}

#[test]
fn the_overview_says_how_many_townships_do_not_fit() {
    let service = Service::in_memory(crate::scoring::DEFAULT_SCHEME, "t").unwrap();
    let mut roster = String::from("乡镇,村(社区),姓名,任职日期\n");
    for i in 1..=22 {
        roster.push_str(&format!("第{i}乡,一村,书记{i},2015-01-01\n"));
    }
    service
        .import_roster("r", parse_csv(&roster).unwrap())
        .unwrap();
    let mut app = App::new(service, 2025, PLAIN).unwrap();
    let screen = text(&draw(&app, 80, 24));
    assert!(screen.contains("..另有"), "{screen}");
    press(&mut app, &[KeyCode::Tab]);
    let screen = text(&draw(&app, 80, 24));
    assert!(screen.contains("..另有"), "{screen}");
}

#[test]
fn namesakes_in_the_grid_are_told_apart_by_their_village() {
    let service = Service::in_memory(crate::scoring::DEFAULT_SCHEME, "t").unwrap();
    let roster =
        "乡镇,村(社区),姓名,任职日期\n短镇,丙村,张三,2015-01-01\n短镇,丁村,张三,2015-01-01\n";
    service
        .import_roster("r", parse_csv(roster).unwrap())
        .unwrap();
    let mut app = App::new(service, 2025, PLAIN).unwrap();
    press(&mut app, &[KeyCode::Char('g')]);
    let screen = text(&draw(&app, 80, 24));
    assert!(
        screen.contains("张三(丙村)") && screen.contains("张三(丁村)"),
        "{screen}"
    );
}

/// Two screens of one district through an in-process server (both the district's).
fn two_apps_through_a_server() -> (tempfile::TempDir, App, App) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.redb");
    drop(crate::demo::open(&db, "admin").unwrap());
    let socket = dir.path().join("x.sock");
    let listener = crate::server::bind(&socket).unwrap();
    let server = crate::server::Server::open(&db, Box::new(|_| Ok("admin".into()))).unwrap();
    std::thread::spawn(move || server.run(&listener));
    let app = || App::new(Service::connect(&socket).unwrap(), 2025, PLAIN).unwrap();
    let (a, b) = (app(), app());
    (dir, a, b)
}

/// The year [`App::start`] reads on the side, arrived.
fn arrived(app: &mut App) {
    let loader = app.ctx.loader.take().expect("the year is read on the side");
    app.loaded(loader.join().unwrap());
}

/// Two copies of the demo's file (one process opens a file once): a folder and their
/// paths.
fn two_demo_files() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.redb"), dir.path().join("b.redb"));
    drop(crate::demo::open(&a, "tester").unwrap());
    std::fs::copy(&a, &b).unwrap();
    (dir, a, b)
}

/// Counts that do not come in time (a province's year to be scored first) do not
/// hold the first screen: it says the year is being read, keys wait, and the counts
/// and every township's progress come with the year.
#[test]
fn a_first_screen_whose_counts_come_late_shows_them_with_the_year() {
    let (_dir, a, b) = two_demo_files();
    let kept = |db| Service::open(db, "tester").unwrap().kept_from(1).unwrap();
    let zero = std::time::Duration::ZERO;
    let late = super::context::Context::start_waiting(kept(&a), 2025, PLAIN, zero).unwrap();
    let mut late = App::on(late);
    let waiting = text(&draw(&late, 80, 24));
    assert!(waiting.contains("正在读取 2025 年度的数据"), "{waiting}");
    assert!(!waiting.contains("还没有考核数据"), "{waiting}");
    // No count is shown as a zero meanwhile.
    let stars = waiting.lines().find(|l| l.contains("*****5")).unwrap();
    assert!(!stars.contains('0'), "{stars}");
    assert!(late.ctx.loading());
    arrived(&mut late);
    let mut timely = App::start(kept(&b), 2025, PLAIN).unwrap();
    arrived(&mut timely);
    assert_eq!(late.ctx.statuses, timely.ctx.statuses);
    assert!(late.ctx.statuses.len() > 10);
    for (w, h) in [(80, 24), (200, 50)] {
        assert_eq!(text(&draw(&late, w, h)), text(&draw(&timely, w, h)));
    }
    press(&mut late, &[KeyCode::Char('w')]);
    press(&mut timely, &[KeyCode::Char('w')]);
    assert_eq!(text(&draw(&late, 200, 50)), text(&draw(&timely, 200, 50)));
}

/// A large file's screens keep the year as the server does ([`Service::for_screens`]):
/// the same keys show the same screens, and store the same, as the year held whole.
#[test]
fn a_large_files_screens_show_and_save_what_the_whole_years_do() {
    use KeyCode::{Char, Down, End, Enter, Esc, Tab};
    let (dir, a, b) = two_demo_files();
    // The demo's 115 secretaries are far below the line.
    let small = Service::open(&a, "tester").unwrap().for_screens().unwrap();
    assert!(small.is_local());
    drop(small);
    let mut whole = App::new(Service::open(&a, "tester").unwrap(), 2025, PLAIN).unwrap();
    let kept = Service::open(&b, "tester").unwrap().kept_from(1).unwrap();
    assert!(!kept.is_local() && !kept.is_remote());
    let mut kept = App::start(kept, 2025, PLAIN).unwrap();
    arrived(&mut kept);
    assert!(kept.ctx.parted(), "one township's part held");
    let steps: &[(&str, &[KeyCode])] = &[
        ("overview", &[]),
        ("overview, the other pane", &[Tab]),
        ("list", &[Char('l')]),
        ("list, by total", &[Char('s')]),
        ("list, the last", &[End]),
        ("its form", &[Enter]),
        ("a score typed", &[Char('5')]),
        ("saved", &[Enter]),
        ("the next field saved", &[Down, Char('4'), Enter]),
        ("back to the list", &[Esc]),
        ("a search", &[Char('/'), Char('z'), Char('s')]),
        ("opened", &[Enter]),
        ("the grid", &[Char('g')]),
        ("the next township's grid", &[Char(']')]),
        ("a score in the grid", &[Char('3'), Enter]),
        ("the workflow", &[Esc, Char('w')]),
        // The grid held another township's part: the form shows its own again.
        ("back to the form found, of another township", &[Esc]),
        ("back to the overview", &[Esc, Esc, Esc, Esc]),
    ];
    for (step, keys) in steps {
        press(&mut whole, keys);
        press(&mut kept, keys);
        for (w, h) in [(80, 24), (200, 50)] {
            assert_eq!(
                text(&draw(&kept, w, h)),
                text(&draw(&whole, w, h)),
                "{step} at {w}×{h}"
            );
        }
    }
    // The Excel export: of the whole year, as a single user's always was.
    let exported = |app: &mut App| {
        let out = tempfile::tempdir().unwrap();
        app.ctx.out_dir = out.path().to_path_buf();
        press(app, &[Char('x')]);
        let said = app.ctx.status.clone().unwrap();
        assert!(!said.error && said.text.contains("已导出"), "{said:?}");
        let path = out.path().join("xingji-2025.xlsx");
        crate::exchange::read_table(&path).unwrap()
    };
    let sheet = exported(&mut kept);
    // Its first sheet: every township's row, not the one township held.
    assert!(sheet.rows.len() > 10, "{} rows", sheet.rows.len());
    assert_eq!(sheet, exported(&mut whole));
    drop((whole, kept));
    let stored = |path: &std::path::Path| {
        let book = Service::open(path, "tester").unwrap().book(2025).unwrap();
        let forms: Vec<Assessment> = book.entries.iter().map(|e| e.to_assessment()).collect();
        let mut report = Vec::new();
        crate::exchange::report::write_text(&book, &mut report).unwrap();
        (forms, report)
    };
    let (forms, report) = stored(&b);
    assert_eq!((&forms, &report), (&stored(&a).0, &stored(&a).1));
    let original = crate::demo::open(&dir.path().join("c.redb"), "tester").unwrap();
    let before: Vec<Assessment> = original
        .book(2025)
        .unwrap()
        .entries
        .iter()
        .map(|e| e.to_assessment())
        .collect();
    let changed = forms.iter().zip(&before).filter(|(a, b)| a != b).count();
    assert_eq!(changed, 2, "two forms saved, one of them twice");
}

#[test]
fn a_save_from_an_older_version_is_a_conflict_even_after_a_refresh() {
    let (_dir, mut a, mut b) = two_apps_through_a_server();
    open(&mut a, "欧阳娜娜");
    open(&mut b, "欧阳娜娜");
    // B begins typing; A saves the same field; B's screen is refreshed by the notice.
    type_text(&mut b, "5");
    type_text(&mut a, "6");
    press(&mut a, &[KeyCode::Enter]);
    b.update(Action::Refresh);
    assert!(a.ctx.status.as_ref().unwrap().text.contains("已保存"));
    // B's Enter is refused: the value B typed was typed over 4.8, not over 6.
    press(&mut b, &[KeyCode::Enter]);
    let status = b.ctx.status.clone().unwrap().text;
    assert!(
        status.contains("刚被其他用户修改") && status.contains("现为 6"),
        "{status}"
    );
    assert!(b.secretary.entry.edit.is_none(), "the new value shows");
    assert_eq!(score_stored(&b, "欧阳娜娜", "政治素质"), "6");
}

#[test]
fn a_refresh_keeps_the_status_line() {
    let (_dir, mut a, _b) = two_apps_through_a_server();
    open(&mut a, "欧阳娜娜");
    type_text(&mut a, "9");
    press(&mut a, &[KeyCode::Enter]);
    let refused = a.ctx.status.clone();
    a.update(Action::Refresh);
    assert_eq!(
        a.ctx.status, refused,
        "a notice does not wipe what the user reads"
    );
}

#[test]
fn y_picks_the_year_and_enter_switches_to_it() {
    let (_dir, mut app) = demo_app();
    assert!(text(&draw(&app, 80, 24)).contains("2025 年度"));
    press(&mut app, &[KeyCode::Char('l'), KeyCode::Char('y')]);
    assert!(matches!(&app.popup, Some(Popup::Choose(p)) if p.title == "考核年度"));
    let screen = text(&draw(&app, 80, 24));
    assert!(
        screen.contains(">2025 年度(当前)") && screen.contains("2024 年度"),
        "{screen}"
    );
    // The year showing picked: the list stays where it was, and says so.
    press(&mut app, &[KeyCode::Esc, KeyCode::Down]);
    let place = app.list.paged.pick.selected;
    press(&mut app, &[KeyCode::Char('y'), KeyCode::Enter]);
    assert_eq!(app.screen, ScreenId::List);
    assert_eq!(app.list.paged.pick.selected, place);
    assert_eq!(app.ctx.status.clone().unwrap().text, "仍是 2025 年度");
    press(
        &mut app,
        &[KeyCode::Char('y'), KeyCode::Down, KeyCode::Enter],
    );
    assert_eq!(app.ctx.year(), 2024);
    assert_eq!(app.screen, ScreenId::Overview);
    assert!(text(&draw(&app, 80, 24)).contains("2024 年度"));
    // In a number field `y` is no command: it is typed, and refused on Enter.
    open(&mut app, "欧阳娜娜");
    press(&mut app, &[KeyCode::Char('y')]);
    assert!(app.popup.is_none());
    assert_eq!(app.ctx.year(), 2024);
}

#[test]
fn notes_saved_by_another_user_meanwhile_are_a_conflict_not_overwritten() {
    let (_dir, mut a, mut b) = two_apps_through_a_server();
    for app in [&mut a, &mut b] {
        open(app, "欧阳娜娜");
        press(app, &[KeyCode::End]);
        for _ in 0..30 {
            press(app, &[KeyCode::Tab]);
        }
        press(app, &[KeyCode::Enter]);
        assert!(matches!(app.popup, Some(Popup::Editor(_))));
    }
    a.update(Action::Paste("镇里意见:继续观察".into()));
    b.update(Action::Paste("区里:约谈".into()));
    let save = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let act = b.action(save).unwrap();
    b.update(act);
    a.update(Action::Refresh);
    let act = a.action(save).unwrap();
    a.update(act);
    let said = a.ctx.status.clone().unwrap().text;
    assert!(said.contains("刚被其他用户修改"), "{said}");
    assert!(
        matches!(a.popup, Some(Popup::Editor(_))),
        "A's text stays to copy"
    );
    assert_eq!(stored(&a, "欧阳娜娜").notes, "区里:约谈");
}

#[test]
fn another_users_change_of_another_field_is_kept_not_a_conflict() {
    let (_dir, mut a, mut b) = two_apps_through_a_server();
    open(&mut a, "欧阳娜娜");
    open(&mut b, "欧阳娜娜");
    // B types 政治素质; A saves 履职尽责 meanwhile.
    type_text(&mut b, "5");
    press(&mut a, &[KeyCode::Tab]);
    type_text(&mut a, "6");
    press(&mut a, &[KeyCode::Enter]);
    b.update(Action::Refresh);
    press(&mut b, &[KeyCode::Enter]);
    assert!(b.secretary.entry.error.is_none(), "{:?}", b.ctx.status);
    let now = stored(&b, "欧阳娜娜");
    assert_eq!(now.items.get("政治素质").unwrap().to_string(), "5");
    assert_eq!(
        now.items.get("履职尽责").unwrap().to_string(),
        "6",
        "A's change kept"
    );
}

#[test]
fn the_list_selection_follows_its_secretary_when_a_change_resorts_it() {
    let (_dir, mut a, mut b) = two_apps_through_a_server();
    press(&mut a, &[KeyCode::Char('l'), KeyCode::Char('s')]);
    assert_eq!(a.list.sort, super::screens::list::Sort::Total);
    press(&mut a, &[KeyCode::Down, KeyCode::Down]);
    let chosen = a.list.selected().unwrap();
    let name = a.ctx.book.name_of(chosen);
    // B lowers that secretary's score: A's list re-sorts, the selection stays on them.
    open(&mut b, &name);
    press(&mut b, &[KeyCode::Tab]);
    type_text(&mut b, "0");
    press(&mut b, &[KeyCode::Enter]);
    a.update(Action::Refresh);
    assert_eq!(a.list.selected(), Some(chosen));
    assert_ne!(a.list.paged.pick.selected, 2, "it moved down the list");
}

#[test]
fn the_audit_log_on_screen_shows_another_users_change() {
    let (_dir, mut a, mut b) = two_apps_through_a_server();
    press(&mut a, &[KeyCode::Char('h'), KeyCode::Char('a')]);
    let before = a.audit.rows.len();
    open(&mut b, "欧阳娜娜");
    type_text(&mut b, "5");
    press(&mut b, &[KeyCode::Enter]);
    a.update(Action::Refresh);
    assert_eq!(a.audit.rows.len(), before + 1);
    assert!(a.audit.lines().next().unwrap().what.contains("欧阳娜娜"));
}

#[test]
fn a_reload_keeps_every_name_searchable() {
    let mut app = names_app(PLAIN);
    let ids = |app: &mut App| {
        let index = app.ctx.index();
        (0..index.len())
            .filter_map(|at| index.secretary(at))
            .collect::<Vec<_>>()
    };
    let before = ids(&mut app);
    assert_eq!(before.len(), 5);
    app.ctx.reload();
    assert_eq!(ids(&mut app), before);
    let ouyang = app.ctx.book.district.secretary_by_name("欧阳娜娜");
    assert_eq!(
        crate::service::search::search(app.ctx.index(), "oynn"),
        vec![ouyang]
    );
    assert_eq!(
        crate::service::search::search(app.ctx.index(), "吉𠮷").len(),
        1
    );
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// A key a clerk could press, or a resize (down to 1×1).
    fn event() -> impl Strategy<Value = Event> {
        let keys = prop_oneof![
            any::<char>().prop_map(KeyCode::Char),
            prop_oneof!["[0-9]", "[a-z]", "[/?\\[\\]]", "[张三李四好差一般]"]
                .prop_map(|s| KeyCode::Char(s.chars().next().unwrap_or('1'))),
            Just(KeyCode::Enter),
            Just(KeyCode::Esc),
            Just(KeyCode::Tab),
            Just(KeyCode::BackTab),
            Just(KeyCode::Backspace),
            Just(KeyCode::Up),
            Just(KeyCode::Down),
            Just(KeyCode::Left),
            Just(KeyCode::Right),
            Just(KeyCode::Home),
            Just(KeyCode::End),
            Just(KeyCode::PageUp),
            Just(KeyCode::PageDown),
        ];
        let modifiers = prop_oneof![
            8 => Just(KeyModifiers::NONE),
            1 => Just(KeyModifiers::CONTROL),
            1 => Just(KeyModifiers::ALT),
        ];
        prop_oneof![
            20 => (keys, modifiers).prop_map(|(k, m)| {
                // Ctrl-C and q end the session: left out so that the sequence runs on.
                let m = if k == KeyCode::Char('c') && m == KeyModifiers::CONTROL {
                    KeyModifiers::NONE
                } else {
                    m
                };
                let k = if k == KeyCode::Char('q') { KeyCode::Char('w') } else { k };
                Event::Key(KeyEvent::new(k, m))
            }),
            1 => (1u16..220, 1u16..60).prop_map(|(w, h)| Event::Resize(w, h)),
            1 => "[\\PC]{0,40}".prop_map(Event::Paste),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// Any key sequence at any terminal size: no panic, and every frame drawn.
        #[test]
        fn random_keys_and_sizes_never_panic(events in proptest::collection::vec(event(), 1..400)) {
            let mut app = names_app(PLAIN);
            // Exports (x, n, m) land here, not in the working folder.
            let out = tempfile::tempdir().unwrap();
            app.ctx.out_dir = out.path().to_path_buf();
            let mut size = (80u16, 24u16);
            for e in events {
                if let Event::Resize(w, h) = e {
                    size = (w, h);
                }
                let mut queue = vec![e];
                let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
                run_loop(&mut terminal, &mut app, || Ok(queue.pop().map(super::super::Incoming::Terminal))).unwrap();
                if app.quit() {
                    break;
                }
            }
        }
    }
}

#[test]
fn a_save_moves_its_townships_progress_count_as_a_recount_would() {
    let (_dir, mut app) = demo_app();
    let name = name_of_first(&app);
    let township = |app: &App| {
        let id = app.ctx.book.people()[0];
        app.ctx.book.township_of(id).unwrap()
    };
    let t = township(&app);
    let complete = |app: &App| {
        app.ctx
            .statuses
            .iter()
            .find(|s| s.township == t)
            .unwrap()
            .complete
    };
    let before = complete(&app);
    open(&mut app, &name);
    // Clearing the first item makes the assessment incomplete, typing it back completes it.
    press(
        &mut app,
        &[
            KeyCode::Backspace,
            KeyCode::Backspace,
            KeyCode::Backspace,
            KeyCode::Backspace,
        ],
    );
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(complete(&app), before - 1);
    assert_eq!(app.ctx.statuses, app.ctx.service.statuses_of(&app.ctx.book));
    press(&mut app, &[KeyCode::Up]);
    type_text(&mut app, "5");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(complete(&app), before);
    assert_eq!(app.ctx.statuses, app.ctx.service.statuses_of(&app.ctx.book));
}

fn name_of_first(app: &App) -> String {
    let id = app.ctx.book.people()[0];
    app.ctx.book.name_of(id)
}

#[test]
fn the_workflow_list_scrolls_to_keep_the_selected_township_in_sight() {
    // A district of more townships than a 24-row terminal shows.
    let dir = tempfile::tempdir().unwrap();
    let service = crate::demo::open_generated(&dir.path().join("d.redb"), "t", 3000).unwrap();
    let mut app = App::new(service, 2025, PLAIN).unwrap();
    press(&mut app, &[KeyCode::Char('w')]);
    let names: Vec<String> = app.ctx.statuses.iter().map(|s| s.name.clone()).collect();
    assert!(
        names.len() > crate::tui::widgets::list_page((80, 24)),
        "{}",
        names.len()
    );
    let last = names.last().unwrap();
    assert!(!text(&draw(&app, 80, 24)).contains(last.as_str()));
    press(&mut app, &vec![KeyCode::Down; names.len()]);
    let screen = text(&draw(&app, 80, 24));
    assert!(screen.contains(&format!(">{last}")), "{screen}");
}

#[test]
fn an_arrow_read_with_the_esc_before_it_stays_an_arrow() {
    let key = |code| Event::Key(key(code));
    let shifted = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT));
    // `ESC ESC [ B` as crossterm reads it: Esc, `[`, `B`.
    let read = vec![key(KeyCode::Esc), key(KeyCode::Char('[')), shifted('B')];
    assert_eq!(
        super::arrow_after_esc(read),
        vec![key(KeyCode::Esc), key(KeyCode::Down)]
    );
    let read = vec![key(KeyCode::Esc), key(KeyCode::Char('O')), shifted('D')];
    assert_eq!(
        super::arrow_after_esc(read),
        vec![key(KeyCode::Esc), key(KeyCode::Left)]
    );
    // `[` after Esc with anything else, or alone, is `[` (previous secretary).
    for read in [
        vec![
            key(KeyCode::Esc),
            key(KeyCode::Char('[')),
            key(KeyCode::Char('1')),
        ],
        vec![key(KeyCode::Esc), key(KeyCode::Char('['))],
        vec![
            key(KeyCode::Char('[')),
            key(KeyCode::Char('[')),
            shifted('B'),
        ],
    ] {
        assert_eq!(super::arrow_after_esc(read.clone()), read);
    }
}

/// Down through the whole list, one key at a time: the secretaries selected in turn.
fn walked_down(app: &mut App) -> Vec<u32> {
    let mut seen = vec![app.list.selected().unwrap()];
    for _ in 1..app.list.paged.rows.total {
        press(app, &[KeyCode::Down]);
        seen.push(app.list.selected().unwrap());
    }
    seen
}

#[test]
fn the_list_reads_a_window_at_a_time_and_down_reaches_everyone_in_order() {
    let (_dir, mut local) = demo_app();
    let (_dir2, mut served, _) = two_apps_through_a_server();
    let people = local.ctx.book.people();
    for app in [&mut local, &mut served] {
        press(app, &[KeyCode::Char('l')]);
        assert_eq!(app.list.paged.rows.total, people.len());
        // An 80×24 terminal holds a window of three pages, not the year.
        assert!(app.list.paged.rows.rows.len() < people.len() / 2);
        assert_eq!(walked_down(app), people);
        // The last page shows the last secretary, and Home goes back to the first.
        let last = app.ctx.book.name_of(people[people.len() - 1]);
        assert!(text(&draw(app, 80, 24)).contains(&last), "{last}");
        press(app, &[KeyCode::Home]);
        assert_eq!(app.list.selected(), Some(people[0]));
        // By pinyin too, through every window.
        // (The selection stays on its secretary when the order changes: Home first.)
        press(
            app,
            &[KeyCode::Char('s'), KeyCode::Char('s'), KeyCode::Home],
        );
        let by_pinyin = walked_down(app);
        let mut sorted = people.clone();
        sorted
            .sort_by_key(|id| crate::service::search::romanize_name(&app.ctx.book.name_of(*id)).0);
        assert_eq!(by_pinyin, sorted);
    }
}

#[test]
fn brackets_walk_from_every_place_of_the_list() {
    let (_dir, mut app) = demo_app();
    let people = app.ctx.book.people();
    press(&mut app, &[KeyCode::Char('l'), KeyCode::Enter]);
    for next in &people[1..] {
        press(&mut app, &[KeyCode::Char(']')]);
        assert_eq!(app.secretary.entry.secretary, *next, "{:?}", app.ctx.status);
    }
    press(&mut app, &[KeyCode::Char(']')]);
    assert_eq!(app.ctx.status.as_ref().unwrap().text, "已是最后一位");
}

#[test]
fn brackets_on_a_form_walk_the_list_in_its_order_across_windows() {
    let (_dir, mut app) = demo_app();
    let people = app.ctx.book.people();
    // The last of the first window's rows and past it.
    press(&mut app, &[KeyCode::Char('l')]);
    for _ in 0..50 {
        press(&mut app, &[KeyCode::Down]);
    }
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.secretary.entry.secretary, people[50]);
    for step in 1..=20 {
        press(&mut app, &[KeyCode::Char(']')]);
        assert_eq!(app.secretary.entry.secretary, people[50 + step]);
    }
    press(&mut app, &[KeyCode::Char('[')]);
    assert_eq!(app.secretary.entry.secretary, people[69]);
    // Back on the list, the selection is where the walk ended.
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.list.selected(), Some(people[69]));
}

#[test]
fn a_list_made_taller_at_its_end_fills_the_page_with_the_rows_above() {
    let (_dir, mut app) = demo_app();
    app.update(Action::Resize(80, 24));
    press(&mut app, &[KeyCode::Char('l'), KeyCode::End]);
    let total = app.list.paged.rows.total;
    app.update(Action::Resize(200, 50));
    let page = crate::tui::widgets::list_page((200, 50));
    assert_eq!(app.list.paged.pick.offset, total - page);
    let shown = text(&draw(&app, 200, 50));
    let first = app.ctx.book.name_of(app.ctx.book.people()[total - page]);
    assert!(shown.contains(&first), "{first}:\n{shown}");
}

#[test]
fn a_clerk_of_one_township_is_not_sent_to_a_next_one() {
    let (_dir, app) = demo_app();
    let service = app.ctx.service;
    let shentou = service.township_named("神头镇").unwrap();
    service
        .put_user("tester", crate::domain::Role::District)
        .unwrap();
    service
        .put_user("clerk", crate::domain::Role::Township(shentou))
        .unwrap();
    let mut app = App::new(service.as_user("clerk").unwrap(), 2025, PLAIN).unwrap();
    press(&mut app, &[KeyCode::Char('g'), KeyCode::Char(']')]);
    assert_eq!(
        app.ctx.status.as_ref().unwrap().text,
        "只有这一个乡镇可录入"
    );
    // The last row entered says so, and no more.
    for _ in 0..20 {
        press(&mut app, &[KeyCode::Down]);
    }
    press(&mut app, &[KeyCode::Home]);
    for _ in 0..20 {
        press(&mut app, &[KeyCode::Enter]);
    }
    let said = app.ctx.status.as_ref().map(|s| s.text.clone());
    assert_eq!(
        said.as_deref(),
        Some("本乡镇已录完最后一行"),
        "{}",
        text(&draw(&app, 80, 24))
    );
}

#[test]
fn t_finds_a_township_by_name_pinyin_or_initials_and_goes_back_to_all() {
    let (_dir, mut app) = demo_app();
    let everyone = app.ctx.book.people().len();
    let shentou = app
        .ctx
        .township_names()
        .into_iter()
        .find(|(_, name)| name == "神头镇")
        .map(|(id, _)| id)
        .unwrap();
    let theirs = app.ctx.book.people_of(shentou).len();
    press(&mut app, &[KeyCode::Char('l')]);
    // (神头 alone finds 神头街道 too.)
    press(&mut app, &[KeyCode::Char('t')]);
    type_text(&mut app, "神头");
    let both = text(&draw(&app, 80, 24));
    assert!(
        both.contains("神头街道") && both.contains("神头镇"),
        "{both}"
    );
    press(&mut app, &[KeyCode::Esc]);
    for typed in ["神头镇", "shentouzhen", "stz", "SHENTOUZ"] {
        press(&mut app, &[KeyCode::Char('t')]);
        type_text(&mut app, typed);
        let shown = text(&draw(&app, 80, 24));
        assert!(shown.contains("神头镇"), "{typed}: {shown}");
        assert!(!shown.contains("利民镇"), "{typed}: {shown}");
        press(&mut app, &[KeyCode::Enter]);
        assert_eq!(app.list.township, Some(shentou), "{typed}");
        assert_eq!(app.list.paged.rows.total, theirs, "{typed}");
        assert!(text(&draw(&app, 80, 24)).contains("神头镇"));
    }
    // Opened again, it stands on the township chosen; the first line is every township.
    press(&mut app, &[KeyCode::Char('t')]);
    let shown = text(&draw(&app, 80, 24));
    assert!(shown.contains(">神头镇"), "{shown}");
    press(&mut app, &[KeyCode::Up; 20]);
    let shown = text(&draw(&app, 80, 24));
    assert!(shown.contains(">全部乡镇"), "{shown}");
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.list.township, None);
    assert_eq!(app.list.paged.rows.total, everyone);
    // Nothing found: Enter says so and the popup stays; Esc leaves the filter as it was.
    press(&mut app, &[KeyCode::Char('t')]);
    type_text(&mut app, "xyzxyz");
    assert!(text(&draw(&app, 80, 24)).contains("没有匹配的乡镇"));
    press(&mut app, &[KeyCode::Enter]);
    assert!(app.popup.is_some());
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.popup.is_none());
    assert_eq!(app.list.township, None);
}

/// The notes field of 张三's form, on a small district.
fn notes_of_zhang_san() -> (App, u32) {
    let mut app = names_app(PLAIN);
    open(&mut app, "张三");
    for _ in 0..30 {
        press(&mut app, &[KeyCode::Tab]);
    }
    assert_eq!(
        app.secretary.entry.field(&app.ctx),
        super::fields::Field::Notes
    );
    let id = app.secretary.entry.secretary;
    (app, id)
}

fn stored_notes(app: &App, id: u32) -> String {
    app.ctx
        .service
        .book(2025)
        .unwrap()
        .entry(id)
        .unwrap()
        .assessment()
        .notes
        .clone()
}

#[test]
fn notes_saved_by_another_meanwhile_are_said_and_a_second_esc_saves_knowingly() {
    let (mut app, id) = notes_of_zhang_san();
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.popup, Some(Popup::Editor(_))));
    type_text(&mut app, "甲写的");
    // Another user saves the notes meanwhile.
    let before = app.ctx.book.entry(id).map(|e| e.to_assessment());
    let mut after = before.clone().unwrap();
    after.notes = "乙写的".into();
    app.ctx
        .service
        .save_assessment(crate::service::SaveAssessment {
            year: 2025,
            secretary: id,
            before,
            after,
            what: "备注".into(),
            change: (String::new(), "乙写的".into()),
        })
        .unwrap();
    press(&mut app, &[KeyCode::Esc]);
    assert!(matches!(app.popup, Some(Popup::Editor(_))), "kept open");
    let status = app.ctx.status.clone().unwrap().text;
    assert!(status.contains("其他用户"), "{status}");
    assert_eq!(stored_notes(&app, id), "乙写的");
    // Told, the user saves again: theirs stands.
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.popup.is_none());
    assert_eq!(stored_notes(&app, id), "甲写的");
}

#[test]
fn notes_that_cannot_be_saved_are_kept_as_a_draft_and_a_locked_form_opens_no_editor() {
    let (mut app, id) = notes_of_zhang_san();
    let township = app.ctx.book.township_of(id).unwrap();
    press(&mut app, &[KeyCode::Enter]);
    type_text(&mut app, "丙的备注");
    // Meanwhile the township is approved: the save is refused, the editor stays.
    // (Publicity waits for every township's submission: all are submitted.)
    let service = &app.ctx.service;
    let all = service.townships(None).unwrap();
    service.submit(2025, &all).unwrap();
    let from = jiff::civil::Date::new(2026, 1, 2).unwrap();
    let publication = crate::service::Publication::back_dated(from, "补录纸质公示");
    service.publish(2025, &[township], &publication).unwrap();
    service.approve(2025, &[township]).unwrap();
    press(&mut app, &[KeyCode::Esc]);
    assert!(matches!(app.popup, Some(Popup::Editor(_))));
    // A second Esc leaves it; the text is kept, not saved.
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.popup.is_none());
    let status = app.ctx.status.clone().unwrap().text;
    assert!(status.contains("草稿"), "{status}");
    assert_eq!(stored_notes(&app, id), "");
    // The approved form opens no editor, and says why.
    app.ctx.reload();
    press(&mut app, &[KeyCode::Enter]);
    assert!(app.popup.is_none());
    let status = app.ctx.status.clone().unwrap().text;
    assert!(status.contains("已审定"), "{status}");
    // Reopened, the editor offers the draft.
    app.ctx
        .service
        .reopen(2025, &[township], "复核更正")
        .unwrap();
    app.ctx.reload();
    press(&mut app, &[KeyCode::Enter]);
    let Some(Popup::Editor(editor)) = &app.popup else {
        panic!("the editor opens again");
    };
    assert_eq!(editor.text(), "丙的备注");
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(stored_notes(&app, id), "丙的备注");
}

#[test]
fn a_refused_prompt_keeps_its_text_to_be_put_right() {
    let mut app = names_app(PLAIN);
    let service = &app.ctx.service;
    service
        .submit(2025, &service.townships(None).unwrap())
        .unwrap();
    app.ctx.reload();
    press(&mut app, &[KeyCode::Char('w'), KeyCode::Enter]);
    assert!(matches!(app.popup, Some(Popup::Prompt(_))));
    // A first day before today, without the reason: refused, the line stays.
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    let clear = app.action(ctrl_u).unwrap();
    app.update(clear);
    type_text(&mut app, "2026-01-02 5");
    press(&mut app, &[KeyCode::Enter]);
    let Some(Popup::Prompt(prompt)) = &app.popup else {
        panic!("the prompt stays after a refusal");
    };
    assert_eq!(prompt.input.text(), "2026-01-02 5");
    let said = app.ctx.status.clone().unwrap().text;
    assert!(
        said.contains("须说明理由") && said.contains("写在日期"),
        "{said}"
    );
    // The reason added, it is done.
    type_text(&mut app, " 补录纸质公示");
    press(&mut app, &[KeyCode::Enter]);
    assert!(app.popup.is_none());
    let shen = app.ctx.book.district.township_id("神头镇").unwrap();
    assert_eq!(
        app.ctx.service.book(2025).unwrap().record.stage(shen),
        crate::domain::Stage::Publicity
    );
}
