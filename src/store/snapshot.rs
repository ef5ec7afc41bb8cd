//! `.sg` snapshots: the whole graph in a compact binary form behind a magic header and a
//! CRC-32 checksum, so a truncated or corrupted file is refused, never half loaded. Ids, names,
//! label sets, property order, indexes: everything comes back as it was.
//!
//! Layout: `MAGIC`, the format version (u32), the body's length (u64), the body, its CRC-32.
//! The body is a postcard-encoded [`Head`] (names, id counters, counts, indexes) and then the
//! nodes and relationships, written straight from the store: varints, and each property list
//! in the store's own encoding (`props`), so that saving and opening a graph of ten million
//! relationships needs no second copy of it in memory.

use serde::{Deserialize, Serialize};

use super::props::{self, put_uvar, uvar};
use super::{index::Indexes, Graph, KeyId, LabelId, NodeRec, PropertyIndex, RelRec, TypeId};
use crate::value::NodeId;

/// The bytes every snapshot starts with (files are told by them, whatever their names).
pub const MAGIC: &[u8; 8] = b"SILKG\x00SG";
/// The newest snapshot format this build writes and reads: 3 adds the constraints after the
/// relationships, 4 the full-text indexes after them (a graph without either is written as
/// version 2, without full-text indexes as version 3, so older builds still read it).
pub const SNAPSHOT_VERSION: u32 = 4;

#[derive(Serialize, Deserialize)]
struct Head {
    labels: Vec<String>,
    types: Vec<String>,
    keys: Vec<String>,
    /// Ids handed out so far (deleted ones stay unused).
    node_ids: u64,
    rel_ids: u64,
    nodes: u64,
    rels: u64,
    indexes: Vec<(String, LabelId, KeyId)>,
}

impl Graph {
    /// The graph as `.sg` bytes.
    pub fn to_snapshot(&self) -> Vec<u8> {
        let head = Head {
            labels: self.labels.iter().map(|(_, s)| s.to_string()).collect(),
            types: self.types.iter().map(|(_, s)| s.to_string()).collect(),
            keys: self.keys.iter().map(|(_, s)| s.to_string()).collect(),
            node_ids: self.next_node,
            rel_ids: self.next_rel,
            nodes: self.node_count() as u64,
            rels: self.rel_count() as u64,
            indexes: self.indexes.list.iter().map(|i| (i.name.clone(), i.label, i.key)).collect(),
        };
        let head = postcard::to_allocvec(&head).unwrap_or_default();
        let mut out = Vec::with_capacity(32 + head.len() + self.node_props.len() + self.rel_props.len());
        out.extend_from_slice(MAGIC);
        let version: u32 = match (self.constraints.is_empty(), self.fulltext.is_empty()) {
            (_, false) => 4,
            (false, true) => 3,
            (true, true) => 2,
        };
        out.extend_from_slice(&version.to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes()); // the body's length, filled in below
        let body_start = out.len();
        put_uvar(&mut out, head.len() as u64);
        out.extend_from_slice(&head);
        for id in self.node_ids() {
            let Some(n) = self.node(id) else { continue };
            put_uvar(&mut out, id.0);
            let labels = self.label_set(n.labels);
            put_uvar(&mut out, labels.len() as u64);
            for &l in labels {
                put_uvar(&mut out, u64::from(l));
            }
            put_blob(&mut out, self.node_props.encoded(n.props));
        }
        for id in self.rel_ids() {
            let (Some((s, e)), Some(r)) = (self.rel_ends(id), self.rel(id)) else { continue };
            for x in [id.0, s.0, e.0, u64::from(r.ty)] {
                put_uvar(&mut out, x);
            }
            put_blob(&mut out, self.rel_props.encoded(r.props));
        }
        if version >= 3 {
            put_blob(&mut out, &postcard::to_allocvec(&self.constraints).unwrap_or_default());
        }
        if version >= 4 {
            put_blob(&mut out, &postcard::to_allocvec(&self.fulltext).unwrap_or_default());
        }
        let len = (out.len() - body_start) as u64;
        out[body_start - 8..body_start].copy_from_slice(&len.to_le_bytes());
        let crc = crc32fast::hash(&out[body_start..]);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Reads `.sg` bytes; any damage (wrong header, wrong length, checksum mismatch, bad
    /// content) is an error that says what was wrong.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Graph, String> {
        if bytes.len() < 24 || &bytes[..8] != MAGIC {
            return Err("not a silkgraph snapshot (bad header)".into());
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
        if !(2..=SNAPSHOT_VERSION).contains(&version) {
            return Err(format!(
                "snapshot format version {version} is not supported (this build reads {SNAPSHOT_VERSION}); \
                 open the graph with the silkgraph that wrote it and save it as .cypher"
            ));
        }
        let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or_default());
        if bytes.len() as u64 != 24u64.saturating_add(len) {
            return Err(format!(
                "snapshot is truncated or has trailing data: {} bytes, expected {}",
                bytes.len(),
                24u64.saturating_add(len)
            ));
        }
        let body = &bytes[20..bytes.len() - 4];
        let want = u32::from_le_bytes(bytes[bytes.len() - 4..].try_into().unwrap_or_default());
        if crc32fast::hash(body) != want {
            return Err("snapshot checksum mismatch: the file is corrupted".into());
        }
        restore(body, version)
    }
}

fn put_blob(out: &mut Vec<u8>, blob: &[u8]) {
    put_uvar(out, blob.len() as u64);
    out.extend_from_slice(blob);
}

/// Reads the body, checking every id, name and property list.
fn restore(body: &[u8], version: u32) -> Result<Graph, String> {
    let bad = |what: &str| format!("snapshot content is invalid: {what}");
    let mut pos = 0usize;
    let head_len = uvar(body, &mut pos).ok_or_else(|| bad("no header"))? as usize;
    let head_bytes = body.get(pos..pos.saturating_add(head_len)).ok_or_else(|| bad("short header"))?;
    pos += head_len;
    let head: Head = postcard::from_bytes(head_bytes).map_err(|e| bad(&e.to_string()))?;
    // Counts past what the bytes could hold are lies: refuse before allocating for them. The
    // id vectors are as long as the largest id in use, which may not be far past the count
    // (ids of deleted entities are not stored, but a hostile file must not make us allocate
    // terabytes for one node with a huge id).
    let room = body.len() as u64;
    if head.node_ids > (1 << 40) || head.rel_ids > u64::from(u32::MAX) || head.nodes > room || head.rels > room {
        return Err("snapshot id counters are out of range".into());
    }
    let most = |live: u64| live.saturating_mul(64).saturating_add(1 << 24);
    let mut g = Graph::new();
    for l in &head.labels {
        g.intern_label(l);
    }
    for t in &head.types {
        g.types.intern(t);
    }
    for k in &head.keys {
        g.keys.intern(k);
    }
    let (nl, nt, nk) = (head.labels.len(), head.types.len(), head.keys.len());
    // A name listed twice would make two numbers mean one name (found by fuzzing).
    if g.labels.len() != nl || g.types.len() != nt || g.keys.len() != nk {
        return Err(bad("a label, type or key name is listed twice"));
    }
    (g.next_node, g.next_rel) = (head.node_ids, head.rel_ids);
    g.g.reserve_nodes(head.nodes as usize);
    g.g.reserve_edges(head.rels as usize);
    let num = |pos: &mut usize, what: &str| uvar(body, pos).ok_or_else(|| bad(what));
    let mut labels: Vec<LabelId> = Vec::new();
    for _ in 0..head.nodes {
        let id = num(&mut pos, "a node id")?;
        let n = num(&mut pos, "a label count")?;
        if n > nl as u64 {
            return Err(format!("snapshot node {id} is invalid"));
        }
        labels.clear();
        for _ in 0..n {
            labels.push(LabelId(num(&mut pos, "a label")? as u32));
        }
        let blob = blob(body, &mut pos).ok_or_else(|| bad("a property list"))?;
        let used = g.node_ix.get(id as usize).is_some_and(Option::is_some);
        if id >= head.node_ids || id >= most(head.nodes) || used || labels.iter().any(|l| l.index() >= nl) {
            return Err(format!("snapshot node {id} is invalid"));
        }
        props::validate(blob, nk).map_err(|e| format!("snapshot node {id}: {e}"))?;
        for &l in &labels {
            g.label_index[l.index()].insert(NodeId(id));
        }
        let rec =
            NodeRec { id: NodeId(id), labels: g.intern_label_set(&labels), props: g.node_props.push_encoded(blob)? };
        if g.node_ix.len() <= id as usize {
            g.node_ix.resize(id as usize + 1, None);
        }
        g.node_ix[id as usize] = Some(g.g.add_node(rec));
    }
    for _ in 0..head.rels {
        let [id, s, e, ty] = [(); 4].map(|_| num(&mut pos, "a relationship"));
        let (id, s, e, ty) = (id?, s?, e?, ty?);
        let blob = blob(body, &mut pos).ok_or_else(|| bad("a property list"))?;
        let (Some(a), Some(b)) = (g.nix(NodeId(s)), g.nix(NodeId(e))) else {
            return Err(format!("snapshot relationship {id} names a missing node"));
        };
        let used = g.rel_ix.get(id as usize).is_some_and(|ix| *ix != super::gone());
        if id >= head.rel_ids || id >= most(head.rels) || used || ty >= nt as u64 {
            return Err(format!("snapshot relationship {id} is invalid"));
        }
        props::validate(blob, nk).map_err(|e| format!("snapshot relationship {id}: {e}"))?;
        let rec = RelRec { id: id as u32, ty: TypeId(ty as u32), props: g.rel_props.push_encoded(blob)? };
        if g.rel_ix.len() <= id as usize {
            g.rel_ix.resize(id as usize + 1, super::gone());
        }
        g.rel_ix[id as usize] = g.g.add_edge(a, b, rec);
        g.rel_type_changed(TypeId(ty as u32), true);
    }
    let mut constraints: Vec<super::constraints::Constraint> = Vec::new();
    if version >= 3 {
        let blob = blob(body, &mut pos).ok_or_else(|| bad("the constraints"))?;
        constraints = postcard::from_bytes(blob).map_err(|e| bad(&format!("the constraints: {e}")))?;
    }
    let mut fulltext: Vec<super::FulltextIndex> = Vec::new();
    if version >= 4 {
        let blob = blob(body, &mut pos).ok_or_else(|| bad("the full-text indexes"))?;
        fulltext = postcard::from_bytes(blob).map_err(|e| bad(&format!("the full-text indexes: {e}")))?;
    }
    if pos != body.len() {
        return Err(bad("trailing bytes"));
    }
    let mut indexes = Indexes::default();
    for (name, label, key) in head.indexes {
        if label.index() >= nl || key.index() >= nk {
            return Err(format!("snapshot index {name} is invalid"));
        }
        let mut ix = PropertyIndex::new(name, label, key);
        for &id in &g.label_index[label.index()] {
            if let Some(v) = g.node_prop(id, key) {
                ix.insert(&v, id);
            }
        }
        indexes.list.push(ix);
    }
    g.indexes = indexes;
    for c in constraints {
        let on_ok = if c.rel { (c.on as usize) < nt } else { (c.on as usize) < nl };
        let index_ok = c.index.as_ref().is_none_or(|n| g.indexes.list.iter().any(|i| i.name == *n));
        if !on_ok || c.keys.is_empty() || c.keys.iter().any(|&k| k.index() >= nk) || !index_ok {
            return Err(format!("snapshot constraint {} is invalid", c.name));
        }
        g.restore_constraint(c);
    }
    if fulltext.iter().any(|f| f.on.is_empty() || f.keys.is_empty()) {
        return Err(bad("a full-text index names no label or no property"));
    }
    g.restore_fulltext(fulltext);
    Ok(g)
}

/// A length-prefixed byte string.
fn blob<'a>(body: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let n = usize::try_from(uvar(body, pos)?).ok()?;
    let b = body.get(*pos..pos.checked_add(n)?)?;
    *pos += n;
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Date, Value};

    #[test]
    fn round_trip_keeps_ids_values_and_indexes() {
        let mut g = Graph::new();
        let a = g.create_node(["A", "B"], [("x", Value::Int(1)), ("d", Value::Date(Date::new(2015, 5, 20).unwrap()))]);
        let gone = g.create_node(["A"], []);
        let c =
            g.create_node([], [("l", Value::list(vec![Value::str("p"), Value::str("q")])), ("f", Value::Float(0.5))]);
        g.create_rel(a, c, "T", [("w", Value::Int(2))]);
        g.delete_node(gone, true).unwrap();
        g.create_index(None, "A", "x").unwrap();
        let bytes = g.to_snapshot();
        let h = Graph::from_snapshot(&bytes).unwrap();
        assert_eq!(h.node_ids().collect::<Vec<_>>(), vec![a, c]);
        assert_eq!(h.next_node, 3, "deleted ids stay used");
        assert_eq!(h.to_snapshot(), bytes);
        let (l, k) = (h.label_id("A").unwrap(), h.key_id("x").unwrap());
        assert_eq!(h.index_on(l, k).unwrap().seek(&Value::Int(1)), vec![a]);
        assert_eq!(h.node_labels(a), &[l, h.label_id("B").unwrap()][..]);
        assert_eq!(h.node_props(c), g.node_props(c));
        let mut h = h;
        assert_eq!(h.create_node(["A"], []), NodeId(3), "a new node gets the next id, not a deleted one");
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

    #[test]
    fn a_body_with_a_valid_checksum_but_bad_content_is_refused() {
        let mut g = Graph::new();
        let a = g.create_node(["A"], [("name", Value::str("x"))]);
        g.create_rel(a, a, "T", []);
        // With a constraint, so that its part of the format is checked too (version 3).
        let rule = super::super::constraints::Rule::Unique;
        g.create_constraint(Some("c"), rule, false, "A", &["name".to_string()], false).unwrap();
        let good = g.to_snapshot();
        assert_eq!(Graph::from_snapshot(&good).unwrap().constraints(), g.constraints());
        let body = &good[20..good.len() - 4];
        // Every single-byte change and every cut of the body, re-wrapped with a correct length
        // and checksum: an error or a graph, never a panic.
        let wrap = |body: &[u8]| {
            let mut out = MAGIC.to_vec();
            out.extend_from_slice(&3u32.to_le_bytes());
            out.extend_from_slice(&(body.len() as u64).to_le_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
            out
        };
        // Found by fuzzing: a header whose id counters promised 2^40 nodes made the reader
        // fill terabytes of id slots (a timeout); ids are now slotted as they come.
        let fuzzed: &[u8] = &[
            56, 2, 0, 0, 0, 0, 255, 255, 255, 254, 0, 0, 0, 0, 0, 0, 114, 115, 111, 111, 5, 65, 100, 109, 105, 83, 6,
            2, 105, 100, 4, 110, 97, 109, 101, 2, 105, 195, 4, 110, 97, 109, 2, 6, 80, 101, 114, 115, 111, 58, 5, 65,
            58, 116, 0, 115, 111,
        ];
        let _ = Graph::from_snapshot(&wrap(fuzzed));
        // Also found by fuzzing: a key name listed twice ("since" as keys 3 and 5), so that a
        // graph loaded, saved and loaded again found key 5 out of range.
        let twice: &[u8] = &[
            56, 2, 6, 80, 101, 114, 115, 111, 110, 5, 65, 100, 109, 105, 110, 1, 5, 75, 78, 79, 87, 83, 6, 2, 105, 100,
            4, 110, 97, 109, 101, 3, 97, 103, 101, 5, 115, 105, 110, 99, 101, 4, 116, 97, 103, 115, 5, 115, 105, 110,
            99, 101, 2, 2, 2, 2, 0, 0, 1, 0, 33, 5, 0, 5, 1, 49, 1, 5, 3, 65, 110, 110, 2, 3, 82, 3, 4, 0, 0, 0, 0, 0,
            0, 224, 63, 4, 6, 2, 5, 1, 120, 5, 1, 121, 1, 2, 0, 1, 11, 2, 0, 5, 1, 50, 1, 5, 3, 66, 111, 98, 0, 0, 1,
            0, 5, 1, 5, 3, 198, 31, 1, 1, 1, 0, 0,
        ];
        assert!(Graph::from_snapshot(&wrap(twice)).unwrap_err().contains("listed twice"));
        // One node with id 2^39: refused, not given 2^39 slots.
        let head = Head {
            labels: vec![],
            types: vec![],
            keys: vec![],
            node_ids: 1 << 40,
            rel_ids: 0,
            nodes: 1,
            rels: 0,
            indexes: vec![],
        };
        let head = postcard::to_allocvec(&head).unwrap();
        let mut b = Vec::new();
        put_uvar(&mut b, head.len() as u64);
        b.extend_from_slice(&head);
        for x in [1u64 << 39, 0, 0] {
            put_uvar(&mut b, x);
        }
        assert!(Graph::from_snapshot(&wrap(&b)).unwrap_err().contains("node 549755813888 is invalid"));
        // A large counter alone costs nothing.
        let mut big = Graph::new();
        big.next_node = 1 << 39;
        let back = Graph::from_snapshot(&big.to_snapshot()).unwrap();
        assert_eq!((back.node_count(), back.next_node), (0, 1 << 39));
        for i in 0..body.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut b = body.to_vec();
                b[i] ^= x;
                let _ = Graph::from_snapshot(&wrap(&b));
            }
            assert!(Graph::from_snapshot(&wrap(&body[..i])).is_err(), "cut at {i}");
        }
    }
}
