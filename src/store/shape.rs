//! How a graph is put together, counted in one pass over its records without decoding a
//! value or naming a symbol: the keys the nodes of each label and the relationships of each
//! type carry, and which labels each type connects. Completion, hints and `:schema` read it
//! after every write, so on a graph of ten million relationships it must take a fraction of a
//! second, not the seconds a pass that builds strings per record takes.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::{Graph, Id, KeyId, LabelId, TypeId};
use crate::value::NodeId;

/// Counts of the graph's shape, by symbol.
#[derive(Debug, Default)]
pub struct Shape {
    /// Per label, its nodes' keys with how many carry each, in the order first met.
    pub label_keys: IndexMap<LabelId, IndexMap<KeyId, usize>>,
    /// Per relationship type, its relationships' keys with how many carry each, in the order
    /// first met.
    pub type_keys: IndexMap<TypeId, IndexMap<KeyId, usize>>,
    /// `(type, start label, end label, count)` for every labelled pair a type connects.
    pub connections: Vec<(TypeId, LabelId, LabelId, usize)>,
    /// The relationships were not read (see [`Graph::shape_so_far`]): `type_keys` and
    /// `connections` are empty.
    pub without_relationships: bool,
}

impl Graph {
    /// The graph's [`Shape`].
    pub fn shape(&self) -> Shape {
        self.shape_of(true)
    }

    /// [`Graph::shape`] without reading the relationships of a database that has not read
    /// them yet (`lazy.rs`): what completion takes when the REPL opens, so that opening stays
    /// quick; it asks again once they are read.
    pub fn shape_so_far(&self) -> Shape {
        self.shape_of(self.relationships_read())
    }

    fn shape_of(&self, with_relationships: bool) -> Shape {
        let mut s = Shape::default();
        let mut labels = Tally::default();
        for id in self.node_ids() {
            let Some(n) = self.node(id) else { continue };
            let set = self.label_set(n.labels);
            set.iter().for_each(|&l| labels.meet(l));
            if set.is_empty() {
                continue;
            }
            // The property list is read once, whatever the number of labels.
            for (k, _) in self.node_props.entries(n.props) {
                set.iter().for_each(|&l| labels.count(l, k));
            }
        }
        s.label_keys = labels.into_map();
        if !with_relationships {
            s.without_relationships = true;
            return s;
        }
        let mut types = Tally::default();
        // Relationships come in runs of one type between nodes of the same label sets, so the
        // last pair counted is kept at hand and the table is touched only when it changes.
        let mut pairs: HashMap<(TypeId, u32, u32), usize> = HashMap::new();
        let mut last: Option<((TypeId, u32, u32), usize)> = None;
        // In id order, as keys are listed in the order first met.
        let rels = self.r();
        let set = |id: NodeId| self.node(id).map_or(0, |n| n.labels);
        for (_, r) in rels.iter() {
            let key = (r.ty, set(r.start()), set(r.end()));
            match &mut last {
                Some((k, n)) if *k == key => *n += 1,
                _ => {
                    if let Some((k, n)) = last.replace((key, 1)) {
                        *pairs.entry(k).or_default() += n;
                    }
                }
            }
            types.meet(r.ty);
            for (k, _) in rels.props.entries(r.props) {
                types.count(r.ty, k);
            }
        }
        if let Some((k, n)) = last {
            *pairs.entry(k).or_default() += n;
        }
        s.type_keys = types.into_map();
        let mut by_label: HashMap<(TypeId, LabelId, LabelId), usize> = HashMap::new();
        for ((ty, a, b), n) in pairs {
            for &la in self.label_set(a) {
                for &lb in self.label_set(b) {
                    *by_label.entry((ty, la, lb)).or_default() += n;
                }
            }
        }
        s.connections = by_label.into_iter().map(|((t, a, b), n)| (t, a, b, n)).collect();
        s
    }
}

/// Keys counted per label or type in dense tables (symbols are small numbers), each with the
/// order its keys were first met in: a hash per record would cost more than the pass.
#[derive(Default)]
struct Tally<I> {
    /// The labels or types met, in order.
    met: Vec<I>,
    /// Per label or type: the count of each key, and the keys in the order first met.
    counts: Vec<Option<(Vec<usize>, Vec<KeyId>)>>,
}

impl<I: Id> Tally<I> {
    fn meet(&mut self, of: I) {
        let i = of.index();
        if self.counts.len() <= i {
            self.counts.resize_with(i + 1, || None);
        }
        if self.counts[i].is_none() {
            self.counts[i] = Some((Vec::new(), Vec::new()));
            self.met.push(of);
        }
    }

    /// Counts `key` for `of` (met already).
    fn count(&mut self, of: I, key: KeyId) {
        let Some((counts, order)) = self.counts.get_mut(of.index()).and_then(Option::as_mut) else { return };
        let k = key.index();
        if counts.len() <= k {
            counts.resize(k + 1, 0);
        }
        if counts[k] == 0 {
            order.push(key);
        }
        counts[k] += 1;
    }

    fn into_map(mut self) -> IndexMap<I, IndexMap<KeyId, usize>> {
        self.met
            .iter()
            .map(|&of| {
                let (counts, order) = self.counts[of.index()].take().unwrap_or_default();
                (of, order.iter().map(|&k| (k, counts[k.index()])).collect())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn counts_keys_by_label_and_type_and_the_labels_types_connect() {
        let mut g = Graph::new();
        let a = g.create_node(["Person", "Official"], [("name", Value::from("a")), ("born", Value::Int(1))]);
        let b = g.create_node(["Person"], [("name", Value::from("b"))]);
        let c = g.create_node(["Country"], [("name", Value::from("c"))]);
        g.create_rel(a, c, "VISITED", [("year", Value::Int(2023))]);
        g.create_rel(b, c, "VISITED", []);
        g.create_rel(a, b, "KNOWS", []);
        let s = g.shape();
        let sym = |name: &str| g.key_id(name).unwrap();
        let person = g.label_id("Person").unwrap();
        let official = g.label_id("Official").unwrap();
        let country = g.label_id("Country").unwrap();
        let visited = g.type_id("VISITED").unwrap();
        let knows = g.type_id("KNOWS").unwrap();
        assert_eq!(
            s.label_keys[&person].iter().map(|(k, n)| (*k, *n)).collect::<Vec<_>>(),
            [(sym("name"), 2), (sym("born"), 1)]
        );
        assert_eq!(s.label_keys[&official][&sym("born")], 1);
        assert_eq!(s.type_keys[&visited][&sym("year")], 1);
        assert!(s.type_keys[&knows].is_empty());
        let mut conns = s.connections.clone();
        conns.sort();
        let mut want = vec![
            (visited, person, country, 2),
            (visited, official, country, 1),
            (knows, person, person, 1),
            (knows, official, person, 1),
        ];
        want.sort();
        assert_eq!(conns, want);
    }

    #[test]
    fn keys_are_in_the_order_of_the_relationships_ids() {
        let mut g = Graph::new();
        let a = g.create_node(["A"], []);
        let first = g.create_rel(a, a, "T", [("x", Value::Int(1))]).unwrap();
        g.create_rel(a, a, "T", [("y", Value::Int(1))]);
        g.delete_rel(first);
        // The new relationship's id is larger than the deleted one's.
        g.create_rel(a, a, "T", [("x", Value::Int(2))]);
        let t = g.type_id("T").unwrap();
        let keys: Vec<KeyId> = g.shape().type_keys[&t].keys().copied().collect();
        assert_eq!(keys, [g.key_id("y").unwrap(), g.key_id("x").unwrap()]);
    }
}
