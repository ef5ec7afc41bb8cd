//! The relationships: a record of 16 bytes for each id (its ends, its type, where its
//! properties lie), and, once a node's relationships are first walked one by one or one is
//! written, each node's relationships in two linked lists (8 bytes more per relationship).
//!
//! Reads in bulk never need the lists: an expansion reads a type's adjacency (`adjacency.rs`),
//! built from the records. At the shared benchmark's scale 10 (a hundred million
//! relationships) the records take 1.5 GiB where petgraph's graph, which held them before,
//! took 3.4 GiB with its lists and the table of each id's place in it.
//!
//! Each list is in descending id order (the newest first), as the adjacency's runs are, so
//! a node's relationships come in the same order whichever is read.

use std::sync::OnceLock;

use super::{props, TypeId};
use crate::value::{NodeId, RelId};

/// No relationship (the end of a list), and the ends of a deleted relationship's record.
const NIL: u32 = u32::MAX;

/// A relationship: 16 bytes, in [`Rels::recs`] at its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rec {
    pub start: u32,
    pub end: u32,
    pub ty: TypeId,
    /// Offset of its properties in `Rels::props`.
    pub props: u32,
}

impl Rec {
    const GONE: Rec = Rec { start: NIL, end: NIL, ty: TypeId(u32::MAX), props: 0 };

    pub fn live(&self) -> bool {
        self.start != NIL
    }
    pub fn start(&self) -> NodeId {
        NodeId(u64::from(self.start))
    }
    pub fn end(&self) -> NodeId {
        NodeId(u64::from(self.end))
    }
}

/// Each node's relationships, outgoing (`[0]`) and incoming (`[1]`), newest first.
#[derive(Debug, Clone, Default)]
struct Lists {
    /// By node id: its newest relationship on each side (nodes past the end have none).
    heads: Vec<[u32; 2]>,
    /// By relationship id: the next one on each side.
    next: Vec<[u32; 2]>,
}

impl Lists {
    fn head(&mut self, node: u32, side: usize) -> &mut u32 {
        let n = node as usize;
        if self.heads.len() <= n {
            self.heads.resize(n + 1, [NIL; 2]);
        }
        &mut self.heads[n][side]
    }

    /// Links `id` into `node`'s list on `side`, before the first smaller id.
    fn link(&mut self, id: u32, node: u32, side: usize) {
        if self.next.len() <= id as usize {
            self.next.resize(id as usize + 1, [NIL; 2]);
        }
        let head = *self.head(node, side);
        if head == NIL || head < id {
            self.next[id as usize][side] = head;
            *self.head(node, side) = id;
            return;
        }
        let mut at = head;
        while self.next[at as usize][side] != NIL && self.next[at as usize][side] > id {
            at = self.next[at as usize][side];
        }
        self.next[id as usize][side] = self.next[at as usize][side];
        self.next[at as usize][side] = id;
    }

    /// Takes `id` out of `node`'s list on `side`.
    fn unlink(&mut self, id: u32, node: u32, side: usize) {
        let after = self.next.get(id as usize).map_or(NIL, |n| n[side]);
        let head = self.head(node, side);
        if *head == id {
            *head = after;
            return;
        }
        let mut at = *head;
        while at != NIL {
            let n = self.next[at as usize][side];
            if n == id {
                self.next[at as usize][side] = after;
                return;
            }
            at = n;
        }
    }
}

/// The relationships: their records by id, their lists when made, their property lists.
#[derive(Debug, Clone, Default)]
pub(super) struct Rels {
    recs: Vec<Rec>,
    live: usize,
    lists: OnceLock<Lists>,
    pub props: props::Arena,
}

impl Rels {
    /// A live relationship's record.
    pub fn get(&self, id: RelId) -> Option<&Rec> {
        self.recs.get(usize::try_from(id.0).ok()?).filter(|r| r.live())
    }

    /// How many live relationships there are.
    pub fn live(&self) -> usize {
        self.live
    }

    /// One past the largest id that has a record.
    pub fn id_bound(&self) -> usize {
        self.recs.len()
    }

    /// The live relationships in id order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u32, &Rec)> + '_ {
        self.recs.iter().enumerate().filter(|(_, r)| r.live()).map(|(i, r)| (i as u32, r))
    }

    /// The live relationships' property offsets, for the arena's compaction.
    pub fn props_mut(&mut self) -> (impl Iterator<Item = &mut u32>, &mut props::Arena) {
        (self.recs.iter_mut().filter(|r| r.live()).map(|r| &mut r.props), &mut self.props)
    }

    /// Where a live relationship's properties now lie.
    pub fn set_props(&mut self, id: RelId, props: u32) {
        if let Some(r) = self.recs.get_mut(id.index()).filter(|r| r.live()) {
            r.props = props;
        }
    }

    pub fn reserve(&mut self, rels: usize) {
        self.recs.reserve(rels);
    }

    /// Whether `id` may take a new record (it has none, live or deleted, that is in use).
    pub fn free(&self, id: u32) -> bool {
        self.recs.get(id as usize).is_none_or(|r| !r.live())
    }

    /// Puts a relationship at `id` (new, or deleted and brought back: never a live one's).
    pub fn put(&mut self, id: u32, start: NodeId, end: NodeId, ty: TypeId, props: u32) {
        debug_assert!(self.free(id), "relationship {id} is live");
        let (start, end) = (start.0 as u32, end.0 as u32);
        if self.recs.len() <= id as usize {
            self.recs.resize(id as usize + 1, Rec::GONE);
        }
        self.recs[id as usize] = Rec { start, end, ty, props };
        self.live += 1;
        if let Some(l) = self.lists.get_mut() {
            l.link(id, start, 0);
            l.link(id, end, 1);
        }
    }

    /// Deletes a live relationship: its record as it was. Lists not made yet are made
    /// without it.
    pub fn remove(&mut self, id: RelId) -> Option<Rec> {
        let rec = *self.get(id)?;
        if let Some(l) = self.lists.get_mut() {
            l.unlink(id.0 as u32, rec.start, 0);
            l.unlink(id.0 as u32, rec.end, 1);
        }
        self.recs[id.0 as usize] = Rec::GONE;
        self.live -= 1;
        Some(rec)
    }

    /// Gives the relationships new ids: the one at `old` goes to `renumber[old]` (every live
    /// one has a new id, and no two the same). The lists are made again when next needed.
    pub fn renumber(&mut self, renumber: &[u32]) {
        let mut recs = vec![Rec::GONE; self.recs.len()];
        for (old, rec) in self.recs.iter().enumerate().filter(|(_, r)| r.live()) {
            recs[renumber[old] as usize] = *rec;
        }
        self.recs = recs;
        self.lists = OnceLock::new();
    }

    /// The lists, made now if they are not yet.
    fn lists(&self) -> &Lists {
        self.lists.get_or_init(|| {
            let bound = self.recs.iter().filter(|r| r.live()).map(|r| r.start.max(r.end) as usize + 1).max();
            let mut l = Lists { heads: vec![[NIL; 2]; bound.unwrap_or(0)], next: vec![[NIL; 2]; self.recs.len()] };
            // In ascending id order each goes first, where `link` puts a newer one; written
            // out here without `link`'s checks for room, which took the build twice as long.
            for (id, r) in self.iter() {
                for (side, node) in [(0, r.start), (1, r.end)] {
                    let head = &mut l.heads[node as usize][side];
                    l.next[id as usize][side] = *head;
                    *head = id;
                }
            }
            l
        })
    }

    /// A node's relationships on one side (0: outgoing, 1: incoming), newest first:
    /// `(relationship, its record)`.
    pub fn of(&self, node: NodeId, side: usize) -> impl Iterator<Item = (RelId, &Rec)> + '_ {
        let l = self.lists();
        let first = usize::try_from(node.0).ok().and_then(|n| l.heads.get(n)).map_or(NIL, |h| h[side]);
        std::iter::successors(Some(first).filter(|&i| i != NIL), move |&i| {
            Some(l.next[i as usize][side]).filter(|&n| n != NIL)
        })
        .map(move |i| (RelId(u64::from(i)), &self.recs[i as usize]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(r: &Rels, node: u64, side: usize) -> Vec<u64> {
        r.of(NodeId(node), side).map(|(id, _)| id.0).collect()
    }

    #[test]
    fn lists_are_newest_first_whenever_they_are_made_and_whatever_comes_back() {
        let t = TypeId(0);
        let mut r = Rels::default();
        for (id, s, e) in [(0, 0, 1), (1, 0, 2), (2, 1, 0), (3, 0, 0)] {
            r.put(id, NodeId(s), NodeId(e), t, 0);
        }
        // Made from the records at the first walk.
        assert_eq!(ids(&r, 0, 0), [3, 1, 0]);
        assert_eq!(ids(&r, 0, 1), [3, 2]);
        // Then kept as relationships come and go.
        r.put(4, NodeId(0), NodeId(1), t, 0);
        let gone = r.remove(RelId(1)).expect("live");
        assert_eq!((gone.start, gone.end), (0, 2));
        assert_eq!(ids(&r, 0, 0), [4, 3, 0]);
        assert_eq!(ids(&r, 2, 1), Vec::<u64>::new());
        // One brought back (a rollback) takes its place by id, not the front.
        r.put(1, NodeId(0), NodeId(2), t, 0);
        assert_eq!(ids(&r, 0, 0), [4, 3, 1, 0]);
        r.remove(RelId(0));
        r.remove(RelId(4));
        assert_eq!(ids(&r, 0, 0), [3, 1]);
        assert_eq!(ids(&r, 1, 1), Vec::<u64>::new());
        assert_eq!(r.live(), 3);
        // Nodes past the end have none; a deleted id reads as none.
        assert_eq!(ids(&r, 99, 0), Vec::<u64>::new());
        assert!(r.get(RelId(0)).is_none() && r.get(RelId(99)).is_none());
        // One deleted before the lists are made is not in them.
        let mut fresh = Rels::default();
        for id in 0..3 {
            fresh.put(id, NodeId(0), NodeId(1), t, 0);
        }
        assert!(fresh.remove(RelId(1)).is_some() && fresh.remove(RelId(1)).is_none());
        assert_eq!((ids(&fresh, 0, 0), ids(&fresh, 1, 1), fresh.live()), (vec![2, 0], vec![2, 0], 2));
        // Renumbered, the lists are made again from the new ids.
        r.renumber(&[NIL, 0, 2, 1, NIL]);
        assert_eq!(ids(&r, 0, 0), [1, 0]);
        assert_eq!(r.get(RelId(2)).map(|x| (x.start, x.end)), Some((1, 0)));
    }
}
