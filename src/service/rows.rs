//! Windows of the list and the pool: a page of rows in the order asked, with how many
//! there are in all. A screen holds the rows it shows, not the year; through the
//! server only those rows travel (docs/architecture.md §7, "Windows").

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::YearBook;
use super::search::{Finder, Found, SearchIndex, romanize_name};
use crate::domain::Ids;
use crate::domain::{Consequence, District, Outcome, Stage};
use crate::scoring::StarChange;

/// The order of the rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sort {
    /// The district's official order (roster order).
    #[default]
    Official,
    /// By total, highest first.
    Total,
    /// By the pinyin of the name.
    Pinyin,
}

impl Sort {
    pub fn label(self) -> &'static str {
        match self {
            Sort::Official => "名册顺序",
            Sort::Total => "总分",
            Sort::Pinyin => "姓名拼音",
        }
    }

    /// The next order of the list's `s` key.
    pub fn next(self) -> Sort {
        match self {
            Sort::Official => Sort::Total,
            Sort::Total => Sort::Pinyin,
            Sort::Pinyin => Sort::Official,
        }
    }
}

/// Which secretaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Filter {
    /// Every secretary of the year the user may see.
    #[default]
    All,
    /// One township's.
    Township(u32),
    /// The promotion pool (优先选拔).
    Pool,
}

/// The rows asked for: a filter, an order, and where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub filter: Filter,
    pub sort: Sort,
    /// The place of the first row wanted, and how many.
    pub from: usize,
    pub count: usize,
    /// A secretary to find: when they are among the rows, the window is centred on
    /// them (instead of starting at `from`) and the answer says where they are.
    pub around: Option<u32>,
}

/// Which part of a year a client holds: a township's, or the township of a secretary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Focus {
    Township(u32),
    Secretary(u32),
}

/// A window's answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rows {
    /// How many rows the filter has in all.
    pub total: usize,
    /// The place of the first row given.
    pub from: usize,
    pub rows: Vec<Row>,
    /// The place of the secretary asked for (`around`), when they are among the rows.
    pub at: Option<usize>,
}

impl Rows {
    /// The row at a place, if this window holds it.
    pub fn get(&self, place: usize) -> Option<&Row> {
        place.checked_sub(self.from).and_then(|i| self.rows.get(i))
    }

    /// Does this window hold every row of `places` that exists?
    pub fn holds(&self, places: Range<usize>) -> bool {
        let end = places.end.min(self.total);
        let start = places.start.min(end);
        start >= self.from && end <= self.from + self.rows.len()
    }
}

/// One secretary as a list shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub secretary: u32,
    pub name: String,
    pub township: String,
    pub village: String,
    pub mark: Mark,
}

/// Where a secretary's assessment stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Mark {
    /// No assessment entered.
    NotEntered,
    /// Entered, with figures still missing.
    Incomplete,
    Rated {
        total: Decimal,
        outcome: Outcome,
        stars: Option<u8>,
        change: Option<StarChange>,
        stage: Stage,
        /// The township's figures moved after they were published: 须更正公示.
        correction: bool,
        consequence: Option<Consequence>,
    },
}

/// The best matches of a search, as rows, and how many there are in all.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Hits {
    pub rows: Vec<Row>,
    pub total: usize,
}

/// The orders a book's rows are read in, each made when first asked for. A save
/// moves totals and stars: the orders by them are made again after it; the official
/// order and the pinyin stay until the people change.
#[derive(Clone, Debug, Default)]
pub(super) struct Orders {
    townships: OnceLock<Vec<(u32, Range<u32>)>>,
    pinyin: OnceLock<Vec<u32>>,
    total: OnceLock<Vec<u32>>,
    pool: OnceLock<Vec<u32>>,
    /// The search index of the people, and its stamp ([`Finder::find`]'s generation).
    index: OnceLock<(u64, SearchIndex)>,
    /// Each township's villages and secretaries (everyone of the roster), in id order.
    roster: OnceLock<Roster>,
    /// Each township's stage and whether it waits for a correction (the year's record
    /// lists a province's in no order).
    stages: OnceLock<HashMap<u32, (Stage, bool)>>,
}

/// Every township's villages and secretaries, by id: each township's run of each list
/// (one list for a province, not two for each of its townships).
#[derive(Clone, Debug, Default)]
struct Roster {
    runs: HashMap<u32, [Range<u32>; 2]>,
    /// Every township's members, one township after another: where the roster
    /// numbered them township by township, a run of ids (2 MB of a province's each).
    villages: Ids,
    secretaries: Ids,
}

impl Roster {
    /// Each township's run of `members` ((township, id) in id order, made again for
    /// each of the two passes: a province's pairs are not held). The townships one
    /// after another as their first members come.
    fn runs<I: Iterator<Item = (u32, u32)>>(
        members: impl Fn() -> I,
        runs: &mut HashMap<u32, [Range<u32>; 2]>,
        k: usize,
    ) -> Ids {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        let mut townships = Vec::new();
        for (t, _) in members() {
            let n = counts.entry(t).or_default();
            if *n == 0 {
                townships.push(t);
            }
            *n += 1;
        }
        let mut start = 0u32;
        let mut next: HashMap<u32, u32> = HashMap::with_capacity(counts.len());
        for (t, n) in townships.into_iter().map(|t| (t, counts[&t])) {
            runs.entry(t).or_insert([0..0, 0..0])[k] = start..start + n;
            next.insert(t, start);
            start += n;
        }
        let mut ids = vec![0; start as usize];
        for (t, id) in members() {
            if let Some(at) = next.get_mut(&t) {
                ids[*at as usize] = id;
                *at += 1;
            }
        }
        Ids::of(ids)
    }

    fn of(district: &District) -> Roster {
        let mut runs = HashMap::new();
        let villages = || district.village_townships().map(|(id, t)| (t, id));
        let villages = Roster::runs(villages, &mut runs, 0);
        let secretaries = || {
            district
                .secretary_villages()
                .filter_map(|(id, v)| Some((district.township_of_village(v)?, id)))
        };
        let secretaries = Roster::runs(secretaries, &mut runs, 1);
        Roster {
            runs,
            villages,
            secretaries,
        }
    }

    fn of_township(&self, township: u32) -> (Cow<'_, [u32]>, Cow<'_, [u32]>) {
        self.runs
            .get(&township)
            .map_or_else(Default::default, |[v, s]| {
                let at = |r: &Range<u32>| r.start as usize..r.end as usize;
                (self.villages.slice(at(v)), self.secretaries.slice(at(s)))
            })
    }
}

/// The secretaries of a list in its order: everyone in the official order (held as a
/// run where their ids run in a row), or a list of them.
enum Order<'a> {
    Everyone(&'a crate::domain::Ids),
    These(Cow<'a, [u32]>),
}

impl Order<'_> {
    fn len(&self) -> usize {
        match self {
            Order::Everyone(ids) => ids.len(),
            Order::These(ids) => ids.len(),
        }
    }

    /// The secretary at a place (below `len`).
    fn at(&self, at: usize) -> u32 {
        match self {
            Order::Everyone(ids) => ids.at(at),
            Order::These(ids) => ids[at],
        }
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|at| self.at(at))
    }
}

/// Stamps of search indexes: each one made gets its own.
static INDEXES: AtomicU64 = AtomicU64::new(1);

impl Orders {
    /// After figures moved: the orders by total and stars are made again when asked.
    pub(super) fn rated_again(&mut self) {
        self.total = OnceLock::new();
        self.pool = OnceLock::new();
    }
}

impl YearBook {
    /// The rows of a window.
    pub fn rows(&self, window: &Window) -> Rows {
        let order = self.order(window.filter, window.sort);
        let at = window
            .around
            .and_then(|id| order.iter().position(|s| s == id));
        // Around the secretary asked for, the window is centred on them: their
        // neighbours either side are in it.
        let from = match at {
            Some(at) => at.saturating_sub(window.count / 2),
            None => window.from.min(order.len()),
        };
        let rows = (from..order.len().min(from.saturating_add(window.count)))
            .map(|at| self.row(order.at(at)))
            .collect();
        Rows {
            total: order.len(),
            from,
            rows,
            at,
        }
    }

    /// The best `keep` matches of a search among the people, found with `finder`
    /// (which narrows its last matches while the query grows).
    pub fn search(&self, finder: &mut Finder, query: &str, keep: usize) -> Hits {
        let (stamp, index) = self.search_index();
        self.hits(finder.find(index, *stamp, query, keep))
    }

    /// The search index of the people, made when first asked for (a province's pinyin
    /// takes a second: the server makes it once, as it starts).
    pub fn search_index(&self) -> &(u64, SearchIndex) {
        self.orders.index.get_or_init(|| {
            let index = self
                .people_in_order()
                .iter()
                .filter_map(|id| {
                    let name = self.district.secretary_name(id)?;
                    let (t, v) = self.district.place_names(id)?;
                    Some((id, name, v, t))
                })
                .collect();
            (INDEXES.fetch_add(1, Ordering::Relaxed), index)
        })
    }

    /// The rows of what a search found.
    pub fn hits(&self, found: Found) -> Hits {
        Hits {
            rows: found.best.into_iter().map(|id| self.row(id)).collect(),
            total: found.total,
        }
    }

    /// Make now what the list, the pool and the search will ask for (a server does
    /// it as it starts: a province's pinyin and sorting take a second).
    pub fn prepare(&self) {
        // What takes room while it is made (a province's sorting by total, 6 MB) made
        // first, before the search index is held beside it.
        self.roster_of(0);
        self.order(Filter::All, Sort::Total);
        self.order(Filter::Pool, Sort::Official);
        self.people_of(0);
        self.search_index();
        self.order(Filter::All, Sort::Pinyin);
    }

    /// A township's villages and secretaries (everyone the roster places there), in id
    /// order: what its part of the year holds, found without a pass over a province.
    pub fn roster_of(&self, township: u32) -> (Cow<'_, [u32]>, Cow<'_, [u32]>) {
        self.orders
            .roster
            .get_or_init(|| Roster::of(&self.district))
            .of_township(township)
    }

    /// After `saved`'s assessment changed (its total was `before`) and these
    /// secretaries were rated again: the orders by total and the pool move them,
    /// instead of sorting a province again at the next window. (Only the saved
    /// secretary's total moves; the quotas move stars, and so the pool.)
    pub(super) fn reorder(&mut self, saved: u32, before: Option<Decimal>, moved: &[u32]) {
        let mut orders = std::mem::take(&mut self.orders);
        let place = super::book::order_key(&self.district);
        if let Some(by_total) = orders.total.get_mut() {
            // Highest total first, ties in the official order (as `sorted` makes it).
            let key = |id: u32, total: Option<Decimal>| (std::cmp::Reverse(total), place(id));
            let was = key(saved, before);
            let at = by_total.partition_point(|&x| match x == saved {
                true => was,
                false => key(x, self.total_of(x)),
            } < was);
            let now = key(saved, self.total_of(saved));
            let below = |part: &[u32]| part.partition_point(|&x| key(x, self.total_of(x)) < now);
            match by_total.get(at) {
                // Moved from where it stood to where it stands, the ones between shifted
                // by one (a province's list is 2 MB: not all of it moved twice).
                Some(&x) if x == saved && now < was => {
                    let to = below(&by_total[..at]);
                    by_total[to..=at].rotate_right(1);
                }
                Some(&x) if x == saved => {
                    let past = below(&by_total[at + 1..]);
                    by_total[at..=at + past].rotate_left(1);
                }
                _ => {
                    by_total.retain(|&x| x != saved);
                    let to = below(by_total);
                    by_total.insert(to, saved);
                }
            }
        }
        if let Some(pool) = orders.pool.get_mut() {
            pool.retain(|id| !moved.contains(id));
            for &id in moved.iter().filter(|id| self.promoted(**id)) {
                let at = pool.partition_point(|x| place(*x) < place(id));
                pool.insert(at, id);
            }
        }
        self.orders = orders;
    }

    fn total_of(&self, id: u32) -> Option<Decimal> {
        self.entry(id).and_then(|e| e.total())
    }

    fn promoted(&self, id: u32) -> bool {
        self.entry(id)
            .is_some_and(|e| e.consequence() == Some(Consequence::Promote))
    }

    /// A township's people, in the official order.
    pub fn people_of(&self, township: u32) -> Cow<'_, [u32]> {
        self.people_range(township)
            .map(|r| self.people_in_order().slice(r))
            .unwrap_or_default()
    }

    /// How many people a township has.
    pub fn headcount_of(&self, township: u32) -> usize {
        self.people_range(township).map_or(0, |r| r.len())
    }

    /// Where a township's people lie among the year's people.
    fn people_range(&self, township: u32) -> Option<Range<usize>> {
        let ranges = self.orders.townships.get_or_init(|| {
            // In the official order each township's people are together: a run each,
            // sorted by township (12 bytes a township, not a map's 32).
            let mut ranges: Vec<(u32, Range<u32>)> = Vec::new();
            for (at, id) in self.people_in_order().iter().enumerate() {
                let at = u32::try_from(at).unwrap_or(u32::MAX);
                if let Some(t) = self.township_of(id) {
                    match ranges.last_mut() {
                        Some((last, r)) if *last == t => r.end = at + 1,
                        _ => ranges.push((t, at..at + 1)),
                    }
                }
            }
            ranges.sort_unstable_by_key(|(t, _)| *t);
            // (A township met twice, which the official order never gives: from its
            // first person to its last.)
            ranges.dedup_by(|(t, r), (kept_t, kept)| {
                let same = t == kept_t;
                if same {
                    *kept = kept.start.min(r.start)..kept.end.max(r.end);
                }
                same
            });
            ranges.shrink_to_fit();
            ranges
        });
        let at = ranges.binary_search_by_key(&township, |(t, _)| *t).ok()?;
        let r = &ranges[at].1;
        Some(r.start as usize..r.end as usize)
    }

    fn order(&self, filter: Filter, sort: Sort) -> Order<'_> {
        let orders = &self.orders;
        match (filter, sort) {
            (Filter::All, Sort::Official) => Order::Everyone(self.people_in_order()),
            (Filter::All, Sort::Total) => Order::These(Cow::Borrowed(
                orders
                    .total
                    .get_or_init(|| self.sorted(self.people(), Sort::Total)),
            )),
            (Filter::All, Sort::Pinyin) => Order::These(Cow::Borrowed(
                orders.pinyin.get_or_init(|| self.everyone_by_pinyin()),
            )),
            (Filter::Township(t), sort) => Order::These(self.in_order(self.people_of(t), sort)),
            (Filter::Pool, sort) => {
                let pool = orders.pool.get_or_init(|| {
                    self.entries
                        .iter()
                        .map(|e| e.secretary)
                        .filter(|id| self.promoted(*id))
                        .collect()
                });
                Order::These(self.in_order(Cow::Borrowed(pool), sort))
            }
        }
    }

    /// Everyone by the pinyin of their name, read from the search index (made in the
    /// official order, its pinyin worked out already): a province's names are not
    /// romanized again, nor their keys all held while they are sorted.
    fn everyone_by_pinyin(&self) -> Vec<u32> {
        let everyone = self.people_in_order();
        let (_, index) = self.search_index();
        if index.len() != everyone.len() {
            // Someone the index left out (a roster that does not place them).
            return self.sorted(everyone.iter().collect(), Sort::Pinyin);
        }
        // Ties keep the official order (by place, not a stable sort: that would hold
        // a province's places twice while it sorts).
        let mut at: Vec<u32> = (0..u32::try_from(index.len()).unwrap_or(u32::MAX)).collect();
        at.sort_unstable_by(|&a, &b| {
            let name = |i: u32| index.name_pinyin(i as usize);
            name(a).cmp(&name(b)).then(a.cmp(&b))
        });
        at.into_iter()
            .filter_map(|i| index.secretary(i as usize))
            .collect()
    }

    fn in_order<'a>(&self, ids: Cow<'a, [u32]>, sort: Sort) -> Cow<'a, [u32]> {
        match sort {
            Sort::Official => ids,
            sort => Cow::Owned(self.sorted(ids.into_owned(), sort)),
        }
    }

    /// `ids` (in the official order) in another order; ties keep the official order.
    fn sorted(&self, mut ids: Vec<u32>, sort: Sort) -> Vec<u32> {
        match sort {
            Sort::Official => {}
            Sort::Total => {
                // Best first, ties in the given order. Keyed by whole hundredths where
                // every total is one (a total is rounded to two places): a province's
                // keys take 4 MB while they are sorted, not 12.
                let hundredths = |id: u32| match self.total_of(id) {
                    None => Some(i32::MIN),
                    Some(total) => {
                        let h = total.checked_mul(Decimal::ONE_HUNDRED)?;
                        h.fract()
                            .is_zero()
                            .then(|| h.to_i32())?
                            .filter(|&h| h > i32::MIN)
                    }
                };
                let keyed: Option<Vec<(std::cmp::Reverse<i32>, u32)>> = (0..ids.len())
                    .map(|at| Some((std::cmp::Reverse(hundredths(ids[at])?), at as u32)))
                    .collect();
                match keyed {
                    Some(mut keyed) => {
                        keyed.sort_unstable();
                        // Collected in the keys' own buffer, twice the ids' size:
                        // given back (2 MB of a province's order by total).
                        let mut sorted: Vec<u32> =
                            keyed.into_iter().map(|(_, at)| ids[at as usize]).collect();
                        sorted.shrink_to_fit();
                        ids = sorted;
                    }
                    None => ids.sort_by_cached_key(|id| std::cmp::Reverse(self.total_of(*id))),
                }
            }
            Sort::Pinyin => {
                let name = |id: &u32| self.district.secretary_name(*id).unwrap_or("");
                ids.sort_by_cached_key(|id| romanize_name(name(id)).0);
            }
        }
        ids
    }

    fn row(&self, id: u32) -> Row {
        let name = self.district.secretary_name(id).unwrap_or("");
        let (township, village) = self.district.place_names(id).unwrap_or_default();
        let mark = match self.entry(id).map(|e| (e.brief(), e.total())) {
            None => Mark::NotEntered,
            Some((brief, total)) => match brief.outcome.filter(|_| brief.complete) {
                None => Mark::Incomplete,
                Some(outcome) => {
                    let (stage, correction) =
                        self.township_of(id).map_or_else(Default::default, |t| {
                            let stages = self.orders.stages.get_or_init(|| self.record.stages());
                            stages.get(&t).copied().unwrap_or_default()
                        });
                    Mark::Rated {
                        total: total.unwrap_or_default(),
                        outcome,
                        stars: brief.stars,
                        change: brief.change,
                        stage,
                        correction,
                        consequence: brief.consequence,
                    }
                }
            },
        };
        Row {
            secretary: id,
            name: name.to_string(),
            township: township.to_string(),
            village: village.to_string(),
            mark,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::domain::Assessment;

    fn demo_book() -> (tempfile::TempDir, YearBook) {
        let dir = tempfile::tempdir().unwrap();
        let service = crate::demo::open(&dir.path().join("d.redb"), "t").unwrap();
        let book = service.book(2025).unwrap();
        (dir, book)
    }

    /// The order a list should show, made the plain way: every person, filtered, then
    /// sorted by a key with ties in the official order.
    fn expected(book: &YearBook, filter: Filter, sort: Sort) -> Vec<u32> {
        let mut ids: Vec<u32> = book
            .people()
            .into_iter()
            .filter(|&id| match filter {
                Filter::All => true,
                Filter::Township(t) => book.township_of(id) == Some(t),
                Filter::Pool => book
                    .entry(id)
                    .is_some_and(|e| e.rating().consequence == Some(Consequence::Promote)),
            })
            .collect();
        match sort {
            Sort::Official => {}
            Sort::Total => ids.sort_by_key(|id| {
                std::cmp::Reverse(
                    book.entry(*id)
                        .and_then(|e| e.rating().evaluation.figures().map(|f| f.total)),
                )
            }),
            Sort::Pinyin => ids.sort_by_key(|id| romanize_name(&book.name_of(*id)).0),
        }
        ids
    }

    /// Every row of a filter and order, read seven at a time.
    fn paged(book: &YearBook, filter: Filter, sort: Sort) -> Vec<u32> {
        let mut seen = Vec::new();
        loop {
            let rows = book.rows(&Window {
                filter,
                sort,
                from: seen.len(),
                count: 7,
                around: None,
            });
            assert_eq!(rows.from, seen.len());
            if rows.rows.is_empty() {
                assert_eq!(rows.total, seen.len(), "{filter:?} {sort:?}");
                return seen;
            }
            seen.extend(rows.rows.iter().map(|r| r.secretary));
        }
    }

    fn every_shape(book: &YearBook) -> Vec<(Filter, Sort)> {
        let township = book.townships()[1];
        let mut shapes = Vec::new();
        for filter in [Filter::All, Filter::Township(township), Filter::Pool] {
            for sort in [Sort::Official, Sort::Total, Sort::Pinyin] {
                shapes.push((filter, sort));
            }
        }
        shapes
    }

    #[test]
    fn windows_read_one_after_another_are_the_whole_list_in_its_order() {
        let (_dir, book) = demo_book();
        for (filter, sort) in every_shape(&book) {
            let whole = expected(&book, filter, sort);
            assert!(!whole.is_empty(), "{filter:?}");
            assert_eq!(paged(&book, filter, sort), whole, "{filter:?} {sort:?}");
        }
        // The rows say what the list shows.
        let row = book.rows(&Window {
            count: 1,
            ..Window::default()
        });
        let first = &row.rows[0];
        let (township, village) = book.district.place(first.secretary).unwrap();
        assert_eq!(first.name, book.name_of(first.secretary));
        assert_eq!(
            (first.township.as_str(), first.village.as_str()),
            (township.name.as_str(), village.name.as_str())
        );
    }

    #[test]
    fn a_roster_in_a_row_and_one_with_gaps_give_each_township_the_same_members() {
        let ranges = [0..2, 2..5, 5..5];
        let in_row = Ids::of(vec![7, 8, 9, 10, 11]);
        assert!(matches!(in_row, Ids::Run { first: 7, len: 5 }));
        let listed: Vec<Vec<u32>> = ranges
            .iter()
            .map(|r| in_row.slice(r.clone()).to_vec())
            .collect();
        assert_eq!(listed, [vec![7, 8], vec![9, 10, 11], vec![]]);
        let gaps = Ids::of(vec![7, 8, 10, 11, 12]);
        assert!(matches!(gaps, Ids::List(_)));
        assert_eq!(gaps.slice(1..3).to_vec(), [8, 10]);
        // The last ids a run can hold.
        let last = Ids::of(vec![u32::MAX - 1, u32::MAX]);
        assert_eq!(last.slice(0..2).to_vec(), [u32::MAX - 1, u32::MAX]);
    }

    #[test]
    fn a_townships_roster_found_by_ids_is_the_one_a_pass_finds() {
        let (_dir, book) = demo_book();
        for t in book.townships() {
            let (villages, secretaries) = book.roster_of(t);
            assert!(!secretaries.is_empty());
            assert_eq!(
                book.district.of_township_by_ids(t, &villages, &secretaries),
                book.district.of_township(t)
            );
        }
    }

    #[test]
    fn a_window_around_a_secretary_holds_them_and_says_where() {
        let (_dir, book) = demo_book();
        let whole = expected(&book, Filter::All, Sort::Pinyin);
        for (place, &id) in whole.iter().enumerate() {
            let rows = book.rows(&Window {
                sort: Sort::Pinyin,
                from: 0,
                count: 5,
                around: Some(id),
                ..Window::default()
            });
            assert_eq!(rows.at, Some(place));
            assert_eq!(rows.get(place).map(|r| r.secretary), Some(id));
            // Centred: the neighbours either side are in it (but at the ends).
            let ends = place.saturating_sub(2)..(place + 3).min(whole.len());
            assert!(rows.holds(ends), "{place}: {}..", rows.from);
        }
        // Someone not in the rows: the window stays where it was asked.
        let pool = book.rows(&Window {
            filter: Filter::Pool,
            from: 0,
            count: 5,
            around: Some(u32::MAX),
            ..Window::default()
        });
        assert_eq!((pool.at, pool.from), (None, 0));
    }

    #[test]
    fn a_total_finer_than_hundredths_is_still_ordered_exactly() {
        let (_dir, mut book) = demo_book();
        let by_total = expected(&book, Filter::All, Sort::Total);
        let best = book.entry(by_total[0]).unwrap().total().unwrap();
        // Only an altered file holds such totals (`xingji check` reports them): one a
        // thousandth above the best, one a thousandth below it.
        let (above, below) = (by_total[5], by_total[6]);
        for (id, total) in [
            (above, best + Decimal::new(1, 3)),
            (below, best - Decimal::new(1, 3)),
        ] {
            let at = book.entries.iter().position(|e| e.secretary == id).unwrap();
            let Some(whole) = book.entries[at].whole_mut() else {
                panic!("a book read for screens holds whole ratings");
            };
            let crate::scoring::Evaluation::Complete(figures) = &mut whole.rating.evaluation else {
                panic!("{id} is rated");
            };
            figures.total = total;
        }
        let shown = paged(&book, Filter::All, Sort::Total);
        assert_eq!(shown, expected(&book, Filter::All, Sort::Total));
        assert_eq!(shown[..3], [above, by_total[0], below]);
    }

    #[test]
    fn a_save_moves_the_orders_by_total_and_the_pool() {
        let (_dir, mut book) = demo_book();
        // Read every order once, so that each is made and kept.
        for (filter, sort) in every_shape(&book) {
            paged(&book, filter, sort);
        }
        // The last by total gets everyone's best figures, the first loses them.
        let by_total = expected(&book, Filter::All, Sort::Total);
        let best = book.entry(by_total[0]).unwrap().to_assessment();
        let last = *by_total
            .iter()
            .rev()
            .find(|id| book.entry(**id).is_some())
            .unwrap();
        book.replace(last, best);
        book.replace(by_total[0], Assessment::default());
        let now = expected(&book, Filter::All, Sort::Total);
        assert_ne!(now, by_total, "the saves moved the order");
        assert!(now.iter().position(|&id| id == last) < Some(3));
        for (filter, sort) in every_shape(&book) {
            assert_eq!(
                paged(&book, filter, sort),
                expected(&book, filter, sort),
                "{filter:?} {sort:?} after the saves"
            );
        }
        // Random saves: one secretary takes another's figures (ties and quota lines
        // move), each order read after each save.
        let mut rng = crate::demo::generated::Rng::new(7);
        let people = book.people();
        let mut pool_moved = false;
        for n in 0..40 {
            let (to, from) = (
                people[rng.below(people.len())],
                people[rng.below(people.len())],
            );
            let taken = book
                .entry(from)
                .map(|e| e.to_assessment())
                .unwrap_or_default();
            let pool_before = expected(&book, Filter::Pool, Sort::Official);
            book.replace(to, taken);
            pool_moved |= expected(&book, Filter::Pool, Sort::Official) != pool_before;
            for (filter, sort) in every_shape(&book) {
                assert_eq!(
                    paged(&book, filter, sort),
                    expected(&book, filter, sort),
                    "{filter:?} {sort:?} after save {n}"
                );
            }
        }
        assert!(pool_moved, "some save moved the pool");
    }
}
