//! `.sg` snapshots: the whole graph in a compact binary form behind a magic header and a
//! CRC-32 checksum, so a truncated or corrupted file is refused, never half loaded. Ids, names,
//! label sets, property order, indexes: everything comes back as it was.
//!
//! Layout: `MAGIC`, the format version (u32), the body's length (u64), the body, its CRC-32.
//! Numbers are varints, and each property list is in the store's own encoding (`props`), so
//! that saving and opening a graph of ten million relationships needs no second copy of it in
//! memory. The body of version 5 is the length (u64) and CRC-32 (u32) of its first part, then
//! that part: a postcard-encoded [`Head`] (names, id counters, counts, indexes), the count of
//! each relationship type, the nodes, the constraints and the full-text indexes; then the
//! relationships to the end. A database reads the first part when it opens and the
//! relationships when they are first needed (`lazy.rs`), checking the whole body's checksum
//! then. Versions 2 to 4 keep the relationships right after the nodes and are read whole.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::lazy::{Lazy, Pending, Rels};
use super::props::{self, put_uvar, uvar};
use super::{index::Indexes, Graph, KeyId, LabelId, NodeRec, PropertyIndex, TypeId};
use crate::value::{NodeId, RelId};

/// The bytes every snapshot starts with (files are told by them, whatever their names).
pub const MAGIC: &[u8; 8] = b"SILKG\x00SG";
/// The newest snapshot format this build writes and reads. 3 added the constraints after the
/// relationships, 4 the full-text indexes after them; 5 puts both before the relationships,
/// with the count of each relationship type, in a first part with a checksum of its own, so
/// that a graph opens without reading its relationships. Versions 2 to 4 are still read.
pub const SNAPSHOT_VERSION: u32 = 5;

/// The bytes of a version 5 snapshot before its first part: the header, the first part's
/// length and its checksum.
pub const SNAPSHOT_LEAD: usize = 32;

/// Reads `len` bytes of a snapshot's file at an offset: how a graph opened from a file reads
/// its relationships when they are first needed.
pub type Loader = Arc<dyn Fn(u64, usize) -> Result<Vec<u8>, String> + Send + Sync>;

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
    /// The graph as `.sg` bytes; an error for a graph whose relationships could not be read
    /// from the file it was opened from (writing it would lose them).
    pub fn to_snapshot(&self) -> Result<Vec<u8>, String> {
        // Relationships not decoded since the graph was opened are as the file has them: any
        // change to one decodes them first.
        let undecoded = self.rels.undecoded().map(|p| p.read()).transpose()?;
        if let Some(why) = self.damage() {
            return Err(format!("the graph cannot be saved: {why}"));
        }
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
        let counts: Vec<u64> = (0..self.types.len()).map(|t| self.type_counts.get(t).copied().unwrap_or(0)).collect();
        let rels_len = undecoded.as_ref().map_or(0, Vec::len);
        let mut out = Vec::with_capacity(64 + head.len() + self.node_props.len() + rels_len);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes()); // the body's length, filled in below
        let body_start = out.len();
        out.extend_from_slice(&[0; 12]); // the first part's length and checksum, likewise
        let first = out.len();
        put_blob(&mut out, &head);
        put_blob(&mut out, &postcard::to_allocvec(&counts).unwrap_or_default());
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
        put_blob(&mut out, &postcard::to_allocvec(&self.constraints).unwrap_or_default());
        put_blob(&mut out, &postcard::to_allocvec(&self.fulltext).unwrap_or_default());
        let first_len = (out.len() - first) as u64;
        let first_crc = crc32fast::hash(&out[first..]);
        out[body_start..body_start + 8].copy_from_slice(&first_len.to_le_bytes());
        out[body_start + 8..first].copy_from_slice(&first_crc.to_le_bytes());
        match undecoded {
            Some(bytes) => out.extend_from_slice(&bytes),
            None => {
                let r = self.r();
                for (id, rec) in r.iter() {
                    for x in [u64::from(id), u64::from(rec.start), u64::from(rec.end), u64::from(rec.ty)] {
                        put_uvar(&mut out, x);
                    }
                    put_blob(&mut out, r.props.encoded(rec.props));
                }
            }
        }
        let len = (out.len() - body_start) as u64;
        out[body_start - 8..body_start].copy_from_slice(&len.to_le_bytes());
        let crc = crc32fast::hash(&out[body_start..]);
        out.extend_from_slice(&crc.to_le_bytes());
        Ok(out)
    }

    /// Reads `.sg` bytes, all of them now; any damage (wrong header, wrong length, checksum
    /// mismatch, bad content) is an error that says what was wrong.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Graph, String> {
        let version = check(bytes)?;
        let body = &bytes[20..bytes.len() - 4];
        if version < 5 {
            return restore(body, version).map(|(g, _)| g);
        }
        let (first, _) = first_part(body)?;
        let (mut g, count) = restore(first, version)?;
        g.rels = Lazy::ready(decode_section(&g, &body[12 + first.len()..], count, g.next_node)?);
        Ok(g)
    }

    /// How many bytes of a snapshot's file [`Graph::open_snapshot`] wants when it opens, told
    /// by its first [`SNAPSHOT_LEAD`] bytes: `None` for all of them (a version before 5, or
    /// not a snapshot, which `open_snapshot` then says).
    pub fn snapshot_first_len(lead: &[u8]) -> Option<usize> {
        let version = u32::from_le_bytes(lead.get(8..12)?.try_into().ok()?);
        if lead.len() < SNAPSHOT_LEAD || &lead[..8] != MAGIC || version != 5 {
            return None;
        }
        let first = u64::from_le_bytes(lead[20..28].try_into().ok()?);
        usize::try_from(first).ok()?.checked_add(SNAPSHOT_LEAD)
    }

    /// Opens a snapshot's file of `file_len` bytes from the bytes [`Graph::snapshot_first_len`]
    /// asked for (`first`) and its last four (`tail`), leaving the relationships of a version 5
    /// snapshot to be read through `load` and decoded when first needed (`lazy.rs`). Returns
    /// the graph and the CRC-32s of the file but its last four bytes, and of all of it, as
    /// hashing them would give (for version 5 made from the checksums the file holds, the
    /// relationships' part being checked when it is read).
    pub fn open_snapshot(
        first: &[u8],
        tail: [u8; 4],
        file_len: u64,
        load: Loader,
    ) -> Result<(Graph, [u32; 2]), String> {
        let Some(first_len) = Graph::snapshot_first_len(first) else {
            let content = first.get(..first.len().saturating_sub(4)).unwrap_or_default();
            return Ok((Graph::from_snapshot(first)?, [crc32fast::hash(content), crc32fast::hash(first)]));
        };
        if first.len() != first_len {
            return Err("snapshot is truncated: its first part is cut short".into());
        }
        let body_len = u64::from_le_bytes(first[12..20].try_into().unwrap_or_default());
        if file_len != 24u64.saturating_add(body_len) || (first.len() as u64).saturating_add(4) > file_len {
            return Err(format!(
                "snapshot is truncated or has trailing data: {file_len} bytes, expected {}",
                24u64.saturating_add(body_len)
            ));
        }
        let (part, part_crc) = first_part(&first[20..])?;
        let (mut g, count) = restore(part, SNAPSHOT_VERSION)?;
        let want = u32::from_le_bytes(tail);
        // The body's checksum so far: the first part's length and checksum, then the part,
        // whose checksum is known (it was just checked), so it is not hashed again.
        let mut start = crc32fast::Hasher::new();
        start.update(&first[20..SNAPSHOT_LEAD]);
        start.combine(&crc32fast::Hasher::new_with_initial_len(part_crc, part.len() as u64));
        let (at, nodes) = (first.len() as u64, g.next_node);
        let len = (file_len - 4 - at) as usize;
        let pending = Pending { load, at, len, count, start: (start.finalize(), at - 20), want, nodes };
        g.rels = Lazy::later(pending);
        // The file's checksums: its header, then a body whose checksum is `want`, then `tail`.
        let mut crc = crc32fast::Hasher::new();
        crc.update(&first[..20]);
        crc.combine(&crc32fast::Hasher::new_with_initial_len(want, body_len));
        let content = crc.clone().finalize();
        crc.update(&tail);
        Ok((g, [content, crc.finalize()]))
    }
}

/// The first part of a version 5 body, and its checksum, checked.
fn first_part(body: &[u8]) -> Result<(&[u8], u32), String> {
    let len = body.get(..8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
    let crc = body.get(8..12).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
    let part = len.and_then(|n| body.get(12..12usize.checked_add(usize::try_from(n).ok()?)?));
    let (Some(part), Some(crc)) = (part, crc) else { return Err(bad("the first part's length")) };
    if crc32fast::hash(part) != crc {
        return Err("snapshot checksum mismatch: the file is corrupted".into());
    }
    Ok((part, crc))
}

/// Checks the header, the length and the checksum; returns the format version.
fn check(bytes: &[u8]) -> Result<u32, String> {
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
    Ok(version)
}

fn put_blob(out: &mut Vec<u8>, blob: &[u8]) {
    put_uvar(out, blob.len() as u64);
    out.extend_from_slice(blob);
}

fn bad(what: &str) -> String {
    format!("snapshot content is invalid: {what}")
}

/// Reads the body (from version 5, its first part), checking every id, name and property
/// list: the graph, and how many relationships the head says it has. Before version 5 the
/// relationships are in the body, and decoded; from version 5 they are not, and the caller
/// gives the graph its relationships.
fn restore(body: &[u8], version: u32) -> Result<(Graph, usize), String> {
    let mut pos = 0usize;
    let head_bytes = blob(body, &mut pos).ok_or_else(|| bad("no header"))?;
    let head: Head = postcard::from_bytes(head_bytes).map_err(|e| bad(&e.to_string()))?;
    let counts: Vec<u64> = if version >= 5 {
        let b = blob(body, &mut pos).ok_or_else(|| bad("no relationship counts"))?;
        postcard::from_bytes(b).map_err(|e| bad(&format!("the relationship counts: {e}")))?
    } else {
        Vec::new()
    };
    // Counts past what the bytes could hold are lies: refuse before allocating for them. The
    // id vectors are as long as the largest id in use, which may not be far past the count
    // (ids of deleted entities are not stored, but a hostile file must not make us allocate
    // terabytes for one node with a huge id).
    let room = body.len() as u64;
    if head.node_ids > (1 << 40) || head.rel_ids > u64::from(u32::MAX) || head.nodes > room || head.rels > room {
        return Err("snapshot id counters are out of range".into());
    }
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
    if version >= 5 && (counts.len() != nt || counts.iter().sum::<u64>() != head.rels) {
        return Err(bad("the relationship counts do not add up"));
    }
    (g.next_node, g.next_rel, g.type_counts) = (head.node_ids, head.rel_ids, counts);
    let rel_count = head.rels as usize;
    let num = |pos: &mut usize, what: &str| uvar(body, pos).ok_or_else(|| bad(what));
    let mut labels: Vec<LabelId> = Vec::new();
    // Nodes come in runs of one label set: the last one is kept at hand.
    let mut last: Option<(Vec<LabelId>, u32)> = None;
    // Each node with properties, and where its list begins in the arena, in the file's order.
    let mut lists: Vec<(u64, u32)> = Vec::new();
    g.nodes.reserve(head.nodes as usize);
    // The lists are most of the bytes left.
    g.node_props.reserve(body.len().saturating_sub(pos));
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
        let used = g.nodes.get(id as usize).is_some_and(NodeRec::live);
        if id >= head.node_ids || id >= most(head.nodes) || used || labels.iter().any(|l| l.index() >= nl) {
            return Err(format!("snapshot node {id} is invalid"));
        }
        for &l in &labels {
            g.label_index[l.index()].insert(NodeId(id));
        }
        let set = match &last {
            Some((ls, set)) if *ls == labels => *set,
            _ => {
                let set = g.intern_label_set(&labels);
                last = Some((labels.clone(), set));
                set
            }
        };
        // Its list is checked below, with the others.
        let rec = NodeRec { labels: set, props: g.node_props.push_encoded(blob)? };
        if rec.props != props::NONE {
            lists.push((id, rec.props));
        } else if blob.len() > 1 {
            return Err(format!("snapshot node {id}: a property list is malformed"));
        }
        if g.nodes.len() <= id as usize {
            g.nodes.resize(id as usize + 1, NodeRec::GONE);
        }
        g.nodes[id as usize] = rec;
    }
    check_lists(&g.node_props, lists.len(), |i| lists.get(i).copied(), nk, "node")?;
    drop(lists);
    g.live_nodes = head.nodes as usize;
    if version < 5 {
        let (rels, end, counts) = decode_rels_at(&g, body, pos, rel_count, g.next_node)?;
        (g.rels, g.type_counts, pos) = (Lazy::ready(rels), counts, end);
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
        indexes.list.push(PropertyIndex::build(name, label, key, g.values_of(label, key)));
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
    Ok((g, rel_count))
}

/// Checks the property lists stored one after another in `arena`: `count` entities, the
/// `i`th with its id and where its list begins (`list(i)`; `None`: it has none), each list
/// ending where the next begins. On all cores: checking them was most of the time a graph
/// took to open. `what` the entities are, for the error.
fn check_lists(
    arena: &props::Arena,
    count: usize,
    list: impl Fn(usize) -> Option<(u64, u32)> + Sync,
    keys: usize,
    what: &str,
) -> Result<(), String> {
    let end = arena.len() as u32;
    let after = |i: usize| (i..count).find_map(|j| list(j).map(|x| (j, x)));
    let check = |part: usize, parts: usize| -> Result<(), String> {
        let (from, to) = (count * part / parts, count * (part + 1) / parts);
        let mut cur = after(from).filter(|(i, _)| *i < to);
        while let Some((i, (id, at))) = cur {
            let next = after(i + 1);
            let stop = next.map_or(end, |(_, (_, off))| off);
            props::validate(arena.span(at, stop), keys).map_err(|e| format!("snapshot {what} {id}: {e}"))?;
            cur = next.filter(|(j, _)| *j < to);
        }
        Ok(())
    };
    super::on_cores(count < 10_000, check).into_iter().collect()
}

/// The most ids a snapshot of `live` entities may spread them over.
fn most(live: u64) -> u64 {
    live.saturating_mul(64).saturating_add(1 << 24)
}

/// Reads and decodes the relationships of a version 5 snapshot's file (`lazy.rs` calls it
/// when they are first needed).
pub(super) fn decode_rels(g: &Graph, p: &Pending) -> Result<Rels, String> {
    decode_section(g, &p.read()?, p.count, p.nodes)
}

/// Decodes the relationships section of a version 5 snapshot: `count` of them, of the counts
/// per type the head gave, and nothing after them.
fn decode_section(g: &Graph, section: &[u8], count: usize, nodes: u64) -> Result<Rels, String> {
    let (rels, end, counts) = decode_rels_at(g, section, 0, count, nodes)?;
    if end != section.len() {
        return Err(bad("trailing bytes"));
    }
    // Types named since the file was read (by a write that then decodes them) have none.
    let trim = |c: &[u64]| c.len() - c.iter().rev().take_while(|&&n| n == 0).count();
    if counts[..trim(&counts)] != g.type_counts[..trim(&g.type_counts)] {
        return Err(bad("the relationships do not match their counts"));
    }
    Ok(rels)
}

/// Decodes `count` relationships from `body[pos..]`, checking each against the nodes: them,
/// where they end, and how many there are of each type.
/// Their ends are nodes of `g` with ids below `nodes`.
fn decode_rels_at(
    g: &Graph,
    body: &[u8],
    mut pos: usize,
    count: usize,
    nodes: u64,
) -> Result<(Rels, usize, Vec<u64>), String> {
    let (nt, nk) = (g.types.len(), g.keys.len());
    let mut r = Rels::default();
    // Room for the ids a file that deleted few spreads them over; more is made as needed.
    r.reserve(usize::try_from(g.next_rel.min(count as u64 + count as u64 / 4 + 1024)).unwrap_or(count));
    // The lists are at most the bytes left.
    r.props.reserve(body.len().saturating_sub(pos));
    let mut counts = vec![0u64; nt];
    let num = |pos: &mut usize| uvar(body, pos).ok_or_else(|| bad("a relationship"));
    // The ids in the order the file lists them, kept only if that is not ascending (this
    // version writes them in id order; which order the property lists are in is checked).
    let (mut order, mut last): (Option<Vec<u32>>, Option<u32>) = (None, None);
    for i in 0..count {
        let (id, s, e, ty) = (num(&mut pos)?, num(&mut pos)?, num(&mut pos)?, num(&mut pos)?);
        let blob = blob(body, &mut pos).ok_or_else(|| bad("a property list"))?;
        let (start, end) = (NodeId(s), NodeId(e));
        if !(g.node_exists(start) && g.node_exists(end)) || s.max(e) >= nodes.min(u64::from(u32::MAX)) {
            return Err(format!("snapshot relationship {id} names a missing node"));
        }
        let fits = id < g.next_rel && id < most(count as u64) && id < u64::from(u32::MAX);
        if !fits || !r.free(id as u32) || ty >= nt as u64 {
            return Err(format!("snapshot relationship {id} is invalid"));
        }
        let id = id as u32;
        if order.is_none() && last.is_some_and(|l| l > id) {
            let mut before: Vec<u32> = r.iter().map(|(i, _)| i).collect();
            before.reserve(count - i);
            order = Some(before);
        }
        if let Some(o) = order.as_mut() {
            o.push(id);
        }
        last = Some(id);
        // Checked below, with the others, on all cores.
        let props = r.props.push_encoded(blob)?;
        if props == props::NONE && blob.len() > 1 {
            return Err(format!("snapshot relationship {id}: a property list is malformed"));
        }
        r.put(id, start, end, TypeId(ty as u32), props);
        counts[ty as usize] += 1;
    }
    let listed = |id: u32| {
        let e = r.get(RelId(u64::from(id)))?;
        (e.props != props::NONE).then_some((u64::from(id), e.props))
    };
    match &order {
        Some(o) => check_lists(&r.props, o.len(), |i| o.get(i).and_then(|&id| listed(id)), nk, "relationship")?,
        None => check_lists(&r.props, r.id_bound(), |i| listed(i as u32), nk, "relationship")?,
    }
    Ok((r, pos, counts))
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
    fn relationships_listed_out_of_id_order_keep_their_own_properties() {
        let mut g = Graph::new();
        let (a, b) = (g.create_node(["A"], []), g.create_node(["A"], []));
        let r0 = g.create_rel(a, b, "T", [("x", Value::Int(10)), ("y", Value::str("long text"))]).unwrap();
        let r1 = g.create_rel(b, a, "T", [("x", Value::Int(11))]).unwrap();
        let r2 = g.create_rel(a, a, "U", []).unwrap();
        let r3 = g.create_rel(b, b, "T", [("x", Value::Int(13))]).unwrap();
        // As an older version may have listed them: not in id order.
        let mut body = Vec::new();
        let r = g.r();
        for id in [r2, r3, r0, r1] {
            let rec = r.get(id).unwrap();
            for x in [id.0, u64::from(rec.start), u64::from(rec.end), u64::from(rec.ty)] {
                put_uvar(&mut body, x);
            }
            put_blob(&mut body, r.props.encoded(rec.props));
        }
        let (rels, end, counts) = decode_rels_at(&g, &body, 0, 4, 2).unwrap();
        // Their ends are nodes the file had: had it handed out only a's id, b is none of them.
        let e = decode_rels_at(&g, &body, 0, 4, 1).err();
        assert!(e.as_ref().is_some_and(|e| e.contains("names a missing node")), "{e:?}");
        assert_eq!((end, counts), (body.len(), vec![3, 1]));
        for id in [r0, r1, r2, r3] {
            let (want, got) = (r.get(id).unwrap(), rels.get(id).unwrap());
            assert_eq!((got.start, got.end, got.ty), (want.start, want.end, want.ty));
            assert_eq!(rels.props.all(got.props), r.props.all(want.props));
        }
    }

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
        let bytes = g.to_snapshot().unwrap();
        let h = Graph::from_snapshot(&bytes).unwrap();
        assert_eq!(h.node_ids().collect::<Vec<_>>(), vec![a, c]);
        assert_eq!(h.next_node, 3, "deleted ids stay used");
        assert_eq!(h.to_snapshot().unwrap(), bytes);
        let (l, k) = (h.label_id("A").unwrap(), h.key_id("x").unwrap());
        assert_eq!(h.index_on(l, k).unwrap().seek(&Value::Int(1)), vec![a]);
        assert_eq!(h.node_labels(a), &[l, h.label_id("B").unwrap()][..]);
        assert_eq!(h.node_props(c), g.node_props(c));
        let mut h = h;
        assert_eq!(h.create_node(["A"], []), NodeId(3), "a new node gets the next id, not a deleted one");
    }

    /// Opens snapshot bytes the way a database opens its file (`db::open_snapshot`).
    fn open_lazily(file: &[u8]) -> Result<Graph, String> {
        let len = Graph::snapshot_first_len(file.get(..SNAPSHOT_LEAD).unwrap_or(file)).unwrap_or(file.len());
        let first = file.get(..len.min(file.len())).unwrap_or_default();
        let tail: [u8; 4] =
            file.get(file.len().saturating_sub(4)..).and_then(|t| t.try_into().ok()).unwrap_or_default();
        let all = Arc::new(file.to_vec());
        let load: Loader = Arc::new(move |at, n| {
            let at = usize::try_from(at).map_err(|e| e.to_string())?;
            Ok(all.get(at..).unwrap_or_default().iter().take(n).copied().collect())
        });
        Graph::open_snapshot(first, tail, file.len() as u64, load).map(|(g, _)| g)
    }

    fn sample() -> Graph {
        let mut g = Graph::new();
        let a = g.create_node(["A"], [("name", Value::str("a")), ("n", Value::Int(1))]);
        let b = g.create_node(["B"], [("name", Value::str("b"))]);
        let c = g.create_node(["A", "B"], []);
        g.create_rel(a, b, "T", [("w", Value::Int(2))]);
        g.create_rel(b, c, "U", []);
        let r = g.create_rel(c, a, "T", [("w", Value::Int(3))]).unwrap();
        g.delete_rel(r);
        g.create_rel(a, a, "U", [("loop", Value::Bool(true))]);
        g
    }

    #[test]
    fn a_snapshot_opened_lazily_reads_its_relationships_when_first_needed() {
        let g = sample();
        let bytes = g.to_snapshot().unwrap();
        let (a, b) = (NodeId(0), NodeId(1));
        let lazy = open_lazily(&bytes).unwrap();
        // Nodes and counts without the relationships.
        assert_eq!((lazy.node_count(), lazy.rel_count()), (3, 3));
        assert_eq!(lazy.node_props(a), g.node_props(a));
        assert_eq!(lazy.rel_count_of(lazy.type_id("T").unwrap()), 1);
        assert!(lazy.rels.undecoded().is_some());
        // Saved as it is, it gives the same file, from the bytes the file has.
        assert_eq!(lazy.to_snapshot().unwrap(), bytes);
        let copy = lazy.clone();
        // Read, they are those of the graph saved.
        let out: Vec<_> = lazy.rels_of(a, super::super::Dir::Both, &[]).collect();
        assert_eq!(out, g.rels_of(a, super::super::Dir::Both, &[]).collect::<Vec<_>>());
        assert!(lazy.rels.undecoded().is_none());
        assert_eq!(lazy.to_snapshot().unwrap(), bytes);
        // A copy made before reads them on its own; a change reads them first.
        assert_eq!(copy.rel_ids().collect::<Vec<_>>(), g.rel_ids().collect::<Vec<_>>());
        let mut changed = open_lazily(&bytes).unwrap();
        let r = changed.create_rel(b, a, "T", []).unwrap();
        assert_eq!(changed.rel_ends(r), Some((b, a)));
        assert_eq!((changed.rel_count(), changed.rels_of(b, super::super::Dir::Out, &[]).count()), (4, 2));
        assert_eq!(changed.node_count(), 3);
        let mut again = open_lazily(&bytes).unwrap();
        again.delete_node(a, true).unwrap();
        assert_eq!((again.node_count(), again.rel_count()), (2, 1));
    }

    #[test]
    fn a_relationship_list_naming_a_key_past_the_names_is_refused_at_once_and_lazily() {
        let mut g = Graph::new();
        let a = g.create_node(["A"], []);
        g.create_rel(a, a, "T", [("w", Value::Int(1))]);
        let mut bytes = g.to_snapshot().unwrap();
        // The last list: 4 bytes (one entry, key "w", integer 1), then the body's checksum.
        let n = bytes.len();
        let k = g.key_id("w").unwrap().0 as u8;
        assert_eq!(bytes[n - 9..n - 4], [4, 1, k, 3, 2]);
        bytes[n - 7] = 99;
        let crc = crc32fast::hash(&bytes[20..n - 4]);
        bytes[n - 4..].copy_from_slice(&crc.to_le_bytes());
        let now = Graph::from_snapshot(&bytes).unwrap_err();
        assert!(now.contains("relationship 0") && now.contains("out of range"), "{now}");
        let later = open_lazily(&bytes).unwrap().decode_all().unwrap_err();
        assert_eq!(later, now);
    }

    #[test]
    fn the_shape_so_far_leaves_the_relationships_unread_and_says_so() {
        let bytes = sample().to_snapshot().unwrap();
        let g = open_lazily(&bytes).unwrap();
        let so_far = g.shape_so_far();
        assert!(so_far.without_relationships && so_far.type_keys.is_empty() && so_far.connections.is_empty());
        assert_eq!(so_far.label_keys, sample().shape().label_keys);
        assert!(!g.relationships_read());
        let whole = g.shape();
        assert!(g.relationships_read() && !whole.without_relationships);
        let want = sample().shape();
        assert_eq!((whole.type_keys, whole.connections.len()), (want.type_keys, want.connections.len()));
        assert!(!g.shape_so_far().without_relationships);
    }

    #[test]
    fn relationships_damaged_past_the_first_part_are_found_when_first_read() {
        let bytes = sample().to_snapshot().unwrap();
        let mut bad = bytes.clone();
        let at = bad.len() - 6;
        bad[at] ^= 0x40;
        assert!(Graph::from_snapshot(&bad).unwrap_err().contains("checksum"));
        let g = open_lazily(&bad).unwrap();
        assert_eq!(g.node_count(), 3);
        assert!(g.damage().is_none());
        assert_eq!(g.rels_of(NodeId(0), super::super::Dir::Both, &[]).count(), 0);
        let why = g.damage().unwrap().to_string();
        assert!(why.contains("checksum mismatch") && why.contains("first read"), "{why}");
        assert_eq!(g.decode_all(), Err(why.clone()));
        assert!(g.to_snapshot().unwrap_err().contains("cannot be saved"));
        // The file's checksums, as a log's base takes them, are those of its bytes.
        let (_, sums) = Graph::open_snapshot(
            &bytes[..Graph::snapshot_first_len(&bytes).unwrap()],
            bytes[bytes.len() - 4..].try_into().unwrap(),
            bytes.len() as u64,
            Arc::new(|_, _| Err("not read".into())),
        )
        .unwrap();
        assert_eq!(sums, [crc32fast::hash(&bytes[..bytes.len() - 4]), crc32fast::hash(&bytes)]);
        // Which is why a log's base takes the first: the second is the same for any two
        // snapshots of one length.
        let mut other = sample();
        other.set_node_prop(NodeId(0), "n", Value::Int(2));
        let other = other.to_snapshot().unwrap();
        assert_eq!(other.len(), bytes.len());
        assert_eq!(crc32fast::hash(&other), crc32fast::hash(&bytes));
        assert_ne!(crc32fast::hash(&other[..other.len() - 4]), sums[0]);
    }

    #[test]
    fn damage_is_detected() {
        let mut g = Graph::new();
        g.create_node(["A"], [("name", Value::str("x"))]);
        let bytes = g.to_snapshot().unwrap();
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
        let good = g.to_snapshot().unwrap();
        assert_eq!(Graph::from_snapshot(&good).unwrap().constraints(), g.constraints());
        let body = &good[20..good.len() - 4];
        // Every single-byte change and every cut of the body, re-wrapped with a correct length
        // and checksums (the first part's too, where its length still fits): an error or a
        // graph, never a panic; read at once, and lazily.
        let wrap5 = |body: &[u8]| {
            let mut body = body.to_vec();
            let first = body.get(..8).map(|b| u64::from_le_bytes(b.try_into().unwrap()) as usize);
            if let Some(end) = first.and_then(|n| n.checked_add(12)).filter(|&e| e <= body.len()) {
                let crc = crc32fast::hash(&body[12..end]);
                body[8..12].copy_from_slice(&crc.to_le_bytes());
            }
            let mut out = MAGIC.to_vec();
            out.extend_from_slice(&5u32.to_le_bytes());
            out.extend_from_slice(&(body.len() as u64).to_le_bytes());
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
            out
        };
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
        let back = Graph::from_snapshot(&big.to_snapshot().unwrap()).unwrap();
        assert_eq!((back.node_count(), back.next_node), (0, 1 << 39));
        for i in 0..body.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut b = body.to_vec();
                b[i] ^= x;
                let file = wrap5(&b);
                let now = Graph::from_snapshot(&file);
                // Opened lazily, the same file is refused when it opens or when its
                // relationships are first read, and never differs from reading it at once.
                let later = open_lazily(&file).and_then(|g| g.decode_all().map(|()| g));
                assert_eq!(now.is_ok(), later.is_ok(), "byte {i} ^ {x}: {now:?} / {later:?}");
                if let (Ok(a), Ok(b)) = (&now, &later) {
                    assert_eq!(a.to_snapshot(), b.to_snapshot());
                }
            }
            assert!(Graph::from_snapshot(&wrap5(&body[..i])).is_err(), "cut at {i}");
            assert!(open_lazily(&wrap5(&body[..i])).and_then(|g| g.decode_all()).is_err(), "cut at {i}");
        }
    }
}
