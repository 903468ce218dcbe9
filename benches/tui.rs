//! docs/architecture.md, "Performance", in process: start to first screen, key press to finished frame at
//! 200×50 (p50/p99), and bytes sent to the terminal for one typed digit; start and a
//! save through a server running in this process.
//!
//! `cargo bench --bench tui` (scales: `XINGJI_BENCH_SCALES=20000,100000`; parts:
//! `XINGJI_BENCH_PARTS=start`, see [`wanted`]).

// A benchmark may unwrap: a failed unwrap stops it with its location.
#![allow(clippy::unwrap_used)]

mod common;

use std::cell::Cell;
use std::io::{self, Write};
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

use common::{Stats, report, roster, sample, scales, show};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use xingji::service::Service;
use xingji::tui::keys::Action;
use xingji::tui::screens::ScreenId as Screen;
use xingji::tui::{App, Theme};

/// Colours on, ambiguous characters narrow: the common terminal.
const THEME: Theme = Theme {
    color: true,
    wide_ambiguous: false,
};

/// A writer that only counts what the terminal would be sent.
#[derive(Clone, Default)]
struct Counter(Rc<Cell<u64>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len() as u64);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Real = Terminal<CrosstermBackend<Counter>>;

/// The real backend (crossterm escape sequences, ratatui's cell diff) over a counting
/// writer of a fixed `w`×`h` screen.
fn terminal(w: u16, h: u16) -> (Real, Counter) {
    let counter = Counter::default();
    let terminal = Terminal::with_options(
        CrosstermBackend::new(counter.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .expect("terminal");
    (terminal, counter)
}

fn open(path: &Path) -> App {
    let service = Service::open(path, "bench").expect("open");
    let year = service.working_year(None).expect("year");
    App::new(service, year, THEME).expect("app")
}

/// As `xingji` starts on a file it opens itself: Store::open_to_show (a large file's
/// pages checked on the side after the first screen), the screens' service (a large
/// file's year kept as the server keeps it), App::start and one view into an 80×24
/// TestBackend; then when the year has arrived, checked (keys act).
fn start(label: &str, path: &Path, budget: Duration) {
    let (mut open_t, mut app_t, mut draw_t) = (Vec::new(), Vec::new(), Vec::new());
    let mut arrived = Vec::new();
    let stats = sample(1, 200, budget, || {
        let t0 = Instant::now();
        let service = Service::open_to_show(path, "bench").expect("open");
        let service = service.for_screens().expect("screens");
        let year = service.working_year(None).expect("year");
        let t1 = Instant::now();
        let mut app = App::start(service, year, THEME).expect("app");
        app.update(Action::Resize(80, 24));
        let t2 = Instant::now();
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        terminal.draw(|f| app.view(f)).expect("draw");
        let t3 = Instant::now();
        if let Some(loader) = app.ctx.loader.take() {
            app.loaded(loader.join().expect("loader"));
        }
        arrived.push(t0.elapsed());
        open_t.push(t1 - t0);
        app_t.push(t2 - t1);
        draw_t.push(t3 - t2);
        if app.ctx.parted() {
            // A kept year's orders and search index are still being made on the side:
            // the next start is not to share the cores with them (outside the timing).
            std::thread::sleep(Duration::from_secs(2));
        }
        drop(app); // closes the database (outside the timing)
        t3 - t0
    });
    report(&format!("[{label}] start to first screen (80x24)"), &stats);
    for (what, v) in [
        ("Service::open_to_show + working_year", open_t),
        ("App::start", app_t),
        ("first view (overview)", draw_t),
        ("the year arrived (keys act) after", arrived),
    ] {
        report(
            &format!("[{label}]   of which {what}"),
            &Stats { samples: v },
        );
    }
}

/// One step: `update(action)` (and its follow-ups, as run_loop does) + draw.
fn step(app: &mut App, terminal: &mut Real, counter: &Counter, action: Action) -> (Duration, u64) {
    let before = counter.0.get();
    let t = Instant::now();
    app.update(action);
    terminal.draw(|f| app.view(f)).expect("draw");
    (t.elapsed(), counter.0.get() - before)
}

struct Keys {
    label: String,
    budget: Duration,
    bytes: Vec<(String, Vec<u64>)>,
}

impl Keys {
    /// Time `f` (which returns one step's time and bytes) and print it; how many
    /// timed runs (after the warm-up) there were.
    fn run(&mut self, what: &str, mut f: impl FnMut() -> (Duration, u64)) -> usize {
        let mut bytes = Vec::new();
        let stats = sample(3, 2000, self.budget, || {
            let (d, b) = f();
            bytes.push(b);
            d
        });
        report(&format!("[{}] {what}, 200x50", self.label), &stats);
        let n = stats.samples.len();
        self.bytes
            .push((what.to_string(), bytes.split_off(bytes.len() - n)));
        n
    }

    /// Print steps timed inside another's loop.
    fn add(&mut self, what: &str, steps: Vec<(Duration, u64)>) {
        let stats = Stats {
            samples: steps.iter().map(|(d, _)| *d).collect(),
        };
        report(&format!("[{}] {what}, 200x50", self.label), &stats);
        self.bytes
            .push((what.to_string(), steps.iter().map(|(_, b)| *b).collect()));
    }
}

/// Type a digit, Enter (which saves it and moves on), `back` to where it was; each
/// timed.
fn digit_enter_back(
    k: &mut Keys,
    app: &mut App,
    s: &mut impl FnMut(&mut App, Action) -> (Duration, u64),
    screen: &str,
    back: Action,
) {
    let mut digit = b'4';
    let (mut enters, mut ups, mut refused) = (Vec::new(), Vec::new(), 0);
    let n = k.run(&format!("{screen}: type one digit"), || {
        // Alternate 4 and 5 so that every Enter really writes.
        digit = if digit == b'4' { b'5' } else { b'4' };
        let r = s(app, Action::Input(digit as char));
        // Enter: validate, save to redb (one durable transaction), re-rate, move on.
        enters.push(s(app, Action::Submit));
        let e = entry(app);
        refused += usize::from(e.error.is_some() || e.edit.is_some());
        ups.push(s(app, back.clone()));
        r
    });
    // The last n of each are the timed runs (the first were the warm-up).
    k.add(
        &format!("{screen}: Enter (save to redb + re-rate the year)"),
        enters.split_off(enters.len() - n),
    );
    k.add(
        &format!("{screen}: {back:?} (back)"),
        ups.split_off(ups.len() - n),
    );
    if refused > 0 {
        println!(
            "[{}]   {screen}: {refused} of the Enters did not save",
            k.label
        );
    }
    // Leave nothing pending (a refused value would keep the screen from closing).
    entry(app).reset();
}

/// Down the list (from the top again at its end), then type and erase a name in the
/// search box; each key timed. The list is left open.
fn list_and_search(
    k: &mut Keys,
    app: &mut App,
    s: &mut impl FnMut(&mut App, Action) -> (Duration, u64),
    list: &str,
) {
    s(app, Action::OpenList);
    k.run(list, || {
        if app.list.paged.pick.selected + 1 >= app.list.paged.rows.total {
            s(app, Action::First);
        }
        s(app, Action::Down)
    });
    s(app, Action::OpenSearch);
    let keys: Vec<Action> = "zhang"
        .chars()
        .map(Action::Input)
        .chain(std::iter::repeat_n(Action::Backspace, 5))
        .collect();
    let mut i = 0;
    k.run("search popup: type/erase 'zhang', per key", || {
        let a = keys[i % keys.len()].clone();
        i += 1;
        s(app, a)
    });
    s(app, Action::Cancel);
}

/// The field being typed into: the form's or the grid's.
fn entry(app: &mut App) -> &mut xingji::tui::entry::Entry {
    if app.screen == Screen::Grid {
        &mut app.grid.entry
    } else {
        &mut app.secretary.entry
    }
}

/// Key press to finished frame at 200×50 on every screen.
fn keys(label: &str, path: &Path, budget: Duration) {
    let mut app = open(path);
    let (mut term, counter) = terminal(200, 50);
    app.update(Action::Resize(200, 50));
    term.draw(|f| app.view(f)).expect("draw");
    let mut k = Keys {
        label: label.to_string(),
        budget,
        bytes: Vec::new(),
    };
    let mut s = |app: &mut App, a: Action| step(app, &mut term, &counter, a);

    assert_eq!(app.screen, Screen::Overview);
    k.run("overview: Tab (switch the right pane)", || {
        s(&mut app, Action::TogglePane)
    });

    list_and_search(&mut k, &mut app, &mut s, "list: Down");

    s(&mut app, Action::First);
    s(&mut app, Action::Open);
    assert_eq!(app.screen, Screen::Secretary);
    digit_enter_back(&mut k, &mut app, &mut s, "form", Action::Up);
    k.run("form: ] (next secretary)", || {
        s(&mut app, Action::NextSecretary)
    });
    s(&mut app, Action::Help);
    k.run("help: Down", || s(&mut app, Action::Down));
    s(&mut app, Action::Cancel);

    // The district screens, each from the overview.
    for (name, open, screen) in [
        ("grid (g)", Action::OpenGrid, Screen::Grid),
        ("workflow (w)", Action::OpenWorkflow, Screen::Workflow),
        ("audit log", Action::OpenAudit, Screen::Audit),
        (
            "rectifications",
            Action::OpenRectifications,
            Screen::Rectify,
        ),
        ("pool", Action::OpenPool, Screen::Pool),
    ] {
        s(&mut app, Action::Home);
        s(&mut app, open);
        if app.screen != screen {
            println!("[{label}] {name}: did not open ({:?})", app.ctx.status);
            continue;
        }
        k.run(&format!("{name}: Down"), || s(&mut app, Action::Down));
        if screen == Screen::Grid {
            // Enter runs along the row: type into the first column, come back Left.
            while app.grid.entry.field > 0 {
                s(&mut app, Action::Left);
            }
            digit_enter_back(&mut k, &mut app, &mut s, name, Action::Left);
        }
    }

    for (what, mut bytes) in k.bytes {
        bytes.sort();
        println!(
            "[{label}]   bytes sent per frame, {what}: median {} max {}",
            bytes[bytes.len() / 2],
            bytes.last().copied().unwrap_or(0)
        );
    }
}

/// Through a running server (in this process, on a Unix socket): start to first
/// screen as `xingji --socket` starts (connect, App::start, the overview drawn), when
/// the year has arrived, and a save on the form with what it moves sent back.
fn served(label: &str, path: &Path, budget: Duration) {
    let dir = tempfile::tempdir().expect("tempdir");
    let socket = dir.path().join("x.sock");
    let listener = xingji::server::bind(&socket).expect("bind");
    let store = xingji::store::Store::open(path).expect("open");
    let server = xingji::server::Server::new(store, Box::new(|_| Ok("bench".to_string())));
    // As `xingji serve` does when it starts: the working year read and counted.
    let (_, warm) = common::timed(|| server.keep_working_year());
    std::thread::spawn(move || server.run(&listener));
    println!("[{label}] server: year read and counted in {}", show(warm));
    let mut arrived = Vec::new();
    let stats = sample(1, 50, budget, || {
        let t0 = Instant::now();
        let service = Service::connect(&socket).expect("connect");
        let year = service.working_year(None).expect("year");
        let mut app = App::start(service, year, THEME).expect("app");
        app.update(Action::Resize(80, 24));
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        terminal.draw(|f| app.view(f)).expect("draw");
        let first = t0.elapsed();
        if let Some(loader) = app.ctx.loader.take() {
            app.loaded(loader.join().expect("loader"));
        }
        arrived.push(t0.elapsed());
        first
    });
    report(
        &format!("[{label}] through the server: start to first screen (80x24)"),
        &stats,
    );
    report(
        &format!("[{label}]   the year arrived (keys act) after"),
        &Stats { samples: arrived },
    );

    // A district user's client as it starts: one township's part of the year; the
    // list, the search and other townships asked of the server.
    let service = Service::connect(&socket).expect("connect");
    let year = service.working_year(None).expect("year");
    let mut app = App::start(service, year, THEME).expect("app");
    if let Some(loader) = app.ctx.loader.take() {
        app.loaded(loader.join().expect("loader"));
    }
    let (mut term, counter) = terminal(200, 50);
    app.update(Action::Resize(200, 50));
    term.draw(|f| app.view(f)).expect("draw");
    let mut k = Keys {
        label: format!("{label}, through the server"),
        budget,
        bytes: Vec::new(),
    };
    let mut s = |app: &mut App, a: Action| step(app, &mut term, &counter, a);
    list_and_search(
        &mut k,
        &mut app,
        &mut s,
        "list: Down (a window read every 44 rows)",
    );
    s(&mut app, Action::Open);
    digit_enter_back(&mut k, &mut app, &mut s, "form", Action::Up);
    k.run(
        "form: ] (next secretary; another township's part read at its first)",
        || s(&mut app, Action::NextSecretary),
    );
    s(&mut app, Action::OpenGrid);
    k.run("grid: ] (next township: its part read)", || {
        s(&mut app, Action::NextTownship)
    });
    // The workflow: every township's progress from the server, the selected
    // township's part read at each move (from the top again at its end).
    s(&mut app, Action::Home);
    s(&mut app, Action::OpenWorkflow);
    assert_eq!(app.screen, Screen::Workflow);
    k.run("workflow: Down (the next township's part read)", || {
        if app.workflow.pick.selected + 1 >= app.ctx.visible_townships().len() {
            s(&mut app, Action::First);
        }
        s(&mut app, Action::Down)
    });
}

/// What the disk's fsync costs beside a save: a durable redb commit of one small value
/// in a file of its own, in the directory the bench's files are in. A save's target is
/// 2 ms beyond this.
fn disk_commit(label: &str, dir: &Path, budget: Duration) {
    const TABLE: redb::TableDefinition<u64, u64> = redb::TableDefinition::new("t");
    let db = redb::Database::create(dir.join(format!("{label}-commit.redb"))).expect("db");
    let mut n = 0u64;
    let stats = sample(10, 2000, budget, || {
        n += 1;
        let t0 = Instant::now();
        let txn = db.begin_write().expect("write");
        txn.open_table(TABLE)
            .expect("table")
            .insert(n % 64, n)
            .expect("insert");
        txn.commit().expect("commit");
        t0.elapsed()
    });
    report(
        &format!("[{label}] the disk alone: a durable commit of one value"),
        &stats,
    );
}

/// The §13 bytes figure: draw the form once, type one digit, draw again; the bytes
/// of the second draw through the real crossterm backend.
fn digit_bytes(label: &str, path: &Path, w: u16, h: u16) {
    let mut app = open(path);
    app.update(Action::Resize(w, h));
    app.update(Action::OpenList);
    app.update(Action::Open);
    let (mut term, counter) = terminal(w, h);
    term.draw(|f| app.view(f)).expect("draw");
    let first = counter.0.get();
    let (_, bytes) = step(&mut app, &mut term, &counter, Action::Input('5'));
    println!(
        "[{label}] bytes for one typed digit in a form at {w}x{h}: {bytes} (first full frame: {first})"
    );
}

fn main() {
    // As the program does before its screens or its server.
    xingji::service::map_large_blocks();
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it as a quick check.
    let quick = !std::env::args().any(|a| a == "--bench");
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.redb");
    drop(xingji::demo::open(&demo, "bench").expect("demo"));
    if quick {
        let budget = Duration::from_millis(50);
        digit_bytes("demo", &demo, 80, 24);
        disk_commit("demo", dir.path(), budget);
        start("demo", &demo, budget);
        keys("demo", &demo, budget);
        served("demo", &demo, budget);
        return;
    }
    let n = Service::open(&demo, "bench")
        .and_then(|s| s.district())
        .map(|d| d.secretary_count())
        .unwrap_or(0);
    println!("demo district: {n} secretaries");
    // The digit first, on the demo as it ships (keys() below saves many values).
    if wanted("digit") {
        digit_bytes("demo", &demo, 80, 24);
        digit_bytes("demo", &demo, 200, 50);
    }
    if wanted("start") {
        start("demo", &demo, Duration::from_secs(5));
    }
    if wanted("keys") {
        disk_commit("demo", dir.path(), Duration::from_secs(3));
        keys("demo", &demo, Duration::from_secs(3));
    }
    if wanted("served") {
        served("demo", &demo, Duration::from_secs(3));
    }

    for n in scales() {
        let label = format!("{n}");
        let path = dir.path().join(format!("{n}.redb"));
        let t = Instant::now();
        drop(common::build_store(&path, &roster(n)));
        println!("[{label}] generated database in {}", show(t.elapsed()));
        if wanted("digit") {
            digit_bytes(&label, &path, 80, 24);
        }
        if wanted("start") {
            start(&label, &path, Duration::from_secs(20));
        }
        if wanted("keys") {
            disk_commit(&label, dir.path(), Duration::from_secs(5));
            keys(&label, &path, Duration::from_secs(20));
        }
        if wanted("served") {
            served(&label, &path, Duration::from_secs(20));
        }
    }
}

/// Is this part of the bench to run? `XINGJI_BENCH_PARTS=start,keys` runs only those
/// (of digit, start, keys, served); unset, all.
fn wanted(part: &str) -> bool {
    std::env::var("XINGJI_BENCH_PARTS")
        .map_or(true, |parts| parts.split(',').any(|p| p.trim() == part))
}
