//! Search by name, village, township, full pinyin or initials (`zs` finds 张三,
//! `ouyang` finds 欧阳娜娜), incremental: the index is built once.

use pinyin::ToPinyin;

/// One searchable secretary, packed for a province's half a million: every text of
/// the secretary in one buffer (one allocation, read in one pass), pieces separated by
/// a control character no query holds, so that no match runs from one piece into the
/// next.
#[derive(Clone, Debug)]
pub struct Searchable {
    pub secretary: u32,
    /// Name, village, township as written; then, lower-case ASCII, their full pinyin,
    /// their initials, and the name's other reading (full, initials) when its surname
    /// reads two ways (乐 le/yue), else two empty pieces.
    buf: Box<str>,
    /// Where each of the 11 pieces ends in `buf` (each is followed by the separator).
    ends: [u16; PIECES],
    /// For a single typed letter, the first key of every search (it matches half the
    /// district): which letters each field's pinyin holds, and the letters the name
    /// (both readings), the village and the township start with.
    letters: [u32; 3],
    firsts: [u8; 4],
}

const PIECES: usize = 11;
const SEPARATOR: char = '\u{1}';
/// The first piece of the ASCII part (full pinyin of the name).
const ASCII_FROM: usize = 3;

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

impl Searchable {
    pub fn new(secretary: u32, name: &str, village: &str, township: &str) -> Searchable {
        let common = romanize(name);
        let surname = romanize_name(name);
        // The name's other reading, when its surname reads two ways; else nothing.
        let other = if surname == common {
            Default::default()
        } else {
            common
        };
        let roman = [surname, romanize(village), romanize(township)];
        let pieces: [&str; PIECES] = [
            name,
            village,
            township,
            &roman[0].0,
            &roman[1].0,
            &roman[2].0,
            &roman[0].1,
            &roman[1].1,
            &roman[2].1,
            &other.0,
            &other.1,
        ];
        let mut buf = String::new();
        let mut ends = [0u16; PIECES];
        for (k, piece) in pieces.iter().enumerate() {
            // A piece never holds the separator; a name long enough to overflow the
            // offsets is cut (a real name, village or township is far shorter).
            buf.extend(piece.chars().filter(|c| *c != SEPARATOR).take(2000));
            ends[k] = u16::try_from(buf.len()).unwrap_or(u16::MAX);
            buf.push(SEPARATOR);
        }
        if buf.len() > usize::from(u16::MAX) {
            return Searchable::new(
                secretary,
                &truncated(name),
                &truncated(village),
                &truncated(township),
            );
        }
        let mut found = Searchable {
            secretary,
            buf: buf.into_boxed_str(),
            ends,
            letters: [0; 3],
            firsts: [0; 4],
        };
        let mut letters = [0u32; 3];
        for k in ASCII_FROM..PIECES {
            for b in found.piece(k).bytes().filter(u8::is_ascii_lowercase) {
                letters[field_of(k)] |= 1 << (b - b'a');
            }
        }
        found.letters = letters;
        let first = |k: usize| found.piece(k).bytes().next().unwrap_or(0);
        found.firsts = [first(6), first(10), first(7), first(8)];
        found
    }

    /// The rank of a single lower-case letter, from the letters alone.
    fn rank_letter(&self, c: u8) -> Option<usize> {
        let bit = 1u32 << (c - b'a');
        if self.firsts[0] == c || self.firsts[1] == c {
            Some(0)
        } else if self.letters[0] & bit != 0 {
            Some(1)
        } else if self.firsts[2] == c {
            Some(2)
        } else if self.letters[1] & bit != 0 {
            Some(3)
        } else if self.firsts[3] == c {
            Some(4)
        } else if self.letters[2] & bit != 0 {
            Some(5)
        } else {
            None
        }
    }

    fn piece(&self, k: usize) -> &str {
        &self.buf[self.start(k)..usize::from(self.ends[k])]
    }

    /// Name, village and township, as written.
    pub fn texts(&self) -> [&str; 3] {
        [self.piece(0), self.piece(1), self.piece(2)]
    }

    /// Does the query match, and how well (lower is better: name before village before
    /// township, a prefix before a substring)?
    pub fn rank(&self, query: &str) -> Option<usize> {
        let q = normalise(query);
        if q.is_empty() {
            return None;
        }
        self.rank_normalised(&Query::new(&q))
    }

    /// `rank` of a query already normalised (and not empty): one pass over the texts
    /// the query can match (the ASCII part for Latin letters, the Chinese part else);
    /// each match counts for the field of the piece it lies in, as a prefix or not.
    fn rank_normalised(&self, q: &Query<'_>) -> Option<usize> {
        match q.letter {
            Some(c) => self.rank_letter(c),
            None => self.rank_scan(q),
        }
    }

    /// `rank_normalised` by reading the texts.
    fn rank_scan(&self, q: &Query<'_>) -> Option<usize> {
        let (first, from, to) = if q.ascii {
            (ASCII_FROM, self.start(ASCII_FROM), self.buf.len())
        } else {
            (0, 0, usize::from(self.ends[ASCII_FROM - 1]))
        };
        let region = &self.buf.as_bytes()[from..to];
        let mut best: Option<usize> = None;
        let mut k = first;
        for found in q.finder.find_iter(region) {
            let at = from + found;
            // Matches come in order; none crosses a separator.
            while k + 1 < PIECES && usize::from(self.ends[k]) < at {
                k += 1;
            }
            let field = field_of(k);
            let rank = field * 2 + usize::from(at != self.start(k));
            best = Some(best.map_or(rank, |b| b.min(rank)));
            if rank == 0 {
                break;
            }
        }
        best
    }

    /// Where piece `k` starts in `buf`.
    fn start(&self, k: usize) -> usize {
        if k == 0 {
            0
        } else {
            usize::from(self.ends[k - 1]) + SEPARATOR.len_utf8()
        }
    }
}

/// Which field (name, village, township) piece `k` belongs to.
fn field_of(k: usize) -> usize {
    match k {
        0..=2 => k,
        3..=5 => k - 3,
        6..=8 => k - 6,
        _ => 0,
    }
}

/// A text cut to a length the offsets can hold.
fn truncated(text: &str) -> String {
    text.chars().take(200).collect()
}

/// A normalised query with its searcher, built once per key.
struct Query<'a> {
    ascii: bool,
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
/// the longer query contains the shorter one.
#[derive(Debug, Default)]
pub struct Finder {
    /// The last query, normalised.
    query: String,
    /// Positions in the index of every match of `query`, in index order.
    pool: Vec<usize>,
    /// The index's version the pool was found in.
    generation: u64,
}

impl Finder {
    /// The best `keep` matches of `query` in `index`, best first (ties keep the index
    /// order). `generation` names the index's version: a new one searches afresh.
    pub fn find(
        &mut self,
        index: &[Searchable],
        generation: u64,
        query: &str,
        keep: usize,
    ) -> Found {
        let q = normalise(query);
        if q.is_empty() {
            *self = Finder::default();
            return Found::default();
        }
        let narrow = generation == self.generation
            && !self.query.is_empty()
            && q.starts_with(&self.query)
            && q.is_ascii() == self.query.is_ascii();
        let query = Query::new(&q);
        let rank = |i: usize| {
            index
                .get(i)
                .and_then(|s| s.rank_normalised(&query))
                .map(|r| (r, i))
        };
        let mut hits: Vec<(usize, usize)> = if narrow {
            self.pool.iter().filter_map(|&i| rank(i)).collect()
        } else {
            (0..index.len()).filter_map(rank).collect()
        };
        self.pool = hits.iter().map(|&(_, i)| i).collect();
        self.query = q;
        self.generation = generation;
        let total = hits.len();
        if keep == 0 {
            hits.clear();
        } else if hits.len() > keep {
            hits.select_nth_unstable(keep - 1);
            hits.truncate(keep);
        }
        hits.sort_unstable();
        Found {
            best: hits
                .into_iter()
                .filter_map(|(_, i)| index.get(i).map(|s| s.secretary))
                .collect(),
            total,
        }
    }
}

/// Every match of `query` in `index`, best first (ties keep the index order).
pub fn search(index: &[Searchable], query: &str) -> Vec<u32> {
    Finder::default().find(index, 0, query, usize::MAX).best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Vec<Searchable> {
        vec![
            Searchable::new(1, "张三", "马邑村", "神头镇"),
            Searchable::new(2, "欧阳娜娜", "张家堡村", "张蔡庄乡"),
            Searchable::new(3, "阿依古丽·买买提", "鄯阳社区", "北城街道"),
            Searchable::new(4, "赵静", "小泊村", "神头镇"),
        ]
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
        assert_eq!(i[0].texts(), ["张三", "马邑村", "神头镇"]);
    }

    #[test]
    fn a_surname_is_read_as_a_surname() {
        let i = vec![
            Searchable::new(1, "曾小红", "东村", "神头镇"),
            Searchable::new(2, "单田芳", "西村", "神头镇"),
            Searchable::new(3, "翟志刚", "南村", "神头镇"),
            Searchable::new(4, "仇虎", "北村", "神头镇"),
        ];
        assert_eq!(search(&i, "zxh"), vec![1]);
        assert_eq!(search(&i, "zeng"), vec![1]);
        assert_eq!(search(&i, "stf"), vec![2]);
        assert_eq!(search(&i, "zhai"), vec![3]);
        assert_eq!(search(&i, "qiuhu"), vec![4]);
        assert_eq!(romanize_name("曾小红").0, "zengxiaohong");
        // A surname read two ways is found by either.
        let i = vec![
            Searchable::new(1, "乐嘉", "东村", "神头镇"),
            Searchable::new(2, "单田芳", "西村", "神头镇"),
        ];
        assert_eq!(search(&i, "yuejia"), vec![1]);
        assert_eq!(search(&i, "lejia"), vec![1]);
        assert_eq!(search(&i, "dtf"), vec![2]);
    }

    #[test]
    fn a_single_letter_ranks_as_reading_the_texts_would() {
        let mut i = index();
        i.push(Searchable::new(5, "乐嘉", "曾家庄村", "单家集乡"));
        i.push(Searchable::new(6, "Anna", "x3村", "z"));
        for entry in &i {
            for c in b'a'..=b'z' {
                let text = (c as char).to_string();
                let scanned = entry.rank_scan(&Query {
                    letter: None,
                    ..Query::new(&text)
                });
                assert_eq!(entry.rank_letter(c), scanned, "{:?} {text}", entry.texts());
            }
        }
    }

    #[test]
    fn a_name_match_ranks_before_a_village_match() {
        // "zhang" is 张三's name and 欧阳娜娜's village/township.
        assert_eq!(search(&index(), "zhang"), vec![1, 2]);
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
        let fewer = vec![Searchable::new(4, "赵静", "小泊村", "神头镇")];
        assert_eq!(f.find(&fewer, 2, "zh", 10).best, vec![4]);
        // From Latin letters to characters is not a narrowing.
        assert_eq!(f.find(&i, 2, "z", 10).total, 3);
        assert_eq!(f.find(&i, 2, "z张", 10).total, 0);
        assert_eq!(f.find(&i, 2, "张", 10).best, vec![1, 2]);
    }
}
