use jiff::civil::Date;

use super::*;
use crate::domain::{Ballots, Grade, TownshipKind, VillageKind};
use crate::scoring::DEFAULT_SCHEME;

fn sample(store: &Store) -> (u32, u32) {
    let mut w = store.write("clerk").unwrap();
    let t = w
        .add_township(&Township {
            name: "神头镇".into(),
            kind: TownshipKind::Zhen,
        })
        .unwrap();
    let v = w
        .add_village(&Village {
            township: t,
            name: "马邑村".into(),
            kind: VillageKind::Village,
        })
        .unwrap();
    let s = w
        .add_secretary(&Secretary {
            village: v,
            name: "欧阳娜娜".into(),
            gender: None,
            born: None,
            took_office: Date::new(2019, 3, 1).unwrap(),
            left_office: None,
        })
        .unwrap();
    w.commit().unwrap();
    (v, s)
}

#[test]
fn records_round_trip_through_the_versioned_encoding() {
    let store = Store::in_memory(DEFAULT_SCHEME).unwrap();
    let (_, s) = sample(&store);
    let a = Assessment {
        items: crate::domain::Items::from([("政治素质", "5.5".parse().unwrap())]),
        grade: Some(Grade::FairlyGood),
        ballots: Ballots {
            satisfied: 30,
            basically: 5,
            dissatisfied: 1,
            unknown: 2,
        },
        bonus: "6.5".parse().unwrap(),
        veto_reason: "违反换届纪律".into(),
        notes: "第一行\n第二行".into(),
        ..Assessment::default()
    };
    let mut w = store.write("clerk").unwrap();
    w.put_assessment(2024, s, &a).unwrap();
    w.put_assessment(2025, s, &Assessment::default()).unwrap();
    w.commit().unwrap();
    assert_eq!(store.assessments(2024).unwrap(), vec![(s, a)]);
    assert_eq!(store.assessments(2025).unwrap().len(), 1);
    assert!(store.assessments(2023).unwrap().is_empty());
    let d = store.district().unwrap();
    assert_eq!(d.find_secretary("神头镇", "马邑村", "欧阳娜娜"), Some(s));
    assert_eq!(store.scheme_text().unwrap(), DEFAULT_SCHEME);
}

#[test]
fn an_uncommitted_write_changes_nothing() {
    let store = Store::in_memory(DEFAULT_SCHEME).unwrap();
    let (_, s) = sample(&store);
    {
        let mut w = store.write("clerk").unwrap();
        w.put_assessment(2024, s, &Assessment::default()).unwrap();
        // dropped without commit
    }
    assert!(store.assessments(2024).unwrap().is_empty());
}

#[test]
fn an_unknown_format_byte_is_refused_not_misread() {
    assert!(matches!(
        encoding::decode::<String>(&[9, 1, 2]),
        Err(StoreError::BadRecord(9))
    ));
    let bytes = encoding::encode(&"好".to_string());
    assert_eq!(bytes[0], FORMAT_VERSION);
    assert_eq!(encoding::decode::<String>(&bytes).unwrap(), "好");
}

#[test]
fn the_file_is_private_and_reopens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/xingji.redb");
    {
        let store = Store::create(&path, DEFAULT_SCHEME).unwrap();
        sample(&store);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    assert!(matches!(
        Store::create(&path, DEFAULT_SCHEME),
        Err(StoreError::Exists(_))
    ));
    let store = Store::open(&path).unwrap();
    assert_eq!(store.district().unwrap().secretary_count(), 1);
    assert_eq!(store.audit_log().unwrap()[0].what, "新建数据库");
    let backup = dir.path().join("backup.redb");
    store.backup(&backup).unwrap();
    drop(store);
    let copy = Store::open(&backup).unwrap();
    assert_eq!(copy.district().unwrap().secretary_count(), 1);
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.redb");
    std::fs::write(&path, "乡镇,村(社区),姓名\n").unwrap();
    assert!(Store::open(&path).is_err());
    assert!(matches!(
        Store::open(&dir.path().join("none")),
        Err(StoreError::Missing(_))
    ));
}

/// A file written by the first schema (tests/fixtures/schema1.redb, made by the
/// program as it was then) opens, and its records read through their upgrades.
#[test]
fn a_schema_1_file_still_opens_and_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.redb");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema1.redb"),
        &path,
    )
    .unwrap();
    let store = Store::open(&path).unwrap();
    let d = store.district().unwrap();
    assert_eq!(d.secretary_count(), 2);
    let year = store.year(2025).unwrap().unwrap();
    assert_eq!(year.stage(1), Stage::Entering);
    assert!(year.scheme.contains("[weights]"));
    let audit = store.audit_log().unwrap();
    assert_eq!(audit[0].what, "新建数据库");
    assert_eq!(audit[0].scope, Scope::default());
    assert_eq!(store.assessments(2025).unwrap().len(), 2);
    assert!(store.rectifications(2025).unwrap().is_empty());
    assert!(store.users().unwrap().is_empty());
    // Written again, the year is in the new format and reads back the same.
    let mut w = store.write("t").unwrap();
    w.put_year(2025, &year).unwrap();
    w.commit().unwrap();
    assert_eq!(store.year(2025).unwrap().unwrap(), year);
}

#[test]
fn a_format_1_year_record_upgrades() {
    #[derive(serde::Serialize)]
    struct V1 {
        scheme: String,
        stages: Vec<(u32, Stage)>,
    }
    let mut bytes = vec![1u8];
    bytes.extend(
        postcard::to_stdvec(&V1 {
            scheme: "s".into(),
            stages: vec![(3, Stage::Approved)],
        })
        .unwrap(),
    );
    let year: YearRecord = encoding::decode(&bytes).unwrap();
    assert_eq!(year.stage(3), Stage::Approved);
    assert_eq!(year.stage(4), Stage::Entering);
    assert!(matches!(
        encoding::decode::<YearRecord>(&[3, 0]),
        Err(StoreError::BadRecord(3))
    ));
}

#[test]
fn an_older_file_backs_up_and_a_refused_backup_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.redb");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema1.redb"),
        &path,
    )
    .unwrap();
    let store = Store::open(&path).unwrap();
    let to = dir.path().join("copy.redb");
    store.backup(&to).unwrap();
    assert!(matches!(store.backup(&to), Err(StoreError::Exists(_))));
    assert!(!dir.path().join("copy.redb.part").exists());
    drop(store);
    let copy = Store::open(&to).unwrap();
    assert_eq!(copy.assessments(2025).unwrap().len(), 2);
    assert_eq!(
        copy.audit_log().unwrap().len(),
        Store::open(&path).unwrap().audit_log().unwrap().len()
    );
}

mod decoding {
    use proptest::prelude::*;

    use super::*;

    /// Every stored type from `bytes`: an error or a value, never a panic (a damaged
    /// record must be told, not crash the program).
    fn decode_all(bytes: &[u8]) {
        let _ = decode::<String>(bytes);
        let _ = decode::<Township>(bytes);
        let _ = decode::<Village>(bytes);
        let _ = decode::<Secretary>(bytes);
        let _ = decode::<Assessment>(bytes);
        let _ = decode::<YearRecord>(bytes);
        let _ = decode::<AuditEntry>(bytes);
        let _ = decode::<Rectification>(bytes);
        let _ = decode::<Role>(bytes);
    }

    /// Real records of every type, as the store writes them.
    fn stored() -> Vec<Vec<u8>> {
        let store = Store::in_memory(DEFAULT_SCHEME).unwrap();
        let (_, s) = sample(&store);
        let mut out = vec![
            encode(&store.scheme_text().unwrap()),
            encode(&Role::Township(3)),
        ];
        let district = store.district().unwrap();
        out.extend(district.townships.iter().map(|(_, t)| encode(t)));
        out.extend(district.villages().map(|(_, v)| encode(&v)));
        out.extend(district.secretaries().map(|(_, s)| encode(&s)));
        out.extend(store.years().unwrap().iter().map(|(_, y)| encode(y)));
        out.extend(
            store
                .assessments(2024)
                .unwrap()
                .iter()
                .map(|(_, a)| encode(a)),
        );
        out.extend(store.audit_log().unwrap().iter().map(encode));
        out.push(encode(&Rectification {
            consequence: crate::domain::Consequence::Admonish,
            approved_on: Date::new(2025, 1, 1).unwrap(),
            deadline: Date::new(2025, 4, 1).unwrap(),
            measures: "整改".into(),
            done_on: None,
            withdrawn: None,
        }));
        assert!(out.len() > 5, "{s}");
        out
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            decode_all(&bytes);
        }

        #[test]
        fn damaged_records_never_panic(
            which in any::<usize>(),
            flips in prop::collection::vec((any::<usize>(), any::<u8>()), 1..6),
            cut in any::<usize>(),
        ) {
            let records = stored();
            let mut bytes = records[which % records.len()].clone();
            for (at, b) in flips {
                let at = at % bytes.len();
                bytes[at] = b;
            }
            decode_all(&bytes);
            bytes.truncate(cut % (bytes.len() + 1));
            decode_all(&bytes);
        }
    }
}

/// A file whose year was approved before figures were frozen: the first open freezes
/// them, once, so that no later publication can move them silently.
#[test]
fn figures_approved_before_freezing_are_frozen_at_the_first_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.redb");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema1.redb"),
        &path,
    )
    .unwrap();
    {
        let store = Store::open(&path).unwrap();
        let mut year = store.year(2025).unwrap().unwrap();
        year.township_mut(1).stage = Stage::Approved;
        let mut w = store.write("t").unwrap();
        w.put_year(2025, &year).unwrap();
        w.commit().unwrap();
        assert!(store.frozen(2025).unwrap().is_empty());
    }
    let audit_lines = || Store::open(&path).unwrap().audit_log().unwrap().len();
    drop(crate::service::Service::open(&path, "t").unwrap());
    let store = Store::open(&path).unwrap();
    let district = store.district().unwrap();
    let in_township_1 = district
        .secretary_villages()
        .filter(|(id, _)| district.township_of(*id) == Some(1))
        .count();
    assert!(in_township_1 > 0);
    assert_eq!(store.frozen(2025).unwrap().len(), in_township_1);
    drop(store);
    let after_first = audit_lines();
    drop(crate::service::Service::open(&path, "t").unwrap());
    assert_eq!(audit_lines(), after_first, "only once");
}

#[test]
fn a_row_imported_again_is_seen_as_stored_and_keeps_the_notes_written_since() {
    let store = Store::in_memory(DEFAULT_SCHEME).unwrap();
    let (v, s) = sample(&store);
    let mut w = store.write("clerk").unwrap();
    let other = w
        .add_secretary(&Secretary {
            village: v,
            name: "张三".into(),
            gender: None,
            born: None,
            took_office: Date::new(2020, 1, 1).unwrap(),
            left_office: None,
        })
        .unwrap();
    let mut from_file = Assessment {
        grade: Some(Grade::Good),
        bonus: "1.5".parse().unwrap(),
        ..Assessment::default()
    };
    from_file.items.insert("党建引领", "18".parse().unwrap());
    let noted = Assessment {
        notes: "已核实".into(),
        ..from_file.clone()
    };
    w.put_assessment(2025, s, &noted).unwrap();
    w.put_assessment(2025, other, &from_file).unwrap();
    w.commit().unwrap();

    // The same file again: each row sees what is stored, notes and all.
    let mut seen = Vec::new();
    let mut w = store.write("clerk").unwrap();
    let rows = vec![(s, from_file.clone()), (other, from_file.clone())];
    w.put_assessments(2025, rows, &mut |id, old, a| {
        if let Some(old) = &old {
            a.notes.clone_from(&old.notes);
        }
        seen.push((id, old));
        Vec::new()
    })
    .unwrap();
    w.commit().unwrap();
    assert_eq!(
        seen,
        vec![(s, Some(noted.clone())), (other, Some(from_file.clone()))]
    );
    let txn = store.write("t").unwrap();
    assert_eq!(txn.assessment(2025, s).unwrap(), Some(noted));
    assert_eq!(
        txn.assessment(2025, other).unwrap(),
        Some(from_file.clone())
    );
    drop(txn);

    // A changed row is written.
    let mut changed = from_file.clone();
    changed.penalty = "2".parse().unwrap();
    let mut w = store.write("clerk").unwrap();
    w.put_assessments(2025, vec![(other, changed.clone())], &mut |_, _, _| {
        Vec::new()
    })
    .unwrap();
    w.commit().unwrap();
    let txn = store.write("t").unwrap();
    assert_eq!(txn.assessment(2025, other).unwrap(), Some(changed));
}

#[test]
fn an_export_keeps_to_the_tables_of_schema_1_that_older_programs_read() {
    let store = Store::in_memory(DEFAULT_SCHEME).unwrap();
    sample(&store);
    assert!(
        store
            .keep_lines(2025, store.changes(), &[1, 2, 3], &[4])
            .unwrap()
    );
    let mut out = Vec::new();
    store.export_lines(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["schema"], 1);
    assert!(!text.contains("\"kept\""), "kept lines are not exported");
}

/// A file of 3,000 assessed secretaries (a few dozen pages), closed.
fn assessed_file(path: &Path) {
    let store = Store::create(path, DEFAULT_SCHEME).unwrap();
    let (v, _) = sample(&store);
    let mut w = store.write("clerk").unwrap();
    for i in 0..3000 {
        let secretary = Secretary {
            village: v,
            name: format!("书记{i}").into(),
            gender: None,
            born: None,
            took_office: Date::new(2019, 3, 1).unwrap(),
            left_office: None,
        };
        let s = w.add_secretary(&secretary).unwrap();
        w.put_assessment(2024, s, &Assessment::default()).unwrap();
    }
    w.commit().unwrap();
}

#[test]
fn a_file_opened_to_show_answers_the_first_screen_then_checks_before_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.redb");
    assessed_file(&path);
    let store = Store::opened(&path, When::Later).unwrap();
    // The first screen's reads do not wait for the check.
    assert_eq!(store.users().unwrap().len(), 0);
    assert_eq!(store.townships().unwrap().len(), 1);
    assert_eq!(store.year_numbers().unwrap(), Vec::<i16>::new());
    assert!(store.kept_counts(2024).unwrap().is_none());
    assert!(store.rectifications(2024).unwrap().is_empty());
    assert!(matches!(*store.check.lock().unwrap(), Check::Pending(_)));
    // Anything else is read from a checked file.
    assert_eq!(store.assessments(2024).unwrap().len(), 3000);
    assert!(matches!(*store.check.lock().unwrap(), Check::Done));
    drop(store);
    // And a write too.
    let store = Store::opened(&path, When::Later).unwrap();
    sample(&store);
    assert!(matches!(*store.check.lock().unwrap(), Check::Done));
    assert_eq!(store.district().unwrap().secretary_count(), 3002);
}

/// Each page of a file damaged in turn: a file opened to show at once, then checked,
/// refuses what the check at the open refuses, and reads what it reads. Its first
/// screen may have been read (or redb may panic, which the program tells as a damaged
/// file); nothing else is read, and nothing written.
#[test]
fn a_file_opened_to_show_refuses_damage_as_the_check_at_the_open_does() {
    let (mut sound, mut refused) = (0, 0);
    each_page_damaged(|page, copy, _| {
        let checked = Store::open(copy).map(|s| s.assessments(2024).unwrap().len());
        let shown = std::panic::catch_unwind(|| {
            let store = Store::opened(copy, When::Later)?;
            let _ = store.users();
            let _ = store.townships();
            let read = store.assessments(2024).map(|a| a.len());
            let wrote = store.write("clerk").map(|_| ());
            Ok::<_, StoreError>((read, wrote))
        });
        match (checked, shown) {
            (Ok(n), Ok(Ok((Ok(read), Ok(()))))) => {
                assert_eq!(n, read);
                sound += 1;
            }
            (Err(StoreError::Damaged { .. }), Ok(Ok((read, wrote)))) => {
                assert!(
                    matches!(read, Err(StoreError::Damaged { .. })),
                    "page {page}"
                );
                assert!(
                    matches!(wrote, Err(StoreError::Damaged { .. })),
                    "page {page}"
                );
                refused += 1;
            }
            (Err(_), Ok(Err(_)) | Err(_)) => refused += 1,
            (checked, shown) => panic!("page {page}: {checked:?} / {shown:?}"),
        }
    });
    assert!(sound > 0 && refused > 0, "{sound} {refused}");
}

/// [`assessed_file`] with one byte of page 1, then 2, … altered: `each` is given the
/// page, the damaged copy's path and its bytes.
fn each_page_damaged(mut each: impl FnMut(usize, &Path, &[u8])) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.redb");
    assessed_file(&path);
    let good = std::fs::read(&path).unwrap();
    let copy = dir.path().join("damaged.redb");
    for page in 1..good.len() / 4096 {
        let mut bytes = good.clone();
        bytes[page * 4096 + 200] ^= 0x5a;
        std::fs::write(&copy, &bytes).unwrap();
        each(page, &copy, &bytes);
    }
}

/// Each page of a file damaged in turn: a file opened to show at once and closed
/// before any read but the first screen's is checked as it closes, so that redb's
/// close writes nothing on a damaged file (it records an allocator state read from the
/// file unchecked): the damage is still found by the next open, and only the header
/// has changed.
#[test]
fn a_file_opened_to_show_and_closed_at_once_writes_nothing_on_damage() {
    let mut refused = 0;
    each_page_damaged(|page, copy, bytes| {
        if !matches!(Store::open(copy), Err(StoreError::Damaged { .. })) {
            return;
        }
        std::fs::write(copy, bytes).unwrap();
        let _ = std::panic::catch_unwind(|| {
            let store = Store::opened(copy, When::Later)?;
            store.users()
        });
        let after = std::fs::read(copy).unwrap();
        assert_eq!(after.len(), bytes.len(), "page {page}");
        assert!(after[4096..] == bytes[4096..], "page {page}: pages written");
        assert!(
            matches!(Store::open(copy), Err(StoreError::Damaged { .. })),
            "page {page}: the damage no longer found"
        );
        refused += 1;
    });
    assert!(refused > 0);
}
