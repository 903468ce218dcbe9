//! docs/architecture.md, "Performance": import a roster and a year of scores from CSV files, recompute a
//! whole year (YearBook::load), write the report (CSV).
//!
//! `cargo bench --bench bulk` (scales: `XINGJI_BENCH_SCALES=20000,100000`).
//! A step whose first run takes longer than `XINGJI_BENCH_STEP_LIMIT` seconds
//! (default 600) is run once and the steps after it are skipped for that scale.
//! Above `XINGJI_BENCH_IMPORT_MAX` secretaries (default 100,000) the imports are not
//! run (they grow with the square of the roster); the database is then written
//! directly and only the recompute and the report are measured.

// A benchmark may unwrap: a failed unwrap stops it with its location.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{YEAR, report, roster, roster_csv, sample, scales, scores_csv, show, timed};
use xingji::exchange::{read_table, report as year_report};
use xingji::scoring::DEFAULT_SCHEME;
use xingji::service::Service;

fn limit() -> Duration {
    Duration::from_secs(
        std::env::var("XINGJI_BENCH_STEP_LIMIT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(600),
    )
}

fn import_max() -> usize {
    std::env::var("XINGJI_BENCH_IMPORT_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn bench(label: &str, dir: &Path, roster_text: &str, scores: [&str; 2], budget: Duration) {
    let roster_file = dir.join(format!("{label}-roster.csv"));
    std::fs::write(&roster_file, roster_text).expect("write roster");
    let mut score_files = Vec::new();
    for (year, text) in [YEAR - 1, YEAR].into_iter().zip(scores) {
        let file = dir.join(format!("{label}-scores-{year}.csv"));
        std::fs::write(&file, text).expect("write scores");
        score_files.push(file);
    }
    let rows = scores[1].lines().count() - 1;
    println!(
        "[{label}] {} roster rows, {rows} scores rows; roster file {} KiB, scores file {} KiB",
        roster_text.lines().count() - 1,
        roster_text.len() / 1024,
        scores[1].len() / 1024,
    );

    let db = dir.join(format!("{label}.redb"));
    let service = Service::create_unguarded(&db, DEFAULT_SCHEME, "bench").expect("create");
    let import_roster = |file: &Path| {
        let table = read_table(file).expect("read");
        service.import_roster(&file.display().to_string(), table)
    };
    let import_scores = |file: &Path, year| {
        let table = read_table(file).expect("read");
        service.import_scores(&file.display().to_string(), table, year)
    };
    let (summary, took) = timed(|| import_roster(&roster_file).expect("roster"));
    println!(
        "[{label}] import roster into an empty database ({} added): {}",
        summary.added,
        show(took)
    );
    if took > limit() {
        println!("[{label}]   over the step limit: the other steps are skipped at this scale");
        return;
    }
    let (_, took) = timed(|| import_scores(&score_files[0], YEAR - 1));
    println!(
        "[{label}] import scores {} (new year): {}",
        YEAR - 1,
        show(took)
    );
    if took > limit() {
        println!("[{label}]   over the step limit: the other steps are skipped at this scale");
        return;
    }
    let stats = sample(0, 20, budget, || {
        let t = Instant::now();
        let s = import_scores(&score_files[1], YEAR).expect("scores");
        assert_eq!(s.rows, rows);
        t.elapsed()
    });
    report(
        &format!("[{label}] import scores {YEAR} ({rows} rows; 1st new, then again)"),
        &stats,
    );

    recompute_and_report(label, &service, rows, budget, 1);
}

/// YearBook::load of the working year, then the CSV report of it.
fn recompute_and_report(
    label: &str,
    service: &Service,
    rows: usize,
    budget: Duration,
    warmup: usize,
) {
    // After the imports no year is kept: the first reading rates both years and keeps
    // their lines; the next ones read last year's.
    let (book, took) = timed(|| service.book(YEAR).expect("load"));
    assert_eq!(book.entries.len(), rows);
    drop(book);
    println!(
        "[{label}] recompute and store {YEAR} and {} (first YearBook::load, nothing kept): {}",
        YEAR - 1,
        show(took)
    );
    let stats = sample(warmup, 50, budget, || {
        let t = Instant::now();
        let book = service.book(YEAR).expect("load");
        assert_eq!(book.entries.len(), rows);
        t.elapsed()
    });
    report(
        &format!(
            "[{label}] YearBook::load (rate {YEAR}; {} read from its kept lines)",
            YEAR - 1
        ),
        &stats,
    );

    let book = service.book(YEAR).expect("load");
    for (what, gbk) in [("UTF-8", false), ("GBK", true)] {
        let mut size = 0;
        let stats = sample(warmup, 50, budget, || {
            let mut out = Vec::with_capacity(size);
            let t = Instant::now();
            year_report::write_csv(&book, &mut out, gbk).expect("report");
            size = out.len();
            t.elapsed()
        });
        report(
            &format!("[{label}] report::write_csv {what} ({} KiB)", size / 1024),
            &stats,
        );
    }
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let dir = tempfile::tempdir().expect("tempdir");
    let demo_scores = [
        xingji::demo::DEMO_SCORES[0].1,
        xingji::demo::DEMO_SCORES[1].1,
    ];
    if quick {
        let budget = Duration::from_millis(20);
        bench(
            "demo",
            dir.path(),
            xingji::demo::DEMO_ROSTER,
            demo_scores,
            budget,
        );
        return;
    }
    bench(
        "demo",
        dir.path(),
        xingji::demo::DEMO_ROSTER,
        demo_scores,
        Duration::from_secs(3),
    );
    for n in scales() {
        let label = format!("{n}");
        let people = roster(n);
        if n > import_max() {
            println!(
                "[{label}] imports not run (above XINGJI_BENCH_IMPORT_MAX); database written directly"
            );
            let db = dir.path().join(format!("{label}.redb"));
            let (store, took) = timed(|| common::build_store(&db, &people));
            println!("[{label}] generated database in {}", show(took));
            drop(people);
            recompute_and_report(&label, &store, n, Duration::from_secs(20), 0);
            continue;
        }
        let (r, s1, s2) = (
            roster_csv(&people),
            scores_csv(&people, 2024),
            scores_csv(&people, 2025),
        );
        drop(people);
        bench(&label, dir.path(), &r, [&s1, &s2], Duration::from_secs(20));
    }
}
