//! End-to-end tests of the TUI (docs/architecture.md, "Screens and keys" and "Chinese text"): the real binary in a pseudo-terminal,
//! the screen read back through a VT100 emulator, the keys a clerk types sent as bytes.
//!
//! The child runs with LANG=C.UTF-8, TERM=xterm-256color, XINGJI_AMBIGUOUS=narrow (so
//! the start-up probe, which asks the terminal for the cursor position, is skipped) and
//! a temporary HOME, on a fresh demo database made from data/demo.
//!
//! The figures are worked out by hand from docs/rules.md with the default scheme and
//! 欧阳娜娜's 2025 row of data/demo/scores-2025.csv:
//!   Q = 4.8+3.9+5.2+11.7+8.2+6.1+3.4+6.8+2.6+4.7+6.3+6.2 = 69.90; 较好 → O = 85;
//!   ballots 20/15/4 → M = (2000+900)/39 = 74.358… → 74.36;
//!   total = (60×69.9 + 20×85 + 20×74.36)/100 = 73.812 → 73.81.

// A test may unwrap: a failed unwrap stops it with its location. (clippy.toml's
// allow-unwrap-in-tests covers #[test] functions only, not the helpers around them.)
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_xingji");
const WAIT: Duration = Duration::from_secs(10);
const NAME: &str = "欧阳娜娜";
const YEAR: &str = "2025";

/// The province-sized test makes 20,000 secretaries in a debug build (seconds of both
/// cores): it runs alone, the others' terminals each holding a turn meanwhile, so that
/// their waits are not measured against it.
static TURNS: std::sync::RwLock<()> = std::sync::RwLock::new(());

thread_local! {
    /// Set on the thread of the test that runs alone (its terminal takes no turn).
    static ALONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The whole machine for the rest of the calling test.
fn alone() -> std::sync::RwLockWriteGuard<'static, ()> {
    ALONE.with(|a| a.set(true));
    TURNS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The TUI running in a pseudo-terminal; a reader thread feeds everything the child
/// prints into a shared VT100 parser.
struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    /// The terminal's end: None once hung up ([`Tui::hang_up`]).
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    /// The reader stops after the next output once this is false (its end of the
    /// terminal closed with it).
    reading: Arc<std::sync::atomic::AtomicBool>,
    reader: Option<thread::JoinHandle<()>>,
    /// Held while the terminal is open, unless the test runs [`alone`].
    _turn: Option<std::sync::RwLockReadGuard<'static, ()>>,
    child: Box<dyn Child + Send + Sync>,
    exited: bool,
}

impl Tui {
    /// Start `xingji --db DB <args>` in a terminal of `cols`×`rows`.
    fn start(home: &Path, db: &Path, args: &[&str], cols: u16, rows: u16) -> Tui {
        Tui::start_in(home, db, args, (cols, rows), "C.UTF-8")
    }

    /// The same with another `LANG`.
    fn start_in(home: &Path, db: &Path, args: &[&str], size: (u16, u16), lang: &str) -> Tui {
        let env = [("LANG", lang), ("XINGJI_AMBIGUOUS", "narrow")];
        Tui::start_with(home, db, args, size, &env)
    }

    /// The same with these environment variables.
    fn start_with(
        home: &Path,
        db: &Path,
        args: &[&str],
        (cols, rows): (u16, u16),
        env: &[(&str, &str)],
    ) -> Tui {
        let turn = match ALONE.with(std::cell::Cell::get) {
            true => None,
            false => Some(
                TURNS
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
        };
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg("--db");
        cmd.arg(db);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("HOME", home);
        cmd.env("USER", "clerk");
        cmd.env("PATH", "/usr/bin:/bin");
        cmd.cwd(home);
        let child = pair.slave.spawn_command(cmd).expect("spawn xingji");
        // Only the child holds the slave side now: its exit ends the reader.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let sink = Arc::clone(&parser);
        let reading = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let still = Arc::clone(&reading);
        let reader = thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while still.load(std::sync::atomic::Ordering::SeqCst) {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().unwrap().process(&buf[..n]),
                }
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Tui {
            parser,
            master: Some(pair.master),
            writer: Some(writer),
            reading,
            reader: Some(reader),
            _turn: turn,
            child,
            exited: false,
        }
    }

    /// The link drops: the terminal's other end is closed, as sshd closes it. The
    /// kernel sends SIGHUP, and standard input reports the hang-up. `key` makes the
    /// program draw, so that the reader sees it is to stop.
    fn hang_up(&mut self, key: &str) {
        self.reading
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self.send(key);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("reader");
        }
        self.writer = None;
        self.master = None;
    }

    /// Type bytes, as a terminal sends them.
    fn send(&mut self, bytes: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(bytes.as_bytes()).expect("write to pty");
        writer.flush().expect("flush pty");
    }

    /// The screen as text, one line per row, trailing blanks kept off.
    fn screen(&self) -> String {
        let parser = self.parser.lock().unwrap();
        let (_, cols) = parser.screen().size();
        parser
            .screen()
            .rows(0, cols.get())
            .map(|r| r.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Poll the screen until `ok` holds; fail with the screen after the timeout, or at
    /// once if the program has ended.
    fn wait_for(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.screen();
            if ok(&text) {
                return text;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                self.exited = true;
                thread::sleep(Duration::from_millis(100));
                panic!(
                    "xingji ended ({status:?}) while waiting for {what}; screen:\n{}",
                    self.screen()
                );
            }
            if start.elapsed() > WAIT {
                panic!("timed out after {WAIT:?} waiting for {what}; screen:\n{text}");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until the screen shows `needle`.
    fn wait_text(&mut self, needle: &str) -> String {
        self.wait_for(&format!("{needle:?}"), |s| s.contains(needle))
    }

    /// Wait for the program to end; its exit code.
    fn wait_exit(&mut self, timeout: Duration) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for xingji") {
                self.exited = true;
                return status.exit_code();
            }
            if start.elapsed() > timeout {
                panic!(
                    "xingji still running {timeout:?} after the last key; screen:\n{}",
                    self.screen()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// After the program ended: wait until the terminal is as it was before (main
    /// screen, cursor shown, bracketed paste off).
    fn wait_restored(&self) {
        let start = Instant::now();
        loop {
            {
                let parser = self.parser.lock().unwrap();
                let screen = parser.screen();
                if !screen.alternate_screen() && !screen.hide_cursor() && !screen.bracketed_paste()
                {
                    return;
                }
            }
            if start.elapsed() > WAIT {
                panic!(
                    "the terminal was not restored after xingji ended; screen:\n{}",
                    self.screen()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Change the terminal's size, as a user dragging the window does (SIGWINCH).
    fn resize(&mut self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nz(rows), nz(cols));
        self.master
            .as_ref()
            .expect("the terminal is open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if !self.exited && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal size is not zero")
}

/// A temporary home and the path of a database in it (not yet made).
fn workspace() -> (TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.redb");
    (dir, db)
}

/// `xingji --db DB <args>` without a terminal; its standard output.
fn run(home: &Path, db: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_clear()
        .env("LANG", "C.UTF-8")
        .env("HOME", home)
        .env("USER", "clerk")
        .current_dir(home)
        .output()
        .expect("run xingji");
    assert!(
        out.status.success(),
        "xingji {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The CSV report's row of `name`, as its fields (the report header is
/// 年度,乡镇,村(社区),姓名,定量考核,组织评价,群众评议,加分,减分,总分,…).
fn report_row(home: &Path, db: &Path, name: &str) -> Vec<String> {
    let csv = run(home, db, &["report", "--year", YEAR, "--format", "csv"]);
    let csv = csv.trim_start_matches('\u{feff}');
    let header = csv.lines().next().expect("a header");
    assert!(
        header.starts_with("年度,乡镇,村(社区),姓名,定量考核,组织评价,群众评议,加分,减分,总分"),
        "{header}"
    );
    csv.lines()
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .find(|f| f.get(3).map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no row for {name} in the report:\n{csv}"))
}

/// 定量考核, 组织评价, 群众评议, 加分, 减分, 总分 of a report row.
fn figures(row: &[String]) -> Vec<&str> {
    row[4..10].iter().map(String::as_str).collect()
}

/// The total shown in the 评定结果 pane (`总分 73.81`).
fn shown_total(screen: &str) -> Option<String> {
    let at = screen.find("总分 ")? + "总分 ".len();
    let rest = &screen[at..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// Start the demo at 80×24, search for 欧阳娜娜 and open her screen.
fn open_secretary(home: &Path, db: &Path) -> Tui {
    let mut tui = Tui::start(home, db, &["demo"], 80, 24);
    tui.wait_for("the overview", |s| {
        s.contains("总览") && s.contains("星级与结果") && s.contains("录入进度")
    });
    tui.send("/");
    tui.wait_text("搜索:姓名");
    tui.send(NAME);
    tui.wait_for("the search popup to show the match", |s| {
        s.contains(&format!("/ {NAME}"))
            && s.contains(&format!(">{NAME}"))
            && s.contains("富民社区")
    });
    tui.send("\r");
    tui.wait_for("the secretary's screen", |s| {
        s.contains("| 书记")
            && s.contains(&format!("{NAME}  北旺庄街道 富民社区"))
            && s.contains("评定结果")
            && s.contains(">政治素质(6)")
    });
    tui
}

#[test]
fn a_clerk_enters_a_whole_form_and_the_report_shows_what_the_screen_showed() {
    let (home, db) = workspace();
    let mut tui = open_secretary(home.path(), &db);
    let screen = tui.screen();
    assert_eq!(
        shown_total(&screen).as_deref(),
        Some("73.81"),
        "the stored total before typing; screen:\n{screen}"
    );

    // Each value replaces the field, Enter saves it and the cursor moves to the next
    // field; after some fields the live total must have moved to the given figure.
    let steps: [(&str, &str, Option<&str>); 16] = [
        ("6", "履职尽责(7)", None),
        ("7", "廉洁自律(7)", None),
        ("7", "集体经济发展(15)", None),
        ("15", "增收项目(10)", None),
        ("10", "阵地建设(8)", None),
        ("8", "人居环境改善(7)", None),
        ("7", "基层组织建设(8)", None),
        ("8", "三务公开(5)", None),
        ("5", "风险隐患管控(7)", None),
        ("7", "精神文明创建(10)", None),
        ("10", "为民服务(10)", None),
        // Q = 100: (6000 + 1700 + 1487.2)/100 = 91.872.
        ("10", "组织评价", Some("91.87")),
        // 好 → O = 100: (6000 + 2000 + 1487.2)/100 = 94.872.
        ("1", "满意(票)", Some("94.87")),
        // 40/15/4 → M = 4900/59 = 83.05: 96.61.
        ("40", "基本满意(票)", Some("96.61")),
        // 40/0/4 → M = 4000/44 = 90.91: 98.182.
        ("0", "不满意(票)", Some("98.18")),
        // 40/0/0 → M = 100: 100.00.
        ("0", "加分(上限5)", Some("100.00")),
    ];
    let mut last = shown_total(&screen);
    for (value, next, total) in steps {
        tui.send(value);
        tui.send("\r");
        let expected_total = total.map(str::to_string);
        let screen = tui.wait_for(
            &format!("{value} saved, the cursor on {next}, total {total:?}"),
            |s| {
                s.contains(&format!(">{next}"))
                    && expected_total
                        .as_ref()
                        .is_none_or(|t| shown_total(s).as_ref() == Some(t))
            },
        );
        let now = shown_total(&screen);
        if total.is_some() {
            assert_ne!(now, last, "the total did not change; screen:\n{screen}");
        }
        last = now;
    }
    let screen = tui.screen();
    assert!(screen.contains("总分 100.00  优秀"), "screen:\n{screen}");
    assert!(screen.contains("已保存 不满意(票)"), "screen:\n{screen}");

    tui.send("\x03");
    assert_eq!(tui.wait_exit(Duration::from_secs(5)), 0, "Ctrl-C exits 0");
    tui.wait_restored();

    let row = report_row(home.path(), &db, NAME);
    assert_eq!(
        figures(&row),
        ["100.00", "100.00", "100.00", "0.00", "0.00", "100.00"],
        "report row: {row:?}"
    );
    assert_eq!(row[10], "优秀", "report row: {row:?}");
}

#[test]
fn a_small_terminal_is_told_so_and_ctrl_c_still_quits() {
    let (home, db) = workspace();
    let mut tui = Tui::start(home.path(), &db, &["demo"], 70, 20);
    let screen = tui.wait_text("终端窗口太小:70x20");
    assert!(screen.contains("至少需要 80x24"), "screen:\n{screen}");
    assert!(!screen.contains("星级与结果"), "screen:\n{screen}");

    // Enlarged to 80×24, the overview appears.
    tui.resize(80, 24);
    tui.wait_for("the overview after enlarging", |s| {
        s.contains("星级与结果") && !s.contains("终端窗口太小")
    });
    // And made small again, the message is back.
    tui.resize(79, 24);
    tui.wait_text("终端窗口太小:79x24");

    tui.send("\x03");
    assert_eq!(tui.wait_exit(Duration::from_secs(5)), 0, "Ctrl-C exits 0");
    tui.wait_restored();
}

#[test]
fn a_value_over_the_maximum_is_refused_and_not_saved() {
    let (home, db) = workspace();
    // Made without a terminal first (the demo then prints its report), so the report
    // before the session can be compared with the one after it.
    run(home.path(), &db, &["demo"]);
    let before = report_row(home.path(), &db, NAME);
    assert_eq!(
        figures(&before),
        ["69.90", "85.00", "74.36", "0.00", "0.00", "73.81"],
        "report row: {before:?}"
    );

    let mut tui = open_secretary(home.path(), &db);
    tui.send("9\r");
    let screen = tui.wait_text("超出满分");
    assert!(
        screen.contains("政治素质(6):9 超出满分 6(未保存;改正后 Enter,或按 Esc 放弃)"),
        "screen:\n{screen}"
    );
    // The cursor stays on the field, with what was typed.
    let focused = screen
        .lines()
        .find_map(|l| l.split_once(">政治素质(6)"))
        .map(|(_, rest)| rest.split_whitespace().next());
    assert_eq!(focused, Some(Some("9")), "screen:\n{screen}");
    assert_eq!(
        shown_total(&screen).as_deref(),
        Some("73.81"),
        "screen:\n{screen}"
    );

    tui.send("\x03");
    assert_eq!(tui.wait_exit(Duration::from_secs(5)), 0, "Ctrl-C exits 0");
    tui.wait_restored();
    assert_eq!(report_row(home.path(), &db, NAME), before);
}

#[test]
fn when_the_link_drops_the_saved_fields_are_kept() {
    let (home, db) = workspace();
    let mut tui = open_secretary(home.path(), &db);
    tui.send("5\r");
    tui.wait_for("政治素质 saved", |s| {
        s.contains(">履职尽责(7)") && s.contains("已保存 政治素质(6)")
    });
    // An SSH link that drops hangs up the terminal: SIGHUP, and nothing more.
    tui.child.clone_killer().kill().expect("send SIGHUP");
    assert_eq!(
        tui.wait_exit(Duration::from_secs(5)),
        128 + 1,
        "SIGHUP exit"
    );
    tui.wait_restored();
    // Q = 69.90 − 4.8 + 5 = 70.10: (60×70.1 + 20×85 + 20×74.36)/100 = 73.932.
    let row = report_row(home.path(), &db, NAME);
    assert_eq!(
        figures(&row),
        ["70.10", "85.00", "74.36", "0.00", "0.00", "73.93"],
        "report row: {row:?}"
    );
}

#[test]
fn a_terminal_without_a_utf8_locale_still_opens_and_says_how_to_fix_it() {
    let (home, db) = workspace();
    // SSH clients often send no LANG: the locale is then C.
    let mut tui = Tui::start_in(home.path(), &db, &["demo"], (80, 24), "C");
    // (The whole screen: its last line, the hint, comes with the same frame's end.)
    let screen = tui.wait_for("the overview and the locale hint", |s| {
        s.contains("星级与结果")
            && s.contains("录入进度")
            && s.contains("Set the terminal to UTF-8")
    });
    // One line, in both languages, whole at 80 columns.
    assert!(
        screen.contains("终端不是UTF-8") && screen.contains("Set the terminal to UTF-8"),
        "screen:\n{screen}"
    );
    tui.send("\x03");
    assert_eq!(tui.wait_exit(Duration::from_secs(5)), 0, "Ctrl-C exits 0");
    tui.wait_restored();
}

/// `xingji year status` of the demo's first township (北城街道).
fn first_township_stage(home: &Path, db: &Path) -> String {
    let status = run(home, db, &["year", "status", "--year", YEAR]);
    let line = status
        .lines()
        .find(|l| l.starts_with("北城街道"))
        .unwrap_or_else(|| panic!("no 北城街道 in:\n{status}"));
    line.split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn keys_pressed_while_the_terminal_is_too_small_do_nothing() {
    let (home, db) = workspace();
    run(home.path(), &db, &["demo"]);
    assert_eq!(first_township_stage(home.path(), &db), "录入");
    let mut tui = Tui::start(home.path(), &db, &[], 80, 24);
    tui.wait_text("星级与结果");
    tui.send("w");
    tui.wait_text("年度流程:录入");
    tui.send("\r");
    tui.wait_text("提交北城街道 2025 年度的考核结果?");
    // The window is made small while the question is open: it cannot be seen, and `y`
    // must not answer it.
    tui.resize(60, 15);
    tui.wait_text("终端窗口太小:60x15");
    tui.send("y");
    thread::sleep(Duration::from_millis(300));
    tui.resize(80, 24);
    let screen = tui.wait_text("提交北城街道 2025 年度的考核结果?");
    assert!(
        screen.contains("y 是"),
        "the question is still open:\n{screen}"
    );
    tui.send("n");
    tui.wait_text("已取消");
    tui.send("\x03");
    assert_eq!(tui.wait_exit(Duration::from_secs(5)), 0);
    tui.wait_restored();
    assert_eq!(
        first_township_stage(home.path(), &db),
        "录入",
        "nothing was submitted"
    );
}

#[test]
fn in_the_grid_a_letter_after_a_number_is_typed_and_brackets_start_on_the_first_item() {
    let (home, db) = workspace();
    run(home.path(), &db, &["demo"]);
    let before = run(
        home.path(),
        &db,
        &["report", "--year", YEAR, "--format", "csv"],
    );
    let mut tui = Tui::start(home.path(), &db, &[], 80, 24);
    tui.wait_text("星级与结果");
    tui.send("g");
    tui.wait_text("北城街道 | 录入 | 已完成 6/6");
    // To the grade column, then to the next township: the cursor starts on the first item.
    tui.send("\t\t\t");
    tui.send("]");
    let screen = tui.wait_text("南城街道 | 录入");
    let header = screen.lines().nth(2).unwrap_or_default().to_string();
    assert!(
        header.contains("政治素质"),
        "the first item is shown: {header}"
    );
    // `6` then `q`: the q is typed, so the grid stays and nothing is saved.
    tui.send("6");
    tui.send("q");
    thread::sleep(Duration::from_millis(300));
    let screen = tui.screen();
    assert!(
        screen.contains("南城街道 | 录入"),
        "the grid is still open:\n{screen}"
    );
    assert!(
        !screen.contains("星级与结果"),
        "not back on the overview:\n{screen}"
    );
    tui.send("\r");
    let screen = tui.wait_text("未保存");
    assert!(
        screen.contains("政治素质(6)"),
        "refused on Enter:\n{screen}"
    );
    tui.send("\x1b");
    tui.wait_text("已放弃输入");
    tui.send("\x03");
    assert_eq!(tui.wait_exit(Duration::from_secs(5)), 0);
    tui.wait_restored();
    let after = run(
        home.path(),
        &db,
        &["report", "--year", YEAR, "--format", "csv"],
    );
    assert_eq!(before, after, "nothing was saved");
}

#[test]
fn a_terminal_that_hangs_up_without_sighup_ends_the_program() {
    let (home, db) = workspace();
    run(home.path(), &db, &["demo"]);
    // `setsid`: xingji is in a session of its own, so closing the terminal sends it no
    // SIGHUP; its standard input just ends.
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new("setsid");
    cmd.args(["-w", BIN, "--db"]);
    cmd.arg(&db);
    cmd.env_clear();
    cmd.env("LANG", "C.UTF-8");
    cmd.env("TERM", "xterm-256color");
    cmd.env("XINGJI_AMBIGUOUS", "narrow");
    cmd.env("HOME", home.path());
    cmd.env("PATH", "/usr/bin:/bin");
    let mut child = pair.slave.spawn_command(cmd).expect("spawn");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut parser = vt100::Parser::new(nz(24), nz(80), 0);
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.process(&buf[..n]);
            if parser.screen().contents().contains("录入进度") {
                let _ = tx.send(());
                // This reader holds the terminal's other end open too: it goes now.
                break;
            }
        }
    });
    rx.recv_timeout(WAIT).expect("the overview");
    // The link drops: the terminal's other end is closed. (`setsid` itself may go
    // with it; what matters is xingji.)
    drop(pair.master);
    let running = || {
        Command::new("pgrep")
            .arg("-f")
            .arg(format!("{BIN} --db {}", db.display()))
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let start = Instant::now();
    while running() {
        if start.elapsed() > Duration::from_secs(2) {
            // Leave no spinning process behind.
            let _ = Command::new("pkill").arg("-f").arg(&db).status();
            panic!("xingji still running 2 s after its terminal hung up");
        }
        thread::sleep(Duration::from_millis(20));
    }
    let _ = child.wait();
}

#[test]
fn through_the_server_a_save_shows_on_another_open_screen_within_a_second() {
    let (home, db) = workspace();
    run(home.path(), &db, &["demo"]);
    let socket = home.path().join("xingji.sock");
    let mut server = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .arg("--socket")
        .arg(&socket)
        .arg("serve")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("xingji serve");
    let start = Instant::now();
    while !socket.exists() {
        assert!(start.elapsed() < WAIT, "the server did not start");
        thread::sleep(Duration::from_millis(20));
    }
    let socket_arg = socket.to_str().expect("a UTF-8 path");
    let args = ["--socket", socket_arg];
    // Two clerks' screens on the same secretary.
    let open = |tui: &mut Tui| {
        tui.wait_text("星级与结果");
        tui.send("/");
        tui.wait_text("搜索:姓名");
        tui.send(NAME);
        tui.wait_for("the match", |s| s.contains(&format!(">{NAME}")));
        tui.send("\r");
        tui.wait_for("her screen", |s| {
            s.contains(">政治素质(6)") && s.contains("总分 73.81")
        });
    };
    let mut a = Tui::start(home.path(), &db, &args, 80, 24);
    open(&mut a);
    let mut b = Tui::start(home.path(), &db, &args, 80, 24);
    open(&mut b);
    // A saves 5 for 政治素质 (4.8 before): Q 70.10, total 73.93.
    a.send("5\r");
    a.wait_text("已保存 政治素质(6)");
    let saved = Instant::now();
    b.wait_for("the new total on the other screen", |s| {
        s.contains("总分 73.93")
    });
    assert!(
        saved.elapsed() < Duration::from_secs(1),
        "{:?}",
        saved.elapsed()
    );
    // The report and a backup while both screens are open.
    let report = Command::new(BIN)
        .args([
            "--socket", socket_arg, "report", "--year", YEAR, "--format", "csv",
        ])
        .env("LANG", "C.UTF-8")
        .output()
        .expect("report");
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    assert!(String::from_utf8_lossy(&report.stdout).contains("73.93"));
    let backup = home.path().join("copy.redb");
    let out = Command::new(BIN)
        .args(["--socket", socket_arg, "backup", "--to"])
        .arg(&backup)
        .env("LANG", "C.UTF-8")
        .output()
        .expect("backup");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(backup.exists());
    for t in [&mut a, &mut b] {
        t.send("\x03");
        assert_eq!(t.wait_exit(Duration::from_secs(5)), 0);
    }
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn a_province_sized_file_dropped_by_the_link_keeps_its_year_read_for_the_next_start() {
    let _alone = alone();
    let (home, db) = workspace();
    // From 20,000 secretaries the screens keep the year as the server does, and its
    // lines in the file, so that the next start reads the year instead of scoring it.
    run(home.path(), &db, &["demo", "--size", "20000"]);
    let mut tui = Tui::start(home.path(), &db, &[], 80, 24);
    tui.wait_for("the year read", |s| {
        s.contains("录入进度") && !s.contains("正在读取")
    });
    // A save drops the year's lines from the file.
    tui.send("g");
    tui.wait_for("the grid", |s| s.contains("表格录入"));
    tui.send("\x1b[C\x1b[C");
    tui.send("5\r");
    tui.wait_for("a saved field", |s| s.contains("已保存"));
    // A hang-up in the first moment after a save may keep nothing yet (a known gap:
    // the next start then scores the year); a second later it keeps the year.
    std::thread::sleep(Duration::from_secs(1));
    // The link drops: SIGHUP, and standard input hung up, at once. The year is kept
    // as it stands before the program ends.
    tui.hang_up("\x1b[B");
    assert_eq!(
        tui.wait_exit(Duration::from_secs(10)),
        128 + 1,
        "hang-up exit"
    );
    let store = xingji::store::Store::open(&db).expect("open");
    assert!(store.has_kept_lines(2025).expect("read"));
}
