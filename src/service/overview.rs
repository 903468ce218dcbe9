//! The figures of the first screen: a few hundred numbers, whatever the size of the
//! district. A server counts them in the year it keeps and sends only them, so that a
//! clerk sees the first screen at once while the rest of the year follows
//! (docs/architecture.md §7, "The resident year").

use jiff::civil::Date;

use super::{TownshipStatus, YearBook, summary_of, workflow};
use crate::domain::{Outcome, Rectification, RectifyStatus};
use crate::scoring::Evaluation;

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
    /// Each township's stars this year and last.
    pub by_township: Vec<TownshipStars>,
    /// Each township's progress through the year (only in [`Overview::with_statuses`]).
    pub statuses: Vec<TownshipStatus>,
}

/// One township's stars, this year and last: how many at 0★ … 5★, then how many
/// complete but without stars.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TownshipStars {
    pub name: String,
    pub now: [usize; 7],
    pub before: [usize; 7],
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
        let seen = |secretary: u32| book.township_of(secretary).is_some_and(shows);
        let entries: Vec<_> = book.entries.iter().filter(|e| seen(e.secretary)).collect();
        let townships: Vec<u32> = book.townships().into_iter().filter(|t| shows(*t)).collect();
        let row: std::collections::HashMap<u32, usize> =
            townships.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        let place = |secretary: u32| row.get(&book.township_of(secretary)?).copied();
        let mut o = Overview {
            year: book.year,
            assessed: entries.len(),
            summary: summary_of(entries.iter().copied()),
            by_township: townships
                .iter()
                .map(|t| TownshipStars {
                    name: book
                        .district
                        .township(*t)
                        .map_or_else(String::new, |t| t.name.clone()),
                    ..TownshipStars::default()
                })
                .collect(),
            ..Overview::default()
        };
        for e in &entries {
            let figures = match &e.rating.evaluation {
                Evaluation::Incomplete(_) => {
                    o.incomplete += 1;
                    continue;
                }
                evaluation => evaluation.figures(),
            };
            match e.rating.stars {
                Some(n) => o.stars[usize::from(n.min(5))] += 1,
                None => o.unrated += 1,
            }
            if let Some(f) = figures {
                if let Some(k) = Outcome::ALL.iter().position(|x| *x == f.outcome) {
                    o.results[k] += 1;
                }
                if let Some(i) = place(e.secretary) {
                    o.by_township[i].now[star_slot(e.rating.stars)] += 1;
                }
            }
        }
        for (secretary, past) in &book.previous {
            if past.complete
                && let Some(i) = place(*secretary)
            {
                o.by_township[i].before[star_slot(past.stars)] += 1;
            }
        }
        o.not_entered = book
            .people()
            .into_iter()
            .filter(|p| seen(*p) && book.entry(*p).is_none())
            .count();
        o.overdue = rectifications
            .iter()
            .filter(|(_, _, r)| r.status(today) == RectifyStatus::Overdue)
            .count();
        o
    }

    /// [`Overview::of`] with each township's progress, for a first screen.
    pub fn with_statuses(
        book: &YearBook,
        shows: &dyn Fn(u32) -> bool,
        rectifications: &[(i16, u32, Rectification)],
        today: Date,
    ) -> Overview {
        let mut o = Overview::of(book, shows, rectifications, today);
        o.statuses = workflow::status(book)
            .into_iter()
            .filter(|s| shows(s.township))
            .collect();
        o
    }
}

/// Where a rating's stars are counted in [`TownshipStars`]: 0 … 5, or 6 for none.
fn star_slot(stars: Option<u8>) -> usize {
    stars.map_or(6, |n| usize::from(n.min(5)))
}
