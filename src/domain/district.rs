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
    list.binary_search_by_key(&id, |(i, _)| *i)
        .ok()
        .map(|i| &list[i].1)
}
