//! Search by name, village, township, full pinyin or initials (`zs` finds 张三,
//! `ouyang` finds 欧阳娜娜), incremental: the index is built once.

use std::hash::BuildHasher;

use pinyin::ToPinyin;

use crate::domain::{Ids, Runs};

/// The search index of a year's people, packed for a province's half a million. Each
/// distinct name, village name and township name is held once with its pinyin (a
/// province repeats them: half a million secretaries bear about half as many names, and
/// their villages a few thousand), and a person is three numbers: which name, village
/// and township; who they are is a column of ids beside, a run where the people come in
/// the roster's order. A search reads each text it needs once, whoever bears it.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    people: People,
    /// Who each of `people` is.
    secretaries: Ids,
    names: Texts<NAME_PIECES>,
    villages: Texts<PLACE_PIECES>,
    townships: Texts<PLACE_PIECES>,
}

/// One searchable secretary: their texts in [`SearchIndex`]'s three lists.
#[derive(Clone, Copy, Debug)]
struct Person {
    name: u32,
    village: u32,
    township: u32,
}

/// The people of an index in columns: a township's people come together, so its
/// column is a few runs ([`Runs`]), not 2 MB a province.
#[derive(Clone, Debug, Default)]
struct People {
    name: Vec<u32>,
    village: Vec<u32>,
    township: Runs,
}

impl People {
    fn len(&self) -> usize {
        self.name.len()
    }

    fn get(&self, at: usize) -> Option<Person> {
        Some(Person {
            name: *self.name.get(at)?,
            village: self.village[at],
            township: self.township.at(at),
        })
    }

    fn push(&mut self, person: Person) {
        self.name.push(person.name);
        self.village.push(person.village);
        self.township.push(person.township);
    }

    fn shrink_to_fit(&mut self) {
        self.name.shrink_to_fit();
        self.village.shrink_to_fit();
        self.township.settle();
    }
}

/// Distinct texts with their pieces, one after another in one buffer, each piece
/// followed by a separator no query holds (no match runs from one piece into the next).
/// Where each text starts is held (4 bytes), where its pieces end is found from there
/// when it is read (a province's names, a few tens of bytes each).
#[derive(Clone, Debug, Default)]
struct Texts<const N: usize> {
    text: String,
    starts: Vec<u32>,
    /// Each text's place in `starts`, found by its first piece (the text as written,
    /// lower-cased): while the index is made. Let go once it is
    /// ([`SearchIndex::shrink_to_fit`]), made again if a person is pushed after.
    lookup: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

/// A run of pieces in a buffer: the buffer from their start, and where each piece ends.
#[derive(Clone, Copy)]
struct Pieces<'a, const N: usize> {
    buf: &'a str,
    ends: [u16; N],
}

/// A name's pieces: as written (lower-cased); then, lower-case ASCII, its full pinyin
/// and initials with the surname read as a surname, and its other reading (full,
/// initials) when the surname reads two ways (乐 le/yue), else two empty pieces.
const NAME_PIECES: usize = 5;
/// A village's or township's pieces: as written (lower-cased), full pinyin, initials.
const PLACE_PIECES: usize = 3;
/// The first piece in lower-case ASCII, for every kind of text.
const ASCII_FROM: usize = 1;
const SEPARATOR: char = '\u{1}';
/// The most characters a piece holds: a text's pieces then fit the offsets (u16) with
/// room to spare.
const PIECE_CHARS: usize = 2000;

/// Full pinyin and initials of a text; characters without pinyin are kept lower-cased.
pub fn romanize(text: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for (c, p) in text.chars().zip(text.to_pinyin()) {
        match p {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if c.is_alphanumeric() => {
                let lower = c.to_lowercase().to_string();
                full.push_str(&lower);
                initials.push_str(&lower);
            }
            None => {}
        }
    }
    (full, initials)
}
/// Surnames whose reading differs from the character's common one (曾 is zēng as a
/// surname, not céng): compound ones first. A name is found by either reading.
const SURNAMES: &[(&str, &str, &str)] = &[
    ("尉迟", "yuchi", "yc"),
    ("万俟", "moqi", "mq"),
    ("单于", "chanyu", "cy"),
    ("曾", "zeng", "z"),
    ("单", "shan", "s"),
    ("解", "xie", "x"),
    ("仇", "qiu", "q"),
    ("覃", "qin", "q"),
    ("翟", "zhai", "z"),
    ("查", "zha", "z"),
    ("区", "ou", "o"),
    ("朴", "piao", "p"),
    ("盖", "ge", "g"),
    ("缪", "miao", "m"),
    ("乐", "yue", "y"),
    ("召", "shao", "s"),
    ("折", "she", "s"),
    ("种", "chong", "c"),
    ("繁", "po", "p"),
    ("宓", "fu", "f"),
    ("隗", "wei", "w"),
    ("员", "yun", "y"),
    ("秘", "bi", "b"),
    ("能", "nai", "n"),
    ("句", "gou", "g"),
    ("长孙", "zhangsun", "zs"),
    ("重", "chong", "c"),
];

/// A person's name in pinyin: the surname as a surname is read, the rest as usual.
pub fn romanize_name(name: &str) -> (String, String) {
    for (surname, full, initials) in SURNAMES {
        if let Some(rest) = name.strip_prefix(surname) {
            let (f, i) = romanize(rest);
            return (format!("{full}{f}"), format!("{initials}{i}"));
        }
    }
    romanize(name)
}

impl SearchIndex {
    pub fn new() -> SearchIndex {
        SearchIndex::default()
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.len() == 0
    }

    /// The secretary at a position of the index.
    pub fn secretary(&self, at: usize) -> Option<u32> {
        (at < self.people.len()).then(|| self.secretaries.at(at))
    }

    /// Name, village and township as written (lower-cased), of the person at a position.
    pub fn texts(&self, at: usize) -> Option<[&str; 3]> {
        let person = self.people.get(at)?;
        Some([
            self.names.pieces(person.name)?.piece(0),
            self.villages.pieces(person.village)?.piece(0),
            self.townships.pieces(person.township)?.piece(0),
        ])
    }

    /// The full pinyin of the name of the person at a position, the surname read as a
    /// surname ([`romanize_name`]): what the list's pinyin order sorts by.
    pub fn name_pinyin(&self, at: usize) -> Option<&str> {
        // The name's one piece alone (what the pinyin order's sort asks for, millions
        // of times).
        let name = *self.people.name.get(at)?;
        self.names.piece(name, ASCII_FROM)
    }

    /// Add a person at the end, their pinyin worked out where their texts are new.
    /// (An index that can hold no more text, 4 GiB of one kind, leaves them out.)
    pub fn push(&mut self, secretary: u32, name: &str, village: &str, township: &str) {
        let mut person = || {
            Some(Person {
                name: self.names.held(name, name_pieces)?,
                village: self.villages.held(village, place_pieces)?,
                township: self.townships.held(township, place_pieces)?,
            })
        };
        if let Some(person) = person() {
            self.people.push(person);
            self.secretaries.push(secretary);
        }
    }

    /// Give back what the buffers took beyond what they hold, and the look-ups by text
    /// (once the index is made).
    pub fn shrink_to_fit(&mut self) {
        self.people.shrink_to_fit();
        self.secretaries.shrink_to_fit();
        self.names.shrink_to_fit();
        self.villages.shrink_to_fit();
        self.townships.shrink_to_fit();
    }

    /// Add the person at `at` of another index (whose pinyin is worked out already).
    pub fn push_from(&mut self, other: &SearchIndex, at: usize) {
        let Some(found) = other.people.get(at) else {
            return;
        };
        let mut person = || {
            Some(Person {
                name: self.names.copied(other.names.pieces(found.name)?)?,
                village: self
                    .villages
                    .copied(other.villages.pieces(found.village)?)?,
                township: self
                    .townships
                    .copied(other.townships.pieces(found.township)?)?,
            })
        };
        if let Some(person) = person() {
            self.people.push(person);
            self.secretaries.push(other.secretaries.at(at));
        }
    }

    /// Does the query match the person at a position, and how well (lower is better:
    /// name before village before township; in each, the whole text (`wuxiu` is 武秀,
    /// before 吴秀兰), then a prefix, then a substring)?
    pub fn rank(&self, at: usize, query: &str) -> Option<usize> {
        let q = normalise(query);
        if q.is_empty() {
            return None;
        }
        // Text by text, without a memo (which would cost a byte of every text).
        let q = Query::new(&q);
        self.rank_by(at, &std::cell::Cell::new(0), |kind, id| {
            self.rank_text(kind, id, &q)
        })
    }

    /// The rank of the person at a position, from how their name, village and township
    /// match (`how(kind, id)`: 0 a name, 1 a village, 2 a township): by their name, else
    /// their village, else their township (looked up in its runs from `near`, the run
    /// the last person's was found in, only when name and village do not match).
    fn rank_by(
        &self,
        at: usize,
        near: &std::cell::Cell<usize>,
        mut how: impl FnMut(usize, u32) -> Option<usize>,
    ) -> Option<usize> {
        let people = &self.people;
        how(0, *people.name.get(at)?)
            .or_else(|| how(1, people.village[at]).map(|how| HOWS + how))
            .or_else(|| how(2, people.township.at_near(at, near)).map(|how| 2 * HOWS + how))
    }

    /// How the query matches a name (kind 0), village (1) or township (2).
    fn rank_text(&self, kind: usize, id: u32, q: &Query<'_>) -> Option<usize> {
        match kind {
            0 => self.names.rank(id, q),
            1 => self.villages.rank(id, q),
            _ => self.townships.rank(id, q),
        }
    }

    /// A memo of how a query matches each text, for [`SearchIndex::rank_in`].
    fn memo(&self) -> Memo {
        let unknown = |n: usize| vec![UNKNOWN; n];
        Memo([
            unknown(self.names.len()),
            unknown(self.villages.len()),
            unknown(self.townships.len()),
        ])
    }

    /// The rank of the person at a position, each text read once for all who bear it
    /// (`memo`).
    fn rank_in(
        &self,
        at: usize,
        q: &Query<'_>,
        memo: &mut Memo,
        near: &std::cell::Cell<usize>,
    ) -> Option<usize> {
        self.rank_by(at, near, |kind, id| {
            let seen = memo.0[kind].get_mut(usize::try_from(id).ok()?)?;
            if *seen == UNKNOWN {
                *seen = self
                    .rank_text(kind, id, q)
                    .map_or(NO_MATCH, |how| how as u8);
            }
            (*seen != NO_MATCH).then_some(usize::from(*seen))
        })
    }

    /// How the query matches every text, read in one pass over each buffer.
    fn memo_read(&self, q: &Query<'_>) -> Memo {
        Memo([
            self.names.rank_all(q),
            self.villages.rank_all(q),
            self.townships.rank_all(q),
        ])
    }

    /// The rank of the person at a position from a memo that has read every text.
    fn rank_read(&self, at: usize, memo: &Memo, near: &std::cell::Cell<usize>) -> Option<usize> {
        self.rank_by(at, near, |kind, id| {
            let seen = *memo.0[kind].get(usize::try_from(id).ok()?)?;
            (seen < NO_MATCH).then_some(usize::from(seen))
        })
    }
}

/// How a query matched each name, village and township so far (by their place in the
/// index's lists): [`UNKNOWN`] until read, [`NO_MATCH`], or how.
struct Memo([Vec<u8>; 3]);

const UNKNOWN: u8 = u8::MAX;
const NO_MATCH: u8 = u8::MAX - 1;

/// A name's pieces ([`NAME_PIECES`]), from the name as written, lower-cased.
fn name_pieces(lowered: &str) -> [String; NAME_PIECES] {
    let common = romanize(lowered);
    let surname = romanize_name(lowered);
    // The name's other reading, when its surname reads two ways; else nothing.
    let other = if surname == common {
        Default::default()
    } else {
        common
    };
    [lowered.to_owned(), surname.0, surname.1, other.0, other.1]
}

/// A village's or township's pieces ([`PLACE_PIECES`]), from its name as written,
/// lower-cased.
fn place_pieces(lowered: &str) -> [String; PLACE_PIECES] {
    let roman = romanize(lowered);
    [lowered.to_owned(), roman.0, roman.1]
}

impl<const N: usize> Texts<N> {
    fn len(&self) -> usize {
        self.starts.len()
    }

    fn pieces(&self, id: u32) -> Option<Pieces<'_, N>> {
        let at = usize::try_from(*self.starts.get(usize::try_from(id).ok()?)?).ok()?;
        pieces_at::<N>(&self.text, at)
    }

    /// Piece `k` of the text `id`, found without the ends of the pieces after it.
    fn piece(&self, id: u32, k: usize) -> Option<&str> {
        let at = usize::try_from(*self.starts.get(usize::try_from(id).ok()?)?).ok()?;
        let rest = self.text.get(at..)?;
        rest.split(SEPARATOR).nth(k)
    }

    /// How the query matches each text (or [`NO_MATCH`]), found in one pass over the
    /// buffer: as [`Texts::rank`] finds it text by text.
    fn rank_all(&self, q: &Query<'_>) -> Vec<u8> {
        let mut hows = vec![NO_MATCH; self.starts.len()];
        let bytes = self.text.as_bytes();
        let separator = SEPARATOR as u8;
        let mut id = 0;
        for found in q.finder.find_iter(bytes) {
            // Matches come in order, as the texts do; none crosses a separator.
            while self
                .starts
                .get(id + 1)
                .is_some_and(|next| *next as usize <= found)
            {
                id += 1;
            }
            let (Some(how), Some(&start)) = (hows.get_mut(id), self.starts.get(id)) else {
                break;
            };
            // In the first piece (as written) when no separator lies before the match;
            // Latin letters are looked for in the pinyin, characters as written.
            let written = bytes
                .get(start as usize..found)
                .is_some_and(|before| memchr::memchr(separator, before).is_none());
            if written == q.ascii {
                continue;
            }
            *how = (*how).min(how_at(bytes, start as usize, found, q) as u8);
        }
        hows
    }

    /// How the query matches the text `id`, by its pieces (see [`Pieces::rank`]).
    fn rank(&self, id: u32, q: &Query<'_>) -> Option<usize> {
        self.pieces(id)?.rank(q)
    }

    /// The place of a text, its pieces added when it is new. The pieces are made (by
    /// `make`) from its written form alone — without the separator, cut to a piece's
    /// length, lower-cased — which is what finds it: texts written alike share their
    /// pieces whoever came first. None when the buffer can hold no more (4 GiB).
    fn held(&mut self, text: &str, make: fn(&str) -> [String; N]) -> Option<u32> {
        self.look_up_all();
        let written: std::borrow::Cow<'_, str> =
            if text.len() <= PIECE_CHARS && !text.contains(SEPARATOR) {
                text.into()
            } else {
                text.chars()
                    .filter(|c| *c != SEPARATOR)
                    .take(PIECE_CHARS)
                    .collect::<String>()
                    .into()
            };
        let lowered = lower_cased(&written);
        if let Some(id) = self.find(&lowered) {
            return Some(id);
        }
        self.add(make(&lowered).each_ref().map(String::as_str))
    }

    /// The place of a text whose pieces another index holds, copied when it is new.
    fn copied(&mut self, theirs: Pieces<'_, N>) -> Option<u32> {
        self.look_up_all();
        if let Some(id) = self.find(theirs.piece(0)) {
            return Some(id);
        }
        let at = u32::try_from(self.text.len()).ok()?;
        self.text.push_str(theirs.buf);
        Some(self.insert(at))
    }

    /// The place of the text whose first piece is `lowered`, if held (and looked up).
    fn find(&self, lowered: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(lowered);
        self.lookup
            .find(hash, |&id| {
                self.pieces(id).is_some_and(|p| p.piece(0) == lowered)
            })
            .copied()
    }

    /// Append pieces to the buffer, each followed by the separator, as a new text.
    /// None (nothing appended) when they overflow the offsets.
    fn add(&mut self, pieces: [&str; N]) -> Option<u32> {
        let at = self.text.len();
        let start = u32::try_from(at).ok()?;
        for piece in pieces {
            // A piece never holds the separator, nor more than a piece's length (a real
            // name, village or township is far shorter).
            self.text
                .extend(piece.chars().filter(|c| *c != SEPARATOR).take(PIECE_CHARS));
            self.text.push(SEPARATOR);
        }
        if self.text.len() - at > usize::from(u16::MAX) || u32::try_from(self.text.len()).is_err() {
            self.text.truncate(at);
            return None;
        }
        Some(self.insert(start))
    }

    /// Make the look-up again if it was let go.
    fn look_up_all(&mut self) {
        if self.lookup.len() == self.starts.len() {
            return;
        }
        self.lookup.clear();
        for id in 0..self.starts.len() {
            self.look_up(u32::try_from(id).unwrap_or(u32::MAX));
        }
    }

    /// Hold a new text's start, found by its first piece from now on.
    fn insert(&mut self, start: u32) -> u32 {
        let id = u32::try_from(self.starts.len()).unwrap_or(u32::MAX);
        self.starts.push(start);
        self.look_up(id);
        id
    }

    /// Let the text `id` be found by its first piece.
    fn look_up(&mut self, id: u32) {
        let lowered = self.pieces(id).map(|p| p.piece(0)).unwrap_or_default();
        let hash = self.hasher.hash_one(lowered);
        let Texts {
            text,
            starts,
            lookup,
            hasher,
        } = self;
        lookup.insert_unique(hash, id, |&id| {
            let first = starts.get(id as usize).and_then(|&at| {
                let rest = text.get(at as usize..)?;
                rest.split(SEPARATOR).next()
            });
            hasher.hash_one(first.unwrap_or_default())
        });
    }

    fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.starts.shrink_to_fit();
        self.lookup = hashbrown::HashTable::new();
    }
}

impl<'a> FromIterator<(u32, &'a str, &'a str, &'a str)> for SearchIndex {
    fn from_iter<I: IntoIterator<Item = (u32, &'a str, &'a str, &'a str)>>(
        people: I,
    ) -> SearchIndex {
        let mut index = SearchIndex::new();
        for (id, name, village, township) in people {
            index.push(id, name, village, township);
        }
        index.shrink_to_fit();
        index
    }
}

/// The pieces of the text that starts at `at` of a buffer: up to the separator after
/// its last.
fn pieces_at<const N: usize>(text: &str, at: usize) -> Option<Pieces<'_, N>> {
    let rest = text.as_bytes().get(at..)?;
    let mut ends = [0u16; N];
    let mut from = 0;
    for end in &mut ends {
        // The separator is one byte: it ends the piece wherever it lies in UTF-8.
        let k = from + memchr::memchr(SEPARATOR as u8, rest.get(from..)?)?;
        *end = u16::try_from(k).ok()?;
        from = k + SEPARATOR.len_utf8();
    }
    Some(Pieces {
        buf: text.get(at..at + from)?,
        ends,
    })
}

impl<'a, const N: usize> Pieces<'a, N> {
    fn piece(&self, k: usize) -> &'a str {
        &self.buf[self.start(k)..usize::from(self.ends[k])]
    }

    /// Where piece `k` starts.
    fn start(&self, k: usize) -> usize {
        start_of(&self.ends, k)
    }

    /// One pass over the pieces the query can match (the ASCII ones for Latin letters,
    /// the text as written else): the best of how it matches each, as a whole piece, a
    /// prefix or a substring.
    fn rank(&self, q: &Query<'_>) -> Option<usize> {
        let last = self.ends.len() - 1;
        let (from, to) = if q.ascii {
            (self.start(ASCII_FROM), self.ends[last])
        } else {
            (0, self.ends[ASCII_FROM - 1])
        };
        let bytes = self.buf.as_bytes();
        let region = bytes.get(from..usize::from(to))?;
        let mut best: Option<usize> = None;
        for found in q.finder.find_iter(region) {
            let how = how_at(bytes, 0, from + found, q);
            best = Some(best.map_or(how, |b| b.min(how)));
            if how == WHOLE {
                break;
            }
        }
        best
    }
}

/// Where piece `k` of a text starts, from where each ends.
fn start_of(ends: &[u16], k: usize) -> usize {
    match k.checked_sub(1) {
        Some(before) => usize::from(ends[before]) + SEPARATOR.len_utf8(),
        None => 0,
    }
}

/// How a match at `at` of a buffer matches the piece it lies in, for a text that
/// starts at `start`: the whole piece, a prefix or a substring. A piece starts at the
/// text's start or after a separator, and ends at a separator (none is matched across).
fn how_at(bytes: &[u8], start: usize, at: usize, q: &Query<'_>) -> usize {
    let separator = SEPARATOR as u8;
    let starts_piece =
        at == start || at.checked_sub(1).and_then(|b| bytes.get(b)) == Some(&separator);
    if !starts_piece {
        SUBSTRING
    } else if q.whole && bytes.get(at + q.len) == Some(&separator) {
        WHOLE
    } else {
        PREFIX
    }
}

/// A text lower-cased (copied only when it has capitals).
fn lower_cased(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().any(char::is_uppercase) {
        true => std::borrow::Cow::Owned(text.to_lowercase()),
        false => std::borrow::Cow::Borrowed(text),
    }
}

/// How a query matches a piece, best first (a single letter is never a whole text:
/// a one-letter piece is ranked as its prefix).
const WHOLE: usize = 0;
const PREFIX: usize = 1;
const SUBSTRING: usize = 2;
const HOWS: usize = 3;

/// A normalised query with its searcher, built once per key.
struct Query<'a> {
    ascii: bool,
    /// Its length in bytes, and whether a piece it equals ranks as a whole match
    /// (two characters or more).
    len: usize,
    whole: bool,
    finder: memchr::memmem::Finder<'a>,
}

impl<'a> Query<'a> {
    fn new(text: &'a str) -> Query<'a> {
        Query {
            ascii: text.is_ascii(),
            len: text.len(),
            whole: text.chars().nth(1).is_some(),
            finder: memchr::memmem::Finder::new(text.as_bytes()),
        }
    }
}

/// The query as it is matched: without spaces or control characters, lower-case.
fn normalise(query: &str) -> String {
    query
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase()
}

/// How many matches the search box keeps, best first: a few screens of its dozen rows
/// (through the server each key's matches travel).
pub const KEPT: usize = 50;

/// The best matches of a query and how many there are in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub best: Vec<u32>,
    pub total: usize,
}

/// An incremental search: while the query grows (the normal case as a clerk types),
/// each key looks only among the previous key's matches, since a text that contains
/// the longer query contains the shorter one. Each step is kept while the query grows,
/// so that erasing a letter goes back to the step before instead of searching the
/// index again (a province's half a million).
#[derive(Debug, Default)]
pub struct Finder {
    /// The steps of the query as typed, shortest first: each a prefix of the next.
    steps: Vec<Step>,
    /// The index's version the steps were found in.
    generation: u64,
}

#[derive(Debug)]
struct Step {
    /// The query, normalised.
    query: String,
    /// Positions in the index of every match of `query`, in index order.
    pool: Vec<u32>,
    /// The answer given for it, and how many it kept.
    found: Found,
    keep: usize,
}

/// At most this many steps are kept (a query longer than this searches among the last
/// step's matches all the same).
const STEPS: usize = 32;

impl Finder {
    /// The best `keep` matches of `query` in `index`, best first (ties keep the index
    /// order). `generation` names the index's version: a new one searches afresh.
    pub fn find(
        &mut self,
        index: &SearchIndex,
        generation: u64,
        query: &str,
        keep: usize,
    ) -> Found {
        let q = normalise(query);
        if q.is_empty() || generation != self.generation {
            *self = Finder {
                steps: Vec::new(),
                generation,
            };
            if q.is_empty() {
                return Found::default();
            }
        }
        // The steps still on the way to this query (erased letters leave theirs).
        while let Some(last) = self.steps.last()
            && !(q.starts_with(&last.query) && q.is_ascii() == last.query.is_ascii())
        {
            self.steps.pop();
        }
        if let Some(last) = self.steps.last()
            && last.query == q
            && last.keep == keep
        {
            return last.found.clone();
        }
        let query = Query::new(&q);
        let candidates = match self.steps.last() {
            Some(last) => Candidates::These(&last.pool),
            // Everyone, not listed (a province's list would take 2 MB).
            None => Candidates::All {
                from: 0,
                to: u32::try_from(index.len()).unwrap_or(u32::MAX),
            },
        };
        // A position and a rank byte, 5 bytes a match: a single letter matches half a
        // province.
        let matches = if candidates.len() < SHARED_FROM {
            // A few: each text read as someone bearing it comes up.
            let mut memo = index.memo();
            // The run of townships the last one ranked was found in (they come in order).
            let near = std::cell::Cell::new(0);
            let mut matches = Matches::default();
            for i in candidates.iter() {
                if let Some(rank) = index.rank_in(i as usize, &query, &mut memo, &near) {
                    matches.push(i, rank);
                }
            }
            matches
        } else {
            // Many: every text read in one pass over the index's buffers first.
            let memo = index.memo_read(&query);
            let rank = |part: Candidates<'_>| -> Matches {
                let near = std::cell::Cell::new(0);
                let mut matches = Matches::default();
                for i in part.iter() {
                    if let Some(rank) = index.rank_read(i as usize, &memo, &near) {
                        matches.push(i, rank);
                    }
                }
                matches
            };
            ranked(candidates, &rank)
        };
        let found = Found {
            best: matches
                .best(keep)
                .into_iter()
                .filter_map(|i| index.secretary(i as usize))
                .collect(),
            total: matches.at.len(),
        };
        let Matches { at: pool, .. } = matches;
        if self.steps.last().is_some_and(|last| last.query == q) {
            self.steps.pop();
        }
        if self.steps.len() == STEPS {
            self.steps.remove(0);
        }
        self.steps.push(Step {
            query: q,
            pool,
            found: found.clone(),
            keep,
        });
        found
    }
}

/// Whom a search looks among: everyone of the index, or the previous key's matches
/// (positions in the index, in its order).
#[derive(Clone, Copy)]
enum Candidates<'a> {
    /// Positions `from..to`.
    All {
        from: u32,
        to: u32,
    },
    These(&'a [u32]),
}

impl<'a> Candidates<'a> {
    fn len(&self) -> usize {
        match self {
            Candidates::All { from, to } => to.saturating_sub(*from) as usize,
            Candidates::These(these) => these.len(),
        }
    }

    fn iter(self) -> impl Iterator<Item = u32> + 'a {
        let (all, these) = match self {
            Candidates::All { from, to } => (Some(from..to), None),
            Candidates::These(these) => (None, Some(these.iter().copied())),
        };
        all.into_iter().flatten().chain(these.into_iter().flatten())
    }

    /// The first half and the rest.
    fn halves(self) -> (Candidates<'a>, Candidates<'a>) {
        let half = self.len() / 2;
        match self {
            Candidates::All { from, to } => {
                let mid = from + half as u32;
                (
                    Candidates::All { from, to: mid },
                    Candidates::All { from: mid, to },
                )
            }
            Candidates::These(these) => {
                let (first, second) = these.split_at(half);
                (Candidates::These(first), Candidates::These(second))
            }
        }
    }
}

/// The candidates that match, with their rank (`rank_all` ranks a part of them): on
/// both cores when there are many (the first keys of a search match half a province).
fn ranked<R>(candidates: Candidates<'_>, rank_all: &R) -> Matches
where
    R: Fn(Candidates<'_>) -> Matches + Sync,
{
    if candidates.len() < SHARED_FROM {
        return rank_all(candidates);
    }
    let (first, second) = candidates.halves();
    std::thread::scope(|s| {
        let other = std::thread::Builder::new().spawn_scoped(s, || rank_all(second));
        let first = rank_all(first);
        let second = match other {
            Ok(other) => other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // Out of threads: the second half here too.
            Err(_) => rank_all(second),
        };
        // The first grown in place to hold the second (a large list is mapped on its
        // own, and moved by remapping, not copied beside itself).
        let mut matches = first;
        matches.at.reserve_exact(second.at.len());
        matches.at.extend(second.at);
        matches.rank.reserve_exact(second.rank.len());
        matches.rank.extend(second.rank);
        matches
    })
}

/// The matches among the candidates: their positions in the index's order, and the
/// rank of each (how the name, village or township matched: below [`MATCH_RANKS`]).
#[derive(Default)]
struct Matches {
    at: Vec<u32>,
    rank: Vec<u8>,
}

/// Ranks run from 0 (a whole name) to below this (a township matched within).
const MATCH_RANKS: usize = 3 * HOWS;

impl Matches {
    fn push(&mut self, at: u32, rank: usize) {
        self.at.push(at);
        self.rank
            .push(u8::try_from(rank.min(MATCH_RANKS - 1)).unwrap_or(u8::MAX));
    }

    /// The best `keep` positions, best first, ties in the index's order: the ranks
    /// counted first, so that only those kept are gathered and sorted (a single letter
    /// matches half a province; the popup shows some tens).
    fn best(&self, keep: usize) -> Vec<u32> {
        let mut count = [0usize; MATCH_RANKS];
        for &r in &self.rank {
            count[usize::from(r)] += 1;
        }
        // The worst rank kept, and how many of that rank are.
        let mut left = keep;
        let mut last = None;
        for (r, &n) in count.iter().enumerate().filter(|(_, n)| **n > 0) {
            if left == 0 {
                break;
            }
            last = Some((r, n.min(left)));
            left -= n.min(left);
        }
        let Some((worst, mut of_worst)) = last else {
            return Vec::new();
        };
        let mut best: Vec<(u8, u32)> = Vec::with_capacity(keep.min(self.at.len()));
        for (&at, &r) in self.at.iter().zip(&self.rank) {
            let kept = match usize::from(r).cmp(&worst) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Equal if of_worst > 0 => {
                    of_worst -= 1;
                    true
                }
                _ => false,
            };
            if kept {
                best.push((r, at));
            }
        }
        // Stable: ties keep the index's order.
        best.sort_by_key(|&(r, _)| r);
        best.into_iter().map(|(_, at)| at).collect()
    }
}

/// From this many candidates on, a search shares its work with the second core.
const SHARED_FROM: usize = 50_000;

/// Every match of `query` in `index`, best first (ties keep the index order).
pub fn search(index: &SearchIndex, query: &str) -> Vec<u32> {
    Finder::default().find(index, 0, query, usize::MAX).best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        SearchIndex::from_iter([
            (1, "张三", "马邑村", "神头镇"),
            (2, "欧阳娜娜", "张家堡村", "张蔡庄乡"),
            (3, "阿依古丽·买买提", "鄯阳社区", "北城街道"),
            (4, "赵静", "小泊村", "神头镇"),
        ])
    }

    #[test]
    fn who_is_found_is_told_right_whether_the_ids_run_in_a_row_or_not() {
        // 1..=4 in a row, then 2 of another index's order and an id far off.
        let mut index = index();
        assert!(matches!(index.secretaries, Ids::Run { first: 1, len: 4 }));
        let other = SearchIndex::from_iter([(90, "李娜", "东关村", "神头镇")]);
        index.push_from(&other, 0);
        index.push(7, "王伟", "马邑村", "神头镇");
        assert!(matches!(index.secretaries, Ids::List(_)));
        let ids: Vec<Option<u32>> = (0..7).map(|at| index.secretary(at)).collect();
        assert_eq!(
            ids,
            [Some(1), Some(2), Some(3), Some(4), Some(90), Some(7), None]
        );
        assert_eq!(search(&index, "ln"), [90]);
        assert_eq!(search(&index, "王伟"), [7]);
        assert_eq!(search(&index, "zs"), [1]);
    }

    #[test]
    fn initials_full_pinyin_and_chinese_find_the_secretary() {
        let i = index();
        assert_eq!(search(&i, "zs")[0], 1);
        assert_eq!(search(&i, "ouyang"), vec![2]);
        assert_eq!(search(&i, "OYNN"), vec![2]);
        assert_eq!(search(&i, "张三"), vec![1]);
        assert_eq!(search(&i, "马邑"), vec![1]);
        assert_eq!(search(&i, "买买提"), vec![3]);
        assert_eq!(search(&i, "shentou"), vec![1, 4]);
        assert!(search(&i, "").is_empty());
        assert!(search(&i, "xyzq").is_empty());
        // A match never runs from one text into the next (name into village).
        assert!(search(&i, "sanma").is_empty());
        assert!(search(&i, "三马").is_empty());
        assert_eq!(i.texts(0), Some(["张三", "马邑村", "神头镇"]));
    }

    #[test]
    fn a_surname_is_read_as_a_surname() {
        let i = SearchIndex::from_iter([
            (1, "曾小红", "东村", "神头镇"),
            (2, "单田芳", "西村", "神头镇"),
            (3, "翟志刚", "南村", "神头镇"),
            (4, "仇虎", "北村", "神头镇"),
        ]);
        assert_eq!(search(&i, "zxh"), vec![1]);
        assert_eq!(search(&i, "zeng"), vec![1]);
        assert_eq!(search(&i, "stf"), vec![2]);
        assert_eq!(search(&i, "zhai"), vec![3]);
        assert_eq!(search(&i, "qiuhu"), vec![4]);
        assert_eq!(romanize_name("曾小红").0, "zengxiaohong");
        // A surname read two ways is found by either.
        let i = SearchIndex::from_iter([
            (1, "乐嘉", "东村", "神头镇"),
            (2, "单田芳", "西村", "神头镇"),
        ]);
        assert_eq!(search(&i, "yuejia"), vec![1]);
        assert_eq!(search(&i, "lejia"), vec![1]);
        assert_eq!(search(&i, "dtf"), vec![2]);
    }

    #[test]
    fn a_text_borne_by_many_is_held_once_and_found_for_each() {
        let i = SearchIndex::from_iter([
            (1, "张三", "马邑村", "神头镇"),
            (2, "张三", "小泊村", "神头镇"),
            (3, "李四", "马邑村", "张蔡庄乡"),
            (4, "张三", "马邑村", "张蔡庄乡"),
        ]);
        let held = (i.names.len(), i.villages.len(), i.townships.len());
        assert_eq!(held, (2, 2, 2));
        assert_eq!(i.texts(1), Some(["张三", "小泊村", "神头镇"]));
        assert_eq!(i.texts(2), Some(["李四", "马邑村", "张蔡庄乡"]));
        assert_eq!(search(&i, "张三"), vec![1, 2, 4]);
        assert_eq!(search(&i, "马邑"), vec![1, 3, 4]);
        // By name first, then by township (张蔡庄乡) for 李四.
        assert_eq!(search(&i, "zhang"), vec![1, 2, 4, 3]);
        // 小泊村 begins with x; 张蔡庄乡 holds one (zhangcaizhuangxiang).
        assert_eq!(search(&i, "x"), vec![2, 3, 4]);
        assert_eq!(search(&i, "ls"), vec![3]);
    }

    #[test]
    fn texts_written_alike_share_their_pieces_whoever_comes_first() {
        // İ lower-cases to i and a combining dot: 解İ and 解i̇ are written alike.
        let (capital, small) = ("解\u{130}", "解i\u{307}");
        let long = "张".repeat(2500);
        let people = [
            (1, capital, "东村", "神头镇"),
            (2, small, "东村", "神头镇"),
            (3, long.as_str(), "西村", "神头镇"),
            (4, long.as_str(), "西村", "神头镇"),
            (5, "张三\u{1}", "南村", "神头镇"),
            (6, "张三", "南村", "神头镇"),
        ];
        let forward = SearchIndex::from_iter(people);
        let mut reversed = people;
        reversed.reverse();
        let backward = SearchIndex::from_iter(reversed);
        for i in [&forward, &backward] {
            // One text each: the over-long name (cut) and the one with a control
            // character (taken out) are found again, not held again.
            assert_eq!(i.names.len(), 3);
            assert_eq!(i.name_pinyin(0), i.name_pinyin(1));
        }
        for query in ["xi", "xiei", "jie", "zhang", "zs", "张三"] {
            let mut f = search(&forward, query);
            let mut b = search(&backward, query);
            f.sort_unstable();
            b.sort_unstable();
            assert_eq!(f, b, "{query}");
            let ranks = |i: &SearchIndex| (0..6).map(|at| i.rank(at, query)).collect::<Vec<_>>();
            let mut theirs = ranks(&backward);
            theirs.reverse();
            assert_eq!(ranks(&forward), theirs, "{query}");
        }
    }

    #[test]
    fn capitals_are_found_as_typed_in_either_case() {
        let i = SearchIndex::from_iter([
            (1, "王小", "B区社区", "北城街道"),
            (2, "Anna", "东村", "X镇"),
        ]);
        assert_eq!(search(&i, "B区"), vec![1]);
        assert_eq!(search(&i, "b区"), vec![1]);
        assert_eq!(search(&i, "bqsq"), vec![1]);
        assert_eq!(search(&i, "ANNA"), vec![2]);
        assert_eq!(search(&i, "x镇"), vec![2]);
    }

    #[test]
    fn a_name_match_ranks_before_a_village_match() {
        // "zhang" is 张三's name and 欧阳娜娜's village/township.
        assert_eq!(search(&index(), "zhang"), vec![1, 2]);
    }

    #[test]
    fn a_whole_name_ranks_before_longer_names_it_begins() {
        let i = SearchIndex::from_iter([
            (1, "吴秀亮", "东村", "神头镇"),
            (2, "吴秀兰", "西村", "神头镇"),
            (3, "武秀", "南村", "神头镇"),
            (4, "张三", "武秀村", "神头镇"),
            (5, "李四", "北村", "武秀乡"),
            (6, "赵六", "大武秀村", "神头镇"),
        ]);
        // Within a village's name (6) still before the township's beginning (5).
        assert_eq!(search(&i, "wuxiu"), vec![3, 1, 2, 4, 6, 5]);
        assert_eq!(search(&i, "wx"), vec![3, 1, 2, 4, 6, 5]);
        assert_eq!(search(&i, "武秀"), vec![3, 4, 6, 5]);
        // A single letter is a prefix, never a whole text.
        assert_eq!(search(&i, "w"), vec![1, 2, 3, 4, 6, 5]);
    }

    proptest::proptest! {
        /// The best kept, counted by rank, are the first of all the matches sorted by
        /// rank with ties in the index's order, whatever the ranks and however many
        /// are kept.
        #[test]
        fn the_best_kept_are_the_first_of_all_sorted(
            ranks in proptest::collection::vec(0..MATCH_RANKS, 0..300),
            keep in 0usize..400,
        ) {
            let mut matches = Matches::default();
            for (at, &rank) in ranks.iter().enumerate() {
                matches.push(at as u32 * 3, rank);
            }
            let mut all: Vec<(usize, u32)> =
                ranks.iter().enumerate().map(|(at, &r)| (r, at as u32 * 3)).collect();
            all.sort_by_key(|&(r, _)| r);
            let expected: Vec<u32> = all.into_iter().take(keep).map(|(_, at)| at).collect();
            proptest::prop_assert_eq!(matches.best(keep), expected);
        }
    }

    #[test]
    fn typing_narrows_and_keeps_the_best() {
        let i = index();
        let mut f = Finder::default();
        // 张三 (name), 欧阳娜娜 (village 张家堡村, township 张蔡庄乡), 赵静 (z..).
        let z = f.find(&i, 1, "z", 2);
        assert_eq!(z.total, 3);
        assert_eq!(z.best, vec![1, 4]);
        // The longer query looks only among those three; the answer is as from scratch.
        assert_eq!(f.find(&i, 1, "zh", 10).best, search(&i, "zh"));
        assert_eq!(f.find(&i, 1, "zhang", 10).best, vec![1, 2]);
        // Deleting a key, or a new index, searches afresh.
        assert_eq!(f.find(&i, 1, "zha", 10).best, search(&i, "zha"));
        assert_eq!(f.find(&i, 1, "z", 10).total, 3);
        let fewer = SearchIndex::from_iter([(4, "赵静", "小泊村", "神头镇")]);
        assert_eq!(f.find(&fewer, 2, "zh", 10).best, vec![4]);
        // From Latin letters to characters is not a narrowing.
        assert_eq!(f.find(&i, 2, "z", 10).total, 3);
        assert_eq!(f.find(&i, 2, "z张", 10).total, 0);
        assert_eq!(f.find(&i, 2, "张", 10).best, vec![1, 2]);
    }

    #[test]
    fn many_candidates_shared_by_two_cores_are_all_ranked() {
        let names = ["张三", "赵静", "王五", "欧阳娜娜", "乐嘉", "Anna"];
        // 大张庄村 holds zhang within it: before 张蔡庄乡, which begins with it.
        let villages = ["马邑村", "张家堡村", "小泊村", "大张庄村"];
        let townships = ["神头镇", "张蔡庄乡", "小泊村乡"];
        let n = SHARED_FROM * 2 + 7;
        let people: Vec<(u32, String, &str)> = (0..n)
            .map(|i| {
                // A thousand names, each borne by about a hundred; some bare (a whole
                // match ranks before the longer names it begins).
                let name = match i % 7 {
                    0 => names[i % names.len()].to_string(),
                    _ => format!("{}{}", names[i % names.len()], i % 1000),
                };
                (i as u32 + 1, name, villages[i % villages.len()])
            })
            .collect();
        let index: SearchIndex = people
            .iter()
            .map(|(id, name, village)| {
                let township = townships[*id as usize % townships.len()];
                (*id, name.as_str(), *village, township)
            })
            .collect();
        for query in [
            "z", "zh", "zhang", "张", "7", "yue", "lejia", "an", "乐", "a", "ma", "zhangsan",
            "张三", "anna",
        ] {
            // Ranked one by one, in index order, ties kept in it.
            let mut one_by_one: Vec<(usize, u32)> = (0..index.len())
                .filter_map(|at| Some((index.rank(at, query)?, index.secretary(at)?)))
                .collect();
            one_by_one.sort_by_key(|&(rank, _)| rank);
            let expected: Vec<u32> = one_by_one.into_iter().map(|(_, id)| id).collect();
            if ["z", "zh", "zhang", "张", "a"].contains(&query) {
                assert!(expected.len() > SHARED_FROM, "{query}");
            }
            assert_eq!(search(&index, query), expected, "{query}");
            // Narrowed from its first letter: among fewer candidates (`lejia` among
            // the l's), each text is read as someone bearing it comes up.
            let mut f = Finder::default();
            f.find(
                &index,
                1,
                &query[..query.chars().next().unwrap().len_utf8()],
                1,
            );
            assert_eq!(
                f.find(&index, 1, query, usize::MAX).best,
                expected,
                "{query}"
            );
        }
    }

    #[test]
    fn a_township_is_held_once_for_its_people_and_found_for_each() {
        let mut i = index();
        // 神头镇 is held once for 张三 and 赵静, though 欧阳娜娜's township lies between.
        assert_eq!(i.townships.len(), 3);
        i.push(5, "李四", "东村", "神头镇");
        i.push(6, "王五", "西村", "神头镇");
        assert_eq!(i.townships.len(), 3, "none more for two more of it");
        assert_eq!(i.texts(5), Some(["王五", "西村", "神头镇"]));
        assert_eq!(search(&i, "shentou"), vec![1, 4, 5, 6]);
        assert_eq!(search(&i, "神头"), vec![1, 4, 5, 6]);
        // A name match still ranks first, a township match last.
        assert_eq!(search(&i, "zhang"), vec![1, 2]);
        // Copied person by person into another index: the same texts and answers.
        let mut copy = SearchIndex::new();
        for at in [0, 3, 4, 5, 1] {
            copy.push_from(&i, at);
        }
        assert_eq!(copy.townships.len(), 2);
        let copied: Vec<_> = (0..copy.len()).map(|at| copy.texts(at)).collect();
        let want: Vec<_> = [0, 3, 4, 5, 1].iter().map(|&at| i.texts(at)).collect();
        assert_eq!(copied, want);
        for query in ["stz", "shentou", "神头", "z", "zhang", "ls", "张"] {
            let mut theirs = search(&i, query);
            theirs.retain(|id| *id != 3);
            assert_eq!(search(&copy, query), theirs, "{query}");
        }
    }

    #[test]
    fn erasing_goes_back_to_the_steps_typed() {
        let i = index();
        let mut f = Finder::default();
        for query in ["z", "zh", "zha", "zhang"] {
            assert_eq!(f.find(&i, 1, query, 10).best, search(&i, query));
        }
        // Back to a step kept, asking for fewer: as from scratch, not the step's answer.
        let z = f.find(&i, 1, "z", 2);
        assert_eq!((z.best, z.total), (vec![1, 4], 3));
        assert_eq!(f.find(&i, 1, "z", 10).best, search(&i, "z"));
        // Erased letters are gone: a different letter after them searches among "z".
        assert_eq!(f.find(&i, 1, "zs", 10).best, search(&i, "zs"));
        assert_eq!(f.find(&i, 1, "zh", 10).best, search(&i, "zh"));
        // The same query in a new index is searched there.
        let fewer = SearchIndex::from_iter([(4, "赵静", "小泊村", "神头镇")]);
        assert_eq!(f.find(&fewer, 2, "z", 10).best, vec![4]);
    }
}
