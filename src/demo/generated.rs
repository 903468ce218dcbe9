//! A generated district of any size (`xingji demo --size N`, and the benches): plausible
//! Chinese names (some with a middle dot), 10 to 30 villages a township, two years
//! scored. Deterministic: the same N gives the same district.

use std::fmt::Write as _;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::domain::{Assessment, Ballots, Gender, Grade};
use crate::scoring::Scheme;

/// A small deterministic PRNG (xorshift64*): the same district on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚",
    "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史",
    "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤", "尹", "黎", "易", "常", "武", "乔",
    "贺", "赖", "龚", "文", "欧阳", "司马", "上官", "诸葛",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "兰", "霞", "平", "刚", "桂", "建", "国", "华", "文", "俊", "峰", "红", "玲",
    "鹏", "辉", "斌", "宇", "浩", "凯", "健", "波", "宁", "海", "东", "燕", "萍", "晨", "志", "春",
    "梅", "林", "亮", "成", "飞", "龙", "云", "莉", "欣", "琳", "雪", "慧", "瑞", "佳", "荣", "德",
    "福", "贵", "喜", "胜", "利", "兴", "旺", "生", "发", "富", "庆", "宝", "金", "山", "水", "根",
];

/// Minority names, written with a middle dot.
const DOTTED: &[&str] = &[
    "阿依古丽·买买提",
    "古丽娜尔·吐尔逊",
    "艾力·阿不都",
    "热依拉·托乎提",
    "巴特尔·其木格",
];

const PLACE: &[&str] = &[
    "东", "西", "南", "北", "上", "下", "大", "小", "前", "后", "新", "老", "河", "山", "石", "马",
    "王", "李", "张", "刘", "杨", "黄", "白", "红", "青", "金", "银", "古", "高", "平", "安", "宁",
    "泉", "沟", "坪", "庄", "堡", "湾", "岭", "口", "桥", "井", "峪", "坡", "川", "源", "林", "寨",
    "关", "城", "营", "屯", "店", "集", "铺", "岗", "台", "头", "梁", "滩", "洼", "塘",
];

/// One secretary of the generated roster.
#[derive(Clone, Debug)]
pub struct Person {
    pub township: String,
    pub village: String,
    pub name: String,
    pub gender: Gender,
    pub born: Date,
    pub took_office: Date,
}

/// A township name unique by index: base-|PLACE| digits, 2 or 3 characters.
fn township_name(i: usize, rng: &mut Rng) -> String {
    let k = PLACE.len();
    let mut name = String::new();
    let mut n = i;
    for _ in 0..if i < k * k { 2 } else { 3 } {
        name.push_str(PLACE[n % k]);
        n /= k;
    }
    let suffix = match rng.below(10) {
        0 | 1 => "街道",
        2..=5 => "乡",
        _ => "镇",
    };
    name + suffix
}

fn person_name(rng: &mut Rng) -> String {
    if rng.below(200) == 0 {
        return rng.pick(DOTTED).to_string();
    }
    let mut name = rng.pick(SURNAMES).to_string();
    name.push_str(rng.pick(GIVEN));
    if rng.below(3) != 0 {
        name.push_str(rng.pick(GIVEN));
    }
    name
}

fn date(rng: &mut Rng, from_year: i16, years: usize) -> Date {
    let year = from_year + rng.below(years) as i16;
    Date::new(year, 1 + rng.below(12) as i8, 1 + rng.below(28) as i8)
        .unwrap_or(Date::constant(2000, 1, 1))
}

/// `n` secretaries, one per village, 10–30 villages per township, in roster order.
pub fn roster(n: usize) -> Vec<Person> {
    let mut rng = Rng::new(0x5EED ^ n as u64);
    let mut people = Vec::with_capacity(n);
    let mut t = 0;
    while people.len() < n {
        let township = township_name(t, &mut rng);
        let villages = (10 + rng.below(21)).min(n - people.len());
        let offset = rng.below(PLACE.len());
        for j in 0..villages {
            // Unique within the township: the first character differs (j < |PLACE|).
            let mut village = PLACE[(j + offset) % PLACE.len()].to_string();
            village.push_str(rng.pick(PLACE));
            village.push_str(if rng.below(8) == 0 { "社区" } else { "村" });
            let born = date(&mut rng, 1960, 30);
            let took_office =
                date(&mut rng, 2000, 24).max(born.saturating_add(jiff::Span::new().years(22)));
            people.push(Person {
                township: township.clone(),
                village,
                name: person_name(&mut rng),
                gender: if rng.below(3) == 0 {
                    Gender::Female
                } else {
                    Gender::Male
                },
                born,
                took_office,
            });
        }
        t += 1;
    }
    people
}

/// One generated assessment of a year: every item, a grade and ballots (complete);
/// a few with a bonus or a penalty.
pub fn assessment(scheme: &Scheme, rng: &mut Rng) -> Assessment {
    let mut items = crate::domain::Items::new();
    for item in scheme.items() {
        // Between half and all of the maximum, one decimal place.
        let tenths = (item.max * Decimal::TEN).trunc();
        let tenths = i64::try_from(tenths.mantissa()).unwrap_or(0);
        let value = tenths / 2 + rng.below((tenths / 2 + 1) as usize) as i64;
        items.insert(item.name.clone(), Decimal::new(value, 1));
    }
    let bonus = if rng.below(20) == 0 {
        Decimal::new(1 + rng.below(5) as i64, 0)
    } else {
        Decimal::ZERO
    };
    let penalty = if rng.below(25) == 0 {
        Decimal::new(1 + rng.below(3) as i64, 0)
    } else {
        Decimal::ZERO
    };
    Assessment {
        items,
        grade: Some(Grade::ALL[rng.below(4)]),
        ballots: Ballots {
            satisfied: 10 + rng.below(30) as u32,
            basically: rng.below(20) as u32,
            dissatisfied: rng.below(5) as u32,
            unknown: rng.below(4) as u32,
        },
        bonus,
        bonus_reason: if bonus.is_zero() {
            String::new()
        } else {
            "获评市级先进基层党组织".to_string()
        },
        penalty,
        penalty_reason: if penalty.is_zero() {
            String::new()
        } else {
            "信访问题处置不及时".to_string()
        },
        veto_reason: String::new(),
        notes: String::new(),
    }
}

/// The roster as the CSV file `xingji import roster` reads.
pub fn roster_csv(people: &[Person]) -> String {
    let mut out = String::from("乡镇,村(社区),姓名,性别,出生日期,任职日期\n");
    for p in people {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            p.township,
            p.village,
            p.name,
            p.gender.label(),
            p.born,
            p.took_office
        );
    }
    out
}

/// A year's scores as the CSV file `xingji import scores` reads.
pub fn scores_csv(people: &[Person], seed: u64) -> String {
    let scheme = Scheme::default_scheme();
    let mut rng = Rng::new(seed);
    let mut out = String::from("乡镇,村(社区),姓名");
    for item in scheme.items() {
        out.push(',');
        out.push_str(&item.name);
    }
    out.push_str(",组织评价,满意,基本满意,不满意,不了解,加分,加分事由,减分,减分事由,否决事由\n");
    for p in people {
        let a = assessment(&scheme, &mut rng);
        let _ = write!(out, "{},{},{}", p.township, p.village, p.name);
        for item in scheme.items() {
            let value = a.items.get(&item.name).unwrap_or_default();
            let _ = write!(out, ",{value}");
        }
        let nonzero = |d: Decimal| {
            if d.is_zero() {
                String::new()
            } else {
                d.to_string()
            }
        };
        let _ = writeln!(
            out,
            ",{},{},{},{},{},{},{},{},{},",
            a.grade.map_or("", Grade::label),
            a.ballots.satisfied,
            a.ballots.basically,
            a.ballots.dissatisfied,
            a.ballots.unknown,
            nonzero(a.bonus),
            a.bonus_reason,
            nonzero(a.penalty),
            a.penalty_reason,
        );
    }
    out
}
