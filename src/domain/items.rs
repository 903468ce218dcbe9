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
#[derive(Clone, Debug)]
pub struct Items {
    names: Names,
    values: Values,
}

/// The scores: each in 8 bytes while every one fits (a score is a few digits with one
/// or two decimals), else as full decimals. Always the narrow form when it can be.
#[derive(Clone, Debug)]
enum Values {
    Narrow(Vec<Narrow>),
    Wide(Vec<Decimal>),
}

/// A score as its digits and how many of them are decimals: `5.5` is (55, 1).
#[derive(Clone, Copy, Debug)]
struct Narrow {
    digits: i32,
    scale: u8,
}

impl Narrow {
    /// The narrow form of a score, if it has one (the same digits and scale: `5.50`
    /// stays `5.50`).
    fn of(value: Decimal) -> Option<Narrow> {
        // A negative zero keeps its sign only in the full form.
        if value.is_zero() && value.is_sign_negative() {
            return None;
        }
        Some(Narrow {
            digits: i32::try_from(value.mantissa()).ok()?,
            scale: u8::try_from(value.scale()).ok()?,
        })
    }

    fn value(self) -> Decimal {
        Decimal::new(i64::from(self.digits), u32::from(self.scale))
    }
}

impl Values {
    fn of(values: Vec<Decimal>) -> Values {
        match values.iter().map(|v| Narrow::of(*v)).collect() {
            Some(narrow) => Values::Narrow(narrow),
            None => Values::Wide(values),
        }
    }

    fn get(&self, i: usize) -> Option<Decimal> {
        match self {
            Values::Narrow(v) => v.get(i).map(|n| n.value()),
            Values::Wide(v) => v.get(i).copied(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Narrow(v) => v.len(),
            Values::Wide(v) => v.len(),
        }
    }

    fn iter(&self) -> impl Iterator<Item = Decimal> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The scores changed by `change`, in the narrow form again if they fit.
    fn change(&mut self, change: impl FnOnce(&mut Vec<Decimal>)) {
        let mut all: Vec<Decimal> = self.iter().collect();
        change(&mut all);
        *self = Values::of(all);
    }
}

impl PartialEq for Items {
    /// As the map compared: the same names, and scores equal as numbers.
    fn eq(&self, other: &Items) -> bool {
        self.names == other.names && self.values().eq(other.values())
    }
}

impl Eq for Items {}

/// A sorted list of item names, shared by the assessments that have the same.
type Names = Arc<[Arc<str>]>;

impl Default for Items {
    fn default() -> Items {
        Items {
            names: SHARED.with(|shared| shared.borrow().empty.clone()),
            values: Values::Narrow(Vec::new()),
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

    pub fn get(&self, name: &str) -> Option<Decimal> {
        self.position(name).ok().and_then(|i| self.values.get(i))
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
            Ok(i) => {
                let was = self.values.get(i);
                self.values.change(|all| all[i] = value);
                was
            }
            Err(i) => {
                let mut names: Vec<&str> = self.keys().collect();
                names.insert(i, name);
                self.names = Items::share(&names);
                self.values.change(|all| all.insert(i, value));
                None
            }
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Decimal> {
        let i = self.position(name).ok()?;
        let mut names: Vec<&str> = self.keys().collect();
        names.remove(i);
        self.names = Items::share(&names);
        let was = self.values.get(i);
        self.values.change(|all| {
            all.remove(i);
        });
        was
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.len() == 0
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| n.as_ref())
    }

    pub fn values(&self) -> impl Iterator<Item = Decimal> + '_ {
        self.values.iter()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Decimal)> {
        self.keys().zip(self.values())
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
            values: Values::of(pairs.iter().map(|(_, v)| *v).collect()),
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
        for (name, value) in self.iter() {
            map.serialize_entry(name, &value)?;
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
                        values: Values::of(values),
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
        assert_eq!(items.get("政治素质"), Some(d("5.5")));
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
            more.values().collect::<Vec<_>>(),
            [d("6"), d("5.5"), d("3")]
        );
        assert_eq!(again.len(), 2);
        // Scores are kept as written (5.50 stays 5.50) and compared as numbers; one
        // too long for the narrow form is kept whole, and so are the others beside it.
        let written: Items = [("甲", d("5.50")), ("乙", d("-0.0"))].into();
        assert_eq!(written.get("甲").unwrap().to_string(), "5.50");
        assert_eq!(
            written.get("乙").unwrap().to_string(),
            d("-0.0").to_string()
        );
        assert_eq!(
            written.get("乙").unwrap().is_sign_negative(),
            d("-0.0").is_sign_negative()
        );
        assert_eq!(written, [("甲", d("5.5")), ("乙", d("0"))].into());
        assert_ne!(written, [("甲", d("5.51")), ("乙", d("0"))].into());
        let mut long = written.clone();
        long.insert("丙", d("123456789012.345"));
        assert!(matches!(long.values, Values::Wide(_)));
        let map: BTreeMap<String, Decimal> = long.iter().map(|(n, v)| (n.into(), v)).collect();
        assert_eq!(map["丙"].to_string(), "123456789012.345");
        assert_eq!(
            postcard::to_stdvec(&long).unwrap(),
            postcard::to_stdvec(&map).unwrap()
        );
        long.remove("丙");
        assert!(matches!(long.values, Values::Narrow(_)));
        assert_eq!(long.get("甲").unwrap().to_string(), "5.50");
        // A repeated name keeps its last score, as the map did.
        let twice: Items = [("甲", d("1")), ("乙", d("2")), ("甲", d("3"))].into();
        assert_eq!(
            twice.iter().collect::<Vec<_>>(),
            [("乙", d("2")), ("甲", d("3"))]
        );
    }
}
