//! An assessment's item scores by item name, packed for a province: a sorted vector
//! whose names are shared (interned) rather than a tree of separately allocated
//! strings. It reads and writes exactly as the map it replaces (the stored format and
//! the JSON export are unchanged): a map from name to score.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Item scores, one per item name, in name order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Items(Vec<(Arc<str>, Decimal)>);

/// The item names seen by this thread (a district has a few dozen), and the names of
/// the last assessment read, by position: the next one almost always has the same.
#[derive(Default)]
struct Names {
    /// hashbrown's: every item of every imported row is looked up here.
    all: hashbrown::HashSet<Arc<str>>,
    last: Vec<Arc<str>>,
}

thread_local! {
    static NAMES: RefCell<Names> = RefCell::new(Names::default());
}

/// The one shared copy of an item name.
fn interned(name: &str) -> Arc<str> {
    NAMES.with(|names| names.borrow_mut().get(name))
}

impl Names {
    fn get(&mut self, name: &str) -> Arc<str> {
        if let Some(known) = self.all.get(name) {
            return known.clone();
        }
        let new: Arc<str> = Arc::from(name);
        self.all.insert(new.clone());
        new
    }

    /// The shared copy of the `at`-th name of an assessment being read: compared with
    /// the last assessment's name there before any hashing.
    fn get_at(&mut self, at: usize, name: &str) -> Arc<str> {
        if let Some(last) = self.last.get(at)
            && last.as_ref() == name
        {
            return last.clone();
        }
        let shared = self.get(name);
        if at < self.last.len() {
            self.last[at] = shared.clone();
        } else if at == self.last.len() {
            self.last.push(shared.clone());
        }
        shared
    }
}

impl Items {
    pub fn new() -> Items {
        Items::default()
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(n, _)| n.as_ref().cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&Decimal> {
        self.position(name).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Set an item's score; the score it had, if any.
    pub fn insert(&mut self, name: impl AsRef<str>, value: Decimal) -> Option<Decimal> {
        let name = name.as_ref();
        match self.position(name) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (interned(name), value));
                None
            }
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Decimal> {
        self.position(name).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_ref())
    }

    pub fn values(&self) -> impl Iterator<Item = &Decimal> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Decimal)> {
        self.0.iter().map(|(n, v)| (n.as_ref(), v))
    }
}

impl<'a> IntoIterator for &'a Items {
    type Item = (&'a str, &'a Decimal);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Arc<str>, Decimal)>,
        fn(&'a (Arc<str>, Decimal)) -> (&'a str, &'a Decimal),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(n, v)| (n.as_ref(), v))
    }
}

impl std::ops::Index<&str> for Items {
    type Output = Decimal;

    fn index(&self, name: &str) -> &Decimal {
        self.get(name)
            .unwrap_or_else(|| panic!("no item score named {name}"))
    }
}

impl<S: AsRef<str>> FromIterator<(S, Decimal)> for Items {
    fn from_iter<I: IntoIterator<Item = (S, Decimal)>>(iter: I) -> Items {
        let mut items = Items::new();
        for (name, value) in iter {
            items.insert(name.as_ref(), value);
        }
        items
    }
}

impl<const N: usize, S: AsRef<str>> From<[(S, Decimal); N]> for Items {
    fn from(pairs: [(S, Decimal); N]) -> Items {
        pairs.into_iter().collect()
    }
}

impl Serialize for Items {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name.as_ref(), value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Items, D::Error> {
        struct ItemsVisitor;

        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = Items;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of item names to scores")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Items, A::Error> {
                let mut items = Vec::with_capacity(access.size_hint().unwrap_or(0).min(64));
                while let Some((name, value)) =
                    access.next_entry::<std::borrow::Cow<'de, str>, Decimal>()?
                {
                    let at = items.len();
                    items.push((NAMES.with(|n| n.borrow_mut().get_at(at, &name)), value));
                }
                // Written in name order by this program; sorted anyway, a repeated name
                // keeping its last score (as the map did).
                items.sort_by(|a: &(Arc<str>, Decimal), b| a.0.cmp(&b.0));
                items.reverse();
                items.dedup_by(|a, b| a.0 == b.0);
                items.reverse();
                Ok(Items(items))
            }
        }

        deserializer.deserialize_map(ItemsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn reads_and_writes_exactly_as_the_map_it_replaces() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let map = BTreeMap::from([
            ("政治素质".to_string(), d("5.5")),
            ("履职尽责".to_string(), d("6")),
        ]);
        let items: Items = map.clone().into_iter().collect();
        let old = postcard::to_stdvec(&map).unwrap();
        assert_eq!(postcard::to_stdvec(&items).unwrap(), old);
        assert_eq!(postcard::from_bytes::<Items>(&old).unwrap(), items);
        assert_eq!(
            serde_json::to_string(&items).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert_eq!(items["政治素质"], d("5.5"));
        let mut changed = items.clone();
        assert_eq!(changed.insert("政治素质", d("4")), Some(d("5.5")));
        assert_eq!(changed.remove("履职尽责"), Some(d("6")));
        assert_eq!(changed.keys().collect::<Vec<_>>(), ["政治素质"]);
        // Two assessments share one copy of a name.
        let again: Items = postcard::from_bytes(&old).unwrap();
        assert!(Arc::ptr_eq(&again.0[0].0, &items.0[0].0));
    }
}
