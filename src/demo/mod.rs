//! The demo district of `data/demo` (朔城区: 14 townships, 115 villages, two years),
//! embedded in the binary and made into a database on first use.

pub mod generated;

use std::path::Path;

use crate::exchange::parse_csv;
use crate::scoring::DEFAULT_SCHEME;
use crate::service::{Refusal, Service};

pub const DEMO_ROSTER: &str = include_str!("../../data/demo/roster.csv");
pub const DEMO_SCORES: [(i16, &str); 2] = [
    (2024, include_str!("../../data/demo/scores-2024.csv")),
    (2025, include_str!("../../data/demo/scores-2025.csv")),
];

/// Open a generated district of `size` secretaries (`xingji demo --size N`), making it
/// when absent: its roster and two years of scores are imported as files would be,
/// with every check. Saying how long the first time takes.
pub fn open_generated(path: &Path, user: &str, size: usize) -> Result<Service, Refusal> {
    if path.exists() {
        return Service::open(path, user);
    }
    let people = generated::roster(size);
    let service = Service::create_unguarded(path, DEFAULT_SCHEME, user)?;
    let table = |text: String| parse_csv(&text).map_err(Refusal::Invalid);
    let made = (|| {
        service.import_roster("生成的名册", table(generated::roster_csv(&people))?)?;
        for (year, seed) in [(2024, 24), (2025, 25)] {
            let scores = table(generated::scores_csv(&people, seed))?;
            service.import_scores(&format!("生成的 {year} 年度考核"), scores, year)?;
        }
        Ok(())
    })();
    if let Err(e) = made {
        drop(service);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(service)
}

/// Open the demo database, making it from the embedded district when absent. It has
/// no users: whoever opens the file may do everything.
pub fn open(path: &Path, user: &str) -> Result<Service, Refusal> {
    if path.exists() {
        return Service::open(path, user);
    }
    let service = Service::create_unguarded(path, DEFAULT_SCHEME, user)?;
    let table = |text: &str| parse_csv(text).map_err(Refusal::Invalid);
    service.import_roster("demo/roster.csv", table(DEMO_ROSTER)?)?;
    for (year, text) in DEMO_SCORES {
        service.import_scores(&format!("demo/scores-{year}.csv"), table(text)?, year)?;
    }
    Ok(service)
}
