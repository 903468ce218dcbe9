//! Hostile input to every importer: random and mutated rosters, scores files, Excel
//! workbooks and schemes. Whatever comes in, the program answers with an error or
//! imports it; it never panics, and a refused file changes nothing.
// (Helpers unwrap: a failed unwrap is a failed test. allow-unwrap-in-tests covers
// #[test] functions only, not the helpers around them.)
#![allow(clippy::unwrap_used)]

mod common;

use proptest::prelude::*;

use xingji::demo::{DEMO_ROSTER, DEMO_SCORES};
use xingji::exchange::{parse_csv, read_table, report};
use xingji::scoring::{DEFAULT_SCHEME, Scheme};
use xingji::service::Service;

/// One edit of a text: the pieces a hostile or careless file is made of.
#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, String),
    Insert(usize, String),
    Delete(usize, usize),
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(",".to_string()),
        Just("\"".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("".to_string()),
        Just("-".to_string()),
        Just(".".to_string()),
        Just("1e400".to_string()),
        Just("99999999999999999999999999999".to_string()),
        Just("-0.005".to_string()),
        Just("4294967295".to_string()),
        Just("1800-02-30".to_string()),
        Just("张".to_string()),
        Just("\u{feff}".to_string()),
        Just("\u{0}".to_string()),
        Just("🎉".to_string()),
        Just("=".to_string()),
        Just("[".to_string()),
        "[0-9]{1,6}",
        "[\\PC]{1,4}",
    ]
}

/// A number a scheme should never take, or one just inside its bounds.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1e30".to_string()),
        Just("\"1e30\"".to_string()),
        Just("4294967295".to_string()),
        Just("18446744073709551616".to_string()),
        Just("\"79228162514264337593543950335\"".to_string()),
        Just("10000000".to_string()),
        Just("\"100.00\"".to_string()),
        Just("1000".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        (0u64..2000).prop_map(|n| n.to_string()),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), piece()).prop_map(|(at, s)| Edit::Replace(at, s)),
        (any::<usize>(), piece()).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 1usize..200).prop_map(|(at, n)| Edit::Delete(at, n)),
    ];
    prop::collection::vec(edit, 1..12)
}

/// `text` with the edits made, at character boundaries.
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let len = chars.len().max(1);
        match edit {
            Edit::Replace(at, s) => {
                let at = at % len;
                if at < chars.len() {
                    chars.splice(at..=at, s.chars());
                }
            }
            Edit::Insert(at, s) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                if at < end {
                    chars.drain(at..end);
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// A few rows of the demo: enough to exercise every column, small enough to be quick.
fn head(text: &str, rows: usize) -> String {
    text.lines().take(rows + 1).collect::<Vec<_>>().join("\n") + "\n"
}

/// Everything the year shows, as the report's text: it must be made without a panic.
fn report_text(service: &Service, year: i16) -> Option<String> {
    let book = service.book(year).ok()?;
    let mut out = Vec::new();
    report::write_text(&book, &mut out).ok()?;
    let mut csv = Vec::new();
    report::write_csv(&book, &mut csv, true).ok()?;
    String::from_utf8(out).ok()
}

/// A scheme the parser accepts rates the demo's scores and reports them (no overflow,
/// no panic); a refused one is fine.
fn rates_without_overflow(scheme: &str) -> bool {
    if Scheme::parse(scheme).is_err() {
        return true;
    }
    let Some(service) = demo_service(scheme) else {
        return true;
    };
    let (year, scores) = DEMO_SCORES[1];
    let table = parse_csv(&head(scores, 40)).unwrap();
    service.import_scores("考核.csv", table, year).is_err() || report_text(&service, year).is_some()
}

fn demo_service(scheme: &str) -> Option<Service> {
    let service = Service::in_memory(scheme, "fuzz").ok()?;
    let roster = parse_csv(DEMO_ROSTER).ok()?;
    service.import_roster("名册.csv", roster).ok()?;
    Some(service)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_mutated_roster_is_imported_or_refused_whole(e in edits()) {
        let service = Service::in_memory(DEFAULT_SCHEME, "fuzz").unwrap();
        let text = mutate(&head(DEMO_ROSTER, 20), &e);
        if let Ok(table) = parse_csv(&text) {
            let before = service.district().unwrap();
            if service.import_roster("名册.csv", table).is_err() {
                prop_assert_eq!(service.district().unwrap(), before);
            }
        }
    }

    #[test]
    fn a_mutated_scores_file_is_imported_or_refused_whole(e in edits()) {
        let service = demo_service(DEFAULT_SCHEME).unwrap();
        let (year, scores) = DEMO_SCORES[1];
        service
            .import_scores("考核.csv", parse_csv(&head(scores, 30)).unwrap(), year)
            .unwrap();
        let before = report_text(&service, year).unwrap();
        let text = mutate(&head(scores, 30), &e);
        if let Ok(table) = parse_csv(&text) {
            match service.import_scores("考核.csv", table, year) {
                Ok(_) => prop_assert!(report_text(&service, year).is_some()),
                Err(_) => prop_assert_eq!(report_text(&service, year).unwrap(), before),
            }
        }
    }

    #[test]
    fn a_mutated_scheme_is_refused_or_rates_without_overflow(e in edits()) {
        let text = mutate(DEFAULT_SCHEME, &e);
        prop_assert!(rates_without_overflow(&text));
    }

    #[test]
    fn hostile_numbers_in_a_scheme_are_refused_or_rate_without_overflow(
        numbers in prop::collection::vec((any::<usize>(), number()), 1..6)
    ) {
        // Every number of the default scheme is a place to put a hostile one.
        let mut lines: Vec<String> = DEFAULT_SCHEME.lines().map(str::to_string).collect();
        let places: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains("= ") && lines[i].split("= ").nth(1).is_some_and(|v| v.trim_start_matches('"').starts_with(|c: char| c.is_ascii_digit())))
            .collect();
        for (at, n) in numbers {
            let line = &mut lines[places[at % places.len()]];
            let (name, _) = line.split_once("= ").unwrap();
            *line = format!("{name}= {n}");
        }
        let text = lines.join("\n");
        prop_assert!(rates_without_overflow(&text));
    }

    #[test]
    fn a_mutated_items_file_is_set_or_refused(e in edits()) {
        let service = demo_service(DEFAULT_SCHEME).unwrap();
        let township = service.townships(None).unwrap()[0];
        let text = mutate("序号,项目,满分\n1,政治素质,30\n2,集体经济,40\n3,为民服务,30\n", &e);
        if let Ok(table) = parse_csv(&text) {
            let before = service.book_or_new(2026).unwrap().record;
            match xingji::service::items_from("项目.csv", &table)
                .and_then(|items| service.set_items(2026, township, items))
            {
                Ok(_) => {
                    let book = service.book_or_new(2026).unwrap();
                    let sum: rust_decimal::Decimal =
                        book.scheme_of(township).items().map(|i| i.max).sum();
                    prop_assert_eq!(sum, rust_decimal::Decimal::ONE_HUNDRED);
                }
                Err(_) => prop_assert_eq!(service.book_or_new(2026).unwrap().record, before),
            }
        }
    }

    #[test]
    fn a_mutated_workbook_is_read_or_refused(flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..16)) {
        let bytes = workbook();
        let mut bytes = bytes.clone();
        for (at, b) in flips {
            let at = at % bytes.len();
            bytes[at] = b;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名册.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(table) = read_table(&path) {
            let service = Service::in_memory(DEFAULT_SCHEME, "fuzz").unwrap();
            let _ = service.import_roster("名册.xlsx", table);
        }
    }

    #[test]
    fn random_bytes_as_a_workbook_or_a_csv_are_refused_or_read(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let dir = tempfile::tempdir().unwrap();
        for name in ["x.xlsx", "x.csv", "x.xls", "x.ods"] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let _ = read_table(&path);
        }
    }
}

/// The demo roster's first rows as an Excel workbook, made once.
fn workbook() -> Vec<u8> {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES
        .get_or_init(|| {
            let table = parse_csv(&head(DEMO_ROSTER, 10)).unwrap();
            let rows: Vec<String> = table.rows.iter().map(|r| r.cells.join(",")).collect();
            let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
            let sheet = common::Sheet::new(&table.headers.join(","), &rows);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("名册.xlsx");
            sheet.xlsx(&path, &["出生日期", "任职日期"]);
            std::fs::read(&path).unwrap()
        })
        .clone()
}
