//! A small graph for the executor's tests: ordered maps and nothing else, implementing only
//! what [`GraphRead`] and [`GraphWrite`] require (no adjacency runs, columns, indexes or count
//! store), so that the executor's plain roads run against it and its answers can be held
//! against the real store's.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::store::{
    put_prop, Dir, GraphRead, GraphWrite, Ids, Interner, KeyId, LabelId, Projection, ProjectionError, ProjectionSpec,
    PropReader, Props, Savepoint, TypeId,
};
use crate::value::{NodeId, RelId, Value};

#[derive(Debug, Clone, Default)]
struct State {
    labels: Interner<LabelId>,
    types: Interner<TypeId>,
    keys: Interner<KeyId>,
    nodes: BTreeMap<NodeId, (Vec<LabelId>, Props)>,
    rels: BTreeMap<RelId, (NodeId, NodeId, TypeId, Props)>,
    next_node: u64,
    next_rel: u64,
}

/// The fake: its state, and copies of it taken at savepoints.
#[derive(Debug, Clone, Default)]
pub struct FakeGraph {
    now: State,
    saved: Vec<State>,
}

impl GraphRead for FakeGraph {
    fn labels(&self) -> &Interner<LabelId> {
        &self.now.labels
    }
    fn types(&self) -> &Interner<TypeId> {
        &self.now.types
    }
    fn keys(&self) -> &Interner<KeyId> {
        &self.now.keys
    }
    fn node_count(&self) -> usize {
        self.now.nodes.len()
    }
    fn rel_count(&self) -> usize {
        self.now.rels.len()
    }
    fn node_ids(&self) -> Ids<'_> {
        Box::new(self.now.nodes.keys().copied())
    }
    fn rel_ids(&self) -> Ids<'_, RelId> {
        Box::new(self.now.rels.keys().copied())
    }
    fn node_exists(&self, id: NodeId) -> bool {
        self.now.nodes.contains_key(&id)
    }
    fn rel_exists(&self, id: RelId) -> bool {
        self.now.rels.contains_key(&id)
    }
    fn node_labels(&self, id: NodeId) -> &[LabelId] {
        self.now.nodes.get(&id).map_or(&[], |(l, _)| l)
    }
    fn node_prop(&self, id: NodeId, key: KeyId) -> Option<Value> {
        let (_, props) = self.now.nodes.get(&id)?;
        props.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
    }
    fn node_props(&self, id: NodeId) -> Props {
        self.now.nodes.get(&id).map_or_else(Props::new, |(_, p)| p.clone())
    }
    fn rel_type(&self, id: RelId) -> Option<TypeId> {
        self.now.rels.get(&id).map(|r| r.2)
    }
    fn rel_ends(&self, id: RelId) -> Option<(NodeId, NodeId)> {
        self.now.rels.get(&id).map(|r| (r.0, r.1))
    }
    fn rel_prop(&self, id: RelId, key: KeyId) -> Option<Value> {
        let (_, _, _, props) = self.now.rels.get(&id)?;
        props.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone())
    }
    fn rel_props(&self, id: RelId) -> Props {
        self.now.rels.get(&id).map_or_else(Props::new, |r| r.3.clone())
    }
    fn rels_of<'a>(
        &'a self,
        node: NodeId,
        dir: Dir,
        types: &'a [TypeId],
    ) -> Box<dyn Iterator<Item = (RelId, NodeId)> + 'a> {
        let want = move |t: TypeId| types.is_empty() || types.contains(&t);
        let out = self
            .now
            .rels
            .iter()
            .filter(move |(_, r)| dir != Dir::In && r.0 == node && want(r.2))
            .map(|(&id, r)| (id, r.1));
        let inc = self
            .now
            .rels
            .iter()
            .filter(move |(_, r)| dir != Dir::Out && r.1 == node && want(r.2) && !(dir == Dir::Both && r.0 == r.1))
            .map(|(&id, r)| (id, r.0));
        Box::new(out.chain(inc))
    }
    fn node_prop_reader(&self, key: KeyId) -> PropReader<'_> {
        PropReader::plain(self, key)
    }
    fn rel_prop_reader(&self, key: KeyId) -> PropReader<'_> {
        PropReader::plain_rels(self, key)
    }
    fn projection_shared(&self, _: &ProjectionSpec) -> Result<Arc<Projection>, ProjectionError> {
        Err(ProjectionError::Unsupported("the test graph has no projections for the algorithms"))
    }
}

impl GraphWrite for FakeGraph {
    fn create_node(&mut self, labels: &[&str], props: &mut dyn Iterator<Item = (&str, Value)>) -> NodeId {
        let s = &mut self.now;
        let mut ls = Vec::new();
        for l in labels {
            let l = s.labels.intern(l);
            if !ls.contains(&l) {
                ls.push(l);
            }
        }
        let mut ps = Props::new();
        for (k, v) in props {
            put_prop(&mut ps, s.keys.intern(k), v);
        }
        let id = s.next_node;
        s.next_node += 1;
        s.nodes.insert(NodeId(id), (ls, ps));
        NodeId(id)
    }
    fn create_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        ty: &str,
        props: &mut dyn Iterator<Item = (&str, Value)>,
    ) -> Option<RelId> {
        if !self.node_exists(start) || !self.node_exists(end) {
            return None;
        }
        let s = &mut self.now;
        let mut ps = Props::new();
        for (k, v) in props {
            put_prop(&mut ps, s.keys.intern(k), v);
        }
        let id = s.next_rel;
        s.next_rel += 1;
        let ty = s.types.intern(ty);
        s.rels.insert(RelId(id), (start, end, ty, ps));
        Some(RelId(id))
    }
    fn delete_rel(&mut self, id: RelId) -> bool {
        self.now.rels.remove(&id).is_some()
    }
    fn delete_node(&mut self, id: NodeId, detach: bool) -> Result<bool, usize> {
        if !self.node_exists(id) {
            return Ok(false);
        }
        let attached: Vec<RelId> = self.rels_of(id, Dir::Both, &[]).map(|(r, _)| r).collect();
        if !attached.is_empty() && !detach {
            return Err(attached.len());
        }
        for r in attached {
            self.now.rels.remove(&r);
        }
        self.now.nodes.remove(&id);
        Ok(true)
    }
    fn set_node_prop(&mut self, id: NodeId, key: &str, value: Value) -> Option<Value> {
        let key = self.now.keys.intern(key);
        let (_, props) = self.now.nodes.get_mut(&id)?;
        Some(put_prop(props, key, value).unwrap_or(Value::Null))
    }
    fn set_rel_prop(&mut self, id: RelId, key: &str, value: Value) -> Option<Value> {
        let key = self.now.keys.intern(key);
        let (_, _, _, props) = self.now.rels.get_mut(&id)?;
        Some(put_prop(props, key, value).unwrap_or(Value::Null))
    }
    fn add_label(&mut self, id: NodeId, label: &str) -> bool {
        let l = self.now.labels.intern(label);
        match self.now.nodes.get_mut(&id) {
            Some((ls, _)) if !ls.contains(&l) => {
                ls.push(l);
                true
            }
            _ => false,
        }
    }
    fn remove_label(&mut self, id: NodeId, label: &str) -> bool {
        let Some(l) = self.now.labels.get(label) else { return false };
        match self.now.nodes.get_mut(&id) {
            Some((ls, _)) if ls.contains(&l) => {
                ls.retain(|x| *x != l);
                true
            }
            _ => false,
        }
    }
    fn create_index(&mut self, _: Option<&str>, _: &str, _: &str) -> Result<String, String> {
        Err("the test graph has no indexes".into())
    }
    fn create_fulltext(&mut self, _: crate::store::FulltextIndex) -> Result<String, String> {
        Err("a test graph has no indexes".into())
    }
    fn drop_index(&mut self, _: &str) -> bool {
        false
    }
    fn savepoint(&mut self) -> Savepoint {
        self.saved.push(self.now.clone());
        Savepoint::at(self.saved.len() - 1)
    }
    fn commit(&mut self, sp: Savepoint) {
        self.saved.truncate(sp.mark());
    }
    fn rollback(&mut self, sp: Savepoint) {
        if let Some(s) = self.saved.get(sp.mark()).cloned() {
            self.now = s;
        }
        self.saved.truncate(sp.mark());
    }
    fn take_storage_error(&mut self) -> Option<String> {
        None
    }
}
