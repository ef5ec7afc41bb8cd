//! The nodes of one label, in id order: a sorted vector while ids only arrive ascending (nodes
//! being created, a snapshot being read, which is how a label's set is nearly always made),
//! a B-tree from the first id that arrives out of order or leaves from the middle. Appending
//! to the vector is a push, where a B-tree walks to its right edge each time (a tenth of a
//! million-node `CREATE`), and the vector takes 8 bytes an id.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use crate::value::NodeId;

/// A set of node ids in order (see the module's note).
#[derive(Debug, Clone)]
pub(crate) enum IdSet {
    /// Ascending ids.
    Run(Vec<NodeId>),
    /// Any ids.
    Tree(BTreeSet<NodeId>),
}

impl Default for IdSet {
    fn default() -> IdSet {
        IdSet::Run(Vec::new())
    }
}

/// The ids of an [`IdSet`], or of a range of it, in order.
pub(crate) enum Iter<'a> {
    Run(std::slice::Iter<'a, NodeId>),
    Tree(std::collections::btree_set::Iter<'a, NodeId>),
    TreeRange(std::collections::btree_set::Range<'a, NodeId>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a NodeId;
    fn next(&mut self) -> Option<&'a NodeId> {
        match self {
            Iter::Run(i) => i.next(),
            Iter::Tree(i) => i.next(),
            Iter::TreeRange(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Run(i) => i.size_hint(),
            Iter::Tree(i) => i.size_hint(),
            Iter::TreeRange(i) => i.size_hint(),
        }
    }
}

impl IdSet {
    /// Adds an id; whether it was not there.
    pub(crate) fn insert(&mut self, id: NodeId) -> bool {
        match self {
            IdSet::Run(v) if v.last().is_none_or(|&last| last < id) => {
                v.push(id);
                true
            }
            IdSet::Run(v) if v.binary_search(&id).is_ok() => false,
            IdSet::Run(_) => self.tree().insert(id),
            IdSet::Tree(t) => t.insert(id),
        }
    }

    /// Takes an id out; whether it was there.
    pub(crate) fn remove(&mut self, id: &NodeId) -> bool {
        match self {
            IdSet::Run(v) if v.last() == Some(id) => {
                v.pop();
                true
            }
            IdSet::Run(v) if v.binary_search(id).is_err() => false,
            IdSet::Run(_) => self.tree().remove(id),
            IdSet::Tree(t) => t.remove(id),
        }
    }

    /// The set as a B-tree, made one from the vector if it was not.
    fn tree(&mut self) -> &mut BTreeSet<NodeId> {
        if let IdSet::Run(v) = self {
            *self = IdSet::Tree(std::mem::take(v).into_iter().collect());
        }
        match self {
            IdSet::Tree(t) => t,
            IdSet::Run(_) => unreachable!("made a tree just above"),
        }
    }

    /// How many ids.
    pub(crate) fn len(&self) -> usize {
        match self {
            IdSet::Run(v) => v.len(),
            IdSet::Tree(t) => t.len(),
        }
    }

    /// The ids in order.
    pub(crate) fn iter(&self) -> Iter<'_> {
        match self {
            IdSet::Run(v) => Iter::Run(v.iter()),
            IdSet::Tree(t) => Iter::Tree(t.iter()),
        }
    }

    /// The ids in `range`, in order.
    pub(crate) fn range(&self, range: RangeInclusive<NodeId>) -> Iter<'_> {
        match self {
            IdSet::Run(v) => {
                let lo = v.partition_point(|&x| x < *range.start());
                let hi = v.partition_point(|&x| x <= *range.end()).max(lo);
                Iter::Run(v[lo..hi].iter())
            }
            IdSet::Tree(t) => Iter::TreeRange(t.range(range)),
        }
    }
}

impl<'a> IntoIterator for &'a IdSet {
    type Item = &'a NodeId;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any mix of inserts and removals leaves the set a B-tree set would be, in order,
        /// with the same answers to ranges.
        #[test]
        fn acts_as_a_btree_set(ops in proptest::collection::vec((any::<bool>(), 0u64..64), 0..200), lo in 0u64..64, hi in 0u64..64) {
            let (mut s, mut t) = (IdSet::default(), BTreeSet::new());
            for (add, id) in ops {
                if add {
                    prop_assert_eq!(s.insert(NodeId(id)), t.insert(id));
                } else {
                    prop_assert_eq!(s.remove(&NodeId(id)), t.remove(&id));
                }
                prop_assert_eq!(s.len(), t.len());
            }
            prop_assert!(s.iter().map(|n| n.0).eq(t.iter().copied()));
            if lo <= hi {
                prop_assert!(s.range(NodeId(lo)..=NodeId(hi)).map(|n| n.0).eq(t.range(lo..=hi).copied()));
            }
        }
    }

    #[test]
    fn ascending_ids_stay_a_vector() {
        let mut s = IdSet::default();
        (0..1000).for_each(|i| assert!(s.insert(NodeId(i * 2))));
        assert!(!s.insert(NodeId(10)), "already there");
        assert!(s.remove(&NodeId(1998)), "the last one");
        assert!(matches!(s, IdSet::Run(_)));
        assert!(s.insert(NodeId(5)), "out of order");
        assert!(matches!(s, IdSet::Tree(_)));
        assert_eq!(s.len(), 1000);
    }
}
