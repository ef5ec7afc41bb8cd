//! What a committed transaction changed, as the write-ahead log keeps it: a list of [`Change`]s
//! that, applied in order to the graph as it was before, give the graph as it was after. They are
//! read off the undo journal at commit ([`Graph::changes_since`]), each with the state the change
//! left (a later change of the same entity in the transaction repeats it, so replay ends in the
//! same state). Ids are recorded, so that a replay hands out the same ids even where a
//! rolled-back statement used some up.

use serde::ser::{SerializeSeq, SerializeStructVariant, SerializeTupleVariant, Serializer};
use serde::{Deserialize, Serialize};

use super::{Graph, LabelId, Savepoint, TypeId, Undo};
use crate::value::{temporal, Date, NodeId, RelId, Value};

/// A property value as the log stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Stored {
    /// No value (a property set to null is removed).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float, NaN and infinities included.
    Float(f64),
    /// A string.
    Str(String),
    /// A list of values.
    List(Vec<Stored>),
    /// A map of values, in order.
    Map(Vec<(String, Stored)>),
    /// A date: year, month, day.
    Date(i32, u8, u8),
    /// Another temporal value: its kind and ISO text (`("duration", "P1D")`).
    Temporal(String, String),
}

impl Stored {
    /// A property value to store; `None` for what is never a property (nodes, paths).
    pub fn of(v: &Value) -> Option<Stored> {
        Some(match v {
            Value::Null => Stored::Null,
            Value::Bool(b) => Stored::Bool(*b),
            Value::Int(i) => Stored::Int(*i),
            Value::Float(f) => Stored::Float(*f),
            Value::String(s) => Stored::Str(s.to_string()),
            Value::List(xs) => Stored::List(xs.iter().map(Stored::of).collect::<Option<_>>()?),
            Value::Map(m) => {
                Stored::Map(m.iter().map(|(k, v)| Some((k.clone(), Stored::of(v)?))).collect::<Option<_>>()?)
            }
            Value::Date(d) => Stored::Date(d.year, d.month, d.day),
            other => {
                let (kind, text) = temporal::kind_and_text(other)?;
                Stored::Temporal(kind.to_string(), text)
            }
        })
    }

    /// The value back.
    pub fn value(&self) -> Result<Value, String> {
        Ok(match self {
            Stored::Null => Value::Null,
            Stored::Bool(b) => Value::Bool(*b),
            Stored::Int(i) => Value::Int(*i),
            Stored::Float(f) => Value::Float(*f),
            Stored::Str(s) => Value::str(s),
            Stored::List(xs) => Value::List(xs.iter().map(Stored::value).collect::<Result<_, _>>()?),
            Stored::Map(kv) => {
                Value::map(kv.iter().map(|(k, v)| Ok((k.clone(), v.value()?))).collect::<Result<_, String>>()?)
            }
            Stored::Date(y, m, d) => Value::Date(Date::new(*y, *m, *d).ok_or("a date out of range")?),
            Stored::Temporal(kind, text) => temporal::from_tagged(kind, text).ok_or("an unknown temporal kind")??,
        })
    }
}

/// One change of a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// A node made, with the labels and properties it ended the transaction with.
    CreateNode {
        /// The id it was given.
        id: u64,
        /// Its labels.
        labels: Vec<String>,
        /// Its properties.
        props: Vec<(String, Stored)>,
    },
    /// A relationship made.
    CreateRel {
        /// The id it was given.
        id: u64,
        /// The node it starts at.
        start: u64,
        /// The node it ends at.
        end: u64,
        /// Its type.
        ty: String,
        /// Its properties.
        props: Vec<(String, Stored)>,
    },
    /// A relationship deleted.
    DeleteRel {
        /// Its id.
        id: u64,
    },
    /// Deletes a node (its relationships are deleted by changes before it).
    DeleteNode {
        /// Its id.
        id: u64,
    },
    /// A node's property set to the value it ended with (null: removed).
    SetNodeProp {
        /// The node.
        id: u64,
        /// The property's key.
        key: String,
        /// Its value.
        value: Stored,
    },
    /// A relationship's property set (null: removed).
    SetRelProp {
        /// The relationship.
        id: u64,
        /// The property's key.
        key: String,
        /// Its value.
        value: Stored,
    },
    /// A label added to a node.
    AddLabel {
        /// The node.
        id: u64,
        /// The label.
        label: String,
    },
    /// A label removed from a node.
    RemoveLabel {
        /// The node.
        id: u64,
        /// The label.
        label: String,
    },
    /// A property index made.
    CreateIndex {
        /// Its name.
        name: String,
        /// The label it indexes.
        label: String,
        /// The property key it indexes.
        key: String,
    },
    /// A property index dropped.
    DropIndex {
        /// Its name.
        name: String,
    },
    /// A constraint made (its index, if it has one, is made by a change before it).
    CreateConstraint {
        /// Its name.
        name: String,
        /// What it requires.
        rule: super::constraints::Rule,
        /// On relationships (else nodes).
        rel: bool,
        /// The label or type.
        on: String,
        /// The property keys.
        keys: Vec<String>,
        /// The index made to check it.
        index: Option<String>,
    },
    /// A constraint dropped (its index by a change of its own).
    DropConstraint {
        /// Its name.
        name: String,
    },
    /// A full-text index made.
    CreateFulltext(super::FulltextIndex),
}

/// A transaction's changes as the log's payload.
pub fn encode_changes(changes: &[Change]) -> Vec<u8> {
    postcard::to_stdvec(changes).unwrap_or_default()
}

/// A payload back to its changes.
pub fn decode_changes(payload: &[u8]) -> Result<Vec<Change>, String> {
    postcard::from_bytes(payload).map_err(|e| format!("a log record does not decode: {e}"))
}

/// A property value serialized as its [`Stored`] form would be, without making it.
struct StoredOf<'a>(&'a Value);

impl StoredOf<'_> {
    /// Whether [`Stored::of`] keeps it (nodes, relationships and paths are never stored).
    fn storable(v: &Value) -> bool {
        match v {
            Value::Node(_) | Value::Rel(_) | Value::Path(_) => false,
            Value::List(xs) => xs.iter().all(StoredOf::storable),
            Value::Map(m) => m.values().all(StoredOf::storable),
            _ => true,
        }
    }
}

impl Serialize for StoredOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const N: &str = "Stored";
        match self.0 {
            Value::Null => s.serialize_unit_variant(N, 0, "Null"),
            Value::Bool(b) => s.serialize_newtype_variant(N, 1, "Bool", b),
            Value::Int(i) => s.serialize_newtype_variant(N, 2, "Int", i),
            Value::Float(f) => s.serialize_newtype_variant(N, 3, "Float", f),
            Value::String(x) => s.serialize_newtype_variant(N, 4, "Str", &**x),
            Value::List(xs) => s.serialize_newtype_variant(N, 5, "List", &Seq(xs.iter().map(StoredOf))),
            Value::Map(m) => {
                s.serialize_newtype_variant(N, 6, "Map", &Seq(m.iter().map(|(k, v)| (k.as_str(), StoredOf(v)))))
            }
            Value::Date(d) => {
                let mut t = s.serialize_tuple_variant(N, 7, "Date", 3)?;
                t.serialize_field(&d.year)?;
                t.serialize_field(&d.month)?;
                t.serialize_field(&d.day)?;
                t.end()
            }
            other => match temporal::kind_and_text(other) {
                Some((kind, text)) => {
                    let mut t = s.serialize_tuple_variant(N, 8, "Temporal", 2)?;
                    t.serialize_field(kind)?;
                    t.serialize_field(&text)?;
                    t.end()
                }
                None => s.serialize_unit_variant(N, 0, "Null"),
            },
        }
    }
}

/// A sequence serialized from an iterator that knows its length.
struct Seq<I>(I);

impl<I: ExactSizeIterator + Clone> Serialize for Seq<I>
where
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let it = self.0.clone();
        let mut seq = s.serialize_seq(Some(it.len()))?;
        for x in it {
            seq.serialize_element(&x)?;
        }
        seq.end()
    }
}

/// One journal entry's [`Change`], serialized as the change would be, reading names and values
/// from the graph in place.
enum ChangeOf<'a> {
    Node { g: &'a Graph, id: u64, labels: &'a [LabelId], props: super::Props },
    Rel { g: &'a Graph, id: u64, start: u64, end: u64, ty: &'a str, props: super::Props },
    DeleteRel(u64),
    DeleteNode(u64),
    Prop { rel: bool, id: u64, key: &'a str, value: Option<Value> },
    Label { add: bool, id: u64, label: &'a str },
}

impl ChangeOf<'_> {
    /// The change itself, names and values copied.
    fn owned(self) -> Change {
        let props = |g: &Graph, ps: super::Props| {
            ps.into_iter().filter_map(|(k, v)| Some((g.keys.name(k).to_string(), Stored::of(&v)?))).collect()
        };
        let stored = |v: Option<Value>| v.as_ref().and_then(Stored::of).unwrap_or(Stored::Null);
        match self {
            ChangeOf::Node { g, id, labels, props: ps } => Change::CreateNode {
                id,
                labels: labels.iter().map(|l| g.labels.name(*l).to_string()).collect(),
                props: props(g, ps),
            },
            ChangeOf::Rel { g, id, start, end, ty, props: ps } => {
                Change::CreateRel { id, start, end, ty: ty.to_string(), props: props(g, ps) }
            }
            ChangeOf::DeleteRel(id) => Change::DeleteRel { id },
            ChangeOf::DeleteNode(id) => Change::DeleteNode { id },
            ChangeOf::Prop { rel: false, id, key, value } => {
                Change::SetNodeProp { id, key: key.to_string(), value: stored(value) }
            }
            ChangeOf::Prop { rel: true, id, key, value } => {
                Change::SetRelProp { id, key: key.to_string(), value: stored(value) }
            }
            ChangeOf::Label { add: true, id, label } => Change::AddLabel { id, label: label.to_string() },
            ChangeOf::Label { add: false, id, label } => Change::RemoveLabel { id, label: label.to_string() },
        }
    }
}

/// The journal of a transaction (and the changes it adds at the end), serialized as
/// `encode_changes` of its [`Change`]s.
struct JournalOf<'a> {
    g: &'a Graph,
    journal: &'a [Undo],
    extra: &'a [Change],
}

impl Graph {
    /// The ends and type of the relationship `id` made at journal entry `i`: from the graph, or
    /// from its deletion later in the transaction. (The journal is searched only for one deleted
    /// since: a search per created relationship would make a large transaction's commit
    /// quadratic.)
    fn created_rel(&self, journal: &[Undo], i: usize, id: RelId) -> Option<(NodeId, NodeId, TypeId)> {
        let live = self.rel_ends(id).zip(self.rel_type(id)).map(|((s, e), t)| (s, e, t));
        live.or_else(|| {
            journal[i..].iter().find_map(|u| match u {
                Undo::DeletedRel { id: d, start, end, ty, .. } if *d == id => Some((*start, *end, *ty)),
                _ => None,
            })
        })
    }

    /// The changes of `journal`, in order: one per entry, one per node or relationship of a
    /// run of creations, none for a relationship made and gone again without a trace.
    fn changes_of<'a>(&'a self, journal: &'a [Undo]) -> impl Iterator<Item = ChangeOf<'a>> + 'a {
        journal.iter().enumerate().flat_map(move |(i, u)| {
            let nodes = u.created_nodes().map(move |id| ChangeOf::Node {
                g: self,
                id: id.0,
                labels: self.node_labels(id),
                props: self.node_props(id),
            });
            let rels = u.created_rels().filter_map(move |id| {
                let (start, end, ty) = self.created_rel(journal, i, id)?;
                Some(ChangeOf::Rel {
                    g: self,
                    id: id.0,
                    start: start.0,
                    end: end.0,
                    ty: self.types.name(ty),
                    props: self.rel_props(id),
                })
            });
            nodes.chain(rels).chain(self.change_of(u))
        })
    }

    /// How many changes [`Graph::changes_of`] hands out, without making them.
    fn changes_count(&self, journal: &[Undo]) -> usize {
        let gone =
            |i: usize, u: &Undo| u.created_rels().filter(|&id| self.created_rel(journal, i, id).is_none()).count();
        journal.iter().enumerate().map(|(i, u)| u.weight() - gone(i, u)).sum()
    }

    /// The change a journal entry other than a creation stands for.
    fn change_of<'a>(&'a self, u: &Undo) -> Option<ChangeOf<'a>> {
        Some(match u {
            Undo::CreatedNodes { .. } | Undo::CreatedRels { .. } => return None,
            Undo::DeletedNode { id, .. } => ChangeOf::DeleteNode(id.0),
            Undo::DeletedRel { id, .. } => ChangeOf::DeleteRel(id.0),
            Undo::NodeProp { id, key, .. } => {
                ChangeOf::Prop { rel: false, id: id.0, key: self.keys.name(*key), value: self.node_prop(*id, *key) }
            }
            Undo::RelProp { id, key, .. } => {
                ChangeOf::Prop { rel: true, id: id.0, key: self.keys.name(*key), value: self.rel_prop(*id, *key) }
            }
            Undo::AddedLabel { id, label } => ChangeOf::Label { add: true, id: id.0, label: self.labels.name(*label) },
            Undo::RemovedLabel { id, label } => {
                ChangeOf::Label { add: false, id: id.0, label: self.labels.name(*label) }
            }
        })
    }

    /// The changes journaled since `sp`, then `extra`, encoded as [`encode_changes`] encodes
    /// them, straight from the journal and the graph: a large transaction's commit makes no
    /// [`Change`] and no copy of a name.
    pub fn encode_changes_since(&self, sp: Savepoint, extra: &[Change]) -> Vec<u8> {
        let journal = self.journal.get(sp.mark()..).unwrap_or_default();
        postcard::to_stdvec(&JournalOf { g: self, journal, extra }).unwrap_or_default()
    }

    /// The changes journaled since `sp`, in order (see the module's comment).
    pub fn changes_since(&self, sp: Savepoint) -> Vec<Change> {
        let journal = self.journal.get(sp.mark()..).unwrap_or_default();
        self.changes_of(journal).map(ChangeOf::owned).collect()
    }

    /// Makes the next ids handed out at least `node` and `rel` (a replay of ids that a
    /// rolled-back statement had used up).
    pub fn skip_ids_to(&mut self, node: u64, rel: u64) {
        self.next_node = self.next_node.max(node);
        self.next_rel = self.next_rel.max(rel);
    }

    /// The next node and relationship ids that would be handed out.
    pub fn next_ids(&self) -> (u64, u64) {
        (self.next_node, self.next_rel)
    }

    /// Applies one transaction's changes (recovery); an error says which change failed.
    pub fn apply_changes(&mut self, changes: &[Change]) -> Result<(), String> {
        apply(self, changes)
    }
}

fn apply(g: &mut Graph, changes: &[Change]) -> Result<(), String> {
    let props = |ps: &[(String, Stored)]| -> Result<Vec<(String, Value)>, String> {
        ps.iter().map(|(k, v)| Ok((k.clone(), v.value()?))).collect()
    };
    for (i, c) in changes.iter().enumerate() {
        let fail = |what: &str| Err(format!("change {} of a transaction ({what}) does not apply", i + 1));
        match c {
            Change::CreateNode { id, labels, props: ps } => {
                let ps = props(ps)?;
                g.skip_ids_to(*id, 0);
                let got =
                    g.create_node(labels.iter().map(String::as_str), ps.iter().map(|(k, v)| (k.as_str(), v.clone())));
                if got != NodeId(*id) {
                    return fail("a node whose id is taken");
                }
            }
            Change::CreateRel { id, start, end, ty, props: ps } => {
                let ps = props(ps)?;
                g.skip_ids_to(0, *id);
                let got =
                    g.create_rel(NodeId(*start), NodeId(*end), ty, ps.iter().map(|(k, v)| (k.as_str(), v.clone())));
                if got != Some(RelId(*id)) {
                    return fail("a relationship between nodes that do not exist");
                }
            }
            Change::DeleteRel { id } => {
                g.delete_rel(RelId(*id));
            }
            Change::DeleteNode { id } => {
                if g.delete_node(NodeId(*id), true).is_err() {
                    return fail("a node delete");
                }
            }
            Change::SetNodeProp { id, key, value } => {
                g.set_node_prop(NodeId(*id), key, value.value()?);
            }
            Change::SetRelProp { id, key, value } => {
                g.set_rel_prop(RelId(*id), key, value.value()?);
            }
            Change::AddLabel { id, label } => {
                g.add_label(NodeId(*id), label);
            }
            Change::RemoveLabel { id, label } => {
                g.remove_label(NodeId(*id), label);
            }
            Change::CreateIndex { name, label, key } => {
                let _ = g.create_index(Some(name), label, key);
            }
            Change::DropIndex { name } => {
                g.drop_index(name);
            }
            Change::CreateFulltext(ix) => {
                let _ = g.create_fulltext(ix.clone());
            }
            Change::CreateConstraint { name, rule, rel, on, keys, index } => {
                if keys.is_empty() || index.as_ref().is_some_and(|ix| g.index_named(ix).is_none()) {
                    return fail("a constraint");
                }
                let on = if *rel { g.types.intern(on).0 } else { g.intern_label(on).0 };
                let keys = keys.iter().map(|k| g.keys.intern(k)).collect();
                let c = super::constraints::Constraint {
                    name: name.clone(),
                    rule: rule.clone(),
                    rel: *rel,
                    on,
                    keys,
                    index: index.clone(),
                };
                g.restore_constraint(c);
            }
            Change::DropConstraint { name } => {
                g.forget_constraint(name);
            }
        }
    }
    Ok(())
}

/// An entity's stored properties, as `(key, Stored)` pairs.
struct PropsOf<'a>(&'a Graph, &'a super::Props);

impl Serialize for PropsOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let kept = || self.1.iter().filter(|(_, v)| StoredOf::storable(v));
        let mut seq = s.serialize_seq(Some(kept().count()))?;
        for (k, v) in kept() {
            seq.serialize_element(&(self.0.keys.name(*k), StoredOf(v)))?;
        }
        seq.end()
    }
}

impl Serialize for JournalOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (g, journal) = (self.g, self.journal);
        // A relationship made and deleted again leaves no change only if its deletion is not
        // in the journal either, which is rare: count the changes first, so the length is known.
        let mut seq = s.serialize_seq(Some(g.changes_count(journal) + self.extra.len()))?;
        for c in g.changes_of(journal) {
            seq.serialize_element(&c)?;
        }
        for c in self.extra {
            seq.serialize_element(c)?;
        }
        seq.end()
    }
}

impl Serialize for ChangeOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The variant numbers and fields of `Change`, in its order.
        const N: &str = "Change";
        match self {
            ChangeOf::Node { g, id, labels, props } => {
                let mut v = s.serialize_struct_variant(N, 0, "CreateNode", 3)?;
                v.serialize_field("id", id)?;
                v.serialize_field("labels", &Seq(labels.iter().map(|l| g.labels.name(*l))))?;
                v.serialize_field("props", &PropsOf(g, props))?;
                v.end()
            }
            ChangeOf::Rel { g, id, start, end, ty, props } => {
                let mut v = s.serialize_struct_variant(N, 1, "CreateRel", 5)?;
                v.serialize_field("id", id)?;
                v.serialize_field("start", start)?;
                v.serialize_field("end", end)?;
                v.serialize_field("ty", ty)?;
                v.serialize_field("props", &PropsOf(g, props))?;
                v.end()
            }
            ChangeOf::DeleteRel(id) => {
                let mut v = s.serialize_struct_variant(N, 2, "DeleteRel", 1)?;
                v.serialize_field("id", id)?;
                v.end()
            }
            ChangeOf::DeleteNode(id) => {
                let mut v = s.serialize_struct_variant(N, 3, "DeleteNode", 1)?;
                v.serialize_field("id", id)?;
                v.end()
            }
            ChangeOf::Prop { rel, id, key, value } => {
                let (index, name) = if *rel { (5, "SetRelProp") } else { (4, "SetNodeProp") };
                let null = Value::Null;
                let value = value.as_ref().filter(|v| StoredOf::storable(v)).unwrap_or(&null);
                let mut v = s.serialize_struct_variant(N, index, name, 3)?;
                v.serialize_field("id", id)?;
                v.serialize_field("key", key)?;
                v.serialize_field("value", &StoredOf(value))?;
                v.end()
            }
            ChangeOf::Label { add, id, label } => {
                let (index, name) = if *add { (6, "AddLabel") } else { (7, "RemoveLabel") };
                let mut v = s.serialize_struct_variant(N, index, name, 2)?;
                v.serialize_field("id", id)?;
                v.serialize_field("label", label)?;
                v.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_changes_round_trip() {
        let values = [
            Value::Null,
            Value::Int(i64::MIN),
            Value::Float(f64::NAN),
            Value::str("Ош"),
            Value::list(vec![Value::Int(1), Value::str("x")]),
            Value::Date(Date::new(2025, 8, 20).unwrap()),
            temporal::from_tagged("duration", "P1Y2M3DT4H").unwrap().unwrap(),
            temporal::from_tagged("datetime", "2015-07-21T21:40:32.142+01:00").unwrap().unwrap(),
        ];
        for v in &values {
            let back = Stored::of(v).unwrap().value().unwrap();
            assert!(back.order(v) == std::cmp::Ordering::Equal, "{v:?} vs {back:?}");
        }
        let changes = vec![
            Change::CreateNode { id: 3, labels: vec!["A".into()], props: vec![("k".into(), Stored::Int(1))] },
            Change::SetNodeProp { id: 3, key: "k".into(), value: Stored::Null },
        ];
        assert_eq!(decode_changes(&encode_changes(&changes)).unwrap(), changes);
        assert!(decode_changes(&[0xff, 0xff, 0xff]).is_err());
    }

    #[test]
    fn a_logged_constraint_comes_back_and_a_broken_one_is_refused() {
        let mut g = Graph::new();
        let made = Change::CreateConstraint {
            name: "c".into(),
            rule: crate::store::constraints::Rule::NotNull,
            rel: false,
            on: "A".into(),
            keys: vec!["k".into()],
            index: None,
        };
        g.apply_changes(std::slice::from_ref(&made)).unwrap();
        assert_eq!(g.constraint_changes(), vec![made]);
        let no_keys = Change::CreateConstraint {
            name: "d".into(),
            rule: crate::store::constraints::Rule::Unique,
            rel: false,
            on: "A".into(),
            keys: vec![],
            index: None,
        };
        assert!(g.apply_changes(&[no_keys]).unwrap_err().contains("constraint"));
        let missing_index = Change::CreateConstraint {
            name: "e".into(),
            rule: crate::store::constraints::Rule::Unique,
            rel: false,
            on: "A".into(),
            keys: vec!["k".into()],
            index: Some("nowhere".into()),
        };
        assert!(g.apply_changes(&[missing_index]).is_err());
        g.apply_changes(&[Change::DropConstraint { name: "c".into() }]).unwrap();
        assert!(g.constraints().is_empty());
    }

    #[test]
    fn the_journal_encodes_as_its_changes_do() {
        let mut g = Graph::new();
        let kept = g.create_node(["Kept"], [("k", Value::Int(1))]);
        let sp = g.savepoint();
        let temporal = temporal::from_tagged("datetime", "2015-07-21T21:40:32.142+01:00").unwrap().unwrap();
        let map =
            Value::map([("a".to_string(), Value::Float(0.5)), ("b".to_string(), Value::Null)].into_iter().collect());
        let a = g.create_node(
            ["A", "Ош"],
            [
                ("s", Value::str("x")),
                ("l", Value::list(vec![Value::Int(1), Value::str("y"), Value::Bool(true)])),
                ("m", map),
                ("d", Value::Date(Date::new(2025, 8, 20).unwrap())),
                ("t", temporal),
            ],
        );
        let b = g.create_node(Vec::<&str>::new(), Vec::<(&str, Value)>::new());
        let r = g.create_rel(a, b, "T", [("w", Value::Float(f64::NAN))]).unwrap();
        let gone = g.create_rel(b, a, "U", Vec::<(&str, Value)>::new()).unwrap();
        g.delete_rel(gone);
        g.set_node_prop(kept, "k", Value::Null);
        g.set_node_prop(kept, "j", Value::str("new"));
        g.set_rel_prop(r, "w", Value::Int(2));
        g.add_label(kept, "More");
        g.remove_label(kept, "Kept");
        g.delete_node(b, true).unwrap();
        let extra = [Change::CreateIndex { name: "i".into(), label: "A".into(), key: "s".into() }];
        let mut changes = g.changes_since(sp);
        assert!(changes.len() >= 10, "{changes:?}");
        changes.extend(extra.iter().cloned());
        assert_eq!(g.encode_changes_since(sp, &extra), encode_changes(&changes));
    }
}
