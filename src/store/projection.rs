//! Read-only projections of the graph for the algorithms in `crate::algo`: the nodes with some
//! labels and the relationships of some types between them, as a compact CSR (compressed
//! sparse row) adjacency built once per call. Parallel relationships collapse into one edge,
//! as in NetworkX's `Graph`/`DiGraph`; the edge keeps the smallest weight and that
//! relationship's id. Self-loops are kept (once).

use std::sync::{Arc, Mutex};

use super::{Graph, KeyId, LabelId, TypeId};
use crate::value::{NodeId, RelId, Value};

/// A simple graph over local indices `0..n`: `nodes[i]` is the graph's node id of index `i`
/// (in id order); the edges of `i` are `targets[offsets[i]..offsets[i + 1]]`, sorted by
/// target, with their `weights` and the `rels` they stand for. Undirected projections list
/// each edge under both ends (a self-loop once). `rels` is empty unless asked for.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    /// The graph's node id of each local index, in id order.
    pub nodes: Vec<NodeId>,
    /// Where each index's edges start in `targets`, with one extra entry at the end (`n + 1` in
    /// all).
    pub offsets: Vec<usize>,
    /// The local index of each edge's target, grouped by source and sorted by target.
    pub targets: Vec<u32>,
    /// Each edge's weight, parallel to `targets` (`None` when unweighted).
    pub weights: Option<Vec<f64>>,
    /// The relationship each edge stands for, parallel to `targets` (empty unless asked for).
    pub rels: Vec<RelId>,
    /// Whether the edges are directed.
    pub directed: bool,
}

impl Projection {
    /// The number of projected nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Edges of the simple graph (an undirected edge counts once).
    pub fn edge_count(&self) -> usize {
        if self.directed {
            self.targets.len()
        } else {
            let loops = (0..self.nodes.len()).filter(|&i| self.neighbors(i).contains(&(i as u32))).count();
            (self.targets.len() - loops) / 2 + loops
        }
    }

    /// Neighbours (out-neighbours when directed) of index `i`.
    #[inline]
    pub fn neighbors(&self, i: usize) -> &[u32] {
        &self.targets[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The weights of `neighbors(i)` (all 1 when unweighted).
    #[inline]
    pub fn weights_of(&self, i: usize) -> Option<&[f64]> {
        self.weights.as_ref().map(|w| &w[self.offsets[i]..self.offsets[i + 1]])
    }

    /// Index of a graph node id, if projected.
    pub fn index_of(&self, id: NodeId) -> Option<usize> {
        self.nodes.binary_search(&id).ok()
    }

    /// Strongly connected components (Tarjan's, petgraph's) of a directed projection, as lists
    /// of local indices; for an undirected one these are the connected components.
    pub fn strongly_connected(&self) -> Vec<Vec<u32>> {
        let mut edges = Vec::with_capacity(self.targets.len());
        for i in 0..self.nodes.len() {
            edges.extend(self.neighbors(i).iter().map(|&t| (i as u32, t)));
        }
        let mut g = petgraph::graph::DiGraph::<(), (), u32>::with_capacity(self.nodes.len(), edges.len());
        for _ in 0..self.nodes.len() {
            g.add_node(());
        }
        g.extend_with_edges(edges);
        petgraph::algo::tarjan_scc(&g)
            .into_iter()
            .map(|c| c.into_iter().map(|ix| ix.index() as u32).collect())
            .collect()
    }
}

/// Why a projection could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum ProjectionError {
    /// A relationship's weight property is not a number.
    BadWeight {
        /// The relationship.
        rel: RelId,
        /// The offending value, in Cypher notation.
        value: String,
    },
    /// The graph cannot make projections (a store without them, such as a test graph).
    Unsupported(&'static str),
}

/// What to project (see [`Graph::projection`]); also what the cache knows a projection by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectionSpec {
    /// The nodes carrying any of these labels (all nodes when empty).
    pub labels: Vec<LabelId>,
    /// The relationships of any of these types between them (all when empty).
    pub types: Vec<TypeId>,
    /// `false`: the undirected simple graph (NetworkX's `Graph`).
    pub directed: bool,
    /// Every relationship turned around (directed only).
    pub reverse: bool,
    /// Each edge carries this numeric property (1 when absent).
    pub weight: Option<KeyId>,
    /// Each edge names the relationship it stands for (else `rels` is empty).
    pub with_rels: bool,
}

type Key = ProjectionSpec;

/// The projections built last, kept until the graph changes (every mutation of the store
/// clears it), so that a class running PageRank, then components, then PageRank again on a
/// large graph pays for the projection once, as it would with a graph object built beforehand
/// in NetworkX or igraph. At most [`Cache::KEEP`] are kept.
#[derive(Debug, Default)]
pub(super) struct Cache(Mutex<Vec<(Key, Arc<Projection>)>>);

impl Cache {
    const KEEP: usize = 2;

    pub(super) fn clear(&mut self) {
        match self.0.get_mut() {
            Ok(v) => v.clear(),
            Err(poisoned) => poisoned.into_inner().clear(),
        }
    }

    fn get(&self, key: &Key) -> Option<Arc<Projection>> {
        let v = self.0.lock().ok()?;
        v.iter().find(|(k, _)| k == key).map(|(_, p)| Arc::clone(p))
    }

    fn put(&self, key: Key, p: Arc<Projection>) {
        if let Ok(mut v) = self.0.lock() {
            v.retain(|(k, _)| *k != key);
            if v.len() >= Self::KEEP {
                v.remove(0);
            }
            v.push((key, p));
        }
    }
}

/// A copy of the graph starts with no projections.
impl Clone for Cache {
    fn clone(&self) -> Cache {
        Cache::default()
    }
}

impl Graph {
    /// [`Graph::projection`], shared with earlier calls that asked for the same one while the
    /// graph has not changed since.
    pub fn projection_shared(&self, spec: &ProjectionSpec) -> Result<Arc<Projection>, ProjectionError> {
        let key = ProjectionSpec { reverse: spec.reverse && spec.directed, ..spec.clone() };
        if let Some(p) = self.projections.get(&key) {
            return Ok(p);
        }
        let p = Arc::new(self.projection(spec)?);
        self.projections.put(key, Arc::clone(&p));
        Ok(p)
    }

    /// The projection `spec` asks for: the nodes carrying any of its labels and the
    /// relationships of any of its types between them, directed or not, turned around or not,
    /// weighted or not.
    pub fn projection(&self, spec: &ProjectionSpec) -> Result<Projection, ProjectionError> {
        let ProjectionSpec { labels, types, directed, reverse, weight, with_rels } = spec;
        let (directed, reverse, weight, with_rels) = (*directed, *reverse, *weight, *with_rels);
        // Local index of each node id (u32::MAX: not projected), nodes in id order.
        let r = self.r();
        let mut local = vec![u32::MAX; self.nodes.len()];
        let mut nodes = Vec::new();
        for (id, rec) in self.nodes.iter().enumerate().filter(|(_, n)| n.live()) {
            if labels.is_empty() || self.label_set(rec.labels).iter().any(|l| labels.contains(l)) {
                local[id] = nodes.len() as u32;
                nodes.push(NodeId(id as u64));
            }
        }
        let n = nodes.len();
        // One pass over the store: the projected edges, oriented (both ways when undirected).
        let cap = r.live() * if directed { 1 } else { 2 };
        let mut from: Vec<u32> = Vec::with_capacity(cap);
        let mut to: Vec<u32> = Vec::with_capacity(cap);
        let mut rel: Vec<RelId> = if with_rels { Vec::with_capacity(cap) } else { Vec::new() };
        let mut wt: Option<Vec<f64>> = weight.map(|_| Vec::with_capacity(cap));
        // Whether the edges come sorted by (from, to), as a CSV load sorted by source gives.
        let mut sorted = true;
        let mut last = (0u32, 0u32);
        for (id, rec) in r.iter() {
            if !(types.is_empty() || types.contains(&rec.ty)) {
                continue;
            }
            let (a, b) = (local[rec.start as usize], local[rec.end as usize]);
            if a == u32::MAX || b == u32::MAX {
                continue;
            }
            let (a, b) = if directed && reverse { (b, a) } else { (a, b) };
            let w = match weight.and_then(|k| r.props.get(rec.props, k)) {
                None | Some(Value::Null) => 1.0,
                Some(Value::Int(i)) => i as f64,
                Some(Value::Float(f)) => f,
                Some(v) => {
                    return Err(ProjectionError::BadWeight {
                        rel: RelId(u64::from(id)),
                        value: crate::value::to_cypher_literal(&v),
                    })
                }
            };
            let copies: &[(u32, u32)] = if !directed && a != b { &[(a, b), (b, a)] } else { &[(a, b)] };
            for &(x, y) in copies {
                sorted &= (x, y) >= last;
                last = (x, y);
                from.push(x);
                to.push(y);
                if with_rels {
                    rel.push(RelId(u64::from(id)));
                }
                if let Some(ws) = wt.as_mut() {
                    ws.push(w);
                }
            }
        }
        let m = from.len();
        let mut offsets = vec![0usize; n + 1];
        for &a in &from {
            offsets[a as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        // Edge numbers grouped by source (a stable counting sort), unless they already are.
        let order: Option<Vec<u32>> = (!sorted).then(|| {
            let mut fill = offsets.clone();
            let mut order = vec![0u32; m];
            for (e, &a) in from.iter().enumerate() {
                order[fill[a as usize]] = e as u32;
                fill[a as usize] += 1;
            }
            order
        });
        drop(from);
        // Gather each row sorted by target, collapsing parallel edges (the smallest weight).
        let mut targets = Vec::with_capacity(m);
        let mut rels = Vec::with_capacity(if with_rels { m } else { 0 });
        let mut weights = wt.as_ref().map(|_| Vec::with_capacity(m));
        let mut row: Vec<u32> = Vec::new();
        let mut start = 0usize;
        for i in 0..n {
            let end = offsets[i + 1];
            offsets[i] = targets.len();
            row.clear();
            match &order {
                Some(o) => row.extend_from_slice(&o[start..end]),
                None => row.extend(start as u32..end as u32),
            }
            if !row.windows(2).all(|p| to[p[0] as usize] < to[p[1] as usize]) {
                let w = |e: u32| wt.as_ref().map_or(0.0, |ws| ws[e as usize]);
                row.sort_by(|&x, &y| to[x as usize].cmp(&to[y as usize]).then(w(x).total_cmp(&w(y))));
            }
            let row_start = targets.len();
            for &e in &row {
                let (t, e) = (to[e as usize], e as usize);
                if targets.len() > row_start && targets[targets.len() - 1] == t {
                    continue;
                }
                targets.push(t);
                if with_rels {
                    rels.push(rel[e]);
                }
                if let (Some(ws), Some(src)) = (weights.as_mut(), wt.as_ref()) {
                    ws.push(src[e]);
                }
            }
            start = end;
        }
        offsets[n] = targets.len();
        Ok(Projection { nodes, offsets, targets, weights, rels, directed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// a→b twice (weights 5 and 2), b→a, b→c, c→c, and an isolated d; `T` and `U` types.
    fn graph() -> Graph {
        let mut g = Graph::new();
        let a = g.create_node(["P"], []);
        let b = g.create_node(["P"], []);
        let c = g.create_node(["Q"], []);
        g.create_node(["P"], []);
        g.create_rel(a, b, "T", [("w", Value::Int(5))]);
        g.create_rel(a, b, "T", [("w", Value::Float(2.0))]);
        g.create_rel(b, a, "T", []);
        g.create_rel(b, c, "U", [("w", Value::Int(1))]);
        g.create_rel(c, c, "T", []);
        g
    }

    #[test]
    fn directed_collapses_parallel_relationships_keeping_the_smallest_weight() {
        let g = graph();
        let w = g.key_id("w");
        let p =
            g.projection(&ProjectionSpec { directed: true, weight: w, with_rels: true, ..Default::default() }).unwrap();
        assert_eq!(p.nodes, [0, 1, 2, 3].map(NodeId));
        assert_eq!(
            (p.neighbors(0), p.neighbors(1), p.neighbors(2), p.neighbors(3)),
            (&[1][..], &[0, 2][..], &[2][..], &[][..])
        );
        assert_eq!(p.weights_of(0), Some(&[2.0][..]));
        assert_eq!(p.rels[p.offsets[0]], RelId(1));
        assert_eq!(p.weights_of(1), Some(&[1.0, 1.0][..]));
        assert_eq!(p.edge_count(), 4);
        let r = g.projection(&ProjectionSpec { directed: true, reverse: true, ..Default::default() }).unwrap();
        assert_eq!((r.neighbors(0), r.neighbors(1), r.neighbors(2)), (&[1][..], &[0][..], &[1, 2][..]));
        assert!(r.rels.is_empty());
    }

    #[test]
    fn undirected_lists_each_edge_under_both_ends_and_a_self_loop_once() {
        let g = graph();
        let p = g.projection(&ProjectionSpec::default()).unwrap();
        assert_eq!((p.neighbors(0), p.neighbors(1), p.neighbors(2)), (&[1][..], &[0, 2][..], &[1, 2][..]));
        assert_eq!(p.edge_count(), 3);
    }

    #[test]
    fn labels_and_types_select_the_induced_subgraph() {
        let g = graph();
        let (p_label, t) = (g.label_id("P").unwrap(), g.type_id("T").unwrap());
        let p = g.projection(&ProjectionSpec { labels: vec![p_label], directed: true, ..Default::default() }).unwrap();
        assert_eq!(p.nodes, [0, 1, 3].map(NodeId));
        assert_eq!((p.neighbors(0), p.neighbors(1)), (&[1][..], &[0][..]));
        let q = g.projection(&ProjectionSpec { types: vec![t], directed: true, ..Default::default() }).unwrap();
        assert_eq!(q.neighbors(1), &[0][..]);
        assert_eq!(q.index_of(NodeId(2)), Some(2));
    }

    #[test]
    fn shared_projections_last_until_the_graph_changes() {
        let mut g = graph();
        let p = g.projection_shared(&ProjectionSpec { directed: true, ..Default::default() }).unwrap();
        let q = g.projection_shared(&ProjectionSpec { directed: true, ..Default::default() }).unwrap();
        assert!(Arc::ptr_eq(&p, &q), "the same request is served from the cache");
        let u = g.projection_shared(&ProjectionSpec::default()).unwrap();
        assert!(!Arc::ptr_eq(&p, &u), "another request is another projection");
        // Each kind of change empties the cache.
        let changes: [fn(&mut Graph); 8] = [
            |g| {
                g.create_node(["P"], []);
            },
            |g| {
                g.create_rel(NodeId(0), NodeId(3), "T", []);
            },
            |g| {
                g.delete_rel(RelId(0));
            },
            |g| {
                let _ = g.delete_node(NodeId(3), true);
            },
            |g| {
                g.set_rel_prop(RelId(1), "w", Value::Int(9));
            },
            |g| {
                g.add_label(NodeId(2), "P");
            },
            |g| {
                g.remove_label(NodeId(0), "P");
            },
            |g| {
                let sp = g.savepoint();
                g.create_rel(NodeId(1), NodeId(2), "T", []);
                g.rollback(sp);
            },
        ];
        for (i, change) in changes.iter().enumerate() {
            let before = g
                .projection_shared(&ProjectionSpec { directed: true, weight: g.key_id("w"), ..Default::default() })
                .unwrap();
            change(&mut g);
            let after = g
                .projection_shared(&ProjectionSpec { directed: true, weight: g.key_id("w"), ..Default::default() })
                .unwrap();
            assert!(!Arc::ptr_eq(&before, &after), "change {i} must invalidate the projection");
            let fresh =
                g.projection(&ProjectionSpec { directed: true, weight: g.key_id("w"), ..Default::default() }).unwrap();
            assert_eq!((&after.nodes, &after.targets, &after.weights), (&fresh.nodes, &fresh.targets, &fresh.weights));
        }
    }

    #[test]
    fn a_weight_that_is_not_a_number_is_an_error() {
        let mut g = graph();
        g.set_rel_prop(RelId(0), "w", Value::str("heavy"));
        let e =
            g.projection(&ProjectionSpec { directed: true, weight: g.key_id("w"), ..Default::default() }).unwrap_err();
        assert_eq!(e, ProjectionError::BadWeight { rel: RelId(0), value: "'heavy'".into() });
    }
}
