//! The keys of a grouping's groups, in the order they first came. Most often they are found
//! by hashing; but a grouping by a node (`WITH o, count(*)`) that is fed by a scan meets its
//! groups one after another, in rising id order: each node's rows come together, and each new
//! node's id is above every earlier one's. While that holds, a key whose node id is above the
//! last group's is a new group, and one equal to the last group's key is that group, with no
//! hash made or looked up; the first key that is neither turns the groups into a hash set.

use indexmap::IndexSet;

use crate::value::Value;

/// A group's key: its values, one a grouping key (most have one or two).
pub(crate) type GroupKey = smallvec::SmallVec<[Value; 2]>;

type Set = IndexSet<GroupKey, ahash::RandomState>;

/// The groups' keys; a group is its index.
pub(crate) enum Groups {
    /// Every key's value at `at` is an entity (a node, or a relationship, as the first key's)
    /// with an id above those of the keys before it.
    Rising {
        keys: Vec<GroupKey>,
        at: usize,
    },
    Hashed(Set),
}

/// The id of an entity and whether it is a node.
fn entity(v: &Value) -> Option<(bool, u64)> {
    match v {
        Value::Node(n) => Some((true, n.0)),
        Value::Rel(r) => Some((false, r.0)),
        _ => None,
    }
}

impl Groups {
    /// No groups; rising by the key at `at`, if given.
    pub(crate) fn new(at: Option<usize>) -> Groups {
        match at {
            Some(at) => Groups::Rising { keys: Vec::new(), at },
            None => Groups::Hashed(Set::default()),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Groups::Rising { keys, .. } => keys.len(),
            Groups::Hashed(s) => s.len(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `key`, a new group, keeps the keys rising: its entity is of the last key's
    /// kind, with a higher id.
    fn rises(keys: &[GroupKey], at: usize, key: &[Value]) -> bool {
        let Some((node, id)) = key.get(at).and_then(entity) else { return false };
        keys.last().is_none_or(|last| last.get(at).and_then(entity).is_some_and(|(n, i)| n == node && i < id))
    }

    /// The group of `key`, if there is one.
    pub(crate) fn find(&mut self, key: &[Value]) -> Option<usize> {
        if let Groups::Rising { keys, at } = self {
            if Groups::rises(keys, *at, key) {
                return None;
            }
            if keys.last().is_some_and(|last| last[..] == *key) {
                return Some(keys.len() - 1);
            }
            self.hash();
        }
        match self {
            Groups::Hashed(s) => s.get_index_of(key),
            Groups::Rising { .. } => None,
        }
    }

    /// Adds `key`, a new group (see [`Groups::find`]); its index.
    pub(crate) fn insert(&mut self, key: GroupKey) -> usize {
        if let Groups::Rising { keys, at } = self {
            if Groups::rises(keys, *at, &key) {
                keys.push(key);
                return keys.len() - 1;
            }
            self.hash();
        }
        match self {
            Groups::Hashed(s) => s.insert_full(key).0,
            Groups::Rising { .. } => unreachable!("hashed above"),
        }
    }

    /// Adds `key` unless it is there: its index, and whether it is new.
    pub(crate) fn insert_full(&mut self, key: GroupKey) -> (usize, bool) {
        match self.find(&key) {
            Some(i) => (i, false),
            None => (self.insert(key), true),
        }
    }

    /// Whether `other`'s keys, all of them, would go after these as new groups, keeping them
    /// rising (a part of a scan after the parts before it).
    pub(crate) fn follows(&self, other: &Groups) -> bool {
        match (self, other) {
            (Groups::Rising { keys, at }, Groups::Rising { keys: theirs, at: a }) => {
                at == a && theirs.first().is_none_or(|first| Groups::rises(keys, *at, first))
            }
            _ => false,
        }
    }

    /// Adds `other`'s keys after these: appended if they follow (see [`Groups::follows`]),
    /// else one by one, those these have already left out.
    pub(crate) fn append(&mut self, other: Groups) {
        let follows = self.follows(&other);
        match (self, other) {
            (Groups::Rising { keys, .. }, Groups::Rising { keys: theirs, .. }) if follows => keys.extend(theirs),
            (me, other) => other.into_iter().for_each(|k| {
                me.insert_full(k);
            }),
        }
    }

    /// The key of group `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&GroupKey> {
        match self {
            Groups::Rising { keys, .. } => keys.get(i),
            Groups::Hashed(s) => s.get_index(i),
        }
    }

    /// From now on found by hashing.
    fn hash(&mut self) {
        if let Groups::Rising { keys, .. } = self {
            let mut set = Set::with_capacity_and_hasher(keys.len() * 2, Default::default());
            set.extend(keys.drain(..));
            *self = Groups::Hashed(set);
        }
    }
}

impl IntoIterator for Groups {
    type Item = GroupKey;
    type IntoIter = Box<dyn Iterator<Item = GroupKey>>;

    fn into_iter(self) -> Self::IntoIter {
        match self {
            Groups::Rising { keys, .. } => Box::new(keys.into_iter()),
            Groups::Hashed(s) => Box::new(s.into_iter()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{NodeId, RelId};

    fn key(vs: &[Value]) -> GroupKey {
        vs.iter().cloned().collect()
    }

    fn node(i: u64) -> Value {
        Value::Node(NodeId(i))
    }

    #[test]
    fn rising_keys_are_found_as_a_hash_set_finds_them() {
        // Rising, then the same node again with another second key, then an earlier node, a
        // relationship, a value that is no entity: each found as the hash set finds it.
        let seq = [
            [node(1), Value::Int(0)],
            [node(1), Value::Int(0)],
            [node(4), Value::Int(0)],
            [node(4), Value::Int(1)],
            [node(2), Value::Int(0)],
            [node(4), Value::Int(0)],
            [node(1), Value::Int(0)],
            [Value::Rel(RelId(9)), Value::Int(0)],
            [Value::Null, Value::Int(0)],
            [node(9), Value::Int(0)],
            [node(9), Value::Int(0)],
        ];
        let mut rising = Groups::new(Some(0));
        let mut hashed = Groups::new(None);
        let mut was_rising = Vec::new();
        for k in &seq {
            let a = rising.insert_full(key(k));
            let b = hashed.insert_full(key(k));
            assert_eq!(a, b, "{k:?}");
            was_rising.push(matches!(rising, Groups::Rising { .. }));
        }
        // It stayed rising up to the second key of node 4.
        assert_eq!(was_rising.iter().filter(|r| **r).count(), 3);
        let (a, b): (Vec<_>, Vec<_>) = (rising.into_iter().collect(), hashed.into_iter().collect());
        assert_eq!(a, b);
    }

    #[test]
    fn parts_that_follow_are_appended_and_others_merged() {
        let part = |ids: &[u64]| {
            let mut g = Groups::new(Some(0));
            ids.iter().for_each(|&i| {
                g.insert_full(key(&[node(i)]));
            });
            g
        };
        let mut g = part(&[1, 2, 3]);
        assert!(g.follows(&part(&[4, 5])));
        assert!(g.follows(&part(&[])));
        assert!(!g.follows(&part(&[3, 4])));
        g.append(part(&[4, 5]));
        assert!(matches!(g, Groups::Rising { .. }));
        // A part that overlaps merges by key.
        g.append(part(&[2, 7]));
        let keys: Vec<_> = g.into_iter().collect();
        assert_eq!(keys, [1, 2, 3, 4, 5, 7].map(|i| key(&[node(i)])));
    }
}
