//! NetworkX's node-link JSON: `networkx.node_link_graph(data, edges="links")` (or just
//! `node_link_graph(data)`) reads it into a `MultiDiGraph`.
//!
//! ```json
//! {"directed": true, "multigraph": true, "graph": {"name": ..., "provenance": {...}},
//!  "nodes": [{"id": 3, "labels": ["Country"], "properties": {"name": "Japan", ...}}],
//!  "links": [{"source": 3, "target": 7, "key": 12, "type": "VISITED", "properties": {...}}]}
//! ```
//!
//! Properties stay in a `properties` object, so that a relationship's own `source` property
//! (its evidence) cannot collide with the link's `source` end. Values use the contract's JSON
//! encoding: dates as `{"@date": "2025-12-20"}`, NaN and infinities as `{"@float": "NaN"}`.

use serde_json::{json, Map, Value as J};

use super::{label_names, type_name, Export};
use crate::output::{from_json, to_json};
use crate::store::Graph;
use crate::value::NodeId;

/// The export as NetworkX node-link JSON.
pub fn render(ex: &Export) -> String {
    let g = ex.graph;
    let props = |ps: &[(crate::store::KeyId, crate::value::Value)]| -> J {
        J::Object(ps.iter().map(|(k, v)| (g.keys().name(*k).to_string(), to_json(g, v))).collect())
    };
    let nodes: Vec<J> = ex
        .sub
        .nodes
        .iter()
        .map(|&n| json!({"id": n, "labels": label_names(g, n), "properties": props(&g.node_props(n))}))
        .collect();
    let links: Vec<J> = ex
        .sub
        .rels
        .iter()
        .filter_map(|&r| {
            let (a, b) = g.rel_ends(r)?;
            Some(json!({"source": a, "target": b, "key": r, "type": type_name(g, r), "properties": props(&g.rel_props(r))}))
        })
        .collect();
    let doc = json!({
        "directed": !ex.graph.undirected(),
        "multigraph": true,
        "graph": {"name": "silkgraph export", "provenance": ex.prov.to_json()},
        "nodes": nodes,
        "links": links,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Reads node-link JSON (as written by [`render`], or by NetworkX's `node_link_data` with
/// `labels`/`type`/`properties` attributes) into a graph. Attributes other than those are
/// taken as properties too.
pub fn import(text: &str) -> Result<Graph, String> {
    let j: J = serde_json::from_str(text).map_err(|e| format!("{}:{}: {e}", e.line(), e.column()))?;
    let mut g = Graph::new();
    let mut ids: std::collections::HashMap<String, NodeId> = std::collections::HashMap::new();
    let empty = Vec::new();
    let nodes = j.get("nodes").and_then(J::as_array).ok_or("missing `nodes` array")?;
    let props_of = |o: &Map<String, J>, skip: &[&str]| -> Result<Vec<(String, crate::value::Value)>, String> {
        let mut out = Vec::new();
        if let Some(J::Object(p)) = o.get("properties") {
            for (k, v) in p {
                out.push((k.clone(), from_json(v)?));
            }
        }
        for (k, v) in o {
            if k != "properties" && !skip.contains(&k.as_str()) {
                out.push((k.clone(), from_json(v)?));
            }
        }
        Ok(out)
    };
    for (i, n) in nodes.iter().enumerate() {
        let o = n.as_object().ok_or(format!("nodes[{i}]: not an object"))?;
        let id = o.get("id").ok_or(format!("nodes[{i}]: missing `id`"))?.to_string();
        let labels: Vec<&str> = o
            .get("labels")
            .and_then(J::as_array)
            .map(|ls| ls.iter().filter_map(J::as_str).collect())
            .unwrap_or_default();
        let props = props_of(o, &["id", "labels"]).map_err(|e| format!("nodes[{i}]: {e}"))?;
        let new = g.create_node(labels, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
        if ids.insert(id.clone(), new).is_some() {
            return Err(format!("nodes[{i}]: duplicate id {id}"));
        }
    }
    let links = j.get("links").or_else(|| j.get("edges")).and_then(J::as_array).unwrap_or(&empty);
    for (i, l) in links.iter().enumerate() {
        let o = l.as_object().ok_or(format!("links[{i}]: not an object"))?;
        let end = |k: &str| -> Result<NodeId, String> {
            let id = o.get(k).ok_or(format!("links[{i}]: missing `{k}`"))?.to_string();
            ids.get(&id).copied().ok_or(format!("links[{i}]: `{k}` names no node ({id})"))
        };
        let (a, b) = (end("source")?, end("target")?);
        let ty = o.get("type").and_then(J::as_str).ok_or(format!("links[{i}]: missing `type`"))?;
        let props = props_of(o, &["source", "target", "key", "type"]).map_err(|e| format!("links[{i}]: {e}"))?;
        g.create_rel(a, b, ty, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
    }
    Ok(g)
}
