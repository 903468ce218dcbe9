//! Columns of the roster held as small as their contents let them be: numbers that run
//! (a township's villages, one secretary a village) as their runs, dates as day numbers.

use jiff::civil::Date;

/// A column of numbers held as runs where it makes few: pieces whose numbers stay the
/// same (the township of each of a township's villages) or count up by one (the village
/// of each secretary, one a village, in the roster's order). A province's half a million
/// villages lie in some tens of thousands of such runs, 12 bytes each, where the numbers
/// one by one take 2 MB. A column that runs little, or has a number changed in place, is
/// held as the list; [`Runs::settle`] makes it runs again if that is smaller.
#[derive(Clone, Debug)]
pub enum Runs {
    Runs { runs: Vec<Run>, len: u32 },
    List(Vec<u32>),
}

/// Numbers `first`, `first + step`, … from place `start` of the column to the next run's.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    start: u32,
    first: u32,
    /// 0 or 1.
    step: u32,
}

impl Run {
    /// The number at place `at` of the column (which lies in this run).
    fn number(self, at: usize) -> u32 {
        self.first + self.step * (at as u32 - self.start)
    }
}

/// The run that holds place `at`.
fn holding(runs: &[Run], at: usize) -> usize {
    runs.partition_point(|r| r.start as usize <= at)
        .saturating_sub(1)
}

impl Default for Runs {
    fn default() -> Runs {
        Runs::Runs {
            runs: Vec::new(),
            len: 0,
        }
    }
}

impl Runs {
    pub fn len(&self) -> usize {
        match self {
            Runs::Runs { len, .. } => *len as usize,
            Runs::List(list) => list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number at place `at` (below `len`).
    pub fn at(&self, at: usize) -> u32 {
        match self {
            Runs::Runs { runs, .. } => runs[holding(runs, at)].number(at),
            Runs::List(list) => list[at],
        }
    }

    /// [`Runs::at`] for places read in order (a search's pass over everyone): the run
    /// `near` names (where the last place was found) and the one after it are tried
    /// before a binary search.
    pub fn at_near(&self, at: usize, near: &std::cell::Cell<usize>) -> u32 {
        let Runs::Runs { runs, .. } = self else {
            return self.at(at);
        };
        let holds = |k: usize| {
            runs.get(k).is_some_and(|r| r.start as usize <= at)
                && runs.get(k + 1).is_none_or(|next| at < next.start as usize)
        };
        let k = [near.get(), near.get() + 1]
            .into_iter()
            .find(|&k| holds(k))
            .unwrap_or_else(|| holding(runs, at));
        near.set(k);
        runs[k].number(at)
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (runs, len, list): (&[Run], u32, &[u32]) = match self {
            Runs::Runs { runs, len } => (runs, *len, &[]),
            Runs::List(list) => (&[], 0, list),
        };
        let from_runs = runs.iter().enumerate().flat_map(move |(k, run)| {
            let end = runs.get(k + 1).map_or(len, |next| next.start);
            (0..end - run.start).map(move |i| run.first + run.step * i)
        });
        from_runs.chain(list.iter().copied())
    }

    /// Add a number after the others.
    pub fn push(&mut self, number: u32) {
        match self {
            Runs::Runs { runs, len } => {
                let extends = runs.last_mut().is_some_and(|run| {
                    let k = *len - run.start;
                    if k == 1 && run.first.checked_add(1) == Some(number) {
                        run.step = 1;
                    }
                    run.first.checked_add(run.step * k) == Some(number)
                });
                if !extends {
                    runs.push(Run {
                        start: *len,
                        first: number,
                        step: 0,
                    });
                }
                *len += 1;
                // Runs of a number or two each take more than the list would.
                if runs.len() > 64 && runs.len() > *len as usize / 3 {
                    *self = Runs::List(self.iter().collect());
                }
            }
            Runs::List(list) => list.push(number),
        }
    }

    /// Put `number` at place `at` (below `len`).
    pub fn set(&mut self, at: usize, number: u32) {
        if at >= self.len() || self.at(at) == number {
            return;
        }
        if let Runs::Runs { .. } = self {
            *self = Runs::List(self.iter().collect());
        }
        if let Runs::List(list) = self {
            list[at] = number;
        }
    }

    pub fn reserve_exact(&mut self, more: usize) {
        if let Runs::List(list) = self {
            list.reserve_exact(more);
        }
    }

    /// Held as runs if they are fewer than a third of the numbers; what is held beyond
    /// the numbers given back.
    pub fn settle(&mut self) {
        if let Runs::List(list) = self {
            let mut runs = Runs::default();
            for &n in list.iter() {
                runs.push(n);
                if matches!(runs, Runs::List(_)) {
                    break;
                }
            }
            if let Runs::Runs { .. } = runs {
                *self = runs;
            }
        }
        match self {
            Runs::Runs { runs, .. } => runs.shrink_to_fit(),
            Runs::List(list) => list.shrink_to_fit(),
        }
    }
}

/// A column of small codes (below 4: a gender or none, a village's kind), four to a
/// byte: a province's half a million take 125 KB, not 500 KB.
#[derive(Clone, Debug, Default)]
pub struct Codes {
    bytes: Vec<u8>,
    len: usize,
}

impl Codes {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The code at place `at` (below `len`).
    pub fn at(&self, at: usize) -> u8 {
        debug_assert!(at < self.len, "a code past the column's end");
        self.bytes
            .get(at / 4)
            .map_or(0, |b| (b >> (2 * (at % 4))) & 3)
    }

    /// Add a code (only its lowest two bits are kept).
    pub fn push(&mut self, code: u8) {
        if self.len.is_multiple_of(4) {
            self.bytes.push(0);
        }
        self.len += 1;
        self.set(self.len - 1, code);
    }

    /// Put a code at place `at` (below `len`).
    pub fn set(&mut self, at: usize, code: u8) {
        if let Some(b) = self.bytes.get_mut(at / 4) {
            let shift = 2 * (at % 4);
            *b = (*b & !(3 << shift)) | ((code & 3) << shift);
        }
    }

    pub fn reserve_exact(&mut self, more: usize) {
        self.bytes.reserve_exact(more.div_ceil(4));
    }

    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }
}

/// A column of dates, or none: nothing while every one is none (the day each
/// secretary left office, in a roster of those in post); two bytes each, the day's
/// number from 1900-01-01, while every one lies before 2079-06-06 (a roster's births
/// and terms do); four bytes each (year, month, day) once one does not.
#[derive(Clone, Debug)]
pub enum Dates {
    /// `len` of none; room reserved for `room` more once one is a date.
    None {
        len: usize,
        room: usize,
    },
    Days(Vec<u16>),
    Packed(Vec<u32>),
}

impl Default for Dates {
    fn default() -> Dates {
        Dates::None { len: 0, room: 0 }
    }
}

/// The day before day 1 of [`Dates::Days`] (0 there is none).
const DAY_ZERO: Date = jiff::civil::date(1899, 12, 31);

impl Dates {
    pub fn at(&self, at: usize) -> Option<Date> {
        match self {
            Dates::None { len, .. } => {
                debug_assert!(at < *len, "a date past the column's end");
                None
            }
            Dates::Days(days) => match days[at] {
                0 => None,
                n => DAY_ZERO
                    .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(n)))
                    .ok(),
            },
            Dates::Packed(packed) => unpack(packed[at]),
        }
    }

    pub fn push(&mut self, date: Option<Date>) {
        if let Dates::None { len, room } = self
            && date.is_none()
        {
            *len += 1;
            *room = room.saturating_sub(1);
            return;
        }
        self.dated();
        match self {
            Dates::None { .. } => {}
            Dates::Days(days) => match day_number(date) {
                Some(n) => days.push(n),
                None => {
                    let mut packed = self.unpacked();
                    packed.push(pack(date));
                    *self = Dates::Packed(packed);
                }
            },
            Dates::Packed(packed) => packed.push(pack(date)),
        }
    }

    /// Put `date` at place `at` (below the column's length).
    pub fn set(&mut self, at: usize, date: Option<Date>) {
        if date.is_none() && matches!(self, Dates::None { .. }) {
            return;
        }
        self.dated();
        if let Dates::Days(days) = self {
            if let Some(n) = day_number(date) {
                days[at] = n;
                return;
            }
            *self = Dates::Packed(self.unpacked());
        }
        if let Dates::Packed(packed) = self {
            packed[at] = pack(date);
        }
    }

    /// A column of none made one of day numbers (the room reserved kept), before a
    /// date is written.
    fn dated(&mut self) {
        if let Dates::None { len, room } = self {
            let mut days = Vec::with_capacity(*len + (*room).max(1));
            days.resize(*len, 0);
            *self = Dates::Days(days);
        }
    }

    fn unpacked(&self) -> Vec<u32> {
        let len = match self {
            Dates::None { len, .. } => *len,
            Dates::Days(days) => days.len(),
            Dates::Packed(packed) => packed.len(),
        };
        (0..len).map(|at| pack(self.at(at))).collect()
    }

    pub fn reserve_exact(&mut self, more: usize) {
        match self {
            Dates::None { room, .. } => *room = (*room).max(more),
            Dates::Days(days) => days.reserve_exact(more),
            Dates::Packed(packed) => packed.reserve_exact(more),
        }
    }

    pub fn shrink_to_fit(&mut self) {
        match self {
            Dates::None { room, .. } => *room = 0,
            Dates::Days(days) => days.shrink_to_fit(),
            Dates::Packed(packed) => packed.shrink_to_fit(),
        }
    }
}

/// A date's number in [`Dates::Days`] (0 for none), if it has one.
fn day_number(date: Option<Date>) -> Option<u16> {
    let Some(date) = date else {
        return Some(0);
    };
    if date <= DAY_ZERO {
        return None;
    }
    // Whole days of 24 hours between civil dates (the quick way: a roster has a
    // province's million and a half).
    let days = date.duration_since(DAY_ZERO).as_hours() / 24;
    u16::try_from(days).ok()
}

/// A date in four bytes, or none (0): year, month, day.
fn pack(date: Option<Date>) -> u32 {
    date.map_or(0, |d| {
        (u32::from(d.year() as u16) << 16) | ((d.month() as u32) << 8) | d.day() as u32
    })
}

fn unpack(packed: u32) -> Option<Date> {
    // Months start at 1: a packed date is never 0. Every packed date was a date.
    (packed != 0)
        .then(|| {
            Date::new(
                (packed >> 16) as u16 as i16,
                (packed >> 8) as u8 as i8,
                packed as u8 as i8,
            )
            .ok()
        })
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(numbers: &[u32]) -> Runs {
        let mut runs = Runs::default();
        for &n in numbers {
            runs.push(n);
        }
        runs
    }

    #[test]
    fn a_column_of_runs_reads_back_every_number_in_place_and_in_order() {
        let numbers = [
            7,
            7,
            7,
            8,
            9,
            10,
            10,
            3,
            0,
            1,
            2,
            2,
            2,
            u32::MAX,
            u32::MAX,
            5,
        ];
        let runs = column(&numbers);
        assert_eq!(runs.len(), numbers.len());
        for (at, n) in numbers.iter().enumerate() {
            assert_eq!(runs.at(at), *n, "place {at}");
        }
        assert_eq!(runs.iter().collect::<Vec<_>>(), numbers);
        let near = std::cell::Cell::new(0);
        let read: Vec<u32> = (0..numbers.len())
            .chain((0..numbers.len()).rev())
            .map(|at| runs.at_near(at, &near))
            .collect();
        let both_ways: Vec<u32> = numbers
            .iter()
            .chain(numbers.iter().rev())
            .copied()
            .collect();
        assert_eq!(read, both_ways);
    }

    #[test]
    fn a_province_of_one_secretary_a_village_is_a_handful_of_runs() {
        // 20 villages a township, 25,000 townships; a secretary a village.
        let townships: Vec<u32> = (0..500_000).map(|v| v / 20).collect();
        let villages: Vec<u32> = (1000..501_000).collect();
        for numbers in [townships, villages] {
            let runs = column(&numbers);
            let Runs::Runs { runs: held, .. } = &runs else {
                panic!("a column that runs was held as a list");
            };
            assert!(held.len() <= 25_000, "{} runs", held.len());
            assert_eq!(runs.iter().collect::<Vec<_>>(), numbers);
            assert_eq!(runs.at(123_456), numbers[123_456]);
        }
    }

    #[test]
    fn a_column_that_does_not_run_or_is_changed_in_place_is_a_list_that_settles_back() {
        let scattered: Vec<u32> = (0..1000u32)
            .map(|k| k.wrapping_mul(2_654_435_761))
            .collect();
        let runs = column(&scattered);
        assert!(matches!(runs, Runs::List(_)));
        assert_eq!(runs.iter().collect::<Vec<_>>(), scattered);

        let mut runs = column(&[1, 1, 1, 2, 3, 4]);
        runs.set(4, 9);
        assert_eq!(runs.iter().collect::<Vec<_>>(), [1, 1, 1, 2, 9, 4]);
        runs.set(4, 3);
        runs.settle();
        assert!(matches!(runs, Runs::Runs { .. }));
        assert_eq!(runs.iter().collect::<Vec<_>>(), [1, 1, 1, 2, 3, 4]);
    }

    #[test]
    fn codes_read_back_as_written_and_as_set() {
        let written: Vec<u8> = (0..23u8).map(|k| (k * 7 + k / 5) % 4).collect();
        let mut codes = Codes::default();
        codes.reserve_exact(written.len());
        for &c in &written {
            codes.push(c);
        }
        assert_eq!(codes.len(), written.len());
        let read: Vec<u8> = (0..codes.len()).map(|at| codes.at(at)).collect();
        assert_eq!(read, written);
        codes.set(9, 3);
        codes.set(10, 0);
        assert_eq!(
            (codes.at(8), codes.at(9), codes.at(10), codes.at(11)),
            (written[8], 3, 0, written[11])
        );
    }

    #[test]
    fn dates_read_back_as_written_the_far_ones_in_the_wider_column() {
        let day = |y, m, d| Some(jiff::civil::date(y, m, d));
        let near = [day(1900, 1, 1), None, day(2079, 6, 5), day(1968, 2, 29)];
        let mut dates = Dates::default();
        for d in near {
            dates.push(d);
        }
        assert!(matches!(dates, Dates::Days(_)));
        let far = [day(2079, 6, 6), day(1899, 12, 31), day(9999, 12, 31)];
        for d in far {
            dates.push(d);
        }
        assert!(matches!(dates, Dates::Packed(_)));
        let all: Vec<_> = near.iter().chain(&far).copied().collect();
        for (at, d) in all.iter().enumerate() {
            assert_eq!(dates.at(at), *d, "place {at}");
        }

        let mut dates = Dates::default();
        dates.push(None);
        dates.set(0, day(1, 1, 1));
        assert_eq!(dates.at(0), day(1, 1, 1));

        // None but none: held as how many, until one is a date, then read as written.
        let mut dates = Dates::default();
        dates.reserve_exact(5);
        dates.push(None);
        dates.push(None);
        dates.set(1, None);
        assert!(matches!(dates, Dates::None { len: 2, .. }));
        assert_eq!((dates.at(0), dates.at(1)), (None, None));
        dates.push(day(2020, 3, 1));
        dates.push(None);
        assert!(matches!(dates, Dates::Days(_)));
        let read: Vec<_> = (0..4).map(|at| dates.at(at)).collect();
        assert_eq!(read, [None, None, day(2020, 3, 1), None]);
        let mut dates = Dates::default();
        dates.push(None);
        dates.set(0, day(2021, 1, 1));
        assert_eq!(dates.at(0), day(2021, 1, 1));
    }
}
