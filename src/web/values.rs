//! Values as the HTTP side writes them: the Query API's plain JSON (a node is `{elementId,
//! labels, properties}`, a relationship `{elementId, startNodeElementId, endNodeElementId, type,
//! properties}`, a path the list of its nodes and relationships, temporal values ISO text), and
//! the app's picture of a result (nodes with their caption and colour, relationships).

use serde_json::{json, Map, Value as J};

use crate::export::layout::Palette;
use crate::export::{display_name, label_names, type_name, Subgraph};
use crate::store::Graph;
use crate::value::{NodeId, RelId, Value};

/// The element id of a node (as the Bolt side gives it).
pub fn node_id(id: NodeId) -> String {
    format!("n{id}")
}

/// The element id of a relationship.
pub fn rel_id(id: RelId) -> String {
    format!("r{id}")
}

fn props(g: &Graph, ps: &[(crate::store::KeyId, Value)]) -> J {
    J::Object(ps.iter().map(|(k, v)| (g.keys().name(*k).to_string(), plain(g, v))).collect())
}

fn node(g: &Graph, id: NodeId) -> J {
    json!({"elementId": node_id(id), "labels": label_names(g, id), "properties": props(g, &g.node_props(id))})
}

fn rel(g: &Graph, id: RelId) -> J {
    let (s, e) = g.rel_ends(id).unwrap_or((NodeId(0), NodeId(0)));
    json!({
        "elementId": rel_id(id),
        "startNodeElementId": node_id(s),
        "endNodeElementId": node_id(e),
        "type": type_name(g, id),
        "properties": props(g, &g.rel_props(id)),
    })
}

/// A value in the Query API's plain JSON.
pub fn plain(g: &Graph, v: &Value) -> J {
    match v {
        Value::Node(id) => node(g, *id),
        Value::Rel(id) => rel(g, *id),
        Value::Path(p) => {
            let mut items = vec![node(g, p.nodes[0])];
            for (r, n) in p.rels.iter().zip(&p.nodes[1..]) {
                items.push(rel(g, *r));
                items.push(node(g, *n));
            }
            J::Array(items)
        }
        Value::List(xs) => J::Array(xs.iter().map(|x| plain(g, x)).collect()),
        Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), plain(g, v))).collect()),
        other => crate::output::plain_json(g, other),
    }
}

/// The nodes and relationships of some values, for the app's graph view: each node with its
/// labels, properties, caption (its name) and colour (the colour its first label has in every
/// picture of the graph); each relationship with its ends.
pub fn picture(g: &Graph, sub: &Subgraph) -> J {
    let palette = Palette::for_labels(g);
    let nodes: Vec<J> = sub
        .nodes
        .iter()
        .map(|&n| {
            let labels = label_names(g, n);
            let color = labels.first().map_or_else(|| palette.hex(""), |l| palette.hex(l));
            json!({
                "id": n,
                "labels": labels,
                "caption": display_name(g, n),
                "color": color,
                "properties": props(g, &g.node_props(n)),
            })
        })
        .collect();
    let rels: Vec<J> = sub
        .rels
        .iter()
        .filter_map(|&r| {
            let (s, e) = g.rel_ends(r)?;
            Some(json!({"id": r, "type": type_name(g, r), "start": s, "end": e, "properties": props(g, &g.rel_props(r))}))
        })
        .collect();
    json!({"nodes": nodes, "rels": rels, "undirected": g.undirected()})
}

/// The colour of each label of the graph, as every picture of it draws them.
pub fn label_colors(g: &Graph) -> J {
    let palette = Palette::for_labels(g);
    J::Object(g.labels().iter().map(|(_, l)| (l.to_string(), J::String(palette.hex(l)))).collect::<Map<_, _>>())
}
