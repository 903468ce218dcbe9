//! Shared by the bench targets (docs/architecture.md, "Performance"): timing loops with warm-up and
//! median/p99, and a generated district of any size with realistic Chinese names.
//!
//! Plain `std::time::Instant` loops, no harness: `cargo bench` runs each target's
//! `main`. Scales beyond the embedded demo come from `XINGJI_BENCH_SCALES`
//! (comma-separated secretary counts, default `20000`).

#![allow(dead_code)] // each bench target uses its own part of this module

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use xingji::domain::YearRecord;
use xingji::domain::{Secretary, Township, TownshipKind, Village, VillageKind};
use xingji::scoring::{DEFAULT_SCHEME, Scheme};
use xingji::service::Service;
use xingji::store::Store;

/// The demo district's working year (and the generated one's).
pub const YEAR: i16 = 2025;

/// Secretary counts to generate, from `XINGJI_BENCH_SCALES` (default 20,000).
pub fn scales() -> Vec<usize> {
    std::env::var("XINGJI_BENCH_SCALES")
        .ok()
        .map(|v| {
            v.split(',')
                .filter_map(|s| s.trim().replace('_', "").parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![20_000])
}

// ---------------------------------------------------------------------------------
// Timing

#[derive(Clone, Debug)]
pub struct Stats {
    pub samples: Vec<Duration>,
}

impl Stats {
    fn sorted(&self) -> Vec<Duration> {
        let mut s = self.samples.clone();
        s.sort();
        s
    }

    /// The value at quantile `q` (nearest rank).
    pub fn quantile(&self, q: f64) -> Duration {
        let s = self.sorted();
        if s.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
        s[rank - 1]
    }

    pub fn median(&self) -> Duration {
        self.quantile(0.5)
    }

    pub fn p99(&self) -> Duration {
        self.quantile(0.99)
    }

    pub fn max(&self) -> Duration {
        self.sorted().last().copied().unwrap_or_default()
    }
}

/// A duration for people: µs, ms or s with three significant figures.
pub fn show(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1e-3 {
        format!("{:.1} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

/// Print one result line: what, how many samples, median, p99, max.
pub fn report(what: &str, stats: &Stats) {
    println!(
        "{what:<58} n={:<5} median {:>10}  p99 {:>10}  max {:>10}",
        stats.samples.len(),
        show(stats.median()),
        show(stats.p99()),
        show(stats.max()),
    );
}

/// Time `f` after up to `warmup` untimed runs (fewer when they take a quarter of
/// `budget`), at most `iters` times and for at most `budget`, at least once: at the
/// larger scales a slow step gets few samples, and its p99 is then its maximum.
/// `f` returns the duration it measured itself, so that it can leave set-up out.
pub fn sample(
    warmup: usize,
    iters: usize,
    budget: Duration,
    mut f: impl FnMut() -> Duration,
) -> Stats {
    let start = Instant::now();
    for _ in 0..warmup {
        if start.elapsed() > budget / 4 {
            break;
        }
        f();
    }
    let start = Instant::now();
    let mut samples = Vec::with_capacity(iters.min(10_000));
    while samples.len() < iters && (samples.is_empty() || start.elapsed() < budget) {
        samples.push(f());
    }
    Stats { samples }
}

/// Time a closure as a whole.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Resident set size and its peak, in KiB, from /proc/self/status.
pub fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

// ---------------------------------------------------------------------------------
// A generated district

// The generated district lives in the program (`xingji demo --size N`); each bench
// target uses its own part of it.
#[allow(unused_imports)]
pub use xingji::demo::generated::{Person, Rng, assessment, roster, roster_csv, scores_csv};

/// A database of `people` with both years (2024, 2025) scored, written directly
/// through the store's writer in one transaction (fast at any size; the imports,
/// which are measured on their own, are not needed to make it). The program itself
/// then opens it through its service, as any user would.
pub fn build_store(path: &Path, people: &[Person]) -> Service {
    let store = Store::create(path, DEFAULT_SCHEME).expect("create store");
    let scheme = Scheme::parse(DEFAULT_SCHEME).expect("default scheme");
    let mut rng = Rng::new(42);
    let mut w = store.write("bench").expect("write");
    let mut townships: BTreeMap<&str, u32> = BTreeMap::new();
    let mut ids = Vec::with_capacity(people.len());
    for p in people {
        let township = match townships.get(p.township.as_str()) {
            Some(&id) => id,
            None => {
                let id = w
                    .add_township(&Township {
                        name: p.township.as_str().into(),
                        kind: TownshipKind::from_name(&p.township),
                    })
                    .expect("township");
                townships.insert(&p.township, id);
                id
            }
        };
        let village = w
            .add_village(&Village {
                township,
                name: p.village.as_str().into(),
                kind: VillageKind::from_name(&p.village),
            })
            .expect("village");
        ids.push(
            w.add_secretary(&Secretary {
                village,
                name: p.name.as_str().into(),
                gender: Some(p.gender),
                born: Some(p.born),
                took_office: p.took_office,
                left_office: None,
            })
            .expect("secretary"),
        );
    }
    for year in [YEAR - 1, YEAR] {
        w.put_year(year, &YearRecord::new(DEFAULT_SCHEME.to_string()))
            .expect("year");
        for &id in &ids {
            w.put_assessment(year, id, &assessment(&scheme, &mut rng))
                .expect("assessment");
        }
    }
    w.commit().expect("commit");
    drop(store);
    Service::open(path, "bench").expect("open")
}
