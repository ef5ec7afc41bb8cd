//! The project's JSON graph: `{"format": "silkgraph-graph", "version": 1, "nodes": [...],
//! "relationships": [...]}`, written and read back.

use serde_json::{json, Value as J};

use crate::error::FileError;
use crate::output::{from_json, to_json};
use crate::store::Graph;
use crate::value::{NodeId, RelId};

/// The project's JSON graph: `{"format": "silkgraph-graph", "version": 1, "nodes": [...],
/// "relationships": [...]}` with values in the contract's JSON encoding.
pub fn to_json_graph(g: &Graph) -> J {
    let (nodes, rels): (Vec<NodeId>, Vec<RelId>) = (g.node_ids().collect(), g.rel_ids().collect());
    to_json_subgraph(g, &nodes, &rels)
}

/// [`to_json_graph`] of some of the graph's nodes and relationships (whose ends must be among
/// the nodes), with their ids.
pub fn to_json_subgraph(g: &Graph, node_ids: &[NodeId], rel_ids: &[RelId]) -> J {
    let nodes: Vec<J> = node_ids
        .iter()
        .map(|&id| {
            let labels: Vec<&str> = g.node_labels(id).iter().map(|l| g.labels().name(*l)).collect();
            let props: serde_json::Map<String, J> =
                g.node_props(id).iter().map(|(k, v)| (g.keys().name(*k).to_string(), to_json(g, v))).collect();
            json!({"id": id, "labels": labels, "properties": props})
        })
        .collect();
    let rels: Vec<J> = rel_ids
        .iter()
        .map(|&id| {
            let (s, e) = g.rel_ends(id).unwrap_or((NodeId(0), NodeId(0)));
            let ty = g.rel_type(id).map_or("", |t| g.types().name(t));
            let props: serde_json::Map<String, J> =
                g.rel_props(id).iter().map(|(k, v)| (g.keys().name(*k).to_string(), to_json(g, v))).collect();
            json!({"id": id, "type": ty, "start": s, "end": e, "properties": props})
        })
        .collect();
    json!({"format": "silkgraph-graph", "version": 1, "nodes": nodes, "relationships": rels})
}

/// Reads the project's JSON graph. The error has no path (the caller knows the file): JSON that
/// does not parse is placed at its line and column, a graph that does not hold together names
/// the element (`nodes[3]`).
pub fn from_json_text(text: &str) -> Result<Graph, FileError> {
    let j: J = serde_json::from_str(text).map_err(|e| FileError::json("", "not JSON", &e))?;
    graph_of(&j).map_err(|m| FileError::invalid("", m))
}

/// The graph a parsed JSON graph describes.
fn graph_of(j: &J) -> Result<Graph, String> {
    // A graph of a later version may mean its fields differ: refused rather than misread. (A
    // file without the two fields is taken as version 1, as hand-made ones often are.)
    if let Some(f) = j.get("format") {
        if f.as_str() != Some("silkgraph-graph") {
            return Err(format!("`format` is {f}, not \"silkgraph-graph\""));
        }
    }
    if let Some(v) = j.get("version") {
        if v.as_u64() != Some(1) {
            return Err(format!(
                "version {v} of the JSON graph; this silkgraph reads version 1 (a newer silkgraph wrote it?)"
            ));
        }
    }
    let mut g = Graph::new();
    let mut ids = std::collections::HashMap::new();
    let nodes = j.get("nodes").and_then(J::as_array).ok_or("missing `nodes` array")?;
    for (i, n) in nodes.iter().enumerate() {
        let id = n.get("id").and_then(J::as_u64).ok_or(format!("nodes[{i}]: missing integer `id`"))?;
        let labels: Vec<&str> = n
            .get("labels")
            .and_then(J::as_array)
            .map(|ls| ls.iter().filter_map(J::as_str).collect())
            .unwrap_or_default();
        let props = read_props(n.get("properties")).map_err(|e| format!("nodes[{i}]: {e}"))?;
        let new = g.create_node(labels, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
        if ids.insert(id, new).is_some() {
            return Err(format!("nodes[{i}]: duplicate id {id}"));
        }
    }
    let empty = Vec::new();
    let rels = j.get("relationships").and_then(J::as_array).unwrap_or(&empty);
    let mut rel_ids = std::collections::HashSet::new();
    for (i, r) in rels.iter().enumerate() {
        if let Some(id) = r.get("id").and_then(J::as_u64) {
            if !rel_ids.insert(id) {
                return Err(format!("relationships[{i}]: duplicate id {id}"));
            }
        }
        let end_of = |k: &str| -> Result<NodeId, String> {
            let id = r.get(k).and_then(J::as_u64).ok_or(format!("relationships[{i}]: missing `{k}`"))?;
            ids.get(&id).copied().ok_or(format!("relationships[{i}]: `{k}` names no node ({id})"))
        };
        let (s, e) = (end_of("start")?, end_of("end")?);
        let ty = r.get("type").and_then(J::as_str).ok_or(format!("relationships[{i}]: missing `type`"))?;
        if ty.is_empty() {
            return Err(format!("relationships[{i}]: an empty `type`"));
        }
        let props = read_props(r.get("properties")).map_err(|e| format!("relationships[{i}]: {e}"))?;
        g.create_rel(s, e, ty, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
    }
    Ok(g)
}

fn read_props(j: Option<&J>) -> Result<Vec<(String, crate::value::Value)>, String> {
    match j {
        None | Some(J::Null) => Ok(Vec::new()),
        Some(J::Object(m)) => m.iter().map(|(k, v)| Ok((k.clone(), from_json(v)?))).collect(),
        Some(_) => Err("`properties` must be an object".into()),
    }
}
