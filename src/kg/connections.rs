//! Connections that mean something: the paths between two entities ranked by how specific they
//! are. A path through a hub (a country, an office every visit starts from) says little; a path
//! through a project both sides signed says much. Each intermediate node costs the logarithm of
//! its number of neighbours, so the cheapest paths avoid hubs; paths over the same nodes
//! (ten parallel visits) are one connection, shown by its first relationship.

use std::collections::HashMap;

use crate::error::Result;
use crate::store::{Dir, GraphRead, TypeId};
use crate::value::{NodeId, Path, RelId};

/// How to look.
#[derive(Clone, Debug)]
pub struct Options {
    /// The longest path, in relationships.
    pub max_hops: usize,
    /// Penalise high-degree intermediate nodes (else rank by length alone).
    pub avoid_hubs: bool,
    /// Only relationships of these types (empty: any).
    pub types: Vec<TypeId>,
    /// How many connections to return.
    pub limit: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { max_hops: 4, avoid_hubs: true, types: Vec::new(), limit: 5 }
    }
}

/// A connection: the path, its cost (lower is more specific) and a score in (0, 1].
#[derive(Clone, Debug)]
pub struct Connection {
    /// The path, in the direction from the first entity to the second.
    pub path: Path,
    /// The sum of the intermediate nodes' costs (hops when hubs are not avoided).
    pub cost: f64,
    /// `1 / (1 + cost)`.
    pub score: f64,
}

struct Search<'a> {
    g: &'a dyn GraphRead,
    opts: &'a Options,
    to: NodeId,
    costs: HashMap<NodeId, f64>,
    found: Vec<Connection>,
    steps: usize,
}

impl Search<'_> {
    /// The distinct neighbours of a node, each with the first relationship to it.
    fn neighbours(&self, n: NodeId) -> Vec<(NodeId, RelId)> {
        let mut out: indexmap::IndexMap<NodeId, RelId> = indexmap::IndexMap::new();
        for (r, m) in self.g.rels_of(n, Dir::Both, &self.opts.types) {
            if m != n {
                out.entry(m).or_insert(r);
            }
        }
        out.into_iter().collect()
    }

    fn cost(&mut self, n: NodeId) -> f64 {
        if !self.opts.avoid_hubs {
            return 1.0;
        }
        if let Some(c) = self.costs.get(&n) {
            return *c;
        }
        let c = (self.neighbours(n).len().max(1) as f64).ln().max(0.0) + 0.1;
        self.costs.insert(n, c);
        c
    }

    /// The cost a new connection must beat to be kept.
    fn bar(&self) -> f64 {
        if self.found.len() < self.opts.limit {
            f64::INFINITY
        } else {
            self.found.last().map_or(f64::INFINITY, |c| c.cost)
        }
    }

    fn walk(
        &mut self,
        nodes: &mut Vec<NodeId>,
        rels: &mut Vec<RelId>,
        cost: f64,
        check: &dyn Fn() -> Result<()>,
    ) -> Result<()> {
        self.steps += 1;
        if self.steps.is_multiple_of(1024) {
            check()?;
        }
        let here = *nodes.last().unwrap_or(&self.to);
        for (m, r) in self.neighbours(here) {
            if nodes.contains(&m) {
                continue;
            }
            if m == self.to {
                if cost < self.bar() {
                    let path =
                        Path { nodes: [nodes.as_slice(), &[m]].concat(), rels: [rels.as_slice(), &[r]].concat() };
                    let at = self.found.partition_point(|c| c.cost <= cost);
                    self.found.insert(at, Connection { path, cost, score: 1.0 / (1.0 + cost) });
                    self.found.truncate(self.opts.limit);
                }
                continue;
            }
            if rels.len() + 1 >= self.opts.max_hops {
                continue;
            }
            let next = cost + self.cost(m);
            if next >= self.bar() {
                continue;
            }
            nodes.push(m);
            rels.push(r);
            self.walk(nodes, rels, next, check)?;
            nodes.pop();
            rels.pop();
        }
        Ok(())
    }
}

/// The most specific connections from `from` to `to`, best first.
pub fn connections(
    g: &dyn GraphRead,
    from: NodeId,
    to: NodeId,
    opts: &Options,
    check: &dyn Fn() -> Result<()>,
) -> Result<Vec<Connection>> {
    if from == to || !g.node_exists(from) || !g.node_exists(to) || opts.limit == 0 || opts.max_hops == 0 {
        return Ok(Vec::new());
    }
    let mut s = Search { g, opts, to, costs: HashMap::new(), found: Vec::new(), steps: 0 };
    s.walk(&mut vec![from], &mut Vec::new(), 0.0, check)?;
    // Without hub costs every path of one length ties; the shorter first, then as found.
    Ok(s.found)
}
