//! The rated years a server keeps between requests (docs/architecture.md §7, "The
//! resident year"). A province's year takes seconds to read and rate; the server does
//! it once, keeps it while nobody writes, and moves one secretary in it for a save.
//! Any other write (an import, a workflow step, a roster change) leaves it to be read
//! again by the next request that needs it.

use std::sync::{Arc, Mutex, MutexGuard};

use super::overview::Tallies;
use super::{Entry, Overview, Refusal, YearBook};
use crate::domain::{Assessment, District, Rectification};
use crate::scoring::Pasts;
use crate::store::Store;

/// What is sent of a kept year: something holding entries whose forms are filled.
pub trait Formed {
    fn entries(&mut self) -> &mut [Entry];
}

impl Formed for YearBook {
    fn entries(&mut self) -> &mut [Entry] {
        &mut self.entries
    }
}

impl Formed for Rerated {
    fn entries(&mut self) -> &mut [Entry] {
        &mut self.entries
    }
}

/// At most this many years are kept: the working year and one looked back at.
const KEPT_YEARS: usize = 2;

/// The years kept, shared by every connection of a server.
#[derive(Default)]
pub struct Resident {
    years: Mutex<Vec<Kept>>,
    /// Held while a year is read (one reading at a time; the years stay open).
    reading: Mutex<()>,
    /// Other years' stars, for the star history: (year, the store's count of writes
    /// they are current at, stars by secretary).
    pasts: Mutex<Vec<KeptPast>>,
    /// How many years just read have their orders and search index made on the side
    /// (the first screen does not wait for them): a save waits for them rather than
    /// copy a province's year that the making still holds.
    preparing: Arc<(Mutex<usize>, std::sync::Condvar)>,
}

/// A year's stars kept for the star history: the year, the store's count of writes it
/// is current at, and the stars by secretary.
type KeptPast = (i16, u64, Arc<Pasts>);

/// At most this many years' stars are kept for the star history.
const KEPT_PASTS: usize = 4;

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
    tallies: Option<Arc<Tallies>>,
}

impl Resident {
    fn lock(&self) -> MutexGuard<'_, Vec<Kept>> {
        // A request that panicked while holding the lock leaves nothing half-changed
        // that a reading could trip on: a book and its counts are replaced whole, and
        // moved (by `saved`) before their stamp is.
        self.years
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The kept year if nobody has written since it was read, its counts, and the
    /// store's count of writes it is current at.
    fn kept(&self, store: &Store, year: i16) -> Option<(Arc<YearBook>, Option<Arc<Tallies>>, u64)> {
        let mut years = self.lock();
        let at = years.iter().position(|k| k.year == year)?;
        if years[at].changes != store.changes() {
            // Out of date: let it go before a new one is read (a province's is large).
            years.remove(at);
            return None;
        }
        let kept = years.remove(at);
        let found = (Arc::clone(&kept.book), kept.tallies.clone(), kept.changes);
        years.insert(0, kept);
        Some(found)
    }

    /// A kept year current now (nobody has written since it was read), if any: its
    /// roster is the one stored.
    pub fn current(&self, store: &Store) -> Option<Arc<YearBook>> {
        let now = store.changes();
        let years = self.lock();
        years
            .iter()
            .find(|k| k.changes == now)
            .map(|k| Arc::clone(&k.book))
    }

    /// The whole district's rated year as stored now: the kept one while nobody has
    /// written since, else read, rated and kept. The reading is done outside the lock
    /// (other years, and saves, go on meanwhile), one at a time: readers of the year
    /// wait for that one reading.
    ///
    /// The kept year holds no forms ([`YearBook::let_forms_go`]): what is sent of it
    /// is given them first ([`Resident::formed`]).
    pub fn book(&self, store: &Store, year: i16) -> Result<Arc<YearBook>, Refusal> {
        Ok(self.book_at(store, year)?.0)
    }

    /// [`Resident::book`], and the store's count of writes it is current at (None:
    /// it was read while a write came in, and is not kept).
    fn book_at(&self, store: &Store, year: i16) -> Result<(Arc<YearBook>, Option<u64>), Refusal> {
        if let Some((book, _, at)) = self.kept(store, year) {
            return Ok((book, Some(at)));
        }
        let _one_at_a_time = self
            .reading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((book, _, at)) = self.kept(store, year) {
            return Ok((book, Some(at)));
        }
        // Counted before reading and after: a book is kept only if no write came in
        // between (the reading is several reads: it might hold part of such a write,
        // and a save must not be applied to it twice). Without one, the next request
        // reads the year again.
        let now = store.changes();
        // Briefs only: from the lines kept of the year when they are, else made as the
        // forms are read and let go.
        let book = match YearBook::load_kept(store, year)? {
            Some(book) => book,
            None => YearBook::load_brief(store, year)?,
        };
        if store.changes() != now {
            return Ok((Arc::new(book), None));
        }
        let book = Arc::new(book);
        self.prepare(&book);
        let mut years = self.lock();
        years.retain(|k| k.year != year);
        years.truncate(KEPT_YEARS - 1);
        years.insert(
            0,
            Kept {
                year,
                changes: now,
                book: Arc::clone(&book),
                tallies: None,
            },
        );
        drop(years);
        give_back();
        Ok((book, Some(now)))
    }

    /// Keep the lines (and their counts) of every kept year that is current, where the
    /// file lacks them (saves drop them): the next reading of the year, by this process
    /// or the next one, reads them instead of scoring every form. Only a help: nothing
    /// is kept while a write is under way, or when the year's published figures stand.
    pub fn keep_lines(&self, store: &Store) {
        let now = store.changes();
        let current: Vec<(i16, Arc<YearBook>)> = self
            .lock()
            .iter()
            .filter(|k| k.changes == now)
            .map(|k| (k.year, Arc::clone(&k.book)))
            .collect();
        for (year, book) in current {
            if let Some(lines) = book.kept_lines() {
                let _ = super::rated::keep_missing(store, year, now, || lines, &book.district);
            }
        }
    }

    /// Make the list's orders and the search index of a year just kept (a province's
    /// take most of a second, which the first sorted list or search would wait for) on
    /// the side, while the first screen is sent.
    fn prepare(&self, book: &Arc<YearBook>) {
        *count(&self.preparing.0) += 1;
        let done = Done(Arc::clone(&self.preparing));
        let side = Arc::clone(book);
        let made = std::thread::Builder::new().spawn(move || {
            side.prepare();
            // The year let go before the saves waiting are told (or they would copy it).
            drop(side);
            drop(done);
            // What the reading and the making took beyond the year, handed back.
            give_back();
        });
        if made.is_err() {
            // Out of threads (the closure and its `done` are dropped): here and now.
            book.prepare();
            give_back();
        }
    }

    /// Wait until no kept year is being prepared ([`Resident::prepare`]).
    fn prepared(&self) {
        let (busy, done) = &*self.preparing;
        let mut busy = count(busy);
        while *busy > 0 {
            busy = done
                .wait(busy)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// What `cut` makes of the kept year (a township's part, a copy of the whole, the
    /// entries a save moved), with the forms of its entries read from the file at
    /// the count of writes the year is current at: the forms and the figures sent
    /// are of one moment. While writes keep coming in between, the year is read
    /// whole from the file instead.
    pub fn formed<T: Formed>(
        &self,
        store: &Store,
        year: i16,
        cut: impl Fn(&YearBook) -> T,
    ) -> Result<T, Refusal> {
        for _ in 0..3 {
            let (book, at) = self.book_at(store, year)?;
            let mut out = cut(&book);
            if made_whole(store, &book, at, out.entries())? {
                return Ok(out);
            }
        }
        // One such reading at a time, as the kept year's.
        let _one_at_a_time = self
            .reading
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(cut(&YearBook::load(store, year)?))
    }

    /// A year's stars by secretary, for the star history (`book::past_year`): kept
    /// while nobody writes, so that each township a client opens does not rate the
    /// older years again. `district` is the roster as stored now (at the count
    /// `read_at`, when known: the year's lines are then kept in the file).
    pub fn past(
        &self,
        store: &Store,
        year: i16,
        district: &District,
        read_at: Option<u64>,
    ) -> Result<Arc<Pasts>, Refusal> {
        let lock = || {
            self.pasts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let now = store.changes();
        if let Some((_, _, past)) = lock().iter().find(|(y, at, _)| *y == year && *at == now) {
            return Ok(Arc::clone(past));
        }
        let past = Arc::new(super::book::past_year(store, year, district, read_at)?);
        // Kept only if no write came in while it was read.
        if store.changes() == now {
            let mut pasts = lock();
            pasts.retain(|(y, at, _)| *y != year && *at == now);
            pasts.truncate(KEPT_PASTS - 1);
            pasts.insert(0, (year, now, Arc::clone(&past)));
        }
        Ok(past)
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
        // The counts and the book they were counted in, the same one.
        let (book, tallies) = match self.kept(store, year) {
            Some((book, Some(tallies), _)) => (book, tallies),
            kept => {
                // Nothing kept yet: the counts kept in the file, if they are, while
                // the year is read for the screens that follow.
                if kept.is_none()
                    && let Some(first) =
                        super::overview::first_screen(store, year, shows, rectifications, today)?
                {
                    return Ok(first);
                }
                let book = self.book(store, year)?;
                // Counted outside the lock, kept if the year is still the same one.
                let tallies = Arc::new(Tallies::of(&book));
                let mut years = self.lock();
                if let Some(kept) = years
                    .iter_mut()
                    .find(|k| k.year == year && Arc::ptr_eq(&k.book, &book))
                {
                    kept.tallies = Some(Arc::clone(&tallies));
                }
                (book, tallies)
            }
        };
        Ok(tallies.with_statuses(&book, shows, rectifications, today))
    }

    /// A save was committed as the store's write after `before` (the count read in
    /// its transaction): the kept year, if it was current then, takes the new
    /// assessment and re-rates what it moves. The answer is the entries whose figures
    /// changed, or None when the caller should read the year again (nothing kept, a
    /// write in between, or a re-rating of everyone).
    pub fn saved(
        &self,
        store: &Store,
        before: u64,
        year: i16,
        secretary: u32,
        assessment: Assessment,
    ) -> Option<Rerated> {
        self.prepared();
        let mut years = self.lock();
        let at = years.iter().position(|k| k.year == year)?;
        let kept = &mut years[at];
        if kept.changes != before {
            // Read after this save (it holds it), or before another write: as it is.
            return None;
        }
        if !kept.book.rerates_one_by_one() && !kept.book.holds_whole() {
            // The whole year would be rated again, and it holds only briefs: read again.
            years.remove(at);
            return None;
        }
        // Another request may still be sending this book: it keeps its copy.
        let book = Arc::make_mut(&mut kept.book);
        let changed = book.replace(secretary, assessment);
        let entries: Option<Vec<Entry>> = changed.as_ref().map(|moved| {
            moved
                .iter()
                .map(|(i, _)| book.entries[*i].clone())
                .collect()
        });
        // The saved form rated, the kept year lets it go (and the whole rating) as it
        // let the others go.
        if changed.is_some() {
            book.let_go_of(secretary);
        }
        kept.tallies = match (kept.tallies.take(), &changed, &entries) {
            (Some(mut tallies), Some(changed), Some(entries)) => {
                let stood = changed
                    .iter()
                    .map(|(_, stood)| stood.as_ref().map(super::entry::Rated::brief));
                Arc::make_mut(&mut tallies).update(book, stood.zip(entries));
                Some(tallies)
            }
            // Everyone rated again: counted again when next asked.
            _ => None,
        };
        kept.changes = before + 1;
        // The others moved are sent with their forms, read in the file as this save
        // left it (a write since: the clients read again).
        let mut entries = entries?;
        made_whole(store, &kept.book, Some(before + 1), &mut entries)
            .ok()
            .filter(|whole| *whole)?;
        Some(Rerated {
            entries,
            rated: kept.book.rated_count(),
        })
    }
}

/// The end of a year's preparing, however it ends: the saves waiting go on.
struct Done(Arc<(Mutex<usize>, std::sync::Condvar)>);

impl Drop for Done {
    fn drop(&mut self) {
        let mut busy = count(&self.0.0);
        *busy = busy.saturating_sub(1);
        self.0.1.notify_all();
    }
}

/// A count's lock (a panic elsewhere leaves nothing half-counted in it).
fn count(busy: &Mutex<usize>) -> MutexGuard<'_, usize> {
    busy.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Make `entries` of `book` (copied to be sent) whole, with what they lack read from
/// the file in one snapshot, if that snapshot is at `at` ([`Store::changes`]: the
/// count `book` is current at). False when the file has moved on (read again).
fn made_whole(
    store: &Store,
    book: &YearBook,
    at: Option<u64>,
    entries: &mut [Entry],
) -> Result<bool, Refusal> {
    let (forms, frozen) = book.to_read(entries);
    let (mut stored, mut figures) = if forms.is_empty() && frozen.is_empty() {
        // Nothing to read: whole as it is (or from the frozen figures it holds).
        Default::default()
    } else {
        let (read_at, read) = store.forms_of(book.year, &forms, &frozen)?;
        if at != Some(read_at) {
            return Ok(false);
        }
        read
    };
    Ok(book.fill_forms(entries, &mut stored, &mut figures))
}

/// Have the C allocator map each large block (a province's lists, a search's hits) on
/// its own and unmap it when freed, rather than raise its threshold as large blocks
/// are freed (its default) and carve them from the heap thereafter, where a list that
/// grows is copied beside itself and what is freed stays with the process. Called
/// once, before the screens or the server read anything: 8 MB less for a server of
/// half a million secretaries, 16 MB for the screens on a file of their own. (Not
/// for a command that ends, such as a report: mapping each block costs it a tenth
/// of its time.)
pub fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator's.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK);
    }
}

/// From this size on a block is mapped on its own ([`map_large_blocks`]): the C
/// allocator's own starting threshold, kept fixed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const LARGE_BLOCK: libc::c_int = 128 * 1024;

/// Give the memory freed back to the system: a year's reading leaves a gigabyte's
/// worth of small blocks freed among those kept, which the C allocator keeps for the
/// process unless asked. (Not after every client: a province's heap takes tens of
/// milliseconds to walk, during which the other clients' requests wait.)
fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the allocator's to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}
