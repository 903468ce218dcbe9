//! Search by name, village, township, full pinyin or initials (`zs` finds 张三,
//! `ouyang` finds 欧阳娜娜), incremental: the index is built once.

use pinyin::ToPinyin;

/// One searchable secretary.
#[derive(Clone, Debug)]
pub struct Searchable {
    pub secretary: u32,
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

impl Searchable {
    pub fn new(secretary: u32, name: &str, village: &str, township: &str) -> Searchable {
        let texts = [name, village, township];
        let roman = texts.map(romanize);
        Searchable {
            secretary,
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
                    [score(&self.initials[i]), score(&self.full[i])]
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
    fn a_name_match_ranks_before_a_village_match() {
        // "zhang" is 张三's name and 欧阳娜娜's village/township.
        assert_eq!(search(&index(), "zhang"), vec![1, 2]);
    }
}
