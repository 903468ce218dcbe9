//! The district as the roster built it, and who may do what in it.

use serde::{Deserialize, Serialize};

use super::{Secretary, Township, Village};

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
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct District {
    pub townships: Vec<(u32, Township)>,
    pub villages: Vec<(u32, Village)>,
    pub secretaries: Vec<(u32, Secretary)>,
}

impl District {
    // The lists are in id order (ids are handed out increasing), so a lookup by id is a
    // binary search.
    pub fn township(&self, id: u32) -> Option<&Township> {
        by_id(&self.townships, id)
    }

    /// One township, its villages and secretaries: what a client holds of a province
    /// at a time (and all a township clerk's screens hold).
    pub fn of_township(&self, township: u32) -> District {
        let villages: Vec<(u32, Village)> = self
            .villages
            .iter()
            .filter(|(_, v)| v.township == township)
            .cloned()
            .collect();
        let secretaries = self
            .secretaries
            .iter()
            .filter(|(_, s)| {
                villages
                    .binary_search_by_key(&s.village, |(id, _)| *id)
                    .is_ok()
            })
            .cloned()
            .collect();
        District {
            townships: self
                .townships
                .iter()
                .filter(|(id, _)| *id == township)
                .cloned()
                .collect(),
            villages,
            secretaries,
        }
    }

    /// [`District::of_township`] from the township's own villages and secretaries,
    /// by id (a lookup each, not a pass over a province).
    pub fn of_township_by_ids(
        &self,
        township: u32,
        villages: &[u32],
        secretaries: &[u32],
    ) -> District {
        District {
            townships: self
                .township(township)
                .map(|t| (township, t.clone()))
                .into_iter()
                .collect(),
            villages: villages
                .iter()
                .filter_map(|id| self.village(*id).map(|v| (*id, v.clone())))
                .collect(),
            secretaries: secretaries
                .iter()
                .filter_map(|id| self.secretary(*id).map(|s| (*id, s.clone())))
                .collect(),
        }
    }

    pub fn village(&self, id: u32) -> Option<&Village> {
        by_id(&self.villages, id)
    }

    pub fn secretary(&self, id: u32) -> Option<&Secretary> {
        by_id(&self.secretaries, id)
    }

    pub fn township_id(&self, name: &str) -> Option<u32> {
        self.townships
            .iter()
            .find(|(_, t)| t.name == name)
            .map(|(i, _)| *i)
    }

    pub fn village_id(&self, township: u32, name: &str) -> Option<u32> {
        self.villages
            .iter()
            .find(|(_, v)| v.township == township && v.name == name)
            .map(|(i, _)| *i)
    }

    /// A secretary by (乡镇, 村(社区), 姓名), current or past (§5).
    pub fn find_secretary(&self, township: &str, village: &str, name: &str) -> Option<u32> {
        let village = self.village_id(self.township_id(township)?, village)?;
        self.secretaries
            .iter()
            .rev()
            .find(|(_, s)| s.village == village && s.name == name)
            .map(|(i, _)| *i)
    }

    /// The first secretary of this name (tests and examples; names are not unique).
    pub fn secretary_by_name(&self, name: &str) -> u32 {
        self.secretaries
            .iter()
            .find(|(_, s)| s.name == name)
            .map_or(0, |(id, _)| *id)
    }

    /// The village's current secretary (no end of term).
    pub fn current_secretary(&self, village: u32) -> Option<u32> {
        self.secretaries
            .iter()
            .rev()
            .find(|(_, s)| s.village == village && s.left_office.is_none())
            .map(|(i, _)| *i)
    }

    /// (township, village) of a secretary.
    pub fn place(&self, secretary: u32) -> Option<(&Township, &Village)> {
        let village = self.village(self.secretary(secretary)?.village)?;
        Some((self.township(village.township)?, village))
    }
}

fn by_id<T>(list: &[(u32, T)], id: u32) -> Option<&T> {
    // The roster numbers townships, villages and secretaries in a row: where no number
    // was skipped, the id says where it lies (a province looks them up millions of times).
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
        for (id, v) in &district.villages {
            index.add_village(*id, v);
        }
        for (at, (_, s)) in district.secretaries.iter().enumerate() {
            index.add_secretary(at, s);
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
                .secretaries
                .get(*at)
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
        district.secretaries.get(at).map(|(id, _)| *id)
    }
}
