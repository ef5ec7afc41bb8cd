//! The storage boundary: what the executor (and the algorithms) may ask of a graph, as two
//! traits. [`GraphRead`] is a consistent view to read; [`GraphWrite`] adds the changes of one
//! statement, journaled so that they can be rolled back. The executor holds `&dyn GraphRead`
//! or `&mut dyn GraphWrite` and never the concrete [`Graph`]: a transaction's snapshot, a
//! write transaction or a small test graph can stand in its place.
//!
//! A reader implements the required methods (ids, labels, relationships by direction and type,
//! properties by key id, counts); the fast paths (adjacency runs, column readers, batched
//! property reads, index seeks, count store) are provided methods with plain defaults that
//! [`Graph`] overrides.

use std::any::Any;
use std::sync::Arc;

use super::constraints::{Constraint, ConstraintError, Rule};
use super::{
    Adjacency, Dir, FulltextIndex, Graph, Interner, KeyId, LabelId, Projection, ProjectionError, ProjectionSpec,
    PropReader, PropertyIndex, Props, Savepoint, TypeId,
};
use crate::value::{NodeId, RelId, Value};

/// Node ids in some order, boxed so that any store can hand them out.
pub type Ids<'a, I = NodeId> = Box<dyn Iterator<Item = I> + 'a>;

/// A consistent view of a graph to read.
pub trait GraphRead: Sync {
    // ---- required ----------------------------------------------------------------------

    /// Label names and their ids.
    fn labels(&self) -> &Interner<LabelId>;
    /// Relationship type names and their ids.
    fn types(&self) -> &Interner<TypeId>;
    /// Property key names and their ids.
    fn keys(&self) -> &Interner<KeyId>;
    /// The number of live nodes.
    fn node_count(&self) -> usize;
    /// The number of live relationships.
    fn rel_count(&self) -> usize;
    /// Every live node, in id order.
    fn node_ids(&self) -> Ids<'_>;
    /// Every live relationship, in id order.
    fn rel_ids(&self) -> Ids<'_, RelId>;
    /// Whether a node with this id exists.
    fn node_exists(&self, id: NodeId) -> bool;
    /// Whether a relationship with this id exists.
    fn rel_exists(&self, id: RelId) -> bool;
    /// A node's labels (empty if it does not exist).
    fn node_labels(&self, id: NodeId) -> &[LabelId];
    /// A node's property by key id; `None` if the node does not exist or has no such property.
    fn node_prop(&self, id: NodeId, key: KeyId) -> Option<Value>;
    /// A node's properties in order (empty if it does not exist).
    fn node_props(&self, id: NodeId) -> Props;
    /// A relationship's type; `None` if it does not exist.
    fn rel_type(&self, id: RelId) -> Option<TypeId>;
    /// `(start, end)` of a relationship.
    fn rel_ends(&self, id: RelId) -> Option<(NodeId, NodeId)>;
    /// A relationship's property by key id; `None` if the relationship does not exist or has no
    /// such property.
    fn rel_prop(&self, id: RelId, key: KeyId) -> Option<Value>;
    /// A relationship's properties in order (empty if it does not exist).
    fn rel_props(&self, id: RelId) -> Props;
    /// Relationships at a node: `(relationship, other end)`; with `Dir::Both` a self-loop is
    /// listed once; `types` empty means any type.
    fn rels_of<'a>(
        &'a self,
        node: NodeId,
        dir: Dir,
        types: &'a [TypeId],
    ) -> Box<dyn Iterator<Item = (RelId, NodeId)> + 'a>;
    /// A reader of one property of many nodes (a scan's checks).
    fn node_prop_reader(&self, key: KeyId) -> PropReader<'_>;
    /// A reader of one property of many relationships (a filter on an expansion's).
    fn rel_prop_reader(&self, key: KeyId) -> PropReader<'_>;
    /// The algorithms' view: some labels' nodes and some types' relationships as a CSR.
    fn projection_shared(&self, spec: &ProjectionSpec) -> Result<Arc<Projection>, ProjectionError>;

    // ---- provided: names ---------------------------------------------------------------

    /// The id of a label name, if the graph has seen it.
    fn label_id(&self, name: &str) -> Option<LabelId> {
        self.labels().get(name)
    }
    /// The id of a relationship type name, if the graph has seen it.
    fn type_id(&self, name: &str) -> Option<TypeId> {
        self.types().get(name)
    }
    /// The id of a property key name, if the graph has seen it.
    fn key_id(&self, name: &str) -> Option<KeyId> {
        self.keys().get(name)
    }

    // ---- provided: counts and scans (a store with a label index or count store overrides) --

    /// Nodes carrying a label.
    fn label_count(&self, label: LabelId) -> usize {
        self.nodes_with_label(label).count()
    }
    /// Live relationships of a type.
    fn rel_count_of(&self, ty: TypeId) -> usize {
        self.rel_ids().filter(|&r| self.rel_type(r) == Some(ty)).count()
    }
    /// Nodes with a label, in id order.
    fn nodes_with_label(&self, label: LabelId) -> Ids<'_> {
        Box::new(self.node_ids().filter(move |&n| self.has_label(n, label)))
    }
    /// Nodes with a label whose ids lie in `lo..=hi`, in id order.
    fn nodes_with_label_in(&self, label: LabelId, lo: NodeId, hi: NodeId) -> Ids<'_> {
        Box::new(self.nodes_with_label(label).filter(move |&n| (lo..=hi).contains(&n)))
    }
    /// Live nodes whose ids lie in `lo..=hi`, in id order.
    fn node_ids_in(&self, lo: NodeId, hi: NodeId) -> Ids<'_> {
        Box::new(self.node_ids().filter(move |&n| (lo..=hi).contains(&n)))
    }
    /// The number of relationships at a node in the direction, of any type (a self-loop counts once
    /// with `Dir::Both`).
    fn degree(&self, node: NodeId, dir: Dir) -> usize {
        self.rels_of(node, dir, &[]).count()
    }

    // ---- provided: reading in place and in bulk ----------------------------------------

    /// Whether a node carries the label.
    fn has_label(&self, id: NodeId, label: LabelId) -> bool {
        self.node_labels(id).contains(&label)
    }
    /// Whether a node's property equals `v` (Cypher's `=` is true).
    fn node_prop_equals(&self, id: NodeId, key: KeyId, v: &Value) -> bool {
        self.node_prop(id, key).is_some_and(|x| x.cypher_eq(v) == Some(true))
    }
    /// Whether a relationship's property equals `v` (Cypher's `=` is true).
    fn rel_prop_equals(&self, id: RelId, key: KeyId, v: &Value) -> bool {
        self.rel_prop(id, key).is_some_and(|x| x.cypher_eq(v) == Some(true))
    }
    /// A property by key name: `None` if the node does not exist, `Some(None)` if it has no
    /// such property.
    fn node_prop_named(&self, id: NodeId, key: &str) -> Option<Option<Value>> {
        self.node_exists(id).then(|| self.key_id(key).and_then(|k| self.node_prop(id, k)))
    }
    /// [`GraphRead::node_prop_named`] for a relationship.
    fn rel_prop_named(&self, id: RelId, key: &str) -> Option<Option<Value>> {
        self.rel_exists(id).then(|| self.key_id(key).and_then(|k| self.rel_prop(id, k)))
    }
    /// One property of many nodes into `out`: `None` for a node that does not exist,
    /// `Some(Null)` for one without the property.
    fn node_props_batch(&self, ids: &[NodeId], key: KeyId, out: &mut Vec<Option<Value>>) {
        out.clear();
        out.extend(ids.iter().map(|&id| self.node_exists(id).then(|| self.node_prop(id, key).unwrap_or(Value::Null))));
    }
    /// [`GraphRead::node_props_batch`] for relationships.
    fn rel_props_batch(&self, ids: &[RelId], key: KeyId, out: &mut Vec<Option<Value>>) {
        out.clear();
        out.extend(ids.iter().map(|&id| self.rel_exists(id).then(|| self.rel_prop(id, key).unwrap_or(Value::Null))));
    }
    /// The type of a relationship, also of one the running statement deleted (Cypher lets
    /// `type(r)` read it after `DELETE r`).
    fn rel_type_even_deleted(&self, id: RelId) -> Option<TypeId> {
        self.rel_type(id)
    }

    // ---- provided: access paths a store may have ----------------------------------------

    /// The relationships of a type as adjacency runs, if the store keeps them.
    fn adjacency(&self, _ty: TypeId, _dir: Dir) -> Option<Arc<Adjacency>> {
        None
    }
    /// The property indexes.
    fn property_indexes(&self) -> &[PropertyIndex] {
        &[]
    }
    /// The constraints.
    fn constraints(&self) -> &[Constraint] {
        &[]
    }
    /// The index on a label's property, if there is one.
    fn index_on(&self, label: LabelId, key: KeyId) -> Option<&PropertyIndex> {
        self.property_indexes().iter().find(|ix| ix.label == label && ix.key == key)
    }
    /// The full-text indexes' definitions.
    fn fulltext_indexes(&self) -> &[FulltextIndex] {
        &[]
    }
    /// A value derived from the graph as it is, kept under `key` by [`GraphRead::keep_derived`]
    /// since the graph last changed (a store that keeps none has none).
    fn derived(&self, _key: &str) -> Option<Arc<dyn Any + Send + Sync>> {
        None
    }
    /// Keeps a value derived from the graph as it is, until the graph changes.
    fn keep_derived(&self, _key: &str, _value: Arc<dyn Any + Send + Sync>) {}
}

/// A graph one statement changes. Every change is journaled from [`GraphWrite::savepoint`] on,
/// so that [`GraphWrite::rollback`] undoes a failed statement whole.
pub trait GraphWrite: GraphRead {
    /// Creates a node; properties with null values are dropped.
    fn create_node(&mut self, labels: &[&str], props: &mut dyn Iterator<Item = (&str, Value)>) -> NodeId;
    /// Creates a relationship; `None` if an end does not exist.
    fn create_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        ty: &str,
        props: &mut dyn Iterator<Item = (&str, Value)>,
    ) -> Option<RelId>;
    /// Deletes a relationship; false if it did not exist.
    fn delete_rel(&mut self, id: RelId) -> bool;
    /// Deletes a node (with its relationships when `detach`); `Err(degree)` if it still has
    /// relationships and `detach` is false.
    fn delete_node(&mut self, id: NodeId, detach: bool) -> Result<bool, usize>;
    /// Sets a node property (`Null` removes it); `None` if the node does not exist, else the
    /// old value.
    fn set_node_prop(&mut self, id: NodeId, key: &str, value: Value) -> Option<Value>;
    /// Sets a relationship property (`Null` removes it); `None` if the relationship does not exist,
    /// else the old value.
    fn set_rel_prop(&mut self, id: RelId, key: &str, value: Value) -> Option<Value>;
    /// Adds a label; true if the node did not have it.
    fn add_label(&mut self, id: NodeId, label: &str) -> bool;
    /// Removes a label; true if the node had it.
    fn remove_label(&mut self, id: NodeId, label: &str) -> bool;
    /// Creates a property index; its name, or why not.
    fn create_index(&mut self, name: Option<&str>, label: &str, key: &str) -> Result<String, String>;
    /// Drops an index by name; false if there is none.
    fn drop_index(&mut self, name: &str) -> bool;
    /// Makes a full-text index; the error says why not.
    fn create_fulltext(&mut self, ix: FulltextIndex) -> Result<String, String>;
    /// Makes a constraint (see [`Graph::create_constraint`]); a store without constraints
    /// refuses.
    fn create_constraint(
        &mut self,
        _name: Option<&str>,
        _rule: Rule,
        _rel: bool,
        _on: &str,
        _keys: &[String],
        _if_not_exists: bool,
    ) -> Result<Option<String>, ConstraintError> {
        Err(ConstraintError::CreationFailed("this graph keeps no constraints".into()))
    }
    /// Drops a constraint by name; false if there is none.
    fn drop_constraint(&mut self, _name: &str) -> bool {
        false
    }
    /// Whether the changes since the mark keep every constraint.
    fn check_constraints(&self, _since: Savepoint) -> Result<(), ConstraintError> {
        Ok(())
    }
    /// Everything the journal holds, encoded as a log record's payload (empty when it holds
    /// nothing).
    fn encode_journal(&self) -> Vec<u8> {
        Vec::new()
    }
    /// Keeps what the journal holds for good (see [`Graph::forget_journal`]).
    fn forget_journal(&mut self) {}
    /// The store's own graph, for a caller above the executor that keeps copies of it (a
    /// server publishing a batch of `IN TRANSACTIONS` to its readers); `None` for other stores.
    fn as_graph_mut(&mut self) -> Option<&mut Graph> {
        None
    }
    /// Starts journaling; a mark to roll back to.
    fn savepoint(&mut self) -> Savepoint;
    /// Keeps the changes since the mark.
    fn commit(&mut self, sp: Savepoint);
    /// Undoes the changes since the mark.
    fn rollback(&mut self, sp: Savepoint);
    /// Why the store refused a write since the last call, if it did.
    fn take_storage_error(&mut self) -> Option<String>;
}

impl GraphRead for Graph {
    fn labels(&self) -> &Interner<LabelId> {
        Graph::labels(self)
    }
    fn types(&self) -> &Interner<TypeId> {
        Graph::types(self)
    }
    fn keys(&self) -> &Interner<KeyId> {
        Graph::keys(self)
    }
    fn node_count(&self) -> usize {
        Graph::node_count(self)
    }
    fn rel_count(&self) -> usize {
        Graph::rel_count(self)
    }
    fn node_ids(&self) -> Ids<'_> {
        Box::new(Graph::node_ids(self))
    }
    fn rel_ids(&self) -> Ids<'_, RelId> {
        Box::new(Graph::rel_ids(self))
    }
    fn node_exists(&self, id: NodeId) -> bool {
        Graph::node_exists(self, id)
    }
    fn rel_exists(&self, id: RelId) -> bool {
        Graph::rel_exists(self, id)
    }
    fn node_labels(&self, id: NodeId) -> &[LabelId] {
        Graph::node_labels(self, id)
    }
    fn node_prop(&self, id: NodeId, key: KeyId) -> Option<Value> {
        Graph::node_prop(self, id, key)
    }
    fn node_props(&self, id: NodeId) -> Props {
        Graph::node_props(self, id)
    }
    fn rel_type(&self, id: RelId) -> Option<TypeId> {
        Graph::rel_type(self, id)
    }
    fn rel_ends(&self, id: RelId) -> Option<(NodeId, NodeId)> {
        Graph::rel_ends(self, id)
    }
    fn rel_prop(&self, id: RelId, key: KeyId) -> Option<Value> {
        Graph::rel_prop(self, id, key)
    }
    fn rel_props(&self, id: RelId) -> Props {
        Graph::rel_props(self, id)
    }
    fn rels_of<'a>(
        &'a self,
        node: NodeId,
        dir: Dir,
        types: &'a [TypeId],
    ) -> Box<dyn Iterator<Item = (RelId, NodeId)> + 'a> {
        Box::new(Graph::rels_of(self, node, dir, types))
    }
    fn node_prop_reader(&self, key: KeyId) -> PropReader<'_> {
        Graph::node_prop_reader(self, key)
    }
    fn rel_prop_reader(&self, key: KeyId) -> PropReader<'_> {
        Graph::rel_prop_reader(self, key)
    }
    fn projection_shared(&self, spec: &ProjectionSpec) -> Result<Arc<Projection>, ProjectionError> {
        Graph::projection_shared(self, spec)
    }
    fn label_id(&self, name: &str) -> Option<LabelId> {
        Graph::label_id(self, name)
    }
    fn type_id(&self, name: &str) -> Option<TypeId> {
        Graph::type_id(self, name)
    }
    fn key_id(&self, name: &str) -> Option<KeyId> {
        Graph::key_id(self, name)
    }
    fn label_count(&self, label: LabelId) -> usize {
        Graph::label_count(self, label)
    }
    fn rel_count_of(&self, ty: TypeId) -> usize {
        Graph::rel_count_of(self, ty)
    }
    fn nodes_with_label(&self, label: LabelId) -> Ids<'_> {
        Box::new(Graph::nodes_with_label(self, label))
    }
    fn nodes_with_label_in(&self, label: LabelId, lo: NodeId, hi: NodeId) -> Ids<'_> {
        Box::new(Graph::nodes_with_label_in(self, label, lo, hi))
    }
    fn node_ids_in(&self, lo: NodeId, hi: NodeId) -> Ids<'_> {
        Box::new(Graph::node_ids_in(self, lo, hi))
    }
    fn degree(&self, node: NodeId, dir: Dir) -> usize {
        Graph::degree(self, node, dir)
    }
    fn has_label(&self, id: NodeId, label: LabelId) -> bool {
        Graph::has_label(self, id, label)
    }
    fn node_prop_equals(&self, id: NodeId, key: KeyId, v: &Value) -> bool {
        Graph::node_prop_equals(self, id, key, v)
    }
    fn rel_prop_equals(&self, id: RelId, key: KeyId, v: &Value) -> bool {
        Graph::rel_prop_equals(self, id, key, v)
    }
    fn node_prop_named(&self, id: NodeId, key: &str) -> Option<Option<Value>> {
        Graph::node_prop_named(self, id, key)
    }
    fn rel_prop_named(&self, id: RelId, key: &str) -> Option<Option<Value>> {
        Graph::rel_prop_named(self, id, key)
    }
    fn node_props_batch(&self, ids: &[NodeId], key: KeyId, out: &mut Vec<Option<Value>>) {
        Graph::node_props_batch(self, ids, key, out)
    }
    fn rel_props_batch(&self, ids: &[RelId], key: KeyId, out: &mut Vec<Option<Value>>) {
        Graph::rel_props_batch(self, ids, key, out)
    }
    fn rel_type_even_deleted(&self, id: RelId) -> Option<TypeId> {
        Graph::rel_type_even_deleted(self, id)
    }
    fn adjacency(&self, ty: TypeId, dir: Dir) -> Option<Arc<Adjacency>> {
        Graph::adjacency(self, ty, dir)
    }
    fn fulltext_indexes(&self) -> &[FulltextIndex] {
        Graph::fulltext_indexes(self)
    }
    fn derived(&self, key: &str) -> Option<Arc<dyn Any + Send + Sync>> {
        self.derived.get(key)
    }
    fn keep_derived(&self, key: &str, value: Arc<dyn Any + Send + Sync>) {
        self.derived.keep(key, value)
    }
    fn property_indexes(&self) -> &[PropertyIndex] {
        Graph::property_indexes(self)
    }
    fn constraints(&self) -> &[Constraint] {
        Graph::constraints(self)
    }
    fn index_on(&self, label: LabelId, key: KeyId) -> Option<&PropertyIndex> {
        Graph::index_on(self, label, key)
    }
}

impl GraphWrite for Graph {
    fn create_node(&mut self, labels: &[&str], props: &mut dyn Iterator<Item = (&str, Value)>) -> NodeId {
        Graph::create_node(self, labels.iter().copied(), props)
    }
    fn create_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        ty: &str,
        props: &mut dyn Iterator<Item = (&str, Value)>,
    ) -> Option<RelId> {
        Graph::create_rel(self, start, end, ty, props)
    }
    fn delete_rel(&mut self, id: RelId) -> bool {
        Graph::delete_rel(self, id)
    }
    fn delete_node(&mut self, id: NodeId, detach: bool) -> Result<bool, usize> {
        Graph::delete_node(self, id, detach)
    }
    fn set_node_prop(&mut self, id: NodeId, key: &str, value: Value) -> Option<Value> {
        Graph::set_node_prop(self, id, key, value)
    }
    fn set_rel_prop(&mut self, id: RelId, key: &str, value: Value) -> Option<Value> {
        Graph::set_rel_prop(self, id, key, value)
    }
    fn add_label(&mut self, id: NodeId, label: &str) -> bool {
        Graph::add_label(self, id, label)
    }
    fn remove_label(&mut self, id: NodeId, label: &str) -> bool {
        Graph::remove_label(self, id, label)
    }
    fn create_index(&mut self, name: Option<&str>, label: &str, key: &str) -> Result<String, String> {
        Graph::create_index(self, name, label, key)
    }
    fn create_fulltext(&mut self, ix: FulltextIndex) -> Result<String, String> {
        Graph::create_fulltext(self, ix)
    }
    fn drop_index(&mut self, name: &str) -> bool {
        Graph::drop_index(self, name)
    }
    fn create_constraint(
        &mut self,
        name: Option<&str>,
        rule: Rule,
        rel: bool,
        on: &str,
        keys: &[String],
        if_not_exists: bool,
    ) -> Result<Option<String>, ConstraintError> {
        Graph::create_constraint(self, name, rule, rel, on, keys, if_not_exists)
    }
    fn drop_constraint(&mut self, name: &str) -> bool {
        Graph::drop_constraint(self, name)
    }
    fn check_constraints(&self, since: Savepoint) -> Result<(), ConstraintError> {
        Graph::check_constraints(self, since)
    }
    fn encode_journal(&self) -> Vec<u8> {
        match self.journal_since(Savepoint::at(0)) {
            0 => Vec::new(),
            _ => self.encode_changes_since(Savepoint::at(0), &[]),
        }
    }
    fn forget_journal(&mut self) {
        Graph::forget_journal(self)
    }
    fn as_graph_mut(&mut self) -> Option<&mut Graph> {
        Some(self)
    }
    fn savepoint(&mut self) -> Savepoint {
        Graph::savepoint(self)
    }
    fn commit(&mut self, sp: Savepoint) {
        Graph::commit(self, sp)
    }
    fn rollback(&mut self, sp: Savepoint) {
        Graph::rollback(self, sp)
    }
    fn take_storage_error(&mut self) -> Option<String> {
        Graph::take_storage_error(self)
    }
}
