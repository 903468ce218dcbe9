//! The one place where stored data meets the scoring rules: a year of the district,
//! rated, in the official order. Reports and screens read it; none scores on its own.

use std::collections::HashMap;

use crate::domain::Assessment;
use crate::scoring::{Candidate, Rating, Scheme, rate_year};
pub mod workflow;

use crate::domain::{AuditEntry, District, Role, Scope, Stage, YearRecord};
use crate::store::{Store, StoreError};

/// Who is acting, and with which role (§7). Roles are checked here, in the service
/// layer, whatever screen or command asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

impl Actor {
    /// The actor for a Unix user. A database without users (made before roles, or a
    /// laptop's own) lets its owner do everything; otherwise unknown users are refused.
    pub fn resolve(store: &Store, name: &str) -> Result<Actor, ServiceError> {
        let users = store.users()?;
        if users.is_empty() {
            return Ok(Actor {
                name: name.to_string(),
                role: Role::District,
            });
        }
        users
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(n, role)| Actor { name: n, role })
            .ok_or_else(|| ServiceError::UnknownUser(name.to_string()))
    }

    pub fn is_district(&self) -> bool {
        self.role == Role::District
    }

    /// May this actor change the records of a township? (Not: is the year open.)
    pub fn may_change(&self, township: u32, district: &District) -> Result<(), String> {
        match self.role {
            Role::District => Ok(()),
            Role::Township(t) if t == township => Ok(()),
            Role::Township(_) => {
                let name = district.township(township).map_or("", |t| t.name.as_str());
                Err(format!(
                    "用户 {} 只能修改本乡镇的记录,不能修改{name}的记录",
                    self.name
                ))
            }
            Role::Viewer => Err(format!("用户 {} 只有查看权限", self.name)),
        }
    }

    /// May this actor see a township's records?
    pub fn may_see(&self, township: u32) -> bool {
        !matches!(self.role, Role::Township(t) if t != township)
    }

    /// May this actor read an audit entry? One about a township (or a secretary of it)
    /// follows [`Actor::may_see`]. One about no township (users, the roster, an entry
    /// written without a scope) is shown to a township clerk only when it is their own:
    /// it may tell of any township.
    pub fn may_see_entry(&self, entry: &AuditEntry, district: &District) -> bool {
        let township = entry.township(district);
        match (township, self.role) {
            (Some(t), _) => self.may_see(t),
            (None, Role::Township(_)) => entry.user == self.name,
            (None, _) => true,
        }
    }

    /// Change a township's assessments in a year: the role allows it and the year is open.
    pub fn may_edit(
        &self,
        township: u32,
        district: &District,
        record: Option<&YearRecord>,
        year: i16,
    ) -> Result<(), String> {
        self.may_change(township, district)?;
        let name = district.township(township).map_or("", |t| t.name.as_str());
        match record.map_or(Stage::Entering, |r| r.stage(township)) {
            Stage::Approved => Err(format!(
                "{name} {year} 年度已审定,已锁定;只有区委组织部可以重新打开"
            )),
            // Once submitted, the township's results are the district's to change.
            stage @ (Stage::Submitted | Stage::Publicity) if !self.is_district() => Err(format!(
                "{name} {year} 年度已{},乡镇不能再修改;如需修改,请区委组织部重新打开",
                if stage == Stage::Submitted {
                    "提交"
                } else {
                    "进入公示"
                }
            )),
            _ => Ok(()),
        }
    }
}

/// Save one secretary's assessment of a year, as typed on a screen. The role and the
/// year's stage are checked inside the write, against the stored record, and so is the
/// version: if the stored assessment is no longer the `before` the screen showed,
/// somebody else saved meanwhile and nothing is written (never silently overwritten).
#[allow(clippy::too_many_arguments)]
pub fn save_assessment(
    store: &Store,
    actor: &Actor,
    book: &YearBook,
    secretary: u32,
    before: Option<&Assessment>,
    after: &Assessment,
    what: &str,
    change: (&str, &str),
) -> Result<(), String> {
    let year = book.year;
    let failed = |e: StoreError| format!("保存失败:{e}");
    let township = book.township_of(secretary).ok_or("没有选定书记")?;
    let mut w = store.write(&actor.name).map_err(failed)?;
    let record = w.year(year).map_err(failed)?;
    actor.may_edit(township, &book.district, record.as_ref(), year)?;
    if w.assessment(year, secretary).map_err(failed)?.as_ref() != before {
        return Err("这份考核表刚被其他用户修改,已重新读取;请核对后再输入".to_string());
    }
    if record.is_none() {
        w.put_year(year, &book.record).map_err(failed)?;
    }
    w.put_assessment(year, secretary, after).map_err(failed)?;
    let scope = Scope {
        year: Some(year),
        township: Some(township),
        secretary: Some(secretary),
    };
    w.audit_in(scope, what, change.0, change.1)
        .map_err(failed)?;
    w.commit().map_err(failed)
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("用户 {0} 没有使用 xingji 的权限;请区管理员运行 xingji user add {0}")]
    UnknownUser(String),
    #[error("{0} 年度还没有考核数据")]
    NoYear(i16),
    #[error("{year} 年度的考核方案有误:{message}")]
    BadScheme { year: i16, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One secretary's line of a year: the assessment and its rating.
#[derive(Clone, Debug)]
pub struct Entry {
    pub secretary: u32,
    pub assessment: Assessment,
    pub rating: Rating,
}

/// A rated year of the district.
#[derive(Clone, Debug)]
pub struct YearBook {
    pub year: i16,
    pub record: YearRecord,
    pub scheme: Scheme,
    pub district: District,
    /// In the official order: townships, villages, secretaries as the roster first listed them.
    pub entries: Vec<Entry>,
    /// The previous year's ratings by secretary (for star change and 建议调整).
    pub previous: HashMap<u32, Rating>,
    /// Position of each secretary's entry in `entries`.
    index: HashMap<u32, usize>,
}

impl YearBook {
    pub fn load(store: &Store, year: i16) -> Result<YearBook, ServiceError> {
        let record = store.year(year)?.ok_or(ServiceError::NoYear(year))?;
        let district = store.district()?;
        let previous = match store.year(year - 1)? {
            Some(prev) => {
                let scheme = parse_scheme(year - 1, &prev.scheme)?;
                let list = ordered(&district, store.assessments(year - 1)?);
                rate(&scheme, year - 1, &district, &list, &HashMap::new())
                    .into_iter()
                    .map(|r| (r.secretary, r))
                    .collect()
            }
            None => HashMap::new(),
        };
        let scheme = parse_scheme(year, &record.scheme)?;
        let list = ordered(&district, store.assessments(year)?);
        let ratings = rate(&scheme, year, &district, &list, &previous);
        let entries = list
            .into_iter()
            .zip(ratings)
            .map(|((secretary, assessment), rating)| Entry {
                secretary,
                assessment,
                rating,
            })
            .collect();
        let mut book = YearBook {
            year,
            record,
            scheme,
            district,
            entries,
            previous,
            index: HashMap::new(),
        };
        book.reindex();
        Ok(book)
    }

    /// The year's book, or an empty one (with the district's current scheme, not yet
    /// stored) when the year has no data yet: the first saved field stores it.
    pub fn load_or_new(store: &Store, year: i16) -> Result<YearBook, ServiceError> {
        match YearBook::load(store, year) {
            Err(ServiceError::NoYear(_)) => {
                let record = YearRecord::new(store.scheme_text()?);
                let scheme = parse_scheme(year, &record.scheme)?;
                let mut book = YearBook {
                    year,
                    record,
                    scheme,
                    district: store.district()?,
                    entries: Vec::new(),
                    previous: HashMap::new(),
                    index: HashMap::new(),
                };
                if let Ok(previous) = YearBook::load(store, year - 1) {
                    book.previous = previous
                        .entries
                        .into_iter()
                        .map(|e| (e.secretary, e.rating))
                        .collect();
                }
                Ok(book)
            }
            other => other,
        }
    }

    /// The secretaries of the year: assessed in it, or in post now and by its end; in
    /// the official order.
    pub fn people(&self) -> Vec<u32> {
        let d = &self.district;
        let Ok(year_end) = jiff::civil::Date::new(self.year, 12, 31) else {
            return Vec::new();
        };
        let mut ids: Vec<u32> = d
            .secretaries
            .iter()
            .filter(|(id, s)| {
                self.entry(*id).is_some()
                    || (s.took_office <= year_end
                        && s.left_office.is_none_or(|left| left > year_end))
            })
            .map(|(id, _)| *id)
            .collect();
        let key = order_key(d);
        ids.sort_by_key(|id| key(*id));
        ids
    }

    pub fn township_of(&self, secretary: u32) -> Option<u32> {
        self.district.place(secretary).map(|(_, v)| v.township)
    }

    pub fn name_of(&self, secretary: u32) -> String {
        self.district
            .secretary(secretary)
            .map_or_else(String::new, |s| s.name.clone())
    }

    pub fn entry(&self, secretary: u32) -> Option<&Entry> {
        self.index.get(&secretary).map(|&i| &self.entries[i])
    }

    fn reindex(&mut self) {
        self.index = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.secretary, i))
            .collect();
    }

    /// The book as `actor` may see it: a township clerk sees only their own township.
    /// (Ratings stay those of the whole district: quotas are district-wide.)
    pub fn visible_to(mut self, actor: &Actor) -> YearBook {
        if let Role::Township(t) = actor.role {
            let district = &self.district;
            self.entries.retain(|e| {
                district
                    .place(e.secretary)
                    .is_some_and(|(_, v)| v.township == t)
            });
            self.reindex();
        }
        self
    }

    /// N: rated secretaries (eligible, complete).
    pub fn rated_count(&self) -> usize {
        self.entries.iter().filter(|e| e.rating.rated()).count()
    }

    /// 共评定N名,产生5星级党组织书记a名、4星级党组织书记b名,3星及以下党组织书记c名
    pub fn summary(&self) -> String {
        summary_of(&self.entries)
    }

    /// Re-rate after one assessment changed (quotas depend on everyone).
    pub fn replace(&mut self, secretary: u32, assessment: Assessment) {
        match self.index.get(&secretary) {
            Some(&i) => self.entries[i].assessment = assessment,
            None => {
                // Rated just below with everyone else.
                let rating = Rating::unrated(secretary);
                self.entries.push(Entry {
                    secretary,
                    assessment,
                    rating,
                });
                let key = order_key(&self.district);
                self.entries.sort_by_key(|e| key(e.secretary));
                drop(key);
                self.reindex();
            }
        }
        self.rerate();
    }

    fn rerate(&mut self) {
        let list: Vec<(u32, Assessment)> = self
            .entries
            .iter()
            .map(|e| (e.secretary, e.assessment.clone()))
            .collect();
        let ratings = rate(
            &self.scheme,
            self.year,
            &self.district,
            &list,
            &self.previous,
        );
        for (e, r) in self.entries.iter_mut().zip(ratings) {
            e.rating = r;
        }
    }
}

/// 共评定N名,产生5星级党组织书记a名、4星级党组织书记b名,3星及以下党组织书记c名
pub fn summary_of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> String {
    let rated: Vec<&Entry> = entries.into_iter().filter(|e| e.rating.rated()).collect();

    let at = |s: u8| rated.iter().filter(|e| e.rating.stars == Some(s)).count();
    let (five, four) = (at(5), at(4));
    format!(
        "共评定{}名,产生5星级党组织书记{}名、4星级党组织书记{}名,3星及以下党组织书记{}名",
        rated.len(),
        five,
        four,
        rated.len() - five - four
    )
}

fn parse_scheme(year: i16, text: &str) -> Result<Scheme, ServiceError> {
    Scheme::parse(text).map_err(|e| ServiceError::BadScheme {
        year,
        message: e.to_string(),
    })
}

/// Sort key of the official order: (township, village, secretary) ids, which the
/// roster import assigns in the order it first lists them.
fn order_key(district: &District) -> impl Fn(u32) -> (u32, u32, u32) + '_ {
    let villages: HashMap<u32, u32> = district
        .villages
        .iter()
        .map(|(id, v)| (*id, v.township))
        .collect();
    let of: HashMap<u32, u32> = district
        .secretaries
        .iter()
        .map(|(id, s)| (*id, s.village))
        .collect();
    move |secretary| {
        let village = of.get(&secretary).copied().unwrap_or(u32::MAX);
        let township = villages.get(&village).copied().unwrap_or(u32::MAX);
        (township, village, secretary)
    }
}

fn ordered(district: &District, mut list: Vec<(u32, Assessment)>) -> Vec<(u32, Assessment)> {
    let key = order_key(district);
    list.sort_by_key(|(id, _)| key(*id));
    list
}

fn rate(
    scheme: &Scheme,
    year: i16,
    district: &District,
    list: &[(u32, Assessment)],
    previous: &HashMap<u32, Rating>,
) -> Vec<Rating> {
    let took: HashMap<u32, jiff::civil::Date> = district
        .secretaries
        .iter()
        .map(|(id, s)| (*id, s.took_office))
        .collect();
    let candidates: Vec<Candidate> = list
        .iter()
        .map(|(id, a)| Candidate {
            secretary: *id,
            // Every assessment names a stored secretary; a missing one is never eligible.
            took_office: took.get(id).copied().unwrap_or(jiff::civil::Date::MAX),
            assessment: a,
        })
        .collect();
    rate_year(scheme, year, &candidates, previous)
}
