//! A column of ids, held as a run where it is one.

/// A column of ids. The roster hands them out in a row, so a list read whole (the
/// roster's, a township's run of it, the year's people in the official order) is
/// usually one run without a gap: held as its first id and its length (8 bytes, where a
/// province's half a million ids take 2 MB), the list made only when an id breaks the
/// run.
#[derive(Clone, Debug)]
pub enum Ids {
    Run { first: u32, len: u32 },
    List(Vec<u32>),
}

impl Default for Ids {
    fn default() -> Ids {
        Ids::Run { first: 0, len: 0 }
    }
}

impl Ids {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids of a list, held as a run where they are one.
    pub fn of(ids: Vec<u32>) -> Ids {
        Ids::run_of(ids.iter().copied()).unwrap_or(Ids::List(ids))
    }

    /// The run these ids make, if they follow one another without a gap (and are
    /// some).
    pub fn run_of(ids: impl IntoIterator<Item = u32>) -> Option<Ids> {
        let mut ids = ids.into_iter();
        let first = ids.next()?;
        let mut len = 1u32;
        for id in ids {
            if first.checked_add(len) != Some(id) {
                return None;
            }
            len = len.checked_add(1)?;
        }
        Some(Ids::Run { first, len })
    }

    /// The ids at places `r` (within `len`).
    pub fn slice(&self, r: std::ops::Range<usize>) -> std::borrow::Cow<'_, [u32]> {
        match self {
            Ids::Run { first, .. } => r.map(|k| first + k as u32).collect(),
            Ids::List(ids) => std::borrow::Cow::Borrowed(&ids[r]),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Ids::Run { len, .. } => *len as usize,
            Ids::List(ids) => ids.len(),
        }
    }

    /// The id at position `at` (which is below `len`).
    pub fn at(&self, at: usize) -> u32 {
        match self {
            Ids::Run { first, len } => {
                debug_assert!(at < *len as usize, "an id past the column's end");
                first + at as u32
            }
            Ids::List(ids) => ids[at],
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|at| self.at(at))
    }

    /// Give back what a list took beyond its ids.
    pub fn shrink_to_fit(&mut self) {
        if let Ids::List(ids) = self {
            ids.shrink_to_fit();
        }
    }

    pub fn reserve_exact(&mut self, more: usize) {
        if let Ids::List(ids) = self {
            ids.reserve_exact(more);
        }
    }

    /// Add an id after the others.
    pub fn push(&mut self, id: u32) {
        match self {
            Ids::Run { len: 0, .. } => *self = Ids::Run { first: id, len: 1 },
            Ids::Run { first, len } if first.checked_add(*len) == Some(id) && *len < u32::MAX => {
                *len += 1;
            }
            Ids::Run { .. } => {
                let mut ids: Vec<u32> = self.iter().collect();
                ids.push(id);
                *self = Ids::List(ids);
            }
            Ids::List(ids) => ids.push(id),
        }
    }

    /// Where an id lies in the column (whose ids were added in increasing order).
    pub fn place(&self, id: u32) -> Option<usize> {
        match self {
            Ids::Run { first, len } => {
                let k = id.checked_sub(*first)?;
                (k < *len).then_some(k as usize)
            }
            Ids::List(ids) => {
                // Numbered in a row but for a few skipped: the id says where it
                // most likely lies (a province looks them up millions of times).
                let first = *ids.first()?;
                if let Some(guess) = id.checked_sub(first).map(|k| k as usize)
                    && ids.get(guess) == Some(&id)
                {
                    return Some(guess);
                }
                ids.binary_search(&id).ok()
            }
        }
    }
}
