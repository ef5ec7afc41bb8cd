//! The names a plan reads, looked up once per run: a plan numbers the property keys and labels
//! it reads ([`crate::plan::Name`]), and [`Input`] holds their ids in the graph a run reads, so
//! that no row hashes a name.

use std::sync::OnceLock;

use super::Params;
use crate::plan::{Name, OfKey, OfLabel, Plan};
use crate::store::{GraphRead, KeyId, LabelId};

/// What a run of a plan is given besides the graph and its rows: the parameters, and the
/// plan's names looked up in the graph.
pub(crate) struct Input<'a> {
    /// The query parameters.
    pub params: &'a Params,
    /// The plan's names, looked up in the graph the run reads.
    pub names: Names,
}

impl<'a> Input<'a> {
    /// The input of a run of `plan` on `graph`.
    pub(crate) fn new(plan: &Plan, graph: &dyn GraphRead, params: &'a Params) -> Input<'a> {
        let names = Names { keys: Ids::new(&plan.keys, graph), labels: Ids::new(&plan.labels, graph) };
        Input { params, names }
    }
}

/// The ids in one graph of the names a plan numbers ([`crate::plan::Name`]).
pub(crate) struct Names {
    pub(super) keys: Ids<OfKey>,
    pub(super) labels: Ids<OfLabel>,
}

/// A table of names a plan numbers, and how a graph finds a name's id.
pub(crate) trait Table {
    /// The graph's id of such a name.
    type Id: Copy;
    /// The id of `name` in `graph`, if it has one.
    fn find(graph: &dyn GraphRead, name: &str) -> Option<Self::Id>;
}

impl Table for OfKey {
    type Id = KeyId;
    fn find(graph: &dyn GraphRead, name: &str) -> Option<KeyId> {
        graph.key_id(name)
    }
}

impl Table for OfLabel {
    type Id = LabelId;
    fn find(graph: &dyn GraphRead, name: &str) -> Option<LabelId> {
        graph.label_id(name)
    }
}

/// The ids in one graph of a plan's names of one kind, so that a run looks each name up once
/// instead of once per row. A name the graph lacks when the run starts is looked up again when
/// read, since the run may create it, and kept once found: a graph never gives a name's id to
/// another name.
pub(crate) struct Ids<T: Table> {
    ids: Vec<OnceLock<T::Id>>,
}

impl<T: Table> Ids<T> {
    /// Looks `names` up in `graph`.
    fn new(names: &[String], graph: &dyn GraphRead) -> Ids<T> {
        Ids { ids: names.iter().map(|n| T::find(graph, n).map_or_else(OnceLock::new, OnceLock::from)).collect() }
    }

    /// The id of `name` in `graph`, the graph the table was made for.
    pub(super) fn get(&self, name: &Name<T>, graph: &dyn GraphRead) -> Option<T::Id> {
        let Some(id) = self.ids.get(name.n as usize) else { return T::find(graph, &name.name) };
        if let Some(k) = id.get() {
            return Some(*k);
        }
        let k = T::find(graph, &name.name)?;
        Some(*id.get_or_init(|| k))
    }
}
