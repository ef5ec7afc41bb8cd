//! Read-only projections of the graph for the algorithms in `crate::algo`: the nodes with some
//! labels and the relationships of some types between them, as a compact CSR (compressed
//! sparse row) adjacency built once per call. Parallel relationships collapse into one edge,
//! as in NetworkX's `Graph`/`DiGraph`; the edge keeps the smallest weight and that
//! relationship's id. Self-loops are kept (once).

use petgraph::visit::NodeIndexable;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use super::{Graph, Sym};
use crate::value::{NodeId, RelId, Value};

/// A simple graph over local indices `0..n`: `nodes[i]` is the graph's node id of index `i`
/// (in id order); the edges of `i` are `targets[offsets[i]..offsets[i + 1]]`, sorted by
/// target, with their `weights` and the `rels` they stand for. Undirected projections list
/// each edge under both ends (a self-loop once).
#[derive(Debug, Clone, Default)]
pub struct Projection {
    pub nodes: Vec<NodeId>,
    pub offsets: Vec<usize>,
    pub targets: Vec<u32>,
    pub weights: Option<Vec<f64>>,
    pub rels: Vec<RelId>,
    pub directed: bool,
}

impl Projection {
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
    BadWeight { rel: RelId, value: String },
}

impl Graph {
    /// The nodes carrying any of `labels` (all nodes when empty) and the relationships of any
    /// of `types` (all when empty) between them. `directed: false` gives the undirected simple
    /// graph (NetworkX's `Graph`); `reverse` turns every relationship around (directed only).
    /// With a `weight` key each edge carries that numeric property (1 when absent).
    pub fn projection(
        &self,
        labels: &[Sym],
        types: &[Sym],
        directed: bool,
        reverse: bool,
        weight: Option<Sym>,
    ) -> Result<Projection, ProjectionError> {
        // Local index of each petgraph node (u32::MAX: not projected), nodes in id order.
        let mut local = vec![u32::MAX; self.g.node_bound()];
        let mut nodes = Vec::new();
        for (id, ix) in self.node_ix.iter().enumerate() {
            let Some(ix) = ix else { continue };
            let rec = &self.g[*ix];
            if labels.is_empty() || rec.labels.iter().any(|l| labels.contains(l)) {
                local[ix.index()] = nodes.len() as u32;
                nodes.push(id as NodeId);
            }
        }
        let n = nodes.len();
        let mut deg = vec![0usize; n + 1];
        let want = |e: &petgraph::stable_graph::EdgeReference<'_, super::RelRec, u32>| {
            (types.is_empty() || types.contains(&e.weight().ty))
                && local[e.source().index()] != u32::MAX
                && local[e.target().index()] != u32::MAX
        };
        for e in self.g.edge_references() {
            if want(&e) {
                let (a, b) = (local[e.source().index()] as usize, local[e.target().index()] as usize);
                if directed {
                    deg[if reverse { b } else { a }] += 1;
                } else {
                    deg[a] += 1;
                    if a != b {
                        deg[b] += 1;
                    }
                }
            }
        }
        let mut offsets = vec![0usize; n + 1];
        for i in 0..n {
            offsets[i + 1] = offsets[i] + deg[i];
        }
        let m = offsets[n];
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; m];
        let mut rels = vec![0 as RelId; m];
        let mut weights = weight.map(|_| vec![1.0f64; m]);
        for e in self.g.edge_references() {
            if !want(&e) {
                continue;
            }
            let (a, b) = (local[e.source().index()], local[e.target().index()]);
            let rec = e.weight();
            let w = match weight.and_then(|k| super::get_prop(&rec.props, k)) {
                None | Some(Value::Null) => 1.0,
                Some(Value::Int(i)) => *i as f64,
                Some(Value::Float(f)) => *f,
                Some(v) => {
                    return Err(ProjectionError::BadWeight { rel: rec.id, value: crate::value::to_cypher_literal(v) })
                }
            };
            let mut put = |from: u32, to: u32| {
                let k = fill[from as usize];
                fill[from as usize] += 1;
                targets[k] = to;
                rels[k] = rec.id;
                if let Some(ws) = weights.as_mut() {
                    ws[k] = w;
                }
            };
            if directed {
                if reverse {
                    put(b, a)
                } else {
                    put(a, b)
                }
            } else {
                put(a, b);
                if a != b {
                    put(b, a);
                }
            }
        }
        // Sort each adjacency list by target and collapse parallel edges (smallest weight).
        let mut out = 0usize;
        let mut scratch: Vec<(u32, f64, RelId)> = Vec::new();
        let mut start = 0usize;
        for i in 0..n {
            let end = offsets[i + 1];
            offsets[i] = out;
            let seg = &targets[start..end];
            let sorted_unique = seg.windows(2).all(|p| p[0] < p[1]);
            if sorted_unique {
                targets.copy_within(start..end, out);
                rels.copy_within(start..end, out);
                if let Some(ws) = weights.as_mut() {
                    ws.copy_within(start..end, out);
                }
                out += end - start;
            } else {
                scratch.clear();
                for k in start..end {
                    scratch.push((targets[k], weights.as_ref().map_or(1.0, |w| w[k]), rels[k]));
                }
                scratch.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(x.2.cmp(&y.2)));
                let mut last = u32::MAX;
                for &(t, w, r) in &scratch {
                    if t == last {
                        continue;
                    }
                    last = t;
                    targets[out] = t;
                    rels[out] = r;
                    if let Some(ws) = weights.as_mut() {
                        ws[out] = w;
                    }
                    out += 1;
                }
            }
            start = end;
        }
        offsets[n] = out;
        targets.truncate(out);
        rels.truncate(out);
        if let Some(ws) = weights.as_mut() {
            ws.truncate(out);
        }
        Ok(Projection { nodes, offsets, targets, weights, rels, directed })
    }
}
