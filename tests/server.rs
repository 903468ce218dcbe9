//! The shared server (`xingji serve`) and its clients in one process: who the kernel
//! says a client is decides what it may do; changes reach other clients' screens;
//! conflicts, broken and hostile connections, and fifty clients at once.
//!
//! A test cannot make Unix users, so here the server is told each connection's user
//! in connection order (`Identify`); `real_unix_users_through_the_real_binary` does it
//! with real users when run as root.

// A test may unwrap: a failed unwrap stops it with its location.
#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use xingji::domain::Role;
use xingji::exchange::parse_csv;
use xingji::server::{Server, bind};
use xingji::service::protocol::{Hello, PROTOCOL, Request, read_frame, write_frame};
use xingji::service::rows::{Filter, Focus, Window};
use xingji::service::search::Finder;
use xingji::service::{AuditFilter, Refusal, SaveAssessment, Service};
use xingji::store::Store;

const YEAR: i16 = 2025;
const SHENTOU: &str = "神头镇";
const LIMIN: &str = "利民镇";

/// A server on a temporary socket, over the demo district (made by user "admin"),
/// with the users admin (district) and clerk (神头镇).
struct Fixture {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    users: Arc<Mutex<VecDeque<String>>>,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.redb");
        {
            let admin = Service::create(&db, xingji::scoring::DEFAULT_SCHEME, "admin").unwrap();
            admin
                .import_roster("roster", parse_csv(xingji::demo::DEMO_ROSTER).unwrap())
                .unwrap();
            for (year, text) in xingji::demo::DEMO_SCORES {
                admin
                    .import_scores("scores", parse_csv(text).unwrap(), year)
                    .unwrap();
            }
            let shentou = admin.townships(Some(SHENTOU)).unwrap()[0];
            admin.put_user("clerk", Role::Township(shentou)).unwrap();
        }
        let socket = dir.path().join("xingji.sock");
        let listener = bind(&socket).unwrap();
        let users: Arc<Mutex<VecDeque<String>>> = Arc::default();
        let queue = Arc::clone(&users);
        let server = Server::new(
            Store::open(&db).unwrap(),
            Box::new(move |_| {
                Ok(queue
                    .lock()
                    .unwrap()
                    .pop_front()
                    .unwrap_or_else(|| "nobody".into()))
            }),
        );
        std::thread::spawn(move || server.run(&listener));
        Fixture {
            _dir: dir,
            socket,
            users,
        }
    }

    /// A client that the server takes for `user`.
    fn client(&self, user: &str) -> Result<Service, Refusal> {
        self.users.lock().unwrap().push_back(user.to_string());
        Service::connect(&self.socket)
    }

    /// A raw connection, as `user`, after a correct hello.
    fn raw(&self, user: &str) -> UnixStream {
        self.users.lock().unwrap().push_back(user.to_string());
        let mut stream = UnixStream::connect(&self.socket).unwrap();
        let hello = Hello {
            protocol: PROTOCOL,
            version: "test".into(),
        };
        write_frame(&mut stream, &hello).unwrap();
        let welcome: Option<Result<xingji::service::protocol::Welcome, Refusal>> =
            read_frame(&mut stream).unwrap();
        assert!(matches!(welcome, Some(Ok(_))), "{welcome:?}");
        stream
    }
}

fn township_names(service: &Service, book: &xingji::service::YearBook) -> Vec<String> {
    let _ = service;
    let mut names: Vec<String> = book
        .entries
        .iter()
        .filter_map(|e| {
            book.district
                .place(e.secretary)
                .map(|(t, _)| t.name.to_string())
        })
        .collect();
    names.dedup();
    names
}

#[test]
fn a_server_and_two_clients_each_see_and_change_what_their_role_allows() {
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let clerk = f.client("clerk").unwrap();
    assert_eq!(admin.actor().role, Role::District);
    assert!(matches!(clerk.actor().role, Role::Township(_)));
    assert!(clerk.is_remote());

    // The clerk's year holds only 神头镇; the district's every township.
    let theirs = clerk.book(YEAR).unwrap();
    assert_eq!(township_names(&clerk, &theirs), [SHENTOU]);
    assert!(township_names(&admin, &admin.book(YEAR).unwrap()).len() > 10);
    // Quotas are the district's: the clerk sees the same stars as the district.
    let all = admin.book(YEAR).unwrap();
    for e in &theirs.entries {
        assert_eq!(all.entry(e.secretary).unwrap().rated(), e.rated());
    }
    // An import with a 利民镇 row is refused whole; one of 神头镇 only lands.
    let header = xingji::demo::DEMO_SCORES[1].1.lines().next().unwrap();
    let rows: Vec<&str> = xingji::demo::DEMO_SCORES[1]
        .1
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(SHENTOU) || l.starts_with(LIMIN))
        .collect();
    let mixed = format!("{header}\n{}\n", rows.join("\n"));
    let before = admin.audit_log(&AuditFilter::default()).unwrap().len();
    let refused = clerk.import_scores("mixed.csv", parse_csv(&mixed).unwrap(), YEAR);
    assert!(
        matches!(&refused, Err(Refusal::Rows { errors, .. }) if errors.iter().all(|e| e.message.contains(LIMIN))),
        "{refused:?}"
    );
    assert_eq!(
        admin.audit_log(&AuditFilter::default()).unwrap().len(),
        before
    );
    let own: Vec<&str> = rows
        .iter()
        .copied()
        .filter(|l| l.starts_with(SHENTOU))
        .collect();
    let own = format!("{header}\n{}\n", own.join("\n"));
    let s = clerk
        .import_scores("shentou.csv", parse_csv(&own).unwrap(), YEAR)
        .unwrap();
    assert_eq!(s.rows, 11);
    // The audit log names the user the server knows, and the clerk reads only theirs.
    let log = admin.audit_log(&AuditFilter::default()).unwrap();
    assert!(
        log.iter()
            .any(|e| e.user == "clerk" && e.what.contains("shentou.csv"))
    );
    for e in clerk.audit_log(&AuditFilter::default()).unwrap() {
        assert!(!e.what.contains(LIMIN), "{e:?}");
    }
    // Another township's notice, or its name in a filter, is refused to the clerk.
    assert!(matches!(
        clerk.township_named(LIMIN),
        Err(Refusal::CannotSee { .. })
    ));
    assert!(admin.township_named(LIMIN).is_ok());
    // District-only steps are refused to the clerk, with the service's own words.
    let users = clerk.users();
    assert!(
        matches!(users, Err(Refusal::DistrictOnly { .. })),
        "{users:?}"
    );
}

#[test]
fn windows_and_searches_through_the_server_hold_what_the_user_may_see() {
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let clerk = f.client("clerk").unwrap();
    let theirs = clerk.book(YEAR).unwrap();
    let all = admin.book(YEAR).unwrap();
    // A window of the list, asked of the server, holds the clerk's township only,
    // whatever the filter says; the district's holds everyone.
    let limin = admin.townships(Some(LIMIN)).unwrap()[0];
    let every = |service: &Service, filter: Filter| {
        let window = Window {
            filter,
            count: 10_000,
            ..Window::default()
        };
        service.rows(&theirs, &window).unwrap()
    };
    let mine = every(&clerk, Filter::All);
    assert_eq!(mine.total, theirs.people().len());
    assert!(mine.rows.iter().all(|r| r.township == SHENTOU));
    assert_eq!(every(&clerk, Filter::Township(limin)).total, 0);
    assert!(
        every(&clerk, Filter::Pool)
            .rows
            .iter()
            .all(|r| r.township == SHENTOU)
    );
    assert_eq!(every(&admin, Filter::All).total, all.people().len());
    assert!(every(&admin, Filter::Township(limin)).total > 0);
    // A search is answered by the server: the clerk finds only 神头镇's people, the
    // district everyone; typed a key at a time (narrowed on the server) it finds
    // what the whole query finds at once.
    let find = |service: &Service, query: &str| {
        let mut finder = Finder::default();
        let hits = service.search(&theirs, &mut finder, query, 500).unwrap();
        (hits.total, hits.rows)
    };
    let (_, everyone) = find(&admin, "cun");
    assert!(everyone.iter().any(|r| r.township == LIMIN));
    let (_, theirs_found) = find(&clerk, "cun");
    assert!(!theirs_found.is_empty());
    assert!(theirs_found.iter().all(|r| r.township == SHENTOU));
    assert_eq!(
        find(&admin, LIMIN).0,
        every(&admin, Filter::Township(limin)).total
    );
    assert_eq!(find(&clerk, LIMIN).0, 0);
    // Names asked of the server: a clerk is told only their own township's.
    let limin_people = all.people_of(limin).to_vec();
    let named = admin.names(&limin_people).unwrap();
    assert_eq!(named.len(), limin_people.len());
    assert!(
        named
            .iter()
            .all(|n| n.township == LIMIN && !n.name.is_empty())
    );
    assert!(clerk.names(&limin_people).unwrap().is_empty());
    let own = theirs.people_of(theirs.townships()[0]).to_vec();
    assert_eq!(clerk.names(&own).unwrap().len(), own.len());
    let fresh = f.client("admin").unwrap();
    let mut finder = Finder::default();
    let mut typed = String::new();
    for c in "zhangcai".chars() {
        typed.push(c);
        let hits = admin.search(&theirs, &mut finder, &typed, 500).unwrap();
        // (A query that is not the last one grown makes the server search afresh.)
        find(&fresh, "#");
        assert_eq!((hits.total, hits.rows), find(&fresh, &typed), "{typed}");
    }
}

/// Save `text` as the notes of `id`, from the notes `book` holds.
fn save_notes(
    service: &Service,
    book: &xingji::service::YearBook,
    id: u32,
    text: &str,
) -> Result<Option<xingji::service::Rerated>, Refusal> {
    let before = book.entry(id).map(|e| e.to_assessment());
    let mut after = before.clone().unwrap_or_default();
    after.notes = text.into();
    service.save_assessment(SaveAssessment {
        year: YEAR,
        secretary: id,
        before,
        after,
        what: "备注".into(),
        change: (String::new(), text.into()),
    })
}

#[test]
fn a_change_reaches_another_clients_open_screen_within_a_second() {
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let clerk = f.client("clerk").unwrap();
    f.users.lock().unwrap().push_back("clerk".into());
    let changes = clerk.watch().expect("a watch over the server");
    let book = admin.book(YEAR).unwrap();
    let shentou = admin.townships(Some(SHENTOU)).unwrap()[0];
    let id = book.people_of(shentou)[0];
    let before = book.entry(id).map(|e| e.to_assessment());
    let mut after = before.clone().unwrap_or_default();
    after.notes = "区里核对过".into();
    let mut clerks_book = clerk.book(YEAR).unwrap();
    let started = Instant::now();
    admin
        .save_assessment(SaveAssessment {
            year: YEAR,
            secretary: id,
            before: before.clone(),
            after: after.clone(),
            what: "备注".into(),
            change: (String::new(), "区里核对过".into()),
        })
        .unwrap();
    let notice = changes
        .recv_timeout(Duration::from_secs(1))
        .expect("told within a second");
    assert!(started.elapsed() < Duration::from_secs(1));
    // The notice names whom the save moved; the clerk asks for those entries and its
    // book is then what a fresh reading gives, without reading the year again.
    let xingji::service::Watched::Changed(notice) = notice else {
        panic!("told of a change, not {notice:?}");
    };
    let (year, moved) = notice.saved.expect("a save names whom it moved");
    assert_eq!(year, YEAR);
    assert!(moved.contains(&id));
    clerks_book.take_rerated(clerk.rerated(YEAR, &moved).unwrap().unwrap());
    let entries = |b: &xingji::service::YearBook| -> Vec<_> {
        b.entries
            .iter()
            .map(|e| (e.secretary, e.to_assessment(), e.rated()))
            .collect()
    };
    assert_eq!(entries(&clerks_book), entries(&clerk.book(YEAR).unwrap()));
    // Never another township's entry, asked for by id.
    let other = book
        .people()
        .into_iter()
        .find(|p| book.township_of(*p) != Some(shentou))
        .unwrap();
    let theirs = clerk.rerated(YEAR, &[other, id]).unwrap().unwrap();
    assert_eq!(
        theirs
            .entries
            .iter()
            .map(|e| e.secretary)
            .collect::<Vec<_>>(),
        [id]
    );
    assert_eq!(
        clerk
            .book(YEAR)
            .unwrap()
            .entry(id)
            .unwrap()
            .assessment()
            .notes,
        "区里核对过"
    );

    // The clerk saves from the version it read before: refused as a conflict, and the
    // new value is there to see.
    let mut theirs = before.clone().unwrap_or_default();
    theirs.notes = "乡里的备注".into();
    let conflict = clerk.save_assessment(SaveAssessment {
        year: YEAR,
        secretary: id,
        before,
        after: theirs,
        what: "备注".into(),
        change: (String::new(), "乡里的备注".into()),
    });
    assert!(matches!(conflict, Err(Refusal::Conflict)), "{conflict:?}");
    assert_eq!(
        *clerk.book(YEAR).unwrap().entry(id).unwrap().assessment(),
        after
    );

    // A save in another township: the clerk is told that something changed, not
    // whose record it was.
    let limin = admin.townships(Some(LIMIN)).unwrap()[0];
    let theirs = book.people_of(limin)[0];
    let rerated = save_notes(&admin, &book, theirs, "利民镇的备注").unwrap();
    assert!(
        rerated
            .unwrap()
            .entries
            .iter()
            .any(|e| e.secretary == theirs)
    );
    let told = changes.recv_timeout(Duration::from_secs(1)).unwrap();
    assert!(
        matches!(&told, xingji::service::Watched::Changed(n) if n.saved == Some((YEAR, Vec::new()))),
        "{told:?}"
    );
}

/// The ratings of a book's entries, by secretary.
fn ratings(book: &xingji::service::YearBook) -> Vec<(u32, xingji::scoring::Rating)> {
    book.entries
        .iter()
        .map(|e| (e.secretary, e.rating().clone()))
        .collect()
}

/// A copy that holds one township: its roster, its name and its year's record.
fn only_of(book: &xingji::service::YearBook, township: u32) {
    assert!(
        book.district
            .secretary_villages()
            .all(|(id, _)| book.township_of(id) == Some(township))
    );
    let townships: Vec<u32> = book.district.townships.iter().map(|(t, _)| *t).collect();
    assert_eq!(townships, [township]);
    assert!(book.record.townships.iter().all(|(t, _)| *t == township));
}

#[test]
fn the_year_the_server_keeps_moves_with_each_save_and_is_read_again_after_other_writes() {
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let clerk = f.client("clerk").unwrap();
    let mut mine = admin.book(YEAR).unwrap();
    let mut theirs = clerk.book(YEAR).unwrap();
    let shentou = admin.townships(Some(SHENTOU)).unwrap()[0];
    let people: Vec<u32> = mine
        .people()
        .into_iter()
        .filter(|p| mine.township_of(*p) == Some(shentou))
        .collect();
    // Full marks for a few of 神头镇 (stars and quota lines move), then one low.
    let full = |book: &xingji::service::YearBook, id: u32| {
        let mut a = book
            .entry(id)
            .map(|e| e.to_assessment())
            .unwrap_or_default();
        for item in book.scheme_for(id).items() {
            a.items.insert(&item.name, item.max);
        }
        a
    };
    // The first screen's counts as the server keeps them, moved by each save, are
    // those a fresh reading gives.
    let counted = |service: &Service| {
        let book = service.book(YEAR).unwrap();
        let rectifications = service.rectifications(None).unwrap();
        xingji::service::Overview::with_statuses(
            &book,
            &|t| service.actor().may_see(t),
            &rectifications,
            service.today(),
        )
    };
    assert_eq!(admin.overview(YEAR).unwrap(), counted(&admin));
    for (n, &id) in people.iter().take(4).enumerate() {
        let (service, book) = if n % 2 == 0 {
            (&admin, &mut mine)
        } else {
            (&clerk, &mut theirs)
        };
        let before = book.entry(id).map(|e| e.to_assessment());
        let mut after = full(book, id);
        if n == 3 {
            after.bonus = rust_decimal::Decimal::ZERO;
            after.veto_reason = "违纪".into();
        }
        let rerated = service
            .save_assessment(SaveAssessment {
                year: YEAR,
                secretary: id,
                before,
                after: after.clone(),
                what: "满分".into(),
                change: (String::new(), "满分".into()),
            })
            .unwrap();
        // The server says what the save moved in the year it keeps; the client puts
        // that in place of its own entries instead of reading the year again, and
        // holds what reading it afresh gives.
        assert!(rerated.is_some(), "save {n}: the kept year moved");
        service.rerate(book, id, after, rerated).unwrap();
        assert_eq!(
            ratings(book),
            ratings(&service.book(YEAR).unwrap()),
            "save {n}"
        );
        for who in [&admin, &clerk] {
            assert_eq!(who.overview(YEAR).unwrap(), counted(who), "save {n}");
        }
        // The other client reads the year again (as a change notice makes it do).
        mine = admin.book(YEAR).unwrap();
        theirs = clerk.book(YEAR).unwrap();
    }
    // A clerk's copy holds their own township's roster, not the district's.
    only_of(&theirs, shentou);
    assert_eq!(theirs.people(), people);
    let fresh = admin.book(YEAR).unwrap();
    let full_marks = fresh.entry(people[2]).unwrap();
    assert_eq!(full_marks.rating().stars, Some(5), "{full_marks:?}");
    // Last year's stars come from the kept year, as rating last year whole gives them
    // (asked beside a year with no data, the server rates 2024 whole).
    for who in [&admin, &clerk] {
        let last = |except: i16| {
            who.history(except)
                .unwrap()
                .into_iter()
                .find(|(y, _)| *y == YEAR - 1)
                .unwrap()
                .1
        };
        let kept = last(YEAR);
        assert!(!kept.is_empty());
        assert_eq!(kept, last(YEAR + 1));
    }
    // Another write than a save: the server reads the year again.
    admin.submit(YEAR, &[shentou]).unwrap();
    let after_step = admin.book(YEAR).unwrap();
    assert_eq!(
        after_step.record.stage(shentou),
        xingji::domain::Stage::Submitted
    );
    assert_eq!(ratings(&after_step), ratings(&fresh));
}

/// The whole screen as text, drawn at 80×24.
fn screen(app: &xingji::tui::App) -> String {
    screen_at(app, 80, 24)
}

/// The whole screen as text, drawn at `w`×`h`.
fn screen_at(app: &xingji::tui::App, w: u16, h: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| app.view(f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..buffer.area.height)
        .map(|y| {
            // The cell after a wide character is its second half: left out.
            let mut line = String::new();
            let mut x = 0;
            while x < buffer.area.width {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                x += u16::try_from(xingji::text::width(symbol).max(1)).unwrap();
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_first_screen_shows_the_servers_counts_before_the_year_arrives_and_keys_wait_for_it() {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use xingji::tui::{App, Incoming, Theme, run_loop};
    let f = Fixture::new();
    // A start makes a second connection, for the reading on the side.
    let start = |user: &str| {
        let client = f.client(user).unwrap();
        f.users.lock().unwrap().push_back(user.to_string());
        App::start(client, YEAR, Theme::plain()).unwrap()
    };
    for user in ["admin", "clerk"] {
        let mut app = start(user);
        assert!(app.ctx.loading());
        let loader = app.ctx.loader.take().expect("the year is read on the side");
        app.update(xingji::tui::keys::Action::Resize(80, 24));
        let first = screen(&app);
        assert!(first.contains("星级分布"), "{first}");
        assert!(first.contains("正在读取"), "{first}");
        // The year arrives; the overview counted from it is the one the server sent.
        let loaded = loader.join().unwrap();
        app.loaded(loaded);
        assert!(!app.ctx.loading());
        let then = screen(&app);
        let figures = |s: &str| -> Vec<String> {
            s.lines()
                .take(20)
                .map(|l| l.replace("正在读取", ""))
                .filter(|l| !l.contains("读完后"))
                .collect()
        };
        assert_eq!(figures(&first), figures(&then), "{user}:\n{first}\n{then}");
        let full = App::new(f.client(user).unwrap(), YEAR, Theme::plain()).unwrap();
        assert_eq!(screen(&full), then, "{user}");
    }
    // Keys typed before the year is there wait for it, and then act in order.
    let mut app = start("admin");
    let loader = app.ctx.loader.take().unwrap();
    let key = |code| Incoming::Terminal(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    let mut events = vec![
        key(KeyCode::Char('l')),
        key(KeyCode::Down),
        key(KeyCode::Enter),
    ];
    events.reverse();
    let mut loader = Some(loader);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    run_loop(&mut terminal, &mut app, || {
        Ok(events.pop().or_else(|| {
            // Only after the keys: the year arrives.
            let loader = loader.take()?;
            Some(Incoming::Loaded(Box::new(loader.join().unwrap())))
        }))
    })
    .unwrap();
    assert_eq!(app.screen, xingji::tui::screens::ScreenId::Secretary);
    let second = app.ctx.book.people()[1];
    assert_eq!(
        app.secretary.entry.secretary, second,
        "the second of the list opened"
    );
}

#[test]
fn a_client_reading_slowly_does_not_keep_a_save_from_moving_the_kept_year() {
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let book = admin.book(YEAR).unwrap();
    let mut slow = f.raw("admin");
    // Many books asked for and none read: the server is stuck sending one of them.
    for _ in 0..64 {
        write_frame(&mut slow, &Request::Book(YEAR)).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    let id = book.people()[0];
    let before = book.entry(id).map(|e| e.to_assessment());
    let mut after = before.clone().unwrap_or_default();
    after.notes = "慢".into();
    let rerated = admin
        .save_assessment(SaveAssessment {
            year: YEAR,
            secretary: id,
            before,
            after: after.clone(),
            what: "备注".into(),
            change: (String::new(), "慢".into()),
        })
        .unwrap();
    let rerated = rerated.expect("the kept year moved (the slow reader keeps its copy)");
    assert!(rerated.entries.iter().any(|e| *e.assessment() == after));
}

#[test]
fn another_users_save_in_last_year_reaches_the_star_history_of_an_open_screen() {
    use xingji::service::protocol::Notice;
    use xingji::tui::{App, Theme};
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let mut app = App::new(f.client("admin").unwrap(), YEAR, Theme::plain()).unwrap();
    let last = admin.book(YEAR - 1).unwrap();
    let id = last
        .entries
        .iter()
        .find(|e| e.rating().stars.is_some_and(|n| n > 0))
        .unwrap()
        .secretary;
    let stars_then = |app: &App| {
        app.ctx
            .history
            .iter()
            .find(|(y, _)| *y == YEAR - 1)
            .and_then(|(_, h)| h.get(&id))
            .and_then(|p| p.stars)
    };
    assert!(stars_then(&app).is_some_and(|n| n > 0));
    // Another user vetoes last year's figures of this secretary.
    let before = last.entry(id).map(|e| e.to_assessment());
    let mut after = before.clone().unwrap_or_default();
    after.veto_reason = "违纪".into();
    admin
        .save_assessment(SaveAssessment {
            year: YEAR - 1,
            secretary: id,
            before,
            after,
            what: "否决事由".into(),
            change: (String::new(), "违纪".into()),
        })
        .unwrap();
    app.changed(Notice {
        saved: Some((YEAR - 1, vec![id])),
    });
    assert_eq!(stars_then(&app), Some(0));
    // A save in the year on screen: the entries named are put in place, and the
    // progress counts as a fresh reading does (one secretary made incomplete).
    let now = admin.book(YEAR).unwrap();
    let id = now.people()[0];
    let moved = grade_cleared(&admin, &now, id);
    app.changed(Notice {
        saved: Some((YEAR, moved)),
    });
    let mut after = now.entry(id).unwrap().to_assessment();
    after.grade = None;
    assert_eq!(*app.ctx.book.entry(id).unwrap().assessment(), after);
    assert_eq!(app.ctx.statuses, admin.statuses(YEAR).unwrap());
    let township = now.township_of(id).unwrap();
    let status = app
        .ctx
        .statuses
        .iter()
        .find(|s| s.township == township)
        .unwrap();
    assert_eq!(status.complete + 1, status.people, "{status:?}");
}

#[test]
fn a_clerk_moved_to_another_township_sees_its_progress_after_the_notice() {
    use xingji::service::protocol::Notice;
    use xingji::tui::{App, Theme};
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let mut app = App::new(f.client("clerk").unwrap(), YEAR, Theme::plain()).unwrap();
    let names =
        |app: &App| -> Vec<String> { app.ctx.statuses.iter().map(|s| s.name.clone()).collect() };
    assert_eq!(names(&app), [SHENTOU]);
    let limin = admin.townships(Some(LIMIN)).unwrap()[0];
    admin.put_user("clerk", Role::Township(limin)).unwrap();
    app.changed(Notice::default());
    assert_eq!(names(&app), [LIMIN]);
    let people = app.ctx.statuses[0].people;
    assert!(people > 0 && people == app.ctx.book.people().len());
}

#[test]
fn unknown_users_and_other_versions_are_refused_at_the_door() {
    let f = Fixture::new();
    let refused = f.client("stranger");
    assert!(
        matches!(&refused, Err(Refusal::UnknownUser(u)) if u == "stranger"),
        "{}",
        refused.err().map(|e| e.to_string()).unwrap_or_default()
    );
    // An older client: a clear message, not a misread frame.
    f.users.lock().unwrap().push_back("admin".into());
    let mut stream = UnixStream::connect(&f.socket).unwrap();
    write_frame(
        &mut stream,
        &Hello {
            protocol: PROTOCOL + 1,
            version: "0.0.1".into(),
        },
    )
    .unwrap();
    let answer: Option<Result<xingji::service::protocol::Welcome, Refusal>> =
        read_frame(&mut stream).unwrap();
    let message = answer.unwrap().unwrap_err().to_string();
    assert!(
        message.contains("版本") && message.contains("0.0.1"),
        "{message}"
    );
}

#[test]
fn broken_and_hostile_connections_change_nothing_and_stop_no_one() {
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let audit = admin.audit_log(&AuditFilter::default()).unwrap().len();

    // A request cut off halfway: the client goes, nothing is done.
    let mut stream = f.raw("admin");
    let request = postcard::to_stdvec(&Request::PutUser("half".into(), Role::Viewer)).unwrap();
    let len = u32::try_from(request.len()).unwrap();
    stream.write_all(&len.to_le_bytes()).unwrap();
    stream.write_all(&request[..request.len() / 2]).unwrap();
    drop(stream);

    // Bytes that are no request: an answer that says so, then the door closes.
    let mut stream = f.raw("admin");
    stream
        .write_all(&[5, 0, 0, 0, 0xff, 0xfe, 0xfd, 0xfc, 0xfb])
        .unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(String::from_utf8_lossy(&rest).contains("无法识别的请求"));

    // A length beyond the limit: refused without reading (or reserving) the rest.
    let mut stream = f.raw("admin");
    stream.write_all(&u32::MAX.to_le_bytes()).unwrap();
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);

    // Garbage before any hello, and a connection that never says hello at all.
    let mut stream = UnixStream::connect(&f.socket).unwrap();
    stream.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let _silent = UnixStream::connect(&f.socket).unwrap();

    // The server still serves, and nothing was written.
    assert_eq!(
        admin.audit_log(&AuditFilter::default()).unwrap().len(),
        audit
    );
    assert!(!admin.users().unwrap().iter().any(|(n, _)| n == "half"));
}

#[test]
fn fifty_clients_are_served_at_once() {
    let f = Fixture::new();
    let socket = f.socket.clone();
    let clients: Vec<Service> = (0..50).map(|_| f.client("clerk").unwrap()).collect();
    let started = Instant::now();
    let handles: Vec<_> = clients
        .into_iter()
        .map(|c| {
            std::thread::spawn(move || {
                let book = c.book(YEAR).unwrap();
                (book.entries.len(), c.years().unwrap())
            })
        })
        .collect();
    for h in handles {
        let (entries, years) = h.join().unwrap();
        assert_eq!(entries, 11, "神头镇's 11 secretaries");
        assert_eq!(years, [2024, 2025]);
    }
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(socket.exists());
}

#[test]
fn a_backup_through_the_server_is_a_database_of_the_callers() {
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let _clerk_working = f.client("clerk").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("copy.redb");
    admin.backup(&to).unwrap();
    let mode = std::fs::metadata(&to).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let copy = Service::open(&to, "admin").unwrap();
    assert_eq!(copy.years().unwrap(), [2024, 2025]);
    // Not over an existing file, and not for a clerk.
    assert!(admin.backup(&to).is_err());
    let clerk = f.client("clerk").unwrap();
    assert!(matches!(
        clerk.backup(&dir.path().join("c.redb")),
        Err(Refusal::DistrictOnly { .. })
    ));
}

/// The same steps of a year against a database opened directly and through the
/// server: the same answers.
fn year_steps(admin: &Service) -> Vec<String> {
    let mut seen = Vec::new();
    let all = admin.townships(None).unwrap();
    seen.extend(admin.submit(YEAR, &all).unwrap());
    let from = jiff::civil::Date::new(2025, 1, 2).unwrap();
    let shentou = admin.townships(Some(SHENTOU)).unwrap();
    seen.extend(
        admin
            .publish(
                YEAR,
                &shentou,
                &xingji::service::Publication::back_dated(from, "补录纸质公示"),
            )
            .unwrap(),
    );
    let book = admin.book(YEAR).unwrap();
    let someone = book
        .entries
        .iter()
        .find(|e| book.township_of(e.secretary) == Some(shentou[0]))
        .unwrap();
    seen.push(admin.object(YEAR, someone.secretary, "分数有误").unwrap());
    seen.push(admin.approve(YEAR, &shentou).unwrap_err().to_string());
    seen.push(admin.resolve(YEAR, someone.secretary, "已核实").unwrap());
    seen.extend(admin.approve(YEAR, &shentou).unwrap());
    seen.push(format!(
        "{:?}",
        admin.rectifications(Some(YEAR)).unwrap().len()
    ));
    seen.extend(admin.reopen(YEAR, &shentou, "复核").unwrap());
    seen.push(admin.reopen(YEAR, &shentou, "").unwrap_err().to_string());
    seen
}

#[test]
fn the_service_answers_the_same_locally_and_through_the_server() {
    let f = Fixture::new();
    let remote = year_steps(&f.client("admin").unwrap());

    let dir = tempfile::tempdir().unwrap();
    let local = Service::create(
        &dir.path().join("x.redb"),
        xingji::scoring::DEFAULT_SCHEME,
        "admin",
    )
    .unwrap();
    local
        .import_roster("roster", parse_csv(xingji::demo::DEMO_ROSTER).unwrap())
        .unwrap();
    for (year, text) in xingji::demo::DEMO_SCORES {
        local
            .import_scores("scores", parse_csv(text).unwrap(), year)
            .unwrap();
    }
    assert_eq!(year_steps(&local), remote);
}

// ---------------------------------------------------------------------------------
// Real Unix users, when the tests run as root (as CI does)
// ---------------------------------------------------------------------------------

const BIN: &str = env!("CARGO_BIN_EXE_xingji");

/// A system tool by its full path where it has one (sbin may not be on PATH).
fn tool(name: &str) -> String {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        .iter()
        .map(|d| format!("{d}/{name}"))
        .find(|p| Path::new(p).exists())
        .unwrap_or_else(|| name.to_string())
}

/// The binary where every user may run it (the build folder may be closed to them).
fn public_bin() -> &'static Path {
    static BIN_COPY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN_COPY.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("xingji-test-{}", std::process::id()));
        std::fs::copy(BIN, &path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    })
}

/// Run `xingji ARGS` as a Unix user, with these environment variables.
fn as_user(user: &str, socket: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(tool("runuser"));
    cmd.args(["-u", user, "--"])
        .arg(public_bin())
        .arg("--socket")
        .arg(socket)
        .args(args);
    cmd.env_clear()
        .env("LANG", "C.UTF-8")
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A Unix user made for the test, removed when dropped.
struct UnixUser(String);

impl UnixUser {
    fn new(name: &str) -> UnixUser {
        let _ = Command::new(tool("userdel")).arg(name).output();
        let made = Command::new(tool("useradd"))
            .args(["-M", "-s", "/bin/sh", name])
            .status()
            .unwrap();
        assert!(made.success(), "useradd {name}");
        UnixUser(name.to_string())
    }
}

impl Drop for UnixUser {
    fn drop(&mut self) {
        let _ = Command::new(tool("userdel")).arg(&self.0).output();
    }
}

/// A district made by root with the real binary: the demo roster and 2025 scores,
/// and `clerk` a clerk of 神头镇. (The directory, the database, the files' directory.)
fn real_district(clerk: &str) -> (tempfile::TempDir, PathBuf, tempfile::TempDir) {
    let dir = tempfile::Builder::new()
        .prefix("xingji-serve")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = dir.path().join("x.redb");
    let root = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    root(&["init"]);
    let files = tempfile::tempdir().unwrap();
    let roster = files.path().join("roster.csv");
    std::fs::write(&roster, xingji::demo::DEMO_ROSTER).unwrap();
    root(&["import", "roster", roster.to_str().unwrap()]);
    let scores = files.path().join("scores.csv");
    std::fs::write(&scores, xingji::demo::DEMO_SCORES[1].1).unwrap();
    root(&[
        "import",
        "scores",
        scores.to_str().unwrap(),
        "--year",
        "2025",
    ]);
    root(&[
        "user",
        "add",
        clerk,
        "--role",
        "township",
        "--township",
        SHENTOU,
    ]);

    (dir, db, files)
}

/// `xingji serve` as root, until the socket is there.
fn real_server(db: &Path, socket: &Path) -> std::process::Child {
    let server = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .arg("--socket")
        .arg(socket)
        .arg("serve")
        .env("LANG", "C.UTF-8")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !socket.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

/// The database file, the clerk's report, and who the clerk is.
fn check_file_and_identity(db: &Path, socket: &Path, clerk: &str) {
    // The database is the service user's alone.
    let mode = std::fs::metadata(db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let read = Command::new(tool("runuser"))
        .args(["-u", clerk, "--", "cat"])
        .arg(db)
        .output()
        .unwrap();
    assert!(
        !read.status.success(),
        "the clerk can read the database file"
    );

    // The clerk's report: 神头镇 only, and XINGJI_USER changes nothing.
    let out = as_user(
        clerk,
        socket,
        &["report", "--year", "2025", "--format", "csv"],
        &[("XINGJI_USER", "root")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains(SHENTOU) && !report.contains(LIMIN),
        "{report}"
    );
    let out = as_user(clerk, socket, &["user", "list"], &[("XINGJI_USER", "root")]);
    assert!(
        !out.status.success(),
        "a clerk naming root is still the clerk"
    );
}

/// The clerk's imports, the audit log, a stranger, and a backup.
fn check_imports_and_audit(dir: &Path, files: &Path, socket: &Path, clerk: &str) {
    // A clerk's import with 利民镇 rows is refused whole; their own lands.
    let header = xingji::demo::DEMO_SCORES[1].1.lines().next().unwrap();
    let rows: Vec<&str> = xingji::demo::DEMO_SCORES[1]
        .1
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(SHENTOU) || l.starts_with(LIMIN))
        .collect();
    let mixed = files.join("mixed.csv");
    std::fs::write(&mixed, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    std::fs::set_permissions(files, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&mixed, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = as_user(
        clerk,
        socket,
        &[
            "import",
            "scores",
            mixed.to_str().unwrap(),
            "--year",
            "2025",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let own = files.join("own.csv");
    let mine: Vec<&str> = rows
        .iter()
        .copied()
        .filter(|l| l.starts_with(SHENTOU))
        .collect();
    std::fs::write(&own, format!("{header}\n{}\n", mine.join("\n"))).unwrap();
    std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = as_user(
        clerk,
        socket,
        &["import", "scores", own.to_str().unwrap(), "--year", "2025"],
        &[("XINGJI_USER", "root")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The audit log names the real Unix user.
    let out = as_user("root", socket, &["audit"], &[]);
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        log.lines()
            .any(|l| l.contains(clerk) && l.contains("own.csv")),
        "{log}"
    );

    // Someone the database does not know is refused.
    let out = as_user("xjnobody1", socket, &["report", "--year", "2025"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有使用 xingji 的权限"));

    // report and backup work while others are connected.
    let backup = dir.join("b.redb");
    let out = as_user(
        "root",
        socket,
        &["backup", "--to", backup.to_str().unwrap()],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn real_unix_users_through_the_real_binary() {
    if !is_root()
        || Command::new(tool("useradd"))
            .arg("--help")
            .output()
            .is_err()
    {
        eprintln!("skipped: needs root and useradd");
        return;
    }
    let clerk = UnixUser::new("xjclerk1");
    let _stranger = UnixUser::new("xjnobody1");
    let (dir, db, files) = real_district(&clerk.0);
    let socket = dir.path().join("xingji.sock");
    let mut server = real_server(&db, &socket);
    let result = std::panic::catch_unwind(|| {
        check_file_and_identity(&db, &socket, &clerk.0);
        check_imports_and_audit(dir.path(), files.path(), &socket, &clerk.0);
    });
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_file(public_bin());
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn a_client_reconnects_after_the_server_is_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.redb");
    let socket = dir.path().join("x.sock");
    // The database of whoever runs the test: that user is its district admin.
    let me = xingji::server::user_name(
        std::fs::metadata("/proc/self").map_or(0, |m| std::os::unix::fs::MetadataExt::uid(&m)),
    )
    .unwrap();
    drop(Service::create(&db, xingji::scoring::DEFAULT_SCHEME, &me).unwrap());
    let start = || {
        let child = Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .arg("--socket")
            .arg(&socket)
            .arg("serve")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let t = Instant::now();
        while UnixStream::connect(&socket).is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        child
    };
    let mut server = start();
    let client = Service::connect(&socket).unwrap();
    assert_eq!(client.actor().name, me);
    assert!(client.years().unwrap().is_empty());
    // Restarted (an upgrade): a read simply works again.
    server.kill().unwrap();
    server.wait().unwrap();
    let mut server = start();
    assert!(client.years().unwrap().is_empty());
    // Restarted again: a change is not sent twice blindly; the user is asked to check.
    server.kill().unwrap();
    server.wait().unwrap();
    let mut server = start();
    let put = client.put_user("viewer1", Role::Viewer);
    assert!(
        matches!(&put, Err(Refusal::Server(m)) if m.contains("重新连接")),
        "{put:?}"
    );
    assert!(client.put_user("viewer1", Role::Viewer).is_ok());
    server.kill().unwrap();
    server.wait().unwrap();
}

/// A district user's client as `xingji --socket` starts it: the first screen from the
/// server's counts, then the first township's part of the year.
fn started(f: &Fixture, user: &str) -> xingji::tui::App {
    let client = f.client(user).unwrap();
    // The second connection, for the reading on the side.
    f.users.lock().unwrap().push_back(user.to_string());
    let mut app = xingji::tui::App::start(client, YEAR, xingji::tui::Theme::plain()).unwrap();
    let loader = app.ctx.loader.take().unwrap();
    app.loaded(loader.join().unwrap());
    app.update(xingji::tui::keys::Action::Resize(80, 24));
    app
}

fn press(app: &mut xingji::tui::App, code: ratatui::crossterm::event::KeyCode) {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
    if let Some(action) = app.action(KeyEvent::new(code, KeyModifiers::NONE)) {
        app.update(action);
    }
}

/// A district user's client holding the whole year (as a local file's does), at 80×24.
fn whole_year(f: &Fixture) -> xingji::tui::App {
    let mut app = xingji::tui::App::new(
        f.client("admin").unwrap(),
        YEAR,
        xingji::tui::Theme::plain(),
    )
    .unwrap();
    app.update(xingji::tui::keys::Action::Resize(80, 24));
    app
}

/// Press `keys` on a client holding one township at a time and on one holding the
/// whole year, side by side: every screen the same. The townships the first held.
fn same_screens(f: &Fixture, keys: &[ratatui::crossterm::event::KeyCode]) -> Vec<Option<u32>> {
    let mut parted = started(f, "admin");
    assert!(parted.ctx.parted());
    let mut whole = whole_year(f);
    assert!(!whole.ctx.parted());
    let mut held = Vec::new();
    for (i, &key) in keys.iter().enumerate() {
        press(&mut parted, key);
        press(&mut whole, key);
        held.push(parted.ctx.book.part_of());
        assert_eq!(
            screen(&parted),
            screen(&whole),
            "after key {i} ({key:?}) of {keys:?}"
        );
    }
    held
}

#[test]
fn a_district_client_holding_one_township_at_a_time_shows_what_the_whole_year_shows() {
    use ratatui::crossterm::event::KeyCode::{Char, Down, Enter, Esc, Tab, Up};
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let everyone = admin.book(YEAR).unwrap().people().len();
    let first = started(&f, "admin");
    assert!(
        first.ctx.book.people().len() < everyone / 5,
        "one township of {everyone} people"
    );
    let mut keys = vec![Tab, Tab, Char('l')];
    // Down the list past the first townships, a form, and `]` across townships.
    keys.extend([Down; 25]);
    keys.push(Enter);
    keys.extend([Char(']'); 15]);
    keys.extend([Esc, Char('s'), Down, Down, Enter, Esc, Char('s')]);
    // `t`: the second township; then typed, one by its pinyin.
    keys.extend([Char('t'), Down, Down, Enter, Down, Enter, Esc]);
    keys.push(Char('t'));
    keys.extend("li".chars().map(Char));
    keys.extend([Enter, Down, Esc]);
    // The grid, into the next townships and back; from the overview after another
    // township was held.
    keys.extend([Char('g'), Char(']'), Char(']'), Char(']'), Char('['), Esc]);
    keys.extend([Esc, Esc, Char('g'), Esc]);
    // A search, and the pool.
    keys.push(Char('/'));
    keys.extend("ouyang".chars().map(Char));
    keys.extend([Enter, Esc, Char('p'), Down, Down, Enter, Esc]);
    // Another year and back.
    keys.extend([Esc, Char('y'), Up, Enter, Char('l'), Down, Enter, Esc]);
    keys.extend([
        Char('g'),
        Char(']'),
        Esc,
        Char('y'),
        Down,
        Enter,
        Char('l'),
        Enter,
    ]);
    let held: std::collections::HashSet<_> = same_screens(&f, &keys).into_iter().collect();
    assert!(
        held.len() > 4,
        "it held several townships in turn: {held:?}"
    );
    // 2024 approved everywhere: its low-star secretaries are followed up, in several
    // townships. A client holding one township's part names them as the whole year.
    approve_2024(&admin);
    let book = admin.book(2024).unwrap();
    let followed: std::collections::HashSet<_> = admin
        .rectifications(None)
        .unwrap()
        .iter()
        .filter_map(|(_, s, _)| book.township_of(*s))
        .collect();
    assert!(followed.len() > 1, "{followed:?}");
    // The rectifications and the audit log (by township), then the workflow.
    let keys = [
        Char('l'),
        Enter,
        Esc,
        Char('r'),
        Down,
        Down,
        Down,
        // Another township held meanwhile (the grid across townships): back on the
        // rectifications, every one is still named.
        Char('g'),
        Char(']'),
        Char(']'),
        Esc,
        Up,
        Esc,
        Char('h'),
        Char('t'),
        Down,
        Down,
        Enter,
        Down,
        Esc,
        // The workflow: down the townships, the next step of two (refused, or asked
        // and let go), the open objections.
        Char('w'),
        Down,
        Down,
        Enter,
        Esc,
        Down,
        Enter,
        Esc,
        Char('v'),
        Up,
        Up,
        Up,
        Esc,
    ];
    let held = same_screens(&f, &keys);
    // Neither the rectifications, nor the audit log, nor the workflow read the whole
    // year: one township at a time, the selected one's in the workflow.
    let workflow = keys.iter().position(|k| *k == Char('w')).unwrap();
    assert!(held.iter().all(Option::is_some), "{held:?}");
    for part in [&held[..workflow], &held[workflow..]] {
        assert!(part.windows(2).any(|w| w[0] != w[1]), "{held:?}");
    }
    // What travels for a part is one township's, not every township's name and year.
    only_of(&admin.part(YEAR, Focus::Township(2)).unwrap(), 2);
}

#[test]
fn a_district_client_holding_one_township_takes_the_workflows_steps() {
    use ratatui::crossterm::event::KeyCode::{Char, Down, Enter, Up};
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let all = admin.townships(None).unwrap();
    let mut parted = started(&f, "admin");
    // The first township submitted from the workflow (its people are all complete),
    // then, once every township is, published there too.
    press(&mut parted, Char('w'));
    press(&mut parted, Enter);
    press(&mut parted, Char('y'));
    assert!(parted.ctx.parted());
    let stage = |s: &Service, t: u32| s.book(YEAR).unwrap().record.stage(t);
    assert_eq!(stage(&admin, all[0]), xingji::domain::Stage::Submitted);
    admin.submit(YEAR, &all[1..]).unwrap();
    // The workflow shows the others submitted once it reads the progress again.
    press(&mut parted, Char('w'));
    press(&mut parted, Enter);
    press(&mut parted, Enter);
    assert!(parted.ctx.parted());
    assert_eq!(stage(&admin, all[0]), xingji::domain::Stage::Publicity);
    // What it shows is what a client holding the whole year shows.
    let mut whole = whole_year(&f);
    press(&mut whole, Char('w'));
    for app in [&mut parted, &mut whole] {
        press(app, Down);
        press(app, Up);
    }
    assert_eq!(screen(&parted), screen(&whole));
    assert!(screen(&parted).contains("公示"), "{}", screen(&parted));
}

#[test]
fn a_client_holding_one_township_keeps_to_it_when_a_save_finds_the_servers_year_stale() {
    use ratatui::crossterm::event::KeyCode::{Char, Enter};
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let mut app = started(&f, "admin");
    let held = app.ctx.book.part_of();
    press(&mut app, Char('l'));
    press(&mut app, Enter);
    // Another write (a user added) leaves the server's year to be read again: the save
    // gets no entries back, and the client reads its part again, not the province.
    admin.put_user("someone", Role::Viewer).unwrap();
    press(&mut app, Char('1'));
    press(&mut app, Enter);
    assert!(app.secretary.entry.error.is_none(), "{:?}", app.ctx.status);
    assert!(app.ctx.parted());
    assert_eq!(app.ctx.book.part_of(), held);
    // A viewer reads the district as its admin does.
    let viewer = started(&f, "someone");
    assert!(viewer.ctx.parted());
    let window = Window {
        count: 1000,
        ..Window::default()
    };
    let of = |app: &xingji::tui::App| app.ctx.service.rows(&app.ctx.book, &window).unwrap();
    assert_eq!(of(&viewer), of(&app));
}

/// Another user clears a secretary's grade (组织评价) as `book` shows it: whose entries
/// the save moved in the server's year.
fn grade_cleared(admin: &Service, book: &xingji::service::YearBook, id: u32) -> Vec<u32> {
    let before = book.entry(id).map(|e| e.to_assessment());
    let mut after = before.clone().unwrap();
    after.grade = None;
    let rerated = admin
        .save_assessment(SaveAssessment {
            year: YEAR,
            secretary: id,
            before,
            after,
            what: "组织评价".into(),
            change: ("好".into(), String::new()),
        })
        .unwrap()
        .unwrap();
    rerated.entries.iter().map(|e| e.secretary).collect()
}

#[test]
fn a_district_client_holding_one_township_saves_and_takes_others_saves_as_the_whole_year_does() {
    use ratatui::crossterm::event::KeyCode::{Char, Enter, Esc};
    use xingji::service::protocol::Notice;
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let mut app = started(&f, "admin");
    let first = app.ctx.book.part_of().unwrap();
    // A secretary of another township, found by the server's search: its part is read.
    press(&mut app, Char('/'));
    for c in "ouyang".chars() {
        press(&mut app, Char(c));
    }
    press(&mut app, Enter);
    let id = app.secretary.entry.secretary;
    let theirs = admin.book(YEAR).unwrap().township_of(id).unwrap();
    assert_ne!(theirs, first, "欧阳娜娜 is not of the first township");
    assert_eq!(app.ctx.book.part_of(), Some(theirs));
    // A field saved here is what a client of the whole year shows.
    press(&mut app, Char('3'));
    press(&mut app, Enter);
    assert!(app.secretary.entry.error.is_none(), "{:?}", app.ctx.status);
    let stored = admin
        .book(YEAR)
        .unwrap()
        .entry(id)
        .unwrap()
        .assessment()
        .clone();
    assert_eq!(app.ctx.book.entry(id).unwrap().assessment(), &stored);
    let mut whole = whole_year(&f);
    whole.update(xingji::tui::keys::Action::Show(
        xingji::tui::keys::Target::Secretary(id, Some(1)),
    ));
    // (But for the status line: 已保存 here.)
    let but_status = |app: &xingji::tui::App| {
        let mut lines: Vec<String> = screen(app).lines().map(str::to_string).collect();
        lines.remove(lines.len() - 2);
        lines
    };
    assert_eq!(but_status(&app), but_status(&whole));
    // Another user's save in this township reaches the form; one elsewhere, whose
    // entries this client does not hold, leaves the part as it is and moves the
    // progress the server counts.
    let now = admin.book(YEAR).unwrap();
    let elsewhere = now.people_of(first)[0];
    for other in [id, elsewhere] {
        let moved = grade_cleared(&admin, &now, other);
        app.changed(Notice {
            saved: Some((YEAR, moved)),
        });
        assert!(
            app.ctx
                .book
                .people()
                .iter()
                .all(|p| now.township_of(*p) == Some(theirs))
        );
    }
    assert_eq!(app.ctx.book.entry(id).unwrap().assessment().grade, None);
    assert!(app.ctx.book.entry(elsewhere).is_none());
    // The overview counts the district, as the server does: both saves made a
    // secretary incomplete.
    press(&mut app, Esc);
    press(&mut app, Esc);
    let progress = |name: &str| {
        let status = admin.statuses(YEAR).unwrap();
        let s = status.iter().find(|s| s.name == name).unwrap();
        format!("{}/{}", s.complete, s.people)
    };
    for t in [theirs, first] {
        let name = now.district.township(t).unwrap().name.to_string();
        let shown = screen(&app);
        let line = shown.lines().find(|l| l.contains(&name)).unwrap();
        assert!(line.contains(&progress(&name)), "{line}");
        assert!(!line.contains("7/7") && !line.contains("6/6"), "{line}");
    }
    let fresh = whole_year(&f);
    assert_eq!(screen(&app), screen(&fresh));
}

#[test]
fn a_province_overview_sent_again_after_a_save_holds_the_townships_a_screen_shows() {
    use xingji::service::protocol::Notice;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.redb");
    drop(xingji::demo::open_generated(&db, "admin", 6000).unwrap());
    let socket = dir.path().join("p.sock");
    let listener = bind(&socket).unwrap();
    let server = Server::new(
        Store::open(&db).unwrap(),
        Box::new(|_| Ok("admin".to_string())),
    );
    std::thread::spawn(move || server.run(&listener));
    let admin = Service::connect(&socket).unwrap();
    let whole = admin.overview(YEAR).unwrap();
    assert!(whole.townships > 200, "{} townships", whole.townships);
    assert_eq!(whole.statuses.len(), whole.townships);
    // Stars by township only for as many as a screen can show, whoever asks.
    assert_eq!(whole.by_township.len(), xingji::service::BY_TOWNSHIP);
    let first = admin.overview_first(YEAR, 200).unwrap();
    assert_eq!(first.statuses.len(), 200);
    assert_eq!(first.by_township[..], whole.by_township[..200]);
    assert_eq!(
        (first.stars, first.townships),
        (whole.stars, whole.townships)
    );
    // A client holding one township draws the overview a client of the whole year
    // draws, before and after another user's save, at both sizes and in both panes.
    let mut parted = xingji::tui::App::start(
        Service::connect(&socket).unwrap(),
        YEAR,
        xingji::tui::Theme::plain(),
    )
    .unwrap();
    let loader = parted.ctx.loader.take().unwrap();
    parted.loaded(loader.join().unwrap());
    assert!(parted.ctx.parted());
    let book = admin.book(YEAR).unwrap();
    let id = book.people()[0];
    for round in 0..2 {
        let mut whole_app = xingji::tui::App::new(
            Service::connect(&socket).unwrap(),
            YEAR,
            xingji::tui::Theme::plain(),
        )
        .unwrap();
        for (w, h) in [(80, 24), (200, 50)] {
            for app in [&mut parted, &mut whole_app] {
                app.update(xingji::tui::keys::Action::Resize(w, h));
            }
            for _pane in 0..2 {
                let shown = screen_at(&parted, w, h);
                assert!(shown.contains("..另有"), "{shown}");
                assert_eq!(
                    shown,
                    screen_at(&whole_app, w, h),
                    "round {round} at {w}×{h}"
                );
                press(&mut parted, ratatui::crossterm::event::KeyCode::Tab);
                press(&mut whole_app, ratatui::crossterm::event::KeyCode::Tab);
            }
        }
        if round == 0 {
            let moved = grade_cleared(&admin, &book, id);
            parted.changed(Notice {
                saved: Some((YEAR, moved)),
            });
        }
    }
}

#[test]
fn two_users_writing_one_rectifications_measures_are_told_not_overwritten() {
    use ratatui::crossterm::event::KeyCode::{Char, Enter, Esc};
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    approve_2024(&admin);
    let (year, first) = {
        let mut all = admin.rectifications(None).unwrap();
        all.sort_by_key(|(y, _, _)| std::cmp::Reverse(*y));
        (all[0].0, all[0].1)
    };
    let measures = || {
        admin
            .rectifications(Some(year))
            .unwrap()
            .into_iter()
            .find(|(_, s, _)| *s == first)
            .unwrap()
            .2
            .measures
    };
    let mut a = started(&f, "admin");
    let mut b = started(&f, "admin");
    for app in [&mut a, &mut b] {
        press(app, Char('r'));
        press(app, Enter);
        assert!(app.popup.is_some());
    }
    a.update(xingji::tui::keys::Action::Paste("甲写的措施".into()));
    press(&mut a, Esc);
    assert!(a.popup.is_none());
    assert_eq!(measures(), "甲写的措施");
    // B wrote from the empty measures: told, nothing written, the text kept.
    b.update(xingji::tui::keys::Action::Paste("乙写的措施".into()));
    press(&mut b, Esc);
    assert!(b.popup.is_some());
    let said = b.ctx.status.clone().unwrap().text;
    assert!(said.contains("刚被其他用户修改"), "{said}");
    assert_eq!(measures(), "甲写的措施");
    // Told, B saves again: theirs stands, knowingly.
    press(&mut b, Esc);
    assert!(b.popup.is_none());
    assert_eq!(measures(), "乙写的措施");
}

/// 2024 submitted, published (back-dated, as a paper publicity put on record) and
/// approved in every township: its low-star secretaries are followed up.
fn approve_2024(admin: &Service) {
    let all = admin.townships(None).unwrap();
    admin.submit(2024, &all).unwrap();
    let from = jiff::civil::Date::new(2025, 1, 2).unwrap();
    let publication = xingji::service::Publication::back_dated(from, "补录纸质公示");
    admin.publish(2024, &all, &publication).unwrap();
    admin.approve(2024, &all).unwrap();
}

/// Ask for the years of a server that does not answer, the client waiting a second:
/// refused within a few seconds, saying so. The refusal.
fn given_up_within_seconds(service: &Service) -> String {
    let asked = Instant::now();
    let refused = service.years().unwrap_err().to_string();
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "{:?}",
        asked.elapsed()
    );
    assert!(refused.contains("1 秒内没有回应"), "{refused}");
    refused
}

/// Read a client's hello and welcome it as `admin`.
fn welcome_admin(stream: &mut UnixStream) {
    use xingji::service::protocol::Welcome;
    let _: Option<Hello> = read_frame(stream).unwrap();
    let welcome: Result<Welcome, Refusal> = Ok(Welcome {
        actor: xingji::service::Actor {
            name: "admin".into(),
            role: Role::District,
        },
        version: env!("CARGO_PKG_VERSION").into(),
    });
    write_frame(stream, &welcome).unwrap();
}

/// A server that welcomes each connection as `admin` and hands it to `then`.
fn fake_server(then: impl Fn(usize, UnixStream) + Send + 'static) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("fake.sock");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            welcome_admin(&mut stream);
            then(n, stream);
        }
    });
    (dir, socket)
}

#[test]
fn a_server_that_does_not_answer_is_given_up_and_the_next_request_connects_again() {
    use xingji::service::protocol::Response;
    // The first connection never answers; the others answer at once.
    let (_dir, socket) = fake_server(|n, mut stream| {
        std::thread::spawn(move || {
            while let Ok(Some(request)) = read_frame::<Request>(&mut stream) {
                if n == 0 {
                    std::thread::sleep(Duration::from_secs(3));
                    // A late answer, which must not be taken for a later request's.
                    let late: Result<Response, Refusal> = Ok(Response::Years(vec![1999]));
                    let _ = write_frame(&mut stream, &late);
                    continue;
                }
                let answer: Result<Response, Refusal> = match request {
                    Request::Years => Ok(Response::Years(vec![2025])),
                    _ => Err(Refusal::Server("no".into())),
                };
                write_frame(&mut stream, &answer).unwrap();
            }
        });
    });
    let service = Service::connect(&socket).unwrap();
    service.set_patience(Duration::from_secs(1));
    let refused = given_up_within_seconds(&service);
    assert!(refused.contains("请稍后重试"), "{refused}");
    // The next request is asked on a new connection, and gets its own answer.
    assert_eq!(service.years().unwrap(), vec![2025]);
}

#[test]
fn a_client_is_told_when_the_server_goes_away_and_when_it_is_back() {
    use xingji::service::Watched;
    // The first watching connection is closed at once (the server stops); the next
    // stays (it is back).
    let (_dir, socket) = fake_server(|n, mut stream| {
        std::thread::spawn(move || {
            let _: Option<Request> = read_frame(&mut stream).unwrap_or(None);
            if n == 1 {
                drop(stream);
            } else {
                std::thread::sleep(Duration::from_secs(30));
            }
        });
    });
    let service = Service::connect(&socket).unwrap();
    let told = service.watch().unwrap();
    let next = || told.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(matches!(next(), Watched::Lost));
    assert!(matches!(next(), Watched::Back));
}

#[test]
fn the_title_bar_says_while_the_server_is_away() {
    use xingji::service::Watched;
    let f = Fixture::new();
    let mut app = started(&f, "admin");
    assert!(!screen(&app).contains("服务器连接中断"));
    app.watched(Watched::Lost);
    let away = screen(&app);
    assert!(
        away.lines().next().unwrap().contains("服务器连接中断"),
        "{away}"
    );
    assert!(away.contains("正在重试"), "{away}");
    app.watched(Watched::Back);
    let back = screen(&app);
    assert!(!back.contains("服务器连接中断"), "{back}");
    assert!(back.contains("已重新连接"), "{back}");
}

/// Every sheet of a workbook: its name and its cells as text.
fn sheets_of(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|row| row.iter().map(ToString::to_string).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

#[test]
fn a_district_client_holding_one_township_writes_the_whole_years_excel_report() {
    use ratatui::crossterm::event::KeyCode::Char;
    let f = Fixture::new();
    let mut written = Vec::new();
    for mut app in [started(&f, "admin"), whole_year(&f)] {
        let out = tempfile::tempdir().unwrap();
        app.ctx.out_dir = out.path().to_path_buf();
        let held = app.ctx.book.part_of();
        press(&mut app, Char('x'));
        // Still one township held, if one was.
        assert_eq!(app.ctx.book.part_of(), held);
        let path = out.path().join(format!("xingji-{YEAR}.xlsx"));
        assert!(path.exists(), "{:?}", app.ctx.status);
        written.push((held, sheets_of(&path), out));
    }
    let (parted, whole) = (&written[0], &written[1]);
    assert!(parted.0.is_some() && whole.0.is_none());
    // Every township's sheet and the summary, as the whole year's client writes them.
    assert!(parted.1.len() > 10, "{}", parted.1.len());
    assert_eq!(parted.1, whole.1);
}

#[test]
fn the_workflow_acts_on_the_selected_township_after_the_grid_held_another() {
    use ratatui::crossterm::event::KeyCode::{Char, Esc};
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let all = admin.townships(None).unwrap();
    admin.submit(YEAR, &all).unwrap();
    let mut parted = started(&f, "admin");
    let mut whole = whole_year(&f);
    // Into the grid of the next township and back: R on the selected (submitted) one
    // asks for the reason, as with the whole year (not "already 录入").
    for key in [Char('w'), Char('g'), Char(']'), Esc, Char('R')] {
        press(&mut parted, key);
        press(&mut whole, key);
        assert_eq!(screen(&parted), screen(&whole), "{key:?}");
    }
    assert_eq!(parted.ctx.book.part_of(), Some(all[0]));
}

#[test]
fn the_workflows_progress_follows_saves_here_and_elsewhere() {
    use ratatui::crossterm::event::KeyCode::{Char, Down, Enter, Up};
    use xingji::service::fields::Field;
    use xingji::service::protocol::Notice;
    let f = Fixture::new();
    let admin = f.client("admin").unwrap();
    let all = admin.townships(None).unwrap();
    let mut parted = started(&f, "admin");
    let mut whole = whole_year(&f);
    press(&mut parted, Char('w'));
    press(&mut whole, Char('w'));
    assert_eq!(screen(&parted), screen(&whole));
    // Another client clears a grade in the second township: its count drops.
    let now = admin.book(YEAR).unwrap();
    let elsewhere = now.people_of(all[1])[0];
    let before = now.entry(elsewhere).unwrap().to_assessment();
    let moved = grade_cleared(&admin, &now, elsewhere);
    for app in [&mut parted, &mut whole] {
        app.changed(Notice {
            saved: Some((YEAR, moved.clone())),
        });
    }
    assert_eq!(screen(&parted), screen(&whole));
    // Filled again elsewhere: complete, so Enter there offers the submission.
    let cleared = admin
        .book(YEAR)
        .unwrap()
        .entry(elsewhere)
        .unwrap()
        .to_assessment();
    let moved: Vec<u32> = admin
        .save_assessment(SaveAssessment {
            year: YEAR,
            secretary: elsewhere,
            before: Some(cleared),
            after: before,
            what: "组织评价".into(),
            change: (String::new(), "好".into()),
        })
        .unwrap()
        .unwrap()
        .entries
        .iter()
        .map(|e| e.secretary)
        .collect();
    for app in [&mut parted, &mut whole] {
        app.changed(Notice {
            saved: Some((YEAR, moved.clone())),
        });
        press(app, Down);
        press(app, Enter);
    }
    let shown = screen(&parted);
    assert!(!shown.contains("还有 0 名"), "{shown}");
    assert_eq!(shown, screen(&whole));
    // This client's own save in the township it holds moves its count too (the other
    // client reads it from the server).
    let held = parted.ctx.book.part_of().unwrap();
    let complete = |app: &xingji::tui::App| {
        let status = app.ctx.statuses.iter().find(|s| s.township == held);
        status.unwrap().complete
    };
    let before = complete(&parted);
    let id = *now
        .people_of(held)
        .iter()
        .find(|id| now.entry(**id).unwrap().assessment().grade.is_some())
        .unwrap();
    press(&mut parted, Char('n'));
    parted
        .ctx
        .save_field(id, Field::Grade, "", None)
        .map_err(|e| e.text().to_string())
        .unwrap();
    press(&mut whole, Char('n'));
    whole.ctx.reload();
    for app in [&mut parted, &mut whole] {
        press(app, Down);
        press(app, Up);
    }
    assert_eq!(complete(&parted), before - 1);
    assert_eq!(screen(&parted), screen(&whole));
}

#[test]
fn a_server_that_takes_connections_but_never_welcomes_is_given_up_too() {
    // A stopped server: the kernel still queues connections, nobody answers. The first
    // connection is welcomed, then nothing is answered on it or on any later one.
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("stopped.sock");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for (n, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            if n == 0 {
                welcome_admin(&mut stream);
            }
            held.push(stream);
        }
    });
    let service = Service::connect(&socket).unwrap();
    service.set_patience(Duration::from_secs(1));
    for _ in 0..2 {
        given_up_within_seconds(&service);
    }
}
