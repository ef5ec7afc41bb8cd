//! `.sg` snapshots: the whole graph in a compact binary form (serde + postcard), behind a
//! magic header and a CRC-32 checksum so a truncated or corrupted file is refused, never half
//! loaded. Ids, names, property order, indexes: everything comes back as it was.

use serde::{Deserialize, Serialize};

use super::{index::Indexes, Graph, NodeRec, PropertyIndex, Props, RelRec, Sym};
use crate::value::{Date, Value};

const MAGIC: &[u8; 8] = b"SILKG\x00SG";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
enum SValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<SValue>),
    Map(Vec<(String, SValue)>),
    Date(i32, u8, u8),
    /// Other temporal values by their ISO text: `("time", "12:00+01:00")`.
    Tagged(String, String),
}

/// A node: id, labels, properties.
type SNode = (u64, Vec<Sym>, Vec<(Sym, SValue)>);
/// A relationship: id, start, end, type, properties.
type SRel = (u64, u64, u64, Sym, Vec<(Sym, SValue)>);

#[derive(Serialize, Deserialize)]
struct Snap {
    labels: Vec<String>,
    types: Vec<String>,
    keys: Vec<String>,
    /// Ids handed out so far (deleted ones stay unused).
    node_ids: u64,
    rel_ids: u64,
    nodes: Vec<SNode>,
    rels: Vec<SRel>,
    indexes: Vec<(String, Sym, Sym)>,
}

fn to_s(v: &Value) -> SValue {
    match v {
        Value::Null => SValue::Null,
        Value::Bool(b) => SValue::Bool(*b),
        Value::Int(i) => SValue::Int(*i),
        Value::Float(f) => SValue::Float(*f),
        Value::String(s) => SValue::Str(s.to_string()),
        Value::List(xs) => SValue::List(xs.iter().map(to_s).collect()),
        Value::Map(m) => SValue::Map(m.iter().map(|(k, v)| (k.clone(), to_s(v))).collect()),
        Value::Date(d) => SValue::Date(d.year, d.month, d.day),
        other => match crate::temporal::kind_and_text(other) {
            Some((kind, text)) => SValue::Tagged(kind.to_string(), text),
            // Entities are never stored as properties.
            None => SValue::Null,
        },
    }
}

fn from_s(v: SValue) -> Result<Value, String> {
    Ok(match v {
        SValue::Null => Value::Null,
        SValue::Bool(b) => Value::Bool(b),
        SValue::Int(i) => Value::Int(i),
        SValue::Float(f) => Value::Float(f),
        SValue::Str(s) => Value::from(s),
        SValue::List(xs) => Value::List(xs.into_iter().map(from_s).collect::<Result<_, _>>()?),
        SValue::Map(kv) => Value::map(kv.into_iter().map(|(k, v)| Ok((k, from_s(v)?))).collect::<Result<_, String>>()?),
        SValue::Date(y, m, d) => Value::Date(Date::new(y, m, d).ok_or("bad date in snapshot")?),
        SValue::Tagged(kind, text) => match crate::temporal::from_tagged(&kind, &text) {
            Some(r) => r?,
            None => return Err(format!("unknown value kind `{kind}` in snapshot")),
        },
    })
}

fn props_to_s(p: &Props) -> Vec<(Sym, SValue)> {
    p.iter().map(|(k, v)| (*k, to_s(v))).collect()
}

fn props_from_s(p: Vec<(Sym, SValue)>, keys: usize) -> Result<Props, String> {
    p.into_iter()
        .map(|(k, v)| if (k as usize) < keys { Ok((k, from_s(v)?)) } else { Err("property key out of range".into()) })
        .collect()
}

impl Graph {
    /// The graph as `.sg` bytes.
    pub fn to_snapshot(&self) -> Vec<u8> {
        let snap = Snap {
            labels: self.labels.iter().map(|(_, s)| s.to_string()).collect(),
            types: self.types.iter().map(|(_, s)| s.to_string()).collect(),
            keys: self.keys.iter().map(|(_, s)| s.to_string()).collect(),
            node_ids: self.node_ix.len() as u64,
            rel_ids: self.rel_ix.len() as u64,
            nodes: self
                .node_ids()
                .filter_map(|id| self.node(id).map(|n| (id, n.labels.clone(), props_to_s(&n.props))))
                .collect(),
            rels: self
                .rel_ids()
                .filter_map(|id| {
                    let (s, e) = self.rel_ends(id)?;
                    let r = self.rel(id)?;
                    Some((id, s, e, r.ty, props_to_s(&r.props)))
                })
                .collect(),
            indexes: self.indexes.list.iter().map(|i| (i.name.clone(), i.label, i.key)).collect(),
        };
        let body = postcard::to_allocvec(&snap).unwrap_or_default();
        let mut out = Vec::with_capacity(body.len() + 24);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
        out
    }

    /// Reads `.sg` bytes; any damage (wrong header, wrong length, checksum mismatch, bad
    /// content) is an error that says what was wrong.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Graph, String> {
        if bytes.len() < 24 || &bytes[..8] != MAGIC {
            return Err("not a silkgraph snapshot (bad header)".into());
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
        if version != VERSION {
            return Err(format!("snapshot format version {version} is not supported (this build reads {VERSION})"));
        }
        let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or_default()) as usize;
        if bytes.len() != 20 + len + 4 {
            return Err(format!(
                "snapshot is truncated or has trailing data: {} bytes, expected {}",
                bytes.len(),
                20usize.saturating_add(len).saturating_add(4)
            ));
        }
        let body = &bytes[20..20 + len];
        let want = u32::from_le_bytes(bytes[20 + len..].try_into().unwrap_or_default());
        if crc32fast::hash(body) != want {
            return Err("snapshot checksum mismatch: the file is corrupted".into());
        }
        let snap: Snap = postcard::from_bytes(body).map_err(|e| format!("snapshot content is invalid: {e}"))?;
        Graph::restore(snap)
    }

    fn restore(snap: Snap) -> Result<Graph, String> {
        let mut g = Graph::new();
        for l in &snap.labels {
            g.intern_label(l);
        }
        for t in &snap.types {
            g.types.intern(t);
        }
        for k in &snap.keys {
            g.keys.intern(k);
        }
        let (nl, nt, nk) = (snap.labels.len(), snap.types.len(), snap.keys.len());
        if snap.node_ids > (1 << 40) || snap.rel_ids > (1 << 40) {
            return Err("snapshot id counters are out of range".into());
        }
        g.node_ix = vec![None; snap.node_ids as usize];
        g.rel_ix = vec![None; snap.rel_ids as usize];
        for (id, labels, props) in snap.nodes {
            if id >= snap.node_ids || g.node_ix[id as usize].is_some() || labels.iter().any(|l| *l as usize >= nl) {
                return Err(format!("snapshot node {id} is invalid"));
            }
            for &l in &labels {
                g.label_index[l as usize].insert(id);
            }
            let props = props_from_s(props, nk)?;
            g.node_ix[id as usize] = Some(g.g.add_node(NodeRec { id, labels, props }));
        }
        for (id, s, e, ty, props) in snap.rels {
            let (Some(a), Some(b)) = (g.nix(s), g.nix(e)) else {
                return Err(format!("snapshot relationship {id} names a missing node"));
            };
            if id >= snap.rel_ids || g.rel_ix[id as usize].is_some() || ty as usize >= nt {
                return Err(format!("snapshot relationship {id} is invalid"));
            }
            let props = props_from_s(props, nk)?;
            g.rel_ix[id as usize] = Some(g.g.add_edge(a, b, RelRec { id, ty, props }));
        }
        let mut indexes = Indexes::default();
        for (name, label, key) in snap.indexes {
            if label as usize >= nl || key as usize >= nk {
                return Err(format!("snapshot index {name} is invalid"));
            }
            let mut ix = PropertyIndex::new(name, label, key);
            for &id in &g.label_index[label as usize] {
                if let Some(v) = g.node_prop(id, key) {
                    ix.insert(v, id);
                }
            }
            indexes.list.push(ix);
        }
        g.indexes = indexes;
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_ids_values_and_indexes() {
        let mut g = Graph::new();
        let a = g.create_node(["A", "B"], [("x", Value::Int(1)), ("d", Value::Date(Date::new(2015, 5, 20).unwrap()))]);
        let gone = g.create_node(["A"], []);
        let c =
            g.create_node([], [("l", Value::List(vec![Value::str("p"), Value::str("q")])), ("f", Value::Float(0.5))]);
        g.create_rel(a, c, "T", [("w", Value::Int(2))]);
        g.delete_node(gone, true).unwrap();
        g.create_index(None, "A", "x").unwrap();
        let bytes = g.to_snapshot();
        let h = Graph::from_snapshot(&bytes).unwrap();
        assert_eq!(h.node_ids().collect::<Vec<_>>(), vec![a, c]);
        assert_eq!(h.node_ix.len(), 3, "deleted ids stay used");
        assert_eq!(h.to_snapshot(), bytes);
        let (l, k) = (h.label_id("A").unwrap(), h.key_id("x").unwrap());
        assert_eq!(h.index_on(l, k).unwrap().seek(&Value::Int(1)), vec![a]);
    }

    #[test]
    fn damage_is_detected() {
        let mut g = Graph::new();
        g.create_node(["A"], [("name", Value::str("x"))]);
        let bytes = g.to_snapshot();
        assert!(Graph::from_snapshot(&bytes[..bytes.len() - 1]).unwrap_err().contains("truncated"));
        let mut bad = bytes.clone();
        bad[22] ^= 0xff;
        assert!(Graph::from_snapshot(&bad).unwrap_err().contains("checksum"));
        assert!(Graph::from_snapshot(b"hello").unwrap_err().contains("header"));
    }
}
