//! The terminal user interface (docs/architecture.md, "Screens and keys" and "Chinese text"): one screen per secretary, fast
//! keyboard entry, Chinese text aligned by display width.

pub mod app;
pub mod context;
pub mod entry;
pub use crate::service::fields;
pub mod keys;
pub mod popups;
pub mod screens;
pub mod theme;
pub mod widgets;

use std::collections::HashSet;
use std::io::{self, Write};

use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use ratatui::buffer::{Cell, CellDiffOption};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyModifiers,
};
use ratatui::crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::crossterm::{cursor, execute};

use crate::service::Watched;
pub use app::App;
use keys::Action;
pub use theme::Theme;

/// Is the locale UTF-8? The first set of LC_ALL, LC_CTYPE, LANG decides.
pub fn utf8_locale() -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "C".to_string())
        .to_ascii_lowercase();
    locale.contains("utf-8") || locale.contains("utf8")
}

/// The one-line hint of a terminal whose locale is not UTF-8 (SSH clients often send
/// no `LANG`, and then it is `C`): the program writes UTF-8 all the same.
pub const LOCALE_HINT: &str =
    "终端不是UTF-8:请把SSH客户端编码设为UTF-8 / Set the terminal to UTF-8";

fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// End the program when its terminal hangs up. A link that drops usually brings
/// SIGHUP; when it does not (the program in a session of its own, a client that just
/// closes), standard input only ends, and the input reader would wait on it forever.
/// A thread sleeps in poll(2) until the terminal reports a hang-up: no CPU meanwhile.
fn watch_for_hangup() {
    #[cfg(unix)]
    std::thread::spawn(|| {
        let mut fd = libc::pollfd {
            fd: libc::STDIN_FILENO,
            // Hang-up and errors are always reported; nothing else is asked for.
            events: 0,
            revents: 0,
        };
        loop {
            // SAFETY: one valid pollfd, for the length given.
            let n = unsafe { libc::poll(&raw mut fd, 1, -1) };
            if n > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                // Every saved field is already committed; the terminal is gone.
                exit_kept(128 + libc::SIGHUP);
            }
            if n < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return;
            }
        }
    });
}

/// Does this terminal draw an ambiguous-width character (`·`) in two cells?
/// Asked by printing one and reading the cursor position back.
fn probe_wide_ambiguous() -> bool {
    let mut out = io::stdout();
    if write!(out, "\r\u{b7}").and_then(|_| out.flush()).is_err() {
        return false;
    }
    let wide = matches!(cursor::position(), Ok((2, _)));
    let _ = write!(out, "\r   \r");
    let _ = out.flush();
    wide
}

/// What a process ended by a signal or a hang-up does first ([`exit_kept`]): keep the
/// lines of the year its screens keep (a large file's own), as quitting does, so that
/// the next start reads them instead of scoring the year (seconds for a province).
static ON_EXIT: std::sync::Mutex<Option<Box<dyn Fn() + Send + Sync>>> = std::sync::Mutex::new(None);

/// Set by the first thread that ends the process ([`exit_kept`]).
static EXITING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// How long a second reason to end (a hang-up is SIGHUP and the terminal's POLLHUP at
/// once) waits for the first to keep the year (about a second for a province).
const KEEPING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// End the process with `code`, the year's lines kept first ([`ON_EXIT`]). The first
/// caller keeps and ends; another meanwhile waits for it rather than end the process
/// under the keeping.
fn exit_kept(code: i32) -> ! {
    if EXITING.swap(true, std::sync::atomic::Ordering::SeqCst) {
        std::thread::sleep(KEEPING_WAIT);
        std::process::exit(code)
    }
    let keep = ON_EXIT.lock().ok().and_then(|mut hook| hook.take());
    if let Some(keep) = keep {
        keep();
    }
    std::process::exit(code)
}

/// Why the screens ended without the user's leaving.
#[derive(Debug)]
pub enum Stopped {
    /// The terminal failed.
    Terminal(io::Error),
    /// The data could not be read (a damaged file, a server gone): the reason.
    Refused(String),
}

impl From<io::Error> for Stopped {
    fn from(e: io::Error) -> Self {
        Stopped::Terminal(e)
    }
}

/// Run the TUI on a terminal until the user quits.
pub fn run(service: crate::service::Service, year: i16) -> Result<(), Stopped> {
    let mut theme = Theme::from_env();
    // The terminal is restored whatever happens: panic, SIGTERM, SIGHUP.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        hook(info);
    }));
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Every saved field is already committed; nothing is lost by leaving now.
            restore_terminal();
            exit_kept(128 + signal);
        }
    });

    watch_for_hangup();
    // Raw mode before the year is asked for: keys typed meanwhile (fast fingers, a
    // slow link) arrive as keys, not as an echoed line whose Enter is a line feed.
    terminal::enable_raw_mode()?;
    let mut app = match App::start(service, year, theme) {
        Ok(app) => app,
        Err(e) => {
            let _ = terminal::disable_raw_mode();
            return Err(Stopped::Refused(e.to_string()));
        }
    };
    if !utf8_locale() {
        app.ctx.info(LOCALE_HINT);
    }
    if std::env::var("XINGJI_AMBIGUOUS").is_err() {
        theme.wide_ambiguous = probe_wide_ambiguous();
        app.ctx.theme = theme;
    }
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    // Keys and, through the server, other users' changes arrive on one channel: the
    // loop sleeps on it (no tick; idle CPU stays 0).
    let (tx, rx) = std::sync::mpsc::channel();
    let keys = tx.clone();
    std::thread::spawn(move || {
        while let Ok(event) = event::read() {
            let mut events = vec![event];
            // What arrived with an Esc, in the same read: an arrow key it may have cut.
            while is_esc(&events[0])
                && events.len() < 3
                && event::poll(std::time::Duration::ZERO).unwrap_or(false)
            {
                match event::read() {
                    Ok(next) => events.push(next),
                    Err(_) => break,
                }
            }
            for event in arrow_after_esc(events) {
                if keys.send(Incoming::Terminal(event)).is_err() {
                    return;
                }
            }
        }
    });
    if let Some(loader) = app.ctx.loader.take() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            // A reading that failed, even by a panic, is done again on the main thread.
            let loaded = loader.join().unwrap_or_else(|_| {
                Err(crate::service::Refusal::Server("读取年度数据时出错".into()))
            });
            let _ = tx.send(Incoming::Loaded(Box::new(loaded)));
        });
    }
    if let Some(changes) = app.ctx.service.watch() {
        std::thread::spawn(move || {
            while let Ok(notice) = changes.recv() {
                if tx.send(Incoming::Changed(notice)).is_err() {
                    return;
                }
            }
        });
    }
    if let Some(keep) = app.ctx.service.line_keeper()
        && let Ok(mut hook) = ON_EXIT.lock()
    {
        *hook = Some(keep);
    }
    let result = Terminal::new(CrosstermBackend::new(io::stdout()))
        .and_then(|mut terminal| run_loop(&mut terminal, &mut app, || Ok(rx.recv().ok())));
    // The screens close themselves from here (the file closed cleanly with them); the
    // hook is dropped outside its lock.
    let hook = ON_EXIT.lock().ok().and_then(|mut hook| hook.take());
    drop(hook);
    restore_terminal();
    match app.ctx.fatal.take() {
        Some(reason) => Err(Stopped::Refused(reason)),
        None => Ok(result?),
    }
}

fn is_esc(event: &Event) -> bool {
    matches!(event, Event::Key(k) if k.code == KeyCode::Esc && k.modifiers.is_empty())
}

/// crossterm reads Esc and an arrow key that come in one read (fast fingers, or a slow
/// link that sends them in one packet: `ESC ESC [ B`) as Esc, `[`, `B`, and `[` means
/// "previous secretary". Esc followed at once by `[` or `O` and an arrow's letter is
/// Esc and that arrow.
fn arrow_after_esc(events: Vec<Event>) -> Vec<Event> {
    let char_of = |e: &Event| match e {
        Event::Key(k) if k.kind == event::KeyEventKind::Press => match k.code {
            KeyCode::Char(c) => Some(c),
            _ => None,
        },
        _ => None,
    };
    if let [esc, open, letter] = &events[..]
        && is_esc(esc)
        && matches!(char_of(open), Some('[' | 'O'))
    {
        let arrow = match char_of(letter) {
            Some('A') => Some(KeyCode::Up),
            Some('B') => Some(KeyCode::Down),
            Some('C') => Some(KeyCode::Right),
            Some('D') => Some(KeyCode::Left),
            Some('H') => Some(KeyCode::Home),
            Some('F') => Some(KeyCode::End),
            _ => None,
        };
        if let Some(arrow) = arrow {
            return vec![
                esc.clone(),
                Event::Key(KeyEvent::new(arrow, KeyModifiers::NONE)),
            ];
        }
    }
    events
}

/// A line feed is Enter: typed before the terminal was put in raw mode (the tty turned
/// Enter into one), or sent for Enter by the client; crossterm reads it as Ctrl-J.
fn line_feed_is_enter(event: Event) -> Event {
    match event {
        Event::Key(k) if k.code == KeyCode::Char('j') && k.modifiers == KeyModifiers::CONTROL => {
            Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
        }
        other => other,
    }
}

/// What the main loop waits for.
pub enum Incoming {
    /// A key, a paste or a resize.
    Terminal(Event),
    /// Another user changed the data, or the server went away or came back (told by
    /// the shared server's watching connection).
    Changed(crate::service::Watched),
    /// The year read while the first screen showed ([`App::start`]).
    Loaded(Box<Result<context::Loaded, crate::service::Refusal>>),
}

/// Is this event one that acts while the year is still on its way (the others wait
/// for it, in order)? Ctrl-C, and a resize.
fn acts_at_once(event: &Event) -> bool {
    match event {
        Event::Key(k) => {
            k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL)
        }
        Event::Resize(..) => true,
        _ => false,
    }
}

/// The main loop, generic over the backend so that whole sessions run in tests.
/// Draws only after an event that did something: no tick, idle CPU stays at 0.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut next_event: impl FnMut() -> io::Result<Option<Incoming>>,
) -> io::Result<()> {
    let fail = |e: B::Error| io::Error::other(e.to_string());
    let size = terminal.size().map_err(fail)?;
    app.update(Action::Resize(size.width, size.height));
    let mut pads = HashSet::new();
    // Keys typed while the year is on its way, and those to hand on once it is here.
    let mut held: Vec<Event> = Vec::new();
    let mut ready: std::collections::VecDeque<Event> = std::collections::VecDeque::new();
    let mut changed_meanwhile = false;
    loop {
        if app.ctx.theme.wide_ambiguous {
            blank_new_pads(terminal, app, &mut pads).map_err(fail)?;
        }
        terminal.draw(|frame| app.view(frame)).map_err(fail)?;
        if app.quit() {
            return Ok(());
        }
        let mut changed = false;
        while !changed {
            let incoming = match ready.pop_front() {
                Some(event) => Some(Incoming::Terminal(event)),
                None => next_event()?,
            };
            let event = match incoming {
                None => return Ok(()),
                // Another user's change while the year is on its way: read again
                // once it is here (it may have been read before the change).
                // (The server back meanwhile: the same.)
                Some(Incoming::Changed(watched @ (Watched::Changed(_) | Watched::Back)))
                    if app.ctx.loading() =>
                {
                    app.ctx.offline &= !matches!(watched, Watched::Back);
                    changed_meanwhile = true;
                    continue;
                }
                Some(Incoming::Changed(watched)) => {
                    app.watched(watched);
                    changed = true;
                    continue;
                }
                Some(Incoming::Loaded(loaded)) => {
                    app.loaded(*loaded);
                    if std::mem::take(&mut changed_meanwhile) {
                        app.update(Action::Refresh);
                    }
                    ready.extend(held.drain(..));
                    changed = true;
                    continue;
                }
                Some(Incoming::Terminal(event)) if app.ctx.loading() && !acts_at_once(&event) => {
                    held.push(event);
                    continue;
                }
                Some(Incoming::Terminal(event)) => event,
            };
            let actions: Vec<Action> = match line_feed_is_enter(event) {
                // Esc followed quickly by a key arrives as Alt+key (slow links, fast
                // fingers): it is both keys.
                Event::Key(key)
                    if key.modifiers.contains(KeyModifiers::ALT)
                        && matches!(key.code, KeyCode::Char(_)) =>
                {
                    let plain = KeyEvent {
                        modifiers: key.modifiers - KeyModifiers::ALT,
                        ..key
                    };
                    app.update(Action::Cancel);
                    changed = true;
                    app.action(plain).into_iter().collect()
                }
                Event::Key(key) => app.action(key).into_iter().collect(),
                Event::Paste(text) => vec![Action::Paste(text)],
                Event::Resize(w, h) => vec![Action::Resize(w, h)],
                _ => Vec::new(),
            };
            for a in actions {
                app.update(a);
                changed = true;
            }
        }
    }
}

/// In wide-ambiguous mode the cell after an ambiguous character (`·`) is left to the
/// terminal, which draws the character across both. A terminal that draws it narrow
/// after all would show whatever an earlier screen left in that cell: so each cell
/// that becomes such a pad is blanked first, before the frame draws the character
/// over it (wide: covering the blank; narrow: beside it).
fn blank_new_pads<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &App,
    pads: &mut HashSet<(u16, u16)>,
) -> Result<(), B::Error> {
    let size = terminal.size()?;
    let mut scratch =
        Terminal::new(TestBackend::new(size.width, size.height)).map_err(|e| match e {})?;
    let frame = scratch.draw(|f| app.view(f)).map_err(|e| match e {})?;
    let buffer = frame.buffer;
    let now: HashSet<(u16, u16)> = buffer
        .content()
        .iter()
        .enumerate()
        .filter(|(_, cell)| cell.diff_option == CellDiffOption::Skip)
        .map(|(i, _)| {
            let p = buffer.pos_of(i);
            (p.0, p.1)
        })
        .collect();
    let blank = Cell::new(" ");
    let fresh: Vec<(u16, u16, &Cell)> =
        now.difference(pads).map(|&(x, y)| (x, y, &blank)).collect();
    if !fresh.is_empty() {
        terminal.backend_mut().draw(fresh.into_iter())?;
    }
    *pads = now;
    Ok(())
}

#[cfg(test)]
mod tests;
