//! The property-graph store: the only module that touches petgraph (its algorithms, through
//! the projections). Nodes carry labels and
//! properties, relationships one type, a direction and properties. Ids are handed out in order
//! and never reused, so deleting one entity never renumbers another. Names are interned.
//! Mutations can be journaled so a failed statement can be rolled back.

mod access;
mod adjacency;
mod cluster;
mod columns;
pub mod constraints;
mod fulltext;
mod idset;
mod index;
mod intern;
mod lazy;
mod projection;
mod props;
mod redo;
mod rels;
mod shape;
mod snapshot;

use indexmap::IndexSet;
use smallvec::SmallVec;

pub use access::{GraphRead, GraphWrite, Ids};
pub use adjacency::Adjacency;
pub use columns::{PropReader, Scalar};
pub use fulltext::FulltextIndex;
pub use index::PropertyIndex;
pub use intern::{Id, Interner, KeyId, LabelId, TypeId};
pub use projection::{Projection, ProjectionError, ProjectionSpec};
pub use redo::{decode_changes, encode_changes, Change, Stored};
pub use shape::Shape;
pub use snapshot::{Loader, MAGIC as SNAPSHOT_MAGIC, SNAPSHOT_LEAD, SNAPSHOT_VERSION};

use crate::value::{NodeId, RelId, Value};

/// Which relationships of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Outgoing relationships.
    Out,
    /// Incoming relationships.
    In,
    /// Both outgoing and incoming relationships.
    Both,
}

/// Property list: small and in insertion order.
pub type Props = Vec<(KeyId, Value)>;

/// A node: 8 bytes, in `Graph::nodes` at its id.
#[derive(Debug, Clone, Copy)]
struct NodeRec {
    /// Index of its label set in `Graph::label_sets` ([`NO_NODE`] for an id no live node has).
    labels: u32,
    /// Offset of its properties in `Graph::node_props`.
    props: u32,
}

/// The `NodeRec::labels` of an id no live node has.
const NO_NODE: u32 = u32::MAX;

impl NodeRec {
    const GONE: NodeRec = NodeRec { labels: NO_NODE, props: 0 };
    fn live(&self) -> bool {
        self.labels != NO_NODE
    }
}

/// One undoable change.
#[derive(Debug, Clone)]
enum Undo {
    /// The nodes `first..first + count`, created one after another (a bulk write journals one
    /// entry, not one per node).
    CreatedNodes {
        first: NodeId,
        count: u32,
    },
    /// Likewise the relationships `first..first + count`.
    CreatedRels {
        first: RelId,
        count: u32,
    },
    DeletedNode {
        id: NodeId,
        labels: Vec<LabelId>,
        props: Props,
    },
    DeletedRel {
        id: RelId,
        start: NodeId,
        end: NodeId,
        ty: TypeId,
        props: Props,
    },
    NodeProp {
        id: NodeId,
        key: KeyId,
        old: Option<Value>,
    },
    RelProp {
        id: RelId,
        key: KeyId,
        old: Option<Value>,
    },
    AddedLabel {
        id: NodeId,
        label: LabelId,
    },
    RemovedLabel {
        id: NodeId,
        label: LabelId,
    },
}

impl Undo {
    /// How many changes the entry stands for.
    fn weight(&self) -> usize {
        match self {
            Undo::CreatedNodes { count, .. } | Undo::CreatedRels { count, .. } => *count as usize,
            _ => 1,
        }
    }

    /// The ids of the nodes it created.
    fn created_nodes(&self) -> impl DoubleEndedIterator<Item = NodeId> {
        match self {
            Undo::CreatedNodes { first, count } => NodeId::range(*first, NodeId(first.0 + u64::from(*count))),
            _ => NodeId::range(NodeId(0), NodeId(0)),
        }
    }

    /// The ids of the relationships it created.
    fn created_rels(&self) -> impl DoubleEndedIterator<Item = RelId> {
        match self {
            Undo::CreatedRels { first, count } => RelId::range(*first, RelId(first.0 + u64::from(*count))),
            _ => RelId::range(RelId(0), RelId(0)),
        }
    }
}

/// A mark in the journal, to roll back to.
#[derive(Debug, Clone, Copy)]
pub struct Savepoint(usize);

impl Savepoint {
    /// A mark at `n` (for a store that keeps its own journal).
    pub fn at(n: usize) -> Savepoint {
        Savepoint(n)
    }
    /// Where the mark is.
    pub fn mark(self) -> usize {
        self.0
    }
}

/// The graph.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Each node id's record (`NodeRec::GONE` for ids no live node has); as long as the
    /// largest id in use, which may be shorter than the ids handed out.
    nodes: Vec<NodeRec>,
    live_nodes: usize,
    /// The relationships (`rels.rs`): decoded from a snapshot when first read.
    rels: lazy::Lazy,
    /// The ids handed out so far: the next node gets `next_node`.
    next_node: u64,
    next_rel: u64,
    /// The distinct label sets of nodes, in order of first use (the empty set first).
    label_sets: IndexSet<Box<[LabelId]>, ahash::RandomState>,
    node_props: props::Arena,
    labels: Interner<LabelId>,
    types: Interner<TypeId>,
    keys: Interner<KeyId>,
    label_index: Vec<idset::IdSet>,
    indexes: index::Indexes,
    journal: Vec<Undo>,
    /// Journal entries before this are not extended by a new creation: a savepoint was taken
    /// after them, so rolling back to it must not undo what they hold.
    run_floor: usize,
    journaling: bool,
    /// Savepoints taken and not yet committed or rolled back.
    savepoints: usize,
    /// The last projections the algorithms asked for, until the graph changes.
    projections: projection::Cache,
    /// Read-optimised adjacency per relationship type, until a relationship of it changes.
    adjacency: adjacency::Cache,
    /// Live relationships per type (a count store: `count(*)` of a type without a scan).
    type_counts: Vec<u64>,
    /// Property values decoded into columns for reads in bulk, until the graph changes.
    columns: columns::Cache,
    /// The constraints, checked when a statement ends.
    constraints: Vec<constraints::Constraint>,
    /// Its relationships stand for ties without a direction (a teaching graph's friendships):
    /// pictures draw no arrows, exports say so, and the algorithms a picture runs ignore it.
    undirected: bool,
    /// The full-text indexes' definitions.
    fulltext: Vec<fulltext::FulltextIndex>,
    /// Values derived from the graph (full-text terms), until it changes.
    derived: fulltext::Derived,
}

/// A graph with nothing in it, to run what reads no graph beside a write to the real one.
pub fn empty_graph() -> &'static dyn GraphRead {
    static EMPTY: std::sync::OnceLock<Graph> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Graph::new)
}

/// Sets (or with `Null`, removes) a property in a list; returns the previous value.
pub fn put_prop(props: &mut Props, key: KeyId, value: Value) -> Option<Value> {
    let pos = props.iter().position(|(k, _)| *k == key);
    match (pos, value) {
        (Some(i), Value::Null) => Some(props.remove(i).1),
        (Some(i), v) => Some(std::mem::replace(&mut props[i].1, v)),
        (None, Value::Null) => None,
        (None, v) => {
            props.push((key, v));
            None
        }
    }
}

impl Default for Graph {
    fn default() -> Graph {
        Graph {
            nodes: Vec::new(),
            live_nodes: 0,
            rels: lazy::Lazy::default(),
            next_node: 0,
            next_rel: 0,
            label_sets: std::iter::once(Box::from(&[][..])).collect(),
            node_props: props::Arena::default(),
            labels: Interner::default(),
            types: Interner::default(),
            keys: Interner::default(),
            label_index: Vec::new(),
            indexes: index::Indexes::default(),
            journal: Vec::new(),
            run_floor: 0,
            journaling: false,
            savepoints: 0,
            projections: projection::Cache::default(),
            adjacency: adjacency::Cache::default(),
            type_counts: Vec::new(),
            columns: columns::Cache::default(),
            constraints: Vec::new(),
            undirected: false,
            fulltext: Vec::new(),
            derived: fulltext::Derived::default(),
        }
    }
}

/// `job(part, parts)` for each part of a job split over this machine's cores (at most 8), the
/// first on this thread; one part when the job is `small`. A part whose thread failed is done
/// again on this one.
fn on_cores<T: Send>(small: bool, job: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    let parts = if small { 1 } else { std::thread::available_parallelism().map_or(1, |n| n.get()).min(8) };
    if parts == 1 {
        return vec![job(0, 1)];
    }
    let job = &job;
    std::thread::scope(|s| {
        let others: Vec<_> = (1..parts).map(|p| (p, s.spawn(move || job(p, parts)))).collect();
        let mut done = vec![job(0, parts)];
        done.extend(others.into_iter().map(|(p, h)| h.join().unwrap_or_else(|_| job(p, parts))));
        done
    })
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Forgets what is derived from the graph as it was: the algorithms' projections and the
    /// property columns.
    fn changed(&mut self) {
        self.projections.clear();
        self.columns.clear();
        self.derived.clear();
    }

    // ---- names -------------------------------------------------------------------------

    /// The label names and their ids.
    pub fn labels(&self) -> &Interner<LabelId> {
        &self.labels
    }
    /// The relationship type names and their ids.
    pub fn types(&self) -> &Interner<TypeId> {
        &self.types
    }
    /// The property key names and their ids.
    pub fn keys(&self) -> &Interner<KeyId> {
        &self.keys
    }
    /// The id of a label name, if the graph has seen it.
    pub fn label_id(&self, name: &str) -> Option<LabelId> {
        self.labels.get(name)
    }
    /// The id of a relationship type name, if the graph has seen it.
    pub fn type_id(&self, name: &str) -> Option<TypeId> {
        self.types.get(name)
    }
    /// The id of a property key name, if the graph has seen it.
    pub fn key_id(&self, name: &str) -> Option<KeyId> {
        self.keys.get(name)
    }
    /// The id of a property key name, handing out a new one if it is new.
    pub fn intern_key(&mut self, name: &str) -> KeyId {
        self.keys.intern(name)
    }
    fn intern_label(&mut self, name: &str) -> LabelId {
        let l = self.labels.intern(name);
        if self.label_index.len() <= l.index() {
            self.label_index.resize_with(l.index() + 1, idset::IdSet::default);
        }
        l
    }

    // ---- counts and scans --------------------------------------------------------------

    /// Whether its relationships are ties without a direction (see the field).
    pub fn undirected(&self) -> bool {
        self.undirected
    }
    /// Says whether its relationships are ties without a direction.
    pub fn set_undirected(&mut self, undirected: bool) {
        self.undirected = undirected;
    }

    /// The number of live nodes.
    pub fn node_count(&self) -> usize {
        self.live_nodes
    }
    /// The number of live relationships (known before they are decoded).
    pub fn rel_count(&self) -> usize {
        self.rels.count()
    }

    /// The relationships, decoded first if they are not yet (see `lazy.rs`).
    fn r(&self) -> &lazy::Rels {
        self.rels.get(|p| snapshot::decode_rels(self, p))
    }

    /// [`Graph::r`] for a change.
    fn r_mut(&mut self) -> &mut lazy::Rels {
        self.r();
        self.rels.get_mut(|_| Ok(lazy::Rels::default()))
    }

    /// Decodes the relationships now if they are not yet (a server does before it serves);
    /// the error says why they could not be.
    pub fn decode_all(&self) -> Result<(), String> {
        self.r();
        self.damage().map_or(Ok(()), |d| Err(d.to_string()))
    }

    /// Whether its relationships are read (always, but for a database opened and not yet
    /// asked for one: see `lazy.rs`).
    pub fn relationships_read(&self) -> bool {
        self.rels.is_decoded()
    }

    /// Why the relationships of the snapshot this graph was opened from could not be decoded,
    /// if they could not (see `lazy.rs`): the graph then has none, and must not be saved.
    pub fn damage(&self) -> Option<&str> {
        self.rels.damage()
    }
    /// Number of nodes carrying a label.
    pub fn label_count(&self, label: LabelId) -> usize {
        self.label_index.get(label.index()).map_or(0, |s| s.len())
    }

    /// All live nodes in id order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes.iter().enumerate().filter(|(_, n)| n.live()).map(|(i, _)| NodeId(i as u64))
    }
    /// All live relationships in id order.
    pub fn rel_ids(&self) -> impl Iterator<Item = RelId> + '_ {
        self.r().iter().map(|(i, _)| RelId(u64::from(i)))
    }
    /// Nodes with a label, in id order.
    pub fn nodes_with_label(&self, label: LabelId) -> impl Iterator<Item = NodeId> + '_ {
        self.label_index.get(label.index()).into_iter().flat_map(|s| s.iter().copied())
    }

    /// Nodes with a label whose ids lie in `lo..=hi`, in id order.
    pub fn nodes_with_label_in(&self, label: LabelId, lo: NodeId, hi: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.label_index
            .get(label.index())
            .filter(|_| lo <= hi)
            .into_iter()
            .flat_map(move |s| s.range(lo..=hi).copied())
    }
    /// Live nodes whose ids lie in `lo..=hi`, in id order.
    pub fn node_ids_in(&self, lo: NodeId, hi: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let end = hi.0.saturating_add(1).min(self.nodes.len() as u64);
        NodeId::range(NodeId(lo.0.min(end)), NodeId(end)).filter(|&id| self.node_exists(id))
    }

    fn node(&self, id: NodeId) -> Option<&NodeRec> {
        self.nodes.get(id.index()).filter(|n| n.live())
    }
    fn rel(&self, id: RelId) -> Option<&rels::Rec> {
        self.r().get(id)
    }

    /// Whether a node with this id exists.
    pub fn node_exists(&self, id: NodeId) -> bool {
        self.node(id).is_some()
    }
    /// Whether a relationship with this id exists.
    pub fn rel_exists(&self, id: RelId) -> bool {
        self.rel(id).is_some()
    }

    // ---- reading nodes -----------------------------------------------------------------

    /// A node's labels (empty if it does not exist).
    pub fn node_labels(&self, id: NodeId) -> &[LabelId] {
        self.node(id).map_or(&[], |n| self.label_set(n.labels))
    }
    /// Whether a node carries the label.
    pub fn has_label(&self, id: NodeId, label: LabelId) -> bool {
        self.node_labels(id).contains(&label)
    }
    /// A node's property by key id; `None` if the node does not exist or has no such property.
    pub fn node_prop(&self, id: NodeId, key: KeyId) -> Option<Value> {
        self.node(id).and_then(|n| self.node_props.get(n.props, key))
    }
    /// A property by key name in one lookup: `None` if the node does not exist,
    /// `Some(None)` if it has no such property.
    pub fn node_prop_named(&self, id: NodeId, key: &str) -> Option<Option<Value>> {
        let n = self.node(id)?;
        Some(self.keys.get(key).and_then(|k| self.node_props.get(n.props, k)))
    }
    /// Whether a node's property equals `v` (Cypher's `=` is true), read in place.
    pub fn node_prop_equals(&self, id: NodeId, key: KeyId, v: &Value) -> bool {
        self.node(id).is_some_and(|n| self.node_props.equals(n.props, key, v))
    }
    /// A node's properties in order (empty if it does not exist).
    pub fn node_props(&self, id: NodeId) -> Props {
        self.node(id).map_or_else(Props::new, |n| self.node_props.all(n.props))
    }
    /// The keys of a node's properties, in order.
    pub fn node_keys(&self, id: NodeId) -> Vec<KeyId> {
        self.node(id).map_or_else(Vec::new, |n| self.node_props.keys(n.props))
    }

    fn label_set(&self, set: u32) -> &[LabelId] {
        self.label_sets.get_index(set as usize).map_or(&[], |s| s)
    }

    fn intern_label_set(&mut self, labels: &[LabelId]) -> u32 {
        match self.label_sets.get_index_of(labels) {
            Some(i) => i as u32,
            None => self.label_sets.insert_full(Box::from(labels)).0 as u32,
        }
    }

    // ---- reading relationships ---------------------------------------------------------

    /// A relationship's type; `None` if it does not exist.
    pub fn rel_type(&self, id: RelId) -> Option<TypeId> {
        self.rel(id).map(|r| r.ty)
    }
    /// The type of a relationship, also of one deleted by the running statement (whose
    /// journal remembers it): Cypher lets `type(r)` read it after `DELETE r`.
    pub fn rel_type_even_deleted(&self, id: RelId) -> Option<TypeId> {
        self.rel_type(id).or_else(|| {
            self.journal.iter().rev().find_map(|u| match u {
                Undo::DeletedRel { id: d, ty, .. } if *d == id => Some(*ty),
                _ => None,
            })
        })
    }
    /// `(start, end)` of a relationship.
    pub fn rel_ends(&self, id: RelId) -> Option<(NodeId, NodeId)> {
        self.rel(id).map(|r| (r.start(), r.end()))
    }
    /// A relationship's property by key id; `None` if the relationship does not exist or has no
    /// such property.
    pub fn rel_prop(&self, id: RelId, key: KeyId) -> Option<Value> {
        self.rel(id).and_then(|r| self.r().props.get(r.props, key))
    }
    /// [`Graph::node_prop_named`] for many nodes: each step (the node, its property list,
    /// the value) is taken for all of them before the next, so that the reads overlap.
    /// `None` for a node that does not exist, `Some(Null)` for one without the property.
    pub fn node_props_batch(&self, ids: &[NodeId], key: KeyId, out: &mut Vec<Option<Value>>) {
        self.props_batch(columns::Of::Nodes, ids, key, out)
    }

    /// [`Graph::node_props_batch`] for relationships.
    pub fn rel_props_batch(&self, ids: &[RelId], key: KeyId, out: &mut Vec<Option<Value>>) {
        self.props_batch(columns::Of::Rels, ids, key, out)
    }

    /// See [`Graph::node_props_batch`]: from the columns where they have the values,
    /// else the entities' records for all, then their lists, then the values.
    fn props_batch<I: Copy + Into<u64>>(&self, of: columns::Of, ids: &[I], k: KeyId, out: &mut Vec<Option<Value>>) {
        use columns::Of;
        out.clear();
        out.resize(ids.len(), None);
        let rest = self.read_columns(of, k, ids, out);
        let (offs, arena): (Vec<Option<u32>>, _) = match of {
            Of::Nodes => {
                (rest.iter().map(|&i| self.node(NodeId(ids[i].into())).map(|n| n.props)).collect(), &self.node_props)
            }
            Of::Rels => {
                let r = self.r();
                (rest.iter().map(|&i| r.get(RelId(ids[i].into())).map(|e| e.props)).collect(), &r.props)
            }
        };
        arena.values_at(offs, k, &rest, out);
    }

    /// [`Graph::node_prop_named`] for a relationship.
    pub fn rel_prop_named(&self, id: RelId, key: &str) -> Option<Option<Value>> {
        let r = self.rel(id)?;
        Some(self.keys.get(key).and_then(|k| self.r().props.get(r.props, k)))
    }
    /// Whether a relationship's property equals `v` (Cypher's `=` is true), read in place.
    pub fn rel_prop_equals(&self, id: RelId, key: KeyId, v: &Value) -> bool {
        self.rel(id).is_some_and(|r| self.r().props.equals(r.props, key, v))
    }
    /// A relationship's properties in order (empty if it does not exist).
    pub fn rel_props(&self, id: RelId) -> Props {
        self.rel(id).map_or_else(Props::new, |r| self.r().props.all(r.props))
    }
    /// The keys of a relationship's properties, in order.
    pub fn rel_keys(&self, id: RelId) -> Vec<KeyId> {
        self.rel(id).map_or_else(Vec::new, |r| self.r().props.keys(r.props))
    }

    /// Relationships at a node: `(relationship, other end)`. With `Dir::Both` a self-loop is
    /// listed once. `types` empty means any type.
    pub fn rels_of<'a>(
        &'a self,
        node: NodeId,
        dir: Dir,
        types: &'a [TypeId],
    ) -> impl Iterator<Item = (RelId, NodeId)> + 'a {
        let r = self.r();
        let want = move |t: TypeId| types.is_empty() || types.contains(&t);
        // Outgoing (side 0), then incoming, where a self-loop met outgoing is not listed again.
        let sides = [(0, dir != Dir::In), (1, dir != Dir::Out)];
        let live = self.node_exists(node);
        sides.into_iter().filter(move |&(_, on)| on && live).flat_map(move |(side, _)| {
            r.of(node, side)
                .filter(move |(_, e)| want(e.ty) && !(side == 1 && dir == Dir::Both && e.start == e.end))
                .map(move |(id, e)| (id, if side == 0 { e.end() } else { e.start() }))
        })
    }

    /// Why the property storage refused a write since the last call, if it did (see
    /// `props::Arena::store`): the caller fails and undoes the statement or the import.
    pub fn take_storage_error(&mut self) -> Option<String> {
        let n = self.node_props.take_full();
        n.or_else(|| self.rels.decoded_mut().and_then(|r| r.props.take_full()))
    }

    /// Lowers the bytes of properties the graph may hold (tests of a full store).
    #[cfg(test)]
    pub(crate) fn limit_property_bytes(&mut self, limit: u32) {
        self.node_props.set_limit(limit);
        self.r_mut().props.set_limit(limit);
    }

    /// Live relationships of a type, from the count store.
    pub fn rel_count_of(&self, ty: TypeId) -> usize {
        self.type_counts.get(ty.index()).map_or(0, |&n| n as usize)
    }

    /// A relationship of type `ty` was added (or removed): its count and adjacency follow.
    fn rel_type_changed(&mut self, ty: TypeId, added: bool) {
        if self.type_counts.len() <= ty.index() {
            self.type_counts.resize(ty.index() + 1, 0);
        }
        let n = &mut self.type_counts[ty.index()];
        *n = if added { *n + 1 } else { n.saturating_sub(1) };
        self.adjacency.drop_type(ty);
    }

    /// The number of relationships at a node in the direction, of any type (a self-loop counts once
    /// with `Dir::Both`).
    pub fn degree(&self, node: NodeId, dir: Dir) -> usize {
        self.rels_of(node, dir, &[]).count()
    }

    // ---- journal -----------------------------------------------------------------------

    /// How many journal entries were made since `sp` (0: nothing changed).
    pub fn journal_since(&self, sp: Savepoint) -> usize {
        self.journal.len().saturating_sub(sp.0)
    }

    /// How many changes were made since `sp`, a creation of many nodes counting each.
    pub fn changes_count_since(&self, sp: Savepoint) -> usize {
        let journal = self.journal.get(sp.0..).unwrap_or_default();
        journal.iter().map(Undo::weight).sum()
    }

    /// Starts recording changes; returns a mark to roll back to. Savepoints nest: a
    /// statement's inside a transaction's.
    pub fn savepoint(&mut self) -> Savepoint {
        self.savepoints += 1;
        self.journaling = true;
        self.run_floor = self.journal.len();
        Savepoint(self.journal.len())
    }

    /// Keeps the changes made since the mark. Inside an outer savepoint they stay journaled (the
    /// outer one may still roll them back, and a transaction's commit reads them); the outermost
    /// commit forgets the journal.
    pub fn commit(&mut self, _sp: Savepoint) {
        self.savepoints = self.savepoints.saturating_sub(1);
        if self.savepoints == 0 {
            self.journal.clear();
            self.run_floor = 0;
            self.journaling = false;
        }
    }

    /// Forgets the journal while the savepoints stay open: what it held is kept for good (a
    /// batch of `IN TRANSACTIONS` made durable). Only for savepoints that all mark the start.
    pub fn forget_journal(&mut self) {
        self.journal.clear();
        self.run_floor = 0;
    }

    /// Undoes every change made since the mark.
    pub fn rollback(&mut self, sp: Savepoint) {
        self.journaling = false;
        while self.journal.len() > sp.0 {
            let Some(u) = self.journal.pop() else { break };
            self.undo(u);
        }
        self.run_floor = self.journal.len();
        self.savepoints = self.savepoints.saturating_sub(1);
        self.journaling = self.savepoints > 0;
    }

    fn record(&mut self, u: Undo) {
        if !self.journaling {
            return;
        }
        // A creation right after the last entry's joins it.
        if self.journal.len() > self.run_floor {
            match (self.journal.last_mut(), &u) {
                (Some(Undo::CreatedNodes { first, count }), Undo::CreatedNodes { first: id, count: 1 })
                    if first.0 + u64::from(*count) == id.0 && *count < u32::MAX =>
                {
                    *count += 1;
                    return;
                }
                (Some(Undo::CreatedRels { first, count }), Undo::CreatedRels { first: id, count: 1 })
                    if first.0 + u64::from(*count) == id.0 && *count < u32::MAX =>
                {
                    *count += 1;
                    return;
                }
                _ => {}
            }
        }
        self.journal.push(u);
    }

    fn undo(&mut self, u: Undo) {
        self.changed();
        match u {
            Undo::CreatedNodes { .. } => {
                for id in u.created_nodes().rev() {
                    let _ = self.delete_node(id, true);
                }
            }
            Undo::CreatedRels { .. } => {
                for id in u.created_rels().rev() {
                    self.delete_rel(id);
                }
            }
            Undo::DeletedNode { id, labels, props } => self.place_node(id, &labels, &props),
            Undo::DeletedRel { id, start, end, ty, props } => {
                if self.node_exists(start) && self.node_exists(end) {
                    let r = self.r_mut();
                    let props = r.props.store(&props);
                    r.put(id.0 as u32, start, end, ty, props);
                    self.rel_type_changed(ty, true);
                }
            }
            Undo::NodeProp { id, key, old } => {
                if let Some(prev) = self.put_node_prop(id, key, old.clone().unwrap_or(Value::Null)) {
                    if !self.indexes.is_empty() {
                        let labels = self.node_labels(id).to_vec();
                        self.indexes.prop_changed(id, &labels, key, prev.as_ref(), old.as_ref());
                    }
                }
            }
            Undo::RelProp { id, key, old } => {
                self.put_rel_prop(id, key, old.unwrap_or(Value::Null));
            }
            Undo::AddedLabel { id, label } => {
                self.remove_label_sym(id, label);
            }
            Undo::RemovedLabel { id, label } => {
                self.add_label_sym(id, label);
            }
        }
    }

    // ---- property storage --------------------------------------------------------------

    /// Sets (or with `Null`, removes) one property of a live node: `Some(old value)`, `None`
    /// when the node does not exist.
    fn put_node_prop(&mut self, id: NodeId, key: KeyId, value: Value) -> Option<Option<Value>> {
        let n = self.nodes.get_mut(id.index()).filter(|n| n.live())?;
        let (new, old) = self.node_props.put(n.props, key, value);
        n.props = new;
        if self.node_props.wants_compaction() {
            self.node_props.compact(self.nodes.iter_mut().filter(|n| n.live()).map(|n| &mut n.props));
        }
        Some(old)
    }

    fn put_rel_prop(&mut self, id: RelId, key: KeyId, value: Value) -> Option<Option<Value>> {
        let at = self.rel(id)?.props;
        let r = self.r_mut();
        let (new, old) = r.props.put(at, key, value);
        r.set_props(id, new);
        if r.props.wants_compaction() {
            let (offsets, arena) = r.props_mut();
            arena.compact(offsets);
        }
        Some(old)
    }

    // ---- writing -----------------------------------------------------------------------

    /// Creates a node; properties with null values are dropped.
    pub fn create_node<'l, 'p>(
        &mut self,
        labels: impl IntoIterator<Item = &'l str>,
        props: impl IntoIterator<Item = (&'p str, Value)>,
    ) -> NodeId {
        self.changed();
        let mut ls: SmallVec<[LabelId; 4]> = SmallVec::new();
        for l in labels {
            let s = self.intern_label(l);
            if !ls.contains(&s) {
                ls.push(s);
            }
        }
        let mut ps: SmallVec<[(KeyId, Value); 8]> = SmallVec::new();
        for (k, v) in props {
            let k = self.keys.intern(k);
            // As `put_prop`: a key given twice keeps its last value; null sets nothing.
            match (ps.iter().position(|(p, _)| *p == k), v) {
                (Some(i), Value::Null) => drop(ps.remove(i)),
                (Some(i), v) => ps[i].1 = v,
                (None, Value::Null) => {}
                (None, v) => ps.push((k, v)),
            }
        }
        let id = self.add_node_syms(&ls, &ps);
        self.record(Undo::CreatedNodes { first: id, count: 1 });
        id
    }

    /// Creates a relationship; `None` if an end does not exist.
    pub fn create_rel<'a>(
        &mut self,
        start: NodeId,
        end: NodeId,
        ty: &str,
        props: impl IntoIterator<Item = (&'a str, Value)>,
    ) -> Option<RelId> {
        self.changed();
        self.node(start)?;
        self.node(end)?;
        // Decoded before the type is named (see `lazy.rs`).
        self.r();
        let ty = self.types.intern(ty);
        let mut ps = Props::new();
        for (k, v) in props {
            let k = self.keys.intern(k);
            put_prop(&mut ps, k, v);
        }
        let id = self.add_rel_sym(start, end, ty, &ps)?;
        self.record(Undo::CreatedRels { first: id, count: 1 });
        Some(id)
    }

    /// Deletes a relationship; false if it did not exist.
    pub fn delete_rel(&mut self, id: RelId) -> bool {
        self.changed();
        if !self.rel_exists(id) {
            return false;
        }
        let r = self.r_mut();
        let Some(rec) = r.remove(id) else { return false };
        let props = r.props.all(rec.props);
        r.props.free(rec.props);
        self.rel_type_changed(rec.ty, false);
        self.record(Undo::DeletedRel { id, start: rec.start(), end: rec.end(), ty: rec.ty, props });
        true
    }

    /// Deletes a node. Without `detach`, a node that still has relationships is not deleted
    /// and `Err(degree)` is returned. `Ok(false)` if it did not exist.
    pub fn delete_node(&mut self, id: NodeId, detach: bool) -> Result<bool, usize> {
        self.changed();
        if !self.node_exists(id) {
            return Ok(false);
        }
        let rels: Vec<RelId> = self.rels_of(id, Dir::Both, &[]).map(|(r, _)| r).collect();
        if !rels.is_empty() {
            if !detach {
                return Err(rels.len());
            }
            for r in rels {
                self.delete_rel(r);
            }
        }
        let rec = std::mem::replace(&mut self.nodes[id.index()], NodeRec::GONE);
        self.live_nodes -= 1;
        let labels = self.label_set(rec.labels).to_vec();
        let props = self.node_props.all(rec.props);
        self.node_props.free(rec.props);
        if !self.indexes.is_empty() {
            self.indexes.node_removed(id, &labels, &props);
        }
        for &l in &labels {
            self.label_index[l.index()].remove(&id);
        }
        self.record(Undo::DeletedNode { id, labels, props });
        Ok(true)
    }

    /// Sets a node property (`Null` removes it); returns the old value.
    pub fn set_node_prop(&mut self, id: NodeId, key: &str, value: Value) -> Option<Value> {
        self.changed();
        let key = self.keys.intern(key);
        let new = (!self.indexes.is_empty() && !value.is_null()).then(|| value.clone());
        let old = self.put_node_prop(id, key, value)?;
        if !self.indexes.is_empty() {
            let labels = self.node_labels(id).to_vec();
            self.indexes.prop_changed(id, &labels, key, old.as_ref(), new.as_ref());
        }
        self.record(Undo::NodeProp { id, key, old: old.clone() });
        old
    }

    /// Sets a relationship property (`Null` removes it); returns the old value.
    pub fn set_rel_prop(&mut self, id: RelId, key: &str, value: Value) -> Option<Value> {
        self.changed();
        let key = self.keys.intern(key);
        let old = self.put_rel_prop(id, key, value)?;
        self.record(Undo::RelProp { id, key, old: old.clone() });
        old
    }

    /// Adds a label; true if the node did not have it.
    pub fn add_label(&mut self, id: NodeId, label: &str) -> bool {
        if !self.node_exists(id) {
            return false;
        }
        let l = self.intern_label(label);
        self.add_label_sym(id, l)
    }

    fn add_label_sym(&mut self, id: NodeId, l: LabelId) -> bool {
        self.changed();
        let Some(n) = self.node(id) else { return false };
        let mut labels = self.label_set(n.labels).to_vec();
        if labels.contains(&l) {
            return false;
        }
        labels.push(l);
        self.nodes[id.index()].labels = self.intern_label_set(&labels);
        if !self.indexes.is_empty() {
            let props = self.node_props(id);
            self.indexes.label_changed(id, l, &props, true);
        }
        self.label_index[l.index()].insert(id);
        self.record(Undo::AddedLabel { id, label: l });
        true
    }

    /// Removes a label; true if the node had it.
    pub fn remove_label(&mut self, id: NodeId, label: &str) -> bool {
        match self.labels.get(label) {
            Some(l) => self.remove_label_sym(id, l),
            None => false,
        }
    }

    fn remove_label_sym(&mut self, id: NodeId, l: LabelId) -> bool {
        self.changed();
        let Some(n) = self.node(id) else { return false };
        let mut labels = self.label_set(n.labels).to_vec();
        let Some(pos) = labels.iter().position(|x| *x == l) else { return false };
        labels.remove(pos);
        self.nodes[id.index()].labels = self.intern_label_set(&labels);
        self.adjacency.clear();
        if !self.indexes.is_empty() {
            let props = self.node_props(id);
            self.indexes.label_changed(id, l, &props, false);
        }
        self.label_index[l.index()].remove(&id);
        self.record(Undo::RemovedLabel { id, label: l });
        true
    }
}

impl Graph {
    // ---- bulk loading ------------------------------------------------------------------

    /// Interns a label for bulk loading.
    pub fn label_sym(&mut self, name: &str) -> LabelId {
        self.intern_label(name)
    }

    /// Interns a relationship type for bulk loading.
    pub fn type_sym(&mut self, name: &str) -> TypeId {
        self.types.intern(name)
    }

    /// Creates a node from interned labels and properties (bulk loading: not journaled).
    pub fn add_node_syms(&mut self, labels: &[LabelId], props: &[(KeyId, Value)]) -> NodeId {
        self.changed();
        let id = NodeId(self.next_node);
        self.next_node += 1;
        self.place_node(id, labels, props);
        id
    }

    /// Puts a node with this id (new, or deleted and brought back) into the store: its record,
    /// its labels' sets and the indexes.
    fn place_node(&mut self, id: NodeId, labels: &[LabelId], props: &[(KeyId, Value)]) {
        for &l in labels {
            self.label_index[l.index()].insert(id);
        }
        if !self.indexes.is_empty() {
            self.indexes.node_added(id, labels, props);
        }
        let rec = NodeRec { labels: self.intern_label_set(labels), props: self.node_props.store(props) };
        if self.nodes.len() <= id.index() {
            self.nodes.resize(id.index() + 1, NodeRec::GONE);
        }
        self.nodes[id.index()] = rec;
        self.live_nodes += 1;
    }

    /// Creates a relationship from an interned type (bulk loading: not journaled). `None`
    /// if an end does not exist (or past 4 billion relationships or node ids).
    pub fn add_rel_sym(&mut self, start: NodeId, end: NodeId, ty: TypeId, props: &[(KeyId, Value)]) -> Option<RelId> {
        self.changed();
        let small = |n: NodeId| n.0 < u64::from(u32::MAX) && self.node_exists(n);
        if !small(start) || !small(end) {
            return None;
        }
        let id = u32::try_from(self.next_rel).ok().filter(|&i| i != u32::MAX)?;
        self.next_rel += 1;
        let r = self.r_mut();
        let props = r.props.store(props);
        r.put(id, start, end, ty, props);
        self.rel_type_changed(ty, true);
        Some(RelId(id as u64))
    }

    /// Reserves room for a bulk load.
    pub fn reserve(&mut self, nodes: usize, rels: usize) {
        self.r_mut().reserve(rels);
        self.nodes.reserve(nodes);
    }

    // ---- property indexes --------------------------------------------------------------

    /// Creates an index on `:label(key)` and fills it; the error says why not.
    pub fn create_index(&mut self, name: Option<&str>, label: &str, key: &str) -> Result<String, String> {
        let l = self.intern_label(label);
        let k = self.keys.intern(key);
        if let Some(ix) = self.indexes.get(l, k) {
            return Err(format!("an index on :{label}({key}) already exists: {}", ix.name));
        }
        let name =
            name.map_or_else(|| format!("index_{}_{}", label.to_lowercase(), key.to_lowercase()), str::to_string);
        if self.indexes.list.iter().any(|i| i.name == name) || self.fulltext.iter().any(|i| i.name == name) {
            return Err(format!("an index named {name} already exists"));
        }
        let ix = PropertyIndex::build(name.clone(), l, k, self.values_of(l, k));
        self.indexes.list.push(ix);
        Ok(name)
    }

    /// The values of a key on the nodes of a label, with the nodes, for an index: read and
    /// sorted in parts on all cores, so that [`PropertyIndex::build`] merges the parts.
    fn values_of(&self, label: LabelId, key: KeyId) -> Vec<(Value, NodeId)> {
        let ids: Vec<NodeId> = self.nodes_with_label(label).collect();
        let part = |ids: &[NodeId]| {
            let mut v: Vec<(Value, NodeId)> =
                ids.iter().filter_map(|&id| Some((self.node_prop(id, key)?, id))).collect();
            v.sort_unstable_by(index::entry_order);
            v
        };
        let n = ids.len();
        on_cores(n < 50_000, |p, parts| part(&ids[n * p / parts..n * (p + 1) / parts])).concat()
    }

    /// The node and relationship ids handed out so far (the next ones made get these).
    pub fn ids_handed_out(&self) -> (u64, u64) {
        (self.next_node, self.next_rel)
    }

    /// Drops an index (a property or a full-text one) by name; false if there is none.
    pub fn drop_index(&mut self, name: &str) -> bool {
        let before = self.indexes.list.len() + self.fulltext.len();
        self.indexes.list.retain(|i| i.name != name);
        self.fulltext.retain(|i| i.name != name);
        let dropped = self.indexes.list.len() + self.fulltext.len() != before;
        if dropped {
            self.changed();
        }
        dropped
    }

    /// The property indexes.
    pub fn property_indexes(&self) -> &[PropertyIndex] {
        &self.indexes.list
    }

    /// The index of this name, if there is one.
    pub fn index_named(&self, name: &str) -> Option<&PropertyIndex> {
        self.indexes.list.iter().find(|i| i.name == name)
    }

    /// The index on `:label(key)`, if there is one.
    pub fn index_on(&self, label: LabelId, key: KeyId) -> Option<&PropertyIndex> {
        self.indexes.get(label, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_never_reused() {
        let mut g = Graph::new();
        let a = g.create_node(["A"], []);
        let b = g.create_node(["B"], []);
        let c = g.create_node([], [("x", Value::Int(1))]);
        let r = g.create_rel(a, b, "T", []).unwrap();
        assert_eq!(g.delete_node(a, false), Err(1));
        assert_eq!(g.delete_node(a, true), Ok(true));
        assert!(!g.rel_exists(r));
        let d = g.create_node(["A"], []);
        assert_eq!((b, c, d), (NodeId(1), NodeId(2), NodeId(3)));
        assert_eq!(g.node_ids().collect::<Vec<_>>(), [1, 2, 3].map(NodeId));
        assert_eq!(g.nodes_with_label(g.label_id("A").unwrap()).collect::<Vec<_>>(), [NodeId(3)]);
        let r2 = g.create_rel(b, d, "T", []).unwrap();
        assert_eq!(r2, RelId(1));
    }

    #[test]
    fn self_loop_listed_once_undirected() {
        let mut g = Graph::new();
        let a = g.create_node([], []);
        g.create_rel(a, a, "T", []);
        assert_eq!(g.rels_of(a, Dir::Both, &[]).count(), 1);
        assert_eq!(g.rels_of(a, Dir::Out, &[]).count(), 1);
        assert_eq!(g.rels_of(a, Dir::In, &[]).count(), 1);
    }

    #[test]
    fn rollback_restores_everything() {
        let mut g = Graph::new();
        let a = g.create_node(["A"], [("k", Value::Int(1))]);
        let b = g.create_node(["B"], []);
        g.create_rel(a, b, "T", [("w", Value::Int(2))]);
        let sp = g.savepoint();
        g.set_node_prop(a, "k", Value::Int(5));
        g.add_label(b, "C");
        g.remove_label(a, "A");
        g.delete_node(a, true).unwrap();
        g.create_node(["Z"], []);
        g.rollback(sp);
        assert_eq!(g.node_count(), 2);
        assert_eq!(g.rel_count(), 1);
        let k = g.key_id("k").unwrap();
        assert_eq!(g.node_prop(a, k), Some(Value::Int(1)));
        assert!(g.has_label(a, g.label_id("A").unwrap()));
        assert!(!g.has_label(b, g.label_id("C").unwrap()));
        assert_eq!(g.rels_of(a, Dir::Out, &[]).count(), 1);
    }
}
