//! The project's own JSON graph (`{"format": "silkgraph-graph", ...}`, see
//! [`crate::io::to_json_graph`]), which `--graph FILE.json` opens; the export adds a
//! `provenance` field, which the reader ignores.

use super::Export;

/// The export as the project's own JSON graph, with a `provenance` field added.
pub fn render(ex: &Export) -> String {
    let mut j = crate::io::to_json_subgraph(ex.graph, &ex.sub.nodes, &ex.sub.rels);
    if let Some(o) = j.as_object_mut() {
        o.insert("provenance".into(), ex.prov.to_json());
    }
    let mut s = serde_json::to_string_pretty(&j).unwrap_or_default();
    s.push('\n');
    s
}
