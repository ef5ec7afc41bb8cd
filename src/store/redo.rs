//! What a committed transaction changed, as the write-ahead log keeps it: a list of [`Change`]s
//! that, applied in order to the graph as it was before, give the graph as it was after. They are
//! read off the undo journal at commit ([`Graph::changes_since`]), each with the state the change
//! left (a later change of the same entity in the transaction repeats it, so replay ends in the
//! same state). Ids are recorded, so that a replay hands out the same ids even where a
//! rolled-back statement used some up.

use serde::{Deserialize, Serialize};

use super::{Graph, Savepoint, Undo};
use crate::value::{temporal, Date, Value};

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
}

/// A transaction's changes as the log's payload.
pub fn encode_changes(changes: &[Change]) -> Vec<u8> {
    postcard::to_stdvec(changes).unwrap_or_default()
}

/// A payload back to its changes.
pub fn decode_changes(payload: &[u8]) -> Result<Vec<Change>, String> {
    postcard::from_bytes(payload).map_err(|e| format!("a log record does not decode: {e}"))
}

impl Graph {
    /// The changes journaled since `sp`, in order (see the module's comment).
    pub fn changes_since(&self, sp: Savepoint) -> Vec<Change> {
        let journal = self.journal.get(sp.mark()..).unwrap_or_default();
        let key = |k| self.keys.name(k).to_string();
        let stored = |v: Option<Value>| v.as_ref().and_then(Stored::of).unwrap_or(Stored::Null);
        let all_props = |ps: super::Props| ps.iter().filter_map(|(k, v)| Some((key(*k), Stored::of(v)?))).collect();
        let mut out = Vec::with_capacity(journal.len());
        for (i, u) in journal.iter().enumerate() {
            out.push(match u {
                Undo::CreatedNode(id) => Change::CreateNode {
                    id: *id,
                    labels: self.node_labels(*id).iter().map(|l| self.labels.name(*l).to_string()).collect(),
                    props: all_props(self.node_props(*id)),
                },
                Undo::CreatedRel(id) => {
                    // Ends and type from the graph, or from its deletion later in the transaction.
                    // (The journal is searched only for one deleted since: a search per created
                    // relationship would make a large transaction's commit quadratic.)
                    let live = self.rel_ends(*id).zip(self.rel_type(*id)).map(|((s, e), t)| (s, e, t));
                    let deleted = || {
                        journal[i..].iter().find_map(|u| match u {
                            Undo::DeletedRel { id: d, start, end, ty, .. } if d == id => Some((*start, *end, *ty)),
                            _ => None,
                        })
                    };
                    let Some((start, end, ty)) = live.or_else(deleted) else { continue };
                    Change::CreateRel {
                        id: *id,
                        start,
                        end,
                        ty: self.types.name(ty).to_string(),
                        props: all_props(self.rel_props(*id)),
                    }
                }
                Undo::DeletedNode { id, .. } => Change::DeleteNode { id: *id },
                Undo::DeletedRel { id, .. } => Change::DeleteRel { id: *id },
                Undo::NodeProp { id, key: k, .. } => {
                    Change::SetNodeProp { id: *id, key: key(*k), value: stored(self.node_prop(*id, *k)) }
                }
                Undo::RelProp { id, key: k, .. } => {
                    Change::SetRelProp { id: *id, key: key(*k), value: stored(self.rel_prop(*id, *k)) }
                }
                Undo::AddedLabel { id, label } => Change::AddLabel { id: *id, label: self.labels.name(*label).into() },
                Undo::RemovedLabel { id, label } => {
                    Change::RemoveLabel { id: *id, label: self.labels.name(*label).into() }
                }
            });
        }
        out
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
                if got != *id {
                    return fail("a node whose id is taken");
                }
            }
            Change::CreateRel { id, start, end, ty, props: ps } => {
                let ps = props(ps)?;
                g.skip_ids_to(0, *id);
                let got = g.create_rel(*start, *end, ty, ps.iter().map(|(k, v)| (k.as_str(), v.clone())));
                if got != Some(*id) {
                    return fail("a relationship between nodes that do not exist");
                }
            }
            Change::DeleteRel { id } => {
                g.delete_rel(*id);
            }
            Change::DeleteNode { id } => {
                if g.delete_node(*id, true).is_err() {
                    return fail("a node delete");
                }
            }
            Change::SetNodeProp { id, key, value } => {
                g.set_node_prop(*id, key, value.value()?);
            }
            Change::SetRelProp { id, key, value } => {
                g.set_rel_prop(*id, key, value.value()?);
            }
            Change::AddLabel { id, label } => {
                g.add_label(*id, label);
            }
            Change::RemoveLabel { id, label } => {
                g.remove_label(*id, label);
            }
            Change::CreateIndex { name, label, key } => {
                let _ = g.create_index(Some(name), label, key);
            }
            Change::DropIndex { name } => {
                g.drop_index(name);
            }
        }
    }
    Ok(())
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
            Value::List(vec![Value::Int(1), Value::str("x")]),
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
}
