//! docs/architecture.md, "Performance": incremental pinyin search, per key, over every secretary's name,
//! village and township (`service::search::Finder`, as the search box uses it, over the index
//! that the TUI builds).
//!
//! `cargo bench --bench search` (scales: `XINGJI_BENCH_SCALES=20000,100000,500000`).

// A benchmark may unwrap: a failed unwrap stops it with its location.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Stats, report, roster, sample, scales, show, timed};
use xingji::service::search::{Finder, KEPT, SearchIndex};

/// What a clerk types, key by key: full pinyin, initials, Chinese characters.
const QUERIES: [&str; 4] = ["zhangwei", "zjg", "王建", "shentou"];

fn bench(label: &str, index: &SearchIndex, budget: Duration) {
    let mut all = Vec::new();
    let mut worst = (Duration::ZERO, String::new());
    for query in QUERIES {
        let chars: Vec<char> = query.chars().collect();
        for end in 1..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            let mut hits = 0;
            // As the search box does: the keys before this one narrowed the matches
            // (untimed), this key is timed.
            let stats = sample(2, 200, budget, || {
                let mut finder = Finder::default();
                for before in 1..end {
                    let typed: String = chars[..before].iter().collect();
                    finder.find(index, 1, &typed, KEPT);
                }
                let t = Instant::now();
                hits = finder.find(index, 1, &prefix, KEPT).total;
                t.elapsed()
            });
            if stats.median() > worst.0 {
                worst = (stats.median(), format!("{prefix:?} ({hits} hits)"));
            }
            all.extend(stats.samples);
        }
    }
    report(
        &format!("[{label}] search per key, all keys of {QUERIES:?}"),
        &Stats { samples: all },
    );
    println!(
        "[{label}]   slowest key (median): {} for {}",
        show(worst.0),
        worst.1
    );
}

fn main() {
    // As the program does before its screens or its server.
    xingji::service::map_large_blocks();
    let quick = !std::env::args().any(|a| a == "--bench");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = xingji::demo::open(&dir.path().join("demo.redb"), "bench").expect("demo");
    let demo = store.district().expect("district");
    let index: SearchIndex = demo
        .secretary_villages()
        .map(|(id, _)| {
            let name = demo.secretary_name(id).expect("name");
            let (t, v) = demo.place_names(id).expect("place");
            (id, name, v, t)
        })
        .collect();
    if quick {
        bench("demo", &index, Duration::from_millis(20));
        return;
    }
    bench("demo", &index, Duration::from_secs(1));
    for n in scales() {
        let label = format!("{n}");
        let people = roster(n);
        // As App::new builds it (without its per-secretary look-ups).
        let (index, took) = timed(|| {
            people
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let id = i as u32 + 1;
                    (id, p.name.as_str(), p.village.as_str(), p.township.as_str())
                })
                .collect::<SearchIndex>()
        });
        println!("[{label}] building the search index: {}", show(took));
        bench(&label, &index, Duration::from_secs(3));
    }
}
