//! Search by name, village, township, full pinyin or initials (`zs` finds 张三,
//! `ouyang` finds 欧阳娜娜), incremental: the index is built once.

use pinyin::ToPinyin;

/// One searchable secretary.
#[derive(Clone, Debug)]
pub struct Searchable {
    pub secretary: u32,
    /// A name's other reading, when its surname reads two ways (乐 le/yue): full, initials.
    other: Option<(String, String)>,
    /// Name, village, township as written.
    text: [String; 3],
    /// Their full pinyin and initials, lower-case ASCII.
    full: [String; 3],
    initials: [String; 3],
}

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
        let texts = [name, village, township];
        let common = romanize(name);
        let surname = romanize_name(name);
        let other = (surname != common).then_some(common);
        let roman = [surname, romanize(village), romanize(township)];
        Searchable {
            secretary,
            other,
            text: texts.map(str::to_string),
            full: roman.clone().map(|(f, _)| f),
            initials: roman.map(|(_, i)| i),
        }
    }

    /// Name, village and township, as written.
    pub fn texts(&self) -> [&str; 3] {
        [&self.text[0], &self.text[1], &self.text[2]]
    }

    /// Does the query match, and how well (lower is better: name before village before
    /// township, a prefix before a substring)?
    pub fn rank(&self, query: &str) -> Option<usize> {
        let q = normalise(query);
        if q.is_empty() {
            return None;
        }
        self.rank_normalised(&q)
    }

    /// `rank` of a query already normalised (and not empty).
    fn rank_normalised(&self, q: &str) -> Option<usize> {
        let ascii = q.is_ascii();
        (0..3)
            .filter_map(|i| {
                let score = |hay: &str| {
                    if hay.starts_with(q) {
                        Some(0)
                    } else if hay.contains(q) {
                        Some(1)
                    } else {
                        None
                    }
                };
                let best = if ascii {
                    let other = self.other.as_ref().filter(|_| i == 0);
                    [
                        score(&self.initials[i]),
                        score(&self.full[i]),
                        other.and_then(|(f, _)| score(f)),
                        other.and_then(|(_, n)| score(n)),
                    ]
                    .into_iter()
                    .flatten()
                    .min()
                } else {
                    score(&self.text[i])
                };
                best.map(|b| i * 2 + b)
            })
            .min()
    }
}

/// The query as it is matched: without spaces, lower-case.
fn normalise(query: &str) -> String {
    query
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// How many matches the search box keeps, best first.
pub const KEPT: usize = 200;

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
        let rank = |i: usize| {
            index
                .get(i)
                .and_then(|s| s.rank_normalised(&q))
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
