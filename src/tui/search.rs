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

    /// Does the query match, and how well (lower is better: name before village before
    /// township, a prefix before a substring)?
    pub fn rank(&self, query: &str) -> Option<usize> {
        let q: String = query
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        if q.is_empty() {
            return None;
        }
        let ascii = q.is_ascii();
        (0..3)
            .filter_map(|i| {
                let score = |hay: &str| {
                    if hay.starts_with(&q) {
                        Some(0)
                    } else if hay.contains(&q) {
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

/// Matches of `query` in `index`, best first (ties keep the index order).
pub fn search(index: &[Searchable], query: &str) -> Vec<u32> {
    let mut hits: Vec<(usize, usize, u32)> = index
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.rank(query).map(|r| (r, i, s.secretary)))
        .collect();
    hits.sort();
    hits.into_iter().map(|(_, _, id)| id).collect()
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
}
