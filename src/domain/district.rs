//! The district as the roster built it, and who may do what in it.

use serde::{Deserialize, Serialize};

use std::hash::BuildHasher;

use jiff::civil::Date;

use super::column::{Codes, Dates, Runs};
use super::{Gender, Ids, Secretary, Township, Village, VillageKind};

/// Who may do what (§7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// 区管理员: everything.
    District,
    /// 乡镇录入员: only their own township, only while its year is open.
    Township(u32),
    /// 只读.
    Viewer,
}

/// Everyone of the district, in creation order (the roster's order).
///
/// Villages and secretaries are held in columns, their names once each in one buffer
/// (a province's half a million secretaries bear about half as many names, and their
/// villages a few thousand), the numbers that run as runs and the dates as day numbers
/// ([`Runs`], [`Dates`]): about 11 bytes a secretary and 5 a village, where records
/// side by side took 48 and 32. Look-ups hand out records made from the columns.
#[derive(Clone, Default)]
pub struct District {
    pub townships: Vec<(u32, Township)>,
    villages: Villages,
    secretaries: Secretaries,
    texts: Texts,
}

#[derive(Clone, Debug, Default)]
struct Villages {
    ids: Ids,
    township: Runs,
    name: Vec<u32>,
    kind: Codes,
}

#[derive(Clone, Debug, Default)]
struct Secretaries {
    ids: Ids,
    village: Runs,
    name: Vec<u32>,
    gender: Codes,
    born: Dates,
    took_office: Dates,
    left_office: Dates,
}

fn kind_code(kind: VillageKind) -> u8 {
    match kind {
        VillageKind::Village => 0,
        VillageKind::Community => 1,
    }
}

fn kind_of(code: u8) -> VillageKind {
    match code {
        1 => VillageKind::Community,
        _ => VillageKind::Village,
    }
}

fn gender_code(gender: Option<Gender>) -> u8 {
    match gender {
        None => 0,
        Some(Gender::Male) => 1,
        Some(Gender::Female) => 2,
    }
}

fn gender_of(code: u8) -> Option<Gender> {
    match code {
        1 => Some(Gender::Male),
        2 => Some(Gender::Female),
        _ => None,
    }
}

/// Distinct texts one after another in one buffer, each found by its number.
#[derive(Clone, Debug, Default)]
struct Texts {
    text: String,
    /// Where each text ends in `text`.
    ends: Vec<u32>,
    /// Each text's number, found by the text: while records are added. Let go once the
    /// roster is read ([`District::settle`]), made again if one is added after.
    lookup: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Texts {
    fn get(&self, at: u32) -> &str {
        text_at(&self.text, &self.ends, at)
    }

    fn intern(&mut self, text: &str) -> u32 {
        if self.lookup.is_empty() && !self.ends.is_empty() {
            self.relook();
        }
        let hash = self.hasher.hash_one(text);
        let found = {
            let this = &*self;
            self.lookup.find(hash, |&at| this.get(at) == text).copied()
        };
        if let Some(at) = found {
            return at;
        }
        let at = self.ends.len() as u32;
        self.text.push_str(text);
        self.ends.push(self.text.len() as u32);
        let Texts {
            text,
            ends,
            lookup,
            hasher,
        } = self;
        lookup.insert_unique(hash, at, |&k| hasher.hash_one(text_at(text, ends, k)));
        at
    }

    fn relook(&mut self) {
        let mut lookup = hashbrown::HashTable::with_capacity(self.ends.len());
        let Texts {
            text, ends, hasher, ..
        } = &*self;
        for at in 0..ends.len() as u32 {
            let hash = hasher.hash_one(text_at(text, ends, at));
            lookup.insert_unique(hash, at, |&k| hasher.hash_one(text_at(text, ends, k)));
        }
        self.lookup = lookup;
    }

    fn settle(&mut self) {
        self.lookup = hashbrown::HashTable::new();
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Text number `at` of a buffer whose texts end at `ends`.
fn text_at<'a>(text: &'a str, ends: &[u32], at: u32) -> &'a str {
    let at = at as usize;
    let start = at.checked_sub(1).map_or(0, |before| ends[before] as usize);
    &text[start..ends[at] as usize]
}

impl PartialEq for District {
    fn eq(&self, other: &District) -> bool {
        self.townships == other.townships
            && self.villages().eq(other.villages())
            && self.secretaries().eq(other.secretaries())
    }
}

impl Eq for District {}

/// Shown as the lists of records it holds.
impl std::fmt::Debug for District {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("District")
            .field("townships", &self.townships)
            .field("villages", &self.villages().collect::<Vec<_>>())
            .field("secretaries", &self.secretaries().collect::<Vec<_>>())
            .finish()
    }
}

/// Sent as the lists of records it holds, each record made as it is written (a
/// province's lists are never held whole to be sent).
#[derive(serde::Serialize)]
struct DistrictOut<'a> {
    townships: &'a [(u32, Township)],
    villages: SentVillages<'a>,
    secretaries: SentSecretaries<'a>,
}

struct SentVillages<'a>(&'a District);

struct SentSecretaries<'a>(&'a District);

impl Serialize for SentVillages<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.villages())
    }
}

impl Serialize for SentSecretaries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.secretaries())
    }
}

#[derive(serde::Deserialize)]
struct DistrictIn {
    townships: Vec<(u32, Township)>,
    villages: Vec<(u32, Village)>,
    secretaries: Vec<(u32, Secretary)>,
}

impl Serialize for District {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        DistrictOut {
            townships: &self.townships,
            villages: SentVillages(self),
            secretaries: SentSecretaries(self),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for District {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<District, D::Error> {
        let wire = DistrictIn::deserialize(deserializer)?;
        Ok(District::of_lists(
            wire.townships,
            wire.villages,
            wire.secretaries,
        ))
    }
}

impl District {
    /// A district of these records (each list in id order).
    pub fn of_lists(
        townships: Vec<(u32, Township)>,
        villages: impl IntoIterator<Item = (u32, Village)>,
        secretaries: impl IntoIterator<Item = (u32, Secretary)>,
    ) -> District {
        let mut district = District {
            townships,
            ..District::default()
        };
        for (id, v) in villages {
            district.push_village(id, &v);
        }
        for (id, s) in secretaries {
            district.push_secretary(id, &s);
        }
        district.settle();
        district
    }

    /// Room for this many villages and secretaries more (a roster read whole knows).
    pub fn reserve(&mut self, villages: usize, secretaries: usize) {
        let v = &mut self.villages;
        v.ids.reserve_exact(villages);
        v.township.reserve_exact(villages);
        v.name.reserve_exact(villages);
        v.kind.reserve_exact(villages);
        let s = &mut self.secretaries;
        s.ids.reserve_exact(secretaries);
        s.village.reserve_exact(secretaries);
        s.name.reserve_exact(secretaries);
        s.gender.reserve_exact(secretaries);
        s.born.reserve_exact(secretaries);
        s.took_office.reserve_exact(secretaries);
        s.left_office.reserve_exact(secretaries);
    }

    /// Let go of what only adding records needs (made again if one is added).
    pub fn settle(&mut self) {
        self.texts.settle();
        self.villages.township.settle();
        let s = &mut self.secretaries;
        s.village.settle();
        s.born.shrink_to_fit();
        s.took_office.shrink_to_fit();
        s.left_office.shrink_to_fit();
    }

    /// Add a village after the others (ids are handed out increasing).
    pub fn push_village(&mut self, id: u32, village: &Village) {
        let name = self.texts.intern(&village.name);
        let v = &mut self.villages;
        v.ids.push(id);
        v.township.push(village.township);
        v.name.push(name);
        v.kind.push(kind_code(village.kind));
    }

    /// Add a secretary after the others (ids are handed out increasing).
    pub fn push_secretary(&mut self, id: u32, secretary: &Secretary) {
        let s = &mut self.secretaries;
        s.ids.push(id);
        s.village.push(secretary.village);
        s.name.push(0);
        s.gender.push(gender_code(None));
        s.born.push(None);
        s.took_office.push(None);
        s.left_office.push(None);
        let at = s.ids.len() - 1;
        self.set_secretary_at(at, secretary);
    }

    /// Put a secretary in the place of the one at position `at` of the roster's list.
    pub fn set_secretary_at(&mut self, at: usize, secretary: &Secretary) {
        if at >= self.secretaries.ids.len() {
            return;
        }
        let name = self.texts.intern(&secretary.name);
        let s = &mut self.secretaries;
        s.village.set(at, secretary.village);
        s.name[at] = name;
        s.gender.set(at, gender_code(secretary.gender));
        s.born.set(at, secretary.born);
        s.took_office.set(at, Some(secretary.took_office));
        s.left_office.set(at, secretary.left_office);
    }

    pub fn village_count(&self) -> usize {
        self.villages.ids.len()
    }

    pub fn secretary_count(&self) -> usize {
        self.secretaries.ids.len()
    }

    /// The villages in id order.
    pub fn villages(&self) -> impl Iterator<Item = (u32, Village)> + '_ {
        (0..self.village_count()).map(|at| (self.villages.ids.at(at), self.village_at(at)))
    }

    /// The secretaries in id order (the roster's).
    pub fn secretaries(&self) -> impl Iterator<Item = (u32, Secretary)> + '_ {
        (0..self.secretary_count()).map(|at| (self.secretaries.ids.at(at), self.secretary_at(at)))
    }

    /// (id, township) of each village, in id order.
    pub fn village_townships(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let v = &self.villages;
        v.ids.iter().zip(v.township.iter())
    }

    /// (id, village) of each secretary, in id order.
    pub fn secretary_villages(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let s = &self.secretaries;
        s.ids.iter().zip(s.village.iter())
    }

    /// (id, term) of each secretary, in id order: when they took office and left it.
    pub fn terms(&self) -> impl Iterator<Item = (u32, (Date, Option<Date>))> + '_ {
        (0..self.secretary_count()).map(|at| (self.secretaries.ids.at(at), self.term_at(at)))
    }

    /// The secretary at position `at` of the roster's list, with their id.
    pub fn secretary_in_place(&self, at: usize) -> Option<(u32, Secretary)> {
        (at < self.secretary_count()).then(|| (self.secretaries.ids.at(at), self.secretary_at(at)))
    }

    fn village_at(&self, at: usize) -> Village {
        let v = &self.villages;
        Village {
            township: v.township.at(at),
            name: self.texts.get(v.name[at]).into(),
            kind: kind_of(v.kind.at(at)),
        }
    }

    fn secretary_at(&self, at: usize) -> Secretary {
        let s = &self.secretaries;
        let (took_office, left_office) = self.term_at(at);
        Secretary {
            village: s.village.at(at),
            name: self.texts.get(s.name[at]).into(),
            gender: gender_of(s.gender.at(at)),
            born: s.born.at(at),
            took_office,
            left_office,
        }
    }

    fn village_place(&self, id: u32) -> Option<usize> {
        self.villages.ids.place(id)
    }

    fn secretary_place(&self, id: u32) -> Option<usize> {
        self.secretaries.ids.place(id)
    }

    // The lists are in id order (ids are handed out increasing), so a lookup by id is a
    // binary search.
    pub fn township(&self, id: u32) -> Option<&Township> {
        by_id(&self.townships, id)
    }

    /// One township, its villages and secretaries: what a client holds of a province
    /// at a time (and all a township clerk's screens hold).
    pub fn of_township(&self, township: u32) -> District {
        let villages: Vec<u32> = self
            .village_townships()
            .filter(|(_, t)| *t == township)
            .map(|(id, _)| id)
            .collect();
        let secretaries: Vec<u32> = self
            .secretary_villages()
            .filter(|(_, v)| villages.binary_search(v).is_ok())
            .map(|(id, _)| id)
            .collect();
        self.of_township_by_ids(township, &villages, &secretaries)
    }

    /// [`District::of_township`] from the township's own villages and secretaries,
    /// by id (a lookup each, not a pass over a province).
    pub fn of_township_by_ids(
        &self,
        township: u32,
        villages: &[u32],
        secretaries: &[u32],
    ) -> District {
        District::of_lists(
            self.township(township)
                .map(|t| (township, t.clone()))
                .into_iter()
                .collect(),
            villages
                .iter()
                .filter_map(|id| self.village(*id).map(|v| (*id, v))),
            secretaries
                .iter()
                .filter_map(|id| self.secretary(*id).map(|s| (*id, s))),
        )
    }

    pub fn village(&self, id: u32) -> Option<Village> {
        self.village_place(id).map(|at| self.village_at(at))
    }

    pub fn secretary(&self, id: u32) -> Option<Secretary> {
        self.secretary_place(id).map(|at| self.secretary_at(at))
    }

    /// A secretary's name, read in place.
    pub fn secretary_name(&self, id: u32) -> Option<&str> {
        let at = self.secretary_place(id)?;
        Some(self.texts.get(self.secretaries.name[at]))
    }

    /// A village's name, read in place.
    pub fn village_name(&self, id: u32) -> Option<&str> {
        let at = self.village_place(id)?;
        Some(self.texts.get(self.villages.name[at]))
    }

    /// The village a secretary is secretary of.
    pub fn village_of(&self, secretary: u32) -> Option<u32> {
        let at = self.secretary_place(secretary)?;
        Some(self.secretaries.village.at(at))
    }

    /// The township a village lies in.
    pub fn township_of_village(&self, village: u32) -> Option<u32> {
        let at = self.village_place(village)?;
        Some(self.villages.township.at(at))
    }

    /// The township of a secretary's village (when both are in the roster).
    pub fn township_of(&self, secretary: u32) -> Option<u32> {
        self.township_of_village(self.village_of(secretary)?)
    }

    /// When a secretary took office.
    pub fn took_office(&self, secretary: u32) -> Option<Date> {
        Some(self.term(secretary)?.0)
    }

    /// When a secretary took office, and left it (None while in post).
    pub fn term(&self, secretary: u32) -> Option<(Date, Option<Date>)> {
        self.secretary_place(secretary).map(|at| self.term_at(at))
    }

    fn term_at(&self, at: usize) -> (Date, Option<Date>) {
        let s = &self.secretaries;
        let took = s.took_office.at(at).unwrap_or_default();
        (took, s.left_office.at(at))
    }

    pub fn township_id(&self, name: &str) -> Option<u32> {
        self.townships
            .iter()
            .find(|(_, t)| t.name == name)
            .map(|(i, _)| *i)
    }

    pub fn village_id(&self, township: u32, name: &str) -> Option<u32> {
        (0..self.village_count())
            .find(|&at| {
                self.villages.township.at(at) == township
                    && self.texts.get(self.villages.name[at]) == name
            })
            .map(|at| self.villages.ids.at(at))
    }

    /// A secretary by (乡镇, 村(社区), 姓名), current or past (§5).
    pub fn find_secretary(&self, township: &str, village: &str, name: &str) -> Option<u32> {
        let village = self.village_id(self.township_id(township)?, village)?;
        let s = &self.secretaries;
        (0..self.secretary_count())
            .rev()
            .find(|&at| s.village.at(at) == village && self.texts.get(s.name[at]) == name)
            .map(|at| s.ids.at(at))
    }

    /// The first secretary of this name (tests and examples; names are not unique).
    pub fn secretary_by_name(&self, name: &str) -> u32 {
        let s = &self.secretaries;
        (0..self.secretary_count())
            .find(|&at| self.texts.get(s.name[at]) == name)
            .map_or(0, |at| s.ids.at(at))
    }

    /// The village's current secretary (no end of term).
    pub fn current_secretary(&self, village: u32) -> Option<u32> {
        let s = &self.secretaries;
        (0..self.secretary_count())
            .rev()
            .find(|&at| s.village.at(at) == village && s.left_office.at(at).is_none())
            .map(|at| s.ids.at(at))
    }

    /// The names of a secretary's township and village, read in place.
    pub fn place_names(&self, secretary: u32) -> Option<(&str, &str)> {
        let village = self.village_of(secretary)?;
        let township = self.township(self.township_of_village(village)?)?;
        Some((&township.name, self.village_name(village)?))
    }

    /// (township, village) of a secretary.
    pub fn place(&self, secretary: u32) -> Option<(&Township, Village)> {
        let village = self.village(self.village_of(secretary)?)?;
        Some((self.township(village.township)?, village))
    }
}

fn by_id<T>(list: &[(u32, T)], id: u32) -> Option<&T> {
    let first = list.first()?.0;
    if let Some(guess) = id.checked_sub(first).and_then(|k| list.get(k as usize))
        && guess.0 == id
    {
        return Some(&guess.1);
    }
    list.binary_search_by_key(&id, |(i, _)| *i)
        .ok()
        .map(|i| &list[i].1)
}

/// Name look-ups over a district, built once for the many rows of an import (a scan
/// per row would make an import grow with the square of the district).
///
/// It answers as `District`'s own look-ups do: the first township or village of a name,
/// the latest secretary of a name in a village, the village's current secretary. Each
/// answer is the position in `District`'s lists.
///
/// Its maps are hashbrown's, looked up by a borrowed name: a province's import looks
/// up millions of names, and an owned key made for each look-up cost more than the
/// look-up itself.
#[derive(Debug, Default)]
pub struct NameIndex {
    townships: hashbrown::HashMap<String, u32>,
    villages: hashbrown::HashMap<(u32, String), u32>,
    secretaries: hashbrown::HashMap<(u32, String), usize>,
    current: hashbrown::HashMap<u32, usize>,
}

/// A key of [`NameIndex`] with the name borrowed: it hashes as `(u32, String)` does
/// (the id, then the text).
#[derive(Hash)]
struct Named<'a>(u32, &'a str);

impl hashbrown::Equivalent<(u32, String)> for Named<'_> {
    fn equivalent(&self, key: &(u32, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

impl NameIndex {
    pub fn new(district: &District) -> NameIndex {
        let mut index = NameIndex::default();
        for (id, t) in &district.townships {
            index.add_township(*id, &t.name);
        }
        for (id, v) in district.villages() {
            index.add_village(id, &v);
        }
        for (at, (_, s)) in district.secretaries().enumerate() {
            index.add_secretary(at, &s);
        }
        index
    }

    pub fn add_township(&mut self, id: u32, name: &str) {
        self.townships.entry(name.to_string()).or_insert(id);
    }

    pub fn add_village(&mut self, id: u32, village: &Village) {
        self.villages
            .entry((village.township, village.name.to_string()))
            .or_insert(id);
    }

    /// Note the secretary at position `at` of the district's list (positions only grow).
    pub fn add_secretary(&mut self, at: usize, secretary: &Secretary) {
        self.secretaries
            .insert((secretary.village, secretary.name.to_string()), at);
        if secretary.left_office.is_none() {
            self.current.insert(secretary.village, at);
        }
    }

    pub fn township_id(&self, name: &str) -> Option<u32> {
        self.townships.get(name).copied()
    }

    pub fn village_id(&self, township: u32, name: &str) -> Option<u32> {
        self.villages.get(&Named(township, name)).copied()
    }

    /// The position of the latest secretary of this name in the village.
    pub fn secretary_at(&self, village: u32, name: &str) -> Option<usize> {
        self.secretaries.get(&Named(village, name)).copied()
    }

    /// The position of the village's current secretary, checked against the district
    /// (a term ended since it was noted is no longer current).
    pub fn current_at(&self, district: &District, village: u32) -> Option<usize> {
        self.current.get(&village).copied().filter(|at| {
            district
                .secretary_in_place(*at)
                .is_some_and(|(_, s)| s.left_office.is_none())
        })
    }

    /// A secretary by (乡镇, 村(社区), 姓名), as `District::find_secretary`.
    pub fn find_secretary(
        &self,
        district: &District,
        township: &str,
        village: &str,
        name: &str,
    ) -> Option<u32> {
        let village = self.village_id(self.township_id(township)?, village)?;
        let at = self.secretary_at(village, name)?;
        district.secretary_in_place(at).map(|(id, _)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TownshipKind;

    fn day(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    fn secretary(village: u32, name: &str) -> Secretary {
        Secretary {
            village,
            name: name.into(),
            gender: None,
            born: None,
            took_office: day(2020, 1, 1),
            left_office: None,
        }
    }

    fn sample() -> District {
        let township = Township {
            name: "神头镇".into(),
            kind: TownshipKind::from_name("神头镇"),
        };
        let village = |name: &str| Village {
            township: 1,
            name: name.into(),
            kind: VillageKind::from_name(name),
        };
        let long = "阿卜杜热合曼·买买提托合提";
        District::of_lists(
            vec![(1, township)],
            [
                (10, village("东关村")),
                (11, village("东关社区")),
                (13, village("东关村")),
            ],
            [
                (100, secretary(10, "王伟")),
                (
                    101,
                    Secretary {
                        gender: Some(Gender::Female),
                        born: Some(day(1969, 12, 31)),
                        took_office: day(2016, 2, 29),
                        left_office: Some(day(2025, 6, 30)),
                        ..secretary(11, long)
                    },
                ),
                (105, secretary(13, "王伟")),
            ],
        )
    }

    #[test]
    fn ids_in_a_row_are_found_before_and_after_a_gap_breaks_the_run() {
        let township = Township {
            name: "神头镇".into(),
            kind: TownshipKind::from_name("神头镇"),
        };
        let village = Village {
            township: 1,
            name: "东关村".into(),
            kind: VillageKind::Village,
        };
        let names = ["王伟", "李娜", "欧阳娜娜"];
        let mut d = District::of_lists(
            vec![(1, township)],
            [(7, village)],
            (40..43)
                .zip(names)
                .map(|(id, name)| (id, secretary(7, name))),
        );
        assert!(matches!(d.secretaries.ids, Ids::Run { first: 40, len: 3 }));
        for (id, name) in (40..43).zip(names) {
            assert_eq!(d.secretary_name(id), Some(name));
        }
        for absent in [0, 39, 43, u32::MAX] {
            assert_eq!(d.secretary(absent), None);
        }
        // An id past a gap: every id is still where it was, and the new one found.
        d.push_secretary(50, &secretary(7, "张三"));
        assert!(matches!(d.secretaries.ids, Ids::List(_)));
        let ids: Vec<u32> = d.secretaries().map(|(id, _)| id).collect();
        assert_eq!(ids, [40, 41, 42, 50]);
        assert_eq!(d.secretary_name(42), Some("欧阳娜娜"));
        assert_eq!(d.secretary_name(50), Some("张三"));
        assert_eq!(d.secretary(43), None);
        // The last id a run can hold.
        let mut ids = Ids::default();
        ids.push(u32::MAX - 1);
        ids.push(u32::MAX);
        assert_eq!((ids.len(), ids.place(u32::MAX)), (2, Some(1)));
    }

    #[test]
    fn records_come_back_from_the_columns_as_they_went_in() {
        let d = sample();
        assert_eq!(d.village_count(), 3);
        assert_eq!(d.secretary_count(), 3);
        let s = d.secretary(101).unwrap();
        assert_eq!(&*s.name, "阿卜杜热合曼·买买提托合提");
        assert_eq!(s.gender, Some(Gender::Female));
        assert_eq!(s.born, Some(day(1969, 12, 31)));
        assert_eq!(s.took_office, day(2016, 2, 29));
        assert_eq!(s.left_office, Some(day(2025, 6, 30)));
        assert_eq!(d.secretary(105), Some(secretary(13, "王伟")));
        assert_eq!(d.secretary(104), None);
        assert_eq!(
            d.term(101),
            Some((day(2016, 2, 29), Some(day(2025, 6, 30))))
        );
        assert_eq!(d.terms().nth(2), Some((105, (day(2020, 1, 1), None))));
        assert_eq!(d.village(11).unwrap().kind, VillageKind::Community);
        assert_eq!(d.place_names(105), Some(("神头镇", "东关村")));
        assert_eq!(d.township_of(101), Some(1));
        assert_eq!(d.village_id(1, "东关社区"), Some(11));
        // Past or current, the latest of the name in the village.
        assert_eq!(d.find_secretary("神头镇", "东关村", "王伟"), Some(100));
        assert_eq!(d.current_secretary(11), None);
        assert_eq!(d.current_secretary(13), Some(105));
        // A name and a village name borne twice are held once.
        assert_eq!(d.texts.ends.len(), 4);
    }

    #[test]
    fn a_secretary_changed_in_place_keeps_the_others() {
        let mut d = sample();
        let (id, mut s) = d.secretary_in_place(0).unwrap();
        assert_eq!(id, 100);
        s.left_office = Some(day(2026, 1, 1));
        s.name = "王伟强".into();
        d.set_secretary_at(0, &s);
        d.push_secretary(106, &secretary(10, "李娜"));
        assert_eq!(d.secretary(100), Some(s));
        assert_eq!(d.secretary(105), Some(secretary(13, "王伟")));
        assert_eq!(d.secretary(106), Some(secretary(10, "李娜")));
        assert_eq!(d.current_secretary(10), Some(106));
        // Names already held are found again after the roster settled, not added.
        d.push_secretary(107, &secretary(11, "王伟"));
        assert_eq!(d.texts.ends.len(), 6);
        assert_eq!(d.secretary_name(107), Some("王伟"));
    }

    #[test]
    fn a_district_is_sent_as_its_records() {
        let d = sample();
        let bytes = postcard::to_stdvec(&d).unwrap();
        let back: District = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, d);
        // The same bytes as the three lists the district was sent as before.
        let lists: DistrictIn = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(lists.townships, d.townships);
        assert_eq!(lists.villages, d.villages().collect::<Vec<_>>());
        assert_eq!(lists.secretaries, d.secretaries().collect::<Vec<_>>());
        assert_eq!(d.of_township(1), d);
        assert_eq!(d.of_township(2).secretary_count(), 0);
    }
}
