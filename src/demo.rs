//! The demo district of `data/demo` (朔城区: 14 townships, 115 villages, two years),
//! embedded in the binary and made into a database on first use.

use std::path::Path;

use crate::exchange::parse_csv;
use crate::scoring::DEFAULT_SCHEME;
use crate::service::{Refusal, Service};

pub const DEMO_ROSTER: &str = include_str!("../data/demo/roster.csv");
pub const DEMO_SCORES: [(i16, &str); 2] = [
    (2024, include_str!("../data/demo/scores-2024.csv")),
    (2025, include_str!("../data/demo/scores-2025.csv")),
];

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
