//! The year a server keeps (docs/architecture.md §7, "The resident year"): random saves
//! through a server's `Local` compared with a fresh `Local` (no kept year) on the same
//! store after every step (the book, its counts, the progress, the star history), and
//! a client's book moved by what each save sent back compared with a fresh book.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;

use rust_decimal::Decimal;
use xingji::domain::{Assessment, Ballots, Grade, Role};
use xingji::exchange::parse_csv;
use xingji::scoring::Rating;
use xingji::service::protocol::{Request, Response};
use xingji::service::{Local, Overview, Rerated, Resident, SaveAssessment, Service, YearBook};
use xingji::store::Store;

const YEAR: i16 = 2025;

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap()
    }
}

/// The demo district; 2025 without every `drop`-th row of scores (first assessments).
fn made(drop: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.redb");
    let admin = Service::create(&db, xingji::scoring::DEFAULT_SCHEME, "admin").unwrap();
    admin
        .import_roster("roster", parse_csv(xingji::demo::DEMO_ROSTER).unwrap())
        .unwrap();
    for (year, text) in xingji::demo::DEMO_SCORES {
        let text: String = if year == YEAR && drop > 0 {
            text.lines()
                .enumerate()
                .filter(|(i, _)| *i == 0 || (i % drop != 0 && *i != 1))
                .map(|(_, l)| format!("{l}\n"))
                .collect()
        } else {
            text.to_string()
        };
        admin
            .import_scores("scores", parse_csv(&text).unwrap(), year)
            .unwrap();
    }
    if drop > 0 {
        // 北关社区 has a new secretary from June: 乔俊芳 (no 2025 scores) left office.
        let row = "乡镇,村(社区),姓名,性别,出生日期,任职日期\n北城街道,北关社区,新书记,男,1990-01-01,2025-06-01\n";
        admin
            .import_roster("roster2", parse_csv(row).unwrap())
            .unwrap();
    }
    let shentou = admin.townships(Some("神头镇")).unwrap()[0];
    admin.put_user("clerk", Role::Township(shentou)).unwrap();
    (dir, db)
}

fn wire<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    postcard::from_bytes(&postcard::to_stdvec(value).unwrap()).unwrap()
}

fn client_book(local: &Local) -> YearBook {
    match wire(&local.handle(Request::BookOrNew(YEAR)).unwrap()) {
        Response::Book(b) => Arc::unwrap_or_clone(b),
        _ => panic!(),
    }
}

type Line = (u32, Assessment, Rating, Option<Rating>);
fn lines(b: &YearBook) -> Vec<Line> {
    b.entries
        .iter()
        .map(|e| {
            (
                e.secretary,
                e.to_assessment(),
                e.rating().clone(),
                e.replaced().cloned(),
            )
        })
        .collect()
}

fn random_assessment(
    rng: &mut Rng,
    book: &YearBook,
    id: u32,
    base: Option<Assessment>,
) -> Assessment {
    let mut a = base.unwrap_or_default();
    let items: Vec<(String, Decimal)> = book
        .scheme_for(id)
        .items()
        .map(|it| (it.name.clone(), it.max))
        .collect();
    match rng.below(7) {
        0 | 1 => {
            for (name, max) in &items {
                a.items.insert(name, *max);
            }
            a.grade = Some(Grade::Good);
            a.ballots = Ballots {
                satisfied: 30,
                ..Default::default()
            };
            a.veto_reason.clear();
        }
        2 => {
            for (name, max) in &items {
                a.items.insert(name, *max / Decimal::TWO);
            }
            a.grade = Some(Grade::ALL[rng.below(4)]);
            a.ballots = Ballots {
                satisfied: 10,
                basically: 5,
                ..Default::default()
            };
        }
        3 => a.bonus = Decimal::from(rng.below(8)),
        4 => {
            let (name, _) = &items[rng.below(items.len())];
            a.items.remove(name);
        }
        5 => {
            a.veto_reason = if a.vetoed() {
                String::new()
            } else {
                "违纪".into()
            }
        }
        _ => a.grade = Some(Grade::ALL[rng.below(4)]),
    }
    a
}

fn check_all(store: &Arc<Store>, resident: &Arc<Resident>, step: usize) {
    let today = jiff::civil::Date::new(2026, 3, 1).unwrap();
    for user in ["admin", "clerk"] {
        let served = Local::served(Arc::clone(store), Arc::clone(resident), user).unwrap();
        let fresh = Local::for_user(Arc::clone(store), user).unwrap();
        let full = Local::for_user(Arc::clone(store), "admin")
            .unwrap()
            .book(YEAR)
            .unwrap();
        // The kept year's briefs (what its lists and counts read) are a fresh
        // reading's, after every save it took.
        let kept = resident.book(store, YEAR).unwrap();
        assert_eq!(kept.entries.len(), full.entries.len(), "step {step}");
        for (k, f) in kept.entries.iter().zip(&full.entries) {
            assert_eq!(
                (k.secretary, k.brief()),
                (f.secretary, f.brief()),
                "step {step}: the kept brief"
            );
        }
        let rect = fresh.rectifications(None).unwrap();
        let shows = |t| fresh.actor().may_see(t);
        let expect = Overview::with_statuses(&full, &shows, &rect, today);
        let got = served.overview(YEAR, today).unwrap();
        assert_eq!(got, expect, "step {step} {user}: overview");
        // What the TUI counted before the change: the user's own book, all shown.
        let mine = fresh.book(YEAR).unwrap();
        let old = Overview::of(&mine, &|_| true, &rect, today);
        assert_eq!(
            (
                got.stars,
                got.unrated,
                got.results,
                got.incomplete,
                got.not_entered,
                &got.summary
            ),
            (
                old.stars,
                old.unrated,
                old.results,
                old.incomplete,
                old.not_entered,
                &old.summary
            ),
            "step {step} {user}: overview vs the user's own book"
        );
        assert_eq!(
            served.statuses(YEAR).unwrap(),
            fresh.statuses(YEAR).unwrap(),
            "step {step} {user}: statuses"
        );
        assert_eq!(
            served.history(YEAR).unwrap(),
            fresh.history(YEAR).unwrap(),
            "step {step} {user}: history"
        );
        let book = served.book(YEAR).unwrap();
        assert_eq!(lines(&book), lines(&mine), "step {step} {user}: book");
        assert_eq!(
            book.rated_count(),
            mine.rated_count(),
            "step {step} {user}: rated"
        );
        assert_eq!(book.people(), mine.people(), "step {step} {user}: people");
    }
}

#[test]
fn random_saves_keep_the_resident_year_and_clients_as_a_fresh_reading() {
    for (seed, drop) in [(7u64, 5usize), (99, 3), (1234, 0)] {
        let (_dir, db) = made(drop);
        let store = Arc::new(Store::open(&db).unwrap());
        let resident: Arc<Resident> = Arc::default();
        let mut rng = Rng(seed);
        let admin = Local::served(Arc::clone(&store), Arc::clone(&resident), "admin").unwrap();
        let clerk = Local::served(Arc::clone(&store), Arc::clone(&resident), "clerk").unwrap();
        let fresh_admin = Local::for_user(Arc::clone(&store), "admin").unwrap();
        let shentou = clerk.townships(None).unwrap()[0];
        let mut books = [client_book(&admin), client_book(&clerk)];
        check_all(&store, &resident, 0);
        let mut somes = 0;
        let mut firsts = 0;
        for step in 1..=120 {
            let who = rng.below(2);
            let local = if who == 0 { &admin } else { &clerk };
            let full = fresh_admin.book(YEAR).unwrap();
            let people: Vec<u32> = full
                .people()
                .into_iter()
                .filter(|p| who == 0 || full.township_of(*p) == Some(shentou))
                .collect();
            let mut id = people[rng.below(people.len())];
            if who == 0 && step % 9 == 3 {
                // Someone who left office during the year, not yet assessed.
                if let Some((left, _)) = full
                    .district
                    .secretaries()
                    .find(|(s, x)| x.left_office.is_some() && full.entry(*s).is_none())
                {
                    eprintln!("step {step}: first assessment of one who left office");
                    id = left;
                }
            }
            let before = full.entry(id).map(|e| e.to_assessment());
            if before.is_none() {
                firsts += 1;
            }
            let after = random_assessment(&mut rng, &full, id, before.clone());
            let saved = local.save_assessment(SaveAssessment {
                year: YEAR,
                secretary: id,
                before,
                after,
                what: "x".into(),
                change: (String::new(), "x".into()),
            });
            let rerated: Option<Rerated> = match saved {
                Ok(r) => wire(&r),
                Err(e) => panic!("step {step}: {e}"),
            };
            match rerated {
                Some(r) => {
                    somes += 1;
                    books[who].take_rerated(r);
                }
                None => books[who] = client_book(local),
            }
            let fresh =
                Local::for_user(Arc::clone(&store), if who == 0 { "admin" } else { "clerk" })
                    .unwrap()
                    .book(YEAR)
                    .unwrap();
            assert_eq!(
                lines(&books[who]),
                lines(&fresh),
                "seed {seed} step {step}: client {who}"
            );
            assert_eq!(
                books[who].rated_count(),
                fresh.rated_count(),
                "seed {seed} step {step}"
            );
            assert_eq!(
                books[who].people(),
                fresh.people(),
                "seed {seed} step {step}: people"
            );
            // The client's own overview (as the TUI counts it) is the server's.
            let today = jiff::civil::Date::new(2026, 3, 1).unwrap();
            let rect = local.rectifications(None).unwrap();
            let tui = Overview::of(&books[who], &|_| true, &rect, today);
            let mut server = local.overview(YEAR, today).unwrap();
            server.statuses.clear();
            assert_eq!(tui, server, "seed {seed} step {step}: tui overview");
            books[1 - who] = client_book(if who == 0 { &clerk } else { &admin });
            if step % 10 == 0 {
                check_all(&store, &resident, step);
            }
            // Now and then another write: the kept year is read again.
            if step % 37 == 0 {
                fresh_admin
                    .set_setting("联系地址", &format!("开发南路{step}号"))
                    .unwrap();
            }
        }
        eprintln!("seed {seed}: {somes} moved by the server, {firsts} first assessments");
        assert!(somes > 60, "{somes}");
        check_all(&store, &resident, 999);
    }
}

#[test]
fn saves_beside_a_published_township_keep_the_resident_year_as_a_fresh_reading() {
    let (_dir, db) = made(0);
    let store = Arc::new(Store::open(&db).unwrap());
    let resident: Arc<Resident> = Arc::default();
    let admin = Local::served(Arc::clone(&store), Arc::clone(&resident), "admin").unwrap();
    let fresh_admin = Local::for_user(Arc::clone(&store), "admin").unwrap();
    let townships = admin.townships(None).unwrap();
    // Complete everyone, then hand in every township and publish two.
    let full = fresh_admin.book(YEAR).unwrap();
    let mut rng = Rng(5);
    for id in full.people() {
        let e = full.entry(id);
        if e.is_some_and(|e| e.rating().evaluation.figures().is_some()) {
            continue;
        }
        let mut a = e.map(|e| e.to_assessment()).unwrap_or_default();
        for it in full.scheme_for(id).items() {
            a.items.insert(&it.name, it.max / Decimal::TWO);
        }
        a.grade = Some(Grade::Average);
        a.ballots = Ballots {
            satisfied: 10,
            ..Default::default()
        };
        admin
            .save_assessment(SaveAssessment {
                year: YEAR,
                secretary: id,
                before: e.map(|e| e.to_assessment()),
                after: a,
                what: "x".into(),
                change: (String::new(), "x".into()),
            })
            .unwrap();
    }
    admin.submit(YEAR, &townships).unwrap();
    let publication = xingji::service::Publication {
        from: admin.today(),
        days: None,
        reason: None,
        confirm: true,
        from_given: false,
    };
    admin.publish(YEAR, &townships[1..3], &publication).unwrap();
    let mut book = client_book(&admin);
    check_all(&store, &resident, 0);
    let mut somes = 0;
    for step in 1..=150 {
        let full = fresh_admin.book(YEAR).unwrap();
        let people: Vec<u32> = full
            .people()
            .into_iter()
            .filter(|p| {
                full.township_of(*p)
                    .is_some_and(|t| !townships[1..3].contains(&t))
            })
            .collect();
        let id = people[rng.below(people.len())];
        let before = full.entry(id).map(|e| e.to_assessment());
        let after = random_assessment(&mut rng, &full, id, before.clone());
        let rerated = admin
            .save_assessment(SaveAssessment {
                year: YEAR,
                secretary: id,
                before,
                after,
                what: "x".into(),
                change: (String::new(), "x".into()),
            })
            .unwrap();
        match wire(&rerated) {
            Some(r) => {
                somes += 1;
                book.take_rerated(r);
            }
            None => book = client_book(&admin),
        }
        let fresh = fresh_admin.book(YEAR).unwrap();
        assert_eq!(lines(&book), lines(&fresh), "step {step}");
        assert_eq!(book.rated_count(), fresh.rated_count(), "step {step}");
        if step % 10 == 0 {
            check_all(&store, &resident, step);
        }
        if step == 75 {
            // Reopened: its live figures show again.
            admin.reopen(YEAR, &townships[1..2], "复核").unwrap();
            book = client_book(&admin);
            check_all(&store, &resident, step);
        }
    }
    eprintln!("{somes} moved by the server");
    check_all(&store, &resident, 999);
}

#[test]
fn concurrent_saves_reads_and_other_writes_leave_the_resident_year_current() {
    let (_dir, db) = made(4);
    let store = Arc::new(Store::open(&db).unwrap());
    let resident: Arc<Resident> = Arc::default();
    let fresh_admin = Local::for_user(Arc::clone(&store), "admin").unwrap();
    let full = fresh_admin.book(YEAR).unwrap();
    let people = full.people();
    let nones = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    std::thread::scope(|s| {
        let mut savers = Vec::new();
        for k in 0..2u64 {
            let (store, resident, people, nones) = (&store, &resident, &people, &nones);
            savers.push(s.spawn(move || {
                let local =
                    Local::served(Arc::clone(store), Arc::clone(resident), "admin").unwrap();
                let fresh = Local::for_user(Arc::clone(store), "admin").unwrap();
                let mut rng = Rng(17 + k);
                for _ in 0..60 {
                    // Each thread its own half of the people: no conflicts.
                    let mine: Vec<u32> = people
                        .iter()
                        .copied()
                        .filter(|p| u64::from(*p) % 2 == k)
                        .collect();
                    let id = mine[rng.below(mine.len())];
                    let full = fresh.book(YEAR).unwrap();
                    let before = full.entry(id).map(|e| e.to_assessment());
                    let after = random_assessment(&mut rng, &full, id, before.clone());
                    let r = local
                        .save_assessment(SaveAssessment {
                            year: YEAR,
                            secretary: id,
                            before,
                            after: after.clone(),
                            what: "x".into(),
                            change: (String::new(), "x".into()),
                        })
                        .unwrap();
                    match r {
                        Some(r) => {
                            let e = r.entries.iter().find(|e| e.secretary == id).unwrap();
                            assert_eq!(*e.assessment(), after);
                        }
                        None => {
                            nones.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                }
            }));
        }
        {
            let (store, resident, stop) = (&store, &resident, &stop);
            s.spawn(move || {
                let today = jiff::civil::Date::new(2026, 3, 1).unwrap();
                let local =
                    Local::served(Arc::clone(store), Arc::clone(resident), "clerk").unwrap();
                let admin =
                    Local::served(Arc::clone(store), Arc::clone(resident), "admin").unwrap();
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    local.overview(YEAR, today).unwrap();
                    let _b = admin.handle(Request::BookOrNew(YEAR)).unwrap();
                    n += 1;
                    if n % 25 == 0 {
                        admin
                            .set_setting("联系地址", &format!("开发南路{n}号"))
                            .unwrap();
                    }
                }
            });
        }
        for saver in savers {
            saver.join().unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    eprintln!(
        "{} saves answered None",
        nones.load(std::sync::atomic::Ordering::SeqCst)
    );
    check_all(&store, &resident, 0);
}

/// Four years of data (2022 and 2023 from the 2024 scores).
fn four_years() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = made(0);
    {
        let admin = Service::open(&db, "admin").unwrap();
        for year in [2022, 2023] {
            admin
                .import_scores(
                    "scores",
                    parse_csv(xingji::demo::DEMO_SCORES[0].1).unwrap(),
                    year,
                )
                .unwrap();
        }
    }
    (dir, db)
}

#[test]
fn a_history_request_leaves_the_working_year_kept() {
    let (_dir, db) = four_years();
    let store = Arc::new(Store::open(&db).unwrap());
    let resident: Arc<Resident> = Arc::default();
    let admin = Local::served(Arc::clone(&store), Arc::clone(&resident), "admin").unwrap();
    let clerk = Local::served(Arc::clone(&store), Arc::clone(&resident), "clerk").unwrap();
    let today = jiff::civil::Date::new(2026, 3, 1).unwrap();
    let save = |local: &Local| {
        let book = Local::for_user(Arc::clone(&store), "admin")
            .unwrap()
            .book(YEAR)
            .unwrap();
        let id = book.people()[3];
        let before = book.entry(id).map(|e| e.to_assessment());
        let mut after = before.clone().unwrap_or_default();
        after.bonus += Decimal::ONE;
        local
            .save_assessment(SaveAssessment {
                year: YEAR,
                secretary: id,
                before,
                after,
                what: "x".into(),
                change: (String::new(), "x".into()),
            })
            .unwrap()
    };
    // The first screen, then a save: the kept year moves.
    admin.overview(YEAR, today).unwrap();
    assert!(save(&admin).is_some());
    // A client's start asks for the star history beside the working year ...
    clerk.history(YEAR).unwrap();
    // ... and the next save finds nothing kept: its client reads the year again, and
    // the next reader waits for the server to read and rate it again.
    assert!(
        save(&admin).is_some(),
        "the working year was evicted by History"
    );
}

#[test]
fn a_clerks_year_without_data_holds_only_their_township() {
    let (_dir, db) = made(0);
    let store = Arc::new(Store::open(&db).unwrap());
    let resident: Arc<Resident> = Arc::default();
    let clerk = Local::served(Arc::clone(&store), Arc::clone(&resident), "clerk").unwrap();
    let shentou = clerk.townships(None).unwrap()[0];
    // The year with data: only 神头镇's.
    let book = client_book(&clerk);
    assert!(
        book.previous
            .iter()
            .all(|(id, _)| book.township_of(id) == Some(shentou))
    );
    // The next year, before anyone entered anything (a new year's first day).
    let next = match wire(&clerk.handle(Request::BookOrNew(YEAR + 1)).unwrap()) {
        Response::Book(b) => Arc::unwrap_or_clone(b),
        _ => panic!(),
    };
    let others: Vec<_> = next
        .previous
        .iter()
        .filter(|(id, _)| next.township_of(*id) != Some(shentou))
        .collect();
    let foreign_roster = next
        .district
        .secretary_villages()
        .filter(|(id, _)| next.township_of(*id) != Some(shentou))
        .count();
    assert!(
        others.is_empty(),
        "{} other townships' 2025 ratings reach the clerk (e.g. {:?}); roster of others: {foreign_roster}",
        others.len(),
        others.first()
    );
}

#[test]
fn the_kept_year_holds_no_forms_and_what_it_sends_has_them() {
    let (_dir, path) = made(0);
    let store = Arc::new(Store::open(&path).unwrap());
    let resident = Arc::new(Resident::default());
    let kept = resident.book(&store, YEAR).unwrap();
    assert!(!kept.entries.is_empty());
    assert!(kept.entries.iter().all(|e| !e.form_held()));
    let stored: std::collections::HashMap<u32, Assessment> =
        store.assessments(YEAR).unwrap().into_iter().collect();
    let served = Local::served(Arc::clone(&store), Arc::clone(&resident), "admin").unwrap();
    let sent = served.book(YEAR).unwrap();
    assert_eq!(sent.entries.len(), kept.entries.len());
    for e in &sent.entries {
        assert_eq!(Some(e.assessment()), stored.get(&e.secretary));
    }
    // A township's part, read again after a save, carries the saved form.
    let id = sent.entries[0].secretary;
    let mut after = sent.entries[0].to_assessment();
    after.notes = "新的备注".into();
    served
        .save_assessment(SaveAssessment {
            year: YEAR,
            secretary: id,
            before: Some(sent.entries[0].to_assessment()),
            after: after.clone(),
            what: "备注".into(),
            change: (String::new(), "新的备注".into()),
        })
        .unwrap();
    let part = served
        .part(YEAR, xingji::service::rows::Focus::Secretary(id))
        .unwrap();
    assert_eq!(*part.entry(id).unwrap().assessment(), after);
    let kept = resident.book(&store, YEAR).unwrap();
    assert!(!kept.entry(id).unwrap().form_held());
}

#[test]
fn a_district_users_part_of_a_year_without_data_is_an_empty_part() {
    let (_dir, db) = made(0);
    let store = Arc::new(Store::open(&db).unwrap());
    let resident: Arc<Resident> = Arc::default();
    let admin = Local::served(Arc::clone(&store), Arc::clone(&resident), "admin").unwrap();
    let township = admin.townships(None).unwrap()[0];
    let focus = xingji::service::rows::Focus::Township(township);
    // What a client started with `--year` on a year nobody has entered yet reads.
    let part = match wire(&admin.handle(Request::Part(YEAR + 1, focus)).unwrap()) {
        Response::Book(b) => Arc::unwrap_or_clone(b),
        other => panic!("{other:?}"),
    };
    assert_eq!(part.year, YEAR + 1);
    assert_eq!(part.part_of(), Some(township));
    assert!(part.entries.is_empty());
    assert!(part.district.secretary_count() > 0);
}
