//! The figures of the first screen: a few hundred numbers, whatever the size of the
//! district. A server counts them in the year it keeps and sends only them, so that a
//! clerk sees the first screen at once while the rest of the year follows
//! (docs/architecture.md §7, "The resident year").

use jiff::civil::Date;

use std::collections::HashMap;

use super::book::Brief;
use super::book::{one_of_the_year, star_slot, summary_text};
use super::rated::Line;
use super::{Entry, Refusal, TownshipStatus, YearBook, workflow};
use crate::domain::{District, Outcome, Rectification, RectifyStatus};
use crate::store::Store;

/// The year's counts as one user may see them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Overview {
    pub year: i16,
    /// Secretaries with a finished rating at 0★ … 5★.
    pub stars: [usize; 6],
    /// Complete but not rated (not eligible).
    pub unrated: usize,
    /// For each result of [`Outcome::ALL`]: how many.
    pub results: [usize; 4],
    /// Assessed, but not yet complete.
    pub incomplete: usize,
    /// The year's people with no assessment at all.
    pub not_entered: usize,
    /// How many assessments the year holds (none: the year has no data yet).
    pub assessed: usize,
    /// 共评定N名,产生5星级… (docs/rules.md).
    pub summary: String,
    /// Rectifications past their deadline, of every year.
    pub overdue: usize,
    /// Each township's stars this year and last: the first [`BY_TOWNSHIP`] townships'.
    pub by_township: Vec<TownshipStars>,
    /// Each township's progress through the year (only in [`Overview::with_statuses`]).
    pub statuses: Vec<TownshipStatus>,
    /// How many townships the user may see: `by_township` and `statuses` may hold
    /// only the first of them ([`Overview::first`]).
    pub townships: usize,
}

/// The most townships whose stars an overview holds: more than the tallest screen
/// shows (a province's tens of thousands would be megabytes made for every overview).
pub const BY_TOWNSHIP: usize = 200;

/// One township's stars, this year and last: how many at 0★ … 5★, then how many
/// complete but without stars.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TownshipStars {
    pub name: String,
    pub now: [u32; 7],
    pub before: [u32; 7],
}

impl Overview {
    /// Count `book` for a user who may see the townships `shows` lets through (a book
    /// already cut to the user's view lets every entry through).
    pub fn of(
        book: &YearBook,
        shows: &dyn Fn(u32) -> bool,
        rectifications: &[(i16, u32, Rectification)],
        today: Date,
    ) -> Overview {
        Tallies::of(book).overview(book, shows, rectifications, today)
    }

    /// Only the first `n` townships' stars and progress: what a screen can show of a
    /// province's tens of thousands (sent again after each change).
    pub fn first(mut self, n: usize) -> Overview {
        self.by_township.truncate(n);
        self.by_township.shrink_to_fit();
        self.statuses.truncate(n);
        self.statuses.shrink_to_fit();
        self
    }

    /// [`Overview::of`] with each township's progress, for a first screen.
    pub fn with_statuses(
        book: &YearBook,
        shows: &dyn Fn(u32) -> bool,
        rectifications: &[(i16, u32, Rectification)],
        today: Date,
    ) -> Overview {
        Tallies::of(book).with_statuses(book, shows, rectifications, today)
    }
}

/// The year's counts kept by township: a save moves the secretaries it re-rated out
/// of them as they stood and in as they stand, and an overview adds up townships, not
/// secretaries (docs/architecture.md §7, "The resident year").
#[derive(Clone, Debug, Default)]
pub struct Tallies {
    /// Every township's counts added up: what an overview of all of them reads (a
    /// province's counts township by township took 3 MB; one township's are counted
    /// from its people when asked for).
    all: Count,
    /// How many of each township's secretaries are complete: each one's progress.
    complete: HashMap<u32, u32>,
}

/// What one assessed secretary adds to their township's [`Count`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Part {
    township: u32,
    incomplete: bool,
    stars: Option<u8>,
    /// The result's place in [`Outcome::ALL`], when there are figures.
    outcome: Option<usize>,
    rated: bool,
}

/// A township's counts (see [`Overview`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Count {
    assessed: u32,
    incomplete: u32,
    stars: [u32; 6],
    unrated: u32,
    results: [u32; 4],
    /// Stars of those with figures, as [`TownshipStars::now`].
    now: [u32; 7],
    /// Those with figures (complete).
    complete: u32,
    rated: u32,
    five: u32,
    four: u32,
}

impl Part {
    /// Does the part count among the complete (with figures)?
    fn counts_complete(&self) -> bool {
        !self.incomplete && self.outcome.is_some()
    }

    /// The part of a kept line (a rating as it stands) in `township`.
    fn of_line(township: u32, l: &Line) -> Part {
        Part::with(
            township,
            l.past.complete,
            l.eligible,
            l.past.stars,
            l.outcome,
        )
    }

    fn of(book: &YearBook, secretary: u32, b: Brief) -> Option<Part> {
        let township = book.township_of(secretary)?;
        Some(Part::with(
            township, b.complete, b.eligible, b.stars, b.outcome,
        ))
    }

    fn with(
        township: u32,
        complete: bool,
        eligible: bool,
        stars: Option<u8>,
        outcome: Option<Outcome>,
    ) -> Part {
        Part {
            township,
            incomplete: !complete,
            stars,
            outcome: outcome.and_then(|o| Outcome::ALL.iter().position(|x| *x == o)),
            rated: complete && eligible,
        }
    }
}

impl Count {
    /// Count a part in (`add`) or out.
    fn count(&mut self, p: Part, add: bool) {
        let step = |n: &mut u32| {
            // A part is only counted out after it was counted in.
            debug_assert!(add || *n > 0, "a count went below zero");
            *n = if add { *n + 1 } else { n.saturating_sub(1) };
        };
        step(&mut self.assessed);
        if p.rated {
            step(&mut self.rated);
            match p.stars {
                Some(5) => step(&mut self.five),
                Some(4) => step(&mut self.four),
                _ => {}
            }
        }
        if p.incomplete {
            step(&mut self.incomplete);
            return;
        }
        match p.stars {
            Some(n) => step(&mut self.stars[usize::from(n.min(5))]),
            None => step(&mut self.unrated),
        }
        if let Some(k) = p.outcome {
            step(&mut self.results[k]);
            step(&mut self.now[star_slot(p.stars)]);
            step(&mut self.complete);
        }
    }
}

impl Tallies {
    /// One pass over the year.
    pub fn of(book: &YearBook) -> Tallies {
        let mut tallies = Tallies::default();
        for e in &book.entries {
            tallies.count(book, e.secretary, e.brief(), true);
        }
        tallies
    }

    /// A save rated these entries again: each is counted out as it stood (None: it
    /// is new) and in as it stands. (No secretary's part is kept: a province's would
    /// be half a million map entries.)
    pub fn update<'a>(
        &mut self,
        book: &YearBook,
        moved: impl IntoIterator<Item = (Option<Brief>, &'a Entry)>,
    ) {
        for (stood, e) in moved {
            if let Some(stood) = stood {
                self.count(book, e.secretary, stood, false);
            }
            self.count(book, e.secretary, e.brief(), true);
        }
    }

    /// Count a secretary's rating in (`add`) or out of the counts.
    fn count(&mut self, book: &YearBook, secretary: u32, brief: Brief, add: bool) {
        if let Some(part) = Part::of(book, secretary, brief) {
            self.all.count(part, add);
            if part.counts_complete() {
                let n = self.complete.entry(part.township).or_default();
                debug_assert!(add || *n > 0, "a count went below zero");
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        }
    }

    /// How many secretaries of a township are complete.
    pub fn complete(&self, township: u32) -> usize {
        self.complete.get(&township).map_or(0, |n| *n as usize)
    }

    /// A township's counts, from its people.
    fn township(book: &YearBook, township: u32) -> Count {
        let mut count = Count::default();
        for id in book.people_of(township).iter() {
            if let Some(e) = book.entry(*id)
                && let Some(part) = Part::of(book, *id, e.brief())
                && part.township == township
            {
                count.count(part, true);
            }
        }
        count
    }

    /// The overview of the townships `shows` lets through.
    pub fn overview(
        &self,
        book: &YearBook,
        shows: &dyn Fn(u32) -> bool,
        rectifications: &[(i16, u32, Rectification)],
        today: Date,
    ) -> Overview {
        let names: Vec<(u32, &str)> = book
            .townships()
            .into_iter()
            .filter(|t| shows(*t))
            .map(|t| (t, book.district.township(t).map_or("", |t| &*t.name)))
            .collect();
        // Every township of the roster: the counts added up as they were kept.
        let every = names.len() == book.district.townships.len();
        Parts {
            year: book.year,
            townships: &names,
            all: every.then_some(self.all),
            count: &|t| Tallies::township(book, t),
            before: &|t| book.last_year_stars(t),
            people: &|t| book.headcount_of(t),
        }
        .overview(rectifications, today)
    }

    /// [`Tallies::overview`] with each township's progress.
    pub fn with_statuses(
        &self,
        book: &YearBook,
        shows: &dyn Fn(u32) -> bool,
        rectifications: &[(i16, u32, Rectification)],
        today: Date,
    ) -> Overview {
        let mut o = self.overview(book, shows, rectifications, today);
        o.statuses = workflow::status_with(book, &|t| self.complete(t))
            .into_iter()
            .filter(|s| shows(s.township))
            .collect();
        o
    }
}

/// What an overview adds up, whoever holds it: the townships a user may see (id,
/// name, in the roster's order) and each one's figures.
struct Parts<'a> {
    year: i16,
    townships: &'a [(u32, &'a str)],
    /// The townships' counts added up, when they are kept so: then `count` is asked
    /// only for the townships whose stars the overview holds.
    all: Option<Count>,
    count: &'a dyn Fn(u32) -> Count,
    /// Last year's complete ratings at 0★ … 5★, then without stars.
    before: &'a dyn Fn(u32) -> [u32; 7],
    /// The year's people.
    people: &'a dyn Fn(u32) -> usize,
}

impl Parts<'_> {
    fn overview(&self, rectifications: &[(i16, u32, Rectification)], today: Date) -> Overview {
        let mut o = Overview {
            year: self.year,
            townships: self.townships.len(),
            by_township: Vec::with_capacity(self.townships.len().min(BY_TOWNSHIP)),
            ..Overview::default()
        };
        for &(t, name) in self.townships.iter().take(BY_TOWNSHIP) {
            o.by_township.push(TownshipStars {
                name: name.to_string(),
                now: (self.count)(t).now,
                before: (self.before)(t),
            });
        }
        let all = self.all.unwrap_or_else(|| {
            let mut all = Count::default();
            for &(t, _) in self.townships {
                let c = (self.count)(t);
                all.assessed += c.assessed;
                all.incomplete += c.incomplete;
                all.unrated += c.unrated;
                all.rated += c.rated;
                all.five += c.five;
                all.four += c.four;
                for (sum, n) in all.stars.iter_mut().zip(c.stars) {
                    *sum += n;
                }
                for (sum, n) in all.results.iter_mut().zip(c.results) {
                    *sum += n;
                }
            }
            all
        });
        // Counted in u32 (a township's counts are kept for each of a province's
        // townships); sums of a province fit in them.
        let wide = |n: u32| n as usize;
        (o.stars, o.unrated, o.results) = (
            all.stars.map(wide),
            wide(all.unrated),
            all.results.map(wide),
        );
        (o.assessed, o.incomplete) = (wide(all.assessed), wide(all.incomplete));
        o.summary = summary_text(wide(all.rated), wide(all.five), wide(all.four));
        // Everyone assessed is one of the year's people.
        let people: usize = self.townships.iter().map(|(t, _)| (self.people)(*t)).sum();
        o.not_entered = people.saturating_sub(o.assessed);
        o.overdue = rectifications
            .iter()
            .filter(|(_, _, r)| r.status(today) == RectifyStatus::Overdue)
            .count();
        o
    }
}

/// A year's first-screen figures by township, kept beside its lines
/// ([`crate::store::Store::keep_lines`], dropped with them): a first screen reads these
/// few numbers a township instead of waiting for a province's year
/// (docs/architecture.md §7, "The first screen first").
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptCounts {
    townships: Vec<KeptTownship>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct KeptTownship {
    township: u32,
    count: Count,
    /// The year's people (in post at the year's end, or assessed).
    people: usize,
}

/// The layout of kept counts: their first byte. (1 held each township's complete
/// ratings by stars a second time.)
const COUNTS_FORMAT: u8 = 2;

impl KeptCounts {
    /// The counts of `year`'s lines (each a rating as it stands, one by one) on
    /// `district`'s roster.
    pub fn of(year: i16, district: &District, lines: impl IntoIterator<Item = Line>) -> KeptCounts {
        let mut by: HashMap<u32, KeptTownship> = HashMap::new();
        fn at(by: &mut HashMap<u32, KeptTownship>, t: u32) -> &mut KeptTownship {
            by.entry(t).or_insert_with(|| KeptTownship {
                township: t,
                count: Count::default(),
                people: 0,
            })
        }
        let mut assessed = Vec::new();
        for l in lines {
            assessed.push(l.secretary);
            let Some((_, village)) = district.place(l.secretary) else {
                continue;
            };
            at(&mut by, village.township)
                .count
                .count(Part::of_line(village.township, &l), true);
        }
        assessed.sort_unstable();
        let year_end = Date::new(year, 12, 31).ok();
        for (id, term) in district.terms() {
            let assessed = assessed.binary_search(&id).is_ok();
            if year_end.is_some_and(|end| one_of_the_year(term, end, assessed))
                && let Some(township) = district.township_of(id)
            {
                at(&mut by, township).people += 1;
            }
        }
        let mut townships: Vec<KeptTownship> = by.into_values().collect();
        townships.sort_unstable_by_key(|t| t.township);
        KeptCounts { townships }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![COUNTS_FORMAT];
        out.extend(postcard::to_stdvec(self).unwrap_or_default());
        out
    }

    /// None when `bytes` are not counts of this layout (they are worked out again).
    pub fn decode(bytes: &[u8]) -> Option<KeptCounts> {
        match bytes.split_first()? {
            (&COUNTS_FORMAT, body) => postcard::from_bytes(body).ok(),
            _ => None,
        }
    }

    /// The counts kept beside `year`'s lines, None when there are none of this
    /// layout.
    pub fn read(store: &Store, year: i16) -> crate::store::Result<Option<KeptCounts>> {
        Ok(store
            .kept_counts(year)?
            .and_then(|bytes| KeptCounts::decode(&bytes)))
    }

    /// Are counts of this layout kept beside `year`'s lines? (Their bytes looked at,
    /// not read into counts: a province's take megabytes. Counts that do not read
    /// are worked out again where they are read.)
    pub fn kept(store: &Store, year: i16) -> crate::store::Result<bool> {
        Ok(store
            .kept_counts(year)?
            .is_some_and(|bytes| bytes.first() == Some(&COUNTS_FORMAT)))
    }

    fn get(&self, township: u32) -> Option<&KeptTownship> {
        self.townships
            .binary_search_by_key(&township, |t| t.township)
            .ok()
            .map(|i| &self.townships[i])
    }
}

/// The first screen of `year` read from the counts kept beside its lines and last
/// year's (none when there was no last year), without reading the year; None when
/// they are not kept, or a write came in while they were read: the caller reads the
/// year.
pub fn first_screen(
    store: &Store,
    year: i16,
    shows: &dyn Fn(u32) -> bool,
    rectifications: &[(i16, u32, Rectification)],
    today: Date,
) -> Result<Option<Overview>, Refusal> {
    let read_at = store.changes();
    // (Where a township's published figures stand, the lines, and so the counts,
    // hold those.)
    let Some(record) = store.year(year)? else {
        return Ok(None);
    };
    let kept = |year| KeptCounts::read(store, year);
    let Some(counts) = kept(year)? else {
        return Ok(None);
    };
    let last = match store.year(year - 1)? {
        Some(_) => match kept(year - 1)? {
            Some(last) => last,
            None => return Ok(None),
        },
        None => KeptCounts::default(),
    };
    let townships = store.townships()?;
    // Each read its own snapshot: all of them of the same data, or none.
    if store.changes() != read_at {
        return Ok(None);
    }
    let names: Vec<(u32, &str)> = townships
        .iter()
        .filter(|(t, _)| shows(*t))
        .map(|(t, township)| (*t, &*township.name))
        .collect();
    let of = |t| counts.get(t);
    let mut o = Parts {
        year,
        townships: &names,
        all: None,
        count: &|t| of(t).map(|k| k.count).unwrap_or_default(),
        // Last year's complete ratings by stars, as this year's are counted.
        before: &|t| last.get(t).map(|k| k.count.now).unwrap_or_default(),
        people: &|t| of(t).map_or(0, |k| k.people),
    }
    .overview(rectifications, today);
    o.statuses = workflow::statuses(
        names.iter().copied(),
        &record,
        &|t| of(t).map_or(0, |k| k.people),
        &|t| of(t).map_or(0, |k| k.count.complete as usize),
    );
    Ok(Some(o))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Assessment;
    use crate::scoring::Evaluation;

    /// The counts as the screen once made them: each figure its own pass over the
    /// entries and the people.
    fn recounted(book: &YearBook) -> ([usize; 6], usize, [usize; 4], usize, usize) {
        let mut stars = [0; 6];
        let (mut unrated, mut incomplete) = (0, 0);
        let mut results = [0; 4];
        for e in &book.entries {
            match (&e.rating().evaluation, e.rating().stars) {
                (Evaluation::Incomplete(_), _) => incomplete += 1,
                (_, Some(n)) => stars[usize::from(n)] += 1,
                (_, None) => unrated += 1,
            }
            for (k, o) in Outcome::ALL.iter().enumerate() {
                if e.rating()
                    .evaluation
                    .figures()
                    .is_some_and(|f| f.outcome == *o)
                {
                    results[k] += 1;
                }
            }
        }
        let people = book.people();
        let not_entered = people.iter().filter(|p| book.entry(**p).is_none()).count();
        (stars, unrated, results, incomplete, not_entered)
    }

    #[test]
    fn the_counts_are_those_of_the_entries_and_people_for_the_district_and_a_clerk() {
        let dir = tempfile::tempdir().unwrap();
        let service = crate::demo::open(&dir.path().join("demo.redb"), "t").unwrap();
        let mut book = service.book(2025).unwrap();
        // Some not entered, some incomplete.
        let ids: Vec<u32> = book.entries.iter().map(|e| e.secretary).collect();
        for id in ids.iter().step_by(7) {
            book.replace(*id, Assessment::default());
        }
        book.entries.retain(|e| e.secretary % 5 != 0);
        book.reindex();
        let today = jiff::civil::Date::new(2026, 3, 1).unwrap();
        let o = Overview::of(&book, &|_| true, &[], today);
        assert_eq!(
            (o.stars, o.unrated, o.results, o.incomplete, o.not_entered),
            recounted(&book)
        );
        assert!(o.not_entered > 0 && o.incomplete > 0, "{o:?}");
        assert_eq!(o.summary, super::super::summary_of(&book.entries));
        // Each township's stars now and last year, as its secretaries' count them.
        assert_eq!(o.by_township.len(), book.townships().len());
        for (t, row) in book.townships().into_iter().zip(&o.by_township) {
            let (mut now, mut before) = ([0u32; 7], [0u32; 7]);
            for e in book
                .entries
                .iter()
                .filter(|e| book.township_of(e.secretary) == Some(t))
            {
                if e.rating().evaluation.figures().is_some() {
                    now[star_slot(e.rating().stars)] += 1;
                }
            }
            for (id, past) in book.previous.iter() {
                if past.complete && book.township_of(id) == Some(t) {
                    before[star_slot(past.stars)] += 1;
                }
            }
            assert_eq!((row.now, row.before), (now, before), "township {t}");
            assert!(
                before.iter().sum::<u32>() > 0,
                "the demo's last year is rated"
            );
        }
        // A clerk's: the figures of their township, counted in the whole year.
        let township = book.townships()[4];
        let shows = |t: u32| t == township;
        let mine = Overview::with_statuses(&book, &shows, &[], today);
        let clerk = super::super::Actor {
            name: "clerk".into(),
            role: crate::domain::Role::Township(township),
        };
        let theirs = book.clone().visible_to(&clerk);
        assert_eq!(
            (
                mine.stars,
                mine.unrated,
                mine.results,
                mine.incomplete,
                mine.not_entered
            ),
            recounted(&theirs)
        );
        assert_eq!(mine.by_township.len(), 1);
        let status = &mine.statuses[..];
        assert_eq!(status.len(), 1);
        assert_eq!(status[0].people, theirs.people().len());
        let complete = theirs
            .entries
            .iter()
            .filter(|e| e.rating().evaluation.figures().is_some())
            .count();
        assert_eq!(status[0].complete, complete);
    }
}
