//! What the planner may know of a graph (the [`Catalog`] it plans with), read from a store
//! through [`GraphRead`]: indexes, label and type counts, and the hop bound.

use crate::plan::Catalog;
use crate::store::GraphRead;

/// The indexes a plan would have looked nodes up through, had they existed, by label and key.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct WantedIndexes {
    /// On labels of at least `again_min` nodes: worth making once the lookup is made again.
    pub again: Vec<(String, String)>,
}

/// What the planner may know of a graph: its indexes and label counts.
pub struct StoreCatalog<'a> {
    /// The graph to read indexes and counts from.
    pub graph: &'a dyn GraphRead,
    /// The bound of a variable-length pattern written without one.
    pub max_hops: u64,
    /// Where to note the indexes the plan would use if they existed.
    pub wanted: Option<&'a std::cell::RefCell<WantedIndexes>>,
    /// How many nodes a label needs before a lookup by property on it is wanted `again`.
    pub again_min: usize,
}

impl Catalog for StoreCatalog<'_> {
    fn has_index(&self, label: &str, key: &str) -> bool {
        let g = self.graph;
        let exists = match (g.label_id(label), g.key_id(key)) {
            (Some(l), Some(k)) => g.index_on(l, k).is_some(),
            _ => false,
        };
        if let (false, Some(w), Some(l), Some(_)) = (exists, self.wanted, g.label_id(label), g.key_id(key)) {
            let count = g.label_count(l);
            let mut w = w.borrow_mut();
            if count < self.again_min {
                return false;
            }
            let list = &mut w.again;
            let pair = (label.to_string(), key.to_string());
            if !list.contains(&pair) {
                list.push(pair);
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
