//! Relationship ids in the order an expansion reads them: after an import, each type's
//! relationships are numbered by their start node, as a compressed sparse row would hold
//! them, whatever order the files listed them in. An organisation's FUNDED relationships then
//! have neighbouring ids, so that their properties, kept by id (in a snapshot's lists and in
//! the columns), are read one after another by an expansion from the organisations, not one
//! cache miss each over the whole type.

use super::Graph;

impl Graph {
    /// Numbers the relationships again: the types one after another, in the order each first
    /// came, and within a type by start node, each node's in the order they were. Only for
    /// a graph nobody has read yet (an import before it is written): the ids change.
    pub fn cluster_rels(&mut self) {
        let nodes = self.nodes.len();
        let r = self.r_mut();
        let ids = r.id_bound();
        if ids >= u32::MAX as usize || nodes >= u32::MAX as usize {
            return;
        }
        // The ids of each type in the order the types came.
        let mut by_type: Vec<(u32, Vec<u32>)> = Vec::new();
        for (id, w) in r.iter() {
            let t = w.ty.index();
            if by_type.len() <= t {
                by_type.resize_with(t + 1, || (u32::MAX, Vec::new()));
            }
            by_type[t].0 = by_type[t].0.min(id);
            by_type[t].1.push(id);
        }
        by_type.sort_by_key(|(first, _)| *first);
        let start = |id: u32| r.get(crate::value::RelId(u64::from(id))).map_or(0, |w| w.start as usize);
        // A counting sort of each type's ids by start node, stable: new ids in that order.
        let mut renumber = vec![u32::MAX; ids];
        let mut next = 0u32;
        let mut offsets = vec![0u32; nodes + 1];
        for (_, of_type) in by_type {
            offsets.iter_mut().for_each(|o| *o = 0);
            for &id in &of_type {
                offsets[start(id) + 1] += 1;
            }
            for n in 0..nodes {
                offsets[n + 1] += offsets[n];
            }
            for &id in &of_type {
                let at = &mut offsets[start(id)];
                renumber[id as usize] = next + *at;
                *at += 1;
            }
            next += of_type.len() as u32;
        }
        r.renumber(&renumber);
        self.changed();
        self.adjacency.clear();
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{Dir, Graph};
    use crate::value::{NodeId, Value};

    #[test]
    fn each_types_relationships_are_numbered_by_start_node() {
        let mut g = Graph::new();
        let n = g.label_sym("N");
        let key = g.intern_key("n");
        let [a, b, c] = [(); 3].map(|()| g.add_node_syms(&[n], &[]));
        let (f, t) = (g.type_sym("F"), g.type_sym("G"));
        // In file order: by end node, two types interleaved.
        let rels = [(c, a, f, 1), (b, a, f, 2), (a, b, t, 3), (c, b, f, 4), (b, c, f, 5), (a, c, f, 6)];
        for (s, e, ty, v) in rels {
            g.add_rel_sym(s, e, ty, &[(key, Value::Int(v))]).expect("created");
        }
        let before = facts(&g);
        g.cluster_rels();
        let after = facts(&g);
        let ends = |v: &[(u64, NodeId, NodeId, i64)]| sorted(v.iter().map(|x| (x.1, x.2, x.3)).collect());
        assert_eq!(ends(&before), ends(&after), "the same relationships");
        // F first (it came first): a's, then b's (2 before 5, their order), then c's; then G.
        let order: Vec<i64> = after.iter().map(|x| x.3).collect();
        assert_eq!(order, vec![6, 2, 5, 1, 4, 3]);
        assert_eq!(after.iter().map(|x| x.0).collect::<Vec<_>>(), (0..6).collect::<Vec<_>>());
        // Each node's relationships of a type come in the same order whichever way they are
        // read: the lists and the adjacency.
        for node in [a, b, c] {
            let linked: Vec<_> = g.rels_of(node, Dir::Out, &[f]).collect();
            let adj: Vec<_> = g.adjacency(f, Dir::Out).expect("built").of(node).collect();
            assert_eq!(linked, adj);
        }
    }

    /// `(id, start, end, n)` of each relationship, in id order.
    fn facts(g: &Graph) -> Vec<(u64, NodeId, NodeId, i64)> {
        let key = g.key_id("n").expect("n");
        g.rel_ids()
            .map(|r| {
                let (s, e) = g.rel_ends(r).expect("live");
                let Some(Value::Int(n)) = g.rel_prop(r, key) else { panic!("no n") };
                (r.0, s, e, n)
            })
            .collect()
    }

    fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
        v.sort();
        v
    }
}
