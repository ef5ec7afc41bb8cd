//! Read-optimised adjacency: for one relationship type and direction, every node's
//! relationships in one contiguous slice (compressed sparse rows), so an expansion reads a
//! run of memory instead of chasing linked lists past the node's relationships of other types
//! (a country's few `LOCATED_IN` among thousands of `VISITED`).
//!
//! Built on first use per `(type, direction)` and dropped when a relationship of that type is
//! created or deleted; a statement that has already changed the graph does not build one (a
//! `MERGE` loop would rebuild it per row) and reads the linked lists instead. Within a node
//! the relationships come newest first, the order of the linked lists, so a query returns its
//! rows in the same order whichever way it reads.

use std::sync::{Arc, Mutex};

use super::{Dir, Graph, LabelId, TypeId};
use crate::value::{NodeId, RelId};

/// One type's relationships in one direction, grouped by node.
#[derive(Debug)]
pub struct Adjacency {
    /// `offsets[n]..offsets[n + 1]`: node `n`'s run in `entries` (nodes past the end: none).
    offsets: Vec<u32>,
    /// `(other end, relationship)`.
    entries: Vec<(u32, u32)>,
    /// The labels every other end carries (so an expansion need not check them).
    common: Vec<LabelId>,
}

impl Adjacency {
    /// Where a node's run lies (for [`Adjacency::at`]).
    pub fn run(&self, node: NodeId) -> std::ops::Range<usize> {
        usize::try_from(node.0)
            .ok()
            .filter(|&n| n + 1 < self.offsets.len())
            .map_or(0..0, |n| self.offsets[n] as usize..self.offsets[n + 1] as usize)
    }

    /// Reads where a node's run lies and asks for its first entries, so that their memory is
    /// on its way before the run is read.
    pub fn touch(&self, node: NodeId) {
        let run = self.run(node);
        if let Some(e) = self.entries.get(run.start) {
            mem_prefetch::prefetch_read_data::<_, 3>(e);
        }
    }

    /// Asks for where a node's run lies, without waiting for it (see [`Adjacency::touch`],
    /// which can then read it at once).
    pub fn prefetch(&self, node: NodeId) {
        if let Some(o) = usize::try_from(node.0).ok().and_then(|n| self.offsets.get(n)) {
            mem_prefetch::prefetch_read_data::<_, 3>(o);
        }
    }

    /// `(relationship, other end)` at a position of a run.
    pub fn at(&self, i: usize) -> (RelId, NodeId) {
        let (o, r) = self.entries[i];
        (RelId(r as u64), NodeId(o as u64))
    }

    /// `(other end, relationship)` of a node's relationships, newest first.
    pub fn of(&self, node: NodeId) -> impl ExactSizeIterator<Item = (RelId, NodeId)> + '_ {
        self.entries[self.run(node)].iter().map(|&(o, r)| (RelId(r as u64), NodeId(o as u64)))
    }

    /// Whether `rel` is in `node`'s run: a binary search of the run, which is in descending
    /// order of relationship id.
    pub fn holds(&self, node: NodeId, rel: RelId) -> bool {
        let Ok(rel) = u32::try_from(rel.0) else { return false };
        self.entries[self.run(node)].binary_search_by(|e| rel.cmp(&e.1)).is_ok()
    }

    /// Whether every node at the other end carries all of `labels`.
    pub fn others_have(&self, labels: &[LabelId]) -> bool {
        labels.iter().all(|l| self.common.contains(l))
    }

    /// How many relationships it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no relationships.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes it takes.
    pub fn bytes(&self) -> usize {
        self.offsets.len() * 4 + self.entries.len() * 8
    }
}

/// The adjacencies built so far, by type, `[out, in]`.
#[derive(Debug, Default)]
pub(super) struct Cache(Mutex<Vec<[Option<Arc<Adjacency>>; 2]>>);

impl Cache {
    /// Forgets them all (a label was taken off a node: what they know of labels is stale).
    pub(super) fn clear(&mut self) {
        match self.0.get_mut() {
            Ok(v) => v.clear(),
            Err(poisoned) => poisoned.into_inner().clear(),
        }
    }

    /// Forgets a type's adjacencies (a relationship of the type came or went).
    pub(super) fn drop_type(&mut self, ty: TypeId) {
        let v = match self.0.get_mut() {
            Ok(v) => v,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(slot) = v.get_mut(ty.index()) {
            *slot = [None, None];
        }
    }
}

/// A copy of the graph starts with none.
impl Clone for Cache {
    fn clone(&self) -> Cache {
        Cache::default()
    }
}

fn side(dir: Dir) -> Option<usize> {
    match dir {
        Dir::Out => Some(0),
        Dir::In => Some(1),
        Dir::Both => None,
    }
}

impl Graph {
    /// The adjacency of one type in one direction (`Out` or `In`), built now if need be.
    /// `None` for `Both`, when the running statement has changed the graph already and none
    /// is built (read the linked lists with [`Graph::rels_of`] instead), or past 4 billion
    /// node ids.
    pub fn adjacency(&self, ty: TypeId, dir: Dir) -> Option<Arc<Adjacency>> {
        let side = side(dir)?;
        let mut cache = self.adjacency.0.lock().ok()?;
        if let Some(a) = cache.get(ty.index()).and_then(|s| s[side].as_ref()) {
            return Some(Arc::clone(a));
        }
        if !self.journal.is_empty() || self.nodes.len() >= u32::MAX as usize {
            return None;
        }
        let a = Arc::new(self.build_adjacency(ty, side));
        if cache.len() <= ty.index() {
            cache.resize_with(ty.index() + 1, Default::default);
        }
        cache[ty.index()][side] = Some(Arc::clone(&a));
        Some(a)
    }

    fn build_adjacency(&self, ty: TypeId, side: usize) -> Adjacency {
        // Two sequential passes over the records, newest first (each run's order): count,
        // then place.
        let r = self.r();
        let ends = || {
            r.iter().rev().filter(move |(_, e)| e.ty == ty).map(move |(id, e)| {
                if side == 0 {
                    (e.start, e.end, id)
                } else {
                    (e.end, e.start, id)
                }
            })
        };
        let nodes = self.nodes.len();
        let mut offsets = vec![0u32; nodes + 1];
        for (at, _, _) in ends() {
            offsets[at as usize + 1] += 1;
        }
        for n in 0..nodes {
            offsets[n + 1] += offsets[n];
        }
        let mut cursor = offsets.clone();
        let mut entries = vec![(0u32, 0u32); offsets[nodes] as usize];
        let (mut common, mut last_set): (Option<Vec<LabelId>>, Option<u32>) = (None, None);
        for (at, other, rel) in ends() {
            let c = &mut cursor[at as usize];
            entries[*c as usize] = (other, rel);
            *c += 1;
            let set = self.node(NodeId(u64::from(other))).map_or(0, |n| n.labels);
            if last_set != Some(set) {
                last_set = Some(set);
                let labels = self.label_set(set);
                match &mut common {
                    None => common = Some(labels.to_vec()),
                    Some(c) => c.retain(|l| labels.contains(l)),
                }
            }
        }
        Adjacency { offsets, entries, common: common.unwrap_or_default() }
    }

    /// Whether the linked lists and the adjacency agree (tests).
    #[cfg(test)]
    pub(super) fn adjacency_agrees(&self, ty: TypeId, dir: Dir) -> bool {
        let Some(a) = self.adjacency(ty, dir) else { return false };
        self.node_ids().all(|n| a.of(n).collect::<Vec<_>>() == self.rels_of(n, dir, &[ty]).collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn graph() -> Graph {
        let mut g = Graph::new();
        let a = g.create_node(["P"], []);
        let b = g.create_node(["P"], []);
        let c = g.create_node(["C"], []);
        g.create_rel(a, b, "KNOWS", []);
        g.create_rel(a, c, "VISITED", [("year", Value::Int(2001))]);
        g.create_rel(b, a, "KNOWS", []);
        g.create_rel(a, b, "KNOWS", []);
        g.create_rel(c, c, "KNOWS", []);
        g
    }

    #[test]
    fn runs_match_the_linked_lists_in_order() {
        let g = graph();
        let knows = g.type_id("KNOWS").unwrap();
        assert!(g.adjacency_agrees(knows, Dir::Out));
        assert!(g.adjacency_agrees(knows, Dir::In));
        let out = g.adjacency(knows, Dir::Out).unwrap();
        assert_eq!(out.of(NodeId(0)).collect::<Vec<_>>(), vec![(RelId(3), NodeId(1)), (RelId(0), NodeId(1))]);
        assert_eq!(out.of(NodeId(2)).collect::<Vec<_>>(), vec![(RelId(4), NodeId(2))]);
        assert_eq!(out.of(NodeId(99)).count(), 0);
        assert_eq!(out.len(), 4);
    }

    #[test]
    fn a_change_of_the_type_drops_it_and_it_is_rebuilt() {
        let mut g = graph();
        let knows = g.type_id("KNOWS").unwrap();
        let before = g.adjacency(knows, Dir::Out).unwrap();
        g.create_rel(NodeId(1), NodeId(2), "KNOWS", []);
        g.delete_rel(RelId(0));
        let after = g.adjacency(knows, Dir::Out).unwrap();
        assert!(!Arc::ptr_eq(&before, &after));
        assert!(g.adjacency_agrees(knows, Dir::Out));
        assert_eq!(after.of(NodeId(0)).collect::<Vec<_>>(), vec![(RelId(3), NodeId(1))]);
    }

    #[test]
    fn a_statement_that_wrote_reads_the_lists() {
        let mut g = graph();
        let knows = g.type_id("KNOWS").unwrap();
        let sp = g.savepoint();
        g.create_rel(NodeId(1), NodeId(2), "KNOWS", []);
        assert!(g.adjacency(knows, Dir::Out).is_none());
        g.rollback(sp);
        assert!(g.adjacency_agrees(knows, Dir::Out));
        assert!(g.adjacency(knows, Dir::Both).is_none());
    }
}
