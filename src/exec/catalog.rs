//! What the planner may know of a graph (the [`Catalog`] it plans with), read from a store
//! through [`GraphRead`]: indexes, label and type counts, and the hop bound.

use crate::plan::Catalog;
use crate::store::GraphRead;

/// What the planner may know of a graph: its indexes and label counts.
pub struct StoreCatalog<'a> {
    /// The graph to read indexes and counts from.
    pub graph: &'a dyn GraphRead,
    /// The bound of a variable-length pattern written without one.
    pub max_hops: u64,
    /// Where to note the indexes the plan would use if they existed (large labels only).
    pub wanted: Option<&'a std::cell::RefCell<Vec<(String, String)>>>,
    /// How many nodes a label needs before a lookup by property on it is `wanted`.
    pub auto_index_min: usize,
}

impl Catalog for StoreCatalog<'_> {
    fn has_index(&self, label: &str, key: &str) -> bool {
        let g = self.graph;
        let exists = match (g.label_id(label), g.key_id(key)) {
            (Some(l), Some(k)) => g.index_on(l, k).is_some(),
            _ => false,
        };
        if !exists {
            let large = g.label_id(label).is_some_and(|l| g.label_count(l) >= self.auto_index_min);
            if let (true, Some(w), Some(_)) = (large, self.wanted, g.key_id(key)) {
                let pair = (label.to_string(), key.to_string());
                if !w.borrow().contains(&pair) {
                    w.borrow_mut().push(pair);
                }
            }
        }
        exists
    }
    fn label_count(&self, label: &str) -> Option<usize> {
        Some(self.graph.label_id(label).map_or(0, |l| self.graph.label_count(l)))
    }
    fn rel_count(&self, ty: Option<&str>) -> Option<usize> {
        let g = self.graph;
        Some(match ty {
            Some(t) => g.type_id(t).map_or(0, |t| g.rel_count_of(t)),
            None => g.rel_count(),
        })
    }
    fn node_count(&self) -> Option<usize> {
        Some(self.graph.node_count())
    }
    fn index_rows(&self, label: &str, key: &str) -> Option<f64> {
        if !self.has_index(label, key) {
            return None;
        }
        let g = self.graph;
        g.index_on(g.label_id(label)?, g.key_id(key)?).map(|ix| ix.rows_per_value())
    }
    fn max_hops(&self) -> Option<u64> {
        Some(self.max_hops)
    }
}
