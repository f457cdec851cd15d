//! A small map kept as a vector of pairs, in insertion order. A pack has a handful of levels,
//! categories and conditions, and an estimate a handful of parameters: linear search is as quick
//! as a tree at that size, and it is a fraction of the code in the WebAssembly build, where every
//! `BTreeMap` key type cost kilobytes.

use std::borrow::Borrow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table<K, V>(Vec<(K, V)>);

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table(Vec::new())
    }
}

impl<K: PartialEq, V> Table<K, V> {
    pub fn new() -> Self {
        Table(Vec::new())
    }

    pub fn get<Q: PartialEq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.0.iter().find(|(k, _)| k.borrow() == key).map(|(_, v)| v)
    }

    pub fn contains_key<Q: PartialEq + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.get(key).is_some()
    }

    /// The value at `key`, inserted with `make` if absent.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.0.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.0.push((key, make()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    /// Sets `key` to `value`, in place if present.
    pub fn insert(&mut self, key: K, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order_and_replaces_in_place() {
        let mut t: Table<String, u32> = Table::new();
        t.insert("b".into(), 1);
        t.insert("a".into(), 2);
        t.insert("b".into(), 3);
        assert_eq!(t.get("b"), Some(&3));
        assert_eq!(t.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["b", "a"]);
        *t.get_or_insert_with("c".into(), || 0) += 5;
        assert_eq!(t.get("c"), Some(&5));
        assert_eq!(t.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(), ["b=3", "a=2", "c=5"]);
    }
}
