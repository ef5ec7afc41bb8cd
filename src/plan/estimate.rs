//! Cardinality estimates for the planner.

use super::{Catalog, Dir, NodeSpec, PropFilter, RelSpec};

/// Cardinality estimates for choosing where a path pattern starts: the rows each step is
/// expected to make, from label and relationship-type counts (a step multiplies by the type's
/// relationships per node of the label it leaves) and selectivities (an index's rows per value
/// over its label; a tenth per equality without one, Neo4j's default; one node of the label
/// for a bound end).
pub(super) struct Estimate<'a> {
    pub catalog: &'a dyn Catalog,
    /// The chain's nodes, in the order the pattern writes them.
    pub nodes: &'a [&'a NodeSpec],
    /// The relationship between each node and the next, as written.
    pub rels: &'a [&'a RelSpec],
    /// Whether a node is bound before the chain.
    pub bound: &'a dyn Fn(&NodeSpec) -> bool,
}

impl Estimate<'_> {
    fn keys(n: &NodeSpec) -> Vec<&str> {
        match &n.props {
            Some(PropFilter::Pairs(kv)) => kv.iter().map(|(k, _)| k.as_str()).collect(),
            // A map parameter: at least one equality.
            Some(_) => vec![""],
            None => Vec::new(),
        }
    }

    /// Nodes carrying the node's labels (the smallest label), or all nodes.
    fn population(&self, n: &NodeSpec) -> f64 {
        let all = self.catalog.node_count().map_or(1e9, |c| c as f64);
        n.labels.iter().filter_map(|l| self.catalog.label_count(l)).min().map_or(all, |c| c as f64)
    }

    /// The share of the node's population its property equalities keep.
    fn selectivity(&self, n: &NodeSpec) -> f64 {
        let pop = self.population(n).max(1.0);
        Self::keys(n)
            .iter()
            .map(|k| {
                let indexed =
                    n.labels.iter().filter_map(|l| self.catalog.index_rows(l, k)).min_by(|a, b| a.total_cmp(b));
                indexed.map_or(0.1, |r| (r / pop).min(1.0))
            })
            .product()
    }

    /// Rows a scan of the node finds, and nodes it reads to find them.
    fn scan(&self, n: &NodeSpec) -> (f64, f64) {
        if (self.bound)(n) {
            return (1.0, 0.0);
        }
        let pop = self.population(n);
        let keys = Self::keys(n);
        let indexed = n
            .labels
            .iter()
            .flat_map(|l| keys.iter().filter_map(move |k| self.catalog.index_rows(l, k)))
            .min_by(|a, b| a.total_cmp(b));
        (pop * self.selectivity(n), indexed.unwrap_or(pop))
    }

    /// Relationships of the pattern's types per node of the node it leaves.
    fn fanout(&self, r: &RelSpec, from: &NodeSpec) -> f64 {
        let count = if r.types.is_empty() {
            self.catalog.rel_count(None).map_or(10.0, |c| c as f64)
        } else {
            r.types.iter().map(|t| self.catalog.rel_count(Some(t)).map_or(10.0, |c| c as f64)).sum()
        };
        let per = count / self.population(from).max(1.0);
        let per = if r.dir == Dir::Both { 2.0 * per } else { per };
        match r.var_len {
            None => per,
            // A variable-length step: up to three hops counted (a rough figure).
            Some((_, hi)) => {
                let hops = hi.unwrap_or(3).clamp(1, 3) as i32;
                (1..=hops).map(|h| per.powi(h)).sum()
            }
        }
    }

    /// Rows made by starting at node `s`, expanding rightwards, then leftwards, plus a tenth
    /// of what the scan reads; a bound start is free.
    pub fn plan_from(&self, s: usize) -> f64 {
        if (self.bound)(self.nodes[s]) {
            return f64::NEG_INFINITY;
        }
        let (mut rows, read) = self.scan(self.nodes[s]);
        let mut total = rows + 0.1 * read;
        let steps = (s..self.rels.len()).map(|i| (i, i + 1)).chain((0..s).rev().map(|i| (i + 1, i)));
        for (from, to) in steps {
            let rel = self.rels[from.min(to)];
            rows *= self.fanout(rel, self.nodes[from]);
            let to = self.nodes[to];
            rows *= if (self.bound)(to) { 1.0 / self.population(to).max(1.0) } else { self.selectivity(to) };
            total += rows;
        }
        total
    }
}
