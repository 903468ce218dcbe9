//! The roster and two years of scores of a district of N secretaries as CSV files, made
//! as the `bulk` bench makes them: for measuring the command-line imports at scale
//! (BENCHMARKS.md).
//!
//! `cargo run --release --example scale_csv -- 500000 DIR` writes `DIR/roster.csv`,
//! `DIR/s2024.csv` and `DIR/s2025.csv`.

// A measuring tool may unwrap: a failed unwrap stops it with its location.
#![allow(clippy::unwrap_used)]

use xingji::demo::generated::{roster, roster_csv, scores_csv};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("用法:scale_csv 人数 目录");
        std::process::exit(2);
    };
    let n: usize = n.parse().unwrap();
    let dir = std::path::PathBuf::from(dir);
    let people = roster(n);
    std::fs::write(dir.join("roster.csv"), roster_csv(&people)).unwrap();
    for year in [2024, 2025] {
        let file = dir.join(format!("s{year}.csv"));
        std::fs::write(file, scores_csv(&people, year)).unwrap();
    }
}
