//! The rated years a server keeps between requests (docs/architecture.md §7, "The
//! resident year"). A province's year takes seconds to read and rate; the server does
//! it once, keeps it while nobody writes, and moves one secretary in it for a save.
//! Any other write (an import, a workflow step, a roster change) leaves it to be read
//! again by the next request that needs it.

use std::sync::{Arc, Mutex, MutexGuard};

use super::overview::Tallies;
use super::{Entry, Overview, Refusal, YearBook};
use crate::domain::{Assessment, Rectification};
use crate::store::Store;

/// At most this many years are kept: the working year and one looked back at.
const KEPT_YEARS: usize = 2;

/// The years kept, shared by every connection of a server.
#[derive(Default)]
pub struct Resident {
    years: Mutex<Vec<Kept>>,
}

/// What a save moved in the kept year: the entries whose figures changed, and the
/// district's count of rated secretaries after it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Rerated {
    pub entries: Vec<Entry>,
    pub rated: usize,
}

struct Kept {
    year: i16,
    /// The store's count of writes ([`Store::changes`]) the book is current at.
    changes: u64,
    book: Arc<YearBook>,
    /// The book's counts by township, made when first asked for and moved by saves.
    tallies: Option<Tallies>,
}

/// The kept year, current (read again when anyone has written since), first in line.
fn current<'a>(
    years: &'a mut Vec<Kept>,
    store: &Store,
    year: i16,
) -> Result<&'a mut Kept, Refusal> {
    let now = store.changes();
    if let Some(at) = years.iter().position(|k| k.year == year) {
        let kept = years.remove(at);
        if kept.changes == now {
            years.insert(0, kept);
            return Ok(&mut years[0]);
        }
        // Out of date: let it go before the new one is read (a province's is large).
    }
    years.truncate(KEPT_YEARS - 1);
    let book = Arc::new(YearBook::load(store, year)?);
    years.insert(
        0,
        Kept {
            year,
            changes: now,
            book,
            tallies: None,
        },
    );
    Ok(&mut years[0])
}

impl Resident {
    fn lock(&self) -> MutexGuard<'_, Vec<Kept>> {
        // A request that panicked while holding the lock leaves nothing half-changed
        // that a reading could trip on: a book is replaced whole or moved by `replace`.
        self.years
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The whole district's rated year as stored now: the kept one while nobody has
    /// written since, else read, rated and kept. Readers of one year wait for one
    /// reading, not one each.
    pub fn book(&self, store: &Store, year: i16) -> Result<Arc<YearBook>, Refusal> {
        let mut years = self.lock();
        Ok(Arc::clone(&current(&mut years, store, year)?.book))
    }

    /// The first screen's counts in the kept year, for a user who may see the
    /// townships `shows` lets through: added up by township, not by secretary.
    pub fn overview(
        &self,
        store: &Store,
        year: i16,
        shows: &dyn Fn(u32) -> bool,
        rectifications: &[(i16, u32, Rectification)],
        today: jiff::civil::Date,
    ) -> Result<Overview, Refusal> {
        let mut years = self.lock();
        let kept = current(&mut years, store, year)?;
        let book = &kept.book;
        let tallies = kept.tallies.get_or_insert_with(|| Tallies::of(book));
        Ok(tallies.with_statuses(book, shows, rectifications, today))
    }

    /// A save was committed as the store's write after `before` (the count read in
    /// its transaction): the kept year, if it was current then, takes the new
    /// assessment and re-rates what it moves. The answer is the entries whose figures
    /// changed, or None when the caller should read the year again (nothing kept, a
    /// write in between, or a re-rating of everyone).
    pub fn saved(
        &self,
        before: u64,
        year: i16,
        secretary: u32,
        assessment: Assessment,
    ) -> Option<Rerated> {
        let mut years = self.lock();
        let at = years.iter().position(|k| k.year == year)?;
        let kept = &mut years[at];
        // Another request still sending this book: rather than copy a province, it is
        // read again when next asked for.
        let book = match Arc::get_mut(&mut kept.book) {
            Some(book) if kept.changes == before => book,
            _ => {
                years.remove(at);
                return None;
            }
        };
        let changed = book.replace(secretary, assessment);
        kept.changes = before + 1;
        match &changed {
            Some(moved) => {
                if let Some(tallies) = &mut kept.tallies {
                    let entries: Vec<Entry> =
                        moved.iter().map(|&i| book.entries[i].clone()).collect();
                    tallies.update(book, &entries);
                }
            }
            // Everyone rated again: counted again when next asked.
            None => kept.tallies = None,
        }
        Some(Rerated {
            entries: changed?.iter().map(|&i| book.entries[i].clone()).collect(),
            rated: book.rated_count(),
        })
    }
}
