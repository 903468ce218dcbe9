//! Search by name, village, township, full pinyin or initials (`zs` finds 张三,
//! `ouyang` finds 欧阳娜娜), incremental: the index is built once.

use pinyin::ToPinyin;

/// The search index of a year's people, packed for a province's half a million: every
/// text of every person in one buffer, read in one pass as a search goes down the
/// index, and each person's place in it. A township's texts are held once for its
/// people (pushed one after another, as the official order lists them).
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    people: Vec<Person>,
    /// The townships the people belong to.
    townships: Vec<Town>,
    /// Each person's and township's pieces, separated by a control character no query
    /// holds, so that no match runs from one piece into the next.
    text: String,
}

/// One searchable secretary: where their pieces lie in the index's text.
#[derive(Clone, Copy, Debug)]
struct Person {
    secretary: u32,
    /// Where the pieces start in the text.
    at: u32,
    /// The pieces: name and village as written; then, lower-case ASCII, their full
    /// pinyin, their initials, and the name's other reading (full, initials) when its
    /// surname reads two ways (乐 le/yue), else two empty pieces. Where each ends,
    /// from `at` (each is followed by the separator).
    ends: [u16; PIECES],
    /// The person's township in [`SearchIndex::townships`].
    township: u32,
    /// For a single typed letter, the first key of every search (it matches half the
    /// district): which letters each field's pinyin holds, and the letters the name
    /// (both readings), the village and the township start with.
    letters: [u32; 3],
    firsts: [u8; 4],
}

/// One township's pieces: as written, full pinyin, initials.
#[derive(Clone, Copy, Debug)]
struct Town {
    at: u32,
    ends: [u16; TOWN_PIECES],
}

/// A run of pieces in the index's text: where it starts, and where each piece ends.
#[derive(Clone, Copy)]
struct Pieces<'a> {
    buf: &'a str,
    ends: &'a [u16],
}

const PIECES: usize = 8;
const TOWN_PIECES: usize = 3;
const SEPARATOR: char = '\u{1}';
/// The first piece of a person's ASCII part (full pinyin of the name).
const ASCII_FROM: usize = 2;
/// The first piece of a township's ASCII part (its full pinyin).
const TOWN_ASCII_FROM: usize = 1;
/// A township's pieces are its field's, which ranks after name and village.
const TOWN_FIELD: usize = 2;

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
        self.people.is_empty()
    }

    /// The secretary at a position of the index.
    pub fn secretary(&self, at: usize) -> Option<u32> {
        self.people.get(at).map(|p| p.secretary)
    }

    /// Name, village and township as written (lower-cased), of the person at a position.
    pub fn texts(&self, at: usize) -> Option<[&str; 3]> {
        let person = self.people.get(at)?;
        let own = self.pieces(person.at, &person.ends)?;
        let town = self.town(person.township)?;
        Some([own.piece(0), own.piece(1), town.piece(0)])
    }

    /// The full pinyin of the name of the person at a position, the surname read as a
    /// surname ([`romanize_name`]): what the list's pinyin order sorts by.
    pub fn name_pinyin(&self, at: usize) -> Option<&str> {
        let person = self.people.get(at)?;
        Some(self.pieces(person.at, &person.ends)?.piece(ASCII_FROM))
    }

    /// The pieces whose ends are `ends`, from `at` in the text.
    fn pieces<'a>(&'a self, at: u32, ends: &'a [u16]) -> Option<Pieces<'a>> {
        let at = usize::try_from(at).ok()?;
        let end = at + usize::from(*ends.last()?) + SEPARATOR.len_utf8();
        Some(Pieces {
            buf: self.text.get(at..end)?,
            ends,
        })
    }

    fn town(&self, township: u32) -> Option<Pieces<'_>> {
        let town = self.townships.get(usize::try_from(township).ok()?)?;
        self.pieces(town.at, &town.ends)
    }

    /// Append pieces to the text, each followed by the separator: where each ends from
    /// where they start. None (nothing appended) when they overflow the offsets.
    fn append<const N: usize>(&mut self, pieces: [&str; N]) -> Option<(u32, [u16; N])> {
        let at = self.text.len();
        let start = u32::try_from(at).ok()?;
        let mut ends = [0u16; N];
        for (k, piece) in pieces.iter().enumerate() {
            // A piece never holds the separator; a name long enough to overflow the
            // offsets is cut (a real name, village or township is far shorter).
            self.text
                .extend(piece.chars().filter(|c| *c != SEPARATOR).take(2000));
            ends[k] = u16::try_from(self.text.len() - at).unwrap_or(u16::MAX);
            self.text.push(SEPARATOR);
        }
        if self.text.len() - at > usize::from(u16::MAX) {
            self.text.truncate(at);
            return None;
        }
        Some((start, ends))
    }

    /// The township of the person pushed next: the last one's when it is the same
    /// (people come township by township), else its pieces added. None when the index
    /// can hold no more text (4 GiB).
    fn township_of(&mut self, township: &str) -> Option<u32> {
        let lowered = lower_cased(township);
        if let Some(last) = self.townships.len().checked_sub(1)
            && let Ok(last) = u32::try_from(last)
            && self.town(last).is_some_and(|t| t.piece(0) == lowered)
        {
            return Some(last);
        }
        let roman = romanize(township);
        let (at, ends) = self.append([&*lowered, &roman.0, &roman.1]).or_else(|| {
            let cut = truncated(township);
            let roman = romanize(&cut);
            self.append([&*lower_cased(&cut), &roman.0, &roman.1])
        })?;
        self.add_town(Town { at, ends })
    }

    fn add_town(&mut self, town: Town) -> Option<u32> {
        let id = u32::try_from(self.townships.len()).ok()?;
        self.townships.push(town);
        Some(id)
    }

    /// Add a person at the end, their pinyin worked out. (An index that can hold no
    /// more text, 4 GiB of it, leaves them out.)
    pub fn push(&mut self, secretary: u32, name: &str, village: &str, township: &str) {
        if let Some(township) = self.township_of(township) {
            self.push_in(secretary, name, village, township);
        }
    }

    fn push_in(&mut self, secretary: u32, name: &str, village: &str, township: u32) {
        let common = romanize(name);
        let surname = romanize_name(name);
        // The name's other reading, when its surname reads two ways; else nothing.
        let other = if surname == common {
            Default::default()
        } else {
            common
        };
        let roman = [surname, romanize(village)];
        // As written but lower-cased, as a query is: `b区` finds B区社区.
        let lowered = [name, village].map(lower_cased);
        let pieces: [&str; PIECES] = [
            &lowered[0],
            &lowered[1],
            &roman[0].0,
            &roman[1].0,
            &roman[0].1,
            &roman[1].1,
            &other.0,
            &other.1,
        ];
        let Some((at, ends)) = self.append(pieces) else {
            let cut = [name, village].map(truncated);
            if cut[0] == name && cut[1] == village {
                return;
            }
            return self.push_in(secretary, &cut[0], &cut[1], township);
        };
        let mut person = Person {
            secretary,
            at,
            ends,
            township,
            letters: [0; 3],
            firsts: [0; 4],
        };
        let (Some(own), Some(town)) = (self.pieces(at, &ends), self.town(township)) else {
            return;
        };
        let mut letters = [0u32; 3];
        let mut add = |field: usize, piece: &str| {
            for b in piece.bytes().filter(u8::is_ascii_lowercase) {
                letters[field] |= 1 << (b - b'a');
            }
        };
        for k in ASCII_FROM..PIECES {
            add(field_of(k), own.piece(k));
        }
        for k in TOWN_ASCII_FROM..TOWN_PIECES {
            add(TOWN_FIELD, town.piece(k));
        }
        let first = |piece: &str| piece.bytes().next().unwrap_or(0);
        person.firsts = [
            first(own.piece(4)),
            first(own.piece(7)),
            first(own.piece(5)),
            first(town.piece(2)),
        ];
        person.letters = letters;
        self.people.push(person);
    }

    /// Give back what the buffers took beyond what they hold (once the index is made).
    pub fn shrink_to_fit(&mut self) {
        self.people.shrink_to_fit();
        self.townships.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    /// Add the person at `at` of another index (whose pinyin is worked out already).
    pub fn push_from(&mut self, other: &SearchIndex, at: usize) {
        let (Some(found), Some(town)) = (
            other.people.get(at),
            other.people.get(at).and_then(|p| other.town(p.township)),
        ) else {
            return;
        };
        let Some(own) = other.pieces(found.at, &found.ends) else {
            return;
        };
        let Some(township) = self.township_from(town) else {
            return;
        };
        let Ok(start) = u32::try_from(self.text.len()) else {
            return;
        };
        self.text.push_str(own.buf);
        self.people.push(Person {
            at: start,
            township,
            ..*found
        });
    }

    /// [`SearchIndex::township_of`] for a township whose pieces another index holds.
    fn township_from(&mut self, town: Pieces<'_>) -> Option<u32> {
        if let Some(last) = self.townships.len().checked_sub(1)
            && let Ok(last) = u32::try_from(last)
            && self.town(last).is_some_and(|t| t.buf == town.buf)
        {
            return Some(last);
        }
        let at = u32::try_from(self.text.len()).ok()?;
        self.text.push_str(town.buf);
        let mut ends = [0u16; TOWN_PIECES];
        ends.copy_from_slice(town.ends);
        self.add_town(Town { at, ends })
    }

    /// Does the query match the person at a position, and how well (lower is better:
    /// name before village before township; in each, the whole text (`wuxiu` is 武秀,
    /// before 吴秀兰), then a prefix, then a substring)?
    pub fn rank(&self, at: usize, query: &str) -> Option<usize> {
        let q = normalise(query);
        if q.is_empty() {
            return None;
        }
        self.rank_normalised(at, &Query::new(&q))
    }

    /// The rank of a query already normalised (and not empty): from the letters alone
    /// for a single letter, else by reading the texts.
    fn rank_normalised(&self, at: usize, q: &Query<'_>) -> Option<usize> {
        match q.letter {
            Some(c) => self.people.get(at)?.rank_letter(c),
            None => self.rank_scan(at, q),
        }
    }

    /// The rank from the texts: the person's own (name, village), and only when
    /// neither matches, their township's.
    fn rank_scan(&self, at: usize, q: &Query<'_>) -> Option<usize> {
        let person = self.people.get(at)?;
        let own = self.pieces(person.at, &person.ends)?;
        own.rank(q, ASCII_FROM, field_of).or_else(|| {
            self.town(person.township)?
                .rank(q, TOWN_ASCII_FROM, |_| TOWN_FIELD)
        })
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

impl<'a> Pieces<'a> {
    fn piece(&self, k: usize) -> &'a str {
        &self.buf[self.start(k)..usize::from(self.ends[k])]
    }

    /// Where piece `k` starts.
    fn start(&self, k: usize) -> usize {
        match k.checked_sub(1) {
            Some(before) => usize::from(self.ends[before]) + SEPARATOR.len_utf8(),
            None => 0,
        }
    }

    /// One pass over the pieces the query can match (the ASCII part, from piece
    /// `ascii_from`, for Latin letters; the pieces before it else); each match counts
    /// for the field of the piece it lies in, as a prefix or not.
    fn rank(
        &self,
        q: &Query<'_>,
        ascii_from: usize,
        field: impl Fn(usize) -> usize,
    ) -> Option<usize> {
        let last = self.ends.len() - 1;
        let (first, from, to) = if q.ascii {
            (ascii_from, self.start(ascii_from), self.ends[last])
        } else {
            (0, 0, self.ends[ascii_from - 1])
        };
        let region = self.buf.as_bytes().get(from..usize::from(to))?;
        let mut best: Option<usize> = None;
        let mut k = first;
        for found in q.finder.find_iter(region) {
            let at = from + found;
            // Matches come in order; none crosses a separator.
            while k < last && usize::from(self.ends[k]) < at {
                k += 1;
            }
            let how = if at != self.start(k) {
                SUBSTRING
            } else if q.whole && at + q.len == usize::from(self.ends[k]) {
                WHOLE
            } else {
                PREFIX
            };
            let rank = field(k) * HOWS + how;
            best = Some(best.map_or(rank, |b| b.min(rank)));
            if rank == 0 {
                break;
            }
        }
        best
    }
}

impl Person {
    /// The rank of a single lower-case letter, from the letters alone.
    fn rank_letter(&self, c: u8) -> Option<usize> {
        let bit = 1u32 << (c - b'a');
        let Person {
            letters, firsts, ..
        } = self;
        if firsts[0] == c || firsts[1] == c {
            Some(PREFIX)
        } else if letters[0] & bit != 0 {
            Some(SUBSTRING)
        } else if firsts[2] == c {
            Some(HOWS + PREFIX)
        } else if letters[1] & bit != 0 {
            Some(HOWS + SUBSTRING)
        } else if firsts[3] == c {
            Some(2 * HOWS + PREFIX)
        } else if letters[2] & bit != 0 {
            Some(2 * HOWS + SUBSTRING)
        } else {
            None
        }
    }
}

/// Which field (name, village) a person's piece `k` belongs to.
fn field_of(k: usize) -> usize {
    match k {
        0..=5 => k % 2,
        _ => 0,
    }
}

/// A text lower-cased (copied only when it has capitals).
fn lower_cased(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().any(char::is_uppercase) {
        true => std::borrow::Cow::Owned(text.to_lowercase()),
        false => std::borrow::Cow::Borrowed(text),
    }
}

/// A text cut to a length the offsets can hold.
fn truncated(text: &str) -> String {
    text.chars().take(200).collect()
}

/// How a query matches a piece, best first (a single letter is never a whole text:
/// a one-letter piece is ranked as its prefix, as the letters alone rank it).
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
    /// The query when it is one lower-case letter.
    letter: Option<u8>,
    finder: memchr::memmem::Finder<'a>,
}

impl<'a> Query<'a> {
    fn new(text: &'a str) -> Query<'a> {
        Query {
            letter: match text.as_bytes() {
                [c] if c.is_ascii_lowercase() => Some(*c),
                _ => None,
            },
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
        let rank = |i: u32| index.rank_normalised(i as usize, &query).map(|r| (r, i));
        let everyone: Vec<u32>;
        let candidates = match self.steps.last() {
            Some(last) => &last.pool,
            None => {
                everyone = (0..u32::try_from(index.len()).unwrap_or(u32::MAX)).collect();
                &everyone
            }
        };
        let mut hits = ranked(candidates, &rank);
        let pool = hits.iter().map(|&(_, i)| i).collect();
        let total = hits.len();
        if keep == 0 {
            hits.clear();
        } else if hits.len() > keep {
            // Only the best `keep` are sorted (a single letter matches half a province).
            hits.select_nth_unstable(keep - 1);
            hits.truncate(keep);
        }
        hits.sort_unstable();
        let found = Found {
            best: hits
                .into_iter()
                .filter_map(|(_, i)| index.secretary(i as usize))
                .collect(),
            total,
        };
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

/// The candidates that match, with their rank: on both cores when there are many (the first keys of a search match half a province).
fn ranked<R>(candidates: &[u32], rank: &R) -> Vec<(usize, u32)>
where
    R: Fn(u32) -> Option<(usize, u32)> + Sync,
{
    let rank_all =
        |part: &[u32]| -> Vec<(usize, u32)> { part.iter().filter_map(|&i| rank(i)).collect() };
    if candidates.len() < SHARED_FROM {
        return rank_all(candidates);
    }
    let (first, second) = candidates.split_at(candidates.len() / 2);
    std::thread::scope(|s| {
        let other = std::thread::Builder::new().spawn_scoped(s, || rank_all(second));
        let mut hits = rank_all(first);
        match other {
            Ok(other) => hits.extend(
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            ),
            // Out of threads: the second half here too.
            Err(_) => hits.extend(rank_all(second)),
        }
        hits
    })
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
    fn a_single_letter_ranks_as_reading_the_texts_would() {
        let mut i = index();
        i.push(5, "乐嘉", "曾家庄村", "单家集乡");
        i.push(6, "Anna", "x3村", "z");
        for at in 0..i.len() {
            for c in b'a'..=b'z' {
                let text = (c as char).to_string();
                let scanned = i.rank_scan(
                    at,
                    &Query {
                        letter: None,
                        ..Query::new(&text)
                    },
                );
                let letter = i.people[at].rank_letter(c);
                assert_eq!(letter, scanned, "{:?} {text}", i.texts(at));
            }
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
        ]);
        assert_eq!(search(&i, "wuxiu"), vec![3, 1, 2, 4, 5]);
        assert_eq!(search(&i, "wx"), vec![3, 1, 2, 4, 5]);
        assert_eq!(search(&i, "武秀"), vec![3, 4, 5]);
        // A single letter is a prefix, never a whole text (as the letters rank it).
        assert_eq!(search(&i, "w"), vec![1, 2, 3, 4, 5]);
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
        let names = ["张三", "赵静", "王五", "欧阳娜娜"];
        let villages = ["马邑村", "张家堡村", "小泊村"];
        let n = SHARED_FROM * 2 + 7;
        let people: Vec<(u32, String, &str)> = (0..n)
            .map(|i| {
                let name = format!("{}{i}", names[i % names.len()]);
                (i as u32 + 1, name, villages[i % villages.len()])
            })
            .collect();
        let index: SearchIndex = people
            .iter()
            .map(|(id, name, village)| (*id, name.as_str(), *village, "神头镇"))
            .collect();
        for query in ["z", "zh", "zhang", "张", "7"] {
            // Ranked one by one, in index order, ties kept in it.
            let mut one_by_one: Vec<(usize, u32)> = (0..index.len())
                .filter_map(|at| Some((index.rank(at, query)?, index.secretary(at)?)))
                .collect();
            one_by_one.sort_by_key(|&(rank, _)| rank);
            let expected: Vec<u32> = one_by_one.into_iter().map(|(_, id)| id).collect();
            assert!(expected.len() > SHARED_FROM || query == "7", "{query}");
            assert_eq!(search(&index, query), expected, "{query}");
        }
    }

    #[test]
    fn a_township_is_held_once_for_its_people_and_found_for_each() {
        let mut i = index();
        // 张三 and 赵静 share 神头镇, but 欧阳娜娜's township lies between them.
        assert_eq!(i.townships.len(), 4);
        i.push(5, "李四", "东村", "神头镇");
        i.push(6, "王五", "西村", "神头镇");
        assert_eq!(
            i.townships.len(),
            4,
            "none more for two more of the last one"
        );
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
