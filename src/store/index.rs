//! Property indexes: for a label and a property key, the nodes by value, kept in order so that
//! equality and range lookups are both cheap. The graph keeps them up to date on every change.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use super::{KeyId, LabelId, Props};
use crate::value::{NodeId, Value};

/// A value ordered by Cypher's global sort order (so `1` and `1.0` are the same key).
#[derive(Debug, Clone)]
pub struct Key(pub Value);

impl PartialEq for Key {
    fn eq(&self, o: &Key) -> bool {
        self.0.order(&o.0) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Key) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Key {
    fn cmp(&self, o: &Key) -> Ordering {
        self.0.order(&o.0)
    }
}

/// The order of an index's entries: by value in Cypher's global order, then by node (texts,
/// the common case, compared without the dispatch of the general order).
pub fn entry_order(a: &(Value, NodeId), b: &(Value, NodeId)) -> Ordering {
    let by_value = match (&a.0, &b.0) {
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (x, y) => x.order(y),
    };
    by_value.then(a.1.cmp(&b.1))
}

/// One index.
#[derive(Debug, Clone)]
pub struct PropertyIndex {
    /// The index's name, as `SHOW INDEXES` lists it.
    pub name: String,
    /// The label whose nodes are indexed.
    pub label: LabelId,
    /// The indexed property key.
    pub key: KeyId,
    map: BTreeMap<Key, Ids>,
    entries: usize,
}

/// The nodes of one value, in id order. Most values (names, keys) belong to one node, which is
/// kept without a set of its own: an index of a million names is then a tree of a million
/// entries, not also a million one-element trees.
#[derive(Debug, Clone)]
enum Ids {
    One(NodeId),
    Many(BTreeSet<NodeId>),
}

impl Ids {
    /// Adds an id; whether it was not there.
    fn insert(&mut self, id: NodeId) -> bool {
        match self {
            Ids::One(x) if *x == id => false,
            Ids::One(x) => {
                *self = Ids::Many(BTreeSet::from([*x, id]));
                true
            }
            Ids::Many(set) => set.insert(id),
        }
    }

    /// Removes an id: whether it was there, and whether none is left.
    fn remove(&mut self, id: NodeId) -> (bool, bool) {
        match self {
            Ids::One(x) => (*x == id, *x == id),
            Ids::Many(set) => (set.remove(&id), set.is_empty()),
        }
    }

    fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        let (one, many) = match self {
            Ids::One(x) => (Some(*x), None),
            Ids::Many(set) => (None, Some(set.iter().copied())),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }
}

impl PropertyIndex {
    /// An empty index named `name` on the label's property key.
    pub fn new(name: String, label: LabelId, key: KeyId) -> PropertyIndex {
        PropertyIndex { name, label, key, map: BTreeMap::new(), entries: 0 }
    }

    /// How many (node, value) entries the index holds.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// How many nodes an equality lookup finds on average: entries per distinct value.
    pub fn rows_per_value(&self) -> f64 {
        self.entries as f64 / self.map.len().max(1) as f64
    }

    /// An index named `name` on the label's property key, of the nodes with their values
    /// (nulls are not indexed): sorted once and built in one pass, where inserting each would
    /// walk the tree from its root. The sort is a merge of the runs `values` comes in, so
    /// runs sorted beforehand (on other threads) are merged in one pass.
    pub fn build(name: String, label: LabelId, key: KeyId, mut values: Vec<(Value, NodeId)>) -> PropertyIndex {
        values.retain(|(v, _)| !v.is_null());
        values.sort_by(entry_order);
        values.dedup_by(|b, a| a.1 == b.1 && a.0.order(&b.0) == Ordering::Equal);
        let entries = values.len();
        let mut runs: Vec<(Key, Ids)> = Vec::with_capacity(values.len());
        for (v, id) in values {
            match runs.last_mut() {
                Some((k, ids)) if k.0.order(&v) == Ordering::Equal => {
                    ids.insert(id);
                }
                _ => runs.push((Key(v), Ids::One(id))),
            }
        }
        PropertyIndex { name, label, key, map: runs.into_iter().collect(), entries }
    }

    /// Records that node `id` has value `v` (a null value is not indexed).
    pub fn insert(&mut self, v: &Value, id: NodeId) {
        if v.is_null() {
            return;
        }
        let fresh = match self.map.entry(Key(v.clone())) {
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(Ids::One(id));
                true
            }
            std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().insert(id),
        };
        self.entries += usize::from(fresh);
    }

    /// Forgets that node `id` has value `v`.
    pub fn remove(&mut self, v: &Value, id: NodeId) {
        let k = Key(v.clone());
        if let Some(ids) = self.map.get_mut(&k) {
            let (removed, empty) = ids.remove(id);
            self.entries -= usize::from(removed);
            if empty {
                self.map.remove(&k);
            }
        }
    }

    /// Nodes whose value equals `v` (Cypher equality: never for null or NaN).
    pub fn seek(&self, v: &Value) -> Vec<NodeId> {
        if v.is_null() || matches!(v, Value::Float(f) if f.is_nan()) {
            return Vec::new();
        }
        self.map.get(&Key(v.clone())).map(|s| s.iter().collect()).unwrap_or_default()
    }

    /// Nodes whose value lies in the range, comparable with the bounds (same type family).
    pub fn range(&self, lo: Bound<&Value>, hi: Bound<&Value>) -> Vec<NodeId> {
        let conv = |b: Bound<&Value>| match b {
            Bound::Included(v) => Bound::Included(Key(v.clone())),
            Bound::Excluded(v) => Bound::Excluded(Key(v.clone())),
            Bound::Unbounded => Bound::Unbounded,
        };
        let probe = match (lo, hi) {
            (Bound::Included(v) | Bound::Excluded(v), _) | (_, Bound::Included(v) | Bound::Excluded(v)) => v.clone(),
            _ => return self.map.values().flat_map(Ids::iter).collect(),
        };
        let (lo, hi) = (conv(lo), conv(hi));
        if let (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) = (&lo, &hi) {
            if a > b {
                return Vec::new();
            }
        }
        self.map.range((lo, hi)).filter(|(k, _)| k.0.cypher_cmp(&probe).is_some()).flat_map(|(_, s)| s.iter()).collect()
    }
}

/// All property indexes of a graph.
#[derive(Debug, Clone, Default)]
pub struct Indexes {
    pub list: Vec<PropertyIndex>,
}

impl Indexes {
    pub fn get(&self, label: LabelId, key: KeyId) -> Option<&PropertyIndex> {
        self.list.iter().find(|i| i.label == label && i.key == key)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn each<'a>(
        &'a mut self,
        labels: &'a [LabelId],
        key: Option<KeyId>,
    ) -> impl Iterator<Item = &'a mut PropertyIndex> + 'a {
        self.list.iter_mut().filter(move |i| labels.contains(&i.label) && key.is_none_or(|k| k == i.key))
    }

    pub fn node_added(&mut self, id: NodeId, labels: &[LabelId], props: &[(KeyId, Value)]) {
        for ix in self.each(labels, None) {
            if let Some((_, v)) = props.iter().find(|(k, _)| *k == ix.key) {
                ix.insert(v, id);
            }
        }
    }

    pub fn node_removed(&mut self, id: NodeId, labels: &[LabelId], props: &Props) {
        for ix in self.each(labels, None) {
            if let Some((_, v)) = props.iter().find(|(k, _)| *k == ix.key) {
                ix.remove(v, id);
            }
        }
    }

    pub fn prop_changed(
        &mut self,
        id: NodeId,
        labels: &[LabelId],
        key: KeyId,
        old: Option<&Value>,
        new: Option<&Value>,
    ) {
        for ix in self.each(labels, Some(key)) {
            if let Some(o) = old {
                ix.remove(o, id);
            }
            if let Some(n) = new {
                ix.insert(n, id);
            }
        }
    }

    pub fn label_changed(&mut self, id: NodeId, label: LabelId, props: &Props, added: bool) {
        for ix in self.each(std::slice::from_ref(&label), None) {
            if let Some((_, v)) = props.iter().find(|(k, _)| *k == ix.key) {
                if added {
                    ix.insert(v, id)
                } else {
                    ix.remove(v, id)
                }
            }
        }
    }
}
