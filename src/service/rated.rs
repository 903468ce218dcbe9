//! The rated year as stored: one fixed-width line per assessed secretary, what the
//! rating stands at (the figures frozen at publication laid over the computed ones).
//! A year is rated once and its lines kept ([`Store::keep_lines`]); a reading that
//! needs only what a year's ratings stand at (last year's stars for the star change
//! and 建议调整, the older years of the star history) reads the lines instead of the
//! year's assessments and rates nothing. Any change the lines depend on drops them in
//! its own transaction, so a line read is always the rating as it stands.

use rust_decimal::Decimal;

use super::book::Brief;
use super::overview::KeptCounts;
use crate::domain::District;
use crate::domain::Outcome;
use crate::scoring::{Figures, Past, QuotaKey, Rating};
use crate::store::Store;

/// What a rating stands at, in a line of [`LINE_BYTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub secretary: u32,
    /// Stars after the quotas, low, complete.
    pub past: Past,
    /// In post long enough to be rated (counted in N).
    pub eligible: bool,
    pub outcome: Option<Outcome>,
    /// Stars by the total alone, before the quotas.
    pub stars_before: Option<u8>,
    /// The figures the quotas rank by (zero when incomplete).
    pub total: Decimal,
    pub quantitative: Decimal,
    pub mass: Decimal,
}

/// The format of a body of lines: its first byte.
const FORMAT: u8 = 1;
/// secretary (4), flags (1), stars (1), stars before the quotas (1), outcome (1),
/// total, Q, M (16 each, as [`Decimal::serialize`]).
const LINE_BYTES: usize = 8 + 3 * 16;
const NONE: u8 = u8::MAX;

const COMPLETE: u8 = 1;
const LOW: u8 = 2;
const ELIGIBLE: u8 = 4;

impl Line {
    /// The line of a rating as it stands.
    pub fn of(rating: &Rating) -> Line {
        Line::with(
            rating.secretary,
            rating.evaluation.figures(),
            Past::from(rating),
        )
    }

    /// The line of a kept year's entry: its brief, and the figures the quotas rank
    /// it by as computed (None: incomplete). The same line as [`Line::of`] its whole
    /// rating, where no frozen figures stand over the computed ones.
    pub fn of_brief(secretary: u32, brief: &Brief, key: Option<QuotaKey>) -> Line {
        let (_, quantitative, mass) = key.map_or(Default::default(), |k| k.rank());
        let total = brief.total.value();
        Line {
            secretary,
            past: Past {
                stars: brief.stars,
                low: brief.low,
                complete: brief.complete,
            },
            eligible: brief.eligible,
            outcome: brief.outcome,
            stars_before: key.and_then(|k| k.stars_before()),
            total,
            quantitative,
            mass,
        }
    }

    /// The line of a secretary whose figures (None: incomplete) and [`Past`] are known.
    pub fn with(secretary: u32, figures: Option<&Figures>, past: Past) -> Line {
        Line {
            secretary,
            past,
            eligible: figures.is_some_and(|f| f.eligible),
            outcome: figures.map(|f| f.outcome),
            stars_before: figures.and_then(|f| f.stars),
            total: figures.map_or(Decimal::ZERO, |f| f.total),
            quantitative: figures.map_or(Decimal::ZERO, |f| f.quantitative),
            mass: figures.map_or(Decimal::ZERO, |f| f.mass),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let mut flags = 0;
        for (set, flag) in [
            (self.past.complete, COMPLETE),
            (self.past.low, LOW),
            (self.eligible, ELIGIBLE),
        ] {
            if set {
                flags |= flag;
            }
        }
        out.extend_from_slice(&self.secretary.to_le_bytes());
        out.extend_from_slice(&[
            flags,
            self.past.stars.unwrap_or(NONE),
            self.stars_before.unwrap_or(NONE),
            self.outcome
                .and_then(|o| Outcome::ALL.iter().position(|x| *x == o))
                .and_then(|at| u8::try_from(at).ok())
                .unwrap_or(NONE),
        ]);
        for figure in [self.total, self.quantitative, self.mass] {
            out.extend_from_slice(&figure.serialize());
        }
    }

    fn read(bytes: &[u8]) -> Option<Line> {
        let secretary = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
        let &[flags, stars, stars_before, outcome] = bytes.get(4..8)? else {
            return None;
        };
        let stars_of = |b: u8| match b {
            NONE => Some(None),
            0..=5 => Some(Some(b)),
            _ => None,
        };
        let figure = |at: usize| -> Option<Decimal> {
            let raw: [u8; 16] = bytes.get(8 + 16 * at..8 + 16 * (at + 1))?.try_into().ok()?;
            Some(Decimal::deserialize(raw))
        };
        Some(Line {
            secretary,
            past: Past {
                stars: stars_of(stars)?,
                low: flags & LOW != 0,
                complete: flags & COMPLETE != 0,
            },
            eligible: flags & ELIGIBLE != 0,
            outcome: match outcome {
                NONE => None,
                at => Some(*Outcome::ALL.get(usize::from(at))?),
            },
            stars_before: stars_of(stars_before)?,
            total: figure(0)?,
            quantitative: figure(1)?,
            mass: figure(2)?,
        })
    }
}

/// The kept lines of `year`, or None: not kept (or kept by a program that wrote them
/// otherwise: they are worked out again).
pub fn read(store: &Store, year: i16) -> crate::store::Result<Option<Vec<Line>>> {
    let mut lines = Vec::new();
    Ok(each(store, year, |line| lines.push(line))?.then_some(lines))
}

/// Each kept line of `year` in order, as it is read (a province's lines are never
/// all held, each given to `take`): false when they are not kept, or not of this
/// format — `take` may then have seen some, and the caller lets go of what it made.
pub fn each(store: &Store, year: i16, mut take: impl FnMut(Line)) -> crate::store::Result<bool> {
    // A line may run from one piece into the next: its start is carried over.
    let mut carried: Vec<u8> = Vec::with_capacity(LINE_BYTES);
    let mut format = None;
    let read = store.each_kept_piece(year, |mut piece| {
        if format.is_none() {
            let Some((&first, rest)) = piece.split_first() else {
                return true;
            };
            if first != FORMAT {
                return false;
            }
            format = Some(first);
            piece = rest;
        }
        if !carried.is_empty() {
            let wanted = (LINE_BYTES - carried.len()).min(piece.len());
            carried.extend_from_slice(&piece[..wanted]);
            piece = &piece[wanted..];
            if carried.len() < LINE_BYTES {
                return true;
            }
            match Line::read(&carried) {
                Some(line) => take(line),
                None => return false,
            }
            carried.clear();
        }
        let mut whole = piece.chunks_exact(LINE_BYTES);
        for bytes in &mut whole {
            match Line::read(bytes) {
                Some(line) => take(line),
                None => return false,
            }
        }
        carried.extend_from_slice(whole.remainder());
        true
    })?;
    Ok(read && format.is_some() && carried.is_empty())
}

/// Keep `lines`, worked out from `year` as it stood at `read_at` ([`Store::changes`]
/// before it was read), and their counts by township on `district`'s roster (a first
/// screen's figures, [`super::overview::first_screen`]). Only a help for later
/// readings: a keeping that fails or comes too late (a change came in meanwhile)
/// leaves the year to be rated again.
pub fn keep(store: &Store, year: i16, read_at: u64, lines: &[Line], district: &District) {
    keep_each(store, year, read_at, lines.iter().copied(), district);
}

/// Keep what the file lacks of `year`'s lines and their counts ([`keep_each`]): all
/// of it, or only the counts beside lines an older program kept without them (or with
/// counts of an earlier layout). The lines are made only if something is missing.
pub fn keep_missing<I: Iterator<Item = Line>>(
    store: &Store,
    year: i16,
    read_at: u64,
    lines: impl FnOnce() -> I,
    district: &District,
) -> crate::store::Result<()> {
    if !store.has_kept_lines(year)? {
        keep_each(store, year, read_at, lines(), district);
    } else if !KeptCounts::kept(store, year)? {
        let counts = KeptCounts::of(year, district, lines());
        store.keep_counts(year, read_at, &counts.encode())?;
    }
    Ok(())
}

/// [`keep`] the lines as they are made (a province's are not all held).
pub fn keep_each(
    store: &Store,
    year: i16,
    read_at: u64,
    lines: impl Iterator<Item = Line>,
    district: &District,
) {
    let mut body = Vec::with_capacity(1 + lines.size_hint().0 * LINE_BYTES);
    body.push(FORMAT);
    let counts = KeptCounts::of(year, district, lines.inspect(|line| line.write(&mut body)));
    let _ = store.keep_lines(year, read_at, &body, &counts.encode());
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scoring::DEFAULT_SCHEME;

    fn line(secretary: u32, stars: Option<u8>, total: &str) -> Line {
        Line {
            secretary,
            past: Past {
                stars,
                low: stars.is_some_and(|s| s <= 1),
                complete: true,
            },
            eligible: stars.is_some(),
            outcome: Some(Outcome::BasicPass),
            stars_before: stars.map(|s| s.saturating_add(1).min(5)),
            total: total.parse().unwrap(),
            quantitative: "71.375".parse().unwrap(),
            mass: "88.46".parse().unwrap(),
        }
    }

    /// The body [`keep`] keeps.
    fn encode(lines: &[Line]) -> Vec<u8> {
        let mut body = Vec::with_capacity(1 + lines.len() * LINE_BYTES);
        body.push(FORMAT);
        for line in lines {
            line.write(&mut body);
        }
        body
    }

    /// `body` kept as a year's lines, and read back.
    fn kept(body: &[u8]) -> Option<Vec<Line>> {
        let store = Store::in_memory(DEFAULT_SCHEME).unwrap();
        assert!(store.keep_lines(2024, store.changes(), body, &[]).unwrap());
        read(&store, 2024).unwrap()
    }

    #[test]
    fn lines_read_back_as_written() {
        let lines = vec![
            line(1, Some(5), "97.50"),
            line(70_000, None, "0"),
            line(u32::MAX, Some(0), "12.05"),
            Line::with(
                9,
                None,
                Past {
                    stars: None,
                    low: false,
                    complete: false,
                },
            ),
        ];
        assert_eq!(kept(&encode(&lines)), Some(lines));
        assert_eq!(kept(&encode(&[])), Some(Vec::new()));
    }

    #[test]
    fn a_body_not_of_this_format_is_no_lines() {
        let body = encode(&[line(1, Some(3), "80")]);
        let mut other = body.clone();
        other[0] = FORMAT + 1;
        assert_eq!(kept(&other), None);
        assert_eq!(kept(&body[..body.len() - 1]), None);
        let mut stars = body.clone();
        stars[1 + 5] = 6;
        assert_eq!(kept(&stars), None);
    }

    #[test]
    fn kept_lines_go_with_any_change_to_their_year_or_the_roster() {
        let store = Store::in_memory(DEFAULT_SCHEME).unwrap();
        let lines = vec![line(1, Some(4), "88.10"), line(2, Some(2), "70")];
        let at = store.changes();
        keep(&store, 2024, at, &lines, &District::default());
        keep(&store, 2025, at, &lines[..1], &District::default());
        assert_eq!(read(&store, 2024).unwrap(), Some(lines.clone()));

        // Another year's change leaves them; this year's takes them.
        let mut w = store.write("t").unwrap();
        w.put_assessment(2025, 1, &crate::domain::Assessment::default())
            .unwrap();
        w.commit().unwrap();
        assert_eq!(read(&store, 2024).unwrap(), Some(lines.clone()));
        assert_eq!(read(&store, 2025).unwrap(), None);

        // Lines worked out before a change are not kept after it.
        keep(&store, 2025, at, &lines, &District::default());
        assert_eq!(read(&store, 2025).unwrap(), None);
        keep(&store, 2025, store.changes(), &lines, &District::default());
        assert_eq!(read(&store, 2025).unwrap(), Some(lines.clone()));

        // A change of the roster takes every year's.
        let mut w = store.write("t").unwrap();
        w.add_township(&crate::domain::Township {
            name: "新乡".into(),
            kind: crate::domain::TownshipKind::Zhen,
        })
        .unwrap();
        w.commit().unwrap();
        assert_eq!(read(&store, 2024).unwrap(), None);
        assert_eq!(read(&store, 2025).unwrap(), None);
    }

    #[test]
    fn a_keeping_never_waits_for_a_write_under_way() {
        let store = std::sync::Arc::new(Store::in_memory(DEFAULT_SCHEME).unwrap());
        let lines = vec![line(1, Some(4), "88.10")];
        let at = store.changes();
        // An import under way holds the write lock: the keeping gives up at once.
        let writer = store.write("t").unwrap();
        let (done, wait) = std::sync::mpsc::channel();
        let keeping = std::sync::Arc::clone(&store);
        let body = encode(&lines);
        std::thread::spawn(move || done.send(keeping.keep_lines(2024, at, &body, &[]).unwrap()));
        let kept = wait.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(kept, Ok(false));
        drop(writer);
        assert_eq!(read(&store, 2024).unwrap(), None);
        keep(&store, 2024, at, &lines, &District::default());
        assert_eq!(read(&store, 2024).unwrap(), Some(lines));
    }

    #[test]
    fn many_lines_span_chunks() {
        let store = Store::in_memory(DEFAULT_SCHEME).unwrap();
        let lines: Vec<Line> = (0..5_000)
            .map(|i| {
                line(
                    i,
                    Some(u8::try_from(i % 6).unwrap()),
                    &format!("{}.5", i % 100),
                )
            })
            .collect();
        keep(&store, 2024, store.changes(), &lines, &District::default());
        assert_eq!(read(&store, 2024).unwrap(), Some(lines));
    }
}
