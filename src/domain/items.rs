//! An assessment's item scores by item name, packed for a province: the names are
//! held once for all the assessments that have the same ones (nearly every assessment
//! of a year does), beside each assessment's scores in name order. It reads and writes
//! exactly as the map it replaces (the stored format and the JSON export are
//! unchanged): a map from name to score.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Item scores, one per item name, in name order: `values[i]` is the score of
/// `names[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Items {
    names: Names,
    values: Vec<Decimal>,
}

/// A sorted list of item names, shared by the assessments that have the same.
type Names = Arc<[Arc<str>]>;

impl Default for Items {
    fn default() -> Items {
        Items {
            names: SHARED.with(|shared| shared.borrow().empty.clone()),
            values: Vec::new(),
        }
    }
}

/// The item names seen by this thread (a district has a few dozen), and the lists of
/// them assessments were read with (a year has a few: all items, a township's own).
#[derive(Default)]
struct Shared {
    /// hashbrown's: every item of every imported row is looked up here.
    all: hashbrown::HashSet<Arc<str>>,
    lists: hashbrown::HashSet<Names>,
    /// The last list given: the next assessment almost always has the same.
    last: Option<Names>,
    empty: Names,
}

/// At most this many lists are kept to share (assessments entered in part have lists of
/// their own; one beyond is still right, only not shared).
const LISTS: usize = 4096;

thread_local! {
    static SHARED: RefCell<Shared> = RefCell::new(Shared::default());
}

/// A list of names being read, looked up among the shared ones without making one. It
/// hashes as they do (a slice hashes its length, then each name as a `str`).
struct Listed<'a, S>(&'a [S]);

impl<S: AsRef<str>> std::hash::Hash for Listed<'_, S> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // As `[Arc<str>]` hashes: its length, then each name as a `str`.
        state.write_usize(self.0.len());
        for name in self.0 {
            name.as_ref().hash(state);
        }
    }
}

impl<S: AsRef<str>> hashbrown::Equivalent<Names> for Listed<'_, S> {
    fn equivalent(&self, list: &Names) -> bool {
        list.len() == self.0.len()
            && list
                .iter()
                .zip(self.0)
                .all(|(a, b)| a.as_ref() == b.as_ref())
    }
}

impl Shared {
    /// The one shared copy of an item name.
    fn name(&mut self, name: &str) -> Arc<str> {
        if let Some(known) = self.all.get(name) {
            return known.clone();
        }
        let new: Arc<str> = Arc::from(name);
        self.all.insert(new.clone());
        new
    }

    /// The shared list of these names (sorted, no name twice).
    fn names<S: AsRef<str>>(&mut self, names: &[S]) -> Names {
        let listed = Listed(names);
        if let Some(last) = &self.last
            && hashbrown::Equivalent::equivalent(&listed, last)
        {
            return last.clone();
        }
        let list = match self.lists.get(&listed) {
            Some(list) => list.clone(),
            None => {
                let list: Names = names.iter().map(|n| self.name(n.as_ref())).collect();
                if self.lists.len() < LISTS {
                    self.lists.insert(list.clone());
                }
                list
            }
        };
        self.last = Some(list.clone());
        list
    }
}

impl Items {
    pub fn new() -> Items {
        Items::default()
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.names.binary_search_by(|n| n.as_ref().cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&Decimal> {
        self.position(name).ok().map(|i| &self.values[i])
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// The shared list of these names (a field typed on a form, a row imported).
    fn share<S: AsRef<str>>(names: &[S]) -> Names {
        SHARED.with(|shared| shared.borrow_mut().names(names))
    }

    /// Set an item's score; the score it had, if any.
    pub fn insert(&mut self, name: impl AsRef<str>, value: Decimal) -> Option<Decimal> {
        let name = name.as_ref();
        match self.position(name) {
            Ok(i) => Some(std::mem::replace(&mut self.values[i], value)),
            Err(i) => {
                let mut names: Vec<&str> = self.keys().collect();
                names.insert(i, name);
                self.names = Items::share(&names);
                self.values.insert(i, value);
                None
            }
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Decimal> {
        let i = self.position(name).ok()?;
        let mut names: Vec<&str> = self.keys().collect();
        names.remove(i);
        self.names = Items::share(&names);
        Some(self.values.remove(i))
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| n.as_ref())
    }

    pub fn values(&self) -> impl Iterator<Item = &Decimal> {
        self.values.iter()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Decimal)> {
        self.into_iter()
    }
}

type Pair<'a> = (&'a Arc<str>, &'a Decimal);

impl<'a> IntoIterator for &'a Items {
    type Item = (&'a str, &'a Decimal);
    type IntoIter = std::iter::Map<
        std::iter::Zip<std::slice::Iter<'a, Arc<str>>, std::slice::Iter<'a, Decimal>>,
        fn(Pair<'a>) -> (&'a str, &'a Decimal),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.names
            .iter()
            .zip(self.values.iter())
            .map(|(n, v)| (n.as_ref(), v))
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
        let mut pairs: Vec<(S, Decimal)> = iter.into_iter().collect();
        // Sorted by name, a repeated name keeping its last score (as the map did).
        pairs.reverse();
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        pairs.dedup_by(|a, b| a.0.as_ref() == b.0.as_ref());
        let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_ref()).collect();
        Items {
            names: Items::share(&names),
            values: pairs.iter().map(|(_, v)| *v).collect(),
        }
    }
}

impl<const N: usize, S: AsRef<str>> From<[(S, Decimal); N]> for Items {
    fn from(pairs: [(S, Decimal); N]) -> Items {
        pairs.into_iter().collect()
    }
}

impl Serialize for Items {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self {
            map.serialize_entry(name, value)?;
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
                let size = access.size_hint().unwrap_or(0).min(64);
                let mut names: Vec<std::borrow::Cow<'de, str>> = Vec::with_capacity(size);
                let mut values = Vec::with_capacity(size);
                while let Some((name, value)) = access.next_entry()? {
                    names.push(name);
                    values.push(value);
                }
                // Written in name order by this program: its names are then compared with
                // the last assessment's as they are, none looked up alone.
                if names.is_sorted_by(|a, b| a < b) {
                    return Ok(Items {
                        names: Items::share(&names),
                        values,
                    });
                }
                Ok(names.into_iter().zip(values).collect())
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
        // Two assessments with the same names share one list of them.
        let again: Items = postcard::from_bytes(&old).unwrap();
        assert!(Arc::ptr_eq(&again.names, &items.names));
        // A name set once, the scores kept by name.
        let mut more = again.clone();
        assert_eq!(more.insert("集体经济", d("3")), None);
        assert_eq!(
            more.keys().collect::<Vec<_>>(),
            ["履职尽责", "政治素质", "集体经济"]
        );
        assert_eq!(
            more.values().copied().collect::<Vec<_>>(),
            [d("6"), d("5.5"), d("3")]
        );
        assert_eq!(again.len(), 2);
        // A repeated name keeps its last score, as the map did.
        let twice: Items = [("甲", d("1")), ("乙", d("2")), ("甲", d("3"))].into();
        assert_eq!(
            twice.iter().collect::<Vec<_>>(),
            [("乙", &d("2")), ("甲", &d("3"))]
        );
    }
}
