//! A year of the district, rated, in the official order. Reports and screens read it;
//! none scores on its own.

use std::collections::{HashMap, HashSet};

use super::{Actor, Refusal};
use crate::domain::{Assessment, District, Role, YearRecord};
use crate::scoring::{
    Candidate, Evaluation, Frozen, Hundredths, Past, Pasts, QuotaKey, QuotaKeys, Quotas, Rating,
    Scheme, evaluate, evaluate_year, finish, finish_year, quota_stars,
};
use crate::store::Store;

pub use super::entry::{Brief, Entry, Rated};
use super::overview::KeptCounts;
use super::rated::{self, Line};

/// Each secretary's place in a book's entries. Where the secretaries' ids run
/// without many gaps (a year of the roster, ids handed out in a row), the places by
/// id, 4 bytes an id; else (secretary, place) sorted by secretary, 8 bytes each (a
/// township's part of a province, whose ids lie far apart).
#[derive(Clone, Debug)]
enum Places {
    /// The entries' ids, a run in the official order (a roster read whole numbers
    /// them so): an id's place is where it lies in the run. Two numbers, not 2 MB a
    /// province.
    Run(crate::domain::Ids),
    /// The place of id `first + k` at `k`; `NOWHERE` for an id without an entry.
    Dense {
        first: u32,
        places: Vec<u32>,
    },
    Sorted(Vec<(u32, u32)>),
}

const NOWHERE: u32 = u32::MAX;

impl Default for Places {
    fn default() -> Places {
        Places::Sorted(Vec::new())
    }
}

impl Places {
    fn of(entries: &[Entry]) -> Places {
        let ids = || entries.iter().map(|e| e.secretary);
        if let Some(run) = crate::domain::Ids::run_of(ids()) {
            return Places::Run(run);
        }
        let (Some(first), Some(last)) = (ids().min(), ids().max()) else {
            return Places::default();
        };
        let span = (last - first) as usize + 1;
        if span <= 2 * entries.len() {
            let mut places = vec![NOWHERE; span];
            for (id, i) in ids().zip(0u32..) {
                places[(id - first) as usize] = i;
            }
            return Places::Dense { first, places };
        }
        let mut places: Vec<(u32, u32)> = ids().zip(0u32..).collect();
        places.sort_unstable();
        Places::Sorted(places)
    }

    fn get(&self, secretary: u32) -> Option<usize> {
        let at = match self {
            Places::Run(run) => return run.place(secretary),
            Places::Dense { first, places } => {
                let at = *places.get(secretary.checked_sub(*first)? as usize)?;
                (at != NOWHERE).then_some(at)?
            }
            Places::Sorted(places) => {
                let at = places.binary_search_by_key(&secretary, |(s, _)| *s).ok()?;
                places[at].1
            }
        };
        usize::try_from(at).ok()
    }

    /// A secretary put at `place`: those at or after it move up one (cheaper than
    /// placing a province again).
    fn insert(&mut self, secretary: u32, place: usize) {
        let place = u32::try_from(place).unwrap_or(NOWHERE - 1);
        match self {
            Places::Run(run) => {
                // Listed, then put as any list is.
                let places = (0..run.len() as u32).collect();
                *self = Places::Dense {
                    first: run.at(0),
                    places,
                };
                self.insert(secretary, place as usize);
            }
            Places::Dense { first, places }
                if secretary.abs_diff(*first) > 2 * places.len() as u32 + 1024 =>
            {
                // An id far from the others: the pairs (ids are handed out in a row, so
                // only an odd file comes here).
                let mut pairs: Vec<(u32, u32)> = (0u32..)
                    .zip(places.iter())
                    .filter(|(_, at)| **at != NOWHERE)
                    .map(|(k, at)| (*first + k, *at))
                    .collect();
                pairs.sort_unstable();
                *self = Places::Sorted(pairs);
                self.insert(secretary, place as usize);
            }
            Places::Dense { first, places } => {
                for at in places.iter_mut().filter(|at| **at != NOWHERE) {
                    *at += u32::from(*at >= place);
                }
                // An id before the first, or past the last, widens the list.
                if secretary < *first {
                    let more = (*first - secretary) as usize;
                    places.splice(0..0, std::iter::repeat_n(NOWHERE, more));
                    *first = secretary;
                }
                let k = (secretary - *first) as usize;
                if k >= places.len() {
                    places.resize(k + 1, NOWHERE);
                }
                places[k] = place;
            }
            Places::Sorted(places) => {
                for (_, at) in places.iter_mut() {
                    *at += u32::from(*at >= place);
                }
                match places.binary_search_by_key(&secretary, |(s, _)| *s) {
                    Ok(at) => places[at].1 = place,
                    Err(at) => places.insert(at, (secretary, place)),
                }
            }
        }
    }
}

/// A rated year of the district.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(try_from = "BookWire")]
pub struct YearBook {
    pub year: i16,
    pub record: YearRecord,
    pub scheme: Scheme,
    pub district: District,
    /// In the official order: townships, villages, secretaries as the roster first listed them.
    pub entries: Vec<Entry>,
    /// The previous year's ratings by secretary (for star change and 建议调整).
    pub previous: Pasts,
    /// Position of each secretary's entry in `entries`.
    index: Places,
    /// [`YearBook::people`] once made (a province's takes a moment); made again after
    /// the entries change ([`YearBook::reindex`]).
    people: std::sync::OnceLock<crate::domain::Ids>,
    /// The orders the list and the pool are read in, made when first asked for
    /// ([`super::rows`]); the ones a save moves are made again after it.
    pub(super) orders: super::rows::Orders,
    /// The assessments of the townships this user may not see: rated with the rest
    /// (quotas are district-wide), never shown.
    hidden: Vec<(u32, Assessment)>,
    /// N of the whole district: rated secretaries (eligible, complete).
    rated: usize,
    /// What the quotas look at of each entry's figures as computed now (before frozen
    /// figures are laid over them), aligned with `entries`: a save re-rates one
    /// secretary and re-runs only the quotas. Empty when the book cannot be re-rated
    /// that way (some townships hidden), then a save re-rates the whole year.
    live: QuotaKeys,
    /// The quota lines over `live`, made at the first save and kept current by each.
    quotas: Option<Quotas>,
    /// The township whose people this book holds, when it is a part of the year.
    part: Option<u32>,
    /// The one township this book shows (a township clerk's), or None: all.
    /// (See [`YearBook::shows`].)
    shown: Option<u32>,
    /// The figures frozen at publication, by secretary: they stand for the townships
    /// whose results are published or approved (read, never recomputed).
    frozen: HashMap<u32, Frozen>,
    /// The secretaries whose frozen figures a kept year let go ([`YearBook::load_brief`]),
    /// sorted: read from the file with the forms when sent. (An approved province's
    /// frozen figures are as large as the year itself.)
    frozen_let_go: Vec<u32>,
    /// The schemes of the townships with their own items, by township.
    own: HashMap<u32, Scheme>,
}

impl YearBook {
    pub(super) fn load(store: &Store, year: i16) -> Result<YearBook, Refusal> {
        // Before anything is read: the lines of a year rated here are kept only if
        // nothing changed since.
        let read_at = store.changes();
        let record = store.year(year)?.ok_or(Refusal::NoYear(year))?;
        let district = store.district()?;
        let scheme = parse_scheme(year, &record.scheme)?;
        let own = own_schemes(&scheme, &record);
        // Last year is read and rated on the second core while this year is read and
        // scored: only the last step of a rating (star change, consequence) needs it.
        let (list, ratings, previous) = std::thread::scope(|s| {
            let last_year = || past_year(store, year - 1, &district, Some(read_at));
            // A server out of threads reads last year afterwards, on this one.
            let past = std::thread::Builder::new().spawn_scoped(s, last_year).ok();
            let list = ordered(&district, store.assessments(year)?);
            let candidates = candidates(&district, &list);
            let evaluated = evaluate_list((&scheme, &own), year, &district, &candidates);
            let previous = match past {
                Some(past) => past
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
                None => last_year()?,
            };
            let ratings = finish_year(&scheme, &candidates, evaluated, &previous);
            drop(candidates);
            Ok::<_, Refusal>((list, ratings, previous))
        })?;
        let live = ratings
            .iter()
            .map(|r| QuotaKey::of(&r.evaluation))
            .collect();
        // Made in a list of its own size: collected from `list`, the entries would
        // take over its buffer, four times theirs (80 MB more for a province's).
        let mut entries = Vec::with_capacity(list.len());
        entries.extend(
            list.into_iter()
                .zip(ratings)
                .map(|((secretary, assessment), rating)| {
                    Entry::new(secretary, Some(assessment), Rated::whole(rating))
                }),
        );
        let bare = YearBook::bare(year, record, scheme, district);
        YearBook::assembled(store, read_at, entries, previous, live, own, bare)
    }

    /// The book of a year read ([`YearBook::load`], [`YearBook::load_brief`]): its
    /// entries in the official order with the quota figures of each, the frozen
    /// figures laid over them, and its lines kept if they are not.
    fn assembled(
        store: &Store,
        read_at: u64,
        entries: Vec<Entry>,
        previous: Pasts,
        live: QuotaKeys,
        own: HashMap<u32, Scheme>,
        bare: YearBook,
    ) -> Result<YearBook, Refusal> {
        let year = bare.year;
        let mut book = YearBook {
            entries,
            previous,
            live,
            own,
            ..bare
        };
        book.reindex();
        book.rated = book.entries.iter().filter(|e| e.counted()).count();
        // The frozen figures laid over the computed ones where they stand, read one by
        // one: a year read in briefs keeps only who has them (an approved province's
        // are as large as the year), a whole one keeps them.
        let brief = book.entries.iter().any(|e| e.whole().is_none());
        let standing = Standing::of(&book.record);
        let mut stood: Vec<(usize, Line)> = Vec::new();
        let mut let_go = Vec::new();
        store.each_frozen(year, |secretary, f| {
            if standing.holds(&book.district, secretary)
                && let Some(i) = book.index.get(secretary)
            {
                stood.push((i, Line::of(&f.rating)));
                let e = &mut book.entries[i];
                match brief {
                    true => e.set_rating(Rated::Brief(Brief::of(&f.rating))),
                    false => e.set_frozen(f.clone()),
                }
            }
            match brief {
                true => let_go.push(secretary),
                false => {
                    book.frozen.insert(secretary, f);
                }
            }
        })?;
        book.frozen_let_go = let_go;
        // Rated once: next year's reading and the star history read what this year's
        // ratings stand at.
        let lines = || {
            let mut lines: Vec<Line> = book.lines().collect();
            for (i, line) in stood {
                lines[i] = line;
            }
            lines.into_iter()
        };
        rated::keep_missing(store, year, read_at, lines, &book.district)?;
        Ok(book)
    }

    /// The year as a server keeps it: each secretary's brief (not the form nor the
    /// whole rating, made whole when sent: [`YearBook::fill_forms`]),
    /// made as the assessments are read one by one, each let go once scored (a
    /// province's forms and whole ratings are never held together). The same briefs,
    /// quota figures and kept lines as [`YearBook::load`] and then `let_go`.
    pub(super) fn load_brief(store: &Store, year: i16) -> Result<YearBook, Refusal> {
        let read_at = store.changes();
        let record = store.year(year)?.ok_or(Refusal::NoYear(year))?;
        let district = store.district()?;
        let scheme = parse_scheme(year, &record.scheme)?;
        let own = own_schemes(&scheme, &record);
        // Last year on the second core, as in `load`.
        let (mut scored, previous) = std::thread::scope(|s| {
            let last_year = || past_year(store, year - 1, &district, Some(read_at));
            let past = std::thread::Builder::new().spawn_scoped(s, last_year).ok();
            // Each form's key, and its result and total (the key holds the total only
            // as the quotas rank it).
            type Scored = (
                u32,
                Option<QuotaKey>,
                Option<(crate::domain::Outcome, rust_decimal::Decimal)>,
            );
            let mut scored: Vec<Scored> = Vec::new();
            store.each_assessment(year, |secretary, form| {
                let township = place_of(&district, secretary);
                let scheme = township.and_then(|t| own.get(&t)).unwrap_or(&scheme);
                let took = district
                    .took_office(secretary)
                    .unwrap_or(jiff::civil::Date::MAX);
                let evaluation = evaluate(scheme, &form, took, year);
                let result = evaluation.figures().map(|f| (f.outcome, f.total));
                scored.push((secretary, QuotaKey::of(&evaluation), result));
            })?;
            let previous = match past {
                Some(past) => past
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
                None => last_year()?,
            };
            Ok::<_, Refusal>((scored, previous))
        })?;
        let key = order_key(&district);
        scored.sort_by_cached_key(|(id, _, _)| key(*id));
        drop(key);
        let live: QuotaKeys = scored.iter().map(|(_, k, _)| *k).collect();
        let stars = quota_stars(&scheme, &live);
        let mut entries = Vec::with_capacity(scored.len());
        entries.extend(
            scored
                .iter()
                .zip(&stars)
                .map(|((secretary, key, result), stars)| {
                    // What `finish` makes of the figures and the stars, briefly.
                    let brief = Brief {
                        complete: key.is_some(),
                        eligible: key.is_some_and(|k| k.rated()),
                        total: result
                            .map_or_else(Default::default, |(_, total)| Hundredths::of(total)),
                        outcome: result.map(|(outcome, _)| outcome),
                        stars: None,
                        low: false,
                        consequence: None,
                        change: None,
                    };
                    let previous = previous.get(secretary);
                    Entry::new(
                        *secretary,
                        None,
                        Rated::Brief(brief.finished(&scheme, *stars, previous)),
                    )
                }),
        );
        drop(scored);
        let bare = YearBook::bare(year, record, scheme, district);
        YearBook::assembled(store, read_at, entries, previous, live, own, bare)
    }

    /// [`YearBook::load_brief`] from the year's kept lines ([`rated`]): nothing is read
    /// of the forms and nothing scored. None when the year has no lines kept (a change
    /// since dropped them), or when some townships' published figures stand and others'
    /// do not (the lines hold the published ones, and a save elsewhere needs the
    /// computed ones beside them for the quotas). A year whose figures all stand (as
    /// last year's, approved, usually does) is read from its lines and its frozen
    /// figures: no save can come while they stand.
    pub(super) fn load_kept(store: &Store, year: i16) -> Result<Option<YearBook>, Refusal> {
        let read_at = store.changes();
        let Some(record) = store.year(year)? else {
            return Ok(None);
        };
        if !store.has_kept_lines(year)? {
            return Ok(None);
        }
        let standing: HashSet<u32> = record
            .townships
            .iter()
            .filter(|(_, y)| y.standing())
            .map(|(t, _)| *t)
            .collect();
        let district = store.district()?;
        let all_stand = !district.townships.is_empty()
            && district.townships.iter().all(|(t, _)| standing.contains(t));
        if !standing.is_empty() && !all_stand {
            return Ok(None);
        }
        let scheme = parse_scheme(year, &record.scheme)?;
        let own = own_schemes(&scheme, &record);
        let previous = past_year(store, year - 1, &district, Some(read_at))?;
        // Each line made a brief and a quota key as it is read, not all held first;
        // room for the roster's secretaries at once (a list grown by doubling holds
        // the old and the new while it moves: 30 MB more for a province).
        let room = district.secretary_count();
        let (mut live, mut entries) = (QuotaKeys::with_capacity(room), Vec::with_capacity(room));
        let read = rated::each(store, year, |l| {
            let rank = (l.total, l.quantitative, l.mass);
            live.push(
                l.past
                    .complete
                    .then(|| QuotaKey::kept(rank, l.stars_before, l.eligible)),
            );
            let brief = Brief {
                complete: l.past.complete,
                eligible: l.eligible,
                total: Hundredths::of(l.total),
                outcome: l.outcome,
                stars: None,
                low: false,
                consequence: None,
                change: None,
            };
            let previous = previous.get(&l.secretary);
            entries.push(Entry::new(
                l.secretary,
                None,
                Rated::Brief(brief.finished(&scheme, l.past.stars, previous)),
            ));
        })?;
        if !read {
            return Ok(None);
        }
        live.shrink_to_fit();
        entries.shrink_to_fit();
        let bare = YearBook::bare(year, record, scheme, district);
        // (Lines an older program kept have no counts beside them: `assembled` keeps
        // them.)
        let mut book = YearBook::assembled(store, read_at, entries, previous, live, own, bare)?;
        if all_stand {
            // The lines' quota figures are the published ones: no quotas run over
            // them. (Every save is refused while the figures stand; a reopening is a
            // write, after which the year is read again.)
            book.live = QuotaKeys::default();
        }
        Ok(Some(book))
    }

    /// The lines of a kept year ([`YearBook::load_brief`]) as it stands, to be kept
    /// for the next reading: None when a township's published figures stand (the
    /// book let them go).
    pub(super) fn kept_lines(&self) -> Option<impl Iterator<Item = Line> + '_> {
        if self.record.townships.iter().any(|(_, y)| y.standing())
            || self.live.len() != self.entries.len()
        {
            return None;
        }
        Some(self.lines())
    }

    /// Each entry's line as its rating or brief stands (the quota figures beside it).
    fn lines(&self) -> impl Iterator<Item = Line> + '_ {
        self.entries
            .iter()
            .zip(self.live.iter())
            .map(|(e, key)| match e.whole() {
                Some(whole) => Line::of(&whole.rating),
                None => Line::of_brief(e.secretary, &e.brief(), key),
            })
    }

    /// The year's book, or an empty one (with the district's current scheme, not yet
    /// stored) when the year has no data yet: the first saved field stores it.
    pub(super) fn load_or_new(store: &Store, year: i16) -> Result<YearBook, Refusal> {
        match YearBook::load(store, year) {
            Err(Refusal::NoYear(_)) => {
                let read_at = store.changes();
                let record = YearRecord::new(store.scheme_text()?);
                let scheme = parse_scheme(year, &record.scheme)?;
                let mut book = YearBook::bare(year, record, scheme, store.district()?);
                book.previous =
                    past_year(store, year - 1, &book.district, Some(read_at)).unwrap_or_default();
                Ok(book)
            }
            other => other,
        }
    }

    /// A year with nothing in it, on the district's default scheme: what a screen
    /// holds while the year itself is still on its way (nothing reads it meanwhile).
    pub fn waiting(year: i16) -> Result<YearBook, Refusal> {
        let record = YearRecord::new(crate::scoring::DEFAULT_SCHEME.to_string());
        let scheme = parse_scheme(year, &record.scheme)?;
        Ok(YearBook::bare(year, record, scheme, District::default()))
    }

    /// A book of `year` with nothing in it yet.
    fn bare(year: i16, record: YearRecord, scheme: Scheme, district: District) -> YearBook {
        YearBook {
            year,
            record,
            scheme,
            district,
            entries: Vec::new(),
            previous: Pasts::default(),
            index: Places::default(),
            people: std::sync::OnceLock::new(),
            orders: super::rows::Orders::default(),
            hidden: Vec::new(),
            rated: 0,
            live: QuotaKeys::default(),
            quotas: None,
            part: None,
            shown: None,
            frozen: HashMap::new(),
            frozen_let_go: Vec::new(),
            own: HashMap::new(),
        }
    }

    /// The secretaries of the year: assessed in it, or in post now and by its end; in
    /// the official order.
    pub fn people(&self) -> Vec<u32> {
        self.people_in_order().iter().collect()
    }

    /// [`YearBook::people`], borrowed.
    pub fn people_in_order(&self) -> &crate::domain::Ids {
        self.people.get_or_init(|| self.list_people())
    }

    /// Last year's complete ratings of the secretaries the roster places in a
    /// township: how many at 0★ … 5★, then how many without stars. (Counted when
    /// asked for, from the township's roster: an overview shows some townships'.)
    pub fn last_year_stars(&self, township: u32) -> [u32; 7] {
        let mut count = [0; 7];
        let (_, secretaries) = self.roster_of(township);
        for id in secretaries.iter() {
            if let Some(past) = self.previous.get(id)
                && past.complete
            {
                count[star_slot(past.stars)] += 1;
            }
        }
        count
    }

    fn list_people(&self) -> crate::domain::Ids {
        let d = &self.district;
        let Ok(year_end) = jiff::civil::Date::new(self.year, 12, 31) else {
            return crate::domain::Ids::default();
        };
        let mut ids: Vec<u32> = d
            .terms()
            .filter(|(id, term)| one_of_the_year(*term, year_end, self.entry(*id).is_some()))
            .map(|(id, _)| id)
            .filter(|id| self.shown.is_none_or(|t| self.township_of(*id) == Some(t)))
            .collect();
        let key = order_key(d);
        // In the official order, so each township's secretaries are together.
        ids.sort_by_cached_key(|id| key(*id));
        // Held as a run where the ids run in a row (a roster's usually do).
        let mut ids = crate::domain::Ids::of(ids);
        ids.shrink_to_fit();
        ids
    }

    /// The townships this book shows, in the official order.
    pub fn townships(&self) -> Vec<u32> {
        self.district
            .townships
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| self.shows_township(*id))
            .collect()
    }

    /// The scheme a township's secretaries are scored on: the district's, with the
    /// township's own items when it has them.
    pub fn scheme_of(&self, township: u32) -> &Scheme {
        self.own.get(&township).unwrap_or(&self.scheme)
    }

    /// The scheme a secretary is scored on (their township's).
    pub fn scheme_for(&self, secretary: u32) -> &Scheme {
        self.township_of(secretary)
            .map_or(&self.scheme, |t| self.scheme_of(t))
    }

    /// Is this secretary's township one this book shows?
    /// The one township this book shows (a township clerk's), or None: all.
    pub fn shown_township(&self) -> Option<u32> {
        self.shown
    }

    /// Does this book show a township (all, or a township clerk's own)?
    pub fn shows_township(&self, township: u32) -> bool {
        self.shown.is_none_or(|t| t == township)
    }

    pub fn shows(&self, secretary: u32) -> bool {
        self.shown
            .is_none_or(|t| self.township_of(secretary) == Some(t))
    }

    pub fn township_of(&self, secretary: u32) -> Option<u32> {
        self.district.township_of(secretary)
    }

    pub fn name_of(&self, secretary: u32) -> String {
        self.district
            .secretary_name(secretary)
            .unwrap_or_default()
            .to_string()
    }

    pub fn entry(&self, secretary: u32) -> Option<&Entry> {
        self.index.get(secretary).map(|i| &self.entries[i])
    }

    pub(super) fn reindex(&mut self) {
        self.people = std::sync::OnceLock::new();
        self.orders = super::rows::Orders::default();
        self.index = Places::of(&self.entries);
    }

    /// The book as `actor` may see it: a township clerk sees only their own township.
    /// (Ratings stay those of the whole district: quotas are district-wide.)
    pub(super) fn visible_to(mut self, actor: &Actor) -> YearBook {
        if let Role::Township(t) = actor.role {
            let district = &self.district;
            let (mine, others): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut self.entries)
                .into_iter()
                .partition(|e| {
                    district
                        .place(e.secretary)
                        .is_some_and(|(_, v)| v.township == t)
                });
            self.entries = mine;
            self.shown = Some(t);
            only_stages_beside(&mut self.record, t);
            self.hidden = others
                .into_iter()
                .map(|e| (e.secretary, e.to_assessment()))
                .collect();
            self.live.clear();
            self.quotas = None;
            self.reindex();
        }
        self
    }

    /// A copy of the book as `actor` may see it, for a server to send: a township
    /// clerk's is their own township's part ([`YearBook::part`]). (A client never
    /// re-rates a book: it asks again.) A province's clerk gets a few hundred
    /// secretaries, not the province.
    pub(super) fn seen_by(&self, actor: &Actor) -> YearBook {
        match actor.role {
            Role::Township(t) => self.part(t, actor),
            _ => self.clone(),
        }
    }

    /// One township's part of the book, for a server to send: that township, its
    /// year's record, villages, secretaries, entries and last-year ratings, and
    /// nobody else's (tens of kilobytes of a province). A clerk's part shows only their township; a
    /// district user's shows every township and holds one at a time
    /// ([`YearBook::part_of`]).
    pub(super) fn part(&self, township: u32, actor: &Actor) -> YearBook {
        let clerk = matches!(actor.role, Role::Township(_));
        let record = YearRecord {
            scheme: self.record.scheme.clone(),
            townships: self
                .record
                .townships
                .iter()
                .filter(|(t, _)| *t == township)
                .cloned()
                .collect(),
        };
        let (villages, secretaries) = self.roster_of(township);
        let district = self
            .district
            .of_township_by_ids(township, &villages, &secretaries);
        // Looked up by the township's own people, not by filtering a province.
        let mut entries: Vec<Entry> = district
            .secretary_villages()
            .filter_map(|(id, _)| self.entry(id).cloned())
            .collect();
        let key = order_key(&self.district);
        entries.sort_by_cached_key(|e| key(e.secretary));
        let previous = district
            .secretary_villages()
            .filter_map(|(id, _)| self.previous.get(&id).map(|p| (id, p)))
            .collect();
        let mut book = YearBook {
            entries,
            previous,
            rated: self.rated,
            shown: self.shown.or(clerk.then_some(township)),
            part: Some(township),
            own: self
                .own
                .get(&township)
                .map(|scheme| (township, scheme.clone()))
                .into_iter()
                .collect(),
            ..YearBook::bare(self.year, record, self.scheme.clone(), district)
        };
        book.reindex();
        book
    }

    /// The one township whose people this book holds, when it is a part of the year
    /// ([`YearBook::part`]); None: it holds everyone it shows.
    pub fn part_of(&self) -> Option<u32> {
        self.part
    }

    /// N of the whole district: rated secretaries (eligible, complete).
    pub fn rated_count(&self) -> usize {
        self.rated
    }

    /// 共评定N名,产生5星级党组织书记a名、4星级党组织书记b名,3星及以下党组织书记c名
    pub fn summary(&self) -> String {
        summary_of(&self.entries)
    }

    /// The frozen figures, in place of the computed ones, for every secretary of a
    /// township whose results stand (published or approved).
    fn stand_frozen(&mut self) {
        if self.frozen.is_empty() {
            return;
        }
        let standing = Standing::of(&self.record);
        // The others were rated just now (`rerate`, the only caller): nothing replaced.
        for e in &mut self.entries {
            if let Some(f) = standing.frozen(&self.district, &self.frozen, e.secretary) {
                e.set_frozen(f.clone());
            }
        }
    }

    /// Let every entry's form and whole rating go, keeping the brief, and the frozen
    /// figures, keeping who has them: what a server keeps of a year (a province's
    /// forms and whole ratings are two thirds of it). The server reads a year so
    /// ([`YearBook::load_brief`]); the tests hold that reading to this one.
    #[cfg(test)]
    fn let_go(&mut self) {
        for e in &mut self.entries {
            e.let_go();
        }
        let mut ids: Vec<u32> = std::mem::take(&mut self.frozen).into_keys().collect();
        ids.extend(std::mem::take(&mut self.frozen_let_go));
        ids.sort_unstable();
        ids.dedup();
        self.frozen_let_go = ids;
    }

    /// Let one entry's form and whole rating go, keeping the brief (a kept year's,
    /// after a save rated it).
    pub(super) fn let_go_of(&mut self, secretary: u32) {
        if let Some(i) = self.index.get(secretary) {
            self.entries[i].let_go();
        }
    }

    /// Does every entry hold its form and whole rating?
    pub(super) fn holds_whole(&self) -> bool {
        self.entries.iter().all(Entry::is_whole)
    }

    /// Can a save re-rate one secretary and the quota lines (not the whole year)?
    pub(super) fn rerates_one_by_one(&self) -> bool {
        self.live.len() == self.entries.len() && self.hidden.is_empty()
    }

    /// What is to be read from the file to make `entries` (this book's, copied to be
    /// sent) whole: the secretaries whose forms it let go, and those whose frozen
    /// figures stand and were let go.
    pub(super) fn to_read(&self, entries: &[Entry]) -> (Vec<u32>, Vec<u32>) {
        let standing = Standing::of(&self.record);
        let lacking = entries.iter().filter(|e| !e.is_whole());
        let (frozen, forms): (Vec<&Entry>, Vec<&Entry>) =
            lacking.partition(|e| standing.stands(self, e.secretary));
        let forms = forms.into_iter().filter(|e| !e.form_held());
        let frozen = frozen
            .into_iter()
            .filter(|e| !self.frozen.contains_key(&e.secretary));
        (
            forms.map(|e| e.secretary).collect(),
            frozen.map(|e| e.secretary).collect(),
        )
    }

    /// Make `entries` (this book's, copied to be sent) whole: where the township's
    /// results stand, the frozen form and rating; else the stored form from `stored`
    /// (read from the file at the count of writes this book is current at), rated
    /// with the stars the brief holds, as a save or a reading rates it. False when a
    /// form is not in `stored` (the file has moved on: read again).
    pub(super) fn fill_forms(
        &self,
        entries: &mut [Entry],
        stored: &mut HashMap<u32, Assessment>,
        frozen: &mut HashMap<u32, Frozen>,
    ) -> bool {
        let standing = Standing::of(&self.record);
        for e in entries.iter_mut().filter(|e| !e.is_whole()) {
            if standing.stands(self, e.secretary) {
                let f = match self.frozen.get(&e.secretary) {
                    Some(f) => f.clone(),
                    None => match frozen.remove(&e.secretary) {
                        Some(f) => f,
                        None => return false,
                    },
                };
                e.set_frozen(f);
                continue;
            }
            if !e.form_held() {
                match stored.remove(&e.secretary) {
                    Some(form) => e.set_form(Some(form)),
                    None => return false,
                }
            }
            if e.whole().is_none() {
                let evaluation = self.evaluation_of(e.secretary, e.assessment());
                e.set_rating(Rated::whole(finish(
                    &self.scheme,
                    e.secretary,
                    evaluation,
                    e.stars(),
                    self.previous.get(&e.secretary),
                )));
            }
        }
        true
    }

    /// A secretary's figures as their township's scheme scores this form.
    fn evaluation_of(&self, secretary: u32, form: &Assessment) -> Evaluation {
        let took = self
            .district
            .took_office(secretary)
            .unwrap_or(jiff::civil::Date::MAX);
        evaluate(self.scheme_for(secretary), form, took, self.year)
    }

    /// The figures as computed now from the stored assessments, frozen or not, in the
    /// order of `entries` (what a new publication would freeze).
    pub(super) fn live_ratings(&self) -> Vec<Rating> {
        let list: Vec<(u32, Assessment)> = self
            .entries
            .iter()
            .map(|e| (e.secretary, e.to_assessment()))
            .chain(self.hidden.iter().cloned())
            .collect();
        let mut ratings = rate(
            (&self.scheme, &self.own),
            self.year,
            &self.district,
            &list,
            &self.previous,
        );
        ratings.truncate(self.entries.len());
        ratings
    }

    /// The frozen figures of a secretary, if any were ever published.
    pub(super) fn frozen_of(&self, secretary: u32) -> Option<&Frozen> {
        self.frozen.get(&secretary)
    }

    /// Re-rate after one assessment changed (quotas depend on everyone). The answer is
    /// the entries whose figures may have changed (positions in `entries`), or None when
    /// the whole year was rated again.
    ///
    /// Each entry rated again comes with the rating it stood at (None for the
    /// secretary's first assessment), so that counts kept beside the book can move.
    pub fn replace(
        &mut self,
        secretary: u32,
        assessment: Assessment,
    ) -> Option<Vec<(usize, Option<Rated>)>> {
        // One secretary and the quota lines (not the whole year) when every rated
        // secretary's figures are here.
        let one_by_one = self.rerates_one_by_one();
        let before = self.entry(secretary).and_then(|e| e.total());
        let (i, first) = match self.index.get(secretary) {
            Some(i) => {
                self.entries[i].set_form(Some(assessment));
                (i, false)
            }
            None => {
                let i = self.insert(Entry::new(
                    secretary,
                    Some(assessment),
                    Rated::whole(Rating::unrated(secretary)),
                ));
                if one_by_one {
                    // The kept lines count entries by position: made again from `live`.
                    self.live.insert(i, None);
                    self.quotas = None;
                }
                (i, true)
            }
        };
        if one_by_one {
            let mut moved = self.rerate_one(i);
            let ids: Vec<u32> = moved
                .iter()
                .map(|(at, _)| self.entries[*at].secretary)
                .collect();
            self.reorder(secretary, before, &ids);
            // A first assessment stood nowhere (its placeholder was never counted).
            for (at, stood) in &mut moved {
                if first && *at == i {
                    *stood = None;
                }
            }
            Some(moved)
        } else {
            self.orders.rated_again();
            self.rerate();
            None
        }
    }

    /// Take what a save moved in the server's year: its entries in place of these (a
    /// first assessment in its place in the official order), and the district's count.
    pub fn take_rerated(&mut self, rerated: super::Rerated) {
        self.orders.rated_again();
        for entry in rerated.entries {
            // A part of the year takes its own township's, not the others' the quotas
            // moved.
            if self.district.secretary(entry.secretary).is_none() {
                continue;
            }
            match self.index.get(entry.secretary) {
                Some(i) => self.entries[i] = entry,
                None => {
                    self.insert(entry);
                }
            }
        }
        self.rated = rerated.rated;
    }

    /// Put a first assessment's entry in its place in the official order; the answer
    /// is that place. The year's people stay as listed unless the secretary had left
    /// office (then they are one of them now).
    fn insert(&mut self, entry: Entry) -> usize {
        let secretary = entry.secretary;
        let key = order_key(&self.district);
        let place = key(secretary);
        let i = self.entries.partition_point(|e| key(e.secretary) < place);
        drop(key);
        self.entries.insert(i, entry);
        let listed = jiff::civil::Date::new(self.year, 12, 31).is_ok_and(|end| {
            self.district
                .term(secretary)
                .is_some_and(|term| in_post(term, end))
        });
        self.index.insert(secretary, i);
        if !listed {
            self.people = std::sync::OnceLock::new();
            self.orders = super::rows::Orders::default();
        }
        i
    }

    /// Re-rate after entry `i`'s assessment changed: evaluate it alone, run the quotas
    /// over everyone's kept figures, and finish again the ratings whose stars moved.
    /// The same result as [`YearBook::rerate`], without evaluating the whole year.
    /// The answer is the entries it rated again, with the ratings they stood at.
    fn rerate_one(&mut self, i: usize) -> Vec<(usize, Option<Rated>)> {
        let evaluation =
            self.evaluation_of(self.entries[i].secretary, self.entries[i].assessment());
        let key = QuotaKey::of(&evaluation);
        // Taken out while the entries move, put back after.
        let mut quotas = self
            .quotas
            .take()
            .unwrap_or_else(|| Quotas::new(&self.live));
        let before = quotas.lines(&self.scheme);
        quotas.update(i, self.live.get(i), key);
        self.live.set(i, key);
        let after = quotas.lines(&self.scheme);
        // Only the secretaries next to a line that moved can change their stars.
        let mut moved = quotas.around(before, after);
        moved.push(i);
        moved.sort_unstable();
        moved.dedup();
        let standing = Standing::of(&self.record);
        let mut evaluation = Some(evaluation);
        let mut rated = Vec::new();
        for k in moved {
            // A township whose results stand shows its frozen figures; its live ones
            // only count in the quotas above.
            let frozen = standing.stands(self, self.entries[k].secretary);
            let e = &mut self.entries[k];
            let stars = quotas.stars(&self.scheme, k, self.live.get(k));
            let previous = self.previous.get(&e.secretary);
            let now = match (evaluation.take_if(|_| k == i), e.whole()) {
                (Some(new), _) => {
                    Rated::whole(finish(&self.scheme, e.secretary, new, stars, previous))
                }
                (None, _) if e.stars() == stars => continue,
                (None, Some(stood)) => Rated::whole(finish(
                    &self.scheme,
                    e.secretary,
                    stood.rating.evaluation.clone(),
                    stars,
                    previous,
                )),
                // A kept year's: its brief finished as the whole would be.
                (None, None) => Rated::Brief(e.brief().finished(&self.scheme, stars, previous)),
            };
            if !frozen {
                rated.push((k, Some(e.replace_rating(now))));
            }
        }
        self.rated = quotas.rated();
        self.quotas = Some(quotas);
        rated
    }

    fn rerate(&mut self) {
        let list: Vec<(u32, Assessment)> = self
            .entries
            .iter()
            .map(|e| (e.secretary, e.to_assessment()))
            .chain(self.hidden.iter().cloned())
            .collect();
        let ratings = rate(
            (&self.scheme, &self.own),
            self.year,
            &self.district,
            &list,
            &self.previous,
        );
        self.rated = ratings.iter().filter(|r| r.rated()).count();
        self.quotas = None;
        self.live = if self.hidden.is_empty() {
            ratings
                .iter()
                .map(|r| QuotaKey::of(&r.evaluation))
                .collect()
        } else {
            QuotaKeys::default()
        };
        // The visible entries come first in `list`; the hidden ones are only counted.
        for (e, r) in self.entries.iter_mut().zip(ratings) {
            e.set_rating(Rated::whole(r));
        }
        self.stand_frozen();
    }
}

/// 共评定N名,产生5星级党组织书记a名、4星级党组织书记b名,3星及以下党组织书记c名
pub fn summary_of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> String {
    let (mut rated, mut five, mut four) = (0, 0, 0);
    for e in entries.into_iter().filter(|e| e.counted()) {
        rated += 1;
        match e.stars() {
            Some(5) => five += 1,
            Some(4) => four += 1,
            _ => {}
        }
    }
    summary_text(rated, five, four)
}

/// [`summary_of`] from its counts: rated, 5 stars, 4 stars.
pub fn summary_text(rated: usize, five: usize, four: usize) -> String {
    format!(
        "共评定{rated}名,产生5星级党组织书记{five}名、4星级党组织书记{four}名,3星及以下党组织书记{}名",
        rated.saturating_sub(five + four)
    )
}

/// Where a rating's stars are counted in a row of seven: 0 … 5, or 6 for none.
pub fn star_slot(stars: Option<u8>) -> usize {
    stars.map_or(6, |n| usize::from(n.min(5)))
}

/// Freeze the figures of townships that were published or approved by a program from
/// before frozen figures (a file from an earlier version): once, at the first open, so
/// that nothing they stand by can move silently afterwards. Returns how many years.
pub fn freeze_standing(store: &Store) -> Result<usize, Refusal> {
    let mut years = 0;
    for (year, record) in store.years()? {
        let standing = Standing::of(&record);
        if standing.0.is_empty() || store.has_frozen(year)? {
            continue;
        }
        let book = YearBook::load(store, year)?;
        let mut w = store.write("xingji")?;
        for e in &book.entries {
            if standing.holds(&book.district, e.secretary) {
                let frozen = Frozen {
                    assessment: e.to_assessment(),
                    rating: e.rating().clone(),
                    replaced: None,
                };
                w.put_frozen(year, e.secretary, &frozen)?;
            }
        }
        let scope = crate::domain::Scope {
            year: Some(year),
            ..crate::domain::Scope::default()
        };
        w.audit_in(
            scope,
            &format!("{year} 年度已公示、已审定的结果冻结(数据库升级)"),
            "",
            &format!("{} 个乡镇", standing.0.len()),
        )?;
        w.commit()?;
        years += 1;
    }
    Ok(years)
}

/// The townships whose published figures stand in a year.
struct Standing(HashSet<u32>);

impl Standing {
    fn of(record: &YearRecord) -> Standing {
        Standing(
            record
                .townships
                .iter()
                .filter(|(_, y)| y.standing())
                .map(|(t, _)| *t)
                .collect(),
        )
    }

    /// Do frozen figures stand for `secretary` in `book` (held, or let go)?
    fn stands(&self, book: &YearBook, secretary: u32) -> bool {
        self.holds(&book.district, secretary)
            && (book.frozen.contains_key(&secretary)
                || book.frozen_let_go.binary_search(&secretary).is_ok())
    }

    /// Do the published figures of `secretary`'s township stand?
    fn holds(&self, district: &District, secretary: u32) -> bool {
        place_of(district, secretary).is_some_and(|t| self.0.contains(&t))
    }

    /// The frozen figures that stand for `secretary`, if any.
    fn frozen<'f>(
        &self,
        district: &District,
        frozen: &'f HashMap<u32, Frozen>,
        secretary: u32,
    ) -> Option<&'f Frozen> {
        frozen
            .get(&secretary)
            .filter(|_| self.holds(district, secretary))
    }
}

fn place_of(district: &District, secretary: u32) -> Option<u32> {
    district.township_of(secretary)
}

fn parse_scheme(year: i16, text: &str) -> Result<Scheme, Refusal> {
    Scheme::parse(text).map_err(|e| Refusal::BadScheme {
        year,
        message: e.to_string(),
    })
}

/// Sort key of the official order: (township, village, secretary) ids, which the
/// roster import assigns in the order it first lists them.
/// Other townships' objections (who raised them, their phone) and reopening reasons
/// are not a clerk's to read: only their stages travel.
fn only_stages_beside(record: &mut YearRecord, township: u32) {
    for (other, y) in &mut record.townships {
        if *other != township {
            y.objections.clear();
            y.reopenings.clear();
        }
    }
}

/// A term in post: when it began, and when it ended (None: still in post).
type Term = (jiff::civil::Date, Option<jiff::civil::Date>);

/// Is a secretary of this term in post at the end of the year (`year_end`)?
fn in_post((took_office, left_office): Term, year_end: jiff::civil::Date) -> bool {
    took_office <= year_end && left_office.is_none_or(|left| left > year_end)
}

/// Is a secretary of this term one of the people of the year ending `year_end`: in
/// post at its end, or assessed in it?
pub(super) fn one_of_the_year(term: Term, year_end: jiff::civil::Date, assessed: bool) -> bool {
    assessed || in_post(term, year_end)
}

pub(super) fn order_key(district: &District) -> impl Fn(u32) -> (u32, u32, u32) + '_ {
    move |secretary| {
        let village = district.village_of(secretary).unwrap_or(u32::MAX);
        let township = district.township_of_village(village).unwrap_or(u32::MAX);
        (township, village, secretary)
    }
}

fn ordered(district: &District, mut list: Vec<(u32, Assessment)>) -> Vec<(u32, Assessment)> {
    let key = order_key(district);
    // Each key looked up once, not once per comparison.
    list.sort_by_cached_key(|(id, _)| key(*id));
    list
}

/// The schemes of the townships that have their own items in `record`.
pub(super) fn own_schemes(scheme: &Scheme, record: &YearRecord) -> HashMap<u32, Scheme> {
    record
        .townships
        .iter()
        .filter(|(_, y)| !y.items.is_empty())
        .map(|(t, y)| (*t, scheme.with_items(&y.items)))
        .collect()
}

/// Rate a year: `(scheme, own)` are the district's scheme and the townships' own.
fn rate(
    schemes: (&Scheme, &HashMap<u32, Scheme>),
    year: i16,
    district: &District,
    list: &[(u32, Assessment)],
    previous: &Pasts,
) -> Vec<Rating> {
    let candidates = candidates(district, list);
    let evaluated = evaluate_list(schemes, year, district, &candidates);
    finish_year(schemes.0, &candidates, evaluated, previous)
}

/// The assessments of a year as the rating takes them, with each secretary's date of
/// taking office from the roster.
fn candidates<'a>(district: &District, list: &'a [(u32, Assessment)]) -> Vec<Candidate<'a>> {
    list.iter()
        .map(|(id, a)| Candidate {
            secretary: *id,
            // Every assessment names a stored secretary; a missing one is never eligible.
            took_office: district.took_office(*id).unwrap_or(jiff::civil::Date::MAX),
            assessment: a,
        })
        .collect()
}

/// Each candidate's figures and stars after the quotas ([`evaluate_year`]).
fn evaluate_list(
    (scheme, own): (&Scheme, &HashMap<u32, Scheme>),
    year: i16,
    district: &District,
    candidates: &[Candidate<'_>],
) -> Vec<(Evaluation, Option<u8>)> {
    if own.is_empty() {
        return evaluate_year(scheme, year, candidates, &|_| None);
    }
    let of = |secretary: u32| place_of(district, secretary).and_then(|t| own.get(&t));
    evaluate_year(scheme, year, candidates, &of)
}

/// A year's stars and "low" by secretary, as they stand: rated, with the figures frozen
/// at publication laid over the computed ones. Empty when the year has no data.
///
/// Read from the year's kept lines ([`rated`]) when it has them. Otherwise the year is
/// rated, and its lines kept when the caller read `district` at `read_at`
/// ([`Store::changes`]).
pub(super) fn past_year(
    store: &Store,
    year: i16,
    district: &District,
    read_at: Option<u64>,
) -> Result<Pasts, Refusal> {
    match read_at {
        // Lines an older program kept have no counts beside them: kept now.
        Some(read_at) if !KeptCounts::kept(store, year)? => {
            if let Some(lines) = rated::read(store, year)? {
                rated::keep_missing(store, year, read_at, || lines.iter().copied(), district)?;
                return Ok(lines.iter().map(|l| (l.secretary, l.past)).collect());
            }
        }
        _ => {
            let mut pasts = Vec::new();
            if rated::each(store, year, |l| pasts.push((l.secretary, l.past)))? {
                return Ok(pasts.into_iter().collect());
            }
        }
    }
    let lines = rate_lines(store, year, district)?;
    if let Some(read_at) = read_at {
        rated::keep(store, year, read_at, &lines, district);
    }
    Ok(lines.iter().map(|l| (l.secretary, l.past)).collect())
}

/// [`past_year`] worked out: the year rated, its lines as they stand.
fn rate_lines(store: &Store, year: i16, district: &District) -> Result<Vec<Line>, Refusal> {
    let Some(record) = store.year(year)? else {
        return Ok(Vec::new());
    };
    // The year's figures as they were published and approved.
    let frozen: HashMap<u32, Frozen> = store.frozen(year)?.into_iter().collect();
    let standing = Standing::of(&record);
    let stands = |secretary: u32| standing.frozen(district, &frozen, secretary);
    // A year whose figures all stand (approved, as last year usually is) is read, not
    // rated again.
    if !frozen.is_empty() {
        let assessed = store.assessed(year)?;
        if assessed.iter().all(|&s| stands(s).is_some()) {
            return Ok(assessed
                .iter()
                .filter_map(|&s| Some(Line::of(&stands(s)?.rating)))
                .collect());
        }
    }
    let scheme = parse_scheme(year, &record.scheme)?;
    let own = own_schemes(&scheme, &record);
    let list = ordered(district, store.assessments(year)?);
    let candidates = candidates(district, &list);
    let evaluated = evaluate_list((&scheme, &own), year, district, &candidates);
    // Only what is kept of each rating is made (no pay, no consequence).
    Ok(candidates
        .iter()
        .zip(&evaluated)
        .map(|(c, (evaluation, stars))| match stands(c.secretary) {
            Some(f) => Line::of(&f.rating),
            None => Line::with(
                c.secretary,
                evaluation.figures(),
                Past::of(&scheme, evaluation, *stars),
            ),
        })
        .collect())
}

/// A year book as it travels between the server and a client: the scheme goes as the
/// year's own text (parsed again on arrival), and the assessments of townships the
/// user may not see do not go at all.
#[derive(serde::Deserialize)]
struct BookWire {
    year: i16,
    record: YearRecord,
    district: District,
    entries: Vec<Entry>,
    previous: Pasts,
    rated: usize,
    shown: Option<u32>,
    part: Option<u32>,
}

/// [`BookWire`] borrowed from a book: a server sends the year it keeps without a copy.
/// (The same fields in the same order: postcard writes a slice as it writes a `Vec`.)
#[derive(serde::Serialize)]
struct BookWireRef<'a> {
    year: i16,
    record: &'a YearRecord,
    district: &'a District,
    entries: &'a [Entry],
    previous: &'a Pasts,
    rated: usize,
    shown: Option<u32>,
    part: Option<u32>,
}

impl serde::Serialize for YearBook {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        BookWireRef {
            year: self.year,
            record: &self.record,
            district: &self.district,
            entries: &self.entries,
            previous: &self.previous,
            rated: self.rated,
            shown: self.shown,
            part: self.part,
        }
        .serialize(serializer)
    }
}

impl TryFrom<BookWire> for YearBook {
    type Error = Refusal;

    fn try_from(w: BookWire) -> Result<YearBook, Refusal> {
        let scheme = parse_scheme(w.year, &w.record.scheme)?;
        // A client never re-rates (it asks the server again): the entries it was sent
        // already hold the frozen figures.
        let mut book = YearBook {
            entries: w.entries,
            previous: w.previous,
            rated: w.rated,
            shown: w.shown,
            part: w.part,
            ..YearBook::bare(w.year, w.record, scheme, w.district)
        };
        book.own = own_schemes(&book.scheme, &book.record);
        book.reindex();
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::generated::Rng;
    use crate::domain::{Grade, Stage};
    use rust_decimal::Decimal;

    /// Places answer as a list of ids in entry order would, whether the ids run in a
    /// row, lie far apart, or a new one comes far away; and after secretaries are put
    /// in between.
    #[test]
    fn places_answer_as_the_entries_in_order() {
        let mut rng = Rng::new(9);
        for (case, spread) in [(0, 1u32), (1, 50), (2, 1), (3, 1), (4, 1), (5, 1)] {
            let mut ids: Vec<u32> = (0..200u32).map(|k| 1000 + k * spread).collect();
            // Cases 4 and 5: in a row, as a roster read whole has them.
            let in_row = case >= 4;
            for k in (1..ids.len()).rev().filter(|_| !in_row) {
                ids.swap(k, rng.below(k + 1));
            }
            let entry =
                |secretary| Entry::new(secretary, None, Rated::whole(Rating::unrated(secretary)));
            let entries: Vec<Entry> = ids.iter().map(|id| entry(*id)).collect();
            let mut places = Places::of(&entries);
            assert_eq!(
                matches!(places, Places::Dense { .. }),
                spread == 1 && !in_row,
                "case {case}"
            );
            assert_eq!(matches!(places, Places::Run(_)), in_row, "case {case}");
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(places.get(*id), Some(i), "case {case}, id {id} before");
            }
            assert_eq!(places.get(999), None, "case {case}");
            assert_eq!(places.get(1000 + 200 * spread), None, "case {case}");
            let news: Vec<u32> = match case {
                2 | 4 => vec![990, 1200, 1203, 5],
                3 | 5 => vec![1_000_000, 1201],
                _ => vec![1200 * spread, 999],
            };
            for new in news {
                let at = rng.below(ids.len() + 1);
                ids.insert(at, new);
                places.insert(new, at);
            }
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(places.get(*id), Some(i), "case {case}, id {id}");
            }
            for absent in [0, 998, 1_500_000, u32::MAX] {
                assert_eq!(places.get(absent), None, "case {case}, id {absent}");
            }
        }
    }

    /// The demo's 2025 with one township published (its figures frozen).
    fn book() -> (tempfile::TempDir, YearBook) {
        let dir = tempfile::tempdir().unwrap();
        let service = crate::demo::open(&dir.path().join("demo.redb"), "t").unwrap();
        let mut book = service.book(2025).unwrap();
        let published = book.townships()[1];
        book.record.township_mut(published).stage = Stage::Publicity;
        for e in &book.entries {
            if book.township_of(e.secretary) == Some(published) {
                let frozen = Frozen {
                    assessment: e.to_assessment(),
                    rating: e.rating().clone(),
                    replaced: None,
                };
                book.frozen.insert(e.secretary, frozen);
            }
        }
        (dir, book)
    }

    #[test]
    fn a_save_re_rates_as_the_whole_year_would() {
        let (_dir, mut book) = book();
        // Some of the township still entering have no assessment yet: their first is
        // put in its place in the official order.
        let published = book.townships()[1];
        let mut absent: Vec<u32> = book
            .entries
            .iter()
            .map(|e| e.secretary)
            .filter(|s| book.township_of(*s) != Some(published))
            .step_by(9)
            .collect();
        book.entries.retain(|e| !absent.contains(&e.secretary));
        book.reindex();
        book.rerate();
        let mut rng = Rng::new(11);
        let mut drops = 0;
        for step in 0..300 {
            let i = rng.below(book.entries.len());
            let mut secretary = book.entries[i].secretary;
            let mut a = book.entries[i].to_assessment();
            if step % 4 == 0
                && let Some(first) = absent.pop()
            {
                // Someone else's figures, changed below, as a first assessment.
                secretary = first;
            }
            let items: Vec<(String, Decimal)> = book
                .scheme_for(secretary)
                .items()
                .map(|it| (it.name.clone(), it.max))
                .collect();
            // Push people over and under the star lines and the quotas: full marks (the
            // same figures for all, so that whole tie groups meet the lines), low marks, a
            // bonus, a missing item, a veto, a grade.
            match rng.below(6) {
                0 => {
                    for (name, max) in &items {
                        a.items.insert(name, *max);
                    }
                    a.grade = Some(Grade::Good);
                    a.ballots = crate::domain::Ballots {
                        satisfied: 30,
                        ..Default::default()
                    };
                    (a.bonus, a.penalty) = (Decimal::ZERO, Decimal::ZERO);
                    a.veto_reason.clear();
                }
                1 => {
                    let (name, max) = &items[rng.below(items.len())];
                    a.items.insert(name, *max / Decimal::TWO);
                }
                2 => a.bonus = Decimal::from(rng.below(8)),
                3 => {
                    let (name, _) = &items[rng.below(items.len())];
                    a.items.remove(name);
                }
                4 => {
                    a.veto_reason = if step % 2 == 0 {
                        "违纪".into()
                    } else {
                        String::new()
                    }
                }
                _ => a.grade = Some(Grade::ALL[rng.below(4)]),
            }
            let before: HashMap<u32, Rated> = book
                .entries
                .iter()
                .map(|e| (e.secretary, e.rated()))
                .collect();
            let moved = book.replace(secretary, a).unwrap();
            // What the save says it moved is all it moved (a server sends only that),
            // and what each stood at before.
            for (k, e) in book.entries.iter().enumerate() {
                if before.get(&e.secretary) != Some(&e.rated()) {
                    assert!(moved.iter().any(|(at, _)| *at == k), "step {step}: {k}");
                }
            }
            for (at, stood) in &moved {
                let id = book.entries[*at].secretary;
                assert_eq!(stood.as_ref(), before.get(&id), "step {step}: {id} before");
            }
            let mut whole = book.clone();
            whole.rerate();
            assert_eq!(book.rated, whole.rated, "step {step}");
            for (one, all) in book.entries.iter().zip(&whole.entries) {
                let who = one.secretary;
                assert_eq!(one.rated(), all.rated(), "step {step}, secretary {who}");
            }
            drops += book
                .entries
                .iter()
                .filter(|e| e.rating().quota_drop.is_some())
                .count();
        }
        // The quotas dropped people along the way: the lines were crossed.
        assert!(drops > 300, "{drops}");
        // Every first assessment went in, each in its place in the official order.
        assert!(absent.is_empty(), "{} left", absent.len());
        let key = order_key(&book.district);
        assert!(book.entries.is_sorted_by_key(|e| key(e.secretary)));
        // And each is found where it is.
        for e in &book.entries {
            assert_eq!(book.entry(e.secretary).unwrap().secretary, e.secretary);
        }
        let mut whole = book.clone();
        whole.reindex();
        assert_eq!(book.people(), whole.people());
    }

    /// A kept year's briefs, quota figures, count of rated, and kept lines.
    type KeptReading = (Vec<(u32, Brief)>, QuotaKeys, usize, Vec<Line>);

    /// The briefs, quota figures, count and kept lines of `load_brief`, and of `load`
    /// then `let_go`, each read right after a write dropped the year's lines.
    fn brief_and_whole(store: &Store) -> [KeptReading; 2] {
        let touch = || {
            let record = store.year(2025).unwrap().unwrap();
            let mut w = store.write("t").unwrap();
            w.put_year(2025, &record).unwrap();
            w.commit().unwrap();
        };
        let seen = |book: &YearBook| {
            assert!(
                book.entries
                    .iter()
                    .all(|e| e.whole().is_none() && !e.form_held())
            );
            // Nor frozen figures: only who has them.
            assert!(book.frozen.is_empty());
            let frozen: Vec<u32> = store
                .frozen(2025)
                .unwrap()
                .iter()
                .map(|(s, _)| *s)
                .collect();
            assert_eq!(book.frozen_let_go, frozen);
            let briefs = book
                .entries
                .iter()
                .map(|e| (e.secretary, e.brief()))
                .collect();
            let lines = rated::read(store, 2025).unwrap().unwrap();
            (briefs, book.live.clone(), book.rated, lines)
        };
        touch();
        let brief = seen(&YearBook::load_brief(store, 2025).unwrap());
        touch();
        let mut whole = YearBook::load(store, 2025).unwrap();
        whole.let_go();
        [brief, seen(&whole)]
    }

    /// What a kept year holds: each entry's brief, the quota figures, the count of
    /// rated, last year's stars (sorted), who has frozen figures.
    type Held = (
        Vec<(u32, Brief)>,
        QuotaKeys,
        usize,
        Vec<(u32, Past)>,
        Vec<u32>,
    );

    fn held(book: &YearBook) -> Held {
        let mut previous: Vec<(u32, Past)> = book.previous.iter().collect();
        previous.sort_unstable_by_key(|(s, _)| *s);
        let briefs = book
            .entries
            .iter()
            .map(|e| (e.secretary, e.brief()))
            .collect();
        let let_go = book.frozen_let_go.clone();
        (briefs, book.live.clone(), book.rated, previous, let_go)
    }

    /// The first screen read from the counts kept beside the year's lines is the one
    /// counted in `book`, for whoever sees what `shows` lets through.
    fn first_screen_is_counted(
        store: &Store,
        book: &YearBook,
        shows: &dyn Fn(u32) -> bool,
        what: &str,
    ) {
        let today = jiff::civil::date(2026, 3, 1);
        let first = super::super::overview::first_screen(store, 2025, shows, &[], today)
            .unwrap()
            .expect("counts kept");
        let counted = super::super::Overview::with_statuses(book, shows, &[], today);
        assert_eq!(first, counted, "{what}");
    }

    #[test]
    fn a_year_read_from_its_kept_lines_is_the_year_scored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.redb");
        drop(crate::demo::open(&path, "t").unwrap());
        {
            // Someone in post with no assessment yet: one of the year's people, not
            // entered (the demo assessed everyone).
            let store = Store::open(&path).unwrap();
            let village = store.district().unwrap().villages().nth(2).unwrap().0;
            let mut w = store.write("t").unwrap();
            w.add_secretary(&crate::domain::Secretary {
                village,
                name: "新书记".into(),
                gender: None,
                born: None,
                took_office: jiff::civil::date(2024, 5, 1),
                left_office: None,
            })
            .unwrap();
            w.commit().unwrap();
        }
        // A write of the year's record that rates nobody otherwise (a township handed
        // in) keeps the lines; one that may (the scheme's text) drops them.
        let touch = |store: &Store| {
            let mut record = store.year(2025).unwrap().unwrap();
            let t = record.townships.first().map_or(1, |(t, _)| *t);
            record.township_mut(t).stage = crate::domain::Stage::Submitted;
            let mut w = store.write("t").unwrap();
            w.put_year(2025, &record).unwrap();
            w.commit().unwrap();
            assert!(store.has_kept_lines(2025).unwrap(), "kept past a hand-in");
            record.township_mut(t).stage = crate::domain::Stage::Entering;
            record.scheme.push_str("\n# 改过\n");
            let mut w = store.write("t").unwrap();
            w.put_year(2025, &record).unwrap();
            w.commit().unwrap();
        };
        let mut rng = Rng::new(11);
        for round in 0..4 {
            {
                // Saves through the kept year drop its lines; the service, leaving,
                // keeps them again.
                let open = crate::service::Service::open(&path, "t").unwrap();
                let service = open.kept_from(1).unwrap();
                for _ in 0..6 {
                    let book = service.book(2025).unwrap();
                    let e = &book.entries[rng.below(book.entries.len())];
                    let before = e.to_assessment();
                    let mut after = before.clone();
                    after.grade = match rng.below(5) {
                        0 => None,
                        k => Some(Grade::ALL[(k - 1) % Grade::ALL.len()]),
                    };
                    let save = crate::service::SaveAssessment {
                        year: 2025,
                        secretary: e.secretary,
                        before: Some(before),
                        after,
                        what: "组织评价".into(),
                        change: (String::new(), String::new()),
                    };
                    service.save_assessment(save).unwrap();
                }
            }
            let store = Store::open(&path).unwrap();
            assert!(store.has_kept_lines(2025).unwrap(), "round {round}");
            let kept = YearBook::load_kept(&store, 2025)
                .unwrap()
                .expect("read from lines");
            // The first screen read from the counts kept beside the lines is the one
            // counted in the year, for the district and for a clerk.
            let today = jiff::civil::date(2026, 3, 1);
            let township = kept.townships()[round % 3];
            let clerk = move |t: u32| t == township;
            let all = |_: u32| true;
            let views: [&dyn Fn(u32) -> bool; 2] = [&all, &clerk];
            for shows in views {
                first_screen_is_counted(&store, &kept, shows, &format!("round {round}"));
            }
            touch(&store);
            assert!(YearBook::load_kept(&store, 2025).unwrap().is_none());
            let first = super::super::overview::first_screen(&store, 2025, &|_| true, &[], today);
            assert_eq!(first.unwrap(), None, "dropped with the lines");
            let scored = YearBook::load_brief(&store, 2025).unwrap();
            assert_eq!(held(&kept), held(&scored), "round {round}");
        }
        // A township published: its frozen figures stand, and the lines hold those
        // instead of the computed ones the quotas need.
        let store = Store::open(&path).unwrap();
        let book = YearBook::load(&store, 2025).unwrap();
        let mut record = book.record.clone();
        record.township_mut(book.townships()[0]).stage = Stage::Publicity;
        let mut w = store.write("t").unwrap();
        w.put_year(2025, &record).unwrap();
        w.commit().unwrap();
        drop(YearBook::load_brief(&store, 2025).unwrap());
        assert!(store.has_kept_lines(2025).unwrap());
        assert!(YearBook::load_kept(&store, 2025).unwrap().is_none());
        // The counts, kept from the lines as they stand, are the year's all the same.
        let published = YearBook::load(&store, 2025).unwrap();
        first_screen_is_counted(&store, &published, &|_| true, "published");
    }

    /// Lines an older program kept have no counts beside them (or counts of an earlier
    /// layout): the year is read from the lines all the same, and the counts are kept
    /// then, for the next first screen.
    #[test]
    fn lines_kept_without_counts_are_read_and_given_their_counts() {
        let (dir, _) = book();
        let store = Store::open(&dir.path().join("demo.redb")).unwrap();
        drop(YearBook::load_brief(&store, 2025).unwrap());
        store.drop_kept_counts(2025).unwrap();
        // Last year's of an earlier layout: as good as none.
        assert!(store.keep_counts(2024, store.changes(), &[1, 0]).unwrap());
        let today = jiff::civil::date(2026, 3, 1);
        let first = || super::super::overview::first_screen(&store, 2025, &|_| true, &[], today);
        assert_eq!(first().unwrap(), None);
        let changes = store.changes();
        let kept = YearBook::load_kept(&store, 2025)
            .unwrap()
            .expect("read from the lines");
        assert_eq!(store.changes(), changes, "a keeping is not a change");
        first_screen_is_counted(&store, &kept, &|_| true, "kept");
    }

    #[test]
    fn a_kept_year_read_in_briefs_is_the_whole_reading_let_go() {
        let (dir, book) = book();
        let store = Store::open(&dir.path().join("demo.redb")).unwrap();
        let [brief, whole] = brief_and_whole(&store);
        assert_eq!(brief, whole);
        // One township published (its figures frozen), and one of its forms changed
        // since: the frozen figures stand, the changed ones count in the quotas.
        let published = book.townships()[1];
        let mut record = store.year(2025).unwrap().unwrap();
        record.township_mut(published).stage = Stage::Publicity;
        let mut w = store.write("t").unwrap();
        w.put_year(2025, &record).unwrap();
        for e in book
            .entries
            .iter()
            .filter(|e| book.township_of(e.secretary) == Some(published))
        {
            w.put_frozen(2025, e.secretary, &book.frozen[&e.secretary])
                .unwrap();
        }
        let changed = book.frozen.keys().copied().min().unwrap();
        let mut form = book.entry(changed).unwrap().to_assessment();
        form.grade = Some(Grade::ALL[3]);
        w.put_assessment(2025, changed, &form).unwrap();
        w.commit().unwrap();
        let [brief, whole] = brief_and_whole(&store);
        assert_eq!(brief, whole);
        let at = brief.0.iter().position(|(id, _)| *id == changed).unwrap();
        assert_eq!(brief.0[at].1, Brief::of(&book.frozen[&changed].rating));
        assert_ne!(
            brief.1.get(at),
            QuotaKey::of(&book.frozen[&changed].rating.evaluation)
        );
        // The first screen read from the counts kept beside those lines is the year's.
        let year = YearBook::load(&store, 2025).unwrap();
        first_screen_is_counted(&store, &year, &|_| true, "published");
    }

    /// Every township approved, its figures frozen, and a form changed since (as the
    /// district may correct the file): the year is read from its lines and its frozen
    /// figures, not scored, and holds what the scoring holds, the frozen figures
    /// standing, but for the quota figures (no save can come).
    #[test]
    fn an_approved_year_is_read_from_its_lines_and_frozen_figures() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.redb");
        drop(crate::demo::open(&path, "t").unwrap());
        let store = Store::open(&path).unwrap();
        let published = YearBook::load(&store, 2025).unwrap();
        let mut record = store.year(2025).unwrap().unwrap();
        for t in published.townships() {
            record.township_mut(t).stage = Stage::Approved;
        }
        let mut w = store.write("t").unwrap();
        w.put_year(2025, &record).unwrap();
        w.commit().unwrap();
        assert!(freeze_standing(&store).unwrap() > 0);
        let changed = published.entries[3].secretary;
        let mut form = store
            .assessments(2025)
            .unwrap()
            .into_iter()
            .find(|(s, _)| *s == changed)
            .unwrap()
            .1;
        form.grade = Some(if form.grade == Some(Grade::Good) {
            Grade::Poor
        } else {
            Grade::Good
        });
        let mut w = store.write("t").unwrap();
        w.put_assessment(2025, changed, &form).unwrap();
        w.commit().unwrap();
        let scored = YearBook::load_brief(&store, 2025).unwrap();
        assert!(store.has_kept_lines(2025).unwrap());
        let changes = store.changes();
        let kept = YearBook::load_kept(&store, 2025)
            .unwrap()
            .expect("an approved year read from its lines");
        assert_eq!(store.changes(), changes);
        let (briefs, _, rated, previous, let_go) = held(&kept);
        let scored_held = held(&scored);
        assert_eq!(
            (briefs, rated, previous, let_go),
            (scored_held.0, scored_held.2, scored_held.3, scored_held.4)
        );
        assert!(!kept.rerates_one_by_one() && kept.kept_lines().is_none());
        // The changed form counts nowhere: its frozen figures stand.
        let frozen = store.frozen(2025).unwrap();
        let stood = frozen.iter().find(|(s, _)| *s == changed).unwrap();
        assert_ne!(stood.1.assessment.grade, form.grade);
        let entry = kept.entry(changed).unwrap();
        let frozen_total = stood.1.rating.evaluation.figures().map(|f| f.total);
        assert_eq!(entry.total(), frozen_total);
        first_screen_is_counted(&store, &kept, &|_| true, "kept");
    }
}

#[cfg(test)]
mod people_tests {
    #[test]
    fn an_assessment_of_someone_out_of_post_adds_them_to_the_people() {
        let dir = tempfile::tempdir().unwrap();
        let service = crate::demo::open(&dir.path().join("demo.redb"), "t").unwrap();
        let mut book = service.book_or_new(2026).unwrap();
        let (id, left) = book.district.secretary_in_place(0).unwrap();
        let left = crate::domain::Secretary {
            left_office: Some(jiff::civil::Date::new(2026, 6, 30).unwrap()),
            ..left
        };
        book.district.set_secretary_at(0, &left);
        // Left before the year's end: not one of the year's people (the list is kept).
        assert!(!book.people().contains(&id));
        book.replace(id, crate::domain::Assessment::default());
        assert!(book.people().contains(&id));
    }
}

#[cfg(test)]
mod past_tests {
    use super::*;

    #[test]
    fn an_approved_year_is_read_as_rating_it_again_would_give() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.redb");
        let service = crate::demo::open(&path, "t").unwrap();
        // 2024 published and approved in every township: its figures are read.
        let all = service.townships(None).unwrap();
        let from = jiff::civil::Date::new(2025, 1, 2).unwrap();
        service.submit(2024, &all).unwrap();
        let publication = super::super::Publication::back_dated(from, "补录纸质公示");
        service.publish(2024, &all, &publication).unwrap();
        service.approve(2024, &all).unwrap();
        drop(service);
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.frozen(2024).unwrap().len(),
            store.assessed(2024).unwrap().len()
        );
        let district = store.district().unwrap();
        let read = past_year(&store, 2024, &district, None).unwrap();
        let rated: Pasts = YearBook::load(&store, 2024)
            .unwrap()
            .entries
            .iter()
            .map(|e| (e.secretary, Past::from(e.rating())))
            .collect();
        assert_eq!(read.len(), store.assessed(2024).unwrap().len());
        assert_eq!(read, rated);
    }

    /// Each year as rating it now gives, and as read (from its kept lines, if any).
    fn rated_and_read(store: &Store) -> Vec<(Pasts, Pasts)> {
        let district = store.district().unwrap();
        (2023..=2026)
            .map(|year| {
                let rated = rate_lines(store, year, &district)
                    .unwrap()
                    .iter()
                    .map(|l| (l.secretary, l.past))
                    .collect();
                (rated, past_year(store, year, &district, None).unwrap())
            })
            .collect()
    }

    #[test]
    fn a_year_is_rated_once_and_read_as_it_stands_after_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.redb");
        drop(crate::demo::open(&path, "t").unwrap());
        let store = Store::open(&path).unwrap();
        // Reading 2025 rates 2024 for its star change; both are kept.
        let before = YearBook::load(&store, 2025).unwrap();
        assert!(rated::read(&store, 2024).unwrap().is_some());
        assert!(rated::read(&store, 2025).unwrap().is_some());
        for (rated, read) in rated_and_read(&store) {
            assert_eq!(read, rated);
        }
        // A 2024 secretary with stars, rated again in 2025.
        let (secretary, stars) = before
            .entries
            .iter()
            .find_map(|e| Some((e.secretary, before.previous.get(&e.secretary)?.stars?)))
            .filter(|(_, stars)| *stars > 0)
            .unwrap();
        drop(store);

        // 2024's assessment vetoed: 0 stars that year.
        let service = super::super::Service::open(&path, "t").unwrap();
        let stored = service
            .book(2024)
            .unwrap()
            .entry(secretary)
            .unwrap()
            .to_assessment();
        let mut vetoed = stored.clone();
        vetoed.veto_reason = "违纪".into();
        service
            .save_assessment(super::super::SaveAssessment {
                year: 2024,
                secretary,
                before: Some(stored),
                after: vetoed,
                what: "否决事由".into(),
                change: (String::new(), "违纪".into()),
            })
            .unwrap();
        drop(service);

        let store = Store::open(&path).unwrap();
        let after = YearBook::load(&store, 2025).unwrap();
        assert_eq!(
            after.previous.get(&secretary).unwrap().stars,
            Some(0),
            "was {stars}"
        );
        let change = after.entry(secretary).unwrap().rating().change;
        let now = after.entry(secretary).unwrap().rating().stars;
        assert_eq!(
            change,
            now.map(|n| crate::scoring::StarChange::Delta(n as i8))
        );
        for (rated, read) in rated_and_read(&store) {
            assert_eq!(read, rated);
        }
        drop(store);

        // 2024 published and approved: its frozen figures are what it stands at.
        let service = super::super::Service::open(&path, "t").unwrap();
        let all = service.townships(None).unwrap();
        let from = jiff::civil::Date::new(2025, 1, 2).unwrap();
        service.submit(2024, &all).unwrap();
        let publication = super::super::Publication::back_dated(from, "补录纸质公示");
        service.publish(2024, &all, &publication).unwrap();
        drop(service);
        let store = Store::open(&path).unwrap();
        for (rated, read) in rated_and_read(&store) {
            assert_eq!(read, rated);
        }
    }
}

#[cfg(test)]
mod history_tests {
    use crate::domain::Role;
    use crate::service::Service;

    #[test]
    fn the_history_beside_a_book_is_the_history_of_every_other_year() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.redb");
        let admin = crate::demo::open(&path, "t").unwrap();
        let t = admin.townships(None).unwrap()[2];
        admin.put_user("t", Role::District).unwrap();
        admin.put_user("clerk", Role::Township(t)).unwrap();
        drop(admin);
        for user in ["t", "clerk"] {
            let service = Service::open(&path, user).unwrap();
            for year in [2024, 2025, 2026] {
                let book = service.book_or_new(year).unwrap();
                let mut beside = service.history_beside(&book).unwrap();
                let mut again = service.history(year).unwrap();
                beside.sort_by_key(|(y, _)| *y);
                again.sort_by_key(|(y, _)| *y);
                assert_eq!(beside, again, "{user} {year}");
            }
        }
    }
}
